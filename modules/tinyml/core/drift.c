/*
 * Fixed-point Welford statistics; the bounds that keep every product in range are in drift.h
 * (m2 still saturates rather than wrapping, should they ever be exceeded).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/drift.h>
#include <tinyml/fixed.h>

int tinyml_drift_init(struct tinyml_drift *drift, int64_t *mean_q8, int64_t *m2_q16,
		      size_t n_features, uint32_t horizon)
{
	if (drift == NULL || mean_q8 == NULL || m2_q16 == NULL || n_features == 0u ||
	    n_features > 65535u || horizon < 2u || horizon > TINYML_DRIFT_MAX_HORIZON ||
	    (horizon & (horizon - 1u)) != 0u) {
		return -EINVAL;
	}
	memset(mean_q8, 0, n_features * sizeof(*mean_q8));
	memset(m2_q16, 0, n_features * sizeof(*m2_q16));
	drift->mean_q8 = mean_q8;
	drift->m2_q16 = m2_q16;
	drift->n_features = (uint32_t)n_features;
	drift->horizon = horizon;
	drift->count = 0u;
	return 0;
}

int tinyml_drift_update(struct tinyml_drift *drift, const int32_t *x, size_t n)
{
	int forgetting;
	int64_t count;
	size_t i;

	if (drift == NULL || x == NULL || n != drift->n_features) {
		return -EINVAL;
	}
	forgetting = drift->count >= drift->horizon;
	if (!forgetting) {
		drift->count++;
	}
	count = drift->count;
	for (i = 0u; i < n; i++) {
		int32_t v = x[i];
		int64_t xq;
		int64_t d;
		int64_t m2;
		int64_t add;

		if (v > TINYML_DRIFT_CLAMP) {
			v = TINYML_DRIFT_CLAMP;
		} else if (v < -TINYML_DRIFT_CLAMP) {
			v = -TINYML_DRIFT_CLAMP;
		}
		xq = (int64_t)v * 256;
		m2 = drift->m2_q16[i];
		if (forgetting) {
			m2 -= m2 / count;
		}
		d = xq - drift->mean_q8[i];
		drift->mean_q8[i] += d / count;
		add = d * (xq - drift->mean_q8[i]);
		m2 = add > INT64_MAX - m2 ? INT64_MAX : m2 + add;
		drift->m2_q16[i] = m2;
	}
	return 0;
}

int tinyml_drift_stats(const struct tinyml_drift *drift, size_t i, int32_t *mean_q8,
		       uint32_t *std_q8)
{
	if (drift == NULL || mean_q8 == NULL || std_q8 == NULL || i >= drift->n_features) {
		return -EINVAL;
	}
	if (drift->count == 0u) {
		return -EAGAIN;
	}
	*mean_q8 = (int32_t)drift->mean_q8[i];
	*std_q8 = tinyml_isqrt64((uint64_t)(drift->m2_q16[i] / (int64_t)drift->count));
	return 0;
}

int tinyml_drift_score_q8(const struct tinyml_drift *drift, const int32_t *base_mean_q8,
			  const uint32_t *base_std_q8, size_t n, int32_t *score_q8)
{
	uint64_t total = 0u;
	size_t i;

	if (drift == NULL || base_mean_q8 == NULL || base_std_q8 == NULL || score_q8 == NULL ||
	    n != drift->n_features) {
		return -EINVAL;
	}
	if (drift->count == 0u) {
		return -EAGAIN;
	}
	for (i = 0u; i < n; i++) {
		int64_t diff = drift->mean_q8[i] - base_mean_q8[i];
		uint64_t a = (uint64_t)(diff < 0 ? -diff : diff);
		uint32_t sd = base_std_q8[i] == 0u ? 1u : base_std_q8[i];

		total += (a << 8) / sd;
	}
	total /= n;
	*score_q8 = total > INT32_MAX ? INT32_MAX : (int32_t)total;
	return 0;
}
