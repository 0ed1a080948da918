/*
 * check_staff: integration tests of the staff read models (krow-query,
 * /query/staff/...) through nginx with real tokens, against the demo data
 * (sql/demo.sql).  Expected values come either from constants of demo.sql
 * or from SQL written here independently of the route's own statement,
 * run with "$KROW_TEST_STACK psql $KROW_TEST_STATE" (the demo data is
 * relative to now(), so dates and "today" in a hub's zone are recomputed).
 * A few tests add a fixture row with psql (a shift on a daylight-saving
 * change day, an availability exception, a declined application) and
 * remove it before they end.  Without $KROW_TEST_URL it skips (exit 77).
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
#define SAM		ID("000000000301")
#define MISSING		ID("0000000fffff")
#define SHIFT(n)	ID("00000000" n)
#define ASSIGN(n)	ID("000000" n)
#define Q		"/query/staff/"

/* Tokens, minted once per process with the stack's signing key. */
static char	*tok_sam, *tok_luis, *tok_jordan, *tok_owner, *tok_admin;
















static int
boolean(struct json_object *o, const char *path)
{
	struct json_object	*v;

	v = api_member(o, path);
	ck_assert_msg(json_object_is_type(v, json_type_boolean), "%s is not "
	    "a boolean: %s", path, json_object_to_json_string(v));
	return json_object_get_boolean(v);
}

static int
is_null(struct json_object *o, const char *path)
{
	return json_object_is_type(api_member(o, path), json_type_null);
}

/* Run a statement that answers nothing useful (a fixture change). */
static void
exec_sql(const char *query)
{
	mem_free(api_sql(query));
}

/*
 * Every item of a list, limit per page, as the comma-separated values of
 * member idkey in the order served (mem_free() it); also checks that
 * pages hold at most limit items.
 */
static char *
collect(const char *path, const char *token, int limit, const char *idkey)
{
	struct http_res	 res;
	struct buf	 url, ids;
	struct json_object *o;
	const char	*cur;
	char		*cursor = NULL, *out;
	size_t		 i, pages = 0;

	buf_init(&url);
	buf_init(&ids);
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
			if (ids.len > 0)
				buf_putc(&ids, ',');
			buf_puts(&ids, api_str(api_item(o, i), idkey));
		}
		mem_free(cursor);
		cursor = NULL;
		if ((cur = api_next_cursor(o)) != NULL)
			cursor = mem_strdup(cur);
		http_res_free(&res);
		ck_assert_uint_lt(++pages, 1000);
		if (cursor == NULL)
			break;
	}
	out = mem_strdup(buf_cstr(&ids));
	buf_cleanup(&url);
	buf_cleanup(&ids);
	return out;
}

/* collect() with limit 1 and 200 must agree with the SQL's string_agg. */
static void
same_list(const char *path, const char *token, const char *idkey,
    const char *query)
{
	char	*want, *got;

	want = api_sql(query);
	got = collect(path, token, 1, idkey);
	ck_assert_msg(strcmp(got, want) == 0, "%s: got [%s], want [%s]", path,
	    got, want);
	mem_free(got);
	got = collect(path, token, 200, idkey);
	ck_assert_str_eq(got, want);
	mem_free(got);
	mem_free(want);
}

/* GET path as token, 200; the parsed body is owned by res. */
static struct json_object *
get_ok(const char *path, const char *token, struct http_res *res)
{
	api_get_as(path, token, res);
	return api_json_ok(res, 200);
}

/* The assignments of staff s in a list, as the list's SQL sees them. */
#define MINE_SQL(S, W, ORDER) \
	"SELECT coalesce(string_agg(a.id::text, ',' ORDER BY " ORDER "), '')" \
	" FROM assignments a JOIN shifts s ON s.id = a.shift_id" \
	" JOIN orders o ON o.id = s.order_id WHERE a.staff_id = '" S "'" \
	" AND (" W ")"

/* ------------------------------------------------------------ shifts */

