/*
 * The field loop on the device (docs/field-loop.md): recording mode, event summaries as CBOR
 * with their sequence numbers, hold-to-report. processing.c calls the three hooks below; the
 * rest is wired by main.c and shell.c. Every part compiles to nothing when its option is off.
 */
#ifndef TINYML_APP_FIELD_H_
#define TINYML_APP_FIELD_H_

#include <stddef.h>
#include <stdint.h>

#include <zephyr/sys/util.h>

#include "app.h"

/* ---- hooks of the processing thread (processing.c) ---- */

#if defined(CONFIG_TINYML_RECORDING)
/**
 * A capture block of @p n_frames interleaved frames whose first frame is frame @p first of the
 * stream (the processing thread's sample clock); the recording history keeps the last ones.
 */
void app_recording_feed(const int16_t *frames, size_t n_frames, uint64_t first);
/** A detection at stream frame @p at (window end): a snippet starts around it when armed. */
void app_recording_on_event(const struct app_event_summary *summary, uint64_t at);
#else
static inline void app_recording_feed(const int16_t *frames, size_t n_frames, uint64_t first)
{
	(void)frames;
	(void)n_frames;
	(void)first;
}
static inline void app_recording_on_event(const struct app_event_summary *summary, uint64_t at)
{
	(void)summary;
	(void)at;
}
#endif

/**
 * The features of one live window and the class the model gave it (-1: the model did not run);
 * windows of a non-background class are "windows that fired" (mean and peak per feature).
 */
void app_fired_window(const int32_t *features, size_t n, int top_class, uint32_t now_ms);
/** An event: the fired windows' summary becomes the last event's, for a later flag. */
void app_fired_event(void);

/** Per-feature mean (Q8) and peak over the windows that fired before the last event. */
struct app_fired_summary {
	uint16_t n_features; /* 0: no window fired */
	uint16_t n_windows;
	int32_t mean_q8[CONFIG_TINYML_APP_EVENTS_FEATURES];
	int32_t peak[CONFIG_TINYML_APP_EVENTS_FEATURES];
};

/** The last event's fired-window summary; -ENOENT before the first event. */
int app_fired_last(struct app_fired_summary *out);

/* ---- the event summaries (uplink.c) ---- */

/** Flags of a summary (key 7). */
#define APP_EVENT_FLAG_FALSE_TRIGGER BIT(0)
#define APP_EVENT_FLAG_DRIFT         BIT(1)
#define APP_EVENT_FLAG_FROM_SHELL    BIT(2)

/** One queued summary, as docs/field-loop.md's CBOR map carries it. */
struct app_uplink_summary {
	uint32_t seq;
	uint32_t time_s;
	uint32_t fw_version;    /* major << 16 | minor << 8 | patch */
	uint32_t model_version; /* same packing */
	uint32_t pipeline_id;
	uint32_t runtime_id;
	uint32_t boots;
	uint32_t dropped; /* summaries dropped (queue full) before this one */
	int32_t drift_q8;
	uint16_t class_id;
	uint16_t flags;
	int16_t score_q15;
	int16_t margin_q15;
	struct app_fired_summary fired; /* only with APP_EVENT_FLAG_FALSE_TRIGGER */
};

/** Largest encoded summary: 14 keys, 5-byte integers, the feature pairs. */
#define APP_SUMMARY_CBOR_MAX (3 + 14 * 6 + 3 + CONFIG_TINYML_APP_EVENTS_FEATURES * 11)

/** Versions every summary carries (set once the model is known; main.c). */
struct app_uplink_versions {
	uint32_t fw_version;
	uint32_t model_version;
	uint32_t pipeline_id;
	uint32_t runtime_id;
	uint32_t boots;
};
/** Start the sequence numbers of this boot (call once, before the first event). */
void app_uplink_init(uint32_t boots);
void app_uplink_set_versions(const struct app_uplink_versions *v);
void app_uplink_versions(struct app_uplink_versions *out);
/** A model's version (major << 24 | minor << 16 | patch) in the summary's packing. */
static inline uint32_t app_version_packed(uint32_t pkg_version)
{
	return ((pkg_version >> 24) << 16) | (((pkg_version >> 16) & 0xffU) << 8) |
	       (pkg_version & 0xffU);
}

