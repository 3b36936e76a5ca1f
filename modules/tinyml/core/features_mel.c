/*
 * Log-mel energies of one frame: triangular filters over FFT bin edges, weights computed from
 * the edges with integer division (no table per configuration), energies in Q8.8 log2.
 */
#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fixed.h>

int tinyml_features_mel_log(const uint32_t *power, size_t n_bins, const uint16_t *edges,
			    size_t n_mels, int32_t shift, int32_t *out)
{
	size_t m;

	if (power == NULL || edges == NULL || out == NULL || n_mels == 0u) {
		return -EINVAL;
	}
	for (m = 0u; m < n_mels + 2u; m++) {
		if (edges[m] >= n_bins || (m > 0u && edges[m] < edges[m - 1u])) {
			return -EINVAL;
		}
	}
	for (m = 0u; m < n_mels; m++) {
		uint32_t lo = edges[m], mid = edges[m + 1u], hi = edges[m + 2u];
		uint64_t energy = 0u;
		uint32_t k;

		for (k = lo + 1u; k <= mid; k++) {
			energy += (uint64_t)(((k - lo) << 15) / (mid - lo)) * power[k];
		}
		for (k = mid + 1u; k < hi; k++) {
			energy += (uint64_t)(((hi - k) << 15) / (hi - mid)) * power[k];
		}
		out[m] = energy == 0u ? TINYML_LOG2_Q8_ZERO
				      : tinyml_log2_q8(energy) - 512 * shift - 15 * 256;
	}
	return 0;
}
