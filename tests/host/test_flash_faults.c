/*
 * The flash ring against NOR flash that misbehaves without a power cut (issue 12, finding 3):
 * a sector that fails to erase once or for good, a bit stuck at 0 after erase, a program that
 * fails silently, and the persistence of bad-sector marks. Each case failed on the ring before
 * it verified, retired and persisted (see docs/field-state.md).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/flashring.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "flash_fixture.h"
#include "ttest.h"

#define MAGIC       0x54534554u
#define PAYLOAD     8u
#define SECTOR      256u
#define MAX_RECORDS 512u

static struct flash_fixture fx;
static struct tinyml_flashring ring;

struct seen {
	uint32_t n;
	uint32_t seq[MAX_RECORDS];
	uint32_t value[MAX_RECORDS];
	bool bad_payload;
};

static int collect(void *ctx, uint32_t seq, const uint8_t *payload, size_t len)
{
	struct seen *s = ctx;

	if (len != PAYLOAD || s->n >= MAX_RECORDS) {
		return -1;
	}
	/* payload: the value twice, so a record can be checked against what was written */
	if (tinyml_get_le32(payload) != tinyml_get_le32(payload + 4) - 1u) {
		s->bad_payload = true;
	}
	s->seq[s->n] = seq;
	s->value[s->n] = tinyml_get_le32(payload);
	s->n++;
	return 0;
}

static int put(uint32_t value)
{
	uint8_t p[PAYLOAD];

	tinyml_put_le32(p, value);
	tinyml_put_le32(p + 4, value + 1u);
	return tinyml_flashring_append(&ring, p, sizeof(p), NULL);
}

static int remount_and_walk(struct seen *s)
{
	memset(s, 0, sizeof(*s));
	if (tinyml_flashring_mount(&ring, &fx.area, MAGIC, PAYLOAD) != 0) {
		return -1;
	}
	return tinyml_flashring_walk(&ring, collect, s);
}

/*
 * Values are appended as 1, 2, 3, ...; committed[] lists the ones whose append returned 0.
 * The walk must return whole records, in increasing order, ending with the last committed
 * value, and hold every committed value from @p keep_from on (no hole).
 */
static uint32_t count_lost(const struct seen *s, uint32_t last_committed, uint32_t keep_from,
			   const bool *committed)
{
	uint32_t lost = 0u;
	uint32_t v;
	uint32_t i = 0u;

	if (s->bad_payload) {
		return 1000u;
	}
	for (v = keep_from; v <= last_committed; v++) {
		if (!committed[v]) {
			continue;
		}
		while (i < s->n && s->value[i] < v) {
			i++;
		}
		if (i == s->n || s->value[i] != v) {
			lost++;
		}
	}
	return lost;
}

static bool committed[MAX_RECORDS];

/* Fills @p n_sectors sectors so that the next append opens (erases) the oldest one. */
static uint32_t fill_ring(uint32_t n_sectors)
{
	uint32_t per = (SECTOR - 32u) / 16u; /* 32-byte header, 16-byte records */
	uint32_t v;

	memset(committed, 0, sizeof(committed));
	for (v = 1u; v <= n_sectors * per; v++) {
		committed[v] = put(v) == 0;
	}
	return v - 1u;
}

TTEST(flash_faults, dead_sector_leaves_no_hole_and_keeps_the_degraded_capacity)
{
	uint32_t seed;

	for (seed = 0u; seed < 16u; seed++) {
		struct seen s;
		uint32_t last;
		uint32_t v;

		TT_ASSERT_EQ(fixture_init(&fx, 8u, SECTOR, 4u, 0u), 0);
		TT_ASSERT_EQ(tinyml_flashring_mount(&ring, &fx.area, MAGIC, PAYLOAD), 0);
		last = fill_ring(4u);
		tinyml_flash_sim_inject(&fx.sim, TINYML_FLASH_FAULT_ERASE_DEAD, 0u, seed);
		for (v = last + 1u; v <= last + 30u; v++) {
			committed[v] = put(v) == 0;
			TT_ASSERT(committed[v]);
		}
		last += 30u;
		TT_ASSERT_EQ(remount_and_walk(&s), 0);
		/* one sector gone: the newest (3 - 1) x 14 committed records are kept */
		TT_ASSERT_EQ(count_lost(&s, last, last - 27u, committed), 0u);
		TT_ASSERT(s.n >= 28u);
		/* and nothing older than a lost record is returned: no hole */
		for (v = 1u; v < s.n; v++) {
			TT_ASSERT_EQ(s.value[v], s.value[v - 1u] + 1u);
		}
		TT_ASSERT_EQ(s.value[s.n - 1u], last);
	}
}

