/*
 * check_conf: loading settings from defaults, the file, the environment
 * and secret files, and every way that can go wrong.
 */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR	"/usr/local/etc"
#endif

static char	 dir[64];
static char	 errbuf[512];

/* Unset KROW_CONF and every KROW_<KEY> and KROW_<KEY>_FILE. */
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
		strncat(var, "_FILE", sizeof(var) - strlen(var) - 1);
		unsetenv(var);
	}
}

static void
setup(void)
{
	clear_env();
	snprintf(dir, sizeof(dir), "/tmp/check_conf.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	errbuf[0] = '\0';
}

static void
teardown(void)
{
	char	 cmd[128];

	clear_env();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

/* Write len bytes of s to dir/name; return the path (static buffer). */
static const char *
put_n(const char *name, const char *s, size_t len)
{
	static char	 path[4][128];
	static int	 slot;
	char		*p;
	FILE		*f;

	p = path[slot++ % 4];
	snprintf(p, 128, "%s/%s", dir, name);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(s, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

static const char *
put(const char *name, const char *s)
{
	return put_n(name, s, strlen(s));
}

/* Load the file holding text; returns the conf or NULL (see errbuf). */
static struct conf *
load_text(const char *text)
{
	struct conf	*c;

	if (conf_load(&c, put("krow.conf", text), errbuf,
	    sizeof(errbuf)) == -1) {
		ck_assert_ptr_null(c);
		return NULL;
	}
	ck_assert_ptr_nonnull(c);
	return c;
}

/* Loading text must fail with a message containing want. */
static void
load_fails(const char *text, const char *want)
{
	struct conf	*c;

	c = load_text(text);
	ck_assert_msg(c == NULL, "loaded: %s", text);
	ck_assert_msg(strstr(errbuf, want) != NULL,
	    "error \"%s\" lacks \"%s\"", errbuf, want);
}

START_TEST(load_defaults)
{
	struct conf	*c;

	c = load_text("");
	ck_assert_str_eq(conf_str(c, CONF_DB_URL), "dbname=krow");
	ck_assert_str_eq(conf_str(c, CONF_LOG_LEVEL), "info");
	ck_assert_int_eq(conf_int(c, CONF_BODY_MAX), 1048576);
	ck_assert_int_eq(conf_int(c, CONF_UPLOAD_MAX), 20 * 1048576);
	ck_assert_str_eq(conf_str(c, CONF_AUTH_PROVIDER), "local");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_ISSUER), "krow-local");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_AUDIENCE), "krow");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_KEY_FILE),
	    SYSCONFDIR "/krow/auth-key.pem");
	ck_assert_int_eq(conf_int(c, CONF_AUTH_TOKEN_TTL), 3600);
	ck_assert_int_eq(conf_int(c, CONF_AUTH_CLOCK_SKEW), 30);
	ck_assert_str_eq(conf_str(c, CONF_HTTP_LISTEN), "127.0.0.1:8080");
	ck_assert_str_eq(conf_str(c, CONF_CORS_ORIGINS), "");
	ck_assert_int_eq(conf_int(c, CONF_POOL_AUTH), 2);
	ck_assert_int_eq(conf_int(c, CONF_POOL_CORE), 2);
	ck_assert_int_eq(conf_int(c, CONF_POOL_COMMAND), 4);
	ck_assert_int_eq(conf_int(c, CONF_POOL_QUERY), 2);
	conf_free(c);
}
END_TEST

START_TEST(load_query_url_follows_db_url)
{
	struct conf	*c;

	c = load_text("db_url = host=db1 dbname=krow\n");
	ck_assert_str_eq(conf_str(c, CONF_DB_QUERY_URL),
	    "host=db1 dbname=krow");
	conf_free(c);
}
END_TEST

START_TEST(load_query_url_own)
{
	struct conf	*c;

	c = load_text("db_url = host=db1\ndb_query_url = host=replica\n");
	ck_assert_str_eq(conf_str(c, CONF_DB_QUERY_URL), "host=replica");
	conf_free(c);
}
END_TEST

