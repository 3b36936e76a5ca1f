/*
 * Field-safe state, wired to the port: the core's settings (thresholds, kill switch, signed
 * remote changes), the event log and the A/B model slots, each on its own flash partition;
 * the boot counter in Zephyr's settings. The core owns every rule; this file hands it the
 * areas, the keys and the two callbacks the model slots need (load, classify).
 */
#include <errno.h>
#include <string.h>

#include <zephyr/kernel.h>
#include <zephyr/logging/log.h>
#include <zephyr/sys/byteorder.h>

#include <tinyml/eventlog.h>
#include <tinyml/keyhash.h>
#include <tinyml/modelslot.h>
#include <tinyml/ops_manifest.h>
#include <tinyml/platform/crypto.h>
#include <tinyml/platform/flash.h>
#include <tinyml/settings.h>
#include <tinyml/zephyr/areas.h>
#include <tinyml/zephyr/settings_store.h>

#include "app_state.h"

LOG_MODULE_DECLARE(tinyml_app, CONFIG_TINYML_APP_LOG_LEVEL);

/* DER SubjectPublicKeyInfo of the keys model packages and settings messages are signed with,
 * generated at build time from CONFIG_TINYML_APP_MODEL_KEY / _SETTINGS_KEY (imgtool getpub).
 */
static const uint8_t model_key_spki[] = {
#include "tinyml_model_key.inc"
};
static const uint8_t settings_key_spki[] = {
#include "tinyml_settings_key.inc"
};
BUILD_ASSERT(sizeof(model_key_spki) == TINYML_MODELPKG_SPKI_P256_BYTES,
	     "CONFIG_TINYML_APP_MODEL_KEY must be an ECDSA P-256 key");
BUILD_ASSERT(sizeof(settings_key_spki) == TINYML_MODELPKG_SPKI_P256_BYTES,
	     "CONFIG_TINYML_APP_SETTINGS_KEY must be an ECDSA P-256 key");
/* The uncompressed point (0x04 || X || Y) ends a P-256 SubjectPublicKeyInfo. */
#define KEY_POINT(spki) ((spki) + sizeof(spki) - TINYML_P256_PUBKEY_BYTES)

static struct tinyml_settings settings;
static struct tinyml_eventlog eventlog;
static struct tinyml_modelslot slots;
static struct tinyml_modelpkg_expect expect;
static uint32_t boots;
static uint32_t device_id;
static uint32_t detections;

static const struct tinyml_modelslot_port *slot_port;

static enum tinyml_zephyr_area_id slot_area(uint8_t slot)
{
	return slot == 0U ? TINYML_ZEPHYR_AREA_MODEL_A : TINYML_ZEPHYR_AREA_MODEL_B;
}

void app_state_apply_model_thresholds(uint8_t slot, const struct tinyml_modelpkg_info *info)
{
	int16_t q15[TINYML_MODELPKG_MAX_LABELS];
	int rc = tinyml_modelpkg_read_thresholds(tinyml_zephyr_area(slot_area(slot)), info, q15,
						 ARRAY_SIZE(q15));

	if (rc >= 0) {
		rc = tinyml_settings_set_model_defaults(&settings, q15, info->n_labels);
	} else {
		tinyml_settings_clear_model_defaults(&settings);
	}
	if (rc < 0) {
		LOG_WRN("model thresholds not all applied (%d): compiled defaults for those", rc);
	}
}

void app_state_clear_model_thresholds(void)
{
	tinyml_settings_clear_model_defaults(&settings);
}

int app_state_model_view(uint8_t slot, const struct tinyml_modelpkg_info *info,
			 const uint8_t **tflite)
{
	const uint8_t *pkg = NULL;
	int rc = tinyml_zephyr_model_view(slot_area(slot), info->tflite_offset + info->tflite_size,
					  &pkg);

	if (rc == 0) {
		*tflite = pkg + info->tflite_offset;
	}
	return rc;
}

/* Which keys this firmware trusts, by the hash the tools print (docs/keys.md). */
static void log_key_hash(const char *purpose, const uint8_t *point)
{
	char hex[TINYML_KEY_HASH_HEX_BYTES];

	if (tinyml_key_hash_hex(point, hex) == 0) {
		LOG_INF("%s key sha256 %s", purpose, hex);
	}
}

static const char *kind_name(uint8_t kind)
{
	switch (kind) {
	case TINYML_MODELPKG_OUTPUT_CLASSES:
		return "class scores";
	case TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE:
		return "an anomaly score";
	case TINYML_MODELPKG_OUTPUT_REGRESSION:
		return "regression values";
	default:
		return "an unknown output";
	}
}

