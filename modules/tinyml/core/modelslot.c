/*
 * A/B model slots with bound packages, a version floor, trials, a boot counter and rollback
 * (see tinyml/modelslot.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/log.h>
#include <tinyml/modelslot.h>
#include <tinyml/platform/time.h>

#include "le_bytes.h"

/*
 * State record: active u8, previous u8, trial u8, boots u8, floor u32,
 * active binding (version u32, sha256[32]), previous binding (version u32, sha256[32]).
 */
#define STATE_BYTES   80u
#define BINDING_BYTES 36u

struct slot_state {
	uint8_t active;
	uint8_t previous;
	uint8_t trial;
	uint8_t boots;
	uint32_t floor;
	struct tinyml_modelslot_binding bound[2];
};

static void current(const struct tinyml_modelslot *ms, struct slot_state *st)
{
	st->active = ms->active;
	st->previous = ms->previous;
	st->trial = ms->trial;
	st->boots = ms->boots;
	st->floor = ms->floor;
	st->bound[0] = ms->bound[0];
	st->bound[1] = ms->bound[1];
}

static void adopt(struct tinyml_modelslot *ms, const struct slot_state *st)
{
	ms->active = st->active;
	ms->previous = st->previous;
	ms->trial = st->trial;
	ms->boots = st->boots;
	ms->floor = st->floor;
	ms->bound[0] = st->bound[0];
	ms->bound[1] = st->bound[1];
}

static void encode(const struct slot_state *st, uint8_t *rec)
{
	uint32_t i;

	rec[0] = st->active;
	rec[1] = st->previous;
	rec[2] = st->trial;
	rec[3] = st->boots;
	tinyml_put_le32(rec + 4, st->floor);
	for (i = 0u; i < 2u; i++) {
		tinyml_put_le32(rec + 8u + i * BINDING_BYTES, st->bound[i].version);
		memcpy(rec + 12u + i * BINDING_BYTES, st->bound[i].sha256, 32u);
	}
}

static void decode(const uint8_t *rec, struct slot_state *st)
{
	uint32_t i;

	st->active = rec[0] <= 1u ? rec[0] : TINYML_MODELSLOT_NONE;
	st->previous = rec[1] <= 1u && rec[1] != rec[0] ? rec[1] : TINYML_MODELSLOT_NONE;
	st->trial = rec[2] != 0u ? 1u : 0u;
	st->boots = rec[3];
	st->floor = tinyml_get_le32(rec + 4);
	for (i = 0u; i < 2u; i++) {
		st->bound[i].version = tinyml_get_le32(rec + 8u + i * BINDING_BYTES);
		memcpy(st->bound[i].sha256, rec + 12u + i * BINDING_BYTES, 32u);
	}
}

/* Commits @p st; the RAM state follows only once it is on flash. */
static int persist(struct tinyml_modelslot *ms, const struct slot_state *st)
{
	uint8_t rec[STATE_BYTES];

	encode(st, rec);
	if (tinyml_statestore_write(&ms->store, rec, sizeof(rec)) != 0) {
		return -EIO;
	}
	adopt(ms, st);
	return 0;
}

static int verify_slot(struct tinyml_modelslot *ms, uint8_t slot, uint32_t min_version,
		       struct tinyml_modelpkg_info *info)
{
	struct tinyml_modelpkg_expect e = ms->expect;
	int rc;

	e.min_version = min_version;
	rc = tinyml_modelpkg_verify_area(ms->slot[slot], &e, info);
	/* what the runtime reads: flatbuffer, descriptors, arena figure */
	return rc != 0 ? rc : tinyml_modelpkg_check_model(ms->slot[slot], info);
}

/* The slot holds exactly the bound package, valid and at or above the floor. */
static bool slot_holds(struct tinyml_modelslot *ms, uint8_t slot,
		       const struct tinyml_modelslot_binding *b, struct tinyml_modelpkg_info *info)
{
	return slot <= 1u && verify_slot(ms, slot, ms->floor, info) == 0 &&
	       info->version == b->version && memcmp(info->sha256, b->sha256, 32u) == 0;
}

