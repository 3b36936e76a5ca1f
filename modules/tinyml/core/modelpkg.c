/*
 * Model package verification (see tinyml/modelpkg.h and docs/model-package-format.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <tinyml/anomaly.h>
#include <tinyml/modelpkg.h>
#include <tinyml/platform/crypto.h>

#include "le_bytes.h"

#define HEADER_BYTES   32u
#define TLV_HDR_BYTES  4u
#define META_BYTES     48u
#define TENSOR_BYTES   32u
#define THRESH_BYTES   8u
#define KIND_BYTES     12u
#define TENSOR_RANK    5u
#define TFLITE_INT8    9u
#define MAX_TENSORS    8u
#define MAX_LABELS     TINYML_MODELPKG_MAX_LABELS
#define MAX_THRESHOLDS 64u
#define MAX_LABELS_LEN 4096u
#define MAX_LABEL_LEN  63u
/* DER of two 256-bit integers: 70..72 bytes usually, shorter when r or s has leading zero
 * bytes (about 1 signature in 500 is 69 bytes); the DER parser enforces the exact form. */
#define SIG_MIN_BYTES  8u
#define SIG_MAX_BYTES  72u
#define HASH_CHUNK     256u

/* MCUboot's IMAGE_F_ENCRYPTED_AES128/AES256, COMPRESSED_LZMA1/LZMA2/ARM_THUMB. */
#define FLAGS_REFUSED 0x00000E0Cu

/* DER prefix of a P-256 SubjectPublicKeyInfo; the uncompressed point follows. */
static const uint8_t spki_p256_prefix[26] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

struct pkg_src {
	const struct tinyml_flash_area *fa;
	const uint8_t *buf;
	uint32_t size;
};

struct tlv_ref {
	uint32_t off; /* of the value */
	uint32_t len;
	bool seen;
};

enum {
	REF_SHA256,
	REF_KEYHASH,
	REF_SIG,
	REF_META,
	REF_MANIFEST,
	REF_TENSORS,
	REF_LABELS,
	REF_THRESHOLDS,
	REF_OUTPUT_KIND, /* optional: every REF_ before it is required */
	REF_COUNT,
};

static int src_read(const struct pkg_src *src, uint32_t off, void *dst, size_t len)
{
	if (off > src->size || len > (size_t)(src->size - off)) {
		return -EINVAL;
	}
	if (src->buf != NULL) {
		memcpy(dst, src->buf + off, len);
		return 0;
	}
	return tinyml_platform_flash_read(src->fa, off, dst, len) == 0 ? 0 : -EIO;
}

static int ref_index(uint16_t type, bool protected_area)
{
	if (!protected_area) {
		switch (type) {
		case TINYML_MODELPKG_TLV_SHA256:
			return REF_SHA256;
		case TINYML_MODELPKG_TLV_KEYHASH:
			return REF_KEYHASH;
		case TINYML_MODELPKG_TLV_ECDSASIG:
			return REF_SIG;
		default:
			return -1;
		}
	}
	switch (type) {
	case TINYML_MODELPKG_TLV_MODEL_META:
		return REF_META;
	case TINYML_MODELPKG_TLV_MANIFEST_DIGEST:
		return REF_MANIFEST;
	case TINYML_MODELPKG_TLV_TENSORS:
		return REF_TENSORS;
	case TINYML_MODELPKG_TLV_LABELS:
		return REF_LABELS;
	case TINYML_MODELPKG_TLV_THRESHOLDS:
		return REF_THRESHOLDS;
	case TINYML_MODELPKG_TLV_OUTPUT_KIND:
		return REF_OUTPUT_KIND;
	default:
		return -1;
	}
}

