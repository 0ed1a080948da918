/*
 * authtest: what the two sign-in suites share beyond api.[ch]:
 * t/check_auth.c (the local provider) and t/check_firebase.c (the Firebase
 * Auth Emulator).  Clocks, the stack's settings, the checks of an /auth
 * answer, the sign-up, sign-in, refresh and phone requests, fresh
 * fixtures that each suite keeps apart from the other's, the stack's
 * database and contrib/krow-stack.  Every function fails the running test
 * on a mismatch.
 *
 * Environment: KROW_TEST_URL (through http.c), KROW_TEST_STATE (the
 * stack's state folder), KROW_TEST_STACK (contrib/krow-stack),
 * KROW_TEST_DB_URL (libpq connection string of the stack's database).
 */
#ifndef KROW_T_AUTHTEST_H
#define KROW_T_AUTHTEST_H

#include <stddef.h>

#include <libpq-fe.h>

#include "conf.h"

struct buf;
struct http_res;

/* The password of the clients the suites sign up. */
#define AUTHTEST_PASSWORD	"correct-horse-1"

/*
 * What keeps one suite's fixtures apart from another's on a stack (both
 * suites may run at once against one database).
 */
struct authtest_names {
	const char	*domain;	/* of new emails ("x.example") */
	const char	*phone;		/* new numbers: this, then 7 digits */
	const char	*business;	/* new businesses: this, a number */
	const char	*display;	/* new clients' display name */
};

/*
 * Use names (borrowed: it must outlive the suite) for the fixtures made
 * by authtest_new_email(), authtest_new_phone() and
 * authtest_new_client().  Call it once in main(), before the suite runs.
 */
void		 authtest_init(const struct authtest_names *names);

/* Seconds since the epoch, as the programs' clocks read (api_now() is
 * for intervals). */
double		 authtest_wall(void);

/*
 * The stack's settings as its programs read them ($KROW_TEST_STATE/
 * etc/krow.conf with the KROW_* environment on top), loaded anew by each
 * call: a test may have changed the file (conf_free() it).
 */
struct conf	*authtest_conf(void);
/* One number setting, or one string setting (mem_free() it). */
long long	 authtest_conf_num(enum conf_key k);
char		*authtest_conf_str(enum conf_key k);
/*
 * How long a token may still be accepted after a change: the longer of
 * auth_cache_seconds and nginx's auth_gateway_cache_seconds + 1 (an
 * entry lives to the end of its last second).
 */
long long	 authtest_cache_window(void);

/*
 * The error envelope with status and code (any when NULL), as
 * api_envelope_strict() checks it, and nothing that looks like a
 * credential or the provider's own answer in the body.
 */
void		 authtest_envelope(struct http_res *res, long status,
		    const char *code);
/* The details object of the envelope in res names field. */
void		 authtest_detail(struct http_res *res, const char *field);
/* The string member at a dotted path of res's body: present and not
 * empty (borrowed from res). */
const char	*authtest_str(struct http_res *res, const char *path);
/* The string member at a dotted path of res's body equals want. */
void		 authtest_str_eq(struct http_res *res, const char *path,
		    const char *want);
/* The status of GET path as token (NULL: no token). */
long		 authtest_status(const char *path, const char *token);

/*
 * POST body to an /auth route (JSON unless body is NULL), with a bearer
 * token when token is not NULL; res as http_do() fills it
 * (http_res_free() it).  nginx limits the request rate on /auth: its 429
 * (Retry-After of 1 s) is retried after a pause, up to 15 times, as a
 * client would, so that the tests see krow-auth's own answers.
 */
void		 authtest_post(const char *path, const char *token,
		    const char *body, struct http_res *res);
/* Append "name":"v" to b, after a comma unless first. */
void		 authtest_member(struct buf *b, const char *name,
		    const char *v, int first);
/* POST /auth/client/sign-up with the four fields (answer in res). */
void		 authtest_sign_up(const char *email, const char *pw,
		    const char *display, const char *business,
		    struct http_res *res);
/* POST /auth/client/sign-in (answer in res). */
void		 authtest_sign_in(const char *email, const char *pw,
		    struct http_res *res);
/* POST /auth/refresh with refresh token rt (answer in res). */
void		 authtest_refresh(const char *rt, struct http_res *res);
/* POST /auth/staff/phone/start for phone (answer in res). */
void		 authtest_phone_start(const char *phone, struct http_res *res);
/* Start a phone sign-in (asserted 200); its sessionInfo (mem_free()). */
char		*authtest_phone_session(const char *phone);
/* POST /auth/staff/phone/verify with sessionInfo si (answer in res). */
void		 authtest_phone_verify(const char *si, const char *code,
		    struct http_res *res);
/* Another code of the same length as code (a wrong guess) into dst. */
void		 authtest_wrong_code(const char *code, char *dst,
		    size_t dstlen);

/* A number unique to this process and call (below 10,000,000). */
unsigned long	 authtest_uniq(void);
/* A fresh E.164 number (the suite's prefix and 7 digits) into dst. */
void		 authtest_new_phone(char *dst, size_t len);
/* A fresh email "tag-N@" the suite's domain into dst. */
void		 authtest_new_email(char *dst, size_t len, const char *tag);
/*
 * Sign up a new client (asserted 201), with a fresh email written to
 * email (emaillen bytes), AUTHTEST_PASSWORD and the suite's names; the
 * answer in res (http_res_free() it).
 */
void		 authtest_new_client(char *email, size_t emaillen,
		    struct http_res *res);

/* A connection to the stack's database (PQfinish() it). */
PGconn		*authtest_db_open(void);
/*
 * Run sql with up to two text parameters (p2, or both, NULL for fewer),
 * on a connection of its own; asserts that it succeeded.  The first
 * column of the first row (mem_free() it), NULL when there is no row or
 * the value is NULL.
 */
char		*authtest_db_value(const char *sql, const char *p1,
		    const char *p2);
/* authtest_db_value() of a count: asserted present, as a number. */
long		 authtest_db_count(const char *sql, const char *p1,
		    const char *p2);

/*
 * Run "$KROW_TEST_STACK cmd $KROW_TEST_STATE a1 a2" (a1, a2 may be NULL;
 * quoted for the shell: they come from the tests, never from input),
 * its output to stderr; 0 when it succeeded, -1 otherwise.
 */
int		 authtest_stack_run(const char *cmd, const char *a1,
		    const char *a2);
/* Set setting key of the stack to value and restart pool with it. */
void		 authtest_set(const char *key, const char *value,
		    const char *pool);

/*
 * After a change at t0 (api_now()) that must stop token on path
 * (GET): it is refused with status want and envelope code within
 * authtest_cache_window() + 1 s, then on 20 requests in a row (on every
 * worker).  Until it is refused the answer is 200, or transient when
 * that is not 0 (e.g. the pool's 404 for a user gone while a worker's
 * cache still knows the token).
 */
void		 authtest_refused_within_cache(const char *path,
		    const char *token, double t0, long want, const char *code,
		    long transient);

#endif
