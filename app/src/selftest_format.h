/*
 * The canned self-test set embedded in the image (format of app/selftest/README.md):
 * a 16-byte header ("TMST", version 1, axes, window_len, n_windows, sample rate), then
 * n_windows records of {u8 expected class, 3 reserved bytes, axes x window_len int16 LE
 * samples, axis-major}.
 */
#ifndef TINYML_APP_SELFTEST_FORMAT_H_
#define TINYML_APP_SELFTEST_FORMAT_H_

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zephyr/sys/byteorder.h>

#include "app.h"

#define SELFTEST_HEADER_SIZE 16U
#define SELFTEST_RECORD_HEAD 4U

struct selftest_view {
	const uint8_t *base;
	uint16_t axes;
	uint16_t window_len;
	uint16_t n_windows;
	uint32_t sample_rate_hz;
	size_t record_size;
};

static inline int selftest_open(struct selftest_view *st)
{
	size_t len = 0;
	const uint8_t *blob = app_selftest_blob(&len);

	if (blob == NULL || len < SELFTEST_HEADER_SIZE || memcmp(blob, "TMST", 4) != 0 ||
	    sys_get_le16(blob + 4) != 1U) {
		return -ENODATA;
	}
	st->base = blob;
	st->axes = sys_get_le16(blob + 6);
	st->window_len = sys_get_le16(blob + 8);
	st->n_windows = sys_get_le16(blob + 10);
	st->sample_rate_hz = sys_get_le32(blob + 12);
	st->record_size = SELFTEST_RECORD_HEAD + 2U * (size_t)st->axes * st->window_len;
	if (st->axes == 0U || st->window_len == 0U || st->n_windows == 0U ||
	    (len - SELFTEST_HEADER_SIZE) / st->record_size < st->n_windows) {
		return -EINVAL;
	}
	return 0;
}

static inline uint8_t selftest_expected(const struct selftest_view *st, uint32_t w)
{
	return st->base[SELFTEST_HEADER_SIZE + w * st->record_size];
}

static inline const uint8_t *selftest_window_samples(const struct selftest_view *st, uint32_t w)
{
	return st->base + SELFTEST_HEADER_SIZE + w * st->record_size + SELFTEST_RECORD_HEAD;
}

#endif /* TINYML_APP_SELFTEST_FORMAT_H_ */
