/*
 * krow-auth handlers: the local provider's sign-in, refresh and sign-out,
 * the session read, the JWKS, and the token check nginx's auth_request
 * asks for on every protected route.
 *
 * One function, bearer_user(), checks a bearer token and loads its user;
 * /_auth/verify, /auth/session and the sign-out routes all go through it,
 * so a token is judged the same way everywhere.  Tokens are refused once
 * their iat is not after the user's tokens_valid_after in whole seconds,
 * which is how sign-out revokes them.  Nothing is cached: every check
 * reads the users row, so a sign-out takes effect at once on every
 * process.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "jwt.h"
#include "log.h"
#include "pwhash.h"
#include "req.h"
#include "resp.h"
#include "valid.h"
#include "auth.h"

#define AUTH_MAX_FAILURES	10		/* consecutive, then locked */
#define AUTH_LOCK_SECONDS	(15 * 60)
#define AUTH_REFRESH_BYTES	32
#define AUTH_REFRESH_SECONDS	(30 * 24 * 3600)
#define AUTH_PW_MAX		1024		/* characters */
#define AUTH_KIDLEN		64

#define MSG_BAD_CREDENTIALS	"the email or password is incorrect"
#define MSG_BAD_REFRESH		"refresh token is invalid or expired"
#define MSG_LOCKED		"too many failed sign-in attempts; " \
				"try again later"

/*
 * A hash, at the current cost, of a random secret nobody kept.  A sign-in
 * for an unknown email is checked against it, so that it takes as long as
 * one for a known email and the answer time does not tell them apart.
 */
static const char dummy_hash[] = "$scrypt$ln=15,r=8,p=1$"
    "r7G3R+HGIYK56z0zSv110A==$9/F0h5RgzzlWSTiBeDIcgEq9UgINR39jPXeGMiEv3Us=";

/* Process configuration, set once by auth_init(): not request state. */
struct auth_state {
	const char		*provider;	/* users.provider we serve */
	const char		*issuer;
	const char		*audience;
	long long		 ttl;		/* seconds an ID token lives */
	long long		 skew;
	EVP_PKEY		*key;		/* signs local tokens */
	char			 kid[AUTH_KIDLEN];	/* key thumbprint */
	struct jwt_keyset	*keys;		/* verifies tokens */
};

static struct auth_state	 auth_state;

/* A users row joined with its tenant (AUTH_IDENT_COLS, in order). */
struct ident {
	const char	*user_id;
	const char	*tenant_id;
	const char	*actor;
	const char	*business_id;
	const char	*staff_id;
	const char	*role;
	const char	*email;
	const char	*phone;
	const char	*display_name;
	const char	*provider;
	const char	*uid;
	int		 active;	/* user and tenant both active */
};

/* What the sign-in lookup adds after the identity columns. */
enum {
	ACC_HASH = AUTH_IDENT_NCOLS,
	ACC_DISABLED,
	ACC_LOCKED,
	ACC_TVA
};

/* What the refresh lookup adds after the identity columns. */
enum {
	RT_ID = AUTH_IDENT_NCOLS,
	RT_USED,
	RT_DEAD,
	RT_DISABLED,
	RT_AUTH_TIME,
	RT_TVA
};

enum { SIGNIN_EMAIL, SIGNIN_PASSWORD, SIGNIN__MAX };
static const struct valid_field signin_fields[SIGNIN__MAX] = {
	{ "email", VT_EMAIL, VF_REQUIRED, 0, 0, NULL },
	{ "password", VT_STRING, VF_REQUIRED, 1, AUTH_PW_MAX, NULL },
};

