/*
 * mem: the process allocator.  See mem.h for the policy: nothing here
 * returns NULL; running out of memory is fatal for the worker, which the
 * pool supervisor replaces.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"

/*
 * Report that an allocation of sz bytes failed and abort().  The line is
 * written with one write(2) to stderr, not through log_, because the log
 * module allocates and we may be here because it could not.
 */
void
mem_oom(size_t sz)
{
	char	 line[128];
	int	 n;
	ssize_t	 w;

	n = snprintf(line, sizeof(line),
	    "{\"level\":\"error\",\"pid\":%ld,\"msg\":\"out of memory\","
	    "\"detail\":\"allocation of %zu bytes failed\"}\n",
	    (long)getpid(), sz);
	if (n > 0 && (size_t)n < sizeof(line)) {
		w = write(STDERR_FILENO, line, (size_t)n);
		(void)w;
	}
	abort();
}

/*
 * Allocate sz bytes (at least one byte, so that malloc(0) never yields a
 * NULL that looks like failure).  Never returns NULL.
 */
void *
mem_alloc(size_t sz)
{
	void	*p;

	if ((p = malloc(sz == 0 ? 1 : sz)) == NULL)
		mem_oom(sz);
	return p;
}

/*
 * Allocate n * size zeroed bytes.  A product that overflows size_t is
 * treated as out of memory (it is a bug in the caller or hostile input that
 * escaped a bound); never returns NULL.
 */
void *
mem_calloc(size_t n, size_t size)
{
	void	*p;
	size_t	 total;

	if (__builtin_mul_overflow(n, size, &total))
		mem_oom(SIZE_MAX);
	if (total == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		mem_oom(total);
	return p;
}

/*
 * Resize p (which may be NULL) to sz bytes.  On success the old pointer is
 * invalid.  Never returns NULL.
 */
void *
mem_realloc(void *p, size_t sz)
{
	void	*np;

	if ((np = realloc(p, sz == 0 ? 1 : sz)) == NULL)
		mem_oom(sz);
	return np;
}

/* Copy the C string s; the caller frees the copy with mem_free(). */
char *
mem_strdup(const char *s)
{
	return mem_strndup(s, strlen(s));
}

/*
 * Copy at most n bytes of s (stopping early at a NUL) and terminate the
 * copy.  The caller frees it with mem_free().
 */
char *
mem_strndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	if (len == SIZE_MAX)
		mem_oom(SIZE_MAX);
	p = mem_alloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Release memory from mem_alloc() and friends; NULL is ignored. */
void
mem_free(void *p)
{
	free(p);
}