START_TEST(load_file_syntax)
{
	struct conf	*c;

	c = load_text(
	    "# KROW settings\n"
	    "\n"
	    "   # indented comment\n"
	    "db_url=host=/run/postgresql dbname=krow\n"
	    "\tlog_level\t=\twarn   \n"
	    "body_max = 2m\n"
	    "   \t\n"
	    "cors_origins = https://a.example https://b.example\n");
	ck_assert_str_eq(conf_str(c, CONF_DB_URL),
	    "host=/run/postgresql dbname=krow");
	ck_assert_str_eq(conf_str(c, CONF_LOG_LEVEL), "warn");
	ck_assert_int_eq(conf_int(c, CONF_BODY_MAX), 2 * 1048576);
	ck_assert_str_eq(conf_str(c, CONF_CORS_ORIGINS),
	    "https://a.example https://b.example");
	conf_free(c);
}
END_TEST

START_TEST(load_crlf)
{
	struct conf	*c;

	c = load_text("auth_issuer = iss\r\n\r\n# c\r\npool_core = 7\r\n");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_ISSUER), "iss");
	ck_assert_int_eq(conf_int(c, CONF_POOL_CORE), 7);
	conf_free(c);
}
END_TEST

START_TEST(load_no_final_newline)
{
	struct conf	*c;

	c = load_text("pool_query = 9");
	ck_assert_int_eq(conf_int(c, CONF_POOL_QUERY), 9);
	conf_free(c);
}
END_TEST

START_TEST(load_bom)
{
	struct conf	*c;

	c = load_text("\xef\xbb\xbfpool_auth = 3\n");
	ck_assert_int_eq(conf_int(c, CONF_POOL_AUTH), 3);
	conf_free(c);
}
END_TEST

START_TEST(load_hash_inside_value)
{
	struct conf	*c;

	/* '#' starts a comment only at the start of a line. */
	c = load_text("auth_audience = proj # not a comment\n");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_AUDIENCE),
	    "proj # not a comment");
	conf_free(c);
}
END_TEST

START_TEST(load_quoted_literal)
{
	struct conf	*c;

	c = load_text("auth_issuer = \"  # spaced = \"\"  \"\n"
	    "cors_origins = \"\"\n");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_ISSUER), "  # spaced = \"\"  ");
	ck_assert_str_eq(conf_str(c, CONF_CORS_ORIGINS), "");
	conf_free(c);
}
END_TEST

START_TEST(load_empty_value)
{
	struct conf	*c;

	c = load_text("cors_origins =\n");
	ck_assert_str_eq(conf_str(c, CONF_CORS_ORIGINS), "");
	conf_free(c);
}
END_TEST

START_TEST(load_err_no_equals)
{
	load_fails("pool_core = 2\n\njust some words\n",
	    "krow.conf:3: expected key = value");
}
END_TEST

START_TEST(load_err_no_key)
{
	load_fails("   = value\n", "krow.conf:1: expected key = value");
}
END_TEST

START_TEST(load_err_unknown_key)
{
	load_fails("colour = blue\n", "krow.conf:1: unknown setting 'colour'");
}
END_TEST

START_TEST(load_err_key_case)
{
	load_fails("DB_URL = x\n", "unknown setting 'DB_URL'");
}
END_TEST

START_TEST(load_err_unknown_file_key)
{
	load_fails("colour_file = /etc/passwd\n",
	    "unknown setting 'colour_file'");
}
END_TEST

START_TEST(load_err_duplicate)
{
	load_fails("pool_core = 2\npool_auth = 1\npool_core = 3\n",
	    "krow.conf:3: pool_core: already set on line 1");
}
END_TEST

START_TEST(load_err_duplicate_via_file)
{
	const char	*p;
	char		 text[256];

	p = put("secret", "dbname=x\n");
	snprintf(text, sizeof(text), "db_url = a\ndb_url_file = %s\n", p);
	load_fails(text, "krow.conf:2: db_url: already set on line 1");
}
END_TEST

START_TEST(load_err_unterminated_quote)
{
	load_fails("auth_issuer = \"abc\n", "krow.conf:1: auth_issuer:");
	load_fails("auth_issuer = \"\n", "auth_issuer:");
}
END_TEST

