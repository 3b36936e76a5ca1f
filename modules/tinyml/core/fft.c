/*
 * Q15 real FFT: n/2-point complex radix-2 decimation in time over z[j] = x[2j] + i x[2j+1],
 * every stage halving with rounding, then the split into n/2 + 1 real-input bins with one
 * more halving (total scale 1/n). The exact arithmetic is documented in docs/signal-chain.md
 * and mirrored by tinyml_tools/features/fft.py.
 */
#include <errno.h>

#include <tinyml/fft.h>
#include <tinyml/fixed.h>

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

static void bit_reverse(int32_t *z, uint32_t m, unsigned int bits)
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
			int32_t t = z[i];

			z[i] = z[r];
			z[r] = t;
		}
	}
}

/* A complex value stored as one 32-bit word: real part in the low half (little-endian). */
static inline int32_t re_of(int32_t w)
{
	return (int16_t)(uint32_t)w;
}

static inline int32_t im_of(int32_t w)
{
	return w >> 16;
}

static inline int32_t pack(int32_t re, int32_t im)
{
	return (int32_t)(((uint32_t)im << 16) | ((uint32_t)re & 0xFFFFu));
}

static void complex_stages(int32_t *z, uint32_t m)
{
	uint32_t h;

	for (h = 1u; h < m; h <<= 1) {
		uint32_t step = (TINYML_TWIDDLE_N / 2u) / h;
		uint32_t i;
		uint32_t j;

		/* j = 0: the twiddle is exactly 1. */
		for (i = 0u; i < m; i += 2u * h) {
			int32_t a = z[i];
			int32_t b = z[i + h];
			int32_t ar = re_of(a), ai = im_of(a), br = re_of(b), bi = im_of(b);

			z[i] = pack((ar + br + 1) >> 1, (ai + bi + 1) >> 1);
			z[i + h] = pack((ar - br + 1) >> 1, (ai - bi + 1) >> 1);
		}
		for (j = 1u; j < h; j++) {
			int32_t c = tinyml_twiddle_q15[2u * j * step];
			int32_t s = tinyml_twiddle_q15[2u * j * step + 1u];

			for (i = j; i < m; i += 2u * h) {
				int32_t a = z[i];
				int32_t b = z[i + h];
				int32_t ar = re_of(a) * 32768, ai = im_of(a) * 32768;
				int32_t br = re_of(b), bi = im_of(b);
				/* b * (c - i s): the twiddle of exp(-2 pi i j / 2h). */
				int32_t tr = br * c + bi * s;
				int32_t ti = bi * c - br * s;

				z[i] = pack((ar + tr + 32768) >> 16, (ai + ti + 32768) >> 16);
				z[i + h] = pack((ar - tr + 32768) >> 16, (ai - ti + 32768) >> 16);
			}
		}
	}
}

/* Real-input bins from the n/2-point complex spectrum, in place, bins k and m - k together. */
static void split(int16_t *buf, uint32_t m)
{
	uint32_t step = TINYML_TWIDDLE_N / (2u * m);
	uint32_t k;

	/* k = 0 and k = m (Nyquist) from Z[0]: X[0]/n = (zr + zi) / 2, X[m]/n = (zr - zi) / 2. */
	{
		int32_t zr = buf[0], zi = buf[1];

		buf[0] = (int16_t)((zr + zi + 1) >> 1);
		buf[1] = 0;
		buf[2u * m] = (int16_t)((zr - zi + 1) >> 1);
		buf[2u * m + 1u] = 0;
	}
	for (k = 1u; k <= m / 2u; k++) {
		uint32_t q = m - k;
		int32_t akr = buf[2u * k], aki = buf[2u * k + 1u];
		int32_t aqr = buf[2u * q], aqi = buf[2u * q + 1u];
		int32_t c = tinyml_twiddle_q15[2u * k * step];
		int32_t s = tinyml_twiddle_q15[2u * k * step + 1u];
		/* Bin k: E = Z[k] + conj Z[q], D = Z[k] - conj Z[q]. */
		int32_t er = akr + aqr, ei = aki - aqi, dr = akr - aqr, di = aki + aqi;
		int64_t xr = (int64_t)er * 32768 + (int64_t)c * di - (int64_t)s * dr + 65536;
		int64_t xi = (int64_t)ei * 32768 - (int64_t)c * dr - (int64_t)s * di + 65536;
		/* Bin q: W^q = -(c + i s) conjugated mirror: E' = conj E, D' = -conj D. */
		int64_t yr = (int64_t)er * 32768 - (int64_t)c * di + (int64_t)s * dr + 65536;
		int64_t yi = -(int64_t)ei * 32768 - (int64_t)c * dr - (int64_t)s * di + 65536;

		buf[2u * k] = (int16_t)(xr >> 17);
		buf[2u * k + 1u] = (int16_t)(xi >> 17);
		buf[2u * q] = (int16_t)(yr >> 17);
		buf[2u * q + 1u] = (int16_t)(yi >> 17);
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
	bit_reverse((int32_t *)(void *)buf, m, log2_exact(m));
	complex_stages((int32_t *)(void *)buf, m);
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
		uint32_t r = tinyml_isqrt32(power[k]);

		mag[k] = (uint16_t)(r > 65535u ? 65535u : r);
	}
	return 0;
}
