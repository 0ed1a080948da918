/*
 * check_fbcerts: the Firebase certificate cache, and the Firebase
 * provider (fcgi/auth/provider_firebase.c, compiled in) against a
 * loopback server (t/loopsrv) that plays Google: its x509 certificate
 * endpoint, the Identity Toolkit and Secure Token REST APIs, or the Auth
 * Emulator.  Keys and self-signed certificates are made here; the cache
 * is driven with an explicit clock, the provider with the real one.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "err.h"
#include "fbcerts.h"
#include "httpc.h"
#include "jwt.h"
#include "log.h"
#include "loopsrv.h"
#include "mem.h"
#include "req.h"
#include "../fcgi/auth/provider.h"

#define T0		1700000000LL
#define PROJECT		"krow-test"
#define ISS		"https://securetoken.google.com/" PROJECT
#define CERTS		"/certs"
#define MAXAGE(n)	"Cache-Control: public, max-age=" #n \
			", must-revalidate, no-transform\r\n"

/* Made once in main(), before Check forks. */
static EVP_PKEY	*key1, *key2, *key_ec;
static char	*pem1, *pem2, *pem_ec;

/* Per test (checked fixtures). */
static struct loopsrv	*S;
static struct fbcerts	*FC;
static char		 url[256];
static char		 dir[64];
static struct conf	*C;
static struct req	 R;
static const char	*why;

/* ---- helpers ---- */

/* A self-signed certificate of key, as PEM (mem_). */
static char *
cert_pem(EVP_PKEY *key)
{
	X509		*x;
	X509_NAME	*name;
	BIO		*bio;
	char		*data, *pem;
	long		 len;

	if ((x = X509_new()) == NULL || X509_set_version(x, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(x), 1) != 1 ||
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 2 * 86400) == NULL ||
	    X509_set_pubkey(x, key) != 1 ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"securetoken.test", -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_sign(x, key, EVP_sha256()) == 0)
		return NULL;
	if ((bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(bio, x) != 1)
		return NULL;
	len = BIO_get_mem_data(bio, &data);
	pem = mem_strndup(data, (size_t)len);
	BIO_free(bio);
	X509_free(x);
	return pem;
}

/* Serve the document of n pairs at /certs with extra headers. */
static void
serve(const char *headers, int n, ...)
{
	struct buf	 b;
	va_list		 ap;
	const char	*kid, *pem;
	int		 i;

	buf_init(&b);
	buf_putc(&b, '{');
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		kid = va_arg(ap, const char *);
		pem = va_arg(ap, const char *);
		if (i > 0)
			buf_putc(&b, ',');
		buf_json_str(&b, kid, strlen(kid));
		buf_putc(&b, ':');
		buf_json_str(&b, pem, strlen(pem));
	}
	va_end(ap);
	buf_putc(&b, '}');
	ck_assert_int_eq(loopsrv_set(S, CERTS, 200, headers, b.p), 0);
	buf_cleanup(&b);
}

static const char *
U(const char *path)
{
	snprintf(url, sizeof(url), "%s%s", loopsrv_url(S), path);
	return url;
}

/* fbcerts_keys() at t, expecting ERR_OK; 1 when kid is in the set. */
static int
has(const char *kid, long long t)
{
	const struct jwt_keyset	*ks;

	ck_assert_int_eq(fbcerts_keys(FC, kid, t, &ks), ERR_OK);
	ck_assert_ptr_nonnull(ks);
	return jwt_keyset_find(ks, kid) != NULL;
}

static size_t
fetches(void)
{
	return loopsrv_count(S, CERTS);
}

/* ---- the cache ---- */

static void
cache_setup(void)
{
	S = loopsrv_start();
	ck_assert_ptr_nonnull(S);
	FC = fbcerts_new(U(CERTS), 2000);
}

static void
cache_teardown(void)
{
	fbcerts_free(FC);
	FC = NULL;
	httpc_fini();
	loopsrv_stop(S);
	S = NULL;
}

START_TEST(max_age_caches)
{
	long long	 t;

	serve(MAXAGE(100), 1, "k1", pem1);
	for (t = T0; t < T0 + 100; t += 9)
		ck_assert(has("k1", t));
	ck_assert_uint_eq(fetches(), 1);
	ck_assert_uint_eq(fbcerts_fetches(FC), 1);
	/* At max-age exactly, the set has expired. */
	ck_assert(has("k1", T0 + 100));
	ck_assert_uint_eq(fetches(), 2);
	ck_assert(has("k1", T0 + 150));
	ck_assert_uint_eq(fetches(), 2);
}
END_TEST

START_TEST(no_max_age_fetches_every_time)
{
	serve("Cache-Control: public, must-revalidate\r\n", 1, "k1", pem1);
	ck_assert(has("k1", T0));
	ck_assert(has("k1", T0));
	ck_assert(has("k1", T0 + 1));
	ck_assert_uint_eq(fetches(), 3);
	serve(NULL, 1, "k1", pem1);
	ck_assert(has("k1", T0 + 2));
	ck_assert(has("k1", T0 + 2));
	ck_assert_uint_eq(fetches(), 5);
	serve(MAXAGE(0), 1, "k1", pem1);
	ck_assert(has("k1", T0 + 3));
	ck_assert(has("k1", T0 + 3));
	ck_assert_uint_eq(fetches(), 7);
}
END_TEST

