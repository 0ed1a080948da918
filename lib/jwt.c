/*
 * jwt: RS256 JSON Web Tokens (RFC 7515, RFC 7519) with the OpenSSL 3 EVP
 * interfaces.
 *
 * One verify path serves the tokens krow-auth signs itself (local provider)
 * and Firebase ID tokens.  It follows the Firebase Admin SDK: RS256 only
 * (alg "none" only when the emulator is configured), a kid that names a
 * key of the set, then the claims aud, iss, sub, iat, auth_time and exp.
 * Parsing is strict: exactly three segments of base64url without padding,
 * a header and a payload that are each one JSON object of valid UTF-8 and
 * nothing else.  The signature is checked before the payload is parsed, so
 * claims are only ever read from a token the key vouches for.
 *
 * Every refusal carries a short static reason for the log; clients only
 * learn the error code.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "err.h"
#include "jwt.h"
#include "log.h"
#include "mem.h"
#include "valid.h"

#define JWT_MAXKEYS	32		/* keys in one set */
#define JWT_MAXKID	128		/* bytes of a kid */
#define JWT_MAXTOKEN	16384		/* bytes of a compact token */
#define JWT_MAXSUB	128		/* sub length, as Firebase counts */
#define JWT_MINBITS	2048		/* smallest RSA modulus accepted */
#define JWT_MAXBNBYTES	2048		/* n of a 16384-bit key */
#define JWT_MAXTIME	253402300799LL	/* 9999-12-31T23:59:59Z */
#define JWT_JSONDEPTH	8		/* nesting accepted in header/payload */

struct jwt_key {
	char		 kid[JWT_MAXKID + 1];
	EVP_PKEY	*pkey;
};

struct jwt_keyset {
	size_t		 nkeys;
	struct jwt_key	 keys[JWT_MAXKEYS];
};

/* An empty key set; never NULL (see mem.h). */
struct jwt_keyset *
jwt_keyset_new(void)
{
	return mem_calloc(1, sizeof(struct jwt_keyset));
}

/* Release the set and its references on the keys; accepts NULL. */
void
jwt_keyset_free(struct jwt_keyset *ks)
{
	size_t	 i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->nkeys; i++) {
		EVP_PKEY_free(ks->keys[i].pkey);
		ks->keys[i].pkey = NULL;
	}
	mem_free(ks);
}

/*
 * Add an RSA key (public, or private: only its public half is used to
 * verify) under kid.  The set takes its own reference; the caller keeps
 * its own.  Returns -1 when the key is not RSA, kid is empty, longer than
 * 128 bytes or already in the set, or the set is full.
 */
int
jwt_keyset_add(struct jwt_keyset *ks, const char *kid, EVP_PKEY *pkey)
{
	size_t	 len;

	if (ks == NULL || kid == NULL || pkey == NULL)
		return -1;
	len = strlen(kid);
	if (len == 0 || len > JWT_MAXKID || ks->nkeys >= JWT_MAXKEYS)
		return -1;
	if (!EVP_PKEY_is_a(pkey, "RSA"))
		return -1;
	if (jwt_keyset_find(ks, kid) != NULL)
		return -1;
	if (EVP_PKEY_up_ref(pkey) != 1)
		return -1;
	memcpy(ks->keys[ks->nkeys].kid, kid, len + 1);
	ks->keys[ks->nkeys].pkey = pkey;
	ks->nkeys++;
	return 0;
}

/* The key stored under kid (borrowed from the set), or NULL. */
EVP_PKEY *
jwt_keyset_find(const struct jwt_keyset *ks, const char *kid)
{
	size_t	 i;

	if (ks == NULL || kid == NULL)
		return NULL;
	for (i = 0; i < ks->nkeys; i++)
		if (strcmp(ks->keys[i].kid, kid) == 0)
			return ks->keys[i].pkey;
	return NULL;
}

