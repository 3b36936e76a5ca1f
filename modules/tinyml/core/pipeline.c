/*
 * Runs a configured feature pipeline over one window (SPECTRAL) or one clip (LOGMEL) using
 * only caller scratch: FFT prep, real FFT, power spectrum, then the selected features.
 */
#include <errno.h>

#include <tinyml/features.h>
#include <tinyml/fft.h>
#include <tinyml/fixed.h>
#include <tinyml/pipeline.h>

#include "features_internal.h"
#include "fft_internal.h"

struct scratch_layout {
	int32_t *work;   /* n */
	int16_t *fft;    /* n + 2 */
	uint32_t *power; /* n / 2 + 1 */
	uint16_t *mag;   /* n / 2 + 1 */
};

static int layout(void *scratch, size_t len, uint32_t n, struct scratch_layout *out)
{
	uint8_t *base = scratch;

	if (scratch == NULL || ((uintptr_t)scratch & 3u) != 0u ||
	    len < TINYML_PIPELINE_SCRATCH_BYTES(n)) {
		return -EINVAL;
	}
	out->work = (int32_t *)(void *)base;
	out->fft = (int16_t *)(void *)(base + 4u * n);
	out->power = (uint32_t *)(void *)(base + 6u * n + 4u);
	out->mag = (uint16_t *)(void *)(base + 8u * n + 8u);
	return 0;
}

/* Power spectrum of one frame and its block-scaling shift (and time statistics). */
static int spectrum(const struct tinyml_pipeline_config *cfg, const int16_t *x,
		    const struct scratch_layout *s, int32_t *shift, struct tinyml_time_stats *ts)
{
	uint32_t n = cfg->window_len;
	int err;

	err = tinyml_features_prepare(x, n, cfg->dc_remove, cfg->pre_emphasis_q15,
				      (enum tinyml_window_fn)cfg->window_fn, s->work, s->fft, shift,
				      ts);
	if (err == 0) {
		err = tinyml_rfft_q15(s->fft, n + 2u, n);
	}
	if (err == 0) {
		err = tinyml_fft_power(s->fft, n / 2u + 1u, s->power);
	}
	return err;
}

#define SPECTRAL_FEATURES                                                                          \
	(TINYML_FEAT_SPECTRUM | TINYML_FEAT_BAND_POWER | TINYML_FEAT_BAND_RATIO |                  \
	 TINYML_FEAT_SPECTRAL_CREST | TINYML_FEAT_PEAKS | TINYML_FEAT_HARMONICS)

static int32_t log_power(uint64_t p, int32_t shift)
{
	return p == 0u ? TINYML_LOG2_Q8_ZERO : tinyml_log2_q8(p) - 512 * shift;
}

