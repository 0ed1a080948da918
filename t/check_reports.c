/*
 * check_reports: integration tests of the client reports (krow-query,
 * /query/client/reports/...) through nginx with real tokens, against the
 * demo data (sql/demo.sql).  Expected values are constants of demo.sql or
 * come from SQL written here over the raw tables, independently of the
 * reports' own statements (run with "$KROW_TEST_STACK psql
 * $KROW_TEST_STATE"; the demo data is relative to now()).  The CSV
 * answers are parsed here (RFC 4180) and compared with the JSON ones.
 * The last test case adds a worker whose name starts with '=' (formula
 * injection), a no-show and a late clock-in, and removes them again.
 * Without $KROW_TEST_URL it skips (exit 77).
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "buf.h"
#include "mem.h"
#include "api.h"
#include "http.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define BIZ		ID("000000000101")
#define HUB_NY		ID("000000000501")
#define HUB_SF		ID("000000000502")
#define HUB_LDN		ID("000000000511")
#define VENDOR_DEMO	ID("000000000201")
#define MISSING		ID("0000000fffff")
/* The fixture of the last test case. */
#define FX_STAFF	ID("0000000fe001")
#define FX_NOSHOW	ID("0000000fe011")
#define FX_LATE		ID("0000000fe012")
#define FX_ENTRY	ID("0000000fe021")

#define R		"/query/client/reports/"

static char	*tok_owner, *tok_manager, *tok_other, *tok_staff,
		*tok_admin;

/* The wide range that holds all of the demo's work (-40..+40 days). */
struct range {
	char	 from[16];
	char	 to[16];
};

static void
wide(struct range *g)
{
	char	*f, *t;

	f = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 40");
	t = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date + 40");
	snprintf(g->from, sizeof(g->from), "%s", f);
	snprintf(g->to, sizeof(g->to), "%s", t);
	mem_free(f);
	mem_free(t);
}

/* A number from SQL built with printf-style arguments. */
static long long
sqlnum(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static long long
sqlnum(const char *fmt, ...)
{
	va_list	 ap;
	char	 q[8192];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	ck_assert(n > 0 && (size_t)n < sizeof(q));
	return api_sql_num(q);
}

/* GET path?from&to (the range) as token, JSON 200. */
static struct json_object *
get_range(const char *path, const struct range *g, const char *token,
    struct http_res *res)
{
	char	 url[1024];
	int	 n;

	n = snprintf(url, sizeof(url), "%s%sfrom=%s&to=%s", path,
	    strchr(path, '?') != NULL ? "&" : "?", g->from, g->to);
	ck_assert(n > 0 && (size_t)n < sizeof(url));
	api_get_as(url, token, res);
	return api_json_ok(res, 200);
}

static double
dbl(struct json_object *o, const char *path)
{
	struct json_object	*v;

	v = api_member(o, path);
	ck_assert_msg(json_object_is_type(v, json_type_double) ||
	    json_object_is_type(v, json_type_int), "%s is not a number", path);
	return json_object_get_double(v);
}

static int
is_null(struct json_object *o, const char *path)
{
	return json_object_is_type(api_member(o, path), json_type_null);
}

/* The item whose member key equals val, or fail. */
static struct json_object *
find(struct json_object *o, const char *key, const char *val)
{
	size_t	 i;

	for (i = 0; i < api_nitems(o); i++)
		if (!is_null(api_item(o, i), key) &&
		    strcmp(api_str(api_item(o, i), key), val) == 0)
			return api_item(o, i);
	ck_abort_msg("no item with %s = %s", key, val);
	return NULL;
}

/* Sum of the integer member key over the items. */
static long long
sum_items(struct json_object *o, const char *key)
{
	long long	 s = 0;
	size_t		 i;

	for (i = 0; i < api_nitems(o); i++)
		s += api_num(api_item(o, i), key);
	return s;
}

/*
 * SQL of the expectations, over the raw tables.  LIVE: the live shifts s
 * (hub h, order o) of the business starting on a day F..T (hub's zone);
 * HC is an extra condition (a hub).
 */
#define LIVE(F, T, HC) \
	"FROM shifts s JOIN orders o ON o.id = s.order_id JOIN hubs h ON " \
	"h.id = s.hub_id WHERE s.business_id = '" BIZ "' AND s.status <> " \
	"'cancelled' AND o.status NOT IN ('draft', 'cancelled') AND " \
	"(s.starts_at AT TIME ZONE h.time_zone)::date BETWEEN '" F "' AND '" \
	T "' " HC
#define FILLED_SQL \
	"least(p.headcount, (SELECT count(*) FROM assignments a WHERE " \
	"a.position_id = p.id AND a.status IN ('assigned', 'confirmed', " \
	"'checked_in', 'checked_out', 'completed')))"
/* Finished entries te (shift s, hub h) of the business on F..T. */
#define WORKED(F, T) \
	"FROM time_entries te JOIN shifts s ON s.id = te.shift_id JOIN hubs " \
	"h ON h.id = s.hub_id JOIN assignments a ON a.id = te.assignment_id " \
	"JOIN shift_positions p ON p.id = a.position_id JOIN vendor_roles r " \
	"ON r.id = p.vendor_role_id WHERE te.business_id = '" BIZ "' AND " \
	"te.status IN ('closed', 'approved') AND (te.clock_in_at AT TIME " \
	"ZONE h.time_zone)::date BETWEEN '" F "' AND '" T "' "

/* Expected spend (invoiced + accrued) with a condition on hub, vendor
 * (l. and p./s. columns given separately). */
static long long
spend_sql(const struct range *g, const char *lcond, const char *wcond)
{
	return sqlnum("SELECT (SELECT coalesce(sum(l.amount_cents), 0) FROM "
	    "invoice_lines l WHERE l.business_id = '" BIZ "' AND l.work_date "
	    "BETWEEN '%s' AND '%s' %s) + (SELECT coalesce(sum(round("
	    "te.worked_minutes * p.bill_rate_cents / 60.0)), 0) "
	    WORKED("%s", "%s") "AND NOT EXISTS (SELECT 1 FROM invoice_lines "
	    "l WHERE l.time_entry_id = te.id) %s)", g->from, g->to, lcond,
	    g->from, g->to, wcond);
}

/*
 * The summary of range g as token, against SQL; hc restricts the
 * shifts (s.hub_id) and lines (l.hub_id) to what the caller sees.
 */
static void
check_summary(const char *token, const struct range *g, const char *query,
    const char *shc, const char *lhc)
{
	struct http_res		 res;
	struct json_object	*o;
	char			 path[256];
	long long		 needed, filled, n, late, clocked;

	snprintf(path, sizeof(path), R "summary%s", query);
	o = get_range(path, g, token, &res);
	ck_assert_str_eq(api_str(o, "from"), g->from);
	ck_assert_str_eq(api_str(o, "to"), g->to);
	ck_assert_str_eq(api_str(o, "currency"), "USD");
	ck_assert_int_eq(api_num(o, "shifts"), sqlnum("SELECT count(*) "
	    LIVE("%s", "%s", "%s"), g->from, g->to, shc));
	needed = sqlnum("SELECT coalesce(sum(p.headcount), 0) FROM "
	    "shift_positions p WHERE p.status <> 'cancelled' AND p.shift_id "
	    "IN (SELECT s.id " LIVE("%s", "%s", "%s") ")", g->from, g->to,
	    shc);
	filled = sqlnum("SELECT coalesce(sum(" FILLED_SQL "), 0) FROM "
	    "shift_positions p WHERE p.status <> 'cancelled' AND p.shift_id "
	    "IN (SELECT s.id " LIVE("%s", "%s", "%s") ")", g->from, g->to,
	    shc);
	ck_assert_int_eq(api_num(o, "positionsNeeded"), needed);
	ck_assert_int_eq(api_num(o, "positionsFilled"), filled);
	ck_assert_int_eq(api_num(o, "openPositions"), needed - filled);
	if (needed > 0)
		ck_assert_double_eq_tol(dbl(o, "fillRate"),
		    (double)filled / (double)needed, 0.00006);
	ck_assert_int_eq(api_num(o, "noShows"), sqlnum("SELECT count(*) FROM "
	    "assignments a WHERE a.status = 'no_show' AND a.shift_id IN "
	    "(SELECT s.id " LIVE("%s", "%s", "%s") ")", g->from, g->to, shc));
	n = sqlnum("SELECT count(*) FROM assignments a WHERE a.status NOT IN "
	    "('applied', 'declined', 'cancelled') AND a.shift_id IN (SELECT "
	    "s.id " LIVE("%s", "%s", "%s") ")", g->from, g->to, shc);
	ck_assert_int_eq(api_num(o, "assignments"), n);
	ck_assert_int_eq(api_num(o, "completedAssignments"), sqlnum("SELECT "
	    "count(*) FROM assignments a WHERE a.status IN ('checked_out', "
	    "'completed') AND a.shift_id IN (SELECT s.id " LIVE("%s", "%s",
	    "%s") ")", g->from, g->to, shc));
	clocked = sqlnum("SELECT count(DISTINCT te.assignment_id) FROM "
	    "time_entries te JOIN assignments a ON a.id = te.assignment_id "
	    "WHERE te.status <> 'voided' AND a.status NOT IN ('applied', "
	    "'declined', 'cancelled') AND te.shift_id IN (SELECT s.id "
	    LIVE("%s", "%s", "%s") ")", g->from, g->to, shc);
	ck_assert_int_eq(api_num(o, "clockIns"), clocked);
	/* Late: the first clock-in over 5 minutes (the default) late. */
	late = sqlnum("SELECT count(*) FROM (SELECT te.assignment_id FROM "
	    "time_entries te JOIN shifts s ON s.id = te.shift_id JOIN "
	    "assignments a ON a.id = te.assignment_id WHERE te.status <> "
	    "'voided' AND a.status NOT IN ('applied', 'declined', "
	    "'cancelled') AND te.shift_id IN (SELECT s.id " LIVE("%s", "%s",
	    "%s") ") GROUP BY te.assignment_id, s.starts_at HAVING "
	    "min(te.clock_in_at) - s.starts_at > interval '5 minutes') x",
	    g->from, g->to, shc);
	ck_assert_int_eq(api_num(o, "lateClockIns"), late);
	if (clocked > 0)
		ck_assert_double_eq_tol(dbl(o, "onTimeRate"),
		    (double)(clocked - late) / (double)clocked, 0.00006);
	ck_assert_int_eq(api_num(o, "workedMinutes"), sqlnum("SELECT "
	    "coalesce(sum(te.worked_minutes), 0) " WORKED("%s", "%s") "%s",
	    g->from, g->to, shc));
	ck_assert_int_eq(api_num(o, "staffWorked"), sqlnum("SELECT "
	    "count(DISTINCT te.staff_id) " WORKED("%s", "%s") "%s", g->from,
	    g->to, shc));
	ck_assert_int_eq(api_num(o, "invoicedCents"), sqlnum("SELECT "
	    "coalesce(sum(l.amount_cents), 0) FROM invoice_lines l WHERE "
	    "l.business_id = '" BIZ "' AND l.work_date BETWEEN '%s' AND "
	    "'%s' %s", g->from, g->to, lhc));
	ck_assert_int_eq(api_num(o, "spendCents"), spend_sql(g, lhc, shc));
	ck_assert_int_eq(api_num(o, "spendCents"),
	    api_num(o, "invoicedCents") + api_num(o, "accruedCents"));
	http_res_free(&res);
}

/*
 * Summary
 */
START_TEST(test_summary_owner)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o;

	wide(&g);
	check_summary(tok_owner, &g, "", "", "");
	/* The demo's own numbers (sql/demo.sql): 11 live shifts (ORD-1008
	 * is cancelled, ORD-1007 a draft), 33 places, 22 filled, the one
	 * no-show of Maya Chen on ORD-1002, the accrued ORD-1012 lunch
	 * (two servers, 250 minutes each at $30.00). */
	o = get_range(R "summary", &g, tok_owner, &res);
	ck_assert_int_eq(api_num(o, "shifts"), 11);
	ck_assert_int_eq(api_num(o, "positionsNeeded"), 33);
	ck_assert_int_eq(api_num(o, "positionsFilled"), 22);
	ck_assert_int_eq(api_num(o, "noShows"), 1);
	ck_assert_int_eq(api_num(o, "assignments"), 23);
	ck_assert_int_eq(api_num(o, "completedAssignments"), 15);
	ck_assert_int_eq(api_num(o, "lateClockIns"), 0);
	ck_assert_int_eq(api_num(o, "accruedCents"), 25000);
	ck_assert_int_eq(api_num(o, "graceMinutes"), 5);
	ck_assert(is_null(o, "hubId"));
	ck_assert_double_eq_tol(dbl(o, "noShowRate"), 1.0 / 16, 0.00006);
	ck_assert_double_eq_tol(dbl(o, "hoursWorked"),
	    (double)api_num(o, "workedMinutes") / 60, 0.005);
	http_res_free(&res);
}
END_TEST