/* One line on why the package in @p slot was refused with @p rc. For -ENOTSUP the package is
 * verified again accepting every output kind: if it then passes, its kind is the reason.
 */
static void log_refusal(uint8_t slot, int rc)
{
	struct tinyml_modelpkg_expect any = expect;
	struct tinyml_modelpkg_info info;
	char name = slot == 0U ? 'A' : 'B';

	if (rc != -ENOTSUP) {
		LOG_WRN("model slot %c refused: %d", name, rc);
		return;
	}
	any.output_kinds = UINT32_MAX;
	any.min_version = 0U;
	if (tinyml_modelpkg_verify_area(tinyml_zephyr_area(slot_area(slot)), &any, &info) == 0 &&
	    info.output_kind != TINYML_MODELPKG_OUTPUT_CLASSES) {
		LOG_ERR("model slot %c refused (-ENOTSUP): its model outputs %s, which this "
			"firmware does not run",
			name, kind_name(info.output_kind));
	} else {
		LOG_ERR("model slot %c refused (-ENOTSUP): made for another format, output kind, "
			"runtime, operator set or feature pipeline than this firmware's",
			name);
	}
}

/* No model runs: say why for each slot that holds a package. */
static void explain_slots(void)
{
	for (uint8_t slot = 0U; slot < 2U; slot++) {
		const struct tinyml_flash_area *fa = tinyml_zephyr_area(slot_area(slot));
		struct tinyml_modelpkg_info info;
		uint8_t magic[4];
		int rc;

		if (tinyml_platform_flash_read(fa, 0, magic, sizeof(magic)) != 0 ||
		    sys_get_le32(magic) != TINYML_MODELPKG_IMAGE_MAGIC) {
			continue;
		}
		rc = tinyml_modelpkg_verify_area(fa, &expect, &info);
		if (rc != 0) {
			log_refusal(slot, rc);
		}
	}
}

int app_state_init(uint32_t pipeline_id, const struct tinyml_modelslot_port *port)
{
	int rc;

	slot_port = port;
	rc = tinyml_zephyr_flash_init();
	if (rc == 0) {
		rc = tinyml_platform_crypto_init();
	}
	if (rc == 0) {
		rc = tinyml_zephyr_settings_init();
	}
	if (rc != 0) {
		return rc;
	}
	/* Boot counter and device ID live in Zephyr's settings (NVS); both start at 0. */
	(void)tinyml_zephyr_settings_load("boots", &boots, sizeof(boots));
	boots++;
	rc = tinyml_zephyr_settings_save("boots", &boots, sizeof(boots));
	if (rc != 0) {
		LOG_WRN("boot counter not saved: %d", rc);
	}
	(void)tinyml_zephyr_settings_load("device-id", &device_id, sizeof(device_id));
	LOG_INF("device id %u", device_id);

	log_key_hash("model", KEY_POINT(model_key_spki));
	log_key_hash("settings", KEY_POINT(settings_key_spki));
	rc = tinyml_settings_init(&settings, tinyml_zephyr_area(TINYML_ZEPHYR_AREA_SETTINGS), NULL,
				  KEY_POINT(settings_key_spki), device_id);
	if (rc != 0) {
		return rc;
	}
	const struct tinyml_eventlog_config log_cfg = {
		.batch_events = CONFIG_TINYML_APP_EVENTLOG_BATCH,
		.flush_interval_ms = CONFIG_TINYML_APP_EVENTLOG_FLUSH_MS,
		.min_flush_interval_ms = CONFIG_TINYML_APP_EVENTLOG_MIN_FLUSH_MS,
	};

	rc = tinyml_eventlog_init(&eventlog, tinyml_zephyr_area(TINYML_ZEPHYR_AREA_EVENT_LOG),
				  &log_cfg);
	if (rc != 0) {
		return rc;
	}
	expect = (struct tinyml_modelpkg_expect){
		.signing_key_spki = model_key_spki,
		.manifest_digest = tinyml_ops_manifest_digest,
		.runtime_id = tinyml_runtime_id,
		.feature_pipeline_id = pipeline_id,
		.arena_bytes = CONFIG_TINYML_ARENA_SIZE,
		/* processing.c scores autoencoders when it has room for their input */
		.output_kinds = CONFIG_TINYML_APP_ANOMALY_MAX_VALUES > 0
					? TINYML_MODELPKG_OUTPUT_KIND_BIT(
						  TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE)
					: 0U,
	};
	rc = tinyml_modelslot_init(&slots, tinyml_zephyr_area(TINYML_ZEPHYR_AREA_MODEL_A),
				   tinyml_zephyr_area(TINYML_ZEPHYR_AREA_MODEL_B),
				   tinyml_zephyr_area(TINYML_ZEPHYR_AREA_MODEL_STATE), &expect,
				   slot_port);
	if (rc == -ENOENT) {
		explain_slots();
		LOG_WRN("no model this firmware can run: inference off, capture and log on");
		return 0;
	}
	if (rc == 0) {
		const struct tinyml_modelpkg_info *info = tinyml_modelslot_info(&slots);

		LOG_INF("model slot %c verified: version %u.%u.%u, %u B flatbuffer, arena %u B",
			tinyml_modelslot_active(&slots) == 0 ? 'A' : 'B', info->version >> 24,
			(info->version >> 16) & 0xffU, info->version & 0xffffU, info->tflite_size,
			info->arena_total);
	}
	return rc;
}

