/*
 * krow-query: the read side.  The statement table and the handlers shared
 * between main.c (which declares the routes) and the h_*.c files.
 */
#ifndef KROW_QUERY_H
#define KROW_QUERY_H

struct req;

/* Prepared statements of krow-query, in the order of stmts[] in main.c. */
enum stmt {
	STMT_CLIENT_SESSION,	/* $1 user, $2 business, $3 tenant */
	STMT_STAFF_SESSION,	/* $1 user, $2 staff, $3 tenant */
	STMT__MAX
};

/* GET /query/client/session: the caller, its business and tenant. */
int	h_client_session(struct req *);
/* GET /query/staff/session: the caller, its staff profile and tenant. */
int	h_staff_session(struct req *);

#endif
