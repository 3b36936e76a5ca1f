/*
 * Constant tables of the signal chain (core-internal), sized to the longest FFT (512).
 */
#ifndef TINYML_CORE_SIGNAL_TABLES_H_
#define TINYML_CORE_SIGNAL_TABLES_H_

#include <stdint.h>

#define TINYML_TWIDDLE_N 512u

extern const uint8_t tinyml_log2_frac_q8[256];
extern const int16_t tinyml_twiddle_q15[2 * 257];
extern const uint16_t tinyml_hann_q14[257];

#endif /* TINYML_CORE_SIGNAL_TABLES_H_ */
