/*
 * conf: the settings of every KROW program, declared once in defs[].
 *
 * Sources, later winning: the default in defs[]; the file (`key = value`);
 * the environment (KROW_<KEY>).  Any of the last two may instead name a
 * file holding the value (`<key>_file = /path`, KROW_<KEY>_FILE=/path), for
 * secrets that should not sit in the main file or the environment.  Every
 * value is checked against its type when it is read, so a bad setting is
 * reported with the place it came from.  Error messages name the file and
 * line or the environment variable, the key and the problem, and never the
 * value: it may be a password.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "mem.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/usr/local/etc"
#endif

#define CONF_DEFAULT_PATH	SYSCONFDIR "/krow/krow.conf"
#define CONF_SECRET_MAX		(64 * 1024)	/* bytes of a _file value */
#define CONF_LINE_MAX		(64 * 1024)	/* bytes of a line */

#define KIB	1024LL
#define MIB	(1024LL * KIB)
#define GIB	(1024LL * MIB)

struct conf_def {
	const char	*name;
	enum conf_type	 type;
	const char	*def;	/* default, in the syntax of the file */
	long long	 min;	/* INT, SIZE */
	long long	 max;
	const char	*enums;	/* ENUM: "a|b|c" */
	const char	*desc;	/* one line, for conf_reference() */
};

/* Table rows, one macro per type. */
#define STR(n, d, desc)	\
	{ (n), CONF_T_STRING, (d), 0, 0, NULL, (desc) }
#define INT(n, d, lo, hi, desc)	\
	{ (n), CONF_T_INT, (d), (lo), (hi), NULL, (desc) }
#define SIZE(n, d, lo, hi, desc)	\
	{ (n), CONF_T_SIZE, (d), (lo), (hi), NULL, (desc) }
#define ENUM(n, d, e, desc)	\
	{ (n), CONF_T_ENUM, (d), 0, 0, (e), (desc) }

