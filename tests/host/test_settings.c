#include <errno.h>
#include <string.h>

#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "flash_fixture.h"
#include "test_signer.h"
#include "ttest.h"

#define DEVICE_ID   0x00C0FFEEu
/* The device's wall clock in these tests, and the expiry given to broadcasts. */
#define UTC_NOW     1800000000ull
#define UTC_EXPIRES (UTC_NOW + 3600u)

static struct flash_fixture fx;
static struct tinyml_settings st;
static struct test_signer op_key;
static struct test_signer other_key;

static int setup(void)
{
	if (fixture_init(&fx, 8u, 512u, 2u, 0u) != 0 || test_signer_init(&op_key, 0x21) != 0 ||
	    test_signer_init(&other_key, 0x42) != 0) {
		return -1;
	}
	return tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID);
}

static void teardown(void)
{
	test_signer_free(&op_key);
	test_signer_free(&other_key);
}

/* Builds a message with @p n ops; returns its length (0 on failure). */
static size_t make_msg(uint8_t *buf, const struct test_signer *key, uint32_t device, uint64_t nonce,
		       const struct tinyml_settings_op *ops, uint8_t n)
{
	size_t len = TINYML_SETTINGS_MSG_HEADER_BYTES + (size_t)n * TINYML_SETTINGS_MSG_OP_BYTES;
	uint8_t i;

	memset(buf, 0, len);
	tinyml_put_le32(buf, TINYML_SETTINGS_MSG_MAGIC);
	buf[4] = TINYML_SETTINGS_MSG_VERSION;
	buf[5] = n;
	tinyml_put_le32(buf + 8, device);
	tinyml_put_le64(buf + 12, nonce);
	tinyml_put_le64(buf + 20, device == 0u ? UTC_EXPIRES : 0u);
	for (i = 0u; i < n; i++) {
		uint8_t *p =
			buf + TINYML_SETTINGS_MSG_HEADER_BYTES + i * TINYML_SETTINGS_MSG_OP_BYTES;

		p[0] = ops[i].kind;
		p[1] = ops[i].id;
		tinyml_put_le32(p + 4, (uint32_t)ops[i].value);
		tinyml_put_le32(p + 8, ops[i].duration_s);
	}
	if (test_signer_sign(key, buf, len, buf + len) != 0) {
		return 0u;
	}
	return len + TINYML_SETTINGS_MSG_SIG_BYTES;
}

TTEST(settings, defaults_then_persisted_then_override)
{
	TT_ASSERT_EQ(setup(), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 500);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_DEBOUNCE_MS, 750), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 750);
	TT_ASSERT_EQ(tinyml_settings_override(&st, TINYML_SETTING_DEBOUNCE_MS, 100, 1000u, 5000u),
		     0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 5999u), 100);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 6000u),
		     750); /* expired */
	/* an override across the 32-bit millisecond wrap */
	TT_ASSERT_EQ(
		tinyml_settings_override(&st, TINYML_SETTING_DEBOUNCE_MS, 200, 1000u, 0xFFFFFF00u),
		0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0x100u), 200);
	tinyml_settings_clear_override(&st, TINYML_SETTING_DEBOUNCE_MS);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0x100u), 750);
	/* persisted across a reboot; the override (RAM) is not */
	TT_ASSERT_EQ(tinyml_settings_override(&st, TINYML_SETTING_THRESHOLD_0 + 2, 99, 5000u, 0u),
		     0);
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 750);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 2, 0u), 16384);
	TT_ASSERT_EQ(tinyml_settings_fallbacks(&st), 0u);
	teardown();
}

TTEST(settings, range_checked_on_write)
{
	uint64_t ops;

	TT_ASSERT_EQ(setup(), 0);
	ops = fx.sim.ops;
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_THRESHOLD_0, 40000), -ERANGE);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_MODEL_ENABLED, 2), -ERANGE);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_DEBOUNCE_MS, -1), -ERANGE);
	TT_ASSERT_EQ(tinyml_settings_set(&st, (enum tinyml_setting_id)99, 0), -EINVAL);
	TT_ASSERT_EQ(tinyml_settings_override(&st, TINYML_SETTING_TRIGGER_LEVEL, 40000, 10u, 0u),
		     -ERANGE);
	TT_ASSERT_EQ(tinyml_settings_override(&st, TINYML_SETTING_TRIGGER_LEVEL, 4, 0u, 0u),
		     -EINVAL);
	TT_ASSERT_EQ(fx.sim.ops, ops); /* nothing written */
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0, 0u), 16384);
	teardown();
}

