/*
 * The `tinyml` shell: status, self-test, model info/activate, config get/set, log dump.
 * Each command calls into the application or the core and prints; none decides anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zephyr/shell/shell.h>
#include <zephyr/sys/util.h>

#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>
#include <tinyml/zephyr/inference.h>

#include "app.h"
#include "app_field.h"
#include "app_state.h"

static int cmd_status(const struct shell *sh, size_t argc, char **argv)
{
	struct app_processing_stats s;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	app_processing_stats(&s);
	shell_print(sh, "model slot: %s (load status %d)",
		    s.active_slot == 0 ? "A" : (s.active_slot == 1 ? "B" : "none"), s.model_error);
	shell_print(sh, "windows %u, inferences %u, events %u", s.windows, s.inferences, s.events);
	shell_print(sh, "last Invoke(): %u cycles, arena used %u of %u B", s.last_invoke_cycles,
		    (unsigned int)tinyml_inference_arena_used(), CONFIG_TINYML_ARENA_SIZE);
	shell_print(sh, "ring overflows %u, uplink pending %u, dropped %u", s.ring_overflows,
		    app_uplink_pending(), app_uplink_dropped());
	return 0;
}

static int cmd_selftest(const struct shell *sh, size_t argc, char **argv)
{
	uint32_t right = 0;
	uint32_t total = 0;
	int rc;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	rc = app_health_run(&right, &total);
	if (rc != 0) {
		shell_error(sh, "self-test could not run: %d", rc);
		return rc;
	}
	shell_print(sh, "self-test: %u of %u windows right", right, total);
	return right == total ? 0 : -EIO;
}

static int cmd_model_info(const struct shell *sh, size_t argc, char **argv)
{
	const struct tinyml_modelpkg_info *info = app_state_model_info();
	int slot = app_state_active_slot();

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	if (slot < 0 || info == NULL) {
		shell_error(sh, "no model runs (%d)", slot);
		return -ENODEV;
	}
	shell_print(sh, "slot %c: version %u.%u.%u, %u B flatbuffer", slot == 0 ? 'A' : 'B',
		    info->version >> 24, (info->version >> 16) & 0xffU, info->version & 0xffffU,
		    info->tflite_size);
	shell_print(sh, "runtime 0x%08x, pipeline 0x%08x, arena %u B stated, %u B used",
		    info->runtime_id, info->feature_pipeline_id, info->arena_total,
		    (unsigned int)tinyml_inference_arena_used());
	if (info->output_kind == TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE) {
		shell_print(sh,
			    "output: anomaly score of %u values, ratio_q16 %u, full_scale_q8 %u",
			    info->anomaly_values, info->output_ratio_q16, info->full_scale_q8);
	} else {
		shell_print(sh, "output: %u class scores", info->n_labels);
	}
	return 0;
}

static int parse_slot(const struct shell *sh, const char *text)
{
	if (strcmp(text, "a") == 0 || strcmp(text, "A") == 0) {
		return 0;
	}
	if (strcmp(text, "b") == 0 || strcmp(text, "B") == 0) {
		return 1;
	}
	shell_error(sh, "slot must be a or b");
	return -EINVAL;
}

static int cmd_model_activate(const struct shell *sh, size_t argc, char **argv)
{
	int slot = parse_slot(sh, argv[1]);
	int rc;

	ARG_UNUSED(argc);
	if (slot < 0) {
		return slot;
	}
	rc = app_health_activate(slot);
	if (rc != 0) {
		shell_error(sh, "slot %s refused: %d", argv[1], rc);
		return rc;
	}
	shell_print(sh, "slot %s active", argv[1]);
	return 0;
}

static int cmd_model_erase(const struct shell *sh, size_t argc, char **argv)
{
	int slot = parse_slot(sh, argv[1]);
	int rc;

	ARG_UNUSED(argc);
	if (slot < 0) {
		return slot;
	}
	rc = app_state_model_erase((uint8_t)slot);
	if (rc == -EBUSY) {
		shell_error(sh, "slot %s runs the active model: refused", argv[1]);
	} else if (rc != 0) {
		shell_error(sh, "erase failed: %d", rc);
	} else {
		shell_print(sh, "slot %s erased", argv[1]);
	}
	return rc;
}

/* Hex text to bytes with Zephyr's hex2bin(): the number of bytes, 0 if it is not even-length
 * hex of 1..@p cap bytes.
 */
