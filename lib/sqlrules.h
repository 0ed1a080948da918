/*
 * sqlrules: SQL fragments that state a business rule once for every
 * program that needs it (the staff read models of krow-query and the
 * staff commands of krow-command), so that what a worker is shown as
 * open and what the worker may apply for cannot drift apart.  They are
 * pasted into the programs' fixed statement tables at compile time; they
 * carry no values ($n parameters only).
 *
 * Conventions of the statements that use them: $1 the caller's tenant,
 * $2 its staff id, $3 its user id.
 */
#ifndef KROW_SQLRULES_H
#define KROW_SQLRULES_H

/* Assignment states that fill a position. */
#define SQLR_FILLED \
	"('assigned', 'confirmed', 'checked_in', 'checked_out', 'completed')"

/*
 * SQLR_ME_STAFF: "me", the caller when it is an active staff user of the
 * tenant whose staff row is $2 (no row otherwise: nothing is visible).
 */
#define SQLR_ME_STAFF \
	"WITH me AS (SELECT s.id, s.vendor_id, s.status AS staff_status" \
	" FROM users u JOIN staff s ON s.id = u.staff_id" \
	" AND s.tenant_id = u.tenant_id" \
	" WHERE u.id = $3::uuid AND u.tenant_id = $1::uuid" \
	" AND u.staff_id = $2::uuid AND u.actor = 'staff'" \
	" AND u.status = 'active')"

/*
 * SQLR_AVAIL: "az", the caller's availability zone (that of its first
 * weekly row; UTC without one) and whether it has a weekly pattern; and
 * small sets of the caller's, each read once, that the tests below look
 * up instead of reading big tables once per position:
 *   "sqlr_week", its weekly windows, "sqlr_wz", their zones, and
 *   "sqlr_exc", its availability exceptions (SQLR_AVAILABLE);
 *   "sqlr_busy", one row: spans, the union (a multirange) of the spans
 *   of its live assignments (on shifts not cancelled) that are not over
 *   yet (a position that could be applied for starts later, so an older
 *   span cannot overlap it); NULL without any;
 *   "sqlr_roles", the active vendor roles it holds (none when the worker
 *   is inactive); "sqlr_bv", the businesses that approved its vendor;
 *   "sqlr_mine", the shifts it has an assignment on (in any state)
 *   (SQLR_OPENPOS_OK).
 * A statement reads only those it refers to.
 */
#define SQLR_AVAIL \
	", az AS MATERIALIZED (SELECT coalesce((SELECT w.time_zone" \
	" FROM staff_availability w, me WHERE w.staff_id = me.id" \
	" ORDER BY w.day_of_week, w.start_time LIMIT 1), 'UTC') AS tz," \
	" EXISTS (SELECT 1 FROM staff_availability w, me" \
	" WHERE w.staff_id = me.id) AS has)" \
	", sqlr_week AS MATERIALIZED (SELECT w.day_of_week, w.start_time," \
	" w.end_time, w.time_zone FROM staff_availability w, me" \
	" WHERE w.staff_id = me.id)" \
	", sqlr_wz AS MATERIALIZED (SELECT DISTINCT w.time_zone" \
	" FROM sqlr_week w)" \
	", sqlr_exc AS MATERIALIZED (SELECT e.day, e.available, e.start_time," \
	" e.end_time FROM staff_availability_exceptions e, me" \
	" WHERE e.staff_id = me.id)" \
	", sqlr_busy AS MATERIALIZED (SELECT" \
	" range_agg(tstzrange(s2.starts_at, s2.ends_at)) AS spans" \
	" FROM me JOIN assignments a ON a.staff_id = me.id" \
	" JOIN shifts s2 ON s2.id = a.shift_id WHERE a.status IN" \
	" ('applied', 'assigned', 'confirmed', 'checked_in', 'checked_out')" \
	" AND s2.status <> 'cancelled' AND s2.ends_at > now())" \
	", sqlr_roles AS MATERIALIZED (SELECT x.vendor_role_id" \
	" FROM me JOIN staff_roles x ON x.staff_id = me.id" \
	" JOIN vendor_roles r ON r.id = x.vendor_role_id" \
	" AND r.status = 'active' WHERE me.staff_status = 'active')" \
	", sqlr_bv AS MATERIALIZED (SELECT bv.business_id" \
	" FROM me JOIN business_vendors bv ON bv.vendor_id = me.vendor_id" \
	" AND bv.status = 'approved')" \
	", sqlr_mine AS MATERIALIZED (SELECT a.shift_id" \
	" FROM me JOIN assignments a ON a.staff_id = me.id)"

/*
 * Whether the caller (me, az, after SQLR_AVAIL) is available from S to
 * E.  The rules, in this order, on the day of S in the caller's zone:
 *   1. an exception that marks the day unavailable: not available;
 *   2. an exception that gives other hours: S..E must fit in them;
 *   3. no weekly pattern at all: available (nothing was said);
 *   4. otherwise S..E must fit in one weekly window of that weekday
 *      (in the window's own zone); a shift that runs past the end of
 *      the window, midnight included, does not fit.
 * The days of 1 and 2 are looked up in a hash of the caller's
 * exceptions (uncorrelated IN; not even that for a caller without any);
 * for 4, S and E are converted once to each zone of the caller's
 * windows (sqlr_wz; OFFSET 0 keeps the planner from pasting the
 * conversion into every test) and the windows of that zone and weekday
 * looked up (a hash of sqlr_week).
 */
