/*
 * Power cut at every program and erase while settings change (local writes and signed remote
 * messages, on 2 sectors of 512 bytes so the ring wraps several times). After the reboot the
 * stored state must be the last acknowledged one or the one being written, never a mix; the
 * nonce goes with its values; an acknowledged message can never be replayed.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "crypto_memo.h"
#include "flash_fixture.h"
#include "test_signer.h"
#include "ttest.h"

#define STEPS 24u

static struct flash_fixture fx;
static struct tinyml_settings st;
static struct test_signer op_key;
static uint8_t msgs[STEPS][128];
static size_t msg_len[STEPS];

struct snapshot {
	uint64_t nonce;
	int32_t v[TINYML_SETTING_COUNT];
};

static void take(struct snapshot *s)
{
	uint32_t i;

	s->nonce = tinyml_settings_nonce(&st);
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		/* far in the future of any override: the persisted layer */
		s->v[i] = tinyml_settings_get(&st, (enum tinyml_setting_id)i, 0x80000000u);
	}
}

static int make_messages(void)
{
	uint32_t k;

	for (k = 0u; k < STEPS; k++) {
		uint8_t *buf = msgs[k];
		uint8_t *p = buf + TINYML_SETTINGS_MSG_HEADER_BYTES;

		memset(buf, 0, sizeof(msgs[k]));
		tinyml_put_le32(buf, TINYML_SETTINGS_MSG_MAGIC);
		buf[4] = TINYML_SETTINGS_MSG_VERSION;
		buf[5] = 2u;
		tinyml_put_le32(buf + 8, 1u); /* this device: no expiry needed */
		tinyml_put_le64(buf + 12, 100u + k);
		p[0] = TINYML_SETTINGS_OP_SET;
		p[1] = (uint8_t)(k % TINYML_SETTINGS_MAX_CLASSES);
		tinyml_put_le32(p + 4, 1000u + k);
		p += TINYML_SETTINGS_MSG_OP_BYTES;
		p[0] = TINYML_SETTINGS_OP_SET;
		p[1] = TINYML_SETTING_CALIBRATION_BASELINE;
		tinyml_put_le32(p + 4, (uint32_t)(-(int32_t)k));
		msg_len[k] = TINYML_SETTINGS_MSG_HEADER_BYTES + 2u * TINYML_SETTINGS_MSG_OP_BYTES;
		if (test_signer_sign(&op_key, buf, msg_len[k], buf + msg_len[k]) != 0) {
			return -1;
		}
		msg_len[k] += TINYML_SETTINGS_MSG_SIG_BYTES;
	}
	return 0;
}

/* Even steps: a remote message; odd steps: a local write. */
static int step(uint32_t k)
{
	if (k % 2u == 0u) {
		return tinyml_settings_apply_message(&st, msgs[k], msg_len[k], 0u, 0u);
	}
	return tinyml_settings_set(&st, TINYML_SETTING_DEBOUNCE_MS, (int32_t)(10u * k));
}

struct result {
	uint64_t points;
	uint64_t bad_state;
	uint64_t replays_accepted;
	uint64_t failures;
};

static void run_cut(uint64_t cut, struct result *r)
{
	struct snapshot acked;
	struct snapshot after;
	uint32_t k;
	int32_t last_acked_msg = -1;

	if (fixture_init(&fx, 8u, 512u, 2u, 0u) != 0 ||
	    tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, 1u) != 0) {
		r->failures++;
		return;
	}
	tinyml_flash_sim_cut_power(&fx.sim, cut, (uint32_t)cut);
	take(&acked);
	for (k = 0u; k < STEPS && fx.sim.powered; k++) {
		if (step(k) == 0) {
			take(&acked);
			last_acked_msg = k % 2u == 0u ? (int32_t)k : last_acked_msg;
		}
	}
	tinyml_flash_sim_power_on(&fx.sim);
	if (tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, 1u) != 0) {
		r->failures++;
		return;
	}
	take(&after);
	if (memcmp(&after, &acked, sizeof(after)) != 0) {
		/* otherwise it must be exactly the state of the interrupted step */
		struct snapshot expect = acked;

		k--;
		if (k % 2u == 0u) {
			expect.nonce = 100u + k;
			expect.v[k % TINYML_SETTINGS_MAX_CLASSES] = (int32_t)(1000u + k);
			expect.v[TINYML_SETTING_CALIBRATION_BASELINE] = -(int32_t)k;
		} else {
			expect.v[TINYML_SETTING_DEBOUNCE_MS] = (int32_t)(10u * k);
		}
		if (memcmp(&after, &expect, sizeof(after)) != 0) {
			r->bad_state++;
		}
	}
	if (last_acked_msg >= 0 &&
	    tinyml_settings_apply_message(&st, msgs[last_acked_msg], msg_len[last_acked_msg], 0u,
					  0u) != -EALREADY) {
		r->replays_accepted++;
	}
	r->points++;
}

static int sweep(struct result *r)
{
	uint64_t total;
	uint64_t cut;
	uint32_t k;

	memset(r, 0, sizeof(*r));
	if (test_signer_init(&op_key, 0x33) != 0 || make_messages() != 0 ||
	    fixture_init(&fx, 8u, 512u, 2u, 0u) != 0 ||
	    tinyml_settings_init(&st, &fx.area, NULL, op_key.pub, 1u) != 0) {
		return -1;
	}
	for (k = 0u; k < STEPS; k++) {
		if (step(k) != 0) {
			return -1;
		}
	}
	total = fx.sim.ops;
	tinyml_host_crypto_memo(true); /* the same messages are verified at every point */
	for (cut = 0u; cut < total; cut++) {
		run_cut(cut, r);
	}
	tinyml_host_crypto_memo(false);
	test_signer_free(&op_key);
	/* the ring wrapped: erases and headers were cut too */
	return total >= STEPS + 4u * 2u && r->points == total ? 0 : -1;
}

TTEST(settings_powercut, every_program_and_erase)
{
	struct result r;

	TT_ASSERT_EQ(sweep(&r), 0);
	TT_ASSERT_EQ(r.failures, 0u);
	TT_ASSERT_EQ(r.bad_state, 0u);
	TT_ASSERT_EQ(r.replays_accepted, 0u);
}

TBENCH(state_settings)
{
	struct result r;

	if (sweep(&r) != 0) {
		ttest_fail(__FILE__, __LINE__, "settings sweep failed to run");
		return;
	}
	ttest_figure("state.settings_powercut.points_tested", (long long)r.points);
	ttest_figure("state.settings_powercut.mixed_or_lost_states", (long long)r.bad_state);
	ttest_figure("state.settings_powercut.replays_accepted", (long long)r.replays_accepted);
}
