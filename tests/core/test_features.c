#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fft.h>
#include <tinyml/fixed.h>

#include "ttest.h"

static int16_t x[512];
static int16_t buf[514];
static int32_t work[512];
static uint32_t power[257];
static uint16_t mag[257];

TTEST(features, fixed_point_helpers)
{
	TT_ASSERT_EQ(tinyml_log2_q8(0u), TINYML_LOG2_Q8_ZERO);
	TT_ASSERT_EQ(tinyml_log2_q8(1u), 0);
	TT_ASSERT_EQ(tinyml_log2_q8(2u), 256);
	TT_ASSERT_EQ(tinyml_log2_q8(3u), 256 + 150); /* log2(1.5) = 0.585 -> 150/256 */
	TT_ASSERT_EQ(tinyml_log2_q8(1ull << 40), 40 * 256);
	TT_ASSERT_EQ(tinyml_isqrt32(0u), 0u);
	TT_ASSERT_EQ(tinyml_isqrt32(15u), 3u);
	TT_ASSERT_EQ(tinyml_isqrt32(16u), 4u);
	TT_ASSERT_EQ(tinyml_isqrt32(0xFFFFFFFFu), 65535u);
	TT_ASSERT_EQ(tinyml_isqrt32(65535u * 65535u - 1u), 65534u);
	TT_ASSERT_EQ(tinyml_isqrt64(1ull << 62), 1u << 31);
	TT_ASSERT_EQ(tinyml_isqrt64((1ull << 62) - 1u), (1u << 31) - 1u);
	TT_ASSERT_EQ(tinyml_ratio_q15(1u, 2u), 16384);
	TT_ASSERT_EQ(tinyml_ratio_q15(5u, 0u), 0);
	TT_ASSERT_EQ(tinyml_ratio_q15(1ull << 40, 1ull << 40), 32768);
}

TTEST(features, fft_finds_a_tone_and_rejects_bad_lengths)
{
	unsigned int n;

	TT_ASSERT_EQ(tinyml_rfft_q15(NULL, 258u, 256u), -EINVAL);
	TT_ASSERT_EQ(tinyml_rfft_q15(buf, 257u, 256u), -EINVAL);
	TT_ASSERT_EQ(tinyml_rfft_q15(buf, 514u, 24u), -ENOTSUP);
	TT_ASSERT_EQ(tinyml_rfft_q15(buf, 514u, 1024u), -ENOTSUP);
	TT_ASSERT_EQ(tinyml_rfft_q15(buf, 514u, 8u), -ENOTSUP);
	for (n = 16u; n <= 512u; n *= 2u) {
		unsigned int i;
		unsigned int k;
		unsigned int best = 0u;
		unsigned int bin = n / 8u;

		/* A square wave of period 8 samples (amplitude 2^14): strongest at bin n/8. */
		for (i = 0u; i < n; i++) {
			buf[i] = (int16_t)(((i / 4u) % 2u) ? -16384 : 16384);
		}
		TT_ASSERT_EQ(tinyml_rfft_q15(buf, n + 2u, n), 0);
		TT_ASSERT_EQ(tinyml_fft_power(buf, n / 2u + 1u, power), 0);
		for (k = 0u; k <= n / 2u; k++) {
			if (power[k] > power[best]) {
				best = k;
			}
		}
		TT_ASSERT_EQ(best, bin);
		/* Period-8 square wave: |X[n/8]| / n = A / (4 sin(pi / 8)) = 10703 for A = 2^14. */
		TT_ASSERT(tinyml_isqrt32(power[bin]) >= 10695u &&
			  tinyml_isqrt32(power[bin]) <= 10705u);
		TT_ASSERT_EQ(power[0], 0u);
	}
	TT_ASSERT_EQ(tinyml_fft_power(NULL, 3u, power), -EINVAL);
	TT_ASSERT_EQ(tinyml_fft_magnitude(power, 0u, mag), -EINVAL);
}

