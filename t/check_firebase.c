/*
 * check_firebase: the Firebase provider's flows end to end, through nginx,
 * against the real Firebase Auth Emulator.  t/integration.sh starts the
 * emulator (npm firebase-tools) on a loopback port and a second demo stack
 * whose krow-auth uses it (auth_provider = firebase, project demo-krow,
 * firebase_auth_emulator_host, self sign-up into the demo tenant).
 * Without $KROW_TEST_EMULATOR it skips (exit 77).
 *
 * Covered here: client sign-up (the emulator holds the account), sign-in,
 * refresh, sign-out with revocation (the refreshed token after a sign-out
 * is refused too), staff phone start/verify with the codes read from the
 * emulator's verificationCodes endpoint, the compensation of a sign-up
 * whose database step fails (the emulator account is deleted again),
 * the emulator's unsigned tokens (accepted here only: check_auth shows the
 * local stack refuses them), and, last, the RS256 production path: tokens
 * signed with a test key whose certificate a loopback server (loopsrv)
 * serves at firebase_certs_url.
 *
 * Environment: KROW_TEST_EMULATOR (the emulator's base URL),
 * KROW_TEST_FIREBASE_URL (the stack; copied to KROW_TEST_URL),
 * KROW_TEST_FIREBASE_PROJECT (default demo-krow), KROW_TEST_STATE,
 * KROW_TEST_STACK, KROW_TEST_DB_URL (as check_auth).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <libpq-fe.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "jwt.h"
#include "mem.h"
#include "uuid.h"
#include "http.h"
#include "loopsrv.h"

#define DEMO_TENANT_ID	"00000000-0000-4000-8000-000000000001"
#define NEW_PASSWORD	"correct-horse-1"
#define REFUSED_NAME	"Compensation Test Co"

static const char *project = "demo-krow";

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

/* The cache window of the stack (file and environment): the longer of
 * auth_cache_seconds and auth_gateway_cache_seconds + 1. */
static long long
cache_seconds(void)
{
	struct conf	*cf = NULL;
	const char	*state;
	char		 path[1024], err[512];
	long long	 v;
	int		 n;

	state = getenv("KROW_TEST_STATE");
	ck_assert_msg(state != NULL, "KROW_TEST_STATE is not set");
	n = snprintf(path, sizeof(path), "%s/etc/krow.conf", state);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	ck_assert_msg(conf_load(&cf, path, err, sizeof(err)) == 0, "%s",
	    err);
	v = conf_int(cf, CONF_AUTH_CACHE_SECONDS);
	/* nginx's entries live to the end of their last second. */
	if (conf_int(cf, CONF_AUTH_GATEWAY_CACHE_SECONDS) + 1 > v)
		v = conf_int(cf, CONF_AUTH_GATEWAY_CACHE_SECONDS) + 1;
	conf_free(cf);
	return v;
}

/* A JSON answer with the given status and an X-Request-Id. */
static void
assert_json(struct http_res *res, long status)
{
	char	 v[256];

	ck_assert_msg(res->status == status, "status %ld, want %ld: %s",
	    res->status, status, res->body);
	ck_assert_msg(http_header(res, "Content-Type", v, sizeof(v)) != NULL &&
	    strncmp(v, "application/json", 16) == 0, "not JSON");
	ck_assert_msg(http_header(res, "X-Request-Id", v, sizeof(v)) != NULL &&
	    uuid_valid(v), "no X-Request-Id");
	ck_assert_msg(http_json(res) != NULL, "body is not JSON: %s",
	    res->body);
}

/* The error envelope with the code given (any when NULL). */
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
	ck_assert(json_object_object_get_ex(o, "code", &v));
	if (code != NULL)
		ck_assert_msg(strcmp(json_object_get_string(v), code) == 0,
		    "code %s, want %s: %s", json_object_get_string(v), code,
		    res->body);
	ck_assert(json_object_object_get_ex(o, "message", &v) &&
	    json_object_get_string_len(v) > 0);
	ck_assert(json_object_object_get_ex(o, "details", &v) &&
	    json_object_is_type(v, json_type_object));
	ck_assert(json_object_object_get_ex(o, "requestId", &v));
	ck_assert_ptr_nonnull(http_header(res, "X-Request-Id", rid,
	    sizeof(rid)));
	ck_assert_str_eq(json_object_get_string(v), rid);
	ck_assert_ptr_null(strstr(res->body, "idToken"));
	/* Nothing of Firebase's own answer leaks through. */
	ck_assert_ptr_null(strstr(res->body, "passwordHash"));
	ck_assert_ptr_null(strstr(res->body, "identitytoolkit"));
}

static void
assert_detail(struct http_res *res, const char *field)
{
	struct json_object	*d;

	ck_assert(json_object_object_get_ex(http_json(res), "details", &d));
	ck_assert_msg(json_object_object_get_ex(d, field, NULL),
	    "details do not name %s: %s", field, res->body);
}

