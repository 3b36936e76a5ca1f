/*
 * Two-copy state record store on two flash rings (see tinyml/statestore.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/log.h>
#include <tinyml/statestore.h>

#include "le_bytes.h"

#define GEN_BYTES 4u

struct newest {
	uint32_t gen;
	uint8_t *payload;
	size_t len;
};

static int keep_highest(void *ctx, uint32_t seq, const uint8_t *rec, size_t len)
{
	struct newest *n = ctx;
	uint32_t gen = tinyml_get_le32(rec);

	(void)seq;
	if (len != n->len + GEN_BYTES || gen == 0u || gen < n->gen) {
		return 0;
	}
	n->gen = gen;
	if (n->payload != NULL) {
		memcpy(n->payload, rec + GEN_BYTES, n->len);
	}
	return 0;
}

static int area_ever_written(const struct tinyml_flash_area *fa, uint32_t size, bool *written)
{
	uint8_t chunk[64];
	uint32_t off;
	size_t i;

	*written = false;
	for (off = 0u; off < size; off += sizeof(chunk)) {
		uint32_t n = size - off < sizeof(chunk) ? size - off : (uint32_t)sizeof(chunk);
		int rc = tinyml_platform_flash_read(fa, off, chunk, n);

		if (rc != 0) {
			return rc;
		}
		for (i = 0u; i < n; i++) {
			if (chunk[i] != 0xFFu) {
				*written = true;
				return 0;
			}
		}
	}
	return 0;
}

int tinyml_statestore_init(struct tinyml_statestore *st, const struct tinyml_flash_area *fa,
			   uint32_t magic, uint32_t payload_size)
{
	struct tinyml_flash_geometry geo;
	uint32_t sectors;
	uint32_t half;
	uint32_t c;
	int rc;

	if (st == NULL || fa == NULL || payload_size == 0u ||
	    payload_size > TINYML_STATESTORE_MAX_PAYLOAD) {
		return -EINVAL;
	}
	rc = tinyml_platform_flash_geometry(fa, &geo);
	if (rc != 0) {
		return rc;
	}
	memset(st, 0, sizeof(*st));
	sectors = geo.size / geo.erase_block;
	half = sectors / 2u;
	if (half < 1u) {
		return -EINVAL;
	}
	st->payload_size = payload_size;
	for (c = 0u; c < 2u; c++) {
		struct newest n = {0u, NULL, payload_size};

		/* copy 1 also takes the odd sector out */
		rc = tinyml_flashring_mount_range(&st->copy[c], fa, c * half,
						  c == 0u ? half : sectors - half, magic,
						  payload_size + GEN_BYTES);
		if (rc == 0) {
			rc = tinyml_flashring_walk(&st->copy[c], keep_highest, &n);
		}
		if (rc != 0) {
			return rc;
		}
		st->held[c] = n.gen;
		st->generation = n.gen > st->generation ? n.gen : st->generation;
	}
	return area_ever_written(fa, geo.size, &st->ever_written);
}

int tinyml_statestore_read(struct tinyml_statestore *st, void *payload, size_t len)
{
	struct newest n = {0u, payload, len};
	uint32_t c;

	if (st == NULL || payload == NULL || len != st->payload_size) {
		return -EINVAL;
	}
	for (c = 0u; c < 2u; c++) {
		int rc = tinyml_flashring_walk(&st->copy[c], keep_highest, &n);

		if (rc != 0) {
			return rc;
		}
	}
	return n.gen == 0u ? -ENOENT : 0;
}

/* Generation of the newest intact record of copy @p c, read from flash now. */
static uint32_t copy_generation(struct tinyml_statestore *st, uint32_t c)
{
	struct newest n = {0u, NULL, st->payload_size};

	return tinyml_flashring_walk(&st->copy[c], keep_highest, &n) == 0 ? n.gen : 0u;
}

static bool head_full(const struct tinyml_flashring *ring)
{
	return !ring->head_open || ring->head_slot >= ring->records_per_sector;
}

int tinyml_statestore_write(struct tinyml_statestore *st, const void *payload, size_t len)
{
	uint8_t rec[TINYML_STATESTORE_MAX_PAYLOAD + GEN_BYTES];
	uint32_t gen;
	uint32_t c;
	int rc[2];

	if (st == NULL || payload == NULL || len != st->payload_size) {
		return -EINVAL;
	}
	if (st->generation >= 0x7FFFFFFFu) {
		return -ENOSPC;
	}
	gen = st->generation + 1u;
	tinyml_put_le32(rec, gen);
	memcpy(rec + GEN_BYTES, payload, len);
	for (c = 0u; c < 2u; c++) {
		struct tinyml_flashring *ring = &st->copy[c];

		/* a copy may erase its own newest record only while the other holds the state:
		 * checked on the flash itself, since a record may have rotted since */
		ring->may_erase_newest = head_full(ring) && st->held[1u - c] >= st->generation &&
					 copy_generation(st, 1u - c) >= st->generation;
		rc[c] = tinyml_flashring_append(ring, rec, len + GEN_BYTES, NULL);
		ring->may_erase_newest = false;
		if (rc[c] == 0) {
			st->held[c] = gen;
		}
	}
	if (rc[0] != 0 && rc[1] != 0) {
		TINYML_LOG_ERR("statestore", "state not written (%d, %d)", rc[0], rc[1]);
		/* a copy may hold it anyway (a program reported failed that landed): never reuse
		 * its generation for another state */
		st->generation = gen;
		return rc[1];
	}
	if (rc[0] != 0 || rc[1] != 0) {
		st->copy_failures++;
		TINYML_LOG_WRN("statestore", "copy %u not written (%d)", rc[0] != 0 ? 0u : 1u,
			       rc[0] != 0 ? rc[0] : rc[1]);
	}
	st->generation = gen;
	return 0;
}

bool tinyml_statestore_ever_written(const struct tinyml_statestore *st)
{
	return st->ever_written;
}

uint32_t tinyml_statestore_copy_failures(const struct tinyml_statestore *st)
{
	return st->copy_failures;
}

uint32_t tinyml_statestore_corrupt_records(const struct tinyml_statestore *st)
{
	return tinyml_flashring_corrupt_slots(&st->copy[0]) +
	       tinyml_flashring_corrupt_slots(&st->copy[1]);
}
