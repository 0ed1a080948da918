/*
 * check_commands: integration tests of krow-command (/commands/...)
 * through nginx with real tokens, against the demo data (sql/demo.sql):
 * the Idempotency-Key layer (lib/idem: missing and malformed keys,
 * replay, reuse with another payload, 4xx replay, a request in flight,
 * expiry and purge, 50 parallel duplicates), then each hub, invoice and
 * time-entry command: the happy path with the read models (krow-query) showing the
 * effect and the audit row, validation failures, forbidden actors, state
 * conflicts and ids of another business.  Bad requests must change
 * nothing: the suite counts rows before and after with
 * "$KROW_TEST_STACK psql $KROW_TEST_STATE".  It changes the demo data
 * (invoice INV-1004 ends approved, INV-2001 disputed; both are put back
 * to pending first, so that the suite can run again on one stack), so it
 * runs after the read-model suites.  Without $KROW_TEST_URL it skips
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
#define BIZ		ID("000000000101")
#define HUB_NY		ID("000000000501")
#define HUB_LDN		ID("000000000511")	/* the other business's */
#define OWNER_USER	ID("000000000401")
#define OTHER_USER	ID("000000000404")
#define MANAGER_USER	ID("000000000406")
#define INV_PENDING	ID("000000000904")	/* INV-1004, pending */
#define INV_PAID	ID("000000000901")
#define INV_OTHER	ID("000000000951")	/* INV-2001, other business */
#define LINE_904	ID("00000f802111")
#define LINE_951	ID("00000f852111")
#define MISSING		ID("0000000fffff")
#define HUB_SF		ID("000000000502")
#define TE_CLOSED	ID("00000e812111")	/* closed, SF, not billed */
#define TE_OPEN		ID("00000e804111")	/* open, Auckland */
#define TE_APPROVED	ID("00000e803111")	/* approved and invoiced */
#define TE_STATE(id) \
	"SELECT concat_ws('|', status, clock_in_at, clock_out_at," \
	" break_minutes, correction_reason) FROM time_entries" \
	" WHERE id = '" id "'"
#define NPARALLEL	50

static char	*tok_owner, *tok_manager, *tok_other, *tok_staff;


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

static long long
num(struct json_object *o, const char *k)
{
	struct json_object	*v;

	ck_assert_msg(json_object_object_get_ex(o, k, &v), "no %s", k);
	return json_object_get_int64(v);
}

/* Rows that any command could have written: hubs, tags, managers,
 * invoice states, audit rows. */
static long long
footprint(void)
{
	return api_sql_num("SELECT (SELECT count(*) FROM hubs) * 1000000 +"
	    " (SELECT count(*) FROM nfc_tags WHERE status = 'active') * 10000 +"
	    " (SELECT count(*) FROM hub_managers) * 100 +"
	    " (SELECT count(*) FROM audit_events WHERE action LIKE 'hub.%'"
	    " OR action LIKE 'invoice.%') +"
	    " (SELECT count(*) FROM invoices WHERE status = 'pending')"
	    " * 100000000");
}

/* Create a hub named name as the owner; its id (mem_free() it). */
static char *
new_hub(const char *name)
{
	struct http_res	 res;
	char		 body[256];
	char		*id;

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"timeZone\":"
	    "\"America/Chicago\"}", name);
	api_cmd("POST", "/commands/client/hubs", tok_owner, api_key(name), body,
	    &res);
	id = mem_strdup(str(api_json_ok(&res, 201), "hubId"));
	http_res_free(&res);
	return id;
}

/* ------------------------------------------------------------ idem */

