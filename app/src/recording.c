/*
 * Recording mode (docs/field-loop.md, privacy: raw data leaves the device only here): raw
 * windows or snippets around detections, streamed as @TR1: lines (tinyml/recstream.h) on the
 * shell that started the mode, until `tinyml rec stop` or the next boot.
 *
 * The processing thread feeds every capture block into a static history (the last
 * CONFIG_TINYML_RECORDING_MAX_FRAMES frames). When a recording is complete (a window, or a
 * snippet's post-trigger frames have arrived) its frames are copied into the static recording
 * buffer and a low-priority thread streams them, while capture and detection go on. A
 * recording that completes while the previous one is still being streamed is dropped whole and
 * counted: the host never sees a part of one. A capture-ring overrun inside a recording is
 * reported in its END frame, so the host refuses it too. No heap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/shell/shell.h>
#include <zephyr/sys/atomic.h>

#include <tinyml/ops_manifest.h>
#include <tinyml/recstream.h>

#include "app.h"
#include "app_field.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

#define AXES        CONFIG_TINYML_RING_AXES
#define HISTORY     CONFIG_TINYML_RECORDING_MAX_FRAMES
#define BLOCK       CONFIG_TINYML_RING_BLOCK_SAMPLES
/* A snippet's frames must still be in the history when its last frame arrives. */
#define SNIPPET_MAX (HISTORY - BLOCK)

BUILD_ASSERT(AXES <= TINYML_RECSTREAM_MAX_CHANNELS, "the stream carries at most 8 channels");
BUILD_ASSERT(HISTORY > 2 * BLOCK, "the recording history must hold more than two blocks");

static int16_t history[HISTORY * AXES];
static uint64_t history_end; /* stream frame after the newest one held */
static uint64_t last_gap;    /* stream frame at which the capture ring last lost a block */
static uint32_t ring_overflows_seen;

/* Written by the processing thread, read by the streamer while `busy` is set. */
static int16_t rec_samples[HISTORY * AXES];
static struct tinyml_recstream_info rec_info;
static uint64_t rec_first;
static uint32_t rec_overruns;
static atomic_t busy;

/* The armed recording (processing thread only, after `arm_request` is taken). */
struct pending_rec {
	bool armed;
	uint64_t first;
	uint32_t frames;
	uint32_t pre;
	uint16_t class_id;
	uint8_t kind; /* TINYML_RECSTREAM_KIND_* */
};
static struct pending_rec pending;

/* Mode, set by the shell, read by the processing thread. */
static K_MUTEX_DEFINE(mode_lock);
static struct app_rec_stats mode;
static const struct shell *out_shell;

static struct tinyml_recstream encoder;
static bool encoder_ready;
static K_SEM_DEFINE(stream_go, 0, 1);

static uint32_t ms_to_frames(uint32_t ms)
{
	return (uint32_t)((uint64_t)ms * app_pipeline_sample_rate() / 1000U);
}

static uint32_t frame_to_ms(uint64_t frame)
{
	return (uint32_t)(frame * 1000U / app_pipeline_sample_rate());
}

static void fill_text(char *dst, size_t cap, const char *src)
{
	(void)snprintf(dst, cap, "%s", src);
}

/* Channel names from Kconfig when they name exactly AXES channels, else empty (ch0, ...). */
static void channel_names(char *dst, size_t cap)
{
	const char *names = CONFIG_TINYML_RECORDING_CHANNELS;
	size_t n = names[0] == '\0' ? 0U : 1U;

	for (const char *p = names; *p != '\0'; p++) {
		n += *p == ',' ? 1U : 0U;
	}
	fill_text(dst, cap, n == AXES ? names : "");
}

static void sensor_settings(char *dst, size_t cap)
{
	if (CONFIG_TINYML_RECORDING_SENSOR[0] != '\0') {
		fill_text(dst, cap, CONFIG_TINYML_RECORDING_SENSOR);
	} else {
		(void)snprintf(dst, cap, "source=%s;odr_hz=%u",
			       IS_ENABLED(CONFIG_TINYML_APP_CAPTURE_CANNED) ? "canned"
			       : IS_ENABLED(CONFIG_TINYML_APP_CAPTURE_DMIC) ? "dmic"
									    : "sensor",
			       app_pipeline_sample_rate());
	}
}

