/*
 * check_staffing: integration tests of the client staffing commands of
 * krow-command through nginx with real tokens: assign a staff member to
 * a shift position and unassign, approve and reject an application,
 * approve and reject a swap request.  Each: the happy path seen through
 * the read routes (/query/client/coverage, /query/client/orders/view,
 * /query/staff/shifts/...), the audit row, validation failures, the
 * forbidden actors (staff, viewer; a manager outside its hubs: 404),
 * state conflicts (409 naming the state), ids of another business
 * (404); and 50 parallel assignments of different workers to a position
 * with headcount 3, which must fill exactly 3.
 *
 * The suite brings its own data (SQL fixtures, ids ...8000-f6xxxxxxxxxx):
 * an order at the New York hub (501, managed by demo-manager) with
 * shifts from 5 to 9 days ahead, an order at San Francisco (502, not
 * the manager's), 60 workers of Demo Staffing Co (201) holding its
 * bartender role (701), one of Metro Event Staff (202), one of Harbor
 * Kitchen Crew (203: not approved by the business); two of the workers
 * and a viewer can sign in.  The fixture puts back the assignments
 * before each test and removes everything after the last one.  Without
 * $KROW_TEST_URL it skips (exit 77).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "mem.h"
#include "http.h"
#include "api.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define MISSING		ID("0000000fffff")
#define TENANT		ID("000000000001")
#define BIZ		ID("000000000101")
#define HUB_NY		ID("000000000501")
#define HUB_SF		ID("000000000502")
#define ORD_NY		ID("f60000000001")
#define ORD_SF		ID("f60000000002")
#define SH1		ID("f60000001001")	/* +5 days, 4 h */
#define SH2		ID("f60000001002")	/* overlaps SH1 */
#define SH_STARTED	ID("f60000001003")	/* started 1 h ago */
#define SH_SF		ID("f60000001004")	/* +6 days, SF */
#define SH_C		ID("f60000001005")	/* +8 days */
#define SH_X		ID("f60000001006")	/* cancelled */
#define P1		ID("f60000010001")	/* SH1 bartender x3 */
#define P2		ID("f60000010002")	/* SH1 server x2 */
#define P3		ID("f60000010003")	/* SH1 vendor 202 x1 */
#define P4		ID("f60000010004")	/* SH2 bartender x1 */
#define P5		ID("f60000010005")	/* SH_STARTED x2 */
#define P6		ID("f60000010006")	/* SH_SF x2 */
#define PC		ID("f60000010007")	/* SH_C x3 */
#define P8		ID("f60000010008")	/* SH_X x2 */
#define P9		ID("f60000010009")	/* SH2 bartender x2 */
#define W(n)		ID("f600000a00" n)	/* workers 01..3c */
#define W_METRO		ID("f600000b0001")	/* of vendor 202 */
#define W_HARBOR	ID("f600000b0002")	/* of vendor 203 */
#define U_W1		ID("f600000c0001")	/* users: W(01), W(02) */
#define U_W2		ID("f600000c0002")
#define U_VIEWER	ID("f600000c0003")
#define OTHER_POS	ID("000000085111")	/* Other Catering's */
#define OTHER_SHIFT	ID("000000008511")
#define NWORKERS	60
#define NPARALLEL	50

#define ASSIGN(s, p) \
	"/commands/client/shifts/" s "/positions/" p "/assignments"
#define ASG(a)		"/commands/client/assignments/" a
#define SWAP(s)		"/commands/client/swap-requests/" s
#define STAFF_BODY(w)	"{\"staffId\":\"" w "\"}"

static char	*tok_owner, *tok_manager, *tok_other, *tok_viewer;
static char	*tok_w1, *tok_w2;

/* Everything the fixture made: none of it stays after the suite. */
static const char fixture_drop[] =
    "DELETE FROM swap_requests WHERE assignment_id IN (SELECT id FROM"
    " assignments WHERE shift_id::text LIKE '00000000-0000-4000-8000-f6%'"
    " OR staff_id::text LIKE '00000000-0000-4000-8000-f6%');"
    " DELETE FROM staff_events WHERE staff_id::text LIKE"
    " '00000000-0000-4000-8000-f6%' OR shift_id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " DELETE FROM assignments WHERE shift_id::text LIKE"
    " '00000000-0000-4000-8000-f6%' OR staff_id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " DELETE FROM shift_positions WHERE id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " DELETE FROM shifts WHERE id::text LIKE '00000000-0000-4000-8000-f6%';"
    " DELETE FROM orders WHERE id::text LIKE '00000000-0000-4000-8000-f6%';"
    " DELETE FROM audit_events WHERE actor_user_id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " DELETE FROM users WHERE id::text LIKE '00000000-0000-4000-8000-f6%';"
    " DELETE FROM staff WHERE id::text LIKE '00000000-0000-4000-8000-f6%';";

