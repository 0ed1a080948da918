/*
 * provider_firebase: Firebase Authentication as krow-auth's identity
 * provider (auth_provider = firebase).
 *
 * Tokens: ID tokens are checked here, as the Firebase Admin SDK checks
 * them (jwt_verify: RS256, a kid among Google's current certificates,
 * aud = the project id, iss = https://securetoken.google.com/<project>,
 * sub, iat, auth_time, exp with auth_clock_skew), the certificates coming
 * from the fbcerts cache.  With the Auth Emulator configured
 * (firebase_auth_emulator_host), and only then, the emulator's unsigned
 * tokens (alg "none", no kid, empty signature) are accepted; their claims
 * are checked all the same.  A signed token is still verified against
 * the certificates in that mode (the Admin SDK refuses it outright; we
 * allow it so one test stack can check both kinds).
 *
 * Credentials: the Identity Toolkit (accounts:signUp, signInWithPassword,
 * sendVerificationCode, signInWithPhoneNumber, delete) and Secure Token
 * (token refresh) REST APIs, through httpc.  The API key travels in the
 * X-Goog-Api-Key header, never in a URL, so it cannot reach a log line.
 * With the emulator, base URLs are http://<host>/identitytoolkit.
 * googleapis.com/v1/... and http://<host>/securetoken.googleapis.com/v1/
 * token, and any key is accepted ("emulator" when none is configured).
 *
 * Revocation: Firebase cannot revoke ID tokens; krow-auth refuses them
 * itself (auth_time against users.tokens_valid_after).  With the emulator
 * revoke() also sets the account's validSince through the admin API
 * (Authorization: Bearer owner, as the Admin SDK does there).  In
 * production that call needs a service-account OAuth token, which this
 * provider does not hold: revoke() does nothing at Google, and a client
 * keeping its Firebase refresh token can still get new ID tokens from
 * Google, which krow-auth then refuses (their auth_time predates the
 * sign-out).
 *
 * Errors of the REST APIs ({"error":{"message":"CODE[ : text]"}}) are
 * mapped by the table codes[]; an unknown code, a 5xx, a malformed answer
 * or no answer is ERR_UPSTREAM.  Nothing sent or received (passwords,
 * tokens, codes, phone numbers) is logged; Firebase's error codes are.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "fbcerts.h"
#include "httpc.h"
#include "jwt.h"
#include "log.h"
#include "mem.h"
#include "req.h"
#include "valid.h"
#include "provider.h"

#define FB_ISSUER_PREFIX	"https://securetoken.google.com/"
#define FB_EMU_IDENTITY		"identitytoolkit.googleapis.com"
#define FB_EMU_SECURETOKEN	"securetoken.googleapis.com"
#define FB_MAXID		128	/* bytes of a uid (localId) */
#define FB_MAXTOKEN		16384	/* bytes of an ID token (jwt.c) */
#define FB_MAXREFRESH		4096	/* bytes of a refresh token */
#define FB_MAXSESSION		4096	/* bytes of a phone sessionInfo */
#define FB_MAXTEXT		320	/* bytes of an email or phone */
#define FB_MAXHEADER		1024	/* bytes of a token's header segment */
#define FB_MAXTTL		604800	/* largest expiresIn believed */
#define FB_JSONDEPTH		16

/* Settings, read once by fb_init(); no request state lives here. */
static struct {
	int		 ready;
	int		 emulator;	/* firebase_auth_emulator_host set */
	char		*project;	/* aud */
	char		*issuer;	/* iss */
	char		*key_header;	/* "X-Goog-Api-Key: ..." */
	char		*identity;	/* ".../v1" of the Identity Toolkit */
	char		*token_url;	/* ".../v1/token" of Secure Token */
	char		*admin;		/* ".../v1/projects/<id>" (emulator) */
	long		 timeout_ms;
	long long	 skew;
	struct fbcerts	*certs;
} fb;

/* What a Firebase error code becomes.  field/msg: ERR_INVAL details. */
struct fb_code {
	const char	*code;
	enum err	 e;
	const char	*field;
	const char	*msg;
};

