/*
 * A simulated flash chip with one area, in static storage, for the state tests.
 */
#ifndef TESTS_HOST_FLASH_FIXTURE_H_
#define TESTS_HOST_FLASH_FIXTURE_H_

#include <stdint.h>

#include "flash_sim.h"

#define FIXTURE_MAX_BYTES   (256u * 1024u)
#define FIXTURE_MAX_SECTORS 256u

struct flash_fixture {
	struct tinyml_flash_sim sim;
	struct tinyml_flash_area area;
	uint8_t mem[FIXTURE_MAX_BYTES];
	uint32_t erases[FIXTURE_MAX_SECTORS];
};

/* Fresh erased chip; returns 0 or the simulator's error. */
static inline int fixture_init(struct flash_fixture *f, uint32_t write_block, uint32_t erase_block,
			       uint32_t sectors, uint32_t wear_limit)
{
	struct tinyml_flash_geometry geo = {write_block, erase_block, erase_block * sectors};

	if (geo.size > FIXTURE_MAX_BYTES || sectors > FIXTURE_MAX_SECTORS) {
		return -1;
	}
	tinyml_flash_sim_init(&f->sim);
	f->sim.program_erased_only = true;
	return tinyml_flash_sim_area_init(&f->area, &f->sim, f->mem, f->erases, &geo, wear_limit);
}

#endif /* TESTS_HOST_FLASH_FIXTURE_H_ */
