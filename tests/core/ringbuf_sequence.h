/*
 * Shared check of the concurrent ring-buffer tests (host threads, target interrupt): the
 * producer pushes a counting sequence stamped with each block's first value, so a received
 * block must hold consecutive values from its timestamp and come after the previous one.
 */
#ifndef TESTS_RINGBUF_SEQUENCE_H_
#define TESTS_RINGBUF_SEQUENCE_H_

#include <stdint.h>

static inline int ringbuf_block_in_sequence(const int16_t *block, uint32_t len, uint32_t ts,
					    int32_t last_ts)
{
	uint32_t i;

	if (ts % len != 0u || (int32_t)ts <= last_ts) {
		return 0;
	}
	for (i = 0u; i < len; i++) {
		if (block[i] != (int16_t)(ts + i)) {
			return 0;
		}
	}
	return 1;
}

#endif /* TESTS_RINGBUF_SEQUENCE_H_ */
