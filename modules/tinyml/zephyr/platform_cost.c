/*
 * Zephyr port: cost counter seam. One unit is one hardware cycle of k_cycle_get_32(); the 32-bit
 * counter is widened to 64 bits here, so callers may read it at any rate as long as they read it
 * at least once per wrap (about 27 s at 160 MHz).
 */
#include <zephyr/kernel.h>
#include <zephyr/spinlock.h>

#include <tinyml/platform/cost.h>

static struct k_spinlock cost_lock;
static uint32_t cost_last;
static uint32_t cost_wraps;

uint64_t tinyml_platform_cost_now(void)
{
	k_spinlock_key_t key = k_spin_lock(&cost_lock);
	uint32_t now = k_cycle_get_32();
	uint64_t wide;

	if (now < cost_last) {
		cost_wraps++;
	}
	cost_last = now;
	wide = ((uint64_t)cost_wraps << 32) | now;
	k_spin_unlock(&cost_lock, key);
	return wide;
}

const char *tinyml_platform_cost_unit(void)
{
	return "cycles";
}
