/*
 * The few MPS2 AN386 (Cortex-M4F) peripherals the bare-metal port uses, as QEMU models them.
 */
#ifndef TINYML_PORT_MPS2_AN386_H_
#define TINYML_PORT_MPS2_AN386_H_

#include <stdint.h>

#define MPS2_REG32(addr) (*(volatile uint32_t *)(addr))

/* CMSDK APB UART0: 0x40004000. */
#define MPS2_UART0_DATA         MPS2_REG32(0x40004000u)
#define MPS2_UART0_STATE        MPS2_REG32(0x40004004u)
#define MPS2_UART0_CTRL         MPS2_REG32(0x40004008u)
#define MPS2_UART0_BAUD         MPS2_REG32(0x40004010u)
#define MPS2_UART_STATE_TX_FULL 0x1u
#define MPS2_UART_CTRL_TX_EN    0x1u

/* CMSDK APB timers, 32-bit down-counters clocked at 25 MHz: TIMER0 IRQ 8, TIMER1 IRQ 9. */
#define MPS2_TIMER0_BASE          0x40000000u
#define MPS2_TIMER1_BASE          0x40001000u
#define MPS2_TIMER_CTRL(base)     MPS2_REG32((base) + 0x0u)
#define MPS2_TIMER_VALUE(base)    MPS2_REG32((base) + 0x4u)
#define MPS2_TIMER_RELOAD(base)   MPS2_REG32((base) + 0x8u)
#define MPS2_TIMER_INTCLEAR(base) MPS2_REG32((base) + 0xCu)
#define MPS2_TIMER_CTRL_EN        0x1u
#define MPS2_TIMER_CTRL_IRQ_EN    0x8u
#define MPS2_TIMER0_IRQN          8
#define MPS2_TIMER1_IRQN          9
#define MPS2_TIMER_HZ             25000000u

/* Cortex-M4 system control. */
#define SCB_CPACR  MPS2_REG32(0xE000ED88u)
#define NVIC_ISER0 MPS2_REG32(0xE000E100u)
#define NVIC_ICER0 MPS2_REG32(0xE000E180u)

static inline void mps2_nvic_enable(int irqn)
{
	NVIC_ISER0 = 1u << (unsigned)irqn;
}

static inline void mps2_nvic_disable(int irqn)
{
	NVIC_ICER0 = 1u << (unsigned)irqn;
}

#endif /* TINYML_PORT_MPS2_AN386_H_ */
