/*
 * httpc: the one HTTP client of the project, for every upstream call
 * (Firebase certificates and REST APIs, webhooks, model endpoints).
 *
 * One libcurl easy handle per process, created on first use and reset
 * before every call, so connections (and TLS sessions, DNS answers) are
 * kept alive between calls while no option, header or body of one call
 * leaks into the next.  A call is synchronous and bounded: a timeout
 * (connect included), a cap on the response body, no redirects, HTTP(S)
 * only.  Only the method, the URL without its query string, the status
 * and curl's error text are ever logged: never bodies, headers or keys
 * (put API keys in a header, not in the URL).
 *
 * Not thread-safe: a FastCGI worker runs one request at a time.
 */
#ifndef KROW_HTTPC_H
#define KROW_HTTPC_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

#define HTTPC_TIMEOUT_MS	5000L		/* when timeout_ms is 0 */
#define HTTPC_BODY_MAX		(1024 * 1024)	/* when body_max is 0 */
#define HTTPC_CACHE_CONTROL_MAX	256		/* bytes kept of the header */
#define HTTPC_MAX_HEADERS	16		/* extra request headers */

struct httpc_req {
	const char		*method;	/* "GET", "POST"; NULL: GET */
	const char		*url;		/* http:// or https:// */
	/* Extra request headers "Name: value", NULL-terminated; may be NULL. */
	const char *const	*headers;
	/* Content-Type of the body, e.g. "application/json"; NULL = none. */
	const char		*content_type;
	const char		*body;		/* NULL: no body */
	size_t			 bodylen;
	long			 timeout_ms;	/* whole call; 0: default */
	size_t			 body_max;	/* answer cap; 0: default */
};

struct httpc_resp {
	long		 status;	/* HTTP status of the final answer */
	struct buf	 body;		/* the response body (NUL after it) */
	/* Value of the final answer's Cache-Control header, "" if none. */
	char		 cache_control[HTTPC_CACHE_CONTROL_MAX];
};

/* Zero a response; httpc_do() does it too.  Pair: httpc_resp_cleanup(). */
void		httpc_resp_init(struct httpc_resp *);
/* Release the body; the response may be reused or initialised again. */
void		httpc_resp_cleanup(struct httpc_resp *);

/*
 * Perform the request.  ERR_OK when an HTTP answer arrived, whatever its
 * status (the caller judges resp->status); resp then holds it and must
 * be released with httpc_resp_cleanup().  ERR_UPSTREAM (logged as a
 * warning, resp->status 0 and an empty body) when no complete answer
 * arrived in time: connection refused or reset, DNS or TLS failure,
 * timeout, a body larger than the cap.  ERR_INVAL for a request that
 * cannot be sent (no URL, too many headers, a header with CR or LF);
 * ERR_INTERNAL when libcurl cannot be set up.
 */
enum err	httpc_do(const struct httpc_req *, struct httpc_resp *);

/*
 * Value of max-age in a Cache-Control value (case-insensitive directive,
 * comma-separated list, as the Firebase Admin SDK reads it): 0 or more
 * seconds, or -1 when absent or malformed.  Values beyond a year are
 * clamped to a year.
 */
long long	httpc_max_age(const char *cache_control);

/* Release the process's handle (closing its connections); for exit and
 * tests.  The next httpc_do() makes a new one. */
void		httpc_fini(void);

#endif
