/*
 * Key hash: SHA-256 of an uncompressed P-256 point (see tinyml/keyhash.h).
 */
#include <errno.h>

#include <tinyml/keyhash.h>

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
		rc = tinyml_platform_sha256_update(&op, point, TINYML_P256_PUBKEY_BYTES);
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
