/*
 * check_buf: the growable byte buffer and its JSON string writer.
 */
#include "config.h"

#include <check.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Tests that expect abort() need Check's fork mode. */
static int
forking(void)
{
	const char	*e;

	return (e = getenv("CK_FORK")) == NULL || strcmp(e, "no") != 0;
}

START_TEST(init_empty)
{
	struct buf	 b;

	buf_init(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_cstr(&b), "");
}
END_TEST

START_TEST(cleanup_reusable)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "first");
	buf_cleanup(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	buf_puts(&b, "second");
	ck_assert_str_eq(buf_cstr(&b), "second");
	buf_cleanup(&b);
	buf_cleanup(&b);	/* twice is harmless */
}
END_TEST

START_TEST(reset_keeps_memory)
{
	struct buf	 b;
	char		*p;
	size_t		 cap;

	buf_init(&b);
	buf_puts(&b, "some content");
	p = b.p;
	cap = b.cap;
	buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.p, p);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "new");
	ck_assert_str_eq(buf_cstr(&b), "new");
	buf_cleanup(&b);
}
END_TEST

START_TEST(reset_fresh_buffer)
{
	struct buf	 b;

	buf_init(&b);
	buf_reset(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
}
END_TEST

START_TEST(reserve_prevents_realloc)
{
	struct buf	 b;
	char		*p;
	int		 i;

	buf_init(&b);
	buf_putc(&b, 'a');
	buf_reserve(&b, 10000);
	ck_assert_uint_ge(b.cap, 10001 + 1);
	p = b.p;
	for (i = 0; i < 10000; i++)
		buf_putc(&b, 'x');
	ck_assert_ptr_eq(b.p, p);
	ck_assert_uint_eq(b.len, 10001);
	buf_cleanup(&b);
}
END_TEST

START_TEST(reserve_fresh_is_empty_string)
{
	struct buf	 b;

	buf_init(&b);
	buf_reserve(&b, 100);
	ck_assert_ptr_nonnull(b.p);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_cleanup(&b);
}
END_TEST

START_TEST(reserve_overflow_aborts)
{
	struct buf	 b;

	buf_init(&b);
	buf_putc(&b, 'a');
	buf_reserve(&b, SIZE_MAX);
}
END_TEST

START_TEST(append_binary)
{
	struct buf	 b;
	const char	 bin[5] = { 'a', '\0', 'b', '\xff', '\0' };

	buf_init(&b);
	buf_append(&b, bin, sizeof(bin));
	ck_assert_uint_eq(b.len, 5);
	ck_assert_mem_eq(b.p, bin, 5);
	ck_assert_int_eq(b.p[5], '\0');	/* terminator after the data */
	buf_cleanup(&b);
}
END_TEST

START_TEST(append_zero_bytes)
{
	struct buf	 b;

	buf_init(&b);
	buf_append(&b, NULL, 0);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_cleanup(&b);
}
END_TEST

START_TEST(append_grows_keeps_content)
{
	struct buf	 b;
	char		 chunk[1000];
	size_t		 i, j;

	buf_init(&b);
	for (i = 0; i < 1000; i++) {
		memset(chunk, (int)('a' + i % 26), sizeof(chunk));
		buf_append(&b, chunk, sizeof(chunk));
	}
	ck_assert_uint_eq(b.len, 1000000);
	ck_assert_uint_gt(b.cap, b.len);
	for (i = 0; i < 1000; i++)
		for (j = 0; j < 1000; j += 333)
			ck_assert_int_eq(b.p[i * 1000 + j], 'a' + i % 26);
	ck_assert_int_eq(b.p[b.len], '\0');
	buf_cleanup(&b);
}
END_TEST

START_TEST(puts_concatenates)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "tenant");
	buf_puts(&b, "");
	buf_puts(&b, "/42");
	ck_assert_str_eq(buf_cstr(&b), "tenant/42");
	ck_assert_uint_eq(b.len, 9);
	buf_cleanup(&b);
}
END_TEST

START_TEST(putc_nul_counts)
{
	struct buf	 b;

	buf_init(&b);
	buf_putc(&b, 'x');
	buf_putc(&b, '\0');
	buf_putc(&b, 'y');
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(b.p[2], 'y');
	ck_assert_int_eq(b.p[3], '\0');
	buf_cleanup(&b);
}
END_TEST

START_TEST(printf_appends)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "n=");
	buf_printf(&b, "%d,%s,%zu", -3, "ok", (size_t)7);
	ck_assert_str_eq(buf_cstr(&b), "n=-3,ok,7");
	ck_assert_uint_eq(b.len, strlen("n=-3,ok,7"));
	buf_cleanup(&b);
}
END_TEST

START_TEST(printf_longer_than_capacity)
{
	struct buf	 b;
	char		*big;

	big = malloc(100001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'z', 100000);
	big[100000] = '\0';
	buf_init(&b);
	buf_puts(&b, "[");
	buf_printf(&b, "%s]", big);
	ck_assert_uint_eq(b.len, 100002);
	ck_assert_int_eq(b.p[0], '[');
	ck_assert_int_eq(b.p[100000], 'z');
	ck_assert_int_eq(b.p[100001], ']');
	ck_assert_int_eq(b.p[100002], '\0');
	buf_cleanup(&b);
	free(big);
}
END_TEST

START_TEST(printf_exactly_fills)
{
	struct buf	 b;
	size_t		 i, room;

	/* Text of exactly the free space (minus the NUL) and one more. */
	for (i = 0; i < 2; i++) {
		buf_init(&b);
		buf_putc(&b, '.');
		room = b.cap - b.len - 1 + i;
		buf_printf(&b, "%0*d", (int)room, 0);
		ck_assert_uint_eq(b.len, room + 1);
		ck_assert_uint_eq(strlen(b.p), room + 1);
		buf_cleanup(&b);
	}
}
END_TEST

