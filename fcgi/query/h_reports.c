/*
 * Client reports: /query/client/reports/{summary, spend, hours, coverage,
 * no-shows, performance}.  Each runs one statement (sql_reports.h, where
 * the rules of what counts are stated) that builds the whole JSON
 * document in PostgreSQL, under the same rules as the other client reads
 * (h_client.c): identity from the params only, a manager sees only the
 * hubs it manages, a hubId it cannot see is 404, bad parameters are one
 * 400 VALIDATION_ERROR naming every bad field.
 *
 * Reports cover whole days in each hub's time zone: from and to are
 * YYYY-MM-DD, inclusive, at most query_max_range_days apart; without
 * them the last 30 days to today (UTC), with one of them a 30-day span
 * from (or to) it.
 *
 * Format: format=json|csv, else the Accept header (text/csv preferred
 * over application/json gives CSV), else JSON.  The CSV (RFC 4180: CRLF,
 * a header row, one row per item, numbers as they are, text cells
 * quoted when needed and defused against spreadsheet formulas) is made
 * here from the JSON document, with a column table per report, so that
 * both formats always say the same thing.  A list (no-shows) in CSV
 * holds every row of the range up to CSV_ROW_CAP: it takes no limit or
 * cursor, and X-Report-Truncated says whether rows were left out.
 * Errors are always the JSON envelope.
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "resp.h"
#include "valid.h"
#include "qctx.h"
#include "query.h"

#define CSV_TYPE	"text/csv; charset=utf-8"
#define CSV_ROW_CAP	10000	/* rows of a list in one CSV */
#define SPAN_DEFAULT	30	/* days of a report without from/to */
#define GRACE_DEFAULT	5	/* minutes before a clock-in is late */
#define GRACE_MAX	240

/* A CSV column: its header and the member of an item (dotted path). */
struct col {
	const char	*name;
	const char	*path;
};

/* How a report becomes CSV. */
struct report {
	const char		*name;	/* in the file name */
	const char		*rows;	/* member holding the items; NULL:
					 * the document is the one row */
	int			 list;	/* a paginated list (capped) */
	const struct col	*cols;	/* NULL-terminated */
};

/* One request's choices. */
struct rq {
	int		 csv;
	const char	*from;	/* the effective range (YYYY-MM-DD) */
	const char	*to;
};

static const struct col summary_cols[] = {
	{ "from", "from" }, { "to", "to" }, { "hubId", "hubId" },
	{ "currency", "currency" }, { "shifts", "shifts" },
	{ "fullyFilledShifts", "fullyFilledShifts" },
	{ "positionsNeeded", "positionsNeeded" },
	{ "positionsFilled", "positionsFilled" },
	{ "openPositions", "openPositions" }, { "fillRate", "fillRate" },
	{ "assignments", "assignments" },
	{ "completedAssignments", "completedAssignments" },
	{ "noShows", "noShows" }, { "noShowRate", "noShowRate" },
	{ "clockIns", "clockIns" }, { "lateClockIns", "lateClockIns" },
	{ "onTimeRate", "onTimeRate" }, { "graceMinutes", "graceMinutes" },
	{ "workedMinutes", "workedMinutes" },
	{ "hoursWorked", "hoursWorked" }, { "staffWorked", "staffWorked" },
	{ "invoicedCents", "invoicedCents" },
	{ "accruedCents", "accruedCents" }, { "spendCents", "spendCents" },
	{ NULL, NULL }
};
static const struct col spend_cols[] = {
	{ "period", "period" }, { "key", "key" }, { "code", "code" },
	{ "name", "name" }, { "minutes", "minutes" },
	{ "invoicedCents", "invoicedCents" },
	{ "accruedCents", "accruedCents" }, { "totalCents", "totalCents" },
	{ "share", "share" }, { NULL, NULL }
};
static const struct col hours_cols[] = {
	{ "key", "key" }, { "code", "code" }, { "name", "name" },
	{ "vendorName", "vendorName" }, { "shifts", "shifts" },
	{ "entries", "entries" }, { "workedMinutes", "workedMinutes" },
	{ "hours", "hours" }, { "breakMinutes", "breakMinutes" },
	{ NULL, NULL }
};
static const struct col coverage_cols[] = {
	{ "date", "date" }, { "hubId", "hubId" }, { "hubName", "hubName" },
	{ "shifts", "shifts" }, { "needed", "needed" },
	{ "filled", "filled" }, { "open", "open" },
	{ "fullyFilledShifts", "fullyFilledShifts" },
	{ "noShows", "noShows" }, { "fillRate", "fillRate" },
	{ NULL, NULL }
};
static const struct col no_shows_cols[] = {
	{ "date", "date" }, { "startsAt", "startsAt" },
	{ "endsAt", "endsAt" }, { "staffId", "staff.staffId" },
	{ "firstName", "staff.firstName" }, { "lastName", "staff.lastName" },
	{ "vendorName", "vendor.name" }, { "hubName", "hub.name" },
	{ "roleCode", "role.roleCode" }, { "roleName", "role.name" },
	{ "orderNumber", "order.orderNumber" },
	{ "orderTitle", "order.title" }, { "shiftId", "shiftId" },
	{ "assignmentId", "assignmentId" }, { NULL, NULL }
};
static const struct col performance_cols[] = {
	{ "key", "key" }, { "name", "name" },
	{ "vendorName", "vendorName" },
	{ "shiftsAssigned", "shiftsAssigned" },
	{ "shiftsCompleted", "shiftsCompleted" }, { "noShows", "noShows" },
	{ "noShowRate", "noShowRate" }, { "clockIns", "clockIns" },
	{ "lateClockIns", "lateClockIns" }, { "onTimeRate", "onTimeRate" },
	{ "workedMinutes", "workedMinutes" }, { "hours", "hours" },
	{ NULL, NULL }
};

