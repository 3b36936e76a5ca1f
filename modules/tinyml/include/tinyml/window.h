/*
 * Windowing over a stream of multi-axis int16 frames (one frame = one value per axis,
 * interleaved): windows of window_len frames every hop frames, kept in a caller-owned history
 * and copied out per axis (axis-major) into caller scratch.
 */
#ifndef TINYML_WINDOW_H_
#define TINYML_WINDOW_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tinyml_window {
	int16_t *history; /* window_len * axes values, circular by frame */
	uint32_t axes;
	uint32_t window_len; /* frames per window */
	uint32_t hop;        /* frames between window starts */
	uint32_t filled;     /* frames held, at most window_len */
	uint32_t oldest;     /* frame index of the oldest held frame */
};

/**
 * @brief Set up windows of @p window_len frames of @p axes values, advancing by @p hop.
 *
 * @retval 0 on success.
 * @retval -EINVAL NULL, zero axes/window/hop, @p hop > @p window_len, or @p history_len
 *         smaller than window_len * axes.
 */
int tinyml_window_init(struct tinyml_window *win, int16_t *history, size_t history_len, size_t axes,
		       size_t window_len, size_t hop);

/**
 * @brief Take frames until a window is complete.
 *
 * @param frames    @p n_frames interleaved frames.
 * @param consumed  set to the number of frames taken; feed the rest after reading the window.
 *
 * @retval 1 a window is complete: read it with tinyml_window_read().
 * @retval 0 all frames taken, no window complete yet.
 * @retval -EINVAL NULL pointer (frames may be NULL when n_frames is 0).
 */
int tinyml_window_feed(struct tinyml_window *win, const int16_t *frames, size_t n_frames,
		       size_t *consumed);

/**
 * @brief Copy the complete window axis-major (out[axis * window_len + n]) and advance by hop.
 *
 * @retval 0 copied.
 * @retval -EAGAIN the window is not complete.
 * @retval -EINVAL NULL pointer or @p out_len smaller than window_len * axes.
 */
int tinyml_window_read(struct tinyml_window *win, int16_t *out, size_t out_len);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_WINDOW_H_ */
