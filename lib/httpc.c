/*
 * httpc: a small, bounded libcurl client (see httpc.h).
 *
 * The process keeps one easy handle.  curl_easy_reset() before each call
 * clears every option of the previous call but keeps the connection
 * cache, so a worker talking to the same upstream reuses one connection
 * (keep-alive) without carrying any request state over.  The response
 * body is capped both by CURLOPT_MAXFILESIZE (an announced length) and in
 * the write callback (chunked or lying answers).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "buf.h"
#include "err.h"
#include "httpc.h"
#include "log.h"

#define HTTPC_URL_LOG_MAX	256		/* bytes of a logged URL */
#define HTTPC_YEAR		31536000LL	/* cap of max-age, seconds */

/* The process's handle (see the file comment); NULL until first use. */
static CURL	*httpc_handle;
static int	 httpc_global_done;

/* Where the callbacks of one call write; lives on httpc_do()'s stack. */
struct httpc_sink {
	struct httpc_resp	*resp;
	size_t			 max;
	int			 too_big;
};

/* Zero resp (its body buffer holds no memory yet). */
void
httpc_resp_init(struct httpc_resp *resp)
{
	resp->status = 0;
	buf_init(&resp->body);
	resp->cache_control[0] = '\0';
}

/* Free the body of resp and zero it; it may be reused. */
void
httpc_resp_cleanup(struct httpc_resp *resp)
{
	if (resp == NULL)
		return;
	buf_cleanup(&resp->body);
	resp->status = 0;
	resp->cache_control[0] = '\0';
}

/* Close the process's connections and free its handle. */
void
httpc_fini(void)
{
	if (httpc_handle != NULL)
		curl_easy_cleanup(httpc_handle);
	httpc_handle = NULL;
}

/* The process's handle, made on first use; NULL when libcurl fails. */
static CURL *
handle(void)
{
	if (httpc_handle != NULL)
		return httpc_handle;
	if (!httpc_global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		httpc_global_done = 1;
	}
	httpc_handle = curl_easy_init();
	return httpc_handle;
}

/*
 * Copy url into dst for a log line: the scheme, host and path, without
 * user information, query string or fragment (where keys could hide).
 */
static void
url_for_log(const char *url, char *dst, size_t dstlen)
{
	const char	*p, *host, *at, *end;
	size_t		 len;
	int		 n;

	dst[0] = '\0';
	if ((p = strstr(url, "://")) == NULL)
		return;
	host = p + 3;
	end = host + strcspn(host, "?#");
	at = memchr(host, '@', (size_t)(end - host));
	if (at != NULL && at < host + strcspn(host, "/"))
		host = at + 1;
	len = (size_t)(end - host);
	if (len > HTTPC_URL_LOG_MAX)
		len = HTTPC_URL_LOG_MAX;
	n = snprintf(dst, dstlen, "%.*s://%.*s", (int)(p - url), url,
	    (int)len, host);
	if (n < 0)
		dst[0] = '\0';
}

/* CURLOPT_WRITEFUNCTION: append to the body, refuse past the cap. */
static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct httpc_sink	*s = arg;
	size_t			 len = size * n;

	if (len > s->max || s->resp->body.len > s->max - len) {
		s->too_big = 1;
		return 0;		/* CURLE_WRITE_ERROR */
	}
	buf_append(&s->resp->body, p, len);
	return len;
}

/*
 * CURLOPT_HEADERFUNCTION: keep the Cache-Control of the final answer.  A
 * status line starts a new answer (after a 100 Continue), so it clears
 * what an earlier one said; repeated headers are joined with ", ".
 */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	static const char	 name[] = "cache-control:";
	struct httpc_sink	*s = arg;
	char			*cc = s->resp->cache_control;
	size_t			 len = size * n, have, vlen;
	const char		*v;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		cc[0] = '\0';
		return len;
	}
	if (len < sizeof(name) - 1 ||
	    strncasecmp(p, name, sizeof(name) - 1) != 0)
		return len;
	v = p + sizeof(name) - 1;
	vlen = len - (sizeof(name) - 1);
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
		vlen--;
	if (vlen == 0)
		return len;
	have = strlen(cc);
	if (have > 0 && have + 2 < HTTPC_CACHE_CONTROL_MAX) {
		memcpy(cc + have, ", ", 2);
		have += 2;
	}
	if (vlen > HTTPC_CACHE_CONTROL_MAX - 1 - have)
		vlen = HTTPC_CACHE_CONTROL_MAX - 1 - have;
	memcpy(cc + have, v, vlen);
	cc[have + vlen] = '\0';
	return len;
}