#define SQLR_AZ_DAY(S) "(" S " AT TIME ZONE az.tz)::date"
#define SQLR_AVAILABLE(S, E) \
	"(CASE WHEN EXISTS (SELECT 1 FROM sqlr_exc)" \
	" AND " SQLR_AZ_DAY(S) " IN (SELECT e.day FROM sqlr_exc e)" \
	" THEN " SQLR_AZ_DAY(S) " NOT IN (SELECT e.day FROM sqlr_exc e" \
	" WHERE NOT e.available) AND EXISTS (SELECT 1 FROM sqlr_exc e" \
	" WHERE e.day = " SQLR_AZ_DAY(S) \
	" AND e.available AND (" S " AT TIME ZONE az.tz)::time >=" \
	" e.start_time AND (" E " AT TIME ZONE az.tz) <= e.day + e.end_time)" \
	" WHEN NOT az.has THEN true" \
	" ELSE EXISTS (SELECT 1 FROM sqlr_wz z CROSS JOIN LATERAL" \
	" (SELECT " S " AT TIME ZONE z.time_zone AS ls," \
	" " E " AT TIME ZONE z.time_zone AS le OFFSET 0) l" \
	" WHERE EXISTS (SELECT 1 FROM sqlr_week w" \
	" WHERE w.time_zone = z.time_zone" \
	" AND w.day_of_week = date_part('dow', l.ls)" \
	" AND l.ls::time >= w.start_time" \
	" AND l.le <= l.ls::date + w.end_time)) END)"

/*
 * SQLR_OPENPOS_OK: whether position sp is one the caller (me, az, after
 * SQLR_ME_STAFF and SQLR_AVAIL) could apply for: of its vendor, for an
 * active role it holds, on an open shift of an open order of a business
 * that approved the vendor, not started yet, with a free slot, on a
 * shift where it has no assignment (in any state), not overlapping a
 * live assignment of its own, within its availability; an inactive
 * worker gets none.  It reads only the position row (the shift's start
 * and end, and whether the shift and its order are open, are kept on it:
 * 0012_coverage_counts, 0019_openpos_keys) and the caller's small sets
 * of SQLR_AVAIL, so that testing a position costs no read of another
 * big table: shift_positions_openpos_idx holds exactly the open
 * positions with a free slot of open shifts and orders, by role, start
 * and id, with the columns tested here.
 *
 * SQLR_OPENPOS_SP is the FROM that SQLR_OPENPOS_OK needs; a program that
 * only counts or picks positions writes
 *   "SELECT sp.id ..." SQLR_OPENPOS_SP " WHERE " SQLR_OPENPOS_OK
 * and one that walks them in start order, role by role (a bounded walk:
 * PostgreSQL 15 cannot merge the roles' index ranges in one scan),
 *   "... FROM me CROSS JOIN az CROSS JOIN sqlr_roles x CROSS JOIN LATERAL
 *   (SELECT ... FROM shift_positions sp WHERE sp.vendor_role_id =
 *   x.vendor_role_id AND " SQLR_OPENPOS_OK " ORDER BY sp.shift_starts_at,
 *   sp.id LIMIT n)"
 */
#define SQLR_OPENPOS_OK \
	"(sp.vendor_role_id = ANY (ARRAY(SELECT vendor_role_id" \
	" FROM sqlr_roles)) AND sp.tenant_id = $1::uuid" \
	" AND sp.vendor_id = me.vendor_id AND sp.status = 'open'" \
	" AND sp.filled_count < sp.headcount AND sp.shift_open" \
	" AND sp.shift_starts_at > now()" \
	" AND sp.business_id = ANY (ARRAY(SELECT business_id FROM sqlr_bv))" \
	" AND sp.shift_id NOT IN (SELECT shift_id FROM sqlr_mine)" \
	" AND NOT coalesce((SELECT y.spans FROM sqlr_busy y)" \
	" && tstzrange(sp.shift_starts_at, sp.shift_ends_at), false)" \
	" AND " SQLR_AVAILABLE("sp.shift_starts_at", "sp.shift_ends_at") ")"
#define SQLR_OPENPOS_SP \
	" FROM me CROSS JOIN az CROSS JOIN shift_positions sp"

/*
 * SQLR_OPENPOS_JOINS: the rows of position sp that a program shows: s
 * (shift), o (order), h (hub), b (business), r (role), f.filled (the
 * position's stored filled_count, kept by the writes at the commit of
 * their transaction: 0012_coverage_counts, 0023_lean_triggers).  They
 * select nothing: every position has them.
 */
#define SQLR_OPENPOS_JOINS \
	" JOIN vendor_roles r ON r.id = sp.vendor_role_id" \
	" JOIN shifts s ON s.id = sp.shift_id AND s.tenant_id = sp.tenant_id" \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id" \
	" JOIN hubs h ON h.id = s.hub_id AND h.tenant_id = s.tenant_id" \
	" JOIN businesses b ON b.id = s.business_id" \
	" AND b.tenant_id = s.tenant_id" \
	" CROSS JOIN LATERAL (SELECT sp.filled_count AS filled) f"

/*
 * The FROM and WHERE of "openpos" (after SQLR_ME_STAFF and SQLR_AVAIL),
 * for a program that picks a few positions by shift or id and shows
 * them: the positions that SQLR_OPENPOS_OK admits, with the rows of
 * SQLR_OPENPOS_JOINS.  A program writes
 *   ", openpos AS (SELECT <its columns>" SQLR_OPENPOS_FROM ")"
 * (and may add " AND ..." conditions).
 */
#define SQLR_OPENPOS_FROM \
	SQLR_OPENPOS_SP SQLR_OPENPOS_JOINS " WHERE " SQLR_OPENPOS_OK

#endif
