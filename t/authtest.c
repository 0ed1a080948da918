/*
 * authtest: the helpers t/check_auth.c and t/check_firebase.c share (see
 * authtest.h).  Requests go through http.c, the plain checks through
 * api.c; what is here is particular to the /auth routes and to the
 * suites' fixtures.
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
#include <libpq-fe.h>

#include "buf.h"
#include "conf.h"
#include "mem.h"
#include "http.h"
#include "api.h"
#include "authtest.h"

static const struct authtest_names	*names;

void
authtest_init(const struct authtest_names *n)
{
	names = n;
}

/* The names authtest_init() was given; fails the test without them. */
static const struct authtest_names *
suite_names(void)
{
	ck_assert_msg(names != NULL, "authtest_init() was not called");
	return names;
}

double
authtest_wall(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct conf *
authtest_conf(void)
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

long long
authtest_conf_num(enum conf_key k)
{
	struct conf	*cf;
	long long	 v;

	cf = authtest_conf();
	v = conf_int(cf, k);
	conf_free(cf);
	return v;
}

char *
authtest_conf_str(enum conf_key k)
{
	struct conf	*cf;
	char		*v;

	cf = authtest_conf();
	v = mem_strdup(conf_str(cf, k));
	conf_free(cf);
	return v;
}

long long
authtest_cache_window(void)
{
	struct conf	*cf;
	long long	 v;

	cf = authtest_conf();
	v = conf_int(cf, CONF_AUTH_CACHE_SECONDS);
	if (conf_int(cf, CONF_AUTH_GATEWAY_CACHE_SECONDS) + 1 > v)
		v = conf_int(cf, CONF_AUTH_GATEWAY_CACHE_SECONDS) + 1;
	conf_free(cf);
	return v;
}

void
authtest_envelope(struct http_res *res, long status, const char *code)
{
	api_envelope_strict(res, status, code);
	/* Nothing that looks like a credential leaks into an error... */
	ck_assert_ptr_null(strstr(res->body, "idToken"));
	ck_assert_ptr_null(strstr(res->body, "refreshToken"));
	/* ...nor anything of Firebase's own answer. */
	ck_assert_ptr_null(strstr(res->body, "passwordHash"));
	ck_assert_ptr_null(strstr(res->body, "identitytoolkit"));
}

void
authtest_detail(struct http_res *res, const char *field)
{
	struct json_object	*d;

	ck_assert(json_object_object_get_ex(http_json(res), "details", &d));
	ck_assert_msg(json_object_object_get_ex(d, field, NULL),
	    "details do not name %s: %s", field, res->body);
}

const char *
authtest_str(struct http_res *res, const char *path)
{
	const char	*v;

	v = http_json_str(res, path);
	ck_assert_msg(v != NULL && *v != '\0', "%s missing in %s", path,
	    res->body);
	return v;
}

void
authtest_str_eq(struct http_res *res, const char *path, const char *want)
{
	const char	*v;

	v = http_json_str(res, path);
	ck_assert_msg(v != NULL, "%s missing in %s", path, res->body);
	ck_assert_msg(strcmp(v, want) == 0, "%s is %s, want %s", path, v,
	    want);
}

long
authtest_status(const char *path, const char *token)
{
	struct http_res	 res;
	long		 st;

	api_get_as(path, token, &res);
	st = res.status;
	http_res_free(&res);
	return st;
}

void
authtest_post(const char *path, const char *token, const char *body,
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
		api_req_ok(http_do("POST", path, h, body, res));
		if (res->status != 429 || tries == 15 ||
		    http_header(res, "Retry-After", ra, sizeof(ra)) == NULL ||
		    strcmp(ra, "1") != 0)
			break;
		http_res_free(res);
		api_nap(1000);
	}
}

void
authtest_member(struct buf *b, const char *name, const char *v, int first)
{
	if (!first)
		buf_putc(b, ',');
	buf_json_str(b, name, strlen(name));
	buf_putc(b, ':');
	buf_json_str(b, v, strlen(v));
}

/*
 * POST to path the JSON object of the n name/value pairs in nv (names at
 * even indexes); the answer in res.
 */
static void
post_members(const char *path, const char *const *nv, size_t n,
    struct http_res *res)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	buf_putc(&b, '{');
	for (i = 0; i < n; i++)
		authtest_member(&b, nv[2 * i], nv[2 * i + 1], i == 0);
	buf_putc(&b, '}');
	authtest_post(path, NULL, buf_cstr(&b), res);
	buf_cleanup(&b);
}

void
authtest_sign_up(const char *email, const char *pw, const char *display,
    const char *business, struct http_res *res)
{
	const char	*nv[] = { "email", email, "password", pw,
			    "displayName", display, "businessName", business };

	post_members("/auth/client/sign-up", nv, 4, res);
}

void
authtest_sign_in(const char *email, const char *pw, struct http_res *res)
{
	const char	*nv[] = { "email", email, "password", pw };

	post_members("/auth/client/sign-in", nv, 2, res);
}

