/*
 * Host port only: remember ECDSA verification results (tests that verify the same signatures
 * thousands of times, such as the fault sweeps). Off by default; not thread-safe.
 */
#ifndef TINYML_PORTS_HOST_CRYPTO_MEMO_H_
#define TINYML_PORTS_HOST_CRYPTO_MEMO_H_

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @brief Turn the memo on or off (either way it starts empty). */
void tinyml_host_crypto_memo(bool on);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PORTS_HOST_CRYPTO_MEMO_H_ */