START_TEST(test_assigned)
{
	struct http_res		 res;
	struct json_object	*o, *it;

	same_list(Q "shifts/assigned", tok_sam, "assignmentId",
	    MINE_SQL(SAM, "a.status IN ('assigned', 'confirmed', 'checked_in',"
	    " 'checked_out') AND s.status <> 'cancelled' AND o.status <>"
	    " 'cancelled'", "s.starts_at, a.id"));
	/* The London lunch of the other business: demo constants. */
	o = get_ok(Q "shifts/assigned", tok_sam, &res);
	it = api_find_ok(o, "assignmentId", ASSIGN("851111"));
	ck_assert_str_eq(api_str(it, "status"), "confirmed");
	ck_assert_str_eq(api_str(it, "shiftId"), SHIFT("8511"));
	ck_assert_str_eq(api_str(it, "hub.timeZone"), "Europe/London");
	ck_assert_str_eq(api_str(it, "business.name"), "Other Catering Ltd");
	ck_assert_str_eq(api_str(it, "role.roleCode"), "bartender");
	ck_assert_str_eq(api_str(it, "localStartTime"), "12:00");
	ck_assert_str_eq(api_str(it, "localEndTime"), "17:00");
	ck_assert_int_eq(api_num(it, "payRateCents"), 2200);
	/* 5 hours less a 30-minute break at $22.00 an hour. */
	ck_assert_int_eq(api_num(it, "paidMinutes"), 270);
	ck_assert_int_eq(api_num(it, "estimatedPayCents"), 9900);
	ck_assert(!boolean(it, "crossesMidnight"));
	ck_assert(is_null(it, "workedMinutes"));
	http_res_free(&res);
	/* Luis: the room service shift he confirmed. */
	o = get_ok(Q "shifts/assigned", tok_luis, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), ASSIGN("810111"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_pending)
{
	struct http_res		 res;
	struct json_object	*o;

	o = get_ok(Q "shifts/pending", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), ASSIGN("806211"));
	ck_assert_str_eq(api_str(api_item(o, 0), "status"), "applied");
	ck_assert_str_eq(api_str(api_item(o, 0), "role.roleCode"), "server");
	ck_assert(is_null(api_item(o, 0), "assignedAt"));
	ck_assert(!is_null(api_item(o, 0), "appliedAt"));
	http_res_free(&res);
	o = get_ok(Q "shifts/pending", tok_luis, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), ASSIGN("806112"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_completed)
{
	struct http_res		 res;
	struct json_object	*o, *it;
	long long		 worked;

	/* Latest first: -1, -4, -5, -10, -20 days. */
	same_list(Q "shifts/completed", tok_sam, "assignmentId",
	    "SELECT '" ASSIGN("812111") "," ASSIGN("852111") ","
	    ASSIGN("802121") "," ASSIGN("801111") "," ASSIGN("811111") "'");
	o = get_ok(Q "shifts/completed", tok_sam, &res);
	it = api_find_ok(o, "assignmentId", ASSIGN("812111"));
	worked = api_sql_num("SELECT sum(worked_minutes) FROM time_entries"
	    " WHERE assignment_id = '" ASSIGN("812111") "'");
	/* In 4 minutes early, out 6 minutes late, no break: 250. */
	ck_assert_int_eq(worked, 250);
	ck_assert_int_eq(api_num(it, "workedMinutes"), worked);
	/* round(250 x 1900 / 60) */
	ck_assert_int_eq(api_num(it, "earnedCents"), 7917);
	ck_assert_str_eq(api_str(it, "hub.timeZone"), "America/Los_Angeles");
	ck_assert_str_eq(api_str(it, "localStartTime"), "10:00");
	http_res_free(&res);
	/* Jordan is still on site: nothing completed yet at Auckland. */
	same_list(Q "shifts/completed", tok_jordan, "assignmentId",
	    MINE_SQL(ID("000000000305"), "a.status = 'completed'",
	    "s.starts_at DESC, a.id DESC"));
}
END_TEST

/*
 * A declined application: in cancelled; the shift leaves the open list
 * (no second application on a shift) and its detail shows the status.
 */
START_TEST(test_cancelled_and_declined)
{
	struct http_res		 res;
	struct json_object	*o;

	o = get_ok(Q "shifts/cancelled", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
	exec_sql("INSERT INTO assignments (id, tenant_id, business_id,"
	    " shift_id, position_id, vendor_id, staff_id, status, applied_at,"
	    " declined_at) VALUES ('" ASSIGN("f09111") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '" SHIFT("8091")
	    "', '" ID("000000080911") "', '" ID("000000000201") "', '" SAM
	    "', 'declined', now() - interval '1 hour', now())");
	o = get_ok(Q "shifts/cancelled", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), ASSIGN("f09111"));
	ck_assert_str_eq(api_str(api_item(o, 0), "status"), "declined");
	ck_assert(!is_null(api_item(o, 0), "cancelledAt"));
	http_res_free(&res);
	o = get_ok(Q "shifts/open", tok_sam, &res);
	ck_assert(api_find(o, "shiftId", SHIFT("8091")) == NULL);
	http_res_free(&res);
	o = get_ok(Q "shifts/" SHIFT("8091"), tok_sam, &res);
	ck_assert_str_eq(api_str(o, "myAssignment.status"), "declined");
	ck_assert(!boolean(o, "canApply"));
	http_res_free(&res);
	exec_sql("DELETE FROM assignments WHERE id = '" ASSIGN("f09111") "'");
	o = get_ok(Q "shifts/open", tok_sam, &res);
	ck_assert(api_find(o, "shiftId", SHIFT("8091")) != NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_open)
{
	struct http_res		 res;
	struct json_object	*o, *it;

	/*
	 * Sam: the bartender position of ORD-1009 (+7 days; an exception
	 * makes that evening available); not ORD-1006 (Sam has assignments
	 * on both its shifts), not the draft, filled or cancelled ones.
	 */
	o = get_ok(Q "shifts/open", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	it = api_item(o, 0);
	ck_assert_str_eq(api_str(it, "shiftId"), SHIFT("8091"));
	ck_assert_str_eq(api_str(it, "positionId"), ID("000000080911"));
	ck_assert_int_eq(api_num(it, "openSlots"), 2);
	ck_assert_int_eq(api_num(it, "payRateCents"), 2200);
	ck_assert_str_eq(api_str(it, "localStartTime"), "17:00");
	http_res_free(&res);
	/*
	 * Luis (no availability given: any time) has applied to 8061: he
	 * may apply to 8091 and to the server position of 8062, soonest
	 * first.
	 */
	same_list(Q "shifts/open", tok_luis, "positionId",
	    "SELECT '" ID("000000080911") "," ID("000000080621") "'");
	/* Jordan's vendor has no open position. */
	o = get_ok(Q "shifts/open", tok_jordan, &res);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
}
END_TEST

/* An exception marking the day unavailable wins over other hours. */
START_TEST(test_open_availability)
{
	struct http_res		 res;
	struct json_object	*o;

	exec_sql("INSERT INTO staff_availability_exceptions (id, tenant_id,"
	    " staff_id, day, available, reason) VALUES ('" ID("00000000f043")
	    "', '" ID("000000000001") "', '" SAM "', (now() AT TIME ZONE"
	    " 'America/New_York')::date + 7, false, 'Sick')");
	o = get_ok(Q "shifts/open", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
	api_expect_404(Q "shifts/" SHIFT("8091"), tok_sam);
	exec_sql("DELETE FROM staff_availability_exceptions WHERE id = '"
	    ID("00000000f043") "'");
	o = get_ok(Q "shifts/open", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	http_res_free(&res);
}
END_TEST

/*
 * Luis's live assignment on another shift that overlaps 8091 hides it
 * (list and dashboard count); one that only touches it (starts as 8091
 * ends) does not.
 */
START_TEST(test_open_overlap)
{
	struct http_res		 res;
	struct json_object	*o;

	exec_sql("INSERT INTO orders (id, tenant_id, business_id, hub_id,"
	    " order_number, title, status) VALUES ('" ID("0000000f0902") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '"
	    ID("000000000501") "', 'ORD-T902', 'Overlap', 'filled');"
	    " INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,"
	    " starts_at, ends_at, break_minutes, status) SELECT '"
	    SHIFT("f912") "', '" ID("000000000001") "', '" ID("000000000101")
	    "', '" ID("0000000f0902") "', '" ID("000000000501") "',"
	    " s.starts_at + interval '3 hours', s.ends_at + interval '2 hours',"
	    " 0, 'filled' FROM shifts s WHERE s.id = '" SHIFT("8091") "';"
	    " INSERT INTO shift_positions (id, tenant_id, business_id,"
	    " shift_id, vendor_id, vendor_role_id, headcount, bill_rate_cents,"
	    " pay_rate_cents, status) VALUES ('" ID("0000000f9121") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '" SHIFT("f912")
	    "', '" ID("000000000201") "', '" ID("000000000701") "', 1, 3500,"
	    " 2200, 'filled');"
	    " INSERT INTO assignments (id, tenant_id, business_id, shift_id,"
	    " position_id, vendor_id, staff_id, status, applied_at,"
	    " assigned_at, confirmed_at) VALUES ('" ASSIGN("f91211") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '" SHIFT("f912")
	    "', '" ID("0000000f9121") "', '" ID("000000000201") "', '"
	    ID("000000000303") "', 'confirmed', now(), now(), now())");
	o = get_ok(Q "shifts/open", tok_luis, &res);
	ck_assert(api_find(o, "shiftId", SHIFT("8091")) == NULL);
	ck_assert(api_find(o, "positionId", ID("000000080621")) != NULL);
	http_res_free(&res);
	o = get_ok(Q "dashboard", tok_luis, &res);
	ck_assert_int_eq(api_num(o, "openShifts.count"), 1);
	http_res_free(&res);
	exec_sql("UPDATE shifts SET starts_at = s.ends_at,"
	    " ends_at = s.ends_at + interval '2 hours' FROM shifts s"
	    " WHERE s.id = '" SHIFT("8091") "' AND shifts.id = '"
	    SHIFT("f912") "'");
	same_list(Q "shifts/open", tok_luis, "positionId",
	    "SELECT '" ID("000000080911") "," ID("000000080621") "'");
	o = get_ok(Q "dashboard", tok_luis, &res);
	ck_assert_int_eq(api_num(o, "openShifts.count"), 2);
	http_res_free(&res);
	exec_sql("DELETE FROM assignments WHERE id = '" ASSIGN("f91211") "';"
	    " DELETE FROM shift_positions WHERE id = '" ID("0000000f9121")
	    "'; DELETE FROM shifts WHERE id = '" SHIFT("f912") "';"
	    " DELETE FROM orders WHERE id = '" ID("0000000f0902") "'");
}
END_TEST

START_TEST(test_shift_detail)
{
	struct http_res		 res;
	struct json_object	*o, *p;

	/* One Sam could apply for. */
	o = get_ok(Q "shifts/" SHIFT("8091"), tok_sam, &res);
	ck_assert(is_null(o, "myAssignment"));
	ck_assert(boolean(o, "canApply"));
	ck_assert_str_eq(api_str(o, "hub.address.line1"), "120 Park Avenue");
	ck_assert_str_eq(api_str(o, "hub.timeZone"), "America/New_York");
	ck_assert_int_eq(api_num(o, "hub.geofenceRadiusMeters"), 150);
	ck_assert_uint_eq(json_object_array_length(api_member(o,
	    "hub.clockInMethods")), 3);
	p = api_member(o, "openPositions");
	ck_assert_uint_eq(json_object_array_length(p), 1);
	ck_assert_str_eq(api_str(json_object_array_get_idx(p, 0), "positionId"),
	    ID("000000080911"));
	http_res_free(&res);
	/* One Sam is assigned to (another business, London). */
	o = get_ok(Q "shifts/" SHIFT("8511"), tok_sam, &res);
	ck_assert_str_eq(api_str(o, "myAssignment.status"), "confirmed");
	ck_assert_str_eq(api_str(o, "myAssignment.assignmentId"),
	    ASSIGN("851111"));
	ck_assert(!boolean(o, "canApply"));
	ck_assert_str_eq(api_str(o, "hub.address.city"), "London");
	http_res_free(&res);
	/* Completed work shows its time entry. */
	o = get_ok(Q "shifts/" SHIFT("8121"), tok_sam, &res);
	p = api_member(o, "timeEntries");
	ck_assert_uint_eq(json_object_array_length(p), 1);
	ck_assert_int_eq(api_num(json_object_array_get_idx(p, 0),
	    "workedMinutes"), 250);
	http_res_free(&res);
	/* Applied to. */
	o = get_ok(Q "shifts/" SHIFT("8062"), tok_sam, &res);
	ck_assert_str_eq(api_str(o, "myAssignment.status"), "applied");
	http_res_free(&res);
	/* Jordan's Auckland shift, Luis's room service, a draft, none. */
	api_expect_404(Q "shifts/" SHIFT("8041"), tok_sam);
	api_expect_404(Q "shifts/" SHIFT("8101"), tok_sam);
	api_expect_404(Q "shifts/" SHIFT("8071"), tok_sam);
	api_expect_404(Q "shifts/" MISSING, tok_sam);
	api_expect_404(Q "shifts/" SHIFT("8511"), tok_luis);
	api_expect_invalid(Q "shifts/not-a-uuid", tok_sam, "shiftId");
}
END_TEST

/*
 * A shift at the Auckland hub (UTC+13 in summer, +12 in winter) that
 * crosses local midnight on the day New Zealand leaves daylight saving
 * (first Sunday of April 2027: 03:00 NZDT becomes 02:00 NZST): 22:00 to
 * 06:00 local is nine hours, not eight.
 */
START_TEST(test_time_zone_edges)
{
	struct http_res		 res;
	struct json_object	*o;

	exec_sql("INSERT INTO orders (id, tenant_id, business_id, hub_id,"
	    " order_number, title, status) VALUES ('" ID("0000000f0901") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '"
	    ID("000000000503") "', 'ORD-T901', 'DST night', 'filled');"
	    " INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,"
	    " starts_at, ends_at, break_minutes, status) VALUES ('"
	    SHIFT("f911") "', '" ID("000000000001") "', '" ID("000000000101")
	    "', '" ID("0000000f0901") "', '" ID("000000000503") "',"
	    " timestamp '2027-04-03 22:00' AT TIME ZONE 'Pacific/Auckland',"
	    " timestamp '2027-04-04 06:00' AT TIME ZONE 'Pacific/Auckland',"
	    " 0, 'filled');"
	    " INSERT INTO shift_positions (id, tenant_id, business_id,"
	    " shift_id, vendor_id, vendor_role_id, headcount, bill_rate_cents,"
	    " pay_rate_cents, status) VALUES ('" ID("0000000f9111") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '" SHIFT("f911")
	    "', '" ID("000000000201") "', '" ID("000000000701") "', 1, 3500,"
	    " 2200, 'filled');"
	    " INSERT INTO assignments (id, tenant_id, business_id, shift_id,"
	    " position_id, vendor_id, staff_id, status, applied_at,"
	    " assigned_at) VALUES ('" ASSIGN("f91111") "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '" SHIFT("f911")
	    "', '" ID("0000000f9111") "', '" ID("000000000201") "', '" SAM
	    "', 'assigned', now(), now())");
	o = get_ok(Q "shifts/" SHIFT("f911"), tok_sam, &res);
	ck_assert_str_eq(api_str(o, "startsAt"), "2027-04-03T09:00:00Z");
	ck_assert_str_eq(api_str(o, "endsAt"), "2027-04-03T18:00:00Z");
	ck_assert_str_eq(api_str(o, "localDate"), "2027-04-03");
	ck_assert_str_eq(api_str(o, "localStartTime"), "22:00");
	ck_assert_str_eq(api_str(o, "localEndTime"), "06:00");
	ck_assert(boolean(o, "crossesMidnight"));
	ck_assert_int_eq(api_num(o, "paidMinutes"), 540);
	ck_assert_int_eq(api_num(o, "estimatedPayCents"), 19800);
	ck_assert_str_eq(api_str(o, "myAssignment.status"), "assigned");
	http_res_free(&res);
	o = get_ok(Q "shifts/assigned", tok_sam, &res);
	ck_assert(api_find(o, "assignmentId", ASSIGN("f91111")) != NULL);
	http_res_free(&res);
	exec_sql("DELETE FROM assignments WHERE id = '" ASSIGN("f91111") "';"
	    " DELETE FROM shift_positions WHERE id = '" ID("0000000f9111")
	    "'; DELETE FROM shifts WHERE id = '" SHIFT("f911") "';"
	    " DELETE FROM orders WHERE id = '" ID("0000000f0901") "'");
	api_expect_404(Q "shifts/" SHIFT("f911"), tok_sam);
}
END_TEST

/* ----------------------------------------------------------- clock-in */

/* Luis's room service starts in an hour at New York. */
START_TEST(test_clockin_today_ny)
{
	struct http_res		 res;
	struct json_object	*o, *it;
	long long		 today, open;

	today = api_sql_num("SELECT count(*) FROM shifts WHERE id = '"
	    SHIFT("8101") "' AND starts_at < ((now() AT TIME ZONE"
	    " 'America/New_York')::date + 1)::timestamp AT TIME ZONE"
	    " 'America/New_York'");
	open = api_sql_num("SELECT count(*) FROM shifts WHERE id = '"
	    SHIFT("8101") "' AND now() >= starts_at - interval '30 minutes'"
	    " AND now() < ends_at");
	o = get_ok(Q "clock-in/shifts/today", tok_luis, &res);
	ck_assert_int_eq(api_num(o, "clockInWindowMinutes"), 30);
	ck_assert_uint_eq(api_nitems(o), (size_t)today);
	if (today == 1) {
		it = api_item(o, 0);
		ck_assert_str_eq(api_str(it, "assignmentId"), ASSIGN("810111"));
		ck_assert_int_eq(boolean(it, "clockIn.open"), open == 1);
		ck_assert_uint_eq(json_object_array_length(api_member(it,
		    "clockIn.methods")), 3);
		ck_assert_int_eq(api_num(it, "clockIn.nfc.tagCount"), 2);
		ck_assert_int_eq(api_num(it, "clockIn.geofence.radiusMeters"),
		    150);
		ck_assert(is_null(it, "openTimeEntryId"));
	}
	http_res_free(&res);
	/* Sam works nowhere today. */
	o = get_ok(Q "clock-in/shifts/today", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
}
END_TEST

/*
 * Jordan is on site at Auckland (started two hours ago): today there is
 * Auckland's date, which is often not the UTC date.
 */
START_TEST(test_clockin_today_far_zone)
{
	struct http_res		 res;
	struct json_object	*o, *it;
	char			*today, *cross;

	today = api_sql("SELECT (now() AT TIME ZONE 'Pacific/Auckland')::date");
	cross = api_sql("SELECT ((ends_at - interval '1 microsecond') AT TIME"
	    " ZONE 'Pacific/Auckland')::date > (starts_at AT TIME ZONE"
	    " 'Pacific/Auckland')::date FROM shifts WHERE id = '"
	    SHIFT("8041") "'");
	o = get_ok(Q "clock-in/shifts/today", tok_jordan, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	it = api_item(o, 0);
	ck_assert_str_eq(api_str(it, "assignmentId"), ASSIGN("804111"));
	ck_assert_str_eq(api_str(it, "status"), "checked_in");
	ck_assert_str_eq(api_str(it, "hubToday"), today);
	ck_assert_int_eq(boolean(it, "crossesMidnight"), cross[0] == 't');
	/* Already in: clock-in is not offered again. */
	ck_assert(!boolean(it, "clockIn.open"));
	ck_assert_str_eq(api_str(it, "openTimeEntryId"), ID("00000e804111"));
	/* Auckland takes NFC and geofence, not manual. */
	ck_assert_uint_eq(json_object_array_length(api_member(it,
	    "clockIn.methods")), 2);
	ck_assert_int_eq(api_num(it, "clockIn.geofence.radiusMeters"), 200);
	http_res_free(&res);
	mem_free(today);
	mem_free(cross);
}
END_TEST

START_TEST(test_clockin_status)
{
	struct http_res		 res;
	struct json_object	*o;
	long long		 elapsed;

	o = get_ok(Q "clock-in/status", tok_jordan, &res);
	ck_assert(boolean(o, "clockedIn"));
	ck_assert_str_eq(api_str(o, "timeEntry.timeEntryId"), ID("00000e804111"));
	ck_assert_str_eq(api_str(o, "timeEntry.clockInMethod"), "nfc");
	ck_assert_str_eq(api_str(o, "timeEntry.hub.timeZone"), "Pacific/Auckland");
	elapsed = api_sql_num("SELECT floor(extract(epoch FROM now() -"
	    " clock_in_at) / 60)::integer FROM time_entries WHERE id = '"
	    ID("00000e804111") "'");
	ck_assert_int_le(llabs(api_num(o, "timeEntry.elapsedMinutes") - elapsed),
	    1);
	http_res_free(&res);
	o = get_ok(Q "clock-in/status", tok_sam, &res);
	ck_assert(!boolean(o, "clockedIn"));
	ck_assert(is_null(o, "timeEntry"));
	http_res_free(&res);
}
END_TEST

/* ------------------------------------------------------------ profile */

START_TEST(test_profile_completion)
{
	struct http_res		 res;
	struct json_object	*o, *s, *m;

	o = get_ok(Q "profile-completion", tok_sam, &res);
	ck_assert_int_eq(api_num(o, "percentage"), 100);
	ck_assert(boolean(o, "complete"));
	ck_assert_int_eq(api_num(o, "requiredSections"), 7);
	http_res_free(&res);
	/* Luis has no profile at all: only his name and phone. */
	o = get_ok(Q "profile-completion", tok_luis, &res);
	ck_assert_int_eq(api_num(o, "percentage"), 0);
	ck_assert(!boolean(o, "complete"));
	s = json_object_array_get_idx(api_member(o, "sections"), 0);
	ck_assert_str_eq(api_str(s, "section"), "personal_info");
	m = api_member(s, "missing");
	ck_assert_uint_eq(json_object_array_length(m), 3);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(m,
	    0)), "dateOfBirth");
	http_res_free(&res);
	/* One industry: 1 of 7 sections, 14%. */
	exec_sql("INSERT INTO staff_industries (tenant_id, staff_id, industry)"
	    " VALUES ('" ID("000000000001") "', '" ID("000000000303")
	    "', 'hospitality')");
	o = get_ok(Q "profile-completion", tok_luis, &res);
	ck_assert_int_eq(api_num(o, "percentage"), 14);
	ck_assert_int_eq(api_num(o, "completedSections"), 1);
	http_res_free(&res);
	exec_sql("DELETE FROM staff_industries WHERE staff_id = '"
	    ID("000000000303") "'");
	/* A rejected tax form leaves Sam's documents incomplete. */
	exec_sql("UPDATE staff_documents SET status = 'rejected' WHERE id = '"
	    ID("000000003012") "'");
	o = get_ok(Q "profile-completion", tok_sam, &res);
	ck_assert_int_eq(api_num(o, "percentage"), 86);
	s = json_object_array_get_idx(api_member(o, "sections"), 3);
	ck_assert_str_eq(api_str(s, "section"), "documents");
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(
	    api_member(s, "missing"), 0)), "taxForm");
	http_res_free(&res);
	exec_sql("UPDATE staff_documents SET status = 'pending' WHERE id = '"
	    ID("000000003012") "'");
}
END_TEST

START_TEST(test_profile_sections)
{
	struct http_res		 res;
	struct json_object	*o;
	static const char *const counts[][2] = {
		{ "industries", "staff_industries" },
		{ "skills", "staff_skills" },
		{ "documents", "staff_documents" },
		{ "certificates", "staff_certificates" },
		{ "bank_accounts", "staff_bank_accounts" },
		{ "availability", "staff_availability" },
		{ "benefits", "staff_benefits" },
	};
	char			 q[512];
	size_t			 i;

	o = get_ok(Q "profile/sections", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 8);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		snprintf(q, sizeof(q), "SELECT count(*) FROM %s WHERE staff_id"
		    " = '" SAM "'", counts[i][1]);
		ck_assert_int_eq(api_num(api_find_ok(o, "section", counts[i][0]),
		    "itemCount"), api_sql_num(q));
		ck_assert(boolean(api_find_ok(o, "section", counts[i][0]),
		    "complete"));
	}
	ck_assert(!boolean(api_find_ok(o, "section", "benefits"), "required"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_personal_info)
{
	struct http_res		 res;
	struct json_object	*o;

	o = get_ok(Q "profile/personal-info", tok_sam, &res);
	ck_assert_str_eq(api_str(o, "staffId"), SAM);
	ck_assert_str_eq(api_str(o, "firstName"), "Sam");
	ck_assert_str_eq(api_str(o, "phone"), "+15555550100");
	ck_assert_str_eq(api_str(o, "dateOfBirth"), "1994-05-17");
	ck_assert_str_eq(api_str(o, "address.city"), "Brooklyn");
	ck_assert_str_eq(api_str(o, "emergencyContact.name"), "Alex Rivera");
	ck_assert_str_eq(api_str(o, "vendor.name"), "Demo Staffing Co");
	http_res_free(&res);
	o = get_ok(Q "profile/personal-info", tok_luis, &res);
	ck_assert_str_eq(api_str(o, "lastName"), "Ortega");
	ck_assert(is_null(o, "dateOfBirth"));
	ck_assert(is_null(o, "emergencyContact"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_profile_lists)
{
	struct http_res		 res;
	struct json_object	*o, *c;
	long long		 days;

	o = get_ok(Q "profile/industries", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_int_eq(api_num(api_find_ok(o, "industry", "hospitality"),
	    "yearsExperience"), 8);
	http_res_free(&res);
	o = get_ok(Q "profile/skills", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 3);
	ck_assert_str_eq(api_str(api_find_ok(o, "skill", "mixology"), "level"),
	    "expert");
	ck_assert_uint_eq(json_object_array_length(api_member(o, "roles")), 3);
	http_res_free(&res);
	o = get_ok(Q "profile/documents", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_str_eq(api_str(api_find_ok(o, "docType", "id_card"),
	    "verificationStatus"), "verified");
	ck_assert_str_eq(api_str(api_find_ok(o, "docType", "tax_form"),
	    "verificationStatus"), "pending");
	http_res_free(&res);
	o = get_ok(Q "profile/certificates", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 3);
	c = api_find_ok(o, "name", "Food Handler");
	days = api_sql_num("SELECT expires_on - (now() AT TIME ZONE 'UTC')::date"
	    " FROM staff_certificates WHERE id = '" ID("000000003022") "'");
	ck_assert_int_eq(api_num(c, "daysUntilExpiry"), days);
	ck_assert_str_eq(api_str(c, "expiryStatus"),
	    days < 0 ? "expired" : days <= 30 ? "expiring" : "valid");
	ck_assert_str_eq(api_str(api_find_ok(o, "name", "First Aid"), "expiryStatus"),
	    "expired");
	ck_assert_str_eq(api_str(api_find_ok(o, "name", "Responsible Alcohol Service"),
	    "expiryStatus"), "valid");
	http_res_free(&res);
	o = get_ok(Q "profile/bank-accounts", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_str_eq(api_str(api_item(o, 0), "last4"), "4321");
	ck_assert_str_eq(api_str(api_item(o, 0), "maskedNumber"), "****4321");
	ck_assert_str_eq(api_str(api_item(o, 0), "bankName"), "Hudson Community Bank");
	ck_assert(boolean(api_item(o, 0), "isDefault"));
	/* The provider's token never leaves the database. */
	ck_assert_ptr_null(strstr(res.body, "tok_demo"));
	http_res_free(&res);
	o = get_ok(Q "profile/benefits", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 3);
	ck_assert_str_eq(api_str(api_find_ok(o, "benefit", "retirement"), "status"),
	    "eligible");
	http_res_free(&res);
	/* Luis has none of them. */
	o = get_ok(Q "profile/bank-accounts", tok_luis, &res);
	ck_assert_uint_eq(api_nitems(o), 0);
	http_res_free(&res);
}
END_TEST

/* ----------------------------------------------------------- payments */

/* Earnings of Sam's finished work between two SQL dates, in cents. */
#define EARNED_SQL(LO, HI) \
	"SELECT coalesce(sum(round(te.worked_minutes * p.pay_rate_cents" \
	" / 60.0)), 0)::bigint FROM time_entries te" \
	" JOIN assignments a ON a.id = te.assignment_id" \
	" JOIN shift_positions p ON p.id = a.position_id" \
	" JOIN shifts s ON s.id = te.shift_id JOIN hubs h ON h.id = s.hub_id" \
	" WHERE te.staff_id = '" SAM "' AND te.status IN ('closed'," \
	" 'approved') AND (te.clock_in_at AT TIME ZONE h.time_zone)::date" \
	" BETWEEN " LO " AND " HI
#define MONDAY \
	"date_trunc('week', (now() AT TIME ZONE 'UTC')::date)::date"

START_TEST(test_payments_summary)
{
	struct http_res		 res;
	struct json_object	*o;

	o = get_ok(Q "payments/summary", tok_sam, &res);
	ck_assert_int_eq(api_num(o, "thisPeriod.earnedCents"),
	    api_sql_num(EARNED_SQL(MONDAY, MONDAY " + 6")));
	ck_assert_int_eq(api_num(o, "lastPeriod.earnedCents"),
	    api_sql_num(EARNED_SQL(MONDAY " - 7", MONDAY " - 1")));
	ck_assert_int_eq(api_num(o, "yearToDate.earnedCents"),
	    api_sql_num(EARNED_SQL("date_trunc('year', now() AT TIME ZONE"
	    " 'UTC')::date", "(now() AT TIME ZONE 'UTC')::date")));
	ck_assert_int_eq(api_num(o, "pendingCents"), api_sql_num("SELECT"
	    " coalesce(sum(net_cents), 0) FROM staff_payments WHERE staff_id"
	    " = '" SAM "' AND status IN ('pending', 'processing')"));
	ck_assert_int_eq(api_num(o, "paidCents"), api_sql_num("SELECT"
	    " coalesce(sum(net_cents), 0) FROM staff_payments WHERE staff_id"
	    " = '" SAM "' AND status = 'paid'"));
	/* The San Francisco lunch yesterday is not invoiced nor paid yet:
	 * round(250 x 1900 / 60). */
	ck_assert_int_eq(api_num(o, "unpaidWorkCents"), 7917);
	ck_assert_str_eq(api_str(o, "currency"), "USD");
	http_res_free(&res);
	/* Luis worked (the brunch): paid or pending, never negative. */
	o = get_ok(Q "payments/summary", tok_luis, &res);
	ck_assert_int_ge(api_num(o, "paidCents") + api_num(o, "pendingCents"), 0);
	http_res_free(&res);
}
END_TEST

START_TEST(test_payments_history)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*paid;

	same_list(Q "payments/history", tok_sam, "paymentId",
	    "SELECT coalesce(string_agg(id::text, ',' ORDER BY period_start"
	    " DESC, id DESC), '') FROM staff_payments WHERE staff_id = '"
	    SAM "'");
	paid = collect(Q "payments/history?status=paid", tok_sam, 200,
	    "paymentId");
	mem_free(paid);
	o = get_ok(Q "payments/history?status=paid", tok_sam, &res);
	ck_assert_int_eq((long long)api_nitems(o), api_sql_num("SELECT count(*) FROM"
	    " staff_payments WHERE staff_id = '" SAM "' AND status = 'paid'"));
	ck_assert_str_eq(api_str(api_item(o, 0), "status"), "paid");
	ck_assert_str_eq(api_str(api_item(o, 0), "bankAccount.last4"), "4321");
	ck_assert_ptr_null(strstr(res.body, "tok_demo"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_payments_chart)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*from, *to, path[256];
	long long		 sum = 0;
	size_t			 i;

	from = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date - 40");
	to = api_sql("SELECT (now() AT TIME ZONE 'UTC')::date");
	snprintf(path, sizeof(path), Q "payments/chart?from=%s&to=%s", from,
	    to);
	o = get_ok(path, tok_sam, &res);
	ck_assert_str_eq(api_str(o, "bucket"), "week");
	/* Every week of the range, worked or not. */
	ck_assert_int_eq((long long)api_nitems(o), api_sql_num("SELECT count(*) FROM"
	    " generate_series(date_trunc('week', (now() AT TIME ZONE 'UTC')"
	    "::date - 40), (now() AT TIME ZONE 'UTC')::date, '1 week')"));
	for (i = 0; i < api_nitems(o); i++)
		sum += api_num(api_item(o, i), "earnedCents");
	ck_assert_int_eq(sum, api_num(o, "totalCents"));
	ck_assert_int_eq(sum, api_sql_num(EARNED_SQL(
	    "(now() AT TIME ZONE 'UTC')::date - 40",
	    "(now() AT TIME ZONE 'UTC')::date")));
	http_res_free(&res);
	o = get_ok(Q "payments/chart?bucket=month&from=2026-01-01"
	    "&to=2026-12-31", tok_sam, &res);
	ck_assert_uint_eq(api_nitems(o), 12);
	ck_assert_str_eq(api_str(api_item(o, 1), "periodEnd"), "2026-02-28");
	http_res_free(&res);
	/* Luis earned nothing in January: a zero, not a gap. */
	o = get_ok(Q "payments/chart?bucket=month&from=2026-01-01"
	    "&to=2026-01-31", tok_luis, &res);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_int_eq(api_num(api_item(o, 0), "earnedCents"), 0);
	http_res_free(&res);
	mem_free(from);
	mem_free(to);
}
END_TEST

/* ---------------------------------------------- dashboard, availability */

START_TEST(test_dashboard)
{
	struct http_res		 res;
	struct json_object	*o, *a;
	char			*next;
	size_t			 i;
	int			 expired = 0, expiring = 0;

	next = api_sql(MINE_SQL(SAM, "a.status IN ('assigned', 'confirmed',"
	    " 'checked_in') AND s.status <> 'cancelled' AND o.status <>"
	    " 'cancelled' AND s.ends_at > now()", "s.starts_at, a.id")
	    " GROUP BY s.starts_at, a.id ORDER BY s.starts_at, a.id LIMIT 1");
	o = get_ok(Q "dashboard", tok_sam, &res);
	ck_assert_str_eq(api_str(o, "nextShift.assignmentId"), next);
	ck_assert_int_eq(api_num(o, "openShifts.count"), 1);
	ck_assert_int_eq(api_num(o, "profile.percentage"), 100);
	ck_assert_int_eq(api_num(o, "earnings.earnedCents"),
	    api_sql_num(EARNED_SQL(MONDAY, MONDAY " + 6")));
	a = api_member(o, "attention");
	for (i = 0; i < json_object_array_length(a); i++) {
		if (strcmp(api_str(json_object_array_get_idx(a, i), "item"),
		    "First Aid") == 0)
			expired += strcmp(api_str(json_object_array_get_idx(a, i),
			    "kind"), "certificate_expired") == 0;
		if (strcmp(api_str(json_object_array_get_idx(a, i), "item"),
		    "Food Handler") == 0)
			expiring += strcmp(api_str(json_object_array_get_idx(a,
			    i), "kind"), "certificate_expiring") == 0;
	}
	ck_assert_int_eq(expired, 1);
	ck_assert_int_eq(expiring, 1);
	http_res_free(&res);
	mem_free(next);
	/* Luis: every required section is missing something. */
	o = get_ok(Q "dashboard", tok_luis, &res);
	ck_assert_int_eq(api_num(o, "profile.percentage"), 0);
	ck_assert_uint_ge(json_object_array_length(api_member(o, "attention")),
	    7);
	ck_assert_int_eq(api_num(o, "openShifts.count"), 2);
	http_res_free(&res);
}
END_TEST

START_TEST(test_availability)
{
	struct http_res		 res;
	struct json_object	*o, *d;
	char			*day, path[256];

	/* The extra evening seven days from today (New York). */
	day = api_sql("SELECT (now() AT TIME ZONE 'America/New_York')::date + 7");
	snprintf(path, sizeof(path), Q "availability?from=%s&to=%s", day,
	    day);
	o = get_ok(path, tok_sam, &res);
	ck_assert_str_eq(api_str(o, "timeZone"), "America/New_York");
	ck_assert_uint_eq(json_object_array_length(api_member(o, "weekly")), 6);
	d = json_object_array_get_idx(api_member(o, "days"), 0);
	ck_assert_str_eq(api_str(d, "date"), day);
	ck_assert_str_eq(api_str(d, "source"), "exception");
	ck_assert(boolean(d, "available"));
	ck_assert_str_eq(api_str(json_object_array_get_idx(api_member(d, "windows"),
	    0), "endTime"), "23:30");
	ck_assert_uint_eq(json_object_array_length(api_member(o, "exceptions")),
	    1);
	http_res_free(&res);
	/* Default: two weeks from today. */
	o = get_ok(Q "availability", tok_sam, &res);
	ck_assert_uint_eq(json_object_array_length(api_member(o, "days")), 14);
	http_res_free(&res);
	/* Sundays are not in Sam's week: 2026-11-29 is a Sunday. */
	o = get_ok(Q "availability?from=2026-11-29&to=2026-11-30", tok_sam,
	    &res);
	d = api_member(o, "days");
	ck_assert(!boolean(json_object_array_get_idx(d, 0), "available"));
	ck_assert(boolean(json_object_array_get_idx(d, 1), "available"));
	http_res_free(&res);
	o = get_ok(Q "availability", tok_luis, &res);
	ck_assert_str_eq(api_str(json_object_array_get_idx(api_member(o, "days"), 0),
	    "source"), "none");
	http_res_free(&res);
	mem_free(day);
}
END_TEST

/* -------------------------------------------------------------- rules */

static const char *const staff_paths[] = {
	Q "shifts/assigned", Q "shifts/open", Q "shifts/pending",
	Q "shifts/cancelled", Q "shifts/completed",
	Q "shifts/" "00000000-0000-4000-8000-000000008511",
	Q "clock-in/shifts/today", Q "clock-in/status",
	Q "profile-completion", Q "profile/sections",
	Q "profile/personal-info", Q "profile/industries",
	Q "profile/skills", Q "profile/documents", Q "profile/certificates",
	Q "profile/bank-accounts", Q "profile/benefits",
	Q "payments/summary", Q "payments/history", Q "payments/chart",
	Q "dashboard", Q "availability",
};

START_TEST(test_every_route_answers_staff)
{
	struct http_res	 res;

	(void)get_ok(staff_paths[_i], tok_sam, &res);
	http_res_free(&res);
}
END_TEST

START_TEST(test_client_and_admin_forbidden)
{
	struct http_res	 res;

	api_get_as(staff_paths[_i], tok_owner, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_get_as(staff_paths[_i], tok_admin, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
}
END_TEST

static const char *const bad_paths[][2] = {
	{ Q "shifts/assigned?limit=0", "limit" },
	{ Q "shifts/open?limit=201", "limit" },
	{ Q "shifts/pending?limit=x", "limit" },
	{ Q "shifts/completed?cursor=abc", "cursor" },
	{ Q "shifts/cancelled?limit=1&limit=2", "limit" },
	{ Q "shifts/assigned?status=open", "status" },
	{ Q "clock-in/status?staffId=" SAM, "staffId" },
	{ Q "profile/documents?x=1", "x" },
	{ Q "clock-in/shifts/today?date=2026-01-01", "date" },
	{ Q "payments/history?status=done", "status" },
	{ Q "payments/history?cursor=WyIyMDI2LTAxLTAxIl0", "cursor" },
	{ Q "payments/chart?bucket=day", "bucket" },
	{ Q "payments/chart?from=2026-02-30", "from" },
	{ Q "payments/chart?from=2026-03-01&to=2026-02-01", "to" },
	{ Q "payments/chart?from=2024-01-01&to=2026-01-01", "to" },
	{ Q "availability?to=tomorrow", "to" },
	{ Q "availability?from=2026-01-01T00:00:00Z", "from" },
};

START_TEST(test_bad_parameters)
{
	api_expect_invalid(bad_paths[_i][0], tok_sam, bad_paths[_i][1]);
}
END_TEST

/* A cursor of one list is refused by another (other sort key kind). */
START_TEST(test_cursor_of_other_list)
{
	struct http_res		 res;
	struct json_object	*o;
	char			 path[2048];

	o = get_ok(Q "shifts/completed?limit=1", tok_sam, &res);
	ck_assert_ptr_nonnull(api_next_cursor(o));
	snprintf(path, sizeof(path), Q "shifts/completed?limit=1&cursor=%s",
	    api_next_cursor(o));
	http_res_free(&res);
	o = get_ok(path, tok_sam, &res);
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), ASSIGN("852111"));
	http_res_free(&res);
	api_expect_invalid(Q "shifts/completed?cursor=WyJ4Il0", tok_sam,
	    "cursor");
}
END_TEST

static Suite *
staff_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("staff");
	tc = api_tcase(s, "shifts", 120);
	tcase_add_test(tc, test_assigned);
	tcase_add_test(tc, test_pending);
	tcase_add_test(tc, test_completed);
	tcase_add_test(tc, test_cancelled_and_declined);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_open_availability);
	tcase_add_test(tc, test_open_overlap);
	tcase_add_test(tc, test_shift_detail);
	tcase_add_test(tc, test_time_zone_edges);
	tc = api_tcase(s, "clock-in", 120);
	tcase_add_test(tc, test_clockin_today_ny);
	tcase_add_test(tc, test_clockin_today_far_zone);
	tcase_add_test(tc, test_clockin_status);
	tc = api_tcase(s, "profile", 120);
	tcase_add_test(tc, test_profile_completion);
	tcase_add_test(tc, test_profile_sections);
	tcase_add_test(tc, test_personal_info);
	tcase_add_test(tc, test_profile_lists);
	tc = api_tcase(s, "payments", 120);
	tcase_add_test(tc, test_payments_summary);
	tcase_add_test(tc, test_payments_history);
	tcase_add_test(tc, test_payments_chart);
	tc = api_tcase(s, "dashboard", 120);
	tcase_add_test(tc, test_dashboard);
	tcase_add_test(tc, test_availability);
	tc = api_tcase(s, "rules", 120);
	tcase_add_loop_test(tc, test_every_route_answers_staff, 0,
	    sizeof(staff_paths) / sizeof(staff_paths[0]));
	tcase_add_loop_test(tc, test_client_and_admin_forbidden, 0,
	    sizeof(staff_paths) / sizeof(staff_paths[0]));
	tcase_add_loop_test(tc, test_bad_parameters, 0,
	    sizeof(bad_paths) / sizeof(bad_paths[0]));
	tcase_add_test(tc, test_cursor_of_other_list);
	return s;
}

/* The suite's tokens. */
static void
run_setup(void)
{
	tok_sam = api_mint("demo-staff");
	tok_luis = api_mint("demo-staff-luis");
	tok_jordan = api_mint("demo-staff-jordan");
	tok_owner = api_mint("demo-owner");
	tok_admin = api_mint("demo-admin");
}

static void
run_teardown(void)
{
	mem_free(tok_sam);
	mem_free(tok_luis);
	mem_free(tok_jordan);
	mem_free(tok_owner);
	mem_free(tok_admin);
}

/*
 * Run the suite against $KROW_TEST_URL; exit 77 (skipped) when it is not
 * set, 0 when every test passed, 1 otherwise.
 */
int
main(void)
{
	return api_main("check_staff", staff_suite, run_setup, run_teardown);
}
