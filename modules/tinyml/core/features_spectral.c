/*
 * Features over the power spectrum of one axis: band powers and ratios, spectral crest,
 * peaks and harmonic ratios. Log powers are Q8.8 log2 in units of (DFT / n)^2, corrected for
 * the block-scaling shift of the FFT input.
 */
#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fixed.h>

static uint64_t sum_range(const uint32_t *power, size_t lo, size_t hi)
{
	uint64_t sum = 0u;
	size_t k;

	for (k = lo; k < hi; k++) {
		sum += power[k];
	}
	return sum;
}

static int32_t log_power(uint64_t p, int32_t shift)
{
	return p == 0u ? TINYML_LOG2_Q8_ZERO : tinyml_log2_q8(p) - 512 * shift;
}

int tinyml_features_band_log_power(const uint32_t *power, size_t n_bins, size_t lo, size_t hi,
				   int32_t shift, int32_t *out)
{
	if (power == NULL || out == NULL || lo >= hi || hi > n_bins) {
		return -EINVAL;
	}
	*out = log_power(sum_range(power, lo, hi), shift);
	return 0;
}

/* Bits of x (0 for 0). */
static unsigned int bit_length64(uint64_t x)
{
	return (x >> 32) != 0u ? 64u - (unsigned int)__builtin_clz((uint32_t)(x >> 32))
	       : x != 0u       ? 32u - (unsigned int)__builtin_clz((uint32_t)x)
			       : 0u;
}

/* Both reduced to the 17 leading bits of the total, so one 32-bit division is exact. */
int32_t tinyml_ratio_q15(uint64_t part, uint64_t total)
{
	unsigned int bits = bit_length64(total);
	unsigned int k = bits > 17u ? bits - 17u : 0u;
	uint32_t t = (uint32_t)(total >> k);

	return t == 0u ? 0 : (int32_t)(((uint32_t)(part >> k) << 15) / t);
}

int tinyml_features_band_ratio_q15(const uint32_t *power, size_t n_bins, size_t lo, size_t hi,
				   int32_t *out)
{
	if (power == NULL || out == NULL || lo >= hi || hi > n_bins) {
		return -EINVAL;
	}
	*out = tinyml_ratio_q15(sum_range(power, lo, hi), sum_range(power, 0u, n_bins));
	return 0;
}

int tinyml_features_spectral_crest_q8(const uint16_t *mag, size_t n_bins, int32_t *out)
{
	uint32_t max = 0u;
	uint32_t sum = 0u;
	size_t k;

	/* max * 256 * 256 and 256 * 65535 fit 32 bits: no 64-bit division. */
	if (mag == NULL || out == NULL || n_bins < 2u || n_bins > 257u) {
		return -EINVAL;
	}
	for (k = 1u; k < n_bins; k++) {
		sum += mag[k];
		if (mag[k] > max) {
			max = mag[k];
		}
	}
	*out = sum == 0u ? 0 : (int32_t)((max * (uint32_t)(n_bins - 1u) << 8) / sum);
	return 0;
}

int tinyml_features_peaks(const uint32_t *power, size_t n_bins, int32_t shift, size_t k,
			  int32_t *bins, int32_t *log_power_out)
{
	uint32_t top[TINYML_FEATURES_MAX_PEAKS];
	uint32_t weakest = 0u; /* a bin must beat this to enter a full list */
	size_t filled = 0u;
	size_t b;
	size_t i;

	if (power == NULL || bins == NULL || log_power_out == NULL || n_bins < 2u || k == 0u ||
	    k > TINYML_FEATURES_MAX_PEAKS) {
		return -EINVAL;
	}
	/* Insertion into a sorted top-k list; a later bin only passes an earlier one if stronger.
	 */
	for (b = 1u; b < n_bins; b++) {
		uint32_t p = power[b];

		if (filled == k && p <= weakest) {
			continue;
		}
		i = filled < k ? filled++ : k - 1u;
		while (i > 0u && top[i - 1u] < p) {
			top[i] = top[i - 1u];
			bins[i] = bins[i - 1u];
			i--;
		}
		top[i] = p;
		bins[i] = (int32_t)b;
		weakest = top[filled - 1u];
	}
	for (i = 0u; i < k; i++) {
		if (i < filled) {
			log_power_out[i] = log_power(top[i], shift);
		} else {
			bins[i] = 0;
			log_power_out[i] = TINYML_LOG2_Q8_ZERO;
		}
	}
	return 0;
}

/* Both reduced to the 16 leading bits of the larger, one 32-bit division; INT32_MAX when the
 * reduced denominator is 0. */
static int32_t harmonic_q15(uint64_t num, uint64_t den)
{
	unsigned int bits = bit_length64(num > den ? num : den);
	unsigned int k = bits > 16u ? bits - 16u : 0u;
	uint32_t d = (uint32_t)(den >> k);

	return d == 0u ? INT32_MAX : (int32_t)(((uint32_t)(num >> k) << 15) / d);
}

int tinyml_features_harmonics_q15(const uint32_t *power, size_t n_bins, size_t f0,
				  size_t n_harmonics, int32_t *out)
{
	uint64_t fundamental;
	uint64_t total = 0u;
	size_t h;

	if (power == NULL || out == NULL || f0 == 0u || f0 >= n_bins) {
		return -EINVAL;
	}
	fundamental = power[f0];
	for (h = 2u; h < n_harmonics + 2u; h++) {
		uint64_t p = h * f0 < n_bins ? power[h * f0] : 0u;

		total += p;
		out[h - 2u] = fundamental == 0u ? 0 : harmonic_q15(p, fundamental);
	}
	out[n_harmonics] = fundamental == 0u ? 0 : harmonic_q15(total, fundamental);
	return 0;
}
