/*
 * Fault sweeps of the field-safe state (issue 12, docs/field-state.md "Fault model"): every
 * fault class of the flash simulator (erase failing once, erase failing for good, a bit stuck
 * at 0 after erase, a program failing and saying so, a program failing silently) and the power
 * cut, at every flash operation of
 *   - event appends (the event log),
 *   - settings updates (local writes and signed messages: values and nonce together),
 *   - model installs, trials, confirmations, rollbacks and boots (the slot state),
 * as single faults, and as double faults (a flash fault, then a power cut in one of the next
 * operations); plus bit rot of every stored record of the two state stores. After each fault
 * the device reboots and the outcome is counted: committed records lost, state rolled back,
 * replays accepted, untested or below-floor models run, boot loops. Every count must be 0.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/eventlog.h>
#include <tinyml/modelslot.h>
#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "crypto_memo.h"
#include "eventlog_oracle.h"
#include "flash_fixture.h"
#include "test_pkg_builder.h"
#include "ttest.h"

/*
 * The sweeps are single-threaded: under ThreadSanitizer (make host-tsan), which slows them ten
 * times and checks nothing they do, they run one seed and one gap each; the full sweep, and its
 * 10,000-point floor, run in the AddressSanitizer build.
 */
#if defined(__SANITIZE_THREAD__)
#define FULL_SWEEP 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FULL_SWEEP 0
#endif
#endif
#ifndef FULL_SWEEP
#define FULL_SWEEP 1
#endif
#define SCALED(n) (FULL_SWEEP ? (n) : 1u)

/* fault classes: the simulator's flash faults, then the power cut */
#define CLASS_POWER_CUT ((uint32_t)TINYML_FLASH_FAULT_COUNT)
#define CLASSES         (CLASS_POWER_CUT + 1u)

struct fault_counts {
	uint64_t points;
	uint64_t double_points;
	uint64_t rot_points;
	uint64_t records_lost;
	uint64_t torn_returned;
	uint64_t state_rolled_back;
	uint64_t replays_accepted;
	uint64_t untested_runs;
	uint64_t below_floor_runs;
	uint64_t boot_loops;
	uint64_t writes_refused; /* informational: a write refused after a fault */
	uint64_t harness_failures;
};

static void arm(struct tinyml_flash_sim *sim, uint32_t cls, uint64_t k, uint32_t seed)
{
	if (cls == CLASS_POWER_CUT) {
		tinyml_flash_sim_cut_power(sim, k, seed);
	} else {
		tinyml_flash_sim_inject(sim, (enum tinyml_flash_sim_fault)cls, k, seed);
	}
}

/* ------------------------------------------------------------------ event log */

#define LOG_EVENTS   120u
#define LOG_AFTER    20u
#define LOG_SECTORS  4u
#define LOG_SECTOR   512u
#define LOG_SEEDS    SCALED(5u)
#define LOG_MAX_GAP  SCALED(5u)
#define LOG_PER_SECT ((LOG_SECTOR - 32u) / 48u)

static struct flash_fixture fx;
static struct tinyml_eventlog elog;
static struct oracle orc;

static const struct tinyml_eventlog_config log_cfg = {
	.batch_events = 4u,
	.flush_interval_ms = 2000u,
	.min_flush_interval_ms = 500u,
};

static void log_events(uint32_t *id, uint32_t n, uint32_t *now_ms)
{
	uint32_t before = tinyml_eventlog_committed_count(&elog);
	uint32_t i;

	for (i = 0u; i < n && fx.sim.powered; i++) {
		struct tinyml_event ev = oracle_event(*id);

		(void)tinyml_eventlog_append(&elog, &ev, *now_ms);
		oracle_after_call(&orc, &elog, &before, *id, true);
		(*id)++;
		*now_ms += 300u;
		(void)tinyml_eventlog_poll(&elog, *now_ms);
		oracle_after_call(&orc, &elog, &before, 0u, false);
	}
	if (fx.sim.powered) {
		(void)tinyml_eventlog_flush(&elog, *now_ms);
		oracle_after_call(&orc, &elog, &before, 0u, false);
	}
}

/* Records guaranteed to survive: one trip around the live sectors, less the slots faults and
 * cuts may spoil. A sector with a defect (dead or stuck bit) counts as lost. */