START_TEST(load_err_nul_byte)
{
	struct conf	*c;
	const char	 text[] = "pool_core = 2\nauth_issuer = a\0b\n";

	ck_assert_int_eq(conf_load(&c, put_n("krow.conf", text,
	    sizeof(text) - 1), errbuf, sizeof(errbuf)), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, "krow.conf:2:"));
}
END_TEST

START_TEST(load_err_long_line)
{
	char	*text;
	size_t	 n = 70000;

	text = malloc(n + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, "auth_issuer = ", 14);
	memset(text + 14, 'a', n - 14);
	text[n] = '\0';
	load_fails(text, "krow.conf:1: line too long");
	free(text);
}
END_TEST

START_TEST(load_err_missing_file)
{
	struct conf	*c = (struct conf *)1;
	char		 path[128];

	snprintf(path, sizeof(path), "%s/nope.conf", dir);
	ck_assert_int_eq(conf_load(&c, path, errbuf, sizeof(errbuf)), -1);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(errbuf, path));
	ck_assert_ptr_nonnull(strstr(errbuf, "No such file"));
}
END_TEST

START_TEST(load_err_directory)
{
	struct conf	*c;

	ck_assert_int_eq(conf_load(&c, dir, errbuf, sizeof(errbuf)), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, dir));
}
END_TEST

START_TEST(load_err_short_buffer)
{
	struct conf	*c;
	char		 small[8];

	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(conf_load(&c, put("krow.conf", "colour = 1\n"),
	    small, sizeof(small)), -1);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
	ck_assert_int_eq(conf_load(&c, put("krow.conf", "colour = 1\n"),
	    NULL, 0), -1);
}
END_TEST

START_TEST(load_int_range)
{
	struct conf	*c;

	c = load_text("auth_token_ttl = 60\nauth_clock_skew = 0\n"
	    "pool_core = 256\n");
	ck_assert_int_eq(conf_int(c, CONF_AUTH_TOKEN_TTL), 60);
	ck_assert_int_eq(conf_int(c, CONF_AUTH_CLOCK_SKEW), 0);
	ck_assert_int_eq(conf_int(c, CONF_POOL_CORE), 256);
	conf_free(c);
	load_fails("auth_token_ttl = 59\n",
	    "krow.conf:1: auth_token_ttl: out of range (allowed 60..86400)");
	load_fails("auth_token_ttl = 86401\n", "out of range");
	load_fails("pool_core = 0\n", "pool_core: out of range");
	load_fails("auth_clock_skew = -1\n", "out of range");
}
END_TEST

START_TEST(load_int_huge)
{
	load_fails("auth_token_ttl = 9223372036854775808\n",
	    "auth_token_ttl: out of range");
	load_fails("auth_token_ttl = -99999999999999999999999\n",
	    "out of range");
	load_fails("pool_core = 4294967298\n", "pool_core: out of range");
}
END_TEST

START_TEST(load_int_junk)
{
	load_fails("pool_core = 2x\n", "pool_core: not an integer");
	load_fails("pool_core = 0x10\n", "not an integer");
	load_fails("pool_core = 1.5\n", "not an integer");
	load_fails("pool_core = +2\n", "not an integer");
	load_fails("pool_core = \n", "not an integer");
	load_fails("pool_core = \" 2\"\n", "not an integer");
	load_fails("pool_core = 2 3\n", "not an integer");
}
END_TEST

START_TEST(load_size_suffixes)
{
	struct conf	*c;

	c = load_text("body_max = 1536k\nupload_max = 1G\n");
	ck_assert_int_eq(conf_int(c, CONF_BODY_MAX), 1536 * 1024);
	ck_assert_int_eq(conf_int(c, CONF_UPLOAD_MAX), 1073741824LL);
	ck_assert_str_eq(conf_str(c, CONF_BODY_MAX), "1536k");
	conf_free(c);
	c = load_text("body_max = 4096\nupload_max = 3M\n");
	ck_assert_int_eq(conf_int(c, CONF_BODY_MAX), 4096);
	ck_assert_int_eq(conf_int(c, CONF_UPLOAD_MAX), 3 * 1048576);
	conf_free(c);
}
END_TEST

