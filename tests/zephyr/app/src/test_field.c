/*
 * The field loop's device parts (docs/field-loop.md): SMP group 72 through mcumgr's dummy
 * transport, the fired-window summary, recording mode through the dummy shell (the streamed
 * @TR1: frames carry exactly the samples fed in), and the hold-to-report button on the GPIO
 * emulator. The application's processing thread and state are replaced by the stubs below.
 */
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/mgmt/mcumgr/transport/smp_dummy.h>
#include <zephyr/net_buf.h>
#include <zephyr/shell/shell_dummy.h>
#include <zephyr/sys/base64.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/ztest.h>

#include <tinyml/recstream.h>
#include <tinyml/ringbuf.h>

#include "app.h"
#include "app_field.h"
#include "app_state.h"

/* ---- stubs of the parts this suite does not link ---- */

LOG_MODULE_REGISTER(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL); /* main.c's, for the parts */

struct tinyml_ringbuf app_ring;
static uint32_t logged_events;
static uint16_t logged_flags;

uint32_t app_pipeline_sample_rate(void)
{
	return 1600U;
}

uint32_t app_pipeline_window_len(void)
{
	return 128U;
}

int app_state_log_event(const struct app_event_summary *summary, uint32_t uptime_ms)
{
	ARG_UNUSED(uptime_ms);
	logged_events++;
	logged_flags = summary->flags;
	return 0;
}

int app_state_active_slot(void)
{
	return 0;
}

static void post_event(uint32_t t_ms)
{
	const struct app_event_summary s = {
		.t_ms = t_ms,
		.class_id = 1,
		.score_q15 = 31000,
		.margin_q15 = 2000,
	};

	app_uplink_post(&s);
}

static void drain_queue(void)
{
	(void)app_uplink_ack(UINT32_MAX);
}

/* ---- SMP group 72 ---- */

ZTEST_SUITE(tinyml_field_smp, NULL, NULL, NULL, NULL, NULL);

/* A response, copied out of mcumgr's buffer (which is freed for the next request). */
struct smp_response {
	uint16_t len;
	uint8_t data[1100];
};

/* A request: SMP v2 header (op, flags, length, group 72, seq, command) and its CBOR map. */
static const struct smp_response *smp_request(uint8_t op, uint8_t cmd, const uint8_t *body,
					      uint16_t len)
{
	static struct smp_response rsp;
	uint8_t packet[64] = {0x08 | op, 0, (uint8_t)(len >> 8), (uint8_t)len, 0, 72, 0x11, cmd};
	struct net_buf *nb;

	memcpy(&packet[8], body, len);
	smp_dummy_enable();
	smp_dummy_clear_state();
	(void)smp_dummy_tx_pkt(packet, 8 + len);
	smp_dummy_add_data();
	zassert_true(smp_dummy_wait_for_data(2), "no SMP response");
	nb = smp_dummy_get_outgoing();
	smp_dummy_disable();
	zassert_not_null(nb);
	zassert_true(nb->len <= sizeof(rsp.data));
	rsp.len = nb->len;
	memcpy(rsp.data, nb->data, nb->len);
	net_buf_unref(nb);
	return &rsp;
}

static size_t put_text(uint8_t *out, const char *text)
{
	size_t n = strlen(text);

	out[0] = 0x60 | (uint8_t)n;
	memcpy(&out[1], text, n);
	return 1 + n;
}

/* The shortest CBOR form of @p v (canonical: what zcbor and cbor2 write, and require). */
static uint16_t put_uint(uint8_t *out, uint32_t v)
{
	if (v < 24U) {
		out[0] = (uint8_t)v;
		return 1;
	}
	if (v <= UINT8_MAX) {
		out[0] = 0x18;
		out[1] = (uint8_t)v;
		return 2;
	}
	if (v <= UINT16_MAX) {
		out[0] = 0x19;
		sys_put_be16((uint16_t)v, &out[1]);
		return 3;
	}
	out[0] = 0x1a;
	sys_put_be32(v, &out[1]);
	return 5;
}

static bool contains(const uint8_t *data, size_t len, const uint8_t *part, size_t n)
{
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(&data[i], part, n) == 0) {
			return true;
		}
	}
	return false;
}

