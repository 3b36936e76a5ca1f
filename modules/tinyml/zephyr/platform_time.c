/*
 * Zephyr port: time seam.
 */
#include <zephyr/kernel.h>

#include <tinyml/platform/time.h>

uint32_t tinyml_platform_uptime_ms(void)
{
	return k_uptime_get_32();
}
