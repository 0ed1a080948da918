/*
 * check_auth: the local provider's flows end to end, through nginx, on the
 * demo stack that t/integration.sh starts (PostgreSQL, the four pools,
 * nginx; auth_provider = local; self sign-up into the demo tenant; the
 * demo staff's test number +15555550100 with code 123456; other phone
 * codes written to the OTP log file).  Without $KROW_TEST_URL it skips
 * (exit 77).
 *
 * What a client sees is asserted: status, the error envelope, the tokens
 * and the session; where the effect is only visible in the database (a
 * new onboarding staff member, nothing written by a refused request), it
 * is read there.  Sign-out and user changes are checked as the contract
 * says: a token is refused on every process within auth_cache_seconds of
 * the change (+1 s of slack), and from then on always.
 *
 * The last test case changes the stack (self sign-up off, a key rotation
 * with `krow-stack set` and `krow-stack restart-pool`): it runs last.
 *
 * Environment: KROW_TEST_URL, KROW_TEST_STATE (the stack's state folder:
 * etc/krow.conf, the key), KROW_TEST_STACK (contrib/krow-stack),
 * KROW_TEST_DB_URL (libpq connection string of the stack's database).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>
#include <libpq-fe.h>

#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "jwt.h"
#include "mem.h"
#include "uuid.h"
#include "http.h"

#define OWNER_EMAIL	"owner@demo.example"
#define DEMO_PASSWORD	"krow-demo-1"
#define OWNER_USER_ID	"00000000-0000-4000-8000-000000000401"
#define STAFF_USER_ID	"00000000-0000-4000-8000-000000000402"
#define DEMO_TENANT_ID	"00000000-0000-4000-8000-000000000001"
#define STAFF_ID	"00000000-0000-4000-8000-000000000301"
#define TEST_PHONE	"+15555550100"
#define TEST_CODE	"123456"
#define NEW_PASSWORD	"correct-horse-1"

/* Sleep for ms milliseconds. */
static void
nap(long ms)
{
	struct timespec	 ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds since the epoch, as the programs' clocks read. */
static double
wall_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The stack's settings as its programs read them ($KROW_TEST_STATE/
 * etc/krow.conf with the KROW_* environment on top).  Loaded anew by each
 * caller: the last test case changes the file.
 */
static struct conf *
stack_conf(void)
{
	struct conf	*cf = NULL;
	const char	*state;
	char		 path[1024], err[512];
	int		 n;

	state = getenv("KROW_TEST_STATE");
	ck_assert_msg(state != NULL, "KROW_TEST_STATE is not set");
	n = snprintf(path, sizeof(path), "%s/etc/krow.conf", state);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	ck_assert_msg(conf_load(&cf, path, err, sizeof(err)) == 0, "%s",
	    err);
	return cf;
}

static long long
conf_num(enum conf_key k)
{
	struct conf	*cf;
	long long	 v;

	cf = stack_conf();
	v = conf_int(cf, k);
	conf_free(cf);
	return v;
}

/* A string setting (mem_free() it). */
static char *
conf_string(enum conf_key k)
{
	struct conf	*cf;
	char		*v;

	cf = stack_conf();
	v = mem_strdup(conf_str(cf, k));
	conf_free(cf);
	return v;
}

/*
 * A JSON answer with the given status: Content-Type application/json and
 * an X-Request-Id in UUID form.
 */
static void
assert_json(struct http_res *res, long status)
{
	char	 v[256];

	ck_assert_msg(res->status == status, "status %ld, want %ld: %s",
	    res->status, status, res->body);
	ck_assert_msg(http_header(res, "Content-Type", v, sizeof(v)) != NULL,
	    "no Content-Type");
	ck_assert_msg(strncmp(v, "application/json", 16) == 0,
	    "Content-Type %s", v);
	ck_assert_msg(http_header(res, "X-Request-Id", v, sizeof(v)) != NULL,
	    "no X-Request-Id");
	ck_assert_msg(uuid_valid(v), "X-Request-Id %s is not a UUID", v);
	ck_assert_msg(http_json(res) != NULL, "body is not JSON: %s",
	    res->body);
}

/*
 * The error envelope: {"code","message","details","requestId"} and nothing
 * else, the code given (any when NULL), requestId equal to X-Request-Id.
 */
static void
assert_envelope(struct http_res *res, long status, const char *code)
{
	struct json_object	*o, *v;
	char			 rid[256];

	assert_json(res, status);
	o = http_json(res);
	ck_assert_msg(json_object_is_type(o, json_type_object) &&
	    json_object_object_length(o) == 4, "not an envelope: %s",
	    res->body);
	ck_assert_msg(json_object_object_get_ex(o, "code", &v) &&
	    json_object_is_type(v, json_type_string), "no code: %s",
	    res->body);
	if (code != NULL)
		ck_assert_msg(strcmp(json_object_get_string(v), code) == 0,
		    "code %s, want %s: %s", json_object_get_string(v), code,
		    res->body);
	ck_assert_msg(json_object_object_get_ex(o, "message", &v) &&
	    json_object_get_string_len(v) > 0, "no message: %s", res->body);
	ck_assert_msg(json_object_object_get_ex(o, "details", &v) &&
	    json_object_is_type(v, json_type_object), "no details: %s",
	    res->body);
	ck_assert_msg(json_object_object_get_ex(o, "requestId", &v) &&
	    json_object_is_type(v, json_type_string), "no requestId: %s",
	    res->body);
	ck_assert_ptr_nonnull(http_header(res, "X-Request-Id", rid,
	    sizeof(rid)));
	ck_assert_str_eq(json_object_get_string(v), rid);
	/* Nothing that looks like a credential leaks into an error. */
	ck_assert_ptr_null(strstr(res->body, "idToken"));
	ck_assert_ptr_null(strstr(res->body, "refreshToken"));
}

/* The details object of an envelope names field. */
static void
assert_detail(struct http_res *res, const char *field)
{
	struct json_object	*d;

	ck_assert(json_object_object_get_ex(http_json(res), "details", &d));
	ck_assert_msg(json_object_object_get_ex(d, field, NULL),
	    "details do not name %s: %s", field, res->body);
}

/* A string member at a dotted path equals want. */
static void
assert_str(struct http_res *res, const char *path, const char *want)
{
	const char	*v;

	v = http_json_str(res, path);
	ck_assert_msg(v != NULL, "%s missing in %s", path, res->body);
	ck_assert_msg(strcmp(v, want) == 0, "%s is %s, want %s", path, v,
	    want);
}

/* A string member at a dotted path (asserted present). */
static const char *
json_str(struct http_res *res, const char *path)
{
	const char	*v;

	v = http_json_str(res, path);
	ck_assert_msg(v != NULL && *v != '\0', "%s missing in %s", path,
	    res->body);
	return v;
}

static void
req_ok(int rc)
{
	ck_assert_msg(rc == 0, "no HTTP answer (is the stack running?)");
}

/* GET path with a bearer token (NULL: none). */
static void
get_as(const char *path, const char *token, struct http_res *res)
{
	const char	*h[2] = { NULL, NULL };
	char		 auth[20000];

	if (token != NULL) {
		ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
		h[0] = auth;
	}
	req_ok(http_do("GET", path, h, NULL, res));
}

/* The status of GET path with token. */
static long
status_of(const char *path, const char *token)
{
	struct http_res	 res;
	long		 st;

	get_as(path, token, &res);
	st = res.status;
	http_res_free(&res);
	return st;
}

