/*
 * idem: the Idempotency-Key layer of krow-command (see idem.h for the
 * contract and the concurrency argument).
 *
 * The pure parts (key check, canonical JSON, fingerprint) need no
 * database and are tested by t/check_idem; idem_begin() and
 * idem_finish() drive the transaction around a handler and are tested
 * through nginx by t/check_commands.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "arena.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "idem.h"
#include "log.h"
#include "mem.h"
#include "req.h"
#include "resp.h"
#include "router.h"

/*
 * 1 when s is an Idempotency-Key: 1 to IDEM_KEYMAX bytes, every one
 * printable ASCII (space included, control bytes and non-ASCII not).
 */
int
idem_key_valid(const char *s)
{
	size_t	 n;

	if (s == NULL)
		return 0;
	for (n = 0; s[n] != '\0'; n++) {
		if (n >= IDEM_KEYMAX)
			return 0;
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] > 0x7e)
			return 0;
	}
	return n > 0;
}

static int
keycmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append the canonical form of o to out (see idem_canonical()). */
static void
canon(struct json_object *o, struct buf *out)
{
	struct json_object_iterator	 it, end;
	struct json_object		*v;
	const char			**keys, *s;
	size_t				 n, i;

	switch (json_object_get_type(o)) {
	case json_type_object:
		n = (size_t)json_object_object_length(o);
		keys = mem_calloc(n > 0 ? n : 1, sizeof(*keys));
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (i = 0; i < n && !json_object_iter_equal(&it, &end); i++) {
			keys[i] = json_object_iter_peek_name(&it);
			json_object_iter_next(&it);
		}
		n = i;
		qsort(keys, n, sizeof(*keys), keycmp);
		buf_putc(out, '{');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(out, ',');
			buf_json_str(out, keys[i], strlen(keys[i]));
			buf_putc(out, ':');
			v = NULL;
			(void)json_object_object_get_ex(o, keys[i], &v);
			canon(v, out);
		}
		buf_putc(out, '}');
		mem_free(keys);
		break;
	case json_type_array:
		n = json_object_array_length(o);
		buf_putc(out, '[');
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_putc(out, ',');
			canon(json_object_array_get_idx(o, i), out);
		}
		buf_putc(out, ']');
		break;
	case json_type_string:
		buf_json_str(out, json_object_get_string(o),
		    (size_t)json_object_get_string_len(o));
		break;
	case json_type_null:
		buf_puts(out, "null");
		break;
	default:
		/* Numbers and booleans: json-c's plain form. */
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
		buf_puts(out, s != NULL ? s : "null");
		break;
	}
}

/*
 * Append the canonical form of the JSON text body[0..len) to out: 0, or
 * -1 when body is not a JSON text (see idem.h).
 */
int
idem_canonical(const char *body, size_t len, struct buf *out)
{
	struct json_tokener	*tok;
	struct json_object	*root;
	int			 ok;

	if (body == NULL || len == 0 || len > INT32_MAX)
		return -1;
	if ((tok = json_tokener_new()) == NULL)
		return -1;
	root = json_tokener_parse_ex(tok, body, (int)len);
	ok = root != NULL &&
	    json_tokener_get_error(tok) == json_tokener_success &&
	    json_tokener_get_parse_end(tok) == len;
	json_tokener_free(tok);
	if (!ok) {
		json_object_put(root);
		return -1;
	}
	canon(root, out);
	json_object_put(root);
	return 0;
}

/*
 * Fingerprint of path parameters p and body[0..len) into out (hex,
 * IDEM_FPLEN + 1 bytes): 0, or -1 when OpenSSL fails.  Every part is
 * length-prefixed, so that no two requests share the hashed text.
 */
