/*
 * db: the process's one PostgreSQL connection (see db.h for the contract).
 *
 * The connection is opened lazily with the program's conninfo; every
 * statement of the program's fixed table is then prepared as "s<index>",
 * so a schema that does not match the code fails at connect time, not on
 * the first request that happens to use the statement.  Values travel
 * only as text parameters of PQexecPrepared; results are copied into the
 * caller's arena and the PGresult is cleared before returning, on every
 * path.
 *
 * A connection breaks when the server restarts or an administrator ends
 * the backend.  libpq only notices when a call fails, so:
 *   - outside a transaction, a statement (or BEGIN, or a ping) that fails
 *     because the connection is gone is retried once on a new connection;
 *   - inside a transaction the work done so far is lost with the session.
 *     The transaction is then marked lost: every statement fails with
 *     ERR_UPSTREAM until the caller ends it with db_rollback() (ERR_OK) or
 *     db_commit() (ERR_UPSTREAM).  Running the rest of the caller's
 *     statements one by one on a new connection instead would commit half
 *     of a command.
 *
 * A transaction costs no round trip of its own: db_begin() only notes it,
 * and BEGIN travels with the transaction's first statement in one libpq
 * pipeline; db_exec_commit() sends a last statement and COMMIT together.
 * Until that first statement has run, the transaction has done nothing,
 * so a broken connection is replaced and the pair retried once.
 *
 * Server notices (NOTICE, WARNING) go to the log module instead of libpq's
 * default, which prints raw text on stderr between our JSON lines.
 */
#include "config.h"

/* For program_invocation_short_name (glibc), the default application_name. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "arena.h"
#include "db.h"
#include "log.h"
#include "mem.h"

#define DB_CONNECT_TIMEOUT	"5"	/* seconds; the conninfo may override */
/*
 * Set on every new connection: dates and timestamps that the programs
 * read as text (the row reads of krow-query write them into JSON as they
 * come) in ISO form, whatever the server's or the role's default.
 */
#define DB_SESSION_SETUP	"SET DateStyle = ISO, YMD"
#define DB_MAXPARAMS		65535	/* the protocol's limit */

enum db_tx {
	DB_TX_NONE = 0,	/* autocommit */
	DB_TX_PENDING,	/* db_begin() called: BEGIN goes with the next statement */
	DB_TX_OPEN,	/* BEGIN sent; until db_commit()/db_rollback() */
	DB_TX_LOST	/* the connection broke inside the transaction */
};

struct db {
	char			 *conninfo;
	const char *const	 *stmts;
	size_t			  nstmts;
	PGconn			 *conn;
	int			  prepared;	/* stmts prepared on conn */
	enum db_tx		  tx;
	char			  sqlstate[6];	/* of the last failure, or "" */
};

/*
 * Length of s without its trailing newlines and blanks: libpq's messages
 * end with "\n", which has no place inside a log detail.
 */
static int
trimlen(const char *s)
{
	size_t	 n;

	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' ||
	    s[n - 1] == '\r'))
		n--;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/*
 * The notice receiver: NOTICE/INFO/DEBUG from the server (e.g. "relation
 * already exists, skipping") are debug lines, WARNING is a warning.  Only
 * the primary message is logged.
 */
static void
notice_receiver(void *arg, const PGresult *res)
{
	const char	*sev, *msg;
	enum log_level	 lv;

	(void)arg;
	sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (sev == NULL)
		sev = "NOTICE";
	if (msg == NULL)
		msg = "";
	lv = strcmp(sev, "WARNING") == 0 ? LOGLV_WARN : LOGLV_DEBUG;
	log_msg(lv, "database notice", "severity=%s message=%.*s", sev,
	    trimlen(msg), msg);
}

/* Drop the connection (if any); the next call reconnects. */
static void
disconnect(struct db *db)
{
	if (db->conn != NULL)
		PQfinish(db->conn);
	db->conn = NULL;
	db->prepared = 0;
}

/* 1 when the connection is gone (or was never made). */
static int
conn_lost(const struct db *db)
{
	return db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK;
}

static void
set_sqlstate(struct db *db, const char *state)
{
	if (state == NULL || strlen(state) != 5)
		state = "";
	memcpy(db->sqlstate, state, strlen(state) + 1);
}

/*
 * The error a SQLSTATE stands for (see db.h).  state may be NULL: libpq
 * gives none for errors it makes itself, such as a lost connection; lost
 * is 1 when the connection is gone.
 */
