/*
 * check_client: integration tests of the client read models (krow-query,
 * /query/client/...) through nginx with real tokens, against the demo
 * data (sql/demo.sql).  Expected values come either from constants of
 * demo.sql or from SQL written here independently of the route's own
 * statement, run with "$KROW_TEST_STACK psql $KROW_TEST_STATE" (the demo
 * data is relative to now(), so sums over dates are recomputed).
 * Without $KROW_TEST_URL it skips (exit 77).  The scale test first adds
 * the generated tenant scale-$KROW_TEST_SCALE (default 1; 0: no scale
 * test) with sql/generate.sql.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "buf.h"
#include "mem.h"
#include "uuid.h"
#include "api.h"
#include "http.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define TENANT		ID("000000000001")
#define BIZ		ID("000000000101")
#define OTHER_BIZ	ID("000000000102")
#define HUB_NY		ID("000000000501")
#define HUB_SF		ID("000000000502")
#define HUB_AKL		ID("000000000503")
#define HUB_CHI		ID("000000000504")
#define HUB_LDN		ID("000000000511")
#define VENDOR_DEMO	ID("000000000201")
#define VENDOR_METRO	ID("000000000202")
#define VENDOR_HARBOR	ID("000000000203")
#define MANAGER_USER	ID("000000000406")
#define OWNER_USER	ID("000000000401")
#define MISSING		ID("0000000fffff")

/* Tokens, minted once per process with the stack's signing key. */
static char	*tok_owner, *tok_manager, *tok_other, *tok_staff,
		*tok_admin;
















/*
 * Walk a list with limit per page: every page has at most limit items,
 * no id repeats, and the union has exactly want items.  idkey names the
 * id member of an item.
 */
static void
walk(const char *path, const char *token, int limit, const char *idkey,
    size_t want)
{
	struct http_res	 res;
	struct buf	 url, seen;
	struct json_object *o;
	const char	*cur, *id;
	char		*cursor = NULL;
	size_t		 total = 0, i, pages = 0;

	buf_init(&url);
	buf_init(&seen);
	for (;;) {
		buf_reset(&url);
		buf_printf(&url, "%s%slimit=%d", path,
		    strchr(path, '?') != NULL ? "&" : "?", limit);
		if (cursor != NULL)
			buf_printf(&url, "&cursor=%s", cursor);
		api_get_as(buf_cstr(&url), token, &res);
		o = api_json_ok(&res, 200);
		ck_assert_uint_le(api_nitems(o), (size_t)limit);
		for (i = 0; i < api_nitems(o); i++) {
			id = api_str(api_item(o, i), idkey);
			ck_assert_msg(strstr(buf_cstr(&seen), id) == NULL,
			    "%s seen twice walking %s", id, path);
			buf_puts(&seen, id);
			buf_putc(&seen, ' ');
			total++;
		}
		mem_free(cursor);
		cursor = NULL;
		cur = api_next_cursor(o);
		if (cur != NULL)
			cursor = mem_strdup(cur);
		http_res_free(&res);
		ck_assert_uint_lt(++pages, 1000);
		if (cursor == NULL)
			break;
	}
	ck_assert_uint_eq(total, want);
	buf_cleanup(&url);
	buf_cleanup(&seen);
}

/*
 * /query/client/hubs
 */
START_TEST(test_hubs_owner)
{
	struct http_res		 res;
	struct json_object	*o, *h;

	api_get_as("/query/client/hubs", tok_owner, &res);
	o = api_json_ok(&res, 200);
	/* The three active hubs of demo.sql, by name. */
	ck_assert_uint_eq(api_nitems(o), 3);
	ck_assert_str_eq(api_str(api_item(o, 0), "name"), "Bayview Conference Center");
	ck_assert_str_eq(api_str(api_item(o, 1), "name"), "Downtown Grand Hotel");
	ck_assert_str_eq(api_str(api_item(o, 2), "name"), "Harbourside Pavilion");
	ck_assert_ptr_null(api_next_cursor(o));
	h = api_find_ok(o, "hubId", HUB_AKL);
	ck_assert_str_eq(api_str(h, "timeZone"), "Pacific/Auckland");
	ck_assert_str_eq(api_str(h, "address.city"), "Auckland");
	ck_assert_double_eq_tol(json_object_get_double(api_member(h,
	    "location.latitude")), -36.843, 1e-6);
	ck_assert_int_eq(api_num(h, "nfcTagCount"), 1);
	h = api_find_ok(o, "hubId", HUB_NY);
	ck_assert_int_eq(api_num(h, "nfcTagCount"), 2);
	ck_assert_int_eq(api_num(h, "managerCount"), 1);
	ck_assert_int_eq(api_num(h, "geofenceRadiusMeters"), 150);
	ck_assert_int_eq(json_object_array_length(api_member(h,
	    "clockInMethods")), 3);
	ck_assert(api_find(o, "hubId", HUB_LDN) == NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_hubs_status_filter)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/client/hubs?status=archived", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "hubId"), HUB_CHI);
	ck_assert_str_eq(api_str(api_item(o, 0), "status"), "archived");
	http_res_free(&res);
	api_get_as("/query/client/hubs?status=all", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "hubs WHERE business_id = '" BIZ "'"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_hubs_pages)
{
	walk("/query/client/hubs?status=all", tok_owner, 1, "hubId", 4);
	walk("/query/client/hubs?status=all", tok_owner, 3, "hubId", 4);
}
END_TEST

START_TEST(test_hubs_manager_restricted)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/client/hubs?status=all", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "hubId"), HUB_NY);
	http_res_free(&res);
}
END_TEST

START_TEST(test_hubs_other_business)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/client/hubs?status=all", tok_other, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "hubId"), HUB_LDN);
	http_res_free(&res);
}
END_TEST

/* Bad parameters of list routes: each names its field. */
static const char *const bad_paths[][2] = {
	{ "/query/client/hubs?limit=0", "limit" },
	{ "/query/client/hubs?limit=201", "limit" },
	{ "/query/client/hubs?limit=ten", "limit" },
	{ "/query/client/hubs?limit=-1", "limit" },
	{ "/query/client/hubs?status=closed", "status" },
	{ "/query/client/hubs?cursor=bm90LWEtY3Vyc29y", "cursor" },
	{ "/query/client/hubs?cursor=%25%25", "cursor" },
	{ "/query/client/hubs?cursor=WyJhIiwibm8iXQ", "cursor" },
	{ "/query/client/hubs?colour=red", "colour" },
	{ "/query/client/hubs?limit=1&limit=2", "limit" },
	{ "/query/client/cost-centers?status=x", "status" },
	{ "/query/client/vendors?status=gone", "status" },
	{ "/query/client/vendors/not-a-uuid/roles", "vendorId" },
	{ "/query/client/hubs/123/managers", "hubId" },
	{ "/query/client/billing/accounts?limit=1000", "limit" },
	{ "/query/client/billing/invoices/pending?status=paid", "status" },
	{ "/query/client/billing/invoices/pending?vendorId=x", "vendorId" },
	{ "/query/client/billing/invoices/history?from=2026-02-30", "from" },
	{ "/query/client/billing/invoices/history?from=2026-03-01&"
	    "to=2026-02-01", "to" },
	{ "/query/client/billing/invoices/history?from=2020-01-01&"
	    "to=2026-01-01", "to" },
	{ "/query/client/billing/invoices/history?to=yesterday", "to" },
	{ "/query/client/orders/view?status=open,nope", "status" },
	{ "/query/client/orders/view?hubId=501", "hubId" },
	{ "/query/client/orders/view?from=2026-01-01T00:00:00", "from" },
	{ "/query/client/coverage?from=2026-05-10&to=2026-05-01", "to" },
	{ "/query/client/coverage?cursor=WyIyMDI2LTAxLTAxIiwiYSJd", "cursor" },
	{ "/query/client/coverage/stats?hubId=%20", "hubId" },
	{ "/query/client/coverage/stats?limit=5", "limit" },
	{ "/query/client/dashboard?hubId=zzz", "hubId" },
	{ "/query/client/dashboard?from=2026-01-01", "from" },
};

START_TEST(test_bad_parameters)
{
	api_expect_invalid(bad_paths[_i][0], tok_owner, bad_paths[_i][1]);
}
END_TEST

