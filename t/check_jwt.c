/*
 * check_jwt: RS256 tokens as a security reviewer would probe them.  Keys
 * are generated here; tokens with hostile headers are built and signed by
 * this file's own code (not jwt_sign_rs256), so a bug in the signer cannot
 * hide one in the verifier.  The RFC 7515 / RFC 7520 vectors are read from
 * $KROW_JOSE_TESTDATA (default /work/shared/testdata/jose) when present.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "err.h"
#include "jwt.h"

#define ISS	"https://securetoken.google.com/krow-test"
#define AUD	"krow-test"
#define KID	"k1"
#define NOW	1700000000LL
#define SKEW	60LL

#define RFC7638_N "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbf" \
	"AAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W" \
	"-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMic" \
	"AtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTW" \
	"hAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU" \
	"8awapJzKnqDKgw"
#define RFC7638_TP "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

/* Made once in main(): the set's key, another key, a too-small key. */
static EVP_PKEY			*key1, *key_other, *key_small;
static struct jwt_keyset	*ks;

/* Per test (checked fixture). */
static struct arena		*A;
static struct jwt_claims	 cl;
static const char		*why;
static int			 allow_unsigned;

static void
setup(void)
{
	A = arena_new(0);
	memset(&cl, 0, sizeof(cl));
	why = NULL;
	allow_unsigned = 0;
}

static void
teardown(void)
{
	arena_free(A);
	A = NULL;
}

/* base64url of s[0..len) as an arena string. */
static char *
b64u(const void *s, size_t len)
{
	struct buf	 b;
	char		*r;

	buf_init(&b);
	b64url_encode(&b, s, len);
	r = arena_strndup(A, buf_cstr(&b), b.len);
	buf_cleanup(&b);
	return r;
}

static char *
b64us(const char *s)
{
	return b64u(s, strlen(s));
}

/* RS256 signature of in[0..len) with key, base64url, independent of jwt.c. */
static char *
rs256(EVP_PKEY *key, const char *in, size_t len)
{
	EVP_MD_CTX	*ctx;
	unsigned char	 sig[1024];
	size_t		 siglen = sizeof(sig);

	ctx = EVP_MD_CTX_new();
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    key), 1);
	ck_assert_int_eq(EVP_DigestSign(ctx, sig, &siglen,
	    (const unsigned char *)in, len), 1);
	EVP_MD_CTX_free(ctx);
	return b64u(sig, siglen);
}

/* hseg.pseg.<RS256 of "hseg.pseg" with key>; key NULL: empty signature. */
static char *
token_segs(EVP_PKEY *key, const char *hseg, const char *pseg)
{
	char	*in;

	in = arena_printf(A, "%s.%s", hseg, pseg);
	if (key == NULL)
		return arena_printf(A, "%s.", in);
	return arena_printf(A, "%s.%s", in, rs256(key, in, strlen(in)));
}

/* A token with header hdr and payload pay (JSON texts), signed by key. */
static char *
token(EVP_PKEY *key, const char *hdr, const char *pay)
{
	return token_segs(key, b64us(hdr), b64us(pay));
}

#define HDR	"{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"" KID "\"}"

/* Claims of a good token issued at iat, expiring at exp. */
static char *
claims(long long iat, long long exp)
{
	return arena_printf(A, "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
	    "\"sub\":\"user-1\",\"iat\":%lld,\"exp\":%lld,"
	    "\"email\":\"owner@demo.example\"}", iat, exp);
}

/* Claims with one member replaced or added: member is `"name":value`. */
static char *
claims_with(const char *member)
{
	return arena_printf(A, "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
	    "\"sub\":\"user-1\",\"iat\":%lld,\"exp\":%lld,%s}",
	    NOW - 10, NOW + 3600, member);
}

static char *
good(void)
{
	return token(key1, HDR, claims(NOW - 10, NOW + 3600));
}

static enum err
verify_len(const char *tok, size_t len)
{
	struct jwt_verify_opts	 o;

	memset(&o, 0, sizeof(o));
	o.issuer = ISS;
	o.audience = AUD;
	o.now = NOW;
	o.skew = SKEW;
	o.allow_unsigned = allow_unsigned;
	return jwt_verify(tok, len, ks, &o, A, &cl, &why);
}

static enum err
verify(const char *tok)
{
	return verify_len(tok, strlen(tok));
}

/* Assert a refusal with ERR_UNAUTH and the given reason. */
#define REFUSED(tok, reason) do {					\
	ck_assert_int_eq(verify(tok), ERR_UNAUTH);			\
	ck_assert_ptr_nonnull(why);					\
	ck_assert_str_eq(why, (reason));				\
	ck_assert_ptr_null(cl.sub);					\
} while (0)

#define ACCEPTED(tok) do {						\
	ck_assert_msg(verify(tok) == ERR_OK, "refused: %s", why);	\
	ck_assert_ptr_null(why);					\
} while (0)

/* An RSA public key from base64url n and e (RFC 7518 section 6.3.1). */
static EVP_PKEY *
rsa_from_ne(const char *n64, const char *e64)
{
	struct buf	 n, e;
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params;
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;
	BIGNUM		*bn, *be;

	buf_init(&n);
	buf_init(&e);
	ck_assert_int_eq(b64url_decode(&n, n64, strlen(n64)), 0);
	ck_assert_int_eq(b64url_decode(&e, e64, strlen(e64)), 0);
	bn = BN_bin2bn((unsigned char *)n.p, (int)n.len, NULL);
	be = BN_bin2bn((unsigned char *)e.p, (int)e.len, NULL);
	ck_assert(bn != NULL && be != NULL);
	bld = OSSL_PARAM_BLD_new();
	ck_assert_ptr_nonnull(bld);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N,
	    bn), 1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E,
	    be), 1);
	params = OSSL_PARAM_BLD_to_param(bld);
	ck_assert_ptr_nonnull(params);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
	    params), 1);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	buf_cleanup(&n);
	buf_cleanup(&e);
	return pkey;
}

/* The public half of key, as a key without private parts. */
static EVP_PKEY *
public_only(EVP_PKEY *key)
{
	unsigned char		*der = NULL;
	const unsigned char	*p;
	EVP_PKEY		*pub;
	int			 len;

	len = i2d_PUBKEY(key, &der);
	ck_assert_int_gt(len, 0);
	p = der;
	pub = d2i_PUBKEY(NULL, &p, len);
	ck_assert_ptr_nonnull(pub);
	OPENSSL_free(der);
	return pub;
}

/* ---- jwt_verify: the happy path ---- */

START_TEST(valid_accepted)
{
	ACCEPTED(good());
	ck_assert_str_eq(cl.sub, "user-1");
	ck_assert_str_eq(cl.iss, ISS);
	ck_assert_str_eq(cl.aud, AUD);
	ck_assert_str_eq(cl.kid, KID);
	ck_assert_str_eq(cl.email, "owner@demo.example");
	ck_assert_ptr_null(cl.phone);
	ck_assert_int_eq(cl.iat, NOW - 10);
	ck_assert_int_eq(cl.exp, NOW + 3600);
	/* auth_time defaults to iat when absent. */
	ck_assert_int_eq(cl.auth_time, NOW - 10);
}
END_TEST

