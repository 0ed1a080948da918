/*
 * Staff commands of the worker's app (ARCHITECTURE.md section 8): apply
 * for an open position, withdraw an application, decline an offered
 * shift (both only before the shift starts), request a swap of an
 * accepted one and cancel that request; clock in (NFC tag or geofence)
 * and out.  Two commands of one worker at once (two applications, two
 * clock-ins) run one after the other, so that the second answers 409
 * naming the state the first left, never a unique violation.
 * The caller is a staff user (ROUTE_STAFF): the statements take the
 * staff row from the identity only, so that a shift the caller has no
 * assignment on (another worker's) is a 404 like an unknown one; any
 * other state of the assignment is a 409 naming it.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "conf.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "uuid.h"
#include "valid.h"
#include "command.h"

#define SWAP_REASON_MAX	1000	/* characters (swap_requests) */

/*
 * Start staff command r: the identity must name the staff row (nginx
 * always sends it to a staff route; else 401), then fill $1 tenant,
 * $2 staff, $3 user, $4 request id.  ERR_OK or the req_fail()ed error.
 */
int
staff_begin(struct cmd *c, struct req *r)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	if (r->id.tenant_id == NULL || r->id.staff_id == NULL ||
	    r->id.user_id == NULL)
		return req_fail(r, ERR_UNAUTH, NULL, NULL);
	cmd_push(c, r->id.tenant_id);
	cmd_push(c, r->id.staff_id);
	cmd_push(c, r->id.user_id);
	cmd_push(c, r->request_id);
	return ERR_OK;
}

/*
 * POST /commands/staff/shifts/:shiftId/apply {"positionId"}: an
 * assignment in state applied, when the caller could apply (the rules of
 * GET /query/staff/shifts/open).  201; 404 when the position is not one
 * of the caller's vendor on that shift; 409 when the caller already has
 * a live assignment on the shift (state: its status), the position is
 * full (state "full") or the caller is not eligible (state
 * "not_eligible": role, availability, overlap, shift closed or started).
 */
int
h_staff_apply(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "positionId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*state;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "shiftId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	if ((rc = cmd_exec(&c, STMT_STAFF_POS_LOCK, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = cmd_notfound(&c, "no such position on this shift");
		goto out;
	}
	if ((rc = cmd_exec(&c, STMT_STAFF_APPLY, &rows)) != ERR_OK)
		goto out;
	/* A concurrent assignment won the shift: look again (it shows). */
	if (rows->nrows == 1 && strcmp(db_get(rows, 0, 0), "raced") == 0 &&
	    (rc = cmd_exec(&c, STMT_STAFF_APPLY, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = cmd_notfound(&c, "no such position on this shift");
		goto out;
	}
	state = db_get(rows, 0, 0);
	if (db_get(rows, 0, 1) != NULL)
		rc = cmd_answer(&c, 201, db_get(rows, 0, 1));
	else if (strcmp(state, "full") == 0)
		rc = cmd_state(&c, "position", state);
	else if (strcmp(state, "not_eligible") == 0 ||
	    strcmp(state, "raced") == 0) {
		cmd_detail(&d, "state", state);
		rc = req_fail(r, ERR_CONFLICT, "you cannot apply for this "
		    "position (role, availability, overlapping shift, or the "
		    "shift is no longer open)", d);
	} else
		rc = cmd_state(&c, "assignment", state);
out:
	return rc;
}

/*
 * Run a state change of the caller's assignment on :shiftId; frees
 * (the change frees a slot): lock the position first and set its status
 * after (staffing_sync()).  409 "started" once the shift has started.
 */
static int
assignment_move(struct req *r, size_t stmt, int frees)
{
	struct json_object	*d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "shiftId")) != ERR_OK)
		goto out;
	if (frees && (rc = cmd_exec(&c, STMT_STF_LOCK_MINE, &rows)) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, stmt, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no assignment of yours on this shift");
	else if (db_get(rows, 0, 1) == NULL &&
	    strcmp(db_get(rows, 0, 0), "started") == 0) {
		cmd_detail(&d, "state", "started");
		rc = req_fail(r, ERR_CONFLICT, "the shift has already started",
		    d);
	} else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "assignment", db_get(rows, 0, 0));
	else if (frees && (rc = staffing_sync(&c, db_get(rows, 0, 2))) !=
	    ERR_OK)
		goto out;
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/*
 * POST /commands/staff/shifts/:shiftId/withdraw: applied -> cancelled,
 * before the shift starts.
 */
int
h_staff_withdraw(struct req *r)
{
	return assignment_move(r, STMT_STAFF_WITHDRAW, 0);
}

/*
 * POST /commands/staff/shifts/:shiftId/decline: assigned -> declined,
 * before the shift starts; the slot is open again.
 */
int
h_staff_decline(struct req *r)
{
	return assignment_move(r, STMT_STAFF_DECLINE, 1);
}

/*
 * POST /commands/staff/shifts/:shiftId/request-swap {"reason"}: a
 * pending swap request for the caller's assigned or confirmed
 * assignment.  201; 409 when one is pending already (state "pending")
 * or the assignment is in another state.
 */
int
h_staff_swap_request(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "reason", VT_STRING, VF_REQUIRED, 1, SWAP_REASON_MAX, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "shiftId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	if ((rc = cmd_exec(&c, STMT_STAFF_SWAP_REQUEST, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no assignment of yours on this shift");
	else if (db_get(rows, 0, 1) != NULL)
		rc = cmd_answer(&c, 201, db_get(rows, 0, 1));
	else if (db_get(rows, 0, 2) != NULL)
		rc = cmd_state(&c, "swap request", "pending");
	else
		rc = cmd_state(&c, "assignment", db_get(rows, 0, 0));
out:
	return rc;
}

/*
 * POST /commands/staff/shifts/:shiftId/cancel-swap: the pending swap
 * request of the caller's assignment -> cancelled.  404 without an
 * assignment or any swap request; 409 when the latest is not pending.
 */
int
h_staff_swap_cancel(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "shiftId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_STAFF_SWAP_CANCEL, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no assignment of yours on this shift");
	else if (db_get(rows, 0, 0) == NULL)
		rc = cmd_notfound(&c, "no swap request for this shift");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "swap request", db_get(rows, 0, 0));
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/* 1 when s is an NFC tag's UID (8..32 hex digits) or a UUID (its id). */
static int
tag_ref_valid(const char *s)
{
	size_t	n;

	if (uuid_valid(s))
		return 1;
	n = strspn(s, "0123456789abcdefABCDEF");
	return s[n] == '\0' && n >= 8 && n <= 32;
}