static enum err
map_sqlstate(const char *state, int lost)
{
	if (lost)
		return ERR_UPSTREAM;
	if (state == NULL || strlen(state) != 5)
		return ERR_DB;
	if (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0 ||
	    strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return ERR_CONFLICT;
	if (strncmp(state, "22", 2) == 0 || strcmp(state, "23514") == 0)
		return ERR_INVAL;
	/*
	 * Class 08 is "connection exception", except 08P01: the server
	 * refused a message of ours (e.g. the wrong number of parameters),
	 * which is our bug, not an unavailable server.
	 */
	if ((strncmp(state, "08", 2) == 0 && strcmp(state, "08P01") != 0) ||
	    strncmp(state, "57P0", 4) == 0)
		return ERR_UPSTREAM;
	return ERR_DB;
}

/*
 * Record and log the failure that res (which may be NULL: libpq could not
 * even build a result) reports for the statement or command kind=name,
 * and return its error.  Only the server's primary message is logged,
 * never the statement's parameters; for data exceptions (class 22) even
 * that is left out, because it quotes the offending value ('invalid input
 * syntax for type uuid: "..."'), which may be anything a client sent.
 * Errors the client caused (ERR_INVAL, ERR_CONFLICT) are logged at level
 * info: they are answered with a 4xx.  A connection lost inside a
 * transaction marks the transaction lost.
 */
static enum err
fail(struct db *db, const PGresult *res, const char *kind, const char *name)
{
	const char	*state, *msg, *constraint;
	enum err	 e;
	int		 lost;

	state = res == NULL ? NULL :
	    PQresultErrorField(res, PG_DIAG_SQLSTATE);
	msg = res == NULL ? NULL :
	    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	constraint = res == NULL ? NULL :
	    PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	lost = conn_lost(db);
	e = map_sqlstate(state, lost);
	if (lost && db->tx == DB_TX_OPEN)
		db->tx = DB_TX_LOST;

	/* A lost connection has no SQLSTATE from the server: 08006. */
	if (lost && (state == NULL || strlen(state) != 5))
		state = "08006";
	set_sqlstate(db, state);

	if (msg == NULL)
		msg = db->conn != NULL ? PQerrorMessage(db->conn) : "";
	if (strncmp(db->sqlstate, "22", 2) == 0)
		msg = "(not logged: it may quote a parameter)";
	log_msg(e == ERR_INVAL || e == ERR_CONFLICT ? LOGLV_INFO :
	    LOGLV_ERROR, "database error", "sqlstate=%s %s=%s%s%s message=%.*s",
	    db->sqlstate, kind, name,
	    constraint != NULL ? " constraint=" : "",
	    constraint != NULL ? constraint : "", trimlen(msg), msg);
	return e;
}

/*
 * Make a new connection with the conninfo and prepare the statements.
 * The keyword arrays put our defaults before "dbname": libpq expands the
 * conninfo given as dbname in place and later settings win, so the
 * conninfo's own connect_timeout or application_name override ours.
 */
static enum err
connect_fresh(struct db *db)
{
	static const char *const keys[] = {
		"connect_timeout", "fallback_application_name", "dbname", NULL
	};
	const char	*vals[4];
	char		 name[DB_STMTNAME_MAX];
	PGresult	*res;
	size_t		 i;
	enum err	 e;

	disconnect(db);
	vals[0] = DB_CONNECT_TIMEOUT;
	vals[1] = program_invocation_short_name;
	vals[2] = db->conninfo;
	vals[3] = NULL;

	/* PQerrorMessage never holds the password; the conninfo may. */
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (db->conn == NULL) {
		log_msg(LOGLV_ERROR, "database connection failed",
		    "out of memory in libpq");
		set_sqlstate(db, "08006");
		return ERR_UPSTREAM;
	}
	if (PQstatus(db->conn) != CONNECTION_OK) {
		log_msg(LOGLV_WARN, "database connection failed", "%.*s",
		    trimlen(PQerrorMessage(db->conn)),
		    PQerrorMessage(db->conn));
		disconnect(db);
		set_sqlstate(db, "08006");
		return ERR_UPSTREAM;
	}
	PQsetNoticeReceiver(db->conn, notice_receiver, NULL);

	res = PQexec(db->conn, DB_SESSION_SETUP);
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		e = fail(db, res, "set up", "session");
		PQclear(res);
		disconnect(db);
		return e;
	}
	PQclear(res);

	for (i = 0; i < db->nstmts; i++) {
		if (db_stmt_name(i, name, sizeof(name)) == -1) {
			disconnect(db);
			return ERR_INTERNAL;
		}
		res = PQprepare(db->conn, name, db->stmts[i], 0, NULL);
		if (res == NULL ||
		    PQresultStatus(res) != PGRES_COMMAND_OK) {
			/*
			 * A statement that does not match the schema (a
			 * migration not applied) or a lost server.  Start
			 * again from scratch next time: statements already
			 * prepared would otherwise be "already exists".
			 */
			e = fail(db, res, "prepare", name);
			PQclear(res);
			disconnect(db);
			return e;
		}
		PQclear(res);
	}
	db->prepared = 1;
	db->tx = DB_TX_NONE;
	return ERR_OK;
}