TTEST(settings, kill_switch_disables_model_only)
{
	TT_ASSERT_EQ(setup(), 0);
	TT_ASSERT(tinyml_settings_model_enabled(&st, 0u));
	TT_ASSERT_EQ(tinyml_settings_override(&st, TINYML_SETTING_MODEL_ENABLED, 0, 60000u, 0u), 0);
	TT_ASSERT(!tinyml_settings_model_enabled(&st, 1000u));
	TT_ASSERT(tinyml_settings_model_enabled(&st, 60000u));
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_MODEL_ENABLED, 0), 0);
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT(!tinyml_settings_model_enabled(&st, 0u)); /* stays off across a reset */
	/* the other settings the capture path reads are untouched */
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 1000);
	teardown();
}

TTEST(settings, out_of_range_stored_value_falls_back_and_is_reported)
{
	static const struct tinyml_setting_spec narrow_debounce[TINYML_SETTING_COUNT] = {
		{0, 32767, 16384}, {0, 32767, 16384}, {0, 32767, 16384},  {0, 32767, 16384},
		{0, 32767, 16384}, {0, 32767, 16384}, {0, 32767, 16384},  {0, 32767, 16384},
		{0, 1000, 400},    {0, 32767, 1000},  {-32768, 32767, 0}, {0, 1, 1},
	};

	TT_ASSERT_EQ(setup(), 0);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_DEBOUNCE_MS, 5000), 0);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_TRIGGER_LEVEL, 7), 0);
	/* a firmware with a narrower range boots on the stored values */
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, narrow_debounce, op_key.pub, DEVICE_ID),
		     0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 400);
	TT_ASSERT_EQ(tinyml_settings_fallbacks(&st), 1u << TINYML_SETTING_DEBOUNCE_MS);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 7);
	teardown();
}

TTEST(settings, corrupt_newest_record_is_skipped_and_reported)
{
	uint32_t i;

	TT_ASSERT_EQ(setup(), 0);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_TRIGGER_LEVEL, 11), 0);
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_TRIGGER_LEVEL, 12), 0);
	/* bit rot in the newest record of the first copy: the second copy still has it */
	for (i = fx.area.geo.erase_block - 1u; i > 0u; i--) {
		if (fx.mem[i] != 0xFF) {
			break;
		}
	}
	fx.mem[i - 20u] &= 0xFE;
	fx.mem[i - 20u] ^= 0x02;
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_corrupt_records(&st), 1u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 12);
	/* and in the second copy too: the previous intact record is used, reported */
	for (i = fx.area.geo.size - 1u; i > fx.area.geo.erase_block; i--) {
		if (fx.mem[i] != 0xFF) {
			break;
		}
	}
	fx.mem[i - 20u] &= 0xFE;
	fx.mem[i - 20u] ^= 0x02;
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_corrupt_records(&st), 2u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 11);
	/* garbage everywhere: defaults, reported */
	memset(fx.mem, 0x5A, fx.area.geo.size);
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 1000);
	/* and it recovers on the next write */
	TT_ASSERT_EQ(tinyml_settings_set(&st, TINYML_SETTING_TRIGGER_LEVEL, 13), 0);
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 13);
	teardown();
}

TTEST(settings, signed_message_applies_and_persists_nonce)
{
	uint8_t msg[256];
	struct tinyml_settings_op ops[3] = {
		{TINYML_SETTINGS_OP_SET, TINYML_SETTING_THRESHOLD_0 + 1, 20000, 0u},
		{TINYML_SETTINGS_OP_OVERRIDE, TINYML_SETTING_MODEL_ENABLED, 0, 60u},
		{TINYML_SETTINGS_OP_SET, TINYML_SETTING_CALIBRATION_BASELINE, -250, 0u},
	};
	size_t len;

	TT_ASSERT_EQ(setup(), 0);
	len = make_msg(msg, &op_key, DEVICE_ID, 5u, ops, 3u);
	TT_ASSERT(len != 0u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 1000u, UTC_NOW), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 1, 1000u), 20000);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_CALIBRATION_BASELINE, 1000u), -250);
	TT_ASSERT(!tinyml_settings_model_enabled(&st, 60999u));
	TT_ASSERT(tinyml_settings_model_enabled(&st, 61000u));
	TT_ASSERT_EQ(tinyml_settings_nonce(&st), 5u);
	/* replay after a reboot: the nonce was persisted with the values */
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_nonce(&st), 5u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 1, 0u), 20000);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EALREADY);
	/* fleet-wide message (device 0) */
	ops[0].value = 21000;
	len = make_msg(msg, &op_key, 0u, 6u, ops, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_THRESHOLD_0 + 1, 0u), 21000);
	teardown();
}