/*
 * The body of a clock-in: {"nfcTagId"} or {"latitude", "longitude"},
 * nothing else.  ERR_OK, or the 400 already req_fail()ed.
 */
static int
clock_in_body(struct cmd *c)
{
	struct json_object	*body, *v, *d = NULL;
	int			 e, has_tag, has_lat, has_lon;

	if ((e = req_json(c->r, &body)) != ERR_OK)
		return e;
	has_tag = json_object_object_get_ex(body, "nfcTagId", &v);
	if (has_tag && (!json_object_is_type(v, json_type_string) ||
	    !tag_ref_valid(json_object_get_string(v))))
		cmd_detail(&d, "nfcTagId", "must be the tag's UID (8 to 32 "
		    "hexadecimal digits) or its id");
	has_lat = json_object_object_get_ex(body, "latitude", NULL);
	has_lon = json_object_object_get_ex(body, "longitude", NULL);
	if (has_lat && !cmd_number_in(body, "latitude", -90, 90))
		cmd_detail(&d, "latitude", "must be a number between -90 "
		    "and 90");
	if (has_lon && !cmd_number_in(body, "longitude", -180, 180))
		cmd_detail(&d, "longitude", "must be a number between -180 "
		    "and 180");
	if (has_tag && (has_lat || has_lon))
		cmd_detail(&d, "nfcTagId", "give either nfcTagId or latitude "
		    "and longitude, not both");
	else if (!has_tag && !has_lat && !has_lon)
		cmd_detail(&d, "nfcTagId", "is required (or latitude and "
		    "longitude)");
	else if (has_lat && !has_lon)
		cmd_detail(&d, "longitude", "is required with latitude");
	else if (has_lon && !has_lat)
		cmd_detail(&d, "latitude", "is required with longitude");
	json_object_object_foreach(body, k, m) {
		(void)m;
		if (strcmp(k, "nfcTagId") != 0 && strcmp(k, "latitude") != 0 &&
		    strcmp(k, "longitude") != 0)
			cmd_detail(&d, k, "is not a known field");
	}
	if (d != NULL)
		return req_fail(c->r, ERR_INVAL, NULL, d);
	return ERR_OK;
}

/*
 * POST /commands/staff/clock-in {"nfcTagId"} | {"latitude", "longitude"}:
 * an open time entry on the caller's assigned or confirmed shift whose
 * clock-in window is open (staff_clock_in_window_minutes before the
 * start until the end), at its hub: an active NFC tag of the hub, or a
 * position within its geofence radius; the assignment becomes
 * checked_in.  201; 409 with details.state naming why not.
 */
