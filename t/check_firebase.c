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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

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
#include "jwt.h"
#include "mem.h"
#include "uuid.h"
#include "http.h"
#include "api.h"
#include "authtest.h"
#include "loopsrv.h"

#define DEMO_TENANT_ID	"00000000-0000-4000-8000-000000000001"
#define REFUSED_NAME	"Compensation Test Co"

static const char *project = "demo-krow";

/* This suite's fixtures, apart from check_auth's. */
static const struct authtest_names names = {
	"check-firebase.example",	/* emails */
	"+1333",			/* phone numbers */
	"Firebase Co",			/* businesses */
	"Fiona Firebase",		/* display name */
};

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
	authtest_member(&b, "iss", iss, 1);
	authtest_member(&b, "aud", aud, 0);
	authtest_member(&b, "sub", sub, 0);
	authtest_member(&b, "user_id", sub, 0);
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

	authtest_new_email(email, sizeof(email), "signup");
	n = snprintf(biz, sizeof(biz), "Emulated Eatery %lu", authtest_uniq());
	ck_assert(n > 0 && (size_t)n < sizeof(biz));
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Emma Emulated", biz, &res);
	api_json_ok(&res, 201);
	authtest_str_eq(&res, "session.actor", "client");
	authtest_str_eq(&res, "session.role", "owner");
	authtest_str_eq(&res, "session.provider", "firebase");
	authtest_str_eq(&res, "session.email", email);
	authtest_str_eq(&res, "session.tenantId", DEMO_TENANT_ID);
	(void)authtest_str(&res, "refreshToken");

	/* The emulator holds the account, under the token's subject. */
	id = emu_account(email, NULL);
	ck_assert_msg(id != NULL, "the emulator has no account for %s",
	    email);
	authtest_str_eq(&res, "localId", id);
	payload = token_part(authtest_str(&res, "idToken"), 1);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
	    payload, "sub")), id);
	json_object_put(payload);

	api_get_as("/query/client/session", authtest_str(&res, "idToken"),
	    &res2);
	api_json_ok(&res2, 200);
	authtest_str_eq(&res2, "business.name", biz);
	authtest_str_eq(&res2, "user.userId", authtest_str(&res,
	    "session.userId"));
	http_res_free(&res2);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users WHERE"
	    " provider = 'firebase' AND provider_uid = $1", id, NULL), 1);
	mem_free(id);
	http_res_free(&res);
}
END_TEST

START_TEST(test_sign_up_duplicate)
{
	struct http_res	 res;
	char		 email[128];

	authtest_new_client(email, sizeof(email), &res);
	http_res_free(&res);
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Again",
	    "Duplicate Firebase Co", &res);
	authtest_envelope(&res, 409, "CONFLICT");
	http_res_free(&res);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM businesses"
	    " WHERE name = $1", "Duplicate Firebase Co", NULL), 0);
}
END_TEST

START_TEST(test_sign_up_weak_password)
{
	struct http_res	 res;
	char		 email[128], *id;

	/* Firebase takes 6 characters; our rule is 8. */
	authtest_new_email(email, sizeof(email), "weak");
	authtest_sign_up(email, "abc1234", "Weak", "Weak Firebase Co", &res);
	authtest_envelope(&res, 400, "VALIDATION_ERROR");
	authtest_detail(&res, "password");
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

	c = authtest_db_open();
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

	authtest_new_email(email, sizeof(email), "compensate");
	refuse_trigger(1);
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Carl Compensated",
	    REFUSED_NAME, &res);
	refuse_trigger(0);
	ck_assert_msg(res.status >= 500, "sign-up with a failing database "
	    "step: %ld %s", res.status, res.body);
	authtest_envelope(&res, 500, "INTERNAL");
	http_res_free(&res);

	/* Neither the emulator nor the database kept anything. */
	id = emu_account(email, NULL);
	ck_assert_msg(id == NULL, "the emulator kept account %s for %s", id,
	    email);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users"
	    " WHERE email = $1::citext", email, NULL), 0);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM businesses"
	    " WHERE name = $1", REFUSED_NAME, NULL), 0);

	/* So the same email can sign up afterwards. */
	authtest_sign_up(email, AUTHTEST_PASSWORD, "Carl Compensated",
	    "Second Try Co", &res);
	api_json_ok(&res, 201);
	http_res_free(&res);
}
END_TEST

/* ------------------------------------------------- sign-in, refresh */

