/*
 * provider_local: the identity provider embedded in krow-auth, for hosts
 * without a Firebase project.  It keeps its credentials in PostgreSQL:
 * accounts with scrypt password hashes (local_accounts), refresh tokens
 * (local_refresh_tokens: only their SHA-256, used once, revocable) and
 * phone codes (local_phone_codes: only a SHA-256 that needs the client's
 * sessionInfo); it signs RS256 ID tokens with auth_key_file, named by
 * its RFC 7638 thumbprint, and verifies them with that key and every key
 * of auth_old_key_files (key rotation: the new key signs, the old ones
 * still verify the tokens they signed until those expire).
 *
 * Phone codes are six random digits, sent by the auth_otp_sender: "log"
 * appends a JSON line to auth_otp_log_file (development only: anyone who
 * reads the file can sign in as any number), "webhook" posts
 * {"phoneNumber","code","expiresIn"} to auth_otp_webhook_url, which an
 * SMS gateway of the operator delivers.  The numbers of
 * auth_test_phone_numbers get their fixed code and nothing is sent.
 *
 * Functions that write run inside the caller's transaction (h_auth.c
 * begins and commits it, with the audit row); the ones that refuse after
 * writing (a wrong code counted, a reused refresh token's family revoked)
 * expect the caller to commit all the same.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "httpc.h"
#include "jwt.h"
#include "log.h"
#include "mem.h"
#include "pwhash.h"
#include "req.h"
#include "valid.h"
#include "auth.h"
#include "provider.h"

#define LOCAL_REFRESH_BYTES	32	/* a refresh token: 43 base64url */
#define LOCAL_SESSION_BYTES	32	/* a sessionInfo: 43 base64url */
#define LOCAL_UID_BYTES		14	/* a new uid: 28 hex digits */
#define LOCAL_CODE_TRIES	5	/* wrong codes that end a session */
#define LOCAL_MAXTESTS		64	/* test phone numbers */
#define LOCAL_KIDLEN		64
#define LOCAL_MINBITS		2048
#define LOCAL_KEYFILE_MAX	65536
#define LOCAL_PHONE_MAX		16	/* '+' and 15 digits */
/* The largest multiple of 10^6 that fits in 32 bits: below it, a random
 * 32-bit number modulo 10^6 is uniform. */
#define LOCAL_CODE_LIMIT	4294000000U

/*
 * A hash, at the current cost, of a random secret nobody kept.  A sign-in
 * for an unknown email is checked against it, so that it takes as long as
 * one for a known email and the answer time does not tell them apart.
 */
static const char dummy_hash[] = "$scrypt$ln=15,r=8,p=1$"
    "r7G3R+HGIYK56z0zSv110A==$9/F0h5RgzzlWSTiBeDIcgEq9UgINR39jPXeGMiEv3Us=";

struct test_number {
	char	 phone[LOCAL_PHONE_MAX + 1];
	char	 code[AUTH_CODE_LEN + 1];
};

enum sender {
	SEND_LOG,
	SEND_WEBHOOK
};

/* Process configuration, set once by local_init(): not request state. */
struct local_state {
	int			 running;
	const char		*issuer;
	const char		*audience;
	long long		 ttl;		/* ID token life, s */
	long long		 skew;
	long long		 refresh_ttl;
	long long		 otp_ttl;
	long			 timeout_ms;	/* webhook calls */
	EVP_PKEY		*key;		/* signs */
	char			 kid[LOCAL_KIDLEN];
	struct jwt_keyset	*keys;		/* verify: all */
	enum sender		 sender;
	int			 log_fd;	/* SEND_LOG */
	const char		*log_path;
	const char		*webhook_url;	/* SEND_WEBHOOK */
	struct test_number	 tests[LOCAL_MAXTESTS];
	size_t			 ntests;
};

static struct local_state	 local = { .log_fd = -1 };

/* The columns of STMT_LOCAL_BY_EMAIL and STMT_LOCAL_BY_PHONE. */
enum {
	ACC_UID,
	ACC_EMAIL,
	ACC_PHONE,
	ACC_HASH,
	ACC_DISABLED,
	ACC_TVA,
	ACC__MAX
};

/* The columns of STMT_LOCAL_REFRESH_LOOKUP. */
enum {
	RT_ID,
	RT_UID,
	RT_EMAIL,
	RT_PHONE,
	RT_USED,
	RT_DEAD,
	RT_DISABLED,
	RT_AUTH_TIME,
	RT__MAX
};

static void	local_fini(void);