int
h_staff_clock_in(struct req *r)
{
	static const struct {
		const char	*state;
		const char	*message;
	} why[] = {
		{ "clocked_in", "you are clocked in already" },
		{ "no_shift_open",
		    "no shift of yours is open for clock-in now" },
		{ "method_not_allowed", "the hub does not accept this clock-in "
		    "method" },
		{ "nfc_tag_mismatch", "this NFC tag is not an active tag of "
		    "the shift's hub" },
		{ "outside_geofence", "you are outside the hub's geofence" },
	};
	struct json_object	*d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*state, *msg;
	size_t			 i;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = clock_in_body(&c)) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_STF_LOCK_STAFF, &rows)) != ERR_OK)
		goto out;
	cmd_push(&c, r->body);
	cmd_push(&c, arena_printf(r->arena, "%lld", conf_int(r->conf,
	    CONF_STAFF_CLOCK_IN_WINDOW_MINUTES)));
	if ((rc = cmd_exec(&c, STMT_STAFF_CLOCK_IN, &rows)) != ERR_OK)
		goto out;
	/* An entry opened concurrently: look again (it shows). */
	if (rows->nrows == 1 && db_get(rows, 0, 1) == NULL &&
	    strcmp(db_get(rows, 0, 0), "ok") == 0 &&
	    (rc = cmd_exec(&c, STMT_STAFF_CLOCK_IN, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	state = db_get(rows, 0, 0);
	if (db_get(rows, 0, 1) != NULL) {
		rc = cmd_answer(&c, 201, db_get(rows, 0, 1));
		goto out;
	}
	msg = NULL;
	for (i = 0; i < sizeof(why) / sizeof(why[0]); i++)
		if (strcmp(why[i].state, state) == 0)
			msg = why[i].message;
	if (msg == NULL) {
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	cmd_detail(&d, "state", state);
	if (strcmp(state, "outside_geofence") == 0 &&
	    db_get(rows, 0, 2) != NULL)
		cmd_detail(&d, "distanceMeters", db_get(rows, 0, 2));
	rc = req_fail(r, ERR_CONFLICT, msg, d);
out:
	return rc;
}

/*
 * POST /commands/staff/clock-out {"breakMinutes"?}: closes the caller's
 * open time entry (the assignment becomes checked_out).  200; 400 when
 * the break is longer than the time clocked; 409 (state
 * "not_clocked_in") without an open entry.
 */
int
h_staff_clock_out(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "breakMinutes", VT_INT, 0, 0, 240, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].present ? arena_printf(r->arena, "%lld", v[0].i) :
	    NULL);
	if ((rc = cmd_exec(&c, STMT_STAFF_CLOCK_OUT, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		cmd_detail(&d, "state", "not_clocked_in");
		rc = req_fail(r, ERR_CONFLICT, "you are not clocked in", d);
	} else if (db_get(rows, 0, 1) == NULL) {
		cmd_detail(&d, "breakMinutes", "is longer than the time "
		    "clocked");
		rc = req_fail(r, ERR_INVAL, NULL, d);
	} else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/* Minutes since midnight of "HH:MM" (00:00 .. 23:59), or -1. */
static int
hhmm(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':' ||
	    strspn(s, "0123456789:") != 5 || strchr(s + 3, ':') != NULL ||
	    s[0] == ':' || s[1] == ':')
		return -1;
	if ((s[0] - '0') * 10 + (s[1] - '0') > 23 || s[3] > '5')
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 +
	    (s[3] - '0') * 10 + (s[4] - '0');
}

/* Check that zone is a known IANA zone; adds to *d. */
static int
zone_check(struct cmd *c, const char *zone, struct json_object **d)
{
	struct db_rows	*rows;
	const char	*p[5];

	memcpy(p, c->p, 4 * sizeof(p[0]));
	p[4] = zone;
	if (db_exec(c->r->db, c->r->arena, STMT_TZ_VALID, 5, p, &rows) !=
	    ERR_OK || rows->nrows != 1 || db_get(rows, 0, 0) == NULL)
		return ERR_DB;
	if (strcmp(db_get(rows, 0, 0), "t") != 0)
		cmd_detail(d, "timeZone",
		    "must be an IANA time zone (America/New_York)");
	return ERR_OK;
}

#define WEEKLY_MAX	70	/* windows in a weekly pattern */

/*
 * Check the "weekly" windows {"dayOfWeek" 0..6 (Sunday 0), "startTime",
 * "endTime" HH:MM, start before end}; the windows of one day must not
 * overlap.  Adds to *d.
 */
static void
weekly_check(struct req *r, struct json_object *a, struct json_object **d)
{
	static const struct valid_field fields[] = {
		{ "dayOfWeek", VT_INT, VF_REQUIRED, 0, 6, NULL },
		{ "startTime", VT_STRING, VF_REQUIRED, 1, 5, NULL },
		{ "endTime", VT_STRING, VF_REQUIRED, 1, 5, NULL },
	};
	struct valid_value	 v[3];
	struct json_object	*sub;
	int			 day[WEEKLY_MAX], lo[WEEKLY_MAX];
	int			 hi[WEEKLY_MAX];
	size_t			 i, j, n;

	n = json_object_array_length(a);
	for (i = 0; i < n && i < WEEKLY_MAX; i++) {
		day[i] = lo[i] = hi[i] = -1;
		sub = NULL;
		if (valid_object(json_object_array_get_idx(a, i), fields, 3, v,
		    &sub) != ERR_OK) {
			json_object_object_foreach(sub, k, m)
				cmd_detail(d, arena_printf(r->arena,
				    "weekly[%zu].%s", i, k),
				    json_object_get_string(m));
			if (sub == NULL)
				cmd_detail(d, arena_printf(r->arena,
				    "weekly[%zu]", i), "is not valid");
			json_object_put(sub);
			continue;
		}
		if ((lo[i] = hhmm(v[1].s)) == -1)
			cmd_detail(d, arena_printf(r->arena,
			    "weekly[%zu].startTime", i), "must be HH:MM");
		if ((hi[i] = hhmm(v[2].s)) == -1)
			cmd_detail(d, arena_printf(r->arena,
			    "weekly[%zu].endTime", i), "must be HH:MM");
		if (lo[i] == -1 || hi[i] == -1)
			continue;
		if (hi[i] <= lo[i]) {
			cmd_detail(d, arena_printf(r->arena,
			    "weekly[%zu].endTime", i),
			    "must be after startTime");
			continue;
		}
		day[i] = (int)v[0].i;
		for (j = 0; j < i; j++)
			if (day[j] == day[i] && lo[j] < hi[i] && hi[j] > lo[i])
				cmd_detail(d, arena_printf(r->arena,
				    "weekly[%zu]", i), arena_printf(r->arena,
				    "overlaps weekly[%zu]", j));
	}
}

/*
 * PUT /commands/staff/availability {"timeZone", "weekly": [{"dayOfWeek",
 * "startTime", "endTime"}]}: replaces the caller's weekly availability
 * (an empty list removes it: available whenever nothing else says).
 */
int
h_staff_availability_set(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "timeZone", VT_STRING, VF_REQUIRED, 1, 64, NULL },
		{ "weekly", VT_ARRAY, VF_REQUIRED, 0, WEEKLY_MAX, NULL },
	};
	struct valid_value	 v[2];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*before, *weekly;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 2, v, &body)) != ERR_OK)
		goto out;
	weekly_check(r, v[1].o, &d);
	if ((rc = zone_check(&c, v[0].s, &d)) != ERR_OK) {
		json_object_put(d);
		rc = req_fail(r, rc, NULL, NULL);
		goto out;
	}
	if (d != NULL) {
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	if ((weekly = json_object_to_json_string_ext(v[1].o,
	    JSON_C_TO_STRING_PLAIN)) == NULL ||
	    (weekly = arena_strdup(r->arena, weekly)) == NULL) {
		rc = req_fail(r, ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((rc = cmd_exec(&c, STMT_STAFF_AVAIL_CLEAR, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0 || (before = db_get(rows, 0, 0)) == NULL) {
		rc = req_fail(r, ERR_UNAUTH, NULL, NULL);
		goto out;
	}
	cmd_push(&c, weekly);
	cmd_push(&c, v[0].s);
	cmd_push(&c, before);
	if ((rc = cmd_exec(&c, STMT_STAFF_AVAIL_SET, &rows)) != ERR_OK)
		goto out;
	rc = cmd_answer(&c, 200, rows->nrows == 1 ? db_get(rows, 0, 0) :
	    NULL);
out:
	return rc;
}

/*
 * POST /commands/staff/availability/exceptions {"day", "available",
 * "startTime", "endTime", "reason"}: a day that differs from the weekly
 * pattern (unavailable all day: no times; available: the hours).  201;
 * 400 for a day before today (the caller's zone); 409 (state "exists")
 * when it clashes with an exception of that day.
 */
int
h_staff_exception_add(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "day", VT_DATE, VF_REQUIRED, 0, 0, NULL },
		{ "available", VT_BOOL, VF_REQUIRED, 0, 0, NULL },
		{ "startTime", VT_STRING, VF_NULLABLE, 1, 5, NULL },
		{ "endTime", VT_STRING, VF_NULLABLE, 1, 5, NULL },
		{ "reason", VT_STRING, VF_NULLABLE, 1, 500, NULL },
	};
	struct valid_value	 v[5];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*state, *st, *et;
	int			 rc, lo, hi, has_times;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 5, v, &body)) != ERR_OK)
		goto out;
	st = v[2].present && !v[2].is_null ? v[2].s : NULL;
	et = v[3].present && !v[3].is_null ? v[3].s : NULL;
	has_times = st != NULL || et != NULL;
	lo = st != NULL ? hhmm(st) : -1;
	hi = et != NULL ? hhmm(et) : -1;
	if (st != NULL && lo == -1)
		cmd_detail(&d, "startTime", "must be HH:MM");
	if (et != NULL && hi == -1)
		cmd_detail(&d, "endTime", "must be HH:MM");
	if (v[1].i && st == NULL)
		cmd_detail(&d, "startTime", "is required when available");
	if (v[1].i && et == NULL)
		cmd_detail(&d, "endTime", "is required when available");
	if (!v[1].i && has_times)
		cmd_detail(&d, st != NULL ? "startTime" : "endTime",
		    "must be absent when not available (the whole day)");
	if (lo != -1 && hi != -1 && hi <= lo)
		cmd_detail(&d, "endTime", "must be after startTime");
	if (d != NULL) {
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	cmd_push(&c, v[0].s);
	cmd_push(&c, v[1].i ? "true" : "false");
	cmd_push(&c, st);
	cmd_push(&c, et);
	cmd_push(&c, v[4].present && !v[4].is_null ? v[4].s : NULL);
	if ((rc = cmd_exec(&c, STMT_STAFF_EXC_ADD, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = req_fail(r, ERR_UNAUTH, NULL, NULL);
		goto out;
	}
	state = db_get(rows, 0, 0);
	if (db_get(rows, 0, 1) != NULL)
		rc = cmd_answer(&c, 201, db_get(rows, 0, 1));
	else if (strcmp(state, "past") == 0) {
		cmd_detail(&d, "day", "must be today or later");
		rc = req_fail(r, ERR_INVAL, NULL, d);
	} else {
		cmd_detail(&d, "state", "exists");
		if (db_get(rows, 0, 2) != NULL)
			cmd_detail(&d, "exceptionId", db_get(rows, 0, 2));
		rc = req_fail(r, ERR_CONFLICT, "an exception of that day "
		    "already covers these hours", d);
	}
out:
	return rc;
}

/* DELETE /commands/staff/availability/exceptions/:exceptionId */
int
h_staff_exception_delete(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "exceptionId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_STAFF_EXC_DEL, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such availability exception");
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/* Add the details of sub (an object member's check) under prefix. */
static void
sub_details(struct req *r, const char *prefix, struct json_object *sub,
    struct json_object **d)
{
	json_object_object_foreach(sub, k, m)
		cmd_detail(d, arena_printf(r->arena, "%s.%s", prefix, k),
		    json_object_get_string(m));
	if (sub == NULL)
		cmd_detail(d, prefix, "is not valid");
}

/*
 * PUT /commands/staff/profile/personal-info: replaces the names and the
 * editable profile (preferredName, dateOfBirth, address, bio,
 * photoFileId, emergencyContact; an absent member is cleared).  Email
 * and phone are the sign-in identity and are not changed here.
 */
int
h_staff_personal_info(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "firstName", VT_STRING, VF_REQUIRED, 1, 100, NULL },
		{ "lastName", VT_STRING, VF_REQUIRED, 1, 100, NULL },
		{ "preferredName", VT_STRING, VF_NULLABLE, 1, 100, NULL },
		{ "dateOfBirth", VT_DATE, VF_NULLABLE, 0, 0, NULL },
		{ "address", VT_OBJECT, VF_NULLABLE, 0, 0, NULL },
		{ "bio", VT_STRING, VF_NULLABLE, 1, 2000, NULL },
		{ "photoFileId", VT_STRING, VF_NULLABLE, 1, 200, NULL },
		{ "emergencyContact", VT_OBJECT, VF_NULLABLE, 0, 0, NULL },
	};
	static const struct valid_field addr[] = {
		{ "line1", VT_STRING, VF_NULLABLE, 1, 200, NULL },
		{ "line2", VT_STRING, VF_NULLABLE, 1, 200, NULL },
		{ "city", VT_STRING, VF_NULLABLE, 1, 100, NULL },
		{ "region", VT_STRING, VF_NULLABLE, 1, 100, NULL },
		{ "postalCode", VT_STRING, VF_NULLABLE, 1, 20, NULL },
		{ "country", VT_STRING, VF_NULLABLE, 2, 2, NULL },
	};
	static const struct valid_field contact[] = {
		{ "name", VT_STRING, VF_NULLABLE, 1, 200, NULL },
		{ "phone", VT_PHONE, VF_NULLABLE, 0, 0, NULL },
	};
	struct valid_value	 v[8], av[6], cv[2];
	struct json_object	*body, *sub, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*s;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 8, v, &body)) != ERR_OK)
		goto out;
	if (v[3].present && !v[3].is_null &&
	    strcmp(v[3].s, "1900-01-01") <= 0)
		cmd_detail(&d, "dateOfBirth", "must be after 1900-01-01");
	if (v[4].present && !v[4].is_null) {
		sub = NULL;
		if (valid_object(v[4].o, addr, 6, av, &sub) != ERR_OK)
			sub_details(r, "address", sub, &d);
		else if (av[5].present && !av[5].is_null &&
		    ((s = av[5].s)[0] < 'A' || s[0] > 'Z' || s[1] < 'A' ||
		    s[1] > 'Z'))
			cmd_detail(&d, "address.country",
			    "must be an ISO 3166 code in capitals (US)");
		json_object_put(sub);
	}
	if (v[7].present && !v[7].is_null) {
		sub = NULL;
		if (valid_object(v[7].o, contact, 2, cv, &sub) != ERR_OK)
			sub_details(r, "emergencyContact", sub, &d);
		json_object_put(sub);
	}
	if (d != NULL) {
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	cmd_push(&c, r->body);
	if ((rc = cmd_exec(&c, STMT_STAFF_PERSONAL_SET, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = req_fail(r, ERR_UNAUTH, NULL, NULL);
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 0));
out:
	return rc;
}

#define LIST_MAX	50	/* items of a profile list */

/* 1 when s is a code of the lists ([a-z][a-z0-9_]{0,47}). */
static int
code_valid(const char *s)
{
	size_t	n;

	n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return s[n] == '\0' && n >= 1 && n <= 48 && s[0] >= 'a' &&
	    s[0] <= 'z';
}

/*
 * PUT a profile list: body {"items": [...]}, each item checked against
 * item[0..n) whose first field is the key (a code, or an enum when
 * codes is 0), no key twice; then stmt with the items as $5.
 */
static int
list_set(struct req *r, const struct valid_field *item, size_t n, int codes,
    size_t stmt)
{
	static const struct valid_field fields[] = {
		{ "items", VT_ARRAY, VF_REQUIRED, 0, LIST_MAX, NULL },
	};
	struct valid_value	 v[1], iv[2], jv[2];
	struct json_object	*body, *sub, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*items, *pfx;
	size_t			 i, j, len;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	len = json_object_array_length(v[0].o);
	for (i = 0; i < len; i++) {
		pfx = arena_printf(r->arena, "items[%zu]", i);
		sub = NULL;
		if (valid_object(json_object_array_get_idx(v[0].o, i), item,
		    n, iv, &sub) != ERR_OK) {
			sub_details(r, pfx, sub, &d);
			json_object_put(sub);
			continue;
		}
		if (codes && !code_valid(iv[0].s)) {
			cmd_detail(&d, arena_printf(r->arena, "%s.%s", pfx,
			    item[0].name), "must be lower-case letters, "
			    "digits and _ (1 to 48, a letter first)");
			continue;
		}
		for (j = 0; j < i; j++) {
			sub = NULL;
			if (valid_object(json_object_array_get_idx(v[0].o, j),
			    item, n, jv, &sub) == ERR_OK &&
			    strcmp(jv[0].s, iv[0].s) == 0)
				cmd_detail(&d, arena_printf(r->arena, "%s.%s",
				    pfx, item[0].name),
				    arena_printf(r->arena, "repeats items[%zu]",
				    j));
			json_object_put(sub);
		}
	}
	if (d != NULL) {
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	if ((items = json_object_to_json_string_ext(v[0].o,
	    JSON_C_TO_STRING_PLAIN)) == NULL ||
	    (items = arena_strdup(r->arena, items)) == NULL) {
		rc = req_fail(r, ERR_NOMEM, NULL, NULL);
		goto out;
	}
	cmd_push(&c, items);
	if ((rc = cmd_exec(&c, stmt, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = req_fail(r, ERR_UNAUTH, NULL, NULL);
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 0));
out:
	return rc;
}

/* PUT /commands/staff/profile/industries {"items": [{"industry",
 * "yearsExperience"}]}: replaces the list. */
int
h_staff_industries(struct req *r)
{
	static const struct valid_field item[] = {
		{ "industry", VT_STRING, VF_REQUIRED, 1, 48, NULL },
		{ "yearsExperience", VT_INT, VF_NULLABLE, 0, 80, NULL },
	};

	return list_set(r, item, 2, 1, STMT_STAFF_INDUSTRIES_SET);
}

/* PUT /commands/staff/profile/skills {"items": [{"skill", "level"}]}:
 * replaces the list (level default intermediate). */
int
h_staff_skills(struct req *r)
{
	static const struct valid_field item[] = {
		{ "skill", VT_STRING, VF_REQUIRED, 1, 48, NULL },
		{ "level", VT_ENUM, 0, 0, 0,
		    "beginner|intermediate|advanced|expert" },
	};

	return list_set(r, item, 2, 1, STMT_STAFF_SKILLS_SET);
}

/* PUT /commands/staff/profile/benefits {"items": [{"benefit",
 * "status"}]}: replaces the list. */
int
h_staff_benefits(struct req *r)
{
	static const struct valid_field item[] = {
		{ "benefit", VT_ENUM, VF_REQUIRED, 0, 0,
		    "health|dental|vision|retirement|commuter|paid_time_off" },
		{ "status", VT_ENUM, VF_REQUIRED, 0, 0,
		    "eligible|enrolled|declined" },
	};

	return list_set(r, item, 2, 0, STMT_STAFF_BENEFITS_SET);
}

/* Push v (NULL when absent or null). */
static void
push_opt(struct cmd *c, const struct valid_value *v)
{
	cmd_push(c, v->present && !v->is_null ? v->s : NULL);
}

/* Run stmt (an add: one row, the new object) and answer 201. */
static int
add_answer(struct cmd *c, size_t stmt)
{
	struct db_rows	*rows;
	int		 rc;

	if ((rc = cmd_exec(c, stmt, &rows)) != ERR_OK)
		return rc;
	if (rows->nrows == 0 || db_get(rows, 0, 0) == NULL)
		return req_fail(c->r, ERR_UNAUTH, NULL, NULL);
	return cmd_answer(c, 201, db_get(rows, 0, 0));
}

/* Run stmt (a delete of path parameter name) and answer 200 or 404. */
static int
del_answer(struct req *r, const char *name, size_t stmt, const char *what)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, name)) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, stmt, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, what);
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 0));
out:
	return rc;
}