ZTEST(tinyml_field_smp, test_read_then_ack)
{
	static uint8_t want[1024];
	static struct app_uplink_summary s;
	static const uint8_t read_all[] = {0xa0};
	static const uint8_t read_one[] = {0xa1, 0x63, 'm', 'a', 'x', 0x01};
	size_t n = 0;
	const struct smp_response *nb;

	drain_queue();
	post_event(2000);
	post_event(5000);
	post_event(9000);

	/* {"ev": [s0, s1, s2], "pend": 0, "drop": D}, s_i exactly as app_summary_cbor() */
	nb = smp_request(0, 0, read_all, sizeof(read_all));
	want[n++] = 0xa3;
	n += put_text(&want[n], "ev");
	want[n++] = 0x83;
	for (uint32_t i = 0; i < 3U; i++) {
		zassert_ok(app_uplink_peek(i, &s));
		n += (size_t)app_summary_cbor(&s, &want[n], sizeof(want) - n);
	}
	n += put_text(&want[n], "pend");
	want[n++] = 0x00;
	n += put_text(&want[n], "drop");
	want[n++] = (uint8_t)app_uplink_dropped();
	zassert_equal(nb->data[0] & 0x7, 1, "a read response");
	zassert_equal(sys_get_be16(&nb->data[2]), n, "payload %u, expected %u",
		      sys_get_be16(&nb->data[2]), n);
	zassert_mem_equal(&nb->data[8], want, n);
	zassert_equal(app_uplink_pending(), 3U, "a read removes nothing");

	/* max 1: the oldest, two still pending after it */
	nb = smp_request(0, 0, read_one, sizeof(read_one));
	zassert_ok(app_uplink_peek(0, &s));
	n = 0;
	want[n++] = 0xa3;
	n += put_text(&want[n], "ev");
	want[n++] = 0x81;
	n += (size_t)app_summary_cbor(&s, &want[n], sizeof(want) - n);
	n += put_text(&want[n], "pend");
	want[n++] = 0x02;
	zassert_mem_equal(&nb->data[8], want, n);

	/* ack up to the second: {"acked": 2, "pend": 1} */
	uint8_t ack[16] = {0xa1, 0x63, 's', 'e', 'q'};

	zassert_ok(app_uplink_peek(1, &s));
	nb = smp_request(2, 1, ack, 5 + put_uint(&ack[5], s.seq));
	n = 0;
	want[n++] = 0xa2;
	n += put_text(&want[n], "acked");
	want[n++] = 0x02;
	n += put_text(&want[n], "pend");
	want[n++] = 0x01;
	zassert_equal(nb->data[0] & 0x7, 3, "a write response");
	zassert_equal(sys_get_be16(&nb->data[2]), n);
	zassert_mem_equal(&nb->data[8], want, n);
	zassert_equal(app_uplink_pending(), 1U);

	/* an ack without "seq" is refused (rc 3, MGMT_ERR_EINVAL) and removes nothing */
	nb = smp_request(2, 1, read_all, sizeof(read_all));
	zassert_true(contains(&nb->data[8], nb->len - 8U, (const uint8_t *)"\x62rc\x03", 4),
		     "expected rc 3 (EINVAL)");
	zassert_equal(app_uplink_pending(), 1U);
	drain_queue();
}

/* ---- windows that fired ---- */

ZTEST_SUITE(tinyml_field_fired, NULL, NULL, NULL, NULL, NULL);

ZTEST(tinyml_field_fired, test_mean_and_peak_of_fired_windows)
{
	static struct app_fired_summary f;
	const int32_t a[3] = {1, -5, 100};
	const int32_t b[3] = {4, -2, -100};
	const int32_t background[3] = {1000, 1000, 1000};

	app_fired_window(a, 3, 1, 1000);
	app_fired_window(background, 3, 0, 1040);  /* background: not a window that fired */
	app_fired_window(background, 3, -1, 1060); /* no inference: neither */
	app_fired_window(b, 3, 1, 1080);
	app_fired_event();
	zassert_ok(app_fired_last(&f));
	zassert_equal(f.n_windows, 2);
	zassert_equal(f.n_features, 3);
	zassert_equal(f.mean_q8[0], 640);  /* 2.5 in Q8 */
	zassert_equal(f.mean_q8[1], -896); /* -3.5 */
	zassert_equal(f.mean_q8[2], 0);
	zassert_equal(f.peak[0], 4);
	zassert_equal(f.peak[1], -2);
	zassert_equal(f.peak[2], 100);

	/* A quiet gap longer than the confirmation span starts a new burst. */
	app_fired_window(a, 3, 1, 5000);
	app_fired_window(b, 3, 1, 5000 + CONFIG_TINYML_APP_CONFIRM_SPAN_MS + 1);
	app_fired_event();
	zassert_ok(app_fired_last(&f));
	zassert_equal(f.n_windows, 1);
	zassert_equal(f.mean_q8[0], 4 * 256);
}

/* ---- recording mode ---- */

#define AXES  CONFIG_TINYML_RING_AXES
#define BLOCK 32U

/* The canned signal: value of channel @p ch at stream frame @p frame. */
static int16_t signal(uint64_t frame, uint32_t ch)
{
	return (int16_t)((frame * 7U + ch * 1000U) % 65536U - 32768);
}

