/*
 * check_resp: building and writing responses (lib/resp.c).  resp_send()
 * writes into an FCGX_Stream built here over a 16-byte area whose
 * emptyBuffProc appends to a buffer, as libfcgi's own writer streams
 * flush into FastCGI records; so every write crosses many flushes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <fcgiapp.h>
#include <json-c/json.h>

#include "buf.h"
#include "err.h"
#include "resp.h"

struct sink {
	FCGX_Stream	 s;
	unsigned char	 area[16];
	struct buf	 out;
	int		 fail_after;	/* flushes that succeed; -1: all */
};

static void
sink_empty(FCGX_Stream *s, int doclose)
{
	struct sink	*k = s->data;

	(void)doclose;
	if (k->fail_after == 0) {
		/* The peer went away: libfcgi closes the stream. */
		s->isClosed = 1;
		return;
	}
	if (k->fail_after > 0)
		k->fail_after--;
	buf_append(&k->out, k->area, (size_t)(s->wrNext - k->area));
	s->wrNext = k->area;
}

static void
sink_init(struct sink *k, int fail_after)
{
	memset(k, 0, sizeof(*k));
	buf_init(&k->out);
	k->fail_after = fail_after;
	k->s.wrNext = k->area;
	k->s.stop = k->s.rdNext = k->area + sizeof(k->area);
	k->s.isReader = 0;
	k->s.emptyBuffProc = sink_empty;
	k->s.data = k;
}

/* What the stream received (flushing the rest of the area). */
static const char *
sink_text(struct sink *k)
{
	sink_empty(&k->s, 0);
	return buf_cstr(&k->out);
}

static struct resp	 resp;
static struct sink	 sink;

static void
setup(void)
{
	resp_init(&resp);
	sink_init(&sink, -1);
}

static void
teardown(void)
{
	resp_cleanup(&resp);
	buf_cleanup(&sink.out);
}

/* ---- resp_error ---- */

START_TEST(t_error_envelope_exact)
{
	resp_error(&resp, ERR_NOTFOUND, "no such order", NULL,
	    "0b5e6f1c-7d2a-4c3b-9e8f-1a2b3c4d5e6f");
	ck_assert_int_eq(resp.status, 404);
	ck_assert_str_eq(resp.ctype, "application/json");
	ck_assert_str_eq(buf_cstr(&resp.body),
	    "{\"code\":\"NOT_FOUND\",\"message\":\"no such order\","
	    "\"details\":{},"
	    "\"requestId\":\"0b5e6f1c-7d2a-4c3b-9e8f-1a2b3c4d5e6f\"}");
}
END_TEST

START_TEST(t_error_default_message)
{
	struct json_object	*o, *m;

	resp_error(&resp, ERR_TOOLARGE, NULL, NULL, "rid");
	ck_assert_int_eq(resp.status, 413);
	o = json_tokener_parse(buf_cstr(&resp.body));
	ck_assert_ptr_nonnull(o);
	ck_assert(json_object_object_get_ex(o, "message", &m));
	ck_assert_str_eq(json_object_get_string(m), err_str(ERR_TOOLARGE));
	json_object_put(o);
}
END_TEST

START_TEST(t_error_details)
{
	struct json_object	*d;

	d = json_tokener_parse("{\"email\":\"is required\",\"url\":\"a/b\"}");
	ck_assert_ptr_nonnull(d);
	resp_error(&resp, ERR_INVAL, NULL, d, "rid");
	ck_assert_str_eq(buf_cstr(&resp.body),
	    "{\"code\":\"VALIDATION_ERROR\",\"message\":"
	    "\"the request failed validation\","
	    "\"details\":{\"email\":\"is required\",\"url\":\"a/b\"},"
	    "\"requestId\":\"rid\"}");
	/* Not consumed: still ours to put. */
	json_object_put(d);
}
END_TEST

START_TEST(t_error_message_escaped)
{
	resp_error(&resp, ERR_BADREQ, "bad \"x\"\n\\", NULL, "rid");
	ck_assert_str_eq(buf_cstr(&resp.body),
	    "{\"code\":\"BAD_REQUEST\",\"message\":\"bad \\\"x\\\"\\n\\\\\","
	    "\"details\":{},\"requestId\":\"rid\"}");
}
END_TEST