/* A staff token is refused on every client route. */
static const char *const client_paths[] = {
	"/query/client/hubs", "/query/client/cost-centers",
	"/query/client/vendors", "/query/client/vendors/" VENDOR_DEMO "/roles",
	"/query/client/hubs/" HUB_NY "/managers",
	"/query/client/billing/accounts",
	"/query/client/billing/invoices/pending",
	"/query/client/billing/invoices/history", "/query/client/orders/view",
	"/query/client/coverage", "/query/client/coverage/stats",
	"/query/client/dashboard", "/query/client/reorders",
	"/query/client/billing/current-bill", "/query/client/billing/savings",
	"/query/client/billing/spend-breakdown",
};

START_TEST(test_staff_and_admin_forbidden)
{
	struct http_res	 res;

	api_get_as(client_paths[_i], tok_staff, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_get_as(client_paths[_i], tok_admin, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_every_route_answers_owner)
{
	struct http_res	 res;

	api_get_as(client_paths[_i], tok_owner, &res);
	(void)api_json_ok(&res, 200);
	http_res_free(&res);
}
END_TEST

/*
 * Every id of another business, of a hub the manager does not see, and
 * every missing id answer 404 the same way.
 */
static const char *const foreign_paths[][2] = {
	{ "/query/client/hubs/" HUB_LDN "/managers", "owner" },
	{ "/query/client/hubs/" MISSING "/managers", "owner" },
	{ "/query/client/hubs/" HUB_SF "/managers", "manager" },
	{ "/query/client/hubs/" HUB_NY "/managers", "other" },
	{ "/query/client/vendors/" VENDOR_METRO "/roles", "other" },
	{ "/query/client/vendors/" MISSING "/roles", "owner" },
	{ "/query/client/billing/invoices/pending?vendorId=" VENDOR_METRO,
	    "other" },
	{ "/query/client/billing/invoices/history?vendorId=" MISSING,
	    "owner" },
	{ "/query/client/orders/view?hubId=" HUB_LDN, "owner" },
	{ "/query/client/orders/view?hubId=" HUB_SF, "manager" },
	{ "/query/client/coverage?hubId=" HUB_LDN, "owner" },
	{ "/query/client/coverage?hubId=" HUB_AKL, "manager" },
	{ "/query/client/coverage/stats?hubId=" HUB_NY, "other" },
	{ "/query/client/dashboard?hubId=" HUB_LDN, "owner" },
	{ "/query/client/dashboard?hubId=" MISSING, "manager" },
};

START_TEST(test_foreign_ids_404)
{
	const char	*who = foreign_paths[_i][1], *tok;

	tok = strcmp(who, "owner") == 0 ? tok_owner :
	    strcmp(who, "manager") == 0 ? tok_manager : tok_other;
	api_expect_404(foreign_paths[_i][0], tok);
}
END_TEST

/*
 * /query/client/hubs/:hubId/managers
 */
START_TEST(test_hub_managers)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/client/hubs/" HUB_NY "/managers", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "hub.hubId"), HUB_NY);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "userId"), MANAGER_USER);
	ck_assert_str_eq(api_str(api_item(o, 0), "displayName"), "Mia Manager");
	ck_assert_str_eq(api_str(api_item(o, 0), "role"), "manager");
	http_res_free(&res);
	/* The manager sees its own hub. */
	api_get_as("/query/client/hubs/" HUB_NY "/managers", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	http_res_free(&res);
	api_get_as("/query/client/hubs/" HUB_SF "/managers", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "userId"), OWNER_USER);
	http_res_free(&res);
	/* A hub without managers: an empty list, not 404. */
	api_get_as("/query/client/hubs/" HUB_AKL "/managers", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 0);
	ck_assert_ptr_null(api_next_cursor(o));
	http_res_free(&res);
}
END_TEST

/*
 * /query/client/cost-centers
 */
START_TEST(test_cost_centers)
{
	struct http_res		 res;
	struct json_object	*o, *c;
	long long		 want;

	api_get_as("/query/client/cost-centers", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);		/* HSK is archived */
	ck_assert_str_eq(api_str(api_item(o, 0), "code"), "EVT");
	ck_assert_str_eq(api_str(api_item(o, 1), "code"), "FNB");
	c = api_item(o, 0);
	ck_assert_int_eq(api_num(c, "monthlyBudgetCents"), 5000000);
	ck_assert_str_eq(api_str(c, "currency"), "USD");
	want = api_sql_num("SELECT coalesce(sum(l.amount_cents), 0) FROM "
	    "invoice_lines l JOIN cost_centers c ON c.id = l.cost_center_id "
	    "WHERE c.code = 'EVT' AND c.business_id = '" BIZ "' AND "
	    "to_char(l.work_date, 'YYYY-MM') = to_char(now() AT TIME ZONE "
	    "'UTC', 'YYYY-MM')");
	ck_assert_int_eq(api_num(c, "billedThisMonthCents"), want);
	http_res_free(&res);
	api_get_as("/query/client/cost-centers?status=all", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 3);
	http_res_free(&res);
	walk("/query/client/cost-centers?status=all", tok_owner, 2,
	    "costCenterId", 3);
}
END_TEST

/*
 * /query/client/vendors and /vendors/:vendorId/roles
 */
START_TEST(test_vendors)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/client/vendors", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 3);
	ck_assert_str_eq(api_str(api_find_ok(o, "vendorId", VENDOR_DEMO),
	    "approvalStatus"), "approved");
	ck_assert_str_eq(api_str(api_find_ok(o, "vendorId", VENDOR_HARBOR),
	    "approvalStatus"), "pending");
	ck_assert_int_eq(api_num(api_find_ok(o, "vendorId", VENDOR_METRO),
	    "activeRoleCount"), 3);
	ck_assert_int_eq(api_num(api_find_ok(o, "vendorId", VENDOR_DEMO),
	    "activeStaffCount"), api_sql_num("SELECT count(*) FROM staff WHERE "
	    "vendor_id = '" VENDOR_DEMO "' AND status = 'active'"));
	http_res_free(&res);
	api_get_as("/query/client/vendors?status=approved", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert(api_find(o, "vendorId", VENDOR_HARBOR) == NULL);
	http_res_free(&res);
	/* The other business works with one vendor only. */
	api_get_as("/query/client/vendors", tok_other, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "vendorId"), VENDOR_DEMO);
	http_res_free(&res);
	walk("/query/client/vendors", tok_owner, 2, "vendorId", 3);
}
END_TEST

/* The active staff count of a vendor follows every write of its staff. */
static long long
metro_active_staff(void)
{
	struct http_res		 res;
	long long		 n;

	api_get_as("/query/client/vendors", tok_owner, &res);
	n = api_num(api_find_ok(api_json_ok(&res, 200), "vendorId",
	    VENDOR_METRO), "activeStaffCount");
	http_res_free(&res);
	ck_assert_int_eq(n, api_sql_num("SELECT count(*) FROM staff WHERE "
	    "vendor_id = '" VENDOR_METRO "' AND status = 'active'"));
	return n;
}

START_TEST(test_vendor_staff_count)
{
	long long	 n;

	n = metro_active_staff();
	mem_free(api_sql("INSERT INTO staff (tenant_id, vendor_id, "
	    "first_name, last_name, email) VALUES ('" TENANT "', '"
	    VENDOR_METRO "', 'Count', 'One', 'count-1@metro.example'), ('"
	    TENANT "', '" VENDOR_METRO "', 'Count', 'Two', "
	    "'count-2@metro.example')"));
	ck_assert_int_eq(metro_active_staff(), n + 2);
	mem_free(api_sql("UPDATE staff SET status = 'suspended' "
	    "WHERE email = 'count-1@metro.example'"));
	ck_assert_int_eq(metro_active_staff(), n + 1);
	/* A profile edit of an active worker changes nothing. */
	mem_free(api_sql("UPDATE staff SET first_name = 'Counted' "
	    "WHERE email LIKE 'count-_@metro.example'"));
	ck_assert_int_eq(metro_active_staff(), n + 1);
	mem_free(api_sql("UPDATE staff SET vendor_id = '" VENDOR_DEMO "' "
	    "WHERE email = 'count-2@metro.example'"));
	ck_assert_int_eq(metro_active_staff(), n);
	mem_free(api_sql("UPDATE staff SET vendor_id = '" VENDOR_METRO "', "
	    "status = 'active' WHERE email LIKE 'count-_@metro.example'"));
	ck_assert_int_eq(metro_active_staff(), n + 2);
	mem_free(api_sql("DELETE FROM staff "
	    "WHERE email LIKE 'count-_@metro.example'"));
	ck_assert_int_eq(metro_active_staff(), n);
}
END_TEST

