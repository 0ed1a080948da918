/*
 * krow-auth: sign-in, refresh, sign-out and the token check behind nginx's
 * auth_request.  The statement table lives in main.c, the handlers and the
 * process state in h_auth.c; this header is what they share.
 */
#ifndef KROW_AUTH_H
#define KROW_AUTH_H

#include <stdio.h>

struct conf;
struct req;

/*
 * The identity columns every user lookup starts with, from "users u JOIN
 * tenants t"; h_auth.c reads them in this order (struct ident).  The last
 * one is true when both the user and its tenant are active.
 */
#define AUTH_IDENT_COLS							\
	"u.id::text, u.tenant_id::text, u.actor, u.business_id::text, "	\
	"u.staff_id::text, u.role, u.email::text, u.phone, "		\
	"u.display_name, u.provider, u.provider_uid, "			\
	"(u.status = 'active' AND t.status = 'active')"
#define AUTH_IDENT_NCOLS	12

/* Prepared statements of krow-auth, in the order of stmts[] in main.c. */
enum stmt {
	STMT_USER_BY_UID,	/* $1 provider, $2 uid, $3 iat:
				 * ident, revoked */
	STMT_ACCOUNT_BY_EMAIL,	/* $1 email: ident, hash, disabled, locked,
				 * tokens_valid_after (whole seconds) */
	STMT_SIGN_IN_FAILED,	/* $1 uid, $2 max failures, $3 lock seconds:
				 * locked now */
	STMT_SIGN_IN_OK,	/* $1 uid: reset failures, last_sign_in_at */
	STMT_REFRESH_INSERT,	/* $1 uid, $2 SHA-256 hex, $3 lifetime s */
	STMT_REFRESH_LOOKUP,	/* $1 SHA-256 hex: ident, id, used, dead,
				 * disabled, auth_time, tokens_valid_after;
				 * the token's row locked */
	STMT_REFRESH_USE,	/* $1 refresh token id */
	STMT_REFRESH_REVOKE_ALL,	/* $1 uid */
	STMT_SIGN_OUT,		/* $1 user id: tokens_valid_after = now() */
	STMT_AUDIT,		/* $1 tenant, $2 user, $3 action, $4 target,
				 * $5 request id, $6 summary JSON */
	STMT__MAX
};

/* struct app hooks: load the signing key and settings; release them. */
int	auth_init(const struct conf *, void **state);
void	auth_fini(void *state);

/* `krow-auth --hash-password`: one line from in, its pwhash to out.
 * Returns the exit status. */
int	auth_hash_password(FILE *in, FILE *out);

/* Routes (see main.c); each returns enum err. */
int	h_sign_in(struct req *);	/* POST /auth/client/sign-in */
int	h_refresh(struct req *);	/* POST /auth/refresh */
int	h_sign_out(struct req *);	/* POST /auth/sign-out */
int	h_client_sign_out(struct req *);	/* POST /auth/client/sign-out */
int	h_staff_sign_out(struct req *);	/* POST /auth/staff/sign-out */
int	h_session(struct req *);	/* GET /auth/session */
int	h_verify(struct req *);		/* GET /_auth/verify */
int	h_jwks(struct req *);		/* GET /auth/.well-known/jwks.json */

#endif
