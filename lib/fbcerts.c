/*
 * fbcerts: the Firebase certificate cache (see fbcerts.h for the rules).
 *
 * State is one key set and three times: until when it may be used, when
 * the last fetch was attempted and whether it failed.  A fetched document
 * becomes a whole new jwt_keyset, which replaces the old one only when it
 * holds at least one usable key; so a broken answer never empties a set
 * that is still valid.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "err.h"
#include "fbcerts.h"
#include "httpc.h"
#include "jwt.h"
#include "log.h"
#include "mem.h"
#include "valid.h"

/* The document: members, each a PEM a bit longer once JSON-escaped. */
#define FBCERTS_MAXDOC	(FBCERTS_MAXCERTS * (FBCERTS_MAXPEM + 4096))
#define FBCERTS_DEPTH	4

struct fbcerts {
	char			*url;
	long			 timeout_ms;
	struct jwt_keyset	*ks;		/* NULL until a fetch worked */
	long long		 valid_until;	/* ks serves while now < this */
	long long		 last_attempt;	/* LLONG_MIN: never */
	int			 last_failed;
	unsigned long		 fetches;
};

/* A cache for url; nothing fetched yet. */
struct fbcerts *
fbcerts_new(const char *url, long timeout_ms)
{
	struct fbcerts	*fc;

	fc = mem_calloc(1, sizeof(*fc));
	fc->url = mem_strdup(url != NULL ? url : "");
	fc->timeout_ms = timeout_ms;
	fc->last_attempt = LLONG_MIN;
	return fc;
}

/* Free the cache and its keys; accepts NULL. */
void
fbcerts_free(struct fbcerts *fc)
{
	if (fc == NULL)
		return;
	jwt_keyset_free(fc->ks);
	mem_free(fc->url);
	mem_free(fc);
}

unsigned long
fbcerts_fetches(const struct fbcerts *fc)
{
	return fc != NULL ? fc->fetches : 0;
}

/*
 * Parse p[0..len) as one JSON object (UTF-8, strict, trailing whitespace
 * allowed).  The caller puts the result; NULL on anything else.
 */
static struct json_object *
parse_object(const char *p, size_t len)
{
	struct json_tokener	*tok;
	struct json_object	*obj;
	size_t			 end;

	if (len == 0 || len > INT_MAX || !valid_utf8(p, len))
		return NULL;
	if ((tok = json_tokener_new_ex(FBCERTS_DEPTH)) == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, p, (int)len);
	end = obj != NULL ? json_tokener_get_parse_end(tok) : 0;
	json_tokener_free(tok);
	if (obj == NULL)
		return NULL;
	for (; end < len; end++)
		if (p[end] != ' ' && p[end] != '\t' && p[end] != '\r' &&
		    p[end] != '\n')
			break;
	if (end != len || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return NULL;
	}
	return obj;
}

/*
 * The RSA public key of the PEM X.509 certificate pem[0..len), owned by
 * the caller; NULL when it is anything else.
 */
static EVP_PKEY *
cert_key(const char *pem, size_t len)
{
	BIO		*bio;
	X509		*x = NULL;
	EVP_PKEY	*key = NULL;

	if ((bio = BIO_new_mem_buf(pem, (int)len)) == NULL)
		goto out;
	if ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) == NULL)
		goto out;
	if ((key = X509_get_pubkey(x)) == NULL)
		goto out;
	if (!EVP_PKEY_is_a(key, "RSA")) {
		EVP_PKEY_free(key);
		key = NULL;
	}
out:
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	return key;
}

/*
 * Build a key set from the document doc[0..len).  NULL, with *why set,
 * when the document is refused (see fbcerts.h).
 */