static uint32_t log_window(void)
{
	uint32_t defects = fx.sim.n_dead + fx.sim.n_stuck;
	uint32_t live = LOG_SECTORS - (defects < LOG_SECTORS ? defects : LOG_SECTORS);

	return live < 2u ? 0u : (live - 1u) * LOG_PER_SECT - 3u;
}

static void log_reboot_check(struct fault_counts *c)
{
	int walk_rc;

	tinyml_flash_sim_power_on(&fx.sim);
	oracle_reboot(&orc);
	if (tinyml_eventlog_init(&elog, &fx.area, &log_cfg) != 0) {
		c->harness_failures++;
		return;
	}
	c->records_lost += oracle_check(&orc, &elog, log_window(), &walk_rc);
	c->torn_returned += orc.torn_returned + orc.out_of_order;
	c->harness_failures += walk_rc != 0 ? 1u : 0u;
}

static int log_start(void)
{
	memset(&orc, 0, sizeof(orc));
	if (fixture_init(&fx, 8u, LOG_SECTOR, LOG_SECTORS, 0u) != 0) {
		return -1;
	}
	return tinyml_eventlog_init(&elog, &fx.area, &log_cfg);
}

static void log_point(struct fault_counts *c, uint32_t cls, uint64_t k, uint32_t seed,
		      uint64_t cut_after)
{
	uint32_t id = 1u;
	uint32_t now = 0u;

	if (log_start() != 0) {
		c->harness_failures++;
		return;
	}
	arm(&fx.sim, cls, k, seed);
	if (cut_after != 0u) {
		tinyml_flash_sim_cut_power(&fx.sim, k + cut_after, seed);
	}
	log_events(&id, LOG_EVENTS, &now);
	log_reboot_check(c);
	log_events(&id, LOG_AFTER, &now);
	log_reboot_check(c);
}

static int log_sweep(struct fault_counts *c)
{
	uint32_t id = 1u;
	uint32_t now = 0u;
	uint64_t ops;
	uint64_t k;
	uint32_t cls;
	uint32_t s;

	if (log_start() != 0) {
		return -1;
	}
	log_events(&id, LOG_EVENTS, &now);
	ops = fx.sim.ops;
	for (cls = 0u; cls < CLASSES; cls++) {
		for (k = 0u; k < ops; k++) {
			for (s = 0u; s < LOG_SEEDS; s++) {
				log_point(c, cls, k, (uint32_t)(k * 31u + s), 0u);
				c->points++;
			}
		}
	}
	for (cls = 0u; cls < CLASS_POWER_CUT; cls++) {
		for (k = 0u; k < ops; k++) {
			for (s = 1u; s <= LOG_MAX_GAP; s++) {
				log_point(c, cls, k, (uint32_t)(k * 17u + s), s);
				c->double_points++;
			}
		}
	}
	return ops >= LOG_EVENTS ? 0 : -1;
}

/* ------------------------------------------------------------------ settings */

#define SET_STEPS   14u
#define SET_SECTORS 4u
#define SET_SECTOR  256u
#define SET_SEEDS   SCALED(5u)
#define SET_MAX_GAP SCALED(4u)
#define SET_DEVICE  9u

static struct tinyml_settings st;
static struct test_signer op_key;
static uint8_t set_msgs[2][128];
static size_t set_msg_len[2];

struct set_state {
	uint64_t nonce;
	int32_t v[TINYML_SETTING_COUNT];
};

static void set_take(struct set_state *s)
{
	uint32_t i;

	s->nonce = tinyml_settings_nonce(&st);
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		s->v[i] = tinyml_settings_get(&st, (enum tinyml_setting_id)i, UINT64_MAX);
	}
}

static int set_make_messages(void)
{
	uint32_t m;

	for (m = 0u; m < 2u; m++) {
		uint8_t *buf = set_msgs[m];
		uint8_t *p = buf + TINYML_SETTINGS_MSG_HEADER_BYTES;
		size_t len = TINYML_SETTINGS_MSG_HEADER_BYTES + TINYML_SETTINGS_MSG_OP_BYTES;

		memset(buf, 0, sizeof(set_msgs[m]));
		tinyml_put_le32(buf, TINYML_SETTINGS_MSG_MAGIC);
		buf[4] = TINYML_SETTINGS_MSG_VERSION;
		buf[5] = 1u;
		tinyml_put_le32(buf + 8, SET_DEVICE);
		tinyml_put_le64(buf + 12, 40u + m);
		p[0] = TINYML_SETTINGS_OP_SET;
		p[1] = (uint8_t)(TINYML_SETTING_THRESHOLD_0 + m);
		tinyml_put_le32(p + 4, 3000u + m);
		if (test_signer_sign(&op_key, buf, len, buf + len) != 0) {
			return -1;
		}
		set_msg_len[m] = len + TINYML_SETTINGS_MSG_SIG_BYTES;
	}
	return 0;
}

