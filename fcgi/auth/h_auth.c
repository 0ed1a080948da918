/*
 * krow-auth handlers: client sign-up and sign-in, staff phone sign-in,
 * refresh, sign-out, the session read, the JWKS, and the token check
 * nginx's auth_request asks for on every protected route.
 *
 * Credentials belong to the provider chosen by auth_provider (struct
 * provider: provider_local.c or provider_firebase.c), which maps them to
 * a provider uid and tokens.  This file maps the uid to the app's users
 * row, creates the rows a sign-up or a first phone sign-in needs, counts
 * failures (auth_lockouts: per email and per phone number, whatever the
 * provider), and writes the audit trail, in one transaction per request.
 *
 * One function, bearer_user(), checks a bearer token and loads its user;
 * /_auth/verify, /auth/session and the sign-out routes all go through it,
 * so a token is judged the same way everywhere.  A token is refused once
 * its auth_time is not after the user's tokens_valid_after in whole
 * seconds, which is how sign-out revokes it (auth_time, not iat: a
 * refreshed token keeps the auth_time of its sign-in).  Verified tokens
 * are cached per process for auth_cache_seconds (vcache.h): a cached
 * token costs no signature check and no database round trip; a sign-out
 * reaches the caches of every process of the host at once.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "jwt.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "uuid.h"
#include "valid.h"
#include "auth.h"
#include "provider.h"
#include "vcache.h"

#define AUTH_CACHE_SLOTS	1024	/* verify cache entries */
#define AUTH_START_LIMIT	5	/* codes sent to one number ... */
#define AUTH_START_WINDOW	600	/* ... in this many seconds */
#define AUTH_SESSION_INFO_MAX	2048	/* characters of sessionInfo */
#define AUTH_NAME_MAX		200	/* characters of a name */

#define MSG_BAD_CREDENTIALS	"the email or password is incorrect"
#define MSG_BAD_CODE		"the code is incorrect or has expired"
#define MSG_BAD_REFRESH		"refresh token is invalid or expired"
#define MSG_LOCKED		"too many failed sign-in attempts; " \
				"try again later"
#define MSG_CODE_LOCKED		"too many wrong codes for this phone " \
				"number; try again later"
#define MSG_START_LIMIT		"too many codes sent to this phone " \
				"number; try again later"
#define MSG_NOT_REGISTERED	"this phone number is not registered"
#define MSG_SIGNUP_OFF		"self sign-up is disabled"
#define MSG_EMAIL_TAKEN		"an account with this email already " \
				"exists"
#define MSG_NO_USER		"the account is not registered with KROW"

/* Process configuration, set once by auth_init(): not request state. */
struct auth_state {
	const struct provider	*prov;
	long long		 max_failures;
	long long		 lock_seconds;
	long long		 otp_ttl;
	const char		*signup_tenant;	/* slug; "" = off */
	const char		*signup_vendor;	/* uuid; "": none */
	const char		*test_numbers;	/* "+1555...:123456 ..." */
	long long		 gateway_secs;	/* X-Accel-Expires at most */
	struct vcache		*cache;
};

static struct auth_state	 auth_state;

/* The strings of a users row (AUTH_IDENT_COLS, in order); the cache
 * keeps them in this order too. */
enum {
	IDF_USER_ID,
	IDF_TENANT_ID,
	IDF_ACTOR,
	IDF_BUSINESS_ID,
	IDF_STAFF_ID,
	IDF_ROLE,
	IDF_EMAIL,
	IDF_PHONE,
	IDF_DISPLAY_NAME,
	IDF_PROVIDER,
	IDF_UID,
	IDF__MAX
};

/* A users row joined with its tenant. */
struct ident {
	const char	*f[IDF__MAX];	/* NULL for SQL NULL */
	int		 active;	/* user and tenant both active */
	long long	 tva;		/* tokens_valid_after, seconds */
};

#define ID_USER(id)	((id)->f[IDF_USER_ID])
#define ID_TENANT(id)	((id)->f[IDF_TENANT_ID])
#define ID_ACTOR(id)	((id)->f[IDF_ACTOR])
#define ID_UID(id)	((id)->f[IDF_UID])
#define ID_EMAIL(id)	((id)->f[IDF_EMAIL])

enum { SIGNUP_EMAIL, SIGNUP_PASSWORD, SIGNUP_DISPLAY_NAME,
    SIGNUP_BUSINESS_NAME, SIGNUP_BUSINESS_PHONE, SIGNUP_BUSINESS_EMAIL,
    SIGNUP__MAX };
static const struct valid_field signup_fields[SIGNUP__MAX] = {
	{ "email", VT_EMAIL, VF_REQUIRED, 0, 0, NULL },
	{ "password", VT_STRING, VF_REQUIRED, AUTH_PW_MIN, AUTH_PW_MAX,
	    NULL },
	{ "displayName", VT_STRING, VF_REQUIRED, 1, AUTH_NAME_MAX, NULL },
	{ "businessName", VT_STRING, VF_REQUIRED, 1, AUTH_NAME_MAX, NULL },
	{ "businessPhone", VT_PHONE, VF_NULLABLE, 0, 0, NULL },
	{ "businessEmail", VT_EMAIL, VF_NULLABLE, 0, 0, NULL },
};

enum { SIGNIN_EMAIL, SIGNIN_PASSWORD, SIGNIN__MAX };
static const struct valid_field signin_fields[SIGNIN__MAX] = {
	{ "email", VT_EMAIL, VF_REQUIRED, 0, 0, NULL },
	{ "password", VT_STRING, VF_REQUIRED, 1, AUTH_PW_MAX, NULL },
};

enum { REFRESH_TOKEN, REFRESH__MAX };
static const struct valid_field refresh_fields[REFRESH__MAX] = {
	{ "refreshToken", VT_STRING, VF_REQUIRED, 1, 2048, NULL },
};

enum { START_PHONE, START_APP_TOKEN, START__MAX };
static const struct valid_field start_fields[START__MAX] = {
	{ "phoneNumber", VT_PHONE, VF_REQUIRED, 0, 0, NULL },
	{ "recaptchaToken", VT_STRING, 0, 1, 8192, NULL },
};

enum { VERIFY_SESSION, VERIFY_CODE, VERIFY__MAX };
static const struct valid_field verify_fields[VERIFY__MAX] = {
	{ "sessionInfo", VT_STRING, VF_REQUIRED, 1, AUTH_SESSION_INFO_MAX,
	    NULL },
	{ "code", VT_STRING, VF_REQUIRED, 1, 16, NULL },
};

/* Which actor a path prefix of the gateway requires. */
static const struct {
	const char	*prefix;
	const char	*actor;
} uri_actors[] = {
	{ "/query/client/", "client" },
	{ "/commands/client/", "client" },
	{ "/query/staff/", "staff" },
	{ "/commands/staff/", "staff" },
	{ "/query/tenants/", "admin" },
};

