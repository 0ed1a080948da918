/*
 * check_req: params, query string, body and JSON body of a request
 * (lib/req.c).  The body comes from an FCGX_Stream built over a static
 * buffer, the way libfcgi builds its own streams: rdNext..stop hold the
 * bytes, and fillBuffProc hands out the next piece or closes the stream.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <fcgiapp.h>
#include <json-c/json.h>

#include "arena.h"
#include "conf.h"
#include "err.h"
#include "req.h"

/* A reader stream over data, handed out piece bytes at a time. */
struct src {
	FCGX_Stream	 s;
	const char	*data;
	size_t		 len;
	size_t		 off;	/* bytes handed out so far */
	size_t		 piece;
};

static void
src_fill(FCGX_Stream *s)
{
	struct src	*src = s->data;
	size_t		 n;

	if (src->off == src->len) {
		s->isClosed = 1;
		return;
	}
	n = src->len - src->off;
	if (n > src->piece)
		n = src->piece;
	s->rdNext = s->stopUnget = (unsigned char *)src->data + src->off;
	s->stop = s->wrNext = s->rdNext + n;
	src->off += n;
}

static void
src_init(struct src *src, const char *data, size_t len, size_t piece)
{
	memset(src, 0, sizeof(*src));
	src->data = data;
	src->len = len;
	src->piece = piece;
	src->s.isReader = 1;
	src->s.fillBuffProc = src_fill;
	src->s.data = src;
	/* Start empty: the first read calls fillBuffProc. */
	src->s.rdNext = src->s.stop = src->s.wrNext = src->s.stopUnget =
	    (unsigned char *)data;
}

static struct arena	*arena;
static struct req	 r;
static struct src	 src;
static char		*env[8];
static char		 clen[64];

static void
setup(void)
{
	arena = arena_new(0);
	memset(&r, 0, sizeof(r));
	memset(env, 0, sizeof(env));
	r.arena = arena;
	r.envp = env;
	r.query = "";
}

static void
teardown(void)
{
	arena_free(arena);
}

/* Make the request's body data (with CONTENT_LENGTH cl, NULL: absent). */
static void
body(const char *cl, const char *data, size_t len, size_t piece)
{
	int	 n;

	if (cl != NULL) {
		n = snprintf(clen, sizeof(clen), "CONTENT_LENGTH=%s", cl);
		ck_assert(n > 0 && (size_t)n < sizeof(clen));
		env[0] = clen;
	}
	src_init(&src, data, len, piece);
	r.in = &src.s;
}

/* ---- req_env ---- */

START_TEST(t_env_exact_name)
{
	char	 a[] = "CONTENT_TYPE_X=no";
	char	 b[] = "CONTENT_TYPE=application/json";
	char	 c[] = "CONTENT=no";

	env[0] = a;
	env[1] = c;
	env[2] = b;
	ck_assert_str_eq(req_env(&r, "CONTENT_TYPE"), "application/json");
}
END_TEST

START_TEST(t_env_absent_and_empty)
{
	char	 a[] = "QUERY_STRING=";

	env[0] = a;
	ck_assert_ptr_null(req_env(&r, "REQUEST_METHOD"));
	ck_assert_str_eq(req_env(&r, "QUERY_STRING"), "");
	r.envp = NULL;
	ck_assert_ptr_null(req_env(&r, "QUERY_STRING"));
}
END_TEST

/* ---- req_param ---- */

START_TEST(t_param)
{
	static const char pattern[] = "/orders/:orderId";

	r.params.n = 1;
	r.params.name[0] = pattern + 9;
	r.params.namelen[0] = 7;
	r.params.value[0] = "o-1";
	ck_assert_str_eq(req_param(&r, "orderId"), "o-1");
	ck_assert_ptr_null(req_param(&r, "order"));
}
END_TEST

/* ---- req_urldecode ---- */

static long
decode(char *dst, const char *src_, int plus)
{
	return req_urldecode(dst, src_, strlen(src_), plus);
}

START_TEST(t_urldecode_plain)
{
	char	 d[64];

	ck_assert_int_eq(decode(d, "a%20b%2Fc", 0), 5);
	ck_assert_str_eq(d, "a b/c");
}
END_TEST

START_TEST(t_urldecode_hex_case)
{
	char	 d[64];

	ck_assert_int_eq(decode(d, "%c3%A9%C3%a9", 0), 4);
	ck_assert_str_eq(d, "\xc3\xa9\xc3\xa9");
}
END_TEST

