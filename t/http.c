/*
 * http: the integration suite's HTTP client (libcurl) and token helpers.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "buf.h"
#include "conf.h"
#include "jwt.h"
#include "mem.h"
#include "http.h"

#define HTTP_TIMEOUT	30L	/* seconds for one request */

/* Initialise libcurl once for the process.  0 or -1. */
int
http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* $KROW_TEST_URL, or NULL when unset or empty. */
const char *
http_base(void)
{
	const char	*s;

	s = getenv("KROW_TEST_URL");
	return (s == NULL || *s == '\0') ? NULL : s;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;

	buf_append(b, p, size * n);
	return size * n;
}

/* Keep the header block of the last response only (a 100 Continue comes
 * first with its own status line). */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;
	size_t		 len = size * n;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0)
		buf_reset(b);
	buf_append(b, p, len);
	return len;
}

/* Send a request; see http.h. */
int
http_do_len(const char *method, const char *path,
    const char *const *headers, const char *body, size_t bodylen,
    struct http_res *res)
{
	CURL			*c = NULL;
	struct curl_slist	*hl = NULL, *t;
	struct buf		 url, b;
	CURLcode		 cc;
	const char		*base;
	size_t			 i;
	int			 rc = -1;

	memset(res, 0, sizeof(*res));
	buf_init(&res->headers);
	buf_init(&url);
	buf_init(&b);
	if ((base = http_base()) == NULL) {
		fprintf(stderr, "http: KROW_TEST_URL is not set\n");
		goto out;
	}
	buf_puts(&url, base);
	buf_puts(&url, path);
	if ((c = curl_easy_init()) == NULL) {
		fprintf(stderr, "http: curl_easy_init failed\n");
		goto out;
	}
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if ((t = curl_slist_append(hl, headers[i])) == NULL) {
			fprintf(stderr, "http: curl_slist_append failed\n");
			goto out;
		}
		hl = t;
	}
	if (curl_easy_setopt(c, CURLOPT_URL, buf_cstr(&url)) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT, HTTP_TIMEOUT) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_HEADERDATA, &res->headers) !=
	    CURLE_OK) {
		fprintf(stderr, "http: curl_easy_setopt failed\n");
		goto out;
	}
	if (strcmp(method, "HEAD") == 0 &&
	    curl_easy_setopt(c, CURLOPT_NOBODY, 1L) != CURLE_OK)
		goto out;
	if (body != NULL &&
	    (curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)bodylen) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body) != CURLE_OK)) {
		fprintf(stderr, "http: curl_easy_setopt body failed\n");
		goto out;
	}
	cc = curl_easy_perform(c);
	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status) !=
	    CURLE_OK)
		res->status = 0;
	/*
	 * A server that refuses a large body (413) may close the connection
	 * while the body is still being sent: the answer counts when one
	 * was received.
	 */
	if (cc != CURLE_OK && (res->status == 0 ||
	    (cc != CURLE_SEND_ERROR && cc != CURLE_RECV_ERROR))) {
		fprintf(stderr, "http: %s %s: %s\n", method, path,
		    curl_easy_strerror(cc));
		res->status = 0;
		goto out;
	}
	rc = 0;
out:
	if (b.p == NULL)
		buf_puts(&b, "");
	res->body = b.p;
	res->len = b.len;
	curl_slist_free_all(hl);
	if (c != NULL)
		curl_easy_cleanup(c);
	buf_cleanup(&url);
	return rc;
}

/* http_do_len() with a NUL-terminated body. */
int
http_do(const char *method, const char *path, const char *const *headers,
    const char *body, struct http_res *res)
{
	return http_do_len(method, path, headers, body,
	    body == NULL ? 0 : strlen(body), res);
}

/* Release what http_do() allocated; res can be used again. */
void
http_res_free(struct http_res *res)
{
	if (res == NULL)
		return;
	mem_free(res->body);
	res->body = NULL;
	res->len = 0;
	buf_cleanup(&res->headers);
	if (res->json != NULL)
		json_object_put(res->json);
	res->json = NULL;
}

/* Find the last header called name; see http.h. */
char *
http_header(const struct http_res *res, const char *name, char *dst,
    size_t dstlen)
{
	const char	*p, *end, *eol, *colon, *v, *ve;
	size_t		 nlen = strlen(name), n;
	char		*found = NULL;

	if (dstlen == 0 || res->headers.p == NULL)
		return NULL;
	p = res->headers.p;
	end = p + res->headers.len;
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		colon = memchr(p, ':', (size_t)(eol - p));
		if (colon == NULL || (size_t)(colon - p) != nlen ||
		    strncasecmp(p, name, nlen) != 0)
			continue;
		v = colon + 1;
		ve = eol;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && isspace((unsigned char)ve[-1]))
			ve--;
		n = (size_t)(ve - v);
		if (n >= dstlen)
			n = dstlen - 1;
		memcpy(dst, v, n);
		dst[n] = '\0';
		found = dst;
		if (eol == end)
			break;
	}
	return found;
}

