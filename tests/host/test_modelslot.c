/*
 * A/B model slots on simulated flash: factory boot, trial and confirmation without a reboot,
 * rollback on a wrong class or a slow self-test, refusal of downgrades and tampered packages,
 * and a power cut at every program and erase of a trial.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <tinyml/modelslot.h>
#include <tinyml/platform/time.h>

#include "crypto_memo.h"
#include "flash_sim.h"
#include "test_pkg_builder.h"
#include "ttest.h"

#define SLOT_BYTES  (16u * 1024u)
#define STATE_BYTES 1024u

struct rig {
	struct tinyml_flash_sim sim;
	struct tinyml_flash_area slot_a, slot_b, state;
	uint8_t mem_a[SLOT_BYTES], mem_b[SLOT_BYTES], mem_state[STATE_BYTES];
	uint32_t er_a[4], er_b[4], er_state[4];
};

struct fake_port {
	int loads;
	int loaded_slot;
	uint32_t loaded_version;
	bool cut_power_in_selftest;
};

static struct rig rig;
static struct fake_port fport;
static struct tinyml_modelslot ms;
static struct test_signer key;
static uint8_t spki[91];
static uint8_t pkg[SLOT_BYTES];

static const uint16_t expected[4] = {0, 1, 1, 0};
static const struct tinyml_modelslot_selftest selftest = {expected, 4u, 200u};

/* Models whose patch number is 9 classify wrongly; 8 are too slow; others are good. */
static int fake_load(void *ctx, uint8_t slot, const struct tinyml_modelpkg_info *info)
{
	struct fake_port *p = ctx;

	p->loads++;
	p->loaded_slot = slot;
	p->loaded_version = info->version;
	return 0;
}

static int fake_classify(void *ctx, uint32_t sample, uint16_t *cls)
{
	struct fake_port *p = ctx;
	uint32_t patch = p->loaded_version & 0xFFFFu;

	if (p->cut_power_in_selftest) {
		tinyml_flash_sim_cut_power(&rig.sim, 0u, 7u); /* the device dies mid-test */
	}
	if (patch == 8u) {
		uint32_t start = tinyml_platform_uptime_ms();

		while (tinyml_platform_uptime_ms() - start < 100u) {
		}
	}
	*cls = patch == 9u ? (uint16_t)(1u - expected[sample]) : expected[sample];
	return 0;
}

static const struct tinyml_modelslot_port port = {fake_load, fake_classify, &fport};

static struct tinyml_modelpkg_expect expect(void)
{
	struct tinyml_modelpkg_expect e = {
		spki, tpkg_manifest_digest, TPKG_RUNTIME_ID, TPKG_PIPELINE_ID, TPKG_ARENA, 0u, 0u};
	return e;
}

static int rig_init(void)
{
	struct tinyml_flash_geometry slot_geo = {8u, 4096u, SLOT_BYTES};
	/* two records a sector and copy: trials erase and write sector headers too */
	struct tinyml_flash_geometry state_geo = {8u, 256u, STATE_BYTES};

	memset(&fport, 0, sizeof(fport));
	tinyml_flash_sim_init(&rig.sim);
	rig.sim.program_erased_only = true;
	if (tinyml_flash_sim_area_init(&rig.slot_a, &rig.sim, rig.mem_a, rig.er_a, &slot_geo, 0u) ||
	    tinyml_flash_sim_area_init(&rig.slot_b, &rig.sim, rig.mem_b, rig.er_b, &slot_geo, 0u) ||
	    tinyml_flash_sim_area_init(&rig.state, &rig.sim, rig.mem_state, rig.er_state,
				       &state_geo, 0u)) {
		return -1;
	}
	if (test_signer_init(&key, 0x66) != 0) {
		return -1;
	}
	tpkg_spki(&key, spki);
	return 0;
}

/* What an uploader does: erase the slot, write the package. */
static int install(struct tinyml_flash_area *slot, uint8_t minor, uint16_t patch)
{
	size_t len = tpkg_build(pkg, sizeof(pkg), &key, 1, minor, patch, 3000u, minor);

	if (len == 0u || tinyml_platform_flash_erase(slot, 0u, SLOT_BYTES) != 0) {
		return -1;
	}
	return tinyml_platform_flash_program(slot, 0u, pkg, (len + 7u) / 8u * 8u);
}

