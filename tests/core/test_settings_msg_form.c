/*
 * The settings message parser on host and target: form checks only (no crypto involved).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/settings_msg.h>

#include "ttest.h"

static uint8_t msg[TINYML_SETTINGS_MSG_HEADER_BYTES + 2u * TINYML_SETTINGS_MSG_OP_BYTES +
		   TINYML_SETTINGS_MSG_SIG_BYTES];

static void build(void)
{
	static const uint8_t head[28] = {0x54, 0x4d, 0x53, 0x31, 2, 2, 0, 0, 7, 0, 0, 0, 42, 0,
					 0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0,  0};
	static const uint8_t ops[24] = {1, 9,  0, 0, 0x10, 0x27, 0, 0, 0,    0,    0, 0,
					2, 11, 0, 0, 0,    0,    0, 0, 0x10, 0x0e, 0, 0};

	memset(msg, 0xAB, sizeof(msg));
	memcpy(msg, head, sizeof(head));
	memcpy(msg + sizeof(head), ops, sizeof(ops));
}

TTEST(settings_msg_form, parses_fields)
{
	struct tinyml_settings_msg m;

	build();
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg), 12u, &m), 0);
	TT_ASSERT_EQ(m.device_id, 7u);
	TT_ASSERT_EQ(m.nonce, 42u);
	TT_ASSERT_EQ(m.expires_s, 0u);
	TT_ASSERT_EQ(m.n_ops, 2u);
	TT_ASSERT_EQ(m.ops[0].kind, TINYML_SETTINGS_OP_SET);
	TT_ASSERT_EQ(m.ops[0].id, 9u);
	TT_ASSERT_EQ(m.ops[0].value, 10000);
	TT_ASSERT_EQ(m.ops[1].kind, TINYML_SETTINGS_OP_OVERRIDE);
	TT_ASSERT_EQ(m.ops[1].duration_s, 3600u);
	TT_ASSERT_EQ(m.signed_len, sizeof(msg) - TINYML_SETTINGS_MSG_SIG_BYTES);
	TT_ASSERT_EQ(m.signature[0], 0xAB);
}

TTEST(settings_msg_form, every_header_byte_matters)
{
	struct tinyml_settings_msg m;
	unsigned int i;

	/* magic, version, count, reserved: any change is refused */
	for (i = 0u; i < 8u; i++) {
		build();
		msg[i] ^= 0x40;
		TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg), 12u, &m), -EBADMSG);
	}
	build();
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg) - 1u, 12u, &m), -EBADMSG);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, 0u, 12u, &m), -EBADMSG);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(NULL, sizeof(msg), 12u, &m), -EBADMSG);
	msg[28 + 2] = 1u; /* reserved field of an operation */
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg), 12u, &m), -EBADMSG);
}

TTEST(settings_msg_form, broadcast_needs_an_expiry)
{
	struct tinyml_settings_msg m;

	build();
	msg[8] = 0u; /* device 0: every device */
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg), 12u, &m), -EBADMSG);
	msg[24] = 1u; /* expires at 2^32 s */
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg), 12u, &m), 0);
	TT_ASSERT_EQ(m.expires_s, 0x100000000ull);
	/* format 1 (no expiry field) is gone */
	msg[4] = 1u;
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, sizeof(msg), 12u, &m), -EBADMSG);
}
