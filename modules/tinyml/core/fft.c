/*
 * Q15 real FFT: n/2-point complex radix-2 decimation in time over z[j] = x[2j] + i x[2j+1],
 * every stage halving (floor, as the DSP extension's halving adds do), then the split into n/2 + 1
 * real-input bins with one more halving (total scale 1/n). The exact arithmetic is documented in
 * docs/signal-chain.md and mirrored by tinyml_tools/features/fft.py.
 */
#include <errno.h>

#include <tinyml/fft.h>
#include <tinyml/fixed.h>

#include "dsp16.h"
#include "fft_internal.h"
#include "isqrt32.h"
#include "signal_tables.h"

int tinyml_fft_len_supported(size_t n)
{
	return n >= TINYML_FFT_MIN_LEN && n <= TINYML_FFT_MAX_LEN && (n & (n - 1u)) == 0u;
}

static unsigned int log2_exact(size_t n)
{
	unsigned int b = 0u;

	while ((1u << b) < n) {
		b++;
	}
	return b;
}

static void bit_reverse(uint32_t *z, uint32_t m, unsigned int bits)
{
	uint32_t i;

	for (i = 1u; i < m - 1u; i++) {
		uint32_t r = tinyml_bit_reverse(i, bits);

		if (r > i) {
			uint32_t t = z[i];

			z[i] = z[r];
			z[r] = t;
		}
	}
}

/*
 * Butterflies on complex values packed as one word (real part in the low half):
 *   t = ((br c + bi s) >> 15, (bi c - br s) >> 15),  a' = (a + t) >> 1,  b' = (a - t) >> 1
 * with the twiddle exp(-2 pi i j / 2h) = c - i s; t = b exactly when j = 0. The loops are
 * small separate functions so each keeps its few pointers in registers.
 */
static inline __attribute__((always_inline)) void butterfly(uint32_t *p, uint32_t h, uint32_t w)
{
	uint32_t a = p[0];
	uint32_t b = p[h];
	/* Both products are below 2^30 in magnitude (|b| < 2^15 * 0.71, |w| <= 2^15). */
	uint32_t t = dsp_pack_q30(dsp_muad(b, w), dsp_musdx(w, b));

	p[0] = dsp_hadd16(a, t);
	p[h] = dsp_hsub16(a, t);
}

/* Butterflies p, p + stride, ... below end with the twiddle 1. */
static __attribute__((noinline)) void run_unit(uint32_t *p, const uint32_t *end, uint32_t h,
					       uint32_t stride)
{
	for (; p < end; p += stride) {
		uint32_t a = p[0];
		uint32_t b = p[h];

		p[0] = dsp_hadd16(a, b);
		p[h] = dsp_hsub16(a, b);
	}
}

/* Butterflies p, p + stride, ... below end with one twiddle. */
static __attribute__((noinline)) void run_twiddled(uint32_t *p, const uint32_t *end, uint32_t h,
						   uint32_t stride, uint32_t w)
{
	for (; p < end; p += stride) {
		butterfly(p, h, w);
	}
}

/* Butterflies j = 1..h-1 of one block, walking the twiddles. */
static __attribute__((noinline)) void run_block(uint32_t *blk, uint32_t h, const uint32_t *wp,
						uint32_t step)
{
	uint32_t *p = blk + 1;
	const uint32_t *end = blk + h;

	for (; p < end; p++, wp += step) {
		butterfly(p, h, *wp);
	}
}

static void complex_stages(uint32_t *z, uint32_t m)
{
	const uint32_t *tw = (const uint32_t *)(const void *)tinyml_twiddle_q15;
	const uint32_t *end = z + m;
	uint32_t h;

	for (h = 1u; h < m; h <<= 1) {
		uint32_t step = (TINYML_TWIDDLE_N / 2u) / h;
		uint32_t j;

		if (h < 8u) {
			/* Few twiddles, long runs: one twiddle load per run. */
			run_unit(z, end, h, 2u * h);
			for (j = 1u; j < h; j++) {
				run_twiddled(z + j, end, h, 2u * h, tw[j * step]);
			}
		} else {
			/* Many twiddles, short runs: walk the twiddles inside each block. */
			uint32_t *blk;

			for (blk = z; blk < end; blk += 2u * h) {
				uint32_t a = blk[0];
				uint32_t b = blk[h];

				blk[0] = dsp_hadd16(a, b);
				blk[h] = dsp_hsub16(a, b);
				run_block(blk, h, tw + step, step);
			}
		}
	}
}

