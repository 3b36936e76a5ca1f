/*
 * The processing thread: drains capture blocks into the window, and for every full window
 * computes the features, runs the model and steps the decision logic; an event goes to the
 * log and, as a summary, to the uplink queue. Every rule is the core's (window, pipeline,
 * decision); this file only moves data between them.
 */
#include <errno.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include <tinyml/decision.h>
#include <tinyml/pipeline.h>
#include <tinyml/ringbuf.h>
#include <tinyml/window.h>
#include <tinyml/zephyr/inference.h>

#include "app.h"
#include "app_state.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

#define AXES         CONFIG_TINYML_RING_AXES
#define BLOCK_LEN    (CONFIG_TINYML_RING_BLOCK_SAMPLES * AXES)
#define WINDOW_MAX   CONFIG_TINYML_WINDOW_MAX_SAMPLES
#define MAX_FEATURES 512

BUILD_ASSERT((CONFIG_TINYML_RING_BLOCKS & (CONFIG_TINYML_RING_BLOCKS - 1)) == 0,
	     "CONFIG_TINYML_RING_BLOCKS must be a power of two");

static int16_t ring_storage[CONFIG_TINYML_RING_BLOCKS * BLOCK_LEN];
static uint32_t ring_stamps[CONFIG_TINYML_RING_BLOCKS];
struct tinyml_ringbuf app_ring;

static int16_t window_history[WINDOW_MAX * AXES];
static int16_t window_samples[WINDOW_MAX * AXES];
static struct tinyml_window window;
static int16_t block[BLOCK_LEN];

static uint32_t scratch[(TINYML_PIPELINE_SCRATCH_BYTES(WINDOW_MAX) + 3) / 4];
static int32_t features[MAX_FEATURES];
static int16_t scores_q15[TINYML_DECISION_MAX_CLASSES];

/* The pipeline of CONFIG_TINYML_PIPELINE_FILE, as the canonical blob the build made from it. */
static const uint8_t pipeline_blob[] = {
#include "tinyml_pipeline_blob.inc"
};
static struct tinyml_pipeline_config pipeline;
static uint32_t pipeline_input_len;

/* Per-class thresholds are refreshed from the core's settings before every step. */
static struct tinyml_decision_config decision_cfg = {
	.n_classes = CONFIG_TINYML_APP_CLASSES,
	.background_class = 0,
	.vote_window = 1,
	.confirm_k = CONFIG_TINYML_APP_CONFIRM_K,
	.confirm_span_ms = CONFIG_TINYML_APP_CONFIRM_SPAN_MS,
	.refractory_ms = CONFIG_TINYML_APP_REFRACTORY_MS,
	.margin_q15 = 6554,
	.hysteresis_q15 = 1638,
};
static struct tinyml_decision_state decision_state;

static struct app_processing_stats stats = {.active_slot = -1, .model_error = -ENODEV};
K_MUTEX_DEFINE(stats_lock);

/* One user of the interpreter and the feature scratch at a time: the processing thread, the
 * shell's self-test, and the model slots swapping models. Zephyr mutexes nest, so a model
 * trial (load, then classify) holds it throughout.
 */
K_MUTEX_DEFINE(inference_lock);

void app_inference_lock(void)
{
	(void)k_mutex_lock(&inference_lock, K_FOREVER);
}

void app_inference_unlock(void)
{
	(void)k_mutex_unlock(&inference_lock);
}

int app_pipeline_init(void)
{
	int rc = tinyml_pipeline_parse(pipeline_blob, sizeof(pipeline_blob), &pipeline);
	int input_len;

	if (rc != 0) {
		return rc;
	}
	/* The ring, the window and the self-test all assume the pipeline's shape. */
	if (pipeline.kind != TINYML_PIPELINE_SPECTRAL || pipeline.axes != AXES) {
		return -ENOTSUP;
	}
	if (pipeline.window_len > WINDOW_MAX) {
		return -ENOMEM;
	}
	input_len = tinyml_pipeline_input_len(&pipeline);
	if (input_len < 0) {
		return input_len;
	}
	pipeline_input_len = (uint32_t)input_len;
	return 0;
}

