#include <errno.h>
#include <string.h>

#include <tinyml/modelpkg.h>

#include "flash_fixture.h"
#include "test_pkg_builder.h"
#include "ttest.h"

static uint8_t pkg[8192];
static uint8_t spki[91];
static struct test_signer key;
static struct flash_fixture fx;

static struct tinyml_modelpkg_expect expect_for(uint32_t min_version)
{
	struct tinyml_modelpkg_expect e = {spki,
					   tpkg_manifest_digest,
					   TPKG_RUNTIME_ID,
					   TPKG_PIPELINE_ID,
					   TPKG_ARENA,
					   min_version,
					   0u};
	return e;
}

TTEST(modelpkg, c_built_package_verifies_from_buffer_and_flash)
{
	struct tinyml_modelpkg_expect e;
	struct tinyml_modelpkg_info info;
	size_t len;

	TT_ASSERT_EQ(test_signer_init(&key, 0x55), 0);
	tpkg_spki(&key, spki);
	e = expect_for(0u);
	len = tpkg_build(pkg, sizeof(pkg), &key, 2, 1, 7, 1200u, 3u);
	TT_ASSERT(len > 0u);
	TT_ASSERT_EQ(tinyml_modelpkg_verify_buffer(pkg, len, &e, &info), 0);
	TT_ASSERT_EQ(info.version, TINYML_MODELPKG_VERSION(2, 1, 7));
	TT_ASSERT_EQ(info.tflite_offset, 128u);
	TT_ASSERT_EQ(info.tflite_size, 1200u);
	TT_ASSERT_EQ(info.total_size, len);
	TT_ASSERT_EQ(info.n_labels, 2u);
	TT_ASSERT_EQ(fixture_init(&fx, 8u, 4096u, 4u, 0u), 0);
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, pkg, (len + 7u) / 8u * 8u), 0);
	TT_ASSERT_EQ(tinyml_modelpkg_verify_area(&fx.area, &e, &info), 0);
	TT_ASSERT_EQ(info.total_size, len);
	/* the downgrade rule */
	e = expect_for(TINYML_MODELPKG_VERSION(2, 1, 8));
	TT_ASSERT_EQ(tinyml_modelpkg_verify_area(&fx.area, &e, &info), -ESTALE);
	e = expect_for(TINYML_MODELPKG_VERSION(2, 1, 7));
	TT_ASSERT_EQ(tinyml_modelpkg_verify_area(&fx.area, &e, &info), 0);
	/* an erased slot */
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 0u, 4096u), 0);
	TT_ASSERT_EQ(tinyml_modelpkg_verify_area(&fx.area, &e, &info), -EINVAL);
	test_signer_free(&key);
}

TTEST(modelpkg, every_single_bit_flip_is_refused)
{
	struct tinyml_modelpkg_expect e;
	struct tinyml_modelpkg_info info;
	size_t len;
	size_t i;
	unsigned int accepted = 0u;

	TT_ASSERT_EQ(test_signer_init(&key, 0x56), 0);
	tpkg_spki(&key, spki);
	e = expect_for(0u);
	len = tpkg_build(pkg, sizeof(pkg), &key, 1, 0, 0, 64u, 9u);
	TT_ASSERT(len > 0u);
	TT_ASSERT_EQ(tinyml_modelpkg_verify_buffer(pkg, len, &e, &info), 0);
	for (i = 0u; i < len * 8u; i++) {
		pkg[i / 8u] ^= (uint8_t)(1u << (i % 8u));
		accepted += tinyml_modelpkg_verify_buffer(pkg, len, &e, &info) == 0 ? 1u : 0u;
		pkg[i / 8u] ^= (uint8_t)(1u << (i % 8u));
	}
	TT_ASSERT_EQ(accepted, 0u);
	test_signer_free(&key);
}

/* About 1 ECDSA P-256 signature in 500 has a leading zero byte in r or s: 69 DER bytes. */
TTEST(modelpkg, short_der_signature_verifies)
{
	struct tinyml_modelpkg_expect e;
	struct tinyml_modelpkg_info info;
	unsigned int tries;
	bool found = false;

	TT_ASSERT_EQ(test_signer_init(&key, 0x57), 0);
	tpkg_spki(&key, spki);
	e = expect_for(0u);
	for (tries = 0u; tries < 5000u && !found; tries++) {
		size_t len = tpkg_build(pkg, sizeof(pkg), &key, 1, 0, (uint16_t)tries, 32u, 1u);
		const uint8_t *tlv = pkg + len - 69u - 4u; /* the signature TLV comes last */

		TT_ASSERT(len > 0u);
		if (tlv[0] == TINYML_MODELPKG_TLV_ECDSASIG && tlv[1] == 0u && tlv[2] == 69u &&
		    tlv[3] == 0u) {
			found = true;
			TT_ASSERT_EQ(tinyml_modelpkg_verify_buffer(pkg, len, &e, &info), 0);
		}
	}
	TT_ASSERT(found);
	test_signer_free(&key);
}

TTEST(modelpkg, der_signature_is_strict)
{
	uint8_t raw[64];
	static const uint8_t ok[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x7f};
	static const uint8_t neg[] = {0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x7f};
	static const uint8_t padded[] = {0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x7f};
	static const uint8_t trailing[] = {0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x7f, 0x00};

	TT_ASSERT_EQ(tinyml_modelpkg_der_to_raw_sig(ok, sizeof(ok), raw), 0);
	TT_ASSERT_EQ(raw[31], 0x01);
	TT_ASSERT_EQ(raw[63], 0x7f);
	TT_ASSERT_EQ(raw[0], 0x00);
	TT_ASSERT_EQ(tinyml_modelpkg_der_to_raw_sig(neg, sizeof(neg), raw), -EINVAL);
	TT_ASSERT_EQ(tinyml_modelpkg_der_to_raw_sig(padded, sizeof(padded), raw), -EINVAL);
	TT_ASSERT_EQ(tinyml_modelpkg_der_to_raw_sig(trailing, sizeof(trailing), raw), -EINVAL);
	TT_ASSERT_EQ(tinyml_modelpkg_der_to_raw_sig(ok, sizeof(ok) - 1u, raw), -EINVAL);
}
