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

int tinyml_features_band_ratio_q15(const uint32_t *power, size_t n_bins, size_t lo, size_t hi,
				   int32_t *out)
{
	uint64_t total;

	if (power == NULL || out == NULL || lo >= hi || hi > n_bins) {
		return -EINVAL;
	}
	total = sum_range(power, 0u, n_bins);
	*out = total == 0u ? 0 : (int32_t)((sum_range(power, lo, hi) << 15) / total);
	return 0;
}

int tinyml_features_spectral_crest_q8(const uint16_t *mag, size_t n_bins, int32_t *out)
{
	uint32_t max = 0u;
	uint64_t sum = 0u;
	size_t k;

	if (mag == NULL || out == NULL || n_bins < 2u) {
		return -EINVAL;
	}
	for (k = 1u; k < n_bins; k++) {
		sum += mag[k];
		if (mag[k] > max) {
			max = mag[k];
		}
	}
	*out = sum == 0u ? 0 : (int32_t)(((uint64_t)max * (n_bins - 1u) << 8) / sum);
	return 0;
}

int tinyml_features_peaks(const uint32_t *power, size_t n_bins, int32_t shift, size_t k,
			  int32_t *bins, int32_t *log_power_out)
{
	size_t filled = 0u;
	size_t b;
	size_t i;

	if (power == NULL || bins == NULL || log_power_out == NULL || n_bins < 2u || k == 0u) {
		return -EINVAL;
	}
	/* Insertion into a sorted top-k list; a later bin only passes an earlier one if stronger.
	 */
	for (b = 1u; b < n_bins; b++) {
		uint32_t p = power[b];

		if (filled == k && p <= power[bins[k - 1u]]) {
			continue;
		}
		i = filled < k ? filled++ : k - 1u;
		while (i > 0u && power[bins[i - 1u]] < p) {
			bins[i] = bins[i - 1u];
			i--;
		}
		bins[i] = (int32_t)b;
	}
	for (i = 0u; i < k; i++) {
		if (i < filled) {
			log_power_out[i] = log_power(power[bins[i]], shift);
		} else {
			bins[i] = 0;
			log_power_out[i] = TINYML_LOG2_Q8_ZERO;
		}
	}
	return 0;
}

static uint32_t ratio_q15(uint64_t num, uint64_t den)
{
	uint64_t q = (num << 15) / den;

	return q > 0x7FFFFFFFu ? 0x7FFFFFFFu : (uint32_t)q;
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
		out[h - 2u] = fundamental == 0u ? 0 : (int32_t)ratio_q15(p, fundamental);
	}
	out[n_harmonics] = fundamental == 0u ? 0 : (int32_t)ratio_q15(total, fundamental);
	return 0;
}
