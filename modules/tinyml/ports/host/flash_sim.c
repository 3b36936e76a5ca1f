/*
 * NOR flash simulator of the host port (see flash_sim.h).
 */
#include <errno.h>
#include <string.h>

#include "flash_sim.h"

static uint32_t xorshift(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

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
	sim->fault_kind = -1;
	sim->fault_state = 1u;
}

void tinyml_flash_sim_inject(struct tinyml_flash_sim *sim, enum tinyml_flash_sim_fault kind,
			     uint64_t after_ops, uint32_t seed)
{
	sim->fault_at = sim->ops + after_ops;
	sim->fault_kind = (int)kind;
	sim->fault_state = seed * 2246822519u + 0x85EBCA6Bu;
	if (sim->fault_state == 0u) {
		sim->fault_state = 1u;
	}
}

void tinyml_flash_sim_disarm(struct tinyml_flash_sim *sim)
{
	sim->fault_kind = -1;
}

int tinyml_flash_sim_rot(struct tinyml_flash_area *fa, uint32_t off, uint8_t bit)
{
	if (fa == NULL || off >= fa->geo.size || bit > 7u) {
		return -EINVAL;
	}
	if ((fa->mem[off] & (1u << bit)) != 0u) {
		return -EALREADY;
	}
	fa->mem[off] |= (uint8_t)(1u << bit);
	return 0;
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

/* The armed fault if it hits the operation starting now (an erase or a program), else -1. */
static int take_fault(struct tinyml_flash_sim *sim, bool erase)
{
	int kind = sim->fault_kind;
	bool erase_kind;

	if (kind < 0 || sim->ops < sim->fault_at) {
		return -1;
	}
	erase_kind = kind == TINYML_FLASH_FAULT_ERASE_ONCE ||
		     kind == TINYML_FLASH_FAULT_ERASE_DEAD || kind == TINYML_FLASH_FAULT_STUCK_ZERO;
	if (erase_kind != erase) {
		return -1;
	}
	sim->fault_kind = -1;
	sim->faults++;
	return kind;
}

static bool sector_is_dead(const struct tinyml_flash_area *fa, uint32_t sector)
{
	const struct tinyml_flash_sim *sim = fa->sim;
	uint32_t i;

	for (i = 0u; i < sim->n_dead; i++) {
		if (sim->dead[i].fa == fa && sim->dead[i].off == sector) {
			return true;
		}
	}
	return false;
}

static uint8_t stuck_mask(const struct tinyml_flash_area *fa, uint32_t off)
{
	const struct tinyml_flash_sim *sim = fa->sim;
	uint8_t mask = 0u;
	uint32_t i;

	for (i = 0u; i < sim->n_stuck; i++) {
		if (sim->stuck[i].fa == fa && sim->stuck[i].off == off) {
			mask |= sim->stuck[i].mask;
		}
	}
	return mask;
}

static void apply_stuck_bits(const struct tinyml_flash_area *fa, uint32_t sector)
{
	const struct tinyml_flash_sim *sim = fa->sim;
	uint32_t eb = fa->geo.erase_block;
	uint32_t i;

	for (i = 0u; i < sim->n_stuck; i++) {
		const struct tinyml_flash_sim_defect *d = &sim->stuck[i];

		if (d->fa == fa && d->off / eb == sector) {
			fa->mem[d->off] &= (uint8_t)~d->mask;
		}
	}
}

/* A failed erase: refused outright (untouched), or a pulse that stopped early (a prefix
 * erased, the rest untouched or partly set). */
static void partial_erase(uint8_t *mem, uint32_t eb, uint32_t *state)
{
	uint32_t done = xorshift(state) % eb;
	bool noisy = (xorshift(state) & 1u) != 0u;
	uint32_t i;

	if ((xorshift(state) & 3u) == 0u) {
		return;
	}
	memset(mem, 0xFF, done);
	for (i = done; noisy && i < eb; i++) {
		mem[i] |= (uint8_t)(xorshift(state) & xorshift(state));
	}
}

/* Programs @p data, but one byte keeps some of the bits it should have cleared. */
static void weak_program(uint8_t *mem, const uint8_t *data, size_t len, uint32_t *state)
{
	size_t start = xorshift(state) % len;
	size_t weak = len;
	uint8_t keep = 0u;
	size_t k;

	for (k = 0u; k < len && weak == len; k++) {
		size_t i = (start + k) % len;
		uint8_t should_clear = (uint8_t)(mem[i] & ~data[i]);

		if (should_clear != 0u) {
			keep = (uint8_t)(should_clear & xorshift(state));
			if (keep == 0u) {
				keep = (uint8_t)(should_clear &
						 (uint8_t)-should_clear); /* lowest */
			}
			weak = i;
		}
	}
	for (k = 0u; k < len; k++) {
		mem[k] &= data[k];
	}
	if (weak < len) {
		mem[weak] |= keep;
	}
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
	int fault;

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
		/* a stuck cell reads 0 but counts as erased: real NOR programs over it and says
		 * nothing, the bit just stays 0 */
		uint8_t cells = (uint8_t)(mem[i] | stuck_mask(fa, off + (uint32_t)i));

		if ((uint8_t)(~cells & data[i]) != 0u ||
		    (sim->program_erased_only && cells != 0xFFu)) {
			sim->bit_set_attempts++;
			return -EIO;
		}
	}
	fault = take_fault(sim, false);
	if (fault == TINYML_FLASH_FAULT_PROGRAM_FAIL) {
		/* like a tear, but the power stays on */
		size_t done = xorshift(&sim->fault_state) % (len + 1u);

		(void)op_is_cut(sim);
		for (i = 0u; i < done; i++) {
			mem[i] &= data[i];
		}
		if (done < len) {
			mem[done] &= (uint8_t)(data[done] | (uint8_t)xorshift(&sim->fault_state));
		}
		return -EIO;
	}
	if (fault == TINYML_FLASH_FAULT_PROGRAM_SILENT && len != 0u) {
		if (op_is_cut(sim)) {
			return -EIO; /* a power cut in the same operation: nothing written */
		}
		weak_program(mem, data, len, &sim->fault_state);
		return 0;
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

		int fault;

		if (fa->wear_limit != 0u && fa->erase_counts[sector] >= fa->wear_limit) {
			sim->worn_erases++;
			return -EIO;
		}
		fault = take_fault(sim, true);
		if (fault == TINYML_FLASH_FAULT_ERASE_DEAD &&
		    sim->n_dead < TINYML_FLASH_SIM_MAX_DEFECTS) {
			sim->dead[sim->n_dead].fa = fa;
			sim->dead[sim->n_dead].off = sector;
			sim->dead[sim->n_dead].mask = 0u;
			sim->n_dead++;
		}
		if (fault == TINYML_FLASH_FAULT_ERASE_ONCE || sector_is_dead(fa, sector)) {
			(void)op_is_cut(sim);
			fa->erase_counts[sector]++;
			partial_erase(mem, eb, &sim->fault_state);
			apply_stuck_bits(fa, sector);
			return -EIO;
		}
		if (fault == TINYML_FLASH_FAULT_STUCK_ZERO &&
		    sim->n_stuck < TINYML_FLASH_SIM_MAX_DEFECTS) {
			uint32_t r = xorshift(&sim->fault_state);

			sim->stuck[sim->n_stuck].fa = fa;
			sim->stuck[sim->n_stuck].off = (uint32_t)pos + (r >> 3) % eb;
			sim->stuck[sim->n_stuck].mask = (uint8_t)(1u << (r & 7u));
			sim->n_stuck++;
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
			apply_stuck_bits(fa, sector);
			return -EIO;
		}
		memset(mem, 0xFF, eb);
		apply_stuck_bits(fa, sector);
	}
	return 0;
}
