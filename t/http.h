/*
 * http: a small libcurl client for the integration suite.  Requests go to
 * the stack named by $KROW_TEST_URL (e.g. "http://127.0.0.1:8080"); tokens
 * are obtained through the real sign-in route, or minted with the stack's
 * own signing key ($KROW_TEST_STATE/etc) for actors without a password
 * flow and for expired or forged tokens.
 */
#ifndef KROW_T_HTTP_H
#define KROW_T_HTTP_H

#include <stddef.h>

#include "buf.h"

struct json_object;

struct http_res {
	long			 status;	/* 0 when no answer came */
	char			*body;		/* NUL-terminated; never NULL */
	size_t			 len;
	struct buf		 headers;	/* "Name: value\r\n" of the last
						 * response (after any 100) */
	struct json_object	*json;		/* parsed by http_json() */
};

/* Once per process, before any request (and before Check forks). */
int	 http_global_init(void);
/* The base URL ($KROW_TEST_URL) or NULL when unset or empty. */
const char *http_base(void);

/*
 * Send method path (appended to the base URL) with the given extra header
 * lines ("Name: value"; NULL-terminated array, may be NULL) and body
 * (NULL: none; bodylen bytes otherwise, so it may hold any bytes).  res
 * is initialised here and must be released with http_res_free().  Returns
 * 0 when an HTTP answer was received (any status), -1 otherwise.
 */
int	 http_do_len(const char *method, const char *path,
	    const char *const *headers, const char *body, size_t bodylen,
	    struct http_res *res);
/* http_do_len() with a NUL-terminated body (or NULL). */
int	 http_do(const char *method, const char *path,
	    const char *const *headers, const char *body,
	    struct http_res *res);
void	 http_res_free(struct http_res *);	/* accepts a zeroed res */

/*
 * Copy the value of the last header called name (case-insensitive) into
 * dst (NUL-terminated, truncated to dstlen - 1); returns dst, or NULL when
 * the header is absent.
 */
char	*http_header(const struct http_res *, const char *name, char *dst,
	    size_t dstlen);
/* The body parsed as JSON (once; owned by res), or NULL when it is not. */
struct json_object *http_json(struct http_res *);
/*
 * The string member at a '.'-separated path ("session.user.email") of the
 * body, or NULL when absent or not a string.  Borrowed from res.
 */
const char *http_json_str(struct http_res *, const char *path);

/*
 * POST /auth/client/sign-in with email and password.  On 200, returns the
 * idToken (free with mem_free()) and, when refresh is not NULL, the
 * refreshToken in *refresh (mem_free() too).  NULL on any failure, with
 * the HTTP status (0: no answer) in *status when status is not NULL.
 */
char	*http_sign_in(const char *email, const char *password,
	    char **refresh, long *status);
/* "Authorization: Bearer <token>" in dst; returns dst, or NULL when it
 * does not fit. */
char	*http_bearer(char *dst, size_t dstlen, const char *token);

/*
 * Seconds after a sign-out during which nginx may still accept a token
 * on a route it was used on: auth_gateway_cache_seconds of the stack
 * ($KROW_TEST_STATE/etc/krow.conf and the environment) plus the second
 * an entry lives on; 0 when it cannot be read (reason on stderr).
 */
long long	 http_gateway_window(void);

/* How http_mint() forges a token. */
#define HTTP_MINT_OTHER_KEY	0x01	/* signed by a fresh, unknown key */
#define HTTP_MINT_TAMPER	0x02	/* payload changed after signing */
#define HTTP_MINT_BAD_ISSUER	0x04	/* iss that the stack does not use */

/*
 * A token for provider uid sub, signed as krow-auth signs local tokens
 * (the key in the stack's configuration, kid its RFC 7638 thumbprint,
 * iss/aud from the configuration), issued iat_off seconds from now and
 * expiring exp_off seconds from now (e.g. -7200, -3600 for an expired
 * one).  Returns the compact token (free with mem_free()), or NULL
 * (the reason on stderr).
 */
char	*http_mint(const char *sub, long long iat_off, long long exp_off,
	    unsigned flags);

#endif