/* Walks one TLV area [start, start + total): TLVs must tile it exactly. */
static int walk_area(const struct pkg_src *src, uint32_t start, uint32_t total, uint16_t magic,
		     bool protected_area, struct tlv_ref refs[REF_COUNT])
{
	uint8_t h[TLV_HDR_BYTES];
	uint32_t end = start + total;
	uint32_t off = start + TLV_HDR_BYTES;
	int rc;

	rc = src_read(src, start, h, sizeof(h));
	if (rc != 0) {
		return rc;
	}
	if (tinyml_get_le16(h) != magic || tinyml_get_le16(h + 2) != total ||
	    total < TLV_HDR_BYTES) {
		return -EINVAL;
	}
	while (off < end) {
		uint16_t type;
		uint16_t len;
		int idx;

		if (end - off < TLV_HDR_BYTES) {
			return -EINVAL;
		}
		rc = src_read(src, off, h, sizeof(h));
		if (rc != 0) {
			return rc;
		}
		type = tinyml_get_le16(h);
		len = tinyml_get_le16(h + 2);
		off += TLV_HDR_BYTES;
		if (len > end - off) {
			return -EINVAL;
		}
		idx = ref_index(type, protected_area);
		if (idx >= 0) {
			if (refs[idx].seen) {
				return -EINVAL;
			}
			refs[idx].seen = true;
			refs[idx].off = off;
			refs[idx].len = len;
		}
		off += len;
	}
	return 0;
}

static int sha256_range(const struct pkg_src *src, uint32_t len, uint8_t digest[32])
{
	struct tinyml_platform_sha256 op;
	uint8_t chunk[HASH_CHUNK];
	uint32_t off = 0u;
	int rc = tinyml_platform_sha256_start(&op);

	if (rc != 0) {
		return -EIO;
	}
	while (off < len) {
		uint32_t n = len - off < HASH_CHUNK ? len - off : HASH_CHUNK;

		rc = src_read(src, off, chunk, n);
		if (rc == 0) {
			rc = tinyml_platform_sha256_update(&op, chunk, n);
		}
		if (rc != 0) {
			tinyml_platform_sha256_abort(&op);
			return rc == -EINVAL ? -EINVAL : -EIO;
		}
		off += n;
	}
	return tinyml_platform_sha256_finish(&op, digest) == 0 ? 0 : -EIO;
}

/* One DER INTEGER at der[*pos], left-padded to 32 bytes at out. */
static int der_integer(const uint8_t *der, size_t len, size_t *pos, uint8_t out[32])
{
	size_t n;
	size_t p = *pos;

	if (len - p < 2u || der[p] != 0x02u) {
		return -EINVAL;
	}
	n = der[p + 1u];
	p += 2u;
	if (n == 0u || n > 33u || n > len - p) {
		return -EINVAL;
	}
	if ((der[p] & 0x80u) != 0u) {
		return -EINVAL; /* negative */
	}
	if (der[p] == 0x00u) {
		if (n == 1u || (der[p + 1u] & 0x80u) == 0u) {
			return -EINVAL; /* zero, or not minimal */
		}
		p++;
		n--;
	}
	if (n > 32u) {
		return -EINVAL;
	}
	memset(out, 0, 32u - n);
	memcpy(out + 32u - n, der + p, n);
	*pos = p + n;
	return 0;
}

int tinyml_modelpkg_der_to_raw_sig(const uint8_t *der, size_t len, uint8_t raw[64])
{
	size_t pos = 2u;

	if (der == NULL || raw == NULL || len < 8u || der[0] != 0x30u || der[1] >= 0x80u ||
	    (size_t)der[1] + 2u != len) {
		return -EINVAL;
	}
	if (der_integer(der, len, &pos, raw) != 0 || der_integer(der, len, &pos, raw + 32) != 0 ||
	    pos != len) {
		return -EINVAL;
	}
	return 0;
}