/*
 * POST a body to an /auth route (JSON unless body is NULL), with a bearer
 * token when token is not NULL.  nginx limits the request rate on /auth:
 * a 429 from nginx (Retry-After of 1 s) is retried after a pause, as a
 * client would, so that the tests see krow-auth's own answers.
 */
static void
auth_post(const char *path, const char *token, const char *body,
    struct http_res *res)
{
	const char	*h[3];
	char		 auth[20000], ra[32];
	size_t		 n = 0;
	int		 tries;

	if (body != NULL)
		h[n++] = "Content-Type: application/json";
	if (token != NULL) {
		ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
		h[n++] = auth;
	}
	h[n] = NULL;
	for (tries = 0; ; tries++) {
		req_ok(http_do("POST", path, h, body, res));
		if (res->status != 429 || tries == 15 ||
		    http_header(res, "Retry-After", ra, sizeof(ra)) == NULL ||
		    strcmp(ra, "1") != 0)
			break;
		http_res_free(res);
		nap(1000);
	}
}

/* A unique suffix for emails, names and phone numbers of this run. */
static unsigned long
uniq(void)
{
	static unsigned long	 seq;
	struct timespec		 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned long)ts.tv_nsec / 1000 + (unsigned long)getpid() *
	    7919 + ++seq * 104729) % 10000000;
}

/* A fresh E.164 number (+1 444 and 7 digits) into dst. */
static void
new_phone(char *dst, size_t len)
{
	int	 n;

	n = snprintf(dst, len, "+1444%07lu", uniq());
	ck_assert(n > 0 && (size_t)n < len);
}

/* A fresh email into dst. */
static void
new_email(char *dst, size_t len, const char *tag)
{
	int	 n;

	n = snprintf(dst, len, "%s-%lu@check-auth.example", tag, uniq());
	ck_assert(n > 0 && (size_t)n < len);
}

