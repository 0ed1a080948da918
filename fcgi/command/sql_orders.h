/*
 * krow-command: the statements of h_orders.c.  ORDERS_STMT_IDS lists their
 * enum stmt names (each followed by a comma), ORDERS_STMTS their SQL as
 * designated initializers of main.c's stmts[] (same conventions: $1
 * tenant, $2 business, $3 user, $4 request id).  They expand inside
 * main.c's table, so they use its TS() and AUDIT() and sqlrules.h.
 *
 * A command runs several of them in lib/idem's one transaction: a check
 * (the caller's view of the order and everything the body names: no row
 * or a "not found" column is 404, a state column 409, a details column
 * 400 naming each bad field), the write, and ORDER_GET for the answer.
 * A 4xx answer rolls the transaction back, so a check that fails after a
 * write leaves nothing behind.  STMT_ORDER_CREATE is check and write in
 * one statement (one round trip less for the most frequent command):
 * its inserts select nothing unless its check passed.
 */
#ifndef KROW_SQL_ORDERS_H
#define KROW_SQL_ORDERS_H

#define ORDERS_STMT_IDS \
	STMT_ORDER_CREATE,	/* $5 body (jsonb) */ \
	STMT_ORDER_GET,		/* $5 order */ \
	STMT_ORDER_POS_LOCK,	/* $5 order */ \
	STMT_ORDER_UPDATE_CHECK, /* $5 order, $6 body (jsonb) */ \
	STMT_ORDER_UPDATE,	/* $5 order, $6 body (jsonb) */ \
	STMT_ORDER_RESTATUS,	/* $5 order */ \
	STMT_ORDER_CANCEL,	/* $5 order, $6 reason */ \
	STMT_ORDER_REORDER_CHECK, /* $5 order, $6 body (jsonb) */ \
	STMT_ORDER_REORDER,	/* $5 order, $6 body (jsonb) */

/*
 * "me", the caller (an active client user of the business), and "vis",
 * the hubs it may order for: all of the business's, or for a manager the
 * ones it manages (as the read models: another hub is not found).
 */
#define ORD_ME \
	"WITH me AS (SELECT u.id, u.role FROM users u" \
	" WHERE u.id = $3::uuid AND u.tenant_id = $1::uuid" \
	" AND u.business_id = $2::uuid AND u.actor = 'client'" \
	" AND u.status = 'active' AND $4::uuid IS NOT NULL)," \
	" vis AS (SELECT h.* FROM hubs h, me" \
	" WHERE h.tenant_id = $1::uuid AND h.business_id = $2::uuid" \
	" AND (me.role <> 'manager' OR EXISTS (SELECT 1 FROM hub_managers m" \
	" WHERE m.hub_id = h.id AND m.user_id = me.id)))"
/* The caller's order $5, locked (no row: not found). */
#define ORD_LOCKED \
	", old AS (SELECT o.* FROM orders o WHERE o.id = $5::uuid" \
	" AND o.tenant_id = $1::uuid AND o.business_id = $2::uuid" \
	" AND o.hub_id IN (SELECT id FROM vis) FOR UPDATE)"
/*
 * A new order's number, "ORD-<n>" from one sequence (0007): unique, never
 * reused, and taken without a lock, so that concurrent orders of one
 * business do not wait for each other's commit (numbers of a business
 * are increasing, not consecutive).
 */
#define ORD_NEXT_NUMBER \
	" num AS (SELECT 'ORD-' || nextval('order_number_seq') AS n)"
/*
 * The time problems of the shifts in CTE SRC (columns p: the field
 * prefix, s, e: start and end, b: break minutes) as (field, why, rank)
 * rows: a shift starts in the future, within ORD_HORIZON, lasts 30
 * minutes to 24 hours and its break is shorter than itself.
 */
#define ORD_HORIZON	"365 days"
#define ORD_TIME_BAD(SRC) \
	" SELECT t.p || '.startsAt', 'must be in the future', 1 FROM " SRC \
	" t WHERE t.s <= now()" \
	" UNION ALL SELECT t.p || '.startsAt', 'must be within " ORD_HORIZON \
	" from now', 2 FROM " SRC " t" \
	" WHERE t.s > now() + interval '" ORD_HORIZON "'" \
	" UNION ALL SELECT t.p || '.endsAt', 'must be after startsAt', 3" \
	" FROM " SRC " t WHERE t.e <= t.s" \
	" UNION ALL SELECT t.p || '.endsAt', 'must be at least 30 minutes" \
	" after startsAt', 4 FROM " SRC " t" \
	" WHERE t.e > t.s AND t.e < t.s + interval '30 minutes'" \
	" UNION ALL SELECT t.p || '.endsAt', 'must be at most 24 hours" \
	" after startsAt', 5 FROM " SRC " t" \
	" WHERE t.e > t.s + interval '24 hours'" \
	" UNION ALL SELECT t.p || '.breakMinutes', 'must be shorter than" \
	" the shift', 6 FROM " SRC " t" \
	" WHERE t.e > t.s AND t.b * 60 >= extract(epoch FROM t.e - t.s)"
/* The (field, why, rank) rows of CTE bad as a details object, or NULL. */
#define ORD_DETAILS \
	"(SELECT jsonb_object_agg(d.k, d.why) FROM (SELECT DISTINCT ON (k)" \
	" k, why FROM bad ORDER BY k, n) d)::text"
