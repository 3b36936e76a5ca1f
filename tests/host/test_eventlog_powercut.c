/*
 * Power cut at every single program and erase of a realistic event-log scenario, and a year
 * of events for the wear figures.
 *
 * Scenario: 4 sectors of 1 KiB with 8-byte write blocks (20 records a sector, 60 guaranteed),
 * an event every 300 ms, batches of 4, rate cap 500 ms, 200 events: the ring wraps three
 * times, so cuts land in record writes, sector erases and header writes of every kind of
 * state. Each cut is replayed with several tear patterns. After the cut the device reboots,
 * must read back only whole events, in order, with every committed one inside the guaranteed
 * capacity (minus the one slot the cut may spoil), then logs 40 more events, reboots again
 * and is checked again.
 */
#include <string.h>

#include <tinyml/eventlog.h>

#include "eventlog_oracle.h"
#include "flash_fixture.h"
#include "ttest.h"

#define SWEEP_EVENTS      200u
#define AFTER_EVENTS      40u
#define SWEEP_SEEDS       8u
#define EVENT_PERIOD_MS   300u
#define YEAR_S            (365u * 24u * 3600u)
#define YEAR_EVENT_PERIOD 60u

static struct flash_fixture fx;
static struct tinyml_eventlog elog;
static struct oracle orc;

static const struct tinyml_eventlog_config sweep_cfg = {
	.batch_events = 4u,
	.flush_interval_ms = 2000u,
	.min_flush_interval_ms = 500u,
};

struct sweep_result {
	uint64_t points;
	uint64_t ops_per_run;
	uint64_t lost;
	uint64_t torn;
	uint64_t mount_failures;
	uint64_t walk_failures;
};

/* Logs @p n events from *id on; stops early when the power is gone. */
static void run_events(uint32_t *id, uint32_t n, uint32_t *now_ms)
{
	uint32_t before = 0u;
	uint32_t i;

	for (i = 0u; i < n && fx.sim.powered; i++) {
		struct tinyml_event ev = oracle_event(*id);

		(void)tinyml_eventlog_append(&elog, &ev, *now_ms);
		oracle_after_call(&orc, &elog, &before, *id, true);
		(*id)++;
		*now_ms += EVENT_PERIOD_MS;
		(void)tinyml_eventlog_poll(&elog, *now_ms);
		oracle_after_call(&orc, &elog, &before, 0u, false);
	}
	if (fx.sim.powered) {
		(void)tinyml_eventlog_flush(&elog, *now_ms);
		oracle_after_call(&orc, &elog, &before, 0u, false);
	}
}

static void reboot_and_check(struct sweep_result *r, uint32_t window)
{
	int walk_rc;

	tinyml_flash_sim_power_on(&fx.sim);
	oracle_reboot(&orc);
	if (tinyml_eventlog_init(&elog, &fx.area, &sweep_cfg) != 0) {
		r->mount_failures++;
		return;
	}
	r->lost += oracle_check(&orc, &elog, window, &walk_rc);
	r->torn += orc.torn_returned + orc.out_of_order;
	r->walk_failures += walk_rc != 0 ? 1u : 0u;
}

static int start(void)
{
	memset(&orc, 0, sizeof(orc));
	if (fixture_init(&fx, 8u, 1024u, 4u, 0u) != 0) {
		return -1;
	}
	return tinyml_eventlog_init(&elog, &fx.area, &sweep_cfg);
}