/* POST /auth/client/sign-up with the four fields. */
static void
sign_up(const char *email, const char *pw, const char *display,
    const char *business, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"email\":");
	buf_json_str(&b, email, strlen(email));
	buf_puts(&b, ",\"password\":");
	buf_json_str(&b, pw, strlen(pw));
	buf_puts(&b, ",\"displayName\":");
	buf_json_str(&b, display, strlen(display));
	buf_puts(&b, ",\"businessName\":");
	buf_json_str(&b, business, strlen(business));
	buf_putc(&b, '}');
	auth_post("/auth/client/sign-up", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

/* POST /auth/client/sign-in; the answer in res. */
static void
sign_in_res(const char *email, const char *pw, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"email\":");
	buf_json_str(&b, email, strlen(email));
	buf_puts(&b, ",\"password\":");
	buf_json_str(&b, pw, strlen(pw));
	buf_putc(&b, '}');
	auth_post("/auth/client/sign-in", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

/* Sign in (asserted to succeed); the ID token (mem_free() it). */
static char *
sign_in(const char *email, const char *pw, char **refresh)
{
	struct http_res	 res;
	char		*tok;

	sign_in_res(email, pw, &res);
	assert_json(&res, 200);
	tok = mem_strdup(json_str(&res, "idToken"));
	if (refresh != NULL)
		*refresh = mem_strdup(json_str(&res, "refreshToken"));
	http_res_free(&res);
	return tok;
}

/*
 * A new client account (asserted 201) with a fresh email in email
 * (emaillen bytes); its ID token (mem_free() it), the user id in uid
 * (UUID_STRLEN + 1 bytes) when not NULL.
 */
static char *
new_client(char *email, size_t emaillen, char *uid)
{
	struct http_res	 res;
	char		 biz[128];
	char		*tok;
	int		 n;

	new_email(email, emaillen, "client");
	n = snprintf(biz, sizeof(biz), "Check Auth Co %lu", uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	sign_up(email, NEW_PASSWORD, "Check Client", biz, &res);
	assert_json(&res, 201);
	tok = mem_strdup(json_str(&res, "idToken"));
	if (uid != NULL) {
		ck_assert(strlen(json_str(&res, "session.userId")) ==
		    UUID_STRLEN);
		memcpy(uid, json_str(&res, "session.userId"), UUID_STRLEN + 1);
	}
	http_res_free(&res);
	return tok;
}

/* POST /auth/staff/phone/start {"phoneNumber"}. */
static void
phone_start(const char *phone, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"phoneNumber\":");
	buf_json_str(&b, phone, strlen(phone));
	buf_putc(&b, '}');
	auth_post("/auth/staff/phone/start", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

/* Start a phone sign-in (asserted 200); its sessionInfo (mem_free()). */
static char *
phone_session(const char *phone)
{
	struct http_res	 res;
	char		*si;

	phone_start(phone, &res);
	assert_json(&res, 200);
	si = mem_strdup(json_str(&res, "sessionInfo"));
	http_res_free(&res);
	return si;
}

/* POST /auth/staff/phone/verify {"sessionInfo","code"}. */
static void
phone_verify(const char *si, const char *code, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"sessionInfo\":");
	buf_json_str(&b, si, strlen(si));
	buf_puts(&b, ",\"code\":");
	buf_json_str(&b, code, strlen(code));
	buf_putc(&b, '}');
	auth_post("/auth/staff/phone/verify", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

/*
 * The code the log sender wrote for phone, from the OTP log file
 * (auth_otp_log_file): the last line naming the number; the code is its
 * "code" member when the line is JSON, else its last group of 6 digits.
 * Polls for up to 5 s.  Returns 0 with the code in dst, or -1.
 */
static int
otp_code(const char *phone, char *dst, size_t dstlen)
{
	struct json_object	*o, *v;
	char			*path, *line = NULL, *last = NULL, *p, *q;
	size_t			 cap = 0, run;
	FILE			*f;
	double			 t0;
	int			 rc = -1;

	path = conf_string(CONF_AUTH_OTP_LOG_FILE);
	ck_assert_msg(*path != '\0', "auth_otp_log_file is not set");
	for (t0 = now_s(); rc == -1 && now_s() - t0 < 5; nap(100)) {
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (getline(&line, &cap, f) != -1)
			if (strstr(line, phone) != NULL) {
				mem_free(last);
				last = mem_strdup(line);
			}
		fclose(f);
		if (last == NULL)
			continue;
		if ((o = json_tokener_parse(last)) != NULL) {
			if (json_object_object_get_ex(o, "code", &v) &&
			    json_object_get_string_len(v) > 0 &&
			    (size_t)json_object_get_string_len(v) < dstlen) {
				memcpy(dst, json_object_get_string(v),
				    (size_t)json_object_get_string_len(v) + 1);
				rc = 0;
			}
			json_object_put(o);
			continue;
		}
		/* Plain text: skip the number itself, take 6 digits. */
		for (p = last; *p != '\0'; p = q) {
			for (q = p; *q >= '0' && *q <= '9'; q++)
				continue;
			run = (size_t)(q - p);
			if (run == 6 && (p == last || p[-1] != '+') &&
			    run < dstlen) {
				memcpy(dst, p, run);
				dst[run] = '\0';
				rc = 0;
			}
			if (run == 0)
				q++;
		}
	}
	free(line);
	mem_free(last);
	mem_free(path);
	return rc;
}

/* Another code of the same length (a wrong guess). */
static void
wrong_code(const char *code, char *dst, size_t dstlen)
{
	size_t	 i, n = strlen(code);

	ck_assert(n + 1 <= dstlen);
	for (i = 0; i < n; i++)
		dst[i] = (char)('0' + (code[i] - '0' + 1) % 10);
	dst[n] = '\0';
}

/*
 * Run "$KROW_TEST_STACK <cmd> $KROW_TEST_STATE <args>" (arguments quoted
 * for the shell; they come from the tests, never from input); 0 when it
 * succeeded.
 */
static int
stack_run(const char *cmd, const char *a1, const char *a2)
{
	const char	*script, *state, *args[2] = { a1, a2 };
	struct buf	 b;
	const char	*s;
	size_t		 i;
	int		 st;

	script = getenv("KROW_TEST_STACK");
	state = getenv("KROW_TEST_STATE");
	ck_assert_msg(script != NULL && state != NULL,
	    "KROW_TEST_STACK and KROW_TEST_STATE must be set");
	buf_init(&b);
	buf_printf(&b, "'%s' %s '%s'", script, cmd, state);
	for (i = 0; i < 2; i++) {
		if (args[i] == NULL)
			continue;
		buf_puts(&b, " '");
		for (s = args[i]; *s != '\0'; s++) {
			if (*s == '\'')
				buf_puts(&b, "'\\''");
			else
				buf_putc(&b, *s);
		}
		buf_putc(&b, '\'');
	}
	buf_puts(&b, " >&2");
	fflush(NULL);
	st = system(buf_cstr(&b));
	buf_cleanup(&b);
	return (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0) ? 0 : -1;
}

/* Set a setting of the stack and restart the auth pool with it. */
static void
set_and_restart(const char *key, const char *value)
{
	ck_assert_msg(stack_run("set", key, value) == 0, "krow-stack set %s "
	    "failed", key);
	ck_assert_msg(stack_run("restart-pool", "auth", NULL) == 0,
	    "krow-stack restart-pool auth failed");
}

/* A connection to the stack's database ($KROW_TEST_DB_URL). */
static PGconn *
db_open(void)
{
	const char	*url;
	PGconn		*c;

	url = getenv("KROW_TEST_DB_URL");
	ck_assert_msg(url != NULL, "KROW_TEST_DB_URL is not set");
	c = PQconnectdb(url);
	ck_assert_msg(c != NULL && PQstatus(c) == CONNECTION_OK,
	    "cannot connect to %s: %s", url, c == NULL ? "" :
	    PQerrorMessage(c));
	return c;
}

/*
 * Run sql with up to two text parameters; the first column of the first
 * row (mem_free() it; NULL when there is no row or it is NULL).  Asserts
 * that the statement succeeded.
 */
static char *
db_value(const char *sql, const char *p1, const char *p2)
{
	const char	*params[2] = { p1, p2 };
	PGconn		*c;
	PGresult	*r;
	char		*v = NULL;
	int		 n = p2 != NULL ? 2 : p1 != NULL ? 1 : 0;

	c = db_open();
	r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	ck_assert_msg(r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK), "%s: %s", sql,
	    PQerrorMessage(c));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
	    PQnfields(r) > 0 && !PQgetisnull(r, 0, 0))
		v = mem_strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

/* A count (the first column of sql) as a number. */
static long
db_count(const char *sql, const char *p1, const char *p2)
{
	char	*v;
	long	 n;

	v = db_value(sql, p1, p2);
	ck_assert_ptr_nonnull(v);
	n = strtol(v, NULL, 10);
	mem_free(v);
	return n;
}

/*
 * After a change that must stop token on path (with status want and
 * envelope code), at t0: it stops within the longer of auth_cache_seconds
 * and nginx's auth_gateway_cache_seconds + 1 (an entry lives to the end
 * of its last second), plus 1 s, and
 * then stays stopped for 20 requests in a row (on every worker).  Until
 * it stops, the answer is 200, or transient (when not 0: e.g. the pool's
 * 404 for a user gone while a worker's cache still knows the token).
 */
static void
assert_refused_within_cache(const char *path, const char *token, double t0,
    long want, const char *code, long transient)
{
	struct http_res	 res;
	long long	 cache;
	double		 limit, t;
	int		 i;

	cache = conf_num(CONF_AUTH_CACHE_SECONDS);
	if (conf_num(CONF_AUTH_GATEWAY_CACHE_SECONDS) + 1 > cache)
		cache = conf_num(CONF_AUTH_GATEWAY_CACHE_SECONDS) + 1;
	limit = (double)cache + 1.0;
	for (;;) {
		get_as(path, token, &res);
		t = now_s() - t0;
		if (res.status == want)
			break;
		ck_assert_msg(res.status == 200 || (transient != 0 &&
		    res.status == transient), "%s: status %ld: %s", path,
		    res.status, res.body);
		ck_assert_msg(t <= limit, "%s still accepted the token %.1f s "
		    "after the change (cache window %lld s)", path, t,
		    cache);
		http_res_free(&res);
		nap(100);
	}
	assert_envelope(&res, want, code);
	http_res_free(&res);
	/* Past the window, every worker refuses it. */
	t = now_s() - t0;
	if (t < limit)
		nap((long)((limit - t) * 1000));
	for (i = 0; i < 20; i++) {
		get_as(path, token, &res);
		ck_assert_msg(res.status == want, "request %d after the "
		    "window: %ld: %s", i, res.status, res.body);
		assert_envelope(&res, want, code);
		http_res_free(&res);
	}
}

/* The "kid" of a compact JWT's header (mem_free() it). */
static char *
token_kid(const char *tok)
{
	struct json_object	*o, *v;
	struct buf		 h;
	const char		*dot;
	char			*kid;

	dot = strchr(tok, '.');
	ck_assert_ptr_nonnull(dot);
	buf_init(&h);
	ck_assert_int_eq(b64url_decode(&h, tok, (size_t)(dot - tok)), 0);
	o = json_tokener_parse(buf_cstr(&h));
	ck_assert_msg(o != NULL, "token header is not JSON");
	ck_assert_msg(json_object_object_get_ex(o, "kid", &v) &&
	    json_object_is_type(v, json_type_string), "no kid in %s",
	    buf_cstr(&h));
	kid = mem_strdup(json_object_get_string(v));
	json_object_put(o);
	buf_cleanup(&h);
	return kid;
}

/* Whether the JWKS served now lists kid (asserting its shape). */
static int
jwks_has(const char *kid)
{
	struct http_res		 res;
	struct json_object	*keys, *k, *v;
	size_t			 i;
	int			 found = 0;

	get_as("/auth/.well-known/jwks.json", NULL, &res);
	assert_json(&res, 200);
	ck_assert(json_object_object_get_ex(http_json(&res), "keys", &keys));
	ck_assert(json_object_is_type(keys, json_type_array));
	for (i = 0; i < json_object_array_length(keys); i++) {
		k = json_object_array_get_idx(keys, i);
		ck_assert(json_object_object_get_ex(k, "kty", &v));
		ck_assert_str_eq(json_object_get_string(v), "RSA");
		ck_assert(json_object_object_get_ex(k, "n", NULL));
		ck_assert(json_object_object_get_ex(k, "e", NULL));
		ck_assert(!json_object_object_get_ex(k, "d", NULL));
		if (json_object_object_get_ex(k, "kid", &v) &&
		    strcmp(json_object_get_string(v), kid) == 0)
			found = 1;
	}
	http_res_free(&res);
	return found;
}

/* The number of keys the JWKS lists. */
static size_t
jwks_count(void)
{
	struct http_res		 res;
	struct json_object	*keys;
	size_t			 n;

	get_as("/auth/.well-known/jwks.json", NULL, &res);
	assert_json(&res, 200);
	ck_assert(json_object_object_get_ex(http_json(&res), "keys", &keys));
	n = json_object_array_length(keys);
	http_res_free(&res);
	return n;
}

/* ------------------------------------------------------------ sign-up */

START_TEST(test_sign_up_ok)
{
	struct http_res	 res, res2;
	char		 email[128], biz[128], uid[UUID_STRLEN + 1];
	char		*tok;
	int		 n;

	new_email(email, sizeof(email), "signup");
	n = snprintf(biz, sizeof(biz), "Sign-Up Bistro %lu", uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	sign_up(email, NEW_PASSWORD, "Sofia Signup", biz, &res);
	assert_json(&res, 201);
	ck_assert_int_eq(strncmp(json_str(&res, "idToken"), "eyJ", 3), 0);
	(void)json_str(&res, "refreshToken");
	assert_str(&res, "expiresIn", "3600");
	assert_str(&res, "session.actor", "client");
	assert_str(&res, "session.role", "owner");
	assert_str(&res, "session.email", email);
	assert_str(&res, "session.displayName", "Sofia Signup");
	assert_str(&res, "session.tenantId", DEMO_TENANT_ID);
	assert_str(&res, "session.provider", "local");
	ck_assert(uuid_valid(json_str(&res, "session.userId")));
	ck_assert(uuid_valid(json_str(&res, "session.businessId")));
	memcpy(uid, json_str(&res, "session.userId"), sizeof(uid));

	/* The token opens the client routes, on the new business. */
	get_as("/query/client/session", json_str(&res, "idToken"), &res2);
	assert_json(&res2, 200);
	assert_str(&res2, "user.userId", uid);
	assert_str(&res2, "business.businessId",
	    json_str(&res, "session.businessId"));
	assert_str(&res2, "business.name", biz);
	http_res_free(&res2);
	http_res_free(&res);

	/* The password signs in from now on. */
	sign_in_res(email, NEW_PASSWORD, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.userId", uid);
	tok = mem_strdup(json_str(&res, "idToken"));
	http_res_free(&res);
	get_as("/auth/session", tok, &res);
	assert_json(&res, 200);
	assert_str(&res, "userId", uid);
	assert_str(&res, "email", email);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_sign_up_shortest_password)
{
	struct http_res	 res;
	char		 email[128];

	new_email(email, sizeof(email), "eight");
	sign_up(email, "abcdefg1", "Eight Chars", "Eight Chars Ltd", &res);
	assert_json(&res, 201);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_up_duplicate)
{
	struct http_res	 res;
	char		 email[128], upper[128], biz[128];
	size_t		 i;
	int		 n;

	mem_free(new_client(email, sizeof(email), NULL));
	for (i = 0; email[i] != '\0'; i++)
		upper[i] = (char)(email[i] >= 'a' && email[i] <= 'z' ?
		    email[i] - 'a' + 'A' : email[i]);
	upper[i] = '\0';
	n = snprintf(biz, sizeof(biz), "Duplicate Co %lu", uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	/* The same address, in another case: emails are case-insensitive. */
	sign_up(upper, NEW_PASSWORD, "Second Try", biz, &res);
	assert_envelope(&res, 409, "CONFLICT");
	http_res_free(&res);
	/* Nothing was written: no business, no second user. */
	ck_assert_int_eq(db_count("SELECT count(*) FROM businesses"
	    " WHERE name = $1", biz, NULL), 0);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users"
	    " WHERE email = $1::citext", email, NULL), 1);
}
END_TEST

START_TEST(test_sign_up_demo_email_taken)
{
	struct http_res	 res;

	sign_up(OWNER_EMAIL, NEW_PASSWORD, "Impostor", "Impostor Inc", &res);
	assert_envelope(&res, 409, "CONFLICT");
	http_res_free(&res);
	/* The owner's password still works. */
	mem_free(sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL));
}
END_TEST

/* Bodies sign-up refuses with 400 VALIDATION_ERROR naming a field. */
static const struct {
	const char	*body;
	const char	*field;
} bad_sign_ups[] = {
	{ "{\"email\":\"weak@check-auth.example\",\"password\":\"short-1\","
	    "\"displayName\":\"Weak\",\"businessName\":\"Weak Co\"}",
	    "password" },
	{ "{\"email\":\"not-an-email\",\"password\":\"long-enough-1\","
	    "\"displayName\":\"Bad Email\",\"businessName\":\"Bad Email Co\"}",
	    "email" },
	{ "{\"password\":\"long-enough-1\",\"displayName\":\"No Email\","
	    "\"businessName\":\"No Email Co\"}", "email" },
	{ "{\"email\":\"nodisplay@check-auth.example\","
	    "\"password\":\"long-enough-1\",\"businessName\":\"No Display\"}",
	    "displayName" },
	{ "{\"email\":\"nobiz@check-auth.example\","
	    "\"password\":\"long-enough-1\",\"displayName\":\"No Biz\"}",
	    "businessName" },
	{ "{\"email\":\"emptybiz@check-auth.example\","
	    "\"password\":\"long-enough-1\",\"displayName\":\"Empty Biz\","
	    "\"businessName\":\"\"}", "businessName" },
	{ "{\"email\":\"numpw@check-auth.example\",\"password\":12345678,"
	    "\"displayName\":\"Number\",\"businessName\":\"Number Co\"}",
	    "password" },
	{ "{\"email\":\"extra@check-auth.example\","
	    "\"password\":\"long-enough-1\",\"displayName\":\"Extra\","
	    "\"businessName\":\"Extra Co\",\"role\":\"admin\"}", "role" },
};

START_TEST(test_sign_up_invalid)
{
	struct http_res	 res;
	long		 before;

	before = db_count("SELECT count(*) FROM users", NULL, NULL);
	auth_post("/auth/client/sign-up", NULL, bad_sign_ups[_i].body, &res);
	assert_envelope(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, bad_sign_ups[_i].field);
	http_res_free(&res);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users", NULL, NULL),
	    before);
}
END_TEST

START_TEST(test_sign_up_malformed)
{
	struct http_res	 res;

	auth_post("/auth/client/sign-up", NULL, "{\"email\":", &res);
	assert_envelope(&res, 400, "BAD_REQUEST");
	http_res_free(&res);
}
END_TEST

/* ------------------------------------------------------------ sign-in */

START_TEST(test_password_lockout)
{
	struct http_res	 res;
	char		 email[128], ra[32];
	char		*tok, *end;
	long long	 max, i;
	long		 secs;

	tok = new_client(email, sizeof(email), NULL);
	mem_free(tok);
	max = conf_num(CONF_AUTH_MAX_FAILURES);
	for (i = 1; i <= max; i++) {
		sign_in_res(email, "wrong-password-1", &res);
		if (i < max)
			assert_envelope(&res, 401, "INVALID_CREDENTIALS");
		else
			assert_envelope(&res, 423, "ACCOUNT_LOCKED");
		if (i < max)
			http_res_free(&res);
	}
	/* The lock says when to come back. */
	ck_assert_msg(http_header(&res, "Retry-After", ra, sizeof(ra)) !=
	    NULL, "423 without Retry-After");
	secs = strtol(ra, &end, 10);
	ck_assert_msg(*end == '\0' && secs > 0 &&
	    secs <= conf_num(CONF_AUTH_LOCK_SECONDS), "Retry-After %s", ra);
	http_res_free(&res);
	/* Locked: the right password is refused too. */
	sign_in_res(email, NEW_PASSWORD, &res);
	assert_envelope(&res, 423, "ACCOUNT_LOCKED");
	ck_assert_ptr_nonnull(http_header(&res, "Retry-After", ra,
	    sizeof(ra)));
	http_res_free(&res);
}
END_TEST

START_TEST(test_unsigned_token_refused)
{
	struct http_res	 res;
	struct buf	 h, p, tok;
	long long	 now = (long long)time(NULL);

	/* {"alg":"none"}, claims the local stack would accept if signed. */
	buf_init(&h);
	buf_init(&p);
	buf_init(&tok);
	buf_puts(&h, "{\"alg\":\"none\",\"typ\":\"JWT\"}");
	buf_printf(&p, "{\"iss\":\"krow-local\",\"aud\":\"krow\","
	    "\"sub\":\"demo-owner\",\"user_id\":\"demo-owner\","
	    "\"iat\":%lld,\"exp\":%lld,\"auth_time\":%lld}", now, now + 3600,
	    now);
	b64url_encode(&tok, h.p, h.len);
	buf_putc(&tok, '.');
	b64url_encode(&tok, p.p, p.len);
	buf_putc(&tok, '.');
	get_as("/query/client/session", buf_cstr(&tok), &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	get_as("/auth/session", buf_cstr(&tok), &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	buf_cleanup(&h);
	buf_cleanup(&p);
	buf_cleanup(&tok);
}
END_TEST

/* ------------------------------------------------------------ refresh */

START_TEST(test_refresh_new_client)
{
	struct http_res	 res, res2;
	struct buf	 b;
	char		 email[128], uid[UUID_STRLEN + 1];
	char		*tok, *rt;

	mem_free(new_client(email, sizeof(email), uid));
	tok = sign_in(email, NEW_PASSWORD, &rt);
	buf_init(&b);
	buf_puts(&b, "{\"refreshToken\":");
	buf_json_str(&b, rt, strlen(rt));
	buf_putc(&b, '}');
	auth_post("/auth/refresh", NULL, buf_cstr(&b), &res);
	assert_json(&res, 200);
	ck_assert_str_ne(json_str(&res, "refreshToken"), rt);
	get_as("/query/client/session", json_str(&res, "idToken"), &res2);
	assert_json(&res2, 200);
	assert_str(&res2, "user.userId", uid);
	http_res_free(&res2);
	http_res_free(&res);
	/* Rotation: the refresh token was used up. */
	auth_post("/auth/refresh", NULL, buf_cstr(&b), &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	buf_cleanup(&b);
	mem_free(rt);
	mem_free(tok);
}
END_TEST

/* -------------------------------------------------------------- phone */

START_TEST(test_phone_test_number)
{
	struct http_res	 res, res2;
	char		*si;

	si = phone_session(TEST_PHONE);
	phone_verify(si, TEST_CODE, &res);
	assert_json(&res, 200);
	ck_assert_int_eq(strncmp(json_str(&res, "idToken"), "eyJ", 3), 0);
	(void)json_str(&res, "refreshToken");
	assert_str(&res, "session.actor", "staff");
	assert_str(&res, "session.userId", STAFF_USER_ID);
	assert_str(&res, "session.staffId", STAFF_ID);
	assert_str(&res, "session.tenantId", DEMO_TENANT_ID);
	assert_str(&res, "session.phone", TEST_PHONE);
	get_as("/query/staff/session", json_str(&res, "idToken"), &res2);
	assert_json(&res2, 200);
	assert_str(&res2, "staff.staffId", STAFF_ID);
	http_res_free(&res2);
	/* A staff token is no client token. */
	get_as("/query/client/session", json_str(&res, "idToken"), &res2);
	assert_envelope(&res2, 403, "FORBIDDEN");
	http_res_free(&res2);
	http_res_free(&res);
	/* The session is used up by a successful verify. */
	phone_verify(si, TEST_CODE, &res);
	ck_assert_msg(res.status == 400 || res.status == 401, "reused "
	    "session: %ld %s", res.status, res.body);
	assert_envelope(&res, res.status, NULL);
	http_res_free(&res);
	mem_free(si);
}
END_TEST

START_TEST(test_phone_new_number)
{
	struct http_res	 res;
	char		 phone[32], code[32], uid[UUID_STRLEN + 1];
	char		 staff[UUID_STRLEN + 1];
	char		*si, *v;

	new_phone(phone, sizeof(phone));
	si = phone_session(phone);
	ck_assert_msg(otp_code(phone, code, sizeof(code)) == 0,
	    "no code for %s in the OTP log", phone);
	phone_verify(si, code, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.actor", "staff");
	assert_str(&res, "session.phone", phone);
	assert_str(&res, "session.tenantId", DEMO_TENANT_ID);
	ck_assert(uuid_valid(json_str(&res, "session.staffId")));
	ck_assert_str_ne(json_str(&res, "session.staffId"), STAFF_ID);
	memcpy(uid, json_str(&res, "session.userId"), sizeof(uid));
	memcpy(staff, json_str(&res, "session.staffId"), sizeof(staff));
	http_res_free(&res);
	mem_free(si);

	/* A new staff member, onboarding, in the self-sign-up tenant. */
	v = db_value("SELECT status || ' ' || tenant_id::text FROM staff"
	    " WHERE id = $1::uuid AND phone = $2", staff, phone);
	ck_assert_msg(v != NULL, "no staff row %s for %s", staff, phone);
	ck_assert_str_eq(v, "onboarding " DEMO_TENANT_ID);
	mem_free(v);

	/* Signing in again finds the same user: no second staff row. */
	si = phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	phone_verify(si, code, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.userId", uid);
	assert_str(&res, "session.staffId", staff);
	ck_assert_int_eq(status_of("/auth/session", json_str(&res, "idToken")),
	    200);
	http_res_free(&res);
	mem_free(si);
	ck_assert_int_eq(db_count("SELECT count(*) FROM staff WHERE phone = $1",
	    phone, NULL), 1);
}
END_TEST

START_TEST(test_phone_wrong_code)
{
	struct http_res	 res;
	char		 phone[32], code[32], bad[32];
	char		*si;

	new_phone(phone, sizeof(phone));
	si = phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	wrong_code(code, bad, sizeof(bad));
	phone_verify(si, bad, &res);
	assert_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	/* Nothing was created for a wrong code. */
	ck_assert_int_eq(db_count("SELECT count(*) FROM users WHERE phone = $1",
	    phone, NULL), 0);
	/* A typo is forgiven: the right code still works. */
	phone_verify(si, code, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.phone", phone);
	http_res_free(&res);
	mem_free(si);
}
END_TEST

START_TEST(test_phone_lockout)
{
	struct http_res	 res;
	char		 phone[32], code[32], bad[32];
	char		*si;
	long long	 max, i;

	new_phone(phone, sizeof(phone));
	si = phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	wrong_code(code, bad, sizeof(bad));
	max = conf_num(CONF_AUTH_MAX_FAILURES);
	for (i = 1; i <= max; i++) {
		phone_verify(si, bad, &res);
		if (i < max)
			assert_envelope(&res, 401, "INVALID_CREDENTIALS");
		else
			assert_envelope(&res, 423, "ACCOUNT_LOCKED");
		http_res_free(&res);
	}
	/* Locked: the right code is refused too, and no one was created. */
	phone_verify(si, code, &res);
	assert_envelope(&res, 423, "ACCOUNT_LOCKED");
	http_res_free(&res);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users WHERE phone = $1",
	    phone, NULL), 0);
	mem_free(si);
}
END_TEST

/* Bodies the phone routes refuse with 400 VALIDATION_ERROR. */
static const struct {
	const char	*path;
	const char	*body;
	const char	*field;
} bad_phone[] = {
	{ "/auth/staff/phone/start", "{\"phoneNumber\":\"5555550100\"}",
	    "phoneNumber" },
	{ "/auth/staff/phone/start", "{\"phoneNumber\":\"+1 555 555 0100\"}",
	    "phoneNumber" },
	{ "/auth/staff/phone/start", "{}", "phoneNumber" },
	{ "/auth/staff/phone/verify", "{\"code\":\"123456\"}",
	    "sessionInfo" },
	{ "/auth/staff/phone/verify", "{\"sessionInfo\":\"abc\"}", "code" },
};

START_TEST(test_phone_invalid)
{
	struct http_res	 res;

	auth_post(bad_phone[_i].path, NULL, bad_phone[_i].body, &res);
	assert_envelope(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, bad_phone[_i].field);
	http_res_free(&res);
}
END_TEST

START_TEST(test_phone_start_throttled)
{
	struct http_res	 res;
	char		 phone[32], ra[32];
	int		 i, ok = 0;

	new_phone(phone, sizeof(phone));
	for (i = 0; i < 20; i++) {
		phone_start(phone, &res);
		if (res.status != 200)
			break;
		ok++;
		http_res_free(&res);
	}
	/* A few codes go out; then the number has to wait. */
	ck_assert_msg(ok >= 3 && ok < 20, "%d codes sent in a row", ok);
	assert_envelope(&res, 429, "RATE_LIMITED");
	ck_assert_msg(http_header(&res, "Retry-After", ra, sizeof(ra)) !=
	    NULL && atoi(ra) > 0, "429 without Retry-After");
	http_res_free(&res);
	/* Other numbers are not held up. */
	new_phone(phone, sizeof(phone));
	mem_free(phone_session(phone));
}
END_TEST

START_TEST(test_phone_unknown_session)
{
	struct http_res	 res;

	phone_verify("bm90LWEtc2Vzc2lvbg", "123456", &res);
	ck_assert_msg(res.status == 400 || res.status == 401, "status %ld: %s",
	    res.status, res.body);
	assert_envelope(&res, res.status, NULL);
	http_res_free(&res);
}
END_TEST

/* ----------------------------------------------------------- sign-out */

/*
 * Let every auth worker see (and cache) tok on path, then sign out
 * through route with it; *t0 is when.
 */
static void
sign_out_now(const char *route, const char *tok, const char *path,
    double *t0)
{
	struct http_res	 res;
	int		 i;

	for (i = 0; i < 10; i++)
		ck_assert_int_eq(status_of(path, tok), 200);
	*t0 = now_s();
	auth_post(route, tok, NULL, &res);
	assert_json(&res, 200);
	ck_assert(json_object_get_boolean(json_object_object_get(
	    http_json(&res), "signedOut")));
	http_res_free(&res);
}

/* After sign_out_now(): tok is refused on path and /auth/session. */
static void
assert_signed_out(const char *tok, const char *path, double t0)
{
	struct http_res	 res;

	assert_refused_within_cache(path, tok, t0, 401, "TOKEN_REVOKED", 0);
	get_as("/auth/session", tok, &res);
	assert_envelope(&res, 401, "TOKEN_REVOKED");
	http_res_free(&res);
}

/*
 * A token of the demo staff member, signed as krow-auth signs (the phone
 * flow is tested above; starting it is throttled per number).
 */
static char *
staff_token(void)
{
	char	*tok;

	tok = http_mint("demo-staff", 0, 3600, 0);
	ck_assert_msg(tok != NULL, "cannot mint a staff token");
	return tok;
}

/*
 * The three sign-out routes, each revoking every token issued before it.
 * They sign out one after the other, so that one cache window covers all
 * three checks.
 */
START_TEST(test_sign_out_routes)
{
	char	 email1[128], email2[128];
	char	*any, *client, *client2, *staff, *after;
	double	 t_any, t_client, t_staff;
	int	 i;

	any = new_client(email1, sizeof(email1), NULL);
	mem_free(new_client(email2, sizeof(email2), NULL));
	client = sign_in(email2, NEW_PASSWORD, NULL);
	client2 = sign_in(email2, NEW_PASSWORD, NULL);
	staff = staff_token();
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(status_of("/query/client/session", client2),
		    200);

	sign_out_now("/auth/sign-out", any, "/query/client/session", &t_any);
	sign_out_now("/auth/client/sign-out", client, "/query/client/session",
	    &t_client);
	sign_out_now("/auth/staff/sign-out", staff, "/query/staff/session",
	    &t_staff);
	assert_signed_out(any, "/query/client/session", t_any);
	assert_signed_out(client, "/query/client/session", t_client);
	assert_signed_out(staff, "/query/staff/session", t_staff);
	/* Every token issued before is refused, not only the caller's. */
	assert_refused_within_cache("/query/client/session", client2,
	    t_client, 401, "TOKEN_REVOKED", 0);

	/* A sign-in afterwards gets a working token. */
	nap(1100);
	after = sign_in(email1, NEW_PASSWORD, NULL);
	ck_assert_int_eq(status_of("/query/client/session", after), 200);
	mem_free(after);
	mem_free(staff);
	mem_free(client2);
	mem_free(client);
	mem_free(any);
}
END_TEST

START_TEST(test_sign_out_wrong_actor)
{
	struct http_res	 res;
	char		 email[128];
	char		*client, *staff;

	client = new_client(email, sizeof(email), NULL);
	auth_post("/auth/staff/sign-out", client, NULL, &res);
	assert_envelope(&res, 403, "FORBIDDEN");
	http_res_free(&res);

	staff = staff_token();
	auth_post("/auth/client/sign-out", staff, NULL, &res);
	assert_envelope(&res, 403, "FORBIDDEN");
	http_res_free(&res);

	/* Nothing was revoked. */
	ck_assert_int_eq(status_of("/query/client/session", client), 200);
	ck_assert_int_eq(status_of("/query/staff/session", staff), 200);
	mem_free(staff);
	mem_free(client);
}
END_TEST

START_TEST(test_sign_out_garbage_token)
{
	struct http_res	 res;

	auth_post("/auth/sign-out", "not.a.token", NULL, &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
}
END_TEST

/* ------------------------------------------------- users that change */

/* Delete the users row uid (the audit trail keeps its events). */
static void
delete_user(const char *uid)
{
	static const char *const sql[] = {
		"BEGIN",
		"UPDATE audit_events SET actor_user_id = NULL"
		" WHERE actor_user_id = $1::uuid",
		"DELETE FROM users WHERE id = $1::uuid",
		"COMMIT",
	};
	PGconn		*c;
	PGresult	*r;
	size_t		 i;

	c = db_open();
	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		r = PQexecParams(c, sql[i], strchr(sql[i], '$') != NULL ? 1 : 0,
		    NULL, &uid, NULL, NULL, 0);
		ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s",
		    sql[i], PQerrorMessage(c));
		if (i == 2)
			ck_assert_str_eq(PQcmdTuples(r), "1");
		PQclear(r);
	}
	PQfinish(c);
}

/*
 * Valid tokens of users changed behind krow-auth's back: one deleted
 * (401), one disabled (403).  Both changes at once, so that one cache
 * window covers both checks.
 */
START_TEST(test_changed_users)
{
	struct http_res	 res;
	char		 email1[128], email2[128];
	char		 gone_id[UUID_STRLEN + 1], off_id[UUID_STRLEN + 1];
	char		*gone, *off;
	double		 t0;
	int		 i;

	gone = new_client(email1, sizeof(email1), gone_id);
	off = new_client(email2, sizeof(email2), off_id);
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(status_of("/query/client/session", gone), 200);
		ck_assert_int_eq(status_of("/query/client/session", off), 200);
	}
	delete_user(gone_id);
	mem_free(db_value("UPDATE users SET status = 'disabled'"
	    " WHERE id = $1::uuid", off_id, NULL));
	t0 = now_s();
	/* Until a worker's cache forgets it, the pool finds no user: 404. */
	assert_refused_within_cache("/query/client/session", gone, t0, 401,
	    "UNAUTHENTICATED", 404);
	assert_refused_within_cache("/query/client/session", off, t0, 403,
	    "ACCOUNT_DISABLED", 0);
	get_as("/auth/session", off, &res);
	assert_envelope(&res, 403, "ACCOUNT_DISABLED");
	http_res_free(&res);
	get_as("/auth/session", gone, &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(off);
	mem_free(gone);
}
END_TEST

/* --------------------------------------------------------------- JWKS */

START_TEST(test_jwks_kid)
{
	char	*tok, *kid;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	kid = token_kid(tok);
	ck_assert_msg(jwks_has(kid), "kid %s is not in the JWKS", kid);
	mem_free(kid);
	mem_free(tok);
}
END_TEST

/* ------------------------------------------- configuration (runs last) */

/*
 * The configuration test case changes settings; its unchecked fixture
 * (run by the parent, whatever the tests did) puts self sign-up back.
 */
static char	*saved_tenant, *saved_gateway, *saved_skew;

static void
config_setup(void)
{
	saved_tenant = conf_string(CONF_AUTH_SELF_SIGNUP_TENANT);
	saved_gateway = conf_string(CONF_AUTH_GATEWAY_CACHE_SECONDS);
	saved_skew = conf_string(CONF_AUTH_CLOCK_SKEW);
}

/* Put setting key back to *saved (then freed) when it changed. */
static int
restore(enum conf_key k, const char *key, char **saved)
{
	char	*now;
	int	 changed = 0;

	if (*saved == NULL)
		return 0;
	now = conf_string(k);
	if (strcmp(now, *saved) != 0) {
		if (stack_run("set", key, *saved) != 0)
			fprintf(stderr, "check_auth: cannot restore %s\n", key);
		changed = 1;
	}
	mem_free(now);
	mem_free(*saved);
	*saved = NULL;
	return changed;
}

static void
config_teardown(void)
{
	int	 changed = 0;

	changed |= restore(CONF_AUTH_SELF_SIGNUP_TENANT,
	    "auth_self_signup_tenant", &saved_tenant);
	changed |= restore(CONF_AUTH_GATEWAY_CACHE_SECONDS,
	    "auth_gateway_cache_seconds", &saved_gateway);
	changed |= restore(CONF_AUTH_CLOCK_SKEW, "auth_clock_skew",
	    &saved_skew);
	if (changed && stack_run("restart-pool", "auth", NULL) != 0)
		fprintf(stderr, "check_auth: cannot restart the auth pool\n");
}

/*
 * How many of the n request ids in ids krow-auth logged: the token
 * checks that reached it rather than nginx's gateway cache.
 */
static int
auth_logged(char ids[][64], int n)
{
	FILE		*f;
	char		 path[1024], line[4096];
	const char	*state;
	int		 i, seen[64] = { 0 }, count = 0;

	ck_assert_int_le(n, 64);
	state = getenv("KROW_TEST_STATE");
	ck_assert_msg(state != NULL, "KROW_TEST_STATE is not set");
	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/log/auth.log",
	    state), (int)sizeof(path));
	nap(300);	/* the last lines written */
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "\"route\":\"/_auth/verify\"") == NULL)
			continue;
		for (i = 0; i < n; i++)
			if (!seen[i] && strstr(line, ids[i]) != NULL)
				seen[i] = 1, count++;
	}
	fclose(f);
	return count;
}

/* n requests to path with tok, all 200; their request ids into ids. */
static void
burst(const char *path, const char *tok, char ids[][64], int n)
{
	struct http_res	 res;
	int		 i;

	for (i = 0; i < n; i++) {
		get_as(path, tok, &res);
		ck_assert_msg(res.status == 200, "status %ld: %s", res.status,
		    res.body);
		ck_assert_ptr_nonnull(http_header(&res, "X-Request-Id",
		    ids[i], 64));
		http_res_free(&res);
	}
}

/*
 * nginx reuses krow-auth's acceptance of a token for the same route
 * (auth_gateway_cache_seconds): a burst of requests asks krow-auth a
 * few times, not every time; with the setting at 0, every time.
 */
START_TEST(test_gateway_cache)
{
	char	 ids[20][64];
	char	*tok;
	int	 asked;

	tok = http_mint("demo-owner", -1, 3600, 0);
	ck_assert_ptr_nonnull(tok);
	burst("/query/client/session", tok, ids, 20);
	asked = auth_logged(ids, 20);
	ck_assert_msg(asked >= 1 && asked <= 10, "krow-auth was asked %d "
	    "times for 20 requests with one token", asked);
	mem_free(tok);

	set_and_restart("auth_gateway_cache_seconds", "0");
	tok = http_mint("demo-owner", -2, 3600, 0);
	ck_assert_ptr_nonnull(tok);
	burst("/query/client/session", tok, ids, 20);
	ck_assert_int_eq(auth_logged(ids, 20), 20);
	mem_free(tok);
}
END_TEST

/*
 * Neither cache outlives a token: with no clock skew allowed, a token
 * used over and over is accepted until its exp and refused from then
 * on, on every request.
 */
START_TEST(test_caches_stop_at_exp)
{
	struct http_res	 res;
	long long	 exp;
	double		 t0, t1;
	char		*tok;
	int		 ok = 0, refused = 0;

	set_and_restart("auth_clock_skew", "0");
	for (;;) {
		exp = (long long)time(NULL) + 3;
		tok = http_mint("demo-owner", 0, 3, 0);
		ck_assert_ptr_nonnull(tok);
		if ((long long)time(NULL) + 3 == exp)
			break;
		mem_free(tok);	/* a second began in between */
	}
	for (;;) {
		t0 = wall_s();
		get_as("/query/client/session", tok, &res);
		t1 = wall_s();
		if (t0 >= (double)exp + 0.05) {
			assert_envelope(&res, 401, "TOKEN_EXPIRED");
			refused++;
		} else if (t1 < (double)exp - 0.05) {
			ck_assert_msg(res.status == 200, "status %ld before exp: "
			    "%s", res.status, res.body);
			ok++;
		}
		http_res_free(&res);
		if (t0 > (double)exp + 1.5)
			break;
		nap(20);
	}
	ck_assert_int_gt(ok, 10);
	ck_assert_int_gt(refused, 10);
	mem_free(tok);
}
END_TEST

START_TEST(test_self_signup_off)
{
	struct http_res	 res;
	char		 email[128], phone[32], code[32];
	char		*si, *tenant;

	tenant = conf_string(CONF_AUTH_SELF_SIGNUP_TENANT);
	ck_assert_msg(*tenant != '\0', "self sign-up is off already");
	set_and_restart("auth_self_signup_tenant", "");

	new_email(email, sizeof(email), "closed");
	sign_up(email, NEW_PASSWORD, "Closed Door", "Closed Door Co", &res);
	assert_envelope(&res, 403, NULL);
	http_res_free(&res);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users"
	    " WHERE email = $1::citext", email, NULL), 0);

	/* An unknown number is refused; a known staff member is not. */
	new_phone(phone, sizeof(phone));
	si = phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	phone_verify(si, code, &res);
	assert_envelope(&res, 403, NULL);
	http_res_free(&res);
	mem_free(si);
	ck_assert_int_eq(db_count("SELECT count(*) FROM staff WHERE phone = $1",
	    phone, NULL), 0);
	si = phone_session(TEST_PHONE);
	phone_verify(si, TEST_CODE, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.staffId", STAFF_ID);
	http_res_free(&res);
	mem_free(si);

	/* Existing clients still sign in. */
	mem_free(sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL));

	set_and_restart("auth_self_signup_tenant", tenant);
	sign_up(email, NEW_PASSWORD, "Open Door", "Open Door Co", &res);
	assert_json(&res, 201);
	http_res_free(&res);
	mem_free(tenant);
}
END_TEST