/* 1 when s holds CR or LF (header injection), else 0. */
static int
has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

/*
 * Build the request header list: the caller's headers, Content-Type, and
 * an empty Expect (no 100-continue round trip).  *out is NULL on error.
 */
static enum err
make_headers(const struct httpc_req *rq, struct curl_slist **out)
{
	struct curl_slist	*l = NULL, *t;
	char			 ct[256];
	size_t			 i;
	int			 n;

	*out = NULL;
	for (i = 0; rq->headers != NULL && rq->headers[i] != NULL; i++) {
		if (i >= HTTPC_MAX_HEADERS || has_crlf(rq->headers[i]) ||
		    strchr(rq->headers[i], ':') == NULL) {
			curl_slist_free_all(l);
			return ERR_INVAL;
		}
		if ((t = curl_slist_append(l, rq->headers[i])) == NULL)
			goto nomem;
		l = t;
	}
	if (rq->content_type != NULL) {
		if (has_crlf(rq->content_type)) {
			curl_slist_free_all(l);
			return ERR_INVAL;
		}
		n = snprintf(ct, sizeof(ct), "Content-Type: %s",
		    rq->content_type);
		if (n < 0 || (size_t)n >= sizeof(ct)) {
			curl_slist_free_all(l);
			return ERR_INVAL;
		}
		if ((t = curl_slist_append(l, ct)) == NULL)
			goto nomem;
		l = t;
	}
	if ((t = curl_slist_append(l, "Expect:")) == NULL)
		goto nomem;
	*out = t;
	return ERR_OK;
nomem:
	curl_slist_free_all(l);
	return ERR_INTERNAL;
}

/*
 * Set every option of rq on h.  CURLE_OK, or the first failure (an
 * option this libcurl refuses, or out of memory).
 */
static CURLcode
set_options(CURL *h, const struct httpc_req *rq, struct curl_slist *hdrs,
    struct httpc_sink *sink, char *errbuf)
{
	const char	*method = rq->method != NULL ? rq->method : "GET";
	long		 timeout;
	CURLcode	 c;

	timeout = rq->timeout_ms > 0 ? rq->timeout_ms : HTTPC_TIMEOUT_MS;
	if ((c = curl_easy_setopt(h, CURLOPT_URL, rq->url)) != CURLE_OK ||
#if LIBCURL_VERSION_NUM >= 0x075500
	    (c = curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR,
	    "http,https")) != CURLE_OK ||
#else
	    (c = curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS))) != CURLE_OK ||
#endif
	    (c = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L)) != CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)sink->max)) != CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_USERAGENT,
	    PACKAGE_NAME "/" PACKAGE_VERSION)) != CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_WRITEDATA, sink)) != CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header)) !=
	    CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_HEADERDATA, sink)) != CURLE_OK ||
	    (c = curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs)) != CURLE_OK)
		return c;

	if (rq->body != NULL) {
		/* POSTFIELDS is not copied: rq->body outlives the call. */
		if ((c = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)rq->bodylen)) != CURLE_OK ||
		    (c = curl_easy_setopt(h, CURLOPT_POSTFIELDS,
		    rq->body)) != CURLE_OK)
			return c;
		if (strcmp(method, "POST") != 0)
			c = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "GET") == 0)
		c = curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "HEAD") == 0)
		c = curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else
		c = curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	return c;
}

/* 1 when method is a plain HTTP token of capital letters. */
static int
method_ok(const char *m)
{
	size_t	 i;

	if (m == NULL)
		return 1;
	for (i = 0; m[i] != '\0'; i++)
		if (m[i] < 'A' || m[i] > 'Z' || i >= 16)
			return 0;
	return i > 0;
}

