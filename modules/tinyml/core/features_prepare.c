/*
 * Fused FFT input prep: DC removal, time statistics, pre-emphasis and the window in one pass
 * over the samples, then the block-scaling shift that uses the FFT's headroom (|out| <= 2^14).
 * The per-sample body is inlined into loops specialized for each option, so an option that
 * is off costs nothing.
 */
#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fft.h>

#include "features_stats.h"
#include "signal_tables.h"

struct prep_state {
	int32_t mean;
	int32_t a;         /* pre-emphasis, Q15 */
	int32_t prev;      /* y[i-1] */
	int32_t prev_sign; /* sign of y[i-1]: 0 or -1 */
	uint32_t or_abs;   /* OR of |v|: the bit length of the maximum */
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
	int32_t vs = v >> 31;

	if (stats) {
		int32_t sign = y >> 31;
		uint32_t a = (uint32_t)((y ^ sign) - sign);

		st->sum_sq += (uint64_t)((int64_t)y * y);
		st->peak = a > st->peak ? a : st->peak;
		st->zcr += (uint32_t)(sign ^ st->prev_sign) & 1u;
		st->prev_sign = sign;
	}
	st->prev = y;
	st->or_abs |= (uint32_t)((v ^ vs) - vs);
	return v;
}

static inline __attribute__((always_inline)) void prep_loop(struct prep_state *st, const int16_t *x,
							    uint32_t n, int32_t *work, int emph,
							    int hann, int stats)
{
	const int16_t *cosine = tinyml_twiddle_q15;
	uint32_t stride = 2u * (TINYML_TWIDDLE_N / n);
	uint32_t half = n / 2u;
	uint32_t i;

	/* w[0] = 0: cos(0) is exactly 1, not the table's saturated 32767. */
	work[0] = prep_one(st, x[0], 0, emph, hann, stats);
	for (i = 1u; i <= half; i++) {
		work[i] = prep_one(st, x[i], (32768 - cosine[i * stride]) >> 2, emph, hann, stats);
	}
	for (; i < n; i++) {
		work[i] = prep_one(st, x[i], (32768 - cosine[(n - i) * stride]) >> 2, emph, hann,
				   stats);
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

static unsigned int bit_length32(uint32_t x)
{
	return x == 0u ? 0u : 32u - (unsigned int)__builtin_clz(x);
}

int tinyml_features_prepare(const int16_t *x, size_t n, int dc_remove, uint16_t pre_emphasis_q15,
			    enum tinyml_window_fn window, int32_t *work, int16_t *out,
			    int32_t *shift, struct tinyml_time_stats *stats)
{
	struct prep_state st = {0};
	unsigned int bits;
	int32_t s;
	uint32_t i;

	if (x == NULL || work == NULL || out == NULL || shift == NULL) {
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
	st.prev_sign = st.prev >> 31;
	prep_dispatch(&st, x, (uint32_t)n, work, window == TINYML_WINDOW_HANN, stats != NULL);
	s = st.or_abs == 0u ? 0 : 13 - ((int32_t)bit_length32(st.or_abs) - 1);
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
	if (stats != NULL) {
		tinyml_stats_finish(stats, st.mean, st.sum_sq, bits, st.peak, st.zcr);
	}
	return 0;
}
