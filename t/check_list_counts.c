/*
 * check_list_counts: the per-item counts that the writes keep on the row
 * (0017_list_counts: hubs.nfc_tag_count and manager_count,
 * vendors.active_roles, billing_accounts.open_invoices and open_cents)
 * must equal a recount after every write, and the short client lists
 * (GET /query/client/hubs, /hubs/:hubId/managers, /vendors,
 * /billing/accounts) must show them.  After each write the suite expects
 * krow_list_counts_diff() to list nothing and the list to show the value
 * the suite computes from what it did (from a recount taken before the
 * first write, never from the kept column): hubs and their managers and
 * NFC tags through the real commands of krow-command, invoices approved
 * and disputed through the commands and paid, added and removed through
 * SQL (as the billing side would), vendor roles archived, restored,
 * added and removed through SQL, and multi-row statements (several rows
 * of several items in one INSERT, UPDATE or DELETE).  A second test walks
 * the hubs list one item a page through nextCursor and tries foreign and
 * garbled cursors and another business's hub.
 *
 * The suite brings its own data (ids ...8000-fd..., hubs named "List
 * counts"): two hub managers of Demo Hospitality Group (101), invoices
 * of its accounts 651 and 652, a role of Metro Event Staff (202); the
 * demo roles it archives (703, 712, 713) are put back as they were.  It
 * removes all of it at the end (after each test case, also when a test
 * failed) and checks that the lists show what they showed before.
 * Without $KROW_TEST_URL it skips (exit 77).
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "b64.h"
#include "buf.h"
#include "mem.h"
#include "http.h"
#include "api.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define TENANT		ID("000000000001")
#define BIZ		ID("000000000101")
#define HUB_NY		ID("000000000501")
#define HUB_LDN		ID("000000000511")	/* Other Catering's */
#define VENDOR_DEMO	ID("000000000201")
#define VENDOR_METRO	ID("000000000202")
#define ROLE_COOK	ID("000000000703")	/* Demo Staffing's */
#define ROLE_SETUP	ID("000000000712")	/* Metro's */
#define ROLE_GUARD	ID("000000000713")	/* Metro's */
#define ACCT_MAIN	ID("000000000651")
#define ACCT_EVENTS	ID("000000000652")
#define U_M1		ID("fd0000000401")	/* Lara Lists, manager */
#define U_M2		ID("fd0000000402")	/* Liam Lists, manager */
#define PH_A		ID("fd0000000501")	/* the pages test's */
#define PH_B		ID("fd0000000502")
#define TAG_1		ID("fd0000005001")
#define TAG_2		ID("fd0000005002")
#define TAG_3		ID("fd0000005003")
#define ROLE_NEW	ID("fd0000000701")
#define ROLE_OLD	ID("fd0000000702")
#define INV_1		ID("fd0000000901")	/* approved, then paid */
#define INV_2		ID("fd0000000902")	/* disputed */
#define INV_3		ID("fd0000000903")
#define INV_4		ID("fd0000000904")
#define FD_LIKE		"'00000000-0000-4000-8000-fd%'"
#define TITLE		"List counts"
#define MINE		"(SELECT id FROM hubs WHERE business_id = '" BIZ \
			"' AND name = '" TITLE "')"

/* The invoices' totals: subtotal + tax. */
#define INV_1_CENTS	10888LL
#define INV_2_CENTS	21775LL
#define INV_2_NEW_CENTS	19595LL
#define INV_3_CENTS	5444LL
#define INV_4_CENTS	3267LL

static char	*tok_owner, *tok_other;

/* Everything the suite made, and the demo roles it archives put back. */
static const char fixture_drop[] =
    "DELETE FROM audit_events WHERE target_id IN (SELECT id::text FROM"
    " hubs WHERE business_id = '" BIZ "' AND name = '" TITLE "'"
    " UNION ALL SELECT id::text FROM nfc_tags WHERE hub_id IN " MINE ")"
    " OR target_id LIKE " FD_LIKE ";"
    " DELETE FROM nfc_tags WHERE hub_id IN " MINE " OR id::text LIKE "
    FD_LIKE ";"
    " DELETE FROM hub_managers WHERE hub_id IN " MINE " OR user_id::text"
    " LIKE " FD_LIKE ";"
    " DELETE FROM hubs WHERE business_id = '" BIZ "' AND name = '" TITLE
    "';"
    " DELETE FROM invoices WHERE id::text LIKE " FD_LIKE ";"
    " DELETE FROM vendor_roles WHERE id::text LIKE " FD_LIKE ";"
    " UPDATE vendor_roles SET status = 'active' WHERE id IN ('" ROLE_COOK
    "', '" ROLE_SETUP "', '" ROLE_GUARD "') AND status <> 'active';"
    " DELETE FROM users WHERE id::text LIKE " FD_LIKE ";"
    " SELECT 1";

