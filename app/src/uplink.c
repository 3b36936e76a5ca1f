/*
 * The bounded uplink queue: event summaries only, never samples (docs/field-loop.md). A full
 * queue drops its oldest summary and counts it (key 12 of the next one), so a stalled link never
 * blocks the processing thread. Reading does not remove anything: a gateway (SMP group 72) or
 * `tinyml events dump` reads, and only an acknowledgement up to a sequence number removes.
 * Sequence numbers are unique across reboots: the boot counter in the top 12 bits, +1 per
 * summary within a boot.
 */
#include <errno.h>
#include <string.h>

#include <zephyr/kernel.h>

#include "app.h"
#include "app_field.h"

#define DEPTH CONFIG_TINYML_APP_UPLINK_DEPTH

static struct app_uplink_summary queue[DEPTH];
static uint32_t head;  /* index of the oldest */
static uint32_t count; /* summaries held */
static uint32_t next_seq;
static uint32_t dropped_total;
static uint32_t dropped_since_post;
static struct app_uplink_versions versions;
static struct app_uplink_summary newest_event; /* the last event, acknowledged or not */
static bool have_event;
K_MUTEX_DEFINE(uplink_lock);

void app_uplink_init(uint32_t boots)
{
	k_mutex_lock(&uplink_lock, K_FOREVER);
	next_seq = (boots & 0xfffU) << 20;
	versions.boots = boots;
	k_mutex_unlock(&uplink_lock);
}

void app_uplink_set_versions(const struct app_uplink_versions *v)
{
	k_mutex_lock(&uplink_lock, K_FOREVER);
	versions = *v;
	k_mutex_unlock(&uplink_lock);
}

void app_uplink_versions(struct app_uplink_versions *out)
{
	k_mutex_lock(&uplink_lock, K_FOREVER);
	*out = versions;
	k_mutex_unlock(&uplink_lock);
}

/* Caller holds the lock. */
static void push(struct app_uplink_summary *s)
{
	if (count == DEPTH) {
		head = (head + 1U) % DEPTH;
		count--;
		dropped_total++;
		dropped_since_post++;
	}
	s->seq = next_seq++;
	s->dropped = dropped_since_post;
	dropped_since_post = 0;
	queue[(head + count) % DEPTH] = *s;
	count++;
}

void app_uplink_post(const struct app_event_summary *summary)
{
	struct app_uplink_summary s = {
		.time_s = summary->t_ms / 1000U,
		.class_id = summary->class_id,
		.score_q15 = MAX(summary->score_q15, 0),
		.margin_q15 = MAX(summary->margin_q15, 0),
		.flags = summary->flags,
	};

	k_mutex_lock(&uplink_lock, K_FOREVER);
	s.fw_version = versions.fw_version;
	s.model_version = versions.model_version;
	s.pipeline_id = versions.pipeline_id;
	s.runtime_id = versions.runtime_id;
	s.boots = versions.boots;
	push(&s);
	newest_event = s;
	have_event = true;
	k_mutex_unlock(&uplink_lock);
}

int app_uplink_flag_last(uint16_t flags, const struct app_fired_summary *fired,
			 struct app_uplink_summary *out)
{
	int rc = -ENOENT;

	k_mutex_lock(&uplink_lock, K_FOREVER);
	if (have_event) {
		struct app_uplink_summary s = newest_event;

		s.flags |= flags;
		s.fired = *fired;
		push(&s);
		*out = s;
		rc = 0;
	}
	k_mutex_unlock(&uplink_lock);
	return rc;
}

int app_uplink_peek(uint32_t index, struct app_uplink_summary *out)
{
	int rc = -ENOENT;

	k_mutex_lock(&uplink_lock, K_FOREVER);
	if (index < count) {
		*out = queue[(head + index) % DEPTH];
		rc = 0;
	}
	k_mutex_unlock(&uplink_lock);
	return rc;
}

uint32_t app_uplink_ack(uint32_t seq)
{
	uint32_t removed = 0;

	k_mutex_lock(&uplink_lock, K_FOREVER);
	/* Oldest first and seq grows by one per summary: stop at the first newer one. */
	while (count > 0U && queue[head].seq <= seq) {
		head = (head + 1U) % DEPTH;
		count--;
		removed++;
	}
	k_mutex_unlock(&uplink_lock);
	return removed;
}

uint32_t app_uplink_dropped(void)
{
	uint32_t n;

	k_mutex_lock(&uplink_lock, K_FOREVER);
	n = dropped_total;
	k_mutex_unlock(&uplink_lock);
	return n;
}

uint32_t app_uplink_pending(void)
{
	uint32_t n;

	k_mutex_lock(&uplink_lock, K_FOREVER);
	n = count;
	k_mutex_unlock(&uplink_lock);
	return n;
}
