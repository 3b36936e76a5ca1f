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

#include <tinyml/modelpkg.h>
#include <tinyml/platform/flash.h>
#include <tinyml/zephyr/areas.h>

#include "app.h"
#include "app_state.h"
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

static uint16_t expected[CONFIG_TINYML_APP_SELFTEST_MAX_WINDOWS];

static int open_matching(struct selftest_view *st)
{
	int rc = selftest_open(st);

	if (rc != 0) {
		return rc;
	}
	if (st->axes != CONFIG_TINYML_RING_AXES || st->window_len < app_pipeline_window_len() ||
	    st->n_windows > ARRAY_SIZE(expected)) {
		return -EINVAL;
	}
	return 0;
}

int app_health_classify(void *ctx, uint32_t sample, uint16_t *class_out)
{
	struct selftest_view st;
	const uint8_t *samples;
	int top = -1;
	int rc;

	ARG_UNUSED(ctx);
	rc = open_matching(&st);
	if (rc != 0) {
		return rc;
	}
	if (sample >= st.n_windows) {
		return -EINVAL;
	}
	samples = selftest_window_samples(&st, sample);
	rc = app_classify_segment(samples, st.window_len, &top);
	if (rc == 0) {
		*class_out = (uint16_t)top;
	}
	return rc;
}

int app_health_selftest(struct tinyml_modelslot_selftest *out)
{
	struct selftest_view st;
	int rc = open_matching(&st);

	if (rc != 0) {
		return rc;
	}
	for (uint32_t w = 0; w < st.n_windows; w++) {
		expected[w] = selftest_expected(&st, w);
	}
	out->expected_class = expected;
	out->n_samples = st.n_windows;
	out->time_limit_ms = CONFIG_TINYML_APP_SELFTEST_TIME_LIMIT_MS;
	return 0;
}

int app_health_run(uint32_t *right, uint32_t *total)
{
	struct selftest_view st;
	int rc = open_matching(&st);

	if (rc != 0) {
		return rc;
	}
	*right = 0;
	*total = st.n_windows;
	for (uint32_t w = 0; w < st.n_windows; w++) {
		uint16_t got = 0;

		rc = app_health_classify(NULL, w, &got);
		if (rc != 0) {
			return rc;
		}
		if (got == selftest_expected(&st, w)) {
			(*right)++;
		}
	}
	return 0;
}

#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
/* Whether a model slot holds a package (MCUboot image magic), runnable or not. */
static bool a_slot_holds_a_package(void)
{
	static const enum tinyml_zephyr_area_id slots[] = {TINYML_ZEPHYR_AREA_MODEL_A,
							   TINYML_ZEPHYR_AREA_MODEL_B};

	for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
		uint8_t magic[4];

		if (tinyml_platform_flash_read(tinyml_zephyr_area(slots[i]), 0, magic,
					       sizeof(magic)) == 0 &&
		    sys_get_le32(magic) == TINYML_MODELPKG_IMAGE_MAGIC) {
			return true;
		}
	}
	return false;
}
#endif

int app_health_confirm_image(void)
{
#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
	uint32_t right = 0;
	uint32_t total = 0;
	int rc;

	if (boot_is_img_confirmed()) {
		return 0;
	}
	if (app_state_active_slot() < 0) {
		if (a_slot_holds_a_package()) {
			/* The new firmware refuses every model the device has: revert it. */
			LOG_ERR("no stored model runs on this image: rebooting, MCUboot reverts");
			k_sleep(K_MSEC(100));
			sys_reboot(SYS_REBOOT_COLD);
			return -EIO; /* not reached */
		}
		LOG_WRN("no model stored yet: nothing to self-test, not confirming (use mcumgr)");
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
