/*
 * Hub commands of the client app: create, update, archive, hub managers
 * and NFC tags.  Owners and admins of the business only.  Each handler
 * validates the path and body (400 VALIDATION_ERROR naming every bad
 * field), runs one statement (main.c) that changes the row and writes the
 * audit row, and answers with the object as the read models show it.
 * The transaction and the Idempotency-Key are lib/idem's.
 */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include <json-c/json.h>

#include "arena.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "valid.h"
#include "command.h"

#define NFC_UID_MIN	8	/* hex digits of a tag uid */
#define NFC_UID_MAX	32
#define ADMINS		"owner|admin"

/* The body of POST /commands/client/hubs (PATCH: none required). */
enum hub_field {
	HF_NAME, HF_ADDRESS, HF_TZ, HF_LOCATION, HF_RADIUS, HF_METHODS,
	HF__MAX
};

static const struct valid_field hub_create_fields[HF__MAX] = {
	{ "name", VT_STRING, VF_REQUIRED, 1, 200, NULL },
	{ "address", VT_OBJECT, 0, 0, 0, NULL },
	{ "timeZone", VT_STRING, VF_REQUIRED, 1, 64, NULL },
	{ "location", VT_OBJECT, VF_NULLABLE, 0, 0, NULL },
	{ "geofenceRadiusMeters", VT_INT, 0, 10, 10000, NULL },
	{ "clockInMethods", VT_ARRAY, 0, 1, 3, NULL },
};

static const struct valid_field hub_update_fields[HF__MAX] = {
	{ "name", VT_STRING, 0, 1, 200, NULL },
	{ "address", VT_OBJECT, 0, 0, 0, NULL },
	{ "timeZone", VT_STRING, 0, 1, 64, NULL },
	{ "location", VT_OBJECT, VF_NULLABLE, 0, 0, NULL },
	{ "geofenceRadiusMeters", VT_INT, 0, 10, 10000, NULL },
	{ "clockInMethods", VT_ARRAY, 0, 1, 3, NULL },
};

static const struct valid_field address_fields[] = {
	{ "line1", VT_STRING, VF_NULLABLE, 0, 200, NULL },
	{ "line2", VT_STRING, VF_NULLABLE, 0, 200, NULL },
	{ "city", VT_STRING, VF_NULLABLE, 0, 100, NULL },
	{ "region", VT_STRING, VF_NULLABLE, 0, 100, NULL },
	{ "postalCode", VT_STRING, VF_NULLABLE, 0, 20, NULL },
	{ "country", VT_STRING, VF_NULLABLE, 2, 2, NULL },
};
#define NADDRESS (sizeof(address_fields) / sizeof(address_fields[0]))

/* Copy the members of sub (details of a nested object) as prefix.key. */
static void
nest(struct req *r, struct json_object **details, const char *prefix,
    struct json_object *sub)
{
	json_object_object_foreach(sub, k, v)
		cmd_detail(details, arena_printf(r->arena, "%s.%s", prefix, k),
		    json_object_get_string(v));
}

/*
 * The checks valid_object() cannot express: address members, location
 * coordinates, clock-in methods, the time zone.  Adds to *d.
 */
