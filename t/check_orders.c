/*
 * check_orders: integration tests of the order commands of krow-command
 * (/commands/client/orders...) through nginx with real tokens (the demo
 * owner signs in with its password; the other actors' tokens are minted
 * with the stack's key, as in check_commands): create, update, cancel
 * and reorder, each with the read models (orders view, coverage,
 * dashboard, reorders, the staff's open shifts) showing the effect and
 * its audit row, its validation failures, forbidden actors (a worker:
 * 403; a manager outside its hubs: 404), state conflicts (409) and ids
 * of the other business (404); the replay of a create.  Last, bad bodies
 * (truncated JSON, wrong types, unknown fields, huge arrays, invalid
 * UTF-8) sent to order and other command routes must leave every table
 * as it was (a query-based dump of the data before and after; the
 * idempotency keys, where 4xx answers are stored by design, are left
 * out).  The suite makes its own orders, weeks ahead (demo orders are
 * only read, or sent commands that are refused), so it depends on no
 * data another suite changes.  Without $KROW_TEST_URL it skips (77).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "buf.h"
#include "mem.h"
#include "uuid.h"
#include "http.h"
#include "api.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define BIZ		ID("000000000101")
#define HUB_NY		ID("000000000501")	/* the manager's */
#define HUB_SF		ID("000000000502")
#define HUB_ARCHIVED	ID("000000000504")
#define HUB_LDN		ID("000000000511")	/* other business */
#define CC_EVT		ID("000000000601")
#define CC_FNB		ID("000000000602")
#define CC_ARCHIVED	ID("000000000603")
#define CC_OTHER	ID("000000000611")
#define VENDOR		ID("000000000201")	/* approved */
#define VENDOR_METRO	ID("000000000202")	/* approved */
#define VENDOR_PENDING	ID("000000000203")
#define ROLE_BAR	ID("000000000701")	/* vendor 201 */
#define ROLE_SERVER	ID("000000000702")	/* vendor 201 */
#define ROLE_METRO	ID("000000000711")	/* vendor 202 */
#define ORD_COMPLETED	ID("000000000801")	/* ORD-1001 */
#define ORD_RUNNING	ID("000000000804")	/* ORD-1004, in progress */
#define ORD_OTHER	ID("000000000851")	/* Other Catering Ltd */
#define ORD_OTHER_DONE	ID("000000000852")
#define SHIFT_DEMO	ID("000000008061")	/* of ORD-1006 */
#define LUIS		ID("000000000303")
#define MISSING		ID("0000000fffff")
#define ZONE		"America/New_York"

static char	*tok_owner, *tok_manager, *tok_other, *tok_staff, *tok_luis;

static time_t	 suite_start;	/* orders made since: this run's */


/* The instant of hh:mm local time in ZONE, days from today there, plus
 * minutes (RFC 3339 UTC; mem_free() it). */
static char *
at(int days, const char *hhmm, int minutes)
{
	char	*q, *s;

	q = api_fmt("SELECT to_char(((((now() AT TIME ZONE '" ZONE "')::date"
	    " + %d) + time '%s') AT TIME ZONE '" ZONE "' + interval"
	    " '%d minutes') AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", days, hhmm, minutes);
	s = api_sql(q);
	mem_free(q);
	return s;
}

/* The date days from today in ZONE (mem_free() it). */
static char *
day(int days)
{
	char	*q, *s;

	q = api_fmt("SELECT (now() AT TIME ZONE '" ZONE "')::date + %d", days);
	s = api_sql(q);
	mem_free(q);
	return s;
}

/* One shift, days ahead at 17:00 for hours, with positions (JSON). */
static char *
shift(int days, int hours, const char *positions)
{
	char	*s, *e, *j;

	s = at(days, "17:00", 0);
	e = at(days, "17:00", hours * 60);
	j = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\","
	    "\"breakMinutes\":30,\"positions\":%s}", s, e, positions);
	mem_free(s);
	mem_free(e);
	return j;
}

/* An order body at hub with vendor, cost center cc and shifts (JSON). */
static char *
order(const char *hub, const char *vendor, const char *cc,
    const char *title, const char *shifts)
{
	return api_fmt("{\"hubId\":\"%s\",\"vendorId\":\"%s\",\"costCenterId\":"
	    "\"%s\",\"title\":\"%s\",\"notes\":\"Side door\","
	    "\"shifts\":[%s]}", hub, vendor, cc, title, shifts);
}

/* Send (with a fresh key) and expect an envelope. */
static void
expect(const char *method, const char *path, const char *token,
    const char *body, long status, const char *code, const char *field)
{
	api_expect(method, path, token, api_key("x"), body, status, code,
	    field);
}

static long long
orders_count(void)
{
	return api_sql_num("SELECT count(*) FROM orders");
}

/*
 * Create an order from body as token: 201; its id (mem_free() it); the
 * answer in *out when out is not NULL (then http_res_free() it).
 */
static char *
create(const char *token, const char *body, struct http_res *out)
{
	struct http_res	 res;
	char		*id;

	api_cmd("POST", "/commands/client/orders", token, api_key("create"),
	    body, &res);
	id = mem_strdup(api_str(api_json_ok(&res, 201), "orderId"));
	if (out != NULL)
		*out = res;
	else
		http_res_free(&res);
	return id;
}

/* A simple order of owner at HUB_NY, days ahead: one shift, role BAR x n. */
static char *
simple(int days, int n)
{
	char	*p, *s, *b, *id;

	p = api_fmt("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":%d}]", n);
	s = shift(days, 5, p);
	b = order(HUB_NY, VENDOR, CC_EVT, "Orders suite", s);
	id = create(tok_owner, b, NULL);
	mem_free(p);
	mem_free(s);
	mem_free(b);
	return id;
}

/* The item of list o whose idkey is id, or NULL. */
static struct json_object *
find(struct json_object *o, const char *idkey, const char *id)
{
	struct json_object	*it, *v;
	size_t			 i;

	for (i = 0; i < api_nitems(o); i++) {
		it = api_item(o, i);
		if (json_object_object_get_ex(it, idkey, &v) &&
		    strcmp(json_object_get_string(v), id) == 0)
			return it;
	}
	return NULL;
}

/* The order id as GET /query/client/orders/view (days from..to) shows
 * it to token, or NULL; res must be freed by the caller. */
static struct json_object *
view(const char *token, const char *id, int from, int to,
    struct http_res *res)
{
	char	*f, *t, *path;

	f = day(from);
	t = day(to);
	path = api_fmt("/query/client/orders/view?from=%s&to=%s&limit=200", f,
	    t);
	api_get_as(path, token, res);
	mem_free(f);
	mem_free(t);
	mem_free(path);
	return find(api_json_ok(res, 200), "orderId", id);
}

