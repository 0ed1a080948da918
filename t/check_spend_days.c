/*
 * check_spend_days: the stored worth of time entries and the spend
 * roll-up (spend_days, migration 0013) stay equal to a computation from
 * scratch (krow_spend_days_diff() returns no row) through a realistic
 * sequence of writes made with the real commands, and the spend reads
 * follow them:
 *
 *   Luis clocks in on the demo's SHIFT_TODAY (New York) and out; the
 *   owner corrects the entry (4 hours less a 30 minute break); the owner
 *   moves the order to another cost center; the hub's time zone changes
 *   and changes back; the billing run (SQL: there is no command for it)
 *   invoices the entry; the owner disputes the line; the vendor answers
 *   (SQL) and the owner approves the invoice.
 *
 * After each step: the difference is empty, and the spend breakdown of
 * the work date shows the entry where it belongs (accrued, then
 * invoiced; under the order's cost center), its amount computed here
 * from the position's bill rate.  Everything is put back at the end (the
 * other suites expect the demo data).  Without $KROW_TEST_URL it skips
 * (exit 77).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>
#include <json-c/json.h>

#include "mem.h"
#include "http.h"
#include "api.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define HUB_NY		ID("000000000501")
#define SHIFT_TODAY	ID("000000008101")	/* Luis confirmed, NY */
#define ASG_TODAY	ID("000000810111")
#define ORDER_TODAY	ID("000000000810")
#define CC_FNB		ID("000000000602")	/* the order's */
#define CC_EVT		ID("000000000601")
#define INV		ID("f90000000001")	/* the billing run's */
#define LINE		ID("f90000000002")
#define TAG_NY		"04A1B2C3D4E5F6"
#define CLOCK_IN	"/commands/staff/clock-in"
#define CLOCK_OUT	"/commands/staff/clock-out"

static char	*tok_luis, *tok_owner;
/* SHIFT_TODAY's demo times (note()); the hub's demo zone. */
static char	*today_starts, *today_ends;
static const char *const hub_zone = "America/New_York";

/* Put the demo back: no entry on ASG_TODAY, no invoice INV, the shift's
 * times, the order's cost center, the hub's zone. */
static void
reset(void)
{
	char	q[1024];

	mem_free(api_sql("DELETE FROM invoices WHERE id = '" INV "';"
	    " DELETE FROM time_entries WHERE assignment_id = '" ASG_TODAY "';"
	    " UPDATE assignments SET status = 'confirmed', checked_in_at ="
	    " NULL, checked_out_at = NULL, updated_at = now()"
	    " WHERE id = '" ASG_TODAY "' AND status <> 'confirmed';"
	    " UPDATE orders SET cost_center_id = '" CC_FNB "'"
	    " WHERE id = '" ORDER_TODAY "'"
	    " AND cost_center_id IS DISTINCT FROM '" CC_FNB "';"
	    " SELECT 1"));
	if (today_starts == NULL)
		return;
	snprintf(q, sizeof(q), "UPDATE shifts SET starts_at = '%s',"
	    " ends_at = '%s' WHERE id = '" SHIFT_TODAY "'"
	    " AND (starts_at, ends_at) IS DISTINCT FROM ('%s', '%s');"
	    " UPDATE hubs SET time_zone = '%s' WHERE id = '" HUB_NY "'"
	    " AND time_zone <> '%s'; SELECT 1", today_starts, today_ends,
	    today_starts, today_ends, hub_zone, hub_zone);
	mem_free(api_sql(q));
}

/* The stored values equal a computation from scratch (after step). */
static void
same_as_scratch(const char *step)
{
	char	*first;

	if (api_sql_num("SELECT count(*) FROM krow_spend_days_diff()") == 0)
		return;
	first = api_sql("SELECT concat_ws(' ', what, key, 'stored', stored,"
	    " 'computed', computed) FROM krow_spend_days_diff() LIMIT 1");
	ck_abort_msg("after %s: %s", step, first);
	mem_free(first);
}

/*
 * The spend breakdown of day (YYYY-MM-DD): accrued and invoiced cents of
 * the totals, and the accrued cents of cost center cc (0 when absent).
 */
static void
spend(const char *day, const char *cc, long long *acc, long long *inv,
    long long *cc_acc)
{
	struct http_res		 res;
	struct json_object	*o, *list, *it, *v;
	char			 path[160];
	size_t			 i;

	snprintf(path, sizeof(path), "/query/client/billing/spend-breakdown"
	    "?from=%s&to=%s", day, day);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	*acc = api_num(o, "totals.accruedCents");
	*inv = api_num(o, "totals.invoicedCents");
	*cc_acc = 0;
	list = api_member(o, "byCostCenter");
	for (i = 0; i < json_object_array_length(list); i++) {
		it = json_object_array_get_idx(list, i);
		if (json_object_object_get_ex(it, "costCenterId", &v) &&
		    v != NULL && strcmp(json_object_get_string(v), cc) == 0)
			*cc_acc = api_num(it, "accruedCents");
	}
	http_res_free(&res);
}

