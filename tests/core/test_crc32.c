#include <string.h>

#include <tinyml/crc32.h>

#include "ttest.h"

TTEST(crc32, check_value)
{
	TT_ASSERT_EQ(tinyml_crc32(0u, "123456789", 9u), 0xCBF43926u);
}

TTEST(crc32, empty_is_identity)
{
	TT_ASSERT_EQ(tinyml_crc32(0u, "", 0u), 0u);
	TT_ASSERT_EQ(tinyml_crc32(0x12345678u, NULL, 0u), 0x12345678u);
}

TTEST(crc32, split_equals_whole)
{
	static const char text[] = "The quick brown fox jumps over the lazy dog";
	size_t len = strlen(text);
	size_t cut;

	TT_ASSERT_EQ(tinyml_crc32(0u, text, len), 0x414FA339u);
	for (cut = 0u; cut <= len; cut++) {
		uint32_t crc = tinyml_crc32(tinyml_crc32(0u, text, cut), text + cut, len - cut);

		TT_ASSERT_EQ(crc, 0x414FA339u);
	}
}

TTEST(crc32, detects_every_single_bit_flip)
{
	uint8_t buf[64];
	uint32_t good;
	unsigned int bit;

	for (bit = 0u; bit < sizeof(buf); bit++) {
		buf[bit] = (uint8_t)(bit * 37u + 11u);
	}
	good = tinyml_crc32(0u, buf, sizeof(buf));
	for (bit = 0u; bit < sizeof(buf) * 8u; bit++) {
		buf[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
		TT_ASSERT(tinyml_crc32(0u, buf, sizeof(buf)) != good);
		buf[bit / 8u] ^= (uint8_t)(1u << (bit % 8u));
	}
}