/* Whether shift id is in the caller's open shifts (every page). */
static int
open_for(const char *token, const char *shift_id)
{
	struct http_res		 res;
	struct json_object	*o;
	const char		*next;
	char			*cur = NULL, *path;
	int			 found;

	for (;;) {
		path = cur == NULL ? mem_strdup("/query/staff/shifts/open?"
		    "limit=200") : api_fmt("/query/staff/shifts/open?limit=200&"
		    "cursor=%s", cur);
		mem_free(cur);
		cur = NULL;
		api_get_as(path, token, &res);
		mem_free(path);
		o = api_json_ok(&res, 200);
		found = find(o, "shiftId", shift_id) != NULL;
		if (!found && (next = api_next_cursor(o)) != NULL)
			cur = mem_strdup(next);
		http_res_free(&res);
		if (found || cur == NULL)
			return found;
	}
}

/* Coverage shifts days..days at HUB_NY: the item of shift id, or NULL. */
static struct json_object *
coverage(const char *shift_id, int days, struct http_res *res)
{
	char	*d, *path;

	d = day(days);
	path = api_fmt("/query/client/coverage?hubId=" HUB_NY "&from=%s&to=%s"
	    "&limit=200", d, d);
	api_get_as(path, tok_owner, res);
	mem_free(d);
	mem_free(path);
	return find(api_json_ok(res, 200), "shiftId", shift_id);
}

/* The dashboard's upcoming needed positions (owner). */
static long long
upcoming_needed(void)
{
	struct http_res	 res;
	long long	 n;

	api_get_as("/query/client/dashboard", tok_owner, &res);
	n = api_num(api_json_ok(&res, 200), "upcoming.needed");
	http_res_free(&res);
	return n;
}

/* The audit rows of action on order id with a request id. */
static long long
audits(const char *action, const char *id)
{
	char		*q;
	long long	 n;

	q = api_fmt("SELECT count(*) FROM audit_events WHERE action = '%s'"
	    " AND target_type = 'order' AND target_id = '%s'"
	    " AND request_id IS NOT NULL AND actor_user_id IS NOT NULL",
	    action, id);
	n = api_sql_num(q);
	mem_free(q);
	return n;
}

/* The first shift id of order id (by start). */
static char *
first_shift(const char *id, int offset)
{
	char	*q, *s;

	q = api_fmt("SELECT id FROM shifts WHERE order_id = '%s'"
	    " ORDER BY starts_at, id OFFSET %d LIMIT 1", id, offset);
	s = api_sql(q);
	mem_free(q);
	return s;
}

/* Luis assigned to the first position of shift sid (set up by SQL). */
static void
assign_luis(const char *sid, const char *status)
{
	char	*q, *s;

	q = api_fmt("INSERT INTO assignments (tenant_id, business_id, shift_id,"
	    " position_id, vendor_id, staff_id, status, applied_at,"
	    " assigned_at) SELECT sp.tenant_id, sp.business_id, sp.shift_id,"
	    " sp.id, sp.vendor_id, '" LUIS "', '%s', now(), now()"
	    " FROM shift_positions sp WHERE sp.shift_id = '%s'"
	    " ORDER BY sp.id LIMIT 1 RETURNING id", status, sid);
	s = api_sql(q);
	ck_assert(uuid_valid(s));
	mem_free(s);
	mem_free(q);
}

START_TEST(test_create)
{
	struct http_res		 res, v, cov;
	struct json_object	*o, *it, *pos;
	char			*p1, *p2, *s1, *s2, *body, *id, *sid, *q;
	long long		 before, nbefore;
	const char		*num;

	nbefore = upcoming_needed();
	p1 = api_fmt("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":2},"
	    "{\"roleId\":\"" ROLE_SERVER "\",\"headcount\":1}]");
	p2 = api_fmt("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1}]");
	s1 = shift(30, 5, p1);
	s2 = shift(31, 6, p2);
	q = api_fmt("%s,%s", s1, s2);
	body = order(HUB_NY, VENDOR, CC_EVT, "Season opening", q);
	before = orders_count();
	id = create(tok_owner, body, &res);
	o = http_json(&res);
	ck_assert(uuid_valid(id));
	num = api_str(o, "orderNumber");
	ck_assert_int_eq(strncmp(num, "ORD-", 4), 0);
	ck_assert_str_eq(api_str(o, "status"), "open");
	ck_assert_str_eq(api_str(o, "title"), "Season opening");
	ck_assert_str_eq(api_str(o, "notes"), "Side door");
	ck_assert_str_eq(api_str(o, "hub.hubId"), HUB_NY);
	ck_assert_str_eq(api_str(o, "costCenter.code"), "EVT");
	ck_assert_int_eq(api_num(o, "needed"), 4);
	ck_assert_int_eq(api_num(o, "filled"), 0);
	ck_assert_int_eq(json_object_array_length(api_member(o, "shifts")), 2);
	/* Rates copied from the vendor role. */
	pos = api_member(o, "shifts");
	it = json_object_array_get_idx(pos, 0);
	ck_assert_int_eq(json_object_array_length(api_member(it,
	    "positions")), 2);
	ck_assert_int_eq(api_num(json_object_array_get_idx(api_member(it,
	    "positions"), 0), "billRateCents"), 3500);
	ck_assert_int_eq(orders_count(), before + 1);
	ck_assert_int_eq(audits("order.create", id), 1);
	/* The read models: orders view, coverage, dashboard, open shifts. */
	it = view(tok_owner, id, 30, 31, &v);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(api_str(it, "orderNumber"), num);
	ck_assert_int_eq(api_num(it, "needed"), 4);
	ck_assert_int_eq(json_object_array_length(api_member(it, "shifts")),
	    2);
	http_res_free(&v);
	sid = first_shift(id, 0);
	it = coverage(sid, 30, &cov);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(api_num(it, "needed"), 3);
	ck_assert_int_eq(api_num(it, "open"), 3);
	http_res_free(&cov);
	ck_assert_int_eq(upcoming_needed(), nbefore + 4);
	ck_assert(open_for(tok_luis, sid));
	/* The order numbers follow each other. */
	mem_free(q);
	q = api_fmt("SELECT count(*) FROM orders WHERE business_id = '" BIZ "'"
	    " AND order_number = '%s'", num);
	ck_assert_int_eq(api_sql_num(q), 1);
	http_res_free(&res);
	mem_free(p1);
	mem_free(p2);
	mem_free(s1);
	mem_free(s2);
	mem_free(q);
	mem_free(body);
	mem_free(id);
	mem_free(sid);
}
END_TEST

/* A create body whose shift is s (JSON) and the field it must name. */
static void
bad_shift(const char *s, const char *field)
{
	char	*b;

	b = order(HUB_NY, VENDOR, CC_EVT, "Bad", s);
	expect("POST", "/commands/client/orders", tok_owner, b, 400,
	    "VALIDATION_ERROR", field);
	mem_free(b);
}

