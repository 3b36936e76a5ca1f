/*
 * Parsing of the canned self-test set (app/selftest/README.md): a valid set opens with its
 * header fields, and a foreign, truncated or empty one is refused.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/sys/byteorder.h>
#include <zephyr/ztest.h>

#include "selftest_set.h"

/* 3 axes x 4 samples per window, 2 windows. */
static uint8_t blob[16 + 2 * (4 + 2 * 3 * 4)];
static size_t blob_len;

static void make_blob(void *fixture)
{
	ARG_UNUSED(fixture);
	memset(blob, 0, sizeof(blob));
	memcpy(blob, "TMST", 4);
	sys_put_le16(1, blob + 4);    /* version */
	sys_put_le16(3, blob + 6);    /* axes */
	sys_put_le16(4, blob + 8);    /* window_len */
	sys_put_le16(2, blob + 10);   /* n_windows */
	sys_put_le32(400, blob + 12); /* sample rate */
	blob[16] = 0;                 /* window 0: class 0 */
	blob[16 + 28] = 1;            /* window 1: class 1 */
	sys_put_le16((uint16_t)-1234, blob + 16 + 28 + 4);
	blob_len = sizeof(blob);
}

ZTEST_SUITE(tinyml_selftest_set, NULL, NULL, make_blob, NULL, NULL);

ZTEST(tinyml_selftest_set, test_valid_set_opens)
{
	struct selftest_view st;

	zassert_ok(selftest_set_parse(&st, blob_len != 0U ? blob : NULL, blob_len));
	zassert_equal(st.axes, 3);
	zassert_equal(st.window_len, 4);
	zassert_equal(st.n_windows, 2);
	zassert_equal(st.sample_rate_hz, 400U);
	zassert_equal(selftest_set_expected(&st, 1), 1);
	zassert_equal((int16_t)sys_get_le16(selftest_set_window(&st, 1)), -1234);
}

ZTEST(tinyml_selftest_set, test_bad_sets_refused)
{
	struct selftest_view st;

	blob[0] = 'X';
	zassert_equal(selftest_set_parse(&st, blob_len != 0U ? blob : NULL, blob_len), -ENODATA);
	blob[0] = 'T';
	blob_len = sizeof(blob) - 1U;
	zassert_equal(selftest_set_parse(&st, blob_len != 0U ? blob : NULL, blob_len), -EINVAL);
	blob_len = sizeof(blob);
	sys_put_le16(0, blob + 10);
	zassert_equal(selftest_set_parse(&st, blob_len != 0U ? blob : NULL, blob_len), -EINVAL);
	blob_len = 0;
	zassert_equal(selftest_set_parse(&st, blob_len != 0U ? blob : NULL, blob_len), -ENODATA);
}
