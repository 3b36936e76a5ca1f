/*
 * The application's parts and how main.c wires them. Each part is one file; every decision
 * (windows, features, thresholds, model checks) is the portable core's.
 */
#ifndef TINYML_APP_H_
#define TINYML_APP_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/ringbuf.h>

/** The capture ring: the ISR (or sensor trigger) produces, the processing thread consumes. */
extern struct tinyml_ringbuf app_ring;

/** Start the capture source into app_ring. */
int app_capture_start(void);

/** One event summary for the uplink and the log (never raw samples). */
struct app_event_summary {
	uint32_t t_ms;    /* sample clock of the stream: window end, as `west replay` times it */
	uint8_t class_id; /* label index of the model's package; 1 = anomaly for an anomaly score */
	uint8_t slot;
	uint8_t output_kind; /* TINYML_MODELPKG_OUTPUT_*: class scores or an anomaly score */
	int16_t score_q15;   /* the class's score; for an anomaly, the anomaly score */
	int16_t margin_q15;
	uint16_t flags; /* APP_EVENT_FLAG_* (app_field.h): a flagged false trigger */
};

/**
 * What processing needs from the rest of the device, wired by main.c: processing owns the
 * signal chain and the interpreter and calls nothing else of the application.
 */
struct app_processing_hooks {
	/** Whether inference may run now (kill switch, timed overrides). */
	bool (*model_enabled)(void);
	/** Effective threshold of @p class_id, Q15. */
	int16_t (*threshold_q15)(unsigned int class_id);
	/** A confirmed event (called from the processing thread). */
	void (*on_event)(const struct app_event_summary *summary);
	/** Periodic work of the processing thread (flushes), with the uptime in ms. */
	void (*poll)(uint32_t now_ms);
};

/** Start the processing thread (window, features, inference, decisions). */
int app_processing_start(const struct app_processing_hooks *hooks);

/**
 * Load @p tflite (valid while loaded) into the interpreter as the model of @p slot, verified
 * package @p info: its flatbuffer size, arena figure and output kind (class scores, or an
 * anomaly score scored against the model's input).
 *
 * @retval 0 loaded; the processing thread runs it from the next window.
 * @retval -ENOTSUP an output kind this firmware does not run; no model runs.
 * @retval -ENOMEM an anomaly model larger than CONFIG_TINYML_APP_ANOMALY_MAX_VALUES.
 * @retval <0 the backend's error; no model runs.
 */
struct tinyml_modelpkg_info;
int app_processing_load_model(int slot, const uint8_t *tflite,
			      const struct tinyml_modelpkg_info *info);

/**
 * The capture source has delivered its last frame (canned recordings): once processing has
 * consumed @p total_frames it prints its cost summary and "canned recording done".
 */
void app_processing_end_of_stream(uint32_t total_frames);

/** Counters of the processing thread, for `tinyml status`. */
struct app_processing_stats {
	uint32_t windows;
	uint32_t inferences;
	uint32_t events;
	uint32_t last_invoke_cycles;
	uint32_t ring_overflows;
	int active_slot; /* 0 = A, 1 = B, -1 none */
	int model_error; /* last load error, 0 when a model runs */
};
void app_processing_stats(struct app_processing_stats *out);

/** Parse the embedded feature pipeline (CONFIG_TINYML_PIPELINE_FILE); call first. */
int app_pipeline_init(void);

/** ID of the firmware's feature pipeline (a model must carry the same one). */
uint32_t app_pipeline_id(void);

/** Sample rate (Hz) and window length (samples per axis) of the pipeline. */
uint32_t app_pipeline_sample_rate(void);
uint32_t app_pipeline_window_len(void);

/** Exclusive use of the interpreter and the feature scratch (nests). */
void app_inference_lock(void);
void app_inference_unlock(void);

/**
 * Run a recorded segment (@p len_per_axis little-endian int16 samples per axis, axis-major)
 * through windows, features and the model as live capture would, and give the class with the
 * highest score at its end. Uses its own feature history: live processing is not disturbed.
 *
 * @retval 0 on success.
 * @retval -EAGAIN if the segment is too short to fill the model's input.
 * @retval -ENODEV if no model is loaded.
 */
int app_classify_segment(const uint8_t *le_samples, uint32_t len_per_axis, int *top_class);

/** Queue a summary for the uplink; a full queue drops it and counts the drop. */
void app_uplink_post(const struct app_event_summary *summary);
uint32_t app_uplink_dropped(void);
uint32_t app_uplink_pending(void);

/** Run the canned self-test set through the pipeline and the model: right/total windows. */
int app_health_run(uint32_t *right, uint32_t *total);

/** Gate MCUboot's confirmation of a new image on the self-test. */
int app_health_confirm_image(void);

/** The model slots' classify callback: window @p sample of the self-test set. */
int app_health_classify(void *ctx, uint32_t sample, uint16_t *class_out);

/**
 * Make slot @p slot (0 = A, 1 = B) the running model: 0 if it already runs, else the core
 * tries it (verify, switch, self-test, confirm or roll back; tinyml_modelslot_try()).
 */
int app_health_activate(int slot);

/** Register the processing thread with the task watchdog, and feed it. */
#if defined(CONFIG_TINYML_APP_WATCHDOG)
int app_watchdog_start(void);
void app_watchdog_feed(void);
#else
static inline int app_watchdog_start(void)
{
	return 0;
}
static inline void app_watchdog_feed(void)
{
}
#endif

#endif /* TINYML_APP_H_ */
