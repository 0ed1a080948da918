/*
 * Session read models: who the caller is, as the client and staff apps
 * show it right after sign-in.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "req.h"
#include "resp.h"
#include "uuid.h"
#include "query.h"

/*
 * Run stmt with the caller's user id, the scoping id (business or staff)
 * and tenant id, and answer its one JSON text as it is.  The identity comes
 * from nginx and is well-formed; a malformed one means a misconfigured
 * gateway and is refused as unauthenticated rather than sent to SQL.  No
 * row (the user was deleted or moved since the token was checked) is 404.
 */
static int
session(struct req *r, enum stmt stmt, const char *scope_id)
{
	const char	*params[3];
	struct db_rows	*rows = NULL;
	const char	*json;
	int		 rc = ERR_INTERNAL;

	if (r->id.user_id == NULL || r->id.tenant_id == NULL ||
	    scope_id == NULL || !uuid_valid(r->id.user_id) ||
	    !uuid_valid(r->id.tenant_id) || !uuid_valid(scope_id)) {
		rc = req_fail(r, ERR_UNAUTH, "the identity is incomplete",
		    NULL);
		goto out;
	}
	if (r->db == NULL) {
		rc = req_fail(r, ERR_UPSTREAM, NULL, NULL);
		goto out;
	}
	params[0] = r->id.user_id;
	params[1] = scope_id;
	params[2] = r->id.tenant_id;
	rc = db_exec(r->db, r->arena, stmt, 3, params, &rows);
	if (rc != ERR_OK)
		goto out;
	if (rows == NULL || rows->nrows == 0 || rows->ncols != 1 ||
	    (json = db_get(rows, 0, 0)) == NULL) {
		rc = req_fail(r, ERR_NOTFOUND, "no session for this user",
		    NULL);
		goto out;
	}
	resp_json_raw(r->resp, 200, json, strlen(json));
	rc = ERR_OK;
out:
	return rc;
}

/*
 * GET /query/client/session: {"user":{userId,email,displayName,role},
 * "business":{businessId,name,currency,status},"tenant":{tenantId,name}},
 * for the caller only (user, business and tenant all from the identity).
 */
int
h_client_session(struct req *r)
{
	return session(r, STMT_CLIENT_SESSION, r->id.business_id);
}

/*
 * GET /query/staff/session: {"user":{userId,phone,email,displayName},
 * "staff":{staffId,firstName,lastName,status,"vendor":{vendorId,name}},
 * "tenant":{tenantId,name}}, for the caller only.
 */
int
h_staff_session(struct req *r)
{
	return session(r, STMT_STAFF_SESSION, r->id.staff_id);
}
