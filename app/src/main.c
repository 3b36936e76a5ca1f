/*
 * tinyml application: wires the parts together and nothing else. Order matters: storage
 * and the model first, then the self-test that gates the new image, then processing and
 * capture.
 */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include "app.h"
#include "app_state.h"

LOG_MODULE_REGISTER(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

int main(void)
{
	int rc;

	rc = app_pipeline_init();
	if (rc != 0) {
		LOG_ERR("feature pipeline: %d", rc);
		return rc;
	}
	/* Settings, event log and model slots; the active model is verified and loaded here. */
	rc = app_state_init(app_pipeline_id());
	if (rc != 0) {
		LOG_ERR("field-safe state: %d", rc);
		return rc;
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
