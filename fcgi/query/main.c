/*
 * krow-query: the read pool behind /query/.  Screens and mobile read
 * models; every read is scoped by the caller's identity (tenant, business
 * or staff) that nginx passes as FastCGI params, never by the URL.
 */
#include "config.h"

#include <stddef.h>

#include "app.h"
#include "conf.h"
#include "router.h"
#include "query.h"
#include "qcache.h"
#include "sqlrules.h"

/*
 * Fragments shared by the client statements.  $1 tenant, $2 business,
 * $3 user come first in each.
 *
 * ME_VIS: "me", the caller (an active client user of the business: no
 * row otherwise, and then nothing is visible), and "vis", the hubs it
 * sees: all of the business's, or for a manager the ones it manages.
 */
#define ME_VIS \
	"WITH me AS (SELECT u.id, u.role FROM users u" \
	" WHERE u.id = $3::uuid AND u.tenant_id = $1::uuid" \
	" AND u.business_id = $2::uuid AND u.actor = 'client'" \
	" AND u.status = 'active')," \
	" vis AS (SELECT h.* FROM hubs h, me" \
	" WHERE h.tenant_id = $1::uuid AND h.business_id = $2::uuid" \
	" AND (me.role <> 'manager' OR EXISTS (SELECT 1 FROM hub_managers m" \
	" WHERE m.hub_id = h.id AND m.user_id = me.id)))"
/*
 * The same for the row reads (qrows.h), as conditions that PostgreSQL
 * evaluates once per statement (init plans) rather than a join: ME holds
 * when the caller is an active client user of the business; SEES(HUB)
 * when it sees hub id HUB (all of the business's, or for a manager the
 * ones it manages).
 */
#define ME_ROLE \
	"(SELECT u.role FROM users u WHERE u.id = $3::uuid" \
	" AND u.tenant_id = $1::uuid AND u.business_id = $2::uuid" \
	" AND u.actor = 'client' AND u.status = 'active')"
#define ME	ME_ROLE " IS NOT NULL"
#define SEES(HUB) \
	"(" ME_ROLE " <> 'manager' OR EXISTS (SELECT 1 FROM hub_managers m" \
	" WHERE m.hub_id = " HUB " AND m.user_id = $3::uuid))"
/* The same for the staff reads: the caller is an active worker ($2). */
#define ME_STAFF \
	"EXISTS (SELECT 1 FROM users u JOIN staff s ON s.id = u.staff_id" \
	" AND s.tenant_id = u.tenant_id WHERE u.id = $3::uuid" \
	" AND u.tenant_id = $1::uuid AND u.staff_id = $2::uuid" \
	" AND u.actor = 'staff' AND u.status = 'active')"