/* Live assignments: the workers an order change concerns. */
#define ORD_LIVE	"('applied', 'assigned', 'confirmed')"

/* The order p as GET /query/client/orders/view shows it. */
#define ORD_RATE(F, N) \
	"CASE WHEN (" N ") > 0 THEN round((" F ")::numeric / (" N "), 4) END"
#define ORD_POS_COUNTS \
	" CROSS JOIN LATERAL (SELECT" \
	" least(sp.headcount, count(*) FILTER (WHERE a.status IN " SQLR_FILLED \
	")) AS filled," \
	" count(*) FILTER (WHERE a.status = 'applied') AS applied" \
	" FROM assignments a WHERE a.position_id = sp.id) pc"
#define ORD_POSITIONS_JSON(S) \
	"(SELECT coalesce(json_agg(json_build_object('positionId', sp.id," \
	" 'role', json_build_object('roleId', r.id, 'roleCode', r.role_code," \
	" 'name', r.name), 'vendor', json_build_object('vendorId', v.id," \
	" 'name', v.name), 'status', sp.status, 'needed', sp.headcount," \
	" 'filled', pc.filled, 'applied', pc.applied," \
	" 'open', CASE WHEN sp.status = 'cancelled' THEN 0" \
	" ELSE sp.headcount - pc.filled END," \
	" 'billRateCents', sp.bill_rate_cents, 'currency', sp.currency)" \
	" ORDER BY r.name, sp.id), '[]'::json)" \
	" FROM shift_positions sp" \
	" JOIN vendor_roles r ON r.id = sp.vendor_role_id" \
	" JOIN vendors v ON v.id = sp.vendor_id" ORD_POS_COUNTS \
	" WHERE sp.shift_id = " S ")"
#define ORD_OBJ \
	"json_build_object('orderId', p.id," \
	" 'orderNumber', p.order_number, 'title', p.title," \
	" 'notes', p.notes, 'status', p.status," \
	" 'hub', json_build_object('hubId', p.hub_id, 'name', p.hub_name," \
	" 'timeZone', p.time_zone)," \
	" 'costCenter', CASE WHEN p.cost_center_id IS NULL THEN NULL" \
	" ELSE json_build_object('costCenterId', p.cost_center_id," \
	" 'code', p.cc_code, 'name', p.cc_name) END," \
	" 'sourceOrderId', p.source_order_id," \
	" 'startsAt', " TS("coalesce(p.first_shift_at, p.created_at)") "," \
	" 'endsAt', " TS("p.last_shift_end") "," \
	" 'needed', t.needed, 'filled', t.filled," \
	" 'fillRate', " ORD_RATE("t.filled", "t.needed") "," \
	" 'estimatedCostCents', t.cost, 'currency', b.currency," \
	" 'createdAt', " TS("p.created_at") "," \
	" 'cancelledAt', " TS("p.cancelled_at") "," \
	" 'cancelReason', p.cancel_reason," \
	" 'shifts', (SELECT coalesce(json_agg(json_build_object(" \
	" 'shiftId', s.id, 'startsAt', " TS("s.starts_at") "," \
	" 'endsAt', " TS("s.ends_at") ", 'breakMinutes', s.break_minutes," \
	" 'status', s.status," \
	" 'positions', " ORD_POSITIONS_JSON("s.id") ")" \
	" ORDER BY s.starts_at, s.id), '[]'::json)" \
	" FROM shifts s WHERE s.order_id = p.id))"
#define ORD_TOTALS \
	" LATERAL (SELECT coalesce(sum(sc.needed), 0) AS needed," \
	" coalesce(sum(sc.filled), 0) AS filled," \
	" coalesce(sum(sc.cost), 0) AS cost FROM shifts s" \
	" CROSS JOIN LATERAL (SELECT coalesce(sum(sp.headcount), 0)" \
	"  AS needed, coalesce(sum(pc.filled), 0) AS filled," \
	"  coalesce(sum(round(sp.headcount * sp.bill_rate_cents *" \
	"  (extract(epoch FROM s.ends_at - s.starts_at) / 60 -" \
	"  s.break_minutes) / 60.0)), 0) AS cost" \
	"  FROM shift_positions sp" ORD_POS_COUNTS \
	"  WHERE sp.shift_id = s.id AND sp.status <> 'cancelled') sc" \
	" WHERE s.order_id = p.id AND s.status <> 'cancelled') t"

/* What an audit row keeps of an order row x. */
#define ORD_SUM(x) \
	"jsonb_build_object('orderNumber', " x ".order_number, 'status', " \
	x ".status, 'hubId', " x ".hub_id, 'costCenterId', " \
	x ".cost_center_id, 'title', " x ".title, 'notes', " x ".notes)"

/*
 * The source of a reorder: the caller's order $5 (src), its hub, the
 * shifts to copy (ss: all but cancelled ones, or all of a cancelled
 * order), the positions to copy (sp2: all but cancelled ones, or all of
 * a cancelled shift), the day offset (d0: $6's startDate less the local
 * day of the first shift) and the new times (ns, in the hub's zone, so
 * that 17:00 stays 17:00 across a DST change).
 */
