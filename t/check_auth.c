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
#include "api.h"
#include "authtest.h"

#define OWNER_EMAIL	"owner@demo.example"
#define DEMO_PASSWORD	"krow-demo-1"
#define OWNER_USER_ID	"00000000-0000-4000-8000-000000000401"
#define STAFF_USER_ID	"00000000-0000-4000-8000-000000000402"
#define DEMO_TENANT_ID	"00000000-0000-4000-8000-000000000001"
#define STAFF_ID	"00000000-0000-4000-8000-000000000301"
#define TEST_PHONE	"+15555550100"
#define TEST_CODE	"123456"

/* This suite's fixtures, apart from check_firebase's. */
static const struct authtest_names names = {
	"check-auth.example",	/* emails */
	"+1444",		/* phone numbers */
	"Check Auth Co",	/* businesses */
	"Check Client",		/* display name */
};

/* Sign in (asserted to succeed); the ID token (mem_free() it). */
static char *
sign_in(const char *email, const char *pw, char **refresh)
{
	struct http_res	 res;
	char		*tok;

	authtest_sign_in(email, pw, &res);
	api_json_ok(&res, 200);
	tok = mem_strdup(authtest_str(&res, "idToken"));
	if (refresh != NULL)
		*refresh = mem_strdup(authtest_str(&res, "refreshToken"));
	http_res_free(&res);
	return tok;
}

/*
 * A new client account (authtest_new_client()); its ID token (mem_free()
 * it), the user id in uid (UUID_STRLEN + 1 bytes) when not NULL.
 */
static char *
new_client(char *email, size_t emaillen, char *uid)
{
	struct http_res	 res;
	char		*tok;

	authtest_new_client(email, emaillen, &res);
	tok = mem_strdup(authtest_str(&res, "idToken"));
	if (uid != NULL) {
		ck_assert(strlen(authtest_str(&res, "session.userId")) ==
		    UUID_STRLEN);
		memcpy(uid, authtest_str(&res, "session.userId"),
		    UUID_STRLEN + 1);
	}
	http_res_free(&res);
	return tok;
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

	path = authtest_conf_str(CONF_AUTH_OTP_LOG_FILE);
	ck_assert_msg(*path != '\0', "auth_otp_log_file is not set");
	for (t0 = api_now(); rc == -1 && api_now() - t0 < 5;
	    api_nap(100)) {
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

/* Set a setting of the stack and restart the auth pool with it. */
static void
set_and_restart(const char *key, const char *value)
{
	authtest_set(key, value, "auth");
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

	api_get_as("/auth/.well-known/jwks.json", NULL, &res);
	api_json_ok(&res, 200);
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

	api_get_as("/auth/.well-known/jwks.json", NULL, &res);
	api_json_ok(&res, 200);
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

	authtest_new_email(email, sizeof(email), "signup");
	n = snprintf(biz, sizeof(biz), "Sign-Up Bistro %lu", authtest_uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Sofia Signup", biz, &res);
	api_json_ok(&res, 201);
	ck_assert_int_eq(strncmp(authtest_str(&res, "idToken"), "eyJ", 3), 0);
	(void)authtest_str(&res, "refreshToken");
	authtest_str_eq(&res, "expiresIn", "3600");
	authtest_str_eq(&res, "session.actor", "client");
	authtest_str_eq(&res, "session.role", "owner");
	authtest_str_eq(&res, "session.email", email);
	authtest_str_eq(&res, "session.displayName", "Sofia Signup");
	authtest_str_eq(&res, "session.tenantId", DEMO_TENANT_ID);
	authtest_str_eq(&res, "session.provider", "local");
	ck_assert(uuid_valid(authtest_str(&res, "session.userId")));
	ck_assert(uuid_valid(authtest_str(&res, "session.businessId")));
	memcpy(uid, authtest_str(&res, "session.userId"), sizeof(uid));

	/* The token opens the client routes, on the new business. */
	api_get_as("/query/client/session", authtest_str(&res, "idToken"),
	    &res2);
	api_json_ok(&res2, 200);
	authtest_str_eq(&res2, "user.userId", uid);
	authtest_str_eq(&res2, "business.businessId",
	    authtest_str(&res, "session.businessId"));
	authtest_str_eq(&res2, "business.name", biz);
	http_res_free(&res2);
	http_res_free(&res);

	/* The password signs in from now on. */
	authtest_sign_in(email, AUTHTEST_PASSWORD, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.userId", uid);
	tok = mem_strdup(authtest_str(&res, "idToken"));
	http_res_free(&res);
	api_get_as("/auth/session", tok, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "userId", uid);
	authtest_str_eq(&res, "email", email);
	http_res_free(&res);
	mem_free(tok);
}
END_TEST

START_TEST(test_sign_up_shortest_password)
{
	struct http_res	 res;
	char		 email[128];

	authtest_new_email(email, sizeof(email), "eight");
	authtest_sign_up(email, "abcdefg1", "Eight Chars", "Eight Chars Ltd",
	    &res);
	api_json_ok(&res, 201);
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
	n = snprintf(biz, sizeof(biz), "Duplicate Co %lu", authtest_uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	/* The same address, in another case: emails are case-insensitive. */
	authtest_sign_up(upper, AUTHTEST_PASSWORD, "Second Try", biz, &res);
	authtest_envelope(&res, 409, "CONFLICT");
	http_res_free(&res);
	/* Nothing was written: no business, no second user. */
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM businesses"
	    " WHERE name = $1", biz, NULL), 0);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users"
	    " WHERE email = $1::citext", email, NULL), 1);
}
END_TEST

START_TEST(test_sign_up_demo_email_taken)
{
	struct http_res	 res;

	authtest_sign_up(OWNER_EMAIL, AUTHTEST_PASSWORD, "Impostor",
	    "Impostor Inc", &res);
	authtest_envelope(&res, 409, "CONFLICT");
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

	before = authtest_db_count("SELECT count(*) FROM users", NULL, NULL);
	authtest_post("/auth/client/sign-up", NULL, bad_sign_ups[_i].body,
	    &res);
	authtest_envelope(&res, 400, "VALIDATION_ERROR");
	authtest_detail(&res, bad_sign_ups[_i].field);
	http_res_free(&res);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users", NULL,
	    NULL), before);
}
END_TEST

