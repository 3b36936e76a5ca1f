/*
 * Flash ring of CRC-checked, sequence-numbered records (see tinyml/flashring.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/crc32.h>
#include <tinyml/flashring.h>
#include <tinyml/log.h>

#include "le_bytes.h"

#define HEADER_BYTES   28u
#define SEQ_BYTES      4u
#define CRC_BYTES      4u
/* Sequence numbers above this are never written (2^31 records outlive any flash), so a
 * forged or corrupt header can never push the counters to wrap. */
#define SEQ_MAX        0x7FFFFFFFu
#define HEADER_VERSION 2u
/* Writes of one record tried before an append gives up (each in a fresh slot). */
#define APPEND_TRIES   3u
#define NO_SECTOR      0xFFFFFFFFu

static uint32_t align_up(uint32_t v, uint32_t a)
{
	return (v + a - 1u) / a * a;
}

static uint32_t sector_offset(const struct tinyml_flashring *ring, uint32_t sector)
{
	return (ring->first_sector + sector) * ring->sector_size;
}

static uint32_t slot_offset(const struct tinyml_flashring *ring, uint32_t sector, uint32_t slot)
{
	return sector_offset(ring, sector) + ring->header_size + slot * ring->record_size;
}

static bool is_bad(const struct tinyml_flashring *ring, uint32_t sector)
{
	return (ring->bad_sectors & (1ull << sector)) != 0u;
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
	tinyml_put_le64(h + 16, ring->bad_sectors);
	tinyml_put_le32(h + 24, tinyml_crc32(0u, h, 24u));
}

/* Reads a sector header; *sector_seq = 0 when it is not a valid header of this ring. */
static int read_header(struct tinyml_flashring *ring, uint32_t sector, uint32_t *sector_seq,
		       uint32_t *erase_count, uint64_t *bad)
{
	uint8_t *h = ring->buf;
	int rc = tinyml_platform_flash_read(ring->fa, sector_offset(ring, sector), h, HEADER_BYTES);

	if (rc != 0) {
		return rc;
	}
	*sector_seq = 0u;
	*erase_count = 0u;
	*bad = 0u;
	if (tinyml_get_le32(h) == ring->magic && tinyml_get_le16(h + 12) == ring->payload_size &&
	    h[14] == HEADER_VERSION && h[15] == 0u &&
	    tinyml_crc32(0u, h, 24u) == tinyml_get_le32(h + 24) && tinyml_get_le32(h + 4) != 0u &&
	    tinyml_get_le32(h + 4) <= SEQ_MAX) {
		*sector_seq = tinyml_get_le32(h + 4);
		*erase_count = tinyml_get_le32(h + 8);
		*bad = tinyml_get_le64(h + 16);
	}
	return 0;
}

static int scan_sector(struct tinyml_flashring *ring, uint32_t sector, uint32_t *max_seq,
		       uint32_t *newest_sector, uint32_t *end_slot)
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
			*newest_sector = sector;
		} else if (state == SLOT_CORRUPT) {
			ring->corrupt_slots++;
		}
	}
	return 0;
}

