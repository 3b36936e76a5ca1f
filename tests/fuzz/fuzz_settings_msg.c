/*
 * Fuzz the settings message parser and the whole remote-change path. The input is taken twice:
 * as a whole message, and as the signed part of one that the fuzz build signs with its own key
 * (which the settings trust), so mutated messages get past the signature check and reach the
 * expiry, nonce, range and apply code behind it. Whatever the input, a refused message leaves
 * every setting, the nonce and the flash as they were, and an accepted one moves the nonce
 * forward within its window.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>

#include "flash_sim.h"
#include "fuzz_signer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DEVICE_ID 7u
#define UTC_NOW   1800000000ull
#define MAX_MSG                                                                                    \
	(TINYML_SETTINGS_MSG_HEADER_BYTES +                                                        \
	 TINYML_SETTINGS_MSG_MAX_OPS * TINYML_SETTINGS_MSG_OP_BYTES +                              \
	 TINYML_SETTINGS_MSG_SIG_BYTES)

static struct tinyml_flash_sim sim;
static struct tinyml_flash_area area;
static uint8_t mem[1024];
static uint32_t erases[4];
static struct tinyml_settings st;
static struct fuzz_signer signer;
static uint8_t msg[MAX_MSG];

static void apply_and_check(const uint8_t *m, size_t len)
{
	struct tinyml_flash_geometry geo = {8u, 256u, sizeof(mem)};
	int32_t before[TINYML_SETTING_COUNT];
	uint32_t i;
	int rc;

	tinyml_flash_sim_init(&sim);
	if (tinyml_flash_sim_area_init(&area, &sim, mem, erases, &geo, 0u) != 0 ||
	    tinyml_settings_init(&st, &area, NULL, signer.point, DEVICE_ID) != 0) {
		__builtin_trap();
	}
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		before[i] = tinyml_settings_get(&st, (enum tinyml_setting_id)i, 0u);
	}
	rc = tinyml_settings_apply_message(&st, m, len, 0u, UTC_NOW);
	if (rc != 0) {
		if (sim.ops != 0u || tinyml_settings_nonce(&st) != 0u) {
			__builtin_trap(); /* a refused message wrote something */
		}
		for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
			if (tinyml_settings_get(&st, (enum tinyml_setting_id)i, 0u) != before[i]) {
				__builtin_trap();
			}
		}
		return;
	}
	if (!tinyml_settings_msg_nonce_fresh(0u, tinyml_settings_nonce(&st))) {
		__builtin_trap(); /* accepted a nonce outside its window */
	}
	/* the same message again is a replay, also after a reboot */
	if (tinyml_settings_apply_message(&st, m, len, 0u, UTC_NOW) != -EALREADY ||
	    tinyml_settings_init(&st, &area, NULL, signer.point, DEVICE_ID) != 0 ||
	    tinyml_settings_apply_message(&st, m, len, 0u, UTC_NOW) != -EALREADY) {
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tinyml_settings_msg parsed;

	if (fuzz_signer_init(&signer) != 0) {
		__builtin_trap();
	}
	if (tinyml_settings_msg_parse(data, size, TINYML_SETTING_COUNT, &parsed) == 0 &&
	    (parsed.n_ops == 0u || parsed.n_ops > TINYML_SETTINGS_MSG_MAX_OPS ||
	     parsed.signed_len + TINYML_SETTINGS_MSG_SIG_BYTES != size)) {
		__builtin_trap();
	}
	apply_and_check(data, size);
	if (size + TINYML_SETTINGS_MSG_SIG_BYTES <= sizeof(msg)) {
		memcpy(msg, data, size);
		if (fuzz_sign(&signer, msg, size, msg + size, NULL) != 0) {
			__builtin_trap();
		}
		apply_and_check(msg, size + TINYML_SETTINGS_MSG_SIG_BYTES);
	}
	return 0;
}
