/*
 * Client read models: the screens of the client app.  Each handler is a
 * read given as data (struct qctx_read, qctx.h): the query parameters it
 * checks, in the order of its prepared statement (main.c).  Either the
 * statement builds the whole JSON document in PostgreSQL and the text is
 * copied into the response as it is (qctx_read), or, for lists, it
 * returns plain rows that qrows writes as JSON after the shapes below
 * (qctx_rows, qrows.h).
 *
 * Rules every route follows (ARCHITECTURE.md sections 5 and 10):
 *   - the business and tenant come from the identity params only ($1
 *     tenant, $2 business, $3 user of every statement); a client user
 *     whose role is "manager" sees only the hubs it manages;
 *   - an id of another business (or of a hub the manager does not see)
 *     answers 404 exactly like an id that does not exist;
 *   - lists are {"items": [...], "nextCursor": "..."|null} with limit
 *     (1..200, default 50) and an opaque cursor (base64url of the JSON
 *     array of the last item's sort key), in a stable order;
 *   - from/to are YYYY-MM-DD (a day in the hub's time zone) or RFC 3339
 *     instants, from <= to, at most query_max_range_days apart;
 *   - unknown, repeated or malformed parameters are a 400
 *     VALIDATION_ERROR whose details name each bad field.
 */
#include "config.h"

#include <stddef.h>

#include "conf.h"
#include "req.h"
#include "qctx.h"
#include "qrows.h"
#include "query.h"

#define ACTIVE_ARCHIVED	"active|archived|all"
#define ORDER_STATES	"draft|open|filled|in_progress|completed|cancelled"
#define TENANT_STATES	"active|suspended|archived|all"

/*
 * The items of the row reads: one entry per column of the statement
 * (main.c), in its order; QC_KEY columns are the sort key.
 */
static const struct qcol client_hub[] = {
	QC_STR("hubId"), QC_STR("name"),
	QC_OBJ("address"), QC_STR("line1"), QC_STR("line2"), QC_STR("city"),
	QC_STR("region"), QC_STR("postalCode"), QC_STR("country"), QC_CLOSE,
	QC_STR("timeZone"),
	QC_OBJ_NULL("location"), QC_NUM("latitude"), QC_NUM("longitude"),
	QC_CLOSE,
	QC_NUM("geofenceRadiusMeters"), QC_JSON("clockInMethods"),
	QC_STR("status"), QC_NUM("nfcTagCount"), QC_NUM("managerCount"),
	QC_TIME("createdAt"), QC_KEY, QC_KEY, QC_END
};
static const struct qcol client_cost_center[] = {
	QC_STR("costCenterId"), QC_STR("code"), QC_STR("name"),
	QC_STR("status"), QC_NUM("monthlyBudgetCents"), QC_STR("currency"),
	QC_NUM("billedThisMonthCents"), QC_KEY, QC_KEY, QC_END
};
static const struct qcol client_vendor[] = {
	QC_STR("vendorId"), QC_STR("name"), QC_STR("email"), QC_STR("phone"),
	QC_STR("approvalStatus"), QC_TIME("approvedAt"),
	QC_NUM("activeRoleCount"), QC_NUM("activeStaffCount"), QC_KEY, QC_KEY,
	QC_END
};
static const struct qcol client_vendor_head[] = {
	QC_OBJ("vendor"), QC_STR("vendorId"), QC_STR("name"),
	QC_STR("approvalStatus"), QC_CLOSE, QC_END
};
static const struct qcol client_vendor_role[] = {
	QC_STR("roleId"), QC_STR("roleCode"), QC_STR("name"),
	QC_STR("description"), QC_NUM("billRateCents"),
	QC_NUM("referenceRateCents"), QC_STR("currency"), QC_STR("status"),
	QC_KEY, QC_KEY, QC_END
};
static const struct qcol client_hub_head[] = {
	QC_OBJ("hub"), QC_STR("hubId"), QC_STR("name"), QC_CLOSE, QC_END
};
static const struct qcol client_hub_manager[] = {
	QC_STR("userId"), QC_STR("displayName"), QC_STR("email"),
	QC_STR("role"), QC_STR("status"), QC_TIME("managerSince"), QC_KEY,
	QC_KEY, QC_END
};
/* An invoice (INVOICE_ROW in main.c), by due date or latest issued. */
#define CLIENT_INVOICE \
	QC_STR("invoiceId"), QC_STR("invoiceNumber"), QC_STR("status"), \
	QC_OBJ("vendor"), QC_STR("vendorId"), QC_STR("name"), QC_CLOSE, \
	QC_OBJ("billingAccount"), QC_STR("billingAccountId"), \
	QC_STR("name"), QC_CLOSE, \
	QC_STR("periodStart"), QC_STR("periodEnd"), QC_TIME("issuedAt"), \
	QC_STR("dueDate"), QC_STR("currency"), QC_NUM("subtotalCents"), \
	QC_NUM("taxCents"), QC_NUM("totalCents"), QC_NUM("lineCount"), \
	QC_NUM("billedMinutes"), QC_NUM("disputedLineCount"), \
	QC_BOOL("overdue"), QC_TIME("approvedAt"), QC_TIME("disputedAt"), \
	QC_STR("disputeReason"), QC_TIME("paidAt")
