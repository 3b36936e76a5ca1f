#include <string.h>

#include <tinyml/version.h>

#include "ttest.h"

TTEST(version, string_matches_packed)
{
	const char *s = tinyml_version_string();
	uint32_t packed = tinyml_version_packed();
	char expect[16];
	int i = 0;
	uint32_t parts[3] = {packed >> 16, (packed >> 8) & 0xFFu, packed & 0xFFu};
	int p;

	for (p = 0; p < 3; p++) {
		uint32_t v = parts[p];
		char digits[4];
		int n = 0;

		do {
			digits[n++] = (char)('0' + v % 10u);
			v /= 10u;
		} while (v != 0u);
		while (n > 0) {
			expect[i++] = digits[--n];
		}
		expect[i++] = p < 2 ? '.' : '\0';
	}
	TT_ASSERT(strcmp(s, expect) == 0);
}
