/*
 * A/B model slots: which verified model runs, trying a new one, confirming or rolling back.
 *
 * Two flash areas hold model packages (tinyml/modelpkg.h); a two-copy state store
 * (tinyml/statestore.h, power-cut and bad-sector safe) holds the slot state: the active slot and
 * the hash and version of the package confirmed there, whether it is on trial, the confirmed
 * slot to go back to (with its hash and version), a version floor that never decreases, and a
 * count of boots not yet reported healthy.
 *
 * A model runs only if its slot still holds exactly the package the state names (hash and
 * version) and its version is at or above the floor: a package written over the running slot,
 * or a slot that went bad, is never run; the previous confirmed package takes over if it is
 * intact, otherwise no model runs. A new package is tried without a reboot: verified (no
 * downgrade below the running version or the floor), recorded as on trial, loaded, given the
 * canned self-test set within a time limit, and confirmed or rolled back. A reset during a
 * trial, or TINYML_MODELSLOT_MAX_BOOTS boots in a row without tinyml_modelslot_boot_ok(), rolls
 * back to the previous confirmed model (or to none): never a boot loop. Once any state was
 * written, nothing is ever adopted without a trial; only a factory-blank state area adopts the
 * highest valid package (the one programmed in production).
 */
#ifndef TINYML_MODELSLOT_H_
#define TINYML_MODELSLOT_H_

#include <stdbool.h>
#include <stdint.h>

#include <tinyml/modelpkg.h>
#include <tinyml/statestore.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Magic of the slot-state store ("TMS2"). */
#define TINYML_MODELSLOT_MAGIC 0x32534d54u
#define TINYML_MODELSLOT_NONE  0xFFu
/** Boots of one model without tinyml_modelslot_boot_ok() after which it is rolled back. */
#ifndef TINYML_MODELSLOT_MAX_BOOTS
#define TINYML_MODELSLOT_MAX_BOOTS 3u
#endif

/** What the port does with models: load one, classify one canned sample with it. */
struct tinyml_modelslot_port {
	/** Make the model of @p slot the one inference uses; 0 or a negative errno. */
	int (*load)(void *ctx, uint8_t slot, const struct tinyml_modelpkg_info *info);
	/** Run canned sample @p sample through the loaded model; 0 or a negative errno. */
	int (*classify)(void *ctx, uint32_t sample, uint16_t *class_out);
	void *ctx;
};

/** The canned self-test set stored with the firmware. */
struct tinyml_modelslot_selftest {
	const uint16_t *expected_class; /**< one per sample */
	uint32_t n_samples;
	uint32_t time_limit_ms; /**< for the whole set */
};

/** A package the state binds: its version and SHA-256 (the MCUboot hash TLV). */
struct tinyml_modelslot_binding {
	uint32_t version;
	uint8_t sha256[32];
};

/** State of the slots; fields are private to modelslot.c. */
struct tinyml_modelslot {
	const struct tinyml_flash_area *slot[2];
	struct tinyml_statestore store;
	struct tinyml_modelpkg_expect expect;
	uint8_t active;   /* 0, 1 or TINYML_MODELSLOT_NONE */
	uint8_t previous; /* confirmed slot to go back to, or NONE */
	uint8_t trial;    /* 1 while the active slot is on trial */
	uint8_t boots;    /* boots of the active model not yet reported healthy */
	uint32_t floor;   /* lowest version that may run; never decreases */
	struct tinyml_modelslot_binding bound[2]; /* [0] active, [1] previous */
	bool running;                             /* the active model is loaded */
	uint32_t rollbacks;
	struct tinyml_modelpkg_info info; /* of the active slot */
};

