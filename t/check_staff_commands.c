/*
 * check_staff_commands: integration tests of the staff commands of
 * krow-command (/commands/staff/...) through nginx with real tokens,
 * against the demo data (sql/demo.sql): apply for an open position,
 * withdraw the application, decline an offered shift, request a swap
 * and cancel it; clock in (NFC tag, geofence) and out; replace the
 * weekly availability, add and delete availability exceptions; replace
 * the personal info, industries, skills and benefits of the profile;
 * add and delete documents, certificates and bank accounts (token and
 * last four digits only), choose the default account.
 * Each: the happy path with the staff read models (/query/staff/...)
 * showing the effect and the audit row, validation failures, a client
 * token (403), state conflicts (409), another worker's ids (404) and
 * the replay of an Idempotency-Key.  Races: two applications of one
 * worker at once, two clock-ins at once (one wins, the other is a 409
 * naming the state, never a 500); withdraw and decline of a started
 * shift are refused.  Bad requests must change nothing
 * (rows are counted with "$KROW_TEST_STACK psql $KROW_TEST_STATE").
 * Every test case puts back what it changed (by psql, before each test
 * and after the last), so that the suites after this one and a second
 * run on one stack see the demo data.  Without $KROW_TEST_URL it skips
 * (exit 77).
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
#include "uuid.h"
#include "http.h"
#include "api.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define MISSING		ID("0000000fffff")
#define SHIFT_OPEN	ID("000000008091")	/* +7 days, open to Sam */
#define POS_OPEN	ID("000000080911")
#define SHIFT_ASSIGNED	ID("000000008061")	/* Sam assigned */
#define ASG_ASSIGNED	ID("000000806111")
#define POS_8061	ID("000000080611")
#define SHIFT_APPLIED	ID("000000008062")	/* Sam applied */
#define ASG_APPLIED	ID("000000806211")
#define SHIFT_FULL	ID("000000008051")	/* not Sam's; full */
#define POS_FULL	ID("000000080511")
#define SHIFT_CONFIRMED	ID("000000008511")	/* Sam confirmed */
#define ASG_CONFIRMED	ID("000000851111")
#define SAM		ID("000000000301")
#define SHIFT_TODAY	ID("000000008101")	/* Luis confirmed, NY */
#define ASG_TODAY	ID("000000810111")
#define TAG_NY		"04A1B2C3D4E5F6"	/* active, New York hub */
#define TAG_NY_ID	ID("000000005011")
#define TAG_AKL		"04C1B2C3D4E5F6"	/* active, Auckland */
/* Rows the concurrency and start tests add (reset() removes them). */
#define F7_ORDER	ID("f70000000001")
#define F7_STARTED_A	ID("f70000001001")	/* Sam applied */
#define F7_STARTED_B	ID("f70000001002")	/* Sam assigned */
#define F7_SOON		ID("f70000001003")	/* Luis confirmed */
#define F7_POS_A	ID("f70000010001")	/* started shifts */
#define F7_POS_B	ID("f70000010002")
#define F7_POS_SOON	ID("f70000010003")
#define F7_POS_OPEN2	ID("f70000080912")	/* of SHIFT_OPEN */
#define F7_LIKE		"'00000000-0000-4000-8000-f7%'"
#define ROUNDS		2	/* races run per concurrency test */
#define ASG_STATE(id) \
	"SELECT concat_ws('|', status, declined_at IS NULL," \
	" cancelled_at IS NULL) FROM assignments WHERE id = '" id "'"

static char	*tok_sam, *tok_luis, *tok_owner;
/* SHIFT_TODAY's times in the demo. */
static char	*today_starts, *today_ends;

static void	restore_profile(void);


static const char *
str(struct json_object *o, const char *k)
{
	struct json_object	*v;

	ck_assert_msg(json_object_object_get_ex(o, k, &v), "no %s in %s", k,
	    json_object_to_json_string(o));
	if (json_object_is_type(v, json_type_null))
		return NULL;
	return json_object_get_string(v);
}

/* SHIFT_TODAY back to its demo times. */
static void
restore_today(void)
{
	char	q[512];

	if (today_starts == NULL)
		return;
	snprintf(q, sizeof(q), "UPDATE shifts SET starts_at = '%s',"
	    " ends_at = '%s' WHERE id = '" SHIFT_TODAY "'"
	    " AND (starts_at, ends_at) IS DISTINCT FROM ('%s', '%s');"
	    " SELECT 1", today_starts, today_ends, today_starts, today_ends);
	mem_free(api_sql(q));
}

/* Start SHIFT_TODAY in 10 minutes: its clock-in window is open. */
static void
open_today(void)
{
	mem_free(api_sql("UPDATE shifts SET starts_at = now() + interval"
	    " '10 minutes', ends_at = now() + interval '6 hours 10 minutes'"
	    " WHERE id = '" SHIFT_TODAY "'; SELECT 1"));
}

/* Put back every row the suite changes: the demo's assignments, swap
 * requests, time entries, availability, documents, certificates and
 * bank accounts of Sam and Luis (the profile: restore_profile()). */
static void
reset(void)
{
	mem_free(api_sql("DELETE FROM time_entries WHERE shift_id::text LIKE "
	    F7_LIKE ";"
	    " DELETE FROM swap_requests WHERE assignment_id IN (SELECT id"
	    " FROM assignments WHERE shift_id::text LIKE " F7_LIKE
	    " OR position_id::text LIKE " F7_LIKE ");"
	    " DELETE FROM assignments WHERE shift_id::text LIKE " F7_LIKE
	    " OR position_id::text LIKE " F7_LIKE ";"
	    " DELETE FROM shift_positions WHERE id::text LIKE " F7_LIKE ";"
	    " DELETE FROM shifts WHERE id::text LIKE " F7_LIKE ";"
	    " DELETE FROM orders WHERE id::text LIKE " F7_LIKE ";"
	    " DELETE FROM assignments WHERE staff_id = '" SAM "'"
	    " AND shift_id = '" SHIFT_OPEN "';"
	    " UPDATE assignments SET status = 'assigned', declined_at = NULL,"
	    " updated_at = now() WHERE id = '" ASG_ASSIGNED "'"
	    " AND status <> 'assigned';"
	    " UPDATE assignments SET status = 'applied', cancelled_at = NULL,"
	    " cancel_reason = NULL, updated_at = now()"
	    " WHERE id = '" ASG_APPLIED "' AND status <> 'applied';"
	    " DELETE FROM swap_requests WHERE assignment_id = '"
	    ASG_CONFIRMED "';"
	    " DELETE FROM time_entries WHERE assignment_id = '" ASG_TODAY "';"
	    " UPDATE assignments SET status = 'confirmed', checked_in_at ="
	    " NULL, checked_out_at = NULL, updated_at = now()"
	    " WHERE id = '" ASG_TODAY "' AND status <> 'confirmed';"
	    " DELETE FROM staff_availability_exceptions WHERE staff_id = '"
	    SAM "' AND id NOT IN ('" ID("000000003041") "', '"
	    ID("000000003042") "', '" ID("000000003043") "');"
	    " DELETE FROM staff_documents WHERE staff_id = '" SAM "'"
	    " AND id NOT IN ('" ID("000000003011") "', '" ID("000000003012")
	    "');"
	    " DELETE FROM staff_certificates WHERE staff_id = '" SAM "'"
	    " AND id NOT IN ('" ID("000000003021") "', '" ID("000000003022")
	    "', '" ID("000000003023") "');"
	    " DELETE FROM staff_bank_accounts WHERE staff_id = '" SAM "'"
	    " AND id NOT IN ('" ID("000000003031") "', '" ID("000000003032")
	    "');"
	    " UPDATE staff_bank_accounts SET is_default = false WHERE id = '"
	    ID("000000003032") "' AND is_default;"
	    " UPDATE staff_bank_accounts SET is_default = true,"
	    " deleted_at = NULL WHERE id = '" ID("000000003031") "'"
	    " AND (NOT is_default OR deleted_at IS NOT NULL);"
	    " DELETE FROM staff_availability WHERE staff_id = '" SAM "';"
	    " INSERT INTO staff_availability (tenant_id, staff_id,"
	    " day_of_week, start_time, end_time, time_zone)"
	    " SELECT '" ID("000000000001") "'::uuid, '" SAM "'::uuid, d,"
	    " time '16:00', time '23:59', 'America/New_York'"
	    " FROM generate_series(1, 5) d UNION ALL"
	    " SELECT '" ID("000000000001") "', '" SAM "', 6, '10:00', '22:00',"
	    " 'America/New_York';"
	    " SELECT 1"));
	restore_today();
	restore_profile();
}

/* Rows a staff command could write. */
static long long
footprint(void)
{
	return api_sql_num("SELECT (SELECT count(*) FROM assignments)"
	    " * 1000000 +"
	    " (SELECT count(*) FROM swap_requests) * 10000 +"
	    " (SELECT count(*) FROM audit_events WHERE action LIKE"
	    " 'assignment.%' OR action LIKE 'swap_request.%') +"
	    " (SELECT count(*) FROM assignments WHERE status IN ('applied',"
	    " 'assigned')) * 100000000");
}

/* Whether list (a /query/staff/shifts/... route) shows shift id to Sam. */
static int
listed(const char *list, const char *id)
{
	struct http_res	 res;
	char		 path[256];
	int		 found;

	snprintf(path, sizeof(path), "/query/staff/shifts/%s?limit=200", list);
	api_get_as(path, tok_sam, &res);
	found = api_find(api_json_ok(&res, 200), "shiftId", id) != NULL;
	http_res_free(&res);
	return found;
}

/* The audit rows of action on target id. */
static long long
audits(const char *action, const char *id)
{
	char	q[512];

	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = '%s' AND target_id = '%s'", action, id);
	return api_sql_num(q);
}

/* Send again with the same key and body: the same answer, replayed. */
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

/* Send and expect 409 CONFLICT whose details.state is state. */
static void
conflict(const char *method, const char *path, const char *token,
    const char *body, const char *state)
{
	struct http_res		 res;
	struct json_object	*d;

	api_cmd(method, path, token, api_key("conflict"), body, &res);
	api_envelope(&res, 409, "CONFLICT", "state");
	ck_assert(json_object_object_get_ex(http_json(&res), "details", &d));
	ck_assert_str_eq(str(d, "state"), state);
	http_res_free(&res);
}

