/*
 * State store: the newest copy of one small state record (settings and their nonce, the model
 * slot state), kept in two copies on two disjoint halves of one flash area, each half a flash
 * ring (tinyml/flashring.h) with its own sectors.
 *
 * A write appends the record, tagged with a generation one above the newest, to copy 0 and
 * then to copy 1; a read returns the record with the highest generation found intact in either
 * copy. So a power cut leaves the previous state or the one being written; one sector that
 * dies (fails to erase, gets stuck bits, rots) leaves the newest state in the other copy; and a
 * copy only ever erases the sector holding its own newest record when the other copy holds the
 * current state (the one-sector-per-copy layout of a two-sector area). See docs/field-state.md.
 */
#ifndef TINYML_STATESTORE_H_
#define TINYML_STATESTORE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/flashring.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest state record (a flash ring record less sequence, generation and CRC). */
#define TINYML_STATESTORE_MAX_PAYLOAD (TINYML_FLASHRING_MAX_RECORD - 12u)

/** State of one store; fields are private to statestore.c. */
struct tinyml_statestore {
	struct tinyml_flashring copy[2];
	uint32_t payload_size;
	uint32_t generation; /* of the newest state, 0: none */
	uint32_t held[2];    /* generation of the newest record in each copy */
	bool ever_written;   /* the area held something at init (not factory blank) */
	uint32_t copy_failures;
};

/**
 * @brief Mount both copies on @p fa (at least 2 sectors: half of them each) and find the newest.
 *
 * @retval 0 on success.
 * @retval -EINVAL if the geometry or @p payload_size does not fit.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_statestore_init(struct tinyml_statestore *st, const struct tinyml_flash_area *fa,
			   uint32_t magic, uint32_t payload_size);

/**
 * @brief Newest intact state.
 *
 * @retval 0 on success.
 * @retval -ENOENT if neither copy holds an intact record.
 * @retval -EINVAL if @p len differs from the payload size.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_statestore_read(struct tinyml_statestore *st, void *payload, size_t len);

/**
 * @brief Write a new state to both copies.
 *
 * @retval 0 if at least one copy holds it intact (read back); the state is committed.
 * @retval -EINVAL if @p len differs from the payload size.
 * @retval -ENOSPC or -EIO if no copy could take it (the previous state is still there).
 */
int tinyml_statestore_write(struct tinyml_statestore *st, const void *payload, size_t len);

/** @brief Whether the area held anything at init: false only for a factory-blank area. */
bool tinyml_statestore_ever_written(const struct tinyml_statestore *st);

/** @brief Writes where one copy could not take the state (the other did). */
uint32_t tinyml_statestore_copy_failures(const struct tinyml_statestore *st);

/** @brief Torn or corrupt records both copies skipped at init. */
uint32_t tinyml_statestore_corrupt_records(const struct tinyml_statestore *st);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_STATESTORE_H_ */