TTEST(flash_faults, bad_sector_mark_survives_a_reset)
{
	struct seen s;
	uint32_t last;
	uint32_t dead_erases;
	uint32_t v;

	TT_ASSERT_EQ(fixture_init(&fx, 8u, SECTOR, 4u, 0u), 0);
	TT_ASSERT_EQ(tinyml_flashring_mount(&ring, &fx.area, MAGIC, PAYLOAD), 0);
	last = fill_ring(4u);
	tinyml_flash_sim_inject(&fx.sim, TINYML_FLASH_FAULT_ERASE_DEAD, 0u, 1u);
	TT_ASSERT_EQ(put(++last), 0);
	TT_ASSERT_EQ(fx.sim.n_dead, 1u);
	dead_erases = fx.erases[fx.sim.dead[0].off];
	/* after a reset, several trips around the ring never try the dead sector again */
	TT_ASSERT_EQ(remount_and_walk(&s), 0);
	for (v = 0u; v < 200u; v++) {
		TT_ASSERT_EQ(put(++last), 0);
		if (v % 50u == 0u) {
			TT_ASSERT_EQ(remount_and_walk(&s), 0);
		}
	}
	TT_ASSERT_EQ(fx.erases[fx.sim.dead[0].off], dead_erases);
	TT_ASSERT_EQ(remount_and_walk(&s), 0);
	TT_ASSERT_EQ(s.value[s.n - 1u], last);
}

TTEST(flash_faults, erase_failing_once_in_a_two_sector_area_never_loses_the_newest)
{
	uint32_t seed;

	for (seed = 0u; seed < 16u; seed++) {
		struct seen s;
		uint32_t last;

		TT_ASSERT_EQ(fixture_init(&fx, 8u, SECTOR, 2u, 0u), 0);
		TT_ASSERT_EQ(tinyml_flashring_mount(&ring, &fx.area, MAGIC, PAYLOAD), 0);
		last = fill_ring(2u);
		/* the oldest sector fails to erase, and the power goes in the next operation */
		tinyml_flash_sim_inject(&fx.sim, TINYML_FLASH_FAULT_ERASE_ONCE, 0u, seed);
		tinyml_flash_sim_cut_power(&fx.sim, 1u, seed);
		(void)put(last + 1u);
		tinyml_flash_sim_power_on(&fx.sim);
		TT_ASSERT_EQ(remount_and_walk(&s), 0);
		TT_ASSERT(s.n > 0u);
		/* the newest committed state is still there (or the one being written) */
		TT_ASSERT(s.value[s.n - 1u] == last || s.value[s.n - 1u] == last + 1u);
	}
}

TTEST(flash_faults, stuck_zero_bit_neither_stops_writes_nor_hides_committed_records)
{
	uint32_t seed;

	for (seed = 0u; seed < 48u; seed++) {
		struct seen s;
		uint32_t last;
		uint32_t v;
		uint32_t failed = 0u;

		TT_ASSERT_EQ(fixture_init(&fx, 8u, SECTOR, 4u, 0u), 0);
		fx.sim.program_erased_only = (seed & 1u) != 0u;
		TT_ASSERT_EQ(tinyml_flashring_mount(&ring, &fx.area, MAGIC, PAYLOAD), 0);
		last = fill_ring(4u);
		tinyml_flash_sim_inject(&fx.sim, TINYML_FLASH_FAULT_STUCK_ZERO, 0u, seed);
		for (v = last + 1u; v <= last + 40u; v++) {
			committed[v] = put(v) == 0;
			failed += committed[v] ? 0u : 1u;
		}
		last += 40u;
		TT_ASSERT_EQ(failed, 0u); /* the kill switch can still be written */
		TT_ASSERT_EQ(remount_and_walk(&s), 0);
		TT_ASSERT_EQ(count_lost(&s, last, last - 27u, committed), 0u);
		TT_ASSERT_EQ(s.value[s.n - 1u], last);
	}
}

TTEST(flash_faults, silently_failed_program_is_written_again)
{
	uint32_t seed;

	for (seed = 0u; seed < 32u; seed++) {
		struct seen s;
		uint32_t last;

		TT_ASSERT_EQ(fixture_init(&fx, 8u, SECTOR, 4u, 0u), 0);
		TT_ASSERT_EQ(tinyml_flashring_mount(&ring, &fx.area, MAGIC, PAYLOAD), 0);
		last = fill_ring(1u);
		tinyml_flash_sim_inject(&fx.sim, TINYML_FLASH_FAULT_PROGRAM_SILENT, 0u, seed);
		TT_ASSERT_EQ(put(++last), 0);
		committed[last] = true;
		TT_ASSERT_EQ(fx.sim.faults, 1u);
		TT_ASSERT_EQ(remount_and_walk(&s), 0);
		TT_ASSERT_EQ(count_lost(&s, last, 1u, committed), 0u);
		TT_ASSERT_EQ(s.value[s.n - 1u], last);
	}
}
