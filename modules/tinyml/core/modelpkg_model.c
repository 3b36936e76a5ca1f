/*
 * A verified package's model against what the runtime reads (see tinyml/modelpkg.h):
 * flatbuffer, signed tensor descriptors, arena figure.
 */
#include <errno.h>
#include <string.h>

#include <tinyml/modelpkg.h>
#include <tinyml/tflite_check.h>

#include "le_bytes.h"

#define TENSOR_BYTES  32u
#define DESC_MAX_RANK 5u
#define DIR_INPUT     0u
#define DIR_OUTPUT    1u

/* One signed descriptor (docs/model-package-format.md, TENSORS) against the model's tensor. */
static bool descriptor_matches(const uint8_t rec[TENSOR_BYTES], uint8_t direction, uint8_t index,
			       const struct tinyml_tflite_tensor *t)
{
	uint32_t i;

	if (rec[0] != direction || rec[1] != t->type || rec[2] != t->rank || rec[3] != index ||
	    t->rank > DESC_MAX_RANK) {
		return false;
	}
	for (i = 0u; i < DESC_MAX_RANK; i++) {
		int32_t want = i < t->rank ? t->dims[i] : 0;

		if ((int32_t)tinyml_get_le32(rec + 4u + 4u * i) != want) {
			return false;
		}
	}
	if (tinyml_get_le32(rec + 24) != (t->quantized ? t->scale_bits : 0u)) {
		return false;
	}
	return (int64_t)(int32_t)tinyml_get_le32(rec + 28) == t->zero_point;
}

struct model_src {
	const struct tinyml_flash_area *fa;
	const uint8_t *buf;
	size_t len;
};

static int read_src(const struct model_src *src, uint32_t off, uint8_t *dst, uint32_t n)
{
	if (src->buf != NULL) {
		if (off > src->len || n > src->len - off) {
			return -EINVAL;
		}
		memcpy(dst, src->buf + off, n);
		return 0;
	}
	return tinyml_platform_flash_read(src->fa, off, dst, n) == 0 ? 0 : -EIO;
}

static int check(const struct model_src *src, const struct tinyml_modelpkg_info *info)
{
	struct tinyml_tflite_info model;
	uint8_t rec[TENSOR_BYTES];
	uint32_t i;
	int rc;

	if (info == NULL || info->n_inputs > TINYML_TFLITE_MAX_IO ||
	    info->n_outputs > TINYML_TFLITE_MAX_IO) {
		return -EINVAL;
	}
	if (src->buf != NULL) {
		if (info->tflite_offset > src->len ||
		    info->tflite_size > src->len - info->tflite_offset) {
			return -EINVAL;
		}
		rc = tinyml_tflite_check_buffer(src->buf + info->tflite_offset, info->tflite_size,
						&model);
	} else {
		rc = tinyml_tflite_check_area(src->fa, info->tflite_offset, info->tflite_size,
					      &model);
	}
	if (rc != 0) {
		return rc;
	}
	if (model.n_inputs != info->n_inputs || model.n_outputs != info->n_outputs) {
		return -EINVAL;
	}
	for (i = 0u; i < (uint32_t)info->n_inputs + info->n_outputs; i++) {
		bool input = i < info->n_inputs;
		uint8_t index = (uint8_t)(input ? i : i - info->n_inputs);

		rc = read_src(src, info->tensors_offset + i * TENSOR_BYTES, rec, sizeof(rec));
		if (rc != 0) {
			return rc;
		}
		if (!descriptor_matches(rec, input ? DIR_INPUT : DIR_OUTPUT, index,
					input ? &model.inputs[index] : &model.outputs[index])) {
			return -EINVAL;
		}
	}
	return info->arena_total < model.largest_activation_bytes ? -ENOMEM : 0;
}

int tinyml_modelpkg_check_model(const struct tinyml_flash_area *fa,
				const struct tinyml_modelpkg_info *info)
{
	struct model_src src = {fa, NULL, 0u};

	return fa == NULL ? -EINVAL : check(&src, info);
}

int tinyml_modelpkg_check_model_buffer(const uint8_t *pkg, size_t len,
				       const struct tinyml_modelpkg_info *info)
{
	struct model_src src = {NULL, pkg, len};

	return pkg == NULL ? -EINVAL : check(&src, info);
}