/* Characters of valid UTF-8 s[0..len). */
static size_t
utf8_chars(const char *s, size_t len)
{
	size_t	 i, n;

	for (i = n = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Load an RSA key, private or public, PEM, unencrypted, of at least 2048
 * bits, from path: a retired signing key (its public half is enough).
 * NULL after logging why.
 */
static EVP_PKEY *
load_any_pem(const char *path)
{
	FILE		*fp;
	BIO		*bio = NULL;
	EVP_PKEY	*key = NULL;
	char		*text;
	size_t		 len;

	text = mem_calloc(1, LOCAL_KEYFILE_MAX + 1);
	if ((fp = fopen(path, "r")) == NULL) {
		log_msg(LOGLV_ERROR, "cannot open an old key file", "%s: %s",
		    path, strerror(errno));
		goto out;
	}
	len = fread(text, 1, LOCAL_KEYFILE_MAX + 1, fp);
	fclose(fp);
	if (len == 0 || len > LOCAL_KEYFILE_MAX) {
		log_msg(LOGLV_ERROR, "old key file is empty or too large",
		    "%s", path);
		goto out;
	}
	if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL)
		goto bad;
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"");
	if (key == NULL) {
		BIO_free(bio);
		if ((bio = BIO_new_mem_buf(text, (int)len)) == NULL)
			goto bad;
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	}
	if (key == NULL)
		goto bad;
	if (!EVP_PKEY_is_a(key, "RSA") ||
	    EVP_PKEY_get_bits(key) < LOCAL_MINBITS) {
		log_msg(LOGLV_ERROR, "old key is not an RSA key of 2048 bits "
		    "or more", "%s", path);
		EVP_PKEY_free(key);
		key = NULL;
	}
	goto out;
bad:
	log_msg(LOGLV_ERROR, "old key file holds no usable key", "%s: not an "
	    "unencrypted PEM private or public key", path);
out:
	BIO_free(bio);
	ERR_clear_error();
	OPENSSL_cleanse(text, LOCAL_KEYFILE_MAX + 1);
	mem_free(text);
	return key;
}

/*
 * Add every key of auth_old_key_files (space-separated paths) to the
 * verifying key set.  0, or -1 after logging why.
 */
static int
load_old_keys(const char *list)
{
	EVP_PKEY	*key;
	char		*copy, *p, *path;
	char		 kid[LOCAL_KIDLEN];
	int		 rc = -1;

	copy = mem_strdup(list);
	for (p = copy; (path = strsep(&p, " \t,")) != NULL; ) {
		if (*path == '\0')
			continue;
		if ((key = load_any_pem(path)) == NULL)
			goto out;
		if (jwt_thumbprint(key, kid, sizeof(kid)) == -1) {
			log_msg(LOGLV_ERROR, "cannot use an old key", "%s",
			    path);
			EVP_PKEY_free(key);
			goto out;
		}
		if (jwt_keyset_find(local.keys, kid) != NULL) {
			log_msg(LOGLV_INFO, "old key already in the key set",
			    "%s: kid %s", path, kid);
		} else if (jwt_keyset_add(local.keys, kid, key) == -1) {
			log_msg(LOGLV_ERROR, "cannot add an old key", "%s: "
			    "too many keys?", path);
			EVP_PKEY_free(key);
			goto out;
		} else
			log_msg(LOGLV_INFO, "old key loaded (verifies only)",
			    "kid %s", kid);
		EVP_PKEY_free(key);
	}
	rc = 0;
out:
	mem_free(copy);
	return rc;
}

/*
 * Parse auth_test_phone_numbers: "+15555550100:123456" entries separated
 * by spaces or commas.  0, or -1 after logging which entry is wrong.
 */
static int
load_test_numbers(const char *list)
{
	struct test_number	*t;
	char			*copy, *p, *ent, *colon;
	size_t			 i, plen;
	int			 rc = -1;

	copy = mem_strdup(list);
	for (p = copy; (ent = strsep(&p, " \t,")) != NULL; ) {
		if (*ent == '\0')
			continue;
		if ((colon = strchr(ent, ':')) == NULL)
			goto bad;
		plen = (size_t)(colon - ent);
		if (plen > LOCAL_PHONE_MAX || !valid_phone(ent, plen) ||
		    strlen(colon + 1) != AUTH_CODE_LEN ||
		    strspn(colon + 1, "0123456789") != AUTH_CODE_LEN)
			goto bad;
		if (local.ntests == LOCAL_MAXTESTS) {
			log_msg(LOGLV_ERROR, "too many test phone numbers",
			    "at most %d", LOCAL_MAXTESTS);
			goto out;
		}
		for (i = 0; i < local.ntests; i++)
			if (strncmp(local.tests[i].phone, ent, plen) == 0 &&
			    local.tests[i].phone[plen] == '\0') {
				log_msg(LOGLV_ERROR, "test phone number listed "
				    "twice", "auth_test_phone_numbers: %.*s",
				    (int)plen, ent);
				goto out;
			}
		t = &local.tests[local.ntests++];
		memcpy(t->phone, ent, plen);
		t->phone[plen] = '\0';
		memcpy(t->code, colon + 1, AUTH_CODE_LEN + 1);
	}
	rc = 0;
	goto out;
bad:
	log_msg(LOGLV_ERROR, "malformed test phone number", "auth_test_phone_"
	    "numbers: \"%s\" is not <E.164 number>:<6 digits>", ent);
out:
	OPENSSL_cleanse(copy, strlen(list));
	mem_free(copy);
	return rc;
}

