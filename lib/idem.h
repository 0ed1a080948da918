/*
 * idem: Idempotency-Key for every write route (ARCHITECTURE.md section 6),
 * in one place.  A route flagged ROUTE_IDEMPOTENT is run by the accept
 * loop as
 *
 *	idem_begin()	key check, fingerprint, BEGIN, advisory lock,
 *			replay / 422 / 409
 *	handler		its writes and its audit row, in that transaction
 *	idem_finish()	the response stored with the effect, COMMIT
 *
 * (two round trips besides the handler's: BEGIN with krow_idem_begin()
 * (purge, lock, lookup: sql/migrations/0010_idem_begin.sql), the answer
 * stored with COMMIT).
 *
 * Scope: user + method + route pattern + key.  Fingerprint: SHA-256 of
 * the route's path parameters and the canonical JSON of the body (object
 * members sorted by key, no whitespace), so that the same payload sent
 * with other spacing or member order is the same request.
 *
 * Concurrency: pg_try_advisory_xact_lock() on a 64-bit hash of the scope
 * and key, taken in the command's own transaction on the primary.  A
 * duplicate that arrives while the first runs (on any process or host
 * sharing the database) does not get the lock and answers 409
 * IDEMPOTENCY_IN_PROGRESS with Retry-After; one that arrives after the
 * first committed gets the lock and finds the stored response.  The lock
 * ends with the transaction (and with the session when a worker dies),
 * so a crash before COMMIT leaves neither the effect, nor the key, nor a
 * lock behind.  Transaction-scoped locks also work through a pooler in
 * transaction mode.  The primary key of idempotency_keys backs it up.
 *
 * Responses 2xx-4xx are stored and replayed byte for byte (status and
 * body, plus "Idempotent-Replayed: true"); a 4xx first rolls the
 * handler's writes back, then stores the answer in a second short
 * transaction.  5xx are never stored: the key is free again.  Keys expire
 * after the TTL; expired rows are purged a few at a time by idem_begin().
 *
 * configure --enable-idempotency-bypass (KROW_IDEM_BYPASS) builds a
 * benchmark variant that only checks the header and runs the command in
 * its transaction: no lock, no lookup, nothing stored, so a retried
 * command runs twice.  It exists to measure what the layer costs
 * (contrib/bench/commands); the programs warn at start-up when built so.
 *
 * A program with ROUTE_IDEMPOTENT routes must begin its statement table
 * with IDEM_STMTS (indices 0 .. IDEM_STMT__MAX - 1), and its handlers
 * must neither begin nor end transactions.
 */
#ifndef KROW_IDEM_H
#define KROW_IDEM_H

#include <stddef.h>

#include "err.h"

struct buf;
struct req;
struct router_params;

#define IDEM_KEYMAX		255	/* bytes of an Idempotency-Key */
#define IDEM_FPLEN		64	/* hex SHA-256 */
#define IDEM_PURGE_BATCH	"50"	/* expired rows deleted per command */
#define IDEM_RETRY_AFTER	"1"	/* seconds, on 409 in progress */

enum idem_stmt {
	IDEM_STMT_BEGIN,	/* $1 scope $2 user $3 method $4 route $5 key:
				 * purge, lock, the live row (0010_idem_begin) */
	IDEM_STMT_LOCK,		/* $1 scope text: 't' when locked */
	IDEM_STMT_STORE,	/* $1 user $2 method $3 route $4 key $5 tenant
				 * $6 fp $7 ttl $8 status $9 body */
	IDEM_STMT_SAVE,		/* the same, with the effect: a row already
				 * there is an error (the effect is undone) */
	IDEM_STMT__MAX
};

/* The statements above, as designated initialisers of a statement table. */
#define IDEM_STMTS \
	[IDEM_STMT_BEGIN] = \
	    "SELECT locked, fingerprint, state, status, body" \
	    " FROM krow_idem_begin($1::text, $2::uuid, $3::text, $4::text," \
	    " $5::text, " IDEM_PURGE_BATCH ")", \
	[IDEM_STMT_LOCK] = \
	    "SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 0))", \
	[IDEM_STMT_STORE] = \
	    "INSERT INTO idempotency_keys (user_id, method, route, key," \
	    " tenant_id, fingerprint, state, status, body, expires_at)" \
	    " VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::uuid," \
	    " $6::text, 'done', $8::integer, $9::text," \
	    " now() + make_interval(hours => $7::integer))" \
	    " ON CONFLICT DO NOTHING", \
	[IDEM_STMT_SAVE] = \
	    "INSERT INTO idempotency_keys (user_id, method, route, key," \
	    " tenant_id, fingerprint, state, status, body, expires_at)" \
	    " VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::uuid," \
	    " $6::text, 'done', $8::integer, $9::text," \
	    " now() + make_interval(hours => $7::integer))"

/* What the accept loop does after idem_begin(). */
enum idem_next {
	IDEM_RUN = 0,	/* run the handler, then idem_finish() */
	IDEM_ANSWERED	/* r->resp holds the answer (replay or error) */
};

/* The state of one idempotent request between begin and finish. */
struct idem {
	const char	*key;
	const char	*scope;		/* lock text: user method route key */
	char		 fp[IDEM_FPLEN + 1];
	int		 active;	/* transaction open, key locked */
};

/* 1 in a --enable-idempotency-bypass build (see above), else 0. */
extern const int	idem_bypassed;

/* 1 when s is a valid key: 1..255 bytes, each printable ASCII (0x20..0x7e). */
int	idem_key_valid(const char *s);
/*
 * Append to out the canonical form of the JSON text body[0..len): object
 * members sorted by key (bytewise), no insignificant whitespace, strings
 * re-escaped one way, numbers as json-c prints them.  0, or -1 (out
 * unchanged in meaning: the caller resets it) when body is not JSON.
 */
int	idem_canonical(const char *body, size_t len, struct buf *out);
/*
 * The fingerprint of a request: lower-case hex SHA-256 (out has
 * IDEM_FPLEN + 1 bytes) over the path parameters (name=value, in route
 * order) and the canonical body (the raw bytes when it is not JSON; an
 * empty body is empty).  0, or -1 when hashing fails.
 */
int	idem_fingerprint(const struct router_params *, const char *body,
	    size_t len, char *out);

/*
 * Start the idempotent request r (its route is matched, identity and
 * content type checked).  On IDEM_RUN a transaction is open and holds
 * the key's lock: the handler runs inside it.  On
 * IDEM_ANSWERED r->resp is set: 400 IDEMPOTENCY_KEY_REQUIRED, the body's
 * 400/413, 422 IDEMPOTENCY_KEY_REUSED, 409 IDEMPOTENCY_IN_PROGRESS (with
 * Retry-After), 503/500 when the database fails, or the replayed answer;
 * no transaction is left open.
 */
enum idem_next	idem_begin(struct req *, struct idem *);
/*
 * Finish after the handler set r->resp: store a 2xx-4xx answer with its
 * effect (a 4xx without it) and commit; roll a 5xx back.  When storing
 * or committing fails, r->resp becomes the error envelope and nothing
 * is kept.  Does nothing when idem_begin() did not answer IDEM_RUN.
 */
void		idem_finish(struct req *, struct idem *);

#endif
