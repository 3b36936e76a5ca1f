#include <errno.h>
#include <math.h>

#include <tinyml/quantize.h>

#include "ttest.h"

/* The reference: numpy's clip(rint(f / scale) + zp, -128, 127) in double. */
static int8_t reference(float scale, int32_t zp, int32_t value)
{
	double q = nearbyint((double)value / (double)scale) + zp;

	return (int8_t)(q < -128.0 ? -128 : (q > 127.0 ? 127 : q));
}

TTEST(quantize, init_validates)
{
	struct tinyml_quantizer q;

	TT_ASSERT_EQ(tinyml_quantizer_init(NULL, 1.0f, 0), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, 0.0f, 0), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, -1.0f, 0), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, NAN, 0), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, INFINITY, 0), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, 1.0f, 128), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, 1.0f, -129), -EINVAL);
	TT_ASSERT_EQ(tinyml_quantizer_init(&q, 0.25f, -128), 0);
}

TTEST(quantize, ties_go_to_even)
{
	struct tinyml_quantizer q;

	TT_ASSERT_EQ(tinyml_quantizer_init(&q, 2.0f, 0), 0);
	TT_ASSERT_EQ(tinyml_quantize_int8(&q, 1), 0);   /* 0.5 -> 0 */
	TT_ASSERT_EQ(tinyml_quantize_int8(&q, 3), 2);   /* 1.5 -> 2 */
	TT_ASSERT_EQ(tinyml_quantize_int8(&q, 5), 2);   /* 2.5 -> 2 */
	TT_ASSERT_EQ(tinyml_quantize_int8(&q, -1), 0);  /* -0.5 -> 0 */
	TT_ASSERT_EQ(tinyml_quantize_int8(&q, -3), -2); /* -1.5 -> -2 */
	TT_ASSERT_EQ(tinyml_quantize_int8(&q, -5), -2);
}

TTEST(quantize, equals_double_reference)
{
	/* Scales over many octaves, odd mantissas, every zero point edge, values across int32. */
	static const float scales[] = {1e-9f, 3.0517578e-05f, 0.00390625f, 0.0157f,  0.1f, 0.75f,
				       1.0f,  3.3f,           255.0f,      70000.5f, 1e9f, 3e12f};
	static const int32_t zps[] = {-128, -5, 0, 17, 127};
	uint32_t x = 12345u;

	for (size_t s = 0; s < sizeof(scales) / sizeof(scales[0]); s++) {
		for (size_t z = 0; z < sizeof(zps) / sizeof(zps[0]); z++) {
			struct tinyml_quantizer q;

			TT_ASSERT_EQ(tinyml_quantizer_init(&q, scales[s], zps[z]), 0);
			for (int i = 0; i < 4000; i++) {
				int32_t v;

				x = x * 1664525u + 1013904223u;
				/* Mix small values near the scale with the whole int32 range. */
				v = (i % 3 == 0)
					    ? (int32_t)x
					    : (int32_t)((int64_t)((int32_t)x % 512) *
							(int64_t)(scales[s] >= 1.0f
									  ? (int32_t)scales[s] / 2 +
										    1
									  : 1));
				if (i == 1) {
					v = INT32_MIN;
				} else if (i == 2) {
					v = INT32_MAX;
				}
				TT_ASSERT_EQ(tinyml_quantize_int8(&q, v),
					     reference(scales[s], zps[z], v));
			}
		}
	}
}
