/*
 * app: the start-up and FastCGI accept loop shared by every program.
 *
 * app_main() reads the command line and the configuration, opens the
 * database handle, then serves one request at a time on fd 0 (the
 * listening socket spawn-fcgi hands over) until SIGTERM or SIGINT.
 * Each request goes through dispatch(): route, identity and actor
 * checks, query string, content type, Idempotency-Key (ROUTE_IDEMPOTENT:
 * idem_begin() before and idem_finish() after the handler, which then
 * runs inside one transaction), handler; its response is written
 * whole, one access line is logged, and the arena is reset.
 */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <fcgiapp.h>

#include "app.h"
#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "idem.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "router.h"
#include "uuid.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define APP_ALLOWMAX	128	/* bytes of the Allow header */

/*
 * The running program, for app_health(): process configuration set once
 * by app_main(), not request state.
 */
static const struct app		*app_running;
/* Set by SIGTERM/SIGINT: finish the current request, then exit. */
static volatile sig_atomic_t	 app_stop;

static void
on_signal(int sig)
{
	(void)sig;
	app_stop = 1;
	FCGX_ShutdownPending();
}

static void
usage(const struct app *app, FILE *f)
{
	fprintf(f, "usage: %s [-c file] [--check-config] [--config-get key] "
	    "[--config-reference] [--routes] [--version]\n", app->name);
}

/* A FastCGI param, NULL when absent or empty. */
static const char *
env_nonempty(const struct req *r, const char *name)
{
	const char	*v;

	v = req_env(r, name);
	return v != NULL && *v != '\0' ? v : NULL;
}

/*
 * The media type of a Content-Type value is application/json (any case),
 * optionally followed by parameters ("; charset=utf-8").
 */