/**
 * @brief Restore the slot state, finish an interrupted trial or a boot loop by rolling back,
 *        check the active slot against its binding, count the boot, and load the model.
 *
 * Call once per boot, before inference starts; then call tinyml_modelslot_boot_ok() once the
 * model has run long enough to be trusted (for example a minute with the watchdog fed).
 *
 * @param state_area At least 2 erase blocks (4 or more: each copy survives a retired sector).
 * @param expect The firmware's requirements; min_version is ignored (the state has the floor).
 * @retval 0 if a verified model is active and loaded.
 * @retval -ENOENT if no slot holds a model this firmware may run (inference stays off; a
 *         package waiting in a slot runs only after tinyml_modelslot_try() passes).
 * @retval -EINVAL on bad arguments or a state area that does not fit.
 * @retval -EIO if the flash failed.
 */
int tinyml_modelslot_init(struct tinyml_modelslot *ms, const struct tinyml_flash_area *slot_a,
			  const struct tinyml_flash_area *slot_b,
			  const struct tinyml_flash_area *state_area,
			  const struct tinyml_modelpkg_expect *expect,
			  const struct tinyml_modelslot_port *port);

/**
 * @brief Try the package in @p slot: verify, record the trial, load, self-test, confirm or
 *        roll back. The running slot cannot be tried (-EBUSY).
 *
 * The package must not be a downgrade: its version is at least the running model's and the
 * floor. On confirmation the floor rises to the version of the model it replaces (which stays
 * the rollback target), so older ones can never run again.
 *
 * @retval 0 if the new model passed and is confirmed (and loaded).
 * @retval -EBUSY if @p slot holds the running model.
 * @retval a modelpkg error (-EINVAL, -EBADMSG, -EPERM, -ENOTSUP, -ENOMEM, -ESTALE) if the
 *         package was refused; nothing changed.
 * @retval -ECANCELED if the model failed to load or gave a wrong class; the previous is back.
 * @retval -ETIMEDOUT if the self-test took too long; the previous model is back.
 * @retval -EIO if the flash failed.
 */
int tinyml_modelslot_try_slot(struct tinyml_modelslot *ms, uint8_t slot,
			      const struct tinyml_modelslot_port *port,
			      const struct tinyml_modelslot_selftest *selftest);

/**
 * @brief tinyml_modelslot_try_slot() on the slot that is not running (with no model running:
 *        the slot whose package verifies with the higher version).
 */
int tinyml_modelslot_try(struct tinyml_modelslot *ms, const struct tinyml_modelslot_port *port,
			 const struct tinyml_modelslot_selftest *selftest);

/**
 * @brief Report that the active model has run healthily since this boot: clears the boot count.
 *
 * @retval 0 on success (nothing written if the count was already 0).
 * @retval -ENOENT if no model runs.
 * @retval -EIO if the state could not be written.
 */
int tinyml_modelslot_boot_ok(struct tinyml_modelslot *ms);

/**
 * @brief Whether a package may be written into @p slot now (the upload handler asks before
 *        the first byte): never into the running slot (the model runs in place from it), nor
 *        into the rollback target during a trial.
 *
 * @retval 0 if allowed.
 * @retval -EBUSY if @p slot is in use.
 * @retval -EINVAL if @p slot is not 0 or 1.
 */
int tinyml_modelslot_install_allowed(const struct tinyml_modelslot *ms, uint8_t slot);

/** @brief Active slot (0 or 1), or -ENOENT if no model runs. */
int tinyml_modelslot_active(const struct tinyml_modelslot *ms);

/** @brief Package of the active model (NULL if none). */
const struct tinyml_modelpkg_info *tinyml_modelslot_info(const struct tinyml_modelslot *ms);

/** @brief Version of the confirmed model (packed), 0 if none. */
uint32_t tinyml_modelslot_confirmed_version(const struct tinyml_modelslot *ms);

/** @brief Lowest version that may run (packed); it never decreases. */
uint32_t tinyml_modelslot_floor(const struct tinyml_modelslot *ms);

/** @brief Boots of the active model not yet reported healthy. */
uint32_t tinyml_modelslot_boot_count(const struct tinyml_modelslot *ms);

/** @brief Rollbacks since init (interrupted trial, failed self-test, boot loop, bad slot). */
uint32_t tinyml_modelslot_rollbacks(const struct tinyml_modelslot *ms);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_MODELSLOT_H_ */