static void
assert_str(struct http_res *res, const char *path, const char *want)
{
	const char	*v;

	v = http_json_str(res, path);
	ck_assert_msg(v != NULL, "%s missing in %s", path, res->body);
	ck_assert_msg(strcmp(v, want) == 0, "%s is %s, want %s", path, v,
	    want);
}

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

/* POST to an /auth route, retrying nginx's own 429 (Retry-After: 1). */
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

static unsigned long
uniq(void)
{
	static unsigned long	 seq;
	struct timespec		 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned long)ts.tv_nsec / 1000 + (unsigned long)getpid() *
	    7919 + ++seq * 104729) % 10000000;
}

static void
new_phone(char *dst, size_t len)
{
	int	 n;

	n = snprintf(dst, len, "+1333%07lu", uniq());
	ck_assert(n > 0 && (size_t)n < len);
}

static void
new_email(char *dst, size_t len, const char *tag)
{
	int	 n;

	n = snprintf(dst, len, "%s-%lu@check-firebase.example", tag, uniq());
	ck_assert(n > 0 && (size_t)n < len);
}

/* Append "name":"value" (with a leading comma unless first). */
static void
member(struct buf *b, const char *name, const char *v, int first)
{
	if (!first)
		buf_putc(b, ',');
	buf_json_str(b, name, strlen(name));
	buf_putc(b, ':');
	buf_json_str(b, v, strlen(v));
}

static void
sign_up(const char *email, const char *pw, const char *display,
    const char *business, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_putc(&b, '{');
	member(&b, "email", email, 1);
	member(&b, "password", pw, 0);
	member(&b, "displayName", display, 0);
	member(&b, "businessName", business, 0);
	buf_putc(&b, '}');
	auth_post("/auth/client/sign-up", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

static void
sign_in_res(const char *email, const char *pw, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_putc(&b, '{');
	member(&b, "email", email, 1);
	member(&b, "password", pw, 0);
	buf_putc(&b, '}');
	auth_post("/auth/client/sign-in", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

static void
refresh(const char *rt, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_putc(&b, '{');
	member(&b, "refreshToken", rt, 1);
	buf_putc(&b, '}');
	auth_post("/auth/refresh", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

/* A new client through the stack (asserted 201); its answer in res. */
static void
new_client(char *email, size_t emaillen, struct http_res *res)
{
	char	 biz[128];
	int	 n;

	new_email(email, emaillen, "client");
	n = snprintf(biz, sizeof(biz), "Firebase Co %lu", uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	sign_up(email, NEW_PASSWORD, "Fiona Firebase", biz, res);
	assert_json(res, 201);
}

/* -------------------------------------------------- emulator requests */

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	buf_append(arg, p, size * n);
	return size * n;
}

/*
 * method path (appended to $KROW_TEST_EMULATOR) with a JSON body (or
 * NULL), as the emulator's admin (Authorization: Bearer owner) when admin
 * is set.  res is as http_do() fills it (http_res_free() it).
 */
static void
emu_do(const char *method, const char *path, const char *body, int admin,
    struct http_res *res)
{
	CURL			*c;
	struct curl_slist	*hl = NULL, *t;
	struct buf		 url, b;
	const char		*base;
	CURLcode		 cc;

	memset(res, 0, sizeof(*res));
	buf_init(&res->headers);
	buf_init(&url);
	buf_init(&b);
	base = getenv("KROW_TEST_EMULATOR");
	ck_assert_msg(base != NULL, "KROW_TEST_EMULATOR is not set");
	buf_puts(&url, base);
	buf_puts(&url, path);
	ck_assert_ptr_nonnull(c = curl_easy_init());
	ck_assert_ptr_nonnull(t = curl_slist_append(hl,
	    "Content-Type: application/json"));
	hl = t;
	if (admin) {
		ck_assert_ptr_nonnull(t = curl_slist_append(hl,
		    "Authorization: Bearer owner"));
		hl = t;
	}
	ck_assert(curl_easy_setopt(c, CURLOPT_URL, buf_cstr(&url)) ==
	    CURLE_OK);
	ck_assert(curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) ==
	    CURLE_OK);
	ck_assert(curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl) == CURLE_OK);
	ck_assert(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK);
	ck_assert(curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L) == CURLE_OK);
	ck_assert(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) ==
	    CURLE_OK);
	ck_assert(curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) == CURLE_OK);
	if (body != NULL)
		ck_assert(curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) ==
		    CURLE_OK);
	cc = curl_easy_perform(c);
	ck_assert_msg(cc == CURLE_OK, "emulator %s %s: %s", method, path,
	    curl_easy_strerror(cc));
	ck_assert(curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status)
	    == CURLE_OK);
	if (b.p == NULL)
		buf_puts(&b, "");
	res->body = b.p;
	res->len = b.len;
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
	buf_cleanup(&url);
}

/* An emulator answer: status, and a JSON body. */
static void
assert_emu(struct http_res *res, long status)
{
	ck_assert_msg(res->status == status, "emulator: status %ld, want "
	    "%ld: %s", res->status, status, res->body);
	ck_assert_msg(http_json(res) != NULL, "emulator: not JSON: %s",
	    res->body);
}

