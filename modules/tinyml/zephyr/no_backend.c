/*
 * Zephyr port: the inference API without a runtime (CONFIG_TINYML_BACKEND_NONE). Capture,
 * features, the event log and the self-test parser still build and run; every model is
 * refused with -ENOTSUP, so the model slots report "no model this firmware can run".
 */
#include <errno.h>

#include <tinyml/zephyr/inference.h>

int tinyml_inference_load(const uint8_t *model, size_t model_len, uint32_t arena_need)
{
	(void)model;
	(void)model_len;
	(void)arena_need;
	return -ENOTSUP;
}

void tinyml_inference_unload(void)
{
}

int tinyml_inference_input(struct tinyml_inference_tensor *out)
{
	return out == NULL ? -EINVAL : -ENODEV;
}

int tinyml_inference_output(struct tinyml_inference_tensor *out)
{
	return out == NULL ? -EINVAL : -ENODEV;
}

int tinyml_inference_invoke(uint32_t *cycles)
{
	if (cycles != NULL) {
		*cycles = 0;
	}
	return -ENODEV;
}

size_t tinyml_inference_arena_used(void)
{
	return 0;
}