static const struct conf_def defs[CONF__MAX] = {
	[CONF_DB_URL] = STR("db_url", "dbname=krow",
	    "libpq connection string of the primary database"),
	[CONF_DB_QUERY_URL] = STR("db_query_url", "",
	    "connection string for krow-query, e.g. a replica "
	    "(empty: db_url)"),
	[CONF_LOG_LEVEL] = ENUM("log_level", "info", "debug|info|warn|error",
	    "lowest level of the log lines written to stderr"),
	[CONF_BODY_MAX] = SIZE("body_max", "1m", 1, GIB,
	    "largest request body of /auth, /commands and /query"),
	[CONF_UPLOAD_MAX] = SIZE("upload_max", "20m", 1, GIB,
	    "largest file accepted by /core/upload-file"),
	[CONF_AUTH_PROVIDER] = ENUM("auth_provider", "local",
	    "local|firebase",
	    "who issues ID tokens: local (krow-auth) or firebase"),
	[CONF_AUTH_ISSUER] = STR("auth_issuer", "krow-local",
	    "iss claim of the tokens krow-auth signs"),
	[CONF_AUTH_AUDIENCE] = STR("auth_audience", "krow",
	    "aud claim of the tokens (the Firebase project id)"),
	[CONF_AUTH_KEY_FILE] = STR("auth_key_file",
	    SYSCONFDIR "/krow/auth-key.pem",
	    "PEM RSA private key that signs local tokens"),
	[CONF_AUTH_TOKEN_TTL] = INT("auth_token_ttl", "3600", 60, 86400,
	    "seconds an ID token stays valid"),
	[CONF_AUTH_CLOCK_SKEW] = INT("auth_clock_skew", "30", 0, 300,
	    "seconds of clock skew tolerated when checking tokens"),
	[CONF_HTTP_LISTEN] = STR("http_listen", "127.0.0.1:8080",
	    "address:port nginx listens on"),
	[CONF_CORS_ORIGINS] = STR("cors_origins", "",
	    "space-separated origins allowed by CORS (empty: none)"),
	[CONF_POOL_AUTH] = INT("pool_auth", "2", 1, 256,
	    "krow-auth worker processes"),
	[CONF_POOL_CORE] = INT("pool_core", "2", 1, 256,
	    "krow-core worker processes"),
	[CONF_POOL_COMMAND] = INT("pool_command", "4", 1, 256,
	    "krow-command worker processes (commands mostly wait for their "
	    "commit to reach the disk: more workers than cores let commits "
	    "share a flush)"),
	[CONF_POOL_QUERY] = INT("pool_query", "2", 1, 256,
	    "krow-query worker processes"),
	[CONF_AUTH_OLD_KEY_FILES] = STR("auth_old_key_files", "",
	    "space-separated PEM keys that no longer sign but still verify "
	    "(key rotation)"),
	[CONF_AUTH_CACHE_SECONDS] = INT("auth_cache_seconds", "5", 0, 60,
	    "seconds a worker may reuse a verified token and user lookup "
	    "(0: no cache)"),
	[CONF_AUTH_GATEWAY_CACHE_SECONDS] = INT("auth_gateway_cache_seconds",
	    "1", 0, 5, "seconds nginx may reuse krow-auth's acceptance of a "
	    "token for the same method and path (0: ask every time); a "
	    "sign-out or a disabled user takes up to this plus 1 s to reach "
	    "routes already seen with the token"),
	[CONF_AUTH_MAX_FAILURES] = INT("auth_max_failures", "10", 1, 1000,
	    "wrong passwords or codes in a row before an account or phone "
	    "is locked"),
	[CONF_AUTH_LOCK_SECONDS] = INT("auth_lock_seconds", "900", 1, 86400,
	    "seconds such a lock lasts"),
	[CONF_AUTH_REFRESH_TTL] = INT("auth_refresh_ttl", "2592000", 300,
	    31536000, "seconds a local refresh token stays valid"),
	[CONF_AUTH_SELF_SIGNUP_TENANT] = STR("auth_self_signup_tenant", "",
	    "tenant slug that self sign-up joins: client sign-up and "
	    "new staff phone numbers (empty: refused)"),
	[CONF_AUTH_SELF_SIGNUP_VENDOR] = STR("auth_self_signup_vendor", "",
	    "vendor id that self-signed-up staff belong to"),
	[CONF_AUTH_TEST_PHONE_NUMBERS] = STR("auth_test_phone_numbers", "",
	    "test numbers with fixed codes, e.g. \"+15555550100:123456\" "
	    "(space or comma separated)"),
	[CONF_AUTH_OTP_SENDER] = ENUM("auth_otp_sender", "log",
	    "log|webhook",
	    "how the local provider delivers phone codes"),
	[CONF_AUTH_OTP_LOG_FILE] = STR("auth_otp_log_file", "",
	    "file the log sender appends codes to (development)"),
	[CONF_AUTH_OTP_WEBHOOK_URL] = STR("auth_otp_webhook_url", "",
	    "URL the webhook sender posts {phoneNumber, code} to"),
	[CONF_AUTH_OTP_TTL] = INT("auth_otp_ttl", "300", 60, 3600,
	    "seconds a phone code stays valid"),
	[CONF_FIREBASE_PROJECT_ID] = STR("firebase_project_id", "",
	    "Firebase project id (aud of its ID tokens)"),
	[CONF_FIREBASE_API_KEY] = STR("firebase_api_key", "",
	    "Web API key for the Identity Toolkit REST API (secret)"),
	[CONF_FIREBASE_AUTH_EMULATOR_HOST] = STR(
	    "firebase_auth_emulator_host", "",
	    "host:port of the Firebase Auth Emulator (empty: Google)"),
	[CONF_FIREBASE_CERTS_URL] = STR("firebase_certs_url",
	    "https://www.googleapis.com/robot/v1/metadata/x509/"
	    "securetoken@system.gserviceaccount.com",
	    "where the public certificates of ID tokens are fetched"),
	[CONF_FIREBASE_IDENTITY_URL] = STR("firebase_identity_url",
	    "https://identitytoolkit.googleapis.com",
	    "base URL of the Identity Toolkit REST API"),
	[CONF_FIREBASE_SECURETOKEN_URL] = STR("firebase_securetoken_url",
	    "https://securetoken.googleapis.com",
	    "base URL of the Secure Token REST API"),
	[CONF_UPSTREAM_TIMEOUT_MS] = INT("upstream_timeout_ms", "5000", 100,
	    60000, "milliseconds an upstream HTTP call may take"),
	[CONF_QUERY_MAX_RANGE_DAYS] = INT("query_max_range_days", "366", 1,
	    3660, "largest span of a from/to range of the query routes, "
	    "in days"),
	[CONF_QUERY_CACHE_SECONDS] = INT("query_cache_seconds", "5", 0, 60,
	    "how long a query worker may answer an aggregate read (dashboard, "
	    "coverage stats, billing) from its cache, provided no write to "
	    "the caller's data committed since; 0 turns the cache off"),
	[CONF_QUERY_CACHE_ENTRIES] = INT("query_cache_entries", "512", 1,
	    65536, "documents each query worker keeps in its cache"),
	[CONF_SAVINGS_REFERENCE_PCT] = INT("savings_reference_pct", "20", 0,
	    1000, "percent above the billed rate assumed as the market rate "
	    "of a role without a reference rate (savings)"),
	[CONF_STAFF_CLOCK_IN_WINDOW_MINUTES] = INT(
	    "staff_clock_in_window_minutes", "30", 0, 1440,
	    "minutes before a shift's start when clock-in opens"),
	[CONF_IDEMPOTENCY_TTL_HOURS] = INT("idempotency_ttl_hours", "24", 1,
	    720, "hours an Idempotency-Key and its stored answer are kept"),
};

