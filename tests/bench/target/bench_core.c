/*
 * Benchmarks of the foundation: what one CRC-32 over a 256-byte record costs on the target.
 */
#include <tinyml/crc32.h>

#include "ttest.h"

static uint8_t record[256];

static void crc_record(void *ctx)
{
	volatile uint32_t *out = ctx;

	*out = tinyml_crc32(0u, record, sizeof(record));
}

TBENCH(crc32_256)
{
	volatile uint32_t sink = 0u;
	unsigned int i;

	for (i = 0u; i < sizeof(record); i++) {
		record[i] = (uint8_t)i;
	}
	ttest_figure("core.crc32_256b.instructions",
		     (long long)ttest_cost_per_call(crc_record, (void *)&sink, 400u));
}
