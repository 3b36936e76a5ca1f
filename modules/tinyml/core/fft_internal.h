/*
 * Core-internal FFT entry points: the feature prep writes the FFT input already in
 * bit-reversed order (saving the FFT's own reordering pass), then runs the rest of the FFT.
 */
#ifndef TINYML_CORE_FFT_INTERNAL_H_
#define TINYML_CORE_FFT_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

static inline uint32_t tinyml_bit_reverse(uint32_t i, unsigned int bits)
{
#if defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__)
	uint32_t r;

	__asm__("rbit %0, %1" : "=r"(r) : "r"(i));
	return bits == 0u ? 0u : r >> (32u - bits);
#else
	uint32_t r = 0u;
	unsigned int b;

	for (b = 0u; b < bits; b++) {
		r = (r << 1) | (i & 1u);
		i >>= 1;
	}
	return r;
#endif
}

/* tinyml_rfft_q15() for input whose n/2 complex pairs are already in bit-reversed order. */
int tinyml_rfft_q15_bitrev_input(int16_t *buf, size_t buf_len, size_t n);

#endif /* TINYML_CORE_FFT_INTERNAL_H_ */
