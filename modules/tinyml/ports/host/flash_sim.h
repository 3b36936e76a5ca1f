/*
 * NOR flash simulator of the host port: the flash seam for tests, with fault injection.
 *
 * One simulated chip (struct tinyml_flash_sim) powers any number of areas. It enforces the
 * rules of NOR flash (erase sets 0xFF, program only clears bits, aligned writes), wears a
 * sector out after a configurable number of erases, and can cut power at any program or erase,
 * leaving that operation torn: a random prefix done, the byte after it half done (or, now and
 * then, the whole operation done but reported as failed).
 *
 * Besides power cuts it injects the faults of NOR flash that is not losing power
 * (tinyml_flash_sim_inject()): an erase that fails once or for good, a bit that stays 0 after
 * every erase, a program that fails and says so or that fails silently, and bit rot of stored
 * data (tinyml_flash_sim_rot()). docs/field-state.md states the model and its limits.
 */
#ifndef TINYML_PORTS_HOST_FLASH_SIM_H_
#define TINYML_PORTS_HOST_FLASH_SIM_H_

#include <stdbool.h>
#include <stdint.h>

#include <tinyml/platform/flash.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_FLASH_SIM_NEVER       UINT64_MAX
/** Most stuck bits and dead sectors one chip records. */
#define TINYML_FLASH_SIM_MAX_DEFECTS 8u

/** Faults of the flash itself (no power cut), injected at one operation. */
enum tinyml_flash_sim_fault {
	/** The erase fails (-EIO), leaving the sector partly erased; later erases work. */
	TINYML_FLASH_FAULT_ERASE_ONCE = 0,
	/** The sector fails this and every later erase (-EIO), partly erased each time. */
	TINYML_FLASH_FAULT_ERASE_DEAD = 1,
	/** The erase reports success but one bit of the sector stays 0, now and after every
	 *  later erase (a stuck cell). */
	TINYML_FLASH_FAULT_STUCK_ZERO = 2,
	/** The program writes a random prefix, part of the next byte, and returns -EIO. */
	TINYML_FLASH_FAULT_PROGRAM_FAIL = 3,
	/** The program returns 0, but one byte keeps some bits it should have cleared. */
	TINYML_FLASH_FAULT_PROGRAM_SILENT = 4,
	TINYML_FLASH_FAULT_COUNT = 5,
};

struct tinyml_flash_sim_defect {
	const struct tinyml_flash_area *fa;
	uint32_t off; /**< byte offset in the area (stuck bit) or sector index (dead sector) */
	uint8_t mask; /**< stuck bit(s); 0 for a dead sector */
};

/** One simulated chip: operation counter, power state and the faults it recorded. */
struct tinyml_flash_sim {
	uint64_t ops;              /**< program and erase operations started so far */
	uint64_t cut_at;           /**< index of the operation power is cut in */
	uint32_t tear_state;       /**< random state deciding how the cut operation is torn */
	bool powered;              /**< false after a cut until tinyml_flash_sim_power_on() */
	bool program_erased_only;  /**< refuse to program a byte that is not 0xFF (ECC flash) */
	uint32_t bit_set_attempts; /**< programs refused because they would turn a 0 into 1 */
	uint32_t misaligned;       /**< operations refused for alignment or range */
	uint32_t worn_erases;      /**< erases refused because the sector is worn out */
	uint32_t cuts;             /**< power cuts that happened */
	/* fault injection (tinyml_flash_sim_inject) */
	uint64_t fault_at;    /**< first operation index the fault may hit */
	int fault_kind;       /**< enum tinyml_flash_sim_fault, or -1 when none is armed */
	uint32_t fault_state; /**< random state deciding where the fault lands */
	uint32_t faults;      /**< injected faults that happened */
	uint32_t n_stuck;
	uint32_t n_dead;
	struct tinyml_flash_sim_defect stuck[TINYML_FLASH_SIM_MAX_DEFECTS];
	struct tinyml_flash_sim_defect dead[TINYML_FLASH_SIM_MAX_DEFECTS];
};

/** One area of a simulated chip; defines the seam's opaque handle for the host port. */
struct tinyml_flash_area {
	struct tinyml_flash_sim *sim;
	uint8_t *mem;           /**< size bytes, caller-owned */
	uint32_t *erase_counts; /**< size / erase_block counters, caller-owned */
	struct tinyml_flash_geometry geo;
	uint32_t wear_limit; /**< erases a sector survives; 0 = unlimited */
};

/** @brief Reset a chip: powered, no cut scheduled, no faults recorded. */
void tinyml_flash_sim_init(struct tinyml_flash_sim *sim);

/**
 * @brief Set up an erased area of @p sim over caller-owned memory and counters.
 *
 * @retval 0 on success.
 * @retval -EINVAL if the geometry is not powers of two, or size is not a multiple of the
 *         erase block, or the write block exceeds the erase block.
 */
int tinyml_flash_sim_area_init(struct tinyml_flash_area *fa, struct tinyml_flash_sim *sim,
			       uint8_t *mem, uint32_t *erase_counts,
			       const struct tinyml_flash_geometry *geo, uint32_t wear_limit);

/**
 * @brief Cut power during the operation @p after_ops operations from now (0: the next one).
 *
 * @p seed makes the torn result reproducible.
 */
void tinyml_flash_sim_cut_power(struct tinyml_flash_sim *sim, uint64_t after_ops, uint32_t seed);

/**
 * @brief Arm fault @p kind: it hits the first operation of its kind (erase or program) that
 *        starts @p after_ops operations from now or later. One fault is armed at a time;
 *        stuck bits and dead sectors it creates stay for the life of the chip.
 *
 * @p seed makes where it lands reproducible.
 */
void tinyml_flash_sim_inject(struct tinyml_flash_sim *sim, enum tinyml_flash_sim_fault kind,
			     uint64_t after_ops, uint32_t seed);

/** @brief Disarm a fault that has not hit yet (stuck bits and dead sectors stay). */
void tinyml_flash_sim_disarm(struct tinyml_flash_sim *sim);

/**
 * @brief Bit rot: bit @p bit (0..7) of the byte at @p off turns from 0 to 1 (charge lost).
 *
 * @retval 0 if the bit was 0 and is now 1.
 * @retval -EINVAL if out of range, or -EALREADY if the bit already reads 1.
 */
int tinyml_flash_sim_rot(struct tinyml_flash_area *fa, uint32_t off, uint8_t bit);

/** @brief Power back on after a cut (the next boot); no cut is scheduled any more. */
void tinyml_flash_sim_power_on(struct tinyml_flash_sim *sim);

/** @brief Highest erase count over the sectors of @p fa. */
uint32_t tinyml_flash_sim_max_erases(const struct tinyml_flash_area *fa);

/** @brief Lowest erase count over the sectors of @p fa. */
uint32_t tinyml_flash_sim_min_erases(const struct tinyml_flash_area *fa);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PORTS_HOST_FLASH_SIM_H_ */