static const struct fb_code codes[] = {
	{ "EMAIL_NOT_FOUND", ERR_BAD_CREDENTIALS, NULL, NULL },
	{ "INVALID_PASSWORD", ERR_BAD_CREDENTIALS, NULL, NULL },
	{ "INVALID_LOGIN_CREDENTIALS", ERR_BAD_CREDENTIALS, NULL, NULL },
	{ "INVALID_CODE", ERR_BAD_CREDENTIALS, NULL, NULL },
	{ "USER_DISABLED", ERR_DISABLED, NULL, NULL },
	{ "TOO_MANY_ATTEMPTS_TRY_LATER", ERR_RATE, NULL, NULL },
	{ "QUOTA_EXCEEDED", ERR_RATE, NULL, NULL },
	{ "EMAIL_EXISTS", ERR_CONFLICT, NULL, NULL },
	{ "PHONE_NUMBER_EXISTS", ERR_CONFLICT, NULL, NULL },
	{ "WEAK_PASSWORD", ERR_INVAL, "password",
	    "is too weak: at least 6 characters" },
	{ "PASSWORD_DOES_NOT_MEET_REQUIREMENTS", ERR_INVAL, "password",
	    "does not meet the password policy" },
	{ "MISSING_PASSWORD", ERR_INVAL, "password", "is required" },
	{ "INVALID_EMAIL", ERR_INVAL, "email", "is not a valid email address" },
	{ "MISSING_EMAIL", ERR_INVAL, "email", "is required" },
	{ "INVALID_PHONE_NUMBER", ERR_INVAL, "phoneNumber",
	    "is not a valid E.164 phone number" },
	{ "MISSING_PHONE_NUMBER", ERR_INVAL, "phoneNumber", "is required" },
	{ "MISSING_CODE", ERR_INVAL, "code", "is required" },
	{ "INVALID_SESSION_INFO", ERR_UNAUTH, NULL, NULL },
	{ "MISSING_SESSION_INFO", ERR_UNAUTH, NULL, NULL },
	{ "SESSION_EXPIRED", ERR_UNAUTH, NULL, NULL },
	{ "CODE_EXPIRED", ERR_UNAUTH, NULL, NULL },
	{ "INVALID_REFRESH_TOKEN", ERR_UNAUTH, NULL, NULL },
	{ "MISSING_REFRESH_TOKEN", ERR_UNAUTH, NULL, NULL },
	{ "TOKEN_EXPIRED", ERR_UNAUTH, NULL, NULL },
	{ "USER_NOT_FOUND", ERR_UNAUTH, NULL, NULL },
	{ "INVALID_ID_TOKEN", ERR_UNAUTH, NULL, NULL },
	{ "CREDENTIAL_TOO_OLD_LOGIN_AGAIN", ERR_UNAUTH, NULL, NULL },
};

static void
json_put_cb(void *p)
{
	json_object_put(p);
}

