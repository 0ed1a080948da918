/*
 * Staff read models: the screens of the worker's app.  Each handler is a
 * read given as data (struct qctx_read, qctx.h): the query parameters it
 * checks, in the order of its prepared statement (main.c).  Either the
 * statement builds the whole JSON document in PostgreSQL and the text is
 * copied into the response as it is (qctx_read), or, for lists, it
 * returns plain rows that qrows writes as JSON after the shapes below
 * (qctx_rows, qrows.h).
 *
 * Rules every route follows (ARCHITECTURE.md sections 5 and 10):
 *   - the staff row and tenant come from the identity params only ($1
 *     tenant, $2 staff, $3 user of every statement); a user that is not
 *     an active staff user of that row sees nothing;
 *   - an id the caller has no business with (a shift it is not assigned
 *     to, did not apply to and could not apply to) answers 404 exactly
 *     like an id that does not exist;
 *   - lists are {"items": [...], "nextCursor": "..."|null} with limit
 *     (1..200, default 50) and an opaque cursor (base64url of the JSON
 *     array of the last item's sort key), in a stable order;
 *   - unknown, repeated or malformed parameters are a 400
 *     VALIDATION_ERROR whose details name each bad field.
 *
 * Which shift is in which list, and when a worker could apply for a
 * shift, is written once in main.c (MINE_LIVE, OPENPOS, AVAILABLE); the
 * rules of profile completeness likewise (PROFILE_RULES).
 */
#include "config.h"

#include <stddef.h>

#include "conf.h"
#include "req.h"
#include "qctx.h"
#include "qrows.h"
#include "query.h"

/* A shift (SHIFT_ROW, HUB_ROW in main.c). */
#define STAFF_SHIFT \
	QC_STR("shiftId"), QC_STR("orderNumber"), QC_STR("title"), \
	QC_STR("shiftStatus"), QC_TIME("startsAt"), QC_TIME("endsAt"), \
	QC_STR("localDate"), QC_STR("localStartTime"), \
	QC_STR("localEndTime"), QC_BOOL("crossesMidnight"), \
	QC_NUM("breakMinutes"), QC_NUM("paidMinutes"), \
	QC_OBJ("business"), QC_STR("businessId"), QC_STR("name"), QC_CLOSE, \
	QC_OBJ("role"), QC_STR("roleId"), QC_STR("roleCode"), \
	QC_STR("name"), QC_CLOSE, \
	QC_NUM("payRateCents"), QC_STR("currency"), \
	QC_NUM("estimatedPayCents"), \
	QC_OBJ("hub"), QC_STR("hubId"), QC_STR("name"), QC_STR("city"), \
	QC_STR("timeZone"), QC_CLOSE

/* An assignment of the caller with its shift (ASSIGN_ROW). */
static const struct qcol staff_assignment[] = {
	STAFF_SHIFT,
	QC_STR("assignmentId"), QC_STR("status"), QC_TIME("appliedAt"),
	QC_TIME("assignedAt"), QC_TIME("confirmedAt"), QC_TIME("checkedInAt"),
	QC_TIME("checkedOutAt"), QC_TIME("completedAt"),
	QC_TIME("cancelledAt"), QC_STR("cancelReason"),
	QC_NUM("workedMinutes"), QC_NUM("earnedCents"),
	QC_KEY_TIME, QC_KEY, QC_END
};

/* An open position the caller could apply for. */
static const struct qcol staff_open_position[] = {
	STAFF_SHIFT, QC_STR("positionId"), QC_NUM("openSlots"),
	QC_KEY_TIME, QC_KEY, QC_END
};

/* A payment to the caller (STMT_STAFF_PAYMENTS_HISTORY). */
static const struct qcol staff_payment[] = {
	QC_STR("paymentId"), QC_STR("periodStart"), QC_STR("periodEnd"),
	QC_STR("status"), QC_NUM("shiftCount"), QC_NUM("minutesWorked"),
	QC_STR("currency"), QC_NUM("grossCents"), QC_NUM("deductionsCents"),
	QC_NUM("netCents"), QC_TIME("paidAt"),
	QC_OBJ_NULL("bankAccount"), QC_STR("bankAccountId"),
	QC_STR("bankName"), QC_STR("last4"), QC_CLOSE,
	QC_KEY, QC_KEY, QC_END
};