START_TEST(test_summary_hub_and_manager)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o;

	wide(&g);
	/* A hub filter. */
	check_summary(tok_owner, &g, "?hubId=" HUB_SF,
	    "AND s.hub_id = '" HUB_SF "'", "AND l.hub_id = '" HUB_SF "'");
	/* The manager sees New York only, with or without the filter. */
	check_summary(tok_manager, &g, "", "AND s.hub_id = '" HUB_NY "'",
	    "AND l.hub_id = '" HUB_NY "'");
	check_summary(tok_manager, &g, "?hubId=" HUB_NY,
	    "AND s.hub_id = '" HUB_NY "'", "AND l.hub_id = '" HUB_NY "'");
	o = get_range(R "summary", &g, tok_manager, &res);
	/* ORD-1011, -1001, -1010, -1005, -1006 (2), -1009. */
	ck_assert_int_eq(api_num(o, "shifts"), 7);
	ck_assert_int_eq(api_num(o, "noShows"), 0);
	ck_assert_int_eq(api_num(o, "accruedCents"), 0);
	http_res_free(&res);
	/* The other business: its own two shifts only. */
	o = get_range(R "summary", &g, tok_other, &res);
	ck_assert_int_eq(api_num(o, "shifts"), 2);
	ck_assert_int_eq(api_num(o, "invoicedCents"), sqlnum("SELECT "
	    "sum(amount_cents) FROM invoice_lines WHERE invoice_id = '"
	    ID("000000000951") "'"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_default_range)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*today, *past, *from, *later;
	char			 url[256];

	today = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date");
	past = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 29");
	api_get_as(R "summary", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "to"), today);
	ck_assert_str_eq(api_str(o, "from"), past);
	http_res_free(&res);
	/* One end only: a 30-day span from (or to) it. */
	from = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 10");
	later = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date + 19");
	snprintf(url, sizeof(url), R "coverage?from=%s", from);
	api_get_as(url, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "to"), later);
	http_res_free(&res);
	snprintf(url, sizeof(url), R "hours?to=%s", later);
	api_get_as(url, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "from"), from);
	http_res_free(&res);
	mem_free(today);
	mem_free(past);
	mem_free(from);
	mem_free(later);
}
END_TEST

/*
 * Spend
 */
