/*
 * Canned capture for emulated boards and tests: a k_timer interrupt delivers one capture
 * block (CONFIG_TINYML_RING_BLOCK_SAMPLES frames) per block period into the core's ring
 * buffer, as a DMA half-transfer interrupt would. The source is the embedded recording
 * (CONFIG_TINYML_APP_CANNED_RECORDING), played once from sample 0; without one, the windows
 * of the self-test set in a loop; without that, a deterministic test signal.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/util.h>

#include "app.h"
#include "selftest_set.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

#define AXES      CONFIG_TINYML_RING_AXES
#define BLOCK     CONFIG_TINYML_RING_BLOCK_SAMPLES
#define TMRC_HEAD 16U

#if defined(TINYML_APP_HAS_CANNED_RECORDING)
static const uint8_t recording_blob[] __aligned(4) = {
#include "tinyml_canned_recording.inc"
};
#endif

enum canned_source {
	SOURCE_RECORDING,
	SOURCE_SELFTEST,
	SOURCE_SYNTHETIC,
};

static enum canned_source source;
static const uint8_t *recording; /* frames x AXES int16 LE, interleaved */
static uint32_t recording_frames;
static struct selftest_view selftest;
static uint32_t frame;
static int16_t block[BLOCK * AXES];

/* The embedded recording, checked against the pipeline the firmware runs. */
static int open_recording(void)
{
#if defined(TINYML_APP_HAS_CANNED_RECORDING)
	const uint8_t *blob = recording_blob;
	uint32_t frames;

	if (sizeof(recording_blob) < TMRC_HEAD || memcmp(blob, "TMRC", 4) != 0 ||
	    sys_get_le16(blob + 4) != 1U) {
		return -EINVAL;
	}
	frames = sys_get_le32(blob + 12);
	if (sys_get_le16(blob + 6) != AXES ||
	    sys_get_le32(blob + 8) != app_pipeline_sample_rate() ||
	    (sizeof(recording_blob) - TMRC_HEAD) / (2U * AXES) < frames) {
		return -EINVAL;
	}
	recording = blob + TMRC_HEAD;
	/* Whole blocks only, as a DMA delivers them; the tail is never seen. */
	recording_frames = frames - frames % BLOCK;
	return 0;
#else
	return -ENODATA;
#endif
}

static int16_t synthetic(uint32_t n, unsigned int axis)
{
	/* Triangle tone of period 16 samples plus a decaying impact every 2 s. */
	int32_t phase = (int32_t)(n % 16U);
	int32_t tone = (phase < 8 ? phase : 16 - phase) * 64 - 256;
	uint32_t since = n % (2U * app_pipeline_sample_rate());
	int32_t impact = since < 32U ? (int32_t)(4000U >> (since / 4U)) : 0;

	return (int16_t)(tone + (axis == 2U ? impact : impact / 2));
}

static int16_t sample_at(uint32_t n, unsigned int axis)
{
	switch (source) {
	case SOURCE_RECORDING:
		return (int16_t)sys_get_le16(recording + 2U * ((size_t)n * AXES + axis));
	case SOURCE_SELFTEST: {
		uint32_t w = (n / selftest.window_len) % selftest.n_windows;
		uint32_t i = n % selftest.window_len;

		/* Stored axis-major, delivered interleaved. */
		return (int16_t)sys_get_le16(selftest_set_window(&selftest, w) +
					     2U * (axis * selftest.window_len + i));
	}
	default:
		return synthetic(n, axis);
	}
}

static void on_block_period(struct k_timer *timer)
{
	if (source == SOURCE_RECORDING && frame >= recording_frames) {
		k_timer_stop(timer);
		app_processing_end_of_stream(recording_frames);
		return;
	}
	for (uint32_t f = 0; f < BLOCK; f++) {
		for (unsigned int axis = 0; axis < AXES; axis++) {
			block[f * AXES + axis] = sample_at(frame + f, axis);
		}
	}
	/* A full ring drops the block and counts it, as a DMA overrun would. */
	(void)tinyml_ringbuf_push_block(&app_ring, block, ARRAY_SIZE(block), k_uptime_get_32());
	frame += BLOCK;
}

K_TIMER_DEFINE(canned_timer, on_block_period, NULL);

int app_capture_start(void)
{
	int rc = open_recording();
	k_timeout_t period = K_USEC((uint64_t)USEC_PER_SEC * BLOCK / app_pipeline_sample_rate());

	if (rc == 0) {
		source = SOURCE_RECORDING;
		LOG_INF("canned recording: %u frames at %u Hz", recording_frames,
			app_pipeline_sample_rate());
	} else if (rc != -ENODATA) {
		LOG_ERR("canned recording does not match the pipeline (%u axes, %u Hz)", AXES,
			app_pipeline_sample_rate());
		return rc;
	} else if (selftest_set_open(&selftest) == 0 && selftest.axes == AXES) {
		source = SOURCE_SELFTEST;
	} else {
		source = SOURCE_SYNTHETIC;
	}
	k_timer_start(&canned_timer, period, period);
	return 0;
}
