/*
 * Fused FFT input prep: DC removal, pre-emphasis and the window in one pass over the samples,
 * then the block-scaling shift that uses the FFT's headroom (|out| <= 2^14).
 */
#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fft.h>

#include "signal_tables.h"

static unsigned int bit_length32(uint32_t x)
{
	return x == 0u ? 0u : 32u - (unsigned int)__builtin_clz(x);
}

int tinyml_features_prepare(const int16_t *x, size_t n, int32_t mean, uint16_t pre_emphasis_q15,
			    enum tinyml_window_fn window, int32_t *work, int16_t *out,
			    int32_t *shift)
{
	uint32_t step;
	uint32_t half;
	uint32_t max_abs = 0u;
	int32_t a = pre_emphasis_q15;
	int32_t prev;
	int32_t s;
	uint32_t i;

	if (x == NULL || work == NULL || out == NULL || shift == NULL) {
		return -EINVAL;
	}
	if (!tinyml_fft_len_supported(n) || pre_emphasis_q15 > 32767u) {
		return -ENOTSUP;
	}
	if (window != TINYML_WINDOW_RECT && window != TINYML_WINDOW_HANN) {
		return -ENOTSUP;
	}
	step = TINYML_TWIDDLE_N / (uint32_t)n;
	half = (uint32_t)n / 2u;
	prev = x[0] - mean;
	for (i = 0u; i < n; i++) {
		int32_t y = x[i] - mean;
		int32_t p = y - ((a * prev) >> 15);
		int32_t v;
		uint32_t m;

		prev = y;
		if (window == TINYML_WINDOW_HANN) {
			uint32_t idx = (i <= half ? i : (uint32_t)n - i) * step;
			/* 0.5 - 0.5 cos(2 pi i / n), with cos(0) taken as exactly 1. */
			int32_t w = idx == 0u ? 0 : (32768 - tinyml_twiddle_q15[2u * idx]) >> 1;

			/* |p| < 2^17 and w <= 2^15: the product needs 64 bits. */
			v = (int32_t)(((int64_t)p * w + 16384) >> 15);
		} else {
			v = p;
		}
		work[i] = v;
		m = (uint32_t)(v < 0 ? -v : v);
		max_abs |= m;
	}
	/* OR of magnitudes has the same bit length as their maximum. */
	s = max_abs == 0u ? 0 : 13 - ((int32_t)bit_length32(max_abs) - 1);
	if (s >= 0) {
		for (i = 0u; i < n; i++) {
			out[i] = (int16_t)(work[i] * (1 << s));
		}
	} else {
		for (i = 0u; i < n; i++) {
			out[i] = (int16_t)(work[i] >> -s);
		}
	}
	*shift = s;
	return 0;
}