static int
hub_extra(struct cmd *c, const struct valid_value *v, struct json_object **d)
{
	struct valid_value	 av[NADDRESS];
	struct json_object	*sub = NULL, *e;
	struct db_rows		*rows;
	const char		*s, *p[5];
	size_t			 i, j, n;
	int			 rc;

	if (v[HF_ADDRESS].present) {
		if (valid_object(v[HF_ADDRESS].o, address_fields, NADDRESS, av,
		    &sub) != ERR_OK) {
			if (sub != NULL)
				nest(c->r, d, "address", sub);
			else
				cmd_detail(d, "address", "is not valid");
			json_object_put(sub);
		} else if (av[5].present && !av[5].is_null &&
		    (!isupper((unsigned char)av[5].s[0]) ||
		    !isupper((unsigned char)av[5].s[1])))
			cmd_detail(d, "address.country",
			    "must be an ISO 3166-1 alpha-2 code (US)");
	}
	if (v[HF_LOCATION].present && !v[HF_LOCATION].is_null) {
		if (json_object_object_length(v[HF_LOCATION].o) != 2)
			cmd_detail(d, "location",
			    "must have latitude and longitude only");
		if (!cmd_number_in(v[HF_LOCATION].o, "latitude", -90, 90))
			cmd_detail(d, "location.latitude",
			    "must be a number between -90 and 90");
		if (!cmd_number_in(v[HF_LOCATION].o, "longitude", -180, 180))
			cmd_detail(d, "location.longitude",
			    "must be a number between -180 and 180");
	}
	if (v[HF_METHODS].present) {
		n = json_object_array_length(v[HF_METHODS].o);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(v[HF_METHODS].o, i);
			s = json_object_get_string(e);
			if (!json_object_is_type(e, json_type_string) ||
			    (strcmp(s, "nfc") != 0 &&
			    strcmp(s, "geofence") != 0 &&
			    strcmp(s, "manual") != 0)) {
				cmd_detail(d, "clockInMethods", "each must be "
				    "one of nfc|geofence|manual");
				break;
			}
			for (j = 0; j < i; j++)
				if (strcmp(s, json_object_get_string(
				    json_object_array_get_idx(v[HF_METHODS].o,
				    j))) == 0)
					cmd_detail(d, "clockInMethods",
					    "must not repeat a method");
		}
	}
	if (v[HF_TZ].present && *d == NULL) {
		memcpy(p, c->p, 4 * sizeof(p[0]));
		p[4] = v[HF_TZ].s;
		if (db_exec(c->r->db, c->r->arena, STMT_TZ_VALID, 5, p, &rows)
		    != ERR_OK || rows->nrows != 1 || db_get(rows, 0, 0) == NULL)
			return req_fail(c->r, ERR_DB, NULL, NULL);
		if (strcmp(db_get(rows, 0, 0), "t") != 0)
			cmd_detail(d, "timeZone",
			    "must be an IANA time zone (America/New_York)");
	}
	rc = *d == NULL ? ERR_OK : req_fail(c->r, ERR_INVAL, NULL, *d);
	if (rc != ERR_OK)
		*d = NULL;	/* owned by the request now */
	return rc;
}

/* POST /commands/client/hubs: 201 with the new hub. */
int
h_hub_create(struct req *r)
{
	struct valid_value	 v[HF__MAX];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "create hubs")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, hub_create_fields, HF__MAX, v, &body)) !=
	    ERR_OK)
		goto out;
	if ((rc = hub_extra(&c, v, &d)) != ERR_OK)
		goto out;
	cmd_push(&c, r->body);
	if ((rc = cmd_exec(&c, STMT_HUB_CREATE, &rows)) != ERR_OK)
		goto out;
	rc = cmd_answer(&c, 201, rows->nrows == 1 ? db_get(rows, 0, 1) :
	    NULL);
out:
	return rc;
}

/* PATCH /commands/client/hubs/:hubId: the members given change. */
int
h_hub_update(struct req *r)
{
	struct valid_value	 v[HF__MAX];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "update hubs")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "hubId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, hub_update_fields, HF__MAX, v, &body)) !=
	    ERR_OK)
		goto out;
	if (json_object_object_length(body) == 0) {
		cmd_detail(&d, "body", "must change at least one field");
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	if ((rc = hub_extra(&c, v, &d)) != ERR_OK)
		goto out;
	cmd_push(&c, r->body);
	if ((rc = cmd_exec(&c, STMT_HUB_UPDATE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such hub");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "hub", db_get(rows, 0, 0));
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/* POST /commands/client/hubs/:hubId/archive: active -> archived. */
int
h_hub_archive(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "archive hubs")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "hubId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_HUB_ARCHIVE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such hub");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "hub", db_get(rows, 0, 0));
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/* POST /commands/client/hubs/:hubId/managers {"userId"}: 201. */
int
h_hub_manager_add(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "userId", VT_UUID, VF_REQUIRED, 0, 0, NULL },
	};
	struct valid_value	 v[1];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	const char		*role, *status;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "change hub managers")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "hubId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 1, v, &body)) != ERR_OK)
		goto out;
	cmd_push(&c, v[0].s);
	if ((rc = cmd_exec(&c, STMT_HUB_MANAGER_ADD, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0) {
		rc = cmd_notfound(&c, "no such hub");
		goto out;
	}
	role = db_get(rows, 0, 1);
	status = db_get(rows, 0, 2);
	if (role == NULL) {
		rc = cmd_notfound(&c, "no such user in this business");
		goto out;
	}
	if (strcmp(role, "manager") != 0 || strcmp(status, "active") != 0) {
		cmd_detail(&d, "userId", strcmp(role, "manager") != 0 ?
		    "must be a user with the manager role (owners and admins "
		    "see every hub)" : "must be an active user");
		rc = req_fail(r, ERR_INVAL, NULL, d);
		goto out;
	}
	if (strcmp(db_get(rows, 0, 0), "active") != 0) {
		rc = cmd_state(&c, "hub", db_get(rows, 0, 0));
		goto out;
	}
	if (db_get(rows, 0, 3) == NULL) {
		rc = req_fail(r, ERR_CONFLICT,
		    "the user is already a manager of this hub", NULL);
		goto out;
	}
	rc = cmd_answer(&c, 201, db_get(rows, 0, 3));
out:
	return rc;
}

/* DELETE /commands/client/hubs/:hubId/managers/:userId */
int
h_hub_manager_remove(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "change hub managers")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "hubId")) != ERR_OK ||
	    (rc = cmd_path_uuid(&c, "userId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_HUB_MANAGER_DEL, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such hub");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_notfound(&c, "the user is not a manager of this hub");
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}

