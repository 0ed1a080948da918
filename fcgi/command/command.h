/*
 * krow-command: the write side.  The statement table (main.c) and the
 * helpers shared by the handlers (h_*.c).
 *
 * Every command route is ROUTE_IDEMPOTENT: lib/idem runs it inside one
 * transaction that also stores its answer, so a handler only validates,
 * runs its statement(s) and sets the response.  Each state-changing
 * statement writes its audit_events row (actor, action, target,
 * before/after summary, requestId) in the same statement.
 */
#ifndef KROW_COMMAND_H
#define KROW_COMMAND_H

#include <stddef.h>

#include "idem.h"
#include "sql_orders.h"
#include "sql_staffing.h"

struct db_rows;
struct json_object;
struct req;
struct valid_field;
struct valid_value;

/*
 * Prepared statements, after idem's (IDEM_STMTS).  Each client one takes
 * $1 tenant, $2 business, $3 user, $4 request id, then its own
 * parameters; each staff one $2 staff instead of business.
 */
enum stmt {
	STMT_TZ_VALID = IDEM_STMT__MAX,	/* $5 zone: 't' when known */
	STMT_HUB_CREATE,	/* $5 body (jsonb) */
	STMT_HUB_UPDATE,	/* $5 hub, $6 patch (jsonb) */
	STMT_HUB_ARCHIVE,	/* $5 hub */
	STMT_HUB_MANAGER_ADD,	/* $5 hub, $6 user */
	STMT_HUB_MANAGER_DEL,	/* $5 hub, $6 user */
	STMT_NFC_ADD,		/* $5 hub, $6 tag uid, $7 label */
	STMT_NFC_REVOKE,	/* $5 hub, $6 tag */
	STMT_INVOICE_APPROVE,	/* $5 invoice */
	STMT_INVOICE_DISPUTE,	/* $5 invoice, $6 reason, $7 lines (jsonb) */
	STMT_TIME_CORRECT,	/* $5 time entry, $6 body (jsonb) */
	/* Staff commands: $1 tenant, $2 staff, $3 user, $4 request id. */
	STMT_STAFF_POS_LOCK,	/* $5 shift, $6 position */
	STMT_STAFF_APPLY,	/* $5 shift, $6 position */
	STMT_STAFF_WITHDRAW,	/* $5 shift */
	STMT_STAFF_DECLINE,	/* $5 shift */
	STMT_STAFF_SWAP_REQUEST, /* $5 shift, $6 reason */
	STMT_STAFF_SWAP_CANCEL,	/* $5 shift */
	STMT_STAFF_CLOCK_IN,	/* $5 body (jsonb), $6 window minutes */
	STMT_STAFF_CLOCK_OUT,	/* $5 break minutes */
	STMT_STAFF_AVAIL_CLEAR,	/* (none) */
	STMT_STAFF_AVAIL_SET,	/* $5 windows, $6 zone, $7 before */
	STMT_STAFF_EXC_ADD,	/* $5 day .. $9 reason */
	STMT_STAFF_EXC_DEL,	/* $5 exception */
	STMT_STAFF_PERSONAL_SET, /* $5 body (jsonb) */
	STMT_STAFF_INDUSTRIES_SET, /* $5 items (jsonb) */
	STMT_STAFF_SKILLS_SET,	/* $5 items (jsonb) */
	STMT_STAFF_BENEFITS_SET, /* $5 items (jsonb) */
	STMT_STAFF_DOC_ADD,	/* $5 type, $6 file id, $7 file name */
	STMT_STAFF_DOC_DEL,	/* $5 document */
	STMT_STAFF_CERT_ADD,	/* $5 name .. $10 file id */
	STMT_STAFF_CERT_DEL,	/* $5 certificate */
	STMT_STAFF_BANK_CLEAR,	/* $5 account kept (NULL: none) */
	STMT_STAFF_BANK_ADD,	/* $5 body (jsonb), $6 default */
	STMT_STAFF_BANK_DEL,	/* $5 account */
	STMT_STAFF_BANK_DEFAULT, /* $5 account */
	STMT_STAFF_NOTIF_READ,	/* $5 up to this notification (NULL: all) */
	ORDERS_STMT_IDS		/* orders (sql_orders.h) */
	STAFFING_STMT_IDS	/* assignments, swaps (sql_staffing.h) */
	STMT__MAX
};

#define CMD_NPARAMS	12	/* statement parameters at most */

