/*
 * The processing thread: drains capture blocks into the window, and for every full window
 * computes the features, runs the model and steps the decision logic; an event goes to the
 * log and, as a summary, to the uplink queue. Every rule is the core's (window, pipeline,
 * decision, anomaly score); this file only moves data between them.
 *
 * The model's output becomes Q15 scores for the decision chain by its package's output kind:
 * class scores are dequantized (output_to_q15); an anomaly score (an autoencoder) is the
 * integer reconstruction error of its int8 output against its int8 input, as the score pair
 * {normal, anomaly} (tinyml/anomaly.h), exactly as `west replay` computes it.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/atomic.h>
#include <zephyr/sys/byteorder.h>

#include <tinyml/anomaly.h>
#include <tinyml/decision.h>
#include <tinyml/modelpkg.h>
#include <tinyml/platform/cost.h>
#include <tinyml/pipeline.h>
#include <tinyml/quantize.h>
#include <tinyml/ringbuf.h>
#include <tinyml/trigger.h>
#include <tinyml/window.h>
#include <tinyml/zephyr/inference.h>

#include "app.h"
#include "app_field.h" /* field-loop hooks: recording, fired windows */

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

#define AXES         CONFIG_TINYML_RING_AXES
#define BLOCK_LEN    (CONFIG_TINYML_RING_BLOCK_SAMPLES * AXES)
#define WINDOW_MAX   CONFIG_TINYML_WINDOW_MAX_SAMPLES
#define MAX_FEATURES 512
#define HISTORY_MAX  CONFIG_TINYML_APP_FEATURE_HISTORY
#define ANOMALY_MAX  CONFIG_TINYML_APP_ANOMALY_MAX_VALUES

BUILD_ASSERT((CONFIG_TINYML_RING_BLOCKS & (CONFIG_TINYML_RING_BLOCKS - 1)) == 0,
	     "CONFIG_TINYML_RING_BLOCKS must be a power of two");

static int16_t ring_storage[CONFIG_TINYML_RING_BLOCKS * BLOCK_LEN];
static uint32_t ring_stamps[CONFIG_TINYML_RING_BLOCKS];
struct tinyml_ringbuf app_ring;

static int16_t window_history[WINDOW_MAX * AXES];
static int16_t window_samples[WINDOW_MAX * AXES];
static int16_t window_samples_test[WINDOW_MAX * AXES];
static struct tinyml_window window;
static int16_t block[BLOCK_LEN];

static uint32_t scratch[(TINYML_PIPELINE_SCRATCH_BYTES(WINDOW_MAX) + 3) / 4];
static int32_t features[MAX_FEATURES];
static int16_t scores_q15[TINYML_DECISION_MAX_CLASSES];
static int16_t trigger_frames[WINDOW_MAX * AXES];

/* What the loaded model's output holds (its package's OUTPUT_KIND). For an anomaly score, the
 * scorer's configuration and a copy of the int8 input taken before Invoke(): TFLM's memory
 * planner ends the input tensor's lifetime at its last reader, so later tensors may reuse its
 * bytes and the input is not there any more when the output is.
 */
static struct {
	uint8_t kind; /* TINYML_MODELPKG_OUTPUT_* */
	struct tinyml_anomaly_config anomaly;
} model_output;
static int8_t anomaly_input[MAX(ANOMALY_MAX, 1)];

/* Feature frames of the last windows. The model's input is input_len / n_features consecutive
 * frames, oldest first, as the replay tool stacks them (tinyml_tools/replay/runner.py).
 */
struct feature_history {
	int32_t values[HISTORY_MAX];
	uint32_t count; /* frames held, at most capacity */
	uint32_t next;  /* slot the next frame goes to */
};
static struct feature_history live_history;
static struct feature_history test_history;
static uint32_t n_features;

static struct tinyml_trigger trigger;
static uint32_t windows_seen;
static const struct app_processing_hooks *hooks;

/* Sample clock of the capture stream: frames consumed since the first one. Decisions and
 * event times run on it (window end in ms), as `west replay` times a recording.
 */
static uint64_t frames_in;
static atomic_t end_of_stream_frames = ATOMIC_INIT(-1);

/* Cost counters (tinyml_platform_cost_now() units) over every window since boot. */
struct processing_cost {
	uint64_t features;
	uint64_t inference; /* input quantization, Invoke(), output to Q15 */
	uint64_t invoke;    /* Invoke() alone, as the backend times it */
	uint64_t decisions;
	uint64_t window_total;
	uint32_t windows;
	uint32_t inferences;
};
static struct processing_cost cost;