static int
ctype_is_json(const char *ct)
{
	static const char	 json[] = "application/json";
	size_t			 n = sizeof(json) - 1;

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, json, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * NULL when the caller's actor may use a route with these flags, else
 * the message of the 403 ("this route is for client or admin users").
 */
static const char *
actor_denied(struct arena *a, unsigned flags, const char *actor)
{
	static const struct {
		unsigned	 flag;
		const char	*name;
	} actors[] = {
		{ ROUTE_CLIENT, "client" },
		{ ROUTE_STAFF, "staff" },
		{ ROUTE_ADMIN, "admin" },
	};
	const char	*w[3];
	size_t		 i, n;

	for (i = n = 0; i < sizeof(actors) / sizeof(actors[0]); i++) {
		if (!(flags & actors[i].flag))
			continue;
		if (actor != NULL && strcmp(actor, actors[i].name) == 0)
			return NULL;
		w[n++] = actors[i].name;
	}
	switch (n) {
	case 0:
		return NULL;
	case 1:
		return arena_printf(a, "this route is for %s users", w[0]);
	case 2:
		return arena_printf(a, "this route is for %s or %s users",
		    w[0], w[1]);
	default:
		return arena_printf(a, "this route is for %s, %s or %s users",
		    w[0], w[1], w[2]);
	}
}

/* The request path: DOCUMENT_URI, else SCRIPT_NAME, else REQUEST_URI
 * without its query string. */
static const char *
request_path(struct req *r)
{
	const char	*p, *q;

	if ((p = env_nonempty(r, "DOCUMENT_URI")) != NULL ||
	    (p = env_nonempty(r, "SCRIPT_NAME")) != NULL)
		return p;
	if ((p = env_nonempty(r, "REQUEST_URI")) == NULL)
		return "";
	if ((q = strchr(p, '?')) == NULL)
		return p;
	return arena_strndup(r->arena, p, (size_t)(q - p));
}

/* KROW_REQUEST_ID when it is a UUID, else a fresh one in the arena. */
static const char *
request_id(struct req *r)
{
	const char	*id;
	char		*gen;

	id = req_env(r, "KROW_REQUEST_ID");
	if (id != NULL && uuid_valid(id))
		return id;
	gen = arena_alloc(r->arena, UUID_STRLEN + 1);
	if (uuid_v4(gen) == -1) {
		log_msg(LOGLV_ERROR, "cannot generate a request id", NULL);
		memcpy(gen, "00000000-0000-0000-0000-000000000000",
		    UUID_STRLEN + 1);
	}
	return gen;
}

/*
 * Route r and run its handler, leaving the response (or the error
 * envelope) in r->resp.  routes are the program's table.
 */
static void
dispatch(const struct app *app, struct req *r)
{
	const struct route	*route;
	struct idem		 idem;
	const char		*msg;
	char			*scratch;
	char			 allow[APP_ALLOWMAX];
	enum router_result	 rr;
	int			 e;

	scratch = arena_strdup(r->arena, r->path);
	rr = router_match(app->routes, app->nroutes, r->method, r->path,
	    scratch, &route, &r->params, allow, sizeof(allow));
	if (rr == ROUTER_NOTFOUND) {
		resp_error(r->resp, ERR_NOTFOUND, "no such route", NULL,
		    r->request_id);
		return;
	}
	if (rr == ROUTER_METHOD) {
		resp_error(r->resp, ERR_METHOD, NULL, NULL, r->request_id);
		resp_header(r->resp, "Allow", allow);
		return;
	}
	r->route = route;

	if (!(route->flags & ROUTE_PUBLIC) && r->id.user_id == NULL) {
		/* nginx should have answered 401 itself: misconfigured. */
		log_msg(LOGLV_WARN, "no identity on a protected route",
		    "%s", route->pattern);
		resp_error(r->resp, ERR_UNAUTH, NULL, NULL, r->request_id);
		return;
	}
	if ((msg = actor_denied(r->arena, route->flags, r->id.actor)) !=
	    NULL) {
		resp_error(r->resp, ERR_FORBIDDEN, msg, NULL, r->request_id);
		return;
	}
	if ((e = req_query_parse(r)) != ERR_OK) {
		resp_error(r->resp, e, r->err_message, r->err_details,
		    r->request_id);
		return;
	}
	if ((route->flags & ROUTE_BODY_JSON) &&
	    !ctype_is_json(req_env(r, "CONTENT_TYPE"))) {
		resp_error(r->resp, ERR_MEDIATYPE,
		    "the body must be application/json", NULL,
		    r->request_id);
		return;
	}

	/* Idempotent routes run inside idem's transaction (idem.h). */
	if ((route->flags & ROUTE_IDEMPOTENT) &&
	    idem_begin(r, &idem) == IDEM_ANSWERED)
		return;

	e = route->handler(r);
	if (e < 0 || e >= ERR__MAX) {
		log_msg(LOGLV_ERROR, "handler returned an unknown error",
		    "%s %s: %d", route->method, route->pattern, e);
		e = ERR_INTERNAL;
	}
	if (e != ERR_OK)
		resp_error(r->resp, e, r->err_message, r->err_details,
		    r->request_id);
	else if (r->resp->status == 0) {
		log_msg(LOGLV_ERROR, "handler set no response", "%s %s",
		    route->method, route->pattern);
		resp_error(r->resp, ERR_INTERNAL, NULL, NULL, r->request_id);
	}
	if (route->flags & ROUTE_IDEMPOTENT)
		idem_finish(r, &idem);
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	if (clock_gettime(CLOCK_MONOTONIC, &t1) == -1)
		return 0;
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * Initialise libfcgi and check that fd 0 is a listening socket (as
 * spawn-fcgi passes it).  0, or -1 after logging why not.
 */
static int
fcgi_ready(void)
{
	if (FCGX_Init() != 0) {
		log_msg(LOGLV_ERROR, "cannot initialise libfcgi", NULL);
		return -1;
	}
	if (FCGX_IsCGI()) {
		log_msg(LOGLV_ERROR, "standard input is not a FastCGI socket",
		    "start the program with spawn-fcgi");
		return -1;
	}
	return 0;
}

/*
 * Serve requests on fd 0 until a signal asks to stop.  Returns the exit
 * status: 0 after a clean stop, 1 when accepting fails.
 */
static int
serve(const struct app *app, const struct conf *conf, struct db *db,
    void *state)
{
	FCGX_Request		 fr;
	struct sigaction	 sa;
	sigset_t		 stopset, oldset;
	struct resp		 resp;
	struct arena		*arena;
	struct req		 r;
	struct timespec		 t0;
	const char		*uri;
	int			 rc, sent;

	if (FCGX_InitRequest(&fr, 0, 0) != 0) {
		log_msg(LOGLV_ERROR, "cannot initialise the FastCGI request",
		    NULL);
		return 1;
	}

	/* No SA_RESTART: a signal makes accept() return. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1) {
		log_msg(LOGLV_ERROR, "cannot install signal handlers", NULL);
		return 1;
	}
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) == -1) {
		log_msg(LOGLV_ERROR, "cannot ignore SIGPIPE", NULL);
		return 1;
	}
	/*
	 * The stop signals are blocked while a request runs, so that they
	 * do not interrupt its reads and writes (libfcgi does not retry
	 * on EINTR); they are delivered while waiting in accept().
	 */
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stopset, &oldset) == -1) {
		log_msg(LOGLV_ERROR, "cannot block signals", NULL);
		return 1;
	}

	resp_init(&resp);
	arena = arena_new(0);
	rc = 0;
	log_msg(LOGLV_INFO, "started", "version %s", PACKAGE_VERSION);
	if (idem_bypassed)
		log_msg(LOGLV_WARN, "Idempotency-Key store bypassed",
		    "a --enable-idempotency-bypass build: for benchmarks only");

	for (;;) {
		sigprocmask(SIG_SETMASK, &oldset, NULL);
		if (app_stop)
			break;
		if (FCGX_Accept_r(&fr) < 0) {
			if (!app_stop) {
				log_msg(LOGLV_ERROR, "accept failed", NULL);
				rc = 1;
			}
			break;
		}
		sigprocmask(SIG_BLOCK, &stopset, NULL);
		if (clock_gettime(CLOCK_MONOTONIC, &t0) == -1)
			memset(&t0, 0, sizeof(t0));

		memset(&r, 0, sizeof(r));
		r.arena = arena;
		r.envp = fr.envp;
		r.in = fr.in;
		r.conf = conf;
		r.db = db;
		r.app = state;
		r.resp = &resp;
		r.method = req_env(&r, "REQUEST_METHOD");
		if (r.method == NULL)
			r.method = "";
		r.path = request_path(&r);
		r.query = req_env(&r, "QUERY_STRING");
		if (r.query == NULL)
			r.query = "";
		r.request_id = request_id(&r);
		r.id.user_id = env_nonempty(&r, "KROW_USER_ID");
		r.id.tenant_id = env_nonempty(&r, "KROW_TENANT_ID");
		r.id.actor = env_nonempty(&r, "KROW_ACTOR");
		r.id.business_id = env_nonempty(&r, "KROW_BUSINESS_ID");
		r.id.staff_id = env_nonempty(&r, "KROW_STAFF_ID");
		r.id.role = env_nonempty(&r, "KROW_ROLE");
		log_set_request(r.request_id);

		dispatch(app, &r);
		/*
		 * A handler that failed half-way must not leave its
		 * transaction open for the next request; free when none is.
		 */
		if (db != NULL)
			(void)db_rollback(db);

		sent = resp_send(&resp, fr.out, r.request_id);
		if (sent == -1)
			log_msg(LOGLV_INFO, "client went away", NULL);
		uri = req_env(&r, "REQUEST_URI");
		log_access(r.method, uri != NULL ? uri : r.path,
		    r.route != NULL ? r.route->pattern : "-", resp.status,
		    elapsed_ms(&t0));

		FCGX_Finish_r(&fr);
		resp_reset(&resp);
		arena_reset(arena);
		log_set_request(NULL);
	}

	log_msg(LOGLV_INFO, "stopped", NULL);
	resp_cleanup(&resp);
	arena_free(arena);
	return rc;
}