static const struct report rpt_summary = { "summary", NULL, 0,
    summary_cols };
static const struct report rpt_spend = { "spend", "items", 0, spend_cols };
static const struct report rpt_hours = { "hours", "items", 0, hours_cols };
static const struct report rpt_coverage = { "coverage", "items", 0,
    coverage_cols };
static const struct report rpt_no_shows = { "no-shows", "items", 1,
    no_shows_cols };
static const struct report rpt_performance = { "performance", "items", 0,
    performance_cols };

/*
 * from/to: dates (YYYY-MM-DD), inclusive.  None: the SPAN_DEFAULT days
 * to today (UTC); one: a span of SPAN_DEFAULT days from or to it.
 * Checks from <= to and the configured span.  Pushes from, to, and keeps
 * them for the CSV file name.
 */
static void
range(struct qctx *q, struct rq *rq)
{
	qctx_range(q, QCTX_TODAY, SPAN_DEFAULT);
	rq->from = q->params[q->n - 2];
	rq->to = q->params[q->n - 1];
}

/*
 * Whether the Accept header prefers text/csv: its q (1 without one) is
 * above 0 and not below that of application/json.  Wildcards do not
 * ask for CSV.
 */
static int
accept_csv(struct req *r)
{
	const char	*a, *p, *e, *s, *t;
	double		 q, csvq = -1, jsonq = -1;
	size_t		 n;
	char		*end;

	if ((a = req_env(r, "HTTP_ACCEPT")) == NULL)
		return 0;
	for (p = a; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		p += strspn(p, " \t");
		n = strcspn(p, ";,");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		q = 1;
		for (s = p + strcspn(p, ";,"); *s == ';'; s = t) {
			s++;
			s += strspn(s, " \t");
			t = s + strcspn(s, ";,");
			if (t - s > 2 && (s[0] == 'q' || s[0] == 'Q') &&
			    s[1] == '=') {
				q = strtod(s + 2, &end);
				if (end == s + 2 || end > t || q < 0 || q > 1)
					q = 0;
			}
		}
		if (n == 8 && strncasecmp(p, "text/csv", 8) == 0 && q > csvq)
			csvq = q;
		if (n == 16 && strncasecmp(p, "application/json", 16) == 0 &&
		    q > jsonq)
			jsonq = q;
	}
	return csvq > 0 && csvq >= jsonq;
}

/* format=json|csv, else the Accept header.  Sets rq->csv. */
static void
format(struct qctx *q, struct rq *rq)
{
	const char	*v;

	rq->csv = 0;
	if ((v = req_query(q->r, "format")) == NULL)
		rq->csv = accept_csv(q->r);
	else if (strcmp(v, "csv") == 0)
		rq->csv = 1;
	else if (strcmp(v, "json") != 0)
		qctx_bad(q, "format", "must be one of json|csv");
}

/* graceMinutes: 0..GRACE_MAX, default GRACE_DEFAULT.  Pushes it. */
static void
grace(struct qctx *q)
{
	const char	*v;
	char		*end;
	long		 n = GRACE_DEFAULT;

	if ((v = req_query(q->r, "graceMinutes")) != NULL) {
		n = strtol(v, &end, 10);
		if (v[0] < '0' || v[0] > '9' || *end != '\0' || n < 0 ||
		    n > GRACE_MAX || strlen(v) > 3) {
			qctx_bad(q, "graceMinutes", arena_printf(q->r->arena,
			    "must be an integer from 0 to %d", GRACE_MAX));
			n = GRACE_DEFAULT;
		}
	}
	qctx_push(q, arena_printf(q->r->arena, "%ld", n));
}

/*
 * A list's page: limit and cursor (JSON); the CSV takes every row up to
 * CSV_ROW_CAP and refuses limit and cursor.  Pushes limit and one
 * parameter per cursor key.
 */
