/*
 * The uplink queue is bounded: a full queue drops new summaries and counts them.
 */
#include <zephyr/ztest.h>

#include "app.h"

ZTEST_SUITE(tinyml_uplink, NULL, NULL, NULL, NULL, NULL);

ZTEST(tinyml_uplink, test_full_queue_drops_and_counts)
{
	struct app_event_summary s = {.class_id = 1};

	for (uint32_t i = 0; i < CONFIG_TINYML_APP_UPLINK_DEPTH + 3U; i++) {
		s.t_ms = i;
		app_uplink_post(&s);
	}
	zassert_equal(app_uplink_pending(), CONFIG_TINYML_APP_UPLINK_DEPTH);
	zassert_equal(app_uplink_dropped(), 3U);
}