enum { REFRESH_TOKEN, REFRESH__MAX };
static const struct valid_field refresh_fields[REFRESH__MAX] = {
	{ "refreshToken", VT_STRING, VF_REQUIRED, 1, 512, NULL },
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

/*
 * Load the signing key and the token settings.  Fails (-1, logged) for
 * the firebase provider, which this version does not implement, for an
 * empty issuer or audience, and when auth_key_file cannot be read.
 */
int
auth_init(const struct conf *conf, void **state)
{
	struct auth_state	*st = &auth_state;
	const char		*path;

	memset(st, 0, sizeof(*st));
	st->provider = conf_str(conf, CONF_AUTH_PROVIDER);
	if (strcmp(st->provider, "local") != 0) {
		log_msg(LOGLV_ERROR, "auth_provider firebase is not available "
		    "yet", "auth_provider = %s", st->provider);
		return -1;
	}
	st->issuer = conf_str(conf, CONF_AUTH_ISSUER);
	st->audience = conf_str(conf, CONF_AUTH_AUDIENCE);
	if (*st->issuer == '\0' || *st->audience == '\0') {
		log_msg(LOGLV_ERROR, "auth_issuer and auth_audience must not "
		    "be empty", NULL);
		return -1;
	}
	st->ttl = conf_int(conf, CONF_AUTH_TOKEN_TTL);
	st->skew = conf_int(conf, CONF_AUTH_CLOCK_SKEW);

	path = conf_str(conf, CONF_AUTH_KEY_FILE);
	if ((st->key = jwt_load_private_pem(path)) == NULL) {
		if (access(path, F_OK) == -1)
			log_msg(LOGLV_ERROR, "cannot load the token signing "
			    "key", "auth_key_file = %s does not exist; create "
			    "it with: openssl genpkey -algorithm RSA -pkeyopt "
			    "rsa_keygen_bits:2048 -out %s", path, path);
		else
			log_msg(LOGLV_ERROR, "cannot load the token signing "
			    "key", "auth_key_file = %s", path);
		return -1;
	}
	st->keys = jwt_keyset_new();
	if (jwt_thumbprint(st->key, st->kid, sizeof(st->kid)) == -1 ||
	    jwt_keyset_add(st->keys, st->kid, st->key) == -1) {
		log_msg(LOGLV_ERROR, "cannot use the token signing key",
		    "auth_key_file = %s", path);
		auth_fini(st);
		return -1;
	}
	log_msg(LOGLV_INFO, "signing key loaded", "kid %s", st->kid);
	*state = st;
	return 0;
}

/* Release what auth_init() loaded. */
void
auth_fini(void *state)
{
	struct auth_state	*st = state;

	if (st == NULL)
		return;
	jwt_keyset_free(st->keys);
	st->keys = NULL;
	EVP_PKEY_free(st->key);
	st->key = NULL;
}

/* Characters of valid UTF-8 s[0..len). */
static size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n;

	for (i = n = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Read one line (the password, without its line end) from in and write
 * its pwhash and a newline to out.  The same rules as sign-in apply:
 * 1 to 1024 characters of UTF-8.  Returns 0, or 1 with a message on
 * stderr.
 */
int
auth_hash_password(FILE *in, FILE *out)
{
	struct buf	 h;
	char		*line = NULL;
	size_t		 cap = 0, len;
	ssize_t		 n;
	int		 rc = 1;

	buf_init(&h);
	if ((n = getline(&line, &cap, in)) <= 0) {
		fprintf(stderr, "krow-auth: no password on standard input\n");
		goto out;
	}
	len = (size_t)n;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || !valid_utf8(line, len) ||
	    utf8_chars(line, len) > AUTH_PW_MAX) {
		fprintf(stderr, "krow-auth: the password must be 1 to %d "
		    "characters of UTF-8\n", AUTH_PW_MAX);
		goto out;
	}
	if (pwhash_make(line, len, &h) == -1) {
		fprintf(stderr, "krow-auth: cannot hash the password\n");
		goto out;
	}
	if (fprintf(out, "%s\n", buf_cstr(&h)) < 0 || fflush(out) != 0) {
		fprintf(stderr, "krow-auth: cannot write the hash\n");
		goto out;
	}
	rc = 0;
out:
	if (line != NULL)
		OPENSSL_cleanse(line, cap);
	free(line);
	buf_cleanup(&h);
	return rc;
}

static int
is_true(const char *v)
{
	return v != NULL && strcmp(v, "t") == 0;
}

/* A bigint column (whole seconds); 0 when NULL or unreadable. */
static long long
seconds(const char *v)
{
	char		*end;
	long long	 n;

	if (v == NULL)
		return 0;
	n = strtoll(v, &end, 10);
	return end != v && *end == '\0' ? n : 0;
}

/* Read the identity columns of row into id (strings stay in rows). */
static void
ident_read(const struct db_rows *rows, size_t row, struct ident *id)
{
	id->user_id = db_get(rows, row, 0);
	id->tenant_id = db_get(rows, row, 1);
	id->actor = db_get(rows, row, 2);
	id->business_id = db_get(rows, row, 3);
	id->staff_id = db_get(rows, row, 4);
	id->role = db_get(rows, row, 5);
	id->email = db_get(rows, row, 6);
	id->phone = db_get(rows, row, 7);
	id->display_name = db_get(rows, row, 8);
	id->provider = db_get(rows, row, 9);
	id->uid = db_get(rows, row, 10);
	id->active = is_true(db_get(rows, row, 11));
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
	put_member(b, "userId", id->user_id, 1);
	put_member(b, "tenantId", id->tenant_id, 0);
	put_member(b, "actor", id->actor, 0);
	put_member(b, "businessId", id->business_id, 0);
	put_member(b, "staffId", id->staff_id, 0);
	put_member(b, "role", id->role, 0);
	put_member(b, "email", id->email, 0);
	put_member(b, "phone", id->phone, 0);
	put_member(b, "displayName", id->display_name, 0);
	put_member(b, "provider", id->provider, 0);
	buf_putc(b, '}');
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
 * Check the request's bearer token and load its user.  ERR_OK with *id
 * filled; else the error, its message recorded with req_fail():
 * ERR_UNAUTH (no token, a bad one, no such user), ERR_TOKEN_EXPIRED,
 * ERR_DISABLED (user or tenant not active), ERR_TOKEN_REVOKED (issued
 * before a sign-out), ERR_UPSTREAM or ERR_DB.
 */
static int
bearer_user(struct req *r, struct ident *id)
{
	const struct auth_state	*st = r->app;
	struct jwt_verify_opts	 o;
	struct jwt_claims	 cl;
	struct db_rows		*rows;
	const char		*tok, *why, *params[3];
	size_t			 len;
	int			 rc;

	memset(id, 0, sizeof(*id));
	if ((tok = bearer(r, &len)) == NULL)
		return req_fail(r, ERR_UNAUTH, "a bearer token is required",
		    NULL);
	memset(&o, 0, sizeof(o));
	o.issuer = st->issuer;
	o.audience = st->audience;
	o.now = (long long)time(NULL);
	o.skew = st->skew;
	if ((rc = jwt_verify(tok, len, st->keys, &o, r->arena, &cl,
	    &why)) != ERR_OK) {
		log_msg(LOGLV_INFO, "token refused", "%s", why);
		return req_fail(r, rc, NULL, NULL);
	}
	if (r->db == NULL)
		return req_fail(r, ERR_UPSTREAM, NULL, NULL);
	params[0] = st->provider;
	params[1] = cl.sub;
	params[2] = arena_printf(r->arena, "%lld", cl.iat);
	if ((rc = db_exec(r->db, r->arena, STMT_USER_BY_UID, 3, params,
	    &rows)) != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
	if (rows->nrows != 1 || rows->ncols != AUTH_IDENT_NCOLS + 1)
		return req_fail(r, ERR_UNAUTH, "the user is not registered",
		    NULL);
	ident_read(rows, 0, id);
	if (!id->active)
		return req_fail(r, ERR_DISABLED, NULL, NULL);
	if (is_true(db_get(rows, 0, AUTH_IDENT_NCOLS)))
		return req_fail(r, ERR_TOKEN_REVOKED, NULL, NULL);
	return ERR_OK;
}

/*
 * The iat for a token issued now.  Tokens whose iat is not after
 * tokens_valid_after (tva, whole seconds) are refused, so a sign-in in
 * the second of a sign-out waits for the next second (at most two, when
 * the database clock is a little ahead) instead of handing out a token
 * that is revoked already.
 */
static long long
issue_time(long long tva)
{
	struct timespec	 now, d;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return (long long)time(NULL);
	if (tva < (long long)now.tv_sec || tva > (long long)now.tv_sec + 1)
		return (long long)now.tv_sec;
	d.tv_sec = (time_t)(tva - (long long)now.tv_sec);
	d.tv_nsec = 1000000000L - now.tv_nsec;
	if (d.tv_nsec >= 1000000000L) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000L;
	}
	while (nanosleep(&d, &d) == -1 && errno == EINTR)
		continue;
	return tva + 1;
}

/* Sign an ID token for id (claims as Firebase names them); 0 or -1. */
static int
mint(const struct auth_state *st, const struct ident *id, long long iat,
    long long auth_time, struct buf *out)
{
	struct buf	 c;
	int		 rc;

	buf_init(&c);
	buf_puts(&c, "{\"iss\":");
	buf_json_str(&c, st->issuer, strlen(st->issuer));
	buf_puts(&c, ",\"aud\":");
	buf_json_str(&c, st->audience, strlen(st->audience));
	buf_printf(&c, ",\"auth_time\":%lld", auth_time);
	buf_puts(&c, ",\"user_id\":");
	buf_json_str(&c, id->uid, strlen(id->uid));
	buf_puts(&c, ",\"sub\":");
	buf_json_str(&c, id->uid, strlen(id->uid));
	buf_printf(&c, ",\"iat\":%lld,\"exp\":%lld", iat, iat + st->ttl);
	if (id->email != NULL) {
		buf_puts(&c, ",\"email\":");
		buf_json_str(&c, id->email, strlen(id->email));
	}
	if (id->phone != NULL) {
		buf_puts(&c, ",\"phone_number\":");
		buf_json_str(&c, id->phone, strlen(id->phone));
	}
	buf_putc(&c, '}');
	rc = jwt_sign_rs256(st->key, st->kid, c.p, c.len, out);
	buf_cleanup(&c);
	if (rc == -1)
		log_msg(LOGLV_ERROR, "cannot sign a token", NULL);
	return rc;
}

/* SHA-256 of s[0..len) in lower-case hex (64 digits and a NUL). */
static int
sha256_hex(const char *s, size_t len, char hex[65])
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, i;

	if (EVP_Digest(s, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return -1;
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0x0f];
	}
	hex[64] = '\0';
	return 0;
}

/*
 * Make a refresh token (32 random bytes, base64url: 43 characters) into
 * *tok (arena) and store its SHA-256 for uid.  Runs inside the caller's
 * transaction.
 */
static int
refresh_issue(struct req *r, const char *uid, const char **tok)
{
	unsigned char	 raw[AUTH_REFRESH_BYTES];
	struct buf	 b;
	char		 hex[65], life[32];
	const char	*params[3];
	int		 rc = ERR_INTERNAL, n;

	buf_init(&b);
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		log_msg(LOGLV_ERROR, "random source failed", NULL);
		goto out;
	}
	b64url_encode(&b, raw, sizeof(raw));
	if (sha256_hex(b.p, b.len, hex) == -1)
		goto out;
	n = snprintf(life, sizeof(life), "%d", AUTH_REFRESH_SECONDS);
	if (n < 0 || (size_t)n >= sizeof(life))
		goto out;
	params[0] = uid;
	params[1] = hex;
	params[2] = life;
	if ((rc = db_exec(r->db, r->arena, STMT_REFRESH_INSERT, 3, params,
	    NULL)) != ERR_OK)
		goto out;
	*tok = arena_strndup(r->arena, b.p, b.len);
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	buf_cleanup(&b);
	return rc;
}