/* An instant hours before now, RFC 3339 UTC. */
static void
ago(int hours, char *buf, size_t len)
{
	time_t		 t;
	struct tm	 tm;

	t = time(NULL) - (time_t)hours * 3600;
	ck_assert(gmtime_r(&t, &tm) != NULL);
	ck_assert(strftime(buf, len, "%Y-%m-%dT%H:%M:00Z", &tm) > 0);
}

START_TEST(test_writes_keep_the_roll_up)
{
	struct http_res	 res;
	char		 body[512], path[128], cin[32], cout[32], *te, *day;
	long long	 rate, pay, bill, paid, acc0, inv0, cc0, acc, inv, cc;

	same_as_scratch("the demo data");
	/* The work date of the corrected entry below, its spend before. */
	day = api_sql("SELECT ((now() - interval '5 hours') AT TIME ZONE"
	    " 'America/New_York')::date");
	spend(day, CC_FNB, &acc0, &inv0, &cc0);

	/* Clock in (the shift starts in 10 minutes) and out. */
	mem_free(api_sql("UPDATE shifts SET starts_at = now() + interval"
	    " '10 minutes', ends_at = now() + interval '6 hours 10 minutes'"
	    " WHERE id = '" SHIFT_TODAY "'; SELECT 1"));
	api_cmd("POST", CLOCK_IN, tok_luis, api_key("sd-in"),
	    "{\"nfcTagId\":\"" TAG_NY "\"}", &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
	same_as_scratch("clock-in");
	te = api_sql("SELECT id FROM time_entries WHERE assignment_id = '"
	    ASG_TODAY "'");
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM time_entries"
	    " WHERE assignment_id = '" ASG_TODAY "' AND bill_cents IS NULL"
	    " AND pay_cents IS NULL"), 1);
	/* Clock-out needs a clock-in in the past. */
	mem_free(api_sql("UPDATE time_entries SET clock_in_at = now() -"
	    " interval '2 minutes' WHERE assignment_id = '" ASG_TODAY "';"
	    " SELECT 1"));
	same_as_scratch("the clock-in moved");
	api_cmd("POST", CLOCK_OUT, tok_luis, api_key("sd-out"),
	    "{\"breakMinutes\":0}", &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("clock-out");

	/* The owner corrects it: 4 hours less 30 minutes, yesterday's or
	 * today's date in New York. */
	ago(5, cin, sizeof(cin));
	ago(1, cout, sizeof(cout));
	snprintf(body, sizeof(body), "{\"clockInAt\":\"%s\","
	    "\"clockOutAt\":\"%s\",\"breakMinutes\":30,"
	    "\"reason\":\"Forgot to tap\"}", cin, cout);
	snprintf(path, sizeof(path), "/commands/client/time-entries/%s"
	    "/correct", te);
	api_cmd("POST", path, tok_owner, api_key("sd-fix"), body, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("the correction");
	rate = api_sql_num("SELECT sp.bill_rate_cents FROM assignments a"
	    " JOIN shift_positions sp ON sp.id = a.position_id"
	    " WHERE a.id = '" ASG_TODAY "'");
	pay = api_sql_num("SELECT sp.pay_rate_cents FROM assignments a"
	    " JOIN shift_positions sp ON sp.id = a.position_id"
	    " WHERE a.id = '" ASG_TODAY "'");
	/* 210 minutes, rounded half up as round() does. */
	bill = (210 * rate + 30) / 60;
	paid = (210 * pay + 30) / 60;
	ck_assert_int_eq(api_sql_num("SELECT bill_cents FROM time_entries"
	    " WHERE assignment_id = '" ASG_TODAY "'"), bill);
	ck_assert_int_eq(api_sql_num("SELECT pay_cents FROM time_entries"
	    " WHERE assignment_id = '" ASG_TODAY "'"), paid);
	spend(day, CC_FNB, &acc, &inv, &cc);
	ck_assert_int_eq(acc, acc0 + bill);
	ck_assert_int_eq(inv, inv0);
	ck_assert_int_eq(cc, cc0 + bill);

	/* The order moves to another cost center. */
	api_cmd("PATCH", "/commands/client/orders/" ORDER_TODAY, tok_owner,
	    api_key("sd-cc"), "{\"costCenterId\":\"" CC_EVT "\"}", &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("the order's cost center");
	spend(day, CC_FNB, &acc, &inv, &cc);
	ck_assert_int_eq(acc, acc0 + bill);
	ck_assert_int_eq(cc, cc0);
	spend(day, CC_EVT, &acc, &inv, &cc);
	ck_assert_int_ge(cc, bill);

	/* The hub's zone changes (the work date with it), and back. */
	api_cmd("PATCH", "/commands/client/hubs/" HUB_NY, tok_owner,
	    api_key("sd-tz"), "{\"timeZone\":\"Pacific/Auckland\"}", &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("the hub's zone");
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM time_entries"
	    " WHERE assignment_id = '" ASG_TODAY "' AND sd_work_date ="
	    " (clock_in_at AT TIME ZONE 'Pacific/Auckland')::date"), 1);
	snprintf(body, sizeof(body), "{\"timeZone\":\"%s\"}", hub_zone);
	api_cmd("PATCH", "/commands/client/hubs/" HUB_NY, tok_owner,
	    api_key("sd-tz2"), body, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("the hub's zone back");
	spend(day, CC_EVT, &acc, &inv, &cc);
	ck_assert_int_eq(acc, acc0 + bill);

	/* The billing run invoices the entry. */
	mem_free(api_sql("INSERT INTO invoices (id, tenant_id, business_id,"
	    " vendor_id, billing_account_id, invoice_number, period_start,"
	    " period_end, due_date, subtotal_cents, total_cents)"
	    " SELECT '" INV "', te.tenant_id, te.business_id, sp.vendor_id,"
	    " '" ID("000000000651") "', 'INV-SD-1', current_date - 7,"
	    " current_date, current_date + 30, te.bill_cents, te.bill_cents"
	    " FROM time_entries te JOIN assignments a"
	    " ON a.id = te.assignment_id JOIN shift_positions sp"
	    " ON sp.id = a.position_id WHERE te.assignment_id = '"
	    ASG_TODAY "';"
	    " INSERT INTO invoice_lines (id, tenant_id, business_id,"
	    " invoice_id, vendor_id, time_entry_id, hub_id, cost_center_id,"
	    " vendor_role_id, staff_id, work_date, description, minutes,"
	    " rate_cents, amount_cents)"
	    " SELECT '" LINE "', te.tenant_id, te.business_id, '" INV "',"
	    " sp.vendor_id, te.id, s.hub_id, o.cost_center_id,"
	    " sp.vendor_role_id, te.staff_id,"
	    " (te.clock_in_at AT TIME ZONE h.time_zone)::date,"
	    " 'Shift work', te.worked_minutes, sp.bill_rate_cents,"
	    " round(te.worked_minutes * sp.bill_rate_cents / 60.0)"
	    " FROM time_entries te JOIN assignments a"
	    " ON a.id = te.assignment_id JOIN shift_positions sp"
	    " ON sp.id = a.position_id JOIN shifts s ON s.id = te.shift_id"
	    " JOIN orders o ON o.id = s.order_id JOIN hubs h"
	    " ON h.id = s.hub_id WHERE te.assignment_id = '" ASG_TODAY "';"
	    " SELECT 1"));
	same_as_scratch("the billing run");
	spend(day, CC_EVT, &acc, &inv, &cc);
	ck_assert_int_eq(acc, acc0);
	ck_assert_int_eq(inv, inv0 + bill);

	/* Disputed, then approved: the spend stays. */
	api_cmd("POST", "/commands/client/invoices/" INV "/dispute",
	    tok_owner, api_key("sd-dis"), "{\"reason\":\"Hours\",\"lines\":"
	    "[{\"lineId\":\"" LINE "\",\"note\":\"Too long\"}]}", &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("the dispute");
	/* The vendor answers the dispute (no command: SQL), then the owner
	 * approves. */
	mem_free(api_sql("UPDATE invoices SET status = 'pending',"
	    " disputed_at = NULL, disputed_by = NULL, dispute_reason = NULL"
	    " WHERE id = '" INV "'; UPDATE invoice_lines SET disputed = false,"
	    " dispute_note = NULL WHERE invoice_id = '" INV "'; SELECT 1"));
	same_as_scratch("the dispute answered");
	api_cmd("POST", "/commands/client/invoices/" INV "/approve",
	    tok_owner, api_key("sd-ok"), NULL, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	same_as_scratch("the approval");
	spend(day, CC_EVT, &acc, &inv, &cc);
	ck_assert_int_eq(inv, inv0 + bill);

	/* And all of it taken away again. */
	reset();
	same_as_scratch("the reset");
	spend(day, CC_FNB, &acc, &inv, &cc);
	ck_assert_int_eq(acc, acc0);
	ck_assert_int_eq(inv, inv0);
	mem_free(te);
	mem_free(day);
}
END_TEST

/* Before the test (in its process): the demo's values to put back. */
static void
note(void)
{
	if (today_starts == NULL) {
		today_starts = api_sql("SELECT starts_at FROM shifts"
		    " WHERE id = '" SHIFT_TODAY "'");
		today_ends = api_sql("SELECT ends_at FROM shifts"
		    " WHERE id = '" SHIFT_TODAY "'");
	}
	reset();
}

static Suite *
make(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("spend_days");
	tc = api_tcase(s, "writes", 60);
	tcase_add_checked_fixture(tc, note, reset);
	tcase_add_test(tc, test_writes_keep_the_roll_up);
	return s;
}

static void
setup(void)
{
	tok_luis = api_mint("demo-staff-luis");
	tok_owner = api_mint("demo-owner");
}

static void
teardown(void)
{
	mem_free(tok_luis);
	mem_free(tok_owner);
}

int
main(void)
{
	return api_main("check_spend_days", make, setup, teardown);
}
