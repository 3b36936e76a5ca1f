/*
 * Crypto seam: SHA-256 and ECDSA P-256 verification, in the shape of the PSA Crypto API
 * (psa_hash_setup/update/finish, psa_import_key + psa_verify_hash with
 * PSA_ALG_ECDSA(PSA_ALG_SHA_256)), so a port maps it one to one on mbedTLS, TF-M or a
 * hardware driver. The core keeps the hash state in caller-owned storage, no heap.
 */
#ifndef TINYML_PLATFORM_CRYPTO_H_
#define TINYML_PLATFORM_CRYPTO_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_SHA256_BYTES         32u
/** Uncompressed P-256 public key: 0x04 || X || Y (the PSA import format). */
#define TINYML_P256_PUBKEY_BYTES    65u
/** Raw P-256 signature: r || s, 32 bytes each (the PSA signature format). */
#define TINYML_P256_SIGNATURE_BYTES 64u

/** Room for the port's hash operation (psa_hash_operation_t or a driver context). */
#ifndef TINYML_PLATFORM_SHA256_STATE_BYTES
#define TINYML_PLATFORM_SHA256_STATE_BYTES 256u
#endif

/** One incremental SHA-256 computation; contents belong to the port. */
struct tinyml_platform_sha256 {
	union {
		uint64_t align;
		uint8_t bytes[TINYML_PLATFORM_SHA256_STATE_BYTES];
	} state;
};

/**
 * @brief Initialise the crypto backend (psa_crypto_init); safe to call more than once.
 *
 * @retval 0 on success.
 * @retval -EIO if the backend failed to start.
 */
int tinyml_platform_crypto_init(void);

/**
 * @brief Start a SHA-256 computation in @p op.
 *
 * @retval 0 on success.
 * @retval -EIO on a backend error.
 */
int tinyml_platform_sha256_start(struct tinyml_platform_sha256 *op);

/**
 * @brief Hash @p len more bytes.
 *
 * @retval 0 on success.
 * @retval -EIO on a backend error (the operation is aborted).
 */
int tinyml_platform_sha256_update(struct tinyml_platform_sha256 *op, const void *data, size_t len);

/**
 * @brief Finish and write the digest; the operation ends either way.
 *
 * @retval 0 on success.
 * @retval -EIO on a backend error.
 */
int tinyml_platform_sha256_finish(struct tinyml_platform_sha256 *op,
				  uint8_t digest[TINYML_SHA256_BYTES]);

/** @brief Abandon an operation (after an error of the caller). */
void tinyml_platform_sha256_abort(struct tinyml_platform_sha256 *op);

/**
 * @brief Verify an ECDSA P-256 signature over a SHA-256 digest.
 *
 * @param pubkey Uncompressed public key (0x04 || X || Y).
 * @param digest SHA-256 of the signed message.
 * @param sig    r || s.
 * @retval 0 if the signature is valid.
 * @retval -EBADMSG if it is not (or the key is not a valid P-256 point).
 * @retval -EIO on a backend error.
 */
int tinyml_platform_ecdsa_p256_verify(const uint8_t pubkey[TINYML_P256_PUBKEY_BYTES],
				      const uint8_t digest[TINYML_SHA256_BYTES],
				      const uint8_t sig[TINYML_P256_SIGNATURE_BYTES]);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PLATFORM_CRYPTO_H_ */
