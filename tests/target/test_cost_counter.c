/*
 * The cost counter must count instructions exactly: a routine of a known instruction count
 * (one hundred NOPs and a return) must measure as exactly that.
 */
#include <tinyml/crc32.h>
#include <tinyml/platform/cost.h>

#include "ttest.h"

void cost_probe_100_nops(void *ctx);

__asm__(".text\n"
	".thumb\n"
	".balign 4\n"
	".global cost_probe_100_nops\n"
	".type cost_probe_100_nops, %function\n"
	".thumb_func\n"
	"cost_probe_100_nops:\n"
	".rept 100\n"
	"nop\n"
	".endr\n"
	"bx lr\n"
	".size cost_probe_100_nops, .-cost_probe_100_nops\n");

TTEST(cost_counter, counts_instructions_exactly)
{
	/* The empty reference function is a single `bx lr`, so 100 NOPs remain. */
	TT_ASSERT_EQ(ttest_cost_per_call(cost_probe_100_nops, NULL, 400u), 100);
}

TTEST(cost_counter, is_monotonic)
{
	uint64_t a = tinyml_platform_cost_now();
	uint64_t b = tinyml_platform_cost_now();

	TT_ASSERT(b >= a);
}