#define ORD_REORDER_SRC \
	ORD_ME ", x AS (SELECT $6::jsonb AS b)," \
	" src AS (SELECT o.* FROM orders o WHERE o.id = $5::uuid" \
	" AND o.tenant_id = $1::uuid AND o.business_id = $2::uuid" \
	" AND o.hub_id IN (SELECT id FROM vis))," \
	" hub AS (SELECT h.* FROM hubs h, src WHERE h.id = src.hub_id)," \
	" ss AS (SELECT s.* FROM shifts s, src WHERE s.order_id = src.id" \
	" AND (s.status <> 'cancelled' OR src.status = 'cancelled'))," \
	" sp2 AS (SELECT sp.* FROM shift_positions sp JOIN ss" \
	" ON ss.id = sp.shift_id" \
	" WHERE sp.status <> 'cancelled' OR ss.status = 'cancelled')," \
	" d0 AS (SELECT (x.b->>'startDate')::date -" \
	" min((ss.starts_at AT TIME ZONE hub.time_zone)::date) AS days" \
	" FROM ss, hub, x GROUP BY x.b)," \
	" ns AS (SELECT gen_random_uuid() AS id, ss.id AS old_id," \
	" ((ss.starts_at AT TIME ZONE hub.time_zone) + d0.days *" \
	" interval '1 day') AT TIME ZONE hub.time_zone AS s," \
	" ((ss.ends_at AT TIME ZONE hub.time_zone) + d0.days *" \
	" interval '1 day') AT TIME ZONE hub.time_zone AS e," \
	" ss.break_minutes AS b, ss.notes FROM ss, hub, d0)"

