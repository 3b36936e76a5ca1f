/*
 * Exact int8 quantization of int32 feature values (see tinyml/quantize.h).
 *
 * value / scale with scale = m * 2^e (m odd, below 2^24) is the rational n / d with
 * n = value * 2^-e, d = m when e <= 0, or n = value, d = m * 2^e when e > 0. Whenever
 * |value / scale| is small enough that the result is not saturated, n and d fit in 63 bits,
 * and the integer division with the remainder rounds exactly, ties to even. float64 division
 * followed by rint gives the same answer here: a quotient whose denominator is below 2^24 is
 * either exactly halfway or at least 2^-25 away from it, far more than float64's rounding
 * error at these magnitudes.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>

#include <tinyml/quantize.h>

/* Beyond this |value / scale| the result saturates whatever the int8 zero point. */
#define SATURATED 0x1000000LL

int tinyml_quantizer_init(struct tinyml_quantizer *q, float scale, int32_t zero_point)
{
	int exponent = 0;
	float fraction;

	if (q == NULL || !(scale > 0.0f) || !isfinite(scale) || zero_point < INT8_MIN ||
	    zero_point > INT8_MAX) {
		return -EINVAL;
	}
	fraction = frexpf(scale, &exponent); /* scale = fraction * 2^exponent, 0.5 <= f < 1 */
	q->mantissa = (int64_t)ldexpf(fraction, 24);
	q->exponent = exponent - 24;
	while (q->mantissa != 0 && (q->mantissa & 1) == 0) {
		q->mantissa >>= 1;
		q->exponent++;
	}
	q->zero_point = zero_point;
	q->scale = scale;
	return 0;
}

static int8_t saturate(int64_t v)
{
	return (int8_t)(v < INT8_MIN ? INT8_MIN : (v > INT8_MAX ? INT8_MAX : v));
}

/* n / d rounded to nearest, ties to even; d > 0, both below 2^31 in magnitude. Cortex-M has a
 * 32-bit hardware divide; a 64-bit one is a library call ten times as long.
 */
static int32_t div_round_even32(int32_t n, int32_t d)
{
	int32_t quotient = n / d;
	int32_t rest = n % d;
	uint32_t twice_rest = 2U * (uint32_t)(rest < 0 ? -rest : rest);

	if (twice_rest > (uint32_t)d || (twice_rest == (uint32_t)d && (quotient & 1) != 0)) {
		quotient += n < 0 ? -1 : 1;
	}
	return quotient;
}

/* n / d rounded to nearest, ties to even; d > 0. */
static int64_t div_round_even(int64_t n, int64_t d)
{
	if (n > INT32_MIN && n <= INT32_MAX && d <= INT32_MAX) {
		return div_round_even32((int32_t)n, (int32_t)d);
	}
	int64_t quotient = n / d;
	int64_t twice_rest = 2 * (n % d);
	int64_t step = n < 0 ? -1 : 1;

	if (twice_rest < 0) {
		twice_rest = -twice_rest;
	}
	if (twice_rest > d || (twice_rest == d && (quotient & 1) != 0)) {
		quotient += step;
	}
	return quotient;
}

int8_t tinyml_quantize_int8(const struct tinyml_quantizer *q, int32_t value)
{
	int64_t magnitude = value < 0 ? -(int64_t)value : (int64_t)value;
	int64_t n;
	int64_t d;

	if (value == 0) {
		return saturate(q->zero_point);
	}
	if (q->exponent <= 0) {
		int shift = -q->exponent;

		/* Saturated when |value| * 2^shift > SATURATED * m; else n stays below 2^48. */
		if (shift >= 48 || magnitude > ((SATURATED * q->mantissa) >> shift)) {
			return saturate(value < 0 ? -SATURATED : SATURATED);
		}
		n = (int64_t)value * ((int64_t)1 << shift);
		d = q->mantissa;
	} else {
		if (q->exponent > 38) {
			/* scale >= 2^39: |value / scale| < 2^-7, so it rounds to 0. */
			return saturate(q->zero_point);
		}
		n = value;
		d = q->mantissa << q->exponent;
	}
	return saturate(div_round_even(n, d) + q->zero_point);
}