START_TEST(test_sign_in)
{
	struct http_res	 res, up;
	char		 email[128];

	authtest_new_client(email, sizeof(email), &up);
	authtest_sign_in(email, AUTHTEST_PASSWORD, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.userId", authtest_str(&up,
	    "session.userId"));
	authtest_str_eq(&res, "localId", authtest_str(&up, "localId"));
	ck_assert_int_eq(authtest_status("/query/client/session",
	    authtest_str(&res, "idToken")), 200);
	http_res_free(&res);

	authtest_sign_in(email, "wrong-password-1", &res);
	authtest_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	authtest_sign_in("nobody-at-all@check-firebase.example",
	    AUTHTEST_PASSWORD, &res);
	authtest_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	http_res_free(&up);
}
END_TEST

START_TEST(test_refresh)
{
	struct http_res	 res, up;
	char		 email[128];

	authtest_new_client(email, sizeof(email), &up);
	authtest_refresh(authtest_str(&up, "refreshToken"), &res);
	api_json_ok(&res, 200);
	(void)authtest_str(&res, "refreshToken");
	authtest_str_eq(&res, "localId", authtest_str(&up, "localId"));
	ck_assert_int_eq(authtest_status("/query/client/session",
	    authtest_str(&res, "idToken")), 200);
	http_res_free(&res);

	authtest_refresh("not-a-refresh-token", &res);
	authtest_envelope(&res, 401, NULL);
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

	authtest_new_client(email, sizeof(email), &res);
	http_res_free(&res);
	authtest_sign_in(email, AUTHTEST_PASSWORD, &in);
	api_json_ok(&in, 200);
	tok = mem_strdup(authtest_str(&in, "idToken"));
	rt = mem_strdup(authtest_str(&in, "refreshToken"));
	http_res_free(&in);
	for (i = 0; i < 10; i++)
		ck_assert_int_eq(authtest_status("/query/client/session", tok),
		    200);
	/* Firebase's auth_time has whole seconds: leave the sign-in's. */
	api_nap(1100);

	before = (long long)time(NULL);
	t0 = api_now();
	authtest_post("/auth/client/sign-out", tok, NULL, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	authtest_refused_within_cache("/query/client/session", tok, t0, 401,
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
	authtest_refresh(rt, &res);
	if (res.status == 200) {
		api_get_as("/query/client/session", authtest_str(&res,
		    "idToken"), &in);
		authtest_envelope(&in, 401, "TOKEN_REVOKED");
		http_res_free(&in);
	} else
		authtest_envelope(&res, 401, NULL);
	http_res_free(&res);

	/* Signing in again works. */
	authtest_sign_in(email, AUTHTEST_PASSWORD, &in);
	api_json_ok(&in, 200);
	ck_assert_int_eq(authtest_status("/query/client/session",
	    authtest_str(&in, "idToken")), 200);
	http_res_free(&in);
	mem_free(rt);
	mem_free(tok);
}
END_TEST

/* -------------------------------------------------------------- phone */

START_TEST(test_phone_new_staff)
{
	struct http_res	 res;
	char		 phone[32], code[32], uid[UUID_STRLEN + 1];
	char		*si, *v;

	authtest_new_phone(phone, sizeof(phone));
	si = authtest_phone_session(phone);
	emu_code(si, phone, code, sizeof(code));
	authtest_phone_verify(si, code, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.actor", "staff");
	authtest_str_eq(&res, "session.phone", phone);
	authtest_str_eq(&res, "session.provider", "firebase");
	authtest_str_eq(&res, "session.tenantId", DEMO_TENANT_ID);
	memcpy(uid, authtest_str(&res, "session.userId"), sizeof(uid));
	ck_assert_int_eq(authtest_status("/auth/session", authtest_str(&res,
	    "idToken")), 200);
	v = authtest_db_value("SELECT status FROM staff WHERE id = $1::uuid",
	    authtest_str(&res, "session.staffId"), NULL);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v, "onboarding");
	mem_free(v);
	http_res_free(&res);
	mem_free(si);

	/* Again: the same user. */
	si = authtest_phone_session(phone);
	emu_code(si, phone, code, sizeof(code));
	authtest_phone_verify(si, code, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "session.userId", uid);
	http_res_free(&res);
	mem_free(si);
}
END_TEST

START_TEST(test_phone_wrong_code)
{
	struct http_res	 res;
	char		 phone[32], code[32], bad[32];
	char		*si;

	authtest_new_phone(phone, sizeof(phone));
	si = authtest_phone_session(phone);
	emu_code(si, phone, code, sizeof(code));
	authtest_wrong_code(code, bad, sizeof(bad));
	authtest_phone_verify(si, bad, &res);
	authtest_envelope(&res, 401, "INVALID_CREDENTIALS");
	http_res_free(&res);
	ck_assert_int_eq(authtest_db_count("SELECT count(*) FROM users"
	    " WHERE phone = $1", phone, NULL), 0);
	authtest_phone_verify(si, code, &res);
	api_json_ok(&res, 200);
	http_res_free(&res);
	mem_free(si);
}
END_TEST

START_TEST(test_phone_invalid_number)
{
	struct http_res	 res;

	authtest_post("/auth/staff/phone/start", NULL,
	    "{\"phoneNumber\":\"555-0100\"}", &res);
	authtest_envelope(&res, 400, "VALIDATION_ERROR");
	authtest_detail(&res, "phoneNumber");
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

	authtest_new_client(email, sizeof(email), &up);
	/* The emulator's tokens are unsigned, and accepted by this stack. */
	h = token_part(authtest_str(&up, "idToken"), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(h,
	    "alg")), "none");
	json_object_put(h);
	ck_assert_int_eq(authtest_status("/query/client/session",
	    authtest_str(&up, "idToken")), 200);

	/* One made here is accepted as well (the emulator signs nothing)... */
	sub = authtest_str(&up, "localId");
	iss = issuer();
	claims = fb_claims(sub, project, iss, 0, 3600, 0);
	tok = unsigned_token(claims);
	api_get_as("/query/client/session", tok, &res);
	api_json_ok(&res, 200);
	authtest_str_eq(&res, "user.userId", authtest_str(&up,
	    "session.userId"));
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	/* ...but its claims are checked all the same. */
	claims = fb_claims(sub, "another-project", iss, 0, 3600, 0);
	tok = unsigned_token(claims);
	api_get_as("/query/client/session", tok, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	claims = fb_claims(sub, project, "https://evil.example/x", 0, 3600,
	    0);
	tok = unsigned_token(claims);
	api_get_as("/query/client/session", tok, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	claims = fb_claims(sub, project, iss, -7200, -3600, -7200);
	tok = unsigned_token(claims);
	api_get_as("/query/client/session", tok, &res);
	authtest_envelope(&res, 401, "TOKEN_EXPIRED");
	http_res_free(&res);
	mem_free(tok);
	mem_free(claims);

	/* A valid emulator token of someone who never signed up here. */
	claims = fb_claims("nobody-in-krow-0123456789ab", project, iss, 0, 3600,
	    0);
	tok = unsigned_token(claims);
	api_get_as("/query/client/session", tok, &res);
	authtest_envelope(&res, 401, "UNAUTHENTICATED");
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

/* The status and envelope code of GET /query/client/session with tok. */
static void
expect(const char *tok, long status, const char *code)
{
	struct http_res	 res;

	api_get_as("/query/client/session", tok, &res);
	if (status == 200)
		api_json_ok(&res, 200);
	else
		authtest_envelope(&res, status, code);
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

	authtest_new_client(email, sizeof(email), &up);
	sub = authtest_str(&up, "localId");
	/* The sign-up's auth_time must not be after our tokens' iat. */
	api_nap(1100);

	ck_assert_ptr_nonnull(key = EVP_RSA_gen(2048));
	ck_assert_ptr_nonnull(other = EVP_RSA_gen(2048));
	pem = make_cert(key);
	buf_init(&doc);
	buf_putc(&doc, '{');
	authtest_member(&doc, "kid-check-1", pem, 1);
	buf_putc(&doc, '}');
	ck_assert_ptr_nonnull(srv = loopsrv_start());
	ck_assert_int_eq(loopsrv_set(srv, "/certs", 200,
	    "Content-Type: application/json; charset=UTF-8\r\n"
	    "Cache-Control: public, max-age=19000, must-revalidate, "
	    "no-transform\r\n", buf_cstr(&doc)), 0);
	buf_init(&url);
	buf_printf(&url, "%s/certs", loopsrv_url(srv));
	authtest_set("firebase_certs_url", buf_cstr(&url), "auth");

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

static Suite *
firebase_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("firebase");

	tc = api_tcase(s, "sign_up", 60);
	tcase_add_test(tc, test_sign_up);
	tcase_add_test(tc, test_sign_up_duplicate);
	tcase_add_test(tc, test_sign_up_weak_password);
	tcase_add_test(tc, test_sign_up_compensation);

	tc = api_tcase(s, "sign_in", 60);
	tcase_add_test(tc, test_sign_in);
	tcase_add_test(tc, test_refresh);
	tcase_add_test(tc, test_sign_out_revokes);

	tc = api_tcase(s, "phone", 60);
	tcase_add_test(tc, test_phone_new_staff);
	tcase_add_test(tc, test_phone_wrong_code);
	tcase_add_test(tc, test_phone_invalid_number);

	tc = api_tcase(s, "tokens", 60);
	tcase_add_test(tc, test_emulator_tokens);

	/* Last: it restarts the auth pool with another certificate URL. */
	tc = api_tcase(s, "rs256", 120);
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
	const char	*url, *p;

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
	authtest_init(&names);
	return api_main("check_firebase", firebase_suite, NULL, NULL);
}
