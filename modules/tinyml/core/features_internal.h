/*
 * Core-internal: the fused prep writing the FFT input in bit-reversed pair order, for
 * tinyml_rfft_q15_bitrev_input().
 */
#ifndef TINYML_CORE_FEATURES_INTERNAL_H_
#define TINYML_CORE_FEATURES_INTERNAL_H_

#include <tinyml/features.h>

int tinyml_features_prepare_bitrev(const int16_t *x, size_t n, int dc_remove,
				   uint16_t pre_emphasis_q15, enum tinyml_window_fn window,
				   int32_t *work, int16_t *out, int32_t *shift,
				   struct tinyml_time_stats *stats);

#endif /* TINYML_CORE_FEATURES_INTERNAL_H_ */
