/*
 * check_httpc: the upstream HTTP client against a loopback server
 * (t/loopsrv): what it sends, what it hands back, and how it fails:
 * quickly, with ERR_UPSTREAM, and without leaking secrets to the log.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <check.h>

#include "buf.h"
#include "err.h"
#include "httpc.h"
#include "log.h"
#include "loopsrv.h"
#include "mem.h"

/* Per test (checked fixture: runs in Check's forked child). */
static struct loopsrv	*S;
static struct httpc_resp R;
static char		 url[256];

static void
setup(void)
{
	S = loopsrv_start();
	ck_assert_ptr_nonnull(S);
	httpc_resp_init(&R);
}

static void
teardown(void)
{
	httpc_resp_cleanup(&R);
	httpc_fini();
	loopsrv_stop(S);
	S = NULL;
}

/* The server's URL for path, in the static url[]. */
static const char *
U(const char *path)
{
	snprintf(url, sizeof(url), "%s%s", loopsrv_url(S), path);
	return url;
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* GET url with default limits. */
static enum err
get(const char *u)
{
	struct httpc_req	 rq;

	memset(&rq, 0, sizeof(rq));
	rq.url = u;
	return httpc_do(&rq, &R);
}

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
static int
dead_port(void)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

START_TEST(status_and_body)
{
	loopsrv_set(S, "/x", 201, NULL, "hello");
	ck_assert_int_eq(get(U("/x")), ERR_OK);
	ck_assert_int_eq(R.status, 201);
	ck_assert_uint_eq(R.body.len, 5);
	ck_assert_str_eq(buf_cstr(&R.body), "hello");
	ck_assert_str_eq(R.cache_control, "");
}
END_TEST

START_TEST(error_status_is_an_answer)
{
	/* No answer registered: loopsrv says 404; httpc reports it. */
	ck_assert_int_eq(get(U("/nothing")), ERR_OK);
	ck_assert_int_eq(R.status, 404);
	ck_assert_uint_eq(R.body.len, 0);
	loopsrv_set(S, "/boom", 503, NULL, "{\"error\":1}");
	ck_assert_int_eq(get(U("/boom")), ERR_OK);
	ck_assert_int_eq(R.status, 503);
	ck_assert_str_eq(buf_cstr(&R.body), "{\"error\":1}");
}
END_TEST

START_TEST(binary_body_kept_whole)
{
	static const char	 bin[] = { 'a', '\0', 'b', '\0', '\xff' };

	loopsrv_set_len(S, "/bin", 200, NULL, bin, sizeof(bin));
	ck_assert_int_eq(get(U("/bin")), ERR_OK);
	ck_assert_uint_eq(R.body.len, sizeof(bin));
	ck_assert_mem_eq(R.body.p, bin, sizeof(bin));
}
END_TEST

START_TEST(post_json_sent_as_given)
{
	static const char *const hdrs[] = { "X-Goog-Api-Key: k-123",
	    "Accept: application/json", NULL };
	struct httpc_req	 rq;
	struct loopsrv_req	 got;
	const char		*body = "{\"email\":\"a@b.c\",\"n\":1}";

	loopsrv_set(S, "/v1/accounts:signUp", 200, NULL, "{}");
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = U("/v1/accounts:signUp");
	rq.headers = hdrs;
	rq.content_type = "application/json";
	rq.body = body;
	rq.bodylen = strlen(body);
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	ck_assert_int_eq(R.status, 200);

	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.method, "POST");
	ck_assert_str_eq(got.target, "/v1/accounts:signUp");
	ck_assert_str_eq(loopsrv_req_header(&got, "x-goog-api-key"), "k-123");
	ck_assert_str_eq(loopsrv_req_header(&got, "Content-Type"),
	    "application/json");
	ck_assert_str_eq(loopsrv_req_header(&got, "Accept"),
	    "application/json");
	ck_assert_ptr_null(loopsrv_req_header(&got, "Expect"));
	ck_assert_str_eq(loopsrv_req_header(&got, "Content-Length"), "23");
	ck_assert_uint_eq(got.bodylen, strlen(body));
	ck_assert_str_eq(got.body, body);
	ck_assert_ptr_nonnull(strstr(loopsrv_req_header(&got, "User-Agent"),
	    "krow-api/"));
	loopsrv_req_free(&got);
}
END_TEST