#define APPLY(s)	"/commands/staff/shifts/" s "/apply"
#define WITHDRAW(s)	"/commands/staff/shifts/" s "/withdraw"
#define DECLINE(s)	"/commands/staff/shifts/" s "/decline"
#define SWAP(s)		"/commands/staff/shifts/" s "/request-swap"
#define UNSWAP(s)	"/commands/staff/shifts/" s "/cancel-swap"
#define POS(p)		"{\"positionId\":\"" p "\"}"

/* ----------------------------------------------------------- apply */

START_TEST(test_apply)
{
	struct http_res		 res;
	struct json_object	*o;
	const char		*k;
	char			*aid;

	ck_assert(listed("open", SHIFT_OPEN));
	ck_assert(!listed("pending", SHIFT_OPEN));
	k = api_key("apply");
	api_cmd("POST", APPLY(SHIFT_OPEN), tok_sam, k, POS(POS_OPEN), &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "status"), "applied");
	ck_assert_str_eq(str(o, "shiftId"), SHIFT_OPEN);
	ck_assert_str_eq(str(o, "positionId"), POS_OPEN);
	ck_assert_ptr_nonnull(str(o, "appliedAt"));
	ck_assert_ptr_null(str(o, "assignedAt"));
	aid = mem_strdup(str(o, "assignmentId"));
	ck_assert(uuid_valid(aid));
	/* The same key and payload, other spacing: the same answer. */
	replayed("POST", APPLY(SHIFT_OPEN), tok_sam, k,
	    "{ \"positionId\" : \"" POS_OPEN "\" }", &res);
	http_res_free(&res);
	ck_assert(listed("pending", SHIFT_OPEN));
	ck_assert(!listed("open", SHIFT_OPEN));
	ck_assert_int_eq(audits("assignment.apply", aid), 1);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM assignments WHERE"
	    " staff_id = '" SAM "' AND shift_id = '" SHIFT_OPEN "'"), 1);
	/* Applying again: the assignment is applied. */
	conflict("POST", APPLY(SHIFT_OPEN), tok_sam, POS(POS_OPEN), "applied");
	mem_free(aid);
}
END_TEST

START_TEST(test_apply_refused)
{
	long long	before;

	before = footprint();
	api_expect("POST", APPLY(SHIFT_OPEN), tok_sam, api_key("a1"), "{}", 400,
	    "VALIDATION_ERROR", "positionId");
	api_expect("POST", APPLY(SHIFT_OPEN), tok_sam, api_key("a2"),
	    "{\"positionId\":\"nope\"}", 400, "VALIDATION_ERROR",
	    "positionId");
	api_expect("POST", APPLY(SHIFT_OPEN), tok_sam, api_key("a3"),
	    "{\"positionId\":\"" POS_OPEN "\",\"note\":\"x\"}", 400,
	    "VALIDATION_ERROR", "note");
	api_expect("POST", APPLY("not-a-uuid"), tok_sam, api_key("a4"),
	    POS(POS_OPEN), 400, "VALIDATION_ERROR", "shiftId");
	api_expect("POST", APPLY(SHIFT_OPEN), tok_sam, api_key("a5"), "[1", 400,
	    "BAD_REQUEST", NULL);
	api_expect("POST", APPLY(SHIFT_OPEN), tok_sam, NULL, POS(POS_OPEN), 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	/* A client user is not a worker. */
	api_expect("POST", APPLY(SHIFT_OPEN), tok_owner, api_key("a6"),
	    POS(POS_OPEN), 403, "FORBIDDEN", NULL);
	/* A position of another shift, an unknown shift, another vendor's
	 * position (Harbour launch, Metro Event Staff). */
	api_expect("POST", APPLY(SHIFT_OPEN), tok_sam, api_key("a7"),
	    POS(POS_8061), 404, "NOT_FOUND", NULL);
	api_expect("POST", APPLY(MISSING), tok_sam, api_key("a8"),
	    POS(POS_OPEN), 404, "NOT_FOUND", NULL);
	api_expect("POST", APPLY(ID("000000008041")), tok_sam, api_key("a9"),
	    POS(ID("000000080411")), 404, "NOT_FOUND", NULL);
	/* Full (Dinner service: 2 of 2), already assigned, a draft order. */
	conflict("POST", APPLY(SHIFT_FULL), tok_sam, POS(POS_FULL), "full");
	conflict("POST", APPLY(SHIFT_ASSIGNED), tok_sam, POS(POS_8061),
	    "assigned");
	conflict("POST", APPLY(ID("000000008071")), tok_sam,
	    POS(ID("000000080711")), "not_eligible");
	ck_assert_int_eq(footprint(), before);
	ck_assert(!listed("pending", SHIFT_OPEN));
}
END_TEST

/* -------------------------------------------------------- withdraw */

START_TEST(test_withdraw)
{
	struct http_res		 res;
	struct json_object	*o;
	const char		*k;
	char			*s;
	long long		 before;

	ck_assert(listed("pending", SHIFT_APPLIED));
	before = audits("assignment.withdraw", ASG_APPLIED);
	k = api_key("withdraw");
	api_cmd("POST", WITHDRAW(SHIFT_APPLIED), tok_sam, k, NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "assignmentId"), ASG_APPLIED);
	ck_assert_str_eq(str(o, "status"), "cancelled");
	ck_assert_ptr_nonnull(str(o, "cancelledAt"));
	replayed("POST", WITHDRAW(SHIFT_APPLIED), tok_sam, k, NULL, &res);
	http_res_free(&res);
	ck_assert(!listed("pending", SHIFT_APPLIED));
	ck_assert(listed("cancelled", SHIFT_APPLIED));
	s = api_sql(ASG_STATE(ASG_APPLIED));
	ck_assert_str_eq(s, "cancelled|t|f");
	mem_free(s);
	ck_assert_int_eq(audits("assignment.withdraw", ASG_APPLIED),
	    before + 1);
	conflict("POST", WITHDRAW(SHIFT_APPLIED), tok_sam, NULL, "cancelled");
}
END_TEST

START_TEST(test_withdraw_refused)
{
	long long	before;

	before = footprint();
	conflict("POST", WITHDRAW(SHIFT_ASSIGNED), tok_sam, NULL, "assigned");
	conflict("POST", WITHDRAW(SHIFT_CONFIRMED), tok_sam, NULL,
	    "confirmed");
	/* Other workers' assignments only (Luis has none on Sam's shift). */
	api_expect("POST", WITHDRAW(SHIFT_FULL), tok_sam, api_key("w1"), NULL,
	    404, "NOT_FOUND", NULL);
	api_expect("POST", WITHDRAW(SHIFT_APPLIED), tok_luis, api_key("w2"),
	    NULL, 404, "NOT_FOUND", NULL);
	api_expect("POST", WITHDRAW(MISSING), tok_sam, api_key("w3"), NULL, 404,
	    "NOT_FOUND", NULL);
	api_expect("POST", WITHDRAW("8062"), tok_sam, api_key("w4"), NULL, 400,
	    "VALIDATION_ERROR", "shiftId");
	api_expect("POST", WITHDRAW(SHIFT_APPLIED), tok_owner, api_key("w5"),
	    NULL, 403, "FORBIDDEN", NULL);
	ck_assert_int_eq(footprint(), before);
	ck_assert(listed("pending", SHIFT_APPLIED));
}
END_TEST

/* --------------------------------------------------------- decline */

START_TEST(test_decline)
{
	struct http_res		 res;
	struct json_object	*o;
	const char		*k;
	char			*s;
	long long		 before;

	ck_assert(listed("assigned", SHIFT_ASSIGNED));
	before = audits("assignment.decline", ASG_ASSIGNED);
	k = api_key("decline");
	api_cmd("POST", DECLINE(SHIFT_ASSIGNED), tok_sam, k, NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "assignmentId"), ASG_ASSIGNED);
	ck_assert_str_eq(str(o, "status"), "declined");
	ck_assert_ptr_nonnull(str(o, "declinedAt"));
	replayed("POST", DECLINE(SHIFT_ASSIGNED), tok_sam, k, NULL, &res);
	http_res_free(&res);
	ck_assert(!listed("assigned", SHIFT_ASSIGNED));
	ck_assert(listed("cancelled", SHIFT_ASSIGNED));
	s = api_sql(ASG_STATE(ASG_ASSIGNED));
	ck_assert_str_eq(s, "declined|f|t");
	mem_free(s);
	ck_assert_int_eq(audits("assignment.decline", ASG_ASSIGNED),
	    before + 1);
	conflict("POST", DECLINE(SHIFT_ASSIGNED), tok_sam, NULL, "declined");
}
END_TEST

START_TEST(test_decline_refused)
{
	long long	before;

	before = footprint();
	conflict("POST", DECLINE(SHIFT_APPLIED), tok_sam, NULL, "applied");
	conflict("POST", DECLINE(SHIFT_CONFIRMED), tok_sam, NULL,
	    "confirmed");
	api_expect("POST", DECLINE(SHIFT_FULL), tok_sam, api_key("d1"), NULL,
	    404, "NOT_FOUND", NULL);
	api_expect("POST", DECLINE(SHIFT_ASSIGNED), tok_luis, api_key("d2"),
	    NULL, 409, "CONFLICT", "state");
	api_expect("POST", DECLINE(SHIFT_CONFIRMED), tok_luis, api_key("d3"),
	    NULL, 404, "NOT_FOUND", NULL);
	api_expect("POST", DECLINE("x"), tok_sam, api_key("d4"), NULL, 400,
	    "VALIDATION_ERROR", "shiftId");
	api_expect("POST", DECLINE(SHIFT_ASSIGNED), tok_owner, api_key("d5"),
	    NULL, 403, "FORBIDDEN", NULL);
	ck_assert_int_eq(footprint(), before);
	ck_assert(listed("assigned", SHIFT_ASSIGNED));
}
END_TEST

/* ----------------------------------------------------- concurrency */

/*
 * Send the two commands POST path[i] with body[i] (NULL: none) as token
 * at the same moment: two children wait on a pipe that the parent then
 * closes.  So that both are surely in flight together, a third child
 * first holds the row lock that the SQL lock takes (in a transaction
 * that sleeps 2 seconds): both commands start, then wait for it.  Each
 * child exits 1 for 201, 2 for 409 CONFLICT whose details.state is
 * state, 3 for anything else (printed).  The number of each in n[1..3].
 */
