/*
 * Test-only signing with fixed P-256 keys through PSA (mbedTLS): the counterpart of the
 * operator's and the model packer's private keys, to make signed inputs inside C tests.
 */
#ifndef TESTS_HOST_TEST_SIGNER_H_
#define TESTS_HOST_TEST_SIGNER_H_

#include <string.h>

#include <psa/crypto.h>

#include <tinyml/platform/crypto.h>

struct test_signer {
	psa_key_id_t key;
	uint8_t pub[TINYML_P256_PUBKEY_BYTES];
};

/* A key from a private scalar made of @p fill bytes (any 1..0x7f is a valid scalar). */
static inline int test_signer_init(struct test_signer *t, uint8_t fill)
{
	psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
	uint8_t priv[32];
	size_t len = 0u;

	memset(priv, fill, sizeof(priv));
	if (psa_crypto_init() != PSA_SUCCESS) {
		return -1;
	}
	psa_set_key_type(&attr, PSA_KEY_TYPE_ECC_KEY_PAIR(PSA_ECC_FAMILY_SECP_R1));
	psa_set_key_bits(&attr, 256u);
	psa_set_key_usage_flags(&attr, PSA_KEY_USAGE_SIGN_HASH | PSA_KEY_USAGE_EXPORT);
	psa_set_key_algorithm(&attr, PSA_ALG_ECDSA(PSA_ALG_SHA_256));
	if (psa_import_key(&attr, priv, sizeof(priv), &t->key) != PSA_SUCCESS ||
	    psa_export_public_key(t->key, t->pub, sizeof(t->pub), &len) != PSA_SUCCESS ||
	    len != sizeof(t->pub)) {
		return -1;
	}
	return 0;
}

static inline void test_signer_free(struct test_signer *t)
{
	(void)psa_destroy_key(t->key);
}

/* Raw r || s signature over SHA-256(@p data). */
static inline int test_signer_sign(const struct test_signer *t, const void *data, size_t len,
				   uint8_t sig[TINYML_P256_SIGNATURE_BYTES])
{
	uint8_t digest[32];
	size_t n = 0u;

	if (psa_hash_compute(PSA_ALG_SHA_256, data, len, digest, sizeof(digest), &n) !=
		    PSA_SUCCESS ||
	    psa_sign_hash(t->key, PSA_ALG_ECDSA(PSA_ALG_SHA_256), digest, sizeof(digest), sig,
			  TINYML_P256_SIGNATURE_BYTES, &n) != PSA_SUCCESS ||
	    n != TINYML_P256_SIGNATURE_BYTES) {
		return -1;
	}
	return 0;
}

/* DER encoding of one unsigned 32-byte integer; returns bytes written. */
static inline size_t test_der_integer(const uint8_t *v, uint8_t *out)
{
	size_t skip = 0u;
	size_t n;
	size_t pad;

	while (skip < 31u && v[skip] == 0u) {
		skip++;
	}
	n = 32u - skip;
	pad = (v[skip] & 0x80u) != 0u ? 1u : 0u;
	out[0] = 0x02;
	out[1] = (uint8_t)(n + pad);
	out[2] = 0x00;
	memcpy(out + 2 + pad, v + skip, n);
	return 2u + pad + n;
}

/* DER ECDSA-Sig-Value of a raw signature; returns its length (at most 72). */
static inline size_t test_der_signature(const uint8_t raw[64], uint8_t out[72])
{
	size_t n = 2u;

	n += test_der_integer(raw, out + n);
	n += test_der_integer(raw + 32, out + n);
	out[0] = 0x30;
	out[1] = (uint8_t)(n - 2u);
	return n;
}

#endif /* TESTS_HOST_TEST_SIGNER_H_ */
