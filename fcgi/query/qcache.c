/*
 * qcache: the documents of costly reads, kept per worker and checked
 * against the database's read marks on every use (see qcache.h).  The
 * cache is a table of query_cache_entries slots, one entry each, picked
 * by a hash of the key; a new entry replaces what its slot held.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "query.h"
#include "qcache.h"

#define QCACHE_BODY_MAX	(256 * 1024)	/* bytes of a document kept */

struct qentry {
	char		*key;		/* NULL: empty slot */
	size_t		 keylen;
	char		*body;
	size_t		 bodylen;
	char		*snap;		/* pg_snapshot text */
	struct timespec	 at;		/* CLOCK_MONOTONIC, when read */
};

/*
 * Per statement: not asked yet; cached under the caller's scope and
 * tenant; also under the tenant's market (a worker's read of open
 * shifts); never cached.
 */
enum cover { COVER_UNKNOWN = 0, COVER_ON, COVER_MARKET, COVER_OFF };

struct qcache {
	long		 seconds;
	size_t		 nslots;
	struct qentry	*slots;
	unsigned char	 cover[STMT__MAX];
};

static void
entry_clear(struct qentry *e)
{
	free(e->key);
	free(e->body);
	free(e->snap);
	memset(e, 0, sizeof(*e));
}

int
qcache_init(const struct conf *conf, void **state)
{
	struct qcache	*c;
	long long	 seconds;

	*state = NULL;
	if ((seconds = conf_int(conf, CONF_QUERY_CACHE_SECONDS)) <= 0)
		return 0;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	c->seconds = (long)seconds;
	c->nslots = (size_t)conf_int(conf, CONF_QUERY_CACHE_ENTRIES);
	if ((c->slots = calloc(c->nslots, sizeof(*c->slots))) == NULL) {
		free(c);
		goto oom;
	}
	*state = c;
	return 0;
oom:
	log_msg(LOGLV_ERROR, "cannot allocate the query cache", NULL);
	return -1;
}

void
qcache_fini(void *state)
{
	struct qcache	*c = state;
	size_t		 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++)
		entry_clear(&c->slots[i]);
	free(c->slots);
	free(c);
}

