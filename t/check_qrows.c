/*
 * check_qrows: the list documents that krow-query writes from plain rows
 * (fcgi/query/qrows.c): each kind of column, nested and null objects,
 * the page's nextCursor, a head, empty lists and a shape that does not
 * fit its statement.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "arena.h"
#include "b64.h"
#include "buf.h"
#include "db.h"
#include "err.h"
#include "req.h"
#include "resp.h"
#include "qrows.h"

static struct arena	*arena;
static struct resp	 resp;
static struct req	 r;

static void
setup(void)
{
	arena = arena_new(0);
	resp_init(&resp);
	memset(&r, 0, sizeof(r));
	r.arena = arena;
	r.resp = &resp;
}

static void
teardown(void)
{
	resp_cleanup(&resp);
	arena_free(arena);
}

/* Rows of ncols columns from v (nrows * ncols values, NULL for NULL). */
static struct db_rows *
rows(size_t nrows, size_t ncols, const char **v)
{
	static struct db_rows	 dr;

	dr.nrows = nrows;
	dr.ncols = ncols;
	dr.affected = 0;
	dr.v = v;
	return &dr;
}

static const char *
body(void)
{
	return buf_cstr(&resp.body);
}

START_TEST(t_kinds)
{
	static const struct qcol shape[] = {
		QC_STR("s"), QC_NUM("n"), QC_NUM("nan"), QC_BOOL("t"),
		QC_BOOL("f"), QC_JSON("j"), QC_TIME("at"), QC_TIME("inf"),
		QC_STR("none"), QC_END
	};
	const char	*v[] = {
		"a \"b\"\n\\ é", "-12.50", "NaN", "t", "f", "[\"x\",1]",
		"2026-11-28 14:23:54.123456", "infinity", NULL
	};

	ck_assert_int_eq(qrows_answer(&r, rows(1, 9, v), NULL, shape, 0,
	    NULL), ERR_OK);
	ck_assert_int_eq(resp.status, 200);
	ck_assert_str_eq(body(), "{\"items\":[{\"s\":\"a \\\"b\\\"\\n\\\\ é\","
	    "\"n\":-12.50,\"nan\":\"NaN\",\"t\":true,\"f\":false,"
	    "\"j\":[\"x\",1],\"at\":\"2026-11-28T14:23:54Z\","
	    "\"inf\":\"infinity\",\"none\":null}]}");
}
END_TEST

/* A null object consumes its columns, nested ones included. */
START_TEST(t_objects)
{
	static const struct qcol shape[] = {
		QC_STR("id"),
		QC_OBJ_NULL("loc"), QC_NUM("lat"), QC_OBJ("in"),
		QC_NUM("x"), QC_CLOSE, QC_NUM("lng"), QC_CLOSE,
		QC_OBJ("a"), QC_STR("b"), QC_CLOSE,
		QC_STR("last"), QC_END
	};
	const char	*v[] = {
		"1", "1.5", "7", "-2", "B", "L",
		"2", NULL, "8", NULL, NULL, "M"
	};

	ck_assert_int_eq(qrows_ncols(shape), 6);
	ck_assert_int_eq(qrows_answer(&r, rows(2, 6, v), NULL, shape, 0,
	    NULL), ERR_OK);
	ck_assert_str_eq(body(), "{\"items\":["
	    "{\"id\":\"1\",\"loc\":{\"lat\":1.5,\"in\":{\"x\":7},\"lng\":-2},"
	    "\"a\":{\"b\":\"B\"},\"last\":\"L\"},"
	    "{\"id\":\"2\",\"loc\":null,\"a\":{\"b\":null},\"last\":\"M\"}]}");
}
END_TEST

static const struct qcol paged[] = {
	QC_STR("id"), QC_KEY_TIME, QC_KEY, QC_END
};