START_TEST(load_size_range)
{
	load_fails("body_max = 0\n",
	    "krow.conf:1: body_max: out of range (allowed 1..1g)");
	load_fails("body_max = 1025m\n", "body_max: out of range");
	load_fails("upload_max = 1073741825\n", "upload_max: out of range");
}
END_TEST

START_TEST(load_size_huge)
{
	load_fails("body_max = 18446744073709551616\n", "body_max: too large");
	load_fails("body_max = 18446744073709551615\n", "body_max: too large");
	load_fails("body_max = 9223372036854775808\n", "body_max: too large");
	load_fails("body_max = 8589934592g\n", "body_max: too large");
	load_fails("body_max = 99999999999999999999999999\n", "too large");
	load_fails("body_max = 17179869184g\n", "body_max: too large");
	load_fails("body_max = 9223372036854775807k\n", "too large");
}
END_TEST

START_TEST(load_size_junk)
{
	load_fails("body_max = -1\n", "body_max: not a size");
	load_fails("body_max = 1.5m\n", "not a size");
	load_fails("body_max = 1kb\n", "not a size");
	load_fails("body_max = k\n", "not a size");
	load_fails("body_max = 1t\n", "not a size");
	load_fails("body_max = \n", "not a size");
	load_fails("body_max = 1 m\n", "not a size");
}
END_TEST

START_TEST(load_enum)
{
	struct conf	*c;

	c = load_text("log_level = debug\nauth_provider = firebase\n");
	ck_assert_str_eq(conf_str(c, CONF_LOG_LEVEL), "debug");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_PROVIDER), "firebase");
	conf_free(c);
	load_fails("log_level = verbose\n",
	    "krow.conf:1: log_level: must be one of debug|info|warn|error");
	load_fails("log_level = DEBUG\n", "log_level: must be one of");
	load_fails("log_level = info|warn\n", "log_level: must be one of");
	load_fails("auth_provider = \n", "auth_provider: must be one of");
}
END_TEST

START_TEST(load_env_overrides_file)
{
	struct conf	*c;

	setenv("KROW_BODY_MAX", "3m", 1);
	setenv("KROW_DB_URL", "host=envdb", 1);
	c = load_text("body_max = 2m\npool_core = 5\n");
	ck_assert_int_eq(conf_int(c, CONF_BODY_MAX), 3 * 1048576);
	ck_assert_str_eq(conf_str(c, CONF_DB_URL), "host=envdb");
	ck_assert_int_eq(conf_int(c, CONF_POOL_CORE), 5);	/* file */
	conf_free(c);
}
END_TEST

START_TEST(load_env_empty_value)
{
	struct conf	*c;

	setenv("KROW_CORS_ORIGINS", "", 1);
	c = load_text("cors_origins = https://a.example\n");
	ck_assert_str_eq(conf_str(c, CONF_CORS_ORIGINS), "");
	conf_free(c);
}
END_TEST

START_TEST(load_env_invalid)
{
	setenv("KROW_AUTH_TOKEN_TTL", "1e3", 1);
	load_fails("", "environment KROW_AUTH_TOKEN_TTL: auth_token_ttl: "
	    "not an integer");
}
END_TEST

START_TEST(load_env_invalid_enum)
{
	setenv("KROW_AUTH_PROVIDER", "google", 1);
	load_fails("", "KROW_AUTH_PROVIDER: auth_provider: must be one of "
	    "local|firebase");
}
END_TEST

START_TEST(load_env_file)
{
	struct conf	*c;

	setenv("KROW_DB_URL_FILE",
	    put("db", "password=s3cret host=x\r\n\n"), 1);
	c = load_text("db_url = dbname=filedb\n");
	ck_assert_str_eq(conf_str(c, CONF_DB_URL), "password=s3cret host=x");
	conf_free(c);
}
END_TEST

START_TEST(load_env_both_forms)
{
	setenv("KROW_DB_URL", "a", 1);
	setenv("KROW_DB_URL_FILE", put("db", "b"), 1);
	load_fails("", "both KROW_DB_URL and KROW_DB_URL_FILE are set");
}
END_TEST

