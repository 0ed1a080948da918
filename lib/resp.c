/*
 * resp: the response of one request, built whole in memory (status,
 * content type, extra headers, body) and written by resp_send() at the
 * end.  One struct resp lives as long as the process and is reset
 * between requests, so its buffers are reused.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <fcgiapp.h>
#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "resp.h"

#define RESP_JSON	"application/json"
#define RESP_NOSTORE	"Cache-Control: no-store\r\n"

/* Prepare an empty response. */
void
resp_init(struct resp *resp)
{
	resp->status = 0;
	resp->ctype = NULL;
	buf_init(&resp->headers);
	buf_init(&resp->body);
}

/* Free the buffers; the response may be resp_init()ed again. */
void
resp_cleanup(struct resp *resp)
{
	buf_cleanup(&resp->headers);
	buf_cleanup(&resp->body);
	resp->status = 0;
	resp->ctype = NULL;
}

/* Forget status, headers and body; keep the memory. */
void
resp_reset(struct resp *resp)
{
	buf_reset(&resp->headers);
	buf_reset(&resp->body);
	resp->status = 0;
	resp->ctype = NULL;
}

/* Append s to b without its CR and LF bytes. */
static void
put_nocrlf(struct buf *b, const char *s)
{
	size_t	 n;

	while (*s != '\0') {
		n = strcspn(s, "\r\n");
		buf_append(b, s, n);
		s += n;
		while (*s == '\r' || *s == '\n')
			s++;
	}
}

/*
 * Add the header "name: value".  CR and LF are dropped from both so that
 * nothing a client sent can start a header of its own.
 */
void
resp_header(struct resp *resp, const char *name, const char *value)
{
	put_nocrlf(&resp->headers, name != NULL ? name : "");
	buf_append(&resp->headers, ": ", 2);
	put_nocrlf(&resp->headers, value != NULL ? value : "");
	buf_append(&resp->headers, "\r\n", 2);
}

/* Set status and the JSON body json[0..len) (copied). */
void
resp_json_raw(struct resp *resp, int status, const char *json, size_t len)
{
	resp->status = status;
	resp->ctype = RESP_JSON;
	buf_reset(&resp->body);
	buf_append(&resp->body, json, len);
}

struct buf *
resp_json_body(struct resp *resp, int status)
{
	resp->status = status;
	resp->ctype = RESP_JSON;
	buf_reset(&resp->body);
	return &resp->body;
}

/*
 * Set status and obj serialized (not consumed) as the body.  Returns
 * ERR_OK, or ERR_NOMEM when json-c cannot serialize it (the response is
 * then unchanged), so that a handler may `return resp_json(...)`.
 */
int
resp_json(struct resp *resp, int status, struct json_object *obj)
{
	const char	*s;
	size_t		 len;

	s = json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL)
		return ERR_NOMEM;
	resp_json_raw(resp, status, s, len);
	return ERR_OK;
}

/* Set status and the body body[0..len) (copied) of media type ctype. */
void
resp_body(struct resp *resp, int status, const char *ctype,
    const char *body, size_t len)
{
	resp->status = status;
	resp->ctype = ctype;
	buf_reset(&resp->body);
	buf_append(&resp->body, body, len);
}

/*
 * One CSV text field (RFC 4180), defused for spreadsheets: the leading
 * characters that start a formula (OWASP "CSV injection": = + - @, tab
 * and carriage return) get a single quote in front, which spreadsheets
 * show as text; the quote goes inside the quotes when the field is
 * quoted.
 */