START_TEST(t_urldecode_plus)
{
	char	 d[64];

	ck_assert_int_eq(decode(d, "a+b%2B", 1), 4);
	ck_assert_str_eq(d, "a b+");
	ck_assert_int_eq(decode(d, "a+b", 0), 3);
	ck_assert_str_eq(d, "a+b");
}
END_TEST

START_TEST(t_urldecode_nul)
{
	char	 d[64];

	ck_assert_int_eq(decode(d, "a%00b", 0), -1);
}
END_TEST

START_TEST(t_urldecode_bad_escape)
{
	char	 d[64];

	ck_assert_int_eq(decode(d, "%", 0), -1);
	ck_assert_int_eq(decode(d, "abc%4", 0), -1);
	ck_assert_int_eq(decode(d, "%zz", 0), -1);
	ck_assert_int_eq(decode(d, "%4g", 0), -1);
	ck_assert_int_eq(decode(d, "%%41", 0), -1);
}
END_TEST

START_TEST(t_urldecode_length_bound)
{
	char	 d[64];

	/* Only len bytes are read: the escape is cut, so it is bad. */
	ck_assert_int_eq(req_urldecode(d, "ab%41", 4, 0), -1);
	ck_assert_int_eq(req_urldecode(d, "ab%41", 2, 0), 2);
	ck_assert_str_eq(d, "ab");
}
END_TEST

/* ---- req_query_parse, req_query ---- */

START_TEST(t_query_pairs)
{
	r.query = "a=1&name=Ana+L%C3%B3pez&flag&e=";
	ck_assert_int_eq(req_query_parse(&r), ERR_OK);
	ck_assert_uint_eq(r.nqs, 4);
	ck_assert_str_eq(req_query(&r, "a"), "1");
	ck_assert_str_eq(req_query(&r, "name"), "Ana L\xc3\xb3pez");
	ck_assert_uint_eq(r.qs[1].vallen, 10);
	ck_assert_str_eq(req_query(&r, "flag"), "");
	ck_assert_str_eq(req_query(&r, "e"), "");
	ck_assert_ptr_null(req_query(&r, "missing"));
}
END_TEST

START_TEST(t_query_duplicate_first_wins)
{
	r.query = "limit=10&limit=20";
	ck_assert_str_eq(req_query(&r, "limit"), "10");
	ck_assert_uint_eq(r.nqs, 2);
}
END_TEST

START_TEST(t_query_decoded_key)
{
	r.query = "%6Cimit=5";
	ck_assert_str_eq(req_query(&r, "limit"), "5");
}
END_TEST

START_TEST(t_query_empty_pieces)
{
	r.query = "&&a=1&&";
	ck_assert_int_eq(req_query_parse(&r), ERR_OK);
	ck_assert_uint_eq(r.nqs, 1);
	ck_assert_str_eq(req_query(&r, "a"), "1");
}
END_TEST

START_TEST(t_query_empty)
{
	ck_assert_int_eq(req_query_parse(&r), ERR_OK);
	ck_assert_uint_eq(r.nqs, 0);
	ck_assert_ptr_null(req_query(&r, "a"));
}
END_TEST

START_TEST(t_query_bad_escape)
{
	r.query = "a=%zz";
	ck_assert_int_eq(req_query_parse(&r), ERR_BADREQ);
	ck_assert_str_eq(r.err_message,
	    "the query string has a malformed percent escape");
	ck_assert_ptr_null(req_query(&r, "a"));
}
END_TEST

START_TEST(t_query_nul)
{
	r.query = "a=x%00y";
	ck_assert_int_eq(req_query_parse(&r), ERR_BADREQ);
}
END_TEST

START_TEST(t_query_invalid_utf8_value)
{
	r.query = "a=%FF";
	ck_assert_int_eq(req_query_parse(&r), ERR_BADREQ);
	ck_assert_str_eq(r.err_message, "the query string is not valid UTF-8");
}
END_TEST

START_TEST(t_query_invalid_utf8_key)
{
	r.query = "%C3=1";
	ck_assert_int_eq(req_query_parse(&r), ERR_BADREQ);
	ck_assert_str_eq(r.err_message, "the query string is not valid UTF-8");
}
END_TEST

START_TEST(t_query_size_limit)
{
	char	*q;

	q = arena_alloc(arena, 8194);
	memset(q, 'x', 8193);
	q[0] = 'a';
	q[1] = '=';
	q[8192] = '\0';
	r.query = q;
	ck_assert_int_eq(req_query_parse(&r), ERR_OK);
	ck_assert_uint_eq(strlen(req_query(&r, "a")), 8190);

	memset(&r, 0, sizeof(r));
	r.arena = arena;
	q[8192] = 'x';
	q[8193] = '\0';
	r.query = q;
	ck_assert_int_eq(req_query_parse(&r), ERR_BADREQ);
	ck_assert_str_eq(r.err_message, "the query string is too long");
}
END_TEST

