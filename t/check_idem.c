/*
 * check_idem: the pure parts of lib/idem: which Idempotency-Key values
 * are accepted, the canonical form of a JSON body, and the request
 * fingerprint built from it.  No database: idem_begin()/idem_finish()
 * are tested through nginx by t/check_commands.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "idem.h"
#include "router.h"

/* The canonical form of text, or NULL when it is not JSON (static). */
static const char *
canonical(const char *text)
{
	static char	 out[4096];
	struct buf	 b;
	int		 rc;

	buf_init(&b);
	rc = idem_canonical(text, strlen(text), &b);
	if (rc == 0) {
		ck_assert_uint_lt(b.len, sizeof(out));
		memcpy(out, b.p, b.len);
		out[b.len] = '\0';
	}
	buf_cleanup(&b);
	return rc == 0 ? out : NULL;
}

static void
fp(const struct router_params *p, const char *body, char *out)
{
	ck_assert_int_eq(idem_fingerprint(p, body, body != NULL ?
	    strlen(body) : 0, out), 0);
	ck_assert_uint_eq(strlen(out), IDEM_FPLEN);
	ck_assert_uint_eq(strspn(out, "0123456789abcdef"), IDEM_FPLEN);
}

START_TEST(test_key_lengths)
{
	char	 k[IDEM_KEYMAX + 2];

	ck_assert(idem_key_valid("a"));
	memset(k, 'x', sizeof(k) - 1);
	k[IDEM_KEYMAX] = '\0';
	ck_assert(idem_key_valid(k));			/* 255 */
	k[IDEM_KEYMAX] = 'x';
	k[IDEM_KEYMAX + 1] = '\0';
	ck_assert(!idem_key_valid(k));			/* 256 */
	ck_assert(!idem_key_valid(""));
	ck_assert(!idem_key_valid(NULL));
}
END_TEST

START_TEST(test_key_characters)
{
	ck_assert(idem_key_valid("9f1c2b7e-4a0d-4a8e-b1c3-0e6d5f2a7b9c"));
	ck_assert(idem_key_valid("order 42/retry#1 ~!"));	/* printable */
	ck_assert(!idem_key_valid("tab\there"));
	ck_assert(!idem_key_valid("line\nbreak"));
	ck_assert(!idem_key_valid("del\x7f"));
	ck_assert(!idem_key_valid("caf\xc3\xa9"));		/* non-ASCII */
}
END_TEST

START_TEST(test_canonical_sorts_and_strips)
{
	ck_assert_str_eq(canonical(" { \"b\" : 1 ,\n\"a\": [ 1, {\"d\": 2, "
	    "\"c\": \"x\"} ] } "), "{\"a\":[1,{\"c\":\"x\",\"d\":2}],\"b\":1}");
	ck_assert_str_eq(canonical("{}"), "{}");
	ck_assert_str_eq(canonical("[ ]"), "[]");
	ck_assert_str_eq(canonical("{\"n\":null,\"t\":true,\"f\":false}"),
	    "{\"f\":false,\"n\":null,\"t\":true}");
}
END_TEST

START_TEST(test_canonical_one_escaping)
{
	/* The same strings, written differently, come out the same. */
	ck_assert_str_eq(canonical("{\"s\":\"caf\\u00e9\"}"),
	    canonical("{\"s\":\"caf\xc3\xa9\"}"));
	ck_assert_str_eq(canonical("{\"s\":\"a\\/b\"}"),
	    canonical("{\"s\":\"a/b\"}"));
	ck_assert_str_eq(canonical("{\"s\":\"\\u0041\"}"), "{\"s\":\"A\"}");
}
END_TEST

START_TEST(test_canonical_rejects)
{
	ck_assert_ptr_null(canonical("{\"a\":1"));
	ck_assert_ptr_null(canonical("{\"a\":1} trailing"));
	ck_assert_ptr_null(canonical("not json"));
	ck_assert_ptr_null(canonical(""));
}
END_TEST

START_TEST(test_fingerprint_same_payload)
{
	char	 a[IDEM_FPLEN + 1], b[IDEM_FPLEN + 1];

	fp(NULL, "{\"name\":\"Hub\",\"timeZone\":\"UTC\"}", a);
	fp(NULL, "{ \"timeZone\" : \"UTC\",\n  \"name\" : \"Hub\" }", b);
	ck_assert_str_eq(a, b);
	fp(NULL, NULL, a);
	fp(NULL, "", b);
	ck_assert_str_eq(a, b);
}
END_TEST

START_TEST(test_fingerprint_differs)
{
	char	 a[IDEM_FPLEN + 1], b[IDEM_FPLEN + 1];

	fp(NULL, "{\"name\":\"Hub\"}", a);
	fp(NULL, "{\"name\":\"Hub2\"}", b);
	ck_assert_str_ne(a, b);
	fp(NULL, "{\"n\":1}", a);
	fp(NULL, "{\"n\":\"1\"}", b);
	ck_assert_str_ne(a, b);
	/* Not JSON: the raw bytes count, JSON or not is told apart. */
	fp(NULL, "x y", a);
	fp(NULL, "x  y", b);
	ck_assert_str_ne(a, b);
	fp(NULL, NULL, a);
	fp(NULL, "{}", b);
	ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(test_fingerprint_path_params)
{
	struct router_params	 p, q;
	char			 a[IDEM_FPLEN + 1], b[IDEM_FPLEN + 1];

	memset(&p, 0, sizeof(p));
	p.n = 1;
	p.name[0] = "hubId";
	p.namelen[0] = 5;
	p.value[0] = "00000000-0000-4000-8000-000000000501";
	q = p;
	q.value[0] = "00000000-0000-4000-8000-000000000502";
	fp(&p, NULL, a);
	fp(&q, NULL, b);
	ck_assert_str_ne(a, b);
	fp(&p, "{\"a\":1}", a);
	fp(&q, "{\"a\":1}", b);
	ck_assert_str_ne(a, b);
	fp(&p, "{ \"a\" : 1 }", b);
	ck_assert_str_eq(a, b);
	/* A parameter is not confused with the body. */
	fp(NULL, NULL, b);
	fp(&p, NULL, a);
	ck_assert_str_ne(a, b);
}
END_TEST

static Suite *
idem_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("idem");
	tc = tcase_create("idem_key_valid");
	tcase_add_test(tc, test_key_lengths);
	tcase_add_test(tc, test_key_characters);
	suite_add_tcase(s, tc);
	tc = tcase_create("idem_canonical");
	tcase_add_test(tc, test_canonical_sorts_and_strips);
	tcase_add_test(tc, test_canonical_one_escaping);
	tcase_add_test(tc, test_canonical_rejects);
	suite_add_tcase(s, tc);
	tc = tcase_create("idem_fingerprint");
	tcase_add_test(tc, test_fingerprint_same_payload);
	tcase_add_test(tc, test_fingerprint_differs);
	tcase_add_test(tc, test_fingerprint_path_params);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(idem_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
