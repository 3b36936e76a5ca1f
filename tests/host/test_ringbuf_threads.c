/*
 * The ring buffer under a real concurrent producer: a thread pushes a counting sequence value
 * by value (or as whole DMA-like blocks) while this thread drains it. Thousands of short runs
 * with a small ring exercise both contention and overflow; the build under ThreadSanitizer
 * (make host-tsan) checks the memory ordering.
 *
 * Every received block must hold consecutive values starting at its timestamp, blocks must
 * arrive in increasing order, and received + dropped must account for everything pushed.
 */
#include <pthread.h>
#include <sched.h>

#include <tinyml/ringbuf.h>

#include "../core/ringbuf_sequence.h"
#include "ttest.h"

#define BLOCK  16u
#define BLOCKS 4u
#define PUSHED (BLOCK * 64u)
#define RUNS   2000

struct run {
	struct tinyml_ringbuf rb;
	int16_t storage[BLOCK * BLOCKS];
	uint32_t stamps[BLOCKS];
	int by_block;
	int done;
};

static void *producer(void *arg)
{
	struct run *r = arg;
	uint32_t v;

	if (r->by_block) {
		int16_t block[BLOCK];
		uint32_t i;

		for (v = 0u; v < PUSHED; v += BLOCK) {
			for (i = 0u; i < BLOCK; i++) {
				block[i] = (int16_t)(v + i);
			}
			(void)tinyml_ringbuf_push_block(&r->rb, block, BLOCK, v);
			if ((v / BLOCK) % 8u == 0u) {
				sched_yield();
			}
		}
	} else {
		for (v = 0u; v < PUSHED; v++) {
			(void)tinyml_ringbuf_push(&r->rb, (int16_t)v, v);
		}
	}
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Drain until the producer is done and the ring is empty; returns blocks received or -1. */
static int consume(struct run *r)
{
	int received = 0;
	int32_t last = -1;

	for (;;) {
		const int16_t *block;
		uint32_t ts;
		int done = __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);

		if (tinyml_ringbuf_peek(&r->rb, &block, &ts) != 0) {
			if (done) {
				/* Nothing published after done was seen: the ring is drained. */
				if (tinyml_ringbuf_available(&r->rb) == 0u) {
					return received;
				}
				continue;
			}
			sched_yield();
			continue;
		}
		if (!ringbuf_block_in_sequence(block, BLOCK, ts, last)) {
			return -1;
		}
		last = (int32_t)ts;
		received++;
		if (tinyml_ringbuf_release(&r->rb) != 0) {
			return -1;
		}
	}
}

TTEST(ringbuf_threads, spsc_under_a_real_producer)
{
	static struct run r;
	uint32_t total_overflows = 0u;
	int run;

	for (run = 0; run < RUNS; run++) {
		pthread_t thread;
		int received;

		r.done = 0;
		r.by_block = run % 2;
		TT_ASSERT_EQ(tinyml_ringbuf_init(&r.rb, r.storage, BLOCK * BLOCKS, r.stamps, BLOCKS,
						 BLOCK),
			     0);
		TT_ASSERT_EQ(pthread_create(&thread, NULL, producer, &r), 0);
		received = consume(&r);
		TT_ASSERT_EQ(pthread_join(thread, NULL), 0);
		TT_ASSERT(received >= 0);
		TT_ASSERT_EQ((uint32_t)received + tinyml_ringbuf_overflows(&r.rb), PUSHED / BLOCK);
		total_overflows += tinyml_ringbuf_overflows(&r.rb);
	}
	ttest_printf("ringbuf_threads: %d runs, %u blocks dropped in total\n", RUNS,
		     (unsigned int)total_overflows);
}
