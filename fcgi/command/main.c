/*
 * krow-command: the write pool behind /commands/ (business writes and
 * workflow actions).  Every command route is ROUTE_IDEMPOTENT: lib/idem
 * requires its Idempotency-Key and runs it in one transaction with its
 * stored answer (see idem.h).  Every statement repeats the caller's
 * tenant and business (staff commands: tenant and staff row) in its
 * WHERE clause, so that an id of another business (another worker) is
 * not found (404), and writes its audit row itself.
 */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include "app.h"
#include "arena.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "idem.h"
#include "req.h"
#include "resp.h"
#include "router.h"
#include "uuid.h"
#include "valid.h"
#include "command.h"
#include "sqlrules.h"

/* Instants as RFC 3339 UTC. */
#define TS(x) \
	"to_char((" x ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
/* An audit row: action, target type, target id, summary. */
#define AUDIT(ACTION, TYPE, ID, SUMMARY) \
	"INSERT INTO audit_events (tenant_id, actor_user_id, action," \
	" target_type, target_id, request_id, summary)" \
	" SELECT $1::uuid, $3::uuid, '" ACTION "', '" TYPE "', " ID "," \
	" $4::uuid, " SUMMARY
/* A hub row as audit summary (timestamps left out). */
#define HUB_SUM(x) "(to_jsonb(" x ") - 'created_at' - 'updated_at')"
/* A hub row p as the API shows it (as GET /query/client/hubs). */
#define HUB_OBJ \
	"json_build_object('hubId', p.id, 'name', p.name," \
	" 'address', json_build_object('line1', p.address_line1," \
	" 'line2', p.address_line2, 'city', p.city, 'region', p.region," \
	" 'postalCode', p.postal_code, 'country', p.country)," \
	" 'timeZone', p.time_zone, 'location', CASE WHEN p.latitude IS" \
	" NULL THEN NULL ELSE json_build_object('latitude', p.latitude," \
	" 'longitude', p.longitude) END," \
	" 'geofenceRadiusMeters', p.geofence_radius_m," \
	" 'clockInMethods', to_json(p.clock_in_methods)," \
	" 'status', p.status," \
	" 'nfcTagCount', (SELECT count(*) FROM nfc_tags t" \
	"  WHERE t.hub_id = p.id AND t.status = 'active')," \
	" 'managerCount', (SELECT count(*) FROM hub_managers m" \
	"  WHERE m.hub_id = p.id)," \
	" 'archivedAt', " TS("p.archived_at") "," \
	" 'createdAt', " TS("p.created_at") "," \
	" 'updatedAt', " TS("p.updated_at") ")"
/* The hub $5 of the caller's business, locked. */
#define HUB_LOCKED \
	"SELECT h.* FROM hubs h WHERE h.id = $5::uuid" \
	" AND h.tenant_id = $1::uuid AND h.business_id = $2::uuid FOR UPDATE"
/* Hub columns from the validated JSON b (create) or b over h (update). */
#define JTXT(K)		"b->>'" K "'"
#define JADDR(K)	"b->'address'->>'" K "'"
#define JSET(COL, HAS, VAL) \
	" " COL " = CASE WHEN " HAS " THEN " VAL " ELSE h." COL " END"
#define METHODS \
	"ARRAY(SELECT jsonb_array_elements_text(b->'clockInMethods'))"
/* An NFC tag row t as the API shows it. */
#define TAG_OBJ \
	"json_build_object('tagId', t.id, 'hubId', t.hub_id," \
	" 'tagUid', t.tag_uid, 'label', t.label, 'status', t.status," \
	" 'createdAt', " TS("t.created_at") "," \
	" 'revokedAt', " TS("t.revoked_at") ")"
/* An invoice row p; N its disputed line count. */
#define INVOICE_OBJ(N) \
	"json_build_object('invoiceId', p.id, 'invoiceNumber'," \
	" p.invoice_number, 'status', p.status, 'currency', p.currency," \
	" 'subtotalCents', p.subtotal_cents, 'taxCents', p.tax_cents," \
	" 'totalCents', p.total_cents, 'dueDate', p.due_date," \
	" 'approvedAt', " TS("p.approved_at") ", 'approvedBy', p.approved_by," \
	" 'disputedAt', " TS("p.disputed_at") ", 'disputedBy', p.disputed_by," \
	" 'disputeReason', p.dispute_reason, 'disputedLineCount', " N ")"
#define INVOICE_LOCKED \
	"SELECT i.* FROM invoices i WHERE i.id = $5::uuid" \
	" AND i.tenant_id = $1::uuid AND i.business_id = $2::uuid FOR UPDATE"

/* A time entry row p as the API shows it. */
#define TIME_ENTRY_OBJ \
	"json_build_object('timeEntryId', p.id, 'assignmentId'," \
	" p.assignment_id, 'staffId', p.staff_id, 'shiftId', p.shift_id," \
	" 'status', p.status, 'clockInAt', " TS("p.clock_in_at") "," \
	" 'clockOutAt', " TS("p.clock_out_at") "," \
	" 'clockInMethod', p.clock_in_method," \
	" 'clockOutMethod', p.clock_out_method," \
	" 'breakMinutes', p.break_minutes, 'workedMinutes', p.worked_minutes," \
	" 'invoiced', p.invoiced, 'correctedBy', p.corrected_by," \
	" 'correctedAt', " TS("p.corrected_at") "," \
	" 'correctionReason', p.correction_reason)"
/* The part of a time entry row x the audit summary keeps. */
#define TIME_SUM(x) \
	"jsonb_build_object('clockInAt', " x ".clock_in_at, 'clockOutAt', " \
	x ".clock_out_at, 'breakMinutes', " x ".break_minutes, 'status', " \
	x ".status)"
/* Within a few minutes of now: a correction does not invent the future. */
#define NOT_FUTURE(x) "(" x " <= now() + interval '5 minutes')"

/* OPENPOS of the read models (lib/sqlrules.h), with what apply needs. */
#define ST_OPENPOS \
	", openpos AS (SELECT s.id AS sid, s.business_id AS bid," \
	" sp.id AS pid, sp.headcount - f.filled AS open_slots" \
	SQLR_OPENPOS_FROM ")"
/* An assignment row p as the staff commands show it. */
#define ST_ASSIGN_OBJ \
	"json_build_object('assignmentId', p.id, 'shiftId', p.shift_id," \
	" 'positionId', p.position_id, 'status', p.status," \
	" 'appliedAt', " TS("p.applied_at") "," \
	" 'assignedAt', " TS("p.assigned_at") "," \
	" 'confirmedAt', " TS("p.confirmed_at") "," \
	" 'declinedAt', " TS("p.declined_at") "," \
	" 'cancelledAt', " TS("p.cancelled_at") "," \
	" 'cancelReason', p.cancel_reason," \
	" 'updatedAt', " TS("p.updated_at") ")"
/*
 * The caller's assignment on shift $5, locked: its live one, else the
 * latest declined or cancelled one (no row: not its shift, 404).
 */
#define ST_MINE_LOCKED \
	", cur AS (SELECT a.* FROM assignments a WHERE a.shift_id = $5::uuid" \
	" AND a.tenant_id = $1::uuid AND a.staff_id = (SELECT id FROM me)" \
	" ORDER BY a.status IN ('declined', 'cancelled'), a.updated_at DESC," \
	" a.id LIMIT 1 FOR UPDATE)"
/*
 * A staff state change of cur: SET clause, the state it requires,
 * action; only before the shift starts.  Columns: the state ("started"
 * when only the start refuses), the assignment, its position.
 */
#define ST_ASSIGN_MOVE(SET, FROM, ACTION) \
	SQLR_ME_STAFF ST_MINE_LOCKED \
	", sh AS (SELECT s.starts_at FROM shifts s, cur" \
	" WHERE s.id = cur.shift_id AND s.tenant_id = $1::uuid)," \
	" upd AS (UPDATE assignments a SET " SET ", updated_at = now()" \
	" FROM cur, sh WHERE a.id = cur.id AND cur.status = '" FROM "'" \
	" AND sh.starts_at > now() RETURNING a.*)," \
	" aud AS (" AUDIT(ACTION, "assignment", "u.id::text", \
	"jsonb_build_object('before', jsonb_build_object('status'," \
	" c.status), 'after', jsonb_build_object('status', u.status))" \
	" FROM upd u, cur c") ")" \
	" SELECT CASE WHEN c.status = '" FROM "' AND NOT EXISTS (SELECT 1" \
	" FROM sh WHERE sh.starts_at > now()) THEN 'started'" \
	" ELSE c.status END, (SELECT " ST_ASSIGN_OBJ " FROM upd p)::text," \
	" c.position_id::text FROM cur c"
/* A swap request row p as the API shows it. */
#define ST_SWAP_OBJ \
	"json_build_object('swapRequestId', p.id, 'assignmentId'," \
	" p.assignment_id, 'shiftId', $5::uuid, 'status', p.status," \
	" 'reason', p.reason, 'createdAt', " TS("p.created_at") "," \
	" 'resolvedAt', " TS("p.resolved_at") ")"

