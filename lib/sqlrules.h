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
 * "sqlr_busy", the spans of the caller's live assignments (on shifts not
 * cancelled), read once for the overlap test of SQLR_OPENPOS_FROM.
 */
#define SQLR_AVAIL \
	", az AS (SELECT coalesce((SELECT w.time_zone FROM staff_availability" \
	" w, me WHERE w.staff_id = me.id ORDER BY w.day_of_week," \
	" w.start_time LIMIT 1), 'UTC') AS tz," \
	" EXISTS (SELECT 1 FROM staff_availability w, me" \
	" WHERE w.staff_id = me.id) AS has)" \
	", sqlr_busy AS MATERIALIZED (SELECT s2.starts_at, s2.ends_at" \
	" FROM me JOIN assignments a ON a.staff_id = me.id" \
	" JOIN shifts s2 ON s2.id = a.shift_id WHERE a.status IN" \
	" ('applied', 'assigned', 'confirmed', 'checked_in', 'checked_out')" \
	" AND s2.status <> 'cancelled')"

/*
 * Whether the caller (me, az) is available from S to E.  The rules, in
 * this order, on the day of S in the caller's zone:
 *   1. an exception that marks the day unavailable: not available;
 *   2. an exception that gives other hours: S..E must fit in them;
 *   3. no weekly pattern at all: available (nothing was said);
 *   4. otherwise S..E must fit in one weekly window of that weekday
 *      (in the window's own zone); a shift that runs past the end of
 *      the window, midnight included, does not fit.
 */
#define SQLR_AZ_DAY(S) "(" S " AT TIME ZONE az.tz)::date"
#define SQLR_AVAILABLE(S, E) \
	"(CASE WHEN EXISTS (SELECT 1 FROM staff_availability_exceptions e" \
	" WHERE e.staff_id = me.id AND e.day = " SQLR_AZ_DAY(S) \
	" AND NOT e.available) THEN false" \
	" WHEN EXISTS (SELECT 1 FROM staff_availability_exceptions e" \
	" WHERE e.staff_id = me.id AND e.day = " SQLR_AZ_DAY(S) ")" \
	" THEN EXISTS (SELECT 1 FROM staff_availability_exceptions e" \
	" WHERE e.staff_id = me.id AND e.day = " SQLR_AZ_DAY(S) \
	" AND e.available AND (" S " AT TIME ZONE az.tz)::time >=" \
	" e.start_time AND (" E " AT TIME ZONE az.tz) <= e.day + e.end_time)" \
	" WHEN NOT az.has THEN true" \
	" ELSE EXISTS (SELECT 1 FROM staff_availability w" \
	" WHERE w.staff_id = me.id AND w.day_of_week =" \
	" extract(dow FROM " S " AT TIME ZONE w.time_zone)" \
	" AND (" S " AT TIME ZONE w.time_zone)::time >= w.start_time" \
	" AND (" E " AT TIME ZONE w.time_zone) <=" \
	" (" S " AT TIME ZONE w.time_zone)::date + w.end_time) END)"

/*
 * The FROM and WHERE of "openpos" (after SQLR_ME_STAFF and SQLR_AVAIL):
 * the positions the caller could apply for: of its vendor, for a role it
 * holds, on an open shift of an open order of a business that approved
 * the vendor, not started yet, with a free slot (f.filled), on a shift
 * where it has no assignment (in any state), not overlapping a live
 * assignment of its own, within its availability; an inactive worker
 * gets none.  Rows: sp (position), s (shift), o (order), h (hub),
 * b (business), r (role), f.filled (the position's stored filled_count,
 * kept by the writes in their transaction: 0012_coverage_counts; with
 * sp.shift_starts_at, the copy of s.starts_at, they select the
 * future positions of the worker's roles that have a free slot through
 * shift_positions_open_start_idx).  A program writes
 *   ", openpos AS (SELECT <its columns>" SQLR_OPENPOS_FROM ")"
 */
#define SQLR_OPENPOS_FROM \
	" FROM me CROSS JOIN az" \
	" JOIN shift_positions sp ON sp.vendor_id = me.vendor_id" \
	" AND sp.tenant_id = $1::uuid AND sp.status = 'open'" \
	" AND sp.filled_count < sp.headcount AND sp.shift_starts_at > now()" \
	" JOIN staff_roles x ON x.staff_id = me.id" \
	" AND x.vendor_role_id = sp.vendor_role_id" \
	" JOIN vendor_roles r ON r.id = sp.vendor_role_id" \
	" AND r.status = 'active'" \
	" JOIN shifts s ON s.id = sp.shift_id AND s.tenant_id = sp.tenant_id" \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id" \
	" JOIN hubs h ON h.id = s.hub_id AND h.tenant_id = s.tenant_id" \
	" JOIN businesses b ON b.id = s.business_id" \
	" AND b.tenant_id = s.tenant_id" \
	" JOIN business_vendors bv ON bv.business_id = s.business_id" \
	" AND bv.vendor_id = me.vendor_id AND bv.status = 'approved'" \
	" CROSS JOIN LATERAL (SELECT sp.filled_count AS filled) f" \
	" WHERE me.staff_status = 'active' AND s.status = 'open'" \
	" AND o.status = 'open' AND s.starts_at > now()" \
	" AND f.filled < sp.headcount" \
	" AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.shift_id = s.id" \
	" AND a.staff_id = me.id)" \
	" AND NOT EXISTS (SELECT 1 FROM sqlr_busy y" \
	" WHERE y.starts_at < s.ends_at AND y.ends_at > s.starts_at)" \
	" AND " SQLR_AVAILABLE("s.starts_at", "s.ends_at")

#endif
