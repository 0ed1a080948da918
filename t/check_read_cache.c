/*
 * check_read_cache: the query workers' cache of the aggregate documents
 * (fcgi/query/qcache.c) never answers what a committed write changed,
 * and does answer a repeat read of unchanged data.  Through nginx with
 * real tokens, against the demo data (query_cache_seconds at its
 * default, 5 s):
 *
 *   - each cached route (the client and staff aggregates and short
 *     lists: ROUTE_CACHED in fcgi/query/main.c) says
 *     "X-Krow-Cache: miss" or "hit", never "off" (every table its
 *     statement reads is marked), and a hit is byte for byte the
 *     document of the miss before it;
 *   - after a write to the caller's business (a hub renamed, through SQL
 *     as well as through the hub command) or to the worker's payments,
 *     every answer shows it, the first one a miss;
 *   - a write to another business leaves the owner's entries valid, but
 *     makes the worker's dashboard (which shows every business's open
 *     shifts) stale, and so does another worker's assignment that stops
 *     or starts filling a position;
 *   - raising the marks' floor makes older entries stale;
 *   - the purge moves the floor and deletes the marks below it;
 *   - krow_read_marks_uncovered() names a table no trigger marks;
 *   - with query_cache_seconds = 0 the documents are the same and carry
 *     no X-Krow-Cache (the setting is put back afterwards).
 *
 * Demo rows it changes are put back (also when a test fails).  Without
 * $KROW_TEST_URL it skips (exit 77).
 */
#include "config.h"

#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "buf.h"
#include "mem.h"
#include "conf.h"
#include "http.h"
#include "api.h"
#include "authtest.h"

#define ID(n)		"00000000-0000-4000-8000-" n
#define HUB_NY		ID("000000000501")
#define HUB_LDN		ID("000000000511")	/* Other Catering's */
#define SAM		ID("000000000301")	/* demo-staff */
/* A confirmed assignment of another demo worker, demo business 1. */
#define OTHER_ASSIGNMENT	ID("000000806121")
#define VENDOR		ID("000000000201")	/* Demo Staffing */
#define NY_NAME		"Downtown Grand Hotel"
#define LDN_NAME	"Other Kitchen"
#define TRIES		24	/* answers to wait for a hit (pools of N) */
#define AFTER		8	/* answers checked after a write */

static char	*tok_owner, *tok_sam;

/* The routes cached, and who asks. */
static const struct {
	const char	*path;
	int		 staff;
} routes[] = {
	{ "/query/client/dashboard", 0 },
	{ "/query/client/coverage/stats", 0 },
	{ "/query/client/billing/current-bill", 0 },
	{ "/query/client/billing/savings", 0 },
	{ "/query/client/billing/spend-breakdown", 0 },
	{ "/query/client/hubs", 0 },
	{ "/query/client/hubs/" HUB_NY "/managers", 0 },
	{ "/query/client/cost-centers", 0 },
	{ "/query/client/vendors", 0 },
	{ "/query/client/vendors/" VENDOR "/roles", 0 },
	{ "/query/client/billing/accounts", 0 },
	{ "/query/staff/dashboard", 1 },
	{ "/query/staff/payments/summary", 1 },
	{ "/query/staff/payments/chart", 1 },
	{ "/query/staff/profile-completion", 1 },
	{ "/query/staff/profile/sections", 1 },
	{ "/query/staff/profile/personal-info", 1 },
	{ "/query/staff/profile/industries", 1 },
	{ "/query/staff/profile/skills", 1 },
	{ "/query/staff/profile/documents", 1 },
	{ "/query/staff/profile/certificates", 1 },
	{ "/query/staff/profile/bank-accounts", 1 },
	{ "/query/staff/profile/benefits", 1 },
};

/* Put the demo rows back. */
static const char fixture_restore[] =
    "UPDATE hubs SET name = '" NY_NAME "' WHERE id = '" HUB_NY "'"
    " AND name <> '" NY_NAME "';"
    " UPDATE hubs SET name = '" LDN_NAME "' WHERE id = '" HUB_LDN "'"
    " AND name <> '" LDN_NAME "';"
    " UPDATE assignments SET status = 'confirmed'"
    " WHERE id = '" OTHER_ASSIGNMENT "' AND status <> 'confirmed';"
    " SELECT 1";

/*
 * GET path; the answer must be a 200 with X-Krow-Cache "hit" or "miss".
 * Returns 1 for a hit; the body goes to *body (caller frees).
 */
