/*
 * Cost of the signal chain on the emulated Cortex-M4F, in exact instructions per call:
 * a sample pushed into the capture ring, the knock pipeline over a 3-axis 256-sample window
 * (RMS, ZCR, crest, peak, log FFT magnitudes of 16 bins, band powers and ratios, peaks: a
 * superset of what the gesture pipeline computes), the same window with every spectral
 * feature, one second of 16 kHz audio to 49 log-mel frames, and one decision step.
 */
#include <tinyml/decision.h>
#include <tinyml/features.h>
#include <tinyml/fft.h>
#include <tinyml/pipeline.h>
#include <tinyml/ringbuf.h>

#include "ttest.h"
#include "../../core/vectors/signal_vectors.h"

static uint32_t scratch[(TINYML_PIPELINE_SCRATCH_BYTES(TINYML_FFT_MAX_LEN) + 3u) / 4u];
static int32_t features[2048];

struct pipeline_ctx {
	struct tinyml_pipeline_config cfg;
	const struct signal_vector *vec;
	int result;
};

static void run_pipeline(void *ctx)
{
	struct pipeline_ctx *p = ctx;

	p->result = tinyml_pipeline_run(&p->cfg, p->vec->in, p->vec->in_len, scratch,
					sizeof(scratch), features, 2048u);
}

static long long pipeline_cost(const char *name, uint32_t reps)
{
	static struct pipeline_ctx ctx;
	unsigned int v;

	for (v = 0u; v < sizeof(signal_vectors) / sizeof(signal_vectors[0]); v++) {
		const struct signal_vector *sv = &signal_vectors[v];
		const char *a = sv->name;
		const char *b = name;

		while (*a != '\0' && *a == *b) {
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0') {
			ctx.vec = sv;
		}
	}
	if (ctx.vec == NULL || tinyml_pipeline_parse(ctx.vec->blob, ctx.vec->blob_len, &ctx.cfg)) {
		return -1;
	}
	run_pipeline(&ctx);
	if (ctx.result != (int)ctx.vec->out_len) {
		return -1;
	}
	return (long long)ttest_cost_per_call(run_pipeline, &ctx, reps);
}

TBENCH(signal_features_imu)
{
	ttest_figure("signal.features_imu_3x256.instructions", pipeline_cost("knock", 400u));
	/* Every feature: magnitudes of all 129 bins, harmonics and the raw samples included. */
	ttest_figure("signal.features_imu_3x256_all.instructions",
		     pipeline_cost("imu_all_features", 400u));
}

TBENCH(signal_features_audio)
{
	/* ~2 M instructions a call: 16 repetitions leave at most 10 of counter resolution. */
	ttest_figure("signal.features_audio_16k_1s.instructions", pipeline_cost("audio", 16u));
}

static int16_t ring_storage[32u * 64u];
static uint32_t ring_stamps[32];

static void push_one(void *ctx)
{
	(void)tinyml_ringbuf_push(ctx, 1234, 42u);
}

TBENCH(signal_ringbuf_push)
{
	static struct tinyml_ringbuf rb;

	/* 2048 slots hold every push of the measurement (3 x 400 plus warm-up), none dropped. */
	(void)tinyml_ringbuf_init(&rb, ring_storage, sizeof(ring_storage) / 2u, ring_stamps, 32u,
				  64u);
	ttest_figure("signal.ringbuf_push.instructions",
		     (long long)ttest_cost_per_call(push_one, &rb, 400u));
	ttest_figure("signal.ringbuf_push.overflows", tinyml_ringbuf_overflows(&rb));
}

struct decision_ctx {
	struct tinyml_decision_config cfg;
	struct tinyml_decision_state state;
	struct tinyml_decision_result result;
	uint32_t now_ms;
	uint32_t step;
};

static void decide(void *ctx)
{
	static const int16_t scores[4][4] = {
		{2000, 28000, 1500, 1268},
		{30000, 1000, 1000, 768},
		{1000, 26000, 4000, 1768},
		{1000, 3000, 27000, 1768},
	};
	struct decision_ctx *d = ctx;

	d->now_ms += 100u;
	(void)tinyml_decision_step(&d->cfg, &d->state, scores[d->step++ & 3u], 4u, d->now_ms,
				   &d->result);
}

TBENCH(signal_decision_step)
{
	static struct decision_ctx d = {
		.cfg = {.n_classes = 4u,
			.background_class = 0u,
			.vote_window = 5u,
			.confirm_k = 2u,
			.confirm_span_ms = 2000u,
			.refractory_ms = 1000u,
			.margin_q15 = 8192,
			.hysteresis_q15 = 2048,
			.threshold_q15 = {0, 22000, 22000, 22000}},
	};

	(void)tinyml_decision_init(&d.cfg, &d.state);
	ttest_figure("signal.decision_step.instructions",
		     (long long)ttest_cost_per_call(decide, &d, 400u));
}

/* Breakdown of one axis of the IMU window, to see where the instructions go. */
static int16_t fft_buf[258];
static int32_t work[256];

static void rfft_once(void *ctx)
{
	unsigned int i;

	(void)ctx;
	for (i = 0u; i < 256u; i++) {
		fft_buf[i] = vec_fft256_in[i];
	}
	(void)tinyml_rfft_q15(fft_buf, 258u, 256u);
}

static void copy_only(void *ctx)
{
	unsigned int i;

	(void)ctx;
	for (i = 0u; i < 256u; i++) {
		fft_buf[i] = vec_fft256_in[i];
	}
}

static void prepare_once(void *ctx)
{
	int32_t shift;

	(void)ctx;
	struct tinyml_time_stats ts;

	(void)tinyml_features_prepare(vec_knock_in, 256u, 1, 0u, TINYML_WINDOW_HANN, work, fft_buf,
				      &shift, &ts);
}

static void time_once(void *ctx)
{
	struct tinyml_time_stats ts;

	(void)ctx;
	(void)tinyml_features_time(vec_knock_in, 256u, 1, &ts);
}

static void power_mag_once(void *ctx)
{
	static uint32_t power[129];
	static uint16_t mag[129];

	(void)ctx;
	(void)tinyml_fft_power(fft_buf, 129u, power);
	(void)tinyml_fft_magnitude(power, 129u, mag);
}

TBENCH(signal_breakdown)
{
	uint64_t copy = ttest_cost_per_call(copy_only, NULL, 400u);

	ttest_figure("signal.rfft_q15_256.instructions",
		     (long long)(ttest_cost_per_call(rfft_once, NULL, 400u) - copy));
	ttest_figure("signal.prepare_256.instructions",
		     (long long)ttest_cost_per_call(prepare_once, NULL, 400u));
	ttest_figure("signal.time_stats_256.instructions",
		     (long long)ttest_cost_per_call(time_once, NULL, 400u));
	ttest_figure("signal.power_magnitude_129.instructions",
		     (long long)ttest_cost_per_call(power_mag_once, NULL, 400u));
}
