/*
 * Device settings: per-class thresholds, debounce time, trigger level, calibration baseline and
 * the model kill switch, in four layers:
 *
 *   1. compiled defaults (a table of {min, max, default} the application links in),
 *   2. the active model's defaults, for the per-class thresholds only (the package's THRESHOLDS
 *      TLV, tinyml_modelpkg_read_thresholds(); RAM only, set when a model becomes active),
 *   3. the persisted current value (a flash ring on the flash seam, power-cut safe),
 *   4. a temporary override with an expiry on 64-bit milliseconds (RAM only: a reset ends it).
 *
 * A read returns the first layer that holds a value, from the top: override, persisted, model
 * default, compiled default. Every write is range checked; a stored value or a model default
 * that is out of range falls back to the layer below and is reported.
 * Remote changes arrive as settings messages (tinyml/settings_msg.h) signed by the operator's
 * P-256 key with a nonce ahead of the last accepted one (tinyml_settings_msg_nonce_fresh()) and,
 * for broadcasts, an expiry; the nonce is persisted with the values in one record of a two-copy
 * state store (tinyml/statestore.h), so neither a replay, a power cut nor one bad flash sector
 * can get an old message in. The
 * kill switch (TINYML_SETTING_MODEL_ENABLED = 0) stops inference only: the application keeps
 * capturing and logging.
 */
#ifndef TINYML_SETTINGS_H_
#define TINYML_SETTINGS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/statestore.h>
#include <tinyml/platform/crypto.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Classes with their own threshold. */
#define TINYML_SETTINGS_MAX_CLASSES 8u

/** Magic of the settings ring ("TST1"). */
#define TINYML_SETTINGS_MAGIC 0x31545354u

enum tinyml_setting_id {
	TINYML_SETTING_THRESHOLD_0 = 0,           /**< per-class threshold, score in Q15 */
	TINYML_SETTING_DEBOUNCE_MS = 8,           /**< minimum time between two detections */
	TINYML_SETTING_TRIGGER_LEVEL = 9,         /**< input level that wakes the pipeline */
	TINYML_SETTING_CALIBRATION_BASELINE = 10, /**< sensor baseline subtracted by the pipeline */
	TINYML_SETTING_MODEL_ENABLED = 11,        /**< kill switch: 0 disables the model */
	TINYML_SETTING_COUNT = 12,
};

/** Range and default of one setting. */
struct tinyml_setting_spec {
	int32_t min;
	int32_t max;
	int32_t def;
};

/** The core's defaults (thresholds 0.5, debounce 500 ms, model on); apps may pass their own. */
extern const struct tinyml_setting_spec tinyml_settings_default_specs[TINYML_SETTING_COUNT];

/** State of the settings; fields are private to settings.c. */
struct tinyml_settings {
	const struct tinyml_setting_spec *specs;
	const uint8_t *operator_key; /* TINYML_P256_PUBKEY_BYTES */
	uint32_t device_id;
	struct tinyml_statestore store;
	uint64_t nonce;
	uint32_t persisted_mask;
	int32_t persisted[TINYML_SETTING_COUNT];
	uint32_t override_mask;
	int32_t override_value[TINYML_SETTING_COUNT];
	uint64_t override_until_ms[TINYML_SETTING_COUNT];
	uint32_t fallback_mask;
	uint32_t model_default_mask;
	uint32_t model_refused_mask;
	int32_t model_default[TINYML_SETTINGS_MAX_CLASSES];
};

/**
 * @brief Load the settings from @p fa (the newest intact record of either copy wins).
 *
 * @p fa needs at least 2 erase blocks (one per copy); 4 or more let each copy survive a
 * retired sector on its own.
 *
 * @param specs        Ranges and defaults (NULL: tinyml_settings_default_specs); every
 *                     default must be within its range.
 * @param operator_key Uncompressed P-256 public key remote messages must be signed with.
 * @param device_id    This device's ID (messages for another device are refused).
 * @retval 0 on success; out-of-range stored values fell back (tinyml_settings_fallbacks()).
 * @retval -EINVAL if a spec is inconsistent or an argument is NULL.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_settings_init(struct tinyml_settings *s, const struct tinyml_flash_area *fa,
			 const struct tinyml_setting_spec *specs, const uint8_t *operator_key,
			 uint32_t device_id);

/**
 * @brief Effective value of @p id at @p now_ms: override, else persisted, else the model's
 *        default (thresholds only), else the compiled default.
 */