/*
 * `--routes`: the route table as "METHOD pattern" lines, so that tools
 * (the documentation test) can compare it with docs/openapi.json.
 */
static void
print_routes(const struct app *app, FILE *f)
{
	size_t	 i;

	for (i = 0; i < app->nroutes; i++)
		fprintf(f, "%s %s\n", app->routes[i].method,
		    app->routes[i].pattern);
}

/*
 * Run the program described by app; see app.h.  Returns 0 after a clean
 * stop or a successful command-line query, 1 on a configuration or
 * start-up error, 2 on a usage error.
 */
int
app_main(const struct app *app, int argc, char **argv)
{
	enum { MODE_SERVE, MODE_CHECK, MODE_GET, MODE_REFERENCE,
	    MODE_VERSION, MODE_ROUTES } mode;
	static const struct option longopts[] = {
		{ "check-config", no_argument, NULL, 'C' },
		{ "config-get", required_argument, NULL, 'G' },
		{ "config-reference", no_argument, NULL, 'R' },
		{ "version", no_argument, NULL, 'V' },
		{ "routes", no_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf	*conf;
	struct db	*db;
	const char	*cfile, *getkey, *conninfo;
	void		*state;
	char		 errbuf[512];
	int		 ch, key, level, rc, inited;

	mode = MODE_SERVE;
	cfile = getkey = NULL;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 'C':
			mode = MODE_CHECK;
			break;
		case 'G':
			mode = MODE_GET;
			getkey = optarg;
			break;
		case 'R':
			mode = MODE_REFERENCE;
			break;
		case 'V':
			mode = MODE_VERSION;
			break;
		case 'T':
			mode = MODE_ROUTES;
			break;
		case 'h':
			usage(app, stdout);
			return 0;
		default:
			usage(app, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(app, stderr);
		return 2;
	}

	if (mode == MODE_VERSION) {
		printf("%s %s\n", app->name, PACKAGE_VERSION);
		return 0;
	}
	if (mode == MODE_REFERENCE) {
		conf_reference(stdout);
		return 0;
	}
	if (mode == MODE_ROUTES) {
		print_routes(app, stdout);
		return 0;
	}
	key = -1;
	if (mode == MODE_GET && (key = conf_lookup(getkey)) < 0) {
		fprintf(stderr, "%s: unknown configuration key: %s\n",
		    app->name, getkey);
		return 1;
	}

	if (conf_load(&conf, cfile, errbuf, sizeof(errbuf)) == -1) {
		fprintf(stderr, "%s: %s\n", app->name, errbuf);
		return 1;
	}
	if (mode == MODE_CHECK) {
		printf("configuration ok\n");
		conf_free(conf);
		return 0;
	}
	if (mode == MODE_GET) {
		printf("%s\n", conf_str(conf, (enum conf_key)key));
		conf_free(conf);
		return 0;
	}

	if ((level = log_level_parse(conf_str(conf, CONF_LOG_LEVEL))) < 0)
		level = LOGLV_INFO;
	log_init(app->name, (enum log_level)level);
	app_running = app;

	rc = 1;
	db = NULL;
	state = NULL;
	inited = 0;
	if (fcgi_ready() == -1)
		goto out;
	if (app->init != NULL) {
		if (app->init(conf, &state) == -1) {
			log_msg(LOGLV_ERROR, "start-up failed", NULL);
			goto out;
		}
		inited = 1;
	}

	conninfo = conf_str(conf, app->db_key);
	if (app->db_key == CONF_DB_QUERY_URL && *conninfo == '\0')
		conninfo = conf_str(conf, CONF_DB_URL);
	if ((db = db_new(conninfo, app->stmts, app->nstmts)) == NULL) {
		log_msg(LOGLV_ERROR, "cannot create the database handle",
		    NULL);
		goto out;
	}
	/* The database may come up later: each request reconnects. */
	if (db_connect(db) != ERR_OK)
		log_msg(LOGLV_WARN, "database unavailable at start-up",
		    "requests will retry the connection");

	rc = serve(app, conf, db, state);
out:
	if (inited && app->fini != NULL)
		app->fini(state);
	db_free(db);
	conf_free(conf);
	app_running = NULL;
	return rc;
}

/*
 * GET …/health: 200 {"status":"ok",…,"database":"ok"}, or 503 with
 * "status":"degraded" and "database":"unavailable" when a "SELECT 1"
 * fails.  Needs no identity (route it with ROUTE_PUBLIC).
 */
int
app_health(struct req *r)
{
	struct buf	*b = &r->resp->body;
	const char	*name;
	int		 ok;

	name = app_running != NULL ? app_running->name : "";
	ok = r->db != NULL && db_ping(r->db) == ERR_OK;

	r->resp->status = ok ? 200 : 503;
	r->resp->ctype = "application/json";
	buf_reset(b);
	buf_puts(b, ok ? "{\"status\":\"ok\"" : "{\"status\":\"degraded\"");
	buf_puts(b, ",\"program\":");
	buf_json_str(b, name, strlen(name));
	buf_puts(b, ",\"version\":");
	buf_json_str(b, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
	buf_puts(b, ok ? ",\"database\":\"ok\"}" :
	    ",\"database\":\"unavailable\"}");
	return ERR_OK;
}
