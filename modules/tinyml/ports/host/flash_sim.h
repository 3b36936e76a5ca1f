/*
 * NOR flash simulator of the host port: the flash seam for tests, with fault injection.
 *
 * One simulated chip (struct tinyml_flash_sim) powers any number of areas. It enforces the
 * rules of NOR flash (erase sets 0xFF, program only clears bits, aligned writes), wears a
 * sector out after a configurable number of erases, and can cut power at any program or erase,
 * leaving that operation torn: a random prefix done, the byte after it half done (or, now and
 * then, the whole operation done but reported as failed).
 */
#ifndef TINYML_PORTS_HOST_FLASH_SIM_H_
#define TINYML_PORTS_HOST_FLASH_SIM_H_

#include <stdbool.h>
#include <stdint.h>

#include <tinyml/platform/flash.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_FLASH_SIM_NEVER UINT64_MAX

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
