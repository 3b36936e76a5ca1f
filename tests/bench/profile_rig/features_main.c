/*
 * Feature rig: instructions of one tinyml_pipeline_run() on the emulated Cortex-M4F for the
 * pipeline blob linked in (features_blob.S, FEATURES_BLOB set by the Makefile), on seeded
 * noise of +-2048 counts. Prints "RIG FEATURES <instructions per window>" and "RIG OK".
 */
#include <stdint.h>

#include <tinyml/pipeline.h>
#include <tinyml/platform/cost.h>

#include "console.h"

extern const uint8_t rig_blob[];
extern const uint32_t rig_blob_len;

#define MAX_INPUT 16384u
#define RUNS      8u

static int16_t samples[MAX_INPUT];
static uint32_t scratch[(TINYML_PIPELINE_SCRATCH_BYTES(512u) + 3u) / 4u];
static int32_t features[4096];

int main(void)
{
	struct tinyml_pipeline_config cfg;
	uint32_t x = 12345u;
	uint64_t total = 0u;
	int n;
	int rc = tinyml_pipeline_parse(rig_blob, rig_blob_len, &cfg);

	if (rc != 0) {
		console_printf("RIG PARSE_FAILED %d\r\n", rc);
		return 2;
	}
	n = tinyml_pipeline_input_len(&cfg);
	if (n <= 0 || (uint32_t)n > MAX_INPUT) {
		console_printf("RIG INPUT_TOO_LONG %d\r\n", n);
		return 2;
	}
	for (int i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		samples[i] = (int16_t)((int32_t)(x >> 20) - 2048);
	}
	rc = tinyml_pipeline_run(&cfg, samples, (size_t)n, scratch, sizeof(scratch), features,
				 sizeof(features) / sizeof(features[0]));
	if (rc < 0) {
		console_printf("RIG RUN_FAILED %d\r\n", rc);
		return 3;
	}
	for (uint32_t r = 0u; r < RUNS; r++) {
		uint64_t t0 = tinyml_platform_cost_now();

		(void)tinyml_pipeline_run(&cfg, samples, (size_t)n, scratch, sizeof(scratch),
					  features, sizeof(features) / sizeof(features[0]));
		total += tinyml_platform_cost_now() - t0;
	}
	console_printf("RIG FEATURES %u\r\n", (unsigned)((total + RUNS / 2u) / RUNS));
	console_printf("RIG OK\r\n");
	return 0;
}
