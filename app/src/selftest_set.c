/*
 * The canned self-test set, embedded at build time from CONFIG_TINYML_APP_SELFTEST_FILE.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/util.h>

#include "selftest_set.h"

#define HEADER_SIZE 16U
#define RECORD_HEAD 4U

#if defined(TINYML_APP_HAS_SELFTEST)
static const uint8_t selftest_data[] __aligned(4) = {
#include "tinyml_selftest_data.inc"
};
#endif

int selftest_set_parse(struct selftest_view *st, const uint8_t *blob, size_t len)
{
	if (blob == NULL || len < HEADER_SIZE || memcmp(blob, "TMST", 4) != 0 ||
	    sys_get_le16(blob + 4) != 1U) {
		return -ENODATA;
	}
	st->base = blob;
	st->axes = sys_get_le16(blob + 6);
	st->window_len = sys_get_le16(blob + 8);
	st->n_windows = sys_get_le16(blob + 10);
	st->sample_rate_hz = sys_get_le32(blob + 12);
	st->record_size = RECORD_HEAD + 2U * (size_t)st->axes * st->window_len;
	if (st->axes == 0U || st->window_len == 0U || st->n_windows == 0U ||
	    (len - HEADER_SIZE) / st->record_size < st->n_windows) {
		return -EINVAL;
	}
	return 0;
}

int selftest_set_open(struct selftest_view *st)
{
#if defined(TINYML_APP_HAS_SELFTEST)
	return selftest_set_parse(st, selftest_data, sizeof(selftest_data));
#else
	return selftest_set_parse(st, NULL, 0);
#endif
}

uint8_t selftest_set_expected(const struct selftest_view *st, uint32_t w)
{
	return st->base[HEADER_SIZE + w * st->record_size];
}

const uint8_t *selftest_set_window(const struct selftest_view *st, uint32_t w)
{
	return st->base + HEADER_SIZE + w * st->record_size + RECORD_HEAD;
}