START_TEST(test_create_invalid)
{
	char		*now1, *past, *far, *far2, *s, *e, *l, *b, *p;
	long long	 before;
	struct buf	 big;
	int		 i;

	before = orders_count();
	past = at(-1, "17:00", 0);
	now1 = at(-1, "20:00", 0);
	s = at(33, "17:00", 0);
	e = at(33, "17:00", 300);
	l = at(33, "17:00", 25 * 60);
	far = at(400, "17:00", 0);
	far2 = at(400, "17:00", 300);
#define POS	"[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1}]"
	/* Top level: required, unknown, types, bounds. */
	expect("POST", "/commands/client/orders", tok_owner,
	    "{\"vendorId\":\"" VENDOR "\",\"shifts\":[]}", 400,
	    "VALIDATION_ERROR", "hubId");
	expect("POST", "/commands/client/orders", tok_owner,
	    "{\"hubId\":\"" HUB_NY "\",\"vendorId\":\"" VENDOR "\","
	    "\"shifts\":[]}", 400, "VALIDATION_ERROR", "shifts");
	expect("POST", "/commands/client/orders", tok_owner,
	    "{\"hubId\":\"" HUB_NY "\",\"vendorId\":\"" VENDOR "\","
	    "\"shifts\":[{}],\"colour\":\"red\"}", 400, "VALIDATION_ERROR",
	    "colour");
	expect("POST", "/commands/client/orders", tok_owner,
	    "{\"hubId\":\"not-a-uuid\",\"vendorId\":\"" VENDOR "\","
	    "\"shifts\":[{}]}", 400, "VALIDATION_ERROR", "hubId");
	expect("POST", "/commands/client/orders", tok_owner,
	    "{\"hubId\":\"" HUB_NY "\",\"vendorId\":\"" VENDOR "\","
	    "\"title\":\"\",\"shifts\":[{}]}", 400, "VALIDATION_ERROR",
	    "title");
	/* More than 50 shifts. */
	buf_init(&big);
	buf_puts(&big, "{\"hubId\":\"" HUB_NY "\",\"vendorId\":\"" VENDOR
	    "\",\"shifts\":[");
	for (i = 0; i < 51; i++)
		buf_printf(&big, "%s{\"startsAt\":\"%s\",\"endsAt\":\"%s\","
		    "\"positions\":" POS "}", i ? "," : "", s, e);
	buf_puts(&big, "]}");
	expect("POST", "/commands/client/orders", tok_owner, buf_cstr(&big),
	    400, "VALIDATION_ERROR", "shifts");
	buf_cleanup(&big);
	/* Shifts: shape. */
	bad_shift("5", "shifts[0]");
	p = api_fmt("{\"startsAt\":\"tomorrow\",\"endsAt\":\"%s\","
	    "\"positions\":" POS "}", e);
	bad_shift(p, "shifts[0].startsAt");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":[]}",
	    s, e);
	bad_shift(p, "shifts[0].positions");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\","
	    "\"breakMinutes\":-5,\"positions\":" POS "}", s, e);
	bad_shift(p, "shifts[0].breakMinutes");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":"
	    "[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":0}]}", s, e);
	bad_shift(p, "shifts[0].positions[0].headcount");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":"
	    "[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":101}]}", s, e);
	bad_shift(p, "shifts[0].positions[0].headcount");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":"
	    "[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1,\"rate\":5}]}",
	    s, e);
	bad_shift(p, "shifts[0].positions[0].rate");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":"
	    "[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1},"
	    "{\"roleId\":\"" ROLE_BAR "\",\"headcount\":2}]}", s, e);
	bad_shift(p, "shifts[0].positions[1].roleId");
	mem_free(p);
	/* Times against the clock and each other. */
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":" POS
	    "}", past, now1);
	bad_shift(p, "shifts[0].startsAt");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":" POS
	    "}", e, s);
	bad_shift(p, "shifts[0].endsAt");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":" POS
	    "}", s, l);
	bad_shift(p, "shifts[0].endsAt");
	mem_free(p);
	mem_free(l);
	l = at(33, "17:00", 120);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\","
	    "\"breakMinutes\":240,\"positions\":" POS "}", s, l);
	bad_shift(p, "shifts[0].breakMinutes");
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":" POS
	    "}", far, far2);
	bad_shift(p, "shifts[0].startsAt");
	mem_free(p);
	/* References that exist but cannot be used. */
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":"
	    "[{\"roleId\":\"" ROLE_METRO "\",\"headcount\":1}]}", s, e);
	bad_shift(p, "shifts[0].positions[0].roleId");
	b = order(HUB_NY, VENDOR_PENDING, CC_EVT, "Bad", p);
	expect("POST", "/commands/client/orders", tok_owner, b, 400,
	    "VALIDATION_ERROR", "vendorId");
	mem_free(b);
	mem_free(p);
	p = api_fmt("{\"startsAt\":\"%s\",\"endsAt\":\"%s\",\"positions\":" POS
	    "}", s, e);
	b = order(HUB_ARCHIVED, VENDOR, CC_EVT, "Bad", p);
	expect("POST", "/commands/client/orders", tok_owner, b, 400,
	    "VALIDATION_ERROR", "hubId");
	mem_free(b);
	b = order(HUB_NY, VENDOR, CC_ARCHIVED, "Bad", p);
	expect("POST", "/commands/client/orders", tok_owner, b, 400,
	    "VALIDATION_ERROR", "costCenterId");
	mem_free(b);
	mem_free(p);
#undef POS
	ck_assert_int_eq(orders_count(), before);
	mem_free(now1);
	mem_free(past);
	mem_free(far);
	mem_free(far2);
	mem_free(s);
	mem_free(e);
	mem_free(l);
}
END_TEST