static void
race(const char *const path[2], const char *const body[2],
    const char *token, const char *lock, const char *state, int n[4])
{
	struct json_object	*o, *d, *v;
	struct http_res		 res;
	struct timespec		 ts = { 0, 50000000 };
	const char		*h[4];
	char			 auth[20000], k[128], c, hold[1024];
	pid_t			 pid[2], holder;
	int			 go[2], i, st;

	memset(n, 0, 4 * sizeof(n[0]));
	snprintf(hold, sizeof(hold), "BEGIN; %s; /* race-hold */"
	    " SELECT pg_sleep(2); COMMIT; SELECT 1", lock);
	fflush(NULL);
	ck_assert_int_ne(holder = fork(), -1);
	if (holder == 0) {
		mem_free(api_sql(hold));
		_exit(0);
	}
	for (i = 0; i < 100 && api_sql_num("SELECT count(*) FROM"
	    " pg_stat_activity WHERE query LIKE '%race-hold%'"
	    " AND query NOT LIKE '%pg_stat_activity%'") == 0; i++)
		nanosleep(&ts, NULL);
	ck_assert_int_lt(i, 100);
	ck_assert_int_eq(pipe(go), 0);
	fflush(NULL);
	for (i = 0; i < 2; i++) {
		ck_assert_int_ne(pid[i] = fork(), -1);
		if (pid[i] != 0)
			continue;
		close(go[1]);
		if (read(go[0], &c, 1) == -1 ||
		    http_bearer(auth, sizeof(auth), token) == NULL)
			_exit(3);
		snprintf(k, sizeof(k), "Idempotency-Key: race-%ld-%ld-%d",
		    (long)getpid(), (long)time(NULL), i);
		h[0] = auth;
		h[1] = k;
		h[2] = body[i] != NULL ? "Content-Type: application/json" :
		    NULL;
		h[3] = NULL;
		if (http_do("POST", path[i], h, body[i], &res) == -1)
			_exit(3);
		if (res.status == 201)
			_exit(1);
		if (res.status == 409 && (o = http_json(&res)) != NULL &&
		    json_object_object_get_ex(o, "details", &d) &&
		    json_object_object_get_ex(d, "state", &v) &&
		    strcmp(json_object_get_string(v), state) == 0)
			_exit(2);
		fprintf(stderr, "race %d: %ld %s\n", i, res.status, res.body);
		_exit(3);
	}
	close(go[0]);
	close(go[1]);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st));
		ck_assert(WEXITSTATUS(st) >= 1 && WEXITSTATUS(st) <= 3);
		n[WEXITSTATUS(st)]++;
	}
	ck_assert_int_eq(waitpid(holder, &st, 0), holder);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/*
 * One worker applies to two positions of one shift at the same moment:
 * one application, and a 409 naming it (the unique index on live
 * assignments must never surface as a 500).
 */
START_TEST(test_apply_race)
{
	static const char *const path[2] = {
		APPLY(SHIFT_OPEN), APPLY(SHIFT_OPEN)
	};
	static const char *const body[2] = {
		POS(POS_OPEN), POS(F7_POS_OPEN2)
	};
	int	n[4], round;

	mem_free(api_sql("INSERT INTO shift_positions (id, tenant_id,"
	    " business_id, shift_id, vendor_id, vendor_role_id, headcount,"
	    " bill_rate_cents, pay_rate_cents) VALUES ('" F7_POS_OPEN2 "',"
	    " '" ID("000000000001") "', '" ID("000000000101") "', '"
	    SHIFT_OPEN "', '" ID("000000000201") "', '" ID("000000000702")
	    "', 2, 3000, 1900); SELECT 1"));
	for (round = 0; round < ROUNDS; round++) {
		race(path, body, tok_sam, "SELECT 1 FROM staff WHERE id = '"
		    SAM "' FOR UPDATE", "applied", n);
		ck_assert_int_eq(n[3], 0);
		ck_assert_int_eq(n[1], 1);
		ck_assert_int_eq(n[2], 1);
		ck_assert_int_eq(api_sql_num("SELECT count(*) FROM assignments"
		    " WHERE staff_id = '" SAM "' AND shift_id = '" SHIFT_OPEN
		    "'"), 1);
		mem_free(api_sql("DELETE FROM assignments WHERE staff_id = '"
		    SAM "' AND shift_id = '" SHIFT_OPEN "'; SELECT 1"));
	}
}
END_TEST

/*
 * One worker clocks in twice at the same moment, with two shifts open
 * for clock-in: one time entry, and a 409 "clocked_in".
 */
START_TEST(test_clock_in_race)
{
	static const char *const path[2] = {
		"/commands/staff/clock-in", "/commands/staff/clock-in"
	};
	static const char *const body[2] = {
		"{\"nfcTagId\":\"" TAG_NY "\"}", "{\"nfcTagId\":\"" TAG_NY "\"}"
	};
	int	n[4], round;

	open_today();
	mem_free(api_sql("INSERT INTO orders (id, tenant_id, business_id,"
	    " hub_id, order_number, title) VALUES ('" F7_ORDER "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '"
	    ID("000000000501") "', 'F7-RACE', 'Race test');"
	    " INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,"
	    " starts_at, ends_at) VALUES ('" F7_SOON "', '" ID("000000000001")
	    "', '" ID("000000000101") "', '" F7_ORDER "', '"
	    ID("000000000501") "', now() + interval '5 minutes',"
	    " now() + interval '2 hours');"
	    " INSERT INTO shift_positions (id, tenant_id, business_id,"
	    " shift_id, vendor_id, vendor_role_id, headcount,"
	    " bill_rate_cents, pay_rate_cents) VALUES ('" F7_POS_SOON "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '" F7_SOON "', '"
	    ID("000000000201") "', '" ID("000000000702") "', 1, 3000, 1900);"
	    " INSERT INTO assignments (tenant_id, business_id, shift_id,"
	    " position_id, vendor_id, staff_id, status, applied_at,"
	    " assigned_at, confirmed_at) VALUES ('" ID("000000000001") "', '"
	    ID("000000000101") "', '" F7_SOON "', '" F7_POS_SOON "', '"
	    ID("000000000201") "', '" ID("000000000303") "', 'confirmed',"
	    " now(), now(), now()); SELECT 1"));
	for (round = 0; round < ROUNDS; round++) {
		race(path, body, tok_luis, "SELECT 1 FROM assignments"
		    " WHERE shift_id = '" F7_SOON "' FOR UPDATE", "clocked_in",
		    n);
		ck_assert_int_eq(n[3], 0);
		ck_assert_int_eq(n[1], 1);
		ck_assert_int_eq(n[2], 1);
		ck_assert_int_eq(api_sql_num("SELECT count(*) FROM time_entries"
		    " WHERE staff_id = '" ID("000000000303") "'"
		    " AND status = 'open'"), 1);
		mem_free(api_sql("DELETE FROM time_entries WHERE staff_id = '"
		    ID("000000000303") "' AND (shift_id = '" F7_SOON "'"
		    " OR assignment_id = '" ASG_TODAY "');"
		    " UPDATE assignments SET status = 'confirmed',"
		    " checked_in_at = NULL WHERE staff_id = '"
		    ID("000000000303") "' AND shift_id IN ('" F7_SOON "', '"
		    SHIFT_TODAY "'); SELECT 1"));
	}
}
END_TEST

/*
 * Withdraw and decline refuse a shift that has started (409 "started"),
 * and change nothing.
 */
START_TEST(test_started_refused)
{
	long long	 before;
	char		*s;

	mem_free(api_sql("INSERT INTO orders (id, tenant_id, business_id,"
	    " hub_id, order_number, title) VALUES ('" F7_ORDER "', '"
	    ID("000000000001") "', '" ID("000000000101") "', '"
	    ID("000000000501") "', 'F7-START', 'Started test');"
	    " INSERT INTO shifts (id, tenant_id, business_id, order_id, hub_id,"
	    " starts_at, ends_at) SELECT x.id, '" ID("000000000001") "', '"
	    ID("000000000101") "', '" F7_ORDER "', '" ID("000000000501") "',"
	    " now() - interval '1 hour', now() + interval '3 hours'"
	    " FROM (VALUES ('" F7_STARTED_A "'::uuid),"
	    " ('" F7_STARTED_B "'::uuid)) x(id);"
	    " INSERT INTO shift_positions (id, tenant_id, business_id,"
	    " shift_id, vendor_id, vendor_role_id, headcount,"
	    " bill_rate_cents, pay_rate_cents) VALUES"
	    " ('" F7_POS_A "', '" ID("000000000001") "', '" ID("000000000101")
	    "', '" F7_STARTED_A "', '" ID("000000000201") "', '"
	    ID("000000000701") "', 2, 3500, 2200),"
	    " ('" F7_POS_B "', '" ID("000000000001") "', '" ID("000000000101")
	    "', '" F7_STARTED_B "', '" ID("000000000201") "', '"
	    ID("000000000701") "', 2, 3500, 2200);"
	    " INSERT INTO assignments (tenant_id, business_id, shift_id,"
	    " position_id, vendor_id, staff_id, status, applied_at,"
	    " assigned_at) VALUES ('" ID("000000000001") "', '"
	    ID("000000000101") "', '" F7_STARTED_A "', '" F7_POS_A "', '"
	    ID("000000000201") "', '" SAM "', 'applied', now(), NULL),"
	    " ('" ID("000000000001") "', '" ID("000000000101") "', '"
	    F7_STARTED_B "', '" F7_POS_B "', '" ID("000000000201") "', '" SAM
	    "', 'assigned', now(), now()); SELECT 1"));
	before = footprint();
	conflict("POST", WITHDRAW(F7_STARTED_A), tok_sam, NULL, "started");
	conflict("POST", DECLINE(F7_STARTED_B), tok_sam, NULL, "started");
	ck_assert_int_eq(footprint(), before);
	s = api_sql("SELECT string_agg(status, ',' ORDER BY shift_id) FROM"
	    " assignments WHERE staff_id = '" SAM "' AND shift_id::text LIKE "
	    F7_LIKE);
	ck_assert_str_eq(s, "applied,assigned");
	mem_free(s);
}
END_TEST

/* ------------------------------------------------------------ swap */

#define PENDING_SWAPS \
	"SELECT count(*) FROM swap_requests WHERE assignment_id = '" \
	ASG_CONFIRMED "' AND status = 'pending'"