static uint64_t fed;

static void feed_until(uint64_t end)
{
	static int16_t block[BLOCK * AXES];

	while (fed < end) {
		for (uint32_t f = 0; f < BLOCK; f++) {
			for (uint32_t c = 0; c < AXES; c++) {
				block[f * AXES + c] = signal(fed + f, c);
			}
		}
		app_recording_feed(block, BLOCK, fed);
		fed += BLOCK;
	}
}

struct decoded {
	uint32_t begins;
	uint32_t ends;
	uint32_t frames;       /* BEGIN: frames announced */
	uint32_t pre;          /* BEGIN: pre-trigger frames */
	uint8_t kind;          /* BEGIN: kind */
	uint32_t samples;      /* values checked */
	uint32_t end_overruns; /* END */
	uint32_t end_sent;     /* END */
};

/* Decode every @TR1: line of the dummy shell's output; DATA samples must equal the signal at
 * @p first + their index. */
static void decode_stream(const char *text, uint64_t first, struct decoded *d)
{
	static uint8_t frame[TINYML_RECSTREAM_FRAME_MAX];

	memset(d, 0, sizeof(*d));
	for (const char *p = strstr(text, "@TR1:"); p != NULL; p = strstr(p + 1, "@TR1:")) {
		const char *b64 = p + 5;
		size_t len = strcspn(b64, "\r\n");
		size_t olen = 0;

		zassert_ok(base64_decode(frame, sizeof(frame), &olen, b64, len), "bad base64");
		zassert_equal(frame[0], 1, "layout version");
		const uint8_t *pl = &frame[TINYML_RECSTREAM_HEADER_BYTES];

		switch (frame[1]) {
		case TINYML_RECSTREAM_BEGIN:
			d->begins++;
			d->frames = sys_get_le32(&pl[4]);
			d->pre = sys_get_le32(&pl[8]);
			d->kind = pl[33];
			zassert_equal(sys_get_le32(&pl[0]), 1600000U, "rate in mHz");
			zassert_equal(pl[32], AXES);
			break;
		case TINYML_RECSTREAM_DATA: {
			uint32_t index = sys_get_le32(&pl[0]);
			uint16_t n = sys_get_le16(&pl[4]);

			for (uint32_t f = 0; f < n; f++) {
				for (uint32_t c = 0; c < AXES; c++) {
					int16_t v =
						(int16_t)sys_get_le16(&pl[6 + 2U * (f * AXES + c)]);

					zassert_equal(v, signal(first + index + f, c),
						      "frame %u ch %u", index + f, c);
					d->samples++;
				}
			}
			break;
		}
		case TINYML_RECSTREAM_END:
			d->ends++;
			d->end_sent = sys_get_le32(&pl[0]);
			d->end_overruns = sys_get_le32(&pl[8]);
			break;
		default:
			zassert_unreachable("frame type %u", frame[1]);
		}
	}
}

static void wait_streamed(uint32_t count)
{
	struct app_rec_stats st;

	for (int i = 0; i < 500; i++) {
		app_recording_stats(&st);
		if (st.streamed >= count) {
			return;
		}
		k_msleep(10);
	}
	zassert_unreachable("recording not streamed");
}

static const struct shell *rec_shell(void)
{
	const struct shell *sh = shell_backend_dummy_get_ptr();

	/* The shell thread starts the backend once it first runs (the ztest thread is
	 * cooperative): before that, output to it is dropped. */
	for (int i = 0; i < 100 && sh->ctx->state != SHELL_STATE_ACTIVE; i++) {
		k_msleep(10);
	}
	zassert_equal(sh->ctx->state, SHELL_STATE_ACTIVE, "the dummy shell did not start");
	shell_backend_dummy_clear_output(sh);
	return sh;
}

ZTEST_SUITE(tinyml_field_rec, NULL, NULL, NULL, NULL, NULL);

ZTEST(tinyml_field_rec, test_1_window_equals_the_frames_fed)
{
	const struct shell *sh = rec_shell();
	struct decoded d;
	size_t size;
	uint64_t first;

	feed_until(4 * BLOCK);
	first = fed; /* the window starts at the next block */
	zassert_ok(app_recording_start(sh, APP_REC_WINDOW, 1));
	zassert_equal(app_recording_start(sh, APP_REC_WINDOW, 1), -EBUSY);
	feed_until(first + 128U + BLOCK);
	wait_streamed(1);
	const char *out = shell_backend_dummy_get_output(sh, &size);

	decode_stream(out, first, &d);
	zassert_equal(d.begins, 1, "%u BEGIN frames in %u bytes: %.120s", d.begins, size, out);
	zassert_equal(d.ends, 1);
	zassert_equal(d.kind, TINYML_RECSTREAM_KIND_WINDOW);
	zassert_equal(d.frames, 128U);
	zassert_equal(d.samples, 128U * AXES);
	zassert_equal(d.end_sent, 128U);
	zassert_equal(d.end_overruns, 0U);
}