/* Set up the code sender of auth_otp_sender.  0, or -1 after logging. */
static int
sender_init(const struct conf *conf)
{
	const char	*s;

	s = conf_str(conf, CONF_AUTH_OTP_SENDER);
	if (strcmp(s, "webhook") == 0) {
		local.sender = SEND_WEBHOOK;
		local.webhook_url = conf_str(conf, CONF_AUTH_OTP_WEBHOOK_URL);
		if (strncmp(local.webhook_url, "https://", 8) != 0 &&
		    strncmp(local.webhook_url, "http://", 7) != 0) {
			log_msg(LOGLV_ERROR, "auth_otp_sender = webhook needs "
			    "auth_otp_webhook_url", "an http:// or https:// "
			    "URL, got \"%s\"", local.webhook_url);
			return -1;
		}
		return 0;
	}
	local.sender = SEND_LOG;
	local.log_path = conf_str(conf, CONF_AUTH_OTP_LOG_FILE);
	if (*local.log_path == '\0') {
		log_msg(LOGLV_ERROR, "auth_otp_sender = log needs "
		    "auth_otp_log_file", "name the file phone codes are "
		    "written to (development), or set auth_otp_sender = "
		    "webhook");
		return -1;
	}
	local.log_fd = open(local.log_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0600);
	if (local.log_fd == -1) {
		log_msg(LOGLV_ERROR, "cannot open auth_otp_log_file", "%s: %s",
		    local.log_path, strerror(errno));
		return -1;
	}
	log_msg(LOGLV_WARN, "phone codes are written to a file",
	    "auth_otp_sender = log, %s: for development only",
	    local.log_path);
	return 0;
}

/*
 * Start-up: the settings, the signing key, the old keys, the test phone
 * numbers and the code sender.  0, or -1 after logging why.
 */
static int
local_init(const struct conf *conf)
{
	const char	*path;

	local_fini();
	local.issuer = conf_str(conf, CONF_AUTH_ISSUER);
	local.audience = conf_str(conf, CONF_AUTH_AUDIENCE);
	if (*local.issuer == '\0' || *local.audience == '\0') {
		log_msg(LOGLV_ERROR, "auth_issuer and auth_audience must not "
		    "be empty", NULL);
		return -1;
	}
	local.ttl = conf_int(conf, CONF_AUTH_TOKEN_TTL);
	local.skew = conf_int(conf, CONF_AUTH_CLOCK_SKEW);
	local.refresh_ttl = conf_int(conf, CONF_AUTH_REFRESH_TTL);
	local.otp_ttl = conf_int(conf, CONF_AUTH_OTP_TTL);
	local.timeout_ms = (long)conf_int(conf, CONF_UPSTREAM_TIMEOUT_MS);

	path = conf_str(conf, CONF_AUTH_KEY_FILE);
	if ((local.key = jwt_load_private_pem(path)) == NULL) {
		if (access(path, F_OK) == -1)
			log_msg(LOGLV_ERROR, "cannot load the token signing "
			    "key", "auth_key_file = %s does not exist; create "
			    "it with: openssl genpkey -algorithm RSA -pkeyopt "
			    "rsa_keygen_bits:2048 -out %s", path, path);
		else
			log_msg(LOGLV_ERROR, "cannot load the token signing "
			    "key", "auth_key_file = %s", path);
		goto fail;
	}
	local.keys = jwt_keyset_new();
	if (jwt_thumbprint(local.key, local.kid, sizeof(local.kid)) == -1 ||
	    jwt_keyset_add(local.keys, local.kid, local.key) == -1) {
		log_msg(LOGLV_ERROR, "cannot use the token signing key",
		    "auth_key_file = %s", path);
		goto fail;
	}
	log_msg(LOGLV_INFO, "signing key loaded", "kid %s", local.kid);
	if (load_old_keys(conf_str(conf, CONF_AUTH_OLD_KEY_FILES)) == -1 ||
	    load_test_numbers(conf_str(conf,
	    CONF_AUTH_TEST_PHONE_NUMBERS)) == -1 ||
	    sender_init(conf) == -1)
		goto fail;
	local.running = 1;
	return 0;
fail:
	local_fini();
	return -1;
}