static int
get(const char *path, const char *token, char **body)
{
	struct http_res	 res;
	char		 v[16];
	int		 hit;

	api_get_as(path, token, &res);
	ck_assert_msg(res.status == 200, "%s answered %ld: %s", path,
	    res.status, res.body);
	ck_assert_msg(http_header(&res, "X-Krow-Cache", v, sizeof(v)) != NULL,
	    "%s: no X-Krow-Cache header (the cache is off?)", path);
	ck_assert_msg(strcmp(v, "hit") == 0 || strcmp(v, "miss") == 0,
	    "%s: X-Krow-Cache: %s (a table it reads is not marked?)", path, v);
	hit = strcmp(v, "hit") == 0;
	*body = mem_strdup(res.body);
	http_res_free(&res);
	return hit;
}

/* Ask until an answer is a hit; it must repeat the document read before
 * it.  Returns that document. */
static char *
warm(const char *path, const char *token)
{
	char	*first, *b;
	int	 i;

	(void)get(path, token, &first);
	for (i = 0; i < TRIES; i++) {
		if (get(path, token, &b)) {
			ck_assert_msg(strcmp(b, first) == 0,
			    "%s: the hit differs from the miss:\n%s\n%s", path,
			    first, b);
			mem_free(first);
			return b;
		}
		/* Another worker's first read: the same document. */
		ck_assert_msg(strcmp(b, first) == 0, "%s changed unprompted",
		    path);
		mem_free(b);
	}
	ck_abort_msg("%s: no hit in %d answers", path, TRIES);
	return NULL;
}

/*
 * After a write: the next answer is a miss, and each of the next AFTER
 * answers holds want (and not gone, when given).
 */
static void
seen(const char *path, const char *token, const char *want,
    const char *gone)
{
	char	*b;
	int	 i, hit;

	for (i = 0; i < AFTER; i++) {
		hit = get(path, token, &b);
		ck_assert_msg(i > 0 || !hit, "%s: a hit right after a write",
		    path);
		ck_assert_msg(strstr(b, want) != NULL, "%s: answer %d lacks "
		    "%s: %s", path, i, want, b);
		ck_assert_msg(gone == NULL || strstr(b, gone) == NULL,
		    "%s: answer %d still has %s", path, i, gone);
		mem_free(b);
	}
}

/* Every cached route hits on a repeat, with the same document. */
START_TEST(test_hits)
{
	size_t	 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		mem_free(warm(routes[i].path, routes[i].staff ? tok_sam :
		    tok_owner));
}
END_TEST

/* A hub renamed through SQL, then through the command: seen at once. */
START_TEST(test_own_writes)
{
	static const char *const paths[] = {
		"/query/client/billing/spend-breakdown",
		"/query/client/coverage/stats",
	};
	char	*doc;
	size_t	 i;

	for (i = 0; i < 2; i++) {
		doc = warm(paths[i], tok_owner);
		ck_assert_msg(strstr(doc, NY_NAME) != NULL,
		    "%s does not show the hub", paths[i]);
		mem_free(doc);
	}
	api_sqlf("UPDATE hubs SET name = 'Cache Renamed Hotel' WHERE id = '%s'",
	    HUB_NY);
	for (i = 0; i < 2; i++)
		seen(paths[i], tok_owner, "Cache Renamed Hotel", NY_NAME);

	for (i = 0; i < 2; i++)
		mem_free(warm(paths[i], tok_owner));
	mem_free(api_send("PATCH", "/commands/client/hubs/" HUB_NY, tok_owner,
	    "rc", "{\"name\":\"Cache Commanded Hotel\"}", 200, NULL));
	for (i = 0; i < 2; i++)
		seen(paths[i], tok_owner, "Cache Commanded Hotel",
		    "Cache Renamed Hotel");
	mem_free(api_sql(fixture_restore));
	seen(paths[0], tok_owner, NY_NAME, "Cache Commanded Hotel");
}
END_TEST

/*
 * After a write to the worker's payments: the next answer is a miss, and
 * each of the next AFTER answers has paidCents paid.
 */
static void
paid_is(long long paid)
{
	struct json_object	*o;
	char			*b;
	int			 i, hit;

	for (i = 0; i < AFTER; i++) {
		hit = get("/query/staff/payments/summary", tok_sam, &b);
		ck_assert_msg(i > 0 || !hit, "a hit right after a write");
		ck_assert((o = json_tokener_parse(b)) != NULL);
		ck_assert_msg(api_num(o, "paidCents") == paid,
		    "answer %d: paidCents %lld, not %lld", i,
		    api_num(o, "paidCents"), paid);
		json_object_put(o);
		mem_free(b);
	}
}

