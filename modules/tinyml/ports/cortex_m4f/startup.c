/*
 * Reset handler and vector table of the bare-metal Cortex-M4F port.
 *
 * The FPU is enabled before any C code runs: the port is built with -mfloat-abi=hard, so the
 * first floating-point instruction would otherwise fault (QEMU models that faithfully).
 */
#include <stdint.h>
#include <string.h>

#include "console.h"
#include "mps2_an386.h"
#include "port_m4f.h"
#include "semihost.h"

extern uint32_t _sidata;
extern uint32_t _sdata;
extern uint32_t _edata;
extern uint32_t _sbss;
extern uint32_t _ebss;
extern uint32_t _estack;

void Reset_Handler(void);
void Default_Handler(void);
void HardFault_Handler(void);

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")))

WEAK_HANDLER(NMI_Handler);
WEAK_HANDLER(MemManage_Handler);
WEAK_HANDLER(BusFault_Handler);
WEAK_HANDLER(UsageFault_Handler);
WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(DebugMon_Handler);
WEAK_HANDLER(PendSV_Handler);
WEAK_HANDLER(SysTick_Handler);
WEAK_HANDLER(UART0_Handler);
WEAK_HANDLER(TIMER0_Handler);
WEAK_HANDLER(TIMER1_Handler);
WEAK_HANDLER(DUALTIMER_Handler);

#define EXTERNAL_IRQS 32

typedef void (*vector_fn)(void);

/* Index 0 is the initial stack pointer; external IRQ n is at 16 + n. */
__attribute__((section(".isr_vector"), used)) static const vector_fn vectors[16 + EXTERNAL_IRQS] = {
	[0] = (vector_fn)(uintptr_t)&_estack,
	[1] = Reset_Handler,
	[2] = NMI_Handler,
	[3] = HardFault_Handler,
	[4] = MemManage_Handler,
	[5] = BusFault_Handler,
	[6] = UsageFault_Handler,
	[11] = SVC_Handler,
	[12] = DebugMon_Handler,
	[14] = PendSV_Handler,
	[15] = SysTick_Handler,
	[16 + 0] = UART0_Handler,
	[16 + MPS2_TIMER0_IRQN] = TIMER0_Handler,
	[16 + MPS2_TIMER1_IRQN] = TIMER1_Handler,
	[16 + 10] = DUALTIMER_Handler,
};

void Reset_Handler(void)
{
	uint32_t *src = &_sidata;
	uint32_t *dst;

	/* CP10 and CP11 full access, then make sure the write lands before any FP instruction. */
	SCB_CPACR |= (0xFu << 20);
	__asm__ volatile("dsb\n isb" ::: "memory");

	for (dst = &_sdata; dst < &_edata;) {
		*dst++ = *src++;
	}
	for (dst = &_sbss; dst < &_ebss;) {
		*dst++ = 0u;
	}

	console_init();
	port_m4f_cost_init();
	semihost_exit(main());
}

void Default_Handler(void)
{
	console_puts("\r\nFATAL unexpected interrupt\r\n");
	semihost_exit(3);
}

void HardFault_Handler(void)
{
	console_puts("\r\nFATAL hard fault\r\n");
	semihost_exit(3);
}

/* The design promises no heap: any newlib path that tries to grow one fails loudly here. */
void *_sbrk(int incr);
void *_sbrk(int incr)
{
	(void)incr;
	console_puts("\r\nFATAL heap use (_sbrk)\r\n");
	semihost_exit(4);
}