static void bind(struct tinyml_modelslot_binding *b, const struct tinyml_modelpkg_info *info)
{
	b->version = info->version;
	memcpy(b->sha256, info->sha256, sizeof(b->sha256));
}

/* Back to the previous confirmed package if its slot still holds it, else to no model. */
static int roll_back(struct tinyml_modelslot *ms, const char *why)
{
	struct tinyml_modelpkg_info info;
	struct slot_state st;

	current(ms, &st);
	TINYML_LOG_WRN("modelslot", "slot %u: %s: rolling back", (unsigned int)ms->active, why);
	ms->rollbacks++;
	if (slot_holds(ms, ms->previous, &ms->bound[1], &info)) {
		st.active = ms->previous;
		st.bound[0] = ms->bound[1];
		ms->info = info;
	} else {
		st.active = TINYML_MODELSLOT_NONE;
		memset(&st.bound[0], 0, sizeof(st.bound[0]));
	}
	st.previous = TINYML_MODELSLOT_NONE;
	memset(&st.bound[1], 0, sizeof(st.bound[1]));
	st.trial = 0u;
	st.boots = 0u;
	return persist(ms, &st); /* the floor stays */
}

/* Factory-blank state area: the valid slot with the highest version becomes the confirmed. */
static int adopt_factory_model(struct tinyml_modelslot *ms)
{
	struct tinyml_modelpkg_info info[2];
	struct slot_state st;
	int rc[2];
	uint8_t best;

	rc[0] = verify_slot(ms, 0u, 0u, &info[0]);
	rc[1] = verify_slot(ms, 1u, 0u, &info[1]);
	memset(&st, 0, sizeof(st));
	if (rc[0] != 0 && rc[1] != 0) {
		/* record that the state exists: a package uploaded later runs only after a trial */
		st.active = TINYML_MODELSLOT_NONE;
		st.previous = TINYML_MODELSLOT_NONE;
		rc[0] = persist(ms, &st);
		return rc[0] != 0 ? rc[0] : -ENOENT;
	}
	best = rc[0] != 0 || (rc[1] == 0 && info[1].version > info[0].version) ? 1u : 0u;
	st.active = best;
	st.previous = TINYML_MODELSLOT_NONE;
	st.floor = info[best].version;
	bind(&st.bound[0], &info[best]);
	ms->info = info[best];
	return persist(ms, &st);
}

static int restore(struct tinyml_modelslot *ms)
{
	uint8_t rec[STATE_BYTES];
	struct slot_state st;
	int rc = tinyml_statestore_read(&ms->store, rec, sizeof(rec));

	if (rc == -ENOENT && !tinyml_statestore_ever_written(&ms->store)) {
		return adopt_factory_model(ms);
	}
	if (rc == -ENOENT) {
		/* both copies lost: adopting now could run an untested or rolled-back model */
		TINYML_LOG_ERR("modelslot", "slot state lost: no model until a trial passes");
		return -ENOENT;
	}
	if (rc != 0) {
		return rc;
	}
	decode(rec, &st);
	adopt(ms, &st);
	if (ms->trial != 0u) {
		return roll_back(ms, "trial interrupted by a reset");
	}
	if (ms->active <= 1u && ms->boots >= TINYML_MODELSLOT_MAX_BOOTS) {
		return roll_back(ms, "boots without a healthy report");
	}
	return 0;
}

