/*
 * Order commands of the client app: create an order, update what is
 * still changeable, cancel it (with its shifts, positions and live
 * assignments; the workers concerned are told through staff_events),
 * and reorder (copy an order to new dates).  Owners, admins and managers
 * of the business; a manager only for the hubs it manages (another hub,
 * and its orders, are not found: 404, as on the read side).
 *
 * Each handler checks the body's shape here (types, bounds, unknown
 * fields, nested shifts and positions: 400 VALIDATION_ERROR naming each
 * bad field as "shifts[0].positions[1].headcount"), then runs the
 * statements of sql_orders.h: a check of what the body names and of the
 * times against the clock (404 for ids the caller does not see, 409 for
 * a state that forbids the change, 400 with details), the write with its
 * audit row, and ORDER_GET for the answer (the order as GET
 * /query/client/orders/view shows it).  The transaction and the
 * Idempotency-Key are lib/idem's.
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
#include "valid.h"
#include "command.h"

#define ORDERERS	"owner|admin|manager"
#define MAX_SHIFTS	50	/* shifts of one order */
#define MAX_POSITIONS	20	/* positions of one shift */
#define MAX_HEADCOUNT	100	/* staff of one position */
#define MAX_BREAK	240	/* minutes */

/* The body of POST /commands/client/orders. */
enum create_field {
	CF_HUB, CF_COST_CENTER, CF_VENDOR, CF_TITLE, CF_NOTES, CF_SHIFTS,
	CF__MAX
};
static const struct valid_field create_fields[CF__MAX] = {
	{ "hubId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	{ "costCenterId", VT_UUID, VF_NULLABLE, 0, 0, NULL },
	{ "vendorId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	{ "title", VT_STRING, 0, 1, 200, NULL },
	{ "notes", VT_STRING, VF_NULLABLE, 0, 4000, NULL },
	{ "shifts", VT_ARRAY, VF_REQUIRED, 1, MAX_SHIFTS, NULL },
};

/* One shift of a new order, one of its positions. */
enum shift_field {
	SF_STARTS, SF_ENDS, SF_BREAK, SF_NOTES, SF_POSITIONS, SF__MAX
};
static const struct valid_field shift_fields[SF__MAX] = {
	{ "startsAt", VT_TIMESTAMP, VF_REQUIRED, 0, 0, NULL },
	{ "endsAt", VT_TIMESTAMP, VF_REQUIRED, 0, 0, NULL },
	{ "breakMinutes", VT_INT, 0, 0, MAX_BREAK, NULL },
	{ "notes", VT_STRING, VF_NULLABLE, 0, 4000, NULL },
	{ "positions", VT_ARRAY, VF_REQUIRED, 1, MAX_POSITIONS, NULL },
};
static const struct valid_field position_fields[] = {
	{ "roleId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	{ "headcount", VT_INT, VF_REQUIRED, 1, MAX_HEADCOUNT, NULL },
};

/* The body of PATCH /commands/client/orders/:orderId (none required). */
enum update_field {
	UF_TITLE, UF_NOTES, UF_COST_CENTER, UF_SHIFTS, UF__MAX
};
static const struct valid_field update_fields[UF__MAX] = {
	{ "title", VT_STRING, 0, 1, 200, NULL },
	{ "notes", VT_STRING, VF_NULLABLE, 0, 4000, NULL },
	{ "costCenterId", VT_UUID, VF_NULLABLE, 0, 0, NULL },
	{ "shifts", VT_ARRAY, 0, 1, MAX_SHIFTS, NULL },
};
/* A shift change: shiftId and at least one other member. */
enum ushift_field {
	USF_ID, USF_STARTS, USF_ENDS, USF_BREAK, USF_NOTES, USF_POSITIONS,
	USF__MAX
};
static const struct valid_field ushift_fields[USF__MAX] = {
	{ "shiftId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	{ "startsAt", VT_TIMESTAMP, 0, 0, 0, NULL },
	{ "endsAt", VT_TIMESTAMP, 0, 0, 0, NULL },
	{ "breakMinutes", VT_INT, 0, 0, MAX_BREAK, NULL },
	{ "notes", VT_STRING, VF_NULLABLE, 0, 4000, NULL },
	{ "positions", VT_ARRAY, 0, 1, MAX_POSITIONS, NULL },
};
static const struct valid_field uposition_fields[] = {
	{ "positionId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	{ "headcount", VT_INT, VF_REQUIRED, 1, MAX_HEADCOUNT, NULL },
};

#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Check element i of array arr against fields[0..n) into out; on a bad
 * element add its problems to *d as "<prefix>[i].<field>" and return 0.
 */
static int
element(struct req *r, struct json_object *arr, size_t i, const char *prefix,
    const struct valid_field *fields, size_t n, struct valid_value *out,
    struct json_object **d)
{
	struct json_object	*e, *sub = NULL;
	const char		*at;

	e = json_object_array_get_idx(arr, i);
	at = arena_printf(r->arena, "%s[%zu]", prefix, i);
	if (!json_object_is_type(e, json_type_object)) {
		cmd_detail(d, at, "must be an object");
		return 0;
	}
	if (valid_object(e, fields, n, out, &sub) == ERR_OK)
		return 1;
	if (sub == NULL) {
		cmd_detail(d, at, "is not valid");
		return 0;
	}
	json_object_object_foreach(sub, k, v)
		cmd_detail(d, arena_printf(r->arena, "%s.%s", at, k),
		    json_object_get_string(v));
	json_object_put(sub);
	return 0;
}

/*
 * The uuid member key of element j of arr repeats one of elements
 * 0..j-1 (compared without case, as PostgreSQL compares uuids).
 */
static int
repeats(struct json_object *arr, size_t j, const char *key)
{
	struct json_object	*a, *b;
	size_t			 i;

	if (!json_object_object_get_ex(json_object_array_get_idx(arr, j), key,
	    &b))
		return 0;
	for (i = 0; i < j; i++)
		if (json_object_object_get_ex(json_object_array_get_idx(arr,
		    i), key, &a) && strcasecmp(json_object_get_string(a),
		    json_object_get_string(b)) == 0)
			return 1;
	return 0;
}

/* 400 with *d when a problem was found (d is taken over). */
static int
invalid(struct req *r, struct json_object **d)
{
	struct json_object	*x = *d;

	*d = NULL;
	return x == NULL ? ERR_OK : req_fail(r, ERR_INVAL, NULL, x);
}

/* The shifts of a new order (create): shape, nested positions. */
static int
create_shape(struct req *r, struct json_object *shifts)
{
	struct valid_value	 sv[SF__MAX], pv[NFIELDS(position_fields)];
	struct json_object	*d = NULL, *pos;
	const char		*at;
	size_t			 i, j, n;

	for (i = 0; i < json_object_array_length(shifts); i++) {
		if (!element(r, shifts, i, "shifts", shift_fields, SF__MAX, sv,
		    &d))
			continue;
		pos = sv[SF_POSITIONS].o;
		at = arena_printf(r->arena, "shifts[%zu].positions", i);
		n = json_object_array_length(pos);
		for (j = 0; j < n; j++) {
			if (!element(r, pos, j, at, position_fields,
			    NFIELDS(position_fields), pv, &d))
				continue;
			if (repeats(pos, j, "roleId"))
				cmd_detail(&d, arena_printf(r->arena,
				    "%s[%zu].roleId", at, j), "must not repeat "
				    "a role of the shift");
		}
	}
	return invalid(r, &d);
}

/* The shift changes of an update: shape, one change at least. */
static int
update_shape(struct req *r, struct json_object *shifts)
{
	struct valid_value	 sv[USF__MAX], pv[NFIELDS(uposition_fields)];
	struct json_object	*d = NULL, *pos;
	const char		*at;
	size_t			 i, j, k, n;

	for (i = 0; i < json_object_array_length(shifts); i++) {
		if (!element(r, shifts, i, "shifts", ushift_fields, USF__MAX,
		    sv, &d))
			continue;
		at = arena_printf(r->arena, "shifts[%zu]", i);
		for (k = USF_STARTS; k < USF__MAX && !sv[k].present; k++)
			continue;
		if (k == USF__MAX)
			cmd_detail(&d, at, "must change at least one field");
		if (repeats(shifts, i, "shiftId"))
			cmd_detail(&d, arena_printf(r->arena, "%s.shiftId", at),
			    "must not repeat a shift");
		if (!sv[USF_POSITIONS].present)
			continue;
		pos = sv[USF_POSITIONS].o;
		at = arena_printf(r->arena, "shifts[%zu].positions", i);
		n = json_object_array_length(pos);
		for (j = 0; j < n; j++) {
			if (!element(r, pos, j, at, uposition_fields,
			    NFIELDS(uposition_fields), pv, &d))
				continue;
			if (repeats(pos, j, "positionId"))
				cmd_detail(&d, arena_printf(r->arena,
				    "%s[%zu].positionId", at, j),
				    "must not repeat a position");
		}
	}
	return invalid(r, &d);
}

/*
 * The outcome of a check statement: notfound (a 404 message) or details
 * (the JSON text of the bad fields) or neither.
 */
static int
checked(struct cmd *c, const char *notfound, const char *details)
{
	struct json_object	*d;

	if (notfound != NULL)
		return cmd_notfound(c, notfound);
	if (details == NULL)
		return ERR_OK;
	if ((d = json_tokener_parse(details)) == NULL ||
	    !json_object_is_type(d, json_type_object)) {
		json_object_put(d);
		return req_fail(c->r, ERR_INTERNAL, NULL, NULL);
	}
	return req_fail(c->r, ERR_INVAL, NULL, d);
}

/* Answer status with order id as the read model shows it. */
static int
answer(struct cmd *c, int status, const char *id)
{
	struct db_rows	*rows;
	int		 rc;

	c->n = 4;
	cmd_push(c, id);
	if ((rc = cmd_exec(c, STMT_ORDER_GET, &rows)) != ERR_OK)
		return rc;
	return cmd_answer(c, status, rows->nrows == 1 ? db_get(rows, 0, 0) :
	    NULL);
}

/* Lock the positions of the order (path parameter $5). */
static int
lock_positions(struct cmd *c)
{
	struct db_rows	*rows;
	size_t		 n = c->n;
	int		 rc;

	c->n = 5;
	rc = cmd_exec(c, STMT_ORDER_POS_LOCK, &rows);
	c->n = n;
	return rc;
}

/* POST /commands/client/orders: 201 with the new (open) order. */
int
h_order_create(struct req *r)
{
	struct valid_value	 v[CF__MAX];
	struct json_object	*body;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ORDERERS, "order staff")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, create_fields, CF__MAX, v, &body)) != ERR_OK)
		goto out;
	if ((rc = create_shape(r, v[CF_SHIFTS].o)) != ERR_OK)
		goto out;
	cmd_push(&c, r->body);
	/* One statement checks the body and, when it passes, writes. */
	if ((rc = cmd_exec(&c, STMT_ORDER_CREATE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows != 1) {
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	if ((rc = checked(&c, db_get(rows, 0, 0), db_get(rows, 0, 1))) !=
	    ERR_OK)
		goto out;
	if (db_get(rows, 0, 2) == NULL) {
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	rc = answer(&c, 201, db_get(rows, 0, 2));
out:
	return rc;
}

/*
 * PATCH /commands/client/orders/:orderId: title, notes, cost center, and
 * the times, breaks, notes and position headcounts of shifts that have
 * not started (a headcount not below the staff already filling it).  A
 * cancelled or completed order is 409.
 */
int
h_order_update(struct req *r)
{
	struct valid_value	 v[UF__MAX];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*status, *id, *shift;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ORDERERS, "change orders")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "orderId")) != ERR_OK)
		goto out;
	id = c.p[4];
	if ((rc = cmd_body(&c, update_fields, UF__MAX, v, &body)) != ERR_OK)
		goto out;
	if (json_object_object_length(body) == 0) {
		cmd_detail(&d, "body", "must change at least one field");
		rc = invalid(r, &d);
		goto out;
	}
	if (v[UF_SHIFTS].present &&
	    (rc = update_shape(r, v[UF_SHIFTS].o)) != ERR_OK)
		goto out;
	if ((rc = lock_positions(&c)) != ERR_OK)
		goto out;
	cmd_push(&c, r->body);
	if ((rc = cmd_exec(&c, STMT_ORDER_UPDATE_CHECK, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = cmd_notfound(&c, "no such order");
		goto out;
	}
	status = db_get(rows, 0, 0);
	if (strcmp(status, "cancelled") == 0 ||
	    strcmp(status, "completed") == 0) {
		rc = cmd_state(&c, "order", status);
		goto out;
	}
	if (db_get(rows, 0, 1) != NULL) {
		rc = cmd_notfound(&c, db_get(rows, 0, 1));
		goto out;
	}
	if ((shift = db_get(rows, 0, 2)) != NULL) {
		rc = cmd_state(&c, "shift", shift);
		goto out;
	}
	if ((rc = checked(&c, NULL, db_get(rows, 0, 3))) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_ORDER_UPDATE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows != 1) {
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	c.n = 5;
	if ((rc = cmd_exec(&c, STMT_ORDER_RESTATUS, &rows)) != ERR_OK)
		goto out;
	rc = answer(&c, 200, id);
out:
	return rc;
}

/*
 * POST /commands/client/orders/:orderId/cancel {"reason"}: a draft,
 * open or filled order none of whose shifts has started.
 */
int
h_order_cancel(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "reason", VT_STRING, VF_REQUIRED, 1, 500, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*id;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ORDERERS, "cancel orders")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "orderId")) != ERR_OK)
		goto out;
	id = c.p[4];
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	if ((rc = lock_positions(&c)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	if ((rc = cmd_exec(&c, STMT_ORDER_CANCEL, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such order");
	else if (db_get(rows, 0, 2) != NULL)
		rc = answer(&c, 200, id);
	else if (strcmp(db_get(rows, 0, 1), "t") == 0 &&
	    strcmp(db_get(rows, 0, 0), "cancelled") != 0 &&
	    strcmp(db_get(rows, 0, 0), "completed") != 0)
		rc = cmd_state(&c, "order", "in_progress");
	else
		rc = cmd_state(&c, "order", db_get(rows, 0, 0));
out:
	return rc;
}

/*
 * POST /commands/client/orders/:orderId/reorder {"startDate", "title",
 * "notes"}: 201 with a new open order that repeats the shifts and
 * positions of the order, moved by whole days in the hub's time zone so
 * that the first shift falls on startDate (at current rates).
 */
int
h_order_reorder(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "startDate", VT_DATE, VF_REQUIRED, 0, 0, NULL },
		{ "title", VT_STRING, 0, 1, 200, NULL },
		{ "notes", VT_STRING, VF_NULLABLE, 0, 4000, NULL },
	};
	struct valid_value	 v[3];
	struct json_object	*body;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ORDERERS, "order staff")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "orderId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 3, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, r->body);
	if ((rc = cmd_exec(&c, STMT_ORDER_REORDER_CHECK, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = cmd_notfound(&c, "no such order");
		goto out;
	}
	if (db_get(rows, 0, 1) != NULL) {
		rc = req_fail(r, ERR_CONFLICT, db_get(rows, 0, 1), NULL);
		goto out;
	}
	if ((rc = checked(&c, NULL, db_get(rows, 0, 2))) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_ORDER_REORDER, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows != 1) {
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
		goto out;
	}
	rc = answer(&c, 201, db_get(rows, 0, 0));
out:
	return rc;
}
