/*
 * Model package verification: the MCUboot image made by `west model-pack`
 * (docs/model-package-format.md), read from a flash area or a buffer.
 *
 * The parser checks, in this order: the image header; the protected (0x6908) and unprotected
 * (0x6907) TLV areas, every TLV inside its area and the slot; SHA-256 of header, payload and
 * protected area; the key hash and the ECDSA P-256 signature against the firmware's key; the
 * model metadata TLVs; and the firmware's identity (runtime ID, operator manifest digest,
 * feature pipeline, static arena) and the downgrade rule. Nothing is trusted before the
 * signature: every length is bounded against the slot first.
 */
#ifndef TINYML_MODELPKG_H_
#define TINYML_MODELPKG_H_

#include <stddef.h>
#include <stdint.h>

#include <tinyml/platform/flash.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_MODELPKG_IMAGE_MAGIC     0x96f3b83du
#define TINYML_MODELPKG_TLV_INFO_MAGIC  0x6907u
#define TINYML_MODELPKG_TLV_PROT_MAGIC  0x6908u
#define TINYML_MODELPKG_FORMAT_VERSION  1u
/** Most labels a package may have. */
#define TINYML_MODELPKG_MAX_LABELS      64u
/** DER SubjectPublicKeyInfo of a P-256 key, as imgtool hashes it for the KEYHASH TLV. */
#define TINYML_MODELPKG_SPKI_P256_BYTES 91u

/* TLV types (MCUboot's, then the tinyml vendor TLVs of the protected area). */
#define TINYML_MODELPKG_TLV_KEYHASH         0x01u
#define TINYML_MODELPKG_TLV_SHA256          0x10u
#define TINYML_MODELPKG_TLV_ECDSASIG        0x22u
#define TINYML_MODELPKG_TLV_MODEL_META      0xA0u
#define TINYML_MODELPKG_TLV_MANIFEST_DIGEST 0xA1u
#define TINYML_MODELPKG_TLV_TENSORS         0xA2u
#define TINYML_MODELPKG_TLV_LABELS          0xA3u
#define TINYML_MODELPKG_TLV_THRESHOLDS      0xA4u
#define TINYML_MODELPKG_TLV_OUTPUT_KIND     0xA5u

/* What the first output holds (OUTPUT_KIND TLV; a package without one holds class scores). */
#define TINYML_MODELPKG_OUTPUT_CLASSES        0u
#define TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE  1u
#define TINYML_MODELPKG_OUTPUT_REGRESSION     2u
/** Bit of @p kind in tinyml_modelpkg_expect.output_kinds. */
#define TINYML_MODELPKG_OUTPUT_KIND_BIT(kind) (1u << (kind))

/** Model version packed for comparison: major << 24 | minor << 16 | patch. */
#define TINYML_MODELPKG_VERSION(major, minor, patch)                                               \
	(((uint32_t)(major) << 24) | ((uint32_t)(minor) << 16) | (uint32_t)(patch))

/** What the running firmware requires of a model. */
struct tinyml_modelpkg_expect {
	const uint8_t *signing_key_spki; /**< TINYML_MODELPKG_SPKI_P256_BYTES, trusted key */
	const uint8_t *manifest_digest;  /**< 32 bytes: tinyml_ops_manifest_digest */
	uint32_t runtime_id;             /**< tinyml_runtime_id */
	uint32_t feature_pipeline_id;    /**< ID of the firmware's feature pipeline */
	uint32_t arena_bytes;            /**< size of the static tensor arena */
	uint32_t min_version;            /**< packed version; lower ones are downgrades */
	/** TINYML_MODELPKG_OUTPUT_KIND_BIT() of each output kind besides class scores that this
	 *  firmware runs (0: class scores only); a package of another kind is refused. */
	uint32_t output_kinds;
};

/** What a verified package holds; offsets are from the start of the package. */
struct tinyml_modelpkg_info {
	uint32_t version; /**< packed, TINYML_MODELPKG_VERSION */
	uint32_t tflite_offset;
	uint32_t tflite_size;
	uint32_t total_size; /**< bytes up to the end of the unprotected TLV area */
	uint32_t runtime_id;
	uint32_t feature_pipeline_id;
	uint32_t arena_total;
	uint16_t flags;
	uint16_t n_inputs;
	uint16_t n_outputs;
	uint16_t n_labels;
	uint16_t n_thresholds;
	uint32_t tensors_offset;
	uint32_t labels_offset;
	uint32_t labels_len;
	uint32_t thresholds_offset;
	uint8_t sha256[32];
	/** TINYML_MODELPKG_OUTPUT_* (OUTPUT_KIND TLV; CLASSES without one). */
	uint8_t output_kind;
	/** Anomaly score: output scale / input scale in Q16, 1..2^20 (tinyml/anomaly.h); else 0. */
	uint32_t output_ratio_q16;
	/** Anomaly score: the error_q8 that scores 1.0, >= 1; else 0. */
	uint32_t full_scale_q8;
	/** Anomaly score: values of the first input, = values of the first output; else 0. */
	uint32_t anomaly_values;
};

/**
 * @brief Fill @p e with this firmware's identity: tinyml_ops_manifest_digest and
 *        tinyml_runtime_id (generated from ops_manifest.yaml), the given key, pipeline and arena;
 *        min_version 0; the output kinds the core scores (class scores and anomaly scores).
 */
void tinyml_modelpkg_expect_firmware(struct tinyml_modelpkg_expect *e, const uint8_t *spki,
				     uint32_t feature_pipeline_id, uint32_t arena_bytes);