START_TEST(test_vendor_roles)
{
	struct http_res		 res;
	struct json_object	*o, *r;

	api_get_as("/query/client/vendors/" VENDOR_DEMO "/roles", tok_owner,
	    &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "vendor.name"), "Demo Staffing Co");
	ck_assert_uint_eq(api_nitems(o), 3);
	/* By name: Bartender, Line Cook, Server. */
	ck_assert_str_eq(api_str(api_item(o, 0), "name"), "Bartender");
	ck_assert_str_eq(api_str(api_item(o, 1), "name"), "Line Cook");
	ck_assert_str_eq(api_str(api_item(o, 2), "name"), "Server");
	r = api_item(o, 0);
	ck_assert_int_eq(api_num(r, "billRateCents"), 3500);
	ck_assert_int_eq(api_num(r, "referenceRateCents"), 4000);
	ck_assert_str_eq(api_str(r, "roleCode"), "bartender");
	/* The pay rate is the vendor's business, not the client's. */
	ck_assert(!json_object_object_get_ex(r, "payRateCents", NULL));
	http_res_free(&res);
	/* A pending vendor's roles are visible (to decide on approval). */
	api_get_as("/query/client/vendors/" VENDOR_HARBOR "/roles", tok_manager,
	    &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_str_eq(api_str(o, "vendor.approvalStatus"), "pending");
	http_res_free(&res);
	walk("/query/client/vendors/" VENDOR_METRO "/roles", tok_owner, 1,
	    "roleId", 3);
}
END_TEST

/*
 * /query/client/billing/accounts
 */
START_TEST(test_billing_accounts)
{
	struct http_res		 res;
	struct json_object	*o, *a;
	char			*monday;

	api_get_as("/query/client/billing/accounts", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);
	a = api_find_ok(o, "billingAccountId", ID("000000000651"));
	ck_assert(json_object_get_boolean(api_member(a, "isDefault")));
	ck_assert_str_eq(api_str(a, "paymentMethod.type"), "card");
	ck_assert_str_eq(api_str(a, "paymentMethod.last4"), "4242");
	ck_assert_str_eq(api_str(a, "billingCycle"), "weekly");
	/* Anchored on a Monday: the current ISO week (UTC). */
	monday = api_sql("SELECT date_trunc('week', now() AT TIME ZONE 'UTC')"
	    "::date");
	ck_assert_str_eq(api_str(a, "currentPeriod.start"), monday);
	mem_free(monday);
	ck_assert_int_eq(api_num(a, "outstandingCents"), api_sql_num("SELECT "
	    "sum(total_cents) FROM invoices WHERE billing_account_id = '"
	    ID("000000000651") "' AND status <> 'paid'"));
	ck_assert_int_eq(api_num(a, "openInvoiceCount"), 2);
	a = api_find_ok(o, "billingAccountId", ID("000000000652"));
	ck_assert_str_eq(api_str(a, "billingCycle"), "monthly");
	ck_assert_int_eq(strcmp(api_str(a, "currentPeriod.start") + 8, "01"), 0);
	http_res_free(&res);
	api_get_as("/query/client/billing/accounts", tok_other, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "billingAccountId"),
	    ID("000000000661"));
	http_res_free(&res);
}
END_TEST

/*
 * /query/client/billing/invoices/pending and /history
 */
START_TEST(test_invoices_pending)
{
	struct http_res		 res;
	struct json_object	*o, *i;

	api_get_as("/query/client/billing/invoices/pending", tok_owner, &res);
	o = api_json_ok(&res, 200);
	/* INV-1004 pending and INV-1003 disputed, by due date. */
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_int_eq(api_num(o, "summary.count"), 2);
	ck_assert_int_eq(api_num(o, "summary.totalCents"), api_sql_num("SELECT "
	    "sum(total_cents) FROM invoices WHERE business_id = '" BIZ "' AND "
	    "status IN ('pending', 'disputed')"));
	ck_assert_str_eq(api_str(api_item(o, 0), "invoiceNumber"), "INV-1004");
	ck_assert_str_eq(api_str(api_item(o, 1), "invoiceNumber"), "INV-1003");
	i = api_item(o, 0);
	ck_assert_int_eq(api_num(i, "subtotalCents") + api_num(i, "taxCents"),
	    api_num(i, "totalCents"));
	ck_assert_int_eq(api_num(i, "subtotalCents"), api_sql_num("SELECT "
	    "sum(round(te.worked_minutes * p.bill_rate_cents / 60.0)) FROM "
	    "time_entries te JOIN assignments a ON a.id = te.assignment_id "
	    "JOIN shift_positions p ON p.id = a.position_id JOIN shifts s ON "
	    "s.id = te.shift_id JOIN orders o ON o.id = s.order_id WHERE "
	    "o.order_number = 'ORD-1002' AND o.business_id = '" BIZ "'"));
	ck_assert_int_eq(api_num(i, "lineCount"), 2);
	ck_assert_str_eq(api_str(i, "vendor.vendorId"), VENDOR_DEMO);
	http_res_free(&res);

	api_get_as("/query/client/billing/invoices/pending?status=disputed",
	    tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	i = api_item(o, 0);
	ck_assert_str_eq(api_str(i, "status"), "disputed");
	ck_assert_str_eq(api_str(i, "disputeReason"),
	    "Tom Becker left two hours early");
	ck_assert_int_eq(api_num(i, "disputedLineCount"), 1);
	http_res_free(&res);

	api_get_as("/query/client/billing/invoices/pending?vendorId="
	    VENDOR_METRO, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "invoiceNumber"), "INV-1003");
	http_res_free(&res);

	/* A vendor with nothing pending: an empty list. */
	api_get_as("/query/client/billing/invoices/pending?vendorId="
	    VENDOR_HARBOR, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
	walk("/query/client/billing/invoices/pending", tok_owner, 1,
	    "invoiceId", 2);
}
END_TEST

/* INV-1004's lineCount, billedMinutes and disputedLineCount, as listed
 * and as counted from its lines. */
static void
inv1004_counts(long long *n, long long *mi, long long *d)
{
	struct http_res		 res;
	struct json_object	*i;

	api_get_as("/query/client/billing/invoices/pending", tok_owner, &res);
	i = api_find_ok(api_json_ok(&res, 200), "invoiceNumber", "INV-1004");
	*n = api_num(i, "lineCount");
	*mi = api_num(i, "billedMinutes");
	*d = api_num(i, "disputedLineCount");
	http_res_free(&res);
	ck_assert_int_eq(*n, api_sql_num("SELECT count(*) FROM invoice_lines "
	    "l JOIN invoices i ON i.id = l.invoice_id WHERE i.invoice_number "
	    "= 'INV-1004' AND i.business_id = '" BIZ "'"));
	ck_assert_int_eq(*mi, api_sql_num("SELECT coalesce(sum(l.minutes), "
	    "0) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id "
	    "WHERE i.invoice_number = 'INV-1004' AND i.business_id = '" BIZ
	    "'"));
	ck_assert_int_eq(*d, api_sql_num("SELECT count(*) FROM invoice_lines "
	    "l JOIN invoices i ON i.id = l.invoice_id WHERE i.invoice_number "
	    "= 'INV-1004' AND i.business_id = '" BIZ "' AND l.disputed"));
}

/* The line counts an invoice list shows follow every write of lines. */
START_TEST(test_invoice_line_counts)
{
	long long	 n, mi, d, n2, mi2, d2;

	inv1004_counts(&n, &mi, &d);
	mem_free(api_sql("INSERT INTO invoice_lines (tenant_id, business_id, "
	    "invoice_id, vendor_id, hub_id, cost_center_id, vendor_role_id, "
	    "work_date, description, minutes, rate_cents, amount_cents) "
	    "SELECT tenant_id, business_id, invoice_id, vendor_id, hub_id, "
	    "cost_center_id, vendor_role_id, work_date, 'Line count check', "
	    "m, rate_cents, round(m * rate_cents / 60.0) FROM (SELECT l.*, "
	    "g * 30 AS m FROM invoice_lines l JOIN invoices i ON i.id = "
	    "l.invoice_id, generate_series(1, 2) g WHERE i.invoice_number = "
	    "'INV-1004' AND i.business_id = '" BIZ "' ORDER BY l.id LIMIT 2) "
	    "x"));
	inv1004_counts(&n2, &mi2, &d2);
	ck_assert_int_eq(n2, n + 2);
	ck_assert_int_eq(mi2, mi + 90);
	ck_assert_int_eq(d2, d);
	mem_free(api_sql("UPDATE invoice_lines SET disputed = true, "
	    "minutes = 45, amount_cents = round(45 * rate_cents / 60.0) "
	    "WHERE description = 'Line count check' AND minutes = 60"));
	inv1004_counts(&n2, &mi2, &d2);
	ck_assert_int_eq(n2, n + 2);
	ck_assert_int_eq(mi2, mi + 75);
	ck_assert_int_eq(d2, d + 1);
	mem_free(api_sql("DELETE FROM invoice_lines "
	    "WHERE description = 'Line count check'"));
	inv1004_counts(&n2, &mi2, &d2);
	ck_assert_int_eq(n2, n);
	ck_assert_int_eq(mi2, mi);
	ck_assert_int_eq(d2, d);
}
END_TEST

START_TEST(test_invoices_manager_and_other)
{
	struct http_res		 res;
	struct json_object	*o;

	/* The New York manager: no pending work of New York; the two
	 * settled invoices of New York orders. */
	api_get_as("/query/client/billing/invoices/pending", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
	api_get_as("/query/client/billing/invoices/history", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);
	http_res_free(&res);
	api_get_as("/query/client/billing/invoices/pending", tok_other, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "invoiceNumber"), "INV-2001");
	http_res_free(&res);
}
END_TEST

START_TEST(test_invoices_history)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*from, *to, path[256];

	api_get_as("/query/client/billing/invoices/history", tok_owner, &res);
	o = api_json_ok(&res, 200);
	/* Newest first: INV-1002 approved, INV-1001 paid. */
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_str_eq(api_str(api_item(o, 0), "invoiceNumber"), "INV-1002");
	ck_assert_str_eq(api_str(api_item(o, 0), "status"), "approved");
	ck_assert_str_eq(api_str(api_item(o, 1), "invoiceNumber"), "INV-1001");
	ck_assert_str_eq(api_str(api_item(o, 1), "status"), "paid");
	ck_assert_ptr_nonnull(api_str(api_item(o, 1), "paidAt"));
	http_res_free(&res);
	walk("/query/client/billing/invoices/history", tok_owner, 1,
	    "invoiceId", 2);

	/* A range holding only INV-1001's issue day (UTC). */
	from = api_sql("SELECT (issued_at AT TIME ZONE 'UTC')::date FROM "
	    "invoices WHERE invoice_number = 'INV-1001'");
	to = api_sql("SELECT (issued_at AT TIME ZONE 'UTC')::date FROM "
	    "invoices WHERE invoice_number = 'INV-1001'");
	snprintf(path, sizeof(path), "/query/client/billing/invoices/"
	    "history?from=%s&to=%s", from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "invoiceNumber"), "INV-1001");
	http_res_free(&res);
	mem_free(from);
	mem_free(to);

	api_get_as("/query/client/billing/invoices/history?status=paid",
	    tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	http_res_free(&res);
}
END_TEST

