/*
 * Flash ring of CRC-checked, sequence-numbered records (see tinyml/flashring.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/crc32.h>
#include <tinyml/flashring.h>
#include <tinyml/log.h>

#include "le_bytes.h"

#define HEADER_BYTES   20u
#define SEQ_BYTES      4u
#define CRC_BYTES      4u
/* Sequence numbers above this are never written (2^31 records outlive any flash), so a
 * forged or corrupt header can never push the counters to wrap. */
#define SEQ_MAX        0x7FFFFFFFu
#define HEADER_VERSION 1u

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1u) / a * a;
}

static uint32_t slot_offset(const struct tinyml_flashring *ring, uint32_t sector, uint32_t slot)
{
	return sector * ring->sector_size + ring->header_size + slot * ring->record_size;
}

static bool all_erased(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0u; i < len; i++) {
		if (p[i] != 0xFFu) {
			return false;
		}
	}
	return true;
}

enum slot_state {
	SLOT_ERASED,
	SLOT_VALID,
	SLOT_CORRUPT,
};

/* Reads a slot into ring->buf and classifies it. */
static int read_slot(struct tinyml_flashring *ring, uint32_t sector, uint32_t slot,
		     enum slot_state *state, uint32_t *seq)
{
	uint32_t body = ring->record_size - CRC_BYTES;
	int rc = tinyml_platform_flash_read(ring->fa, slot_offset(ring, sector, slot), ring->buf,
					    ring->record_size);

	if (rc != 0) {
		return rc;
	}
	*seq = tinyml_get_le32(ring->buf);
	if (all_erased(ring->buf, ring->record_size)) {
		*state = SLOT_ERASED;
	} else if (*seq != 0u && *seq <= SEQ_MAX &&
		   tinyml_crc32(0u, ring->buf, body) == tinyml_get_le32(ring->buf + body)) {
		*state = SLOT_VALID;
	} else {
		*state = SLOT_CORRUPT;
	}
	return 0;
}

static void encode_header(const struct tinyml_flashring *ring, uint8_t *h, uint32_t sector_seq,
			  uint32_t erase_count)
{
	memset(h, 0, ring->header_size);
	tinyml_put_le32(h, ring->magic);
	tinyml_put_le32(h + 4, sector_seq);
	tinyml_put_le32(h + 8, erase_count);
	tinyml_put_le16(h + 12, (uint16_t)ring->payload_size);
	h[14] = HEADER_VERSION;
	h[15] = 0u;
	tinyml_put_le32(h + 16, tinyml_crc32(0u, h, 16u));
}

/* Reads a sector header; *sector_seq = 0 when it is not a valid header of this ring. */
static int read_header(struct tinyml_flashring *ring, uint32_t sector, uint32_t *sector_seq,
		       uint32_t *erase_count)
{
	uint8_t *h = ring->buf;
	int rc = tinyml_platform_flash_read(ring->fa, sector * ring->sector_size, h, HEADER_BYTES);

	if (rc != 0) {
		return rc;
	}
	*sector_seq = 0u;
	*erase_count = 0u;
	if (tinyml_get_le32(h) == ring->magic && tinyml_get_le16(h + 12) == ring->payload_size &&
	    h[14] == HEADER_VERSION && h[15] == 0u &&
	    tinyml_crc32(0u, h, 16u) == tinyml_get_le32(h + 16) && tinyml_get_le32(h + 4) != 0u &&
	    tinyml_get_le32(h + 4) <= SEQ_MAX) {
		*sector_seq = tinyml_get_le32(h + 4);
		*erase_count = tinyml_get_le32(h + 8);
	}
	return 0;
}

static int scan_sector(struct tinyml_flashring *ring, uint32_t sector, uint32_t *max_seq,
		       uint32_t *end_slot)
{
	uint32_t slot;

	*end_slot = 0u;
	for (slot = 0u; slot < ring->records_per_sector; slot++) {
		enum slot_state state;
		uint32_t seq;
		int rc = read_slot(ring, sector, slot, &state, &seq);

		if (rc != 0) {
			return rc;
		}
		if (state != SLOT_ERASED) {
			*end_slot = slot + 1u;
		}
		if (state == SLOT_VALID && seq > *max_seq) {
			*max_seq = seq;
		} else if (state == SLOT_CORRUPT) {
			ring->corrupt_slots++;
		}
	}
	return 0;
}

