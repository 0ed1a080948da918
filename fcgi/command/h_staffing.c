/*
 * Staffing commands of the client app (ARCHITECTURE.md section 8):
 * assign a staff member to a shift position and unassign, approve or
 * reject a worker's application, approve or reject a worker's swap
 * request.  Owners, admins and managers of the business; a manager only
 * on the shifts of the hubs it manages (others are not found, as in the
 * read models); viewers get 403.
 *
 * The assignment states (sql/migrations/0003_domain.sql):
 *   applied   --approve-->  assigned     (a slot is taken)
 *   applied   --reject--->  cancelled    (cancelReason: the reason)
 *   (none)    --assign--->  assigned     (vendor, role, overlap,
 *                                         availability and slot checked)
 *   assigned, confirmed --unassign-->  cancelled (shift not started; a
 *                                         pending swap request of it is
 *                                         cancelled too)
 * A swap request (the worker asks to be released from an assigned or
 * confirmed shift):
 *   pending --approve--> approved: the worker's assignment is cancelled
 *     ("Released: swap request approved") and its slot is open again,
 *     to the vendor's other workers (GET /query/staff/shifts/open) and
 *     to the client (assign a replacement with POST .../assignments);
 *     refused once the shift has started;
 *   pending --reject--> rejected (resolutionNote: the reason): the
 *     worker keeps the shift.
 * Slots: a position is filled by its assigned, confirmed, checked-in,
 * checked-out and completed assignments, never beyond its headcount,
 * whatever runs concurrently (the position row is locked first: see
 * sql_staffing.h).  After a slot is taken or freed, the position, its
 * shift and its order are marked filled or open again.
 *
 * Answers: 201 (assign) or 200 with the object; 400 VALIDATION_ERROR
 * naming each bad field; 404 for ids of another business (or hub of a
 * manager); 409 CONFLICT with details.state naming what refuses it.
 * Every change writes its audit row in the command's transaction.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "uuid.h"
#include "valid.h"
#include "command.h"

#define STAFFERS	"owner|admin|manager"
#define REASON_MAX	1000	/* characters of a reason */

/* Columns of the command statements (sql_staffing.h). */
enum stf_col {
	SC_WHAT,	/* what refuses ("ok": nothing) */
	SC_STATE,	/* the state that refuses */
	SC_JSON,	/* the new object, or NULL */
	SC_POSITION,	/* the position whose slots may have changed */
	SC_OTHER	/* an id the refusal names */
};

/* Refusals whose message says more than "the <what> is <state>". */
static const struct {
	const char	*state;
	const char	*message;
} refusals[] = {
	{ "started", "the shift has already started" },
	{ "full", "the position is full (every slot is taken)" },
	{ "wrong_vendor", "the staff member does not work for the "
	    "position's vendor" },
	{ "missing_role", "the staff member does not hold the position's "
	    "role" },
	{ "overlap", "the staff member has another shift at that time" },
	{ "unavailable", "the staff member is not available at that time" },
};

/* 409 for a refused command: what and state from the statement. */
static int
refused(struct cmd *c, const struct db_rows *rows)
{
	struct json_object	*d = NULL;
	const char		*what, *state, *other, *msg = NULL;
	size_t			 i;

	what = db_get(rows, 0, SC_WHAT);
	state = db_get(rows, 0, SC_STATE);
	other = db_get(rows, 0, SC_OTHER);
	if (what == NULL || state == NULL)
		return req_fail(c->r, ERR_INTERNAL, NULL, NULL);
	if (strcmp(what, "assignment") == 0 && other != NULL) {
		/* The staff member is on the shift already. */
		cmd_detail(&d, "state", state);
		cmd_detail(&d, "assignmentId", other);
		return req_fail(c->r, ERR_CONFLICT, arena_printf(c->r->arena,
		    "the staff member already has an assignment on this "
		    "shift (%s)", state), d);
	}
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (strcmp(refusals[i].state, state) == 0)
			msg = refusals[i].message;
	if (msg == NULL)
		return cmd_state(c, what, state);
	cmd_detail(&d, "state", state);
	return req_fail(c->r, ERR_CONFLICT, msg, d);
}

/*
 * Run the command statement stmt (the position already locked) and
 * answer status with its object, or the refusal; notfound is the 404
 * message when there is no row.  A command that was refused only
 * because a concurrent one inserted the same worker's assignment (state
 * "ok" without an object) runs once more: that snapshot sees it.
 */
static int
run(struct cmd *c, size_t stmt, int status, const char *notfound)
{
	struct db_rows	*rows;
	const char	*pos, *state;
	int		 rc, tries;

	for (tries = 0; ; tries++) {
		if ((rc = cmd_exec(c, stmt, &rows)) != ERR_OK)
			return rc;
		if (rows->nrows == 0)
			return cmd_notfound(c, notfound);
		if ((state = db_get(rows, 0, SC_STATE)) == NULL)
			return req_fail(c->r, ERR_INTERNAL, NULL, NULL);
		if (db_get(rows, 0, SC_JSON) != NULL ||
		    strcmp(state, "ok") != 0)
			break;
		if (tries == 1)
			return req_fail(c->r, ERR_INTERNAL, NULL, NULL);
	}
	if (db_get(rows, 0, SC_JSON) == NULL) {
		if (strcmp(state, "not_found") == 0)
			return cmd_notfound(c, "no such staff member (of a "
			    "vendor the business works with)");
		return refused(c, rows);
	}
	if ((pos = db_get(rows, 0, SC_POSITION)) != NULL &&
	    (rc = staffing_sync(c, pos)) != ERR_OK)
		return rc;
	return cmd_answer(c, status, db_get(rows, 0, SC_JSON));
}

