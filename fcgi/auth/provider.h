/*
 * provider: who owns the credentials.  krow-auth speaks to exactly one
 * provider, chosen by auth_provider: "local" (provider_local.c: accounts,
 * refresh tokens and phone codes kept in PostgreSQL, tokens signed with
 * the configured RSA key) or "firebase" (provider_firebase.c: the
 * Identity Toolkit and Secure Token REST APIs through libcurl, ID tokens
 * checked against Google's public certificates, or the Auth Emulator).
 *
 * A provider knows nothing of actors, businesses or staff: it maps
 * credentials to a provider uid and tokens.  h_auth.c maps the uid to the
 * app's users row, enforces lockouts and writes the audit trail.
 *
 * Every function returns enum err; strings it returns are arena copies.
 * Errors: ERR_BAD_CREDENTIALS (wrong email/password or code), ERR_CONFLICT
 * (email or phone already registered), ERR_DISABLED, ERR_RATE (the
 * provider throttles), ERR_INVAL (the provider refused a value, with a
 * message for req_fail), ERR_UNAUTH (refresh token invalid or expired),
 * ERR_UPSTREAM (provider unreachable), ERR_TOKEN_EXPIRED.
 */
#ifndef KROW_AUTH_PROVIDER_H
#define KROW_AUTH_PROVIDER_H

#include <stddef.h>

#include "err.h"

struct conf;
struct jwt_claims;
struct req;

struct prov_session {
	const char	*uid;		/* provider uid (the token's sub) */
	const char	*id_token;	/* compact JWT */
	const char	*refresh_token;
	long long	 expires_in;	/* seconds the ID token lives */
	const char	*email;		/* NULL when none */
	const char	*phone;		/* E.164, NULL when none */
	int		 new_account;	/* this call created the account */
};

struct provider {
	const char	*name;		/* "local" | "firebase" = users.provider */
	/* Start-up: read settings, load keys; 0, or -1 after logging why. */
	int		(*init)(const struct conf *);
	void		(*fini)(void);
	/*
	 * Check an ID token's signature and claims (jwt_verify rules);
	 * *why is a static reason on ERR_UNAUTH.  ERR_UPSTREAM when the
	 * keys cannot be had (Firebase certificates unreachable, no cache).
	 */
	enum err	(*verify)(struct req *, const char *token, size_t len,
			    struct jwt_claims *out, const char **why);
	enum err	(*sign_up)(struct req *, const char *email,
			    const char *password, const char *display_name,
			    struct prov_session *out);
	enum err	(*sign_in)(struct req *, const char *email,
			    const char *password, struct prov_session *out);
	/*
	 * Send a code to phone; *session_info identifies the attempt.
	 * app_token (may be NULL) is the client's app-verification token
	 * (reCAPTCHA), which production Firebase requires.
	 */
	enum err	(*phone_start)(struct req *, const char *phone,
			    const char *app_token, const char **session_info);
	/* Check the code; signs in, creating the account when new. */
	enum err	(*phone_verify)(struct req *, const char *session_info,
			    const char *code, struct prov_session *out);
	enum err	(*refresh)(struct req *, const char *refresh_token,
			    struct prov_session *out);
	/*
	 * Sign-out: the uid's refresh tokens stop working where the
	 * provider can do that (local: always; Firebase: validSince through
	 * the admin API where credentials allow, i.e. the emulator).  ID
	 * tokens are refused by h_auth.c itself: auth_time <=
	 * users.tokens_valid_after, which also catches a Firebase refresh
	 * after sign-out (refreshed tokens keep the old auth_time).
	 */
	enum err	(*revoke)(struct req *, const char *uid);
	/* Remove the account just created by sign_up (compensation when
	 * the database step fails); s is what sign_up returned. */
	enum err	(*delete_account)(struct req *,
			    const struct prov_session *s);
};

extern const struct provider provider_local;
extern const struct provider provider_firebase;

#endif
