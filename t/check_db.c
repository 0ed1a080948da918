/*
 * check_db: the database layer against a real PostgreSQL.
 *
 * KROW_TEST_DB_URL is the libpq conninfo of a database the test may write
 * to; without it the suite is skipped (exit 77, automake's SKIP).  Each
 * test builds the schema "check_db" afresh (a table, two functions) from a
 * second, plain libpq connection, which also plays the other session: it
 * looks at what was committed and ends our backend to break the
 * connection.  The statements must exist before db_connect() prepares
 * them, so the schema is real tables, not temporary ones; two runs of this
 * suite must not share one database at the same time.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "log.h"

#define ID_A	"00000000-0000-4000-8000-00000000000a"
#define ID_B	"00000000-0000-4000-8000-00000000000b"
#define ID_C	"00000000-0000-4000-8000-00000000000c"
#define ID_NONE	"00000000-0000-4000-8000-0000000000ff"

static const char schema_sql[] =
    "SET client_min_messages = warning;"
    "DROP SCHEMA IF EXISTS check_db CASCADE;"
    "CREATE SCHEMA check_db;"
    "CREATE TABLE check_db.item ("
    "  id uuid PRIMARY KEY,"
    "  name text NOT NULL UNIQUE,"
    "  qty integer NOT NULL CHECK (qty >= 0),"
    "  parent uuid REFERENCES check_db.item (id));"
    "CREATE FUNCTION check_db.raise(code text) RETURNS void"
    "  LANGUAGE plpgsql AS $$BEGIN"
    "  RAISE EXCEPTION 'raised on request' USING ERRCODE = code;"
    "  END$$;"
    "CREATE FUNCTION check_db.warn() RETURNS integer"
    "  LANGUAGE plpgsql AS $$BEGIN"
    "  RAISE WARNING 'check_db warning'; RETURN 1; END$$;";

enum stmt {
	S_ECHO,
	S_INSERT,
	S_GET,
	S_LIST,
	S_COUNT,
	S_SETQTY,
	S_PID,
	S_RAISE,
	S_REGCLASS,
	S_WARN,
	S_DATES,
	S__MAX
};

static const char *const stmts[S__MAX] = {
	[S_ECHO] = "SELECT $1::text, $2::text, $3::text",
	[S_INSERT] = "INSERT INTO check_db.item (id, name, qty, parent) "
	    "VALUES ($1, $2, $3, $4)",
	[S_GET] = "SELECT name, qty, parent FROM check_db.item WHERE id = $1",
	[S_LIST] = "SELECT name, parent FROM check_db.item ORDER BY name",
	[S_COUNT] = "SELECT count(*) FROM check_db.item",
	[S_SETQTY] = "UPDATE check_db.item SET qty = $1",
	[S_PID] = "SELECT pg_backend_pid()",
	[S_RAISE] = "SELECT check_db.raise($1)",
	[S_REGCLASS] = "SELECT $1::regclass",
	[S_WARN] = "SELECT check_db.warn()",
	[S_DATES] = "SELECT date '2026-01-02', timestamp '2026-01-02 03:04:05'",
};

/* A statement naming a table no migration created. */
static const char *const bad_stmts[] = {
	"SELECT 1",
	"SELECT * FROM check_db.missing",
};

static const char	*url;		/* KROW_TEST_DB_URL */
static PGconn		*admin;		/* the other session */
static struct db	*db;
static struct arena	*a;

static void
admin_exec(const char *sql)
{
	PGresult	*res;

	res = PQexec(admin, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK, "admin: %s",
	    PQerrorMessage(admin));
	PQclear(res);
}

static void
setup(void)
{
	admin = PQconnectdb(url);
	ck_assert_msg(PQstatus(admin) == CONNECTION_OK, "cannot connect: %s",
	    PQerrorMessage(admin));
	admin_exec(schema_sql);
	db = db_new(url, stmts, S__MAX);
	a = arena_new(0);
}

