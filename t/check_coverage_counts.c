/*
 * check_coverage_counts: the coverage counts that the writes keep
 * (0012_coverage_counts: per position and shift counts, the day and role
 * roll-ups) must equal a computation from scratch after every write.
 * krow_coverage_diff(business) lists the rows that differ, and
 * krow_openpos_diff(business) the positions whose copies of their
 * shift's end and of whether shift and order are open (0019) differ;
 * the suite sends a realistic sequence of writes through the real
 * commands of krow-command (create an order, assign, apply and approve,
 * unassign, change a headcount, reschedule, clock in and out, change a
 * hub's time zone, cancel an order) and a few through SQL, as fixtures
 * do (cancel a shift, delete rows), and after each one expects no
 * difference; a few stored values are also checked against what the
 * step must have done.
 *
 * The suite brings its own data (ids ...8000-fc..., orders titled
 * "Coverage counts"): two workers of Demo Staffing Co (201) holding its
 * bartender role (701), who can sign in, a shift at the New York hub
 * (501) starting in 10 minutes with one of them confirmed on it, and a
 * hub it creates; it removes all of it at the end (the deletes are
 * checked too).  Without $KROW_TEST_URL it skips (exit 77).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "mem.h"
#include "uuid.h"
#include "http.h"
#include "api.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define TENANT		ID("000000000001")
#define BIZ		ID("000000000101")
#define HUB_NY		ID("000000000501")
#define CC_EVT		ID("000000000601")
#define VENDOR		ID("000000000201")
#define ROLE_BAR	ID("000000000701")
#define ROLE_SERVER	ID("000000000702")
#define W1		ID("fc00000a0001")
#define W2		ID("fc00000a0002")
#define U_W1		ID("fc00000c0001")
#define U_W2		ID("fc00000c0002")
#define ORD_NOW		ID("fc0000000001")	/* starts in 10 min */
#define SH_NOW		ID("fc0000001001")
#define P_NOW		ID("fc0000010001")
#define A_NOW		ID("fc0000020001")
#define TAG_NY		"04A1B2C3D4E5F6"	/* the New York hub's */
#define FC_LIKE		"'00000000-0000-4000-8000-fc%'"
#define TITLE		"Coverage counts"
#define ZONE		"America/New_York"
#define MANY		3000	/* shifts of the hub's bulk write */

static char	*tok_owner, *tok_w1, *tok_w2;

/* Everything the suite made, in an order the foreign keys allow. */
static const char fixture_drop[] =
    "CREATE TEMP TABLE cc_orders AS SELECT id FROM orders"
    " WHERE business_id = '" BIZ "' AND (title = '" TITLE "' OR"
    " id::text LIKE " FC_LIKE ");"
    " DELETE FROM time_entries WHERE shift_id IN (SELECT s.id FROM shifts s"
    " JOIN cc_orders c ON c.id = s.order_id);"
    " DELETE FROM swap_requests WHERE assignment_id IN (SELECT a.id FROM"
    " assignments a JOIN shifts s ON s.id = a.shift_id JOIN cc_orders c"
    " ON c.id = s.order_id);"
    " DELETE FROM staff_events WHERE staff_id::text LIKE " FC_LIKE
    " OR shift_id IN (SELECT s.id FROM shifts s JOIN cc_orders c"
    " ON c.id = s.order_id);"
    " DELETE FROM assignments WHERE shift_id IN (SELECT s.id FROM shifts s"
    " JOIN cc_orders c ON c.id = s.order_id) OR staff_id::text LIKE "
    FC_LIKE ";"
    " DELETE FROM shift_positions WHERE shift_id IN (SELECT s.id FROM"
    " shifts s JOIN cc_orders c ON c.id = s.order_id);"
    " DELETE FROM shifts WHERE order_id IN (SELECT id FROM cc_orders);"
    " DELETE FROM orders WHERE id IN (SELECT id FROM cc_orders);"
    " DELETE FROM hubs WHERE business_id = '" BIZ "' AND name = '"
    TITLE "';"
    " DELETE FROM audit_events WHERE actor_user_id::text LIKE " FC_LIKE ";"
    " DELETE FROM users WHERE id::text LIKE " FC_LIKE ";"
    " DELETE FROM staff_roles WHERE staff_id::text LIKE " FC_LIKE ";"
    " DELETE FROM staff WHERE id::text LIKE " FC_LIKE ";"
    " SELECT 1";

