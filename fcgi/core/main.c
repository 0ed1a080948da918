/*
 * krow-core: the pool behind /core/ (files, signed URLs, model calls,
 * verification helpers).  This slice serves its health check only; the
 * other routes come with their own issues.
 */
#include "config.h"

#include <stddef.h>

#include "app.h"
#include "conf.h"
#include "router.h"

static const struct route routes[] = {
	{ "GET", "/core/health", app_health, ROUTE_PUBLIC },
};

static const struct app core_app = {
	.name = "krow-core",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = NULL,
	.nstmts = 0,
	.db_key = CONF_DB_URL,
	.init = NULL,
	.fini = NULL,
};

/* Serve the routes above on the FastCGI socket (see app_main()). */
int
main(int argc, char **argv)
{
	return app_main(&core_app, argc, argv);
}
