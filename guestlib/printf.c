/* printf family: flags - 0 + space #, width and precision (also *), length
 * modifiers hh h l ll z t j, conversions d i u x X o c s p %. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "console_io.h"

/* Output sink: a bounded buffer (snprintf) or the console (printf). */
struct sink {
	char *buf;
	size_t size;
	size_t len; /* characters produced, as snprintf returns */
	int console;
};

static void put(struct sink *s, const char *data, size_t n)
{
	if (s->console) {
		console_write(data, n);
	} else if (s->len + 1 < s->size) {
		size_t room = s->size - 1 - s->len;
		memcpy(s->buf + s->len, data, n < room ? n : room);
	}
	s->len += n;
}

static void pad(struct sink *s, char c, int n)
{
	char chunk[16];
	memset(chunk, c, sizeof chunk);
	while (n > 0) {
		int k = n < (int)sizeof chunk ? n : (int)sizeof chunk;
		put(s, chunk, (size_t)k);
		n -= k;
	}
}

struct spec {
	int left, zero, plus, space, alt;
	int width, precision; /* precision -1: none */
};

static void emit_field(struct sink *s, const struct spec *sp, const char *prefix,
		       const char *body, int body_len, int zeros)
{
	int prefix_len = (int)strlen(prefix);
	int total = prefix_len + zeros + body_len;
	int fill = sp->width > total ? sp->width - total : 0;

	if (!sp->left && !(sp->zero && sp->precision < 0))
		pad(s, ' ', fill);
	put(s, prefix, (size_t)prefix_len);
	if (!sp->left && sp->zero && sp->precision < 0)
		pad(s, '0', fill);
	pad(s, '0', zeros);
	put(s, body, (size_t)body_len);
	if (sp->left)
		pad(s, ' ', fill);
}

static void emit_number(struct sink *s, const struct spec *sp, unsigned long long v,
			int negative, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	const char *prefix = negative ? "-" : sp->plus ? "+" : sp->space ? " " : "";

	while (v) {
		tmp[sizeof tmp - 1 - n++] = digits[v % base];
		v /= base;
	}
	if (n == 0 && sp->precision != 0)
		tmp[sizeof tmp - 1 - n++] = '0';
	if (sp->alt && base == 16 && n && tmp[sizeof tmp - 1] != '0')
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && tmp[sizeof tmp - n] != '0')
		prefix = "0";
	int zeros = sp->precision > n ? sp->precision - n : 0;
	emit_field(s, sp, prefix, tmp + sizeof tmp - n, n, zeros);
}

static int parse_int(const char **fmt)
{
	int v = 0;
	while (**fmt >= '0' && **fmt <= '9') {
		if (v < 100000)
			v = v * 10 + (**fmt - '0');
		(*fmt)++;
	}
	return v;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			const char *end = strchr(fmt, '%');
			size_t n = end ? (size_t)(end - fmt) : strlen(fmt);
			put(s, fmt, n);
			fmt += n - 1;
			continue;
		}
		struct spec sp = { .precision = -1 };
		for (;; fmt++) {
			char c = fmt[1];
			if (c == '-') sp.left = 1;
			else if (c == '0') sp.zero = 1;
			else if (c == '+') sp.plus = 1;
			else if (c == ' ') sp.space = 1;
			else if (c == '#') sp.alt = 1;
			else break;
		}
		fmt++;
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = 1;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			sp.width = parse_int(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				fmt++;
			} else {
				sp.precision = parse_int(&fmt);
			}
		}
		int length = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t */
		for (;; fmt++) {
			if (*fmt == 'h') length = length == -1 ? -2 : -1;
			else if (*fmt == 'l') length = length == 1 ? 2 : 1;
			else if (*fmt == 'z' || *fmt == 't') length = 3;
			else if (*fmt == 'j') length = 2;
			else break;
		}
		char conv = *fmt;
		if (conv == 'd' || conv == 'i') {
			long long v = length == 2 ? va_arg(ap, long long)
				    : length == 1 ? va_arg(ap, long)
				    : length == 3 ? (long long)va_arg(ap, ptrdiff_t)
				    : va_arg(ap, int);
			if (length == -1) v = (short)v;
			if (length == -2) v = (signed char)v;
			unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
			emit_number(s, &sp, mag, v < 0, 10, 0);
		} else if (conv == 'u' || conv == 'x' || conv == 'X' || conv == 'o') {
			unsigned long long v = length == 2 ? va_arg(ap, unsigned long long)
					     : length == 1 ? va_arg(ap, unsigned long)
					     : length == 3 ? va_arg(ap, size_t)
					     : va_arg(ap, unsigned int);
			if (length == -1) v = (unsigned short)v;
			if (length == -2) v = (unsigned char)v;
			emit_number(s, &sp, v, 0, conv == 'u' ? 10 : conv == 'o' ? 8 : 16, conv == 'X');
		} else if (conv == 'p') {
			sp.alt = 1;
			emit_number(s, &sp, (uintptr_t)va_arg(ap, void *), 0, 16, 0);
		} else if (conv == 'c') {
			char c = (char)va_arg(ap, int);
			emit_field(s, &sp, "", &c, 1, 0);
		} else if (conv == 's') {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t n = sp.precision >= 0 ? strnlen(str, (size_t)sp.precision) : strlen(str);
			emit_field(s, &sp, "", str, (int)n, 0);
		} else if (conv == '%') {
			put(s, "%", 1);
		} else {
			/* Unknown conversion: print it as written. */
			put(s, "%", 1);
			if (!conv)
				return;
			put(s, &conv, 1);
		}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };
	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { .console = 1 };
	format(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