/* Release what local_init() set up. */
static void
local_fini(void)
{
	jwt_keyset_free(local.keys);
	local.keys = NULL;
	EVP_PKEY_free(local.key);
	local.key = NULL;
	if (local.log_fd != -1)
		close(local.log_fd);
	local.log_fd = -1;
	OPENSSL_cleanse(local.tests, sizeof(local.tests));
	local.ntests = 0;
	local.running = 0;
}

/* The fixed code of a test number, or NULL. */
static const char *
test_code(const char *phone)
{
	size_t	 i;

	for (i = 0; i < local.ntests; i++)
		if (strcmp(local.tests[i].phone, phone) == 0)
			return local.tests[i].code;
	return NULL;
}

/* n random bytes as base64url into the arena; NULL when the random
 * source fails (logged). */
static const char *
random_b64(struct req *r, size_t n)
{
	unsigned char	 raw[64];
	struct buf	 b;
	const char	*s = NULL;

	if (n > sizeof(raw))
		return NULL;
	buf_init(&b);
	if (RAND_bytes(raw, (int)n) != 1) {
		log_msg(LOGLV_ERROR, "random source failed", NULL);
		goto out;
	}
	b64url_encode(&b, raw, n);
	s = arena_strndup(r->arena, b.p, b.len);
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	if (b.p != NULL)
		OPENSSL_cleanse(b.p, b.len);
	buf_cleanup(&b);
	return s;
}

/* A new uid: LOCAL_UID_BYTES random bytes in lower-case hex (arena, like
 * Firebase's 28 characters); NULL when the random source fails. */
static const char *
random_uid(struct req *r)
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 raw[LOCAL_UID_BYTES];
	char			*uid;
	size_t			 i;

	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		log_msg(LOGLV_ERROR, "random source failed", NULL);
		return NULL;
	}
	uid = arena_alloc(r->arena, 2 * sizeof(raw) + 1);
	for (i = 0; i < sizeof(raw); i++) {
		uid[2 * i] = digits[raw[i] >> 4];
		uid[2 * i + 1] = digits[raw[i] & 0x0f];
	}
	uid[2 * sizeof(raw)] = '\0';
	return uid;
}

/* Six uniformly random digits into code; 0 or -1 (logged). */
static int
random_code(char code[AUTH_CODE_LEN + 1])
{
	unsigned char	 raw[4];
	uint32_t	 v;
	int		 n;

	do {
		if (RAND_bytes(raw, sizeof(raw)) != 1) {
			log_msg(LOGLV_ERROR, "random source failed", NULL);
			return -1;
		}
		v = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
		    (uint32_t)raw[2] << 8 | raw[3];
	} while (v >= LOCAL_CODE_LIMIT);
	n = snprintf(code, AUTH_CODE_LEN + 1, "%06u", (unsigned)(v % 1000000));
	OPENSSL_cleanse(raw, sizeof(raw));
	return n == AUTH_CODE_LEN ? 0 : -1;
}

/* SHA-256 hex of a || b (the code hash: sessionInfo then code). */
static int
sha256_hex2(const char *a, const char *b, char hex[65])
{
	struct buf	 t;
	int		 rc;

	buf_init(&t);
	buf_puts(&t, a);
	buf_puts(&t, b);
	rc = auth_sha256_hex(t.p, t.len, hex);
	OPENSSL_cleanse(t.p, t.len);
	buf_cleanup(&t);
	return rc;
}

/*
 * The iat for a token issued now.  Tokens whose auth_time is not after
 * tokens_valid_after (tva, whole seconds) are refused, so a sign-in in
 * the second of a sign-out waits for the next second (at most two, when
 * the database clock is a little ahead) instead of handing out a token
 * that is revoked already.
 */
static long long
issue_time(long long tva)
{
	struct timespec	 now, d;

	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		return (long long)time(NULL);
	if (tva < (long long)now.tv_sec || tva > (long long)now.tv_sec + 1)
		return (long long)now.tv_sec;
	d.tv_sec = (time_t)(tva - (long long)now.tv_sec);
	d.tv_nsec = 1000000000L - now.tv_nsec;
	if (d.tv_nsec >= 1000000000L) {
		d.tv_sec++;
		d.tv_nsec -= 1000000000L;
	}
	while (nanosleep(&d, &d) == -1 && errno == EINTR)
		continue;
	return tva + 1;
}

