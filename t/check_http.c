/*
 * check_http: the integration suite.  It drives the real stack (nginx, the
 * four pools, PostgreSQL with the demo data) over HTTP, started by
 * t/integration.sh, and asserts what a client sees: status, Content-Type,
 * the error envelope and its requestId.  Without $KROW_TEST_URL it skips
 * (exit 77).
 *
 * Environment: KROW_TEST_URL (base URL), KROW_TEST_STATE (the stack's
 * state directory: etc/krow.conf, the signing key), KROW_TEST_STACK (the
 * script that answers "pool-pids STATE POOL" and "pg-restart STATE").
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>

#include "buf.h"
#include "mem.h"
#include "uuid.h"
#include "http.h"
#include "api.h"

#define OWNER_EMAIL	"owner@demo.example"
#define OTHER_EMAIL	"owner@other.example"
#define DISABLED_EMAIL	"disabled@demo.example"
#define DEMO_PASSWORD	"krow-demo-1"
#define OWNER_USER_ID	"00000000-0000-4000-8000-000000000401"
#define STAFF_USER_ID	"00000000-0000-4000-8000-000000000402"
#define OTHER_USER_ID	"00000000-0000-4000-8000-000000000404"
#define DEMO_TENANT_ID	"00000000-0000-4000-8000-000000000001"
#define DEMO_BUSINESS_ID "00000000-0000-4000-8000-000000000101"
#define OTHER_BUSINESS_ID "00000000-0000-4000-8000-000000000102"
#define STAFF_ID	"00000000-0000-4000-8000-000000000301"
#define VENDOR_ID	"00000000-0000-4000-8000-000000000201"

#define BODY_MAX	(1024 * 1024)	/* nginx and program body limit */

static const char *const json_hdr[] = {
	"Content-Type: application/json", NULL
};

/* The details object of an envelope names field. */
static void
assert_detail(struct http_res *res, const char *field)
{
	struct json_object	*o, *d;

	o = http_json(res);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "details", &d));
	ck_assert_msg(json_object_object_get_ex(d, field, NULL),
	    "details do not name %s: %s", field, res->body);
}

static void
req_ok(int rc)
{
	ck_assert_msg(rc == 0, "no HTTP answer (is the stack running?)");
}

/* GET path with a bearer token (NULL: none) and extra header lines. */
static void
get_as(const char *path, const char *token, const char *extra1,
    const char *extra2, struct http_res *res)
{
	const char	*h[4];
	char		 auth[20000];
	size_t		 n = 0;

	if (token != NULL) {
		ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
		h[n++] = auth;
	}
	if (extra1 != NULL)
		h[n++] = extra1;
	if (extra2 != NULL)
		h[n++] = extra2;
	h[n] = NULL;
	req_ok(http_do("GET", path, h, NULL, res));
}

/*
 * POST a JSON body to an /auth route.  nginx limits the request rate on
 * /auth; a 429 here is retried after a pause, as a client would, so that
 * the tests below see the answer of krow-auth itself.
 */
static void
auth_post(const char *path, const char *ctype, const char *token,
    const char *body, size_t bodylen, struct http_res *res)
{
	const char	*h[3];
	char		 ct[256], auth[20000];
	size_t		 n = 0;
	int		 tries;

	if (ctype != NULL) {
		ck_assert_int_lt(snprintf(ct, sizeof(ct), "Content-Type: %s",
		    ctype), (int)sizeof(ct));
		h[n++] = ct;
	}
	if (token != NULL) {
		ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), token));
		h[n++] = auth;
	}
	h[n] = NULL;
	for (tries = 0; ; tries++) {
		req_ok(http_do_len("POST", path, h, body, bodylen, res));
		if (res->status != 429 || tries == 10)
			break;
		http_res_free(res);
		api_nap(1000);
	}
}

static void
auth_post_json(const char *path, const char *body, struct http_res *res)
{
	auth_post(path, "application/json", NULL, body, strlen(body), res);
}

/* Sign in through the API, retrying a rate-limited attempt only. */
static char *
sign_in(const char *email, const char *password, char **refresh)
{
	char	*tok = NULL;
	long	 status = 0;
	int	 tries;

	for (tries = 0; tries < 10; tries++) {
		tok = http_sign_in(email, password, refresh, &status);
		if (tok != NULL || status != 429)
			break;
		api_nap(1000);
	}
	ck_assert_msg(tok != NULL, "sign-in of %s failed: status %ld", email,
	    status);
	return tok;
}