START_TEST(t_error_replaces_everything)
{
	resp_header(&resp, "Location", "/orders/1");
	resp_json_raw(&resp, 201, "{\"id\":1}", 8);
	resp_error(&resp, ERR_CONFLICT, NULL, NULL, "rid");
	ck_assert_int_eq(resp.status, 409);
	ck_assert_uint_eq(resp.headers.len, 0);
	ck_assert_ptr_null(strstr(buf_cstr(&resp.body), "\"id\""));
}
END_TEST

START_TEST(t_error_no_request_id)
{
	resp_error(&resp, ERR_INTERNAL, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&resp.body),
	    ",\"requestId\":null}"));
}
END_TEST

/* ---- resp_header ---- */

START_TEST(t_header_line)
{
	resp_header(&resp, "Retry-After", "30");
	resp_header(&resp, "Allow", "GET, POST");
	ck_assert_str_eq(buf_cstr(&resp.headers),
	    "Retry-After: 30\r\nAllow: GET, POST\r\n");
}
END_TEST

START_TEST(t_header_crlf_stripped)
{
	resp_header(&resp, "X-A\r\n", "v\r\nSet-Cookie: evil=1\n\r");
	ck_assert_str_eq(buf_cstr(&resp.headers),
	    "X-A: vSet-Cookie: evil=1\r\n");
}
END_TEST

/* ---- resp_json, resp_json_raw ---- */

START_TEST(t_json_plain_no_slash_escape)
{
	struct json_object	*o;

	o = json_tokener_parse("{ \"url\": \"https://x.test/a\", \"n\": 1 }");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(resp_json(&resp, 201, o), ERR_OK);
	ck_assert_int_eq(resp.status, 201);
	ck_assert_str_eq(resp.ctype, "application/json");
	ck_assert_str_eq(buf_cstr(&resp.body),
	    "{\"url\":\"https://x.test/a\",\"n\":1}");
	json_object_put(o);
}
END_TEST

START_TEST(t_json_raw_copied)
{
	char	 s[] = "{\"a\":1}";

	resp_json_raw(&resp, 200, s, strlen(s));
	s[1] = 'X';
	ck_assert_str_eq(buf_cstr(&resp.body), "{\"a\":1}");
	ck_assert_uint_eq(resp.body.len, 7);
}
END_TEST

START_TEST(t_json_raw_replaces_body)
{
	resp_json_raw(&resp, 200, "{\"a\":1}", 7);
	resp_json_raw(&resp, 202, "{}", 2);
	ck_assert_int_eq(resp.status, 202);
	ck_assert_str_eq(buf_cstr(&resp.body), "{}");
}
END_TEST

/* ---- resp_body ---- */

START_TEST(t_body_any_type_sent)
{
	char	 s[] = "a,b\r\n1,2\r\n";

	resp_json_raw(&resp, 200, "{}", 2);
	resp_body(&resp, 200, "text/csv; charset=utf-8", s, strlen(s));
	s[0] = 'X';
	ck_assert_str_eq(resp.ctype, "text/csv; charset=utf-8");
	ck_assert_int_eq(resp_send(&resp, &sink.s, "r"), 0);
	ck_assert_str_eq(sink_text(&sink),
	    "Status: 200 OK\r\n"
	    "Content-Type: text/csv; charset=utf-8\r\n"
	    "Content-Length: 10\r\n"
	    "X-Request-Id: r\r\n"
	    "Cache-Control: no-store\r\n"
	    "\r\n"
	    "a,b\r\n1,2\r\n");
}
END_TEST

START_TEST(t_body_error_replaces)
{
	resp_body(&resp, 200, "text/csv; charset=utf-8", "a\r\n", 3);
	resp_error(&resp, ERR_INVAL, NULL, NULL, "r");
	ck_assert_str_eq(resp.ctype, "application/json");
	ck_assert_int_eq(resp.status, 400);
}
END_TEST

/* ---- resp_csv_text ---- */

/* The field that resp_csv_text() makes of s. */
static const char *
csv(const char *s, size_t len)
{
	buf_reset(&resp.body);
	resp_csv_text(&resp.body, s, len);
	return buf_cstr(&resp.body);
}

