/*
 * router: the route table is data.  Each program declares
 *   static const struct route routes[] = {
 *	{ "GET", "/query/client/vendors/:vendorId/roles", h_vendor_roles, 0 },
 *	...
 *   };
 * router_match() finds the entry for a method and a path.  A pattern is a
 * list of '/'-separated segments; a segment ":name" matches one non-empty
 * segment and captures it.  Literal segments win over parameters when both
 * could match ("/x/new" before "/x/:id"), independent of table order.
 */
#ifndef KROW_ROUTER_H
#define KROW_ROUTER_H

#include <stddef.h>

struct req;

#define ROUTER_MAXPARAMS 4

/* route flags */
#define ROUTE_BODY_JSON	0x01	/* requires Content-Type: application/json */
#define ROUTE_PUBLIC	0x02	/* served without identity (health, sign-in) */
#define ROUTE_CLIENT	0x04	/* caller must be a client actor, else 403 */
#define ROUTE_STAFF	0x08	/* caller must be a staff actor, else 403 */
#define ROUTE_ADMIN	0x10	/* caller must be an admin actor, else 403 */
#define ROUTE_IDEMPOTENT 0x20	/* Idempotency-Key; one transaction (idem.h) */
#define ROUTE_CACHED	0x40	/* krow-query: through its cache (qcache.h) */

struct route {
	const char	*method;	/* "GET", "POST", ... */
	const char	*pattern;
	int		(*handler)(struct req *);	/* returns enum err */
	unsigned	 flags;
};

struct router_params {
	size_t		 n;
	const char	*name[ROUTER_MAXPARAMS];	/* points into pattern, without ':' */
	size_t		 namelen[ROUTER_MAXPARAMS];
	const char	*value[ROUTER_MAXPARAMS];	/* NUL-terminated, in scratch */
};

enum router_result {
	ROUTER_MATCH = 0,
	ROUTER_NOTFOUND,	/* no pattern matches the path */
	ROUTER_METHOD		/* a pattern matches, not with this method */
};

/*
 * Match path (without query string) against the table.  scratch is a
 * writable copy of path that the captured values point into (the caller
 * keeps it alive as long as params).  On ROUTER_METHOD, allow receives the
 * "GET, POST" list for the Allow header (allowlen bytes, always
 * NUL-terminated).
 */
enum router_result router_match(const struct route *routes, size_t nroutes,
		    const char *method, const char *path, char *scratch,
		    const struct route **out, struct router_params *params,
		    char *allow, size_t allowlen);
/* The captured value of parameter name, or NULL. */
const char	*router_param(const struct router_params *, const char *name);

#endif
