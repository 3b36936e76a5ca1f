/*
 * Layered, range-checked, power-cut-safe settings with signed remote changes
 * (see tinyml/settings.h).
 */
#include <errno.h>
#include <string.h>

#include <tinyml/log.h>
#include <tinyml/settings.h>
#include <tinyml/settings_msg.h>

#include "le_bytes.h"

/* Record payload: nonce u64, persisted mask u32, values i32[COUNT]. */
#define SNAPSHOT_BYTES (8u + 4u + 4u * TINYML_SETTING_COUNT)
#define ALL_MASK       ((1u << TINYML_SETTING_COUNT) - 1u)

const struct tinyml_setting_spec tinyml_settings_default_specs[TINYML_SETTING_COUNT] = {
	{0, 32767, 16384},  {0, 32767, 16384}, {0, 32767, 16384},
	{0, 32767, 16384},  {0, 32767, 16384}, {0, 32767, 16384},
	{0, 32767, 16384},  {0, 32767, 16384}, {0, 60000, 500}, /* debounce, ms */
	{0, 32767, 1000},                                       /* trigger level */
	{-32768, 32767, 0},                                     /* calibration baseline */
	{0, 1, 1},                                              /* model enabled */
};

static bool in_range(const struct tinyml_settings *s, uint32_t id, int32_t v)
{
	return v >= s->specs[id].min && v <= s->specs[id].max;
}

static void encode(uint8_t *out, uint64_t nonce, uint32_t mask, const int32_t *values)
{
	uint32_t i;

	tinyml_put_le64(out, nonce);
	tinyml_put_le32(out + 8, mask);
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		tinyml_put_le32(out + 12u + 4u * i, (uint32_t)values[i]);
	}
}

static void load_snapshot(struct tinyml_settings *s, const uint8_t *in)
{
	uint32_t mask = tinyml_get_le32(in + 8);
	uint32_t i;

	s->nonce = tinyml_get_le64(in);
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		int32_t v = (int32_t)tinyml_get_le32(in + 12u + 4u * i);

		if ((mask & (1u << i)) == 0u) {
			continue;
		}
		if (!in_range(s, i, v)) {
			s->fallback_mask |= 1u << i;
			TINYML_LOG_WRN("settings", "stored setting %u = %d out of range: default",
				       (unsigned int)i, (int)v);
			continue;
		}
		s->persisted[i] = v;
		s->persisted_mask |= 1u << i;
	}
	if ((mask & ~ALL_MASK) != 0u) {
		s->fallback_mask |= mask & ~ALL_MASK;
	}
}

int tinyml_settings_init(struct tinyml_settings *s, const struct tinyml_flash_area *fa,
			 const struct tinyml_setting_spec *specs, const uint8_t *operator_key,
			 uint32_t device_id)
{
	uint8_t snap[SNAPSHOT_BYTES];
	uint32_t i;
	int rc;

	if (s == NULL || fa == NULL || operator_key == NULL) {
		return -EINVAL;
	}
	memset(s, 0, sizeof(*s));
	s->specs = specs != NULL ? specs : tinyml_settings_default_specs;
	s->operator_key = operator_key;
	s->device_id = device_id;
	for (i = 0u; i < TINYML_SETTING_COUNT; i++) {
		if (s->specs[i].min > s->specs[i].max || !in_range(s, i, s->specs[i].def)) {
			return -EINVAL;
		}
	}
	rc = tinyml_statestore_init(&s->store, fa, TINYML_SETTINGS_MAGIC, SNAPSHOT_BYTES);
	if (rc != 0) {
		return rc;
	}
	rc = tinyml_statestore_read(&s->store, snap, sizeof(snap));
	if (rc == -ENOENT) {
		return 0; /* never written: defaults */
	}
	if (rc != 0) {
		return rc;
	}
	load_snapshot(s, snap);
	return 0;
}

int32_t tinyml_settings_get(const struct tinyml_settings *s, enum tinyml_setting_id id,
			    uint64_t now_ms)
{
	uint32_t i = (uint32_t)id;

	if (i >= TINYML_SETTING_COUNT) {
		return 0;
	}
	if ((s->override_mask & (1u << i)) != 0u && now_ms < s->override_until_ms[i]) {
		return s->override_value[i];
	}
	if ((s->persisted_mask & (1u << i)) != 0u) {
		return s->persisted[i];
	}
	if (i - TINYML_SETTING_THRESHOLD_0 < TINYML_SETTINGS_MAX_CLASSES &&
	    (s->model_default_mask & (1u << i)) != 0u) {
		return s->model_default[i - TINYML_SETTING_THRESHOLD_0];
	}
	return s->specs[i].def;
}

bool tinyml_settings_model_enabled(const struct tinyml_settings *s, uint64_t now_ms)
{
	return tinyml_settings_get(s, TINYML_SETTING_MODEL_ENABLED, now_ms) != 0;
}

/* Writes one record with the given state; RAM changes only after it is committed. */
static int persist(struct tinyml_settings *s, uint64_t nonce, uint32_t mask, const int32_t *values)
{
	uint8_t snap[SNAPSHOT_BYTES];
	int rc;

	encode(snap, nonce, mask, values);
	rc = tinyml_statestore_write(&s->store, snap, sizeof(snap));
	if (rc != 0) {
		return -EIO;
	}
	s->nonce = nonce;
	s->persisted_mask = mask;
	memcpy(s->persisted, values, sizeof(s->persisted));
	return 0;
}

