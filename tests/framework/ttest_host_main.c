/*
 * Host test runner: `tinyml_host_tests [--bench] [SUITE|FILE]`.
 */
#include <stdio.h>
#include <string.h>

#include "ttest.h"
#include "ttest_port.h"

int ttest_port_vprintf(const char *fmt, va_list ap)
{
	int n = vprintf(fmt, ap);

	fflush(stdout);
	return n;
}

int main(int argc, char **argv)
{
	enum ttest_kind kind = TTEST_KIND_TEST;
	const char *filter = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--bench") == 0) {
			kind = TTEST_KIND_BENCH;
		} else {
			filter = argv[i];
		}
	}
	return ttest_run(kind, filter);
}