START_TEST(test_sign_up_malformed)
{
	struct http_res	 res;

	authtest_post("/auth/client/sign-up", NULL, "{\"email\":", &res);
	authtest_envelope(&res, 400, "BAD_REQUEST");
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
	max = authtest_conf_num(CONF_AUTH_MAX_FAILURES);
	for (i = 1; i <= max; i++) {
		authtest_sign_in(email, "wrong-password-1", &res);
		if (i < max)
			authtest_envelope(&res, 401, "INVALID_CREDENTIALS");
		else
			authtest_envelope(&res, 423, "ACCOUNT_LOCKED");
		if (i < max)
			http_res_free(&res);
	}
	/* The lock says when to come back. */
	ck_assert_msg(http_header(&res, "Retry-After", ra, sizeof(ra)) !=
	    NULL, "423 without Retry-After");
	secs = strtol(ra, &end, 10);
	ck_assert_msg(*end == '\0' && secs > 0 && secs <=
	    authtest_conf_num(CONF_AUTH_LOCK_SECONDS), "Retry-After %s", ra);
	http_res_free(&res);
	/* Locked: the right password is refused too. */
	authtest_sign_in(email, AUTHTEST_PASSWORD, &res);
	authtest_envelope(&res, 423, "ACCOUNT_LOCKED");
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
	api_get_as("/query/client/session", buf_cstr(&tok), &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	api_get_as("/auth/session", buf_cstr(&tok), &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
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
	char		 email[128], uid[UUID_STRLEN + 1];
	char		*tok, *rt;

	mem_free(new_client(email, sizeof(email), uid));
	tok = sign_in(email, AUTHTEST_PASSWORD, &rt);
	authtest_refresh(rt, &res);
	api_json_ok(&res, 200);
	ck_assert_str_ne(authtest_str(&res, "refreshToken"), rt);
	api_get_as("/query/client/session", authtest_str(&res, "idToken"),
	    &res2);
	api_json_ok(&res2, 200);
	authtest_str_eq(&res2, "user.userId", uid);
	http_res_free(&res2);
	http_res_free(&res);
	/* Rotation: the refresh token was used up. */
	authtest_refresh(rt, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(rt);
	mem_free(tok);
}
END_TEST

/* -------------------------------------------------------------- phone */

START_TEST(test_phone_test_number)
{
	struct http_res	 res, res2;
	char		*si;

	si = authtest_phone_session(TEST_PHONE);
	authtest_phone_verify(si, TEST_CODE, &res);
	api_json_ok(&res, 200);
	ck_assert_int_eq(strncmp(authtest_str(&res, "idToken"), "eyJ", 3), 0);
	(void)authtest_str(&res, "refreshToken");
	authtest_str_eq(&res, "session.actor", "staff");
	authtest_str_eq(&res, "session.userId", STAFF_USER_ID);
	authtest_str_eq(&res, "session.staffId", STAFF_ID);
	authtest_str_eq(&res, "session.tenantId", DEMO_TENANT_ID);
	authtest_str_eq(&res, "session.phone", TEST_PHONE);
	api_get_as("/query/staff/session", authtest_str(&res, "idToken"),
	    &res2);
	api_json_ok(&res2, 200);
	authtest_str_eq(&res2, "staff.staffId", STAFF_ID);
	http_res_free(&res2);
	/* A staff token is no client token. */
	api_get_as("/query/client/session", authtest_str(&res, "idToken"),
	    &res2);
	authtest_envelope(&res2, 403, "FORBIDDEN");
	http_res_free(&res2);
	http_res_free(&res);
	/* The session is used up by a successful verify. */
	authtest_phone_verify(si, TEST_CODE, &res);
	ck_assert_msg(res.status == 400 || res.status == 401, "reused "
	    "session: %ld %s", res.status, res.body);
	authtest_envelope(&res, res.status, NULL);
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

	authtest_new_phone(phone, sizeof(phone));
	si = authtest_phone_session(phone);
	ck_assert_msg(otp_code(phone, code, sizeof(code)) == 0,
	    "no code for %s in the OTP log", phone);
	authtest_phone_verify(si, code, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.actor", "staff");
	authtest_str_eq(&res, "session.phone", phone);
	authtest_str_eq(&res, "session.tenantId", DEMO_TENANT_ID);
	ck_assert(uuid_valid(authtest_str(&res, "session.staffId")));
	ck_assert_str_ne(authtest_str(&res, "session.staffId"), STAFF_ID);
	memcpy(uid, authtest_str(&res, "session.userId"), sizeof(uid));
	memcpy(staff, authtest_str(&res, "session.staffId"), sizeof(staff));
	http_res_free(&res);
	mem_free(si);

	/* A new staff member, onboarding, in the self-sign-up tenant. */
	v = authtest_db_value("SELECT status || ' ' || tenant_id::text"
	    " FROM staff WHERE id = $1::uuid AND phone = $2", staff, phone);
	ck_assert_msg(v != NULL, "no staff row %s for %s", staff, phone);
	ck_assert_str_eq(v, "onboarding " DEMO_TENANT_ID);
	mem_free(v);

	/* Signing in again finds the same user: no second staff row. */
	si = authtest_phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	authtest_phone_verify(si, code, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.userId", uid);
	authtest_str_eq(&res, "session.staffId", staff);
	ck_assert_int_eq(authtest_status("/auth/session", authtest_str(&res,
	    "idToken")), 200);
	http_res_free(&res);
	mem_free(si);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM staff"
	    " WHERE phone = $1", phone, NULL), 1);
}
END_TEST

START_TEST(test_phone_wrong_code)
{
	struct http_res	 res;
	char		 phone[32], code[32], bad[32];
	char		*si;

	authtest_new_phone(phone, sizeof(phone));
	si = authtest_phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	authtest_wrong_code(code, bad, sizeof(bad));
	authtest_phone_verify(si, bad, &res);
	authtest_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	/* Nothing was created for a wrong code. */
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users"
	    " WHERE phone = $1", phone, NULL), 0);
	/* A typo is forgiven: the right code still works. */
	authtest_phone_verify(si, code, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.phone", phone);
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

	authtest_new_phone(phone, sizeof(phone));
	si = authtest_phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	authtest_wrong_code(code, bad, sizeof(bad));
	max = authtest_conf_num(CONF_AUTH_MAX_FAILURES);
	for (i = 1; i <= max; i++) {
		authtest_phone_verify(si, bad, &res);
		if (i < max)
			authtest_envelope(&res, 401, "INVALID_CREDENTIALS");
		else
			authtest_envelope(&res, 423, "ACCOUNT_LOCKED");
		http_res_free(&res);
	}
	/* Locked: the right code is refused too, and no one was created. */
	authtest_phone_verify(si, code, &res);
	authtest_envelope(&res, 423, "ACCOUNT_LOCKED");
	http_res_free(&res);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users"
	    " WHERE phone = $1", phone, NULL), 0);
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

	authtest_post(bad_phone[_i].path, NULL, bad_phone[_i].body, &res);
	authtest_envelope(&res, 400, "VALIDATION_ERROR");
	authtest_detail(&res, bad_phone[_i].field);
	http_res_free(&res);
}
END_TEST

