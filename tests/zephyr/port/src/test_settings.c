/*
 * The port's settings store: round trip through the settings subsystem on NVS, and the
 * refusals the core relies on.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/ztest.h>

#include <tinyml/zephyr/settings_store.h>

static void *settings_setup(void)
{
	zassert_ok(tinyml_zephyr_settings_init());
	return NULL;
}

ZTEST_SUITE(tinyml_settings, NULL, settings_setup, NULL, NULL, NULL);

ZTEST(tinyml_settings, test_round_trip)
{
	const uint8_t value[5] = {1, 2, 3, 4, 5};
	uint8_t back[8] = {0};

	zassert_ok(tinyml_zephyr_settings_save("thresholds", value, sizeof(value)));
	zassert_equal(tinyml_zephyr_settings_load("thresholds", back, sizeof(back)),
		      (int)sizeof(value));
	zassert_mem_equal(back, value, sizeof(value));
}

ZTEST(tinyml_settings, test_newest_value_wins)
{
	uint32_t first = 0x11111111U;
	uint32_t second = 0x22222222U;
	uint32_t back = 0;

	zassert_ok(tinyml_zephyr_settings_save("nonce", &first, sizeof(first)));
	zassert_ok(tinyml_zephyr_settings_save("nonce", &second, sizeof(second)));
	zassert_equal(tinyml_zephyr_settings_load("nonce", &back, sizeof(back)), 4);
	zassert_equal(back, second);
}

ZTEST(tinyml_settings, test_refusals)
{
	uint8_t small[2];
	const uint8_t value[4] = {9, 9, 9, 9};

	zassert_equal(tinyml_zephyr_settings_load("never-written", small, sizeof(small)), -ENOENT);
	zassert_ok(tinyml_zephyr_settings_save("wide", value, sizeof(value)));
	zassert_equal(tinyml_zephyr_settings_load("wide", small, sizeof(small)), -EMSGSIZE);
	zassert_equal(tinyml_zephyr_settings_save("", value, 1), -EINVAL);
	zassert_equal(tinyml_zephyr_settings_save("a-key-much-longer-than-allowed", value, 1),
		      -EINVAL);
	zassert_equal(tinyml_zephyr_settings_save("k", NULL, 1), -EINVAL);
	zassert_equal(tinyml_zephyr_settings_load("k", NULL, 1), -EINVAL);
}
