/*
 * The uplink queue is bounded: a full queue drops its oldest summary and counts it; reading
 * removes nothing, an acknowledgement up to a sequence number does; a flag queues a flagged copy
 * of the newest event. Sequence numbers carry the boot counter in their top 12 bits.
 */
#include <zephyr/ztest.h>

#include "app.h"
#include "app_field.h"

#define BOOTS 5U
#define BASE  (BOOTS << 20)

static void *uplink_setup(void)
{
	const struct app_uplink_versions v = {
		.fw_version = 0x000100,
		.model_version = 0x010000,
		.pipeline_id = 0xA1B2C3D4,
		.runtime_id = 0x12345678,
		.boots = BOOTS,
	};

	app_uplink_init(BOOTS);
	app_uplink_set_versions(&v);
	return NULL;
}

ZTEST_SUITE(tinyml_uplink, NULL, uplink_setup, NULL, NULL, NULL);

static void post(uint32_t t_ms, uint8_t class_id)
{
	const struct app_event_summary s = {
		.t_ms = t_ms,
		.class_id = class_id,
		.score_q15 = 30000,
		.margin_q15 = 4000,
	};

	app_uplink_post(&s);
}

ZTEST(tinyml_uplink, test_1_queue_read_ack_drop_flag)
{
	struct app_uplink_summary s;
	const uint32_t depth = CONFIG_TINYML_APP_UPLINK_DEPTH;
	struct app_fired_summary fired = {.n_features = 2, .n_windows = 3};

	const uint32_t dropped_before = app_uplink_dropped();

	/* Other suites share the queue: start empty, with this boot's sequence numbers. */
	(void)app_uplink_ack(UINT32_MAX);
	app_uplink_init(BOOTS);
	for (uint32_t i = 0; i < depth + 3U; i++) {
		post(1000U * i, 1);
	}
	zassert_equal(app_uplink_pending(), depth);
	zassert_equal(app_uplink_dropped() - dropped_before, 3U);
	/* The oldest three went; reading twice gives the same, oldest first. */
	for (uint32_t i = 0; i < depth; i++) {
		zassert_ok(app_uplink_peek(i, &s));
		zassert_equal(s.seq, BASE + 3U + i);
		zassert_equal(s.time_s, 3U + i);
		zassert_equal(s.fw_version, 0x000100);
		zassert_equal(s.model_version, 0x010000);
		zassert_equal(s.boots, BOOTS);
	}
	zassert_equal(app_uplink_peek(depth, &s), -ENOENT);
	zassert_ok(app_uplink_peek(depth - 1U, &s));
	zassert_equal(s.dropped, 1U, "the summary after a drop counts it");
	zassert_equal(app_uplink_pending(), depth, "reading removes nothing");

	zassert_equal(app_uplink_ack(BASE), 0U, "below the oldest: none");
	zassert_equal(app_uplink_ack(BASE + 4U), 2U);
	zassert_equal(app_uplink_pending(), depth - 2U);
	zassert_ok(app_uplink_peek(0, &s));
	zassert_equal(s.seq, BASE + 5U);

	/* A flag queues a flagged copy of the newest event with the next seq. */
	fired.mean_q8[0] = 256;
	fired.peak[1] = -3;
	zassert_ok(app_uplink_flag_last(APP_EVENT_FLAG_FALSE_TRIGGER, &fired, &s));
	zassert_equal(s.seq, BASE + depth + 3U);
	zassert_equal(s.time_s, depth + 2U, "the newest event's time");
	zassert_equal(s.flags, APP_EVENT_FLAG_FALSE_TRIGGER);
	zassert_equal(s.fired.mean_q8[0], 256);
	zassert_equal(app_uplink_pending(), depth - 1U);

	zassert_equal(app_uplink_ack(UINT32_MAX), depth - 1U, "above the newest: all");
	zassert_equal(app_uplink_pending(), 0U);
}
