/*
 * router: match a method and a path against a program's route table.
 *
 * A path is "/seg/seg/...".  Matching is byte-exact (paths are
 * case-sensitive), a trailing slash makes a different path, and an empty
 * segment ("//", or the one after a trailing slash) matches nothing.
 *
 * Every route whose pattern matches the path is considered.  Among those
 * with the request's method the most specific one wins: patterns are
 * compared segment by segment and, at the first position where one has a
 * literal and the other a parameter, the literal wins; on a tie the first
 * in the table wins.  When patterns match the path but none with this
 * method, the result is ROUTER_METHOD and the Allow list names their
 * methods.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "router.h"

/* Longer paths are never routed (nginx limits request lines anyway). */
#define ROUTER_PATHMAX	2048

/* One match of a pattern: where each parameter's value sits in the path,
 * and which segments were literals (bit i set: segment i is a literal). */
struct match {
	size_t		 n;
	const char	*name[ROUTER_MAXPARAMS];
	size_t		 namelen[ROUTER_MAXPARAMS];
	size_t		 off[ROUTER_MAXPARAMS];	/* offset in path */
	size_t		 len[ROUTER_MAXPARAMS];
	const char	*pattern;
};

/*
 * Match path against pattern.  Returns 1 and fills m on a match, else 0.
 * A pattern with more than ROUTER_MAXPARAMS parameters never matches.
 */
static int
match_pattern(const char *pattern, const char *path, struct match *m)
{
	const char	*pp, *ps, *pe, *se;
	size_t		 plen, slen;

	if (pattern == NULL || pattern[0] != '/' || path[0] != '/')
		return 0;
	m->n = 0;
	m->pattern = pattern;
	pp = pattern + 1;
	ps = path + 1;
	for (;;) {
		pe = strchr(pp, '/');
		plen = pe != NULL ? (size_t)(pe - pp) : strlen(pp);
		se = strchr(ps, '/');
		slen = se != NULL ? (size_t)(se - ps) : strlen(ps);

		/* An empty path segment never matches. */
		if (slen == 0)
			return 0;
		if (plen > 0 && pp[0] == ':') {
			if (m->n == ROUTER_MAXPARAMS)
				return 0;
			m->name[m->n] = pp + 1;
			m->namelen[m->n] = plen - 1;
			m->off[m->n] = (size_t)(ps - path);
			m->len[m->n] = slen;
			m->n++;
		} else if (plen != slen || memcmp(pp, ps, plen) != 0)
			return 0;

		/* Both must end together. */
		if ((pe == NULL) != (se == NULL))
			return 0;
		if (pe == NULL)
			return 1;
		pp = pe + 1;
		ps = se + 1;
	}
}

/*
 * Compare the specificity of two matching patterns: > 0 when a is more
 * specific than b (a literal where b has a parameter, at the first
 * position where they differ in kind), < 0 when less, 0 when equal.
 * Both patterns match the same path, so they have as many segments.
 */
static int
more_specific(const char *a, const char *b)
{
	int	 pa, pb;

	for (;;) {
		/* a and b point at a '/' or the end. */
		if (*a == '\0' || *b == '\0')
			return 0;
		a++;
		b++;
		pa = *a == ':';
		pb = *b == ':';
		if (pa != pb)
			return pa ? -1 : 1;
		a += strcspn(a, "/");
		b += strcspn(b, "/");
	}
}

/* Append method to the ", "-separated list in allow unless present. */
static void
allow_add(char *allow, size_t allowlen, const char *method)
{
	const char	*p;
	size_t		 cur, mlen, seplen;

	if (allow == NULL || allowlen == 0 || method == NULL)
		return;
	mlen = strlen(method);
	for (p = allow; *p != '\0'; ) {
		if (strncmp(p, method, mlen) == 0 &&
		    (p[mlen] == '\0' || p[mlen] == ','))
			return;
		p += strcspn(p, ",");
		while (*p == ',' || *p == ' ')
			p++;
	}
	cur = strlen(allow);
	seplen = cur > 0 ? 2 : 0;
	/* Drop what does not fit rather than write a partial name. */
	if (cur + seplen + mlen >= allowlen)
		return;
	if (seplen > 0)
		memcpy(allow + cur, ", ", seplen);
	memcpy(allow + cur + seplen, method, mlen);
	allow[cur + seplen + mlen] = '\0';
}

/*
 * Find the route for method and path; see router.h.  On ROUTER_MATCH,
 * *out is the route and params the captured values, NUL-terminated in
 * scratch (a copy of path that this function writes into).
 */
enum router_result
router_match(const struct route *routes, size_t nroutes, const char *method,
    const char *path, char *scratch, const struct route **out,
    struct router_params *params, char *allow, size_t allowlen)
{
	struct match	 m, best;
	size_t		 i;
	int		 found, pathfound;

	if (out != NULL)
		*out = NULL;
	if (params != NULL)
		memset(params, 0, sizeof(*params));
	if (allow != NULL && allowlen > 0)
		allow[0] = '\0';
	if (path == NULL || strnlen(path, ROUTER_PATHMAX + 1) > ROUTER_PATHMAX)
		return ROUTER_NOTFOUND;

	found = pathfound = 0;
	memset(&best, 0, sizeof(best));
	for (i = 0; i < nroutes; i++) {
		if (!match_pattern(routes[i].pattern, path, &m))
			continue;
		pathfound = 1;
		if (method == NULL || routes[i].method == NULL ||
		    strcmp(routes[i].method, method) != 0) {
			allow_add(allow, allowlen, routes[i].method);
			continue;
		}
		if (!found || more_specific(m.pattern, best.pattern) > 0) {
			best = m;
			if (out != NULL)
				*out = &routes[i];
			found = 1;
		}
	}
	if (!found)
		return pathfound ? ROUTER_METHOD : ROUTER_NOTFOUND;

	if (allow != NULL && allowlen > 0)
		allow[0] = '\0';
	if (params != NULL) {
		params->n = best.n;
		for (i = 0; i < best.n; i++) {
			params->name[i] = best.name[i];
			params->namelen[i] = best.namelen[i];
			if (scratch == NULL)
				continue;
			scratch[best.off[i] + best.len[i]] = '\0';
			params->value[i] = scratch + best.off[i];
		}
	}
	return ROUTER_MATCH;
}

/*
 * The value captured for the parameter called name (without ':'), or NULL
 * when the matched pattern has no such parameter.
 */
const char *
router_param(const struct router_params *params, const char *name)
{
	size_t	 i, len;

	if (params == NULL || name == NULL)
		return NULL;
	len = strlen(name);
	for (i = 0; i < params->n; i++)
		if (params->namelen[i] == len &&
		    memcmp(params->name[i], name, len) == 0)
			return params->value[i];
	return NULL;
}
