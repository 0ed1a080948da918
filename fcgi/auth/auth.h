/*
 * krow-auth: sign-up, sign-in (email and password, staff phone codes),
 * refresh, sign-out and the token check behind nginx's auth_request.
 * The statement table and the routes live in main.c, the handlers and the
 * process state in h_auth.c, the local provider in provider_local.c (the
 * provider interface is provider.h); this header is what they share.
 */
#ifndef KROW_AUTH_H
#define KROW_AUTH_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

struct conf;
struct req;

/*
 * The identity columns every user lookup starts with, from "users u JOIN
 * tenants t"; h_auth.c reads them in this order (struct ident).  The
 * twelfth is true when both the user and its tenant are active; the
 * thirteenth is tokens_valid_after in whole seconds (0 when never).
 */
#define AUTH_IDENT_COLS							\
	"u.id::text, u.tenant_id::text, u.actor, u.business_id::text, "	\
	"u.staff_id::text, u.role, u.email::text, u.phone, "		\
	"u.display_name, u.provider, u.provider_uid, "			\
	"(u.status = 'active' AND t.status = 'active'), "		\
	"CASE WHEN isfinite(u.tokens_valid_after)"			\
	" THEN floor(extract(epoch FROM u.tokens_valid_after))::bigint"	\
	" ELSE 0 END"
#define AUTH_IDENT_NCOLS	13

#define AUTH_PW_MAX		1024	/* characters of a password */
#define AUTH_PW_MIN		8	/* characters of a new password */
#define AUTH_CODE_LEN		6	/* digits of a phone code */

/*
 * Prepared statements of krow-auth, in the order of stmts[] in main.c.
 * "ident" is AUTH_IDENT_COLS.  STMT_LOCAL_* belong to the local provider.
 */
enum stmt {
	STMT_USER_BY_UID,	/* $1 provider, $2 uid: ident */
	STMT_USER_SIGNED_IN,	/* $1 user id: last_sign_in_at */
	STMT_SIGN_OUT,		/* $1 user id: tokens_valid_after = now();
				 * that time in whole seconds */
	STMT_AUDIT,		/* $1 tenant, $2 user, $3 action, $4 target
				 * type, $5 target id, $6 request id,
				 * $7 summary JSON */
	STMT_LOCK_STATE,	/* $1 key: seconds the key stays locked */
	STMT_LOCK_FAIL,		/* $1 key, $2 max failures, $3 lock
				 * seconds: locked now, seconds left */
	STMT_LOCK_CLEAR,	/* $1 key */
	STMT_LOCK_GC,		/* stale counters, a few at a time */
	STMT_THROTTLE,		/* $1 key, $2 limit, $3 window seconds:
				 * a row when allowed (and counted) */
	STMT_THROTTLE_WAIT,	/* $1 key, $2 window seconds: seconds
				 * until the window ends */
	STMT_PHONE_SESSION_ADD,	/* $1 SHA-256 hex, $2 phone, $3 life s */
	STMT_PHONE_SESSION_GET,	/* $1 SHA-256 hex: phone, usable */
	STMT_PHONE_SESSION_USE,	/* $1 SHA-256 hex */
	STMT_PHONE_SESSION_GC,	/* $1 phone: its dead sessions */
	STMT_TENANT_BY_SLUG,	/* $1 slug: id, active */
	STMT_BUSINESS_INSERT,	/* $1 tenant, $2 name, $3 email, $4 phone:
				 * id */
	STMT_CLIENT_INSERT,	/* $1 tenant, $2 provider, $3 uid,
				 * $4 business, $5 email, $6 display name:
				 * ident */
	STMT_STAFF_FIND,	/* $1 phone, $2 self sign-up slug: staff id,
				 * tenant id, user id, display name; row
				 * locked */
	STMT_STAFF_USER_INSERT,	/* $1 tenant, $2 provider, $3 uid,
				 * $4 staff id, $5 phone, $6 display name:
				 * ident */
	STMT_STAFF_USER_REPOINT,	/* $1 user id, $2 provider, $3 uid:
				 * ident, old provider, old uid */
	STMT_STAFF_SELF_SIGN_UP,	/* $1 tenant slug, $2 vendor id,
				 * $3 phone, $4 provider, $5 uid: ident */

	STMT_LOCAL_BY_EMAIL,	/* $1 email: uid, email, phone, hash,
				 * disabled, tokens_valid_after */
	STMT_LOCAL_BY_PHONE,	/* $1 phone: the same columns */
	STMT_LOCAL_INSERT,	/* $1 uid, $2 email, $3 phone, $4 hash */
	STMT_LOCAL_DELETE,	/* $1 uid */
	STMT_LOCAL_REFRESH_INSERT,	/* $1 uid, $2 SHA-256 hex,
				 * $3 lifetime s, $4 auth_time s */
	STMT_LOCAL_REFRESH_LOOKUP,	/* $1 SHA-256 hex: id, uid, email,
				 * phone, used, dead, disabled, auth_time;
				 * row locked */
	STMT_LOCAL_REFRESH_USE,	/* $1 refresh token id */
	STMT_LOCAL_REFRESH_REVOKE_ALL,	/* $1 uid */
	STMT_LOCAL_CODE_INSERT,	/* $1 session SHA-256 hex, $2 phone,
				 * $3 code SHA-256 hex, $4 seconds */
	STMT_LOCAL_CODE_LOOKUP,	/* $1 session SHA-256 hex: phone, code
				 * hash hex, usable; row locked */
	STMT_LOCAL_CODE_FAILED,	/* $1 session SHA-256 hex */
	STMT_LOCAL_CODE_USE,	/* $1 session SHA-256 hex */
	STMT_LOCAL_CODE_GC,	/* $1 phone: its dead codes */
	STMT_LOCAL_AUDIT_REUSE,	/* $1 uid, $2 request id */
	STMT__MAX
};

/* struct app hooks: start the configured provider, the verify cache and
 * the settings; release them. */
int	auth_init(const struct conf *, void **state);
void	auth_fini(void *state);

/* Shared helpers of h_auth.c and provider_local.c. */
/* SHA-256 of p[0..len) in lower-case hex (64 digits and a NUL); 0 or -1. */
int		auth_sha256_hex(const void *p, size_t len, char hex[65]);
/* A boolean column is true ("t"). */
int		auth_is_true(const char *);
/* A bigint column; 0 when NULL or unreadable. */
long long	auth_seconds(const char *);

/*
 * The local provider beyond struct provider: `krow-auth --hash-password`
 * (one line from in, its pwhash to out; returns the exit status), and
 * the JWKS of its keys (all of them, the retired ones included: -1 when
 * the local provider is not running).
 */
int	provider_local_hash_password(FILE *in, FILE *out);
int	provider_local_jwks(struct buf *);

/* Routes (see main.c for the paths); each returns enum err. */
int	h_sign_up(struct req *);
int	h_sign_in(struct req *);
int	h_refresh(struct req *);
int	h_phone_start(struct req *);
int	h_phone_verify(struct req *);
int	h_sign_out(struct req *);
int	h_client_sign_out(struct req *);
int	h_staff_sign_out(struct req *);
int	h_session(struct req *);
int	h_verify(struct req *);
int	h_jwks(struct req *);

#endif