START_TEST(unknown_kid_refetch_rate_limited)
{
	serve(MAXAGE(3600), 1, "k1", pem1);
	ck_assert(has("k1", T0));
	ck_assert_uint_eq(fetches(), 1);
	/* The set is 1 s old: a made-up kid does not fetch. */
	ck_assert(!has("nope", T0 + 1));
	ck_assert(!has("nope2", T0 + 9));
	ck_assert_uint_eq(fetches(), 1);
	/* 10 s after the last fetch: one refetch, then quiet again. */
	ck_assert(!has("nope", T0 + 10));
	ck_assert_uint_eq(fetches(), 2);
	ck_assert(!has("nope", T0 + 11));
	ck_assert(!has("other", T0 + 19));
	ck_assert_uint_eq(fetches(), 2);
	ck_assert(!has("nope", T0 + 20));
	ck_assert_uint_eq(fetches(), 3);
	/* Known kids never fetch while the set is valid. */
	ck_assert(has("k1", T0 + 21));
	ck_assert(has("k1", T0 + 3000));
	ck_assert_uint_eq(fetches(), 3);
	/* No kid: no refetch either. */
	ck_assert(!has(NULL, T0 + 3001));
	ck_assert_uint_eq(fetches(), 3);
}
END_TEST

START_TEST(new_kid_found_by_refetch)
{
	serve(MAXAGE(3600), 1, "k1", pem1);
	ck_assert(has("k1", T0));
	serve(MAXAGE(3600), 2, "k1", pem1, "k2", pem2);
	ck_assert(has("k2", T0 + 30));
	ck_assert(has("k1", T0 + 31));
	ck_assert_uint_eq(fetches(), 2);
}
END_TEST

START_TEST(rotation_after_expiry)
{
	serve(MAXAGE(60), 1, "k1", pem1);
	ck_assert(has("k1", T0));
	serve(MAXAGE(60), 1, "k2", pem2);
	/* Still cached: the old kid is known, the new one not yet... */
	ck_assert(has("k1", T0 + 5));
	ck_assert(!has("k2", T0 + 6));
	ck_assert_uint_eq(fetches(), 1);
	/* ...after expiry the old kid is gone and the new one is there. */
	ck_assert(!has("k1", T0 + 60));
	ck_assert(has("k2", T0 + 61));
	ck_assert_uint_eq(fetches(), 2);
}
END_TEST

START_TEST(refetch_failure_keeps_valid_set)
{
	serve(MAXAGE(100), 1, "k1", pem1);
	ck_assert(has("k1", T0));
	/* Server error, then a dropped connection, then garbage. */
	loopsrv_set(S, CERTS, 500, NULL, "oops");
	ck_assert(!has("k2", T0 + 10));
	ck_assert(has("k1", T0 + 11));
	loopsrv_close(S, CERTS, 1);
	ck_assert(!has("k2", T0 + 20));
	ck_assert(has("k1", T0 + 21));
	loopsrv_set(S, CERTS, 200, MAXAGE(100), "{\"k2\": 42}");
	ck_assert(!has("k2", T0 + 30));
	ck_assert(has("k1", T0 + 99));
	/* (libcurl retries once on a reused connection closed unanswered,
	 * so the server may have seen one request more.) */
	ck_assert_uint_eq(fbcerts_fetches(FC), 4);
}
END_TEST

START_TEST(failure_without_cache_is_upstream)
{
	const struct jwt_keyset	*ks = (void *)1;

	/* Nothing served: 404. */
	ck_assert_int_eq(fbcerts_keys(FC, "k1", T0, &ks), ERR_UPSTREAM);
	ck_assert_ptr_null(ks);
	ck_assert_uint_eq(fetches(), 1);
	/* The same second: no new attempt. */
	ck_assert_int_eq(fbcerts_keys(FC, "k1", T0, &ks), ERR_UPSTREAM);
	ck_assert_uint_eq(fetches(), 1);
	/* A second later it tries again, and recovers. */
	serve(MAXAGE(100), 1, "k1", pem1);
	ck_assert(has("k1", T0 + 1));
	ck_assert_uint_eq(fetches(), 2);
}
END_TEST

START_TEST(expired_set_not_used_after_failure)
{
	const struct jwt_keyset	*ks;

	serve(MAXAGE(10), 1, "k1", pem1);
	ck_assert(has("k1", T0));
	loopsrv_set(S, CERTS, 503, NULL, "");
	ck_assert_int_eq(fbcerts_keys(FC, "k1", T0 + 10, &ks), ERR_UPSTREAM);
	ck_assert_ptr_null(ks);
	ck_assert_int_eq(fbcerts_keys(FC, "k1", T0 + 12, &ks), ERR_UPSTREAM);
	ck_assert_uint_eq(fetches(), 3);
}
END_TEST

START_TEST(server_gone_is_upstream)
{
	const struct jwt_keyset	*ks;

	loopsrv_stop(S);
	S = NULL;
	ck_assert_int_eq(fbcerts_keys(FC, "k1", T0, &ks), ERR_UPSTREAM);
	ck_assert_uint_eq(fbcerts_fetches(FC), 1);
	S = loopsrv_start();		/* for the teardown */
}
END_TEST

START_TEST(slow_server_times_out)
{
	const struct jwt_keyset	*ks;
	time_t			 t0;

	fbcerts_free(FC);
	FC = fbcerts_new(U(CERTS), 200);
	serve(MAXAGE(100), 1, "k1", pem1);
	loopsrv_delay(S, CERTS, 3000);
	t0 = time(NULL);
	ck_assert_int_eq(fbcerts_keys(FC, "k1", T0, &ks), ERR_UPSTREAM);
	ck_assert_int_le(time(NULL) - t0, 1);
}
END_TEST

