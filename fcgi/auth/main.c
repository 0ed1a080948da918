/*
 * krow-auth: sign-up, sign-in and sessions through the configured identity
 * provider (local or firebase), and the token check of the gateway.  nginx
 * sends /auth/ here, and asks /_auth/verify (through its internal
 * auth_request location) about the bearer token of every other route.
 * The SQL and the routes are tables; the handlers are in h_auth.c, the
 * local provider in provider_local.c.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "conf.h"
#include "router.h"
#include "auth.h"

/* The FROM of AUTH_IDENT_COLS for a users row just written by a CTE named
 * u (an INSERT or UPDATE ... RETURNING *). */
#define IDENT_FROM_U	" FROM u JOIN tenants t ON t.id = u.tenant_id"
/* A failure counter's window has run out ($3: its length in seconds). */
#define WINDOW_OVER						\
	"l.window_start <= now() - $3::int * interval '1 second'"
/* The failure that a counter update makes: the window's first or next. */
#define NEXT_FAILURE	"(CASE WHEN " WINDOW_OVER " THEN 1"		\
			" ELSE l.failures + 1 END)"
/* tokens_valid_after of the local uid's users row, whole seconds, 0 none */
#define LOCAL_TVA							\
	"CASE WHEN isfinite(u.tokens_valid_after)"			\
	" THEN floor(extract(epoch FROM u.tokens_valid_after))::bigint"	\
	" ELSE 0 END"

/*
 * Every user lookup joins the tenant, so a suspended tenant locks out all
 * of its users at once.  Statements that write are run inside the
 * caller's transaction, together with their audit row.
 */