/* The fixture data (after fixture_drop). */
static const char fixture_make[] =
    "INSERT INTO orders (id, tenant_id, business_id, hub_id, order_number,"
    " title, status) VALUES"
    " ('" ORD_NY "', '" TENANT "', '" BIZ "', '" HUB_NY "', 'STF-T1',"
    " 'Staffing test NY', 'open'),"
    " ('" ORD_SF "', '" TENANT "', '" BIZ "', '" HUB_SF "', 'STF-T2',"
    " 'Staffing test SF', 'open');"
    " INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,"
    " starts_at, ends_at, status) VALUES"
    " ('" SH1 "', '" TENANT "', '" BIZ "', '" ORD_NY "', '" HUB_NY "',"
    " date_trunc('hour', now()) + interval '5 days',"
    " date_trunc('hour', now()) + interval '5 days 4 hours', 'open'),"
    " ('" SH2 "', '" TENANT "', '" BIZ "', '" ORD_NY "', '" HUB_NY "',"
    " date_trunc('hour', now()) + interval '5 days 2 hours',"
    " date_trunc('hour', now()) + interval '5 days 6 hours', 'open'),"
    " ('" SH_STARTED "', '" TENANT "', '" BIZ "', '" ORD_NY "',"
    " '" HUB_NY "', now() - interval '1 hour', now() + interval '3 hours',"
    " 'open'),"
    " ('" SH_SF "', '" TENANT "', '" BIZ "', '" ORD_SF "', '" HUB_SF "',"
    " date_trunc('hour', now()) + interval '6 days',"
    " date_trunc('hour', now()) + interval '6 days 4 hours', 'open'),"
    " ('" SH_C "', '" TENANT "', '" BIZ "', '" ORD_NY "', '" HUB_NY "',"
    " date_trunc('hour', now()) + interval '8 days',"
    " date_trunc('hour', now()) + interval '8 days 4 hours', 'open'),"
    " ('" SH_X "', '" TENANT "', '" BIZ "', '" ORD_NY "', '" HUB_NY "',"
    " date_trunc('hour', now()) + interval '9 days',"
    " date_trunc('hour', now()) + interval '9 days 4 hours', 'cancelled');"
    " INSERT INTO shift_positions (id, tenant_id, business_id, shift_id,"
    " vendor_id, vendor_role_id, headcount, bill_rate_cents,"
    " pay_rate_cents) VALUES"
    " ('" P1 "', '" TENANT "', '" BIZ "', '" SH1 "', '" ID("000000000201")
    "', '" ID("000000000701") "', 3, 3500, 2200),"
    " ('" P2 "', '" TENANT "', '" BIZ "', '" SH1 "', '" ID("000000000201")
    "', '" ID("000000000702") "', 2, 3000, 1900),"
    " ('" P3 "', '" TENANT "', '" BIZ "', '" SH1 "', '" ID("000000000202")
    "', '" ID("000000000712") "', 1, 2800, 1800),"
    " ('" P4 "', '" TENANT "', '" BIZ "', '" SH2 "', '" ID("000000000201")
    "', '" ID("000000000701") "', 1, 3500, 2200),"
    " ('" P5 "', '" TENANT "', '" BIZ "', '" SH_STARTED "', '"
    ID("000000000201") "', '" ID("000000000701") "', 2, 3500, 2200),"
    " ('" P6 "', '" TENANT "', '" BIZ "', '" SH_SF "', '" ID("000000000201")
    "', '" ID("000000000701") "', 2, 3500, 2200),"
    " ('" PC "', '" TENANT "', '" BIZ "', '" SH_C "', '" ID("000000000201")
    "', '" ID("000000000701") "', 3, 3500, 2200),"
    " ('" P8 "', '" TENANT "', '" BIZ "', '" SH_X "', '" ID("000000000201")
    "', '" ID("000000000701") "', 2, 3500, 2200),"
    " ('" P9 "', '" TENANT "', '" BIZ "', '" SH2 "', '" ID("000000000201")
    "', '" ID("000000000701") "', 2, 3500, 2200);"
    " INSERT INTO staff (id, tenant_id, vendor_id, first_name, last_name,"
    " status) SELECT ('00000000-0000-4000-8000-f600000a' ||"
    " lpad(to_hex(n), 4, '0'))::uuid, '" TENANT "', '" ID("000000000201")
    "', 'Worker', 'Fixture ' || n, 'active'"
    " FROM generate_series(1, 60) n;"
    " INSERT INTO staff (id, tenant_id, vendor_id, first_name, last_name)"
    " VALUES ('" W_METRO "', '" TENANT "', '" ID("000000000202") "',"
    " 'Metro', 'Fixture'), ('" W_HARBOR "', '" TENANT "', '"
    ID("000000000203") "', 'Harbor', 'Fixture');"
    " INSERT INTO staff_roles (tenant_id, vendor_id, staff_id,"
    " vendor_role_id) SELECT '" TENANT "', '" ID("000000000201") "', s.id,"
    " '" ID("000000000701") "' FROM staff s WHERE s.id::text LIKE"
    " '00000000-0000-4000-8000-f600000a%';"
    " INSERT INTO staff_roles (tenant_id, vendor_id, staff_id,"
    " vendor_role_id) VALUES ('" TENANT "', '" ID("000000000202") "',"
    " '" W_METRO "', '" ID("000000000711") "'), ('" TENANT "', '"
    ID("000000000203") "', '" W_HARBOR "', '" ID("000000000721") "');"
    " INSERT INTO users (id, tenant_id, provider, provider_uid, actor,"
    " business_id, staff_id, role, display_name) VALUES"
    " ('" U_W1 "', '" TENANT "', 'local', 'stf-worker-1', 'staff', NULL,"
    " '" W("01") "', NULL, 'Worker 1'),"
    " ('" U_W2 "', '" TENANT "', 'local', 'stf-worker-2', 'staff', NULL,"
    " '" W("02") "', NULL, 'Worker 2'),"
    " ('" U_VIEWER "', '" TENANT "', 'local', 'stf-viewer', 'client',"
    " '" BIZ "', NULL, 'viewer', 'Vera Viewer');"
    " SELECT 1";

/* Before each test: no assignment on the fixture shifts, statuses open,
 * the workers active without availability rules. */
static const char fixture_reset[] =
    "DELETE FROM swap_requests WHERE assignment_id IN (SELECT id FROM"
    " assignments WHERE shift_id::text LIKE '00000000-0000-4000-8000-f6%'"
    " OR staff_id::text LIKE '00000000-0000-4000-8000-f6%');"
    " DELETE FROM staff_events WHERE staff_id::text LIKE"
    " '00000000-0000-4000-8000-f6%' OR shift_id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " DELETE FROM assignments WHERE shift_id::text LIKE"
    " '00000000-0000-4000-8000-f6%' OR staff_id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " DELETE FROM staff_availability_exceptions WHERE staff_id::text LIKE"
    " '00000000-0000-4000-8000-f6%';"
    " UPDATE staff SET status = 'active' WHERE id::text LIKE"
    " '00000000-0000-4000-8000-f6%' AND status <> 'active';"
    " UPDATE shift_positions SET status = 'open' WHERE id::text LIKE"
    " '00000000-0000-4000-8000-f6%' AND status <> 'open';"
    " UPDATE shifts SET status = 'open' WHERE id::text LIKE"
    " '00000000-0000-4000-8000-f6%' AND status = 'filled';"
    " UPDATE orders SET status = 'open' WHERE id::text LIKE"
    " '00000000-0000-4000-8000-f6%' AND status <> 'open';"
    " SELECT 1";


/* Send a command; expect status and return the answer's object. */
static struct json_object *
ok(const char *method, const char *path, const char *token, const char *body,
    long status, struct http_res *res)
{
	api_cmd(method, path, token, api_key("ok"), body, res);
	return api_json_ok(res, status);
}

/* Send a command and expect the envelope (code, details naming field). */
static void
refuse(const char *method, const char *path, const char *token,
    const char *body, long status, const char *code, const char *field)
{
	api_expect(method, path, token, api_key("no"), body, status, code,
	    field);
}

