/*
 * SMP (mcumgr) group 72, "tinyml events" (docs/field-loop.md): a gateway or a fleet service
 * reads the pending event summaries and acknowledges them. Command 0 (read) returns
 * {"ev": [summary, ...], "pend": n, "drop": d} oldest first and removes nothing; command 1
 * (write) {"seq": N} removes every summary with seq <= N and returns {"acked": n, "pend": n}.
 */
#include <zephyr/kernel.h>
#include <zephyr/mgmt/mcumgr/mgmt/handlers.h>
#include <zephyr/mgmt/mcumgr/mgmt/mgmt.h>
#include <zephyr/mgmt/mcumgr/smp/smp.h>

#include <mgmt/mcumgr/util/zcbor_bulk.h>
#include <zcbor_decode.h>
#include <zcbor_encode.h>

#include "app.h"
#include "app_field.h"

#define EVENTS_GROUP_ID (MGMT_GROUP_ID_PERUSER + 8)
#define EVENTS_CMD_READ 0
#define EVENTS_CMD_ACK  1
/* Room the response still needs after the list: its end, "pend" and "drop" with values. */
#define RESPONSE_TAIL   24

BUILD_ASSERT(EVENTS_GROUP_ID == 72, "docs/field-loop.md fixes the group ID");

static int events_read(struct smp_streamer *ctxt)
{
	zcbor_state_t *zsd = ctxt->reader->zs;
	zcbor_state_t *zse = ctxt->writer->zs;
	uint32_t max = UINT32_MAX;
	size_t decoded = 0;
	struct zcbor_map_decode_key_val request[] = {
		ZCBOR_MAP_DECODE_KEY_DECODER("max", zcbor_uint32_decode, &max),
	};
	static struct app_uplink_summary s; /* one handler runs at a time (the SMP work queue) */
	static uint8_t encoded[APP_SUMMARY_CBOR_MAX];
	uint32_t sent = 0;
	bool ok;

	if (zcbor_map_decode_bulk(zsd, request, ARRAY_SIZE(request), &decoded) != 0) {
		return MGMT_ERR_EINVAL;
	}
	ok = zcbor_tstr_put_lit(zse, "ev") &&
	     zcbor_list_start_encode(zse, CONFIG_TINYML_APP_UPLINK_DEPTH);
	while (ok && sent < max && app_uplink_peek(sent, &s) == 0) {
		int len = app_summary_cbor(&s, encoded, sizeof(encoded));

		/* Only whole summaries, and only while the rest of the response still fits. */
		if (len < 0 ||
		    (size_t)(zse->payload_end - zse->payload) < (size_t)len + RESPONSE_TAIL) {
			break;
		}
		ok = app_summary_cbor_put(zse, &s);
		sent++;
	}
	ok = ok && zcbor_list_end_encode(zse, CONFIG_TINYML_APP_UPLINK_DEPTH) &&
	     zcbor_tstr_put_lit(zse, "pend") &&
	     zcbor_uint32_put(zse, app_uplink_pending() - sent) &&
	     zcbor_tstr_put_lit(zse, "drop") && zcbor_uint32_put(zse, app_uplink_dropped());
	return ok ? MGMT_ERR_EOK : MGMT_ERR_EMSGSIZE;
}

static int events_ack(struct smp_streamer *ctxt)
{
	zcbor_state_t *zsd = ctxt->reader->zs;
	zcbor_state_t *zse = ctxt->writer->zs;
	uint32_t seq = 0;
	size_t decoded = 0;
	struct zcbor_map_decode_key_val request[] = {
		ZCBOR_MAP_DECODE_KEY_DECODER("seq", zcbor_uint32_decode, &seq),
	};
	uint32_t acked;
	bool ok;

	if (zcbor_map_decode_bulk(zsd, request, ARRAY_SIZE(request), &decoded) != 0 ||
	    !zcbor_map_decode_bulk_key_found(request, ARRAY_SIZE(request), "seq")) {
		return MGMT_ERR_EINVAL;
	}
	acked = app_uplink_ack(seq);
	ok = zcbor_tstr_put_lit(zse, "acked") && zcbor_uint32_put(zse, acked) &&
	     zcbor_tstr_put_lit(zse, "pend") && zcbor_uint32_put(zse, app_uplink_pending());
	return ok ? MGMT_ERR_EOK : MGMT_ERR_EMSGSIZE;
}

static const struct mgmt_handler events_handlers[] = {
	[EVENTS_CMD_READ] = {.mh_read = events_read, .mh_write = NULL},
	[EVENTS_CMD_ACK] = {.mh_read = NULL, .mh_write = events_ack},
};

static struct mgmt_group events_group = {
	.mg_handlers = events_handlers,
	.mg_handlers_count = ARRAY_SIZE(events_handlers),
	.mg_group_id = EVENTS_GROUP_ID,
#if defined(CONFIG_MCUMGR_GRP_ENUM_DETAILS_NAME)
	.mg_group_name = "tinyml events",
#endif
};

static void events_register_group(void)
{
	mgmt_register_group(&events_group);
}

MCUMGR_HANDLER_DEFINE(tinyml_events, events_register_group);