/*
 * /query/client/orders/view
 */
START_TEST(test_orders_view)
{
	struct http_res		 res;
	struct json_object	*o, *ord, *sh;

	api_get_as("/query/client/orders/view?limit=200", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "orders WHERE business_id = '" BIZ "'"));
	ord = api_find_ok(o, "orderNumber", "ORD-1006");
	ck_assert_str_eq(api_str(ord, "status"), "open");
	ck_assert_str_eq(api_str(ord, "hub.hubId"), HUB_NY);
	ck_assert_str_eq(api_str(ord, "costCenter.code"), "EVT");
	/* Two shifts: 2 + 4 + 1 and 2 needed; one assigned, one confirmed. */
	ck_assert_int_eq(api_num(ord, "needed"), 9);
	ck_assert_int_eq(api_num(ord, "filled"), 2);
	ck_assert_uint_eq(json_object_array_length(api_member(ord, "shifts")), 2);
	sh = json_object_array_get_idx(api_member(ord, "shifts"), 0);
	ck_assert_uint_eq(json_object_array_length(api_member(sh, "positions")),
	    3);
	ck_assert_int_eq(api_num(ord, "estimatedCostCents"), api_sql_num("SELECT "
	    "sum(round(p.headcount * p.bill_rate_cents * (extract(epoch FROM "
	    "s.ends_at - s.starts_at) / 60 - s.break_minutes) / 60.0)) FROM "
	    "shift_positions p JOIN shifts s ON s.id = p.shift_id JOIN orders "
	    "o ON o.id = s.order_id WHERE o.order_number = 'ORD-1006' AND "
	    "o.business_id = '" BIZ "'"));
	ord = api_find_ok(o, "orderNumber", "ORD-1009");
	ck_assert_str_eq(api_str(ord, "sourceOrderId"), ID("000000000801"));
	ord = api_find_ok(o, "orderNumber", "ORD-1008");
	ck_assert_str_eq(api_str(ord, "status"), "cancelled");
	ck_assert_ptr_nonnull(api_str(ord, "cancelReason"));
	ck_assert(api_find(o, "orderNumber", "ORD-2001") == NULL);
	http_res_free(&res);

	api_get_as("/query/client/orders/view?status=open,draft", tok_owner,
	    &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 3);
	ck_assert(api_find(o, "orderNumber", "ORD-1007") != NULL);
	http_res_free(&res);

	api_get_as("/query/client/orders/view?hubId=" HUB_SF, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "orders WHERE hub_id = '" HUB_SF "'"));
	http_res_free(&res);

	walk("/query/client/orders/view", tok_owner, 5, "orderId",
	    (size_t)api_sql_num("SELECT count(*) FROM orders WHERE business_id = '"
	    BIZ "'"));
}
END_TEST

START_TEST(test_orders_view_manager_and_range)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*day, path[256];

	api_get_as("/query/client/orders/view?limit=200", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "orders WHERE hub_id = '" HUB_NY "'"));
	ck_assert(api_find(o, "orderNumber", "ORD-1002") == NULL);
	http_res_free(&res);

	/* The day of ORD-1005's shift, in New York. */
	day = api_sql("SELECT (min(s.starts_at) AT TIME ZONE 'America/New_York')"
	    "::date FROM shifts s JOIN orders o ON o.id = s.order_id WHERE "
	    "o.order_number = 'ORD-1005' AND o.business_id = '" BIZ "'");
	snprintf(path, sizeof(path), "/query/client/orders/view?hubId="
	    HUB_NY "&from=%s&to=%s", day, day);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert(api_find(o, "orderNumber", "ORD-1005") != NULL);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "(SELECT o.id FROM orders o JOIN shifts s ON s.order_id = o.id "
	    "WHERE o.hub_id = '" HUB_NY "' GROUP BY o.id HAVING "
	    "(min(s.starts_at) AT TIME ZONE 'America/New_York')::date = "
	    "(SELECT (min(s2.starts_at) AT TIME ZONE 'America/New_York')::date "
	    "FROM shifts s2 JOIN orders o2 ON o2.id = s2.order_id WHERE "
	    "o2.order_number = 'ORD-1005' AND o2.business_id = '" BIZ "')) x"));
	http_res_free(&res);
	mem_free(day);
}
END_TEST

/*
 * /query/client/coverage and /coverage/stats over 20 days around today.
 */
#define COVER_RANGE \
	"from=%s&to=%s"
#define FILLED_SQL \
	"('assigned','confirmed','checked_in','checked_out','completed')"
