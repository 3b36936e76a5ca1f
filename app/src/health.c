/*
 * Health check of the firmware and its model: the canned self-test set runs through the same
 * features and model as live data. On the first boot of a new MCUboot image (a test swap),
 * the image is confirmed only when the self-test passes; otherwise the device reboots and
 * MCUboot reverts to the previous image.
 */
#include <errno.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/reboot.h>

#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
#include <zephyr/dfu/mcuboot.h>
#endif

#include "app.h"
#include "selftest_format.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

#if defined(TINYML_APP_HAS_SELFTEST)
static const uint8_t selftest_data[] __aligned(4) = {
#include "tinyml_selftest_data.inc"
};
#endif

const uint8_t *app_selftest_blob(size_t *len)
{
#if defined(TINYML_APP_HAS_SELFTEST)
	*len = sizeof(selftest_data);
	return selftest_data;
#else
	*len = 0;
	return NULL;
#endif
}

static int16_t window[CONFIG_TINYML_WINDOW_SAMPLES * CONFIG_TINYML_RING_AXES];

int app_health_run(uint32_t *right, uint32_t *total)
{
	struct selftest_view st;
	int rc = selftest_open(&st);

	if (rc != 0) {
		return rc;
	}
	if (st.axes != CONFIG_TINYML_RING_AXES || st.window_len != CONFIG_TINYML_WINDOW_SAMPLES) {
		return -EINVAL;
	}
	*right = 0;
	*total = st.n_windows;
	for (uint32_t w = 0; w < st.n_windows; w++) {
		const uint8_t *samples = selftest_window_samples(&st, w);
		int top = -1;

		for (size_t i = 0; i < ARRAY_SIZE(window); i++) {
			window[i] = (int16_t)sys_get_le16(samples + 2U * i);
		}
		rc = app_classify_window(window, 0, &top, NULL);
		if (rc != 0) {
			return rc;
		}
		if (top == (int)selftest_expected(&st, w)) {
			(*right)++;
		}
	}
	return 0;
}

int app_health_confirm_image(void)
{
#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
	uint32_t right = 0;
	uint32_t total = 0;
	int rc;

	if (boot_is_img_confirmed()) {
		return 0;
	}
	rc = app_health_run(&right, &total);
	if (rc == -ENODATA) {
		LOG_WRN("no self-test set in this image: not confirming it (use mcumgr)");
		return 0;
	}
	if (rc == 0 && right * 100U >= total * CONFIG_TINYML_APP_SELFTEST_MIN_PERCENT) {
		LOG_INF("self-test %u/%u: confirming the image", right, total);
		return boot_write_img_confirmed();
	}
	LOG_ERR("self-test failed (%d, %u/%u): rebooting, MCUboot reverts", rc, right, total);
	k_sleep(K_MSEC(100)); /* let the log drain */
	sys_reboot(SYS_REBOOT_COLD);
	return -EIO; /* not reached */
#else
	return 0;
#endif
}