/*
 * Append the RSA parameter name (OSSL_PKEY_PARAM_RSA_N or _E) of pkey as
 * base64url of its unsigned big-endian bytes without leading zeros
 * (RFC 7518 section 6.3.1).  0, or -1 when OpenSSL cannot give it.
 */
static int
bn_b64url(EVP_PKEY *pkey, const char *name, struct buf *out)
{
	BIGNUM		*bn = NULL;
	unsigned char	*bin = NULL;
	int		 len, rc = -1;

	if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1 || bn == NULL)
		goto out;
	len = BN_num_bytes(bn);
	if (len <= 0 || len > JWT_MAXBNBYTES)
		goto out;
	bin = mem_alloc((size_t)len);
	if (BN_bn2bin(bn, bin) != len)
		goto out;
	b64url_encode(out, bin, (size_t)len);
	rc = 0;
out:
	mem_free(bin);
	BN_free(bn);
	ERR_clear_error();
	return rc;
}

/*
 * Append the JWKS document of the set:
 *   {"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":…,"n":…,
 *   "e":…}]}
 * Nothing is appended on failure (-1).
 */
int
jwt_keyset_jwks(const struct jwt_keyset *ks, struct buf *out)
{
	struct buf	 doc;
	size_t		 i;
	int		 rc = -1;

	buf_init(&doc);
	if (ks == NULL)
		goto out;
	buf_puts(&doc, "{\"keys\":[");
	for (i = 0; i < ks->nkeys; i++) {
		if (i > 0)
			buf_putc(&doc, ',');
		buf_puts(&doc, "{\"kty\":\"RSA\",\"alg\":\"RS256\","
		    "\"use\":\"sig\",\"kid\":");
		buf_json_str(&doc, ks->keys[i].kid, strlen(ks->keys[i].kid));
		buf_puts(&doc, ",\"n\":\"");
		if (bn_b64url(ks->keys[i].pkey, OSSL_PKEY_PARAM_RSA_N,
		    &doc) == -1)
			goto out;
		buf_puts(&doc, "\",\"e\":\"");
		if (bn_b64url(ks->keys[i].pkey, OSSL_PKEY_PARAM_RSA_E,
		    &doc) == -1)
			goto out;
		buf_puts(&doc, "\"}");
	}
	buf_puts(&doc, "]}");
	buf_append(out, doc.p, doc.len);
	rc = 0;
out:
	buf_cleanup(&doc);
	return rc;
}

/* PEM password callback: refuse encrypted keys (a worker cannot prompt). */
static int
no_passphrase(char *pw, int size, int rwflag, void *arg)
{
	return -1;
}

/*
 * Load the RSA private key (PKCS#8 or traditional PEM, unencrypted, at
 * least 2048 bits) from path.  The caller owns the key (EVP_PKEY_free).
 * NULL on any error, with the reason logged.
 */
