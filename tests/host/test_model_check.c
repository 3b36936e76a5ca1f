/*
 * The model of a signed package against what the runtime reads (issue 12, finding 1): the
 * TFLite flatbuffer verified on its signed length, the signed tensor descriptors and the arena
 * figure compared with the model. A package that is correctly signed but whose model is
 * malformed, or whose descriptors lie, is refused before the runtime sees it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <tinyml/modelpkg.h>
#include <tinyml/tflite_check.h>

#include "test_pkg_builder.h"
#include "ttest.h"

static struct test_signer key;
static uint8_t spki[91];
static uint8_t pkg[64u * 1024u];
static uint8_t file[512u * 1024u];

static struct tinyml_modelpkg_expect expect(void)
{
	struct tinyml_modelpkg_expect e = {
		spki, tpkg_manifest_digest, TPKG_RUNTIME_ID, TPKG_PIPELINE_ID, TPKG_ARENA, 0u, 0u};
	return e;
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

TTEST(model_check, packer_made_packages_and_real_models_pass)
{
	static const char *const examples[] = {"knock", "pump", "gesture"};
	char path[512];
	uint32_t i;

	for (i = 0u; i < 3u; i++) {
		struct tinyml_modelpkg_info info;
		struct tinyml_tflite_info model;
		size_t n;

		(void)snprintf(path, sizeof(path), "%s/models/%s/%s.pkg", TINYML_SOURCE_DIR,
			       examples[i], examples[i]);
		n = read_file(path);
		TT_ASSERT(n > 0u);
		TT_ASSERT_EQ(tinyml_modelpkg_inspect_buffer(file, n, &info), 0);
		/* the packer's descriptors agree with the C reading of its model */
		TT_ASSERT_EQ(tinyml_modelpkg_check_model_buffer(file, n, &info), 0);
		(void)snprintf(path, sizeof(path), "%s/models/%s/%s.tflite", TINYML_SOURCE_DIR,
			       examples[i], examples[i]);
		n = read_file(path);
		TT_ASSERT(n > 0u);
		TT_ASSERT_EQ(tinyml_tflite_check_buffer(file, n, &model), 0);
		TT_ASSERT(model.n_inputs >= 1u && model.n_outputs >= 1u && model.n_operators >= 1u);
	}
}

TTEST(model_check, signed_packages_whose_model_lies_are_refused)
{
	static const struct {
		enum tpkg_lie lie;
		int rc;
	} cases[] = {
		{TPKG_HONEST, 0},
		{TPKG_WRONG_DIM, -EINVAL},
		{TPKG_WRONG_SCALE, -EINVAL},
		{TPKG_WRONG_ZERO_POINT, -EINVAL},
		{TPKG_BAD_FLATBUFFER, -EINVAL},
		{TPKG_ARENA_TOO_SMALL, -ENOMEM},
	};
	struct tinyml_modelpkg_expect e;
	uint32_t i;

	TT_ASSERT_EQ(test_signer_init(&key, 0x4D), 0);
	tpkg_spki(&key, spki);
	e = expect();
	for (i = 0u; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tinyml_modelpkg_info info;
		size_t len;

		tpkg_lie = cases[i].lie;
		len = tpkg_build(pkg, sizeof(pkg), &key, 1, 0, 0, 0u, 1u);
		tpkg_lie = TPKG_HONEST;
		TT_ASSERT(len > 0u);
		/* signed and well formed as a package ... */
		TT_ASSERT_EQ(tinyml_modelpkg_verify_buffer(pkg, len, &e, &info), 0);
		/* ... but the model is not what the signed metadata says */
		TT_ASSERT_EQ(tinyml_modelpkg_check_model_buffer(pkg, len, &info), cases[i].rc);
	}
	test_signer_free(&key);
}

TTEST(model_check, mutated_and_truncated_flatbuffers_never_read_out_of_bounds)
{
	static uint8_t model[sizeof(tiny_model)];
	struct tinyml_tflite_info info;
	uint32_t refused = 0u;
	uint32_t i;

	TT_ASSERT_EQ(tinyml_tflite_check_buffer(tiny_model, sizeof(tiny_model), &info), 0);
	TT_ASSERT_EQ(info.n_inputs, 1u);
	TT_ASSERT_EQ(info.inputs[0].dims[1], 4);
	TT_ASSERT_EQ(info.outputs[0].zero_point, -17);
	/* ASan watches every read: each byte flipped, and every truncation */
	for (i = 0u; i < sizeof(tiny_model); i++) {
		memcpy(model, tiny_model, sizeof(model));
		model[i] ^= 0xFFu;
		refused += tinyml_tflite_check_buffer(model, sizeof(model), &info) != 0 ? 1u : 0u;
	}
	TT_ASSERT(refused > sizeof(tiny_model) / 2u);
	for (i = 0u; i < sizeof(tiny_model); i++) {
		int rc = tinyml_tflite_check_buffer(tiny_model, i, &info);

		/* the root table sits at the start, its children after it: a model cut anywhere
		 * before its last referenced byte is refused */
		if (i < sizeof(tiny_model) - 16u) {
			TT_ASSERT(rc != 0);
		}
	}
}