/* Independent per-shift needed/filled of the live shifts at hub NY. */
#define SHIFT_NEEDED_SQL \
	"SELECT coalesce(sum(p.headcount), 0) FROM shift_positions p WHERE " \
	"p.shift_id = '%s' AND p.status <> 'cancelled'"
#define SHIFT_FILLED_SQL \
	"SELECT coalesce(sum(least(p.headcount, (SELECT count(*) FROM " \
	"assignments a WHERE a.position_id = p.id AND a.status IN " \
	FILLED_SQL "))), 0) FROM shift_positions p WHERE p.shift_id = '%s' " \
	"AND p.status <> 'cancelled'"

START_TEST(test_coverage)
{
	struct http_res		 res;
	struct json_object	*o, *s;
	char			*from, *to, path[512], q[1024];
	size_t			 i;

	from = api_sql("SELECT (now() AT TIME ZONE 'America/New_York')::date - 20");
	to = api_sql("SELECT (now() AT TIME ZONE 'America/New_York')::date + 20");
	snprintf(path, sizeof(path), "/query/client/coverage?hubId=" HUB_NY
	    "&limit=200&" COVER_RANGE, from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	/* Live shifts at New York: not cancelled, order not draft or
	 * cancelled. */
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "shifts s JOIN orders o ON o.id = s.order_id WHERE s.hub_id = '"
	    HUB_NY "' AND s.status <> 'cancelled' AND o.status NOT IN "
	    "('draft', 'cancelled')"));
	for (i = 0; i < api_nitems(o); i++) {
		s = api_item(o, i);
		snprintf(q, sizeof(q), SHIFT_NEEDED_SQL, api_str(s, "shiftId"));
		ck_assert_int_eq(api_num(s, "needed"), api_sql_num(q));
		snprintf(q, sizeof(q), SHIFT_FILLED_SQL, api_str(s, "shiftId"));
		ck_assert_int_eq(api_num(s, "filled"), api_sql_num(q));
		ck_assert_int_eq(api_num(s, "open"), api_num(s, "needed") -
		    api_num(s, "filled"));
		ck_assert_str_eq(api_str(s, "hub.hubId"), HUB_NY);
		if (i > 0)
			ck_assert_str_le(api_str(api_item(o, i - 1), "startsAt"),
			    api_str(s, "startsAt"));
	}
	/* The gala dinner: 2 of 2 bartenders, 2 of 3 servers. */
	s = api_find_ok(o, "shiftId", ID("000000008011"));
	ck_assert_int_eq(api_num(s, "needed"), 5);
	ck_assert_int_eq(api_num(s, "filled"), 4);
	ck_assert_double_eq_tol(json_object_get_double(api_member(s,
	    "fillRate")), 0.8, 1e-9);
	/* cancelled */
	ck_assert(api_find(o, "shiftId", ID("000000008081")) == NULL);
	http_res_free(&res);

	snprintf(path, sizeof(path), "/query/client/coverage?hubId=" HUB_NY
	    "&" COVER_RANGE, from, to);
	walk(path, tok_owner, 2, "shiftId", (size_t)api_sql_num("SELECT count(*) "
	    "FROM shifts s JOIN orders o ON o.id = s.order_id WHERE s.hub_id "
	    "= '" HUB_NY "' AND s.status <> 'cancelled' AND o.status NOT IN "
	    "('draft', 'cancelled')"));
	mem_free(from);
	mem_free(to);
}
END_TEST