EVP_PKEY *
jwt_load_private_pem(const char *path)
{
	FILE		*fp = NULL;
	BIO		*bio = NULL;
	EVP_PKEY	*key = NULL;

	if (path == NULL || path[0] == '\0') {
		log_msg(LOGLV_ERROR, "no key file configured", NULL);
		goto out;
	}
	if ((fp = fopen(path, "r")) == NULL) {
		log_msg(LOGLV_ERROR, "cannot open key file", "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if ((bio = BIO_new_fp(fp, BIO_CLOSE)) == NULL) {
		fclose(fp);
		log_msg(LOGLV_ERROR, "cannot read key file", "%s", path);
		goto out;
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	if (key == NULL) {
		log_msg(LOGLV_ERROR, "key file holds no usable private key",
		    "%s: not an unencrypted PEM private key", path);
		goto out;
	}
	if (!EVP_PKEY_is_a(key, "RSA")) {
		log_msg(LOGLV_ERROR, "key file does not hold an RSA key",
		    "%s", path);
		EVP_PKEY_free(key);
		key = NULL;
	} else if (EVP_PKEY_get_bits(key) < JWT_MINBITS) {
		log_msg(LOGLV_ERROR, "key is too small", "%s: %d bits, at "
		    "least %d needed", path, EVP_PKEY_get_bits(key),
		    JWT_MINBITS);
		EVP_PKEY_free(key);
		key = NULL;
	}
out:
	BIO_free(bio);
	ERR_clear_error();
	return key;
}

/*
 * Write the RFC 7638 thumbprint of the RSA public key, base64url of the
 * SHA-256 of {"e":…,"kty":"RSA","n":…} (43 characters), NUL-terminated,
 * into kid.  0, or -1 when the key is not RSA or kidlen is under 44.
 */
int
jwt_thumbprint(EVP_PKEY *pkey, char *kid, size_t kidlen)
{
	struct buf	 json, tp;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	int		 rc = -1;

	buf_init(&json);
	buf_init(&tp);
	if (pkey == NULL || kid == NULL || !EVP_PKEY_is_a(pkey, "RSA"))
		goto out;
	buf_puts(&json, "{\"e\":\"");
	if (bn_b64url(pkey, OSSL_PKEY_PARAM_RSA_E, &json) == -1)
		goto out;
	buf_puts(&json, "\",\"kty\":\"RSA\",\"n\":\"");
	if (bn_b64url(pkey, OSSL_PKEY_PARAM_RSA_N, &json) == -1)
		goto out;
	buf_puts(&json, "\"}");
	if (EVP_Digest(json.p, json.len, md, &mdlen, EVP_sha256(),
	    NULL) != 1)
		goto out;
	b64url_encode(&tp, md, mdlen);
	if (tp.len >= kidlen)
		goto out;
	memcpy(kid, tp.p, tp.len + 1);
	rc = 0;
out:
	buf_cleanup(&json);
	buf_cleanup(&tp);
	ERR_clear_error();
	return rc;
}

/*
 * Sign claims[0..claimslen) (a JSON object text, not checked) with key as
 * RS256 under header {"alg":"RS256","typ":"JWT","kid":kid}; append the
 * compact token to out.  0, or -1 (nothing appended) when the key cannot
 * sign or kid is empty or over 128 bytes.
 */
int
jwt_sign_rs256(EVP_PKEY *key, const char *kid, const char *claims,
    size_t claimslen, struct buf *out)
{
	struct buf	 hdr, in;
	EVP_MD_CTX	*ctx = NULL;
	unsigned char	*sig = NULL;
	size_t		 siglen = 0, kidlen;
	int		 rc = -1;

	buf_init(&hdr);
	buf_init(&in);
	if (key == NULL || kid == NULL || claims == NULL ||
	    !EVP_PKEY_is_a(key, "RSA"))
		goto out;
	kidlen = strlen(kid);
	if (kidlen == 0 || kidlen > JWT_MAXKID)
		goto out;
	buf_puts(&hdr, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":");
	buf_json_str(&hdr, kid, kidlen);
	buf_putc(&hdr, '}');
	b64url_encode(&in, hdr.p, hdr.len);
	buf_putc(&in, '.');
	b64url_encode(&in, claims, claimslen);

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) != 1)
		goto out;
	if (EVP_DigestSign(ctx, NULL, &siglen, (unsigned char *)in.p,
	    in.len) != 1 || siglen == 0)
		goto out;
	sig = mem_alloc(siglen);
	if (EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)in.p,
	    in.len) != 1)
		goto out;
	buf_append(out, in.p, in.len);
	buf_putc(out, '.');
	b64url_encode(out, sig, siglen);
	rc = 0;
out:
	mem_free(sig);
	EVP_MD_CTX_free(ctx);
	buf_cleanup(&hdr);
	buf_cleanup(&in);
	ERR_clear_error();
	return rc;
}

/*
 * Parse p[0..len) as exactly one JSON object: valid UTF-8 (shortest
 * forms, no surrogates, no NUL byte), nothing after the closing brace,
 * nested at most JWT_JSONDEPTH deep.
 * The caller puts the result; NULL when the text is anything else.
 */