/* Steps 3 and 10 are signed messages; the others local writes. */
static int set_step(uint32_t k)
{
	if (k == 3u || k == 10u) {
		return tinyml_settings_apply_message(&st, set_msgs[k == 3u ? 0u : 1u],
						     set_msg_len[k == 3u ? 0u : 1u], 0u, 0u);
	}
	return tinyml_settings_set(
		&st, k % 2u == 0u ? TINYML_SETTING_TRIGGER_LEVEL : TINYML_SETTING_DEBOUNCE_MS,
		(int32_t)(100u + k));
}

/* The state step @p k leads to from @p s. */
static void set_apply_expected(struct set_state *s, uint32_t k)
{
	if (k == 3u || k == 10u) {
		uint32_t m = k == 3u ? 0u : 1u;

		s->nonce = 40u + m;
		s->v[TINYML_SETTING_THRESHOLD_0 + m] = (int32_t)(3000u + m);
	} else {
		s->v[k % 2u == 0u ? TINYML_SETTING_TRIGGER_LEVEL : TINYML_SETTING_DEBOUNCE_MS] =
			(int32_t)(100u + k);
	}
}

static int set_boot(void)
{
	return tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, SET_DEVICE);
}

static void set_check(struct fault_counts *c, const struct set_state *acked,
		      const struct set_state *pending, uint64_t acked_msg_nonce, bool replay)
{
	struct set_state now;

	tinyml_flash_sim_power_on(&fx.sim);
	if (set_boot() != 0) {
		c->harness_failures++;
		return;
	}
	set_take(&now);
	if (memcmp(&now, acked, sizeof(now)) != 0 &&
	    (pending == NULL || memcmp(&now, pending, sizeof(now)) != 0)) {
		c->state_rolled_back++;
	}
	if (acked_msg_nonce != 0u && now.nonce < acked_msg_nonce) {
		c->replays_accepted++;
	}
	if (replay && acked_msg_nonce != 0u &&
	    tinyml_settings_apply_message(&st, set_msgs[acked_msg_nonce - 40u],
					  set_msg_len[acked_msg_nonce - 40u], 0u,
					  0u) != -EALREADY) {
		c->replays_accepted++;
	}
}

static void set_point(struct fault_counts *c, uint32_t cls, uint64_t k, uint32_t seed,
		      uint64_t cut_after)
{
	struct set_state acked;
	struct set_state pending;
	bool interrupted = false;
	uint64_t acked_msg_nonce = 0u;
	uint32_t step;

	if (fixture_init(&fx, 8u, SET_SECTOR, SET_SECTORS, 0u) != 0 || set_boot() != 0) {
		c->harness_failures++;
		return;
	}
	arm(&fx.sim, cls, k, seed);
	if (cut_after != 0u) {
		tinyml_flash_sim_cut_power(&fx.sim, k + cut_after, seed);
	}
	set_take(&acked);
	pending = acked;
	for (step = 0u; step < SET_STEPS && fx.sim.powered; step++) {
		pending = acked;
		set_apply_expected(&pending, step);
		if (set_step(step) == 0) {
			acked = pending;
			acked_msg_nonce = step == 3u || step == 10u ? acked.nonce : acked_msg_nonce;
		} else if (fx.sim.powered) {
			c->writes_refused++;
			/* a refused write may still have landed in one copy only if the power went
			 */
		}
		interrupted = !fx.sim.powered;
	}
	set_check(c, &acked, interrupted ? &pending : NULL, acked_msg_nonce, k % 8u == 0u);
	/* the device keeps working: one more write, and it is what a reboot finds */
	set_take(&acked);
	if (tinyml_settings_set(&st, TINYML_SETTING_CALIBRATION_BASELINE, -7) == 0) {
		acked.v[TINYML_SETTING_CALIBRATION_BASELINE] = -7;
	} else {
		c->writes_refused++;
	}
	set_check(c, &acked, NULL, 0u, false);
}

