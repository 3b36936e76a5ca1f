/*
 * Zephyr port: the inference backend (TFLM). One static interpreter over the model of the
 * active slot; C linkage so the C application drives it.
 */
#ifndef TINYML_ZEPHYR_INFERENCE_H_
#define TINYML_ZEPHYR_INFERENCE_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Quantized int8 tensor as the interpreter holds it. */
struct tinyml_inference_tensor {
	int8_t *data; /**< first element, in the arena */
	size_t len;   /**< number of int8 elements */
	float scale;  /**< real = scale * (q - zero_point) */
	int32_t zero_point;
};

/**
 * @brief Bring up the interpreter on a flatbuffer already verified by the core.
 *
 * The arena figure comes from the package (MODEL_META.arena_total) and is checked against the
 * static arena before the interpreter is touched; a model that needs more is refused.
 *
 * @param model      The flatbuffer, 16-byte aligned, valid while the model is loaded (the
 *                   memory-mapped model slot: no copy).
 * @param model_len  Flatbuffer length in bytes.
 * @param arena_need Arena bytes the package states.
 * @retval 0 on success.
 * @retval -EINVAL if @p model is NULL, unaligned or @p model_len is 0.
 * @retval -ENOMEM if @p arena_need exceeds CONFIG_TINYML_ARENA_SIZE, or AllocateTensors() ran
 *         out of arena.
 * @retval -ENOTSUP if the schema version differs, an operator is missing from the resolver,
 *         or the model has not exactly one int8 input and one int8 output.
 */
int tinyml_inference_load(const uint8_t *model, size_t model_len, uint32_t arena_need);

/** @brief Drop the loaded model (the next load starts from a clean arena). */
void tinyml_inference_unload(void);

/**
 * @brief The input or output tensor of the loaded model.
 *
 * @retval 0 on success.
 * @retval -ENODEV if no model is loaded.
 * @retval -EINVAL if @p out is NULL.
 */
int tinyml_inference_input(struct tinyml_inference_tensor *out);
int tinyml_inference_output(struct tinyml_inference_tensor *out);

/**
 * @brief Run the model once on the current input.
 *
 * @param cycles If not NULL, set to the k_cycle_get_32() cycles Invoke() took.
 * @retval 0 on success.
 * @retval -ENODEV if no model is loaded.
 * @retval -EIO if Invoke() failed.
 */
int tinyml_inference_invoke(uint32_t *cycles);

/** @brief Arena bytes the loaded model really uses (0 when none is loaded). */
size_t tinyml_inference_arena_used(void);

/**
 * @brief Invoke the loaded model @p runs times on its current input and give the mean cost of
 *        each operator as CSV lines (CONFIG_TINYML_TFLM_PROFILER; `west profile --measured`
 *        reads them). The caller holds the interpreter (no concurrent Invoke()).
 *
 * @retval 0 on success.
 * @retval -ENODEV if no model is loaded.
 * @retval -EINVAL if @p runs is 0 or @p line is NULL.
 * @retval -EIO if Invoke() failed.
 * @retval -ENOSPC if the model has more operators than the profiler's table (the rest missing).
 */
int tinyml_inference_profile(uint32_t runs, void (*line)(void *ctx, const char *text), void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_ZEPHYR_INFERENCE_H_ */
