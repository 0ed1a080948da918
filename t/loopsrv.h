/*
 * loopsrv: a tiny HTTP/1.1 server on 127.0.0.1 for tests, standing in for
 * an upstream (Google's certificate endpoint, a webhook, ...).
 *
 * It runs in threads of the test process: one accepting, one per
 * connection (keep-alive is honoured, so several clients, e.g. the
 * workers of a pool, may hold connections at once).  The test registers a
 * canned answer per path, may change it between requests, and reads back
 * what was received.  Usage:
 *
 *	struct loopsrv *s = loopsrv_start();
 *	loopsrv_set(s, "/certs", 200, "Cache-Control: max-age=60\r\n", json);
 *	... point the code under test at loopsrv_url(s) + "/certs" ...
 *	ck_assert_int_eq(loopsrv_count(s, "/certs"), 1);
 *	loopsrv_stop(s);
 *
 * Paths are matched exactly, without the query string.  A path with no
 * answer registered gets 404 with an empty body.  Start the server inside
 * the test (or a checked fixture), after Check has forked: threads do not
 * survive fork().  Requests are read with Content-Length bodies only (no
 * chunked uploads); heads up to 64 KiB, bodies up to 4 MiB.  Every
 * function is safe to call while clients are connected.  Functions that
 * return int give 0, or -1 on bad arguments.
 */
#ifndef KROW_T_LOOPSRV_H
#define KROW_T_LOOPSRV_H

#include <stddef.h>

#define LOOPSRV_MAXHDRS	32		/* request headers recorded */

struct loopsrv;

/* A request as received (the copy loopsrv_request() hands out). */
struct loopsrv_req {
	char	*method;		/* "POST" */
	char	*target;		/* path and query, as sent */
	char	*path;			/* target without the query */
	char	*hdr_name[LOOPSRV_MAXHDRS];	/* as sent */
	char	*hdr_value[LOOPSRV_MAXHDRS];	/* trimmed */
	size_t	 nhdrs;
	char	*body;			/* NUL-terminated; never NULL */
	size_t	 bodylen;
	unsigned conn;			/* 1, 2, ...: which connection */
};

/* Listen on 127.0.0.1 on a free port; NULL (with a reason on stderr)
 * when the socket or thread cannot be made. */
struct loopsrv	*loopsrv_start(void);
/* Close every connection, join the threads, free all; accepts NULL. */
void		 loopsrv_stop(struct loopsrv *);

int		 loopsrv_port(const struct loopsrv *);
/* "http://127.0.0.1:PORT" (no trailing slash), owned by the server. */
const char	*loopsrv_url(const struct loopsrv *);

/*
 * Answer path with status, extra headers (zero or more "Name: value\r\n"
 * lines, or NULL) and body (NUL-terminated, or NULL for none).
 * Content-Length is added, unless the headers carry their own
 * Content-Length or Transfer-Encoding (then the body is sent as given,
 * e.g. already chunked).  Replaces the path's previous answer and
 * clears its delay and close settings.  loopsrv_set_len() takes a body of
 * len bytes.
 */
int	loopsrv_set(struct loopsrv *, const char *path, int status,
	    const char *headers, const char *body);
int	loopsrv_set_len(struct loopsrv *, const char *path, int status,
	    const char *headers, const char *body, size_t len);
/* Forget path's answer (it answers 404 again). */
int	loopsrv_unset(struct loopsrv *, const char *path);
/* Wait ms milliseconds before answering path (0: no delay).  The path
 * must have an answer (loopsrv_set first). */
int	loopsrv_delay(struct loopsrv *, const char *path, int ms);
/* on: close the connection after reading a request for path, without an
 * answer.  The path must have an answer (loopsrv_set first). */
int	loopsrv_close(struct loopsrv *, const char *path, int on);

/* Requests received for path (NULL: all paths) since the start or the
 * last loopsrv_clear(). */
size_t	loopsrv_count(struct loopsrv *, const char *path);
/* Forget the requests received (answers stay). */
void	loopsrv_clear(struct loopsrv *);
/*
 * Copy the i-th request received (0 = first; negative counts from the
 * end, -1 = the latest) into out, which the caller releases with
 * loopsrv_req_free().  -1 when there is no such request.
 */
int	loopsrv_request(struct loopsrv *, long i, struct loopsrv_req *out);
void	loopsrv_req_free(struct loopsrv_req *);	/* accepts a zeroed req */
/* Value of the first header called name (case-insensitive), or NULL. */
const char *loopsrv_req_header(const struct loopsrv_req *, const char *name);

#endif