/* A section of the caller's profile (PROFILE_RULES in main.c). */
static const struct qcol staff_profile_section[] = {
	QC_STR("section"), QC_BOOL("required"), QC_BOOL("complete"),
	QC_NUM("itemCount"), QC_JSON("missing"), QC_END
};

/* A list of mine: limit and cursor (start instant, id) only. */
static int
shift_list(struct req *r, enum stmt stmt)
{
	const struct qctx_read	 rd = { stmt, QCTX_STAFF, NULL, {
	    QCTX_P_PAGE("tu") } };

	return qctx_rows(r, &rd, NULL, staff_assignment);
}

/* A read without parameters; notfound when the caller has no staff row. */
static int
plain(struct req *r, enum stmt stmt)
{
	const struct qctx_read	 rd = { stmt, QCTX_STAFF,
	    "no staff profile for this user", { { QCTX_END } } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/staff/shifts/assigned?limit&cursor: the caller's live
 * assignments (assigned, confirmed, checked in or out) on shifts that
 * still stand, soonest first.
 */
int
h_staff_shifts_assigned(struct req *r)
{
	return shift_list(r, STMT_STAFF_SHIFTS_ASSIGNED);
}

/* GET /query/staff/shifts/pending: applications not answered yet. */
int
h_staff_shifts_pending(struct req *r)
{
	return shift_list(r, STMT_STAFF_SHIFTS_PENDING);
}

/*
 * GET /query/staff/shifts/cancelled: assignments cancelled or declined,
 * and live ones whose shift or order was cancelled; latest first.
 */
int
h_staff_shifts_cancelled(struct req *r)
{
	return shift_list(r, STMT_STAFF_SHIFTS_CANCELLED);
}

/* GET /query/staff/shifts/completed: completed work, latest first. */
int
h_staff_shifts_completed(struct req *r)
{
	return shift_list(r, STMT_STAFF_SHIFTS_COMPLETED);
}

/*
 * GET /query/staff/shifts/open?limit&cursor: the positions the caller
 * could apply for (OPENPOS in main.c), soonest first.
 */
int
h_staff_shifts_open(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_SHIFTS_OPEN,
	    QCTX_STAFF, NULL, { QCTX_P_PAGE("tu") } };

	return qctx_rows(r, &rd, NULL, staff_open_position);
}

/*
 * GET /query/staff/shifts/:shiftId: a shift the caller is assigned to,
 * applied to or could apply for, with its hub, role, pay and the caller's
 * own status; 404 for any other shift.
 */
int
h_staff_shift(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_SHIFT, QCTX_STAFF,
	    "no such shift", { QCTX_P_PATH("shiftId") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/staff/clock-in/shifts/today: the caller's live shifts that
 * overlap today in their hub's time zone, with whether clock-in is open
 * now (from staff_clock_in_window_minutes before the start to the end)
 * and how the hub takes it.
 */
int
h_staff_clockin_today(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_CLOCKIN_TODAY,
	    QCTX_STAFF, NULL, {
	    QCTX_P_SETTING(CONF_STAFF_CLOCK_IN_WINDOW_MINUTES, "30") } };

	return qctx_read(r, &rd);
}

/* GET /query/staff/clock-in/status: the open time entry, if any. */
int
h_staff_clockin_status(struct req *r)
{
	return plain(r, STMT_STAFF_CLOCKIN_STATUS);
}

/*
 * GET /query/staff/profile-completion: percentage of the required
 * sections complete and what each misses (PROFILE_RULES in main.c).
 */
int
h_staff_profile_completion(struct req *r)
{
	return plain(r, STMT_STAFF_PROFILE_COMPLETION);
}

/* GET /query/staff/profile/sections: every section with its counts. */
int
h_staff_profile_sections(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_PROFILE_SECTIONS,
	    QCTX_STAFF, "no staff profile for this user",
	    { { QCTX_END } } };

	return qctx_rows(r, &rd, NULL, staff_profile_section);
}

/* GET /query/staff/profile/personal-info */
int
h_staff_personal_info(struct req *r)
{
	return plain(r, STMT_STAFF_PERSONAL_INFO);
}

/* GET /query/staff/profile/industries */
int
h_staff_industries(struct req *r)
{
	return plain(r, STMT_STAFF_INDUSTRIES);
}

/* GET /query/staff/profile/skills: skills and the vendor roles held. */
int
h_staff_skills(struct req *r)
{
	return plain(r, STMT_STAFF_SKILLS);
}

/* GET /query/staff/profile/documents: with verification status. */
int
h_staff_documents(struct req *r)
{
	return plain(r, STMT_STAFF_DOCUMENTS);
}

/* GET /query/staff/profile/certificates: with status and expiry. */
int
h_staff_certificates(struct req *r)
{
	return plain(r, STMT_STAFF_CERTIFICATES);
}

/*
 * GET /query/staff/profile/bank-accounts: masked (last four digits and
 * the bank's name); the provider token never leaves the database.
 */
int
h_staff_bank_accounts(struct req *r)
{
	return plain(r, STMT_STAFF_BANK_ACCOUNTS);
}

/* GET /query/staff/profile/benefits */
int
h_staff_benefits(struct req *r)
{
	return plain(r, STMT_STAFF_BENEFITS);
}

/*
 * GET /query/staff/payments/summary: earnings of this pay period (the
 * ISO week of today, UTC), the last one and the year to date, from the
 * work done (hub-local work dates, the position's pay rate); payouts
 * pending, paid and failed; work no payout covers yet.
 */
int
h_staff_payments_summary(struct req *r)
{
	return plain(r, STMT_STAFF_PAYMENTS_SUMMARY);
}

/*
 * GET /query/staff/payments/history?status&limit&cursor: payouts, latest
 * period first; the bank account masked.
 */
int
h_staff_payments_history(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_PAYMENTS_HISTORY,
	    QCTX_STAFF, NULL, { QCTX_P_ENUMS("status",
	    "pending|processing|paid|failed",
	    "pending,processing,paid,failed"), QCTX_P_PAGE("du") } };

	return qctx_rows(r, &rd, NULL, staff_payment);
}

