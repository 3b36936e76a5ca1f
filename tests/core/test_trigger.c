#include <errno.h>

#include <tinyml/trigger.h>

#include "ttest.h"

TTEST(trigger, rms_threshold_with_hold)
{
	struct tinyml_trigger t;
	int16_t quiet[6] = {10, -10, 10, -10, 10, -10};
	int16_t loud[6] = {1000, -1000, 1000, -1000, 1000, -1000};

	TT_ASSERT_EQ(tinyml_trigger_init(&t, TINYML_TRIGGER_RMS, 3u, 32769u, 200u), -EINVAL);
	TT_ASSERT_EQ(tinyml_trigger_init(&t, TINYML_TRIGGER_RMS, 3u, 1000u, 200u), 0);
	TT_ASSERT_EQ(tinyml_trigger_update(&t, quiet, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_trigger_update(&t, loud, 2u, 100u), 1);  /* rms exactly 1000 */
	TT_ASSERT_EQ(tinyml_trigger_update(&t, quiet, 2u, 300u), 1); /* held 200 ms */
	TT_ASSERT_EQ(tinyml_trigger_update(&t, quiet, 2u, 301u), 0);
	loud[0] = 999;
	loud[1] = -999;
	loud[2] = 999;
	loud[3] = -999;
	loud[4] = 999;
	loud[5] = -999;
	TT_ASSERT_EQ(tinyml_trigger_update(&t, loud, 2u, 400u), 0);
}

TTEST(trigger, delta_ignores_a_constant_offset)
{
	struct tinyml_trigger t;
	int16_t gravity[6] = {0, 0, 16384, 0, 0, 16384};
	int16_t knock[6] = {0, 0, 16384, 300, -200, 16384};

	TT_ASSERT_EQ(tinyml_trigger_init(&t, TINYML_TRIGGER_DELTA, 3u, 500u, 0u), 0);
	TT_ASSERT_EQ(tinyml_trigger_update(&t, gravity, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_trigger_update(&t, knock, 2u, 10u), 1); /* |300| + |-200| */
	/* Settling back is a change too; then rest disarms (no hold time). */
	TT_ASSERT_EQ(tinyml_trigger_update(&t, gravity, 2u, 11u), 1);
	TT_ASSERT_EQ(tinyml_trigger_update(&t, gravity, 2u, 12u), 0);
	TT_ASSERT_EQ(tinyml_trigger_update(&t, gravity, 0u, 11u), -EINVAL);
	TT_ASSERT_EQ(tinyml_trigger_update(NULL, gravity, 1u, 11u), -EINVAL);
	TT_ASSERT_EQ(tinyml_trigger_init(&t, TINYML_TRIGGER_DELTA, 9u, 500u, 0u), -EINVAL);
	TT_ASSERT_EQ(tinyml_trigger_init(&t, (enum tinyml_trigger_mode)5, 1u, 500u, 0u), -EINVAL);
}