int tinyml_flashring_mount(struct tinyml_flashring *ring, const struct tinyml_flash_area *fa,
			   uint32_t magic, uint32_t payload_size)
{
	struct tinyml_flash_geometry geo;
	uint32_t max_sector_seq = 0u;
	uint32_t max_seq = 0u;
	uint32_t s;
	int rc;

	if (ring == NULL || fa == NULL || payload_size == 0u || payload_size > 0xFFFFu) {
		return -EINVAL;
	}
	rc = tinyml_platform_flash_geometry(fa, &geo);
	if (rc != 0) {
		return rc;
	}
	memset(ring, 0, sizeof(*ring));
	ring->fa = fa;
	ring->magic = magic;
	ring->payload_size = payload_size;
	ring->record_size = align_up(SEQ_BYTES + payload_size + CRC_BYTES, geo.write_block);
	ring->header_size = align_up(HEADER_BYTES, geo.write_block);
	ring->sector_size = geo.erase_block;
	ring->sector_count = geo.size / geo.erase_block;
	if (ring->record_size > TINYML_FLASHRING_MAX_RECORD || ring->sector_count < 2u ||
	    ring->sector_count > TINYML_FLASHRING_MAX_SECTORS ||
	    ring->sector_size < ring->header_size + 2u * ring->record_size) {
		return -EINVAL;
	}
	ring->records_per_sector = (ring->sector_size - ring->header_size) / ring->record_size;

	for (s = 0u; s < ring->sector_count; s++) {
		rc = read_header(ring, s, &ring->sector_seq[s], &ring->erase_count[s]);
		if (rc != 0) {
			return rc;
		}
		if (ring->sector_seq[s] > max_sector_seq) {
			max_sector_seq = ring->sector_seq[s];
			ring->head = s;
		}
	}
	if (max_sector_seq == 0u) {
		ring->head = ring->sector_count - 1u; /* the first append opens sector 0 */
		ring->next_sector_seq = 1u;
		ring->next_seq = 1u;
		return 0;
	}
	for (s = 0u; s < ring->sector_count; s++) {
		uint32_t end_slot;

		if (ring->sector_seq[s] == 0u) {
			continue;
		}
		rc = scan_sector(ring, s, &max_seq, &end_slot);
		if (rc != 0) {
			return rc;
		}
		if (s == ring->head) {
			ring->head_slot = end_slot;
		}
	}
	ring->head_open = true;
	ring->next_sector_seq = max_sector_seq + 1u;
	ring->next_seq = max_seq + 1u;
	if (ring->corrupt_slots != 0u) {
		TINYML_LOG_INF("flashring", "%u torn or corrupt record(s) skipped",
			       (unsigned int)ring->corrupt_slots);
	}
	return 0;
}

static uint32_t max_known_erase_count(const struct tinyml_flashring *ring)
{
	uint32_t best = 0u;
	uint32_t s;

	for (s = 0u; s < ring->sector_count; s++) {
		best = ring->erase_count[s] > best ? ring->erase_count[s] : best;
	}
	return best;
}

/* Erases the sector after the head (the oldest) and makes it the head. */
static int open_next_sector(struct tinyml_flashring *ring)
{
	uint8_t header[TINYML_FLASHRING_MAX_RECORD];
	uint32_t target = ring->head;
	uint32_t tries;
	int rc = -EIO;

	for (tries = 0u; tries < ring->sector_count; tries++) {
		uint32_t erases;

		target = (target + 1u) % ring->sector_count;
		if ((ring->bad_sectors & (1ull << target)) != 0u) {
			continue;
		}
		erases = ring->sector_seq[target] != 0u ? ring->erase_count[target]
							: max_known_erase_count(ring);
		ring->sector_seq[target] = 0u;
		rc = tinyml_platform_flash_erase(ring->fa, target * ring->sector_size,
						 ring->sector_size);
		if (rc != 0) {
			/* a worn-out sector is retired; the ring goes on with the others */
			ring->bad_sectors |= 1ull << target;
			TINYML_LOG_WRN("flashring", "erase of sector %u failed (%d)",
				       (unsigned int)target, rc);
			continue;
		}
		encode_header(ring, header, ring->next_sector_seq, erases + 1u);
		rc = tinyml_platform_flash_program(ring->fa, target * ring->sector_size, header,
						   ring->header_size);
		ring->erase_count[target] = erases + 1u;
		if (rc != 0) {
			return rc;
		}
		ring->sector_seq[target] = ring->next_sector_seq++;
		ring->head = target;
		ring->head_slot = 0u;
		ring->head_open = true;
		return 0;
	}
	return rc;
}