/* Send and expect 409 CONFLICT whose details.state is state. */
static void
conflict(const char *method, const char *path, const char *token,
    const char *body, const char *state)
{
	struct http_res	 res;

	api_cmd(method, path, token, api_key("cf"), body, &res);
	api_envelope(&res, 409, "CONFLICT", "state");
	ck_assert_str_eq(api_str(api_json_ok(&res, 409), "details.state"),
	    state);
	http_res_free(&res);
}

/* Rows the staffing commands could write (refusals must not change it). */
static long long
footprint(void)
{
	return api_sql_num("SELECT (SELECT count(*) FROM assignments) *"
	    " 1000000 + (SELECT count(*) FROM assignments WHERE status ="
	    " 'cancelled') * 10000 + (SELECT count(*) FROM swap_requests"
	    " WHERE status <> 'pending') * 100 + (SELECT count(*) FROM"
	    " audit_events WHERE action LIKE 'assignment.%' OR action LIKE"
	    " 'swap_request.%')");
}

static long long
audits(const char *action, const char *id)
{
	char	q[512];

	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = '%s' AND target_id = '%s'", action, id);
	return api_sql_num(q);
}

/*
 * The staff_events rows of kind for assignment aid, told to its worker
 * (with the shift's times; reason, when want_reason is not NULL, equal
 * to it).
 */
static long long
events(const char *kind, const char *aid, const char *want_reason)
{
	char	q[1024];

	snprintf(q, sizeof(q), "SELECT count(*) FROM staff_events e"
	    " JOIN assignments a ON a.id = e.assignment_id"
	    " AND a.staff_id = e.staff_id"
	    " WHERE e.kind = '%s' AND e.assignment_id = '%s'"
	    " AND e.payload ? 'startsAt' AND e.payload ? 'endsAt'"
	    " AND (%s OR e.payload->>'reason' = '%s')", kind, aid,
	    want_reason == NULL ? "true" : "false",
	    want_reason == NULL ? "" : want_reason);
	return api_sql_num(q);
}

/* The position pos of shift in array a ("positions"), or NULL. */
static struct json_object *
find_pos(struct json_object *shift, const char *pos)
{
	struct json_object	*a, *it;
	size_t			 i;

	a = api_member(shift, "positions");
	for (i = 0; i < json_object_array_length(a); i++) {
		it = json_object_array_get_idx(a, i);
		if (strcmp(api_str(it, "positionId"), pos) == 0)
			return it;
	}
	return NULL;
}

/*
 * GET /query/client/coverage of the next 12 days (hub of shift): the
 * filled count of position pos of shift, and its status in *status
 * (mem_free()), the shift's in *sstatus; -1 when the shift is absent.
 */
static long long
coverage(const char *hub, const char *shift, const char *pos, char **status,
    char **sstatus)
{
	struct http_res		 res;
	struct json_object	*o, *s, *p;
	char			 path[512], *from, *to;
	long long		 filled = -1;

	from = api_sql("SELECT current_date - 1");
	to = api_sql("SELECT current_date + 12");
	snprintf(path, sizeof(path), "/query/client/coverage?hubId=%s"
	    "&from=%s&to=%s&limit=200", hub, from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	if ((s = api_find(o, "shiftId", shift)) != NULL) {
		ck_assert_ptr_nonnull(p = find_pos(s, pos));
		filled = api_num(p, "filled");
		if (status != NULL)
			*status = mem_strdup(api_str(p, "status"));
		if (sstatus != NULL)
			*sstatus = mem_strdup(api_str(s, "status"));
	}
	http_res_free(&res);
	mem_free(from);
	mem_free(to);
	return filled;
}

static long long
filled(const char *shift, const char *pos)
{
	return coverage(HUB_NY, shift, pos, NULL, NULL);
}

/* The order's status and filled count in GET /query/client/orders/view. */
static long long
order_view(const char *order, char **status)
{
	struct http_res		 res;
	struct json_object	*o, *it;
	char			 path[512], *from, *to;
	long long		 n = -1;

	from = api_sql("SELECT current_date - 1");
	to = api_sql("SELECT current_date + 12");
	snprintf(path, sizeof(path), "/query/client/orders/view?from=%s"
	    "&to=%s&limit=200", from, to);
	api_get_as(path, tok_owner, &res);
	o = api_json_ok(&res, 200);
	if ((it = api_find(o, "orderId", order)) != NULL) {
		n = api_num(it, "filled");
		if (status != NULL)
			*status = mem_strdup(api_str(it, "status"));
	}
	http_res_free(&res);
	mem_free(from);
	mem_free(to);
	return n;
}

/* Whether /query/staff/shifts/<list> of token shows shift id. */
static int
listed(const char *token, const char *list, const char *id)
{
	struct http_res	 res;
	char		 path[256];
	int		 found;

	snprintf(path, sizeof(path), "/query/staff/shifts/%s?limit=200", list);
	api_get_as(path, token, &res);
	found = api_find(api_json_ok(&res, 200), "shiftId", id) != NULL;
	http_res_free(&res);
	return found;
}

/* Insert an assignment of worker w on pos/shift in state st; its id. */
static char *
put_assignment(const char *shift, const char *pos, const char *w,
    const char *st)
{
	char	q[1024];

	snprintf(q, sizeof(q), "INSERT INTO assignments (tenant_id,"
	    " business_id, shift_id, position_id, vendor_id, staff_id, status,"
	    " applied_at, assigned_at) SELECT tenant_id, business_id,"
	    " shift_id, id, vendor_id, '%s', '%s', now(), CASE WHEN '%s' <>"
	    " 'applied' THEN now() END FROM shift_positions WHERE id = '%s'"
	    " AND shift_id = '%s' RETURNING id", w, st, st, pos, shift);
	return api_sql(q);
}

/* Assign worker w to pos of shift as token (201); the assignment id. */
static char *
assign(const char *shift, const char *pos, const char *token, const char *w)
{
	struct http_res	 res;
	char		 path[256], body[128], *id;

	snprintf(path, sizeof(path), ASSIGN("%s", "%s"), shift, pos);
	snprintf(body, sizeof(body), STAFF_BODY("%s"), w);
	id = mem_strdup(api_str(ok("POST", path, token, body, 201, &res),
	    "assignmentId"));
	http_res_free(&res);
	return id;
}

/* Send path (method, body) as token, with the key and the answer of
 * first: the same answer, replayed. */
static void
replayed(const char *method, const char *path, const char *token,
    const char *k, const char *body, const struct http_res *first)
{
	struct http_res	 res;
	char		 v[64];

	api_cmd(method, path, token, k, body, &res);
	ck_assert_int_eq(res.status, first->status);
	ck_assert_str_eq(res.body, first->body);
	ck_assert_ptr_nonnull(http_header(&res, "Idempotent-Replayed", v,
	    sizeof(v)));
	ck_assert_str_eq(v, "true");
	http_res_free(&res);
}

/* ------------------------------------------------------------ assign */

START_TEST(test_assign)
{
	struct http_res		 res;
	struct json_object	*o;
	const char		*k;
	char			*aid, *st, *sst;
	char			 path[256];

	ck_assert_int_eq(filled(SH1, P1), 0);
	ck_assert(!listed(tok_w1, "assigned", SH1));
	k = api_key("assign");
	api_cmd("POST", ASSIGN(SH1, P1), tok_owner, k, STAFF_BODY(W("01")),
	    &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(api_str(o, "status"), "assigned");
	ck_assert_str_eq(api_str(o, "shiftId"), SH1);
	ck_assert_str_eq(api_str(o, "positionId"), P1);
	ck_assert_str_eq(api_str(o, "staff.staffId"), W("01"));
	ck_assert_ptr_nonnull(api_str(o, "assignedAt"));
	aid = mem_strdup(api_str(o, "assignmentId"));
	/* Same key, same body: replayed, no second assignment. */
	replayed("POST", ASSIGN(SH1, P1), tok_owner, k, STAFF_BODY(W("01")),
	    &res);
	http_res_free(&res);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM assignments"
	    " WHERE shift_id = '" SH1 "'"), 1);
	ck_assert_int_eq(audits("assignment.assign", aid), 1);
	ck_assert_int_eq(events("assignment.assigned", aid, NULL), 1);
	/* The read models, at once. */
	ck_assert_int_eq(filled(SH1, P1), 1);
	ck_assert_int_eq(order_view(ORD_NY, NULL), 1);
	ck_assert(listed(tok_w1, "assigned", SH1));

	/* Unassign. */
	snprintf(path, sizeof(path), "/commands/client/assignments/%s", aid);
	k = api_key("unassign");
	api_cmd("DELETE", path, tok_owner, k, NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "status"), "cancelled");
	ck_assert_str_eq(api_str(o, "cancelReason"),
	    "Unassigned by the business");
	replayed("DELETE", path, tok_owner, k, NULL, &res);
	http_res_free(&res);
	ck_assert_int_eq(audits("assignment.unassign", aid), 1);
	ck_assert_int_eq(events("assignment.unassigned", aid,
	    "Unassigned by the business"), 1);
	ck_assert_int_eq(filled(SH1, P1), 0);
	ck_assert(!listed(tok_w1, "assigned", SH1));
	ck_assert(listed(tok_w1, "cancelled", SH1));
	/* Again: the assignment is cancelled. */
	conflict("DELETE", path, tok_owner, NULL, "cancelled");

	/* A manager on a shift of its hub; assigned again after cancel. */
	o = ok("POST", ASSIGN(SH1, P1), tok_manager, STAFF_BODY(W("01")), 201,
	    &res);
	ck_assert_str_eq(api_str(o, "status"), "assigned");
	http_res_free(&res);
	ck_assert_int_eq(filled(SH1, P1), 1);

	/* Fill P1 (3): position filled; SH1 has other positions: open. */
	mem_free(assign(SH1, P1, tok_owner, W("02")));
	mem_free(aid);
	aid = assign(SH1, P1, tok_owner, W("03"));
	ck_assert_int_eq(coverage(HUB_NY, SH1, P1, &st, &sst), 3);
	ck_assert_str_eq(st, "filled");
	ck_assert_str_eq(sst, "open");
	mem_free(st);
	mem_free(sst);
	conflict("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W("04")),
	    "full");
	/* Unassign one: open again. */
	snprintf(path, sizeof(path), "/commands/client/assignments/%s", aid);
	ok("DELETE", path, tok_owner, NULL, 200, &res);
	http_res_free(&res);
	ck_assert_int_eq(coverage(HUB_NY, SH1, P1, &st, NULL), 2);
	ck_assert_str_eq(st, "open");
	mem_free(st);
	mem_free(aid);
}
END_TEST

