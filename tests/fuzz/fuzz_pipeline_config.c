/*
 * Fuzz the pipeline configuration parser, and every configuration it accepts through a run:
 * input = [blob length (1 byte)] [blob] [samples...]. An accepted blob must encode back to the
 * same bytes and run within its buffers (ASan) on the given samples.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/fft.h>
#include <tinyml/pipeline.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT    16384
#define MAX_FEATURES 4096

static int16_t samples[MAX_INPUT];
static int32_t features[MAX_FEATURES];
static uint32_t scratch[(TINYML_PIPELINE_SCRATCH_BYTES(TINYML_FFT_MAX_LEN) + 3u) / 4u];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tinyml_pipeline_config cfg;
	uint8_t again[TINYML_PIPELINE_BLOB_MAX];
	size_t blob_len;
	int in_len;
	int count;
	int rc;
	size_t i;

	if (size < 1u) {
		return 0;
	}
	blob_len = data[0];
	if (blob_len > size - 1u) {
		blob_len = size - 1u;
	}
	if (tinyml_pipeline_parse(data + 1, blob_len, &cfg) != 0) {
		return 0;
	}
	rc = tinyml_pipeline_encode(&cfg, again, sizeof(again));
	if (rc != (int)blob_len || memcmp(again, data + 1, blob_len) != 0) {
		__builtin_trap();
	}
	in_len = tinyml_pipeline_input_len(&cfg);
	count = tinyml_pipeline_feature_count(&cfg);
	if (in_len <= 0 || count <= 0) {
		__builtin_trap();
	}
	if (in_len > MAX_INPUT || count > MAX_FEATURES) {
		return 0;
	}
	for (i = 0u; i < (size_t)in_len; i++) {
		size_t at = 1u + blob_len + 2u * i;

		samples[i] = at + 1u < size ? (int16_t)(data[at] | (data[at + 1u] << 8)) : 0;
	}
	rc = tinyml_pipeline_run(&cfg, samples, (size_t)in_len, scratch, sizeof(scratch), features,
				 (size_t)count);
	if (rc != count) {
		__builtin_trap();
	}
	return 0;
}
