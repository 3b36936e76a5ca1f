/*
 * The OUTPUT_KIND TLV (issue 13): what the model's first output holds. Absent, the package
 * holds class scores; an anomaly score runs when the firmware says it runs them and its
 * configuration is one tinyml_anomaly_check() accepts; regression values and unknown kinds
 * are refused (-ENOTSUP); a malformed or duplicated TLV is refused (-EINVAL).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <tinyml/anomaly.h>
#include <tinyml/modelpkg.h>

#include "test_pkg_builder.h"
#include "ttest.h"

#define ANOMALY_BIT TINYML_MODELPKG_OUTPUT_KIND_BIT(TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE)

static struct test_signer key;
static uint8_t spki[91];
static uint8_t pkg[64u * 1024u];
static uint8_t file[512u * 1024u];
static uint8_t extra[96];

static struct tinyml_modelpkg_expect expect(uint32_t kinds)
{
	struct tinyml_modelpkg_expect e = {
		spki, tpkg_manifest_digest, TPKG_RUNTIME_ID, TPKG_PIPELINE_ID, TPKG_ARENA, 0u,
		kinds};
	return e;
}

/* One OUTPUT_KIND TLV of @p len value bytes (12 is the format's) into extra at @p at. */
static size_t kind_tlv(size_t at, uint8_t kind, uint32_t ratio, uint32_t full_scale, uint16_t len)
{
	uint8_t v[16];

	memset(v, 0, sizeof(v));
	v[0] = kind;
	tinyml_put_le32(v + 4, ratio);
	tinyml_put_le32(v + 8, full_scale);
	return at + tpkg_tlv(extra + at, TINYML_MODELPKG_TLV_OUTPUT_KIND, v, len);
}

/* A signed package with extra[0, n) in its protected area and the descriptors of @p lie. */
static size_t build(size_t n, enum tpkg_lie lie)
{
	size_t len;

	tpkg_extra_tlvs = extra;
	tpkg_extra_len = n;
	tpkg_lie = lie;
	len = tpkg_build(pkg, sizeof(pkg), &key, 1, 0, 0, 0u, 3u);
	tpkg_extra_len = 0u;
	tpkg_lie = TPKG_HONEST;
	return len;
}

static int verify(size_t len, uint32_t kinds, struct tinyml_modelpkg_info *info)
{
	struct tinyml_modelpkg_expect e = expect(kinds);

	return tinyml_modelpkg_verify_buffer(pkg, len, &e, info);
}

TTEST(modelpkg_kind, without_the_tlv_a_package_holds_class_scores)
{
	struct tinyml_modelpkg_info info;
	size_t len;

	TT_ASSERT_EQ(test_signer_init(&key, 0x51), 0);
	tpkg_spki(&key, spki);
	len = build(0u, TPKG_HONEST);
	TT_ASSERT(len > 0u);
	TT_ASSERT_EQ(verify(len, 0u, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_CLASSES);
	TT_ASSERT_EQ(info.output_ratio_q16, 0u);
	TT_ASSERT_EQ(info.full_scale_q8, 0u);
	TT_ASSERT_EQ(info.anomaly_values, 0u);
	/* an explicit class-score TLV is the same; with a ratio or full scale it is malformed */
	len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_CLASSES, 0u, 0u, 12u), TPKG_HONEST);
	TT_ASSERT_EQ(verify(len, 0u, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_CLASSES);
	len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_CLASSES, 65536u, 0u, 12u), TPKG_HONEST);
	TT_ASSERT_EQ(verify(len, 0u, &info), -EINVAL);
	len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_CLASSES, 0u, 5u, 12u), TPKG_HONEST);
	TT_ASSERT_EQ(verify(len, 0u, &info), -EINVAL);
	test_signer_free(&key);
}