START_TEST(form_body_and_other_methods)
{
	struct httpc_req	 rq;
	struct loopsrv_req	 got;

	loopsrv_set(S, "/token", 200, NULL, "ok");
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = U("/token?x=1");
	rq.content_type = "application/x-www-form-urlencoded";
	rq.body = "grant_type=refresh_token&refresh_token=a%2Bb";
	rq.bodylen = strlen(rq.body);
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.target, "/token?x=1");
	ck_assert_str_eq(got.path, "/token");
	ck_assert_str_eq(loopsrv_req_header(&got, "Content-Type"),
	    "application/x-www-form-urlencoded");
	ck_assert_str_eq(got.body, rq.body);
	loopsrv_req_free(&got);
	httpc_resp_cleanup(&R);

	/* A body with another method; then a method without a body. */
	rq.method = "PATCH";
	rq.body = "{}";
	rq.bodylen = 2;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.method, "PATCH");
	ck_assert_str_eq(got.body, "{}");
	loopsrv_req_free(&got);
	httpc_resp_cleanup(&R);

	rq.method = "DELETE";
	rq.body = NULL;
	rq.bodylen = 0;
	rq.content_type = NULL;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.method, "DELETE");
	ck_assert_uint_eq(got.bodylen, 0);
	loopsrv_req_free(&got);
	httpc_resp_cleanup(&R);

	rq.method = "HEAD";
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	ck_assert_int_eq(R.status, 200);
	ck_assert_uint_eq(R.body.len, 0);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.method, "HEAD");
	loopsrv_req_free(&got);
}
END_TEST

START_TEST(cache_control_kept)
{
	loopsrv_set(S, "/certs", 200, "Content-Type: application/json\r\n"
	    "cache-control: public, max-age=19000, must-revalidate\r\n", "{}");
	ck_assert_int_eq(get(U("/certs")), ERR_OK);
	ck_assert_str_eq(R.cache_control,
	    "public, max-age=19000, must-revalidate");
	ck_assert_int_eq(httpc_max_age(R.cache_control), 19000);
	httpc_resp_cleanup(&R);

	/* Two header lines are joined; the next call starts afresh. */
	loopsrv_set(S, "/two", 200, "Cache-Control: public\r\n"
	    "Cache-Control: max-age=5\r\n", "{}");
	ck_assert_int_eq(get(U("/two")), ERR_OK);
	ck_assert_str_eq(R.cache_control, "public, max-age=5");
	httpc_resp_cleanup(&R);
	loopsrv_set(S, "/none", 200, NULL, "{}");
	ck_assert_int_eq(get(U("/none")), ERR_OK);
	ck_assert_str_eq(R.cache_control, "");
}
END_TEST

START_TEST(max_age_parsing)
{
	ck_assert_int_eq(httpc_max_age("max-age=60"), 60);
	ck_assert_int_eq(httpc_max_age("public, max-age=21600, "
	    "must-revalidate, no-transform"), 21600);
	ck_assert_int_eq(httpc_max_age("Max-Age=7"), 7);
	ck_assert_int_eq(httpc_max_age(" max-age=0 "), 0);
	ck_assert_int_eq(httpc_max_age("max-age=\"30\""), 30);
	ck_assert_int_eq(httpc_max_age("s-maxage=10, max-age=20"), 20);
	ck_assert_int_eq(httpc_max_age("max-age=99999999999999999999"),
	    31536000);
	ck_assert_int_eq(httpc_max_age(""), -1);
	ck_assert_int_eq(httpc_max_age(NULL), -1);
	ck_assert_int_eq(httpc_max_age("no-cache"), -1);
	ck_assert_int_eq(httpc_max_age("max-age="), -1);
	ck_assert_int_eq(httpc_max_age("max-age=-5"), -1);
	ck_assert_int_eq(httpc_max_age("max-age=12x"), -1);
	ck_assert_int_eq(httpc_max_age("max-age=\"12"), -1);
	ck_assert_int_eq(httpc_max_age("xmax-age=12"), -1);
}
END_TEST

START_TEST(connection_reused)
{
	struct loopsrv_req	 a, b;

	loopsrv_set(S, "/a", 200, NULL, "1");
	ck_assert_int_eq(get(U("/a")), ERR_OK);
	httpc_resp_cleanup(&R);
	ck_assert_int_eq(get(U("/a")), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, 0, &a), 0);
	ck_assert_int_eq(loopsrv_request(S, 1, &b), 0);
	ck_assert_uint_eq(a.conn, b.conn);
	loopsrv_req_free(&a);
	loopsrv_req_free(&b);
}
END_TEST