/* Rot one programmed bit of every stored record and sector header, one at a time. */
static void set_rot_sweep(struct fault_counts *c)
{
	static uint8_t image[SET_SECTORS * SET_SECTOR];
	struct set_state final;
	uint32_t off;
	uint32_t step;

	if (fixture_init(&fx, 8u, SET_SECTOR, SET_SECTORS, 0u) != 0 || set_boot() != 0) {
		c->harness_failures++;
		return;
	}
	for (step = 0u; step < SET_STEPS; step++) {
		if (set_step(step) != 0) {
			c->harness_failures++;
		}
	}
	set_take(&final);
	memcpy(image, fx.mem, sizeof(image));
	for (off = 0u; off < sizeof(image); off += 8u) {
		uint8_t bit;

		if (image[off] == 0xFFu) {
			continue;
		}
		memcpy(fx.mem, image, sizeof(image));
		for (bit = 0u; bit < 8u; bit++) {
			if (tinyml_flash_sim_rot(&fx.area, off, (uint8_t)((bit + off) % 8u)) == 0) {
				break;
			}
		}
		set_check(c, &final, NULL, 41u, false);
		c->rot_points++;
	}
}

static int set_sweep(struct fault_counts *c)
{
	uint64_t ops;
	uint64_t k;
	uint32_t cls;
	uint32_t s;

	if (fixture_init(&fx, 8u, SET_SECTOR, SET_SECTORS, 0u) != 0 || set_boot() != 0) {
		return -1;
	}
	for (s = 0u; s < SET_STEPS; s++) {
		if (set_step(s) != 0) {
			return -1;
		}
	}
	ops = fx.sim.ops;
	for (cls = 0u; cls < CLASSES; cls++) {
		for (k = 0u; k < ops; k++) {
			for (s = 0u; s < SET_SEEDS; s++) {
				set_point(c, cls, k, (uint32_t)(k * 13u + s), 0u);
				c->points++;
			}
		}
	}
	for (cls = 0u; cls < CLASS_POWER_CUT; cls++) {
		for (k = 0u; k < ops; k++) {
			for (s = 1u; s <= SET_MAX_GAP; s++) {
				set_point(c, cls, k, (uint32_t)(k * 7u + s), s);
				c->double_points++;
			}
		}
	}
	set_rot_sweep(c);
	return ops >= 2u * SET_STEPS ? 0 : -1;
}

/* ------------------------------------------------------------------ model slots */

#define SLOT_BYTES    (8u * 1024u)
#define MS_STATE      1024u
#define MS_SEEDS      SCALED(4u)
#define MS_MAX_GAP    SCALED(3u)
#define V_A           TINYML_MODELPKG_VERSION(1, 1, 0)
#define V_B           TINYML_MODELPKG_VERSION(1, 2, 0)
#define V_C           TINYML_MODELPKG_VERSION(1, 3, 9) /* fails its self-test */
#define MS_EXTRA_BOOT (TINYML_MODELSLOT_MAX_BOOTS + 2u)

struct ms_rig {
	struct tinyml_flash_sim slot_sim, state_sim;
	struct tinyml_flash_area slot_a, slot_b, state;
	uint8_t mem_a[SLOT_BYTES], mem_b[SLOT_BYTES], mem_state[MS_STATE];
	uint32_t er_a[2], er_b[2], er_state[4];
};

static struct ms_rig rig;
static struct ms_rig rig_start;
static struct tinyml_modelslot ms;
static struct test_signer pkg_key;
static uint8_t spki[91];
static uint8_t pkg_b[SLOT_BYTES];
static uint8_t pkg_c[SLOT_BYTES];
static size_t pkg_b_len;
static size_t pkg_c_len;
static uint32_t loaded_version;
static bool loaded;

static const uint16_t expected[3] = {1, 0, 1};
static const struct tinyml_modelslot_selftest selftest = {expected, 3u, 10000u};

static int ms_load(void *ctx, uint8_t slot, const struct tinyml_modelpkg_info *info)
{
	(void)ctx;
	(void)slot;
	loaded_version = info->version;
	loaded = true;
	return 0;
}

