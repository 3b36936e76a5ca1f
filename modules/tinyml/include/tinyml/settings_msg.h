/*
 * Remote settings message: the wire format of a signed settings change from the operator.
 *
 *   off  size
 *   0    4    magic "TMS1" (0x31534d54, little-endian)
 *   4    1    format version (2)
 *   5    1    number of operations n (1..TINYML_SETTINGS_MSG_MAX_OPS)
 *   6    2    reserved, 0
 *   8    4    device ID the message is for (0: every device of the fleet)
 *   12   8    nonce: 1..2^32 ahead of the last accepted one, modulo 2^64 (no terminal value)
 *   20   8    expiry, UTC seconds since 1970; 0 = none (refused for a broadcast, device ID 0)
 *   28   12n  operations: kind u8, setting ID u8, reserved u16 (0), value i32, duration s u32
 *   ...  64   ECDSA P-256 signature r || s over SHA-256 of every byte before it
 *
 * All integers little-endian. The message must be exactly 92 + 12n bytes. This parser checks
 * the form only; tinyml_settings_apply_message() checks signature, expiry, nonce and ranges.
 * Format 1 (no expiry field) is refused: its broadcasts could be replayed forever.
 */
#ifndef TINYML_SETTINGS_MSG_H_
#define TINYML_SETTINGS_MSG_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_SETTINGS_MSG_MAGIC          0x31534d54u
#define TINYML_SETTINGS_MSG_VERSION        2u
#define TINYML_SETTINGS_MSG_MAX_OPS        8u
#define TINYML_SETTINGS_MSG_HEADER_BYTES   28u
#define TINYML_SETTINGS_MSG_OP_BYTES       12u
#define TINYML_SETTINGS_MSG_SIG_BYTES      64u
/** How far ahead of the last accepted nonce a new one may be (modulo 2^64). */
#define TINYML_SETTINGS_NONCE_WINDOW       0x100000000ull
/** Longest override a message may ask for: 7 days. */
#define TINYML_SETTINGS_MSG_MAX_OVERRIDE_S (7u * 24u * 3600u)

enum tinyml_settings_op_kind {
	TINYML_SETTINGS_OP_SET = 1,            /**< persist a new current value */
	TINYML_SETTINGS_OP_OVERRIDE = 2,       /**< temporary value for duration_s seconds */
	TINYML_SETTINGS_OP_CLEAR_OVERRIDE = 3, /**< end an override now */
};

struct tinyml_settings_op {
	uint8_t kind; /**< enum tinyml_settings_op_kind */
	uint8_t id;   /**< enum tinyml_setting_id */
	int32_t value;
	uint32_t duration_s;
};

struct tinyml_settings_msg {
	uint32_t device_id;
	uint64_t nonce;
	uint64_t expires_s; /**< UTC seconds, 0: no expiry (device-specific messages only) */
	uint8_t n_ops;
	struct tinyml_settings_op ops[TINYML_SETTINGS_MSG_MAX_OPS];
	size_t signed_len; /**< bytes covered by the signature */
	uint8_t signature[TINYML_SETTINGS_MSG_SIG_BYTES];
};

/**
 * @brief Parse a settings message (form only, no signature check).
 *
 * @param n_settings Number of setting IDs (IDs must be below it).
 * @retval 0 on success.
 * @retval -EBADMSG if the length, magic, version, an operation or a reserved field is wrong,
 *         two operations name the same setting, or a broadcast (device ID 0) has no expiry.
 */
int tinyml_settings_msg_parse(const uint8_t *buf, size_t len, uint32_t n_settings,
			      struct tinyml_settings_msg *msg);

/**
 * @brief Whether @p nonce may follow @p last: 1 <= (nonce - last) mod 2^64 <= the window.
 *
 * Serial-number arithmetic: after 2^64 - 1 comes 0, so no nonce locks the device out, and an
 * old message becomes acceptable again only after 2^32 messages of the largest step.
 */
bool tinyml_settings_msg_nonce_fresh(uint64_t last, uint64_t nonce);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_SETTINGS_MSG_H_ */
