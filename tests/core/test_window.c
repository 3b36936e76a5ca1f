#include <errno.h>

#include <tinyml/window.h>

#include "ttest.h"

TTEST(window, init_validates)
{
	struct tinyml_window w;
	int16_t hist[12];

	TT_ASSERT_EQ(tinyml_window_init(NULL, hist, 12u, 3u, 4u, 2u), -EINVAL);
	TT_ASSERT_EQ(tinyml_window_init(&w, NULL, 12u, 3u, 4u, 2u), -EINVAL);
	TT_ASSERT_EQ(tinyml_window_init(&w, hist, 11u, 3u, 4u, 2u), -EINVAL);
	TT_ASSERT_EQ(tinyml_window_init(&w, hist, 12u, 0u, 4u, 2u), -EINVAL);
	TT_ASSERT_EQ(tinyml_window_init(&w, hist, 12u, 3u, 4u, 5u), -EINVAL);
	TT_ASSERT_EQ(tinyml_window_init(&w, hist, 12u, 3u, 4u, 0u), -EINVAL);
	TT_ASSERT_EQ(tinyml_window_init(&w, hist, 12u, 3u, 4u, 2u), 0);
}

/* Frames of 2 axes: frame f is (f, -f); windows of 4 every 3, fed in uneven chunks. */
TTEST(window, hops_and_copies_axis_major)
{
	struct tinyml_window w;
	int16_t hist[8];
	int16_t frames[2 * 20];
	int16_t out[8];
	size_t fed = 0u;
	size_t used;
	int windows = 0;
	int f;

	for (f = 0; f < 20; f++) {
		frames[2 * f] = (int16_t)f;
		frames[2 * f + 1] = (int16_t)-f;
	}
	TT_ASSERT_EQ(tinyml_window_init(&w, hist, 8u, 2u, 4u, 3u), 0);
	TT_ASSERT_EQ(tinyml_window_read(&w, out, 8u), -EAGAIN);
	while (fed < 20u) {
		size_t chunk = 20u - fed < 5u ? 20u - fed : 5u;
		int rc = tinyml_window_feed(&w, frames + 2u * fed, chunk, &used);

		TT_ASSERT(rc == 0 || rc == 1);
		TT_ASSERT(used <= chunk);
		fed += used;
		if (rc == 1) {
			int start = 3 * windows;

			TT_ASSERT_EQ(tinyml_window_read(&w, out, 7u), -EINVAL);
			TT_ASSERT_EQ(tinyml_window_read(&w, out, 8u), 0);
			TT_ASSERT_EQ(out[0], start);
			TT_ASSERT_EQ(out[3], start + 3);
			TT_ASSERT_EQ(out[4], -start);
			TT_ASSERT_EQ(out[7], -(start + 3));
			windows++;
		}
	}
	/* Windows start at frames 0, 3, 6, 9, 12, 15 (the last ends at frame 18). */
	TT_ASSERT_EQ(windows, 6);
	TT_ASSERT_EQ(tinyml_window_feed(&w, NULL, 0u, &used), 0);
	TT_ASSERT_EQ(tinyml_window_feed(&w, NULL, 1u, &used), -EINVAL);
}
