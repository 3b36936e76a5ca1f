/*
 * A/B model slots with trial, confirmation and rollback (see tinyml/modelslot.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/log.h>
#include <tinyml/modelslot.h>
#include <tinyml/platform/time.h>

#include "le_bytes.h"

/* Record payload: active u8, previous u8, trial u8, reserved u8, confirmed version u32. */
#define STATE_BYTES 8u

static int persist(struct tinyml_modelslot *ms, uint8_t active, uint8_t previous, uint8_t trial,
		   uint32_t confirmed_version)
{
	uint8_t rec[STATE_BYTES];

	rec[0] = active;
	rec[1] = previous;
	rec[2] = trial;
	rec[3] = 0u;
	tinyml_put_le32(rec + 4, confirmed_version);
	if (tinyml_flashring_append(&ms->ring, rec, sizeof(rec), NULL) != 0) {
		return -EIO;
	}
	ms->active = active;
	ms->previous = previous;
	ms->trial = trial;
	ms->confirmed_version = confirmed_version;
	return 0;
}

static int verify_slot(struct tinyml_modelslot *ms, uint8_t slot, uint32_t min_version,
		       struct tinyml_modelpkg_info *info)
{
	struct tinyml_modelpkg_expect e = ms->expect;

	e.min_version = min_version;
	return tinyml_modelpkg_verify_area(ms->slot[slot], &e, info);
}

/* First boot: the valid slot with the highest version becomes the confirmed one. */
static int adopt_factory_model(struct tinyml_modelslot *ms)
{
	struct tinyml_modelpkg_info info[2];
	int rc[2];
	uint8_t best;

	rc[0] = verify_slot(ms, 0u, 0u, &info[0]);
	rc[1] = verify_slot(ms, 1u, 0u, &info[1]);
	if (rc[0] != 0 && rc[1] != 0) {
		return -ENOENT;
	}
	best = rc[0] != 0 || (rc[1] == 0 && info[1].version > info[0].version) ? 1u : 0u;
	return persist(ms, best, TINYML_MODELSLOT_NONE, 0u, info[best].version);
}

int tinyml_modelslot_init(struct tinyml_modelslot *ms, const struct tinyml_flash_area *slot_a,
			  const struct tinyml_flash_area *slot_b,
			  const struct tinyml_flash_area *state_area,
			  const struct tinyml_modelpkg_expect *expect,
			  const struct tinyml_modelslot_port *port)
{
	uint8_t rec[STATE_BYTES];
	int rc;

	if (ms == NULL || slot_a == NULL || slot_b == NULL || expect == NULL || port == NULL ||
	    port->load == NULL || port->classify == NULL) {
		return -EINVAL;
	}
	memset(ms, 0, sizeof(*ms));
	ms->slot[0] = slot_a;
	ms->slot[1] = slot_b;
	ms->expect = *expect;
	ms->active = TINYML_MODELSLOT_NONE;
	ms->previous = TINYML_MODELSLOT_NONE;
	rc = tinyml_flashring_mount(&ms->ring, state_area, TINYML_MODELSLOT_MAGIC, STATE_BYTES);
	if (rc != 0) {
		return rc;
	}
	rc = tinyml_flashring_read_newest(&ms->ring, NULL, rec, sizeof(rec));
	if (rc == -ENOENT || (rc == 0 && rec[0] > 1u)) {
		rc = adopt_factory_model(ms);
	} else if (rc == 0) {
		ms->active = rec[0];
		ms->previous = rec[1] <= 1u ? rec[1] : TINYML_MODELSLOT_NONE;
		ms->trial = rec[2];
		ms->confirmed_version = tinyml_get_le32(rec + 4);
		if (ms->trial != 0u) {
			/* reset during a trial: the new model never passed */
			TINYML_LOG_WRN("modelslot", "trial of slot %u interrupted: rolling back",
				       (unsigned int)ms->active);
			ms->rollbacks++;
			rc = ms->previous <= 1u ? persist(ms, ms->previous, TINYML_MODELSLOT_NONE,
							  0u, ms->confirmed_version)
						: persist(ms, TINYML_MODELSLOT_NONE,
							  TINYML_MODELSLOT_NONE, 0u, 0u);
		}
	}
	if (rc != 0) {
		ms->active = TINYML_MODELSLOT_NONE;
		return rc;
	}
	if (ms->active > 1u) {
		return -ENOENT;
	}
	rc = verify_slot(ms, ms->active, 0u, &ms->info);
	if (rc != 0 && ms->previous <= 1u && verify_slot(ms, ms->previous, 0u, &ms->info) == 0) {
		/* the active copy went bad in flash: the previous confirmed model takes over */
		TINYML_LOG_ERR("modelslot", "slot %u invalid (%d): back to slot %u",
			       (unsigned int)ms->active, rc, (unsigned int)ms->previous);
		rc = persist(ms, ms->previous, TINYML_MODELSLOT_NONE, 0u, ms->info.version);
	}
	if (rc == 0) {
		rc = port->load(port->ctx, ms->active, &ms->info);
	}
	if (rc != 0) {
		ms->active = TINYML_MODELSLOT_NONE;
		return rc == -EIO ? -EIO : -ENOENT;
	}
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

int tinyml_modelslot_try(struct tinyml_modelslot *ms, const struct tinyml_modelslot_port *port,
			 const struct tinyml_modelslot_selftest *selftest)
{
	struct tinyml_modelpkg_info cand;
	uint8_t old = ms->active;
	uint8_t next = old <= 1u ? (uint8_t)(1u - old) : 0u;
	int rc;

	if (port == NULL || selftest == NULL || selftest->expected_class == NULL ||
	    selftest->n_samples == 0u) {
		return -EINVAL;
	}
	rc = verify_slot(ms, next, ms->confirmed_version, &cand);
	if (rc != 0) {
		return rc;
	}
	rc = persist(ms, next, old, 1u, ms->confirmed_version);
	if (rc != 0) {
		return rc;
	}
	rc = port->load(port->ctx, next, &cand);
	if (rc == 0) {
		rc = run_selftest(port, selftest);
	} else {
		rc = -ECANCELED;
	}
	if (rc == 0) {
		rc = persist(ms, next, old, 0u, cand.version);
		if (rc == 0) {
			ms->info = cand;
		}
		return rc;
	}
	TINYML_LOG_WRN("modelslot", "model in slot %u failed its self-test (%d): rolled back",
		       (unsigned int)next, rc);
	ms->rollbacks++;
	if (persist(ms, old, TINYML_MODELSLOT_NONE, 0u, ms->confirmed_version) != 0) {
		return -EIO; /* the next boot rolls back from the trial record */
	}
	if (old <= 1u && port->load(port->ctx, old, &ms->info) != 0) {
		ms->active = TINYML_MODELSLOT_NONE;
	}
	return rc;
}

int tinyml_modelslot_active(const struct tinyml_modelslot *ms)
{
	return ms->active <= 1u ? (int)ms->active : -ENOENT;
}

const struct tinyml_modelpkg_info *tinyml_modelslot_info(const struct tinyml_modelslot *ms)
{
	return ms->active <= 1u ? &ms->info : NULL;
}

uint32_t tinyml_modelslot_confirmed_version(const struct tinyml_modelslot *ms)
{
	return ms->confirmed_version;
}
