/*
 * qctx: the parameters of one krow-query read on their way to its
 * prepared statement (see qctx.c for the pattern every read follows).
 */
#ifndef KROW_QCTX_H
#define KROW_QCTX_H

#include <stddef.h>

struct json_object;
struct qcol;
struct req;

#define QCTX_NPARAMS	16

struct qctx {
	struct req		*r;
	int			 scope;		/* enum qctx_scope */
	struct json_object	*details;	/* bad fields; NULL: none */
	const char		*params[QCTX_NPARAMS];
	size_t			 n;
	long			 limit;		/* the page's; 0: none */
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

/*
 * from/to, pushed as two parameters.  flags: QCTX_INSTANTS takes RFC 3339
 * instants as well as dates; QCTX_TODAY makes a missing pair the span
 * days to today (UTC).  span > 0 makes one given alone a span of that
 * many days from (or to) it; span 0 leaves the other NULL.  Checks from
 * <= to and query_max_range_days.
 */
#define QCTX_INSTANTS	0x01
#define QCTX_TODAY	0x02
void	 qctx_range(struct qctx *, unsigned flags, int span);
/* q: an optional search text of 1 to 100 characters.  Pushes it or NULL. */
void	 qctx_search(struct qctx *);

/*
 * A read as data: the statement, the scope, the 404 message, and the
 * parameters in statement order from $4 on (what each QCTX_P_* entry
 * reads and pushes is the qctx_* function of the same name above; the
 * query keys a read accepts are those its entries read).  qctx_read()
 * is the whole handler of such a read.
 */
enum qctx_kind {
	QCTX_END = 0,
	QCTX_PATH,	/* name: a path UUID */
	QCTX_UUID,	/* name: an optional UUID */
	QCTX_ENUM,	/* name: one word of list, def when absent */
	QCTX_ENUMS,	/* name: a comma-separated list of them */
	QCTX_RANGE,	/* from, to: qctx_range(flags, n) */
	QCTX_SEARCH,	/* q */
	QCTX_PAGE,	/* limit, and cursor of the kinds in list */
	QCTX_SETTING	/* setting n's value (def without a configuration) */
};

struct qctx_param {
	enum qctx_kind	 kind;
	const char	*name;
	const char	*list;
	const char	*def;
	int		 n;
	unsigned	 flags;
};

#define QCTX_READ_MAXP	8

struct qctx_read {
	int			 stmt;
	enum qctx_scope		 scope;
	const char		*notfound;	/* the 404's message */
	struct qctx_param	 p[QCTX_READ_MAXP];
};

#define QCTX_P_PATH(NAME)	{ .kind = QCTX_PATH, .name = (NAME) }
#define QCTX_P_UUID(NAME)	{ .kind = QCTX_UUID, .name = (NAME) }
#define QCTX_P_ENUM(NAME, LIST, DEF) \
	{ .kind = QCTX_ENUM, .name = (NAME), .list = (LIST), .def = (DEF) }
#define QCTX_P_ENUMS(NAME, LIST, DEF) \
	{ .kind = QCTX_ENUMS, .name = (NAME), .list = (LIST), .def = (DEF) }
#define QCTX_P_RANGE(FLAGS, SPAN) \
	{ .kind = QCTX_RANGE, .flags = (FLAGS), .n = (SPAN) }
#define QCTX_P_SEARCH		{ .kind = QCTX_SEARCH, .name = "q" }
#define QCTX_P_PAGE(KINDS)	{ .kind = QCTX_PAGE, .list = (KINDS) }
#define QCTX_P_SETTING(KEY, DEF) \
	{ .kind = QCTX_SETTING, .n = (KEY), .def = (DEF) }

/*
 * The statement returns the whole document as one JSON text.  Reads of
 * a route flagged ROUTE_CACHED (client and staff reads only) go through
 * the query cache (qcache.h); so do those of qctx_rows().
 */
int	 qctx_read(struct req *, const struct qctx_read *);
/* A list read from rows (qrows.h): the shapes of the head members (NULL:
 * none) and of an item. */
int	 qctx_rows(struct req *, const struct qctx_read *,
	    const struct qcol *head, const struct qcol *item);

#endif