/* "k0=0&k1=1&..." with n pairs, in the arena. */
static const char *
pairs(size_t n)
{
	char	*q;
	size_t	 i, off;
	int	 c;

	q = arena_alloc(arena, n * 16 + 1);
	q[0] = '\0';
	for (i = off = 0; i < n; i++) {
		c = snprintf(q + off, n * 16 + 1 - off, "%sk%zu=%zu",
		    i > 0 ? "&" : "", i, i);
		ck_assert(c > 0 && (size_t)c < n * 16 + 1 - off);
		off += (size_t)c;
	}
	return q;
}

START_TEST(t_query_pair_limit)
{
	r.query = pairs(64);
	ck_assert_int_eq(req_query_parse(&r), ERR_OK);
	ck_assert_str_eq(req_query(&r, "k63"), "63");

	memset(&r, 0, sizeof(r));
	r.arena = arena;
	r.query = pairs(65);
	ck_assert_int_eq(req_query_parse(&r), ERR_BADREQ);
	ck_assert_str_eq(r.err_message,
	    "the query string has too many parameters");
}
END_TEST

/* ---- req_body ---- */

START_TEST(t_body_exact)
{
	body("5", "hello", 5, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_uint_eq(r.bodylen, 5);
	ck_assert_str_eq(r.body, "hello");
}
END_TEST

START_TEST(t_body_in_pieces)
{
	static const char data[] = "0123456789abcdefghijklmnopqrstuvwxyz";

	/* The stream gives 3 bytes per fill: the read loop must go on. */
	body("36", data, 36, 3);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_uint_eq(r.bodylen, 36);
	ck_assert_str_eq(r.body, data);
}
END_TEST

START_TEST(t_body_stops_at_length)
{
	/* Bytes past Content-Length are not part of the body. */
	body("3", "abcdef", 6, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_uint_eq(r.bodylen, 3);
	ck_assert_str_eq(r.body, "abc");
}
END_TEST

START_TEST(t_body_short)
{
	body("10", "hello", 5, 2);
	ck_assert_int_eq(req_body(&r, 100), ERR_BADREQ);
	ck_assert_str_eq(r.err_message,
	    "request body is shorter than Content-Length");
	ck_assert_ptr_null(r.body);
}
END_TEST

START_TEST(t_body_too_large_not_read)
{
	body("101", "x", 1, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_TOOLARGE);
	/* Nothing was read from the stream. */
	ck_assert_uint_eq(src.off, 0);
}
END_TEST

START_TEST(t_body_at_max)
{
	static char	 data[100];

	memset(data, 'z', sizeof(data));
	body("100", data, sizeof(data), 7);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_uint_eq(r.bodylen, 100);
}
END_TEST

START_TEST(t_body_absent_length)
{
	body(NULL, "ignored", 7, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_uint_eq(r.bodylen, 0);
	ck_assert_str_eq(r.body, "");
}
END_TEST

START_TEST(t_body_empty_length)
{
	body("", "ignored", 7, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_uint_eq(r.bodylen, 0);
}
END_TEST

START_TEST(t_body_length_not_digits)
{
	static const char *const bad[] = {
		"12a", "-1", "+5", " 5", "5 ", "0x10", "1e3", "5.0"
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.arena = arena;
		r.envp = env;
		body(bad[i], "hello", 5, 4096);
		ck_assert_msg(req_body(&r, 100) == ERR_BADREQ,
		    "CONTENT_LENGTH \"%s\" accepted", bad[i]);
		ck_assert_str_eq(r.err_message,
		    "Content-Length is not a valid number");
	}
}
END_TEST

START_TEST(t_body_length_huge)
{
	/* 23 digits: more than any size, and more than 20 digits */
	body("99999999999999999999999", "x", 1, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_BADREQ);
	ck_assert_uint_eq(src.off, 0);
}
END_TEST

START_TEST(t_body_length_overflow)
{
	/* 20 digits but above SIZE_MAX: too large, nothing read */
	body("99999999999999999999", "x", 1, 4096);
	ck_assert_int_eq(req_body(&r, (size_t)-1), ERR_TOOLARGE);
	ck_assert_uint_eq(src.off, 0);
}
END_TEST

START_TEST(t_body_read_once)
{
	body("5", "hello", 5, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_int_eq(req_body(&r, 100), ERR_OK);
	ck_assert_str_eq(r.body, "hello");
}
END_TEST

START_TEST(t_body_failure_remembered)
{
	body("10", "hello", 5, 4096);
	ck_assert_int_eq(req_body(&r, 100), ERR_BADREQ);
	ck_assert_int_eq(req_body(&r, 100), ERR_BADREQ);
}
END_TEST

START_TEST(t_body_no_stream)
{
	char	 cl[] = "CONTENT_LENGTH=4";

	env[0] = cl;
	r.in = NULL;
	ck_assert_int_eq(req_body(&r, 100), ERR_BADREQ);
}
END_TEST

/* ---- req_json ---- */

/* Give the request the body s (its length announced exactly). */
static void
json_body(const char *s)
{
	char	*num;

	num = arena_printf(arena, "%zu", strlen(s));
	body(num, s, strlen(s), 4096);
}

START_TEST(t_json_object)
{
	struct json_object	*o, *v;

	json_body("{\"name\":\"Ana\",\"n\":[1,2]}\r\n ");
	ck_assert_int_eq(req_json(&r, &o), ERR_OK);
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "name", &v));
	ck_assert_str_eq(json_object_get_string(v), "Ana");
	/* A second call gives the same object. */
	ck_assert_int_eq(req_json(&r, &v), ERR_OK);
	ck_assert_ptr_eq(v, o);
}
END_TEST

START_TEST(t_json_empty)
{
	struct json_object	*o;

	json_body("");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert_ptr_null(o);
	ck_assert_str_eq(r.err_message, "a JSON body is required");
}
END_TEST

START_TEST(t_json_malformed)
{
	struct json_object	*o;

	json_body("{\"name\":}");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert_ptr_null(o);
	ck_assert(strncmp(r.err_message, "the body is not valid JSON", 26) ==
	    0);
}
END_TEST

START_TEST(t_json_truncated)
{
	struct json_object	*o;

	json_body("{\"name\":\"Ana\"");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert(strncmp(r.err_message, "the body is not valid JSON", 26) ==
	    0);
}
END_TEST

START_TEST(t_json_trailing_comma)
{
	struct json_object	*o;

	/* Not JSON (RFC 8259), although lenient parsers take it. */
	json_body("{\"a\":1,}");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
}
END_TEST

START_TEST(t_json_trailing_garbage)
{
	struct json_object	*o;

	json_body("{\"a\":1} x");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert_ptr_null(o);
}
END_TEST

START_TEST(t_json_two_values)
{
	struct json_object	*o;

	json_body("{}{}");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
}
END_TEST

START_TEST(t_json_not_object)
{
	static const char *const bodies[] = {
		"[1,2]", "123", "\"text\"", "null", "true", " 7 "
	};
	struct json_object	*o;
	size_t			 i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.arena = arena;
		r.envp = env;
		json_body(bodies[i]);
		ck_assert_msg(req_json(&r, &o) == ERR_BADREQ,
		    "body %s accepted", bodies[i]);
		ck_assert_str_eq(r.err_message,
		    "the body must be a JSON object");
	}
}
END_TEST

START_TEST(t_json_deep_nesting)
{
	struct json_object	*o;
	char			 s[2 * 100 + 16];
	size_t			 n;

	/* {"a": followed by 100 '[' and as many ']' */
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '[', 100);
	memset(s + 105, ']', 100);
	memcpy(s + 205, "}", 2);
	n = strlen(s);
	ck_assert_uint_eq(n, 206);
	json_body(s);
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert_str_eq(r.err_message, "the JSON body is nested too deeply");
}
END_TEST

START_TEST(t_json_moderate_nesting)
{
	struct json_object	*o;

	json_body("{\"a\":[[[[[[[[[[1]]]]]]]]]]}");
	ck_assert_int_eq(req_json(&r, &o), ERR_OK);
}
END_TEST

START_TEST(t_json_invalid_utf8)
{
	struct json_object	*o;

	json_body("{\"name\":\"\xc3\x28\"}");
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert_str_eq(r.err_message, "the body is not valid UTF-8");
}
END_TEST

START_TEST(t_json_short_body)
{
	struct json_object	*o;

	body("100", "{}", 2, 4096);
	ck_assert_int_eq(req_json(&r, &o), ERR_BADREQ);
	ck_assert_str_eq(r.err_message,
	    "request body is shorter than Content-Length");
}
END_TEST

START_TEST(t_json_configured_limit)
{
	struct json_object	*o;
	struct conf		*conf;
	char			 path[] = "/tmp/check_req.XXXXXX";
	char			 err[256];
	int			 fd;

	/* body_max = 16: a 17-byte body is refused unread */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "body_max = 16\n", 14), 14);
	close(fd);
	unsetenv("KROW_BODY_MAX");
	unsetenv("KROW_BODY_MAX_FILE");
	ck_assert_msg(conf_load(&conf, path, err, sizeof(err)) == 0, "%s",
	    err);
	unlink(path);
	r.conf = conf;
	json_body("{\"a\":\"123456789\"}");
	ck_assert_int_eq(req_json(&r, &o), ERR_TOOLARGE);
	ck_assert_uint_eq(src.off, 0);

	memset(&r, 0, sizeof(r));
	r.arena = arena;
	r.envp = env;
	r.conf = conf;
	json_body("{\"a\":\"12345678\"}");
	ck_assert_int_eq(req_json(&r, &o), ERR_OK);
	conf_free(conf);
}
END_TEST