START_TEST(test_assign_refused)
{
	struct http_res		 res;
	struct json_object	*o;
	long long		 before;
	char			*aid, *started, *sf, q[512];

	/* Data the refusals below need. */
	mem_free(api_sql("UPDATE staff SET status = 'suspended' WHERE id = '"
	    W("06") "'; SELECT 1"));
	/* A day off on the shift's day (UTC: the worker has no weekly). */
	mem_free(api_sql("INSERT INTO staff_availability_exceptions"
	    " (tenant_id, staff_id, day, available) SELECT '" TENANT "', '"
	    W("07") "', (starts_at AT TIME ZONE 'UTC')::date, false"
	    " FROM shifts WHERE id = '" SH1 "'; SELECT 1"));
	aid = assign(SH1, P1, tok_owner, W("09"));
	mem_free(assign(SH2, P4, tok_owner, W("10")));
	started = put_assignment(SH_STARTED, P5, W("12"), "assigned");
	sf = put_assignment(SH_SF, P6, W("12"), "assigned");

	before = footprint();
	/* Validation. */
	refuse("POST", ASSIGN("x", P1), tok_owner, STAFF_BODY(W("01")), 400,
	    "VALIDATION_ERROR", "shiftId");
	refuse("POST", ASSIGN(SH1, "x"), tok_owner, STAFF_BODY(W("01")), 400,
	    "VALIDATION_ERROR", "positionId");
	refuse("POST", ASSIGN(SH1, P1), tok_owner, "{}", 400,
	    "VALIDATION_ERROR", "staffId");
	refuse("POST", ASSIGN(SH1, P1), tok_owner, "{\"staffId\":\"nope\"}",
	    400, "VALIDATION_ERROR", "staffId");
	refuse("POST", ASSIGN(SH1, P1), tok_owner, "{\"staffId\":7}", 400,
	    "VALIDATION_ERROR", "staffId");
	refuse("POST", ASSIGN(SH1, P1), tok_owner, "{\"staffId\":\"" W("01")
	    "\",\"role\":\"x\"}", 400, "VALIDATION_ERROR", "role");
	refuse("POST", ASSIGN(SH1, P1), tok_owner, "{\"staffId\":", 400,
	    "BAD_REQUEST", NULL);
	refuse("POST", ASSIGN(SH1, P1), tok_owner, "[]", 400, "BAD_REQUEST",
	    NULL);
	/* Forbidden actors. */
	refuse("POST", ASSIGN(SH1, P1), tok_viewer, STAFF_BODY(W("01")), 403,
	    "FORBIDDEN", NULL);
	refuse("POST", ASSIGN(SH1, P1), tok_w1, STAFF_BODY(W("01")), 403,
	    "FORBIDDEN", NULL);
	/* Not found: a manager outside its hubs, another business, unknown
	 * or mismatched ids, a worker of a vendor the business does not
	 * work with. */
	refuse("POST", ASSIGN(SH_SF, P6), tok_manager, STAFF_BODY(W("01")),
	    404, "NOT_FOUND", NULL);
	refuse("POST", ASSIGN(SH1, P1), tok_other, STAFF_BODY(W("01")), 404,
	    "NOT_FOUND", NULL);
	refuse("POST", ASSIGN(OTHER_SHIFT, OTHER_POS), tok_owner,
	    STAFF_BODY(W("01")), 404, "NOT_FOUND", NULL);
	refuse("POST", ASSIGN(SH1, MISSING), tok_owner, STAFF_BODY(W("01")),
	    404, "NOT_FOUND", NULL);
	refuse("POST", ASSIGN(SH1, P4), tok_owner, STAFF_BODY(W("01")), 404,
	    "NOT_FOUND", NULL);
	refuse("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(MISSING), 404,
	    "NOT_FOUND", NULL);
	refuse("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W_HARBOR), 404,
	    "NOT_FOUND", NULL);
	/* Eligibility: vendor, role, state, availability of the worker. */
	conflict("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W_METRO),
	    "wrong_vendor");
	conflict("POST", ASSIGN(SH1, P2), tok_owner, STAFF_BODY(W("05")),
	    "missing_role");
	conflict("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W("06")),
	    "suspended");
	conflict("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W("07")),
	    "unavailable");
	/* Shift state: started, cancelled. */
	conflict("POST", ASSIGN(SH_STARTED, P5), tok_owner,
	    STAFF_BODY(W("08")), "started");
	conflict("POST", ASSIGN(SH_X, P8), tok_owner, STAFF_BODY(W("08")),
	    "cancelled");
	/* On the shift already (it names the assignment); overlapping. */
	api_cmd("POST", ASSIGN(SH1, P2), tok_owner, api_key("dup"),
	    STAFF_BODY(W("09")), &res);
	api_envelope(&res, 409, "CONFLICT", "assignmentId");
	o = api_json_ok(&res, 409);
	ck_assert_str_eq(api_str(o, "details.state"), "assigned");
	ck_assert_str_eq(api_str(o, "details.assignmentId"), aid);
	http_res_free(&res);
	conflict("POST", ASSIGN(SH2, P9), tok_owner, STAFF_BODY(W("09")),
	    "overlap");
	/* Full: P4 has one slot. */
	conflict("POST", ASSIGN(SH2, P4), tok_owner, STAFF_BODY(W("11")),
	    "full");
	/* Unassign: validation, forbidden, not found, started. */
	refuse("DELETE", ASG("x"), tok_owner, NULL, 400, "VALIDATION_ERROR",
	    "assignmentId");
	snprintf(q, sizeof(q), ASG("%s"), aid);
	refuse("DELETE", q, tok_viewer, NULL, 403, "FORBIDDEN", NULL);
	refuse("DELETE", q, tok_w1, NULL, 403, "FORBIDDEN", NULL);
	refuse("DELETE", q, tok_other, NULL, 404, "NOT_FOUND", NULL);
	refuse("DELETE", ASG(MISSING), tok_owner, NULL, 404, "NOT_FOUND",
	    NULL);
	snprintf(q, sizeof(q), ASG("%s"), started);
	conflict("DELETE", q, tok_owner, NULL, "started");
	snprintf(q, sizeof(q), ASG("%s"), sf);
	refuse("DELETE", q, tok_manager, NULL, 404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);
	mem_free(aid);
	mem_free(started);
	mem_free(sf);
}
END_TEST