TTEST(settings, refused_messages_change_nothing)
{
	uint8_t msg[256];
	uint8_t newer[256];
	struct tinyml_settings_op set = {TINYML_SETTINGS_OP_SET, TINYML_SETTING_DEBOUNCE_MS, 900,
					 0u};
	struct tinyml_settings_op bad_range = {TINYML_SETTINGS_OP_SET, TINYML_SETTING_DEBOUNCE_MS,
					       70000, 0u};
	size_t len;
	size_t newer_len;
	uint64_t ops_before;

	TT_ASSERT_EQ(setup(), 0);
	len = make_msg(msg, &op_key, DEVICE_ID, 10u, &set, 1u);
	set.value = 950;
	newer_len = make_msg(newer, &op_key, DEVICE_ID, 11u, &set, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, newer, newer_len, 0u, UTC_NOW), 0);
	ops_before = fx.sim.ops;
	/* reordered: an older nonce arriving after a newer one */
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EALREADY);
	/* replayed */
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, newer, newer_len, 0u, UTC_NOW), -EALREADY);
	/* forged: signed by another key */
	len = make_msg(msg, &other_key, DEVICE_ID, 12u, &set, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EPERM);
	/* tampered after signing */
	len = make_msg(msg, &op_key, DEVICE_ID, 12u, &set, 1u);
	msg[TINYML_SETTINGS_MSG_HEADER_BYTES + 4] ^= 0x01;
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EPERM);
	/* for another device */
	len = make_msg(msg, &op_key, DEVICE_ID + 1u, 12u, &set, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EBADMSG);
	/* malformed: truncated, padded */
	len = make_msg(msg, &op_key, DEVICE_ID, 12u, &set, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len - 1u, 0u, UTC_NOW), -EBADMSG);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len + 1u, 0u, UTC_NOW), -EBADMSG);
	/* well signed but out of range: all or nothing */
	{
		struct tinyml_settings_op two[2] = {
			{TINYML_SETTINGS_OP_SET, TINYML_SETTING_TRIGGER_LEVEL, 5, 0u},
			bad_range,
		};

		len = make_msg(msg, &op_key, DEVICE_ID, 13u, two, 2u);
		TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -ERANGE);
	}
	TT_ASSERT_EQ(fx.sim.ops, ops_before);
	TT_ASSERT_EQ(tinyml_settings_nonce(&st), 11u);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 950);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_TRIGGER_LEVEL, 0u), 1000);
	teardown();
}

TTEST(settings_msg, parser_rejects_malformed)
{
	uint8_t msg[256];
	struct tinyml_settings_msg m;
	struct tinyml_settings_op op = {TINYML_SETTINGS_OP_OVERRIDE, 3, 5, 30u};
	size_t len;

	TT_ASSERT_EQ(test_signer_init(&op_key, 0x21), 0);
	len = make_msg(msg, &op_key, 1u, 1u, &op, 1u);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, TINYML_SETTING_COUNT, &m), 0);
	TT_ASSERT_EQ(m.ops[0].duration_s, 30u);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, 3u, &m), -EBADMSG); /* unknown id */
	op.duration_s = 0u; /* an override needs a duration */
	len = make_msg(msg, &op_key, 1u, 1u, &op, 1u);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, TINYML_SETTING_COUNT, &m), -EBADMSG);
	op.duration_s = TINYML_SETTINGS_MSG_MAX_OVERRIDE_S + 1u;
	len = make_msg(msg, &op_key, 1u, 1u, &op, 1u);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, TINYML_SETTING_COUNT, &m), -EBADMSG);
	op.kind = 9u;
	op.duration_s = 1u;
	len = make_msg(msg, &op_key, 1u, 1u, &op, 1u);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, TINYML_SETTING_COUNT, &m), -EBADMSG);
	{
		struct tinyml_settings_op dup[2] = {{1u, 3u, 5, 0u}, {1u, 3u, 6, 0u}};

		len = make_msg(msg, &op_key, 1u, 1u, dup, 2u);
		TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, TINYML_SETTING_COUNT, &m),
			     -EBADMSG);
	}
	len = make_msg(msg, &op_key, 1u, 1u, &op, 0u); /* no operation */
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, len, TINYML_SETTING_COUNT, &m), -EBADMSG);
	TT_ASSERT_EQ(tinyml_settings_msg_parse(msg, 3u, TINYML_SETTING_COUNT, &m), -EBADMSG);
	test_signer_free(&op_key);
}

