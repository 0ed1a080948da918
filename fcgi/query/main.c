/*
 * krow-query: the read pool behind /query/.  Screens and mobile read
 * models; every read is scoped by the caller's identity (tenant, business
 * or staff) that nginx passes as FastCGI params, never by the URL.
 */
#include "config.h"

#include <stddef.h>

#include "app.h"
#include "conf.h"
#include "router.h"
#include "query.h"

/*
 * Each statement answers one screen with one row holding the whole JSON
 * document, built by PostgreSQL (json_build_object): the C copies the text
 * into the response.  Every statement repeats the identity in its WHERE
 * clause (user, business or staff, tenant) so that no row of another
 * tenant or business can be reached even through a bad join.
 */
static const char *const stmts[STMT__MAX] = {
	[STMT_CLIENT_SESSION] =
	    "SELECT json_build_object("
	    " 'user', json_build_object("
	    "  'userId', u.id::text,"
	    "  'email', u.email::text,"
	    "  'displayName', u.display_name,"
	    "  'role', u.role),"
	    " 'business', json_build_object("
	    "  'businessId', b.id::text,"
	    "  'name', b.name,"
	    "  'currency', b.currency::text,"
	    "  'status', b.status),"
	    " 'tenant', json_build_object("
	    "  'tenantId', t.id::text,"
	    "  'name', t.name))::text"
	    " FROM users u"
	    " JOIN businesses b"
	    "  ON b.id = u.business_id AND b.tenant_id = u.tenant_id"
	    " JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = $1::uuid AND u.business_id = $2::uuid"
	    " AND u.tenant_id = $3::uuid AND u.actor = 'client'",
	[STMT_STAFF_SESSION] =
	    "SELECT json_build_object("
	    " 'user', json_build_object("
	    "  'userId', u.id::text,"
	    "  'phone', u.phone,"
	    "  'email', u.email::text,"
	    "  'displayName', u.display_name),"
	    " 'staff', json_build_object("
	    "  'staffId', s.id::text,"
	    "  'firstName', s.first_name,"
	    "  'lastName', s.last_name,"
	    "  'status', s.status,"
	    "  'vendor', json_build_object("
	    "   'vendorId', v.id::text,"
	    "   'name', v.name)),"
	    " 'tenant', json_build_object("
	    "  'tenantId', t.id::text,"
	    "  'name', t.name))::text"
	    " FROM users u"
	    " JOIN staff s ON s.id = u.staff_id AND s.tenant_id = u.tenant_id"
	    " JOIN vendors v"
	    "  ON v.id = s.vendor_id AND v.tenant_id = s.tenant_id"
	    " JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = $1::uuid AND u.staff_id = $2::uuid"
	    " AND u.tenant_id = $3::uuid AND u.actor = 'staff'",
};

static const struct route routes[] = {
	{ "GET", "/query/health", app_health, ROUTE_PUBLIC },
	{ "GET", "/query/client/session", h_client_session, ROUTE_CLIENT },
	{ "GET", "/query/staff/session", h_staff_session, ROUTE_STAFF },
};

static const struct app query_app = {
	.name = "krow-query",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = stmts,
	.nstmts = STMT__MAX,
	.db_key = CONF_DB_QUERY_URL,
	.init = NULL,
	.fini = NULL,
};

/* Serve the routes above on the FastCGI socket (see app_main()). */
int
main(int argc, char **argv)
{
	return app_main(&query_app, argc, argv);
}