/* ------------------------------------------------- approve and reject */

START_TEST(test_approve_reject)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*a1, *a2, path[256];
	const char		*k;

	/* Worker 1 applies (the staff command), the owner approves. */
	ck_assert(listed(tok_w1, "open", SH1));
	o = ok("POST", "/commands/staff/shifts/" SH1 "/apply", tok_w1,
	    "{\"positionId\":\"" P1 "\"}", 201, &res);
	a1 = mem_strdup(api_str(o, "assignmentId"));
	http_res_free(&res);
	ck_assert(listed(tok_w1, "pending", SH1));
	ck_assert_int_eq(filled(SH1, P1), 0);
	snprintf(path, sizeof(path), ASG("%s") "/approve", a1);
	k = api_key("approve");
	api_cmd("POST", path, tok_owner, k, NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "status"), "assigned");
	ck_assert_ptr_nonnull(api_str(o, "appliedAt"));
	ck_assert_ptr_nonnull(api_str(o, "assignedAt"));
	replayed("POST", path, tok_owner, k, NULL, &res);
	http_res_free(&res);
	ck_assert_int_eq(audits("assignment.approve", a1), 1);
	ck_assert_int_eq(events("application.approved", a1, NULL), 1);
	ck_assert(listed(tok_w1, "assigned", SH1));
	ck_assert(!listed(tok_w1, "pending", SH1));
	ck_assert_int_eq(filled(SH1, P1), 1);
	conflict("POST", path, tok_owner, NULL, "assigned");

	/* Worker 2 applies, the owner rejects with a reason. */
	o = ok("POST", "/commands/staff/shifts/" SH1 "/apply", tok_w2,
	    "{\"positionId\":\"" P1 "\"}", 201, &res);
	a2 = mem_strdup(api_str(o, "assignmentId"));
	http_res_free(&res);
	snprintf(path, sizeof(path), ASG("%s") "/reject", a2);
	refuse("POST", path, tok_owner, "{\"reason\":\"\"}", 400,
	    "VALIDATION_ERROR", "reason");
	refuse("POST", path, tok_owner, "{\"reason\":5}", 400,
	    "VALIDATION_ERROR", "reason");
	refuse("POST", path, tok_owner, "{\"note\":\"x\"}", 400,
	    "VALIDATION_ERROR", "note");
	refuse("POST", path, tok_viewer, "{}", 403, "FORBIDDEN", NULL);
	refuse("POST", path, tok_other, "{}", 404, "NOT_FOUND", NULL);
	ck_assert(listed(tok_w2, "pending", SH1));
	o = ok("POST", path, tok_owner, "{\"reason\":\"We need more "
	    "experience for this event\"}", 200, &res);
	ck_assert_str_eq(api_str(o, "status"), "cancelled");
	ck_assert_str_eq(api_str(o, "cancelReason"),
	    "We need more experience for this event");
	http_res_free(&res);
	ck_assert_int_eq(audits("assignment.reject", a2), 1);
	ck_assert_int_eq(events("application.rejected", a2,
	    "We need more experience for this event"), 1);
	ck_assert(!listed(tok_w2, "pending", SH1));
	ck_assert(listed(tok_w2, "cancelled", SH1));
	ck_assert_int_eq(filled(SH1, P1), 1);
	conflict("POST", path, tok_owner, "{}", "cancelled");
	snprintf(path, sizeof(path), ASG("%s") "/approve", a2);
	conflict("POST", path, tok_owner, NULL, "cancelled");
	/* Reject without a reason: the default one. */
	mem_free(a2);
	a2 = put_assignment(SH1, P1, W("13"), "applied");
	snprintf(path, sizeof(path), ASG("%s") "/reject", a2);
	o = ok("POST", path, tok_owner, "{}", 200, &res);
	ck_assert_str_eq(api_str(o, "cancelReason"),
	    "Application rejected by the business");
	http_res_free(&res);
	mem_free(a1);
	mem_free(a2);
}
END_TEST