START_TEST(valid_from_signer)
{
	struct buf	 b;
	const char	*c = claims(NOW, NOW + 60);

	buf_init(&b);
	ck_assert_int_eq(jwt_sign_rs256(key1, KID, c, strlen(c), &b), 0);
	ACCEPTED(buf_cstr(&b));
	ck_assert_str_eq(cl.sub, "user-1");
	buf_cleanup(&b);
}
END_TEST

START_TEST(valid_firebase_claims)
{
	ACCEPTED(token(key1, HDR, claims_with("\"auth_time\":1699999000,"
	    "\"phone_number\":\"+15550000001\",\"user_id\":\"user-1\","
	    "\"firebase\":{\"identities\":{},"
	    "\"sign_in_provider\":\"phone\"}")));
	ck_assert_int_eq(cl.auth_time, 1699999000);
	ck_assert_str_eq(cl.phone, "+15550000001");
	ck_assert_ptr_null(cl.email);
}
END_TEST

START_TEST(valid_without_typ)
{
	ACCEPTED(token(key1, "{\"alg\":\"RS256\",\"kid\":\"" KID "\"}",
	    claims(NOW, NOW + 60)));
}
END_TEST

START_TEST(valid_fractional_times)
{
	/* NumericDate may be a non-integer (RFC 7519 section 2). */
	ACCEPTED(token(key1, HDR, "{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
	    "\"sub\":\"u\",\"iat\":1699999990.5,\"exp\":1700003600.25}"));
	ck_assert_int_eq(cl.iat, 1699999990);
	ck_assert_int_eq(cl.exp, 1700003600);
}
END_TEST

/* ---- jwt_verify: algorithm and header attacks ---- */

START_TEST(alg_none_refused)
{
	REFUSED(token(NULL, "{\"alg\":\"none\",\"typ\":\"JWT\"}",
	    claims(NOW, NOW + 60)), "unsigned token");
}
END_TEST

START_TEST(alg_none_with_kid_refused)
{
	/* A known kid does not make an unsigned token acceptable. */
	REFUSED(token(NULL, "{\"alg\":\"none\",\"kid\":\"" KID "\"}",
	    claims(NOW, NOW + 60)), "unsigned token");
}
END_TEST

START_TEST(alg_none_allowed_for_emulator)
{
	allow_unsigned = 1;
	ACCEPTED(token(NULL, "{\"alg\":\"none\",\"typ\":\"JWT\"}",
	    claims(NOW, NOW + 60)));
	ck_assert_str_eq(cl.sub, "user-1");
	ck_assert_ptr_null(cl.kid);
}
END_TEST

START_TEST(alg_none_with_signature_refused)
{
	const char	*in;

	allow_unsigned = 1;
	in = arena_printf(A, "%s.%s", b64us("{\"alg\":\"none\"}"),
	    b64us(claims(NOW, NOW + 60)));
	REFUSED(arena_printf(A, "%s.%s", in, rs256(key1, in, strlen(in))),
	    "unsigned token with a signature");
}
END_TEST

START_TEST(alg_none_still_checks_claims)
{
	allow_unsigned = 1;
	REFUSED(token(NULL, "{\"alg\":\"none\"}", claims_with(
	    "\"aud\":\"other-project\"")), "wrong aud");
}
END_TEST

START_TEST(allow_unsigned_keeps_rs256_checked)
{
	allow_unsigned = 1;
	REFUSED(token(key_other, HDR, claims(NOW, NOW + 60)),
	    "bad signature");
}
END_TEST

/* The classic confusion: HS256 keyed with the RSA public key's bytes. */
static char *
hs256_token(const void *secret, size_t secretlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	const char	*in;

	in = arena_printf(A, "%s.%s",
	    b64us("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"" KID "\"}"),
	    b64us(claims(NOW, NOW + 60)));
	ck_assert_ptr_nonnull(HMAC(EVP_sha256(), secret, (int)secretlen,
	    (const unsigned char *)in, strlen(in), md, &mdlen));
	return arena_printf(A, "%s.%s", in, b64u(md, mdlen));
}

START_TEST(alg_hs256_public_der_refused)
{
	unsigned char	*der = NULL;
	int		 len;

	len = i2d_PUBKEY(key1, &der);
	ck_assert_int_gt(len, 0);
	REFUSED(hs256_token(der, (size_t)len), "alg is not RS256");
	OPENSSL_free(der);
}
END_TEST

START_TEST(alg_hs256_public_pem_refused)
{
	BIO	*bio;
	char	*pem;
	long	 len;

	bio = BIO_new(BIO_s_mem());
	ck_assert_ptr_nonnull(bio);
	ck_assert_int_eq(PEM_write_bio_PUBKEY(bio, key1), 1);
	len = BIO_get_mem_data(bio, &pem);
	ck_assert_int_gt(len, 0);
	REFUSED(hs256_token(pem, (size_t)len), "alg is not RS256");
	BIO_free(bio);
}
END_TEST

static const char *const bad_algs[] = {
	"{\"alg\":\"rs256\",\"kid\":\"" KID "\"}",
	"{\"alg\":\"RS256 \",\"kid\":\"" KID "\"}",
	"{\"alg\":\"RS512\",\"kid\":\"" KID "\"}",
	"{\"alg\":\"PS256\",\"kid\":\"" KID "\"}",
	"{\"alg\":\"ES256\",\"kid\":\"" KID "\"}",
	"{\"alg\":\"NONE\",\"kid\":\"" KID "\"}",
	"{\"alg\":\"RS256\\u0000\",\"kid\":\"" KID "\"}",
	"{\"alg\":[\"RS256\"],\"kid\":\"" KID "\"}",
	"{\"alg\":null,\"kid\":\"" KID "\"}",
	"{\"kid\":\"" KID "\"}",
};

START_TEST(alg_other_refused)
{
	/* Properly RS256-signed, but the header names another alg. */
	ck_assert_int_eq(verify(token(key1, bad_algs[_i],
	    claims(NOW, NOW + 60))), ERR_UNAUTH);
	ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(typ_other_refused)
{
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"typ\":\"at+jwt\","
	    "\"kid\":\"" KID "\"}", claims(NOW, NOW + 60)), "typ is not JWT");
}
END_TEST

START_TEST(crit_refused)
{
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"kid\":\"" KID "\","
	    "\"crit\":[\"exp\"]}", claims(NOW, NOW + 60)),
	    "crit header not supported");
}
END_TEST

START_TEST(kid_unknown_refused)
{
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"kid\":\"nope\"}",
	    claims(NOW, NOW + 60)), "unknown kid");
}
END_TEST

