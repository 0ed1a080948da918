/*
 * db: the process's one PostgreSQL connection.  Statements come only from
 * the program's fixed table and are prepared once per connection ("s0",
 * "s1", ...); values travel only as $n parameters.  The connection is made
 * lazily and remade when it breaks (a server restart): a statement that
 * fails because the connection was lost outside a transaction is retried
 * once on a fresh connection.  Results are copied into the arena and the
 * PGresult is cleared on every path: callers never see libpq types.
 */
#ifndef KROW_DB_H
#define KROW_DB_H

#include <stddef.h>

#include "err.h"

struct arena;
struct db;

struct db_rows {
	size_t		  nrows;
	size_t		  ncols;
	size_t		  affected;	/* PQcmdTuples for INSERT/UPDATE/DELETE */
	const char	**v;		/* nrows * ncols; NULL for SQL NULL */
};

/* Does not connect.  stmts must outlive the db. */
struct db	*db_new(const char *conninfo, const char *const *stmts,
		    size_t nstmts);
void		 db_free(struct db *);		/* accepts NULL */
/* Connect (or reconnect a broken connection) and prepare the statements.
 * ERR_UPSTREAM when the server cannot be reached. */
enum err	 db_connect(struct db *);
/*
 * Execute prepared statement stmt with nparams text parameters (NULL
 * entries are SQL NULL).  out may be NULL.  SQLSTATE classes map to:
 * 23505 unique violation -> ERR_CONFLICT; 23503 foreign key -> ERR_CONFLICT;
 * 22xxx data exception and 23514 check -> ERR_INVAL; 40001/40P01 ->
 * ERR_CONFLICT; 08xxx, 57P0x, no connection -> ERR_UPSTREAM; anything
 * else ERR_DB.  The server's message is logged, never returned.
 */
enum err	 db_exec(struct db *, struct arena *, size_t stmt,
		    size_t nparams, const char *const *params,
		    struct db_rows **out);
/*
 * The last statement of a transaction and its COMMIT, in one round trip:
 * ERR_OK only when both succeeded.  A failing statement leaves the
 * transaction open (roll it back); a failing COMMIT ends it.
 */
enum err	 db_exec_commit(struct db *, struct arena *, size_t stmt,
		    size_t nparams, const char *const *params,
		    struct db_rows **out);
/* Connect if needed and run a fixed "SELECT 1" (health checks). */
enum err	 db_ping(struct db *);
/* A transaction; BEGIN is sent with its first statement (one round trip). */
enum err	 db_begin(struct db *);
enum err	 db_commit(struct db *);
enum err	 db_rollback(struct db *);	/* safe when no transaction */
/* SQLSTATE of the last failed statement ("" when none). */
const char	*db_sqlstate(const struct db *);
/* The name statement stmt is prepared under, into buf[0..len): 0, or -1
 * when it does not fit (DB_STMTNAME_MAX is always enough). */
#define DB_STMTNAME_MAX	24
int		 db_stmt_name(size_t stmt, char *buf, size_t len);
/* Value at row, col (NULL for SQL NULL); bounds are the caller's job. */
const char	*db_get(const struct db_rows *, size_t row, size_t col);

#endif