/* Sign an ID token (claims as Firebase names them); 0 or -1. */
static int
mint(const char *uid, const char *email, const char *phone, long long iat,
    long long auth_time, struct buf *out)
{
	struct buf	 c;
	int		 rc;

	buf_init(&c);
	buf_puts(&c, "{\"iss\":");
	buf_json_str(&c, local.issuer, strlen(local.issuer));
	buf_puts(&c, ",\"aud\":");
	buf_json_str(&c, local.audience, strlen(local.audience));
	buf_printf(&c, ",\"auth_time\":%lld", auth_time);
	buf_puts(&c, ",\"user_id\":");
	buf_json_str(&c, uid, strlen(uid));
	buf_puts(&c, ",\"sub\":");
	buf_json_str(&c, uid, strlen(uid));
	buf_printf(&c, ",\"iat\":%lld,\"exp\":%lld", iat, iat + local.ttl);
	if (email != NULL) {
		buf_puts(&c, ",\"email\":");
		buf_json_str(&c, email, strlen(email));
	}
	if (phone != NULL) {
		buf_puts(&c, ",\"phone_number\":");
		buf_json_str(&c, phone, strlen(phone));
	}
	buf_putc(&c, '}');
	rc = jwt_sign_rs256(local.key, local.kid, c.p, c.len, out);
	buf_cleanup(&c);
	if (rc == -1)
		log_msg(LOGLV_ERROR, "cannot sign a token", NULL);
	return rc;
}

/*
 * Make a refresh token for uid, whose chain began at auth_time, into
 * *tok (arena), keeping only its SHA-256.
 */
static enum err
refresh_issue(struct req *r, const char *uid, long long auth_time,
    const char **tok)
{
	const char	*t, *params[4];
	char		 hex[65];
	enum err	 rc;

	if ((t = random_b64(r, LOCAL_REFRESH_BYTES)) == NULL ||
	    auth_sha256_hex(t, strlen(t), hex) == -1)
		return ERR_INTERNAL;
	params[0] = uid;
	params[1] = hex;
	params[2] = arena_printf(r->arena, "%lld", local.refresh_ttl);
	params[3] = arena_printf(r->arena, "%lld", auth_time);
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_REFRESH_INSERT, 4,
	    params, NULL)) != ERR_OK)
		return rc;
	*tok = t;
	return ERR_OK;
}

/*
 * Sign in uid: an ID token issued at iat for a sign-in at auth_time, a
 * refresh token, all into out.
 */
static enum err
session_make(struct req *r, const char *uid, const char *email,
    const char *phone, long long iat, long long auth_time,
    struct prov_session *out)
{
	struct buf	 idt;
	const char	*refresh = NULL;
	enum err	 rc = ERR_INTERNAL;

	buf_init(&idt);
	if (mint(uid, email, phone, iat, auth_time, &idt) == -1)
		goto out;
	if ((rc = refresh_issue(r, uid, auth_time, &refresh)) != ERR_OK)
		goto out;
	memset(out, 0, sizeof(*out));
	out->uid = arena_strdup(r->arena, uid);
	out->id_token = arena_strndup(r->arena, idt.p, idt.len);
	out->refresh_token = refresh;
	out->expires_in = local.ttl;
	out->email = email != NULL ? arena_strdup(r->arena, email) : NULL;
	out->phone = phone != NULL ? arena_strdup(r->arena, phone) : NULL;
out:
	buf_cleanup(&idt);
	return rc;
}

/* Check a token signed by one of our keys (jwt_verify rules). */
static enum err
local_verify(struct req *r, const char *token, size_t len,
    struct jwt_claims *out, const char **why)
{
	struct jwt_verify_opts	 o;

	memset(&o, 0, sizeof(o));
	o.issuer = local.issuer;
	o.audience = local.audience;
	o.now = (long long)time(NULL);
	o.skew = local.skew;
	return jwt_verify(token, len, local.keys, &o, r->arena, out, why);
}

/*
 * Create an account for email with password pw (the caller checked its
 * length), signed in.  ERR_CONFLICT when the email has an account.
 */
static enum err
local_sign_up(struct req *r, const char *email, const char *pw,
    const char *display_name, struct prov_session *out)
{
	struct buf	 h;
	const char	*uid, *params[4];
	long long	 now;
	enum err	 rc = ERR_INTERNAL;

	(void)display_name;	/* kept in users, not in local_accounts */
	buf_init(&h);
	if ((uid = random_uid(r)) == NULL)
		goto out;
	if (pwhash_make(pw, strlen(pw), &h) == -1) {
		log_msg(LOGLV_ERROR, "cannot hash a password", NULL);
		goto out;
	}
	params[0] = uid;
	params[1] = email;
	params[2] = NULL;
	params[3] = buf_cstr(&h);
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_INSERT, 4, params,
	    NULL)) != ERR_OK)
		goto out;
	now = (long long)time(NULL);
	if ((rc = session_make(r, uid, email, NULL, now, now, out)) !=
	    ERR_OK)
		goto out;
	out->new_account = 1;
out:
	buf_cleanup(&h);
	return rc;
}

/*
 * Check email and pw.  ERR_BAD_CREDENTIALS for an unknown email, an
 * account without a password and a wrong password alike (the KDF runs
 * in every case); ERR_DISABLED only once the password is right.
 */
