/*
 * Host port: the platform seams on POSIX, for unit tests and the desktop replay.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <tinyml/platform/cost.h>
#include <tinyml/platform/lock.h>
#include <tinyml/platform/log.h>
#include <tinyml/platform/time.h>

static pthread_mutex_t host_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t tinyml_platform_uptime_ms(void)
{
	return (uint32_t)(monotonic_ns() / 1000000u);
}

void tinyml_platform_lock(void)
{
	(void)pthread_mutex_lock(&host_lock);
}

void tinyml_platform_unlock(void)
{
	(void)pthread_mutex_unlock(&host_lock);
}

uint64_t tinyml_platform_cost_now(void)
{
	return monotonic_ns();
}

const char *tinyml_platform_cost_unit(void)
{
	return "ns";
}

void tinyml_platform_log(enum tinyml_log_level level, const char *module, const char *fmt, ...)
{
	static const char *const names[] = {"", "ERR", "WRN", "INF", "DBG"};
	va_list ap;

	fprintf(stderr, "[%s] %s: ", names[(unsigned)level <= 4u ? (unsigned)level : 0u], module);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