/* Parse p[0..len) as one JSON object; the caller puts it.  NULL else. */
static struct json_object *
parse_object(const char *p, size_t len)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	size_t			 end;

	if (p == NULL || len == 0 || len > INT_MAX || !valid_utf8(p, len))
		return NULL;
	if ((tok = json_tokener_new_ex(FB_JSONDEPTH)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, p, (int)len);
	end = obj != NULL ? json_tokener_get_parse_end(tok) : 0;
	json_tokener_free(tok);
	if (obj == NULL)
		return NULL;
	while (end < len && (p[end] == ' ' || p[end] == '\t' ||
	    p[end] == '\r' || p[end] == '\n'))
		end++;
	if (end != len || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/*
 * The string member name of o as an arena copy, or NULL when it is
 * absent, not a string, empty, longer than max or holds a NUL.
 */
static const char *
get_str(struct arena *a, struct json_object *o, const char *name,
    size_t max)
{
	struct json_object	*v;
	const char		*s;
	int			 len;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	len = json_object_get_string_len(v);
	s = json_object_get_string(v);
	if (len <= 0 || (size_t)len > max || s == NULL ||
	    strlen(s) != (size_t)len)
		return NULL;
	return arena_strndup(a, s, (size_t)len);
}

/* expiresIn / expires_in: a decimal string (or number) 1..FB_MAXTTL. */
static long long
get_ttl(struct json_object *o, const char *name)
{
	struct json_object	*v;
	const char		*s;
	long long		 n = 0;

	if (!json_object_object_get_ex(o, name, &v))
		return -1;
	if (json_object_is_type(v, json_type_int)) {
		n = json_object_get_int64(v);
	} else if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		if (s == NULL || *s == '\0')
			return -1;
		for (; *s != '\0'; s++) {
			if (*s < '0' || *s > '9' || n > FB_MAXTTL)
				return -1;
			n = n * 10 + (*s - '0');
		}
	} else
		return -1;
	return n >= 1 && n <= FB_MAXTTL ? n : -1;
}

/*
 * Decode segment idx (0 header, 1 payload) of a compact token as a JSON
 * object, without checking anything else: only to peek.  The caller
 * puts it; NULL when it is not one.
 */
static struct json_object *
peek_segment(const char *token, size_t len, int idx, size_t max)
{
	struct json_object	*o = NULL;
	struct buf		 b;
	const char		*p = token, *dot;
	size_t			 left = len;

	buf_init(&b);
	for (; idx > 0; idx--) {
		if ((dot = memchr(p, '.', left)) == NULL)
			goto out;
		left -= (size_t)(dot + 1 - p);
		p = dot + 1;
	}
	if ((dot = memchr(p, '.', left)) == NULL)
		goto out;
	if ((size_t)(dot - p) > max ||
	    b64url_decode(&b, p, (size_t)(dot - p)) == -1)
		goto out;
	o = parse_object(b.p, b.len);
out:
	buf_cleanup(&b);
	return o;
}

/*
 * Map a REST error answer (HTTP status, parsed body or NULL); *code is
 * the Firebase code when it is one of codes[] (static), else NULL.  For
 * ERR_INVAL the envelope's message and details are recorded here.
 */
static enum err
map_error(struct req *r, const char *what, long status,
    struct json_object *body, const char **code)
{
	struct json_object	*err, *msg, *details, *v;
	const struct fb_code	*c;
	const char		*s = NULL;
	size_t			 i, n = 0;

	if (status >= 500 || body == NULL ||
	    !json_object_object_get_ex(body, "error", &err) ||
	    !json_object_object_get_ex(err, "message", &msg) ||
	    !json_object_is_type(msg, json_type_string) ||
	    (s = json_object_get_string(msg)) == NULL) {
		log_msg(LOGLV_WARN, "firebase call failed",
		    "%s: HTTP status %ld", what, status);
		return status == 429 ? ERR_RATE : ERR_UPSTREAM;
	}
	/* "WEAK_PASSWORD : Password should be ...": the code is the word. */
	while (s[n] != '\0' && (isupper((unsigned char)s[n]) ||
	    isdigit((unsigned char)s[n]) || s[n] == '_'))
		n++;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		c = &codes[i];
		if (strlen(c->code) != n || strncmp(s, c->code, n) != 0)
			continue;
		*code = c->code;
		log_msg(LOGLV_INFO, "firebase refused", "%s: %s", what,
		    c->code);
		if (c->e != ERR_INVAL)
			return c->e;
		if ((details = json_object_new_object()) != NULL) {
			if ((v = json_object_new_string(c->msg)) == NULL ||
			    json_object_object_add(details, c->field,
			    v) != 0) {
				json_object_put(v);
				json_object_put(details);
				details = NULL;
			}
		}
		return req_fail(r, ERR_INVAL, arena_printf(r->arena,
		    "%s %s", c->field, c->msg), details);
	}
	/*
	 * Configuration trouble (bad API key, sign-in method disabled,
	 * ...).  The message is logged only up to a quote or colon, where
	 * Google could start echoing a value.
	 */
	n = strcspn(s, "\":");
	log_msg(LOGLV_ERROR, "firebase call failed", "%s: HTTP status %ld, "
	    "%.*s", what, status, (int)(n < 120 ? n : 120), s);
	return status == 429 ? ERR_RATE : ERR_UPSTREAM;
}

