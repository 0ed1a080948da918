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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "buf.h"
#include "mem.h"
#include "uuid.h"
#include "http.h"

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

/* A key unique to this run and tag, so that reruns on one stack work. */
static const char *
key(const char *tag)
{
	static char	 k[5][128];
	static int	 i;
	char		*p;

	p = k[i++ % 5];
	snprintf(p, sizeof(k[0]), "%s-%ld-%ld", tag, (long)getpid(),
	    (long)time(NULL));
	return p;
}

/*
 * Send method path as token with body (NULL: none) and Idempotency-Key
 * idem (NULL: no header).
 */
static void
cmd(const char *method, const char *path, const char *token,
    const char *idem, const char *body, struct http_res *res)
{
	const char	*h[4];
	char		 auth[20000], k[600];
	size_t		 n = 0;

	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
	h[n++] = auth;
	if (idem != NULL) {
		ck_assert_int_lt(snprintf(k, sizeof(k), "Idempotency-Key: %s",
		    idem), (int)sizeof(k));
		h[n++] = k;
	}
	if (body != NULL)
		h[n++] = "Content-Type: application/json";
	h[n] = NULL;
	ck_assert_msg(http_do(method, path, h, body, res) == 0,
	    "no HTTP answer (is the stack running?)");
}

static void
get_as(const char *path, const char *token, struct http_res *res)
{
	const char	*h[2];
	char		 auth[20000];

	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
	h[0] = auth;
	h[1] = NULL;
	ck_assert(http_do("GET", path, h, NULL, res) == 0);
}

static struct json_object *
json_ok(struct http_res *res, long status)
{
	char	 v[256];

	ck_assert_msg(res->status == status, "status %ld, want %ld: %.2000s",
	    res->status, status, res->body);
	ck_assert_ptr_nonnull(http_header(res, "Content-Type", v, sizeof(v)));
	ck_assert_int_eq(strncmp(v, "application/json", 16), 0);
	ck_assert_msg(http_json(res) != NULL, "not JSON: %s", res->body);
	return http_json(res);
}

/* The error envelope with code, and (field not NULL) details naming it. */
static void
envelope(struct http_res *res, long status, const char *code,
    const char *field)
{
	struct json_object	*o, *v, *d;

	o = json_ok(res, status);
	ck_assert(json_object_object_get_ex(o, "code", &v));
	ck_assert_str_eq(json_object_get_string(v), code);
	ck_assert(json_object_object_get_ex(o, "requestId", &v));
	ck_assert(uuid_valid(json_object_get_string(v)));
	ck_assert(json_object_object_get_ex(o, "details", &d));
	if (field != NULL)
		ck_assert_msg(json_object_object_get_ex(d, field, NULL),
		    "details do not name %s: %s", field, res->body);
}

/* Send and expect an envelope; frees res. */
static void
expect(const char *method, const char *path, const char *token,
    const char *idem, const char *body, long status, const char *code,
    const char *field)
{
	struct http_res	 res;

	cmd(method, path, token, idem, body, &res);
	envelope(&res, status, code, field);
	http_res_free(&res);
}

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

/* The item of list o whose idkey is id, or NULL. */
static struct json_object *
find(struct json_object *o, const char *idkey, const char *id)
{
	struct json_object	*a, *it;
	size_t			 i;

	ck_assert(json_object_object_get_ex(o, "items", &a));
	for (i = 0; i < json_object_array_length(a); i++) {
		it = json_object_array_get_idx(a, i);
		if (strcmp(str(it, idkey), id) == 0)
			return it;
	}
	return NULL;
}

/* Run query with psql; its first output line (mem_free() it). */
static char *
sql(const char *query)
{
	const char	*script, *state;
	char		 path[] = "/tmp/check_commands.XXXXXX", cmdl[4096];
	char		 line[4096];
	FILE		*f;
	int		 fd, n, st;
	size_t		 len;

	script = getenv("KROW_TEST_STACK");
	state = getenv("KROW_TEST_STATE");
	ck_assert_msg(script != NULL && state != NULL,
	    "KROW_TEST_STACK and KROW_TEST_STATE must be set");
	ck_assert((fd = mkstemp(path)) != -1);
	len = strlen(query);
	ck_assert(write(fd, query, len) == (ssize_t)len);
	ck_assert(close(fd) == 0);
	ck_assert(chmod(path, 0644) == 0);
	n = snprintf(cmdl, sizeof(cmdl), "'%s' psql '%s' -XqtA -v "
	    "ON_ERROR_STOP=1 -f '%s'", script, state, path);
	ck_assert(n > 0 && (size_t)n < sizeof(cmdl));
	fflush(NULL);
	ck_assert((f = popen(cmdl, "r")) != NULL);
	line[0] = '\0';
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	while (fgets(cmdl, sizeof(cmdl), f) != NULL)
		continue;
	st = pclose(f);
	unlink(path);
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "psql failed on: %s", query);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	return mem_strdup(line);
}

