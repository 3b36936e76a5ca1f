/*
 * The port's flash seam on the flash simulator: geometry from the devicetree, NOR rules as
 * the core expects them, bounds and alignment refused with -EINVAL, and the model slot view.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/devicetree.h>
#include <zephyr/ztest.h>

#include <tinyml/platform/flash.h>
#include <tinyml/zephyr/areas.h>

static uint8_t buf[256];

static void *flash_setup(void)
{
	zassert_ok(tinyml_zephyr_flash_init());
	return NULL;
}

ZTEST_SUITE(tinyml_flash, NULL, flash_setup, NULL, NULL, NULL);

ZTEST(tinyml_flash, test_geometry_matches_devicetree)
{
	struct tinyml_flash_geometry geo;
	const struct tinyml_flash_area *a = tinyml_zephyr_area(TINYML_ZEPHYR_AREA_MODEL_A);

	zassert_not_null(a);
	zassert_ok(tinyml_platform_flash_geometry(a, &geo));
	zassert_equal(geo.size, DT_REG_SIZE(DT_NODELABEL(model_slot_a)));
	zassert_equal(geo.erase_block, 4096U);
	zassert_true(geo.write_block >= 1U && geo.write_block <= 8U);
	zassert_equal(geo.size % geo.erase_block, 0U);
	zassert_is_null(tinyml_zephyr_area(TINYML_ZEPHYR_AREA_COUNT));
	zassert_equal(tinyml_platform_flash_geometry(NULL, &geo), -EINVAL);
}

ZTEST(tinyml_flash, test_erase_program_read)
{
	const struct tinyml_flash_area *log = tinyml_zephyr_area(TINYML_ZEPHYR_AREA_EVENT_LOG);
	struct tinyml_flash_geometry geo;

	zassert_ok(tinyml_platform_flash_geometry(log, &geo));
	zassert_ok(tinyml_platform_flash_erase(log, geo.erase_block, geo.erase_block));
	zassert_ok(tinyml_platform_flash_read(log, geo.erase_block, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(buf); i++) {
		zassert_equal(buf[i], 0xff, "byte %u not erased", (unsigned int)i);
	}
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(i * 7U + 3U);
	}
	zassert_ok(tinyml_platform_flash_program(log, geo.erase_block, buf, sizeof(buf)));
	memset(buf, 0, sizeof(buf));
	zassert_ok(tinyml_platform_flash_read(log, geo.erase_block, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(buf); i++) {
		zassert_equal(buf[i], (uint8_t)(i * 7U + 3U));
	}
}

ZTEST(tinyml_flash, test_bounds_and_alignment_refused)
{
	const struct tinyml_flash_area *log = tinyml_zephyr_area(TINYML_ZEPHYR_AREA_EVENT_LOG);
	struct tinyml_flash_geometry geo;

	zassert_ok(tinyml_platform_flash_geometry(log, &geo));
	zassert_equal(tinyml_platform_flash_read(log, geo.size - 4U, buf, 8), -EINVAL);
	zassert_equal(tinyml_platform_flash_read(log, 0, NULL, 8), -EINVAL);
	zassert_equal(tinyml_platform_flash_erase(log, 1, geo.erase_block), -EINVAL);
	zassert_equal(tinyml_platform_flash_erase(log, 0, geo.erase_block - 1U), -EINVAL);
	zassert_equal(tinyml_platform_flash_erase(log, geo.size, geo.erase_block), -EINVAL);
	zassert_equal(tinyml_platform_flash_program(log, geo.size, buf, geo.write_block), -EINVAL);
	if (geo.write_block > 1U) {
		zassert_equal(tinyml_platform_flash_program(log, 1, buf, geo.write_block), -EINVAL);
	}
}

ZTEST(tinyml_flash, test_model_view_shows_slot_bytes)
{
	const struct tinyml_flash_area *b = tinyml_zephyr_area(TINYML_ZEPHYR_AREA_MODEL_B);
	struct tinyml_flash_geometry geo;
	const uint8_t *view = NULL;

	zassert_ok(tinyml_platform_flash_geometry(b, &geo));
	zassert_ok(tinyml_platform_flash_erase(b, 0, geo.erase_block));
	for (size_t i = 0; i < sizeof(buf); i++) {
		buf[i] = (uint8_t)(255U - i);
	}
	zassert_ok(tinyml_platform_flash_program(b, 0, buf, sizeof(buf)));
	zassert_ok(tinyml_zephyr_model_view(TINYML_ZEPHYR_AREA_MODEL_B, sizeof(buf), &view));
	zassert_not_null(view);
	zassert_mem_equal(view, buf, sizeof(buf));
	zassert_equal(tinyml_zephyr_model_view(TINYML_ZEPHYR_AREA_EVENT_LOG, 16, &view), -EINVAL);
	zassert_equal(tinyml_zephyr_model_view(TINYML_ZEPHYR_AREA_MODEL_B, geo.size + 1U, &view),
		      -EINVAL);
}
