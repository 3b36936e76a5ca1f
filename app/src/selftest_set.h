/*
 * The canned self-test set embedded in the image (format of app/selftest/README.md):
 * a 16-byte header ("TMST", version 1, axes, window_len, n_windows, sample rate), then
 * n_windows records of {u8 expected class, 3 reserved bytes, axes x window_len int16 LE
 * samples, axis-major}. Data only: nothing here calls into the rest of the application.
 */
#ifndef TINYML_APP_SELFTEST_SET_H_
#define TINYML_APP_SELFTEST_SET_H_

#include <stddef.h>
#include <stdint.h>

struct selftest_view {
	const uint8_t *base;
	uint16_t axes;
	uint16_t window_len;
	uint16_t n_windows;
	uint32_t sample_rate_hz;
	size_t record_size;
};

/**
 * @brief Parse a set of @p len bytes at @p blob (kept, not copied).
 * @retval 0 on success.
 * @retval -ENODATA if @p blob is NULL or not a self-test set of a known version.
 * @retval -EINVAL if the set is malformed or truncated.
 */
int selftest_set_parse(struct selftest_view *st, const uint8_t *blob, size_t len);

/**
 * @brief Open the embedded set.
 * @retval 0 on success.
 * @retval -ENODATA if the image holds no set (CONFIG_TINYML_APP_SELFTEST_FILE empty).
 * @retval -EINVAL if the set is malformed.
 */
int selftest_set_open(struct selftest_view *st);

/** Expected class of window @p w (w < n_windows). */
uint8_t selftest_set_expected(const struct selftest_view *st, uint32_t w);

/** Samples of window @p w: axes x window_len int16 LE, axis-major. */
const uint8_t *selftest_set_window(const struct selftest_view *st, uint32_t w);

#endif /* TINYML_APP_SELFTEST_SET_H_ */
