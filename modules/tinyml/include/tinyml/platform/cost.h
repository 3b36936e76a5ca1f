/*
 * Cost counter seam: a free-running counter for measuring what a routine costs.
 *
 * On the emulated Cortex-M4F (QEMU mps2-an386 with -icount shift=0) one unit is one executed
 * instruction, read at a resolution of 40 units; see docs/cost-counter.md for how a routine's
 * exact per-call figure is derived from it. On the host one unit is one nanosecond of
 * CLOCK_MONOTONIC (not deterministic). On Zephyr one unit is one k_cycle_get_32() cycle.
 */
#ifndef TINYML_PLATFORM_COST_H_
#define TINYML_PLATFORM_COST_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Current counter value; monotonic, 64 bits so it never wraps in a test run. */
uint64_t tinyml_platform_cost_now(void);

/** @brief Unit of the counter, e.g. "instructions", "ns", "cycles". */
const char *tinyml_platform_cost_unit(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PLATFORM_COST_H_ */