START_TEST(kid_missing_refused)
{
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
	    claims(NOW, NOW + 60)), "missing kid");
}
END_TEST

START_TEST(kid_malformed_refused)
{
	char	 hdr[300], kid[130];

	REFUSED(token(key1, "{\"alg\":\"RS256\",\"kid\":\"\"}",
	    claims(NOW, NOW + 60)), "bad kid");
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"kid\":1}",
	    claims(NOW, NOW + 60)), "bad kid");
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"kid\":\"k1\\u0000x\"}",
	    claims(NOW, NOW + 60)), "bad kid");
	memset(kid, 'k', 129);
	kid[129] = '\0';
	ck_assert_int_lt(snprintf(hdr, sizeof(hdr),
	    "{\"alg\":\"RS256\",\"kid\":\"%s\"}", kid), (int)sizeof(hdr));
	REFUSED(token(key1, hdr, claims(NOW, NOW + 60)), "bad kid");
}
END_TEST

START_TEST(key_too_small_refused)
{
	REFUSED(token(key_small, "{\"alg\":\"RS256\",\"kid\":\"small\"}",
	    claims(NOW, NOW + 60)), "key too small");
}
END_TEST

/* ---- jwt_verify: signature ---- */

START_TEST(wrong_key_same_kid_refused)
{
	REFUSED(token(key_other, HDR, claims(NOW, NOW + 60)),
	    "bad signature");
}
END_TEST

START_TEST(tampered_payload_refused)
{
	char	*t = good(), *sig = strrchr(t, '.') + 1;
	char	*pay;

	/* The same header and signature over a payload naming "admin". */
	pay = b64us("{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\","
	    "\"sub\":\"admin\",\"iat\":1699999990,\"exp\":1700003600}");
	REFUSED(arena_printf(A, "%s.%s.%s", b64us(HDR), pay, sig),
	    "bad signature");
}
END_TEST

START_TEST(tampered_header_refused)
{
	char	*t = good(), *rest = strchr(t, '.');

	REFUSED(arena_printf(A, "%s%s", b64us("{\"alg\":\"RS256\","
	    "\"typ\":\"JWT\",\"kid\":\"" KID "\",\"x\":1}"), rest),
	    "bad signature");
}
END_TEST

START_TEST(tampered_signature_refused)
{
	char	*t = good(), *sig = strrchr(t, '.') + 1;
	size_t	 mid = strlen(sig) / 2;

	sig[mid] = sig[mid] == 'A' ? 'B' : 'A';
	REFUSED(t, "bad signature");
}
END_TEST

START_TEST(truncated_signature_refused)
{
	char	*t = good();

	/* 342 characters are 256 bytes; the first 340 are 255 bytes and
	 * still valid base64url. */
	t[strlen(t) - 2] = '\0';
	REFUSED(t, "bad signature");
}
END_TEST

START_TEST(empty_signature_refused)
{
	REFUSED(token(NULL, HDR, claims(NOW, NOW + 60)), "missing signature");
}
END_TEST

START_TEST(signature_of_other_token_refused)
{
	char	*a = good(), *b;

	/* Graft a valid signature of another payload. */
	b = token(key1, HDR, claims(NOW - 5, NOW + 7200));
	REFUSED(arena_printf(A, "%.*s%s", (int)(strrchr(a, '.') - a), a,
	    strrchr(b, '.')), "bad signature");
}
END_TEST

/* ---- jwt_verify: time claims ---- */

START_TEST(expired_refused)
{
	ck_assert_int_eq(verify(token(key1, HDR,
	    claims(NOW - 7200, NOW - SKEW - 1))), ERR_TOKEN_EXPIRED);
	ck_assert_str_eq(why, "token expired");
	ck_assert_ptr_null(cl.sub);
}
END_TEST

START_TEST(expired_at_skew_edge_refused)
{
	/* exp must be after now - skew: equal is expired. */
	ck_assert_int_eq(verify(token(key1, HDR,
	    claims(NOW - 7200, NOW - SKEW))), ERR_TOKEN_EXPIRED);
}
END_TEST

START_TEST(expired_within_skew_accepted)
{
	ACCEPTED(token(key1, HDR, claims(NOW - 3600, NOW - SKEW + 1)));
}
END_TEST

START_TEST(expired_but_forged_is_not_expired)
{
	/* An expired token with a bad signature is refused as forged. */
	REFUSED(token(key_other, HDR, claims(NOW - 7200, NOW - 3600)),
	    "bad signature");
}
END_TEST

START_TEST(iat_future_refused)
{
	REFUSED(token(key1, HDR, claims(NOW + SKEW + 1, NOW + 3600)),
	    "iat in the future");
}
END_TEST

START_TEST(iat_within_skew_accepted)
{
	ACCEPTED(token(key1, HDR, claims(NOW + SKEW, NOW + 3600)));
}
END_TEST

START_TEST(auth_time_future_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"auth_time\":1700000100")),
	    "auth_time in the future");
}
END_TEST

START_TEST(exp_not_after_iat_refused)
{
	REFUSED(token(key1, HDR, claims(NOW, NOW)), "exp not after iat");
	REFUSED(token(key1, HDR, claims(NOW, NOW - 1)), "exp not after iat");
}
END_TEST

static const char *const bad_times[] = {
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"exp\":1700003600}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":\"1699999990\",\"exp\":1700003600}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":\"1700003600\"}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":null,\"exp\":1700003600}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":-1,\"exp\":1700003600}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":99999999999999999999999999999}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":1e300}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":9223372036854775807}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":1700003600,\"auth_time\":true}",
	"{\"iss\":\"" ISS "\",\"aud\":\"" AUD "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":[1700003600]}",
};

START_TEST(bad_time_claims_refused)
{
	ck_assert_int_eq(verify(token(key1, HDR, bad_times[_i])),
	    ERR_UNAUTH);
	ck_assert_ptr_nonnull(why);
}
END_TEST

/* ---- jwt_verify: aud, iss, sub ---- */

START_TEST(aud_wrong_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"aud\":\"krow-test2\"")),
	    "wrong aud");
	REFUSED(token(key1, HDR, claims_with("\"aud\":\"krow-tes\"")),
	    "wrong aud");
}
END_TEST

START_TEST(aud_array_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"aud\":[\"" AUD "\"]")),
	    "aud is not a string");
}
END_TEST

START_TEST(aud_missing_refused)
{
	REFUSED(token(key1, HDR, "{\"iss\":\"" ISS "\",\"sub\":\"u\","
	    "\"iat\":1699999990,\"exp\":1700003600}"), "missing aud");
}
END_TEST

START_TEST(aud_with_nul_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"aud\":\"" AUD "\\u0000x\"")),
	    "wrong aud");
}
END_TEST

START_TEST(iss_wrong_refused)
{
	REFUSED(token(key1, HDR, claims_with(
	    "\"iss\":\"https://securetoken.google.com/other\"")), "wrong iss");
	REFUSED(token(key1, HDR, claims_with("\"iss\":1")), "missing iss");
}
END_TEST