static struct json_object *
parse_object(const char *p, size_t len)
{
	struct json_tokener	*tok;
	struct json_object	*obj;

	if (p == NULL || len == 0 || len > JWT_MAXTOKEN || !valid_utf8(p, len))
		return NULL;
	if ((tok = json_tokener_new_ex(JWT_JSONDEPTH)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, p, (int)len);
	if (obj != NULL &&
	    (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(obj, json_type_object))) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/*
 * The string member name of obj (borrowed), with its byte length, or NULL
 * when it is absent or not a string.  *present tells the two apart.
 */
static const char *
get_str(struct json_object *obj, const char *name, size_t *len,
    int *present)
{
	struct json_object	*v;
	int			 n;

	*len = 0;
	*present = json_object_object_get_ex(obj, name, &v);
	if (!*present || !json_object_is_type(v, json_type_string))
		return NULL;
	if ((n = json_object_get_string_len(v)) < 0)
		return NULL;
	*len = (size_t)n;
	return json_object_get_string(v);
}

/* 1 when s[0..len) is exactly the C string want (no NUL inside s). */
static int
str_eq(const char *s, size_t len, const char *want)
{
	return s != NULL && strlen(want) == len && memcmp(s, want, len) == 0;
}

/*
 * A NumericDate claim (RFC 7519 section 2): a JSON number from 0 to
 * JWT_MAXTIME, any fraction dropped.  Returns 1 with *out set, 0 when
 * absent, -1 when present but not such a number.
 */
static int
get_time(struct json_object *obj, const char *name, long long *out)
{
	struct json_object	*v;
	int64_t			 i;
	double			 d;

	if (!json_object_object_get_ex(obj, name, &v))
		return 0;
	switch (json_object_get_type(v)) {
	case json_type_int:
		/* Past INT64_MAX json-c saturates: still out of range. */
		i = json_object_get_int64(v);
		if (i < 0 || i > JWT_MAXTIME)
			return -1;
		*out = (long long)i;
		return 1;
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d < 0 || d > (double)JWT_MAXTIME)
			return -1;
		*out = (long long)d;
		return 1;
	default:
		return -1;
	}
}

/*
 * Length of UTF-8 text s[0..len) in UTF-16 code units, which is what
 * JavaScript's String.length (and so the Admin SDK's "sub" check)
 * counts: a character beyond the BMP counts two.
 */
static size_t
utf16_len(const char *s, size_t len)
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) == 0x80)
			continue;
		n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/*
 * Split token[0..len) into its three segments.  -1 unless there are
 * exactly two dots.
 */
static int
split(const char *token, size_t len, const char **seg, size_t *seglen)
{
	const char	*d1, *d2, *end = token + len;

	if ((d1 = memchr(token, '.', len)) == NULL)
		return -1;
	if ((d2 = memchr(d1 + 1, '.', (size_t)(end - d1 - 1))) == NULL)
		return -1;
	if (memchr(d2 + 1, '.', (size_t)(end - d2 - 1)) != NULL)
		return -1;
	seg[0] = token;
	seglen[0] = (size_t)(d1 - token);
	seg[1] = d1 + 1;
	seglen[1] = (size_t)(d2 - d1 - 1);
	seg[2] = d2 + 1;
	seglen[2] = (size_t)(end - d2 - 1);
	return 0;
}

/*
 * Check the protected header: alg RS256 with a kid (1..128 bytes), or alg
 * "none" when allowed; typ, when present, "JWT"; no "crit" (we understand
 * no extension, RFC 7515 section 4.1.11).  Sets *unsigned_alg and *kid
 * (borrowed from h, NULL when absent).  NULL, or the reason for refusal.
 */