int tinyml_flashring_mount_range(struct tinyml_flashring *ring, const struct tinyml_flash_area *fa,
				 uint32_t first_sector, uint32_t n_sectors, uint32_t magic,
				 uint32_t payload_size)
{
	struct tinyml_flash_geometry geo;
	uint32_t max_sector_seq = 0u;
	uint32_t max_seq = 0u;
	uint64_t bad = 0u;
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
	ring->first_sector = first_sector;
	ring->sector_count = n_sectors != 0u ? n_sectors : geo.size / geo.erase_block;
	ring->newest_sector = NO_SECTOR;
	if (ring->record_size > TINYML_FLASHRING_MAX_RECORD ||
	    ring->sector_count < (n_sectors == 1u ? 1u : 2u) ||
	    ring->sector_count > TINYML_FLASHRING_MAX_SECTORS ||
	    (uint64_t)first_sector + ring->sector_count > geo.size / geo.erase_block ||
	    ring->sector_size < ring->header_size + 2u * ring->record_size) {
		return -EINVAL;
	}
	ring->records_per_sector = (ring->sector_size - ring->header_size) / ring->record_size;

	for (s = 0u; s < ring->sector_count; s++) {
		uint64_t marks;

		rc = read_header(ring, s, &ring->sector_seq[s], &ring->erase_count[s], &marks);
		if (rc != 0) {
			return rc;
		}
		bad |= marks;
	}
	/* retired sectors (recorded in any valid header) are never read nor erased again */
	ring->bad_sectors =
		bad & (ring->sector_count < 64u ? (1ull << ring->sector_count) - 1u : ~0ull);
	for (s = 0u; s < ring->sector_count; s++) {
		if (is_bad(ring, s)) {
			ring->sector_seq[s] = 0u;
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
		rc = scan_sector(ring, s, &max_seq, &ring->newest_sector, &end_slot);
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

int tinyml_flashring_mount(struct tinyml_flashring *ring, const struct tinyml_flash_area *fa,
			   uint32_t magic, uint32_t payload_size)
{
	return tinyml_flashring_mount_range(ring, fa, 0u, 0u, magic, payload_size);
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

/* Whether a whole sector reads erased (a stuck-at-0 bit or a failed erase shows here). */
static int sector_blank(struct tinyml_flashring *ring, uint32_t sector, bool *blank)
{
	uint8_t chunk[64];
	uint32_t off;

	*blank = false;
	for (off = 0u; off < ring->sector_size; off += sizeof(chunk)) {
		uint32_t n = ring->sector_size - off < sizeof(chunk) ? ring->sector_size - off
								     : (uint32_t)sizeof(chunk);
		int rc = tinyml_platform_flash_read(ring->fa, sector_offset(ring, sector) + off,
						    chunk, n);

		if (rc != 0) {
			return rc;
		}
		if (!all_erased(chunk, n)) {
			return 0;
		}
	}
	*blank = true;
	return 0;
}

/* Programs @p len bytes at @p off and reads them back: 0 only if the flash holds them. */
static int program_verified(struct tinyml_flashring *ring, uint32_t off, const uint8_t *data,
			    uint32_t len)
{
	uint8_t check[TINYML_FLASHRING_MAX_RECORD];
	int rc = tinyml_platform_flash_program(ring->fa, off, data, len);

	/* a program reported failed may still have landed whole: the read-back decides */
	if (tinyml_platform_flash_read(ring->fa, off, check, len) != 0) {
		return rc != 0 ? rc : -EIO;
	}
	if (memcmp(check, data, len) != 0) {
		ring->verify_failures++;
		return -EIO;
	}
	return 0;
}

/* Erase, blank check, header, header read back: the sector is ready for records. */
static int prepare_sector(struct tinyml_flashring *ring, uint32_t target, uint32_t erases)
{
	uint8_t header[TINYML_FLASHRING_MAX_RECORD];
	bool blank = false;
	int rc = tinyml_platform_flash_erase(ring->fa, sector_offset(ring, target),
					     ring->sector_size);

	if (rc == 0) {
		rc = sector_blank(ring, target, &blank);
	}
	if (rc == 0 && !blank) {
		rc = -EIO;
	}
	if (rc != 0) {
		return rc;
	}
	encode_header(ring, header, ring->next_sector_seq, erases + 1u);
	return program_verified(ring, sector_offset(ring, target), header, ring->header_size);
}

/*
 * Opens the oldest sector that may be erased: in ring order after the head, never a retired
 * one and never the one holding the newest valid record. A sector that fails twice (erase,
 * blank check, header or its read-back) is retired; the mark goes into every header written
 * from then on, so it survives resets.
 */
static int open_next_sector(struct tinyml_flashring *ring)
{
	uint32_t step;
	int rc = -ENOSPC;

	for (step = 1u; step <= ring->sector_count; step++) {
		uint32_t target = (ring->head + step) % ring->sector_count;
		uint32_t erases;
		uint32_t attempt;

		if (is_bad(ring, target) ||
		    (target == ring->newest_sector && !ring->may_erase_newest)) {
			continue;
		}
		erases = ring->sector_seq[target] != 0u ? ring->erase_count[target]
							: max_known_erase_count(ring);
		ring->sector_seq[target] = 0u;
		for (attempt = 0u; attempt < 2u; attempt++) {
			rc = prepare_sector(ring, target, erases + attempt);
			if (rc == 0) {
				break;
			}
		}
		ring->erase_count[target] = erases + attempt + (rc == 0 ? 1u : 0u);
		if (rc == 0) {
			ring->sector_seq[target] = ring->next_sector_seq++;
			ring->head = target;
			ring->head_slot = 0u;
			ring->head_open = true;
			return 0;
		}
		ring->bad_sectors |= 1ull << target;
		ring->retired++;
		TINYML_LOG_WRN("flashring", "sector %u retired (%d)", (unsigned int)target, rc);
	}
	return rc == -ENOSPC ? -ENOSPC : -EIO;
}

int tinyml_flashring_append(struct tinyml_flashring *ring, const void *payload, size_t len,
			    uint32_t *seq_out)
{
	uint8_t rec[TINYML_FLASHRING_MAX_RECORD];
	uint32_t body = ring->record_size - CRC_BYTES;
	uint32_t attempt;
	int rc = -EIO;

	if (payload == NULL || len != ring->payload_size) {
		return -EINVAL;
	}
	for (attempt = 0u; attempt < APPEND_TRIES; attempt++) {
		uint32_t seq;

		if (!ring->head_open || ring->head_slot >= ring->records_per_sector) {
			ring->head_open = false;
			rc = open_next_sector(ring);
			if (rc != 0) {
				return rc;
			}
		}
		if (ring->next_seq > SEQ_MAX) {
			return -ENOSPC;
		}
		seq = ring->next_seq++;
		memset(rec, 0, ring->record_size);
		tinyml_put_le32(rec, seq);
		memcpy(rec + SEQ_BYTES, payload, len);
		tinyml_put_le32(rec + body, tinyml_crc32(0u, rec, body));
		rc = program_verified(ring, slot_offset(ring, ring->head, ring->head_slot), rec,
				      ring->record_size);
		ring->head_slot++; /* a failed slot may be half written: never reuse it */
		if (rc == 0) {
			ring->newest_sector = ring->head;
			if (seq_out != NULL) {
				*seq_out = seq;
			}
			return 0;
		}
		ring->write_retries++;
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

static uint32_t live_sectors(const struct tinyml_flashring *ring)
{
	uint32_t n = 0u;
	uint32_t s;

	for (s = 0u; s < ring->sector_count; s++) {
		n += is_bad(ring, s) ? 0u : 1u;
	}
	return n;
}

uint32_t tinyml_flashring_capacity(const struct tinyml_flashring *ring)
{
	uint32_t live = live_sectors(ring);

	return live < 2u ? 0u : (live - 1u) * ring->records_per_sector;
}

uint64_t tinyml_flashring_bad_sectors(const struct tinyml_flashring *ring)
{
	return ring->bad_sectors;
}

uint32_t tinyml_flashring_write_retries(const struct tinyml_flashring *ring)
{
	return ring->write_retries;
}

uint32_t tinyml_flashring_corrupt_slots(const struct tinyml_flashring *ring)
{
	return ring->corrupt_slots;
}
