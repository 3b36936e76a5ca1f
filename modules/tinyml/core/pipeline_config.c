/*
 * The pipeline configuration blob: parse, validate, encode, and its CRC-32 (the pipeline ID).
 * Layout (little-endian) in docs/signal-chain.md; tinyml_tools/features/pipeline.py writes it.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/crc32.h>
#include <tinyml/features.h>
#include <tinyml/fft.h>
#include <tinyml/pipeline.h>

static const uint8_t blob_magic[4] = {'T', 'M', 'P', 'C'};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static size_t n_edges(const struct tinyml_pipeline_config *cfg)
{
	return cfg->n_mels == 0u ? 0u : (size_t)cfg->n_mels + 2u;
}

static int validate_logmel(const struct tinyml_pipeline_config *cfg, uint32_t nb)
{
	size_t i;

	if (cfg->axes != 1u || cfg->feature_mask != 0u || cfg->n_bands != 0u ||
	    cfg->n_peaks != 0u || cfg->n_harmonics != 0u || cfg->fundamental_bin != 0u ||
	    cfg->spectrum_lo != 0u || cfg->spectrum_hi != 0u) {
		return -EINVAL;
	}
	if (cfg->n_mels == 0u || cfg->n_mels > TINYML_PIPELINE_MAX_MELS) {
		return -EINVAL;
	}
	if (cfg->clip_len < cfg->window_len || cfg->clip_len > (1u << 20)) {
		return -EINVAL;
	}
	for (i = 0u; i < n_edges(cfg); i++) {
		if (cfg->mel_edges[i] >= nb ||
		    (i > 0u && cfg->mel_edges[i] < cfg->mel_edges[i - 1u])) {
			return -EINVAL;
		}
	}
	return 0;
}

static int validate_spectral(const struct tinyml_pipeline_config *cfg, uint32_t nb)
{
	uint16_t mask = cfg->feature_mask;
	int wants_bands = (mask & (TINYML_FEAT_BAND_POWER | TINYML_FEAT_BAND_RATIO)) != 0u;
	size_t i;

	if (cfg->axes == 0u || cfg->axes > TINYML_PIPELINE_MAX_AXES || cfg->n_mels != 0u ||
	    cfg->clip_len != 0u) {
		return -EINVAL;
	}
	if (mask == 0u || (mask & ~TINYML_FEAT_ALL) != 0u) {
		return -EINVAL;
	}
	if ((mask & TINYML_FEAT_SPECTRUM) != 0u) {
		if (cfg->spectrum_lo >= cfg->spectrum_hi || cfg->spectrum_hi > nb) {
			return -EINVAL;
		}
	} else if (cfg->spectrum_lo != 0u || cfg->spectrum_hi != 0u) {
		return -EINVAL;
	}
	if (wants_bands != (cfg->n_bands != 0u) || cfg->n_bands > TINYML_PIPELINE_MAX_BANDS) {
		return -EINVAL;
	}
	for (i = 0u; i < cfg->n_bands; i++) {
		if (cfg->band_lo[i] >= cfg->band_hi[i] || cfg->band_hi[i] > nb) {
			return -EINVAL;
		}
	}
	if (((mask & TINYML_FEAT_PEAKS) != 0u) != (cfg->n_peaks != 0u) ||
	    cfg->n_peaks > TINYML_PIPELINE_MAX_PEAKS) {
		return -EINVAL;
	}
	if ((mask & TINYML_FEAT_HARMONICS) != 0u) {
		if (cfg->n_harmonics == 0u || cfg->n_harmonics > TINYML_PIPELINE_MAX_HARMONICS ||
		    cfg->fundamental_bin == 0u || cfg->fundamental_bin >= nb) {
			return -EINVAL;
		}
	} else if (cfg->n_harmonics != 0u || cfg->fundamental_bin != 0u) {
		return -EINVAL;
	}
	return 0;
}

int tinyml_pipeline_validate(const struct tinyml_pipeline_config *cfg)
{
	uint32_t nb;

	if (cfg == NULL) {
		return -EINVAL;
	}
	if ((cfg->kind != TINYML_PIPELINE_SPECTRAL && cfg->kind != TINYML_PIPELINE_LOGMEL) ||
	    (cfg->window_fn != TINYML_WINDOW_RECT && cfg->window_fn != TINYML_WINDOW_HANN) ||
	    !tinyml_fft_len_supported(cfg->window_len)) {
		return -ENOTSUP;
	}
	if (cfg->dc_remove > 1u || cfg->hop == 0u || cfg->hop > cfg->window_len ||
	    cfg->sample_rate_hz == 0u || cfg->pre_emphasis_q15 > 32767u) {
		return -EINVAL;
	}
	nb = cfg->window_len / 2u + 1u;
	return cfg->kind == TINYML_PIPELINE_LOGMEL ? validate_logmel(cfg, nb)
						   : validate_spectral(cfg, nb);
}

int tinyml_pipeline_parse(const uint8_t *blob, size_t len, struct tinyml_pipeline_config *cfg)
{
	const uint8_t *p;
	size_t edges;
	size_t i;
	int err;

	if (blob == NULL || cfg == NULL || len < TINYML_PIPELINE_BLOB_HEADER) {
		return -EINVAL;
	}
	if (memcmp(blob, blob_magic, sizeof(blob_magic)) != 0) {
		return -EINVAL;
	}
	if (blob[4] != TINYML_PIPELINE_BLOB_VERSION) {
		return -ENOTSUP;
	}
	if (blob[13] != 0u || get32(blob + 36) != 0u) {
		return -EINVAL;
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = blob[5];
	cfg->axes = blob[6];
	cfg->window_fn = blob[7];
	cfg->dc_remove = blob[8];
	cfg->n_bands = blob[9];
	cfg->n_peaks = blob[10];
	cfg->n_harmonics = blob[11];
	cfg->n_mels = blob[12];
	cfg->window_len = get16(blob + 14);
	cfg->hop = get16(blob + 16);
	cfg->pre_emphasis_q15 = get16(blob + 18);
	cfg->feature_mask = get16(blob + 20);
	cfg->spectrum_lo = get16(blob + 22);
	cfg->spectrum_hi = get16(blob + 24);
	cfg->fundamental_bin = get16(blob + 26);
	cfg->sample_rate_hz = get32(blob + 28);
	cfg->clip_len = get32(blob + 32);
	if (cfg->n_bands > TINYML_PIPELINE_MAX_BANDS || cfg->n_mels > TINYML_PIPELINE_MAX_MELS) {
		return -EINVAL;
	}
	edges = n_edges(cfg);
	if (len != TINYML_PIPELINE_BLOB_HEADER + 4u * cfg->n_bands + 2u * edges) {
		return -EINVAL;
	}
	p = blob + TINYML_PIPELINE_BLOB_HEADER;
	for (i = 0u; i < cfg->n_bands; i++, p += 4) {
		cfg->band_lo[i] = get16(p);
		cfg->band_hi[i] = get16(p + 2);
	}
	for (i = 0u; i < edges; i++, p += 2) {
		cfg->mel_edges[i] = get16(p);
	}
	err = tinyml_pipeline_validate(cfg);
	return err;
}

int tinyml_pipeline_encode(const struct tinyml_pipeline_config *cfg, uint8_t *buf, size_t cap)
{
	size_t len;
	uint8_t *p;
	size_t i;

	if (buf == NULL || tinyml_pipeline_validate(cfg) != 0) {
		return -EINVAL;
	}
	len = TINYML_PIPELINE_BLOB_HEADER + 4u * cfg->n_bands + 2u * n_edges(cfg);
	if (cap < len) {
		return -ENOSPC;
	}
	memset(buf, 0, TINYML_PIPELINE_BLOB_HEADER);
	memcpy(buf, blob_magic, sizeof(blob_magic));
	buf[4] = TINYML_PIPELINE_BLOB_VERSION;
	buf[5] = cfg->kind;
	buf[6] = cfg->axes;
	buf[7] = cfg->window_fn;
	buf[8] = cfg->dc_remove;
	buf[9] = cfg->n_bands;
	buf[10] = cfg->n_peaks;
	buf[11] = cfg->n_harmonics;
	buf[12] = cfg->n_mels;
	put16(buf + 14, cfg->window_len);
	put16(buf + 16, cfg->hop);
	put16(buf + 18, cfg->pre_emphasis_q15);
	put16(buf + 20, cfg->feature_mask);
	put16(buf + 22, cfg->spectrum_lo);
	put16(buf + 24, cfg->spectrum_hi);
	put16(buf + 26, cfg->fundamental_bin);
	put32(buf + 28, cfg->sample_rate_hz);
	put32(buf + 32, cfg->clip_len);
	p = buf + TINYML_PIPELINE_BLOB_HEADER;
	for (i = 0u; i < cfg->n_bands; i++, p += 4) {
		put16(p, cfg->band_lo[i]);
		put16(p + 2, cfg->band_hi[i]);
	}
	for (i = 0u; i < n_edges(cfg); i++, p += 2) {
		put16(p, cfg->mel_edges[i]);
	}
	return (int)len;
}

int tinyml_pipeline_id(const struct tinyml_pipeline_config *cfg, uint32_t *id)
{
	uint8_t blob[TINYML_PIPELINE_BLOB_MAX];
	int len;

	if (id == NULL) {
		return -EINVAL;
	}
	len = tinyml_pipeline_encode(cfg, blob, sizeof(blob));
	if (len < 0) {
		return len;
	}
	*id = tinyml_crc32(0u, blob, (size_t)len);
	return 0;
}

int tinyml_pipeline_check_model(const struct tinyml_pipeline_config *cfg,
				uint32_t model_pipeline_id)
{
	uint32_t id;
	int err = tinyml_pipeline_id(cfg, &id);

	if (err != 0) {
		return err;
	}
	return id == model_pipeline_id ? 0 : -EBADMSG;
}

static size_t per_axis_count(const struct tinyml_pipeline_config *cfg)
{
	uint16_t mask = cfg->feature_mask;
	size_t n = 0u;

	n += (mask & TINYML_FEAT_RMS) ? 1u : 0u;
	n += (mask & TINYML_FEAT_ZCR) ? 1u : 0u;
	n += (mask & TINYML_FEAT_CREST) ? 1u : 0u;
	n += (mask & TINYML_FEAT_PEAK) ? 1u : 0u;
	n += (mask & TINYML_FEAT_SPECTRUM) ? (size_t)(cfg->spectrum_hi - cfg->spectrum_lo) : 0u;
	n += (mask & TINYML_FEAT_BAND_POWER) ? cfg->n_bands : 0u;
	n += (mask & TINYML_FEAT_BAND_RATIO) ? cfg->n_bands : 0u;
	n += (mask & TINYML_FEAT_SPECTRAL_CREST) ? 1u : 0u;
	n += (mask & TINYML_FEAT_PEAKS) ? 2u * cfg->n_peaks : 0u;
	n += (mask & TINYML_FEAT_HARMONICS) ? cfg->n_harmonics + 1u : 0u;
	n += (mask & TINYML_FEAT_RAW) ? cfg->window_len : 0u;
	return n;
}

int tinyml_pipeline_feature_count(const struct tinyml_pipeline_config *cfg)
{
	int err = tinyml_pipeline_validate(cfg);

	if (err != 0) {
		return -EINVAL;
	}
	if (cfg->kind == TINYML_PIPELINE_LOGMEL) {
		return (int)((1u + (cfg->clip_len - cfg->window_len) / cfg->hop) * cfg->n_mels);
	}
	return (int)(cfg->axes * per_axis_count(cfg));
}

int tinyml_pipeline_input_len(const struct tinyml_pipeline_config *cfg)
{
	if (tinyml_pipeline_validate(cfg) != 0) {
		return -EINVAL;
	}
	return cfg->kind == TINYML_PIPELINE_LOGMEL ? (int)cfg->clip_len
						   : (int)(cfg->axes * cfg->window_len);
}