START_TEST(test_coverage_default_range)
{
	struct http_res		 res;
	struct json_object	*o;

	/* Default: today and the 6 next days in each hub's zone. */
	api_get_as("/query/client/coverage", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "shifts s JOIN hubs h ON h.id = s.hub_id JOIN orders o ON o.id = "
	    "s.order_id WHERE s.business_id = '" BIZ "' AND s.status <> "
	    "'cancelled' AND o.status NOT IN ('draft', 'cancelled') AND "
	    "(s.starts_at AT TIME ZONE h.time_zone)::date BETWEEN "
	    "(now() AT TIME ZONE h.time_zone)::date AND "
	    "(now() AT TIME ZONE h.time_zone)::date + 6"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_coverage_stats)
{
	struct http_res		 res;
	struct json_object	*o, *d;
	char			*from, *to, path[512];
	long long		 needed, filled, sum;
	size_t			 i;

	from = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 30");
	to = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date + 30");
	snprintf(path, sizeof(path), "/query/client/coverage/stats?"
	    COVER_RANGE, from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	needed = api_sql_num("SELECT sum(p.headcount) FROM shift_positions p "
	    "JOIN shifts s ON s.id = p.shift_id JOIN orders o ON o.id = "
	    "s.order_id WHERE s.business_id = '" BIZ "' AND p.status <> "
	    "'cancelled' AND s.status <> 'cancelled' AND o.status NOT IN "
	    "('draft', 'cancelled')");
	filled = api_sql_num("SELECT sum(least(p.headcount, (SELECT count(*) "
	    "FROM assignments a WHERE a.position_id = p.id AND a.status IN "
	    FILLED_SQL "))) FROM shift_positions p JOIN shifts s ON s.id = "
	    "p.shift_id JOIN orders o ON o.id = s.order_id WHERE "
	    "s.business_id = '" BIZ "' AND p.status <> 'cancelled' AND "
	    "s.status <> 'cancelled' AND o.status NOT IN ('draft', "
	    "'cancelled')");
	ck_assert_int_eq(api_num(o, "totals.needed"), needed);
	ck_assert_int_eq(api_num(o, "totals.filled"), filled);
	ck_assert_int_eq(api_num(o, "totals.open"), needed - filled);
	ck_assert_double_eq_tol(json_object_get_double(api_member(o,
	    "totals.fillRate")), (double)filled / (double)needed, 1e-4);
	/* The days add up to the totals. */
	d = api_member(o, "byDay");
	for (i = 0, sum = 0; i < json_object_array_length(d); i++)
		sum += api_num(json_object_array_get_idx(d, i), "needed");
	ck_assert_int_eq(sum, needed);
	d = api_member(o, "byRole");
	for (i = 0, sum = 0; i < json_object_array_length(d); i++)
		sum += api_num(json_object_array_get_idx(d, i), "filled");
	ck_assert_int_eq(sum, filled);
	ck_assert_uint_eq(json_object_array_length(api_member(o, "byHub")), 3);
	http_res_free(&res);

	/* The manager: New York only. */
	api_get_as(path, tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(json_object_array_length(api_member(o, "byHub")), 1);
	ck_assert_str_eq(api_str(json_object_array_get_idx(api_member(o, "byHub"), 0),
	    "hubId"), HUB_NY);
	http_res_free(&res);
	mem_free(from);
	mem_free(to);
}
END_TEST

/*
 * /query/client/dashboard
 */
START_TEST(test_dashboard)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/client/dashboard", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_int_eq(api_num(o, "invoicesAwaitingApproval.count"), 1);
	ck_assert_int_eq(api_num(o, "invoicesAwaitingApproval.totalCents"),
	    api_sql_num("SELECT total_cents FROM invoices WHERE invoice_number = "
	    "'INV-1004'"));
	ck_assert_int_eq(api_num(o, "upcoming.openPositions"), api_sql_num("SELECT "
	    "sum(p.headcount - least(p.headcount, (SELECT count(*) FROM "
	    "assignments a WHERE a.position_id = p.id AND a.status IN "
	    FILLED_SQL "))) FROM shift_positions p JOIN shifts s ON s.id = "
	    "p.shift_id JOIN orders o ON o.id = s.order_id WHERE "
	    "s.business_id = '" BIZ "' AND s.starts_at >= now() AND p.status "
	    "<> 'cancelled' AND s.status <> 'cancelled' AND o.status NOT IN "
	    "('draft', 'cancelled')"));
	ck_assert_int_eq(api_num(o, "today.shifts"), api_sql_num("SELECT count(*) "
	    "FROM shifts s JOIN hubs h ON h.id = s.hub_id JOIN orders o ON "
	    "o.id = s.order_id WHERE s.business_id = '" BIZ "' AND s.status "
	    "<> 'cancelled' AND o.status NOT IN ('draft', 'cancelled') AND "
	    "(s.starts_at AT TIME ZONE h.time_zone)::date = (now() AT TIME "
	    "ZONE h.time_zone)::date"));
	ck_assert_int_eq(api_num(o, "spendThisMonth.totalCents"),
	    api_num(o, "spendThisMonth.invoicedCents") +
	    api_num(o, "spendThisMonth.accruedCents"));
	ck_assert_str_eq(api_str(o, "spendThisMonth.currency"), "USD");
	ck_assert(json_object_array_length(api_member(o, "nextShifts")) <= 5);
	ck_assert(json_object_array_length(api_member(o, "nextShifts")) > 0);
	http_res_free(&res);

	/* The New York manager does not see San Francisco's invoice. */
	api_get_as("/query/client/dashboard", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_int_eq(api_num(o, "invoicesAwaitingApproval.count"), 0);
	http_res_free(&res);
	/* A hub filter. */
	api_get_as("/query/client/dashboard?hubId=" HUB_SF, tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_int_eq(api_num(o, "invoicesAwaitingApproval.count"), 1);
	http_res_free(&res);
}
END_TEST

/*
 * /query/client/reorders
 */
START_TEST(test_reorders)
{
	struct http_res		 res;
	struct json_object	*o, *ord;
	size_t			 i;

	api_get_as("/query/client/reorders?limit=200", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "orders WHERE business_id = '" BIZ "' AND status = 'completed'"));
	for (i = 1; i < api_nitems(o); i++)
		ck_assert_str_ge(api_str(api_item(o, i - 1), "lastShiftStartsAt"),
		    api_str(api_item(o, i), "lastShiftStartsAt"));
	ord = api_find_ok(o, "orderNumber", "ORD-1001");
	ck_assert_int_eq(api_num(ord, "timesReordered"), 1);
	ck_assert(json_object_get_boolean(api_member(ord, "canReorder")));
	ck_assert_uint_eq(json_object_array_length(api_member(ord, "positions")),
	    2);
	ck_assert(api_find(o, "orderNumber", "ORD-1006") == NULL);	/* open */
	ck_assert(api_find(o, "orderNumber", "ORD-2002") == NULL);	/* other business */
	http_res_free(&res);
	walk("/query/client/reorders", tok_owner, 2, "orderId",
	    (size_t)api_sql_num("SELECT count(*) FROM orders WHERE business_id = '"
	    BIZ "' AND status = 'completed'"));
	api_get_as("/query/client/reorders", tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "orders WHERE hub_id = '" HUB_NY "' AND status = 'completed'"));
	http_res_free(&res);
	api_expect_404("/query/client/reorders?hubId=" HUB_LDN, tok_owner);
}
END_TEST

/*
 * /query/client/billing/current-bill
 */
#define UNBILLED_SQL \
	"SELECT coalesce(sum(round(te.worked_minutes * p.bill_rate_cents / " \
	"60.0)), 0) FROM time_entries te JOIN assignments a ON a.id = " \
	"te.assignment_id JOIN shift_positions p ON p.id = a.position_id " \
	"JOIN shifts s ON s.id = te.shift_id JOIN orders o ON o.id = " \
	"s.order_id WHERE te.business_id = '" BIZ "' AND te.status IN " \
	"('closed', 'approved') AND o.billing_account_id IS NULL AND NOT " \
	"EXISTS (SELECT 1 FROM invoice_lines l WHERE l.time_entry_id = te.id)"

START_TEST(test_current_bill)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*monday;

	api_get_as("/query/client/billing/current-bill", tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "billingAccount.billingAccountId"),
	    ID("000000000651"));
	monday = api_sql("SELECT date_trunc('week', now() AT TIME ZONE 'UTC')"
	    "::date");
	ck_assert_str_eq(api_str(o, "periodStart"), monday);
	mem_free(monday);
	/* Closed work not invoiced yet: ORD-1012 (this period or the
	 * last one, depending on the day of the week). */
	ck_assert_int_eq(api_num(o, "accrued.amountCents") +
	    api_num(o, "carriedOver.amountCents"), api_sql_num(UNBILLED_SQL));
	ck_assert_int_eq(api_num(o, "accrued.timeEntries") +
	    api_num(o, "carriedOver.timeEntries"), 2);
	/* The Auckland bartender clocked in. */
	ck_assert_int_eq(api_num(o, "inProgress.timeEntries"), 1);
	ck_assert_int_eq(api_num(o, "totalCents"), api_num(o, "accrued.amountCents") +
	    api_num(o, "inProgress.amountCents") +
	    api_num(o, "carriedOver.amountCents"));
	http_res_free(&res);

	api_get_as("/query/client/billing/current-bill?billingAccountId="
	    ID("000000000652"), tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "billingAccount.name"), "Events department");
	ck_assert_int_eq(api_num(o, "totalCents"), 0);
	http_res_free(&res);
	api_expect_404("/query/client/billing/current-bill?billingAccountId="
	    ID("000000000661"), tok_owner);
	api_expect_404("/query/client/billing/current-bill?billingAccountId="
	    MISSING, tok_owner);
	api_expect_invalid("/query/client/billing/current-bill?billingAccountId=1",
	    tok_owner, "billingAccountId");
}
END_TEST

/*
 * /query/client/billing/savings and /spend-breakdown over 60 days.
 */
#define LINES_IN_RANGE \
	"FROM invoice_lines l WHERE l.business_id = '" BIZ "' AND " \
	"l.work_date BETWEEN (now() AT TIME ZONE 'UTC')::date - 59 AND " \
	"(now() AT TIME ZONE 'UTC')::date"

