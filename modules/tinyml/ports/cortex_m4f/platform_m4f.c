/*
 * Bare-metal Cortex-M4F port (QEMU mps2-an386): the platform seams on bare registers.
 *
 * The cost counter is CMSDK TIMER1, a 32-bit down-counter at 25 MHz extended to 64 bits in
 * software. Under `qemu -icount shift=0` one instruction takes one virtual nanosecond, so one
 * timer tick is 40 instructions and the counter is returned in instructions (ticks * 40).
 * TIMER0 and its interrupt stay free for tests that need a periodic interrupt.
 */
#include <stdarg.h>
#include <stdint.h>

#include <tinyml/platform/cost.h>
#include <tinyml/platform/lock.h>
#include <tinyml/platform/log.h>
#include <tinyml/platform/time.h>

#include "console.h"
#include "mps2_an386.h"
#include "port_m4f.h"

#define INSTRUCTIONS_PER_TICK (1000000000u / MPS2_TIMER_HZ)

static uint32_t last_raw;
static uint32_t wraps;
static uint32_t lock_depth;
static uint32_t lock_primask;

void port_m4f_cost_init(void)
{
	MPS2_TIMER_CTRL(MPS2_TIMER1_BASE) = 0u;
	MPS2_TIMER_RELOAD(MPS2_TIMER1_BASE) = 0xFFFFFFFFu;
	MPS2_TIMER_VALUE(MPS2_TIMER1_BASE) = 0xFFFFFFFFu;
	MPS2_TIMER_CTRL(MPS2_TIMER1_BASE) = MPS2_TIMER_CTRL_EN;
	last_raw = 0u;
	wraps = 0u;
}

static uint64_t elapsed_ticks(void)
{
	uint32_t primask;
	uint32_t raw;
	uint64_t ticks;

	__asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
	raw = 0xFFFFFFFFu - MPS2_TIMER_VALUE(MPS2_TIMER1_BASE);
	if (raw < last_raw) {
		wraps++;
	}
	last_raw = raw;
	ticks = ((uint64_t)wraps << 32) | raw;
	__asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
	return ticks;
}

uint64_t tinyml_platform_cost_now(void)
{
	return elapsed_ticks() * INSTRUCTIONS_PER_TICK;
}

const char *tinyml_platform_cost_unit(void)
{
	return "instructions";
}

uint32_t tinyml_platform_uptime_ms(void)
{
	return (uint32_t)(elapsed_ticks() / (MPS2_TIMER_HZ / 1000u));
}

void tinyml_platform_lock(void)
{
	uint32_t primask;

	__asm__ volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
	if (lock_depth++ == 0u) {
		lock_primask = primask;
	}
}

void tinyml_platform_unlock(void)
{
	if (lock_depth > 0u && --lock_depth == 0u) {
		__asm__ volatile("msr primask, %0" ::"r"(lock_primask) : "memory");
	}
}

void tinyml_platform_log(enum tinyml_log_level level, const char *module, const char *fmt, ...)
{
	static const char *const names[] = {"", "ERR", "WRN", "INF", "DBG"};
	va_list ap;

	console_printf("[%s] %s: ", names[(unsigned)level <= 4u ? (unsigned)level : 0u], module);
	va_start(ap, fmt);
	(void)console_vprintf(fmt, ap);
	va_end(ap);
	console_puts("\r\n");
}
