#include <errno.h>

#include <tinyml/ringbuf.h>

#include "ttest.h"

static int16_t storage[4 * 8];
static uint32_t stamps[4];

static int setup(struct tinyml_ringbuf *rb)
{
	return tinyml_ringbuf_init(rb, storage, 32u, stamps, 4u, 8u);
}

TTEST(ringbuf, init_validates)
{
	struct tinyml_ringbuf rb;

	TT_ASSERT_EQ(tinyml_ringbuf_init(NULL, storage, 32u, stamps, 4u, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, NULL, 32u, stamps, 4u, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, storage, 32u, NULL, 4u, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, storage, 32u, stamps, 3u, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, storage, 32u, stamps, 1u, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, storage, 32u, stamps, 4u, 0u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, storage, 31u, stamps, 4u, 8u), -EINVAL);
	TT_ASSERT_EQ(setup(&rb), 0);
	TT_ASSERT_EQ(tinyml_ringbuf_push(NULL, 1, 0u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_available(NULL), 0u);
	TT_ASSERT_EQ(tinyml_ringbuf_overflows(NULL), 0u);
}

TTEST(ringbuf, blocks_keep_order_and_first_timestamp)
{
	struct tinyml_ringbuf rb;
	int16_t out[8];
	uint32_t ts = 0u;
	int i;

	TT_ASSERT_EQ(setup(&rb), 0);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), -EAGAIN);
	for (i = 0; i < 20; i++) {
		TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, (int16_t)(i * 3), 1000u + (uint32_t)i), 0);
	}
	/* Two full blocks published, the third partly filled and invisible. */
	TT_ASSERT_EQ(tinyml_ringbuf_available(&rb), 2u);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), 0);
	TT_ASSERT_EQ(ts, 1000u);
	TT_ASSERT_EQ(out[0], 0);
	TT_ASSERT_EQ(out[7], 21);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), 0);
	TT_ASSERT_EQ(ts, 1008u);
	TT_ASSERT_EQ(out[0], 24);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), -EAGAIN);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 7u, &ts), -EINVAL);
}

TTEST(ringbuf, full_ring_drops_whole_blocks_and_counts_them)
{
	struct tinyml_ringbuf rb;
	const int16_t *block;
	uint32_t ts;
	int i;

	TT_ASSERT_EQ(setup(&rb), 0);
	for (i = 0; i < 4 * 8; i++) {
		TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, (int16_t)i, (uint32_t)i), 0);
	}
	TT_ASSERT_EQ(tinyml_ringbuf_available(&rb), 4u);
	/* The fifth block has no room: its values are discarded, never overwriting block 0. */
	for (i = 0; i < 8; i++) {
		TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, -1, 99u), 1);
	}
	TT_ASSERT_EQ(tinyml_ringbuf_overflows(&rb), 1u);
	TT_ASSERT_EQ(tinyml_ringbuf_peek(&rb, &block, &ts), 0);
	TT_ASSERT_EQ(block[0], 0);
	TT_ASSERT_EQ(ts, 0u);
	TT_ASSERT_EQ(tinyml_ringbuf_release(&rb), 0);
	/* A slot is free again: the next block is stored. */
	for (i = 0; i < 8; i++) {
		TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, 7, 500u), 0);
	}
	TT_ASSERT_EQ(tinyml_ringbuf_available(&rb), 4u);
	TT_ASSERT_EQ(tinyml_ringbuf_overflows(&rb), 1u);
}

TTEST(ringbuf, block_push_and_release_errors)
{
	struct tinyml_ringbuf rb;
	int16_t block[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	int16_t out[8];
	uint32_t ts;
	int i;

	TT_ASSERT_EQ(setup(&rb), 0);
	TT_ASSERT_EQ(tinyml_ringbuf_release(&rb), -EAGAIN);
	TT_ASSERT_EQ(tinyml_ringbuf_push_block(&rb, block, 7u, 1u), -EINVAL);
	TT_ASSERT_EQ(tinyml_ringbuf_push_block(&rb, NULL, 8u, 1u), -EINVAL);
	for (i = 0; i < 4; i++) {
		TT_ASSERT_EQ(tinyml_ringbuf_push_block(&rb, block, 8u, (uint32_t)i), 0);
	}
	TT_ASSERT_EQ(tinyml_ringbuf_push_block(&rb, block, 8u, 9u), -ENOSPC);
	TT_ASSERT_EQ(tinyml_ringbuf_overflows(&rb), 1u);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), 0);
	TT_ASSERT_MEM_EQ(out, block, sizeof(block));
	TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, 1, 0u), 0);
	TT_ASSERT_EQ(tinyml_ringbuf_push_block(&rb, block, 8u, 1u), -EBUSY);
}

TTEST(ringbuf, dma_pingpong_hands_over_each_half)
{
	static int16_t dma[16];
	struct tinyml_ringbuf rb;
	struct tinyml_dma_pingpong pp;
	int16_t out[8];
	uint32_t ts;
	int i;

	TT_ASSERT_EQ(setup(&rb), 0);
	TT_ASSERT_EQ(tinyml_dma_pingpong_init(&pp, &rb, dma, 15u), -EINVAL);
	TT_ASSERT_EQ(tinyml_dma_pingpong_init(&pp, &rb, dma, 16u), 0);
	TT_ASSERT_EQ(tinyml_dma_pingpong_complete(NULL, 0, 0u), -EINVAL);
	for (i = 0; i < 16; i++) {
		dma[i] = (int16_t)(100 + i);
	}
	TT_ASSERT_EQ(tinyml_dma_pingpong_complete(&pp, 0, 10u), 0);
	/* The engine now rewrites the first half while the second completes. */
	for (i = 0; i < 8; i++) {
		dma[i] = -1;
	}
	TT_ASSERT_EQ(tinyml_dma_pingpong_complete(&pp, 1, 20u), 0);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), 0);
	TT_ASSERT_EQ(ts, 10u);
	TT_ASSERT_EQ(out[0], 100);
	TT_ASSERT_EQ(out[7], 107);
	TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), 0);
	TT_ASSERT_EQ(ts, 20u);
	TT_ASSERT_EQ(out[0], 108);
}

TTEST(ringbuf, indices_wrap_past_2_pow_32)
{
	struct tinyml_ringbuf rb;
	int16_t out[8];
	uint32_t ts;
	int i;
	int round;

	TT_ASSERT_EQ(setup(&rb), 0);
	rb.head = rb.tail = 0xFFFFFFFEu;
	for (round = 0; round < 6; round++) {
		for (i = 0; i < 8; i++) {
			TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, (int16_t)(round * 8 + i), 0u), 0);
		}
		TT_ASSERT_EQ(tinyml_ringbuf_available(&rb), 1u);
		TT_ASSERT_EQ(tinyml_ringbuf_pop(&rb, out, 8u, &ts), 0);
		TT_ASSERT_EQ(out[3], round * 8 + 3);
	}
}