static int boot(void)
{
	struct tinyml_modelpkg_expect e = expect();

	return tinyml_modelslot_init(&ms, &rig.slot_a, &rig.slot_b, &rig.state, &e, &port);
}

TTEST(modelslot, factory_boot_then_trial_and_confirm_without_reboot)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 0u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0); /* factory-blank state: the programmed model is adopted */
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_slot, 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 1u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 1);
	TT_ASSERT_EQ(fport.loaded_slot, 1);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(tinyml_modelslot_confirmed_version(&ms), TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 1);
	TT_ASSERT_EQ(tinyml_modelslot_info(&ms)->version, TINYML_MODELPKG_VERSION(1, 1, 0));
	test_signer_free(&key);
}

TTEST(modelslot, wrong_class_or_slow_selftest_rolls_back)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 9u), 0); /* gives wrong classes */
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -ECANCELED);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_slot, 0); /* the previous model is loaded again */
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 8u), 0); /* too slow */
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -ETIMEDOUT);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(tinyml_modelslot_confirmed_version(&ms), TINYML_MODELPKG_VERSION(1, 1, 0));
	test_signer_free(&key);
}

TTEST(modelslot, refused_packages_change_nothing)
{
	uint64_t ops;
	uint8_t byte;

	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 3u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0); /* a downgrade */
	ops = rig.sim.ops;
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -ESTALE);
	TT_ASSERT_EQ(install(&rig.slot_b, 4u, 0u), 0);
	byte = rig.mem_b[600];
	rig.mem_b[600] = (uint8_t)(byte & 0xF0u); /* flash corruption of the payload */
	if (rig.mem_b[600] == byte) {
		rig.mem_b[600] = 0u;
	}
	ops = rig.sim.ops;
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -EBADMSG);
	TT_ASSERT_EQ(rig.sim.ops, ops); /* no state written */
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loads, 1);
	test_signer_free(&key);
}

TTEST(modelslot, reset_during_selftest_restores_previous_on_boot)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	fport.cut_power_in_selftest = true;
	TT_ASSERT(tinyml_modelslot_try(&ms, &port, &selftest) != 0);
	fport.cut_power_in_selftest = false;
	tinyml_flash_sim_power_on(&rig.sim);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	/* and the rollback itself is persisted */
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	test_signer_free(&key);
}

TTEST(modelslot, corrupt_active_slot_falls_back_to_previous)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	rig.mem_b[1000] ^= 0x10u;
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	test_signer_free(&key);
}

/* Writes a package over a slot as an uploader that ignores the core would. */
static int overwrite(struct tinyml_flash_area *slot, uint8_t minor, uint16_t patch, uint8_t seed)
{
	size_t len = tpkg_build(pkg, sizeof(pkg), &key, 1, minor, patch, 3000u, seed);

	if (len == 0u || tinyml_platform_flash_erase(slot, 0u, SLOT_BYTES) != 0) {
		return -1;
	}
	return tinyml_platform_flash_program(slot, 0u, pkg, (len + 7u) / 8u * 8u);
}

TTEST(modelslot, empty_first_boot_then_upload_runs_only_after_a_trial)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(boot(), -ENOENT); /* empty slots: no model, inference off */
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), -ENOENT);
	TT_ASSERT_EQ(install(&rig.slot_b, 0u, 9u), 0); /* a model that fails its self-test */
	TT_ASSERT_EQ(boot(), -ENOENT);                 /* never adopted without a trial */
	TT_ASSERT_EQ(fport.loads, 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -ECANCELED);
	TT_ASSERT_EQ(boot(), -ENOENT); /* nor after its trial failed */
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), -ENOENT);
	/* a trial cut by a reset is not adopted either */
	TT_ASSERT_EQ(install(&rig.slot_b, 0u, 1u), 0);
	fport.cut_power_in_selftest = true;
	TT_ASSERT(tinyml_modelslot_try(&ms, &port, &selftest) != 0);
	fport.cut_power_in_selftest = false;
	tinyml_flash_sim_power_on(&rig.sim);
	TT_ASSERT_EQ(boot(), -ENOENT);
	TT_ASSERT_EQ(boot(), -ENOENT);
	/* a good one passes its trial and runs from then on */
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 1);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 1);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 0, 1));
	test_signer_free(&key);
}