/*
 * Real-input bins from the n/2-point complex spectrum Z, in place, bins k and q = m - k
 * together, from E = Z[k] + conj Z[q] and D = Z[k] - conj Z[q] (each halved); exact
 * arithmetic in docs/signal-chain.md.
 */
static void split(int16_t *buf, uint32_t m)
{
	uint32_t step = TINYML_TWIDDLE_N / (2u * m);
	uint32_t k;

	/* k = 0 and k = m (Nyquist) from Z[0]: X[0]/n = (zr + zi) / 2, X[m]/n = (zr - zi) / 2. */
	{
		int32_t zr = buf[0], zi = buf[1];

		buf[0] = (int16_t)((zr + zi) >> 1);
		buf[1] = 0;
		buf[2u * m] = (int16_t)((zr - zi) >> 1);
		buf[2u * m + 1u] = 0;
	}
	{
		uint32_t *z = (uint32_t *)(void *)buf;
		const uint32_t *tw = (const uint32_t *)(const void *)tinyml_twiddle_q15;

		for (k = 1u; k <= m / 2u; k++) {
			uint32_t a = z[k];
			uint32_t b = z[m - k];
			uint32_t w = tw[k * step];
			uint32_t sum = dsp_hadd16(a, b);   /* (er, di): halves of Z[k] + Z[q] */
			uint32_t diff = dsp_hsub16(a, b);  /* (dr, ei) */
			uint32_t d = dsp_pkhbt(diff, sum); /* (dr, di) */
			uint32_t e = dsp_pkhbt(sum, diff); /* (er, ei) */
			/* -i W D = u - i v with W = c - i s: u = c di - s dr, v = c dr + s di. */
			int32_t u = dsp_musdx(w, d) >> 15;
			int32_t v = dsp_muad(w, d) >> 15;
			uint32_t t = dsp_pkhbt((uint32_t)u, (uint32_t)-v << 16); /* (u, -v) */

			/* X[k] = ((er + u) >> 1, (ei - v) >> 1); X[q] = ((er - u) >> 1, (-v - ei)
			 * >> 1) */
			z[k] = dsp_hadd16(e, t);
			z[m - k] = dsp_hsub16(dsp_pkhbt(e, t), dsp_pkhbt(t, diff));
		}
	}
}

static int check_args(const int16_t *buf, size_t buf_len, size_t n)
{
	if (buf == NULL) {
		return -EINVAL;
	}
	if (!tinyml_fft_len_supported(n)) {
		return -ENOTSUP;
	}
	if (buf_len < n + 2u || ((uintptr_t)buf & 3u) != 0u) {
		return -EINVAL;
	}
	return 0;
}

int tinyml_rfft_q15_bitrev_input(int16_t *buf, size_t buf_len, size_t n)
{
	int err = check_args(buf, buf_len, n);

	if (err != 0) {
		return err;
	}
	complex_stages((uint32_t *)(void *)buf, (uint32_t)n / 2u);
	split(buf, (uint32_t)n / 2u);
	return 0;
}

int tinyml_rfft_q15(int16_t *buf, size_t buf_len, size_t n)
{
	int err = check_args(buf, buf_len, n);

	if (err != 0) {
		return err;
	}
	bit_reverse((uint32_t *)(void *)buf, (uint32_t)n / 2u, log2_exact(n / 2u));
	return tinyml_rfft_q15_bitrev_input(buf, buf_len, n);
}

int tinyml_fft_power(const int16_t *bins, size_t n_bins, uint32_t *power)
{
	size_t k;

	if (bins == NULL || power == NULL || n_bins == 0u) {
		return -EINVAL;
	}
	if (((uintptr_t)bins & 3u) != 0u) {
		for (k = 0u; k < n_bins; k++) {
			int32_t re = bins[2u * k], im = bins[2u * k + 1u];

			power[k] = (uint32_t)(re * re) + (uint32_t)(im * im);
		}
		return 0;
	}
	/* Aligned bins: re^2 + im^2 of a packed pair in one dual multiply (< 2^31, no wrap). */
	for (k = 0u; k < n_bins; k++) {
		uint32_t w = ((const uint32_t *)(const void *)bins)[k];

		power[k] = (uint32_t)dsp_muad(w, w);
	}
	return 0;
}

int tinyml_fft_magnitude(const uint32_t *power, size_t n_bins, uint16_t *mag)
{
	size_t k;

	if (power == NULL || mag == NULL || n_bins == 0u) {
		return -EINVAL;
	}
	for (k = 0u; k < n_bins; k++) {
		uint32_t r = tinyml_isqrt32_inline(power[k]);

		mag[k] = (uint16_t)(r > 65535u ? 65535u : r);
	}
	return 0;
}