int tinyml_modelslot_init(struct tinyml_modelslot *ms, const struct tinyml_flash_area *slot_a,
			  const struct tinyml_flash_area *slot_b,
			  const struct tinyml_flash_area *state_area,
			  const struct tinyml_modelpkg_expect *expect,
			  const struct tinyml_modelslot_port *port)
{
	struct slot_state st;
	int rc;

	if (ms == NULL || slot_a == NULL || slot_b == NULL || state_area == NULL ||
	    expect == NULL || port == NULL || port->load == NULL || port->classify == NULL) {
		return -EINVAL;
	}
	memset(ms, 0, sizeof(*ms));
	ms->slot[0] = slot_a;
	ms->slot[1] = slot_b;
	ms->expect = *expect;
	ms->active = TINYML_MODELSLOT_NONE;
	ms->previous = TINYML_MODELSLOT_NONE;
	rc = tinyml_statestore_init(&ms->store, state_area, TINYML_MODELSLOT_MAGIC, STATE_BYTES);
	if (rc == 0) {
		rc = restore(ms);
	}
	if (rc == 0 && ms->active <= 1u && !slot_holds(ms, ms->active, &ms->bound[0], &ms->info)) {
		/* rewritten under us (an upload into the running slot) or gone bad in flash */
		rc = roll_back(ms, "slot no longer holds the confirmed package");
	}
	if (rc != 0) {
		return rc == -EIO || rc == -EINVAL ? rc : -ENOENT;
	}
	if (ms->active > 1u) {
		return -ENOENT;
	}
	/* count the boot before the model runs: a crash loop ends in a rollback */
	current(ms, &st);
	st.boots = (uint8_t)(ms->boots + 1u);
	rc = persist(ms, &st);
	if (rc == 0) {
		rc = port->load(port->ctx, ms->active, &ms->info);
	}
	if (rc != 0) {
		return rc == -EIO ? -EIO : -ENOENT;
	}
	ms->running = true;
	return 0;
}

static int run_selftest(const struct tinyml_modelslot_port *port,
			const struct tinyml_modelslot_selftest *t)
{
	uint32_t start = tinyml_platform_uptime_ms();
	uint32_t i;

	for (i = 0u; i < t->n_samples; i++) {
		uint16_t cls = 0u;
		int rc = port->classify(port->ctx, i, &cls);

		if (tinyml_platform_uptime_ms() - start > t->time_limit_ms) {
			return -ETIMEDOUT;
		}
		if (rc != 0 || cls != t->expected_class[i]) {
			return -ECANCELED;
		}
	}
	return 0;
}

int tinyml_modelslot_try_slot(struct tinyml_modelslot *ms, uint8_t slot,
			      const struct tinyml_modelslot_port *port,
			      const struct tinyml_modelslot_selftest *selftest)
{
	struct tinyml_modelpkg_info cand;
	struct tinyml_modelpkg_info old_info;
	struct slot_state before;
	struct slot_state st;
	uint32_t min_version;
	uint8_t old;
	int rc;

	if (ms == NULL || slot > 1u || port == NULL || selftest == NULL ||
	    selftest->expected_class == NULL || selftest->n_samples == 0u) {
		return -EINVAL;
	}
	old_info = ms->info;
	old = ms->running ? ms->active : TINYML_MODELSLOT_NONE;
	min_version = ms->floor;
	if (slot == old) {
		return -EBUSY;
	}
	if (old <= 1u && ms->bound[0].version > min_version) {
		min_version = ms->bound[0].version; /* no downgrade below the running model */
	}
	rc = verify_slot(ms, slot, min_version, &cand);
	if (rc != 0) {
		return rc;
	}
	current(ms, &before);
	st = before;
	st.active = slot;
	st.previous = old;
	st.trial = 1u;
	st.boots = 0u;
	bind(&st.bound[0], &cand);
	if (old <= 1u) {
		st.bound[1] = before.bound[0];
	} else {
		memset(&st.bound[1], 0, sizeof(st.bound[1]));
	}
	rc = persist(ms, &st);
	if (rc != 0) {
		return rc;
	}
	ms->running = false;
	rc = port->load(port->ctx, slot, &cand) == 0 ? run_selftest(port, selftest) : -ECANCELED;
	if (rc == 0) {
		st.trial = 0u;
		/* the replaced model (the rollback target) is the oldest allowed from now on;
		 * with none, the new one is */
		if (old <= 1u && st.bound[1].version > st.floor) {
			st.floor = st.bound[1].version;
		} else if (old > 1u && st.bound[0].version > st.floor) {
			st.floor = st.bound[0].version;
		}
		rc = persist(ms, &st);
		if (rc == 0) {
			ms->info = cand;
			ms->running = true;
		}
		return rc; /* on -EIO the next boot rolls back from the trial record */
	}
	TINYML_LOG_WRN("modelslot", "model in slot %u failed its self-test (%d): rolled back",
		       (unsigned int)slot, rc);
	ms->rollbacks++;
	st = before;
	st.previous = TINYML_MODELSLOT_NONE; /* the trial slot no longer holds it */
	memset(&st.bound[1], 0, sizeof(st.bound[1]));
	st.boots = 0u;
	if (old > 1u) {
		st.active = TINYML_MODELSLOT_NONE;
		memset(&st.bound[0], 0, sizeof(st.bound[0]));
	}
	if (persist(ms, &st) != 0) {
		return -EIO; /* the next boot rolls back from the trial record */
	}
	if (old <= 1u && port->load(port->ctx, old, &old_info) == 0) {
		ms->info = old_info;
		ms->running = true;
	}
	return rc;
}