START_TEST(test_spend_groups)
{
	static const char *const groups[] = { "hub", "costCenter", "vendor",
	    "role" };
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;
	char			 path[128];
	long long		 total;
	size_t			 i, k;

	wide(&g);
	total = spend_sql(&g, "", "");
	for (k = 0; k < sizeof(groups) / sizeof(groups[0]); k++) {
		snprintf(path, sizeof(path), R "spend?groupBy=%s", groups[k]);
		o = get_range(path, &g, tok_owner, &res);
		ck_assert_str_eq(api_str(o, "groupBy"), groups[k]);
		ck_assert(is_null(o, "period"));
		ck_assert_int_eq(api_num(o, "totals.totalCents"), total);
		ck_assert_int_eq(sum_items(o, "totalCents"), total);
		ck_assert_int_eq(sum_items(o, "invoicedCents"),
		    api_num(o, "totals.invoicedCents"));
		ck_assert_int_eq(sum_items(o, "minutes"),
		    api_num(o, "totals.minutes"));
		for (i = 0; i < api_nitems(o); i++) {
			it = api_item(o, i);
			ck_assert_int_eq(api_num(it, "totalCents"),
			    api_num(it, "invoicedCents") +
			    api_num(it, "accruedCents"));
			/* Biggest first. */
			if (i > 0)
				ck_assert_int_le(api_num(it, "totalCents"),
				    api_num(api_item(o, i - 1), "totalCents"));
		}
		http_res_free(&res);
	}

	/* Per vendor, against SQL. */
	o = get_range(R "spend?groupBy=vendor", &g, tok_owner, &res);
	ck_assert_uint_eq(api_nitems(o), 2);
	it = find(o, "key", VENDOR_DEMO);
	ck_assert_str_eq(api_str(it, "name"), "Demo Staffing Co");
	ck_assert_int_eq(api_num(it, "totalCents"), spend_sql(&g,
	    "AND l.vendor_id = '" VENDOR_DEMO "'",
	    "AND p.vendor_id = '" VENDOR_DEMO "'"));
	ck_assert_int_eq(api_num(it, "accruedCents"), 25000);
	http_res_free(&res);

	/* Per cost center: code and name. */
	o = get_range(R "spend?groupBy=costCenter", &g, tok_owner, &res);
	it = find(o, "code", "EVT");
	ck_assert_str_eq(api_str(it, "name"), "Events");
	ck_assert_int_eq(api_num(it, "totalCents"), spend_sql(&g,
	    "AND l.cost_center_id = '" ID("000000000601") "'",
	    "AND s.order_id IN (SELECT id FROM orders WHERE cost_center_id "
	    "= '" ID("000000000601") "')"));
	http_res_free(&res);

	/* Per role: the role code is the key. */
	o = get_range(R "spend?groupBy=role", &g, tok_owner, &res);
	it = find(o, "key", "security");
	ck_assert_str_eq(api_str(it, "code"), "security");
	ck_assert_str_eq(api_str(it, "name"), "Security Guard");
	ck_assert_int_eq(api_num(it, "totalCents"), spend_sql(&g,
	    "AND l.vendor_role_id IN (SELECT id FROM vendor_roles WHERE "
	    "role_code = 'security')", "AND r.role_code = 'security'"));
	http_res_free(&res);

	/* The manager: New York's spend only. */
	o = get_range(R "spend", &g, tok_manager, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "key"), HUB_NY);
	ck_assert_int_eq(api_num(o, "totals.totalCents"), spend_sql(&g,
	    "AND l.hub_id = '" HUB_NY "'", "AND s.hub_id = '" HUB_NY "'"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_spend_periods)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;
	const char		*p;
	char			 q[256], w[256];
	size_t			 i;

	wide(&g);
	o = get_range(R "spend?groupBy=hub&period=month", &g, tok_owner,
	    &res);
	ck_assert_str_eq(api_str(o, "period"), "month");
	ck_assert_int_eq(sum_items(o, "totalCents"), spend_sql(&g, "", ""));
	for (i = 0; i < api_nitems(o); i++) {
		p = api_str(api_item(o, i), "period");
		ck_assert_uint_eq(strlen(p), 10);
		ck_assert_str_eq(p + 8, "01");
	}
	http_res_free(&res);

	o = get_range(R "spend?groupBy=vendor&period=week", &g, tok_owner,
	    &res);
	ck_assert_int_eq(sum_items(o, "totalCents"), spend_sql(&g, "", ""));
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		snprintf(q, sizeof(q), "SELECT extract(isodow FROM date '%s')",
		    api_str(it, "period"));
		ck_assert_int_eq(api_sql_num(q), 1);	/* a Monday */
		if (i > 0)
			ck_assert_str_ge(api_str(it, "period"),
			    api_str(api_item(o, i - 1), "period"));
	}
	http_res_free(&res);

	/* Per day: each day's sum is that day's work. */
	o = get_range(R "spend?groupBy=hub&period=day", &g, tok_owner, &res);
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		snprintf(q, sizeof(q), "AND l.work_date = '%s' AND l.hub_id = "
		    "'%s'", api_str(it, "period"), api_str(it, "key"));
		snprintf(w, sizeof(w), "AND (te.clock_in_at AT TIME ZONE "
		    "h.time_zone)::date = '%s' AND s.hub_id = '%s'",
		    api_str(it, "period"), api_str(it, "key"));
		ck_assert_int_eq(api_num(it, "totalCents"),
		    spend_sql(&g, q, w));
	}
	http_res_free(&res);
}
END_TEST

/*
 * Hours
 */
START_TEST(test_hours)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;
	long long		 mi;
	size_t			 i;

	wide(&g);
	o = get_range(R "hours", &g, tok_owner, &res);
	ck_assert_str_eq(api_str(o, "groupBy"), "staff");
	ck_assert_int_eq(api_num(o, "totals.workedMinutes"), sqlnum("SELECT "
	    "sum(te.worked_minutes) " WORKED("%s", "%s"), g.from, g.to));
	ck_assert_int_eq(api_num(o, "totals.staff"), sqlnum("SELECT "
	    "count(DISTINCT te.staff_id) " WORKED("%s", "%s"), g.from, g.to));
	ck_assert_int_eq(api_nitems(o), api_num(o, "totals.staff"));
	ck_assert_int_eq(sum_items(o, "workedMinutes"),
	    api_num(o, "totals.workedMinutes"));
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		mi = sqlnum("SELECT sum(te.worked_minutes) " WORKED("%s", "%s")
		    "AND te.staff_id = '%s'", g.from, g.to,
		    api_str(it, "key"));
		ck_assert_int_eq(api_num(it, "workedMinutes"), mi);
		ck_assert_double_eq_tol(dbl(it, "hours"), mi / 60.0, 0.005);
		ck_assert_int_eq(api_num(it, "breakMinutes"), sqlnum("SELECT "
		    "sum(te.break_minutes) " WORKED("%s", "%s") "AND "
		    "te.staff_id = '%s'", g.from, g.to, api_str(it, "key")));
		if (i > 0)
			ck_assert_int_le(mi, api_num(api_item(o, i - 1),
			    "workedMinutes"));
	}
	/* Sam Rivera: ORD-1011, -1001, -1002, -1012 (demo.sql). */
	it = find(o, "key", ID("000000000301"));
	ck_assert_str_eq(api_str(it, "name"), "Sam Rivera");
	ck_assert_str_eq(api_str(it, "vendorName"), "Demo Staffing Co");
	ck_assert_int_eq(api_num(it, "shifts"), 4);
	http_res_free(&res);

	o = get_range(R "hours?groupBy=hub", &g, tok_owner, &res);
	ck_assert_uint_eq(api_nitems(o), (size_t)sqlnum("SELECT count(DISTINCT "
	    "s.hub_id) " WORKED("%s", "%s"), g.from, g.to));
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		ck_assert_int_eq(api_num(it, "workedMinutes"), sqlnum("SELECT "
		    "sum(te.worked_minutes) " WORKED("%s", "%s") "AND s.hub_id "
		    "= '%s'", g.from, g.to, api_str(it, "key")));
	}
	it = find(o, "key", HUB_SF);
	ck_assert_str_eq(api_str(it, "name"), "Bayview Conference Center");
	http_res_free(&res);

	o = get_range(R "hours?groupBy=role", &g, tok_owner, &res);
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		ck_assert_str_eq(api_str(it, "code"), api_str(it, "key"));
		ck_assert_int_eq(api_num(it, "workedMinutes"), sqlnum("SELECT "
		    "sum(te.worked_minutes) " WORKED("%s", "%s") "AND "
		    "r.role_code = '%s'", g.from, g.to, api_str(it, "key")));
	}
	http_res_free(&res);

	/* The manager: only work at New York. */
	o = get_range(R "hours?groupBy=hub", &g, tok_manager, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "key"), HUB_NY);
	http_res_free(&res);
}
END_TEST