/*
 * POST body[0..len) (JSON, or a form when form is set) to url, with the
 * API key, or with the emulator's admin bearer when admin is set.  On
 * ERR_OK *out is the answer object (released with the arena); else the
 * mapped error, with *code the Firebase error code when known (code may
 * be NULL).  what names the call in log lines.
 */
static enum err
call(struct req *r, const char *what, const char *url, int form, int admin,
    const struct buf *body, struct json_object **out, const char **code)
{
	const char		*dummy;

	struct httpc_req	 rq;
	struct httpc_resp	 rs;
	struct json_object	*o;
	const char		*hdrs[3];
	enum err		 e;

	*out = NULL;
	if (code == NULL)
		code = &dummy;
	*code = NULL;
	hdrs[0] = admin ? "Authorization: Bearer owner" : fb.key_header;
	hdrs[1] = "Accept: application/json";
	hdrs[2] = NULL;
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = url;
	rq.headers = hdrs;
	rq.content_type = form ? "application/x-www-form-urlencoded" :
	    "application/json";
	rq.body = body->p != NULL ? body->p : "";
	rq.bodylen = body->len;
	rq.timeout_ms = fb.timeout_ms;
	if ((e = httpc_do(&rq, &rs)) != ERR_OK)
		return ERR_UPSTREAM;
	o = parse_object(rs.body.p, rs.body.len);
	if (o != NULL)
		arena_cleanup_add(r->arena, json_put_cb, o);
	if (rs.status >= 200 && rs.status < 300) {
		if (o == NULL) {
			log_msg(LOGLV_WARN, "firebase answer malformed",
			    "%s: not a JSON object", what);
			e = ERR_UPSTREAM;
		} else
			*out = o;
	} else
		e = map_error(r, what, rs.status, o, code);
	httpc_resp_cleanup(&rs);
	return e;
}