static const struct qcol client_invoice_summary[] = {
	QC_OBJ("summary"), QC_NUM("count"), QC_NUM("totalCents"),
	QC_JSON("currencies"), QC_CLOSE, QC_END
};
static const struct qcol client_invoice_by_due[] = {
	CLIENT_INVOICE, QC_KEY, QC_KEY, QC_END
};
static const struct qcol client_invoice_by_issue[] = {
	CLIENT_INVOICE, QC_KEY_TIME, QC_KEY, QC_END
};
static const struct qcol client_billing_account[] = {
	QC_STR("billingAccountId"), QC_STR("name"), QC_STR("billingEmail"),
	QC_STR("currency"), QC_STR("billingCycle"),
	QC_OBJ("currentPeriod"), QC_STR("start"), QC_STR("end"), QC_CLOSE,
	QC_NUM("paymentTermsDays"),
	QC_OBJ("paymentMethod"), QC_STR("type"), QC_STR("last4"), QC_CLOSE,
	QC_BOOL("isDefault"), QC_STR("status"), QC_NUM("openInvoiceCount"),
	QC_NUM("outstandingCents"), QC_KEY, QC_KEY, QC_END
};

/*
 * GET /query/client/hubs?status=active|archived|all&limit&cursor
 * The hubs the caller sees, by name.
 */
int
h_client_hubs(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_HUBS, QCTX_CLIENT,
	    NULL, { QCTX_P_ENUM("status", ACTIVE_ARCHIVED, "active"),
	    QCTX_P_PAGE("su") } };

	return qctx_rows(r, &rd, NULL, client_hub);
}

/* GET /query/client/cost-centers?status&limit&cursor, by name. */
int
h_client_cost_centers(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_COST_CENTERS,
	    QCTX_CLIENT, NULL, {
	    QCTX_P_ENUM("status", ACTIVE_ARCHIVED, "active"),
	    QCTX_P_PAGE("su") } };

	return qctx_rows(r, &rd, NULL, client_cost_center);
}

/* GET /query/client/vendors?status&limit&cursor: linked vendors. */
int
h_client_vendors(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_VENDORS, QCTX_CLIENT,
	    NULL, { QCTX_P_ENUM("status", "approved|pending|suspended|all",
	    "all"), QCTX_P_PAGE("su") } };

	return qctx_rows(r, &rd, NULL, client_vendor);
}

/* GET /query/client/vendors/:vendorId/roles?status&limit&cursor */
int
h_client_vendor_roles(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_VENDOR_ROLES,
	    QCTX_CLIENT, "no such vendor", { QCTX_P_PATH("vendorId"),
	    QCTX_P_ENUM("status", ACTIVE_ARCHIVED, "active"),
	    QCTX_P_PAGE("su") } };

	return qctx_rows(r, &rd, client_vendor_head, client_vendor_role);
}

/* GET /query/client/hubs/:hubId/managers?limit&cursor */
int
h_client_hub_managers(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_HUB_MANAGERS,
	    QCTX_CLIENT, "no such hub", { QCTX_P_PATH("hubId"),
	    QCTX_P_PAGE("su") } };

	return qctx_rows(r, &rd, client_hub_head, client_hub_manager);
}

/* GET /query/client/billing/accounts?status&limit&cursor */
int
h_client_billing_accounts(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_BILLING_ACCOUNTS,
	    QCTX_CLIENT, NULL, {
	    QCTX_P_ENUM("status", ACTIVE_ARCHIVED, "active"),
	    QCTX_P_PAGE("su") } };

	return qctx_rows(r, &rd, NULL, client_billing_account);
}

/*
 * GET /query/client/billing/invoices/pending?status=pending,disputed&
 * vendorId&limit&cursor: invoices not settled yet, by due date.
 */
int
h_client_invoices_pending(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_INVOICES_PENDING,
	    QCTX_CLIENT, "no such vendor", {
	    QCTX_P_ENUMS("status", "pending|disputed", "pending,disputed"),
	    QCTX_P_UUID("vendorId"), QCTX_P_PAGE("du") } };

	return qctx_rows(r, &rd, client_invoice_summary, client_invoice_by_due);
}

/*
 * GET /query/client/billing/invoices/history?status=approved,paid&
 * vendorId&from&to&limit&cursor: settled invoices, newest first.
 */
int
h_client_invoices_history(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_INVOICES_HISTORY,
	    QCTX_CLIENT, "no such vendor", {
	    QCTX_P_ENUMS("status", "approved|paid", "approved,paid"),
	    QCTX_P_UUID("vendorId"), QCTX_P_RANGE(QCTX_INSTANTS, 366),
	    QCTX_P_PAGE("tu") } };

	return qctx_rows(r, &rd, NULL, client_invoice_by_issue);
}

/*
 * GET /query/client/orders/view?status&hubId&from&to&limit&cursor:
 * orders with their shifts and positions, by first shift start.
 */