/*
 * POST /commands/client/hubs/:hubId/nfc-tags {"tagUid", "label"}: 201.
 * tagUid is 8 to 32 hex digits (stored upper case); an active tag with
 * the same uid anywhere in the tenant is a 409.
 */
int
h_hub_nfc_add(struct req *r)
{
	static const struct valid_field fields[] = {
		{ "tagUid", VT_STRING, VF_REQUIRED, NFC_UID_MIN, NFC_UID_MAX,
		    NULL },
		{ "label", VT_STRING, VF_NULLABLE, 0, 100, NULL },
	};
	struct valid_value	 v[2];
	struct json_object	*body, *d = NULL;
	struct db_rows		*rows;
	struct cmd		 c;
	char			*uid;
	size_t			 i;
	int			 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "change NFC tags")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "hubId")) != ERR_OK)
		goto out;
	if ((rc = cmd_body(&c, fields, 2, v, &body)) != ERR_OK)
		goto out;
	uid = arena_strndup(r->arena, v[0].s, v[0].len);
	for (i = 0; i < v[0].len; i++) {
		if (!isxdigit((unsigned char)uid[i])) {
			cmd_detail(&d, "tagUid", "must be 8 to 32 hexadecimal "
			    "digits");
			rc = req_fail(r, ERR_INVAL, NULL, d);
			goto out;
		}
		uid[i] = (char)toupper((unsigned char)uid[i]);
	}
	cmd_push(&c, uid);
	cmd_push(&c, v[1].present && !v[1].is_null ? v[1].s : NULL);
	if ((rc = cmd_exec(&c, STMT_NFC_ADD, &rows)) != ERR_OK) {
		if (rc == ERR_CONFLICT &&
		    strcmp(db_sqlstate(r->db), "23505") == 0) {
			cmd_detail(&d, "tagUid", "is already registered");
			rc = req_fail(r, ERR_CONFLICT, "an active NFC tag with "
			    "this uid is already registered", d);
		}
		goto out;
	}
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such hub");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "hub", db_get(rows, 0, 0));
	else
		rc = cmd_answer(&c, 201, db_get(rows, 0, 1));
out:
	return rc;
}

/* DELETE /commands/client/hubs/:hubId/nfc-tags/:tagId: active -> revoked. */
int
h_hub_nfc_revoke(struct req *r)
{
	struct db_rows	*rows;
	struct cmd	 c;
	int		 rc;

	if ((rc = cmd_begin(&c, r, ADMINS, "change NFC tags")) != ERR_OK)
		goto out;
	if ((rc = cmd_path_uuid(&c, "hubId")) != ERR_OK ||
	    (rc = cmd_path_uuid(&c, "tagId")) != ERR_OK)
		goto out;
	if ((rc = cmd_exec(&c, STMT_NFC_REVOKE, &rows)) != ERR_OK)
		goto out;
	if (rows->nrows == 0)
		rc = cmd_notfound(&c, "no such NFC tag at this hub");
	else if (db_get(rows, 0, 1) == NULL)
		rc = cmd_state(&c, "NFC tag", db_get(rows, 0, 0));
	else
		rc = cmd_answer(&c, 200, db_get(rows, 0, 1));
out:
	return rc;
}
