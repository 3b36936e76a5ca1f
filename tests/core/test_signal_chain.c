/*
 * End to end on one knock window: interleaved 3-axis frames pushed value by value into the
 * capture ring, drained block by block into the window, the window read axis-major, the
 * pipeline run, and the decision stepped: the features equal the reference's, and two
 * positive windows within 400 ms make one event.
 */
#include <tinyml/decision.h>
#include <tinyml/fft.h>
#include <tinyml/pipeline.h>
#include <tinyml/ringbuf.h>
#include <tinyml/window.h>

#include "ttest.h"
#include "vectors/signal_vectors.h"

#define AXES  3u
#define LEN   256u
#define BLOCK (AXES * 16u)

static int16_t ring_storage[8u * BLOCK];
static uint32_t ring_stamps[8];
static int16_t history[AXES * LEN];
static int16_t window_out[AXES * LEN];
static int16_t block_copy[BLOCK];
static uint32_t scratch[(TINYML_PIPELINE_SCRATCH_BYTES(LEN) + 3u) / 4u];
static int32_t features[sizeof(vec_knock_out) / sizeof(vec_knock_out[0])];

TTEST(signal_chain, ring_window_pipeline_decision)
{
	struct tinyml_ringbuf rb;
	struct tinyml_window win;
	struct tinyml_pipeline_config cfg;
	struct tinyml_decision_config dcfg = {
		.n_classes = 2u,
		.background_class = 0u,
		.vote_window = 1u,
		.confirm_k = 2u,
		.confirm_span_ms = 400u,
		.refractory_ms = 1000u,
		.threshold_q15 = {0, 24000},
	};
	struct tinyml_decision_state dstate;
	struct tinyml_decision_result res;
	unsigned int frame;
	int windows = 0;

	TT_ASSERT_EQ(tinyml_ringbuf_init(&rb, ring_storage, sizeof(ring_storage) / 2u, ring_stamps,
					 8u, BLOCK),
		     0);
	TT_ASSERT_EQ(tinyml_window_init(&win, history, AXES * LEN, AXES, LEN, LEN / 2u), 0);
	TT_ASSERT_EQ(tinyml_pipeline_parse(vec_knock_blob, sizeof(vec_knock_blob), &cfg), 0);
	TT_ASSERT_EQ(tinyml_decision_init(&dcfg, &dstate), 0);

	for (frame = 0u; frame < LEN; frame++) {
		unsigned int a;
		uint32_t ts;

		/* The ISR side: one frame of the window, interleaved. */
		for (a = 0u; a < AXES; a++) {
			TT_ASSERT_EQ(tinyml_ringbuf_push(&rb, vec_knock_in[a * LEN + frame], frame),
				     0);
		}
		/* The thread side: whole blocks into the window. */
		while (tinyml_ringbuf_pop(&rb, block_copy, BLOCK, &ts) == 0) {
			size_t fed = 0u;

			TT_ASSERT_EQ(ts, frame - (BLOCK / AXES - 1u));
			while (fed < BLOCK / AXES) {
				size_t used;
				int rc = tinyml_window_feed(&win, block_copy + fed * AXES,
							    BLOCK / AXES - fed, &used);

				TT_ASSERT(rc >= 0);
				fed += used;
				if (rc == 1) {
					int16_t scores[2] = {1000, 30000};
					int n;

					TT_ASSERT_EQ(tinyml_window_read(&win, window_out,
									sizeof(window_out) / 2u),
						     0);
					TT_ASSERT_MEM_EQ(window_out, vec_knock_in,
							 sizeof(window_out));
					n = tinyml_pipeline_run(&cfg, window_out, AXES * LEN,
								scratch, sizeof(scratch), features,
								sizeof(features) / 4u);
					TT_ASSERT_EQ(n, sizeof(vec_knock_out) / sizeof(int32_t));
					TT_ASSERT_MEM_EQ(features, vec_knock_out,
							 sizeof(vec_knock_out));
					TT_ASSERT_EQ(tinyml_decision_step(&dcfg, &dstate, scores,
									  2u, 100u, &res),
						     0);
					TT_ASSERT_EQ(res.event, -1);
					TT_ASSERT_EQ(tinyml_decision_step(&dcfg, &dstate, scores,
									  2u, 450u, &res),
						     0);
					TT_ASSERT_EQ(res.event, 1);
					windows++;
				}
			}
		}
	}
	TT_ASSERT_EQ(windows, 1);
	TT_ASSERT_EQ(tinyml_ringbuf_overflows(&rb), 0u);
}
