#include <errno.h>

#include <tinyml/drift.h>

#include "ttest.h"

static int64_t mean[2];
static int64_t m2[2];

TTEST(drift, validates)
{
	struct tinyml_drift d;
	int32_t x[2] = {0, 0};
	int32_t mq;
	uint32_t sq;

	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 2u, 3u), -EINVAL);
	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 0u, 4u), -EINVAL);
	TT_ASSERT_EQ(tinyml_drift_init(&d, NULL, m2, 2u, 4u), -EINVAL);
	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 2u, 4u), 0);
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 0u, &mq, &sq), -EAGAIN);
	TT_ASSERT_EQ(tinyml_drift_update(&d, x, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_drift_update(&d, x, 2u), 0);
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 2u, &mq, &sq), -EINVAL);
}

TTEST(drift, welford_mean_and_std)
{
	struct tinyml_drift d;
	int32_t mq;
	uint32_t sq;
	int i;

	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 2u, 1024u), 0);
	for (i = 0; i < 100; i++) {
		int32_t x[2] = {5, (i % 2) ? 10 : 0};

		TT_ASSERT_EQ(tinyml_drift_update(&d, x, 2u), 0);
	}
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 0u, &mq, &sq), 0);
	TT_ASSERT_EQ(mq, 5 * 256);
	TT_ASSERT_EQ(sq, 0u);
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 1u, &mq, &sq), 0);
	TT_ASSERT(mq >= 5 * 256 - 2 && mq <= 5 * 256 + 2);
	TT_ASSERT(sq >= 5 * 256 - 2 && sq <= 5 * 256 + 2);
}

TTEST(drift, forgets_with_the_horizon_and_scores_the_shift)
{
	struct tinyml_drift d;
	int32_t base_mean[2] = {100 * 256, 0};
	uint32_t base_std[2] = {10 * 256, 0};
	int32_t score;
	int32_t mq;
	uint32_t sq;
	int i;

	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 2u, 16u), 0);
	for (i = 0; i < 200; i++) {
		int32_t x[2] = {100, 0};

		TT_ASSERT_EQ(tinyml_drift_update(&d, x, 2u), 0);
	}
	TT_ASSERT_EQ(tinyml_drift_score_q8(&d, base_mean, base_std, 2u, &score), 0);
	TT_ASSERT_EQ(score, 0);
	for (i = 0; i < 400; i++) {
		int32_t x[2] = {130, 0};

		TT_ASSERT_EQ(tinyml_drift_update(&d, x, 2u), 0);
	}
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 0u, &mq, &sq), 0);
	TT_ASSERT(mq >= 130 * 256 - 16 && mq <= 130 * 256);
	/* Feature 0 moved 3 baseline std (768 in Q8), feature 1 none: mean 384. */
	TT_ASSERT_EQ(tinyml_drift_score_q8(&d, base_mean, base_std, 2u, &score), 0);
	TT_ASSERT(score >= 380 && score <= 384);
	TT_ASSERT_EQ(tinyml_drift_score_q8(&d, base_mean, base_std, 1u, &score), -EINVAL);
}

TTEST(drift, extreme_inputs_do_not_overflow)
{
	struct tinyml_drift d;
	int32_t mq;
	uint32_t sq;
	int i;

	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 2u, TINYML_DRIFT_MAX_HORIZON), 0);
	TT_ASSERT_EQ(tinyml_drift_init(&d, mean, m2, 2u, 2u * TINYML_DRIFT_MAX_HORIZON), -EINVAL);
	for (i = 0; i < 20000; i++) {
		int32_t x[2] = {(i % 2) ? INT32_MAX : INT32_MIN, INT32_MAX};

		TT_ASSERT_EQ(tinyml_drift_update(&d, x, 2u), 0);
	}
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 0u, &mq, &sq), 0);
	/* Alternating +-2^16 (the clamp): std 2^16, 2^24 in Q8. */
	TT_ASSERT(sq > (1u << 24) - 4096u && sq <= (1u << 24) + 4096u);
	TT_ASSERT_EQ(tinyml_drift_stats(&d, 1u, &mq, &sq), 0);
	TT_ASSERT_EQ(mq, TINYML_DRIFT_CLAMP * 256);
}