int
idem_fingerprint(const struct router_params *p, const char *body,
    size_t len, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, i;
	struct buf		 b, c;
	size_t			 k;
	int			 rc = -1;

	buf_init(&b);
	buf_init(&c);
	for (k = 0; p != NULL && k < p->n; k++) {
		buf_printf(&b, "p%zu:", p->namelen[k]);
		buf_append(&b, p->name[k], p->namelen[k]);
		buf_printf(&b, "%zu:%s;", strlen(p->value[k]), p->value[k]);
	}
	if (len > 0 && idem_canonical(body, len, &c) == 0) {
		buf_printf(&b, "j%zu:", c.len);
		buf_append(&b, c.p, c.len);
	} else if (len > 0) {
		buf_printf(&b, "r%zu:", len);
		buf_append(&b, body, len);
	} else
		buf_puts(&b, "e");
	if (EVP_Digest(b.p, b.len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen * 2 != IDEM_FPLEN)
		goto out;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[IDEM_FPLEN] = '\0';
	rc = 0;
out:
	buf_cleanup(&c);
	buf_cleanup(&b);
	return rc;
}

/* Answer 409 IDEMPOTENCY_IN_PROGRESS with Retry-After. */
static void
in_progress(struct req *r)
{
	resp_error(r->resp, ERR_IDEM_INPROGRESS,
	    "a request with this Idempotency-Key is still running", NULL,
	    r->request_id);
	resp_header(r->resp, "Retry-After", IDEM_RETRY_AFTER);
}

/* A database failure as an envelope: 503 when unreachable, else 500. */
static void
db_failed(struct req *r, enum err e)
{
	resp_error(r->resp, e == ERR_UPSTREAM ? ERR_UPSTREAM : ERR_INTERNAL,
	    NULL, NULL, r->request_id);
}

/*
 * Take the advisory lock of the key in the open transaction: 1 when
 * taken, 0 when another transaction holds it, -1 on a database error
 * (*e set).
 */
static int
lock_key(struct req *r, struct idem *idem, enum err *e)
{
	struct db_rows	*rows;
	const char	*p[1];

	p[0] = idem->scope;
	if ((*e = db_exec(r->db, r->arena, IDEM_STMT_LOCK, 1, p, &rows)) !=
	    ERR_OK)
		return -1;
	if (rows->nrows != 1 || db_get(rows, 0, 0) == NULL) {
		*e = ERR_DB;
		return -1;
	}
	return strcmp(db_get(rows, 0, 0), "t") == 0;
}

/* idempotency_ttl_hours as a statement parameter. */
static const char *
ttl_hours(struct req *r)
{
	return arena_printf(r->arena, "%lld",
	    conf_int(r->conf, CONF_IDEMPOTENCY_TTL_HOURS));
}

#ifdef KROW_IDEM_BYPASS
const int	idem_bypassed = 1;
#else
const int	idem_bypassed = 0;
#endif

/*
 * Begin the idempotent request r; see idem.h.  The key comes from the
 * Idempotency-Key header (the FastCGI param HTTP_IDEMPOTENCY_KEY).
 */
enum idem_next
idem_begin(struct req *r, struct idem *idem)
{
	struct db_rows	*rows;
	const char	*p[7], *key, *status, *body;
	enum err	 e;
	long		 st;
	char		*end;

	memset(idem, 0, sizeof(*idem));
	key = req_env(r, "HTTP_IDEMPOTENCY_KEY");
	if (!idem_key_valid(key)) {
		resp_error(r->resp, ERR_IDEM_REQUIRED, key == NULL ?
		    "the Idempotency-Key header is required" :
		    "the Idempotency-Key header must be 1 to 255 printable "
		    "ASCII characters", NULL, r->request_id);
		return IDEM_ANSWERED;
	}
	if (r->db == NULL || r->id.user_id == NULL || r->id.tenant_id == NULL) {
		resp_error(r->resp, r->db == NULL ? ERR_INTERNAL : ERR_UNAUTH,
		    NULL, NULL, r->request_id);
		return IDEM_ANSWERED;
	}
	if ((e = req_body(r, r->conf != NULL ?
	    (size_t)conf_int(r->conf, CONF_BODY_MAX) : 1024 * 1024)) !=
	    ERR_OK) {
		resp_error(r->resp, e, r->err_message, r->err_details,
		    r->request_id);
		return IDEM_ANSWERED;
	}
	idem->key = key;
	if (idem_bypassed) {
		if ((e = db_begin(r->db)) != ERR_OK) {
			db_failed(r, e);
			return IDEM_ANSWERED;
		}
		idem->active = 1;
		return IDEM_RUN;
	}
	if (idem_fingerprint(&r->params, r->body, r->bodylen, idem->fp) ==
	    -1) {
		log_msg(LOGLV_ERROR, "cannot fingerprint the request", NULL);
		resp_error(r->resp, ERR_INTERNAL, NULL, NULL, r->request_id);
		return IDEM_ANSWERED;
	}
	idem->scope = arena_printf(r->arena, "%s\n%s\n%s\n%s",
	    r->id.user_id, r->method, r->route->pattern, key);

	if ((e = db_begin(r->db)) != ERR_OK) {
		db_failed(r, e);
		return IDEM_ANSWERED;
	}
	p[0] = idem->scope;
	p[1] = r->id.user_id;
	p[2] = r->method;
	p[3] = r->route->pattern;
	p[4] = key;
	if ((e = db_exec(r->db, r->arena, IDEM_STMT_BEGIN, 5, p, &rows)) !=
	    ERR_OK)
		goto fail;
	if (rows->nrows != 1 || rows->ncols != 5 ||
	    db_get(rows, 0, 0) == NULL) {
		e = ERR_DB;
		goto fail;
	}
	if (strcmp(db_get(rows, 0, 0), "t") != 0) {
		/* Another transaction holds the key. */
		(void)db_rollback(r->db);
		in_progress(r);
		return IDEM_ANSWERED;
	}
	if (db_get(rows, 0, 1) != NULL) {
		/* A live key: same payload or not, running or done. */
		(void)db_rollback(r->db);
		if (strcmp(db_get(rows, 0, 1), idem->fp) != 0) {
			resp_error(r->resp, ERR_IDEM_REUSED, "this "
			    "Idempotency-Key was used with another request",
			    NULL, r->request_id);
			return IDEM_ANSWERED;
		}
		status = db_get(rows, 0, 3);
		body = db_get(rows, 0, 4);
		if (db_get(rows, 0, 2) == NULL ||
		    strcmp(db_get(rows, 0, 2), "done") != 0 ||
		    status == NULL || body == NULL) {
			in_progress(r);
			return IDEM_ANSWERED;
		}
		st = strtol(status, &end, 10);
		if (*end != '\0' || st < 200 || st > 499) {
			resp_error(r->resp, ERR_INTERNAL, NULL, NULL,
			    r->request_id);
			return IDEM_ANSWERED;
		}
		resp_json_raw(r->resp, (int)st, body, strlen(body));
		resp_header(r->resp, "Idempotent-Replayed", "true");
		return IDEM_ANSWERED;
	}
	idem->active = 1;
	return IDEM_RUN;

fail:
	(void)db_rollback(r->db);
	db_failed(r, e);
	return IDEM_ANSWERED;
}

/*
 * Store a 4xx answer of r without any effect, in a transaction of its
 * own (the handler's was rolled back).  When another request holds the
 * key now, or stored an answer already, ours is returned unstored.
 */
static void
store_4xx(struct req *r, struct idem *idem, const char *status)
{
	const char	*p[9];
	enum err	 e;
	int		 got;

	if ((e = db_begin(r->db)) != ERR_OK)
		goto fail;
	if ((got = lock_key(r, idem, &e)) == -1)
		goto fail;
	if (got == 0) {
		(void)db_rollback(r->db);
		return;
	}
	p[0] = r->id.user_id;
	p[1] = r->method;
	p[2] = r->route->pattern;
	p[3] = idem->key;
	p[4] = r->id.tenant_id;
	p[5] = idem->fp;
	p[6] = ttl_hours(r);
	p[7] = status;
	p[8] = buf_cstr(&r->resp->body);
	if ((e = db_exec_commit(r->db, NULL, IDEM_STMT_STORE, 9, p, NULL)) !=
	    ERR_OK)
		goto fail;
	return;
fail:
	(void)db_rollback(r->db);
	log_msg(LOGLV_WARN, "idempotent answer not stored", "status=%s",
	    status);
}

/* Finish the idempotent request r after its handler; see idem.h. */
void
idem_finish(struct req *r, struct idem *idem)
{
	const char	*p[9];
	char		 status[8];
	enum err	 e;
	int		 st, n;

	if (!idem->active)
		return;
	idem->active = 0;
	st = r->resp->status;
	if (st < 200 || st > 499) {
		/* 5xx (or nothing): keep nothing, the key is free again. */
		(void)db_rollback(r->db);
		return;
	}
	n = snprintf(status, sizeof(status), "%d", st);
	if (n < 0 || (size_t)n >= sizeof(status)) {
		(void)db_rollback(r->db);
		resp_error(r->resp, ERR_INTERNAL, NULL, NULL, r->request_id);
		return;
	}
	if (st >= 400) {
		/* Undo whatever the handler wrote before it refused. */
		(void)db_rollback(r->db);
		if (!idem_bypassed)
			store_4xx(r, idem, status);
		return;
	}
	if (idem_bypassed) {
		if ((e = db_commit(r->db)) != ERR_OK) {
			(void)db_rollback(r->db);
			db_failed(r, e);
		}
		return;
	}

	p[0] = r->id.user_id;
	p[1] = r->method;
	p[2] = r->route->pattern;
	p[3] = idem->key;
	p[4] = r->id.tenant_id;
	p[5] = idem->fp;
	p[6] = ttl_hours(r);
	p[7] = status;
	p[8] = buf_cstr(&r->resp->body);
	e = db_exec_commit(r->db, NULL, IDEM_STMT_SAVE, 9, p, NULL);
	if (e == ERR_CONFLICT && strcmp(db_sqlstate(r->db), "23505") == 0) {
		/* Another transaction stored the key despite the lock. */
		(void)db_rollback(r->db);
		resp_reset(r->resp);
		in_progress(r);
		return;
	}
	if (e != ERR_OK) {
		(void)db_rollback(r->db);
		log_msg(LOGLV_ERROR, "command not committed", "%s %s",
		    r->method, r->route->pattern);
		db_failed(r, e);
	}
}
