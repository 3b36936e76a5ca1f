/*
 * Lock-free SPSC block ring. Ordering: the producer writes a block and its timestamp, then
 * publishes head with release; the consumer reads head with acquire before touching the block,
 * and publishes tail with release when done; the producer reads tail with acquire before
 * reusing a slot. On a single-core Cortex-M the release/acquire pair compiles to DMB, which
 * also orders against an ISR; on the host it is the C11 model.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/ringbuf.h>

#define LOAD_ACQ(p)     __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define LOAD_RLX(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define STORE_RLX(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

int tinyml_ringbuf_init(struct tinyml_ringbuf *rb, int16_t *storage, size_t storage_len,
			uint32_t *timestamps, size_t n_blocks, size_t block_len)
{
	if (rb == NULL || storage == NULL || timestamps == NULL || block_len == 0u ||
	    n_blocks < 2u || n_blocks > 65536u || (n_blocks & (n_blocks - 1u)) != 0u ||
	    block_len > UINT32_MAX / n_blocks || storage_len < n_blocks * block_len) {
		return -EINVAL;
	}
	rb->storage = storage;
	rb->timestamps = timestamps;
	rb->block_len = (uint32_t)block_len;
	rb->mask = (uint32_t)n_blocks - 1u;
	rb->head = 0u;
	rb->tail = 0u;
	rb->fill = 0u;
	rb->dropping = 0u;
	rb->overflows = 0u;
	rb->cursor = storage;
	return 0;
}

/* Producer: slot for the next block, or NULL when the ring is full. */
static int16_t *claim(struct tinyml_ringbuf *rb, uint32_t head)
{
	if (head - LOAD_ACQ(&rb->tail) > rb->mask) {
		return NULL;
	}
	return rb->storage + (head & rb->mask) * rb->block_len;
}

int tinyml_ringbuf_push(struct tinyml_ringbuf *rb, int16_t value, uint32_t timestamp)
{
	uint32_t fill;
	uint32_t head;

	if (rb == NULL) {
		return -EINVAL;
	}
	fill = rb->fill;
	head = rb->head;
	if (fill == 0u) {
		int16_t *slot = claim(rb, head);

		rb->dropping = slot == NULL;
		rb->cursor = slot;
		if (slot != NULL) {
			rb->timestamps[head & rb->mask] = timestamp;
		}
	}
	fill++;
	if (!rb->dropping) {
		*rb->cursor++ = value;
	}
	if (fill == rb->block_len) {
		fill = 0u;
		if (rb->dropping) {
			STORE_RLX(&rb->overflows, rb->overflows + 1u);
		} else {
			STORE_REL(&rb->head, head + 1u);
		}
	}
	rb->fill = fill;
	return rb->dropping ? 1 : 0;
}

int tinyml_ringbuf_push_block(struct tinyml_ringbuf *rb, const int16_t *values, size_t len,
			      uint32_t timestamp)
{
	int16_t *slot;
	uint32_t head;

	if (rb == NULL || values == NULL || len != rb->block_len) {
		return -EINVAL;
	}
	if (rb->fill != 0u) {
		return -EBUSY;
	}
	head = rb->head;
	slot = claim(rb, head);
	if (slot == NULL) {
		STORE_RLX(&rb->overflows, rb->overflows + 1u);
		return -ENOSPC;
	}
	memcpy(slot, values, len * sizeof(*values));
	rb->timestamps[head & rb->mask] = timestamp;
	STORE_REL(&rb->head, head + 1u);
	return 0;
}

int tinyml_ringbuf_peek(struct tinyml_ringbuf *rb, const int16_t **block, uint32_t *timestamp)
{
	uint32_t tail;

	if (rb == NULL || block == NULL || timestamp == NULL) {
		return -EINVAL;
	}
	tail = rb->tail;
	if (LOAD_ACQ(&rb->head) == tail) {
		return -EAGAIN;
	}
	*block = rb->storage + (tail & rb->mask) * rb->block_len;
	*timestamp = rb->timestamps[tail & rb->mask];
	return 0;
}

int tinyml_ringbuf_release(struct tinyml_ringbuf *rb)
{
	uint32_t tail;

	if (rb == NULL) {
		return -EINVAL;
	}
	tail = rb->tail;
	if (LOAD_ACQ(&rb->head) == tail) {
		return -EAGAIN;
	}
	STORE_REL(&rb->tail, tail + 1u);
	return 0;
}

int tinyml_ringbuf_pop(struct tinyml_ringbuf *rb, int16_t *dst, size_t dst_len, uint32_t *timestamp)
{
	const int16_t *block;
	int err;

	if (rb == NULL || dst == NULL || timestamp == NULL || dst_len < rb->block_len) {
		return -EINVAL;
	}
	err = tinyml_ringbuf_peek(rb, &block, timestamp);
	if (err != 0) {
		return err;
	}
	memcpy(dst, block, rb->block_len * sizeof(*dst));
	return tinyml_ringbuf_release(rb);
}

uint32_t tinyml_ringbuf_available(const struct tinyml_ringbuf *rb)
{
	if (rb == NULL) {
		return 0u;
	}
	return LOAD_ACQ(&rb->head) - LOAD_RLX(&rb->tail);
}

uint32_t tinyml_ringbuf_overflows(const struct tinyml_ringbuf *rb)
{
	return rb == NULL ? 0u : LOAD_RLX(&rb->overflows);
}