static struct jwt_keyset *
parse_doc(const char *doc, size_t len, const char **why)
{
	struct json_object	*obj;
	struct jwt_keyset	*ks = NULL;
	struct json_object_iterator it, end;
	struct json_object	*v;
	const char		*kid, *pem;
	EVP_PKEY		*key;
	size_t			 usable = 0;
	int			 pemlen;

	if ((obj = parse_object(doc, len)) == NULL) {
		*why = "not a JSON object";
		return NULL;
	}
	if (json_object_object_get_ex(obj, "error", NULL)) {
		*why = "an error document";
		goto out;
	}
	if (json_object_object_length(obj) > FBCERTS_MAXCERTS) {
		*why = "too many certificates";
		goto out;
	}
	ks = jwt_keyset_new();
	it = json_object_iter_begin(obj);
	end = json_object_iter_end(obj);
	for (; !json_object_iter_equal(&it, &end);
	    json_object_iter_next(&it)) {
		kid = json_object_iter_peek_name(&it);
		v = json_object_iter_peek_value(&it);
		if (!json_object_is_type(v, json_type_string) ||
		    (pemlen = json_object_get_string_len(v)) < 0) {
			*why = "a member is not a string";
			goto fail;
		}
		if ((size_t)pemlen > FBCERTS_MAXPEM) {
			*why = "a certificate is too large";
			goto fail;
		}
		pem = json_object_get_string(v);
		if ((key = cert_key(pem, (size_t)pemlen)) == NULL) {
			log_msg(LOGLV_WARN, "firebase certificate skipped",
			    "kid %.64s: not a PEM X.509 certificate with an "
			    "RSA key", kid);
			continue;
		}
		if (jwt_keyset_add(ks, kid, key) == -1)
			log_msg(LOGLV_WARN, "firebase certificate skipped",
			    "kid %.64s: bad kid or key too small", kid);
		else
			usable++;
		EVP_PKEY_free(key);
	}
	if (usable == 0) {
		*why = "no usable certificate";
		goto fail;
	}
	goto out;
fail:
	jwt_keyset_free(ks);
	ks = NULL;
out:
	json_object_put(obj);
	return ks;
}

/*
 * Fetch the document and, when it is good, replace the set.  0, or -1
 * (logged) with the old set left alone.
 */
static int
fetch(struct fbcerts *fc, long long now)
{
	struct httpc_req	 rq;
	struct httpc_resp	 rs;
	struct jwt_keyset	*ks;
	const char		*why = NULL;
	long long		 age;
	int			 rc = -1;

	fc->fetches++;
	fc->last_attempt = now;
	fc->last_failed = 1;
	memset(&rq, 0, sizeof(rq));
	rq.method = "GET";
	rq.url = fc->url;
	rq.timeout_ms = fc->timeout_ms;
	rq.body_max = FBCERTS_MAXDOC;
	if (httpc_do(&rq, &rs) != ERR_OK)
		return -1;		/* httpc logged why */
	if (rs.status != 200) {
		log_msg(LOGLV_WARN, "firebase certificates unavailable",
		    "HTTP status %ld", rs.status);
		goto out;
	}
	if ((ks = parse_doc(rs.body.p, rs.body.len, &why)) == NULL) {
		log_msg(LOGLV_WARN, "firebase certificates refused", "%s",
		    why);
		goto out;
	}
	jwt_keyset_free(fc->ks);
	fc->ks = ks;
	age = httpc_max_age(rs.cache_control);
	/* No max-age: good for the verification at hand only. */
	fc->valid_until = age > 0 ? now + age : now;
	fc->last_failed = 0;
	rc = 0;
out:
	httpc_resp_cleanup(&rs);
	return rc;
}

/* The set for a token with kid at now (see fbcerts.h). */
enum err
fbcerts_keys(struct fbcerts *fc, const char *kid, long long now,
    const struct jwt_keyset **out)
{
	*out = NULL;
	if (fc == NULL)
		return ERR_UPSTREAM;
	if (fc->ks != NULL && now < fc->valid_until) {
		/* A valid set: refetch only for an unknown kid, rarely. */
		if (kid != NULL && jwt_keyset_find(fc->ks, kid) == NULL &&
		    (fc->last_attempt == LLONG_MIN ||
		    now - fc->last_attempt >= FBCERTS_KID_INTERVAL ||
		    now < fc->last_attempt) &&
		    fetch(fc, now) == -1)
			log_msg(LOGLV_INFO, "keeping the cached firebase "
			    "certificates", NULL);
		*out = fc->ks;
		return ERR_OK;
	}
	/* Nothing valid: fetch, unless one just failed. */
	if (fc->last_failed && now >= fc->last_attempt &&
	    now - fc->last_attempt < FBCERTS_FAIL_BACKOFF)
		return ERR_UPSTREAM;
	if (fetch(fc, now) == -1)
		return ERR_UPSTREAM;
	*out = fc->ks;
	return ERR_OK;
}