#undef STR
#undef INT
#undef SIZE
#undef ENUM

struct conf {
	char		*str[CONF__MAX];	/* the value as given */
	long long	 num[CONF__MAX];	/* INT, SIZE; ENUM: index */
	int		 line[CONF__MAX];	/* line in the file, or 0 */
};

/*
 * Write the error message.  A message longer than the caller's buffer is
 * cut short on purpose: the start names the place and key, which is what
 * matters.
 */
static void
seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Parse a size: decimal digits with an optional k, m or g suffix (either
 * case, powers of 1024).  Signs, spaces, fractions and overflow are
 * rejected.  Returns 0, or -1 with *why set.
 */
static int
parse_size(const char *s, long long *out, const char **why)
{
	unsigned long long	 v = 0, mul = 1;
	const char		*p;

	if (!isdigit((unsigned char)*s)) {
		*why = "not a size (digits with an optional k, m or g)";
		return -1;
	}
	for (p = s; isdigit((unsigned char)*p); p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (unsigned)(*p - '0'), &v)) {
			*why = "too large";
			return -1;
		}
	switch (*p) {
	case '\0':
		break;
	case 'k':
	case 'K':
		mul = KIB;
		p++;
		break;
	case 'm':
	case 'M':
		mul = MIB;
		p++;
		break;
	case 'g':
	case 'G':
		mul = GIB;
		p++;
		break;
	default:
		break;
	}
	if (*p != '\0') {
		*why = "not a size (digits with an optional k, m or g)";
		return -1;
	}
	if (__builtin_mul_overflow(v, mul, &v) ||
	    v > (unsigned long long)LLONG_MAX) {
		*why = "too large";
		return -1;
	}
	*out = (long long)v;
	return 0;
}

/*
 * Parse a decimal integer with strtoll: optional '-', digits, nothing
 * else.  Returns 0, or -1 with *why set.
 */
static int
parse_int(const char *s, long long *out, const char **why)
{
	char		*end;
	long long	 v;

	if (!isdigit((unsigned char)s[0]) &&
	    !(s[0] == '-' && isdigit((unsigned char)s[1]))) {
		*why = "not an integer";
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE) {
		*why = "out of range";
		return -1;
	}
	if (errno != 0 || *end != '\0') {
		*why = "not an integer";
		return -1;
	}
	*out = v;
	return 0;
}