/* See db.h: the server-side name of statement stmt ("s" and its index). */
int
db_stmt_name(size_t stmt, char *buf, size_t len)
{
	int	 n;

	n = snprintf(buf, len, "s%zu", stmt);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Allocate a db for conninfo (copied) and the statement table stmts[0 ..
 * nstmts), which is kept by pointer and must outlive the db.  Nothing is
 * connected yet.  Never returns NULL.
 */
struct db *
db_new(const char *conninfo, const char *const *stmts, size_t nstmts)
{
	struct db	*db;

	db = mem_calloc(1, sizeof(*db));
	db->conninfo = mem_strdup(conninfo != NULL ? conninfo : "");
	db->stmts = stmts;
	db->nstmts = stmts != NULL ? nstmts : 0;
	return db;
}

/*
 * Close the connection (an open transaction is rolled back by the server)
 * and free db.  The conninfo, which may hold a password, is wiped.
 * Accepts NULL.
 */
void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	disconnect(db);
	explicit_bzero(db->conninfo, strlen(db->conninfo));
	mem_free(db->conninfo);
	db->conninfo = NULL;
	mem_free(db);
}

/*
 * Make sure db has a working connection with its statements prepared:
 * nothing to do when it has; otherwise (never connected, or the last call
 * found the connection broken) connect anew.  Returns ERR_UPSTREAM when
 * the server cannot be reached, the mapped error when a statement cannot
 * be prepared.  A working connection is not probed (see db_ping()).
 * Inside a transaction a broken connection is not replaced: ERR_UPSTREAM.
 */
enum err
db_connect(struct db *db)
{
	enum db_tx	 tx = db->tx;
	enum err	 e;

	if (db->conn != NULL && db->prepared &&
	    PQstatus(db->conn) == CONNECTION_OK)
		return ERR_OK;
	if (tx != DB_TX_NONE && tx != DB_TX_PENDING) {
		db->tx = DB_TX_LOST;
		set_sqlstate(db, "08006");
		return ERR_UPSTREAM;
	}
	/* A pending transaction has sent nothing yet: it survives. */
	if ((e = connect_fresh(db)) == ERR_OK)
		db->tx = tx;
	return e;
}

/*
 * Copy res into a struct db_rows allocated from a: values become
 * NUL-terminated arena strings, SQL NULLs NULL pointers.
 */
static enum err
copy_rows(struct arena *a, PGresult *res, struct db_rows **out)
{
	struct db_rows	*r;
	const char	*tuples;
	size_t		 nrows, ncols, cells, bytes, i, j;
	int		 ri, ci;

	r = arena_calloc(a, 1, sizeof(*r));
	ri = PQntuples(res);
	ci = PQnfields(res);
	nrows = ri > 0 ? (size_t)ri : 0;
	ncols = ci > 0 ? (size_t)ci : 0;
	if (__builtin_mul_overflow(nrows, ncols, &cells) ||
	    __builtin_mul_overflow(cells, sizeof(*r->v), &bytes))
		return ERR_INTERNAL;
	r->nrows = nrows;
	r->ncols = ncols;
	if (cells > 0) {
		r->v = arena_alloc(a, bytes);
		for (i = 0; i < nrows; i++)
			for (j = 0; j < ncols; j++)
				r->v[i * ncols + j] =
				    PQgetisnull(res, (int)i, (int)j) ? NULL :
				    arena_strndup(a,
				    PQgetvalue(res, (int)i, (int)j),
				    (size_t)PQgetlength(res, (int)i, (int)j));
	}
	tuples = PQcmdTuples(res);
	r->affected = tuples != NULL && tuples[0] != '\0' ?
	    (size_t)strtoull(tuples, NULL, 10) : 0;
	*out = r;
	return ERR_OK;
}