/*
 * Coverage
 */
static void
check_coverage(const char *token, const struct range *g, const char *hc)
{
	struct http_res		 res;
	struct json_object	*o, *it;
	size_t			 i;

	o = get_range(R "coverage", g, token, &res);
	ck_assert_uint_eq(api_nitems(o), (size_t)sqlnum("SELECT count(*) "
	    "FROM (SELECT DISTINCT (s.starts_at AT TIME ZONE "
	    "h.time_zone)::date, s.hub_id " LIVE("%s", "%s", "%s") ") d",
	    g->from, g->to, hc));
	ck_assert_int_eq(sum_items(o, "shifts"), api_num(o, "totals.shifts"));
	ck_assert_int_eq(sum_items(o, "needed"), api_num(o, "totals.needed"));
	ck_assert_int_eq(sum_items(o, "filled"), api_num(o, "totals.filled"));
	ck_assert_int_eq(sum_items(o, "noShows"),
	    api_num(o, "totals.noShows"));
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		if (i > 0)
			ck_assert_str_ge(api_str(it, "date"),
			    api_str(api_item(o, i - 1), "date"));
#define DAYHUB \
	"AND (s.starts_at AT TIME ZONE h.time_zone)::date = '%s' AND " \
	"s.hub_id = '%s'"
		ck_assert_int_eq(api_num(it, "shifts"), sqlnum("SELECT "
		    "count(*) " LIVE("%s", "%s", DAYHUB), g->from, g->to,
		    api_str(it, "date"), api_str(it, "hubId")));
		ck_assert_int_eq(api_num(it, "needed"), sqlnum("SELECT "
		    "coalesce(sum(p.headcount), 0) FROM shift_positions p "
		    "WHERE p.status <> 'cancelled' AND p.shift_id IN (SELECT "
		    "s.id " LIVE("%s", "%s", DAYHUB) ")", g->from, g->to,
		    api_str(it, "date"), api_str(it, "hubId")));
		ck_assert_int_eq(api_num(it, "filled"), sqlnum("SELECT "
		    "coalesce(sum(" FILLED_SQL "), 0) FROM shift_positions p "
		    "WHERE p.status <> 'cancelled' AND p.shift_id IN (SELECT "
		    "s.id " LIVE("%s", "%s", DAYHUB) ")", g->from, g->to,
		    api_str(it, "date"), api_str(it, "hubId")));
		ck_assert_int_eq(api_num(it, "noShows"), sqlnum("SELECT "
		    "count(*) FROM assignments a WHERE a.status = 'no_show' "
		    "AND a.shift_id IN (SELECT s.id " LIVE("%s", "%s", DAYHUB)
		    ")", g->from, g->to, api_str(it, "date"),
		    api_str(it, "hubId")));
		ck_assert_int_eq(api_num(it, "open"),
		    api_num(it, "needed") - api_num(it, "filled"));
#undef DAYHUB
	}
	http_res_free(&res);
}

START_TEST(test_coverage)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;
	char			*day;

	wide(&g);
	check_coverage(tok_owner, &g, "");
	check_coverage(tok_manager, &g, "AND s.hub_id = '" HUB_NY "'");
	/* ORD-1006's first banquet (+3 days, New York): 7 places, 2
	 * filled. */
	day = api_sql("SELECT (now() AT TIME ZONE 'America/New_York')::date"
	    " + 3");
	o = get_range(R "coverage?hubId=" HUB_NY, &g, tok_owner, &res);
	it = find(o, "date", day);
	ck_assert_str_eq(api_str(it, "hubName"), "Downtown Grand Hotel");
	ck_assert_int_eq(api_num(it, "needed"), 7);
	ck_assert_int_eq(api_num(it, "filled"), 2);
	ck_assert_double_eq_tol(dbl(it, "fillRate"), 2.0 / 7, 0.00006);
	http_res_free(&res);
	mem_free(day);
}
END_TEST

/*
 * No-shows
 */
START_TEST(test_no_shows)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;
	char			*day;

	wide(&g);
	o = get_range(R "no-shows", &g, tok_owner, &res);
	ck_assert_int_eq(api_num(o, "total"), 1);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_ptr_null(api_next_cursor(o));
	it = api_item(o, 0);
	ck_assert_str_eq(api_str(it, "assignmentId"), ID("000000802122"));
	ck_assert_str_eq(api_str(it, "staff.firstName"), "Maya");
	ck_assert_str_eq(api_str(it, "staff.lastName"), "Chen");
	ck_assert_str_eq(api_str(it, "vendor.name"), "Demo Staffing Co");
	ck_assert_str_eq(api_str(it, "hub.hubId"), HUB_SF);
	ck_assert_str_eq(api_str(it, "role.roleCode"), "server");
	ck_assert_str_eq(api_str(it, "order.orderNumber"), "ORD-1002");
	ck_assert_str_eq(api_str(it, "shiftId"), ID("000000008021"));
	day = api_sql("SELECT (starts_at AT TIME ZONE 'America/Los_Angeles')"
	    "::date FROM shifts WHERE id = '" ID("000000008021") "'");
	ck_assert_str_eq(api_str(it, "date"), day);
	mem_free(day);
	http_res_free(&res);
	/* Not the manager's hub, and not with New York's filter. */
	o = get_range(R "no-shows", &g, tok_manager, &res);
	ck_assert_int_eq(api_num(o, "total"), 0);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
	o = get_range(R "no-shows?hubId=" HUB_NY, &g, tok_owner, &res);
	ck_assert_int_eq(api_num(o, "total"), 0);
	http_res_free(&res);
}
END_TEST

/*
 * Performance
 */