static void
page(struct qctx *q, const struct rq *rq, const char *kinds)
{
	size_t	 i;

	if (!rq->csv) {
		qctx_page_limit(q);
		qctx_page_cursor(q, kinds);
		return;
	}
	if (req_query(q->r, "limit") != NULL)
		qctx_bad(q, "limit", "is not used with CSV, which holds every "
		    "row of the range");
	if (req_query(q->r, "cursor") != NULL)
		qctx_bad(q, "cursor", "is not used with CSV, which holds every "
		    "row of the range");
	qctx_push(q, arena_printf(q->r->arena, "%d", CSV_ROW_CAP));
	for (i = 0; kinds[i] != '\0'; i++)
		qctx_push(q, NULL);
}

/* The member at a dotted path of o, or NULL. */
static struct json_object *
member(struct json_object *o, const char *path)
{
	const char	*p, *e;
	char		 key[64];
	size_t		 n;

	for (p = path; o != NULL; p = e + 1) {
		if ((e = strchr(p, '.')) == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n >= sizeof(key) ||
		    !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		if (*e == '\0')
			break;
	}
	return o;
}

/* One CSV cell of value v: numbers as they are, null empty. */
static void
cell(struct buf *b, struct json_object *v)
{
	const char	*s;
	double		 d;

	switch (json_object_get_type(v)) {
	case json_type_null:
		break;
	case json_type_boolean:
		buf_puts(b, json_object_get_boolean(v) ? "true" : "false");
		break;
	case json_type_int:
		buf_printf(b, "%lld", (long long)json_object_get_int64(v));
		break;
	case json_type_double:
		d = json_object_get_double(v);
		buf_printf(b, "%.15g", d);
		break;
	case json_type_string:
		resp_csv_text(b, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	default:
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		if (s != NULL)
			resp_csv_text(b, s, strlen(s));
		break;
	}
}

/* One CSV record of item o. */
static void
record(struct buf *b, const struct col *cols, struct json_object *o)
{
	size_t	 i;

	for (i = 0; cols[i].name != NULL; i++) {
		if (i > 0)
			buf_putc(b, ',');
		cell(b, member(o, cols[i].path));
	}
	buf_append(b, "\r\n", 2);
}

/*
 * Answer the JSON document json[0..len) of report rep as CSV: a header
 * row, then the document (rows NULL) or each item of it, with the
 * download headers.
 */
static int
csv_answer(struct req *r, const struct rq *rq, const struct report *rep,
    const char *json, size_t len)
{
	struct json_tokener	*tok = NULL;
	struct json_object	*doc = NULL, *items, *next;
	struct buf		 b;
	const char		*disp;
	size_t			 i, n;
	int			 rc = ERR_INTERNAL;

	buf_init(&b);
	if (len > INT_MAX || (tok = json_tokener_new()) == NULL)
		goto out;
	doc = json_tokener_parse_ex(tok, json, (int)len);
	if (doc == NULL || json_tokener_get_error(tok) != json_tokener_success)
		goto out;
	for (i = 0; rep->cols[i].name != NULL; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		resp_csv_text(&b, rep->cols[i].name,
		    strlen(rep->cols[i].name));
	}
	buf_append(&b, "\r\n", 2);
	if (rep->rows == NULL)
		record(&b, rep->cols, doc);
	else {
		items = member(doc, rep->rows);
		if (!json_object_is_type(items, json_type_array))
			goto out;
		n = json_object_array_length(items);
		for (i = 0; i < n; i++)
			record(&b, rep->cols,
			    json_object_array_get_idx(items, i));
	}
	resp_body(r->resp, 200, CSV_TYPE, buf_cstr(&b), b.len);
	disp = arena_printf(r->arena, "attachment; filename=\"krow-%s-%s-%s"
	    ".csv\"", rep->name, rq->from, rq->to);
	resp_header(r->resp, "Content-Disposition", disp);
	resp_header(r->resp, "Vary", "Accept");
	if (rep->list) {
		next = member(doc, "nextCursor");
		resp_header(r->resp, "X-Report-Row-Cap",
		    arena_printf(r->arena, "%d", CSV_ROW_CAP));
		resp_header(r->resp, "X-Report-Truncated",
		    next != NULL && !json_object_is_type(next, json_type_null) ?
		    "true" : "false");
	}
	rc = ERR_OK;
out:
	if (rc != ERR_OK)
		rc = req_fail(r, ERR_INTERNAL, NULL, NULL);
	if (doc != NULL)
		json_object_put(doc);
	if (tok != NULL)
		json_tokener_free(tok);
	buf_cleanup(&b);
	return rc;
}

/*
 * Finish a report: 400 with every bad field, else run stmt and answer
 * its document as JSON or CSV; no document is a hubId the caller cannot
 * see (404).
 */
static int
finish(struct qctx *q, const struct rq *rq, const struct report *rep,
    int stmt)
{
	struct db_rows	*rows = NULL;
	const char	*json;
	int		 rc;

	if (!rq->csv || q->details != NULL) {
		rc = qctx_finish(q, stmt, "no such hub");
		if (rc == ERR_OK)
			resp_header(q->r->resp, "Vary", "Accept");
		return rc;
	}
	rc = db_exec(q->r->db, q->r->arena, stmt, q->n, q->params, &rows);
	if (rc != ERR_OK)
		return rc;
	if (rows == NULL || rows->nrows == 0 || rows->ncols != 1 ||
	    (json = db_get(rows, 0, 0)) == NULL)
		return req_fail(q->r, ERR_NOTFOUND, "no such hub", NULL);
	return csv_answer(q->r, rq, rep, json, strlen(json));
}

/*
 * GET /query/client/reports/summary?from&to&hubId&graceMinutes&format:
 * the KPIs of the range.
 */
int
h_report_summary(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId",
	    "graceMinutes", "format", NULL };
	struct qctx	 q;
	struct rq	 rq;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	format(&q, &rq);
	range(&q, &rq);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	grace(&q);							/* $7 */
	rc = finish(&q, &rq, &rpt_summary, STMT_REPORT_SUMMARY);
out:
	return qctx_release(&q, rc);
}

/*
 * GET /query/client/reports/spend?from&to&hubId&groupBy&period&format:
 * spend in cents by hub, cost center, vendor or role, optionally per
 * day, week or month (work days in the hub's zone).
 */
int
h_report_spend(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId", "groupBy",
	    "period", "format", NULL };
	struct qctx	 q;
	struct rq	 rq;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	format(&q, &rq);
	range(&q, &rq);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	qctx_opt_enum(&q, "groupBy", "hub|costCenter|vendor|role", 0,
	    "hub");						/* $7 */
	qctx_opt_enum(&q, "period", "day|week|month", 0, NULL);	/* $8 */
	rc = finish(&q, &rq, &rpt_spend, STMT_REPORT_SPEND);
out:
	return qctx_release(&q, rc);
}

