/*
 * qcache: a query worker's cache of the documents of its costly reads
 * (the aggregates: dashboards, coverage stats, billing), checked against
 * the database's read marks (sql/migrations/0022_read_marks.sql) on
 * every use, so that a write that committed before a read started is
 * always seen by it.
 *
 * A read is cached under its statement and every parameter (the
 * caller's tenant, business or staff id and user id among them), with
 * the snapshot of the database taken just before its statement ran.
 * Each use costs one round trip (STMT_CACHE_CHECK): the entry answers
 * when it is younger than query_cache_seconds, its snapshot is not
 * below the marks' floor, and no transaction it did not see marked the
 * caller's business (or worker) or tenant, or for a worker's read of
 * open shifts the tenant's market.  The same round trip gives
 * the snapshot of a new entry.  query_cache_seconds also bounds how
 * long a document may lag the clock (an "upcoming" shift that started,
 * the minutes of work in progress).
 *
 * A statement is cached only when every table its plan reads is marked
 * for the read's scope kinds (krow_read_marks_uncovered(), asked once
 * per statement and process: the caller's scope and tenant, for a
 * worker's read failing that with the market); otherwise it logs why
 * and is never cached.  Answers carry "X-Krow-Cache: hit", "miss" or "off".
 */
#ifndef KROW_QCACHE_H
#define KROW_QCACHE_H

#include <stddef.h>

struct conf;
struct req;

struct qcache;

/* What qcache_get() found. */
enum qcache_got {
	QCACHE_ERROR = -1,	/* the check failed: *rc holds the error */
	QCACHE_MISS = 0,	/* run the statement, then qcache_put() */
	QCACHE_HIT = 1		/* the response is set */
};

/* A miss to fill: where the answer goes, under which key and snapshot. */
struct qcache_fill {
	size_t		 slot;
	char		*key;		/* arena; NULL: do not keep */
	size_t		 keylen;
	const char	*snap;		/* arena */
};

/*
 * The program state of krow-query (struct app .init/.fini): a cache
 * sized by query_cache_entries, or *state NULL when query_cache_seconds
 * is 0.  -1 when out of memory.
 */
int	qcache_init(const struct conf *, void **state);
void	qcache_fini(void *state);

/*
 * Look statement stmt with params[0..n) up (params[0] the tenant,
 * params[1] the business, or with staff the staff id).  c NULL: the
 * cache is off (QCACHE_MISS, nothing to keep).
 */
enum qcache_got	qcache_get(struct qcache *c, struct req *, int stmt, size_t n,
		    const char *const *params, int staff,
		    struct qcache_fill *, int *rc);
/* Keep the document body[0..len) of a miss (a copy; dropped when out of
 * memory or too big). */
void		qcache_put(struct qcache *c, const struct qcache_fill *,
		    const char *body, size_t len);

#endif