TTEST(settings, nonce_has_no_terminal_value)
{
	uint8_t msg[256];
	struct tinyml_settings_op set = {TINYML_SETTINGS_OP_SET, TINYML_SETTING_DEBOUNCE_MS, 900,
					 0u};
	size_t len;

	TT_ASSERT_EQ(setup(), 0);
	/* a signed message with the largest nonce used to lock out every later one */
	len = make_msg(msg, &op_key, DEVICE_ID, UINT64_MAX, &set, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EALREADY);
	set.value = 901;
	len = make_msg(msg, &op_key, DEVICE_ID, 7u, &set, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), 0);
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_DEBOUNCE_MS, 0u), 901);
	/* serial-number order: 2^64 - 1 is followed by 0, 1, ...; a window of 2^32 ahead */
	TT_ASSERT(tinyml_settings_msg_nonce_fresh(UINT64_MAX - 2u, 3u));
	TT_ASSERT(tinyml_settings_msg_nonce_fresh(UINT64_MAX - 2u, UINT64_MAX));
	TT_ASSERT(tinyml_settings_msg_nonce_fresh(0u, TINYML_SETTINGS_NONCE_WINDOW));
	TT_ASSERT(!tinyml_settings_msg_nonce_fresh(0u, TINYML_SETTINGS_NONCE_WINDOW + 1u));
	TT_ASSERT(!tinyml_settings_msg_nonce_fresh(5u, 5u));
	TT_ASSERT(!tinyml_settings_msg_nonce_fresh(5u, 4u));
	TT_ASSERT(!tinyml_settings_msg_nonce_fresh(3u, UINT64_MAX));
	teardown();
}

TTEST(settings, override_does_not_return_when_32bit_uptime_wraps)
{
	TT_ASSERT_EQ(setup(), 0);
	TT_ASSERT_EQ(
		tinyml_settings_override(&st, TINYML_SETTING_MODEL_ENABLED, 0, 3600000u, 1000u), 0);
	TT_ASSERT(!tinyml_settings_model_enabled(&st, 2000u));
	TT_ASSERT(tinyml_settings_model_enabled(&st, 3601000u));
	/* 49.7 days later the 32-bit millisecond uptime is back at 1500 */
	TT_ASSERT(tinyml_settings_model_enabled(&st, 0x100000000ull + 1500u));
	TT_ASSERT_EQ(tinyml_settings_get(&st, TINYML_SETTING_MODEL_ENABLED, 0x100000000ull + 1500u),
		     1);
	teardown();
}

TTEST(settings, captured_broadcast_expires)
{
	uint8_t msg[256];
	struct tinyml_settings_op kill = {TINYML_SETTINGS_OP_SET, TINYML_SETTING_MODEL_ENABLED, 0,
					  0u};
	size_t len;

	TT_ASSERT_EQ(setup(), 0);
	len = make_msg(msg, &op_key, 0u, 3u, &kill, 1u);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), 0);
	TT_ASSERT(!tinyml_settings_model_enabled(&st, 0u));
	/* the same broadcast replayed later to a device that never saw it */
	TT_ASSERT_EQ(fixture_init(&fx, 8u, 512u, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, DEVICE_ID), 0);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_EXPIRES + 1u), -ETIME);
	/* a device that does not know the time takes no message that expires */
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, 0u), -ETIME);
	TT_ASSERT(tinyml_settings_model_enabled(&st, 0u));
	TT_ASSERT_EQ(tinyml_settings_nonce(&st), 0u);
	/* a broadcast without an expiry is refused whatever its signature */
	tinyml_put_le64(msg + 20, 0u);
	TT_ASSERT_EQ(test_signer_sign(&op_key, msg, len - TINYML_SETTINGS_MSG_SIG_BYTES,
				      msg + len - TINYML_SETTINGS_MSG_SIG_BYTES),
		     0);
	TT_ASSERT_EQ(tinyml_settings_apply_message(&st, msg, len, 0u, UTC_NOW), -EBADMSG);
	teardown();
}