START_TEST(bad_documents_refused)
{
	static const char *const bad[] = {
		"",
		"not json",
		"[\"k1\"]",
		"\"k1\"",
		"{}",
		"{\"error\": {\"code\": 500}}",
		"{\"k1\": 42}",
		"{\"k1\": null}",
		"{\"k1\": {\"pem\": \"x\"}}",
		"{\"k1\": \"not a certificate\"}",
		"{\"k1\": \"-----BEGIN CERTIFICATE-----\\nAAAA\\n"
		    "-----END CERTIFICATE-----\\n\"}",
		"{\"k1\": \"x\"} trailing",
		"{\"k1\": \"\\u0000\"}",
		"{\"k1\": \"\xff\xfe\"}",
	};
	const struct jwt_keyset	*ks;
	size_t			 i;
	long long		 t = T0;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		loopsrv_set(S, CERTS, 200, MAXAGE(100), bad[i]);
		ck_assert_msg(fbcerts_keys(FC, "k1", t, &ks) == ERR_UPSTREAM,
		    "document %zu accepted", i);
		t += 2;
	}
	ck_assert_uint_eq(fetches(), i);
}
END_TEST

START_TEST(too_many_or_too_large_refused)
{
	const struct jwt_keyset	*ks;
	struct buf		 b;
	char			 kid[16], *big;
	int			 i;

	/* 33 members: the whole document is refused. */
	buf_init(&b);
	buf_putc(&b, '{');
	for (i = 0; i <= FBCERTS_MAXCERTS; i++) {
		snprintf(kid, sizeof(kid), "k%d", i);
		if (i > 0)
			buf_putc(&b, ',');
		buf_json_str(&b, kid, strlen(kid));
		buf_putc(&b, ':');
		buf_json_str(&b, pem1, strlen(pem1));
	}
	buf_putc(&b, '}');
	loopsrv_set(S, CERTS, 200, MAXAGE(100), b.p);
	ck_assert_int_eq(fbcerts_keys(FC, "k0", T0, &ks), ERR_UPSTREAM);

	/* 32 is fine. */
	buf_reset(&b);
	buf_putc(&b, '{');
	for (i = 0; i < FBCERTS_MAXCERTS; i++) {
		snprintf(kid, sizeof(kid), "k%d", i);
		if (i > 0)
			buf_putc(&b, ',');
		buf_json_str(&b, kid, strlen(kid));
		buf_putc(&b, ':');
		buf_json_str(&b, pem1, strlen(pem1));
	}
	buf_putc(&b, '}');
	loopsrv_set(S, CERTS, 200, MAXAGE(100), b.p);
	ck_assert(has("k31", T0 + 2));

	/* One member over 64 KiB: refused, the valid set kept. */
	big = mem_alloc(FBCERTS_MAXPEM + 2);
	memset(big, 'A', FBCERTS_MAXPEM + 1);
	big[FBCERTS_MAXPEM + 1] = '\0';
	buf_reset(&b);
	buf_puts(&b, "{\"new\":");
	buf_json_str(&b, big, strlen(big));
	buf_putc(&b, '}');
	loopsrv_set(S, CERTS, 200, MAXAGE(100), b.p);
	ck_assert(!has("new", T0 + 20));
	ck_assert(has("k0", T0 + 21));
	ck_assert_uint_eq(fetches(), 3);
	mem_free(big);
	buf_cleanup(&b);
}
END_TEST

START_TEST(unusable_members_skipped)
{
	serve(MAXAGE(100), 3, "ec", pem_ec, "junk", "hello", "k1", pem1);
	ck_assert(has("k1", T0));
	ck_assert(!has("ec", T0 + 1));
	ck_assert(!has("junk", T0 + 2));
	ck_assert_uint_eq(fetches(), 1);
}
END_TEST

/* ---- the provider ---- */

/* Unset every KROW_<KEY> so that only the test's file counts. */
static void
clear_env(void)
{
	char	 var[96];
	int	 i, j;

	unsetenv("KROW_CONF");
	for (i = 0; i < CONF__MAX; i++) {
		snprintf(var, sizeof(var), "KROW_%s", conf_name(i));
		for (j = 5; var[j] != '\0'; j++)
			var[j] = (char)toupper((unsigned char)var[j]);
		unsetenv(var);
	}
}

/* Load a configuration of text (plus the cert URL) into C. */
static void
load_conf(const char *text)
{
	char	 path[128], errbuf[512];
	FILE	*f;

	conf_free(C);
	C = NULL;
	snprintf(path, sizeof(path), "%s/krow.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "firebase_certs_url = %s%s\nauth_clock_skew = 60\n"
	    "upstream_timeout_ms = 1000\n%s", loopsrv_url(S), CERTS, text);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(conf_load(&C, path, errbuf, sizeof(errbuf)) == 0,
	    "%s", errbuf);
	R.conf = C;
}

/* Production mode, REST APIs at the loopback server. */
static void
start_google(void)
{
	char	 text[512];

	snprintf(text, sizeof(text), "firebase_project_id = " PROJECT "\n"
	    "firebase_api_key = test-key\nfirebase_identity_url = %s/\n"
	    "firebase_securetoken_url = %s\n", loopsrv_url(S),
	    loopsrv_url(S));
	load_conf(text);
	ck_assert_int_eq(provider_firebase.init(C), 0);
}

/* Emulator mode, the emulator at the loopback server. */
static void
start_emulator(const char *key)
{
	char	 text[512];

	snprintf(text, sizeof(text), "firebase_project_id = " PROJECT "\n"
	    "firebase_api_key = %s\nfirebase_auth_emulator_host = "
	    "127.0.0.1:%d\n", key, loopsrv_port(S));
	load_conf(text);
	ck_assert_int_eq(provider_firebase.init(C), 0);
}

