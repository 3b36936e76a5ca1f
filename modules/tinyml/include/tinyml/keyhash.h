/*
 * Key hash: how the firmware and the tools name a public key (docs/keys.md).
 *
 * The hash is SHA-256 over the key's DER SubjectPublicKeyInfo (91 bytes for P-256: a fixed
 * header, then the uncompressed point 0x04 || X || Y), whatever the key's purpose. It is the
 * hash imgtool writes into a package's KEYHASH TLV, so `tinyml model-pack inspect` reads the
 * signer's hash from the package itself, `build` prints it, and the firmware's boot log prints
 * the same for every key it trusts (tinyml_tools.modelpack.signing.public_key_hash()).
 */
#ifndef TINYML_KEYHASH_H_
#define TINYML_KEYHASH_H_

#include <stddef.h>
#include <stdint.h>

#include <tinyml/platform/crypto.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Characters of tinyml_key_hash_hex() with its NUL: 64 hex digits. */
#define TINYML_KEY_HASH_HEX_BYTES 65u

/**
 * @brief SHA-256 of the DER SubjectPublicKeyInfo of the key whose uncompressed point is @p point.
 *
 * @retval 0 on success.
 * @retval -EINVAL if @p point is not an uncompressed point (first byte 0x04) or an argument
 *         is NULL.
 * @retval -EIO if the crypto backend failed.
 */
int tinyml_key_hash(const uint8_t point[TINYML_P256_PUBKEY_BYTES],
		    uint8_t hash[TINYML_SHA256_BYTES]);

/** @brief tinyml_key_hash() as 64 lowercase hex digits and a NUL (for the boot log). */
int tinyml_key_hash_hex(const uint8_t point[TINYML_P256_PUBKEY_BYTES],
			char hex[TINYML_KEY_HASH_HEX_BYTES]);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_KEYHASH_H_ */
