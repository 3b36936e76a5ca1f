/*
 * The ring buffer with a timer interrupt as producer on the emulated Cortex-M4F: TIMER0 fires
 * every few thousand instructions and its handler pushes the next value of a counting
 * sequence; the main loop drains blocks and checks each holds consecutive values starting at
 * its timestamp, until the producer has pushed a fixed number of values.
 */
#include <tinyml/ringbuf.h>

#include "mps2_an386.h"
#include "../core/ringbuf_sequence.h"
#include "ttest.h"

#define BLOCK  8u
#define BLOCKS 4u
#define PUSHES 2048u

static struct tinyml_ringbuf rb;
static int16_t storage[BLOCK * BLOCKS];
static uint32_t stamps[BLOCKS];
static volatile uint32_t pushed;

void TIMER0_Handler(void);

void TIMER0_Handler(void)
{
	MPS2_TIMER_INTCLEAR(MPS2_TIMER0_BASE) = 1u;
	if (pushed < PUSHES) {
		(void)tinyml_ringbuf_push(&rb, (int16_t)pushed, pushed);
		pushed = pushed + 1u;
	}
}

static void timer_start(uint32_t reload)
{
	MPS2_TIMER_CTRL(MPS2_TIMER0_BASE) = 0u;
	MPS2_TIMER_RELOAD(MPS2_TIMER0_BASE) = reload;
	MPS2_TIMER_VALUE(MPS2_TIMER0_BASE) = reload;
	MPS2_TIMER_INTCLEAR(MPS2_TIMER0_BASE) = 1u;
	mps2_nvic_enable(MPS2_TIMER0_IRQN);
	__asm__ volatile("cpsie i" ::: "memory");
	MPS2_TIMER_CTRL(MPS2_TIMER0_BASE) = MPS2_TIMER_CTRL_EN | MPS2_TIMER_CTRL_IRQ_EN;
}

static void timer_stop(void)
{
	MPS2_TIMER_CTRL(MPS2_TIMER0_BASE) = 0u;
	mps2_nvic_disable(MPS2_TIMER0_IRQN);
}

/* Drain blocks until the ISR has pushed everything; a slow consumer lingers on each block. */
static int drain(uint32_t *received, int slow)
{
	int32_t last = -1;
	uint32_t spins = 0u;

	for (;;) {
		const int16_t *block;
		uint32_t ts;

		if (tinyml_ringbuf_peek(&rb, &block, &ts) != 0) {
			if (pushed >= PUSHES && tinyml_ringbuf_available(&rb) == 0u) {
				return 0;
			}
			if (++spins > 50000000u) {
				return -2; /* the interrupt never came */
			}
			continue;
		}
		if (!ringbuf_block_in_sequence(block, BLOCK, ts, last)) {
			return -1;
		}
		if (slow) {
			volatile uint32_t d;

			for (d = 0u; d < 20000u; d++) {
			}
		}
		last = (int32_t)ts;
		(*received)++;
		(void)tinyml_ringbuf_release(&rb);
	}
}

TTEST(ringbuf_irq, timer_interrupt_producer)
{
	int pass;

	for (pass = 0; pass < 2; pass++) {
		uint32_t received = 0u;
		int rc;

		TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, storage, sizeof(storage) / 2u, stamps, BLOCKS,
						 BLOCK),
			     0);
		pushed = 0u;
		/* 50 ticks of 25 MHz: an interrupt every ~2000 instructions. */
		timer_start(50u);
		rc = drain(&received, pass == 1);
		timer_stop();
		TT_ASSERT_EQ(rc, 0);
		TT_ASSERT_EQ(received + tinyml_ringbuf_overflows(&rb), PUSHES / BLOCK);
		if (pass == 0) {
			/* A fast consumer keeps up: nothing is dropped. */
			TT_ASSERT_EQ(tinyml_ringbuf_overflows(&rb), 0u);
		} else {
			/* A consumer slower than the interrupt loses whole blocks, counted. */
			TT_ASSERT(tinyml_ringbuf_overflows(&rb) > 0u);
		}
	}
}