/* Append s as a form value (RFC 3986 unreserved kept, rest %XX). */
static void
form_escape(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
			buf_putc(b, (char)c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/* Append ,"name":"value" (JSON-escaped) to b. */
static void
json_member(struct buf *b, const char *name, const char *value)
{
	if (b->len > 1)
		buf_putc(b, ',');
	buf_json_str(b, name, strlen(name));
	buf_putc(b, ':');
	buf_json_str(b, value, strlen(value));
}

/*
 * Fill out from a sign-in answer o.  The keys differ between the
 * Identity Toolkit (idToken, ...) and Secure Token (id_token, ...).
 * ERR_UPSTREAM when a required member is missing or malformed.
 */
static enum err
session_from(struct req *r, const char *what, struct json_object *o,
    int securetoken, struct prov_session *out)
{
	struct json_object	*v, *claims;

	memset(out, 0, sizeof(*out));
	out->id_token = get_str(r->arena, o, securetoken ? "id_token" :
	    "idToken", FB_MAXTOKEN);
	out->refresh_token = get_str(r->arena, o, securetoken ?
	    "refresh_token" : "refreshToken", FB_MAXREFRESH);
	out->uid = get_str(r->arena, o, securetoken ? "user_id" : "localId",
	    FB_MAXID);
	out->expires_in = get_ttl(o, securetoken ? "expires_in" :
	    "expiresIn");
	if (out->id_token == NULL || out->refresh_token == NULL ||
	    out->uid == NULL || out->expires_in < 0) {
		log_msg(LOGLV_WARN, "firebase answer malformed",
		    "%s: no tokens, uid or lifetime", what);
		memset(out, 0, sizeof(*out));
		return ERR_UPSTREAM;
	}
	if (!securetoken) {
		out->email = get_str(r->arena, o, "email", FB_MAXTEXT);
		out->phone = get_str(r->arena, o, "phoneNumber", FB_MAXTEXT);
		if (json_object_object_get_ex(o, "isNewUser", &v) &&
		    json_object_is_type(v, json_type_boolean))
			out->new_account = json_object_get_boolean(v);
		return ERR_OK;
	}
	/*
	 * Secure Token does not say who the user is beyond the uid: read
	 * email and phone from the new ID token, which came from Google
	 * over TLS (the caller verifies it before trusting anything).
	 */
	claims = peek_segment(out->id_token, strlen(out->id_token), 1,
	    FB_MAXTOKEN);
	if (claims != NULL) {
		out->email = get_str(r->arena, claims, "email", FB_MAXTEXT);
		out->phone = get_str(r->arena, claims, "phone_number",
		    FB_MAXTEXT);
		json_object_put(claims);
	}
	return ERR_OK;
}

/* URL of an Identity Toolkit method ("accounts:signUp"). */
static const char *
it_url(struct req *r, const char *method)
{
	return arena_printf(r->arena, "%s/%s", fb.identity, method);
}

/*
 * Check an ID token.  Unsigned tokens go straight to jwt_verify with no
 * keys (accepted only in emulator mode); a token naming RS256 and a kid
 * gets the certificates first (fetched when needed); anything else is
 * refused by jwt_verify without touching the network.
 */
static enum err
fb_verify(struct req *r, const char *token, size_t len,
    struct jwt_claims *out, const char **why)
{
	struct jwt_verify_opts	 o;
	struct json_object	*h, *v;
	const struct jwt_keyset	*ks = NULL;
	const char		*alg = NULL, *kid = NULL;
	char			 kidbuf[129];
	enum err		 e;
	int			 signed_rs256;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (!fb.ready) {
		*why = "provider not initialised";
		return ERR_INTERNAL;
	}
	memset(&o, 0, sizeof(o));
	o.issuer = fb.issuer;
	o.audience = fb.project;
	o.now = (long long)time(NULL);
	o.skew = fb.skew;
	o.allow_unsigned = fb.emulator;

	kidbuf[0] = '\0';
	if (token != NULL && len <= FB_MAXTOKEN &&
	    (h = peek_segment(token, len, 0, FB_MAXHEADER)) != NULL) {
		if (json_object_object_get_ex(h, "alg", &v) &&
		    json_object_is_type(v, json_type_string))
			alg = json_object_get_string(v);
		if (json_object_object_get_ex(h, "kid", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) > 0 &&
		    (size_t)json_object_get_string_len(v) < sizeof(kidbuf)) {
			memcpy(kidbuf, json_object_get_string(v),
			    (size_t)json_object_get_string_len(v) + 1);
			kid = kidbuf;
		}
		signed_rs256 = alg != NULL && strcmp(alg, "RS256") == 0 &&
		    kid != NULL;
		json_object_put(h);	/* alg is gone with it; kid copied */
		if (signed_rs256 && (e = fbcerts_keys(fb.certs, kid, o.now,
		    &ks)) != ERR_OK) {
			*why = "certificates unavailable";
			return e;
		}
	}
	return jwt_verify(token, len, ks, &o, r->arena, out, why);
}

static enum err
fb_sign_up(struct req *r, const char *email, const char *password,
    const char *display_name, struct prov_session *out)
{
	struct json_object	*o;
	struct buf		 b;
	enum err		 e;

	memset(out, 0, sizeof(*out));
	buf_init(&b);
	buf_putc(&b, '{');
	json_member(&b, "email", email);
	json_member(&b, "password", password);
	if (display_name != NULL && display_name[0] != '\0')
		json_member(&b, "displayName", display_name);
	buf_puts(&b, ",\"returnSecureToken\":true}");
	e = call(r, "accounts:signUp", it_url(r, "accounts:signUp"), 0, 0,
	    &b, &o, NULL);
	buf_cleanup(&b);
	if (e != ERR_OK)
		return e;
	if ((e = session_from(r, "accounts:signUp", o, 0, out)) != ERR_OK)
		return e;
	out->new_account = 1;
	return ERR_OK;
}

static enum err
fb_sign_in(struct req *r, const char *email, const char *password,
    struct prov_session *out)
{
	struct json_object	*o;
	struct buf		 b;
	enum err		 e;

	memset(out, 0, sizeof(*out));
	buf_init(&b);
	buf_putc(&b, '{');
	json_member(&b, "email", email);
	json_member(&b, "password", password);
	buf_puts(&b, ",\"returnSecureToken\":true}");
	e = call(r, "accounts:signInWithPassword",
	    it_url(r, "accounts:signInWithPassword"), 0, 0, &b, &o, NULL);
	buf_cleanup(&b);
	if (e != ERR_OK)
		return e;
	if ((e = session_from(r, "accounts:signInWithPassword", o, 0,
	    out)) != ERR_OK)
		return e;
	out->new_account = 0;
	return ERR_OK;
}

/*
 * Production sendVerificationCode wants the client's app-verification
 * token (recaptchaToken); the emulator needs none.
 */
static enum err
fb_phone_start(struct req *r, const char *phone, const char *app_token,
    const char **session_info)
{
	struct json_object	*o;
	struct buf		 b;
	enum err		 e;

	*session_info = NULL;
	buf_init(&b);
	buf_putc(&b, '{');
	json_member(&b, "phoneNumber", phone);
	if (app_token != NULL)
		json_member(&b, "recaptchaToken", app_token);
	buf_putc(&b, '}');
	e = call(r, "accounts:sendVerificationCode",
	    it_url(r, "accounts:sendVerificationCode"), 0, 0, &b, &o, NULL);
	buf_cleanup(&b);
	if (e != ERR_OK)
		return e;
	if ((*session_info = get_str(r->arena, o, "sessionInfo",
	    FB_MAXSESSION)) == NULL) {
		log_msg(LOGLV_WARN, "firebase answer malformed",
		    "accounts:sendVerificationCode: no sessionInfo");
		return ERR_UPSTREAM;
	}
	return ERR_OK;
}

static enum err
fb_phone_verify(struct req *r, const char *session_info, const char *code,
    struct prov_session *out)
{
	struct json_object	*o;
	struct buf		 b;
	enum err		 e;

	memset(out, 0, sizeof(*out));
	buf_init(&b);
	buf_putc(&b, '{');
	json_member(&b, "sessionInfo", session_info);
	json_member(&b, "code", code);
	buf_putc(&b, '}');
	e = call(r, "accounts:signInWithPhoneNumber",
	    it_url(r, "accounts:signInWithPhoneNumber"), 0, 0, &b, &o, NULL);
	buf_cleanup(&b);
	if (e != ERR_OK)
		return e;
	return session_from(r, "accounts:signInWithPhoneNumber", o, 0, out);
}

static enum err
fb_refresh(struct req *r, const char *refresh_token,
    struct prov_session *out)
{
	struct json_object	*o;
	struct buf		 b;
	enum err		 e;

	memset(out, 0, sizeof(*out));
	buf_init(&b);
	buf_puts(&b, "grant_type=refresh_token&refresh_token=");
	form_escape(&b, refresh_token);
	e = call(r, "token", fb.token_url, 1, 0, &b, &o, NULL);
	buf_cleanup(&b);
	if (e != ERR_OK)
		return e;
	return session_from(r, "token", o, 1, out);
}

/*
 * Sign-out: with the emulator, set validSince = now through the admin
 * API; in production nothing can be done at Google without a service
 * account (see the file comment), and krow-auth's own check refuses the
 * old tokens.
 */
static enum err
fb_revoke(struct req *r, const char *uid)
{
	struct json_object	*o;
	struct buf		 b;
	const char		*code;
	char			 now[32];
	enum err		 e;
	int			 n;

	if (!fb.emulator || uid == NULL)
		return ERR_OK;
	n = snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	if (n < 0 || (size_t)n >= sizeof(now))
		return ERR_INTERNAL;
	buf_init(&b);
	buf_putc(&b, '{');
	json_member(&b, "localId", uid);
	json_member(&b, "validSince", now);
	buf_putc(&b, '}');
	e = call(r, "admin accounts:update", arena_printf(r->arena,
	    "%s/accounts:update", fb.admin), 0, 1, &b, &o, &code);
	buf_cleanup(&b);
	/* No such account at the provider: nothing to revoke. */
	if (e == ERR_UNAUTH && code != NULL &&
	    strcmp(code, "USER_NOT_FOUND") == 0)
		return ERR_OK;
	return e;
}

/*
 * Delete the account sign_up made, with its ID token; one already gone
 * is fine.  With the emulator, an ID token it refuses falls back to the
 * admin API by uid.
 */
static enum err
fb_delete_account(struct req *r, const struct prov_session *s)
{
	struct json_object	*o;
	struct buf		 b;
	const char		*code;
	enum err		 e;

	if (s == NULL || s->id_token == NULL)
		return ERR_INVAL;
	buf_init(&b);
	buf_putc(&b, '{');
	json_member(&b, "idToken", s->id_token);
	buf_putc(&b, '}');
	e = call(r, "accounts:delete", it_url(r, "accounts:delete"), 0, 0,
	    &b, &o, &code);
	if (e == ERR_UNAUTH && fb.emulator && s->uid != NULL &&
	    (code == NULL || strcmp(code, "USER_NOT_FOUND") != 0)) {
		buf_reset(&b);
		buf_putc(&b, '{');
		json_member(&b, "localId", s->uid);
		buf_putc(&b, '}');
		e = call(r, "admin accounts:delete", arena_printf(r->arena,
		    "%s/accounts:delete", fb.admin), 0, 1, &b, &o, &code);
	}
	buf_cleanup(&b);
	if (e == ERR_UNAUTH && code != NULL &&
	    strcmp(code, "USER_NOT_FOUND") == 0) {
		log_msg(LOGLV_INFO, "firebase account already gone", NULL);
		return ERR_OK;
	}
	return e;
}

static void
fb_fini(void)
{
	fbcerts_free(fb.certs);
	mem_free(fb.project);
	mem_free(fb.issuer);
	mem_free(fb.key_header);
	mem_free(fb.identity);
	mem_free(fb.token_url);
	mem_free(fb.admin);
	memset(&fb, 0, sizeof(fb));
}

/* 1 when s is a Firebase project id: [a-z0-9.:-], 1..128 bytes. */
static int
project_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) &&
		    strchr("-.:", s[i]) == NULL)
			return 0;
	return i > 0 && i <= 128;
}

