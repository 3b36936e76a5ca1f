/*
 * Zephyr port: lock seam. A mutex, never taken from an ISR (the ISR path goes through the
 * lock-free ring buffer), so a thread holding it can be preempted without blocking interrupts.
 */
#include <zephyr/kernel.h>

#include <tinyml/platform/lock.h>

K_MUTEX_DEFINE(tinyml_core_mutex);

void tinyml_platform_lock(void)
{
	(void)k_mutex_lock(&tinyml_core_mutex, K_FOREVER);
}

void tinyml_platform_unlock(void)
{
	(void)k_mutex_unlock(&tinyml_core_mutex);
}