START_TEST(load_file_setting)
{
	struct conf	*c;
	char		 text[256];

	snprintf(text, sizeof(text), "auth_audience_file = %s\n",
	    put("aud", "project-7\n"));
	c = load_text(text);
	ck_assert_str_eq(conf_str(c, CONF_AUTH_AUDIENCE), "project-7");
	conf_free(c);
}
END_TEST

START_TEST(load_file_setting_quoted_path)
{
	struct conf	*c;
	char		 text[256];

	snprintf(text, sizeof(text), "auth_audience_file = \"%s\"\n",
	    put("a b", "spaced"));
	c = load_text(text);
	ck_assert_str_eq(conf_str(c, CONF_AUTH_AUDIENCE), "spaced");
	conf_free(c);
}
END_TEST

START_TEST(load_file_setting_keeps_inner_newlines)
{
	struct conf	*c;
	char		 text[256];

	snprintf(text, sizeof(text), "cors_origins_file = %s\n",
	    put("o", "\n  a\nb  \r\n\r\n"));
	c = load_text(text);
	ck_assert_str_eq(conf_str(c, CONF_CORS_ORIGINS), "\n  a\nb  ");
	conf_free(c);
}
END_TEST

START_TEST(load_key_file_is_a_setting)
{
	struct conf	*c;
	char		 text[256];

	/* auth_key_file is a path setting; auth_key_file_file reads it. */
	c = load_text("auth_key_file = /etc/krow/k.pem\n");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_KEY_FILE), "/etc/krow/k.pem");
	conf_free(c);
	snprintf(text, sizeof(text), "auth_key_file_file = %s\n",
	    put("kp", "/srv/key.pem\n"));
	c = load_text(text);
	ck_assert_str_eq(conf_str(c, CONF_AUTH_KEY_FILE), "/srv/key.pem");
	conf_free(c);
	setenv("KROW_AUTH_KEY_FILE", "/env/key.pem", 1);
	c = load_text("");
	ck_assert_str_eq(conf_str(c, CONF_AUTH_KEY_FILE), "/env/key.pem");
	conf_free(c);
}
END_TEST

START_TEST(load_file_setting_unreadable)
{
	char	 text[256], path[128];

	snprintf(path, sizeof(path), "%s/missing-secret", dir);
	snprintf(text, sizeof(text), "\ndb_url_file = %s\n", path);
	load_fails(text, "krow.conf:2: db_url: cannot read ");
	ck_assert_ptr_nonnull(strstr(errbuf, path));
}
END_TEST

START_TEST(load_file_setting_env_unreadable)
{
	char	 path[128];

	snprintf(path, sizeof(path), "%s/missing-secret", dir);
	setenv("KROW_DB_URL_FILE", path, 1);
	load_fails("", "environment KROW_DB_URL_FILE: db_url: cannot read ");
	ck_assert_ptr_nonnull(strstr(errbuf, path));
}
END_TEST

START_TEST(load_file_setting_too_big)
{
	struct conf	*c;
	char		*big, text[256];

	big = malloc(65537);
	ck_assert_ptr_nonnull(big);
	memset(big, 'k', 65537);
	/* Exactly 64 KiB is accepted... */
	snprintf(text, sizeof(text), "auth_issuer_file = %s\n",
	    put_n("ok", big, 65536));
	c = load_text(text);
	ck_assert_uint_eq(strlen(conf_str(c, CONF_AUTH_ISSUER)), 65536);
	conf_free(c);
	/* ...one byte more is not. */
	snprintf(text, sizeof(text), "auth_issuer_file = %s\n",
	    put_n("big", big, 65537));
	load_fails(text, "larger than 64 KiB");
	free(big);
}
END_TEST

START_TEST(load_file_setting_nul)
{
	char	 text[256];

	snprintf(text, sizeof(text), "db_url_file = %s\n",
	    put_n("nul", "pass\0word", 9));
	load_fails(text, "db_url: ");
	ck_assert_ptr_nonnull(strstr(errbuf, "NUL"));
}
END_TEST