static void
prov_setup(void)
{
	clear_env();
	snprintf(dir, sizeof(dir), "/tmp/check_fbcerts.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	S = loopsrv_start();
	ck_assert_ptr_nonnull(S);
	memset(&R, 0, sizeof(R));
	R.arena = arena_new(0);
	why = NULL;
}

static void
prov_teardown(void)
{
	char	 path[128];

	provider_firebase.fini();
	httpc_fini();
	loopsrv_stop(S);
	S = NULL;
	arena_free(R.arena);
	conf_free(C);
	C = NULL;
	snprintf(path, sizeof(path), "%s/krow.conf", dir);
	unlink(path);
	rmdir(dir);
}

/* Claims of an ID token issued now - age seconds ago, living ttl. */
static char *
claims(const char *aud, const char *iss, long long age, long long ttl)
{
	long long	 now = (long long)time(NULL);

	return arena_printf(R.arena, "{\"iss\":\"%s\",\"aud\":\"%s\","
	    "\"auth_time\":%lld,\"user_id\":\"uid-1\",\"sub\":\"uid-1\","
	    "\"iat\":%lld,\"exp\":%lld,\"email\":\"a@example.com\","
	    "\"firebase\":{\"sign_in_provider\":\"password\"}}", iss, aud,
	    now - age, now - age, now - age + ttl);
}

/* An RS256 token of claims signed by key under kid (arena). */
static char *
signed_tok(EVP_PKEY *key, const char *kid, const char *c)
{
	struct buf	 b;
	char		*t;

	buf_init(&b);
	ck_assert_int_eq(jwt_sign_rs256(key, kid, c, strlen(c), &b), 0);
	t = arena_strdup(R.arena, b.p);
	buf_cleanup(&b);
	return t;
}

/* An emulator token: {"alg":"none","typ":"JWT"}, no kid, no signature. */
static char *
unsigned_tok(const char *c, const char *sig)
{
	static const char	 h[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
	struct buf		 b;
	char			*t;

	buf_init(&b);
	b64url_encode(&b, h, strlen(h));
	buf_putc(&b, '.');
	b64url_encode(&b, c, strlen(c));
	buf_putc(&b, '.');
	buf_puts(&b, sig);
	t = arena_strdup(R.arena, b.p);
	buf_cleanup(&b);
	return t;
}

static enum err
verify(const char *token, struct jwt_claims *cl)
{
	return provider_firebase.verify(&R, token, strlen(token), cl, &why);
}

START_TEST(init_needs_project_and_key)
{
	load_conf("firebase_api_key = k\n");
	ck_assert_int_eq(provider_firebase.init(C), -1);
	load_conf("firebase_project_id = " PROJECT "\n");
	ck_assert_int_eq(provider_firebase.init(C), -1);
	load_conf("firebase_project_id = " PROJECT "\n"
	    "firebase_auth_emulator_host = 127.0.0.1:9099\n");
	ck_assert_int_eq(provider_firebase.init(C), 0);
	load_conf("firebase_project_id = Bad/Project\n"
	    "firebase_api_key = k\n");
	ck_assert_int_eq(provider_firebase.init(C), -1);
	load_conf("firebase_project_id = " PROJECT "\n"
	    "firebase_auth_emulator_host = http://127.0.0.1:9099\n");
	ck_assert_int_eq(provider_firebase.init(C), -1);
	load_conf("firebase_project_id = " PROJECT "\n"
	    "firebase_api_key = k\nfirebase_identity_url = ftp://x\n");
	ck_assert_int_eq(provider_firebase.init(C), -1);
	ck_assert_str_eq(provider_firebase.name, "firebase");
}
END_TEST

START_TEST(verify_good_token)
{
	struct jwt_claims	 cl;

	start_google();
	serve(MAXAGE(3600), 2, "k1", pem1, "k2", pem2);
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_OK);
	ck_assert_ptr_null(why);
	ck_assert_str_eq(cl.sub, "uid-1");
	ck_assert_str_eq(cl.kid, "k1");
	ck_assert_str_eq(cl.email, "a@example.com");
	ck_assert_int_eq(verify(signed_tok(key2, "k2",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_OK);
	/* Both verifications used one fetch (max-age). */
	ck_assert_uint_eq(fetches(), 1);
}
END_TEST

START_TEST(verify_refusals)
{
	struct jwt_claims	 cl;
	char			*t;
	size_t			 n;

	start_google();
	serve(MAXAGE(3600), 1, "k1", pem1);
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_OK);
	/* A kid Google does not list. */
	ck_assert_int_eq(verify(signed_tok(key1, "k9",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "unknown kid");
	/* Signed by another key under a listed kid. */
	ck_assert_int_eq(verify(signed_tok(key2, "k1",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "bad signature");
	/* Expired (beyond the 60 s skew), wrong aud, wrong iss. */
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims(PROJECT, ISS, 3700, 3600)), &cl), ERR_TOKEN_EXPIRED);
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims("other-project", ISS, 10, 3600)), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "wrong aud");
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims(PROJECT, "https://securetoken.google.com/other", 10,
	    3600)), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "wrong iss");
	/* Issued in the future. */
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims(PROJECT, ISS, -600, 3600)), &cl), ERR_UNAUTH);
	/* A tampered payload. */
	t = signed_tok(key1, "k1", claims(PROJECT, ISS, 10, 3600));
	n = strcspn(t, ".") + 5;
	t[n] = t[n] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(verify(t, &cl), ERR_UNAUTH);
	ck_assert_ptr_null(cl.sub);
}
END_TEST