/* Great-circle distance in meters between two points (degrees). */
#define ST_DISTANCE(LAT1, LON1, LAT2, LON2) \
	"(2 * 6371008.8 * asin(least(1, sqrt(power(sin(radians((" LAT2 \
	") - (" LAT1 ")) / 2), 2) + cos(radians(" LAT1 ")) * cos(radians(" \
	LAT2 ")) * power(sin(radians((" LON2 ") - (" LON1 ")) / 2), 2)))))"
/* A time entry row p as the staff commands show it. */
#define ST_TIME_OBJ \
	"json_build_object('timeEntryId', p.id, 'assignmentId'," \
	" p.assignment_id, 'shiftId', p.shift_id, 'status', p.status," \
	" 'clockInAt', " TS("p.clock_in_at") "," \
	" 'clockInMethod', p.clock_in_method, 'nfcTagId', p.nfc_tag_id," \
	" 'clockOutAt', " TS("p.clock_out_at") "," \
	" 'clockOutMethod', p.clock_out_method," \
	" 'breakMinutes', p.break_minutes," \
	" 'workedMinutes', p.worked_minutes)"
/* A weekly availability row x (audit: jsonb; answer: json). */
#define ST_WEEKLY_SUM(x) \
	"jsonb_build_object('dayOfWeek', " x ".day_of_week," \
	" 'startTime', to_char(" x ".start_time, 'HH24:MI')," \
	" 'endTime', to_char(" x ".end_time, 'HH24:MI')," \
	" 'timeZone', " x ".time_zone)"
#define ST_WEEKLY_OBJ(x) \
	"json_build_object('dayOfWeek', " x ".day_of_week," \
	" 'startTime', to_char(" x ".start_time, 'HH24:MI')," \
	" 'endTime', to_char(" x ".end_time, 'HH24:MI')," \
	" 'timeZone', " x ".time_zone)"
/* An availability exception row x (audit), p (as the API shows it). */
#define ST_EXC_SUM(x) \
	"jsonb_build_object('day', " x ".day, 'available', " x ".available," \
	" 'startTime', to_char(" x ".start_time, 'HH24:MI')," \
	" 'endTime', to_char(" x ".end_time, 'HH24:MI'))"
#define ST_EXC_OBJ \
	"json_build_object('exceptionId', p.id, 'day', p.day," \
	" 'available', p.available," \
	" 'startTime', to_char(p.start_time, 'HH24:MI')," \
	" 'endTime', to_char(p.end_time, 'HH24:MI'), 'reason', p.reason)"
/*
 * Replace the caller's rows of list table TAB (key column KEY, value
 * column VAL set from element e as VEXPR) with the items $5: rows of
 * other keys are deleted, the others upserted (disjoint keys, so one
 * statement).  OBJ shows a row i, ORD orders them.  "old" is the
 * statement's snapshot (a FOR UPDATE there would skip the rows that the
 * upsert changes in the same statement).
 */
#define ST_LIST_SET(TAB, KEY, VAL, VEXPR, ACTION, OBJ, ORD) \
	SQLR_ME_STAFF ", x AS (SELECT e->>'" KEY "' AS k, " VEXPR " AS v" \
	" FROM jsonb_array_elements($5::jsonb) e)," \
	" old AS (SELECT t.* FROM " TAB " t, me WHERE t.staff_id = me.id" \
	" AND t.tenant_id = $1::uuid)," \
	" del AS (DELETE FROM " TAB " t USING me WHERE t.staff_id = me.id" \
	" AND t.tenant_id = $1::uuid AND t." KEY " NOT IN (SELECT k FROM x)" \
	" RETURNING t.*)," \
	" ups AS (INSERT INTO " TAB " (tenant_id, staff_id, " KEY ", " VAL ")" \
	" SELECT $1::uuid, me.id, x.k, x.v FROM me, x" \
	" ON CONFLICT (staff_id, " KEY ") DO UPDATE SET " VAL " =" \
	" excluded." VAL " RETURNING *)," \
	" aud AS (" AUDIT(ACTION, "staff", "me.id::text", \
	"jsonb_build_object('before', (SELECT coalesce(jsonb_object_agg(" \
	"o." KEY ", o." VAL "), '{}'::jsonb) FROM old o), 'after', (SELECT" \
	" coalesce(jsonb_object_agg(i." KEY ", i." VAL "), '{}'::jsonb)" \
	" FROM ups i)) FROM me") ")" \
	" SELECT json_build_object('items', (SELECT coalesce(json_agg(" OBJ \
	" ORDER BY " ORD "), '[]'::json) FROM ups i))::text FROM me"
/* A document row p, a certificate row p (as GET .../profile/... shows). */
#define ST_DOC_OBJ \
	"json_build_object('documentId', p.id, 'docType', p.doc_type," \
	" 'fileName', p.file_name, 'fileId', p.file_id," \
	" 'verificationStatus', p.status, 'reviewNote', p.review_note," \
	" 'uploadedAt', " TS("p.uploaded_at") "," \
	" 'reviewedAt', " TS("p.reviewed_at") ")"
#define ST_CERT_OBJ \
	"json_build_object('certificateId', p.id, 'name', p.name," \
	" 'issuer', p.issuer, 'number', p.number, 'issuedOn', p.issued_on," \
	" 'expiresOn', p.expires_on, 'fileId', p.file_id," \
	" 'verificationStatus', p.verification_status," \
	" 'verifiedAt', " TS("p.verified_at") ")"
/* A bank account row p as GET .../bank-accounts shows it; x audited. */
#define ST_BANK_OBJ \
	"json_build_object('bankAccountId', p.id," \
	" 'holderName', p.holder_name, 'bankName', p.bank_name," \
	" 'accountType', p.account_type," \
	" 'last4', p.account_last4::text," \
	" 'maskedNumber', '****' || p.account_last4," \
	" 'routingLast4', p.routing_last4::text," \
	" 'currency', p.currency, 'country', p.country," \
	" 'isDefault', p.is_default," \
	" 'createdAt', " TS("p.created_at") ")"
#define ST_BANK_SUM(x) \
	"jsonb_build_object('bankName', " x ".bank_name, 'last4', " \
	x ".account_last4, 'isDefault', " x ".is_default)"
/*
 * State-changing statements answer one row: the current state of the
 * target before the command (no row: not found), then the new object as
 * JSON text (NULL when the state did not allow the change), and any
 * other column the handler needs.
 */
