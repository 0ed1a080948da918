/*
 * req: one FastCGI request.  Everything hanging off it lives until the end
 * of the request: strings point into the FastCGI params or the arena.
 * Identity comes only from the KROW_* params that nginx sets from the
 * auth_request answer, never from client headers, the URL or the body.
 */
#ifndef KROW_REQ_H
#define KROW_REQ_H

#include <stddef.h>

#include "err.h"
#include "router.h"

struct arena;
struct conf;
struct db;
struct json_object;
struct resp;

struct req_ident {
	const char	*user_id;	/* NULL when the param is absent or empty */
	const char	*tenant_id;
	const char	*actor;		/* "client" | "staff" | "admin" */
	const char	*business_id;
	const char	*staff_id;
	const char	*role;		/* owner|admin|manager|viewer for clients */
};

struct req_kv {
	const char	*key;
	const char	*val;
	size_t		 vallen;
};

struct req {
	struct arena		*arena;
	char			**envp;		/* FastCGI params */
	void			*in;		/* FCGX_Stream * of the body */
	const struct conf	*conf;
	struct db		*db;		/* the process's connection, or NULL */
	void			*app;		/* program state (struct app .init) */
	struct resp		*resp;

	const char		*method;
	const char		*path;		/* DOCUMENT_URI: decoded, no query */
	const char		*query;		/* QUERY_STRING, never NULL */
	const char		*request_id;	/* KROW_REQUEST_ID, or generated */
	struct req_ident	 id;

	const struct route	*route;
	struct router_params	 params;

	/* Filled lazily by req_body(), req_json(), req_query(). */
	char			*body;		/* NUL-terminated copy */
	size_t			 bodylen;
	int			 body_read;
	struct json_object	*json;		/* owned by an arena cleanup */
	struct req_kv		*qs;
	size_t			 nqs;
	int			 qs_parsed;

	/* Set by req_fail() for the envelope. */
	const char		*err_message;
	struct json_object	*err_details;	/* owned by an arena cleanup */
};

/* A FastCGI param, or NULL. */
const char	*req_env(const struct req *, const char *name);
/* A path parameter captured by the router (":orderId"), or NULL. */
const char	*req_param(const struct req *, const char *name);
/*
 * The query string, percent-decoded ('+' is a space).  req_query_parse()
 * parses it once (later calls are free) and gives ERR_BADREQ on a
 * malformed escape or invalid UTF-8; the dispatcher calls it before any
 * handler runs.  req_query() returns the first value of key, or NULL when
 * the key is absent.
 */
enum err	 req_query_parse(struct req *);
const char	*req_query(struct req *, const char *key);
/*
 * Read the body (once).  CONTENT_LENGTH must be a plain decimal number;
 * over max gives ERR_TOOLARGE without reading, fewer bytes than announced
 * ERR_BADREQ.
 */
enum err	 req_body(struct req *, size_t max);
/*
 * The body as a JSON object: reads it (req_body with the configured
 * body_max), checks UTF-8, parses with the exact length, requires an
 * object at the top.  *out is borrowed (freed with the arena).
 * ERR_BADREQ with a message on malformed input.
 */
enum err	 req_json(struct req *, struct json_object **out);
/*
 * Record the message (may be NULL: default) and details (may be NULL;
 * taken over: released with the arena) of the error envelope; returns e
 * so that handlers can `return req_fail(r, ERR_NOTFOUND, "no such order",
 * NULL);`.
 */
int		 req_fail(struct req *, enum err e, const char *message,
		    struct json_object *details);

/* Percent-decode src[0..len) into dst (at least len + 1 bytes); plus as
 * space when plus is set.  Returns the decoded length, or -1 on a bad
 * escape. */
long		 req_urldecode(char *dst, const char *src, size_t len, int plus);

#endif