/*
 * The emulator's account for email, looked up as the admin: its localId
 * (mem_free() it), or NULL when it has none.  *valid_since, when not
 * NULL, gets the account's validSince (0 when absent).
 */
static char *
emu_account(const char *email, long long *valid_since)
{
	struct http_res		 res;
	struct json_object	*users, *u, *v;
	struct buf		 b, path;
	char			*id = NULL;

	buf_init(&b);
	buf_init(&path);
	buf_puts(&b, "{\"email\":[");
	buf_json_str(&b, email, strlen(email));
	buf_puts(&b, "]}");
	buf_printf(&path, "/identitytoolkit.googleapis.com/v1/projects/%s/"
	    "accounts:lookup", project);
	emu_do("POST", buf_cstr(&path), buf_cstr(&b), 1, &res);
	assert_emu(&res, 200);
	if (valid_since != NULL)
		*valid_since = 0;
	if (json_object_object_get_ex(http_json(&res), "users", &users) &&
	    json_object_array_length(users) > 0) {
		u = json_object_array_get_idx(users, 0);
		ck_assert(json_object_object_get_ex(u, "localId", &v));
		id = mem_strdup(json_object_get_string(v));
		if (valid_since != NULL &&
		    json_object_object_get_ex(u, "validSince", &v))
			*valid_since = strtoll(json_object_get_string(v),
			    NULL, 10);
	}
	http_res_free(&res);
	buf_cleanup(&b);
	buf_cleanup(&path);
	return id;
}

/*
 * The code the emulator "sent" for sessionInfo si (or, should the stack
 * hand out its own handle, the latest one sent to phone) into dst.
 */
static void
emu_code(const char *si, const char *phone, char *dst, size_t dstlen)
{
	struct http_res		 res;
	struct json_object	*codes, *e, *v;
	struct buf		 path;
	const char		*found = NULL, *by_phone = NULL;
	size_t			 i;

	buf_init(&path);
	buf_printf(&path, "/emulator/v1/projects/%s/verificationCodes",
	    project);
	emu_do("GET", buf_cstr(&path), NULL, 0, &res);
	assert_emu(&res, 200);
	ck_assert(json_object_object_get_ex(http_json(&res),
	    "verificationCodes", &codes));
	for (i = 0; i < json_object_array_length(codes); i++) {
		e = json_object_array_get_idx(codes, i);
		if (!json_object_object_get_ex(e, "code", &v))
			continue;
		if (json_object_object_get_ex(e, "sessionInfo", &v) &&
		    strcmp(json_object_get_string(v), si) == 0) {
			json_object_object_get_ex(e, "code", &v);
			found = json_object_get_string(v);
		}
		if (json_object_object_get_ex(e, "phoneNumber", &v) &&
		    strcmp(json_object_get_string(v), phone) == 0) {
			json_object_object_get_ex(e, "code", &v);
			by_phone = json_object_get_string(v);
		}
	}
	if (found == NULL)
		found = by_phone;
	ck_assert_msg(found != NULL && strlen(found) < dstlen,
	    "the emulator has no code for %s: %s", phone, res.body);
	memcpy(dst, found, strlen(found) + 1);
	http_res_free(&res);
	buf_cleanup(&path);
}

/* -------------------------------------------------- database, tokens */

static PGconn *
db_open(void)
{
	const char	*url;
	PGconn		*c;

	url = getenv("KROW_TEST_DB_URL");
	ck_assert_msg(url != NULL, "KROW_TEST_DB_URL is not set");
	c = PQconnectdb(url);
	ck_assert_msg(c != NULL && PQstatus(c) == CONNECTION_OK,
	    "cannot connect: %s", c == NULL ? "" : PQerrorMessage(c));
	return c;
}

/* Run sql (one parameter or none); the first value, or NULL. */
static char *
db_value(const char *sql, const char *p1)
{
	PGconn		*c;
	PGresult	*r;
	char		*v = NULL;

	c = db_open();
	r = PQexecParams(c, sql, p1 != NULL ? 1 : 0, NULL, &p1, NULL, NULL,
	    0);
	ck_assert_msg(r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK), "%s: %s", sql,
	    PQerrorMessage(c));
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 &&
	    !PQgetisnull(r, 0, 0))
		v = mem_strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

static long
db_count(const char *sql, const char *p1)
{
	char	*v;
	long	 n;

	v = db_value(sql, p1);
	ck_assert_ptr_nonnull(v);
	n = strtol(v, NULL, 10);
	mem_free(v);
	return n;
}