static long long
sql_num(const char *query)
{
	char		*s, *end;
	long long	 v;

	s = sql(query);
	errno = 0;
	v = strtoll(s, &end, 10);
	ck_assert_msg(errno == 0 && end != s && *end == '\0',
	    "not a number: '%s' from %s", s, query);
	mem_free(s);
	return v;
}

/* Rows that any command could have written: hubs, tags, managers,
 * invoice states, audit rows. */
static long long
footprint(void)
{
	return sql_num("SELECT (SELECT count(*) FROM hubs) * 1000000 +"
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
	cmd("POST", "/commands/client/hubs", tok_owner, key(name), body, &res);
	id = mem_strdup(str(json_ok(&res, 201), "hubId"));
	http_res_free(&res);
	return id;
}

/* ------------------------------------------------------------ idem */

START_TEST(test_key_missing_or_malformed)
{
	char		 longkey[300];
	long long	 before;

	before = footprint();
	expect("POST", "/commands/client/hubs", tok_owner, NULL,
	    "{\"name\":\"No Key\",\"timeZone\":\"UTC\"}", 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	memset(longkey, 'k', 256);
	longkey[256] = '\0';
	expect("POST", "/commands/client/hubs", tok_owner, longkey,
	    "{\"name\":\"Long Key\",\"timeZone\":\"UTC\"}", 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	expect("POST", "/commands/client/hubs", tok_owner, "caf\xc3\xa9",
	    "{\"name\":\"Bad Key\",\"timeZone\":\"UTC\"}", 400,
	    "IDEMPOTENCY_KEY_REQUIRED", NULL);
	expect("POST", "/commands/client/invoices/" INV_PENDING "/approve",
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

	k = key("replay");
	before = sql_num("SELECT count(*) FROM hubs WHERE name = 'Replay Hub'");
	cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Replay Hub\",\"timeZone\":\"Europe/Paris\","
	    "\"geofenceRadiusMeters\":200}", &a);
	json_ok(&a, 201);
	ck_assert_ptr_null(http_header(&a, "Idempotent-Replayed", v,
	    sizeof(v)));
	/* Same payload, other member order and spacing: replayed. */
	cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{ \"geofenceRadiusMeters\": 200, \"timeZone\": \"Europe/Paris\", "
	    "\"name\": \"Replay Hub\" }", &b);
	json_ok(&b, 201);
	ck_assert_str_eq(a.body, b.body);
	ck_assert_ptr_nonnull(http_header(&b, "Idempotent-Replayed", v,
	    sizeof(v)));
	ck_assert_str_eq(v, "true");
	http_res_free(&b);
	ck_assert_int_eq(sql_num("SELECT count(*) FROM hubs WHERE name ="
	    " 'Replay Hub'"), before + 1);
	/* One audit row, with the first request's id. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = 'hub.create' AND target_id = '%s' AND actor_user_id ="
	    " '" OWNER_USER "' AND request_id IS NOT NULL",
	    str(http_json(&a), "hubId"));
	ck_assert_int_eq(sql_num(q), 1);
	http_res_free(&a);

	/* The same key with another payload. */
	before = footprint();
	expect("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Replay Hub 2\",\"timeZone\":\"Europe/Paris\"}", 422,
	    "IDEMPOTENCY_KEY_REUSED", NULL);
	ck_assert_int_eq(footprint(), before);
	/* The same key on another route is another key. */
	cmd("POST", "/commands/client/invoices/" MISSING "/approve",
	    tok_owner, k, NULL, &a);
	envelope(&a, 404, "NOT_FOUND", NULL);
	http_res_free(&a);
	/* And for another user too. */
	cmd("POST", "/commands/client/hubs", tok_other, k,
	    "{\"name\":\"Replay Hub\",\"timeZone\":\"Europe/Paris\","
	    "\"geofenceRadiusMeters\":200}", &a);
	json_ok(&a, 201);
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
	k = key("bad");
	cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"\",\"timeZone\":\"UTC\"}", &a);
	envelope(&a, 400, "VALIDATION_ERROR", "name");
	cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"timeZone\":\"UTC\",\"name\":\"\"}", &b);
	envelope(&b, 400, "VALIDATION_ERROR", "name");
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

	k = key("busy");
	snprintf(q, sizeof(q), "BEGIN; SELECT pg_advisory_xact_lock("
	    "hashtextextended(E'" OWNER_USER "\\nPOST\\n/commands/client/hubs"
	    "\\n%s', 0)); SELECT pg_sleep(3); COMMIT;", k);
	fflush(NULL);
	ck_assert((pid = fork()) != -1);
	if (pid == 0) {
		mem_free(sql(q));
		_exit(0);
	}
	sleep(1);
	cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Busy Hub\",\"timeZone\":\"UTC\"}", &res);
	envelope(&res, 409, "IDEMPOTENCY_IN_PROGRESS", NULL);
	ck_assert_ptr_nonnull(http_header(&res, "Retry-After", v, sizeof(v)));
	ck_assert_int_ge(atoi(v), 1);
	http_res_free(&res);
	ck_assert(waitpid(pid, &st, 0) == pid);
	cmd("POST", "/commands/client/hubs", tok_owner, k,
	    "{\"name\":\"Busy Hub\",\"timeZone\":\"UTC\"}", &res);
	json_ok(&res, 201);
	http_res_free(&res);
}
END_TEST

