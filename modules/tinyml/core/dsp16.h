/*
 * The few Cortex-M4 DSP-extension operations the FFT uses on two int16 values packed in one
 * 32-bit word (low half first): the ACLE intrinsics when the target has them, otherwise C
 * with the same results bit for bit (tested on the host against the target's vectors).
 */
#ifndef TINYML_CORE_DSP16_H_
#define TINYML_CORE_DSP16_H_

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>

/* (a + b) >> 1 and (a - b) >> 1 per half */
#define dsp_hadd16(a, b) ((uint32_t)__shadd16((a), (b)))
#define dsp_hsub16(a, b) ((uint32_t)__shsub16((a), (b)))
/* lo(x) * lo(y) + hi(x) * hi(y) */
#define dsp_muad(x, y)   ((int32_t)__smuad((x), (y)))
/* lo(x) * hi(y) - hi(x) * lo(y) */
#define dsp_musdx(x, y)  ((int32_t)__smusdx((x), (y)))

/* low half of lo_src, high half of hi_src */
static inline uint32_t dsp_pkhbt(uint32_t lo_src, uint32_t hi_src)
{
	uint32_t out;

	__asm__("pkhbt %0, %1, %2" : "=r"(out) : "r"(lo_src), "r"(hi_src));
	return out;
}

/* (lo = re >> 15, hi = im >> 15) of two Q30 products below 2^30 in magnitude */
static inline uint32_t dsp_pack_q30(int32_t re, int32_t im)
{
	uint32_t out;
	uint32_t hi = (uint32_t)im << 1;

	__asm__("pkhtb %0, %1, %2, asr #15" : "=r"(out) : "r"(hi), "r"(re));
	return out;
}
#else

static inline int32_t dsp_lo(uint32_t w)
{
	return (int16_t)(w & 0xFFFFu);
}

static inline int32_t dsp_hi(uint32_t w)
{
	return (int16_t)(w >> 16);
}

static inline uint32_t dsp_pack(int32_t lo, int32_t hi)
{
	return ((uint32_t)hi << 16) | ((uint32_t)lo & 0xFFFFu);
}

static inline uint32_t dsp_hadd16(uint32_t a, uint32_t b)
{
	return dsp_pack((dsp_lo(a) + dsp_lo(b)) >> 1, (dsp_hi(a) + dsp_hi(b)) >> 1);
}

static inline uint32_t dsp_hsub16(uint32_t a, uint32_t b)
{
	return dsp_pack((dsp_lo(a) - dsp_lo(b)) >> 1, (dsp_hi(a) - dsp_hi(b)) >> 1);
}

/* Sums wrap modulo 2^32 like the instructions (only (-2^15)^2 * 2 reaches 2^31). */
static inline int32_t dsp_muad(uint32_t x, uint32_t y)
{
	return (int32_t)((uint32_t)(dsp_lo(x) * dsp_lo(y)) + (uint32_t)(dsp_hi(x) * dsp_hi(y)));
}

static inline int32_t dsp_musdx(uint32_t x, uint32_t y)
{
	return (int32_t)((uint32_t)(dsp_lo(x) * dsp_hi(y)) - (uint32_t)(dsp_hi(x) * dsp_lo(y)));
}

static inline uint32_t dsp_pack_q30(int32_t re, int32_t im)
{
	return (((uint32_t)im << 1) & 0xFFFF0000u) | (((uint32_t)re >> 15) & 0xFFFFu);
}

static inline uint32_t dsp_pkhbt(uint32_t lo_src, uint32_t hi_src)
{
	return (hi_src & 0xFFFF0000u) | (lo_src & 0xFFFFu);
}
#endif

#endif /* TINYML_CORE_DSP16_H_ */