START_TEST(test_performance)
{
	struct range		 g;
	struct http_res		 res, sres;
	struct json_object	*o, *it, *s;
	const char		*key;
	size_t			 i;

	wide(&g);
	o = get_range(R "performance", &g, tok_owner, &res);
	ck_assert_str_eq(api_str(o, "by"), "staff");
	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		key = api_str(it, "key");
#define STAFFED \
	"FROM assignments a WHERE a.staff_id = '%s' AND a.shift_id IN " \
	"(SELECT s.id " LIVE("%s", "%s", "") ") AND a.status "
		ck_assert_int_eq(api_num(it, "shiftsAssigned"), sqlnum("SELECT "
		    "count(*) " STAFFED "NOT IN ('applied', 'declined', "
		    "'cancelled')", key, g.from, g.to));
		ck_assert_int_eq(api_num(it, "shiftsCompleted"),
		    sqlnum("SELECT count(*) " STAFFED "IN ('checked_out', "
		    "'completed')", key, g.from, g.to));
		ck_assert_int_eq(api_num(it, "noShows"), sqlnum("SELECT "
		    "count(*) " STAFFED "= 'no_show'", key, g.from, g.to));
		ck_assert_int_eq(api_num(it, "workedMinutes"), sqlnum("SELECT "
		    "coalesce(sum(te.worked_minutes), 0) FROM time_entries te "
		    "WHERE te.status IN ('closed', 'approved') AND "
		    "te.assignment_id IN (SELECT a.id " STAFFED "NOT IN "
		    "('applied', 'declined', 'cancelled'))", key, g.from,
		    g.to));
#undef STAFFED
		if (i > 0)
			ck_assert_str_ge(api_str(it, "name"),
			    api_str(api_item(o, i - 1), "name"));
	}
	it = find(o, "key", ID("000000000302"));
	ck_assert_str_eq(api_str(it, "name"), "Maya Chen");
	ck_assert_int_eq(api_num(it, "noShows"), 1);
	ck_assert_int_eq(api_num(it, "shiftsCompleted"), 2);
	ck_assert_double_eq_tol(dbl(it, "noShowRate"), 1.0 / 3, 0.00006);
	ck_assert_int_eq(api_num(it, "lateClockIns"), 0);

	/* Totals agree with the summary; per vendor adds up the same. */
	s = get_range(R "summary", &g, tok_owner, &sres);
	ck_assert_int_eq(api_num(o, "totals.shiftsAssigned"),
	    api_num(s, "assignments"));
	ck_assert_int_eq(sum_items(o, "shiftsAssigned"),
	    api_num(s, "assignments"));
	ck_assert_int_eq(api_num(o, "totals.noShows"), api_num(s, "noShows"));
	http_res_free(&res);
	o = get_range(R "performance?by=vendor", &g, tok_owner, &res);
	ck_assert_str_eq(api_str(o, "by"), "vendor");
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_int_eq(sum_items(o, "shiftsAssigned"),
	    api_num(s, "assignments"));
	ck_assert_int_eq(sum_items(o, "clockIns"), api_num(s, "clockIns"));
	it = find(o, "key", ID("000000000202"));
	ck_assert_str_eq(api_str(it, "name"), "Metro Event Staff");
	ck_assert(is_null(it, "vendorName"));
	http_res_free(&res);
	http_res_free(&sres);
}
END_TEST

/*
 * CSV
 */
struct csv {
	size_t	 nrows, ncols;
	char	**cell;		/* ncell, row by row */
	size_t	 ncell, cap;
};

static void
csv_free(struct csv *c)
{
	size_t	 i;

	for (i = 0; i < c->ncell; i++)
		mem_free(c->cell[i]);
	mem_free(c->cell);
	memset(c, 0, sizeof(*c));
}

static void
csv_add(struct csv *c, const char *v)
{
	if (c->ncell == c->cap) {
		c->cap = c->cap == 0 ? 64 : c->cap * 2;
		c->cell = mem_realloc(c->cell, c->cap * sizeof(*c->cell));
	}
	c->cell[c->ncell++] = mem_strdup(v);
}

/*
 * Parse an RFC 4180 body: every record ends with CRLF, fields are
 * separated by commas, a quoted field may hold anything with quotes
 * doubled; every record has as many fields as the header.
 */
static void
csv_parse(const char *s, size_t len, struct csv *c)
{
	struct buf	 f;
	size_t		 i = 0, cols = 0;

	memset(c, 0, sizeof(*c));
	buf_init(&f);
	ck_assert_msg(len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n',
	    "the CSV does not end with CRLF");
	while (i < len) {
		buf_reset(&f);
		if (s[i] == '"') {
			for (i++; ; i++) {
				ck_assert_msg(i < len, "unterminated quote");
				if (s[i] == '"') {
					if (i + 1 < len && s[i + 1] == '"') {
						buf_putc(&f, '"');
						i++;
						continue;
					}
					i++;
					break;
				}
				buf_putc(&f, s[i]);
			}
		} else {
			while (i < len && s[i] != ',' && s[i] != '\r' &&
			    s[i] != '\n') {
				ck_assert_msg(s[i] != '"', "quote inside an "
				    "unquoted field");
				buf_putc(&f, s[i++]);
			}
		}
		csv_add(c, buf_cstr(&f));
		cols++;
		ck_assert(i < len);
		if (s[i] == ',') {
			i++;
			continue;
		}
		ck_assert_msg(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n',
		    "a record does not end with CRLF");
		i += 2;
		if (c->nrows == 0)
			c->ncols = cols;
		ck_assert_uint_eq(cols, c->ncols);
		c->nrows++;
		cols = 0;
	}
	buf_cleanup(&f);
}

static const char *
csv_at(const struct csv *c, size_t row, size_t col)
{
	ck_assert(row < c->nrows && col < c->ncols);
	return c->cell[row * c->ncols + col];
}

/* Index of the column called name in the header row, or fail. */
static size_t
csv_col(const struct csv *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->ncols; i++)
		if (strcmp(csv_at(c, 0, i), name) == 0)
			return i;
	ck_abort_msg("no column %s", name);
	return 0;
}

/* The row whose column col is val, or fail. */
static size_t
csv_row(const struct csv *c, const char *col, const char *val)
{
	size_t	 i, k;

	k = csv_col(c, col);
	for (i = 1; i < c->nrows; i++)
		if (strcmp(csv_at(c, i, k), val) == 0)
			return i;
	ck_abort_msg("no row with %s = %s", col, val);
	return 0;
}

/* GET path as token with an Accept header (NULL: none). */
static void
get_accept(const char *path, const char *token, const char *accept,
    struct http_res *res)
{
	const char	*h[3];
	char		 auth[20000], acc[256];
	size_t		 n = 0;

	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
	h[n++] = auth;
	if (accept != NULL) {
		snprintf(acc, sizeof(acc), "Accept: %s", accept);
		h[n++] = acc;
	}
	h[n] = NULL;
	api_req_ok(http_do("GET", path, h, NULL, res));
}

/* A CSV answer of report name over range g; parsed into c. */
static void
csv_ok(struct http_res *res, const char *name, const struct range *g,
    struct csv *c)
{
	char	 v[256], want[256];

	ck_assert_msg(res->status == 200, "status %ld: %s", res->status,
	    res->body);
	ck_assert_ptr_nonnull(http_header(res, "Content-Type", v, sizeof(v)));
	ck_assert_str_eq(v, "text/csv; charset=utf-8");
	ck_assert_ptr_nonnull(http_header(res, "Content-Disposition", v,
	    sizeof(v)));
	snprintf(want, sizeof(want), "attachment; filename=\"krow-%s-%s-%s"
	    ".csv\"", name, g->from, g->to);
	ck_assert_str_eq(v, want);
	csv_parse(res->body, res->len, c);
}

/* Every report in CSV: the JSON's rows, same values. */
static const char *const reports[][3] = {
	/* name, query, first column */
	{ "summary", "", "from" },
	{ "spend", "?groupBy=role&period=week", "period" },
	{ "hours", "?groupBy=staff", "key" },
	{ "coverage", "", "date" },
	{ "no-shows", "", "date" },
	{ "performance", "?by=staff", "key" },
};

