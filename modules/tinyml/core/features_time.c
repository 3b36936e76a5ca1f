#include <errno.h>

#include <tinyml/features.h>

#include "features_stats.h"

int tinyml_features_time(const int16_t *x, size_t n, int dc_remove, struct tinyml_time_stats *stats)
{
	unsigned int bits;
	int32_t mean = 0;
	uint64_t sum_sq = 0u;
	uint32_t peak = 0u;
	uint32_t zcr = 0u;
	int32_t prev_sign;
	size_t i;

	if (x == NULL || stats == NULL || n == 0u || (n & (n - 1u)) != 0u || n > 65536u) {
		return -EINVAL;
	}
	bits = tinyml_log2_pow2(n);
	if (dc_remove) {
		mean = tinyml_mean_pow2(x, n, bits);
	}
	prev_sign = (x[0] - mean) >> 31;
	for (i = 0u; i < n; i++) {
		int32_t y = x[i] - mean;
		int32_t sign = y >> 31;
		uint32_t a = (uint32_t)((y ^ sign) - sign);

		sum_sq += (uint64_t)((int64_t)y * y);
		peak = a > peak ? a : peak;
		zcr += (uint32_t)(sign ^ prev_sign) & 1u;
		prev_sign = sign;
	}
	tinyml_stats_finish(stats, mean, sum_sq, bits, peak, zcr);
	return 0;
}
