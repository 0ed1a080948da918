/*
 * krow-query: the statements of h_reports.c.  REPORTS_STMT_IDS lists
 * their enum stmt names (each followed by a comma), REPORTS_STMTS their
 * SQL as designated initializers of main.c's stmts[].
 *
 * REPORTS_STMTS is expanded inside stmts[] in main.c, after the client
 * fragments defined there (ME_VIS, LIVE_COUNTED, SHIFT_COUNTS, RATE,
 * HUB_FILTER_OK, PAGE, TS, TSK), so that the reports see exactly the
 * hubs, shifts and counts that the client screens see.
 *
 * Parameters of every report: $1 tenant, $2 business, $3 user (the
 * identity), $4 from and $5 to (dates, inclusive, in each hub's time
 * zone), $6 hubId (NULL: every visible hub), then the report's own.
 * Each statement answers one row holding the whole JSON document, or
 * NULL when the caller cannot see the hubId (404).
 *
 * The rules, stated once here:
 *   - a shift is in the range when its start falls on a day from..to in
 *     its hub's zone; only live shifts count (not cancelled, of an
 *     order that is neither a draft nor cancelled);
 *   - needed is the headcount of the positions not cancelled; filled
 *     counts assignments in a filling state, capped at the headcount;
 *   - a staffed assignment is one that was assigned (assigned,
 *     confirmed, checked in or out, completed) or a no-show; it is
 *     completed when checked out or completed;
 *   - a clock-in is late when the first time entry (not voided) of the
 *     assignment starts more than graceMinutes after the shift start;
 *   - worked time is that of the finished time entries (closed or
 *     approved), less breaks, on the day of the clock-in in the hub's
 *     zone;
 *   - spend is in cents before tax: the invoice lines of work days in
 *     the range (invoiced), plus finished work not invoiced yet valued
 *     at the position's bill rate (accrued), as the spend breakdown of
 *     the billing screen counts it.
 */
#ifndef KROW_SQL_REPORTS_H
#define KROW_SQL_REPORTS_H

#define REPORTS_STMT_IDS \
	STMT_REPORT_SUMMARY, \
	STMT_REPORT_SPEND, \
	STMT_REPORT_HOURS, \
	STMT_REPORT_COVERAGE, \
	STMT_REPORT_NO_SHOWS, \
	STMT_REPORT_PERFORMANCE,

/* Index-friendly bounds of instant X that hold in every zone. */
#define RPT_COARSE(X) \
	" AND " X " >= ($4::date - 1)::timestamp AT TIME ZONE 'UTC'" \
	" AND " X " < ($5::date + 2)::timestamp AT TIME ZONE 'UTC'"

/* "sh": the live shifts of the range at the visible hubs, with counts. */
#define RPT_SHIFTS \
	", sh AS (SELECT s.id, s.starts_at, s.ends_at, s.order_id," \
	" s.hub_id, h.name AS hub_name, h.time_zone," \
	" (s.starts_at AT TIME ZONE h.time_zone)::date AS day," \
	" sc.needed, sc.filled" LIVE_COUNTED \
	" AND ($6::uuid IS NULL OR s.hub_id = $6::uuid)" \
	" AND (s.starts_at AT TIME ZONE h.time_zone)::date" \
	" BETWEEN $4::date AND $5::date" RPT_COARSE("s.starts_at") ")"

/*
 * "asg" (after RPT_SHIFTS): the staffed assignments of those shifts;
 * done (completed), noshow, clocked (has a time entry), late (first
 * clock-in more than G minutes after the start), mi (worked minutes).
 */
#define RPT_ASG(G) \
	", asg AS (SELECT a.id, a.staff_id, a.vendor_id, sh.day," \
	" a.status IN ('checked_out', 'completed') AS done," \
	" a.status = 'no_show' AS noshow, t.first_in IS NOT NULL AS clocked," \
	" coalesce(t.first_in > sh.starts_at + make_interval(mins => " G \
	"::integer), false) AS late, coalesce(t.mi, 0) AS mi" \
	" FROM sh JOIN assignments a ON a.shift_id = sh.id" \
	" AND a.tenant_id = $1::uuid AND (a.status IN " SQLR_FILLED \
	" OR a.status = 'no_show')" \
	" CROSS JOIN LATERAL (SELECT min(te.clock_in_at) AS first_in," \
	" sum(te.worked_minutes) FILTER (WHERE te.status IN ('closed'," \
	" 'approved')) AS mi FROM time_entries te" \
	" WHERE te.assignment_id = a.id AND te.status <> 'voided') t)"

