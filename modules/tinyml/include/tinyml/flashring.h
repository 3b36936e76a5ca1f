/*
 * Flash ring: fixed-size records, each with a sequence number and CRC-32, appended to a ring
 * of erase blocks (sectors). The shared storage engine of the event log and the settings.
 *
 * Every sector starts with a header (magic, sector sequence, erase count, record size, CRC).
 * A record is written with one program operation and never touched again until its sector is
 * erased, so a power cut tears at most the record or header being written: mount skips what
 * does not check out, and the next append goes past it. The sectors are used in turn, so
 * wear is level: each is erased once per trip around the ring.
 *
 * Against flash that misbehaves without a power cut: every erase is checked blank and every
 * header and record is read back after its program; a record that did not land is written
 * again in the next slot; a sector that fails twice is retired, and the retirement is recorded
 * in every sector header written afterwards, so it survives resets. The ring never erases the
 * sector holding its newest valid record, and erases strictly oldest first, so a retired
 * sector never leaves a hole of lost records between kept ones (docs/field-state.md).
 */
#ifndef TINYML_FLASHRING_H_
#define TINYML_FLASHRING_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/platform/flash.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TINYML_FLASHRING_MAX_SECTORS
#define TINYML_FLASHRING_MAX_SECTORS 64
#endif
/** Largest aligned record (sequence + payload + CRC + padding to the write block). */
#ifndef TINYML_FLASHRING_MAX_RECORD
#define TINYML_FLASHRING_MAX_RECORD 128
#endif

/** State of one ring; all fields are private to flashring.c. */
struct tinyml_flashring {
	const struct tinyml_flash_area *fa;
	uint32_t magic;
	uint32_t payload_size;
	uint32_t record_size;
	uint32_t header_size;
	uint32_t sector_size;
	uint32_t first_sector; /* of the area, where this ring starts */
	uint32_t sector_count;
	uint32_t records_per_sector;
	uint32_t head;         /* sector records go to */
	uint32_t head_slot;    /* next free slot in head */
	bool head_open;        /* head has a valid header */
	bool may_erase_newest; /* set by tinyml/statestore.h when another copy holds the state */
	uint32_t next_sector_seq;
	uint32_t next_seq;
	uint32_t newest_sector; /* holds the newest valid record; never erased */
	uint32_t corrupt_slots;
	uint32_t retired;
	uint32_t verify_failures;
	uint32_t write_retries;
	uint64_t bad_sectors; /* retired sectors, persisted in each new header */
	uint32_t sector_seq[TINYML_FLASHRING_MAX_SECTORS]; /* 0: no valid header */
	uint32_t erase_count[TINYML_FLASHRING_MAX_SECTORS];
	uint8_t buf[TINYML_FLASHRING_MAX_RECORD];
};

/**
 * @brief Called for each valid record, oldest first.
 *
 * @return 0 to continue, anything else stops the walk and is returned by the walk.
 */
typedef int (*tinyml_flashring_visit_t)(void *ctx, uint32_t seq, const uint8_t *payload,
					size_t len);

/**
 * @brief Mount a ring on @p fa: find the newest sector and the end of its records.
 *
 * Reads only; a blank or foreign area mounts as an empty ring and is claimed on the first
 * append.
 *
 * @param magic        Identifies the user of the area (a ring of another user is foreign).
 * @param payload_size Bytes of payload per record.
 * @retval 0 on success.
 * @retval -EINVAL if the geometry does not fit (fewer than 2 or more than
 *         TINYML_FLASHRING_MAX_SECTORS sectors, a record larger than
 *         TINYML_FLASHRING_MAX_RECORD, fewer than 2 records per sector).
 * @retval -EIO if the flash could not be read.
 */
int tinyml_flashring_mount(struct tinyml_flashring *ring, const struct tinyml_flash_area *fa,
			   uint32_t magic, uint32_t payload_size);

/**
 * @brief Mount a ring on @p n_sectors sectors of @p fa from sector @p first_sector (0: to the
 *        end of the area); otherwise as tinyml_flashring_mount(). Two rings on disjoint ranges
 *        of one area are independent (tinyml/statestore.h keeps two copies that way). A ring of
 *        one sector (@p n_sectors 1) can only go on by erasing its newest record, which it
 *        does only while may_erase_newest is set: for a copy whose state is held elsewhere.
 */
int tinyml_flashring_mount_range(struct tinyml_flashring *ring, const struct tinyml_flash_area *fa,
				 uint32_t first_sector, uint32_t n_sectors, uint32_t magic,
				 uint32_t payload_size);

/**
 * @brief Append one record; erases the next sector (the oldest) when the head is full.
 *
 * The record is committed once this returns 0: it was read back intact. A write that did not
 * land is retried in a fresh slot (up to 3 writes); on error the sequence numbers are used up.
 *
 * @param seq_out Sequence number given to the record (may be NULL).
 * @retval 0 on success.
 * @retval -EINVAL if @p len differs from the payload size.
 * @retval -ENOSPC if no sector may be erased (every other one is retired).
 * @retval -EIO if the flash failed (no sector could be prepared, or no write landed).
 */
int tinyml_flashring_append(struct tinyml_flashring *ring, const void *payload, size_t len,
			    uint32_t *seq_out);

/**
 * @brief Walk the valid records from the oldest to the newest.
 *
 * Records whose sequence number does not increase are skipped, so a stale record can never
 * be returned after a newer one.
 *
 * @retval 0 after the last record, or what @p visit returned to stop.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_flashring_walk(struct tinyml_flashring *ring, tinyml_flashring_visit_t visit, void *ctx);

/**
 * @brief Read the newest valid record.
 *
 * @retval 0 on success.
 * @retval -ENOENT if the ring holds no valid record.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_flashring_read_newest(struct tinyml_flashring *ring, uint32_t *seq, void *payload,
				 size_t len);

/**
 * @brief Records a full trip around the ring holds at least ((live sectors - 1) x per sector);
 *        retired sectors do not count.
 */
uint32_t tinyml_flashring_capacity(const struct tinyml_flashring *ring);

/** @brief Retired sectors, bit i for sector i of the ring (persisted across resets). */
uint64_t tinyml_flashring_bad_sectors(const struct tinyml_flashring *ring);

/** @brief Record writes that did not read back intact and were written again. */
uint32_t tinyml_flashring_write_retries(const struct tinyml_flashring *ring);

/** @brief Slots found written but invalid at mount (torn or corrupt records). */
uint32_t tinyml_flashring_corrupt_slots(const struct tinyml_flashring *ring);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_FLASHRING_H_ */