/* An expired key is a new key; expired rows are purged. */
START_TEST(test_expiry_and_purge)
{
	struct http_res	 res;
	char		 q[512], *k1, *k2;

	k1 = mem_strdup(key("old1"));
	k2 = mem_strdup(key("old2"));
	cmd("POST", "/commands/client/hubs", tok_owner, k1,
	    "{\"name\":\"Old Hub 1\",\"timeZone\":\"UTC\"}", &res);
	json_ok(&res, 201);
	http_res_free(&res);
	cmd("POST", "/commands/client/hubs", tok_owner, k2,
	    "{\"name\":\"Old Hub 2\",\"timeZone\":\"UTC\"}", &res);
	json_ok(&res, 201);
	http_res_free(&res);
	snprintf(q, sizeof(q), "UPDATE idempotency_keys SET created_at ="
	    " now() - interval '25 hours', expires_at = now() - interval"
	    " '1 hour' WHERE key IN ('%s', '%s')", k1, k2);
	mem_free(sql(q));
	/* k1 with another payload: not 422, a new request. */
	cmd("POST", "/commands/client/hubs", tok_owner, k1,
	    "{\"name\":\"Old Hub 3\",\"timeZone\":\"UTC\"}", &res);
	json_ok(&res, 201);
	http_res_free(&res);
	/* k2 was purged by that command. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM idempotency_keys"
	    " WHERE key = '%s'", k2);
	ck_assert_int_eq(sql_num(q), 0);
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

	k = key("par");
	snprintf(body, sizeof(body), "{\"name\":\"Parallel %s\","
	    "\"timeZone\":\"UTC\"}", k);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	fflush(NULL);
	for (i = 0; i < NPARALLEL; i++) {
		ck_assert((pids[i] = fork()) != -1);
		if (pids[i] != 0)
			continue;
		cmd("POST", "/commands/client/hubs", tok_owner, k, body, &res);
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
	ck_assert_int_eq(sql_num(path), 1);
	snprintf(path, sizeof(path), "SELECT count(*) FROM audit_events a"
	    " JOIN hubs h ON a.target_id = h.id::text WHERE h.name ="
	    " 'Parallel %s' AND a.action = 'hub.create'", k);
	ck_assert_int_eq(sql_num(path), 1);
}
END_TEST

/* ------------------------------------------------------------ hubs */

START_TEST(test_hub_create)
{
	struct http_res	 res;
	struct json_object *o, *h;
	char		 path[256], *id;

	cmd("POST", "/commands/client/hubs", tok_owner, key("create"),
	    "{\"name\":\"Lakeside Venue\",\"timeZone\":\"America/Chicago\","
	    "\"address\":{\"line1\":\"1 Lake St\",\"city\":\"Chicago\","
	    "\"region\":\"IL\",\"postalCode\":\"60601\",\"country\":\"US\"},"
	    "\"location\":{\"latitude\":41.8857,\"longitude\":-87.6181},"
	    "\"geofenceRadiusMeters\":300,"
	    "\"clockInMethods\":[\"geofence\",\"manual\"]}", &res);
	o = json_ok(&res, 201);
	ck_assert_str_eq(str(o, "name"), "Lakeside Venue");
	ck_assert_str_eq(str(o, "status"), "active");
	ck_assert_int_eq(num(o, "geofenceRadiusMeters"), 300);
	id = mem_strdup(str(o, "hubId"));
	ck_assert(uuid_valid(id));
	http_res_free(&res);

	get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = find(json_ok(&res, 200), "hubId", id);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(str(h, "timeZone"), "America/Chicago");
	ck_assert_int_eq(num(h, "geofenceRadiusMeters"), 300);
	http_res_free(&res);
	/* Not visible to the other business, nor to a manager of NY. */
	get_as("/query/client/hubs?limit=200", tok_other, &res);
	ck_assert_ptr_null(find(json_ok(&res, 200), "hubId", id));
	http_res_free(&res);
	snprintf(path, sizeof(path), "SELECT count(*) FROM hubs WHERE id ="
	    " '%s' AND business_id = '" BIZ "'", id);
	ck_assert_int_eq(sql_num(path), 1);
	mem_free(id);
}
END_TEST

START_TEST(test_hub_create_invalid)
{
	struct http_res	 res;
	long long	 before;

	before = footprint();
	cmd("POST", "/commands/client/hubs", tok_owner, key("inv1"),
	    "{\"timeZone\":\"UTC\",\"geofenceRadiusMeters\":5,\"color\":1}",
	    &res);
	envelope(&res, 400, "VALIDATION_ERROR", "name");
	envelope(&res, 400, "VALIDATION_ERROR", "geofenceRadiusMeters");
	envelope(&res, 400, "VALIDATION_ERROR", "color");
	http_res_free(&res);
	expect("POST", "/commands/client/hubs", tok_owner, key("inv2"),
	    "{\"name\":\"X\",\"timeZone\":\"Mars/Olympus\"}", 400,
	    "VALIDATION_ERROR", "timeZone");
	cmd("POST", "/commands/client/hubs", tok_owner, key("inv3"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\",\"address\":"
	    "{\"country\":\"usa\"},\"location\":{\"latitude\":91,"
	    "\"longitude\":0},\"clockInMethods\":[\"nfc\",\"nfc\"]}", &res);
	envelope(&res, 400, "VALIDATION_ERROR", "address.country");
	envelope(&res, 400, "VALIDATION_ERROR", "location.latitude");
	envelope(&res, 400, "VALIDATION_ERROR", "clockInMethods");
	http_res_free(&res);
	expect("POST", "/commands/client/hubs", tok_owner, key("inv4"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\",\"clockInMethods\":"
	    "[\"teleport\"]}", 400, "VALIDATION_ERROR", "clockInMethods");
	expect("POST", "/commands/client/hubs", tok_owner, key("inv5"),
	    "{\"name\": ", 400, "BAD_REQUEST", NULL);
	expect("POST", "/commands/client/hubs", tok_owner, key("inv6"),
	    "[1]", 400, "BAD_REQUEST", NULL);
	ck_assert_int_eq(footprint(), before);
}
END_TEST

START_TEST(test_hub_forbidden)
{
	long long	 before;

	before = footprint();
	expect("POST", "/commands/client/hubs", tok_manager, key("f1"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\"}", 403, "FORBIDDEN", NULL);
	expect("POST", "/commands/client/hubs", tok_staff, key("f2"),
	    "{\"name\":\"X\",\"timeZone\":\"UTC\"}", 403, "FORBIDDEN", NULL);
	expect("POST", "/commands/client/hubs/" HUB_NY "/archive",
	    tok_manager, key("f3"), NULL, 403, "FORBIDDEN", NULL);
	expect("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_manager, key("f4"), NULL, 403, "FORBIDDEN", NULL);
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
	cmd("PATCH", path, tok_owner, key("upd"), "{\"name\":\"Updated Hub\","
	    "\"location\":{\"latitude\":10.5,\"longitude\":20.25},"
	    "\"address\":{\"city\":\"Springfield\"}}", &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "name"), "Updated Hub");
	ck_assert_str_eq(str(o, "timeZone"), "America/Chicago");
	http_res_free(&res);
	get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = find(json_ok(&res, 200), "hubId", id);
	ck_assert_ptr_nonnull(h);
	ck_assert_str_eq(str(h, "name"), "Updated Hub");
	ck_assert(json_object_object_get_ex(h, "address", &o));
	ck_assert_str_eq(str(o, "city"), "Springfield");
	http_res_free(&res);
	/* The audit row has the name before and after. */
	snprintf(path, sizeof(path), "SELECT summary->'before'->>'name' ||"
	    " '>' || (summary->'after'->>'name') FROM audit_events WHERE"
	    " action = 'hub.update' AND target_id = '%s'", id);
	got = sql(path);
	ck_assert_str_eq(got, "Update Me>Updated Hub");
	mem_free(got);

	before = footprint();
	snprintf(path, sizeof(path), "/commands/client/hubs/%s", id);
	expect("PATCH", path, tok_owner, key("upd2"), "{}", 400,
	    "VALIDATION_ERROR", "body");
	expect("PATCH", path, tok_owner, key("upd3"), "{\"name\":null}", 400,
	    "VALIDATION_ERROR", "name");
	expect("PATCH", path, tok_other, key("upd4"), "{\"name\":\"Mine\"}",
	    404, "NOT_FOUND", NULL);
	expect("PATCH", "/commands/client/hubs/" HUB_LDN, tok_owner,
	    key("upd5"), "{\"name\":\"Mine\"}", 404, "NOT_FOUND", NULL);
	expect("PATCH", "/commands/client/hubs/not-a-uuid", tok_owner,
	    key("upd6"), "{\"name\":\"Mine\"}", 400, "VALIDATION_ERROR",
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
	cmd("POST", path, tok_owner, key("arc"), NULL, &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "archived");
	ck_assert_ptr_nonnull(str(o, "archivedAt"));
	http_res_free(&res);
	get_as("/query/client/hubs?status=archived&limit=200", tok_owner,
	    &res);
	ck_assert_ptr_nonnull(find(json_ok(&res, 200), "hubId", id));
	http_res_free(&res);
	get_as("/query/client/hubs?limit=200", tok_owner, &res);
	ck_assert_ptr_null(find(json_ok(&res, 200), "hubId", id));
	http_res_free(&res);

	before = footprint();
	cmd("POST", path, tok_owner, key("arc2"), NULL, &res);
	envelope(&res, 409, "CONFLICT", "state");
	ck_assert_ptr_nonnull(strstr(res.body, "archived"));
	http_res_free(&res);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s", id);
	expect("PATCH", path, tok_owner, key("arc3"), "{\"name\":\"Z\"}", 409,
	    "CONFLICT", "state");
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags", id);
	expect("POST", path, tok_owner, key("arc4"),
	    "{\"tagUid\":\"0A0B0C0D0E0F\"}", 409, "CONFLICT", "state");
	expect("POST", "/commands/client/hubs/" MISSING "/archive", tok_owner,
	    key("arc5"), NULL, 404, "NOT_FOUND", NULL);
	expect("POST", "/commands/client/hubs/" HUB_LDN "/archive", tok_owner,
	    key("arc6"), NULL, 404, "NOT_FOUND", NULL);
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
	cmd("POST", path, tok_owner, key("man"),
	    "{\"userId\":\"" MANAGER_USER "\"}", &res);
	o = json_ok(&res, 201);
	ck_assert_str_eq(str(o, "userId"), MANAGER_USER);
	ck_assert_str_eq(str(o, "hubId"), id);
	http_res_free(&res);
	get_as(list, tok_owner, &res);
	m = find(json_ok(&res, 200), "userId", MANAGER_USER);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(str(m, "role"), "manager");
	http_res_free(&res);
	/* The manager now sees the hub. */
	get_as("/query/client/hubs?limit=200", tok_manager, &res);
	ck_assert_ptr_nonnull(find(json_ok(&res, 200), "hubId", id));
	http_res_free(&res);

	before = footprint();
	expect("POST", path, tok_owner, key("man2"),
	    "{\"userId\":\"" MANAGER_USER "\"}", 409, "CONFLICT", NULL);
	expect("POST", path, tok_owner, key("man3"),
	    "{\"userId\":\"" OWNER_USER "\"}", 400, "VALIDATION_ERROR",
	    "userId");
	expect("POST", path, tok_owner, key("man4"),
	    "{\"userId\":\"" OTHER_USER "\"}", 404, "NOT_FOUND", NULL);
	expect("POST", path, tok_owner, key("man5"), "{\"userId\":\"x\"}",
	    400, "VALIDATION_ERROR", "userId");
	expect("POST", path, tok_other, key("man6"),
	    "{\"userId\":\"" OTHER_USER "\"}", 404, "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);

	snprintf(path, sizeof(path), "/commands/client/hubs/%s/managers/"
	    MANAGER_USER, id);
	cmd("DELETE", path, tok_owner, key("mdel"), NULL, &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "userId"), MANAGER_USER);
	http_res_free(&res);
	get_as(list, tok_owner, &res);
	ck_assert_ptr_null(find(json_ok(&res, 200), "userId", MANAGER_USER));
	http_res_free(&res);
	expect("DELETE", path, tok_owner, key("mdel2"), NULL, 404,
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
	cmd("POST", path, tok_owner, key("nfc"), body, &res);
	o = json_ok(&res, 201);
	ck_assert_str_eq(str(o, "tagUid"), uid);
	ck_assert_str_eq(str(o, "status"), "active");
	tag = mem_strdup(str(o, "tagId"));
	http_res_free(&res);
	get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = find(json_ok(&res, 200), "hubId", id);
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
	expect("POST", path, tok_owner, key("nfc2"), body, 409, "CONFLICT",
	    "tagUid");
	/* And a tag of the demo data. */
	expect("POST", path, tok_owner, key("nfc3"),
	    "{\"tagUid\":\"04A1B2C3D4E5F6\"}", 409, "CONFLICT", "tagUid");
	expect("POST", path, tok_owner, key("nfc4"), "{\"tagUid\":\"XYZ\"}",
	    400, "VALIDATION_ERROR", "tagUid");
	expect("POST", path, tok_owner, key("nfc5"),
	    "{\"tagUid\":\"0011223344ZZ\"}", 400, "VALIDATION_ERROR",
	    "tagUid");
	expect("POST", "/commands/client/hubs/" HUB_LDN "/nfc-tags",
	    tok_owner, key("nfc6"), "{\"tagUid\":\"00112233\"}", 404,
	    "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);

	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags/%s",
	    id, tag);
	cmd("DELETE", path, tok_owner, key("rev"), NULL, &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "revoked");
	http_res_free(&res);
	get_as("/query/client/hubs?limit=200", tok_owner, &res);
	h = find(json_ok(&res, 200), "hubId", id);
	ck_assert_int_eq(num(h, "nfcTagCount"), 0);
	http_res_free(&res);
	cmd("DELETE", path, tok_owner, key("rev2"), NULL, &res);
	envelope(&res, 409, "CONFLICT", "state");
	ck_assert_ptr_nonnull(strstr(res.body, "revoked"));
	http_res_free(&res);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags/%s",
	    id2, tag);
	expect("DELETE", path, tok_owner, key("rev3"), NULL, 404, "NOT_FOUND",
	    NULL);
	snprintf(path, sizeof(path), "/commands/client/hubs/%s/nfc-tags/%s",
	    id, tag);
	expect("DELETE", path, tok_other, key("rev4"), NULL, 404, "NOT_FOUND",
	    NULL);
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
	mem_free(sql("UPDATE invoices SET status = 'pending', approved_at ="
	    " NULL, approved_by = NULL WHERE id = '" INV_PENDING "'"));
	before = footprint();
	expect("POST", "/commands/client/invoices/" INV_OTHER "/approve",
	    tok_owner, key("ap0"), NULL, 404, "NOT_FOUND", NULL);
	expect("POST", "/commands/client/invoices/" INV_PAID "/approve",
	    tok_owner, key("ap1"), NULL, 409, "CONFLICT", "state");
	expect("POST", "/commands/client/invoices/xyz/approve",
	    tok_owner, key("ap2"), NULL, 400, "VALIDATION_ERROR",
	    "invoiceId");
	ck_assert_int_eq(footprint(), before);

	cmd("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_owner, key("ap"), NULL, &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "approved");
	ck_assert_str_eq(str(o, "approvedBy"), OWNER_USER);
	ck_assert_ptr_nonnull(http_header(&res, "X-Request-Id", rid,
	    sizeof(rid)));
	http_res_free(&res);
	get_as("/query/client/billing/invoices/pending?limit=200", tok_owner,
	    &res);
	ck_assert_ptr_null(find(json_ok(&res, 200), "invoiceId",
	    INV_PENDING));
	http_res_free(&res);
	get_as("/query/client/billing/invoices/history?limit=200", tok_owner,
	    &res);
	o = find(json_ok(&res, 200), "invoiceId", INV_PENDING);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str(o, "status"), "approved");
	http_res_free(&res);
	/* The audit row: actor, target, before/after, the request's id. */
	snprintf(q, sizeof(q), "SELECT count(*) FROM audit_events WHERE"
	    " action = 'invoice.approve' AND target_id = '" INV_PENDING "'"
	    " AND actor_user_id = '" OWNER_USER "' AND request_id = '%s'"
	    " AND summary->'before'->>'status' = 'pending'"
	    " AND summary->'after'->>'status' = 'approved'", rid);
	ck_assert_int_eq(sql_num(q), 1);

	cmd("POST", "/commands/client/invoices/" INV_PENDING "/approve",
	    tok_owner, key("ap3"), NULL, &res);
	envelope(&res, 409, "CONFLICT", "state");
	ck_assert_ptr_nonnull(strstr(res.body, "approved"));
	http_res_free(&res);
	expect("POST", "/commands/client/invoices/" INV_PENDING "/dispute",
	    tok_owner, key("ap4"), "{\"reason\":\"late\"}", 409, "CONFLICT",
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
	mem_free(sql("UPDATE invoice_lines SET disputed = false, dispute_note ="
	    " NULL WHERE invoice_id = '" INV_OTHER "'; UPDATE invoices SET"
	    " status = 'pending', disputed_at = NULL, disputed_by = NULL,"
	    " dispute_reason = NULL WHERE id = '" INV_OTHER "'"));
	before = footprint();
	expect("POST", path, tok_other, key("d1"), "{}", 400,
	    "VALIDATION_ERROR", "reason");
	expect("POST", path, tok_other, key("d2"),
	    "{\"reason\":\"x\",\"lines\":[{\"lineId\":\"nope\"}]}", 400,
	    "VALIDATION_ERROR", "lines[0].lineId");
	expect("POST", path, tok_other, key("d3"),
	    "{\"reason\":\"x\",\"lines\":[{\"lineId\":\"" LINE_951 "\"},"
	    "{\"lineId\":\"" LINE_951 "\"}]}", 400, "VALIDATION_ERROR",
	    "lines[1].lineId");
	expect("POST", path, tok_other, key("d4"),
	    "{\"reason\":\"x\",\"lines\":[]}", 400, "VALIDATION_ERROR",
	    "lines");
	/* A line of another invoice, an invoice of another business. */
	expect("POST", path, tok_other, key("d5"),
	    "{\"reason\":\"x\",\"lines\":[{\"lineId\":\"" LINE_904 "\"}]}",
	    404, "NOT_FOUND", "lines");
	expect("POST", path, tok_owner, key("d6"), "{\"reason\":\"x\"}", 404,
	    "NOT_FOUND", NULL);
	ck_assert_int_eq(footprint(), before);

	cmd("POST", path, tok_other, key("d"),
	    "{\"reason\":\"Two hours billed twice\",\"lines\":[{\"lineId\":"
	    "\"" LINE_951 "\",\"note\":\"left at 13:00\"}]}", &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "disputed");
	ck_assert_str_eq(str(o, "disputeReason"), "Two hours billed twice");
	ck_assert_int_eq(num(o, "disputedLineCount"), 1);
	http_res_free(&res);
	get_as("/query/client/billing/invoices/pending?status=disputed"
	    "&limit=200", tok_other, &res);
	o = find(json_ok(&res, 200), "invoiceId", INV_OTHER);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(str(o, "status"), "disputed");
	ck_assert_int_eq(num(o, "disputedLineCount"), 1);
	ck_assert_str_eq(str(o, "disputeReason"), "Two hours billed twice");
	http_res_free(&res);
	ck_assert_int_eq(sql_num("SELECT count(*) FROM invoice_lines WHERE"
	    " id = '" LINE_951 "' AND disputed AND dispute_note ="
	    " 'left at 13:00'"), 1);
	expect("POST", "/commands/client/invoices/" INV_OTHER "/approve",
	    tok_other, key("d7"), NULL, 409, "CONFLICT", "state");
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

	get_as("/query/client/billing/spend-breakdown?hubId=" HUB_SF,
	    tok_owner, &res);
	o = json_ok(&res, 200);
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
	mem_free(sql("UPDATE time_entries SET break_minutes = 0,"
	    " corrected_by = NULL, corrected_at = NULL, correction_reason ="
	    " NULL WHERE id = '" TE_CLOSED "'; UPDATE time_entries SET"
	    " clock_out_at = NULL, clock_out_method = NULL, status = 'open',"
	    " corrected_by = NULL, corrected_at = NULL, correction_reason ="
	    " NULL WHERE id = '" TE_OPEN "'"));
	before = sql(TE_STATE(TE_CLOSED));
	minutes = sf_minutes();

	expect("POST", path, tok_owner, key("te1"), "{\"breakMinutes\":30}",
	    400, "VALIDATION_ERROR", "reason");
	expect("POST", path, tok_owner, key("te2"), "{\"reason\":\"x\"}",
	    400, "VALIDATION_ERROR", "body");
	expect("POST", path, tok_owner, key("te3"),
	    "{\"breakMinutes\":300,\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "breakMinutes");
	expect("POST", path, tok_owner, key("te4"),
	    "{\"clockOutAt\":\"2001-01-01T00:00:00Z\",\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "clockOutAt");
	expect("POST", path, tok_owner, key("te5"),
	    "{\"clockOutAt\":\"2999-01-01T00:00:00Z\",\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "clockOutAt");
	expect("POST", path, tok_owner, key("te6"),
	    "{\"clockOutAt\":\"yesterday\",\"reason\":\"x\"}", 400,
	    "VALIDATION_ERROR", "clockOutAt");
	/* The manager of New York does not see San Francisco's work. */
	expect("POST", path, tok_manager, key("te7"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	expect("POST", path, tok_other, key("te8"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 404, "NOT_FOUND", NULL);
	expect("POST", path, tok_staff, key("te9"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 403, "FORBIDDEN", NULL);
	expect("POST", "/commands/client/time-entries/" TE_APPROVED
	    "/correct", tok_owner, key("te10"),
	    "{\"breakMinutes\":30,\"reason\":\"x\"}", 409, "CONFLICT",
	    "state");
	after = sql(TE_STATE(TE_CLOSED));
	ck_assert_str_eq(after, before);
	mem_free(after);
	ck_assert_int_eq(sf_minutes(), minutes);

	cmd("POST", path, tok_owner, key("te"), "{\"breakMinutes\":30,"
	    "\"reason\":\"Took a 30 minute break\"}", &res);
	o = json_ok(&res, 200);
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
	ck_assert_int_eq(sql_num(q), 1);
	mem_free(before);

	/* An open entry: the clock-out closes it. */
	now = time(NULL) - 60;
	ck_assert(strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ",
	    gmtime(&now)) > 0);
	snprintf(body, sizeof(body), "{\"clockOutAt\":\"%s\",\"reason\":"
	    "\"Forgot to clock out\"}", ts);
	cmd("POST", "/commands/client/time-entries/" TE_OPEN "/correct",
	    tok_owner, key("te11"), body, &res);
	o = json_ok(&res, 200);
	ck_assert_str_eq(str(o, "status"), "closed");
	ck_assert_str_eq(str(o, "clockOutAt"), ts);
	ck_assert_str_eq(str(o, "clockOutMethod"), "manual");
	http_res_free(&res);
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
commands_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("commands");
	tc = tcase(s, "idempotency");
	tcase_add_test(tc, test_key_missing_or_malformed);
	tcase_add_test(tc, test_replay_and_reuse);
	tcase_add_test(tc, test_4xx_stored);
	tcase_add_test(tc, test_in_progress);
	tcase_add_test(tc, test_expiry_and_purge);
	tcase_add_test(tc, test_parallel_duplicates);
	tc = tcase(s, "hubs");
	tcase_add_test(tc, test_hub_create);
	tcase_add_test(tc, test_hub_create_invalid);
	tcase_add_test(tc, test_hub_forbidden);
	tcase_add_test(tc, test_hub_update);
	tcase_add_test(tc, test_hub_archive);
	tcase_add_test(tc, test_hub_managers);
	tcase_add_test(tc, test_hub_nfc_tags);
	tc = tcase(s, "invoices");
	tcase_add_test(tc, test_invoice_approve);
	tcase_add_test(tc, test_invoice_dispute);
	tc = tcase(s, "time entries");
	tcase_add_test(tc, test_time_entry_correct);
	return s;
}

static char *
mint(const char *uid)
{
	char	*t;

	if ((t = http_mint(uid, 0, 3600, 0)) == NULL) {
		fprintf(stderr, "check_commands: cannot mint a token for %s\n",
		    uid);
		exit(EXIT_FAILURE);
	}
	return t;
}

/* Run the suite against $KROW_TEST_URL; 77 when it is not set. */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (http_base() == NULL) {
		printf("check_commands: KROW_TEST_URL is not set; skipped "
		    "(t/integration.sh starts the stack and sets it)\n");
		return 77;
	}
	if (http_global_init() == -1) {
		fprintf(stderr, "check_commands: curl_global_init failed\n");
		return EXIT_FAILURE;
	}
	tok_owner = mint("demo-owner");
	tok_manager = mint("demo-manager");
	tok_other = mint("other-owner");
	tok_staff = mint("demo-staff");
	sr = srunner_create(commands_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	mem_free(tok_owner);
	mem_free(tok_manager);
	mem_free(tok_other);
	mem_free(tok_staff);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
