/*
 * mem: the process allocator.  Policy, stated once: these functions never
 * return NULL.  On exhaustion they log one line and abort(); the pool
 * supervisor (multiwatch) replaces the worker.  Third-party allocations
 * (json-c, libpq, libcurl, OpenSSL) are NOT covered and are checked where
 * they are called.
 */
#ifndef KROW_MEM_H
#define KROW_MEM_H

#include <stddef.h>

void	*mem_alloc(size_t);
void	*mem_calloc(size_t n, size_t size);	/* overflow-checked */
void	*mem_realloc(void *, size_t);
char	*mem_strdup(const char *);
char	*mem_strndup(const char *, size_t);
void	 mem_free(void *);			/* accepts NULL */
void	 mem_oom(size_t) __attribute__((noreturn));

#endif
