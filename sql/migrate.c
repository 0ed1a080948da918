/*
 * krow-migrate: bring a database's schema up to date.
 *
 *	krow-migrate [-c conffile] [--dir DIR] [--demo] [--generate N]
 *	    [--status]
 *
 * The migrations are the files DIR/NNNN_name.sql (NNNN: four digits, name:
 * [a-z0-9_]+), applied in the order of their names.  DIR is --dir, else
 * $KROW_SQL_DIR, else PKGDATADIR/sql/migrations.  What ran is recorded in
 * the table schema_migrations, with the SHA-256 of the file, so a run
 * applies only what is new and is safe to repeat.  A migration that was
 * changed after it was applied is refused: released migrations are never
 * edited, a new one is written instead.
 *
 * Each migration runs in one transaction together with its record, so it
 * is applied entirely or not at all.  Two runs at the same time (two hosts
 * deploying at once) serialise on a session advisory lock.
 *
 * A file must not control the transaction itself (BEGIN, COMMIT, ...):
 * such a file is refused before anything runs.
 *
 * --status lists applied and pending migrations and changes nothing.
 * --demo also loads DIR/../demo.sql (the demo tenant and its users), once:
 * not when the demo tenant exists already.
 *
 * --generate N (1..1000) then adds the synthetic tenant "scale-N" of
 * DIR/../generate.sql (benchmarks, the scale test), in one transaction:
 * the file defines pg_temp.krow_generate(scale), which is called with N
 * and does nothing when that tenant exists already.
 *
 * Exit status 0 on success, 1 on any error (the message on stderr); for
 * --status, 1 also when an applied migration's file was changed.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "buf.h"
#include "conf.h"
#include "mem.h"

#ifndef PKGDATADIR
#define PKGDATADIR	"/usr/local/share/krow-api"
#endif

#define PROG		"krow-migrate"
#define DEFAULT_DIR	PKGDATADIR "/sql/migrations"
/* pg_advisory_lock key: the bytes of "krowmigr" as a bigint. */
#define LOCK_KEY	"7742373268130719602"
#define FILE_MAX	(64 * 1024 * 1024)	/* bytes of one SQL file */
#define NAME_MAX_LEN	128			/* bytes of a file name */
#define DEMO_TENANT_ID	"00000000-0000-4000-8000-000000000001"
#define GENERATE_MAX	1000		/* largest --generate scale */

struct mig {
	char		*file;		/* "0001_foundation.sql" */
	char		 version[5];	/* "0001" */
	char		*name;		/* "foundation" */
	char		 sha[65];	/* hex SHA-256 of the content */
	struct buf	 sql;		/* the content */
	int		 applied;	/* recorded in schema_migrations */
	char		*applied_at;	/* when, as the server prints it */
};

struct rec {
	char	*version;
	char	*name;
	char	*sha;
	char	*applied_at;
};

