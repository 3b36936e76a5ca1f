/*
 * Feature building blocks over one axis of one window (int16 samples). Scaling and rounding
 * of each is defined in docs/signal-chain.md and mirrored bit for bit by the Python reference
 * (tinyml_tools.features).
 */
#ifndef TINYML_FEATURES_H_
#define TINYML_FEATURES_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_FEATURES_MAX_PEAKS 8u

enum tinyml_window_fn {
	TINYML_WINDOW_RECT = 0,
	TINYML_WINDOW_HANN = 1,
};

/* Time-domain statistics of y[n] = x[n] - mean (mean = 0 without DC removal). */
struct tinyml_time_stats {
	int32_t mean;     /* floor(sum x / n) with DC removal, else 0 */
	uint32_t rms;     /* floor(sqrt(floor(sum y^2 / n))) */
	uint32_t peak;    /* max |y| */
	uint32_t zcr;     /* number of n in 1..len-1 with (y[n-1] < 0) != (y[n] < 0) */
	int32_t crest_q8; /* floor(peak * 256 / rms), 0 when rms is 0 */
};

/**
 * @brief Time-domain statistics of @p n samples (n a power of two, 2..65536).
 *
 * @retval 0 on success; -EINVAL on NULL, or @p n zero or not a power of two.
 */
int tinyml_features_time(const int16_t *x, size_t n, int dc_remove,
			 struct tinyml_time_stats *stats);

/**
 * @brief Fused FFT input prep of one frame, and its time statistics, in one pass:
 *
 *   mean = dc_remove ? floor(sum x / n) : 0,  y[i] = x[i] - mean,
 *   p[i] = y[i] - ((a * y[i-1]) >> 15) with y[-1] = y[0]  (a = pre_emphasis_q15),
 *   v[i] = (p[i] * w[i] + 2^13) >> 14 (Hann, w in Q14) or p[i] (rectangular),
 *   out[i] = v[i] << shift (>> -shift when negative)
 *
 * where shift = 14 - bit_length(OR over i of (v[i] ^ (v[i] >> 31))) (0 when that OR is 0),
 * so |out| <= 2^14 (the OR of v for v >= 0 and -v - 1 for v < 0 has the bit length of the
 * largest of them). The Hann window is w[i] = (32768 - C(i)) >> 2 with C(i) the Q15 cosine
 * of 2 pi i / n from the twiddle table (w[0] = 0), held in flash as one 512-point half table.
 *
 * @param work  @p n int32 scratch values.
 * @param out   @p n values, the FFT input (the FFT buffer needs n + 2).
 * @param shift set to the block-scaling shift (-4..13).
 * @param stats NULL, or set to what tinyml_features_time() computes.
 *
 * @retval 0 on success.
 * @retval -EINVAL NULL pointer.
 * @retval -ENOTSUP @p n not a supported FFT length, @p pre_emphasis_q15 > 32767 or an
 *         unknown window.
 */
int tinyml_features_prepare(const int16_t *x, size_t n, int dc_remove, uint16_t pre_emphasis_q15,
			    enum tinyml_window_fn window, int32_t *work, int16_t *out,
			    int32_t *shift, struct tinyml_time_stats *stats);

/**
 * @brief Log power of bins [lo, hi) in Q8.8, in absolute units of (DFT/n)^2:
 * log2_q8(sum power[k]) - 512 * shift, or TINYML_LOG2_Q8_ZERO when the sum is 0 (so silence
 * maps to one value whatever the shift).
 *
 * @retval 0 on success; -EINVAL on NULL or lo >= hi or hi > n_bins.
 */
int tinyml_features_band_log_power(const uint32_t *power, size_t n_bins, size_t lo, size_t hi,
				   int32_t shift, int32_t *out);

/**
 * @brief part / total in Q15 for part <= total, with one 32-bit division: k = max(0,
 * bit_length(total) - 17), floor((part >> k) * 2^15 / (total >> k)); 0 when total is 0.
 */
int32_t tinyml_ratio_q15(uint64_t part, uint64_t total);

/**
 * @brief Share of bins [lo, hi) in the total power of all bins:
 * tinyml_ratio_q15(sum_band, sum_all).
 *
 * @retval 0 on success; -EINVAL on NULL or a bad range.
 */
int tinyml_features_band_ratio_q15(const uint32_t *power, size_t n_bins, size_t lo, size_t hi,
				   int32_t *out);

/**
 * @brief Spectral crest of bins 1..n_bins-1 in Q8.8: floor(max mag * (n_bins-1) * 256 /
 * sum mag), 0 when the sum is 0.
 *
 * @retval 0 on success; -EINVAL on NULL or @p n_bins outside 2..257.
 */
int tinyml_features_spectral_crest_q8(const uint16_t *mag, size_t n_bins, int32_t *out);

/**
 * @brief The @p k strongest bins among 1..n_bins-1 by power (ties: lower bin first), in
 * descending order; @p bins gets their indices and @p log_power their log2_q8 power minus
 * 512 * shift (TINYML_LOG2_Q8_ZERO for a zero power). Missing entries (k > n_bins - 1) get
 * bin 0 and TINYML_LOG2_Q8_ZERO.
 *
 * @retval 0 on success; -EINVAL on NULL, @p n_bins < 2, or @p k not 1..8.
 */
int tinyml_features_peaks(const uint32_t *power, size_t n_bins, int32_t shift, size_t k,
			  int32_t *bins, int32_t *log_power);

/**
 * @brief Harmonic ratios for a fundamental at bin @p f0: for h = 2..n_harmonics + 1,
 * out[h-2] = R(P(h f0), P(f0)), then out[n_harmonics] = R(sum of those harmonics, P(f0)) (a
 * THD-like ratio), where P(b) = power[b] for b < n_bins, else 0, and R(a, b) in Q15 with one
 * 32-bit division: k = max(0, bit_length(max(a, b)) - 16), floor((a >> k) * 2^15 / (b >> k)),
 * INT32_MAX when b >> k is 0. All 0 when P(f0) is 0.
 *
 * @retval 0 on success; -EINVAL on NULL, @p f0 zero or >= n_bins.
 */
int tinyml_features_harmonics_q15(const uint32_t *power, size_t n_bins, size_t f0,
				  size_t n_harmonics, int32_t *out);

/**
 * @brief Mel energies of one frame in Q8.8 log2 units: triangles over bin edges
 * e[0..n_mels+1]; weight of bin k in band m: rising ((k - e[m]) << 15) / (e[m+1] - e[m]) for
 * e[m] < k <= e[m+1], falling ((e[m+2] - k) << 15) / (e[m+2] - e[m+1]) for e[m+1] < k < e[m+2];
 * out[m] = log2_q8(sum weight * power[k]) - 512 * shift - 15 * 256.
 *
 * @retval 0 on success; -EINVAL on NULL, zero @p n_mels, or edges decreasing or >= n_bins.
 */
int tinyml_features_mel_log(const uint32_t *power, size_t n_bins, const uint16_t *edges,
			    size_t n_mels, int32_t shift, int32_t *out);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_FEATURES_H_ */
