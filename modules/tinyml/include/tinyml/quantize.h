/*
 * Feature values to a model's int8 input, exactly as the tools quantize them
 * (numpy: clip(rint(f / scale) + zero_point, -128, 127), in float64), without double
 * arithmetic on the device: the float32 scale is split into an integer mantissa and a power of
 * two once, and each value is divided exactly in 64-bit integers with ties to even.
 */
#ifndef TINYML_QUANTIZE_H_
#define TINYML_QUANTIZE_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A prepared input quantizer; fields are private to quantize.c. */
struct tinyml_quantizer {
	int64_t mantissa; /* scale = mantissa * 2^exponent, mantissa odd or 0 */
	int32_t exponent;
	int32_t zero_point;
	float scale;
};

/**
 * @brief Prepare the quantizer of a tensor with @p scale and @p zero_point.
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p q is NULL, @p scale is not a finite number above 0, or @p zero_point
 *         is outside -128..127.
 */
int tinyml_quantizer_init(struct tinyml_quantizer *q, float scale, int32_t zero_point);

/** @brief clip(rint(value / scale) + zero_point, -128, 127), ties to even. */
int8_t tinyml_quantize_int8(const struct tinyml_quantizer *q, int32_t value);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_QUANTIZE_H_ */