static char *
mint(const char *sub, long long iat_off, long long exp_off, unsigned flags)
{
	char	*tok;

	tok = http_mint(sub, iat_off, exp_off, flags);
	ck_assert_msg(tok != NULL, "cannot mint a token for %s", sub);
	return tok;
}

/* A string member at a dotted path equals want. */
static void
assert_str(struct http_res *res, const char *path, const char *want)
{
	const char	*v;

	v = http_json_str(res, path);
	ck_assert_msg(v != NULL, "%s missing in %s", path, res->body);
	ck_assert_str_eq(v, want);
}

/*
 * Run "$KROW_TEST_STACK <cmd> $KROW_TEST_STATE [arg]"; the first output
 * lines are parsed as PIDs into pids (up to max) when pids is not NULL.
 * Returns the number of PIDs, or -1 when the command failed.
 */
static int
stack(const char *cmd, const char *arg, pid_t *pids, int max)
{
	const char	*script, *state;
	char		 line[4096];
	FILE		*f;
	char		*end;
	long		 v;
	int		 n = 0, st;

	script = getenv("KROW_TEST_STACK");
	state = getenv("KROW_TEST_STATE");
	ck_assert_msg(script != NULL && state != NULL,
	    "KROW_TEST_STACK and KROW_TEST_STATE must be set");
	/* Both come from the test harness, not from input. */
	st = snprintf(line, sizeof(line), "'%s' %s '%s' %s", script, cmd,
	    state, arg == NULL ? "" : arg);
	ck_assert(st > 0 && (size_t)st < sizeof(line));
	fflush(NULL);
	if ((f = popen(line, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (pids == NULL)
			continue;
		for (end = line; *end != '\0'; ) {
			errno = 0;
			v = strtol(end, &end, 10);
			if (errno != 0 || v <= 0)
				break;
			if (n < max)
				pids[n++] = (pid_t)v;
			while (*end == ' ' || *end == '\t' || *end == '\n' ||
			    *end == ',')
				end++;
		}
	}
	st = pclose(f);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return n;
}

/*
 * Health routes: each pool answers without a token.
 */
static const char *const health_paths[] = {
	"/auth/health", "/query/health", "/core/health", "/commands/health"
};
static const char *const health_programs[] = {
	"krow-auth", "krow-query", "krow-core", "krow-command"
};

START_TEST(test_health_public)
{
	struct http_res	 res;

	get_as(health_paths[_i], NULL, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "status", "ok");
	assert_str(&res, "program", health_programs[_i]);
	assert_str(&res, "database", "ok");
	http_res_free(&res);
}
END_TEST

/*
 * POST /auth/client/sign-in
 */
START_TEST(test_sign_in_ok)
{
	struct http_res		 res;
	struct json_object	*o;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\",\"password\":\"" DEMO_PASSWORD
	    "\"}", &res);
	api_json_ok(&res, 200);
	ck_assert_ptr_nonnull(http_json_str(&res, "idToken"));
	ck_assert_int_eq(strncmp(http_json_str(&res, "idToken"), "eyJ", 3),
	    0);
	ck_assert_ptr_nonnull(http_json_str(&res, "refreshToken"));
	assert_str(&res, "expiresIn", "3600");
	ck_assert(json_object_object_get_ex(http_json(&res), "session", &o));
	ck_assert(json_object_is_type(o, json_type_object));
	assert_str(&res, "session.userId", OWNER_USER_ID);
	assert_str(&res, "session.actor", "client");
	assert_str(&res, "session.businessId", DEMO_BUSINESS_ID);
	assert_str(&res, "session.role", "owner");
	assert_str(&res, "session.email", OWNER_EMAIL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_email_case_insensitive)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"Owner@Demo.Example\",\"password\":\"" DEMO_PASSWORD
	    "\"}", &res);
	api_json_ok(&res, 200);
	ck_assert_ptr_nonnull(http_json_str(&res, "idToken"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_wrong_password)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\",\"password\":\"wrong-password\"}",
	    &res);
	api_envelope_strict(&res, 401, "INVALID_CREDENTIALS");
	ck_assert_ptr_null(strstr(res.body, "idToken"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_unknown_email_same_answer)
{
	struct http_res	 res, res2;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"nobody@demo.example\",\"password\":\"whatever-1\"}",
	    &res);
	api_envelope_strict(&res, 401, "INVALID_CREDENTIALS");
	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\",\"password\":\"wrong-password\"}",
	    &res2);
	api_envelope_strict(&res2, 401, "INVALID_CREDENTIALS");
	/* Nothing tells an attacker which emails exist. */
	ck_assert_str_eq(http_json_str(&res, "message"),
	    http_json_str(&res2, "message"));
	http_res_free(&res);
	http_res_free(&res2);
	/* A correct sign-in clears the failure count again. */
	mem_free(sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL));
}
END_TEST

