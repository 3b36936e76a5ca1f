/*
 * ttest: the unit-test and benchmark registry shared by the host and the emulated target.
 *
 * A case registers itself in the `ttest_cases` linker section, so adding a test file never
 * touches a list: the host build and the Cortex-M4F self-test image pick up every file in
 * tests/core/ (both), tests/host/ (host only) and tests/bench/target/ (benchmarks).
 *
 *   TTEST(ringbuf, wraps_around) { TT_ASSERT_EQ(x, 3); }
 *   TBENCH(crc32_256) { ttest_figure("core.crc32_256.instructions", n); }
 *
 * Assertions stop the current case on the first failure and report file, line and values.
 */
#ifndef TTEST_H_
#define TTEST_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ttest_kind {
	TTEST_KIND_TEST = 0,
	TTEST_KIND_BENCH = 1,
};

struct ttest_case {
	const char *suite;
	const char *name;
	const char *file;
	void (*fn)(void);
	uint32_t kind;
};

#define TTEST_REGISTER(suite_, name_, kind_)                                                       \
	static void ttest_fn_##suite_##_##name_(void);                                             \
	__attribute__((used, section("ttest_cases"),                                               \
		       aligned(sizeof(void *)))) static const struct ttest_case                    \
		ttest_case_##suite_##_##name_ = {#suite_, #name_, __FILE__,                        \
						 ttest_fn_##suite_##_##name_, kind_};              \
	static void ttest_fn_##suite_##_##name_(void)

#define TTEST(suite_, name_) TTEST_REGISTER(suite_, name_, TTEST_KIND_TEST)
#define TBENCH(name_)        TTEST_REGISTER(bench, name_, TTEST_KIND_BENCH)

/* Failure bookkeeping used by the assertion macros. */
void ttest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool ttest_failed(void);

/** @brief printf to the test console (host stdout, target UART). */
int ttest_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** @brief Report a benchmark figure: one "FIGURE <name> <value>" line the harness collects. */
void ttest_figure(const char *name, long long value);

#define TT_ASSERT(cond)                                                                            \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			ttest_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);             \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define TT_ASSERT_EQ(a, b)                                                                         \
	do {                                                                                       \
		long long tt_a_ = (long long)(a);                                                  \
		long long tt_b_ = (long long)(b);                                                  \
		if (tt_a_ != tt_b_) {                                                              \
			ttest_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, tt_a_,    \
				   tt_b_);                                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define TT_ASSERT_MEM_EQ(a, b, len)                                                                \
	do {                                                                                       \
		size_t tt_off_ = ttest_mem_diff((a), (b), (len));                                  \
		if (tt_off_ != (size_t)-1) {                                                       \
			ttest_fail(__FILE__, __LINE__, "%s and %s differ at byte %u", #a, #b,      \
				   (unsigned int)tt_off_);                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/** @brief Offset of the first differing byte, or (size_t)-1 when equal. */
size_t ttest_mem_diff(const void *a, const void *b, size_t len);

/**
 * @brief Per-call cost of @p fn, exact on the emulated target.
 *
 * Runs @p fn(ctx) @p reps and 2 x @p reps times and subtracts the same for an empty function,
 * so loop and call overhead cancel; the counter's 40-instruction resolution then contributes
 * at most 160 / reps to the result, which is rounded to the nearest unit.
 */
uint64_t ttest_cost_per_call(void (*fn)(void *), void *ctx, uint32_t reps);

/** @brief Run every registered case of @p kind whose suite matches @p filter (NULL: all). */
int ttest_run(enum ttest_kind kind, const char *filter);

#ifdef __cplusplus
}
#endif

#endif /* TTEST_H_ */