static void	 errmsg(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	 warnmsg(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* "krow-migrate: <message>" on stderr. */
static void
errmsg(const char *fmt, ...)
{
	va_list	 ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
warnmsg(const char *fmt, ...)
{
	va_list	 ap;

	fputs(PROG ": warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: %s [-c conffile] [--dir DIR] [--demo] "
	    "[--generate N] [--status]\n", PROG);
}

/* Length of s without trailing newlines (libpq's messages end in one). */
static int
trimlen(const char *s)
{
	size_t	 n;

	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n > 4096 ? 4096 : (int)n;
}

/* Server warnings go to stderr; notices ("already exists, skipping") not. */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char	*sev, *msg;

	(void)arg;
	sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (sev != NULL && msg != NULL && strcmp(sev, "WARNING") == 0)
		warnmsg("server: %.*s", trimlen(msg), msg);
}

/*
 * 1 when name is a migration file name: ^[0-9]{4}_[a-z0-9_]+\.sql$.
 */
static int
migration_name(const char *name)
{
	size_t	 len, i;

	len = strlen(name);
	if (len < 10 || len > NAME_MAX_LEN ||
	    strcmp(name + len - 4, ".sql") != 0)
		return 0;
	for (i = 0; i < 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	if (name[4] != '_')
		return 0;
	for (i = 5; i < len - 4; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_'))
			return 0;
	return 1;
}

/*
 * Read the file at path into b: a regular file of at most FILE_MAX bytes
 * holding no NUL byte (PQexec takes a C string: the rest would be
 * silently dropped).  Returns 0, or -1 after printing why.
 */
static int
read_sql(const char *path, struct buf *b)
{
	FILE	*f;
	char	 chunk[65536];
	size_t	 n;
	int	 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		errmsg("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b->len + n > FILE_MAX) {
			errmsg("%s: larger than %d bytes", path, FILE_MAX);
			goto out;
		}
		buf_append(b, chunk, n);
	}
	if (ferror(f)) {
		errmsg("cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	if (b->len > 0 && memchr(b->p, '\0', b->len) != NULL) {
		errmsg("%s: contains a NUL byte", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* Hex SHA-256 of b into out[65].  Returns 0, or -1 after printing why. */
static int
sha256_hex(const struct buf *b, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;

	if (EVP_Digest(b->len > 0 ? b->p : "", b->len, md, &mdlen,
	    EVP_sha256(), NULL) != 1 || mdlen != 32) {
		errmsg("SHA-256 failed (OpenSSL)");
		return -1;
	}
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[64] = '\0';
	return 0;
}

static int
mig_cmp(const void *a, const void *b)
{
	const struct mig	*x = a, *y = b;

	return strcmp(x->file, y->file);
}

static void
migs_free(struct mig *m, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		mem_free(m[i].file);
		mem_free(m[i].name);
		mem_free(m[i].applied_at);
		buf_cleanup(&m[i].sql);
	}
	mem_free(m);
}

/*
 * Find, read and hash the migrations of dir, sorted by name.  Other
 * entries are ignored with a warning (dot files silently).  Two files of
 * one version are an error: the version is the key of the record.
 * Returns 0 with *out and *nout set, or -1 after printing why.
 */
static int
scan_dir(const char *dir, struct mig **out, size_t *nout)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct mig	*m = NULL;
	struct buf	 path;
	size_t		 n = 0, cap = 0, i;
	int		 rc = -1;

	*out = NULL;
	*nout = 0;
	buf_init(&path);
	if ((d = opendir(dir)) == NULL) {
		errmsg("cannot open the migrations directory %s: %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, de->d_name);
		if (!migration_name(de->d_name)) {
			warnmsg("ignoring %s: not a migration "
			    "(NNNN_name.sql, name in [a-z0-9_])", path.p);
			continue;
		}
		if (stat(path.p, &st) == -1 || !S_ISREG(st.st_mode)) {
			warnmsg("ignoring %s: not a regular file", path.p);
			continue;
		}
		if (n == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			m = mem_realloc(m, cap * sizeof(*m));
		}
		memset(&m[n], 0, sizeof(m[n]));
		buf_init(&m[n].sql);
		m[n].file = mem_strdup(de->d_name);
		memcpy(m[n].version, de->d_name, 4);
		m[n].version[4] = '\0';
		m[n].name = mem_strndup(de->d_name + 5,
		    strlen(de->d_name) - 5 - 4);
		n++;
		if (read_sql(path.p, &m[n - 1].sql) == -1 ||
		    sha256_hex(&m[n - 1].sql, m[n - 1].sha) == -1)
			goto out;
	}
	if (errno != 0) {
		errmsg("cannot read the directory %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	if (n == 0) {
		errmsg("no migrations in %s", dir);
		goto out;
	}
	qsort(m, n, sizeof(*m), mig_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(m[i - 1].version, m[i].version) == 0) {
			errmsg("%s and %s have the same version %s",
			    m[i - 1].file, m[i].file, m[i].version);
			goto out;
		}
	rc = 0;
out:
	closedir(d);
	buf_cleanup(&path);
	if (rc == 0) {
		*out = m;
		*nout = n;
	} else
		migs_free(m, n);
	return rc;
}

/*
 * Print a failed result: "krow-migrate: <what>: <severity>: <message>"
 * plus detail and hint.  When sql is the text that was sent, the error
 * position (characters from its start) becomes a line number.
 */
static void
print_error(PGconn *conn, const PGresult *res, const char *what,
    const struct buf *sql)
{
	const char	*msg, *sev, *detail, *hint, *pos;
	size_t		 i, chars, line;
	long		 want;

	msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
	    NULL;
	if (msg == NULL) {
		msg = PQerrorMessage(conn);
		errmsg("%s: %.*s", what, trimlen(msg), msg);
		return;
	}
	sev = PQresultErrorField(res, PG_DIAG_SEVERITY);
	detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);

	line = 0;
	if (sql != NULL && pos != NULL && (want = strtol(pos, NULL, 10)) > 0) {
		/* Count UTF-8 characters (lead bytes) up to the position. */
		line = 1;
		for (i = 0, chars = 0; i < sql->len; i++) {
			if (((unsigned char)sql->p[i] & 0xc0) != 0x80 &&
			    ++chars >= (size_t)want)
				break;
			if (sql->p[i] == '\n')
				line++;
		}
	}
	if (line > 0)
		errmsg("%s:%zu: %s: %s", what, line,
		    sev != NULL ? sev : "ERROR", msg);
	else
		errmsg("%s: %s: %s", what, sev != NULL ? sev : "ERROR", msg);
	if (detail != NULL)
		fprintf(stderr, "DETAIL: %s\n", detail);
	if (hint != NULL)
		fprintf(stderr, "HINT: %s\n", hint);
}

/*
 * Run one fixed command (no data in it) with PQexec.  Returns 0, or -1
 * after printing the error.
 */
static int
run(PGconn *conn, const char *sql)
{
	PGresult	*res;
	int		 rc = 0;

	res = PQexec(conn, sql);
	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)) {
		print_error(conn, res, sql, NULL);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* 1 when c may be part of an SQL word (keyword or identifier). */
static int
word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/*
 * Skip the dollar-quoted string at s[*i] ("$tag$ ... $tag$") when there is
 * one, counting newlines in *line.  Returns 1 when it skipped (to the end
 * when unterminated), 0 when s[*i] does not open one ("$1").
 */
static int
skip_dollar(const char *s, size_t len, size_t *i, size_t *line)
{
	size_t	 j, taglen;

	for (j = *i + 1; j < len && s[j] != '$'; j++)
		if (!(word_char((unsigned char)s[j]) && s[j] != '$') ||
		    (j == *i + 1 && s[j] >= '0' && s[j] <= '9'))
			return 0;
	if (j >= len)
		return 0;
	taglen = j - *i + 1;			/* "$tag$" */
	for (j = *i + taglen; j < len; j++) {
		if (s[j] == '\n')
			(*line)++;
		else if (s[j] == '$' && len - j >= taglen &&
		    memcmp(s + j, s + *i, taglen) == 0) {
			*i = j + taglen;
			return 1;
		}
	}
	*i = len;
	return 1;
}

/*
 * 1 when the first words of a statement, kept by routine_word() in ids,
 * are CREATE [OR REPLACE] FUNCTION or PROCEDURE.
 */
static int
routine_start(const char ids[4])
{
	return ids[0] == 'c' && (ids[1] == 'f' || ids[1] == 'p' ||
	    (ids[1] == 'o' && ids[2] == 'r' &&
	    (ids[3] == 'f' || ids[3] == 'p')));
}

/* Keep the initial of word w, number n (0-based) of its statement. */
static void
routine_word(char ids[4], size_t n, const char *w)
{
	if (n < 4 && (strcmp(w, "create") == 0 || strcmp(w, "or") == 0 ||
	    strcmp(w, "replace") == 0 || strcmp(w, "function") == 0 ||
	    strcmp(w, "procedure") == 0))
		ids[n] = w[0];
}

/*
 * Look for a statement that controls the transaction (BEGIN, START,
 * COMMIT, END, ROLLBACK, ABORT, PREPARE TRANSACTION) in the SQL text s:
 * every file runs in the transaction that also records it, and such a
 * statement would commit part of a file without its record.  A small
 * lexer with psql's heuristic: comments, quoted strings and identifiers
 * and dollar-quoted bodies are skipped; in CREATE [OR REPLACE] FUNCTION
 * or PROCEDURE, outside parentheses, BEGIN (and CASE within it) opens a
 * block that END closes (a BEGIN ATOMIC body), and a semicolon in a block
 * does not end the statement.  Returns the line of the statement found
 * (its keywords, upper case, in kw), or 0.  The check after running a
 * file (run_file()) catches what this misses.
 */
static size_t
find_txn_control(const char *s, size_t len, char kw[24])
{
	static const char *const ctl[] = {
		"begin", "start", "commit", "end", "rollback", "abort"
	};
	size_t		 i = 0, j, k, n, line = 1, words = 0, depth = 0;
	size_t		 parens = 0, stmt_line = 0;
	char		 w[24], ids[4];
	int		 estr, prepare = 0;

	memset(ids, 0, sizeof(ids));
	while (i < len) {
		if (s[i] == '\n') {
			line++;
			i++;
		} else if (s[i] == '-' && i + 1 < len && s[i + 1] == '-') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			for (n = 1, i += 2; i < len && n > 0; i++) {
				if (s[i] == '\n')
					line++;
				else if (s[i] == '/' && i + 1 < len &&
				    s[i + 1] == '*') {
					n++;
					i++;
				} else if (s[i] == '*' && i + 1 < len &&
				    s[i + 1] == '/') {
					n--;
					i++;
				}
			}
		} else if (s[i] == '\'' || s[i] == '"') {
			/* E'...' takes backslash escapes. */
			estr = s[i] == '\'' && i > 0 &&
			    (s[i - 1] == 'E' || s[i - 1] == 'e') &&
			    (i == 1 || !word_char((unsigned char)s[i - 2]));
			for (j = i + 1; j < len; j++) {
				if (s[j] == '\n')
					line++;
				else if (estr && s[j] == '\\' && j + 1 < len)
					j++;
				else if (s[j] == s[i]) {
					if (j + 1 < len && s[j + 1] == s[i])
						j++;
					else
						break;
				}
			}
			i = j + 1;
			words++;
		} else if (s[i] == '$' && skip_dollar(s, len, &i, &line)) {
			continue;
		} else if (s[i] == ';') {
			if (depth == 0) {
				words = parens = 0;
				prepare = 0;
				memset(ids, 0, sizeof(ids));
			}
			i++;
		} else if (s[i] == '(' || s[i] == ')') {
			if (s[i] == '(')
				parens++;
			else if (parens > 0)
				parens--;
			i++;
		} else if (word_char((unsigned char)s[i])) {
			for (j = i, k = 0; j < len &&
			    word_char((unsigned char)s[j]); j++)
				if (k < sizeof(w) - 1)
					w[k++] = (char)((s[j] >= 'A' &&
					    s[j] <= 'Z') ? s[j] - 'A' + 'a' :
					    s[j]);
			w[k] = '\0';
			i = j;
			routine_word(ids, words, w);
			if (++words == 1) {
				stmt_line = line;
				for (n = 0; n < sizeof(ctl) / sizeof(ctl[0]);
				    n++)
					if (strcmp(w, ctl[n]) == 0)
						goto found;
				prepare = strcmp(w, "prepare") == 0;
			} else if (words == 2 && prepare &&
			    strcmp(w, "transaction") == 0) {
				memcpy(w, "prepare transaction",
				    sizeof("prepare transaction"));
				goto found;
			} else if (routine_start(ids) && parens == 0) {
				if (strcmp(w, "begin") == 0 ||
				    (strcmp(w, "case") == 0 && depth > 0))
					depth++;
				else if (strcmp(w, "end") == 0 && depth > 0)
					depth--;
			}
		} else
			i++;
	}
	return 0;
found:
	memcpy(kw, w, strlen(w) + 1);
	for (n = 0; kw[n] != '\0'; n++)
		if (kw[n] >= 'a' && kw[n] <= 'z')
			kw[n] = (char)(kw[n] - 'a' + 'A');
	return stmt_line;
}

/*
 * Run the content of a trusted SQL file, in the transaction the caller
 * opened.  This is the one place in the project where text goes to PQexec
 * rather than a prepared statement with parameters: the file is code
 * shipped with the program, not data, and holds many statements, which
 * only the simple query protocol (PQexec) runs in one call.  A file that
 * controls the transaction itself is refused before it runs (see
 * find_txn_control()).  Returns 0; -1 after printing why, the transaction
 * to be rolled back; -2 when the file ended the transaction all the same
 * (the lexer was fooled), which cannot be undone.
 */
static int
run_file(PGconn *conn, const char *file, const struct buf *sql)
{
	PGresult	*res;
	size_t		 line;
	char		 kw[24];
	int		 rc = -1;

	if ((line = find_txn_control(sql->p != NULL ? sql->p : "", sql->len,
	    kw)) > 0) {
		errmsg("%s:%zu: %s: a file must not control the transaction "
		    "(each file runs in one transaction with its record)",
		    file, line, kw);
		return -1;
	}
	res = PQexec(conn, sql->len > 0 ? sql->p : "");
	if (res == NULL || (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQresultStatus(res) != PGRES_EMPTY_QUERY)) {
		print_error(conn, res, file, sql);
		goto out;
	}
	if (PQtransactionStatus(conn) != PQTRANS_INTRANS) {
		errmsg("%s: ended the transaction itself: what ran before "
		    "that point may be committed, without a record; inspect "
		    "the database before running %s again", file, PROG);
		rc = -2;
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/*
 * Apply migration m: its SQL and its record, in one transaction.
 * Returns 0; -1 (rolled back) after printing why; -2 when the file ended
 * the transaction itself (see run_file()).
 */
static int
apply(PGconn *conn, const struct mig *m)
{
	const char	*params[3];
	PGresult	*res;
	int		 ok, rc;

	if (run(conn, "BEGIN") == -1)
		return -1;
	if ((rc = run_file(conn, m->file, &m->sql)) == -2)
		return -2;
	if (rc == -1)
		goto fail;
	params[0] = m->version;
	params[1] = m->name;
	params[2] = m->sha;
	res = PQexecParams(conn, "INSERT INTO schema_migrations "
	    "(version, name, sha256) VALUES ($1, $2, $3)", 3, NULL, params,
	    NULL, NULL, 0);
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		print_error(conn, res, "recording the migration", NULL);
	PQclear(res);
	if (!ok)
		goto fail;
	if (run(conn, "COMMIT") == -1)
		return -1;
	return 0;
fail:
	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		(void)run(conn, "ROLLBACK");
	return -1;
}

/*
 * Read schema_migrations into *out (sorted by version).  When the table
 * does not exist (a new database; only --status gets here before creating
 * it) the list is empty.  Returns 0, or -1 after printing why.
 */
static int
read_records(PGconn *conn, struct rec **out, size_t *nout)
{
	PGresult	*res;
	struct rec	*r;
	size_t		 n, i;

	*out = NULL;
	*nout = 0;
	res = PQexec(conn, "SELECT to_regclass('schema_migrations') IS NULL");
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		print_error(conn, res, "looking for schema_migrations", NULL);
		PQclear(res);
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);

	res = PQexec(conn, "SELECT version, coalesce(name, ''), sha256, "
	    "to_char(applied_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
	    "FROM schema_migrations ORDER BY version");
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		print_error(conn, res, "reading schema_migrations", NULL);
		PQclear(res);
		return -1;
	}
	n = (size_t)PQntuples(res);
	r = mem_calloc(n, sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].version = mem_strdup(PQgetvalue(res, (int)i, 0));
		r[i].name = mem_strdup(PQgetvalue(res, (int)i, 1));
		r[i].sha = mem_strdup(PQgetvalue(res, (int)i, 2));
		r[i].applied_at = mem_strdup(PQgetvalue(res, (int)i, 3));
	}
	PQclear(res);
	*out = r;
	*nout = n;
	return 0;
}

static void
recs_free(struct rec *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		mem_free(r[i].version);
		mem_free(r[i].name);
		mem_free(r[i].sha);
		mem_free(r[i].applied_at);
	}
	mem_free(r);
}

/*
 * Match the records with the files: mark the applied migrations; a file
 * changed since it was applied is an error (all are reported, then -1);
 * a record without a file (a newer release ran here) is a warning.
 */
static int
match(struct mig *m, size_t nm, const struct rec *r, size_t nr)
{
	size_t	 i, j;
	int	 rc = 0;

	for (j = 0; j < nr; j++) {
		for (i = 0; i < nm; i++)
			if (strcmp(m[i].version, r[j].version) == 0)
				break;
		if (i == nm) {
			warnmsg("migration %s_%s.sql is recorded as applied "
			    "but has no file here (is this an older release?)",
			    r[j].version, r[j].name);
			continue;
		}
		m[i].applied = 1;
		m[i].applied_at = mem_strdup(r[j].applied_at);
		if (strcmp(m[i].sha, r[j].sha) != 0) {
			errmsg("migration %s was changed after it was applied "
			    "(recorded sha256 %s, file %s); write a new "
			    "migration instead", m[i].file, r[j].sha,
			    m[i].sha);
			rc = -1;
		}
		if (strcmp(m[i].name, r[j].name) != 0)
			warnmsg("migration %s was applied under the name "
			    "%s_%s.sql", m[i].file, r[j].version, r[j].name);
	}
	return rc;
}

/*
 * Load the demo data unless the demo tenant exists.  The check and the
 * load happen under the advisory lock, so two runs cannot both load it.
 */
static int
load_demo(PGconn *conn, const char *dir)
{
	const char	*params[1] = { DEMO_TENANT_ID };
	struct buf	 path, sql;
	PGresult	*res;
	int		 rc = -1, exists, ran;

	buf_init(&path);
	buf_init(&sql);
	buf_printf(&path, "%s/../demo.sql", dir);

	res = PQexecParams(conn, "SELECT 1 FROM tenants WHERE id = $1", 1,
	    NULL, params, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		print_error(conn, res, "looking for the demo tenant", NULL);
		PQclear(res);
		goto out;
	}
	exists = PQntuples(res) > 0;
	PQclear(res);
	if (exists) {
		printf("demo data already present, not loaded again\n");
		rc = 0;
		goto out;
	}

	if (read_sql(path.p, &sql) == -1)
		goto out;
	if (run(conn, "BEGIN") == -1)
		goto out;
	if ((ran = run_file(conn, "demo.sql", &sql)) == -2)
		goto out;
	if (ran == -1 || run(conn, "COMMIT") == -1) {
		if (PQtransactionStatus(conn) != PQTRANS_IDLE)
			(void)run(conn, "ROLLBACK");
		goto out;
	}
	printf("loaded demo data from %s\n", path.p);
	rc = 0;
out:
	buf_cleanup(&path);
	buf_cleanup(&sql);
	return rc;
}

/*
 * --generate: run DIR/../generate.sql, which defines the session-local
 * pg_temp.krow_generate(scale), and call it with scale, all in one
 * transaction.  The function's one-line summary is printed.
 */
static int
generate(PGconn *conn, const char *dir, const char *scale)
{
	const char	*params[1] = { scale };
	struct buf	 path, sql;
	PGresult	*res = NULL;
	int		 rc = -1, ran;

	buf_init(&path);
	buf_init(&sql);
	buf_printf(&path, "%s/../generate.sql", dir);
	if (read_sql(path.p, &sql) == -1)
		goto out;
	if (run(conn, "BEGIN") == -1)
		goto out;
	if ((ran = run_file(conn, "generate.sql", &sql)) == -2)
		goto out;
	if (ran == -1)
		goto fail;
	res = PQexecParams(conn, "SELECT pg_temp.krow_generate($1::integer)",
	    1, NULL, params, NULL, NULL, 0);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		print_error(conn, res, "generating data", NULL);
		goto fail;
	}
	printf("%s\n", PQgetvalue(res, 0, 0));
	if (run(conn, "COMMIT") == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	if (PQtransactionStatus(conn) != PQTRANS_IDLE)
		(void)run(conn, "ROLLBACK");
out:
	PQclear(res);
	buf_cleanup(&path);
	buf_cleanup(&sql);
	return rc;
}

/* --status: one line per migration, then one per record without file. */
static int
status(const struct mig *m, size_t nm, const struct rec *r, size_t nr)
{
	size_t	 i, j, pending = 0;
	int	 rc = 0;

	for (i = 0; i < nm; i++) {
		for (j = 0; j < nr; j++)
			if (strcmp(m[i].version, r[j].version) == 0)
				break;
		if (j == nr) {
			printf("pending  %s\n", m[i].file);
			pending++;
		} else if (strcmp(m[i].sha, r[j].sha) != 0) {
			printf("CHANGED  %s  (applied %s; the file differs "
			    "from what was applied)\n", m[i].file,
			    r[j].applied_at);
			rc = 1;
		} else
			printf("applied  %s  %s\n", m[i].file,
			    r[j].applied_at);
	}
	for (j = 0; j < nr; j++) {
		for (i = 0; i < nm; i++)
			if (strcmp(m[i].version, r[j].version) == 0)
				break;
		if (i == nm)
			printf("applied  %s_%s.sql  %s  (no such file here)\n",
			    r[j].version, r[j].name, r[j].applied_at);
	}
	printf("%zu applied, %zu pending\n", nr, pending);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "demo", no_argument, NULL, 'D' },
		{ "generate", required_argument, NULL, 'g' },
		{ "status", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const keys[] = {
		"connect_timeout", "fallback_application_name",
		"client_encoding", "dbname", NULL
	};
	const char	*vals[5];
	const char	*cfile = NULL, *dir = NULL, *env, *scale = NULL;
	struct conf	*conf = NULL;
	PGconn		*conn = NULL;
	struct mig	*m = NULL;
	struct rec	*r = NULL;
	size_t		 nm = 0, nr = 0, i, applied, line;
	char		 errbuf[512], kw[24], *end;
	long		 n;
	int		 ch, ret, bad, demo = 0, only_status = 0, rc = 1;

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfile = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'D':
			demo = 1;
			break;
		case 'g':
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    n < 1 || n > GENERATE_MAX) {
				errmsg("--generate: the scale must be a number "
				    "from 1 to %d", GENERATE_MAX);
				return 1;
			}
			scale = optarg;
			break;
		case 's':
			only_status = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (optind != argc || ((demo || scale != NULL) && only_status)) {
		usage(stderr);
		return 1;
	}
	if (dir == NULL && (env = getenv("KROW_SQL_DIR")) != NULL &&
	    env[0] != '\0')
		dir = env;
	if (dir == NULL)
		dir = DEFAULT_DIR;

	if (conf_load(&conf, cfile, errbuf, sizeof(errbuf)) == -1) {
		errmsg("%s", errbuf);
		return 1;
	}
	if (conf_str(conf, CONF_DB_URL)[0] == '\0') {
		errmsg("db_url is empty: set it in the configuration file or "
		    "KROW_DB_URL");
		goto out;
	}
	if (scan_dir(dir, &m, &nm) == -1)
		goto out;

	/* Our defaults come before the conninfo, which may override them. */
	vals[0] = "10";
	vals[1] = PROG;
	vals[2] = "UTF8";
	vals[3] = conf_str(conf, CONF_DB_URL);
	vals[4] = NULL;
	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		errmsg("cannot connect to the database: %.*s",
		    conn != NULL ? trimlen(PQerrorMessage(conn)) : 13,
		    conn != NULL ? PQerrorMessage(conn) : "out of memory");
		goto out;
	}
	PQsetNoticeReceiver(conn, notice_receiver, NULL);

	if (only_status) {
		if (read_records(conn, &r, &nr) == -1)
			goto out;
		rc = status(m, nm, r, nr);
		goto out;
	}

	/* Serialise with any other krow-migrate on this database. */
	if (run(conn, "SELECT pg_advisory_lock(" LOCK_KEY ")") == -1 ||
	    run(conn, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version text PRIMARY KEY, name text, sha256 text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())") == -1 ||
	    read_records(conn, &r, &nr) == -1)
		goto out;
	if (match(m, nm, r, nr) == -1)
		goto out;

	/* Refuse a file that controls the transaction before applying any. */
	for (i = 0, bad = 0; i < nm; i++) {
		if (m[i].applied || m[i].sql.len == 0)
			continue;
		if ((line = find_txn_control(m[i].sql.p, m[i].sql.len,
		    kw)) > 0) {
			errmsg("%s:%zu: %s: a file must not control the "
			    "transaction (each file runs in one transaction "
			    "with its record)", m[i].file, line, kw);
			bad = 1;
		}
	}
	if (bad)
		goto out;

	applied = 0;
	for (i = 0; i < nm; i++) {
		if (m[i].applied)
			continue;
		if ((ret = apply(conn, &m[i])) != 0) {
			if (ret == -1)
				errmsg("%s was not applied; the database is "
				    "as before it", m[i].file);
			goto out;
		}
		printf("applied %s\n", m[i].file);
		fflush(stdout);
		applied++;
	}
	printf("database is up to date: %zu migrations\n", nr + applied);

	if (demo && load_demo(conn, dir) == -1)
		goto out;
	if (scale != NULL && generate(conn, dir, scale) == -1)
		goto out;
	rc = 0;
out:
	/* Closing the session releases the advisory lock. */
	PQfinish(conn);
	recs_free(r, nr);
	migs_free(m, nm);
	conf_free(conf);
	return rc;
}