/* FNV-1a, 64 bits. */
static uint64_t
hash(const char *p, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * The key of stmt with params[0..n): the statement's number, then each
 * parameter as its length and bytes ("-" for NULL), so that no two
 * parameter lists share a key.  NULL when out of memory.
 */
static char *
make_key(struct arena *a, int stmt, size_t n, const char *const *params,
    size_t *len)
{
	char	*k, *p;
	size_t	 i, sz;

	sz = 16;
	for (i = 0; i < n; i++)
		sz += 24 + (params[i] != NULL ? strlen(params[i]) : 0);
	if ((k = arena_alloc(a, sz)) == NULL)
		return NULL;
	p = k + snprintf(k, sz, "%d;", stmt);
	for (i = 0; i < n; i++) {
		if (params[i] == NULL) {
			*p++ = '-';
			continue;
		}
		p += snprintf(p, sz - (size_t)(p - k), "%zu:", strlen(params[i]));
		memcpy(p, params[i], strlen(params[i]));
		p += strlen(params[i]);
	}
	*len = (size_t)(p - k);
	return k;
}

/* Whether entry e was read less than c->seconds ago. */
static int
fresh(const struct qcache *c, const struct qentry *e)
{
	struct timespec	 now;
	long		 ms;

	if (clock_gettime(CLOCK_MONOTONIC, &now) == -1)
		return 0;
	ms = (long)(now.tv_sec - e->at.tv_sec) * 1000 +
	    (now.tv_nsec - e->at.tv_nsec) / 1000000;
	return ms >= 0 && ms < c->seconds * 1000;
}

/*
 * The tables of stmt's plan that no trigger marks with kinds, as a text
 * in the arena ("" when none, NULL on error with *e set).
 */
static char *
uncovered(struct req *r, const char *name, const char *kinds, enum err *e)
{
	struct db_rows	*rows;
	const char	*p[2];
	char		*list;
	size_t		 i;

	p[0] = name;
	p[1] = kinds;
	if ((*e = db_exec(r->db, r->arena, STMT_CACHE_UNCOVERED, 2, p,
	    &rows)) != ERR_OK)
		return NULL;
	list = arena_strdup(r->arena, "");
	for (i = 0; i < rows->nrows && list != NULL; i++)
		list = arena_printf(r->arena, "%s%s%s", list, i ? ", " : "",
		    db_get(rows, i, 0));
	if (list == NULL)
		*e = ERR_INTERNAL;
	return list;
}

/*
 * Ask once whether every table stmt's plan reads is marked for the
 * caller's scope and tenant (and for a worker's read, failing that, also
 * for the tenant's market); a statement that is not is never cached,
 * and the log says why.
 */
static enum err
cover(struct qcache *c, struct req *r, int stmt, int staff)
{
	const char	*kinds;
	char		 name[DB_STMTNAME_MAX];
	char		*list;
	enum err	 e;

	if (db_stmt_name((size_t)stmt, name, sizeof(name)) == -1)
		return ERR_INTERNAL;
	kinds = staff ? "{staff,tenant}" : "{business,tenant}";
	if ((list = uncovered(r, name, kinds, &e)) == NULL)
		return e;
	if (list[0] == '\0') {
		c->cover[stmt] = COVER_ON;
		return ERR_OK;
	}
	if (staff) {
		kinds = "{staff,tenant,market}";
		if ((list = uncovered(r, name, kinds, &e)) == NULL)
			return e;
		if (list[0] == '\0') {
			c->cover[stmt] = COVER_MARKET;
			return ERR_OK;
		}
	}
	log_msg(LOGLV_WARN, "query cache off for a statement",
	    "stmt=%s reads tables without read marks of %s: %s", name, kinds,
	    list);
	c->cover[stmt] = COVER_OFF;
	return ERR_OK;
}

enum qcache_got
qcache_get(struct qcache *c, struct req *r, int stmt, size_t n,
    const char *const *params, int staff, struct qcache_fill *f, int *rc)
{
	struct db_rows	*rows;
	struct qentry	*e;
	const char	*p[4], *stale;
	enum err	 err;

	memset(f, 0, sizeof(*f));
	*rc = ERR_OK;
	if (c == NULL)
		return QCACHE_MISS;
	if (stmt < 0 || stmt >= STMT__MAX || n < 2) {
		*rc = ERR_INTERNAL;
		return QCACHE_ERROR;
	}
	if (c->cover[stmt] == COVER_UNKNOWN &&
	    (err = cover(c, r, stmt, staff)) != ERR_OK) {
		*rc = err;
		return QCACHE_ERROR;
	}
	if (c->cover[stmt] == COVER_OFF) {
		resp_header(r->resp, "X-Krow-Cache", "off");
		return QCACHE_MISS;
	}
	/* Out of memory for the key: answer uncached. */
	if ((f->key = make_key(r->arena, stmt, n, params, &f->keylen)) ==
	    NULL) {
		resp_header(r->resp, "X-Krow-Cache", "miss");
		return QCACHE_MISS;
	}
	f->slot = (size_t)(hash(f->key, f->keylen) % c->nslots);
	e = &c->slots[f->slot];
	if (e->key == NULL || e->keylen != f->keylen ||
	    memcmp(e->key, f->key, f->keylen) != 0 || !fresh(c, e))
		e = NULL;

	p[0] = params[1];
	p[1] = params[0];
	p[2] = e != NULL ? e->snap : NULL;
	p[3] = c->cover[stmt] == COVER_MARKET ? params[0] : NULL;
	if ((err = db_exec(r->db, r->arena, STMT_CACHE_CHECK, 4, p, &rows)) !=
	    ERR_OK) {
		f->key = NULL;
		*rc = err;
		return QCACHE_ERROR;
	}
	if (rows->nrows != 1 || rows->ncols != 2 ||
	    db_get(rows, 0, 0) == NULL) {
		log_msg(LOGLV_ERROR, "query cache check answered no snapshot",
		    NULL);
		f->key = NULL;
		*rc = ERR_INTERNAL;
		return QCACHE_ERROR;
	}
	stale = db_get(rows, 0, 1);
	if (e != NULL && stale != NULL && strcmp(stale, "f") == 0) {
		resp_json_raw(r->resp, 200, e->body, e->bodylen);
		resp_header(r->resp, "X-Krow-Cache", "hit");
		f->key = NULL;
		return QCACHE_HIT;
	}
	/* The check's snapshot: taken before the statement that follows. */
	f->snap = db_get(rows, 0, 0);
	resp_header(r->resp, "X-Krow-Cache", "miss");
	return QCACHE_MISS;
}

void
qcache_put(struct qcache *c, const struct qcache_fill *f, const char *body,
    size_t len)
{
	struct qentry	*e;

	if (c == NULL || f->key == NULL || f->snap == NULL ||
	    len > QCACHE_BODY_MAX || f->slot >= c->nslots)
		return;
	e = &c->slots[f->slot];
	entry_clear(e);
	if ((e->key = malloc(f->keylen)) == NULL ||
	    (e->body = malloc(len > 0 ? len : 1)) == NULL ||
	    (e->snap = strdup(f->snap)) == NULL ||
	    clock_gettime(CLOCK_MONOTONIC, &e->at) == -1) {
		entry_clear(e);
		return;
	}
	memcpy(e->key, f->key, f->keylen);
	e->keylen = f->keylen;
	memcpy(e->body, body, len);
	e->bodylen = len;
}
