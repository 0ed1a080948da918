/*
 * krow-command: the write pool behind /commands/ (business writes and
 * workflow actions, each under an Idempotency-Key).  This slice serves its
 * health check only; the commands come with their own issues.
 */
#include "config.h"

#include <stddef.h>

#include "app.h"
#include "conf.h"
#include "router.h"

static const struct route routes[] = {
	{ "GET", "/commands/health", app_health, ROUTE_PUBLIC },
};

static const struct app command_app = {
	.name = "krow-command",
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
	return app_main(&command_app, argc, argv);
}
