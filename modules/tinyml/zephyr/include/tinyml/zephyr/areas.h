/*
 * Zephyr port: the flash areas the port hands to the core (devicetree partitions
 * model_slot_a, model_slot_b, model_state_partition, tinyml_settings_partition and
 * event_log_partition), and the model slot mapping.
 */
#ifndef TINYML_ZEPHYR_AREAS_H_
#define TINYML_ZEPHYR_AREAS_H_

#include <stddef.h>
#include <stdint.h>

#include <tinyml/platform/flash.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The partitions the port knows by devicetree node label. */
enum tinyml_zephyr_area_id {
	TINYML_ZEPHYR_AREA_MODEL_A = 0, /**< model_slot_a */
	TINYML_ZEPHYR_AREA_MODEL_B,     /**< model_slot_b */
	TINYML_ZEPHYR_AREA_EVENT_LOG,   /**< event_log_partition */
	TINYML_ZEPHYR_AREA_MODEL_STATE, /**< model_state_partition: active slot, trial state */
	TINYML_ZEPHYR_AREA_SETTINGS,    /**< tinyml_settings_partition: the core's settings ring */
	TINYML_ZEPHYR_AREA_COUNT,
};

/**
 * @brief Open every area and read its geometry; call once before any other flash call.
 *
 * @retval 0 on success.
 * @retval -ENODEV if a partition's flash device is not ready.
 * @retval -ENOTSUP if an area's erased value is not 0xFF or its sectors are not uniform.
 * @retval -EIO if the flash map could not describe an area.
 */
int tinyml_zephyr_flash_init(void);

/**
 * @brief The core's handle of one area.
 *
 * @return The handle, or NULL if @p id is out of range or tinyml_zephyr_flash_init() failed.
 */
const struct tinyml_flash_area *tinyml_zephyr_area(enum tinyml_zephyr_area_id id);

/**
 * @brief Readable view of a model slot for the interpreter.
 *
 * With CONFIG_TINYML_MODEL_XIP the view is the slot itself, memory-mapped (internal flash, or
 * the flash simulator's RAM on emulated boards). Otherwise the first @p len bytes of the slot
 * are copied into a static buffer of CONFIG_TINYML_MODEL_RAM_SIZE bytes, which the view points
 * into (the previous view is overwritten).
 *
 * @param id   TINYML_ZEPHYR_AREA_MODEL_A or TINYML_ZEPHYR_AREA_MODEL_B.
 * @param len  Bytes the caller will read from the start of the slot.
 * @param view Set to the first byte of the slot.
 * @retval 0 on success.
 * @retval -EINVAL if @p id is not a model slot, @p view is NULL or @p len exceeds the slot.
 * @retval -ENOMEM if @p len exceeds CONFIG_TINYML_MODEL_RAM_SIZE (copy mode).
 * @retval -EIO if the slot could not be read (copy mode).
 */
int tinyml_zephyr_model_view(enum tinyml_zephyr_area_id id, size_t len, const uint8_t **view);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_ZEPHYR_AREAS_H_ */