/* Segment idx (0 header, 1 payload) of a compact JWT as JSON (put it). */
static struct json_object *
token_part(const char *tok, int idx)
{
	struct json_object	*o;
	struct buf		 b;
	const char		*p = tok, *dot;

	for (; idx > 0; idx--) {
		ck_assert_ptr_nonnull(dot = strchr(p, '.'));
		p = dot + 1;
	}
	ck_assert_ptr_nonnull(dot = strchr(p, '.'));
	buf_init(&b);
	ck_assert_int_eq(b64url_decode(&b, p, (size_t)(dot - p)), 0);
	o = json_tokener_parse(buf_cstr(&b));
	ck_assert_msg(o != NULL, "token part %s is not JSON", buf_cstr(&b));
	buf_cleanup(&b);
	return o;
}

/*
 * After a change at t0 that must stop token on path: refused (want,
 * code) within auth_cache_seconds + 1 s, then on 20 requests in a row;
 * until then 200, or transient when not 0.
 */
static void
assert_refused_within_cache(const char *path, const char *token, double t0,
    long want, const char *code, long transient)
{
	struct http_res	 res;
	double		 limit, t;
	int		 i;

	limit = (double)cache_seconds() + 1.0;
	for (;;) {
		get_as(path, token, &res);
		t = now_s() - t0;
		if (res.status == want)
			break;
		ck_assert_msg(res.status == 200 || (transient != 0 &&
		    res.status == transient), "%s: %ld: %s", path,
		    res.status, res.body);
		ck_assert_msg(t <= limit, "%s still accepted the token %.1f s "
		    "after the change", path, t);
		http_res_free(&res);
		nap(100);
	}
	assert_envelope(&res, want, code);
	http_res_free(&res);
	t = now_s() - t0;
	if (t < limit)
		nap((long)((limit - t) * 1000));
	for (i = 0; i < 20; i++) {
		get_as(path, token, &res);
		ck_assert_msg(res.status == want, "request %d after the "
		    "window: %ld: %s", i, res.status, res.body);
		http_res_free(&res);
	}
}

/* An unsigned token as the emulator makes them, with claims. */
static char *
unsigned_token(const char *claims)
{
	static const char	 hdr[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
	struct buf		 t;
	char			*s;

	buf_init(&t);
	b64url_encode(&t, hdr, sizeof(hdr) - 1);
	buf_putc(&t, '.');
	b64url_encode(&t, claims, strlen(claims));
	buf_putc(&t, '.');
	s = mem_strdup(buf_cstr(&t));
	buf_cleanup(&t);
	return s;
}

/* Firebase-shaped claims for sub, times relative to now. */
static char *
fb_claims(const char *sub, const char *aud, const char *iss,
    long long iat_off, long long exp_off, long long auth_off)
{
	struct buf	 b;
	long long	 now = (long long)time(NULL);
	char		*s;

	buf_init(&b);
	buf_putc(&b, '{');
	member(&b, "iss", iss, 1);
	member(&b, "aud", aud, 0);
	member(&b, "sub", sub, 0);
	member(&b, "user_id", sub, 0);
	buf_printf(&b, ",\"iat\":%lld,\"exp\":%lld,\"auth_time\":%lld",
	    now + iat_off, now + exp_off, now + auth_off);
	buf_puts(&b, ",\"firebase\":{\"sign_in_provider\":\"password\"}}");
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

static char *
issuer(void)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	buf_printf(&b, "https://securetoken.google.com/%s", project);
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

/* ------------------------------------------------------------ sign-up */

START_TEST(test_sign_up)
{
	struct http_res		 res, res2;
	struct json_object	*payload;
	char			 email[128], biz[128];
	char			*id;
	int		 n;

	new_email(email, sizeof(email), "signup");
	n = snprintf(biz, sizeof(biz), "Emulated Eatery %lu", uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	sign_up(email, NEW_PASSWORD, "Emma Emulated", biz, &res);
	assert_json(&res, 201);
	assert_str(&res, "session.actor", "client");
	assert_str(&res, "session.role", "owner");
	assert_str(&res, "session.provider", "firebase");
	assert_str(&res, "session.email", email);
	assert_str(&res, "session.tenantId", DEMO_TENANT_ID);
	(void)json_str(&res, "refreshToken");

	/* The emulator holds the account, under the token's subject. */
	id = emu_account(email, NULL);
	ck_assert_msg(id != NULL, "the emulator has no account for %s",
	    email);
	assert_str(&res, "localId", id);
	payload = token_part(json_str(&res, "idToken"), 1);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	    payload, "sub")), id);
	json_object_put(payload);

	get_as("/query/client/session", json_str(&res, "idToken"), &res2);
	assert_json(&res2, 200);
	assert_str(&res2, "business.name", biz);
	assert_str(&res2, "user.userId", json_str(&res, "session.userId"));
	http_res_free(&res2);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users WHERE"
	    " provider = 'firebase' AND provider_uid = $1", id), 1);
	mem_free(id);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_up_duplicate)
{
	struct http_res	 res;
	char		 email[128];

	new_client(email, sizeof(email), &res);
	http_res_free(&res);
	sign_up(email, NEW_PASSWORD, "Again", "Duplicate Firebase Co", &res);
	assert_envelope(&res, 409, "CONFLICT");
	http_res_free(&res);
	ck_assert_int_eq(db_count("SELECT count(*) FROM businesses"
	    " WHERE name = $1", "Duplicate Firebase Co"), 0);
}
END_TEST

