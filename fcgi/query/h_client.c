/*
 * Client read models: the screens of the client app.  Each handler checks
 * its query parameters, then runs one prepared statement (main.c) that
 * builds the whole JSON document in PostgreSQL; the text is copied into
 * the response as it is.
 *
 * Rules every route follows (ARCHITECTURE.md sections 5 and 10):
 *   - the business and tenant come from the identity params only ($1
 *     tenant, $2 business, $3 user of every statement); a client user
 *     whose role is "manager" sees only the hubs it manages;
 *   - an id of another business (or of a hub the manager does not see)
 *     answers 404 exactly like an id that does not exist;
 *   - lists are {"items": [...], "nextCursor": "..."|null} with limit
 *     (1..200, default 50) and an opaque cursor (base64url of the JSON
 *     array of the last item's sort key), in a stable order;
 *   - from/to are YYYY-MM-DD (a day in the hub's time zone) or RFC 3339
 *     instants, from <= to, at most query_max_range_days apart;
 *   - unknown, repeated or malformed parameters are a 400
 *     VALIDATION_ERROR whose details name each bad field.
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
#include "query.h"

#define LIMIT_DEFAULT	50
#define LIMIT_MAX	200
#define RANGE_DAYS_MAX	366	/* when query_max_range_days is not set */
#define CURSOR_MAX	1024	/* bytes of an encoded cursor */
#define CURSOR_KEYS	4	/* sort key members at most */
#define NPARAMS		16

/* One request's parameters on their way to the statement. */
struct qctx {
	struct req		*r;
	struct json_object	*details;	/* bad fields; NULL: none */
	const char		*params[NPARAMS];
	size_t			 n;
};

/* Note that field is bad (the first reason per field is kept). */
static void
bad(struct qctx *q, const char *field, const char *why)
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

static void
push(struct qctx *q, const char *v)
{
	if (q->n < NPARAMS)
		q->params[q->n++] = v;
}

/*
 * Start: the identity must be complete (nginx always sends it; anything
 * else is a misconfigured gateway and is refused as unauthenticated),
 * and every query key must be one of allowed (NULL-terminated) and given
 * once.  Pushes $1 tenant, $2 business, $3 user.  Returns ERR_OK, or the
 * error already recorded with req_fail().
 */
static int
begin(struct req *r, struct qctx *q, const char *const *allowed)
{
	size_t	 i, j, k;

	memset(q, 0, sizeof(*q));
	q->r = r;
	if (r->id.user_id == NULL || r->id.tenant_id == NULL ||
	    r->id.business_id == NULL || !uuid_valid(r->id.user_id) ||
	    !uuid_valid(r->id.tenant_id) || !uuid_valid(r->id.business_id))
		return req_fail(r, ERR_UNAUTH, "the identity is incomplete",
		    NULL);
	if (r->db == NULL)
		return req_fail(r, ERR_UPSTREAM, NULL, NULL);
	for (i = 0; i < r->nqs; i++) {
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(r->qs[i].key, allowed[k]) == 0)
				break;
		if (allowed[k] == NULL) {
			bad(q, r->qs[i].key[0] != '\0' ? r->qs[i].key :
			    "(empty)", "is not a parameter of this route");
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(r->qs[j].key, r->qs[i].key) == 0)
				bad(q, r->qs[i].key, "must be given once");
	}
	push(q, r->id.tenant_id);
	push(q, r->id.business_id);
	push(q, r->id.user_id);
	return ERR_OK;
}

/* A path id: a UUID, else a bad field.  Pushes it (or NULL). */
static void
path_uuid(struct qctx *q, const char *name)
{
	const char	*v;

	v = req_param(q->r, name);
	if (v == NULL || !uuid_valid(v)) {
		bad(q, name, "must be a UUID");
		v = NULL;
	}
	push(q, v);
}