/* The index of s in the '|'-separated list, or -1. */
static int
enum_index(const char *list, const char *s)
{
	const char	*p, *bar;
	size_t		 n, len;
	int		 i;

	len = strlen(s);
	for (i = 0, p = list; ; i++, p = bar + 1) {
		bar = strchr(p, '|');
		n = bar == NULL ? strlen(p) : (size_t)(bar - p);
		if (n == len && strncmp(p, s, n) == 0)
			return i;
		if (bar == NULL)
			return -1;
	}
}

/* Write v as a size with the largest exact suffix: 1048576 is "1m". */
static void
fmt_size(char *b, size_t sz, long long v)
{
	int	 n;

	if (v != 0 && v % GIB == 0)
		n = snprintf(b, sz, "%lldg", v / GIB);
	else if (v != 0 && v % MIB == 0)
		n = snprintf(b, sz, "%lldm", v / MIB);
	else if (v != 0 && v % KIB == 0)
		n = snprintf(b, sz, "%lldk", v / KIB);
	else
		n = snprintf(b, sz, "%lld", v);
	if (n < 0 || (size_t)n >= sz)
		b[0] = '\0';	/* cannot happen with the callers' 32 bytes */
}

/*
 * Check val against the type of key k and store it.  where names the
 * source for a message ("krow.conf:12", "environment KROW_BODY_MAX").
 * Returns 0, or -1 with err set; the value itself is never quoted.
 */
static int
set_value(struct conf *c, enum conf_key k, const char *val,
    const char *where, char *err, size_t errlen)
{
	const struct conf_def	*d = &defs[k];
	const char		*why = NULL;
	long long		 v = 0;
	char			 lo[32], hi[32];
	int			 i;

	switch (d->type) {
	case CONF_T_STRING:
		break;
	case CONF_T_INT:
		if (parse_int(val, &v, &why) == -1)
			break;
		if (v < d->min || v > d->max)
			why = "out of range";
		break;
	case CONF_T_SIZE:
		if (parse_size(val, &v, &why) == -1)
			break;
		if (v < d->min || v > d->max)
			why = "out of range";
		break;
	case CONF_T_ENUM:
		if ((i = enum_index(d->enums, val)) == -1) {
			seterr(err, errlen, "%s: %s: must be one of %s",
			    where, d->name, d->enums);
			return -1;
		}
		v = i;
		break;
	}
	if (why != NULL) {
		if (d->type == CONF_T_SIZE) {
			fmt_size(lo, sizeof(lo), d->min);
			fmt_size(hi, sizeof(hi), d->max);
			seterr(err, errlen, "%s: %s: %s (allowed %s..%s)",
			    where, d->name, why, lo, hi);
		} else
			seterr(err, errlen, "%s: %s: %s (allowed %lld..%lld)",
			    where, d->name, why, d->min, d->max);
		return -1;
	}
	mem_free(c->str[k]);
	c->str[k] = mem_strdup(val);
	c->num[k] = v;
	return 0;
}

/*
 * Read the value of key k from the file at path: at most 64 KiB, trailing
 * CR and LF removed, no NUL byte.  Returns a mem_ string, or NULL with err
 * set (naming the path, never the content).
 */
static char *
read_value_file(enum conf_key k, const char *path, const char *where,
    char *err, size_t errlen)
{
	char		*p = NULL;
	size_t		 len = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		seterr(err, errlen, "%s: %s: cannot read %s: %s",
		    where, defs[k].name, path, strerror(errno));
		return NULL;
	}
	p = mem_alloc(CONF_SECRET_MAX + 2);
	for (;;) {
		r = read(fd, p + len, CONF_SECRET_MAX + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			seterr(err, errlen, "%s: %s: cannot read %s: %s",
			    where, defs[k].name, path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > CONF_SECRET_MAX) {
			seterr(err, errlen, "%s: %s: %s is larger than "
			    "64 KiB", where, defs[k].name, path);
			goto fail;
		}
	}
	close(fd);
	fd = -1;
	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	p[len] = '\0';
	if (strlen(p) != len) {
		seterr(err, errlen, "%s: %s: %s contains a NUL byte",
		    where, defs[k].name, path);
		goto fail;
	}
	return p;
fail:
	if (fd != -1)
		close(fd);
	/* It may hold part of a secret. */
	explicit_bzero(p, CONF_SECRET_MAX + 2);
	mem_free(p);
	return NULL;
}

