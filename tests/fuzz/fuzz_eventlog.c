/*
 * Fuzz the event-log reader: the input is the raw content of a 4-sector flash area. Mount
 * must succeed on any content, the walk must return strictly increasing sequence numbers,
 * and appending then remounting must keep every newly committed event.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/eventlog.h>

#include "flash_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECTOR 256u
#define AREA   (4u * SECTOR)

static struct tinyml_flash_sim sim;
static struct tinyml_flash_area area;
static uint8_t mem[AREA];
static uint32_t erases[4];
static struct tinyml_eventlog elog;
static uint32_t last_seq;
static uint32_t seen_new;

static int check_order(void *ctx, uint32_t seq, const struct tinyml_event *ev)
{
	(void)ctx;
	if (seq <= last_seq) {
		__builtin_trap();
	}
	last_seq = seq;
	seen_new += ev->timestamp_s >= 0xF0000000u ? 1u : 0u;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tinyml_eventlog_config cfg = {4u, 1000u, 0u};
	struct tinyml_flash_geometry geo = {8u, SECTOR, AREA};
	uint32_t i;

	tinyml_flash_sim_init(&sim);
	if (tinyml_flash_sim_area_init(&area, &sim, mem, erases, &geo, 0u) != 0) {
		__builtin_trap();
	}
	memcpy(mem, data, size < AREA ? size : AREA);
	if (tinyml_eventlog_init(&elog, &area, &cfg) != 0) {
		__builtin_trap(); /* any content mounts */
	}
	last_seq = 0u;
	if (tinyml_eventlog_walk(&elog, check_order, NULL) != 0) {
		__builtin_trap();
	}
	/* a garbled slot may refuse one program; the log must go on and keep what it commits */
	for (i = 0u; i < 6u; i++) {
		struct tinyml_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.timestamp_s = 0xF0000000u + i;
		(void)tinyml_eventlog_append(&elog, &ev, i);
	}
	(void)tinyml_eventlog_flush(&elog, 10u);
	i = tinyml_eventlog_committed_count(&elog);
	if (tinyml_eventlog_init(&elog, &area, &cfg) != 0) {
		__builtin_trap();
	}
	last_seq = 0u;
	seen_new = 0u;
	if (tinyml_eventlog_walk(&elog, check_order, NULL) != 0 || seen_new < i) {
		__builtin_trap();
	}
	return 0;
}
