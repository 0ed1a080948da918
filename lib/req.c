/*
 * req: accessors for one FastCGI request (params, path parameters, query
 * string, body, JSON body) and the error details of its envelope.
 * Everything allocated here comes from the request's arena.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "arena.h"
#include "conf.h"
#include "err.h"
#include "req.h"
#include "router.h"
#include "valid.h"

#define REQ_QUERYMAX	8192	/* bytes of QUERY_STRING */
#define REQ_QUERYPAIRS	64	/* key=value pairs in it */
#define REQ_CLENDIGITS	20	/* digits of CONTENT_LENGTH */
#define REQ_JSONDEPTH	32	/* nesting of a JSON body */
/* Body limit when the request has no configuration (tools, tests). */
#define REQ_BODYMAX_DEFAULT	(1024 * 1024)

/* A FastCGI param ("NAME=value" in envp), or NULL. */
const char *
req_env(const struct req *r, const char *name)
{
	char	**e;
	size_t	  len;

	if (r == NULL || r->envp == NULL || name == NULL)
		return NULL;
	len = strlen(name);
	for (e = r->envp; *e != NULL; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

/* A path parameter captured by the router, or NULL. */
const char *
req_param(const struct req *r, const char *name)
{
	return router_param(&r->params, name);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode src[0..len) into dst (len + 1 bytes at least; the result
 * is NUL-terminated).  '+' becomes a space when plus is set.  Returns the
 * decoded length, or -1 on a '%' without two hex digits or on a NUL
 * byte, encoded (%00) or not.
 */
long
req_urldecode(char *dst, const char *src, size_t len, int plus)
{
	size_t	 i, o;
	int	 hi, lo;

	for (i = o = 0; i < len; i++) {
		if (src[i] == '%') {
			if (len - i < 3 ||
			    (hi = hexval(src[i + 1])) < 0 ||
			    (lo = hexval(src[i + 2])) < 0)
				return -1;
			if (hi == 0 && lo == 0)
				return -1;
			dst[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (src[i] == '+' && plus)
			dst[o++] = ' ';
		else if (src[i] == '\0')
			return -1;
		else
			dst[o++] = src[i];
	}
	dst[o] = '\0';
	if (o > LONG_MAX)
		return -1;
	return (long)o;
}

/* Decode s[0..len) into a new arena string; NULL on a bad escape or
 * invalid UTF-8 (*bad says which: 1 escape, 2 UTF-8). */
static char *
query_decode(struct arena *a, const char *s, size_t len, size_t *outlen,
    int *bad)
{
	char	*d;
	long	 n;

	d = arena_alloc(a, len + 1);
	if ((n = req_urldecode(d, s, len, 1)) < 0) {
		*bad = 1;
		return NULL;
	}
	if (!valid_utf8(d, (size_t)n)) {
		*bad = 2;
		return NULL;
	}
	*outlen = (size_t)n;
	return d;
}

/*
 * Parse QUERY_STRING into r->qs (once).  Pairs are split on '&'; empty
 * pieces are skipped; a key without '=' has the value "".  ERR_BADREQ
 * (with a message) on a query over 8 KiB, over 64 pairs, a bad escape or
 * invalid UTF-8.
 */
enum err
req_query_parse(struct req *r)
{
	const char	*q, *p, *amp, *eq;
	size_t		 qlen, npairs, plen, klen, vlen;
	struct req_kv	*kv;
	int		 bad;

	if (r->qs_parsed)
		return ERR_OK;
	q = r->query != NULL ? r->query : "";
	qlen = strlen(q);
	if (qlen > REQ_QUERYMAX)
		return req_fail(r, ERR_BADREQ, "the query string is too long",
		    NULL);

	npairs = 0;
	for (p = q; *p != '\0'; p = amp + 1) {
		amp = strchr(p, '&');
		plen = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (plen > 0)
			npairs++;
		if (amp == NULL)
			break;
	}
	if (npairs > REQ_QUERYPAIRS)
		return req_fail(r, ERR_BADREQ,
		    "the query string has too many parameters", NULL);

	kv = npairs > 0 ? arena_calloc(r->arena, npairs, sizeof(*kv)) : NULL;
	r->nqs = 0;
	bad = 0;
	for (p = q; *p != '\0'; p = amp + 1) {
		amp = strchr(p, '&');
		plen = amp != NULL ? (size_t)(amp - p) : strlen(p);
		if (plen > 0) {
			eq = memchr(p, '=', plen);
			klen = eq != NULL ? (size_t)(eq - p) : plen;
			kv[r->nqs].key = query_decode(r->arena, p, klen,
			    &vlen, &bad);
			if (kv[r->nqs].key == NULL)
				break;
			if (eq != NULL)
				kv[r->nqs].val = query_decode(r->arena,
				    eq + 1, plen - klen - 1,
				    &kv[r->nqs].vallen, &bad);
			else
				kv[r->nqs].val = "";
			if (kv[r->nqs].val == NULL)
				break;
			r->nqs++;
		}
		if (amp == NULL)
			break;
	}
	if (bad != 0) {
		r->nqs = 0;
		return req_fail(r, ERR_BADREQ, bad == 1 ?
		    "the query string has a malformed percent escape" :
		    "the query string is not valid UTF-8", NULL);
	}
	r->qs = kv;
	r->qs_parsed = 1;
	return ERR_OK;
}

/* The first decoded value of key in the query string, or NULL. */
const char *
req_query(struct req *r, const char *key)
{
	size_t	 i;

	if (key == NULL || req_query_parse(r) != ERR_OK)
		return NULL;
	for (i = 0; i < r->nqs; i++)
		if (strcmp(r->qs[i].key, key) == 0)
			return r->qs[i].val;
	return NULL;
}

/*
 * Parse CONTENT_LENGTH: absent or empty is 0; otherwise 1..20 decimal
 * digits and nothing else.  Returns ERR_OK, ERR_BADREQ when malformed, or
 * ERR_TOOLARGE when the number does not fit in a size_t.
 */
static enum err
content_length(const char *s, size_t *out)
{
	size_t	 i, v;

	*out = 0;
	if (s == NULL || *s == '\0')
		return ERR_OK;
	for (i = 0, v = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == REQ_CLENDIGITS)
			return ERR_BADREQ;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (size_t)(s[i] - '0'), &v))
			v = SIZE_MAX;	/* keep checking the syntax */
	}
	*out = v;
	return v == SIZE_MAX ? ERR_TOOLARGE : ERR_OK;
}

/*
 * Read the body (once) into r->body (NUL-terminated, r->bodylen bytes).
 * ERR_BADREQ on a malformed CONTENT_LENGTH or a body shorter than it,
 * ERR_TOOLARGE (nothing read) when it announces more than max bytes.
 * A failure is remembered: a later call returns the same error.
 */
enum err
req_body(struct req *r, size_t max)
{
	FCGX_Stream	*in = r->in;
	enum err	 e;
	size_t		 len, got, want;
	int		 n;

	if (r->body_read > 0)
		return ERR_OK;
	if (r->body_read < 0)
		return (enum err)-r->body_read;

	e = content_length(req_env(r, "CONTENT_LENGTH"), &len);
	if (e == ERR_BADREQ) {
		e = req_fail(r, e, "Content-Length is not a valid number",
		    NULL);
		goto out;
	}
	if (e == ERR_TOOLARGE || len > max) {
		e = req_fail(r, ERR_TOOLARGE, NULL, NULL);
		goto out;
	}

	r->body = arena_alloc(r->arena, len + 1);
	for (got = 0; got < len && in != NULL; got += (size_t)n) {
		want = len - got;
		if (want > INT_MAX)
			want = INT_MAX;
		n = FCGX_GetStr(r->body + got, (int)want, in);
		if (n <= 0)
			break;
	}
	if (got < len) {
		e = req_fail(r, ERR_BADREQ,
		    "request body is shorter than Content-Length", NULL);
		goto out;
	}
	r->body[len] = '\0';
	r->bodylen = len;
	e = ERR_OK;
out:
	if (e != ERR_OK) {
		r->body = NULL;
		r->bodylen = 0;
		r->body_read = -(int)e;
	} else
		r->body_read = 1;
	return e;
}

static void
json_put_cb(void *p)
{
	json_object_put(p);
}

/*
 * The body parsed as a JSON object (borrowed: the arena releases it).
 * ERR_BADREQ with a message when the body is empty, not UTF-8, not JSON
 * (trailing bytes other than whitespace included), nested deeper than 32
 * levels or not an object; the errors of req_body() otherwise.
 */
enum err
req_json(struct req *r, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	enum json_tokener_error	 jerr;
	enum err		 e;
	const char		*p, *end;
	size_t			 max;

	*out = NULL;
	if (r->json != NULL) {
		*out = r->json;
		return ERR_OK;
	}
	max = r->conf != NULL ? (size_t)conf_int(r->conf, CONF_BODY_MAX) :
	    REQ_BODYMAX_DEFAULT;
	if ((e = req_body(r, max)) != ERR_OK)
		return e;
	if (r->bodylen == 0)
		return req_fail(r, ERR_BADREQ, "a JSON body is required", NULL);
	if (r->bodylen > INT_MAX)
		return req_fail(r, ERR_TOOLARGE, NULL, NULL);
	if (!valid_utf8(r->body, r->bodylen))
		return req_fail(r, ERR_BADREQ, "the body is not valid UTF-8",
		    NULL);

	if ((tok = json_tokener_new_ex(REQ_JSONDEPTH)) == NULL)
		return req_fail(r, ERR_NOMEM, NULL, NULL);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, r->body, (int)r->bodylen);
	jerr = json_tokener_get_error(tok);
	if (obj == NULL && jerr == json_tokener_continue) {
		/* All bytes were taken; a top-level number may still be
		 * open.  The terminating NUL tells json-c the input ended. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = r->body + r->bodylen;
	} else
		end = r->body + json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (obj == NULL) {
		/* json-c gives the JSON null as NULL with success. */
		if (jerr == json_tokener_success)
			return req_fail(r, ERR_BADREQ,
			    "the body must be a JSON object", NULL);
		if (jerr == json_tokener_error_depth)
			return req_fail(r, ERR_BADREQ,
			    "the JSON body is nested too deeply", NULL);
		return req_fail(r, ERR_BADREQ, arena_printf(r->arena,
		    "the body is not valid JSON: %s",
		    json_tokener_error_desc(jerr)), NULL);
	}
	arena_cleanup_add(r->arena, json_put_cb, obj);

	for (p = end; p < r->body + r->bodylen; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return req_fail(r, ERR_BADREQ,
			    "the body has data after the JSON value", NULL);
	if (!json_object_is_type(obj, json_type_object))
		return req_fail(r, ERR_BADREQ,
		    "the body must be a JSON object", NULL);
	r->json = obj;
	*out = obj;
	return ERR_OK;
}

/*
 * Record the envelope's message (borrowed: static or arena) and details
 * (taken over: put by an arena cleanup) and return e.
 */
int
req_fail(struct req *r, enum err e, const char *message,
    struct json_object *details)
{
	r->err_message = message;
	if (details != NULL)
		arena_cleanup_add(r->arena, json_put_cb, details);
	r->err_details = details;
	return (int)e;
}