static int sweep(struct sweep_result *r)
{
	uint32_t id = 1u;
	uint32_t now = 0u;
	uint64_t k;
	uint32_t seed;
	uint32_t window;

	memset(r, 0, sizeof(*r));
	if (start() != 0) {
		return -1;
	}
	run_events(&id, SWEEP_EVENTS, &now);
	r->ops_per_run = fx.sim.ops;
	window = tinyml_eventlog_capacity(&elog) - 1u;
	for (k = 0u; k < r->ops_per_run; k++) {
		for (seed = 0u; seed < SWEEP_SEEDS; seed++) {
			if (start() != 0) {
				return -1;
			}
			id = 1u;
			now = 0u;
			tinyml_flash_sim_cut_power(&fx.sim, k, (uint32_t)(k * SWEEP_SEEDS + seed));
			run_events(&id, SWEEP_EVENTS, &now);
			if (fx.sim.cuts != 1u) {
				return -1; /* the cut must have happened */
			}
			reboot_and_check(r, window);
			run_events(&id, AFTER_EVENTS, &now);
			reboot_and_check(r, window);
			r->points++;
		}
	}
	return 0;
}

TTEST(eventlog_powercut, every_program_and_erase)
{
	struct sweep_result r;

	TT_ASSERT_EQ(sweep(&r), 0);
	TT_ASSERT(r.ops_per_run >= SWEEP_EVENTS + 10u * 2u); /* records + erases + headers */
	TT_ASSERT_EQ(r.points, r.ops_per_run * SWEEP_SEEDS);
	TT_ASSERT_EQ(r.mount_failures, 0u);
	TT_ASSERT_EQ(r.walk_failures, 0u);
	TT_ASSERT_EQ(r.lost, 0u);
	TT_ASSERT_EQ(r.torn, 0u);
}

/*
 * A second cut in each of the first writes after the reboot (the recovery's own erase,
 * header or record write), for every first cut point: recovery is itself power-cut safe.
 */
static int double_sweep(struct sweep_result *r)
{
	uint64_t total;
	uint64_t k;
	uint32_t second;
	uint32_t window;
	uint32_t id = 1u;
	uint32_t now = 0u;

	memset(r, 0, sizeof(*r));
	if (start() != 0) {
		return -1;
	}
	run_events(&id, SWEEP_EVENTS, &now);
	total = fx.sim.ops;
	window = tinyml_eventlog_capacity(&elog) - 1u;
	for (k = 0u; k < total; k++) {
		for (second = 0u; second < 6u; second++) {
			if (start() != 0) {
				return -1;
			}
			id = 1u;
			now = 0u;
			tinyml_flash_sim_cut_power(&fx.sim, k, (uint32_t)k);
			run_events(&id, SWEEP_EVENTS, &now);
			reboot_and_check(r, window);
			tinyml_flash_sim_cut_power(&fx.sim, second, (uint32_t)(k + second));
			run_events(&id, AFTER_EVENTS, &now);
			if (fx.sim.cuts != 2u) {
				return -1;
			}
			/* two cuts may spoil two slots of the window */
			reboot_and_check(r, window - 1u);
			run_events(&id, AFTER_EVENTS, &now);
			reboot_and_check(r, window - 1u);
			r->points++;
		}
	}
	return 0;
}

TTEST(eventlog_powercut, second_cut_during_recovery)
{
	struct sweep_result r;

	TT_ASSERT_EQ(double_sweep(&r), 0);
	TT_ASSERT(r.points >= 6u * (SWEEP_EVENTS + 20u));
	TT_ASSERT_EQ(r.mount_failures, 0u);
	TT_ASSERT_EQ(r.walk_failures, 0u);
	TT_ASSERT_EQ(r.lost, 0u);
	TT_ASSERT_EQ(r.torn, 0u);
}

TTEST(eventlog_powercut, repeated_cuts_in_one_life)
{
	struct sweep_result r;
	uint32_t id = 1u;
	uint32_t now = 0u;
	uint32_t rnd = 12345u;
	unsigned int cut;

	memset(&r, 0, sizeof(r));
	TT_ASSERT_EQ(start(), 0);
	for (cut = 0u; cut < 200u; cut++) {
		rnd = rnd * 1103515245u + 12345u;
		tinyml_flash_sim_cut_power(&fx.sim, (rnd >> 16) % 40u, rnd);
		run_events(&id, 30u, &now);
		/* each trip around the ring may hold a few spoilt slots: check two sectors' worth
		 */
		reboot_and_check(&r, 40u);
	}
	TT_ASSERT(fx.sim.cuts >= 150u);
	TT_ASSERT_EQ(r.mount_failures, 0u);
	TT_ASSERT_EQ(r.walk_failures, 0u);
	TT_ASSERT_EQ(r.lost, 0u);
	TT_ASSERT_EQ(r.torn, 0u);
}