/* The two hub managers (after fixture_drop). */
static const char fixture_users[] =
    "INSERT INTO users (id, tenant_id, provider, provider_uid, actor,"
    " business_id, role, email, display_name) VALUES ('" U_M1 "', '"
    TENANT "', 'local', 'list-manager-1', 'client', '" BIZ "', 'manager',"
    " 'lara.lists@demo.example', 'Lara Lists'), ('" U_M2 "', '" TENANT
    "', 'local', 'list-manager-2', 'client', '" BIZ "', 'manager',"
    " 'liam.lists@demo.example', 'Liam Lists');"
    " SELECT 1";

/* No kept count differs from a recount (step names the write). */
static void
same(const char *step)
{
	char	*what;

	what = api_fmt("%s: kept counts differ", step);
	api_sql_none(what, "SELECT coalesce(string_agg(tbl || ' ' || id || ' '"
	    " || col || ': ' || kept || ' <> ' || counted, '; '), '')"
	    " FROM krow_list_counts_diff()");
	mem_free(what);
}

/* A command as the owner (api_send()). */
static char *
send(const char *method, const char *path, const char *body, long status,
    const char *key)
{
	return api_send(method, path, tok_owner, "lc", body, status, key);
}

/* The number member of the item idkey = id of the list at path, as the
 * owner sees it. */
static long long
listed(const char *path, const char *idkey, const char *id,
    const char *member)
{
	struct http_res	 res;
	long long	 n;

	api_get_as(path, tok_owner, &res);
	n = api_num(api_find_ok(api_json_ok(&res, 200), idkey, id), member);
	http_res_free(&res);
	return n;
}

/* The hubs list shows the hub with these counts. */
static void
hub_is(const char *step, const char *hub, long long tags, long long mgrs)
{
	long long	 n;

	n = listed("/query/client/hubs?status=all&limit=200", "hubId", hub,
	    "nfcTagCount");
	ck_assert_msg(n == tags, "%s: hub %s nfcTagCount %lld, want %lld",
	    step, hub, n, tags);
	n = listed("/query/client/hubs?status=all&limit=200", "hubId", hub,
	    "managerCount");
	ck_assert_msg(n == mgrs, "%s: hub %s managerCount %lld, want %lld",
	    step, hub, n, mgrs);
}

/* The billing accounts list shows the account with these. */
static void
account_is(const char *step, const char *acct, long long open,
    long long cents)
{
	long long	 n;

	n = listed("/query/client/billing/accounts?status=all&limit=200",
	    "billingAccountId", acct, "openInvoiceCount");
	ck_assert_msg(n == open, "%s: account %s openInvoiceCount %lld, want"
	    " %lld", step, acct, n, open);
	n = listed("/query/client/billing/accounts?status=all&limit=200",
	    "billingAccountId", acct, "outstandingCents");
	ck_assert_msg(n == cents, "%s: account %s outstandingCents %lld, want"
	    " %lld", step, acct, n, cents);
}

/* The vendors list shows the vendor with this many active roles. */
static void
vendor_is(const char *step, const char *vendor, long long roles)
{
	long long	 n;

	n = listed("/query/client/vendors?status=all&limit=200", "vendorId",
	    vendor, "activeRoleCount");
	ck_assert_msg(n == roles, "%s: vendor %s activeRoleCount %lld, want"
	    " %lld", step, vendor, n, roles);
}