/*
 * Read the results of one query of a pipeline: its result (NULL when the
 * connection failed) and the NULL that ends it.
 */
static PGresult *
pipe_result(PGconn *conn)
{
	PGresult	*res, *extra;

	if ((res = PQgetResult(conn)) == NULL)
		return NULL;
	while ((extra = PQgetResult(conn)) != NULL)
		PQclear(extra);	/* none expected: one statement per query */
	return res;
}

/*
 * Send, in one pipeline, BEGIN (when db->tx is DB_TX_PENDING), prepared
 * statement name with params, and COMMIT (when commit), then read every
 * result.  *res gets the statement's result (the caller clears it).
 * Returns ERR_OK when all ran; else the first failure, recorded with
 * fail(): BEGIN failed (nothing started), the statement failed (the
 * transaction stays open and aborted: the caller rolls back), or COMMIT
 * failed (the transaction is over).  db->tx follows.  *retry is set when
 * the connection broke before anything of the caller's could have taken
 * effect (a pending transaction's BEGIN and first statement, never a
 * COMMIT): the caller may run the pair again on a new connection.
 */
static enum err
run_pipeline(struct db *db, const char *name, size_t nparams,
    const char *const *params, int commit, PGresult **res, int *retry)
{
	PGresult	*rb = NULL, *rc = NULL, *sync;
	enum err	 e = ERR_OK;
	int		 begin, sent;

	*res = NULL;
	*retry = 0;
	begin = db->tx == DB_TX_PENDING;
	if (PQenterPipelineMode(db->conn) != 1) {
		e = fail(db, NULL, "pipeline", name);
		*retry = begin && conn_lost(db);
		return e;
	}
	sent = (!begin || PQsendQueryParams(db->conn, "BEGIN", 0, NULL,
	    NULL, NULL, NULL, 0) == 1) &&
	    PQsendQueryPrepared(db->conn, name, (int)nparams, params, NULL,
	    NULL, 0) == 1 &&
	    (!commit || PQsendQueryParams(db->conn, "COMMIT", 0, NULL, NULL,
	    NULL, NULL, 0) == 1) &&
	    PQpipelineSync(db->conn) == 1;
	if (sent) {
		if (begin)
			rb = pipe_result(db->conn);
		*res = pipe_result(db->conn);
		if (commit)
			rc = pipe_result(db->conn);
		sync = PQgetResult(db->conn);
		if (sync == NULL ||
		    PQresultStatus(sync) != PGRES_PIPELINE_SYNC)
			sent = 0;
		PQclear(sync);
	}
	if (!sent || PQexitPipelineMode(db->conn) != 1) {
		/* A broken connection, or libpq lost track: start anew. */
		e = fail(db, NULL, "pipeline", name);
		*retry = begin && !commit && db->tx == DB_TX_PENDING;
		if (db->tx == DB_TX_OPEN)
			db->tx = DB_TX_LOST;
		PQclear(rb);
		PQclear(rc);
		PQclear(*res);
		*res = NULL;
		disconnect(db);
		return e;
	}

	if (begin) {
		if (rb == NULL || PQresultStatus(rb) != PGRES_COMMAND_OK) {
			e = fail(db, rb, "command", "BEGIN");
			db->tx = DB_TX_PENDING;
			*retry = conn_lost(db);
			goto out;
		}
		db->tx = DB_TX_OPEN;
	}
	if (*res == NULL || (PQresultStatus(*res) != PGRES_COMMAND_OK &&
	    PQresultStatus(*res) != PGRES_TUPLES_OK)) {
		e = fail(db, *res, "stmt", name);
		goto out;
	}
	if (commit) {
		db->tx = DB_TX_NONE;
		if (rc == NULL || PQresultStatus(rc) != PGRES_COMMAND_OK)
			e = fail(db, rc, "command", "COMMIT");
		else if (PQcmdStatus(rc)[0] == 'R') {
			set_sqlstate(db, "25P02");
			log_msg(LOGLV_ERROR, "database error", "sqlstate=25P02 "
			    "message=commit of a failed transaction rolled "
			    "back");
			e = ERR_DB;
		}
	}
out:
	PQclear(rb);
	PQclear(rc);
	return e;
}