START_TEST(test_swap)
{
	struct http_res		 res, res2;
	struct json_object	*o;
	const char		*k, *k2;
	char			*sid;

	k = api_key("swap");
	api_cmd("POST", SWAP(SHIFT_CONFIRMED), tok_sam, k,
	    "{\"reason\":\"Exam the next morning\"}", &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "status"), "pending");
	ck_assert_str_eq(str(o, "assignmentId"), ASG_CONFIRMED);
	ck_assert_str_eq(str(o, "shiftId"), SHIFT_CONFIRMED);
	ck_assert_str_eq(str(o, "reason"), "Exam the next morning");
	sid = mem_strdup(str(o, "swapRequestId"));
	replayed("POST", SWAP(SHIFT_CONFIRMED), tok_sam, k,
	    "{\"reason\":\"Exam the next morning\"}", &res);
	http_res_free(&res);
	ck_assert_int_eq(api_sql_num(PENDING_SWAPS), 1);
	ck_assert_int_eq(audits("swap_request.create", sid), 1);
	/* The shift stays the worker's until the swap is approved. */
	ck_assert(listed("assigned", SHIFT_CONFIRMED));
	conflict("POST", SWAP(SHIFT_CONFIRMED), tok_sam,
	    "{\"reason\":\"Again\"}", "pending");
	ck_assert_int_eq(api_sql_num(PENDING_SWAPS), 1);

	k2 = api_key("unswap");
	api_cmd("POST", UNSWAP(SHIFT_CONFIRMED), tok_sam, k2, NULL, &res2);
	o = api_json_ok(&res2, 200);
	ck_assert_str_eq(str(o, "swapRequestId"), sid);
	ck_assert_str_eq(str(o, "status"), "cancelled");
	ck_assert_ptr_nonnull(str(o, "resolvedAt"));
	replayed("POST", UNSWAP(SHIFT_CONFIRMED), tok_sam, k2, NULL, &res2);
	http_res_free(&res2);
	ck_assert_int_eq(api_sql_num(PENDING_SWAPS), 0);
	ck_assert_int_eq(audits("swap_request.cancel", sid), 1);
	conflict("POST", UNSWAP(SHIFT_CONFIRMED), tok_sam, NULL, "cancelled");
	ck_assert(listed("assigned", SHIFT_CONFIRMED));
	mem_free(sid);
}
END_TEST

START_TEST(test_swap_refused)
{
	long long	before;

	before = footprint();
	api_expect("POST", SWAP(SHIFT_CONFIRMED), tok_sam, api_key("s1"), "{}",
	    400, "VALIDATION_ERROR", "reason");
	api_expect("POST", SWAP(SHIFT_CONFIRMED), tok_sam, api_key("s2"),
	    "{\"reason\":\"\"}", 400, "VALIDATION_ERROR", "reason");
	api_expect("POST", SWAP(SHIFT_CONFIRMED), tok_sam, api_key("s3"),
	    "{\"reason\":7}", 400, "VALIDATION_ERROR", "reason");
	api_expect("POST", SWAP("nope"), tok_sam, api_key("s4"),
	    "{\"reason\":\"x\"}", 400, "VALIDATION_ERROR", "shiftId");
	api_expect("POST", SWAP(SHIFT_CONFIRMED), tok_owner, api_key("s5"),
	    "{\"reason\":\"x\"}", 403, "FORBIDDEN", NULL);
	api_expect("POST", UNSWAP(SHIFT_CONFIRMED), tok_owner, api_key("s6"),
	    NULL, 403, "FORBIDDEN", NULL);
	conflict("POST", SWAP(SHIFT_APPLIED), tok_sam, "{\"reason\":\"x\"}",
	    "applied");
	/* Another worker's shift; no swap request to cancel. */
	api_expect("POST", SWAP(SHIFT_CONFIRMED), tok_luis, api_key("s7"),
	    "{\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	api_expect("POST", SWAP(SHIFT_FULL), tok_sam, api_key("s8"),
	    "{\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	api_expect("POST", UNSWAP(SHIFT_CONFIRMED), tok_luis, api_key("s9"),
	    NULL, 404, "NOT_FOUND", NULL);
	api_expect("POST", UNSWAP(SHIFT_CONFIRMED), tok_sam, api_key("s10"),
	    NULL, 404, "NOT_FOUND", NULL);
	api_expect("POST", UNSWAP(SHIFT_FULL), tok_sam, api_key("s11"), NULL,
	    404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);
}
END_TEST

/* -------------------------------------------------------- clock-in */

#define CLOCK_IN	"/commands/staff/clock-in"
#define CLOCK_OUT	"/commands/staff/clock-out"
#define ENTRIES		"SELECT count(*) FROM time_entries"

/* Whether /query/staff/clock-in/status says token is clocked in; the
 * open entry's id into id (mem_free() it) when it is. */
static int
clocked_in(const char *token, char **id)
{
	struct http_res		 res;
	struct json_object	*o, *te;
	int			 in;

	api_get_as("/query/staff/clock-in/status", token, &res);
	o = api_json_ok(&res, 200);
	ck_assert(json_object_object_get_ex(o, "clockedIn", &te));
	in = json_object_get_boolean(te);
	if (in && id != NULL) {
		ck_assert(json_object_object_get_ex(o, "timeEntry", &te));
		*id = mem_strdup(str(te, "timeEntryId"));
	}
	http_res_free(&res);
	return in;
}

START_TEST(test_clock_in_refused)
{
	struct http_res		 res;
	struct json_object	*d;
	long long		 before;

	open_today();
	before = footprint() + api_sql_num(ENTRIES);
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c1"), "{}", 400,
	    "VALIDATION_ERROR", "nfcTagId");
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c2"),
	    "{\"nfcTagId\":\"zz\"}", 400, "VALIDATION_ERROR", "nfcTagId");
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c3"),
	    "{\"nfcTagId\":\"" TAG_NY "\",\"latitude\":40.7516,"
	    "\"longitude\":-73.9776}", 400, "VALIDATION_ERROR", "nfcTagId");
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c4"),
	    "{\"latitude\":40.7516}", 400, "VALIDATION_ERROR", "longitude");
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c5"),
	    "{\"latitude\":91,\"longitude\":0}", 400, "VALIDATION_ERROR",
	    "latitude");
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c6"),
	    "{\"latitude\":\"40\",\"longitude\":0}", 400, "VALIDATION_ERROR",
	    "latitude");
	api_expect("POST", CLOCK_IN, tok_luis, api_key("c7"),
	    "{\"nfcTagId\":\"" TAG_NY "\",\"at\":1}", 400,
	    "VALIDATION_ERROR", "at");
	api_expect("POST", CLOCK_IN, tok_owner, api_key("c8"),
	    "{\"nfcTagId\":\"" TAG_NY "\"}", 403, "FORBIDDEN", NULL);
	/* Another hub's tag; 1.1 km north of the hub. */
	conflict("POST", CLOCK_IN, tok_luis, "{\"nfcTagId\":\"" TAG_AKL "\"}",
	    "nfc_tag_mismatch");
	api_cmd("POST", CLOCK_IN, tok_luis, api_key("c9"),
	    "{\"latitude\":40.7616,\"longitude\":-73.9776}", &res);
	api_envelope(&res, 409, "CONFLICT", "distanceMeters");
	ck_assert(json_object_object_get_ex(http_json(&res), "details", &d));
	ck_assert_str_eq(str(d, "state"), "outside_geofence");
	ck_assert_int_eq(atoi(str(d, "distanceMeters")), 1112);
	http_res_free(&res);
	/* Sam has no shift now (a second clock-in: test_clock_nfc). */
	conflict("POST", CLOCK_IN, tok_sam, "{\"nfcTagId\":\"" TAG_NY "\"}",
	    "no_shift_open");
	/* The window opens staff_clock_in_window_minutes (30) before. */
	restore_today();
	mem_free(api_sql("UPDATE shifts SET starts_at = now() + interval"
	    " '40 minutes', ends_at = now() + interval '6 hours'"
	    " WHERE id = '" SHIFT_TODAY "'; SELECT 1"));
	conflict("POST", CLOCK_IN, tok_luis, "{\"nfcTagId\":\"" TAG_NY "\"}",
	    "no_shift_open");
	ck_assert_int_eq(footprint() + api_sql_num(ENTRIES), before);
	ck_assert(!clocked_in(tok_luis, NULL));
}
END_TEST

START_TEST(test_clock_nfc)
{
	struct http_res		 res;
	struct json_object	*o;
	const char		*k;
	char			*te, *id, *s, q[512];

	open_today();
	ck_assert(!clocked_in(tok_luis, NULL));
	k = api_key("clockin");
	/* The UID as the phone reads it, in lower case. */
	api_cmd("POST", CLOCK_IN, tok_luis, k,
	    "{\"nfcTagId\":\"04a1b2c3d4e5f6\"}", &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "status"), "open");
	ck_assert_str_eq(str(o, "clockInMethod"), "nfc");
	ck_assert_str_eq(str(o, "nfcTagId"), TAG_NY_ID);
	ck_assert_str_eq(str(o, "assignmentId"), ASG_TODAY);
	ck_assert_str_eq(str(o, "shiftId"), SHIFT_TODAY);
	ck_assert_ptr_null(str(o, "clockOutAt"));
	te = mem_strdup(str(o, "timeEntryId"));
	replayed("POST", CLOCK_IN, tok_luis, k,
	    "{\"nfcTagId\":\"04a1b2c3d4e5f6\"}", &res);
	http_res_free(&res);
	ck_assert(clocked_in(tok_luis, &id));
	ck_assert_str_eq(id, te);
	mem_free(id);
	s = api_sql(ASG_STATE(ASG_TODAY));
	ck_assert_str_eq(s, "checked_in|t|t");
	mem_free(s);
	ck_assert_int_eq(audits("time_entry.clock_in", te), 1);
	conflict("POST", CLOCK_IN, tok_luis, "{\"nfcTagId\":\"" TAG_NY "\"}",
	    "clocked_in");

	/* Clock-out: a break longer than the time clocked is refused. */
	api_expect("POST", CLOCK_OUT, tok_luis, api_key("o1"),
	    "{\"breakMinutes\":30}", 400, "VALIDATION_ERROR", "breakMinutes");
	api_expect("POST", CLOCK_OUT, tok_luis, api_key("o2"),
	    "{\"breakMinutes\":241}", 400, "VALIDATION_ERROR", "breakMinutes");
	api_expect("POST", CLOCK_OUT, tok_owner, api_key("o3"), "{}", 403,
	    "FORBIDDEN", NULL);
	conflict("POST", CLOCK_OUT, tok_sam, "{}", "not_clocked_in");
	ck_assert(clocked_in(tok_luis, NULL));
	/* An hour clocked, a quarter of it on a break. */
	snprintf(q, sizeof(q), "UPDATE time_entries SET clock_in_at = now()"
	    " - interval '60 minutes' WHERE id = '%s'; SELECT 1", te);
	mem_free(api_sql(q));
	k = api_key("clockout");
	api_cmd("POST", CLOCK_OUT, tok_luis, k, "{\"breakMinutes\":15}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "timeEntryId"), te);
	ck_assert_str_eq(str(o, "status"), "closed");
	ck_assert_str_eq(str(o, "clockOutMethod"), "nfc");
	ck_assert_ptr_nonnull(str(o, "clockOutAt"));
	ck_assert_str_eq(str(o, "breakMinutes"), "15");
	ck_assert_str_eq(str(o, "workedMinutes"), "45");
	replayed("POST", CLOCK_OUT, tok_luis, k, "{\"breakMinutes\":15}",
	    &res);
	http_res_free(&res);
	ck_assert(!clocked_in(tok_luis, NULL));
	s = api_sql(ASG_STATE(ASG_TODAY));
	ck_assert_str_eq(s, "checked_out|t|t");
	mem_free(s);
	ck_assert_int_eq(audits("time_entry.clock_out", te), 1);
	conflict("POST", CLOCK_OUT, tok_luis, "{}", "not_clocked_in");
	/* Checked out: no second clock-in on the same shift. */
	conflict("POST", CLOCK_IN, tok_luis, "{\"nfcTagId\":\"" TAG_NY "\"}",
	    "no_shift_open");
	mem_free(te);
}
END_TEST

