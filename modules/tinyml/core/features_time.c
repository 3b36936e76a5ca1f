#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fixed.h>

static int is_pow2(size_t n)
{
	return n != 0u && (n & (n - 1u)) == 0u;
}

static unsigned int log2_exact(size_t n)
{
	unsigned int b = 0u;

	while (((size_t)1u << b) < n) {
		b++;
	}
	return b;
}

int tinyml_features_time(const int16_t *x, size_t n, int dc_remove, struct tinyml_time_stats *stats)
{
	unsigned int bits;
	int32_t mean = 0;
	uint64_t sum_sq = 0u;
	uint32_t peak = 0u;
	uint32_t zcr = 0u;
	uint32_t rms;
	int prev_neg;
	size_t i;

	if (x == NULL || stats == NULL || !is_pow2(n) || n > 65536u) {
		return -EINVAL;
	}
	bits = log2_exact(n);
	if (dc_remove) {
		int64_t sum = 0;

		for (i = 0u; i < n; i++) {
			sum += x[i];
		}
		/* Arithmetic shift: the floor of the mean, also for negative sums. */
		mean = (int32_t)(sum >> bits);
	}
	prev_neg = (x[0] - mean) < 0;
	for (i = 0u; i < n; i++) {
		int32_t y = x[i] - mean;
		uint32_t a = (uint32_t)(y < 0 ? -y : y);
		int neg = y < 0;

		sum_sq += (uint64_t)((int64_t)y * y);
		if (a > peak) {
			peak = a;
		}
		zcr += (uint32_t)(neg != prev_neg);
		prev_neg = neg;
	}
	rms = tinyml_isqrt64(sum_sq >> bits);
	stats->mean = mean;
	stats->rms = rms;
	stats->peak = peak;
	stats->zcr = zcr;
	stats->crest_q8 = rms == 0u ? 0 : (int32_t)(((uint64_t)peak << 8) / rms);
	return 0;
}