/*
 * Run prepared statement stmt with params[0 .. nparams) (text; NULL is SQL
 * NULL).  When out is not NULL the result is copied into arena a (which
 * must then not be NULL) and *out set; *out is NULL on error.  See db.h
 * for the errors.  Outside a transaction, a statement that fails because
 * the connection broke is retried once on a new connection, as db.h
 * promises.  Nearly always the server never ran it (it ended the session
 * while idle: a restart, pg_terminate_backend).  In one narrow case it
 * did: an autocommit statement that committed just before the server
 * died, before its answer reached us; it then runs twice.  Commands,
 * which must run once, run inside transactions, which are retried only
 * while nothing of theirs can have taken effect (their BEGIN and first
 * statement, never a COMMIT).  commit: send COMMIT with the statement.
 */
static enum err
exec_stmt(struct db *db, struct arena *a, size_t stmt, size_t nparams,
    const char *const *params, struct db_rows **out, int commit)
{
	char		 name[DB_STMTNAME_MAX];
	PGresult	*res = NULL;
	ExecStatusType	 st;
	enum err	 e;
	int		 attempt, retry;

	if (out != NULL)
		*out = NULL;
	set_sqlstate(db, "");
	if (stmt >= db->nstmts || nparams > DB_MAXPARAMS ||
	    (nparams > 0 && params == NULL) || (out != NULL && a == NULL)) {
		log_msg(LOGLV_ERROR, "database misuse",
		    "stmt=s%zu nstmts=%zu nparams=%zu", stmt, db->nstmts,
		    nparams);
		return ERR_INTERNAL;
	}
	if (db->tx == DB_TX_LOST) {
		if (commit)
			db->tx = DB_TX_NONE;
		set_sqlstate(db, "08006");
		return ERR_UPSTREAM;
	}
	if (commit && db->tx == DB_TX_NONE) {
		log_msg(LOGLV_ERROR, "database misuse",
		    "COMMIT without a transaction");
		return ERR_INTERNAL;
	}
	if (db_stmt_name(stmt, name, sizeof(name)) == -1)
		return ERR_INTERNAL;

	for (attempt = 0; ; attempt++) {
		if ((e = db_connect(db)) != ERR_OK)
			return e;
		if (db->tx == DB_TX_PENDING || commit) {
			e = run_pipeline(db, name, nparams, params, commit,
			    &res, &retry);
			if (e == ERR_OK)
				break;
			PQclear(res);
			res = NULL;
			if (!retry || attempt > 0)
				return e;
			log_msg(LOGLV_WARN, "database connection lost",
			    "reconnecting to retry BEGIN and stmt=s%zu", stmt);
			continue;
		}
		res = PQexecPrepared(db->conn, name, (int)nparams, params,
		    NULL, NULL, 0);
		st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
			break;
		if (!conn_lost(db) || db->tx != DB_TX_NONE || attempt > 0) {
			e = fail(db, res, "stmt", name);
			PQclear(res);
			return e;
		}
		log_msg(LOGLV_WARN, "database connection lost",
		    "reconnecting to retry stmt=s%zu", stmt);
		PQclear(res);
		res = NULL;
	}

	e = out != NULL ? copy_rows(a, res, out) : ERR_OK;
	PQclear(res);
	return e;
}

/* See db.h: a statement, the first of a transaction carrying its BEGIN. */
enum err
db_exec(struct db *db, struct arena *a, size_t stmt, size_t nparams,
    const char *const *params, struct db_rows **out)
{
	return exec_stmt(db, a, stmt, nparams, params, out, 0);
}

/*
 * See db.h: the transaction's last statement and its COMMIT in one round
 * trip.  ERR_OK only when both succeeded.  When the statement fails the
 * COMMIT is not run and the transaction stays open (roll it back); when
 * the COMMIT fails the transaction is over.
 */
enum err
db_exec_commit(struct db *db, struct arena *a, size_t stmt, size_t nparams,
    const char *const *params, struct db_rows **out)
{
	return exec_stmt(db, a, stmt, nparams, params, out, 1);
}

/*
 * Run one of the fixed commands (never anything built from data) with
 * PQexec.  retry: outside a transaction, a lost connection is replaced
 * and the command run once more.  Returns the mapped error and, in *tag,
 * the first letter of the command tag ('R' when COMMIT rolled back).
 */