void
resp_csv_text(struct buf *b, const char *s, size_t len)
{
	size_t	 i, n;
	int	 quote, defuse;

	quote = 0;
	for (i = 0; i < len && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n')
			quote = 1;
	defuse = len > 0 && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	if (quote)
		buf_putc(b, '"');
	if (defuse)
		buf_putc(b, '\'');
	for (i = 0; i < len; i += n) {
		if (s[i] == '"') {
			buf_append(b, "\"\"", 2);
			n = 1;
			continue;
		}
		for (n = 0; i + n < len && s[i + n] != '"'; n++)
			continue;
		buf_append(b, s + i, n);
	}
	if (quote)
		buf_putc(b, '"');
}

/*
 * Replace status, headers and body with the error envelope of e.  message
 * NULL uses err_str(e); details (not consumed) NULL gives {}; request_id
 * NULL gives null.  Headers set before are dropped: add Allow or
 * Retry-After after this call.
 */
void
resp_error(struct resp *resp, enum err e, const char *message,
    struct json_object *details, const char *request_id)
{
	const char	*d;
	size_t		 dlen;

	if (message == NULL)
		message = err_str(e);
	d = NULL;
	dlen = 0;
	if (details != NULL)
		d = json_object_to_json_string_length(details,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &dlen);

	resp->status = err_http(e);
	resp->ctype = RESP_JSON;
	buf_reset(&resp->headers);
	buf_reset(&resp->body);
	buf_puts(&resp->body, "{\"code\":");
	buf_json_str(&resp->body, err_code(e), strlen(err_code(e)));
	buf_puts(&resp->body, ",\"message\":");
	buf_json_str(&resp->body, message, strlen(message));
	buf_puts(&resp->body, ",\"details\":");
	if (d != NULL)
		buf_append(&resp->body, d, dlen);
	else
		buf_puts(&resp->body, "{}");
	buf_puts(&resp->body, ",\"requestId\":");
	if (request_id != NULL)
		buf_json_str(&resp->body, request_id, strlen(request_id));
	else
		buf_puts(&resp->body, "null");
	buf_putc(&resp->body, '}');
}

/* The reason phrase of an HTTP status we send. */
static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 423:
		return "Locked";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

/* Whether the header lines in h set a header called name (any case). */
static int
has_header(const struct buf *h, const char *name)
{
	const char	*p, *end;
	size_t		 nlen;

	nlen = strlen(name);
	p = buf_cstr(h);
	end = p + h->len;
	while (p < end) {
		if ((size_t)(end - p) > nlen && p[nlen] == ':' &&
		    strncasecmp(p, name, nlen) == 0)
			return 1;
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p++;
	}
	return 0;
}

/* Write s[0..len) to out; -1 when the stream fails. */
static int
put(FCGX_Stream *out, const char *s, size_t len)
{
	size_t	 n;

	while (len > 0) {
		n = len > INT_MAX ? INT_MAX : len;
		if (FCGX_PutStr(s, (int)n, out) != (int)n)
			return -1;
		s += n;
		len -= n;
	}
	return 0;
}

/* Write "name: value\r\n" with CR and LF dropped from value. */
static int
put_header(FCGX_Stream *out, const char *name, const char *value)
{
	size_t	 n;

	if (put(out, name, strlen(name)) == -1 || put(out, ": ", 2) == -1)
		return -1;
	while (*value != '\0') {
		n = strcspn(value, "\r\n");
		if (put(out, value, n) == -1)
			return -1;
		value += n;
		while (*value == '\r' || *value == '\n')
			value++;
	}
	return put(out, "\r\n", 2);
}

/*
 * Write the response to out (an FCGX_Stream *): the CGI Status line,
 * Content-Type, Content-Length, X-Request-Id, Cache-Control: no-store
 * (unless a Cache-Control header was set), the extra headers, a blank
 * line and the body (none for 204 and 304).  A response without a status
 * becomes the INTERNAL envelope.  Returns 0, or -1 when writing failed
 * (the client went away).
 */
int
resp_send(struct resp *resp, void *out, const char *request_id)
{
	FCGX_Stream	*fo = out;
	char		 line[64];
	int		 n, nobody;

	if (resp->status < 100 || resp->status > 999)
		resp_error(resp, ERR_INTERNAL, NULL, NULL, request_id);
	nobody = resp->status == 204 || resp->status == 304;

	n = snprintf(line, sizeof(line), "Status: %d %s\r\n", resp->status,
	    reason(resp->status));
	if (n < 0 || (size_t)n >= sizeof(line))
		return -1;
	if (put(fo, line, (size_t)n) == -1)
		return -1;
	if (!nobody) {
		if (resp->ctype != NULL &&
		    put_header(fo, "Content-Type", resp->ctype) == -1)
			return -1;
		n = snprintf(line, sizeof(line), "Content-Length: %zu\r\n",
		    resp->body.len);
		if (n < 0 || (size_t)n >= sizeof(line))
			return -1;
		if (put(fo, line, (size_t)n) == -1)
			return -1;
	}
	if (request_id != NULL &&
	    put_header(fo, "X-Request-Id", request_id) == -1)
		return -1;
	if (!has_header(&resp->headers, "Cache-Control") &&
	    put(fo, RESP_NOSTORE, sizeof(RESP_NOSTORE) - 1) == -1)
		return -1;
	if (put(fo, buf_cstr(&resp->headers), resp->headers.len) == -1)
		return -1;
	if (put(fo, "\r\n", 2) == -1)
		return -1;
	if (!nobody && put(fo, buf_cstr(&resp->body), resp->body.len) == -1)
		return -1;
	return 0;
}
