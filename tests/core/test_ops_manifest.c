#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <tinyml/ops_manifest.h>

#include "ttest.h"

/* TFLite schema codes used below (BuiltinOperator, TensorType). */
#define OP_FULLY_CONNECTED              9U
#define OP_UNIDIRECTIONAL_SEQUENCE_LSTM 44U
#define TYPE_FLOAT32                    0U
#define TYPE_INT8                       9U

TTEST(ops_manifest, entry_is_packed_canonical_layout)
{
	TT_ASSERT_EQ(sizeof(struct tinyml_ops_manifest_entry), 8u);
	TT_ASSERT_EQ(offsetof(struct tinyml_ops_manifest_entry, type_mask), 4u);
}

TTEST(ops_manifest, table_sorted_unique_and_well_formed)
{
	uint32_t i;

	TT_ASSERT(tinyml_ops_manifest_count > 0u);
	for (i = 0u; i < tinyml_ops_manifest_count; i++) {
		const struct tinyml_ops_manifest_entry *entry = &tinyml_ops_manifest_table[i];

		TT_ASSERT(entry->min_version >= 1u);
		TT_ASSERT(entry->min_version <= entry->max_version);
		TT_ASSERT(entry->type_mask != 0u);
		if (i > 0u) {
			TT_ASSERT(tinyml_ops_manifest_table[i - 1u].builtin_code <
				  entry->builtin_code);
		}
		TT_ASSERT(tinyml_ops_manifest_find(entry->builtin_code) == entry);
	}
}

TTEST(ops_manifest, check_reports_each_reason)
{
	const struct tinyml_ops_manifest_entry *fc = tinyml_ops_manifest_find(OP_FULLY_CONNECTED);

	TT_ASSERT(fc != NULL);
	TT_ASSERT_EQ(tinyml_ops_manifest_check(OP_FULLY_CONNECTED, fc->max_version, TYPE_INT8), 0);
	TT_ASSERT_EQ(tinyml_ops_manifest_check(OP_FULLY_CONNECTED, (uint8_t)(fc->max_version + 1u),
					       TYPE_INT8),
		     -ERANGE);
	TT_ASSERT_EQ(tinyml_ops_manifest_check(OP_FULLY_CONNECTED, 0u, TYPE_INT8), -ERANGE);
	TT_ASSERT_EQ(tinyml_ops_manifest_check(OP_FULLY_CONNECTED, fc->min_version, TYPE_FLOAT32),
		     -ENOTSUP);
	TT_ASSERT_EQ(tinyml_ops_manifest_check(OP_FULLY_CONNECTED, fc->min_version, 40u), -ENOTSUP);
	TT_ASSERT_EQ(tinyml_ops_manifest_check(OP_UNIDIRECTIONAL_SEQUENCE_LSTM, 1u, TYPE_INT8),
		     -ENOENT);
	TT_ASSERT(tinyml_ops_manifest_find(0xFFFFu) == NULL);
}

TTEST(ops_manifest, digest_and_runtime_id_are_set)
{
	uint32_t i;
	uint8_t any = 0u;

	for (i = 0u; i < TINYML_OPS_MANIFEST_DIGEST_SIZE; i++) {
		any |= tinyml_ops_manifest_digest[i];
	}
	TT_ASSERT(any != 0u);
	TT_ASSERT(tinyml_runtime_id != 0u);
	TT_ASSERT(tinyml_ops_manifest_tflm_version[0] != '\0');
}
