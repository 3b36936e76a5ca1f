/*
 * NOR flash simulator of the host port (see flash_sim.h).
 */
#include <errno.h>
#include <string.h>

#include "flash_sim.h"

static bool is_pow2(uint32_t v)
{
	return v != 0u && (v & (v - 1u)) == 0u;
}

static uint32_t next_random(struct tinyml_flash_sim *sim)
{
	uint32_t x = sim->tear_state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	sim->tear_state = x;
	return x;
}

void tinyml_flash_sim_init(struct tinyml_flash_sim *sim)
{
	memset(sim, 0, sizeof(*sim));
	sim->cut_at = TINYML_FLASH_SIM_NEVER;
	sim->tear_state = 1u;
	sim->powered = true;
}

int tinyml_flash_sim_area_init(struct tinyml_flash_area *fa, struct tinyml_flash_sim *sim,
			       uint8_t *mem, uint32_t *erase_counts,
			       const struct tinyml_flash_geometry *geo, uint32_t wear_limit)
{
	if (fa == NULL || sim == NULL || mem == NULL || erase_counts == NULL || geo == NULL ||
	    !is_pow2(geo->write_block) || !is_pow2(geo->erase_block) ||
	    geo->write_block > geo->erase_block || geo->size == 0u ||
	    geo->size % geo->erase_block != 0u) {
		return -EINVAL;
	}
	fa->sim = sim;
	fa->mem = mem;
	fa->erase_counts = erase_counts;
	fa->geo = *geo;
	fa->wear_limit = wear_limit;
	memset(mem, 0xFF, geo->size);
	memset(erase_counts, 0, sizeof(uint32_t) * (geo->size / geo->erase_block));
	return 0;
}

void tinyml_flash_sim_cut_power(struct tinyml_flash_sim *sim, uint64_t after_ops, uint32_t seed)
{
	sim->cut_at = sim->ops + after_ops;
	sim->tear_state = seed * 2654435761u + 0x9E3779B9u;
	if (sim->tear_state == 0u) {
		sim->tear_state = 1u;
	}
}

void tinyml_flash_sim_power_on(struct tinyml_flash_sim *sim)
{
	sim->powered = true;
	sim->cut_at = TINYML_FLASH_SIM_NEVER;
}

uint32_t tinyml_flash_sim_max_erases(const struct tinyml_flash_area *fa)
{
	uint32_t n = fa->geo.size / fa->geo.erase_block;
	uint32_t best = 0u;
	uint32_t i;

	for (i = 0u; i < n; i++) {
		best = fa->erase_counts[i] > best ? fa->erase_counts[i] : best;
	}
	return best;
}

uint32_t tinyml_flash_sim_min_erases(const struct tinyml_flash_area *fa)
{
	uint32_t n = fa->geo.size / fa->geo.erase_block;
	uint32_t best = UINT32_MAX;
	uint32_t i;

	for (i = 0u; i < n; i++) {
		best = fa->erase_counts[i] < best ? fa->erase_counts[i] : best;
	}
	return best;
}

static bool in_range(const struct tinyml_flash_area *fa, uint32_t off, size_t len)
{
	return off <= fa->geo.size && len <= (size_t)(fa->geo.size - off);
}

int tinyml_platform_flash_geometry(const struct tinyml_flash_area *fa,
				   struct tinyml_flash_geometry *geo)
{
	if (fa == NULL || geo == NULL) {
		return -EINVAL;
	}
	*geo = fa->geo;
	return 0;
}

int tinyml_platform_flash_read(const struct tinyml_flash_area *fa, uint32_t off, void *dst,
			       size_t len)
{
	if (fa == NULL || (dst == NULL && len != 0u) || !in_range(fa, off, len)) {
		return -EINVAL;
	}
	if (!fa->sim->powered) {
		return -EIO;
	}
	if (len != 0u) {
		memcpy(dst, fa->mem + off, len);
	}
	return 0;
}

/* Starts an operation; true when this is the one power is cut in. */
static bool op_is_cut(struct tinyml_flash_sim *sim)
{
	bool cut = sim->ops == sim->cut_at;

	sim->ops++;
	if (cut) {
		sim->powered = false;
		sim->cuts++;
	}
	return cut;
}

int tinyml_platform_flash_program(const struct tinyml_flash_area *fa, uint32_t off, const void *src,
				  size_t len)
{
	struct tinyml_flash_sim *sim;
	const uint8_t *data = src;
	uint8_t *mem;
	size_t i;

	if (fa == NULL || (src == NULL && len != 0u)) {
		return -EINVAL;
	}
	sim = fa->sim;
	if (!in_range(fa, off, len) || off % fa->geo.write_block != 0u ||
	    len % fa->geo.write_block != 0u) {
		sim->misaligned++;
		return -EINVAL;
	}
	if (!sim->powered) {
		return -EIO;
	}
	mem = fa->mem + off;
	for (i = 0u; i < len; i++) {
		if ((uint8_t)(~mem[i] & data[i]) != 0u ||
		    (sim->program_erased_only && mem[i] != 0xFFu)) {
			sim->bit_set_attempts++;
			return -EIO;
		}
	}
	if (op_is_cut(sim)) {
		/* 0..len bytes done: len is a write that completed but never reported success */
		size_t done = next_random(sim) % (len + 1u);

		for (i = 0u; i < done; i++) {
			mem[i] &= data[i];
		}
		if (done < len) {
			/* the byte being programmed: some of the bits to clear are cleared */
			mem[done] &= (uint8_t)(data[done] | (uint8_t)next_random(sim));
		}
		return -EIO;
	}
	for (i = 0u; i < len; i++) {
		mem[i] &= data[i];
	}
	return 0;
}

int tinyml_platform_flash_erase(const struct tinyml_flash_area *fa, uint32_t off, size_t len)
{
	struct tinyml_flash_sim *sim;
	uint32_t eb;
	size_t pos;

	if (fa == NULL) {
		return -EINVAL;
	}
	sim = fa->sim;
	eb = fa->geo.erase_block;
	if (!in_range(fa, off, len) || off % eb != 0u || len % eb != 0u) {
		sim->misaligned++;
		return -EINVAL;
	}
	if (!sim->powered) {
		return -EIO;
	}
	for (pos = off; pos < off + len; pos += eb) {
		uint32_t sector = (uint32_t)(pos / eb);
		uint8_t *mem = fa->mem + pos;

		if (fa->wear_limit != 0u && fa->erase_counts[sector] >= fa->wear_limit) {
			sim->worn_erases++;
			return -EIO;
		}
		fa->erase_counts[sector]++;
		if (op_is_cut(sim)) {
			uint32_t done = next_random(sim) % eb;
			bool noisy = (next_random(sim) & 1u) != 0u;
			uint32_t i;

			memset(mem, 0xFF, done);
			/* cells not reached yet: untouched, or partly set by the erase pulse */
			for (i = done; noisy && i < eb; i++) {
				mem[i] |= (uint8_t)(next_random(sim) & next_random(sim));
			}
			return -EIO;
		}
		memset(mem, 0xFF, eb);
	}
	return 0;
}