TTEST(features, time_stats_of_known_signals)
{
	struct tinyml_time_stats ts;
	unsigned int i;

	for (i = 0u; i < 256u; i++) {
		x[i] = (int16_t)((i % 2u) ? 1100 : 900); /* mean 1000, +-100 */
	}
	TT_ASSERT_EQ(tinyml_features_time(x, 256u, 1, &ts), 0);
	TT_ASSERT_EQ(ts.mean, 1000);
	TT_ASSERT_EQ(ts.rms, 100u);
	TT_ASSERT_EQ(ts.peak, 100u);
	TT_ASSERT_EQ(ts.zcr, 255u);
	TT_ASSERT_EQ(ts.crest_q8, 256);
	TT_ASSERT_EQ(tinyml_features_time(x, 256u, 0, &ts), 0);
	TT_ASSERT_EQ(ts.mean, 0);
	TT_ASSERT_EQ(ts.zcr, 0u);
	TT_ASSERT_EQ(ts.peak, 1100u);
	TT_ASSERT_EQ(tinyml_features_time(x, 0u, 0, &ts), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_time(x, 100u, 0, &ts), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_time(NULL, 256u, 0, &ts), -EINVAL);
}

TTEST(features, fused_prep_matches_standalone_stats_and_bounds_output)
{
	struct tinyml_time_stats a;
	struct tinyml_time_stats b;
	int32_t shift;
	unsigned int i;
	uint32_t seed = 12345u;

	for (i = 0u; i < 256u; i++) {
		seed = seed * 1103515245u + 12345u;
		x[i] = (int16_t)(seed >> 16);
	}
	x[10] = -32768;
	TT_ASSERT_EQ(tinyml_features_prepare(x, 256u, 1, 31785u, TINYML_WINDOW_HANN, work, buf,
					     &shift, &a),
		     0);
	TT_ASSERT_EQ(tinyml_features_time(x, 256u, 1, &b), 0);
	TT_ASSERT_MEM_EQ(&a, &b, sizeof(a));
	for (i = 0u; i < 256u; i++) {
		TT_ASSERT(buf[i] >= -16384 && buf[i] <= 16384);
	}
	TT_ASSERT(shift >= -4 && shift <= 13);
	TT_ASSERT_EQ(tinyml_features_prepare(x, 256u, 0, 0u, (enum tinyml_window_fn)7, work, buf,
					     &shift, NULL),
		     -ENOTSUP);
	TT_ASSERT_EQ(tinyml_features_prepare(x, 256u, 0, 40000u, TINYML_WINDOW_HANN, work, buf,
					     &shift, NULL),
		     -ENOTSUP);
	TT_ASSERT_EQ(tinyml_features_prepare(x, 200u, 0, 0u, TINYML_WINDOW_HANN, work, buf, &shift,
					     NULL),
		     -ENOTSUP);
	TT_ASSERT_EQ(tinyml_features_prepare(x, 256u, 0, 0u, TINYML_WINDOW_HANN, NULL, buf, &shift,
					     NULL),
		     -EINVAL);
	/* Silence: shift 0, all zero. */
	for (i = 0u; i < 256u; i++) {
		x[i] = 0;
	}
	TT_ASSERT_EQ(tinyml_features_prepare(x, 256u, 1, 0u, TINYML_WINDOW_RECT, work, buf, &shift,
					     NULL),
		     0);
	TT_ASSERT_EQ(shift, 0);
	TT_ASSERT_EQ(buf[77], 0);
}

