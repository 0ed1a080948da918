/*
 * check_log: the JSON log lines on stderr.  Each test sends stderr to a
 * temporary file, logs, puts stderr back and then inspects the lines.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

static int	 saved_stderr = -1;
static int	 capfd = -1;

/* Send fd 2 to a fresh temporary file. */
static void
cap_begin(void)
{
	char	 path[] = "/tmp/check_log.XXXXXX";

	capfd = mkstemp(path);
	ck_assert_int_ne(capfd, -1);
	unlink(path);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ne(saved_stderr, -1);
	ck_assert_int_ne(dup2(capfd, STDERR_FILENO), -1);
}

/* Put fd 2 back and return what was written (caller frees). */
static char *
cap_end(size_t *lenp)
{
	off_t	 len;
	char	*s;
	ssize_t	 r;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	len = lseek(capfd, 0, SEEK_END);
	ck_assert_int_ge(len, 0);
	s = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(s);
	r = pread(capfd, s, (size_t)len, 0);
	ck_assert_int_eq(r, len);
	s[len] = '\0';
	close(capfd);
	if (lenp != NULL)
		*lenp = (size_t)len;
	return s;
}

/* Count the lines of s. */
static int
nlines(const char *s)
{
	int	 n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

/* Parse one line (without its newline) as a JSON object; NULL if not. */
static struct json_object *
parse_line(const char *s, size_t len)
{
	struct json_tokener	*tok;
	struct json_object	*o;

	tok = json_tokener_new();
	ck_assert_ptr_nonnull(tok);
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o != NULL && (json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object))) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* The only line of out, parsed; fails the test unless there is one. */
static struct json_object *
only_line(const char *out)
{
	struct json_object	*o;

	ck_assert_int_eq(nlines(out), 1);
	o = parse_line(out, strlen(out) - 1);
	ck_assert_msg(o != NULL, "not a JSON object: %s", out);
	return o;
}

/* The string member k of o, or NULL when absent or not a string. */
static const char *
field(struct json_object *o, const char *k)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
has(struct json_object *o, const char *k)
{
	return json_object_object_get_ex(o, k, NULL);
}

static void
setup(void)
{
	log_init("check-log", LOGLV_DEBUG);
	log_set_request(NULL);
}

START_TEST(init_program_name)
{
	struct json_object	*o;
	char			*out;

	log_init("krow-query", LOGLV_INFO);
	cap_begin();
	log_msg(LOGLV_INFO, "started", NULL);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "program"), "krow-query");
	ck_assert_int_eq(json_object_get_int(
	    json_object_object_get(o, "pid")), getpid());
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(init_min_level_drops)
{
	char	*out;

	log_init("t", LOGLV_WARN);
	cap_begin();
	log_msg(LOGLV_DEBUG, "d", NULL);
	log_msg(LOGLV_INFO, "i", NULL);
	log_access("GET", "/x", "x", 200, 1.0);	/* info: dropped */
	log_msg(LOGLV_WARN, "w", NULL);
	log_msg(LOGLV_ERROR, "e", NULL);
	out = cap_end(NULL);
	ck_assert_int_eq(nlines(out), 2);
	ck_assert_ptr_nonnull(strstr(out, "\"msg\":\"w\""));
	ck_assert_ptr_nonnull(strstr(out, "\"msg\":\"e\""));
	free(out);
}
END_TEST

