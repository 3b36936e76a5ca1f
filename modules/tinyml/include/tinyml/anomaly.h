/*
 * Anomaly score of a reconstructing model (an autoencoder): the mean squared difference between
 * the model's int8 input and its int8 output, in integer arithmetic, mapped to a Q15 score and
 * to a two-class score pair {normal, anomaly} that the decision chain (decision.h) takes like a
 * classifier's scores. The Python reference (tinyml_tools.features.anomaly) does the same
 * integer arithmetic; tests/python/test_anomaly_exact.py checks them against each other.
 *
 * With a = input - input_zero_point and b = output - output_zero_point (int8 steps), and
 * r = output_scale / input_scale in Q16 (output_ratio_q16):
 *   d_q16 = a * 65536 - b * r                  (the difference in input steps, Q16)
 *   u     = (|d_q16| + 128) >> 8               (Q8, rounded half away from zero)
 *   error_q8 = floor(sum(u * u) / (n * 256))   (mean squared difference, input steps^2, Q8)
 *   score_q15 = min(32767, floor(error_q8 * 32768 / full_scale_q8))
 * so full_scale_q8 is the error that scores 1.0. Bounds: r <= 2^20 keeps u < 2^21 and the sum
 * of n <= 65535 squares below 2^58.
 */
#ifndef TINYML_ANOMALY_H_
#define TINYML_ANOMALY_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_ANOMALY_MAX_VALUES 65535u
#define TINYML_ANOMALY_MAX_RATIO  (1u << 20)

/* Indices of the score pair fed to tinyml_decision_step (background class 0). */
#define TINYML_ANOMALY_CLASS_NORMAL  0u
#define TINYML_ANOMALY_CLASS_ANOMALY 1u

struct tinyml_anomaly_config {
	int32_t input_zero_point;  /* of the model's int8 input tensor, -128..127 */
	int32_t output_zero_point; /* of the model's int8 output tensor, -128..127 */
	uint32_t output_ratio_q16; /* output scale / input scale in Q16, 1..2^20 */
	uint32_t full_scale_q8;    /* error_q8 that scores 1.0, >= 1 */
	uint32_t n_values;         /* values compared (input = output length), 1..65535 */
};

/**
 * @brief Check @p cfg (ranges above).
 *
 * @retval 0 on success; -EINVAL on NULL or a field out of range.
 */
int tinyml_anomaly_check(const struct tinyml_anomaly_config *cfg);

/**
 * @brief Mean squared reconstruction error in input steps squared, Q8 (see the file comment).
 *
 * @retval 0 on success; -EINVAL on NULL, a bad @p cfg, or @p n != cfg->n_values.
 */
int tinyml_anomaly_error_q8(const struct tinyml_anomaly_config *cfg, const int8_t *input,
			    const int8_t *output, size_t n, uint32_t *error_q8);

/**
 * @brief The score pair for the decision chain: scores_q15[1] = the anomaly score
 * min(32767, error_q8 * 32768 / full_scale_q8), scores_q15[0] = 32767 - scores_q15[1].
 *
 * @retval 0 on success; -EINVAL as tinyml_anomaly_error_q8.
 */
int tinyml_anomaly_scores_q15(const struct tinyml_anomaly_config *cfg, const int8_t *input,
			      const int8_t *output, size_t n, int16_t scores_q15[2]);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_ANOMALY_H_ */