static const char *const stmts[STMT__MAX] = {
	IDEM_STMTS,
	[STMT_TZ_VALID] =
	    "SELECT krow_valid_time_zone($5::text)"
	    " FROM (SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid) x",
	[STMT_HUB_CREATE] =
	    "WITH x AS (SELECT $5::jsonb AS b),"
	    " ins AS (INSERT INTO hubs (tenant_id, business_id, name,"
	    " address_line1, address_line2, city, region, postal_code,"
	    " country, time_zone, latitude, longitude, geofence_radius_m,"
	    " clock_in_methods)"
	    " SELECT $1::uuid, $2::uuid, " JTXT("name") ", " JADDR("line1") ","
	    " " JADDR("line2") ", " JADDR("city") ", " JADDR("region") ","
	    " " JADDR("postalCode") ", " JADDR("country") ","
	    " " JTXT("timeZone") ","
	    " (b->'location'->>'latitude')::numeric,"
	    " (b->'location'->>'longitude')::numeric,"
	    " coalesce((" JTXT("geofenceRadiusMeters") ")::integer, 150),"
	    " CASE WHEN b ? 'clockInMethods' THEN " METHODS
	    " ELSE '{nfc,geofence,manual}'::text[] END"
	    " FROM x RETURNING *),"
	    " aud AS (" AUDIT("hub.create", "hub", "i.id::text",
	    "jsonb_build_object('before', NULL, 'after', " HUB_SUM("i") ")"
	    " FROM ins i") ")"
	    " SELECT 'new', (SELECT " HUB_OBJ " FROM ins p)::text",
	[STMT_HUB_UPDATE] =
	    "WITH x AS (SELECT $6::jsonb AS b),"
	    " old AS (" HUB_LOCKED "),"
	    " upd AS (UPDATE hubs h SET"
	    JSET("name", "b ? 'name'", JTXT("name")) ","
	    JSET("address_line1", "b->'address' ? 'line1'", JADDR("line1")) ","
	    JSET("address_line2", "b->'address' ? 'line2'", JADDR("line2")) ","
	    JSET("city", "b->'address' ? 'city'", JADDR("city")) ","
	    JSET("region", "b->'address' ? 'region'", JADDR("region")) ","
	    JSET("postal_code", "b->'address' ? 'postalCode'",
	    JADDR("postalCode")) ","
	    JSET("country", "b->'address' ? 'country'", JADDR("country")) ","
	    JSET("time_zone", "b ? 'timeZone'", JTXT("timeZone")) ","
	    JSET("latitude", "b ? 'location'",
	    "(b->'location'->>'latitude')::numeric") ","
	    JSET("longitude", "b ? 'location'",
	    "(b->'location'->>'longitude')::numeric") ","
	    JSET("geofence_radius_m", "b ? 'geofenceRadiusMeters'",
	    "(" JTXT("geofenceRadiusMeters") ")::integer") ","
	    JSET("clock_in_methods", "b ? 'clockInMethods'", METHODS) ","
	    " updated_at = now()"
	    " FROM old, x WHERE h.id = old.id AND old.status = 'active'"
	    " RETURNING h.*),"
	    " aud AS (" AUDIT("hub.update", "hub", "u.id::text",
	    "jsonb_build_object('before', " HUB_SUM("o") ", 'after', "
	    HUB_SUM("u") ") FROM upd u, old o") ")"
	    " SELECT o.status, (SELECT " HUB_OBJ " FROM upd p)::text"
	    " FROM old o",
	[STMT_HUB_ARCHIVE] =
	    "WITH old AS (" HUB_LOCKED "),"
	    " upd AS (UPDATE hubs h SET status = 'archived',"
	    " archived_at = now(), updated_at = now()"
	    " FROM old WHERE h.id = old.id AND old.status = 'active'"
	    " RETURNING h.*),"
	    " aud AS (" AUDIT("hub.archive", "hub", "u.id::text",
	    "jsonb_build_object('before', jsonb_build_object('status',"
	    " o.status), 'after', jsonb_build_object('status', u.status))"
	    " FROM upd u, old o") ")"
	    " SELECT o.status, (SELECT " HUB_OBJ " FROM upd p)::text"
	    " FROM old o",
	[STMT_HUB_MANAGER_ADD] =
	    "WITH hub AS (" HUB_LOCKED "),"
	    " usr AS (SELECT u.* FROM users u WHERE u.id = $6::uuid"
	    " AND u.tenant_id = $1::uuid AND u.business_id = $2::uuid"
	    " AND u.actor = 'client'),"
	    " ins AS (INSERT INTO hub_managers (tenant_id, business_id,"
	    " hub_id, user_id) SELECT $1::uuid, $2::uuid, hub.id, usr.id"
	    " FROM hub, usr WHERE hub.status = 'active'"
	    " AND usr.role = 'manager' AND usr.status = 'active'"
	    " ON CONFLICT DO NOTHING RETURNING *),"
	    " aud AS (" AUDIT("hub.manager_add", "hub", "i.hub_id::text",
	    "jsonb_build_object('before', NULL, 'after',"
	    " jsonb_build_object('managerUserId', i.user_id)) FROM ins i") ")"
	    " SELECT hub.status, (SELECT role FROM usr),"
	    " (SELECT status FROM usr),"
	    " (SELECT json_build_object('hubId', i.hub_id, 'userId', u.id,"
	    " 'displayName', u.display_name, 'email', u.email::text,"
	    " 'role', u.role, 'status', u.status,"
	    " 'managerSince', " TS("i.created_at") ")"
	    " FROM ins i, usr u)::text FROM hub",
	[STMT_HUB_MANAGER_DEL] =
	    "WITH hub AS (" HUB_LOCKED "),"
	    " del AS (DELETE FROM hub_managers m USING hub"
	    " WHERE m.hub_id = hub.id AND m.user_id = $6::uuid"
	    " AND m.tenant_id = $1::uuid RETURNING m.*),"
	    " aud AS (" AUDIT("hub.manager_remove", "hub", "d.hub_id::text",
	    "jsonb_build_object('before', jsonb_build_object('managerUserId',"
	    " d.user_id), 'after', NULL) FROM del d") ")"
	    " SELECT hub.status, (SELECT json_build_object('hubId', d.hub_id,"
	    " 'userId', d.user_id, 'removed', true) FROM del d)::text FROM hub",
	[STMT_NFC_ADD] =
	    "WITH hub AS (" HUB_LOCKED "),"
	    " ins AS (INSERT INTO nfc_tags (tenant_id, business_id, hub_id,"
	    " tag_uid, label) SELECT $1::uuid, $2::uuid, hub.id, $6::text,"
	    " $7::text FROM hub WHERE hub.status = 'active' RETURNING *),"
	    " aud AS (" AUDIT("hub.nfc_tag_add", "nfc_tag", "t.id::text",
	    "jsonb_build_object('before', NULL, 'after', jsonb_build_object("
	    "'hubId', t.hub_id, 'tagUid', t.tag_uid, 'label', t.label,"
	    " 'status', t.status)) FROM ins t") ")"
	    " SELECT hub.status, (SELECT " TAG_OBJ " FROM ins t)::text"
	    " FROM hub",
	[STMT_NFC_REVOKE] =
	    "WITH old AS (SELECT t.* FROM nfc_tags t WHERE t.id = $6::uuid"
	    " AND t.hub_id = $5::uuid AND t.tenant_id = $1::uuid"
	    " AND t.business_id = $2::uuid FOR UPDATE),"
	    " upd AS (UPDATE nfc_tags t SET status = 'revoked',"
	    " revoked_at = now() FROM old WHERE t.id = old.id"
	    " AND old.status = 'active' RETURNING t.*),"
	    " aud AS (" AUDIT("hub.nfc_tag_revoke", "nfc_tag", "t.id::text",
	    "jsonb_build_object('before', jsonb_build_object('status',"
	    " o.status), 'after', jsonb_build_object('status', t.status))"
	    " FROM upd t, old o") ")"
	    " SELECT o.status, (SELECT " TAG_OBJ " FROM upd t)::text"
	    " FROM old o",
	[STMT_INVOICE_APPROVE] =
	    "WITH cur AS (" INVOICE_LOCKED "),"
	    " upd AS (UPDATE invoices i SET status = 'approved',"
	    " approved_at = now(), approved_by = $3::uuid, updated_at = now()"
	    " FROM cur WHERE i.id = cur.id AND cur.status = 'pending'"
	    " RETURNING i.*),"
	    " aud AS (" AUDIT("invoice.approve", "invoice", "u.id::text",
	    "jsonb_build_object('before', jsonb_build_object('status',"
	    " c.status), 'after', jsonb_build_object('status', u.status,"
	    " 'totalCents', u.total_cents)) FROM upd u, cur c") ")"
	    " SELECT c.status, (SELECT " INVOICE_OBJ("(SELECT count(*)"
	    " FROM invoice_lines l WHERE l.invoice_id = p.id AND l.disputed)")
	    " FROM upd p)::text FROM cur c",
	[STMT_INVOICE_DISPUTE] =
	    "WITH cur AS (" INVOICE_LOCKED "),"
	    " lin AS (SELECT (e->>'lineId')::uuid AS id, e->>'note' AS note"
	    " FROM jsonb_array_elements(coalesce($7::jsonb, '[]'::jsonb)) e),"
	    " bad AS (SELECT lin.id FROM lin WHERE NOT EXISTS (SELECT 1"
	    " FROM invoice_lines l JOIN cur ON l.invoice_id = cur.id"
	    " WHERE l.id = lin.id)),"
	    " upd AS (UPDATE invoices i SET status = 'disputed',"
	    " disputed_at = now(), disputed_by = $3::uuid,"
	    " dispute_reason = $6::text, updated_at = now()"
	    " FROM cur WHERE i.id = cur.id AND cur.status = 'pending'"
	    " AND NOT EXISTS (SELECT 1 FROM bad) RETURNING i.*),"
	    " ul AS (UPDATE invoice_lines l SET disputed = true,"
	    " dispute_note = lin.note FROM lin, upd"
	    " WHERE l.id = lin.id AND l.invoice_id = upd.id RETURNING l.id),"
	    " aud AS (" AUDIT("invoice.dispute", "invoice", "u.id::text",
	    "jsonb_build_object('before', jsonb_build_object('status',"
	    " c.status), 'after', jsonb_build_object('status', u.status,"
	    " 'reason', u.dispute_reason, 'disputedLineIds',"
	    " (SELECT coalesce(jsonb_agg(id ORDER BY id), '[]'::jsonb)"
	    " FROM lin))) FROM upd u, cur c") ")"
	    " SELECT c.status, (SELECT " INVOICE_OBJ("(SELECT count(*)"
	    " FROM ul)") " FROM upd p)::text,"
	    " (SELECT id::text FROM bad ORDER BY id LIMIT 1) FROM cur c",
	/*
	 * The new times nv are checked in chk; the row changes only when
	 * every check holds and the entry is open or closed and not billed.
	 * A manager corrects entries of the hubs it manages only.
	 */
	[STMT_TIME_CORRECT] =
	    "WITH me AS (SELECT u.id, u.role FROM users u"
	    " WHERE u.id = $3::uuid AND u.tenant_id = $1::uuid"
	    " AND u.business_id = $2::uuid AND u.actor = 'client'"
	    " AND u.status = 'active'),"
	    " x AS (SELECT $6::jsonb AS b),"
	    " old AS (SELECT te.* FROM time_entries te JOIN shifts s"
	    " ON s.id = te.shift_id AND s.tenant_id = te.tenant_id, me"
	    " WHERE te.id = $5::uuid AND te.tenant_id = $1::uuid"
	    " AND te.business_id = $2::uuid AND (me.role <> 'manager'"
	    " OR EXISTS (SELECT 1 FROM hub_managers m WHERE m.hub_id = s.hub_id"
	    " AND m.user_id = me.id)) FOR UPDATE OF te),"
	    " nv AS (SELECT old.id, CASE WHEN b ? 'clockInAt'"
	    " THEN (b->>'clockInAt')::timestamptz ELSE old.clock_in_at END"
	    " AS cin, CASE WHEN b ? 'clockOutAt'"
	    " THEN (b->>'clockOutAt')::timestamptz ELSE old.clock_out_at END"
	    " AS cout, coalesce((b->>'breakMinutes')::integer,"
	    " old.break_minutes) AS brk, b->>'reason' AS reason FROM old, x),"
	    " chk AS (SELECT nv.*, (nv.cout IS NULL OR nv.cout > nv.cin)"
	    " AS ordered, (nv.cout IS NULL OR nv.cout - nv.cin <="
	    " interval '24 hours') AS short, " NOT_FUTURE("nv.cin") " AND"
	    " (nv.cout IS NULL OR " NOT_FUTURE("nv.cout") ") AS past,"
	    " (nv.cout IS NULL OR extract(epoch FROM nv.cout - nv.cin) / 60"
	    " >= nv.brk) AS brk_ok FROM nv),"
	    " upd AS (UPDATE time_entries t SET clock_in_at = c.cin,"
	    " clock_out_at = c.cout, clock_out_method = CASE WHEN c.cout"
	    " IS NOT NULL THEN coalesce(t.clock_out_method, 'manual') END,"
	    " break_minutes = c.brk, status = CASE WHEN c.cout IS NOT NULL"
	    " AND t.status = 'open' THEN 'closed' ELSE t.status END,"
	    " corrected_by = $3::uuid, corrected_at = now(),"
	    " correction_reason = c.reason, updated_at = now()"
	    " FROM old, chk c WHERE t.id = old.id AND c.id = old.id"
	    " AND old.status IN ('open', 'closed') AND NOT old.invoiced"
	    " AND c.ordered AND c.short AND c.past AND c.brk_ok"
	    " RETURNING t.*),"
	    " aud AS (" AUDIT("time_entry.correct", "time_entry", "u.id::text",
	    "jsonb_build_object('before', " TIME_SUM("o") ", 'after', "
	    TIME_SUM("u") ", 'reason', u.correction_reason)"
	    " FROM upd u, old o") ")"
	    " SELECT CASE WHEN o.invoiced AND o.status IN ('open', 'closed')"
	    " THEN 'invoiced' ELSE o.status END,"
	    " (SELECT " TIME_ENTRY_OBJ " FROM upd p)::text,"
	    " c.ordered, c.short, c.past, c.brk_ok FROM old o, chk c",
	/*
	 * Staff: apply for position $6 of shift $5.  The position must be of
	 * the caller's vendor on that shift (else no row, 404); the answer
	 * columns are the state (the live assignment's status, "full",
	 * "not_eligible" or "eligible"), the new assignment.
	 * STMT_STAFF_POS_LOCK runs first (its own statement, so that this
	 * one's snapshot is taken after the lock): two workers cannot take
	 * the last slot of a position, and one worker's applications run
	 * one after the other (its staff row: NO KEY UPDATE, which inserts
	 * referring to it do not wait for), so that the second sees the
	 * first.  A client's concurrent assignment of the worker to the
	 * shift does not take these locks: the insert then does nothing
	 * (ON CONFLICT) and the state is "raced"; the handler runs the
	 * statement again, in a snapshot that sees that assignment.
	 */
	[STMT_STAFF_POS_LOCK] =
	    "SELECT sp.id FROM shift_positions sp JOIN staff s"
	    " ON s.id = $2::uuid AND s.tenant_id = sp.tenant_id"
	    " AND s.vendor_id = sp.vendor_id"
	    " WHERE sp.id = $6::uuid AND sp.shift_id = $5::uuid"
	    " AND sp.tenant_id = $1::uuid"
	    " AND $3::uuid IS NOT NULL AND $4::uuid IS NOT NULL"
	    " FOR UPDATE OF sp FOR NO KEY UPDATE OF s",
	[STMT_STAFF_APPLY] =
	    SQLR_ME_STAFF SQLR_AVAIL ST_OPENPOS
	    ", pos AS (SELECT sp.* FROM shift_positions sp, me"
	    " WHERE sp.id = $6::uuid AND sp.shift_id = $5::uuid"
	    " AND sp.tenant_id = $1::uuid AND sp.vendor_id = me.vendor_id),"
	    " live AS (SELECT a.status FROM assignments a, me"
	    " WHERE a.shift_id = $5::uuid AND a.staff_id = me.id"
	    " AND a.status NOT IN ('declined', 'cancelled')"
	    " ORDER BY a.updated_at DESC LIMIT 1),"
	    " ok AS (SELECT o.* FROM openpos o WHERE o.sid = $5::uuid"
	    " AND o.pid = $6::uuid AND NOT EXISTS (SELECT 1 FROM live)),"
	    " ins AS (INSERT INTO assignments (tenant_id, business_id,"
	    " shift_id, position_id, vendor_id, staff_id, status, applied_at)"
	    " SELECT $1::uuid, ok.bid, ok.sid, ok.pid, me.vendor_id, me.id,"
	    " 'applied', now() FROM ok, me ON CONFLICT (shift_id, staff_id)"
	    " WHERE status NOT IN ('declined', 'cancelled') DO NOTHING"
	    " RETURNING *),"
	    " aud AS (" AUDIT("assignment.apply", "assignment", "i.id::text",
	    "jsonb_build_object('before', NULL, 'after', jsonb_build_object("
	    "'status', i.status, 'shiftId', i.shift_id, 'positionId',"
	    " i.position_id)) FROM ins i") ")"
	    " SELECT CASE WHEN EXISTS (SELECT 1 FROM live)"
	    " THEN (SELECT status FROM live)"
	    " WHEN (SELECT count(*) FROM assignments a"
	    " WHERE a.position_id = p.id AND a.status IN " SQLR_FILLED ")"
	    " >= p.headcount THEN 'full'"
	    " WHEN EXISTS (SELECT 1 FROM ins) THEN 'eligible'"
	    " WHEN EXISTS (SELECT 1 FROM ok) THEN 'raced'"
	    " ELSE 'not_eligible' END,"
	    " (SELECT " ST_ASSIGN_OBJ " FROM ins p)::text FROM pos p",
	/* Staff: $5 shift; own applied -> cancelled (withdrawn). */
	[STMT_STAFF_WITHDRAW] =
	    ST_ASSIGN_MOVE("status = 'cancelled', cancelled_at = now(),"
	    " cancel_reason = 'Withdrawn by the worker'", "applied",
	    "assignment.withdraw"),
	/* Staff: $5 shift; own assigned (offered) -> declined. */
	[STMT_STAFF_DECLINE] =
	    ST_ASSIGN_MOVE("status = 'declined', declined_at = now()",
	    "assigned", "assignment.decline"),
	/*
	 * Staff: $5 shift, $6 reason: a pending swap request for the own
	 * assigned or confirmed assignment.  Columns: the assignment's
	 * status, the request, the id of a pending request already there.
	 */
	[STMT_STAFF_SWAP_REQUEST] =
	    SQLR_ME_STAFF ST_MINE_LOCKED
	    ", pend AS (SELECT sr.id FROM swap_requests sr, cur"
	    " WHERE sr.assignment_id = cur.id AND sr.status = 'pending'),"
	    " ins AS (INSERT INTO swap_requests (tenant_id, business_id,"
	    " assignment_id, reason) SELECT cur.tenant_id, cur.business_id,"
	    " cur.id, $6::text FROM cur WHERE cur.status IN ('assigned',"
	    " 'confirmed') AND NOT EXISTS (SELECT 1 FROM pend)"
	    " ON CONFLICT (assignment_id) WHERE status = 'pending' DO NOTHING"
	    " RETURNING *),"
	    " aud AS (" AUDIT("swap_request.create", "swap_request",
	    "i.id::text", "jsonb_build_object('before', NULL, 'after',"
	    " jsonb_build_object('status', i.status, 'assignmentId',"
	    " i.assignment_id, 'reason', i.reason)) FROM ins i") ")"
	    " SELECT c.status, (SELECT " ST_SWAP_OBJ " FROM ins p)::text,"
	    " (SELECT id::text FROM pend LIMIT 1) FROM cur c",
	/*
	 * Staff: $5 shift: the latest swap request of the own assignment,
	 * pending -> cancelled.  Columns: the request's status (NULL: none),
	 * the request.
	 */
	[STMT_STAFF_SWAP_CANCEL] =
	    SQLR_ME_STAFF ST_MINE_LOCKED
	    ", sw AS (SELECT sr.* FROM swap_requests sr, cur"
	    " WHERE sr.assignment_id = cur.id AND sr.tenant_id = $1::uuid"
	    " ORDER BY sr.status = 'pending' DESC, sr.created_at DESC, sr.id"
	    " LIMIT 1 FOR UPDATE OF sr),"
	    " upd AS (UPDATE swap_requests r SET status = 'cancelled',"
	    " resolved_at = now() FROM sw WHERE r.id = sw.id"
	    " AND sw.status = 'pending' RETURNING r.*),"
	    " aud AS (" AUDIT("swap_request.cancel", "swap_request",
	    "u.id::text", "jsonb_build_object('before', jsonb_build_object("
	    "'status', s.status), 'after', jsonb_build_object('status',"
	    " u.status)) FROM upd u, sw s") ")"
	    " SELECT (SELECT status FROM sw),"
	    " (SELECT " ST_SWAP_OBJ " FROM upd p)::text FROM cur c",
	/*
	 * Staff: clock in; $5 body (jsonb: nfcTagId, or latitude and
	 * longitude), $6 clock-in window (minutes before the start).  The
	 * shift: the caller's earliest assigned or confirmed assignment
	 * whose window is open now (as /query/staff/clock-in/today).
	 * Columns: the state ("clocked_in": an entry is open already,
	 * "no_shift_open", "method_not_allowed", "nfc_tag_mismatch",
	 * "outside_geofence", or "ok"), the time entry, the distance in
	 * meters from the hub (geofence).  h_staff.c locks the caller's
	 * staff row first (STMT_STF_LOCK_STAFF), so that a second clock-in
	 * sees the first one's entry; should an open entry still appear
	 * concurrently, the insert does nothing (ON CONFLICT): "ok" without
	 * an entry, and the handler runs the statement again.
	 */
	[STMT_STAFF_CLOCK_IN] =
	    SQLR_ME_STAFF ", x AS (SELECT $5::jsonb AS b),"
	    " cand AS (SELECT a.*, s.starts_at, s.ends_at, h.id AS hid,"
	    " h.latitude AS hlat, h.longitude AS hlon, h.geofence_radius_m,"
	    " h.clock_in_methods FROM me JOIN assignments a"
	    " ON a.staff_id = me.id AND a.tenant_id = $1::uuid"
	    " JOIN shifts s ON s.id = a.shift_id AND s.tenant_id = a.tenant_id"
	    " JOIN orders o ON o.id = s.order_id AND o.tenant_id = s.tenant_id"
	    " JOIN hubs h ON h.id = s.hub_id AND h.tenant_id = s.tenant_id"
	    " WHERE a.status IN ('assigned', 'confirmed')"
	    " AND s.status <> 'cancelled' AND o.status <> 'cancelled'"
	    " AND now() >= s.starts_at - make_interval(mins => $6::integer)"
	    " AND now() < s.ends_at ORDER BY s.starts_at, a.id LIMIT 1"
	    " FOR UPDATE OF a),"
	    " busy AS (SELECT te.id FROM me JOIN time_entries te"
	    " ON te.staff_id = $2::uuid AND te.status = 'open'),"
	    " tag AS (SELECT t.id FROM nfc_tags t, cand c, x"
	    " WHERE b ? 'nfcTagId' AND t.hub_id = c.hid AND t.status = 'active'"
	    " AND t.tenant_id = $1::uuid AND (t.tag_uid = upper(b->>'nfcTagId')"
	    " OR t.id::text = lower(b->>'nfcTagId'))),"
	    " geo AS (SELECT " ST_DISTANCE("c.hlat", "c.hlon",
	    "(b->>'latitude')::numeric", "(b->>'longitude')::numeric")
	    " AS dist FROM cand c, x WHERE b ? 'latitude'"
	    " AND c.hlat IS NOT NULL),"
	    " chk AS (SELECT c.id, CASE WHEN b ? 'nfcTagId' THEN 'nfc'"
	    " ELSE 'geofence' END AS method FROM cand c, x),"
	    " st AS (SELECT CASE WHEN EXISTS (SELECT 1 FROM busy)"
	    " THEN 'clocked_in' WHEN NOT EXISTS (SELECT 1 FROM cand)"
	    " THEN 'no_shift_open' WHEN NOT (SELECT chk.method = ANY"
	    " (c.clock_in_methods) FROM chk, cand c) OR ((SELECT method"
	    " FROM chk) = 'geofence' AND NOT EXISTS (SELECT 1 FROM geo))"
	    " THEN 'method_not_allowed' WHEN (SELECT method FROM chk) = 'nfc'"
	    " AND NOT EXISTS (SELECT 1 FROM tag) THEN 'nfc_tag_mismatch'"
	    " WHEN (SELECT method FROM chk) = 'geofence' AND (SELECT dist"
	    " FROM geo) > (SELECT geofence_radius_m FROM cand)"
	    " THEN 'outside_geofence' ELSE 'ok' END AS state),"
	    " ins AS (INSERT INTO time_entries (tenant_id, business_id,"
	    " assignment_id, staff_id, shift_id, clock_in_at, clock_in_method,"
	    " clock_in_latitude, clock_in_longitude, nfc_tag_id)"
	    " SELECT $1::uuid, c.business_id, c.id, c.staff_id, c.shift_id,"
	    " now(), k.method, (b->>'latitude')::numeric,"
	    " (b->>'longitude')::numeric, (SELECT id FROM tag LIMIT 1)"
	    " FROM cand c, chk k, x, st WHERE st.state = 'ok'"
	    " ON CONFLICT (staff_id) WHERE status = 'open' DO NOTHING"
	    " RETURNING *),"
	    " upd AS (UPDATE assignments a SET status = 'checked_in',"
	    " checked_in_at = i.clock_in_at, updated_at = now() FROM ins i"
	    " WHERE a.id = i.assignment_id RETURNING a.id),"
	    " aud AS (" AUDIT("time_entry.clock_in", "time_entry", "i.id::text",
	    "jsonb_build_object('before', NULL, 'after', jsonb_build_object("
	    "'assignmentId', i.assignment_id, 'clockInAt', i.clock_in_at,"
	    " 'method', i.clock_in_method, 'nfcTagId', i.nfc_tag_id))"
	    " FROM ins i") ")"
	    " SELECT st.state, (SELECT " ST_TIME_OBJ " FROM ins p)::text,"
	    " (SELECT round(dist)::text FROM geo),"
	    " (SELECT count(*) FROM upd)::text FROM st",
	/*
	 * Staff: clock out of the open time entry; $5 break minutes (NULL:
	 * keep).  Columns: the entry's status (no row: none open), the
	 * entry, the minutes clocked so far.
	 */
	[STMT_STAFF_CLOCK_OUT] =
	    SQLR_ME_STAFF ", old AS (SELECT te.* FROM time_entries te, me"
	    " WHERE te.staff_id = me.id AND te.tenant_id = $1::uuid"
	    " AND te.status = 'open' FOR UPDATE OF te),"
	    " el AS (SELECT old.id, floor(extract(epoch FROM now() -"
	    " old.clock_in_at) / 60)::integer AS mins,"
	    " coalesce($5::integer, old.break_minutes) AS brk FROM old),"
	    " upd AS (UPDATE time_entries t SET clock_out_at = now(),"
	    " clock_out_method = t.clock_in_method, break_minutes = el.brk,"
	    " status = 'closed', updated_at = now() FROM el"
	    " WHERE t.id = el.id AND el.brk <= el.mins"
	    " AND now() > t.clock_in_at RETURNING t.*),"
	    " ua AS (UPDATE assignments a SET status = 'checked_out',"
	    " checked_out_at = u.clock_out_at, updated_at = now() FROM upd u"
	    " WHERE a.id = u.assignment_id AND a.status = 'checked_in'"
	    " RETURNING a.id),"
	    " aud AS (" AUDIT("time_entry.clock_out", "time_entry",
	    "u.id::text",
	    "jsonb_build_object('before', jsonb_build_object('status',"
	    " o.status), 'after', jsonb_build_object('status', u.status,"
	    " 'clockOutAt', u.clock_out_at, 'breakMinutes', u.break_minutes,"
	    " 'workedMinutes', u.worked_minutes)) FROM upd u, old o") ")"
	    " SELECT o.status, (SELECT " ST_TIME_OBJ " FROM upd p)::text,"
	    " el.mins, (SELECT count(*) FROM ua) FROM old o, el",
	/*
	 * Staff: the weekly availability is replaced in two statements (a
	 * DELETE and an INSERT of the same keys cannot share one).  Clear:
	 * the rows removed, as the audit summary wants them (no row: the
	 * caller is no active staff user).
	 */
	[STMT_STAFF_AVAIL_CLEAR] =
	    SQLR_ME_STAFF ", del AS (DELETE FROM staff_availability w USING me"
	    " WHERE w.staff_id = me.id AND w.tenant_id = $1::uuid"
	    " AND $4::uuid IS NOT NULL RETURNING w.*)"
	    " SELECT (SELECT coalesce(jsonb_agg(" ST_WEEKLY_SUM("d")
	    " ORDER BY d.day_of_week, d.start_time), '[]'::jsonb)"
	    " FROM del d)::text FROM me",
	/* $5 weekly windows (jsonb array), $6 zone, $7 the rows cleared. */
	[STMT_STAFF_AVAIL_SET] =
	    SQLR_ME_STAFF ", ins AS (INSERT INTO staff_availability (tenant_id,"
	    " staff_id, day_of_week, start_time, end_time, time_zone)"
	    " SELECT $1::uuid, me.id, (e->>'dayOfWeek')::smallint,"
	    " (e->>'startTime')::time, (e->>'endTime')::time, $6::text"
	    " FROM me, jsonb_array_elements($5::jsonb) e RETURNING *),"
	    " aud AS (" AUDIT("availability.replace", "staff", "me.id::text",
	    "jsonb_build_object('before', $7::jsonb, 'after', (SELECT"
	    " coalesce(jsonb_agg(" ST_WEEKLY_SUM("i") " ORDER BY"
	    " i.day_of_week, i.start_time), '[]'::jsonb) FROM ins i)) FROM me")
	    ")"
	    " SELECT json_build_object('timeZone', $6::text, 'weekly',"
	    " (SELECT coalesce(json_agg(" ST_WEEKLY_OBJ("i") " ORDER BY"
	    " i.day_of_week, i.start_time), '[]'::json) FROM ins i))::text"
	    " FROM me",
	/*
	 * Staff: $5 day, $6 available, $7 start, $8 end, $9 reason.  The
	 * day must not be before today in the caller's zone, nor clash with
	 * an exception of that day (either unavailable, or hours that
	 * overlap).  Columns: the state ("past", "exists" or "new"), the
	 * exception, the id of the one it clashes with.
	 */
	[STMT_STAFF_EXC_ADD] =
	    SQLR_ME_STAFF SQLR_AVAIL
	    ", clash AS (SELECT e.id FROM staff_availability_exceptions e, me"
	    " WHERE e.staff_id = me.id AND e.day = $5::date"
	    " AND (NOT e.available OR NOT $6::boolean OR (e.start_time <"
	    " $8::time AND e.end_time > $7::time)) ORDER BY e.start_time"
	    " NULLS FIRST, e.id LIMIT 1),"
	    " st AS (SELECT CASE WHEN $5::date < (now() AT TIME ZONE az.tz)"
	    "::date THEN 'past' WHEN EXISTS (SELECT 1 FROM clash)"
	    " THEN 'exists' ELSE 'new' END AS state FROM az),"
	    " ins AS (INSERT INTO staff_availability_exceptions (tenant_id,"
	    " staff_id, day, available, start_time, end_time, reason)"
	    " SELECT $1::uuid, me.id, $5::date, $6::boolean, $7::time,"
	    " $8::time, $9::text FROM me, st WHERE st.state = 'new'"
	    " RETURNING *),"
	    " aud AS (" AUDIT("availability.exception_add",
	    "availability_exception", "i.id::text",
	    "jsonb_build_object('before', NULL, 'after', " ST_EXC_SUM("i") ")"
	    " FROM ins i") ")"
	    " SELECT st.state, (SELECT " ST_EXC_OBJ " FROM ins p)::text,"
	    " (SELECT id::text FROM clash) FROM st, me",
	/* $5 exception: the caller's own, deleted. */
	[STMT_STAFF_EXC_DEL] =
	    SQLR_ME_STAFF ", del AS (DELETE FROM staff_availability_exceptions e"
	    " USING me WHERE e.id = $5::uuid AND e.staff_id = me.id"
	    " AND e.tenant_id = $1::uuid RETURNING e.*),"
	    " aud AS (" AUDIT("availability.exception_delete",
	    "availability_exception", "d.id::text",
	    "jsonb_build_object('before', " ST_EXC_SUM("d") ", 'after', NULL)"
	    " FROM del d") ")"
	    " SELECT 'deleted', json_build_object('exceptionId', d.id,"
	    " 'deleted', true)::text FROM del d",
	/*
	 * Staff profile: $5 body (jsonb, checked).  Personal info replaces
	 * the names on the staff row and the editable profile (an absent
	 * member is cleared); the answer is GET .../personal-info's object
	 * (copied from fcgi/query/main.c).  The audit row names the members
	 * sent, not their values: personal data stays out of the audit log.
	 */
	[STMT_STAFF_PERSONAL_SET] =
	    SQLR_ME_STAFF ", x AS (SELECT $5::jsonb AS b),"
	    " us AS (UPDATE staff st SET first_name = b->>'firstName',"
	    " last_name = b->>'lastName', updated_at = now() FROM me, x"
	    " WHERE st.id = me.id AND st.tenant_id = $1::uuid RETURNING st.*),"
	    " up AS (INSERT INTO staff_profiles (staff_id, tenant_id,"
	    " preferred_name, date_of_birth, address_line1, address_line2,"
	    " city, region, postal_code, country, bio, photo_file_id,"
	    " emergency_contact_name, emergency_contact_phone, updated_at)"
	    " SELECT me.id, $1::uuid, b->>'preferredName',"
	    " (b->>'dateOfBirth')::date, b->'address'->>'line1',"
	    " b->'address'->>'line2', b->'address'->>'city',"
	    " b->'address'->>'region', b->'address'->>'postalCode',"
	    " b->'address'->>'country', b->>'bio', b->>'photoFileId',"
	    " b->'emergencyContact'->>'name', b->'emergencyContact'->>'phone',"
	    " now() FROM me, x ON CONFLICT (staff_id) DO UPDATE SET"
	    " preferred_name = excluded.preferred_name,"
	    " date_of_birth = excluded.date_of_birth,"
	    " address_line1 = excluded.address_line1,"
	    " address_line2 = excluded.address_line2, city = excluded.city,"
	    " region = excluded.region, postal_code = excluded.postal_code,"
	    " country = excluded.country, bio = excluded.bio,"
	    " photo_file_id = excluded.photo_file_id,"
	    " emergency_contact_name = excluded.emergency_contact_name,"
	    " emergency_contact_phone = excluded.emergency_contact_phone,"
	    " updated_at = now() RETURNING *),"
	    " aud AS (" AUDIT("staff.personal_info", "staff", "me.id::text",
	    "jsonb_build_object('fields', (SELECT jsonb_agg(k ORDER BY k)"
	    " FROM jsonb_object_keys($5::jsonb) k)) FROM me, up, us") ")"
	    " SELECT (SELECT json_build_object('staffId', st.id,"
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
	    " FROM us st JOIN up p ON p.staff_id = st.id"
	    " JOIN vendors v ON v.id = st.vendor_id"
	    " AND v.tenant_id = st.tenant_id)::text FROM me",
	/* $5 items [{"industry", "yearsExperience"}]: the new list. */
	[STMT_STAFF_INDUSTRIES_SET] =
	    ST_LIST_SET("staff_industries", "industry", "years_experience",
	    "(e->>'yearsExperience')::integer", "staff.industries",
	    "json_build_object('industry', i.industry, 'yearsExperience',"
	    " i.years_experience)", "i.industry"),
	/* $5 items [{"skill", "level"}]. */
	[STMT_STAFF_SKILLS_SET] =
	    ST_LIST_SET("staff_skills", "skill", "level",
	    "coalesce(e->>'level', 'intermediate')", "staff.skills",
	    "json_build_object('skill', i.skill, 'level', i.level)",
	    "i.skill"),
	/*
	 * $5 items [{"benefit", "status"}]: enrolledAt is kept while a
	 * benefit stays enrolled, set when it becomes enrolled, cleared
	 * otherwise.
	 */
	[STMT_STAFF_BENEFITS_SET] =
	    SQLR_ME_STAFF ", x AS (SELECT e->>'benefit' AS k, e->>'status' AS v"
	    " FROM jsonb_array_elements($5::jsonb) e),"
	    " old AS (SELECT t.* FROM staff_benefits t, me"
	    " WHERE t.staff_id = me.id AND t.tenant_id = $1::uuid),"
	    " del AS (DELETE FROM staff_benefits t USING me"
	    " WHERE t.staff_id = me.id AND t.tenant_id = $1::uuid"
	    " AND t.benefit NOT IN (SELECT k FROM x) RETURNING t.*),"
	    " ups AS (INSERT INTO staff_benefits (tenant_id, staff_id, benefit,"
	    " status, enrolled_at) SELECT $1::uuid, me.id, x.k, x.v,"
	    " CASE WHEN x.v = 'enrolled' THEN now() END FROM me, x"
	    " ON CONFLICT (staff_id, benefit) DO UPDATE SET"
	    " status = excluded.status, enrolled_at = CASE WHEN"
	    " excluded.status <> 'enrolled' THEN NULL WHEN"
	    " staff_benefits.status = 'enrolled'"
	    " THEN staff_benefits.enrolled_at ELSE now() END RETURNING *),"
	    " aud AS (" AUDIT("staff.benefits", "staff", "me.id::text",
	    "jsonb_build_object('before', (SELECT coalesce(jsonb_object_agg("
	    "o.benefit, o.status), '{}'::jsonb) FROM old o), 'after', (SELECT"
	    " coalesce(jsonb_object_agg(i.benefit, i.status), '{}'::jsonb)"
	    " FROM ups i)) FROM me") ")"
	    " SELECT json_build_object('items', (SELECT coalesce(json_agg("
	    "json_build_object('benefit', i.benefit, 'status', i.status,"
	    " 'enrolledAt', " TS("i.enrolled_at") ") ORDER BY i.benefit),"
	    " '[]'::json) FROM ups i))::text FROM me",
	/* Staff: $5 doc type, $6 file id, $7 file name: pending review. */
	[STMT_STAFF_DOC_ADD] =
	    SQLR_ME_STAFF ", ins AS (INSERT INTO staff_documents (tenant_id, staff_id,"
	    " doc_type, file_id, file_name) SELECT $1::uuid, me.id, $5::text,"
	    " $6::text, $7::text FROM me RETURNING *),"
	    " aud AS (" AUDIT("staff.document_add", "staff_document",
	    "i.id::text", "jsonb_build_object('before', NULL, 'after',"
	    " jsonb_build_object('docType', i.doc_type, 'fileId', i.file_id))"
	    " FROM ins i") ")"
	    " SELECT (SELECT " ST_DOC_OBJ " FROM ins p)::text FROM me",
	/* $5 document: the caller's own, not deleted yet, soft-deleted. */
	[STMT_STAFF_DOC_DEL] =
	    SQLR_ME_STAFF ", del AS (UPDATE staff_documents d SET deleted_at = now()"
	    " FROM me WHERE d.id = $5::uuid AND d.staff_id = me.id"
	    " AND d.tenant_id = $1::uuid AND d.deleted_at IS NULL"
	    " RETURNING d.*),"
	    " aud AS (" AUDIT("staff.document_delete", "staff_document",
	    "d.id::text", "jsonb_build_object('before', jsonb_build_object("
	    "'docType', d.doc_type, 'status', d.status), 'after', NULL)"
	    " FROM del d") ")"
	    " SELECT json_build_object('documentId', d.id, 'deleted', true)"
	    "::text FROM del d",
	/*
	 * Staff: $5 name, $6 issuer, $7 number, $8 issued on, $9 expires
	 * on, $10 file id: a certificate pending verification.
	 */
	[STMT_STAFF_CERT_ADD] =
	    SQLR_ME_STAFF ", ins AS (INSERT INTO staff_certificates (tenant_id,"
	    " staff_id, name, issuer, number, issued_on, expires_on, file_id)"
	    " SELECT $1::uuid, me.id, $5::text, $6::text, $7::text,"
	    " $8::date, $9::date, $10::text FROM me RETURNING *),"
	    " aud AS (" AUDIT("staff.certificate_add", "staff_certificate",
	    "i.id::text", "jsonb_build_object('before', NULL, 'after',"
	    " jsonb_build_object('name', i.name, 'expiresOn', i.expires_on))"
	    " FROM ins i") ")"
	    " SELECT (SELECT " ST_CERT_OBJ " FROM ins p)::text FROM me",
	/* $5 certificate: the caller's own, soft-deleted. */
	[STMT_STAFF_CERT_DEL] =
	    SQLR_ME_STAFF ", del AS (UPDATE staff_certificates c"
	    " SET deleted_at = now()"
	    " FROM me WHERE c.id = $5::uuid AND c.staff_id = me.id"
	    " AND c.tenant_id = $1::uuid AND c.deleted_at IS NULL"
	    " RETURNING c.*),"
	    " aud AS (" AUDIT("staff.certificate_delete", "staff_certificate",
	    "d.id::text", "jsonb_build_object('before', jsonb_build_object("
	    "'name', d.name, 'verificationStatus', d.verification_status),"
	    " 'after', NULL) FROM del d") ")"
	    " SELECT json_build_object('certificateId', d.id, 'deleted', true)"
	    "::text FROM del d",
	/*
	 * Staff bank accounts: only the payment provider's token and the
	 * last four digits are stored; the token is never answered.
	 * Clear: the caller's default flag, except on account $5 (NULL:
	 * all), and only when $5 is NULL or an active account of the
	 * caller (the partial unique index on the default allows one at a
	 * time, so clearing is a statement of its own).
	 */
	[STMT_STAFF_BANK_CLEAR] =
	    SQLR_ME_STAFF ", upd AS (UPDATE staff_bank_accounts b SET"
	    " is_default = false FROM me WHERE b.staff_id = me.id"
	    " AND b.tenant_id = $1::uuid AND b.is_default"
	    " AND b.deleted_at IS NULL AND b.id IS DISTINCT FROM $5::uuid"
	    " AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM"
	    " staff_bank_accounts x WHERE x.id = $5::uuid"
	    " AND x.staff_id = me.id AND x.deleted_at IS NULL))"
	    " AND $4::uuid IS NOT NULL RETURNING b.id)"
	    " SELECT count(*) FROM upd",
	/* $5 body (jsonb, checked), $6 make it the default (boolean). */
	[STMT_STAFF_BANK_ADD] =
	    SQLR_ME_STAFF ", x AS (SELECT $5::jsonb AS b),"
	    " ins AS (INSERT INTO staff_bank_accounts (tenant_id, staff_id,"
	    " holder_name, bank_name, account_type, account_last4,"
	    " routing_last4, provider_token, currency, country, is_default)"
	    " SELECT $1::uuid, me.id, b->>'holderName', b->>'bankName',"
	    " coalesce(b->>'accountType', 'checking'), b->>'last4',"
	    " b->>'routingLast4', b->>'providerToken',"
	    " coalesce(b->>'currency', 'USD'), coalesce(b->>'country', 'US'),"
	    " $6::boolean OR NOT EXISTS (SELECT 1 FROM staff_bank_accounts o"
	    " WHERE o.staff_id = me.id AND o.deleted_at IS NULL)"
	    " FROM me, x RETURNING *),"
	    " aud AS (" AUDIT("staff.bank_account_add", "staff_bank_account",
	    "i.id::text", "jsonb_build_object('before', NULL, 'after', "
	    ST_BANK_SUM("i") ") FROM ins i") ")"
	    " SELECT (SELECT " ST_BANK_OBJ " FROM ins p)::text FROM me",
	/* $5 account: the caller's own, soft-deleted (and no default). */
	[STMT_STAFF_BANK_DEL] =
	    SQLR_ME_STAFF ", del AS (UPDATE staff_bank_accounts b SET"
	    " deleted_at = now(), is_default = false FROM me"
	    " WHERE b.id = $5::uuid AND b.staff_id = me.id"
	    " AND b.tenant_id = $1::uuid AND b.deleted_at IS NULL"
	    " RETURNING b.*),"
	    " aud AS (" AUDIT("staff.bank_account_delete",
	    "staff_bank_account", "d.id::text", "jsonb_build_object('before',"
	    " " ST_BANK_SUM("d") ", 'after', NULL) FROM del d") ")"
	    " SELECT json_build_object('bankAccountId', d.id, 'deleted', true)"
	    "::text FROM del d",
	/* $5 account: the caller's own becomes the default. */
	/*
	 * Staff: mark the caller's unread notifications read, up to id $5
	 * (NULL: all).  Columns: the answer (marked, unread left).
	 */
	[STMT_STAFF_NOTIF_READ] =
	    SQLR_ME_STAFF ", upd AS (UPDATE staff_events e SET read_at = now()"
	    " FROM me WHERE e.staff_id = me.id AND e.tenant_id = $1::uuid"
	    " AND e.read_at IS NULL AND ($5::bigint IS NULL"
	    " OR e.id <= $5::bigint) RETURNING e.id),"
	    " aud AS (" AUDIT("staff.notifications_read", "staff",
	    "me.id::text", "jsonb_build_object('before', NULL, 'after',"
	    " jsonb_build_object('marked', (SELECT count(*) FROM upd),"
	    " 'upTo', $5::text)) FROM me") ")"
	    " SELECT json_build_object('marked', (SELECT count(*) FROM upd),"
	    " 'unreadCount', (SELECT count(*) FROM staff_events e"
	    " WHERE e.staff_id = me.id AND e.tenant_id = $1::uuid"
	    " AND e.read_at IS NULL AND e.id NOT IN (SELECT id FROM upd)))"
	    "::text FROM me",
	[STMT_STAFF_BANK_DEFAULT] =
	    SQLR_ME_STAFF ", upd AS (UPDATE staff_bank_accounts b SET"
	    " is_default = true FROM me WHERE b.id = $5::uuid"
	    " AND b.staff_id = me.id AND b.tenant_id = $1::uuid"
	    " AND b.deleted_at IS NULL RETURNING b.*),"
	    " aud AS (" AUDIT("staff.bank_account_default",
	    "staff_bank_account", "u.id::text", "jsonb_build_object('before',"
	    " NULL, 'after', " ST_BANK_SUM("u") ") FROM upd u") ")"
	    " SELECT (SELECT " ST_BANK_OBJ " FROM upd p)::text FROM upd",
	ORDERS_STMTS
	STAFFING_STMTS
};