/* One command's parameters: $1..$4 filled by cmd_begin(). */
struct cmd {
	struct req	*r;
	const char	*p[CMD_NPARAMS];
	size_t		 n;
};

/*
 * Start command r: 403 unless the caller is a client user whose role is
 * in roles ("owner|admin"; what names the action for the message), else
 * fill $1..$4.  ERR_OK or the req_fail()ed error.
 */
int	cmd_begin(struct cmd *, struct req *, const char *roles,
	    const char *what);
/* Push a parameter (NULL: SQL NULL). */
void	cmd_push(struct cmd *, const char *);
/* The path parameter name when it is a UUID; else ERR_INVAL naming it. */
int	cmd_path_uuid(struct cmd *, const char *name);
/*
 * The JSON body checked against fields[0..n) into out; ERR_BADREQ or
 * ERR_INVAL (details name each bad field) already req_fail()ed.
 */
int	cmd_body(struct cmd *, const struct valid_field *, size_t n,
	    struct valid_value *out, struct json_object **body);
/* Run stmt with the pushed parameters; rows in the request's arena. */
int	cmd_exec(struct cmd *, size_t stmt, struct db_rows **);
/* 409 CONFLICT: "the <what> is <state>", details {"state": state}. */
int	cmd_state(struct cmd *, const char *what, const char *state);
/* 404 NOT_FOUND with message. */
int	cmd_notfound(struct cmd *, const char *message);
/* 1 when member key of the object is a finite number within lo..hi. */
int	cmd_number_in(struct json_object *, const char *key, double lo,
	    double hi);
/* Add "field": "why" to *details (created when NULL). */
void	cmd_detail(struct json_object **details, const char *field,
	    const char *why);
/* Answer status with the JSON text json (NULL: 500). */
int	cmd_answer(struct cmd *, int status, const char *json);

/* Orders (h_orders.c). */
int	h_order_create(struct req *);
int	h_order_update(struct req *);
int	h_order_cancel(struct req *);
int	h_order_reorder(struct req *);

/* Staffing: assignments and swap requests (h_staffing.c). */
int	h_assignment_create(struct req *);
int	h_assignment_delete(struct req *);
int	h_assignment_approve(struct req *);
int	h_assignment_reject(struct req *);
int	h_swap_approve(struct req *);
int	h_swap_reject(struct req *);
/*
 * Set the status of position pos, its shift and its order from the
 * slots taken (STMT_STF_SYNC) with c's $1..$4, under the position lock
 * (h_staffing.c; h_staff.c uses it too).  ERR_OK or the req_fail()ed
 * error; c's parameters are left as they were.
 */
int	staffing_sync(struct cmd *, const char *pos);

/* Hubs (h_hubs.c). */
int	h_hub_create(struct req *);
int	h_hub_update(struct req *);
int	h_hub_archive(struct req *);
int	h_hub_manager_add(struct req *);
int	h_hub_manager_remove(struct req *);
int	h_hub_nfc_add(struct req *);
int	h_hub_nfc_revoke(struct req *);

/* Invoices (h_invoices.c). */
int	h_invoice_approve(struct req *);
int	h_invoice_dispute(struct req *);

/* Time entries (h_invoices.c: they are what invoices bill). */
int	h_time_entry_correct(struct req *);

/*
 * Staff commands (h_staff.c): $1 tenant, $2 staff, $3 user, $4 request id
 * (staff_begin()), then the route's parameters.
 */
int	staff_begin(struct cmd *, struct req *);
int	h_staff_apply(struct req *);
int	h_staff_withdraw(struct req *);
int	h_staff_decline(struct req *);
int	h_staff_swap_request(struct req *);
int	h_staff_swap_cancel(struct req *);
int	h_staff_clock_in(struct req *);
int	h_staff_clock_out(struct req *);
int	h_staff_availability_set(struct req *);
int	h_staff_exception_add(struct req *);
int	h_staff_exception_delete(struct req *);
int	h_staff_personal_info(struct req *);
int	h_staff_industries(struct req *);
int	h_staff_skills(struct req *);
int	h_staff_benefits(struct req *);
int	h_staff_document_add(struct req *);
int	h_staff_document_delete(struct req *);
int	h_staff_certificate_add(struct req *);
int	h_staff_certificate_delete(struct req *);
int	h_staff_bank_account_add(struct req *);
int	h_staff_bank_account_delete(struct req *);
int	h_staff_bank_account_default(struct req *);
int	h_staff_notifications_read(struct req *);

#endif
