/*
 * The running firmware's identity for model verification: the operator manifest digest and
 * runtime ID generated from modules/tinyml/ops_manifest.yaml (tinyml/ops_manifest.h).
 */
#include <string.h>

#include <tinyml/modelpkg.h>
#include <tinyml/ops_manifest.h>

void tinyml_modelpkg_expect_firmware(struct tinyml_modelpkg_expect *e, const uint8_t *spki,
				     uint32_t feature_pipeline_id, uint32_t arena_bytes)
{
	memset(e, 0, sizeof(*e));
	e->signing_key_spki = spki;
	e->manifest_digest = tinyml_ops_manifest_digest;
	e->runtime_id = tinyml_runtime_id;
	e->feature_pipeline_id = feature_pipeline_id;
	e->arena_bytes = arena_bytes;
	/* the core scores anomaly models (tinyml/anomaly.h); it has no use for regression */
	e->output_kinds = TINYML_MODELPKG_OUTPUT_KIND_BIT(TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE);
}