/* Write a new RSA key next to the current one; its path (mem_free()). */
static char *
new_key(const char *current)
{
	struct stat	 sb;
	struct buf	 cmd;
	char		*path;
	int		 st;

	ck_assert_int_eq(stat(current, &sb), 0);
	buf_init(&cmd);
	buf_printf(&cmd, "%s.rotated-%lu", current, uniq());
	path = mem_strdup(buf_cstr(&cmd));
	buf_reset(&cmd);
	buf_printf(&cmd, "umask 077 && openssl genpkey -algorithm RSA "
	    "-pkeyopt rsa_keygen_bits:2048 -out '%s' 2>/dev/null", path);
	fflush(NULL);
	st = system(buf_cstr(&cmd));
	ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "openssl genpkey failed");
	buf_cleanup(&cmd);
	/* Readable by the pools as the current key is. */
	if (geteuid() == 0)
		ck_assert_int_eq(chown(path, sb.st_uid, sb.st_gid), 0);
	return path;
}

START_TEST(test_key_rotation)
{
	struct http_res	 res;
	char		*old_path, *new_path, *old_tok, *old_kid;
	char		*tok, *kid;
	char		*minted, *minted_kid;

	old_path = conf_string(CONF_AUTH_KEY_FILE);
	old_tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	old_kid = token_kid(old_tok);
	ck_assert(jwks_has(old_kid));
	ck_assert_uint_eq(jwks_count(), 1);

	new_path = new_key(old_path);
	ck_assert_msg(stack_run("set", "auth_old_key_files", old_path) == 0,
	    "set auth_old_key_files failed");
	set_and_restart("auth_key_file", new_path);

	/* The new key signs... */
	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	kid = token_kid(tok);
	ck_assert_str_ne(kid, old_kid);
	ck_assert_int_eq(status_of("/query/client/session", tok), 200);
	/* ...the minting helper (which reads auth_key_file) agrees... */
	minted = http_mint("demo-owner", 0, 3600, 0);
	ck_assert_ptr_nonnull(minted);
	minted_kid = token_kid(minted);
	ck_assert_str_eq(minted_kid, kid);
	/* ...and both keys are published and verify. */
	ck_assert(jwks_has(kid));
	ck_assert(jwks_has(old_kid));
	ck_assert_uint_eq(jwks_count(), 2);
	get_as("/query/client/session", old_tok, &res);
	assert_json(&res, 200);
	assert_str(&res, "user.userId", OWNER_USER_ID);
	http_res_free(&res);

	/* Retired for good: the old key's tokens stop working. */
	set_and_restart("auth_old_key_files", "");
	get_as("/query/client/session", old_tok, &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	ck_assert(!jwks_has(old_kid));
	ck_assert_int_eq(status_of("/query/client/session", tok), 200);

	mem_free(minted_kid);
	mem_free(minted);
	mem_free(kid);
	mem_free(tok);
	mem_free(old_kid);
	mem_free(old_tok);
	mem_free(new_path);
	mem_free(old_path);
}
END_TEST

static TCase *
tcase(Suite *s, const char *name, int timeout)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_set_timeout(tc, timeout);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
auth_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("auth");

	tc = tcase(s, "sign_up", 60);
	tcase_add_test(tc, test_sign_up_ok);
	tcase_add_test(tc, test_sign_up_shortest_password);
	tcase_add_test(tc, test_sign_up_duplicate);
	tcase_add_test(tc, test_sign_up_demo_email_taken);
	tcase_add_loop_test(tc, test_sign_up_invalid, 0,
	    (int)(sizeof(bad_sign_ups) / sizeof(bad_sign_ups[0])));
	tcase_add_test(tc, test_sign_up_malformed);

	tc = tcase(s, "sign_in", 60);
	tcase_add_test(tc, test_password_lockout);
	tcase_add_test(tc, test_unsigned_token_refused);
	tcase_add_test(tc, test_refresh_new_client);

	tc = tcase(s, "phone", 60);
	tcase_add_test(tc, test_phone_test_number);
	tcase_add_test(tc, test_phone_new_number);
	tcase_add_test(tc, test_phone_wrong_code);
	tcase_add_test(tc, test_phone_lockout);
	tcase_add_loop_test(tc, test_phone_invalid, 0,
	    (int)(sizeof(bad_phone) / sizeof(bad_phone[0])));
	tcase_add_test(tc, test_phone_unknown_session);
	tcase_add_test(tc, test_phone_start_throttled);

	tc = tcase(s, "sign_out", 60);
	tcase_add_test(tc, test_sign_out_routes);
	tcase_add_test(tc, test_sign_out_wrong_actor);
	tcase_add_test(tc, test_sign_out_garbage_token);

	tc = tcase(s, "users", 60);
	tcase_add_test(tc, test_changed_users);

	tc = tcase(s, "jwks", 60);
	tcase_add_test(tc, test_jwks_kid);

	/* Last: these change the stack's configuration. */
	tc = tcase(s, "configuration", 120);
	tcase_add_unchecked_fixture(tc, config_setup, config_teardown);
	tcase_add_test(tc, test_self_signup_off);
	tcase_add_test(tc, test_gateway_cache);
	tcase_add_test(tc, test_caches_stop_at_exp);
	tcase_add_test(tc, test_key_rotation);
	return s;
}

/*
 * Run the suite against $KROW_TEST_URL; exit 77 (skipped) when it is not
 * set, 0 when every test passed, 1 otherwise.
 */
int
main(void)
{
	SRunner	*sr;
	int	 failed;

	if (http_base() == NULL) {
		printf("check_auth: KROW_TEST_URL is not set; skipped "
		    "(t/integration.sh starts the stack and sets it)\n");
		return 77;
	}
	if (http_global_init() == -1) {
		fprintf(stderr, "check_auth: curl_global_init failed\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(auth_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