START_TEST(verify_unsigned_refused_without_emulator)
{
	struct jwt_claims	 cl;

	start_google();
	serve(MAXAGE(3600), 1, "k1", pem1);
	ck_assert_int_eq(verify(unsigned_tok(claims(PROJECT, ISS, 10, 3600),
	    ""), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "unsigned token");
	/* Garbage is refused too; neither touched the network. */
	ck_assert_int_eq(verify("abc", &cl), ERR_UNAUTH);
	ck_assert_int_eq(verify("a.b.c", &cl), ERR_UNAUTH);
	ck_assert_int_eq(verify("", &cl), ERR_UNAUTH);
	ck_assert_uint_eq(fetches(), 0);
}
END_TEST

START_TEST(verify_without_certificates_is_upstream)
{
	struct jwt_claims	 cl;
	const char		*t;

	start_google();
	t = signed_tok(key1, "k1", claims(PROJECT, ISS, 10, 3600));
	loopsrv_set(S, CERTS, 500, NULL, "");
	ck_assert_int_eq(verify(t, &cl), ERR_UPSTREAM);
	ck_assert_ptr_null(cl.sub);
	/* Malformed certificates: no token gets through either. */
	sleep(1);
	loopsrv_set(S, CERTS, 200, NULL, "{\"k1\": \"junk\"}");
	ck_assert_int_eq(verify(t, &cl), ERR_UPSTREAM);
	ck_assert_uint_eq(fetches(), 2);
}
END_TEST

START_TEST(emulator_accepts_unsigned_only_for_its_project)
{
	struct jwt_claims	 cl;

	start_emulator("");
	ck_assert_int_eq(verify(unsigned_tok(claims(PROJECT, ISS, 10, 3600),
	    ""), &cl), ERR_OK);
	ck_assert_str_eq(cl.sub, "uid-1");
	ck_assert_ptr_null(cl.kid);
	/* The claims are still checked. */
	ck_assert_int_eq(verify(unsigned_tok(claims("other", ISS, 10, 3600),
	    ""), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "wrong aud");
	ck_assert_int_eq(verify(unsigned_tok(claims(PROJECT,
	    "https://securetoken.google.com/other", 10, 3600), ""), &cl),
	    ERR_UNAUTH);
	ck_assert_int_eq(verify(unsigned_tok(claims(PROJECT, ISS, 7300,
	    3600), ""), &cl), ERR_TOKEN_EXPIRED);
	/* alg none with a signature is not an emulator token. */
	ck_assert_int_eq(verify(unsigned_tok(claims(PROJECT, ISS, 10, 3600),
	    "Zm9v"), &cl), ERR_UNAUTH);
	ck_assert_uint_eq(fetches(), 0);
}
END_TEST

START_TEST(emulator_still_checks_signed_tokens)
{
	struct jwt_claims	 cl;

	start_emulator("x");
	serve(MAXAGE(3600), 1, "k1", pem1);
	ck_assert_int_eq(verify(signed_tok(key1, "k1",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_OK);
	ck_assert_int_eq(verify(signed_tok(key2, "k1",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "bad signature");
	ck_assert_int_eq(verify(signed_tok(key2, "k2",
	    claims(PROJECT, ISS, 10, 3600)), &cl), ERR_UNAUTH);
	ck_assert_str_eq(why, "unknown kid");
}
END_TEST

/* A successful Identity Toolkit sign-in answer. */
#define SIGNIN_OK "{\"kind\":\"identitytoolkit#VerifyPasswordResponse\"," \
	"\"registered\":true,\"localId\":\"uid-1\"," \
	"\"email\":\"a@example.com\"," \
	"\"idToken\":\"eyJ.id.tok\",\"refreshToken\":\"rt-1\"," \
	"\"expiresIn\":\"3600\"}\n"

/* Firebase's error envelope for code. */
static char *
fb_error(const char *code)
{
	return arena_printf(R.arena, "{\"error\":{\"code\":400,\"message\":"
	    "\"%s\",\"errors\":[{\"message\":\"%s\",\"domain\":\"global\","
	    "\"reason\":\"invalid\"}]}}", code, code);
}

START_TEST(sign_in_request_and_session)
{
	struct prov_session	 s;
	struct loopsrv_req	 got;
	struct json_object	*body, *v;

	start_google();
	loopsrv_set(S, "/v1/accounts:signInWithPassword", 200,
	    "Content-Type: application/json\r\n", SIGNIN_OK);
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "pa\"ss\\word", &s), ERR_OK);
	ck_assert_str_eq(s.uid, "uid-1");
	ck_assert_str_eq(s.id_token, "eyJ.id.tok");
	ck_assert_str_eq(s.refresh_token, "rt-1");
	ck_assert_int_eq(s.expires_in, 3600);
	ck_assert_str_eq(s.email, "a@example.com");
	ck_assert_ptr_null(s.phone);
	ck_assert_int_eq(s.new_account, 0);

	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.method, "POST");
	/* The key is a header, never in the URL. */
	ck_assert_str_eq(got.target, "/v1/accounts:signInWithPassword");
	ck_assert_str_eq(loopsrv_req_header(&got, "X-Goog-Api-Key"),
	    "test-key");
	ck_assert_str_eq(loopsrv_req_header(&got, "Content-Type"),
	    "application/json");
	body = json_tokener_parse(got.body);
	ck_assert_ptr_nonnull(body);
	ck_assert(json_object_object_get_ex(body, "email", &v));
	ck_assert_str_eq(json_object_get_string(v), "a@example.com");
	ck_assert(json_object_object_get_ex(body, "password", &v));
	ck_assert_str_eq(json_object_get_string(v), "pa\"ss\\word");
	ck_assert(json_object_object_get_ex(body, "returnSecureToken", &v));
	ck_assert(json_object_get_boolean(v));
	json_object_put(body);
	loopsrv_req_free(&got);
}
END_TEST

START_TEST(sign_in_errors_mapped)
{
	static const struct {
		int		 status;
		const char	*code;
		enum err	 e;
	} cases[] = {
		{ 400, "INVALID_PASSWORD", ERR_BAD_CREDENTIALS },
		{ 400, "EMAIL_NOT_FOUND", ERR_BAD_CREDENTIALS },
		{ 400, "INVALID_LOGIN_CREDENTIALS", ERR_BAD_CREDENTIALS },
		{ 400, "USER_DISABLED", ERR_DISABLED },
		{ 400, "TOO_MANY_ATTEMPTS_TRY_LATER : Access to this account "
		    "has been temporarily disabled", ERR_RATE },
		{ 400, "INVALID_EMAIL", ERR_INVAL },
		{ 400, "OPERATION_NOT_ALLOWED", ERR_UPSTREAM },
		{ 400, "API key not valid. Please pass a valid API key.",
		    ERR_UPSTREAM },
		{ 403, "The request is missing a valid API key.",
		    ERR_UPSTREAM },
		{ 500, "INTERNAL", ERR_UPSTREAM },
		{ 503, "UNAVAILABLE", ERR_UPSTREAM },
	};
	struct prov_session	 s;
	size_t			 i;

	start_google();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		loopsrv_set(S, "/v1/accounts:signInWithPassword",
		    cases[i].status, NULL, fb_error(cases[i].code));
		ck_assert_msg(provider_firebase.sign_in(&R, "a@example.com",
		    "secret123", &s) == cases[i].e, "%s", cases[i].code);
		ck_assert_ptr_null(s.uid);
	}
	/* Answers that are not Firebase's. */
	loopsrv_set(S, "/v1/accounts:signInWithPassword", 200, NULL, "<html>");
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "secret123", &s), ERR_UPSTREAM);
	loopsrv_set(S, "/v1/accounts:signInWithPassword", 200, NULL,
	    "{\"localId\":\"u\",\"refreshToken\":\"r\","
	    "\"expiresIn\":\"3600\"}");
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "secret123", &s), ERR_UPSTREAM);
	loopsrv_set(S, "/v1/accounts:signInWithPassword", 200, NULL,
	    "{\"localId\":\"u\",\"idToken\":\"i\",\"refreshToken\":\"r\","
	    "\"expiresIn\":\"-5\"}");
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "secret123", &s), ERR_UPSTREAM);
	loopsrv_set(S, "/v1/accounts:signInWithPassword", 429, NULL, "");
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "secret123", &s), ERR_RATE);
	/* No answer in time. */
	loopsrv_set(S, "/v1/accounts:signInWithPassword", 200, NULL,
	    SIGNIN_OK);
	loopsrv_delay(S, "/v1/accounts:signInWithPassword", 3000);
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "secret123", &s), ERR_UPSTREAM);
}
END_TEST

