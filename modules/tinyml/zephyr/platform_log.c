/*
 * Zephyr port: log seam. The core's lines go to Zephyr's logging subsystem under the module
 * tinyml_core, at the core's level; the component name leads the message.
 */
#include <stdarg.h>

#include <zephyr/logging/log.h>
#include <zephyr/sys/printk.h>

#include <tinyml/platform/log.h>

LOG_MODULE_REGISTER(tinyml_core, CONFIG_TINYML_LOG_LEVEL);

/* One formatted line; longer ones are cut (vsnprintk always terminates). */
#define TINYML_LOG_LINE_MAX 128

void tinyml_platform_log(enum tinyml_log_level level, const char *module, const char *fmt, ...)
{
	char line[TINYML_LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintk(line, sizeof(line), fmt, ap);
	va_end(ap);

	/* Deferred logging copies %s arguments that live in RAM, so the stack buffer is safe. */
	switch (level) {
	case TINYML_LOG_LEVEL_ERR:
		LOG_ERR("%s: %s", module, line);
		break;
	case TINYML_LOG_LEVEL_WRN:
		LOG_WRN("%s: %s", module, line);
		break;
	case TINYML_LOG_LEVEL_INF:
		LOG_INF("%s: %s", module, line);
		break;
	case TINYML_LOG_LEVEL_DBG:
		LOG_DBG("%s: %s", module, line);
		break;
	default:
		break;
	}
}
