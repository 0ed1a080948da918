/*
 * api: what the integration suites (t/check_client.c, t/check_staff.c,
 * t/check_commands.c, ...) share: their main() and test cases, a sleep
 * and a clock, tokens, and Check assertions: requests as a token,
 * commands, JSON members by path, the error envelope (as the read suites
 * check it, or in full), lists and cursors, and SQL run through the
 * stack's psql for independently computed expectations.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
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
#include "api.h"

#define API_DEMO_PASSWORD	"krow-demo-1"

static const char	*api_prog = "check";	/* for messages */

int
api_main(const char *prog, Suite *(*make)(void), void (*setup)(void),
    void (*teardown)(void))
{
	SRunner	*sr;
	int	 failed;

	api_prog = prog;
	if (http_base() == NULL) {
		printf("%s: KROW_TEST_URL is not set; skipped "
		    "(t/integration.sh starts the stack and sets it)\n", prog);
		return 77;
	}
	if (http_global_init() == -1) {
		fprintf(stderr, "%s: curl_global_init failed\n", prog);
		return EXIT_FAILURE;
	}
	if (setup != NULL)
		setup();
	sr = srunner_create(make());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (teardown != NULL)
		teardown();
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

void
api_nap(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

double
api_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TCase *
api_tcase(Suite *s, const char *name, double timeout)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

char *
api_mint(const char *uid)
{
	char	*t;

	if ((t = http_mint(uid, 0, 3600, 0)) == NULL) {
		fprintf(stderr, "%s: cannot mint a token for %s\n", api_prog,
		    uid);
		exit(EXIT_FAILURE);
	}
	return t;
}

const char *
api_key(const char *tag)
{
	static char	 k[8][128];
	static int	 i;
	char		*p;

	p = k[i % 8];
	ck_assert_int_lt(snprintf(p, sizeof(k[0]), "%s-%ld-%ld-%d", tag,
	    (long)getpid(), (long)time(NULL), i), (int)sizeof(k[0]));
	i++;
	return p;
}

char *
api_sign_in(const char *email)
{
	char	*t;
	long	 st;

	if ((t = http_sign_in(email, API_DEMO_PASSWORD, NULL, &st)) == NULL) {
		fprintf(stderr, "%s: sign-in of %s failed (HTTP %ld)\n",
		    api_prog, email, st);
		exit(EXIT_FAILURE);
	}
	return t;
}

void
api_req_ok(int rc)
{
	ck_assert_msg(rc == 0, "no HTTP answer (is the stack running?)");
}

/* A NULL token sends no Authorization header at all. */
void
api_get_as(const char *path, const char *token, struct http_res *res)
{
	const char	*h[2] = { NULL, NULL };
	char		 auth[20000];

	if (token != NULL) {
		ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
		h[0] = auth;
	}
	api_req_ok(http_do("GET", path, h, NULL, res));
}

/* Command method path as token with Idempotency-Key key and body. */
void
api_cmd(const char *method, const char *path, const char *token,
    const char *key, const char *body, struct http_res *res)
{
	const char	*h[4];
	char		 auth[20000], k[600];
	size_t		 n = 0;

	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
	h[n++] = auth;
	if (key != NULL) {
		ck_assert_int_lt(snprintf(k, sizeof(k), "Idempotency-Key: %s",
		    key), (int)sizeof(k));
		h[n++] = k;
	}
	if (body != NULL)
		h[n++] = "Content-Type: application/json";
	h[n] = NULL;
	api_req_ok(http_do(method, path, h, body, res));
}

/* A JSON answer with status; returns the parsed body. */
struct json_object *
api_json_ok(struct http_res *res, long status)
{
	char	 v[256];

	ck_assert_msg(res->status == status, "status %ld, want %ld: %.2000s",
	    res->status, status, res->body);
	ck_assert_msg(http_header(res, "Content-Type", v, sizeof(v)) != NULL,
	    "no Content-Type");
	ck_assert_msg(strncmp(v, "application/json", 16) == 0,
	    "Content-Type %s", v);
	ck_assert_msg(http_header(res, "X-Request-Id", v, sizeof(v)) != NULL,
	    "no X-Request-Id");
	ck_assert_msg(uuid_valid(v), "X-Request-Id %s is not a UUID", v);
	ck_assert_msg(http_json(res) != NULL, "not JSON: %s", res->body);
	return http_json(res);
}

/* The error envelope with code, and (field not NULL) details naming it. */
void
api_envelope(struct http_res *res, long status, const char *code,
    const char *field)
{
	struct json_object	*o, *v, *d;

	o = api_json_ok(res, status);
	ck_assert_int_eq(json_object_object_length(o), 4);
	ck_assert(json_object_object_get_ex(o, "code", &v));
	ck_assert_str_eq(json_object_get_string(v), code);
	ck_assert(json_object_object_get_ex(o, "requestId", &v));
	ck_assert(uuid_valid(json_object_get_string(v)));
	ck_assert(json_object_object_get_ex(o, "details", &d));
	if (field != NULL)
		ck_assert_msg(json_object_object_get_ex(d, field, NULL),
		    "details do not name %s: %s", field, res->body);
}

/* See api.h. */
void
api_envelope_strict(struct http_res *res, long status, const char *code)
{
	struct json_object	*o, *v;
	char			 rid[256];

	o = api_json_ok(res, status);
	ck_assert_msg(json_object_is_type(o, json_type_object),
	    "envelope is not an object: %s", res->body);
	ck_assert_msg(json_object_object_length(o) == 4,
	    "envelope has %d members: %s", json_object_object_length(o),
	    res->body);
	ck_assert_msg(json_object_object_get_ex(o, "code", &v) &&
	    json_object_is_type(v, json_type_string), "no code: %s",
	    res->body);
	if (code != NULL)
		ck_assert_msg(strcmp(json_object_get_string(v), code) == 0,
		    "code %s, want %s: %s", json_object_get_string(v), code,
		    res->body);
	ck_assert_msg(json_object_object_get_ex(o, "message", &v) &&
	    json_object_is_type(v, json_type_string) &&
	    json_object_get_string_len(v) > 0, "no message: %s", res->body);
	ck_assert_msg(json_object_object_get_ex(o, "details", &v) &&
	    json_object_is_type(v, json_type_object), "no details: %s",
	    res->body);
	ck_assert_msg(json_object_object_get_ex(o, "requestId", &v) &&
	    json_object_is_type(v, json_type_string), "no requestId: %s",
	    res->body);
	ck_assert_msg(uuid_valid(json_object_get_string(v)),
	    "requestId %s is not a UUID", json_object_get_string(v));
	ck_assert_ptr_nonnull(http_header(res, "X-Request-Id", rid,
	    sizeof(rid)));
	ck_assert_str_eq(json_object_get_string(v), rid);
}

/* Send the command and expect an envelope. */
void
api_expect(const char *method, const char *path, const char *token,
    const char *key, const char *body, long status, const char *code,
    const char *field)
{
	struct http_res	 res;

	api_cmd(method, path, token, key, body, &res);
	api_envelope(&res, status, code, field);
	http_res_free(&res);
}

/* GET path as token; expect 400 VALIDATION_ERROR naming field. */
void
api_expect_invalid(const char *path, const char *token, const char *field)
{
	struct http_res	 res;

	api_get_as(path, token, &res);
	api_envelope(&res, 400, "VALIDATION_ERROR", field);
	http_res_free(&res);
}

void
api_expect_404(const char *path, const char *token)
{
	struct http_res	 res;

	api_get_as(path, token, &res);
	api_envelope(&res, 404, "NOT_FOUND", NULL);
	http_res_free(&res);
}

/* Member at a dotted path ("totals.needed"); fails the test if absent. */
struct json_object *
api_member(struct json_object *o, const char *path)
{
	struct json_object	*c;
	char			 key[128];
	const char		*p, *dot;
	size_t			 n;

	for (p = path; ; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		n = (size_t)(dot - p);
		ck_assert(n > 0 && n < sizeof(key));
		memcpy(key, p, n);
		key[n] = '\0';
		ck_assert_msg(json_object_is_type(o, json_type_object) &&
		    json_object_object_get_ex(o, key, &c), "no %s in %s",
		    path, json_object_to_json_string(o));
		o = c;
		if (*dot == '\0')
			return o;
	}
}

long long
api_num(struct json_object *o, const char *path)
{
	struct json_object	*v;

	v = api_member(o, path);
	ck_assert_msg(json_object_is_type(v, json_type_int), "%s is not an "
	    "integer: %s", path, json_object_to_json_string(v));
	return json_object_get_int64(v);
}

const char *
api_str(struct json_object *o, const char *path)
{
	struct json_object	*v;

	v = api_member(o, path);
	ck_assert_msg(json_object_is_type(v, json_type_string), "%s is not a "
	    "string", path);
	return json_object_get_string(v);
}

struct json_object *
api_items(struct json_object *o)
{
	struct json_object	*a;

	a = api_member(o, "items");
	ck_assert(json_object_is_type(a, json_type_array));
	return a;
}

struct json_object *
api_item(struct json_object *o, size_t i)
{
	return json_object_array_get_idx(api_items(o), i);
}

size_t
api_nitems(struct json_object *o)
{
	return json_object_array_length(api_items(o));
}

/* nextCursor: NULL when the member is null. */
/* See api.h. */
struct json_object *
api_find(struct json_object *o, const char *key, const char *val)
{
	struct json_object	*it, *v;
	size_t			 i, n;

	n = api_nitems(o);
	for (i = 0; i < n; i++) {
		it = api_item(o, i);
		if (json_object_object_get_ex(it, key, &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), val) == 0)
			return it;
	}
	return NULL;
}

/* See api.h. */
struct json_object *
api_find_ok(struct json_object *o, const char *key, const char *val)
{
	struct json_object	*it;

	it = api_find(o, key, val);
	ck_assert_msg(it != NULL, "no item with %s = %s", key, val);
	return it;
}

const char *
api_next_cursor(struct json_object *o)
{
	struct json_object	*v;

	v = api_member(o, "nextCursor");
	if (json_object_is_type(v, json_type_null))
		return NULL;
	ck_assert(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

/*
 * Run query through the stack's psql and return its first output line
 * (trimmed; mem_free() it).  The query is written to a file: no shell
 * quoting of SQL.
 */
char *
api_sql(const char *query)
{
	const char	*script, *state;
	char		 path[] = "/tmp/krow-api-sql.XXXXXX", cmd[4096];
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
	n = snprintf(cmd, sizeof(cmd), "'%s' psql '%s' -XqtA -v "
	    "ON_ERROR_STOP=1 -f '%s'", script, state, path);
	ck_assert(n > 0 && (size_t)n < sizeof(cmd));
	fflush(NULL);
	ck_assert((f = popen(cmd, "r")) != NULL);
	line[0] = '\0';
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	while (fgets(cmd, sizeof(cmd), f) != NULL)
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

long long
api_sql_num(const char *query)
{
	char		*s, *end;
	long long	 v;

	s = api_sql(query);
	errno = 0;
	v = strtoll(s, &end, 10);
	ck_assert_msg(errno == 0 && end != s && *end == '\0',
	    "not a number: '%s' from %s", s, query);
	mem_free(s);
	return v;
}

char *
api_fmt(const char *f, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		*s;

	buf_init(&b);
	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

void
api_sqlf(const char *f, ...)
{
	struct buf	 b;
	va_list		 ap;

	buf_init(&b);
	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	buf_puts(&b, "; SELECT 1");
	mem_free(api_sql(buf_cstr(&b)));
	buf_cleanup(&b);
}

long long
api_sqlf_num(const char *f, ...)
{
	struct buf	 b;
	va_list		 ap;
	long long	 n;

	buf_init(&b);
	va_start(ap, f);
	buf_vprintf(&b, f, ap);
	va_end(ap);
	n = api_sql_num(buf_cstr(&b));
	buf_cleanup(&b);
	return n;
}

void
api_sql_none(const char *what, const char *query)
{
	char	*d;

	d = api_sql(query);
	if (d[0] != '\0')
		ck_abort_msg("%s: %s", what, d);
	mem_free(d);
}

char *
api_send(const char *method, const char *path, const char *token,
    const char *tag, const char *body, long status, const char *key)
{
	struct http_res		 res;
	struct json_object	*o;
	char			*v = NULL;

	api_cmd(method, path, token, api_key(tag), body, &res);
	o = api_json_ok(&res, status);
	if (key != NULL)
		v = mem_strdup(api_str(o, key));
	http_res_free(&res);
	return v;
}