/* A payment of the worker changed: the summary follows. */
START_TEST(test_staff_writes)
{
	long long	 paid;

	mem_free(warm("/query/staff/payments/summary", tok_sam));
	paid = api_sqlf_num("SELECT coalesce(sum(net_cents), 0) FROM"
	    " staff_payments WHERE staff_id = '%s' AND status = 'paid'", SAM);
	ck_assert_msg(paid > 0, "the demo worker has no paid payment");
	api_sqlf("UPDATE staff_payments SET net_cents = net_cents + 7,"
	    " gross_cents = gross_cents + 7 WHERE id = (SELECT id FROM"
	    " staff_payments WHERE staff_id = '%s' AND status = 'paid'"
	    " ORDER BY id LIMIT 1)", SAM);
	paid_is(paid + 7);
	mem_free(warm("/query/staff/payments/summary", tok_sam));
	api_sqlf("UPDATE staff_payments SET net_cents = net_cents - 7,"
	    " gross_cents = gross_cents - 7 WHERE id = (SELECT id FROM"
	    " staff_payments WHERE staff_id = '%s' AND status = 'paid'"
	    " ORDER BY id LIMIT 1)", SAM);
	paid_is(paid);
}
END_TEST

/* The worker's dashboard, warm, is a miss right after the write sql. */
static void
dashboard_stale(const char *sql, const char *what)
{
	char	*b;

	mem_free(warm("/query/staff/dashboard", tok_sam));
	mem_free(api_sql(sql));
	ck_assert_msg(!get("/query/staff/dashboard", tok_sam, &b),
	    "a hit after %s", what);
	mem_free(b);
}

/*
 * The worker's dashboard shows open shifts of every business: a write to
 * another business's orders makes it stale, and so does a change of a
 * position's filled count; a write to another worker's profile does not.
 */
START_TEST(test_market)
{
	char	*doc, *b;
	int	 i, hits = 0;

	dashboard_stale("UPDATE orders SET title = title WHERE id = (SELECT id"
	    " FROM orders WHERE business_id = '" ID("000000000102") "'"
	    " ORDER BY id LIMIT 1)", "a write to the market");
	/*
	 * Another worker's assignment that stops filling a position, and
	 * fills it again: the assignment marks only its business and that
	 * worker, and the roll-up's writes mark nothing (0025), so only the
	 * count the position keeps marks the market.
	 */
	dashboard_stale("UPDATE assignments SET status = 'applied'"
	    " WHERE id = '" OTHER_ASSIGNMENT "'",
	    "a position's filled count went down");
	dashboard_stale("UPDATE assignments SET status = 'confirmed'"
	    " WHERE id = '" OTHER_ASSIGNMENT "'",
	    "a position's filled count went up");
	doc = warm("/query/staff/dashboard", tok_sam);
	api_sqlf("UPDATE staff SET updated_at = updated_at WHERE id ="
	    " (SELECT id FROM staff WHERE id <> '%s' ORDER BY id LIMIT 1)",
	    SAM);
	for (i = 0; i < TRIES && hits == 0; i++) {
		hits += get("/query/staff/dashboard", tok_sam, &b);
		mem_free(b);
	}
	ck_assert_msg(hits > 0, "another worker's write made the dashboard "
	    "stale");
	mem_free(doc);
}
END_TEST

/* Another business's write leaves the owner's entries valid. */
START_TEST(test_other_business)
{
	char	*doc, *b;
	int	 i, hits = 0;

	doc = warm("/query/client/billing/spend-breakdown", tok_owner);
	api_sqlf("UPDATE hubs SET name = 'Cache Elsewhere' WHERE id = '%s'",
	    HUB_LDN);
	for (i = 0; i < TRIES && hits == 0; i++) {
		hits += get("/query/client/billing/spend-breakdown", tok_owner,
		    &b);
		ck_assert_str_eq(b, doc);
		mem_free(b);
	}
	ck_assert_msg(hits > 0, "another business's write made the owner's "
	    "entries stale");
	mem_free(doc);
	mem_free(api_sql(fixture_restore));
}
END_TEST

/* Entries read before the floor are stale; later ones hit again. */
START_TEST(test_floor)
{
	char	*doc, *b;

	doc = warm("/query/client/dashboard", tok_owner);
	api_sqlf("UPDATE read_mark_floor SET floor ="
	    " (pg_current_xact_id()::text::bigint + 1)::text::xid8");
	ck_assert_msg(!get("/query/client/dashboard", tok_owner, &b),
	    "an entry below the floor answered");
	ck_assert_str_eq(b, doc);
	mem_free(b);
	mem_free(warm("/query/client/dashboard", tok_owner));
	mem_free(doc);
}
END_TEST