/* Write one audit row for id (inside the caller's transaction). */
static int
audit(struct req *r, const struct ident *id, const char *action,
    const char *summary)
{
	const char	*params[6];

	params[0] = id->tenant_id;
	params[1] = id->user_id;
	params[2] = action;
	params[3] = id->user_id;
	params[4] = r->request_id;
	params[5] = summary;
	return db_exec(r->db, r->arena, STMT_AUDIT, 6, params, NULL);
}

/*
 * Answer 200 with the tokens, as Firebase's REST API does:
 * {"idToken","refreshToken","expiresIn":"3600","localId","email"} and,
 * when with_session, "session" (the GET /auth/session object).
 */
static void
token_response(struct req *r, const struct ident *id, const struct buf *idt,
    const char *refresh, int with_session)
{
	const struct auth_state	*st = r->app;
	struct buf		 b;

	buf_init(&b);
	buf_puts(&b, "{\"idToken\":");
	buf_json_str(&b, idt->p, idt->len);
	buf_puts(&b, ",\"refreshToken\":");
	buf_json_str(&b, refresh, strlen(refresh));
	buf_printf(&b, ",\"expiresIn\":\"%lld\"", st->ttl);
	put_member(&b, "localId", id->uid, 0);
	put_member(&b, "email", id->email, 0);
	if (with_session) {
		buf_puts(&b, ",\"session\":");
		put_session(&b, id);
	}
	buf_putc(&b, '}');
	resp_json_raw(r->resp, 200, b.p, b.len);
	buf_cleanup(&b);
}

