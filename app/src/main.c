/*
 * tinyml application: wires the parts together and nothing else. Dependencies run one way:
 * processing (signal chain, interpreter) and state (flash: settings, event log, model slots)
 * know nothing of each other; health (self-test, image confirmation, model swaps) uses both;
 * main hands each the callbacks it needs. Order matters: storage and the model first, then the
 * self-test that gates the new image, then processing and capture.
 */
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include <app_version.h>
#include <tinyml/ops_manifest.h>

#include "app.h"
#include "app_field.h"
#include "app_state.h"

LOG_MODULE_REGISTER(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

/* The model slots' load callback: the verified package's flatbuffer into the interpreter, its
 * thresholds into the settings.
 */
static int load_model(void *ctx, uint8_t slot, const struct tinyml_modelpkg_info *info)
{
	const uint8_t *tflite = NULL;
	int rc;

	ARG_UNUSED(ctx);
	rc = app_state_model_view(slot, info, &tflite);
	if (rc == 0) {
		rc = app_processing_load_model(slot, tflite, info);
	}
	if (rc == 0) {
		app_state_apply_model_thresholds(slot, info);
	} else {
		app_state_clear_model_thresholds();
	}
	return rc;
}

static const struct tinyml_modelslot_port slot_port = {
	.load = load_model,
	.classify = app_health_classify,
};

/* The versions every event summary and recording carries: this firmware, the running model. */
static void refresh_versions(void)
{
	const struct tinyml_modelpkg_info *info = app_state_model_info();
	const struct app_uplink_versions v = {
		.fw_version = APP_VERSION_NUMBER, /* major << 16 | minor << 8 | patch */
		.model_version = info != NULL ? app_version_packed(info->version) : 0U,
		.pipeline_id = app_pipeline_id(),
		.runtime_id = tinyml_runtime_id,
		.boots = app_state_boots(),
	};

	app_uplink_set_versions(&v);
}

static void on_event(const struct app_event_summary *summary)
{
	refresh_versions();
	char label[TINYML_APP_LABEL_MAX];

	if (app_state_model_label(summary->class_id, label, sizeof(label)) != 0) {
		label[0] = '\0';
	}
	/* `make zephyr` compares these lines with `west replay` (zephyr_run/events.py) */
	LOG_INF("event: t_ms=%u class=%u score_q15=%d label=%s%s", summary->t_ms, summary->class_id,
		summary->score_q15, label,
		summary->output_kind == TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE ? " (anomaly score)"
									     : "");
	if (app_state_log_event(summary, k_uptime_get_32()) != 0) {
		LOG_WRN("event not logged");
	}
	app_uplink_post(summary);
}

/* Called from the processing thread, which feeds the task watchdog: a model that has run
 * this long since boot without a crash or a watchdog reset is reported healthy, and the model
 * slots' boot counter restarts. A model that keeps crashing never gets here, and after
 * TINYML_MODELSLOT_MAX_BOOTS boots the slots roll it back.
 */
static void poll_state(uint32_t now_ms)
{
	static bool reported_healthy;

	(void)app_state_poll(now_ms);
	refresh_versions(); /* a model swap changes what the next summary carries */
	if (!reported_healthy && now_ms >= CONFIG_TINYML_APP_HEALTHY_AFTER_MS &&
	    app_state_active_slot() >= 0) {
		int rc = app_state_model_boot_ok();

		reported_healthy = true;
		if (rc == 0) {
			LOG_INF("model healthy after %u ms: boot counter cleared", now_ms);
		} else {
			LOG_WRN("boot counter not cleared: %d", rc);
		}
	}
}

static const struct app_processing_hooks processing_hooks = {
	.model_enabled = app_state_model_enabled,
	.threshold_q15 = app_state_threshold_q15,
	.on_event = on_event,
	.poll = poll_state,
};

/* main's stack serves only this init path and is idle afterwards: its high-water mark is the
 * figure that sizes CONFIG_MAIN_STACK_SIZE (make zephyr reads this line).
 */
static void log_main_stack(void)
{
#if defined(CONFIG_INIT_STACKS) && defined(CONFIG_THREAD_STACK_INFO)
	size_t unused;
	size_t size = k_current_get()->stack_info.size;

	if (k_thread_stack_space_get(k_current_get(), &unused) == 0) {
		LOG_INF("main stack %zu of %zu B used", size - unused, size);
	}
#endif
}

int main(void)
{
	int rc;

	rc = app_pipeline_init();
	if (rc != 0) {
		LOG_ERR("feature pipeline: %d", rc);
		return rc;
	}
	/* Settings, event log and model slots; the active model is verified and loaded here. */
	rc = app_state_init(app_pipeline_id(), &slot_port);
	if (rc != 0) {
		LOG_ERR("field-safe state: %d", rc);
		return rc;
	}
	app_uplink_init(app_state_boots());
	refresh_versions();
	rc = app_report_button_start();
	if (rc != 0) {
		LOG_WRN("report button: %d", rc);
	}
	rc = app_health_confirm_image();
	if (rc != 0) {
		LOG_ERR("self-test gate: %d", rc);
		return rc;
	}
	rc = app_processing_start(&processing_hooks);
	if (rc != 0) {
		LOG_ERR("processing thread: %d", rc);
		return rc;
	}
	rc = app_capture_start();
	if (rc != 0) {
		LOG_ERR("capture: %d", rc);
		return rc;
	}
	log_main_stack();
	LOG_INF("tinyml running");
	return 0;
}
