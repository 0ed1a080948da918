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
#include "qctx.h"
#include "query.h"











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
			qctx_bad(q, "from", "must be a date (YYYY-MM-DD) or an "
			    "RFC 3339 timestamp");
			fok = 0;
		}
	}
	if (t != NULL) {
		tl = strlen(t);
		if (!(tl == 10 ? valid_date(t, tl) : valid_timestamp(t, tl))) {
			qctx_bad(q, "to", "must be a date (YYYY-MM-DD) or an "
			    "RFC 3339 timestamp");
			tok = 0;
		}
	}
	if (!fok || !tok) {
		qctx_push(q, NULL);
		qctx_push(q, NULL);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $4 */
	qctx_page_limit(&q);						/* $5 */
	qctx_page_cursor(&q, "su");					/* $6 $7 */
	rc = qctx_finish(&q, STMT_CLIENT_HUBS, NULL);
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/cost-centers?status&limit&cursor, by name. */
int
h_client_cost_centers(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $4 */
	qctx_page_limit(&q);						/* $5 */
	qctx_page_cursor(&q, "su");					/* $6 $7 */
	rc = qctx_finish(&q, STMT_CLIENT_COST_CENTERS, NULL);
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/vendors?status&limit&cursor: linked vendors. */
int
h_client_vendors(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "approved|pending|suspended|all", 0,
	    "all");						/* $4 */
	qctx_page_limit(&q);						/* $5 */
	qctx_page_cursor(&q, "su");					/* $6 $7 */
	rc = qctx_finish(&q, STMT_CLIENT_VENDORS, NULL);
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/vendors/:vendorId/roles?status&limit&cursor */
int
h_client_vendor_roles(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_path_uuid(&q, "vendorId");				/* $4 */
	qctx_opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $5 */
	qctx_page_limit(&q);						/* $6 */
	qctx_page_cursor(&q, "su");					/* $7 $8 */
	rc = qctx_finish(&q, STMT_CLIENT_VENDOR_ROLES, "no such vendor");
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/hubs/:hubId/managers?limit&cursor */
int
h_client_hub_managers(struct req *r)
{
	static const char *const keys[] = { "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_path_uuid(&q, "hubId");					/* $4 */
	qctx_page_limit(&q);						/* $5 */
	qctx_page_cursor(&q, "su");					/* $6 $7 */
	rc = qctx_finish(&q, STMT_CLIENT_HUB_MANAGERS, "no such hub");
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/billing/accounts?status&limit&cursor */
int
h_client_billing_accounts(struct req *r)
{
	static const char *const keys[] = { "status", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "active|archived|all", 0, "active");	/* $4 */
	qctx_page_limit(&q);						/* $5 */
	qctx_page_cursor(&q, "su");					/* $6 $7 */
	rc = qctx_finish(&q, STMT_CLIENT_BILLING_ACCOUNTS, NULL);
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "pending|disputed", 1,
	    "pending,disputed");				/* $4 */
	qctx_opt_uuid(&q, "vendorId");				/* $5 */
	qctx_page_limit(&q);						/* $6 */
	qctx_page_cursor(&q, "du");					/* $7 $8 */
	rc = qctx_finish(&q, STMT_CLIENT_INVOICES_PENDING, "no such vendor");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "approved|paid", 1, "approved,paid"); /* $4 */
	qctx_opt_uuid(&q, "vendorId");				/* $5 */
	range(&q, 366);						/* $6 $7 */
	qctx_page_limit(&q);						/* $8 */
	qctx_page_cursor(&q, "tu");					/* $9 $10 */
	rc = qctx_finish(&q, STMT_CLIENT_INVOICES_HISTORY, "no such vendor");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status",
	    "draft|open|filled|in_progress|completed|cancelled", 1,
	    NULL);						/* $4 */
	qctx_opt_uuid(&q, "hubId");					/* $5 */
	range(&q, 30);						/* $6 $7 */
	qctx_page_limit(&q);						/* $8 */
	qctx_page_cursor(&q, "tu");					/* $9 $10 */
	rc = qctx_finish(&q, STMT_CLIENT_ORDERS_VIEW, "no such hub");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_uuid(&q, "hubId");					/* $4 */
	range(&q, 7);						/* $5 $6 */
	qctx_page_limit(&q);						/* $7 */
	qctx_page_cursor(&q, "tu");					/* $8 $9 */
	rc = qctx_finish(&q, STMT_CLIENT_COVERAGE, "no such hub");
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/coverage/stats?hubId&from&to: totals, per day, hub
 * and role. */
int
h_client_coverage_stats(struct req *r)
{
	static const char *const keys[] = { "hubId", "from", "to", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_uuid(&q, "hubId");					/* $4 */
	range(&q, 7);						/* $5 $6 */
	rc = qctx_finish(&q, STMT_CLIENT_COVERAGE_STATS, "no such hub");
out:
	return qctx_release(&q, rc);
}

/* GET /query/client/dashboard?hubId: the home screen. */
int
h_client_dashboard(struct req *r)
{
	static const char *const keys[] = { "hubId", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_uuid(&q, "hubId");					/* $4 */
	rc = qctx_finish(&q, STMT_CLIENT_DASHBOARD, "no such hub");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_uuid(&q, "hubId");					/* $4 */
	qctx_page_limit(&q);						/* $5 */
	qctx_page_cursor(&q, "tu");					/* $6 $7 */
	rc = qctx_finish(&q, STMT_CLIENT_REORDERS, "no such hub");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	qctx_opt_uuid(&q, "billingAccountId");			/* $4 */
	rc = qctx_finish(&q, STMT_CLIENT_CURRENT_BILL,
	    "no such billing account");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	range(&q, 30);						/* $4 $5 */
	qctx_push(&q, reference_pct(r));				/* $6 */
	rc = qctx_finish(&q, STMT_CLIENT_SAVINGS, NULL);
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	range(&q, 30);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	rc = qctx_finish(&q, STMT_CLIENT_SPEND, "no such hub");
out:
	return qctx_release(&q, rc);
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
			qctx_bad(q, "q", "must be 1 to 100 characters");
			v = NULL;
		}
	}
	qctx_push(q, v);
}

/* GET /query/tenants/:tenantId/businesses?status&q&limit&cursor */
int
h_tenant_businesses(struct req *r)
{
	static const char *const keys[] = { "status", "q", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_ADMIN)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "active|suspended|archived|all", 0,
	    "all");						/* $4 */
	opt_search(&q);						/* $5 */
	qctx_page_limit(&q);						/* $6 */
	qctx_page_cursor(&q, "su");					/* $7 $8 */
	rc = qctx_finish(&q, STMT_TENANT_BUSINESSES, "no such tenant");
out:
	return qctx_release(&q, rc);
}

/* GET /query/tenants/:tenantId/vendors?status&q&limit&cursor */
int
h_tenant_vendors(struct req *r)
{
	static const char *const keys[] = { "status", "q", "limit", "cursor",
	    NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_ADMIN)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "active|suspended|archived|all", 0,
	    "all");						/* $4 */
	opt_search(&q);						/* $5 */
	qctx_page_limit(&q);						/* $6 */
	qctx_page_cursor(&q, "su");					/* $7 $8 */
	rc = qctx_finish(&q, STMT_TENANT_VENDORS, "no such tenant");
out:
	return qctx_release(&q, rc);
}

/* GET /query/tenants/:tenantId/staff?status&vendorId&q&limit&cursor */
int
h_tenant_staff(struct req *r)
{
	static const char *const keys[] = { "status", "vendorId", "q",
	    "limit", "cursor", NULL };
	struct qctx	 q;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_ADMIN)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status", "onboarding|active|suspended|archived|all", 0,
	    "all");						/* $4 */
	qctx_opt_uuid(&q, "vendorId");				/* $5 */
	opt_search(&q);						/* $6 */
	qctx_page_limit(&q);						/* $7 */
	qctx_page_cursor(&q, "ssu");					/* $8..$10 */
	rc = qctx_finish(&q, STMT_TENANT_STAFF, "no such tenant or vendor");
out:
	return qctx_release(&q, rc);
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

	if ((rc = qctx_begin(r, &q, keys, QCTX_ADMIN)) != ERR_OK)
		goto out;
	qctx_opt_enum(&q, "status",
	    "draft|open|filled|in_progress|completed|cancelled", 1,
	    NULL);						/* $4 */
	qctx_opt_uuid(&q, "businessId");				/* $5 */
	range(&q, 31);						/* $6 $7 */
	qctx_page_limit(&q);						/* $8 */
	qctx_page_cursor(&q, "tu");					/* $9 $10 */
	rc = qctx_finish(&q, STMT_TENANT_ORDERS, "no such tenant or business");
out:
	return qctx_release(&q, rc);
}