/*
 * Count a failed sign-in of id (uid in id->uid), locking the account for
 * AUTH_LOCK_SECONDS at the AUTH_MAX_FAILURES-th in a row.  Returns the
 * error to answer: INVALID_CREDENTIALS, or ACCOUNT_LOCKED when this
 * failure locked the account.
 */
static int
sign_in_failed(struct req *r, const struct ident *id)
{
	struct db_rows	*rows;
	const char	*params[3];
	int		 rc, locked;

	params[0] = id->uid;
	params[1] = arena_printf(r->arena, "%d", AUTH_MAX_FAILURES);
	params[2] = arena_printf(r->arena, "%d", AUTH_LOCK_SECONDS);
	if ((rc = db_begin(r->db)) != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
	if ((rc = db_exec(r->db, r->arena, STMT_SIGN_IN_FAILED, 3, params,
	    &rows)) != ERR_OK)
		goto fail;
	locked = rows->nrows == 1 && is_true(db_get(rows, 0, 0));
	if ((rc = audit(r, id, "auth.sign_in_failed", locked ?
	    "{\"locked\":true}" : "{\"locked\":false}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	if (locked) {
		log_msg(LOGLV_WARN, "account locked", "uid %s", id->uid);
		return req_fail(r, ERR_LOCKED, MSG_LOCKED, NULL);
	}
	return req_fail(r, ERR_BAD_CREDENTIALS, MSG_BAD_CREDENTIALS, NULL);
fail:
	db_rollback(r->db);
	return req_fail(r, rc, NULL, NULL);
}

/*
 * Find the client account of email and check pw against it.  ERR_OK with
 * *id and *tva (tokens_valid_after, whole seconds) set; else the answer:
 * INVALID_CREDENTIALS (unknown email, no password, wrong password: one
 * message, and the KDF runs in every case), ACCOUNT_LOCKED,
 * ACCOUNT_DISABLED (only once the password is right).
 */
static int
sign_in_check(struct req *r, const char *email, const char *pw,
    size_t pwlen, struct ident *id, long long *tva)
{
	struct db_rows	*rows;
	const char	*hash;
	int		 rc;

	if ((rc = db_exec(r->db, r->arena, STMT_ACCOUNT_BY_EMAIL, 1, &email,
	    &rows)) != ERR_OK)
		return req_fail(r, rc, NULL, NULL);
	if (rows->nrows != 1 || rows->ncols != ACC_TVA + 1 ||
	    (hash = db_get(rows, 0, ACC_HASH)) == NULL) {
		(void)pwhash_verify(pw, pwlen, dummy_hash);
		return req_fail(r, ERR_BAD_CREDENTIALS, MSG_BAD_CREDENTIALS,
		    NULL);
	}
	ident_read(rows, 0, id);
	*tva = seconds(db_get(rows, 0, ACC_TVA));
	if (is_true(db_get(rows, 0, ACC_LOCKED)))
		return req_fail(r, ERR_LOCKED, MSG_LOCKED, NULL);
	switch (pwhash_verify(pw, pwlen, hash)) {
	case 1:
		break;
	case 0:
		return sign_in_failed(r, id);
	default:
		log_msg(LOGLV_ERROR, "stored password hash is malformed",
		    "uid %s", id->uid);
		return req_fail(r, ERR_BAD_CREDENTIALS, MSG_BAD_CREDENTIALS,
		    NULL);
	}
	if (is_true(db_get(rows, 0, ACC_DISABLED)) || !id->active)
		return req_fail(r, ERR_DISABLED, NULL, NULL);
	return ERR_OK;
}

/*
 * Complete a sign-in of id: mint the ID token, then in one transaction
 * reset the failure count, note the sign-in time, store a new refresh
 * token and write the audit row; answer with the tokens and the session.
 */
static int
sign_in_complete(struct req *r, const struct ident *id, long long tva)
{
	struct buf	 idt;
	const char	*refresh = NULL;
	long long	 iat;
	int		 rc = ERR_INTERNAL;

	buf_init(&idt);
	iat = issue_time(tva);
	if (mint(r->app, id, iat, iat, &idt) == -1)
		goto out;
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	if ((rc = db_exec(r->db, r->arena, STMT_SIGN_IN_OK, 1, &id->uid,
	    NULL)) != ERR_OK ||
	    (rc = refresh_issue(r, id->uid, &refresh)) != ERR_OK ||
	    (rc = audit(r, id, "auth.sign_in", "{\"method\":\"password\"}")) !=
	    ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK) {
		db_rollback(r->db);
		goto out;
	}
	token_response(r, id, &idt, refresh, 1);
out:
	buf_cleanup(&idt);
	return rc;
}

/*
 * POST /auth/client/sign-in {"email","password"}: a client user of the
 * local provider signs in.  See sign_in_check() for the refusals.
 */
int
h_sign_in(struct req *r)
{
	struct valid_value	 v[SIGNIN__MAX];
	struct json_object	*body, *details = NULL;
	struct ident		 id;
	long long		 tva = 0;
	int			 rc;

	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, signin_fields, SIGNIN__MAX, v,
	    &details)) != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	if ((rc = sign_in_check(r, v[SIGNIN_EMAIL].s, v[SIGNIN_PASSWORD].s,
	    v[SIGNIN_PASSWORD].len, &id, &tva)) != ERR_OK)
		goto out;
	rc = sign_in_complete(r, &id, tva);
out:
	return rc;
}

/*
 * A reused refresh token: someone holds a copy.  Revoke every refresh
 * token of the account (the thief's and the owner's) and commit; the
 * caller answers 401.
 */
static int
refresh_reused(struct req *r, const struct ident *id)
{
	int	 rc;

	log_msg(LOGLV_WARN, "refresh token reused", "uid %s: all its "
	    "refresh tokens revoked", id->uid);
	if ((rc = db_exec(r->db, r->arena, STMT_REFRESH_REVOKE_ALL, 1,
	    &id->uid, NULL)) != ERR_OK ||
	    (rc = audit(r, id, "auth.refresh_reused", "{}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		return rc;
	return ERR_UNAUTH;
}

/*
 * Rotate the refresh token whose SHA-256 is hex: in one transaction,
 * check it (unused, unrevoked, unexpired, account and tenant active),
 * mark it used, issue its successor and a new ID token.
 */
static int
refresh_rotate(struct req *r, const char *hex)
{
	struct db_rows	*rows;
	struct ident	 id;
	struct buf	 idt;
	const char	*refresh = NULL, *rtid;
	long long	 iat;
	int		 rc;

	buf_init(&idt);
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	if ((rc = db_exec(r->db, r->arena, STMT_REFRESH_LOOKUP, 1, &hex,
	    &rows)) != ERR_OK)
		goto fail;
	if (rows->nrows != 1 || rows->ncols != RT_TVA + 1) {
		rc = ERR_UNAUTH;
		goto fail;
	}
	ident_read(rows, 0, &id);
	if (is_true(db_get(rows, 0, RT_USED))) {
		if ((rc = refresh_reused(r, &id)) != ERR_UNAUTH)
			goto fail;
		goto out;
	}
	if (is_true(db_get(rows, 0, RT_DEAD)) ||
	    is_true(db_get(rows, 0, RT_DISABLED)) || !id.active) {
		rc = ERR_UNAUTH;
		goto fail;
	}
	rtid = db_get(rows, 0, RT_ID);
	iat = issue_time(seconds(db_get(rows, 0, RT_TVA)));
	if (mint(r->app, &id, iat, seconds(db_get(rows, 0, RT_AUTH_TIME)),
	    &idt) == -1) {
		rc = ERR_INTERNAL;
		goto fail;
	}
	if ((rc = db_exec(r->db, r->arena, STMT_REFRESH_USE, 1, &rtid,
	    NULL)) != ERR_OK ||
	    (rc = refresh_issue(r, id.uid, &refresh)) != ERR_OK ||
	    (rc = audit(r, &id, "auth.refresh", "{}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK)
		goto fail;
	token_response(r, &id, &idt, refresh, 0);
	goto out;
fail:
	db_rollback(r->db);
out:
	buf_cleanup(&idt);
	if (rc == ERR_UNAUTH)
		rc = req_fail(r, ERR_UNAUTH, MSG_BAD_REFRESH, NULL);
	return rc;
}

/*
 * POST /auth/refresh {"refreshToken"}: trade a refresh token for a new ID
 * token and a new refresh token (the old one is used up).  Any refusal is
 * 401 "refresh token is invalid or expired".
 */
int
h_refresh(struct req *r)
{
	struct valid_value	 v[REFRESH__MAX];
	struct json_object	*body, *details = NULL;
	struct buf		 raw;
	char			 hex[65];
	int			 rc;

	buf_init(&raw);
	if ((rc = req_json(r, &body)) != ERR_OK)
		goto out;
	if ((rc = valid_object(body, refresh_fields, REFRESH__MAX, v,
	    &details)) != ERR_OK) {
		rc = req_fail(r, rc, NULL, details);
		goto out;
	}
	/* Only what refresh_issue() makes can match: 32 bytes, base64url. */
	if (b64url_decode(&raw, v[REFRESH_TOKEN].s, v[REFRESH_TOKEN].len) ==
	    -1 || raw.len != AUTH_REFRESH_BYTES) {
		rc = req_fail(r, ERR_UNAUTH, MSG_BAD_REFRESH, NULL);
		goto out;
	}
	if (sha256_hex(v[REFRESH_TOKEN].s, v[REFRESH_TOKEN].len, hex) == -1) {
		rc = ERR_INTERNAL;
		goto out;
	}
	rc = refresh_rotate(r, hex);
out:
	buf_cleanup(&raw);
	return rc;
}

/*
 * Sign the bearer's user out everywhere: tokens issued until now stop
 * working (tokens_valid_after) and the account's refresh tokens are
 * revoked.  actor, when not NULL, is the only actor this route serves.
 */
static int
sign_out(struct req *r, const char *actor)
{
	struct ident	 id;
	int		 rc;

	if ((rc = bearer_user(r, &id)) != ERR_OK)
		goto out;
	if (actor != NULL && strcmp(id.actor, actor) != 0) {
		rc = req_fail(r, ERR_FORBIDDEN, arena_printf(r->arena,
		    "this route is for %s users", actor), NULL);
		goto out;
	}
	if ((rc = db_begin(r->db)) != ERR_OK)
		goto out;
	if ((rc = db_exec(r->db, r->arena, STMT_SIGN_OUT, 1, &id.user_id,
	    NULL)) != ERR_OK ||
	    (strcmp(id.provider, "local") == 0 &&
	    (rc = db_exec(r->db, r->arena, STMT_REFRESH_REVOKE_ALL, 1, &id.uid,
	    NULL)) != ERR_OK) ||
	    (rc = audit(r, &id, "auth.sign_out", "{}")) != ERR_OK ||
	    (rc = db_commit(r->db)) != ERR_OK) {
		db_rollback(r->db);
		goto out;
	}
	resp_json_raw(r->resp, 200, "{\"signedOut\":true}", 18);
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
	struct ident	 id;
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	if ((rc = bearer_user(r, &id)) != ERR_OK)
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
		if (strcmp(id->actor, uri_actors[i].actor) == 0)
			return ERR_OK;
		return req_fail(r, ERR_FORBIDDEN, arena_printf(r->arena,
		    "this route is for %s users", uri_actors[i].actor), NULL);
	}
	return ERR_OK;
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
	struct ident	 id;
	int		 rc;

	if ((rc = bearer_user(r, &id)) != ERR_OK)
		goto out;
	if ((rc = uri_allows(r, &id)) != ERR_OK)
		goto out;
	r->resp->status = 200;
	header_opt(r, "X-Krow-User-Id", id.user_id);
	header_opt(r, "X-Krow-Tenant-Id", id.tenant_id);
	header_opt(r, "X-Krow-Actor", id.actor);
	header_opt(r, "X-Krow-Business-Id", id.business_id);
	header_opt(r, "X-Krow-Staff-Id", id.staff_id);
	header_opt(r, "X-Krow-Role", id.role);
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

/* GET /auth/.well-known/jwks.json: the public keys, cacheable 5 min. */
int
h_jwks(struct req *r)
{
	const struct auth_state	*st = r->app;
	struct buf		 b;
	int			 rc = ERR_INTERNAL;

	buf_init(&b);
	if (jwt_keyset_jwks(st->keys, &b) == -1) {
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