static const char *
check_header(struct json_object *h, int allow_unsigned, int *unsigned_alg,
    const char **kid)
{
	const char	*alg, *typ;
	size_t		 alglen, typlen, kidlen;
	int		 present;

	*unsigned_alg = 0;
	*kid = NULL;
	alg = get_str(h, "alg", &alglen, &present);
	if (alg == NULL)
		return "missing alg";
	typ = get_str(h, "typ", &typlen, &present);
	if (present && !str_eq(typ, typlen, "JWT"))
		return "typ is not JWT";
	if (json_object_object_get_ex(h, "crit", NULL))
		return "crit header not supported";
	*kid = get_str(h, "kid", &kidlen, &present);
	if (present && (*kid == NULL || kidlen == 0 || kidlen > JWT_MAXKID ||
	    strlen(*kid) != kidlen))
		return "bad kid";
	if (str_eq(alg, alglen, "none")) {
		if (!allow_unsigned)
			return "unsigned token";
		*unsigned_alg = 1;
		return NULL;
	}
	if (!str_eq(alg, alglen, "RS256"))
		return "alg is not RS256";
	if (*kid == NULL)
		return "missing kid";
	return NULL;
}

/*
 * Verify the RS256 signature sigb64[0..siglen) (base64url) of
 * input[0..inputlen) with key.  NULL when it is valid, else the reason.
 */
static const char *
check_signature(EVP_PKEY *key, const char *input, size_t inputlen,
    const char *sigb64, size_t siglen)
{
	struct buf	 sig;
	EVP_MD_CTX	*ctx = NULL;
	const char	*reason = "bad signature";

	buf_init(&sig);
	if (EVP_PKEY_get_bits(key) < JWT_MINBITS) {
		reason = "key too small";
		goto out;
	}
	if (siglen == 0) {
		reason = "missing signature";
		goto out;
	}
	if (b64url_decode(&sig, sigb64, siglen) == -1) {
		reason = "signature is not base64url";
		goto out;
	}
	if (sig.len != (size_t)EVP_PKEY_get_size(key))
		goto out;
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		reason = "out of memory";
		goto out;
	}
	if (EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) != 1)
		goto out;
	if (EVP_DigestVerify(ctx, (const unsigned char *)sig.p, sig.len,
	    (const unsigned char *)input, inputlen) != 1)
		goto out;
	reason = NULL;
out:
	EVP_MD_CTX_free(ctx);
	buf_cleanup(&sig);
	ERR_clear_error();
	return reason;
}

/*
 * Check the claims of a token whose signature holds and fill out (arena
 * copies).  NULL when they are valid; else the reason, with *e set to
 * ERR_TOKEN_EXPIRED for a token that is valid but for its age, ERR_UNAUTH
 * otherwise.
 */
static const char *
check_claims(struct json_object *c, const struct jwt_verify_opts *o,
    struct arena *a, struct jwt_claims *out, enum err *e)
{
	const char	*aud, *iss, *sub, *s;
	size_t		 audlen, isslen, sublen, len;
	long long	 late, early;
	int		 present, rc;

	*e = ERR_UNAUTH;
	if (__builtin_add_overflow(o->now, o->skew, &late) ||
	    __builtin_sub_overflow(o->now, o->skew, &early))
		return "bad clock";

	/* An array aud is refused, as Firebase does. */
	aud = get_str(c, "aud", &audlen, &present);
	if (aud == NULL)
		return present ? "aud is not a string" : "missing aud";
	if (!str_eq(aud, audlen, o->audience))
		return "wrong aud";
	iss = get_str(c, "iss", &isslen, &present);
	if (iss == NULL)
		return "missing iss";
	if (!str_eq(iss, isslen, o->issuer))
		return "wrong iss";
	sub = get_str(c, "sub", &sublen, &present);
	if (sub == NULL || sublen == 0)
		return "missing sub";
	if (strlen(sub) != sublen || utf16_len(sub, sublen) > JWT_MAXSUB)
		return "bad sub";

