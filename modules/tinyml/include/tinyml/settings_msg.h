/*
 * Remote settings message: the wire format of a signed settings change from the operator.
 *
 *   off  size
 *   0    4    magic "TMS1" (0x31534d54, little-endian)
 *   4    1    format version (1)
 *   5    1    number of operations n (1..TINYML_SETTINGS_MSG_MAX_OPS)
 *   6    2    reserved, 0
 *   8    4    device ID the message is for (0: every device of the fleet)
 *   12   8    nonce, greater than that of every message accepted before
 *   20   12n  operations: kind u8, setting ID u8, reserved u16 (0), value i32, duration s u32
 *   ...  64   ECDSA P-256 signature r || s over SHA-256 of every byte before it
 *
 * All integers little-endian. The message must be exactly 84 + 12n bytes. This parser checks
 * the form only; tinyml_settings_apply_message() checks signature, nonce and ranges.
 */
#ifndef TINYML_SETTINGS_MSG_H_
#define TINYML_SETTINGS_MSG_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_SETTINGS_MSG_MAGIC          0x31534d54u
#define TINYML_SETTINGS_MSG_VERSION        1u
#define TINYML_SETTINGS_MSG_MAX_OPS        8u
#define TINYML_SETTINGS_MSG_HEADER_BYTES   20u
#define TINYML_SETTINGS_MSG_OP_BYTES       12u
#define TINYML_SETTINGS_MSG_SIG_BYTES      64u
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
 *         or two operations name the same setting.
 */
int tinyml_settings_msg_parse(const uint8_t *buf, size_t len, uint32_t n_settings,
			      struct tinyml_settings_msg *msg);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_SETTINGS_MSG_H_ */
