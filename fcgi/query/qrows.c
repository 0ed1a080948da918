/*
 * qrows: write a list document from plain rows (see qrows.h).  The JSON
 * is written straight into the response body; the only allocation is
 * the cursor of a page that has a next one.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "b64.h"
#include "buf.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "req.h"
#include "resp.h"
#include "qrows.h"

static int
is_value(enum qcol_kind k)
{
	return k != QCOL_OBJ && k != QCOL_OBJ_NULL && k != QCOL_CLOSE &&
	    k != QCOL_END;
}

/*
 * s at a QCOL_OBJ or QCOL_OBJ_NULL: the QCOL_CLOSE that ends it (or the
 * QCOL_END of a shape that forgot it); adds its columns to *ncols.
 */
static const struct qcol *
skip_obj(const struct qcol *s, size_t *ncols)
{
	int	 depth = 0;

	for (; s->kind != QCOL_END; s++) {
		if (s->kind == QCOL_OBJ || s->kind == QCOL_OBJ_NULL)
			depth++;
		else if (s->kind == QCOL_CLOSE) {
			if (--depth == 0)
				break;
		} else
			(*ncols)++;
	}
	return s;
}

size_t
qrows_ncols(const struct qcol *s)
{
	size_t	 n = 0;

	for (; s->kind != QCOL_END; s++)
		if (is_value(s->kind))
			n++;
	return n;
}

/*
 * A number as PostgreSQL wrote it; NaN and the infinities are not JSON
 * numbers and go out as strings, as PostgreSQL's to_json() writes them.
 */
static void
put_number(struct buf *b, const char *v)
{
	if ((v[0] >= '0' && v[0] <= '9') ||
	    (v[0] == '-' && v[1] >= '0' && v[1] <= '9'))
		buf_puts(b, v);
	else
		buf_json_str(b, v, strlen(v));
}

static void
put_value(struct buf *b, enum qcol_kind k, const char *v)
{
	size_t	 len;

	if (v == NULL) {
		buf_append(b, "null", 4);
		return;
	}
	switch (k) {
	case QCOL_NUM:
		put_number(b, v);
		break;
	case QCOL_BOOL:
		buf_puts(b, v[0] == 't' ? "true" : "false");
		break;
	case QCOL_JSON:
		buf_puts(b, v);
		break;
	case QCOL_TIME:
		/* "YYYY-MM-DD HH:MM:SS[.ffffff]" -> "YYYY-MM-DDTHH:MM:SSZ" */
		len = strlen(v);
		if (len >= 19 && v[10] == ' ' && (len == 19 || v[19] == '.')) {
			buf_putc(b, '"');
			buf_append(b, v, 10);
			buf_putc(b, 'T');
			buf_append(b, v + 11, 8);
			buf_append(b, "Z\"", 2);
		} else
			buf_json_str(b, v, len);	/* infinity */
		break;
	default:
		buf_json_str(b, v, strlen(v));
		break;
	}
}

/*
 * Write the members of shape s up to the QCOL_CLOSE or QCOL_END that ends
 * its level, reading row v from column *col on; *first says whether no
 * member was written yet at this level.  Returns that ending entry.
 */
