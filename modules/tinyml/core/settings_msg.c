/*
 * Remote settings message parser (see tinyml/settings_msg.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/settings_msg.h>

#include "le_bytes.h"

static int parse_op(const uint8_t *p, uint32_t n_settings, struct tinyml_settings_op *op)
{
	op->kind = p[0];
	op->id = p[1];
	op->value = (int32_t)tinyml_get_le32(p + 4);
	op->duration_s = tinyml_get_le32(p + 8);
	if (op->id >= n_settings || tinyml_get_le16(p + 2) != 0u) {
		return -EBADMSG;
	}
	switch (op->kind) {
	case TINYML_SETTINGS_OP_SET:
		return op->duration_s == 0u ? 0 : -EBADMSG;
	case TINYML_SETTINGS_OP_OVERRIDE:
		return op->duration_s >= 1u && op->duration_s <= TINYML_SETTINGS_MSG_MAX_OVERRIDE_S
			       ? 0
			       : -EBADMSG;
	case TINYML_SETTINGS_OP_CLEAR_OVERRIDE:
		return op->duration_s == 0u && op->value == 0 ? 0 : -EBADMSG;
	default:
		return -EBADMSG;
	}
}

int tinyml_settings_msg_parse(const uint8_t *buf, size_t len, uint32_t n_settings,
			      struct tinyml_settings_msg *msg)
{
	uint8_t n;
	uint32_t i;
	uint32_t j;

	if (buf == NULL || msg == NULL || len < TINYML_SETTINGS_MSG_HEADER_BYTES) {
		return -EBADMSG;
	}
	memset(msg, 0, sizeof(*msg));
	n = buf[5];
	if (tinyml_get_le32(buf) != TINYML_SETTINGS_MSG_MAGIC ||
	    buf[4] != TINYML_SETTINGS_MSG_VERSION || n == 0u || n > TINYML_SETTINGS_MSG_MAX_OPS ||
	    tinyml_get_le16(buf + 6) != 0u ||
	    len != TINYML_SETTINGS_MSG_HEADER_BYTES + (size_t)n * TINYML_SETTINGS_MSG_OP_BYTES +
			    TINYML_SETTINGS_MSG_SIG_BYTES) {
		return -EBADMSG;
	}
	msg->device_id = tinyml_get_le32(buf + 8);
	msg->nonce = tinyml_get_le64(buf + 12);
	msg->expires_s = tinyml_get_le64(buf + 20);
	msg->n_ops = n;
	if (msg->device_id == 0u && msg->expires_s == 0u) {
		return -EBADMSG; /* a broadcast that never expires could be replayed forever */
	}
	for (i = 0u; i < n; i++) {
		const uint8_t *p =
			buf + TINYML_SETTINGS_MSG_HEADER_BYTES + i * TINYML_SETTINGS_MSG_OP_BYTES;

		if (parse_op(p, n_settings, &msg->ops[i]) != 0) {
			return -EBADMSG;
		}
		for (j = 0u; j < i; j++) {
			if (msg->ops[j].id == msg->ops[i].id) {
				return -EBADMSG;
			}
		}
	}
	msg->signed_len = len - TINYML_SETTINGS_MSG_SIG_BYTES;
	memcpy(msg->signature, buf + msg->signed_len, TINYML_SETTINGS_MSG_SIG_BYTES);
	return 0;
}

bool tinyml_settings_msg_nonce_fresh(uint64_t last, uint64_t nonce)
{
	uint64_t ahead = nonce - last; /* modulo 2^64 */

	return ahead >= 1u && ahead <= TINYML_SETTINGS_NONCE_WINDOW;
}
