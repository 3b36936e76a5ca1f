/*
 * One event summary as docs/field-loop.md's CBOR map: unsigned-integer keys 0..13, definite
 * lengths and the shortest integer forms (CONFIG_ZCBOR_CANONICAL), the bytes the host's
 * reference encoder (tinyml_tools/fieldloop/events.py) writes for the same summary.
 */
#include <errno.h>

#include <zcbor_encode.h>

#include "app_field.h"

enum summary_key {
	KEY_SEQ,
	KEY_TIME,
	KEY_CLASS,
	KEY_SCORE,
	KEY_FW,
	KEY_MODEL,
	KEY_PIPELINE,
	KEY_FLAGS,
	KEY_DRIFT,
	KEY_FEATURES,
	KEY_MARGIN,
	KEY_BOOTS,
	KEY_DROPPED,
	KEY_RUNTIME,
	KEY_COUNT,
};

static bool put_u32(zcbor_state_t *zs, enum summary_key key, uint32_t value)
{
	return zcbor_uint32_put(zs, (uint32_t)key) && zcbor_uint32_put(zs, value);
}

static bool put_features(zcbor_state_t *zs, const struct app_fired_summary *f)
{
	bool ok = zcbor_uint32_put(zs, KEY_FEATURES) && zcbor_list_start_encode(zs, f->n_features);

	for (uint16_t i = 0; ok && i < f->n_features; i++) {
		ok = zcbor_list_start_encode(zs, 2) && zcbor_int32_put(zs, f->mean_q8[i]) &&
		     zcbor_int32_put(zs, f->peak[i]) && zcbor_list_end_encode(zs, 2);
	}
	return ok && zcbor_list_end_encode(zs, f->n_features);
}

bool app_summary_cbor_put(zcbor_state_t *zs, const struct app_uplink_summary *s)
{
	bool features = (s->flags & APP_EVENT_FLAG_FALSE_TRIGGER) != 0U && s->fired.n_features > 0U;
	bool ok = zcbor_map_start_encode(zs, KEY_COUNT) && put_u32(zs, KEY_SEQ, s->seq) &&
		  put_u32(zs, KEY_TIME, s->time_s) && put_u32(zs, KEY_CLASS, s->class_id) &&
		  put_u32(zs, KEY_SCORE, (uint32_t)MAX(s->score_q15, 0)) &&
		  put_u32(zs, KEY_FW, s->fw_version) && put_u32(zs, KEY_MODEL, s->model_version) &&
		  put_u32(zs, KEY_PIPELINE, s->pipeline_id) && put_u32(zs, KEY_FLAGS, s->flags) &&
		  zcbor_uint32_put(zs, KEY_DRIFT) && zcbor_int32_put(zs, s->drift_q8);

	if (ok && features) {
		ok = put_features(zs, &s->fired);
	}
	/* Optional keys only when they say something (docs/field-loop.md's example has none). */
	if (ok && s->margin_q15 > 0) {
		ok = put_u32(zs, KEY_MARGIN, (uint32_t)s->margin_q15);
	}
	if (ok && s->boots != 0U) {
		ok = put_u32(zs, KEY_BOOTS, s->boots);
	}
	if (ok && s->dropped != 0U) {
		ok = put_u32(zs, KEY_DROPPED, s->dropped);
	}
	if (ok && s->runtime_id != 0U) {
		ok = put_u32(zs, KEY_RUNTIME, s->runtime_id);
	}
	return ok && zcbor_map_end_encode(zs, KEY_COUNT);
}

int app_summary_cbor(const struct app_uplink_summary *s, uint8_t *buf, size_t cap)
{
	/* Backups: the map, the features list and one feature pair are open at most. */
	ZCBOR_STATE_E(zs, 3, buf, cap, 0);

	if (!app_summary_cbor_put(zs, s)) {
		return -ENOSPC;
	}
	return (int)(zs->payload - buf);
}