START_TEST(test_clock_geofence)
{
	struct http_res		 res;
	struct json_object	*o;

	open_today();
	/* About 11 m from the hub (radius 150 m). */
	api_cmd("POST", CLOCK_IN, tok_luis, api_key("geo"),
	    "{\"latitude\":40.7517,\"longitude\":-73.9775}", &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "clockInMethod"), "geofence");
	ck_assert_ptr_null(str(o, "nfcTagId"));
	http_res_free(&res);
	ck_assert(clocked_in(tok_luis, NULL));
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM time_entries"
	    " WHERE assignment_id = '" ASG_TODAY "' AND status = 'open'"
	    " AND clock_in_latitude = 40.7517"
	    " AND clock_in_longitude = -73.9775"), 1);
	api_cmd("POST", CLOCK_OUT, tok_luis, api_key("geo-out"), "{}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "closed");
	ck_assert_str_eq(str(o, "breakMinutes"), "0");
	http_res_free(&res);
	ck_assert(!clocked_in(tok_luis, NULL));
}
END_TEST

/* ---------------------------------------------------- availability */

#define AVAIL_PATH	"/commands/staff/availability"
#define EXC_PATH	"/commands/staff/availability/exceptions"
#define AVAIL_FOOT \
	"SELECT (SELECT count(*) FROM staff_availability) * 1000000 +" \
	" (SELECT count(*) FROM staff_availability_exceptions) * 1000 +" \
	" (SELECT count(*) FROM audit_events WHERE action LIKE" \
	" 'availability.%')"

/* GET /query/staff/availability (from..to when from is not NULL) as Sam;
 * the member k of the answer, as JSON text (mem_free() it). */
static char *
avail_get(const char *from, const char *to, const char *k)
{
	struct http_res		 res;
	struct json_object	*o, *v;
	char			 path[256];
	char			*s;

	if (from != NULL)
		snprintf(path, sizeof(path), "/query/staff/availability"
		    "?from=%s&to=%s", from, to);
	else
		snprintf(path, sizeof(path), "/query/staff/availability");
	api_get_as(path, tok_sam, &res);
	o = api_json_ok(&res, 200);
	ck_assert_msg(json_object_object_get_ex(o, k, &v), "no %s", k);
	s = mem_strdup(json_object_to_json_string_ext(v,
	    JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	http_res_free(&res);
	return s;
}

/* A day n days from today in New York (Sam's zone), YYYY-MM-DD. */
static char *
day_from_now(int n)
{
	char	q[256];

	snprintf(q, sizeof(q), "SELECT (now() AT TIME ZONE"
	    " 'America/New_York')::date + %d", n);
	return api_sql(q);
}

#define WEEKLY_NEW \
	"{\"timeZone\":\"Europe/Paris\",\"weekly\":[" \
	"{\"dayOfWeek\":1,\"startTime\":\"13:00\",\"endTime\":\"17:00\"}," \
	"{\"dayOfWeek\":1,\"startTime\":\"09:00\",\"endTime\":\"12:00\"}]}"
#define WEEKLY_NEW_OUT \
	"[{\"dayOfWeek\":1,\"startTime\":\"09:00\",\"endTime\":\"12:00\"," \
	"\"timeZone\":\"Europe/Paris\"},{\"dayOfWeek\":1,\"startTime\":" \
	"\"13:00\",\"endTime\":\"17:00\",\"timeZone\":\"Europe/Paris\"}]"

START_TEST(test_availability_set)
{
	struct http_res		 res;
	struct json_object	*o, *w;
	const char		*k;
	char			*s;
	long long		 before;

	s = avail_get(NULL, NULL, "timeZone");
	ck_assert_str_eq(s, "\"America/New_York\"");
	mem_free(s);
	before = audits("availability.replace", SAM);
	k = api_key("weekly");
	api_cmd("PUT", AVAIL_PATH, tok_sam, k, WEEKLY_NEW, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "timeZone"), "Europe/Paris");
	ck_assert(json_object_object_get_ex(o, "weekly", &w));
	ck_assert_str_eq(json_object_to_json_string_ext(w,
	    JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE), WEEKLY_NEW_OUT);
	replayed("PUT", AVAIL_PATH, tok_sam, k, WEEKLY_NEW, &res);
	http_res_free(&res);
	s = avail_get(NULL, NULL, "weekly");
	ck_assert_str_eq(s, WEEKLY_NEW_OUT);
	mem_free(s);
	s = avail_get(NULL, NULL, "timeZone");
	ck_assert_str_eq(s, "\"Europe/Paris\"");
	mem_free(s);
	ck_assert_int_eq(audits("availability.replace", SAM), before + 1);
	/* An empty pattern removes it. */
	api_cmd("PUT", AVAIL_PATH, tok_sam, api_key("weekly0"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[]}", &res);
	o = api_json_ok(&res, 200);
	ck_assert(json_object_object_get_ex(o, "weekly", &w));
	ck_assert_int_eq(json_object_array_length(w), 0);
	http_res_free(&res);
	s = avail_get(NULL, NULL, "weekly");
	ck_assert_str_eq(s, "[]");
	mem_free(s);
}
END_TEST

START_TEST(test_availability_refused)
{
	long long	 before;
	char		*w;

	before = api_sql_num(AVAIL_FOOT);
	w = avail_get(NULL, NULL, "weekly");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v1"), "{\"weekly\":[]}",
	    400, "VALIDATION_ERROR", "timeZone");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v2"),
	    "{\"timeZone\":\"Mars/Base\",\"weekly\":[]}", 400,
	    "VALIDATION_ERROR", "timeZone");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v3"),
	    "{\"timeZone\":\"UTC\"}", 400, "VALIDATION_ERROR", "weekly");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v4"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[{\"dayOfWeek\":7,"
	    "\"startTime\":\"09:00\",\"endTime\":\"10:00\"}]}", 400,
	    "VALIDATION_ERROR", "weekly[0].dayOfWeek");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v5"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[{\"dayOfWeek\":1,"
	    "\"startTime\":\"9:00\",\"endTime\":\"10:00\"}]}", 400,
	    "VALIDATION_ERROR", "weekly[0].startTime");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v6"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[{\"dayOfWeek\":1,"
	    "\"startTime\":\"09:00\",\"endTime\":\"24:00\"}]}", 400,
	    "VALIDATION_ERROR", "weekly[0].endTime");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v7"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[{\"dayOfWeek\":1,"
	    "\"startTime\":\"10:00\",\"endTime\":\"09:00\"}]}", 400,
	    "VALIDATION_ERROR", "weekly[0].endTime");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v8"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[{\"dayOfWeek\":1,"
	    "\"startTime\":\"09:00\",\"endTime\":\"12:00\"},{\"dayOfWeek\":1,"
	    "\"startTime\":\"11:00\",\"endTime\":\"13:00\"}]}", 400,
	    "VALIDATION_ERROR", "weekly[1]");
	api_expect("PUT", AVAIL_PATH, tok_sam, api_key("v9"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[{\"dayOfWeek\":1,"
	    "\"startTime\":\"09:00\",\"endTime\":\"12:00\",\"x\":1}]}", 400,
	    "VALIDATION_ERROR", "weekly[0].x");
	api_expect("PUT", AVAIL_PATH, tok_owner, api_key("v10"),
	    "{\"timeZone\":\"UTC\",\"weekly\":[]}", 403, "FORBIDDEN", NULL);
	ck_assert_int_eq(api_sql_num(AVAIL_FOOT), before);
	mem_free(avail_get(NULL, NULL, "weekly"));
	mem_free(w);
}
END_TEST

START_TEST(test_exceptions)
{
	struct http_res		 res, del;
	struct json_object	*o;
	const char		*k, *k2;
	char			*d20, *d21, *s, *id, body[512], path[256];

	d20 = day_from_now(20);
	d21 = day_from_now(21);
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":false,"
	    "\"reason\":\"Trip\"}", d20);
	k = api_key("exc");
	api_cmd("POST", EXC_PATH, tok_sam, k, body, &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "day"), d20);
	ck_assert_str_eq(str(o, "available"), "false");
	ck_assert_ptr_null(str(o, "startTime"));
	ck_assert_str_eq(str(o, "reason"), "Trip");
	id = mem_strdup(str(o, "exceptionId"));
	replayed("POST", EXC_PATH, tok_sam, k, body, &res);
	http_res_free(&res);
	s = avail_get(d20, d20, "days");
	ck_assert_msg(strstr(s, "\"source\":\"exception\",\"available\":"
	    "false") != NULL, "%s", s);
	mem_free(s);
	s = avail_get(d20, d20, "exceptions");
	ck_assert(strstr(s, id) != NULL);
	mem_free(s);
	ck_assert_int_eq(audits("availability.exception_add", id), 1);
	/* The day is taken: whole day unavailable. */
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":true,"
	    "\"startTime\":\"10:00\",\"endTime\":\"12:00\"}", d20);
	conflict("POST", EXC_PATH, tok_sam, body, "exists");
	/* Another worker cannot delete it. */
	snprintf(path, sizeof(path), EXC_PATH "/%s", id);
	api_expect("DELETE", path, tok_luis, api_key("x1"), NULL, 404,
	    "NOT_FOUND", NULL);
	k2 = api_key("excdel");
	api_cmd("DELETE", path, tok_sam, k2, NULL, &del);
	o = api_json_ok(&del, 200);
	ck_assert_str_eq(str(o, "exceptionId"), id);
	replayed("DELETE", path, tok_sam, k2, NULL, &del);
	http_res_free(&del);
	s = avail_get(d20, d20, "exceptions");
	ck_assert_str_eq(s, "[]");
	mem_free(s);
	ck_assert_int_eq(audits("availability.exception_delete", id), 1);
	api_expect("DELETE", path, tok_sam, api_key("x2"), NULL, 404,
	    "NOT_FOUND", NULL);
	/* Two windows of one day; a third that overlaps is refused. */
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":true,"
	    "\"startTime\":\"10:00\",\"endTime\":\"12:00\"}", d21);
	api_cmd("POST", EXC_PATH, tok_sam, api_key("w1"), body, &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":true,"
	    "\"startTime\":\"14:00\",\"endTime\":\"15:30\",\"reason\":null}",
	    d21);
	api_cmd("POST", EXC_PATH, tok_sam, api_key("w2"), body, &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "startTime"), "14:00");
	ck_assert_str_eq(str(o, "endTime"), "15:30");
	http_res_free(&res);
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":true,"
	    "\"startTime\":\"11:00\",\"endTime\":\"14:30\"}", d21);
	conflict("POST", EXC_PATH, tok_sam, body, "exists");
	s = avail_get(d21, d21, "days");
	ck_assert_msg(strstr(s, "\"windows\":[{\"endTime\":\"12:00\","
	    "\"startTime\":\"10:00\"},{\"endTime\":\"15:30\",\"startTime\":"
	    "\"14:00\"}]") != NULL, "%s", s);
	mem_free(s);
	mem_free(id);
	mem_free(d20);
	mem_free(d21);
}
END_TEST

