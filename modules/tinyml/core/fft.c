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
#if defined(__ARM_ARCH_7EM__) || defined(__ARM_ARCH_7M__)
		uint32_t r;

		__asm__("rbit %0, %1" : "=r"(r) : "r"(i));
		r >>= 32u - bits;
#else
		uint32_t r = 0u;
		uint32_t v = i;
		unsigned int b;

		for (b = 0u; b < bits; b++) {
			r = (r << 1) | (v & 1u);
			v >>= 1;
		}
#endif
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
 * with the twiddle exp(-2 pi i j / 2h) = c - i s; t = b exactly when j = 0.
 */
static inline __attribute__((always_inline)) void butterfly(uint32_t *z, uint32_t h, uint32_t w)
{
	uint32_t a = z[0];
	uint32_t b = z[h];
	/* Both products are below 2^30 in magnitude, so doubling stays in range. */
	uint32_t tr = (uint32_t)dsp_muad(b, w) << 1;
	uint32_t ti = (uint32_t)dsp_musdx(w, b) << 1;
	uint32_t t = (ti & 0xFFFF0000u) | (tr >> 16);

	z[0] = dsp_hadd16(a, t);
	z[h] = dsp_hsub16(a, t);
}

static void complex_stages(uint32_t *z, uint32_t m)
{
	const uint32_t *tw = (const uint32_t *)(const void *)tinyml_twiddle_q15;
	uint32_t h;

	for (h = 1u; h < m; h <<= 1) {
		uint32_t step = (TINYML_TWIDDLE_N / 2u) / h;
		uint32_t i;
		uint32_t j;

		for (i = 0u; i < m; i += 2u * h) {
			uint32_t a = z[i];
			uint32_t b = z[i + h];

			z[i] = dsp_hadd16(a, b);
			z[i + h] = dsp_hsub16(a, b);
		}
		if (h < 8u) {
			/* Few twiddles, long runs: one twiddle load per run. */
			for (j = 1u; j < h; j++) {
				uint32_t w = tw[j * step];

				for (i = j; i < m; i += 2u * h) {
					butterfly(z + i, h, w);
				}
			}
		} else {
			/* Many twiddles, short runs: walk the twiddles inside each block. */
			for (i = 0u; i < m; i += 2u * h) {
				const uint32_t *wp = tw + step;

				for (j = 1u; j < h; j++, wp += step) {
					butterfly(z + i + j, h, *wp);
				}
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
	for (k = 1u; k <= m / 2u; k++) {
		uint32_t q = m - k;
		int32_t akr = buf[2u * k], aki = buf[2u * k + 1u];
		int32_t aqr = buf[2u * q], aqi = buf[2u * q + 1u];
		int32_t c = tinyml_twiddle_q15[2u * k * step];
		int32_t s = tinyml_twiddle_q15[2u * k * step + 1u];
		int32_t er = (akr + aqr) >> 1, ei = (aki - aqi) >> 1;
		int32_t dr = (akr - aqr) >> 1, di = (aki + aqi) >> 1;
		/* -i W D = u - i v with W = c - i s. */
		int32_t u = (c * di - s * dr) >> 15;
		int32_t v = (c * dr + s * di) >> 15;

		buf[2u * k] = (int16_t)((er + u) >> 1);
		buf[2u * k + 1u] = (int16_t)((ei - v) >> 1);
		buf[2u * q] = (int16_t)((er - u) >> 1);
		buf[2u * q + 1u] = (int16_t)((-ei - v) >> 1);
	}
}

int tinyml_rfft_q15(int16_t *buf, size_t buf_len, size_t n)
{
	uint32_t m;

	if (buf == NULL) {
		return -EINVAL;
	}
	if (!tinyml_fft_len_supported(n)) {
		return -ENOTSUP;
	}
	if (buf_len < n + 2u || ((uintptr_t)buf & 3u) != 0u) {
		return -EINVAL;
	}
	m = (uint32_t)n / 2u;
	bit_reverse((uint32_t *)(void *)buf, m, log2_exact(m));
	complex_stages((uint32_t *)(void *)buf, m);
	split(buf, m);
	return 0;
}

int tinyml_fft_power(const int16_t *bins, size_t n_bins, uint32_t *power)
{
	size_t k;

	if (bins == NULL || power == NULL || n_bins == 0u) {
		return -EINVAL;
	}
	for (k = 0u; k < n_bins; k++) {
		int32_t re = bins[2u * k], im = bins[2u * k + 1u];

		power[k] = (uint32_t)(re * re) + (uint32_t)(im * im);
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
