/*
 * Canned capture for emulated boards and tests: a k_timer interrupt pushes one frame per
 * sample period into the core's ring buffer, exactly as a sensor ISR or a DMA callback
 * would. It replays the windows of the embedded self-test set; without one, a deterministic
 * test signal (a tone with an impact every two seconds).
 */
#include <stdint.h>

#include <zephyr/kernel.h>
#include <zephyr/sys/byteorder.h>
#include <zephyr/sys/util.h>

#include "app.h"
#include "selftest_format.h"

#define AXES CONFIG_TINYML_RING_AXES

static uint32_t frame;

static int16_t synthetic(uint32_t n, unsigned int axis)
{
	/* Triangle tone of period 16 samples plus a decaying impact every 2 s. */
	int32_t phase = (int32_t)(n % 16U);
	int32_t tone = (phase < 8 ? phase : 16 - phase) * 64 - 256;
	uint32_t since = n % (2U * app_pipeline_sample_rate());
	int32_t impact = since < 32U ? (int32_t)(4000U >> (since / 4U)) : 0;

	return (int16_t)(tone + (axis == 2U ? impact : impact / 2));
}

static void on_tick(struct k_timer *timer)
{
	struct selftest_view st;
	uint32_t now = k_uptime_get_32();

	ARG_UNUSED(timer);
	if (selftest_open(&st) == 0 && st.axes == AXES) {
		uint32_t per_window = st.window_len;
		uint32_t w = (frame / per_window) % st.n_windows;
		uint32_t i = frame % per_window;
		const uint8_t *samples = selftest_window_samples(&st, w);

		/* Stored axis-major, pushed interleaved. */
		for (unsigned int axis = 0; axis < AXES; axis++) {
			const uint8_t *p = samples + 2U * (axis * per_window + i);

			(void)tinyml_ringbuf_push(&app_ring, (int16_t)sys_get_le16(p), now);
		}
	} else {
		for (unsigned int axis = 0; axis < AXES; axis++) {
			(void)tinyml_ringbuf_push(&app_ring, synthetic(frame, axis), now);
		}
	}
	frame++;
}

K_TIMER_DEFINE(canned_timer, on_tick, NULL);

int app_capture_start(void)
{
	k_timeout_t period = K_USEC(USEC_PER_SEC / app_pipeline_sample_rate());

	k_timer_start(&canned_timer, period, period);
	return 0;
}