ZTEST(tinyml_field_rec, test_2_snippet_around_a_detection_and_a_drop)
{
	const struct shell *sh = rec_shell();
	const struct app_event_summary ev = {.class_id = 1};
	const uint32_t pre = CONFIG_TINYML_RECORDING_PRE_MS * 1600U / 1000U;
	const uint32_t post = CONFIG_TINYML_RECORDING_POST_MS * 1600U / 1000U;
	struct app_rec_stats st;
	struct decoded d;
	size_t size;

	app_recording_stop();
	feed_until(fed + 2048U);
	zassert_ok(app_recording_start(sh, APP_REC_SNIPPET, 2));
	app_recording_stats(&st);
	const uint32_t streamed = st.streamed;
	const uint32_t dropped = st.dropped;
	const uint64_t at = fed - 10U;

	/* Two detections; the test thread never yields in between, so the streamer is still busy
	 * with the first when the second completes: that one is dropped whole and counted. */
	app_recording_on_event(&ev, at);
	feed_until(at + post + BLOCK);
	app_recording_on_event(&ev, fed);
	feed_until(fed + post + BLOCK);
	app_recording_stats(&st);
	zassert_equal(st.dropped, dropped + 1U);
	wait_streamed(streamed + 1U);
	decode_stream(shell_backend_dummy_get_output(sh, &size), at - pre, &d);
	zassert_equal(d.begins, 1, "only whole recordings: %u", d.begins);
	zassert_equal(d.ends, 1);
	zassert_equal(d.kind, TINYML_RECSTREAM_KIND_SNIPPET);
	zassert_equal(d.pre, pre);
	zassert_equal(d.frames, pre + post);
	zassert_equal(d.samples, (pre + post) * AXES);
	app_recording_stats(&st);
	zassert_false(st.on, "off once both recordings are taken (one streamed, one dropped)");
}

ZTEST(tinyml_field_rec, test_3_nothing_streams_when_off)
{
	const struct shell *sh = rec_shell();
	const struct app_event_summary ev = {.class_id = 1};
	size_t size;

	app_recording_stop();
	app_recording_on_event(&ev, fed);
	feed_until(fed + 2048U);
	k_msleep(50);
	zassert_is_null(strstr(shell_backend_dummy_get_output(sh, &size), "@TR1:"),
			"raw data left the device with the mode off");
	zassert_equal(app_recording_start(sh, APP_REC_SNIPPET, 0), -EINVAL);
}

/* ---- hold-to-report ---- */

#if defined(CONFIG_TINYML_APP_REPORT_BUTTON)
ZTEST_SUITE(tinyml_field_button, NULL, NULL, NULL, NULL, NULL);

static void press(uint32_t ms)
{
	zassert_ok(app_report_button_emulate(1));
	k_msleep(ms);
	zassert_ok(app_report_button_emulate(0));
	k_msleep(100);
}

ZTEST(tinyml_field_button, test_long_press_flags_the_last_event)
{
	struct app_uplink_summary s;

	zassert_ok(app_report_button_start());
	drain_queue();
	post_event(7000);
	logged_events = 0;
	press(CONFIG_TINYML_APP_REPORT_HOLD_MS / 4U); /* short: nothing */
	zassert_equal(app_uplink_pending(), 1U);
	/* Bounces, then a held press: one report. */
	for (int i = 0; i < 5; i++) {
		zassert_ok(app_report_button_emulate(i & 1));
		k_msleep(2);
	}
	press(CONFIG_TINYML_APP_REPORT_HOLD_MS + 300U);
	zassert_equal(app_uplink_pending(), 2U, "one flagged copy");
	zassert_ok(app_uplink_peek(1, &s));
	zassert_equal(s.flags, APP_EVENT_FLAG_FALSE_TRIGGER, "from the button, not the shell");
	zassert_equal(s.time_s, 7U);
	zassert_equal(logged_events, 1U, "the flagged event went to the event log");
	zassert_equal(logged_flags, APP_EVENT_FLAG_FALSE_TRIGGER);
	/* The shell flags too, with bit 2. */
	zassert_ok(app_report_false_trigger(true));
	zassert_ok(app_uplink_peek(2, &s));
	zassert_equal(s.flags, APP_EVENT_FLAG_FALSE_TRIGGER | APP_EVENT_FLAG_FROM_SHELL);
	drain_queue();
}
#endif