START_TEST(test_phone_start_throttled)
{
	struct http_res	 res;
	char		 phone[32], ra[32];
	int		 i, ok = 0;

	authtest_new_phone(phone, sizeof(phone));
	for (i = 0; i < 20; i++) {
		authtest_phone_start(phone, &res);
		if (res.status != 200)
			break;
		ok++;
		http_res_free(&res);
	}
	/* A few codes go out; then the number has to wait. */
	ck_assert_msg(ok >= 3 && ok < 20, "%d codes sent in a row", ok);
	authtest_envelope(&res, 429, "RATE_LIMITED");
	ck_assert_msg(http_header(&res, "Retry-After", ra, sizeof(ra)) !=
	    NULL && atoi(ra) > 0, "429 without Retry-After");
	http_res_free(&res);
	/* Other numbers are not held up. */
	authtest_new_phone(phone, sizeof(phone));
	mem_free(authtest_phone_session(phone));
}
END_TEST

START_TEST(test_phone_unknown_session)
{
	struct http_res	 res;

	authtest_phone_verify("bm90LWEtc2Vzc2lvbg", "123456", &res);
	ck_assert_msg(res.status == 400 || res.status == 401, "status %ld: %s",
	    res.status, res.body);
	authtest_envelope(&res, res.status, NULL);
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
		ck_assert_int_eq(authtest_status(path, tok), 200);
	*t0 = api_now();
	authtest_post(route, tok, NULL, &res);
	api_json_ok(&res, 200);
	ck_assert(json_object_get_boolean(json_object_object_get(
	    http_json(&res), "signedOut")));
	http_res_free(&res);
}

