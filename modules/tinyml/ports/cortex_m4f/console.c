#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "console.h"
#include "mps2_an386.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_char(struct fmt_out *o, char c)
{
	if (o->len + 1u < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

static void out_padded(struct fmt_out *o, const char *s, size_t n, unsigned int width, bool left,
		       char pad)
{
	size_t fill = width > n ? width - n : 0u;

	if (!left) {
		/* Zero padding goes after a sign. */
		if (pad == '0' && n > 0u && s[0] == '-') {
			out_char(o, '-');
			s++;
			n--;
		}
		while (fill-- > 0u) {
			out_char(o, pad);
		}
	}
	while (n-- > 0u) {
		out_char(o, *s++);
	}
	if (left) {
		while (fill-- > 0u) {
			out_char(o, ' ');
		}
	}
}

static size_t format_unsigned(char *tmp, unsigned long long v, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char rev[24];
	size_t n = 0u;
	size_t i;

	do {
		rev[n++] = digits[v % base];
		v /= base;
	} while (v != 0u);
	for (i = 0u; i < n; i++) {
		tmp[i] = rev[n - 1u - i];
	}
	return n;
}

int console_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = {buf, size, 0u};

	for (; *fmt != '\0'; fmt++) {
		bool left = false;
		char pad = ' ';
		unsigned int width = 0u;
		int lng = 0;
		char tmp[26];
		size_t n;

		if (*fmt != '%') {
			out_char(&o, *fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-') {
				left = true;
			} else {
				pad = '0';
			}
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++) {
			width = width * 10u + (unsigned int)(*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++) {
			lng += 1; /* z is long-sized on ILP32 */
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng >= 2   ? va_arg(ap, long long)
				      : lng == 1 ? (long long)va_arg(ap, long)
						 : (long long)va_arg(ap, int);
			unsigned long long mag =
				v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
			size_t off = 0u;

			if (v < 0) {
				tmp[off++] = '-';
			}
			n = off + format_unsigned(tmp + off, mag, 10u, false);
			out_padded(&o, tmp, n, width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			unsigned long long v =
				lng >= 2   ? va_arg(ap, unsigned long long)
				: lng == 1 ? (unsigned long long)va_arg(ap, unsigned long)
					   : (unsigned long long)va_arg(ap, unsigned int);

			n = format_unsigned(tmp, v, *fmt == 'u' ? 10u : 16u, *fmt == 'X');
			out_padded(&o, tmp, n, width, left, pad);
			break;
		}
		case 'p':
			tmp[0] = '0';
			tmp[1] = 'x';
			n = 2u +
			    format_unsigned(tmp + 2, (uintptr_t)va_arg(ap, void *), 16u, false);
			out_padded(&o, tmp, n, width, left, ' ');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (s == NULL) {
				s = "(null)";
			}
			out_padded(&o, s, strlen(s), width, left, ' ');
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			out_padded(&o, tmp, 1u, width, left, ' ');
			break;
		case '%':
			out_char(&o, '%');
			break;
		default:
			/* Unsupported conversion: print it verbatim so the mistake is visible. */
			out_char(&o, '%');
			if (*fmt == '\0') {
				fmt--;
			} else {
				out_char(&o, *fmt);
			}
			break;
		}
	}
	if (size > 0u) {
		buf[o.len < size ? o.len : size - 1u] = '\0';
	}
	return (int)o.len;
}

void console_init(void)
{
	MPS2_UART0_BAUD = 16u;
	MPS2_UART0_CTRL = MPS2_UART_CTRL_TX_EN;
}

void console_write(const char *s, size_t len)
{
	while (len-- > 0u) {
		while ((MPS2_UART0_STATE & MPS2_UART_STATE_TX_FULL) != 0u) {
		}
		MPS2_UART0_DATA = (uint32_t)(uint8_t)*s++;
	}
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

int console_vprintf(const char *fmt, va_list ap)
{
	static char line[256];
	int n = console_vsnprintf(line, sizeof(line), fmt, ap);

	console_write(line, n < (int)sizeof(line) ? (size_t)n : sizeof(line) - 1u);
	return n;
}

int console_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = console_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