static int ms_classify(void *ctx, uint32_t sample, uint16_t *cls)
{
	(void)ctx;
	*cls = (loaded_version & 0xFFFFu) == 9u ? (uint16_t)(1u - expected[sample])
						: expected[sample];
	return 0;
}

static const struct tinyml_modelslot_port ms_port = {ms_load, ms_classify, NULL};

/* Re-points the areas at this rig (after a struct copy). */
static void ms_fix_pointers(void)
{
	rig.slot_a.sim = &rig.slot_sim;
	rig.slot_b.sim = &rig.slot_sim;
	rig.state.sim = &rig.state_sim;
	rig.slot_a.mem = rig.mem_a;
	rig.slot_b.mem = rig.mem_b;
	rig.state.mem = rig.mem_state;
	rig.slot_a.erase_counts = rig.er_a;
	rig.slot_b.erase_counts = rig.er_b;
	rig.state.erase_counts = rig.er_state;
}

static int ms_boot(void)
{
	struct tinyml_modelpkg_expect e = {
		spki, tpkg_manifest_digest, TPKG_RUNTIME_ID, TPKG_PIPELINE_ID, TPKG_ARENA, 0u, 0u};

	loaded = false;
	return tinyml_modelslot_init(&ms, &rig.slot_a, &rig.slot_b, &rig.state, &e, &ms_port);
}

static int ms_install(struct tinyml_flash_area *slot, const uint8_t *p, size_t len)
{
	if (tinyml_platform_flash_erase(slot, 0u, SLOT_BYTES) != 0) {
		return -1;
	}
	return tinyml_platform_flash_program(slot, 0u, p, (len + 7u) / 8u * 8u);
}

static int ms_setup(void)
{
	struct tinyml_flash_geometry slot_geo = {8u, 4096u, SLOT_BYTES};
	struct tinyml_flash_geometry state_geo = {8u, 256u, MS_STATE};
	size_t len;

	tinyml_flash_sim_init(&rig.slot_sim);
	tinyml_flash_sim_init(&rig.state_sim);
	rig.state_sim.program_erased_only = true;
	if (tinyml_flash_sim_area_init(&rig.slot_a, &rig.slot_sim, rig.mem_a, rig.er_a, &slot_geo,
				       0u) ||
	    tinyml_flash_sim_area_init(&rig.slot_b, &rig.slot_sim, rig.mem_b, rig.er_b, &slot_geo,
				       0u) ||
	    tinyml_flash_sim_area_init(&rig.state, &rig.state_sim, rig.mem_state, rig.er_state,
				       &state_geo, 0u) ||
	    test_signer_init(&pkg_key, 0x5C) != 0) {
		return -1;
	}
	tpkg_spki(&pkg_key, spki);
	len = tpkg_build(pkg_b, sizeof(pkg_b), &pkg_key, 1, 1, 0, 2000u, 1u); /* A */
	if (len == 0u || ms_install(&rig.slot_a, pkg_b, len) != 0 || ms_boot() != 0 ||
	    tinyml_modelslot_boot_ok(&ms) != 0) {
		return -1;
	}
	pkg_b_len = tpkg_build(pkg_b, sizeof(pkg_b), &pkg_key, 1, 2, 0, 2000u, 2u);
	pkg_c_len = tpkg_build(pkg_c, sizeof(pkg_c), &pkg_key, 1, 3, 9, 2000u, 3u);
	if (pkg_b_len == 0u || pkg_c_len == 0u) {
		return -1;
	}
	rig_start = rig;
	return 0;
}

/* The field life after the fault: install B, try it, boot, install C (fails), try, boot. */
static void ms_scenario(uint32_t *acked_version)
{
	struct tinyml_flash_sim *sim = &rig.state_sim;

	*acked_version = V_A;
	if (ms_install(&rig.slot_b, pkg_b, pkg_b_len) != 0) {
		return;
	}
	if (tinyml_modelslot_try(&ms, &ms_port, &selftest) == 0) {
		*acked_version = V_B;
	}
	if (!sim->powered || ms_boot() != 0 || !sim->powered) {
		return;
	}
	(void)tinyml_modelslot_boot_ok(&ms);
	if (!sim->powered || tinyml_modelslot_install_allowed(&ms, 0u) != 0 ||
	    ms_install(&rig.slot_a, pkg_c, pkg_c_len) != 0) {
		return;
	}
	(void)tinyml_modelslot_try(&ms, &ms_port, &selftest);
	if (!sim->powered || ms_boot() != 0) {
		return;
	}
	(void)tinyml_modelslot_boot_ok(&ms);
}