START_TEST(t_csv_plain)
{
	ck_assert_str_eq(csv("Sam Rivera", 10), "Sam Rivera");
	ck_assert_str_eq(csv("", 0), "");
	ck_assert_str_eq(csv("caf\xc3\xa9 'x'", 9), "caf\xc3\xa9 'x'");
}
END_TEST

START_TEST(t_csv_quoted)
{
	ck_assert_str_eq(csv("a,b", 3), "\"a,b\"");
	ck_assert_str_eq(csv("say \"hi\"", 8), "\"say \"\"hi\"\"\"");
	ck_assert_str_eq(csv("\"", 1), "\"\"\"\"");
	ck_assert_str_eq(csv("two\nlines", 9), "\"two\nlines\"");
	ck_assert_str_eq(csv("cr\rhere", 7), "\"cr\rhere\"");
}
END_TEST

START_TEST(t_csv_formula_defused)
{
	ck_assert_str_eq(csv("=1+2", 4), "'=1+2");
	ck_assert_str_eq(csv("+1", 2), "'+1");
	ck_assert_str_eq(csv("-5", 2), "'-5");
	ck_assert_str_eq(csv("@SUM(A1)", 8), "'@SUM(A1)");
	ck_assert_str_eq(csv("\tx", 2), "'\tx");
	/* Quoted and defused: the single quote goes inside the quotes. */
	ck_assert_str_eq(csv("=HYPERLINK(\"x\",\"y\")", 19),
	    "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
	/* Only the first character counts. */
	ck_assert_str_eq(csv("a=b", 3), "a=b");
}
END_TEST

START_TEST(t_csv_appends)
{
	buf_reset(&resp.body);
	resp_csv_text(&resp.body, "x", 1);
	buf_putc(&resp.body, ',');
	resp_csv_text(&resp.body, "y,z", 3);
	ck_assert_str_eq(buf_cstr(&resp.body), "x,\"y,z\"");
	/* len counts, not the NUL. */
	buf_reset(&resp.body);
	resp_csv_text(&resp.body, "abcdef", 3);
	ck_assert_str_eq(buf_cstr(&resp.body), "abc");
}
END_TEST

/* ---- resp_reset ---- */

START_TEST(t_reset)
{
	resp_header(&resp, "X-A", "1");
	resp_json_raw(&resp, 200, "{}", 2);
	resp_reset(&resp);
	ck_assert_int_eq(resp.status, 0);
	ck_assert_ptr_null(resp.ctype);
	ck_assert_uint_eq(resp.headers.len, 0);
	ck_assert_uint_eq(resp.body.len, 0);
}
END_TEST

/* ---- resp_send ---- */

START_TEST(t_send_exact)
{
	resp_json_raw(&resp, 200, "{\"a\":1}", 7);
	resp_header(&resp, "X-A", "1");
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid-1"), 0);
	ck_assert_str_eq(sink_text(&sink),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: 7\r\n"
	    "X-Request-Id: rid-1\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-A: 1\r\n"
	    "\r\n"
	    "{\"a\":1}");
}
END_TEST

START_TEST(t_send_error_envelope)
{
	resp_error(&resp, ERR_METHOD, NULL, NULL, "rid");
	resp_header(&resp, "Allow", "GET, POST");
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
	ck_assert(strncmp(sink_text(&sink),
	    "Status: 405 Method Not Allowed\r\n", 32) == 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&sink.out),
	    "\r\nAllow: GET, POST\r\n\r\n{\"code\":\"METHOD_NOT_ALLOWED\""));
}
END_TEST

START_TEST(t_send_no_content)
{
	resp.status = 204;
	buf_puts(&resp.body, "ignored");
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
	ck_assert_str_eq(sink_text(&sink),
	    "Status: 204 No Content\r\n"
	    "X-Request-Id: rid\r\n"
	    "Cache-Control: no-store\r\n"
	    "\r\n");
}
END_TEST

START_TEST(t_send_not_modified)
{
	resp_json_raw(&resp, 304, "{}", 2);
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
	ck_assert(strncmp(sink_text(&sink), "Status: 304 Not Modified\r\n",
	    26) == 0);
	ck_assert_ptr_null(strstr(buf_cstr(&sink.out), "Content-Length"));
	ck_assert_ptr_null(strstr(buf_cstr(&sink.out), "{}"));
}
END_TEST

