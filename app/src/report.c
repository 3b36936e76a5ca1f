/*
 * Hold-to-report (docs/field-loop.md): the user holds the report button (devicetree alias
 * tinyml-report-button) for CONFIG_TINYML_APP_REPORT_HOLD_MS, or types `tinyml flag`, and the
 * last event is flagged as a false trigger: a flagged copy of its summary, with the per-feature
 * mean and peak of the windows that fired, goes to the uplink queue and the event log.
 *
 * The button: an edge interrupt (gpio_add_callback) only schedules a delayable work item; after
 * the debounce time the work reads the settled level. A press that is still held
 * HOLD_MS - DEBOUNCE_MS later reports once; releasing earlier does nothing.
 */
#include <errno.h>

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/drivers/gpio.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/atomic.h>

#include "app.h"
#include "app_field.h"
#include "app_state.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

int app_report_false_trigger(bool from_shell)
{
	struct app_fired_summary fired = {0};
	struct app_uplink_summary flagged;
	uint16_t flags =
		APP_EVENT_FLAG_FALSE_TRIGGER | (from_shell ? APP_EVENT_FLAG_FROM_SHELL : 0U);
	int rc;

	(void)app_fired_last(&fired);
	rc = app_uplink_flag_last(flags, &fired, &flagged);
	if (rc != 0) {
		LOG_WRN("false-trigger report: no event to flag");
		return rc;
	}
	const struct app_event_summary logged = {
		.t_ms = flagged.time_s * 1000U,
		.class_id = (uint8_t)flagged.class_id,
		.slot = (uint8_t)MAX(app_state_active_slot(), 0),
		.score_q15 = flagged.score_q15,
		.margin_q15 = flagged.margin_q15,
		.flags = flagged.flags,
	};

	if (app_state_log_event(&logged, k_uptime_get_32()) != 0) {
		LOG_WRN("flagged event not logged");
	}
	LOG_INF("false trigger flagged: seq %u, event t=%u s class %u, %u windows fired (%s)",
		flagged.seq, flagged.time_s, flagged.class_id, fired.n_windows,
		from_shell ? "shell" : "button");
	for (uint16_t i = 0; i < fired.n_features; i++) {
		LOG_INF("  feature %u: mean_q8 %d peak %d", i, fired.mean_q8[i], fired.peak[i]);
	}
	return 0;
}

#if defined(CONFIG_TINYML_APP_REPORT_BUTTON)

static const struct gpio_dt_spec button = GPIO_DT_SPEC_GET(DT_ALIAS(tinyml_report_button), gpios);
static struct gpio_callback button_cb;
static struct k_work_delayable button_work;
static atomic_t edges;              /* edges seen by the interrupt */
static atomic_val_t edges_at_press; /* work only: edges when the press became stable */
static bool holding;                /* work only */
static bool reported;               /* work only: this press has reported */

BUILD_ASSERT(CONFIG_TINYML_APP_REPORT_HOLD_MS > CONFIG_TINYML_APP_REPORT_DEBOUNCE_MS,
	     "the hold time must be longer than the debounce time");

static void button_settled(struct k_work *work)
{
	ARG_UNUSED(work);
	if (gpio_pin_get_dt(&button) <= 0) { /* released (or unreadable) */
		holding = false;
		reported = false;
		return;
	}
	if (!holding || atomic_get(&edges) != edges_at_press) {
		/* Pressed and stable for the debounce time: the hold time starts now. */
		holding = true;
		edges_at_press = atomic_get(&edges);
		(void)k_work_reschedule(&button_work, K_MSEC(CONFIG_TINYML_APP_REPORT_HOLD_MS -
							     CONFIG_TINYML_APP_REPORT_DEBOUNCE_MS));
		return;
	}
	/* Held without an edge for the whole hold time: one report per press. */
	if (!reported) {
		reported = true;
		(void)app_report_false_trigger(false);
	}
}

static void button_edge(const struct device *port, struct gpio_callback *cb, uint32_t pins)
{
	ARG_UNUSED(port);
	ARG_UNUSED(cb);
	ARG_UNUSED(pins);
	/* Every edge restarts the debounce; the work reads the level once it is stable. */
	(void)atomic_inc(&edges);
	(void)k_work_reschedule(&button_work, K_MSEC(CONFIG_TINYML_APP_REPORT_DEBOUNCE_MS));
}

#if defined(CONFIG_GPIO_EMUL)
#include <zephyr/drivers/gpio/gpio_emul.h>

int app_report_button_emulate(int level)
{
	return gpio_emul_input_set(button.port, button.pin, level);
}
#endif

int app_report_button_start(void)
{
	int rc;

	if (!gpio_is_ready_dt(&button)) {
		return -ENODEV;
	}
	k_work_init_delayable(&button_work, button_settled);
	rc = gpio_pin_configure_dt(&button, GPIO_INPUT);
	if (rc == 0) {
		gpio_init_callback(&button_cb, button_edge, BIT(button.pin));
		rc = gpio_add_callback_dt(&button, &button_cb);
	}
	if (rc == 0) {
		rc = gpio_pin_interrupt_configure_dt(&button, GPIO_INT_EDGE_BOTH);
	}
	return rc;
}

#endif /* CONFIG_TINYML_APP_REPORT_BUTTON */