/* An optional UUID query parameter.  Pushes it or NULL. */
static void
opt_uuid(struct qctx *q, const char *name)
{
	const char	*v;

	if ((v = req_query(q->r, name)) != NULL && !uuid_valid(v)) {
		bad(q, name, "must be a UUID");
		v = NULL;
	}
	push(q, v);
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
static void
opt_enum(struct qctx *q, const char *name, const char *list, int multi,
    const char *def)
{
	const char	*v, *p, *e;
	char		*msg;

	if ((v = req_query(q->r, name)) == NULL) {
		push(q, def);
		return;
	}
	for (p = v; ; p = e + 1) {
		if ((e = strchr(p, ',')) == NULL || !multi)
			e = p + strlen(p);
		if (!one_of(list, p, (size_t)(e - p))) {
			msg = arena_printf(q->r->arena, "must be %s%s",
			    multi ? "a comma-separated list of " : "one of ",
			    list);
			bad(q, name, msg);
			push(q, def);
			return;
		}
		if (*e == '\0')
			break;
	}
	push(q, v);
}

/* limit: 1..LIMIT_MAX, default LIMIT_DEFAULT.  Pushes it. */
static void
page_limit(struct qctx *q)
{
	const char	*v;
	char		*end;
	long		 n;

	if ((v = req_query(q->r, "limit")) == NULL) {
		push(q, arena_printf(q->r->arena, "%d", LIMIT_DEFAULT));
		return;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || errno != 0 || *end != '\0' ||
	    n < 1 || n > LIMIT_MAX) {
		bad(q, "limit", "must be an integer from 1 to 200");
		n = LIMIT_DEFAULT;
	}
	push(q, arena_printf(q->r->arena, "%ld", n));
}

/*
 * cursor: base64url of a JSON array of strings, one per character of
 * kinds: 's' any text, 'u' UUID, 'd' YYYY-MM-DD, 't' RFC 3339, 'i' an
 * integer.  Pushes one parameter per key (all NULL without a cursor).
 */
static void
page_cursor(struct qctx *q, const char *kinds)
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
		bad(q, "cursor", "is not a cursor of this list");
		for (i = 0; i < nk && i < CURSOR_KEYS; i++)
			keys[i] = NULL;
	}
	for (i = 0; i < nk && i < CURSOR_KEYS; i++)
		push(q, keys[i]);
	if (a != NULL)
		json_object_put(a);
	if (tok != NULL)
		json_tokener_free(tok);
	buf_cleanup(&raw);
}

