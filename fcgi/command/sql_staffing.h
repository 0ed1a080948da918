/*
 * krow-command: the statements of h_staffing.c.  STAFFING_STMT_IDS lists their
 * enum stmt names (each followed by a comma), STAFFING_STMTS their SQL as
 * designated initializers of main.c's stmts[] (same conventions: $1
 * tenant, $2 business, $3 user, $4 request id).  They expand inside
 * main.c, whose TS() and AUDIT() they use.
 *
 * The rules of staffing (h_staffing.c states them for the API):
 *   - a position is filled by its assignments in the states of
 *     SQLR_FILLED; an assignment that would take a slot locks the
 *     position row first, in a statement of its own (STMT_STF_LOCK_*),
 *     so that the command's main statement, whose snapshot is taken
 *     after the lock, counts every slot taken before: the headcount holds
 *     under any concurrency;
 *   - after a command that takes or frees a slot, STMT_STF_SYNC sets the
 *     status of the position, its shift and its order (open <-> filled)
 *     from the counts, still under the position lock;
 *   - a client user sees the shifts of its business; a manager only
 *     those of the hubs it manages (STF_SEES): others are not found;
 *   - the command statements answer one row (none: not found): what the
 *     refusal is about ("assignment", "position", "shift", "order",
 *     "staff member", "swap request"; "ok" when nothing refuses), the
 *     state that refuses ("ok"), the new object as JSON text (NULL when
 *     refused), the position to sync (text), and an id the refusal
 *     names (the live assignment of the staff member on the shift).
 */
#ifndef KROW_SQL_STAFFING_H
#define KROW_SQL_STAFFING_H

#include "sqlrules.h"

#define STAFFING_STMT_IDS \
	STMT_STF_LOCK_SLOT,	/* $5 shift, $6 position */ \
	STMT_STF_LOCK_ASG,	/* $5 assignment */ \
	STMT_STF_LOCK_SWAP,	/* $5 swap request */ \
	STMT_STF_LOCK_MINE,	/* staff: $5 shift */ \
	STMT_STF_LOCK_STAFF,	/* staff: (none) */ \
	STMT_STF_ASSIGN,	/* $5 shift, $6 position, $7 staff */ \
	STMT_STF_UNASSIGN,	/* $5 assignment */ \
	STMT_STF_APPROVE,	/* $5 assignment */ \
	STMT_STF_REJECT,	/* $5 assignment, $6 reason */ \
	STMT_STF_SWAP_APPROVE,	/* $5 swap request */ \
	STMT_STF_SWAP_REJECT,	/* $5 swap request, $6 reason */ \
	STMT_STF_SYNC,		/* $5 position ($2 unused) */

/* The caller: an active client user of the business. */
#define STF_CLI \
	"WITH cli AS (SELECT u.id, u.role FROM users u" \
	" WHERE u.id = $3::uuid AND u.tenant_id = $1::uuid" \
	" AND u.business_id = $2::uuid AND u.actor = 'client'" \
	" AND u.status = 'active')"
/* The caller sees hub H: not a manager, or a manager of H. */
#define STF_SEES(H) \
	"EXISTS (SELECT 1 FROM cli WHERE cli.role <> 'manager'" \
	" OR EXISTS (SELECT 1 FROM hub_managers m WHERE m.hub_id = " H \
	" AND m.user_id = cli.id))"
/* Slots of position P taken. */
#define STF_FILLED(P) \
	"(SELECT count(*) FROM assignments f WHERE f.position_id = " P \
	" AND f.status IN " SQLR_FILLED ")"
/* A committed assignment of staff S, other than A, overlapping the
 * shift times ST..EN. */
#define STF_OVERLAP(S, A, ST, EN) \
	"EXISTS (SELECT 1 FROM assignments o2 JOIN shifts s2" \
	" ON s2.id = o2.shift_id AND s2.tenant_id = o2.tenant_id" \
	" WHERE o2.staff_id = " S " AND o2.id IS DISTINCT FROM " A \
	" AND o2.status IN ('assigned', 'confirmed', 'checked_in'," \
	" 'checked_out') AND s2.status <> 'cancelled'" \
	" AND s2.starts_at < " EN " AND s2.ends_at > " ST ")"
