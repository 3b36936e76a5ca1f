/*
 * TFLite flatbuffer check: what the runtime (TFLM) reads of a model, verified before it is
 * handed over, on the exact flatbuffer length from the signed package.
 *
 * A signed package only proves who made the bytes; TFLM's flatbuffer accessors trust every
 * offset, so a malformed (or maliciously made, then signed) model would read out of bounds.
 * This verifier walks the tables the runtime reads (Model, OperatorCode, SubGraph, Tensor,
 * QuantizationParameters, Operator and its option tables, Buffer, Metadata) and checks every
 * offset, vtable, vector and string against the buffer and its alignment, every tensor and
 * operator-code index against its table, the shapes and types, and that every constant
 * tensor's buffer holds at least the bytes its shape and type need. It reads through the
 * flash seam in small pieces: the model is never copied to RAM.
 *
 * The input and output tensors of subgraph 0 are returned so the caller can compare them with
 * the package's signed descriptors (tinyml_modelpkg_check_model()).
 */
#ifndef TINYML_TFLITE_CHECK_H_
#define TINYML_TFLITE_CHECK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/platform/flash.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most inputs or outputs reported (and accepted) for subgraph 0. */
#define TINYML_TFLITE_MAX_IO       8u
/** Largest rank accepted. */
#define TINYML_TFLITE_MAX_RANK     6u
/** Bounds that keep the walk's time in check on a device. */
#define TINYML_TFLITE_MAX_TENSORS  4096u
#define TINYML_TFLITE_MAX_OPS      4096u
#define TINYML_TFLITE_MAX_BUFFERS  4096u
#define TINYML_TFLITE_MAX_SUBGRAPH 16u

/** One input or output tensor of subgraph 0 as the model declares it. */
struct tinyml_tflite_tensor {
	uint8_t type; /**< TFLite TensorType */
	uint8_t rank;
	int32_t dims[TINYML_TFLITE_MAX_RANK];
	bool quantized;      /**< has at least one scale */
	uint32_t scale_bits; /**< IEEE-754 bits of the first scale (0 if none) */
	int64_t zero_point;  /**< first zero point (0 if none) */
	uint32_t bytes;      /**< shape x element size */
};

/** What the check found. */
struct tinyml_tflite_info {
	uint16_t n_inputs;
	uint16_t n_outputs;
	struct tinyml_tflite_tensor inputs[TINYML_TFLITE_MAX_IO];
	struct tinyml_tflite_tensor outputs[TINYML_TFLITE_MAX_IO];
	uint32_t largest_activation_bytes; /**< largest tensor without constant data */
	uint32_t n_tensors;
	uint32_t n_operators;
};

/**
 * @brief Check the flatbuffer of @p len bytes at @p off in flash area @p fa.
 *
 * @retval 0 if well formed; @p info is filled.
 * @retval -EINVAL if malformed (an offset, vtable, vector, string, index, shape or type).
 * @retval -ENOTSUP if well formed but using what TFLM does not run (schema version other than
 *         3, sparse tensors, more inputs or outputs than TINYML_TFLITE_MAX_IO).
 * @retval -EIO if the flash could not be read.
 */
int tinyml_tflite_check_area(const struct tinyml_flash_area *fa, uint32_t off, uint32_t len,
			     struct tinyml_tflite_info *info);

/** @brief As tinyml_tflite_check_area(), on @p len bytes in memory. */
int tinyml_tflite_check_buffer(const uint8_t *model, size_t len, struct tinyml_tflite_info *info);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_TFLITE_CHECK_H_ */
