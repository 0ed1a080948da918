/*
 * buf: a growable byte buffer with a length and a trailing NUL.  The
 * capacity doubles as it grows; every size computation is checked for
 * overflow, and an impossible size is fatal like a failed allocation (see
 * mem.h), so the append functions cannot fail.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "mem.h"

#define BUF_MINCAP	64

/* Prepare an empty buffer; it allocates nothing until the first append. */
void
buf_init(struct buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Free the memory; the buffer is empty and may be used again. */
void
buf_cleanup(struct buf *b)
{
	mem_free(b->p);
	buf_init(b);
}

/* Forget the content and keep the memory for the next use. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/*
 * Make room for extra more bytes (plus the NUL) so that appending them
 * does not reallocate.  Pointers into b->p are invalid afterwards.
 */
void
buf_reserve(struct buf *b, size_t extra)
{
	size_t	 need, ncap;

	if (__builtin_add_overflow(b->len, extra, &need) ||
	    __builtin_add_overflow(need, 1, &need))
		mem_oom(SIZE_MAX);
	if (need <= b->cap)
		return;
	ncap = b->cap < BUF_MINCAP ? BUF_MINCAP : b->cap;
	while (ncap < need)
		if (__builtin_mul_overflow(ncap, 2, &ncap)) {
			ncap = need;
			break;
		}
	b->p = mem_realloc(b->p, ncap);
	b->cap = ncap;
	b->p[b->len] = '\0';	/* a fresh buffer is "" too */
}

/* Append n bytes from data (which may hold NULs). */
void
buf_append(struct buf *b, const void *data, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append the C string s without its NUL. */
void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

/* Append one byte. */
void
buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

/*
 * Append formatted text.  The text is formatted in place when it fits the
 * free space, otherwise measured, room made, and formatted again.  A format
 * vsnprintf cannot render (output over INT_MAX, a wide character with no
 * multibyte form) is fatal, as in arena_vprintf().
 */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	size_t	 room;
	int	 n;

	buf_reserve(b, 0);	/* so b->p is not NULL */
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->p + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		mem_oom(SIZE_MAX);
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		room = b->cap - b->len;
		if (vsnprintf(b->p + b->len, room, fmt, ap) != n)
			mem_oom((size_t)n);
	}
	b->len += (size_t)n;
}

/* As buf_vprintf(). */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/*
 * Append s[0..len) as a JSON string with its quotes (RFC 8259 section 7):
 * the quote, the backslash and every control character are escaped, using
 * the short forms where they exist.  Bytes from 0x80 up are copied as they
 * are: the caller has validated (or produced) UTF-8.
 */
void
buf_json_str(struct buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, run;
	char			 esc[6];

	if (len <= SIZE_MAX - 2)
		buf_reserve(b, len + 2);	/* the usual case, one growth */
	buf_putc(b, '"');
	for (i = 0; i < len; ) {
		/* Copy the longest run that needs no escape in one go. */
		for (run = i; run < len && u[run] >= 0x20 &&
		    u[run] != '"' && u[run] != '\\'; run++)
			continue;
		if (run > i) {
			buf_append(b, s + i, run - i);
			i = run;
			continue;
		}
		esc[0] = '\\';
		switch (u[i]) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[u[i] >> 4];
			esc[5] = hex[u[i] & 0xf];
			buf_append(b, esc, 6);
			i++;
			continue;
		}
		buf_append(b, esc, 2);
		i++;
	}
	buf_putc(b, '"');
}

/* The content as a C string: "" when nothing was ever appended. */
const char *
buf_cstr(const struct buf *b)
{
	return b->p == NULL ? "" : b->p;
}