TTEST(features, spectral_features_on_a_small_spectrum)
{
	static const uint32_t p[9] = {0u, 10u, 400u, 10u, 0u, 0u, 90u, 0u, 0u};
	static const uint16_t m[9] = {0u, 3u, 20u, 3u, 0u, 0u, 9u, 0u, 0u};
	int32_t out[4];
	int32_t bins[3];
	int32_t logs[3];

	TT_ASSERT_EQ(tinyml_features_band_log_power(p, 9u, 2u, 3u, 0, out), 0);
	TT_ASSERT_EQ(out[0], tinyml_log2_q8(400u));
	TT_ASSERT_EQ(tinyml_features_band_log_power(p, 9u, 2u, 3u, 2, out), 0);
	TT_ASSERT_EQ(out[0], tinyml_log2_q8(400u) - 1024);
	TT_ASSERT_EQ(tinyml_features_band_log_power(p, 9u, 4u, 6u, 0, out), 0);
	TT_ASSERT_EQ(out[0], TINYML_LOG2_Q8_ZERO);
	TT_ASSERT_EQ(tinyml_features_band_log_power(p, 9u, 3u, 3u, 0, out), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_band_log_power(p, 9u, 3u, 10u, 0, out), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_band_ratio_q15(p, 9u, 0u, 9u, out), 0);
	TT_ASSERT_EQ(out[0], 32768);
	TT_ASSERT_EQ(tinyml_features_band_ratio_q15(p, 9u, 2u, 3u, out), 0);
	TT_ASSERT_EQ(out[0], (400 << 15) / 510);
	TT_ASSERT_EQ(tinyml_features_spectral_crest_q8(m, 9u, out), 0);
	TT_ASSERT_EQ(out[0], (20 * 8 * 256) / 35);
	TT_ASSERT_EQ(tinyml_features_peaks(p, 9u, 0, 3u, bins, logs), 0);
	TT_ASSERT_EQ(bins[0], 2);
	TT_ASSERT_EQ(bins[1], 6);
	TT_ASSERT_EQ(bins[2], 1); /* tie with bin 3: the lower bin first */
	TT_ASSERT_EQ(logs[1], tinyml_log2_q8(90u));
	TT_ASSERT_EQ(tinyml_features_peaks(p, 9u, 0, 9u, bins, logs), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_harmonics_q15(p, 9u, 2u, 3u, out), 0);
	TT_ASSERT_EQ(out[0], 0);                /* bin 4 */
	TT_ASSERT_EQ(out[1], (90 << 15) / 400); /* bin 6 */
	TT_ASSERT_EQ(out[2], 0);                /* bin 8 */
	TT_ASSERT_EQ(out[3], (90 << 15) / 400);
	TT_ASSERT_EQ(tinyml_features_harmonics_q15(p, 9u, 0u, 3u, out), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_harmonics_q15(p, 9u, 9u, 3u, out), -EINVAL);
}

TTEST(features, mel_triangles)
{
	static const uint32_t p[9] = {0u, 100u, 100u, 100u, 100u, 100u, 100u, 100u, 100u};
	static const uint16_t edges[4] = {0u, 2u, 4u, 8u};
	static const uint16_t bad[4] = {0u, 4u, 2u, 8u};
	int32_t out[2];

	TT_ASSERT_EQ(tinyml_features_mel_log(p, 9u, edges, 2u, 0, out), 0);
	/* Band 0: weights 0.5, 1 (bins 1, 2) and 0.5 (bin 3): 2 x 100. */
	TT_ASSERT_EQ(out[0], tinyml_log2_q8(200u << 15) - 15 * 256);
	TT_ASSERT_EQ(tinyml_features_mel_log(p, 9u, bad, 2u, 0, out), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_mel_log(p, 8u, edges, 2u, 0, out), -EINVAL);
	TT_ASSERT_EQ(tinyml_features_mel_log(p, 9u, edges, 0u, 0, out), -EINVAL);
}

/* The FPU estimate plus fix-up (target) and the bit-by-bit method agree around every square. */
TTEST(features, isqrt32_exact_around_squares)
{
	uint32_t k;

	for (k = 1u; k < 65536u; k += 7u) {
		uint32_t sq = k * k;

		TT_ASSERT_EQ(tinyml_isqrt32(sq), k);
		TT_ASSERT_EQ(tinyml_isqrt32(sq - 1u), k - 1u);
		TT_ASSERT_EQ(tinyml_isqrt32(sq + k), tinyml_isqrt64((uint64_t)sq + k));
	}
	TT_ASSERT_EQ(tinyml_isqrt32(65535u * 65535u), 65535u);
}