/*
 * POST /commands/staff/profile/documents {"docType", "fileId",
 * "fileName"}: a document (an uploaded file's id) pending review.
 */
int
h_staff_document_add(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "docType", VT_ENUM, VF_REQUIRED, 0, 0, "id_card|passport|"
		    "drivers_license|work_permit|tax_form|contract|other" },
		{ "fileId", VT_STRING, VF_REQUIRED, 1, 200, NULL },
		{ "fileName", VT_STRING, VF_NULLABLE, 1, 255, NULL },
	};
	struct valid_value	 v[3];
	struct json_object	*body;
	struct cmd		 c;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 3, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	cmd_push(&c, v[1].s);
	push_opt(&c, &v[2]);
	rc = add_answer(&c, STMT_STAFF_DOC_ADD);
out:
	return rc;
}

/* DELETE /commands/staff/profile/documents/:documentId (soft delete). */
int
h_staff_document_delete(struct req *r)
{
	return del_answer(r, "documentId", STMT_STAFF_DOC_DEL,
	    "no such document");
}

/*
 * POST /commands/staff/profile/certificates {"name", "issuer", "number",
 * "issuedOn", "expiresOn", "fileId"}: a certificate pending
 * verification; expiresOn not before issuedOn.
 */
int
h_staff_certificate_add(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "name", VT_STRING, VF_REQUIRED, 1, 200, NULL },
		{ "issuer", VT_STRING, VF_NULLABLE, 1, 200, NULL },
		{ "number", VT_STRING, VF_NULLABLE, 1, 100, NULL },
		{ "issuedOn", VT_DATE, VF_NULLABLE, 0, 0, NULL },
		{ "expiresOn", VT_DATE, VF_NULLABLE, 0, 0, NULL },
		{ "fileId", VT_STRING, VF_NULLABLE, 1, 200, NULL },
	};
	struct valid_value	 v[6];
	struct json_object	*body, *d = NULL;
	struct cmd		 c;
	size_t			 i;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 6, v, &body)) != ERR_OK)
		goto out;
	if (v[3].present && !v[3].is_null && v[4].present &&
	    !v[4].is_null && strcmp(v[4].s, v[3].s) < 0) {
		cmd_detail(&d, "expiresOn", "must not be before issuedOn");
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	cmd_push(&c, v[0].s);
	for (i = 1; i < 6; i++)
		push_opt(&c, &v[i]);
	rc = add_answer(&c, STMT_STAFF_CERT_ADD);
out:
	return rc;
}