START_TEST(no_state_between_calls)
{
	static const char *const hdrs[] = { "Authorization: Bearer owner",
	    NULL };
	struct httpc_req	 rq;
	struct loopsrv_req	 got;

	loopsrv_set(S, "/a", 200, NULL, "1");
	memset(&rq, 0, sizeof(rq));
	rq.method = "PUT";
	rq.url = U("/a");
	rq.headers = hdrs;
	rq.content_type = "application/json";
	rq.body = "{\"secret\":1}";
	rq.bodylen = strlen(rq.body);
	rq.timeout_ms = 300;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	httpc_resp_cleanup(&R);

	/* The next call has none of it: method, headers, body. */
	ck_assert_int_eq(get(U("/a")), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.method, "GET");
	ck_assert_ptr_null(loopsrv_req_header(&got, "Authorization"));
	ck_assert_ptr_null(loopsrv_req_header(&got, "Content-Type"));
	ck_assert_uint_eq(got.bodylen, 0);
	loopsrv_req_free(&got);

	/* Nor its timeout: a 600 ms answer is fine with the default. */
	loopsrv_delay(S, "/a", 600);
	httpc_resp_cleanup(&R);
	ck_assert_int_eq(get(U("/a")), ERR_OK);
	ck_assert_int_eq(R.status, 200);
}
END_TEST

START_TEST(timeout_is_upstream_and_quick)
{
	struct httpc_req	 rq;
	double			 t0, dt;

	loopsrv_set(S, "/slow", 200, NULL, "late");
	loopsrv_delay(S, "/slow", 3000);
	memset(&rq, 0, sizeof(rq));
	rq.url = U("/slow");
	rq.timeout_ms = 200;
	t0 = now_ms();
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_UPSTREAM);
	dt = now_ms() - t0;
	ck_assert_msg(dt >= 150 && dt < 1500, "took %.0f ms", dt);
	ck_assert_int_eq(R.status, 0);
	ck_assert_uint_eq(R.body.len, 0);

	/* The handle still works afterwards. */
	loopsrv_set(S, "/fast", 200, NULL, "ok");
	ck_assert_int_eq(get(U("/fast")), ERR_OK);
	ck_assert_str_eq(buf_cstr(&R.body), "ok");
}
END_TEST

START_TEST(oversized_body_refused)
{
	struct httpc_req	 rq;
	char			*big;
	size_t			 n = HTTPC_BODY_MAX + 1;

	big = mem_alloc(n);
	memset(big, 'x', n);
	loopsrv_set_len(S, "/big", 200, NULL, big, n);
	ck_assert_int_eq(get(U("/big")), ERR_UPSTREAM);
	ck_assert_uint_eq(R.body.len, 0);
	ck_assert_ptr_null(R.body.p);
	/* Exactly at the cap is fine. */
	loopsrv_set_len(S, "/big", 200, NULL, big, n - 1);
	ck_assert_int_eq(get(U("/big")), ERR_OK);
	ck_assert_uint_eq(R.body.len, n - 1);
	httpc_resp_cleanup(&R);
	mem_free(big);

	/* A caller's own cap. */
	memset(&rq, 0, sizeof(rq));
	rq.url = U("/ten");
	rq.body_max = 10;
	loopsrv_set(S, "/ten", 200, NULL, "0123456789");
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	httpc_resp_cleanup(&R);
	loopsrv_set(S, "/ten", 200, NULL, "0123456789A");
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_UPSTREAM);
}
END_TEST

START_TEST(oversized_chunked_body_refused)
{
	struct httpc_req	 rq;
	struct buf		 b;
	int			 i;

	/* No Content-Length: only the running count can stop it. */
	buf_init(&b);
	for (i = 0; i < 4; i++)
		buf_puts(&b, "8\r\n01234567\r\n");
	buf_puts(&b, "0\r\n\r\n");
	loopsrv_set(S, "/chunked", 200, "Transfer-Encoding: chunked\r\n",
	    b.p);
	buf_cleanup(&b);
	memset(&rq, 0, sizeof(rq));
	rq.url = U("/chunked");
	rq.body_max = 32;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_OK);
	ck_assert_uint_eq(R.body.len, 32);
	httpc_resp_cleanup(&R);
	rq.body_max = 31;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_UPSTREAM);
	ck_assert_uint_eq(R.body.len, 0);
}
END_TEST

START_TEST(connection_refused)
{
	char		 u[64];
	double		 t0;

	snprintf(u, sizeof(u), "http://127.0.0.1:%d/x", dead_port());
	t0 = now_ms();
	ck_assert_int_eq(get(u), ERR_UPSTREAM);
	ck_assert_double_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(R.status, 0);
}
END_TEST

START_TEST(closed_without_answer)
{
	loopsrv_set(S, "/drop", 200, NULL, "never");
	loopsrv_close(S, "/drop", 1);
	ck_assert_int_eq(get(U("/drop")), ERR_UPSTREAM);
	ck_assert_uint_eq(loopsrv_count(S, "/drop"), 1);
	/* Then the path answers again on a fresh connection. */
	loopsrv_close(S, "/drop", 0);
	ck_assert_int_eq(get(U("/drop")), ERR_OK);
	ck_assert_str_eq(buf_cstr(&R.body), "never");
}
END_TEST

