/* A line of text built in a caller's buffer, for what the runtime itself
 * says on kvmrun's standard error (system-call traces, refusals, signals).
 * Not the C library's printf: the runtime runs on the app's thread
 * pointer (FS on x86-64, GS on i386), which at a program's first system
 * calls is not set yet, and in a glibc program is glibc's, while musl's
 * printf reads its locale and errno through it. These functions touch
 * nothing but the buffer. Output past the buffer's end is dropped; the
 * line stays NUL-ended. */
#ifndef KVMRUN_GUEST_TEXT_LINE_H
#define KVMRUN_GUEST_TEXT_LINE_H

#include <stddef.h>

struct text_line {
	char *buf;
	size_t len;  /* bytes in buf, at least 1 */
	size_t used; /* bytes of text, always < len */
};

void text_line_init(struct text_line *l, char *buf, size_t len);
void text_str(struct text_line *l, const char *s);
void text_char(struct text_line *l, char c);
void text_dec(struct text_line *l, long v);
void text_udec(struct text_line *l, unsigned long v);
void text_udec_width(struct text_line *l, unsigned long v, unsigned width); /* zero-padded */
void text_hex(struct text_line *l, unsigned long v); /* "0x1f", and "0" for zero, as %#lx */
void text_oct(struct text_line *l, unsigned long v); /* "0644", and "0" for zero, as %#lo */

#endif