int app_state_model_check(uint8_t slot)
{
	struct tinyml_modelpkg_info info;
	int rc;

	if (slot > 1U) {
		return -EINVAL;
	}
	rc = tinyml_modelpkg_verify_area(tinyml_zephyr_area(slot_area(slot)), &expect, &info);
	if (rc != 0) {
		log_refusal(slot, rc);
	}
	return rc;
}

int app_state_model_try(uint8_t slot, const struct tinyml_modelslot_selftest *selftest)
{
	int rc = tinyml_modelslot_try_slot(&slots, slot, slot_port, selftest);

	if (rc == -ENOTSUP) {
		log_refusal(slot, rc);
	}
	return rc;
}

int app_state_model_label(unsigned int class_id, char *out, size_t cap)
{
	const struct tinyml_modelpkg_info *info = tinyml_modelslot_info(&slots);
	int slot = tinyml_modelslot_active(&slots);
	uint8_t chunk[32];
	unsigned int index = 0U;
	size_t len = 0U;

	if (out == NULL || cap == 0U) {
		return -EINVAL;
	}
	out[0] = '\0';
	if (info == NULL || slot < 0 || slot > 1 || class_id >= info->n_labels) {
		return info == NULL || slot < 0 || slot > 1 ? -ENODEV : -ENOENT;
	}
	/* n_labels NUL-terminated strings, checked by the package verification */
	for (uint32_t off = 0U; off < info->labels_len; off += sizeof(chunk)) {
		size_t n = MIN(sizeof(chunk), info->labels_len - off);

		if (tinyml_platform_flash_read(tinyml_zephyr_area(slot_area((uint8_t)slot)),
					       info->labels_offset + off, chunk, n) != 0) {
			return -EIO;
		}
		for (size_t i = 0U; i < n; i++) {
			if (chunk[i] == 0U) {
				if (index == class_id) {
					out[MIN(len, cap - 1U)] = '\0';
					return 0;
				}
				index++;
				len = 0U;
			} else if (index == class_id && len + 1U < cap) {
				out[len++] = (char)chunk[i];
			}
		}
	}
	return -ENOENT;
}

int app_state_model_boot_ok(void)
{
	return tinyml_modelslot_boot_ok(&slots);
}

uint32_t app_state_device_id(void)
{
	return device_id;
}

int app_state_provision_device_id(uint32_t id)
{
	uint32_t stored = 0;

	if (id == 0U) {
		return -EINVAL; /* 0 addresses every device in a settings message */
	}
	if (tinyml_zephyr_settings_load("device-id", &stored, sizeof(stored)) == 0 &&
	    stored != 0U) {
		return -EALREADY; /* provisioned once, in the factory */
	}
	return tinyml_zephyr_settings_save("device-id", &id, sizeof(id));
}

int app_state_apply_message(const uint8_t *msg, size_t len)
{
	/* No wall clock on this device: messages with an expiry are refused by the core. */
	return tinyml_settings_apply_message(&settings, msg, len, (uint64_t)k_uptime_get(), 0);
}

int app_state_model_erase(uint8_t slot)
{
	const struct tinyml_flash_area *fa;
	struct tinyml_flash_geometry geo;
	int rc;

	rc = tinyml_modelslot_install_allowed(&slots, slot);
	if (rc != 0) {
		return rc;
	}
	fa = tinyml_zephyr_area(slot_area(slot));
	rc = tinyml_platform_flash_geometry(fa, &geo);
	if (rc == 0) {
		rc = tinyml_platform_flash_erase(fa, 0, geo.size);
	}
	return rc;
}

