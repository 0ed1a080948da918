/*
 * Invoice commands of the client app: approve and dispute a pending
 * invoice (ARCHITECTURE.md section 8: pending -> approved, or pending ->
 * disputed with a reason and, optionally, the disputed lines); and the
 * manual correction of a time entry, the work invoices bill.  Owners and
 * admins of the business (and, for time entries, managers of the hub);
 * any other state is a 409 naming it.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "uuid.h"
#include "valid.h"
#include "command.h"

#define DISPUTE_LINES_MAX	500	/* lines named in one dispute */
#define ADMINS			"owner|admin"

/* POST /commands/client/invoices/:invoiceId/approve */
int
h_invoice_approve(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "approve invoices")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "invoiceId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_INVOICE_APPROVE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such invoice");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "invoice", db_get(rows, 0, 0));
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/*
 * Check the "lines" array of a dispute: objects {"lineId": uuid, "note":
 * text up to 1000 characters}, no line twice.  Adds to *d.
 */
static void
check_lines(struct req *r, struct json_object *a, struct json_object **d)
{
	static const struct valid_field fields[] = {
		{ "lineId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
		{ "note", VT_STRING, VF_NULLABLE, 1, 1000, NULL },
	};
	struct valid_value	 v[2], w[2];
	struct json_object	*sub, *e, *f;
	size_t			 i, j, n;

	n = json_object_array_length(a);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		sub = NULL;
		if (valid_object(e, fields, 2, v, &sub) != ERR_OK) {
			json_object_object_foreach(sub, k, m)
				cmd_detail(d, arena_printf(r->arena,
				    "lines[%zu].%s", i, k),
				    json_object_get_string(m));
			if (sub == NULL)
				cmd_detail(d, arena_printf(r->arena,
				    "lines[%zu]", i), "is not valid");
			json_object_put(sub);
			continue;
		}
		for (j = 0; j < i; j++) {
			f = json_object_array_get_idx(a, j);
			sub = NULL;
			if (valid_object(f, fields, 2, w, &sub) == ERR_OK &&
			    strcasecmp(w[0].s, v[0].s) == 0)
				cmd_detail(d, arena_printf(r->arena,
				    "lines[%zu].lineId", i),
				    "names a line already given");
			json_object_put(sub);
		}
	}
}

/*
 * POST /commands/client/invoices/:invoiceId/dispute {"reason", "lines":
 * [{"lineId", "note"}]}: pending -> disputed; the lines named are flagged
 * (a line of another invoice is a 404).
 */
int
h_invoice_dispute(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "reason", VT_STRING, VF_REQUIRED, 1, 2000, NULL },
		{ "lines", VT_ARRAY, 0, 1, DISPUTE_LINES_MAX, NULL },
	};
	struct valid_value	 v[2];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*lines;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "dispute invoices")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "invoiceId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 2, v, &body)) != ERR_OK)
		goto out;
	lines = NULL;
	if (v[1].present) {
		check_lines(r, v[1].o, &d);
		if (d != NULL) {
			rc = req_fail(r, ERR_INVAL, NULL, d);
			goto out;
		}
		lines = json_object_to_json_string_ext(v[1].o,
		    JSON_C_TO_STRING_PLAIN);
		if (lines == NULL) {
			rc = req_fail(r, ERR_NOMEM, NULL, NULL);
			goto out;
		}
		lines = arena_strdup(r->arena, lines);
	}
	cmd_push(&c, arena_strndup(r->arena, v[0].s, v[0].len));
	cmd_push(&c, lines);
	if ((rc = cmd_exec(&c, STMT_INVOICE_DISPUTE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such invoice");
	else if (strcmp(db_get(rows, 0, 0), "pending") != 0)
		rc = cmd_state(&c, "invoice", db_get(rows, 0, 0));
	else if (db_get(rows, 0, 2) != NULL) {
		cmd_detail(&d, "lines", arena_printf(r->arena,
		    "no line %s on this invoice", db_get(rows, 0, 2)));
		rc = req_fail(r, ERR_NOTFOUND, "no such invoice line", d);
	} else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/*
 * POST /commands/client/time-entries/:timeEntryId/correct {"clockInAt",
 * "clockOutAt", "breakMinutes", "reason"}: a manual correction of an
 * open or closed entry not yet invoiced.  A clock-out closes an open
 * entry.  The times must be ordered, at most 24 hours apart, not in the
 * future, and the break within the time worked.
 */
int
h_time_entry_correct(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "clockInAt", VT_TIMESTAMP, 0, 0, 0, NULL },
		{ "clockOutAt", VT_TIMESTAMP, 0, 0, 0, NULL },
		{ "breakMinutes", VT_INT, 0, 0, 240, NULL },
		{ "reason", VT_STRING, VF_REQUIRED, 1, 1000, NULL },
	};
	struct valid_value	 v[4];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*st;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ADMINS "|manager", "correct time entries"))
	    != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "timeEntryId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 4, v, &body)) != ERR_OK)
		goto out;
	if (!v[0].present && !v[1].present && !v[2].present) {
		cmd_detail(&d, "body", "must change clockInAt, clockOutAt or "
		    "breakMinutes");
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	cmd_push(&c, r->body);
	if ((rc = cmd_exec(&c, STMT_TIME_CORRECT, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = cmd_notfound(&c, "no such time entry");
		goto out;
	}
	st = db_get(rows, 0, 0);
	if (strcmp(st, "open") != 0 && strcmp(st, "closed") != 0) {
		rc = cmd_state(&c, "time entry", st);
		goto out;
	}
	if (db_get(rows, 0, 1) != NULL) {
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
		goto out;
	}
	if (strcmp(db_get(rows, 0, 2), "t") != 0)
		cmd_detail(&d, "clockOutAt", "must be after clockInAt");
	if (strcmp(db_get(rows, 0, 3), "t") != 0)
		cmd_detail(&d, "clockOutAt",
		    "must be at most 24 hours after clockInAt");
	if (strcmp(db_get(rows, 0, 4), "t") != 0)
		cmd_detail(&d, v[1].present ? "clockOutAt" : "clockInAt",
		    "must not be in the future");
	if (strcmp(db_get(rows, 0, 5), "t") != 0)
		cmd_detail(&d, "breakMinutes",
		    "must not exceed the time worked");
	if (d == NULL)
		cmd_detail(&d, "body", "is not a valid correction");
	rc = req_fail(r, ERR_INVAL, NULL, d);
out:
	return rc;
}