static int check_signature(const struct pkg_src *src, const struct tlv_ref refs[REF_COUNT],
			   const struct tinyml_modelpkg_expect *expect, const uint8_t digest[32])
{
	uint8_t keyhash[32];
	uint8_t want[32];
	uint8_t der[SIG_MAX_BYTES];
	uint8_t raw[64];
	struct tinyml_platform_sha256 op;
	int rc;

	if (!refs[REF_KEYHASH].seen || refs[REF_KEYHASH].len != 32u || !refs[REF_SIG].seen ||
	    refs[REF_SIG].len < SIG_MIN_BYTES || refs[REF_SIG].len > SIG_MAX_BYTES) {
		return -EPERM;
	}
	rc = tinyml_platform_sha256_start(&op);
	if (rc == 0) {
		rc = tinyml_platform_sha256_update(&op, expect->signing_key_spki,
						   TINYML_MODELPKG_SPKI_P256_BYTES);
		if (rc == 0) {
			rc = tinyml_platform_sha256_finish(&op, want);
		}
	}
	if (rc != 0) {
		return -EIO;
	}
	rc = src_read(src, refs[REF_KEYHASH].off, keyhash, sizeof(keyhash));
	if (rc != 0) {
		return rc;
	}
	if (memcmp(keyhash, want, sizeof(want)) != 0) {
		return -EPERM;
	}
	rc = src_read(src, refs[REF_SIG].off, der, refs[REF_SIG].len);
	if (rc != 0) {
		return rc;
	}
	if (tinyml_modelpkg_der_to_raw_sig(der, refs[REF_SIG].len, raw) != 0) {
		return -EPERM;
	}
	rc = tinyml_platform_ecdsa_p256_verify(expect->signing_key_spki + sizeof(spki_p256_prefix),
					       digest, raw);
	return rc == 0 ? 0 : (rc == -EBADMSG ? -EPERM : -EIO);
}

/* n_labels NUL-terminated strings of 1..63 bytes, then 0..3 NULs to a multiple of 4. */
static int check_labels(const struct pkg_src *src, const struct tlv_ref *ref, uint16_t n_labels)
{
	uint8_t chunk[64];
	uint32_t done = 0u;
	uint32_t strings = 0u;
	uint32_t cur = 0u;
	uint32_t padding = 0u;

	if (ref->len > MAX_LABELS_LEN || ref->len % 4u != 0u) {
		return -EINVAL;
	}
	while (done < ref->len) {
		uint32_t n = ref->len - done < sizeof(chunk) ? ref->len - done : sizeof(chunk);
		uint32_t i;
		int rc = src_read(src, ref->off + done, chunk, n);

		if (rc != 0) {
			return rc;
		}
		for (i = 0u; i < n; i++) {
			if (strings == n_labels) {
				if (chunk[i] != 0u) {
					return -EINVAL;
				}
				padding++;
			} else if (chunk[i] != 0u) {
				cur++;
			} else if (cur == 0u || cur > MAX_LABEL_LEN) {
				return -EINVAL;
			} else {
				strings++;
				cur = 0u;
			}
		}
		done += n;
	}
	return strings == n_labels && padding <= 3u ? 0 : -EINVAL;
}

static bool threshold_record_ok(const uint8_t rec[THRESH_BYTES], uint16_t n_labels)
{
	/* 0.0 <= threshold <= 1.0 as IEEE 754 bits: non-negative and at most 0x3f800000 */
	return tinyml_get_le16(rec) < n_labels && tinyml_get_le16(rec + 2) == 0u &&
	       tinyml_get_le32(rec + 4) <= 0x3f800000u;
}

static int check_thresholds(const struct pkg_src *src, const struct tlv_ref *ref,
			    uint16_t n_thresholds, uint16_t n_labels)
{
	uint8_t rec[THRESH_BYTES];
	uint32_t i;

	for (i = 0u; i < n_thresholds; i++) {
		int rc = src_read(src, ref->off + i * THRESH_BYTES, rec, sizeof(rec));

		if (rc != 0) {
			return rc;
		}
		if (!threshold_record_ok(rec, n_labels)) {
			return -EINVAL;
		}
	}
	return 0;
}

/* Values of the int8 tensor of descriptor @p rec (TENSORS), 1..TINYML_ANOMALY_MAX_VALUES. */
static int int8_values(const uint8_t rec[TENSOR_BYTES], uint8_t direction, uint32_t *values)
{
	uint32_t n = 1u;
	uint32_t i;

	if (rec[0] != direction || rec[1] != TFLITE_INT8 || rec[2] > TENSOR_RANK) {
		return -EINVAL;
	}
	for (i = 0u; i < rec[2]; i++) {
		int32_t dim = (int32_t)tinyml_get_le32(rec + 4u + 4u * i);

		if (dim <= 0 || (uint64_t)n * (uint32_t)dim > TINYML_ANOMALY_MAX_VALUES) {
			return -EINVAL;
		}
		n *= (uint32_t)dim;
	}
	*values = n;
	return 0;
}

