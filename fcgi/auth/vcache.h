/*
 * vcache: the verify cache of one krow-auth process.  nginx asks
 * /_auth/verify about every protected request; a token seen a moment ago
 * is answered from here, with no signature check and no database round
 * trip.
 *
 * An entry maps the SHA-256 of a token (the token itself is not kept) to
 * the identity its user lookup gave: a few strings, copied in.  A hit is
 * valid only while now < the token's exp and now < the time it was cached
 * + the cache's lifetime (auth_cache_seconds).  The cache has a fixed
 * number of slots (4-way set-associative, the oldest of a set replaced):
 * memory is bounded and a hit allocates nothing.
 *
 * Revocation: vcache_revoke() drops the uid's entries of this process at
 * once and bumps the uid's generation in a table shared, through POSIX
 * shared memory, by every process that opens the cache with the same
 * name (the krow-auth processes of one host and one database).  An entry
 * records the generation read before its user lookup began
 * (vcache_gen()); a hit whose generation is no longer current is a miss.
 * So a sign-out is seen at once by every process of the host; only other
 * hosts, and changes that do not go through vcache_revoke() (an account
 * disabled by another program), wait for the lifetime to run out.
 *
 * Not thread-safe: a FastCGI worker runs one request at a time.
 */
#ifndef KROW_VCACHE_H
#define KROW_VCACHE_H

#include <stddef.h>

#define VCACHE_KEYLEN	32		/* SHA-256 */
#define VCACHE_NFIELDS	12		/* strings per entry */
#define VCACHE_DATAMAX	1536		/* bytes of strings */
#define VCACHE_NGENS	4096		/* revocation generations */

struct vcache;

/* What a hit gives: the strings (NULL when absent) point into data. */
struct vcache_val {
	const char	*f[VCACHE_NFIELDS];
	long long	 exp_ms;	/* the token's exp */
	char		 data[VCACHE_DATAMAX];
};

/*
 * A cache of about nslots entries (rounded up to a power of two, at least
 * 4) whose hits live seconds (0: a cache that never hits, but whose
 * vcache_revoke() still reaches the others).  shared names the POSIX
 * shared memory object ("/krow-...") of the revocation generations; NULL,
 * or when it cannot be opened (logged as a warning), the generations are
 * private to this process.  NULL when the digest cannot be set up
 * (logged).  Pair: vcache_free().
 */
struct vcache	*vcache_new(size_t nslots, long long seconds,
		    const char *shared);
void		 vcache_free(struct vcache *);	/* accepts NULL */

/* 1 when the generations are shared with other processes. */
int		 vcache_shared(const struct vcache *);

/* The cache key of a token: SHA-256 of token[0..len).  0 or -1. */
int		 vcache_key(struct vcache *, const char *token, size_t len,
		    unsigned char key[VCACHE_KEYLEN]);

/* The current generation of uid; read it before the user lookup whose
 * result vcache_put() will store. */
unsigned	 vcache_gen(const struct vcache *, const char *uid);

/*
 * Find key.  1 with out filled when a valid entry is there (now_ms:
 * milliseconds since the epoch); 0 otherwise (an entry found stale is
 * dropped).
 */
int		 vcache_get(struct vcache *, const unsigned char *key,
		    long long now_ms, struct vcache_val *out);

/*
 * Store fields[0..n) (n <= VCACHE_NFIELDS; NULL entries are absent) under
 * key for uid, whose generation was gen before the lookup; exp is the
 * token's exp (seconds).  Nothing is stored when the cache is disabled,
 * the token expires now, or the strings do not fit in VCACHE_DATAMAX.
 * Returns 1 when stored, else 0.
 */
int		 vcache_put(struct vcache *, const unsigned char *key,
		    const char *uid, unsigned gen, long long exp,
		    long long now_ms, const char *const *fields, size_t n);

/* Drop uid's entries here and make every process's entries of uid
 * stale.  Call it after the revocation is committed. */
void		 vcache_revoke(struct vcache *, const char *uid);

/* Valid entries now (tests, statistics). */
size_t		 vcache_count(const struct vcache *, long long now_ms);

#endif