/* Parse the body once; NULL when it is not exactly one JSON value. */
struct json_object *
http_json(struct http_res *res)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	size_t			 used;

	if (res->json != NULL)
		return res->json;
	if (res->body == NULL || res->len == 0 || res->len > 0x7fffffff)
		return NULL;
	if ((tok = json_tokener_new()) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, res->body, (int)res->len);
	used = json_tokener_get_parse_end(tok);
	if (o != NULL && json_tokener_get_error(tok) == json_tokener_success) {
		while (used < res->len &&
		    isspace((unsigned char)res->body[used]))
			used++;
		if (used == res->len)
			res->json = o;
		else
			json_object_put(o);
	} else if (o != NULL)
		json_object_put(o);
	json_tokener_free(tok);
	return res->json;
}

/* The string at a dotted path of the body; see http.h. */
const char *
http_json_str(struct http_res *res, const char *path)
{
	struct json_object	*o, *child;
	char			 key[128];
	const char		*p, *dot;
	size_t			 n;

	if ((o = http_json(res)) == NULL)
		return NULL;
	for (p = path; ; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		n = (size_t)(dot - p);
		if (n == 0 || n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (!json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, key, &child))
			return NULL;
		o = child;
		if (*dot == '\0')
			break;
	}
	if (!json_object_is_type(o, json_type_string))
		return NULL;
	return json_object_get_string(o);
}

/* "Authorization: Bearer <token>"; see http.h. */
char *
http_bearer(char *dst, size_t dstlen, const char *token)
{
	int	 n;

	n = snprintf(dst, dstlen, "Authorization: Bearer %s", token);
	if (n < 0 || (size_t)n >= dstlen)
		return NULL;
	return dst;
}

/* Sign in through the API; see http.h. */
char *
http_sign_in(const char *email, const char *password, char **refresh,
    long *status)
{
	static const char *const hdrs[] = {
		"Content-Type: application/json", NULL
	};
	struct http_res	 res;
	struct buf	 body;
	const char	*id, *rt;
	char		*out = NULL;

	if (refresh != NULL)
		*refresh = NULL;
	buf_init(&body);
	buf_puts(&body, "{\"email\":");
	buf_json_str(&body, email, strlen(email));
	buf_puts(&body, ",\"password\":");
	buf_json_str(&body, password, strlen(password));
	buf_putc(&body, '}');
	if (status != NULL)
		*status = 0;
	if (http_do_len("POST", "/auth/client/sign-in", hdrs, body.p,
	    body.len, &res) == 0 && status != NULL)
		*status = res.status;
	if (res.status != 200) {
		fprintf(stderr, "http: sign-in of %s: status %ld: %s\n",
		    email, res.status, res.body == NULL ? "" : res.body);
		goto out;
	}
	if ((id = http_json_str(&res, "idToken")) == NULL ||
	    (rt = http_json_str(&res, "refreshToken")) == NULL) {
		fprintf(stderr, "http: sign-in answer without tokens\n");
		goto out;
	}
	out = mem_strdup(id);
	if (refresh != NULL)
		*refresh = mem_strdup(rt);
out:
	http_res_free(&res);
	buf_cleanup(&body);
	return out;
}

/*
 * The stack's token settings: issuer, audience and signing key, from its
 * configuration file ($KROW_TEST_STATE/etc/krow.conf, with the KROW_*
 * environment on top, as the programs read it).  Defaults when the file
 * cannot be read: "krow-local", "krow", $KROW_TEST_STATE/etc/auth-key.pem.
 */
struct mint_conf {
	char	issuer[256];
	char	audience[256];
	char	keyfile[1024];
};

static int
copy_str(char *dst, size_t dstlen, const char *src)
{
	int	 n;

	n = snprintf(dst, dstlen, "%s", src);
	return (n < 0 || (size_t)n >= dstlen) ? -1 : 0;
}

static int
mint_conf_load(struct mint_conf *mc)
{
	struct conf	*cf = NULL;
	const char	*state;
	char		 path[1024], err[512];
	int		 n;

	if ((state = getenv("KROW_TEST_STATE")) == NULL || *state == '\0') {
		fprintf(stderr, "http: KROW_TEST_STATE is not set\n");
		return -1;
	}
	if (copy_str(mc->issuer, sizeof(mc->issuer), "krow-local") == -1 ||
	    copy_str(mc->audience, sizeof(mc->audience), "krow") == -1)
		return -1;
	n = snprintf(mc->keyfile, sizeof(mc->keyfile), "%s/etc/auth-key.pem",
	    state);
	if (n < 0 || (size_t)n >= sizeof(mc->keyfile))
		return -1;
	n = snprintf(path, sizeof(path), "%s/etc/krow.conf", state);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	if (conf_load(&cf, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "http: %s (using defaults)\n", err);
		return 0;
	}
	if (*conf_str(cf, CONF_AUTH_ISSUER) != '\0' &&
	    copy_str(mc->issuer, sizeof(mc->issuer),
	    conf_str(cf, CONF_AUTH_ISSUER)) == -1)
		goto fail;
	if (*conf_str(cf, CONF_AUTH_AUDIENCE) != '\0' &&
	    copy_str(mc->audience, sizeof(mc->audience),
	    conf_str(cf, CONF_AUTH_AUDIENCE)) == -1)
		goto fail;
	if (*conf_str(cf, CONF_AUTH_KEY_FILE) != '\0' &&
	    copy_str(mc->keyfile, sizeof(mc->keyfile),
	    conf_str(cf, CONF_AUTH_KEY_FILE)) == -1)
		goto fail;
	conf_free(cf);
	return 0;
fail:
	conf_free(cf);
	return -1;
}

