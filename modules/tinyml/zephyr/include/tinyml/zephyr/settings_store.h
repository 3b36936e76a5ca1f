/*
 * Zephyr port: persistence of the core's settings records through the settings subsystem
 * (NVS or ZMS backend, chosen in Kconfig), under the "tinyml/" subtree. The core owns the
 * rules (ranges, defaults, signed overrides); this only stores and fetches its bytes.
 */
#ifndef TINYML_ZEPHYR_SETTINGS_STORE_H_
#define TINYML_ZEPHYR_SETTINGS_STORE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest key below "tinyml/". */
#define TINYML_ZEPHYR_SETTINGS_KEY_MAX 24

/**
 * @brief Initialise the settings subsystem and its backend.
 *
 * @retval 0 on success.
 * @retval -EIO if the backend could not be initialised.
 */
int tinyml_zephyr_settings_init(void);

/**
 * @brief Store @p len bytes under "tinyml/<key>".
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p key is empty or longer than TINYML_ZEPHYR_SETTINGS_KEY_MAX, or
 *         @p value is NULL with a non-zero @p len.
 * @retval -EIO if the backend refused the write.
 */
int tinyml_zephyr_settings_save(const char *key, const void *value, size_t len);

/**
 * @brief Fetch the value stored under "tinyml/<key>" into @p value.
 *
 * @return Number of bytes read (0..@p len) on success.
 * @retval -EINVAL on a bad key or NULL buffer.
 * @retval -ENOENT if nothing is stored under the key.
 * @retval -EMSGSIZE if the stored value is longer than @p len (nothing copied).
 * @retval -EIO if the backend could not be read.
 */
int tinyml_zephyr_settings_load(const char *key, void *value, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_ZEPHYR_SETTINGS_STORE_H_ */
