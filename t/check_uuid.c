/*
 * check_uuid: UUID syntax checks and random UUIDs.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "uuid.h"

START_TEST(valid_accepts)
{
	ck_assert_int_eq(uuid_valid("0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5e"), 1);
	ck_assert_int_eq(uuid_valid("0D9C1C9E-4A7F-4C55-9D4E-2F1C2B3A4D5E"), 1);
	ck_assert_int_eq(uuid_valid("00000000-0000-0000-0000-000000000000"), 1);
	ck_assert_int_eq(uuid_valid("ffffffff-ffff-ffff-ffff-ffffffffffff"), 1);
}
END_TEST

START_TEST(valid_rejects_length)
{
	ck_assert_int_eq(uuid_valid(""), 0);
	ck_assert_int_eq(uuid_valid("0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5"), 0);
	ck_assert_int_eq(uuid_valid("0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5e0"),
	    0);
	ck_assert_int_eq(uuid_valid("0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5e "),
	    0);
	ck_assert_int_eq(uuid_valid("0d9c1c9e4a7f4c559d4e2f1c2b3a4d5e"), 0);
}
END_TEST

START_TEST(valid_rejects_shape)
{
	/* Dashes moved, braces, URN prefix, non-hex. */
	ck_assert_int_eq(uuid_valid("0d9c1c9e4-a7f-4c55-9d4e-2f1c2b3a4d5e"), 0);
	ck_assert_int_eq(uuid_valid("{d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5}"), 0);
	ck_assert_int_eq(uuid_valid("urn:uuid:0d9c1c9e-4a7f-4c55-9d4e-2f1"), 0);
	ck_assert_int_eq(uuid_valid("0d9c1c9g-4a7f-4c55-9d4e-2f1c2b3a4d5e"), 0);
	ck_assert_int_eq(uuid_valid("0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5 "), 0);
	ck_assert_int_eq(uuid_valid("0d9c1c9e 4a7f-4c55-9d4e-2f1c2b3a4d5e"), 0);
	ck_assert_int_eq(uuid_valid("------------------------------------"), 0);
}
END_TEST

START_TEST(valid_rejects_hostile)
{
	char	 s[40];

	/* A NUL inside, a non-ASCII byte, SQL text, NULL. */
	memcpy(s, "0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d5e", 37);
	s[10] = '\0';
	ck_assert_int_eq(uuid_valid(s), 0);
	ck_assert_int_eq(
	    uuid_valid("0d9c1c9e-4a7f-4c55-9d4e-2f1c2b3a4d\xc3\xa9"), 0);
	ck_assert_int_eq(uuid_valid("' OR 1=1 --"), 0);
	ck_assert_int_eq(uuid_valid(NULL), 0);
}
END_TEST

START_TEST(v4_format)
{
	char	 u[UUID_STRLEN + 1];

	ck_assert_int_eq(uuid_v4(u), 0);
	ck_assert_uint_eq(strlen(u), UUID_STRLEN);
	ck_assert_int_eq(uuid_valid(u), 1);
	ck_assert_int_eq(u[14], '4');		/* version */
	ck_assert_ptr_nonnull(strchr("89ab", u[19]));	/* variant */
	ck_assert_uint_eq(strspn(u, "0123456789abcdef-"), UUID_STRLEN);
}
END_TEST

START_TEST(v4_unique)
{
	char	 u[200][UUID_STRLEN + 1];
	int	 i, j;

	for (i = 0; i < 200; i++)
		ck_assert_int_eq(uuid_v4(u[i]), 0);
	for (i = 0; i < 200; i++)
		for (j = i + 1; j < 200; j++)
			ck_assert_str_ne(u[i], u[j]);
}
END_TEST

START_TEST(v4_bits_vary)
{
	char	 u[UUID_STRLEN + 1];
	int	 seen[UUID_STRLEN][16];
	int	 i, k, n;

	/*
	 * Over 2000 UUIDs every random hex position takes many values; a
	 * constant nibble other than the version would show up here.
	 */
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < 2000; k++) {
		ck_assert_int_eq(uuid_v4(u), 0);
		for (i = 0; i < UUID_STRLEN; i++)
			if (u[i] != '-')
				seen[i][strchr("0123456789abcdef", u[i]) -
				    "0123456789abcdef"] = 1;
	}
	for (i = 0; i < UUID_STRLEN; i++) {
		if (u[i] == '-' || i == 14)
			continue;
		for (n = 0, k = 0; k < 16; k++)
			n += seen[i][k];
		ck_assert_int_eq(n, i == 19 ? 4 : 16);
	}
}
END_TEST

static Suite *
uuid_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("uuid");

	tc = tcase_create("uuid_valid");
	tcase_add_test(tc, valid_accepts);
	tcase_add_test(tc, valid_rejects_length);
	tcase_add_test(tc, valid_rejects_shape);
	tcase_add_test(tc, valid_rejects_hostile);
	suite_add_tcase(s, tc);

	tc = tcase_create("uuid_v4");
	tcase_add_test(tc, v4_format);
	tcase_add_test(tc, v4_unique);
	tcase_add_test(tc, v4_bits_vary);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(uuid_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
