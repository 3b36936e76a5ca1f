/*
 * Reconstruction error of an autoencoder's int8 output against its int8 input, integer only
 * (no float, no heap): the arithmetic and its bounds are in anomaly.h.
 */
#include <errno.h>

#include <tinyml/anomaly.h>

int tinyml_anomaly_check(const struct tinyml_anomaly_config *cfg)
{
	if (cfg == NULL || cfg->input_zero_point < -128 || cfg->input_zero_point > 127 ||
	    cfg->output_zero_point < -128 || cfg->output_zero_point > 127 ||
	    cfg->output_ratio_q16 == 0u || cfg->output_ratio_q16 > TINYML_ANOMALY_MAX_RATIO ||
	    cfg->full_scale_q8 == 0u || cfg->n_values == 0u ||
	    cfg->n_values > TINYML_ANOMALY_MAX_VALUES) {
		return -EINVAL;
	}
	return 0;
}

int tinyml_anomaly_error_q8(const struct tinyml_anomaly_config *cfg, const int8_t *input,
			    const int8_t *output, size_t n, uint32_t *error_q8)
{
	uint64_t sum = 0u;
	uint64_t mean;
	size_t i;

	if (tinyml_anomaly_check(cfg) != 0 || input == NULL || output == NULL || error_q8 == NULL ||
	    n != cfg->n_values) {
		return -EINVAL;
	}
	for (i = 0u; i < n; i++) {
		int64_t a = (int64_t)input[i] - cfg->input_zero_point;
		int64_t b = (int64_t)output[i] - cfg->output_zero_point;
		int64_t d = a * 65536 - b * (int64_t)cfg->output_ratio_q16;
		uint64_t mag = (uint64_t)(d < 0 ? -d : d);
		uint64_t u = (mag + 128u) >> 8;

		sum += u * u;
	}
	mean = sum / ((uint64_t)n * 256u);
	*error_q8 = mean > UINT32_MAX ? UINT32_MAX : (uint32_t)mean;
	return 0;
}

int tinyml_anomaly_scores_q15(const struct tinyml_anomaly_config *cfg, const int8_t *input,
			      const int8_t *output, size_t n, int16_t scores_q15[2])
{
	uint32_t error_q8;
	uint64_t score;
	int rc;

	if (scores_q15 == NULL) {
		return -EINVAL;
	}
	rc = tinyml_anomaly_error_q8(cfg, input, output, n, &error_q8);
	if (rc != 0) {
		return rc;
	}
	score = ((uint64_t)error_q8 << 15) / cfg->full_scale_q8;
	if (score > 32767u) {
		score = 32767u;
	}
	scores_q15[TINYML_ANOMALY_CLASS_ANOMALY] = (int16_t)score;
	scores_q15[TINYML_ANOMALY_CLASS_NORMAL] = (int16_t)(32767 - (int32_t)score);
	return 0;
}