/*
 * Seconds since the epoch of a date (its midnight UTC) or an RFC 3339
 * timestamp (already checked by valid_date/valid_timestamp).
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

/* YYYY-MM-DD of the date d plus days. */
static char *
date_add(struct arena *a, const char *d, long days)
{
	struct tm	 tm;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(d) - 1900;
	tm.tm_mon = atoi(d + 5) - 1;
	tm.tm_mday = atoi(d + 8) + (int)days;
	tm.tm_hour = 12;
	t = timegm(&tm);
	if (gmtime_r(&t, &tm) == NULL)
		return arena_strdup(a, d);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

static int
range_days_max(const struct req *r)
{
	if (r->conf != NULL)
		return (int)conf_int(r->conf, CONF_QUERY_MAX_RANGE_DAYS);
	return RANGE_DAYS_MAX;
}

/*
 * from/to: each a YYYY-MM-DD or an RFC 3339 timestamp.  Both absent:
 * both NULL (the statement uses its default, in each hub's zone).  One
 * absent: a date span days long from (or to) the other.  Checks from <=
 * to and the span.  Pushes from, to.
 */
static void
range(struct qctx *q, long span)
{
	const char	*f, *t;
	size_t		 fl = 0, tl = 0;
	long long	 fe, te;
	int		 fok = 1, tok = 1, max;

	f = req_query(q->r, "from");
	t = req_query(q->r, "to");
	if (f != NULL) {
		fl = strlen(f);
		if (!(fl == 10 ? valid_date(f, fl) : valid_timestamp(f, fl))) {
			bad(q, "from", "must be a date (YYYY-MM-DD) or an "
			    "RFC 3339 timestamp");
			fok = 0;
		}
	}
	if (t != NULL) {
		tl = strlen(t);
		if (!(tl == 10 ? valid_date(t, tl) : valid_timestamp(t, tl))) {
			bad(q, "to", "must be a date (YYYY-MM-DD) or an "
			    "RFC 3339 timestamp");
			tok = 0;
		}
	}
	if (!fok || !tok) {
		push(q, NULL);
		push(q, NULL);
		return;
	}
	if (f != NULL && t == NULL) {
		t = date_add(q->r->arena, f, span - 1);
		tl = 10;
	} else if (t != NULL && f == NULL) {
		f = date_add(q->r->arena, t, -(span - 1));
		fl = 10;
	}
	if (f != NULL) {
		fe = epoch_of(f, fl);
		te = epoch_of(t, tl);
		max = range_days_max(q->r);
		if (fe > te)
			bad(q, "to", "must not be before from");
		else if ((te - fe) / 86400 + (tl == 10 ? 1 : 0) > max)
			bad(q, "to", arena_printf(q->r->arena,
			    "must be at most %d days after from", max));
	}
	push(q, f);
	push(q, t);
}

/*
 * Finish: a bad field gives the 400 envelope; otherwise run stmt with
 * the pushed parameters and answer its one JSON text.  No row or NULL
 * means an id that the caller cannot see: 404 with notfound.
 */
static int
finish(struct qctx *q, enum stmt stmt, const char *notfound)
{
	struct db_rows	*rows = NULL;
	const char	*json;
	int		 rc;

	if (q->details != NULL) {
		rc = req_fail(q->r, ERR_INVAL, "a query parameter is invalid",
		    q->details);
		q->details = NULL;
		return rc;
	}
	rc = db_exec(q->r->db, q->r->arena, stmt, q->n, q->params, &rows);
	if (rc != ERR_OK)
		return rc;
	if (rows == NULL || rows->nrows == 0 || rows->ncols != 1 ||
	    (json = db_get(rows, 0, 0)) == NULL)
		return req_fail(q->r, ERR_NOTFOUND, notfound, NULL);
	resp_json_raw(q->r->resp, 200, json, strlen(json));
	return ERR_OK;
}

/*
 * The single exit of a handler: release the details that were not handed
 * to req_fail() (a handler that stopped early) and return rc.
 */
static int
release(struct qctx *q, int rc)
{
	if (q->details != NULL)
		json_object_put(q->details);
	q->details = NULL;
	return rc;
}

/*
 * GET /query/client/hubs?status=active|archived|all&limit&cursor
 * The hubs the caller sees, by name.
 */
int
h_client_hubs(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $4 */
	page_limit(&q);						/* $5 */
	page_cursor(&q, "su");					/* $6 $7 */
	rc = finish(&q, STMT_CLIENT_HUBS, NULL);
out:
	return release(&q, rc);
}

/* GET /query/client/cost-centers?status&limit&cursor, by name. */
int
h_client_cost_centers(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $4 */
	page_limit(&q);						/* $5 */
	page_cursor(&q, "su");					/* $6 $7 */
	rc = finish(&q, STMT_CLIENT_COST_CENTERS, NULL);
out:
	return release(&q, rc);
}

/* GET /query/client/vendors?status&limit&cursor: linked vendors. */
int
h_client_vendors(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "approved|pending|suspended|all", 0,
	    "all");						/* $4 */
	page_limit(&q);						/* $5 */
	page_cursor(&q, "su");					/* $6 $7 */
	rc = finish(&q, STMT_CLIENT_VENDORS, NULL);
out:
	return release(&q, rc);
}