uint32_t app_pipeline_id(void)
{
	uint32_t id = 0;

	return tinyml_pipeline_id(&pipeline, &id) == 0 ? id : 0U;
}

uint32_t app_pipeline_sample_rate(void)
{
	return pipeline.sample_rate_hz;
}

uint32_t app_pipeline_window_len(void)
{
	return pipeline.window_len;
}

void app_processing_stats(struct app_processing_stats *out)
{
	k_mutex_lock(&stats_lock, K_FOREVER);
	*out = stats;
	out->ring_overflows = tinyml_ringbuf_overflows(&app_ring);
	k_mutex_unlock(&stats_lock);
}

void app_processing_set_model(int slot, int error)
{
	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.active_slot = slot;
	stats.model_error = error;
	k_mutex_unlock(&stats_lock);
}

/* Round to nearest, ties to even (numpy's rint, which the replay tool uses). */
static int32_t round_half_even(double x)
{
	int32_t t = (int32_t)x; /* toward zero */
	double frac = x - (double)t;

	if (frac > 0.5 || (frac == 0.5 && (t & 1) != 0)) {
		t++;
	} else if (frac < -0.5 || (frac == -0.5 && (t & 1) != 0)) {
		t--;
	}
	return t;
}

/* Features to the model's int8 input exactly as the replay tool quantizes them
 * (tinyml_tools/replay/model.py): clamp(rint(f / scale) + zero_point, -128, 127).
 */
static int quantize_into_input(const int32_t *in, size_t n)
{
	struct tinyml_inference_tensor input;
	int rc = tinyml_inference_input(&input);

	if (rc != 0) {
		return rc;
	}
	if (n != input.len || input.scale <= 0.0f) {
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		int32_t v = round_half_even((double)in[i] / (double)input.scale) + input.zero_point;

		input.data[i] = (int8_t)CLAMP(v, INT8_MIN, INT8_MAX);
	}
	return 0;
}

/* Output scores, dequantized, to Q15 as the replay tool feeds the decision logic
 * (tinyml_tools/replay/device.py): clamp(round((q - zero_point) * scale * 32768)).
 */
static size_t output_to_q15(void)
{
	struct tinyml_inference_tensor output;
	size_t n;

	if (tinyml_inference_output(&output) != 0) {
		return 0;
	}
	n = MIN(output.len, ARRAY_SIZE(scores_q15));
	for (size_t i = 0; i < n; i++) {
		double p = (double)output.scale * (double)(output.data[i] - output.zero_point);
		int32_t q = round_half_even(p * 32768.0);

		scores_q15[i] = (int16_t)CLAMP(q, INT16_MIN, INT16_MAX);
	}
	return n;
}

/* Score of @p cls minus the best other score (the decision's margin), from the last run. */
static int16_t margin_q15(int cls)
{
	int16_t runner_up = 0;

	for (int i = 0; i < (int)decision_cfg.n_classes; i++) {
		if (i != cls && scores_q15[i] > runner_up) {
			runner_up = scores_q15[i];
		}
	}
	return (int16_t)(scores_q15[cls] - runner_up);
}

static int16_t last_event_score;
static int16_t last_event_margin;

int app_classify_window(const int16_t *samples, uint32_t now_ms, int *top_class,
			struct tinyml_decision_result *result)
{
	uint32_t cycles = 0;
	int n_features;
	size_t n_scores = 0;
	int rc;