static int run_axis(const struct tinyml_pipeline_config *cfg, const int16_t *x,
		    const struct scratch_layout *s, int32_t *out)
{
	uint16_t mask = cfg->feature_mask;
	uint32_t nb = cfg->window_len / 2u + 1u;
	struct tinyml_time_stats ts;
	int32_t *o = out;
	int32_t shift;
	uint32_t i;
	int err;

	if (mask & SPECTRAL_FEATURES) {
		err = spectrum(cfg, x, s, &shift, &ts);
	} else {
		/* Time-domain features only: no FFT. */
		shift = 0;
		err = tinyml_features_time(x, cfg->window_len, cfg->dc_remove, &ts);
	}
	if (err != 0) {
		return err;
	}
	if (mask & TINYML_FEAT_RMS) {
		*o++ = (int32_t)ts.rms;
	}
	if (mask & TINYML_FEAT_ZCR) {
		*o++ = (int32_t)ts.zcr;
	}
	if (mask & TINYML_FEAT_CREST) {
		*o++ = ts.crest_q8;
	}
	if (mask & TINYML_FEAT_PEAK) {
		*o++ = (int32_t)ts.peak;
	}
	if (mask & TINYML_FEAT_SPECTRUM) {
		for (i = cfg->spectrum_lo; i < cfg->spectrum_hi; i++) {
			*o++ = log_power(s->power[i], shift);
		}
	}
	if (mask & (TINYML_FEAT_BAND_POWER | TINYML_FEAT_BAND_RATIO)) {
		uint64_t sums[TINYML_PIPELINE_MAX_BANDS];
		uint64_t total = 0u;
		uint32_t k;

		for (i = 0u; i < cfg->n_bands; i++) {
			sums[i] = 0u;
			for (k = cfg->band_lo[i]; k < cfg->band_hi[i]; k++) {
				sums[i] += s->power[k];
			}
		}
		if (mask & TINYML_FEAT_BAND_POWER) {
			for (i = 0u; i < cfg->n_bands; i++) {
				*o++ = log_power(sums[i], shift);
			}
		}
		if (mask & TINYML_FEAT_BAND_RATIO) {
			for (k = 0u; k < nb; k++) {
				total += s->power[k];
			}
			for (i = 0u; i < cfg->n_bands; i++) {
				*o++ = tinyml_ratio_q15(sums[i], total);
			}
		}
	}
	if (mask & TINYML_FEAT_SPECTRAL_CREST) {
		(void)tinyml_fft_magnitude(s->power, nb, s->mag);
		(void)tinyml_features_spectral_crest_q8(s->mag, nb, o++);
	}
	if (mask & TINYML_FEAT_PEAKS) {
		int32_t bins[TINYML_PIPELINE_MAX_PEAKS];
		int32_t logs[TINYML_PIPELINE_MAX_PEAKS];

		(void)tinyml_features_peaks(s->power, nb, shift, cfg->n_peaks, bins, logs);
		for (i = 0u; i < cfg->n_peaks; i++) {
			*o++ = bins[i];
			*o++ = logs[i];
		}
	}
	if (mask & TINYML_FEAT_HARMONICS) {
		(void)tinyml_features_harmonics_q15(s->power, nb, cfg->fundamental_bin,
						    cfg->n_harmonics, o);
		o += cfg->n_harmonics + 1u;
	}
	if (mask & TINYML_FEAT_RAW) {
		for (i = 0u; i < cfg->window_len; i++) {
			*o++ = x[i];
		}
	}
	return (int)(o - out);
}

static int run_logmel(const struct tinyml_pipeline_config *cfg, const int16_t *x,
		      const struct scratch_layout *s, int32_t *out)
{
	uint32_t frames = 1u + (cfg->clip_len - cfg->window_len) / cfg->hop;
	uint32_t f;

	for (f = 0u; f < frames; f++) {
		const int16_t *frame = x + f * cfg->hop;
		int32_t shift;
		int err = spectrum(cfg, frame, s, &shift, NULL);

		if (err == 0) {
			err = tinyml_features_mel_log(s->power, cfg->window_len / 2u + 1u,
						      cfg->mel_edges, cfg->n_mels, shift,
						      out + f * cfg->n_mels);
		}
		if (err != 0) {
			return err;
		}
	}
	return (int)(frames * cfg->n_mels);
}

int tinyml_pipeline_run(const struct tinyml_pipeline_config *cfg, const int16_t *samples,
			size_t n_samples, void *scratch, size_t scratch_len, int32_t *out,
			size_t out_cap)
{
	struct scratch_layout s;
	int count;
	int err;
	uint32_t a;

	err = tinyml_pipeline_validate(cfg);
	if (err != 0) {
		return err;
	}
	count = tinyml_pipeline_feature_count(cfg);
	if (samples == NULL || out == NULL || count < 0 || out_cap < (size_t)count ||
	    n_samples != (size_t)tinyml_pipeline_input_len(cfg)) {
		return -EINVAL;
	}
	err = layout(scratch, scratch_len, cfg->window_len, &s);
	if (err != 0) {
		return err;
	}
	if (cfg->kind == TINYML_PIPELINE_LOGMEL) {
		return run_logmel(cfg, samples, &s, out);
	}
	count = 0;
	for (a = 0u; a < cfg->axes; a++) {
		err = run_axis(cfg, samples + a * cfg->window_len, &s, out + count);
		if (err < 0) {
			return err;
		}
		count += err;
	}
	return count;
}
