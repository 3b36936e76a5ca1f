/*
 * The model-default layer of the thresholds: a verified package in a flash slot gives its
 * thresholds to the settings; persisted values and overrides still win; a model default out of
 * its setting's range is refused and reported.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/modelpkg.h>
#include <tinyml/settings.h>

#include "flash_fixture.h"
#include "test_pkg_builder.h"
#include "ttest.h"

#define T1 (TINYML_SETTING_THRESHOLD_0 + 1)

static uint8_t pkg[8192];
static uint8_t spki[91];
static struct test_signer key;
static struct flash_fixture slot;
static struct flash_fixture store;
static struct tinyml_settings st;

/* tpkg_build's package (labels quiet, event; event: 0.5) programmed into a slot, verified. */
static int slot_with_package(struct tinyml_modelpkg_info *info)
{
	struct tinyml_modelpkg_expect e = {
		spki, tpkg_manifest_digest, TPKG_RUNTIME_ID, TPKG_PIPELINE_ID, TPKG_ARENA, 0u, 0u};
	size_t len;

	if (test_signer_init(&key, 0x37) != 0) {
		return -1;
	}
	tpkg_spki(&key, spki);
	len = tpkg_build(pkg, sizeof(pkg), &key, 1, 0, 0, 600u, 9u);
	if (len == 0u || fixture_init(&slot, 8u, 4096u, 4u, 0u) != 0 ||
	    tinyml_platform_flash_program(&slot.area, 0u, pkg, (len + 7u) / 8u * 8u) != 0) {
		return -1;
	}
	return tinyml_modelpkg_verify_area(&slot.area, &e, info);
}

static int settings_init(const struct tinyml_setting_spec *specs)
{
	if (fixture_init(&store, 8u, 512u, 2u, 0u) != 0) {
		return -1;
	}
	return tinyml_settings_init(&st, &store.area, specs, key.pub, 1u);
}

TTEST(model_defaults, package_thresholds_are_read_from_the_slot)
{
	struct tinyml_modelpkg_info info;
	int16_t q15[TINYML_MODELPKG_MAX_LABELS];

	TT_ASSERT_EQ(slot_with_package(&info), 0);
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds(&slot.area, &info, q15, 2u), 1);
	TT_ASSERT_EQ(q15[0], TINYML_MODELPKG_NO_THRESHOLD);
	TT_ASSERT_EQ(q15[1], 16384);
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds(NULL, &info, q15, 2u), -EINVAL);
	/* the slot changed after verification: the record is checked again */
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&slot.area, 0u, 4096u), 0);
	TT_ASSERT_EQ(tinyml_modelpkg_read_thresholds(&slot.area, &info, q15, 2u), -EINVAL);
	TT_ASSERT_EQ(q15[1], TINYML_MODELPKG_NO_THRESHOLD);
	test_signer_free(&key);
}

TTEST(model_defaults, override_then_persisted_then_model_then_compiled)
{
	const int16_t model[3] = {TINYML_SETTINGS_NO_MODEL_DEFAULT, 22938, 1000};

	TT_ASSERT_EQ(test_signer_init(&key, 0x38), 0);
	TT_ASSERT_EQ(settings_init(NULL), 0);
	TT_ASSERT_EQ(tinyml_settings_set_model_defaults(&st, model, 3u), 0);
	TT_ASSERT_EQ(tinyml_settings_model_refusals(&st), 0u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0, 0u), 16384);
	TT_ASSERT_EQ(tinyml_settings_get(&st, T1, 0u), 22938);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 0u), 1000);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 3, 0u), 16384);
	/* persisted wins over the model, across a reboot and a new model */
	TT_ASSERT_EQ(tinyml_settings_set(&st, T1, 30000), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, T1, 0u), 30000);
	TT_ASSERT_EQ(tinyml_settings_init(&st, &store.area, NULL, key.pub, 1u), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 0u), 16384);
	TT_ASSERT_EQ(tinyml_settings_set_model_defaults(&st, model, 3u), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, T1, 0u), 30000);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 0u), 1000);
	/* an override wins over both */
	TT_ASSERT_EQ(tinyml_settings_override(&st, TINYML_SETTING_THRESHOLD_0 + 2, 5, 100u, 0u), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 50u), 5);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 100u), 1000);
	/* no model active: compiled defaults again */
	tinyml_settings_clear_model_defaults(&st);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 100u), 16384);
	TT_ASSERT_EQ(tinyml_settings_get(&st, T1, 0u), 30000);
	/* only thresholds have a model layer; entries past the classes are ignored */
	{
		int16_t many[TINYML_SETTINGS_MAX_CLASSES + 4u];

		memset(many, 0, sizeof(many));
		TT_ASSERT_EQ(tinyml_settings_set_model_defaults(&st, many, 12u), 0);
		TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 500);
		TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 1000);
		TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 7, 0u), 0);
	}
	TT_ASSERT_EQ(tinyml_settings_set_model_defaults(&st, NULL, 3u), -EINVAL);
	test_signer_free(&key);
}

TTEST(model_defaults, out_of_range_model_default_is_refused_and_reported)
{
	struct tinyml_setting_spec specs[TINYML_SETTING_COUNT];
	const int16_t model[2] = {4000, 20000};

	memcpy(specs, tinyml_settings_default_specs, sizeof(specs));
	specs[0].min = 8192; /* this application never triggers below 0.25 */
	TT_ASSERT_EQ(test_signer_init(&key, 0x39), 0);
	TT_ASSERT_EQ(settings_init(specs), 0);
	TT_ASSERT_EQ(tinyml_settings_set_model_defaults(&st, model, 2u), -ERANGE);
	TT_ASSERT_EQ(tinyml_settings_model_refusals(&st), 1u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0, 0u), 16384);
	TT_ASSERT_EQ(tinyml_settings_get(&st, T1, 0u), 20000);
	/* the next model replaces the layer and its report */
	TT_ASSERT_EQ(tinyml_settings_set_model_defaults(&st, model + 1, 1u), 0);
	TT_ASSERT_EQ(tinyml_settings_model_refusals(&st), 0u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0, 0u), 20000);
	TT_ASSERT_EQ(tinyml_settings_get(&st, T1, 0u), 16384);
	test_signer_free(&key);
}
