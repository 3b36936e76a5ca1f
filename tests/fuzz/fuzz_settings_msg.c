/*
 * Fuzz the settings message parser and the whole remote-change path: whatever the input, a
 * refused message leaves every setting and the nonce as they were.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>

#include "flash_sim.h"
#include "fuzz_p256_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tinyml_flash_sim sim;
static struct tinyml_flash_area area;
static uint8_t mem[1024];
static uint32_t erases[2];
static struct tinyml_settings st;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tinyml_flash_geometry geo = {8u, 512u, sizeof(mem)};
	struct tinyml_settings_msg msg;
	int32_t before[TINYML_SETTING_COUNT];
	uint32_t i;
	int rc;

	tinyml_flash_sim_init(&sim);
	if (tinyml_flash_sim_area_init(&area, &sim, mem, erases, &geo, 0u) != 0 ||
	    tinyml_settings_init(&st, &area, NULL, fuzz_p256_point, 7u) != 0) {
		__builtin_trap();
	}
	rc = tinyml_settings_msg_parse(data, size, TINYML_SETTING_COUNT, &msg);
	if (rc == 0 && (msg.n_ops == 0u || msg.n_ops > TINYML_SETTINGS_MSG_MAX_OPS ||
			msg.signed_len + TINYML_SETTINGS_MSG_SIG_BYTES != size)) {
		__builtin_trap();
	}
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		before[i] = tinyml_settings_get(&st, (enum tinyml_setting_id)i, 0u);
	}
	rc = tinyml_settings_apply_message(&st, data, size, 0u);
	if (rc != 0) {
		if (sim.ops != 0u || tinyml_settings_nonce(&st) != 0u) {
			__builtin_trap(); /* a refused message wrote something */
		}
		for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
			if (tinyml_settings_get(&st, (enum tinyml_setting_id)i, 0u) != before[i]) {
				__builtin_trap();
			}
		}
	}
	return 0;
}
