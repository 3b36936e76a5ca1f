/*
 * Zephyr port: TFLM backend, the only C++ file of the project.
 *
 * One interpreter, constructed in static storage (placement new) over a static arena sized
 * from Kconfig, running the flatbuffer in place from the active model slot. The op resolver is
 * generated from modules/tinyml/ops_manifest.yaml, so it registers exactly the operators
 * `west model-pack check` accepts. With CONFIG_TENSORFLOW_LITE_MICRO_CMSIS_NN_KERNELS the same
 * registrations resolve to the CMSIS-NN kernels.
 */
#include <errno.h>
#include <new>
#include <stdint.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/schema/schema_generated.h"

#include "tinyml_op_resolver.hpp"

#include <tinyml/zephyr/inference.h>

#if defined(CONFIG_TINYML_TFLM_PROFILER)
#include "tflm_profiler.h"
#endif

LOG_MODULE_REGISTER(tinyml_tflm, CONFIG_TINYML_LOG_LEVEL);

namespace
{

alignas(CONFIG_TINYML_ARENA_ALIGN) uint8_t tensor_arena[CONFIG_TINYML_ARENA_SIZE];

tinyml::OpResolver resolver;
bool resolver_ready;

alignas(tflite::MicroInterpreter) uint8_t interpreter_storage[sizeof(tflite::MicroInterpreter)];
tflite::MicroInterpreter *interpreter;

#if defined(CONFIG_TINYML_TFLM_PROFILER)
/* Per-node costs, recorded only while tinyml_inference_profile() runs. */
tinyml::TflmProfiler profiler;
#define PROFILER (&profiler)
#else
#define PROFILER nullptr
#endif

int describe(TfLiteTensor *tensor, struct tinyml_inference_tensor *out)
{
	if (out == nullptr) {
		return -EINVAL;
	}
	if (interpreter == nullptr || tensor == nullptr) {
		return -ENODEV;
	}
	out->data = tensor->data.int8;
	out->len = tensor->bytes;
	out->scale = tensor->params.scale;
	out->zero_point = tensor->params.zero_point;
	return 0;
}

bool is_int8(const TfLiteTensor *tensor)
{
	return tensor != nullptr && tensor->type == kTfLiteInt8;
}

} /* namespace */

extern "C" int tinyml_inference_load(const uint8_t *model, size_t model_len, uint32_t arena_need)
{
	if (model == nullptr || model_len == 0U || model_len > FLATBUFFERS_MAX_BUFFER_SIZE ||
	    (reinterpret_cast<uintptr_t>(model) % 16U) != 0U) {
		return -EINVAL;
	}
	/* The package's figure is checked before the interpreter sees the model. */
	if (arena_need > sizeof(tensor_arena)) {
		LOG_ERR("model needs %u B of arena, the firmware has %u B",
			(unsigned int)arena_need, (unsigned int)sizeof(tensor_arena));
		return -ENOMEM;
	}

	tinyml_inference_unload();

	/* Signed is not well formed: every offset and length the interpreter will follow is
	 * checked against model_len before it reads one (flatbuffers' own verifier).
	 */
	flatbuffers::Verifier verifier(model, model_len);

	if (!tflite::VerifyModelBuffer(verifier)) {
		LOG_ERR("model is not a well-formed TFLite flatbuffer of %u B",
			(unsigned int)model_len);
		return -EBADMSG;
	}

	const tflite::Model *flatbuffer = tflite::GetModel(model);

	if (flatbuffer->version() != TFLITE_SCHEMA_VERSION) {
		LOG_ERR("schema version %u, runtime %d", (unsigned int)flatbuffer->version(),
			TFLITE_SCHEMA_VERSION);
		return -ENOTSUP;
	}
	if (!resolver_ready) {
		if (tinyml::RegisterManifestOps(resolver) != kTfLiteOk) {
			return -ENOTSUP;
		}
		resolver_ready = true;
	}

	interpreter = new (interpreter_storage) tflite::MicroInterpreter(
		flatbuffer, resolver, tensor_arena, sizeof(tensor_arena), nullptr, PROFILER);
	if (interpreter->AllocateTensors() != kTfLiteOk) {
		LOG_ERR("AllocateTensors failed in a %u B arena",
			(unsigned int)sizeof(tensor_arena));
		tinyml_inference_unload();
		return -ENOMEM;
	}
	if (interpreter->inputs_size() != 1U || interpreter->outputs_size() != 1U ||
	    !is_int8(interpreter->input(0)) || !is_int8(interpreter->output(0))) {
		LOG_ERR("model must have one int8 input and one int8 output");
		tinyml_inference_unload();
		return -ENOTSUP;
	}
	/* The package's arena figure was signed by the packer; the interpreter's is the truth. A
	 * package that understates it would overrun on a firmware sized to the figure.
	 */
	if (interpreter->arena_used_bytes() > arena_need) {
		LOG_ERR("model uses %u B of arena, its package states %u B",
			(unsigned int)interpreter->arena_used_bytes(), (unsigned int)arena_need);
		tinyml_inference_unload();
		return -EBADMSG;
	}
	LOG_INF("model loaded: arena %u of %u B (package states %u B)",
		(unsigned int)interpreter->arena_used_bytes(), (unsigned int)sizeof(tensor_arena),
		(unsigned int)arena_need);
	return 0;
}

extern "C" void tinyml_inference_unload(void)
{
	if (interpreter != nullptr) {
		interpreter->~MicroInterpreter();
		interpreter = nullptr;
	}
}

extern "C" int tinyml_inference_input(struct tinyml_inference_tensor *out)
{
	return describe(interpreter != nullptr ? interpreter->input(0) : nullptr, out);
}

extern "C" int tinyml_inference_output(struct tinyml_inference_tensor *out)
{
	return describe(interpreter != nullptr ? interpreter->output(0) : nullptr, out);
}

extern "C" int tinyml_inference_invoke(uint32_t *cycles)
{
	if (interpreter == nullptr) {
		return -ENODEV;
	}
	/* Zephyr's TFLM glue reports zero ticks from micro_time: time Invoke() here. */
	uint32_t start = k_cycle_get_32();
	TfLiteStatus status = interpreter->Invoke();
	uint32_t spent = k_cycle_get_32() - start;

	if (cycles != nullptr) {
		*cycles = spent;
	}
	return status == kTfLiteOk ? 0 : -EIO;
}

extern "C" size_t tinyml_inference_arena_used(void)
{
	return interpreter != nullptr ? interpreter->arena_used_bytes() : 0U;
}

#if defined(CONFIG_TINYML_TFLM_PROFILER)
extern "C" int tinyml_inference_profile(uint32_t runs, void (*line)(void *ctx, const char *text),
					void *ctx)
{
	if (interpreter == nullptr) {
		return -ENODEV;
	}
	if (runs == 0U || line == nullptr) {
		return -EINVAL;
	}
	profiler.Reset();
	profiler.SetEnabled(true);
	for (uint32_t i = 0; i < runs; i++) {
		profiler.NextRun();
		if (interpreter->Invoke() != kTfLiteOk) {
			profiler.SetEnabled(false);
			return -EIO;
		}
	}
	profiler.SetEnabled(false);
	profiler.WriteCsv(line, ctx);
	return profiler.overflowed() ? -ENOSPC : 0;
}
#endif
