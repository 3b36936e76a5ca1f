/*
 * tinyml application: wires the parts together and nothing else. Order matters: storage
 * before the model, the model before the self-test, the self-test before the image is
 * confirmed, capture last.
 */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include <tinyml/zephyr/areas.h>
#include <tinyml/zephyr/settings_store.h>

#include "app.h"

LOG_MODULE_REGISTER(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

int main(void)
{
	int rc;

	rc = tinyml_zephyr_flash_init();
	if (rc != 0) {
		LOG_ERR("flash areas: %d", rc);
		return rc;
	}
	rc = tinyml_zephyr_settings_init();
	if (rc != 0) {
		LOG_ERR("settings: %d", rc);
		return rc;
	}
	rc = app_model_activate(-1);
	if (rc != 0) {
		/* Capture and logging go on without a model (the kill-switch behaviour). */
		LOG_WRN("no runnable model: %d", rc);
	}
	rc = app_health_confirm_image();
	if (rc != 0) {
		LOG_ERR("self-test gate: %d", rc);
		return rc;
	}
	rc = app_processing_start();
	if (rc != 0) {
		LOG_ERR("processing thread: %d", rc);
		return rc;
	}
	rc = app_capture_start();
	if (rc != 0) {
		LOG_ERR("capture: %d", rc);
		return rc;
	}
	LOG_INF("tinyml running");
	return 0;
}