START_TEST(test_approve_refused)
{
	long long	 before;
	char		*full, *over, *started, *susp, *sf, path[256];

	mem_free(put_assignment(SH2, P4, W("20"), "assigned"));
	full = put_assignment(SH2, P4, W("21"), "applied");
	over = put_assignment(SH1, P1, W("20"), "applied");
	started = put_assignment(SH_STARTED, P5, W("22"), "applied");
	susp = put_assignment(SH_C, PC, W("23"), "applied");
	mem_free(api_sql("UPDATE staff SET status = 'suspended' WHERE id = '"
	    W("23") "'; SELECT 1"));
	sf = put_assignment(SH_SF, P6, W("24"), "applied");

	before = footprint();
	/* Full: P4 (one slot) is taken. */
	snprintf(path, sizeof(path), ASG("%s") "/approve", full);
	conflict("POST", path, tok_owner, NULL, "full");
	refuse("POST", path, tok_viewer, NULL, 403, "FORBIDDEN", NULL);
	refuse("POST", path, tok_w1, NULL, 403, "FORBIDDEN", NULL);
	refuse("POST", path, tok_other, NULL, 404, "NOT_FOUND", NULL);
	/* Overlap: the worker holds SH2, which overlaps SH1. */
	snprintf(path, sizeof(path), ASG("%s") "/approve", over);
	conflict("POST", path, tok_owner, NULL, "overlap");
	snprintf(path, sizeof(path), ASG("%s") "/approve", started);
	conflict("POST", path, tok_owner, NULL, "started");
	snprintf(path, sizeof(path), ASG("%s") "/approve", susp);
	conflict("POST", path, tok_owner, NULL, "suspended");
	/* A hub the manager does not manage. */
	snprintf(path, sizeof(path), ASG("%s") "/approve", sf);
	refuse("POST", path, tok_manager, NULL, 404, "NOT_FOUND", NULL);
	snprintf(path, sizeof(path), ASG("%s") "/reject", sf);
	refuse("POST", path, tok_manager, "{}", 404, "NOT_FOUND", NULL);
	refuse("POST", ASG("nope") "/approve", tok_owner, NULL, 400,
	    "VALIDATION_ERROR", "assignmentId");
	refuse("POST", ASG("nope") "/reject", tok_owner, "{}", 400,
	    "VALIDATION_ERROR", "assignmentId");
	refuse("POST", ASG(MISSING) "/approve", tok_owner, NULL, 404,
	    "NOT_FOUND", NULL);
	refuse("POST", ASG(MISSING) "/reject", tok_owner, "{}", 404,
	    "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);
	mem_free(full);
	mem_free(over);
	mem_free(started);
	mem_free(susp);
	mem_free(sf);
}
END_TEST

/* -------------------------------------------------------------- swaps */

/* Worker 1 asks to swap out of SH1 (the staff command); the request. */
static char *
request_swap(void)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*id;

	o = ok("POST", "/commands/staff/shifts/" SH1 "/request-swap", tok_w1,
	    "{\"reason\":\"Family emergency\"}", 201, &res);
	ck_assert_str_eq(api_str(o, "status"), "pending");
	id = mem_strdup(api_str(o, "swapRequestId"));
	http_res_free(&res);
	return id;
}

