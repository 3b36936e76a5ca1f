#include <errno.h>

#include <tinyml/trigger.h>

int tinyml_trigger_init(struct tinyml_trigger *trig, enum tinyml_trigger_mode mode, size_t axes,
			uint32_t threshold, uint32_t hold_ms)
{
	if (trig == NULL || axes == 0u || axes > TINYML_TRIGGER_MAX_AXES ||
	    (mode != TINYML_TRIGGER_RMS && mode != TINYML_TRIGGER_DELTA)) {
		return -EINVAL;
	}
	/* An RMS of int16 values never exceeds 32768; the bound keeps threshold^2 * n in 64 bits.
	 */
	if (mode == TINYML_TRIGGER_RMS && threshold > 32768u) {
		return -EINVAL;
	}
	trig->mode = (uint8_t)mode;
	trig->axes = (uint8_t)axes;
	trig->armed = 0u;
	trig->has_prev = 0u;
	trig->threshold = threshold;
	trig->hold_ms = hold_ms;
	trig->armed_at_ms = 0u;
	return 0;
}

static int crosses_rms(const struct tinyml_trigger *trig, const int16_t *x, size_t count)
{
	uint64_t sum = 0u;
	size_t i;

	for (i = 0u; i < count; i++) {
		sum += (uint64_t)((int32_t)x[i] * x[i]);
	}
	return sum >= (uint64_t)trig->threshold * trig->threshold * count;
}

static int crosses_delta(struct tinyml_trigger *trig, const int16_t *x, size_t n_frames)
{
	int hit = 0;
	size_t f;
	uint32_t a;

	for (f = 0u; f < n_frames; f++) {
		const int16_t *frame = x + f * trig->axes;
		uint32_t sum = 0u;

		for (a = 0u; a < trig->axes; a++) {
			int32_t d = trig->has_prev ? frame[a] - trig->prev[a] : 0;

			sum += (uint32_t)(d < 0 ? -d : d);
			trig->prev[a] = frame[a];
		}
		trig->has_prev = 1u;
		hit |= sum >= trig->threshold;
	}
	return hit;
}

int tinyml_trigger_update(struct tinyml_trigger *trig, const int16_t *frames, size_t n_frames,
			  uint32_t now_ms)
{
	int hit;

	if (trig == NULL || frames == NULL || n_frames == 0u || n_frames > (1u << 24)) {
		return -EINVAL;
	}
	hit = trig->mode == TINYML_TRIGGER_RMS ? crosses_rms(trig, frames, n_frames * trig->axes)
					       : crosses_delta(trig, frames, n_frames);
	if (hit) {
		trig->armed = 1u;
		trig->armed_at_ms = now_ms;
	} else if (trig->armed && now_ms - trig->armed_at_ms > trig->hold_ms) {
		trig->armed = 0u;
	}
	return trig->armed;
}
