/*
 * err: the one error enum of the project.  0 is success.  Each value has a
 * stable UPPER_SNAKE code for the envelope, a default message and an HTTP
 * status; nothing else in the code maps errors to statuses.
 */
#ifndef KROW_ERR_H
#define KROW_ERR_H

enum err {
	ERR_OK = 0,
	ERR_BADREQ,		/* 400 BAD_REQUEST: malformed syntax */
	ERR_INVAL,		/* 400 VALIDATION_ERROR (per-field details) */
	ERR_IDEM_REQUIRED,	/* 400 IDEMPOTENCY_KEY_REQUIRED */
	ERR_UNAUTH,		/* 401 UNAUTHENTICATED */
	ERR_TOKEN_EXPIRED,	/* 401 TOKEN_EXPIRED */
	ERR_TOKEN_REVOKED,	/* 401 TOKEN_REVOKED */
	ERR_BAD_CREDENTIALS,	/* 401 INVALID_CREDENTIALS */
	ERR_FORBIDDEN,		/* 403 FORBIDDEN */
	ERR_DISABLED,		/* 403 ACCOUNT_DISABLED */
	ERR_NOTFOUND,		/* 404 NOT_FOUND */
	ERR_METHOD,		/* 405 METHOD_NOT_ALLOWED */
	ERR_CONFLICT,		/* 409 CONFLICT */
	ERR_IDEM_INPROGRESS,	/* 409 IDEMPOTENCY_IN_PROGRESS */
	ERR_TOOLARGE,		/* 413 PAYLOAD_TOO_LARGE */
	ERR_MEDIATYPE,		/* 415 UNSUPPORTED_MEDIA_TYPE */
	ERR_IDEM_REUSED,	/* 422 IDEMPOTENCY_KEY_REUSED */
	ERR_LOCKED,		/* 423 ACCOUNT_LOCKED */
	ERR_RATE,		/* 429 RATE_LIMITED */
	ERR_INTERNAL,		/* 500 INTERNAL */
	ERR_NOMEM,		/* 500 INTERNAL */
	ERR_DB,			/* 500 INTERNAL (database error) */
	ERR_UPSTREAM,		/* 503 UPSTREAM_UNAVAILABLE */
	ERR__MAX
};

const char	*err_code(enum err);	/* "VALIDATION_ERROR" */
const char	*err_str(enum err);	/* "the request body failed validation" */
int		 err_http(enum err);	/* 400 */

#endif