/*
 * Set the status of position pos, its shift and order from its slots
 * (STMT_STF_SYNC), with c's $1..$4; the position is locked already.
 * Leaves c's parameters as they were.
 */
int
staffing_sync(struct cmd *c, const char *pos)
{
	struct db_rows	*rows;
	const char	*p[5];
	enum err	 e;

	memcpy(p, c->p, 4 * sizeof(p[0]));
	p[4] = pos;
	e = db_exec(c->r->db, c->r->arena, STMT_STF_SYNC, 5, p, &rows);
	return e == ERR_OK ? ERR_OK : req_fail(c->r, e, NULL, NULL);
}

/*
 * Lock the position the command acts on with stmt (parameters pushed
 * so far); 404 with notfound when there is none.
 */
static int
lock(struct cmd *c, size_t stmt, const char *notfound)
{
	struct db_rows	*rows;
	int		 rc;

	if ((rc = cmd_exec(c, stmt, &rows)) != ERR_OK)
		return rc;
	if (rows->nrows == 0)
		return cmd_notfound(c, notfound);
	return ERR_OK;
}

/*
 * POST /commands/client/shifts/:shiftId/positions/:positionId/assignments
 * {"staffId"}: the staff member is assigned (state assigned).  201.
 */
int
h_assignment_create(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "staffId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body, *d = NULL;
	struct cmd		 c;
	const char		*shift, *pos;
	int			 rc;

	if ((rc = cmd_begin(&c, r, STAFFERS, "assign staff")) != ERR_OK)
		goto out;
	shift = req_param(r, "shiftId");
	pos = req_param(r, "positionId");
	if (shift == NULL || !uuid_valid(shift))
		cmd_detail(&d, "shiftId", "must be a UUID");
	if (pos == NULL || !uuid_valid(pos))
		cmd_detail(&d, "positionId", "must be a UUID");
	if (d != NULL) {
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, shift);
	cmd_push(&c, pos);
	if ((rc = lock(&c, STMT_STF_LOCK_SLOT,
	    "no such position on this shift")) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	rc = run(&c, STMT_STF_ASSIGN, 201, "no such position on this shift");
out:
	return rc;
}

/*
 * Start a command on :assignmentId: caller, path, position lock.
 */
static int
assignment_begin(struct cmd *c, struct req *r, const char *what)
{
	int	rc;

	if ((rc = cmd_begin(c, r, STAFFERS, what)) != ERR_OK)
		return rc;
	if ((rc = cmd_path_uuid(c, "assignmentId")) != ERR_OK)
		return rc;
	return lock(c, STMT_STF_LOCK_ASG, "no such assignment");
}

/* DELETE /commands/client/assignments/:assignmentId: unassign.  200. */
int
h_assignment_delete(struct req *r)
{
	struct cmd	c;
	int		rc;

	if ((rc = assignment_begin(&c, r, "unassign staff")) != ERR_OK)
		goto out;
	rc = run(&c, STMT_STF_UNASSIGN, 200, "no such assignment");
out:
	return rc;
}

/* POST /commands/client/assignments/:assignmentId/approve.  200. */
int
h_assignment_approve(struct req *r)
{
	struct cmd	c;
	int		rc;

	if ((rc = assignment_begin(&c, r, "approve applications")) != ERR_OK)
		goto out;
	rc = run(&c, STMT_STF_APPROVE, 200, "no such assignment");
out:
	return rc;
}

/*
 * POST /commands/client/assignments/:assignmentId/reject {"reason"?}:
 * the application is cancelled with the reason.  200.
 */
int
h_assignment_reject(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "reason", VT_STRING, VF_NULLABLE, 1, REASON_MAX, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body;
	struct cmd		 c;
	int			 rc;

	if ((rc = cmd_begin(&c, r, STAFFERS, "reject applications")) !=
	    ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "assignmentId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	if ((rc = lock(&c, STMT_STF_LOCK_ASG, "no such assignment")) !=
	    ERR_OK)
		goto out;
	cmd_push(&c, v[0].present && !v[0].is_null ? v[0].s : NULL);
	rc = run(&c, STMT_STF_REJECT, 200, "no such assignment");
out:
	return rc;
}

/*
 * POST /commands/client/swap-requests/:swapRequestId/approve: the
 * worker is released and the slot reopens.  200.
 */
int
h_swap_approve(struct req *r)
{
	struct cmd	c;
	int		rc;

	if ((rc = cmd_begin(&c, r, STAFFERS, "approve swap requests")) !=
	    ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "swapRequestId")) != ERR_OK)
		goto out;
	if ((rc = lock(&c, STMT_STF_LOCK_SWAP, "no such swap request")) !=
	    ERR_OK)
		goto out;
	rc = run(&c, STMT_STF_SWAP_APPROVE, 200, "no such swap request");
out:
	return rc;
}

/*
 * POST /commands/client/swap-requests/:swapRequestId/reject {"reason"}:
 * the worker keeps the shift.  200.
 */
int
h_swap_reject(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "reason", VT_STRING, VF_REQUIRED, 1, REASON_MAX, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body;
	struct cmd		 c;
	int			 rc;

	if ((rc = cmd_begin(&c, r, STAFFERS, "reject swap requests")) !=
	    ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "swapRequestId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	rc = run(&c, STMT_STF_SWAP_REJECT, 200, "no such swap request");
out:
	return rc;
}
