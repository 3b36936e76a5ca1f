#include <tinyml/fixed.h>

#include "signal_tables.h"

static unsigned int bit_length64(uint64_t x)
{
	unsigned int n = 0u;

	if ((x >> 32) != 0u) {
		x >>= 32;
		n = 32u;
	}
	return n + (32u - (unsigned int)__builtin_clz((uint32_t)x));
}

int32_t tinyml_log2_q8(uint64_t x)
{
	unsigned int e;
	uint32_t idx;

	if (x == 0u) {
		return TINYML_LOG2_Q8_ZERO;
	}
	e = bit_length64(x) - 1u;
	if (e >= 8u) {
		idx = (uint32_t)(x >> (e - 8u)) & 0xFFu;
	} else {
		idx = (uint32_t)(x << (8u - e)) & 0xFFu;
	}
	return (int32_t)(e * 256u) + (int32_t)tinyml_log2_frac_q8[idx];
}

#if defined(__ARM_FP) && (__ARM_FP & 4) && !defined(__SOFTFP__)
/* One VSQRT gets within one unit; the integer fix-up below makes the result exact. */
static uint32_t sqrt_estimate(uint32_t x)
{
	float f = (float)x;

	__asm__("vsqrt.f32 %0, %1" : "=t"(f) : "t"(f));
	return (uint32_t)f;
}
#else
static uint32_t sqrt_estimate(uint32_t x)
{
	uint32_t res = 0u;
	uint32_t bit = 1u << 30;

	while (bit > x) {
		bit >>= 2;
	}
	while (bit != 0u) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}
#endif

uint32_t tinyml_isqrt32(uint32_t x)
{
	uint32_t r = sqrt_estimate(x);

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

uint32_t tinyml_isqrt64(uint64_t x)
{
	uint64_t res = 0u;
	uint64_t bit = (uint64_t)1u << 62;

	while (bit > x) {
		bit >>= 2;
	}
	while (bit != 0u) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return (uint32_t)res;
}