START_TEST(sub_empty_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"sub\":\"\"")), "missing sub");
}
END_TEST

START_TEST(sub_not_string_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"sub\":42")), "missing sub");
}
END_TEST

/* Claims with sub made of n copies of unit. */
static char *
claims_sub(const char *unit, size_t n)
{
	struct buf	 b;
	char		*r;
	size_t		 i;

	buf_init(&b);
	buf_puts(&b, "\"sub\":\"");
	for (i = 0; i < n; i++)
		buf_puts(&b, unit);
	buf_putc(&b, '"');
	r = claims_with(buf_cstr(&b));
	buf_cleanup(&b);
	return r;
}

START_TEST(sub_128_accepted)
{
	ACCEPTED(token(key1, HDR, claims_sub("a", 128)));
	ck_assert_uint_eq(strlen(cl.sub), 128);
}
END_TEST

START_TEST(sub_129_refused)
{
	REFUSED(token(key1, HDR, claims_sub("a", 129)), "bad sub");
}
END_TEST

START_TEST(sub_counts_utf16_units)
{
	/* U+1F600 is two UTF-16 units, as JavaScript's length counts. */
	ACCEPTED(token(key1, HDR, claims_sub("\xf0\x9f\x98\x80", 64)));
	REFUSED(token(key1, HDR, claims_sub("\xf0\x9f\x98\x80", 65)),
	    "bad sub");
	/* U+00E9 is one unit (two bytes). */
	ACCEPTED(token(key1, HDR, claims_sub("\xc3\xa9", 128)));
}
END_TEST

START_TEST(sub_with_nul_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"sub\":\"admin\\u0000x\"")),
	    "bad sub");
}
END_TEST

/* ---- jwt_verify: framing and encoding ---- */

START_TEST(two_segments_refused)
{
	char	*t = good();

	*strrchr(t, '.') = '\0';
	REFUSED(t, "not three segments");
}
END_TEST

START_TEST(four_segments_refused)
{
	REFUSED(arena_printf(A, "%s.", good()), "not three segments");
	REFUSED(arena_printf(A, "%s.AAAA", good()), "not three segments");
}
END_TEST

START_TEST(empty_and_dots_refused)
{
	REFUSED("", "not three segments");
	REFUSED("..", "header is not base64url");
	REFUSED("abc", "not three segments");
}
END_TEST

START_TEST(padding_refused)
{
	char	*h = b64us(HDR), *p = b64us(claims(NOW, NOW + 60));
	char	*hp, *pp;

	/* Each signed correctly over its padded form: only padding is
	 * wrong. */
	hp = arena_printf(A, "%s%s", h, (strlen(h) % 4) == 2 ? "==" : "=");
	REFUSED(token_segs(key1, hp, p), "header is not base64url");
	pp = arena_printf(A, "%s%s", p, (strlen(p) % 4) == 2 ? "==" : "=");
	REFUSED(token_segs(key1, h, pp), "payload is not base64url");
	REFUSED(arena_printf(A, "%s=", good()), "signature is not base64url");
}
END_TEST

START_TEST(standard_alphabet_refused)
{
	/* "~~~" encodes to "fn5+" in standard base64: a '+' in payload. */
	const char	*c = claims_with("\"x\":\"~~~~~~\"");
	struct buf	 std;
	char		*s;

	buf_init(&std);
	b64_encode(&std, c, strlen(c));
	while (std.len > 0 && std.p[std.len - 1] == '=')
		std.p[--std.len] = '\0';
	s = arena_strdup(A, buf_cstr(&std));
	ck_assert(strchr(s, '+') != NULL || strchr(s, '/') != NULL);
	REFUSED(token_segs(key1, b64us(HDR), s), "payload is not base64url");
	buf_cleanup(&std);
}
END_TEST

START_TEST(standard_alphabet_signature_refused)
{
	char	*t = good(), *sig = strrchr(t, '.') + 1, *p;

	/* The same signature bytes with '-' and '_' as '+' and '/'. */
	for (p = sig; *p != '\0'; p++)
		if (*p == '-')
			*p = '+';
		else if (*p == '_')
			*p = '/';
	if (strpbrk(sig, "+/") == NULL)
		return;		/* no such character in this signature */
	REFUSED(t, "signature is not base64url");
}
END_TEST

START_TEST(whitespace_refused)
{
	char	*t = good();

	REFUSED(arena_printf(A, " %s", t), "header is not base64url");
	REFUSED(arena_printf(A, "%s\n", t), "signature is not base64url");
}
END_TEST

START_TEST(nul_byte_refused)
{
	char	*t = good();
	size_t	 len = strlen(t);

	t[3] = '\0';
	ck_assert_int_eq(verify_len(t, len), ERR_UNAUTH);
	ck_assert_str_eq(why, "header is not base64url");
}
END_TEST

START_TEST(oversized_refused)
{
	size_t	 n = 100 * 1024;
	char	*pad, *t;

	pad = arena_alloc(A, n + 1);
	memset(pad, 'x', n);
	pad[n] = '\0';
	t = token(key1, HDR, claims_with(arena_printf(A, "\"pad\":\"%s\"",
	    pad)));
	REFUSED(t, "token too long");
}
END_TEST

START_TEST(size_limit_edge)
{
	size_t	 n;
	char	*pad, *t;
	int	 seen_ok = 0;

	/* The longest token of at most 16384 bytes passes, one longer does
	 * not. */
	pad = arena_alloc(A, 16384);
	for (n = 11500; n < 12500; n++) {
		memset(pad, 'x', n);
		pad[n] = '\0';
		t = token(key1, HDR, claims_with(arena_printf(A,
		    "\"pad\":\"%s\"", pad)));
		if (strlen(t) <= 16384) {
			ck_assert_msg(verify(t) == ERR_OK, "%zu: %s",
			    strlen(t), why);
			seen_ok = 1;
		} else {
			ck_assert(seen_ok);
			REFUSED(t, "token too long");
			return;
		}
	}
	ck_abort_msg("no token crossed the limit");
}
END_TEST

START_TEST(payload_not_json_refused)
{
	REFUSED(token(key1, HDR, "not json"), "payload is not a JSON object");
	REFUSED(token(key1, HDR, "[1,2]"), "payload is not a JSON object");
	REFUSED(token(key1, HDR, "\"sub\""), "payload is not a JSON object");
	REFUSED(token(key1, HDR, "{\"sub\":\"u\""),
	    "payload is not a JSON object");
}
END_TEST

START_TEST(payload_trailing_data_refused)
{
	REFUSED(token(key1, HDR, arena_printf(A, "%s{}",
	    claims(NOW, NOW + 60))), "payload is not a JSON object");
}
END_TEST