START_TEST(test_create_refused)
{
	struct http_res	 res;
	char		*p, *s, *b, *viewer;
	long long	 before;

	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1}]");
	s = shift(34, 4, p);
	before = orders_count();
	/* A worker may not order: 403. */
	b = order(HUB_NY, VENDOR, CC_EVT, "Refused", s);
	expect("POST", "/commands/client/orders", tok_staff, b, 403,
	    "FORBIDDEN", NULL);
	/* Nor may a viewer (a user made for this test, then removed). */
	mem_free(api_sql("INSERT INTO users (tenant_id, provider,"
	    " provider_uid, actor, business_id, role, display_name)"
	    " SELECT tenant_id, 'local', 'orders-suite-viewer', 'client', id,"
	    " 'viewer', 'Orders Viewer' FROM businesses WHERE id = '" BIZ "'"
	    " AND NOT EXISTS (SELECT 1 FROM users WHERE provider_uid ="
	    " 'orders-suite-viewer') RETURNING id"));
	viewer = api_mint("orders-suite-viewer");
	expect("POST", "/commands/client/orders", viewer, b, 403,
	    "FORBIDDEN", NULL);
	mem_free(viewer);
	mem_free(api_sql("DELETE FROM users WHERE provider_uid ="
	    " 'orders-suite-viewer' RETURNING id"));
	/* The manager of New York orders there, not in San Francisco. */
	mem_free(create(tok_manager, b, NULL));
	before++;
	mem_free(b);
	b = order(HUB_SF, VENDOR, CC_EVT, "Refused", s);
	expect("POST", "/commands/client/orders", tok_manager, b, 404,
	    "NOT_FOUND", NULL);
	mem_free(b);
	/* Ids of the other business or of nothing: 404. */
	b = order(HUB_LDN, VENDOR, CC_EVT, "Refused", s);
	expect("POST", "/commands/client/orders", tok_owner, b, 404,
	    "NOT_FOUND", NULL);
	mem_free(b);
	b = order(HUB_NY, VENDOR, CC_OTHER, "Refused", s);
	expect("POST", "/commands/client/orders", tok_owner, b, 404,
	    "NOT_FOUND", NULL);
	mem_free(b);
	b = order(HUB_NY, MISSING, CC_EVT, "Refused", s);
	expect("POST", "/commands/client/orders", tok_owner, b, 404,
	    "NOT_FOUND", NULL);
	mem_free(b);
	mem_free(s);
	mem_free(p);
	p = mem_strdup("[{\"roleId\":\"" MISSING "\",\"headcount\":1}]");
	s = shift(34, 4, p);
	b = order(HUB_NY, VENDOR, CC_EVT, "Refused", s);
	expect("POST", "/commands/client/orders", tok_owner, b, 404,
	    "NOT_FOUND", NULL);
	mem_free(b);
	/* The other business's owner does not see the demo hub. */
	b = order(HUB_NY, VENDOR, CC_EVT, "Refused", s);
	api_cmd("POST", "/commands/client/orders", tok_other, api_key("o"), b,
	    &res);
	api_envelope(&res, 404, "NOT_FOUND", NULL);
	http_res_free(&res);
	mem_free(b);
	ck_assert_int_eq(orders_count(), before);
	mem_free(s);
	mem_free(p);
}
END_TEST

START_TEST(test_create_replay)
{
	struct http_res	 a, b;
	char		*p, *s, *body, *title, *q, v[64];
	const char	*k;
	long long	 before;

	title = api_fmt("Replay %ld-%ld", (long)getpid(), (long)time(NULL));
	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1}]");
	s = shift(35, 4, p);
	body = order(HUB_NY, VENDOR, CC_EVT, title, s);
	k = api_key("replay");
	before = orders_count();
	api_cmd("POST", "/commands/client/orders", tok_owner, k, body, &a);
	api_json_ok(&a, 201);
	api_cmd("POST", "/commands/client/orders", tok_owner, k, body, &b);
	api_json_ok(&b, 201);
	ck_assert_ptr_nonnull(http_header(&b, "Idempotent-Replayed", v,
	    sizeof(v)));
	ck_assert_str_eq(api_str(http_json(&a), "orderId"),
	    api_str(http_json(&b), "orderId"));
	ck_assert_str_eq(a.body, b.body);
	ck_assert_int_eq(orders_count(), before + 1);
	q = api_fmt("SELECT count(*) FROM orders WHERE title = '%s'", title);
	ck_assert_int_eq(api_sql_num(q), 1);
	http_res_free(&a);
	http_res_free(&b);
	mem_free(q);
	mem_free(body);
	mem_free(s);
	mem_free(p);
	mem_free(title);
}
END_TEST

/*
 * NPARALLEL creates at once (distinct keys): every one is 201, the
 * order numbers, taken one at a time per business, are all different,
 * and the coverage roll-ups of the business are right.
 */
#define NPARALLEL	8
START_TEST(test_create_parallel)
{
	char		*p, *sh, *title, *body, *q;
	pid_t		 pids[NPARALLEL];
	struct http_res	 res;
	int		 i, st, ok = 1;

	title = api_fmt("Parallel %ld-%ld", (long)getpid(), (long)time(NULL));
	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1}]");
	sh = shift(39, 4, p);
	body = order(HUB_NY, VENDOR, CC_EVT, title, sh);
	fflush(NULL);
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert((pids[i] = fork()) != -1);
		if (pids[i] == 0) {
			api_cmd("POST", "/commands/client/orders", tok_owner,
			    api_key("par"), body, &res);
			_exit(res.status == 201 ? 0 : 1);
		}
	}
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert(waitpid(pids[i], &st, 0) == pids[i]);
		ok = ok && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	ck_assert_msg(ok, "a parallel create was not 201");
	q = api_fmt("SELECT count(DISTINCT order_number) FROM orders"
	    " WHERE title = '%s' AND order_number ~ '^ORD-[0-9]+$'", title);
	ck_assert_int_eq(api_sql_num(q), NPARALLEL);
	mem_free(q);
	/*
	 * The orders share their hub and day: their roll-ups, written at
	 * each commit one after the other (0023), add up.
	 */
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM"
	    " krow_coverage_diff('" BIZ "')"), 0);
	mem_free(body);
	mem_free(sh);
	mem_free(p);
	mem_free(title);
}
END_TEST

/*
 * NPARALLEL clients each create NSERIAL orders of two shifts, on two
 * days, at one hub: the roll-up at each commit writes the day rows of
 * both days (and their role rows).  Done one shift at a time in shift
 * id order (random), two such commits could take the two day rows in
 * opposite orders and deadlock (40P01, a 500); all the noted shifts
 * are rolled up in one statement that writes each table's rows in key
 * order (0025), so every create is 201 and the roll-ups add up.
 */
#define NSERIAL		6
START_TEST(test_create_parallel_days)
{
	char		*p, *s1, *s2, *both, *title, *body, *q;
	pid_t		 pids[NPARALLEL];
	struct http_res	 res;
	int		 i, j, st, ok = 1;

	title = api_fmt("Two days %ld-%ld", (long)getpid(), (long)time(NULL));
	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":2},"
	    "{\"roleId\":\"" ROLE_SERVER "\",\"headcount\":1}]");
	s1 = shift(43, 4, p);
	s2 = shift(44, 4, p);
	both = api_fmt("%s,%s", s1, s2);
	body = order(HUB_NY, VENDOR, CC_EVT, title, both);
	fflush(NULL);
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert((pids[i] = fork()) != -1);
		if (pids[i] == 0) {
			for (j = 0; j < NSERIAL; j++) {
				api_cmd("POST", "/commands/client/orders",
				    tok_owner, api_key("days"), body, &res);
				if (res.status != 201) {
					fprintf(stderr, "create: %ld %s\n",
					    res.status, res.body);
					_exit(1);
				}
				http_res_free(&res);
			}
			_exit(0);
		}
	}
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert(waitpid(pids[i], &st, 0) == pids[i]);
		ok = ok && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	ck_assert_msg(ok, "a parallel two-day create was not 201");
	q = api_fmt("SELECT count(*) FROM orders WHERE title = '%s'", title);
	ck_assert_int_eq(api_sql_num(q), NPARALLEL * NSERIAL);
	mem_free(q);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM"
	    " krow_coverage_diff('" BIZ "')"), 0);
	mem_free(body);
	mem_free(both);
	mem_free(s2);
	mem_free(s1);
	mem_free(p);
	mem_free(title);
}
END_TEST