/*
 * Perform rq and fill resp (see httpc.h).  resp is initialised here; on
 * every return it holds no more than an empty body when the result is
 * not ERR_OK.
 */
enum err
httpc_do(const struct httpc_req *rq, struct httpc_resp *resp)
{
	struct httpc_sink	 sink;
	struct curl_slist	*hdrs = NULL;
	char			 errbuf[CURL_ERROR_SIZE];
	char			 logurl[HTTPC_URL_LOG_MAX + 32];
	CURL			*h;
	CURLcode		 c;
	long			 status = 0;
	enum err		 e;

	httpc_resp_init(resp);
	errbuf[0] = '\0';
	if (rq == NULL || rq->url == NULL || rq->url[0] == '\0' ||
	    !method_ok(rq->method) || (rq->body == NULL && rq->bodylen > 0))
		return ERR_INVAL;
	url_for_log(rq->url, logurl, sizeof(logurl));
	if ((e = make_headers(rq, &hdrs)) != ERR_OK) {
		if (e == ERR_INVAL)
			log_msg(LOGLV_ERROR, "upstream request refused",
			    "%s: bad request header", logurl);
		goto out;
	}
	e = ERR_INTERNAL;
	if ((h = handle()) == NULL) {
		log_msg(LOGLV_ERROR, "cannot set up libcurl", NULL);
		goto out;
	}
	curl_easy_reset(h);

	sink.resp = resp;
	sink.max = rq->body_max > 0 ? rq->body_max : HTTPC_BODY_MAX;
	sink.too_big = 0;
	if ((c = set_options(h, rq, hdrs, &sink, errbuf)) != CURLE_OK) {
		log_msg(LOGLV_ERROR, "cannot set up upstream request",
		    "%s: %s", logurl, curl_easy_strerror(c));
		goto out;
	}

	e = ERR_UPSTREAM;
	c = curl_easy_perform(h);
	if (sink.too_big || c == CURLE_FILESIZE_EXCEEDED) {
		log_msg(LOGLV_WARN, "upstream answer too large",
		    "%s %s: over %zu bytes", rq->method != NULL ?
		    rq->method : "GET", logurl, sink.max);
		goto out;
	}
	if (c != CURLE_OK) {
		log_msg(LOGLV_WARN, "upstream request failed", "%s %s: %s",
		    rq->method != NULL ? rq->method : "GET", logurl,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(c));
		goto out;
	}
	if ((c = curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status)) !=
	    CURLE_OK || status < 100 || status > 999) {
		log_msg(LOGLV_WARN, "upstream answer has no status", "%s",
		    logurl);
		goto out;
	}
	resp->status = status;
	e = ERR_OK;
out:
	/* Nothing of this call stays on the handle but its connection. */
	if (httpc_handle != NULL)
		curl_easy_reset(httpc_handle);
	curl_slist_free_all(hdrs);
	if (e != ERR_OK)
		httpc_resp_cleanup(resp);
	return e;
}

/*
 * max-age of a Cache-Control value: split on ',', trim, match
 * "max-age=" without regard to case, then decimal digits (optionally
 * quoted).  -1 when there is none or it is malformed.
 */
long long
httpc_max_age(const char *cc)
{
	const char	*p, *end, *d;
	long long	 v;
	size_t		 len;
	int		 quoted;

	if (cc == NULL)
		return -1;
	for (p = cc; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		end = p + strcspn(p, ",");
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len < 9 || strncasecmp(p, "max-age=", 8) != 0)
			continue;
		d = p + 8;
		len -= 8;
		quoted = d[0] == '"';
		if (quoted) {
			if (len < 3 || d[len - 1] != '"')
				return -1;
			d++;
			len -= 2;
		}
		v = 0;
		for (; len > 0; d++, len--) {
			if (*d < '0' || *d > '9')
				return -1;
			if (v < HTTPC_YEAR)
				v = v * 10 + (*d - '0');
		}
		return v > HTTPC_YEAR ? HTTPC_YEAR : v;
	}
	return -1;
}