/* See auth.h. */
int
auth_sha256_hex(const void *p, size_t len, char hex[65])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, i;

	if (EVP_Digest(p, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return -1;
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[64] = '\0';
	return 0;
}

/* See auth.h. */
int
auth_is_true(const char *v)
{
	return v != NULL && strcmp(v, "t") == 0;
}

/* See auth.h. */
long long
auth_seconds(const char *v)
{
	char		*end;
	long long	 n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtoll(v, &end, 10);
	return end != v && *end == '\0' && errno == 0 ? n : 0;
}

/*
 * The name of the shared revocation table of the verify cache: one per
 * system user, database and provider, so that the processes of one
 * deployment share it and nobody else's.  NULL when it cannot be made.
 */
static const char *
cache_name(const struct conf *conf, const char *provider, char *name,
    size_t size)
{
	struct buf	 b;
	char		 hex[65];
	int		 n, rc;

	buf_init(&b);
	buf_puts(&b, conf_str(conf, CONF_DB_URL));
	buf_putc(&b, '\n');
	buf_puts(&b, provider);
	rc = auth_sha256_hex(b.p, b.len, hex);
	buf_cleanup(&b);
	if (rc == -1)
		return NULL;
	n = snprintf(name, size, "/krow-auth-%u-%.16s", (unsigned)geteuid(),
	    hex);
	return n > 0 && (size_t)n < size ? name : NULL;
}

/*
 * Start the provider of auth_provider, read the settings and make the
 * verify cache.  Fails (-1, logged) when the provider cannot start or a
 * setting is unusable.
 */
int
auth_init(const struct conf *conf, void **state)
{
	struct auth_state	*st = &auth_state;
	const char		*name;
	char			 shm[64];
	long long		 secs;

	memset(st, 0, sizeof(*st));
	name = conf_str(conf, CONF_AUTH_PROVIDER);
	if (strcmp(name, provider_firebase.name) == 0)
		st->prov = &provider_firebase;
	else
		st->prov = &provider_local;
	if (st->prov->init(conf) == -1) {
		log_msg(LOGLV_ERROR, "the identity provider did not start",
		    "auth_provider = %s", st->prov->name);
		st->prov = NULL;
		return -1;
	}
	st->max_failures = conf_int(conf, CONF_AUTH_MAX_FAILURES);
	st->lock_seconds = conf_int(conf, CONF_AUTH_LOCK_SECONDS);
	st->otp_ttl = conf_int(conf, CONF_AUTH_OTP_TTL);
	st->signup_tenant = conf_str(conf, CONF_AUTH_SELF_SIGNUP_TENANT);
	st->signup_vendor = conf_str(conf, CONF_AUTH_SELF_SIGNUP_VENDOR);
	st->test_numbers = conf_str(conf, CONF_AUTH_TEST_PHONE_NUMBERS);
	st->gateway_secs = conf_int(conf, CONF_AUTH_GATEWAY_CACHE_SECONDS);
	if (*st->signup_vendor != '\0' && !uuid_valid(st->signup_vendor)) {
		log_msg(LOGLV_ERROR, "auth_self_signup_vendor is not a UUID",
		    "\"%s\"", st->signup_vendor);
		goto fail;
	}
	if (*st->signup_tenant != '\0' && *st->signup_vendor == '\0')
		log_msg(LOGLV_INFO, "staff self sign-up is off",
		    "auth_self_signup_vendor is empty: unknown phone numbers "
		    "are refused");
	secs = conf_int(conf, CONF_AUTH_CACHE_SECONDS);
	st->cache = vcache_new(AUTH_CACHE_SLOTS, secs, cache_name(conf,
	    st->prov->name, shm, sizeof(shm)));
	if (st->cache == NULL)
		goto fail;
	log_msg(LOGLV_INFO, "identity provider started", "auth_provider = %s, "
	    "verify cache %lld s, gateway cache %lld s, revocations %s",
	    st->prov->name, secs, st->gateway_secs, vcache_shared(st->cache) ?
	    "shared by the host's processes" : "seen by this process only");
	*state = st;
	return 0;
fail:
	auth_fini(st);
	return -1;
}

/* Release what auth_init() set up. */
void
auth_fini(void *state)
{
	struct auth_state	*st = state;

	if (st == NULL)
		return;
	vcache_free(st->cache);
	st->cache = NULL;
	if (st->prov != NULL)
		st->prov->fini();
	st->prov = NULL;
}

/* Milliseconds since the epoch. */
static long long
now_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return (long long)time(NULL) * 1000;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read the identity columns of row into id (strings stay in rows). */
static void
ident_read(const struct db_rows *rows, size_t row, struct ident *id)
{
	size_t	 i;

	for (i = 0; i < IDF__MAX; i++)
		id->f[i] = db_get(rows, row, i);
	id->active = auth_is_true(db_get(rows, row, IDF__MAX));
	id->tva = auth_seconds(db_get(rows, row, IDF__MAX + 1));
}

/*
 * Run stmt (its result AUTH_IDENT_COLS first) and read its one row into
 * id.  ERR_NOTFOUND when it gives no row.
 */
static enum err
ident_exec(struct req *r, enum stmt stmt, size_t n, const char **params,
    struct ident *id, struct db_rows **out)
{
	struct db_rows	*rows;
	enum err	 rc;

	if ((rc = db_exec(r->db, r->arena, stmt, n, params, &rows)) !=
	    ERR_OK)
		return rc;
	if (rows->nrows != 1 || rows->ncols < AUTH_IDENT_NCOLS)
		return ERR_NOTFOUND;
	ident_read(rows, 0, id);
	if (out != NULL)
		*out = rows;
	return ERR_OK;
}

/* Append ,"name":value (or null) to b; no comma when first. */
static void
put_member(struct buf *b, const char *name, const char *v, int first)
{
	if (!first)
		buf_putc(b, ',');
	buf_json_str(b, name, strlen(name));
	buf_putc(b, ':');
	if (v == NULL)
		buf_puts(b, "null");
	else
		buf_json_str(b, v, strlen(v));
}

/* Append the session object of id (GET /auth/session) to b. */
static void
put_session(struct buf *b, const struct ident *id)
{
	buf_putc(b, '{');
	put_member(b, "userId", id->f[IDF_USER_ID], 1);
	put_member(b, "tenantId", id->f[IDF_TENANT_ID], 0);
	put_member(b, "actor", id->f[IDF_ACTOR], 0);
	put_member(b, "businessId", id->f[IDF_BUSINESS_ID], 0);
	put_member(b, "staffId", id->f[IDF_STAFF_ID], 0);
	put_member(b, "role", id->f[IDF_ROLE], 0);
	put_member(b, "email", id->f[IDF_EMAIL], 0);
	put_member(b, "phone", id->f[IDF_PHONE], 0);
	put_member(b, "displayName", id->f[IDF_DISPLAY_NAME], 0);
	put_member(b, "provider", id->f[IDF_PROVIDER], 0);
	buf_putc(b, '}');
}

/*
 * Answer with the tokens, as Firebase's REST API does:
 * {"idToken","refreshToken","expiresIn":"3600","localId","email"} and,
 * when with_session, "session" (the GET /auth/session object).
 */
static void
token_response(struct req *r, int status, const struct ident *id,
    const struct prov_session *ps, int with_session)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"idToken\":");
	buf_json_str(&b, ps->id_token, strlen(ps->id_token));
	buf_puts(&b, ",\"refreshToken\":");
	buf_json_str(&b, ps->refresh_token, strlen(ps->refresh_token));
	buf_printf(&b, ",\"expiresIn\":\"%lld\"", ps->expires_in);
	put_member(&b, "localId", ID_UID(id), 0);
	put_member(&b, "email", ID_EMAIL(id), 0);
	if (with_session) {
		buf_puts(&b, ",\"session\":");
		put_session(&b, id);
	}
	buf_putc(&b, '}');
	resp_json_raw(r->resp, status, b.p, b.len);
	buf_cleanup(&b);
}