static const char *const stmts[STMT__MAX] = {
	[STMT_USER_BY_UID] =
	    "SELECT " AUTH_IDENT_COLS
	    " FROM users u JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.provider = $1 AND u.provider_uid = $2",
	[STMT_USER_SIGNED_IN] =
	    "UPDATE users SET last_sign_in_at = now() WHERE id = $1::uuid",
	[STMT_SIGN_OUT] =
	    "UPDATE users SET tokens_valid_after = now(), updated_at = now()"
	    " WHERE id = $1::uuid"
	    " RETURNING floor(extract(epoch FROM tokens_valid_after))::bigint",
	[STMT_AUDIT] =
	    "INSERT INTO audit_events (tenant_id, actor_user_id, action,"
	    " target_type, target_id, request_id, summary)"
	    " VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::uuid, $7::jsonb)",
	[STMT_LOCK_STATE] =
	    "SELECT CASE WHEN locked_until > now()"
	    "  THEN ceil(extract(epoch FROM locked_until - now()))::bigint"
	    "  ELSE 0 END"
	    " FROM auth_lockouts WHERE key = $1",
	/*
	 * Count a failure in the window of $3 seconds; the $2-th locks the
	 * key for $3 seconds and starts the count over.
	 */
	[STMT_LOCK_FAIL] =
	    "INSERT INTO auth_lockouts AS l (key, failures, window_start,"
	    " locked_until, updated_at)"
	    " VALUES ($1, CASE WHEN $2::int <= 1 THEN 0 ELSE 1 END, now(),"
	    "  CASE WHEN $2::int <= 1"
	    "   THEN now() + $3::int * interval '1 second' END, now())"
	    " ON CONFLICT (key) DO UPDATE SET"
	    " failures = CASE WHEN " NEXT_FAILURE " >= $2::int THEN 0"
	    "  ELSE " NEXT_FAILURE " END,"
	    " window_start = CASE WHEN " NEXT_FAILURE " >= $2::int"
	    "  OR " WINDOW_OVER " THEN now() ELSE l.window_start END,"
	    " locked_until = CASE WHEN " NEXT_FAILURE " >= $2::int"
	    "  THEN now() + $3::int * interval '1 second'"
	    "  ELSE l.locked_until END,"
	    " updated_at = now()"
	    " RETURNING coalesce(locked_until > now(), false),"
	    "  CASE WHEN locked_until > now()"
	    "  THEN ceil(extract(epoch FROM locked_until - now()))::bigint"
	    "  ELSE 0 END",
	[STMT_LOCK_CLEAR] =
	    "DELETE FROM auth_lockouts WHERE key = $1",
	/* Counters idle for a day and not locked tell nothing any more. */
	[STMT_LOCK_GC] =
	    "DELETE FROM auth_lockouts WHERE key IN (SELECT key"
	    "  FROM auth_lockouts WHERE updated_at < now() - interval '1 day'"
	    "  AND (locked_until IS NULL OR locked_until < now())"
	    "  ORDER BY updated_at LIMIT 50 FOR UPDATE SKIP LOCKED)",
	/* Count one more use in the window; no row when over the limit. */
	[STMT_THROTTLE] =
	    "INSERT INTO auth_lockouts AS l (key, failures, window_start,"
	    " updated_at)"
	    " VALUES ($1, 1, now(), now())"
	    " ON CONFLICT (key) DO UPDATE SET"
	    " failures = " NEXT_FAILURE ","
	    " window_start = CASE WHEN " WINDOW_OVER " THEN now()"
	    "  ELSE l.window_start END,"
	    " updated_at = now()"
	    " WHERE " WINDOW_OVER " OR l.failures < $2::int"
	    " RETURNING failures",
	[STMT_THROTTLE_WAIT] =
	    "SELECT greatest(1, ceil(extract(epoch FROM window_start"
	    "  + $2::int * interval '1 second' - now())))::bigint"
	    " FROM auth_lockouts WHERE key = $1",
	[STMT_PHONE_SESSION_ADD] =
	    "INSERT INTO auth_phone_sessions (session_hash, phone, expires_at)"
	    " VALUES (decode($1, 'hex'), $2,"
	    "  now() + $3::int * interval '1 second')",
	[STMT_PHONE_SESSION_GET] =
	    "SELECT phone, used_at IS NULL AND expires_at > now()"
	    " FROM auth_phone_sessions WHERE session_hash = decode($1, 'hex')"
	    " FOR UPDATE",
	[STMT_PHONE_SESSION_USE] =
	    "UPDATE auth_phone_sessions SET used_at = now()"
	    " WHERE session_hash = decode($1, 'hex')",
	[STMT_PHONE_SESSION_GC] =
	    "DELETE FROM auth_phone_sessions WHERE phone = $1"
	    " AND (used_at IS NOT NULL OR expires_at <= now())",
	[STMT_TENANT_BY_SLUG] =
	    "SELECT id::text, status = 'active' FROM tenants WHERE slug = $1",
	[STMT_BUSINESS_INSERT] =
	    "INSERT INTO businesses (tenant_id, name, email, phone)"
	    " VALUES ($1::uuid, $2, $3::citext, $4) RETURNING id::text",
	[STMT_CLIENT_INSERT] =
	    "WITH u AS (INSERT INTO users (tenant_id, provider, provider_uid,"
	    "  actor, business_id, role, email, display_name)"
	    "  VALUES ($1::uuid, $2, $3, 'client', $4::uuid, 'owner',"
	    "  $5::citext, $6) RETURNING *)"
	    " SELECT " AUTH_IDENT_COLS IDENT_FROM_U,
	/*
	 * The staff profile a verified phone number belongs to: one of the
	 * self sign-up tenant first, then the oldest.
	 */
	[STMT_STAFF_FIND] =
	    "SELECT s.id::text, s.tenant_id::text, u.id::text,"
	    " nullif(concat_ws(' ', s.first_name, s.last_name), '')"
	    " FROM staff s JOIN tenants t ON t.id = s.tenant_id"
	    " LEFT JOIN users u ON u.staff_id = s.id"
	    " WHERE s.phone = $1 AND s.status <> 'archived'"
	    "  AND t.status = 'active'"
	    " ORDER BY t.slug = $2 DESC, s.created_at, s.id"
	    " LIMIT 1 FOR UPDATE OF s",
	[STMT_STAFF_USER_INSERT] =
	    "WITH u AS (INSERT INTO users (tenant_id, provider, provider_uid,"
	    "  actor, staff_id, phone, display_name)"
	    "  VALUES ($1::uuid, $2, $3, 'staff', $4::uuid, $5, $6)"
	    "  RETURNING *)"
	    " SELECT " AUTH_IDENT_COLS IDENT_FROM_U,
	[STMT_STAFF_USER_REPOINT] =
	    "WITH o AS (SELECT id, provider, provider_uid FROM users"
	    "  WHERE id = $1::uuid FOR UPDATE),"
	    " u AS (UPDATE users SET provider = $2, provider_uid = $3,"
	    "  updated_at = now() FROM o WHERE users.id = o.id"
	    "  RETURNING users.*)"
	    " SELECT " AUTH_IDENT_COLS ", o.provider, o.provider_uid"
	    IDENT_FROM_U " JOIN o ON o.id = u.id",
	[STMT_STAFF_SELF_SIGN_UP] =
	    "WITH s AS (INSERT INTO staff (tenant_id, vendor_id, phone,"
	    "  status)"
	    "  SELECT t.id, v.id, $3, 'onboarding' FROM tenants t"
	    "  JOIN vendors v ON v.tenant_id = t.id"
	    "  WHERE t.slug = $1 AND t.status = 'active'"
	    "  AND v.id = $2::uuid AND v.status = 'active'"
	    "  RETURNING id, tenant_id),"
	    " u AS (INSERT INTO users (tenant_id, provider, provider_uid,"
	    "  actor, staff_id, phone)"
	    "  SELECT s.tenant_id, $4, $5, 'staff', s.id, $3 FROM s"
	    "  RETURNING *)"
	    " SELECT " AUTH_IDENT_COLS IDENT_FROM_U,

	[STMT_LOCAL_BY_EMAIL] =
	    "SELECT a.uid, a.email::text, a.phone, a.password_hash,"
	    " a.disabled, " LOCAL_TVA
	    " FROM local_accounts a"
	    " LEFT JOIN users u ON u.provider = 'local'"
	    "  AND u.provider_uid = a.uid"
	    " WHERE a.email = $1::citext",
	[STMT_LOCAL_BY_PHONE] =
	    "SELECT a.uid, a.email::text, a.phone, a.password_hash,"
	    " a.disabled, " LOCAL_TVA
	    " FROM local_accounts a"
	    " LEFT JOIN users u ON u.provider = 'local'"
	    "  AND u.provider_uid = a.uid"
	    " WHERE a.phone = $1",
	[STMT_LOCAL_INSERT] =
	    "INSERT INTO local_accounts (uid, email, phone, password_hash)"
	    " VALUES ($1, $2::citext, $3, $4)",
	[STMT_LOCAL_DELETE] =
	    "DELETE FROM local_accounts WHERE uid = $1",
	[STMT_LOCAL_REFRESH_INSERT] =
	    "INSERT INTO local_refresh_tokens (uid, token_hash, expires_at,"
	    " auth_time)"
	    " VALUES ($1, decode($2, 'hex'),"
	    "  now() + $3::int * interval '1 second',"
	    "  to_timestamp($4::bigint))",
	[STMT_LOCAL_REFRESH_LOOKUP] =
	    "SELECT r.id::text, r.uid, a.email::text, a.phone,"
	    " r.used_at IS NOT NULL,"
	    " r.revoked_at IS NOT NULL OR r.expires_at <= now(),"
	    " a.disabled,"
	    " floor(extract(epoch FROM coalesce(r.auth_time,"
	    "  r.created_at)))::bigint"
	    " FROM local_refresh_tokens r"
	    " JOIN local_accounts a ON a.uid = r.uid"
	    " WHERE r.token_hash = decode($1, 'hex')"
	    " FOR UPDATE OF r",
	[STMT_LOCAL_REFRESH_USE] =
	    "UPDATE local_refresh_tokens SET used_at = now()"
	    " WHERE id = $1::uuid",
	[STMT_LOCAL_REFRESH_REVOKE_ALL] =
	    "UPDATE local_refresh_tokens SET revoked_at = now()"
	    " WHERE uid = $1 AND revoked_at IS NULL",
	[STMT_LOCAL_CODE_INSERT] =
	    "INSERT INTO local_phone_codes (session_hash, phone, code_hash,"
	    " expires_at)"
	    " VALUES (decode($1, 'hex'), $2, decode($3, 'hex'),"
	    "  now() + $4::int * interval '1 second')",
	[STMT_LOCAL_CODE_LOOKUP] =
	    "SELECT phone, encode(code_hash, 'hex'),"
	    " used_at IS NULL AND expires_at > now() AND attempts < $2::int"
	    " FROM local_phone_codes WHERE session_hash = decode($1, 'hex')"
	    " FOR UPDATE",
	[STMT_LOCAL_CODE_FAILED] =
	    "UPDATE local_phone_codes SET attempts = attempts + 1"
	    " WHERE session_hash = decode($1, 'hex')",
	[STMT_LOCAL_CODE_USE] =
	    "UPDATE local_phone_codes SET used_at = now()"
	    " WHERE session_hash = decode($1, 'hex')",
	[STMT_LOCAL_CODE_GC] =
	    "DELETE FROM local_phone_codes WHERE phone = $1"
	    " AND (used_at IS NOT NULL OR expires_at <= now())",
	/* One row, whether or not the uid has a users row. */
	[STMT_LOCAL_AUDIT_REUSE] =
	    "INSERT INTO audit_events (tenant_id, actor_user_id, action,"
	    " target_type, target_id, request_id, summary)"
	    " SELECT u.tenant_id, u.id, 'auth.refresh_reused',"
	    "  CASE WHEN u.id IS NULL THEN 'local_account' ELSE 'user' END,"
	    "  coalesce(u.id::text, $1), $2::uuid,"
	    "  jsonb_build_object('provider', 'local')"
	    " FROM (SELECT 1) x LEFT JOIN users u ON u.provider = 'local'"
	    "  AND u.provider_uid = $1",
};

/*
 * All routes are ROUTE_PUBLIC for the dispatcher: nginx does not put
 * /auth/ behind auth_request, so no identity params arrive here.  The
 * sign-out and session routes check the bearer token themselves, with the
 * same code as /_auth/verify.  /_auth/verify is reachable only through
 * nginx's internal location.
 */
static const struct route routes[] = {
	{ "POST", "/auth/client/sign-up", h_sign_up,
	    ROUTE_PUBLIC | ROUTE_BODY_JSON },
	{ "POST", "/auth/client/sign-in", h_sign_in,
	    ROUTE_PUBLIC | ROUTE_BODY_JSON },
	{ "POST", "/auth/staff/phone/start", h_phone_start,
	    ROUTE_PUBLIC | ROUTE_BODY_JSON },
	{ "POST", "/auth/staff/phone/verify", h_phone_verify,
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
		return provider_local_hash_password(stdin, stdout);
	return app_main(&auth_app, argc, argv);
}