START_TEST(sign_up_answers)
{
	struct prov_session	 s;
	struct loopsrv_req	 got;
	struct json_object	*v;

	start_google();
	loopsrv_set(S, "/v1/accounts:signUp", 200, NULL, SIGNIN_OK);
	ck_assert_int_eq(provider_firebase.sign_up(&R, "a@example.com",
	    "secret123", "Ann", &s), ERR_OK);
	ck_assert_int_eq(s.new_account, 1);
	ck_assert_str_eq(s.uid, "uid-1");
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_ptr_nonnull(strstr(got.body, "\"displayName\":\"Ann\""));
	loopsrv_req_free(&got);

	loopsrv_set(S, "/v1/accounts:signUp", 400, NULL,
	    fb_error("EMAIL_EXISTS"));
	ck_assert_int_eq(provider_firebase.sign_up(&R, "a@example.com",
	    "secret123", NULL, &s), ERR_CONFLICT);

	/* A refused value: the envelope names the field. */
	loopsrv_set(S, "/v1/accounts:signUp", 400, NULL,
	    fb_error("WEAK_PASSWORD : Password should be at least 6 "
	    "characters"));
	ck_assert_int_eq(provider_firebase.sign_up(&R, "a@example.com",
	    "123", NULL, &s), ERR_INVAL);
	ck_assert_ptr_nonnull(R.err_message);
	ck_assert_ptr_nonnull(strstr(R.err_message, "password"));
	ck_assert_ptr_nonnull(R.err_details);
	ck_assert(json_object_object_get_ex(R.err_details, "password", &v));
	ck_assert_str_eq(json_object_get_string(v),
	    "is too weak: at least 6 characters");
}
END_TEST

START_TEST(phone_flow)
{
	struct prov_session	 s;
	struct loopsrv_req	 got;
	const char		*si;

	start_google();
	loopsrv_set(S, "/v1/accounts:sendVerificationCode", 200, NULL,
	    "{\"sessionInfo\":\"si-123\"}");
	ck_assert_int_eq(provider_firebase.phone_start(&R, "+15555550100",
	    NULL, &si), ERR_OK);
	ck_assert_str_eq(si, "si-123");
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.body, "{\"phoneNumber\":\"+15555550100\"}");
	loopsrv_req_free(&got);
	/* The client's app-verification token is passed on. */
	ck_assert_int_eq(provider_firebase.phone_start(&R, "+15555550100",
	    "captcha-1", &si), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.body, "{\"phoneNumber\":\"+15555550100\","
	    "\"recaptchaToken\":\"captcha-1\"}");
	loopsrv_req_free(&got);
	loopsrv_set(S, "/v1/accounts:sendVerificationCode", 400, NULL,
	    fb_error("INVALID_PHONE_NUMBER : Invalid format."));
	ck_assert_int_eq(provider_firebase.phone_start(&R, "555", NULL, &si),
	    ERR_INVAL);
	ck_assert_ptr_null(si);

	loopsrv_set(S, "/v1/accounts:signInWithPhoneNumber", 200, NULL,
	    "{\"isNewUser\":true,\"phoneNumber\":\"+15555550100\","
	    "\"localId\":\"uid-p\",\"idToken\":\"i\",\"refreshToken\":\"r\","
	    "\"expiresIn\":\"3600\"}");
	ck_assert_int_eq(provider_firebase.phone_verify(&R, "si-123",
	    "123456", &s), ERR_OK);
	ck_assert_int_eq(s.new_account, 1);
	ck_assert_str_eq(s.phone, "+15555550100");
	ck_assert_str_eq(s.uid, "uid-p");
	ck_assert_ptr_null(s.email);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.body,
	    "{\"sessionInfo\":\"si-123\",\"code\":\"123456\"}");
	loopsrv_req_free(&got);

	loopsrv_set(S, "/v1/accounts:signInWithPhoneNumber", 400, NULL,
	    fb_error("INVALID_CODE"));
	ck_assert_int_eq(provider_firebase.phone_verify(&R, "si-123",
	    "000000", &s), ERR_BAD_CREDENTIALS);
	loopsrv_set(S, "/v1/accounts:signInWithPhoneNumber", 400, NULL,
	    fb_error("INVALID_SESSION_INFO"));
	ck_assert_int_eq(provider_firebase.phone_verify(&R, "si-123",
	    "123456", &s), ERR_UNAUTH);
	loopsrv_set(S, "/v1/accounts:signInWithPhoneNumber", 400, NULL,
	    fb_error("SESSION_EXPIRED"));
	ck_assert_int_eq(provider_firebase.phone_verify(&R, "si-123",
	    "123456", &s), ERR_UNAUTH);
}
END_TEST

