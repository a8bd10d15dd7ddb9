/* Lines of text without the C library (text_line.h). */
#include "text_line.h"

void text_line_init(struct text_line *l, char *buf, size_t len)
{
	l->buf = buf;
	l->len = len;
	l->used = 0;
	if (len)
		buf[0] = '\0';
}

void text_char(struct text_line *l, char c)
{
	if (l->used + 1 < l->len) {
		l->buf[l->used++] = c;
		l->buf[l->used] = '\0';
	}
}

void text_str(struct text_line *l, const char *s)
{
	while (*s)
		text_char(l, *s++);
}

/* v in base, at least width digits. */
static void text_digits(struct text_line *l, unsigned long v, unsigned base, unsigned width)
{
	char d[24];
	unsigned n = 0;

	do {
		d[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && n < sizeof d);
	while (n < width && n < sizeof d)
		d[n++] = '0';
	while (n)
		text_char(l, d[--n]);
}

void text_udec(struct text_line *l, unsigned long v)
{
	text_digits(l, v, 10, 1);
}

void text_udec_width(struct text_line *l, unsigned long v, unsigned width)
{
	text_digits(l, v, 10, width);
}

void text_dec(struct text_line *l, long v)
{
	if (v < 0) {
		text_char(l, '-');
		text_digits(l, 0ul - (unsigned long)v, 10, 1);
	} else {
		text_digits(l, (unsigned long)v, 10, 1);
	}
}

void text_hex(struct text_line *l, unsigned long v)
{
	if (v)
		text_str(l, "0x");
	text_digits(l, v, 16, 1);
}

void text_oct(struct text_line *l, unsigned long v)
{
	if (v)
		text_char(l, '0');
	text_digits(l, v, 8, 1);
}