/* After the reboot: what runs must have passed its self-test, be at or above the floor, not
 * be older than the last acknowledged confirmation; repeated boots must end, not loop. */
static void ms_check(struct fault_counts *c, uint32_t acked_version)
{
	uint32_t same_model_boots = 0u;
	uint32_t last = 0u;
	uint32_t i;
	int rc;

	tinyml_flash_sim_power_on(&rig.state_sim);
	rc = ms_boot();
	if (rc != 0 && rc != -ENOENT) {
		c->boot_loops++;
		return;
	}
	if (loaded && loaded_version == V_C) {
		c->untested_runs++;
	}
	if (loaded && loaded_version < tinyml_modelslot_floor(&ms)) {
		c->below_floor_runs++;
	}
	if (!loaded || loaded_version < acked_version) {
		c->state_rolled_back++;
	}
	/* a model that never reports healthy (it crashes): at most MAX_BOOTS boots of it */
	for (i = 0u; i < MS_EXTRA_BOOT; i++) {
		rc = ms_boot();
		if (rc != 0 && rc != -ENOENT) {
			c->boot_loops++;
			return;
		}
		same_model_boots = loaded && loaded_version == last ? same_model_boots + 1u : 1u;
		last = loaded ? loaded_version : 0u;
		if (loaded && loaded_version == V_C) {
			c->untested_runs++;
		}
	}
	if (loaded && same_model_boots > TINYML_MODELSLOT_MAX_BOOTS) {
		c->boot_loops++;
	}
}

static void ms_point(struct fault_counts *c, uint32_t cls, uint64_t k, uint32_t seed,
		     uint64_t cut_after)
{
	uint32_t acked;

	rig = rig_start;
	ms_fix_pointers();
	if (ms_boot() != 0 || tinyml_modelslot_boot_ok(&ms) != 0) {
		c->harness_failures++;
		return;
	}
	rig.state_sim.ops = 0u;
	arm(&rig.state_sim, cls, k, seed);
	if (cut_after != 0u) {
		tinyml_flash_sim_cut_power(&rig.state_sim, k + cut_after, seed);
	}
	ms_scenario(&acked);
	ms_check(c, acked);
}

static void ms_rot_sweep(struct fault_counts *c)
{
	static uint8_t image[MS_STATE];
	uint32_t acked;
	uint32_t off;

	rig = rig_start;
	ms_fix_pointers();
	if (ms_boot() != 0 || tinyml_modelslot_boot_ok(&ms) != 0) {
		c->harness_failures++;
		return;
	}
	ms_scenario(&acked);
	memcpy(image, rig.mem_state, sizeof(image));
	for (off = 0u; off < sizeof(image); off += 8u) {
		uint8_t bit;

		if (image[off] == 0xFFu) {
			continue;
		}
		memcpy(rig.mem_state, image, sizeof(image));
		for (bit = 0u; bit < 8u; bit++) {
			if (tinyml_flash_sim_rot(&rig.state, off, (uint8_t)((bit + off) % 8u)) ==
			    0) {
				break;
			}
		}
		ms_check(c, acked);
		c->rot_points++;
	}
}

static int ms_sweep(struct fault_counts *c)
{
	uint32_t acked;
	uint64_t ops;
	uint64_t k;
	uint32_t cls;
	uint32_t s;

	if (ms_setup() != 0) {
		return -1;
	}
	rig = rig_start;
	ms_fix_pointers();
	if (ms_boot() != 0 || tinyml_modelslot_boot_ok(&ms) != 0) {
		return -1;
	}
	rig.state_sim.ops = 0u;
	ms_scenario(&acked);
	ops = rig.state_sim.ops;
	if (acked != V_B || loaded_version != V_B) {
		return -1; /* the scenario itself must work */
	}
	for (cls = 0u; cls < CLASSES; cls++) {
		for (k = 0u; k < ops; k++) {
			for (s = 0u; s < MS_SEEDS; s++) {
				ms_point(c, cls, k, (uint32_t)(k * 11u + s), 0u);
				c->points++;
			}
		}
	}
	for (cls = 0u; cls < CLASS_POWER_CUT; cls++) {
		for (k = 0u; k < ops; k++) {
			for (s = 1u; s <= MS_MAX_GAP; s++) {
				ms_point(c, cls, k, (uint32_t)(k * 5u + s), s);
				c->double_points++;
			}
		}
	}
	ms_rot_sweep(c);
	test_signer_free(&pkg_key);
	return ops >= 16u ? 0 : -1;
}