/* DELETE /commands/staff/profile/certificates/:certificateId (soft). */
int
h_staff_certificate_delete(struct req *r)
{
	return del_answer(r, "certificateId", STMT_STAFF_CERT_DEL,
	    "no such certificate");
}

/* 1 when s is capital letters A-Z only. */
static int
capitals(const char *s)
{
	return s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] == '\0';
}

/* 1 when s is n decimal digits. */
static int
digits(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789") == n;
}

/*
 * POST /commands/staff/profile/bank-accounts {"holderName", "bankName",
 * "accountType", "last4", "routingLast4", "providerToken", "currency",
 * "country", "makeDefault"}: the app tokenises the account with the
 * payment provider; only that token and the last four digits reach the
 * API (a full account or routing number is an unknown member: 400).
 * The first account, or one sent with makeDefault, is the default.
 */
int
h_staff_bank_account_add(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "holderName", VT_STRING, VF_REQUIRED, 1, 200, NULL },
		{ "bankName", VT_STRING, VF_NULLABLE, 1, 200, NULL },
		{ "accountType", VT_ENUM, 0, 0, 0, "checking|savings" },
		{ "last4", VT_STRING, VF_REQUIRED, 4, 4, NULL },
		{ "routingLast4", VT_STRING, VF_NULLABLE, 4, 4, NULL },
		{ "providerToken", VT_STRING, VF_REQUIRED, 1, 200, NULL },
		{ "currency", VT_STRING, 0, 3, 3, NULL },
		{ "country", VT_STRING, 0, 2, 2, NULL },
		{ "makeDefault", VT_BOOL, 0, 0, 0, NULL },
	};
	struct valid_value	 v[9];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc, def;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 9, v, &body)) != ERR_OK)
		goto out;
	if (!digits(v[3].s, 4))
		cmd_detail(&d, "last4", "must be 4 digits");
	if (v[4].present && !v[4].is_null && !digits(v[4].s, 4))
		cmd_detail(&d, "routingLast4", "must be 4 digits");
	if (v[6].present && !capitals(v[6].s))
		cmd_detail(&d, "currency", "must be an ISO 4217 code (USD)");
	if (v[7].present && !capitals(v[7].s))
		cmd_detail(&d, "country", "must be an ISO 3166 code (US)");
	if (d != NULL) {
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	def = v[8].present && v[8].i;
	if (def) {
		cmd_push(&c, NULL);
		if ((rc = cmd_exec(&c, STMT_STAFF_BANK_CLEAR, &rows)) !=
		    ERR_OK)
			goto out;
		c.n--;
	}
	cmd_push(&c, r->body);
	cmd_push(&c, def ? "true" : "false");
	rc = add_answer(&c, STMT_STAFF_BANK_ADD);
out:
	return rc;
}