	if (get_time(c, "iat", &out->iat) != 1)
		return "bad iat";
	if (out->iat > late)
		return "iat in the future";
	if ((rc = get_time(c, "auth_time", &out->auth_time)) == -1)
		return "bad auth_time";
	if (rc == 0)
		out->auth_time = out->iat;
	else if (out->auth_time > late)
		return "auth_time in the future";
	if (get_time(c, "exp", &out->exp) != 1)
		return "bad exp";
	if (out->exp <= out->iat)
		return "exp not after iat";

	out->aud = arena_strndup(a, aud, audlen);
	out->iss = arena_strndup(a, iss, isslen);
	out->sub = arena_strndup(a, sub, sublen);
	/* Optional claims are copied when they are plain strings. */
	if ((s = get_str(c, "email", &len, &present)) != NULL &&
	    strlen(s) == len)
		out->email = arena_strndup(a, s, len);
	if ((s = get_str(c, "phone_number", &len, &present)) != NULL &&
	    strlen(s) == len)
		out->phone = arena_strndup(a, s, len);

	if (out->exp <= early) {
		*e = ERR_TOKEN_EXPIRED;
		return "token expired";
	}
	return NULL;
}

/*
 * Verify a compact token (see jwt.h for the rules).  out is zeroed, then
 * filled with arena copies only when ERR_OK is returned.  *why is NULL on
 * success, else a static reason for the log.
 */
enum err
jwt_verify(const char *token, size_t len, const struct jwt_keyset *keys,
    const struct jwt_verify_opts *o, struct arena *a,
    struct jwt_claims *out, const char **why)
{
	struct buf		 hdr, pay;
	struct json_object	*h = NULL, *c = NULL;
	const char		*seg[3], *kid, *reason;
	size_t			 seglen[3];
	EVP_PKEY		*key;
	enum err		 e = ERR_UNAUTH;
	int			 unsigned_alg;

	buf_init(&hdr);
	buf_init(&pay);
	memset(out, 0, sizeof(*out));
	if (token == NULL || o == NULL || o->issuer == NULL ||
	    o->audience == NULL || a == NULL) {
		reason = "bad arguments";
		goto out;
	}
	if (len > JWT_MAXTOKEN) {
		reason = "token too long";
		goto out;
	}
	if (split(token, len, seg, seglen) == -1) {
		reason = "not three segments";
		goto out;
	}
	if (seglen[0] == 0 || b64url_decode(&hdr, seg[0], seglen[0]) == -1) {
		reason = "header is not base64url";
		goto out;
	}
	if ((h = parse_object(hdr.p, hdr.len)) == NULL) {
		reason = "header is not a JSON object";
		goto out;
	}
	if ((reason = check_header(h, o->allow_unsigned, &unsigned_alg,
	    &kid)) != NULL)
		goto out;

	/* The signing input is the first two segments and their dot. */
	if (unsigned_alg) {
		if (seglen[2] != 0) {
			reason = "unsigned token with a signature";
			goto out;
		}
	} else {
		if ((key = jwt_keyset_find(keys, kid)) == NULL) {
			reason = "unknown kid";
			goto out;
		}
		if ((reason = check_signature(key, token,
		    seglen[0] + 1 + seglen[1], seg[2], seglen[2])) != NULL)
			goto out;
	}

	if (seglen[1] == 0 || b64url_decode(&pay, seg[1], seglen[1]) == -1) {
		reason = "payload is not base64url";
		goto out;
	}
	if ((c = parse_object(pay.p, pay.len)) == NULL) {
		reason = "payload is not a JSON object";
		goto out;
	}
	if ((reason = check_claims(c, o, a, out, &e)) != NULL)
		goto out;
	if (kid != NULL)
		out->kid = arena_strdup(a, kid);
	e = ERR_OK;
out:
	if (e != ERR_OK)
		memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = e == ERR_OK ? NULL : reason;
	json_object_put(c);
	json_object_put(h);
	buf_cleanup(&pay);
	buf_cleanup(&hdr);
	return e;
}
