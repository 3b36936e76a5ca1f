/*
 * The bounded uplink queue: event summaries only, never samples. A full queue drops the new
 * summary and counts it, so a stalled radio never blocks the processing thread.
 */
#include <zephyr/kernel.h>
#include <zephyr/sys/atomic.h>

#include "app.h"

K_MSGQ_DEFINE(app_uplink_q, sizeof(struct app_event_summary), CONFIG_TINYML_APP_UPLINK_DEPTH, 4);

static atomic_t dropped;

void app_uplink_post(const struct app_event_summary *summary)
{
	if (k_msgq_put(&app_uplink_q, summary, K_NO_WAIT) != 0) {
		(void)atomic_inc(&dropped);
	}
}

uint32_t app_uplink_dropped(void)
{
	return (uint32_t)atomic_get(&dropped);
}

uint32_t app_uplink_pending(void)
{
	return k_msgq_num_used_get(&app_uplink_q);
}