/* Staff member S holds the vendor role R. */
#define STF_HAS_ROLE(S, R) \
	"EXISTS (SELECT 1 FROM staff_roles x WHERE x.staff_id = " S \
	" AND x.vendor_role_id = " R ")"
/*
 * The caller's assignment $5 locked, with its shift, order and
 * position (a manager: at a hub it manages).
 */
#define STF_CUR \
	", cur AS (SELECT a.*, s.starts_at, s.ends_at," \
	" s.status AS sstatus, s.hub_id, o.status AS ostatus," \
	" sp.headcount, sp.status AS pstatus, sp.vendor_role_id" \
	" FROM assignments a" \
	" JOIN shifts s ON s.id = a.shift_id AND s.tenant_id = a.tenant_id" \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id" \
	" JOIN shift_positions sp ON sp.id = a.position_id" \
	" AND sp.tenant_id = a.tenant_id" \
	" WHERE a.id = $5::uuid AND a.tenant_id = $1::uuid" \
	" AND a.business_id = $2::uuid AND " STF_SEES("s.hub_id") \
	" FOR UPDATE OF a)"
/* The first refusal of the list of (n, what, state, holds) rows, or ok. */
#define STF_FIRST(FROM, LIST) \
	", chk AS (SELECT x.w, x.st FROM " FROM ", LATERAL (VALUES " LIST \
	", (99, 'ok', 'ok', true)) x(n, w, st, hit) WHERE x.hit" \
	" ORDER BY x.n LIMIT 1)"
/* The shift/order state refusals of row c (columns of STF_CUR). */
#define STF_LIVE_SHIFT(C) \
	"(2, 'position', " C ".pstatus, " C ".pstatus = 'cancelled')," \
	" (3, 'order', " C ".ostatus," \
	" " C ".ostatus NOT IN ('open', 'filled'))," \
	" (4, 'shift', " C ".sstatus," \
	" " C ".sstatus NOT IN ('open', 'filled'))," \
	" (5, 'shift', 'started', " C ".starts_at <= now())"
/* An assignment row p as the client commands show it. */
#define STF_ASG_OBJ \
	"json_build_object('assignmentId', p.id, 'shiftId', p.shift_id," \
	" 'positionId', p.position_id, 'vendorId', p.vendor_id," \
	" 'staff', (SELECT json_build_object('staffId', st.id," \
	" 'firstName', st.first_name, 'lastName', st.last_name)" \
	" FROM staff st WHERE st.id = p.staff_id)," \
	" 'status', p.status, 'appliedAt', " TS("p.applied_at") "," \
	" 'assignedAt', " TS("p.assigned_at") "," \
	" 'confirmedAt', " TS("p.confirmed_at") "," \
	" 'cancelledAt', " TS("p.cancelled_at") "," \
	" 'cancelReason', p.cancel_reason," \
	" 'updatedAt', " TS("p.updated_at") ")"
/* A swap request row p, with A the assignment row as it is now. */
#define STF_SWAP_OBJ(A) \
	"json_build_object('swapRequestId', p.id, 'assignmentId'," \
	" p.assignment_id, 'status', p.status, 'reason', p.reason," \
	" 'resolutionNote', p.resolution_note, 'resolvedBy', p.resolved_by," \
	" 'resolvedAt', " TS("p.resolved_at") "," \
	" 'createdAt', " TS("p.created_at") "," \
	" 'assignment', (SELECT json_build_object('assignmentId', q.id," \
	" 'shiftId', q.shift_id, 'positionId', q.position_id," \
	" 'staffId', q.staff_id, 'status', q.status," \
	" 'cancelledAt', " TS("q.cancelled_at") "," \
	" 'cancelReason', q.cancel_reason) FROM " A " q))"