/* The anomaly score's configuration from the first input and output descriptors. */
static int check_anomaly(const struct pkg_src *src, struct tinyml_modelpkg_info *info)
{
	uint8_t in[TENSOR_BYTES];
	uint8_t out[TENSOR_BYTES];
	struct tinyml_anomaly_config cfg;
	uint32_t out_values = 0u;
	int rc;

	if (info->n_labels != 2u) {
		return -EINVAL; /* normal, anomaly */
	}
	rc = src_read(src, info->tensors_offset, in, sizeof(in));
	if (rc == 0) {
		rc = src_read(src, info->tensors_offset + TENSOR_BYTES * (uint32_t)info->n_inputs,
			      out, sizeof(out));
	}
	if (rc != 0) {
		return rc;
	}
	if (int8_values(in, 0u, &cfg.n_values) != 0 || int8_values(out, 1u, &out_values) != 0 ||
	    out_values != cfg.n_values) {
		return -EINVAL;
	}
	cfg.input_zero_point = (int32_t)tinyml_get_le32(in + 28);
	cfg.output_zero_point = (int32_t)tinyml_get_le32(out + 28);
	cfg.output_ratio_q16 = info->output_ratio_q16;
	cfg.full_scale_q8 = info->full_scale_q8;
	if (tinyml_anomaly_check(&cfg) != 0) {
		return -EINVAL;
	}
	info->anomaly_values = cfg.n_values;
	return 0;
}

/* The optional OUTPUT_KIND TLV; without it the package holds class scores. */
static int check_output_kind(const struct pkg_src *src, const struct tlv_ref *ref,
			     struct tinyml_modelpkg_info *info)
{
	uint8_t k[KIND_BYTES];
	int rc;

	info->output_kind = TINYML_MODELPKG_OUTPUT_CLASSES;
	if (!ref->seen) {
		return 0;
	}
	if (ref->len != KIND_BYTES) {
		return -EINVAL;
	}
	rc = src_read(src, ref->off, k, sizeof(k));
	if (rc != 0) {
		return rc;
	}
	if (k[1] != 0u || tinyml_get_le16(k + 2) != 0u) {
		return -EINVAL;
	}
	if (k[0] > TINYML_MODELPKG_OUTPUT_REGRESSION) {
		return -ENOTSUP; /* a kind this parser does not know */
	}
	info->output_kind = k[0];
	info->output_ratio_q16 = tinyml_get_le32(k + 4);
	info->full_scale_q8 = tinyml_get_le32(k + 8);
	if (info->output_kind == TINYML_MODELPKG_OUTPUT_ANOMALY_SCORE) {
		return check_anomaly(src, info);
	}
	return info->output_ratio_q16 == 0u && info->full_scale_q8 == 0u ? 0 : -EINVAL;
}

