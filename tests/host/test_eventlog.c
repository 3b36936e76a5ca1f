#include <errno.h>
#include <string.h>

#include <tinyml/eventlog.h>

#include "eventlog_oracle.h"
#include "flash_fixture.h"
#include "ttest.h"

static struct flash_fixture fx;
static struct tinyml_eventlog elog;
static struct oracle orc;

static const struct tinyml_eventlog_config cfg = {
	.batch_events = 4u,
	.flush_interval_ms = 2000u,
	.min_flush_interval_ms = 500u,
};

TTEST(eventlog, encode_decode_roundtrip)
{
	uint8_t buf[TINYML_EVENTLOG_EVENT_BYTES];
	struct tinyml_event ev = oracle_event(12345u);
	struct tinyml_event back;

	ev.dropped = 9u;
	tinyml_event_encode(&ev, buf);
	TT_ASSERT_EQ(tinyml_event_decode(buf, sizeof(buf), &back), 0);
	TT_ASSERT_MEM_EQ(&back, &ev, sizeof(ev));
	TT_ASSERT_EQ(tinyml_event_decode(buf, sizeof(buf) - 1u, &back), -EINVAL);
	buf[7] = 0x80; /* score above 1.0 */
	TT_ASSERT_EQ(tinyml_event_decode(buf, sizeof(buf), &back), -EBADMSG);
}

TTEST(eventlog, rejects_bad_config_and_geometry)
{
	struct tinyml_eventlog_config bad = cfg;

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 4u, 0u), 0);
	bad.batch_events = 0u;
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &bad), -EINVAL);
	bad.batch_events = TINYML_EVENTLOG_MAX_PENDING + 1u;
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &bad), -EINVAL);
	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 1u, 0u), 0); /* one sector cannot rotate */
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), -EINVAL);
}

TTEST(eventlog, batches_by_count_and_by_time)
{
	uint32_t before = 0u;
	uint32_t id;

	memset(&orc, 0, sizeof(orc));
	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 4u, 0u), 0);
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	for (id = 1u; id <= 3u; id++) {
		struct tinyml_event ev = oracle_event(id);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 10u * id), 0);
	}
	TT_ASSERT_EQ(fx.sim.ops, 0u); /* nothing written below the batch size */
	TT_ASSERT_EQ(tinyml_eventlog_pending(&elog), 3u);
	TT_ASSERT_EQ(tinyml_eventlog_poll(&elog, 1999u), 0);
	TT_ASSERT_EQ(fx.sim.ops, 0u);
	TT_ASSERT_EQ(tinyml_eventlog_poll(&elog, 2010u), 0); /* the oldest is now due */
	TT_ASSERT_EQ(tinyml_eventlog_pending(&elog), 0u);
	TT_ASSERT_EQ(tinyml_eventlog_committed_count(&elog), 3u);
	TT_ASSERT_EQ(fx.sim.ops, 5u); /* erase + header + 3 records */
	for (id = 4u; id <= 7u; id++) {
		struct tinyml_event ev = oracle_event(id);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 3000u + id), 0);
	}
	TT_ASSERT_EQ(tinyml_eventlog_committed_count(&elog), 7u); /* the 4th filled the batch */
	TT_ASSERT_EQ(tinyml_eventlog_committed_seq(&elog), 7u);
	(void)before;
}

TTEST(eventlog, rate_cap_drops_and_counts)
{
	uint32_t id;
	uint32_t dropped = 0u;
	uint64_t programs_before;

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 4u, 0u), 0);
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	{
		struct tinyml_event ev = oracle_event(1u);

		TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 0u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 0u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 0u), 0); /* flush window starts at 0 */
	}
	programs_before = fx.sim.ops;
	/* a burst of 100 events within 400 ms: inside the 500 ms cap, nothing may be written */
	for (id = 2u; id < 102u; id++) {
		struct tinyml_event ev = oracle_event(id);
		int rc = tinyml_eventlog_append(&elog, &ev, 4u * id);

		TT_ASSERT(rc == 0 || rc == -ENOBUFS);
		dropped += rc == -ENOBUFS ? 1u : 0u;
	}
	TT_ASSERT_EQ(fx.sim.ops, programs_before);
	TT_ASSERT_EQ(dropped, 100u - TINYML_EVENTLOG_MAX_PENDING);
	/* after the window, the batch goes out and carries the drop count */
	TT_ASSERT_EQ(tinyml_eventlog_poll(&elog, 600u), 0);
	TT_ASSERT_EQ(tinyml_eventlog_pending(&elog), 0u);
	{
		struct tinyml_event ev = oracle_event(200u);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 700u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 700u), 0);
	}
	memset(&orc, 0, sizeof(orc));
	{
		int walk_rc;

		(void)oracle_check(&orc, &elog, 0u, &walk_rc);
		TT_ASSERT_EQ(walk_rc, 0);
	}
	TT_ASSERT_EQ(orc.torn_returned, 0u);
	TT_ASSERT_EQ(orc.n_seen, 1u + TINYML_EVENTLOG_MAX_PENDING + 1u);
}