/* The pipeline of CONFIG_TINYML_PIPELINE_FILE, as the canonical blob the build made from it. */
static const uint8_t pipeline_blob[] = {
#include "tinyml_pipeline_blob.inc"
};
static struct tinyml_pipeline_config pipeline;
static uint32_t pipeline_input_len;

/* Per-class thresholds are refreshed from the core's settings before every step; n_classes
 * follows the model (CONFIG_TINYML_APP_CLASSES for class scores, 2 for an anomaly score).
 */
static struct tinyml_decision_config decision_cfg = {
	.n_classes = CONFIG_TINYML_APP_CLASSES,
	.background_class = 0,
	.vote_window = 1,
	.confirm_k = CONFIG_TINYML_APP_CONFIRM_K,
	.confirm_span_ms = CONFIG_TINYML_APP_CONFIRM_SPAN_MS,
	.refractory_ms = CONFIG_TINYML_APP_REFRACTORY_MS,
	.margin_q15 = CONFIG_TINYML_APP_DECISION_MARGIN_Q15,
	.hysteresis_q15 = CONFIG_TINYML_APP_DECISION_HYSTERESIS_Q15,
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
	rc = tinyml_pipeline_feature_count(&pipeline);
	if (rc <= 0 || (uint32_t)rc > MAX_FEATURES || (uint32_t)rc > HISTORY_MAX) {
		return rc < 0 ? rc : -ENOMEM;
	}
	n_features = (uint32_t)rc;
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

static void set_model(int slot, int error)
{
	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.active_slot = slot;
	stats.model_error = error;
	k_mutex_unlock(&stats_lock);
}

/* The anomaly scorer of the loaded model: its int8 tensors' zero points and length, the
 * package's ratio and full scale; the length must fit the input copy.
 */
static int anomaly_setup(int slot, const struct tinyml_modelpkg_info *info)
{
	struct tinyml_inference_tensor input;
	struct tinyml_inference_tensor output;
	int rc = tinyml_inference_input(&input);

	if (rc == 0) {
		rc = tinyml_inference_output(&output);
	}
	if (rc != 0) {
		return rc;
	}
	if (input.len != info->anomaly_values || output.len != info->anomaly_values) {
		LOG_ERR("model slot %c: anomaly score of %u values, tensors of %u and %u: refused",
			slot == 0 ? 'A' : 'B', info->anomaly_values, (unsigned int)input.len,
			(unsigned int)output.len);
		return -EINVAL;
	}
	if (input.len > ANOMALY_MAX) {
		LOG_ERR("model slot %c: anomaly model of %u values, this firmware scores at most "
			"%u (CONFIG_TINYML_APP_ANOMALY_MAX_VALUES): refused",
			slot == 0 ? 'A' : 'B', (unsigned int)input.len, ANOMALY_MAX);
		return -ENOMEM;
	}
	model_output.anomaly = (struct tinyml_anomaly_config){
		.input_zero_point = input.zero_point,
		.output_zero_point = output.zero_point,
		.output_ratio_q16 = info->output_ratio_q16,
		.full_scale_q8 = info->full_scale_q8,
		.n_values = (uint32_t)input.len,
	};
	return tinyml_anomaly_check(&model_output.anomaly);
}

/* The decision chain takes as many scores as the model gives; a new count resets it. */
static int decision_for(uint8_t kind)
{
	uint32_t n = kind == TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE ? 2U : CONFIG_TINYML_APP_CLASSES;

	if (decision_cfg.n_classes == n) {
		return 0;
	}
	decision_cfg.n_classes = n;
	return tinyml_decision_init(&decision_cfg, &decision_state);
}

int app_processing_load_model(int slot, const uint8_t *tflite,
			      const struct tinyml_modelpkg_info *info)
{
	int rc;

	app_inference_lock();
	model_output.kind = info->output_kind;
	switch (info->output_kind) {
	case TINYML_MODELPKG_OUTPUT_CLASSES:
		rc = 0;
		break;
	case TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE:
		rc = ANOMALY_MAX > 0 ? 0 : -ENOTSUP;
		break;
	default:
		rc = -ENOTSUP; /* the package verification refuses these already */
		break;
	}
	if (rc == 0) {
		rc = tinyml_inference_load(tflite, info->tflite_size, info->arena_total);
	}
	if (rc == 0 && info->output_kind == TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE) {
		rc = anomaly_setup(slot, info);
	}
	if (rc == 0) {
		rc = decision_for(info->output_kind);
	}
	app_inference_unlock();
	set_model(rc == 0 ? slot : -1, rc);
	return rc;
}

void app_processing_end_of_stream(uint32_t total_frames)
{
	atomic_set(&end_of_stream_frames, (atomic_val_t)total_frames);
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

static uint32_t history_capacity(void)
{
	return HISTORY_MAX / n_features;
}

static void history_reset(struct feature_history *h)
{
	h->count = 0;
	h->next = 0;
}

/* Features of one window (axis-major samples) into the next slot of @p h. */
static int history_push(struct feature_history *h, const int16_t *samples)
{
	int rc = tinyml_pipeline_run(&pipeline, samples, pipeline_input_len, scratch,
				     sizeof(scratch), features, ARRAY_SIZE(features));

	if (rc < 0) {
		return rc;
	}
	memcpy(&h->values[h->next * n_features], features, n_features * sizeof(int32_t));
	h->next = (h->next + 1U) % history_capacity();
	h->count = MIN(h->count + 1U, history_capacity());
	return 0;
}

/* The last input_len / n_features frames of @p h, oldest first, to the model's int8 input
 * exactly as the replay tool quantizes them (tinyml_tools/replay/model.py):
 * clamp(rint(f / scale) + zero_point, -128, 127), in integers (tinyml/quantize.h).
 */
static int history_to_input(const struct feature_history *h)
{
	struct tinyml_inference_tensor input;
	struct tinyml_quantizer quantizer;
	uint32_t frames;
	uint32_t first;
	int rc = tinyml_inference_input(&input);

	if (rc != 0) {
		return rc;
	}
	if (input.len == 0U || (input.len % n_features) != 0U) {
		return -EINVAL;
	}
	rc = tinyml_quantizer_init(&quantizer, input.scale, input.zero_point);
	if (rc != 0) {
		return rc;
	}
	frames = input.len / n_features;
	if (frames > history_capacity()) {
		return -ENOMEM;
	}
	if (h->count < frames) {
		return -EAGAIN;
	}
	first = (h->next + history_capacity() - frames) % history_capacity();
	for (uint32_t f = 0; f < frames; f++) {
		const int32_t *frame = &h->values[((first + f) % history_capacity()) * n_features];

		for (uint32_t i = 0; i < n_features; i++) {
			input.data[f * n_features + i] = tinyml_quantize_int8(&quantizer, frame[i]);
		}
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

/* The input as the model is about to see it, for the anomaly score after Invoke(). */
static int keep_anomaly_input(void)
{
	struct tinyml_inference_tensor input;
	int rc = tinyml_inference_input(&input);

	if (rc != 0) {
		return rc;
	}
	if (input.len != model_output.anomaly.n_values || input.len > sizeof(anomaly_input)) {
		return -EINVAL;
	}
	memcpy(anomaly_input, input.data, input.len);
	return 0;
}

/* The score pair {normal, anomaly} in Q15 of the last Invoke(), in integers (tinyml/anomaly.h),
 * as the replay tool computes it (tinyml_tools/replay/runner.py).
 */
static size_t anomaly_to_q15(void)
{
	struct tinyml_inference_tensor output;

	if (tinyml_inference_output(&output) != 0 ||
	    tinyml_anomaly_scores_q15(&model_output.anomaly, anomaly_input, output.data, output.len,
				      scores_q15) != 0) {
		return 0;
	}
	return 2;
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

/* CONFIG_TINYML_APP_LOG_SCORES: the scores of this inference, for device-vs-replay checks. */
static void log_scores(uint32_t now_ms, size_t n)
{
	if (IS_ENABLED(CONFIG_TINYML_APP_LOG_SCORES)) {
		char text[TINYML_DECISION_MAX_CLASSES * 7 + 1];
		size_t len = 0;

		text[0] = '\0';
		for (size_t i = 0; i < n && len < sizeof(text); i++) {
			int w = snprintk(&text[len], sizeof(text) - len, "%s%d", i > 0 ? "," : "",
					 scores_q15[i]);

			if (w < 0) {
				break;
			}
			len += (size_t)w;
		}
		LOG_INF("scores: t_ms=%u q15=%s", now_ms, text);
	}
}

static int16_t last_event_score;
static int16_t last_event_margin;

/* Model and (with @p result) one decision step on the frames of @p h; caller holds the lock. */
static int classify(const struct feature_history *h, uint32_t now_ms, int *top_class,
		    struct tinyml_decision_result *result)
{
	uint32_t cycles = 0;
	size_t n_scores;
	uint64_t t0 = tinyml_platform_cost_now();
	bool anomaly = model_output.kind == TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE;
	int rc = history_to_input(h);

	if (rc == 0 && anomaly) {
		rc = keep_anomaly_input();
	}
	if (rc == 0) {
		rc = tinyml_inference_invoke(&cycles);
	}
	if (rc != 0) {
		return rc;
	}
	n_scores = anomaly ? anomaly_to_q15() : output_to_q15();
	uint64_t t1 = tinyml_platform_cost_now();
	*top_class = 0;
	for (size_t i = 1; i < n_scores; i++) {
		if (scores_q15[i] > scores_q15[*top_class]) {
			*top_class = (int)i;
		}
	}
	if (result != NULL) {
		for (unsigned int c = 0; c < decision_cfg.n_classes; c++) {
			decision_cfg.threshold_q15[c] = hooks->threshold_q15(c);
		}
		log_scores(now_ms, n_scores);
		rc = tinyml_decision_step(&decision_cfg, &decision_state, scores_q15, n_scores,
					  now_ms, result);
		if (rc == 0 && result->event >= 0) {
			last_event_score = scores_q15[result->event];
			last_event_margin = margin_q15(result->event);
		}
		cost.inference += t1 - t0;
		cost.invoke += cycles;
		cost.decisions += tinyml_platform_cost_now() - t1;
		cost.inferences++;
	}
	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.inferences++;
	stats.last_invoke_cycles = cycles;
	k_mutex_unlock(&stats_lock);
	return rc;
}

int app_classify_segment(const uint8_t *le_samples, uint32_t len_per_axis, int *top_class)
{
	int rc = -EINVAL;

	app_inference_lock();
	history_reset(&test_history);
	/* Windows over the segment as the capture would deliver them; classify at its end. */
	for (uint32_t start = 0; start + pipeline.window_len <= len_per_axis;
	     start += pipeline.hop) {
		for (uint32_t a = 0; a < AXES; a++) {
			for (uint32_t n = 0; n < pipeline.window_len; n++) {
				const uint8_t *p = le_samples + 2U * (a * len_per_axis + start + n);

				window_samples_test[a * pipeline.window_len + n] =
					(int16_t)sys_get_le16(p);
			}
		}
		rc = history_push(&test_history, window_samples_test);
		if (rc != 0) {
			break;
		}
	}
	if (rc == 0) {
		rc = classify(&test_history, 0, top_class, NULL);
	}
	app_inference_unlock();
	return rc;
}

/* New frames of this window, interleaved, for the trigger: the whole first window, then the
 * last hop (replay's trigger blocks).
 */
static size_t trigger_block(void)
{
	uint32_t from = windows_seen == 1U ? 0U : (uint32_t)pipeline.window_len - pipeline.hop;
	size_t n = 0;

	for (uint32_t f = from; f < pipeline.window_len; f++) {
		for (uint32_t a = 0; a < AXES; a++) {
			trigger_frames[n++] = window_samples[a * pipeline.window_len + f];
		}
	}
	return n / AXES;
}

static void on_window(uint32_t now_ms)
{
	struct tinyml_decision_result result;
	int armed = 1;
	int top;
	int rc;

	if (tinyml_window_read(&window, window_samples, ARRAY_SIZE(window_samples)) < 0) {
		return;
	}
	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.windows++;
	bool model_runs = stats.model_error == 0;
	uint8_t slot = (uint8_t)stats.active_slot;
	k_mutex_unlock(&stats_lock);
	windows_seen++;

	app_inference_lock();
	uint64_t t0 = tinyml_platform_cost_now();

	rc = history_push(&live_history, window_samples);
	if (rc == 0 && IS_ENABLED(CONFIG_TINYML_APP_TRIGGER)) {
		armed = tinyml_trigger_update(&trigger, trigger_frames, trigger_block(), now_ms);
	}
	cost.features += tinyml_platform_cost_now() - t0;
	/* The kill switch and the trigger stop inference; capture and the event log go on. */
	if (rc == 0 && armed > 0 && model_runs && hooks->model_enabled()) {
		rc = classify(&live_history, now_ms, &top, &result);
	} else {
		rc = -EAGAIN;
	}
	/* Field-loop hook: the features of the windows that fired (app_field.h). */
	app_fired_window(features, n_features, rc == 0 ? top : -1, now_ms);
	cost.window_total += tinyml_platform_cost_now() - t0;
	cost.windows++;
	app_inference_unlock();
	if (rc != 0 || result.event < 0) {
		return;
	}
	struct app_event_summary summary = {
		.t_ms = now_ms,
		.class_id = (uint8_t)result.event,
		.slot = slot,
		.output_kind = model_output.kind,
		.score_q15 = last_event_score,
		.margin_q15 = last_event_margin,
	};

	k_mutex_lock(&stats_lock, K_FOREVER);
	stats.events++;
	k_mutex_unlock(&stats_lock);
	/* Field-loop hooks: the fired windows' summary, a snippet around this event. */
	app_fired_event();
	app_recording_on_event(&summary, frames_in);
	hooks->on_event(&summary);
}

/* Cost per window and per inference since boot, in the cost counter's unit. */
static void print_cost(void)
{
	struct processing_cost c;

	app_inference_lock();
	c = cost;
	app_inference_unlock();
	LOG_INF("cost (%s): windows=%u inferences=%u features=%llu inference=%llu invoke=%llu "
		"decisions=%llu window_total=%llu",
		tinyml_platform_cost_unit(), c.windows, c.inferences,
		(unsigned long long)c.features, (unsigned long long)c.inference,
		(unsigned long long)c.invoke, (unsigned long long)c.decisions,
		(unsigned long long)c.window_total);
}

static void check_end_of_stream(void)
{
	atomic_val_t total = atomic_get(&end_of_stream_frames);

	if (total >= 0 && frames_in >= (uint64_t)total) {
		atomic_set(&end_of_stream_frames, -1);
		print_cost();
		LOG_INF("canned recording done: %llu frames, %u overflows",
			(unsigned long long)frames_in, tinyml_ringbuf_overflows(&app_ring));
	}
}

static void processing_thread(void *a, void *b, void *c)
{
	ARG_UNUSED(a);
	ARG_UNUSED(b);
	ARG_UNUSED(c);

	for (;;) {
		uint32_t stamp;

		app_watchdog_feed();
		hooks->poll(k_uptime_get_32());
		if (tinyml_ringbuf_pop(&app_ring, block, ARRAY_SIZE(block), &stamp) != 0) {
			check_end_of_stream();
			k_sleep(K_MSEC(5));
			continue;
		}
		size_t frames = ARRAY_SIZE(block) / AXES;
		size_t done = 0;

		/* Field-loop hook: the recording history (app_field.h). */
		app_recording_feed(block, frames, frames_in);

		while (done < frames) {
			size_t consumed = 0;
			int ready = tinyml_window_feed(&window, &block[done * AXES], frames - done,
						       &consumed);

			done += consumed;
			frames_in += consumed;
			if (ready > 0) {
				on_window((uint32_t)(frames_in * 1000U / pipeline.sample_rate_hz));
			} else if (ready < 0 || consumed == 0U) {
				break;
			}
		}
		check_end_of_stream();
	}
}

K_THREAD_STACK_DEFINE(processing_stack, CONFIG_TINYML_APP_PROCESSING_STACK_SIZE);
static struct k_thread processing;

int app_processing_start(const struct app_processing_hooks *processing_hooks)
{
	int rc;

	if (processing_hooks == NULL || processing_hooks->model_enabled == NULL ||
	    processing_hooks->threshold_q15 == NULL || processing_hooks->on_event == NULL ||
	    processing_hooks->poll == NULL) {
		return -EINVAL;
	}
	hooks = processing_hooks;

	rc = tinyml_ringbuf_init(&app_ring, ring_storage, ARRAY_SIZE(ring_storage), ring_stamps,
				 CONFIG_TINYML_RING_BLOCKS, BLOCK_LEN);
	if (rc == 0) {
		rc = tinyml_window_init(&window, window_history, ARRAY_SIZE(window_history), AXES,
					pipeline.window_len, pipeline.hop);
	}
	if (rc == 0) {
		rc = tinyml_decision_init(&decision_cfg, &decision_state);
	}
#if defined(CONFIG_TINYML_APP_TRIGGER)
	if (rc == 0) {
		rc = tinyml_trigger_init(&trigger,
					 IS_ENABLED(CONFIG_TINYML_APP_TRIGGER_RMS)
						 ? TINYML_TRIGGER_RMS
						 : TINYML_TRIGGER_DELTA,
					 AXES, CONFIG_TINYML_APP_TRIGGER_THRESHOLD,
					 CONFIG_TINYML_APP_TRIGGER_HOLD_MS);
	}
#endif
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