START_TEST(test_sign_up_weak_password)
{
	struct http_res	 res;
	char		 email[128], *id;

	/* Firebase takes 6 characters; our rule is 8. */
	new_email(email, sizeof(email), "weak");
	sign_up(email, "abc1234", "Weak", "Weak Firebase Co", &res);
	assert_envelope(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, "password");
	http_res_free(&res);
	id = emu_account(email, NULL);
	ck_assert_msg(id == NULL, "the emulator got an account for %s", email);
}
END_TEST

/*
 * Compensation: the provider account is made first; when the database
 * step then fails, it is deleted again, so that the email can be used.
 */
static void
refuse_trigger(int on)
{
	static const char *const drop[] = {
		"DROP TRIGGER IF EXISTS check_firebase_refuse ON businesses",
		"DROP FUNCTION IF EXISTS check_firebase_refuse()",
	};
	static const char *const create[] = {
		"CREATE FUNCTION check_firebase_refuse() RETURNS trigger"
		" LANGUAGE plpgsql AS $$ BEGIN"
		" IF NEW.name = '" REFUSED_NAME "' THEN"
		"  RAISE EXCEPTION 'refused by check_firebase';"
		" END IF; RETURN NEW; END $$",
		"CREATE TRIGGER check_firebase_refuse BEFORE INSERT ON"
		" businesses FOR EACH ROW EXECUTE FUNCTION"
		" check_firebase_refuse()",
	};
	PGconn		*c;
	PGresult	*r;
	size_t		 i;

	c = db_open();
	for (i = 0; i < 2; i++) {
		r = PQexec(c, drop[i]);
		ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s",
		    PQerrorMessage(c));
		PQclear(r);
	}
	for (i = 0; on && i < 2; i++) {
		r = PQexec(c, create[i]);
		ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK, "%s",
		    PQerrorMessage(c));
		PQclear(r);
	}
	PQfinish(c);
}

START_TEST(test_sign_up_compensation)
{
	struct http_res	 res;
	char		 email[128], *id;

	new_email(email, sizeof(email), "compensate");
	refuse_trigger(1);
	sign_up(email, NEW_PASSWORD, "Carl Compensated", REFUSED_NAME, &res);
	refuse_trigger(0);
	ck_assert_msg(res.status >= 500, "sign-up with a failing database "
	    "step: %ld %s", res.status, res.body);
	assert_envelope(&res, 500, "INTERNAL");
	http_res_free(&res);

	/* Neither the emulator nor the database kept anything. */
	id = emu_account(email, NULL);
	ck_assert_msg(id == NULL, "the emulator kept account %s for %s", id,
	    email);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users"
	    " WHERE email = $1::citext", email), 0);
	ck_assert_int_eq(db_count("SELECT count(*) FROM businesses"
	    " WHERE name = $1", REFUSED_NAME), 0);

	/* So the same email can sign up afterwards. */
	sign_up(email, NEW_PASSWORD, "Carl Compensated", "Second Try Co", &res);
	assert_json(&res, 201);
	http_res_free(&res);
}
END_TEST

/* ------------------------------------------------- sign-in, refresh */