START_TEST(test_csv_matches_json)
{
	struct range		 g;
	struct http_res		 res, jres;
	struct json_object	*o, *it;
	struct csv		 c;
	struct buf		 url;
	size_t			 nrows, i;
	const char		*name = reports[_i][0];

	wide(&g);
	buf_init(&url);
	buf_printf(&url, R "%s%s%sfrom=%s&to=%s", name, reports[_i][1],
	    reports[_i][1][0] != '\0' ? "&" : "?", g.from, g.to);
	api_get_as(buf_cstr(&url), tok_owner, &jres);
	o = api_json_ok(&jres, 200);
	buf_puts(&url, "&format=csv");
	api_get_as(buf_cstr(&url), tok_owner, &res);
	csv_ok(&res, name, &g, &c);
	ck_assert_str_eq(csv_at(&c, 0, 0), reports[_i][2]);
	nrows = strcmp(name, "summary") == 0 ? 1 : api_nitems(o);
	ck_assert_uint_eq(c.nrows, nrows + 1);
	ck_assert_uint_ge(nrows, 1);
	if (strcmp(name, "summary") == 0) {
		ck_assert_int_eq(strtoll(csv_at(&c, 1, csv_col(&c,
		    "spendCents")), NULL, 10), api_num(o, "spendCents"));
		ck_assert_str_eq(csv_at(&c, 1, csv_col(&c, "hubId")), "");
		ck_assert_double_eq_tol(strtod(csv_at(&c, 1, csv_col(&c,
		    "fillRate")), NULL), dbl(o, "fillRate"), 1e-9);
	} else
		for (i = 0; i < nrows; i++) {
			it = api_item(o, i);
			if (strcmp(name, "no-shows") == 0)
				ck_assert_str_eq(csv_at(&c, i + 1,
				    csv_col(&c, "assignmentId")),
				    api_str(it, "assignmentId"));
			else if (strcmp(name, "coverage") == 0)
				ck_assert_int_eq(strtoll(csv_at(&c, i + 1,
				    csv_col(&c, "needed")), NULL, 10),
				    api_num(it, "needed"));
			else {
				ck_assert_str_eq(csv_at(&c, i + 1,
				    csv_col(&c, "key")), api_str(it, "key"));
				ck_assert_str_eq(csv_at(&c, i + 1,
				    csv_col(&c, "name")), api_str(it, "name"));
			}
		}
	csv_free(&c);
	http_res_free(&res);
	http_res_free(&jres);
	buf_cleanup(&url);
}
END_TEST

START_TEST(test_csv_negotiation)
{
	struct range	 g;
	struct http_res	 res;
	struct csv	 c;
	char		 url[256];

	wide(&g);
	snprintf(url, sizeof(url), R "coverage?from=%s&to=%s", g.from, g.to);
	get_accept(url, tok_owner, "text/csv", &res);
	csv_ok(&res, "coverage", &g, &c);
	csv_free(&c);
	/* Caches must key the answer on Accept too. */
	ck_assert_ptr_nonnull(strstr(buf_cstr(&res.headers), "Vary: Accept"));
	http_res_free(&res);
	get_accept(url, tok_owner, "application/json;q=0.5, text/csv", &res);
	csv_ok(&res, "coverage", &g, &c);
	csv_free(&c);
	http_res_free(&res);
	get_accept(url, tok_owner, "application/json", &res);
	(void)api_json_ok(&res, 200);
	http_res_free(&res);
	get_accept(url, tok_owner, "text/csv;q=0.4, application/json", &res);
	(void)api_json_ok(&res, 200);
	http_res_free(&res);
	get_accept(url, tok_owner, "*/*", &res);
	(void)api_json_ok(&res, 200);
	http_res_free(&res);
	get_accept(url, tok_owner, NULL, &res);
	(void)api_json_ok(&res, 200);
	http_res_free(&res);
	/* format wins over Accept. */
	snprintf(url, sizeof(url), R "coverage?from=%s&to=%s&format=json",
	    g.from, g.to);
	get_accept(url, tok_owner, "text/csv", &res);
	(void)api_json_ok(&res, 200);
	http_res_free(&res);
	snprintf(url, sizeof(url), R "coverage?from=%s&to=%s&format=csv",
	    g.from, g.to);
	get_accept(url, tok_owner, "application/json", &res);
	csv_ok(&res, "coverage", &g, &c);
	csv_free(&c);
	http_res_free(&res);
	/* Errors stay JSON envelopes. */
	get_accept(R "spend?groupBy=colour", tok_owner, "text/csv", &res);
	api_envelope(&res, 400, "VALIDATION_ERROR", "groupBy");
	http_res_free(&res);
	get_accept(R "spend?hubId=" HUB_LDN, tok_owner, "text/csv", &res);
	api_envelope(&res, 404, "NOT_FOUND", NULL);
	http_res_free(&res);
}
END_TEST

/* The list in CSV: every row, no paging parameters, says it is whole. */
START_TEST(test_csv_list_whole)
{
	struct range	 g;
	struct http_res	 res;
	struct csv	 c;
	char		 url[256], v[64];

	wide(&g);
	snprintf(url, sizeof(url), R "no-shows?from=%s&to=%s&format=csv",
	    g.from, g.to);
	api_get_as(url, tok_owner, &res);
	csv_ok(&res, "no-shows", &g, &c);
	ck_assert_uint_eq(c.nrows, 2);
	ck_assert_str_eq(csv_at(&c, 1, csv_col(&c, "orderNumber")),
	    "ORD-1002");
	csv_free(&c);
	ck_assert_ptr_nonnull(http_header(&res, "X-Report-Truncated", v,
	    sizeof(v)));
	ck_assert_str_eq(v, "false");
	ck_assert_ptr_nonnull(http_header(&res, "X-Report-Row-Cap", v,
	    sizeof(v)));
	ck_assert_str_eq(v, "10000");
	http_res_free(&res);
	api_expect_invalid(R "no-shows?format=csv&limit=5", tok_owner,
	    "limit");
	api_expect_invalid(R "no-shows?format=csv&cursor=WyJhIl0", tok_owner,
	    "cursor");
}
END_TEST

/*
 * Rules
 */
static const char *const bad_paths[][2] = {
	{ R "summary?format=xml", "format" },
	{ R "summary?format=CSV", "format" },
	{ R "summary?from=2026-02-30", "from" },
	{ R "summary?from=yesterday", "from" },
	{ R "summary?from=2026-01-01T00:00:00Z", "from" },
	{ R "summary?to=2026-1-1", "to" },
	{ R "summary?from=2026-03-10&to=2026-03-01", "to" },
	{ R "summary?from=2025-01-01&to=2026-12-31", "to" },
	{ R "summary?graceMinutes=-1", "graceMinutes" },
	{ R "summary?graceMinutes=241", "graceMinutes" },
	{ R "summary?graceMinutes=five", "graceMinutes" },
	{ R "summary?hubId=nope", "hubId" },
	{ R "summary?limit=5", "limit" },
	{ R "summary?from=2026-01-01&from=2026-01-02", "from" },
	{ R "spend?groupBy=staff", "groupBy" },
	{ R "spend?period=year", "period" },
	{ R "hours?groupBy=vendor", "groupBy" },
	{ R "coverage?colour=red", "colour" },
	{ R "no-shows?limit=0", "limit" },
	{ R "no-shows?limit=201", "limit" },
	{ R "no-shows?cursor=bm90LWEtY3Vyc29y", "cursor" },
	{ R "performance?by=hub", "by" },
	{ R "performance?graceMinutes=1000", "graceMinutes" },
};

START_TEST(test_bad_parameters)
{
	api_expect_invalid(bad_paths[_i][0], tok_owner, bad_paths[_i][1]);
}
END_TEST

static const char *const report_paths[] = {
	R "summary", R "spend", R "hours", R "coverage", R "no-shows",
	R "performance",
};