static int check_meta(const struct pkg_src *src, const struct tlv_ref refs[REF_COUNT],
		      const uint8_t *hdr, uint32_t img_size, struct tinyml_modelpkg_info *info)
{
	uint8_t m[META_BYTES];
	uint32_t i;
	int rc;

	for (i = REF_META; i < REF_OUTPUT_KIND; i++) {
		if (!refs[i].seen) {
			return -EINVAL;
		}
	}
	if (refs[REF_META].len != META_BYTES || refs[REF_MANIFEST].len != 32u) {
		return -EINVAL;
	}
	rc = src_read(src, refs[REF_META].off, m, sizeof(m));
	if (rc != 0) {
		return rc;
	}
	if (tinyml_get_le16(m) != TINYML_MODELPKG_FORMAT_VERSION) {
		return -ENOTSUP;
	}
	info->flags = tinyml_get_le16(m + 2);
	info->tflite_size = tinyml_get_le32(m + 4);
	info->version = TINYML_MODELPKG_VERSION(m[8], m[9], tinyml_get_le16(m + 10));
	info->runtime_id = tinyml_get_le32(m + 12);
	info->feature_pipeline_id = tinyml_get_le32(m + 16);
	info->arena_total = tinyml_get_le32(m + 20);
	info->n_inputs = tinyml_get_le16(m + 36);
	info->n_outputs = tinyml_get_le16(m + 38);
	info->n_labels = tinyml_get_le16(m + 40);
	info->n_thresholds = tinyml_get_le16(m + 42);
	if ((info->flags & ~1u) != 0u || info->tflite_size == 0u || info->tflite_size > img_size ||
	    m[8] != hdr[20] || m[9] != hdr[21] ||
	    tinyml_get_le16(m + 10) != tinyml_get_le16(hdr + 22) || info->n_inputs < 1u ||
	    info->n_inputs > MAX_TENSORS || info->n_outputs < 1u || info->n_outputs > MAX_TENSORS ||
	    info->n_labels > MAX_LABELS || info->n_thresholds > MAX_THRESHOLDS ||
	    tinyml_get_le32(m + 44) != 0u ||
	    refs[REF_TENSORS].len != TENSOR_BYTES * (uint32_t)(info->n_inputs + info->n_outputs) ||
	    refs[REF_THRESHOLDS].len != THRESH_BYTES * (uint32_t)info->n_thresholds) {
		return -EINVAL;
	}
	rc = check_labels(src, &refs[REF_LABELS], info->n_labels);
	if (rc == 0) {
		rc = check_thresholds(src, &refs[REF_THRESHOLDS], info->n_thresholds,
				      info->n_labels);
	}
	info->tensors_offset = refs[REF_TENSORS].off;
	info->labels_offset = refs[REF_LABELS].off;
	info->labels_len = refs[REF_LABELS].len;
	info->thresholds_offset = refs[REF_THRESHOLDS].off;
	if (rc == 0) {
		rc = check_output_kind(src, &refs[REF_OUTPUT_KIND], info);
	}
	return rc;
}

static int check_identity(const struct pkg_src *src, const struct tlv_ref refs[REF_COUNT],
			  const struct tinyml_modelpkg_expect *expect,
			  const struct tinyml_modelpkg_info *info)
{
	uint8_t digest[32];
	int rc = src_read(src, refs[REF_MANIFEST].off, digest, sizeof(digest));

	if (rc != 0) {
		return rc;
	}
	if (info->runtime_id != expect->runtime_id ||
	    memcmp(digest, expect->manifest_digest, sizeof(digest)) != 0 ||
	    info->feature_pipeline_id != expect->feature_pipeline_id) {
		return -ENOTSUP;
	}
	if (info->output_kind != TINYML_MODELPKG_OUTPUT_CLASSES &&
	    (expect->output_kinds & TINYML_MODELPKG_OUTPUT_KIND_BIT(info->output_kind)) == 0u) {
		return -ENOTSUP; /* a kind this firmware does not run */
	}
	if (info->arena_total > expect->arena_bytes) {
		return -ENOMEM;
	}
	if (info->version < expect->min_version) {
		return -ESTALE;
	}
	return 0;
}

/* Steps 1 and 2: header, both TLV areas; fills refs and the layout fields of info. */
static int parse_layout(const struct pkg_src *src, struct tlv_ref refs[REF_COUNT],
			uint8_t hdr[HEADER_BYTES], uint32_t *hashed_len,
			struct tinyml_modelpkg_info *info)
{
	uint8_t h[TLV_HDR_BYTES];
	uint64_t prot_off;
	uint64_t prot_end;
	uint32_t hdr_size;
	uint32_t prot_size;
	uint32_t img_size;
	int rc;