/**
 * @brief Verify the package at the start of flash area @p fa (a model slot).
 *
 * @retval 0 if the package is valid for this firmware; @p info is filled.
 * @retval -EINVAL if it is malformed (a size, magic, TLV or field is wrong).
 * @retval -EBADMSG if the SHA-256 does not match.
 * @retval -EPERM if the key hash or the signature does not match the trusted key.
 * @retval -ENOTSUP if the format version, runtime ID, operator manifest or pipeline differs, or
 *         the output kind is unknown or not in @p expect->output_kinds (regression values).
 * @retval -ENOMEM if the model needs a larger arena than the firmware's.
 * @retval -ESTALE if the model version is below @p expect->min_version.
 * @retval -EIO if the flash or the crypto backend failed.
 *
 * OUTPUT_KIND (optional, at most once; docs/model-package-format.md) must be 12 bytes with
 * zero reserved fields (else -EINVAL). Class scores and regression values carry a zero ratio
 * and full scale. An anomaly score needs the labels [normal, anomaly] (2 labels), an int8
 * first input and first output with the same number of values, and a ratio, full scale, zero
 * points and length that tinyml_anomaly_check() accepts (else -EINVAL).
 */
int tinyml_modelpkg_verify_area(const struct tinyml_flash_area *fa,
				const struct tinyml_modelpkg_expect *expect,
				struct tinyml_modelpkg_info *info);

/**
 * @brief Verify a package held in memory; same checks and results as the area variant.
 *
 * @param len Bytes available at @p pkg (the slot size; trailing bytes are ignored).
 */
int tinyml_modelpkg_verify_buffer(const uint8_t *pkg, size_t len,
				  const struct tinyml_modelpkg_expect *expect,
				  struct tinyml_modelpkg_info *info);

/**
 * @brief Parse the layout and metadata of a package WITHOUT checking hash or signature.
 *
 * For tools and diagnostics only: nothing it returns may be trusted or run.
 *
 * @retval 0 if the layout and metadata are well formed; @p info is filled.
 * @retval -EINVAL if malformed.
 * @retval -ENOTSUP if the format version or the output kind is unknown (a known kind the
 *         firmware does not run, regression values, is reported in @p info).
 */
int tinyml_modelpkg_inspect_buffer(const uint8_t *pkg, size_t len,
				   struct tinyml_modelpkg_info *info);

/** Entry of tinyml_modelpkg_read_thresholds() for a label the package has no threshold for. */
#define TINYML_MODELPKG_NO_THRESHOLD (-1)

/**
 * @brief Read the default thresholds of the verified package in flash area @p fa, in Q15.
 *
 * Each f32 threshold t (0 <= t <= 1) becomes round(t * 32768), ties to even, saturated to
 * 32767 (1.0 -> 32767): exactly the replay tool's q15() (tinyml_tools/replay/device.py).
 * The conversion is integer only (IEEE-754 bits decoded, no float arithmetic). Every record
 * is checked again, as the slot is read in place.
 *
 * @param info Of the package in @p fa, as tinyml_modelpkg_verify_area() filled it.
 * @param q15  Per label index; labels without a record get TINYML_MODELPKG_NO_THRESHOLD.
 * @param n    Entries at @p q15; at least info->n_labels.
 * @retval Number of records (0..n_labels) on success.
 * @retval -EINVAL if an argument is NULL or a record has a label index >= n_labels, a
 *         non-zero reserved field, a value that is negative, above 1 or not finite, or a label
 *         that already had a record (@p q15 is then all TINYML_MODELPKG_NO_THRESHOLD).
 * @retval -ENOBUFS if @p n < info->n_labels.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_modelpkg_read_thresholds(const struct tinyml_flash_area *fa,
				    const struct tinyml_modelpkg_info *info, int16_t *q15,
				    size_t n);

/** @brief As tinyml_modelpkg_read_thresholds(), from a package of @p len bytes in memory. */
int tinyml_modelpkg_read_thresholds_buffer(const uint8_t *pkg, size_t len,
					   const struct tinyml_modelpkg_info *info, int16_t *q15,
					   size_t n);

/**
 * @brief Check the model of a verified package against what the runtime reads, before it is
 *        handed over: the TFLite flatbuffer on its exact signed length (tinyml/tflite_check.h),
 *        the signed TENSORS descriptors against the model's subgraph-0 inputs and outputs
 *        (count, direction, index, type, rank, dims, first scale's bits, first zero point), and
 *        the signed arena figure against the largest tensor the arena must hold.
 *
 * The firmware still compares the arena TFLM actually allocates with info->arena_total after
 * AllocateTensors() (only the runtime knows it).
 *
 * @param info Of the package in @p fa, as tinyml_modelpkg_verify_area() filled it.
 * @retval 0 if the model matches.
 * @retval -EINVAL if the flatbuffer is malformed or a descriptor differs from the model.
 * @retval -ENOTSUP if the model uses what the runtime does not run (tinyml_tflite_check_area()).
 * @retval -ENOMEM if the arena figure is below a tensor the arena must hold.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_modelpkg_check_model(const struct tinyml_flash_area *fa,
				const struct tinyml_modelpkg_info *info);

/** @brief As tinyml_modelpkg_check_model(), on a package of @p len bytes in memory. */
int tinyml_modelpkg_check_model_buffer(const uint8_t *pkg, size_t len,
				       const struct tinyml_modelpkg_info *info);

/**
 * @brief Convert a DER ECDSA-Sig-Value to raw r || s (strict DER, minimal integers).
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p der is not exactly one well-formed signature of two 256-bit integers.
 */
int tinyml_modelpkg_der_to_raw_sig(const uint8_t *der, size_t len, uint8_t raw[64]);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_MODELPKG_H_ */
