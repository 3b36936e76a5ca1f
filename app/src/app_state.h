/*
 * The application's view of the field-safe state (state.c): settings, event log, model slots.
 */
#ifndef TINYML_APP_STATE_H_
#define TINYML_APP_STATE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/eventlog.h>
#include <tinyml/modelpkg.h>
#include <tinyml/modelslot.h>
#include <tinyml/version.h>

#include "app.h"

/**
 * Open every area, start the crypto backend, load settings, event log and model slots; the
 * active model is verified and handed to @p port's load callback.
 */
int app_state_init(uint32_t pipeline_id, const struct tinyml_modelslot_port *port);

/** A readable view of the package in @p slot's flatbuffer (in place or a RAM copy). */
int app_state_model_view(uint8_t slot, const struct tinyml_modelpkg_info *info,
			 const uint8_t **tflite);

/** The thresholds of the package in @p slot become the settings' model-default layer. */
void app_state_apply_model_thresholds(uint8_t slot, const struct tinyml_modelpkg_info *info);
void app_state_clear_model_thresholds(void);

/**
 * @brief Verify the package in @p slot against this firmware (signature, identity, output
 *        kind), logging why it is refused; nothing changes. The trial checks it again.
 * @retval 0 or the negative errno of tinyml_modelpkg_verify_area().
 */
int app_state_model_check(uint8_t slot);

/** Try @p slot with @p selftest (tinyml_modelslot_try_slot()); caller holds the model. */
int app_state_model_try(uint8_t slot, const struct tinyml_modelslot_selftest *selftest);

/** The running model passed its boot self-test: clear the slots' boot counter. */
int app_state_model_boot_ok(void);

/** The device ID settings messages are addressed to (0 until provisioned). */
uint32_t app_state_device_id(void);

/**
 * @brief Store the device ID once (factory provisioning); it is used from the next boot.
 * @retval -EALREADY if an ID is stored already. @retval -EINVAL for 0 (the broadcast address).
 */
int app_state_provision_device_id(uint32_t id);

/** Verify and apply a signed remote settings message (tinyml_settings_apply_message()). */
int app_state_apply_message(const uint8_t *msg, size_t len);

/**
 * @brief Erase, or write @p len bytes at @p offset of, model slot @p slot (an upload).
 *
 * A write shorter than the flash's write block is padded with the erased value.
 * @retval 0 on success.
 * @retval -EBUSY if @p slot holds the running model (the interpreter reads it in place).
 * @retval -EINVAL if the range is outside the slot or not aligned to the write block.
 * @retval -EIO if the flash failed.
 */
int app_state_model_erase(uint8_t slot);
int app_state_model_write(uint8_t slot, uint32_t offset, const uint8_t *data, size_t len);

/** Whether either model slot holds a package (image magic), runnable or not. */
bool app_state_a_slot_holds_a_package(void);

/** The boot counter (this boot included). */
uint32_t app_state_boots(void);

int app_state_active_slot(void);

/** Whether the running model is the one the slot state confirmed (not on trial). */
bool app_state_model_confirmed(void);
const struct tinyml_modelpkg_info *app_state_model_info(void);
bool app_state_model_enabled(void);
int16_t app_state_threshold_q15(unsigned int class_id);

/** Longest label of a package, with its NUL. */
#define TINYML_APP_LABEL_MAX 64

/**
 * @brief The label of class @p class_id of the running model's package (its LABELS TLV), so
 *        an event names its class ("anomaly" for an anomaly score).
 * @retval 0 on success. @retval -ENODEV if no model runs. @retval -ENOENT if the package has
 *         no such label. @retval -EIO if the slot could not be read.
 */
int app_state_model_label(unsigned int class_id, char *out, size_t cap);

/** `tinyml config get/set`: by setting ID (tinyml/settings.h), range-checked by the core. */
int app_state_config_get(unsigned int id, int32_t *value);
int app_state_config_set(unsigned int id, int32_t value);

/** Queue an event in the flash log at uptime @p uptime_ms; poll flushes it when due. */
int app_state_log_event(const struct app_event_summary *summary, uint32_t uptime_ms);
int app_state_poll(uint32_t now_ms);
int app_state_log_walk(tinyml_eventlog_visit_t visit, void *ctx);

#endif /* TINYML_APP_STATE_H_ */
