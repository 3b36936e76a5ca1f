/*
 * Flash seam: the only way the portable core reaches non-volatile storage.
 *
 * The core works on flash *areas* (event log, settings, model slot A, model slot B, ...), each
 * a handle the port defines and hands to the component that owns the area; offsets are relative
 * to the area. The rules are those of NOR flash: erase sets whole erase blocks to 0xFF, program
 * only clears bits, both are aligned to their block size. The core never programs a write block
 * twice between erases, so the same code runs on parts with ECC-protected flash words.
 */
#ifndef TINYML_PLATFORM_FLASH_H_
#define TINYML_PLATFORM_FLASH_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque handle of one flash area; each port defines the structure. */
struct tinyml_flash_area;

/** Geometry of one flash area. */
struct tinyml_flash_geometry {
	uint32_t write_block; /**< program granularity in bytes (power of two) */
	uint32_t erase_block; /**< erase granularity in bytes (power of two) */
	uint32_t size;        /**< area size in bytes, a multiple of erase_block */
};

/**
 * @brief Geometry of @p fa.
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p fa or @p geo is NULL.
 */
int tinyml_platform_flash_geometry(const struct tinyml_flash_area *fa,
				   struct tinyml_flash_geometry *geo);

/**
 * @brief Read @p len bytes at @p off (any alignment).
 *
 * @retval 0 on success.
 * @retval -EINVAL if the range leaves the area.
 * @retval -EIO on a device error.
 */
int tinyml_platform_flash_read(const struct tinyml_flash_area *fa, uint32_t off, void *dst,
			       size_t len);

/**
 * @brief Program @p len bytes at @p off; both multiples of the write block.
 *
 * @retval 0 on success.
 * @retval -EINVAL if unaligned or out of the area.
 * @retval -EIO on a device error (including an attempt to turn a 0 bit into 1).
 */
int tinyml_platform_flash_program(const struct tinyml_flash_area *fa, uint32_t off, const void *src,
				  size_t len);

/**
 * @brief Erase @p len bytes at @p off to 0xFF; both multiples of the erase block.
 *
 * @retval 0 on success.
 * @retval -EINVAL if unaligned or out of the area.
 * @retval -EIO on a device error (for example a worn-out sector).
 */
int tinyml_platform_flash_erase(const struct tinyml_flash_area *fa, uint32_t off, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PLATFORM_FLASH_H_ */