/* DELETE /commands/staff/profile/bank-accounts/:bankAccountId (soft). */
int
h_staff_bank_account_delete(struct req *r)
{
	return del_answer(r, "bankAccountId", STMT_STAFF_BANK_DEL,
	    "no such bank account");
}

/* POST /commands/staff/profile/bank-accounts/:bankAccountId/default */
int
h_staff_bank_account_default(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "bankAccountId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_STAFF_BANK_CLEAR, &rows)) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_STAFF_BANK_DEFAULT, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such bank account");
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 0));
out:
	return rc;
}

/*
 * POST /commands/staff/notifications/read {"upTo"?}: the caller's unread
 * notifications (GET /query/staff/notifications) become read, those up
 * to and including notification upTo, or all without it.  200 with how
 * many were marked and how many stay unread.
 */
int
h_staff_notifications_read(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "upTo", VT_STRING, 0, 1, 19, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = staff_begin(&c, r)) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	if (v[0].present && strspn(v[0].s, "0123456789") != strlen(v[0].s)) {
		cmd_detail(&d, "upTo", "must be a notificationId");
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	cmd_push(&c, v[0].present ? v[0].s : NULL);
	if ((rc = cmd_exec(&c, STMT_STAFF_NOTIF_READ, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows != 1)
		rc = cmd_notfound(&c, "no active staff member");
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 0));
out:
	return rc;
}
