/*
 * check_pwhash: the scrypt password hashes of the local provider.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "pwhash.h"

/*
 * A hash made by another implementation (Python's hashlib.scrypt) of
 * "krow-demo-1" with salt 00 01 .. 0f, N = 2^10, r = 4, p = 2: verify must
 * read the cost from the string and pass N, r and p in the right places.
 */
#define KAT_HASH "$scrypt$ln=10,r=4,p=2$AAECAwQFBgcICQoLDA0ODw==$" \
	"BaAmVqiTwSRaFeLQy5/LWV0JcfGRTKrn8k2EA+hAtkk="

/* A well-formed hash of "pw" at the cheapest accepted cost (ln=10). */
#define CHEAP_SALT	"AAECAwQFBgcICQoLDA0ODw=="
#define CHEAP_HASH	"BaAmVqiTwSRaFeLQy5/LWV0JcfGRTKrn8k2EA+hAtkk="

static char *
make(const char *pw, size_t len)
{
	struct buf	 b;
	char		*s;

	buf_init(&b);
	ck_assert_int_eq(pwhash_make(pw, len, &b), 0);
	s = strdup(buf_cstr(&b));
	ck_assert_ptr_nonnull(s);
	buf_cleanup(&b);
	return s;
}

/* ---- pwhash_make ---- */

START_TEST(make_format)
{
	char	*h = make("krow-demo-1", 11);
	size_t	 plen = strlen("$scrypt$ln=15,r=8,p=1$");

	/* Current cost, 16-byte salt (24 chars), 32-byte hash (44 chars). */
	ck_assert_int_eq(strncmp(h, "$scrypt$ln=15,r=8,p=1$", plen), 0);
	ck_assert_uint_eq(strlen(h), plen + 24 + 1 + 44);
	ck_assert_int_eq(h[plen + 24], '$');
	free(h);
}
END_TEST

START_TEST(make_fresh_salt)
{
	char	*a = make("same", 4), *b = make("same", 4);

	ck_assert_str_ne(a, b);
	ck_assert_int_eq(pwhash_verify("same", 4, a), 1);
	ck_assert_int_eq(pwhash_verify("same", 4, b), 1);
	free(a);
	free(b);
}
END_TEST

START_TEST(make_appends)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "prefix:");
	ck_assert_int_eq(pwhash_make("x", 1, &b), 0);
	ck_assert_int_eq(strncmp(buf_cstr(&b), "prefix:$scrypt$", 15), 0);
	ck_assert_int_eq(pwhash_verify("x", 1, buf_cstr(&b) + 7), 1);
	buf_cleanup(&b);
}
END_TEST

/* ---- pwhash_verify ---- */

START_TEST(verify_round_trip)
{
	char	*h = make("krow-demo-1", 11);

	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11, h), 1);
	free(h);
}
END_TEST

START_TEST(verify_wrong_password)
{
	char	*h = make("krow-demo-1", 11);

	ck_assert_int_eq(pwhash_verify("krow-demo-2", 11, h), 0);
	ck_assert_int_eq(pwhash_verify("krow-demo-", 10, h), 0);
	ck_assert_int_eq(pwhash_verify("krow-demo-11", 12, h), 0);
	ck_assert_int_eq(pwhash_verify("KROW-DEMO-1", 11, h), 0);
	free(h);
}
END_TEST

START_TEST(verify_unicode)
{
	/* "pässwörd 密码" precomposed (NFC) ... */
	const char	*nfc =
	    "p\xc3\xa4ssw\xc3\xb6rd \xe5\xaf\x86\xe7\xa0\x81";
	/* ... and decomposed (NFD): other bytes, so another password. */
	const char	*nfd =
	    "pa\xcc\x88ssw\xc3\xb6rd \xe5\xaf\x86\xe7\xa0\x81";
	char		*h = make(nfc, strlen(nfc));

	ck_assert_int_eq(pwhash_verify(nfc, strlen(nfc), h), 1);
	ck_assert_int_eq(pwhash_verify(nfd, strlen(nfd), h), 0);
	free(h);
}
END_TEST

START_TEST(verify_empty_password)
{
	char	*h = make("", 0);

	ck_assert_int_eq(pwhash_verify("", 0, h), 1);
	ck_assert_int_eq(pwhash_verify(" ", 1, h), 0);
	free(h);
}
END_TEST

START_TEST(verify_embedded_nul)
{
	/* The length counts, not strlen: "ab\0c" is not "ab". */
	char	*h = make("ab\0c", 4);

	ck_assert_int_eq(pwhash_verify("ab\0c", 4, h), 1);
	ck_assert_int_eq(pwhash_verify("ab", 2, h), 0);
	free(h);
}
END_TEST

START_TEST(verify_known_answer)
{
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11, KAT_HASH), 1);
	ck_assert_int_eq(pwhash_verify("krow-demo-2", 11, KAT_HASH), 0);
}
END_TEST

START_TEST(verify_tampered_hash)
{
	char	*h = make("krow-demo-1", 11);
	char	*last = strrchr(h, '$') + 1;

	/* Still valid base64, one bit of the stored hash differs. */
	last[0] = last[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11, h), 0);
	free(h);
}
END_TEST

START_TEST(verify_tampered_salt)
{
	char	*h = make("krow-demo-1", 11);
	char	*salt = h + strlen("$scrypt$ln=15,r=8,p=1$");

	salt[0] = salt[0] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11, h), 0);
	free(h);
}
END_TEST