START_TEST(test_sign_in_malformed_json)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\",\"password\":", &res);
	api_envelope_strict(&res, 400, "BAD_REQUEST");
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_not_an_object)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in", "[\"" OWNER_EMAIL "\"]", &res);
	ck_assert_int_eq(res.status, 400);
	api_envelope_strict(&res, 400, NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_missing_field)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\"}", &res);
	api_envelope_strict(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, "password");
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_unknown_field)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\",\"password\":\"" DEMO_PASSWORD
	    "\",\"isAdmin\":true}", &res);
	api_envelope_strict(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, "isAdmin");
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_wrong_type)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" OWNER_EMAIL "\",\"password\":12345678}", &res);
	api_envelope_strict(&res, 400, "VALIDATION_ERROR");
	assert_detail(&res, "password");
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_wrong_content_type)
{
	static const char body[] = "{\"email\":\"" OWNER_EMAIL
	    "\",\"password\":\"" DEMO_PASSWORD "\"}";
	struct http_res	 res;

	auth_post("/auth/client/sign-in", "text/plain", NULL, body,
	    sizeof(body) - 1, &res);
	api_envelope_strict(&res, 415, "UNSUPPORTED_MEDIA_TYPE");
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_invalid_utf8)
{
	static const char body[] = "{\"email\":\"own\xff\xfe@demo.example\","
	    "\"password\":\"" DEMO_PASSWORD "\"}";
	struct http_res	 res;

	auth_post("/auth/client/sign-in", "application/json", NULL, body,
	    sizeof(body) - 1, &res);
	api_envelope_strict(&res, 400, NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_nul_byte)
{
	static const char body[] = "{\"email\":\"" OWNER_EMAIL "\","
	    "\"password\":\"krow\0demo\"}";
	struct http_res	 res;

	auth_post("/auth/client/sign-in", "application/json", NULL, body,
	    sizeof(body) - 1, &res);
	api_envelope_strict(&res, 400, NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_empty_body)
{
	struct http_res	 res;

	auth_post("/auth/client/sign-in", "application/json", NULL, "", 0,
	    &res);
	api_envelope_strict(&res, 400, NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_disabled)
{
	struct http_res	 res;

	auth_post_json("/auth/client/sign-in",
	    "{\"email\":\"" DISABLED_EMAIL "\",\"password\":\"" DEMO_PASSWORD
	    "\"}", &res);
	api_envelope_strict(&res, 403, "ACCOUNT_DISABLED");
	ck_assert_ptr_null(strstr(res.body, "idToken"));
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_in_body_too_large)
{
	struct http_res	 res;
	char		*body;
	size_t		 len = BODY_MAX + 4096;

	body = mem_alloc(len);
	memset(body, ' ', len);
	memcpy(body, "{\"email\":\"", 10);
	body[len - 2] = '"';
	body[len - 1] = '}';
	auth_post("/auth/client/sign-in", "application/json", NULL, body,
	    len, &res);
	mem_free(body);
	api_envelope_strict(&res, 413, "PAYLOAD_TOO_LARGE");
	http_res_free(&res);
}
END_TEST

/*
 * Sessions and identity.
 */
START_TEST(test_auth_session)
{
	struct http_res	 res;
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	get_as("/auth/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "userId", OWNER_USER_ID);
	assert_str(&res, "tenantId", DEMO_TENANT_ID);
	assert_str(&res, "actor", "client");
	assert_str(&res, "businessId", DEMO_BUSINESS_ID);
	assert_str(&res, "role", "owner");
	assert_str(&res, "email", OWNER_EMAIL);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_client_session)
{
	struct http_res	 res;
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "user.userId", OWNER_USER_ID);
	assert_str(&res, "user.email", OWNER_EMAIL);
	assert_str(&res, "user.role", "owner");
	assert_str(&res, "business.businessId", DEMO_BUSINESS_ID);
	assert_str(&res, "business.name", "Demo Hospitality Group");
	assert_str(&res, "business.currency", "USD");
	assert_str(&res, "tenant.tenantId", DEMO_TENANT_ID);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_staff_session)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-staff", 0, 3600, 0);
	get_as("/query/staff/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "user.userId", STAFF_USER_ID);
	assert_str(&res, "staff.staffId", STAFF_ID);
	assert_str(&res, "staff.firstName", "Sam");
	assert_str(&res, "staff.lastName", "Rivera");
	assert_str(&res, "staff.vendor.vendorId", VENDOR_ID);
	assert_str(&res, "staff.vendor.name", "Demo Staffing Co");
	assert_str(&res, "tenant.tenantId", DEMO_TENANT_ID);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_client_token_on_staff_route)
{
	struct http_res	 res;
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	get_as("/query/staff/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 403, "FORBIDDEN");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_staff_token_on_client_route)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-staff", 0, 3600, 0);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 403, "FORBIDDEN");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_admin_token_on_client_route)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-admin", 0, 3600, 0);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 403, "FORBIDDEN");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_no_token)
{
	struct http_res	 res;

	get_as("/query/client/session", NULL, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
}
END_TEST

START_TEST(test_garbage_token)
{
	struct http_res	 res;

	get_as("/query/client/session", "not.a.token", NULL, NULL, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
}
END_TEST

START_TEST(test_not_bearer)
{
	static const char *const h[] = {
		"Authorization: Basic b3duZXJAZGVtby5leGFtcGxlOmtyb3ctZGVtby0x",
		NULL
	};
	struct http_res	 res;

	req_ok(http_do("GET", "/query/client/session", h, NULL, &res));
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
}
END_TEST

START_TEST(test_huge_token)
{
	struct http_res	 res;
	char		*tok;

	tok = mem_alloc(17000);
	memset(tok, 'A', 16999);
	tok[16999] = '\0';
	tok[100] = '.';
	tok[200] = '.';
	get_as("/query/client/session", tok, NULL, NULL, &res);
	/* Refused, by nginx's header limit (400) or by krow-auth (401). */
	if (res.status == 401)
		api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	else
		api_envelope_strict(&res, 400, "BAD_REQUEST");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_expired_token)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-owner", -7200, -3600, 0);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "TOKEN_EXPIRED");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_other_key_token)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-owner", 0, 3600, HTTP_MINT_OTHER_KEY);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_tampered_token)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-owner", 0, 3600, HTTP_MINT_TAMPER);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_wrong_issuer_token)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("demo-owner", 0, 3600, HTTP_MINT_BAD_ISSUER);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_unknown_user_token)
{
	struct http_res	 res;
	char		*tok;

	/* A valid signature for a uid that maps to no user. */
	tok = mint("nobody-at-all", 0, 3600, 0);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_disabled_user_token)
{
	struct http_res	 res;
	char		*tok;

	/* A token issued before the account was disabled stops working. */
	tok = mint("demo-disabled", 0, 3600, 0);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 403, "ACCOUNT_DISABLED");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_other_business_scoping)
{
	struct http_res	 res;
	char		*tok;

	tok = mint("other-owner", 0, 3600, 0);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "user.userId", OTHER_USER_ID);
	assert_str(&res, "business.businessId", OTHER_BUSINESS_ID);
	assert_str(&res, "business.name", "Other Catering Ltd");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

/*
 * Identity headers sent by a client count for nothing.
 */
START_TEST(test_spoof_without_token)
{
	static const char *const h[] = {
		"X-Krow-User-Id: " OWNER_USER_ID,
		"X-Krow-Actor: client",
		"X-Krow-Business-Id: " DEMO_BUSINESS_ID,
		"X-Krow-Tenant-Id: " DEMO_TENANT_ID,
		"X-Krow-Role: owner",
		NULL
	};
	struct http_res	 res;

	req_ok(http_do("GET", "/query/client/session", h, NULL, &res));
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
}
END_TEST

START_TEST(test_spoof_with_token)
{
	struct http_res	 res;
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	get_as("/query/client/session", tok,
	    "X-Krow-Business-Id: " OTHER_BUSINESS_ID,
	    "X-Krow-User-Id: " OTHER_USER_ID, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "user.userId", OWNER_USER_ID);
	assert_str(&res, "business.businessId", DEMO_BUSINESS_ID);
	assert_str(&res, "business.name", "Demo Hospitality Group");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

/*
 * Errors answered by the gateway or by the router of a program.
 */
START_TEST(test_unknown_path)
{
	struct http_res	 res;

	get_as("/nope", NULL, NULL, NULL, &res);
	api_envelope_strict(&res, 404, "NOT_FOUND");
	http_res_free(&res);
}
END_TEST

START_TEST(test_unknown_route_in_pool)
{
	struct http_res	 res;
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	get_as("/query/client/nope", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 404, "NOT_FOUND");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_wrong_method)
{
	struct http_res	 res;
	const char	*h[2];
	char		 auth[8192], allow[256];
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), tok));
	h[0] = auth;
	h[1] = NULL;
	req_ok(http_do("DELETE", "/query/client/session", h, NULL, &res));
	api_envelope_strict(&res, 405, "METHOD_NOT_ALLOWED");
	ck_assert_ptr_nonnull(http_header(&res, "Allow", allow,
	    sizeof(allow)));
	ck_assert_str_eq(allow, "GET");
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_query_body_too_large)
{
	struct http_res	 res;
	const char	*h[3];
	char		 auth[8192];
	char		*tok, *body;
	size_t		 len = BODY_MAX + 1;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	ck_assert_ptr_nonnull(http_bearer(auth, sizeof(auth), tok));
	h[0] = auth;
	h[1] = "Content-Type: application/json";
	h[2] = NULL;
	body = mem_alloc(len);
	memset(body, '1', len);
	req_ok(http_do_len("POST", "/query/client/session", h, body, len,
	    &res));
	api_envelope_strict(&res, 413, "PAYLOAD_TOO_LARGE");
	http_res_free(&res);
	mem_free(body);
	mem_free(tok);
}
END_TEST

