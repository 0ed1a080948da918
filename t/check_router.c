/*
 * check_router: route table matching (lib/router.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "router.h"

static int
h_dummy(struct req *r)
{
	(void)r;
	return 0;
}

/* Deliberately in "wrong" order: parameters before literals. */
static const struct route routes[] = {
	{ "GET", "/orders/:orderId", h_dummy, 0 },		/* 0 */
	{ "GET", "/orders/new", h_dummy, 0 },			/* 1 */
	{ "DELETE", "/orders/:orderId", h_dummy, 0 },		/* 2 */
	{ "POST", "/orders", h_dummy, 0 },			/* 3 */
	{ "GET", "/orders", h_dummy, 0 },			/* 4 */
	{ "GET", "/a/:x/c", h_dummy, 0 },			/* 5 */
	{ "GET", "/a/b/:y", h_dummy, 0 },			/* 6 */
	{ "GET", "/v/:a/:b/:c/:d", h_dummy, 0 },		/* 7 */
	{ "GET", "/w/:a/:b/:c/:d/:e", h_dummy, 0 },		/* 8 */
	{ "PUT", "/orders/new", h_dummy, 0 },			/* 9 */
	{ "GET", "/p/:id", h_dummy, 0 },			/* 10 */
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

struct result {
	enum router_result	 rr;
	const struct route	*route;
	struct router_params	 params;
	char			 allow[128];
	char			*scratch;
};

static enum router_result
match(struct result *res, const char *method, const char *path)
{
	free(res->scratch);
	res->scratch = strdup(path);
	ck_assert_ptr_nonnull(res->scratch);
	res->rr = router_match(routes, NROUTES, method, path, res->scratch,
	    &res->route, &res->params, res->allow, sizeof(res->allow));
	return res->rr;
}

static struct result res;

static void
setup(void)
{
	memset(&res, 0, sizeof(res));
}

static void
teardown(void)
{
	free(res.scratch);
	res.scratch = NULL;
}

START_TEST(t_literal)
{
	ck_assert_int_eq(match(&res, "GET", "/orders"), ROUTER_MATCH);
	ck_assert_ptr_eq(res.route, &routes[4]);
	ck_assert_uint_eq(res.params.n, 0);
}
END_TEST

START_TEST(t_param_captured)
{
	ck_assert_int_eq(match(&res, "GET", "/orders/o-42"), ROUTER_MATCH);
	ck_assert_ptr_eq(res.route, &routes[0]);
	ck_assert_str_eq(router_param(&res.params, "orderId"), "o-42");
}
END_TEST

START_TEST(t_param_unknown_name)
{
	ck_assert_int_eq(match(&res, "GET", "/orders/o-42"), ROUTER_MATCH);
	ck_assert_ptr_null(router_param(&res.params, "order"));
	ck_assert_ptr_null(router_param(&res.params, "orderIdX"));
}
END_TEST

START_TEST(t_literal_beats_param)
{
	/* "/orders/:orderId" comes first in the table; the literal wins. */
	ck_assert_int_eq(match(&res, "GET", "/orders/new"), ROUTER_MATCH);
	ck_assert_ptr_eq(res.route, &routes[1]);
	ck_assert_uint_eq(res.params.n, 0);
}
END_TEST

START_TEST(t_literal_beats_param_first_difference)
{
	/* "/a/:x/c" vs "/a/b/:y": the literal "b" at position 2 decides. */
	ck_assert_int_eq(match(&res, "GET", "/a/b/c"), ROUTER_MATCH);
	ck_assert_ptr_eq(res.route, &routes[6]);
	ck_assert_str_eq(router_param(&res.params, "y"), "c");
	ck_assert_int_eq(match(&res, "GET", "/a/z/c"), ROUTER_MATCH);
	ck_assert_ptr_eq(res.route, &routes[5]);
	ck_assert_str_eq(router_param(&res.params, "x"), "z");
}
END_TEST

START_TEST(t_precedence_per_method)
{
	/* No DELETE "/orders/new": the DELETE parameter route takes it. */
	ck_assert_int_eq(match(&res, "DELETE", "/orders/new"), ROUTER_MATCH);
	ck_assert_ptr_eq(res.route, &routes[2]);
	ck_assert_str_eq(router_param(&res.params, "orderId"), "new");
}
END_TEST

START_TEST(t_method_allow)
{
	ck_assert_int_eq(match(&res, "PATCH", "/orders"), ROUTER_METHOD);
	ck_assert_ptr_null(res.route);
	ck_assert_str_eq(res.allow, "POST, GET");
}
END_TEST

START_TEST(t_method_allow_distinct)
{
	/* "/orders/new" matches GET twice (literal and parameter). */
	ck_assert_int_eq(match(&res, "POST", "/orders/new"), ROUTER_METHOD);
	ck_assert_str_eq(res.allow, "GET, DELETE, PUT");
}
END_TEST

START_TEST(t_method_allow_truncated)
{
	char	 small[8];

	res.scratch = strdup("/orders/new");
	ck_assert_int_eq(router_match(routes, NROUTES, "POST", "/orders/new",
	    res.scratch, &res.route, &res.params, small, sizeof(small)),
	    ROUTER_METHOD);
	/* Only whole names that fit, always terminated. */
	ck_assert_str_eq(small, "GET");
}
END_TEST

START_TEST(t_method_exact_case)
{
	ck_assert_int_eq(match(&res, "get", "/orders"), ROUTER_METHOD);
}
END_TEST

START_TEST(t_allow_cleared_on_match)
{
	memcpy(res.allow, "junk", 5);
	ck_assert_int_eq(match(&res, "GET", "/orders"), ROUTER_MATCH);
	ck_assert_str_eq(res.allow, "");
}
END_TEST

START_TEST(t_notfound)
{
	ck_assert_int_eq(match(&res, "GET", "/nothing"), ROUTER_NOTFOUND);
	ck_assert_ptr_null(res.route);
	ck_assert_str_eq(res.allow, "");
}
END_TEST

START_TEST(t_path_case_sensitive)
{
	ck_assert_int_eq(match(&res, "GET", "/Orders"), ROUTER_NOTFOUND);
}
END_TEST

START_TEST(t_trailing_slash)
{
	ck_assert_int_eq(match(&res, "GET", "/orders/"), ROUTER_NOTFOUND);
	ck_assert_int_eq(match(&res, "GET", "/orders/o-1/"), ROUTER_NOTFOUND);
}
END_TEST

START_TEST(t_empty_segment)
{
	ck_assert_int_eq(match(&res, "GET", "//orders"), ROUTER_NOTFOUND);
	ck_assert_int_eq(match(&res, "GET", "/a//c"), ROUTER_NOTFOUND);
	ck_assert_int_eq(match(&res, "GET", "/orders//"), ROUTER_NOTFOUND);
}
END_TEST

START_TEST(t_relative_and_empty_path)
{
	ck_assert_int_eq(match(&res, "GET", "orders"), ROUTER_NOTFOUND);
	ck_assert_int_eq(match(&res, "GET", ""), ROUTER_NOTFOUND);
	ck_assert_int_eq(match(&res, "GET", "/"), ROUTER_NOTFOUND);
}
END_TEST

START_TEST(t_extra_segment)
{
	ck_assert_int_eq(match(&res, "GET", "/orders/o-1/x"),
	    ROUTER_NOTFOUND);
	ck_assert_int_eq(match(&res, "GET", "/a/b"), ROUTER_NOTFOUND);
}
END_TEST

/* "/p/" followed by n - 3 'x' bytes: a path of exactly n bytes. */
static char *
long_path(size_t n)
{
	char	*p;

	p = malloc(n + 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "/p/", 3);
	memset(p + 3, 'x', n - 3);
	p[n] = '\0';
	return p;
}

START_TEST(t_long_path_limit)
{
	char	*p;

	p = long_path(2048);
	ck_assert_int_eq(match(&res, "GET", p), ROUTER_MATCH);
	ck_assert_uint_eq(strlen(router_param(&res.params, "id")), 2045);
	free(p);
}
END_TEST

START_TEST(t_long_path_over_limit)
{
	char	*p;

	p = long_path(2049);
	ck_assert_int_eq(match(&res, "GET", p), ROUTER_NOTFOUND);
	free(p);
	p = long_path(1 << 20);
	ck_assert_int_eq(match(&res, "GET", p), ROUTER_NOTFOUND);
	free(p);
}
END_TEST

START_TEST(t_four_params)
{
	ck_assert_int_eq(match(&res, "GET", "/v/1/22/333/4444"),
	    ROUTER_MATCH);
	ck_assert_uint_eq(res.params.n, 4);
	ck_assert_str_eq(router_param(&res.params, "a"), "1");
	ck_assert_str_eq(router_param(&res.params, "b"), "22");
	ck_assert_str_eq(router_param(&res.params, "c"), "333");
	ck_assert_str_eq(router_param(&res.params, "d"), "4444");
}
END_TEST

START_TEST(t_too_many_params)
{
	/* A pattern with more than ROUTER_MAXPARAMS parameters is never
	 * matched (rather than overflowing params). */
	ck_assert_int_eq(match(&res, "GET", "/w/1/2/3/4/5"), ROUTER_NOTFOUND);
}
END_TEST

START_TEST(t_values_in_scratch)
{
	const char	*path = "/a/b/c";

	ck_assert_int_eq(match(&res, "GET", path), ROUTER_MATCH);
	/* The value points into scratch, never into path. */
	ck_assert_ptr_eq(router_param(&res.params, "y"), res.scratch + 5);
	ck_assert_str_eq(path, "/a/b/c");
}
END_TEST

START_TEST(t_param_name_without_colon)
{
	ck_assert_int_eq(match(&res, "GET", "/orders/o-1"), ROUTER_MATCH);
	ck_assert_uint_eq(res.params.namelen[0], strlen("orderId"));
	ck_assert_int_eq(memcmp(res.params.name[0], "orderId", 7), 0);
}
END_TEST

static Suite *
router_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("router");

	tc = tcase_create("router_match");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_literal);
	tcase_add_test(tc, t_param_captured);
	tcase_add_test(tc, t_literal_beats_param);
	tcase_add_test(tc, t_literal_beats_param_first_difference);
	tcase_add_test(tc, t_precedence_per_method);
	tcase_add_test(tc, t_method_allow);
	tcase_add_test(tc, t_method_allow_distinct);
	tcase_add_test(tc, t_method_allow_truncated);
	tcase_add_test(tc, t_method_exact_case);
	tcase_add_test(tc, t_allow_cleared_on_match);
	tcase_add_test(tc, t_notfound);
	tcase_add_test(tc, t_path_case_sensitive);
	tcase_add_test(tc, t_trailing_slash);
	tcase_add_test(tc, t_empty_segment);
	tcase_add_test(tc, t_relative_and_empty_path);
	tcase_add_test(tc, t_extra_segment);
	tcase_add_test(tc, t_long_path_limit);
	tcase_add_test(tc, t_long_path_over_limit);
	tcase_add_test(tc, t_four_params);
	tcase_add_test(tc, t_too_many_params);
	tcase_add_test(tc, t_values_in_scratch);
	suite_add_tcase(s, tc);

	tc = tcase_create("router_param");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_param_unknown_name);
	tcase_add_test(tc, t_param_name_without_colon);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfailed;

	sr = srunner_create(router_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
