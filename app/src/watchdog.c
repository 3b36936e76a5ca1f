/*
 * Task watchdog on the processing thread, with the board's hardware watchdog (alias
 * watchdog0) as fallback where there is one.
 */
#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/task_wdt/task_wdt.h>

#include "app.h"

static int channel = -1;

int app_watchdog_start(void)
{
	const struct device *hw = NULL;
	int rc;

#if DT_NODE_HAS_STATUS_OKAY(DT_ALIAS(watchdog0))
	hw = DEVICE_DT_GET(DT_ALIAS(watchdog0));
	if (!device_is_ready(hw)) {
		hw = NULL;
	}
#endif
	rc = task_wdt_init(hw);
	if (rc != 0) {
		return rc;
	}
	/* NULL callback: an expired channel resets the system. */
	channel = task_wdt_add(CONFIG_TINYML_APP_WATCHDOG_PERIOD_MS, NULL, NULL);
	return channel < 0 ? channel : 0;
}

void app_watchdog_feed(void)
{
	if (channel >= 0) {
		(void)task_wdt_feed(channel);
	}
}