START_TEST(payload_not_utf8_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"name\":\"\xff\xfe\"")),
	    "payload is not a JSON object");
	REFUSED(token(key1, HDR, claims_with("\"name\":\"\xc0\xaf\"")),
	    "payload is not a JSON object");
}
END_TEST

START_TEST(payload_deep_nesting_refused)
{
	REFUSED(token(key1, HDR, claims_with("\"x\":[[[[[[[[[[[[[[[[[[[[[["
	    "]]]]]]]]]]]]]]]]]]]]]]")), "payload is not a JSON object");
}
END_TEST

START_TEST(header_not_object_refused)
{
	REFUSED(token(key1, "[\"RS256\"]", claims(NOW, NOW + 60)),
	    "header is not a JSON object");
	REFUSED(token(key1, "\"RS256\"", claims(NOW, NOW + 60)),
	    "header is not a JSON object");
	REFUSED(token(key1, "{\"alg\":\"RS256\",\"kid\":\"k1\"}{}",
	    claims(NOW, NOW + 60)), "header is not a JSON object");
	REFUSED(token(key1, "{'alg':'RS256','kid':'k1'}",
	    claims(NOW, NOW + 60)), "header is not a JSON object");
}
END_TEST

/* ---- jwt_sign_rs256 ---- */

START_TEST(sign_header_exact)
{
	struct buf	 b, h;
	const char	*c = claims(NOW, NOW + 60);

	buf_init(&b);
	buf_init(&h);
	ck_assert_int_eq(jwt_sign_rs256(key1, KID, c, strlen(c), &b), 0);
	ck_assert_int_eq(b64url_decode(&h, b.p, (size_t)(strchr(b.p, '.') -
	    b.p)), 0);
	ck_assert_str_eq(buf_cstr(&h),
	    "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
	buf_cleanup(&h);
	buf_cleanup(&b);
}
END_TEST

START_TEST(sign_checks_with_openssl)
{
	struct buf	 b, sig;
	const char	*c = claims(NOW, NOW + 60);
	EVP_MD_CTX	*ctx;
	char		*dot;

	buf_init(&b);
	buf_init(&sig);
	ck_assert_int_eq(jwt_sign_rs256(key1, KID, c, strlen(c), &b), 0);
	dot = strrchr(b.p, '.');
	ck_assert_int_eq(b64url_decode(&sig, dot + 1, strlen(dot + 1)), 0);
	ck_assert_uint_eq(sig.len, 256);
	ctx = EVP_MD_CTX_new();
	ck_assert_int_eq(EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL,
	    key1), 1);
	ck_assert_int_eq(EVP_DigestVerify(ctx, (unsigned char *)sig.p,
	    sig.len, (unsigned char *)b.p, (size_t)(dot - b.p)), 1);
	EVP_MD_CTX_free(ctx);
	buf_cleanup(&sig);
	buf_cleanup(&b);
}
END_TEST

START_TEST(sign_kid_escaped)
{
	struct buf	 b;
	struct jwt_keyset *k2 = jwt_keyset_new();
	const char	*c = claims(NOW, NOW + 60);

	/* A kid with a quote stays one JSON string in the header. */
	buf_init(&b);
	ck_assert_int_eq(jwt_keyset_add(k2, "a\"b", key1), 0);
	ck_assert_int_eq(jwt_sign_rs256(key1, "a\"b", c, strlen(c), &b), 0);
	{
		struct jwt_verify_opts o = { ISS, AUD, NOW, SKEW, 0 };

		ck_assert_int_eq(jwt_verify(b.p, b.len, k2, &o, A, &cl, &why),
		    ERR_OK);
		ck_assert_str_eq(cl.kid, "a\"b");
	}
	jwt_keyset_free(k2);
	buf_cleanup(&b);
}
END_TEST

START_TEST(sign_public_key_fails)
{
	struct buf	 b;
	EVP_PKEY	*pub = public_only(key1);

	buf_init(&b);
	buf_puts(&b, "keep");
	ck_assert_int_eq(jwt_sign_rs256(pub, KID, "{}", 2, &b), -1);
	ck_assert_str_eq(buf_cstr(&b), "keep");
	EVP_PKEY_free(pub);
	buf_cleanup(&b);
}
END_TEST