/*
 * After a sign-out at t0 (monotonic), tok is refused on path (seen with
 * it before) within nginx's gateway window plus a margin, and from then
 * on: until then the answer is the earlier 200.
 */
static void
refused_after_sign_out(const char *path, const char *tok, double t0)
{
	struct http_res	 res;
	double		 limit;
	int		 i;

	limit = (double)http_gateway_window() + 0.5;
	for (;;) {
		get_as(path, tok, NULL, NULL, &res);
		if (res.status == 401)
			break;
		ck_assert_msg(res.status == 200, "%s: status %ld: %s", path,
		    res.status, res.body);
		ck_assert_msg(api_now() - t0 <= limit, "%s still accepts the "
		    "token %.1f s after the sign-out", path, api_now() - t0);
		http_res_free(&res);
		api_nap(100);
	}
	api_envelope_strict(&res, 401, "TOKEN_REVOKED");
	http_res_free(&res);
	for (i = 0; i < 5; i++) {
		get_as(path, tok, NULL, NULL, &res);
		api_envelope_strict(&res, 401, "TOKEN_REVOKED");
		http_res_free(&res);
	}
}

/*
 * Sign-out revokes the tokens issued before it: krow-auth refuses them
 * at once on every process (a shared revocation table); a route nginx
 * saw the token on refuses it within the gateway window.
 */