struct year_result {
	uint32_t max_erases;
	uint32_t min_erases;
	uint32_t events;
	uint32_t capacity;
};

/* A year of one event a minute on 8 sectors of 4 KiB, flushed in batches of 8. */
static int simulate_year(struct year_result *y)
{
	static const struct tinyml_eventlog_config cfg = {
		.batch_events = 8u,
		.flush_interval_ms = 600000u,
		.min_flush_interval_ms = 60000u,
	};
	uint32_t t;
	int rc;

	memset(y, 0, sizeof(*y));
	if (fixture_init(&fx, 8u, 4096u, 8u, 0u) != 0 ||
	    tinyml_eventlog_init(&elog, &fx.area, &cfg) != 0) {
		return -1;
	}
	for (t = 0u; t < YEAR_S; t += YEAR_EVENT_PERIOD) {
		struct tinyml_event ev = oracle_event(t);
		uint32_t now_ms = t * 1000u; /* wraps like a real uptime counter */

		rc = tinyml_eventlog_append(&elog, &ev, now_ms);
		if (rc != 0) {
			return rc;
		}
		y->events++;
	}
	y->max_erases = tinyml_flash_sim_max_erases(&fx.area);
	y->min_erases = tinyml_flash_sim_min_erases(&fx.area);
	y->capacity = tinyml_eventlog_capacity(&elog);
	return 0;
}

TTEST(eventlog_powercut, year_of_events_wears_evenly)
{
	struct year_result y;

	TT_ASSERT_EQ(simulate_year(&y), 0);
	TT_ASSERT_EQ(y.events, YEAR_S / YEAR_EVENT_PERIOD);
	{
		unsigned int s;

		ttest_printf(
			"  one event a minute for a year, 8 x 4 KiB sectors; erases per sector:");
		for (s = 0u; s < 8u; s++) {
			ttest_printf(" %u", (unsigned int)fx.erases[s]);
		}
		ttest_printf("\n");
	}
	/* 525600 events / (84 records x 8 sectors) = 782 trips around the ring */
	TT_ASSERT(y.max_erases >= 780u && y.max_erases <= 784u);
	TT_ASSERT(y.max_erases - y.min_erases <= 1u);
	TT_ASSERT_EQ(y.capacity, 7u * 84u);
}

TBENCH(state_eventlog)
{
	struct sweep_result r;
	struct year_result y;

	if (sweep(&r) != 0 || simulate_year(&y) != 0) {
		ttest_fail(__FILE__, __LINE__, "state bench scenario failed to run");
		return;
	}
	ttest_figure("state.powercut.points_tested", (long long)r.points);
	ttest_figure("state.powercut.ops_per_run", (long long)r.ops_per_run);
	ttest_figure("state.powercut.events_lost", (long long)r.lost);
	ttest_figure("state.powercut.torn_events_returned", (long long)r.torn);
	ttest_figure("state.powercut.mount_failures",
		     (long long)(r.mount_failures + r.walk_failures));
	if (double_sweep(&r) != 0) {
		ttest_fail(__FILE__, __LINE__, "double-cut scenario failed to run");
		return;
	}
	ttest_figure("state.powercut.double_cut_points_tested", (long long)r.points);
	ttest_figure("state.powercut.double_cut_events_lost", (long long)r.lost);
	ttest_figure("state.powercut.double_cut_torn_events_returned", (long long)r.torn);
	ttest_figure("state.eventlog.max_sector_erases_per_year", y.max_erases);
	ttest_figure("state.eventlog.min_sector_erases_per_year", y.min_erases);
	ttest_figure("state.eventlog.events_per_year", y.events);
	ttest_figure("state.eventlog.capacity_events", y.capacity);
}