START_TEST(init_error_only)
{
	char	*out;

	log_init("t", LOGLV_ERROR);
	cap_begin();
	log_msg(LOGLV_WARN, "w", "%d", 1);
	out = cap_end(NULL);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(level_parse_names)
{
	ck_assert_int_eq(log_level_parse("debug"), LOGLV_DEBUG);
	ck_assert_int_eq(log_level_parse("info"), LOGLV_INFO);
	ck_assert_int_eq(log_level_parse("warn"), LOGLV_WARN);
	ck_assert_int_eq(log_level_parse("error"), LOGLV_ERROR);
}
END_TEST

START_TEST(level_parse_unknown)
{
	ck_assert_int_eq(log_level_parse("warning"), -1);
	ck_assert_int_eq(log_level_parse("INFO"), -1);
	ck_assert_int_eq(log_level_parse(""), -1);
	ck_assert_int_eq(log_level_parse("info "), -1);
	ck_assert_int_eq(log_level_parse(NULL), -1);
}
END_TEST

START_TEST(set_request_added)
{
	struct json_object	*o;
	char			*out;
	char			 id[] = "0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5e";

	log_set_request(id);
	id[0] = 'X';	/* the module keeps its own copy */
	cap_begin();
	log_msg(LOGLV_INFO, "hit", NULL);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "requestId"),
	    "0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5e");
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(set_request_cleared)
{
	struct json_object	*o;
	char			*out;

	log_set_request("abc");
	log_set_request(NULL);
	cap_begin();
	log_msg(LOGLV_INFO, "hit", NULL);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert(!has(o, "requestId"));
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(set_request_hostile)
{
	struct json_object	*o;
	char			*out, id[400];

	/* Quotes, newline, invalid UTF-8 and an overlong id. */
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	memcpy(id, "\"}\n\xff", 4);
	log_set_request(id);
	cap_begin();
	log_msg(LOGLV_INFO, "hit", NULL);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_ptr_nonnull(field(o, "requestId"));
	ck_assert_uint_le(strlen(field(o, "requestId")), 128 + 2);
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_fields)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	log_msg(LOGLV_WARN, "db reconnect", "attempt %d of %s", 3, "5");
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "level"), "warn");
	ck_assert_str_eq(field(o, "msg"), "db reconnect");
	ck_assert_str_eq(field(o, "detail"), "attempt 3 of 5");
	ck_assert_str_eq(field(o, "program"), "check-log");
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_no_detail)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	log_msg(LOGLV_ERROR, "boom", NULL);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert(!has(o, "detail"));
	ck_assert_str_eq(field(o, "level"), "error");
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_time_format)
{
	struct json_object	*o;
	char			*out;
	regex_t			 re;

	cap_begin();
	log_msg(LOGLV_DEBUG, "t", NULL);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_int_eq(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T"
	    "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$", REG_EXTENDED), 0);
	ck_assert_msg(regexec(&re, field(o, "time"), 0, NULL, 0) == 0,
	    "time %s", field(o, "time"));
	regfree(&re);
	/* time comes first, as in log.h */
	ck_assert(strncmp(out, "{\"time\":", 8) == 0);
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_escapes)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	log_msg(LOGLV_INFO, "quote \" and\nnewline", "tab\there \\ %s",
	    "\x01\"}");
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "msg"), "quote \" and\nnewline");
	ck_assert_str_eq(field(o, "detail"), "tab\there \\ \x01\"}");
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_invalid_utf8)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	/* Stray continuation, overlong '/', a surrogate, a cut sequence. */
	log_msg(LOGLV_INFO, "bad", "a\x80" "b\xc0\xaf" "c\xed\xa0\x80"
	    "d\xe2\x82");
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_ptr_null(strstr(out, "\x80"));
	ck_assert_str_eq(field(o, "detail"),
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "d\xef\xbf\xbd\xef\xbf\xbd");
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_valid_utf8_kept)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	log_msg(LOGLV_INFO, "ok", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "detail"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(msg_long_detail_capped)
{
	struct json_object	*o;
	char			*out, *big;

	big = malloc(100001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 100000);
	big[100000] = '\0';
	cap_begin();
	log_msg(LOGLV_INFO, "big", "%s", big);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_uint_eq(strlen(field(o, "detail")), 4096);
	json_object_put(o);
	free(out);
	free(big);
}
END_TEST

START_TEST(msg_keeps_errno)
{
	char	*out;

	cap_begin();
	errno = ENOENT;
	log_msg(LOGLV_ERROR, "open failed", "%m");
	ck_assert_int_eq(errno, ENOENT);
	out = cap_end(NULL);
	ck_assert_ptr_nonnull(strstr(out, "No such file"));
	free(out);
}
END_TEST

START_TEST(msg_one_write_per_line)
{
	char		*out, *line, *save;
	char		 big[3000];
	pid_t		 pid[4];
	int		 i, j, st, n = 0;
	size_t		 len;
	struct json_object *o;

	/*
	 * Four processes share one stderr, as the workers of a pool do;
	 * every line must come out whole.
	 */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cap_begin();
	for (i = 0; i < 4; i++) {
		pid[i] = fork();
		ck_assert_int_ne(pid[i], -1);
		if (pid[i] == 0) {
			for (j = 0; j < 200; j++)
				log_msg(LOGLV_INFO, "line", "%d %s", i, big);
			_exit(0);
		}
	}
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	out = cap_end(&len);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		o = parse_line(line, strlen(line));
		ck_assert_msg(o != NULL, "line %d broken", n);
		json_object_put(o);
		n++;
	}
	ck_assert_int_eq(n, 800);
	free(out);
}
END_TEST