static enum err
local_sign_in(struct req *r, const char *email, const char *pw,
    struct prov_session *out)
{
	struct db_rows	*rows;
	const char	*hash, *uid;
	long long	 iat;
	enum err	 rc;

	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_BY_EMAIL, 1, &email,
	    &rows)) != ERR_OK)
		return rc;
	if (rows->nrows != 1 || rows->ncols != ACC__MAX ||
	    (hash = db_get(rows, 0, ACC_HASH)) == NULL) {
		(void)pwhash_verify(pw, strlen(pw), dummy_hash);
		return ERR_BAD_CREDENTIALS;
	}
	uid = db_get(rows, 0, ACC_UID);
	switch (pwhash_verify(pw, strlen(pw), hash)) {
	case 1:
		break;
	case 0:
		return ERR_BAD_CREDENTIALS;
	default:
		log_msg(LOGLV_ERROR, "stored password hash is malformed",
		    "uid %s", uid);
		return ERR_BAD_CREDENTIALS;
	}
	if (auth_is_true(db_get(rows, 0, ACC_DISABLED)))
		return ERR_DISABLED;
	iat = issue_time(auth_seconds(db_get(rows, 0, ACC_TVA)));
	return session_make(r, uid, db_get(rows, 0, ACC_EMAIL),
	    db_get(rows, 0, ACC_PHONE), iat, iat, out);
}

/* Append the code line of the log sender to fd: one write. */
static enum err
send_log(const char *phone, const char *code)
{
	struct buf	 b;
	struct tm	 tm;
	time_t		 t;
	char		 ts[32];
	size_t		 off;
	ssize_t		 n;
	enum err	 rc = ERR_INTERNAL;

	buf_init(&b);
	t = time(NULL);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		goto out;
	buf_puts(&b, "{\"time\":");
	buf_json_str(&b, ts, strlen(ts));
	buf_puts(&b, ",\"phoneNumber\":");
	buf_json_str(&b, phone, strlen(phone));
	buf_puts(&b, ",\"code\":");
	buf_json_str(&b, code, strlen(code));
	buf_puts(&b, "}\n");
	for (off = 0; off < b.len; off += (size_t)n)
		if ((n = write(local.log_fd, b.p + off, b.len - off)) == -1) {
			if (errno == EINTR) {
				n = 0;
				continue;
			}
			log_msg(LOGLV_ERROR, "cannot write a phone code",
			    "%s: %s", local.log_path, strerror(errno));
			goto out;
		}
	rc = ERR_OK;
out:
	if (b.p != NULL)
		OPENSSL_cleanse(b.p, b.len);
	buf_cleanup(&b);
	return rc;
}

/* Post the code to the webhook; any answer but 2xx is ERR_UPSTREAM. */
static enum err
send_webhook(const char *phone, const char *code)
{
	struct httpc_req	 hr;
	struct httpc_resp	 hs;
	struct buf		 b;
	enum err		 rc;

	buf_init(&b);
	httpc_resp_init(&hs);
	buf_puts(&b, "{\"phoneNumber\":");
	buf_json_str(&b, phone, strlen(phone));
	buf_puts(&b, ",\"code\":");
	buf_json_str(&b, code, strlen(code));
	buf_printf(&b, ",\"expiresIn\":%lld}", local.otp_ttl);
	memset(&hr, 0, sizeof(hr));
	hr.method = "POST";
	hr.url = local.webhook_url;
	hr.content_type = "application/json";
	hr.body = b.p;
	hr.bodylen = b.len;
	hr.timeout_ms = local.timeout_ms;
	hr.body_max = 65536;
	if ((rc = httpc_do(&hr, &hs)) != ERR_OK) {
		if (rc != ERR_UPSTREAM)
			log_msg(LOGLV_ERROR, "cannot call the code webhook",
			    NULL);
		rc = ERR_UPSTREAM;
	} else if (hs.status < 200 || hs.status > 299) {
		log_msg(LOGLV_WARN, "the code webhook refused a code",
		    "status %ld", hs.status);
		rc = ERR_UPSTREAM;
	}
	httpc_resp_cleanup(&hs);
	OPENSSL_cleanse(b.p, b.len);
	buf_cleanup(&b);
	return rc;
}

/*
 * Make a code for phone (a test number's fixed one, else six random
 * digits), store it for auth_otp_ttl seconds and send it; the sessionInfo
 * that identifies the attempt into *session_info.  app_token is not used:
 * the local provider's throttles stand in for app verification.
 */
