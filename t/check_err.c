/*
 * check_err: the error codes and HTTP statuses clients see.
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* The contract of err.h, written out independently of err.c. */
static const struct {
	enum err	 e;
	const char	*code;
	int		 http;
} want[] = {
	{ ERR_BADREQ, "BAD_REQUEST", 400 },
	{ ERR_INVAL, "VALIDATION_ERROR", 400 },
	{ ERR_IDEM_REQUIRED, "IDEMPOTENCY_KEY_REQUIRED", 400 },
	{ ERR_UNAUTH, "UNAUTHENTICATED", 401 },
	{ ERR_TOKEN_EXPIRED, "TOKEN_EXPIRED", 401 },
	{ ERR_TOKEN_REVOKED, "TOKEN_REVOKED", 401 },
	{ ERR_BAD_CREDENTIALS, "INVALID_CREDENTIALS", 401 },
	{ ERR_FORBIDDEN, "FORBIDDEN", 403 },
	{ ERR_DISABLED, "ACCOUNT_DISABLED", 403 },
	{ ERR_NOTFOUND, "NOT_FOUND", 404 },
	{ ERR_METHOD, "METHOD_NOT_ALLOWED", 405 },
	{ ERR_CONFLICT, "CONFLICT", 409 },
	{ ERR_IDEM_INPROGRESS, "IDEMPOTENCY_IN_PROGRESS", 409 },
	{ ERR_TOOLARGE, "PAYLOAD_TOO_LARGE", 413 },
	{ ERR_MEDIATYPE, "UNSUPPORTED_MEDIA_TYPE", 415 },
	{ ERR_IDEM_REUSED, "IDEMPOTENCY_KEY_REUSED", 422 },
	{ ERR_LOCKED, "ACCOUNT_LOCKED", 423 },
	{ ERR_RATE, "RATE_LIMITED", 429 },
	{ ERR_INTERNAL, "INTERNAL", 500 },
	{ ERR_NOMEM, "INTERNAL", 500 },
	{ ERR_DB, "INTERNAL", 500 },
	{ ERR_UPSTREAM, "UPSTREAM_UNAVAILABLE", 503 },
};
#define NWANT	(sizeof(want) / sizeof(want[0]))

START_TEST(code_matches_contract)
{
	ck_assert_str_eq(err_code(want[_i].e), want[_i].code);
}
END_TEST

START_TEST(code_every_value_listed)
{
	/* A new enum value must be added to the contract table above. */
	ck_assert_uint_eq(NWANT, ERR__MAX - 1);
}
END_TEST

START_TEST(code_upper_snake)
{
	const char	*c;

	c = err_code((enum err)_i);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_gt(strlen(c), 0);
	for (; *c != '\0'; c++)
		ck_assert_msg(isupper((unsigned char)*c) || *c == '_',
		    "code of %d has '%c'", _i, *c);
}
END_TEST

START_TEST(code_out_of_range_internal)
{
	ck_assert_str_eq(err_code(ERR__MAX), "INTERNAL");
	ck_assert_str_eq(err_code((enum err)-1), "INTERNAL");
	ck_assert_str_eq(err_code((enum err)100000), "INTERNAL");
}
END_TEST

START_TEST(str_lowercase_sentence)
{
	const char	*m;
	size_t		 n;

	m = err_str((enum err)_i);
	ck_assert_ptr_nonnull(m);
	n = strlen(m);
	ck_assert_uint_gt(n, 0);
	ck_assert_msg(islower((unsigned char)m[0]),
	    "message of %d starts with '%c'", _i, m[0]);
	ck_assert_msg(m[n - 1] != '.', "message of %d ends with '.'", _i);
}
END_TEST

START_TEST(str_out_of_range_internal)
{
	ck_assert_str_eq(err_str((enum err)-5), err_str(ERR_INTERNAL));
}
END_TEST

START_TEST(str_internal_hides_cause)
{
	/* A client must not learn that it was the database or memory. */
	ck_assert_str_eq(err_str(ERR_DB), err_str(ERR_INTERNAL));
	ck_assert_str_eq(err_str(ERR_NOMEM), err_str(ERR_INTERNAL));
}
END_TEST

START_TEST(http_matches_contract)
{
	ck_assert_int_eq(err_http(want[_i].e), want[_i].http);
}
END_TEST

START_TEST(http_ok_is_200)
{
	ck_assert_int_eq(err_http(ERR_OK), 200);
}
END_TEST

START_TEST(http_out_of_range_500)
{
	ck_assert_int_eq(err_http(ERR__MAX), 500);
	ck_assert_int_eq(err_http((enum err)-1), 500);
	ck_assert_int_eq(err_http((enum err)0x7fffffff), 500);
}
END_TEST

static Suite *
err_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("err");

	tc = tcase_create("err_code");
	tcase_add_loop_test(tc, code_matches_contract, 0, NWANT);
	tcase_add_test(tc, code_every_value_listed);
	tcase_add_loop_test(tc, code_upper_snake, 0, ERR__MAX);
	tcase_add_test(tc, code_out_of_range_internal);
	suite_add_tcase(s, tc);

	tc = tcase_create("err_str");
	tcase_add_loop_test(tc, str_lowercase_sentence, 0, ERR__MAX);
	tcase_add_test(tc, str_out_of_range_internal);
	tcase_add_test(tc, str_internal_hides_cause);
	suite_add_tcase(s, tc);

	tc = tcase_create("err_http");
	tcase_add_loop_test(tc, http_matches_contract, 0, NWANT);
	tcase_add_test(tc, http_ok_is_200);
	tcase_add_test(tc, http_out_of_range_500);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(err_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
