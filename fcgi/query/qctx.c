/*
 * qctx: the parameters of one read on their way to its statement, shared
 * by the client, staff and operator reads of krow-query.  A handler calls
 * qctx_begin() (identity and allowed query keys), pushes the values its
 * statement takes with the qctx_* parsers (each records a bad field
 * instead of failing at once, so that one 400 names every bad field),
 * then qctx_finish() (400, or run the statement and answer its one JSON
 * text, or 404), and returns through qctx_release().
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "resp.h"
#include "uuid.h"
#include "valid.h"
#include "qcache.h"
#include "qctx.h"
#include "qrows.h"

#define LIMIT_DEFAULT	50
#define LIMIT_MAX	200
#define RANGE_DAYS_MAX	366	/* when there is no configuration */
#define CURSOR_MAX	1024	/* bytes of an encoded cursor */
#define CURSOR_KEYS	4	/* sort key members at most */
#define SEARCH_MAX	100	/* characters of a search text */

/* Note that field is bad (the first reason per field is kept). */
void
qctx_bad(struct qctx *q, const char *field, const char *why)
{
	struct json_object	*s;

	if (q->details == NULL &&
	    (q->details = json_object_new_object()) == NULL)
		return;		/* the envelope goes out without details */
	if (json_object_object_get_ex(q->details, field, NULL))
		return;
	if ((s = json_object_new_string(why)) == NULL)
		return;
	if (json_object_object_add(q->details, field, s) != 0)
		json_object_put(s);
}

void
qctx_push(struct qctx *q, const char *v)
{
	if (q->n < QCTX_NPARAMS)
		q->params[q->n++] = v;
}

/*
 * Start a read: the identity must be complete for the scope (nginx always
 * sends it; anything else is a misconfigured gateway and is refused as
 * unauthenticated), and every query key must be one of allowed
 * (NULL-terminated) and given once.  Pushes $1 the caller's tenant, $2
 * the business (QCTX_CLIENT), the staff id (QCTX_STAFF) or the path's
 * tenantId (QCTX_ADMIN), $3 the user.  Returns ERR_OK, or the error
 * already recorded with req_fail().
 */
int
qctx_begin(struct req *r, struct qctx *q, const char *const *allowed,
    enum qctx_scope scope)
{
	const char	*id;
	size_t		 i, j, k;

	memset(q, 0, sizeof(*q));
	q->r = r;
	q->scope = (int)scope;
	id = scope == QCTX_CLIENT ? r->id.business_id :
	    scope == QCTX_STAFF ? r->id.staff_id : r->id.tenant_id;
	if (r->id.user_id == NULL || r->id.tenant_id == NULL || id == NULL ||
	    !uuid_valid(r->id.user_id) || !uuid_valid(r->id.tenant_id) ||
	    !uuid_valid(id))
		return req_fail(r, ERR_UNAUTH, "the identity is incomplete",
		    NULL);
	if (r->db == NULL)
		return req_fail(r, ERR_UPSTREAM, NULL, NULL);
	for (i = 0; i < r->nqs; i++) {
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(r->qs[i].key, allowed[k]) == 0)
				break;
		if (allowed[k] == NULL) {
			qctx_bad(q, r->qs[i].key[0] != '\0' ? r->qs[i].key :
			    "(empty)", "is not a parameter of this route");
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(r->qs[j].key, r->qs[i].key) == 0)
				qctx_bad(q, r->qs[i].key, "must be given once");
	}
	qctx_push(q, r->id.tenant_id);
	if (scope == QCTX_ADMIN)
		qctx_path_uuid(q, "tenantId");
	else
		qctx_push(q, id);
	qctx_push(q, r->id.user_id);
	return ERR_OK;
}

/* A path id: a UUID, else a bad field.  Pushes it (or NULL). */
void
qctx_path_uuid(struct qctx *q, const char *name)
{
	const char	*v;

	v = req_param(q->r, name);
	if (v == NULL || !uuid_valid(v)) {
		qctx_bad(q, name, "must be a UUID");
		v = NULL;
	}
	qctx_push(q, v);
}

/* An optional UUID query parameter.  Pushes it or NULL. */
void
qctx_opt_uuid(struct qctx *q, const char *name)
{
	const char	*v;

	if ((v = req_query(q->r, name)) != NULL && !uuid_valid(v)) {
		qctx_bad(q, name, "must be a UUID");
		v = NULL;
	}
	qctx_push(q, v);
}