/* The workers and the shift of now (after fixture_drop). */
static const char fixture_make[] =
    "INSERT INTO staff (id, tenant_id, vendor_id, first_name, last_name,"
    " status) VALUES ('" W1 "', '" TENANT "', '" VENDOR "', 'Cora',"
    " 'Counts', 'active'), ('" W2 "', '" TENANT "', '" VENDOR "', 'Cody',"
    " 'Counts', 'active');"
    " INSERT INTO staff_roles (tenant_id, vendor_id, staff_id,"
    " vendor_role_id) VALUES ('" TENANT "', '" VENDOR "', '" W1 "', '"
    ROLE_BAR "'), ('" TENANT "', '" VENDOR "', '" W2 "', '" ROLE_BAR "');"
    " INSERT INTO users (id, tenant_id, provider, provider_uid, actor,"
    " staff_id, display_name) VALUES ('" U_W1 "', '" TENANT "', 'local',"
    " 'cov-worker-1', 'staff', '" W1 "', 'Cora Counts'), ('" U_W2 "', '"
    TENANT "', 'local', 'cov-worker-2', 'staff', '" W2 "', 'Cody Counts');"
    " INSERT INTO orders (id, tenant_id, business_id, hub_id, order_number,"
    " title, status) VALUES ('" ORD_NOW "', '" TENANT "', '" BIZ "', '"
    HUB_NY "', 'COV-NOW', '" TITLE "', 'open');"
    " INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,"
    " starts_at, ends_at, status) VALUES ('" SH_NOW "', '" TENANT "', '"
    BIZ "', '" ORD_NOW "', '" HUB_NY "', now() + interval '10 minutes',"
    " now() + interval '4 hours 10 minutes', 'open');"
    " INSERT INTO shift_positions (id, tenant_id, business_id, shift_id,"
    " vendor_id, vendor_role_id, headcount, bill_rate_cents,"
    " pay_rate_cents) VALUES ('" P_NOW "', '" TENANT "', '" BIZ "', '"
    SH_NOW "', '" VENDOR "', '" ROLE_BAR "', 2, 3500, 2200);"
    " INSERT INTO assignments (id, tenant_id, business_id, shift_id,"
    " position_id, vendor_id, staff_id, status, assigned_at, confirmed_at)"
    " VALUES ('" A_NOW "', '" TENANT "', '" BIZ "', '" SH_NOW "', '" P_NOW
    "', '" VENDOR "', '" W1 "', 'confirmed', now(), now());"
    " SELECT 1";

/* The instant of hh:mm in ZONE, days from today there (RFC 3339 UTC). */
static char *
at(int days, const char *hhmm)
{
	char	*q, *s;

	q = api_fmt("SELECT to_char((((now() AT TIME ZONE '" ZONE "')::date"
	    " + %d) + time '%s') AT TIME ZONE '" ZONE "' AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", days, hhmm);
	s = api_sql(q);
	mem_free(q);
	return s;
}

/* No stored count or roll-up of the business differs (step names it). */
static void
same(const char *step)
{
	char	*what;

	what = api_fmt("%s: coverage counts differ", step);
	api_sql_none(what, "SELECT coalesce(string_agg(what || ' ' || key"
	    " || ': ' || coalesce(stored, '-') || ' <> ' || coalesce(computed,"
	    " '-'), '; '), '') FROM krow_coverage_diff('" BIZ "')");
	mem_free(what);
	/* And the copies of its shift and order on each position (0019). */
	what = api_fmt("%s: open position keys differ", step);
	api_sql_none(what, "SELECT coalesce(string_agg(col || ' ' || id"
	    " || ': ' || coalesce(kept, '-') || ' <> ' || coalesce(computed,"
	    " '-'), '; '), '') FROM krow_openpos_diff('" BIZ "')");
	mem_free(what);
}

/* A command (api_send()). */
static char *
send(const char *method, const char *path, const char *token,
    const char *body, long status, const char *key)
{
	return api_send(method, path, token, "cov", body, status, key);
}

/* Hub hub moved to time zone zone by its command; then same(step). */
static void
move_hub(const char *hub, const char *zone, const char *step)
{
	char	*path, *body;

	path = api_fmt("/commands/client/hubs/%s", hub);
	body = api_fmt("{\"timeZone\":\"%s\"}", zone);
	mem_free(send("PATCH", path, tok_owner, body, 200, NULL));
	mem_free(body);
	mem_free(path);
	same(step);
}