#define CMD	(ROUTE_CLIENT | ROUTE_IDEMPOTENT)
#define CMDJ	(ROUTE_CLIENT | ROUTE_IDEMPOTENT | ROUTE_BODY_JSON)
#define STAFF	(ROUTE_STAFF | ROUTE_IDEMPOTENT)
#define STAFFJ	(ROUTE_STAFF | ROUTE_IDEMPOTENT | ROUTE_BODY_JSON)

static const struct route routes[] = {
	{ "GET", "/commands/health", app_health, ROUTE_PUBLIC },
	{ "POST", "/commands/client/orders", h_order_create, CMDJ },
	{ "PATCH", "/commands/client/orders/:orderId", h_order_update, CMDJ },
	{ "POST", "/commands/client/orders/:orderId/cancel", h_order_cancel,
	    CMDJ },
	{ "POST", "/commands/client/orders/:orderId/reorder", h_order_reorder,
	    CMDJ },
	{ "POST",
	    "/commands/client/shifts/:shiftId/positions/:positionId/assignments",
	    h_assignment_create, CMDJ },
	{ "DELETE", "/commands/client/assignments/:assignmentId",
	    h_assignment_delete, CMD },
	{ "POST", "/commands/client/assignments/:assignmentId/approve",
	    h_assignment_approve, CMD },
	{ "POST", "/commands/client/assignments/:assignmentId/reject",
	    h_assignment_reject, CMDJ },
	{ "POST", "/commands/client/swap-requests/:swapRequestId/approve",
	    h_swap_approve, CMD },
	{ "POST", "/commands/client/swap-requests/:swapRequestId/reject",
	    h_swap_reject, CMDJ },
	{ "POST", "/commands/client/hubs", h_hub_create, CMDJ },
	{ "PATCH", "/commands/client/hubs/:hubId", h_hub_update, CMDJ },
	{ "POST", "/commands/client/hubs/:hubId/archive", h_hub_archive, CMD },
	{ "POST", "/commands/client/hubs/:hubId/managers", h_hub_manager_add,
	    CMDJ },
	{ "DELETE", "/commands/client/hubs/:hubId/managers/:userId",
	    h_hub_manager_remove, CMD },
	{ "POST", "/commands/client/hubs/:hubId/nfc-tags", h_hub_nfc_add,
	    CMDJ },
	{ "DELETE", "/commands/client/hubs/:hubId/nfc-tags/:tagId",
	    h_hub_nfc_revoke, CMD },
	{ "POST", "/commands/client/invoices/:invoiceId/approve",
	    h_invoice_approve, CMD },
	{ "POST", "/commands/client/invoices/:invoiceId/dispute",
	    h_invoice_dispute, CMDJ },
	{ "POST", "/commands/client/time-entries/:timeEntryId/correct",
	    h_time_entry_correct, CMDJ },
	{ "POST", "/commands/staff/shifts/:shiftId/apply", h_staff_apply,
	    STAFFJ },
	{ "POST", "/commands/staff/shifts/:shiftId/withdraw",
	    h_staff_withdraw, STAFF },
	{ "POST", "/commands/staff/shifts/:shiftId/decline",
	    h_staff_decline, STAFF },
	{ "POST", "/commands/staff/shifts/:shiftId/request-swap",
	    h_staff_swap_request, STAFFJ },
	{ "POST", "/commands/staff/shifts/:shiftId/cancel-swap",
	    h_staff_swap_cancel, STAFF },
	{ "POST", "/commands/staff/clock-in", h_staff_clock_in, STAFFJ },
	{ "POST", "/commands/staff/clock-out", h_staff_clock_out, STAFFJ },
	{ "PUT", "/commands/staff/availability", h_staff_availability_set,
	    STAFFJ },
	{ "POST", "/commands/staff/availability/exceptions",
	    h_staff_exception_add, STAFFJ },
	{ "DELETE", "/commands/staff/availability/exceptions/:exceptionId",
	    h_staff_exception_delete, STAFF },
	{ "PUT", "/commands/staff/profile/personal-info",
	    h_staff_personal_info, STAFFJ },
	{ "PUT", "/commands/staff/profile/industries", h_staff_industries,
	    STAFFJ },
	{ "PUT", "/commands/staff/profile/skills", h_staff_skills, STAFFJ },
	{ "PUT", "/commands/staff/profile/benefits", h_staff_benefits,
	    STAFFJ },
	{ "POST", "/commands/staff/profile/documents", h_staff_document_add,
	    STAFFJ },
	{ "DELETE", "/commands/staff/profile/documents/:documentId",
	    h_staff_document_delete, STAFF },
	{ "POST", "/commands/staff/profile/certificates",
	    h_staff_certificate_add, STAFFJ },
	{ "DELETE", "/commands/staff/profile/certificates/:certificateId",
	    h_staff_certificate_delete, STAFF },
	{ "POST", "/commands/staff/profile/bank-accounts",
	    h_staff_bank_account_add, STAFFJ },
	{ "DELETE", "/commands/staff/profile/bank-accounts/:bankAccountId",
	    h_staff_bank_account_delete, STAFF },
	{ "POST",
	    "/commands/staff/profile/bank-accounts/:bankAccountId/default",
	    h_staff_bank_account_default, STAFF },
	{ "POST", "/commands/staff/notifications/read",
	    h_staff_notifications_read, STAFFJ },
};