/* 1 when v is one of the '|'-separated words of list. */
static int
one_of(const char *list, const char *v, size_t len)
{
	const char	*p, *e;

	for (p = list; *p != '\0'; p = *e == '|' ? e + 1 : e) {
		if ((e = strchr(p, '|')) == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && strncmp(p, v, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * An optional enum: one word of list, or (multi) a comma-separated list
 * of them; def when absent.  Pushes the value (a comma list for multi).
 */
void
qctx_opt_enum(struct qctx *q, const char *name, const char *list, int multi,
    const char *def)
{
	const char	*v, *p, *e;
	char		*msg;

	if ((v = req_query(q->r, name)) == NULL) {
		qctx_push(q, def);
		return;
	}
	for (p = v; ; p = e + 1) {
		if ((e = strchr(p, ',')) == NULL || !multi)
			e = p + strlen(p);
		if (!one_of(list, p, (size_t)(e - p))) {
			msg = arena_printf(q->r->arena, "must be %s%s",
			    multi ? "a comma-separated list of " : "one of ",
			    list);
			qctx_bad(q, name, msg);
			qctx_push(q, def);
			return;
		}
		if (*e == '\0')
			break;
	}
	qctx_push(q, v);
}

/* limit: 1..LIMIT_MAX, default LIMIT_DEFAULT.  Pushes it. */
void
qctx_page_limit(struct qctx *q)
{
	const char	*v;
	char		*end;
	long		 n;

	q->limit = LIMIT_DEFAULT;
	if ((v = req_query(q->r, "limit")) == NULL) {
		qctx_push(q, arena_printf(q->r->arena, "%d", LIMIT_DEFAULT));
		return;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || errno != 0 || *end != '\0' ||
	    n < 1 || n > LIMIT_MAX) {
		qctx_bad(q, "limit", "must be an integer from 1 to 200");
		n = LIMIT_DEFAULT;
	}
	q->limit = n;
	qctx_push(q, arena_printf(q->r->arena, "%ld", n));
}

/*
 * cursor: base64url of a JSON array of strings, one per character of
 * kinds: 's' any text, 'u' UUID, 'd' YYYY-MM-DD, 't' RFC 3339, 'i' an
 * integer.  Pushes one parameter per key (all NULL without a cursor).
 */
void
qctx_page_cursor(struct qctx *q, const char *kinds)
{
	struct json_tokener	*tok = NULL;
	struct json_object	*a = NULL, *e;
	struct buf		 raw;
	const char		*v, *s;
	const char		*keys[CURSOR_KEYS];
	size_t			 nk, i, len;
	int			 ok = 0;

	nk = strlen(kinds);
	for (i = 0; i < nk && i < CURSOR_KEYS; i++)
		keys[i] = NULL;
	buf_init(&raw);
	if ((v = req_query(q->r, "cursor")) == NULL) {
		ok = 1;
		goto out;
	}
	len = strlen(v);
	if (len == 0 || len > CURSOR_MAX ||
	    b64url_decode(&raw, v, len) == -1 || raw.len == 0 ||
	    !valid_utf8(raw.p, raw.len) || raw.len > 0x7fffffff)
		goto out;
	if ((tok = json_tokener_new()) == NULL)
		goto out;
	a = json_tokener_parse_ex(tok, raw.p, (int)raw.len);
	if (a == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != raw.len ||
	    !json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) != nk)
		goto out;
	for (i = 0; i < nk && i < CURSOR_KEYS; i++) {
		e = json_object_array_get_idx(a, i);
		if (!json_object_is_type(e, json_type_string))
			goto out;
		s = json_object_get_string(e);
		len = (size_t)json_object_get_string_len(e);
		if (strlen(s) != len ||
		    (kinds[i] == 'u' && !uuid_valid(s)) ||
		    (kinds[i] == 'd' && !valid_date(s, len)) ||
		    (kinds[i] == 't' && !valid_timestamp(s, len)) ||
		    (kinds[i] == 'i' && (len == 0 || len > 18 ||
		    strspn(s, "-0123456789") != len)))
			goto out;
		keys[i] = arena_strndup(q->r->arena, s, len);
	}
	ok = 1;
out:
	if (!ok) {
		qctx_bad(q, "cursor", "is not a cursor of this list");
		for (i = 0; i < nk && i < CURSOR_KEYS; i++)
			keys[i] = NULL;
	}
	for (i = 0; i < nk && i < CURSOR_KEYS; i++)
		qctx_push(q, keys[i]);
	if (a != NULL)
		json_object_put(a);
	if (tok != NULL)
		json_tokener_free(tok);
	buf_cleanup(&raw);
}

int
qctx_range_days_max(const struct req *r)
{
	if (r->conf != NULL)
		return (int)conf_int(r->conf, CONF_QUERY_MAX_RANGE_DAYS);
	return RANGE_DAYS_MAX;
}

/*
 * Seconds since the epoch of a date (its midnight UTC) or an RFC 3339
 * timestamp, both already checked.
 */
static long long
epoch_of(const char *s, size_t len)
{
	struct tm	 tm;
	long long	 t;
	int		 off = 0;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	if (len > 10) {
		tm.tm_hour = atoi(s + 11);
		tm.tm_min = atoi(s + 14);
		tm.tm_sec = atoi(s + 17);
		if (s[len - 1] != 'Z' && s[len - 1] != 'z') {
			off = atoi(s + len - 5) * 3600 +
			    atoi(s + len - 2) * 60;
			if (s[len - 6] == '-')
				off = -off;
		}
	}
	t = (long long)timegm(&tm);
	return t - off;
}

/* YYYY-MM-DD of the day t (seconds) plus days. */
static char *
day_text(struct arena *a, long long t, long days)
{
	struct tm	 tm;
	time_t		 tt;

	tt = (time_t)(t + (long long)days * 86400);
	if (gmtime_r(&tt, &tm) == NULL)
		return arena_strdup(a, "1970-01-01");
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

/* Whether v is a date, or with QCTX_INSTANTS an RFC 3339 instant. */
static int
range_end_ok(const char *v, size_t len, unsigned flags)
{
	if (len == 10)
		return valid_date(v, len);
	return (flags & QCTX_INSTANTS) && valid_timestamp(v, len);
}

void
qctx_range(struct qctx *q, unsigned flags, int span)
{
	const char	*f, *t, *why;
	size_t		 fl = 0, tl = 0;
	long long	 fe, te;
	int		 ok = 1, max;

	why = flags & QCTX_INSTANTS ? "must be a date (YYYY-MM-DD) or an "
	    "RFC 3339 timestamp" : "must be a date (YYYY-MM-DD)";
	f = req_query(q->r, "from");
	t = req_query(q->r, "to");
	if (f != NULL && !range_end_ok(f, fl = strlen(f), flags)) {
		qctx_bad(q, "from", why);
		ok = 0;
	}
	if (t != NULL && !range_end_ok(t, tl = strlen(t), flags)) {
		qctx_bad(q, "to", why);
		ok = 0;
	}
	if (!ok) {
		qctx_push(q, NULL);
		qctx_push(q, NULL);
		return;
	}
	if (f == NULL && t == NULL && (flags & QCTX_TODAY)) {
		t = day_text(q->r->arena, (long long)time(NULL), 0);
		tl = 10;
	}
	if (span > 0 && f != NULL && t == NULL) {
		t = day_text(q->r->arena, epoch_of(f, 10), span - 1);
		tl = 10;
	} else if (span > 0 && t != NULL && f == NULL) {
		f = day_text(q->r->arena, epoch_of(t, 10), -(span - 1));
		fl = 10;
	}
	if (f != NULL && t != NULL) {
		fe = epoch_of(f, fl);
		te = epoch_of(t, tl);
		max = qctx_range_days_max(q->r);
		if (fe > te)
			qctx_bad(q, "to", "must not be before from");
		else if ((te - fe) / 86400 + (tl == 10 ? 1 : 0) > max)
			qctx_bad(q, "to", arena_printf(q->r->arena,
			    "must be at most %d days after from", max));
	}
	qctx_push(q, f);
	qctx_push(q, t);
}

void
qctx_search(struct qctx *q)
{
	const char	*v;
	size_t		 len, i, chars;

	if ((v = req_query(q->r, "q")) != NULL) {
		len = strlen(v);
		for (i = 0, chars = 0; i < len; i++)
			if (((unsigned char)v[i] & 0xc0) != 0x80)
				chars++;
		if (chars == 0 || chars > SEARCH_MAX || !valid_utf8(v, len)) {
			qctx_bad(q, "q", "must be 1 to 100 characters");
			v = NULL;
		}
	}
	qctx_push(q, v);
}

/*
 * Finish: a bad field gives the 400 envelope; otherwise run stmt with
 * the pushed parameters.  A document read (item NULL) answers the one
 * JSON text of its one row, where no row or NULL means an id that the
 * caller cannot see: 404 with notfound.  A rows read answers the list
 * that qrows writes of its rows.  cached: through the query cache.
 */
static int
finish(struct qctx *q, int stmt, const char *notfound,
    const struct qcol *head, const struct qcol *item, int cached)
{
	struct qcache_fill	 fill;
	struct db_rows		*rows = NULL;
	const char		*json;
	size_t			 len;
	int			 rc;

	if (q->details != NULL) {
		rc = req_fail(q->r, ERR_INVAL, "a query parameter is invalid",
		    q->details);
		q->details = NULL;
		return rc;
	}
	memset(&fill, 0, sizeof(fill));
	if (cached && q->scope != QCTX_ADMIN) {
		switch (qcache_get(q->r->app, q->r, stmt, q->n, q->params,
		    q->scope == QCTX_STAFF, &fill, &rc)) {
		case QCACHE_HIT:
			return ERR_OK;
		case QCACHE_ERROR:
			return rc;
		case QCACHE_MISS:
			break;
		}
	}
	rc = db_exec(q->r->db, q->r->arena, stmt, q->n, q->params, &rows);
	if (rc != ERR_OK)
		return rc;
	if (item != NULL) {
		rc = qrows_answer(q->r, rows, head, item, q->limit, notfound);
		if (rc == ERR_OK && q->r->resp->status == 200)
			qcache_put(q->r->app, &fill, q->r->resp->body.p,
			    q->r->resp->body.len);
		return rc;
	}
	if (rows == NULL || rows->nrows == 0 || rows->ncols != 1 ||
	    (json = db_get(rows, 0, 0)) == NULL)
		return req_fail(q->r, ERR_NOTFOUND, notfound, NULL);
	len = strlen(json);
	resp_json_raw(q->r->resp, 200, json, len);
	qcache_put(q->r->app, &fill, json, len);
	return ERR_OK;
}

int
qctx_finish(struct qctx *q, int stmt, const char *notfound)
{
	return finish(q, stmt, notfound, NULL, NULL, 0);
}

/*
 * The single exit of a handler: release the details that were not handed
 * to req_fail() (a handler that stopped early) and return rc.
 */
int
qctx_release(struct qctx *q, int rc)
{
	if (q->details != NULL)
		json_object_put(q->details);
	q->details = NULL;
	return rc;
}

/*
 * The handler of a read given as data: the query keys its entries read,
 * each entry's parameters, the statement; the document it returns, or
 * with item the list that qrows writes of its rows.
 */
static int
run(struct req *r, const struct qctx_read *rd, const struct qcol *head,
    const struct qcol *item)
{
	const struct qctx_param	*p;
	const char		*keys[2 * QCTX_READ_MAXP + 1];
	struct qctx		 q;
	size_t			 i, nk = 0;
	int			 rc;

	for (i = 0; i < QCTX_READ_MAXP && rd->p[i].kind != QCTX_END; i++) {
		p = &rd->p[i];
		if (p->kind == QCTX_UUID || p->kind == QCTX_ENUM ||
		    p->kind == QCTX_ENUMS || p->kind == QCTX_SEARCH)
			keys[nk++] = p->name;
		else if (p->kind == QCTX_RANGE) {
			keys[nk++] = "from";
			keys[nk++] = "to";
		} else if (p->kind == QCTX_PAGE) {
			keys[nk++] = "limit";
			keys[nk++] = "cursor";
		}
	}
	keys[nk] = NULL;
	if ((rc = qctx_begin(r, &q, keys, rd->scope)) != ERR_OK)
		goto out;
	for (i = 0; i < QCTX_READ_MAXP && rd->p[i].kind != QCTX_END; i++) {
		p = &rd->p[i];
		switch (p->kind) {
		case QCTX_PATH:
			qctx_path_uuid(&q, p->name);
			break;
		case QCTX_UUID:
			qctx_opt_uuid(&q, p->name);
			break;
		case QCTX_ENUM:
		case QCTX_ENUMS:
			qctx_opt_enum(&q, p->name, p->list,
			    p->kind == QCTX_ENUMS, p->def);
			break;
		case QCTX_RANGE:
			qctx_range(&q, p->flags, p->n);
			break;
		case QCTX_SEARCH:
			qctx_search(&q);
			break;
		case QCTX_PAGE:
			qctx_page_limit(&q);
			qctx_page_cursor(&q, p->list);
			break;
		case QCTX_SETTING:
			qctx_push(&q, r->conf == NULL ? p->def :
			    arena_printf(r->arena, "%lld",
			    conf_int(r->conf, (enum conf_key)p->n)));
			break;
		case QCTX_END:
			break;
		}
	}
	rc = finish(&q, rd->stmt, rd->notfound, head, item,
	    r->route != NULL && (r->route->flags & ROUTE_CACHED));
out:
	return qctx_release(&q, rc);
}

int
qctx_read(struct req *r, const struct qctx_read *rd)
{
	return run(r, rd, NULL, NULL);
}

int
qctx_rows(struct req *r, const struct qctx_read *rd, const struct qcol *head,
    const struct qcol *item)
{
	return run(r, rd, head, item);
}
