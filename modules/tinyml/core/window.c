#include <errno.h>
#include <string.h>

#include <tinyml/window.h>

int tinyml_window_init(struct tinyml_window *win, int16_t *history, size_t history_len, size_t axes,
		       size_t window_len, size_t hop)
{
	if (win == NULL || history == NULL || axes == 0u || window_len == 0u || hop == 0u ||
	    hop > window_len || axes > 64u || window_len > 65536u ||
	    history_len < axes * window_len) {
		return -EINVAL;
	}
	win->history = history;
	win->axes = (uint32_t)axes;
	win->window_len = (uint32_t)window_len;
	win->hop = (uint32_t)hop;
	win->filled = 0u;
	win->oldest = 0u;
	return 0;
}

int tinyml_window_feed(struct tinyml_window *win, const int16_t *frames, size_t n_frames,
		       size_t *consumed)
{
	size_t taken = 0u;

	if (win == NULL || consumed == NULL || (frames == NULL && n_frames != 0u)) {
		return -EINVAL;
	}
	while (taken < n_frames && win->filled < win->window_len) {
		uint32_t slot = (win->oldest + win->filled) % win->window_len;

		memcpy(win->history + (size_t)slot * win->axes, frames + taken * win->axes,
		       win->axes * sizeof(*frames));
		win->filled++;
		taken++;
	}
	*consumed = taken;
	return win->filled == win->window_len ? 1 : 0;
}

int tinyml_window_read(struct tinyml_window *win, int16_t *out, size_t out_len)
{
	uint32_t n;
	uint32_t a;

	if (win == NULL || out == NULL || out_len < (size_t)win->axes * win->window_len) {
		return -EINVAL;
	}
	if (win->filled < win->window_len) {
		return -EAGAIN;
	}
	for (n = 0u; n < win->window_len; n++) {
		const int16_t *frame =
			win->history + (size_t)((win->oldest + n) % win->window_len) * win->axes;

		for (a = 0u; a < win->axes; a++) {
			out[(size_t)a * win->window_len + n] = frame[a];
		}
	}
	win->oldest = (win->oldest + win->hop) % win->window_len;
	win->filled -= win->hop;
	return 0;
}