int tinyml_modelslot_try(struct tinyml_modelslot *ms, const struct tinyml_modelslot_port *port,
			 const struct tinyml_modelslot_selftest *selftest)
{
	struct tinyml_modelpkg_info info[2];
	uint8_t slot;

	if (ms == NULL) {
		return -EINVAL;
	}
	if (ms->running) {
		slot = (uint8_t)(1u - ms->active);
	} else {
		int rc0 = verify_slot(ms, 0u, ms->floor, &info[0]);
		int rc1 = verify_slot(ms, 1u, ms->floor, &info[1]);

		slot = rc0 != 0 || (rc1 == 0 && info[1].version > info[0].version) ? 1u : 0u;
	}
	return tinyml_modelslot_try_slot(ms, slot, port, selftest);
}

int tinyml_modelslot_boot_ok(struct tinyml_modelslot *ms)
{
	struct slot_state st;

	if (ms == NULL || !ms->running) {
		return -ENOENT;
	}
	if (ms->boots == 0u || ms->trial != 0u) {
		return 0;
	}
	current(ms, &st);
	st.boots = 0u;
	return persist(ms, &st);
}

int tinyml_modelslot_install_allowed(const struct tinyml_modelslot *ms, uint8_t slot)
{
	if (ms == NULL || slot > 1u) {
		return -EINVAL;
	}
	if ((ms->running && slot == ms->active) || (ms->trial != 0u && slot == ms->previous)) {
		return -EBUSY;
	}
	return 0;
}

int tinyml_modelslot_active(const struct tinyml_modelslot *ms)
{
	return ms->running ? (int)ms->active : -ENOENT;
}

const struct tinyml_modelpkg_info *tinyml_modelslot_info(const struct tinyml_modelslot *ms)
{
	return ms->running ? &ms->info : NULL;
}

uint32_t tinyml_modelslot_confirmed_version(const struct tinyml_modelslot *ms)
{
	if (ms->active > 1u) {
		return 0u;
	}
	return ms->trial != 0u ? ms->bound[1].version : ms->bound[0].version;
}

uint32_t tinyml_modelslot_floor(const struct tinyml_modelslot *ms)
{
	return ms->floor;
}

uint32_t tinyml_modelslot_boot_count(const struct tinyml_modelslot *ms)
{
	return ms->boots;
}

uint32_t tinyml_modelslot_rollbacks(const struct tinyml_modelslot *ms)
{
	return ms->rollbacks;
}
