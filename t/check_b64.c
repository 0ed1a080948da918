/*
 * check_b64: base64 and base64url, with the RFC 4648 section 10 vectors.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "b64.h"
#include "buf.h"

/* RFC 4648 section 10. */
static const struct {
	const char	*in;
	const char	*std;
	const char	*url;
} rfc[] = {
	{ "", "", "" },
	{ "f", "Zg==", "Zg" },
	{ "fo", "Zm8=", "Zm8" },
	{ "foo", "Zm9v", "Zm9v" },
	{ "foob", "Zm9vYg==", "Zm9vYg" },
	{ "fooba", "Zm9vYmE=", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy", "Zm9vYmFy" },
};
#define NRFC	(sizeof(rfc) / sizeof(rfc[0]))

/* Bytes whose encodings use the two alphabet-specific characters. */
static const unsigned char	 hi[] = { 0xfb, 0xff, 0xbf, 0xfe };

/* Decode with fn; return the result, or -1 (buffer discarded). */
static int
dec(int (*fn)(struct buf *, const char *, size_t), const char *s,
    struct buf *b)
{
	buf_init(b);
	return fn(b, s, strlen(s));
}

/* Decoding s with fn must fail. */
static void
rejects(int (*fn)(struct buf *, const char *, size_t), const char *s)
{
	struct buf	 b;

	ck_assert_msg(dec(fn, s, &b) == -1, "accepted \"%s\"", s);
	buf_cleanup(&b);
}

START_TEST(encode_rfc)
{
	struct buf	 b;

	buf_init(&b);
	b64_encode(&b, rfc[_i].in, strlen(rfc[_i].in));
	ck_assert_str_eq(buf_cstr(&b), rfc[_i].std);
	buf_cleanup(&b);
}
END_TEST

START_TEST(encode_alphabet)
{
	struct buf	 b;

	buf_init(&b);
	b64_encode(&b, hi, sizeof(hi));
	ck_assert_str_eq(buf_cstr(&b), "+/+//g==");
	buf_cleanup(&b);
}
END_TEST

START_TEST(encode_appends)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "Basic ");
	b64_encode(&b, "user:pass", 9);
	ck_assert_str_eq(buf_cstr(&b), "Basic dXNlcjpwYXNz");
	buf_cleanup(&b);
}
END_TEST

START_TEST(url_encode_rfc)
{
	struct buf	 b;

	buf_init(&b);
	b64url_encode(&b, rfc[_i].in, strlen(rfc[_i].in));
	ck_assert_str_eq(buf_cstr(&b), rfc[_i].url);
	buf_cleanup(&b);
}
END_TEST

START_TEST(url_encode_alphabet)
{
	struct buf	 b;

	buf_init(&b);
	b64url_encode(&b, hi, sizeof(hi));
	ck_assert_str_eq(buf_cstr(&b), "-_-__g");
	buf_cleanup(&b);
}
END_TEST