/* After sign_out_now(): tok is refused on path and /auth/session. */
static void
assert_signed_out(const char *tok, const char *path, double t0)
{
	struct http_res	 res;

	authtest_refused_within_cache(path, tok, t0, 401, "TOKEN_REVOKED", 0);
	api_get_as("/auth/session", tok, &res);
	authtest_envelope(&res, 401, "TOKEN_REVOKED");
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
	client = sign_in(email2, AUTHTEST_PASSWORD, NULL);
	client2 = sign_in(email2, AUTHTEST_PASSWORD, NULL);
	staff = staff_token();
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(authtest_status("/query/client/session",
		    client2), 200);

	sign_out_now("/auth/sign-out", any, "/query/client/session", &t_any);
	sign_out_now("/auth/client/sign-out", client, "/query/client/session",
	    &t_client);
	sign_out_now("/auth/staff/sign-out", staff, "/query/staff/session",
	    &t_staff);
	assert_signed_out(any, "/query/client/session", t_any);
	assert_signed_out(client, "/query/client/session", t_client);
	assert_signed_out(staff, "/query/staff/session", t_staff);
	/* Every token issued before is refused, not only the caller's. */
	authtest_refused_within_cache("/query/client/session", client2,
	    t_client, 401, "TOKEN_REVOKED", 0);

	/* A sign-in afterwards gets a working token. */
	api_nap(1100);
	after = sign_in(email1, AUTHTEST_PASSWORD, NULL);
	ck_assert_int_eq(authtest_status("/query/client/session", after), 200);
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
	authtest_post("/auth/staff/sign-out", client, NULL, &res);
	authtest_envelope(&res, 403, "FORBIDDEN");
	http_res_free(&res);

	staff = staff_token();
	authtest_post("/auth/client/sign-out", staff, NULL, &res);
	authtest_envelope(&res, 403, "FORBIDDEN");
	http_res_free(&res);

	/* Nothing was revoked. */
	ck_assert_int_eq(authtest_status("/query/client/session", client), 200);
	ck_assert_int_eq(authtest_status("/query/staff/session", staff), 200);
	mem_free(staff);
	mem_free(client);
}
END_TEST