int app_state_model_write(uint8_t slot, uint32_t offset, const uint8_t *data, size_t len)
{
	const struct tinyml_flash_area *fa;
	struct tinyml_flash_geometry geo;
	uint8_t padded[CONFIG_TINYML_APP_UPLOAD_CHUNK_MAX + 32];
	size_t rounded;
	int rc;

	if (data == NULL || len == 0U || len > CONFIG_TINYML_APP_UPLOAD_CHUNK_MAX) {
		return -EINVAL;
	}
	rc = tinyml_modelslot_install_allowed(&slots, slot);
	if (rc != 0) {
		return rc;
	}
	fa = tinyml_zephyr_area(slot_area(slot));
	rc = tinyml_platform_flash_geometry(fa, &geo);
	if (rc != 0) {
		return rc;
	}
	rounded = ROUND_UP(len, geo.write_block);
	if (rounded > sizeof(padded) || (offset % geo.write_block) != 0U || offset > geo.size ||
	    rounded > geo.size - offset) {
		return -EINVAL;
	}
	memcpy(padded, data, len);
	memset(padded + len, 0xff, rounded - len);
	return tinyml_platform_flash_program(fa, offset, padded, rounded);
}

bool app_state_a_slot_holds_a_package(void)
{
	static const enum tinyml_zephyr_area_id areas[] = {TINYML_ZEPHYR_AREA_MODEL_A,
							   TINYML_ZEPHYR_AREA_MODEL_B};

	for (size_t i = 0; i < ARRAY_SIZE(areas); i++) {
		uint8_t magic[4];

		if (tinyml_platform_flash_read(tinyml_zephyr_area(areas[i]), 0, magic,
					       sizeof(magic)) == 0 &&
		    sys_get_le32(magic) == TINYML_MODELPKG_IMAGE_MAGIC) {
			return true;
		}
	}
	return false;
}

int app_state_active_slot(void)
{
	return tinyml_modelslot_active(&slots);
}

bool app_state_model_confirmed(void)
{
	const struct tinyml_modelpkg_info *info = tinyml_modelslot_info(&slots);

	return info != NULL && info->version == tinyml_modelslot_confirmed_version(&slots);
}

const struct tinyml_modelpkg_info *app_state_model_info(void)
{
	return tinyml_modelslot_info(&slots);
}

bool app_state_model_enabled(void)
{
	return tinyml_settings_model_enabled(&settings, (uint64_t)k_uptime_get());
}

int16_t app_state_threshold_q15(unsigned int class_id)
{
	if (class_id >= TINYML_SETTINGS_MAX_CLASSES) {
		return INT16_MAX;
	}
	return (int16_t)tinyml_settings_get(&settings, TINYML_SETTING_THRESHOLD_0 + class_id,
					    (uint64_t)k_uptime_get());
}

int app_state_config_get(unsigned int id, int32_t *value)
{
	if (id >= TINYML_SETTING_COUNT) {
		return -EINVAL;
	}
	*value = tinyml_settings_get(&settings, (enum tinyml_setting_id)id,
				     (uint64_t)k_uptime_get());
	return 0;
}

int app_state_config_set(unsigned int id, int32_t value)
{
	if (id >= TINYML_SETTING_COUNT) {
		return -EINVAL;
	}
	return tinyml_settings_set(&settings, (enum tinyml_setting_id)id, value);
}

int app_state_log_event(const struct app_event_summary *s, uint32_t uptime_ms)
{
	const struct tinyml_modelpkg_info *info = tinyml_modelslot_info(&slots);
	const struct tinyml_event ev = {
		.timestamp_s = uptime_ms / 1000U,
		.class_id = s->class_id,
		.score_q15 = (uint16_t)MAX(s->score_q15, 0),
		.margin_q15 = (uint16_t)MAX(s->margin_q15, 0),
		.flags = s->flags,
		.fw_version = (TINYML_VERSION_MAJOR << 24) | (TINYML_VERSION_MINOR << 16) |
			      TINYML_VERSION_PATCH,
		.model_version = info != NULL ? info->version : 0U,
		.pipeline_version = expect.feature_pipeline_id,
		.detections = ++detections,
		.boots = boots,
	};

	return tinyml_eventlog_append(&eventlog, &ev, uptime_ms);
}

uint32_t app_state_boots(void)
{
	return boots;
}

int app_state_poll(uint32_t now_ms)
{
	return tinyml_eventlog_poll(&eventlog, now_ms);
}

int app_state_log_walk(tinyml_eventlog_visit_t visit, void *ctx)
{
	return tinyml_eventlog_walk(&eventlog, visit, ctx);
}
