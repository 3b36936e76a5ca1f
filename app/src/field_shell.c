/*
 * Shell commands of the field loop (registered in shell.c): `tinyml rec start|stop|status`,
 * `tinyml events dump`, `tinyml flag` and, on emulated boards, `tinyml button hold <ms>`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/shell/shell.h>
#include <zephyr/sys/base64.h>

#include "app.h"
#include "app_field.h"

#if defined(CONFIG_TINYML_RECORDING)
int app_shell_rec_start(const struct shell *sh, size_t argc, char **argv)
{
	enum app_rec_kind kind = APP_REC_SNIPPET;
	unsigned long count = 1;
	char *end = NULL;
	int rc;

	if (argc > 1) {
		if (strcmp(argv[1], "window") == 0) {
			kind = APP_REC_WINDOW;
		} else if (strcmp(argv[1], "snippet") != 0) {
			shell_error(sh, "usage: tinyml rec start [window|snippet] [n]");
			return -EINVAL;
		}
	}
	if (argc > 2) {
		count = strtoul(argv[2], &end, 10);
		if (end == argv[2] || *end != '\0' || count == 0U || count > 1000U) {
			shell_error(sh, "n must be 1..1000, not '%s'", argv[2]);
			return -EINVAL;
		}
	}
	rc = app_recording_start(sh, kind, (uint32_t)count);
	if (rc == -EBUSY) {
		shell_error(sh, "recording mode is on already (tinyml rec stop)");
		return rc;
	}
	shell_print(sh, "rec: on, %lu %s%s (raw sensor data leaves the device until rec stop)",
		    count, kind == APP_REC_WINDOW ? "window" : "snippet", count == 1U ? "" : "s");
	return rc;
}

int app_shell_rec_stop(const struct shell *sh, size_t argc, char **argv)
{
	struct app_rec_stats s;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	app_recording_stop();
	app_recording_stats(&s);
	shell_print(sh, "rec: off, %u streamed, %u dropped", s.streamed, s.dropped);
	return 0;
}

int app_shell_rec_status(const struct shell *sh, size_t argc, char **argv)
{
	struct app_rec_stats s;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	app_recording_stats(&s);
	shell_print(sh, "rec: %s, %u to take, %u streamed, %u dropped", s.on ? "on" : "off",
		    s.remaining, s.streamed, s.dropped);
	return 0;
}
#endif /* CONFIG_TINYML_RECORDING */

#if defined(CONFIG_TINYML_APP_EVENTS_CBOR)
int app_shell_events_dump(const struct shell *sh, size_t argc, char **argv)
{
	static struct app_uplink_summary s;
	static uint8_t cbor[APP_SUMMARY_CBOR_MAX];
	static char line[4 * ((APP_SUMMARY_CBOR_MAX + 2) / 3) + 1];
	uint32_t i = 0;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	for (; app_uplink_peek(i, &s) == 0; i++) {
		int len = app_summary_cbor(&s, cbor, sizeof(cbor));
		size_t olen = 0;

		if (len < 0 || base64_encode(line, sizeof(line), &olen, cbor, (size_t)len) != 0) {
			shell_error(sh, "summary %u not encoded", s.seq);
			return -ENOSPC;
		}
		shell_print(sh, "@TE1:%s", line);
	}
	shell_print(sh, "events: %u pending, %u dropped", i, app_uplink_dropped());
	return 0;
}

int app_shell_events_ack(const struct shell *sh, size_t argc, char **argv)
{
	char *end = NULL;
	unsigned long seq = strtoul(argv[1], &end, 0);

	ARG_UNUSED(argc);
	if (end == argv[1] || *end != '\0' || seq > UINT32_MAX) {
		shell_error(sh, "usage: tinyml events ack <seq>");
		return -EINVAL;
	}
	shell_print(sh, "events: %u acknowledged, %u pending", app_uplink_ack((uint32_t)seq),
		    app_uplink_pending());
	return 0;
}
#endif /* CONFIG_TINYML_APP_EVENTS_CBOR */

int app_shell_flag(const struct shell *sh, size_t argc, char **argv)
{
	int rc;

	ARG_UNUSED(argc);
	ARG_UNUSED(argv);
	rc = app_report_false_trigger(true);
	if (rc == -ENOENT) {
		shell_error(sh, "no event to flag");
	} else if (rc == 0) {
		shell_print(sh, "last event flagged as a false trigger");
	}
	return rc;
}

#if defined(CONFIG_TINYML_APP_REPORT_BUTTON) && defined(CONFIG_GPIO_EMUL)
int app_shell_button_hold(const struct shell *sh, size_t argc, char **argv)
{
	char *end = NULL;
	unsigned long ms = strtoul(argv[1], &end, 10);
	int rc;

	ARG_UNUSED(argc);
	if (end == argv[1] || *end != '\0' || ms > 60000U) {
		shell_error(sh, "usage: tinyml button hold <ms, up to 60000>");
		return -EINVAL;
	}
	rc = app_report_button_emulate(1);
	if (rc == 0) {
		k_msleep((int32_t)ms);
		rc = app_report_button_emulate(0);
	}
	shell_print(sh, "button held %lu ms: %d", ms, rc);
	return rc;
}
#endif