/* "work": the finished time entries of the range at the visible hubs. */
#define RPT_WORK \
	", work AS (SELECT te.id, te.staff_id, te.assignment_id," \
	" te.worked_minutes AS mi, te.break_minutes AS brk, te.invoiced," \
	" s.hub_id, o.cost_center_id, sp.vendor_id, sp.bill_rate_cents," \
	" r.role_code, r.name AS role_name," \
	" (te.clock_in_at AT TIME ZONE h.time_zone)::date AS wd" \
	" FROM time_entries te" \
	" JOIN shifts s ON s.id = te.shift_id AND s.tenant_id = te.tenant_id" \
	" JOIN vis h ON h.id = s.hub_id" \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id" \
	" JOIN assignments a ON a.id = te.assignment_id" \
	" AND a.tenant_id = te.tenant_id" \
	" JOIN shift_positions sp ON sp.id = a.position_id" \
	" AND sp.tenant_id = a.tenant_id" \
	" JOIN vendor_roles r ON r.id = sp.vendor_role_id" \
	" WHERE te.tenant_id = $1::uuid AND te.business_id = $2::uuid" \
	" AND te.status IN ('closed', 'approved')" \
	" AND ($6::uuid IS NULL OR s.hub_id = $6::uuid)" \
	" AND (te.clock_in_at AT TIME ZONE h.time_zone)::date" \
	" BETWEEN $4::date AND $5::date" RPT_COARSE("te.clock_in_at") ")"

/*
 * "spend": invoiced lines and accrued work (finished, not invoiced) of
 * the range at the visible hubs, from the day roll-up (spend_days,
 * migration 0013: one row per day, hub, cost center, vendor and role).
 */
#define RPT_SPEND \
	", spend AS (SELECT d.work_date AS wd, d.hub_id, d.cost_center_id," \
	" d.vendor_id, r.role_code, r.name AS role_name, d.minutes AS mi," \
	" d.cents, d.invoiced" \
	" FROM spend_days d JOIN vendor_roles r ON r.id = d.vendor_role_id" \
	" WHERE d.tenant_id = $1::uuid AND d.business_id = $2::uuid" \
	" AND d.invoiced IN (false, true)" \
	" AND d.hub_id IN (SELECT id FROM vis)" \
	" AND ($6::uuid IS NULL OR d.hub_id = $6::uuid)" \
	" AND d.work_date BETWEEN $4::date AND $5::date)"

/* The members every report starts with. */
#define RPT_HEAD \
	"'from', $4::date, 'to', $5::date, 'hubId', $6::uuid"

/* Staffed-assignment counts over the rows of asg. */
#define RPT_ASG_SUMS \
	"count(*) AS n, count(*) FILTER (WHERE done) AS done," \
	" count(*) FILTER (WHERE noshow) AS noshow," \
	" count(*) FILTER (WHERE clocked) AS clocked," \
	" count(*) FILTER (WHERE late) AS late, coalesce(sum(mi), 0) AS mi"
#define RPT_ASG_MEMBERS(X) \
	"'shiftsAssigned', " X ".n, 'shiftsCompleted', " X ".done," \
	" 'noShows', " X ".noshow," \
	" 'noShowRate', " RATE(X ".noshow", X ".done + " X ".noshow") "," \
	" 'clockIns', " X ".clocked, 'lateClockIns', " X ".late," \
	" 'onTimeRate', " RATE(X ".clocked - " X ".late", X ".clocked") "," \
	" 'workedMinutes', " X ".mi, 'hours', round(" X ".mi / 60.0, 2)"