START_TEST(test_writes)
{
	char	*a1, *a2, *b1, *b2, *body, *oid, *path, *q, *sa, *sb;
	char	*pa, *pb, *hub, *hoid, *asg, *app;

	mem_free(api_sql(fixture_drop));
	mem_free(api_sql(fixture_make));
	same("fixture");
	ck_assert_int_eq(api_sqlf_num("SELECT needed * 10 + filled FROM shifts"
	    " WHERE id = '" SH_NOW "'"), 21);

	/* An order of two shifts: A bartender x2, B bartender + server. */
	a1 = at(40, "17:00");
	a2 = at(40, "22:00");
	b1 = at(41, "17:00");
	b2 = at(41, "22:00");
	body = api_fmt("{\"hubId\":\"" HUB_NY "\",\"vendorId\":\"" VENDOR "\","
	    "\"costCenterId\":\"" CC_EVT "\",\"title\":\"" TITLE "\","
	    "\"shifts\":[{\"startsAt\":\"%s\",\"endsAt\":\"%s\","
	    "\"positions\":[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":2}]},"
	    "{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":["
	    "{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1},"
	    "{\"roleId\":\"" ROLE_SERVER "\",\"headcount\":1}]}]}",
	    a1, a2, b1, b2);
	oid = send("POST", "/commands/client/orders", tok_owner, body, 201,
	    "orderId");
	mem_free(body);
	same("create order");
	q = api_fmt("SELECT id FROM shifts WHERE order_id = '%s' ORDER BY"
	    " starts_at LIMIT 1", oid);
	sa = api_sql(q);
	mem_free(q);
	q = api_fmt("SELECT id FROM shifts WHERE order_id = '%s' ORDER BY"
	    " starts_at DESC LIMIT 1", oid);
	sb = api_sql(q);
	mem_free(q);
	q = api_fmt("SELECT id FROM shift_positions WHERE shift_id = '%s'", sa);
	pa = api_sql(q);
	mem_free(q);
	q = api_fmt("SELECT id FROM shift_positions WHERE shift_id = '%s'"
	    " AND vendor_role_id = '" ROLE_BAR "'", sb);
	pb = api_sql(q);
	mem_free(q);
	ck_assert_int_eq(api_sqlf_num("SELECT needed FROM shifts WHERE id = "
	    "'%s'", sb),
	    2);
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM coverage_days WHERE"
	    " hub_id = '" HUB_NY "' AND day = (now() AT TIME ZONE '" ZONE
	    "')::date + 40 AND shifts >= 1"), 1);

	/* Assign W1 to A. */
	path = api_fmt("/commands/client/shifts/%s/positions/%s/"
	    "assignments", sa, pa);
	asg = send("POST", path, tok_owner, "{\"staffId\":\"" W1 "\"}", 201,
	    "assignmentId");
	mem_free(path);
	same("assign");
	ck_assert_int_eq(api_sqlf_num("SELECT filled FROM shifts WHERE id = "
	    "'%s'", sa),
	    1);

	/* W2 applies to A; the owner approves it: A is full. */
	path = api_fmt("/commands/staff/shifts/%s/apply", sa);
	body = api_fmt("{\"positionId\":\"%s\"}", pa);
	app = send("POST", path, tok_w2, body, 201, "assignmentId");
	mem_free(body);
	mem_free(path);
	same("apply");
	ck_assert_int_eq(api_sqlf_num("SELECT applied_count FROM "
	    "shift_positions WHERE id = '%s'", pa), 1);
	path = api_fmt("/commands/client/assignments/%s/approve", app);
	mem_free(send("POST", path, tok_owner, NULL, 200, NULL));
	mem_free(path);
	same("approve");
	ck_assert_int_eq(api_sqlf_num("SELECT filled FROM shifts WHERE id = "
	    "'%s'", sa),
	    2);

	/* Unassign W1; raise A's headcount to 3. */
	path = api_fmt("/commands/client/assignments/%s", asg);
	mem_free(send("DELETE", path, tok_owner, NULL, 200, NULL));
	mem_free(path);
	same("unassign");
	path = api_fmt("/commands/client/orders/%s", oid);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"positions\":"
	    "[{\"positionId\":\"%s\",\"headcount\":3}]}]}", sa, pa);
	mem_free(send("PATCH", path, tok_owner, body, 200, NULL));
	mem_free(body);
	same("headcount");
	ck_assert_int_eq(api_sqlf_num("SELECT needed * 10 + filled FROM shifts"
	    " WHERE id = '%s'", sa), 31);

	/* Reschedule B a day later: it moves to another day row. */
	mem_free(b1);
	mem_free(b2);
	b1 = at(42, "17:00");
	b2 = at(42, "22:00");
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"startsAt\":\"%s\","
	    "\"endsAt\":\"%s\"}]}", sb, b1, b2);
	mem_free(send("PATCH", path, tok_owner, body, 200, NULL));
	mem_free(body);
	mem_free(path);
	same("reschedule");
	ck_assert_int_eq(api_sqlf_num("SELECT cov_day - (now() AT TIME ZONE "
	    "'" ZONE
	    "')::date FROM shifts WHERE id = '%s'", sb), 42);

	/* Clock in and out on the shift of now (W1, the hub's tag). */
	mem_free(send("POST", "/commands/staff/clock-in", tok_w1,
	    "{\"nfcTagId\":\"" TAG_NY "\"}", 201, NULL));
	same("clock in");
	ck_assert_int_eq(api_sqlf_num("SELECT on_site FROM shifts WHERE id = '"
	    SH_NOW "'"), 1);
	mem_free(send("POST", "/commands/staff/clock-out", tok_w1, "{}", 200,
	    NULL));
	same("clock out");

	/* Fixture-style writes: cancel shift B, a position of B, put B
	 * back, open the position on B cancelled again, remove an
	 * assignment. */
	api_sqlf("UPDATE shifts SET status = 'cancelled' WHERE id = '%s'", sb);
	same("cancel shift");
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM shifts WHERE id = "
	    "'%s' AND cov_day IS NULL", sb), 1);
	api_sqlf("UPDATE shifts SET status = 'open' WHERE id = '%s';"
	    " UPDATE shift_positions SET status = 'cancelled' WHERE id = '%s'",
	    sb, pb);
	same("cancel position");
	/* The position opens again on the shift cancelled meanwhile. */
	api_sqlf("UPDATE shifts SET status = 'cancelled' WHERE id = '%s';"
	    " UPDATE shift_positions SET status = 'open' WHERE id = '%s'",
	    sb, pb);
	same("reopen position");
	api_sqlf("UPDATE shifts SET status = 'open' WHERE id = '%s';"
	    " UPDATE shift_positions SET status = 'cancelled' WHERE id = '%s'",
	    sb, pb);
	same("cancel position again");
	api_sqlf("DELETE FROM staff_events WHERE assignment_id = '%s';"
	    " DELETE FROM assignments WHERE id = '%s'", app, app);
	same("delete assignment");

	/*
	 * Several writes in one transaction (0023 writes the counts at its
	 * commit): one in a savepoint rolled back, one after the counts
	 * were written early (SET CONSTRAINTS ALL IMMEDIATE).  The counts
	 * are those of what the transaction kept: A's position 3 + 1 + 1.
	 */
	api_sqlf("BEGIN;"
	    " UPDATE shift_positions SET headcount = headcount + 1"
	    " WHERE id = '%s';"
	    " SAVEPOINT s;"
	    " UPDATE shift_positions SET headcount = headcount + 5"
	    " WHERE id = '%s';"
	    " ROLLBACK TO SAVEPOINT s;"
	    " SET CONSTRAINTS ALL IMMEDIATE;"
	    " UPDATE shift_positions SET headcount = headcount + 1"
	    " WHERE id = '%s';"
	    " COMMIT", pa, pa, pa);
	same("one transaction, a savepoint rolled back");
	ck_assert_int_eq(api_sqlf_num("SELECT needed FROM shifts WHERE id = "
	    "'%s'", sa), 5);
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM coverage_flush"),
	    0);

	/*
	 * A loop of 3,000 writes in one transaction (a fix by hand): the
	 * notes are applied on the way whenever they pass 64 kB, never
	 * grow much past that, and the counts end right.
	 */
	api_sqlf("DO $d$ DECLARE st text; BEGIN"
	    " SELECT status INTO st FROM assignments WHERE id = '" A_NOW "';"
	    " FOR i IN 1..3000 LOOP"
	    " UPDATE assignments SET status = CASE WHEN i %% 2 = 1"
	    " THEN 'applied' ELSE st END WHERE id = '" A_NOW "';"
	    " IF length(current_setting('krow.coverage_pending')) > 70000"
	    " THEN RAISE EXCEPTION 'notes not applied on the way'; END IF;"
	    " END LOOP; END $d$");
	same("a loop of writes in one transaction");
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM coverage_flush"),
	    0);

	/* A hub of its own with an order; its time zone changes. */
	hub = send("POST", "/commands/client/hubs", tok_owner,
	    "{\"name\":\"" TITLE "\",\"timeZone\":\"America/Chicago\"}", 201,
	    "hubId");
	body = api_fmt("{\"hubId\":\"%s\",\"vendorId\":\"" VENDOR "\","
	    "\"title\":\"" TITLE "\",\"shifts\":[{\"startsAt\":\"%s\","
	    "\"endsAt\":\"%s\",\"positions\":[{\"roleId\":\"" ROLE_BAR
	    "\",\"headcount\":1}]}]}", hub, a1, a2);
	hoid = send("POST", "/commands/client/orders", tok_owner, body, 201,
	    "orderId");
	mem_free(body);
	same("order at the new hub");
	move_hub(hub, "Pacific/Auckland", "hub time zone");
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM coverage_days WHERE"
	    " hub_id = '%s' AND shifts <> 0 AND day = (SELECT (starts_at AT"
	    " TIME ZONE 'Pacific/Auckland')::date FROM shifts WHERE order_id"
	    " = '%s')", hub, hoid), 1);

	/*
	 * Thousands of shifts at the hub, as an import writes them (one
	 * transaction): they are rolled up together at its commit; then the
	 * hub's time zone moves the day of many of them at once (0025: a
	 * statement for all of them, not five each).
	 */
	api_sqlf("BEGIN;"
	    " INSERT INTO shifts (tenant_id, business_id, order_id, hub_id,"
	    " starts_at, ends_at) SELECT '" TENANT "', '" BIZ "', '%s', '%s',"
	    " date_trunc('hour', now()) + g * interval '7 hours',"
	    " date_trunc('hour', now()) + g * interval '7 hours'"
	    " + interval '3 hours' FROM generate_series(1, %d) g;"
	    " INSERT INTO shift_positions (tenant_id, business_id, shift_id,"
	    " vendor_id, vendor_role_id, headcount, bill_rate_cents,"
	    " pay_rate_cents) SELECT s.tenant_id, s.business_id, s.id, '"
	    VENDOR "', CASE WHEN g = 0 THEN '" ROLE_BAR "' ELSE '" ROLE_SERVER
	    "' END::uuid, 1 + g, 3500, 2200 FROM shifts s, generate_series(0, 1)"
	    " g WHERE s.order_id = '%s' AND NOT EXISTS (SELECT 1 FROM"
	    " shift_positions p WHERE p.shift_id = s.id);"
	    " COMMIT", hoid, hub, MANY, hoid);
	same("many shifts written in one transaction");
	ck_assert_int_eq(api_sqlf_num("SELECT sum(shifts) FROM coverage_days"
	    " WHERE hub_id = '%s'", hub), MANY + 1);
	ck_assert_int_eq(api_sqlf_num("SELECT sum(needed) FROM"
	    " coverage_day_roles WHERE hub_id = '%s' AND vendor_role_id = '"
	    ROLE_SERVER "'", hub), 2 * MANY);
	move_hub(hub, "Asia/Kolkata", "hub time zone, many shifts");
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM shifts WHERE"
	    " hub_id = '%s' AND cov_day <> (starts_at AT TIME ZONE"
	    " 'Asia/Kolkata')::date", hub), 0);

	/* Cancel the order: nothing of it is live any more. */
	path = api_fmt("/commands/client/orders/%s/cancel", oid);
	mem_free(send("POST", path, tok_owner, "{\"reason\":\"Counts\"}", 200,
	    NULL));
	mem_free(path);
	same("cancel order");
	ck_assert_int_eq(api_sqlf_num("SELECT count(*) FROM shifts WHERE "
	    "order_id = '%s' AND cov_day IS NOT NULL", oid), 0);

	/* Everything goes. */
	mem_free(api_sql(fixture_drop));
	same("deletes");

	mem_free(a1);
	mem_free(a2);
	mem_free(b1);
	mem_free(b2);
	mem_free(oid);
	mem_free(hoid);
	mem_free(sa);
	mem_free(sb);
	mem_free(pa);
	mem_free(pb);
	mem_free(hub);
	mem_free(asg);
	mem_free(app);
}
END_TEST

static Suite *
coverage_counts_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("coverage counts");
	tc = api_tcase(s, "writes", 180);
	tcase_add_test(tc, test_writes);
	return s;
}

static void
run_setup(void)
{
	tok_owner = api_mint("demo-owner");
	tok_w1 = api_mint("cov-worker-1");
	tok_w2 = api_mint("cov-worker-2");
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_w1);
	mem_free(tok_w2);
}

int
main(void)
{
	return api_main("check_coverage_counts", coverage_counts_suite,
	    run_setup, run_teardown);
}