START_TEST(verify_tampered_cost)
{
	/* The KAT hash with another p: the same password no longer matches. */
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11,
	    "$scrypt$ln=10,r=4,p=1$" CHEAP_SALT "$" CHEAP_HASH), 0);
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11,
	    "$scrypt$ln=11,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH), 0);
}
END_TEST

static const char *const malformed[] = {
	"",
	"krow-demo-1",
	"$scrypt$",
	"$2b$12$abcdefghijklmnopqrstuu",
	"$SCRYPT$ln=10,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=4$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$r=4,ln=10,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=2,x=1$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT,
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT "$",
	"$scrypt$ln=10,r=4,p=2$$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH "$",
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH "x",
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH "\n",
	" $scrypt$ln=10,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	/* Numbers: leading zero, sign, empty, huge. */
	"$scrypt$ln=010,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=+10,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=04,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=18446744073709551618$" CHEAP_SALT "$"
	    CHEAP_HASH,
	/* base64: URL alphabet, missing padding, whitespace, non-ASCII. */
	"$scrypt$ln=10,r=4,p=2$AAECAwQFBgcICQoLDA0ODw$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=2$AAECAwQFBgcICQoL DA0ODw==$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT
	    "$BaAmVqiTwSRaFeLQy5_LWV0JcfGRTKrn8k2EA-hAtkk=",
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT "$\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	/* Salt of 8 bytes (too short); hash of 31 and 33 bytes. */
	"$scrypt$ln=10,r=4,p=2$AAECAwQFBgc=$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT
	    "$BaAmVqiTwSRaFeLQy5/LWV0JcfGRTKrn8k2EA+hAtg==",
	"$scrypt$ln=10,r=4,p=2$" CHEAP_SALT
	    "$BaAmVqiTwSRaFeLQy5/LWV0JcfGRTKrn8k2EA+hAtkkA",
};

START_TEST(verify_malformed)
{
	ck_assert_msg(pwhash_verify("krow-demo-1", 11, malformed[_i]) == -1,
	    "accepted: %s", malformed[_i]);
}
END_TEST

START_TEST(verify_null_encoded)
{
	ck_assert_int_eq(pwhash_verify("x", 1, NULL), -1);
}
END_TEST

START_TEST(verify_overlong_encoded)
{
	char	*s;
	size_t	 n = 100000;

	s = malloc(n + 1);
	ck_assert_ptr_nonnull(s);
	memset(s, 'A', n);
	memcpy(s, "$scrypt$ln=10,r=4,p=2$", 22);
	s[n] = '\0';
	ck_assert_int_eq(pwhash_verify("x", 1, s), -1);
	free(s);
}
END_TEST

/* ---- cost bounds: ln 10..20, r 1..32, p 1..16, 64 MiB ---- */

static const char *const out_of_bounds[] = {
	"$scrypt$ln=9,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=21,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=0,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=33,p=2$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=0$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=10,r=4,p=17$" CHEAP_SALT "$" CHEAP_HASH,
	"$scrypt$ln=99,r=4,p=2$" CHEAP_SALT "$" CHEAP_HASH,
};

START_TEST(bounds_refused)
{
	ck_assert_msg(pwhash_verify("krow-demo-1", 11,
	    out_of_bounds[_i]) == -1, "accepted: %s", out_of_bounds[_i]);
}
END_TEST

START_TEST(bounds_lowest_accepted)
{
	/* ln=10, r=1, p=1: in bounds, so a plain mismatch (0), not -1. */
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11,
	    "$scrypt$ln=10,r=1,p=1$" CHEAP_SALT "$" CHEAP_HASH), 0);
}
END_TEST

START_TEST(bounds_memory_cap)
{
	/*
	 * ln=20, r=32 is within the syntax bounds but needs 4 GiB: the 64
	 * MiB cap refuses it (-1) instead of letting a forged row exhaust
	 * the worker.  ln=16, r=8 needs just over 64 MiB: refused too.
	 */
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11,
	    "$scrypt$ln=20,r=32,p=16$" CHEAP_SALT "$" CHEAP_HASH), -1);
	ck_assert_int_eq(pwhash_verify("krow-demo-1", 11,
	    "$scrypt$ln=16,r=8,p=1$" CHEAP_SALT "$" CHEAP_HASH), -1);
}
END_TEST

static Suite *
pwhash_suite(void)
{
	Suite	*s = suite_create("pwhash");
	TCase	*tc;

	tc = tcase_create("pwhash_make");
	tcase_add_test(tc, make_format);
	tcase_add_test(tc, make_fresh_salt);
	tcase_add_test(tc, make_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("pwhash_verify");
	tcase_add_test(tc, verify_round_trip);
	tcase_add_test(tc, verify_wrong_password);
	tcase_add_test(tc, verify_unicode);
	tcase_add_test(tc, verify_empty_password);
	tcase_add_test(tc, verify_embedded_nul);
	tcase_add_test(tc, verify_known_answer);
	tcase_add_test(tc, verify_tampered_hash);
	tcase_add_test(tc, verify_tampered_salt);
	tcase_add_test(tc, verify_tampered_cost);
	tcase_add_loop_test(tc, verify_malformed, 0,
	    (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(tc, verify_null_encoded);
	tcase_add_test(tc, verify_overlong_encoded);
	suite_add_tcase(s, tc);

	tc = tcase_create("cost_bounds");
	tcase_add_loop_test(tc, bounds_refused, 0,
	    (int)(sizeof(out_of_bounds) / sizeof(out_of_bounds[0])));
	tcase_add_test(tc, bounds_lowest_accepted);
	tcase_add_test(tc, bounds_memory_cap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(pwhash_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