#define ORDERS_STMTS \
	/* \
	 * Create from body $5: first its check, the references (hub, \
	 * cost center, vendor, roles) and its times, as columns: what is \
	 * not found (NULL: all found), the details of the bad fields \
	 * (NULL: none).  Only when both are NULL, an open order is \
	 * written, with the span of its shifts (which the shifts' trigger, \
	 * krow_orders_span of 0023, then finds nothing to change); the \
	 * third column is its id (NULL when the check failed). \
	 */ \
	[STMT_ORDER_CREATE] = \
	    ORD_ME ", x AS (SELECT $5::jsonb AS b)," \
	    " hub AS (SELECT v.* FROM vis v, x" \
	    " WHERE v.id = (x.b->>'hubId')::uuid)," \
	    " cc AS (SELECT c.* FROM cost_centers c, x" \
	    " WHERE c.id = (x.b->>'costCenterId')::uuid" \
	    " AND c.tenant_id = $1::uuid AND c.business_id = $2::uuid)," \
	    " bv AS (SELECT bv.status, v.status AS vstatus" \
	    " FROM business_vendors bv JOIN vendors v ON v.id = bv.vendor_id," \
	    " x WHERE bv.tenant_id = $1::uuid AND bv.business_id = $2::uuid" \
	    " AND bv.vendor_id = (x.b->>'vendorId')::uuid)," \
	    " sh AS (SELECT j.n - 1 AS i, j.e FROM x," \
	    " jsonb_array_elements(x.b->'shifts') WITH ORDINALITY j(e, n))," \
	    " tm AS (SELECT 'shifts[' || sh.i || ']' AS p," \
	    " (sh.e->>'startsAt')::timestamptz AS s," \
	    " (sh.e->>'endsAt')::timestamptz AS e," \
	    " coalesce((sh.e->>'breakMinutes')::integer, 0) AS b FROM sh)," \
	    " ro AS (SELECT 'shifts[' || sh.i || '].positions[' || (k.n - 1)" \
	    " || '].roleId' AS p, r.id, r.vendor_id, r.status" \
	    " FROM sh CROSS JOIN jsonb_array_elements(sh.e->'positions')" \
	    " WITH ORDINALITY k(pe, n) LEFT JOIN vendor_roles r" \
	    " ON r.id = (k.pe->>'roleId')::uuid AND r.tenant_id = $1::uuid)," \
	    " bad(k, why, n) AS (SELECT 'hubId', 'the hub is archived', 0" \
	    " FROM hub WHERE hub.status <> 'active'" \
	    " UNION ALL SELECT 'costCenterId', 'the cost center is archived'," \
	    " 0 FROM cc WHERE cc.status <> 'active'" \
	    " UNION ALL SELECT 'vendorId', 'must be a vendor the business" \
	    " approved (this one is ' || bv.status || ')', 0 FROM bv" \
	    " WHERE bv.status <> 'approved'" \
	    " UNION ALL SELECT 'vendorId', 'the vendor is ' || bv.vstatus, 1" \
	    " FROM bv WHERE bv.vstatus <> 'active'" \
	    " UNION ALL SELECT ro.p, 'must be a role of vendorId', 0" \
	    " FROM ro, x" \
	    " WHERE ro.vendor_id <> (x.b->>'vendorId')::uuid" \
	    " UNION ALL SELECT ro.p, 'the role is archived', 1 FROM ro" \
	    " WHERE ro.status <> 'active'" \
	    " UNION ALL" ORD_TIME_BAD("tm") ")" \
	    ", ok AS (SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM hub)" \
	    " THEN 'no such hub'" \
	    " WHEN x.b->>'costCenterId' IS NOT NULL" \
	    " AND NOT EXISTS (SELECT 1 FROM cc) THEN 'no such cost center'" \
	    " WHEN NOT EXISTS (SELECT 1 FROM bv) THEN 'no such vendor'" \
	    " WHEN EXISTS (SELECT 1 FROM ro WHERE ro.id IS NULL)" \
	    " THEN 'no such role' END AS nf, " ORD_DETAILS " AS det FROM x)," \
	    ORD_NEXT_NUMBER "," \
	    " ns AS (SELECT gen_random_uuid() AS id, sh.e," \
	    " (sh.e->>'startsAt')::timestamptz AS s," \
	    " (sh.e->>'endsAt')::timestamptz AS t FROM sh)," \
	    " ins AS (INSERT INTO orders (tenant_id, business_id, hub_id," \
	    " cost_center_id, order_number, title, notes, status, created_by," \
	    " first_shift_at, last_shift_end, last_shift_start)" \
	    " SELECT $1::uuid, $2::uuid, hub.id," \
	    " (x.b->>'costCenterId')::uuid, num.n," \
	    " coalesce(x.b->>'title', hub.name), x.b->>'notes', 'open'," \
	    " $3::uuid, sp.f, sp.l, sp.ls FROM ok, x, hub, num," \
	    " (SELECT min(ns.s) AS f, max(ns.t) AS l, max(ns.s) AS ls" \
	    " FROM ns) sp WHERE ok.nf IS NULL AND ok.det IS NULL" \
	    " RETURNING *)," \
	    " si AS (INSERT INTO shifts (id, tenant_id, business_id," \
	    " order_id," \
	    " hub_id, starts_at, ends_at, break_minutes, notes)" \
	    " SELECT ns.id, $1::uuid, $2::uuid, ins.id, ins.hub_id, ns.s," \
	    " ns.t, coalesce((ns.e->>'breakMinutes')::integer, 0)," \
	    " ns.e->>'notes'" \
	    " FROM ns, ins RETURNING id)," \
	    " pi AS (INSERT INTO shift_positions (tenant_id, business_id," \
	    " shift_id, vendor_id, vendor_role_id, headcount," \
	    " bill_rate_cents, pay_rate_cents, currency)" \
	    " SELECT $1::uuid, $2::uuid, ns.id, r.vendor_id, r.id," \
	    " (pe->>'headcount')::integer, r.bill_rate_cents," \
	    " r.pay_rate_cents, r.currency FROM ns JOIN si ON si.id = ns.id" \
	    " CROSS JOIN jsonb_array_elements(ns.e->'positions') pe" \
	    " JOIN vendor_roles r ON r.id = (pe->>'roleId')::uuid" \
	    " AND r.tenant_id = $1::uuid RETURNING id)," \
	    " aud AS (" AUDIT("order.create", "order", "i.id::text", \
	    "jsonb_build_object('before', NULL, 'after', " ORD_SUM("i") \
	    " || jsonb_build_object('shifts', (SELECT count(*) FROM si)," \
	    " 'positions', (SELECT count(*) FROM pi))) FROM ins i") ")" \
	    " SELECT ok.nf, ok.det, (SELECT ins.id FROM ins) FROM ok", \
	/* The order $5 as the read model shows it (no row: not visible). */ \
	[STMT_ORDER_GET] = \
	    ORD_ME ", p AS (SELECT o.*, h.name AS hub_name, h.time_zone," \
	    " cc.code AS cc_code, cc.name AS cc_name" \
	    " FROM orders o JOIN vis h ON h.id = o.hub_id" \
	    " LEFT JOIN cost_centers cc ON cc.id = o.cost_center_id" \
	    " WHERE o.id = $5::uuid AND o.tenant_id = $1::uuid" \
	    " AND o.business_id = $2::uuid)" \
	    " SELECT " ORD_OBJ "::text FROM p JOIN businesses b" \
	    " ON b.id = p.business_id," ORD_TOTALS, \
	/* \
	 * The positions of order $5, locked in id order, by a statement \
	 * of its own as STMT_STAFF_POS_LOCK does before an application: \
	 * an update's check of the staff filling a position, and a \
	 * cancel's cascade to the assignments, see every application \
	 * committed before them, and none is added until they commit. \
	 */ \
	[STMT_ORDER_POS_LOCK] = \
	    "SELECT count(*) FROM (SELECT sp.id FROM shift_positions sp" \
	    " JOIN shifts s ON s.id = sp.shift_id WHERE s.order_id = $5::uuid" \
	    " AND sp.tenant_id = $1::uuid AND sp.business_id = $2::uuid" \
	    " AND $3::uuid IS NOT NULL AND $4::uuid IS NOT NULL" \
	    " ORDER BY sp.id FOR UPDATE OF sp) x", \
	/* \
	 * Update: order $5 locked, with what body $6 names.  Columns: the \
	 * order's status; what is not found; the state of the first \
	 * shift named that can no longer change ("started" when its time \
	 * has come); the details of the bad fields. \
	 */ \
	[STMT_ORDER_UPDATE_CHECK] = \
	    ORD_ME ORD_LOCKED ", x AS (SELECT $6::jsonb AS b)," \
	    " cc AS (SELECT c.* FROM cost_centers c, x" \
	    " WHERE c.id = (x.b->>'costCenterId')::uuid" \
	    " AND c.tenant_id = $1::uuid AND c.business_id = $2::uuid)," \
	    " sh AS (SELECT j.n - 1 AS i, j.e FROM x, jsonb_array_elements(" \
	    "coalesce(x.b->'shifts', '[]'::jsonb)) WITH ORDINALITY j(e, n))," \
	    " cur AS (SELECT sh.i, sh.e AS j, s.id, s.status, s.starts_at," \
	    " s.ends_at, s.break_minutes FROM sh LEFT JOIN shifts s" \
	    " ON s.id = (sh.e->>'shiftId')::uuid" \
	    " AND s.order_id = $5::uuid AND s.tenant_id = $1::uuid)," \
	    " tm AS (SELECT 'shifts[' || c.i || ']' AS p," \
	    " coalesce((c.j->>'startsAt')::timestamptz, c.starts_at) AS s," \
	    " coalesce((c.j->>'endsAt')::timestamptz, c.ends_at) AS e," \
	    " coalesce((c.j->>'breakMinutes')::integer, c.break_minutes)" \
	    " AS b FROM cur c WHERE c.id IS NOT NULL AND (c.j ? 'startsAt'" \
	    " OR c.j ? 'endsAt' OR c.j ? 'breakMinutes'))," \
	    " pos AS (SELECT 'shifts[' || c.i || '].positions[' || (k.n - 1)" \
	    " || ']' AS p, (k.pe->>'headcount')::integer AS hc, sp.id," \
	    " sp.status, (SELECT count(*) FROM assignments a" \
	    " WHERE a.position_id = sp.id AND a.status IN " SQLR_FILLED ")" \
	    " AS filled FROM cur c CROSS JOIN jsonb_array_elements(" \
	    "coalesce(c.j->'positions', '[]'::jsonb))" \
	    " WITH ORDINALITY k(pe, n)" \
	    " LEFT JOIN shift_positions sp" \
	    " ON sp.id = (k.pe->>'positionId')::uuid AND sp.shift_id = c.id)," \
	    " bad(k, why, n) AS (SELECT 'costCenterId'," \
	    " 'the cost center is archived', 0 FROM cc" \
	    " WHERE cc.status <> 'active'" \
	    " UNION ALL SELECT pos.p || '.headcount'," \
	    " 'must not be below the'" \
	    " || ' ' || pos.filled || ' staff filling the position', 0" \
	    " FROM pos" \
	    " WHERE pos.id IS NOT NULL AND pos.hc < pos.filled" \
	    " UNION ALL SELECT pos.p || '.positionId'," \
	    " 'the position is cancelled', 0 FROM pos" \
	    " WHERE pos.status = 'cancelled'" \
	    " UNION ALL" ORD_TIME_BAD("tm") ")" \
	    " SELECT o.status, CASE WHEN x.b->>'costCenterId' IS NOT NULL" \
	    " AND NOT EXISTS (SELECT 1 FROM cc) THEN 'no such cost center'" \
	    " WHEN EXISTS (SELECT 1 FROM cur WHERE cur.id IS NULL)" \
	    " THEN 'no such shift in this order'" \
	    " WHEN EXISTS (SELECT 1 FROM pos WHERE pos.id IS NULL)" \
	    " THEN 'no such position in this shift' END," \
	    " (SELECT CASE WHEN c.status IN ('open', 'filled') THEN 'started'" \
	    " ELSE c.status END FROM cur c WHERE c.id IS NOT NULL" \
	    " AND (c.status NOT IN ('open', 'filled')" \
	    " OR c.starts_at <= now())" \
	    " ORDER BY c.i LIMIT 1), " ORD_DETAILS " FROM old o, x", \
	/* \
	 * Apply the checked body $6 to order $5: its title, notes and \
	 * cost center, its shifts' times, breaks and notes, their \
	 * positions' headcounts.  Workers on a shift whose times changed \
	 * are told (staff_events).  Answers the order id. \
	 */ \
	[STMT_ORDER_UPDATE] = \
	    "WITH x AS (SELECT $6::jsonb AS b)," \
	    " old AS (SELECT o.* FROM orders o WHERE o.id = $5::uuid" \
	    " AND o.tenant_id = $1::uuid AND o.business_id = $2::uuid)," \
	    " sh AS (SELECT (j.e->>'shiftId')::uuid AS sid, j.e FROM x," \
	    " jsonb_array_elements(coalesce(x.b->'shifts', '[]'::jsonb))" \
	    " j(e))," \
	    " so AS (SELECT s.* FROM shifts s JOIN sh ON sh.sid = s.id" \
	    " WHERE s.order_id = $5::uuid)," \
	    " pn AS (SELECT (pe->>'positionId')::uuid AS pid," \
	    " (pe->>'headcount')::integer AS hc, sh.sid FROM sh" \
	    " CROSS JOIN jsonb_array_elements(coalesce(sh.e->'positions'," \
	    " '[]'::jsonb)) pe)," \
	    " po AS (SELECT sp.id, sp.shift_id, sp.headcount," \
	    " (SELECT count(*) FROM assignments a WHERE a.position_id = sp.id" \
	    " AND a.status IN " SQLR_FILLED ") AS filled" \
	    " FROM shift_positions sp JOIN pn ON pn.pid = sp.id" \
	    " AND pn.sid = sp.shift_id JOIN so ON so.id = sp.shift_id)," \
	    " pu AS (UPDATE shift_positions sp SET headcount = pn.hc," \
	    " status = CASE WHEN po.filled >= pn.hc THEN 'filled'" \
	    " ELSE 'open' END, updated_at = now() FROM pn, po" \
	    " WHERE sp.id = pn.pid AND po.id = pn.pid" \
	    " AND sp.status <> 'cancelled' RETURNING sp.id, sp.headcount)," \
	    " su AS (UPDATE shifts s SET starts_at = coalesce((sh.e->>" \
	    "'startsAt')::timestamptz, s.starts_at), ends_at = coalesce((" \
	    "sh.e->>'endsAt')::timestamptz, s.ends_at), break_minutes =" \
	    " coalesce((sh.e->>'breakMinutes')::integer, s.break_minutes)," \
	    " notes = CASE WHEN sh.e ? 'notes' THEN sh.e->>'notes'" \
	    " ELSE s.notes END, updated_at = now() FROM sh" \
	    " WHERE s.id = sh.sid AND s.order_id = $5::uuid" \
	    " AND (sh.e ? 'startsAt' OR sh.e ? 'endsAt'" \
	    " OR sh.e ? 'breakMinutes' OR sh.e ? 'notes') RETURNING s.*)," \
	    " ou AS (UPDATE orders o SET title = coalesce(x.b->>'title'," \
	    " o.title), notes = CASE WHEN x.b ? 'notes' THEN x.b->>'notes'" \
	    " ELSE o.notes END, cost_center_id = CASE WHEN" \
	    " x.b ? 'costCenterId' THEN (x.b->>'costCenterId')::uuid" \
	    " ELSE o.cost_center_id END, updated_at = now() FROM x, old" \
	    " WHERE o.id = old.id RETURNING o.*)," \
	    " ev AS (INSERT INTO staff_events (tenant_id, staff_id, kind," \
	    " business_id, order_id, shift_id, assignment_id, payload," \
	    " request_id) SELECT $1::uuid, a.staff_id, 'shift.rescheduled'," \
	    " $2::uuid, $5::uuid, su.id, a.id, jsonb_build_object(" \
	    "'orderNumber', (SELECT order_number FROM old), 'startsAt'," \
	    " su.starts_at, 'endsAt', su.ends_at, 'previousStartsAt'," \
	    " so.starts_at, 'previousEndsAt', so.ends_at), $4::uuid" \
	    " FROM su JOIN so ON so.id = su.id JOIN assignments a" \
	    " ON a.shift_id = su.id AND a.status IN " ORD_LIVE \
	    " WHERE su.starts_at <> so.starts_at OR su.ends_at <> so.ends_at" \
	    " RETURNING id)," \
	    " aud AS (" AUDIT("order.update", "order", "u.id::text", \
	    "jsonb_build_object('before', " ORD_SUM("o") \
	    " || jsonb_build_object('shifts', (SELECT coalesce(jsonb_agg(" \
	    "jsonb_build_object('shiftId', s.id, 'startsAt', s.starts_at," \
	    " 'endsAt', s.ends_at," \
	    " 'breakMinutes', s.break_minutes) ORDER BY s.id), '[]'::jsonb)" \
	    " FROM so s), 'positions', (SELECT coalesce(jsonb_agg(" \
	    "jsonb_build_object('positionId', p.id, 'headcount', p.headcount)" \
	    " ORDER BY p.id), '[]'::jsonb) FROM po p)), 'after', " \
	    ORD_SUM("u") " || jsonb_build_object('shifts', (SELECT coalesce(" \
	    "jsonb_agg(jsonb_build_object('shiftId', s.id, 'startsAt'," \
	    " s.starts_at, 'endsAt', s.ends_at, 'breakMinutes'," \
	    " s.break_minutes) ORDER BY s.id), '[]'::jsonb) FROM su s)," \
	    " 'positions', (SELECT coalesce(jsonb_agg(jsonb_build_object(" \
	    "'positionId', p.id, 'headcount', p.headcount) ORDER BY p.id)," \
	    " '[]'::jsonb) FROM pu p), 'staffNotified', (SELECT count(*)" \
	    " FROM ev))) FROM ou u, old o") ")" \
	    " SELECT u.id FROM ou u", \
	/* \
	 * After a headcount change: the open or filled shifts of order $5 \
	 * are filled when every live position is, else open; the order \
	 * (open or filled) likewise over those shifts.  A change writes an \
	 * order.status audit row.  Answers the number of rows changed. \
	 */ \
	[STMT_ORDER_RESTATUS] = \
	    "WITH pc AS (SELECT sp.shift_id, sp.headcount," \
	    " (SELECT count(*) FROM assignments a WHERE a.position_id = sp.id" \
	    " AND a.status IN " SQLR_FILLED ") AS f" \
	    " FROM shift_positions sp JOIN shifts s ON s.id = sp.shift_id" \
	    " WHERE s.order_id = $5::uuid AND s.tenant_id = $1::uuid" \
	    " AND s.business_id = $2::uuid AND sp.status <> 'cancelled')," \
	    " sf AS (SELECT s.id, s.status, CASE WHEN count(pc.shift_id) > 0" \
	    " AND coalesce(bool_and(pc.f >= pc.headcount), false)" \
	    " THEN 'filled' ELSE 'open' END AS st" \
	    " FROM shifts s LEFT JOIN pc ON pc.shift_id = s.id" \
	    " WHERE s.order_id = $5::uuid AND s.status IN ('open', 'filled')" \
	    " GROUP BY s.id, s.status)," \
	    " old AS (SELECT o.id, o.status, CASE WHEN (SELECT" \
	    " bool_and(sf.st = 'filled') FROM sf) THEN 'filled' ELSE 'open'" \
	    " END AS st FROM orders o WHERE o.id = $5::uuid" \
	    " AND o.status IN ('open', 'filled')" \
	    " AND EXISTS (SELECT 1 FROM sf))," \
	    " su AS (UPDATE shifts s SET status = sf.st, updated_at = now()" \
	    " FROM sf WHERE s.id = sf.id AND s.status <> sf.st" \
	    " RETURNING s.id, s.status)," \
	    " ou AS (UPDATE orders o SET status = old.st, updated_at = now()" \
	    " FROM old WHERE o.id = old.id AND o.status <> old.st" \
	    " RETURNING o.id, o.status)," \
	    " aud AS (" AUDIT("order.status", "order", "$5::text", \
	    "jsonb_build_object('before', jsonb_build_object('status'," \
	    " (SELECT status FROM old), 'shifts', (SELECT coalesce(jsonb_agg(" \
	    "jsonb_build_object('shiftId', sf.id, 'status', sf.status)" \
	    " ORDER BY sf.id), '[]'::jsonb) FROM sf JOIN su" \
	    " ON su.id = sf.id))," \
	    " 'after', jsonb_build_object('status', coalesce((SELECT status" \
	    " FROM ou), (SELECT status FROM old)), 'shifts', (SELECT" \
	    " coalesce(jsonb_agg(jsonb_build_object('shiftId', su.id," \
	    " 'status', su.status) ORDER BY su.id), '[]'::jsonb) FROM su)))" \
	    " WHERE EXISTS (SELECT 1 FROM su) OR EXISTS (SELECT 1 FROM ou)") \
	    ")" \
	    " SELECT (SELECT count(*) FROM su) + (SELECT count(*) FROM ou)", \
	/* \
	 * Cancel order $5 with reason $6: a draft, open or filled order \
	 * none of whose shifts has started; its shifts, positions, live \
	 * assignments and pending swap requests are cancelled with it and \
	 * each worker concerned gets a staff_events row.  Columns: the \
	 * status, whether a shift has started, the order id when done. \
	 */ \
	[STMT_ORDER_CANCEL] = \
	    ORD_ME ORD_LOCKED "," \
	    " started AS (SELECT EXISTS (SELECT 1 FROM shifts s, old" \
	    " WHERE s.order_id = old.id AND s.status <> 'cancelled'" \
	    " AND s.starts_at <= now()) AS yes)," \
	    " ou AS (UPDATE orders o SET status = 'cancelled'," \
	    " cancelled_at = now(), cancel_reason = $6::text," \
	    " updated_at = now() FROM old, started WHERE o.id = old.id" \
	    " AND old.status IN ('draft', 'open', 'filled')" \
	    " AND NOT started.yes RETURNING o.*)," \
	    " su AS (UPDATE shifts s SET status = 'cancelled'," \
	    " updated_at = now() FROM ou WHERE s.order_id = ou.id" \
	    " AND s.status NOT IN ('completed', 'cancelled') RETURNING s.*)," \
	    " pu AS (UPDATE shift_positions sp SET status = 'cancelled'," \
	    " updated_at = now() FROM su WHERE sp.shift_id = su.id" \
	    " AND sp.status <> 'cancelled' RETURNING sp.id)," \
	    " au AS (UPDATE assignments a SET status = 'cancelled'," \
	    " cancelled_at = now(), cancel_reason = left('Order cancelled: '" \
	    " || $6::text, 1000), updated_at = now() FROM su" \
	    " WHERE a.shift_id = su.id AND a.status IN " ORD_LIVE \
	    " RETURNING a.*)," \
	    " sw AS (UPDATE swap_requests r SET status = 'cancelled'," \
	    " resolved_at = now() FROM au WHERE r.assignment_id = au.id" \
	    " AND r.status = 'pending' RETURNING r.id)," \
	    " ev AS (INSERT INTO staff_events (tenant_id, staff_id, kind," \
	    " business_id, order_id, shift_id, assignment_id, payload," \
	    " request_id) SELECT $1::uuid, au.staff_id, 'order.cancelled'," \
	    " $2::uuid, ou.id, au.shift_id, au.id, jsonb_build_object(" \
	    "'orderNumber', ou.order_number, 'title', ou.title," \
	    " 'startsAt', su.starts_at, 'endsAt', su.ends_at," \
	    " 'reason', $6::text), $4::uuid FROM au" \
	    " JOIN su ON su.id = au.shift_id, ou RETURNING id)," \
	    " aud AS (" AUDIT("order.cancel", "order", "u.id::text", \
	    "jsonb_build_object('before', jsonb_build_object('status'," \
	    " o.status), 'after', jsonb_build_object('status', u.status," \
	    " 'reason', u.cancel_reason, 'shifts', (SELECT count(*) FROM su)," \
	    " 'positions', (SELECT count(*) FROM pu), 'assignments'," \
	    " (SELECT count(*) FROM au), 'swapRequests', (SELECT count(*)" \
	    " FROM sw), 'staffNotified', (SELECT count(*) FROM ev)))" \
	    " FROM ou u, old o") ")" \
	    " SELECT o.status, s.yes, (SELECT id::text FROM ou)" \
	    " FROM old o, started s", \
	/* \
	 * Reorder: the source $5 and the new dates of body $6.  Columns: \
	 * whether the source exists (NULL: not found); what prevents the \
	 * copy (a conflict message, NULL: none); the details of bad \
	 * fields. \
	 */ \
	[STMT_ORDER_REORDER_CHECK] = \
	    ORD_REORDER_SRC "," \
	    " cc AS (SELECT c.* FROM cost_centers c, src" \
	    " WHERE c.id = src.cost_center_id)," \
	    " ref AS (SELECT DISTINCT r.name, r.status, bv.status AS bstatus," \
	    " v.status AS vstatus, v.name AS vname FROM sp2" \
	    " JOIN vendor_roles r ON r.id = sp2.vendor_role_id" \
	    " JOIN vendors v ON v.id = sp2.vendor_id" \
	    " LEFT JOIN business_vendors bv ON bv.business_id = $2::uuid" \
	    " AND bv.vendor_id = sp2.vendor_id)," \
	    " tm AS (SELECT 'startDate' AS p, ns.s, ns.e, ns.b FROM ns)," \
	    " bad(k, why, n) AS (SELECT 'startDate', 'must put every shift" \
	    " in the future', 1 FROM tm WHERE tm.s <= now()" \
	    " UNION ALL SELECT 'startDate', 'must put every shift within " \
	    ORD_HORIZON " from now', 2 FROM tm" \
	    " WHERE tm.s > now() + interval '" ORD_HORIZON "')" \
	    " SELECT src.id, CASE WHEN NOT EXISTS (SELECT 1 FROM ss)" \
	    " THEN 'the order has no shifts to copy'" \
	    " WHEN (SELECT status FROM hub) <> 'active'" \
	    " THEN 'the hub is archived'" \
	    " WHEN (SELECT status FROM cc) <> 'active'" \
	    " THEN 'the cost center is archived'" \
	    " ELSE (SELECT CASE WHEN ref.bstatus IS DISTINCT FROM 'approved'" \
	    " OR ref.vstatus <> 'active' THEN 'the vendor ' || ref.vname ||" \
	    " ' is no longer approved' ELSE 'the role ' || ref.name ||" \
	    " ' is archived' END FROM ref WHERE ref.status <> 'active'" \
	    " OR ref.vstatus <> 'active'" \
	    " OR ref.bstatus IS DISTINCT FROM 'approved'" \
	    " ORDER BY 1 LIMIT 1) END, " ORD_DETAILS " FROM src", \
	/* Copy the checked source $5 to the dates of body $6; the new id. */ \
	[STMT_ORDER_REORDER] = \
	    ORD_REORDER_SRC "," ORD_NEXT_NUMBER "," \
	    " ins AS (INSERT INTO orders (tenant_id, business_id, hub_id," \
	    " cost_center_id, billing_account_id, order_number, title, notes," \
	    " status, source_order_id, created_by)" \
	    " SELECT $1::uuid, $2::uuid, src.hub_id, src.cost_center_id," \
	    " src.billing_account_id, num.n, coalesce(x.b->>'title'," \
	    " src.title), CASE WHEN x.b ? 'notes' THEN x.b->>'notes'" \
	    " ELSE src.notes END, 'open', src.id, $3::uuid" \
	    " FROM src, num, x RETURNING *)," \
	    " si AS (INSERT INTO shifts (id, tenant_id, business_id," \
	    " order_id," \
	    " hub_id, starts_at, ends_at, break_minutes, notes)" \
	    " SELECT ns.id, $1::uuid, $2::uuid, ins.id, ins.hub_id, ns.s," \
	    " ns.e, ns.b, ns.notes FROM ns, ins RETURNING id)," \
	    " pi AS (INSERT INTO shift_positions (tenant_id, business_id," \
	    " shift_id, vendor_id, vendor_role_id, headcount," \
	    " bill_rate_cents, pay_rate_cents, currency)" \
	    " SELECT $1::uuid, $2::uuid, ns.id, sp2.vendor_id, r.id," \
	    " sp2.headcount, r.bill_rate_cents, r.pay_rate_cents, r.currency" \
	    " FROM ns JOIN si ON si.id = ns.id" \
	    " JOIN sp2 ON sp2.shift_id = ns.old_id" \
	    " JOIN vendor_roles r ON r.id = sp2.vendor_role_id RETURNING id)," \
	    " aud AS (" AUDIT("order.reorder", "order", "i.id::text", \
	    "jsonb_build_object('before', NULL, 'after', " ORD_SUM("i") \
	    " || jsonb_build_object('sourceOrderId', i.source_order_id," \
	    " 'days', (SELECT days FROM d0), 'shifts', (SELECT count(*)" \
	    " FROM si), 'positions', (SELECT count(*) FROM pi))) FROM ins i") \
	    ")" \
	    " SELECT ins.id FROM ins",

#endif /* !KROW_SQL_ORDERS_H */
