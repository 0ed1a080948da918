/*
 * api: Check assertions shared by the integration suites that read the
 * API (see api.c).  Every function fails the running test on a mismatch.
 */
#ifndef KROW_T_API_H
#define KROW_T_API_H

#include <stddef.h>

#include <check.h>

struct http_res;
struct json_object;

/*
 * The main() of an integration suite named prog: exit 77 (skipped) when
 * $KROW_TEST_URL is not set; otherwise initialise libcurl, run setup()
 * (mint the suite's tokens; may be NULL), run the suite make() builds
 * (CK_ENV), run teardown() (free them; may be NULL).  Returns the exit
 * status: EXIT_SUCCESS when every test passed, EXIT_FAILURE otherwise.
 */
int		 api_main(const char *prog, Suite *(*make)(void),
		    void (*setup)(void), void (*teardown)(void));
/* Sleep for ms milliseconds (resumed after a signal). */
void		 api_nap(long ms);
/* Seconds on the monotonic clock: for measuring intervals. */
double		 api_now(void);
/* A test case name added to s, each test limited to timeout seconds. */
TCase		*api_tcase(Suite *s, const char *name, double timeout);
/* A token for provider uid (http_mint(), valid for an hour), or the
 * program exits with a message (mem_free() it). */
char		*api_mint(const char *uid);
/* An Idempotency-Key made of tag, this process and time and a call
 * counter: unique to the run and call, so that reruns on one stack work
 * (the last 8 stay valid). */
const char	*api_key(const char *tag);
/* The idToken of the demo user email signed in with the demo password,
 * or the program exits with a message (mem_free() it). */
char		*api_sign_in(const char *email);

/* The request got an HTTP answer at all. */
void		 api_req_ok(int rc);
/* GET path with "Authorization: Bearer token" (NULL: no such header). */
void		 api_get_as(const char *path, const char *token,
		    struct http_res *res);
/* A command: method path as token, with "Idempotency-Key: key" (key may
 * be NULL) and, when body is not NULL, a JSON body. */
void		 api_cmd(const char *method, const char *path, const char *token,
		    const char *key, const char *body, struct http_res *res);
/* The answer has status and a JSON body (Content-Type application/json,
 * an X-Request-Id in UUID form); the parsed body (borrowed). */
struct json_object *api_json_ok(struct http_res *res, long status);
/* The answer is the error envelope with status and code (and, when field
 * is not NULL, details naming field). */
void		 api_envelope(struct http_res *res, long status,
		    const char *code, const char *field);
/*
 * The error envelope in full: status, a JSON answer (as api_json_ok()),
 * exactly the members code (a string; equal to code unless that is
 * NULL), message (a non-empty string), details (an object) and requestId
 * (a UUID, equal to the X-Request-Id header).
 */
void		 api_envelope_strict(struct http_res *res, long status,
		    const char *code);
/* The command (as api_cmd()) answers the envelope (as api_envelope()). */
void		 api_expect(const char *method, const char *path,
		    const char *token, const char *key, const char *body,
		    long status, const char *code, const char *field);
/* GET path answers 400 VALIDATION_ERROR naming field. */
void		 api_expect_invalid(const char *path, const char *token,
		    const char *field);
/* GET path answers 404 NOT_FOUND. */
void		 api_expect_404(const char *path, const char *token);
/* The member at a dotted path ("a.b.0.c"); fails when missing. */
struct json_object *api_member(struct json_object *o, const char *path);
long long	 api_num(struct json_object *o, const char *path);
const char	*api_str(struct json_object *o, const char *path);
/* A list answer's items array, one item, their count, its nextCursor. */
struct json_object *api_items(struct json_object *o);
struct json_object *api_item(struct json_object *o, size_t i);
size_t		 api_nitems(struct json_object *o);
/* The item of a list answer whose member key is the string val, or NULL;
 * api_find_ok() fails the test instead. */
struct json_object *api_find(struct json_object *o, const char *key,
		    const char *val);
struct json_object *api_find_ok(struct json_object *o, const char *key,
		    const char *val);
const char	*api_next_cursor(struct json_object *o);
/* The first output line of query run through the stack's psql
 * (mem_free() it), or that line as a number. */
char		*api_sql(const char *query);
long long	 api_sql_num(const char *query);
/*
 * query answers one text listing what differs ('' when nothing does, as
 * the diff functions of the kept counts do); fails with what and that
 * text when it is not empty.
 */
void		 api_sql_none(const char *what, const char *query);
/*
 * A command (as api_cmd(), with a fresh key tagged tag) that must answer
 * status with a JSON body; its member key as a new string (mem_free() it),
 * or NULL when key is NULL.
 */
char		*api_send(const char *method, const char *path,
		    const char *token, const char *tag, const char *body,
		    long status, const char *key);
/* printf into a new string (mem_free() it). */
char		*api_fmt(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* Run SQL (a printf format) for its effect. */
void		 api_sqlf(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
/* A number from SQL (a printf format), as api_sql_num(). */
long long	 api_sqlf_num(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

#endif