START_TEST(test_staff_and_admin_forbidden)
{
	struct http_res	 res;

	api_get_as(report_paths[_i], tok_staff, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_get_as(report_paths[_i], tok_admin, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_get_as(report_paths[_i], NULL, &res);
	ck_assert_int_eq(res.status, 401);
	http_res_free(&res);
}
END_TEST

/* A hub of another business, a missing one, one the manager does not
 * see: 404 alike, in both formats. */
START_TEST(test_foreign_hub_404)
{
	char	 url[256];

	snprintf(url, sizeof(url), "%s?hubId=" HUB_LDN, report_paths[_i]);
	api_expect_404(url, tok_owner);
	snprintf(url, sizeof(url), "%s?hubId=" MISSING "&format=csv",
	    report_paths[_i]);
	api_expect_404(url, tok_owner);
	snprintf(url, sizeof(url), "%s?hubId=" HUB_SF, report_paths[_i]);
	api_expect_404(url, tok_manager);
	snprintf(url, sizeof(url), "%s?hubId=" HUB_NY, report_paths[_i]);
	api_expect_404(url, tok_other);
}
END_TEST

/*
 * The fixture: a worker of Demo Staffing Co called =SUM(1+1) O"Brien, Jr
 * with a no-show on ORD-1011's servers and a completed shift on
 * ORD-1001's servers, clocked in 20 minutes late.
 */
static void
fixture_remove(void)
{
	mem_free(api_sql("DELETE FROM time_entries WHERE id = '" FX_ENTRY "';"
	    "DELETE FROM assignments WHERE id IN ('" FX_NOSHOW "', '"
	    FX_LATE "'); DELETE FROM staff WHERE id = '" FX_STAFF "'"));
}

static void
fixture_add(void)
{
	fixture_remove();
	mem_free(api_sql("INSERT INTO staff (id, tenant_id, vendor_id, "
	    "first_name, last_name, status) VALUES ('" FX_STAFF "', '"
	    ID("000000000001") "', '" VENDOR_DEMO "', '=SUM(1+1)', "
	    "'O\"Brien, Jr', 'active');"
	    "INSERT INTO assignments (id, tenant_id, business_id, shift_id, "
	    "position_id, vendor_id, staff_id, status, assigned_at, "
	    "confirmed_at) SELECT '" FX_NOSHOW "', p.tenant_id, "
	    "p.business_id, p.shift_id, p.id, p.vendor_id, '" FX_STAFF "', "
	    "'no_show', now(), now() FROM shift_positions p WHERE p.id = '"
	    ID("000000081112") "';"
	    "INSERT INTO assignments (id, tenant_id, business_id, shift_id, "
	    "position_id, vendor_id, staff_id, status, assigned_at, "
	    "confirmed_at, checked_in_at, checked_out_at, completed_at) "
	    "SELECT '" FX_LATE "', p.tenant_id, p.business_id, p.shift_id, "
	    "p.id, p.vendor_id, '" FX_STAFF "', 'completed', now(), now(), "
	    "s.starts_at + interval '20 minutes', s.ends_at, s.ends_at "
	    "FROM shift_positions p JOIN shifts s ON s.id = p.shift_id "
	    "WHERE p.id = '" ID("000000080112") "';"
	    "INSERT INTO time_entries (id, tenant_id, business_id, "
	    "assignment_id, staff_id, shift_id, clock_in_at, clock_out_at, "
	    "clock_in_method, clock_out_method, break_minutes, status) "
	    "SELECT '" FX_ENTRY "', a.tenant_id, a.business_id, a.id, "
	    "a.staff_id, a.shift_id, a.checked_in_at, a.checked_out_at, "
	    "'geofence', 'geofence', 30, 'approved' FROM assignments a "
	    "WHERE a.id = '" FX_LATE "'"));
}

START_TEST(test_fixture_csv_cells)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;
	struct csv		 c;
	char			 url[256];
	size_t			 row;

	wide(&g);
	/* JSON carries the names as they are. */
	o = get_range(R "no-shows", &g, tok_owner, &res);
	ck_assert_int_eq(api_num(o, "total"), 2);
	it = find(o, "assignmentId", FX_NOSHOW);
	ck_assert_str_eq(api_str(it, "staff.firstName"), "=SUM(1+1)");
	ck_assert_str_eq(api_str(it, "staff.lastName"), "O\"Brien, Jr");
	/* Latest shift first: Maya's (-5 days) before ORD-1011 (-20). */
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"),
	    ID("000000802122"));
	http_res_free(&res);

	/* CSV: defused and quoted. */
	snprintf(url, sizeof(url), R "no-shows?from=%s&to=%s&format=csv",
	    g.from, g.to);
	api_get_as(url, tok_owner, &res);
	csv_ok(&res, "no-shows", &g, &c);
	ck_assert_uint_eq(c.nrows, 3);
	row = csv_row(&c, "assignmentId", FX_NOSHOW);
	ck_assert_str_eq(csv_at(&c, row, csv_col(&c, "firstName")),
	    "'=SUM(1+1)");
	ck_assert_str_eq(csv_at(&c, row, csv_col(&c, "lastName")),
	    "O\"Brien, Jr");
	ck_assert_ptr_nonnull(strstr(res.body,
	    ",'=SUM(1+1),\"O\"\"Brien, Jr\",Demo Staffing Co,"));
	csv_free(&c);
	http_res_free(&res);

	snprintf(url, sizeof(url), R "hours?from=%s&to=%s&format=csv",
	    g.from, g.to);
	api_get_as(url, tok_owner, &res);
	csv_ok(&res, "hours", &g, &c);
	row = csv_row(&c, "key", FX_STAFF);
	ck_assert_str_eq(csv_at(&c, row, csv_col(&c, "name")),
	    "'=SUM(1+1) O\"Brien, Jr");
	ck_assert_ptr_nonnull(strstr(res.body,
	    "\"'=SUM(1+1) O\"\"Brien, Jr\""));
	/* 6 hours less 20 minutes late and a 30-minute break. */
	ck_assert_str_eq(csv_at(&c, row, csv_col(&c, "workedMinutes")),
	    "310");
	csv_free(&c);
	http_res_free(&res);
}
END_TEST

START_TEST(test_fixture_late_and_no_show)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o, *it;

	wide(&g);
	o = get_range(R "performance", &g, tok_owner, &res);
	it = find(o, "key", FX_STAFF);
	ck_assert_int_eq(api_num(it, "shiftsAssigned"), 2);
	ck_assert_int_eq(api_num(it, "shiftsCompleted"), 1);
	ck_assert_int_eq(api_num(it, "noShows"), 1);
	ck_assert_double_eq_tol(dbl(it, "noShowRate"), 0.5, 1e-9);
	ck_assert_int_eq(api_num(it, "clockIns"), 1);
	ck_assert_int_eq(api_num(it, "lateClockIns"), 1);
	ck_assert_double_eq_tol(dbl(it, "onTimeRate"), 0, 1e-9);
	ck_assert_int_eq(api_num(it, "workedMinutes"), 310);
	http_res_free(&res);
	/* 20 minutes late is not more than 20 minutes of grace. */
	o = get_range(R "performance?graceMinutes=20", &g, tok_owner, &res);
	it = find(o, "key", FX_STAFF);
	ck_assert_int_eq(api_num(it, "lateClockIns"), 0);
	ck_assert_double_eq_tol(dbl(it, "onTimeRate"), 1, 1e-9);
	http_res_free(&res);
	o = get_range(R "summary?graceMinutes=19", &g, tok_owner, &res);
	ck_assert_int_eq(api_num(o, "lateClockIns"), 1);
	ck_assert_int_eq(api_num(o, "graceMinutes"), 19);
	http_res_free(&res);
	/* Every figure still agrees with SQL, late clock-in included. */
	check_summary(tok_owner, &g, "", "", "");
	check_coverage(tok_owner, &g, "");
	o = get_range(R "summary", &g, tok_owner, &res);
	ck_assert_int_eq(api_num(o, "noShows"), 2);
	ck_assert_int_eq(api_num(o, "lateClockIns"), 1);
	/* 310 minutes at $30.00 accrue. */
	ck_assert_int_eq(api_num(o, "accruedCents"), 25000 + 15500);
	http_res_free(&res);
}
END_TEST

