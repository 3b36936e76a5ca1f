/*
 * A/B model slots: which verified model runs, trying a new one, confirming or rolling back.
 *
 * Two flash areas hold model packages (tinyml/modelpkg.h); a small flash ring (power-cut safe,
 * tinyml/flashring.h) holds the slot state: the active slot, whether it is confirmed or on
 * trial, and the slot to go back to. A new package written to the inactive slot is tried
 * without a reboot: verified (including the downgrade rule against the confirmed version),
 * recorded as on trial, loaded by the port, and given the canned self-test set within a time
 * limit. It is confirmed if every sample gives its expected class in time; otherwise the
 * previous model is loaded again. A reset during the trial counts as a failure: the next
 * init restores the previous slot, so a power cut at any moment leaves a model that passed.
 */
#ifndef TINYML_MODELSLOT_H_
#define TINYML_MODELSLOT_H_

#include <stdint.h>

#include <tinyml/flashring.h>
#include <tinyml/modelpkg.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Magic of the slot-state ring ("TMS1"). */
#define TINYML_MODELSLOT_MAGIC 0x31534d54u
#define TINYML_MODELSLOT_NONE  0xFFu

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

/** State of the slots; fields are private to modelslot.c. */
struct tinyml_modelslot {
	const struct tinyml_flash_area *slot[2];
	struct tinyml_flashring ring;
	struct tinyml_modelpkg_expect expect;
	uint8_t active;   /* 0, 1 or TINYML_MODELSLOT_NONE */
	uint8_t previous; /* confirmed slot to go back to, or NONE */
	uint8_t trial;    /* 1 while the active slot is on trial */
	uint32_t confirmed_version;
	uint32_t rollbacks;
	struct tinyml_modelpkg_info info; /* of the active slot */
};

/**
 * @brief Restore the slot state, finish an interrupted trial by rolling back, verify and
 *        load the active model.
 *
 * On the first boot (no state) the slot with the highest valid version becomes active.
 *
 * @param expect The firmware's requirements; min_version is ignored (the slots keep their own).
 * @retval 0 if a verified model is active and loaded.
 * @retval -ENOENT if no slot holds a model this firmware can run (inference stays off).
 * @retval -EINVAL on bad arguments or a state area that does not fit.
 * @retval -EIO if the flash failed.
 */
int tinyml_modelslot_init(struct tinyml_modelslot *ms, const struct tinyml_flash_area *slot_a,
			  const struct tinyml_flash_area *slot_b,
			  const struct tinyml_flash_area *state_area,
			  const struct tinyml_modelpkg_expect *expect,
			  const struct tinyml_modelslot_port *port);

/**
 * @brief Try the package in the inactive slot: verify, switch, self-test, confirm or roll back.
 *
 * @retval 0 if the new model passed and is confirmed (and loaded).
 * @retval a modelpkg error (-EINVAL, -EBADMSG, -EPERM, -ENOTSUP, -ENOMEM, -ESTALE) if the
 *         package was refused; nothing changed.
 * @retval -ECANCELED if the self-test gave a wrong class; the previous model is back.
 * @retval -ETIMEDOUT if the self-test took too long; the previous model is back.
 * @retval -EIO if the flash failed.
 */
int tinyml_modelslot_try(struct tinyml_modelslot *ms, const struct tinyml_modelslot_port *port,
			 const struct tinyml_modelslot_selftest *selftest);

/** @brief Active slot (0 or 1), or -ENOENT if no model runs. */
int tinyml_modelslot_active(const struct tinyml_modelslot *ms);

/** @brief Package of the active model (NULL if none). */
const struct tinyml_modelpkg_info *tinyml_modelslot_info(const struct tinyml_modelslot *ms);

/** @brief Version of the confirmed model (packed), the floor for new packages. */
uint32_t tinyml_modelslot_confirmed_version(const struct tinyml_modelslot *ms);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_MODELSLOT_H_ */