int tinyml_flashring_append(struct tinyml_flashring *ring, const void *payload, size_t len,
			    uint32_t *seq_out)
{
	uint32_t body = ring->record_size - CRC_BYTES;
	uint32_t seq;
	int rc;

	if (payload == NULL || len != ring->payload_size) {
		return -EINVAL;
	}
	if (!ring->head_open || ring->head_slot >= ring->records_per_sector) {
		ring->head_open = false;
		rc = open_next_sector(ring);
		if (rc != 0) {
			return rc;
		}
	}
	seq = ring->next_seq++;
	memset(ring->buf, 0, ring->record_size);
	tinyml_put_le32(ring->buf, seq);
	memcpy(ring->buf + SEQ_BYTES, payload, len);
	tinyml_put_le32(ring->buf + body, tinyml_crc32(0u, ring->buf, body));
	rc = tinyml_platform_flash_program(ring->fa, slot_offset(ring, ring->head, ring->head_slot),
					   ring->buf, ring->record_size);
	ring->head_slot++; /* a failed slot may be half written: never reuse it */
	if (rc == 0 && seq_out != NULL) {
		*seq_out = seq;
	}
	return rc;
}

/* The sector with the smallest sequence above @p after, or sector_count if none. */
static uint32_t next_sector_in_order(const struct tinyml_flashring *ring, uint32_t after)
{
	uint32_t best = ring->sector_count;
	uint32_t s;

	for (s = 0u; s < ring->sector_count; s++) {
		uint32_t q = ring->sector_seq[s];

		if (q > after && (best == ring->sector_count || q < ring->sector_seq[best])) {
			best = s;
		}
	}
	return best;
}

int tinyml_flashring_walk(struct tinyml_flashring *ring, tinyml_flashring_visit_t visit, void *ctx)
{
	uint32_t last_seq = 0u;
	uint32_t after = 0u;
	uint32_t s;

	if (ring == NULL || ring->fa == NULL || visit == NULL) {
		return -EINVAL;
	}
	for (s = next_sector_in_order(ring, 0u); s < ring->sector_count;
	     s = next_sector_in_order(ring, after)) {
		uint32_t slot;

		after = ring->sector_seq[s];
		for (slot = 0u; slot < ring->records_per_sector; slot++) {
			enum slot_state state;
			uint32_t seq;
			int rc = read_slot(ring, s, slot, &state, &seq);

			if (rc != 0) {
				return rc;
			}
			if (state != SLOT_VALID || seq <= last_seq) {
				continue;
			}
			last_seq = seq;
			rc = visit(ctx, seq, ring->buf + SEQ_BYTES, ring->payload_size);
			if (rc != 0) {
				return rc;
			}
		}
	}
	return 0;
}

struct newest_ctx {
	uint32_t seq;
	void *payload;
	size_t len;
};

static int keep_newest(void *ctx, uint32_t seq, const uint8_t *payload, size_t len)
{
	struct newest_ctx *n = ctx;

	n->seq = seq;
	memcpy(n->payload, payload, len < n->len ? len : n->len);
	return 0;
}

int tinyml_flashring_read_newest(struct tinyml_flashring *ring, uint32_t *seq, void *payload,
				 size_t len)
{
	struct newest_ctx n = {0u, payload, len};
	int rc;

	if (payload == NULL || len != ring->payload_size) {
		return -EINVAL;
	}
	rc = tinyml_flashring_walk(ring, keep_newest, &n);
	if (rc != 0) {
		return rc;
	}
	if (n.seq == 0u) {
		return -ENOENT;
	}
	if (seq != NULL) {
		*seq = n.seq;
	}
	return 0;
}

uint32_t tinyml_flashring_capacity(const struct tinyml_flashring *ring)
{
	return (ring->sector_count - 1u) * ring->records_per_sector;
}

uint32_t tinyml_flashring_corrupt_slots(const struct tinyml_flashring *ring)
{
	return ring->corrupt_slots;
}
