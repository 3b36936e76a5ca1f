/*
 * Console of the bare-metal port: CMSDK UART0 with a small printf that needs no heap.
 */
#ifndef TINYML_PORT_CONSOLE_H_
#define TINYML_PORT_CONSOLE_H_

#include <stdarg.h>
#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t len);
void console_puts(const char *s);

/**
 * @brief Format into @p buf like vsnprintf (%d %i %u %x %X %s %c %p %%, flags 0 and -, width,
 * length l, ll, z). Never allocates. Returns the length it would have written.
 */
int console_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int console_vprintf(const char *fmt, va_list ap);

#endif /* TINYML_PORT_CONSOLE_H_ */
