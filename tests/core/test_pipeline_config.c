#include <errno.h>
#include <string.h>

#include <tinyml/crc32.h>
#include <tinyml/pipeline.h>

#include "ttest.h"
#include "vectors/signal_vectors.h"

TTEST(pipeline_config, encode_parse_round_trip_and_id_is_crc_of_blob)
{
	unsigned int v;

	for (v = 0u; v < sizeof(signal_vectors) / sizeof(signal_vectors[0]); v++) {
		const struct signal_vector *sv = &signal_vectors[v];
		struct tinyml_pipeline_config cfg;
		uint8_t blob[TINYML_PIPELINE_BLOB_MAX];
		uint32_t id;

		TT_ASSERT_EQ(tinyml_pipeline_parse(sv->blob, sv->blob_len, &cfg), 0);
		TT_ASSERT_EQ(tinyml_pipeline_encode(&cfg, blob, sizeof(blob)), (int)sv->blob_len);
		TT_ASSERT_MEM_EQ(blob, sv->blob, sv->blob_len);
		TT_ASSERT_EQ(tinyml_pipeline_id(&cfg, &id), 0);
		TT_ASSERT_EQ(id, tinyml_crc32(0u, sv->blob, sv->blob_len));
		TT_ASSERT_EQ(tinyml_pipeline_encode(&cfg, blob, sv->blob_len - 1u), -ENOSPC);
		TT_ASSERT_EQ(tinyml_pipeline_check_model(&cfg, sv->pipeline_id), 0);
		TT_ASSERT_EQ(tinyml_pipeline_check_model(&cfg, sv->pipeline_id ^ 1u), -EBADMSG);
	}
}

TTEST(pipeline_config, parse_rejects_malformed_blobs)
{
	const struct signal_vector *sv = &signal_vectors[0];
	struct tinyml_pipeline_config cfg;
	uint8_t blob[TINYML_PIPELINE_BLOB_MAX];

	TT_ASSERT_EQ(tinyml_pipeline_parse(NULL, sv->blob_len, &cfg), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_parse(sv->blob, sv->blob_len, NULL), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_parse(sv->blob, sv->blob_len - 1u, &cfg), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_parse(sv->blob, 10u, &cfg), -EINVAL);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[sv->blob_len] = 0u;
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len + 1u, &cfg), -EINVAL);

	memcpy(blob, sv->blob, sv->blob_len);
	blob[0] = 'X'; /* magic */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -EINVAL);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[4] = 2u; /* version */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -ENOTSUP);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[5] = 9u; /* kind */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -ENOTSUP);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[14] = 0u; /* window_len 256 -> 0 (low byte 0, high byte 1: 256; zero both) */
	blob[15] = 4u; /* 1024: longer than the FFT supports */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -ENOTSUP);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[6] = 9u; /* axes */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -EINVAL);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[16] = 0u; /* hop 0 */
	blob[17] = 0u;
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -EINVAL);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[13] = 1u; /* reserved */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -EINVAL);
	memcpy(blob, sv->blob, sv->blob_len);
	blob[TINYML_PIPELINE_BLOB_HEADER + 2u] = 200u; /* band 0 hi beyond the bins */
	TT_ASSERT_EQ(tinyml_pipeline_parse(blob, sv->blob_len, &cfg), -EINVAL);
}

TTEST(pipeline_config, validate_and_counts)
{
	struct tinyml_pipeline_config cfg;
	uint32_t id;

	TT_ASSERT_EQ(
		tinyml_pipeline_parse(signal_vectors[0].blob, signal_vectors[0].blob_len, &cfg), 0);
	TT_ASSERT_EQ(tinyml_pipeline_feature_count(&cfg), (int)signal_vectors[0].out_len);
	TT_ASSERT_EQ(tinyml_pipeline_input_len(&cfg), 3 * 256);
	cfg.feature_mask |= TINYML_FEAT_HARMONICS; /* without a fundamental */
	TT_ASSERT_EQ(tinyml_pipeline_validate(&cfg), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_feature_count(&cfg), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_id(&cfg, &id), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_validate(NULL), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_id(NULL, &id), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_check_model(NULL, 0u), -EINVAL);
	TT_ASSERT_EQ(tinyml_pipeline_input_len(NULL), -EINVAL);
}
