/*
 * qrows: a list read answered from plain rows.  The statement returns one
 * row per item, its columns plain values (texts, numbers, timestamps);
 * a shape (an array of struct qcol) says how each column becomes a member
 * of the item's JSON object, and qrows writes the document, the page's
 * nextCursor included.  PostgreSQL then only finds the rows: building
 * JSON there (json_build_object per item, json_agg and the page's
 * sub-queries) cost more than twice the scan for a short list.
 */
#ifndef KROW_QROWS_H
#define KROW_QROWS_H

#include <stddef.h>

struct db_rows;
struct req;

enum qcol_kind {
	QCOL_END = 0,
	QCOL_STR,	/* a string; SQL NULL is null */
	QCOL_NUM,	/* a number as PostgreSQL wrote it (integer, numeric) */
	QCOL_BOOL,	/* PostgreSQL's t or f */
	QCOL_JSON,	/* JSON text, as it is */
	QCOL_TIME,	/* a timestamp without zone, UTC ("x AT TIME ZONE
			   'UTC'"): RFC 3339 to the second, as TS() writes */
	QCOL_OBJ,	/* an object of the entries up to its QCOL_CLOSE */
	QCOL_OBJ_NULL,	/* the same, or null when its first column is NULL */
	QCOL_CLOSE,	/* ends a QCOL_OBJ or QCOL_OBJ_NULL (no column) */
	QCOL_KEY,	/* not written: the next member of the sort key that
			   nextCursor carries (a text) */
	QCOL_KEY_TIME	/* the same, a timestamp as QCOL_TIME reads it, that
			   the cursor carries to the microsecond (RFC 3339) */
};

struct qcol {
	enum qcol_kind	 kind;
	const char	*name;
};

#define QC_STR(N)	{ QCOL_STR, (N) }
#define QC_NUM(N)	{ QCOL_NUM, (N) }
#define QC_BOOL(N)	{ QCOL_BOOL, (N) }
#define QC_JSON(N)	{ QCOL_JSON, (N) }
#define QC_TIME(N)	{ QCOL_TIME, (N) }
#define QC_OBJ(N)	{ QCOL_OBJ, (N) }
#define QC_OBJ_NULL(N)	{ QCOL_OBJ_NULL, (N) }
#define QC_CLOSE	{ QCOL_CLOSE, NULL }
#define QC_KEY		{ QCOL_KEY, NULL }
#define QC_KEY_TIME	{ QCOL_KEY_TIME, NULL }
#define QC_END		{ QCOL_END, NULL }

/* The number of columns that shape s (up to QCOL_END) reads. */
size_t	qrows_ncols(const struct qcol *);

/*
 * Answer rows as {head members..., "items": [...], "nextCursor": ...}.
 * Each row holds the columns of head (may be NULL: no head members),
 * then those of item.  head comes from the first row; a row whose first
 * item column is NULL holds no item (a LEFT JOIN of a head to no items).
 * limit > 0: the rows are up to limit + 1 of a page, and nextCursor is
 * the base64url of the JSON array of the QCOL_KEY columns of the last
 * item shown when there was one more (else null); limit 0: the whole
 * list, no nextCursor.  No rows at all: 404 with notfound, or an empty
 * list when notfound is NULL.
 */
int	qrows_answer(struct req *, const struct db_rows *,
	    const struct qcol *head, const struct qcol *item, long limit,
	    const char *notfound);

#endif