START_TEST(refresh_flow)
{
	struct prov_session	 s;
	struct loopsrv_req	 got;
	const char		*idt;

	start_google();
	idt = unsigned_tok("{\"email\":\"r@example.com\","
	    "\"phone_number\":\"+15555550199\",\"sub\":\"uid-r\"}", "");
	loopsrv_set(S, "/v1/token", 200, NULL, arena_printf(R.arena,
	    "{\"id_token\":\"%s\",\"access_token\":\"%s\","
	    "\"expires_in\":\"3600\",\"refresh_token\":\"rt-2\","
	    "\"token_type\":\"Bearer\",\"user_id\":\"uid-r\","
	    "\"project_id\":\"123\"}", idt, idt));
	ck_assert_int_eq(provider_firebase.refresh(&R, "rt/1+x=", &s),
	    ERR_OK);
	ck_assert_str_eq(s.uid, "uid-r");
	ck_assert_str_eq(s.id_token, idt);
	ck_assert_str_eq(s.refresh_token, "rt-2");
	ck_assert_str_eq(s.email, "r@example.com");
	ck_assert_str_eq(s.phone, "+15555550199");
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.target, "/v1/token");
	ck_assert_str_eq(loopsrv_req_header(&got, "Content-Type"),
	    "application/x-www-form-urlencoded");
	ck_assert_str_eq(got.body,
	    "grant_type=refresh_token&refresh_token=rt%2F1%2Bx%3D");
	loopsrv_req_free(&got);

	loopsrv_set(S, "/v1/token", 400, NULL,
	    fb_error("INVALID_REFRESH_TOKEN"));
	ck_assert_int_eq(provider_firebase.refresh(&R, "x", &s), ERR_UNAUTH);
	loopsrv_set(S, "/v1/token", 400, NULL, fb_error("TOKEN_EXPIRED"));
	ck_assert_int_eq(provider_firebase.refresh(&R, "x", &s), ERR_UNAUTH);
	loopsrv_set(S, "/v1/token", 400, NULL, fb_error("USER_DISABLED"));
	ck_assert_int_eq(provider_firebase.refresh(&R, "x", &s),
	    ERR_DISABLED);
}
END_TEST

START_TEST(revoke_and_delete_in_production)
{
	struct prov_session	 s;

	start_google();
	/* No admin credentials at Google: nothing is sent. */
	ck_assert_int_eq(provider_firebase.revoke(&R, "uid-1"), ERR_OK);
	ck_assert_uint_eq(loopsrv_count(S, NULL), 0);

	memset(&s, 0, sizeof(s));
	s.uid = "uid-1";
	s.id_token = "eyJ.id.tok";
	loopsrv_set(S, "/v1/accounts:delete", 200, NULL,
	    "{\"kind\":\"identitytoolkit#DeleteAccountResponse\"}");
	ck_assert_int_eq(provider_firebase.delete_account(&R, &s), ERR_OK);
	loopsrv_set(S, "/v1/accounts:delete", 400, NULL,
	    fb_error("USER_NOT_FOUND"));
	ck_assert_int_eq(provider_firebase.delete_account(&R, &s), ERR_OK);
	loopsrv_set(S, "/v1/accounts:delete", 500, NULL, "");
	ck_assert_int_eq(provider_firebase.delete_account(&R, &s),
	    ERR_UPSTREAM);
	/* A token Google refuses: the account may remain; say so. */
	loopsrv_set(S, "/v1/accounts:delete", 400, NULL,
	    fb_error("INVALID_ID_TOKEN"));
	ck_assert_int_eq(provider_firebase.delete_account(&R, &s),
	    ERR_UNAUTH);
	ck_assert_uint_eq(loopsrv_count(S, NULL), 4);
}
END_TEST

