/*
 * Zephyr port: flash seam on the flash map (flash_area_*), one area per devicetree partition.
 */
#include <errno.h>

#include <zephyr/kernel.h>
#include <zephyr/storage/flash_map.h>

#include <tinyml/platform/flash.h>
#include <tinyml/zephyr/areas.h>

struct tinyml_flash_area {
	uint8_t id;
	const struct flash_area *fa;
	struct tinyml_flash_geometry geo;
	bool ready;
};

static struct tinyml_flash_area areas[TINYML_ZEPHYR_AREA_COUNT] = {
	[TINYML_ZEPHYR_AREA_MODEL_A] = {.id = FIXED_PARTITION_ID(model_slot_a)},
	[TINYML_ZEPHYR_AREA_MODEL_B] = {.id = FIXED_PARTITION_ID(model_slot_b)},
	[TINYML_ZEPHYR_AREA_EVENT_LOG] = {.id = FIXED_PARTITION_ID(event_log_partition)},
	[TINYML_ZEPHYR_AREA_MODEL_STATE] = {.id = FIXED_PARTITION_ID(model_state_partition)},
	[TINYML_ZEPHYR_AREA_SETTINGS] = {.id = FIXED_PARTITION_ID(tinyml_settings_partition)},
};

/* Scratch for flash_area_get_sectors(); only used during init. */
static struct flash_sector sectors[CONFIG_TINYML_FLASH_MAX_SECTORS];

static int open_area(struct tinyml_flash_area *area)
{
	uint32_t count = ARRAY_SIZE(sectors);
	int rc;

	rc = flash_area_open(area->id, &area->fa);
	if (rc != 0) {
		return rc == -ENODEV ? -ENODEV : -EIO;
	}
	if (!flash_area_device_is_ready(area->fa)) {
		return -ENODEV;
	}
	if (flash_area_erased_val(area->fa) != 0xffU) {
		return -ENOTSUP;
	}
	rc = flash_area_get_sectors(area->id, &count, sectors);
	if (rc != 0 || count == 0U) {
		return -EIO;
	}
	for (uint32_t i = 1; i < count; i++) {
		if (sectors[i].fs_size != sectors[0].fs_size) {
			return -ENOTSUP;
		}
	}
	area->geo.write_block = flash_area_align(area->fa);
	area->geo.erase_block = (uint32_t)sectors[0].fs_size;
	area->geo.size = (uint32_t)area->fa->fa_size;
	area->ready = true;
	return 0;
}

int tinyml_zephyr_flash_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(areas); i++) {
		int rc = open_area(&areas[i]);

		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

const struct tinyml_flash_area *tinyml_zephyr_area(enum tinyml_zephyr_area_id id)
{
	if ((unsigned int)id >= ARRAY_SIZE(areas) || !areas[id].ready) {
		return NULL;
	}
	return &areas[id];
}

static bool in_area(const struct tinyml_flash_area *area, uint32_t off, size_t len)
{
	return area != NULL && area->ready && off <= area->geo.size &&
	       len <= (size_t)(area->geo.size - off);
}

static bool aligned(uint32_t off, size_t len, uint32_t block)
{
	return block != 0U && (off % block) == 0U && (len % block) == 0U;
}

int tinyml_platform_flash_geometry(const struct tinyml_flash_area *fa,
				   struct tinyml_flash_geometry *geo)
{
	if (fa == NULL || geo == NULL || !fa->ready) {
		return -EINVAL;
	}
	*geo = fa->geo;
	return 0;
}

int tinyml_platform_flash_read(const struct tinyml_flash_area *fa, uint32_t off, void *dst,
			       size_t len)
{
	if (dst == NULL || !in_area(fa, off, len)) {
		return -EINVAL;
	}
	return flash_area_read(fa->fa, (off_t)off, dst, len) == 0 ? 0 : -EIO;
}

int tinyml_platform_flash_program(const struct tinyml_flash_area *fa, uint32_t off, const void *src,
				  size_t len)
{
	if (src == NULL || !in_area(fa, off, len) || !aligned(off, len, fa->geo.write_block)) {
		return -EINVAL;
	}
	return flash_area_write(fa->fa, (off_t)off, src, len) == 0 ? 0 : -EIO;
}

int tinyml_platform_flash_erase(const struct tinyml_flash_area *fa, uint32_t off, size_t len)
{
	if (!in_area(fa, off, len) || !aligned(off, len, fa->geo.erase_block)) {
		return -EINVAL;
	}
	return flash_area_erase(fa->fa, (off_t)off, len) == 0 ? 0 : -EIO;
}