static size_t from_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t hex_len = strlen(hex);

	if (hex_len == 0U || (hex_len % 2U) != 0U || hex_len / 2U > cap) {
		return 0;
	}
	return hex2bin(hex, hex_len, out, cap);
}

static int cmd_model_write(const struct shell *sh, size_t argc, char **argv)
{
	uint8_t chunk[CONFIG_TINYML_APP_UPLOAD_CHUNK_MAX];
	int slot = parse_slot(sh, argv[1]);
	size_t len = from_hex(argv[3], chunk, sizeof(chunk));
	char *end = NULL;
	unsigned long offset = strtoul(argv[2], &end, 0);
	int rc;

	ARG_UNUSED(argc);
	if (slot < 0) {
		return slot;
	}
	if (end == argv[2] || *end != '\0' || len == 0U) {
		shell_error(sh, "usage: write <a|b> <offset> <hex, at most %u bytes>",
			    (unsigned int)sizeof(chunk));
		return -EINVAL;
	}
	rc = app_state_model_write((uint8_t)slot, (uint32_t)offset, chunk, len);
	if (rc == -EBUSY) {
		shell_error(sh, "slot %s runs the active model: refused", argv[1]);
	} else if (rc != 0) {
		shell_error(sh, "write failed: %d", rc);
	} else {
		shell_print(sh, "wrote %u B at %lu", (unsigned int)len, offset);
	}
	return rc;
}

#if defined(CONFIG_TINYML_TFLM_PROFILER)
static void print_line(void *ctx, const char *text)
{
	shell_print((const struct shell *)ctx, "%s", text);
}

static int cmd_profile(const struct shell *sh, size_t argc, char **argv)
{
	unsigned long runs = 10;
	int rc;

	if (argc > 1) {
		char *end = NULL;

		runs = strtoul(argv[1], &end, 0);
		if (end == argv[1] || *end != '\0' || runs == 0U || runs > 1000U) {
			shell_error(sh, "runs must be 1..1000");
			return -EINVAL;
		}
	}
	app_inference_lock();
	rc = tinyml_inference_profile((uint32_t)runs, print_line, (void *)sh);
	app_inference_unlock();
	if (rc != 0) {
		shell_error(sh, "profile failed: %d", rc);
	}
	return rc;
}
#endif

static int parse_id(const struct shell *sh, const char *text, unsigned int *id)
{
	char *end = NULL;
	unsigned long v = strtoul(text, &end, 0);

	if (end == text || *end != '\0' || v >= TINYML_SETTING_COUNT) {
		shell_error(sh, "setting ID must be 0..%u (tinyml/settings.h)",
			    TINYML_SETTING_COUNT - 1U);
		return -EINVAL;
	}
	*id = (unsigned int)v;
	return 0;
}

static int cmd_config_get(const struct shell *sh, size_t argc, char **argv)
{
	unsigned int id;
	int32_t value;
	int rc;

	ARG_UNUSED(argc);
	rc = parse_id(sh, argv[1], &id);
	if (rc == 0) {
		rc = app_state_config_get(id, &value);
	}
	if (rc == 0) {
		shell_print(sh, "setting %u = %d", id, value);
	}
	return rc;
}

static int cmd_config_set(const struct shell *sh, size_t argc, char **argv)
{
	char *end = NULL;
	unsigned int id;
	long value;
	int rc;

	ARG_UNUSED(argc);
	rc = parse_id(sh, argv[1], &id);
	if (rc != 0) {
		return rc;
	}
	value = strtol(argv[2], &end, 0);
	if (end == argv[2] || *end != '\0') {
		shell_error(sh, "value must be an integer");
		return -EINVAL;
	}
	rc = app_state_config_set(id, (int32_t)value);
	if (rc == -ERANGE) {
		shell_error(sh, "value out of range for setting %u", id);
	} else if (rc != 0) {
		shell_error(sh, "not stored: %d", rc);
	} else {
		shell_print(sh, "setting %u = %ld (persisted)", id, value);
	}
	return rc;
}