/* The caller's swap request $5 and its assignment (locked). */
#define STF_SWAP_CUR \
	", cur AS (SELECT a.*, s.starts_at FROM swap_requests r" \
	" JOIN assignments a ON a.id = r.assignment_id" \
	" AND a.tenant_id = r.tenant_id" \
	" JOIN shifts s ON s.id = a.shift_id AND s.tenant_id = a.tenant_id" \
	" WHERE r.id = $5::uuid AND r.tenant_id = $1::uuid" \
	" AND r.business_id = $2::uuid AND " STF_SEES("s.hub_id") \
	" FOR UPDATE OF a)," \
	" sw AS (SELECT r.* FROM swap_requests r, cur" \
	" WHERE r.id = $5::uuid AND r.assignment_id = cur.id FOR UPDATE OF r)"
/*
 * Tell the workers of assignment rows FROM (alias x) about a decision
 * of the business: a staff_events row each (0007), kind KIND, with the
 * shift's times and x's cancel reason.
 */
#define STF_EVENT(KIND, FROM) \
	" ev AS (INSERT INTO staff_events (tenant_id, staff_id, kind," \
	" business_id, order_id, shift_id, assignment_id, payload," \
	" request_id) SELECT $1::uuid, x.staff_id, '" KIND "', $2::uuid," \
	" sh.order_id, x.shift_id, x.id, jsonb_strip_nulls(" \
	"jsonb_build_object('status', x.status, 'startsAt', sh.starts_at," \
	" 'endsAt', sh.ends_at, 'reason', x.cancel_reason)), $4::uuid" \
	" FROM " FROM " JOIN shifts sh ON sh.id = x.shift_id RETURNING id)"
/* $3 and $4 typed in a statement that does not use them otherwise. */
#define STF_USES_ALL " AND $3::uuid IS NOT NULL AND $4::uuid IS NOT NULL"