/*
 * Answer e with message and a Retry-After of secs seconds.  Returns
 * ERR_OK: the response is complete (an error envelope set by the
 * dispatcher would drop the header).
 */
static int
answer_retry(struct req *r, enum err e, const char *message, long long secs)
{
	char	 v[32];
	int	 n;

	resp_error(r->resp, e, message, NULL, r->request_id);
	if (secs < 1)
		secs = 1;
	n = snprintf(v, sizeof(v), "%lld", secs);
	if (n > 0 && (size_t)n < sizeof(v))
		resp_header(r->resp, "Retry-After", v);
	return ERR_OK;
}

/* The lockout key "<kind>:<value in lower case>" (arena). */
static const char *
lock_key(struct req *r, const char *kind, const char *value)
{
	char	*k, *p;

	k = arena_printf(r->arena, "%s:%s", kind, value);
	for (p = k; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* *wait: seconds key stays locked, 0 when it is not. */
static enum err
lock_state(struct req *r, const char *key, long long *wait)
{
	struct db_rows	*rows;
	enum err	 rc;

	*wait = 0;
	if ((rc = db_exec(r->db, r->arena, STMT_LOCK_STATE, 1, &key,
	    &rows)) != ERR_OK)
		return rc;
	if (rows->nrows == 1 && rows->ncols == 1)
		*wait = auth_seconds(db_get(rows, 0, 0));
	return ERR_OK;
}

/* Write one audit row (inside the caller's transaction). */
static enum err
audit(struct req *r, const char *tenant, const char *user,
    const char *action, const char *type, const char *target,
    const char *summary)
{
	const char	*params[7];

	params[0] = tenant;
	params[1] = user;
	params[2] = action;
	params[3] = type;
	params[4] = target;
	params[5] = r->request_id;
	params[6] = summary;
	return db_exec(r->db, r->arena, STMT_AUDIT, 7, params, NULL);
}

/* Audit an event of user id, the target being the user itself. */
static enum err
audit_user(struct req *r, const struct ident *id, const char *action,
    const char *summary)
{
	return audit(r, ID_TENANT(id), ID_USER(id), action, "user",
	    ID_USER(id), summary);
}

/*
 * Count a failure of key (a wrong password or code), audit it as action
 * and commit the open transaction (with what the provider wrote, e.g. a
 * code's tries).  The answer: 423 with Retry-After when this failure
 * locked the key, else e with message.
 */
static int
count_failure(struct req *r, const char *key, const char *action,
    enum err e, const char *message, const char *locked_msg)
{
	const struct auth_state	*st = r->app;
	struct db_rows		*rows;
	const char		*params[3];
	long long		 wait = 0;
	enum err		 rc;
	int			 locked = 0;

	params[0] = key;
	params[1] = arena_printf(r->arena, "%lld", st->max_failures);
	params[2] = arena_printf(r->arena, "%lld", st->lock_seconds);
	if ((rc = db_exec(r->db, r->arena, STMT_LOCK_FAIL, 3, params,
	    &rows)) != ERR_OK)
		goto fail;
	if (rows->nrows == 1 && rows->ncols == 2) {
		locked = auth_is_true(db_get(rows, 0, 0));
		wait = auth_seconds(db_get(rows, 0, 1));
	}
	if ((rc = db_exec(r->db, r->arena, STMT_LOCK_GC, 0, NULL, NULL)) !=
	    ERR_OK ||
	    (rc = audit(r, NULL, NULL, action, "lockout", key, locked ?
	    "{\"locked\":true}" : "{\"locked\":false}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	if (locked) {
		log_msg(LOGLV_WARN, "locked after repeated failures", "%s",
		    key);
		return answer_retry(r, ERR_LOCKED, locked_msg, wait);
	}
	return req_fail(r, e, message, NULL);
fail:
	db_rollback(r->db);
	return req_fail(r, rc, NULL, NULL);
}

/* Clear key's failures and note the user's sign-in (in the transaction). */
static enum err
signed_in(struct req *r, const char *key, const struct ident *id)
{
	enum err	 rc;

	if ((rc = db_exec(r->db, r->arena, STMT_LOCK_CLEAR, 1, &key,
	    NULL)) != ERR_OK)
		return rc;
	return db_exec(r->db, r->arena, STMT_USER_SIGNED_IN, 1,
	    &ID_USER(id), NULL);
}

/*
 * The users row of the provider uid, for a sign-in that requires actor.
 * ERR_OK; or the refusal, recorded with req_fail(): FORBIDDEN (no users
 * row, another actor), ACCOUNT_DISABLED.
 */
static int
user_of(struct req *r, const char *uid, const char *actor,
    struct ident *id)
{
	const struct auth_state	*st = r->app;
	const char		*params[2];
	enum err		 rc;

	params[0] = st->prov->name;
	params[1] = uid;
	rc = ident_exec(r, STMT_USER_BY_UID, 2, params, id, NULL);
	if (rc == ERR_NOTFOUND)
		return req_fail(r, ERR_FORBIDDEN, MSG_NO_USER, NULL);
	if (rc != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
	if (strcmp(ID_ACTOR(id), actor) != 0)
		return req_fail(r, ERR_FORBIDDEN, arena_printf(r->arena,
		    "this route is for %s users", actor), NULL);
	if (!id->active)
		return req_fail(r, ERR_DISABLED, NULL, NULL);
	return ERR_OK;
}

/*
 * POST /auth/client/sign-up {"email","password","displayName",
 * "businessName","businessPhone"?,"businessEmail"?}: a new client owner
 * and its business, in the tenant of auth_self_signup_tenant.  The
 * provider account first, then in one transaction the business, the
 * users row and the audit rows; when that fails, the provider account is
 * removed again.  201 with the tokens and the session.
 */
int
h_sign_up(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct valid_value	 v[SIGNUP__MAX];
	struct json_object	*body, *details = NULL;
	struct prov_session	 ps;
	struct db_rows		*rows;
	struct ident		 id;
	const char		*params[6], *tenant, *business;
	int			 created = 0, rc;

	memset(&ps, 0, sizeof(ps));
	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, signup_fields, SIGNUP__MAX, v,
	    &details)) != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	if (*st->signup_tenant == '\0') {
		rc = req_fail(r, ERR_FORBIDDEN, MSG_SIGNUP_OFF, NULL);
		goto out;
	}
	if ((rc = db_exec(r->db, r->arena, STMT_TENANT_BY_SLUG, 1,
	    &st->signup_tenant, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows != 1 || rows->ncols != 2) {
		log_msg(LOGLV_ERROR, "self sign-up tenant does not exist",
		    "auth_self_signup_tenant = %s", st->signup_tenant);
		rc = ERR_INTERNAL;
		goto out;
	}
	if (!auth_is_true(db_get(rows, 0, 1))) {
		rc = req_fail(r, ERR_FORBIDDEN, MSG_SIGNUP_OFF, NULL);
		goto out;
	}
	tenant = db_get(rows, 0, 0);

	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	rc = st->prov->sign_up(r, v[SIGNUP_EMAIL].s, v[SIGNUP_PASSWORD].s,
	    v[SIGNUP_DISPLAY_NAME].s, &ps);
	if (rc == ERR_CONFLICT) {
		rc = req_fail(r, ERR_CONFLICT, MSG_EMAIL_TAKEN, NULL);
		goto fail;
	}
	if (rc != ERR_OK)
		goto fail;
	created = 1;
	params[0] = tenant;
	params[1] = v[SIGNUP_BUSINESS_NAME].s;
	params[2] = v[SIGNUP_BUSINESS_EMAIL].is_null ? NULL :
	    v[SIGNUP_BUSINESS_EMAIL].s;
	params[3] = v[SIGNUP_BUSINESS_PHONE].is_null ? NULL :
	    v[SIGNUP_BUSINESS_PHONE].s;
	if ((rc = db_exec(r->db, r->arena, STMT_BUSINESS_INSERT, 4, params,
	    &rows)) != ERR_OK)
		goto fail;
	if (rows->nrows != 1 || rows->ncols != 1) {
		rc = ERR_DB;
		goto fail;
	}
	business = db_get(rows, 0, 0);
	params[0] = tenant;
	params[1] = st->prov->name;
	params[2] = ps.uid;
	params[3] = business;
	params[4] = v[SIGNUP_EMAIL].s;
	params[5] = v[SIGNUP_DISPLAY_NAME].s;
	if ((rc = ident_exec(r, STMT_CLIENT_INSERT, 6, params, &id,
	    NULL)) != ERR_OK) {
		if (rc == ERR_NOTFOUND)
			rc = ERR_DB;
		goto fail;
	}
	if ((rc = audit(r, tenant, ID_USER(&id), "business.create",
	    "business", business, "{\"via\":\"sign_up\"}")) != ERR_OK ||
	    (rc = audit_user(r, &id, "auth.sign_up",
	    "{\"method\":\"password\"}")) != ERR_OK ||
	    (rc = db_exec(r->db, r->arena, STMT_USER_SIGNED_IN, 1,
	    &ID_USER(&id), NULL)) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	token_response(r, 201, &id, &ps, 1);
	goto out;
fail:
	db_rollback(r->db);
	if (created) {
		/* No provider account without its users row. */
		if (st->prov->delete_account(r, &ps) == ERR_OK)
			log_msg(LOGLV_WARN, "sign-up rolled back",
			    "provider account %s removed", ps.uid);
		else
			log_msg(LOGLV_ERROR, "sign-up rolled back, but its "
			    "provider account remains", "auth_provider = %s, "
			    "uid %s: remove it by hand", st->prov->name,
			    ps.uid);
	}
out:
	return rc;
}

/*
 * POST /auth/client/sign-in {"email","password"}: a client user signs in.
 * A wrong password and an unknown email get one answer (401), counted per
 * email; auth_max_failures of them within auth_lock_seconds lock the
 * email for auth_lock_seconds (423 with Retry-After).  A disabled account
 * is told (403) only once the password is right.
 */
int
h_sign_in(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct valid_value	 v[SIGNIN__MAX];
	struct json_object	*body, *details = NULL;
	struct prov_session	 ps;
	struct ident		 id;
	const char		*key;
	long long		 wait;
	int			 rc;

	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, signin_fields, SIGNIN__MAX, v,
	    &details)) != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	key = lock_key(r, "email", v[SIGNIN_EMAIL].s);
	if ((rc = lock_state(r, key, &wait)) != ERR_OK)
		goto out;
	if (wait > 0) {
		rc = answer_retry(r, ERR_LOCKED, MSG_LOCKED, wait);
		goto out;
	}
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	rc = st->prov->sign_in(r, v[SIGNIN_EMAIL].s, v[SIGNIN_PASSWORD].s,
	    &ps);
	if (rc == ERR_BAD_CREDENTIALS) {
		rc = count_failure(r, key, "auth.sign_in_failed",
		    ERR_BAD_CREDENTIALS, MSG_BAD_CREDENTIALS, MSG_LOCKED);
		goto out;
	}
	if (rc != ERR_OK ||
	    (rc = user_of(r, ps.uid, "client", &id)) != ERR_OK ||
	    (rc = signed_in(r, key, &id)) != ERR_OK ||
	    (rc = audit_user(r, &id, "auth.sign_in",
	    "{\"method\":\"password\"}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK) {
		db_rollback(r->db);
		goto out;
	}
	token_response(r, 200, &id, &ps, 1);
out:
	return rc;
}

/*
 * POST /auth/refresh {"refreshToken"}: trade a refresh token for a new ID
 * token and a new refresh token.  Any refusal is 401 "refresh token is
 * invalid or expired": the provider's, a user that is gone or disabled,
 * and a token whose sign-in (auth_time) came before a sign-out.
 */
int
h_refresh(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct valid_value	 v[REFRESH__MAX];
	struct json_object	*body, *details = NULL;
	struct prov_session	 ps;
	struct jwt_claims	 cl;
	struct ident		 id;
	const char		*params[2], *why = "";
	int			 rc;

	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, refresh_fields, REFRESH__MAX, v,
	    &details)) != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	rc = st->prov->refresh(r, v[REFRESH_TOKEN].s, &ps);
	if (rc == ERR_UNAUTH || rc == ERR_BAD_CREDENTIALS ||
	    rc == ERR_TOKEN_EXPIRED) {
		/* A reused token's family was revoked: that must stay. */
		if ((rc = db_commit(r->db)) != ERR_OK)
			goto fail;
		rc = req_fail(r, ERR_UNAUTH, MSG_BAD_REFRESH, NULL);
		goto out;
	}
	if (rc != ERR_OK)
		goto fail;
	if ((rc = st->prov->verify(r, ps.id_token, strlen(ps.id_token), &cl,
	    &why)) != ERR_OK) {
		log_msg(LOGLV_ERROR, "the provider's new token does not "
		    "verify", "%s", why);
		goto fail;
	}
	params[0] = st->prov->name;
	params[1] = ps.uid;
	rc = ident_exec(r, STMT_USER_BY_UID, 2, params, &id, NULL);
	if (rc == ERR_NOTFOUND || (rc == ERR_OK &&
	    (!id.active || cl.auth_time <= id.tva))) {
		rc = req_fail(r, ERR_UNAUTH, MSG_BAD_REFRESH, NULL);
		goto fail;
	}
	if (rc != ERR_OK ||
	    (rc = audit_user(r, &id, "auth.refresh", "{}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	token_response(r, 200, &id, &ps, 0);
	goto out;
fail:
	db_rollback(r->db);
out:
	return rc;
}

/* phone is one of the test numbers of list ("<number>:<code>" entries
 * separated by spaces or commas). */
static int
test_number(const char *list, const char *phone)
{
	size_t	 n, len;

	len = strlen(phone);
	while (*list != '\0') {
		list += strspn(list, " \t,");
		n = strcspn(list, " \t,");
		if (n > len && list[len] == ':' && strncmp(list, phone,
		    len) == 0)
			return 1;
		list += n;
	}
	return 0;
}

/*
 * POST /auth/staff/phone/start {"phoneNumber", "recaptchaToken"?}: send
 * a code to an E.164
 * number; {"sessionInfo"} names the attempt for .../verify.  At most
 * AUTH_START_LIMIT codes per number in AUTH_START_WINDOW seconds (429
 * with Retry-After), test numbers aside (nothing is sent to them); none
 * to a number locked by wrong codes (423).
 */
int
h_phone_start(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct valid_value	 v[START__MAX];
	struct json_object	*body, *details = NULL;
	struct db_rows		*rows;
	struct buf		 b;
	const char		*phone, *params[3], *sess = NULL;
	char			 hex[65];
	long long		 wait;
	int			 rc;

	buf_init(&b);
	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, start_fields, START__MAX, v,
	    &details)) != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	phone = v[START_PHONE].s;
	if ((rc = lock_state(r, lock_key(r, "phone", phone), &wait)) !=
	    ERR_OK)
		goto out;
	if (wait > 0) {
		rc = answer_retry(r, ERR_LOCKED, MSG_CODE_LOCKED, wait);
		goto out;
	}
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	params[0] = lock_key(r, "start", phone);
	params[1] = arena_printf(r->arena, "%d", AUTH_START_LIMIT);
	params[2] = arena_printf(r->arena, "%d", AUTH_START_WINDOW);
	if (test_number(st->test_numbers, phone))
		rows = NULL;
	else if ((rc = db_exec(r->db, r->arena, STMT_THROTTLE, 3, params,
	    &rows)) != ERR_OK)
		goto fail;
	if (rows != NULL && rows->nrows == 0) {
		db_rollback(r->db);
		params[1] = params[2];
		if ((rc = db_exec(r->db, r->arena, STMT_THROTTLE_WAIT, 2,
		    params, &rows)) != ERR_OK)
			goto out;
		wait = rows->nrows == 1 ? auth_seconds(db_get(rows, 0, 0)) :
		    AUTH_START_WINDOW;
		log_msg(LOGLV_WARN, "phone codes throttled", "%s", phone);
		rc = answer_retry(r, ERR_RATE, MSG_START_LIMIT, wait);
		goto out;
	}
	if ((rc = db_exec(r->db, r->arena, STMT_PHONE_SESSION_GC, 1, &phone,
	    NULL)) != ERR_OK ||
	    (rc = st->prov->phone_start(r, phone,
	    v[START_APP_TOKEN].present ? v[START_APP_TOKEN].s : NULL,
	    &sess)) != ERR_OK)
		goto fail;
	if (auth_sha256_hex(sess, strlen(sess), hex) == -1) {
		rc = ERR_INTERNAL;
		goto fail;
	}
	params[0] = hex;
	params[1] = phone;
	params[2] = arena_printf(r->arena, "%lld", st->otp_ttl);
	if ((rc = db_exec(r->db, r->arena, STMT_PHONE_SESSION_ADD, 3, params,
	    NULL)) != ERR_OK ||
	    (rc = audit(r, NULL, NULL, "auth.phone_start", "phone", phone,
	    "{}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	buf_puts(&b, "{\"sessionInfo\":");
	buf_json_str(&b, sess, strlen(sess));
	buf_putc(&b, '}');
	resp_json_raw(r->resp, 200, b.p, b.len);
	goto out;
fail:
	db_rollback(r->db);
out:
	buf_cleanup(&b);
	return rc;
}

/*
 * The users row of a phone sign-in of ps (number phone): the uid's own,
 * else a staff profile with this number gets a user (its first sign-in)
 * or has its user moved to this uid (the number was proven: a new
 * provider account of the same person), else, with self sign-up on, a
 * new onboarding staff profile and its user.  *action names the audit
 * event.  ERR_OK, or the refusal recorded with req_fail().
 */
static int
staff_user(struct req *r, const struct prov_session *ps, const char *phone,
    struct ident *id, const char **action, const char **summary)
{
	const struct auth_state	*st = r->app;
	struct db_rows		*rows;
	const char		*params[6];
	enum err		 rc;

	*action = "auth.sign_in";
	*summary = "{\"method\":\"phone\"}";
	params[0] = st->prov->name;
	params[1] = ps->uid;
	rc = ident_exec(r, STMT_USER_BY_UID, 2, params, id, NULL);
	if (rc == ERR_OK)
		goto found;
	if (rc != ERR_NOTFOUND)
		return req_fail(r, rc, NULL, NULL);

	params[0] = phone;
	params[1] = st->signup_tenant;
	if ((rc = db_exec(r->db, r->arena, STMT_STAFF_FIND, 2, params,
	    &rows)) != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
	if (rows->nrows == 1 && rows->ncols == 4 &&
	    db_get(rows, 0, 2) == NULL) {
		*action = "auth.staff_linked";
		params[0] = db_get(rows, 0, 1);
		params[1] = st->prov->name;
		params[2] = ps->uid;
		params[3] = db_get(rows, 0, 0);
		params[4] = phone;
		params[5] = db_get(rows, 0, 3);
		rc = ident_exec(r, STMT_STAFF_USER_INSERT, 6, params, id,
		    NULL);
	} else if (rows->nrows == 1 && rows->ncols == 4) {
		*action = "auth.staff_relinked";
		params[0] = db_get(rows, 0, 2);
		params[1] = st->prov->name;
		params[2] = ps->uid;
		rc = ident_exec(r, STMT_STAFF_USER_REPOINT, 3, params, id,
		    &rows);
		if (rc == ERR_OK && rows->ncols == AUTH_IDENT_NCOLS + 2) {
			log_msg(LOGLV_WARN, "staff user moved to a new "
			    "provider account", "user %s: %s/%s -> %s/%s",
			    ID_USER(id), db_get(rows, 0, AUTH_IDENT_NCOLS),
			    db_get(rows, 0, AUTH_IDENT_NCOLS + 1),
			    st->prov->name, ps->uid);
			*summary = arena_printf(r->arena, "{\"method\":"
			    "\"phone\",\"previousProvider\":\"%s\"}",
			    strcmp(db_get(rows, 0, AUTH_IDENT_NCOLS),
			    "local") == 0 ? "local" : "firebase");
		}
	} else {
		if (*st->signup_tenant == '\0' || *st->signup_vendor == '\0')
			return req_fail(r, ERR_FORBIDDEN, MSG_NOT_REGISTERED,
			    NULL);
		*action = "auth.staff_sign_up";
		params[0] = st->signup_tenant;
		params[1] = st->signup_vendor;
		params[2] = phone;
		params[3] = st->prov->name;
		params[4] = ps->uid;
		rc = ident_exec(r, STMT_STAFF_SELF_SIGN_UP, 5, params, id,
		    NULL);
		if (rc == ERR_NOTFOUND) {
			log_msg(LOGLV_ERROR, "staff self sign-up is "
			    "misconfigured", "auth_self_signup_tenant = %s "
			    "with auth_self_signup_vendor = %s: no such active "
			    "tenant with that active vendor",
			    st->signup_tenant, st->signup_vendor);
			return req_fail(r, ERR_INTERNAL, NULL, NULL);
		}
		if (rc == ERR_CONFLICT)	/* an archived profile has it */
			return req_fail(r, ERR_DISABLED, NULL, NULL);
	}
	if (rc == ERR_NOTFOUND)
		rc = ERR_DB;
	if (rc != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
found:
	if (strcmp(ID_ACTOR(id), "staff") != 0)
		return req_fail(r, ERR_FORBIDDEN, "this route is for staff "
		    "users", NULL);
	if (!id->active)
		return req_fail(r, ERR_DISABLED, NULL, NULL);
	return ERR_OK;
}

/* A code is exactly AUTH_CODE_LEN ASCII digits. */
static int
code_valid(const char *s, size_t len)
{
	return len == AUTH_CODE_LEN && strspn(s, "0123456789") == len;
}

/*
 * POST /auth/staff/phone/verify {"sessionInfo","code"}: sign a staff
 * member in with the code sent to their number (see staff_user() for the
 * profile it signs in to).  A wrong code counts against the number;
 * auth_max_failures of them lock it (423 with Retry-After).
 */
int
h_phone_verify(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct valid_value	 v[VERIFY__MAX];
	struct json_object	*body, *details = NULL, *s;
	struct prov_session	 ps;
	struct db_rows		*rows;
	struct ident		 id;
	const char		*phone, *key, *params[1], *action, *summary;
	char			 hex[65];
	long long		 wait;
	int			 rc;

	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, verify_fields, VERIFY__MAX, v,
	    &details)) == ERR_OK &&
	    !code_valid(v[VERIFY_CODE].s, v[VERIFY_CODE].len)) {
		rc = ERR_INVAL;
		if ((details = json_object_new_object()) == NULL ||
		    (s = json_object_new_string("must be 6 digits")) ==
		    NULL || json_object_object_add(details, "code", s) != 0) {
			json_object_put(details);
			details = NULL;
		}
	}
	if (rc != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	if (auth_sha256_hex(v[VERIFY_SESSION].s, v[VERIFY_SESSION].len,
	    hex) == -1) {
		rc = ERR_INTERNAL;
		goto out;
	}
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	params[0] = hex;
	if ((rc = db_exec(r->db, r->arena, STMT_PHONE_SESSION_GET, 1, params,
	    &rows)) != ERR_OK)
		goto fail;
	if (rows->nrows != 1 || rows->ncols != 2 ||
	    !auth_is_true(db_get(rows, 0, 1))) {
		rc = req_fail(r, ERR_BAD_CREDENTIALS, MSG_BAD_CODE, NULL);
		goto fail;
	}
	phone = db_get(rows, 0, 0);
	key = lock_key(r, "phone", phone);
	if ((rc = lock_state(r, key, &wait)) != ERR_OK)
		goto fail;
	if (wait > 0) {
		db_rollback(r->db);
		rc = answer_retry(r, ERR_LOCKED, MSG_CODE_LOCKED, wait);
		goto out;
	}
	rc = st->prov->phone_verify(r, v[VERIFY_SESSION].s,
	    v[VERIFY_CODE].s, &ps);
	if (rc == ERR_BAD_CREDENTIALS) {
		rc = count_failure(r, key, "auth.phone_verify_failed",
		    ERR_BAD_CREDENTIALS, MSG_BAD_CODE, MSG_CODE_LOCKED);
		goto out;
	}
	if (rc != ERR_OK ||
	    (rc = db_exec(r->db, r->arena, STMT_PHONE_SESSION_USE, 1, params,
	    NULL)) != ERR_OK ||
	    (rc = staff_user(r, &ps, phone, &id, &action, &summary)) !=
	    ERR_OK ||
	    (rc = signed_in(r, key, &id)) != ERR_OK ||
	    (rc = audit_user(r, &id, action, summary)) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	token_response(r, 200, &id, &ps, 1);
	goto out;
fail:
	db_rollback(r->db);
out:
	return rc;
}

/*
 * The token of "Authorization: Bearer <token>" (scheme in any case,
 * exactly one space, no whitespace in the token), or NULL.
 */
static const char *
bearer(const struct req *r, size_t *len)
{
	const char	*h, *t;

	if ((h = req_env(r, "HTTP_AUTHORIZATION")) == NULL ||
	    strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	t = h + 7;
	*len = strlen(t);
	if (*len == 0 || strpbrk(t, " \t\r\n") != NULL)
		return NULL;
	return t;
}

/*
 * Check the request's bearer token and load its user, from the verify
 * cache when it knows the token (the strings then live in *hit).  ERR_OK
 * with *id filled and hit->exp_ms the token's exp either way; else the error, its message recorded with req_fail():
 * ERR_UNAUTH (no token, a bad one, no such user), ERR_TOKEN_EXPIRED,
 * ERR_DISABLED (user or tenant not active), ERR_TOKEN_REVOKED (signed in
 * before a sign-out), ERR_UPSTREAM or ERR_DB.
 */
static int
bearer_user(struct req *r, struct ident *id, struct vcache_val *hit)
{
	const struct auth_state	*st = r->app;
	struct jwt_claims	 cl;
	struct db_rows		*rows;
	unsigned char		 key[VCACHE_KEYLEN];
	const char		*tok, *why = "", *params[2];
	long long		 now;
	size_t			 len, i;
	unsigned		 gen;
	int			 rc, keyed;

	memset(id, 0, sizeof(*id));
	if ((tok = bearer(r, &len)) == NULL)
		return req_fail(r, ERR_UNAUTH, "a bearer token is required",
		    NULL);
	now = now_ms();
	keyed = vcache_key(st->cache, tok, len, key) == 0;
	if (keyed && vcache_get(st->cache, key, now, hit)) {
		for (i = 0; i < IDF__MAX; i++)
			id->f[i] = hit->f[i];
		id->active = 1;
		return ERR_OK;
	}
	if ((rc = st->prov->verify(r, tok, len, &cl, &why)) != ERR_OK) {
		log_msg(LOGLV_INFO, "token refused", "%s",
		    why != NULL ? why : "");
		return req_fail(r, rc, NULL, NULL);
	}
	if (r->db == NULL)
		return req_fail(r, ERR_UPSTREAM, NULL, NULL);
	/* Before the lookup: a sign-out from now on makes the entry stale. */
	gen = vcache_gen(st->cache, cl.sub);
	params[0] = st->prov->name;
	params[1] = cl.sub;
	if ((rc = db_exec(r->db, r->arena, STMT_USER_BY_UID, 2, params,
	    &rows)) != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
	if (rows->nrows != 1 || rows->ncols != AUTH_IDENT_NCOLS)
		return req_fail(r, ERR_UNAUTH, "the user is not registered",
		    NULL);
	ident_read(rows, 0, id);
	if (!id->active)
		return req_fail(r, ERR_DISABLED, NULL, NULL);
	if (cl.auth_time <= id->tva)
		return req_fail(r, ERR_TOKEN_REVOKED, NULL, NULL);
	if (keyed)
		(void)vcache_put(st->cache, key, cl.sub, gen, cl.exp, now,
		    id->f, IDF__MAX);
	hit->exp_ms = cl.exp * 1000;
	return ERR_OK;
}

/* Sleep until the second after tva (at most two seconds). */
static void
wait_past(long long tva)
{
	struct timespec	 now, d;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1 ||
	    tva < (long long)now.tv_sec || tva > (long long)now.tv_sec + 1)
		return;
	d.tv_sec = (time_t)(tva - (long long)now.tv_sec);
	d.tv_nsec = 1000000000L - now.tv_nsec;
	if (d.tv_nsec >= 1000000000L) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000L;
	}
	while (nanosleep(&d, &d) == -1 && errno == EINTR)
		continue;
}

/*
 * Sign the bearer's user out everywhere: tokens signed in until now stop
 * working (tokens_valid_after), the provider revokes the refresh tokens,
 * and the verify caches of the host forget the user.  actor, when not
 * NULL, is the only actor this route serves.
 *
 * Tokens the local provider mints wait for the second after a sign-out
 * themselves; another provider's cannot, so with it the answer waits for
 * that second instead: a sign-in after the answer is never revoked.
 */
static int
sign_out(struct req *r, const char *actor)
{
	const struct auth_state	*st = r->app;
	struct vcache_val	 hit;
	struct db_rows		*rows;
	struct ident		 id;
	long long		 tva = 0;
	int			 rc;

	if ((rc = bearer_user(r, &id, &hit)) != ERR_OK)
		goto out;
	if (actor != NULL && strcmp(ID_ACTOR(&id), actor) != 0) {
		rc = req_fail(r, ERR_FORBIDDEN, arena_printf(r->arena,
		    "this route is for %s users", actor), NULL);
		goto out;
	}
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	if ((rc = db_exec(r->db, r->arena, STMT_SIGN_OUT, 1, &ID_USER(&id),
	    &rows)) != ERR_OK)
		goto fail;
	if (rows->nrows == 1 && rows->ncols == 1)
		tva = auth_seconds(db_get(rows, 0, 0));
	if ((rc = st->prov->revoke(r, ID_UID(&id))) != ERR_OK) {
		if (strcmp(st->prov->name, "local") == 0)
			goto fail;
		/* Its refresh tokens give tokens of the old auth_time:
		 * refused all the same. */
		log_msg(LOGLV_WARN, "the provider did not revoke the refresh "
		    "tokens", "uid %s: %s", ID_UID(&id), err_code(rc));
	}
	if ((rc = audit_user(r, &id, "auth.sign_out", "{}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	vcache_revoke(st->cache, ID_UID(&id));
	if (strcmp(st->prov->name, "local") != 0)
		wait_past(tva);
	resp_json_raw(r->resp, 200, "{\"signedOut\":true}", 18);
	goto out;
fail:
	db_rollback(r->db);
out:
	return rc;
}

/* POST /auth/sign-out: any actor. */
int
h_sign_out(struct req *r)
{
	return sign_out(r, NULL);
}

/* POST /auth/client/sign-out: client users only (403 otherwise). */
int
h_client_sign_out(struct req *r)
{
	return sign_out(r, "client");
}

/* POST /auth/staff/sign-out: staff users only (403 otherwise). */
int
h_staff_sign_out(struct req *r)
{
	return sign_out(r, "staff");
}

/*
 * GET /auth/session: the bearer's identity, {"userId","tenantId","actor",
 * "businessId","staffId","role","email","phone","displayName",
 * "provider"} with null for what is absent.
 */
int
h_session(struct req *r)
{
	struct vcache_val	 hit;
	struct ident		 id;
	struct buf		 b;
	int			 rc;

	buf_init(&b);
	if ((rc = bearer_user(r, &id, &hit)) != ERR_OK)
		goto out;
	put_session(&b, &id);
	resp_json_raw(r->resp, 200, b.p, b.len);
out:
	buf_cleanup(&b);
	return rc;
}

/*
 * The path of the client's request (KROW_ORIGINAL_URI, nginx's
 * $request_uri) as nginx matches locations: query cut off, escapes
 * decoded, repeated slashes merged, "." and ".." resolved.  So that
 * "/query//client/x", "/query/./client/x" and "/query/%63lient/x" meet
 * the rule for "/query/client/".  NULL when the param is absent; *bad
 * set when it cannot be a path (bad escape, NUL, above the root).
 */
static const char *
original_path(struct req *r, int *bad)
{
	const char	*uri, *s, *e;
	char		*dec, *out;
	size_t		 len, n, o, seg;
	long		 dlen;
	int		 dirty;	/* the last segment was "." or ".." */

	*bad = 0;
	if ((uri = req_env(r, "KROW_ORIGINAL_URI")) == NULL || *uri == '\0')
		return NULL;
	len = strcspn(uri, "?#");
	dec = arena_alloc(r->arena, len + 1);
	if ((dlen = req_urldecode(dec, uri, len, 0)) < 0 ||
	    memchr(dec, '\0', (size_t)dlen) != NULL || dec[0] != '/') {
		*bad = 1;
		return NULL;
	}
	n = (size_t)dlen;
	out = arena_alloc(r->arena, n + 2);
	o = 0;
	dirty = 0;
	for (s = dec; s < dec + n; s = e) {
		while (s < dec + n && *s == '/')
			s++;
		if ((e = memchr(s, '/', (size_t)(dec + n - s))) == NULL)
			e = dec + n;
		seg = (size_t)(e - s);
		if (seg == 0)
			continue;
		dirty = s[0] == '.' && (seg == 1 || (seg == 2 && s[1] == '.'));
		if (seg == 1 && s[0] == '.')
			continue;
		if (seg == 2 && s[0] == '.' && s[1] == '.') {
			if (o == 0) {
				*bad = 1;
				return NULL;
			}
			while (o > 0 && out[--o] != '/')
				continue;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, s, seg);
		o += seg;
	}
	if (o == 0 || dec[n - 1] == '/' || dirty)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

/* ERR_OK when id's actor may reach the original URI, else 403. */
static int
uri_allows(struct req *r, const struct ident *id)
{
	const char	*path;
	size_t		 i;
	int		 bad;

	path = original_path(r, &bad);
	if (bad)
		return req_fail(r, ERR_FORBIDDEN, "the request path is "
		    "malformed", NULL);
	if (path == NULL)
		return ERR_OK;
	for (i = 0; i < sizeof(uri_actors) / sizeof(uri_actors[0]); i++) {
		if (strncmp(path, uri_actors[i].prefix,
		    strlen(uri_actors[i].prefix)) != 0)
			continue;
		if (strcmp(ID_ACTOR(id), uri_actors[i].actor) == 0)
			return ERR_OK;
		return req_fail(r, ERR_FORBIDDEN, arena_printf(r->arena,
		    "this route is for %s users", uri_actors[i].actor), NULL);
	}
	return ERR_OK;
}

/*
 * Let nginx reuse this acceptance (X-Accel-Expires, seconds: the
 * /_auth location caches it per token, method and path) for at most
 * auth_gateway_cache_seconds, and never past the token's exp: nginx
 * keeps an entry until the end of the second it expires in, hence the
 * second taken off.  Nothing when that leaves less than a second.
 */
static void
gateway_expires(struct req *r, long long exp_ms)
{
	const struct auth_state	*st = r->app;
	long long		 n;
	char			 v[24];

	if (st->gateway_secs <= 0)
		return;
	n = (exp_ms - now_ms()) / 1000 - 1;
	if (n > st->gateway_secs)
		n = st->gateway_secs;
	if (n < 1)
		return;
	if (snprintf(v, sizeof(v), "%lld", n) > 0)
		resp_header(r->resp, "X-Accel-Expires", v);
}

/* Add header name: v when v is set. */
static void
header_opt(struct req *r, const char *name, const char *v)
{
	if (v != NULL && *v != '\0')
		resp_header(r->resp, name, v);
}

/*
 * GET /_auth/verify (nginx auth_request): 200 with the X-Krow-* identity
 * headers, or 401/403 with X-Krow-Error-Code and the envelope.  Errors
 * that are neither (the database is unreachable) are answered 500, as
 * auth_request treats any other status as an error anyway; the header
 * still names the code (UPSTREAM_UNAVAILABLE) for nginx to map.  Always
 * returns ERR_OK: the response is complete either way.
 */
int
h_verify(struct req *r)
{
	struct vcache_val	 hit;
	struct ident		 id;
	int			 rc;

	if ((rc = bearer_user(r, &id, &hit)) != ERR_OK)
		goto out;
	if ((rc = uri_allows(r, &id)) != ERR_OK)
		goto out;
	r->resp->status = 200;
	header_opt(r, "X-Krow-User-Id", id.f[IDF_USER_ID]);
	header_opt(r, "X-Krow-Tenant-Id", id.f[IDF_TENANT_ID]);
	header_opt(r, "X-Krow-Actor", id.f[IDF_ACTOR]);
	header_opt(r, "X-Krow-Business-Id", id.f[IDF_BUSINESS_ID]);
	header_opt(r, "X-Krow-Staff-Id", id.f[IDF_STAFF_ID]);
	header_opt(r, "X-Krow-Role", id.f[IDF_ROLE]);
	gateway_expires(r, hit.exp_ms);
out:
	if (rc != ERR_OK) {
		resp_error(r->resp, (enum err)rc, r->err_message,
		    r->err_details, r->request_id);
		if (r->resp->status != 401 && r->resp->status != 403)
			r->resp->status = 500;
		resp_header(r->resp, "X-Krow-Error-Code",
		    err_code((enum err)rc));
	}
	return ERR_OK;
}

/*
 * GET /auth/.well-known/jwks.json: the local provider's public keys (the
 * signing key and the retired ones that still verify), cacheable for 5
 * minutes.  404 with the firebase provider, whose keys Google publishes.
 */
int
h_jwks(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct buf		 b;
	int			 rc = ERR_INTERNAL;

	buf_init(&b);
	if (strcmp(st->prov->name, "local") != 0) {
		rc = req_fail(r, ERR_NOTFOUND, "the firebase provider's keys "
		    "are published by Google", NULL);
		goto out;
	}
	if (provider_local_jwks(&b) == -1) {
		log_msg(LOGLV_ERROR, "cannot write the JWKS", NULL);
		goto out;
	}
	resp_json_raw(r->resp, 200, b.p, b.len);
	resp_header(r->resp, "Cache-Control", "public, max-age=300");
	rc = ERR_OK;
out:
	buf_cleanup(&b);
	return rc;
}