/*
 * Start command r (see command.h): roles is the '|'-separated list of
 * the client roles allowed ("owner|admin"); any other caller gets 403.
 */
int
cmd_begin(struct cmd *c, struct req *r, const char *roles, const char *what)
{
	const char	*p, *end;
	size_t		 n;
	int		 ok = 0;

	memset(c, 0, sizeof(*c));
	c->r = r;
	if (r->id.role != NULL && r->id.business_id != NULL) {
		n = strlen(r->id.role);
		for (p = roles; !ok && *p != '\0'; p = *end ? end + 1 : end) {
			if ((end = strchr(p, '|')) == NULL)
				end = p + strlen(p);
			ok = (size_t)(end - p) == n &&
			    strncmp(p, r->id.role, n) == 0;
		}
	}
	if (!ok)
		return req_fail(r, ERR_FORBIDDEN, arena_printf(r->arena,
		    "only %s may %s", strstr(roles, "manager") != NULL ?
		    "owners, admins and managers" : "owners and admins",
		    what), NULL);
	cmd_push(c, r->id.tenant_id);
	cmd_push(c, r->id.business_id);
	cmd_push(c, r->id.user_id);
	cmd_push(c, r->request_id);
	return ERR_OK;
}

/* Push parameter v (NULL: SQL NULL); past CMD_NPARAMS it is dropped and
 * cmd_exec() refuses to run. */
