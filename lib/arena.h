/*
 * arena: per-request memory (nginx's r->pool, PostgreSQL's MessageContext).
 * Every allocation of one FastCGI request comes from the arena, which the
 * accept loop resets in exactly one place.  Allocations never return NULL
 * (see mem.h).  Non-memory resources (a json-c root, a curl handle) are
 * registered with arena_cleanup_add() and released, newest first, by
 * arena_reset() and arena_free().
 */
#ifndef KROW_ARENA_H
#define KROW_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena	*arena_new(size_t chunk);	/* chunk 0 = default 16 KiB */
void		 arena_free(struct arena *);	/* accepts NULL */
void		 arena_reset(struct arena *);	/* runs cleanups, keeps first chunk */
void		*arena_alloc(struct arena *, size_t);	/* 16-byte aligned */
void		*arena_calloc(struct arena *, size_t n, size_t size);
char		*arena_strdup(struct arena *, const char *);
char		*arena_strndup(struct arena *, const char *, size_t);
char		*arena_printf(struct arena *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
char		*arena_vprintf(struct arena *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
void		 arena_cleanup_add(struct arena *, void (*)(void *), void *);
size_t		 arena_used(const struct arena *);	/* bytes handed out */

#endif
