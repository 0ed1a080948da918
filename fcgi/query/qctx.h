/*
 * qctx: the parameters of one krow-query read on their way to its
 * prepared statement (see qctx.c for the pattern every read follows).
 */
#ifndef KROW_QCTX_H
#define KROW_QCTX_H

#include <stddef.h>

struct json_object;
struct req;

#define QCTX_NPARAMS	16

struct qctx {
	struct req		*r;
	struct json_object	*details;	/* bad fields; NULL: none */
	const char		*params[QCTX_NPARAMS];
	size_t			 n;
};

/* Whose data a read is scoped to (the second statement parameter). */
enum qctx_scope {
	QCTX_CLIENT,	/* the caller's business */
	QCTX_STAFF,	/* the caller's staff id */
	QCTX_ADMIN	/* the path's tenantId (checked against the caller's) */
};

int	 qctx_begin(struct req *, struct qctx *, const char *const *allowed,
	    enum qctx_scope);
/* Record a bad field (the first reason per field is kept). */
void	 qctx_bad(struct qctx *, const char *field, const char *why);
/* Append a statement parameter (NULL is SQL NULL). */
void	 qctx_push(struct qctx *, const char *v);
/* Path parameter name, a UUID.  Pushes it (NULL when bad). */
void	 qctx_path_uuid(struct qctx *, const char *name);
/* Optional UUID query parameter.  Pushes it or NULL. */
void	 qctx_opt_uuid(struct qctx *, const char *name);
/* Optional enum query parameter: one word of the '|'-separated list (or,
 * with multi, a comma-separated list of them); def when absent. */
void	 qctx_opt_enum(struct qctx *, const char *name, const char *list,
	    int multi, const char *def);
/* limit: 1..200, default 50.  Pushes it. */
void	 qctx_page_limit(struct qctx *);
/* cursor: the opaque keyset cursor of a list; kinds names each key's
 * type ('s' text, 'u' UUID, 'd' date, 't' timestamp, 'i' integer).
 * Pushes one parameter per key (NULL without a cursor). */
void	 qctx_page_cursor(struct qctx *, const char *kinds);
/* query_max_range_days. */
int	 qctx_range_days_max(const struct req *);
/* 400 with every bad field, else run stmt and answer its one JSON text;
 * no row or NULL gives 404 with notfound. */
int	 qctx_finish(struct qctx *, int stmt, const char *notfound);
/* A handler's single exit: frees details not handed to req_fail(). */
int	 qctx_release(struct qctx *, int rc);

#endif