/* The managers of hub, by name: the user ids given (NULL-terminated). */
static void
managers_are(const char *step, const char *hub, ...)
{
	struct http_res		 res;
	struct json_object	*o;
	va_list			 ap;
	const char		*id;
	char			*path;
	size_t			 i;

	path = api_fmt("/query/client/hubs/%s/managers", hub);
	api_get_as(path, tok_owner, &res);
	mem_free(path);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "hub.hubId"), hub);
	va_start(ap, hub);
	for (i = 0; (id = va_arg(ap, const char *)) != NULL; i++) {
		ck_assert_msg(i < api_nitems(o), "%s: %zu managers of %s, want"
		    " more", step, api_nitems(o), hub);
		ck_assert_msg(strcmp(api_str(api_item(o, i), "userId"), id) ==
		    0, "%s: manager %zu of %s is %s, want %s", step, i, hub,
		    api_str(api_item(o, i), "userId"), id);
	}
	va_end(ap);
	ck_assert_msg(api_nitems(o) == i, "%s: %zu managers of %s, want %zu",
	    step, api_nitems(o), hub, i);
	ck_assert_ptr_null(api_next_cursor(o));
	http_res_free(&res);
}

/*
 * The counts every list of the business shows, one line per item (to
 * compare before and after the suite).
 */
static char *
snapshot(void)
{
	static const struct {
		const char	*path, *id, *m1, *m2;
	} lists[] = {
		{ "/query/client/hubs?status=all&limit=200", "hubId",
		    "nfcTagCount", "managerCount" },
		{ "/query/client/vendors?status=all&limit=200", "vendorId",
		    "activeRoleCount", "activeStaffCount" },
		{ "/query/client/billing/accounts?status=all&limit=200",
		    "billingAccountId", "openInvoiceCount",
		    "outstandingCents" },
	};
	struct http_res		 res;
	struct json_object	*o, *it;
	struct buf		 b;
	char			*s;
	size_t			 i, j;

	buf_init(&b);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		api_get_as(lists[i].path, tok_owner, &res);
		o = api_json_ok(&res, 200);
		ck_assert_ptr_null(api_next_cursor(o));
		for (j = 0; j < api_nitems(o); j++) {
			it = api_item(o, j);
			buf_printf(&b, "%s %lld %lld\n",
			    api_str(it, lists[i].id), api_num(it, lists[i].m1),
			    api_num(it, lists[i].m2));
		}
		http_res_free(&res);
	}
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

/* The open invoices of an account and their total, recounted. */
static long long
open_count(const char *acct)
{
	return api_sqlf_num("SELECT count(*) FROM invoices WHERE "
	    "billing_account_id = '%s' AND status <> 'paid'", acct);
}

static long long
open_cents(const char *acct)
{
	return api_sqlf_num("SELECT coalesce(sum(total_cents), 0) FROM "
	    "invoices WHERE billing_account_id = '%s' AND status <> "
	    "'paid'", acct);
}

static long long
active_roles(const char *vendor)
{
	return api_sqlf_num("SELECT count(*) FROM vendor_roles WHERE vendor_id "
	    "= '%s' AND status = 'active'", vendor);
}

/* A pending invoice of the demo business: id, account, vendor, number,
 * subtotal and tax, as a VALUES row. */
static char *
invoice_row(const char *id, const char *acct, const char *vendor,
    const char *number, long long subtotal, long long tax)
{
	return api_fmt("('%s', '" TENANT "', '" BIZ "', '%s', '%s', '%s',"
	    " current_date - 7, current_date - 1, current_date + 30,"
	    " 'pending', %lld, %lld, %lld)", id, vendor, acct, number,
	    subtotal, tax, subtotal + tax);
}

#define INVOICE_COLS \
	"INSERT INTO invoices (id, tenant_id, business_id, vendor_id," \
	" billing_account_id, invoice_number, period_start, period_end," \
	" due_date, status, subtotal_cents, tax_cents, total_cents) VALUES "

