/*
 * krow-auth: the local identity provider and the token check of the
 * gateway.  nginx sends /auth/ here, and asks /_auth/verify (through its
 * internal auth_request location) about the bearer token of every other
 * route.  The SQL and the routes are tables; the handlers are in h_auth.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "conf.h"
#include "router.h"
#include "auth.h"

/*
 * Every user lookup joins the tenant, so a suspended tenant locks out all
 * of its users at once.  The local provider's uid is users.provider_uid
 * with provider 'local'.
 */
static const char *const stmts[STMT__MAX] = {
	[STMT_USER_BY_UID] =
	    "SELECT " AUTH_IDENT_COLS ","
	    " to_timestamp($3::bigint) <= u.tokens_valid_after"
	    " FROM users u JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.provider = $1 AND u.provider_uid = $2",
	[STMT_ACCOUNT_BY_EMAIL] =
	    "SELECT " AUTH_IDENT_COLS ","
	    " a.password_hash, a.disabled,"
	    " a.locked_until IS NOT NULL AND a.locked_until > now(),"
	    " CASE WHEN isfinite(u.tokens_valid_after)"
	    "  THEN floor(extract(epoch FROM u.tokens_valid_after))::bigint"
	    "  ELSE 0 END"
	    " FROM local_accounts a"
	    " JOIN users u ON u.provider = 'local' AND u.provider_uid = a.uid"
	    "  AND u.actor = 'client'"
	    " JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE a.email = $1::citext",
	/* The failure that reaches the limit locks and starts over. */
	[STMT_SIGN_IN_FAILED] =
	    "UPDATE local_accounts SET"
	    " failed_attempts = CASE WHEN failed_attempts + 1 >= $2::int"
	    "  THEN 0 ELSE failed_attempts + 1 END,"
	    " locked_until = CASE WHEN failed_attempts + 1 >= $2::int"
	    "  THEN now() + $3::int * interval '1 second'"
	    "  ELSE locked_until END,"
	    " updated_at = now()"
	    " WHERE uid = $1"
	    " RETURNING locked_until IS NOT NULL AND locked_until > now()",
	[STMT_SIGN_IN_OK] =
	    "WITH a AS (UPDATE local_accounts SET failed_attempts = 0,"
	    "  locked_until = NULL, updated_at = now() WHERE uid = $1)"
	    " UPDATE users SET last_sign_in_at = now()"
	    " WHERE provider = 'local' AND provider_uid = $1",
	[STMT_REFRESH_INSERT] =
	    "INSERT INTO local_refresh_tokens (uid, token_hash, expires_at)"
	    " VALUES ($1, decode($2, 'hex'),"
	    "  now() + $3::int * interval '1 second')",
	[STMT_REFRESH_LOOKUP] =
	    "SELECT " AUTH_IDENT_COLS ","
	    " r.id::text, r.used_at IS NOT NULL,"
	    " r.revoked_at IS NOT NULL OR r.expires_at <= now(),"
	    " a.disabled,"
	    " CASE WHEN isfinite(u.last_sign_in_at)"
	    "  THEN floor(extract(epoch FROM u.last_sign_in_at))::bigint"
	    "  ELSE 0 END,"
	    " CASE WHEN isfinite(u.tokens_valid_after)"
	    "  THEN floor(extract(epoch FROM u.tokens_valid_after))::bigint"
	    "  ELSE 0 END"
	    " FROM local_refresh_tokens r"
	    " JOIN local_accounts a ON a.uid = r.uid"
	    " JOIN users u ON u.provider = 'local' AND u.provider_uid = r.uid"
	    " JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE r.token_hash = decode($1, 'hex')"
	    " FOR UPDATE OF r",
	[STMT_REFRESH_USE] =
	    "UPDATE local_refresh_tokens SET used_at = now()"
	    " WHERE id = $1::uuid",
	[STMT_REFRESH_REVOKE_ALL] =
	    "UPDATE local_refresh_tokens SET revoked_at = now()"
	    " WHERE uid = $1 AND revoked_at IS NULL",
	[STMT_SIGN_OUT] =
	    "UPDATE users SET tokens_valid_after = now(), updated_at = now()"
	    " WHERE id = $1::uuid",
	[STMT_AUDIT] =
	    "INSERT INTO audit_events (tenant_id, actor_user_id, action,"
	    " target_type, target_id, request_id, summary)"
	    " VALUES ($1::uuid, $2::uuid, $3, 'user', $4, $5::uuid,"
	    "  $6::jsonb)",
};

/*
 * All routes are ROUTE_PUBLIC for the dispatcher: nginx does not put
 * /auth/ behind auth_request, so no identity params arrive here.  The
 * sign-out and session routes check the bearer token themselves, with the
 * same code as /_auth/verify.  /_auth/verify is reachable only through
 * nginx's internal location.
 */
static const struct route routes[] = {
	{ "POST", "/auth/client/sign-in", h_sign_in,
	    ROUTE_PUBLIC | ROUTE_BODY_JSON },
	{ "POST", "/auth/refresh", h_refresh,
	    ROUTE_PUBLIC | ROUTE_BODY_JSON },
	{ "POST", "/auth/sign-out", h_sign_out, ROUTE_PUBLIC },
	{ "POST", "/auth/client/sign-out", h_client_sign_out, ROUTE_PUBLIC },
	{ "POST", "/auth/staff/sign-out", h_staff_sign_out, ROUTE_PUBLIC },
	{ "GET", "/auth/session", h_session, ROUTE_PUBLIC },
	{ "GET", "/auth/.well-known/jwks.json", h_jwks, ROUTE_PUBLIC },
	{ "GET", "/auth/health", app_health, ROUTE_PUBLIC },
	/*
	 * nginx passes the client's method to the auth_request subrequest
	 * ($request_method is the main request's): answer them all.
	 */
	{ "GET", "/_auth/verify", h_verify, ROUTE_PUBLIC },
	{ "HEAD", "/_auth/verify", h_verify, ROUTE_PUBLIC },
	{ "POST", "/_auth/verify", h_verify, ROUTE_PUBLIC },
	{ "PUT", "/_auth/verify", h_verify, ROUTE_PUBLIC },
	{ "PATCH", "/_auth/verify", h_verify, ROUTE_PUBLIC },
	{ "DELETE", "/_auth/verify", h_verify, ROUTE_PUBLIC },
	{ "OPTIONS", "/_auth/verify", h_verify, ROUTE_PUBLIC },
};

static const struct app auth_app = {
	.name = "krow-auth",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = stmts,
	.nstmts = STMT__MAX,
	.db_key = CONF_DB_URL,
	.init = auth_init,
	.fini = auth_fini,
};

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--hash-password") == 0)
		return auth_hash_password(stdin, stdout);
	return app_main(&auth_app, argc, argv);
}
