/*
 * Feature pipelines described by a configuration. The configuration travels as a canonical
 * little-endian blob (docs/signal-chain.md); its CRC-32 is the pipeline ID that a model
 * carries, so firmware refuses a model trained with different features. The Python tools
 * (tinyml_tools.features.pipeline) write the same blob and compute the same ID from YAML.
 */
#ifndef TINYML_PIPELINE_H_
#define TINYML_PIPELINE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_PIPELINE_BLOB_VERSION  1u
#define TINYML_PIPELINE_MAX_AXES      8u
#define TINYML_PIPELINE_MAX_BANDS     8u
#define TINYML_PIPELINE_MAX_PEAKS     8u
#define TINYML_PIPELINE_MAX_HARMONICS 8u
#define TINYML_PIPELINE_MAX_MELS      64u
/* Fixed part of the blob; bands (4 bytes each) and mel edges (2 bytes each) follow. */
#define TINYML_PIPELINE_BLOB_HEADER   40u
#define TINYML_PIPELINE_BLOB_MAX                                                                   \
	(TINYML_PIPELINE_BLOB_HEADER + 4u * TINYML_PIPELINE_MAX_BANDS +                            \
	 2u * (TINYML_PIPELINE_MAX_MELS + 2u))

enum tinyml_pipeline_kind {
	/* Per axis of a multi-axis window: time statistics and spectral features. */
	TINYML_PIPELINE_SPECTRAL = 1,
	/* Mono audio clip framed by window_len/hop: log-mel energies per frame. */
	TINYML_PIPELINE_LOGMEL = 2,
};

/* Spectral feature selection (feature_mask), emitted per axis in this order. */
#define TINYML_FEAT_RMS            (1u << 0)
#define TINYML_FEAT_ZCR            (1u << 1)
#define TINYML_FEAT_CREST          (1u << 2)
#define TINYML_FEAT_PEAK           (1u << 3)
#define TINYML_FEAT_SPECTRUM       (1u << 4)
#define TINYML_FEAT_BAND_POWER     (1u << 5)
#define TINYML_FEAT_BAND_RATIO     (1u << 6)
#define TINYML_FEAT_SPECTRAL_CREST (1u << 7)
#define TINYML_FEAT_PEAKS          (1u << 8)
#define TINYML_FEAT_HARMONICS      (1u << 9)
#define TINYML_FEAT_RAW            (1u << 10) /* the window_len samples themselves */
#define TINYML_FEAT_ALL            0x7FFu

struct tinyml_pipeline_config {
	uint8_t kind;            /* enum tinyml_pipeline_kind */
	uint8_t axes;            /* 1..8 (1 for LOGMEL) */
	uint8_t window_fn;       /* enum tinyml_window_fn */
	uint8_t dc_remove;       /* 0 or 1 */
	uint32_t sample_rate_hz; /* informative for the C side; part of the ID */
	uint16_t window_len;     /* FFT length: power of two 16..512 */
	uint16_t hop;            /* LOGMEL frame hop; SPECTRAL: window hop (informative) */
	uint16_t pre_emphasis_q15;
	uint16_t feature_mask; /* TINYML_FEAT_* (SPECTRAL) */
	uint16_t spectrum_lo;  /* TINYML_FEAT_SPECTRUM: bins [lo, hi) */
	uint16_t spectrum_hi;
	uint16_t fundamental_bin; /* TINYML_FEAT_HARMONICS */
	uint8_t n_harmonics;
	uint8_t n_peaks;
	uint8_t n_bands;
	uint8_t n_mels;
	uint32_t clip_len;                           /* LOGMEL: samples per clip */
	uint16_t band_lo[TINYML_PIPELINE_MAX_BANDS]; /* bins [lo, hi) */
	uint16_t band_hi[TINYML_PIPELINE_MAX_BANDS];
	uint16_t mel_edges[TINYML_PIPELINE_MAX_MELS + 2u];
};

/* Scratch bytes tinyml_pipeline_run() needs for FFT length n. */
#define TINYML_PIPELINE_SCRATCH_BYTES(n) (10u * (n) + 16u)

/**
 * @brief Parse and validate a configuration blob.
 *
 * @retval 0 on success.
 * @retval -EINVAL NULL, truncated or trailing bytes, bad magic, or a field out of range.
 * @retval -ENOTSUP another blob version, an unknown kind or window, or an FFT length the core
 *         does not implement.
 */
int tinyml_pipeline_parse(const uint8_t *blob, size_t len, struct tinyml_pipeline_config *cfg);

/**
 * @brief Write the canonical blob of a valid configuration.
 *
 * @return the blob length, or -EINVAL (NULL, invalid config), -ENOSPC (@p cap too small).
 */
int tinyml_pipeline_encode(const struct tinyml_pipeline_config *cfg, uint8_t *buf, size_t cap);

/**
 * @brief The pipeline ID: CRC-32 (IEEE) of the canonical blob.
 *
 * @retval 0 on success; -EINVAL on NULL or an invalid configuration.
 */
int tinyml_pipeline_id(const struct tinyml_pipeline_config *cfg, uint32_t *id);

/**
 * @brief Whether a model trained with pipeline @p model_pipeline_id may run on @p cfg.
 *
 * @retval 0 the IDs match.
 * @retval -EBADMSG the model was trained with other features: refuse it.
 * @retval -EINVAL NULL or an invalid configuration.
 */
int tinyml_pipeline_check_model(const struct tinyml_pipeline_config *cfg,
				uint32_t model_pipeline_id);

/**
 * @brief Check a configuration (the rules tinyml_pipeline_parse() applies).
 *
 * @retval 0 valid; -EINVAL or -ENOTSUP as for tinyml_pipeline_parse().
 */
int tinyml_pipeline_validate(const struct tinyml_pipeline_config *cfg);

/**
 * @brief Number of int32 features one run produces.
 *
 * @return the count, or -EINVAL on NULL or an invalid configuration.
 */
int tinyml_pipeline_feature_count(const struct tinyml_pipeline_config *cfg);

/**
 * @brief Input values one run takes: axes * window_len (SPECTRAL, axis-major as
 * tinyml_window_read() writes them) or clip_len (LOGMEL).
 *
 * @return the count, or -EINVAL.
 */
int tinyml_pipeline_input_len(const struct tinyml_pipeline_config *cfg);

/**
 * @brief Compute the features of one window (SPECTRAL) or one clip (LOGMEL).
 *
 * @param scratch  4-byte aligned, TINYML_PIPELINE_SCRATCH_BYTES(window_len) bytes.
 *
 * @return the number of features written to @p out, or -EINVAL (NULL, @p n_samples not
 *         tinyml_pipeline_input_len(), scratch too small or misaligned, @p out_cap too small),
 *         -ENOTSUP (unsupported configuration).
 */
int tinyml_pipeline_run(const struct tinyml_pipeline_config *cfg, const int16_t *samples,
			size_t n_samples, void *scratch, size_t scratch_len, int32_t *out,
			size_t out_cap);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PIPELINE_H_ */