static void
sign_out_revokes(const char *route)
{
	struct http_res	 res;
	char		*tok, *tok2;
	double		 t0;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);

	t0 = api_now();
	auth_post(route, NULL, tok, NULL, 0, &res);
	api_json_ok(&res, 200);
	ck_assert(json_object_get_boolean(json_object_object_get(
	    http_json(&res), "signedOut")));
	http_res_free(&res);

	get_as("/auth/session", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "TOKEN_REVOKED");
	http_res_free(&res);
	get_as("/query/client/dashboard", tok, NULL, NULL, &res);
	api_envelope_strict(&res, 401, "TOKEN_REVOKED");
	http_res_free(&res);
	refused_after_sign_out("/query/client/session", tok, t0);

	/* Tokens issued in the second of the sign-out are refused too. */
	api_nap(1100);
	tok2 = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	ck_assert_str_ne(tok, tok2);
	get_as("/query/client/session", tok2, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "user.userId", OWNER_USER_ID);
	http_res_free(&res);
	mem_free(tok2);
	mem_free(tok);
}

START_TEST(test_sign_out)
{
	sign_out_revokes("/auth/sign-out");
}
END_TEST

START_TEST(test_client_sign_out)
{
	sign_out_revokes("/auth/client/sign-out");
}
END_TEST