START_TEST(test_key_missing_or_malformed)
{
	char		 longkey[300];
	long long	 before;

	before = footprint();
	api_expect("POST", "/commands/client/hubs", tok_owner, NULL,
	    "{\"name\":\"No Key\",\"timeZone\":\"UTC\"}", 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	memset(longkey, 'k', 256);
	longkey[256] = '\0';
	api_expect("POST", "/commands/client/hubs", tok_owner, longkey,
	    "{\"name\":\"Long Key\",\"timeZone\":\"UTC\"}", 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	api_expect("POST", "/commands/client/hubs", tok_owner, "caf\xc3\xa9",
	    "{\"name\":\"Bad Key\",\"timeZone\":\"UTC\"}", 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	api_expect("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_owner, NULL, NULL, 400, "IDEMPOTENCY_KEY_REQUIRED", NULL);
	ck_assert_int_eq(footprint(), before);
}
END_TEST

START_TEST(test_replay_and_reuse)
{
	struct http_res	 a, b;
	const char	*k;
	char		 v[64], q[512];
	long long	 before;

	k = api_key("replay");
	before =
	    api_sql_num("SELECT count(*) FROM hubs WHERE name = 'Replay Hub'");
	api_cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Replay Hub\",\"timeZone\":\"Europe/Paris\","
	    "\"geofenceRadiusMeters\":200}", &a);
	api_json_ok(&a, 201);
	ck_assert_ptr_null(http_header(&a, "Idempotent-Replayed", v,
	    sizeof(v)));
	/* Same payload, other member order and spacing: replayed. */
	api_cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{ \"geofenceRadiusMeters\": 200, \"timeZone\": \"Europe/Paris\", "
	    "\"name\": \"Replay Hub\" }", &b);
	api_json_ok(&b, 201);
	ck_assert_str_eq(a.body, b.body);
	ck_assert_ptr_nonnull(http_header(&b, "Idempotent-Replayed", v,
	    sizeof(v)));
	ck_assert_str_eq(v, "true");
	http_res_free(&b);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM hubs WHERE name ="
	    " 'Replay Hub'"), before + 1);
	/* One audit row, with the first request's id. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = 'hub.create' AND target_id = '%s' AND actor_user_id ="
	    " '" OWNER_USER "' AND request_id IS NOT NULL",
	    str(http_json(&a), "hubId"));
	ck_assert_int_eq(api_sql_num(q), 1);
	http_res_free(&a);

	/* The same key with another payload. */
	before = footprint();
	api_expect("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Replay Hub 2\",\"timeZone\":\"Europe/Paris\"}", 422,
	    "IDEMPOTENCY_KEY_REUSED", NULL);
	ck_assert_int_eq(footprint(), before);
	/* The same key on another route is another key. */
	api_cmd("POST", "/commands/client/invoices/" MISSING "/approve",
	    tok_owner, k, NULL, &a);
	api_envelope(&a, 404, "NOT_FOUND", NULL);
	http_res_free(&a);
	/* And for another user too. */
	api_cmd("POST", "/commands/client/hubs", tok_other, k,
	    "{\"name\":\"Replay Hub\",\"timeZone\":\"Europe/Paris\","
	    "\"geofenceRadiusMeters\":200}", &a);
	api_json_ok(&a, 201);
	ck_assert_ptr_null(http_header(&a, "Idempotent-Replayed", v,
	    sizeof(v)));
	http_res_free(&a);
}
END_TEST

START_TEST(test_4xx_stored)
{
	struct http_res	 a, b;
	const char	*k;
	char		 v[64];
	long long	 before;

	before = footprint();
	k = api_key("bad");
	api_cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"\",\"timeZone\":\"UTC\"}", &a);
	api_envelope(&a, 400, "VALIDATION_ERROR", "name");
	api_cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"timeZone\":\"UTC\",\"name\":\"\"}", &b);
	api_envelope(&b, 400, "VALIDATION_ERROR", "name");
	ck_assert_str_eq(a.body, b.body);	/* the first requestId too */
	ck_assert_ptr_nonnull(http_header(&b, "Idempotent-Replayed", v,
	    sizeof(v)));
	http_res_free(&a);
	http_res_free(&b);
	ck_assert_int_eq(footprint(), before);
}
END_TEST

/*
 * A request whose key is held by another transaction (psql holding the
 * advisory lock the way a running command does) answers 409 with
 * Retry-After, and the same request succeeds once it is released.
 */
START_TEST(test_in_progress)
{
	struct http_res	 res;
	char		 q[1024], v[64];
	const char	*k;
	pid_t		 pid;
	int		 st;

	k = api_key("busy");
	snprintf(q, sizeof(q), "BEGIN; SELECT pg_advisory_xact_lock("
	    "hashtextextended(E'" OWNER_USER "\\nPOST\\n/commands/client/hubs"
	    "\\n%s', 0)); SELECT pg_sleep(3); COMMIT;", k);
	fflush(NULL);
	ck_assert((pid = fork()) != -1);
	if (pid == 0) {
		mem_free(api_sql(q));
		_exit(0);
	}
	sleep(1);
	api_cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Busy Hub\",\"timeZone\":\"UTC\"}", &res);
	api_envelope(&res, 409, "IDEMPOTENCY_IN_PROGRESS", NULL);
	ck_assert_ptr_nonnull(http_header(&res, "Retry-After", v, sizeof(v)));
	ck_assert_int_ge(atoi(v), 1);
	http_res_free(&res);
	ck_assert(waitpid(pid, &st, 0) == pid);
	api_cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Busy Hub\",\"timeZone\":\"UTC\"}", &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
}
END_TEST