START_TEST(test_sign_in)
{
	struct http_res	 res, up;
	char		 email[128];

	new_client(email, sizeof(email), &up);
	sign_in_res(email, NEW_PASSWORD, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.userId", json_str(&up, "session.userId"));
	assert_str(&res, "localId", json_str(&up, "localId"));
	ck_assert_int_eq(status_of("/query/client/session",
	    json_str(&res, "idToken")), 200);
	http_res_free(&res);

	sign_in_res(email, "wrong-password-1", &res);
	assert_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	sign_in_res("nobody-at-all@check-firebase.example", NEW_PASSWORD, &res);
	assert_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	http_res_free(&up);
}
END_TEST

START_TEST(test_refresh)
{
	struct http_res	 res, up;
	char		 email[128];

	new_client(email, sizeof(email), &up);
	refresh(json_str(&up, "refreshToken"), &res);
	assert_json(&res, 200);
	(void)json_str(&res, "refreshToken");
	assert_str(&res, "localId", json_str(&up, "localId"));
	ck_assert_int_eq(status_of("/query/client/session",
	    json_str(&res, "idToken")), 200);
	http_res_free(&res);

	refresh("not-a-refresh-token", &res);
	assert_envelope(&res, 401, NULL);
	http_res_free(&res);
	http_res_free(&up);
}
END_TEST

START_TEST(test_sign_out_revokes)
{
	struct http_res	 res, in;
	char		 email[128];
	char		*tok, *rt, *id;
	long long	 valid_since = 0, before;
	double		 t0;
	int		 i;

	new_client(email, sizeof(email), &res);
	http_res_free(&res);
	sign_in_res(email, NEW_PASSWORD, &in);
	assert_json(&in, 200);
	tok = mem_strdup(json_str(&in, "idToken"));
	rt = mem_strdup(json_str(&in, "refreshToken"));
	http_res_free(&in);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(status_of("/query/client/session", tok), 200);
	/* Firebase's auth_time has whole seconds: leave the sign-in's. */
	nap(1100);

	before = (long long)time(NULL);
	t0 = now_s();
	auth_post("/auth/client/sign-out", tok, NULL, &res);
	assert_json(&res, 200);
	http_res_free(&res);
	assert_refused_within_cache("/query/client/session", tok, t0, 401,
	    "TOKEN_REVOKED", 0);

	/* The emulator was told too (validSince, as revokeRefreshTokens). */
	id = emu_account(email, &valid_since);
	ck_assert_ptr_nonnull(id);
	ck_assert_msg(valid_since >= before, "validSince %lld, sign-out at "
	    "%lld", valid_since, before);
	mem_free(id);

	/*
	 * The emulator still refreshes the old refresh token; the token
	 * that comes back keeps the old auth_time and must be refused.
	 */
	refresh(rt, &res);
	if (res.status == 200) {
		get_as("/query/client/session", json_str(&res, "idToken"),
		    &in);
		assert_envelope(&in, 401, "TOKEN_REVOKED");
		http_res_free(&in);
	} else
		assert_envelope(&res, 401, NULL);
	http_res_free(&res);

	/* Signing in again works. */
	sign_in_res(email, NEW_PASSWORD, &in);
	assert_json(&in, 200);
	ck_assert_int_eq(status_of("/query/client/session",
	    json_str(&in, "idToken")), 200);
	http_res_free(&in);
	mem_free(rt);
	mem_free(tok);
}
END_TEST

/* -------------------------------------------------------------- phone */

/* Start a phone sign-in; the sessionInfo (mem_free() it). */
static char *
phone_session(const char *phone)
{
	struct http_res	 res;
	struct buf	 b;
	char		*si;

	buf_init(&b);
	buf_putc(&b, '{');
	member(&b, "phoneNumber", phone, 1);
	buf_putc(&b, '}');
	auth_post("/auth/staff/phone/start", NULL, buf_cstr(&b), &res);
	assert_json(&res, 200);
	si = mem_strdup(json_str(&res, "sessionInfo"));
	http_res_free(&res);
	buf_cleanup(&b);
	return si;
}

static void
phone_verify(const char *si, const char *code, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_putc(&b, '{');
	member(&b, "sessionInfo", si, 1);
	member(&b, "code", code, 0);
	buf_putc(&b, '}');
	auth_post("/auth/staff/phone/verify", NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

START_TEST(test_phone_new_staff)
{
	struct http_res	 res;
	char		 phone[32], code[32], uid[UUID_STRLEN + 1];
	char		*si, *v;

	new_phone(phone, sizeof(phone));
	si = phone_session(phone);
	emu_code(si, phone, code, sizeof(code));
	phone_verify(si, code, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.actor", "staff");
	assert_str(&res, "session.phone", phone);
	assert_str(&res, "session.provider", "firebase");
	assert_str(&res, "session.tenantId", DEMO_TENANT_ID);
	memcpy(uid, json_str(&res, "session.userId"), sizeof(uid));
	ck_assert_int_eq(status_of("/auth/session", json_str(&res, "idToken")),
	    200);
	v = db_value("SELECT status FROM staff WHERE id = $1::uuid",
	    json_str(&res, "session.staffId"));
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "onboarding");
	mem_free(v);
	http_res_free(&res);
	mem_free(si);

	/* Again: the same user. */
	si = phone_session(phone);
	emu_code(si, phone, code, sizeof(code));
	phone_verify(si, code, &res);
	assert_json(&res, 200);
	assert_str(&res, "session.userId", uid);
	http_res_free(&res);
	mem_free(si);
}
END_TEST

START_TEST(test_phone_wrong_code)
{
	struct http_res	 res;
	char		 phone[32], code[32], bad[32];
	char		*si;
	size_t		 i;

	new_phone(phone, sizeof(phone));
	si = phone_session(phone);
	emu_code(si, phone, code, sizeof(code));
	for (i = 0; code[i] != '\0'; i++)
		bad[i] = (char)('0' + (code[i] - '0' + 1) % 10);
	bad[i] = '\0';
	phone_verify(si, bad, &res);
	assert_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	ck_assert_int_eq(db_count("SELECT count(*) FROM users WHERE phone = $1",
	    phone), 0);
	phone_verify(si, code, &res);
	assert_json(&res, 200);
	http_res_free(&res);
	mem_free(si);
}
END_TEST

START_TEST(test_phone_invalid_number)
{
	struct http_res	 res;

	auth_post("/auth/staff/phone/start", NULL,
	    "{\"phoneNumber\":\"555-0100\"}", &res);
	assert_envelope(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, "phoneNumber");
	http_res_free(&res);
}
END_TEST

/* ------------------------------------------------------ token checks */

START_TEST(test_emulator_tokens)
{
	struct http_res		 res, up;
	struct json_object	*h;
	char			 email[128];
	char			*claims, *tok, *iss;
	const char		*sub;

	new_client(email, sizeof(email), &up);
	/* The emulator's tokens are unsigned, and accepted by this stack. */
	h = token_part(json_str(&up, "idToken"), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "alg")), "none");
	json_object_put(h);
	ck_assert_int_eq(status_of("/query/client/session",
	    json_str(&up, "idToken")), 200);

	/* One made here is accepted as well (the emulator signs nothing)... */
	sub = json_str(&up, "localId");
	iss = issuer();
	claims = fb_claims(sub, project, iss, 0, 3600, 0);
	tok = unsigned_token(claims);
	get_as("/query/client/session", tok, &res);
	assert_json(&res, 200);
	assert_str(&res, "user.userId", json_str(&up, "session.userId"));
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	/* ...but its claims are checked all the same. */
	claims = fb_claims(sub, "another-project", iss, 0, 3600, 0);
	tok = unsigned_token(claims);
	get_as("/query/client/session", tok, &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	claims = fb_claims(sub, project, "https://evil.example/x", 0, 3600,
	    0);
	tok = unsigned_token(claims);
	get_as("/query/client/session", tok, &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	claims = fb_claims(sub, project, iss, -7200, -3600, -7200);
	tok = unsigned_token(claims);
	get_as("/query/client/session", tok, &res);
	assert_envelope(&res, 401, "TOKEN_EXPIRED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	/* A valid emulator token of someone who never signed up here. */
	claims = fb_claims("nobody-in-krow-0123456789ab", project, iss, 0, 3600,
	    0);
	tok = unsigned_token(claims);
	get_as("/query/client/session", tok, &res);
	assert_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);
	mem_free(iss);
	http_res_free(&up);
}
END_TEST

/*
 * The production path: RS256 tokens, their certificate served by a
 * loopback server at firebase_certs_url.  Runs last: it restarts the auth
 * pool with that URL.
 */

/* A self-signed certificate of key in PEM (mem_free() it). */
static char *
make_cert(EVP_PKEY *key)
{
	X509		*x;
	X509_NAME	*name;
	BIO		*bio;
	char		*data, *pem;
	long		 len;

	ck_assert_ptr_nonnull(x = X509_new());
	ck_assert(X509_set_version(x, 2) == 1);
	ck_assert(ASN1_INTEGER_set(X509_get_serialNumber(x), 1) == 1);
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notBefore(x), -3600));
	ck_assert_ptr_nonnull(X509_gmtime_adj(X509_getm_notAfter(x), 86400));
	ck_assert(X509_set_pubkey(x, key) == 1);
	ck_assert_ptr_nonnull(name = X509_get_subject_name(x));
	ck_assert(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"securetoken.check-firebase", -1, -1, 0) ==
	    1);
	ck_assert(X509_set_issuer_name(x, name) == 1);
	ck_assert(X509_sign(x, key, EVP_sha256()) > 0);
	ck_assert_ptr_nonnull(bio = BIO_new(BIO_s_mem()));
	ck_assert(PEM_write_bio_X509(bio, x) == 1);
	len = BIO_get_mem_data(bio, &data);
	ck_assert(len > 0);
	pem = mem_strndup(data, (size_t)len);
	BIO_free(bio);
	X509_free(x);
	return pem;
}