START_TEST(test_swap)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*sw, *aid, path[256], *st, *ost;
	const char		*k;
	long long		 before;

	/* Worker 1 holds SH1/P1, worker 2 SH1/P1 too; P1 has 3 slots. */
	o = ok("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W("01")), 201,
	    &res);
	aid = mem_strdup(api_str(o, "assignmentId"));
	http_res_free(&res);
	ck_assert_int_eq(filled(SH1, P1), 1);

	/* Rejected: the worker keeps the shift. */
	sw = request_swap();
	snprintf(path, sizeof(path), SWAP("%s") "/reject", sw);
	before = footprint();
	refuse("POST", path, tok_owner, "{}", 400, "VALIDATION_ERROR",
	    "reason");
	refuse("POST", path, tok_owner, "{\"reason\":\"\"}", 400,
	    "VALIDATION_ERROR", "reason");
	refuse("POST", path, tok_viewer, "{\"reason\":\"no\"}", 403,
	    "FORBIDDEN", NULL);
	refuse("POST", path, tok_w1, "{\"reason\":\"no\"}", 403, "FORBIDDEN",
	    NULL);
	refuse("POST", path, tok_other, "{\"reason\":\"no\"}", 404,
	    "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);
	k = api_key("swrej");
	api_cmd("POST", path, tok_owner, k, "{\"reason\":\"Nobody else is "
	    "trained for this bar\"}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "status"), "rejected");
	ck_assert_str_eq(api_str(o, "resolutionNote"),
	    "Nobody else is trained for this bar");
	ck_assert_str_eq(api_str(o, "reason"), "Family emergency");
	ck_assert_str_eq(api_str(o, "assignment.status"), "assigned");
	replayed("POST", path, tok_owner, k, "{\"reason\":\"Nobody else is "
	    "trained for this bar\"}", &res);
	http_res_free(&res);
	ck_assert_int_eq(audits("swap_request.reject", sw), 1);
	ck_assert_int_eq(events("swap_request.rejected", aid,
	    "Nobody else is trained for this bar"), 1);
	ck_assert(listed(tok_w1, "assigned", SH1));
	ck_assert_int_eq(filled(SH1, P1), 1);
	conflict("POST", path, tok_owner, "{\"reason\":\"again\"}",
	    "rejected");
	snprintf(path, sizeof(path), SWAP("%s") "/approve", sw);
	conflict("POST", path, tok_owner, NULL, "rejected");
	mem_free(sw);

	/* Approved: the worker is released, the slot is open again. */
	sw = request_swap();
	snprintf(path, sizeof(path), SWAP("%s") "/approve", sw);
	refuse("POST", path, tok_viewer, NULL, 403, "FORBIDDEN", NULL);
	refuse("POST", path, tok_other, NULL, 404, "NOT_FOUND", NULL);
	o = ok("POST", path, tok_manager, NULL, 200, &res);
	ck_assert_str_eq(api_str(o, "status"), "approved");
	ck_assert_str_eq(api_str(o, "assignment.status"), "cancelled");
	ck_assert_str_eq(api_str(o, "assignment.assignmentId"), aid);
	ck_assert_ptr_nonnull(api_str(o, "resolvedAt"));
	http_res_free(&res);
	ck_assert_int_eq(audits("swap_request.approve", sw), 1);
	ck_assert_int_eq(audits("assignment.release", aid), 1);
	ck_assert_int_eq(events("swap_request.approved", aid,
	    "Released: swap request approved"), 1);
	ck_assert(!listed(tok_w1, "assigned", SH1));
	ck_assert(listed(tok_w1, "cancelled", SH1));
	ck_assert_int_eq(filled(SH1, P1), 0);
	conflict("POST", path, tok_owner, NULL, "approved");
	/* The slot is the client's to fill again. */
	mem_free(assign(SH1, P1, tok_owner, W("02")));
	ck_assert_int_eq(filled(SH1, P1), 1);
	mem_free(sw);
	mem_free(aid);

	/* Single-slot position: filled, then open again on approval. */
	mem_free(assign(SH2, P4, tok_owner, W("01")));
	ck_assert_int_eq(coverage(HUB_NY, SH2, P4, &st, NULL), 1);
	ck_assert_str_eq(st, "filled");
	mem_free(st);
	o = ok("POST", "/commands/staff/shifts/" SH2 "/request-swap", tok_w1,
	    "{\"reason\":\"Exam\"}", 201, &res);
	sw = mem_strdup(api_str(o, "swapRequestId"));
	http_res_free(&res);
	snprintf(path, sizeof(path), SWAP("%s") "/approve", sw);
	ok("POST", path, tok_owner, NULL, 200, &res);
	http_res_free(&res);
	ck_assert_int_eq(coverage(HUB_NY, SH2, P4, &st, &ost), 0);
	ck_assert_str_eq(st, "open");
	ck_assert_str_eq(ost, "open");
	mem_free(st);
	mem_free(ost);
	mem_free(sw);
}
END_TEST

/* A pending swap request of assignment a (SQL); its id. */
static char *
put_swap(const char *a)
{
	char	q[512];

	snprintf(q, sizeof(q), "INSERT INTO swap_requests (tenant_id,"
	    " business_id, assignment_id, reason) VALUES ('" TENANT "', '"
	    BIZ "', '%s', 'sick') RETURNING id", a);
	return api_sql(q);
}

START_TEST(test_swap_refused)
{
	long long	 before;
	char		*a, *started, *sf, q[512];

	/* A swap on a started shift; one at a hub the manager lacks. */
	a = put_assignment(SH_STARTED, P5, W("30"), "confirmed");
	started = put_swap(a);
	mem_free(a);
	a = put_assignment(SH_SF, P6, W("31"), "assigned");
	sf = put_swap(a);
	mem_free(a);

	before = footprint();
	snprintf(q, sizeof(q), SWAP("%s") "/approve", started);
	conflict("POST", q, tok_owner, NULL, "started");
	snprintf(q, sizeof(q), SWAP("%s") "/approve", sf);
	refuse("POST", q, tok_manager, NULL, 404, "NOT_FOUND", NULL);
	snprintf(q, sizeof(q), SWAP("%s") "/reject", sf);
	refuse("POST", q, tok_manager, "{\"reason\":\"no\"}", 404, "NOT_FOUND",
	    NULL);
	refuse("POST", q, tok_owner, "{\"reason\":7}", 400,
	    "VALIDATION_ERROR", "reason");
	refuse("POST", SWAP("x") "/approve", tok_owner, NULL, 400,
	    "VALIDATION_ERROR", "swapRequestId");
	refuse("POST", SWAP("x") "/reject", tok_owner, "{\"reason\":\"no\"}",
	    400, "VALIDATION_ERROR", "swapRequestId");
	refuse("POST", SWAP(MISSING) "/approve", tok_owner, NULL, 404,
	    "NOT_FOUND", NULL);
	refuse("POST", SWAP(MISSING) "/reject", tok_owner,
	    "{\"reason\":\"no\"}", 404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);
	mem_free(started);
	mem_free(sf);
}
END_TEST

/* -------------------------------------------------------- concurrency */

/*
 * NPARALLEL children assign NPARALLEL different workers to PC
 * (headcount 3) at the same moment (they wait on a pipe the parent then
 * closes).  Each exits 1 for 201, 2 for 409 "full", 3 otherwise.
 */
START_TEST(test_parallel_assign)
{
	struct http_res	 res;
	pid_t		 pid[NPARALLEL];
	const char	*h[4];
	char		 auth[20000], k[128], body[128], c, *st, *sst;
	int		 go[2], i, status, n201 = 0, nfull = 0, nother = 0;

	ck_assert_int_eq(pipe(go), 0);
	fflush(NULL);
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert_int_ne(pid[i] = fork(), -1);
		if (pid[i] != 0)
			continue;
		close(go[1]);
		if (read(go[0], &c, 1) == -1)
			_exit(3);
		snprintf(body, sizeof(body), "{\"staffId\":\""
		    "00000000-0000-4000-8000-f600000a%04x\"}", i + 1);
		snprintf(k, sizeof(k), "Idempotency-Key: par-%ld-%ld-%d",
		    (long)getpid(), (long)time(NULL), i);
		if (http_bearer(auth, sizeof(auth), tok_owner) == NULL)
			_exit(3);
		h[0] = auth;
		h[1] = k;
		h[2] = "Content-Type: application/json";
		h[3] = NULL;
		if (http_do("POST", ASSIGN(SH_C, PC), h, body, &res) == -1)
			_exit(3);
		if (res.status == 201)
			_exit(1);
		if (res.status == 409 && strstr(res.body, "\"full\"") != NULL)
			_exit(2);
		fprintf(stderr, "parallel assign %d: %ld %s\n", i,
		    res.status, res.body);
		_exit(3);
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status));
		switch (WEXITSTATUS(status)) {
		case 1:
			n201++;
			break;
		case 2:
			nfull++;
			break;
		default:
			nother++;
		}
	}
	ck_assert_int_eq(nother, 0);
	ck_assert_int_eq(n201, 3);
	ck_assert_int_eq(nfull, NPARALLEL - 3);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM assignments"
	    " WHERE position_id = '" PC "'"), 3);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM audit_events"
	    " WHERE action = 'assignment.assign' AND target_id IN (SELECT"
	    " id::text FROM assignments WHERE position_id = '" PC "')"), 3);
	ck_assert_int_eq(coverage(HUB_NY, SH_C, PC, &st, &sst), 3);
	ck_assert_str_eq(st, "filled");
	/* SH_C has this one position: the shift is filled too. */
	ck_assert_str_eq(sst, "filled");
	mem_free(st);
	mem_free(sst);
}
END_TEST

