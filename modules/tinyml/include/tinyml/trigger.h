/*
 * A cheap trigger that arms the model, so inference runs only when something happens: an
 * energy (RMS) or a sample-to-sample change (magnitude of the first difference, which ignores
 * gravity on an accelerometer) over a block of interleaved frames, with a hold time.
 */
#ifndef TINYML_TRIGGER_H_
#define TINYML_TRIGGER_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_TRIGGER_MAX_AXES 8u

enum tinyml_trigger_mode {
	/* sum over the block of every value squared >= threshold^2 * values in the block */
	TINYML_TRIGGER_RMS = 0,
	/* some frame has sum over axes of |x[n] - x[n-1]| >= threshold */
	TINYML_TRIGGER_DELTA = 1,
};

struct tinyml_trigger {
	uint8_t mode;
	uint8_t axes;
	uint8_t armed;
	uint8_t has_prev;
	uint32_t threshold;
	uint32_t hold_ms;
	uint32_t armed_at_ms; /* last crossing */
	int16_t prev[TINYML_TRIGGER_MAX_AXES];
};

/**
 * @brief Set up a trigger.
 *
 * @retval 0 on success; -EINVAL on NULL, zero or too many axes, an unknown mode, or an RMS
 *         threshold above 32768.
 */
int tinyml_trigger_init(struct tinyml_trigger *trig, enum tinyml_trigger_mode mode, size_t axes,
			uint32_t threshold, uint32_t hold_ms);

/**
 * @brief Look at @p n_frames interleaved frames ending at @p now_ms.
 *
 * @retval 1 armed: the block crossed the threshold, or one did within hold_ms.
 * @retval 0 not armed.
 * @retval -EINVAL NULL pointer or zero frames.
 */
int tinyml_trigger_update(struct tinyml_trigger *trig, const int16_t *frames, size_t n_frames,
			  uint32_t now_ms);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_TRIGGER_H_ */