START_TEST(t_send_own_cache_control)
{
	resp_json_raw(&resp, 200, "{}", 2);
	resp_header(&resp, "cache-control", "public, max-age=300");
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
	ck_assert_ptr_null(strstr(sink_text(&sink), "no-store"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&sink.out),
	    "cache-control: public, max-age=300\r\n"));
}
END_TEST

START_TEST(t_send_request_id_crlf)
{
	resp_json_raw(&resp, 200, "{}", 2);
	ck_assert_int_eq(resp_send(&resp, &sink.s, "abc\r\nX-Evil: 1"), 0);
	ck_assert_ptr_nonnull(strstr(sink_text(&sink),
	    "X-Request-Id: abcX-Evil: 1\r\n"));
}
END_TEST

START_TEST(t_send_no_status)
{
	/* Nothing set: a clean 500 envelope, never an empty answer. */
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
	ck_assert(strncmp(sink_text(&sink),
	    "Status: 500 Internal Server Error\r\n", 35) == 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&sink.out),
	    "{\"code\":\"INTERNAL\""));
}
END_TEST

START_TEST(t_send_large_body)
{
	struct buf	 big;
	size_t		 i;
	const char	*out, *b;

	buf_init(&big);
	for (i = 0; i < 100000; i++)
		buf_putc(&big, (char)('a' + i % 26));
	resp_json_raw(&resp, 200, big.p, big.len);
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
	out = sink_text(&sink);
	ck_assert_ptr_nonnull(strstr(out, "Content-Length: 100000\r\n"));
	b = strstr(out, "\r\n\r\n");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(strlen(b + 4), 100000);
	ck_assert(memcmp(b + 4, big.p, 100000) == 0);
	buf_cleanup(&big);
}
END_TEST

START_TEST(t_send_client_gone)
{
	sink_init(&sink, 2);
	resp_json_raw(&resp, 200, "{\"a\":\"0123456789012345678901234\"}",
	    33);
	ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), -1);
}
END_TEST

START_TEST(t_send_reason_every_error)
{
	int	 e;

	for (e = 1; e < ERR__MAX; e++) {
		resp_reset(&resp);
		buf_cleanup(&sink.out);
		sink_init(&sink, -1);
		resp_error(&resp, (enum err)e, NULL, NULL, "rid");
		ck_assert_int_eq(resp_send(&resp, &sink.s, "rid"), 0);
		ck_assert_msg(strstr(sink_text(&sink), "Unknown") == NULL,
		    "no reason phrase for %s", err_code((enum err)e));
	}
}
END_TEST

static Suite *
resp_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("resp");

	tc = tcase_create("resp_error");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_error_envelope_exact);
	tcase_add_test(tc, t_error_default_message);
	tcase_add_test(tc, t_error_details);
	tcase_add_test(tc, t_error_message_escaped);
	tcase_add_test(tc, t_error_replaces_everything);
	tcase_add_test(tc, t_error_no_request_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("resp_header");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_header_line);
	tcase_add_test(tc, t_header_crlf_stripped);
	suite_add_tcase(s, tc);

	tc = tcase_create("resp_json");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_json_plain_no_slash_escape);
	tcase_add_test(tc, t_json_raw_copied);
	tcase_add_test(tc, t_json_raw_replaces_body);
	suite_add_tcase(s, tc);

	tc = tcase_create("resp_body");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_body_any_type_sent);
	tcase_add_test(tc, t_body_error_replaces);
	suite_add_tcase(s, tc);

	tc = tcase_create("resp_csv_text");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_csv_plain);
	tcase_add_test(tc, t_csv_quoted);
	tcase_add_test(tc, t_csv_formula_defused);
	tcase_add_test(tc, t_csv_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("resp_reset");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_reset);
	suite_add_tcase(s, tc);

	tc = tcase_create("resp_send");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_send_exact);
	tcase_add_test(tc, t_send_error_envelope);
	tcase_add_test(tc, t_send_no_content);
	tcase_add_test(tc, t_send_not_modified);
	tcase_add_test(tc, t_send_own_cache_control);
	tcase_add_test(tc, t_send_request_id_crlf);
	tcase_add_test(tc, t_send_no_status);
	tcase_add_test(tc, t_send_large_body);
	tcase_add_test(tc, t_send_client_gone);
	tcase_add_test(tc, t_send_reason_every_error);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfailed;

	sr = srunner_create(resp_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
