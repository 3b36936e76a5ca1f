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

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#endif

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
	size_t i = 0u;

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
	/* Two samples per dual multiply-accumulate by (1, 1) when the frame is word aligned. */
	if (((uintptr_t)x & 3u) == 0u) {
		const uint32_t *pairs = (const uint32_t *)(const void *)x;

		for (; i + 1u < n; i += 2u) {
			sum = __smlad(pairs[i / 2u], 0x00010001u, sum);
		}
	}
#endif
	for (; i < n; i++) {
		sum += x[i];
	}
	return sum >> bits;
}

static inline void tinyml_stats_finish(struct tinyml_time_stats *st, int32_t mean, uint64_t sum_sq,
				       unsigned int bits, uint32_t peak, uint32_t zcr)
{
	/* |y| <= 65535, so the mean square is below 2^32: the 32-bit square root serves. */
	uint32_t rms = tinyml_isqrt32((uint32_t)(sum_sq >> bits));

	st->mean = mean;
	st->rms = rms;
	st->peak = peak;
	st->zcr = zcr;
	/* peak <= 65535, so peak * 256 fits 32 bits. */
	st->crest_q8 = rms == 0u ? 0 : (int32_t)((peak << 8) / rms);
}

#endif /* TINYML_CORE_FEATURES_STATS_H_ */
