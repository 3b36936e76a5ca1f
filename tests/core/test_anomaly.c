#include <errno.h>

#include <tinyml/anomaly.h>

#include "ttest.h"

TTEST(anomaly, validates)
{
	struct tinyml_anomaly_config cfg = {0, 0, 65536u, 256u, 2u};
	int8_t in[2] = {0, 0};
	uint32_t err;
	int16_t s[2];

	TT_ASSERT_EQ(tinyml_anomaly_check(&cfg), 0);
	TT_ASSERT_EQ(tinyml_anomaly_check(NULL), -EINVAL);
	TT_ASSERT_EQ(tinyml_anomaly_error_q8(&cfg, in, in, 1u, &err), -EINVAL);
	TT_ASSERT_EQ(tinyml_anomaly_error_q8(&cfg, NULL, in, 2u, &err), -EINVAL);
	TT_ASSERT_EQ(tinyml_anomaly_scores_q15(&cfg, in, in, 2u, NULL), -EINVAL);
	cfg.output_ratio_q16 = 0u;
	TT_ASSERT_EQ(tinyml_anomaly_scores_q15(&cfg, in, in, 2u, s), -EINVAL);
	cfg.output_ratio_q16 = TINYML_ANOMALY_MAX_RATIO + 1u;
	TT_ASSERT_EQ(tinyml_anomaly_check(&cfg), -EINVAL);
	cfg.output_ratio_q16 = 65536u;
	cfg.full_scale_q8 = 0u;
	TT_ASSERT_EQ(tinyml_anomaly_check(&cfg), -EINVAL);
	cfg.full_scale_q8 = 1u;
	cfg.input_zero_point = 128;
	TT_ASSERT_EQ(tinyml_anomaly_check(&cfg), -EINVAL);
}

TTEST(anomaly, perfect_reconstruction_scores_zero)
{
	/* Output scale twice the input's: output steps of 5 are input steps of 10. */
	struct tinyml_anomaly_config cfg = {-3, 7, 131072u, 1000u, 3u};
	int8_t in[3] = {7, -13, -3};
	int8_t out[3] = {12, 2, 7};
	uint32_t err;
	int16_t s[2];

	TT_ASSERT_EQ(tinyml_anomaly_error_q8(&cfg, in, out, 3u, &err), 0);
	TT_ASSERT_EQ(err, 0u);
	TT_ASSERT_EQ(tinyml_anomaly_scores_q15(&cfg, in, out, 3u, s), 0);
	TT_ASSERT_EQ(s[TINYML_ANOMALY_CLASS_ANOMALY], 0);
	TT_ASSERT_EQ(s[TINYML_ANOMALY_CLASS_NORMAL], 32767);
}

TTEST(anomaly, mean_squared_error_and_saturating_score)
{
	struct tinyml_anomaly_config cfg = {0, 0, 65536u, 25600u, 2u};
	int8_t in[2] = {10, 0};
	int8_t out[2] = {0, 0};
	int8_t far[2] = {-128, 127};
	uint32_t err;
	int16_t s[2];

	/* (10^2 + 0) / 2 = 50 steps^2 = 12800 in Q8; half of full scale. */
	TT_ASSERT_EQ(tinyml_anomaly_error_q8(&cfg, in, out, 2u, &err), 0);
	TT_ASSERT_EQ(err, 12800u);
	TT_ASSERT_EQ(tinyml_anomaly_scores_q15(&cfg, in, out, 2u, s), 0);
	TT_ASSERT_EQ(s[1], 16384);
	TT_ASSERT_EQ(s[0], 32767 - 16384);
	TT_ASSERT_EQ(tinyml_anomaly_scores_q15(&cfg, far, out, 2u, s), 0);
	TT_ASSERT_EQ(s[1], 32767);
	TT_ASSERT_EQ(s[0], 0);
}
