/*
 * loopsrv: a tiny loopback HTTP/1.1 server for tests (see loopsrv.h).
 *
 * One thread accepts; each connection gets its own thread, which reads
 * requests (head, then a Content-Length body), records them, and writes
 * the canned answer of the path, until the client closes, asks for
 * Connection: close, or the server stops.  All shared state (answers,
 * the request log, the connection list) is under one mutex; a
 * connection's thread copies what it needs before it answers, so the test
 * may change an answer at any time.  Connection threads never close
 * their socket themselves: the acceptor (or loopsrv_stop) does after
 * joining them, so a descriptor is never shut down after being reused.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "buf.h"
#include "loopsrv.h"
#include "mem.h"

#define LOOPSRV_HEADMAX	(64 * 1024)
#define LOOPSRV_BODYMAX	(4 * 1024 * 1024)

struct answer {
	char	*path;
	int	 status;
	char	*headers;		/* "" when none */
	char	*body;
	size_t	 bodylen;
	int	 delay_ms;
	int	 close;
};

struct conn {
	struct loopsrv	*srv;
	int		 fd;
	unsigned	 id;
	int		 done;		/* under srv->mu */
	pthread_t	 th;
};

struct loopsrv {
	int			 lfd;
	int			 port;
	char			 url[64];
	int			 wake[2];	/* stop() wakes the acceptor */
	int			 stopping;	/* __atomic */
	pthread_t		 acceptor;
	pthread_mutex_t		 mu;
	struct answer		*ans;
	size_t			 nans;
	struct loopsrv_req	*reqs;
	size_t			 nreqs;
	struct conn		**conns;
	size_t			 nconns;
	unsigned		 nextid;
};

