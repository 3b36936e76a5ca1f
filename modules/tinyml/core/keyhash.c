/*
 * Key hash: SHA-256 of the DER SubjectPublicKeyInfo of a P-256 key (see tinyml/keyhash.h).
 */
#include <errno.h>

#include <tinyml/keyhash.h>

/* DER of a P-256 SubjectPublicKeyInfo up to its point: SEQUENCE { SEQUENCE { id-ecPublicKey,
 * prime256v1 }, BIT STRING { 0x00, point } }.
 */
static const uint8_t spki_prefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
				      0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
				      0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

int tinyml_key_hash(const uint8_t point[TINYML_P256_PUBKEY_BYTES],
		    uint8_t hash[TINYML_SHA256_BYTES])
{
	struct tinyml_platform_sha256 op;
	int rc;

	if (point == NULL || hash == NULL || point[0] != 0x04u) {
		return -EINVAL;
	}
	rc = tinyml_platform_sha256_start(&op);
	if (rc == 0) {
		rc = tinyml_platform_sha256_update(&op, spki_prefix, sizeof(spki_prefix));
		if (rc == 0) {
			rc = tinyml_platform_sha256_update(&op, point, TINYML_P256_PUBKEY_BYTES);
		}
		if (rc == 0) {
			rc = tinyml_platform_sha256_finish(&op, hash);
		} else {
			tinyml_platform_sha256_abort(&op);
		}
	}
	return rc == 0 ? 0 : -EIO;
}

int tinyml_key_hash_hex(const uint8_t point[TINYML_P256_PUBKEY_BYTES],
			char hex[TINYML_KEY_HASH_HEX_BYTES])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t hash[TINYML_SHA256_BYTES];
	uint32_t i;
	int rc;

	if (hex == NULL) {
		return -EINVAL;
	}
	rc = tinyml_key_hash(point, hash);
	if (rc != 0) {
		return rc;
	}
	for (i = 0u; i < TINYML_SHA256_BYTES; i++) {
		hex[2u * i] = digits[hash[i] >> 4];
		hex[2u * i + 1u] = digits[hash[i] & 0x0Fu];
	}
	hex[2u * TINYML_SHA256_BYTES] = '\0';
	return 0;
}