TTEST(modelpkg_kind, anomaly_score_is_accepted_with_its_values_exposed)
{
	struct tinyml_modelpkg_info info;
	struct tinyml_anomaly_config cfg;
	size_t len;

	TT_ASSERT_EQ(test_signer_init(&key, 0x52), 0);
	tpkg_spki(&key, spki);
	len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE, 74899u, 23654u, 12u),
		    TPKG_AUTOENCODER);
	TT_ASSERT(len > 0u);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE);
	TT_ASSERT_EQ(info.output_ratio_q16, 74899u);
	TT_ASSERT_EQ(info.full_scale_q8, 23654u);
	TT_ASSERT_EQ(info.anomaly_values, 4u); /* int8 [1, 4] in and out */
	/* what the firmware builds from it is a configuration the scorer takes */
	cfg = (struct tinyml_anomaly_config){10, -17, info.output_ratio_q16, info.full_scale_q8,
					     info.anomaly_values};
	TT_ASSERT_EQ(tinyml_anomaly_check(&cfg), 0);
	/* tools see the same without the signature */
	memset(&info, 0, sizeof(info));
	TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(pkg, len, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE);
	TT_ASSERT_EQ(info.full_scale_q8, 23654u);
	/* a firmware that runs class scores only refuses it */
	TT_ASSERT_EQ(verify(len, 0u, &info), -ENOTSUP);
	/* the ratio's whole range, 1 .. 2^20 */
	len = build(kind_tlv(0u, 1u, 1u, 1u, 12u), TPKG_AUTOENCODER);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), 0);
	len = build(kind_tlv(0u, 1u, TINYML_ANOMALY_MAX_RATIO, 0xFFFFFFFFu, 12u), TPKG_AUTOENCODER);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), 0);
	test_signer_free(&key);
}

TTEST(modelpkg_kind, anomaly_configuration_out_of_range_is_malformed)
{
	static const struct {
		uint32_t ratio;
		uint32_t full_scale;
		enum tpkg_lie lie;
	} cases[] = {
		{0u, 23654u, TPKG_AUTOENCODER},                            /* ratio 0 */
		{TINYML_ANOMALY_MAX_RATIO + 1u, 23654u, TPKG_AUTOENCODER}, /* ratio above 2^20 */
		{0xFFFFFFFFu, 23654u, TPKG_AUTOENCODER},
		{65536u, 0u, TPKG_AUTOENCODER}, /* full scale 0 */
		{65536u, 23654u, TPKG_HONEST},  /* 4 values in, 2 out: not a reconstruction */
		{65536u, 23654u, TPKG_AUTOENCODER_F32}, /* float32 output */
	};
	struct tinyml_modelpkg_info info;
	uint32_t i;

	TT_ASSERT_EQ(test_signer_init(&key, 0x53), 0);
	tpkg_spki(&key, spki);
	for (i = 0u; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE,
					    cases[i].ratio, cases[i].full_scale, 12u),
				   cases[i].lie);

		TT_ASSERT(len > 0u);
		TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -EINVAL);
		TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(pkg, len, &info), -EINVAL);
	}
	test_signer_free(&key);
}

TTEST(modelpkg_kind, regression_and_unknown_kinds_are_refused)
{
	static const uint8_t unknown[] = {3u, 4u, 0x7Fu, 0xFFu};
	struct tinyml_modelpkg_info info;
	size_t len;
	uint32_t i;

	TT_ASSERT_EQ(test_signer_init(&key, 0x54), 0);
	tpkg_spki(&key, spki);
	len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_REGRESSION, 0u, 0u, 12u), TPKG_HONEST);
	TT_ASSERT(len > 0u);
	/* no firmware of this core runs regression values, whatever else it runs */
	TT_ASSERT_EQ(verify(len, 0u, &info), -ENOTSUP);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -ENOTSUP);
	/* tools still read what it is */
	TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(pkg, len, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_REGRESSION);
	/* a regression package with anomaly fields is malformed */
	len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_REGRESSION, 65536u, 0u, 12u), TPKG_HONEST);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -EINVAL);
	for (i = 0u; i < sizeof(unknown); i++) {
		len = build(kind_tlv(0u, unknown[i], 65536u, 100u, 12u), TPKG_AUTOENCODER);
		TT_ASSERT_EQ(verify(len, 0xFFFFFFFFu, &info), -ENOTSUP);
		TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(pkg, len, &info), -ENOTSUP);
	}
	test_signer_free(&key);
}