/* Copy the pending recording out of the history and hand it to the streamer. */
static void complete(void)
{
	struct app_uplink_versions v;
	bool stream;

	pending.armed = false;
	k_mutex_lock(&mode_lock, K_FOREVER);
	stream = mode.on;
	if (stream && mode.remaining > 0U) {
		mode.remaining--; /* a dropped recording counts as taken too */
	}
	if (stream && !atomic_cas(&busy, 0, 1)) {
		mode.dropped++;
		stream = false;
		LOG_WRN("recording dropped: the previous one is still streaming");
	}
	k_mutex_unlock(&mode_lock);
	if (!stream) {
		return;
	}
	for (uint32_t f = 0; f < pending.frames; f++) {
		uint32_t slot = (uint32_t)((pending.first + f) % HISTORY);

		memcpy(&rec_samples[f * AXES], &history[slot * AXES], AXES * sizeof(int16_t));
	}
	app_uplink_versions(&v);
	memset(&rec_info, 0, sizeof(rec_info));
	rec_info.sample_rate_mhz = app_pipeline_sample_rate() * 1000U;
	rec_info.frames = pending.frames;
	rec_info.pre_trigger_frames = pending.pre;
	rec_info.timestamp_ms = frame_to_ms(pending.first + pending.pre);
	rec_info.fw_version = v.fw_version;
	rec_info.model_version = v.model_version;
	rec_info.pipeline_id = v.pipeline_id;
	rec_info.runtime_id = v.runtime_id;
	rec_info.channels = AXES;
	rec_info.kind = pending.kind;
	rec_info.trigger_class = pending.class_id;
	channel_names(rec_info.channel_names, sizeof(rec_info.channel_names));
	sensor_settings(rec_info.sensor, sizeof(rec_info.sensor));
	rec_first = pending.first;
	/* A block the capture ring lost inside the recording: the samples are not contiguous. */
	rec_overruns = last_gap > pending.first ? BLOCK : 0U;
	k_sem_give(&stream_go);
}

/* Window mode: arm the next raw window once the streamer is free. */
static void arm_window(void)
{
	bool arm;

	k_mutex_lock(&mode_lock, K_FOREVER);
	arm = mode.on && mode.kind == APP_REC_WINDOW && mode.remaining > 0U;
	k_mutex_unlock(&mode_lock);
	if (arm && !pending.armed && atomic_get(&busy) == 0) {
		pending = (struct pending_rec){
			.armed = true,
			.first = history_end,
			.frames = MIN(app_pipeline_window_len(), (uint32_t)HISTORY),
			.pre = 0U,
			.class_id = TINYML_RECSTREAM_NO_CLASS,
			.kind = TINYML_RECSTREAM_KIND_WINDOW,
		};
	}
}

void app_recording_feed(const int16_t *frames, size_t n_frames, uint64_t first)
{
	uint32_t overflows = tinyml_ringbuf_overflows(&app_ring);

	if (overflows != ring_overflows_seen) {
		ring_overflows_seen = overflows;
		last_gap = first;
	}
	if (first != history_end) {
		last_gap = first; /* frames the history never saw */
	}
	history_end = first;
	arm_window(); /* a window starts with this block */
	for (size_t f = 0; f < n_frames; f++) {
		uint32_t slot = (uint32_t)((first + f) % HISTORY);

		memcpy(&history[slot * AXES], &frames[f * AXES], AXES * sizeof(int16_t));
	}
	history_end = first + n_frames;
	if (pending.armed && history_end >= pending.first + pending.frames) {
		complete();
	}
}

void app_recording_on_event(const struct app_event_summary *summary, uint64_t at)
{
	uint32_t pre = ms_to_frames(CONFIG_TINYML_RECORDING_PRE_MS);
	uint32_t post = ms_to_frames(CONFIG_TINYML_RECORDING_POST_MS);
	bool arm;

	k_mutex_lock(&mode_lock, K_FOREVER);
	arm = mode.on && mode.kind == APP_REC_SNIPPET && mode.remaining > 0U;
	k_mutex_unlock(&mode_lock);
	if (!arm || pending.armed) {
		return;
	}
	pre = (uint32_t)MIN((uint64_t)pre, at);
	pre = MIN(pre, (uint32_t)SNIPPET_MAX - 1U);
	post = MIN(post, (uint32_t)SNIPPET_MAX - pre);
	pending = (struct pending_rec){
		.armed = true,
		.first = at - pre,
		.frames = pre + post,
		.pre = pre,
		.class_id = summary->class_id,
		.kind = TINYML_RECSTREAM_KIND_SNIPPET,
	};
	/* The history may already hold every post-trigger frame (post 0). */
	if (history_end >= pending.first + pending.frames) {
		complete();
	}
}

