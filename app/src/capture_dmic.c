/*
 * Capture from a PDM microphone through Zephyr's DMIC API (devicetree alias tinyml-dmic): the
 * driver's DMA fills blocks of a memory slab with 16-bit PCM at the pipeline's sample rate; a
 * capture thread hands each filled block to the core's ring buffer whole
 * (tinyml_ringbuf_push_block) and gives the slab block back. A full ring drops the block and
 * counts it; the microphone never waits for processing.
 */
#include <errno.h>

#include <zephyr/audio/dmic.h>
#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include "app.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

BUILD_ASSERT(CONFIG_TINYML_RING_AXES == 1, "the microphone capture produces one channel");

#define BLOCK_SAMPLES CONFIG_TINYML_RING_BLOCK_SAMPLES
#define BLOCK_BYTES   (BLOCK_SAMPLES * sizeof(int16_t))
#define SLAB_BLOCKS   4
#define READ_TIMEOUT  1000 /* ms: a stalled microphone is logged, not waited on forever */

static const struct device *const mic = DEVICE_DT_GET(DT_ALIAS(tinyml_dmic));

K_MEM_SLAB_DEFINE_STATIC(pcm_slab, BLOCK_BYTES, SLAB_BLOCKS, 4);

K_THREAD_STACK_DEFINE(dmic_stack, 1024);
static struct k_thread dmic_thread;

static void dmic_loop(void *a, void *b, void *c)
{
	ARG_UNUSED(a);
	ARG_UNUSED(b);
	ARG_UNUSED(c);

	for (;;) {
		void *block = NULL;
		size_t size = 0;
		int rc = dmic_read(mic, 0, &block, &size, READ_TIMEOUT);

		if (rc != 0) {
			LOG_WRN("dmic_read: %d", rc);
			continue;
		}
		if (size == BLOCK_BYTES) {
			(void)tinyml_ringbuf_push_block(&app_ring, block, BLOCK_SAMPLES,
							k_uptime_get_32());
		}
		k_mem_slab_free(&pcm_slab, block);
	}
}

int app_capture_start(void)
{
	struct pcm_stream_cfg stream = {
		.pcm_rate = app_pipeline_sample_rate(),
		.pcm_width = 16,
		.block_size = BLOCK_BYTES,
		.mem_slab = &pcm_slab,
	};
	struct dmic_cfg cfg = {
		.io =
			{
				/* Typical PDM microphone limits; the driver picks a clock inside.
				 */
				.min_pdm_clk_freq = 1000000,
				.max_pdm_clk_freq = 3500000,
				.min_pdm_clk_dc = 40,
				.max_pdm_clk_dc = 60,
			},
		.streams = &stream,
		.channel =
			{
				.req_num_chan = 1,
				.req_num_streams = 1,
				.req_chan_map_lo = dmic_build_channel_map(0, 0, PDM_CHAN_LEFT),
			},
	};
	int rc;

	if (!device_is_ready(mic)) {
		return -ENODEV;
	}
	rc = dmic_configure(mic, &cfg);
	if (rc == 0) {
		rc = dmic_trigger(mic, DMIC_TRIGGER_START);
	}
	if (rc != 0) {
		return rc;
	}
	k_thread_create(&dmic_thread, dmic_stack, K_THREAD_STACK_SIZEOF(dmic_stack), dmic_loop,
			NULL, NULL, NULL, K_PRIO_PREEMPT(2), 0, K_NO_WAIT);
	k_thread_name_set(&dmic_thread, "tinyml_dmic");
	return 0;
}