static void
vp(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
vp(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

START_TEST(vprintf_appends)
{
	struct buf	 b;

	buf_init(&b);
	vp(&b, "%s-%c", "a", 'b');
	vp(&b, "%x", 255);
	ck_assert_str_eq(buf_cstr(&b), "a-bff");
	buf_cleanup(&b);
}
END_TEST

/* Encode s[0..len) into the fresh buffer b; the caller cleans it up. */
static void
enc(struct buf *b, const char *s, size_t len)
{
	buf_init(b);
	buf_json_str(b, s, len);
}

START_TEST(json_plain)
{
	struct buf	 b;

	enc(&b, "hello world", 11);
	ck_assert_str_eq(buf_cstr(&b), "\"hello world\"");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_empty)
{
	struct buf	 b;

	enc(&b, "", 0);
	ck_assert_str_eq(buf_cstr(&b), "\"\"");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_quote_backslash)
{
	struct buf	 b;

	enc(&b, "a\"b\\c/", 6);
	ck_assert_str_eq(buf_cstr(&b), "\"a\\\"b\\\\c/\"");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_short_escapes)
{
	struct buf	 b;

	enc(&b, "\b\f\n\r\t", 5);
	ck_assert_str_eq(buf_cstr(&b), "\"\\b\\f\\n\\r\\t\"");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_other_controls)
{
	struct buf	 b;

	enc(&b, "\x01\x1f\x0b", 3);
	ck_assert_str_eq(buf_cstr(&b), "\"\\u0001\\u001f\\u000b\"");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_embedded_nul)
{
	struct buf	 b;

	enc(&b, "a\0b", 3);
	ck_assert_str_eq(buf_cstr(&b), "\"a\\u0000b\"");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_utf8_as_is)
{
	struct buf	 b;
	const char	*s = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";

	enc(&b, s, strlen(s));
	ck_assert_uint_eq(b.len, strlen(s) + 2);
	ck_assert_mem_eq(b.p + 1, s, strlen(s));
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_appends)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "{\"k\":");
	buf_json_str(&b, "v\n", 2);
	buf_putc(&b, '}');
	ck_assert_str_eq(buf_cstr(&b), "{\"k\":\"v\\n\"}");
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_roundtrip_all_ascii)
{
	struct buf		 b;
	char			 in[128];
	struct json_tokener	*tok;
	struct json_object	*o;
	size_t			 i;

	/* Every byte 0..127: json-c must read back exactly the input. */
	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	enc(&b, in, sizeof(in));
	tok = json_tokener_new();
	ck_assert_ptr_nonnull(tok);
	o = json_tokener_parse_ex(tok, b.p, (int)b.len);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(json_object_get_type(o), json_type_string);
	ck_assert_int_eq(json_object_get_string_len(o), sizeof(in));
	ck_assert_mem_eq(json_object_get_string(o), in, sizeof(in));
	json_object_put(o);
	json_tokener_free(tok);
	buf_cleanup(&b);
}
END_TEST

START_TEST(json_long_input)
{
	struct buf	 b;
	char		*in;
	size_t		 i, n = 300000;

	in = malloc(n);
	ck_assert_ptr_nonnull(in);
	for (i = 0; i < n; i++)
		in[i] = i % 3 == 0 ? '"' : 'a';
	enc(&b, in, n);
	ck_assert_uint_eq(b.len, n + n / 3 + 2);
	free(in);
	buf_cleanup(&b);
}
END_TEST

START_TEST(cstr_is_content)
{
	struct buf	 b;

	buf_init(&b);
	buf_append(&b, "abc", 2);
	ck_assert_str_eq(buf_cstr(&b), "ab");
	buf_cleanup(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("buf");

	tc = tcase_create("buf_init");
	tcase_add_test(tc, init_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_cleanup");
	tcase_add_test(tc, cleanup_reusable);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_reset");
	tcase_add_test(tc, reset_keeps_memory);
	tcase_add_test(tc, reset_fresh_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_reserve");
	tcase_add_test(tc, reserve_prevents_realloc);
	tcase_add_test(tc, reserve_fresh_is_empty_string);
	if (forking())
		tcase_add_test_raise_signal(tc, reserve_overflow_aborts,
		    SIGABRT);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_append");
	tcase_add_test(tc, append_binary);
	tcase_add_test(tc, append_zero_bytes);
	tcase_add_test(tc, append_grows_keeps_content);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_puts");
	tcase_add_test(tc, puts_concatenates);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_putc");
	tcase_add_test(tc, putc_nul_counts);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_printf");
	tcase_add_test(tc, printf_appends);
	tcase_add_test(tc, printf_longer_than_capacity);
	tcase_add_test(tc, printf_exactly_fills);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_vprintf");
	tcase_add_test(tc, vprintf_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_json_str");
	tcase_add_test(tc, json_plain);
	tcase_add_test(tc, json_empty);
	tcase_add_test(tc, json_quote_backslash);
	tcase_add_test(tc, json_short_escapes);
	tcase_add_test(tc, json_other_controls);
	tcase_add_test(tc, json_embedded_nul);
	tcase_add_test(tc, json_utf8_as_is);
	tcase_add_test(tc, json_appends);
	tcase_add_test(tc, json_roundtrip_all_ascii);
	tcase_add_test(tc, json_long_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("buf_cstr");
	tcase_add_test(tc, cstr_is_content);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(buf_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
