/*
 * floor(sqrt(x)) for 32-bit x, inlined where it runs per FFT bin (core-internal). With a
 * single-precision FPU one VSQRT gets within one unit and an integer fix-up makes it exact;
 * without one, the exact bit-by-bit tinyml_isqrt64() gives the same result.
 */
#ifndef TINYML_CORE_ISQRT32_H_
#define TINYML_CORE_ISQRT32_H_

#include <stdint.h>

#include <tinyml/fixed.h>

#if defined(__ARM_FP) && (__ARM_FP & 4) && !defined(__SOFTFP__)
static inline uint32_t tinyml_sqrt_estimate(uint32_t x)
{
	float f = (float)x;

	__asm__("vsqrt.f32 %0, %1" : "=t"(f) : "t"(f));
	return (uint32_t)f;
}
#else
static inline uint32_t tinyml_sqrt_estimate(uint32_t x)
{
	return tinyml_isqrt64(x);
}
#endif

static inline uint32_t tinyml_isqrt32_inline(uint32_t x)
{
	uint32_t r = tinyml_sqrt_estimate(x);

	if (r > 65535u) {
		r = 65535u;
	}
	while (r * r > x) {
		r--;
	}
	while (r < 65535u && (r + 1u) * (r + 1u) <= x) {
		r++;
	}
	return r;
}

#endif /* TINYML_CORE_ISQRT32_H_ */