int
h_client_orders_view(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_ORDERS_VIEW,
	    QCTX_CLIENT, "no such hub", {
	    QCTX_P_ENUMS("status", ORDER_STATES, NULL),
	    QCTX_P_UUID("hubId"), QCTX_P_RANGE(QCTX_INSTANTS, 30),
	    QCTX_P_PAGE("tu") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/client/coverage?hubId&from&to&limit&cursor: needed and
 * filled per shift and position (default: today and the 6 next days in
 * each hub's zone).
 */
int
h_client_coverage(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_COVERAGE,
	    QCTX_CLIENT, "no such hub", { QCTX_P_UUID("hubId"),
	    QCTX_P_RANGE(QCTX_INSTANTS, 7), QCTX_P_PAGE("tu") } };

	return qctx_read(r, &rd);
}

/* GET /query/client/coverage/stats?hubId&from&to: totals, per day, hub
 * and role. */
int
h_client_coverage_stats(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_COVERAGE_STATS,
	    QCTX_CLIENT, "no such hub", { QCTX_P_UUID("hubId"),
	    QCTX_P_RANGE(QCTX_INSTANTS, 7) } };

	return qctx_read(r, &rd);
}

/* GET /query/client/dashboard?hubId: the home screen. */
int
h_client_dashboard(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_DASHBOARD,
	    QCTX_CLIENT, "no such hub", { QCTX_P_UUID("hubId") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/client/reorders?hubId&limit&cursor: completed orders to
 * repeat, most recent first, with their positions as a template.
 */
int
h_client_reorders(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_REORDERS,
	    QCTX_CLIENT, "no such hub", { QCTX_P_UUID("hubId"),
	    QCTX_P_PAGE("tu") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/client/billing/current-bill?billingAccountId: the work not
 * invoiced yet of the account's open period (default account without
 * the parameter).
 */
int
h_client_current_bill(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_CURRENT_BILL,
	    QCTX_CLIENT, "no such billing account", {
	    QCTX_P_UUID("billingAccountId") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/client/billing/savings?from&to: billed work against the
 * reference rates (default: the last 30 days); the reference of a role
 * without a rate is savings_reference_pct above what was billed.
 */
int
h_client_savings(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_SAVINGS,
	    QCTX_CLIENT, NULL, { QCTX_P_RANGE(QCTX_INSTANTS, 30),
	    QCTX_P_SETTING(CONF_SAVINGS_REFERENCE_PCT, "20") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/client/billing/spend-breakdown?from&to&hubId: invoiced and
 * accrued spend by hub, cost center, vendor and role (default: the last
 * 30 days).
 */
int
h_client_spend(struct req *r)
{
	static const struct qctx_read rd = { STMT_CLIENT_SPEND, QCTX_CLIENT,
	    "no such hub", { QCTX_P_RANGE(QCTX_INSTANTS, 30),
	    QCTX_P_UUID("hubId") } };

	return qctx_read(r, &rd);
}

/* GET /query/tenants/:tenantId/businesses?status&q&limit&cursor */
int
h_tenant_businesses(struct req *r)
{
	static const struct qctx_read rd = { STMT_TENANT_BUSINESSES,
	    QCTX_ADMIN, "no such tenant", {
	    QCTX_P_ENUM("status", TENANT_STATES, "all"), QCTX_P_SEARCH,
	    QCTX_P_PAGE("su") } };

	return qctx_read(r, &rd);
}

/* GET /query/tenants/:tenantId/vendors?status&q&limit&cursor */
int
h_tenant_vendors(struct req *r)
{
	static const struct qctx_read rd = { STMT_TENANT_VENDORS, QCTX_ADMIN,
	    "no such tenant", {
	    QCTX_P_ENUM("status", TENANT_STATES, "all"), QCTX_P_SEARCH,
	    QCTX_P_PAGE("su") } };

	return qctx_read(r, &rd);
}

/* GET /query/tenants/:tenantId/staff?status&vendorId&q&limit&cursor */
int
h_tenant_staff(struct req *r)
{
	static const struct qctx_read rd = { STMT_TENANT_STAFF, QCTX_ADMIN,
	    "no such tenant or vendor", { QCTX_P_ENUM("status",
	    "onboarding|active|suspended|archived|all", "all"),
	    QCTX_P_UUID("vendorId"), QCTX_P_SEARCH, QCTX_P_PAGE("ssu") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/tenants/:tenantId/orders?status&businessId&from&to&limit&
 * cursor: newest first; from/to bound the creation time (UTC days).
 */
int
h_tenant_orders(struct req *r)
{
	static const struct qctx_read rd = { STMT_TENANT_ORDERS, QCTX_ADMIN,
	    "no such tenant or business", {
	    QCTX_P_ENUMS("status", ORDER_STATES, NULL),
	    QCTX_P_UUID("businessId"), QCTX_P_RANGE(QCTX_INSTANTS, 31),
	    QCTX_P_PAGE("tu") } };

	return qctx_read(r, &rd);
}