static enum err
local_phone_start(struct req *r, const char *phone, const char *app_token,
    const char **session_info)
{
	const char	*sess, *fixed, *params[4];
	char		 code[AUTH_CODE_LEN + 1], shex[65], chex[65];
	enum err	 rc = ERR_INTERNAL;

	memset(code, 0, sizeof(code));
	if ((fixed = test_code(phone)) != NULL)
		memcpy(code, fixed, sizeof(code));
	else if (random_code(code) == -1)
		goto out;
	if ((sess = random_b64(r, LOCAL_SESSION_BYTES)) == NULL ||
	    auth_sha256_hex(sess, strlen(sess), shex) == -1 ||
	    sha256_hex2(sess, code, chex) == -1)
		goto out;
	params[0] = phone;
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_CODE_GC, 1, params,
	    NULL)) != ERR_OK)
		goto out;
	params[0] = shex;
	params[1] = phone;
	params[2] = chex;
	params[3] = arena_printf(r->arena, "%lld", local.otp_ttl);
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_CODE_INSERT, 4, params,
	    NULL)) != ERR_OK)
		goto out;
	if (fixed == NULL) {
		rc = local.sender == SEND_WEBHOOK ? send_webhook(phone, code) :
		    send_log(phone, code);
		if (rc != ERR_OK)
			goto out;
	} else
		log_msg(LOGLV_INFO, "test phone number: fixed code, not sent",
		    NULL);
	*session_info = sess;
out:
	OPENSSL_cleanse(code, sizeof(code));
	return rc;
}

/*
 * Check code against the session (constant-time), then sign in the
 * account of its phone number, creating it when new.  Every refusal is
 * ERR_BAD_CREDENTIALS: unknown, used or expired session, too many tries,
 * wrong code (counted: the caller commits).
 */
static enum err
local_phone_verify(struct req *r, const char *session_info,
    const char *code, struct prov_session *out)
{
	struct db_rows	*rows, *acc;
	const char	*params[4], *stored, *phone, *uid, *email = NULL;
	char		 shex[65], chex[65];
	long long	 tva = 0, iat;
	int		 created = 0;
	enum err	 rc;

	if (auth_sha256_hex(session_info, strlen(session_info), shex) == -1 ||
	    sha256_hex2(session_info, code, chex) == -1)
		return ERR_INTERNAL;
	params[0] = shex;
	params[1] = arena_printf(r->arena, "%d", LOCAL_CODE_TRIES);
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_CODE_LOOKUP, 2, params,
	    &rows)) != ERR_OK)
		return rc;
	if (rows->nrows != 1 || rows->ncols != 3 ||
	    (stored = db_get(rows, 0, 1)) == NULL || strlen(stored) != 64)
		return ERR_BAD_CREDENTIALS;
	phone = db_get(rows, 0, 0);
	if (!auth_is_true(db_get(rows, 0, 2)))
		return ERR_BAD_CREDENTIALS;
	if (CRYPTO_memcmp(stored, chex, 64) != 0) {
		if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_CODE_FAILED, 1,
		    params, NULL)) != ERR_OK)
			return rc;
		return ERR_BAD_CREDENTIALS;
	}
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_CODE_USE, 1, params,
	    NULL)) != ERR_OK)
		return rc;

	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_BY_PHONE, 1, &phone,
	    &acc)) != ERR_OK)
		return rc;
	if (acc->nrows == 1 && acc->ncols == ACC__MAX) {
		if (auth_is_true(db_get(acc, 0, ACC_DISABLED)))
			return ERR_DISABLED;
		uid = db_get(acc, 0, ACC_UID);
		email = db_get(acc, 0, ACC_EMAIL);
		tva = auth_seconds(db_get(acc, 0, ACC_TVA));
	} else {
		if ((uid = random_uid(r)) == NULL)
			return ERR_INTERNAL;
		params[0] = uid;
		params[1] = NULL;
		params[2] = phone;
		params[3] = NULL;
		if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_INSERT, 4,
		    params, NULL)) != ERR_OK)
			return rc;
		created = 1;
	}
	iat = issue_time(tva);
	if ((rc = session_make(r, uid, email, phone, iat, iat, out)) !=
	    ERR_OK)
		return rc;
	out->new_account = created;
	return ERR_OK;
}

/*
 * Rotate a refresh token: check it (unused, unrevoked, unexpired, the
 * account enabled), mark it used, issue its successor and a new ID token
 * that keeps the chain's auth_time.  A used token presented again means
 * a copy exists: every refresh token of the account is revoked (the
 * caller commits that) and the answer is ERR_UNAUTH, as for any refusal.
 */
