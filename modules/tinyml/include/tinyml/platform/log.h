/*
 * Log seam: the core formats nothing itself; the port prints or drops.
 */
#ifndef TINYML_PLATFORM_LOG_H_
#define TINYML_PLATFORM_LOG_H_

#ifdef __cplusplus
extern "C" {
#endif

enum tinyml_log_level {
	TINYML_LOG_LEVEL_NONE = 0,
	TINYML_LOG_LEVEL_ERR = 1,
	TINYML_LOG_LEVEL_WRN = 2,
	TINYML_LOG_LEVEL_INF = 3,
	TINYML_LOG_LEVEL_DBG = 4,
};

/**
 * @brief Emit one log line (no trailing newline in @p fmt).
 *
 * @param level  Severity of the line.
 * @param module Component name, e.g. "ringbuf".
 * @param fmt    printf-style format; ports support at least %d %u %x %s %c %p with l/ll/z.
 */
void tinyml_platform_log(enum tinyml_log_level level, const char *module, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

#ifdef __cplusplus
}
#endif

#endif /* TINYML_PLATFORM_LOG_H_ */