START_TEST(test_update)
{
	struct http_res		 res, v;
	struct json_object	*o, *it;
	char			*id, *sid, *pid, *s, *e, *body, *path, *q;

	id = simple(36, 2);
	sid = first_shift(id, 0);
	q = api_fmt("SELECT id FROM shift_positions WHERE shift_id = "
	    "'%s'", sid);
	pid = api_sql(q);
	mem_free(q);
	assign_luis(sid, "assigned");
	s = at(36, "18:00", 0);
	e = at(36, "18:00", 240);
	path = api_fmt("/commands/client/orders/%s", id);
	body = api_fmt("{\"title\":\"Renamed\",\"notes\":null,"
	    "\"costCenterId\":\"" CC_FNB "\",\"shifts\":[{\"shiftId\":\"%s\","
	    "\"startsAt\":\"%s\","
	    "\"endsAt\":\"%s\",\"breakMinutes\":15,\"positions\":"
	    "[{\"positionId\":\"%s\",\"headcount\":4}]}]}", sid, s, e, pid);
	api_cmd("PATCH", path, tok_owner, api_key("upd"), body, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "title"), "Renamed");
	ck_assert(json_object_is_type(api_member(o, "notes"),
	    json_type_null));
	ck_assert_str_eq(api_str(o, "costCenter.code"), "FNB");
	ck_assert_str_eq(api_str(o, "startsAt"), s);
	ck_assert_int_eq(api_num(o, "needed"), 4);
	ck_assert_int_eq(api_num(o, "filled"), 1);
	http_res_free(&res);
	ck_assert_int_eq(audits("order.update", id), 1);
	/* The read model shows it; the worker on it is told. */
	it = view(tok_owner, id, 36, 36, &v);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(api_str(it, "title"), "Renamed");
	ck_assert_int_eq(api_num(it, "needed"), 4);
	it = json_object_array_get_idx(api_member(it, "shifts"), 0);
	ck_assert_str_eq(api_str(it, "endsAt"), e);
	ck_assert_int_eq(api_num(it, "breakMinutes"), 15);
	http_res_free(&v);
	q = api_fmt("SELECT count(*) FROM staff_events WHERE staff_id = '" LUIS
	    "' AND kind = 'shift.rescheduled' AND shift_id = '%s'", sid);
	ck_assert_int_eq(api_sql_num(q), 1);
	mem_free(q);
	/* Down to the one worker on it: filled; up again: open. */
	mem_free(body);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"positions\":"
	    "[{\"positionId\":\"%s\",\"headcount\":1}]}]}", sid, pid);
	api_cmd("PATCH", path, tok_owner, api_key("upd"), body, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "status"), "filled");
	it = json_object_array_get_idx(api_member(o, "shifts"), 0);
	ck_assert_str_eq(api_str(it, "status"), "filled");
	ck_assert_str_eq(api_str(json_object_array_get_idx(api_member(it,
	    "positions"), 0), "status"), "filled");
	http_res_free(&res);
	ck_assert_int_eq(audits("order.status", id), 1);
	mem_free(body);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"positions\":"
	    "[{\"positionId\":\"%s\",\"headcount\":2}]}]}", sid, pid);
	api_cmd("PATCH", path, tok_owner, api_key("upd"), body, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "status"), "open");
	ck_assert_int_eq(api_num(o, "needed"), 2);
	http_res_free(&res);
	ck_assert_int_eq(audits("order.status", id), 2);
	/* Below the staff already filling the position: 400. */
	mem_free(body);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"positions\":"
	    "[{\"positionId\":\"%s\",\"headcount\":0}]}]}", sid, pid);
	expect("PATCH", path, tok_owner, body, 400, "VALIDATION_ERROR",
	    "shifts[0].positions[0].headcount");
	mem_free(body);
	mem_free(pid);
	mem_free(s);
	mem_free(e);
	mem_free(path);
	mem_free(sid);
	mem_free(id);
}
END_TEST

START_TEST(test_update_refused)
{
	struct http_res	 res;
	char		*id, *other, *sid, *osid, *path, *body, *s, *q;
	char		*p, *sh, *sf;

	id = simple(37, 2);
	other = simple(38, 1);
	sid = first_shift(id, 0);
	osid = first_shift(other, 0);
	path = api_fmt("/commands/client/orders/%s", id);
	s = at(37, "19:00", 0);
	/* Shape. */
	expect("PATCH", path, tok_owner, "{}", 400, "VALIDATION_ERROR",
	    "body");
	expect("PATCH", path, tok_owner, "{\"status\":\"open\"}", 400,
	    "VALIDATION_ERROR", "status");
	expect("PATCH", path, tok_owner, "{\"title\":5}", 400,
	    "VALIDATION_ERROR", "title");
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\"}]}", sid);
	expect("PATCH", path, tok_owner, body, 400, "VALIDATION_ERROR",
	    "shifts[0]");
	mem_free(body);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"breakMinutes\":10},"
	    "{\"shiftId\":\"%s\",\"breakMinutes\":20}]}", sid, sid);
	expect("PATCH", path, tok_owner, body, 400, "VALIDATION_ERROR",
	    "shifts[1].shiftId");
	mem_free(body);
	/* Times: a start after the end. */
	mem_free(s);
	s = at(37, "23:00", 0);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\","
	    "\"startsAt\":\"%s\"}]}", sid, s);
	expect("PATCH", path, tok_owner, body, 400, "VALIDATION_ERROR",
	    "shifts[0].endsAt");
	mem_free(body);
	expect("PATCH", "/commands/client/orders/nope", tok_owner,
	    "{\"notes\":\"x\"}", 400, "VALIDATION_ERROR", "orderId");
	/* Not found: a shift of another order, another business's order. */
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"breakMinutes\":0}]}",
	    osid);
	expect("PATCH", path, tok_owner, body, 404, "NOT_FOUND", NULL);
	mem_free(body);
	expect("PATCH", "/commands/client/orders/" ORD_OTHER, tok_owner,
	    "{\"notes\":\"x\"}", 404, "NOT_FOUND", NULL);
	expect("PATCH", path, tok_other, "{\"notes\":\"x\"}", 404,
	    "NOT_FOUND", NULL);
	expect("PATCH", path, tok_owner, "{\"costCenterId\":\"" CC_OTHER
	    "\"}", 404, "NOT_FOUND", NULL);
	/* Forbidden: a worker; a manager outside its hubs: not found. */
	expect("PATCH", path, tok_staff, "{\"notes\":\"x\"}", 403,
	    "FORBIDDEN", NULL);
	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":1}]");
	sh = shift(37, 3, p);
	body = order(HUB_SF, VENDOR, CC_EVT, "San Francisco", sh);
	sf = create(tok_owner, body, NULL);
	mem_free(body);
	body = api_fmt("/commands/client/orders/%s", sf);
	expect("PATCH", body, tok_manager, "{\"notes\":\"x\"}", 404,
	    "NOT_FOUND", NULL);
	api_cmd("PATCH", path, tok_manager, api_key("mgr"),
	    "{\"notes\":\"By the manager\"}", &res);
	ck_assert_str_eq(api_str(api_json_ok(&res, 200), "notes"),
	    "By the manager");
	http_res_free(&res);
	mem_free(body);
	body = api_fmt("/commands/client/orders/%s/cancel", sf);
	expect("POST", body, tok_manager, "{\"reason\":\"x\"}", 404,
	    "NOT_FOUND", NULL);
	mem_free(body);
	body = api_fmt("/commands/client/orders/%s/reorder", sf);
	expect("POST", body, tok_manager, "{\"startDate\":\"2099-01-01\"}",
	    404, "NOT_FOUND", NULL);
	mem_free(body);
	mem_free(sh);
	mem_free(p);
	/* States: completed demo order, a shift that has started. */
	expect("PATCH", "/commands/client/orders/" ORD_COMPLETED, tok_owner,
	    "{\"notes\":\"x\"}", 409, "CONFLICT", "state");
	q = api_fmt("UPDATE shifts SET starts_at = now() - interval '1 hour',"
	    " ends_at = now() + interval '3 hours' WHERE id = '%s'"
	    " RETURNING id", sid);
	mem_free(api_sql(q));
	mem_free(q);
	body = api_fmt("{\"shifts\":[{\"shiftId\":\"%s\",\"breakMinutes\":0}]}",
	    sid);
	expect("PATCH", path, tok_owner, body, 409, "CONFLICT", "state");
	mem_free(body);
	/* Only the manager's change was made. */
	q = api_fmt("SELECT count(*) FROM audit_events WHERE action ="
	    " 'order.update' AND target_id IN ('%s', '%s', '%s')", id, other,
	    sf);
	ck_assert_int_eq(api_sql_num(q), 1);
	mem_free(q);
	mem_free(s);
	mem_free(path);
	mem_free(sid);
	mem_free(osid);
	mem_free(id);
	mem_free(other);
	mem_free(sf);
}
END_TEST