START_TEST(test_staff_sign_out)
{
	struct http_res	 res;
	char		*tok;
	double		 t0;

	tok = mint("demo-staff", -5, 3600, 0);
	get_as("/query/staff/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	t0 = api_now();
	auth_post("/auth/staff/sign-out", NULL, tok, NULL, 0, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	refused_after_sign_out("/query/staff/session", tok, t0);
	mem_free(tok);
	/* Later tests mint staff tokens: leave the second of the sign-out. */
	api_nap(1100);
}
END_TEST

START_TEST(test_staff_sign_out_as_client)
{
	struct http_res	 res;
	char		*tok;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	auth_post("/auth/staff/sign-out", NULL, tok, NULL, 0, &res);
	api_envelope_strict(&res, 403, "FORBIDDEN");
	http_res_free(&res);
	/* Nothing was revoked. */
	get_as("/query/client/session", tok, NULL, NULL, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_sign_out_without_token)
{
	struct http_res	 res;

	auth_post("/auth/sign-out", NULL, NULL, NULL, 0, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
}
END_TEST

/*
 * Refresh tokens rotate: each works once.
 */
/* POST /auth/refresh with rt; the answer in res. */
static void
refresh(const char *rt, struct http_res *res)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"refreshToken\":");
	buf_json_str(&b, rt, strlen(rt));
	buf_putc(&b, '}');
	auth_post("/auth/refresh", "application/json", NULL, b.p, b.len, res);
	buf_cleanup(&b);
}

START_TEST(test_refresh_rotation)
{
	struct http_res	 res, res2, res3;
	char		*tok, *rt;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, &rt);
	refresh(rt, &res);
	api_json_ok(&res, 200);
	ck_assert_ptr_nonnull(http_json_str(&res, "idToken"));
	ck_assert_ptr_nonnull(http_json_str(&res, "refreshToken"));
	ck_assert_str_ne(http_json_str(&res, "refreshToken"), rt);
	assert_str(&res, "expiresIn", "3600");

	/* The new ID token works. */
	get_as("/query/client/session", http_json_str(&res, "idToken"), NULL,
	    NULL, &res2);
	api_json_ok(&res2, 200);
	assert_str(&res2, "user.userId", OWNER_USER_ID);
	http_res_free(&res2);

	/* The rotated refresh token works in turn. */
	refresh(http_json_str(&res, "refreshToken"), &res2);
	api_json_ok(&res2, 200);
	ck_assert_ptr_nonnull(http_json_str(&res2, "idToken"));

	/* The first one, used already, does not work a second time. */
	refresh(rt, &res3);
	api_envelope_strict(&res3, 401, "UNAUTHENTICATED");
	ck_assert_ptr_null(strstr(res3.body, "idToken"));

	http_res_free(&res3);
	http_res_free(&res2);
	http_res_free(&res);
	mem_free(rt);
	mem_free(tok);
}
END_TEST

START_TEST(test_refresh_reuse_revokes_successor)
{
	struct http_res	 res, res2;
	char		*tok, *rt;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, &rt);
	refresh(rt, &res);
	api_json_ok(&res, 200);
	/*
	 * Someone replays the used token: a copy exists, so the whole
	 * family dies, the successor the legitimate client holds included.
	 */
	refresh(rt, &res2);
	api_envelope_strict(&res2, 401, "UNAUTHENTICATED");
	http_res_free(&res2);
	refresh(http_json_str(&res, "refreshToken"), &res2);
	api_envelope_strict(&res2, 401, "UNAUTHENTICATED");
	http_res_free(&res2);
	http_res_free(&res);
	mem_free(rt);
	mem_free(tok);
}
END_TEST