/* The key of the last item shown, when there is one more row. */
START_TEST(t_page_more)
{
	const char	*v[] = {
		"a", "2026-01-02 03:04:05.000006", "k1",
		"b", "2026-01-02 03:04:05", "k2",
		"c", "2026-01-03 00:00:00", "k3"
	};
	struct buf	 want;

	ck_assert_int_eq(qrows_answer(&r, rows(3, 3, v), NULL, paged, 2,
	    NULL), ERR_OK);
	buf_init(&want);
	buf_puts(&want, "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
	    "\"nextCursor\":\"");
	b64url_encode(&want, "[\"2026-01-02T03:04:05Z\",\"k2\"]", 29);
	buf_puts(&want, "\"}");
	ck_assert_str_eq(body(), buf_cstr(&want));
	buf_cleanup(&want);
}
END_TEST

START_TEST(t_page_last)
{
	const char	*v[] = {
		"a", "2026-01-02 03:04:05.000006", "k1",
		"b", "2026-01-02 03:04:05", "k2"
	};

	ck_assert_int_eq(qrows_answer(&r, rows(2, 3, v), NULL, paged, 2,
	    NULL), ERR_OK);
	ck_assert_str_eq(body(), "{\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],"
	    "\"nextCursor\":null}");
	ck_assert_int_eq(qrows_answer(&r, rows(0, 3, v), NULL, paged, 2,
	    NULL), ERR_OK);
	ck_assert_str_eq(body(), "{\"items\":[],\"nextCursor\":null}");
	ck_assert_int_eq(qrows_answer(&r, NULL, NULL, paged, 50, NULL),
	    ERR_OK);
	ck_assert_str_eq(body(), "{\"items\":[],\"nextCursor\":null}");
}
END_TEST

static const struct qcol head[] = {
	QC_OBJ("vendor"), QC_STR("id"), QC_CLOSE, QC_NUM("count"), QC_END
};
static const struct qcol item[] = {
	QC_STR("roleId"), QC_KEY, QC_END
};

/* A head from the first row; a row without an item adds none. */
START_TEST(t_head)
{
	const char	*two[] = {
		"v1", "2", "r1", "k1",
		"v1", "2", "r2", "k2"
	};
	const char	*none[] = { "v1", "0", NULL, NULL };
	const char	*pre = "{\"vendor\":{\"id\":\"v1\"},\"count\":2,"
	    "\"items\":[{\"roleId\":\"r1\"}],\"nextCursor\":\"";

	ck_assert_int_eq(qrows_answer(&r, rows(2, 4, two), head, item, 1,
	    "no such vendor"), ERR_OK);
	ck_assert_int_eq(strncmp(body(), pre, strlen(pre)), 0);
	ck_assert_int_eq(qrows_answer(&r, rows(1, 4, none), head, item, 50,
	    "no such vendor"), ERR_OK);
	ck_assert_str_eq(body(), "{\"vendor\":{\"id\":\"v1\"},\"count\":0,"
	    "\"items\":[],\"nextCursor\":null}");
}
END_TEST

START_TEST(t_not_found)
{
	const char	*v[] = { NULL };

	ck_assert_int_eq(qrows_answer(&r, rows(0, 4, v), head, item, 50,
	    "no such vendor"), ERR_NOTFOUND);
	ck_assert_str_eq(r.err_message, "no such vendor");
}
END_TEST

/* A statement whose columns do not fit the shape is a server error. */
START_TEST(t_misfit)
{
	const char	*v[] = { "a", "b" };

	ck_assert_int_eq(qrows_answer(&r, rows(1, 2, v), NULL, paged, 50,
	    NULL), ERR_INTERNAL);
	ck_assert_int_eq(qrows_answer(&r, rows(1, 2, v), head, item, 50,
	    NULL), ERR_INTERNAL);
}
END_TEST

static Suite *
qrows_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("qrows");
	tc = tcase_create("qrows");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_kinds);
	tcase_add_test(tc, t_objects);
	tcase_add_test(tc, t_page_more);
	tcase_add_test(tc, t_page_last);
	tcase_add_test(tc, t_head);
	tcase_add_test(tc, t_not_found);
	tcase_add_test(tc, t_misfit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(qrows_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