/*
 * Set key k from a source: directly (isfile 0) or from the file named by
 * val (isfile 1).
 */
static int
set_from(struct conf *c, enum conf_key k, const char *val, int isfile,
    const char *where, char *err, size_t errlen)
{
	char	*content;
	int	 rc;

	if (!isfile)
		return set_value(c, k, val, where, err, errlen);
	if ((content = read_value_file(k, val, where, err, errlen)) == NULL)
		return -1;
	rc = set_value(c, k, content, where, err, errlen);
	explicit_bzero(content, strlen(content));
	mem_free(content);
	return rc;
}

/*
 * Find the setting named by key: the name itself, or <name>_file (then
 * *isfile is 1).  An exact name wins, so auth_key_file is the setting and
 * auth_key_file_file names a file holding it.  Returns -1 when unknown.
 */
static int
lookup_key(const char *key, int *isfile)
{
	char	 name[64];
	size_t	 len;
	int	 k;

	*isfile = 0;
	if ((k = conf_lookup(key)) != -1)
		return k;
	len = strlen(key);
	if (len <= 5 || len - 5 >= sizeof(name) ||
	    strcmp(key + len - 5, "_file") != 0)
		return -1;
	memcpy(name, key, len - 5);
	name[len - 5] = '\0';
	if ((k = conf_lookup(name)) != -1)
		*isfile = 1;
	return k;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' ||
	    ch == '\f' || ch == '\v';
}

/* Trim s[0..*len) of white space at both ends; returns the new start. */
static char *
trim(char *s, size_t *len)
{
	while (*len > 0 && is_space(*s)) {
		s++;
		(*len)--;
	}
	while (*len > 0 && is_space(s[*len - 1]))
		(*len)--;
	s[*len] = '\0';
	return s;
}

/*
 * Parse one line of the file: blank, a comment ('#' as the first
 * non-blank character) or `key = value`.  A value in double quotes is
 * taken literally without them (no escapes), which keeps leading or
 * trailing blanks and a leading '#'.
 */
static int
parse_line(struct conf *c, const char *path, int lineno, char *line,
    size_t len, char *err, size_t errlen)
{
	char	*key, *val, *eq, where[PATH_MAX + 32];
	size_t	 klen, vlen;
	int	 k, isfile, n;

	n = snprintf(where, sizeof(where), "%s:%d", path, lineno);
	if (n < 0 || (size_t)n >= sizeof(where))
		memcpy(where, "(config file)", sizeof("(config file)"));

	line = trim(line, &len);
	if (len == 0 || line[0] == '#')
		return 0;
	if ((eq = memchr(line, '=', len)) == NULL || eq == line) {
		seterr(err, errlen, "%s: expected key = value", where);
		return -1;
	}
	key = line;
	klen = (size_t)(eq - line);
	key = trim(key, &klen);
	val = eq + 1;
	vlen = len - (size_t)(val - line);
	val = trim(val, &vlen);
	if (klen == 0) {
		seterr(err, errlen, "%s: expected key = value", where);
		return -1;
	}
	if ((k = lookup_key(key, &isfile)) == -1) {
		seterr(err, errlen, "%s: unknown setting '%.64s'", where, key);
		return -1;
	}
	if (c->line[k] != 0) {
		seterr(err, errlen, "%s: %s: already set on line %d",
		    where, defs[k].name, c->line[k]);
		return -1;
	}
	c->line[k] = lineno;
	if (vlen > 0 && val[0] == '"') {
		if (vlen < 2 || val[vlen - 1] != '"') {
			seterr(err, errlen, "%s: %s: a quoted value must "
			    "end with a quote", where, defs[k].name);
			return -1;
		}
		val[vlen - 1] = '\0';
		val++;
	}
	return set_from(c, (enum conf_key)k, val, isfile, where, err,
	    errlen);
}

