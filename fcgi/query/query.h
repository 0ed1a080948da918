/*
 * krow-query: the read side.  The statement table and the handlers shared
 * between main.c (which declares the routes) and the h_*.c files.
 */
#ifndef KROW_QUERY_H
#define KROW_QUERY_H

#include "sql_reports.h"

struct req;

/* Prepared statements of krow-query, in the order of stmts[] in main.c. */
enum stmt {
	STMT_CLIENT_SESSION,	/* $1 user, $2 business, $3 tenant */
	STMT_STAFF_SESSION,	/* $1 user, $2 staff, $3 tenant */
	/* Client reads: $1 tenant, $2 business, $3 user, then the route's
	 * parameters in the order h_client.c pushes them. */
	STMT_CLIENT_HUBS,
	STMT_CLIENT_COST_CENTERS,
	STMT_CLIENT_VENDORS,
	STMT_CLIENT_VENDOR_ROLES,
	STMT_CLIENT_HUB_MANAGERS,
	STMT_CLIENT_BILLING_ACCOUNTS,
	STMT_CLIENT_INVOICES_PENDING,
	STMT_CLIENT_INVOICES_HISTORY,
	STMT_CLIENT_ORDERS_VIEW,
	STMT_CLIENT_COVERAGE,
	STMT_CLIENT_COVERAGE_STATS,
	STMT_CLIENT_DASHBOARD,
	STMT_CLIENT_REORDERS,
	STMT_CLIENT_CURRENT_BILL,
	STMT_CLIENT_SAVINGS,
	STMT_CLIENT_SPEND,
	/* Operator reads: $1 caller's tenant, $2 tenant of the path, $3
	 * user, then the route's parameters. */
	STMT_TENANT_BUSINESSES,
	STMT_TENANT_VENDORS,
	STMT_TENANT_STAFF,
	STMT_TENANT_ORDERS,
	/* Staff reads: $1 tenant, $2 staff, $3 user, then the route's
	 * parameters in the order h_staff.c pushes them. */
	STMT_STAFF_SHIFTS_ASSIGNED,
	STMT_STAFF_SHIFTS_PENDING,
	STMT_STAFF_SHIFTS_CANCELLED,
	STMT_STAFF_SHIFTS_COMPLETED,
	STMT_STAFF_SHIFTS_OPEN,
	STMT_STAFF_SHIFT,
	STMT_STAFF_CLOCKIN_TODAY,
	STMT_STAFF_CLOCKIN_STATUS,
	STMT_STAFF_PROFILE_COMPLETION,
	STMT_STAFF_PROFILE_SECTIONS,
	STMT_STAFF_PERSONAL_INFO,
	STMT_STAFF_INDUSTRIES,
	STMT_STAFF_SKILLS,
	STMT_STAFF_DOCUMENTS,
	STMT_STAFF_CERTIFICATES,
	STMT_STAFF_BANK_ACCOUNTS,
	STMT_STAFF_BENEFITS,
	STMT_STAFF_PAYMENTS_SUMMARY,
	STMT_STAFF_PAYMENTS_HISTORY,
	STMT_STAFF_NOTIFICATIONS,	/* $4 unread only, $5 limit, $6 cursor */
	STMT_STAFF_PAYMENTS_CHART,
	STMT_STAFF_DASHBOARD,
	STMT_STAFF_AVAILABILITY,
	/* The query cache (qcache.h): $1 the business or staff id, $2 the
	 * tenant, $3 the snapshot of an entry (NULL: none), $4 the tenant
	 * whose market the read sees (or NULL); and $1 a statement's
	 * name, $2 scope kinds. */
	STMT_CACHE_CHECK,
	STMT_CACHE_UNCOVERED,
	REPORTS_STMT_IDS	/* reports (sql_reports.h) */
	STMT__MAX
};

/* GET /query/client/session: the caller, its business and tenant. */
int	h_client_session(struct req *);
/* GET /query/staff/session: the caller, its staff profile and tenant. */
int	h_staff_session(struct req *);

/*
 * Client read models (h_client.c); each answers one screen of the client
 * app, for the caller's business only.  See docs/openapi.json.
 */
int	h_client_hubs(struct req *);
int	h_client_cost_centers(struct req *);
int	h_client_vendors(struct req *);
int	h_client_vendor_roles(struct req *);
int	h_client_hub_managers(struct req *);
int	h_client_billing_accounts(struct req *);
int	h_client_invoices_pending(struct req *);
int	h_client_invoices_history(struct req *);
int	h_client_orders_view(struct req *);
int	h_client_coverage(struct req *);
int	h_client_coverage_stats(struct req *);
int	h_client_dashboard(struct req *);
int	h_client_reorders(struct req *);
int	h_client_current_bill(struct req *);
int	h_client_savings(struct req *);
int	h_client_spend(struct req *);
/* The tenant operator's reads (h_client.c), admin actors only. */
/* Reports (h_reports.c): JSON, or CSV on Accept: text/csv or format=csv. */
int	h_report_summary(struct req *);
int	h_report_spend(struct req *);
int	h_report_hours(struct req *);
int	h_report_coverage(struct req *);
int	h_report_no_shows(struct req *);
int	h_report_performance(struct req *);

int	h_tenant_businesses(struct req *);
int	h_tenant_vendors(struct req *);
int	h_tenant_staff(struct req *);
int	h_tenant_orders(struct req *);

/*
 * Staff read models (h_staff.c); each answers one screen of the worker's
 * app, for the caller's own staff row only.  See docs/openapi.json.
 */
int	h_staff_shifts_assigned(struct req *);
int	h_staff_shifts_pending(struct req *);
int	h_staff_shifts_cancelled(struct req *);
int	h_staff_shifts_completed(struct req *);
int	h_staff_shifts_open(struct req *);
int	h_staff_shift(struct req *);
int	h_staff_clockin_today(struct req *);
int	h_staff_clockin_status(struct req *);
int	h_staff_profile_completion(struct req *);
int	h_staff_profile_sections(struct req *);
int	h_staff_personal_info(struct req *);
int	h_staff_industries(struct req *);
int	h_staff_skills(struct req *);
int	h_staff_documents(struct req *);
int	h_staff_certificates(struct req *);
int	h_staff_bank_accounts(struct req *);
int	h_staff_benefits(struct req *);
int	h_staff_payments_summary(struct req *);
int	h_staff_payments_history(struct req *);
int	h_staff_notifications(struct req *);
int	h_staff_payments_chart(struct req *);
int	h_staff_dashboard(struct req *);
int	h_staff_availability(struct req *);

#endif
