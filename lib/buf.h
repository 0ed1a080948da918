/*
 * buf: a growable byte buffer that always knows its length and always keeps
 * a NUL after the last byte (so p is also a C string when the content has
 * no NUL).  Memory comes from mem_ (never NULL).  A buffer is usually kept
 * for the life of the process and buf_reset() between requests, so the hot
 * path does not allocate.
 */
#ifndef KROW_BUF_H
#define KROW_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*p;	/* NULL until the first append */
	size_t	 len;
	size_t	 cap;
};

void	 buf_init(struct buf *);
void	 buf_cleanup(struct buf *);		/* frees; buf is reusable */
void	 buf_reset(struct buf *);		/* len = 0, keeps memory */
void	 buf_reserve(struct buf *, size_t extra);
void	 buf_append(struct buf *, const void *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Append s[0..len) as a quoted JSON string, escaping as RFC 8259 requires. */
void	 buf_json_str(struct buf *, const char *s, size_t len);
/* The content as a C string: "" for an empty buffer, never NULL. */
const char *buf_cstr(const struct buf *);

#endif
