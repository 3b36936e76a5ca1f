/*
 * The port's time, cost and lock seams.
 */
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/ztest.h>

#include <tinyml/platform/cost.h>
#include <tinyml/platform/lock.h>
#include <tinyml/platform/time.h>

ZTEST_SUITE(tinyml_seams, NULL, NULL, NULL, NULL, NULL);

ZTEST(tinyml_seams, test_uptime_follows_the_kernel)
{
	uint32_t before = tinyml_platform_uptime_ms();

	k_msleep(20);
	uint32_t after = tinyml_platform_uptime_ms();

	zassert_true(after - before >= 20U, "%u -> %u", before, after);
	zassert_true(after - before < 1000U);
}

ZTEST(tinyml_seams, test_cost_counter_is_monotonic_cycles)
{
	uint64_t a = tinyml_platform_cost_now();

	k_busy_wait(100);
	uint64_t b = tinyml_platform_cost_now();

	zassert_true(b > a);
	zassert_equal(strcmp(tinyml_platform_cost_unit(), "cycles"), 0);
}

static volatile int shared;

static void contender(void *p1, void *p2, void *p3)
{
	ARG_UNUSED(p1);
	ARG_UNUSED(p2);
	ARG_UNUSED(p3);
	tinyml_platform_lock();
	shared = 2;
	tinyml_platform_unlock();
}

K_THREAD_STACK_DEFINE(contender_stack, 1024);
static struct k_thread contender_thread;

ZTEST(tinyml_seams, test_lock_excludes_another_thread)
{
	tinyml_platform_lock();
	shared = 1;
	k_thread_create(&contender_thread, contender_stack, K_THREAD_STACK_SIZEOF(contender_stack),
			contender, NULL, NULL, NULL, K_PRIO_PREEMPT(0), 0, K_NO_WAIT);
	k_msleep(10);
	zassert_equal(shared, 1, "the other thread entered while the lock was held");
	tinyml_platform_unlock();
	zassert_ok(k_thread_join(&contender_thread, K_SECONDS(1)));
	zassert_equal(shared, 2);
}