/* A timestamptz as the UTC timestamp that QCOL_TIME writes. */
#define UTC(x) "((" x ") AT TIME ZONE 'UTC')"
/* Instants as RFC 3339 UTC; TSK keeps the microseconds (cursor keys). */
#define TS(x) \
	"to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define TSK(x) \
	"to_char((" x ") AT TIME ZONE 'UTC'," \
	" 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
/* base64url without padding of a text. */
#define B64URL(x) \
	"translate(encode(convert_to(" x ", 'UTF8'), 'base64')," \
	" E'+/=\\n', '-_')"
/*
 * The members "items" and "nextCursor" of a page: the CTE "page" holds
 * up to LIM + 1 rows; OBJ builds one item from row p; KEY lists the sort
 * key of p (texts) that the next cursor carries.
 */
#define PAGE(OBJ, ORDER, KEY, LIM) \
	" 'items', coalesce((SELECT json_agg(" OBJ " ORDER BY " ORDER ")" \
	" FROM (SELECT * FROM page p ORDER BY " ORDER " LIMIT " LIM ") p)," \
	" '[]'::json)," \
	" 'nextCursor', CASE WHEN (SELECT count(*) FROM page) > " LIM \
	" THEN (SELECT " B64URL("json_build_array(" KEY ")::text") \
	" FROM page p ORDER BY " ORDER " OFFSET " LIM " - 1 LIMIT 1) END"
/*
 * Bounds of a from/to parameter in zone TZ: a date is that whole day in
 * the zone (LO its start, HI the start of the next day); a timestamp is
 * that instant (HI inclusive).
 */
#define RANGE_LO(P, TZ) \
	"(CASE WHEN length(" P "::text) = 10 THEN (" P "::date)::timestamp" \
	" AT TIME ZONE " TZ " ELSE " P "::timestamptz END)"
#define RANGE_HI(P, TZ) \
	"(CASE WHEN length(" P "::text) = 10" \
	" THEN (" P "::date + 1)::timestamp AT TIME ZONE " TZ \
	" ELSE " P "::timestamptz + interval '1 microsecond' END)"
/* Today (the date) in zone TZ. */
#define TODAY(TZ) "(now() AT TIME ZONE " TZ ")::date"
/* A local date plus N days, as the instant of its midnight in TZ. */
#define MIDNIGHT(TZ, N) \
	"((" TODAY(TZ) " + " N ")::timestamp AT TIME ZONE " TZ ")"
/* Filled over needed, 4 decimals; null when nothing is needed. */
#define RATE(F, N) \
	"CASE WHEN (" N ") > 0 THEN round((" F ")::numeric / (" N "), 4) END"
/*
 * A position's filled (capped at the headcount), applied and on-site
 * counts: stored with it, kept by the writes (0012_coverage_counts).
 */
#define POS_COUNTS \
	" CROSS JOIN LATERAL (SELECT" \
	" least(sp.headcount, sp.filled_count) AS filled," \
	" sp.applied_count AS applied, sp.on_site_count AS on_site) pc"
/* 404 for a hubId filter ($N) the caller does not see. */
#define HUB_FILTER_OK(N) \
	"(" N "::uuid IS NULL OR EXISTS (SELECT 1 FROM vis WHERE vis.id = " \
	N "::uuid))"
#define VENDOR_FILTER_OK(N) \
	"(" N "::uuid IS NULL OR EXISTS (SELECT 1 FROM business_vendors bv," \
	" me WHERE bv.tenant_id = $1::uuid AND bv.business_id = $2::uuid" \
	" AND bv.vendor_id = " N "::uuid))"
/* Manager restriction of an invoice i: a line at a visible hub. */
#define INVOICE_VISIBLE \
	"(EXISTS (SELECT 1 FROM me WHERE me.role <> 'manager') OR" \
	" EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id" \
	" AND l.hub_id IN (SELECT id FROM vis)))"
/* The line counts are kept on the invoice by the writes (0015). */
#define INVOICE_COLS \
	"i.*, v.name AS vendor_name, ba.name AS account_name," \
	" i.line_count AS nlines, i.line_minutes AS minutes," \
	" i.disputed_lines AS ndisputed"
#define INVOICE_JOINS \
	" JOIN vendors v ON v.id = i.vendor_id AND v.tenant_id = i.tenant_id" \
	" JOIN billing_accounts ba ON ba.id = i.billing_account_id" \
	" AND ba.tenant_id = i.tenant_id"
/* The columns of invoice row p for the rows shape client_invoice. */
#define INVOICE_ROW \
	"p.id, p.invoice_number, p.status, p.vendor_id, p.vendor_name," \
	" p.billing_account_id, p.account_name, p.period_start," \
	" p.period_end, " UTC("p.issued_at") ", p.due_date, p.currency," \
	" p.subtotal_cents, p.tax_cents, p.total_cents, p.nlines," \
	" p.minutes, p.ndisputed," \
	" p.status <> 'paid' AND p.due_date < " TODAY("'UTC'") "," \
	" " UTC("p.approved_at") ", " UTC("p.disputed_at") "," \
	" p.dispute_reason, " UTC("p.paid_at")
/*
 * The shifts of the client screens (live orders, not cancelled) with
 * their stored counts (sc).
 */
#define LIVE_COUNTED \
	LIVE_FROM " CROSS JOIN LATERAL (SELECT s.needed, s.filled," \
	" s.on_site) sc" LIVE_WHERE
#define LIVE_FROM \
	" FROM shifts s JOIN vis h ON h.id = s.hub_id" \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id"
#define LIVE_WHERE \
	" WHERE s.tenant_id = $1::uuid AND s.business_id = $2::uuid" \
	" AND s.status <> 'cancelled'" \
	" AND o.status NOT IN ('draft', 'cancelled')"
/* Positions of shift s with their counts (row sp, pc; role r, vendor v). */
#define POSITIONS_JSON(S) \
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
	" JOIN vendors v ON v.id = sp.vendor_id" POS_COUNTS \
	" WHERE sp.shift_id = " S ")"
/*
 * needed, filled and on_site of shift S over its positions not cancelled
 * (stored with the shift, kept by the writes: 0012_coverage_counts).
 */
#define SHIFT_COUNTS(S) \
	" CROSS JOIN LATERAL (SELECT x.needed, x.filled, x.on_site" \
	" FROM shifts x WHERE x.id = " S ") sc"

/*
 * Whether the from/to parameters ($5, $6) are dates or absent: the range
 * is then whole local days of each hub (the day roll-ups answer).
 */
#define DAYS_MODE \
	"(coalesce(length($5::text), 10) = 10" \
	" AND coalesce(length($6::text), 10) = 10)"

/*
 * The date of a from/to parameter P (a date, or the UTC date of an
 * instant); absent: today (UTC) less DAYS days.
 */
#define DATE_OF(P, DAYS) \
	"(CASE WHEN " P "::text IS NULL THEN " TODAY("'UTC'") " - " DAYS \
	" WHEN length(" P "::text) = 10 THEN " P "::date" \
	" ELSE (" P "::timestamptz AT TIME ZONE 'UTC')::date END)"
/*
 * One grouping of the spend breakdown, as g: the rows of "sets" whose
 * GROUPING() bits are GS (7 by hub, 11 by cost center, 13 by vendor, 14
 * by role code); SPEND_SUMS: its sums and its share of the total (tot).
 */
#define SPEND_SET(GS) "(SELECT * FROM sets WHERE gs = " GS ") g"
#define SPEND_SUMS \
	", 'minutes', g.mi, 'invoicedCents', coalesce(g.inv, 0)," \
	" 'accruedCents', coalesce(g.acc, 0), 'totalCents', g.ce," \
	" 'share', CASE WHEN tot.cents > 0 THEN round(g.ce::numeric /" \
	" tot.cents, 4) END"

/*
 * ADMIN: "adm", the caller when it is an active admin of the tenant of
 * the path ($2) and that is its own tenant ($1): no row otherwise (404).
 */
#define ADMIN \
	"WITH adm AS (SELECT u.id FROM users u WHERE u.id = $3::uuid" \
	" AND u.tenant_id = $1::uuid AND u.tenant_id = $2::uuid" \
	" AND u.actor = 'admin' AND u.status = 'active')"

/*
 * Index-friendly bounds of a from/to parameter P that hold in every time
 * zone (a day wider than the exact, per-hub bounds); DEF without P.
 */
#define COARSE_LO(P, DEF) \
	"(CASE WHEN " P "::text IS NULL THEN " DEF \
	" WHEN length(" P "::text) = 10 THEN (" P "::date - 1)::timestamp" \
	" AT TIME ZONE 'UTC' ELSE " P "::timestamptz END)"
#define COARSE_HI(P, DEF) \
	"(CASE WHEN " P "::text IS NULL THEN " DEF \
	" WHEN length(" P "::text) = 10 THEN (" P "::date + 2)::timestamp" \
	" AT TIME ZONE 'UTC'" \
	" ELSE " P "::timestamptz + interval '1 microsecond' END)"

/* The columns that a shift row of the staff reads carries (MINE, OPENPOS). */
#define SHIFT_COLS \
	"sid, starts_at, ends_at, break_minutes, sstatus, snotes, oid," \
	" order_number, title, onotes, hid, hub_name, time_zone," \
	" address_line1, address_line2, city, region, postal_code, country," \
	" latitude, longitude, geofence_radius_m, clock_in_methods, bid," \
	" business_name, pid, pay_rate_cents, currency, rid, role_code," \
	" role_name"
#define SHIFT_SRC \
	" s.id AS sid, s.starts_at, s.ends_at, s.break_minutes," \
	" s.status AS sstatus, s.notes AS snotes, o.id AS oid," \
	" o.order_number, o.title, o.notes AS onotes, h.id AS hid," \
	" h.name AS hub_name, h.time_zone, h.address_line1, h.address_line2," \
	" h.city, h.region, h.postal_code, h.country, h.latitude," \
	" h.longitude, h.geofence_radius_m, h.clock_in_methods," \
	" b.id AS bid, b.name AS business_name, sp.id AS pid," \
	" sp.pay_rate_cents, sp.currency, r.id AS rid, r.role_code," \
	" r.name AS role_name"
#define SHIFT_JOINS \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id" \
	" JOIN hubs h ON h.id = s.hub_id AND h.tenant_id = s.tenant_id" \
	" JOIN businesses b ON b.id = s.business_id" \
	" AND b.tenant_id = s.tenant_id"
/*
 * MINE: "mine", every assignment of the caller with its shift, order,
 * hub, business, position and role, and the minutes worked on it;
 * MINE_FROM(SRC) the same for the assignments a that SRC joins.
 */
#define MINE_FROM(SRC) \
	", mine AS (SELECT a.id AS aid, a.status AS astatus, a.applied_at," \
	" a.assigned_at, a.confirmed_at, a.checked_in_at, a.checked_out_at," \
	" a.completed_at, a.declined_at, a.cancelled_at, a.cancel_reason," \
	" o.status AS ostatus, tw.worked," SHIFT_SRC \
	" FROM " SRC \
	" JOIN shifts s ON s.id = a.shift_id AND s.tenant_id = a.tenant_id" \
	SHIFT_JOINS \
	" JOIN shift_positions sp ON sp.id = a.position_id" \
	" AND sp.tenant_id = a.tenant_id" \
	" JOIN vendor_roles r ON r.id = sp.vendor_role_id" \
	" LEFT JOIN LATERAL (SELECT sum(te.worked_minutes) AS worked" \
	" FROM time_entries te WHERE te.assignment_id = a.id" \
	" AND te.status <> 'voided') tw ON true)"
#define MINE \
	MINE_FROM("me JOIN assignments a ON a.staff_id = me.id" \
	" AND a.tenant_id = $1::uuid")
/*
 * The same for the shifts that start from two days before this week on
 * (the dashboard: its next shift ends after now, so it started less than
 * 24 hours ago; this week's are in the hubs' days of this UTC week).
 * The filter is on the shift, before the other joins.
 */
#define MINE_RECENT \
	MINE_FROM("me JOIN assignments a ON a.staff_id = me.id" \
	" AND a.tenant_id = $1::uuid JOIN shifts rs ON rs.id = a.shift_id" \
	" AND rs.tenant_id = a.tenant_id AND rs.starts_at >= (" WEEK0 \
	"::timestamp AT TIME ZONE 'UTC') - interval '2 days'")
/* A live assignment whose shift and order still stand. */
#define MINE_LIVE \
	"m.sstatus <> 'cancelled' AND m.ostatus <> 'cancelled'"
/*
 * OPENPOS (after SQLR_ME_STAFF, SQLR_AVAIL): "openpos", the keys of the
 * positions the caller could apply for (sqlrules.h): pid, and sk, the
 * start of its shift.  Only the position rows are read (the index
 * shift_positions_openpos_idx and the caller's sets of SQLR_AVAIL), so
 * that counting them is cheap; OPENPOS_ROWS adds the shift rows of the
 * few that are shown.
 */
#define OPENPOS \
	", openpos AS MATERIALIZED (SELECT sp.id AS pid," \
	" sp.shift_starts_at AS sk" SQLR_OPENPOS_SP \
	" WHERE " SQLR_OPENPOS_OK ")"
/* The shift rows (SHIFT_SRC, open_slots, sk) of the positions k.pid of K. */
#define OPENPOS_ROWS(K) \
	"SELECT " SHIFT_SRC ", sp.headcount - f.filled AS open_slots, k.sk" \
	" FROM " K " JOIN shift_positions sp ON sp.id = k.pid" \
	SQLR_OPENPOS_JOINS
/* Scheduled minutes of shift row p less its break. */
#define PAID_MIN \
	"greatest(0, (extract(epoch FROM p.ends_at - p.starts_at) / 60)" \
	"::integer - p.break_minutes)"
/* The members of a shift row p that every staff shift item carries. */
#define SHIFT_MEMBERS \
	"'shiftId', p.sid, 'orderNumber', p.order_number, 'title', p.title," \
	" 'shiftStatus', p.sstatus," \
	" 'startsAt', " TS("p.starts_at") ", 'endsAt', " TS("p.ends_at") "," \
	" 'localDate', (p.starts_at AT TIME ZONE p.time_zone)::date," \
	" 'localStartTime', to_char(p.starts_at AT TIME ZONE p.time_zone," \
	" 'HH24:MI'), 'localEndTime', to_char(p.ends_at AT TIME ZONE" \
	" p.time_zone, 'HH24:MI')," \
	" 'crossesMidnight', ((p.ends_at - interval '1 microsecond')" \
	" AT TIME ZONE p.time_zone)::date > (p.starts_at AT TIME ZONE" \
	" p.time_zone)::date," \
	" 'breakMinutes', p.break_minutes, 'paidMinutes', " PAID_MIN "," \
	" 'business', json_build_object('businessId', p.bid, 'name'," \
	" p.business_name)," \
	" 'role', json_build_object('roleId', p.rid, 'roleCode', p.role_code," \
	" 'name', p.role_name)," \
	" 'payRateCents', p.pay_rate_cents, 'currency', p.currency," \
	" 'estimatedPayCents', round(" PAID_MIN " * p.pay_rate_cents / 60.0)" \
	"::bigint"
#define HUB_SHORT \
	"json_build_object('hubId', p.hid, 'name', p.hub_name," \
	" 'city', p.city, 'timeZone', p.time_zone)"
#define HUB_FULL \
	"json_build_object('hubId', p.hid, 'name', p.hub_name," \
	" 'address', json_build_object('line1', p.address_line1," \
	" 'line2', p.address_line2, 'city', p.city, 'region', p.region," \
	" 'postalCode', p.postal_code, 'country', p.country)," \
	" 'timeZone', p.time_zone, 'location', CASE WHEN p.latitude IS NULL" \
	" THEN NULL ELSE json_build_object('latitude', p.latitude," \
	" 'longitude', p.longitude) END," \
	" 'geofenceRadiusMeters', p.geofence_radius_m," \
	" 'clockInMethods', to_json(p.clock_in_methods))"
/* The caller's side of an assignment row p. */
#define ASSIGN_MEMBERS \
	"'assignmentId', p.aid, 'status', p.astatus," \
	" 'appliedAt', " TS("p.applied_at") "," \
	" 'assignedAt', " TS("p.assigned_at") "," \
	" 'confirmedAt', " TS("p.confirmed_at") "," \
	" 'checkedInAt', " TS("p.checked_in_at") "," \
	" 'checkedOutAt', " TS("p.checked_out_at") "," \
	" 'completedAt', " TS("p.completed_at") "," \
	" 'cancelledAt', " TS("coalesce(p.cancelled_at, p.declined_at)") "," \
	" 'cancelReason', p.cancel_reason, 'workedMinutes', p.worked," \
	" 'earnedCents', round(p.worked * p.pay_rate_cents / 60.0)::bigint"
#define ASSIGN_OBJ \
	"json_build_object(" SHIFT_MEMBERS ", 'hub', " HUB_SHORT ", " \
	ASSIGN_MEMBERS ")"
/*
 * The columns of a shift row p for the rows shapes of h_staff.c:
 * SHIFT_ROW those of SHIFT_MEMBERS, HUB_ROW those of HUB_SHORT, as plain
 * values; ASSIGN_ROW an assignment of the caller (SHIFT_MEMBERS, HUB_SHORT
 * and ASSIGN_MEMBERS), then its sort key (start, id).
 */
#define SHIFT_ROW \
	"p.sid, p.order_number, p.title, p.sstatus, " UTC("p.starts_at") "," \
	" " UTC("p.ends_at") ", (p.starts_at AT TIME ZONE p.time_zone)::date," \
	" to_char(p.starts_at AT TIME ZONE p.time_zone, 'HH24:MI')," \
	" to_char(p.ends_at AT TIME ZONE p.time_zone, 'HH24:MI')," \
	" ((p.ends_at - interval '1 microsecond') AT TIME ZONE p.time_zone)" \
	"::date > (p.starts_at AT TIME ZONE p.time_zone)::date," \
	" p.break_minutes, " PAID_MIN ", p.bid, p.business_name, p.rid," \
	" p.role_code, p.role_name, p.pay_rate_cents, p.currency," \
	" round(" PAID_MIN " * p.pay_rate_cents / 60.0)::bigint"
#define HUB_ROW	"p.hid, p.hub_name, p.city, p.time_zone"
#define ASSIGN_ROW \
	SHIFT_ROW ", " HUB_ROW "," \
	" p.aid, p.astatus, " UTC("p.applied_at") ", " UTC("p.assigned_at") \
	", " UTC("p.confirmed_at") ", " UTC("p.checked_in_at") "," \
	" " UTC("p.checked_out_at") ", " UTC("p.completed_at") "," \
	" " UTC("coalesce(p.cancelled_at, p.declined_at)") ", p.cancel_reason," \
	" p.worked, round(p.worked * p.pay_rate_cents / 60.0)::bigint," \
	" " UTC("p.starts_at") ", p.aid"
/*
 * A page of mine where W holds (over m: aid, astatus, sstatus, ostatus,
 * starts_at), by start (ASC) or latest first (DESC): the page's keys
 * first, from the assignments, shifts and orders alone, then the rest of
 * mine for the page's rows only.
 */
#define MINE_PAGE(W, CMP, DIR) \
	SQLR_ME_STAFF ", pk AS (SELECT m.aid FROM (SELECT a.id AS aid," \
	" a.status AS astatus, s.status AS sstatus, o.status AS ostatus," \
	" s.starts_at FROM me JOIN assignments a ON a.staff_id = me.id" \
	" AND a.tenant_id = $1::uuid" \
	" JOIN shifts s ON s.id = a.shift_id AND s.tenant_id = a.tenant_id" \
	" JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id)" \
	" m WHERE (" W ") AND ($5::text IS NULL OR" \
	" (m.starts_at, m.aid) " CMP " ($5::timestamptz, $6::uuid))" \
	" ORDER BY m.starts_at " DIR ", m.aid " DIR \
	" LIMIT $4::integer + 1)" \
	MINE_FROM("pk JOIN assignments a ON a.id = pk.aid" \
	" AND a.tenant_id = $1::uuid") \
	" SELECT " ASSIGN_ROW " FROM mine p" \
	" ORDER BY p.starts_at " DIR ", p.aid " DIR
#define MINE_PAGE_ASC(W)	MINE_PAGE(W, ">", "ASC")
#define MINE_PAGE_DESC(W)	MINE_PAGE(W, "<", "DESC")

/*
 * PROFILE_RULES (after SQLR_ME_STAFF): "sec", one row per profile section
 * of the caller: ord, section, required, items (rows it holds), missing
 * (text[] of what is missing; empty when complete).  The rules of
 * completeness, all here:
 *   personal_info  first and last name, an email or a phone, date of
 *                  birth, address (line 1, city, postal code, country),
 *                  emergency contact (name and phone);
 *   industries     at least one;
 *   skills         at least one;
 *   documents      an identity document (id card, passport or driver's
 *                  license) and a tax form, each not rejected;
 *   certificates   one not rejected and not expired;
 *   bank_accounts  a default account;
 *   availability   at least one weekly window;
 *   benefits       optional: never missing, not counted.
 * Deleted rows do not count; "today" is the UTC date.  The counts are
 * kept per worker by the writes (0018_profile_counts, whose recount view
 * spells out each one).
 */
#define PROFILE_RULES \
	", pr AS (SELECT st.first_name, st.last_name, st.email, st.phone," \
	" p.date_of_birth, p.address_line1, p.city, p.postal_code," \
	" p.country, p.emergency_contact_name, p.emergency_contact_phone" \
	" FROM me JOIN staff st ON st.id = me.id" \
	" LEFT JOIN staff_profiles p ON p.staff_id = me.id)," \
	" cnt AS (SELECT coalesce(c.industries, 0) AS nind," \
	" coalesce(c.skills, 0) AS nskill, coalesce(c.documents, 0) AS ndoc," \
	" coalesce(c.id_documents, 0) > 0 AS has_id," \
	" coalesce(c.tax_forms, 0) > 0 AS has_tax," \
	" coalesce(c.certificates, 0) AS ncert," \
	" coalesce(c.cert_valid_until >= " TODAY("'UTC'") ", false)" \
	" AS has_cert, coalesce(c.bank_accounts, 0) AS nbank," \
	" coalesce(c.default_bank_accounts, 0) > 0 AS has_bank," \
	" coalesce(c.availability, 0) AS navail," \
	" coalesce(c.benefits, 0) AS nbenefit" \
	" FROM me LEFT JOIN staff_profile_counts c ON c.staff_id = me.id)," \
	" sec AS (SELECT v.* FROM cnt, pr, LATERAL (VALUES" \
	" (1, 'personal_info', true, NULL::bigint, array_remove(ARRAY[" \
	" CASE WHEN pr.first_name IS NULL THEN 'firstName' END," \
	" CASE WHEN pr.last_name IS NULL THEN 'lastName' END," \
	" CASE WHEN pr.email IS NULL AND pr.phone IS NULL THEN 'contact' END," \
	" CASE WHEN pr.date_of_birth IS NULL THEN 'dateOfBirth' END," \
	" CASE WHEN pr.address_line1 IS NULL OR pr.city IS NULL OR" \
	" pr.postal_code IS NULL OR pr.country IS NULL THEN 'address' END," \
	" CASE WHEN pr.emergency_contact_name IS NULL OR" \
	" pr.emergency_contact_phone IS NULL THEN 'emergencyContact' END]," \
	" NULL)::text[])," \
	" (2, 'industries', true, cnt.nind, CASE WHEN cnt.nind = 0" \
	" THEN ARRAY['industry'] ELSE '{}' END::text[])," \
	" (3, 'skills', true, cnt.nskill, CASE WHEN cnt.nskill = 0" \
	" THEN ARRAY['skill'] ELSE '{}' END::text[])," \
	" (4, 'documents', true, cnt.ndoc, array_remove(ARRAY[" \
	" CASE WHEN NOT cnt.has_id THEN 'identityDocument' END," \
	" CASE WHEN NOT cnt.has_tax THEN 'taxForm' END], NULL)::text[])," \
	" (5, 'certificates', true, cnt.ncert, CASE WHEN NOT cnt.has_cert" \
	" THEN ARRAY['validCertificate'] ELSE '{}' END::text[])," \
	" (6, 'bank_accounts', true, cnt.nbank, CASE WHEN NOT cnt.has_bank" \
	" THEN ARRAY['defaultBankAccount'] ELSE '{}' END::text[])," \
	" (7, 'availability', true, cnt.navail, CASE WHEN cnt.navail = 0" \
	" THEN ARRAY['weeklyAvailability'] ELSE '{}' END::text[])," \
	" (8, 'benefits', false, cnt.nbenefit, '{}'::text[])" \
	" ) v(ord, section, required, items, missing))"
/*
 * WORK (after SQLR_ME_STAFF): "work", the caller's finished time entries
 * (closed or approved) valued at the position's pay rate: wd the work
 * date in the hub's zone, mi minutes, cents earned, paid whether a staff
 * payment covers it.  The work date, currency and cents are stored on
 * the entry (0013: sd_work_date, sd_currency, pay_cents, kept by a
 * trigger), so no join back to the shift and position is needed.
 */
#define WORK \
	", work AS (SELECT te.id, te.assignment_id, te.sd_work_date AS wd," \
	" te.worked_minutes AS mi, te.sd_currency AS currency," \
	" te.pay_cents AS cents," \
	" EXISTS (SELECT 1 FROM staff_payment_lines l" \
	" WHERE l.time_entry_id = te.id) AS paid" \
	" FROM me JOIN time_entries te ON te.staff_id = me.id" \
	" AND te.tenant_id = $1::uuid AND te.status IN ('closed', 'approved')" \
	" AND te.worked_minutes IS NOT NULL)"
/* The pay period: the ISO week (Monday..Sunday) of today (UTC). */
#define WEEK0 "date_trunc('week', " TODAY("'UTC'") ")::date"
/* Earnings of work in [LO, HI] (dates). */
#define EARNED(LO, HI) \
	"(SELECT json_build_object('periodStart', (" LO ")," \
	" 'periodEnd', (" HI "), 'earnedCents', coalesce(sum(w.cents), 0)," \
	" 'minutesWorked', coalesce(sum(w.mi), 0)," \
	" 'shiftCount', count(DISTINCT w.assignment_id))" \
	" FROM work w WHERE w.wd BETWEEN (" LO ") AND (" HI "))"
/* Certificate row c's expiry: expired, expiring (30 days), valid, none. */
#define CERT_EXPIRY(C) \
	"CASE WHEN " C ".expires_on IS NULL THEN 'none'" \
	" WHEN " C ".expires_on < " TODAY("'UTC'") " THEN 'expired'" \
	" WHEN " C ".expires_on <= " TODAY("'UTC'") " + 30 THEN 'expiring'" \
	" ELSE 'valid' END"

/*
 * Each statement answers one screen with one row holding the whole JSON
 * document, built by PostgreSQL (json_build_object): the C copies the text
 * into the response.  Every statement repeats the identity in its WHERE
 * clause (user, business or staff, tenant) so that no row of another
 * tenant or business can be reached even through a bad join.
 */
static const char *const stmts[STMT__MAX] = {
	[STMT_CLIENT_SESSION] =
	    "SELECT json_build_object("
	    " 'user', json_build_object("
	    "  'userId', u.id::text,"
	    "  'email', u.email::text,"
	    "  'displayName', u.display_name,"
	    "  'role', u.role),"
	    " 'business', json_build_object("
	    "  'businessId', b.id::text,"
	    "  'name', b.name,"
	    "  'currency', b.currency::text,"
	    "  'status', b.status),"
	    " 'tenant', json_build_object("
	    "  'tenantId', t.id::text,"
	    "  'name', t.name))::text"
	    " FROM users u"
	    " JOIN businesses b"
	    "  ON b.id = u.business_id AND b.tenant_id = u.tenant_id"
	    " JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = $1::uuid AND u.business_id = $2::uuid"
	    " AND u.tenant_id = $3::uuid AND u.actor = 'client'",
	[STMT_STAFF_SESSION] =
	    "SELECT json_build_object("
	    " 'user', json_build_object("
	    "  'userId', u.id::text,"
	    "  'phone', u.phone,"
	    "  'email', u.email::text,"
	    "  'displayName', u.display_name),"
	    " 'staff', json_build_object("
	    "  'staffId', s.id::text,"
	    "  'firstName', s.first_name,"
	    "  'lastName', s.last_name,"
	    "  'status', s.status,"
	    "  'vendor', json_build_object("
	    "   'vendorId', v.id::text,"
	    "   'name', v.name)),"
	    " 'tenant', json_build_object("
	    "  'tenantId', t.id::text,"
	    "  'name', t.name))::text"
	    " FROM users u"
	    " JOIN staff s ON s.id = u.staff_id AND s.tenant_id = u.tenant_id"
	    " JOIN vendors v"
	    "  ON v.id = s.vendor_id AND v.tenant_id = s.tenant_id"
	    " JOIN tenants t ON t.id = u.tenant_id"
	    " WHERE u.id = $1::uuid AND u.staff_id = $2::uuid"
	    " AND u.tenant_id = $3::uuid AND u.actor = 'staff'",
	/* Rows: client_hub (h_client.c). */
	[STMT_CLIENT_HUBS] =
	    "SELECT h.id, h.name, h.address_line1, h.address_line2, h.city,"
	    " h.region, h.postal_code, h.country, h.time_zone, h.latitude,"
	    " h.longitude, h.geofence_radius_m, to_json(h.clock_in_methods),"
	    " h.status, h.nfc_tag_count, h.manager_count, " UTC("h.created_at")
	    ", h.name, h.id"
	    " FROM hubs h WHERE h.tenant_id = $1::uuid"
	    " AND h.business_id = $2::uuid AND " ME " AND " SEES("h.id")
	    " AND ($4::text = 'all' OR h.status = $4::text)"
	    " AND ($6::text IS NULL OR (h.name, h.id) > ($6::text, $7::uuid))"
	    " ORDER BY h.name, h.id LIMIT $5::integer + 1",
	/* Rows: client_cost_center. */
	[STMT_CLIENT_COST_CENTERS] =
	    "SELECT c.id, c.code, c.name, c.status, c.budget_cents, b.currency,"
	    " (SELECT coalesce(sum(d.cents), 0) FROM spend_months d"
	    "  WHERE d.business_id = $2::uuid AND d.invoiced"
	    "  AND d.cost_center_id = c.id AND " SEES("d.hub_id")
	    "  AND d.month >= date_trunc('month', " TODAY("'UTC'") ")::date),"
	    " c.name, c.id"
	    " FROM cost_centers c JOIN businesses b ON b.id = c.business_id"
	    " AND b.tenant_id = c.tenant_id"
	    " WHERE c.tenant_id = $1::uuid AND c.business_id = $2::uuid"
	    " AND " ME
	    " AND ($4::text = 'all' OR c.status = $4::text)"
	    " AND ($6::text IS NULL OR (c.name, c.id) > ($6::text, $7::uuid))"
	    " ORDER BY c.name, c.id LIMIT $5::integer + 1",
	/* Rows: client_vendor. */
	[STMT_CLIENT_VENDORS] =
	    "SELECT v.id, v.name, v.email, v.phone, bv.status,"
	    " " UTC("bv.approved_at") ", v.active_roles, v.active_staff,"
	    " v.name, v.id"
	    " FROM business_vendors bv JOIN vendors v ON v.id = bv.vendor_id"
	    " AND v.tenant_id = bv.tenant_id"
	    " WHERE bv.tenant_id = $1::uuid AND bv.business_id = $2::uuid"
	    " AND " ME
	    " AND ($4::text = 'all' OR bv.status = $4::text)"
	    " AND ($6::text IS NULL OR (v.name, v.id) > ($6::text, $7::uuid))"
	    " ORDER BY v.name, v.id LIMIT $5::integer + 1",
	/*
	 * Rows: client_vendor_head, client_vendor_role; the vendor's row
	 * with no role when it has none, no row when it is not linked.
	 */
	[STMT_CLIENT_VENDOR_ROLES] =
	    "SELECT v.id, v.name, bv.status, r.id, r.role_code, r.name,"
	    " r.description, r.bill_rate_cents, r.reference, r.currency,"
	    " r.status, r.name, r.id"
	    " FROM business_vendors bv JOIN vendors v ON v.id = bv.vendor_id"
	    " AND v.tenant_id = bv.tenant_id"
	    " LEFT JOIN LATERAL (SELECT r.*, rr.rate_cents AS reference"
	    "  FROM vendor_roles r LEFT JOIN reference_rates rr"
	    "  ON rr.tenant_id = r.tenant_id AND rr.role_code = r.role_code"
	    "  AND rr.currency = r.currency"
	    "  WHERE r.vendor_id = v.id AND r.tenant_id = $1::uuid"
	    "  AND ($5::text = 'all' OR r.status = $5::text)"
	    "  AND ($7::text IS NULL OR (r.name, r.id) > ($7::text, $8::uuid))"
	    "  ORDER BY r.name, r.id LIMIT $6::integer + 1) r ON true"
	    " WHERE bv.tenant_id = $1::uuid AND bv.business_id = $2::uuid"
	    " AND bv.vendor_id = $4::uuid AND " ME
	    " ORDER BY r.name, r.id",
	/* Rows: client_hub_head, client_hub_manager (as vendor roles). */
	[STMT_CLIENT_HUB_MANAGERS] =
	    "SELECT h.id, h.name, p.id, p.display_name, p.email, p.role,"
	    " p.status, " UTC("p.created_at") ", p.sk, p.id"
	    " FROM hubs h LEFT JOIN LATERAL (SELECT u.id, u.display_name, u.email, u.role,"
	    "  u.status, m.created_at,"
	    "  lower(coalesce(u.display_name, u.email::text, '')) AS sk"
	    "  FROM hub_managers m JOIN users u ON u.id = m.user_id"
	    "  AND u.tenant_id = m.tenant_id"
	    "  WHERE m.hub_id = h.id AND m.tenant_id = $1::uuid"
	    "  AND ($6::text IS NULL OR"
	    "  (lower(coalesce(u.display_name, u.email::text, '')), u.id) >"
	    "  ($6::text, $7::uuid))"
	    "  ORDER BY sk, u.id LIMIT $5::integer + 1) p ON true"
	    " WHERE h.tenant_id = $1::uuid AND h.business_id = $2::uuid"
	    " AND h.id = $4::uuid AND " ME " AND " SEES("h.id")
	    " ORDER BY p.sk, p.id",
	/* Rows: client_billing_account. */
	[STMT_CLIENT_BILLING_ACCOUNTS] =
	    "SELECT a.id, a.name, a.billing_email, a.currency, a.billing_cycle,"
	    " per.start, CASE a.billing_cycle WHEN 'monthly' THEN"
	    "  (per.start + interval '1 month' - interval '1 day')::date"
	    "  WHEN 'biweekly' THEN per.start + 13 ELSE per.start + 6 END,"
	    " a.payment_terms_days, a.payment_method, a.payment_last4,"
	    " a.is_default, a.status, a.open_invoices, a.open_cents,"
	    " a.name, a.id"
	    " FROM billing_accounts a CROSS JOIN LATERAL (SELECT CASE a.billing_cycle"
	    "  WHEN 'monthly' THEN"
	    "  date_trunc('month', " TODAY("'UTC'") ")::date"
	    "  ELSE a.cycle_anchor + (floor((" TODAY("'UTC'") " -"
	    "  a.cycle_anchor)::numeric / CASE a.billing_cycle WHEN"
	    "  'biweekly' THEN 14 ELSE 7 END)::integer * CASE a.billing_cycle"
	    "  WHEN 'biweekly' THEN 14 ELSE 7 END) END AS start) per"
	    " WHERE a.tenant_id = $1::uuid AND a.business_id = $2::uuid"
	    " AND " ME
	    " AND ($4::text = 'all' OR a.status = $4::text)"
	    " AND ($6::text IS NULL OR (a.name, a.id) > ($6::text, $7::uuid))"
	    " ORDER BY a.name, a.id LIMIT $5::integer + 1",
	/*
	 * Rows: client_invoice_summary, client_invoice_by_due; the summary
	 * with no invoice when none is pending, no row for a vendorId the
	 * caller does not see.
	 */
	[STMT_CLIENT_INVOICES_PENDING] =
	    ME_VIS ", sel AS (SELECT " INVOICE_COLS " FROM invoices i"
	    INVOICE_JOINS ", me"
	    " WHERE i.tenant_id = $1::uuid AND i.business_id = $2::uuid"
	    " AND i.status = ANY (string_to_array($4::text, ','))"
	    " AND ($5::uuid IS NULL OR i.vendor_id = $5::uuid)"
	    " AND " INVOICE_VISIBLE "),"
	    " summ AS (SELECT count(*) AS n, coalesce(sum(total_cents), 0)"
	    " AS cents, coalesce(json_agg(DISTINCT currency), '[]'::json)"
	    " AS currencies FROM sel),"
	    " page AS (SELECT * FROM sel WHERE $7::text IS NULL OR"
	    " (sel.due_date, sel.id) > ($7::date, $8::uuid)"
	    " ORDER BY sel.due_date, sel.id LIMIT $6::integer + 1)"
	    " SELECT summ.n, summ.cents, summ.currencies, " INVOICE_ROW ","
	    " p.due_date, p.id"
	    " FROM summ LEFT JOIN page p ON true"
	    " WHERE " VENDOR_FILTER_OK("$5")
	    " ORDER BY p.due_date, p.id",
	/* Rows: client_invoice_by_issue (no row: a vendorId not seen). */
	[STMT_CLIENT_INVOICES_HISTORY] =
	    ME_VIS ", page AS (SELECT " INVOICE_COLS " FROM invoices i"
	    INVOICE_JOINS ", me"
	    " WHERE i.tenant_id = $1::uuid AND i.business_id = $2::uuid"
	    " AND i.status = ANY (string_to_array($4::text, ','))"
	    " AND ($5::uuid IS NULL OR i.vendor_id = $5::uuid)"
	    " AND i.issued_at >= coalesce(" RANGE_LO("$6", "'UTC'") ","
	    " '-infinity') AND i.issued_at < coalesce("
	    RANGE_HI("$7", "'UTC'") ", 'infinity') AND " INVOICE_VISIBLE
	    " AND ($9::text IS NULL OR"
	    " (i.issued_at, i.id) < ($9::timestamptz, $10::uuid))"
	    " ORDER BY i.issued_at DESC, i.id DESC LIMIT $8::integer + 1)"
	    " SELECT " INVOICE_ROW ", " UTC("p.issued_at") ", p.id"
	    " FROM (SELECT) one LEFT JOIN page p ON true"
	    " WHERE " VENDOR_FILTER_OK("$5")
	    " ORDER BY p.issued_at DESC, p.id DESC",
	[STMT_CLIENT_ORDERS_VIEW] =
	    ME_VIS ", page AS (SELECT o.*, h.name AS hub_name, h.time_zone,"
	    " o.last_shift_end AS last_end, cc.code AS cc_code,"
	    " cc.name AS cc_name"
	    " FROM (SELECT o.*, coalesce(o.first_shift_at, o.created_at) AS sk"
	    "  FROM orders o"
	    "  WHERE o.tenant_id = $1::uuid AND o.business_id = $2::uuid"
	    "  AND coalesce(o.first_shift_at, o.created_at) >= "
	    COARSE_LO("$6", "'-infinity'::timestamptz")
	    "  AND coalesce(o.first_shift_at, o.created_at) < "
	    COARSE_HI("$7", "'infinity'::timestamptz")
	    "  AND ($9::text IS NULL OR"
	    "  (coalesce(o.first_shift_at, o.created_at), o.id) >"
	    "  ($9::timestamptz, $10::uuid))"
	    "  AND ($4::text IS NULL OR"
	    "  o.status = ANY (string_to_array($4::text, ',')))"
	    "  AND ($5::uuid IS NULL OR o.hub_id = $5::uuid)"
	    "  AND " ME " AND " SEES("o.hub_id")
	    /* The exact range in the order's hub's zone. */
	    "  AND ($6::text IS NULL OR coalesce(o.first_shift_at,"
	    "  o.created_at) >= " RANGE_LO("$6", "(SELECT z.time_zone"
	    "  FROM hubs z WHERE z.id = o.hub_id)") ")"
	    "  AND ($7::text IS NULL OR coalesce(o.first_shift_at,"
	    "  o.created_at) < " RANGE_HI("$7", "(SELECT z.time_zone"
	    "  FROM hubs z WHERE z.id = o.hub_id)") ")"
	    "  ORDER BY coalesce(o.first_shift_at, o.created_at), o.id"
	    "  LIMIT $8::integer + 1) o"
	    " JOIN hubs h ON h.id = o.hub_id AND h.tenant_id = o.tenant_id"
	    " LEFT JOIN cost_centers cc ON cc.id = o.cost_center_id)"
	    " SELECT CASE WHEN " HUB_FILTER_OK("$5")
	    " THEN json_build_object("
	    PAGE("(SELECT json_build_object('orderId', p.id,"
	    " 'orderNumber', p.order_number, 'title', p.title,"
	    " 'notes', p.notes, 'status', p.status,"
	    " 'hub', json_build_object('hubId', p.hub_id, 'name', p.hub_name,"
	    " 'timeZone', p.time_zone),"
	    " 'costCenter', CASE WHEN p.cost_center_id IS NULL THEN NULL"
	    " ELSE json_build_object('costCenterId', p.cost_center_id,"
	    " 'code', p.cc_code, 'name', p.cc_name) END,"
	    " 'sourceOrderId', p.source_order_id,"
	    " 'startsAt', " TS("p.sk") ", 'endsAt', " TS("p.last_end") ","
	    " 'needed', t.needed, 'filled', t.filled,"
	    " 'fillRate', " RATE("t.filled", "t.needed") ","
	    " 'estimatedCostCents', t.cost, 'currency', b.currency,"
	    " 'createdAt', " TS("p.created_at") ","
	    " 'cancelledAt', " TS("p.cancelled_at") ","
	    " 'cancelReason', p.cancel_reason,"
	    " 'shifts', (SELECT coalesce(json_agg(json_build_object("
	    " 'shiftId', s.id, 'startsAt', " TS("s.starts_at") ","
	    " 'endsAt', " TS("s.ends_at") ", 'breakMinutes', s.break_minutes,"
	    " 'status', s.status,"
	    " 'positions', " POSITIONS_JSON("s.id") ")"
	    " ORDER BY s.starts_at, s.id), '[]'::json)"
	    " FROM shifts s WHERE s.order_id = p.id))"
	    " FROM businesses b,"
	    " LATERAL (SELECT coalesce(sum(sc.needed), 0) AS needed,"
	    " coalesce(sum(sc.filled), 0) AS filled,"
	    " coalesce(sum(sc.cost), 0) AS cost FROM shifts s"
	    " CROSS JOIN LATERAL (SELECT coalesce(sum(sp.headcount), 0)"
	    "  AS needed, coalesce(sum(pc.filled), 0) AS filled,"
	    "  coalesce(sum(round(sp.headcount * sp.bill_rate_cents *"
	    "  (extract(epoch FROM s.ends_at - s.starts_at) / 60 -"
	    "  s.break_minutes) / 60.0)), 0) AS cost"
	    "  FROM shift_positions sp" POS_COUNTS
	    "  WHERE sp.shift_id = s.id AND sp.status <> 'cancelled') sc"
	    " WHERE s.order_id = p.id AND s.status <> 'cancelled') t"
	    " WHERE b.id = p.business_id)",
	    "p.sk, p.id", TSK("p.sk") ", p.id::text", "$8::integer")
	    ") END::text",
	/*
	 * Each visible hub's first live shifts (cov_day set) of the page
	 * in start order, then the first of those; the counts are stored
	 * with the shifts and positions.
	 */
	[STMT_CLIENT_COVERAGE] =
	    ME_VIS ", sel AS (SELECT x.*, h.name AS hub_name, h.time_zone"
	    " FROM vis h CROSS JOIN LATERAL (SELECT s.* FROM shifts s"
	    " WHERE s.hub_id = h.id AND s.tenant_id = $1::uuid"
	    " AND s.business_id = $2::uuid AND s.cov_day IS NOT NULL"
	    " AND ($4::uuid IS NULL OR s.hub_id = $4::uuid)"
	    " AND s.starts_at >= CASE WHEN $5::text IS NULL THEN "
	    MIDNIGHT("h.time_zone", "0") " ELSE "
	    RANGE_LO("$5", "h.time_zone") " END"
	    " AND s.starts_at < CASE WHEN $6::text IS NULL THEN "
	    MIDNIGHT("h.time_zone", "7") " ELSE "
	    RANGE_HI("$6", "h.time_zone") " END"
	    " AND s.starts_at >= " COARSE_LO("$5", "now() - interval '2 days'")
	    " AND s.starts_at < " COARSE_HI("$6", "now() + interval '9 days'")
	    " AND ($8::text IS NULL OR"
	    "  (s.starts_at, s.id) > ($8::timestamptz, $9::uuid))"
	    " ORDER BY s.starts_at, s.id LIMIT $7::integer + 1) x),"
	    " page AS (SELECT y.*, o.order_number, o.title FROM (SELECT *"
	    " FROM sel ORDER BY sel.starts_at, sel.id LIMIT $7::integer + 1) y"
	    " JOIN orders o ON o.id = y.order_id AND o.tenant_id = y.tenant_id)"
	    " SELECT CASE WHEN " HUB_FILTER_OK("$4")
	    " THEN json_build_object("
	    PAGE("(SELECT json_build_object('shiftId', p.id,"
	    " 'order', json_build_object('orderId', p.order_id,"
	    " 'orderNumber', p.order_number, 'title', p.title),"
	    " 'hub', json_build_object('hubId', p.hub_id, 'name', p.hub_name,"
	    " 'timeZone', p.time_zone),"
	    " 'localDate', (p.starts_at AT TIME ZONE p.time_zone)::date,"
	    " 'startsAt', " TS("p.starts_at") ", 'endsAt', " TS("p.ends_at") ","
	    " 'status', p.status, 'needed', sc.needed, 'filled', sc.filled,"
	    " 'open', sc.needed - sc.filled,"
	    " 'fillRate', " RATE("sc.filled", "sc.needed") ","
	    " 'positions', " POSITIONS_JSON("p.id") ")"
	    " FROM (SELECT 1) one" SHIFT_COUNTS("p.id") ")",
	    "p.starts_at, p.id", TSK("p.starts_at") ", p.id::text",
	    "$7::integer")
	    ") END::text",
	/*
	 * With dates (or the default week) the range is whole local days
	 * of each hub: the day roll-ups (coverage_days, coverage_day_roles)
	 * answer; with an instant at either end, the live shifts in range
	 * with their stored counts.  "dd" holds either, one row per hub and
	 * day (or per shift).
	 */
	[STMT_CLIENT_COVERAGE_STATS] =
	    ME_VIS ", hd AS (SELECT h.id, h.name, h.time_zone,"
	    " CASE WHEN $5::text IS NULL THEN " TODAY("h.time_zone")
	    " WHEN length($5::text) = 10 THEN $5::text::date END AS lo,"
	    " CASE WHEN $6::text IS NULL THEN " TODAY("h.time_zone") " + 7"
	    " WHEN length($6::text) = 10 THEN $6::text::date + 1 END AS hi"
	    " FROM vis h WHERE $4::uuid IS NULL OR h.id = $4::uuid),"
	    " sel AS (SELECT s.id, s.hub_id, h.name AS hub_name,"
	    " s.cov_day AS day, s.needed, s.filled"
	    " FROM hd h JOIN shifts s ON s.hub_id = h.id"
	    " WHERE NOT " DAYS_MODE " AND s.cov_day IS NOT NULL"
	    " AND s.starts_at >= CASE WHEN $5::text IS NULL THEN "
	    MIDNIGHT("h.time_zone", "0") " ELSE "
	    RANGE_LO("$5", "h.time_zone") " END"
	    " AND s.starts_at < CASE WHEN $6::text IS NULL THEN "
	    MIDNIGHT("h.time_zone", "7") " ELSE "
	    RANGE_HI("$6", "h.time_zone") " END"
	    " AND s.starts_at >= " COARSE_LO("$5", "now() - interval '2 days'")
	    " AND s.starts_at < " COARSE_HI("$6", "now() + interval '9 days'")
	    "),"
	    " dd AS (SELECT c.hub_id, h.name AS hub_name, c.day, c.shifts,"
	    " c.needed, c.filled, c.full_shifts FROM hd h"
	    " JOIN coverage_days c ON c.hub_id = h.id AND c.day >= h.lo"
	    " AND c.day < h.hi WHERE " DAYS_MODE " AND c.shifts <> 0"
	    " UNION ALL SELECT hub_id, hub_name, day, 1, needed, filled,"
	    " (filled >= needed)::integer FROM sel),"
	    " pos AS (SELECT r.role_code, c.needed, c.filled FROM hd h"
	    " JOIN coverage_day_roles c ON c.hub_id = h.id AND c.day >= h.lo"
	    " AND c.day < h.hi JOIN vendor_roles r ON r.id = c.vendor_role_id"
	    " WHERE " DAYS_MODE " AND c.needed <> 0"
	    " UNION ALL SELECT r.role_code, sp.headcount, pc.filled"
	    " FROM sel JOIN shift_positions sp ON sp.shift_id = sel.id"
	    " AND sp.status <> 'cancelled'"
	    " JOIN vendor_roles r ON r.id = sp.vendor_role_id" POS_COUNTS ")"
	    " SELECT CASE WHEN " HUB_FILTER_OK("$4")
	    " THEN json_build_object("
	    " 'totals', (SELECT json_build_object("
	    "  'shifts', coalesce(sum(shifts), 0),"
	    "  'needed', coalesce(sum(needed), 0),"
	    "  'filled', coalesce(sum(filled), 0),"
	    "  'open', coalesce(sum(needed - filled), 0),"
	    "  'fullyFilledShifts', coalesce(sum(full_shifts), 0),"
	    "  'fillRate', " RATE("sum(filled)", "sum(needed)") ") FROM dd),"
	    " 'byDay', (SELECT coalesce(json_agg(json_build_object("
	    "  'date', day, 'shifts', n, 'needed', needed, 'filled', filled,"
	    "  'open', needed - filled,"
	    "  'fillRate', " RATE("filled", "needed") ") ORDER BY day),"
	    "  '[]'::json) FROM (SELECT day, sum(shifts) AS n,"
	    "  sum(needed) AS needed, sum(filled) AS filled FROM dd"
	    "  GROUP BY day) d),"
	    " 'byHub', (SELECT coalesce(json_agg(json_build_object("
	    "  'hubId', hub_id, 'name', hub_name, 'shifts', n,"
	    "  'needed', needed, 'filled', filled, 'open', needed - filled,"
	    "  'fillRate', " RATE("filled", "needed") ")"
	    "  ORDER BY hub_name, hub_id), '[]'::json)"
	    "  FROM (SELECT hub_id, hub_name, sum(shifts) AS n,"
	    "  sum(needed) AS needed, sum(filled) AS filled FROM dd"
	    "  GROUP BY hub_id, hub_name) d),"
	    " 'byRole', (SELECT coalesce(json_agg(json_build_object("
	    "  'roleCode', role_code, 'needed', needed, 'filled', filled,"
	    "  'open', needed - filled,"
	    "  'fillRate', " RATE("filled", "needed") ") ORDER BY role_code),"
	    "  '[]'::json) FROM (SELECT role_code, sum(needed) AS needed,"
	    "  sum(filled) AS filled FROM pos GROUP BY role_code) d)"
	    ") END::text",
	/*
	 * today, thisWeek and upcoming add the day roll-ups of the visible
	 * hubs (coverage_days, local days of each hub, from the start of
	 * its week on); upcoming takes today's part from the shifts of
	 * today that start from now on.  nextShifts: the first five live
	 * shifts (cov_day set) from now on of each visible hub, then the
	 * first five of those.
	 */
	[STMT_CLIENT_DASHBOARD] =
	    ME_VIS ", hd AS (SELECT h.id, h.name, " TODAY("h.time_zone")
	    " AS today, " MIDNIGHT("h.time_zone", "2") " AS bound FROM vis h"
	    " WHERE $4::uuid IS NULL OR h.id = $4::uuid),"
	    " cd AS (SELECT c.*, hd.today FROM hd JOIN coverage_days c"
	    " ON c.hub_id = hd.id"
	    " AND c.day >= date_trunc('week', hd.today)::date"
	    " WHERE c.shifts <> 0),"
	    " up AS (SELECT c.shifts, c.needed, c.filled FROM cd c"
	    " WHERE c.day > c.today"
	    " UNION ALL SELECT 1, s.needed, s.filled FROM hd JOIN shifts s"
	    " ON s.hub_id = hd.id AND s.starts_at >= now()"
	    " AND s.starts_at < hd.bound AND s.cov_day = hd.today),"
	    " nx AS (SELECT y.*, o.order_number, o.title"
	    " FROM (SELECT x.*, hd.name AS hub_name FROM hd"
	    " CROSS JOIN LATERAL (SELECT s.id, s.starts_at, s.ends_at,"
	    " s.hub_id, s.order_id, s.tenant_id, s.needed, s.filled"
	    " FROM shifts s WHERE s.hub_id = hd.id AND s.starts_at >= now()"
	    " AND s.tenant_id = $1::uuid AND s.business_id = $2::uuid"
	    " AND s.cov_day IS NOT NULL ORDER BY s.starts_at, s.id LIMIT 5) x"
	    " ORDER BY x.starts_at, x.id LIMIT 5) y"
	    " JOIN orders o ON o.id = y.order_id"
	    " AND o.tenant_id = y.tenant_id),"
	    " mon AS (SELECT date_trunc('month', " TODAY("'UTC'") ")::date"
	    " AS start),"
	    " inv AS (SELECT i.* FROM invoices i, me"
	    " WHERE i.tenant_id = $1::uuid AND i.business_id = $2::uuid"
	    " AND i.status = 'pending' AND " INVOICE_VISIBLE
	    " AND ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM invoice_lines l"
	    "  WHERE l.invoice_id = i.id AND l.hub_id = $4::uuid))),"
	    /* Work dates from the month's first on: the month roll-up. */
	    " billed AS (SELECT coalesce(sum(d.cents), 0) AS cents"
	    " FROM spend_months d, mon WHERE d.tenant_id = $1::uuid"
	    " AND d.business_id = $2::uuid AND d.invoiced"
	    " AND d.hub_id IN (SELECT id FROM vis)"
	    " AND d.month >= mon.start"
	    " AND ($4::uuid IS NULL OR d.hub_id = $4::uuid)),"
	    " accrued AS (SELECT coalesce(sum(d.cents), 0) AS cents"
	    " FROM spend_months d, mon WHERE d.tenant_id = $1::uuid"
	    " AND d.business_id = $2::uuid AND NOT d.invoiced"
	    " AND d.hub_id IN (SELECT id FROM vis)"
	    " AND d.month >= mon.start"
	    " AND ($4::uuid IS NULL OR d.hub_id = $4::uuid))"
	    " SELECT CASE WHEN " HUB_FILTER_OK("$4")
	    " THEN json_build_object("
	    " 'today', (SELECT json_build_object("
	    "  'shifts', coalesce(sum(shifts), 0),"
	    "  'needed', coalesce(sum(needed), 0),"
	    "  'filled', coalesce(sum(filled), 0),"
	    "  'open', coalesce(sum(needed - filled), 0),"
	    "  'onSite', coalesce(sum(on_site), 0),"
	    "  'fillRate', " RATE("sum(filled)", "sum(needed)") ")"
	    "  FROM cd WHERE day = today),"
	    " 'thisWeek', (SELECT json_build_object("
	    "  'shifts', coalesce(sum(shifts), 0),"
	    "  'needed', coalesce(sum(needed), 0),"
	    "  'filled', coalesce(sum(filled), 0),"
	    "  'open', coalesce(sum(needed - filled), 0),"
	    "  'fillRate', " RATE("sum(filled)", "sum(needed)") ")"
	    "  FROM cd WHERE day < date_trunc('week', today)::date + 7),"
	    " 'upcoming', (SELECT json_build_object("
	    "  'shifts', coalesce(sum(shifts), 0),"
	    "  'needed', coalesce(sum(needed), 0),"
	    "  'filled', coalesce(sum(filled), 0),"
	    "  'openPositions', coalesce(sum(needed - filled), 0),"
	    "  'fillRate', " RATE("sum(filled)", "sum(needed)") ")"
	    "  FROM up),"
	    " 'nextShifts', (SELECT coalesce(json_agg(json_build_object("
	    "  'shiftId', id, 'orderNumber', order_number, 'title', title,"
	    "  'hub', json_build_object('hubId', hub_id, 'name', hub_name),"
	    "  'startsAt', " TS("starts_at") ", 'endsAt', " TS("ends_at") ","
	    "  'needed', needed, 'filled', filled)"
	    "  ORDER BY starts_at, id), '[]'::json) FROM nx),"
	    " 'spendThisMonth', (SELECT json_build_object("
	    "  'periodStart', mon.start,"
	    "  'periodEnd', (mon.start + interval '1 month' -"
	    "  interval '1 day')::date,"
	    "  'invoicedCents', billed.cents, 'accruedCents', accrued.cents,"
	    "  'totalCents', billed.cents + accrued.cents,"
	    "  'currency', b.currency) FROM mon, billed, accrued, businesses b"
	    "  WHERE b.id = $2::uuid),"
	    " 'invoicesAwaitingApproval', (SELECT json_build_object("
	    "  'count', count(*), 'totalCents', coalesce(sum(total_cents), 0))"
	    "  FROM inv)"
	    ") END::text",
	[STMT_CLIENT_REORDERS] =
	    ME_VIS ", page AS (SELECT o.*, h.name AS hub_name,"
	    " h.status AS hub_status, cc.code AS cc_code, cc.name AS cc_name,"
	    " o.last_shift_start AS last_start"
	    " FROM (SELECT o.* FROM orders o"
	    "  WHERE o.tenant_id = $1::uuid AND o.business_id = $2::uuid"
	    "  AND o.status = 'completed' AND o.last_shift_start IS NOT NULL"
	    "  AND ($4::uuid IS NULL OR o.hub_id = $4::uuid)"
	    "  AND " ME " AND " SEES("o.hub_id")
	    "  AND ($6::text IS NULL OR"
	    "  (o.last_shift_start, o.id) < ($6::timestamptz, $7::uuid))"
	    "  ORDER BY o.last_shift_start DESC, o.id DESC"
	    "  LIMIT $5::integer + 1) o"
	    " JOIN hubs h ON h.id = o.hub_id AND h.tenant_id = o.tenant_id"
	    " LEFT JOIN cost_centers cc ON cc.id = o.cost_center_id)"
	    " SELECT CASE WHEN " HUB_FILTER_OK("$4")
	    " THEN json_build_object("
	    PAGE("(SELECT json_build_object('orderId', p.id,"
	    " 'orderNumber', p.order_number, 'title', p.title,"
	    " 'notes', p.notes,"
	    " 'hub', json_build_object('hubId', p.hub_id, 'name', p.hub_name,"
	    " 'status', p.hub_status),"
	    " 'costCenter', CASE WHEN p.cost_center_id IS NULL THEN NULL"
	    " ELSE json_build_object('costCenterId', p.cost_center_id,"
	    " 'code', p.cc_code, 'name', p.cc_name) END,"
	    " 'lastShiftStartsAt', " TS("p.last_start") ","
	    " 'shiftCount', (SELECT count(*) FROM shifts s"
	    "  WHERE s.order_id = p.id),"
	    " 'timesReordered', (SELECT count(*) FROM orders ro"
	    "  WHERE ro.source_order_id = p.id),"
	    " 'canReorder', p.hub_status = 'active' AND"
	    "  coalesce(bool_and(t.available), false),"
	    " 'positions', coalesce(json_agg(json_build_object("
	    "  'role', json_build_object('roleId', t.role_id,"
	    "  'roleCode', t.role_code, 'name', t.role_name),"
	    "  'vendor', json_build_object('vendorId', t.vendor_id,"
	    "  'name', t.vendor_name, 'approvalStatus', t.approval),"
	    "  'headcount', t.headcount, 'billRateCents', t.ordered_rate,"
	    "  'currentBillRateCents', t.current_rate,"
	    "  'currency', t.currency, 'available', t.available)"
	    "  ORDER BY t.role_name, t.role_id) FILTER (WHERE t.role_id IS"
	    "  NOT NULL), '[]'::json))"
	    " FROM (SELECT r.id AS role_id, r.role_code, r.name AS role_name,"
	    "  v.id AS vendor_id, v.name AS vendor_name, bv.status AS approval,"
	    "  max(sp.headcount) AS headcount,"
	    "  max(sp.bill_rate_cents) AS ordered_rate,"
	    "  r.bill_rate_cents AS current_rate, r.currency,"
	    "  r.status = 'active' AND v.status = 'active' AND"
	    "  bv.status = 'approved' AS available"
	    "  FROM shifts s JOIN shift_positions sp ON sp.shift_id = s.id"
	    "  AND sp.status <> 'cancelled'"
	    "  JOIN vendor_roles r ON r.id = sp.vendor_role_id"
	    "  JOIN vendors v ON v.id = sp.vendor_id"
	    "  JOIN business_vendors bv ON bv.business_id = s.business_id"
	    "  AND bv.vendor_id = sp.vendor_id"
	    "  WHERE s.order_id = p.id"
	    "  GROUP BY r.id, v.id, bv.status) t)",
	    "p.last_start DESC, p.id DESC",
	    TSK("p.last_start") ", p.id::text", "$5::integer")
	    ") END::text",
	[STMT_CLIENT_CURRENT_BILL] =
	    ME_VIS ", acct AS (SELECT a.* FROM billing_accounts a, me"
	    " WHERE a.tenant_id = $1::uuid AND a.business_id = $2::uuid"
	    " AND CASE WHEN $4::uuid IS NULL THEN a.is_default"
	    " ELSE a.id = $4::uuid END),"
	    " per AS (SELECT acct.id, p0.start, CASE acct.billing_cycle"
	    "  WHEN 'monthly' THEN"
	    "  (p0.start + interval '1 month' - interval '1 day')::date"
	    "  WHEN 'biweekly' THEN p0.start + 13 ELSE p0.start + 6 END AS fin"
	    " FROM acct CROSS JOIN LATERAL (SELECT CASE acct.billing_cycle"
	    "  WHEN 'monthly' THEN date_trunc('month', " TODAY("'UTC'")
	    ")::date"
	    "  ELSE acct.cycle_anchor + (floor((" TODAY("'UTC'") " -"
	    "  acct.cycle_anchor)::numeric / CASE acct.billing_cycle WHEN"
	    "  'biweekly' THEN 14 ELSE 7 END)::integer *"
	    "  CASE acct.billing_cycle WHEN 'biweekly' THEN 14 ELSE 7 END)"
	    "  END AS start) p0),"
	    " dflt AS (SELECT d.id FROM billing_accounts d"
	    " WHERE d.business_id = $2::uuid AND d.is_default),"
	    /* Finished work not invoiced: the roll-up (n entries a row). */
	    " done AS (SELECT d.hub_id, d.vendor_id, d.work_date AS day,"
	    " d.minutes, d.cents, d.entries AS n,"
	    " CASE WHEN d.work_date < per.start THEN 'carriedOver'"
	    "  ELSE 'accrued' END AS part"
	    " FROM spend_days d, acct, per"
	    " WHERE d.tenant_id = $1::uuid AND d.business_id = $2::uuid"
	    " AND NOT d.invoiced AND d.hub_id IN (SELECT id FROM vis)"
	    " AND coalesce(d.billing_account_id, (SELECT id FROM dflt))"
	    "  = acct.id"
	    " AND d.work_date <= per.fin),"
	    /* Open entries, live (few). */
	    " open AS (SELECT s.hub_id, sp.vendor_id,"
	    " (te.clock_in_at AT TIME ZONE h.time_zone)::date AS day,"
	    " m.minutes, round(m.minutes * sp.bill_rate_cents / 60.0) AS cents,"
	    " 1 AS n, 'inProgress' AS part"
	    " FROM time_entries te JOIN shifts s ON s.id = te.shift_id"
	    " JOIN vis h ON h.id = s.hub_id"
	    " JOIN orders o ON o.id = s.order_id"
	    " JOIN assignments a ON a.id = te.assignment_id"
	    " JOIN shift_positions sp ON sp.id = a.position_id"
	    " CROSS JOIN LATERAL (SELECT greatest(0, floor(extract(epoch"
	    "  FROM now() - te.clock_in_at) / 60))::integer AS minutes) m,"
	    " acct, per"
	    " WHERE te.tenant_id = $1::uuid AND te.business_id = $2::uuid"
	    " AND te.status = 'open' AND NOT te.invoiced"
	    " AND coalesce(o.billing_account_id, (SELECT id FROM dflt))"
	    "  = acct.id"
	    " AND (te.clock_in_at AT TIME ZONE h.time_zone)::date <= per.fin),"
	    " work AS (SELECT w.*, h.name AS hub_name, v.name AS vendor_name"
	    " FROM (SELECT * FROM done UNION ALL SELECT * FROM open) w"
	    " JOIN hubs h ON h.id = w.hub_id"
	    " JOIN vendors v ON v.id = w.vendor_id)"
	    " SELECT (SELECT json_build_object("
	    " 'billingAccount', json_build_object('billingAccountId', acct.id,"
	    "  'name', acct.name, 'billingCycle', acct.billing_cycle),"
	    " 'periodStart', per.start, 'periodEnd', per.fin,"
	    " 'currency', acct.currency,"
	    " 'accrued', (SELECT json_build_object('timeEntries',"
	    "  coalesce(sum(n), 0),"
	    "  'minutes', coalesce(sum(minutes), 0),"
	    "  'amountCents', coalesce(sum(cents), 0)) FROM work"
	    "  WHERE part = 'accrued'),"
	    " 'inProgress', (SELECT json_build_object('timeEntries',"
	    "  coalesce(sum(n), 0),"
	    "  'minutes', coalesce(sum(minutes), 0),"
	    "  'amountCents', coalesce(sum(cents), 0)) FROM work"
	    "  WHERE part = 'inProgress'),"
	    " 'carriedOver', (SELECT json_build_object('timeEntries',"
	    "  coalesce(sum(n), 0),"
	    "  'minutes', coalesce(sum(minutes), 0),"
	    "  'amountCents', coalesce(sum(cents), 0)) FROM work"
	    "  WHERE part = 'carriedOver'),"
	    " 'totalCents', (SELECT coalesce(sum(cents), 0) FROM work),"
	    " 'byVendor', (SELECT coalesce(json_agg(json_build_object("
	    "  'vendorId', vendor_id, 'name', vendor_name, 'minutes', mi,"
	    "  'amountCents', ce) ORDER BY ce DESC, vendor_id), '[]'::json)"
	    "  FROM (SELECT vendor_id, vendor_name, sum(minutes) AS mi,"
	    "  sum(cents) AS ce FROM work GROUP BY vendor_id, vendor_name) g),"
	    " 'byHub', (SELECT coalesce(json_agg(json_build_object("
	    "  'hubId', hub_id, 'name', hub_name, 'minutes', mi,"
	    "  'amountCents', ce) ORDER BY ce DESC, hub_id), '[]'::json)"
	    "  FROM (SELECT hub_id, hub_name, sum(minutes) AS mi,"
	    "  sum(cents) AS ce FROM work GROUP BY hub_id, hub_name) g),"
	    " 'byDay', (SELECT coalesce(json_agg(json_build_object("
	    "  'date', day, 'minutes', mi, 'amountCents', ce) ORDER BY day),"
	    "  '[]'::json) FROM (SELECT day, sum(minutes) AS mi,"
	    "  sum(cents) AS ce FROM work WHERE part = 'accrued'"
	    "  GROUP BY day) g))"
	    " FROM acct, per)::text",
	[STMT_CLIENT_SAVINGS] =
	    /*
	     * The invoiced roll-up; ref_cents is NULL where the role code
	     * has no reference rate: then the reference of those lines is
	     * computed line by line from the default percentage ($6).
	     */
	    ME_VIS ", sums AS (SELECT d.vendor_id, d.vendor_role_id,"
	    " d.currency, sum(d.minutes) AS minutes, sum(d.cents) AS cents,"
	    " sum(coalesce(d.ref_cents, (SELECT sum(round(l.minutes *"
	    "  round(l.rate_cents * (100 + $6::integer) / 100.0) / 60.0))"
	    "  FROM invoice_lines l WHERE l.business_id = d.business_id"
	    "  AND l.work_date = d.work_date AND l.hub_id = d.hub_id"
	    "  AND l.vendor_id = d.vendor_id"
	    "  AND l.vendor_role_id = d.vendor_role_id"
	    "  AND l.cost_center_id IS NOT DISTINCT FROM d.cost_center_id"
	    "  AND l.sd_currency = d.currency))) AS ref_cents"
	    " FROM spend_days d"
	    " WHERE d.tenant_id = $1::uuid AND d.business_id = $2::uuid"
	    " AND d.invoiced AND d.hub_id IN (SELECT id FROM vis)"
	    " AND d.work_date BETWEEN " DATE_OF("$4", "29") " AND "
	    DATE_OF("$5", "0")
	    " GROUP BY d.vendor_id, d.vendor_role_id, d.currency),"
	    " lines AS (SELECT g.minutes, g.cents AS amount_cents, g.vendor_id,"
	    " v.name AS vendor_name, r.role_code, rr.rate_cents AS ref_rate,"
	    " g.ref_cents"
	    " FROM sums g JOIN vendor_roles r ON r.id = g.vendor_role_id"
	    " JOIN vendors v ON v.id = g.vendor_id"
	    " LEFT JOIN reference_rates rr ON rr.tenant_id = $1::uuid"
	    " AND rr.role_code = r.role_code AND rr.currency = g.currency)"
	    " SELECT (SELECT json_build_object("
	    " 'from', " DATE_OF("$4", "29") ", 'to', " DATE_OF("$5", "0") ","
	    " 'currency', b.currency, 'defaultReferencePct', $6::integer,"
	    " 'minutes', t.mi, 'billedCents', t.bi, 'referenceCents', t.re,"
	    " 'savingsCents', t.re - t.bi,"
	    " 'savingsRate', " RATE("t.re - t.bi", "t.re") ","
	    " 'byRole', (SELECT coalesce(json_agg(json_build_object("
	    "  'roleCode', role_code, 'referenceRateCents', rr,"
	    "  'minutes', mi, 'billedCents', bi, 'referenceCents', re,"
	    "  'savingsCents', re - bi) ORDER BY role_code), '[]'::json)"
	    "  FROM (SELECT role_code, max(ref_rate) AS rr,"
	    "  sum(minutes) AS mi, sum(amount_cents) AS bi,"
	    "  sum(ref_cents) AS re FROM lines GROUP BY role_code) g),"
	    " 'byVendor', (SELECT coalesce(json_agg(json_build_object("
	    "  'vendorId', vendor_id, 'name', vendor_name, 'minutes', mi,"
	    "  'billedCents', bi, 'referenceCents', re,"
	    "  'savingsCents', re - bi) ORDER BY vendor_name, vendor_id),"
	    "  '[]'::json) FROM (SELECT vendor_id, vendor_name,"
	    "  sum(minutes) AS mi, sum(amount_cents) AS bi,"
	    "  sum(ref_cents) AS re FROM lines"
	    "  GROUP BY vendor_id, vendor_name) g))"
	    " FROM businesses b, me, (SELECT coalesce(sum(minutes), 0) AS mi,"
	    "  coalesce(sum(amount_cents), 0) AS bi,"
	    "  coalesce(sum(ref_cents), 0) AS re FROM lines) t"
	    " WHERE b.id = $2::uuid)::text",
	[STMT_CLIENT_SPEND] =
	    ME_VIS ", spend AS ("
	    " SELECT d.hub_id, d.cost_center_id, d.vendor_id, r.role_code,"
	    " r.name AS role_name, d.minutes, d.cents, d.invoiced"
	    " FROM spend_days d"
	    " JOIN vendor_roles r ON r.id = d.vendor_role_id"
	    /* (both values named: the key index goes on to hub and date) */
	    " WHERE d.tenant_id = $1::uuid AND d.business_id = $2::uuid"
	    " AND d.invoiced IN (false, true)"
	    " AND d.hub_id IN (SELECT id FROM vis)"
	    " AND ($6::uuid IS NULL OR d.hub_id = $6::uuid)"
	    " AND d.work_date BETWEEN " DATE_OF("$4", "29") " AND "
	    DATE_OF("$5", "0") "),"
	    /* One pass: the four groupings and the total (gs 15). */
	    " sets AS (SELECT hub_id, cost_center_id, vendor_id, role_code,"
	    " min(role_name) AS role_name,"
	    " GROUPING(hub_id, cost_center_id, vendor_id, role_code) AS gs,"
	    " sum(minutes) AS mi, sum(cents) FILTER (WHERE invoiced) AS inv,"
	    " sum(cents) FILTER (WHERE NOT invoiced) AS acc, sum(cents) AS ce"
	    " FROM spend GROUP BY GROUPING SETS ((hub_id), (cost_center_id),"
	    " (vendor_id), (role_code), ())),"
	    " tot AS (SELECT coalesce(mi, 0) AS mi, coalesce(inv, 0) AS inv,"
	    " coalesce(acc, 0) AS acc, coalesce(ce, 0) AS cents"
	    " FROM sets WHERE gs = 15)"
	    " SELECT CASE WHEN " HUB_FILTER_OK("$6")
	    " THEN (SELECT json_build_object("
	    " 'from', " DATE_OF("$4", "29") ", 'to', " DATE_OF("$5", "0") ","
	    " 'currency', b.currency,"
	    " 'totals', json_build_object('minutes', tot.mi,"
	    "  'invoicedCents', tot.inv, 'accruedCents', tot.acc,"
	    "  'totalCents', tot.cents),"
	    " 'byHub', (SELECT coalesce(json_agg(json_build_object("
	    "  'hubId', g.hub_id, 'name', hb.name" SPEND_SUMS ")"
	    "  ORDER BY g.ce DESC, hb.name, g.hub_id), '[]'::json)"
	    "  FROM " SPEND_SET("7") " JOIN hubs hb ON hb.id = g.hub_id),"
	    " 'byCostCenter', (SELECT coalesce(json_agg(json_build_object("
	    "  'costCenterId', g.cost_center_id, 'code', c.code,"
	    "  'name', c.name" SPEND_SUMS ")"
	    "  ORDER BY g.ce DESC, c.name NULLS LAST, g.cost_center_id),"
	    "  '[]'::json) FROM " SPEND_SET("11")
	    "  LEFT JOIN cost_centers c ON c.id = g.cost_center_id),"
	    " 'byVendor', (SELECT coalesce(json_agg(json_build_object("
	    "  'vendorId', g.vendor_id, 'name', v.name" SPEND_SUMS ")"
	    "  ORDER BY g.ce DESC, v.name, g.vendor_id), '[]'::json)"
	    "  FROM " SPEND_SET("13") " JOIN vendors v ON v.id = g.vendor_id),"
	    " 'byRole', (SELECT coalesce(json_agg(json_build_object("
	    "  'roleCode', g.role_code, 'name', g.role_name" SPEND_SUMS ")"
	    "  ORDER BY g.ce DESC, g.role_code), '[]'::json)"
	    "  FROM " SPEND_SET("14") "))"
	    " FROM businesses b, me, tot WHERE b.id = $2::uuid) END::text",
	[STMT_TENANT_BUSINESSES] =
	    ADMIN ", page AS (SELECT b.*,"
	    " (SELECT count(*) FROM hubs h WHERE h.business_id = b.id"
	    "  AND h.status = 'active') AS nhubs,"
	    " (SELECT count(*) FROM users u WHERE u.business_id = b.id"
	    "  AND u.status = 'active') AS nusers,"
	    " (SELECT count(*) FROM business_vendors bv"
	    "  WHERE bv.business_id = b.id AND bv.status = 'approved')"
	    "  AS nvendors,"
	    " (SELECT max(o.created_at) FROM orders o"
	    "  WHERE o.business_id = b.id) AS last_order"
	    " FROM businesses b, adm WHERE b.tenant_id = $2::uuid"
	    " AND ($4::text = 'all' OR b.status = $4::text)"
	    " AND ($5::text IS NULL OR"
	    "  strpos(lower(b.name), lower($5::text)) > 0)"
	    " AND ($7::text IS NULL OR (b.name, b.id) > ($7::text, $8::uuid))"
	    " ORDER BY b.name, b.id LIMIT $6::integer + 1)"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM adm)"
	    " THEN json_build_object("
	    PAGE("json_build_object('businessId', p.id, 'name', p.name,"
	    " 'legalName', p.legal_name, 'email', p.email::text,"
	    " 'phone', p.phone, 'currency', p.currency, 'status', p.status,"
	    " 'activeHubCount', p.nhubs, 'activeUserCount', p.nusers,"
	    " 'approvedVendorCount', p.nvendors,"
	    " 'lastOrderAt', " TS("p.last_order") ","
	    " 'createdAt', " TS("p.created_at") ")",
	    "p.name, p.id", "p.name, p.id::text", "$6::integer")
	    ") END::text",
	[STMT_TENANT_VENDORS] =
	    ADMIN ", page AS (SELECT v.*,"
	    " (SELECT count(*) FROM vendor_roles r WHERE r.vendor_id = v.id"
	    "  AND r.status = 'active') AS nroles,"
	    " v.active_staff AS nstaff,"
	    " (SELECT count(*) FROM business_vendors bv"
	    "  WHERE bv.vendor_id = v.id AND bv.status = 'approved')"
	    "  AS nbusinesses"
	    " FROM vendors v, adm WHERE v.tenant_id = $2::uuid"
	    " AND ($4::text = 'all' OR v.status = $4::text)"
	    " AND ($5::text IS NULL OR"
	    "  strpos(lower(v.name), lower($5::text)) > 0)"
	    " AND ($7::text IS NULL OR (v.name, v.id) > ($7::text, $8::uuid))"
	    " ORDER BY v.name, v.id LIMIT $6::integer + 1)"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM adm)"
	    " THEN json_build_object("
	    PAGE("json_build_object('vendorId', p.id, 'name', p.name,"
	    " 'email', p.email::text, 'phone', p.phone, 'status', p.status,"
	    " 'activeRoleCount', p.nroles, 'activeStaffCount', p.nstaff,"
	    " 'approvedByBusinessCount', p.nbusinesses,"
	    " 'createdAt', " TS("p.created_at") ")",
	    "p.name, p.id", "p.name, p.id::text", "$6::integer")
	    ") END::text",
	[STMT_TENANT_STAFF] =
	    ADMIN ", page AS (SELECT s.*, v.name AS vendor_name, sp.rating,"
	    " (SELECT coalesce(json_agg(DISTINCT r.role_code), '[]'::json)"
	    "  FROM staff_roles x JOIN vendor_roles r"
	    "  ON r.id = x.vendor_role_id WHERE x.staff_id = s.id) AS roles,"
	    " (SELECT count(*) FROM assignments a WHERE a.staff_id = s.id"
	    "  AND a.status = 'completed') AS ncompleted"
	    " FROM staff s JOIN vendors v ON v.id = s.vendor_id"
	    " AND v.tenant_id = s.tenant_id"
	    " LEFT JOIN staff_profiles sp ON sp.staff_id = s.id, adm"
	    " WHERE s.tenant_id = $2::uuid"
	    " AND ($4::text = 'all' OR s.status = $4::text)"
	    " AND ($5::uuid IS NULL OR s.vendor_id = $5::uuid)"
	    " AND ($6::text IS NULL OR strpos(lower(s.first_name || ' ' ||"
	    "  s.last_name || ' ' || coalesce(s.email::text, '')),"
	    "  lower($6::text)) > 0)"
	    " AND ($8::text IS NULL OR (s.last_name, s.first_name, s.id) >"
	    "  ($8::text, $9::text, $10::uuid))"
	    " ORDER BY s.last_name, s.first_name, s.id LIMIT $7::integer + 1)"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM adm) AND ($5::uuid IS NULL"
	    " OR EXISTS (SELECT 1 FROM vendors v WHERE v.id = $5::uuid"
	    " AND v.tenant_id = $2::uuid))"
	    " THEN json_build_object("
	    PAGE("json_build_object('staffId', p.id,"
	    " 'firstName', p.first_name, 'lastName', p.last_name,"
	    " 'email', p.email::text, 'phone', p.phone, 'status', p.status,"
	    " 'vendor', json_build_object('vendorId', p.vendor_id,"
	    " 'name', p.vendor_name), 'rating', p.rating,"
	    " 'roleCodes', p.roles, 'completedShiftCount', p.ncompleted,"
	    " 'createdAt', " TS("p.created_at") ")",
	    "p.last_name, p.first_name, p.id",
	    "p.last_name, p.first_name, p.id::text", "$7::integer")
	    ") END::text",
	[STMT_TENANT_ORDERS] =
	    ADMIN ", page AS (SELECT o.*, b.name AS business_name,"
	    " h.name AS hub_name, h.time_zone"
	    " FROM orders o JOIN businesses b ON b.id = o.business_id"
	    " AND b.tenant_id = o.tenant_id"
	    " JOIN hubs h ON h.id = o.hub_id AND h.tenant_id = o.tenant_id"
	    ", adm"
	    " WHERE o.tenant_id = $2::uuid"
	    " AND ($4::text IS NULL OR"
	    "  o.status = ANY (string_to_array($4::text, ',')))"
	    " AND ($5::uuid IS NULL OR o.business_id = $5::uuid)"
	    " AND ($6::text IS NULL OR o.created_at >= "
	    RANGE_LO("$6", "'UTC'") ")"
	    " AND ($7::text IS NULL OR o.created_at < "
	    RANGE_HI("$7", "'UTC'") ")"
	    " AND ($9::text IS NULL OR"
	    "  (o.created_at, o.id) < ($9::timestamptz, $10::uuid))"
	    " ORDER BY o.created_at DESC, o.id DESC LIMIT $8::integer + 1)"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM adm) AND ($5::uuid IS NULL"
	    " OR EXISTS (SELECT 1 FROM businesses b WHERE b.id = $5::uuid"
	    " AND b.tenant_id = $2::uuid))"
	    " THEN json_build_object("
	    PAGE("(SELECT json_build_object('orderId', p.id,"
	    " 'orderNumber', p.order_number, 'title', p.title,"
	    " 'status', p.status,"
	    " 'business', json_build_object('businessId', p.business_id,"
	    " 'name', p.business_name),"
	    " 'hub', json_build_object('hubId', p.hub_id, 'name', p.hub_name,"
	    " 'timeZone', p.time_zone),"
	    " 'startsAt', " TS("p.first_shift_at") ","
	    " 'endsAt', " TS("p.last_shift_end") ","
	    " 'shiftCount', (SELECT count(*) FROM shifts s2"
	    "  WHERE s2.order_id = p.id),"
	    " 'needed', coalesce(sum(sp.headcount), 0),"
	    " 'filled', coalesce(sum(pc.filled), 0),"
	    " 'createdAt', " TS("p.created_at") ")"
	    " FROM shifts s JOIN shift_positions sp ON sp.shift_id = s.id"
	    " AND sp.status <> 'cancelled'" POS_COUNTS
	    " WHERE s.order_id = p.id AND s.status <> 'cancelled')",
	    "p.created_at DESC, p.id DESC",
	    TSK("p.created_at") ", p.id::text", "$8::integer")
	    ") END::text",
	/*
	 * Staff reads: $1 tenant, $2 staff, $3 user, then the route's
	 * parameters in the order h_staff.c pushes them.  Lists: $4
	 * limit, $5 $6 cursor (start, id).
	 */
	/* Rows: staff_assignment (h_staff.c), the next four. */
	[STMT_STAFF_SHIFTS_ASSIGNED] =
	    MINE_PAGE_ASC("m.astatus IN ('assigned', 'confirmed',"
	    " 'checked_in', 'checked_out') AND " MINE_LIVE),
	[STMT_STAFF_SHIFTS_PENDING] =
	    MINE_PAGE_ASC("m.astatus = 'applied' AND " MINE_LIVE),
	[STMT_STAFF_SHIFTS_CANCELLED] =
	    MINE_PAGE_DESC("m.astatus IN ('cancelled', 'declined') OR"
	    " (m.astatus NOT IN ('completed', 'no_show') AND NOT ("
	    MINE_LIVE "))"),
	[STMT_STAFF_SHIFTS_COMPLETED] =
	    MINE_PAGE_DESC("m.astatus = 'completed'"),
	/*
	 * The open positions in start order: per role the first $4 + 1
	 * from the cursor on (an index range of shift_positions_openpos_idx,
	 * read until that many pass SQLR_OPENPOS_OK), then the first $4 + 1
	 * of those: the work is bounded by the page, not by how many
	 * positions are open.
	 */
	/* Rows: staff_open_position (h_staff.c). */
	[STMT_STAFF_SHIFTS_OPEN] =
	    SQLR_ME_STAFF SQLR_AVAIL
	    ", keys AS (SELECT q.pid, q.sk FROM me CROSS JOIN az"
	    " CROSS JOIN sqlr_roles x CROSS JOIN LATERAL (SELECT sp.id AS pid,"
	    " sp.shift_starts_at AS sk FROM shift_positions sp"
	    " WHERE sp.vendor_role_id = x.vendor_role_id"
	    " AND (sp.shift_starts_at, sp.id) >"
	    " (coalesce($5::text::timestamptz, '-infinity'),"
	    " coalesce($6::text::uuid, '00000000-0000-0000-0000-000000000000'))"
	    " AND " SQLR_OPENPOS_OK
	    " ORDER BY sp.shift_starts_at, sp.id LIMIT $4::integer + 1) q"
	    " ORDER BY q.sk, q.pid LIMIT $4::integer + 1)"
	    ", page AS (" OPENPOS_ROWS("keys k") ")"
	    " SELECT " SHIFT_ROW ", " HUB_ROW ", p.pid, p.open_slots,"
	    " " UTC("p.starts_at") ", p.pid"
	    " FROM page p ORDER BY p.starts_at, p.pid",
	/*
	 * $4 shift id.  openpos is limited to that shift inside the CTE:
	 * read three times, it is materialized, and a filter outside it
	 * came after every open position of the worker's roles (a cost
	 * that grew with the tenant).
	 */
	[STMT_STAFF_SHIFT] =
	    SQLR_ME_STAFF MINE SQLR_AVAIL
	    ", openpos AS (SELECT " SHIFT_SRC ", sp.headcount - f.filled"
	    " AS open_slots" SQLR_OPENPOS_FROM " AND s.id = $4::uuid)"
	    ", my AS (SELECT * FROM mine m WHERE m.sid = $4::uuid"
	    " ORDER BY m.astatus IN ('declined', 'cancelled'),"
	    " m.applied_at DESC NULLS LAST, m.aid LIMIT 1),"
	    " base AS (SELECT " SHIFT_COLS " FROM my UNION ALL"
	    " (SELECT " SHIFT_COLS " FROM openpos WHERE sid = $4::uuid"
	    " AND NOT EXISTS (SELECT 1 FROM my) ORDER BY role_name, pid"
	    " LIMIT 1))"
	    " SELECT (SELECT json_build_object(" SHIFT_MEMBERS ","
	    " 'notes', p.snotes, 'orderNotes', p.onotes,"
	    " 'hub', " HUB_FULL ","
	    " 'myAssignment', (SELECT json_build_object(" ASSIGN_MEMBERS ")"
	    " FROM my p),"
	    " 'timeEntries', (SELECT coalesce(json_agg(json_build_object("
	    " 'timeEntryId', te.id, 'status', te.status,"
	    " 'clockInAt', " TS("te.clock_in_at") ","
	    " 'clockOutAt', " TS("te.clock_out_at") ","
	    " 'clockInMethod', te.clock_in_method,"
	    " 'breakMinutes', te.break_minutes,"
	    " 'workedMinutes', te.worked_minutes) ORDER BY te.clock_in_at),"
	    " '[]'::json) FROM my JOIN time_entries te"
	    " ON te.assignment_id = my.aid AND te.tenant_id = $1::uuid),"
	    " 'canApply', EXISTS (SELECT 1 FROM openpos o"
	    " WHERE o.sid = $4::uuid),"
	    " 'openPositions', (SELECT coalesce(json_agg(json_build_object("
	    " 'positionId', o.pid, 'role', json_build_object('roleId', o.rid,"
	    " 'roleCode', o.role_code, 'name', o.role_name),"
	    " 'payRateCents', o.pay_rate_cents, 'currency', o.currency,"
	    " 'openSlots', o.open_slots) ORDER BY o.role_name, o.pid),"
	    " '[]'::json) FROM openpos o WHERE o.sid = $4::uuid))"
	    " FROM base p)::text",
	/* $4 clock-in window (minutes before the start). */
	[STMT_STAFF_CLOCKIN_TODAY] =
	    SQLR_ME_STAFF MINE
	    ", today AS (SELECT m.*,"
	    " m.starts_at - make_interval(mins => $4::integer) AS opens_at,"
	    " (SELECT count(*) FROM nfc_tags t WHERE t.hub_id = m.hid"
	    " AND t.status = 'active') AS ntags,"
	    " (SELECT te.id FROM time_entries te"
	    " WHERE te.assignment_id = m.aid AND te.status = 'open'"
	    " ORDER BY te.clock_in_at DESC LIMIT 1) AS open_entry"
	    " FROM mine m WHERE m.astatus IN ('assigned', 'confirmed',"
	    " 'checked_in', 'checked_out') AND " MINE_LIVE
	    " AND m.starts_at < " MIDNIGHT("m.time_zone", "1")
	    " AND m.ends_at > " MIDNIGHT("m.time_zone", "0") ")"
	    " SELECT json_build_object('clockInWindowMinutes', $4::integer,"
	    " 'items', coalesce((SELECT json_agg(json_build_object("
	    SHIFT_MEMBERS ", 'hub', " HUB_SHORT ","
	    " 'assignmentId', p.aid, 'status', p.astatus,"
	    " 'hubToday', " TODAY("p.time_zone") ","
	    " 'clockIn', json_build_object("
	    " 'opensAt', " TS("p.opens_at") ", 'closesAt', " TS("p.ends_at") ","
	    " 'open', p.astatus IN ('assigned', 'confirmed')"
	    " AND now() >= p.opens_at AND now() < p.ends_at,"
	    " 'methods', to_json(p.clock_in_methods),"
	    " 'nfc', CASE WHEN 'nfc' = ANY (p.clock_in_methods)"
	    " THEN json_build_object('tagCount', p.ntags) END,"
	    " 'geofence', CASE WHEN 'geofence' = ANY (p.clock_in_methods)"
	    " AND p.latitude IS NOT NULL THEN json_build_object("
	    " 'latitude', p.latitude, 'longitude', p.longitude,"
	    " 'radiusMeters', p.geofence_radius_m) END),"
	    " 'openTimeEntryId', p.open_entry)"
	    " ORDER BY p.starts_at, p.aid) FROM today p), '[]'::json))::text",
	[STMT_STAFF_CLOCKIN_STATUS] =
	    SQLR_ME_STAFF ", e AS (SELECT te.id, te.assignment_id, te.clock_in_at,"
	    " te.clock_in_method, te.break_minutes, s.id AS sid, s.starts_at,"
	    " s.ends_at, h.id AS hid, h.name AS hub_name, h.city, h.time_zone,"
	    " r.id AS rid, r.role_code, r.name AS role_name"
	    " FROM me JOIN time_entries te ON te.staff_id = me.id"
	    " AND te.tenant_id = $1::uuid AND te.status = 'open'"
	    " JOIN shifts s ON s.id = te.shift_id"
	    " AND s.tenant_id = te.tenant_id"
	    " JOIN hubs h ON h.id = s.hub_id AND h.tenant_id = s.tenant_id"
	    " JOIN assignments a ON a.id = te.assignment_id"
	    " JOIN shift_positions sp ON sp.id = a.position_id"
	    " JOIN vendor_roles r ON r.id = sp.vendor_role_id)"
	    " SELECT json_build_object('clockedIn', EXISTS (SELECT 1 FROM e),"
	    " 'timeEntry', (SELECT json_build_object('timeEntryId', p.id,"
	    " 'assignmentId', p.assignment_id, 'shiftId', p.sid,"
	    " 'clockInAt', " TS("p.clock_in_at") ","
	    " 'clockInMethod', p.clock_in_method,"
	    " 'breakMinutes', p.break_minutes,"
	    " 'elapsedMinutes', greatest(0, floor(extract(epoch FROM"
	    " now() - p.clock_in_at) / 60))::integer,"
	    " 'shiftStartsAt', " TS("p.starts_at") ","
	    " 'shiftEndsAt', " TS("p.ends_at") ","
	    " 'hub', " HUB_SHORT ","
	    " 'role', json_build_object('roleId', p.rid, 'roleCode',"
	    " p.role_code, 'name', p.role_name))"
	    " FROM e p ORDER BY p.clock_in_at DESC LIMIT 1))::text",
	[STMT_STAFF_PROFILE_COMPLETION] =
	    SQLR_ME_STAFF PROFILE_RULES
	    " SELECT (SELECT json_build_object("
	    " 'percentage', (SELECT round(100.0 * count(*) FILTER (WHERE"
	    " cardinality(missing) = 0) / count(*))::integer FROM sec"
	    " WHERE required),"
	    " 'complete', NOT EXISTS (SELECT 1 FROM sec WHERE required AND"
	    " cardinality(missing) > 0),"
	    " 'completedSections', (SELECT count(*) FROM sec WHERE required"
	    " AND cardinality(missing) = 0),"
	    " 'requiredSections', (SELECT count(*) FROM sec WHERE required),"
	    " 'sections', (SELECT json_agg(json_build_object('section',"
	    " section, 'complete', cardinality(missing) = 0,"
	    " 'missing', to_json(missing)) ORDER BY ord) FROM sec"
	    " WHERE required)) FROM me)::text",
	/* Rows: staff_profile_section (h_staff.c); none without "me". */
	[STMT_STAFF_PROFILE_SECTIONS] =
	    SQLR_ME_STAFF PROFILE_RULES
	    " SELECT section, required, cardinality(missing) = 0, items,"
	    " to_json(missing) FROM sec ORDER BY ord",
	[STMT_STAFF_PERSONAL_INFO] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('staffId', st.id,"
	    " 'firstName', st.first_name, 'lastName', st.last_name,"
	    " 'preferredName', p.preferred_name, 'email', st.email::text,"
	    " 'phone', st.phone, 'status', st.status,"
	    " 'dateOfBirth', p.date_of_birth,"
	    " 'address', json_build_object('line1', p.address_line1,"
	    " 'line2', p.address_line2, 'city', p.city, 'region', p.region,"
	    " 'postalCode', p.postal_code, 'country', p.country),"
	    " 'bio', p.bio, 'photoFileId', p.photo_file_id,"
	    " 'emergencyContact', CASE WHEN p.emergency_contact_name IS NULL"
	    " AND p.emergency_contact_phone IS NULL THEN NULL ELSE"
	    " json_build_object('name', p.emergency_contact_name,"
	    " 'phone', p.emergency_contact_phone) END,"
	    " 'rating', p.rating,"
	    " 'vendor', json_build_object('vendorId', v.id, 'name', v.name),"
	    " 'updatedAt', " TS("p.updated_at") ")"
	    " FROM me JOIN staff st ON st.id = me.id"
	    " AND st.tenant_id = $1::uuid"
	    " JOIN vendors v ON v.id = st.vendor_id"
	    " AND v.tenant_id = st.tenant_id"
	    " LEFT JOIN staff_profiles p ON p.staff_id = me.id)::text",
	[STMT_STAFF_INDUSTRIES] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('items', (SELECT"
	    " coalesce(json_agg(json_build_object('industry', i.industry,"
	    " 'yearsExperience', i.years_experience) ORDER BY i.industry),"
	    " '[]'::json) FROM staff_industries i WHERE i.staff_id = me.id"
	    " AND i.tenant_id = $1::uuid)) FROM me)::text",
	[STMT_STAFF_SKILLS] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('items', (SELECT"
	    " coalesce(json_agg(json_build_object('skill', k.skill,"
	    " 'level', k.level) ORDER BY k.skill), '[]'::json)"
	    " FROM staff_skills k WHERE k.staff_id = me.id"
	    " AND k.tenant_id = $1::uuid),"
	    " 'roles', (SELECT coalesce(json_agg(json_build_object("
	    " 'roleId', r.id, 'roleCode', r.role_code, 'name', r.name,"
	    " 'payRateCents', r.pay_rate_cents, 'currency', r.currency)"
	    " ORDER BY r.name, r.id), '[]'::json) FROM staff_roles x"
	    " JOIN vendor_roles r ON r.id = x.vendor_role_id"
	    " WHERE x.staff_id = me.id AND x.tenant_id = $1::uuid"
	    " AND r.status = 'active')) FROM me)::text",
	[STMT_STAFF_DOCUMENTS] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('items', (SELECT"
	    " coalesce(json_agg(json_build_object('documentId', d.id,"
	    " 'docType', d.doc_type, 'fileName', d.file_name,"
	    " 'fileId', d.file_id, 'verificationStatus', d.status,"
	    " 'reviewNote', d.review_note,"
	    " 'uploadedAt', " TS("d.uploaded_at") ","
	    " 'reviewedAt', " TS("d.reviewed_at") ")"
	    " ORDER BY d.uploaded_at DESC, d.id), '[]'::json)"
	    " FROM staff_documents d WHERE d.staff_id = me.id"
	    " AND d.tenant_id = $1::uuid AND d.deleted_at IS NULL)) FROM me)"
	    "::text",
	[STMT_STAFF_CERTIFICATES] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('items', (SELECT"
	    " coalesce(json_agg(json_build_object('certificateId', c.id,"
	    " 'name', c.name, 'issuer', c.issuer, 'number', c.number,"
	    " 'issuedOn', c.issued_on, 'expiresOn', c.expires_on,"
	    " 'verificationStatus', c.verification_status,"
	    " 'verifiedAt', " TS("c.verified_at") ","
	    " 'expiryStatus', " CERT_EXPIRY("c") ","
	    " 'daysUntilExpiry', c.expires_on - " TODAY("'UTC'") ")"
	    " ORDER BY c.expires_on NULLS LAST, c.name, c.id), '[]'::json)"
	    " FROM staff_certificates c WHERE c.staff_id = me.id"
	    " AND c.tenant_id = $1::uuid AND c.deleted_at IS NULL)) FROM me)"
	    "::text",
	[STMT_STAFF_BANK_ACCOUNTS] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('items', (SELECT"
	    " coalesce(json_agg(json_build_object('bankAccountId', ba.id,"
	    " 'holderName', ba.holder_name, 'bankName', ba.bank_name,"
	    " 'accountType', ba.account_type,"
	    " 'last4', ba.account_last4::text,"
	    " 'maskedNumber', '****' || ba.account_last4,"
	    " 'routingLast4', ba.routing_last4::text,"
	    " 'currency', ba.currency, 'country', ba.country,"
	    " 'isDefault', ba.is_default,"
	    " 'createdAt', " TS("ba.created_at") ")"
	    " ORDER BY ba.is_default DESC, ba.created_at, ba.id), '[]'::json)"
	    " FROM staff_bank_accounts ba WHERE ba.staff_id = me.id"
	    " AND ba.tenant_id = $1::uuid AND ba.deleted_at IS NULL)) FROM me)"
	    "::text",
	[STMT_STAFF_BENEFITS] =
	    SQLR_ME_STAFF " SELECT (SELECT json_build_object('items', (SELECT"
	    " coalesce(json_agg(json_build_object('benefit', bf.benefit,"
	    " 'status', bf.status, 'enrolledAt', " TS("bf.enrolled_at") ")"
	    " ORDER BY bf.benefit), '[]'::json)"
	    " FROM staff_benefits bf WHERE bf.staff_id = me.id"
	    " AND bf.tenant_id = $1::uuid)) FROM me)::text",
	[STMT_STAFF_PAYMENTS_SUMMARY] =
	    SQLR_ME_STAFF WORK
	    " SELECT (SELECT json_build_object("
	    " 'currency', coalesce((SELECT min(w.currency) FROM work w),"
	    " 'USD'),"
	    " 'thisPeriod', " EARNED(WEEK0, WEEK0 " + 6") ","
	    " 'lastPeriod', " EARNED(WEEK0 " - 7", WEEK0 " - 1") ","
	    " 'yearToDate', " EARNED("date_trunc('year', " TODAY("'UTC'")
	    ")::date", TODAY("'UTC'")) ","
	    " 'unpaidWorkCents', (SELECT coalesce(sum(w.cents), 0) FROM work w"
	    " WHERE NOT w.paid),"
	    " 'pendingCents', (SELECT coalesce(sum(p.net_cents), 0)"
	    " FROM staff_payments p WHERE p.staff_id = me.id"
	    " AND p.tenant_id = $1::uuid"
	    " AND p.status IN ('pending', 'processing')),"
	    " 'paidCents', (SELECT coalesce(sum(p.net_cents), 0)"
	    " FROM staff_payments p WHERE p.staff_id = me.id"
	    " AND p.tenant_id = $1::uuid AND p.status = 'paid'),"
	    " 'failedCents', (SELECT coalesce(sum(p.net_cents), 0)"
	    " FROM staff_payments p WHERE p.staff_id = me.id"
	    " AND p.tenant_id = $1::uuid AND p.status = 'failed'),"
	    " 'lastPaidAt', (SELECT " TS("max(p.paid_at)") " FROM"
	    " staff_payments p WHERE p.staff_id = me.id"
	    " AND p.tenant_id = $1::uuid AND p.status = 'paid'))"
	    " FROM me)::text",
	/* $4 status (comma list), $5 limit, $6 $7 cursor (period, id). */
	/* Rows: staff_payment (h_staff.c). */
	[STMT_STAFF_PAYMENTS_HISTORY] =
	    "SELECT p.id, p.period_start, p.period_end, p.status,"
	    " p.shifts_count, p.minutes_worked, p.currency, p.gross_cents,"
	    " p.deductions_cents, p.net_cents, " UTC("p.paid_at") ","
	    " p.bank_account_id, b.bank_name, b.account_last4,"
	    " p.period_start, p.id"
	    " FROM staff_payments p"
	    " LEFT JOIN staff_bank_accounts b ON b.id = p.bank_account_id"
	    " WHERE p.staff_id = $2::uuid AND p.tenant_id = $1::uuid"
	    " AND " ME_STAFF
	    " AND p.status = ANY (string_to_array($4::text, ','))"
	    " AND ($6::text IS NULL OR"
	    " (p.period_start, p.id) < ($6::date, $7::uuid))"
	    " ORDER BY p.period_start DESC, p.id DESC LIMIT $5::integer + 1",
	/*
	 * The worker's notifications (staff_events), newest first; $4
	 * 'true': unread ones only; the unread count beside the page.
	 */
	[STMT_STAFF_NOTIFICATIONS] =
	    SQLR_ME_STAFF ", page AS (SELECT e.* FROM me JOIN staff_events e"
	    " ON e.staff_id = me.id AND e.tenant_id = $1::uuid"
	    " WHERE ($4::text = 'false' OR e.read_at IS NULL)"
	    " AND ($6::bigint IS NULL OR e.id < $6::bigint)"
	    " ORDER BY e.id DESC LIMIT $5::integer + 1)"
	    " SELECT json_build_object("
	    PAGE("json_build_object('notificationId', p.id::text,"
	    " 'kind', p.kind, 'orderId', p.order_id, 'shiftId', p.shift_id,"
	    " 'assignmentId', p.assignment_id, 'details', p.payload,"
	    " 'createdAt', " TS("p.created_at") ","
	    " 'readAt', " TS("p.read_at") ")",
	    "p.id DESC", "p.id::text", "$5::integer") ","
	    " 'unreadCount', (SELECT count(*) FROM staff_events e, me"
	    " WHERE e.staff_id = me.id AND e.tenant_id = $1::uuid"
	    " AND e.read_at IS NULL))::text FROM me",
	/* $4 from, $5 to (dates; NULL: the default), $6 week|month. */
	[STMT_STAFF_PAYMENTS_CHART] =
	    SQLR_ME_STAFF WORK
	    ", rng AS (SELECT coalesce($5::date, " TODAY("'UTC'") ") AS hi,"
	    " coalesce($4::date, coalesce($5::date, " TODAY("'UTC'") ")"
	    " - CASE WHEN $6::text = 'month' THEN 364 ELSE 83 END) AS lo),"
	    " b AS (SELECT g::date AS bs, (g + CASE WHEN $6::text = 'month'"
	    " THEN interval '1 month' ELSE interval '1 week' END)::date - 1"
	    " AS be FROM rng, generate_series(date_trunc($6::text, rng.lo),"
	    " rng.hi, CASE WHEN $6::text = 'month' THEN interval '1 month'"
	    " ELSE interval '1 week' END) g)"
	    " SELECT (SELECT json_build_object('bucket', $6::text,"
	    " 'from', rng.lo, 'to', rng.hi,"
	    " 'currency', coalesce((SELECT min(w.currency) FROM work w),"
	    " 'USD'),"
	    " 'totalCents', (SELECT coalesce(sum(w.cents), 0) FROM work w"
	    " WHERE w.wd BETWEEN rng.lo AND rng.hi),"
	    " 'items', (SELECT coalesce(json_agg(json_build_object("
	    " 'periodStart', b.bs, 'periodEnd', b.be,"
	    " 'earnedCents', x.cents, 'minutesWorked', x.mi,"
	    " 'shiftCount', x.n) ORDER BY b.bs), '[]'::json)"
	    " FROM b CROSS JOIN LATERAL (SELECT coalesce(sum(w.cents), 0)"
	    " AS cents, coalesce(sum(w.mi), 0) AS mi,"
	    " count(DISTINCT w.assignment_id) AS n FROM work w"
	    " WHERE w.wd BETWEEN greatest(b.bs, rng.lo)"
	    " AND least(b.be, rng.hi)) x))"
	    " FROM me, rng)::text",
	/* $4 clock-in window (minutes), as in STMT_STAFF_CLOCKIN_TODAY. */
	[STMT_STAFF_DASHBOARD] =
	    SQLR_ME_STAFF MINE_RECENT SQLR_AVAIL OPENPOS PROFILE_RULES WORK
	    ", nxt AS (SELECT * FROM mine m WHERE m.astatus IN ('assigned',"
	    " 'confirmed', 'checked_in') AND " MINE_LIVE
	    " AND m.ends_at > now() ORDER BY m.starts_at, m.aid LIMIT 1),"
	    " wk AS (SELECT * FROM mine m WHERE m.astatus IN ('assigned',"
	    " 'confirmed', 'checked_in', 'checked_out', 'completed') AND "
	    MINE_LIVE " AND (m.starts_at AT TIME ZONE m.time_zone)::date"
	    " BETWEEN " WEEK0 " AND " WEEK0 " + 6),"
	    " att AS (SELECT 1 AS ord, 'missing' AS kind, s.section,"
	    " x.item AS item, NULL::date AS due FROM sec s,"
	    " unnest(s.missing) WITH ORDINALITY x(item, n)"
	    " UNION ALL SELECT 2, CASE WHEN c.expires_on < " TODAY("'UTC'")
	    " THEN 'certificate_expired' ELSE 'certificate_expiring' END,"
	    " 'certificates', c.name, c.expires_on"
	    " FROM staff_certificates c, me WHERE c.staff_id = me.id"
	    " AND c.deleted_at IS NULL AND c.expires_on <= "
	    TODAY("'UTC'") " + 30"
	    " UNION ALL SELECT 3, 'document_rejected', 'documents',"
	    " d.doc_type, NULL FROM staff_documents d, me"
	    " WHERE d.staff_id = me.id AND d.deleted_at IS NULL"
	    " AND d.status = 'rejected')"
	    " SELECT (SELECT json_build_object("
	    " 'nextShift', (SELECT " ASSIGN_OBJ " FROM nxt p),"
	    " 'thisWeek', json_build_object('weekStart', " WEEK0 ","
	    " 'weekEnd', " WEEK0 " + 6,"
	    " 'shiftCount', (SELECT count(*) FROM wk),"
	    " 'scheduledMinutes', (SELECT coalesce(sum(" PAID_MIN "), 0)"
	    " FROM wk p)),"
	    " 'earnings', " EARNED(WEEK0, WEEK0 " + 6") ","
	    " 'openShifts', json_build_object('count', (SELECT count(*)"
	    " FROM openpos), 'items', (SELECT coalesce(json_agg(x.o ORDER BY"
	    " x.starts_at, x.pid), '[]'::json) FROM (SELECT p.starts_at,"
	    " p.pid, json_build_object(" SHIFT_MEMBERS ", 'hub', " HUB_SHORT ","
	    " 'positionId', p.pid, 'openSlots', p.open_slots) AS o"
	    " FROM (" OPENPOS_ROWS("(SELECT * FROM openpos"
	    " ORDER BY sk, pid LIMIT 3) k") ") p) x)),"
	    " 'profile', json_build_object('percentage', (SELECT round(100.0"
	    " * count(*) FILTER (WHERE cardinality(missing) = 0) / count(*))"
	    "::integer FROM sec WHERE required)),"
	    " 'attention', (SELECT coalesce(json_agg(json_build_object("
	    " 'kind', a.kind, 'section', a.section, 'item', a.item,"
	    " 'date', a.due) ORDER BY a.ord, a.due, a.section, a.item),"
	    " '[]'::json) FROM att a)) FROM me)::text",
	/* $4 from, $5 to (dates; NULL: today and the next 13 days). */
	[STMT_STAFF_AVAILABILITY] =
	    SQLR_ME_STAFF SQLR_AVAIL
	    ", rng AS (SELECT coalesce($4::date, (now() AT TIME ZONE az.tz)"
	    "::date) AS lo, coalesce($5::date, coalesce($4::date, (now() AT"
	    " TIME ZONE az.tz)::date) + 13) AS hi FROM az)"
	    " SELECT (SELECT json_build_object('timeZone', az.tz,"
	    " 'from', rng.lo, 'to', rng.hi,"
	    " 'weekly', (SELECT coalesce(json_agg(json_build_object("
	    " 'dayOfWeek', w.day_of_week,"
	    " 'startTime', to_char(w.start_time, 'HH24:MI'),"
	    " 'endTime', to_char(w.end_time, 'HH24:MI'),"
	    " 'timeZone', w.time_zone) ORDER BY w.day_of_week, w.start_time),"
	    " '[]'::json) FROM staff_availability w WHERE w.staff_id = me.id"
	    " AND w.tenant_id = $1::uuid),"
	    " 'exceptions', (SELECT coalesce(json_agg(json_build_object("
	    " 'exceptionId', e.id, 'day', e.day, 'available', e.available,"
	    " 'startTime', to_char(e.start_time, 'HH24:MI'),"
	    " 'endTime', to_char(e.end_time, 'HH24:MI'), 'reason', e.reason)"
	    " ORDER BY e.day, e.start_time, e.id), '[]'::json)"
	    " FROM staff_availability_exceptions e WHERE e.staff_id = me.id"
	    " AND e.tenant_id = $1::uuid AND e.day BETWEEN rng.lo AND rng.hi),"
	    " 'days', (SELECT json_agg(json_build_object('date', d.d,"
	    " 'source', d.src, 'available', d.win <> '[]'::jsonb,"
	    " 'windows', d.win) ORDER BY d.d) FROM (SELECT g::date AS d,"
	    " CASE WHEN EXISTS (SELECT 1 FROM staff_availability_exceptions e"
	    " WHERE e.staff_id = me.id AND e.day = g::date) THEN 'exception'"
	    " WHEN az.has THEN 'weekly' ELSE 'none' END AS src,"
	    " CASE WHEN EXISTS (SELECT 1 FROM staff_availability_exceptions e"
	    " WHERE e.staff_id = me.id AND e.day = g::date)"
	    " THEN (SELECT coalesce(jsonb_agg(jsonb_build_object("
	    " 'startTime', to_char(e.start_time, 'HH24:MI'),"
	    " 'endTime', to_char(e.end_time, 'HH24:MI'))"
	    " ORDER BY e.start_time), '[]'::jsonb)"
	    " FROM staff_availability_exceptions e WHERE e.staff_id = me.id"
	    " AND e.day = g::date AND e.available)"
	    " ELSE (SELECT coalesce(jsonb_agg(jsonb_build_object("
	    " 'startTime', to_char(w.start_time, 'HH24:MI'),"
	    " 'endTime', to_char(w.end_time, 'HH24:MI'))"
	    " ORDER BY w.start_time), '[]'::jsonb)"
	    " FROM staff_availability w WHERE w.staff_id = me.id"
	    " AND w.day_of_week = extract(dow FROM g)) END AS win"
	    " FROM generate_series(rng.lo, rng.hi, interval '1 day') g) d))"
	    " FROM me, az, rng)::text",
	/*
	 * The current snapshot, and whether an entry read after snapshot $3
	 * is stale: its xmin is below the floor of the read marks, or a
	 * transaction it did not see marked $1, $2 or the market of tenant
	 * $4 (NULL: not a read of the market) (0022_read_marks).
	 */
	[STMT_CACHE_CHECK] =
	    "SELECT pg_current_snapshot()::text,"
	    " $3::pg_snapshot IS NOT NULL AND"
	    " (pg_snapshot_xmin($3::pg_snapshot) <"
	    " (SELECT f.floor FROM read_mark_floor f WHERE f.id)"
	    " OR EXISTS (SELECT 1 FROM read_marks m"
	    " WHERE m.scope IN ($1::uuid, $2::uuid,"
	    " krow_market_scope($4::uuid))"
	    " AND m.xid >= pg_snapshot_xmin($3::pg_snapshot)"
	    " AND NOT pg_visible_in_snapshot(m.xid, $3::pg_snapshot)))",
	[STMT_CACHE_UNCOVERED] =
	    "SELECT krow_read_marks_uncovered($1::text, $2::text[])",
	REPORTS_STMTS
};

static const struct route routes[] = {
	{ "GET", "/query/health", app_health, ROUTE_PUBLIC },
	{ "GET", "/query/client/session", h_client_session, ROUTE_CLIENT },
	{ "GET", "/query/staff/session", h_staff_session, ROUTE_STAFF },
	{ "GET", "/query/client/dashboard", h_client_dashboard,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/billing/accounts", h_client_billing_accounts,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/billing/invoices/pending",
	    h_client_invoices_pending, ROUTE_CLIENT },
	{ "GET", "/query/client/billing/invoices/history",
	    h_client_invoices_history, ROUTE_CLIENT },
	{ "GET", "/query/client/coverage", h_client_coverage, ROUTE_CLIENT },
	{ "GET", "/query/client/coverage/stats", h_client_coverage_stats,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/hubs", h_client_hubs,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/hubs/:hubId/managers", h_client_hub_managers,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/cost-centers", h_client_cost_centers,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/vendors", h_client_vendors,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/vendors/:vendorId/roles", h_client_vendor_roles,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/orders/view", h_client_orders_view,
	    ROUTE_CLIENT },
	{ "GET", "/query/client/reorders", h_client_reorders, ROUTE_CLIENT },
	{ "GET", "/query/client/billing/current-bill", h_client_current_bill,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/billing/savings", h_client_savings,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/billing/spend-breakdown", h_client_spend,
	    ROUTE_CLIENT | ROUTE_CACHED },
	{ "GET", "/query/client/reports/summary", h_report_summary,
	    ROUTE_CLIENT },
	{ "GET", "/query/client/reports/spend", h_report_spend, ROUTE_CLIENT },
	{ "GET", "/query/client/reports/hours", h_report_hours, ROUTE_CLIENT },
	{ "GET", "/query/client/reports/coverage", h_report_coverage,
	    ROUTE_CLIENT },
	{ "GET", "/query/client/reports/no-shows", h_report_no_shows,
	    ROUTE_CLIENT },
	{ "GET", "/query/client/reports/performance", h_report_performance,
	    ROUTE_CLIENT },
	{ "GET", "/query/tenants/:tenantId/businesses", h_tenant_businesses,
	    ROUTE_ADMIN },
	{ "GET", "/query/tenants/:tenantId/vendors", h_tenant_vendors,
	    ROUTE_ADMIN },
	{ "GET", "/query/tenants/:tenantId/staff", h_tenant_staff,
	    ROUTE_ADMIN },
	{ "GET", "/query/tenants/:tenantId/orders", h_tenant_orders,
	    ROUTE_ADMIN },
	{ "GET", "/query/staff/shifts/assigned", h_staff_shifts_assigned,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/shifts/open", h_staff_shifts_open,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/shifts/pending", h_staff_shifts_pending,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/shifts/cancelled", h_staff_shifts_cancelled,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/shifts/completed", h_staff_shifts_completed,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/shifts/:shiftId", h_staff_shift, ROUTE_STAFF },
	{ "GET", "/query/staff/clock-in/shifts/today", h_staff_clockin_today,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/clock-in/status", h_staff_clockin_status,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/profile-completion",
	    h_staff_profile_completion, ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/sections", h_staff_profile_sections,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/personal-info",
	    h_staff_personal_info, ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/industries", h_staff_industries,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/skills", h_staff_skills,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/documents", h_staff_documents,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/certificates", h_staff_certificates,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/bank-accounts", h_staff_bank_accounts,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/profile/benefits", h_staff_benefits,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/payments/summary", h_staff_payments_summary,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/payments/history", h_staff_payments_history,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/notifications", h_staff_notifications,
	    ROUTE_STAFF },
	{ "GET", "/query/staff/payments/chart", h_staff_payments_chart,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/dashboard", h_staff_dashboard,
	    ROUTE_STAFF | ROUTE_CACHED },
	{ "GET", "/query/staff/availability", h_staff_availability,
	    ROUTE_STAFF },
};

static const struct app query_app = {
	.name = "krow-query",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = stmts,
	.nstmts = STMT__MAX,
	.db_key = CONF_DB_QUERY_URL,
	.init = qcache_init,
	.fini = qcache_fini,
};

/* Serve the routes above on the FastCGI socket (see app_main()). */
int
main(int argc, char **argv)
{
	return app_main(&query_app, argc, argv);
}