START_TEST(test_exceptions_refused)
{
	long long	 before;
	char		*d20, body[512];

	before = api_sql_num(AVAIL_FOOT);
	d20 = day_from_now(20);
	api_expect("POST", EXC_PATH, tok_sam, api_key("e1"),
	    "{\"day\":\"2020-01-06\",\"available\":false}", 400,
	    "VALIDATION_ERROR", "day");
	api_expect("POST", EXC_PATH, tok_sam, api_key("e2"),
	    "{\"day\":\"2031-02-30\",\"available\":false}", 400,
	    "VALIDATION_ERROR", "day");
	snprintf(body, sizeof(body), "{\"day\":\"%s\"}", d20);
	api_expect("POST", EXC_PATH, tok_sam, api_key("e3"), body, 400,
	    "VALIDATION_ERROR", "available");
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":true}",
	    d20);
	api_expect("POST", EXC_PATH, tok_sam, api_key("e4"), body, 400,
	    "VALIDATION_ERROR", "startTime");
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":false,"
	    "\"startTime\":\"10:00\",\"endTime\":\"12:00\"}", d20);
	api_expect("POST", EXC_PATH, tok_sam, api_key("e5"), body, 400,
	    "VALIDATION_ERROR", "startTime");
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":true,"
	    "\"startTime\":\"12:00\",\"endTime\":\"10:00\"}", d20);
	api_expect("POST", EXC_PATH, tok_sam, api_key("e6"), body, 400,
	    "VALIDATION_ERROR", "endTime");
	snprintf(body, sizeof(body), "{\"day\":\"%s\",\"available\":false}",
	    d20);
	api_expect("POST", EXC_PATH, tok_owner, api_key("e7"), body, 403,
	    "FORBIDDEN", NULL);
	api_expect("DELETE", EXC_PATH "/" ID("000000003041"), tok_luis,
	    api_key("e8"), NULL, 404, "NOT_FOUND", NULL);
	api_expect("DELETE", EXC_PATH "/3041", tok_sam, api_key("e9"), NULL,
	    400, "VALIDATION_ERROR", "exceptionId");
	api_expect("DELETE", EXC_PATH "/" ID("000000003041"), tok_owner,
	    api_key("e10"), NULL, 403, "FORBIDDEN", NULL);
	ck_assert_int_eq(api_sql_num(AVAIL_FOOT), before);
	mem_free(d20);
}
END_TEST

/* --------------------------------------------------------- profile */

#define PROFILE_TABLES	4
static const char *const snap_tables[PROFILE_TABLES] = {
	"staff_profiles", "staff_industries", "staff_skills", "staff_benefits"
};
static char	*snap[PROFILE_TABLES], *snap_names;

/* Note Sam's profile rows as the demo has them (unchecked fixture). */
static void
note_profile(void)
{
	char	q[256];
	size_t	i;

	if (snap_names != NULL)
		return;
	for (i = 0; i < PROFILE_TABLES; i++) {
		snprintf(q, sizeof(q), "SELECT coalesce(jsonb_agg(to_jsonb(t)),"
		    " '[]') FROM %s t WHERE staff_id = '" SAM "'",
		    snap_tables[i]);
		snap[i] = api_sql(q);
	}
	snap_names =
	    api_sql("SELECT jsonb_build_object('first_name', first_name,"
	    " 'last_name', last_name) FROM staff WHERE id = '" SAM "'");
}

/* Put Sam's profile rows back as noted. */
static void
restore_profile(void)
{
	char	q[8192];
	size_t	i;
	int	n;

	if (snap_names == NULL)
		return;
	for (i = 0; i < PROFILE_TABLES; i++) {
		n = snprintf(q, sizeof(q), "DELETE FROM %s WHERE staff_id = '"
		    SAM "'; INSERT INTO %s SELECT * FROM"
		    " jsonb_populate_recordset(NULL::%s, $s$%s$s$); SELECT 1",
		    snap_tables[i], snap_tables[i], snap_tables[i], snap[i]);
		ck_assert(n > 0 && (size_t)n < sizeof(q));
		mem_free(api_sql(q));
	}
	n = snprintf(q, sizeof(q), "UPDATE staff SET first_name ="
	    " $s$%s$s$::jsonb->>'first_name', last_name = $s$%s$s$::jsonb->>"
	    "'last_name' WHERE id = '" SAM "'; SELECT 1", snap_names,
	    snap_names);
	ck_assert(n > 0 && (size_t)n < sizeof(q));
	mem_free(api_sql(q));
}

