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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The P-256 generator point as the operator key. */
static const uint8_t operator_key[65] = {
	0x04, 0x6b, 0x17, 0xd1, 0xf2, 0xe1, 0x2c, 0x42, 0x47, 0xf8, 0xbc, 0xe6, 0xe5,
	0x63, 0xa4, 0x40, 0xf2, 0x77, 0x03, 0x7d, 0x81, 0x2d, 0xeb, 0x33, 0xa0, 0xf4,
	0xa1, 0x39, 0x45, 0xd8, 0x98, 0xc2, 0x96, 0x4f, 0xe3, 0x42, 0xe2, 0xfe, 0x1a,
	0x7f, 0x9b, 0x8e, 0xe7, 0xeb, 0x4a, 0x7c, 0x0f, 0x9e, 0x16, 0x2b, 0xce, 0x33,
	0x57, 0x6b, 0x31, 0x5e, 0xce, 0xcb, 0xb6, 0x40, 0x68, 0x37, 0xbf, 0x51, 0xf5,
};

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
	    tinyml_settings_init(&st, &area, NULL, operator_key, 7u) != 0) {
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