START_TEST(bad_requests_not_sent)
{
	static const char *const crlf[] = { "X-A: 1\r\nX-Injected: 2", NULL };
	static const char *const noname[] = { "no colon", NULL };
	struct httpc_req	 rq;

	ck_assert_int_eq(httpc_do(NULL, &R), ERR_INVAL);
	memset(&rq, 0, sizeof(rq));
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	rq.url = "";
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	rq.url = U("/x");
	rq.headers = crlf;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	rq.headers = noname;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	rq.headers = NULL;
	rq.content_type = "text/plain\r\nX-Injected: 1";
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	rq.content_type = NULL;
	rq.method = "GET /evil";
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	rq.method = NULL;
	rq.bodylen = 3;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_INVAL);
	ck_assert_uint_eq(loopsrv_count(S, NULL), 0);
}
END_TEST

START_TEST(only_http_no_redirects)
{
	char	 loc[300];

	ck_assert_int_eq(get("file:///etc/passwd"), ERR_UPSTREAM);
	ck_assert_uint_eq(R.body.len, 0);
	ck_assert_int_eq(get("gopher://127.0.0.1/"), ERR_UPSTREAM);

	snprintf(loc, sizeof(loc), "Location: %s\r\n", U("/target"));
	loopsrv_set(S, "/moved", 302, loc, "");
	loopsrv_set(S, "/target", 200, NULL, "followed");
	ck_assert_int_eq(get(U("/moved")), ERR_OK);
	ck_assert_int_eq(R.status, 302);
	ck_assert_uint_eq(loopsrv_count(S, "/target"), 0);
}
END_TEST

START_TEST(secrets_never_logged)
{
	static const char *const hdrs[] = { "X-Goog-Api-Key: SECRET-KEY",
	    NULL };
	struct httpc_req	 rq;
	char			 path[] = "/tmp/check_httpc.XXXXXX";
	char			 text[8192];
	ssize_t			 n;
	int			 fd, saved;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	saved = dup(2);
	ck_assert_int_eq(dup2(fd, 2), 2);
	log_init("check_httpc", LOGLV_DEBUG);

	loopsrv_set(S, "/slow", 200, NULL, "SECRET-ANSWER");
	loopsrv_delay(S, "/slow", 2000);
	memset(&rq, 0, sizeof(rq));
	rq.method = "POST";
	rq.url = U("/slow?key=SECRET-QUERY");
	rq.headers = hdrs;
	rq.content_type = "application/json";
	rq.body = "{\"password\":\"SECRET-BODY\"}";
	rq.bodylen = strlen(rq.body);
	rq.timeout_ms = 150;
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_UPSTREAM);
	rq.url = "http://user:SECRET-PW@127.0.0.1:1/x?key=SECRET-QUERY";
	ck_assert_int_eq(httpc_do(&rq, &R), ERR_UPSTREAM);

	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	log_init("check_httpc", LOGLV_ERROR);
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	ck_assert_int_gt(n, 0);
	text[n] = '\0';
	/* The failures were logged, with where they went... */
	ck_assert_ptr_nonnull(strstr(text, "upstream request failed"));
	ck_assert_ptr_nonnull(strstr(text, "/slow"));
	/* ...but no key, query, password or body. */
	ck_assert_ptr_null(strstr(text, "SECRET"));
}
END_TEST

static Suite *
httpc_suite(void)
{
	Suite	*s = suite_create("httpc");
	TCase	*tc;

	tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, status_and_body);
	tcase_add_test(tc, error_status_is_an_answer);
	tcase_add_test(tc, binary_body_kept_whole);
	tcase_add_test(tc, cache_control_kept);
	tcase_add_test(tc, max_age_parsing);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, post_json_sent_as_given);
	tcase_add_test(tc, form_body_and_other_methods);
	tcase_add_test(tc, connection_reused);
	tcase_add_test(tc, no_state_between_calls);
	tcase_add_test(tc, bad_requests_not_sent);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, timeout_is_upstream_and_quick);
	tcase_add_test(tc, oversized_body_refused);
	tcase_add_test(tc, oversized_chunked_body_refused);
	tcase_add_test(tc, connection_refused);
	tcase_add_test(tc, closed_without_answer);
	tcase_add_test(tc, only_http_no_redirects);
	tcase_add_test(tc, secrets_never_logged);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	log_init("check_httpc", LOGLV_ERROR);
	sr = srunner_create(httpc_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