	memset(info, 0, sizeof(*info));
	memset(refs, 0, sizeof(refs[0]) * REF_COUNT);
	rc = src_read(src, 0u, hdr, HEADER_BYTES);
	if (rc != 0) {
		return rc;
	}
	hdr_size = tinyml_get_le16(hdr + 8);
	prot_size = tinyml_get_le16(hdr + 10);
	img_size = tinyml_get_le32(hdr + 12);
	prot_off = (uint64_t)hdr_size + img_size;
	prot_end = prot_off + prot_size;
	if (tinyml_get_le32(hdr) != TINYML_MODELPKG_IMAGE_MAGIC || hdr_size < HEADER_BYTES ||
	    hdr_size % 16u != 0u || (tinyml_get_le32(hdr + 16) & FLAGS_REFUSED) != 0u ||
	    prot_size < TLV_HDR_BYTES || prot_end + TLV_HDR_BYTES > src->size) {
		return -EINVAL;
	}
	rc = walk_area(src, (uint32_t)prot_off, prot_size, TINYML_MODELPKG_TLV_PROT_MAGIC, true,
		       refs);
	if (rc != 0) {
		return rc;
	}
	rc = src_read(src, (uint32_t)prot_end, h, sizeof(h));
	if (rc != 0) {
		return rc;
	}
	if (prot_end + tinyml_get_le16(h + 2) > src->size) {
		return -EINVAL;
	}
	rc = walk_area(src, (uint32_t)prot_end, tinyml_get_le16(h + 2),
		       TINYML_MODELPKG_TLV_INFO_MAGIC, false, refs);
	if (rc != 0) {
		return rc;
	}
	info->total_size = (uint32_t)prot_end + tinyml_get_le16(h + 2);
	info->tflite_offset = hdr_size;
	*hashed_len = (uint32_t)prot_end;
	return 0;
}

/* Step 3: hash, key hash, signature. */
static int check_integrity(const struct pkg_src *src, const struct tlv_ref refs[REF_COUNT],
			   uint32_t hashed_len, const struct tinyml_modelpkg_expect *expect,
			   struct tinyml_modelpkg_info *info)
{
	uint8_t digest[32];
	uint8_t want[32];
	int rc;

	if (!refs[REF_SHA256].seen || refs[REF_SHA256].len != 32u) {
		return -EINVAL;
	}
	rc = sha256_range(src, hashed_len, digest);
	if (rc == 0) {
		rc = src_read(src, refs[REF_SHA256].off, want, sizeof(want));
	}
	if (rc != 0) {
		return rc;
	}
	if (memcmp(digest, want, sizeof(want)) != 0) {
		return -EBADMSG;
	}
	rc = check_signature(src, refs, expect, digest);
	if (rc == 0) {
		memcpy(info->sha256, digest, sizeof(digest));
	}
	return rc;
}

static int verify(const struct pkg_src *src, const struct tinyml_modelpkg_expect *expect,
		  struct tinyml_modelpkg_info *info)
{
	struct tlv_ref refs[REF_COUNT];
	uint8_t hdr[HEADER_BYTES];
	uint32_t hashed_len = 0u;
	int rc;

	if (expect == NULL || info == NULL || expect->signing_key_spki == NULL ||
	    expect->manifest_digest == NULL ||
	    memcmp(expect->signing_key_spki, spki_p256_prefix, sizeof(spki_p256_prefix)) != 0) {
		return -EINVAL;
	}
	rc = parse_layout(src, refs, hdr, &hashed_len, info);
	if (rc == 0) {
		rc = check_integrity(src, refs, hashed_len, expect, info);
	}
	if (rc == 0) {
		rc = check_meta(src, refs, hdr, tinyml_get_le32(hdr + 12), info);
	}
	if (rc == 0) {
		rc = check_identity(src, refs, expect, info);
	}
	return rc;
}

int tinyml_modelpkg_inspect_buffer(const uint8_t *pkg, size_t len,
				   struct tinyml_modelpkg_info *info)
{
	struct pkg_src src = {NULL, pkg, 0u};
	struct tlv_ref refs[REF_COUNT];
	uint8_t hdr[HEADER_BYTES];
	uint32_t hashed_len = 0u;
	int rc;

	if (pkg == NULL || info == NULL || len > UINT32_MAX) {
		return -EINVAL;
	}
	src.size = (uint32_t)len;
	rc = parse_layout(&src, refs, hdr, &hashed_len, info);
	if (rc == 0) {
		rc = check_meta(&src, refs, hdr, tinyml_get_le32(hdr + 12), info);
	}
	return rc;
}

int tinyml_modelpkg_verify_area(const struct tinyml_flash_area *fa,
				const struct tinyml_modelpkg_expect *expect,
				struct tinyml_modelpkg_info *info)
{
	struct tinyml_flash_geometry geo;
	struct pkg_src src = {fa, NULL, 0u};