static int
stopping(struct loopsrv *s)
{
	return __atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

/* The answer registered for path; call with the mutex held. */
static struct answer *
find_answer(struct loopsrv *s, const char *path)
{
	size_t	 i;

	for (i = 0; i < s->nans; i++)
		if (strcmp(s->ans[i].path, path) == 0)
			return &s->ans[i];
	return NULL;
}

/*
 * 1 when the header lines hs ("Name: value\r\n"...) hold a line that
 * starts with what (case-insensitive), e.g. "Content-Length".
 */
static int
has_header(const char *hs, const char *what)
{
	const char	*p;
	size_t		 len = strlen(what);

	for (p = hs; p != NULL && *p != '\0'; ) {
		if (strncasecmp(p, what, len) == 0)
			return 1;
		if ((p = strstr(p, "\r\n")) != NULL)
			p += 2;
	}
	return 0;
}

/* Write all of p[0..len); -1 when the peer is gone. */
static int
send_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Sleep ms milliseconds in small steps, returning early on stop. */
static void
nap(struct loopsrv *s, int ms)
{
	struct timespec	 ts = { 0, 10 * 1000 * 1000 };

	for (; ms > 0 && !stopping(s); ms -= 10)
		nanosleep(&ts, NULL);
}

/*
 * Parse the head h (NUL-terminated, without the blank line) into r.
 * -1 when it is not an HTTP/1.x request.  *clen is the Content-Length
 * (0 when absent), *keep 0 when the client asked to close.
 */
static int
parse_head(char *h, struct loopsrv_req *r, size_t *clen, int *keep)
{
	char	*line, *next, *sp1, *sp2, *colon, *v, *e;
	size_t	 vlen;
	unsigned long long n;

	*clen = 0;
	*keep = 1;
	if ((next = strstr(h, "\r\n")) != NULL) {
		*next = '\0';
		next += 2;
	}
	line = h;
	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL ||
	    strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return -1;
	r->method = mem_strndup(line, (size_t)(sp1 - line));
	r->target = mem_strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	r->path = mem_strndup(r->target, strcspn(r->target, "?"));
	if (strcmp(sp2 + 1, "HTTP/1.0") == 0)
		*keep = 0;
	while ((line = next) != NULL && *line != '\0') {
		if ((next = strstr(line, "\r\n")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if ((colon = strchr(line, ':')) == NULL)
			return -1;
		v = colon + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		vlen = strlen(v);
		while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
		if (r->nhdrs < LOOPSRV_MAXHDRS) {
			r->hdr_name[r->nhdrs] = mem_strndup(line,
			    (size_t)(colon - line));
			r->hdr_value[r->nhdrs] = mem_strndup(v, vlen);
			r->nhdrs++;
		}
		*colon = '\0';
		if (strcasecmp(line, "Content-Length") == 0) {
			errno = 0;
			n = strtoull(v, &e, 10);
			if (errno != 0 || e == v || n > LOOPSRV_BODYMAX)
				return -1;
			*clen = (size_t)n;
		} else if (strcasecmp(line, "Connection") == 0 &&
		    strncasecmp(v, "close", 5) == 0)
			*keep = 0;
		else if (strcasecmp(line, "Transfer-Encoding") == 0)
			return -1;	/* not supported: see loopsrv.h */
	}
	return 0;
}

/*
 * Serve one request of the connection.  in holds what was read so far;
 * the request is consumed from it.  1 to go on with the connection, 0 to
 * close it.
 */
static int
serve_one(struct conn *c, struct buf *in)
{
	struct loopsrv		*s = c->srv;
	struct loopsrv_req	 r;
	struct answer		*a, ans;
	struct buf		 out;
	char			*end, *head = NULL;
	char			 tmp[8192];
	size_t			 headlen, clen;
	ssize_t			 n;
	int			 keep, rc = 0;

	memset(&r, 0, sizeof(r));
	memset(&ans, 0, sizeof(ans));
	buf_init(&out);
	/* The head. */
	while ((end = in->p == NULL ? NULL : strstr(in->p, "\r\n\r\n")) ==
	    NULL) {
		if (in->len > LOOPSRV_HEADMAX)
			goto out;
		n = recv(c->fd, tmp, sizeof(tmp), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		buf_append(in, tmp, (size_t)n);
	}
	headlen = (size_t)(end - in->p) + 4;
	head = mem_strndup(in->p, headlen - 4);
	if (parse_head(head, &r, &clen, &keep) == -1)
		goto out;
	/* The body. */
	while (in->len < headlen + clen) {
		n = recv(c->fd, tmp, sizeof(tmp), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		buf_append(in, tmp, (size_t)n);
	}
	r.body = mem_strndup(in->p + headlen, clen);
	r.bodylen = clen;
	memmove(in->p, in->p + headlen + clen, in->len - headlen - clen);
	in->len -= headlen + clen;
	in->p[in->len] = '\0';

	/* Record it, and copy the answer while holding the lock. */
	pthread_mutex_lock(&s->mu);
	r.conn = c->id;
	s->reqs = mem_realloc(s->reqs, (s->nreqs + 1) * sizeof(*s->reqs));
	s->reqs[s->nreqs++] = r;
	if ((a = find_answer(s, r.path)) != NULL) {
		ans = *a;
		ans.headers = mem_strdup(a->headers);
		ans.body = mem_alloc(a->bodylen + 1);
		memcpy(ans.body, a->body, a->bodylen + 1);
	} else
		ans.status = 404;
	pthread_mutex_unlock(&s->mu);

	nap(s, ans.delay_ms);
	if (ans.close || stopping(s))
		goto out;
	buf_printf(&out, "HTTP/1.1 %d %s\r\n", ans.status,
	    reason(ans.status));
	if (!has_header(ans.headers, "Content-Length") &&
	    !has_header(ans.headers, "Transfer-Encoding"))
		buf_printf(&out, "Content-Length: %zu\r\n", ans.bodylen);
	buf_printf(&out, "%s%s\r\n", ans.headers != NULL ? ans.headers : "",
	    keep ? "" : "Connection: close\r\n");
	if (strcmp(r.method, "HEAD") != 0 && ans.bodylen > 0)
		buf_append(&out, ans.body, ans.bodylen);
	if (send_all(c->fd, out.p, out.len) == -1)
		goto out;
	rc = keep && !has_header(ans.headers, "Connection: close");
out:
	/* r's strings now belong to the log, unless it was not recorded. */
	if (r.body == NULL)
		loopsrv_req_free(&r);
	mem_free(ans.headers);
	mem_free(ans.body);
	mem_free(head);
	buf_cleanup(&out);
	return rc;
}

static void *
conn_main(void *arg)
{
	struct conn	*c = arg;
	struct buf	 in;

	buf_init(&in);
	while (!stopping(c->srv) && serve_one(c, &in))
		continue;
	shutdown(c->fd, SHUT_RDWR);
	buf_cleanup(&in);
	pthread_mutex_lock(&c->srv->mu);
	c->done = 1;
	pthread_mutex_unlock(&c->srv->mu);
	return NULL;
}

/* Join and free the connections whose thread has ended (all when all). */
static void
reap(struct loopsrv *s, int all)
{
	struct conn	*c;
	size_t		 i;
	int		 done;

	for (i = 0; i < s->nconns; ) {
		c = s->conns[i];
		pthread_mutex_lock(&s->mu);
		done = c->done;
		if (all && !done)
			shutdown(c->fd, SHUT_RDWR);
		pthread_mutex_unlock(&s->mu);
		if (!done && !all) {
			i++;
			continue;
		}
		pthread_join(c->th, NULL);
		close(c->fd);
		mem_free(c);
		pthread_mutex_lock(&s->mu);
		s->conns[i] = s->conns[--s->nconns];
		pthread_mutex_unlock(&s->mu);
	}
}

static void *
accept_main(void *arg)
{
	struct loopsrv	*s = arg;
	struct pollfd	 pfd[2];
	struct conn	*c;
	int		 fd, one = 1;

	pfd[0].fd = s->lfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = s->wake[0];
	pfd[1].events = POLLIN;
	while (!stopping(s)) {
		reap(s, 0);
		if (poll(pfd, 2, 100) <= 0 || !(pfd[0].revents & POLLIN))
			continue;
		if ((fd = accept(s->lfd, NULL, NULL)) == -1)
			continue;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		c = mem_calloc(1, sizeof(*c));
		c->srv = s;
		c->fd = fd;
		pthread_mutex_lock(&s->mu);
		c->id = ++s->nextid;
		pthread_mutex_unlock(&s->mu);
		if (pthread_create(&c->th, NULL, conn_main, c) != 0) {
			close(fd);
			mem_free(c);
			continue;
		}
		pthread_mutex_lock(&s->mu);
		s->conns = mem_realloc(s->conns,
		    (s->nconns + 1) * sizeof(*s->conns));
		s->conns[s->nconns++] = c;
		pthread_mutex_unlock(&s->mu);
	}
	reap(s, 1);
	return NULL;
}

/* Start a server on 127.0.0.1 and a free port (see loopsrv.h). */
struct loopsrv *
loopsrv_start(void)
{
	struct loopsrv		*s;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	int			 one = 1;

	s = mem_calloc(1, sizeof(*s));
	s->lfd = s->wake[0] = s->wake[1] = -1;
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		mem_free(s);
		return NULL;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if ((s->lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s->lfd, 64) == -1 ||
	    getsockname(s->lfd, (struct sockaddr *)&sin, &slen) == -1 ||
	    pipe(s->wake) == -1) {
		fprintf(stderr, "loopsrv: cannot listen: %s\n",
		    strerror(errno));
		goto fail;
	}
	s->port = ntohs(sin.sin_port);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
	if (pthread_create(&s->acceptor, NULL, accept_main, s) != 0) {
		fprintf(stderr, "loopsrv: cannot start a thread\n");
		goto fail;
	}
	return s;
fail:
	if (s->lfd != -1)
		close(s->lfd);
	if (s->wake[0] != -1)
		close(s->wake[0]);
	if (s->wake[1] != -1)
		close(s->wake[1]);
	pthread_mutex_destroy(&s->mu);
	mem_free(s);
	return NULL;
}

/* Stop the server and free everything (see loopsrv.h). */
void
loopsrv_stop(struct loopsrv *s)
{
	size_t	 i;
	ssize_t	 n;

	if (s == NULL)
		return;
	__atomic_store_n(&s->stopping, 1, __ATOMIC_SEQ_CST);
	do
		n = write(s->wake[1], "x", 1);
	while (n < 0 && errno == EINTR);
	pthread_join(s->acceptor, NULL);
	close(s->lfd);
	close(s->wake[0]);
	close(s->wake[1]);
	for (i = 0; i < s->nans; i++) {
		mem_free(s->ans[i].path);
		mem_free(s->ans[i].headers);
		mem_free(s->ans[i].body);
	}
	mem_free(s->ans);
	for (i = 0; i < s->nreqs; i++)
		loopsrv_req_free(&s->reqs[i]);
	mem_free(s->reqs);
	mem_free(s->conns);
	pthread_mutex_destroy(&s->mu);
	mem_free(s);
}

int
loopsrv_port(const struct loopsrv *s)
{
	return s->port;
}

const char *
loopsrv_url(const struct loopsrv *s)
{
	return s->url;
}

/* Register path's answer (see loopsrv.h). */
int
loopsrv_set_len(struct loopsrv *s, const char *path, int status,
    const char *headers, const char *body, size_t len)
{
	struct answer	*a;
	size_t		 hl;

	if (s == NULL || path == NULL || status < 100 || status > 999 ||
	    (body == NULL && len > 0))
		return -1;
	if (headers != NULL && (hl = strlen(headers)) > 0 &&
	    (hl < 2 || strcmp(headers + hl - 2, "\r\n") != 0))
		return -1;
	pthread_mutex_lock(&s->mu);
	if ((a = find_answer(s, path)) == NULL) {
		s->ans = mem_realloc(s->ans, (s->nans + 1) * sizeof(*s->ans));
		a = &s->ans[s->nans++];
		a->path = mem_strdup(path);
	} else {
		mem_free(a->headers);
		mem_free(a->body);
	}
	a->status = status;
	a->headers = mem_strdup(headers != NULL ? headers : "");
	a->body = mem_alloc(len + 1);
	if (len > 0)
		memcpy(a->body, body, len);
	a->body[len] = '\0';
	a->bodylen = len;
	a->delay_ms = 0;
	a->close = 0;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

int
loopsrv_set(struct loopsrv *s, const char *path, int status,
    const char *headers, const char *body)
{
	return loopsrv_set_len(s, path, status, headers, body,
	    body != NULL ? strlen(body) : 0);
}

int
loopsrv_unset(struct loopsrv *s, const char *path)
{
	struct answer	*a;
	int		 rc = -1;

	if (s == NULL || path == NULL)
		return -1;
	pthread_mutex_lock(&s->mu);
	if ((a = find_answer(s, path)) != NULL) {
		mem_free(a->path);
		mem_free(a->headers);
		mem_free(a->body);
		*a = s->ans[--s->nans];
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int
loopsrv_delay(struct loopsrv *s, const char *path, int ms)
{
	struct answer	*a;
	int		 rc = -1;

	if (s == NULL || path == NULL || ms < 0)
		return -1;
	pthread_mutex_lock(&s->mu);
	if ((a = find_answer(s, path)) != NULL) {
		a->delay_ms = ms;
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int
loopsrv_close(struct loopsrv *s, const char *path, int on)
{
	struct answer	*a;
	int		 rc = -1;

	if (s == NULL || path == NULL)
		return -1;
	pthread_mutex_lock(&s->mu);
	if ((a = find_answer(s, path)) != NULL) {
		a->close = on != 0;
		rc = 0;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

size_t
loopsrv_count(struct loopsrv *s, const char *path)
{
	size_t	 i, n = 0;

	if (s == NULL)
		return 0;
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->nreqs; i++)
		if (path == NULL || strcmp(s->reqs[i].path, path) == 0)
			n++;
	pthread_mutex_unlock(&s->mu);
	return n;
}

void
loopsrv_clear(struct loopsrv *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->mu);
	for (i = 0; i < s->nreqs; i++)
		loopsrv_req_free(&s->reqs[i]);
	s->nreqs = 0;
	pthread_mutex_unlock(&s->mu);
}

int
loopsrv_request(struct loopsrv *s, long i, struct loopsrv_req *out)
{
	const struct loopsrv_req	*r;
	size_t				 k, idx;
	int				 rc = -1;

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	pthread_mutex_lock(&s->mu);
	if (i < 0 && (size_t)-i <= s->nreqs)
		idx = s->nreqs - (size_t)-i;
	else if (i >= 0 && (size_t)i < s->nreqs)
		idx = (size_t)i;
	else
		goto out;
	r = &s->reqs[idx];
	out->method = mem_strdup(r->method);
	out->target = mem_strdup(r->target);
	out->path = mem_strdup(r->path);
	for (k = 0; k < r->nhdrs; k++) {
		out->hdr_name[k] = mem_strdup(r->hdr_name[k]);
		out->hdr_value[k] = mem_strdup(r->hdr_value[k]);
	}
	out->nhdrs = r->nhdrs;
	out->body = mem_alloc(r->bodylen + 1);
	memcpy(out->body, r->body, r->bodylen + 1);
	out->bodylen = r->bodylen;
	out->conn = r->conn;
	rc = 0;
out:
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void
loopsrv_req_free(struct loopsrv_req *r)
{
	size_t	 k;

	if (r == NULL)
		return;
	mem_free(r->method);
	mem_free(r->target);
	mem_free(r->path);
	for (k = 0; k < r->nhdrs; k++) {
		mem_free(r->hdr_name[k]);
		mem_free(r->hdr_value[k]);
	}
	mem_free(r->body);
	memset(r, 0, sizeof(*r));
}

const char *
loopsrv_req_header(const struct loopsrv_req *r, const char *name)
{
	size_t	 k;

	for (k = 0; k < r->nhdrs; k++)
		if (strcasecmp(r->hdr_name[k], name) == 0)
			return r->hdr_value[k];
	return NULL;
}