static const struct qcol *
put_members(struct buf *b, const struct qcol *s, const char *const *v,
    size_t *col, int *first)
{
	int	 f;

	for (; s->kind != QCOL_END && s->kind != QCOL_CLOSE; s++) {
		if (s->kind == QCOL_KEY || s->kind == QCOL_KEY_TIME) {
			(*col)++;
			continue;
		}
		if (!*first)
			buf_putc(b, ',');
		*first = 0;
		buf_putc(b, '"');
		buf_puts(b, s->name);
		buf_append(b, "\":", 2);
		if (s->kind == QCOL_OBJ_NULL && v[*col] == NULL) {
			buf_append(b, "null", 4);
			s = skip_obj(s, col);
			if (s->kind == QCOL_END)
				break;
		} else if (s->kind == QCOL_OBJ || s->kind == QCOL_OBJ_NULL) {
			buf_putc(b, '{');
			f = 1;
			s = put_members(b, s + 1, v, col, &f);
			buf_putc(b, '}');
			if (s->kind == QCOL_END)
				break;
		} else
			put_value(b, s->kind, v[(*col)++]);
	}
	return s;
}

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" as "YYYY-MM-DDTHH:MM:SS[.ffffff]Z". */
static void
put_key_time(struct buf *b, const char *v)
{
	size_t	 len;

	len = strlen(v);
	if (len < 19 || v[10] != ' ') {
		buf_json_str(b, v, len);	/* not a cursor: refused */
		return;
	}
	buf_putc(b, '"');
	buf_append(b, v, 10);
	buf_putc(b, 'T');
	buf_append(b, v + 11, len - 11);
	buf_append(b, "Z\"", 2);
}

/* nextCursor: base64url of the JSON array of the key columns of row v. */
static void
put_cursor(struct buf *b, const struct qcol *s, const char *const *v)
{
	struct buf	 key;
	size_t		 col = 0;
	int		 first = 1;

	buf_init(&key);
	buf_putc(&key, '[');
	for (; s->kind != QCOL_END; s++) {
		if (!is_value(s->kind))
			continue;
		if (s->kind == QCOL_KEY || s->kind == QCOL_KEY_TIME) {
			if (!first)
				buf_putc(&key, ',');
			first = 0;
			if (v[col] == NULL)
				buf_append(&key, "null", 4);
			else if (s->kind == QCOL_KEY_TIME)
				put_key_time(&key, v[col]);
			else
				buf_json_str(&key, v[col], strlen(v[col]));
		}
		col++;
	}
	buf_putc(&key, ']');
	buf_putc(b, '"');
	b64url_encode(b, key.p, key.len);
	buf_putc(b, '"');
	buf_cleanup(&key);
}

int
qrows_answer(struct req *r, const struct db_rows *rows,
    const struct qcol *head, const struct qcol *item, long limit,
    const char *notfound)
{
	const char *const	*v;
	struct buf		*b;
	size_t			 nh, ni, i, col, shown = 0, last = SIZE_MAX;
	int			 first = 1, more = 0;

	nh = head != NULL ? qrows_ncols(head) : 0;
	ni = qrows_ncols(item);
	if (rows == NULL || rows->nrows == 0) {
		if (notfound != NULL)
			return req_fail(r, ERR_NOTFOUND, notfound, NULL);
	} else if (rows->ncols != nh + ni || ni == 0) {
		log_msg(LOGLV_ERROR, "read shape does not fit its statement",
		    "%zu columns, shape of %zu", rows->ncols, nh + ni);
		return req_fail(r, ERR_INTERNAL, NULL, NULL);
	}
	b = resp_json_body(r->resp, 200);
	buf_putc(b, '{');
	if (head != NULL && rows != NULL && rows->nrows > 0) {
		col = 0;
		put_members(b, head, rows->v, &col, &first);
	}
	if (!first)
		buf_putc(b, ',');
	buf_puts(b, "\"items\":[");
	for (i = 0; rows != NULL && i < rows->nrows; i++) {
		v = rows->v + i * rows->ncols + nh;
		if (v[0] == NULL)
			continue;
		if (limit > 0 && shown == (size_t)limit) {
			more = 1;
			break;
		}
		if (shown++ > 0)
			buf_putc(b, ',');
		buf_putc(b, '{');
		col = 0;
		first = 1;
		put_members(b, item, v, &col, &first);
		buf_putc(b, '}');
		last = i;
	}
	buf_putc(b, ']');
	if (limit > 0) {
		buf_puts(b, ",\"nextCursor\":");
		if (more && last != SIZE_MAX)
			put_cursor(b, item, rows->v + last * rows->ncols + nh);
		else
			buf_append(b, "null", 4);
	}
	buf_putc(b, '}');
	return ERR_OK;
}