/* ------------------------------------------------------------------ all of it */

static int run_all(struct fault_counts *log_c, struct fault_counts *set_c,
		   struct fault_counts *ms_c)
{
	int rc;

	memset(log_c, 0, sizeof(*log_c));
	memset(set_c, 0, sizeof(*set_c));
	memset(ms_c, 0, sizeof(*ms_c));
	tinyml_host_crypto_memo(true);
	rc = log_sweep(log_c);
	if (rc == 0) {
		rc = test_signer_init(&op_key, 0x2B) == 0 && set_make_messages() == 0 ? 0 : -1;
	}
	if (rc == 0) {
		rc = set_sweep(set_c);
		test_signer_free(&op_key);
	}
	if (rc == 0) {
		rc = ms_sweep(ms_c);
	}
	tinyml_host_crypto_memo(false);
	return rc;
}

static uint64_t all_points(const struct fault_counts *c)
{
	return c->points + c->double_points + c->rot_points;
}

#define SUM(field) (l.field + s.field + m.field)

TTEST(state_faults, every_fault_class_at_every_write)
{
	struct fault_counts l;
	struct fault_counts s;
	struct fault_counts m;

	TT_ASSERT_EQ(run_all(&l, &s, &m), 0);
	TT_ASSERT(all_points(&l) + all_points(&s) + all_points(&m) >=
		  (FULL_SWEEP ? 10000u : 2000u));
	TT_ASSERT(l.double_points > 0u && s.rot_points > 0u && m.rot_points > 0u);
	TT_ASSERT_EQ(SUM(harness_failures), 0u);
	TT_ASSERT_EQ(SUM(records_lost), 0u);
	TT_ASSERT_EQ(SUM(torn_returned), 0u);
	TT_ASSERT_EQ(SUM(state_rolled_back), 0u);
	TT_ASSERT_EQ(SUM(replays_accepted), 0u);
	TT_ASSERT_EQ(SUM(untested_runs), 0u);
	TT_ASSERT_EQ(SUM(below_floor_runs), 0u);
	TT_ASSERT_EQ(SUM(boot_loops), 0u);
}

TBENCH(state_faults)
{
	struct fault_counts l;
	struct fault_counts s;
	struct fault_counts m;

	if (run_all(&l, &s, &m) != 0) {
		ttest_fail(__FILE__, __LINE__, "fault sweeps failed to run");
		return;
	}
	ttest_figure("state.faults.points_tested",
		     (long long)(all_points(&l) + all_points(&s) + all_points(&m)));
	ttest_figure("state.faults.single_fault_points", (long long)SUM(points));
	ttest_figure("state.faults.double_fault_points", (long long)SUM(double_points));
	ttest_figure("state.faults.bit_rot_points", (long long)SUM(rot_points));
	ttest_figure("state.faults.eventlog_points", (long long)all_points(&l));
	ttest_figure("state.faults.settings_points", (long long)all_points(&s));
	ttest_figure("state.faults.modelslot_points", (long long)all_points(&m));
	ttest_figure("state.faults.committed_records_lost", (long long)SUM(records_lost));
	ttest_figure("state.faults.torn_records_returned", (long long)SUM(torn_returned));
	ttest_figure("state.faults.state_rolled_back", (long long)SUM(state_rolled_back));
	ttest_figure("state.faults.replays_accepted", (long long)SUM(replays_accepted));
	ttest_figure("state.faults.untested_models_run", (long long)SUM(untested_runs));
	ttest_figure("state.faults.below_floor_models_run", (long long)SUM(below_floor_runs));
	ttest_figure("state.faults.boot_loops", (long long)SUM(boot_loops));
	ttest_figure("state.faults.writes_refused", (long long)SUM(writes_refused));
	ttest_figure("state.faults.harness_failures", (long long)SUM(harness_failures));
}