START_TEST(sign_bad_kid_fails)
{
	struct buf	 b;
	char		 kid[130];

	buf_init(&b);
	memset(kid, 'k', 129);
	kid[129] = '\0';
	ck_assert_int_eq(jwt_sign_rs256(key1, kid, "{}", 2, &b), -1);
	ck_assert_int_eq(jwt_sign_rs256(key1, "", "{}", 2, &b), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_cleanup(&b);
}
END_TEST

/* ---- jwt_keyset_* ---- */

START_TEST(keyset_refuses_non_rsa)
{
	struct jwt_keyset	*k = jwt_keyset_new();
	EVP_PKEY		*ec = EVP_EC_gen("P-256");

	ck_assert_ptr_nonnull(ec);
	ck_assert_int_eq(jwt_keyset_add(k, "ec", ec), -1);
	ck_assert_ptr_null(jwt_keyset_find(k, "ec"));
	EVP_PKEY_free(ec);
	jwt_keyset_free(k);
}
END_TEST

START_TEST(keyset_kid_bounds)
{
	struct jwt_keyset	*k = jwt_keyset_new();
	char			 kid[130];

	memset(kid, 'k', 129);
	kid[129] = '\0';
	ck_assert_int_eq(jwt_keyset_add(k, kid, key1), -1);
	kid[128] = '\0';
	ck_assert_int_eq(jwt_keyset_add(k, kid, key1), 0);
	ck_assert_ptr_eq(jwt_keyset_find(k, kid), key1);
	ck_assert_int_eq(jwt_keyset_add(k, "", key1), -1);
	jwt_keyset_free(k);
}
END_TEST

START_TEST(keyset_duplicate_kid_refused)
{
	struct jwt_keyset	*k = jwt_keyset_new();

	ck_assert_int_eq(jwt_keyset_add(k, "a", key1), 0);
	ck_assert_int_eq(jwt_keyset_add(k, "a", key_other), -1);
	ck_assert_ptr_eq(jwt_keyset_find(k, "a"), key1);
	jwt_keyset_free(k);
}
END_TEST

START_TEST(keyset_full)
{
	struct jwt_keyset	*k = jwt_keyset_new();
	char			 kid[16];
	int			 i;

	for (i = 0; i < 32; i++) {
		ck_assert_int_lt(snprintf(kid, sizeof(kid), "k%d", i),
		    (int)sizeof(kid));
		ck_assert_int_eq(jwt_keyset_add(k, kid, key1), 0);
	}
	ck_assert_int_eq(jwt_keyset_add(k, "k32", key1), -1);
	ck_assert_ptr_eq(jwt_keyset_find(k, "k31"), key1);
	jwt_keyset_free(k);
}
END_TEST

START_TEST(keyset_holds_reference)
{
	struct jwt_keyset	*k = jwt_keyset_new();
	struct jwt_verify_opts	 o = { ISS, AUD, NOW, SKEW, 0 };
	EVP_PKEY		*pub = public_only(key1);
	char			*t = good();

	/* The caller drops its reference; the set still verifies. */
	ck_assert_int_eq(jwt_keyset_add(k, KID, pub), 0);
	EVP_PKEY_free(pub);
	ck_assert_int_eq(jwt_verify(t, strlen(t), k, &o, A, &cl, &why),
	    ERR_OK);
	jwt_keyset_free(k);
	jwt_keyset_free(NULL);
}
END_TEST

START_TEST(keyset_find_unknown)
{
	ck_assert_ptr_eq(jwt_keyset_find(ks, KID), key1);
	ck_assert_ptr_null(jwt_keyset_find(ks, "k"));
	ck_assert_ptr_null(jwt_keyset_find(ks, "k1 "));
	ck_assert_ptr_null(jwt_keyset_find(ks, NULL));
}
END_TEST

START_TEST(jwks_matches_keys)
{
	struct buf		 b, n;
	struct json_object	*doc, *keys, *k, *v;
	BIGNUM			*bn = NULL;
	unsigned char		 mod[256];

	buf_init(&b);
	buf_init(&n);
	ck_assert_int_eq(jwt_keyset_jwks(ks, &b), 0);
	doc = json_tokener_parse(buf_cstr(&b));
	ck_assert_ptr_nonnull(doc);
	ck_assert(json_object_object_get_ex(doc, "keys", &keys));
	ck_assert_uint_eq(json_object_array_length(keys), 2);
	k = json_object_array_get_idx(keys, 0);
#define MEMBER(name, want) do {						\
	ck_assert(json_object_object_get_ex(k, name, &v));		\
	ck_assert_str_eq(json_object_get_string(v), want);		\
} while (0)
	MEMBER("kty", "RSA");
	MEMBER("alg", "RS256");
	MEMBER("use", "sig");
	MEMBER("kid", KID);
	MEMBER("e", "AQAB");
#undef MEMBER
	/* n is the modulus, big-endian, no leading zero. */
	ck_assert(json_object_object_get_ex(k, "n", &v));
	ck_assert_int_eq(b64url_decode(&n, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v)), 0);
	ck_assert_int_eq(EVP_PKEY_get_bn_param(key1, OSSL_PKEY_PARAM_RSA_N,
	    &bn), 1);
	ck_assert_int_eq(BN_bn2bin(bn, mod), 256);
	ck_assert_uint_eq(n.len, 256);
	ck_assert_int_eq(memcmp(n.p, mod, 256), 0);
	/* No private member leaks into the document. */
	ck_assert(!json_object_object_get_ex(k, "d", NULL));
	ck_assert(!json_object_object_get_ex(k, "p", NULL));
	BN_free(bn);
	json_object_put(doc);
	buf_cleanup(&n);
	buf_cleanup(&b);
}
END_TEST

START_TEST(jwks_empty_set)
{
	struct jwt_keyset	*k = jwt_keyset_new();
	struct buf		 b;

	buf_init(&b);
	ck_assert_int_eq(jwt_keyset_jwks(k, &b), 0);
	ck_assert_str_eq(buf_cstr(&b), "{\"keys\":[]}");
	buf_cleanup(&b);
	jwt_keyset_free(k);
}
END_TEST

/* ---- jwt_thumbprint ---- */

START_TEST(thumbprint_rfc7638)
{
	EVP_PKEY	*k = rsa_from_ne(RFC7638_N, "AQAB");
	char		 tp[64];

	ck_assert_int_eq(jwt_thumbprint(k, tp, sizeof(tp)), 0);
	ck_assert_str_eq(tp, RFC7638_TP);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(thumbprint_buffer_size)
{
	EVP_PKEY	*k = rsa_from_ne(RFC7638_N, "AQAB");
	char		 tp[44];

	ck_assert_int_eq(jwt_thumbprint(k, tp, 43), -1);
	ck_assert_int_eq(jwt_thumbprint(k, tp, 44), 0);
	ck_assert_str_eq(tp, RFC7638_TP);
	EVP_PKEY_free(k);
}
END_TEST

START_TEST(thumbprint_private_equals_public)
{
	EVP_PKEY	*pub = public_only(key1);
	char		 a[64], b[64], c[64];

	ck_assert_int_eq(jwt_thumbprint(key1, a, sizeof(a)), 0);
	ck_assert_int_eq(jwt_thumbprint(pub, b, sizeof(b)), 0);
	ck_assert_int_eq(jwt_thumbprint(key_other, c, sizeof(c)), 0);
	ck_assert_str_eq(a, b);
	ck_assert_str_ne(a, c);
	EVP_PKEY_free(pub);
}
END_TEST

START_TEST(thumbprint_non_rsa)
{
	EVP_PKEY	*ec = EVP_EC_gen("P-256");
	char		 tp[64];

	ck_assert_int_eq(jwt_thumbprint(ec, tp, sizeof(tp)), -1);
	EVP_PKEY_free(ec);
}
END_TEST

/* ---- jwt_load_private_pem ---- */

static char	 pempath[64];

/* Write with fn into a fresh temporary file; its path is pempath. */
static void
write_pem(int (*fn)(BIO *, void *), void *arg)
{
	BIO	*bio;
	int	 fd;

	ck_assert_int_lt(snprintf(pempath, sizeof(pempath),
	    "/tmp/check_jwt.XXXXXX"), (int)sizeof(pempath));
	fd = mkstemp(pempath);
	ck_assert_int_ge(fd, 0);
	close(fd);
	bio = BIO_new_file(pempath, "w");
	ck_assert_ptr_nonnull(bio);
	ck_assert_int_eq(fn(bio, arg), 1);
	BIO_free(bio);
}

static int
w_pkcs8(BIO *b, void *k)
{
	return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
}

static int
w_trad(BIO *b, void *k)
{
	return PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0,
	    NULL, NULL);
}

static int
w_encrypted(BIO *b, void *k)
{
	return PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(),
	    "secret", 6, NULL, NULL);
}

static int
w_pub(BIO *b, void *k)
{
	return PEM_write_bio_PUBKEY(b, k);
}

static int
w_garbage(BIO *b, void *k)
{
	return BIO_puts(b, "-----BEGIN PRIVATE KEY-----\nnot base64\n"
	    "-----END PRIVATE KEY-----\n") > 0;
}

static void
pem_teardown(void)
{
	if (pempath[0] != '\0')
		unlink(pempath);
	pempath[0] = '\0';
	teardown();
}

static void
assert_loads_key1(void)
{
	EVP_PKEY	*k;
	char		 a[64], b[64];

	k = jwt_load_private_pem(pempath);
	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(jwt_thumbprint(k, a, sizeof(a)), 0);
	ck_assert_int_eq(jwt_thumbprint(key1, b, sizeof(b)), 0);
	ck_assert_str_eq(a, b);
	EVP_PKEY_free(k);
}