TTEST(modelslot, package_written_over_the_running_slot_never_runs)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 1);
	/* mcumgr uploads an older signed package, one that would crash, into the running slot */
	TT_ASSERT_EQ(overwrite(&rig.slot_b, 1u, 9u, 77u), 0);
	TT_ASSERT_EQ(boot(), 0);
	/* the confirmed previous model runs; the new bytes are neither run nor adopted */
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT(tinyml_modelslot_confirmed_version(&ms) >= TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	test_signer_free(&key);
}

TTEST(modelslot, fallback_never_adopts_an_unknown_package)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 3u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	/* the previous slot gets another signed package, never tried, and the active goes bad */
	TT_ASSERT_EQ(overwrite(&rig.slot_a, 2u, 9u, 5u), 0);
	rig.mem_b[1000] ^= 0x10u;
	fport.loads = 0;
	TT_ASSERT_EQ(boot(), -ENOENT);
	TT_ASSERT_EQ(fport.loads, 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), -ENOENT);
	TT_ASSERT_EQ(boot(), -ENOENT);
	TT_ASSERT_EQ(fport.loads, 0);
	test_signer_free(&key);
}

TTEST(modelslot, fallback_keeps_the_floor)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	TT_ASSERT_EQ(tinyml_modelslot_floor(&ms), TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(install(&rig.slot_a, 3u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	TT_ASSERT_EQ(tinyml_modelslot_floor(&ms), TINYML_MODELPKG_VERSION(1, 2, 0));
	/* 1.3 goes bad in flash: back to 1.2, and the floor stays at 1.2 */
	rig.mem_a[1000] ^= 0x10u;
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 2, 0));
	TT_ASSERT_EQ(tinyml_modelslot_floor(&ms), TINYML_MODELPKG_VERSION(1, 2, 0));
	/* 1.1 (below the floor) is refused even as a trial */
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -ESTALE);
	test_signer_free(&key);
}

TTEST(modelslot, boots_without_health_report_roll_back_instead_of_looping)
{
	uint32_t i;

	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_boot_ok(&ms), 0);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), 0);
	/* a model that passed its self-test but crashes in the field: the watchdog resets the
	 * device before it reports healthy */
	for (i = 0u; i < TINYML_MODELSLOT_MAX_BOOTS; i++) {
		TT_ASSERT_EQ(boot(), 0);
		TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 1);
		TT_ASSERT_EQ(tinyml_modelslot_boot_count(&ms), i + 1u);
	}
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	TT_ASSERT_EQ(tinyml_modelslot_boot_ok(&ms), 0);
	/* a healthy model is never rolled back however often it boots */
	for (i = 0u; i < 2u * TINYML_MODELSLOT_MAX_BOOTS; i++) {
		TT_ASSERT_EQ(boot(), 0);
		TT_ASSERT_EQ(tinyml_modelslot_boot_ok(&ms), 0);
	}
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(tinyml_modelslot_boot_count(&ms), 0u);
	test_signer_free(&key);
}

TTEST(modelslot, signed_package_with_a_lying_model_is_never_loaded)
{
	uint64_t ops;

	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	tpkg_lie = TPKG_BAD_FLATBUFFER; /* signed, but the flatbuffer would make TFLM read wild */
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	tpkg_lie = TPKG_HONEST;
	ops = rig.sim.ops;
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -EINVAL);
	TT_ASSERT_EQ(rig.sim.ops, ops);
	tpkg_lie = TPKG_WRONG_DIM; /* the descriptors the firmware sizes its input by lie */
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	tpkg_lie = TPKG_HONEST;
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -EINVAL);
	TT_ASSERT_EQ(fport.loads, 1);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	test_signer_free(&key);
}

/* A package of an output kind the firmware does not run (regression values; OUTPUT_KIND) is
 * refused at its trial like any other refused package: no state written, the model runs on;
 * alone in the slots at boot, it never runs. */
