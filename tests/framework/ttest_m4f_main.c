/*
 * Target test runner: the self-test image runs every test case, the bench image every
 * benchmark, then exits QEMU through semihosting with the runner's status.
 */
#include "console.h"
#include "ttest.h"
#include "ttest_port.h"

#ifndef TTEST_TARGET_KIND
#define TTEST_TARGET_KIND TTEST_KIND_TEST
#endif

int ttest_port_vprintf(const char *fmt, va_list ap)
{
	return console_vprintf(fmt, ap);
}

int main(void)
{
	ttest_printf("TTEST START target=cortex-m4f kind=%s\n",
		     TTEST_TARGET_KIND == TTEST_KIND_TEST ? "selftest" : "bench");
	return ttest_run(TTEST_TARGET_KIND, NULL);
}