int tinyml_settings_set(struct tinyml_settings *s, enum tinyml_setting_id id, int32_t value)
{
	int32_t values[TINYML_SETTING_COUNT];
	uint32_t i = (uint32_t)id;

	if (i >= TINYML_SETTING_COUNT) {
		return -EINVAL;
	}
	if (!in_range(s, i, value)) {
		return -ERANGE;
	}
	memcpy(values, s->persisted, sizeof(values));
	values[i] = value;
	return persist(s, s->nonce, s->persisted_mask | (1u << i), values);
}

int tinyml_settings_override(struct tinyml_settings *s, enum tinyml_setting_id id, int32_t value,
			     uint32_t duration_ms, uint64_t now_ms)
{
	uint32_t i = (uint32_t)id;

	if (i >= TINYML_SETTING_COUNT || duration_ms == 0u) {
		return -EINVAL;
	}
	if (!in_range(s, i, value)) {
		return -ERANGE;
	}
	s->override_value[i] = value;
	s->override_until_ms[i] =
		now_ms > UINT64_MAX - duration_ms ? UINT64_MAX : now_ms + duration_ms;
	s->override_mask |= 1u << i;
	return 0;
}

void tinyml_settings_clear_override(struct tinyml_settings *s, enum tinyml_setting_id id)
{
	if ((uint32_t)id < TINYML_SETTING_COUNT) {
		s->override_mask &= ~(1u << (uint32_t)id);
	}
}

static int verify_signature(const struct tinyml_settings *s, const uint8_t *buf,
			    const struct tinyml_settings_msg *m)
{
	struct tinyml_platform_sha256 op;
	uint8_t digest[TINYML_SHA256_BYTES];
	int rc = tinyml_platform_sha256_start(&op);

	if (rc == 0) {
		rc = tinyml_platform_sha256_update(&op, buf, m->signed_len);
		if (rc == 0) {
			rc = tinyml_platform_sha256_finish(&op, digest);
		}
	}
	if (rc != 0) {
		return -EIO;
	}
	rc = tinyml_platform_ecdsa_p256_verify(s->operator_key, digest, m->signature);
	return rc == 0 ? 0 : (rc == -EBADMSG ? -EPERM : -EIO);
}

int tinyml_settings_apply_message(struct tinyml_settings *s, const uint8_t *buf, size_t len,
				  uint64_t now_ms, uint64_t utc_s)
{
	struct tinyml_settings_msg m;
	int32_t values[TINYML_SETTING_COUNT];
	uint32_t mask = s->persisted_mask;
	uint32_t i;
	int rc = tinyml_settings_msg_parse(buf, len, TINYML_SETTING_COUNT, &m);

	if (rc != 0) {
		return rc;
	}
	if (m.device_id != 0u && m.device_id != s->device_id) {
		return -EBADMSG;
	}
	rc = verify_signature(s, buf, &m);
	if (rc != 0) {
		return rc;
	}
	if (m.expires_s != 0u && (utc_s == 0u || utc_s > m.expires_s)) {
		return -ETIME;
	}
	if (!tinyml_settings_msg_nonce_fresh(s->nonce, m.nonce)) {
		return -EALREADY;
	}
	memcpy(values, s->persisted, sizeof(values));
	for (i = 0u; i < m.n_ops; i++) {
		const struct tinyml_settings_op *op = &m.ops[i];

		if (op->kind != TINYML_SETTINGS_OP_CLEAR_OVERRIDE &&
		    !in_range(s, op->id, op->value)) {
			return -ERANGE;
		}
		if (op->kind == TINYML_SETTINGS_OP_SET) {
			values[op->id] = op->value;
			mask |= 1u << op->id;
		}
	}
	/* the nonce goes to flash with the values before anything takes effect */
	rc = persist(s, m.nonce, mask, values);
	if (rc != 0) {
		return rc;
	}
	for (i = 0u; i < m.n_ops; i++) {
		const struct tinyml_settings_op *op = &m.ops[i];

		if (op->kind == TINYML_SETTINGS_OP_OVERRIDE) {
			(void)tinyml_settings_override(s, (enum tinyml_setting_id)op->id, op->value,
						       op->duration_s * 1000u, now_ms);
		} else {
			tinyml_settings_clear_override(s, (enum tinyml_setting_id)op->id);
		}
	}
	return 0;
}

int tinyml_settings_set_model_defaults(struct tinyml_settings *s, const int16_t *q15, size_t n)
{
	uint32_t i;

	if (s == NULL || q15 == NULL) {
		return -EINVAL;
	}
	tinyml_settings_clear_model_defaults(s);
	for (i = 0u; i < TINYML_SETTINGS_MAX_CLASSES && i < n; i++) {
		uint32_t id = TINYML_SETTING_THRESHOLD_0 + i;

		if (q15[i] < 0) {
			continue;
		}
		if (!in_range(s, id, q15[i])) {
			s->model_refused_mask |= 1u << i;
			TINYML_LOG_WRN("settings", "model threshold %u = %d out of range: default",
				       (unsigned int)i, (int)q15[i]);
			continue;
		}
		s->model_default[i] = q15[i];
		s->model_default_mask |= 1u << id;
	}
	return s->model_refused_mask == 0u ? 0 : -ERANGE;
}

void tinyml_settings_clear_model_defaults(struct tinyml_settings *s)
{
	s->model_default_mask = 0u;
	s->model_refused_mask = 0u;
}

uint32_t tinyml_settings_model_refusals(const struct tinyml_settings *s)
{
	return s->model_refused_mask;
}

uint32_t tinyml_settings_fallbacks(const struct tinyml_settings *s)
{
	return s->fallback_mask;
}

uint32_t tinyml_settings_corrupt_records(const struct tinyml_settings *s)
{
	return tinyml_statestore_corrupt_records(&s->store);
}

uint64_t tinyml_settings_nonce(const struct tinyml_settings *s)
{
	return s->nonce;
}