START_TEST(test_cancel)
{
	struct http_res		 res, v, cov;
	struct json_object	*o, *it;
	char			*p, *s1, *s2, *q, *body, *id, *sid, *sid2;
	char			*path;
	long long		 nbefore;

	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":2}]");
	s1 = shift(40, 5, p);
	s2 = shift(41, 5, p);
	q = api_fmt("%s,%s", s1, s2);
	body = order(HUB_NY, VENDOR, CC_EVT, "To cancel", q);
	id = create(tok_owner, body, NULL);
	sid = first_shift(id, 0);
	sid2 = first_shift(id, 1);
	assign_luis(sid, "confirmed");
	ck_assert(open_for(tok_luis, sid2));
	nbefore = upcoming_needed();
	path = api_fmt("/commands/client/orders/%s/cancel", id);
	expect("POST", path, tok_owner, "{}", 400, "VALIDATION_ERROR",
	    "reason");
	expect("POST", path, tok_owner, "{\"reason\":\"\"}", 400,
	    "VALIDATION_ERROR", "reason");
	expect("POST", path, tok_staff, "{\"reason\":\"x\"}", 403,
	    "FORBIDDEN", NULL);
	expect("POST", path, tok_other, "{\"reason\":\"x\"}", 404,
	    "NOT_FOUND", NULL);
	api_cmd("POST", path, tok_owner, api_key("cancel"),
	    "{\"reason\":\"Venue flooded\"}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(api_str(o, "status"), "cancelled");
	ck_assert_str_eq(api_str(o, "cancelReason"), "Venue flooded");
	it = json_object_array_get_idx(api_member(o, "shifts"), 0);
	ck_assert_str_eq(api_str(it, "status"), "cancelled");
	ck_assert_str_eq(api_str(json_object_array_get_idx(api_member(it,
	    "positions"), 0), "status"), "cancelled");
	http_res_free(&res);
	ck_assert_int_eq(audits("order.cancel", id), 1);
	/* Cascade: the assignment, the worker's event. */
	mem_free(q);
	q = api_fmt("SELECT count(*) FROM assignments WHERE shift_id = '%s'"
	    " AND status = 'cancelled' AND cancelled_at IS NOT NULL", sid);
	ck_assert_int_eq(api_sql_num(q), 1);
	mem_free(q);
	q = api_fmt("SELECT count(*) FROM staff_events WHERE staff_id = '" LUIS
	    "' AND kind = 'order.cancelled' AND order_id = '%s'"
	    " AND payload->>'reason' = 'Venue flooded'", id);
	ck_assert_int_eq(api_sql_num(q), 1);
	/* The read models. */
	it = view(tok_owner, id, 40, 41, &v);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(api_str(it, "status"), "cancelled");
	http_res_free(&v);
	ck_assert_ptr_null(coverage(sid, 40, &cov));
	http_res_free(&cov);
	ck_assert(!open_for(tok_luis, sid2));
	ck_assert_int_eq(upcoming_needed(), nbefore - 4);
	/* Again: 409 naming the state. */
	expect("POST", path, tok_owner, "{\"reason\":\"again\"}", 409,
	    "CONFLICT", "state");
	mem_free(path);
	path = api_fmt("/commands/client/orders/%s", id);
	expect("PATCH", path, tok_owner, "{\"notes\":\"x\"}", 409,
	    "CONFLICT", "state");
	/* Other states and ids. */
	expect("POST", "/commands/client/orders/" ORD_RUNNING "/cancel",
	    tok_owner, "{\"reason\":\"x\"}", 409, "CONFLICT", "state");
	expect("POST", "/commands/client/orders/" ORD_COMPLETED "/cancel",
	    tok_owner, "{\"reason\":\"x\"}", 409, "CONFLICT", "state");
	expect("POST", "/commands/client/orders/" ORD_OTHER "/cancel",
	    tok_owner, "{\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	mem_free(q);
	mem_free(path);
	mem_free(body);
	mem_free(s1);
	mem_free(s2);
	mem_free(p);
	mem_free(sid);
	mem_free(sid2);
	mem_free(id);
}
END_TEST

START_TEST(test_reorder)
{
	struct http_res		 res, v;
	struct json_object	*o, *it;
	char			*p, *s1, *s2, *q, *body, *id, *nid, *path;
	char			*d;
	long long		 times;

	p = mem_strdup("[{\"roleId\":\"" ROLE_BAR "\",\"headcount\":2},"
	    "{\"roleId\":\"" ROLE_SERVER "\",\"headcount\":3}]");
	s1 = shift(42, 5, p);
	s2 = shift(44, 6, p);
	q = api_fmt("%s,%s", s1, s2);
	body = order(HUB_NY, VENDOR, CC_EVT, "Weekly gala", q);
	id = create(tok_owner, body, NULL);
	path = api_fmt("/commands/client/orders/%s/reorder", id);
	d = day(60);
	mem_free(body);
	body = api_fmt("{\"startDate\":\"%s\"}", d);
	api_cmd("POST", path, tok_owner, api_key("reorder"), body, &res);
	o = api_json_ok(&res, 201);
	nid = mem_strdup(api_str(o, "orderId"));
	ck_assert_str_ne(nid, id);
	ck_assert_str_eq(api_str(o, "sourceOrderId"), id);
	ck_assert_str_eq(api_str(o, "status"), "open");
	ck_assert_str_eq(api_str(o, "title"), "Weekly gala");
	ck_assert_int_eq(api_num(o, "needed"), 10);
	http_res_free(&res);
	/* Same local times, moved by whole days: 60 and 62 days ahead. */
	mem_free(q);
	q = api_fmt("SELECT string_agg(to_char(starts_at AT TIME ZONE '" ZONE
	    "', 'HH24:MI') || '+' || ((starts_at AT TIME ZONE '" ZONE
	    "')::date - (now() AT TIME ZONE '" ZONE "')::date) || '/' ||"
	    " (extract(epoch FROM ends_at - starts_at) / 3600)::integer, ' '"
	    " ORDER BY starts_at) FROM shifts WHERE order_id = '%s'", nid);
	mem_free(s1);
	s1 = api_sql(q);
	ck_assert_str_eq(s1, "17:00+60/5 17:00+62/6");
	ck_assert_int_eq(audits("order.reorder", nid), 1);
	it = view(tok_owner, nid, 60, 62, &v);
	ck_assert_ptr_nonnull(it);
	ck_assert_str_eq(api_str(it, "sourceOrderId"), id);
	http_res_free(&v);
	/* A completed demo order: the reorders read model counts it. */
	api_get_as("/query/client/reorders?limit=200", tok_owner, &v);
	it = find(api_json_ok(&v, 200), "orderId", ORD_COMPLETED);
	ck_assert_ptr_nonnull(it);
	times = api_num(it, "timesReordered");
	http_res_free(&v);
	mem_free(body);
	mem_free(d);
	d = day(61);
	body = api_fmt("{\"startDate\":\"%s\",\"title\":\"Gala again\","
	    "\"notes\":null}", d);
	api_cmd("POST", "/commands/client/orders/" ORD_COMPLETED "/reorder",
	    tok_owner, api_key("reorder"), body, &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(api_str(o, "title"), "Gala again");
	ck_assert_str_eq(api_str(o, "sourceOrderId"), ORD_COMPLETED);
	ck_assert(json_object_is_type(api_member(o, "notes"),
	    json_type_null));
	http_res_free(&res);
	api_get_as("/query/client/reorders?limit=200", tok_owner, &v);
	it = find(api_json_ok(&v, 200), "orderId", ORD_COMPLETED);
	ck_assert_int_eq(api_num(it, "timesReordered"), times + 1);
	http_res_free(&v);
	/* Refused: shape, the past, far ahead, ids, actors. */
	expect("POST", path, tok_owner, "{}", 400, "VALIDATION_ERROR",
	    "startDate");
	expect("POST", path, tok_owner, "{\"startDate\":\"2026-02-30\"}", 400,
	    "VALIDATION_ERROR", "startDate");
	expect("POST", path, tok_owner, "{\"startDate\":\"2020-01-01\"}", 400,
	    "VALIDATION_ERROR", "startDate");
	mem_free(d);
	d = day(500);
	mem_free(body);
	body = api_fmt("{\"startDate\":\"%s\",\"when\":1}", d);
	expect("POST", path, tok_owner, body, 400, "VALIDATION_ERROR",
	    "when");
	mem_free(body);
	body = api_fmt("{\"startDate\":\"%s\"}", d);
	expect("POST", path, tok_owner, body, 400, "VALIDATION_ERROR",
	    "startDate");
	mem_free(body);
	mem_free(d);
	d = day(70);
	body = api_fmt("{\"startDate\":\"%s\"}", d);
	expect("POST", "/commands/client/orders/" ORD_OTHER_DONE "/reorder",
	    tok_owner, body, 404, "NOT_FOUND", NULL);
	expect("POST", path, tok_staff, body, 403, "FORBIDDEN", NULL);
	expect("POST", path, tok_other, body, 404, "NOT_FOUND", NULL);
	mem_free(body);
	mem_free(d);
	mem_free(q);
	mem_free(path);
	mem_free(s1);
	mem_free(s2);
	mem_free(p);
	mem_free(nid);
	mem_free(id);
}
END_TEST

/*
 * A dump of the data: each table of the schema (but idempotency_keys)
 * as its row count and the MD5 of its rows in text form, sorted.  (As
 * pg_dump --data-only, less the sequences: a refused INSERT may use a
 * sequence value, which is not transactional by design.)
 */
static char *
dump(void)
{
	return api_sql("SELECT string_agg(t.relname || '=' || (xpath("
	    "'/row/c/text()', query_to_xml(format('SELECT count(*) || '':'' ||"
	    " md5(coalesce(string_agg(x::text, E''\\n'' ORDER BY x::text),"
	    " '''')) AS c FROM %I.%I x', t.nspname, t.relname), false, true,"
	    " '')))[1]::text, ' ' ORDER BY t.relname) FROM (SELECT c.relname,"
	    " n.nspname FROM pg_class c JOIN pg_namespace n"
	    " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
	    " AND n.nspname = current_schema()"
	    " AND c.relname <> 'idempotency_keys') t");
}

/* Send body (len bytes) as token; expect a 4xx envelope. */
static void
refused(const char *method, const char *path, const char *token,
    const char *body, size_t len)
{
	struct http_res	 res;
	const char	*h[4];
	char		 auth[20000], k[200];

	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
	snprintf(k, sizeof(k), "Idempotency-Key: %s", api_key("bad"));
	h[0] = auth;
	h[1] = k;
	h[2] = "Content-Type: application/json";
	h[3] = NULL;
	api_req_ok(http_do_len(method, path, h, body, len, &res));
	ck_assert_msg(res.status >= 400 && res.status < 500, "%s %s: %ld %s",
	    method, path, res.status, res.body);
	ck_assert_ptr_nonnull(http_json(&res));
	http_res_free(&res);
}

START_TEST(test_bad_bodies)
{
	static const char *const bodies[] = {
		"{\"hubId\":\"" HUB_NY "\",\"shifts\":[{\"startsAt\":",
		"{\"hubId\":5,\"vendorId\":true,\"shifts\":{}}",
		"{\"title\":[],\"notes\":7,\"costCenterId\":1.5,"
		    "\"shifts\":\"all\"}",
		"{\"reason\":12,\"startDate\":20260101}",
		"{\"unknown\":1,\"name\":\"x\",\"reason\":\"x\"}",
		"[1,2,3]",
		"\"just a string\"",
		"{\"name\":\"Caf\xe9\",\"reason\":\"\xff\xfe\","
		    "\"notes\":\"\xc3\x28\"}",
		"{\"reason\":\"a\\u0000b\",\"name\":\"a\\u0000b\"}",
		"{\"startDate\":\"2027-01-01\",\"startDate\":\"2027-01-02\","
		    "\"x\":1}",
	};
	struct {
		const char	*method;
		const char	*path;
		int		 staff;
	} routes[16];
	char		*before, *after, *id, *sid, *paths[4];
	struct buf	 big;
	size_t		 i, j, n = 0;

	id = simple(45, 1);
	paths[0] = api_fmt("/commands/client/orders/%s", id);
	paths[1] = api_fmt("/commands/client/orders/%s/cancel", id);
	paths[2] = api_fmt("/commands/client/orders/%s/reorder", id);
	sid = first_shift(id, 0);
	paths[3] = api_fmt("/commands/staff/shifts/%s/apply", sid);
	mem_free(sid);
	routes[n].method = "POST";
	routes[n].path = "/commands/client/orders";
	routes[n++].staff = 0;
	routes[n].method = "PATCH";
	routes[n].path = paths[0];
	routes[n++].staff = 0;
	routes[n].method = "POST";
	routes[n].path = paths[1];
	routes[n++].staff = 0;
	routes[n].method = "POST";
	routes[n].path = paths[2];
	routes[n++].staff = 0;
	routes[n].method = "POST";
	routes[n].path = "/commands/client/hubs";
	routes[n++].staff = 0;
	routes[n].method = "PATCH";
	routes[n].path = "/commands/client/hubs/" HUB_NY;
	routes[n++].staff = 0;
	routes[n].method = "POST";
	routes[n].path = "/commands/client/invoices/" ID("000000000904")
	    "/dispute";
	routes[n++].staff = 0;
	routes[n].method = "POST";
	routes[n].path = paths[3];
	routes[n++].staff = 1;
	routes[n].method = "PUT";
	routes[n].path = "/commands/staff/availability";
	routes[n++].staff = 1;
	/* A huge array: 20000 shifts (under the body limit). */
	buf_init(&big);
	buf_puts(&big, "{\"hubId\":\"" HUB_NY "\",\"vendorId\":\"" VENDOR
	    "\",\"windows\":[],\"shifts\":[");
	for (i = 0; i < 20000; i++)
		buf_printf(&big, "%s{\"startsAt\":1}", i ? "," : "");
	buf_puts(&big, "]}");
	before = dump();
	for (i = 0; i < n; i++) {
		for (j = 0; j < sizeof(bodies) / sizeof(bodies[0]); j++)
			refused(routes[i].method, routes[i].path,
			    routes[i].staff ? tok_staff : tok_owner, bodies[j],
			    strlen(bodies[j]));
		refused(routes[i].method, routes[i].path, routes[i].staff ?
		    tok_staff : tok_owner, big.p, big.len);
	}
	after = dump();
	ck_assert_msg(strcmp(before, after) == 0, "the data changed:\n"
	    "before %s\nafter  %s", before, after);
	buf_cleanup(&big);
	for (i = 0; i < 4; i++)
		mem_free(paths[i]);
	mem_free(before);
	mem_free(after);
	mem_free(id);
}
END_TEST

/*
 * Last: remove the orders this run made (the demo business's orders
 * created since the suite started; the suites run one after another),
 * with their shifts, positions, assignments and staff events, so that
 * the suites after this one see the demo data.  Audit rows stay.
 */
START_TEST(test_cleanup)
{
	char	*q, *n;

	q = api_fmt("BEGIN;"
	    " CREATE TEMP TABLE suite_orders AS SELECT id FROM orders"
	    " WHERE business_id = '" BIZ "'"
	    " AND created_at >= to_timestamp(%lld);"
	    " CREATE TEMP TABLE suite_shifts AS SELECT id FROM shifts"
	    " WHERE order_id IN (SELECT id FROM suite_orders);"
	    " DELETE FROM staff_events WHERE order_id IN (SELECT id FROM"
	    " suite_orders) OR shift_id IN (SELECT id FROM suite_shifts);"
	    " DELETE FROM swap_requests WHERE assignment_id IN (SELECT a.id"
	    " FROM assignments a WHERE a.shift_id IN (SELECT id FROM"
	    " suite_shifts));"
	    " DELETE FROM assignments WHERE shift_id IN (SELECT id FROM"
	    " suite_shifts);"
	    " DELETE FROM shift_positions WHERE shift_id IN (SELECT id FROM"
	    " suite_shifts);"
	    " DELETE FROM shifts WHERE id IN (SELECT id FROM suite_shifts);"
	    " DELETE FROM orders WHERE id IN (SELECT id FROM suite_orders);"
	    " COMMIT;"
	    " SELECT count(*) FROM suite_orders;", (long long)suite_start);
	n = api_sql(q);
	ck_assert_msg(atoi(n) > 0, "no orders of this run to remove: %s", n);
	mem_free(n);
	mem_free(q);
}
END_TEST

/*
 * Every order's span (first shift start, last shift start and end) is
 * that of its shifts, as the shift triggers keep it (0003, 0021): checked
 * after each test, whatever it wrote.
 */
static void
spans_same(void)
{
	api_sql_none("orders whose span differs from their shifts'",
	    "SELECT coalesce(string_agg(o.order_number, ' '), '')"
	    " FROM orders o LEFT JOIN (SELECT order_id, min(starts_at) AS f,"
	    " max(starts_at) AS ls, max(ends_at) AS l FROM shifts"
	    " GROUP BY order_id) x ON x.order_id = o.id"
	    " WHERE (o.first_shift_at, o.last_shift_start, o.last_shift_end)"
	    " IS DISTINCT FROM (x.f, x.ls, x.l)");
}

/* A test case of the suite, checking the spans after each test. */
static TCase *
tcase(Suite *s, const char *name)
{
	TCase	*tc;

	tc = api_tcase(s, name, 180);
	tcase_add_checked_fixture(tc, NULL, spans_same);
	return tc;
}

static Suite *
orders_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("orders");
	tc = tcase(s, "create");
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_create_invalid);
	tcase_add_test(tc, test_create_refused);
	tcase_add_test(tc, test_create_replay);
	tcase_add_test(tc, test_create_parallel);
	tcase_add_test(tc, test_create_parallel_days);
	tc = tcase(s, "update");
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_update_refused);
	tc = tcase(s, "cancel");
	tcase_add_test(tc, test_cancel);
	tc = tcase(s, "reorder");
	tcase_add_test(tc, test_reorder);
	tc = tcase(s, "bad bodies");
	tcase_add_test(tc, test_bad_bodies);
	tc = tcase(s, "cleanup");
	tcase_add_test(tc, test_cleanup);
	return s;
}

/* The suite's tokens. */
static void
run_setup(void)
{
	tok_owner = api_sign_in("owner@demo.example");
	suite_start = time(NULL) - 1;
	tok_manager = api_mint("demo-manager");
	tok_other = api_mint("other-owner");
	tok_staff = api_mint("demo-staff");
	tok_luis = api_mint("demo-staff-luis");
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_manager);
	mem_free(tok_other);
	mem_free(tok_staff);
	mem_free(tok_luis);
}

/* Run the suite against $KROW_TEST_URL; 77 when it is not set. */
int
main(void)
{
	return api_main("check_orders", orders_suite, run_setup, run_teardown);
}