START_TEST(load_secret_not_in_error)
{
	char	 text[256];

	/* A secret put in the wrong setting must not leak into the error. */
	snprintf(text, sizeof(text), "pool_core_file = %s\n",
	    put("s", "hunter2-secret\n"));
	load_fails(text, "pool_core: not an integer");
	ck_assert_ptr_null(strstr(errbuf, "hunter2"));
	setenv("KROW_LOG_LEVEL", "hunter2-secret", 1);
	load_fails("", "log_level");
	ck_assert_ptr_null(strstr(errbuf, "hunter2"));
	unsetenv("KROW_LOG_LEVEL");
	load_fails("body_max = hunter2\n", "body_max");
	ck_assert_ptr_null(strstr(errbuf, "hunter2"));
}
END_TEST

START_TEST(load_path_from_env)
{
	struct conf	*c;

	setenv("KROW_CONF", put("other.conf", "pool_command = 11\n"), 1);
	ck_assert_int_eq(conf_load(&c, NULL, errbuf, sizeof(errbuf)), 0);
	ck_assert_int_eq(conf_int(c, CONF_POOL_COMMAND), 11);
	conf_free(c);
}
END_TEST

START_TEST(load_path_from_env_missing)
{
	struct conf	*c;
	char		 path[128];

	snprintf(path, sizeof(path), "%s/absent.conf", dir);
	setenv("KROW_CONF", path, 1);
	ck_assert_int_eq(conf_load(&c, NULL, errbuf, sizeof(errbuf)), -1);
	ck_assert_ptr_nonnull(strstr(errbuf, path));
}
END_TEST

START_TEST(load_default_path_optional)
{
	struct conf	*c;

	/* Only meaningful where no krow.conf is installed. */
	if (access(SYSCONFDIR "/krow/krow.conf", F_OK) == 0)
		return;
	setenv("KROW_POOL_AUTH", "4", 1);
	ck_assert_int_eq(conf_load(&c, NULL, errbuf, sizeof(errbuf)), 0);
	ck_assert_int_eq(conf_int(c, CONF_POOL_AUTH), 4);
	ck_assert_str_eq(conf_str(c, CONF_DB_URL), "dbname=krow");
	conf_free(c);
}
END_TEST

START_TEST(free_null)
{
	conf_free(NULL);
}
END_TEST

START_TEST(str_never_null)
{
	struct conf	*c;
	int		 i;

	c = load_text("");
	for (i = 0; i < CONF__MAX; i++)
		ck_assert_ptr_nonnull(conf_str(c, i));
	ck_assert_str_eq(conf_str(c, CONF__MAX), "");
	ck_assert_str_eq(conf_str(c, (enum conf_key)-1), "");
	conf_free(c);
}
END_TEST

START_TEST(int_enum_index)
{
	struct conf	*c;

	/* log_level's index is its enum log_level value. */
	c = load_text("log_level = warn\nauth_provider = firebase\n");
	ck_assert_int_eq(conf_int(c, CONF_LOG_LEVEL), 2);
	ck_assert_int_eq(conf_int(c, CONF_AUTH_PROVIDER), 1);
	ck_assert_int_eq(conf_int(c, CONF_DB_URL), 0);
	ck_assert_int_eq(conf_int(c, CONF__MAX), 0);
	conf_free(c);
}
END_TEST

START_TEST(name_of_keys)
{
	ck_assert_str_eq(conf_name(CONF_DB_URL), "db_url");
	ck_assert_str_eq(conf_name(CONF_AUTH_KEY_FILE), "auth_key_file");
	ck_assert_str_eq(conf_name(CONF_POOL_QUERY), "pool_query");
	ck_assert_str_eq(conf_name(CONF__MAX), "");
}
END_TEST

START_TEST(lookup_roundtrip)
{
	int	 i;

	for (i = 0; i < CONF__MAX; i++)
		ck_assert_int_eq(conf_lookup(conf_name(i)), i);
}
END_TEST

START_TEST(lookup_unknown)
{
	ck_assert_int_eq(conf_lookup("DB_URL"), -1);
	ck_assert_int_eq(conf_lookup("db_url_file"), -1);
	ck_assert_int_eq(conf_lookup("db_ur"), -1);
	ck_assert_int_eq(conf_lookup(""), -1);
	ck_assert_int_eq(conf_lookup(NULL), -1);
}
END_TEST