TTEST(modelpkg_kind, truncated_long_or_reserved_tlv_is_malformed)
{
	static const uint16_t lengths[] = {0u, 4u, 8u, 11u, 13u, 16u};
	struct tinyml_modelpkg_info info;
	uint8_t v[12];
	size_t len;
	uint32_t i;

	TT_ASSERT_EQ(test_signer_init(&key, 0x55), 0);
	tpkg_spki(&key, spki);
	for (i = 0u; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		len = build(kind_tlv(0u, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE, 65536u, 23654u,
				     lengths[i]),
			    TPKG_AUTOENCODER);
		TT_ASSERT(len > 0u);
		TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -EINVAL);
		TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(pkg, len, &info), -EINVAL);
	}
	/* the reserved bytes 1..3 must be zero */
	for (i = 1u; i < 4u; i++) {
		memset(v, 0, sizeof(v));
		v[0] = TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE;
		tinyml_put_le32(v + 4, 65536u);
		tinyml_put_le32(v + 8, 23654u);
		v[i] = 1u;
		len = build(tpkg_tlv(extra, TINYML_MODELPKG_TLV_OUTPUT_KIND, v, sizeof(v)),
			    TPKG_AUTOENCODER);
		TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -EINVAL);
	}
	test_signer_free(&key);
}

TTEST(modelpkg_kind, duplicate_tlv_is_malformed_as_any_known_tag)
{
	struct tinyml_modelpkg_info info;
	size_t n;
	size_t len;

	TT_ASSERT_EQ(test_signer_init(&key, 0x56), 0);
	tpkg_spki(&key, spki);
	/* the same TLV twice, even identical, and two different kinds */
	n = kind_tlv(0u, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE, 65536u, 23654u, 12u);
	n = kind_tlv(n, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE, 65536u, 23654u, 12u);
	len = build(n, TPKG_AUTOENCODER);
	TT_ASSERT(len > 0u);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -EINVAL);
	TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(pkg, len, &info), -EINVAL);
	n = kind_tlv(0u, TINYML_MODELPKG_OUTPUT_CLASSES, 0u, 0u, 12u);
	n = kind_tlv(n, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE, 65536u, 23654u, 12u);
	len = build(n, TPKG_AUTOENCODER);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), -EINVAL);
	/* an unknown tag next to it is still skipped */
	n = kind_tlv(0u, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE, 65536u, 23654u, 12u);
	n += tpkg_tlv(extra + n, 0x00B7u, "abcd", 4u);
	len = build(n, TPKG_AUTOENCODER);
	TT_ASSERT_EQ(verify(len, ANOMALY_BIT, &info), 0);
	TT_ASSERT_EQ(info.anomaly_values, 4u);
	test_signer_free(&key);
}

static size_t read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (fp == NULL) {
		return 0u;
	}
	n = fread(file, 1u, sizeof(file), fp);
	fclose(fp);
	return n;
}

TTEST(modelpkg_kind, committed_anomaly_package_reads_as_the_packer_wrote_it)
{
	struct tinyml_modelpkg_info info;
	char path[512];
	size_t n;

	(void)snprintf(path, sizeof(path), "%s/models/pump/anomaly/pump_anomaly.pkg",
		       TINYML_SOURCE_DIR);
	n = read_file(path);
	TT_ASSERT(n > 0u);
	TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(file, n, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE);
	TT_ASSERT_EQ(info.n_labels, 2u);
	TT_ASSERT(info.output_ratio_q16 > 0u && info.output_ratio_q16 <= TINYML_ANOMALY_MAX_RATIO);
	TT_ASSERT(info.full_scale_q8 > 0u);
	TT_ASSERT(info.anomaly_values > 0u);
	/* the descriptors the scorer's configuration came from are the model's */
	TT_ASSERT_EQ(tinyml_modelpkg_check_model_buffer(file, n, &info), 0);
	/* and a class-score package is still one */
	(void)snprintf(path, sizeof(path), "%s/models/pump/pump.pkg", TINYML_SOURCE_DIR);
	n = read_file(path);
	TT_ASSERT(n > 0u);
	TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(file, n, &info), 0);
	TT_ASSERT_EQ(info.output_kind, TINYML_MODELPKG_OUTPUT_CLASSES);
}
