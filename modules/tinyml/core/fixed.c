#include <tinyml/fixed.h>

#include "isqrt32.h"
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

uint32_t tinyml_isqrt32(uint32_t x)
{
	return tinyml_isqrt32_inline(x);
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