/* ---- req_fail ---- */

START_TEST(t_fail_records)
{
	struct json_object	*d;

	d = json_object_new_object();
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(req_fail(&r, ERR_NOTFOUND, "no such order", d),
	    ERR_NOTFOUND);
	ck_assert_str_eq(r.err_message, "no such order");
	ck_assert_ptr_eq(r.err_details, d);
	/* The arena releases the details (valgrind sees no leak). */
}
END_TEST

START_TEST(t_fail_defaults)
{
	ck_assert_int_eq(req_fail(&r, ERR_INTERNAL, NULL, NULL), ERR_INTERNAL);
	ck_assert_ptr_null(r.err_message);
	ck_assert_ptr_null(r.err_details);
}
END_TEST

static Suite *
req_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("req");

	tc = tcase_create("req_env");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_env_exact_name);
	tcase_add_test(tc, t_env_absent_and_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("req_param");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_param);
	suite_add_tcase(s, tc);

	tc = tcase_create("req_urldecode");
	tcase_add_test(tc, t_urldecode_plain);
	tcase_add_test(tc, t_urldecode_hex_case);
	tcase_add_test(tc, t_urldecode_plus);
	tcase_add_test(tc, t_urldecode_nul);
	tcase_add_test(tc, t_urldecode_bad_escape);
	tcase_add_test(tc, t_urldecode_length_bound);
	suite_add_tcase(s, tc);

	tc = tcase_create("req_query");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_query_pairs);
	tcase_add_test(tc, t_query_duplicate_first_wins);
	tcase_add_test(tc, t_query_decoded_key);
	tcase_add_test(tc, t_query_empty_pieces);
	tcase_add_test(tc, t_query_empty);
	tcase_add_test(tc, t_query_bad_escape);
	tcase_add_test(tc, t_query_nul);
	tcase_add_test(tc, t_query_invalid_utf8_value);
	tcase_add_test(tc, t_query_invalid_utf8_key);
	tcase_add_test(tc, t_query_size_limit);
	tcase_add_test(tc, t_query_pair_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("req_body");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_body_exact);
	tcase_add_test(tc, t_body_in_pieces);
	tcase_add_test(tc, t_body_stops_at_length);
	tcase_add_test(tc, t_body_short);
	tcase_add_test(tc, t_body_too_large_not_read);
	tcase_add_test(tc, t_body_at_max);
	tcase_add_test(tc, t_body_absent_length);
	tcase_add_test(tc, t_body_empty_length);
	tcase_add_test(tc, t_body_length_not_digits);
	tcase_add_test(tc, t_body_length_huge);
	tcase_add_test(tc, t_body_length_overflow);
	tcase_add_test(tc, t_body_read_once);
	tcase_add_test(tc, t_body_failure_remembered);
	tcase_add_test(tc, t_body_no_stream);
	suite_add_tcase(s, tc);

	tc = tcase_create("req_json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_json_object);
	tcase_add_test(tc, t_json_empty);
	tcase_add_test(tc, t_json_malformed);
	tcase_add_test(tc, t_json_truncated);
	tcase_add_test(tc, t_json_trailing_comma);
	tcase_add_test(tc, t_json_trailing_garbage);
	tcase_add_test(tc, t_json_two_values);
	tcase_add_test(tc, t_json_not_object);
	tcase_add_test(tc, t_json_deep_nesting);
	tcase_add_test(tc, t_json_moderate_nesting);
	tcase_add_test(tc, t_json_invalid_utf8);
	tcase_add_test(tc, t_json_short_body);
	tcase_add_test(tc, t_json_configured_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("req_fail");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_fail_records);
	tcase_add_test(tc, t_fail_defaults);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfailed;

	sr = srunner_create(req_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