START_TEST(test_writes)
{
	char		*before, *after, *hub_a, *hub_b, *path, *tag;
	char		*r1, *r2;
	long long	 n_main, c_main, n_ev, c_ev, roles_demo, roles_metro;

	mem_free(api_sql(fixture_drop));
	mem_free(api_sql(fixture_users));
	same("fixture");
	before = snapshot();
	/* The starting points, recounted. */
	n_main = open_count(ACCT_MAIN);
	c_main = open_cents(ACCT_MAIN);
	n_ev = open_count(ACCT_EVENTS);
	c_ev = open_cents(ACCT_EVENTS);
	roles_demo = active_roles(VENDOR_DEMO);
	roles_metro = active_roles(VENDOR_METRO);

	/* 1. Two hubs through the command: nothing counted yet. */
	hub_a = send("POST", "/commands/client/hubs", "{\"name\":\"" TITLE
	    "\",\"timeZone\":\"America/Chicago\"}", 201, "hubId");
	same("create hub");
	hub_is("create hub", hub_a, 0, 0);
	hub_b = send("POST", "/commands/client/hubs", "{\"name\":\"" TITLE
	    "\",\"timeZone\":\"America/Denver\"}", 201, "hubId");
	same("create second hub");
	hub_is("create second hub", hub_b, 0, 0);
	managers_are("create hub", hub_a, NULL);

	/* 2. Two managers through the command; one goes. */
	path = api_fmt("/commands/client/hubs/%s/managers", hub_a);
	mem_free(send("POST", path, "{\"userId\":\"" U_M2 "\"}", 201, NULL));
	same("add manager");
	hub_is("add manager", hub_a, 0, 1);
	mem_free(send("POST", path, "{\"userId\":\"" U_M1 "\"}", 201, NULL));
	mem_free(path);
	same("add second manager");
	hub_is("add second manager", hub_a, 0, 2);
	hub_is("add second manager", hub_b, 0, 0);
	/* By name: Lara, then Liam. */
	managers_are("add second manager", hub_a, U_M1, U_M2, NULL);
	path = api_fmt("/commands/client/hubs/%s/managers/" U_M2, hub_a);
	mem_free(send("DELETE", path, NULL, 200, NULL));
	mem_free(path);
	same("remove manager");
	hub_is("remove manager", hub_a, 0, 1);
	managers_are("remove manager", hub_a, U_M1, NULL);

	/* 3. An NFC tag through the command, then revoked. */
	path = api_fmt("/commands/client/hubs/%s/nfc-tags", hub_a);
	tag = send("POST", path, "{\"tagUid\":\"fd0000a1\",\"label\":\""
	    TITLE "\"}", 201, "tagId");
	mem_free(path);
	same("add tag");
	hub_is("add tag", hub_a, 1, 1);
	path = api_fmt("/commands/client/hubs/%s/nfc-tags/%s", hub_a, tag);
	mem_free(send("DELETE", path, NULL, 200, NULL));
	mem_free(path);
	same("revoke tag");
	hub_is("revoke tag", hub_a, 0, 1);

	/* 4. Invoices: two pending ones, of two accounts, in one INSERT. */
	r1 = invoice_row(INV_1, ACCT_MAIN, VENDOR_DEMO, "LC-0901", 10000,
	    INV_1_CENTS - 10000);
	r2 = invoice_row(INV_2, ACCT_EVENTS, VENDOR_METRO, "LC-0902", 20000,
	    INV_2_CENTS - 20000);
	api_sqlf(INVOICE_COLS "%s, %s", r1, r2);
	mem_free(r1);
	mem_free(r2);
	same("insert invoices");
	n_main++;
	c_main += INV_1_CENTS;
	n_ev++;
	c_ev += INV_2_CENTS;
	account_is("insert invoices", ACCT_MAIN, n_main, c_main);
	account_is("insert invoices", ACCT_EVENTS, n_ev, c_ev);
	/* Approved and disputed are still open. */
	mem_free(send("POST", "/commands/client/invoices/" INV_1 "/approve",
	    NULL, 200, NULL));
	same("approve invoice");
	account_is("approve invoice", ACCT_MAIN, n_main, c_main);
	mem_free(send("POST", "/commands/client/invoices/" INV_2 "/dispute",
	    "{\"reason\":\"" TITLE "\"}", 200, NULL));
	same("dispute invoice");
	account_is("dispute invoice", ACCT_EVENTS, n_ev, c_ev);
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM invoices"
	    " WHERE id = '" INV_1 "' AND status = 'approved'"
	    " OR id = '" INV_2 "' AND status = 'disputed'"), 2);
	/* Paid, as the billing side marks it. */
	api_sqlf("UPDATE invoices SET status = 'paid', paid_at = now() WHERE "
	    "id = '" INV_1 "'");
	same("pay invoice");
	n_main--;
	c_main -= INV_1_CENTS;
	account_is("pay invoice", ACCT_MAIN, n_main, c_main);
	account_is("pay invoice", ACCT_EVENTS, n_ev, c_ev);
	/* An open invoice's total changes. */
	api_sqlf("UPDATE invoices SET subtotal_cents = 18000, tax_cents = %lld,"
	    " total_cents = %lld WHERE id = '" INV_2 "'",
	    INV_2_NEW_CENTS - 18000, INV_2_NEW_CENTS);
	same("invoice total");
	c_ev += INV_2_NEW_CENTS - INV_2_CENTS;
	account_is("invoice total", ACCT_EVENTS, n_ev, c_ev);
	/* An open invoice moves to the other account. */
	api_sqlf("UPDATE invoices SET billing_account_id = '" ACCT_MAIN "' "
	    "WHERE id = '" INV_2 "'");
	same("invoice account");
	n_ev--;
	c_ev -= INV_2_NEW_CENTS;
	n_main++;
	c_main += INV_2_NEW_CENTS;
	account_is("invoice account", ACCT_MAIN, n_main, c_main);
	account_is("invoice account", ACCT_EVENTS, n_ev, c_ev);
	/* One more, then gone again. */
	r1 = invoice_row(INV_3, ACCT_EVENTS, VENDOR_METRO, "LC-0903", 5000,
	    INV_3_CENTS - 5000);
	api_sqlf(INVOICE_COLS "%s", r1);
	mem_free(r1);
	same("insert invoice");
	account_is("insert invoice", ACCT_EVENTS, n_ev + 1,
	    c_ev + INV_3_CENTS);
	api_sqlf("DELETE FROM invoices WHERE id = '" INV_3 "'");
	same("delete invoice");
	account_is("delete invoice", ACCT_EVENTS, n_ev, c_ev);
	/* A paid invoice deleted: nothing open changes. */
	api_sqlf("DELETE FROM audit_events WHERE target_id = '" INV_1 "';"
	    " DELETE FROM invoices WHERE id = '" INV_1 "'");
	same("delete paid invoice");
	account_is("delete paid invoice", ACCT_MAIN, n_main, c_main);

	/* 5. Vendor roles through SQL. */
	api_sqlf("UPDATE vendor_roles SET status = 'archived' WHERE id = '"
	    ROLE_SETUP "'");
	same("archive role");
	vendor_is("archive role", VENDOR_METRO, roles_metro - 1);
	api_sqlf("UPDATE vendor_roles SET status = 'active' WHERE id = '"
	    ROLE_SETUP "'");
	same("restore role");
	vendor_is("restore role", VENDOR_METRO, roles_metro);
	api_sqlf("INSERT INTO vendor_roles (id, tenant_id, vendor_id, "
	    "role_code, name, bill_rate_cents, pay_rate_cents) VALUES "
	    "('" ROLE_NEW "', '"
	    TENANT "', '" VENDOR_METRO "', 'list_counts', 'List Counter',"
	    " 3000, 2000)");
	same("insert role");
	vendor_is("insert role", VENDOR_METRO, roles_metro + 1);
	api_sqlf("INSERT INTO vendor_roles (id, tenant_id, vendor_id, "
	    "role_code, name, bill_rate_cents, pay_rate_cents, status) VALUES "
	    "('"
	    ROLE_OLD "', '" TENANT "', '" VENDOR_METRO "', 'list_counts_old',"
	    " 'Old List Counter', 3000, 2000, 'archived')");
	same("insert archived role");
	vendor_is("insert archived role", VENDOR_METRO, roles_metro + 1);
	api_sqlf("DELETE FROM vendor_roles WHERE id = '" ROLE_NEW "'");
	same("delete role");
	vendor_is("delete role", VENDOR_METRO, roles_metro);
	api_sqlf("DELETE FROM vendor_roles WHERE id = '" ROLE_OLD "'");
	same("delete archived role");
	vendor_is("delete archived role", VENDOR_METRO, roles_metro);
	vendor_is("delete archived role", VENDOR_DEMO, roles_demo);

	/* 6. Statements of several rows, of several items. */
	api_sqlf("INSERT INTO hub_managers (tenant_id, business_id, hub_id,"
	    " user_id) VALUES ('" TENANT "', '" BIZ "', '%s', '" U_M2 "'),"
	    " ('" TENANT "', '" BIZ "', '%s', '" U_M1 "'), ('" TENANT "', '"
	    BIZ "', '%s', '" U_M2 "')", hub_a, hub_b, hub_b);
	same("insert managers");
	hub_is("insert managers", hub_a, 0, 2);
	hub_is("insert managers", hub_b, 0, 2);
	managers_are("insert managers", hub_b, U_M1, U_M2, NULL);
	api_sqlf("DELETE FROM hub_managers WHERE hub_id = '%s' OR (hub_id = "
	    "'%s' AND user_id = '" U_M1 "')", hub_b, hub_a);
	same("delete managers");
	hub_is("delete managers", hub_a, 0, 1);
	hub_is("delete managers", hub_b, 0, 0);
	managers_are("delete managers", hub_a, U_M2, NULL);
	api_sqlf("INSERT INTO nfc_tags (id, tenant_id, business_id, hub_id,"
	    " tag_uid) VALUES ('" TAG_1 "', '" TENANT "', '" BIZ "', '%s',"
	    " 'FD000001'), ('" TAG_2 "', '" TENANT "', '" BIZ "', '%s',"
	    " 'FD000002'), ('" TAG_3 "', '" TENANT "', '" BIZ "', '%s',"
	    " 'FD000003')", hub_a, hub_a, hub_b);
	same("insert tags");
	hub_is("insert tags", hub_a, 2, 1);
	hub_is("insert tags", hub_b, 1, 0);
	api_sqlf("UPDATE nfc_tags SET status = 'revoked', revoked_at = now()"
	    " WHERE id IN ('" TAG_1 "', '" TAG_2 "')");
	same("revoke tags");
	hub_is("revoke tags", hub_a, 0, 1);
	hub_is("revoke tags", hub_b, 1, 0);
	api_sqlf("UPDATE nfc_tags SET hub_id = '%s' WHERE id = '" TAG_3 "'",
	    hub_a);
	same("move tag");
	hub_is("move tag", hub_a, 1, 1);
	hub_is("move tag", hub_b, 0, 0);
	/* One back, one away, in one statement: the hub's count holds. */
	api_sqlf("UPDATE nfc_tags SET status = CASE status WHEN 'active' THEN"
	    " 'revoked' ELSE 'active' END, revoked_at = CASE status WHEN"
	    " 'active' THEN now() END WHERE id IN ('" TAG_1 "', '" TAG_3 "')");
	same("swap tags");
	hub_is("swap tags", hub_a, 1, 1);
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM nfc_tags"
	    " WHERE id = '" TAG_1 "' AND status = 'active'"), 1);
	api_sqlf("UPDATE nfc_tags SET status = 'active', revoked_at = NULL,"
	    " hub_id = CASE id WHEN '" TAG_2 "' THEN '%s'::uuid ELSE hub_id"
	    " END WHERE id IN ('" TAG_2 "', '" TAG_3 "')", hub_b);
	same("restore tags");
	hub_is("restore tags", hub_a, 2, 1);
	hub_is("restore tags", hub_b, 1, 0);
	api_sqlf("DELETE FROM nfc_tags WHERE id IN ('" TAG_1 "', '" TAG_2 "', '"
	    TAG_3 "')");
	same("delete tags");
	hub_is("delete tags", hub_a, 0, 1);
	hub_is("delete tags", hub_b, 0, 0);
	api_sqlf("UPDATE vendor_roles SET status = 'archived' WHERE id IN ('"
	    ROLE_COOK "', '" ROLE_GUARD "')");
	same("archive roles");
	vendor_is("archive roles", VENDOR_DEMO, roles_demo - 1);
	vendor_is("archive roles", VENDOR_METRO, roles_metro - 1);
	api_sqlf("UPDATE vendor_roles SET status = 'active' WHERE id IN ('"
	    ROLE_COOK "', '" ROLE_GUARD "')");
	same("restore roles");
	vendor_is("restore roles", VENDOR_DEMO, roles_demo);
	vendor_is("restore roles", VENDOR_METRO, roles_metro);
	r1 = invoice_row(INV_3, ACCT_MAIN, VENDOR_DEMO, "LC-0903", 5000,
	    INV_3_CENTS - 5000);
	r2 = invoice_row(INV_4, ACCT_EVENTS, VENDOR_METRO, "LC-0904", 3000,
	    INV_4_CENTS - 3000);
	api_sqlf(INVOICE_COLS "%s, %s", r1, r2);
	mem_free(r1);
	mem_free(r2);
	same("insert two invoices");
	account_is("insert two invoices", ACCT_MAIN, n_main + 1,
	    c_main + INV_3_CENTS);
	account_is("insert two invoices", ACCT_EVENTS, n_ev + 1,
	    c_ev + INV_4_CENTS);
	/* Both paid, and the disputed one too, in one statement. */
	api_sqlf("UPDATE invoices SET status = 'paid', paid_at = now() WHERE "
	    "id IN ('" INV_2 "', '" INV_3 "', '" INV_4 "')");
	same("pay invoices");
	n_main--;
	c_main -= INV_2_NEW_CENTS;
	account_is("pay invoices", ACCT_MAIN, n_main, c_main);
	account_is("pay invoices", ACCT_EVENTS, n_ev, c_ev);

	/* Everything goes; the lists show what they showed before. */
	mem_free(api_sql(fixture_drop));
	same("deletes");
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM hubs WHERE "
	    "business_id = '" BIZ "' AND name = '" TITLE "'"), 0);
	after = snapshot();
	ck_assert_str_eq(after, before);

	mem_free(before);
	mem_free(after);
	mem_free(hub_a);
	mem_free(hub_b);
	mem_free(tag);
}
END_TEST