static enum err
local_refresh(struct req *r, const char *token, struct prov_session *out)
{
	struct db_rows	*rows;
	struct buf	 raw;
	const char	*params[2], *uid, *rtid;
	char		 hex[65];
	enum err	 rc = ERR_UNAUTH;

	buf_init(&raw);
	/* Only what refresh_issue() makes can match: 32 bytes, base64url. */
	if (b64url_decode(&raw, token, strlen(token)) == -1 ||
	    raw.len != LOCAL_REFRESH_BYTES)
		goto out;
	if (auth_sha256_hex(token, strlen(token), hex) == -1) {
		rc = ERR_INTERNAL;
		goto out;
	}
	params[0] = hex;
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_REFRESH_LOOKUP, 1,
	    params, &rows)) != ERR_OK)
		goto out;
	rc = ERR_UNAUTH;
	if (rows->nrows != 1 || rows->ncols != RT__MAX)
		goto out;
	uid = db_get(rows, 0, RT_UID);
	if (auth_is_true(db_get(rows, 0, RT_USED))) {
		log_msg(LOGLV_WARN, "refresh token reused", "uid %s: all its "
		    "refresh tokens revoked", uid);
		params[0] = uid;
		params[1] = r->request_id;
		if ((rc = db_exec(r->db, r->arena,
		    STMT_LOCAL_REFRESH_REVOKE_ALL, 1, params, NULL)) ==
		    ERR_OK &&
		    (rc = db_exec(r->db, r->arena, STMT_LOCAL_AUDIT_REUSE, 2,
		    params, NULL)) == ERR_OK)
			rc = ERR_UNAUTH;
		goto out;
	}
	if (auth_is_true(db_get(rows, 0, RT_DEAD)) ||
	    auth_is_true(db_get(rows, 0, RT_DISABLED)))
		goto out;
	rtid = db_get(rows, 0, RT_ID);
	if ((rc = db_exec(r->db, r->arena, STMT_LOCAL_REFRESH_USE, 1, &rtid,
	    NULL)) != ERR_OK)
		goto out;
	rc = session_make(r, uid, db_get(rows, 0, RT_EMAIL),
	    db_get(rows, 0, RT_PHONE), (long long)time(NULL),
	    auth_seconds(db_get(rows, 0, RT_AUTH_TIME)), out);
out:
	buf_cleanup(&raw);
	return rc;
}

/* Sign-out: every refresh token of uid stops working. */
static enum err
local_revoke(struct req *r, const char *uid)
{
	return db_exec(r->db, r->arena, STMT_LOCAL_REFRESH_REVOKE_ALL, 1,
	    &uid, NULL);
}

/* Remove the account sign_up made (its refresh tokens go with it). */
static enum err
local_delete_account(struct req *r, const struct prov_session *s)
{
	return db_exec(r->db, r->arena, STMT_LOCAL_DELETE, 1, &s->uid, NULL);
}

const struct provider provider_local = {
	.name = "local",
	.init = local_init,
	.fini = local_fini,
	.verify = local_verify,
	.sign_up = local_sign_up,
	.sign_in = local_sign_in,
	.phone_start = local_phone_start,
	.phone_verify = local_phone_verify,
	.refresh = local_refresh,
	.revoke = local_revoke,
	.delete_account = local_delete_account,
};

/*
 * Append the JWKS of the local provider's keys (the signing key and the
 * retired ones) to b.  -1 when the local provider is not running or the
 * set cannot be written.
 */
int
provider_local_jwks(struct buf *b)
{
	if (!local.running || jwt_keyset_jwks(local.keys, b) == -1)
		return -1;
	return 0;
}

/*
 * Read one line (the password, without its line end) from in and write
 * its pwhash and a newline to out.  The same rules as sign-in apply:
 * 1 to 1024 characters of UTF-8.  Returns 0, or 1 with a message on
 * stderr.
 */
int
provider_local_hash_password(FILE *in, FILE *out)
{
	struct buf	 h;
	char		*line = NULL;
	size_t		 cap = 0, len;
	ssize_t		 n;
	int		 rc = 1;

	buf_init(&h);
	if ((n = getline(&line, &cap, in)) <= 0) {
		fprintf(stderr, "krow-auth: no password on standard input\n");
		goto out;
	}
	len = (size_t)n;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0 || !valid_utf8(line, len) ||
	    utf8_chars(line, len) > AUTH_PW_MAX) {
		fprintf(stderr, "krow-auth: the password must be 1 to %d "
		    "characters of UTF-8\n", AUTH_PW_MAX);
		goto out;
	}
	if (pwhash_make(line, len, &h) == -1) {
		fprintf(stderr, "krow-auth: cannot hash the password\n");
		goto out;
	}
	if (fprintf(out, "%s\n", buf_cstr(&h)) < 0 || fflush(out) != 0) {
		fprintf(stderr, "krow-auth: cannot write the hash\n");
		goto out;
	}
	rc = 0;
out:
	if (line != NULL)
		OPENSSL_cleanse(line, cap);
	free(line);
	buf_cleanup(&h);
	return rc;
}
