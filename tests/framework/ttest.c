#include <stdarg.h>
#include <string.h>

#include <tinyml/platform/cost.h>

#include "ttest.h"
#include "ttest_port.h"

extern const struct ttest_case __start_ttest_cases[];
extern const struct ttest_case __stop_ttest_cases[];

static bool current_failed;

int ttest_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = ttest_port_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void ttest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failed = true;
	ttest_printf("  %s:%d: ", file, line);
	va_start(ap, fmt);
	(void)ttest_port_vprintf(fmt, ap);
	va_end(ap);
	ttest_printf("\n");
}

bool ttest_failed(void)
{
	return current_failed;
}

void ttest_figure(const char *name, long long value)
{
	ttest_printf("FIGURE %s %lld\n", name, value);
}

size_t ttest_mem_diff(const void *a, const void *b, size_t len)
{
	const unsigned char *pa = a;
	const unsigned char *pb = b;
	size_t i;

	for (i = 0u; i < len; i++) {
		if (pa[i] != pb[i]) {
			return i;
		}
	}
	return (size_t)-1;
}

/* Both stay out of line so the loop around fn() is the same machine code for every fn. */
__attribute__((noinline)) static void empty_call(void *ctx)
{
	__asm__ volatile("" ::"r"(ctx) : "memory");
}

__attribute__((noinline, noclone)) static uint64_t run_reps(void (*fn)(void *), void *ctx,
							    uint32_t reps)
{
	uint64_t start = tinyml_platform_cost_now();
	uint32_t i;

	for (i = 0u; i < reps; i++) {
		fn(ctx);
	}
	return tinyml_platform_cost_now() - start;
}

uint64_t ttest_cost_per_call(void (*fn)(void *), void *ctx, uint32_t reps)
{
	int64_t fn_cost;
	int64_t base_cost;
	int64_t net;

	if (reps == 0u) {
		return 0u;
	}
	fn(ctx); /* warm up: first-call effects stay out of the figure */
	fn_cost = (int64_t)run_reps(fn, ctx, 2u * reps) - (int64_t)run_reps(fn, ctx, reps);
	base_cost = (int64_t)run_reps(empty_call, NULL, 2u * reps) -
		    (int64_t)run_reps(empty_call, NULL, reps);
	net = fn_cost - base_cost;
	if (net < 0) {
		net = 0;
	}
	return (uint64_t)((net + (int64_t)reps / 2) / (int64_t)reps);
}

static bool matches(const struct ttest_case *tc, const char *filter)
{
	const char *base;

	if (filter == NULL || filter[0] == '\0') {
		return true;
	}
	if (strcmp(tc->suite, filter) == 0) {
		return true;
	}
	/* A filter may also name the test file, e.g. "test_crc32.c". */
	base = strrchr(tc->file, '/');
	base = base != NULL ? base + 1 : tc->file;
	return strcmp(base, filter) == 0;
}

int ttest_run(enum ttest_kind kind, const char *filter)
{
	const struct ttest_case *tc;
	unsigned int passed = 0u;
	unsigned int failed = 0u;

	for (tc = __start_ttest_cases; tc < __stop_ttest_cases; tc++) {
		if (tc->kind != (uint32_t)kind || !matches(tc, filter)) {
			continue;
		}
		current_failed = false;
		tc->fn();
		if (current_failed) {
			failed++;
			ttest_printf("TTEST FAIL %s.%s\n", tc->suite, tc->name);
		} else {
			passed++;
			ttest_printf("TTEST PASS %s.%s\n", tc->suite, tc->name);
		}
	}
	ttest_printf("TTEST SUMMARY passed=%u failed=%u cost=%llu unit=%s\n", passed, failed,
		     (unsigned long long)tinyml_platform_cost_now(), tinyml_platform_cost_unit());
	ttest_printf("%u passed, %u failed\n", passed, failed);
	if (passed + failed == 0u) {
		ttest_printf("TTEST no case matched\n");
		return 2;
	}
	return failed == 0u ? 0 : 1;
}
