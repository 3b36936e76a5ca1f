/*
 * Time seam: the only way the portable core learns what time it is.
 */
#ifndef TINYML_PLATFORM_TIME_H_
#define TINYML_PLATFORM_TIME_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Monotonic time since boot in milliseconds (wraps after ~49 days).
 */
uint32_t tinyml_platform_uptime_ms(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PLATFORM_TIME_H_ */