static enum err
run_fixed(struct db *db, const char *sql, int retry, char *tag)
{
	PGresult	*res;
	enum err	 e;
	int		 attempt;

	set_sqlstate(db, "");
	*tag = '\0';
	for (attempt = 0; ; attempt++) {
		if ((e = db_connect(db)) != ERR_OK)
			return e;
		res = PQexec(db->conn, sql);
		if (res != NULL && (PQresultStatus(res) == PGRES_COMMAND_OK ||
		    PQresultStatus(res) == PGRES_TUPLES_OK)) {
			*tag = PQcmdStatus(res)[0];
			PQclear(res);
			return ERR_OK;
		}
		if (!retry || !conn_lost(db) || db->tx != DB_TX_NONE ||
		    attempt > 0) {
			e = fail(db, res, "command", sql);
			PQclear(res);
			return e;
		}
		PQclear(res);
	}
}

/*
 * Connect if needed and run "SELECT 1"; a connection found broken is
 * replaced once.  ERR_OK when the database answers.
 */
enum err
db_ping(struct db *db)
{
	char	 tag;

	if (db->tx != DB_TX_NONE)
		return db->tx == DB_TX_LOST ? ERR_UPSTREAM :
		    run_fixed(db, "SELECT 1", 0, &tag);
	return run_fixed(db, "SELECT 1", 1, &tag);
}

/*
 * Start a transaction (connecting as needed): BEGIN itself is sent with
 * the next statement.  A transaction already open is a bug of the
 * caller: ERR_INTERNAL.  One that was lost is forgotten.
 */
enum err
db_begin(struct db *db)
{
	enum err	 e;

	if (db->tx == DB_TX_OPEN || db->tx == DB_TX_PENDING) {
		log_msg(LOGLV_ERROR, "database misuse",
		    "BEGIN inside a transaction");
		return ERR_INTERNAL;
	}
	db->tx = DB_TX_NONE;
	if ((e = db_connect(db)) == ERR_OK)
		db->tx = DB_TX_PENDING;
	return e;
}

/*
 * Commit the transaction.  ERR_OK only when the server committed it:
 * a lost connection gives ERR_UPSTREAM, a transaction that had already
 * failed (the server answers COMMIT with ROLLBACK) ERR_DB with SQLSTATE
 * 25P02, a deferred constraint or serialization failure the mapped error.
 * In every case the transaction is over.  Without one: ERR_INTERNAL.
 */
enum err
db_commit(struct db *db)
{
	enum err	 e;
	char		 tag;

	if (db->tx == DB_TX_NONE) {
		log_msg(LOGLV_ERROR, "database misuse",
		    "COMMIT without a transaction");
		return ERR_INTERNAL;
	}
	if (db->tx == DB_TX_LOST) {
		db->tx = DB_TX_NONE;
		set_sqlstate(db, "08006");
		return ERR_UPSTREAM;
	}
	if (db->tx == DB_TX_PENDING) {
		/* Nothing was sent: nothing to commit. */
		db->tx = DB_TX_NONE;
		return ERR_OK;
	}
	e = run_fixed(db, "COMMIT", 0, &tag);
	db->tx = DB_TX_NONE;
	if (e == ERR_OK && tag == 'R') {
		set_sqlstate(db, "25P02");
		log_msg(LOGLV_ERROR, "database error", "sqlstate=25P02 "
		    "message=commit of a failed transaction rolled back");
		return ERR_DB;
	}
	return e;
}

/*
 * Roll the transaction back.  Safe to call without one (nothing is sent)
 * and after the connection was lost (the server has discarded the
 * transaction already): both are ERR_OK.
 */
enum err
db_rollback(struct db *db)
{
	enum err	 e;
	char		 tag;

	if (db->tx != DB_TX_OPEN) {
		db->tx = DB_TX_NONE;
		return ERR_OK;
	}
	e = run_fixed(db, "ROLLBACK", 0, &tag);
	db->tx = DB_TX_NONE;
	return e == ERR_UPSTREAM ? ERR_OK : e;
}

/* The SQLSTATE of the last call's failure, "" after a success. */
const char *
db_sqlstate(const struct db *db)
{
	return db->sqlstate;
}

/* Value at row, col of r: NULL for SQL NULL.  No bounds check. */
const char *
db_get(const struct db_rows *r, size_t row, size_t col)
{
	return r->v[row * r->ncols + col];
}