static int cmd_config_apply(const struct shell *sh, size_t argc, char **argv)
{
	static uint8_t msg[TINYML_SETTINGS_MSG_HEADER_BYTES +
			   TINYML_SETTINGS_MSG_MAX_OPS * TINYML_SETTINGS_MSG_OP_BYTES +
			   TINYML_SETTINGS_MSG_SIG_BYTES];
	size_t len = from_hex(argv[1], msg, sizeof(msg));
	int rc;

	ARG_UNUSED(argc);
	if (len == 0U) {
		shell_error(sh, "usage: apply <signed message in hex, at most %u bytes>",
			    (unsigned int)sizeof(msg));
		return -EINVAL;
	}
	rc = app_state_apply_message(msg, len);
	if (rc != 0) {
		shell_error(sh, "message refused: %d", rc);
	} else {
		shell_print(sh, "message applied");
	}
	return rc;
}

static int cmd_device_provision(const struct shell *sh, size_t argc, char **argv)
{
	char *end = NULL;
	unsigned long long id = strtoull(argv[1], &end, 0);
	int rc;

	ARG_UNUSED(argc);
	if (end == argv[1] || *end != '\0' || id == 0U || id > UINT32_MAX) {
		shell_error(sh, "device id must be 1..4294967295");
		return -EINVAL;
	}
	rc = app_state_provision_device_id((uint32_t)id);
	if (rc == -EALREADY) {
		shell_error(sh, "device id already provisioned: %u", app_state_device_id());
	} else if (rc != 0) {
		shell_error(sh, "not stored: %d", rc);
	} else {
		shell_print(sh, "device id %u stored (used from the next boot)", (uint32_t)id);
	}
	return rc;
}

static int print_event(void *ctx, uint32_t seq, const struct tinyml_event *ev)
{
	const struct shell *sh = ctx;

	const struct tinyml_modelpkg_info *info = app_state_model_info();
	char label[TINYML_APP_LABEL_MAX];
	/* the running model's labels name the classes of the events it logged */
	bool named = info != NULL && info->version == ev->model_version &&
		     app_state_model_label(ev->class_id, label, sizeof(label)) == 0;

	shell_print(sh, "%u: t=%us class %u%s%s%s score %u margin %u model 0x%08x boot %u%s", seq,
		    ev->timestamp_s, ev->class_id, named ? " (" : "", named ? label : "",
		    named ? ")" : "", ev->score_q15, ev->margin_q15, ev->model_version, ev->boots,
		    (ev->flags & APP_EVENT_FLAG_FALSE_TRIGGER) != 0U ? " false-trigger" : "");
	return 0;
}

static int cmd_log_dump(const struct shell *sh, size_t argc, char **argv)
{
	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	return app_state_log_walk(print_event, (void *)sh);
}

SHELL_STATIC_SUBCMD_SET_CREATE(
	tinyml_config_cmds,
	SHELL_CMD_ARG(get, NULL, "Effective value of setting <id>", cmd_config_get, 2, 0),
	SHELL_CMD_ARG(set, NULL, "Persist setting <id> <value> (range-checked)", cmd_config_set, 3,
		      0),
	SHELL_CMD_ARG(apply, NULL, "Apply a signed remote settings message <hex>", cmd_config_apply,
		      2, 0),
	SHELL_SUBCMD_SET_END);

SHELL_STATIC_SUBCMD_SET_CREATE(tinyml_device_cmds,
			       SHELL_CMD_ARG(provision, NULL,
					     "Store this device's id <n> once (factory)",
					     cmd_device_provision, 2, 0),
			       SHELL_SUBCMD_SET_END);

SHELL_STATIC_SUBCMD_SET_CREATE(tinyml_log_cmds,
			       SHELL_CMD(dump, NULL, "Events in flash, oldest first", cmd_log_dump),
			       SHELL_SUBCMD_SET_END);