static void
claims(struct buf *b, const struct mint_conf *mc, const char *sub,
    long long iat, long long exp)
{
	buf_puts(b, "{\"iss\":");
	buf_json_str(b, mc->issuer, strlen(mc->issuer));
	buf_puts(b, ",\"aud\":");
	buf_json_str(b, mc->audience, strlen(mc->audience));
	buf_puts(b, ",\"sub\":");
	buf_json_str(b, sub, strlen(sub));
	buf_printf(b, ",\"iat\":%lld,\"exp\":%lld,\"auth_time\":%lld}",
	    iat, exp, iat);
}

/* See http.h. */
long long
http_gateway_window(void)
{
	struct conf	*cf = NULL;
	const char	*state;
	char		 path[1024], err[512];
	long long	 v;
	int		 n;

	if ((state = getenv("KROW_TEST_STATE")) == NULL || *state == '\0') {
		fprintf(stderr, "http: KROW_TEST_STATE is not set\n");
		return 0;
	}
	n = snprintf(path, sizeof(path), "%s/etc/krow.conf", state);
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	if (conf_load(&cf, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "http: %s\n", err);
		return 0;
	}
	v = conf_int(cf, CONF_AUTH_GATEWAY_CACHE_SECONDS);
	conf_free(cf);
	return v > 0 ? v + 1 : 0;
}

/* Mint a token as krow-auth does; see http.h. */
char *
http_mint(const char *sub, long long iat_off, long long exp_off,
    unsigned flags)
{
	struct mint_conf	 mc;
	EVP_PKEY		*key = NULL, *other = NULL;
	struct buf		 cl, tok, tok2;
	char			 kid[128];
	const char		*d1, *d2, *s1, *s2;
	long long		 now = (long long)time(NULL);
	char			*out = NULL;

	buf_init(&cl);
	buf_init(&tok);
	buf_init(&tok2);
	if (mint_conf_load(&mc) == -1)
		goto out;
	if (flags & HTTP_MINT_BAD_ISSUER &&
	    copy_str(mc.issuer, sizeof(mc.issuer), "https://evil.example")
	    == -1)
		goto out;
	if ((key = jwt_load_private_pem(mc.keyfile)) == NULL) {
		fprintf(stderr, "http: cannot load key %s\n", mc.keyfile);
		goto out;
	}
	if (jwt_thumbprint(key, kid, sizeof(kid)) == -1) {
		fprintf(stderr, "http: jwt_thumbprint failed\n");
		goto out;
	}
	if (flags & HTTP_MINT_OTHER_KEY) {
		/* Same kid, another key: only the signature gives it away. */
		if ((other = EVP_RSA_gen(2048)) == NULL) {
			fprintf(stderr, "http: EVP_RSA_gen failed\n");
			goto out;
		}
	}
	claims(&cl, &mc, sub, now + iat_off, now + exp_off);
	if (jwt_sign_rs256(other != NULL ? other : key, kid, cl.p, cl.len,
	    &tok) == -1) {
		fprintf(stderr, "http: jwt_sign_rs256 failed\n");
		goto out;
	}
	if (flags & HTTP_MINT_TAMPER) {
		/*
		 * Keep header and signature, swap in the payload of a token
		 * for another subject (as an attacker editing the claims).
		 */
		buf_reset(&cl);
		claims(&cl, &mc, "demo-admin", now + iat_off, now + exp_off);
		if (jwt_sign_rs256(key, kid, cl.p, cl.len, &tok2) == -1)
			goto out;
		if ((d1 = strchr(buf_cstr(&tok), '.')) == NULL ||
		    (s1 = strchr(d1 + 1, '.')) == NULL ||
		    (d2 = strchr(buf_cstr(&tok2), '.')) == NULL ||
		    (s2 = strchr(d2 + 1, '.')) == NULL)
			goto out;
		buf_reset(&cl);
		buf_append(&cl, tok.p, (size_t)(d1 - tok.p));
		buf_append(&cl, d2, (size_t)(s2 - d2));
		buf_puts(&cl, s1);
		out = mem_strdup(buf_cstr(&cl));
		goto out;
	}
	out = mem_strdup(buf_cstr(&tok));
out:
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
	buf_cleanup(&cl);
	buf_cleanup(&tok);
	buf_cleanup(&tok2);
	return out;
}