void
authtest_refresh(const char *rt, struct http_res *res)
{
	const char	*nv[] = { "refreshToken", rt };

	post_members("/auth/refresh", nv, 1, res);
}

void
authtest_phone_start(const char *phone, struct http_res *res)
{
	const char	*nv[] = { "phoneNumber", phone };

	post_members("/auth/staff/phone/start", nv, 1, res);
}

char *
authtest_phone_session(const char *phone)
{
	struct http_res	 res;
	char		*si;

	authtest_phone_start(phone, &res);
	api_json_ok(&res, 200);
	si = mem_strdup(authtest_str(&res, "sessionInfo"));
	http_res_free(&res);
	return si;
}

void
authtest_phone_verify(const char *si, const char *code,
    struct http_res *res)
{
	const char	*nv[] = { "sessionInfo", si, "code", code };

	post_members("/auth/staff/phone/verify", nv, 2, res);
}

void
authtest_wrong_code(const char *code, char *dst, size_t dstlen)
{
	size_t	 i, n = strlen(code);

	ck_assert(n + 1 <= dstlen);
	for (i = 0; i < n; i++)
		dst[i] = (char)('0' + (code[i] - '0' + 1) % 10);
	dst[n] = '\0';
}

unsigned long
authtest_uniq(void)
{
	static unsigned long	 seq;
	struct timespec		 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((unsigned long)ts.tv_nsec / 1000 + (unsigned long)getpid() *
	    7919 + ++seq * 104729) % 10000000;
}

void
authtest_new_phone(char *dst, size_t len)
{
	int	 n;

	n = snprintf(dst, len, "%s%07lu", suite_names()->phone,
	    authtest_uniq());
	ck_assert(n > 0 && (size_t)n < len);
}

void
authtest_new_email(char *dst, size_t len, const char *tag)
{
	int	 n;

	n = snprintf(dst, len, "%s-%lu@%s", tag, authtest_uniq(),
	    suite_names()->domain);
	ck_assert(n > 0 && (size_t)n < len);
}

void
authtest_new_client(char *email, size_t emaillen, struct http_res *res)
{
	char	 biz[128];
	int	 n;

	authtest_new_email(email, emaillen, "client");
	n = snprintf(biz, sizeof(biz), "%s %lu", suite_names()->business,
	    authtest_uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	authtest_sign_up(email, AUTHTEST_PASSWORD, suite_names()->display,
	    biz, res);
	api_json_ok(res, 201);
}

PGconn *
authtest_db_open(void)
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

char *
authtest_db_value(const char *sql, const char *p1, const char *p2)
{
	const char	*params[2] = { p1, p2 };
	PGconn		*c;
	PGresult	*r;
	char		*v = NULL;
	int		 n = p2 != NULL ? 2 : p1 != NULL ? 1 : 0;

	c = authtest_db_open();
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

long
authtest_db_count(const char *sql, const char *p1, const char *p2)
{
	char	*v;
	long	 n;

	v = authtest_db_value(sql, p1, p2);
	ck_assert_msg(v != NULL, "no count from %s", sql);
	n = strtol(v, NULL, 10);
	mem_free(v);
	return n;
}

int
authtest_stack_run(const char *cmd, const char *a1, const char *a2)
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

void
authtest_set(const char *key, const char *value, const char *pool)
{
	ck_assert_msg(authtest_stack_run("set", key, value) == 0,
	    "krow-stack set %s failed", key);
	ck_assert_msg(authtest_stack_run("restart-pool", pool, NULL) == 0,
	    "krow-stack restart-pool %s failed", pool);
}

void
authtest_refused_within_cache(const char *path, const char *token,
    double t0, long want, const char *code, long transient)
{
	struct http_res	 res;
	long long	 cache;
	double		 limit, t;
	int		 i;

	cache = authtest_cache_window();
	limit = (double)cache + 1.0;
	for (;;) {
		api_get_as(path, token, &res);
		t = api_now() - t0;
		if (res.status == want)
			break;
		ck_assert_msg(res.status == 200 || (transient != 0 &&
		    res.status == transient), "%s: status %ld: %s", path,
		    res.status, res.body);
		ck_assert_msg(t <= limit, "%s still accepted the token %.1f s "
		    "after the change (cache window %lld s)", path, t,
		    cache);
		http_res_free(&res);
		api_nap(100);
	}
	authtest_envelope(&res, want, code);
	http_res_free(&res);
	/* Past the window, every worker refuses it. */
	t = api_now() - t0;
	if (t < limit)
		api_nap((long)((limit - t) * 1000));
	for (i = 0; i < 20; i++) {
		api_get_as(path, token, &res);
		ck_assert_msg(res.status == want, "request %d after the "
		    "window: %ld: %s", i, res.status, res.body);
		authtest_envelope(&res, want, code);
		http_res_free(&res);
	}
}
