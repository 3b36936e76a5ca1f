/*
 * Logging macros of the portable core. The level is fixed at compile time with
 * TINYML_LOG_LEVEL (the Zephyr port maps it from Kconfig); lines above it cost nothing.
 */
#ifndef TINYML_LOG_H_
#define TINYML_LOG_H_

#include <tinyml/platform/log.h>

#ifndef TINYML_LOG_LEVEL
#define TINYML_LOG_LEVEL TINYML_LOG_LEVEL_WRN
#endif

#define TINYML_LOG_AT(level, module, ...)                                                          \
	do {                                                                                       \
		if ((level) <= TINYML_LOG_LEVEL) {                                                 \
			tinyml_platform_log((level), (module), __VA_ARGS__);                       \
		}                                                                                  \
	} while (0)

#define TINYML_LOG_ERR(module, ...) TINYML_LOG_AT(TINYML_LOG_LEVEL_ERR, module, __VA_ARGS__)
#define TINYML_LOG_WRN(module, ...) TINYML_LOG_AT(TINYML_LOG_LEVEL_WRN, module, __VA_ARGS__)
#define TINYML_LOG_INF(module, ...) TINYML_LOG_AT(TINYML_LOG_LEVEL_INF, module, __VA_ARGS__)
#define TINYML_LOG_DBG(module, ...) TINYML_LOG_AT(TINYML_LOG_LEVEL_DBG, module, __VA_ARGS__)

#endif /* TINYML_LOG_H_ */