/* 1 when s is host:port (or a host), nothing more: no scheme, no path. */
static int
host_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) &&
		    strchr("-.:[]", s[i]) == NULL)
			return 0;
	return i > 0 && i <= 255;
}

/* 1 when s is printable ASCII without spaces (an API key). */
static int
key_ok(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return 0;
	return i > 0 && i <= 512;
}

/* A base URL without its trailing slashes; NULL unless http(s)://. */
static char *
base_url(const char *s)
{
	size_t	 len = strlen(s);

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return NULL;
	while (len > 0 && s[len - 1] == '/')
		len--;
	if (len <= 8 || strpbrk(s, " \t\r\n?#") != NULL)
		return NULL;
	return mem_strndup(s, len);
}

/* A formatted string from mem_ (never NULL). */
static char *
dupf(const char *fmt, ...)
{
	struct buf	 b;
	va_list		 ap;
	char		*s;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s = mem_strdup(buf_cstr(&b));
	buf_cleanup(&b);
	return s;
}

/*
 * Read the settings; 0, or -1 after logging which one is wrong: start-up
 * then fails.  May be called again (the previous state is released).
 */
static int
fb_init(const struct conf *c)
{
	const char	*project, *key, *emu, *certs;
	char		*ident = NULL, *stok = NULL, *curl = NULL;
	int		 rc = -1;

	fb_fini();
	project = conf_str(c, CONF_FIREBASE_PROJECT_ID);
	key = conf_str(c, CONF_FIREBASE_API_KEY);
	emu = conf_str(c, CONF_FIREBASE_AUTH_EMULATOR_HOST);
	certs = conf_str(c, CONF_FIREBASE_CERTS_URL);
	if (project[0] == '\0') {
		log_msg(LOGLV_ERROR, "firebase_project_id is not set",
		    "auth_provider = firebase needs the Firebase project id");
		goto out;
	}
	if (!project_ok(project)) {
		log_msg(LOGLV_ERROR, "firebase_project_id is not valid",
		    "lower-case letters, digits, '-', '.' and ':' only");
		goto out;
	}
	if (emu[0] != '\0' && !host_ok(emu)) {
		log_msg(LOGLV_ERROR, "firebase_auth_emulator_host is not "
		    "valid", "host:port expected, e.g. 127.0.0.1:9099");
		goto out;
	}
	if (key[0] == '\0' && emu[0] == '\0') {
		log_msg(LOGLV_ERROR, "firebase_api_key is not set",
		    "the Web API key of the Firebase project is needed "
		    "(firebase_api_key or firebase_api_key_file)");
		goto out;
	}
	if (key[0] != '\0' && !key_ok(key)) {
		log_msg(LOGLV_ERROR, "firebase_api_key is not valid",
		    "printable characters without spaces expected");
		goto out;
	}
	if ((curl = base_url(certs)) == NULL) {
		log_msg(LOGLV_ERROR, "firebase_certs_url is not valid",
		    "an http:// or https:// URL is expected");
		goto out;
	}
	if (emu[0] == '\0') {
		ident = base_url(conf_str(c, CONF_FIREBASE_IDENTITY_URL));
		stok = base_url(conf_str(c, CONF_FIREBASE_SECURETOKEN_URL));
		if (ident == NULL || stok == NULL) {
			log_msg(LOGLV_ERROR, "firebase REST URL is not valid",
			    "firebase_identity_url and "
			    "firebase_securetoken_url must be http:// or "
			    "https:// URLs");
			goto out;
		}
	}

	fb.emulator = emu[0] != '\0';
	fb.project = mem_strdup(project);
	fb.issuer = dupf("%s%s", FB_ISSUER_PREFIX, project);
	fb.key_header = dupf("X-Goog-Api-Key: %s",
	    key[0] != '\0' ? key : "emulator");
	if (fb.emulator) {
		fb.identity = dupf("http://%s/%s/v1", emu, FB_EMU_IDENTITY);
		fb.token_url = dupf("http://%s/%s/v1/token", emu,
		    FB_EMU_SECURETOKEN);
		fb.admin = dupf("http://%s/%s/v1/projects/%s", emu,
		    FB_EMU_IDENTITY, project);
		log_msg(LOGLV_WARN, "firebase auth emulator in use",
		    "%s: unsigned ID tokens are accepted", emu);
	} else {
		fb.identity = dupf("%s/v1", ident);
		fb.token_url = dupf("%s/v1/token", stok);
	}
	fb.timeout_ms = (long)conf_int(c, CONF_UPSTREAM_TIMEOUT_MS);
	fb.skew = conf_int(c, CONF_AUTH_CLOCK_SKEW);
	fb.certs = fbcerts_new(certs, fb.timeout_ms);
	fb.ready = 1;
	rc = 0;
out:
	mem_free(ident);
	mem_free(stok);
	mem_free(curl);
	if (rc == -1)
		fb_fini();
	return rc;
}

const struct provider provider_firebase = {
	.name = "firebase",
	.init = fb_init,
	.fini = fb_fini,
	.verify = fb_verify,
	.sign_up = fb_sign_up,
	.sign_in = fb_sign_in,
	.phone_start = fb_phone_start,
	.phone_verify = fb_phone_verify,
	.refresh = fb_refresh,
	.revoke = fb_revoke,
	.delete_account = fb_delete_account,
};
