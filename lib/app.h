/*
 * app: the FastCGI accept loop shared by every program.  A program is a
 * struct app (its name, route table, statement table, hooks) and a main()
 * that calls app_main().
 *
 * Per request, in this order: build struct req from the params; 404/405
 * envelope for an unknown path or method (with Allow); 401 when a
 * non-public route has no KROW_USER_ID (nginx misconfigured); 403 when the
 * route wants another actor; 400 on a malformed query string; 415 when a
 * JSON route gets another Content-Type; then the handler.  A handler
 * returns enum err: ERR_OK means it set the response; anything else becomes
 * the error envelope (with req_fail's message and details).  One access
 * log line per request; the arena is reset at the end of the loop.
 */
#ifndef KROW_APP_H
#define KROW_APP_H

#include <stddef.h>

#include "conf.h"
#include "router.h"

struct req;

struct app {
	const char		 *name;		/* "krow-query" */
	const struct route	 *routes;
	size_t			  nroutes;
	const char *const	 *stmts;	/* prepared statements */
	size_t			  nstmts;
	enum conf_key		  db_key;	/* CONF_DB_URL or CONF_DB_QUERY_URL */
	/* Optional: set up program state from the configuration; 0 or -1
	 * (start-up fails with the logged reason). */
	int			(*init)(const struct conf *, void **state);
	void			(*fini)(void *state);
};

/*
 * Command line: [-c file] [--check-config] [--config-get key]
 * [--config-reference] [--routes] [--version] [--help].  --routes prints
 * the route table ("METHOD pattern" lines).  Loads the configuration,
 * then serves FastCGI on fd 0 (the socket spawn-fcgi passes) until
 * SIGTERM.  Returns the exit status for main(): 0, 1 on a configuration
 * or start-up error, 2 on a usage error.
 */
int	app_main(const struct app *, int argc, char **argv);

/* GET …/health: {"status":"ok","program":…,"database":"ok"|"unavailable"}
 * (503 when the database is unreachable). */
int	app_health(struct req *);

#endif