static int last_dropped;

static int keep_dropped(void *ctx, uint32_t seq, const struct tinyml_event *ev)
{
	(void)ctx;
	(void)seq;
	last_dropped = (int)ev->dropped;
	return 0;
}

TTEST(eventlog, drop_count_is_stored)
{
	uint32_t id;

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 4u, 0u), 0);
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 0u), 0);
	{
		struct tinyml_event ev = oracle_event(1u);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 0u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 0u), 0);
	}
	for (id = 2u; id < 40u; id++) {
		struct tinyml_event ev = oracle_event(id);

		(void)tinyml_eventlog_append(&elog, &ev, 1u);
	}
	TT_ASSERT_EQ(tinyml_eventlog_poll(&elog, 3000u), 0);
	{
		struct tinyml_event ev = oracle_event(50u);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 3001u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 3001u), 0);
	}
	last_dropped = -1;
	TT_ASSERT_EQ(tinyml_eventlog_walk(&elog, keep_dropped, NULL), 0);
	TT_ASSERT_EQ(last_dropped, 38 - TINYML_EVENTLOG_MAX_PENDING);
}

TTEST(eventlog, survives_reboot_and_wraps_keeping_the_newest)
{
	uint32_t before = 0u;
	uint32_t id;
	int walk_rc;

	memset(&orc, 0, sizeof(orc));
	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 4u, 0u), 0);
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	TT_ASSERT_EQ(tinyml_eventlog_capacity(&elog), 60u); /* 3 sectors x 20 records */
	for (id = 1u; id <= 250u; id++) {
		struct tinyml_event ev = oracle_event(id);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, id * 1000u), 0);
		oracle_after_call(&orc, &elog, &before, id, true);
	}
	TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 251000u), 0);
	oracle_after_call(&orc, &elog, &before, 0u, false);
	TT_ASSERT_EQ(orc.n_committed, 250u);
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	TT_ASSERT_EQ(oracle_check(&orc, &elog, 60u, &walk_rc), 0u);
	TT_ASSERT_EQ(walk_rc, 0);
	TT_ASSERT_EQ(orc.torn_returned, 0u);
	TT_ASSERT_EQ(orc.out_of_order, 0u);
	TT_ASSERT(orc.n_seen >= 60u && orc.n_seen <= 80u);
	TT_ASSERT_EQ(orc.seen[orc.n_seen - 1u], 250u);
	/* the ring levels wear: every sector erased within one of the others */
	TT_ASSERT(tinyml_flash_sim_max_erases(&fx.area) - tinyml_flash_sim_min_erases(&fx.area) <=
		  1u);
	/* and numbering goes on after the reboot */
	{
		struct tinyml_event ev = oracle_event(251u);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, 0u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_flush(&elog, 0u), 0);
		TT_ASSERT_EQ(tinyml_eventlog_committed_seq(&elog), 251u);
	}
}

TTEST(eventlog, retires_a_worn_out_sector)
{
	uint32_t before = 0u;
	uint32_t id;
	int walk_rc;

	memset(&orc, 0, sizeof(orc));
	TT_ASSERT_EQ(fixture_init(&fx, 8u, 1024u, 4u, 0u), 0);
	fx.area.wear_limit = 5u;
	fx.erases[2] = 4u; /* sector 2 has one erase left */
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	for (id = 1u; id <= 200u; id++) {
		struct tinyml_event ev = oracle_event(id);

		TT_ASSERT_EQ(tinyml_eventlog_append(&elog, &ev, id * 1000u), 0);
		oracle_after_call(&orc, &elog, &before, id, true);
	}
	TT_ASSERT(fx.sim.worn_erases >= 1u);
	TT_ASSERT_EQ(tinyml_eventlog_init(&elog, &fx.area, &cfg), 0);
	/* three good sectors left: two full ones always survive */
	TT_ASSERT_EQ(oracle_check(&orc, &elog, 40u, &walk_rc), 0u);
	TT_ASSERT_EQ(walk_rc, 0);
	TT_ASSERT_EQ(orc.torn_returned, 0u);
}