START_TEST(test_sign_out_garbage_token)
{
	struct http_res	 res;

	authtest_post("/auth/sign-out", "not.a.token", NULL, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
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

	c = authtest_db_open();
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
		ck_assert_int_eq(authtest_status("/query/client/session", gone),
		    200);
		ck_assert_int_eq(authtest_status("/query/client/session", off),
		    200);
	}
	delete_user(gone_id);
	mem_free(authtest_db_value("UPDATE users SET status = 'disabled'"
	    " WHERE id = $1::uuid", off_id, NULL));
	t0 = api_now();
	/* Until a worker's cache forgets it, the pool finds no user: 404. */
	authtest_refused_within_cache("/query/client/session", gone, t0, 401,
	    "UNAUTHENTICATED", 404);
	authtest_refused_within_cache("/query/client/session", off, t0, 403,
	    "ACCOUNT_DISABLED", 0);
	api_get_as("/auth/session", off, &res);
	authtest_envelope(&res, 403, "ACCOUNT_DISABLED");
	http_res_free(&res);
	api_get_as("/auth/session", gone, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
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
	saved_tenant = authtest_conf_str(CONF_AUTH_SELF_SIGNUP_TENANT);
	saved_gateway = authtest_conf_str(CONF_AUTH_GATEWAY_CACHE_SECONDS);
	saved_skew = authtest_conf_str(CONF_AUTH_CLOCK_SKEW);
}

/* Put setting key back to *saved (then freed) when it changed. */
static int
restore(enum conf_key k, const char *key, char **saved)
{
	char	*now;
	int	 changed = 0;

	if (*saved == NULL)
		return 0;
	now = authtest_conf_str(k);
	if (strcmp(now, *saved) != 0) {
		if (authtest_stack_run("set", key, *saved) != 0)
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
	if (changed && authtest_stack_run("restart-pool", "auth", NULL) != 0)
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
	api_nap(300);	/* the last lines written */
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
		api_get_as(path, tok, &res);
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
		t0 = authtest_wall();
		api_get_as("/query/client/session", tok, &res);
		t1 = authtest_wall();
		if (t0 >= (double)exp + 0.05) {
			authtest_envelope(&res, 401, "TOKEN_EXPIRED");
			refused++;
		} else if (t1 < (double)exp - 0.05) {
			ck_assert_msg(res.status == 200,
			    "status %ld before exp: %s", res.status, res.body);
			ok++;
		}
		http_res_free(&res);
		if (t0 > (double)exp + 1.5)
			break;
		api_nap(20);
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

	tenant = authtest_conf_str(CONF_AUTH_SELF_SIGNUP_TENANT);
	ck_assert_msg(*tenant != '\0', "self sign-up is off already");
	set_and_restart("auth_self_signup_tenant", "");

	authtest_new_email(email, sizeof(email), "closed");
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Closed Door",
	    "Closed Door Co", &res);
	authtest_envelope(&res, 403, NULL);
	http_res_free(&res);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users"
	    " WHERE email = $1::citext", email, NULL), 0);

	/* An unknown number is refused; a known staff member is not. */
	authtest_new_phone(phone, sizeof(phone));
	si = authtest_phone_session(phone);
	ck_assert_int_eq(otp_code(phone, code, sizeof(code)), 0);
	authtest_phone_verify(si, code, &res);
	authtest_envelope(&res, 403, NULL);
	http_res_free(&res);
	mem_free(si);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM staff"
	    " WHERE phone = $1", phone, NULL), 0);
	si = authtest_phone_session(TEST_PHONE);
	authtest_phone_verify(si, TEST_CODE, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.staffId", STAFF_ID);
	http_res_free(&res);
	mem_free(si);

	/* Existing clients still sign in. */
	mem_free(sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL));

	set_and_restart("auth_self_signup_tenant", tenant);
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Open Door", "Open Door Co",
	    &res);
	api_json_ok(&res, 201);
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
	buf_printf(&cmd, "%s.rotated-%lu", current, authtest_uniq());
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

	old_path = authtest_conf_str(CONF_AUTH_KEY_FILE);
	old_tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	old_kid = token_kid(old_tok);
	ck_assert(jwks_has(old_kid));
	ck_assert_uint_eq(jwks_count(), 1);

	new_path = new_key(old_path);
	ck_assert_msg(authtest_stack_run("set", "auth_old_key_files",
	    old_path) == 0, "set auth_old_key_files failed");
	set_and_restart("auth_key_file", new_path);

	/* The new key signs... */
	tok = sign_in(OWNER_EMAIL, DEMO_PASSWORD, NULL);
	kid = token_kid(tok);
	ck_assert_str_ne(kid, old_kid);
	ck_assert_int_eq(authtest_status("/query/client/session", tok), 200);
	/* ...the minting helper (which reads auth_key_file) agrees... */
	minted = http_mint("demo-owner", 0, 3600, 0);
	ck_assert_ptr_nonnull(minted);
	minted_kid = token_kid(minted);
	ck_assert_str_eq(minted_kid, kid);
	/* ...and both keys are published and verify. */
	ck_assert(jwks_has(kid));
	ck_assert(jwks_has(old_kid));
	ck_assert_uint_eq(jwks_count(), 2);
	api_get_as("/query/client/session", old_tok, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "user.userId", OWNER_USER_ID);
	http_res_free(&res);

	/* Retired for good: the old key's tokens stop working. */
	set_and_restart("auth_old_key_files", "");
	api_get_as("/query/client/session", old_tok, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	ck_assert(!jwks_has(old_kid));
	ck_assert_int_eq(authtest_status("/query/client/session", tok), 200);

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

static Suite *
auth_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("auth");

	tc = api_tcase(s, "sign_up", 60);
	tcase_add_test(tc, test_sign_up_ok);
	tcase_add_test(tc, test_sign_up_shortest_password);
	tcase_add_test(tc, test_sign_up_duplicate);
	tcase_add_test(tc, test_sign_up_demo_email_taken);
	tcase_add_loop_test(tc, test_sign_up_invalid, 0,
	    (int)(sizeof(bad_sign_ups) / sizeof(bad_sign_ups[0])));
	tcase_add_test(tc, test_sign_up_malformed);

	tc = api_tcase(s, "sign_in", 60);
	tcase_add_test(tc, test_password_lockout);
	tcase_add_test(tc, test_unsigned_token_refused);
	tcase_add_test(tc, test_refresh_new_client);

	tc = api_tcase(s, "phone", 60);
	tcase_add_test(tc, test_phone_test_number);
	tcase_add_test(tc, test_phone_new_number);
	tcase_add_test(tc, test_phone_wrong_code);
	tcase_add_test(tc, test_phone_lockout);
	tcase_add_loop_test(tc, test_phone_invalid, 0,
	    (int)(sizeof(bad_phone) / sizeof(bad_phone[0])));
	tcase_add_test(tc, test_phone_unknown_session);
	tcase_add_test(tc, test_phone_start_throttled);

	tc = api_tcase(s, "sign_out", 60);
	tcase_add_test(tc, test_sign_out_routes);
	tcase_add_test(tc, test_sign_out_wrong_actor);
	tcase_add_test(tc, test_sign_out_garbage_token);

	tc = api_tcase(s, "users", 60);
	tcase_add_test(tc, test_changed_users);

	tc = api_tcase(s, "jwks", 60);
	tcase_add_test(tc, test_jwks_kid);

	/* Last: these change the stack's configuration. */
	tc = api_tcase(s, "configuration", 120);
	tcase_add_unchecked_fixture(tc, config_setup, config_teardown);
	tcase_add_test(tc, test_self_signup_off);
	tcase_add_test(tc, test_gateway_cache);
	tcase_add_test(tc, test_caches_stop_at_exp);
	tcase_add_test(tc, test_key_rotation);
	return s;
}

/*
 * Run the suite against $KROW_TEST_URL (see api_main()): exit 77 (skipped)
 * when it is not set, 0 when every test passed, 1 otherwise.
 */
int
main(void)
{
	authtest_init(&names);
	return api_main("check_auth", auth_suite, NULL, NULL);
}