START_TEST(pem_pkcs8)
{
	write_pem(w_pkcs8, key1);
	assert_loads_key1();
}
END_TEST

START_TEST(pem_traditional)
{
	write_pem(w_trad, key1);
	assert_loads_key1();
}
END_TEST

START_TEST(pem_missing)
{
	ck_assert_ptr_null(jwt_load_private_pem("/nonexistent/krow.pem"));
	ck_assert_ptr_null(jwt_load_private_pem(""));
	ck_assert_ptr_null(jwt_load_private_pem(NULL));
}
END_TEST

START_TEST(pem_encrypted_refused)
{
	/* Refused at once: a worker must never wait for a passphrase. */
	write_pem(w_encrypted, key1);
	ck_assert_ptr_null(jwt_load_private_pem(pempath));
}
END_TEST

START_TEST(pem_public_refused)
{
	write_pem(w_pub, key1);
	ck_assert_ptr_null(jwt_load_private_pem(pempath));
}
END_TEST

START_TEST(pem_garbage_refused)
{
	write_pem(w_garbage, NULL);
	ck_assert_ptr_null(jwt_load_private_pem(pempath));
}
END_TEST

START_TEST(pem_ec_refused)
{
	EVP_PKEY	*ec = EVP_EC_gen("P-256");

	write_pem(w_pkcs8, ec);
	ck_assert_ptr_null(jwt_load_private_pem(pempath));
	EVP_PKEY_free(ec);
}
END_TEST

START_TEST(pem_small_refused)
{
	write_pem(w_pkcs8, key_small);
	ck_assert_ptr_null(jwt_load_private_pem(pempath));
}
END_TEST

/* ---- published vectors (RFC 7515 appendix A, RFC 7520 section 4) ---- */

static const char *
jose_dir(void)
{
	const char	*d = getenv("KROW_JOSE_TESTDATA");

	return d != NULL && d[0] != '\0' ? d :
	    "/work/shared/testdata/jose";
}

/* The JSON file rel under the vector folder, or NULL (with a message). */
static struct json_object *
jose_file(const char *rel)
{
	char			 path[512];
	struct json_object	*o;

	ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", jose_dir(),
	    rel), (int)sizeof(path));
	if (access(path, R_OK) == -1) {
		fprintf(stderr, "check_jwt: %s absent, vector test skipped\n",
		    path);
		return NULL;
	}
	o = json_object_from_file(path);
	ck_assert_msg(o != NULL, "cannot parse %s", path);
	return o;
}

/* The string at a path of object members (NULL-terminated list). */
static const char *
jget(struct json_object *o, ...)
{
	va_list		 ap;
	const char	*k;

	va_start(ap, o);
	while ((k = va_arg(ap, const char *)) != NULL)
		ck_assert_msg(json_object_object_get_ex(o, k, &o),
		    "no member %s", k);
	va_end(ap);
	ck_assert(json_object_is_type(o, json_type_string));
	return json_object_get_string(o);
}

START_TEST(rfc7520_rs256_signature)
{
	struct json_object	*v;
	struct jwt_keyset	*k;
	struct jwt_verify_opts	 o = { ISS, AUD, NOW, SKEW, 0 };
	EVP_PKEY		*pub;
	const char		*kid;
	char			*t;
	size_t			 mid;

	if ((v = jose_file("rfc7520_cookbook/jws/4_1.rsa_v15_signature.json"))
	    == NULL)
		return;
	kid = jget(v, "input", "key", "kid", NULL);
	pub = rsa_from_ne(jget(v, "input", "key", "n", NULL),
	    jget(v, "input", "key", "e", NULL));
	k = jwt_keyset_new();
	ck_assert_int_eq(jwt_keyset_add(k, kid, pub), 0);
	t = arena_strdup(A, jget(v, "output", "compact", NULL));

	/*
	 * The payload is prose, not claims: a verifier that checked the
	 * signature and then refused the payload proves the signature
	 * passed.
	 */
	ck_assert_int_eq(jwt_verify(t, strlen(t), k, &o, A, &cl, &why),
	    ERR_UNAUTH);
	ck_assert_str_eq(why, "payload is not a JSON object");
	mid = strlen(t) - 100;
	t[mid] = t[mid] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(jwt_verify(t, strlen(t), k, &o, A, &cl, &why),
	    ERR_UNAUTH);
	ck_assert_str_eq(why, "bad signature");
	jwt_keyset_free(k);
	EVP_PKEY_free(pub);
	json_object_put(v);
}
END_TEST

START_TEST(rfc7515_vectors_refused)
{
	struct json_object	*v;
	struct jwt_keyset	*k;
	EVP_PKEY		*pub;

	if ((v = jose_file("rfc7515_appendixA.json")) == NULL)
		return;
	pub = rsa_from_ne(jget(v, "A.2_RS256", "jwk_public", "n", NULL),
	    jget(v, "A.2_RS256", "jwk_public", "e", NULL));
	k = jwt_keyset_new();
	ck_assert_int_eq(jwt_keyset_add(k, "a2", pub), 0);
	/* A.2 is validly signed but names no kid: Firebase refuses it. */
	REFUSED(jget(v, "A.2_RS256", "compact", NULL), "missing kid");
	REFUSED(jget(v, "A.1_HS256", "compact", NULL), "alg is not RS256");
	REFUSED(jget(v, "A.5_unsecured_none", "compact", NULL),
	    "unsigned token");
	/* Even allowed, A.5 lacks the claims of an ID token. */
	allow_unsigned = 1;
	REFUSED(jget(v, "A.5_unsecured_none", "compact", NULL),
	    "missing aud");
	jwt_keyset_free(k);
	EVP_PKEY_free(pub);
	json_object_put(v);
}
END_TEST

START_TEST(rfc7515_a2_thumbprint_stable)
{
	struct json_object	*v;
	EVP_PKEY		*pub;
	char			 a[64], b[64];

	/* The SPKI PEM and the JWK n/e of A.2 name the same key. */
	if ((v = jose_file("rfc7515_appendixA.json")) == NULL)
		return;
	pub = rsa_from_ne(jget(v, "A.2_RS256", "jwk_public", "n", NULL),
	    jget(v, "A.2_RS256", "jwk_public", "e", NULL));
	ck_assert_int_eq(jwt_thumbprint(pub, a, sizeof(a)), 0);
	{
		const char	*pem = jget(v, "A.2_RS256",
		    "public_key_spki_pem", NULL);
		BIO		*bio = BIO_new_mem_buf(pem, -1);
		EVP_PKEY	*p2 = PEM_read_bio_PUBKEY(bio, NULL, NULL,
		    NULL);

		ck_assert_ptr_nonnull(p2);
		ck_assert_int_eq(jwt_thumbprint(p2, b, sizeof(b)), 0);
		ck_assert_str_eq(a, b);
		EVP_PKEY_free(p2);
		BIO_free(bio);
	}
	EVP_PKEY_free(pub);
	json_object_put(v);
}
END_TEST

