/*
 * err: the tables behind enum err.  The code is the stable string clients
 * see in the error envelope, the message the default text, the status the
 * HTTP answer; this is the only place an error becomes a status.
 */
#include "config.h"

#include <stddef.h>

#include "err.h"

struct err_info {
	const char	*code;
	const char	*msg;
	int		 http;
};

static const struct err_info errs[ERR__MAX] = {
	[ERR_OK] = { "OK", "success", 200 },
	[ERR_BADREQ] = { "BAD_REQUEST",
	    "the request is malformed", 400 },
	[ERR_INVAL] = { "VALIDATION_ERROR",
	    "the request failed validation", 400 },
	[ERR_IDEM_REQUIRED] = { "IDEMPOTENCY_KEY_REQUIRED",
	    "an Idempotency-Key header is required", 400 },
	[ERR_UNAUTH] = { "UNAUTHENTICATED",
	    "authentication is required", 401 },
	[ERR_TOKEN_EXPIRED] = { "TOKEN_EXPIRED",
	    "the token has expired", 401 },
	[ERR_TOKEN_REVOKED] = { "TOKEN_REVOKED",
	    "the token has been revoked", 401 },
	[ERR_BAD_CREDENTIALS] = { "INVALID_CREDENTIALS",
	    "the credentials are not valid", 401 },
	[ERR_FORBIDDEN] = { "FORBIDDEN",
	    "the caller may not do this", 403 },
	[ERR_DISABLED] = { "ACCOUNT_DISABLED",
	    "the account is disabled", 403 },
	[ERR_NOTFOUND] = { "NOT_FOUND",
	    "the resource was not found", 404 },
	[ERR_METHOD] = { "METHOD_NOT_ALLOWED",
	    "the method is not allowed on this resource", 405 },
	[ERR_CONFLICT] = { "CONFLICT",
	    "the request conflicts with the current state", 409 },
	[ERR_IDEM_INPROGRESS] = { "IDEMPOTENCY_IN_PROGRESS",
	    "a request with this idempotency key is in progress", 409 },
	[ERR_TOOLARGE] = { "PAYLOAD_TOO_LARGE",
	    "the request body is too large", 413 },
	[ERR_MEDIATYPE] = { "UNSUPPORTED_MEDIA_TYPE",
	    "the content type is not supported", 415 },
	[ERR_IDEM_REUSED] = { "IDEMPOTENCY_KEY_REUSED",
	    "the idempotency key was used with a different request", 422 },
	[ERR_LOCKED] = { "ACCOUNT_LOCKED",
	    "the account is locked", 423 },
	[ERR_RATE] = { "RATE_LIMITED",
	    "too many requests", 429 },
	[ERR_INTERNAL] = { "INTERNAL",
	    "an internal error occurred", 500 },
	[ERR_NOMEM] = { "INTERNAL",
	    "an internal error occurred", 500 },
	[ERR_DB] = { "INTERNAL",
	    "an internal error occurred", 500 },
	[ERR_UPSTREAM] = { "UPSTREAM_UNAVAILABLE",
	    "an upstream service is unavailable", 503 },
};

/*
 * The entry for e; a value outside the enum, or one the table forgot,
 * is an internal error.
 */
static const struct err_info *
info(enum err e)
{
	if ((unsigned int)e >= ERR__MAX || errs[e].code == NULL)
		return &errs[ERR_INTERNAL];
	return &errs[e];
}

/* The stable UPPER_SNAKE code of e, e.g. "VALIDATION_ERROR". */
const char *
err_code(enum err e)
{
	return info(e)->code;
}

/* The default message of e: lowercase, no internals. */
const char *
err_str(enum err e)
{
	return info(e)->msg;
}

/* The HTTP status of e (200 for ERR_OK, 500 when e is unknown). */
int
err_http(enum err e)
{
	return info(e)->http;
}