/*
 * GET /query/staff/notifications?unread&limit&cursor: what the business
 * did to the worker's work (staff_events: an order cancelled, a shift
 * rescheduled, assigned, unassigned, an application approved or
 * rejected, a swap approved or rejected), newest first, with the
 * number still unread.
 */
int
h_staff_notifications(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_NOTIFICATIONS,
	    QCTX_STAFF, NULL, { QCTX_P_ENUM("unread", "true|false", "false"),
	    QCTX_P_PAGE("i") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/staff/payments/chart?from&to&bucket=week|month: earnings
 * per week (Monday) or calendar month over the range, every bucket
 * present (zero when nothing was earned); default: the last 12 weeks or
 * 12 months to today (UTC).
 */
int
h_staff_payments_chart(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_PAYMENTS_CHART,
	    QCTX_STAFF, NULL, { QCTX_P_RANGE(0, 0),
	    QCTX_P_ENUM("bucket", "week|month", "week") } };

	return qctx_read(r, &rd);
}

/*
 * GET /query/staff/dashboard: the next shift, this week's shifts and
 * scheduled minutes, this period's earnings, the open shifts that match
 * (count and the first three), the profile percentage and what needs
 * attention (missing items, certificates expired or expiring within 30
 * days, rejected documents).
 */
int
h_staff_dashboard(struct req *r)
{
	return plain(r, STMT_STAFF_DASHBOARD);
}

/*
 * GET /query/staff/availability?from&to: the weekly pattern, the
 * exceptions in the range and, day by day (the worker's zone; default
 * today and the next 13 days), the hours available.
 */
int
h_staff_availability(struct req *r)
{
	static const struct qctx_read rd = { STMT_STAFF_AVAILABILITY,
	    QCTX_STAFF, NULL, { QCTX_P_RANGE(0, 0) } };

	return qctx_read(r, &rd);
}