	if (fa == NULL || tinyml_platform_flash_geometry(fa, &geo) != 0) {
		return -EINVAL;
	}
	src.size = geo.size;
	return verify(&src, expect, info);
}

int tinyml_modelpkg_verify_buffer(const uint8_t *pkg, size_t len,
				  const struct tinyml_modelpkg_expect *expect,
				  struct tinyml_modelpkg_info *info)
{
	struct pkg_src src = {NULL, pkg, 0u};

	if (pkg == NULL || len > UINT32_MAX) {
		return -EINVAL;
	}
	src.size = (uint32_t)len;
	return verify(&src, expect, info);
}

/* round(f * 32768) ties to even, saturated to 32767, for the bits of a float 0 <= f <= 1. */
static int16_t threshold_bits_to_q15(uint32_t bits)
{
	uint32_t exponent = bits >> 23;
	uint32_t mantissa = (bits & 0x007fffffu) | 0x00800000u;
	uint32_t shift;
	uint32_t q;
	uint32_t rest;
	uint32_t half;

	if (bits >= 0x3f800000u) {
		return INT16_MAX; /* 1.0 */
	}
	/* f * 2^15 = mantissa * 2^(exponent - 150 + 15); below 2^-16 it rounds to 0 */
	if (exponent < 111u) {
		return 0;
	}
	shift = 135u - exponent; /* 9..24 */
	q = mantissa >> shift;
	rest = mantissa & ((1u << shift) - 1u);
	half = 1u << (shift - 1u);
	if (rest > half || (rest == half && (q & 1u) != 0u)) {
		q++;
	}
	return q > (uint32_t)INT16_MAX ? INT16_MAX : (int16_t)q;
}

static void fill_none(int16_t *q15, size_t n)
{
	size_t i;

	for (i = 0u; i < n; i++) {
		q15[i] = TINYML_MODELPKG_NO_THRESHOLD;
	}
}

static int read_thresholds(const struct pkg_src *src, const struct tinyml_modelpkg_info *info,
			   int16_t *q15, size_t n)
{
	uint8_t rec[THRESH_BYTES];
	uint32_t i;

	if (info == NULL || q15 == NULL) {
		return -EINVAL;
	}
	if (n < info->n_labels) {
		return -ENOBUFS;
	}
	fill_none(q15, n);
	if (info->n_thresholds > MAX_THRESHOLDS || info->n_labels > MAX_LABELS) {
		return -EINVAL;
	}
	for (i = 0u; i < info->n_thresholds; i++) {
		int rc =
			src_read(src, info->thresholds_offset + i * THRESH_BYTES, rec, sizeof(rec));
		uint16_t label;

		if (rc != 0) {
			fill_none(q15, n);
			return rc;
		}
		label = tinyml_get_le16(rec);
		if (!threshold_record_ok(rec, info->n_labels) ||
		    q15[label] != TINYML_MODELPKG_NO_THRESHOLD) {
			fill_none(q15, n);
			return -EINVAL;
		}
		q15[label] = threshold_bits_to_q15(tinyml_get_le32(rec + 4));
	}
	return (int)info->n_thresholds;
}

int tinyml_modelpkg_read_thresholds(const struct tinyml_flash_area *fa,
				    const struct tinyml_modelpkg_info *info, int16_t *q15, size_t n)
{
	struct tinyml_flash_geometry geo;
	struct pkg_src src = {fa, NULL, 0u};

	if (fa == NULL || tinyml_platform_flash_geometry(fa, &geo) != 0) {
		return -EINVAL;
	}
	src.size = geo.size;
	return read_thresholds(&src, info, q15, n);
}

int tinyml_modelpkg_read_thresholds_buffer(const uint8_t *pkg, size_t len,
					   const struct tinyml_modelpkg_info *info, int16_t *q15,
					   size_t n)
{
	struct pkg_src src = {NULL, pkg, 0u};

	if (pkg == NULL || len > UINT32_MAX) {
		return -EINVAL;
	}
	src.size = (uint32_t)len;
	return read_thresholds(&src, info, q15, n);
}