START_TEST(url_encode_jose_header)
{
	struct buf	 b;
	const char	*h = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";

	buf_init(&b);
	b64url_encode(&b, h, strlen(h));
	ck_assert_str_eq(buf_cstr(&b),
	    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9");
	buf_cleanup(&b);
}
END_TEST

START_TEST(decode_rfc)
{
	struct buf	 b;

	ck_assert_int_eq(dec(b64_decode, rfc[_i].std, &b), 0);
	ck_assert_uint_eq(b.len, strlen(rfc[_i].in));
	ck_assert_str_eq(buf_cstr(&b), rfc[_i].in);
	buf_cleanup(&b);
}
END_TEST

START_TEST(decode_alphabet)
{
	struct buf	 b;

	ck_assert_int_eq(dec(b64_decode, "+/+//g==", &b), 0);
	ck_assert_uint_eq(b.len, sizeof(hi));
	ck_assert_mem_eq(b.p, hi, sizeof(hi));
	buf_cleanup(&b);
}
END_TEST

START_TEST(decode_rejects_url_alphabet)
{
	rejects(b64_decode, "-_-__g==");
	rejects(b64_decode, "Zm9v-A==");
}
END_TEST

START_TEST(decode_rejects_padding)
{
	rejects(b64_decode, "Zg");		/* missing */
	rejects(b64_decode, "Zg=");		/* short */
	rejects(b64_decode, "Zg===");		/* too much */
	rejects(b64_decode, "Z===");
	rejects(b64_decode, "====");
	rejects(b64_decode, "=Zg=");		/* in front */
	rejects(b64_decode, "Zg==Zg==");	/* in the middle */
	rejects(b64_decode, "Zm=v");
	rejects(b64_decode, "Zm9vYg");		/* base64url form */
}
END_TEST

START_TEST(decode_rejects_whitespace)
{
	rejects(b64_decode, "Zm9v\nYmFy");
	rejects(b64_decode, "Zm9v YmFy");
	rejects(b64_decode, " Zm9vYmFy");
	rejects(b64_decode, "Zm9vYmFy\r\n");
}
END_TEST

START_TEST(decode_rejects_garbage)
{
	struct buf	 b;
	const char	 nul[8] = { 'Z', 'm', '9', 'v', '\0', 'm', 'F', 'y' };

	rejects(b64_decode, "Zm9v!mFy");
	rejects(b64_decode, "Zm9v\xc3\xa9mFy");	/* non-ASCII */
	rejects(b64_decode, "Zm9\x80");
	buf_init(&b);
	ck_assert_int_eq(b64_decode(&b, nul, sizeof(nul)), -1);
	buf_cleanup(&b);
}
END_TEST

START_TEST(decode_rejects_noncanonical)
{
	/* "Zh==" and "Zm9=" carry non-zero unused bits. */
	rejects(b64_decode, "Zh==");
	rejects(b64_decode, "Zm9=");
	rejects(b64_decode, "Zm9vYh==");
}
END_TEST

START_TEST(decode_appends)
{
	struct buf	 b;

	buf_init(&b);
	buf_puts(&b, "x");
	ck_assert_int_eq(b64_decode(&b, "Zm8=", 4), 0);
	ck_assert_str_eq(buf_cstr(&b), "xfo");
	buf_cleanup(&b);
}
END_TEST

START_TEST(url_decode_rfc)
{
	struct buf	 b;

	ck_assert_int_eq(dec(b64url_decode, rfc[_i].url, &b), 0);
	ck_assert_uint_eq(b.len, strlen(rfc[_i].in));
	ck_assert_str_eq(buf_cstr(&b), rfc[_i].in);
	buf_cleanup(&b);
}
END_TEST

START_TEST(url_decode_alphabet)
{
	struct buf	 b;

	ck_assert_int_eq(dec(b64url_decode, "-_-__g", &b), 0);
	ck_assert_uint_eq(b.len, sizeof(hi));
	ck_assert_mem_eq(b.p, hi, sizeof(hi));
	buf_cleanup(&b);
}
END_TEST

START_TEST(url_decode_rejects_std_alphabet)
{
	rejects(b64url_decode, "+/+//g");
	rejects(b64url_decode, "Zm9v/w");
}
END_TEST

START_TEST(url_decode_rejects_padding)
{
	rejects(b64url_decode, "Zg==");
	rejects(b64url_decode, "Zm8=");
	rejects(b64url_decode, "Zg=");
}
END_TEST

START_TEST(url_decode_rejects_length)
{
	/* One character is 6 bits: no whole byte. */
	rejects(b64url_decode, "Z");
	rejects(b64url_decode, "Zm9vY");
}
END_TEST

START_TEST(url_decode_rejects_noncanonical)
{
	rejects(b64url_decode, "Zh");
	rejects(b64url_decode, "Zm9");
	rejects(b64url_decode, "-_-__h");
}
END_TEST

START_TEST(url_decode_rejects_garbage)
{
	rejects(b64url_decode, "Zm9v.mFy");	/* a JWS separator */
	rejects(b64url_decode, "Zm9v YmFy");
	rejects(b64url_decode, "Zm9v\nYmFy");
	rejects(b64url_decode, "Zm9v\xffmFy");
}
END_TEST

START_TEST(url_decode_empty)
{
	struct buf	 b;

	ck_assert_int_eq(dec(b64url_decode, "", &b), 0);
	ck_assert_uint_eq(b.len, 0);
	buf_cleanup(&b);
}
END_TEST

START_TEST(roundtrip_random)
{
	unsigned char	 in[300];
	struct buf	 e, d;
	size_t		 n;

	/* Every length 0..299, both codecs. */
	ck_assert_int_eq(RAND_bytes(in, sizeof(in)), 1);
	for (n = 0; n < sizeof(in); n++) {
		buf_init(&e);
		buf_init(&d);
		b64_encode(&e, in, n);
		ck_assert_uint_eq(e.len, (n + 2) / 3 * 4);
		ck_assert_int_eq(b64_decode(&d, e.p == NULL ? "" : e.p, e.len),
		    0);
		ck_assert_uint_eq(d.len, n);
		if (n > 0)
			ck_assert_mem_eq(d.p, in, n);
		buf_reset(&e);
		buf_reset(&d);
		b64url_encode(&e, in, n);
		ck_assert_uint_eq(e.len, (n * 4 + 2) / 3);
		ck_assert_int_eq(b64url_decode(&d, buf_cstr(&e), e.len), 0);
		ck_assert_uint_eq(d.len, n);
		if (n > 0)
			ck_assert_mem_eq(d.p, in, n);
		buf_cleanup(&e);
		buf_cleanup(&d);
	}
}
END_TEST

static Suite *
b64_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("b64");

	tc = tcase_create("b64_encode");
	tcase_add_loop_test(tc, encode_rfc, 0, NRFC);
	tcase_add_test(tc, encode_alphabet);
	tcase_add_test(tc, encode_appends);
	suite_add_tcase(s, tc);

	tc = tcase_create("b64url_encode");
	tcase_add_loop_test(tc, url_encode_rfc, 0, NRFC);
	tcase_add_test(tc, url_encode_alphabet);
	tcase_add_test(tc, url_encode_jose_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("b64_decode");
	tcase_add_loop_test(tc, decode_rfc, 0, NRFC);
	tcase_add_test(tc, decode_alphabet);
	tcase_add_test(tc, decode_rejects_url_alphabet);
	tcase_add_test(tc, decode_rejects_padding);
	tcase_add_test(tc, decode_rejects_whitespace);
	tcase_add_test(tc, decode_rejects_garbage);
	tcase_add_test(tc, decode_rejects_noncanonical);
	tcase_add_test(tc, decode_appends);
	tcase_add_test(tc, roundtrip_random);
	suite_add_tcase(s, tc);

	tc = tcase_create("b64url_decode");
	tcase_add_loop_test(tc, url_decode_rfc, 0, NRFC);
	tcase_add_test(tc, url_decode_alphabet);
	tcase_add_test(tc, url_decode_rejects_std_alphabet);
	tcase_add_test(tc, url_decode_rejects_padding);
	tcase_add_test(tc, url_decode_rejects_length);
	tcase_add_test(tc, url_decode_rejects_noncanonical);
	tcase_add_test(tc, url_decode_rejects_garbage);
	tcase_add_test(tc, url_decode_empty);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(b64_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