static void
teardown(void)
{
	db_free(db);
	db = NULL;
	arena_free(a);
	a = NULL;
	if (PQstatus(admin) == CONNECTION_OK)
		admin_exec("SET client_min_messages = warning;"
		    "DROP SCHEMA IF EXISTS check_db CASCADE;"
		    "ALTER ROLE CURRENT_USER RESET DateStyle");
	PQfinish(admin);
	admin = NULL;
}

/* Rows in check_db.item as the other session sees them (committed). */
static long
admin_count(void)
{
	PGresult	*res;
	long		 n;

	res = PQexec(admin, "SELECT count(*) FROM check_db.item");
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

/* Rows in check_db.item as our own session sees them. */
static long
own_count(void)
{
	struct db_rows	*r;

	ck_assert_int_eq(db_exec(db, a, S_COUNT, 0, NULL, &r), ERR_OK);
	return strtol(db_get(r, 0, 0), NULL, 10);
}

static enum err
insert(const char *id, const char *name, const char *qty, const char *parent)
{
	const char	*p[4];

	p[0] = id;
	p[1] = name;
	p[2] = qty;
	p[3] = parent;
	return db_exec(db, a, S_INSERT, 4, p, NULL);
}

/* The backend pid of db's connection. */
static char *
own_pid(void)
{
	struct db_rows	*r;

	ck_assert_int_eq(db_exec(db, a, S_PID, 0, NULL, &r), ERR_OK);
	return arena_strdup(a, db_get(r, 0, 0));
}

/* End the backend pid from the other session and wait until it is gone. */
static void
terminate(const char *pid)
{
	const char	*p[1];
	PGresult	*res;

	p[0] = pid;
	res = PQexecParams(admin, "SELECT pg_terminate_backend($1::int, 5000)",
	    1, NULL, p, NULL, NULL, 0);
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
}

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Capture what is written on stderr (the log) between capture_start()
 * and capture_end(), which returns it (a static buffer, NUL-terminated).
 */
static int	 cap_saved = -1;
static FILE	*cap_file;
static char	 cap_text[65536];

static void
capture_start(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	ck_assert_ptr_nonnull(cap_file);
	cap_saved = dup(STDERR_FILENO);
	ck_assert_int_ge(cap_saved, 0);
	ck_assert_int_ge(dup2(fileno(cap_file), STDERR_FILENO), 0);
	log_init("check_db", LOGLV_DEBUG);
}

static const char *
capture_end(void)
{
	size_t	 n;

	log_init("check_db", LOGLV_ERROR);
	fflush(stderr);
	dup2(cap_saved, STDERR_FILENO);
	close(cap_saved);
	cap_saved = -1;
	rewind(cap_file);
	n = fread(cap_text, 1, sizeof(cap_text) - 1, cap_file);
	cap_text[n] = '\0';
	fclose(cap_file);
	cap_file = NULL;
	return cap_text;
}

/* db_new */

START_TEST(new_does_not_connect)
{
	struct db	*d;
	double		 t0;

	t0 = now_s();
	d = db_new("host=127.0.0.1 port=1", stmts, S__MAX);
	ck_assert_ptr_nonnull(d);
	ck_assert_double_lt(now_s() - t0, 0.5);
	ck_assert_str_eq(db_sqlstate(d), "");
	db_free(d);
}
END_TEST

START_TEST(free_null)
{
	db_free(NULL);
}
END_TEST

/* db_connect */

START_TEST(connect_ok)
{
	ck_assert_int_eq(db_connect(db), ERR_OK);
	ck_assert_int_eq(db_connect(db), ERR_OK);
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

START_TEST(connect_refused_upstream_fast)
{
	struct db	*d;
	double		 t0;

	d = db_new("host=127.0.0.1 port=1", stmts, S__MAX);
	t0 = now_s();
	ck_assert_int_eq(db_connect(d), ERR_UPSTREAM);
	ck_assert_double_lt(now_s() - t0, 3.0);
	ck_assert_str_eq(db_sqlstate(d), "08006");
	db_free(d);
}
END_TEST

/*
 * A server that never answers: a socket that listens but never accepts.
 * The kernel completes the TCP handshake, libpq sends its startup packet
 * and waits for an answer that does not come.  Returns the conninfo.
 */
static int	 mute_fd = -1;

static const char *
mute_server(const char *extra)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	mute_fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(mute_fd, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(mute_fd, (struct sockaddr *)&sin, len), 0);
	ck_assert_int_eq(listen(mute_fd, 4), 0);
	ck_assert_int_eq(getsockname(mute_fd, (struct sockaddr *)&sin, &len),
	    0);
	return arena_printf(a, "host=127.0.0.1 port=%u sslmode=disable %s",
	    (unsigned int)ntohs(sin.sin_port), extra);
}

START_TEST(connect_timeout_from_conninfo_wins)
{
	struct db	*d;
	double		 t0, t;

	/* libpq's smallest timeout is 2 s; ours, 5 s, must not win. */
	d = db_new(mute_server("connect_timeout=2"), stmts, S__MAX);
	t0 = now_s();
	ck_assert_int_eq(db_connect(d), ERR_UPSTREAM);
	t = now_s() - t0;
	ck_assert_double_ge(t, 1.5);
	ck_assert_double_lt(t, 4.0);
	db_free(d);
	close(mute_fd);
}
END_TEST

START_TEST(connect_mute_server_times_out)
{
	struct db	*d;
	double		 t0, t;

	/* None in the conninfo: ours (5 s) keeps a worker from hanging. */
	d = db_new(mute_server(""), stmts, S__MAX);
	t0 = now_s();
	ck_assert_int_eq(db_connect(d), ERR_UPSTREAM);
	t = now_s() - t0;
	ck_assert_double_ge(t, 4.5);
	ck_assert_double_lt(t, 8.0);
	db_free(d);
	close(mute_fd);
}
END_TEST

START_TEST(connect_garbage_conninfo)
{
	struct db	*d;

	d = db_new("this is = not a \"conninfo", stmts, S__MAX);
	ck_assert_int_eq(db_connect(d), ERR_UPSTREAM);
	db_free(d);
}
END_TEST

START_TEST(connect_log_has_no_password)
{
	struct db	*d;
	const char	*log;

	d = db_new("host=127.0.0.1 port=1 user=u password=Hunter2-Secret",
	    stmts, S__MAX);
	capture_start();
	ck_assert_int_eq(db_connect(d), ERR_UPSTREAM);
	log = capture_end();
	db_free(d);
	ck_assert_ptr_nonnull(strstr(log, "database connection failed"));
	ck_assert_ptr_null(strstr(log, "Hunter2-Secret"));
}
END_TEST

START_TEST(connect_unpreparable_statement)
{
	struct db	*d;

	d = db_new(url, bad_stmts, 2);
	ck_assert_int_eq(db_connect(d), ERR_DB);
	ck_assert_str_eq(db_sqlstate(d), "42P01");
	/* Again: the same error, not "s0 already exists" (42P05). */
	ck_assert_int_eq(db_connect(d), ERR_DB);
	ck_assert_str_eq(db_sqlstate(d), "42P01");
	db_free(d);
}
END_TEST

/* db_exec */

/*
 * Dates come as ISO text whatever the role's default style: the reads
 * copy them into JSON as they are.
 */
START_TEST(connect_sets_iso_dates)
{
	struct db_rows	*r = NULL;

	admin_exec("ALTER ROLE CURRENT_USER SET DateStyle = 'SQL, DMY'");
	ck_assert_int_eq(db_exec(db, a, S_DATES, 0, NULL, &r), ERR_OK);
	ck_assert_str_eq(db_get(r, 0, 0), "2026-01-02");
	ck_assert_str_eq(db_get(r, 0, 1), "2026-01-02 03:04:05");
	admin_exec("ALTER ROLE CURRENT_USER RESET DateStyle");
}
END_TEST

START_TEST(exec_params_and_nulls)
{
	const char	*p[3] = { "a", NULL, "" };
	struct db_rows	*r;

	ck_assert_int_eq(db_exec(db, a, S_ECHO, 3, p, &r), ERR_OK);
	ck_assert_uint_eq(r->nrows, 1);
	ck_assert_uint_eq(r->ncols, 3);
	ck_assert_str_eq(db_get(r, 0, 0), "a");
	ck_assert_ptr_null(db_get(r, 0, 1));
	ck_assert_ptr_nonnull(db_get(r, 0, 2));
	ck_assert_str_eq(db_get(r, 0, 2), "");
}
END_TEST

START_TEST(exec_values_outlive_result)
{
	const char	*p1[3] = { "first", "x", "y" };
	const char	*p2[3] = { "second", "z", NULL };
	struct db_rows	*r1, *r2;

	ck_assert_int_eq(db_exec(db, a, S_ECHO, 3, p1, &r1), ERR_OK);
	ck_assert_int_eq(db_exec(db, a, S_ECHO, 3, p2, &r2), ERR_OK);
	/* r1's PGresult is long cleared: these must be copies. */
	ck_assert_str_eq(db_get(r1, 0, 0), "first");
	ck_assert_str_eq(db_get(r1, 0, 2), "y");
	ck_assert_str_eq(db_get(r2, 0, 0), "second");
}
END_TEST

START_TEST(exec_no_rows)
{
	const char	*p[1] = { ID_NONE };
	struct db_rows	*r;

	ck_assert_int_eq(db_exec(db, a, S_GET, 1, p, &r), ERR_OK);
	ck_assert_uint_eq(r->nrows, 0);
	ck_assert_uint_eq(r->ncols, 3);
}
END_TEST

START_TEST(exec_affected_rows)
{
	const char	*p[1] = { "7" };
	struct db_rows	*r;

	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(insert(ID_B, "b", "2", NULL), ERR_OK);
	ck_assert_int_eq(insert(ID_C, "c", "3", ID_A), ERR_OK);
	ck_assert_int_eq(db_exec(db, a, S_SETQTY, 1, p, &r), ERR_OK);
	ck_assert_uint_eq(r->affected, 3);
	ck_assert_uint_eq(r->nrows, 0);
}
END_TEST

START_TEST(exec_out_null)
{
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(exec_quotes_are_data)
{
	const char	*name = "x'); DROP TABLE check_db.item; --";
	const char	*p[1] = { ID_A };
	struct db_rows	*r;

	ck_assert_int_eq(insert(ID_A, name, "1", NULL), ERR_OK);
	ck_assert_int_eq(db_exec(db, a, S_GET, 1, p, &r), ERR_OK);
	ck_assert_uint_eq(r->nrows, 1);
	ck_assert_str_eq(db_get(r, 0, 0), name);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(exec_large_value)
{
	char		*big;
	const char	*p[3];
	struct db_rows	*r;
	size_t		 n = 1024 * 1024;

	big = arena_alloc(a, n + 1);
	memset(big, 'k', n);
	big[n] = '\0';
	p[0] = big;
	p[1] = p[2] = NULL;
	ck_assert_int_eq(db_exec(db, a, S_ECHO, 3, p, &r), ERR_OK);
	ck_assert_uint_eq(strlen(db_get(r, 0, 0)), n);
	ck_assert_int_eq(memcmp(db_get(r, 0, 0), big, n), 0);
}
END_TEST

START_TEST(exec_stmt_out_of_range)
{
	struct db_rows	*r = (void *)1;

	ck_assert_int_eq(db_exec(db, a, S__MAX, 0, NULL, &r), ERR_INTERNAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(db_exec(db, a, (size_t)-1, 0, NULL, NULL),
	    ERR_INTERNAL);
}
END_TEST

START_TEST(exec_too_many_params)
{
	ck_assert_int_eq(db_exec(db, a, S_ECHO, 70000, stmts, NULL),
	    ERR_INTERNAL);
}
END_TEST

START_TEST(exec_wrong_param_count)
{
	const char	*p[1] = { "a" };

	ck_assert_int_eq(db_exec(db, a, S_ECHO, 1, p, NULL), ERR_DB);
	ck_assert_str_eq(db_sqlstate(db), "08P01");
	/* The connection is still good. */
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

START_TEST(exec_non_utf8_invalid)
{
	const char	*p[3] = { "ok\xff\xfe", NULL, NULL };

	ck_assert_int_eq(db_exec(db, a, S_ECHO, 3, p, NULL), ERR_INVAL);
	ck_assert_str_eq(db_sqlstate(db), "22021");
}
END_TEST

START_TEST(exec_huge_number_invalid)
{
	ck_assert_int_eq(insert(ID_A, "a", "99999999999999999999", NULL),
	    ERR_INVAL);
	ck_assert_str_eq(db_sqlstate(db), "22003");
}
END_TEST

/* SQLSTATE mapping, from real constraint violations... */

START_TEST(map_unique_conflict)
{
	ck_assert_int_eq(insert(ID_A, "same", "1", NULL), ERR_OK);
	ck_assert_int_eq(insert(ID_B, "same", "1", NULL), ERR_CONFLICT);
	ck_assert_str_eq(db_sqlstate(db), "23505");
}
END_TEST

START_TEST(map_foreign_key_conflict)
{
	ck_assert_int_eq(insert(ID_A, "a", "1", ID_NONE), ERR_CONFLICT);
	ck_assert_str_eq(db_sqlstate(db), "23503");
}
END_TEST

START_TEST(map_check_invalid)
{
	ck_assert_int_eq(insert(ID_A, "a", "-1", NULL), ERR_INVAL);
	ck_assert_str_eq(db_sqlstate(db), "23514");
}
END_TEST

START_TEST(map_bad_uuid_invalid)
{
	ck_assert_int_eq(insert("not-a-uuid", "a", "1", NULL), ERR_INVAL);
	ck_assert_str_eq(db_sqlstate(db), "22P02");
}
END_TEST

START_TEST(map_undefined_table_db)
{
	const char	*p[1] = { "check_db.nope" };

	ck_assert_int_eq(db_exec(db, a, S_REGCLASS, 1, p, NULL), ERR_DB);
	ck_assert_str_eq(db_sqlstate(db), "42P01");
}
END_TEST

/* ... and every class of db.h's table, raised on request. */
static const struct {
	const char	*state;
	enum err	 e;
} map[] = {
	{ "23505", ERR_CONFLICT },
	{ "23503", ERR_CONFLICT },
	{ "40001", ERR_CONFLICT },
	{ "40P01", ERR_CONFLICT },
	{ "22012", ERR_INVAL },
	{ "22007", ERR_INVAL },
	{ "23514", ERR_INVAL },
	{ "08006", ERR_UPSTREAM },
	{ "08001", ERR_UPSTREAM },
	{ "57P01", ERR_UPSTREAM },
	{ "57P03", ERR_UPSTREAM },
	{ "08P01", ERR_DB },
	{ "23502", ERR_DB },
	{ "42501", ERR_DB },
	{ "P0001", ERR_DB },
	{ "XX000", ERR_DB },
};

START_TEST(map_table)
{
	const char	*p[1];

	p[0] = map[_i].state;
	ck_assert_int_eq(db_exec(db, a, S_RAISE, 1, p, NULL), map[_i].e);
	ck_assert_str_eq(db_sqlstate(db), map[_i].state);
	/* A raised 08/57 code is not a lost connection. */
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

START_TEST(log_omits_rejected_value)
{
	const char	*log;

	capture_start();
	ck_assert_int_eq(insert("secret-token-4711", "a", "1", NULL),
	    ERR_INVAL);
	log = capture_end();
	ck_assert_ptr_nonnull(strstr(log, "22P02"));
	ck_assert_ptr_null(strstr(log, "secret-token-4711"));
}
END_TEST

START_TEST(log_omits_duplicate_value)
{
	const char	*log;

	ck_assert_int_eq(insert(ID_A, "secret-name-4711", "1", NULL), ERR_OK);
	capture_start();
	ck_assert_int_eq(insert(ID_B, "secret-name-4711", "1", NULL),
	    ERR_CONFLICT);
	log = capture_end();
	ck_assert_ptr_nonnull(strstr(log, "23505"));
	ck_assert_ptr_nonnull(strstr(log, "item_name_key"));
	ck_assert_ptr_null(strstr(log, "secret-name-4711"));
}
END_TEST

START_TEST(notice_logged_as_json)
{
	const char	*log, *line;

	capture_start();
	ck_assert_int_eq(db_exec(db, a, S_WARN, 0, NULL, NULL), ERR_OK);
	log = capture_end();
	ck_assert_ptr_nonnull(strstr(log, "check_db warning"));
	for (line = log; *line != '\0'; line = strchr(line, '\n') + 1) {
		ck_assert_int_eq(*line, '{');
		ck_assert_ptr_nonnull(strchr(line, '\n'));
	}
}
END_TEST

/* db_sqlstate */

START_TEST(sqlstate_empty_until_failure)
{
	ck_assert_str_eq(db_sqlstate(db), "");
	ck_assert_int_eq(own_count(), 0);
	ck_assert_str_eq(db_sqlstate(db), "");
}
END_TEST

START_TEST(sqlstate_cleared_by_success)
{
	ck_assert_int_eq(insert("bad", "a", "1", NULL), ERR_INVAL);
	ck_assert_str_eq(db_sqlstate(db), "22P02");
	ck_assert_int_eq(own_count(), 0);
	ck_assert_str_eq(db_sqlstate(db), "");
}
END_TEST

/* db_get */

START_TEST(get_rows_and_columns)
{
	struct db_rows	*r;

	ck_assert_int_eq(insert(ID_A, "alpha", "1", NULL), ERR_OK);
	ck_assert_int_eq(insert(ID_B, "beta", "1", ID_A), ERR_OK);
	ck_assert_int_eq(db_exec(db, a, S_LIST, 0, NULL, &r), ERR_OK);
	ck_assert_uint_eq(r->nrows, 2);
	ck_assert_str_eq(db_get(r, 0, 0), "alpha");
	ck_assert_ptr_null(db_get(r, 0, 1));
	ck_assert_str_eq(db_get(r, 1, 0), "beta");
	ck_assert_str_eq(db_get(r, 1, 1), ID_A);
}
END_TEST

/* db_begin, db_commit, db_rollback */

START_TEST(tx_rollback_discards)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(own_count(), 1);
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(own_count(), 0);
	ck_assert_int_eq(admin_count(), 0);
}
END_TEST

START_TEST(tx_commit_keeps)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(insert(ID_B, "b", "1", NULL), ERR_OK);
	ck_assert_int_eq(db_commit(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 2);
}
END_TEST

START_TEST(tx_uncommitted_invisible)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(admin_count(), 0);
	ck_assert_int_eq(db_commit(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(tx_commit_after_error_fails)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(insert(ID_B, "a", "1", NULL), ERR_CONFLICT);
	ck_assert_int_eq(db_commit(db), ERR_DB);
	ck_assert_str_eq(db_sqlstate(db), "25P02");
	ck_assert_int_eq(admin_count(), 0);
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

START_TEST(tx_rollback_without_tx)
{
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(tx_commit_without_tx)
{
	ck_assert_int_eq(db_commit(db), ERR_INTERNAL);
}
END_TEST

START_TEST(tx_nested_begin_refused)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(db_begin(db), ERR_INTERNAL);
	/* The outer transaction is intact. */
	ck_assert_int_eq(db_commit(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

/* The last statement with its COMMIT (one round trip). */
START_TEST(tx_exec_commit_keeps)
{
	const char	*p[4] = { ID_B, "b", "2", NULL };

	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(db_exec_commit(db, a, S_INSERT, 4, p, NULL),
	    ERR_OK);
	ck_assert_int_eq(admin_count(), 2);
	/* The transaction is over: a new one can begin. */
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(db_rollback(db), ERR_OK);
}
END_TEST

/* A failing last statement: no COMMIT, the transaction rolls back. */
START_TEST(tx_exec_commit_failure_keeps_nothing)
{
	const char	*p[4] = { ID_B, "a", "2", NULL };

	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(db_exec_commit(db, a, S_INSERT, 4, p, NULL),
	    ERR_CONFLICT);
	ck_assert_str_eq(db_sqlstate(db), "23505");
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 0);
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

/* The only statement of a transaction carries both BEGIN and COMMIT. */
START_TEST(tx_exec_commit_alone)
{
	const char	*p[4] = { ID_A, "a", "1", NULL };

	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(db_exec_commit(db, a, S_INSERT, 4, p, NULL),
	    ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(tx_exec_commit_without_tx)
{
	const char	*p[4] = { ID_A, "a", "1", NULL };

	ck_assert_int_eq(db_exec_commit(db, a, S_INSERT, 4, p, NULL),
	    ERR_INTERNAL);
	ck_assert_int_eq(admin_count(), 0);
}
END_TEST

/* A transaction with no statement commits (and rolls back) nothing. */
START_TEST(tx_empty)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(db_commit(db), ERR_OK);
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

/* Reconnection */

START_TEST(reconnect_outside_tx)
{
	char	*pid1, *pid2;

	pid1 = own_pid();
	terminate(pid1);
	pid2 = own_pid();	/* asserts ERR_OK */
	ck_assert_str_ne(pid1, pid2);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(reconnect_inside_tx_upstream)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	terminate(own_pid());
	ck_assert_int_eq(insert(ID_B, "b", "1", NULL), ERR_UPSTREAM);
	/* Not run alone on a new connection: the transaction is lost. */
	ck_assert_int_eq(insert(ID_C, "c", "1", NULL), ERR_UPSTREAM);
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(own_count(), 0);
	ck_assert_int_eq(admin_count(), 0);
	ck_assert_int_eq(insert(ID_C, "c", "1", NULL), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(reconnect_commit_of_lost_tx)
{
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	terminate(own_pid());
	ck_assert_int_eq(db_commit(db), ERR_UPSTREAM);
	ck_assert_int_eq(admin_count(), 0);
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

START_TEST(reconnect_on_begin)
{
	terminate(own_pid());
	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_int_eq(db_commit(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

/*
 * The connection breaks between db_begin() and the first statement: the
 * transaction has done nothing yet, so BEGIN and the statement run on a
 * new connection.
 */
START_TEST(reconnect_before_first_statement)
{
	char	*pid1;

	pid1 = own_pid();
	ck_assert_int_eq(db_begin(db), ERR_OK);
	terminate(pid1);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	ck_assert_str_ne(own_pid(), pid1);
	ck_assert_int_eq(admin_count(), 0);	/* still uncommitted */
	ck_assert_int_eq(db_commit(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

/* A commit whose connection broke: ERR_UPSTREAM, nothing kept, no retry. */
START_TEST(reconnect_exec_commit_of_lost_tx)
{
	const char	*p[4] = { ID_B, "b", "1", NULL };

	ck_assert_int_eq(db_begin(db), ERR_OK);
	ck_assert_int_eq(insert(ID_A, "a", "1", NULL), ERR_OK);
	terminate(own_pid());
	ck_assert_int_eq(db_exec_commit(db, a, S_INSERT, 4, p, NULL),
	    ERR_UPSTREAM);
	ck_assert_int_eq(db_rollback(db), ERR_OK);
	ck_assert_int_eq(admin_count(), 0);
	ck_assert_int_eq(insert(ID_C, "c", "1", NULL), ERR_OK);
	ck_assert_int_eq(admin_count(), 1);
}
END_TEST

START_TEST(reconnect_on_ping)
{
	terminate(own_pid());
	ck_assert_int_eq(db_ping(db), ERR_OK);
}
END_TEST

/* db_ping */

START_TEST(ping_connects)
{
	ck_assert_int_eq(db_ping(db), ERR_OK);
	ck_assert_int_eq(own_count(), 0);
}
END_TEST

START_TEST(ping_unreachable)
{
	struct db	*d;

	d = db_new("host=127.0.0.1 port=1", stmts, S__MAX);
	ck_assert_int_eq(db_ping(d), ERR_UPSTREAM);
	db_free(d);
}
END_TEST

static TCase *
tcase(Suite *s, const char *name, int fixture)
{
	TCase	*tc;

	tc = tcase_create(name);
	tcase_set_timeout(tc, 30);
	if (fixture)
		tcase_add_checked_fixture(tc, setup, teardown);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
db_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("db");

	tc = tcase(s, "db_new", 0);
	tcase_add_test(tc, new_does_not_connect);
	tcase_add_test(tc, free_null);

	tc = tcase(s, "db_connect", 1);
	tcase_add_test(tc, connect_ok);
	tcase_add_test(tc, connect_refused_upstream_fast);
	tcase_add_test(tc, connect_timeout_from_conninfo_wins);
	tcase_add_test(tc, connect_mute_server_times_out);
	tcase_add_test(tc, connect_garbage_conninfo);
	tcase_add_test(tc, connect_log_has_no_password);
	tcase_add_test(tc, connect_unpreparable_statement);

	tc = tcase(s, "db_exec", 1);
	tcase_add_test(tc, connect_sets_iso_dates);
	tcase_add_test(tc, exec_params_and_nulls);
	tcase_add_test(tc, exec_values_outlive_result);
	tcase_add_test(tc, exec_no_rows);
	tcase_add_test(tc, exec_affected_rows);
	tcase_add_test(tc, exec_out_null);
	tcase_add_test(tc, exec_quotes_are_data);
	tcase_add_test(tc, exec_large_value);
	tcase_add_test(tc, exec_stmt_out_of_range);
	tcase_add_test(tc, exec_too_many_params);
	tcase_add_test(tc, exec_wrong_param_count);
	tcase_add_test(tc, exec_non_utf8_invalid);
	tcase_add_test(tc, exec_huge_number_invalid);
	tcase_add_test(tc, map_unique_conflict);
	tcase_add_test(tc, map_foreign_key_conflict);
	tcase_add_test(tc, map_check_invalid);
	tcase_add_test(tc, map_bad_uuid_invalid);
	tcase_add_test(tc, map_undefined_table_db);
	tcase_add_loop_test(tc, map_table, 0, sizeof(map) / sizeof(map[0]));
	tcase_add_test(tc, log_omits_rejected_value);
	tcase_add_test(tc, log_omits_duplicate_value);
	tcase_add_test(tc, notice_logged_as_json);

	tc = tcase(s, "db_sqlstate", 1);
	tcase_add_test(tc, sqlstate_empty_until_failure);
	tcase_add_test(tc, sqlstate_cleared_by_success);

	tc = tcase(s, "db_get", 1);
	tcase_add_test(tc, get_rows_and_columns);

	tc = tcase(s, "db_begin_commit_rollback", 1);
	tcase_add_test(tc, tx_rollback_discards);
	tcase_add_test(tc, tx_commit_keeps);
	tcase_add_test(tc, tx_uncommitted_invisible);
	tcase_add_test(tc, tx_commit_after_error_fails);
	tcase_add_test(tc, tx_rollback_without_tx);
	tcase_add_test(tc, tx_commit_without_tx);
	tcase_add_test(tc, tx_nested_begin_refused);
	tcase_add_test(tc, tx_exec_commit_keeps);
	tcase_add_test(tc, tx_exec_commit_failure_keeps_nothing);
	tcase_add_test(tc, tx_exec_commit_alone);
	tcase_add_test(tc, tx_exec_commit_without_tx);
	tcase_add_test(tc, tx_empty);

	tc = tcase(s, "reconnect", 1);
	tcase_add_test(tc, reconnect_outside_tx);
	tcase_add_test(tc, reconnect_inside_tx_upstream);
	tcase_add_test(tc, reconnect_commit_of_lost_tx);
	tcase_add_test(tc, reconnect_on_begin);
	tcase_add_test(tc, reconnect_before_first_statement);
	tcase_add_test(tc, reconnect_exec_commit_of_lost_tx);
	tcase_add_test(tc, reconnect_on_ping);

	tc = tcase(s, "db_ping", 1);
	tcase_add_test(tc, ping_connects);
	tcase_add_test(tc, ping_unreachable);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	url = getenv("KROW_TEST_DB_URL");
	if (url == NULL || *url == '\0') {
		printf("check_db: KROW_TEST_DB_URL not set, skipped\n");
		return 77;
	}
	log_init("check_db", LOGLV_ERROR);
	sr = srunner_create(db_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