START_TEST(test_savings)
{
	struct http_res		 res;
	struct json_object	*o, *d;
	char			*from, *to, path[256];
	long long		 billed, ref, sum;
	size_t			 i;

	from = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 59");
	to = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date");
	snprintf(path, sizeof(path), "/query/client/billing/savings?"
	    "from=%s&to=%s", from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	billed = api_sql_num("SELECT sum(l.amount_cents) " LINES_IN_RANGE);
	/* The reference: the tenant's rate of the role, else 20% above. */
	ref = api_sql_num("SELECT sum(round(l.minutes * coalesce((SELECT "
	    "rr.rate_cents FROM reference_rates rr JOIN vendor_roles r ON "
	    "r.role_code = rr.role_code WHERE r.id = l.vendor_role_id AND "
	    "rr.tenant_id = l.tenant_id), "
	    "round(l.rate_cents * 1.2)) / 60.0)) " LINES_IN_RANGE);
	ck_assert_int_eq(api_num(o, "billedCents"), billed);
	ck_assert_int_eq(api_num(o, "referenceCents"), ref);
	ck_assert_int_eq(api_num(o, "savingsCents"), ref - billed);
	ck_assert_str_eq(api_str(o, "from"), from);
	d = api_member(o, "byRole");
	for (i = 0, sum = 0; i < json_object_array_length(d); i++)
		sum += api_num(json_object_array_get_idx(d, i), "billedCents");
	ck_assert_int_eq(sum, billed);
	http_res_free(&res);
	mem_free(from);
	mem_free(to);
	/* Nothing billed in a range: zeros, not an error. */
	api_get_as("/query/client/billing/savings?from=2020-01-01&to=2020-01-31",
	    tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert_int_eq(api_num(o, "billedCents"), 0);
	ck_assert(json_object_is_type(api_member(o, "savingsRate"),
	    json_type_null));
	http_res_free(&res);
	api_expect_invalid("/query/client/billing/savings?from=2026-13-01",
	    tok_owner, "from");
}
END_TEST

START_TEST(test_spend_breakdown)
{
	struct http_res		 res;
	struct json_object	*o, *d;
	char			*from, *to, path[256];
	long long		 inv, acc, sum;
	size_t			 i;

	from = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 59");
	to = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date");
	snprintf(path, sizeof(path), "/query/client/billing/spend-breakdown?"
	    "from=%s&to=%s", from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	inv = api_sql_num("SELECT sum(l.amount_cents) " LINES_IN_RANGE);
	acc = api_sql_num("SELECT coalesce(sum(round(te.worked_minutes * "
	    "p.bill_rate_cents / 60.0)), 0) FROM time_entries te JOIN "
	    "assignments a ON a.id = te.assignment_id JOIN shift_positions p "
	    "ON p.id = a.position_id WHERE te.business_id = '" BIZ "' AND "
	    "te.status IN ('closed', 'approved') AND NOT EXISTS (SELECT 1 FROM "
	    "invoice_lines l WHERE l.time_entry_id = te.id)");
	ck_assert_int_eq(api_num(o, "totals.invoicedCents"), inv);
	ck_assert_int_eq(api_num(o, "totals.accruedCents"), acc);
	ck_assert_int_eq(api_num(o, "totals.totalCents"), inv + acc);
	d = api_member(o, "byHub");
	for (i = 0, sum = 0; i < json_object_array_length(d); i++)
		sum += api_num(json_object_array_get_idx(d, i), "totalCents");
	ck_assert_int_eq(sum, inv + acc);
	d = api_member(o, "byCostCenter");
	for (i = 0, sum = 0; i < json_object_array_length(d); i++)
		sum += api_num(json_object_array_get_idx(d, i), "totalCents");
	ck_assert_int_eq(sum, inv + acc);
	ck_assert_uint_eq(json_object_array_length(api_member(o, "byVendor")), 2);
	http_res_free(&res);

	/* The manager sees New York's spend only. */
	api_get_as(path, tok_manager, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(json_object_array_length(api_member(o, "byHub")), 1);
	ck_assert_int_eq(api_num(o, "totals.totalCents"), api_sql_num("SELECT "
	    "coalesce(sum(l.amount_cents), 0) " LINES_IN_RANGE
	    " AND l.hub_id = '" HUB_NY "'"));
	http_res_free(&res);
	mem_free(from);
	mem_free(to);
	api_expect_404("/query/client/billing/spend-breakdown?hubId=" HUB_SF,
	    tok_manager);
}
END_TEST

/*
 * /query/tenants/:tenantId/...
 */
START_TEST(test_tenant_reads)
{
	struct http_res		 res;
	struct json_object	*o;

	api_get_as("/query/tenants/" TENANT "/businesses", tok_admin, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "businesses WHERE tenant_id = '" TENANT "'"));
	ck_assert_int_eq(api_num(api_find_ok(o, "businessId", BIZ), "activeHubCount"),
	    3);
	http_res_free(&res);
	api_get_as("/query/tenants/" TENANT "/businesses?q=CATER", tok_admin,
	    &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "businessId"), OTHER_BIZ);
	http_res_free(&res);

	api_get_as("/query/tenants/" TENANT "/vendors", tok_admin, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 3);
	ck_assert_int_eq(api_num(api_find_ok(o, "vendorId", VENDOR_DEMO),
	    "approvedByBusinessCount"), 2);
	http_res_free(&res);

	api_get_as("/query/tenants/" TENANT "/staff?vendorId=" VENDOR_METRO,
	    tok_admin, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "staff WHERE vendor_id = '" VENDOR_METRO "'"));
	http_res_free(&res);
	walk("/query/tenants/" TENANT "/staff", tok_admin, 3, "staffId",
	    (size_t)api_sql_num("SELECT count(*) FROM staff WHERE tenant_id = '"
	    TENANT "'"));

	api_get_as("/query/tenants/" TENANT "/orders?businessId=" OTHER_BIZ,
	    tok_admin, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);
	http_res_free(&res);
	api_get_as("/query/tenants/" TENANT "/orders?status=open&limit=200",
	    tok_admin, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), (size_t)api_sql_num("SELECT count(*) FROM "
	    "orders WHERE tenant_id = '" TENANT "' AND status = 'open'"));
	ck_assert_int_eq(api_num(api_find_ok(o, "orderNumber", "ORD-1006"),
	    "needed"), 9);
	http_res_free(&res);
	walk("/query/tenants/" TENANT "/orders", tok_admin, 4, "orderId",
	    (size_t)api_sql_num("SELECT count(*) FROM orders WHERE tenant_id = '"
	    TENANT "'"));
}
END_TEST

START_TEST(test_tenant_rules)
{
	struct http_res	 res;

	/* Another tenant's id, or a missing one: 404. */
	api_expect_404("/query/tenants/" ID("000000000002") "/businesses",
	    tok_admin);
	api_expect_404("/query/tenants/" TENANT "/staff?vendorId=" MISSING,
	    tok_admin);
	api_expect_404("/query/tenants/" TENANT "/orders?businessId=" MISSING,
	    tok_admin);
	/* Client and staff actors: 403. */
	api_get_as("/query/tenants/" TENANT "/businesses", tok_owner, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_get_as("/query/tenants/" TENANT "/orders", tok_staff, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_expect_invalid("/query/tenants/nope/vendors", tok_admin, "tenantId");
	api_expect_invalid("/query/tenants/" TENANT "/vendors?q=", tok_admin, "q");
	api_expect_invalid("/query/tenants/" TENANT "/staff?status=fired",
	    tok_admin, "status");
	api_expect_invalid("/query/tenants/" TENANT "/orders?from=2026-01-01&"
	    "to=2025-01-01", tok_admin, "to");
	api_expect_invalid("/query/tenants/" TENANT "/orders?cursor=abc",
	    tok_admin, "cursor");
}
END_TEST

/*
 * The scale test: a tenant made by sql/generate.sql (scale from
 * $KROW_TEST_SCALE, default 1; 0 skips it), read through the routes:
 * pages of large lists have neither gaps nor duplicates and totals
 * match SQL over the generated rows.
 */
static int	 scale_n;

/* The generated tenant's id (inside a test: Check's asserts). */
static void
scale_tenant_id(char *dst, size_t dstlen)
{
	char	 q[256];
	char	*t;

	snprintf(q, sizeof(q), "SELECT id FROM tenants WHERE slug = "
	    "'scale-%d'", scale_n);
	t = api_sql(q);
	ck_assert(uuid_valid(t));
	snprintf(dst, dstlen, "%s", t);
	mem_free(t);
}

/* Generate the tenant once per run (the generator skips an existing one). */
static void
scale_setup(void)
{
	const char	*state, *script, *env;
	char		 cmd[4096], line[512];
	FILE		*f;
	int		 n, st;

	env = getenv("KROW_TEST_SCALE");
	scale_n = env != NULL && *env != '\0' ? atoi(env) : 1;
	if (scale_n <= 0)
		return;
	script = getenv("KROW_TEST_STACK");
	state = getenv("KROW_TEST_STATE");
	if (script == NULL || state == NULL) {
		scale_n = 0;
		return;
	}
	n = snprintf(cmd, sizeof(cmd), "'%s' psql '%s' -XqtA -v "
	    "ON_ERROR_STOP=1 -1 -f '%s/share/sql/generate.sql' -c "
	    "'SELECT pg_temp.krow_generate(%d)'", script, state, state,
	    scale_n);
	if (n < 0 || (size_t)n >= sizeof(cmd) ||
	    (f = popen(cmd, "r")) == NULL) {
		fprintf(stderr, "check_client: cannot run the generator\n");
		exit(EXIT_FAILURE);
	}
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	st = pclose(f);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "check_client: the generator failed\n");
		exit(EXIT_FAILURE);
	}
}

