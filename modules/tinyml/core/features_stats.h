/*
 * Shared pieces of the time statistics (core-internal), so the standalone function and the
 * fused FFT prep define them once.
 */
#ifndef TINYML_CORE_FEATURES_STATS_H_
#define TINYML_CORE_FEATURES_STATS_H_

#include <stddef.h>
#include <stdint.h>

#include <tinyml/features.h>
#include <tinyml/fixed.h>

static inline unsigned int tinyml_log2_pow2(size_t n)
{
	unsigned int b = 0u;

	while (((size_t)1u << b) < n) {
		b++;
	}
	return b;
}

/*
 * floor(sum x / 2^bits) for n <= 65536 (the sum then fits int32); an arithmetic shift floors
 * negative sums too.
 */
static inline int32_t tinyml_mean_pow2(const int16_t *x, size_t n, unsigned int bits)
{
	int32_t sum = 0;
	size_t i;

	for (i = 0u; i < n; i++) {
		sum += x[i];
	}
	return sum >> bits;
}

static inline void tinyml_stats_finish(struct tinyml_time_stats *st, int32_t mean, uint64_t sum_sq,
				       unsigned int bits, uint32_t peak, uint32_t zcr)
{
	uint32_t rms = tinyml_isqrt64(sum_sq >> bits);

	st->mean = mean;
	st->rms = rms;
	st->peak = peak;
	st->zcr = zcr;
	/* peak <= 65535, so peak * 256 fits 32 bits. */
	st->crest_q8 = rms == 0u ? 0 : (int32_t)((peak << 8) / rms);
}

#endif /* TINYML_CORE_FEATURES_STATS_H_ */
