/*
 * conf: the one configuration of every KROW program.
 *
 * Every setting is declared once, in the table in conf.c (name, type,
 * default, bounds, description); nothing else reads settings.  Values are
 * taken, later winning, from: the table's default; the file (`key = value`
 * lines, `#` comments, blank lines); the environment variable KROW_<KEY>
 * (upper case).  A setting may instead name a file holding its value, as
 * `<key>_file = /path` or KROW_<KEY>_FILE (for secrets); the content, with
 * trailing newlines stripped, is the value.  Unknown keys, malformed lines,
 * out-of-range numbers and unknown enum values are errors: programs fail
 * fast at start-up with the message conf_load() gives.
 */
#ifndef KROW_CONF_H
#define KROW_CONF_H

#include <stdio.h>

enum conf_key {
	CONF_DB_URL,		/* libpq conninfo of the primary */
	CONF_DB_QUERY_URL,	/* conninfo for krow-query ("" = db_url) */
	CONF_LOG_LEVEL,		/* debug|info|warn|error */
	CONF_BODY_MAX,		/* bytes, /auth /commands /query bodies */
	CONF_UPLOAD_MAX,	/* bytes, /core/upload-file */
	CONF_AUTH_PROVIDER,	/* local|firebase */
	CONF_AUTH_ISSUER,	/* iss of local tokens */
	CONF_AUTH_AUDIENCE,	/* aud of local tokens (project id) */
	CONF_AUTH_KEY_FILE,	/* PEM RSA private key signing local tokens */
	CONF_AUTH_TOKEN_TTL,	/* seconds an ID token lives */
	CONF_AUTH_CLOCK_SKEW,	/* seconds of tolerated clock skew */
	CONF_HTTP_LISTEN,	/* nginx listen address (scripts) */
	CONF_CORS_ORIGINS,	/* space-separated allowed origins */
	CONF_POOL_AUTH,		/* workers per pool (scripts) */
	CONF_POOL_CORE,
	CONF_POOL_COMMAND,
	CONF_POOL_QUERY,
	CONF_AUTH_OLD_KEY_FILES,	/* retired keys that still verify */
	CONF_AUTH_CACHE_SECONDS,	/* per-process verify cache lifetime */
	CONF_AUTH_GATEWAY_CACHE_SECONDS, /* nginx's reuse of an accepted check */
	CONF_AUTH_MAX_FAILURES,		/* wrong passwords/codes before a lock */
	CONF_AUTH_LOCK_SECONDS,		/* how long a lock lasts */
	CONF_AUTH_REFRESH_TTL,		/* seconds a refresh token lives */
	CONF_AUTH_SELF_SIGNUP_TENANT,	/* tenant slug for staff self sign-up */
	CONF_AUTH_SELF_SIGNUP_VENDOR,	/* vendor id of self-signed-up staff */
	CONF_AUTH_TEST_PHONE_NUMBERS,	/* "+15555550100:123456 ..." */
	CONF_AUTH_OTP_SENDER,		/* log|webhook */
	CONF_AUTH_OTP_LOG_FILE,		/* where the log sender writes */
	CONF_AUTH_OTP_WEBHOOK_URL,	/* where the webhook sender posts */
	CONF_AUTH_OTP_TTL,		/* seconds a phone code stays valid */
	CONF_FIREBASE_PROJECT_ID,
	CONF_FIREBASE_API_KEY,
	CONF_FIREBASE_AUTH_EMULATOR_HOST,	/* host:port; "" = Google */
	CONF_FIREBASE_CERTS_URL,
	CONF_FIREBASE_IDENTITY_URL,	/* Identity Toolkit base URL */
	CONF_FIREBASE_SECURETOKEN_URL,	/* Secure Token base URL */
	CONF_UPSTREAM_TIMEOUT_MS,	/* libcurl timeout for upstream calls */
	CONF_QUERY_MAX_RANGE_DAYS,	/* largest from/to span of reads */
	CONF_QUERY_CACHE_SECONDS,	/* life of a cached document; 0 off */
	CONF_QUERY_CACHE_ENTRIES,	/* cached documents per worker */
	CONF_SAVINGS_REFERENCE_PCT,	/* market rate above billed (savings) */
	CONF_STAFF_CLOCK_IN_WINDOW_MINUTES,	/* clock-in opens before start */
	CONF_IDEMPOTENCY_TTL_HOURS,	/* how long Idempotency-Keys live */
	CONF__MAX
};

enum conf_type {
	CONF_T_STRING,
	CONF_T_INT,		/* bounded by min..max */
	CONF_T_SIZE,		/* bytes; accepts k/m/g suffixes */
	CONF_T_ENUM		/* one of a '|'-separated list */
};

struct conf;

/*
 * Load settings.  path NULL means $KROW_CONF, else SYSCONFDIR/krow/krow.conf
 * when that file exists (a missing default file is not an error; a missing
 * explicit file is).  On error returns -1, *out is NULL and err holds a
 * one-line message naming the file, line and key.
 */
int		 conf_load(struct conf **out, const char *path,
		    char *err, size_t errlen);
void		 conf_free(struct conf *);		/* accepts NULL */
const char	*conf_str(const struct conf *, enum conf_key);	/* never NULL */
long long	 conf_int(const struct conf *, enum conf_key);	/* INT, SIZE */
const char	*conf_name(enum conf_key);		/* "db_url" */
/* Look a key up by name; -1 when unknown. */
int		 conf_lookup(const char *name);
/* Write the reference (name, type, default, description) as text. */
void		 conf_reference(FILE *);

#endif