/* GET /query/client/vendors/:vendorId/roles?status&limit&cursor */
int
h_client_vendor_roles(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	path_uuid(&q, "vendorId");				/* $4 */
	opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $5 */
	page_limit(&q);						/* $6 */
	page_cursor(&q, "su");					/* $7 $8 */
	rc = finish(&q, STMT_CLIENT_VENDOR_ROLES, "no such vendor");
out:
	return release(&q, rc);
}

/* GET /query/client/hubs/:hubId/managers?limit&cursor */
int
h_client_hub_managers(struct req *r)
{
	static const char *const keys[] = { "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	path_uuid(&q, "hubId");					/* $4 */
	page_limit(&q);						/* $5 */
	page_cursor(&q, "su");					/* $6 $7 */
	rc = finish(&q, STMT_CLIENT_HUB_MANAGERS, "no such hub");
out:
	return release(&q, rc);
}

/* GET /query/client/billing/accounts?status&limit&cursor */
int
h_client_billing_accounts(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $4 */
	page_limit(&q);						/* $5 */
	page_cursor(&q, "su");					/* $6 $7 */
	rc = finish(&q, STMT_CLIENT_BILLING_ACCOUNTS, NULL);
out:
	return release(&q, rc);
}

/*
 * GET /query/client/billing/invoices/pending?status=pending,disputed&
 * vendorId&limit&cursor: invoices not settled yet, by due date.
 */
int
h_client_invoices_pending(struct req *r)
{
	static const char *const keys[] = { "status", "vendorId", "limit",
	    "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "pending|disputed", 1,
	    "pending,disputed");				/* $4 */
	opt_uuid(&q, "vendorId");				/* $5 */
	page_limit(&q);						/* $6 */
	page_cursor(&q, "du");					/* $7 $8 */
	rc = finish(&q, STMT_CLIENT_INVOICES_PENDING, "no such vendor");
out:
	return release(&q, rc);
}

/*
 * GET /query/client/billing/invoices/history?status=approved,paid&
 * vendorId&from&to&limit&cursor: settled invoices, newest first.
 */
int
h_client_invoices_history(struct req *r)
{
	static const char *const keys[] = { "status", "vendorId", "from",
	    "to", "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "approved|paid", 1, "approved,paid"); /* $4 */
	opt_uuid(&q, "vendorId");				/* $5 */
	range(&q, 366);						/* $6 $7 */
	page_limit(&q);						/* $8 */
	page_cursor(&q, "tu");					/* $9 $10 */
	rc = finish(&q, STMT_CLIENT_INVOICES_HISTORY, "no such vendor");
out:
	return release(&q, rc);
}

/*
 * GET /query/client/orders/view?status&hubId&from&to&limit&cursor:
 * orders with their shifts and positions, by first shift start.
 */
int
h_client_orders_view(struct req *r)
{
	static const char *const keys[] = { "status", "hubId", "from", "to",
	    "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status",
	    "draft|open|filled|in_progress|completed|cancelled", 1,
	    NULL);						/* $4 */
	opt_uuid(&q, "hubId");					/* $5 */
	range(&q, 30);						/* $6 $7 */
	page_limit(&q);						/* $8 */
	page_cursor(&q, "tu");					/* $9 $10 */
	rc = finish(&q, STMT_CLIENT_ORDERS_VIEW, "no such hub");
out:
	return release(&q, rc);
}

/*
 * GET /query/client/coverage?hubId&from&to&limit&cursor: needed and
 * filled per shift and position (default: today and the 6 next days in
 * each hub's zone).
 */
int
h_client_coverage(struct req *r)
{
	static const char *const keys[] = { "hubId", "from", "to", "limit",
	    "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_uuid(&q, "hubId");					/* $4 */
	range(&q, 7);						/* $5 $6 */
	page_limit(&q);						/* $7 */
	page_cursor(&q, "tu");					/* $8 $9 */
	rc = finish(&q, STMT_CLIENT_COVERAGE, "no such hub");
out:
	return release(&q, rc);
}

/* GET /query/client/coverage/stats?hubId&from&to: totals, per day, hub
 * and role. */
int
h_client_coverage_stats(struct req *r)
{
	static const char *const keys[] = { "hubId", "from", "to", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_uuid(&q, "hubId");					/* $4 */
	range(&q, 7);						/* $5 $6 */
	rc = finish(&q, STMT_CLIENT_COVERAGE_STATS, "no such hub");
out:
	return release(&q, rc);
}

/* GET /query/client/dashboard?hubId: the home screen. */
int
h_client_dashboard(struct req *r)
{
	static const char *const keys[] = { "hubId", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_uuid(&q, "hubId");					/* $4 */
	rc = finish(&q, STMT_CLIENT_DASHBOARD, "no such hub");
out:
	return release(&q, rc);
}

/*
 * GET /query/client/reorders?hubId&limit&cursor: completed orders to
 * repeat, most recent first, with their positions as a template.
 */
int
h_client_reorders(struct req *r)
{
	static const char *const keys[] = { "hubId", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_uuid(&q, "hubId");					/* $4 */
	page_limit(&q);						/* $5 */
	page_cursor(&q, "tu");					/* $6 $7 */
	rc = finish(&q, STMT_CLIENT_REORDERS, "no such hub");
out:
	return release(&q, rc);
}

/*
 * GET /query/client/billing/current-bill?billingAccountId: the work not
 * invoiced yet of the account's open period (default account without
 * the parameter).
 */
int
h_client_current_bill(struct req *r)
{
	static const char *const keys[] = { "billingAccountId", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_uuid(&q, "billingAccountId");			/* $4 */
	rc = finish(&q, STMT_CLIENT_CURRENT_BILL,
	    "no such billing account");
out:
	return release(&q, rc);
}

/*
 * The configured premium (percent above the billed rate) of a role
 * without a reference rate: savings_reference_pct, default 20.
 */
static const char *
reference_pct(struct req *r)
{
	if (r->conf != NULL)
		return arena_printf(r->arena, "%lld",
		    conf_int(r->conf, CONF_SAVINGS_REFERENCE_PCT));
	return "20";
}

/*
 * GET /query/client/billing/savings?from&to: billed work against the
 * reference rates (default: the last 30 days).
 */
int
h_client_savings(struct req *r)
{
	static const char *const keys[] = { "from", "to", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	range(&q, 30);						/* $4 $5 */
	push(&q, reference_pct(r));				/* $6 */
	rc = finish(&q, STMT_CLIENT_SAVINGS, NULL);
out:
	return release(&q, rc);
}

/*
 * GET /query/client/billing/spend-breakdown?from&to&hubId: invoiced and
 * accrued spend by hub, cost center, vendor and role (default: the last
 * 30 days).
 */
int
h_client_spend(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin(r, &q, keys)) != ERR_OK)
		goto out;
	range(&q, 30);						/* $4 $5 */
	opt_uuid(&q, "hubId");					/* $6 */
	rc = finish(&q, STMT_CLIENT_SPEND, "no such hub");
out:
	return release(&q, rc);
}

/*
 * Start an operator read: the identity has a user and a tenant (no
 * business), the path's tenantId is a UUID.  Pushes $1 the caller's
 * tenant, $2 the path's, $3 the user; the statement answers 404 unless
 * both tenants are the same and the user is an active admin of it.
 */
static int
begin_admin(struct req *r, struct qctx *q, const char *const *allowed)
{
	size_t	 i, j, k;

	memset(q, 0, sizeof(*q));
	q->r = r;
	if (r->id.user_id == NULL || r->id.tenant_id == NULL ||
	    !uuid_valid(r->id.user_id) || !uuid_valid(r->id.tenant_id))
		return req_fail(r, ERR_UNAUTH, "the identity is incomplete",
		    NULL);
	if (r->db == NULL)
		return req_fail(r, ERR_UPSTREAM, NULL, NULL);
	for (i = 0; i < r->nqs; i++) {
		for (k = 0; allowed[k] != NULL; k++)
			if (strcmp(r->qs[i].key, allowed[k]) == 0)
				break;
		if (allowed[k] == NULL) {
			bad(q, r->qs[i].key[0] != '\0' ? r->qs[i].key :
			    "(empty)", "is not a parameter of this route");
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(r->qs[j].key, r->qs[i].key) == 0)
				bad(q, r->qs[i].key, "must be given once");
	}
	push(q, r->id.tenant_id);
	path_uuid(q, "tenantId");
	push(q, r->id.user_id);
	return ERR_OK;
}

/* q: an optional search text of 1..100 characters.  Pushes it. */
static void
opt_search(struct qctx *q)
{
	const char	*v;
	size_t		 len, i, chars;

	if ((v = req_query(q->r, "q")) != NULL) {
		len = strlen(v);
		for (i = 0, chars = 0; i < len; i++)
			if (((unsigned char)v[i] & 0xc0) != 0x80)
				chars++;
		if (chars == 0 || chars > 100 || !valid_utf8(v, len)) {
			bad(q, "q", "must be 1 to 100 characters");
			v = NULL;
		}
	}
	push(q, v);
}

/* GET /query/tenants/:tenantId/businesses?status&q&limit&cursor */
int
h_tenant_businesses(struct req *r)
{
	static const char *const keys[] = { "status", "q", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin_admin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "active|suspended|archived|all", 0,
	    "all");						/* $4 */
	opt_search(&q);						/* $5 */
	page_limit(&q);						/* $6 */
	page_cursor(&q, "su");					/* $7 $8 */
	rc = finish(&q, STMT_TENANT_BUSINESSES, "no such tenant");
out:
	return release(&q, rc);
}

/* GET /query/tenants/:tenantId/vendors?status&q&limit&cursor */
int
h_tenant_vendors(struct req *r)
{
	static const char *const keys[] = { "status", "q", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin_admin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "active|suspended|archived|all", 0,
	    "all");						/* $4 */
	opt_search(&q);						/* $5 */
	page_limit(&q);						/* $6 */
	page_cursor(&q, "su");					/* $7 $8 */
	rc = finish(&q, STMT_TENANT_VENDORS, "no such tenant");
out:
	return release(&q, rc);
}

/* GET /query/tenants/:tenantId/staff?status&vendorId&q&limit&cursor */
int
h_tenant_staff(struct req *r)
{
	static const char *const keys[] = { "status", "vendorId", "q",
	    "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin_admin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status", "onboarding|active|suspended|archived|all", 0,
	    "all");						/* $4 */
	opt_uuid(&q, "vendorId");				/* $5 */
	opt_search(&q);						/* $6 */
	page_limit(&q);						/* $7 */
	page_cursor(&q, "ssu");					/* $8..$10 */
	rc = finish(&q, STMT_TENANT_STAFF, "no such tenant or vendor");
out:
	return release(&q, rc);
}

/*
 * GET /query/tenants/:tenantId/orders?status&businessId&from&to&limit&
 * cursor: newest first; from/to bound the creation time (UTC days).
 */
int
h_tenant_orders(struct req *r)
{
	static const char *const keys[] = { "status", "businessId", "from",
	    "to", "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = begin_admin(r, &q, keys)) != ERR_OK)
		goto out;
	opt_enum(&q, "status",
	    "draft|open|filled|in_progress|completed|cancelled", 1,
	    NULL);						/* $4 */
	opt_uuid(&q, "businessId");				/* $5 */
	range(&q, 31);						/* $6 $7 */
	page_limit(&q);						/* $8 */
	page_cursor(&q, "tu");					/* $9 $10 */
	rc = finish(&q, STMT_TENANT_ORDERS, "no such tenant or business");
out:
	return release(&q, rc);
}