START_TEST(access_fields)
{
	struct json_object	*o, *v;
	char			*out;

	log_set_request("r-1");
	cap_begin();
	log_access("POST", "/commands/orders?x=1", "commands.orders.create",
	    201, 12.5);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "level"), "info");
	ck_assert_str_eq(field(o, "msg"), "request");
	ck_assert_str_eq(field(o, "requestId"), "r-1");
	ck_assert_str_eq(field(o, "method"), "POST");
	ck_assert_str_eq(field(o, "uri"), "/commands/orders?x=1");
	ck_assert_str_eq(field(o, "route"), "commands.orders.create");
	ck_assert(json_object_object_get_ex(o, "status", &v));
	ck_assert_int_eq(json_object_get_int(v), 201);
	ck_assert(json_object_object_get_ex(o, "durationMs", &v));
	ck_assert(fabs(json_object_get_double(v) - 12.5) < 1e-9);
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(access_uri_truncated)
{
	struct json_object	*o;
	char			*out, *uri;

	uri = malloc(10001);
	ck_assert_ptr_nonnull(uri);
	memset(uri, 'u', 10000);
	uri[0] = '/';
	uri[10000] = '\0';
	cap_begin();
	log_access("GET", uri, "x", 414, 0.1);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_uint_eq(strlen(field(o, "uri")), 2048);
	json_object_put(o);
	free(out);
	free(uri);
}
END_TEST

START_TEST(access_hostile_uri)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	log_access("GET", "/a\"b\r\n\xff\xfe%00", NULL, 400, 0.2);
	out = cap_end(NULL);
	o = only_line(out);
	ck_assert_str_eq(field(o, "uri"),
	    "/a\"b\r\n\xef\xbf\xbd\xef\xbf\xbd%00");
	ck_assert(has(o, "route"));
	ck_assert_ptr_null(field(o, "route"));	/* null */
	json_object_put(o);
	free(out);
}
END_TEST

START_TEST(access_bad_duration)
{
	struct json_object	*o;
	char			*out;

	cap_begin();
	log_access("GET", "/", "r", 200, NAN);
	log_access("GET", "/", "r", 200, INFINITY);
	out = cap_end(NULL);
	ck_assert_int_eq(nlines(out), 2);
	o = parse_line(out, strchr(out, '\n') - out);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	o = parse_line(strchr(out, '\n') + 1, strlen(strchr(out, '\n') + 1)
	    - 1);
	ck_assert_ptr_nonnull(o);
	json_object_put(o);
	free(out);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("log");

	tc = tcase_create("log_init");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, init_program_name);
	tcase_add_test(tc, init_min_level_drops);
	tcase_add_test(tc, init_error_only);
	suite_add_tcase(s, tc);

	tc = tcase_create("log_level_parse");
	tcase_add_test(tc, level_parse_names);
	tcase_add_test(tc, level_parse_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("log_set_request");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, set_request_added);
	tcase_add_test(tc, set_request_cleared);
	tcase_add_test(tc, set_request_hostile);
	suite_add_tcase(s, tc);

	tc = tcase_create("log_msg");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, msg_fields);
	tcase_add_test(tc, msg_no_detail);
	tcase_add_test(tc, msg_time_format);
	tcase_add_test(tc, msg_escapes);
	tcase_add_test(tc, msg_invalid_utf8);
	tcase_add_test(tc, msg_valid_utf8_kept);
	tcase_add_test(tc, msg_long_detail_capped);
	tcase_add_test(tc, msg_keeps_errno);
	tcase_add_test(tc, msg_one_write_per_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("log_access");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, access_fields);
	tcase_add_test(tc, access_uri_truncated);
	tcase_add_test(tc, access_hostile_uri);
	tcase_add_test(tc, access_bad_duration);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(log_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