/* Sign claims with key as kid; the token (mem_free() it). */
static char *
rs256(EVP_PKEY *key, const char *kid, const char *claims)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	ck_assert_int_eq(jwt_sign_rs256(key, kid, claims, strlen(claims), &b),
	    0);
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

/* Run "$KROW_TEST_STACK cmd $KROW_TEST_STATE a1 a2"; 0 on success. */
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
	ck_assert(script != NULL && state != NULL);
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

/* The status and envelope code of GET /query/client/session with tok. */
static void
expect(const char *tok, long status, const char *code)
{
	struct http_res	 res;

	get_as("/query/client/session", tok, &res);
	if (status == 200)
		assert_json(&res, 200);
	else
		assert_envelope(&res, status, code);
	http_res_free(&res);
}

START_TEST(test_rs256_certificates)
{
	struct http_res	 up;
	struct loopsrv	*srv;
	struct buf	 doc, url;
	EVP_PKEY	*key, *other;
	char		 email[128];
	char		*pem, *iss, *claims, *tok;
	const char	*sub;
	size_t		 fetches;

	new_client(email, sizeof(email), &up);
	sub = json_str(&up, "localId");
	/* The sign-up's auth_time must not be after our tokens' iat. */
	nap(1100);

	ck_assert_ptr_nonnull(key = EVP_RSA_gen(2048));
	ck_assert_ptr_nonnull(other = EVP_RSA_gen(2048));
	pem = make_cert(key);
	buf_init(&doc);
	buf_putc(&doc, '{');
	member(&doc, "kid-check-1", pem, 1);
	buf_putc(&doc, '}');
	ck_assert_ptr_nonnull(srv = loopsrv_start());
	ck_assert_int_eq(loopsrv_set(srv, "/certs", 200,
	    "Content-Type: application/json; charset=UTF-8\r\n"
	    "Cache-Control: public, max-age=19000, must-revalidate, "
	    "no-transform\r\n", buf_cstr(&doc)), 0);
	buf_init(&url);
	buf_printf(&url, "%s/certs", loopsrv_url(srv));
	ck_assert_msg(stack_run("set", "firebase_certs_url", buf_cstr(&url))
	    == 0, "krow-stack set firebase_certs_url failed");
	ck_assert_msg(stack_run("restart-pool", "auth", NULL) == 0,
	    "krow-stack restart-pool auth failed");

	iss = issuer();
	/* Good: signed by the served certificate's key. */
	claims = fb_claims(sub, project, iss, -1, 3600, -1);
	tok = rs256(key, "kid-check-1", claims);
	expect(tok, 200, NULL);
	expect(tok, 200, NULL);
	mem_free(tok);
	/* A kid the server does not list. */
	tok = rs256(key, "kid-unknown", claims);
	expect(tok, 401, "UNAUTHENTICATED");
	mem_free(tok);
	/* The right kid, another key. */
	tok = rs256(other, "kid-check-1", claims);
	expect(tok, 401, "UNAUTHENTICATED");
	mem_free(tok);
	mem_free(claims);
	/* Expired. */
	claims = fb_claims(sub, project, iss, -7200, -3600, -7200);
	tok = rs256(key, "kid-check-1", claims);
	expect(tok, 401, "TOKEN_EXPIRED");
	mem_free(tok);
	mem_free(claims);
	/* Another project. */
	claims = fb_claims(sub, "another-project",
	    "https://securetoken.google.com/another-project", -1, 3600, -1);
	tok = rs256(key, "kid-check-1", claims);
	expect(tok, 401, "UNAUTHENTICATED");
	mem_free(tok);
	mem_free(claims);
	/* Signed in the future (beyond the clock skew). */
	claims = fb_claims(sub, project, iss, -1, 3600, 3600);
	tok = rs256(key, "kid-check-1", claims);
	expect(tok, 401, NULL);
	mem_free(tok);
	mem_free(claims);

	/*
	 * The certificates are cached (max-age): at most one fetch per
	 * worker, plus one refetch each for the unknown kid.
	 */
	fetches = loopsrv_count(srv, "/certs");
	ck_assert_msg(fetches >= 1 && fetches <= 4, "%zu certificate "
	    "fetches", fetches);

	mem_free(iss);
	loopsrv_stop(srv);
	buf_cleanup(&url);
	buf_cleanup(&doc);
	mem_free(pem);
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
	http_res_free(&up);
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
firebase_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("firebase");

	tc = tcase(s, "sign_up", 60);
	tcase_add_test(tc, test_sign_up);
	tcase_add_test(tc, test_sign_up_duplicate);
	tcase_add_test(tc, test_sign_up_weak_password);
	tcase_add_test(tc, test_sign_up_compensation);

	tc = tcase(s, "sign_in", 60);
	tcase_add_test(tc, test_sign_in);
	tcase_add_test(tc, test_refresh);
	tcase_add_test(tc, test_sign_out_revokes);

	tc = tcase(s, "phone", 60);
	tcase_add_test(tc, test_phone_new_staff);
	tcase_add_test(tc, test_phone_wrong_code);
	tcase_add_test(tc, test_phone_invalid_number);

	tc = tcase(s, "tokens", 60);
	tcase_add_test(tc, test_emulator_tokens);

	/* Last: it restarts the auth pool with another certificate URL. */
	tc = tcase(s, "rs256", 120);
	tcase_add_test(tc, test_rs256_certificates);
	return s;
}

/*
 * Run against the emulator-backed stack; 77 (skipped) without
 * $KROW_TEST_EMULATOR, 0 when every test passed, 1 otherwise.
 */
int
main(void)
{
	SRunner		*sr;
	const char	*url, *p;
	int		 failed;

	if ((p = getenv("KROW_TEST_EMULATOR")) == NULL || *p == '\0') {
		printf("check_firebase: KROW_TEST_EMULATOR is not set; skipped "
		    "(t/integration.sh starts the Firebase Auth Emulator and "
		    "a stack that uses it)\n");
		return 77;
	}
	if ((url = getenv("KROW_TEST_FIREBASE_URL")) != NULL && *url != '\0' &&
	    setenv("KROW_TEST_URL", url, 1) == -1)
		return EXIT_FAILURE;
	if ((p = getenv("KROW_TEST_FIREBASE_PROJECT")) != NULL && *p != '\0')
		project = p;
	if (http_base() == NULL) {
		fprintf(stderr, "check_firebase: KROW_TEST_FIREBASE_URL is not "
		    "set\n");
		return EXIT_FAILURE;
	}
	if (http_global_init() == -1) {
		fprintf(stderr, "check_firebase: curl_global_init failed\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(firebase_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
