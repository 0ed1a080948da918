/*
 * krow-command: the write pool behind /commands/ (business writes and
 * workflow actions).  Every command route is ROUTE_IDEMPOTENT: lib/idem
 * requires its Idempotency-Key and runs it in one transaction with its
 * stored answer (see idem.h).  Every statement repeats the caller's
 * tenant and business in its WHERE clause, so that an id of another
 * business is not found (404), and writes its audit row itself.
 */
#include "config.h"

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
};

#define CMD	(ROUTE_CLIENT | ROUTE_IDEMPOTENT)
#define CMDJ	(ROUTE_CLIENT | ROUTE_IDEMPOTENT | ROUTE_BODY_JSON)

static const struct route routes[] = {
	{ "GET", "/commands/health", app_health, ROUTE_PUBLIC },
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
