/*
 * Fixed-point real FFT (Q15, radix-2 over n/2 complex points, then a split step) with a fixed
 * scaling of 1/n, so the exact result is defined bit for bit (docs/signal-chain.md):
 *
 *   buf[2k] + i buf[2k+1] ~= DFT(x)[k] / n   for k = 0..n/2
 *
 * Every butterfly halves (rounding down); the caller keeps |x[i]| <= 2^14 (the feature prep
 * normalizes to that), which bounds every intermediate modulus below 2^15.
 */
#ifndef TINYML_FFT_H_
#define TINYML_FFT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TINYML_FFT_MIN_LEN 16u
#define TINYML_FFT_MAX_LEN 512u

/** @brief 1 when @p n is a supported real FFT length (power of two, 16..512). */
int tinyml_fft_len_supported(size_t n);

/**
 * @brief In-place real FFT.
 *
 * @param buf  n + 2 values: x[0..n-1] in (|x| <= 2^14); n/2 + 1 bins out, re/im interleaved.
 *
 * @retval 0 on success.
 * @retval -EINVAL @p buf NULL or @p buf_len < n + 2.
 * @retval -ENOTSUP @p n not a power of two in 16..512.
 */
int tinyml_rfft_q15(int16_t *buf, size_t buf_len, size_t n);

/**
 * @brief Power of each bin: re^2 + im^2 (exact, < 2^31).
 *
 * @retval 0 on success; -EINVAL on NULL or zero @p n_bins.
 */
int tinyml_fft_power(const int16_t *bins, size_t n_bins, uint32_t *power);

/**
 * @brief Magnitude of each bin: floor(sqrt(power)).
 *
 * @retval 0 on success; -EINVAL on NULL or zero @p n_bins.
 */
int tinyml_fft_magnitude(const uint32_t *power, size_t n_bins, uint16_t *mag);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_FFT_H_ */
