/*
 * The fuzz build's own P-256 key: the fuzz targets trust it and sign what the fuzzer makes with
 * it, so mutated packages and settings messages get past their signature checks and the code
 * behind them is fuzzed. It is a test key (a fixed scalar) that no firmware trusts.
 */
#ifndef TESTS_FUZZ_FUZZ_SIGNER_H_
#define TESTS_FUZZ_FUZZ_SIGNER_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <psa/crypto.h>

#define FUZZ_SIG_BYTES 64u

struct fuzz_signer {
	bool ready;
	psa_key_id_t key;
	uint8_t point[65];
	uint8_t spki[91];
	uint8_t keyhash[32];
};

static inline int fuzz_signer_init(struct fuzz_signer *s)
{
	static const uint8_t prefix[26] = {
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
		0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
	};
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	uint8_t priv[32];
	size_t n = 0u;

	if (s->ready) {
		return 0;
	}
	memset(priv, 0x46, sizeof(priv));
	if (psa_crypto_init() != PSA_SUCCESS) {
		return -1;
	}
	psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
	psa_set_key_bits(&attr, 256u);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH);
	psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
	if (psa_import_key(&attr, priv, sizeof(priv), &s->key) != PSA_SUCCESS ||
	    psa_export_public_key(s->key, s->point, sizeof(s->point), &n) != PSA_SUCCESS ||
	    n != sizeof(s->point)) {
		return -1;
	}
	memcpy(s->spki, prefix, sizeof(prefix));
	memcpy(s->spki + sizeof(prefix), s->point, sizeof(s->point));
	if (psa_hash_compute(PSA_ALG_SHA_256, s->spki, sizeof(s->spki), s->keyhash, 32u, &n) !=
	    PSA_SUCCESS) {
		return -1;
	}
	s->ready = true;
	return 0;
}

/* Raw r || s over SHA-256(@p data); *digest_out (may be NULL) gets the hash. */
static inline int fuzz_sign(const struct fuzz_signer *s, const uint8_t *data, size_t len,
			    uint8_t sig[FUZZ_SIG_BYTES], uint8_t *digest_out)
{
	uint8_t digest[32];
	size_t n = 0u;

	if (psa_hash_compute(PSA_ALG_SHA_256, data, len, digest, sizeof(digest), &n) !=
		    PSA_SUCCESS ||
	    psa_sign_hash(s->key, PSA_ALG_ECDSA(PSA_ALG_SHA_256), digest, sizeof(digest), sig,
			  FUZZ_SIG_BYTES, &n) != PSA_SUCCESS ||
	    n != FUZZ_SIG_BYTES) {
		return -1;
	}
	if (digest_out != NULL) {
		memcpy(digest_out, digest, sizeof(digest));
	}
	return 0;
}

#endif /* TESTS_FUZZ_FUZZ_SIGNER_H_ */