/**
 * Copy the @p index-th pending summary (0 = oldest) to @p out.
 * @retval 0 on success. @retval -ENOENT past the newest.
 */
int app_uplink_peek(uint32_t index, struct app_uplink_summary *out);

/** Remove every pending summary with seq <= @p seq; the number removed. */
uint32_t app_uplink_ack(uint32_t seq);

/**
 * Queue a copy of the newest event's summary flagged as a false trigger (@p flags added) with
 * @p fired; the copy gets the next seq. @retval -ENOENT if no event happened since boot.
 */
int app_uplink_flag_last(uint16_t flags, const struct app_fired_summary *fired,
			 struct app_uplink_summary *out);

/** The summary as docs/field-loop.md's CBOR map into @p buf; its length or -ENOSPC. */
int app_summary_cbor(const struct app_uplink_summary *s, uint8_t *buf, size_t cap);
#if defined(CONFIG_ZCBOR)
#include <zcbor_common.h>
/** The same map into an open zcbor encoder (SMP responses); false when it did not fit. */
bool app_summary_cbor_put(zcbor_state_t *zs, const struct app_uplink_summary *s);
#endif

/* ---- hold-to-report (report.c) ---- */

/**
 * Flag the last event as a false trigger: a flagged copy goes to the uplink queue and the event
 * log, its feature summary to the log. @p from_shell sets bit 2.
 * @retval 0 on success. @retval -ENOENT if there is no event to flag.
 */
int app_report_false_trigger(bool from_shell);

/** Start the report button (devicetree alias tinyml-report-button) when the build has it. */
#if defined(CONFIG_TINYML_APP_REPORT_BUTTON)
int app_report_button_start(void);
/** Emulated boards: drive the button's pin (1 pressed, 0 released) from a test. */
int app_report_button_emulate(int level);
#else
static inline int app_report_button_start(void)
{
	return 0;
}
#endif

/* ---- recording mode (recording.c) ---- */

/** Recording kinds `tinyml rec start` takes. */
enum app_rec_kind {
	APP_REC_WINDOW,  /* the next raw windows, one recording each */
	APP_REC_SNIPPET, /* pre and post samples around each of the next detections */
};

/** Counters of the recording mode. */
struct app_rec_stats {
	bool on;
	enum app_rec_kind kind;
	uint32_t remaining; /* recordings still to take */
	uint32_t streamed;
	uint32_t dropped; /* whole recordings dropped: the streamer was still busy */
};

struct shell;
/** Arm @p count recordings of @p kind streamed on @p sh. @retval -EBUSY if already on. */
int app_recording_start(const struct shell *sh, enum app_rec_kind kind, uint32_t count);
/** Turn the mode off (a recording being streamed ends first). */
void app_recording_stop(void);
void app_recording_stats(struct app_rec_stats *out);

/* ---- shell commands (field_shell.c, registered in shell.c) ---- */

int app_shell_rec_start(const struct shell *sh, size_t argc, char **argv);
int app_shell_rec_stop(const struct shell *sh, size_t argc, char **argv);
int app_shell_rec_status(const struct shell *sh, size_t argc, char **argv);
int app_shell_events_dump(const struct shell *sh, size_t argc, char **argv);
int app_shell_events_ack(const struct shell *sh, size_t argc, char **argv);
int app_shell_flag(const struct shell *sh, size_t argc, char **argv);
int app_shell_button_hold(const struct shell *sh, size_t argc, char **argv);

#endif /* TINYML_APP_FIELD_H_ */