	app_inference_lock();
	n_features = tinyml_pipeline_run(&pipeline, samples, pipeline_input_len, scratch,
					 sizeof(scratch), features, ARRAY_SIZE(features));
	rc = n_features < 0 ? n_features : quantize_into_input(features, (size_t)n_features);
	if (rc == 0) {
		rc = tinyml_inference_invoke(&cycles);
	}
	if (rc == 0) {
		n_scores = output_to_q15();
		*top_class = 0;
		for (size_t i = 1; i < n_scores; i++) {
			if (scores_q15[i] > scores_q15[*top_class]) {
				*top_class = (int)i;
			}
		}
	}
	if (rc == 0 && result != NULL) {
		for (unsigned int c = 0; c < decision_cfg.n_classes; c++) {
			decision_cfg.threshold_q15[c] = app_state_threshold_q15(c);
		}
		rc = tinyml_decision_step(&decision_cfg, &decision_state, scores_q15, n_scores,
					  now_ms, result);
		if (rc == 0 && result->event >= 0) {
			last_event_score = scores_q15[result->event];
			last_event_margin = margin_q15(result->event);
		}
	}
	app_inference_unlock();
	if (rc == 0) {
		k_mutex_lock(&stats_lock, K_FOREVER);
		stats.inferences++;
		stats.last_invoke_cycles = cycles;
		k_mutex_unlock(&stats_lock);
	}
	return rc;
}

static void on_window(uint32_t now_ms)
{
	struct tinyml_decision_result result;
	int top;

	if (tinyml_window_read(&window, window_samples, ARRAY_SIZE(window_samples)) < 0) {
		return;
	}
	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.windows++;
	bool model_runs = stats.model_error == 0;
	uint8_t slot = (uint8_t)stats.active_slot;
	k_mutex_unlock(&stats_lock);

	/* The kill switch stops inference; capture and the event log go on. */
	if (!model_runs || !app_state_model_enabled()) {
		return;
	}
	if (app_classify_window(window_samples, now_ms, &top, &result) != 0 || result.event < 0) {
		return;
	}
	struct app_event_summary summary = {
		.t_ms = now_ms,
		.class_id = (uint8_t)result.event,
		.slot = slot,
		.score_q15 = last_event_score,
		.margin_q15 = last_event_margin,
	};

	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.events++;
	k_mutex_unlock(&stats_lock);
	LOG_INF("event: class %d score %d at %u ms", result.event, summary.score_q15, now_ms);
	if (app_state_log_event(&summary) != 0) {
		LOG_WRN("event not logged");
	}
	app_uplink_post(&summary);
}

static void processing_thread(void *a, void *b, void *c)
{
	ARG_UNUSED(a);
	ARG_UNUSED(b);
	ARG_UNUSED(c);

	for (;;) {
		uint32_t stamp;

		app_watchdog_feed();
		(void)app_state_poll(k_uptime_get_32());
		if (tinyml_ringbuf_pop(&app_ring, block, ARRAY_SIZE(block), &stamp) != 0) {
			k_sleep(K_MSEC(5));
			continue;
		}
		size_t frames = ARRAY_SIZE(block) / AXES;
		size_t done = 0;

		while (done < frames) {
			size_t consumed = 0;
			int ready = tinyml_window_feed(&window, &block[done * AXES], frames - done,
						       &consumed);

			done += consumed;
			if (ready > 0) {
				on_window(stamp);
			} else if (ready < 0 || consumed == 0U) {
				break;
			}
		}
	}
}

K_THREAD_STACK_DEFINE(processing_stack, CONFIG_TINYML_APP_PROCESSING_STACK_SIZE);
static struct k_thread processing;

int app_processing_start(void)
{
	int rc;

	rc = tinyml_ringbuf_init(&app_ring, ring_storage, ARRAY_SIZE(ring_storage), ring_stamps,
				 CONFIG_TINYML_RING_BLOCKS, BLOCK_LEN);
	if (rc == 0) {
		rc = tinyml_window_init(&window, window_history, ARRAY_SIZE(window_history), AXES,
					pipeline.window_len, pipeline.hop);
	}
	if (rc == 0) {
		rc = tinyml_decision_init(&decision_cfg, &decision_state);
	}
	if (rc == 0) {
		rc = app_watchdog_start();
	}
	if (rc != 0) {
		return rc;
	}
	k_thread_create(&processing, processing_stack, K_THREAD_STACK_SIZEOF(processing_stack),
			processing_thread, NULL, NULL, NULL, CONFIG_TINYML_APP_PROCESSING_PRIORITY,
			0, K_NO_WAIT);
	k_thread_name_set(&processing, "tinyml_proc");
	return 0;
}