#define STAFFING_STMTS \
	/* Lock position $6 of shift $5 of the business (no row: none). */ \
	[STMT_STF_LOCK_SLOT] = \
	    "SELECT sp.id FROM shift_positions sp WHERE sp.id = $6::uuid" \
	    " AND sp.shift_id = $5::uuid AND sp.tenant_id = $1::uuid" \
	    " AND sp.business_id = $2::uuid" STF_USES_ALL " FOR UPDATE", \
	/* Lock the position of assignment $5 of the business. */ \
	[STMT_STF_LOCK_ASG] = \
	    "SELECT sp.id FROM assignments a JOIN shift_positions sp" \
	    " ON sp.id = a.position_id AND sp.tenant_id = a.tenant_id" \
	    " WHERE a.id = $5::uuid AND a.tenant_id = $1::uuid" \
	    " AND a.business_id = $2::uuid" STF_USES_ALL \
	    " FOR UPDATE OF sp", \
	/* Lock the position of the assignment of swap request $5. */ \
	[STMT_STF_LOCK_SWAP] = \
	    "SELECT sp.id FROM swap_requests r JOIN assignments a" \
	    " ON a.id = r.assignment_id AND a.tenant_id = r.tenant_id" \
	    " JOIN shift_positions sp ON sp.id = a.position_id" \
	    " AND sp.tenant_id = a.tenant_id" \
	    " WHERE r.id = $5::uuid AND r.tenant_id = $1::uuid" \
	    " AND r.business_id = $2::uuid" STF_USES_ALL \
	    " FOR UPDATE OF sp", \
	/* \
	 * Staff ($2 staff): lock the position of the caller's live \
	 * assignment on shift $5 (before a staff command frees its slot). \
	 */ \
	[STMT_STF_LOCK_MINE] = \
	    "SELECT sp.id FROM assignments a JOIN shift_positions sp" \
	    " ON sp.id = a.position_id AND sp.tenant_id = a.tenant_id" \
	    " WHERE a.shift_id = $5::uuid AND a.staff_id = $2::uuid" \
	    " AND a.tenant_id = $1::uuid" \
	    " AND a.status NOT IN ('declined', 'cancelled')" STF_USES_ALL \
	    " FOR UPDATE OF sp", \
	/* \
	 * Staff ($2 staff): lock the caller's staff row, so that two \
	 * commands of one worker (two clock-ins) run one after the other \
	 * (NO KEY UPDATE: inserts that refer to the row are not blocked). \
	 */ \
	[STMT_STF_LOCK_STAFF] = \
	    "SELECT s.id FROM staff s WHERE s.id = $2::uuid" \
	    " AND s.tenant_id = $1::uuid" STF_USES_ALL \
	    " FOR NO KEY UPDATE", \
	/* \
	 * Assign staff member $7 to position $6 of shift $5: a new \
	 * assignment in state assigned.  The staff member must belong to \
	 * a vendor the business approved (else "not_found"), to the \
	 * position's vendor, hold its role, be active, have no live \
	 * assignment on the shift, no committed one overlapping it, and be \
	 * available then (the rules of sqlrules.h); the shift and its \
	 * order open or filled and not started, a slot free.  A concurrent \
	 * assignment of the same worker to the shift is not inserted \
	 * (ON CONFLICT): the state is "ok" without an object, and the \
	 * handler runs the statement again, in a snapshot that sees it. \
	 */ \
	[STMT_STF_ASSIGN] = \
	    STF_CLI ", pos AS (SELECT sp.*, s.starts_at, s.ends_at," \
	    " s.status AS sstatus, o.status AS ostatus," \
	    " sp.status AS pstatus, " STF_FILLED("sp.id") " AS filled" \
	    " FROM shift_positions sp" \
	    " JOIN shifts s ON s.id = sp.shift_id" \
	    " AND s.tenant_id = sp.tenant_id" \
	    " JOIN orders o ON o.id = s.order_id AND o.tenant_id =" \
	    " s.tenant_id" \
	    " WHERE sp.id = $6::uuid AND sp.shift_id = $5::uuid" \
	    " AND sp.tenant_id = $1::uuid AND sp.business_id = $2::uuid" \
	    " AND " STF_SEES("s.hub_id") ")," \
	    " me AS (SELECT st.id, st.vendor_id, st.status AS staff_status" \
	    " FROM staff st WHERE st.id = $7::uuid AND st.tenant_id =" \
	    " $1::uuid" \
	    " AND EXISTS (SELECT 1 FROM business_vendors bv" \
	    " WHERE bv.tenant_id = $1::uuid AND bv.business_id = $2::uuid" \
	    " AND bv.vendor_id = st.vendor_id AND bv.status = 'approved'))" \
	    SQLR_AVAIL \
	    ", live AS (SELECT a.id, a.status FROM assignments a, me" \
	    " WHERE a.shift_id = $5::uuid AND a.staff_id = me.id" \
	    " AND a.status NOT IN ('declined', 'cancelled')" \
	    " ORDER BY a.updated_at DESC LIMIT 1)" \
	    STF_FIRST("pos c CROSS JOIN az LEFT JOIN me ON true", \
	    "(1, 'staff member', 'not_found', me.id IS NULL), " \
	    STF_LIVE_SHIFT("c") "," \
	    " (6, 'assignment', (SELECT status FROM live)," \
	    " EXISTS (SELECT 1 FROM live))," \
	    " (7, 'position', 'full', c.filled >= c.headcount)," \
	    " (8, 'staff member', me.staff_status," \
	    " me.staff_status <> 'active')," \
	    " (9, 'staff member', 'wrong_vendor', me.vendor_id <>" \
	    " c.vendor_id)," \
	    " (10, 'staff member', 'missing_role', NOT " \
	    STF_HAS_ROLE("me.id", "c.vendor_role_id") ")," \
	    " (11, 'staff member', 'overlap', " \
	    STF_OVERLAP("me.id", "NULL::uuid", "c.starts_at", \
	    "c.ends_at") ")," \
	    " (12, 'staff member', 'unavailable', NOT " \
	    SQLR_AVAILABLE("c.starts_at", "c.ends_at") ")") "," \
	    " ins AS (INSERT INTO assignments (tenant_id, business_id," \
	    " shift_id, position_id, vendor_id, staff_id, status," \
	    " assigned_at)" \
	    " SELECT $1::uuid, $2::uuid, c.shift_id, c.id, c.vendor_id," \
	    " me.id," \
	    " 'assigned', now() FROM pos c, me, chk WHERE chk.st = 'ok'" \
	    " ON CONFLICT (shift_id, staff_id)" \
	    " WHERE status NOT IN ('declined', 'cancelled') DO NOTHING" \
	    " RETURNING *)," \
	    STF_EVENT("assignment.assigned", "ins x") "," \
	    " aud AS (" AUDIT("assignment.assign", "assignment", "i.id::text", \
	    "jsonb_build_object('before', NULL, 'after', jsonb_build_object(" \
	    "'status', i.status, 'staffId', i.staff_id, 'shiftId'," \
	    " i.shift_id, 'positionId', i.position_id)) FROM ins i") ")" \
	    " SELECT chk.w, chk.st," \
	    " (SELECT " STF_ASG_OBJ " FROM ins p)::text," \
	    " c.id::text, (SELECT id::text FROM live) FROM pos c, chk", \
	/* \
	 * Unassign: assignment $5, assigned or confirmed, on a shift not \
	 * started -> cancelled; a pending swap request of it is cancelled \
	 * too (resolved by the caller). \
	 */ \
	[STMT_STF_UNASSIGN] = \
	    STF_CLI STF_CUR \
	    STF_FIRST("cur c", \
	    "(1, 'assignment', c.status, c.status NOT IN ('assigned'," \
	    " 'confirmed')), (5, 'shift', 'started', c.starts_at <= now())") \
	    ", upd AS (UPDATE assignments a SET status = 'cancelled'," \
	    " cancelled_at = now(), cancel_reason = 'Unassigned by the" \
	    " business', updated_at = now() FROM cur, chk" \
	    " WHERE a.id = cur.id AND chk.st = 'ok' RETURNING a.*)," \
	    " sw AS (UPDATE swap_requests r SET status = 'cancelled'," \
	    " resolved_by = $3::uuid, resolved_at = now() FROM upd" \
	    " WHERE r.assignment_id = upd.id AND r.status = 'pending'" \
	    " RETURNING r.id)," \
	    STF_EVENT("assignment.unassigned", "upd x") "," \
	    " aud AS (" AUDIT("assignment.unassign", "assignment", \
	    "u.id::text", \
	    "jsonb_build_object('before', jsonb_build_object('status'," \
	    " c.status), 'after', jsonb_build_object('status', u.status)," \
	    " 'swapRequestsCancelled', (SELECT count(*) FROM sw))" \
	    " FROM upd u, cur c") ")" \
	    " SELECT chk.w, chk.st," \
	    " (SELECT " STF_ASG_OBJ " FROM upd p)::text," \
	    " c.position_id::text, NULL FROM cur c, chk", \
	/* \
	 * Approve the application $5: applied -> assigned, when the \
	 * shift is still open and not started, a slot is free, and the \
	 * worker is active, holds the role and has no committed shift \
	 * overlapping (availability was the worker's own call: applying \
	 * says it). \
	 */ \
	[STMT_STF_APPROVE] = \
	    STF_CLI STF_CUR \
	    ", me AS (SELECT st.id, st.status AS staff_status FROM staff st," \
	    " cur WHERE st.id = cur.staff_id AND st.tenant_id = $1::uuid)" \
	    STF_FIRST("cur c LEFT JOIN me ON true", \
	    "(1, 'assignment', c.status, c.status <> 'applied'), " \
	    STF_LIVE_SHIFT("c") "," \
	    " (7, 'position', 'full', " STF_FILLED("c.position_id") \
	    " >= c.headcount)," \
	    " (8, 'staff member', me.staff_status," \
	    " me.staff_status <> 'active')," \
	    " (10, 'staff member', 'missing_role', NOT " \
	    STF_HAS_ROLE("c.staff_id", "c.vendor_role_id") ")," \
	    " (11, 'staff member', 'overlap', " \
	    STF_OVERLAP("c.staff_id", "c.id", "c.starts_at", "c.ends_at") ")") \
	    ", upd AS (UPDATE assignments a SET status = 'assigned'," \
	    " assigned_at = now(), updated_at = now() FROM cur, chk" \
	    " WHERE a.id = cur.id AND chk.st = 'ok' RETURNING a.*)," \
	    STF_EVENT("application.approved", "upd x") "," \
	    " aud AS (" AUDIT("assignment.approve", "assignment", \
	    "u.id::text", \
	    "jsonb_build_object('before', jsonb_build_object('status'," \
	    " c.status), 'after', jsonb_build_object('status', u.status))" \
	    " FROM upd u, cur c") ")" \
	    " SELECT chk.w, chk.st," \
	    " (SELECT " STF_ASG_OBJ " FROM upd p)::text," \
	    " c.position_id::text, NULL FROM cur c, chk", \
	/* Reject the application $5 (reason $6): applied -> cancelled. */ \
	[STMT_STF_REJECT] = \
	    STF_CLI STF_CUR \
	    STF_FIRST("cur c", \
	    "(1, 'assignment', c.status, c.status <> 'applied')") \
	    ", upd AS (UPDATE assignments a SET status = 'cancelled'," \
	    " cancelled_at = now(), cancel_reason = coalesce($6::text," \
	    " 'Application rejected by the business'), updated_at = now()" \
	    " FROM cur, chk WHERE a.id = cur.id AND chk.st = 'ok'" \
	    " RETURNING a.*)," \
	    STF_EVENT("application.rejected", "upd x") "," \
	    " aud AS (" AUDIT("assignment.reject", "assignment", "u.id::text", \
	    "jsonb_build_object('before', jsonb_build_object('status'," \
	    " c.status), 'after', jsonb_build_object('status', u.status," \
	    " 'reason', u.cancel_reason)) FROM upd u, cur c") ")" \
	    " SELECT chk.w, chk.st," \
	    " (SELECT " STF_ASG_OBJ " FROM upd p)::text," \
	    " c.position_id::text, NULL FROM cur c, chk", \
	/* \
	 * Approve swap request $5: pending -> approved, and the \
	 * requester's assignment (assigned or confirmed, shift not \
	 * started) -> cancelled: its slot is open again. \
	 */ \
	[STMT_STF_SWAP_APPROVE] = \
	    STF_CLI STF_SWAP_CUR \
	    STF_FIRST("cur c, sw", \
	    "(1, 'swap request', sw.status, sw.status <> 'pending')," \
	    " (2, 'assignment', c.status, c.status NOT IN ('assigned'," \
	    " 'confirmed')), (5, 'shift', 'started', c.starts_at <= now())") \
	    ", usw AS (UPDATE swap_requests r SET status = 'approved'," \
	    " resolved_by = $3::uuid, resolved_at = now() FROM sw, chk" \
	    " WHERE r.id = sw.id AND chk.st = 'ok' RETURNING r.*)," \
	    " ua AS (UPDATE assignments a SET status = 'cancelled'," \
	    " cancelled_at = now(), cancel_reason = 'Released: swap request" \
	    " approved', updated_at = now() FROM cur, chk WHERE a.id = cur.id" \
	    " AND chk.st = 'ok' RETURNING a.*)," \
	    STF_EVENT("swap_request.approved", "ua x") "," \
	    " aud AS (" AUDIT("swap_request.approve", "swap_request", \
	    "u.id::text", "jsonb_build_object('before', jsonb_build_object(" \
	    "'status', s.status), 'after', jsonb_build_object('status'," \
	    " u.status)) FROM usw u, sw s") ")," \
	    " aud2 AS (" AUDIT("assignment.release", "assignment", \
	    "u.id::text", "jsonb_build_object('before', jsonb_build_object(" \
	    "'status', c.status), 'after', jsonb_build_object('status'," \
	    " u.status), 'swapRequestId', $5::uuid) FROM ua u, cur c") ")" \
	    " SELECT chk.w, chk.st, (SELECT " STF_SWAP_OBJ("ua") \
	    " FROM usw p)::text, c.position_id::text, NULL" \
	    " FROM cur c, sw, chk", \
	/* Reject swap request $5 with reason $6: pending -> rejected. */ \
	[STMT_STF_SWAP_REJECT] = \
	    STF_CLI STF_SWAP_CUR \
	    STF_FIRST("sw", \
	    "(1, 'swap request', sw.status, sw.status <> 'pending')") \
	    ", usw AS (UPDATE swap_requests r SET status = 'rejected'," \
	    " resolved_by = $3::uuid, resolved_at = now()," \
	    " resolution_note = $6::text FROM sw, chk" \
	    " WHERE r.id = sw.id AND chk.st = 'ok' RETURNING r.*)," \
	    STF_EVENT("swap_request.rejected", "(SELECT c.id, c.staff_id," \
	    " c.shift_id, c.status, u.resolution_note AS cancel_reason" \
	    " FROM cur c, usw u) x") "," \
	    " aud AS (" AUDIT("swap_request.reject", "swap_request", \
	    "u.id::text", "jsonb_build_object('before', jsonb_build_object(" \
	    "'status', s.status), 'after', jsonb_build_object('status'," \
	    " u.status, 'reason', u.resolution_note)) FROM usw u, sw s") ")" \
	    " SELECT chk.w, chk.st, (SELECT " STF_SWAP_OBJ("cur") \
	    " FROM usw p)::text, NULL, NULL FROM cur c, sw, chk", \
	/* \
	 * The status of position $5 (open or filled: by its slots taken), \
	 * of its shift (filled when every live position is) and of its \
	 * order (filled when every live shift is); cancelled, in progress \
	 * or completed ones are left alone.  Run under the position lock, \
	 * after the command that changed the slots. \
	 */ \
	[STMT_STF_SYNC] = \
	    "WITH p0 AS (SELECT sp.* FROM shift_positions sp" \
	    " WHERE sp.id = $5::uuid AND sp.tenant_id = $1::uuid" \
	    " AND $2::uuid IS NOT NULL" STF_USES_ALL ")," \
	    " up AS (UPDATE shift_positions sp SET status = CASE WHEN " \
	    STF_FILLED("p0.id") " >= p0.headcount THEN 'filled' ELSE 'open'" \
	    " END, updated_at = now() FROM p0 WHERE sp.id = p0.id" \
	    " AND p0.status IN ('open', 'filled') AND p0.status <> CASE WHEN " \
	    STF_FILLED("p0.id") " >= p0.headcount THEN 'filled' ELSE 'open'" \
	    " END RETURNING sp.id)," \
	    " sh AS (SELECT s.id, s.order_id, s.status, NOT EXISTS (SELECT 1" \
	    " FROM shift_positions q WHERE q.shift_id = s.id" \
	    " AND q.status <> 'cancelled' AND " STF_FILLED("q.id") \
	    " < q.headcount) AS full FROM shifts s, p0" \
	    " WHERE s.id = p0.shift_id AND s.tenant_id = $1::uuid)," \
	    " us AS (UPDATE shifts s SET status = CASE WHEN sh.full" \
	    " THEN 'filled' ELSE 'open' END, updated_at = now() FROM sh" \
	    " WHERE s.id = sh.id AND sh.status IN ('open', 'filled')" \
	    " AND sh.status <> CASE WHEN sh.full THEN 'filled' ELSE 'open'" \
	    " END" \
	    " RETURNING s.id)," \
	    " od AS (SELECT o.id, o.status, NOT EXISTS (SELECT 1 FROM shifts" \
	    " s" \
	    " JOIN shift_positions q ON q.shift_id = s.id" \
	    " WHERE s.order_id = o.id AND s.status <> 'cancelled'" \
	    " AND q.status <> 'cancelled' AND " STF_FILLED("q.id") \
	    " < q.headcount) AS full FROM orders o, sh" \
	    " WHERE o.id = sh.order_id AND o.tenant_id = $1::uuid)," \
	    " uo AS (UPDATE orders o SET status = CASE WHEN od.full" \
	    " THEN 'filled' ELSE 'open' END, updated_at = now() FROM od" \
	    " WHERE o.id = od.id AND od.status IN ('open', 'filled')" \
	    " AND od.status <> CASE WHEN od.full THEN 'filled' ELSE 'open'" \
	    " END" \
	    " RETURNING o.id)" \
	    " SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM us)," \
	    " (SELECT count(*) FROM uo)",

#endif /* !KROW_SQL_STAFFING_H */
