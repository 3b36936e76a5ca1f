/*
 * Fuzz the model package parser: the unverified layout/metadata parser and the model check
 * (reached for any input), the full verification (the input's signed region is re-signed with
 * the fuzz build's key, which the verifier trusts, so every mutation gets past the signature
 * and reaches the metadata, identity, threshold and model checks behind it), the verification
 * of the input as it is, and the DER signature decoder.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/modelpkg.h>

#include "../../modules/tinyml/core/le_bytes.h"
#include "fuzz_signer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SIGNED (64u * 1024u)

/* The identity of tests/python/state_vectors.py (the seeds are made with it). */
static const uint32_t runtime_id = 0x1234ABCDu;
static const uint32_t pipeline_id = 0x0BADF00Du;
/* sha256(b"tinyml test operator manifest") */
static const uint8_t manifest_digest[32] = {
	0x98, 0x3e, 0xc5, 0x26, 0xb1, 0xb2, 0xbc, 0xaa, 0xcc, 0x41, 0xb3,
	0xd8, 0xba, 0x8c, 0x10, 0x6a, 0xfd, 0xb8, 0xf1, 0x5b, 0xed, 0xa3,
	0x92, 0xf9, 0x58, 0x91, 0xc9, 0xfb, 0xd4, 0x91, 0x79, 0x6e,
};

static struct fuzz_signer signer;
static uint8_t pkg[MAX_SIGNED + 256u];

static size_t tlv(uint8_t *p, uint16_t type, const void *v, uint16_t len)
{
	tinyml_put_le16(p, type);
	tinyml_put_le16(p + 2, len);
	memcpy(p + 4, v, len);
	return 4u + len;
}

/* DER of one 32-byte unsigned integer. */
static size_t der_int(const uint8_t *v, uint8_t *out)
{
	size_t skip = 0u;
	size_t pad;

	while (skip < 31u && v[skip] == 0u) {
		skip++;
	}
	pad = (v[skip] & 0x80u) != 0u ? 1u : 0u;
	out[0] = 0x02;
	out[1] = (uint8_t)(32u - skip + pad);
	out[2] = 0x00;
	memcpy(out + 2 + pad, v + skip, 32u - skip);
	return 2u + pad + 32u - skip;
}

/* The input's signed region (header, payload, protected TLVs), signed with the fuzz key. */
static size_t resign(const uint8_t *data, size_t size)
{
	uint8_t raw[FUZZ_SIG_BYTES];
	uint8_t digest[32];
	uint8_t der[72];
	size_t signed_len;
	size_t off;
	size_t n;

	if (size < 32u) {
		return 0u;
	}
	signed_len = (size_t)tinyml_get_le16(data + 8) + tinyml_get_le32(data + 12) +
		     tinyml_get_le16(data + 10);
	if (signed_len < 32u || signed_len > size || signed_len > MAX_SIGNED ||
	    fuzz_sign(&signer, data, signed_len, raw, digest) != 0) {
		return 0u;
	}
	memcpy(pkg, data, signed_len);
	off = signed_len + 4u;
	off += tlv(pkg + off, TINYML_MODELPKG_TLV_SHA256, digest, 32u);
	off += tlv(pkg + off, TINYML_MODELPKG_TLV_KEYHASH, signer.keyhash, 32u);
	n = 2u;
	n += der_int(raw, der + n);
	n += der_int(raw + 32, der + n);
	der[0] = 0x30;
	der[1] = (uint8_t)(n - 2u);
	off += tlv(pkg + off, TINYML_MODELPKG_TLV_ECDSASIG, der, (uint16_t)n);
	tinyml_put_le16(pkg + signed_len, TINYML_MODELPKG_TLV_INFO_MAGIC);
	tinyml_put_le16(pkg + signed_len + 2u, (uint16_t)(off - signed_len));
	return off;
}

static void check_info(const struct tinyml_modelpkg_info *info, size_t size)
{
	/* what the parser reports must lie inside the input */
	if (info->total_size > size || info->tflite_offset + (uint64_t)info->tflite_size > size ||
	    info->labels_offset + (uint64_t)info->labels_len > size ||
	    info->tensors_offset + 32u * (uint64_t)(info->n_inputs + info->n_outputs) > size) {
		__builtin_trap();
	}
}

static void behind_the_signature(const uint8_t *p, size_t size,
				 const struct tinyml_modelpkg_info *info)
{
	int16_t q15[TINYML_MODELPKG_MAX_LABELS];

	check_info(info, size);
	(void)tinyml_modelpkg_check_model_buffer(p, size, info);
	(void)tinyml_modelpkg_read_thresholds_buffer(p, size, info, q15,
						     TINYML_MODELPKG_MAX_LABELS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tinyml_modelpkg_expect e = {
		signer.spki,
		manifest_digest,
		runtime_id,
		pipeline_id,
		65536u,
		0u,
		TINYML_MODELPKG_OUTPUT_KIND_BIT(TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE)};
	struct tinyml_modelpkg_info info;
	uint8_t raw[64];
	size_t len;

	if (fuzz_signer_init(&signer) != 0) {
		__builtin_trap();
	}
	if (tinyml_modelpkg_inspect_buffer(data, size, &info) == 0) {
		behind_the_signature(data, size, &info);
	}
	len = resign(data, size);
	if (len != 0u && tinyml_modelpkg_verify_buffer(pkg, len, &e, &info) == 0) {
		behind_the_signature(pkg, len, &info);
	}
	(void)tinyml_modelpkg_verify_buffer(data, size, &e, &info);
	(void)tinyml_modelpkg_der_to_raw_sig(data, size, raw);
	return 0;
}