#define REPORTS_STMTS \
	[STMT_REPORT_SUMMARY] = /* $7 graceMinutes */ \
	    ME_VIS RPT_SHIFTS RPT_ASG("$7") RPT_WORK RPT_SPEND \
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6") \
	    " THEN (SELECT json_build_object(" RPT_HEAD "," \
	    " 'currency', b.currency, 'graceMinutes', $7::integer," \
	    " 'shifts', x.n, 'fullyFilledShifts', x.nfull," \
	    " 'positionsNeeded', x.needed, 'positionsFilled', x.filled," \
	    " 'openPositions', x.needed - x.filled," \
	    " 'fillRate', " RATE("x.filled", "x.needed") "," \
	    " 'assignments', y.n, 'completedAssignments', y.done," \
	    " 'noShows', y.noshow," \
	    " 'noShowRate', " RATE("y.noshow", "y.done + y.noshow") "," \
	    " 'clockIns', y.clocked, 'lateClockIns', y.late," \
	    " 'onTimeRate', " RATE("y.clocked - y.late", "y.clocked") "," \
	    " 'workedMinutes', z.mi, 'hoursWorked', round(z.mi / 60.0, 2)," \
	    " 'staffWorked', z.nstaff, 'invoicedCents', w.inv," \
	    " 'accruedCents', w.acc, 'spendCents', w.inv + w.acc)" \
	    " FROM businesses b, me," \
	    " (SELECT count(*) AS n," \
	    "  count(*) FILTER (WHERE filled >= needed) AS nfull," \
	    "  coalesce(sum(needed), 0) AS needed," \
	    "  coalesce(sum(filled), 0) AS filled FROM sh) x," \
	    " (SELECT " RPT_ASG_SUMS " FROM asg) y," \
	    " (SELECT coalesce(sum(mi), 0) AS mi," \
	    "  count(DISTINCT staff_id) AS nstaff FROM work) z," \
	    " (SELECT coalesce(sum(cents) FILTER (WHERE invoiced), 0) AS inv," \
	    "  coalesce(sum(cents) FILTER (WHERE NOT invoiced), 0) AS acc" \
	    "  FROM spend) w" \
	    " WHERE b.id = $2::uuid) END::text", \
	[STMT_REPORT_SPEND] = /* $7 groupBy, $8 period (NULL: none) */ \
	    ME_VIS RPT_SPEND \
	    ", g AS (SELECT CASE $8::text WHEN 'day' THEN wd" \
	    "  WHEN 'week' THEN date_trunc('week', wd)::date" \
	    "  WHEN 'month' THEN date_trunc('month', wd)::date END AS period," \
	    " CASE $7::text WHEN 'hub' THEN hub_id::text" \
	    "  WHEN 'costCenter' THEN cost_center_id::text" \
	    "  WHEN 'vendor' THEN vendor_id::text ELSE role_code END AS key," \
	    " min(role_name) AS role_name, sum(mi) AS mi," \
	    " coalesce(sum(cents) FILTER (WHERE invoiced), 0) AS inv," \
	    " coalesce(sum(cents) FILTER (WHERE NOT invoiced), 0) AS acc," \
	    " sum(cents) AS ce FROM spend GROUP BY 1, 2)," \
	    " tot AS (SELECT coalesce(sum(mi), 0) AS mi," \
	    " coalesce(sum(cents) FILTER (WHERE invoiced), 0) AS inv," \
	    " coalesce(sum(cents) FILTER (WHERE NOT invoiced), 0) AS acc," \
	    " coalesce(sum(cents), 0) AS ce FROM spend)," \
	    " it AS (SELECT g.*, CASE $7::text WHEN 'hub' THEN hb.name" \
	    "  WHEN 'costCenter' THEN cc.name WHEN 'vendor' THEN v.name" \
	    "  ELSE g.role_name END AS name," \
	    " CASE $7::text WHEN 'costCenter' THEN cc.code" \
	    "  WHEN 'role' THEN g.key END AS code" \
	    " FROM g LEFT JOIN hubs hb ON $7::text = 'hub'" \
	    "  AND hb.tenant_id = $1::uuid AND hb.id::text = g.key" \
	    " LEFT JOIN cost_centers cc ON $7::text = 'costCenter'" \
	    "  AND cc.tenant_id = $1::uuid AND cc.id::text = g.key" \
	    " LEFT JOIN vendors v ON $7::text = 'vendor'" \
	    "  AND v.tenant_id = $1::uuid AND v.id::text = g.key)" \
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6") \
	    " THEN (SELECT json_build_object(" RPT_HEAD "," \
	    " 'currency', b.currency, 'groupBy', $7::text," \
	    " 'period', $8::text," \
	    " 'totals', json_build_object('minutes', tot.mi," \
	    "  'invoicedCents', tot.inv, 'accruedCents', tot.acc," \
	    "  'totalCents', tot.ce)," \
	    " 'items', coalesce((SELECT json_agg(json_build_object(" \
	    "  'period', it.period, 'key', it.key, 'code', it.code," \
	    "  'name', it.name, 'minutes', it.mi, 'invoicedCents', it.inv," \
	    "  'accruedCents', it.acc, 'totalCents', it.ce," \
	    "  'share', " RATE("it.ce", "tot.ce") ")" \
	    "  ORDER BY it.period NULLS FIRST, it.ce DESC, it.name, it.key)" \
	    "  FROM it), '[]'::json))" \
	    " FROM businesses b, me, tot WHERE b.id = $2::uuid) END::text", \
	[STMT_REPORT_HOURS] = /* $7 groupBy */ \
	    ME_VIS RPT_WORK \
	    ", g AS (SELECT CASE $7::text WHEN 'staff' THEN staff_id::text" \
	    "  WHEN 'hub' THEN hub_id::text ELSE role_code END AS key," \
	    " min(role_name) AS role_name," \
	    " count(DISTINCT assignment_id) AS nshifts, count(*) AS nentries," \
	    " sum(mi) AS mi, sum(brk) AS brk FROM work GROUP BY 1)," \
	    " it AS (SELECT g.*, CASE $7::text" \
	    "  WHEN 'staff' THEN st.first_name || ' ' || st.last_name" \
	    "  WHEN 'hub' THEN hb.name ELSE g.role_name END AS name," \
	    " CASE $7::text WHEN 'role' THEN g.key END AS code," \
	    " v.name AS vendor_name" \
	    " FROM g LEFT JOIN staff st ON $7::text = 'staff'" \
	    "  AND st.tenant_id = $1::uuid AND st.id::text = g.key" \
	    " LEFT JOIN vendors v ON v.id = st.vendor_id" \
	    " LEFT JOIN hubs hb ON $7::text = 'hub'" \
	    "  AND hb.tenant_id = $1::uuid AND hb.id::text = g.key)" \
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6") \
	    " THEN (SELECT json_build_object(" RPT_HEAD "," \
	    " 'groupBy', $7::text," \
	    " 'totals', (SELECT json_build_object(" \
	    "  'shifts', count(DISTINCT assignment_id), 'entries', count(*)," \
	    "  'staff', count(DISTINCT staff_id)," \
	    "  'workedMinutes', coalesce(sum(mi), 0)," \
	    "  'hours', round(coalesce(sum(mi), 0) / 60.0, 2)," \
	    "  'breakMinutes', coalesce(sum(brk), 0)) FROM work)," \
	    " 'items', coalesce((SELECT json_agg(json_build_object(" \
	    "  'key', it.key, 'code', it.code, 'name', it.name," \
	    "  'vendorName', it.vendor_name, 'shifts', it.nshifts," \
	    "  'entries', it.nentries, 'workedMinutes', it.mi," \
	    "  'hours', round(it.mi / 60.0, 2), 'breakMinutes', it.brk)" \
	    "  ORDER BY it.mi DESC, it.name, it.key) FROM it), '[]'::json))" \
	    " FROM me) END::text", \
	[STMT_REPORT_COVERAGE] = \
	    ME_VIS RPT_SHIFTS \
	    ", ns AS (SELECT a.shift_id, count(*) AS n FROM assignments a" \
	    " JOIN sh ON sh.id = a.shift_id WHERE a.tenant_id = $1::uuid" \
	    " AND a.status = 'no_show' GROUP BY a.shift_id)," \
	    " d AS (SELECT sh.day, sh.hub_id, sh.hub_name, count(*) AS n," \
	    " sum(sh.needed) AS needed, sum(sh.filled) AS filled," \
	    " count(*) FILTER (WHERE sh.filled >= sh.needed) AS nfull," \
	    " coalesce(sum(ns.n), 0) AS noshow FROM sh" \
	    " LEFT JOIN ns ON ns.shift_id = sh.id GROUP BY 1, 2, 3)" \
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6") \
	    " THEN (SELECT json_build_object(" RPT_HEAD "," \
	    " 'totals', (SELECT json_build_object(" \
	    "  'shifts', coalesce(sum(n), 0)," \
	    "  'needed', coalesce(sum(needed), 0)," \
	    "  'filled', coalesce(sum(filled), 0)," \
	    "  'open', coalesce(sum(needed - filled), 0)," \
	    "  'fullyFilledShifts', coalesce(sum(nfull), 0)," \
	    "  'noShows', coalesce(sum(noshow), 0)," \
	    "  'fillRate', " RATE("sum(filled)", "sum(needed)") ") FROM d)," \
	    " 'items', coalesce((SELECT json_agg(json_build_object(" \
	    "  'date', day, 'hubId', hub_id, 'hubName', hub_name," \
	    "  'shifts', n, 'needed', needed, 'filled', filled," \
	    "  'open', needed - filled, 'fullyFilledShifts', nfull," \
	    "  'noShows', noshow, 'fillRate', " RATE("filled", "needed") ")" \
	    "  ORDER BY day, hub_name, hub_id) FROM d), '[]'::json))" \
	    " FROM me) END::text", \
	[STMT_REPORT_NO_SHOWS] = /* $7 limit, $8 $9 cursor */ \
	    ME_VIS RPT_SHIFTS \
	    ", ns AS (SELECT a.id AS aid, a.staff_id, a.vendor_id," \
	    " sh.id AS sid, sh.starts_at, sh.ends_at, sh.day, sh.hub_id," \
	    " sh.hub_name, sh.time_zone, sh.order_id, sp.vendor_role_id" \
	    " FROM sh JOIN assignments a ON a.shift_id = sh.id" \
	    " AND a.tenant_id = $1::uuid AND a.status = 'no_show'" \
	    " JOIN shift_positions sp ON sp.id = a.position_id" \
	    " AND sp.tenant_id = a.tenant_id)," \
	    " page AS (SELECT ns.*, st.first_name, st.last_name," \
	    " v.name AS vendor_name, r.role_code, r.name AS role_name," \
	    " o.order_number, o.title FROM ns" \
	    " JOIN staff st ON st.id = ns.staff_id" \
	    " JOIN vendors v ON v.id = ns.vendor_id" \
	    " JOIN vendor_roles r ON r.id = ns.vendor_role_id" \
	    " JOIN orders o ON o.id = ns.order_id" \
	    " WHERE $8::text IS NULL OR" \
	    " (ns.starts_at, ns.aid) < ($8::timestamptz, $9::uuid)" \
	    " ORDER BY ns.starts_at DESC, ns.aid DESC" \
	    " LIMIT $7::integer + 1)" \
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6") \
	    " THEN (SELECT json_build_object(" RPT_HEAD "," \
	    " 'total', (SELECT count(*) FROM ns)," \
	    PAGE("json_build_object('assignmentId', p.aid," \
	    " 'date', p.day, 'startsAt', " TS("p.starts_at") "," \
	    " 'endsAt', " TS("p.ends_at") "," \
	    " 'staff', json_build_object('staffId', p.staff_id," \
	    " 'firstName', p.first_name, 'lastName', p.last_name)," \
	    " 'vendor', json_build_object('vendorId', p.vendor_id," \
	    " 'name', p.vendor_name)," \
	    " 'hub', json_build_object('hubId', p.hub_id, 'name', p.hub_name," \
	    " 'timeZone', p.time_zone)," \
	    " 'role', json_build_object('roleCode', p.role_code," \
	    " 'name', p.role_name), 'shiftId', p.sid," \
	    " 'order', json_build_object('orderId', p.order_id," \
	    " 'orderNumber', p.order_number, 'title', p.title))", \
	    "p.starts_at DESC, p.aid DESC", \
	    TSK("p.starts_at") ", p.aid::text", "$7::integer") \
	    ") FROM me) END::text", \
	[STMT_REPORT_PERFORMANCE] = /* $7 by, $8 graceMinutes */ \
	    ME_VIS RPT_SHIFTS RPT_ASG("$8") \
	    ", g AS (SELECT CASE $7::text WHEN 'vendor' THEN vendor_id" \
	    " ELSE staff_id END AS key, " RPT_ASG_SUMS \
	    " FROM asg GROUP BY 1)," \
	    " it AS (SELECT g.*, CASE $7::text WHEN 'vendor' THEN v.name" \
	    "  ELSE st.first_name || ' ' || st.last_name END AS name," \
	    " sv.name AS vendor_name" \
	    " FROM g LEFT JOIN vendors v ON $7::text = 'vendor'" \
	    "  AND v.id = g.key" \
	    " LEFT JOIN staff st ON $7::text = 'staff' AND st.id = g.key" \
	    " LEFT JOIN vendors sv ON sv.id = st.vendor_id)" \
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6") \
	    " THEN (SELECT json_build_object(" RPT_HEAD "," \
	    " 'by', $7::text, 'graceMinutes', $8::integer," \
	    " 'totals', (SELECT json_build_object(" RPT_ASG_MEMBERS("t") ")" \
	    "  FROM (SELECT " RPT_ASG_SUMS " FROM asg) t)," \
	    " 'items', coalesce((SELECT json_agg(json_build_object(" \
	    "  'key', it.key, 'name', it.name, 'vendorName', it.vendor_name," \
	    "  " RPT_ASG_MEMBERS("it") ")" \
	    "  ORDER BY it.name, it.key) FROM it), '[]'::json))" \
	    " FROM me) END::text",

#endif /* !KROW_SQL_REPORTS_H */
