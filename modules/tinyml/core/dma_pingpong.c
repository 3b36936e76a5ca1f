/*
 * DMA double buffer handoff: each half-complete / full-complete interrupt copies the half the
 * engine just finished into the ring while the engine fills the other half.
 */
#include <errno.h>

#include <tinyml/ringbuf.h>

int tinyml_dma_pingpong_init(struct tinyml_dma_pingpong *pp, struct tinyml_ringbuf *rb,
			     const int16_t *buffer, size_t buffer_len)
{
	if (pp == NULL || rb == NULL || buffer == NULL || rb->block_len == 0u ||
	    buffer_len != 2u * (size_t)rb->block_len) {
		return -EINVAL;
	}
	pp->rb = rb;
	pp->buffer = buffer;
	pp->half_len = rb->block_len;
	return 0;
}

int tinyml_dma_pingpong_complete(struct tinyml_dma_pingpong *pp, int second_half,
				 uint32_t timestamp)
{
	if (pp == NULL || pp->rb == NULL) {
		return -EINVAL;
	}
	return tinyml_ringbuf_push_block(pp->rb, pp->buffer + (second_half ? pp->half_len : 0u),
					 pp->half_len, timestamp);
}