START_TEST(emulator_urls_and_admin_revoke)
{
	struct prov_session	 s;
	struct loopsrv_req	 got;
	struct json_object	*body, *v;
	long long		 t0 = (long long)time(NULL), vs;

	start_emulator("");
	loopsrv_set(S, "/identitytoolkit.googleapis.com/v1/"
	    "accounts:signInWithPassword", 200, NULL, SIGNIN_OK);
	ck_assert_int_eq(provider_firebase.sign_in(&R, "a@example.com",
	    "secret123", &s), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(loopsrv_req_header(&got, "X-Goog-Api-Key"),
	    "emulator");
	loopsrv_req_free(&got);

	loopsrv_set(S, "/securetoken.googleapis.com/v1/token", 400, NULL,
	    fb_error("INVALID_REFRESH_TOKEN"));
	ck_assert_int_eq(provider_firebase.refresh(&R, "x", &s), ERR_UNAUTH);
	ck_assert_uint_eq(loopsrv_count(S,
	    "/securetoken.googleapis.com/v1/token"), 1);

	loopsrv_set(S, "/identitytoolkit.googleapis.com/v1/projects/"
	    PROJECT "/accounts:update", 200, NULL,
	    "{\"kind\":\"identitytoolkit#SetAccountInfoResponse\"}");
	ck_assert_int_eq(provider_firebase.revoke(&R, "uid-1"), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(loopsrv_req_header(&got, "Authorization"),
	    "Bearer owner");
	ck_assert_ptr_null(loopsrv_req_header(&got, "X-Goog-Api-Key"));
	body = json_tokener_parse(got.body);
	ck_assert_ptr_nonnull(body);
	ck_assert(json_object_object_get_ex(body, "localId", &v));
	ck_assert_str_eq(json_object_get_string(v), "uid-1");
	ck_assert(json_object_object_get_ex(body, "validSince", &v));
	vs = strtoll(json_object_get_string(v), NULL, 10);
	ck_assert(vs >= t0 && vs <= t0 + 5);
	json_object_put(body);
	loopsrv_req_free(&got);

	/* An account the emulator does not know: nothing to revoke. */
	loopsrv_set(S, "/identitytoolkit.googleapis.com/v1/projects/"
	    PROJECT "/accounts:update", 400, NULL,
	    fb_error("USER_NOT_FOUND"));
	ck_assert_int_eq(provider_firebase.revoke(&R, "uid-1"), ERR_OK);
	loopsrv_set(S, "/identitytoolkit.googleapis.com/v1/projects/"
	    PROJECT "/accounts:update", 500, NULL, "");
	ck_assert_int_eq(provider_firebase.revoke(&R, "uid-1"), ERR_UPSTREAM);
}
END_TEST

START_TEST(emulator_delete_falls_back_to_admin)
{
	struct prov_session	 s;
	struct loopsrv_req	 got;

	start_emulator("k");
	memset(&s, 0, sizeof(s));
	s.uid = "uid-1";
	s.id_token = "stale";
	loopsrv_set(S, "/identitytoolkit.googleapis.com/v1/accounts:delete",
	    400, NULL, fb_error("INVALID_ID_TOKEN"));
	loopsrv_set(S, "/identitytoolkit.googleapis.com/v1/projects/"
	    PROJECT "/accounts:delete", 200, NULL, "{}");
	ck_assert_int_eq(provider_firebase.delete_account(&R, &s), ERR_OK);
	ck_assert_int_eq(loopsrv_request(S, -1, &got), 0);
	ck_assert_str_eq(got.path, "/identitytoolkit.googleapis.com/v1/"
	    "projects/" PROJECT "/accounts:delete");
	ck_assert_str_eq(loopsrv_req_header(&got, "Authorization"),
	    "Bearer owner");
	ck_assert_str_eq(got.body, "{\"localId\":\"uid-1\"}");
	loopsrv_req_free(&got);
}
END_TEST

static Suite *
fbcerts_suite(void)
{
	Suite	*s = suite_create("fbcerts");
	TCase	*tc;

	tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, cache_setup, cache_teardown);
	tcase_add_test(tc, max_age_caches);
	tcase_add_test(tc, no_max_age_fetches_every_time);
	tcase_add_test(tc, unknown_kid_refetch_rate_limited);
	tcase_add_test(tc, new_kid_found_by_refetch);
	tcase_add_test(tc, rotation_after_expiry);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, cache_setup, cache_teardown);
	tcase_add_test(tc, refetch_failure_keeps_valid_set);
	tcase_add_test(tc, failure_without_cache_is_upstream);
	tcase_add_test(tc, expired_set_not_used_after_failure);
	tcase_add_test(tc, server_gone_is_upstream);
	tcase_add_test(tc, slow_server_times_out);
	tcase_add_test(tc, bad_documents_refused);
	tcase_add_test(tc, too_many_or_too_large_refused);
	tcase_add_test(tc, unusable_members_skipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("provider_verify");
	tcase_add_checked_fixture(tc, prov_setup, prov_teardown);
	tcase_add_test(tc, init_needs_project_and_key);
	tcase_add_test(tc, verify_good_token);
	tcase_add_test(tc, verify_refusals);
	tcase_add_test(tc, verify_unsigned_refused_without_emulator);
	tcase_add_test(tc, verify_without_certificates_is_upstream);
	tcase_add_test(tc, emulator_accepts_unsigned_only_for_its_project);
	tcase_add_test(tc, emulator_still_checks_signed_tokens);
	suite_add_tcase(s, tc);

	tc = tcase_create("provider_rest");
	tcase_add_checked_fixture(tc, prov_setup, prov_teardown);
	tcase_add_test(tc, sign_in_request_and_session);
	tcase_add_test(tc, sign_in_errors_mapped);
	tcase_add_test(tc, sign_up_answers);
	tcase_add_test(tc, phone_flow);
	tcase_add_test(tc, refresh_flow);
	tcase_add_test(tc, revoke_and_delete_in_production);
	tcase_add_test(tc, emulator_urls_and_admin_revoke);
	tcase_add_test(tc, emulator_delete_falls_back_to_admin);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	log_init("check_fbcerts", LOGLV_ERROR);
	key1 = EVP_RSA_gen(2048);
	key2 = EVP_RSA_gen(2048);
	key_ec = EVP_EC_gen("P-256");
	if (key1 == NULL || key2 == NULL || key_ec == NULL ||
	    (pem1 = cert_pem(key1)) == NULL ||
	    (pem2 = cert_pem(key2)) == NULL ||
	    (pem_ec = cert_pem(key_ec)) == NULL) {
		fprintf(stderr, "check_fbcerts: cannot make keys\n");
		return EXIT_FAILURE;
	}

	sr = srunner_create(fbcerts_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	mem_free(pem1);
	mem_free(pem2);
	mem_free(pem_ec);
	EVP_PKEY_free(key1);
	EVP_PKEY_free(key2);
	EVP_PKEY_free(key_ec);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
