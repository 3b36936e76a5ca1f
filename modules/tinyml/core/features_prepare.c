/*
 * Fused FFT input prep: DC removal, time statistics, pre-emphasis and the window in one pass
 * over the samples, then the block-scaling shift that uses the FFT's headroom (|out| <= 2^14),
 * written in natural or (for the pipeline) bit-reversed pair order. The per-sample body is
 * inlined into loops specialized for each option, so an option that is off costs nothing.
 */
#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fft.h>

#include "features_internal.h"
#include "features_stats.h"
#include "fft_internal.h"
#include "signal_tables.h"

struct prep_state {
	int32_t mean;
	int32_t a;       /* pre-emphasis, Q15 */
	int32_t prev;    /* y[i-1] */
	uint32_t or_mag; /* OR of v ^ (v >> 31): its bit length sets the shift */
	uint32_t peak;
	uint32_t zcr;
	uint64_t sum_sq;
};

static inline __attribute__((always_inline)) int32_t prep_one(struct prep_state *st, int32_t x,
							      int32_t w, int emph, int hann,
							      int stats)
{
	int32_t y = x - st->mean;
	int32_t p = emph ? y - ((st->a * st->prev) >> 15) : y;
	/* |p| < 2^17 and w <= 2^14: the product fits int32. */
	int32_t v = hann ? (p * w + 8192) >> 14 : p;

	if (stats) {
		int32_t sign = y >> 31;
		uint32_t a = (uint32_t)((y ^ sign) - sign);

		st->sum_sq += (uint64_t)((int64_t)y * y);
		st->peak = a > st->peak ? a : st->peak;
		/* Signs differ exactly when the XOR is negative. */
		st->zcr += (uint32_t)((y ^ st->prev) < 0);
	}
	st->prev = y;
	st->or_mag |= (uint32_t)(v ^ (v >> 31));
	return v;
}

static inline __attribute__((always_inline)) void prep_loop(struct prep_state *st, const int16_t *x,
							    uint32_t n, int32_t *work, int emph,
							    int hann, int stats)
{
	uint32_t stride = TINYML_TWIDDLE_N / n;
	const uint16_t *w = tinyml_hann_q14;
	uint32_t half = n / 2u;
	uint32_t i;

	for (i = 0u; i < half; i++, w += stride) {
		work[i] = prep_one(st, x[i], *w, emph, hann, stats);
	}
	for (; i < n; i++, w -= stride) {
		work[i] = prep_one(st, x[i], *w, emph, hann, stats);
	}
}

static void prep_dispatch(struct prep_state *st, const int16_t *x, uint32_t n, int32_t *work,
			  int hann, int stats)
{
	int emph = st->a != 0;

	if (hann && emph && stats) {
		prep_loop(st, x, n, work, 1, 1, 1);
	} else if (hann && !emph && stats) {
		prep_loop(st, x, n, work, 0, 1, 1);
	} else if (hann && emph) {
		prep_loop(st, x, n, work, 1, 1, 0);
	} else if (hann) {
		prep_loop(st, x, n, work, 0, 1, 0);
	} else if (emph && stats) {
		prep_loop(st, x, n, work, 1, 0, 1);
	} else if (stats) {
		prep_loop(st, x, n, work, 0, 0, 1);
	} else if (emph) {
		prep_loop(st, x, n, work, 1, 0, 0);
	} else {
		prep_loop(st, x, n, work, 0, 0, 0);
	}
}

static inline int32_t scaled(int32_t v, int32_t s)
{
	return s >= 0 ? (int32_t)((uint32_t)v << s) : v >> -s;
}

/* out = work scaled by 2^s, in natural order or as bit-reversed complex pairs. */
static void write_scaled(const int32_t *work, uint32_t n, int32_t s, int16_t *out, int bitrev)
{
	uint32_t i;

	if (!bitrev) {
		for (i = 0u; i < n; i++) {
			out[i] = (int16_t)scaled(work[i], s);
		}
		return;
	}
	{
		uint32_t *pairs = (uint32_t *)(void *)out;
		unsigned int bits = tinyml_log2_pow2(n / 2u);

		for (i = 0u; i < n / 2u; i++) {
			uint32_t re = (uint32_t)scaled(work[2u * i], s) & 0xFFFFu;
			uint32_t im = (uint32_t)scaled(work[2u * i + 1u], s) << 16;

			pairs[tinyml_bit_reverse(i, bits)] = im | re;
		}
	}
}

static unsigned int bit_length32(uint32_t x)
{
	return x == 0u ? 0u : 32u - (unsigned int)__builtin_clz(x);
}

static int prepare(const int16_t *x, size_t n, int dc_remove, uint16_t pre_emphasis_q15,
		   enum tinyml_window_fn window, int32_t *work, int16_t *out, int32_t *shift,
		   struct tinyml_time_stats *stats, int bitrev)
{
	struct prep_state st = {0};
	unsigned int bits;
	int32_t s;

	if (x == NULL || work == NULL || out == NULL || shift == NULL ||
	    (bitrev && ((uintptr_t)out & 3u) != 0u)) {
		return -EINVAL;
	}
	if (!tinyml_fft_len_supported(n) || pre_emphasis_q15 > 32767u ||
	    (window != TINYML_WINDOW_RECT && window != TINYML_WINDOW_HANN)) {
		return -ENOTSUP;
	}
	bits = tinyml_log2_pow2(n);
	st.mean = dc_remove ? tinyml_mean_pow2(x, n, bits) : 0;
	st.a = pre_emphasis_q15;
	st.prev = x[0] - st.mean;
	prep_dispatch(&st, x, (uint32_t)n, work, window == TINYML_WINDOW_HANN, stats != NULL);
	s = st.or_mag == 0u ? 0 : 14 - (int32_t)bit_length32(st.or_mag);
	write_scaled(work, (uint32_t)n, s, out, bitrev);
	*shift = s;
	if (stats != NULL) {
		tinyml_stats_finish(stats, st.mean, st.sum_sq, bits, st.peak, st.zcr);
	}
	return 0;
}

int tinyml_features_prepare(const int16_t *x, size_t n, int dc_remove, uint16_t pre_emphasis_q15,
			    enum tinyml_window_fn window, int32_t *work, int16_t *out,
			    int32_t *shift, struct tinyml_time_stats *stats)
{
	return prepare(x, n, dc_remove, pre_emphasis_q15, window, work, out, shift, stats, 0);
}

int tinyml_features_prepare_bitrev(const int16_t *x, size_t n, int dc_remove,
				   uint16_t pre_emphasis_q15, enum tinyml_window_fn window,
				   int32_t *work, int16_t *out, int32_t *shift,
				   struct tinyml_time_stats *stats)
{
	return prepare(x, n, dc_remove, pre_emphasis_q15, window, work, out, shift, stats, 1);
}