/* An expired key is a new key; expired rows are purged. */
START_TEST(test_expiry_and_purge)
{
	struct http_res	 res;
	char		 q[512], *k1, *k2;

	k1 = mem_strdup(api_key("old1"));
	k2 = mem_strdup(api_key("old2"));
	api_cmd("POST", "/commands/client/hubs", tok_owner, k1,
	    "{\"name\":\"Old Hub 1\",\"timeZone\":\"UTC\"}", &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
	api_cmd("POST", "/commands/client/hubs", tok_owner, k2,
	    "{\"name\":\"Old Hub 2\",\"timeZone\":\"UTC\"}", &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
	snprintf(q, sizeof(q), "UPDATE idempotency_keys SET created_at ="
	    " now() - interval '25 hours', expires_at = now() - interval"
	    " '1 hour' WHERE key IN ('%s', '%s')", k1, k2);
	mem_free(api_sql(q));
	/* k1 with another payload: not 422, a new request. */
	api_cmd("POST", "/commands/client/hubs", tok_owner, k1,
	    "{\"name\":\"Old Hub 3\",\"timeZone\":\"UTC\"}", &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
	/* k2 was purged by that command. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM idempotency_keys"
	    " WHERE key = '%s'", k2);
	ck_assert_int_eq(api_sql_num(q), 0);
	mem_free(k1);
	mem_free(k2);
}
END_TEST

/*
 * 50 identical requests at once with one key: exactly one hub, and every
 * answer is the stored one (201, same body) or 409 in progress.
 */
START_TEST(test_parallel_duplicates)
{
	struct http_res	 res;
	char		 dir[] = "/tmp/check_commands.par.XXXXXX";
	char		 path[256], first[8192], buf[8192], body[256];
	const char	*k;
	pid_t		 pids[NPARALLEL];
	FILE		*f;
	size_t		 n;
	int		 i, st, created = 0, busy = 0;
	long		 status;

	k = api_key("par");
	snprintf(body, sizeof(body), "{\"name\":\"Parallel %s\","
	    "\"timeZone\":\"UTC\"}", k);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	fflush(NULL);
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert((pids[i] = fork()) != -1);
		if (pids[i] != 0)
			continue;
		api_cmd("POST", "/commands/client/hubs", tok_owner, k, body,
		    &res);
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		if ((f = fopen(path, "w")) == NULL)
			_exit(1);
		fprintf(f, "%ld\n%s", res.status, res.body);
		fclose(f);
		_exit(0);
	}
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert(waitpid(pids[i], &st, 0) == pids[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	first[0] = '\0';
	for (i = 0; i < NPARALLEL; i++) {
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		ck_assert_ptr_nonnull(f = fopen(path, "r"));
		ck_assert(fscanf(f, "%ld\n", &status) == 1);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		unlink(path);
		if (status == 409) {
			ck_assert_ptr_nonnull(strstr(buf,
			    "IDEMPOTENCY_IN_PROGRESS"));
			busy++;
			continue;
		}
		ck_assert_msg(status == 201, "status %ld: %s", status, buf);
		if (first[0] == '\0')
			memcpy(first, buf, n + 1);
		ck_assert_str_eq(buf, first);
		created++;
	}
	rmdir(dir);
	ck_assert_int_eq(created + busy, NPARALLEL);
	ck_assert_int_ge(created, 1);
	snprintf(path, sizeof(path), "SELECT count(*) FROM hubs WHERE name ="
	    " 'Parallel %s'", k);
	ck_assert_int_eq(api_sql_num(path), 1);
	snprintf(path, sizeof(path), "SELECT count(*) FROM audit_events a"
	    " JOIN hubs h ON a.target_id = h.id::text WHERE h.name ="
	    " 'Parallel %s' AND a.action = 'hub.create'", k);
	ck_assert_int_eq(api_sql_num(path), 1);
}
END_TEST

/* ------------------------------------------------------------ hubs */

START_TEST(test_hub_create)
{
	struct http_res	 res;
	struct json_object *o, *h;
	char		 path[256], *id;

	api_cmd("POST", "/commands/client/hubs", tok_owner, api_key("create"),
	    "{\"name\":\"Lakeside Venue\",\"timeZone\":\"America/Chicago\","
	    "\"address\":{\"line1\":\"1 Lake St\",\"city\":\"Chicago\","
	    "\"region\":\"IL\",\"postalCode\":\"60601\",\"country\":\"US\"},"
	    "\"location\":{\"latitude\":41.8857,\"longitude\":-87.6181},"
	    "\"geofenceRadiusMeters\":300,"
	    "\"clockInMethods\":[\"geofence\",\"manual\"]}", &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "name"), "Lakeside Venue");
	ck_assert_str_eq(str(o, "status"), "active");
	ck_assert_int_eq(num(o, "geofenceRadiusMeters"), 300);
	id = mem_strdup(str(o, "hubId"));
	ck_assert(uuid_valid(id));
	http_res_free(&res);

	api_get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = api_find(api_json_ok(&res, 200), "hubId", id);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(str(h, "timeZone"), "America/Chicago");
	ck_assert_int_eq(num(h, "geofenceRadiusMeters"), 300);
	http_res_free(&res);
	/* Not visible to the other business, nor to a manager of NY. */
	api_get_as("/query/client/hubs?limit=200", tok_other, &res);
	ck_assert_ptr_null(api_find(api_json_ok(&res, 200), "hubId", id));
	http_res_free(&res);
	snprintf(path, sizeof(path), "SELECT count(*) FROM hubs WHERE id ="
	    " '%s' AND business_id = '" BIZ "'", id);
	ck_assert_int_eq(api_sql_num(path), 1);
	mem_free(id);
}
END_TEST

START_TEST(test_hub_create_invalid)
{
	struct http_res	 res;
	long long	 before;

	before = footprint();
	api_cmd("POST", "/commands/client/hubs", tok_owner, api_key("inv1"),
	    "{\"timeZone\":\"UTC\",\"geofenceRadiusMeters\":5,\"color\":1}",
	    &res);
	api_envelope(&res, 400, "VALIDATION_ERROR", "name");
	api_envelope(&res, 400, "VALIDATION_ERROR", "geofenceRadiusMeters");
	api_envelope(&res, 400, "VALIDATION_ERROR", "color");
	http_res_free(&res);
	api_expect("POST", "/commands/client/hubs", tok_owner, api_key("inv2"),
	    "{\"name\":\"X\",\"timeZone\":\"Mars/Olympus\"}", 400,
	    "VALIDATION_ERROR", "timeZone");
	api_cmd("POST", "/commands/client/hubs", tok_owner, api_key("inv3"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\",\"address\":"
	    "{\"country\":\"usa\"},\"location\":{\"latitude\":91,"
	    "\"longitude\":0},\"clockInMethods\":[\"nfc\",\"nfc\"]}", &res);
	api_envelope(&res, 400, "VALIDATION_ERROR", "address.country");
	api_envelope(&res, 400, "VALIDATION_ERROR", "location.latitude");
	api_envelope(&res, 400, "VALIDATION_ERROR", "clockInMethods");
	http_res_free(&res);
	api_expect("POST", "/commands/client/hubs", tok_owner, api_key("inv4"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\",\"clockInMethods\":"
	    "[\"teleport\"]}", 400, "VALIDATION_ERROR", "clockInMethods");
	api_expect("POST", "/commands/client/hubs", tok_owner, api_key("inv5"),
	    "{\"name\": ", 400, "BAD_REQUEST", NULL);
	api_expect("POST", "/commands/client/hubs", tok_owner, api_key("inv6"),
	    "[1]", 400, "BAD_REQUEST", NULL);
	ck_assert_int_eq(footprint(), before);
}
END_TEST

START_TEST(test_hub_forbidden)
{
	long long	 before;

	before = footprint();
	api_expect("POST", "/commands/client/hubs", tok_manager, api_key("f1"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\"}", 403, "FORBIDDEN", NULL);
	api_expect("POST", "/commands/client/hubs", tok_staff, api_key("f2"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\"}", 403, "FORBIDDEN", NULL);
	api_expect("POST", "/commands/client/hubs/" HUB_NY "/archive",
	    tok_manager, api_key("f3"), NULL, 403, "FORBIDDEN", NULL);
	api_expect("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_manager, api_key("f4"), NULL, 403, "FORBIDDEN", NULL);
	ck_assert_int_eq(footprint(), before);
}
END_TEST

START_TEST(test_hub_update)
{
	struct http_res	 res;
	struct json_object *o, *h;
	char		 path[256], *id, *got;
	long long	 before;

	id = new_hub("Update Me");
	snprintf(path, sizeof(path), "/commands/client/hubs/%s", id);
	api_cmd("PATCH", path, tok_owner, api_key("upd"),
	    "{\"name\":\"Updated Hub\","
	    "\"location\":{\"latitude\":10.5,\"longitude\":20.25},"
	    "\"address\":{\"city\":\"Springfield\"}}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "name"), "Updated Hub");
	ck_assert_str_eq(str(o, "timeZone"), "America/Chicago");
	http_res_free(&res);
	api_get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = api_find(api_json_ok(&res, 200), "hubId", id);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(str(h, "name"), "Updated Hub");
	ck_assert(json_object_object_get_ex(h, "address", &o));
	ck_assert_str_eq(str(o, "city"), "Springfield");
	http_res_free(&res);
	/* The audit row has the name before and after. */
	snprintf(path, sizeof(path), "SELECT summary->'before'->>'name' ||"
	    " '>' || (summary->'after'->>'name') FROM audit_events WHERE"
	    " action = 'hub.update' AND target_id = '%s'", id);
	got = api_sql(path);
	ck_assert_str_eq(got, "Update Me>Updated Hub");
	mem_free(got);

	before = footprint();
	snprintf(path, sizeof(path), "/commands/client/hubs/%s", id);
	api_expect("PATCH", path, tok_owner, api_key("upd2"), "{}", 400,
	    "VALIDATION_ERROR", "body");
	api_expect("PATCH", path, tok_owner, api_key("upd3"), "{\"name\":null}",
	    400, "VALIDATION_ERROR", "name");
	api_expect("PATCH", path, tok_other, api_key("upd4"),
	    "{\"name\":\"Mine\"}", 404, "NOT_FOUND", NULL);
	api_expect("PATCH", "/commands/client/hubs/" HUB_LDN, tok_owner,
	    api_key("upd5"), "{\"name\":\"Mine\"}", 404, "NOT_FOUND", NULL);
	api_expect("PATCH", "/commands/client/hubs/not-a-uuid", tok_owner,
	    api_key("upd6"), "{\"name\":\"Mine\"}", 400, "VALIDATION_ERROR",
	    "hubId");
	ck_assert_int_eq(footprint(), before);
	mem_free(id);
}
END_TEST

START_TEST(test_hub_archive)
{
	struct http_res	 res;
	struct json_object *o;
	char		 path[256], *id;
	long long	 before;

	id = new_hub("Archive Me");
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/archive", id);
	api_cmd("POST", path, tok_owner, api_key("arc"), NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "archived");
	ck_assert_ptr_nonnull(str(o, "archivedAt"));
	http_res_free(&res);
	api_get_as("/query/client/hubs?status=archived&limit=200", tok_owner,
	    &res);
	ck_assert_ptr_nonnull(api_find(api_json_ok(&res, 200), "hubId", id));
	http_res_free(&res);
	api_get_as("/query/client/hubs?limit=200", tok_owner, &res);
	ck_assert_ptr_null(api_find(api_json_ok(&res, 200), "hubId", id));
	http_res_free(&res);

	before = footprint();
	api_cmd("POST", path, tok_owner, api_key("arc2"), NULL, &res);
	api_envelope(&res, 409, "CONFLICT", "state");
	ck_assert_ptr_nonnull(strstr(res.body, "archived"));
	http_res_free(&res);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s", id);
	api_expect("PATCH", path, tok_owner, api_key("arc3"),
	    "{\"name\":\"Z\"}", 409, "CONFLICT", "state");
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags", id);
	api_expect("POST", path, tok_owner, api_key("arc4"),
	    "{\"tagUid\":\"0A0B0C0D0E0F\"}", 409, "CONFLICT", "state");
	api_expect("POST", "/commands/client/hubs/" MISSING "/archive",
	    tok_owner, api_key("arc5"), NULL, 404, "NOT_FOUND", NULL);
	api_expect("POST", "/commands/client/hubs/" HUB_LDN "/archive",
	    tok_owner, api_key("arc6"), NULL, 404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);
	mem_free(id);
}
END_TEST

START_TEST(test_hub_managers)
{
	struct http_res	 res;
	struct json_object *o, *m;
	char		 path[256], list[256], *id;
	long long	 before;

	id = new_hub("Managed Hub");
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/managers", id);
	snprintf(list, sizeof(list), "/query/client/hubs/%s/managers", id);
	api_cmd("POST", path, tok_owner, api_key("man"),
	    "{\"userId\":\"" MANAGER_USER "\"}", &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "userId"), MANAGER_USER);
	ck_assert_str_eq(str(o, "hubId"), id);
	http_res_free(&res);
	api_get_as(list, tok_owner, &res);
	m = api_find(api_json_ok(&res, 200), "userId", MANAGER_USER);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(str(m, "role"), "manager");
	http_res_free(&res);
	/* The manager now sees the hub. */
	api_get_as("/query/client/hubs?limit=200", tok_manager, &res);
	ck_assert_ptr_nonnull(api_find(api_json_ok(&res, 200), "hubId", id));
	http_res_free(&res);

	before = footprint();
	api_expect("POST", path, tok_owner, api_key("man2"),
	    "{\"userId\":\"" MANAGER_USER "\"}", 409, "CONFLICT", NULL);
	api_expect("POST", path, tok_owner, api_key("man3"),
	    "{\"userId\":\"" OWNER_USER "\"}", 400, "VALIDATION_ERROR",
	    "userId");
	api_expect("POST", path, tok_owner, api_key("man4"),
	    "{\"userId\":\"" OTHER_USER "\"}", 404, "NOT_FOUND", NULL);
	api_expect("POST", path, tok_owner, api_key("man5"),
	    "{\"userId\":\"x\"}", 400, "VALIDATION_ERROR", "userId");
	api_expect("POST", path, tok_other, api_key("man6"),
	    "{\"userId\":\"" OTHER_USER "\"}", 404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);

	snprintf(path, sizeof(path), "/commands/client/hubs/%s/managers/"
	    MANAGER_USER, id);
	api_cmd("DELETE", path, tok_owner, api_key("mdel"), NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "userId"), MANAGER_USER);
	http_res_free(&res);
	api_get_as(list, tok_owner, &res);
	ck_assert_ptr_null(api_find(api_json_ok(&res, 200), "userId",
	    MANAGER_USER));
	http_res_free(&res);
	api_expect("DELETE", path, tok_owner, api_key("mdel2"), NULL, 404,
	    "NOT_FOUND", NULL);
	mem_free(id);
}
END_TEST

START_TEST(test_hub_nfc_tags)
{
	struct http_res	 res;
	struct json_object *o, *h;
	char		 path[256], uid[40], lower[40], body[128];
	char		*id, *id2, *tag;
	size_t		 i;
	long long	 before;

	id = new_hub("Tagged Hub");
	id2 = new_hub("Tagged Hub 2");
	snprintf(uid, sizeof(uid), "%08lX%04X", (unsigned long)time(NULL),
	    (unsigned)getpid() & 0xffff);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags", id);
	snprintf(body, sizeof(body), "{\"tagUid\":\"%s\","
	    "\"label\":\"Front door\"}", uid);
	api_cmd("POST", path, tok_owner, api_key("nfc"), body, &res);
	o = api_json_ok(&res, 201);
	ck_assert_str_eq(str(o, "tagUid"), uid);
	ck_assert_str_eq(str(o, "status"), "active");
	tag = mem_strdup(str(o, "tagId"));
	http_res_free(&res);
	api_get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = api_find(api_json_ok(&res, 200), "hubId", id);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(num(h, "nfcTagCount"), 1);
	http_res_free(&res);

	before = footprint();
	/* The same uid (any case) at another hub: taken. */
	for (i = 0; uid[i] != '\0'; i++)
		lower[i] = (char)(uid[i] >= 'A' && uid[i] <= 'F' ?
		    uid[i] + 32 : uid[i]);
	lower[i] = '\0';
	snprintf(body, sizeof(body), "{\"tagUid\":\"%s\"}", lower);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags", id2);
	api_expect("POST", path, tok_owner, api_key("nfc2"), body, 409,
	    "CONFLICT", "tagUid");
	/* And a tag of the demo data. */
	api_expect("POST", path, tok_owner, api_key("nfc3"),
	    "{\"tagUid\":\"04A1B2C3D4E5F6\"}", 409, "CONFLICT", "tagUid");
	api_expect("POST", path, tok_owner, api_key("nfc4"),
	    "{\"tagUid\":\"XYZ\"}", 400, "VALIDATION_ERROR", "tagUid");
	api_expect("POST", path, tok_owner, api_key("nfc5"),
	    "{\"tagUid\":\"0011223344ZZ\"}", 400, "VALIDATION_ERROR",
	    "tagUid");
	api_expect("POST", "/commands/client/hubs/" HUB_LDN "/nfc-tags",
	    tok_owner, api_key("nfc6"), "{\"tagUid\":\"00112233\"}", 404,
	    "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);

	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags/%s",
	    id, tag);
	api_cmd("DELETE", path, tok_owner, api_key("rev"), NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "revoked");
	http_res_free(&res);
	api_get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = api_find(api_json_ok(&res, 200), "hubId", id);
	ck_assert_int_eq(num(h, "nfcTagCount"), 0);
	http_res_free(&res);
	api_cmd("DELETE", path, tok_owner, api_key("rev2"), NULL, &res);
	api_envelope(&res, 409, "CONFLICT", "state");
	ck_assert_ptr_nonnull(strstr(res.body, "revoked"));
	http_res_free(&res);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags/%s",
	    id2, tag);
	api_expect("DELETE", path, tok_owner, api_key("rev3"), NULL, 404,
	    "NOT_FOUND", NULL);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags/%s",
	    id, tag);
	api_expect("DELETE", path, tok_other, api_key("rev4"), NULL, 404,
	    "NOT_FOUND", NULL);
	mem_free(tag);
	mem_free(id);
	mem_free(id2);
}
END_TEST

/* -------------------------------------------------------- invoices */

START_TEST(test_invoice_approve)
{
	struct http_res	 res;
	struct json_object *o;
	char		 rid[64], q[512];
	long long	 before;

	/* The demo state of INV-1004, so that the suite can run again. */
	mem_free(api_sql("UPDATE invoices SET status = 'pending', approved_at ="
	    " NULL, approved_by = NULL WHERE id = '" INV_PENDING "'"));
	before = footprint();
	api_expect("POST", "/commands/client/invoices/" INV_OTHER "/approve",
	    tok_owner, api_key("ap0"), NULL, 404, "NOT_FOUND", NULL);
	api_expect("POST", "/commands/client/invoices/" INV_PAID "/approve",
	    tok_owner, api_key("ap1"), NULL, 409, "CONFLICT", "state");
	api_expect("POST", "/commands/client/invoices/xyz/approve",
	    tok_owner, api_key("ap2"), NULL, 400, "VALIDATION_ERROR",
	    "invoiceId");
	ck_assert_int_eq(footprint(), before);

	api_cmd("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_owner, api_key("ap"), NULL, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "approved");
	ck_assert_str_eq(str(o, "approvedBy"), OWNER_USER);
	ck_assert_ptr_nonnull(http_header(&res, "X-Request-Id", rid,
	    sizeof(rid)));
	http_res_free(&res);
	api_get_as("/query/client/billing/invoices/pending?limit=200",
	    tok_owner, &res);
	ck_assert_ptr_null(api_find(api_json_ok(&res, 200), "invoiceId",
	    INV_PENDING));
	http_res_free(&res);
	api_get_as("/query/client/billing/invoices/history?limit=200",
	    tok_owner, &res);
	o = api_find(api_json_ok(&res, 200), "invoiceId", INV_PENDING);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str(o, "status"), "approved");
	http_res_free(&res);
	/* The audit row: actor, target, before/after, the request's id. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = 'invoice.approve' AND target_id = '" INV_PENDING "'"
	    " AND actor_user_id = '" OWNER_USER "' AND request_id = '%s'"
	    " AND summary->'before'->>'status' = 'pending'"
	    " AND summary->'after'->>'status' = 'approved'", rid);
	ck_assert_int_eq(api_sql_num(q), 1);

	api_cmd("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_owner, api_key("ap3"), NULL, &res);
	api_envelope(&res, 409, "CONFLICT", "state");
	ck_assert_ptr_nonnull(strstr(res.body, "approved"));
	http_res_free(&res);
	api_expect("POST", "/commands/client/invoices/" INV_PENDING "/dispute",
	    tok_owner, api_key("ap4"), "{\"reason\":\"late\"}", 409, "CONFLICT",
	    "state");
}
END_TEST

START_TEST(test_invoice_dispute)
{
	struct http_res	 res;
	struct json_object *o;
	long long	 before;
	const char	*path = "/commands/client/invoices/" INV_OTHER
	    "/dispute";

	/* The demo state of INV-2001, so that the suite can run again. */
	mem_free(api_sql("UPDATE invoice_lines SET disputed = false,"
	    " dispute_note = NULL WHERE invoice_id = '" INV_OTHER "';"
	    " UPDATE invoices SET status = 'pending', disputed_at = NULL,"
	    " disputed_by = NULL, dispute_reason = NULL WHERE id = '" INV_OTHER
	    "'"));
	before = footprint();
	api_expect("POST", path, tok_other, api_key("d1"), "{}", 400,
	    "VALIDATION_ERROR", "reason");
	api_expect("POST", path, tok_other, api_key("d2"),
	    "{\"reason\":\"x\",\"lines\":[{\"lineId\":\"nope\"}]}", 400,
	    "VALIDATION_ERROR", "lines[0].lineId");
	api_expect("POST", path, tok_other, api_key("d3"),
	    "{\"reason\":\"x\",\"lines\":[{\"lineId\":\"" LINE_951 "\"},"
	    "{\"lineId\":\"" LINE_951 "\"}]}", 400, "VALIDATION_ERROR",
	    "lines[1].lineId");
	api_expect("POST", path, tok_other, api_key("d4"),
	    "{\"reason\":\"x\",\"lines\":[]}", 400, "VALIDATION_ERROR",
	    "lines");
	/* A line of another invoice, an invoice of another business. */
	api_expect("POST", path, tok_other, api_key("d5"),
	    "{\"reason\":\"x\",\"lines\":[{\"lineId\":\"" LINE_904 "\"}]}",
	    404, "NOT_FOUND", "lines");
	api_expect("POST", path, tok_owner, api_key("d6"), "{\"reason\":\"x\"}",
	    404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);

	api_cmd("POST", path, tok_other, api_key("d"),
	    "{\"reason\":\"Two hours billed twice\",\"lines\":[{\"lineId\":"
	    "\"" LINE_951 "\",\"note\":\"left at 13:00\"}]}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "disputed");
	ck_assert_str_eq(str(o, "disputeReason"), "Two hours billed twice");
	ck_assert_int_eq(num(o, "disputedLineCount"), 1);
	http_res_free(&res);
	api_get_as("/query/client/billing/invoices/pending?status=disputed"
	    "&limit=200", tok_other, &res);
	o = api_find(api_json_ok(&res, 200), "invoiceId", INV_OTHER);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str(o, "status"), "disputed");
	ck_assert_int_eq(num(o, "disputedLineCount"), 1);
	ck_assert_str_eq(str(o, "disputeReason"), "Two hours billed twice");
	http_res_free(&res);
	ck_assert_int_eq(api_sql_num("SELECT count(*) FROM invoice_lines WHERE"
	    " id = '" LINE_951 "' AND disputed AND dispute_note ="
	    " 'left at 13:00'"), 1);
	api_expect("POST", "/commands/client/invoices/" INV_OTHER "/approve",
	    tok_other, api_key("d7"), NULL, 409, "CONFLICT", "state");
}
END_TEST

/* ----------------------------------------------------- time entries */

/* totals.minutes of the SF spend (uninvoiced closed work included). */
static long long
sf_minutes(void)
{
	struct http_res	 res;
	struct json_object *o, *t;
	long long	 m;

	api_get_as("/query/client/billing/spend-breakdown?hubId=" HUB_SF,
	    tok_owner, &res);
	o = api_json_ok(&res, 200);
	ck_assert(json_object_object_get_ex(o, "totals", &t));
	m = num(t, "minutes");
	http_res_free(&res);
	return m;
}

START_TEST(test_time_entry_correct)
{
	struct http_res	 res;
	struct json_object *o;
	const char	*path = "/commands/client/time-entries/" TE_CLOSED
	    "/correct";
	char		 body[256], ts[32], rid[64], q[512], *before, *after;
	long long	 minutes;
	time_t		 now;

	/* The demo state of the two entries, so that reruns work. */
	mem_free(api_sql("UPDATE time_entries SET break_minutes = 0,"
	    " corrected_by = NULL, corrected_at = NULL, correction_reason ="
	    " NULL WHERE id = '" TE_CLOSED "'; UPDATE time_entries SET"
	    " clock_out_at = NULL, clock_out_method = NULL, status = 'open',"
	    " corrected_by = NULL, corrected_at = NULL, correction_reason ="
	    " NULL WHERE id = '" TE_OPEN "'"));
	before = api_sql(TE_STATE(TE_CLOSED));
	minutes = sf_minutes();

	api_expect("POST", path, tok_owner, api_key("te1"),
	    "{\"breakMinutes\":30}", 400, "VALIDATION_ERROR", "reason");
	api_expect("POST", path, tok_owner, api_key("te2"),
	    "{\"reason\":\"x\"}", 400, "VALIDATION_ERROR", "body");
	api_expect("POST", path, tok_owner, api_key("te3"),
	    "{\"breakMinutes\":300,\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "breakMinutes");
	api_expect("POST", path, tok_owner, api_key("te4"),
	    "{\"clockOutAt\":\"2001-01-01T00:00:00Z\",\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "clockOutAt");
	api_expect("POST", path, tok_owner, api_key("te5"),
	    "{\"clockOutAt\":\"2999-01-01T00:00:00Z\",\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "clockOutAt");
	api_expect("POST", path, tok_owner, api_key("te6"),
	    "{\"clockOutAt\":\"yesterday\",\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "clockOutAt");
	/* The manager of New York does not see San Francisco's work. */
	api_expect("POST", path, tok_manager, api_key("te7"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	api_expect("POST", path, tok_other, api_key("te8"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	api_expect("POST", path, tok_staff, api_key("te9"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 403, "FORBIDDEN", NULL);
	api_expect("POST", "/commands/client/time-entries/" TE_APPROVED
	    "/correct", tok_owner, api_key("te10"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 409, "CONFLICT",
	    "state");
	after = api_sql(TE_STATE(TE_CLOSED));
	ck_assert_str_eq(after, before);
	mem_free(after);
	ck_assert_int_eq(sf_minutes(), minutes);

	api_cmd("POST", path, tok_owner, api_key("te"), "{\"breakMinutes\":30,"
	    "\"reason\":\"Took a 30 minute break\"}", &res);
	o = api_json_ok(&res, 200);
	ck_assert_int_eq(num(o, "breakMinutes"), 30);
	ck_assert_str_eq(str(o, "correctedBy"), OWNER_USER);
	ck_assert_str_eq(str(o, "correctionReason"), "Took a 30 minute break");
	ck_assert_ptr_nonnull(http_header(&res, "X-Request-Id", rid,
	    sizeof(rid)));
	http_res_free(&res);
	ck_assert_int_eq(sf_minutes(), minutes - 30);
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = 'time_entry.correct' AND target_id = '" TE_CLOSED "'"
	    " AND request_id = '%s' AND actor_user_id = '" OWNER_USER "'"
	    " AND (summary->'before'->>'breakMinutes')::int = 0"
	    " AND (summary->'after'->>'breakMinutes')::int = 30", rid);
	ck_assert_int_eq(api_sql_num(q), 1);
	mem_free(before);

	/* An open entry: the clock-out closes it. */
	now = time(NULL) - 60;
	ck_assert(strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime(&now)) > 0);
	snprintf(body, sizeof(body), "{\"clockOutAt\":\"%s\",\"reason\":"
	    "\"Forgot to clock out\"}", ts);
	api_cmd("POST", "/commands/client/time-entries/" TE_OPEN "/correct",
	    tok_owner, api_key("te11"), body, &res);
	o = api_json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "closed");
	ck_assert_str_eq(str(o, "clockOutAt"), ts);
	ck_assert_str_eq(str(o, "clockOutMethod"), "manual");
	http_res_free(&res);
}
END_TEST

static Suite *
commands_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("commands");
	tc = api_tcase(s, "idempotency", 120);
	tcase_add_test(tc, test_key_missing_or_malformed);
	tcase_add_test(tc, test_replay_and_reuse);
	tcase_add_test(tc, test_4xx_stored);
	tcase_add_test(tc, test_in_progress);
	tcase_add_test(tc, test_expiry_and_purge);
	tcase_add_test(tc, test_parallel_duplicates);
	tc = api_tcase(s, "hubs", 120);
	tcase_add_test(tc, test_hub_create);
	tcase_add_test(tc, test_hub_create_invalid);
	tcase_add_test(tc, test_hub_forbidden);
	tcase_add_test(tc, test_hub_update);
	tcase_add_test(tc, test_hub_archive);
	tcase_add_test(tc, test_hub_managers);
	tcase_add_test(tc, test_hub_nfc_tags);
	tc = api_tcase(s, "invoices", 120);
	tcase_add_test(tc, test_invoice_approve);
	tcase_add_test(tc, test_invoice_dispute);
	tc = api_tcase(s, "time entries", 120);
	tcase_add_test(tc, test_time_entry_correct);
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
}

static void
run_teardown(void)
{
	mem_free(tok_owner);
	mem_free(tok_manager);
	mem_free(tok_other);
	mem_free(tok_staff);
}

/* Run the suite against $KROW_TEST_URL; 77 when it is not set. */
int
main(void)
{
	return api_main("check_commands", commands_suite, run_setup,
	    run_teardown);
}