static void
reset_fixture(void)
{
	mem_free(api_sql(fixture_reset));
}

static void
make_fixture(void)
{
	mem_free(api_sql(fixture_drop));
	mem_free(api_sql(fixture_make));
}

static void
drop_fixture(void)
{
	mem_free(api_sql(fixture_drop));
}

/* A test case with the fixture made before it and dropped after it. */
static TCase *
tcase(Suite *s, const char *name)
{
	TCase	*tc;

	tc = api_tcase(s, name, 180);
	tcase_add_unchecked_fixture(tc, make_fixture, drop_fixture);
	tcase_add_checked_fixture(tc, reset_fixture, NULL);
	return tc;
}

/*
 * The worker reads what the business did (GET /query/staff/notifications,
 * newest first, with the unread count) and marks it read.
 */
START_TEST(test_notifications)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*aid, path[256], upto[32];

	o = ok("POST", ASSIGN(SH1, P1), tok_owner, STAFF_BODY(W("01")), 201,
	    &res);
	aid = mem_strdup(api_str(o, "assignmentId"));
	http_res_free(&res);
	snprintf(path, sizeof(path), "/commands/client/assignments/%s", aid);
	ok("DELETE", path, tok_owner, NULL, 200, &res);
	http_res_free(&res);

	api_get_as("/query/staff/notifications?limit=1", tok_w1, &res);
	o = api_json_ok(&res, 200);
	ck_assert_int_eq(api_num(o, "unreadCount"), 2);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "kind"),
	    "assignment.unassigned");
	ck_assert_str_eq(api_str(api_item(o, 0), "assignmentId"), aid);
	ck_assert_str_eq(api_str(api_item(o, 0), "shiftId"), SH1);
	ck_assert_str_eq(api_str(api_item(o, 0), "details.reason"),
	    "Unassigned by the business");
	ck_assert_ptr_nonnull(api_next_cursor(o));
	snprintf(upto, sizeof(upto), "%s", api_str(api_item(o, 0),
	    "notificationId"));
	snprintf(path, sizeof(path), "/query/staff/notifications?limit=1"
	    "&cursor=%s", api_next_cursor(o));
	http_res_free(&res);
	/* The next page: the assignment before it, and nothing after. */
	api_get_as(path, tok_w1, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 1);
	ck_assert_str_eq(api_str(api_item(o, 0), "kind"),
	    "assignment.assigned");
	ck_assert_ptr_null(api_next_cursor(o));
	http_res_free(&res);
	api_expect_invalid("/query/staff/notifications?cursor=placeholder",
	    tok_w1, "cursor");

	/* Another worker sees none of them; a client token is refused. */
	api_get_as("/query/staff/notifications", tok_w2, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 0);
	ck_assert_int_eq(api_num(o, "unreadCount"), 0);
	http_res_free(&res);
	api_get_as("/query/staff/notifications", tok_owner, &res);
	api_envelope(&res, 403, "FORBIDDEN", NULL);
	http_res_free(&res);
	api_expect_invalid("/query/staff/notifications?unread=maybe", tok_w1,
	    "unread");

	/* Mark read up to the newest: none unread is left. */
	refuse("POST", "/commands/staff/notifications/read", tok_w1,
	    "{\"upTo\":\"abc\"}", 400, "VALIDATION_ERROR", "upTo");
	refuse("POST", "/commands/staff/notifications/read", tok_owner, "{}",
	    403, "FORBIDDEN", NULL);
	snprintf(path, sizeof(path), "{\"upTo\":\"%s\"}", upto);
	o = ok("POST", "/commands/staff/notifications/read", tok_w1, path,
	    200, &res);
	ck_assert_int_eq(api_num(o, "marked"), 2);
	ck_assert_int_eq(api_num(o, "unreadCount"), 0);
	http_res_free(&res);
	api_get_as("/query/staff/notifications?unread=true", tok_w1, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 0);
	ck_assert_int_eq(api_num(o, "unreadCount"), 0);
	http_res_free(&res);
	api_get_as("/query/staff/notifications", tok_w1, &res);
	o = api_json_ok(&res, 200);
	ck_assert_uint_eq(api_nitems(o), 2);
	ck_assert_ptr_nonnull(api_str(api_item(o, 1), "readAt"));
	ck_assert_str_eq(api_str(api_item(o, 1), "kind"),
	    "assignment.assigned");
	http_res_free(&res);
	mem_free(aid);
}
END_TEST

static Suite *
staffing_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("staffing commands");
	tc = tcase(s, "assign");
	tcase_add_test(tc, test_assign);
	tcase_add_test(tc, test_assign_refused);
	tcase_add_test(tc, test_notifications);
	tc = tcase(s, "applications");
	tcase_add_test(tc, test_approve_reject);
	tcase_add_test(tc, test_approve_refused);
	tc = tcase(s, "swaps");
	tcase_add_test(tc, test_swap);
	tcase_add_test(tc, test_swap_refused);
	tc = tcase(s, "concurrency");
	tcase_add_test(tc, test_parallel_assign);
	return s;
}

/* The suite's tokens. */
static void
run_setup(void)
{
	tok_owner = api_sign_in("owner@demo.example");
	tok_manager = api_sign_in("manager@demo.example");
	tok_other = api_sign_in("owner@other.example");
	tok_viewer = api_mint("stf-viewer");
	tok_w1 = api_mint("stf-worker-1");
	tok_w2 = api_mint("stf-worker-2");
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_manager);
	mem_free(tok_other);
	mem_free(tok_viewer);
	mem_free(tok_w1);
	mem_free(tok_w2);
}

/* Run the suite against $KROW_TEST_URL; 77 when it is not set. */
int
main(void)
{
	return api_main("check_staffing", staffing_suite, run_setup,
	    run_teardown);
}