START_TEST(reference_table)
{
	char	*out = NULL, *line, *save;
	size_t	 len = 0;
	FILE	*f;
	int	 rows = 0;

	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	conf_reference(f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(strstr(out, "| `db_url` | `KROW_DB_URL` | "
	    "string | `dbname=krow` |"));
	ck_assert_ptr_nonnull(strstr(out, "| `body_max` | `KROW_BODY_MAX` | "
	    "size 1..1g | `1m` |"));
	ck_assert_ptr_nonnull(strstr(out, "integer 60..86400 | `3600` |"));
	/* A '|' inside a cell is escaped so the table keeps its columns. */
	ck_assert_ptr_nonnull(strstr(out, "debug\\|info\\|warn\\|error"));
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strncmp(line, "| `", 3) == 0)
			rows++;
	ck_assert_int_eq(rows, CONF__MAX);
	free(out);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("conf");

	tc = tcase_create("conf_load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, load_defaults);
	tcase_add_test(tc, load_query_url_follows_db_url);
	tcase_add_test(tc, load_query_url_own);
	tcase_add_test(tc, load_file_syntax);
	tcase_add_test(tc, load_crlf);
	tcase_add_test(tc, load_no_final_newline);
	tcase_add_test(tc, load_bom);
	tcase_add_test(tc, load_hash_inside_value);
	tcase_add_test(tc, load_quoted_literal);
	tcase_add_test(tc, load_empty_value);
	tcase_add_test(tc, load_err_no_equals);
	tcase_add_test(tc, load_err_no_key);
	tcase_add_test(tc, load_err_unknown_key);
	tcase_add_test(tc, load_err_key_case);
	tcase_add_test(tc, load_err_unknown_file_key);
	tcase_add_test(tc, load_err_duplicate);
	tcase_add_test(tc, load_err_duplicate_via_file);
	tcase_add_test(tc, load_err_unterminated_quote);
	tcase_add_test(tc, load_err_nul_byte);
	tcase_add_test(tc, load_err_long_line);
	tcase_add_test(tc, load_err_missing_file);
	tcase_add_test(tc, load_err_directory);
	tcase_add_test(tc, load_err_short_buffer);
	tcase_add_test(tc, load_int_range);
	tcase_add_test(tc, load_int_huge);
	tcase_add_test(tc, load_int_junk);
	tcase_add_test(tc, load_size_suffixes);
	tcase_add_test(tc, load_size_range);
	tcase_add_test(tc, load_size_huge);
	tcase_add_test(tc, load_size_junk);
	tcase_add_test(tc, load_enum);
	tcase_add_test(tc, load_env_overrides_file);
	tcase_add_test(tc, load_env_empty_value);
	tcase_add_test(tc, load_env_invalid);
	tcase_add_test(tc, load_env_invalid_enum);
	tcase_add_test(tc, load_env_file);
	tcase_add_test(tc, load_env_both_forms);
	tcase_add_test(tc, load_file_setting);
	tcase_add_test(tc, load_file_setting_quoted_path);
	tcase_add_test(tc, load_file_setting_keeps_inner_newlines);
	tcase_add_test(tc, load_key_file_is_a_setting);
	tcase_add_test(tc, load_file_setting_unreadable);
	tcase_add_test(tc, load_file_setting_env_unreadable);
	tcase_add_test(tc, load_file_setting_too_big);
	tcase_add_test(tc, load_file_setting_nul);
	tcase_add_test(tc, load_secret_not_in_error);
	tcase_add_test(tc, load_path_from_env);
	tcase_add_test(tc, load_path_from_env_missing);
	tcase_add_test(tc, load_default_path_optional);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf_free");
	tcase_add_test(tc, free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf_str");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, str_never_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf_int");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, int_enum_index);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf_name");
	tcase_add_test(tc, name_of_keys);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf_lookup");
	tcase_add_test(tc, lookup_roundtrip);
	tcase_add_test(tc, lookup_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("conf_reference");
	tcase_add_test(tc, reference_table);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(conf_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
