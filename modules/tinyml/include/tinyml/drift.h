/*
 * Running mean and variance of each feature (Welford's update in fixed point: mean in Q8,
 * sum of squared deviations in Q16, integer only), turning into an exponential forgetting of
 * horizon H windows once H windows are seen, and a drift score against a training baseline.
 * The Python reference (tinyml_tools.features.drift) does the same integer arithmetic.
 */
#ifndef TINYML_DRIFT_H_
#define TINYML_DRIFT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Features are clamped to +-2^16 before the update (every feature of the pipelines fits but
 * saturated harmonic ratios), and the horizon is at most 2^12 windows: Q8 deviations stay below
 * 2^25, their products below 2^50, and m2 below 2^62.
 */
#define TINYML_DRIFT_CLAMP       (1 << 16)
#define TINYML_DRIFT_MAX_HORIZON 4096u

struct tinyml_drift {
	int64_t *mean_q8; /* caller-owned, n_features */
	int64_t *m2_q16;  /* caller-owned, n_features */
	uint32_t n_features;
	uint32_t horizon; /* power of two */
	uint32_t count;   /* windows seen, saturates at horizon */
};

/**
 * @brief Set up statistics of @p n_features features over caller arrays.
 *
 * @retval 0 on success; -EINVAL on NULL, zero features, or @p horizon not a power of two in
 *         2..TINYML_DRIFT_MAX_HORIZON.
 */
int tinyml_drift_init(struct tinyml_drift *drift, int64_t *mean_q8, int64_t *m2_q16,
		      size_t n_features, uint32_t horizon);

/**
 * @brief Add one window of features: n = min(count + 1, horizon); when count >= horizon the
 * sum of squares first loses m2 / horizon; d = x*256 - mean; mean += d / n (truncating);
 * m2 += d * (x*256 - mean).
 *
 * @retval 0 on success; -EINVAL on NULL or @p n != n_features.
 */
int tinyml_drift_update(struct tinyml_drift *drift, const int32_t *x, size_t n);

/**
 * @brief Mean (Q8) and standard deviation (Q8, floor(sqrt(m2 / n))) of feature @p i.
 *
 * @retval 0 on success; -EINVAL on NULL or @p i out of range; -EAGAIN before any update.
 */
int tinyml_drift_stats(const struct tinyml_drift *drift, size_t i, int32_t *mean_q8,
		       uint32_t *std_q8);

/**
 * @brief Drift score in Q8: the mean over features of floor(|mean - base_mean| * 256 /
 * max(base_std, 1)) (how many baseline standard deviations the running mean moved).
 *
 * @retval 0 on success; -EINVAL on NULL or @p n != n_features; -EAGAIN before any update.
 */
int tinyml_drift_score_q8(const struct tinyml_drift *drift, const int32_t *base_mean_q8,
			  const uint32_t *base_std_q8, size_t n, int32_t *score_q8);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_DRIFT_H_ */