void
cmd_push(struct cmd *c, const char *v)
{
	if (c->n < CMD_NPARAMS)
		c->p[c->n] = v;
	c->n++;
}

/* 1 when member key of o is a finite JSON number within lo..hi. */
int
cmd_number_in(struct json_object *o, const char *key, double lo, double hi)
{
	struct json_object	*v;
	double			 d;

	if (!json_object_object_get_ex(o, key, &v) ||
	    (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int)))
		return 0;
	d = json_object_get_double(v);
	return isfinite(d) && d >= lo && d <= hi;
}

/* Add "field": "why" to *details (kept: the first reason per field). */
void
cmd_detail(struct json_object **details, const char *field, const char *why)
{
	struct json_object	*s;

	if (*details == NULL && (*details = json_object_new_object()) == NULL)
		return;
	if (json_object_object_get_ex(*details, field, NULL))
		return;
	if ((s = json_object_new_string(why)) == NULL)
		return;
	if (json_object_object_add(*details, field, s) != 0)
		json_object_put(s);
}

/* Push path parameter name when it is a UUID; else 400 naming it. */
int
cmd_path_uuid(struct cmd *c, const char *name)
{
	struct json_object	*d = NULL;
	const char		*v;

	v = req_param(c->r, name);
	if (v == NULL || !uuid_valid(v)) {
		cmd_detail(&d, name, "must be a UUID");
		return req_fail(c->r, ERR_INVAL, NULL, d);
	}
	cmd_push(c, v);
	return ERR_OK;
}

