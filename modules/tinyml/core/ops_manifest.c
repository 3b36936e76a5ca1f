/*
 * Look-ups in the generated operator manifest table (data in the generated
 * tinyml_ops_manifest.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/ops_manifest.h>

const struct tinyml_ops_manifest_entry *tinyml_ops_manifest_find(uint16_t builtin_code)
{
	uint32_t lo = 0U;
	uint32_t hi = tinyml_ops_manifest_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2U;
		const struct tinyml_ops_manifest_entry *entry = &tinyml_ops_manifest_table[mid];

		if (entry->builtin_code == builtin_code) {
			return entry;
		}
		if (entry->builtin_code < builtin_code) {
			lo = mid + 1U;
		} else {
			hi = mid;
		}
	}
	return NULL;
}

int tinyml_ops_manifest_check(uint16_t builtin_code, uint8_t version, uint8_t tensor_type)
{
	const struct tinyml_ops_manifest_entry *entry = tinyml_ops_manifest_find(builtin_code);

	if (entry == NULL) {
		return -ENOENT;
	}
	if (version < entry->min_version || version > entry->max_version) {
		return -ERANGE;
	}
	if (tensor_type >= 32U || (entry->type_mask & (1UL << tensor_type)) == 0U) {
		return -ENOTSUP;
	}
	return 0;
}
