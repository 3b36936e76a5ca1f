/*
 * What the event-log tests check after a reboot: every event read back is one the test
 * appended, bit for bit, in order, and every committed event within the log's guaranteed
 * capacity is there. Events carry their id in timestamp_s; the other fields derive from it.
 */
#ifndef TESTS_HOST_EVENTLOG_ORACLE_H_
#define TESTS_HOST_EVENTLOG_ORACLE_H_

#include <stdbool.h>
#include <string.h>

#include <tinyml/eventlog.h>

#define ORACLE_MAX_EVENTS 8192u

static inline struct tinyml_event oracle_event(uint32_t id)
{
	struct tinyml_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.timestamp_s = id;
	ev.class_id = (uint16_t)(id % 7u);
	ev.score_q15 = (uint16_t)((id * 977u) % 32768u);
	ev.margin_q15 = (uint16_t)((id * 131u) % 32768u);
	ev.flags = (uint16_t)(id & 0xFFFFu);
	ev.fw_version = 0x01020300u + (id & 0xFFu);
	ev.model_version = 7u + id / 100u;
	ev.pipeline_version = 3u;
	ev.detections = id * 3u;
	ev.boots = id ^ 0xA5A5A5A5u;
	return ev;
}

static inline bool oracle_matches(const struct tinyml_event *ev)
{
	struct tinyml_event want = oracle_event(ev->timestamp_s);

	want.dropped = ev->dropped; /* set by the log */
	return memcmp(&want, ev, sizeof(want)) == 0;
}

struct oracle {
	uint32_t committed[ORACLE_MAX_EVENTS]; /* ids, in commit order */
	uint32_t n_committed;
	uint32_t fifo[TINYML_EVENTLOG_MAX_PENDING]; /* ids pending in the log's RAM */
	uint32_t n_fifo;
	/* results of the last check */
	uint32_t seen[ORACLE_MAX_EVENTS];
	uint32_t n_seen;
	uint32_t torn_returned;
	uint32_t out_of_order;
};

/* Mirrors the log's FIFO after a call: @p accepted when the id was queued. */
static inline void oracle_after_call(struct oracle *o, const struct tinyml_eventlog *log,
				     uint32_t *committed_before, uint32_t id, bool offered)
{
	uint32_t pending_before = o->n_fifo;
	uint32_t newly = tinyml_eventlog_committed_count(log) - *committed_before;
	uint32_t i;

	if (offered && tinyml_eventlog_pending(log) + newly == pending_before + 1u) {
		o->fifo[o->n_fifo++] = id;
	}
	for (i = 0u; i < newly; i++) {
		o->committed[o->n_committed++] = o->fifo[i];
	}
	memmove(o->fifo, o->fifo + newly, (o->n_fifo - newly) * sizeof(o->fifo[0]));
	o->n_fifo -= newly;
	*committed_before = tinyml_eventlog_committed_count(log);
}

static inline void oracle_reboot(struct oracle *o)
{
	o->n_fifo = 0u; /* pending events were in RAM */
}

static inline int oracle_visit(void *ctx, uint32_t seq, const struct tinyml_event *ev)
{
	struct oracle *o = ctx;

	(void)seq;
	if (!oracle_matches(ev)) {
		o->torn_returned++;
		return 0;
	}
	if (o->n_seen > 0u && ev->timestamp_s <= o->seen[o->n_seen - 1u]) {
		o->out_of_order++;
	}
	if (o->n_seen < ORACLE_MAX_EVENTS) {
		o->seen[o->n_seen++] = ev->timestamp_s;
	}
	return 0;
}

/* Walks the log; returns the number of committed events within @p window that are missing. */
static inline uint32_t oracle_check(struct oracle *o, struct tinyml_eventlog *log, uint32_t window,
				    int *walk_rc)
{
	uint32_t lost = 0u;
	uint32_t first = o->n_committed > window ? o->n_committed - window : 0u;
	uint32_t i;
	uint32_t j = 0u;

	o->n_seen = 0u;
	o->torn_returned = 0u;
	o->out_of_order = 0u;
	*walk_rc = tinyml_eventlog_walk(log, oracle_visit, o);
	for (i = first; i < o->n_committed; i++) {
		while (j < o->n_seen && o->seen[j] < o->committed[i]) {
			j++;
		}
		if (j == o->n_seen || o->seen[j] != o->committed[i]) {
			lost++;
		}
	}
	return lost;
}

#endif /* TESTS_HOST_EVENTLOG_ORACLE_H_ */