/* A cursor: base64url of the text given. */
static char *
cursor_of(const char *json)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	b64url_encode(&b, json, strlen(json));
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

/* path?cursor=c answers 400 VALIDATION_ERROR naming cursor. */
static void
bad_cursor(const char *path, const char *c)
{
	char	*url;

	url = api_fmt("%s%scursor=%s", path, strchr(path, '?') != NULL ? "&" :
	    "?", c);
	api_expect_invalid(url, tok_owner, "cursor");
	mem_free(url);
}

START_TEST(test_pages)
{
	struct http_res		 res;
	struct json_object	*o, *it;
	struct buf		 seen;
	const char		*id, *cur;
	char			*cursor = NULL, *first = NULL;
	char			*url, *want, *c;
	size_t			 pages = 0, len;

	mem_free(api_sql(fixture_drop));
	mem_free(api_sql(fixture_users));
	/* Two hubs of one name (the id orders them), a tag, a manager. */
	api_sqlf("INSERT INTO hubs (id, tenant_id, business_id, name, "
	    "time_zone) VALUES ('" PH_B "', '" TENANT "', '" BIZ "', "
	    "'" TITLE "',"
	    " 'UTC'), ('" PH_A "', '" TENANT "', '" BIZ "', '" TITLE "',"
	    " 'UTC');"
	    " INSERT INTO nfc_tags (id, tenant_id, business_id, hub_id,"
	    " tag_uid) VALUES ('" TAG_1 "', '" TENANT "', '" BIZ "', '" PH_B
	    "', 'FD000001');"
	    " INSERT INTO hub_managers (tenant_id, business_id, hub_id,"
	    " user_id) VALUES ('" TENANT "', '" BIZ "', '" PH_A "', '" U_M1
	    "'), ('" TENANT "', '" BIZ "', '" PH_A "', '" U_M2 "')");
	same("pages fixture");
	want = api_sql("SELECT string_agg(id::text, ' ' ORDER BY name, id)"
	    " FROM hubs WHERE business_id = '" BIZ "' AND status ="
	    " 'active'");

	/* One hub a page, in (name, id) order, each once. */
	buf_init(&seen);
	for (;;) {
		if (cursor == NULL)
			url = mem_strdup("/query/client/hubs?limit=1");
		else
			url = api_fmt("/query/client/hubs?limit=1&cursor=%s",
			    cursor);
		api_get_as(url, tok_owner, &res);
		mem_free(url);
		o = api_json_ok(&res, 200);
		ck_assert_uint_eq(api_nitems(o), 1);
		it = api_item(o, 0);
		id = api_str(it, "hubId");
		ck_assert_msg(strstr(buf_cstr(&seen), id) == NULL,
		    "hub %s seen twice", id);
		buf_printf(&seen, "%s%s", pages > 0 ? " " : "", id);
		/* Each page's counts are the recounts. */
		ck_assert_int_eq(api_num(it, "nfcTagCount"),
		    api_sqlf_num("SELECT count(*) FROM nfc_tags WHERE"
		    " hub_id = '%s' AND status = 'active'", id));
		ck_assert_int_eq(api_num(it, "managerCount"),
		    api_sqlf_num("SELECT count(*) FROM hub_managers WHERE"
		    " hub_id = '%s'", id));
		mem_free(cursor);
		cursor = NULL;
		if ((cur = api_next_cursor(o)) != NULL) {
			cursor = mem_strdup(cur);
			if (first == NULL)
				first = mem_strdup(cur);
		}
		http_res_free(&res);
		ck_assert_uint_lt(++pages, 100);
		if (cursor == NULL)
			break;
	}
	ck_assert_str_eq(buf_cstr(&seen), want);
	ck_assert_uint_eq(pages, (size_t)api_sqlf_num("SELECT count(*) FROM "
	    "hubs WHERE business_id = '" BIZ "' AND status = 'active'"));
	/* The tie of names is broken by the id. */
	ck_assert_ptr_nonnull(strstr(buf_cstr(&seen), PH_A " " PH_B));
	buf_cleanup(&seen);
	mem_free(want);
	ck_assert_ptr_nonnull(first);

	/* A cursor of this list is foreign to lists keyed otherwise. */
	bad_cursor("/query/client/billing/invoices/pending", first);
	bad_cursor("/query/client/reorders", first);
	/* Cursors of other shapes: one key (as the notifications'), three
	 * keys, a key that is not text, no array. */
	c = cursor_of("[\"17\"]");
	bad_cursor("/query/client/hubs", c);
	mem_free(c);
	c = cursor_of("[\"" TITLE "\",\"" PH_A "\",\"" PH_B "\"]");
	bad_cursor("/query/client/hubs?limit=1", c);
	mem_free(c);
	c = cursor_of("[\"" TITLE "\",17]");
	bad_cursor("/query/client/hubs", c);
	mem_free(c);
	c = cursor_of("{\"name\":\"" TITLE "\"}");
	bad_cursor("/query/client/hubs", c);
	mem_free(c);
	/* Garbled: cut short, a character that base64url has not. */
	c = mem_strdup(first);
	len = strlen(c);
	ck_assert_uint_gt(len, 4);
	c[len - 3] = '\0';
	bad_cursor("/query/client/hubs?limit=1", c);
	c[2] = '.';
	bad_cursor("/query/client/hubs?limit=1", c);
	mem_free(c);
	bad_cursor("/query/client/hubs/" PH_A "/managers", "%25%25");

	/* The managers of another business's hub: not found. */
	api_expect_404("/query/client/hubs/" HUB_LDN "/managers", tok_owner);
	api_expect_404("/query/client/hubs/" PH_A "/managers", tok_other);
	managers_are("pages", PH_A, U_M1, U_M2, NULL);
	managers_are("pages", HUB_NY, ID("000000000406"), NULL);

	mem_free(api_sql(fixture_drop));
	same("pages deletes");
	mem_free(first);
}
END_TEST

/* After each test case, also when a test failed half way: the demo
 * data as it was. */
static void
drop(void)
{
	mem_free(api_sql(fixture_drop));
}

static Suite *
list_counts_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("list counts");
	tc = api_tcase(s, "writes", 180);
	tcase_add_unchecked_fixture(tc, NULL, drop);
	tcase_add_test(tc, test_writes);
	tc = api_tcase(s, "pages", 120);
	tcase_add_unchecked_fixture(tc, NULL, drop);
	tcase_add_test(tc, test_pages);
	return s;
}

static void
run_setup(void)
{
	tok_owner = api_mint("demo-owner");
	tok_other = api_mint("other-owner");
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_other);
}

int
main(void)
{
	return api_main("check_list_counts", list_counts_suite, run_setup,
	    run_teardown);
}
