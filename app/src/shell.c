/*
 * The `tinyml` shell: status, self-test, model info/activate, config get/set, log dump.
 * Each command calls into the application or the core and prints; none decides anything.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zephyr/shell/shell.h>

#include <tinyml/zephyr/inference.h>

#include "app.h"

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
	struct app_processing_stats s;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	app_processing_stats(&s);
	if (s.active_slot < 0) {
		shell_error(sh, "no model loaded (%d)", s.model_error);
		return -ENODEV;
	}
	shell_print(sh, "slot %c, arena %u of %u B", s.active_slot == 0 ? 'A' : 'B',
		    (unsigned int)tinyml_inference_arena_used(), CONFIG_TINYML_ARENA_SIZE);
	return 0;
}

static int cmd_model_activate(const struct shell *sh, size_t argc, char **argv)
{
	int slot;
	int rc;

	ARG_UNUSED(argc);
	if (strcmp(argv[1], "a") == 0 || strcmp(argv[1], "A") == 0) {
		slot = 0;
	} else if (strcmp(argv[1], "b") == 0 || strcmp(argv[1], "B") == 0) {
		slot = 1;
	} else {
		shell_error(sh, "slot must be a or b");
		return -EINVAL;
	}
	rc = app_model_activate(slot);
	if (rc != 0) {
		shell_error(sh, "slot %s refused: %d", argv[1], rc);
		return rc;
	}
	shell_print(sh, "slot %s active", argv[1]);
	return 0;
}

SHELL_STATIC_SUBCMD_SET_CREATE(tinyml_model_cmds,
			       SHELL_CMD(info, NULL, "Show the running model", cmd_model_info),
			       SHELL_CMD_ARG(activate, NULL, "Verify and run the model of slot a|b",
					     cmd_model_activate, 2, 0),
			       SHELL_SUBCMD_SET_END);

SHELL_STATIC_SUBCMD_SET_CREATE(
	tinyml_cmds, SHELL_CMD(status, NULL, "Pipeline, model and queue counters", cmd_status),
	SHELL_CMD(selftest, NULL, "Run the canned self-test set", cmd_selftest),
	SHELL_CMD(model, &tinyml_model_cmds, "Model slots", NULL), SHELL_SUBCMD_SET_END);

SHELL_CMD_REGISTER(tinyml, &tinyml_cmds, "tinyml detector", NULL);
