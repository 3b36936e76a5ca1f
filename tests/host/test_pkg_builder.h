/*
 * Test-only model packages built in C (same layout as docs/model-package-format.md), so the
 * slot tests can write packages of any version into simulated slots. The Python packer and
 * imgtool are checked against the same parser by tests/python/test_state_modelpkg.py.
 */
#ifndef TESTS_HOST_TEST_PKG_BUILDER_H_
#define TESTS_HOST_TEST_PKG_BUILDER_H_

#include <string.h>

#include <tinyml/modelpkg.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "test_signer.h"
#include "tiny_model.h"

#define TPKG_RUNTIME_ID  0x5EED0001u
#define TPKG_PIPELINE_ID 0x0000F00Du
#define TPKG_ARENA       (48u * 1024u)

static const uint8_t tpkg_manifest_digest[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

static const uint8_t tpkg_spki_prefix[26] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

/*
 * What tpkg_build() spoils after the model, before signing: the signed package is well formed,
 * but its model or descriptors lie (tinyml_modelpkg_check_model() must refuse it).
 */
enum tpkg_lie {
	TPKG_HONEST = 0,
	TPKG_WRONG_DIM,        /* input descriptor says [1, 5] */
	TPKG_WRONG_SCALE,      /* output descriptor's scale differs */
	TPKG_WRONG_ZERO_POINT, /* input descriptor's zero point differs */
	TPKG_BAD_FLATBUFFER,   /* the root offset of the flatbuffer points out of it */
	TPKG_ARENA_TOO_SMALL,  /* arena figure below the model's largest tensor */
	TPKG_AUTOENCODER,      /* output descriptor says int8 [1, 4], as many values as the input */
	TPKG_AUTOENCODER_F32,  /* as TPKG_AUTOENCODER, but the output is float32 */
};

static enum tpkg_lie tpkg_lie = TPKG_HONEST;

/* Raw TLVs (type, length, value) tpkg_build() appends to the protected area, before signing:
 * the optional ones such as OUTPUT_KIND, or unknown ones. At most 96 bytes. */
static const uint8_t *tpkg_extra_tlvs;
static size_t tpkg_extra_len;

/* The tiny model's tensors (tests/host/make_tiny_model.py printed them): int8 [1, 4] in,
 * int8 [1, 2] out. */
static inline void tpkg_descriptors(uint8_t tensors[64])
{
	const float in_scale = 0.016805056482553482f;
	const float out_scale = 0.019186167046427727f;
	uint32_t bits;

	memset(tensors, 0, 64u);
	tensors[1] = 9u; /* INT8 */
	tensors[2] = 2u;
	tinyml_put_le32(tensors + 4, 1u);
	tinyml_put_le32(tensors + 8, tpkg_lie == TPKG_WRONG_DIM ? 5u : 4u);
	memcpy(&bits, &in_scale, sizeof(bits));
	tinyml_put_le32(tensors + 24, bits);
	tinyml_put_le32(tensors + 28, tpkg_lie == TPKG_WRONG_ZERO_POINT ? 11u : 10u);
	tensors[32] = 1u;
	tensors[33] = tpkg_lie == TPKG_AUTOENCODER_F32 ? 1u : 9u; /* FLOAT32 or INT8 */
	tensors[34] = 2u;
	tinyml_put_le32(tensors + 36, 1u);
	tinyml_put_le32(tensors + 40,
			tpkg_lie == TPKG_AUTOENCODER || tpkg_lie == TPKG_AUTOENCODER_F32 ? 4u : 2u);
	memcpy(&bits, &out_scale, sizeof(bits));
	tinyml_put_le32(tensors + 56, tpkg_lie == TPKG_WRONG_SCALE ? bits + 1u : bits);
	tinyml_put_le32(tensors + 60, (uint32_t)-17);
}

static inline void tpkg_spki(const struct test_signer *key, uint8_t out[91])
{
	memcpy(out, tpkg_spki_prefix, sizeof(tpkg_spki_prefix));
	memcpy(out + sizeof(tpkg_spki_prefix), key->pub, 65u);
}

static inline size_t tpkg_tlv(uint8_t *p, uint16_t type, const void *v, uint16_t len)
{
	tinyml_put_le16(p, type);
	tinyml_put_le16(p + 2, len);
	memcpy(p + 4, v, len);
	return 4u + len;
}

/*
 * Writes a signed package of model version @p major.@p minor.@p patch whose payload is the
 * tiny model followed by filler bytes derived from @p seed up to @p payload_len bytes (at least
 * the model); returns its size, 0 if @p cap is too small.
 */
static inline size_t tpkg_build(uint8_t *out, size_t cap, const struct test_signer *key,
				uint8_t major, uint8_t minor, uint16_t patch, uint32_t payload_len,
				uint8_t seed)
{
	static const char labels[] = "quiet\0event\0"; /* 12 bytes: no padding needed */
	uint8_t meta[48];
	uint8_t tensors[64];
	uint8_t thresholds[8];
	uint8_t spki[91];
	uint8_t digest[32];
	uint8_t raw[64];
	uint8_t der[72];
	uint32_t img_size;
	size_t prot_start;
	size_t off;
	size_t n;
	size_t hash_len;

	payload_len = payload_len < sizeof(tiny_model) ? (uint32_t)sizeof(tiny_model) : payload_len;
	img_size = (payload_len + 15u) / 16u * 16u;
	prot_start = 128u + img_size;
	if (cap < prot_start + 512u || tpkg_extra_len > 96u) {
		return 0u;
	}
	memset(out, 0, prot_start);
	tinyml_put_le32(out, TINYML_MODELPKG_IMAGE_MAGIC);
	tinyml_put_le16(out + 8, 128u);
	tinyml_put_le32(out + 12, img_size);
	tinyml_put_le32(out + 16, 0x10u);
	out[20] = major;
	out[21] = minor;
	tinyml_put_le16(out + 22, patch);
	memcpy(out + 128u, tiny_model, sizeof(tiny_model));
	for (n = sizeof(tiny_model); n < payload_len; n++) {
		out[128u + n] = (uint8_t)(seed + n * 7u);
	}
	if (tpkg_lie == TPKG_BAD_FLATBUFFER) {
		tinyml_put_le32(out + 128u, payload_len + 64u);
	}
	memset(meta, 0, sizeof(meta));
	tinyml_put_le16(meta, 1u);
	tinyml_put_le32(meta + 4, payload_len);
	meta[8] = major;
	meta[9] = minor;
	tinyml_put_le16(meta + 10, patch);
	tinyml_put_le32(meta + 12, TPKG_RUNTIME_ID);
	tinyml_put_le32(meta + 16, TPKG_PIPELINE_ID);
	tinyml_put_le32(meta + 20, tpkg_lie == TPKG_ARENA_TOO_SMALL ? 2u : TPKG_ARENA / 2u);
	tinyml_put_le16(meta + 36, 1u);
	tinyml_put_le16(meta + 38, 1u);
	tinyml_put_le16(meta + 40, 2u);
	tinyml_put_le16(meta + 42, 1u);
	tpkg_descriptors(tensors);
	memset(thresholds, 0, sizeof(thresholds));
	tinyml_put_le16(thresholds, 1u);
	tinyml_put_le32(thresholds + 4, 0x3f000000u); /* 0.5f */
	off = prot_start + 4u;
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_MODEL_META, meta, sizeof(meta));
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_MANIFEST_DIGEST, tpkg_manifest_digest, 32u);
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_TENSORS, tensors, sizeof(tensors));
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_LABELS, labels, sizeof(labels) - 1u);
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_THRESHOLDS, thresholds, sizeof(thresholds));
	if (tpkg_extra_len > 0u) {
		memcpy(out + off, tpkg_extra_tlvs, tpkg_extra_len);
		off += tpkg_extra_len;
	}
	tinyml_put_le16(out + prot_start, TINYML_MODELPKG_TLV_PROT_MAGIC);
	tinyml_put_le16(out + prot_start + 2, (uint16_t)(off - prot_start));
	tinyml_put_le16(out + 10, (uint16_t)(off - prot_start));
	hash_len = off;
	if (psa_hash_compute(PSA_ALG_SHA_256, out, hash_len, digest, 32u, &n) != PSA_SUCCESS ||
	    test_signer_sign(key, out, hash_len, raw) != 0) {
		return 0u;
	}
	tpkg_spki(key, spki);
	off += 4u;
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_SHA256, digest, 32u);
	{
		uint8_t keyhash[32];

		if (psa_hash_compute(PSA_ALG_SHA_256, spki, sizeof(spki), keyhash, 32u, &n) !=
		    PSA_SUCCESS) {
			return 0u;
		}
		off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_KEYHASH, keyhash, 32u);
	}
	n = test_der_signature(raw, der);
	off += tpkg_tlv(out + off, TINYML_MODELPKG_TLV_ECDSASIG, der, (uint16_t)n);
	tinyml_put_le16(out + hash_len, TINYML_MODELPKG_TLV_INFO_MAGIC);
	tinyml_put_le16(out + hash_len + 2, (uint16_t)(off - hash_len));
	return off;
}

#endif /* TESTS_HOST_TEST_PKG_BUILDER_H_ */