/*
 * Read the file at path.  When missing_ok, a file that does not exist is
 * not an error (the default path).  Returns 0 or -1 with err set.
 */
static int
load_file(struct conf *c, const char *path, int missing_ok,
    char *err, size_t errlen)
{
	FILE	*f;
	char	*line = NULL;
	size_t	 cap = 0, len;
	ssize_t	 n;
	int	 lineno = 0, rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		len = (size_t)n;
		if (len > CONF_LINE_MAX) {
			seterr(err, errlen, "%s:%d: line too long",
			    path, lineno);
			goto out;
		}
		if (strlen(line) != len) {
			seterr(err, errlen, "%s:%d: NUL byte in line",
			    path, lineno);
			goto out;
		}
		/* A UTF-8 byte order mark, as some editors write. */
		if (lineno == 1 && len >= 3 &&
		    memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, len - 3 + 1);
			len -= 3;
		}
		if (parse_line(c, path, lineno, line, len, err, errlen) == -1)
			goto out;
	}
	if (ferror(f)) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);	/* from getline(), not mem_ */
	fclose(f);
	return rc;
}

/*
 * Apply KROW_<KEY> and KROW_<KEY>_FILE.  Setting both is ambiguous and
 * an error.
 */
static int
load_env(struct conf *c, char *err, size_t errlen)
{
	char		 var[80], fvar[85], where[100];
	const char	*v, *fv;
	size_t		 i;
	int		 n;

	for (i = 0; i < CONF__MAX; i++) {
		n = snprintf(var, sizeof(var), "KROW_%s", defs[i].name);
		if (n < 0 || (size_t)n >= sizeof(var))
			abort();	/* a name in defs[] is too long */
		for (n = 5; var[n] != '\0'; n++)
			var[n] = (char)toupper((unsigned char)var[n]);
		n = snprintf(fvar, sizeof(fvar), "%s_FILE", var);
		if (n < 0 || (size_t)n >= sizeof(fvar))
			abort();
		v = getenv(var);
		fv = getenv(fvar);
		if (v != NULL && fv != NULL) {
			seterr(err, errlen, "environment: both %s and %s "
			    "are set", var, fvar);
			return -1;
		}
		if (v == NULL && fv == NULL)
			continue;
		n = snprintf(where, sizeof(where), "environment %s",
		    v != NULL ? var : fvar);
		if (n < 0 || (size_t)n >= sizeof(where))
			abort();
		if (set_from(c, (enum conf_key)i, v != NULL ? v : fv,
		    v == NULL, where, err, errlen) == -1)
			return -1;
	}
	return 0;
}

/*
 * Load the configuration (see conf.h for the sources and their order).
 * path NULL: $KROW_CONF when set and not empty, else the default file if
 * it exists.  A relative path in a _file setting is relative to the
 * current directory.  On success *out owns the settings (conf_free()); on
 * error *out is NULL, err holds one line and -1 is returned.
 */
int
conf_load(struct conf **out, const char *path, char *err, size_t errlen)
{
	struct conf	*c;
	const char	*env;
	size_t		 i;
	int		 missing_ok = 0;

	*out = NULL;
	seterr(err, errlen, "%s", "");
	c = mem_calloc(1, sizeof(*c));
	for (i = 0; i < CONF__MAX; i++)
		if (set_value(c, (enum conf_key)i, defs[i].def, "default",
		    err, errlen) == -1)
			goto fail;	/* a bad default: a bug in defs[] */

	if (path == NULL) {
		env = getenv("KROW_CONF");
		if (env != NULL && env[0] != '\0')
			path = env;
		else {
			path = CONF_DEFAULT_PATH;
			missing_ok = 1;
		}
	}
	if (load_file(c, path, missing_ok, err, errlen) == -1)
		goto fail;
	if (load_env(c, err, errlen) == -1)
		goto fail;

	/* An empty db_query_url means: the same database as db_url. */
	if (c->str[CONF_DB_QUERY_URL][0] == '\0') {
		mem_free(c->str[CONF_DB_QUERY_URL]);
		c->str[CONF_DB_QUERY_URL] = mem_strdup(c->str[CONF_DB_URL]);
	}
	*out = c;
	return 0;
fail:
	conf_free(c);
	return -1;
}