START_TEST(test_scale_counts)
{
	char	 q[512], scale_tenant[64];

	if (scale_n <= 0)
		return;
	scale_tenant_id(scale_tenant, sizeof(scale_tenant));
	snprintf(q, sizeof(q), "SELECT count(*) FROM shifts WHERE tenant_id "
	    "= '%s'", scale_tenant);
	ck_assert_int_eq(api_sql_num(q), 20000LL * scale_n);
	snprintf(q, sizeof(q), "SELECT count(*) FROM staff WHERE tenant_id "
	    "= '%s'", scale_tenant);
	ck_assert_int_eq(api_sql_num(q), 500LL * scale_n);
	snprintf(q, sizeof(q), "SELECT count(*) FROM businesses WHERE "
	    "tenant_id = '%s'", scale_tenant);
	ck_assert_int_eq(api_sql_num(q), scale_n);
	/* Every time entry of a completed assignment; invoiced ones are
	 * flagged by the trigger. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM time_entries te WHERE "
	    "te.tenant_id = '%s' AND te.invoiced <> EXISTS (SELECT 1 FROM "
	    "invoice_lines l WHERE l.time_entry_id = te.id)", scale_tenant);
	ck_assert_int_eq(api_sql_num(q), 0);
}
END_TEST

START_TEST(test_scale_reads)
{
	struct http_res		 res;
	struct json_object	*o;
	char			 uid[64], q[2048], path[512], biz[64];
	char			 scale_tenant[64];
	char			*tok, *from, *to, *b;

	if (scale_n <= 0)
		return;
	scale_tenant_id(scale_tenant, sizeof(scale_tenant));
	snprintf(uid, sizeof(uid), "scale-%d-owner-1", scale_n);
	tok = http_mint(uid, 0, 3600, 0);
	ck_assert_ptr_nonnull(tok);
	snprintf(q, sizeof(q), "SELECT business_id FROM users WHERE "
	    "provider_uid = '%s'", uid);
	b = api_sql(q);
	snprintf(biz, sizeof(biz), "%s", b);
	mem_free(b);
	from = api_sql("SELECT current_date - 15");
	to = api_sql("SELECT current_date + 14");

	/* Orders whose first shift falls in the range (hub's days). */
	snprintf(path, sizeof(path), "/query/client/orders/view?from=%s&"
	    "to=%s", from, to);
	snprintf(q, sizeof(q), "SELECT count(*) FROM orders o JOIN hubs h "
	    "ON h.id = o.hub_id WHERE o.business_id = '%s' AND "
	    "(coalesce(o.first_shift_at, o.created_at) AT TIME ZONE "
	    "h.time_zone)::date BETWEEN '%s' AND '%s'", biz, from, to);
	walk(path, tok, 200, "orderId", (size_t)api_sql_num(q));

	/* Coverage of the range against SQL. */
	snprintf(path, sizeof(path), "/query/client/coverage/stats?from=%s&"
	    "to=%s", from, to);
	api_get_as(path, tok, &res);
	o = api_json_ok(&res, 200);
	snprintf(q, sizeof(q), "SELECT sum(p.headcount) FROM shift_positions "
	    "p JOIN shifts s ON s.id = p.shift_id JOIN hubs h ON h.id = "
	    "s.hub_id WHERE s.business_id = '%s' AND (s.starts_at AT TIME "
	    "ZONE h.time_zone)::date BETWEEN '%s' AND '%s'", biz, from, to);
	ck_assert_int_eq(api_num(o, "totals.needed"), api_sql_num(q));
	ck_assert_uint_eq(json_object_array_length(api_member(o, "byHub")), 5);
	http_res_free(&res);
	snprintf(path, sizeof(path), "/query/client/coverage?from=%s&to=%s",
	    from, to);
	snprintf(q, sizeof(q), "SELECT count(*) FROM shifts s JOIN hubs h ON "
	    "h.id = s.hub_id WHERE s.business_id = '%s' AND (s.starts_at AT "
	    "TIME ZONE h.time_zone)::date BETWEEN '%s' AND '%s'", biz, from,
	    to);
	walk(path, tok, 200, "shiftId", (size_t)api_sql_num(q));

	/* Every settled invoice, page by page. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM invoices WHERE "
	    "business_id = '%s' AND status IN ('approved', 'paid')", biz);
	walk("/query/client/billing/invoices/history", tok, 50, "invoiceId",
	    (size_t)api_sql_num(q));

	api_get_as("/query/client/dashboard", tok, &res);
	o = api_json_ok(&res, 200);
	snprintf(q, sizeof(q), "SELECT count(*) FROM invoices WHERE "
	    "business_id = '%s' AND status = 'pending'", biz);
	ck_assert_int_eq(api_num(o, "invoicesAwaitingApproval.count"), api_sql_num(q));
	http_res_free(&res);
	mem_free(tok);

	/* The manager of the first hub. */
	snprintf(uid, sizeof(uid), "scale-%d-manager-1", scale_n);
	tok = http_mint(uid, 0, 3600, 0);
	ck_assert_ptr_nonnull(tok);
	snprintf(path, sizeof(path), "/query/client/coverage/stats?from=%s&"
	    "to=%s", from, to);
	api_get_as(path, tok, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(json_object_array_length(api_member(o, "byHub")), 1);
	http_res_free(&res);
	mem_free(tok);

	/* The operator: every worker of the tenant, 200 a page. */
	snprintf(uid, sizeof(uid), "scale-%d-admin", scale_n);
	tok = http_mint(uid, 0, 3600, 0);
	ck_assert_ptr_nonnull(tok);
	snprintf(path, sizeof(path), "/query/tenants/%s/staff", scale_tenant);
	walk(path, tok, 200, "staffId", 500U * (size_t)scale_n);
	/* The demo tenant is not its tenant. */
	api_expect_404("/query/tenants/" TENANT "/staff", tok);
	mem_free(tok);
	mem_free(from);
	mem_free(to);
}
END_TEST

/* A token obtained through the real sign-in works on a client route. */
START_TEST(test_signed_in_token)
{
	struct http_res	 res;
	char		*tok;
	long		 st = 0;
	int		 tries;

	for (tries = 0, tok = NULL; tries < 10 && tok == NULL; tries++) {
		tok = http_sign_in("manager@demo.example", "krow-demo-1", NULL,
		    &st);
		if (tok == NULL && st == 429)
			sleep(1);
		else
			break;
	}
	ck_assert_msg(tok != NULL, "sign-in failed: %ld", st);
	api_get_as("/query/client/hubs", tok, &res);
	ck_assert_uint_eq(api_nitems(api_json_ok(&res, 200)), 1);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

static Suite *
client_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("client");
	tc = api_tcase(s, "hubs", 120);
	tcase_add_test(tc, test_hubs_owner);
	tcase_add_test(tc, test_hubs_status_filter);
	tcase_add_test(tc, test_hubs_pages);
	tcase_add_test(tc, test_hubs_manager_restricted);
	tcase_add_test(tc, test_hubs_other_business);
	tcase_add_test(tc, test_hub_managers);
	tc = api_tcase(s, "rules", 120);
	tcase_add_loop_test(tc, test_bad_parameters, 0,
	    sizeof(bad_paths) / sizeof(bad_paths[0]));
	tcase_add_loop_test(tc, test_staff_and_admin_forbidden, 0,
	    sizeof(client_paths) / sizeof(client_paths[0]));
	tcase_add_loop_test(tc, test_every_route_answers_owner, 0,
	    sizeof(client_paths) / sizeof(client_paths[0]));
	tcase_add_loop_test(tc, test_foreign_ids_404, 0,
	    sizeof(foreign_paths) / sizeof(foreign_paths[0]));
	tcase_add_test(tc, test_signed_in_token);
	tc = api_tcase(s, "catalog", 120);
	tcase_add_test(tc, test_cost_centers);
	tcase_add_test(tc, test_vendors);
	tcase_add_test(tc, test_vendor_staff_count);
	tcase_add_test(tc, test_vendor_roles);
	tc = api_tcase(s, "billing", 120);
	tcase_add_test(tc, test_billing_accounts);
	tcase_add_test(tc, test_invoices_pending);
	tcase_add_test(tc, test_invoice_line_counts);
	tcase_add_test(tc, test_invoices_manager_and_other);
	tcase_add_test(tc, test_invoices_history);
	tc = api_tcase(s, "orders", 120);
	tcase_add_test(tc, test_orders_view);
	tcase_add_test(tc, test_orders_view_manager_and_range);
	tcase_add_test(tc, test_coverage);
	tcase_add_test(tc, test_coverage_default_range);
	tcase_add_test(tc, test_coverage_stats);
	tcase_add_test(tc, test_dashboard);
	tcase_add_test(tc, test_reorders);
	tc = api_tcase(s, "spend", 120);
	tcase_add_test(tc, test_current_bill);
	tcase_add_test(tc, test_savings);
	tcase_add_test(tc, test_spend_breakdown);
	tc = api_tcase(s, "tenants", 120);
	tcase_add_test(tc, test_tenant_reads);
	tcase_add_test(tc, test_tenant_rules);
	tc = api_tcase(s, "scale", 120);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_scale_counts);
	tcase_add_test(tc, test_scale_reads);
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
	scale_setup();
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
	return api_main("check_client", client_suite, run_setup, run_teardown);
}