int32_t tinyml_settings_get(const struct tinyml_settings *s, enum tinyml_setting_id id,
			    uint64_t now_ms);

/** @brief Whether inference may run (the kill switch is off). @p now_ms: 64-bit uptime. */
bool tinyml_settings_model_enabled(const struct tinyml_settings *s, uint64_t now_ms);

/**
 * @brief Persist a new current value.
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p id is unknown.
 * @retval -ERANGE if @p value is outside the setting's range (nothing changes).
 * @retval -EIO if it could not be stored (nothing changes).
 */
int tinyml_settings_set(struct tinyml_settings *s, enum tinyml_setting_id id, int32_t value);

/**
 * @brief Override a value in RAM for @p duration_ms from @p now_ms (64-bit uptime: it never
 *        wraps, so an override never comes back).
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p id is unknown or @p duration_ms is 0.
 * @retval -ERANGE if @p value is outside the setting's range.
 */
int tinyml_settings_override(struct tinyml_settings *s, enum tinyml_setting_id id, int32_t value,
			     uint32_t duration_ms, uint64_t now_ms);

/** @brief End an override of @p id (no-op if none). */
void tinyml_settings_clear_override(struct tinyml_settings *s, enum tinyml_setting_id id);

/**
 * @brief Verify and apply a signed remote message (tinyml/settings_msg.h), all or nothing.
 *
 * @param now_ms 64-bit uptime (overrides run from it).
 * @param utc_s  Trusted wall-clock time, UTC seconds since 1970, or 0 if the device does not
 *               know it (then only messages without an expiry, device-specific ones, apply).
 * @retval 0 if applied (values and nonce persisted first).
 * @retval -EBADMSG if malformed, for another device, or a broadcast without an expiry.
 * @retval -EPERM if the signature does not verify with the operator key.
 * @retval -ETIME if the message has expired, or has an expiry and @p utc_s is 0.
 * @retval -EALREADY if the nonce is not 1..2^32 ahead of the last accepted one (replay,
 *         reorder, or too far ahead).
 * @retval -ERANGE if a value is out of range.
 * @retval -EIO if the flash or the crypto backend failed.
 */
int tinyml_settings_apply_message(struct tinyml_settings *s, const uint8_t *msg, size_t len,
				  uint64_t now_ms, uint64_t utc_s);

/** Entry of tinyml_settings_set_model_defaults() for a class the model has no default for. */
#define TINYML_SETTINGS_NO_MODEL_DEFAULT (-1)

/**
 * @brief Replace the model-default layer of the per-class thresholds (RAM only).
 *
 * Entry i is the default of TINYML_SETTING_THRESHOLD_0 + i; a negative entry
 * (TINYML_SETTINGS_NO_MODEL_DEFAULT, as tinyml_modelpkg_read_thresholds() fills it) means
 * none. Entries from TINYML_SETTINGS_MAX_CLASSES on are ignored: no setting holds them. An
 * entry outside its setting's range is refused: that class keeps the compiled default and its
 * bit is set in tinyml_settings_model_refusals(); the other entries still apply.
 *
 * @retval 0 if every entry applied.
 * @retval -ERANGE if one or more entries were refused (the rest applied).
 * @retval -EINVAL if @p s or @p q15 is NULL (nothing changes).
 */
int tinyml_settings_set_model_defaults(struct tinyml_settings *s, const int16_t *q15, size_t n);

/** @brief Drop the model-default layer (no model is active). */
void tinyml_settings_clear_model_defaults(struct tinyml_settings *s);

/** @brief Bit i set: the active model's default for class i was out of range and refused. */
uint32_t tinyml_settings_model_refusals(const struct tinyml_settings *s);

/** @brief Bit i set: setting i's stored value was out of range and fell back to the default. */
uint32_t tinyml_settings_fallbacks(const struct tinyml_settings *s);

/** @brief Records found torn or corrupt at load in either copy (an intact one was used). */
uint32_t tinyml_settings_corrupt_records(const struct tinyml_settings *s);

/** @brief Nonce of the last accepted remote message (0: none). */
uint64_t tinyml_settings_nonce(const struct tinyml_settings *s);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_SETTINGS_H_ */