/* Parse and check the JSON body (see command.h). */
int
cmd_body(struct cmd *c, const struct valid_field *fields, size_t n,
    struct valid_value *out, struct json_object **body)
{
	struct json_object	*d = NULL;
	int			 e;

	if ((e = req_json(c->r, body)) != ERR_OK)
		return e;
	if ((e = valid_object(*body, fields, n, out, &d)) != ERR_OK)
		return req_fail(c->r, e, NULL, d);
	return ERR_OK;
}

/* Run stmt with the pushed parameters (see command.h). */
int
cmd_exec(struct cmd *c, size_t stmt, struct db_rows **rows)
{
	enum err	 e;

	if (c->n > CMD_NPARAMS)
		return req_fail(c->r, ERR_INTERNAL, NULL, NULL);
	e = db_exec(c->r->db, c->r->arena, stmt, c->n, c->p, rows);
	if (e == ERR_OK && (*rows)->nrows > 1)
		e = ERR_DB;
	return e == ERR_OK ? ERR_OK : req_fail(c->r, e, NULL, NULL);
}

/* 409 naming the current state of the target. */
int
cmd_state(struct cmd *c, const char *what, const char *state)
{
	struct json_object	*d = NULL;

	cmd_detail(&d, "state", state);
	return req_fail(c->r, ERR_CONFLICT, arena_printf(c->r->arena,
	    "the %s is %s", what, state), d);
}

int
cmd_notfound(struct cmd *c, const char *message)
{
	return req_fail(c->r, ERR_NOTFOUND, message, NULL);
}

/* Answer status with json (a JSON object text from a statement). */
int
cmd_answer(struct cmd *c, int status, const char *json)
{
	if (json == NULL)
		return req_fail(c->r, ERR_INTERNAL, NULL, NULL);
	resp_json_raw(c->r->resp, status, json, strlen(json));
	return ERR_OK;
}

static const struct app command_app = {
	.name = "krow-command",
	.routes = routes,
	.nroutes = sizeof(routes) / sizeof(routes[0]),
	.stmts = stmts,
	.nstmts = STMT__MAX,
	.db_key = CONF_DB_URL,
	.init = NULL,
	.fini = NULL,
};

/* Serve the routes above on the FastCGI socket (see app_main()). */
int
main(int argc, char **argv)
{
	return app_main(&command_app, argc, argv);
}
