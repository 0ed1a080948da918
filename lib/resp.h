/*
 * resp: a response is built whole (status, headers, body) and only then
 * written (resp_send).  A late error can therefore still replace it with a
 * clean envelope.
 */
#ifndef KROW_RESP_H
#define KROW_RESP_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

struct json_object;
struct req;

struct resp {
	int		 status;	/* 0 = nothing set yet */
	const char	*ctype;		/* static string, e.g. "application/json" */
	struct buf	 headers;	/* "Name: value\r\n" lines */
	struct buf	 body;
};

void	resp_init(struct resp *);
void	resp_cleanup(struct resp *);
void	resp_reset(struct resp *);	/* between requests; keeps memory */

/* Add a header; CR and LF in name or value are dropped. */
void	resp_header(struct resp *, const char *name, const char *value);
/* Set status and a JSON body copied from json[0..len). */
void	resp_json_raw(struct resp *, int status, const char *json, size_t len);
/* Set status and the JSON media type; returns the emptied body, for the
 * caller to write the document into. */
struct buf *resp_json_body(struct resp *, int status);
/* Set status and serialize obj (json-c, not consumed) as the body. */
int	resp_json(struct resp *, int status, struct json_object *obj);
/*
 * Set status and a body of any media type: ctype (e.g. "text/csv;
 * charset=utf-8") must outlive the response (a static string); the body
 * is copied from body[0..len).
 */
void	resp_body(struct resp *, int status, const char *ctype,
	    const char *body, size_t len);
/*
 * Append s[0..len) to b as one text field of an RFC 4180 CSV record:
 * quoted (inner quotes doubled) when it holds a comma, a quote, CR or
 * LF; a field starting with = + - @ TAB or CR, which a spreadsheet would
 * run as a formula, gets a single quote first.  Separators and the CRLF
 * that ends a record are the caller's.
 */
void	resp_csv_text(struct buf *b, const char *s, size_t len);
/*
 * Replace whatever was set with the error envelope of the brief:
 *   {"code":"…","message":"…","details":{…},"requestId":"…"}
 * message NULL uses err_str(e); details NULL gives {} (not consumed).
 */
void	resp_error(struct resp *, enum err e, const char *message,
	    struct json_object *details, const char *request_id);
/*
 * Write the response to the FastCGI stream out (an FCGX_Stream *): Status,
 * Content-Type, Content-Length, X-Request-Id, the headers, the body.
 * Returns 0, or -1 when the client went away.
 */
int	resp_send(struct resp *, void *out, const char *request_id);

#endif