/* GET /query/staff/profile/<what> as Sam, as JSON text (mem_free()). */
static char *
profile_get(const char *what)
{
	struct http_res	 res;
	char		 path[256];
	char		*s;

	snprintf(path, sizeof(path), "/query/staff/profile/%s", what);
	api_get_as(path, tok_sam, &res);
	s = mem_strdup(json_object_to_json_string_ext(api_json_ok(&res, 200),
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	http_res_free(&res);
	return s;
}

/* Rows a profile command could write (updated_at included). */
#define PROFILE_FOOT \
	"SELECT md5(concat((SELECT concat(p.*) FROM staff_profiles p" \
	" WHERE staff_id = '" SAM "'), (SELECT concat(s.*) FROM staff s" \
	" WHERE id = '" SAM "'), (SELECT string_agg(concat(i.*), ',' ORDER" \
	" BY industry) FROM staff_industries i WHERE staff_id = '" SAM "')," \
	" (SELECT string_agg(concat(k.*), ',' ORDER BY skill) FROM" \
	" staff_skills k WHERE staff_id = '" SAM "'), (SELECT" \
	" string_agg(concat(b.*), ',' ORDER BY benefit) FROM staff_benefits b" \
	" WHERE staff_id = '" SAM "'), (SELECT count(*) FROM audit_events" \
	" WHERE action LIKE 'staff.%')))"

#define PERSONAL \
	"{\"firstName\":\"Samantha\",\"lastName\":\"Rivera\"," \
	"\"preferredName\":\"Sammy\",\"dateOfBirth\":\"1994-05-18\"," \
	"\"address\":{\"line1\":\"1 Main St\",\"line2\":\"Apt 2\"," \
	"\"city\":\"Brooklyn\",\"region\":\"NY\",\"postalCode\":\"11201\"," \
	"\"country\":\"US\"},\"bio\":\"Bars and banquets.\"," \
	"\"photoFileId\":\"demo/301/photo.jpg\",\"emergencyContact\":" \
	"{\"name\":\"Alex Rivera\",\"phone\":\"+15555550198\"}}"

START_TEST(test_personal_info)
{
	struct http_res		 res;
	struct json_object	*o, *a;
	const char		*k;
	char			*s, *before;
	long long		 n;

	n = audits("staff.personal_info", SAM);
	k = api_key("personal");
	api_cmd("PUT", "/commands/staff/profile/personal-info", tok_sam, k,
	    PERSONAL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "firstName"), "Samantha");
	ck_assert_str_eq(str(o, "preferredName"), "Sammy");
	ck_assert_str_eq(str(o, "dateOfBirth"), "1994-05-18");
	ck_assert(json_object_object_get_ex(o, "address", &a));
	ck_assert_str_eq(str(a, "line2"), "Apt 2");
	ck_assert(json_object_object_get_ex(o, "emergencyContact", &a));
	ck_assert_str_eq(str(a, "phone"), "+15555550198");
	ck_assert_str_eq(str(o, "rating"), "4.80");
	replayed("PUT", "/commands/staff/profile/personal-info", tok_sam, k,
	    PERSONAL, &res);
	/* The read model shows exactly the answer. */
	s = profile_get("personal-info");
	ck_assert_str_eq(s, json_object_to_json_string_ext(http_json(&res),
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	mem_free(s);
	http_res_free(&res);
	ck_assert_int_eq(audits("staff.personal_info", SAM), n + 1);
	/* The audit row names the members, not their values. */
	before = api_sql("SELECT summary::text FROM audit_events WHERE action ="
	    " 'staff.personal_info' ORDER BY created_at DESC LIMIT 1");
	ck_assert(strstr(before, "Sammy") == NULL);
	ck_assert(strstr(before, "\"preferredName\"") != NULL);
	mem_free(before);
	/* PUT replaces: what is not sent is cleared. */
	api_cmd("PUT", "/commands/staff/profile/personal-info", tok_sam,
	    api_key("personal2"),
	    "{\"firstName\":\"Sam\",\"lastName\":\"Rivera\"}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_ptr_null(str(o, "preferredName"));
	ck_assert_ptr_null(str(o, "emergencyContact"));
	http_res_free(&res);
	s = profile_get("personal-info");
	ck_assert(strstr(s, "\"preferredName\":null") != NULL);
	mem_free(s);
}
END_TEST

START_TEST(test_personal_info_refused)
{
	char	*before, *after;

	before = api_sql(PROFILE_FOOT);
	api_expect("PUT", "/commands/staff/profile/personal-info", tok_sam,
	    api_key("p1"), "{\"lastName\":\"Rivera\"}", 400, "VALIDATION_ERROR",
	    "firstName");
	api_expect("PUT", "/commands/staff/profile/personal-info", tok_sam,
	    api_key("p2"), "{\"firstName\":\"S\",\"lastName\":\"R\","
	    "\"dateOfBirth\":\"1899-12-31\"}", 400, "VALIDATION_ERROR",
	    "dateOfBirth");
	api_expect("PUT", "/commands/staff/profile/personal-info", tok_sam,
	    api_key("p3"), "{\"firstName\":\"S\",\"lastName\":\"R\","
	    "\"address\":{\"country\":\"us\"}}", 400, "VALIDATION_ERROR",
	    "address.country");
	api_expect("PUT", "/commands/staff/profile/personal-info", tok_sam,
	    api_key("p4"), "{\"firstName\":\"S\",\"lastName\":\"R\","
	    "\"emergencyContact\":{\"phone\":\"123\"}}", 400,
	    "VALIDATION_ERROR", "emergencyContact.phone");
	api_expect("PUT", "/commands/staff/profile/personal-info", tok_sam,
	    api_key("p5"), "{\"firstName\":\"S\",\"lastName\":\"R\","
	    "\"email\":\"x@example.com\"}", 400, "VALIDATION_ERROR", "email");
	api_expect("PUT", "/commands/staff/profile/personal-info", tok_owner,
	    api_key("p6"), "{\"firstName\":\"S\",\"lastName\":\"R\"}", 403,
	    "FORBIDDEN", NULL);
	after = api_sql(PROFILE_FOOT);
	ck_assert_str_eq(after, before);
	mem_free(before);
	mem_free(after);
}
END_TEST

/* PUT list with body, expect 200; the read model what shows the items. */
static void
list_put(const char *list, const char *body, const char *items)
{
	struct http_res		 res;
	struct json_object	*a;
	char			 path[256];
	const char		*k;
	char			*s;

	snprintf(path, sizeof(path), "/commands/staff/profile/%s", list);
	k = api_key(list);
	api_cmd("PUT", path, tok_sam, k, body, &res);
	ck_assert(json_object_object_get_ex(api_json_ok(&res, 200), "items",
	    &a));
	/* items may be a prefix (of a time not known in advance). */
	ck_assert_msg(strncmp(json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN), items, strlen(items)) == 0, "%s",
	    json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	replayed("PUT", path, tok_sam, k, body, &res);
	http_res_free(&res);
	s = profile_get(list);
	ck_assert_msg(strstr(s, items) != NULL, "%s", s);
	mem_free(s);
}

/*
 * The profile counts that the writes keep (0018_profile_counts) equal a
 * recount for every worker: checked after each test, whatever it wrote.
 */
static void
profile_counts_same(void)
{
	api_sql_none("profile counts differ from a recount",
	    "SELECT coalesce(string_agg(staff_id::text || ' ' ||"
	    " coalesce(kept::text, '-') || ' <> ' || counted::text, '; '), '')"
	    " FROM krow_staff_profile_diff()");
}

/* Sam's profile completion: section sec's complete and missing. */
static void
completion_is(const char *sec, int complete, const char *missing)
{
	struct http_res		 res;
	struct json_object	*o, *a, *e, *m;
	size_t			 i;

	api_get_as("/query/staff/profile-completion", tok_sam, &res);
	o = api_json_ok(&res, 200);
	ck_assert(json_object_object_get_ex(o, "sections", &a));
	for (i = 0; i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		if (strcmp(api_str(e, "section"), sec) != 0)
			continue;
		ck_assert_msg(json_object_get_boolean(api_member(e,
		    "complete")) == complete, "%s complete", sec);
		m = api_member(e, "missing");
		ck_assert_str_eq(json_object_to_json_string_ext(m,
		    JSON_C_TO_STRING_PLAIN), missing);
		http_res_free(&res);
		return;
	}
	ck_abort_msg("no section %s", sec);
}

START_TEST(test_lists)
{
	char	*s;

	list_put("industries", "{\"items\":[{\"industry\":\"hospitality\","
	    "\"yearsExperience\":9},{\"industry\":\"catering\","
	    "\"yearsExperience\":null}]}",
	    "[{\"industry\":\"catering\",\"yearsExperience\":null},"
	    "{\"industry\":\"hospitality\",\"yearsExperience\":9}]");
	list_put("skills", "{\"items\":[{\"skill\":\"mixology\",\"level\":"
	    "\"advanced\"},{\"skill\":\"barista\"}]}",
	    "[{\"skill\":\"barista\",\"level\":\"intermediate\"},"
	    "{\"skill\":\"mixology\",\"level\":\"advanced\"}]");
	completion_is("skills", 1, "[]");
	list_put("skills", "{\"items\":[]}", "[]");
	completion_is("skills", 0, "[\"skill\"]");
	completion_is("industries", 1, "[]");
	/* Health stays enrolled (since the demo's date), dental is new,
	 * commuter and retirement go. */
	s = api_sql("SELECT to_char(enrolled_at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM staff_benefits"
	    " WHERE staff_id = '" SAM "' AND benefit = 'health'");
	list_put("benefits", "{\"items\":[{\"benefit\":\"health\",\"status\":"
	    "\"enrolled\"},{\"benefit\":\"dental\",\"status\":\"declined\"}]}",
	    "[{\"benefit\":\"dental\",\"status\":\"declined\",\"enrolledAt\":"
	    "null},{\"benefit\":\"health\",\"status\":\"enrolled\","
	    "\"enrolledAt\":\"");
	mem_free(s);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM staff_benefits WHERE"
	    " staff_id = '" SAM "' AND benefit = 'health' AND enrolled_at <"
	    " now() - interval '100 days'"), 1);
	ck_assert_int_eq(audits("staff.benefits", SAM) > 0, 1);
}
END_TEST

START_TEST(test_lists_refused)
{
	char	*before, *after;

	before = api_sql(PROFILE_FOOT);
	api_expect("PUT", "/commands/staff/profile/industries", tok_sam,
	    api_key("l1"),
	    "{\"items\":[{\"industry\":\"events\"},{\"industry\":\"events\"}]}",
	    400, "VALIDATION_ERROR", "items[1].industry");
	api_expect("PUT", "/commands/staff/profile/industries", tok_sam,
	    api_key("l2"), "{\"items\":[{\"industry\":\"Events\"}]}", 400,
	    "VALIDATION_ERROR", "items[0].industry");
	api_expect("PUT", "/commands/staff/profile/industries", tok_sam,
	    api_key("l3"),
	    "{\"items\":[{\"industry\":\"events\",\"yearsExperience\":81}]}",
	    400, "VALIDATION_ERROR", "items[0].yearsExperience");
	api_expect("PUT", "/commands/staff/profile/skills", tok_sam,
	    api_key("l4"),
	    "{\"items\":[{\"skill\":\"mixology\",\"level\":\"guru\"}]}", 400,
	    "VALIDATION_ERROR", "items[0].level");
	api_expect("PUT", "/commands/staff/profile/skills", tok_sam,
	    api_key("l5"), "{}", 400, "VALIDATION_ERROR", "items");
	api_expect("PUT", "/commands/staff/profile/benefits", tok_sam,
	    api_key("l6"),
	    "{\"items\":[{\"benefit\":\"gym\",\"status\":\"enrolled\"}]}", 400,
	    "VALIDATION_ERROR", "items[0].benefit");
	api_expect("PUT", "/commands/staff/profile/benefits", tok_sam,
	    api_key("l7"), "{\"items\":[{\"benefit\":\"health\"}]}", 400,
	    "VALIDATION_ERROR", "items[0].status");
	api_expect("PUT", "/commands/staff/profile/skills", tok_owner,
	    api_key("l8"), "{\"items\":[]}", 403, "FORBIDDEN", NULL);
	after = api_sql(PROFILE_FOOT);
	ck_assert_str_eq(after, before);
	mem_free(before);
	mem_free(after);
}
END_TEST

/* One documents/certificates flow: add body to list (idkey names the
 * new id), see it in the read model, delete it (another worker cannot),
 * see it gone. */
static void
doc_flow(const char *list, const char *idkey, const char *body,
    const char *action)
{
	struct http_res		 res;
	struct json_object	*o;
	char			 path[256], q[256];
	const char		*k;
	char			*id, *s;

	snprintf(path, sizeof(path), "/commands/staff/profile/%s", list);
	k = api_key(list);
	api_cmd("POST", path, tok_sam, k, body, &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "verificationStatus"), "pending");
	id = mem_strdup(str(o, idkey));
	replayed("POST", path, tok_sam, k, body, &res);
	http_res_free(&res);
	s = profile_get(list);
	ck_assert(strstr(s, id) != NULL);
	mem_free(s);
	snprintf(q, sizeof(q), "%s_add", action);
	ck_assert_int_eq(audits(q, id), 1);
	snprintf(path, sizeof(path), "/commands/staff/profile/%s/%s", list,
	    id);
	api_expect("DELETE", path, tok_luis, api_key("dd"), NULL, 404,
	    "NOT_FOUND", NULL);
	api_expect("DELETE", path, tok_owner, api_key("dd"), NULL, 403,
	    "FORBIDDEN", NULL);
	k = api_key("del");
	api_cmd("DELETE", path, tok_sam, k, NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, idkey), id);
	replayed("DELETE", path, tok_sam, k, NULL, &res);
	http_res_free(&res);
	s = profile_get(list);
	ck_assert(strstr(s, id) == NULL);
	mem_free(s);
	snprintf(q, sizeof(q), "%s_delete", action);
	ck_assert_int_eq(audits(q, id), 1);
	api_expect("DELETE", path, tok_sam, api_key("dd"), NULL, 404,
	    "NOT_FOUND", NULL);
	mem_free(id);
}

#define DOCS_FOOT \
	"SELECT (SELECT count(*) FROM staff_documents WHERE deleted_at IS" \
	" NULL) * 10000 + (SELECT count(*) FROM staff_certificates WHERE" \
	" deleted_at IS NULL) * 100 + (SELECT count(*) FROM audit_events" \
	" WHERE action LIKE 'staff.%')"