SHELL_STATIC_SUBCMD_SET_CREATE(
	tinyml_model_cmds, SHELL_CMD(info, NULL, "Show the running model", cmd_model_info),
	SHELL_CMD_ARG(activate, NULL, "Verify and run the model of slot a|b", cmd_model_activate, 2,
		      0),
	SHELL_CMD_ARG(erase, NULL, "Erase the inactive slot a|b", cmd_model_erase, 2, 0),
	SHELL_CMD_ARG(write, NULL, "Write <a|b> <offset> <hex> into the inactive slot",
		      cmd_model_write, 4, 0),
	SHELL_SUBCMD_SET_END);

/* The field loop (docs/field-loop.md); the handlers are in field_shell.c. */
#if defined(CONFIG_TINYML_RECORDING)
SHELL_STATIC_SUBCMD_SET_CREATE(
	tinyml_rec_cmds,
	SHELL_CMD_ARG(start, NULL, "Stream [window|snippet] recordings [n] as @TR1: lines",
		      app_shell_rec_start, 1, 2),
	SHELL_CMD(stop, NULL, "End the recording mode", app_shell_rec_stop),
	SHELL_CMD(status, NULL, "Recording mode and counters", app_shell_rec_status),
	SHELL_SUBCMD_SET_END);
#endif
#if defined(CONFIG_TINYML_APP_EVENTS_CBOR)
SHELL_STATIC_SUBCMD_SET_CREATE(tinyml_events_cmds,
			       SHELL_CMD(dump, NULL, "Pending event summaries as @TE1: lines",
					 app_shell_events_dump),
			       SHELL_CMD_ARG(ack, NULL, "Remove the summaries up to <seq>",
					     app_shell_events_ack, 2, 0),
			       SHELL_SUBCMD_SET_END);
#endif
#if defined(CONFIG_TINYML_APP_REPORT_BUTTON) && defined(CONFIG_GPIO_EMUL)
SHELL_STATIC_SUBCMD_SET_CREATE(tinyml_button_cmds,
			       SHELL_CMD_ARG(hold, NULL, "Hold the emulated report button <ms>",
					     app_shell_button_hold, 2, 0),
			       SHELL_SUBCMD_SET_END);
#define TINYML_BUTTON_CMD SHELL_CMD(button, &tinyml_button_cmds, "Emulated report button", NULL),
#else
#define TINYML_BUTTON_CMD
#endif

SHELL_STATIC_SUBCMD_SET_CREATE(
	tinyml_cmds, SHELL_CMD(status, NULL, "Pipeline, model and queue counters", cmd_status),
	SHELL_CMD(selftest, NULL, "Run the canned self-test set", cmd_selftest),
	SHELL_CMD(model, &tinyml_model_cmds, "Model slots", NULL),
	SHELL_CMD(config, &tinyml_config_cmds, "Settings (thresholds, kill switch, ...)", NULL),
	SHELL_CMD(log, &tinyml_log_cmds, "Event log", NULL),
	SHELL_CMD(device, &tinyml_device_cmds, "Device identity", NULL),
	IF_ENABLED(CONFIG_TINYML_RECORDING,
		   (SHELL_CMD(rec, &tinyml_rec_cmds, "Recording mode (raw data)", NULL),))
			   IF_ENABLED(CONFIG_TINYML_APP_EVENTS_CBOR,
		   (SHELL_CMD(events, &tinyml_events_cmds, "Event summaries (uplink)", NULL),))
					   SHELL_CMD(flag, NULL,
						     "Flag the last event as a false trigger",
						     app_shell_flag),
				   TINYML_BUTTON_CMD IF_ENABLED(CONFIG_TINYML_TFLM_PROFILER,
		   (SHELL_CMD_ARG(profile, NULL, "Per-operator cost of the model as CSV [runs]",
				  cmd_profile, 1, 1),)) SHELL_SUBCMD_SET_END);

SHELL_CMD_REGISTER(tinyml, &tinyml_cmds, "tinyml detector", NULL);