TTEST(modelslot, package_of_an_output_kind_not_run_is_refused_and_changes_nothing)
{
	static const uint8_t regression[16] = {0xA5u, 0x00u, 12u, 0u, 2u};
	uint64_t ops;

	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	tpkg_extra_tlvs = regression;
	tpkg_extra_len = sizeof(regression);
	TT_ASSERT_EQ(install(&rig.slot_b, 2u, 0u), 0);
	ops = rig.sim.ops;
	TT_ASSERT_EQ(tinyml_modelslot_try(&ms, &port, &selftest), -ENOTSUP);
	TT_ASSERT_EQ(rig.sim.ops, ops); /* no state written */
	TT_ASSERT_EQ(tinyml_modelslot_active(&ms), 0);
	TT_ASSERT_EQ(fport.loads, 1);
	TT_ASSERT_EQ(fport.loaded_version, TINYML_MODELPKG_VERSION(1, 1, 0));
	/* the same package as the only one: no model at boot */
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 2u, 0u), 0);
	tpkg_extra_len = 0u;
	TT_ASSERT_EQ(boot(), -ENOENT);
	TT_ASSERT_EQ(fport.loads, 0);
	test_signer_free(&key);
}

TTEST(modelslot, core_refuses_installs_into_the_running_slot)
{
	TT_ASSERT_EQ(rig_init(), 0);
	TT_ASSERT_EQ(install(&rig.slot_a, 1u, 0u), 0);
	TT_ASSERT_EQ(boot(), 0);
	TT_ASSERT_EQ(tinyml_modelslot_install_allowed(&ms, 0u), -EBUSY);
	TT_ASSERT_EQ(tinyml_modelslot_install_allowed(&ms, 1u), 0);
	TT_ASSERT_EQ(tinyml_modelslot_install_allowed(&ms, 2u), -EINVAL);
	TT_ASSERT_EQ(tinyml_modelslot_try_slot(&ms, 0u, &port, &selftest), -EBUSY);
	test_signer_free(&key);
}

/*
 * Cut power at every program and erase of a trial (good model and bad model); the state ring
 * has two records a sector, so a trial also erases a sector and writes its header.
 * After the reboot the running model must be the old one or, only if its confirmation was
 * committed, the new good one; a failing model never runs after a reset.
 */
static int trial_sweep(uint16_t patch, uint32_t *points, uint32_t *unsafe)
{
	uint64_t total = 0u;
	uint64_t k;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (k = 0u; k < (pass == 0 ? 1u : total); k++) {
			int rc;
			int active;

			if (rig_init() != 0 || install(&rig.slot_a, 1u, 0u) != 0 || boot() != 0) {
				return -1;
			}
			if (install(&rig.slot_b, 2u, patch) != 0) {
				return -1;
			}
			if (pass == 1) {
				tinyml_flash_sim_cut_power(&rig.sim, k, (uint32_t)k);
			}
			{
				uint64_t before = rig.sim.ops;

				rc = tinyml_modelslot_try(&ms, &port, &selftest);
				if (pass == 0) {
					total = rig.sim.ops - before;
				}
			}
			tinyml_flash_sim_power_on(&rig.sim);
			if (boot() != 0) {
				return -1;
			}
			active = tinyml_modelslot_active(&ms);
			if (pass == 1) {
				(*points)++;
				if ((patch == 9u && active != 0) || (rc == 0 && active != 1) ||
				    (active == 1 && fport.loaded_version !=
							    TINYML_MODELPKG_VERSION(1, 2, patch))) {
					(*unsafe)++;
				}
			}
			test_signer_free(&key);
		}
	}
	return total > 0u ? 0 : -1;
}

TTEST(modelslot, power_cut_at_every_write_of_a_trial)
{
	uint32_t points = 0u;
	uint32_t unsafe = 0u;

	tinyml_host_crypto_memo(true); /* the same packages are verified at every point */
	TT_ASSERT_EQ(trial_sweep(0u, &points, &unsafe), 0);
	TT_ASSERT_EQ(trial_sweep(9u, &points, &unsafe), 0);
	tinyml_host_crypto_memo(false);
	TT_ASSERT(points >= 8u); /* 2 trials x (2 records + erase + header) at least */
	TT_ASSERT_EQ(unsafe, 0u);
}

TBENCH(state_modelslot)
{
	uint32_t points = 0u;
	uint32_t unsafe = 0u;

	if (trial_sweep(0u, &points, &unsafe) != 0 || trial_sweep(9u, &points, &unsafe) != 0) {
		ttest_fail(__FILE__, __LINE__, "slot sweep failed to run");
		return;
	}
	ttest_figure("state.modelslot_powercut.points_tested", points);
	ttest_figure("state.modelslot_powercut.unsafe_boots", unsafe);
}