START_TEST(test_documents)
{
	long long	before;

	doc_flow("documents", "documentId", "{\"docType\":\"passport\","
	    "\"fileId\":\"demo/301/passport.pdf\",\"fileName\":"
	    "\"passport.pdf\"}", "staff.document");
	doc_flow("certificates", "certificateId", "{\"name\":\"Barista\","
	    "\"issuer\":\"SCA\",\"number\":null,\"issuedOn\":\"2025-01-10\","
	    "\"expiresOn\":\"2028-01-10\"}", "staff.certificate");
	before = api_sql_num(DOCS_FOOT);
	api_expect("POST", "/commands/staff/profile/documents", tok_sam,
	    api_key("d1"), "{\"docType\":\"selfie\",\"fileId\":\"x\"}", 400,
	    "VALIDATION_ERROR", "docType");
	api_expect("POST", "/commands/staff/profile/documents", tok_sam,
	    api_key("d2"), "{\"docType\":\"passport\"}", 400,
	    "VALIDATION_ERROR", "fileId");
	api_expect("POST", "/commands/staff/profile/documents", tok_owner,
	    api_key("d3"), "{\"docType\":\"passport\",\"fileId\":\"x\"}", 403,
	    "FORBIDDEN", NULL);
	api_expect("POST", "/commands/staff/profile/certificates", tok_sam,
	    api_key("d4"), "{\"issuer\":\"SCA\"}", 400, "VALIDATION_ERROR",
	    "name");
	api_expect("POST", "/commands/staff/profile/certificates", tok_sam,
	    api_key("d5"), "{\"name\":\"X\",\"issuedOn\":\"2025-01-10\","
	    "\"expiresOn\":\"2024-01-10\"}", 400, "VALIDATION_ERROR",
	    "expiresOn");
	api_expect("DELETE", "/commands/staff/profile/certificates/x", tok_sam,
	    api_key("d6"), NULL, 400, "VALIDATION_ERROR", "certificateId");
	ck_assert_int_eq(api_sql_num(DOCS_FOOT), before);
}
END_TEST

#define BANK_PATH	"/commands/staff/profile/bank-accounts"
#define BANK_DEMO	ID("000000003031")	/* Sam's default account */
#define BANK_NEW \
	"{\"holderName\":\"Sam Rivera\",\"bankName\":\"Metro Credit Union\"," \
	"\"accountType\":\"savings\",\"last4\":\"1234\",\"providerToken\":" \
	"\"tok_test_1\",\"makeDefault\":true}"
#define DEFAULT_ACCOUNT \
	"SELECT string_agg(id::text, ',') FROM staff_bank_accounts" \
	" WHERE staff_id = '" SAM "' AND is_default AND deleted_at IS NULL"

START_TEST(test_bank_accounts)
{
	struct http_res		 res;
	struct json_object	*o;
	char			 path[256];
	const char		*k;
	char			*id, *s;

	k = api_key("bank");
	api_cmd("POST", BANK_PATH, tok_sam, k, BANK_NEW, &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "maskedNumber"), "****1234");
	ck_assert_str_eq(str(o, "isDefault"), "true");
	ck_assert(!json_object_object_get_ex(o, "providerToken", NULL));
	ck_assert(strstr(res.body, "tok_test_1") == NULL);
	id = mem_strdup(str(o, "bankAccountId"));
	replayed("POST", BANK_PATH, tok_sam, k, BANK_NEW, &res);
	http_res_free(&res);
	s = api_sql(DEFAULT_ACCOUNT);
	ck_assert_str_eq(s, id);
	mem_free(s);
	s = profile_get("bank-accounts");
	ck_assert(strstr(s, id) != NULL);
	ck_assert(strstr(s, "tok_") == NULL);
	mem_free(s);
	ck_assert_int_eq(audits("staff.bank_account_add", id), 1);
	/* The demo account is the default again. */
	k = api_key("bankdef");
	api_cmd("POST", BANK_PATH "/" BANK_DEMO "/default", tok_sam, k, NULL,
	    &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "bankAccountId"), BANK_DEMO);
	ck_assert_str_eq(str(o, "isDefault"), "true");
	replayed("POST", BANK_PATH "/" BANK_DEMO "/default", tok_sam, k, NULL,
	    &res);
	http_res_free(&res);
	s = api_sql(DEFAULT_ACCOUNT);
	ck_assert_str_eq(s, BANK_DEMO);
	mem_free(s);
	/* Another worker's account, an unknown one: 404, nothing moves. */
	api_expect("POST", BANK_PATH "/" BANK_DEMO "/default", tok_luis,
	    api_key("b1"), NULL, 404, "NOT_FOUND", NULL);
	snprintf(path, sizeof(path), BANK_PATH "/%s/default", id);
	api_expect("POST", path, tok_luis, api_key("b2"), NULL, 404,
	    "NOT_FOUND", NULL);
	api_expect("POST", BANK_PATH "/" MISSING "/default", tok_sam,
	    api_key("b3"), NULL, 404, "NOT_FOUND", NULL);
	s = api_sql(DEFAULT_ACCOUNT);
	ck_assert_str_eq(s, BANK_DEMO);
	mem_free(s);
	snprintf(path, sizeof(path), BANK_PATH "/%s", id);
	api_expect("DELETE", path, tok_luis, api_key("b4"), NULL, 404,
	    "NOT_FOUND", NULL);
	api_cmd("DELETE", path, tok_sam, api_key("bankdel"), NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "bankAccountId"), id);
	http_res_free(&res);
	s = profile_get("bank-accounts");
	ck_assert(strstr(s, id) == NULL);
	mem_free(s);
	ck_assert_int_eq(audits("staff.bank_account_delete", id), 1);
	api_expect("DELETE", path, tok_sam, api_key("b5"), NULL, 404,
	    "NOT_FOUND", NULL);
	mem_free(id);
}
END_TEST

START_TEST(test_bank_accounts_refused)
{
	long long	before;

	before = api_sql_num("SELECT count(*) FROM staff_bank_accounts WHERE"
	    " deleted_at IS NULL");
	/* A full account number never reaches the API. */
	api_expect("POST", BANK_PATH, tok_sam, api_key("r1"),
	    "{\"holderName\":\"S\","
	    "\"last4\":\"1234\",\"providerToken\":\"t\",\"accountNumber\":"
	    "\"000123451234\"}", 400, "VALIDATION_ERROR", "accountNumber");
	api_expect("POST", BANK_PATH, tok_sam, api_key("r2"),
	    "{\"holderName\":\"S\","
	    "\"last4\":\"12a4\",\"providerToken\":\"t\"}", 400,
	    "VALIDATION_ERROR", "last4");
	api_expect("POST", BANK_PATH, tok_sam, api_key("r3"),
	    "{\"holderName\":\"S\","
	    "\"last4\":\"1234\"}", 400, "VALIDATION_ERROR", "providerToken");
	api_expect("POST", BANK_PATH, tok_sam, api_key("r4"),
	    "{\"holderName\":\"S\","
	    "\"last4\":\"1234\",\"providerToken\":\"t\",\"currency\":\"usd\"}",
	    400, "VALIDATION_ERROR", "currency");
	api_expect("POST", BANK_PATH, tok_owner, api_key("r5"),
	    "{\"holderName\":"
	    "\"S\",\"last4\":\"1234\",\"providerToken\":\"t\"}", 403,
	    "FORBIDDEN", NULL);
	api_expect("POST", BANK_PATH "/x/default", tok_sam, api_key("r6"), NULL,
	    400, "VALIDATION_ERROR", "bankAccountId");
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM staff_bank_accounts"
	    " WHERE deleted_at IS NULL"), before);
}
END_TEST

static void
reset_fixture(void)
{
	reset();
}

/* Note the demo times of SHIFT_TODAY, once (Check's asserts need a
 * running suite: this is an unchecked fixture). */
static void
note_today(void)
{
	note_profile();
	if (today_starts != NULL)
		return;
	today_starts = api_sql("SELECT starts_at FROM shifts WHERE id = '"
	    SHIFT_TODAY "'");
	today_ends = api_sql("SELECT ends_at FROM shifts WHERE id = '"
	    SHIFT_TODAY "'");
}

static TCase *
tcase(Suite *s, const char *name)
{
	TCase	*tc;

	tc = api_tcase(s, name, 120);
	/* Before each test (in its process); after the last, also when one
	 * failed. */
	tcase_add_checked_fixture(tc, reset_fixture, profile_counts_same);
	tcase_add_unchecked_fixture(tc, note_today, reset_fixture);
	return tc;
}

static Suite *
staff_commands_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("staff commands");
	tc = tcase(s, "apply");
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_apply_refused);
	tc = tcase(s, "withdraw");
	tcase_add_test(tc, test_withdraw);
	tcase_add_test(tc, test_withdraw_refused);
	tc = tcase(s, "decline");
	tcase_add_test(tc, test_decline);
	tcase_add_test(tc, test_decline_refused);
	tc = tcase(s, "races");
	tcase_add_test(tc, test_apply_race);
	tcase_add_test(tc, test_clock_in_race);
	tcase_add_test(tc, test_started_refused);
	tc = tcase(s, "swap");
	tcase_add_test(tc, test_swap);
	tcase_add_test(tc, test_swap_refused);
	tc = tcase(s, "clock-in");
	tcase_add_test(tc, test_clock_in_refused);
	tcase_add_test(tc, test_clock_nfc);
	tcase_add_test(tc, test_clock_geofence);
	tc = tcase(s, "availability");
	tcase_add_test(tc, test_availability_set);
	tcase_add_test(tc, test_availability_refused);
	tcase_add_test(tc, test_exceptions);
	tcase_add_test(tc, test_exceptions_refused);
	tc = tcase(s, "profile");
	tcase_add_test(tc, test_personal_info);
	tcase_add_test(tc, test_personal_info_refused);
	tcase_add_test(tc, test_lists);
	tcase_add_test(tc, test_lists_refused);
	tcase_add_test(tc, test_documents);
	tcase_add_test(tc, test_bank_accounts);
	tcase_add_test(tc, test_bank_accounts_refused);
	return s;
}

/* The suite's tokens. */
static void
run_setup(void)
{
	tok_sam = api_mint("demo-staff");
	tok_luis = api_mint("demo-staff-luis");
	tok_owner = api_mint("demo-owner");
}

static void
run_teardown(void)
{
	mem_free(tok_sam);
	mem_free(tok_luis);
	mem_free(tok_owner);
	mem_free(today_starts);
	mem_free(today_ends);
}

/* Run the suite against $KROW_TEST_URL; 77 when it is not set. */
int
main(void)
{
	return api_main("check_staff_commands", staff_commands_suite,
	    run_setup, run_teardown);
}
