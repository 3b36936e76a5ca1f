/*
 * Event log: the last N detection events of a device, kept in a flash ring (tinyml/flashring.h).
 *
 * Appends go to a RAM buffer and reach flash in batches: when batch_events are pending, or
 * when the oldest pending event is flush_interval_ms old. Automatic flushes are at least
 * min_flush_interval_ms apart, which caps the write rate and so the wear; when the buffer is
 * full inside that window, new events are dropped and counted (the count is stored with the
 * next event). An event is committed once tinyml_eventlog_committed_seq() covers it: it then
 * survives any power cut until the ring wraps past it. A torn record is never returned.
 */
#ifndef TINYML_EVENTLOG_H_
#define TINYML_EVENTLOG_H_

#include <stdint.h>

#include <tinyml/flashring.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef TINYML_EVENTLOG_MAX_PENDING
#define TINYML_EVENTLOG_MAX_PENDING 16
#endif

/** Magic of the event log's sectors ("TEV1"). */
#define TINYML_EVENTLOG_MAGIC 0x31564554u

/** Bytes of one encoded event. */
#define TINYML_EVENTLOG_EVENT_BYTES 36u

/** One detection event. */
struct tinyml_event {
	uint32_t timestamp_s;      /**< seconds (device clock) */
	uint16_t class_id;         /**< top-1 class */
	uint16_t score_q15;        /**< top-1 score, 0..32767 = 0..1 */
	uint16_t margin_q15;       /**< top-1 minus runner-up score, 0..32767 */
	uint16_t flags;            /**< application flags */
	uint32_t fw_version;       /**< firmware version */
	uint32_t model_version;    /**< model version */
	uint32_t pipeline_version; /**< feature-pipeline version */
	uint32_t detections;       /**< detections counted since boot */
	uint32_t boots;            /**< boot counter */
	uint32_t dropped; /**< events dropped by the rate cap since boot (set by the log) */
};

/** Batching and rate cap. */
struct tinyml_eventlog_config {
	uint16_t batch_events;          /**< flush at this many pending (1..MAX_PENDING) */
	uint32_t flush_interval_ms;     /**< flush when the oldest pending is this old */
	uint32_t min_flush_interval_ms; /**< automatic flushes at least this far apart */
};

/** State of the event log; fields are private to eventlog.c. */
struct tinyml_eventlog {
	struct tinyml_flashring ring;
	struct tinyml_eventlog_config cfg;
	struct tinyml_event pending[TINYML_EVENTLOG_MAX_PENDING];
	uint16_t n_pending;
	bool flushed_once;
	uint32_t oldest_pending_ms;
	uint32_t last_flush_ms;
	uint32_t dropped;
	uint32_t committed_seq;
	uint32_t committed;
};

/**
 * @brief Mount the log on @p fa (recovers from any interrupted write; reads only).
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p cfg is out of range or the area's geometry does not fit.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_eventlog_init(struct tinyml_eventlog *log, const struct tinyml_flash_area *fa,
			 const struct tinyml_eventlog_config *cfg);

/**
 * @brief Queue one event; flushes when the batch is full and the rate cap allows.
 *
 * @param now_ms Monotonic time of the call.
 * @retval 0 if queued (and possibly flushed).
 * @retval -ENOBUFS if the buffer is full and the rate cap forbids a flush: dropped, counted.
 * @retval -EIO if a flush failed; the event stays queued unless it was the one written.
 */
int tinyml_eventlog_append(struct tinyml_eventlog *log, const struct tinyml_event *ev,
			   uint32_t now_ms);

/**
 * @brief Flush when the oldest pending event is due and the rate cap allows; call periodically.
 *
 * @retval 0 on success (also when nothing was due).
 * @retval -EIO if the flash failed.
 */
int tinyml_eventlog_poll(struct tinyml_eventlog *log, uint32_t now_ms);

/**
 * @brief Write every pending event now, ignoring the rate cap (before a planned reset).
 *
 * @retval 0 on success.
 * @retval -EIO if the flash failed; events written before the failure are committed.
 */
int tinyml_eventlog_flush(struct tinyml_eventlog *log, uint32_t now_ms);

/**
 * @brief Called for each stored event, oldest first.
 *
 * @return 0 to go on, anything else stops the walk.
 */
typedef int (*tinyml_eventlog_visit_t)(void *ctx, uint32_t seq, const struct tinyml_event *ev);

/**
 * @brief Walk the events in flash, oldest first (pending ones are not included).
 *
 * @retval 0 after the last event, or the value @p visit stopped with.
 * @retval -EIO if the flash could not be read.
 */
int tinyml_eventlog_walk(struct tinyml_eventlog *log, tinyml_eventlog_visit_t visit, void *ctx);

/** @brief Sequence number of the newest committed event of this boot (0: none yet). */
uint32_t tinyml_eventlog_committed_seq(const struct tinyml_eventlog *log);

/** @brief Events committed since init. */
uint32_t tinyml_eventlog_committed_count(const struct tinyml_eventlog *log);

/** @brief Events waiting in RAM. */
uint32_t tinyml_eventlog_pending(const struct tinyml_eventlog *log);

/** @brief Events the log guarantees to keep: all committed events this far back survive. */
uint32_t tinyml_eventlog_capacity(const struct tinyml_eventlog *log);

/** @brief Encode @p ev into TINYML_EVENTLOG_EVENT_BYTES bytes at @p out. */
void tinyml_event_encode(const struct tinyml_event *ev, uint8_t *out);

/**
 * @brief Decode an event stored by tinyml_event_encode().
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p len is not TINYML_EVENTLOG_EVENT_BYTES.
 * @retval -EBADMSG if a field is out of its range (score or margin above 32767).
 */
int tinyml_event_decode(const uint8_t *in, size_t len, struct tinyml_event *ev);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_EVENTLOG_H_ */