/*
 * GET /query/client/reports/hours?from&to&hubId&groupBy&format: worked
 * hours by staff member, role or hub.
 */
int
h_report_hours(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId", "groupBy",
	    "format", NULL };
	struct qctx	 q;
	struct rq	 rq;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	format(&q, &rq);
	range(&q, &rq);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	qctx_opt_enum(&q, "groupBy", "staff|role|hub", 0, "staff");	/* $7 */
	rc = finish(&q, &rq, &rpt_hours, STMT_REPORT_HOURS);
out:
	return qctx_release(&q, rc);
}

/*
 * GET /query/client/reports/coverage?from&to&hubId&format: needed and
 * filled per day and hub.
 */
int
h_report_coverage(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId", "format",
	    NULL };
	struct qctx	 q;
	struct rq	 rq;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	format(&q, &rq);
	range(&q, &rq);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	rc = finish(&q, &rq, &rpt_coverage, STMT_REPORT_COVERAGE);
out:
	return qctx_release(&q, rc);
}

/*
 * GET /query/client/reports/no-shows?from&to&hubId&limit&cursor&format:
 * the no-show assignments of the range, latest shift first.
 */
int
h_report_no_shows(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId", "limit",
	    "cursor", "format", NULL };
	struct qctx	 q;
	struct rq	 rq;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	format(&q, &rq);
	range(&q, &rq);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	page(&q, &rq, "tu");					/* $7..$9 */
	rc = finish(&q, &rq, &rpt_no_shows, STMT_REPORT_NO_SHOWS);
out:
	return qctx_release(&q, rc);
}

/*
 * GET /query/client/reports/performance?from&to&hubId&by&graceMinutes&
 * format: per staff member (or vendor) shifts assigned and completed,
 * no-shows, late clock-ins and hours.
 */
int
h_report_performance(struct req *r)
{
	static const char *const keys[] = { "from", "to", "hubId", "by",
	    "graceMinutes", "format", NULL };
	struct qctx	 q;
	struct rq	 rq;
	int		 rc;

	if ((rc = qctx_begin(r, &q, keys, QCTX_CLIENT)) != ERR_OK)
		goto out;
	format(&q, &rq);
	range(&q, &rq);						/* $4 $5 */
	qctx_opt_uuid(&q, "hubId");					/* $6 */
	qctx_opt_enum(&q, "by", "staff|vendor", 0, "staff");	/* $7 */
	grace(&q);							/* $8 */
	rc = finish(&q, &rq, &rpt_performance, STMT_REPORT_PERFORMANCE);
out:
	return qctx_release(&q, rc);
}
