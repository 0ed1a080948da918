/*
 * arena: a chunked bump allocator, one per FastCGI request.
 *
 * Memory comes in chunks of a fixed size; an allocation takes the next
 * 16-byte aligned slice of the current chunk, or starts a new chunk when the
 * slice does not fit.  An allocation larger than a quarter of the chunk size
 * gets a chunk of its own, so one big body does not waste a chunk's tail.
 * Nothing is freed one allocation at a time: arena_reset() runs the
 * registered cleanups (newest first), frees every chunk but the first and
 * rewinds the first, so a worker that serves small requests does not call
 * malloc at all after its first request.
 *
 * In a build with AddressSanitizer the unused part of each chunk is poisoned,
 * so reading or writing past the end of an arena allocation is reported just
 * as it would be for malloc.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "mem.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)	ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n)	ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)	do { (void)(p); (void)(n); } while (0)
#define UNPOISON(p, n)	do { (void)(p); (void)(n); } while (0)
#endif

#define ARENA_ALIGN	16
#define ARENA_DEFCHUNK	(16 * 1024)

struct chunk {
	struct chunk	*next;
	unsigned char	*pos;	/* next free byte, ARENA_ALIGN aligned */
	unsigned char	*end;	/* one past the last usable byte */
	unsigned char	*base;	/* first usable byte, ARENA_ALIGN aligned */
};

struct cleanup {
	struct cleanup	*next;
	void		(*fn)(void *);
	void		*arg;
};

struct arena {
	size_t		 chunksz;	/* usable bytes of a normal chunk */
	struct chunk	*first;		/* kept across resets */
	struct chunk	*cur;		/* where small allocations go */
	struct chunk	*extra;		/* all other chunks, freed by reset */
	struct cleanup	*cleanups;	/* newest first */
	size_t		 used;		/* bytes handed out since reset */
};

/*
 * Allocate a chunk able to hold sz bytes at ARENA_ALIGN alignment,
 * whatever alignment malloc gives.  Overflow of the size arithmetic is
 * fatal, like any other failed allocation.
 */
static struct chunk *
chunk_new(size_t sz)
{
	struct chunk	*c;
	size_t		 total;
	uintptr_t	 a;

	if (__builtin_add_overflow(sz, sizeof(*c) + ARENA_ALIGN - 1, &total))
		mem_oom(SIZE_MAX);
	c = mem_alloc(total);
	a = (uintptr_t)(c + 1);
	a = (a + ARENA_ALIGN - 1) & ~(uintptr_t)(ARENA_ALIGN - 1);
	c->next = NULL;
	c->base = c->pos = (unsigned char *)a;
	c->end = c->base + sz;
	POISON(c->base, sz);
	return c;
}

static void
chunk_free(struct chunk *c)
{
	UNPOISON(c->base, (size_t)(c->end - c->base));
	mem_free(c);
}

/*
 * Create an arena whose chunks hold chunk bytes (0 means 16 KiB).  The
 * first chunk is allocated now.  Release with arena_free().
 */
struct arena *
arena_new(size_t chunk)
{
	struct arena	*a;

	if (chunk == 0)
		chunk = ARENA_DEFCHUNK;
	/* Keep the chunk size a multiple of the alignment. */
	if (__builtin_add_overflow(chunk, ARENA_ALIGN - 1, &chunk))
		mem_oom(SIZE_MAX);
	chunk &= ~(size_t)(ARENA_ALIGN - 1);

	a = mem_calloc(1, sizeof(*a));
	a->chunksz = chunk;
	a->first = a->cur = chunk_new(chunk);
	return a;
}

/*
 * Run the cleanups newest first.  A cleanup may register another; it runs
 * too, before this returns.
 */
static void
run_cleanups(struct arena *a)
{
	struct cleanup	*c;

	while ((c = a->cleanups) != NULL) {
		a->cleanups = c->next;
		c->fn(c->arg);
	}
}

/*
 * Run the cleanups, then free every chunk but the first and rewind it.
 * Every pointer the arena handed out is invalid afterwards.
 */
void
arena_reset(struct arena *a)
{
	struct chunk	*c, *next;

	run_cleanups(a);
	for (c = a->extra; c != NULL; c = next) {
		next = c->next;
		chunk_free(c);
	}
	a->extra = NULL;
	a->cur = a->first;
	a->first->pos = a->first->base;
	POISON(a->first->base, (size_t)(a->first->end - a->first->base));
	a->used = 0;
}

/* Run the cleanups and release all memory of the arena.  NULL is ignored. */
void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_reset(a);
	chunk_free(a->first);
	mem_free(a);
}

/*
 * The allocator proper: n bytes, ARENA_ALIGN aligned, never NULL.  Does not
 * count towards arena_used(), so internal records (cleanups) can use it.
 */
static void *
alloc(struct arena *a, size_t n)
{
	struct chunk	*c;
	size_t		 rounded;
	void		*p;

	if (n == 0)
		n = 1;
	if (__builtin_add_overflow(n, ARENA_ALIGN - 1, &rounded))
		mem_oom(SIZE_MAX);
	rounded &= ~(size_t)(ARENA_ALIGN - 1);

	if (rounded > a->chunksz / 4) {
		/* A chunk of its own; the current chunk stays current. */
		c = chunk_new(rounded);
		c->next = a->extra;
		a->extra = c;
	} else if (rounded <= (size_t)(a->cur->end - a->cur->pos)) {
		c = a->cur;
	} else {
		/* Start a new current chunk; the old tail is wasted. */
		c = chunk_new(a->chunksz);
		c->next = a->extra;
		a->extra = c;
		a->cur = c;
	}
	p = c->pos;
	c->pos += rounded;
	UNPOISON(p, n);
	return p;
}

/*
 * Allocate n bytes, 16-byte aligned, valid until the next arena_reset() or
 * arena_free().  The content is undefined.  Never returns NULL.
 */
void *
arena_alloc(struct arena *a, size_t n)
{
	void	*p;

	p = alloc(a, n);
	if (__builtin_add_overflow(a->used, n, &a->used))
		a->used = SIZE_MAX;
	return p;
}

/* Allocate n * size zeroed bytes; an overflowing product is fatal. */
void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	size_t	 total;
	void	*p;

	if (__builtin_mul_overflow(n, size, &total))
		mem_oom(SIZE_MAX);
	p = arena_alloc(a, total);
	memset(p, 0, total);
	return p;
}

/* Copy the C string s into the arena. */
char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

/*
 * Copy at most n bytes of s, stopping early at a NUL, into the arena and
 * terminate the copy.
 */
char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	if (len == SIZE_MAX)
		mem_oom(SIZE_MAX);
	p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/*
 * Format into the arena: measure with vsnprintf, allocate, format again.
 * A format that vsnprintf cannot render (an output longer than INT_MAX, or
 * a wide character with no multibyte form) is fatal like a failed
 * allocation, so the result is never NULL.
 */
char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n, m;
	char	*p;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		mem_oom(SIZE_MAX);
	p = arena_alloc(a, (size_t)n + 1);
	m = vsnprintf(p, (size_t)n + 1, fmt, ap);
	if (m != n)
		mem_oom((size_t)n + 1);
	return p;
}

/* As arena_vprintf(). */
char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

/*
 * Register fn(arg) to run at the next arena_reset() or arena_free(),
 * before the memory is released, newest registration first.
 */
void
arena_cleanup_add(struct arena *a, void (*fn)(void *), void *arg)
{
	struct cleanup	*c;

	c = alloc(a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

/* Bytes requested from the arena since it was created or last reset. */
size_t
arena_used(const struct arena *a)
{
	return a->used;
}