/* Release the settings; secrets are wiped first.  NULL is ignored. */
void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < CONF__MAX; i++) {
		if (c->str[i] != NULL)
			explicit_bzero(c->str[i], strlen(c->str[i]));
		mem_free(c->str[i]);
	}
	mem_free(c);
}

/*
 * The value of k as it was given (INT and SIZE too, e.g. "1m"); "" for an
 * unknown key.  Valid until conf_free().
 */
const char *
conf_str(const struct conf *c, enum conf_key k)
{
	if ((unsigned int)k >= CONF__MAX)
		return "";
	return c->str[k];
}

/*
 * The number of k: INT its value, SIZE its bytes, ENUM the index of the
 * value in its list (log_level "warn" is 2); 0 for STRING and unknown keys.
 */
long long
conf_int(const struct conf *c, enum conf_key k)
{
	if ((unsigned int)k >= CONF__MAX)
		return 0;
	return c->num[k];
}

/* The name of k in the file ("db_url"); "" for an unknown key. */
const char *
conf_name(enum conf_key k)
{
	if ((unsigned int)k >= CONF__MAX)
		return "";
	return defs[k].name;
}

/* The key named name (exactly, lower case), or -1. */
int
conf_lookup(const char *name)
{
	size_t	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < CONF__MAX; i++)
		if (strcmp(name, defs[i].name) == 0)
			return (int)i;
	return -1;
}

/* Write v with every '|' escaped, for a Markdown table cell. */
static void
put_cell(FILE *f, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '|')
			fputc('\\', f);
		fputc(*v, f);
	}
}

/*
 * Write the reference of every setting as a Markdown table (setting,
 * environment variable, type, default, description), ready for the
 * README.  Output errors are the caller's to check with ferror().
 */
void
conf_reference(FILE *f)
{
	const struct conf_def	*d;
	char			 lo[32], hi[32];
	size_t			 i;
	int			 j;

	fputs("| Setting | Environment | Type | Default | Description |\n"
	    "|---|---|---|---|---|\n", f);
	for (i = 0; i < CONF__MAX; i++) {
		d = &defs[i];
		fprintf(f, "| `%s` | `KROW_", d->name);
		for (j = 0; d->name[j] != '\0'; j++)
			fputc(toupper((unsigned char)d->name[j]), f);
		fputs("` | ", f);
		switch (d->type) {
		case CONF_T_STRING:
			fputs("string", f);
			break;
		case CONF_T_INT:
			fprintf(f, "integer %lld..%lld", d->min, d->max);
			break;
		case CONF_T_SIZE:
			fmt_size(lo, sizeof(lo), d->min);
			fmt_size(hi, sizeof(hi), d->max);
			fprintf(f, "size %s..%s", lo, hi);
			break;
		case CONF_T_ENUM:
			fputs("one of ", f);
			put_cell(f, d->enums);
			break;
		}
		fputs(" | ", f);
		if (d->def[0] == '\0')
			fputs("(empty)", f);
		else {
			fputc('`', f);
			put_cell(f, d->def);
			fputc('`', f);
		}
		fputs(" | ", f);
		put_cell(f, d->desc);
		fputs(" |\n", f);
	}
	fputs("\nEvery setting can also be read from a file: `<setting>_file "
	    "= /path` in the\nconfiguration file or `KROW_<SETTING>_FILE` in "
	    "the environment (at most\n64 KiB; trailing newlines are "
	    "removed).  The environment overrides the file.\n", f);
}