static TCase *
tc_new(Suite *s, const char *name)
{
	TCase	*tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	return tc;
}

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
jwt_suite(void)
{
	Suite	*s = suite_create("jwt");
	TCase	*tc;

	tc = tc_new(s, "jwt_verify");
	tcase_add_test(tc, valid_accepted);
	tcase_add_test(tc, valid_from_signer);
	tcase_add_test(tc, valid_firebase_claims);
	tcase_add_test(tc, valid_without_typ);
	tcase_add_test(tc, valid_fractional_times);
	tcase_add_test(tc, alg_none_refused);
	tcase_add_test(tc, alg_none_with_kid_refused);
	tcase_add_test(tc, alg_none_allowed_for_emulator);
	tcase_add_test(tc, alg_none_with_signature_refused);
	tcase_add_test(tc, alg_none_still_checks_claims);
	tcase_add_test(tc, allow_unsigned_keeps_rs256_checked);
	tcase_add_test(tc, alg_hs256_public_der_refused);
	tcase_add_test(tc, alg_hs256_public_pem_refused);
	tcase_add_loop_test(tc, alg_other_refused, 0, NELEM(bad_algs));
	tcase_add_test(tc, typ_other_refused);
	tcase_add_test(tc, crit_refused);
	tcase_add_test(tc, kid_unknown_refused);
	tcase_add_test(tc, kid_missing_refused);
	tcase_add_test(tc, kid_malformed_refused);
	tcase_add_test(tc, key_too_small_refused);
	tcase_add_test(tc, wrong_key_same_kid_refused);
	tcase_add_test(tc, tampered_payload_refused);
	tcase_add_test(tc, tampered_header_refused);
	tcase_add_test(tc, tampered_signature_refused);
	tcase_add_test(tc, truncated_signature_refused);
	tcase_add_test(tc, empty_signature_refused);
	tcase_add_test(tc, signature_of_other_token_refused);
	tcase_add_test(tc, expired_refused);
	tcase_add_test(tc, expired_at_skew_edge_refused);
	tcase_add_test(tc, expired_within_skew_accepted);
	tcase_add_test(tc, expired_but_forged_is_not_expired);
	tcase_add_test(tc, iat_future_refused);
	tcase_add_test(tc, iat_within_skew_accepted);
	tcase_add_test(tc, auth_time_future_refused);
	tcase_add_test(tc, exp_not_after_iat_refused);
	tcase_add_loop_test(tc, bad_time_claims_refused, 0, NELEM(bad_times));
	tcase_add_test(tc, aud_wrong_refused);
	tcase_add_test(tc, aud_array_refused);
	tcase_add_test(tc, aud_missing_refused);
	tcase_add_test(tc, aud_with_nul_refused);
	tcase_add_test(tc, iss_wrong_refused);
	tcase_add_test(tc, sub_empty_refused);
	tcase_add_test(tc, sub_not_string_refused);
	tcase_add_test(tc, sub_128_accepted);
	tcase_add_test(tc, sub_129_refused);
	tcase_add_test(tc, sub_counts_utf16_units);
	tcase_add_test(tc, sub_with_nul_refused);
	tcase_add_test(tc, two_segments_refused);
	tcase_add_test(tc, four_segments_refused);
	tcase_add_test(tc, empty_and_dots_refused);
	tcase_add_test(tc, padding_refused);
	tcase_add_test(tc, standard_alphabet_refused);
	tcase_add_test(tc, standard_alphabet_signature_refused);
	tcase_add_test(tc, whitespace_refused);
	tcase_add_test(tc, nul_byte_refused);
	tcase_add_test(tc, oversized_refused);
	tcase_add_test(tc, size_limit_edge);
	tcase_add_test(tc, payload_not_json_refused);
	tcase_add_test(tc, payload_trailing_data_refused);
	tcase_add_test(tc, payload_not_utf8_refused);
	tcase_add_test(tc, payload_deep_nesting_refused);
	tcase_add_test(tc, header_not_object_refused);

	tc = tc_new(s, "jwt_sign_rs256");
	tcase_add_test(tc, sign_header_exact);
	tcase_add_test(tc, sign_checks_with_openssl);
	tcase_add_test(tc, sign_kid_escaped);
	tcase_add_test(tc, sign_public_key_fails);
	tcase_add_test(tc, sign_bad_kid_fails);

	tc = tc_new(s, "jwt_keyset");
	tcase_add_test(tc, keyset_refuses_non_rsa);
	tcase_add_test(tc, keyset_kid_bounds);
	tcase_add_test(tc, keyset_duplicate_kid_refused);
	tcase_add_test(tc, keyset_full);
	tcase_add_test(tc, keyset_holds_reference);
	tcase_add_test(tc, keyset_find_unknown);
	tcase_add_test(tc, jwks_matches_keys);
	tcase_add_test(tc, jwks_empty_set);

	tc = tc_new(s, "jwt_thumbprint");
	tcase_add_test(tc, thumbprint_rfc7638);
	tcase_add_test(tc, thumbprint_buffer_size);
	tcase_add_test(tc, thumbprint_private_equals_public);
	tcase_add_test(tc, thumbprint_non_rsa);

	tc = tcase_create("jwt_load_private_pem");
	tcase_add_checked_fixture(tc, setup, pem_teardown);
	tcase_add_test(tc, pem_pkcs8);
	tcase_add_test(tc, pem_traditional);
	tcase_add_test(tc, pem_missing);
	tcase_add_test(tc, pem_encrypted_refused);
	tcase_add_test(tc, pem_public_refused);
	tcase_add_test(tc, pem_garbage_refused);
	tcase_add_test(tc, pem_ec_refused);
	tcase_add_test(tc, pem_small_refused);
	suite_add_tcase(s, tc);

	tc = tc_new(s, "vectors");
	tcase_add_test(tc, rfc7520_rs256_signature);
	tcase_add_test(tc, rfc7515_vectors_refused);
	tcase_add_test(tc, rfc7515_a2_thumbprint_stable);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	key1 = EVP_RSA_gen(2048);
	key_other = EVP_RSA_gen(2048);
	key_small = EVP_RSA_gen(1024);
	if (key1 == NULL || key_other == NULL || key_small == NULL) {
		fprintf(stderr, "check_jwt: cannot generate RSA keys\n");
		return EXIT_FAILURE;
	}
	ks = jwt_keyset_new();
	if (jwt_keyset_add(ks, KID, key1) == -1 ||
	    jwt_keyset_add(ks, "small", key_small) == -1) {
		fprintf(stderr, "check_jwt: cannot build the key set\n");
		return EXIT_FAILURE;
	}

	sr = srunner_create(jwt_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	jwt_keyset_free(ks);
	EVP_PKEY_free(key1);
	EVP_PKEY_free(key_other);
	EVP_PKEY_free(key_small);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
