/*
 * Host port of the crypto seam on the PSA Crypto API of mbedTLS (Debian's libmbedcrypto).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <psa/crypto.h>

#include <tinyml/platform/crypto.h>

#include "crypto_memo.h"

_Static_assert(sizeof(psa_hash_operation_t) <= TINYML_PLATFORM_SHA256_STATE_BYTES,
	       "TINYML_PLATFORM_SHA256_STATE_BYTES too small for psa_hash_operation_t");
_Static_assert(_Alignof(psa_hash_operation_t) <= _Alignof(uint64_t),
	       "psa_hash_operation_t needs a stronger alignment");

static psa_hash_operation_t *hash_op(struct tinyml_platform_sha256 *op)
{
	return (psa_hash_operation_t *)(void *)op->state.bytes;
}

int tinyml_platform_crypto_init(void)
{
	return psa_crypto_init() == PSA_SUCCESS ? 0 : -EIO;
}

int tinyml_platform_sha256_start(struct tinyml_platform_sha256 *op)
{
	psa_hash_operation_t init = PSA_HASH_OPERATION_INIT;

	if (op == NULL || tinyml_platform_crypto_init() != 0) {
		return -EIO;
	}
	memcpy(hash_op(op), &init, sizeof(init));
	return psa_hash_setup(hash_op(op), PSA_ALG_SHA_256) == PSA_SUCCESS ? 0 : -EIO;
}

int tinyml_platform_sha256_update(struct tinyml_platform_sha256 *op, const void *data, size_t len)
{
	if (psa_hash_update(hash_op(op), data, len) != PSA_SUCCESS) {
		(void)psa_hash_abort(hash_op(op));
		return -EIO;
	}
	return 0;
}

int tinyml_platform_sha256_finish(struct tinyml_platform_sha256 *op,
				  uint8_t digest[TINYML_SHA256_BYTES])
{
	size_t len = 0u;

	if (psa_hash_finish(hash_op(op), digest, TINYML_SHA256_BYTES, &len) != PSA_SUCCESS ||
	    len != TINYML_SHA256_BYTES) {
		(void)psa_hash_abort(hash_op(op));
		return -EIO;
	}
	return 0;
}

void tinyml_platform_sha256_abort(struct tinyml_platform_sha256 *op)
{
	(void)psa_hash_abort(hash_op(op));
}

/*
 * Optional memo of verification results for the fault sweeps, which verify the same few
 * signatures thousands of times: the result of a verification depends only on its inputs, so
 * remembering it changes nothing but the time. Off unless a test turns it on; not thread-safe.
 */
#define MEMO_ENTRIES 32u

struct memo_entry {
	uint8_t in[TINYML_P256_PUBKEY_BYTES + TINYML_SHA256_BYTES + TINYML_P256_SIGNATURE_BYTES];
	int rc;
	bool used;
};

static bool memo_on;
static uint32_t memo_next;
static struct memo_entry memo[MEMO_ENTRIES];

void tinyml_host_crypto_memo(bool on)
{
	memo_on = on;
	memo_next = 0u;
	memset(memo, 0, sizeof(memo));
}

static int verify_uncached(const uint8_t pubkey[TINYML_P256_PUBKEY_BYTES],
			   const uint8_t digest[TINYML_SHA256_BYTES],
			   const uint8_t sig[TINYML_P256_SIGNATURE_BYTES]);

int tinyml_platform_ecdsa_p256_verify(const uint8_t pubkey[TINYML_P256_PUBKEY_BYTES],
				      const uint8_t digest[TINYML_SHA256_BYTES],
				      const uint8_t sig[TINYML_P256_SIGNATURE_BYTES])
{
	uint8_t in[sizeof(memo[0].in)];
	uint32_t i;
	int rc;

	if (!memo_on) {
		return verify_uncached(pubkey, digest, sig);
	}
	memcpy(in, pubkey, TINYML_P256_PUBKEY_BYTES);
	memcpy(in + TINYML_P256_PUBKEY_BYTES, digest, TINYML_SHA256_BYTES);
	memcpy(in + TINYML_P256_PUBKEY_BYTES + TINYML_SHA256_BYTES, sig,
	       TINYML_P256_SIGNATURE_BYTES);
	for (i = 0u; i < MEMO_ENTRIES; i++) {
		if (memo[i].used && memcmp(memo[i].in, in, sizeof(in)) == 0) {
			return memo[i].rc;
		}
	}
	rc = verify_uncached(pubkey, digest, sig);
	if (rc != -EIO) {
		memcpy(memo[memo_next].in, in, sizeof(in));
		memo[memo_next].rc = rc;
		memo[memo_next].used = true;
		memo_next = (memo_next + 1u) % MEMO_ENTRIES;
	}
	return rc;
}

static int verify_uncached(const uint8_t pubkey[TINYML_P256_PUBKEY_BYTES],
			   const uint8_t digest[TINYML_SHA256_BYTES],
			   const uint8_t sig[TINYML_P256_SIGNATURE_BYTES])
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	psa_key_id_t key = 0;
	psa_status_t st;
	int rc;

	if (tinyml_platform_crypto_init() != 0) {
		return -EIO;
	}
	psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_PUBLIC_KEY(PSA_ECC_FAMILY_SECP_R1));
	psa_set_key_bits(&attr, 256u);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_VERIFY_HASH);
	psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
	st = psa_import_key(&attr, pubkey, TINYML_P256_PUBKEY_BYTES, &key);
	if (st == PSA_ERROR_INVALID_ARGUMENT || st == PSA_ERROR_NOT_SUPPORTED) {
		return -EBADMSG;
	}
	if (st != PSA_SUCCESS) {
		return -EIO;
	}
	st = psa_verify_hash(key, PSA_ALG_ECDSA(PSA_ALG_SHA_256), digest, TINYML_SHA256_BYTES, sig,
			     TINYML_P256_SIGNATURE_BYTES);
	rc = st == PSA_SUCCESS                                                         ? 0
	     : (st == PSA_ERROR_INVALID_SIGNATURE || st == PSA_ERROR_INVALID_ARGUMENT) ? -EBADMSG
										       : -EIO;
	(void)psa_destroy_key(key);
	return rc;
}