/* Walk the no-shows one per page. */
START_TEST(test_fixture_no_show_pages)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o;
	char			 url[512];
	char			*cursor;

	wide(&g);
	snprintf(url, sizeof(url), R "no-shows?from=%s&to=%s&limit=1",
	    g.from, g.to);
	api_get_as(url, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"),
	    ID("000000802122"));
	ck_assert_ptr_nonnull(api_next_cursor(o));
	cursor = mem_strdup(api_next_cursor(o));
	http_res_free(&res);
	snprintf(url, sizeof(url), R "no-shows?from=%s&to=%s&limit=1&"
	    "cursor=%s", g.from, g.to, cursor);
	api_get_as(url, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), FX_NOSHOW);
	ck_assert_ptr_null(api_next_cursor(o));
	ck_assert_int_eq(api_num(o, "total"), 2);
	http_res_free(&res);
	mem_free(cursor);
}
END_TEST

/*
 * The scale tenant that check_client generates (scale-$KROW_TEST_SCALE,
 * default 1; none with 0): a year of one business's reports against
 * SQL.  Does nothing when the tenant is not there.
 */
START_TEST(test_scale_year)
{
	struct range		 g;
	struct http_res		 res;
	struct json_object	*o;
	struct csv		 c;
	const char		*e;
	char			 uid[64], q[512], url[256], biz[64];
	char			*b, *tok, *f, *t;
	long long		 total;
	int			 n;

	e = getenv("KROW_TEST_SCALE");
	n = e != NULL && *e != '\0' ? atoi(e) : 1;
	if (n <= 0)
		return;
	snprintf(uid, sizeof(uid), "scale-%d-owner-1", n);
	snprintf(q, sizeof(q), "SELECT coalesce((SELECT business_id::text "
	    "FROM users WHERE provider_uid = '%s'), '')", uid);
	b = api_sql(q);
	snprintf(biz, sizeof(biz), "%s", b);
	mem_free(b);
	if (biz[0] == '\0')
		return;
	tok = http_mint(uid, 0, 3600, 0);
	ck_assert_ptr_nonnull(tok);
	f = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 365");
	t = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date");
	snprintf(g.from, sizeof(g.from), "%s", f);
	snprintf(g.to, sizeof(g.to), "%s", t);
	mem_free(f);
	mem_free(t);
#define SLIVE \
	"FROM shifts s JOIN orders o ON o.id = s.order_id JOIN hubs h ON " \
	"h.id = s.hub_id WHERE s.business_id = '%s' AND s.status <> " \
	"'cancelled' AND o.status NOT IN ('draft', 'cancelled') AND " \
	"(s.starts_at AT TIME ZONE h.time_zone)::date BETWEEN '%s' AND '%s'"
	o = get_range(R "summary", &g, tok, &res);
	ck_assert_int_eq(api_num(o, "shifts"), sqlnum("SELECT count(*) "
	    SLIVE, biz, g.from, g.to));
	total = sqlnum("SELECT count(*) FROM assignments a WHERE a.status = "
	    "'no_show' AND a.shift_id IN (SELECT s.id " SLIVE ")", biz,
	    g.from, g.to);
	ck_assert_int_eq(api_num(o, "noShows"), total);
	ck_assert_int_gt(api_num(o, "shifts"), 10000);
	ck_assert_int_eq(api_num(o, "invoicedCents"), sqlnum("SELECT "
	    "coalesce(sum(amount_cents), 0) FROM invoice_lines WHERE "
	    "business_id = '%s' AND work_date BETWEEN '%s' AND '%s'", biz,
	    g.from, g.to));
	http_res_free(&res);
	/* The whole list in one CSV. */
	snprintf(url, sizeof(url), R "no-shows?from=%s&to=%s&format=csv",
	    g.from, g.to);
	api_get_as(url, tok, &res);
	csv_ok(&res, "no-shows", &g, &c);
	ck_assert_uint_eq(c.nrows, (size_t)total + 1);
	csv_free(&c);
	http_res_free(&res);
	o = get_range(R "performance", &g, tok, &res);
	ck_assert_uint_eq(api_nitems(o), (size_t)sqlnum("SELECT "
	    "count(DISTINCT a.staff_id) FROM assignments a WHERE a.status "
	    "NOT IN ('applied', 'declined', 'cancelled') AND a.shift_id IN "
	    "(SELECT s.id " SLIVE ")", biz, g.from, g.to));
	ck_assert_int_eq(api_num(o, "totals.noShows"), total);
	http_res_free(&res);
#undef SLIVE
	mem_free(tok);
}
END_TEST

static Suite *
reports_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("reports");
	tc = api_tcase(s, "summary", 120);
	tcase_add_test(tc, test_summary_owner);
	tcase_add_test(tc, test_summary_hub_and_manager);
	tcase_add_test(tc, test_default_range);
	tc = api_tcase(s, "spend", 120);
	tcase_add_test(tc, test_spend_groups);
	tcase_add_test(tc, test_spend_periods);
	tc = api_tcase(s, "hours", 120);
	tcase_add_test(tc, test_hours);
	tc = api_tcase(s, "coverage", 120);
	tcase_add_test(tc, test_coverage);
	tc = api_tcase(s, "no-shows", 120);
	tcase_add_test(tc, test_no_shows);
	tc = api_tcase(s, "performance", 120);
	tcase_add_test(tc, test_performance);
	tc = api_tcase(s, "csv", 120);
	tcase_add_loop_test(tc, test_csv_matches_json, 0,
	    sizeof(reports) / sizeof(reports[0]));
	tcase_add_test(tc, test_csv_negotiation);
	tcase_add_test(tc, test_csv_list_whole);
	tc = api_tcase(s, "rules", 120);
	tcase_add_loop_test(tc, test_bad_parameters, 0,
	    sizeof(bad_paths) / sizeof(bad_paths[0]));
	tcase_add_loop_test(tc, test_staff_and_admin_forbidden, 0,
	    sizeof(report_paths) / sizeof(report_paths[0]));
	tcase_add_loop_test(tc, test_foreign_hub_404, 0,
	    sizeof(report_paths) / sizeof(report_paths[0]));
	tc = api_tcase(s, "scale", 120);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_scale_year);
	/* Last: the fixture is added before and removed after it. */
	tc = api_tcase(s, "fixture", 120);
	tcase_add_unchecked_fixture(tc, fixture_add, fixture_remove);
	tcase_add_test(tc, test_fixture_csv_cells);
	tcase_add_test(tc, test_fixture_late_and_no_show);
	tcase_add_test(tc, test_fixture_no_show_pages);
	return s;
}

/* The suite's tokens. */
static void
run_setup(void)
{
	tok_owner = api_mint("demo-owner");
	tok_manager = api_mint("demo-manager");
	tok_other = api_mint("other-owner");
	tok_staff = api_mint("demo-staff");
	tok_admin = api_mint("demo-admin");
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_manager);
	mem_free(tok_other);
	mem_free(tok_staff);
	mem_free(tok_admin);
}

/*
 * Run the suite against $KROW_TEST_URL; exit 77 (skipped) when it is not
 * set, 0 when every test passed, 1 otherwise.
 */
int
main(void)
{
	return api_main("check_reports", reports_suite, run_setup,
	    run_teardown);
}
