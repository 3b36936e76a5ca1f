/*
 * Integer helpers with exactly defined results, shared by the features and mirrored by the
 * Python reference (tinyml_tools.features.fixed).
 */
#ifndef TINYML_FIXED_H_
#define TINYML_FIXED_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* log2 of zero in Q8.8: far below any non-zero input (log2 of 2^-32). */
#define TINYML_LOG2_Q8_ZERO (-8192)

/**
 * @brief log2(x) in Q8.8: 256 * floor(log2 x) + T[next 8 bits of the mantissa], where
 * T[i] = round(256 * log2(1 + i / 256)); TINYML_LOG2_Q8_ZERO for x = 0.
 */
int32_t tinyml_log2_q8(uint64_t x);

/** @brief floor(sqrt(x)) for 32-bit x. */
uint32_t tinyml_isqrt32(uint32_t x);

/** @brief floor(sqrt(x)) for 64-bit x. */
uint32_t tinyml_isqrt64(uint64_t x);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_FIXED_H_ */