int app_recording_start(const struct shell *sh, enum app_rec_kind kind, uint32_t count)
{
	int rc = 0;

	if (count == 0U) {
		return -EINVAL;
	}
	k_mutex_lock(&mode_lock, K_FOREVER);
	if (mode.on) {
		rc = -EBUSY;
	} else {
		if (!encoder_ready) {
			struct app_uplink_versions v;

			/* Sequence numbers of different boots never collide (docs/field-loop.md).
			 */
			app_uplink_versions(&v);
			tinyml_recstream_init(&encoder, v.boots << 20);
			encoder_ready = true;
		}
		out_shell = sh;
		mode.on = true;
		mode.kind = kind;
		mode.remaining = count;
	}
	k_mutex_unlock(&mode_lock);
	return rc;
}

void app_recording_stop(void)
{
	k_mutex_lock(&mode_lock, K_FOREVER);
	mode.on = false;
	mode.remaining = 0U;
	k_mutex_unlock(&mode_lock);
}

void app_recording_stats(struct app_rec_stats *out)
{
	k_mutex_lock(&mode_lock, K_FOREVER);
	*out = mode;
	k_mutex_unlock(&mode_lock);
}

/* One line out; the shell serialises it with every other output, so it is never torn. */
static int emit(int len, const char *line)
{
	if (len < 0) {
		return len;
	}
	shell_fprintf(out_shell, SHELL_NORMAL, "%s", line);
	return 0;
}

static void stream_one(void)
{
	static char line[TINYML_RECSTREAM_LINE_MAX];
	uint32_t begin_seq = tinyml_recstream_next_seq(&encoder);
	uint32_t sent = 0;
	int rc;

	shell_fprintf(
		out_shell, SHELL_NORMAL,
		"rec: seq %u kind %s frames %u from stream frame %llu, trigger class %d\n",
		begin_seq, rec_info.kind == TINYML_RECSTREAM_KIND_WINDOW ? "window" : "snippet",
		rec_info.frames, (unsigned long long)rec_first,
		rec_info.trigger_class == TINYML_RECSTREAM_NO_CLASS ? -1
								    : (int)rec_info.trigger_class);
	rc = emit(tinyml_recstream_begin(&encoder, &rec_info, line, sizeof(line)), line);
	while (rc == 0 && sent < rec_info.frames) {
		uint16_t n = (uint16_t)MIN(rec_info.frames - sent,
					   (uint32_t)tinyml_recstream_max_frames(&encoder));

		rc = emit(tinyml_recstream_data(&encoder, &rec_samples[sent * AXES], n, line,
						sizeof(line)),
			  line);
		sent += n;
	}
	/* Always close the recording: a short or failed one is refused by the host. */
	rc = emit(tinyml_recstream_end(&encoder, rec_overruns, line, sizeof(line)), line);
	if (rc != 0) {
		LOG_ERR("recording stream: %d", rc);
	}
	struct app_rec_stats done = {.on = true};

	k_mutex_lock(&mode_lock, K_FOREVER);
	mode.streamed++;
	if (mode.remaining == 0U && mode.on) {
		mode.on = false;
		done = mode;
	}
	k_mutex_unlock(&mode_lock);
	/* Outside the lock: the processing thread takes it for every block. */
	if (!done.on) {
		shell_fprintf(out_shell, SHELL_NORMAL, "rec: done, %u streamed, %u dropped\n",
			      done.streamed, done.dropped);
	}
}

static void streamer(void *a, void *b, void *c)
{
	ARG_UNUSED(a);
	ARG_UNUSED(b);
	ARG_UNUSED(c);
	for (;;) {
		(void)k_sem_take(&stream_go, K_FOREVER);
		stream_one();
		atomic_set(&busy, 0);
	}
}

K_THREAD_DEFINE(tinyml_rec, CONFIG_TINYML_RECORDING_STACK_SIZE, streamer, NULL, NULL, NULL,
		CONFIG_TINYML_RECORDING_THREAD_PRIORITY, 0, 0);
