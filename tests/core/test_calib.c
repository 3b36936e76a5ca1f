#include <errno.h>

#include <tinyml/calib.h>

#include "ttest.h"

static struct tinyml_calib cal;

TTEST(calib, learns_baseline_and_offsets_then_persists)
{
	static const int16_t thr[2] = {20000, 20000};
	struct tinyml_calib_record rec;
	int16_t applied[2];
	int i;

	TT_ASSERT_EQ(tinyml_calib_start(&cal, 2u, 2u, thr, 5000, 1000u, 600000u, 10u), 0);
	TT_ASSERT_EQ(tinyml_calib_record(&cal, &rec), -EAGAIN);
	for (i = 0; i < 20; i++) {
		int32_t feat[2] = {50 + (i % 2) * 10, -7};
		int16_t scores[2] = {30000, 10000};

		TT_ASSERT_EQ(tinyml_calib_observe(&cal, feat, 2u, scores, 2u, 1000u + (uint32_t)i),
			     0);
	}
	/* Time is up; the window count already is. */
	{
		int32_t feat[2] = {55, -7};
		int16_t scores[2] = {30000, 10000};

		TT_ASSERT_EQ(tinyml_calib_observe(&cal, feat, 2u, scores, 2u, 601000u), 1);
		TT_ASSERT_EQ(tinyml_calib_observe(&cal, feat, 2u, scores, 2u, 601001u), 1);
		TT_ASSERT_EQ(tinyml_calib_observe(&cal, feat, 1u, scores, 2u, 601001u), -EINVAL);
	}
	TT_ASSERT_EQ(tinyml_calib_record(&cal, &rec), 0);
	TT_ASSERT_EQ(rec.windows, 21u);
	TT_ASSERT(rec.mean_q8[0] >= 55 * 256 - 2 && rec.mean_q8[0] <= 55 * 256 + 2);
	TT_ASSERT_EQ(rec.mean_q8[1], -7 * 256);
	TT_ASSERT(rec.std_q8[0] >= 4 * 256 && rec.std_q8[0] <= 5 * 256 + 2);
	TT_ASSERT_EQ(rec.threshold_offset_q15[0], 5000); /* clamped to the maximum */
	TT_ASSERT_EQ(rec.threshold_offset_q15[1], 0);
	TT_ASSERT_EQ(tinyml_calib_record_check(&rec), 0);
	TT_ASSERT_EQ(tinyml_calib_apply(&rec, thr, applied, 2u), 0);
	TT_ASSERT_EQ(applied[0], 25000);
	TT_ASSERT_EQ(applied[1], 20000);
	{
		int16_t high[2] = {30000, 32767};

		TT_ASSERT_EQ(tinyml_calib_apply(&rec, high, applied, 2u), 0);
		TT_ASSERT_EQ(applied[0], 32767);
	}
	TT_ASSERT_EQ(tinyml_calib_apply(&rec, thr, applied, 3u), -EINVAL);
	rec.mean_q8[0] ^= 1;
	TT_ASSERT_EQ(tinyml_calib_record_check(&rec), -EBADMSG);
	rec.mean_q8[0] ^= 1;
	rec.version = 2u;
	TT_ASSERT_EQ(tinyml_calib_record_check(&rec), -ENOTSUP);
}

TTEST(calib, validates)
{
	static const int16_t thr[2] = {1, 2};

	TT_ASSERT_EQ(tinyml_calib_start(NULL, 2u, 2u, thr, 0, 0u, 1u, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_calib_start(&cal, 0u, 2u, thr, 0, 0u, 1u, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_calib_start(&cal, 33u, 2u, thr, 0, 0u, 1u, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_calib_start(&cal, 2u, 17u, thr, 0, 0u, 1u, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_calib_start(&cal, 2u, 2u, thr, -1, 0u, 1u, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_calib_record_check(NULL), -EINVAL);
}
