/*
 * Fuzz the TFLite flatbuffer check the core runs before a model reaches the runtime: any bytes
 * must be checked without a read outside them (ASan), and what a passing model reports must be
 * within the declared bounds.
 */
#include <stddef.h>
#include <stdint.h>

#include <tinyml/tflite_check.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tinyml_tflite_info info;
	uint32_t i;

	if (tinyml_tflite_check_buffer(data, size, &info) != 0) {
		return 0;
	}
	if (info.n_inputs > TINYML_TFLITE_MAX_IO || info.n_outputs > TINYML_TFLITE_MAX_IO ||
	    info.n_tensors > TINYML_TFLITE_MAX_TENSORS) {
		__builtin_trap();
	}
	for (i = 0u; i < info.n_inputs; i++) {
		if (info.inputs[i].rank > TINYML_TFLITE_MAX_RANK) {
			__builtin_trap();
		}
	}
	return 0;
}
