/*
 * Event log over a flash ring: batching, rate cap, encoding (see tinyml/eventlog.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/eventlog.h>

#include "le_bytes.h"

#define Q15_MAX 32767u

void tinyml_event_encode(const struct tinyml_event *ev, uint8_t *out)
{
	tinyml_put_le32(out, ev->timestamp_s);
	tinyml_put_le16(out + 4, ev->class_id);
	tinyml_put_le16(out + 6, ev->score_q15);
	tinyml_put_le16(out + 8, ev->margin_q15);
	tinyml_put_le16(out + 10, ev->flags);
	tinyml_put_le32(out + 12, ev->fw_version);
	tinyml_put_le32(out + 16, ev->model_version);
	tinyml_put_le32(out + 20, ev->pipeline_version);
	tinyml_put_le32(out + 24, ev->detections);
	tinyml_put_le32(out + 28, ev->boots);
	tinyml_put_le32(out + 32, ev->dropped);
}

int tinyml_event_decode(const uint8_t *in, size_t len, struct tinyml_event *ev)
{
	if (in == NULL || ev == NULL || len != TINYML_EVENTLOG_EVENT_BYTES) {
		return -EINVAL;
	}
	ev->timestamp_s = tinyml_get_le32(in);
	ev->class_id = tinyml_get_le16(in + 4);
	ev->score_q15 = tinyml_get_le16(in + 6);
	ev->margin_q15 = tinyml_get_le16(in + 8);
	ev->flags = tinyml_get_le16(in + 10);
	ev->fw_version = tinyml_get_le32(in + 12);
	ev->model_version = tinyml_get_le32(in + 16);
	ev->pipeline_version = tinyml_get_le32(in + 20);
	ev->detections = tinyml_get_le32(in + 24);
	ev->boots = tinyml_get_le32(in + 28);
	ev->dropped = tinyml_get_le32(in + 32);
	if (ev->score_q15 > Q15_MAX || ev->margin_q15 > Q15_MAX) {
		return -EBADMSG;
	}
	return 0;
}

int tinyml_eventlog_init(struct tinyml_eventlog *log, const struct tinyml_flash_area *fa,
			 const struct tinyml_eventlog_config *cfg)
{
	if (log == NULL || cfg == NULL || cfg->batch_events == 0u ||
	    cfg->batch_events > TINYML_EVENTLOG_MAX_PENDING) {
		return -EINVAL;
	}
	memset(log, 0, sizeof(*log));
	log->cfg = *cfg;
	return tinyml_flashring_mount(&log->ring, fa, TINYML_EVENTLOG_MAGIC,
				      TINYML_EVENTLOG_EVENT_BYTES);
}

static bool rate_allows(const struct tinyml_eventlog *log, uint32_t now_ms)
{
	return !log->flushed_once || now_ms - log->last_flush_ms >= log->cfg.min_flush_interval_ms;
}

int tinyml_eventlog_flush(struct tinyml_eventlog *log, uint32_t now_ms)
{
	uint8_t payload[TINYML_EVENTLOG_EVENT_BYTES];
	uint16_t done = 0u;
	int rc = 0;

	if (log->n_pending != 0u) {
		log->flushed_once = true;
		log->last_flush_ms = now_ms;
	}
	while (done < log->n_pending) {
		uint32_t seq;

		tinyml_event_encode(&log->pending[done], payload);
		rc = tinyml_flashring_append(&log->ring, payload, sizeof(payload), &seq);
		if (rc == 0) {
			log->committed_seq = seq;
			log->committed++;
			done++;
		} else {
			/* the slot is used up; a retry writes the event in a fresh one */
			break;
		}
	}
	memmove(&log->pending[0], &log->pending[done],
		(size_t)(log->n_pending - done) * sizeof(log->pending[0]));
	log->n_pending = (uint16_t)(log->n_pending - done);
	log->oldest_pending_ms = now_ms;
	return rc;
}

int tinyml_eventlog_append(struct tinyml_eventlog *log, const struct tinyml_event *ev,
			   uint32_t now_ms)
{
	if (log == NULL || ev == NULL) {
		return -EINVAL;
	}
	if (log->n_pending == TINYML_EVENTLOG_MAX_PENDING) {
		int rc;

		if (!rate_allows(log, now_ms)) {
			log->dropped++;
			return -ENOBUFS;
		}
		rc = tinyml_eventlog_flush(log, now_ms);
		if (log->n_pending == TINYML_EVENTLOG_MAX_PENDING) {
			log->dropped++;
			return rc != 0 ? rc : -ENOBUFS;
		}
	}
	if (log->n_pending == 0u) {
		log->oldest_pending_ms = now_ms;
	}
	log->pending[log->n_pending] = *ev;
	log->pending[log->n_pending].dropped = log->dropped;
	log->n_pending++;
	if (log->n_pending >= log->cfg.batch_events && rate_allows(log, now_ms)) {
		return tinyml_eventlog_flush(log, now_ms);
	}
	return 0;
}

int tinyml_eventlog_poll(struct tinyml_eventlog *log, uint32_t now_ms)
{
	if (log->n_pending == 0u ||
	    (now_ms - log->oldest_pending_ms < log->cfg.flush_interval_ms &&
	     log->n_pending < log->cfg.batch_events) ||
	    !rate_allows(log, now_ms)) {
		return 0;
	}
	return tinyml_eventlog_flush(log, now_ms);
}

struct walk_ctx {
	tinyml_eventlog_visit_t visit;
	void *ctx;
};

static int visit_record(void *ctx, uint32_t seq, const uint8_t *payload, size_t len)
{
	struct walk_ctx *w = ctx;
	struct tinyml_event ev;

	if (tinyml_event_decode(payload, len, &ev) != 0) {
		return 0; /* CRC-valid but not an event of this format: skip */
	}
	return w->visit(w->ctx, seq, &ev);
}

int tinyml_eventlog_walk(struct tinyml_eventlog *log, tinyml_eventlog_visit_t visit, void *ctx)
{
	struct walk_ctx w = {visit, ctx};

	if (log == NULL || visit == NULL) {
		return -EINVAL;
	}
	return tinyml_flashring_walk(&log->ring, visit_record, &w);
}

uint32_t tinyml_eventlog_committed_seq(const struct tinyml_eventlog *log)
{
	return log->committed_seq;
}

uint32_t tinyml_eventlog_committed_count(const struct tinyml_eventlog *log)
{
	return log->committed;
}

uint32_t tinyml_eventlog_pending(const struct tinyml_eventlog *log)
{
	return log->n_pending;
}

uint32_t tinyml_eventlog_capacity(const struct tinyml_eventlog *log)
{
	return tinyml_flashring_capacity(&log->ring);
}