/* The purge moves the floor to what it recorded and deletes below it. */
START_TEST(test_purge)
{
	long long	 n;
	char		*old;

	/* Marks of a few transactions, then a purge that is due. */
	api_sqlf("UPDATE hubs SET name = name WHERE id = '%s'", HUB_NY);
	api_sqlf("UPDATE hubs SET name = name WHERE id = '%s'", HUB_LDN);
	api_sqlf("UPDATE read_mark_floor SET next_floor ="
	    " pg_snapshot_xmin(pg_current_snapshot()),"
	    " next_at = now() - interval '2 minutes'");
	old = api_sql("SELECT next_floor::text FROM read_mark_floor");
	n = api_sql_num("SELECT count(*) FROM read_marks m, read_mark_floor f"
	    " WHERE m.xid < f.next_floor");
	ck_assert_msg(n > 0, "no marks to purge");
	/* A write in a new session purges (the triggers call it). */
	api_sqlf("UPDATE hubs SET name = name WHERE id = '%s'", HUB_NY);
	ck_assert_msg(api_sqlf_num("SELECT count(*) FROM read_mark_floor"
	    " WHERE floor::text = '%s' AND next_at > now() - interval"
	    " '1 minute'", old) == 1, "the floor did not move to %s", old);
	ck_assert_msg(api_sql_num("SELECT count(*) FROM read_marks m,"
	    " read_mark_floor f WHERE m.xid < f.floor") == 0,
	    "marks below the floor are left");
	mem_free(old);
	/* The cache still works on top. */
	mem_free(warm("/query/client/dashboard", tok_owner));
}
END_TEST

/* A statement reading an unmarked table is named as such. */
START_TEST(test_uncovered)
{
	char	*s;

	s = api_sql("PREPARE rc_p (uuid, uuid) AS SELECT count(*) FROM hubs h"
	    " JOIN audit_events a ON a.tenant_id = h.tenant_id"
	    " WHERE h.business_id = $1 AND ($2 IS NULL OR h.id = $2);"
	    " SELECT string_agg(t, ',') FROM"
	    " krow_read_marks_uncovered('rc_p', '{business,tenant}') t");
	ck_assert_str_eq(s, "audit_events");
	mem_free(s);
	s = api_sql("PREPARE rc_q AS SELECT count(*) FROM hubs;"
	    " SELECT string_agg(t, ',') FROM"
	    " krow_read_marks_uncovered('rc_q', '{staff,tenant}') t");
	ck_assert_str_eq(s, "hubs");
	mem_free(s);
	s = api_sql("PREPARE rc_r AS SELECT count(*) FROM staff_payments;"
	    " SELECT coalesce(string_agg(t, ','), 'none') FROM"
	    " krow_read_marks_uncovered('rc_r', '{staff,tenant}') t");
	ck_assert_str_eq(s, "none");
	mem_free(s);
}
END_TEST

/* Set query_cache_seconds and restart the query pool with it. */
static void
set_cache_seconds(long long v)
{
	char	buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	authtest_set("query_cache_seconds", buf, "query");
}

static long long	 cache_seconds = -1;	/* the stack's, once changed */

/* query_cache_seconds = 0: the same documents, no X-Krow-Cache. */
START_TEST(test_off)
{
	struct http_res	 res;
	char		*doc, v[16];
	int		 i;

	doc = warm("/query/client/dashboard", tok_owner);
	cache_seconds = authtest_conf_num(CONF_QUERY_CACHE_SECONDS);
	ck_assert_msg(cache_seconds > 0, "the stack's cache is off");
	set_cache_seconds(0);
	for (i = 0; i < 4; i++) {
		api_get_as("/query/client/dashboard", tok_owner, &res);
		ck_assert_int_eq(res.status, 200);
		ck_assert_msg(http_header(&res, "X-Krow-Cache", v, sizeof(v)) ==
		    NULL, "X-Krow-Cache: %s with the cache off", v);
		ck_assert_str_eq(res.body, doc);
		http_res_free(&res);
	}
	set_cache_seconds(cache_seconds);
	cache_seconds = -1;
	mem_free(warm("/query/client/dashboard", tok_owner));
	mem_free(doc);
}
END_TEST

static void
restore(void)
{
	mem_free(api_sql(fixture_restore));
	if (cache_seconds > 0) {
		set_cache_seconds(cache_seconds);
		cache_seconds = -1;
	}
}

static Suite *
read_cache_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("read cache");
	tc = api_tcase(s, "cache", 120);
	tcase_add_unchecked_fixture(tc, NULL, restore);
	tcase_add_test(tc, test_hits);
	tcase_add_test(tc, test_own_writes);
	tcase_add_test(tc, test_staff_writes);
	tcase_add_test(tc, test_other_business);
	tcase_add_test(tc, test_market);
	tcase_add_test(tc, test_floor);
	tcase_add_test(tc, test_purge);
	tcase_add_test(tc, test_uncovered);
	tc = api_tcase(s, "off", 120);
	tcase_add_unchecked_fixture(tc, NULL, restore);
	tcase_add_test(tc, test_off);
	return s;
}

static void
run_setup(void)
{
	tok_owner = api_mint("demo-owner");
	tok_sam = api_mint("demo-staff");
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_sam);
}

int
main(void)
{
	return api_main("check_read_cache", read_cache_suite, run_setup,
	    run_teardown);
}
