/*
 * Fuzz the model package parser: the unverified layout/metadata parser (reached for any
 * input), the full verification against a fixed key, and the DER signature decoder.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tinyml/modelpkg.h>

#include "fuzz_p256_key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DER prefix of a P-256 SubjectPublicKeyInfo; the point follows. */
static const uint8_t spki_prefix[26] = {
	0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
	0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t digest[32];
	static uint8_t spki[91];
	struct tinyml_modelpkg_expect e = {spki, digest, 1u, 2u, 65536u, 0u};
	struct tinyml_modelpkg_info info;
	uint8_t raw[64];

	memcpy(spki, spki_prefix, sizeof(spki_prefix));
	memcpy(spki + sizeof(spki_prefix), fuzz_p256_point, sizeof(fuzz_p256_point));
	if (tinyml_modelpkg_inspect_buffer(data, size, &info) == 0) {
		/* what the parser reports must lie inside the input */
		if (info.total_size > size ||
		    info.tflite_offset + (uint64_t)info.tflite_size > size ||
		    info.labels_offset + (uint64_t)info.labels_len > size) {
			__builtin_trap();
		}
	}
	(void)tinyml_modelpkg_verify_buffer(data, size, &e, &info);
	(void)tinyml_modelpkg_der_to_raw_sig(data, size, raw);
	return 0;
}