START_TEST(test_refresh_after_sign_out)
{
	struct http_res	 res;
	char		*tok, *rt;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, &rt);
	auth_post("/auth/sign-out", NULL, tok, NULL, 0, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	refresh(rt, &res);
	api_envelope_strict(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(rt);
	mem_free(tok);
	/* Later tests sign in: leave the second of the sign-out. */
	api_nap(1100);
}
END_TEST

START_TEST(test_refresh_garbage)
{
	struct http_res	 res;

	auth_post_json("/auth/refresh", "{\"refreshToken\":\"garbage\"}",
	    &res);
	api_envelope_strict(&res, 401, NULL);
	http_res_free(&res);
}
END_TEST

START_TEST(test_jwks)
{
	struct http_res		 res;
	struct json_object	*keys, *k;

	get_as("/auth/.well-known/jwks.json", NULL, NULL, NULL, &res);
	api_json_ok(&res, 200);
	ck_assert(json_object_object_get_ex(http_json(&res), "keys", &keys));
	ck_assert(json_object_is_type(keys, json_type_array));
	ck_assert_int_ge(json_object_array_length(keys), 1);
	k = json_object_array_get_idx(keys, 0);
	ck_assert_ptr_nonnull(k);
	ck_assert(json_object_object_get_ex(k, "kty", NULL));
	ck_assert(json_object_object_get_ex(k, "n", NULL));
	ck_assert(json_object_object_get_ex(k, "e", NULL));
	/* A public key set: no private member. */
	ck_assert(!json_object_object_get_ex(k, "d", NULL));
	http_res_free(&res);
}
END_TEST

/*
 * The API document served by the gateway describes routes that exist:
 * every documented path and method answers something other than 404 or
 * 405 (without a token: 401, 400, 415 or 200).
 */
START_TEST(test_docs_openapi)
{
	struct http_res		 res, res2;
	struct json_object	*paths;
	char			 method[16];
	size_t			 i, n = 0;
	int			 tries;

	get_as("/docs/openapi.json", NULL, NULL, NULL, &res);
	api_json_ok(&res, 200);
	assert_str(&res, "openapi", "3.1.0");
	ck_assert(json_object_object_get_ex(http_json(&res), "paths",
	    &paths));
	json_object_object_foreach(paths, path, item) {
		json_object_object_foreach(item, m, op) {
			(void)op;
			if (strlen(m) >= sizeof(method))
				continue;
			for (i = 0; m[i] != '\0'; i++)
				method[i] = (char)toupper((unsigned char)m[i]);
			method[i] = '\0';
			for (tries = 0; tries < 10; tries++) {
				req_ok(http_do(method, path, NULL, NULL,
				    &res2));
				if (res2.status != 429)
					break;
				http_res_free(&res2);
				api_nap(1000);
			}
			ck_assert_msg(res2.status != 404 &&
			    res2.status != 405 && res2.status >= 200 &&
			    res2.status < 500, "%s %s: %ld", method, path,
			    res2.status);
			http_res_free(&res2);
			n++;
		}
	}
	ck_assert_msg(n >= 13, "only %zu operations documented", n);
	http_res_free(&res);
}
END_TEST

/*
 * Resilience: a crashed worker is replaced, a database restart is
 * survived.
 */
START_TEST(test_worker_killed)
{
	struct http_res	 res;
	pid_t		 before[64], after[64];
	char		*tok;
	double		 t0;
	int		 n, m, i, j, seen;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	n = stack("pool-pids", "query", before, 64);
	ck_assert_msg(n >= 1, "pool-pids query gave %d", n);
	ck_assert_int_eq(kill(before[0], SIGKILL), 0);

	t0 = api_now();
	for (i = 0; i < 50; i++) {
		get_as("/query/client/session", tok, NULL, NULL, &res);
		ck_assert_msg(res.status == 200, "request %d after the kill: "
		    "%ld %s", i, res.status, res.body);
		http_res_free(&res);
	}
	ck_assert_msg(api_now() - t0 < 5, "50 requests took %.1f s",
	    api_now() - t0);

	/* The supervisor brings the pool back to its size. */
	for (t0 = api_now(); ; api_nap(200)) {
		m = stack("pool-pids", "query", after, 64);
		for (seen = 0, j = 0; j < m; j++)
			if (after[j] == before[0])
				seen = 1;
		if ((m == n && !seen) || api_now() - t0 > 5)
			break;
	}
	ck_assert_msg(m == n, "pool has %d workers, had %d", m, n);
	ck_assert_msg(!seen, "killed worker %d still listed",
	    (int)before[0]);
	mem_free(tok);
}
END_TEST

START_TEST(test_database_restart)
{
	struct http_res	 res;
	char		*tok;
	double		 t0;
	int		 i;

	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	ck_assert_msg(stack("pg-restart", NULL, NULL, 0) == 0,
	    "pg-restart failed");
	for (t0 = api_now(); ; api_nap(250)) {
		get_as("/query/client/session", tok, NULL, NULL, &res);
		if (res.status == 200 || api_now() - t0 > 5)
			break;
		http_res_free(&res);
	}
	ck_assert_msg(res.status == 200, "no recovery after 5 s: %ld %s",
	    res.status, res.body);
	http_res_free(&res);
	for (i = 0; i < 20; i++) {
		get_as("/query/client/session", tok, NULL, NULL, &res);
		api_json_ok(&res, 200);
		assert_str(&res, "business.name", "Demo Hospitality Group");
		http_res_free(&res);
	}
	mem_free(tok);
}
END_TEST

/*
 * Rate limit on /auth (nginx limit_req).  Runs last: for a second or two
 * afterwards /auth refuses this address.
 */
START_TEST(test_auth_rate_limited)
{
	struct http_res	 res, limited;
	int		 i, got = 0;

	memset(&limited, 0, sizeof(limited));
	for (i = 0; i < 60; i++) {
		req_ok(http_do("POST", "/auth/client/sign-in", json_hdr, "{",
		    &res));
		ck_assert_msg(res.status == 400 || res.status == 429,
		    "status %ld", res.status);
		if (res.status == 429 && !got) {
			got = 1;
			limited = res;
			continue;
		}
		http_res_free(&res);
	}
	ck_assert_msg(got, "60 quick requests, none rate limited");
	api_envelope_strict(&limited, 429, "RATE_LIMITED");
	http_res_free(&limited);
	api_nap(2000);
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
http_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("http");

	tc = tcase(s, "health");
	tcase_add_loop_test(tc, test_health_public, 0,
	    (int)(sizeof(health_paths) / sizeof(health_paths[0])));

	tc = tcase(s, "sign_in");
	tcase_add_test(tc, test_sign_in_ok);
	tcase_add_test(tc, test_sign_in_email_case_insensitive);
	tcase_add_test(tc, test_sign_in_wrong_password);
	tcase_add_test(tc, test_sign_in_unknown_email_same_answer);
	tcase_add_test(tc, test_sign_in_malformed_json);
	tcase_add_test(tc, test_sign_in_not_an_object);
	tcase_add_test(tc, test_sign_in_missing_field);
	tcase_add_test(tc, test_sign_in_unknown_field);
	tcase_add_test(tc, test_sign_in_wrong_type);
	tcase_add_test(tc, test_sign_in_wrong_content_type);
	tcase_add_test(tc, test_sign_in_invalid_utf8);
	tcase_add_test(tc, test_sign_in_nul_byte);
	tcase_add_test(tc, test_sign_in_empty_body);
	tcase_add_test(tc, test_sign_in_disabled);
	tcase_add_test(tc, test_sign_in_body_too_large);

	tc = tcase(s, "session");
	tcase_add_test(tc, test_auth_session);
	tcase_add_test(tc, test_client_session);
	tcase_add_test(tc, test_staff_session);
	tcase_add_test(tc, test_client_token_on_staff_route);
	tcase_add_test(tc, test_staff_token_on_client_route);
	tcase_add_test(tc, test_admin_token_on_client_route);
	tcase_add_test(tc, test_no_token);
	tcase_add_test(tc, test_garbage_token);
	tcase_add_test(tc, test_not_bearer);
	tcase_add_test(tc, test_huge_token);
	tcase_add_test(tc, test_expired_token);
	tcase_add_test(tc, test_other_key_token);
	tcase_add_test(tc, test_tampered_token);
	tcase_add_test(tc, test_wrong_issuer_token);
	tcase_add_test(tc, test_unknown_user_token);
	tcase_add_test(tc, test_disabled_user_token);
	tcase_add_test(tc, test_other_business_scoping);

	tc = tcase(s, "spoofing");
	tcase_add_test(tc, test_spoof_without_token);
	tcase_add_test(tc, test_spoof_with_token);

	tc = tcase(s, "gateway");
	tcase_add_test(tc, test_unknown_path);
	tcase_add_test(tc, test_unknown_route_in_pool);
	tcase_add_test(tc, test_wrong_method);
	tcase_add_test(tc, test_query_body_too_large);

	tc = tcase(s, "sign_out");
	tcase_add_test(tc, test_sign_out);
	tcase_add_test(tc, test_client_sign_out);
	tcase_add_test(tc, test_staff_sign_out);
	tcase_add_test(tc, test_staff_sign_out_as_client);
	tcase_add_test(tc, test_sign_out_without_token);

	tc = tcase(s, "refresh");
	tcase_add_test(tc, test_refresh_rotation);
	tcase_add_test(tc, test_refresh_reuse_revokes_successor);
	tcase_add_test(tc, test_refresh_after_sign_out);
	tcase_add_test(tc, test_refresh_garbage);
	tcase_add_test(tc, test_jwks);

	tc = tcase(s, "docs");
	tcase_add_test(tc, test_docs_openapi);

	tc = tcase(s, "resilience");
	tcase_add_test(tc, test_worker_killed);
	tcase_add_test(tc, test_database_restart);

	/* Last: it leaves /auth rate limited for a moment. */
	tc = tcase(s, "rate_limit");
	tcase_add_test(tc, test_auth_rate_limited);
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
		printf("check_http: KROW_TEST_URL is not set; skipped "
		    "(t/integration.sh starts the stack and sets it)\n");
		return 77;
	}
	if (http_global_init() == -1) {
		fprintf(stderr, "check_http: curl_global_init failed\n");
		return EXIT_FAILURE;
	}
	sr = srunner_create(http_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
