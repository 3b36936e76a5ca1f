/*
 * Capture ring buffer: one producer (an ISR or a DMA callback) fills fixed-size blocks of int16
 * values, one consumer (a thread) drains them, without locks.
 *
 * The producer owns `head`, `fill`, `dropping` and `overflows`; the consumer owns `tail`. A
 * block becomes visible to the consumer only when the producer publishes `head` with release
 * ordering after writing the block and its timestamp; the consumer reads `head` with acquire
 * ordering, and frees a block by publishing `tail` with release ordering after it is done with
 * it. When the ring is full the producer drops the whole incoming block and counts it in
 * `overflows` instead of overwriting data the consumer may be reading.
 */
#ifndef TINYML_RINGBUF_H_
#define TINYML_RINGBUF_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tinyml_ringbuf {
	int16_t *storage;     /* n_blocks * block_len values, caller-owned */
	uint32_t *timestamps; /* n_blocks entries: time of each block's first value */
	uint32_t block_len;   /* values per block */
	uint32_t mask;        /* n_blocks - 1 (n_blocks is a power of two) */
	uint32_t head;        /* blocks published (producer), wraps modulo 2^32 */
	uint32_t tail;        /* blocks released (consumer), wraps modulo 2^32 */
	uint32_t fill;        /* values written into the block being filled (producer) */
	uint32_t dropping;    /* 1 while the block being filled is discarded (producer) */
	uint32_t overflows;   /* blocks dropped because the ring was full (producer) */
	int16_t *cursor;      /* where the next value goes (producer) */
};

/**
 * @brief Set up a ring of @p n_blocks blocks of @p block_len values over caller storage.
 *
 * @retval 0 on success.
 * @retval -EINVAL NULL pointer, zero length, @p n_blocks not a power of two (2..65536), or
 *         @p storage_len smaller than n_blocks * block_len.
 */
int tinyml_ringbuf_init(struct tinyml_ringbuf *rb, int16_t *storage, size_t storage_len,
			uint32_t *timestamps, size_t n_blocks, size_t block_len);

/**
 * @brief Producer: append one value; @p timestamp is recorded when it starts a block.
 *
 * Safe to call from an interrupt while the consumer runs in a thread.
 *
 * @retval 0 the value was stored.
 * @retval 1 the value was discarded because its block is dropped (ring full); counted once
 *         per block in tinyml_ringbuf_overflows().
 * @retval -EINVAL @p rb is NULL.
 */
int tinyml_ringbuf_push(struct tinyml_ringbuf *rb, int16_t value, uint32_t timestamp);

/**
 * @brief Producer: append one whole block (e.g. a DMA half buffer) of exactly block_len values.
 *
 * @retval 0 published.
 * @retval -ENOSPC the ring was full: the block was dropped and counted as an overflow.
 * @retval -EINVAL NULL pointer or @p len != block_len.
 * @retval -EBUSY a block filled value by value is partially written.
 */
int tinyml_ringbuf_push_block(struct tinyml_ringbuf *rb, const int16_t *values, size_t len,
			      uint32_t timestamp);

/**
 * @brief Consumer: borrow the oldest published block without copying.
 *
 * The block stays valid until tinyml_ringbuf_release().
 *
 * @retval 0 @p block and @p timestamp are set.
 * @retval -EAGAIN no block is ready.
 * @retval -EINVAL NULL pointer.
 */
int tinyml_ringbuf_peek(struct tinyml_ringbuf *rb, const int16_t **block, uint32_t *timestamp);

/**
 * @brief Consumer: give the oldest block back to the producer.
 *
 * @retval 0 released.
 * @retval -EAGAIN no block was published.
 * @retval -EINVAL @p rb is NULL.
 */
int tinyml_ringbuf_release(struct tinyml_ringbuf *rb);

/**
 * @brief Consumer: copy the oldest block into @p dst and release it.
 *
 * @retval 0 copied.
 * @retval -EAGAIN no block is ready.
 * @retval -EINVAL NULL pointer or @p dst_len smaller than a block.
 */
int tinyml_ringbuf_pop(struct tinyml_ringbuf *rb, int16_t *dst, size_t dst_len,
		       uint32_t *timestamp);

/** @brief Blocks ready for the consumer (0 for NULL). */
uint32_t tinyml_ringbuf_available(const struct tinyml_ringbuf *rb);

/** @brief Blocks dropped so far because the ring was full (0 for NULL). */
uint32_t tinyml_ringbuf_overflows(const struct tinyml_ringbuf *rb);

/*
 * DMA double buffer: the DMA engine writes a buffer of two halves in circular mode; its
 * half-complete interrupt hands the first half to the ring, its full-complete interrupt the
 * second, while the engine keeps writing the other half.
 */
struct tinyml_dma_pingpong {
	struct tinyml_ringbuf *rb;
	const int16_t *buffer; /* 2 * rb->block_len values, the DMA target */
	uint32_t half_len;
};

/**
 * @brief Bind a DMA buffer of two halves, each one block of @p rb.
 *
 * @retval 0 on success.
 * @retval -EINVAL NULL pointer or @p buffer_len != 2 * block_len.
 */
int tinyml_dma_pingpong_init(struct tinyml_dma_pingpong *pp, struct tinyml_ringbuf *rb,
			     const int16_t *buffer, size_t buffer_len);

/**
 * @brief From the half-complete (@p second_half = 0) or full-complete (1) interrupt: publish
 * the half the DMA engine just finished.
 *
 * @retval 0 published.
 * @retval -ENOSPC ring full: the half was dropped and counted as an overflow.
 * @retval -EINVAL NULL pointer.
 */
int tinyml_dma_pingpong_complete(struct tinyml_dma_pingpong *pp, int second_half,
				 uint32_t timestamp);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_RINGBUF_H_ */
