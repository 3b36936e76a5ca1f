/*
 * Health check of the firmware and its model: the canned self-test set runs through the same
 * features and model as live data. On the first boot of a new MCUboot image (a test swap),
 * the image is confirmed only when the self-test passes; otherwise the device reboots and
 * MCUboot reverts to the previous image.
 */
#include <errno.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/reboot.h>

#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
#include <zephyr/dfu/mcuboot.h>
#endif

#include <tinyml/modelslot.h>

#include "app.h"
#include "app_state.h"
#include "selftest_set.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

static uint16_t expected[CONFIG_TINYML_APP_SELFTEST_MAX_WINDOWS];

static int open_matching(struct selftest_view *st)
{
	int rc = selftest_set_open(st);

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
	samples = selftest_set_window(&st, sample);
	rc = app_classify_segment(samples, st.window_len, &top);
	if (rc == 0) {
		*class_out = (uint16_t)top;
	}
	return rc;
}

static int selftest_of_set(struct tinyml_modelslot_selftest *out)
{
	struct selftest_view st;
	int rc = open_matching(&st);

	if (rc != 0) {
		return rc;
	}
	for (uint32_t w = 0; w < st.n_windows; w++) {
		expected[w] = selftest_set_expected(&st, w);
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
		if (got == selftest_set_expected(&st, w)) {
			(*right)++;
		}
	}
	return 0;
}

int app_health_activate(int slot)
{
	struct tinyml_modelslot_selftest selftest;
	int rc;

	if (slot != 0 && slot != 1) {
		return -EINVAL;
	}
	if (slot == app_state_active_slot()) {
		return 0;
	}
	/* Why a package is refused (signature, identity, output kind) does not depend on the
	 * self-test set: say it first, also on a device without one. */
	rc = app_state_model_check((uint8_t)slot);
	if (rc != 0) {
		return rc;
	}
	/* The core tries the inactive slot: verify, switch, self-test, confirm or roll back. */
	rc = selftest_of_set(&selftest);
	if (rc != 0) {
		return rc;
	}
	app_inference_lock();
	rc = app_state_model_try((uint8_t)slot, &selftest);
	app_inference_unlock();
	return rc;
}

/* No model runs: a new image that refuses every stored model must not be confirmed. */
static int confirm_without_model(void)
{
#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
	if (!boot_is_img_confirmed() && app_state_a_slot_holds_a_package()) {
		LOG_ERR("no stored model runs on this image: rebooting, MCUboot reverts");
		k_sleep(K_MSEC(100));
		sys_reboot(SYS_REBOOT_COLD);
		return -EIO; /* not reached */
	}
#endif
	LOG_WRN("no model runs: nothing to self-test");
	return 0;
}

int app_health_confirm_image(void)
{
	uint32_t right = 0;
	uint32_t total = 0;
	bool passed;
	int rc;

	if (app_state_active_slot() < 0) {
		return confirm_without_model();
	}
	/* Every boot with a model: the canned set through the same features and model. */
	rc = app_health_run(&right, &total);
	if (rc == -ENODATA) {
		LOG_WRN("no self-test set in this image: not confirming it (use mcumgr)");
		return 0;
	}
	passed = rc == 0 && right * 100U >= total * CONFIG_TINYML_APP_SELFTEST_MIN_PERCENT;
	if (passed) {
		LOG_INF("self-test %u/%u passed", right, total);
	} else {
		LOG_ERR("self-test failed (%d, %u/%u)", rc, right, total);
	}
	if (passed && app_state_model_confirmed()) {
		LOG_INF("model confirmed: slot %c", app_state_active_slot() == 0 ? 'A' : 'B');
	}
#if defined(CONFIG_TINYML_APP_CONFIRM_ON_SELFTEST)
	if (boot_is_img_confirmed()) {
		return 0;
	}
	if (passed) {
		rc = boot_write_img_confirmed();
		if (rc == 0) {
			LOG_INF("image confirmed");
		}
		return rc;
	}
	LOG_ERR("new image failed its self-test: rebooting, MCUboot reverts");
	k_sleep(K_MSEC(100)); /* let the log drain */
	sys_reboot(SYS_REBOOT_COLD);
	return -EIO; /* not reached */
#else
	return 0;
#endif
}
