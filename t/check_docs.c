/*
 * check_docs: docs/openapi.json is the contract with the frontend, so it
 * must describe exactly the routes the programs serve.  Each program
 * prints its route table with --routes; this suite compares the tables
 * with the document's paths and methods, both ways, and checks that every
 * operation carries the examples the frontend team relies on.
 *
 * Routes whose path starts with "/_" are internal (nginx's auth_request
 * location) and are not documented; documented paths under /docs/ are
 * served by nginx itself.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#define MAXOPS	512

static const char *const programs[] = {
	"krow-auth", "krow-core", "krow-command", "krow-query"
};

struct op {
	char	method[16];	/* lower case, as OpenAPI spells it */
	char	path[512];	/* OpenAPI form: {param} */
};

static struct op	 served[MAXOPS];
static size_t		 nserved;
static json_object	*doc;

static const char *
dir_env(const char *name)
{
	const char	*v;

	v = getenv(name);
	return v != NULL && *v != '\0' ? v : ".";
}

/* "/a/:id/b" -> "/a/{id}/b" */
static void
to_openapi(const char *pattern, char *out, size_t outlen)
{
	size_t	 o;
	int	 inparam;

	o = 0;
	inparam = 0;
	for (; *pattern != '\0' && o + 2 < outlen; pattern++) {
		if (*pattern == ':' && (o == 0 || out[o - 1] == '/')) {
			out[o++] = '{';
			inparam = 1;
			continue;
		}
		if (*pattern == '/' && inparam) {
			out[o++] = '}';
			inparam = 0;
		}
		out[o++] = *pattern;
	}
	if (inparam && o + 1 < outlen)
		out[o++] = '}';
	out[o] = '\0';
}

static void
load_routes(void)
{
	char	 cmd[1024], line[1024], method[16], pattern[512];
	FILE	*p;
	size_t	 i, k;
	int	 n;

	nserved = 0;
	for (i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
		n = snprintf(cmd, sizeof(cmd), "'%s/fcgi/%s' --routes",
		    dir_env("KROW_BUILDDIR"), programs[i]);
		ck_assert_int_lt(n, (int)sizeof(cmd));
		p = popen(cmd, "r");
		ck_assert_ptr_nonnull(p);
		while (fgets(line, sizeof(line), p) != NULL) {
			if (sscanf(line, "%15s %511s", method, pattern) != 2)
				continue;
			if (strncmp(pattern, "/_", 2) == 0)
				continue;
			ck_assert_uint_lt(nserved, MAXOPS);
			for (k = 0; method[k] != '\0'; k++)
				method[k] = (char)tolower(
				    (unsigned char)method[k]);
			memcpy(served[nserved].method, method,
			    sizeof(method));
			to_openapi(pattern, served[nserved].path,
			    sizeof(served[nserved].path));
			nserved++;
		}
		ck_assert_msg(pclose(p) == 0, "%s --routes failed",
		    programs[i]);
	}
	ck_assert_uint_gt(nserved, 0);
}

static void
setup(void)
{
	char	 path[1024];
	int	 n;

	n = snprintf(path, sizeof(path), "%s/docs/openapi.json",
	    dir_env("KROW_SRCDIR"));
	ck_assert_int_lt(n, (int)sizeof(path));
	doc = json_object_from_file(path);
	ck_assert_msg(doc != NULL, "cannot parse %s", path);
	load_routes();
}

static void
teardown(void)
{
	json_object_put(doc);
	doc = NULL;
}

static json_object *
doc_operation(const char *path, const char *method)
{
	json_object	*paths, *item, *op;

	if (!json_object_object_get_ex(doc, "paths", &paths) ||
	    !json_object_object_get_ex(paths, path, &item) ||
	    !json_object_object_get_ex(item, method, &op))
		return NULL;
	return op;
}

static int
is_method(const char *k)
{
	static const char *const m[] = {
		"get", "put", "post", "delete", "options", "head", "patch",
		"trace"
	};
	size_t	 i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(k, m[i]) == 0)
			return 1;
	return 0;
}

START_TEST(test_every_route_documented)
{
	size_t	 i;
	int	 missing;

	missing = 0;
	for (i = 0; i < nserved; i++) {
		if (doc_operation(served[i].path, served[i].method) != NULL)
			continue;
		fprintf(stderr, "not in docs/openapi.json: %s %s\n",
		    served[i].method, served[i].path);
		missing++;
	}
	ck_assert_int_eq(missing, 0);
}
END_TEST

START_TEST(test_every_documented_route_served)
{
	json_object	*paths;
	size_t		 i;
	int		 found, extra;

	ck_assert(json_object_object_get_ex(doc, "paths", &paths));
	extra = 0;
	json_object_object_foreach(paths, path, item) {
		if (strncmp(path, "/docs/", 6) == 0)
			continue;
		json_object_object_foreach(item, method, op) {
			(void)op;
			if (!is_method(method))
				continue;
			found = 0;
			for (i = 0; i < nserved && !found; i++)
				found = strcmp(served[i].path, path) == 0 &&
				    strcmp(served[i].method, method) == 0;
			if (!found) {
				fprintf(stderr, "documented but not served: "
				    "%s %s\n", method, path);
				extra++;
			}
		}
	}
	ck_assert_int_eq(extra, 0);
}
END_TEST

/* Some media type of content has "example" or "examples". */
static int
has_example(json_object *content)
{
	json_object	*x;

	json_object_object_foreach(content, mt, media) {
		(void)mt;
		if (json_object_object_get_ex(media, "example", &x) ||
		    json_object_object_get_ex(media, "examples", &x))
			return 1;
	}
	return 0;
}

START_TEST(test_every_operation_has_examples)
{
	json_object	*op, *rb, *content, *responses;
	size_t		 i;
	int		 bad;

	bad = 0;
	for (i = 0; i < nserved; i++) {
		if ((op = doc_operation(served[i].path,
		    served[i].method)) == NULL)
			continue;	/* reported by the test above */
		if (json_object_object_get_ex(op, "requestBody", &rb) &&
		    (!json_object_object_get_ex(rb, "content", &content) ||
		    !has_example(content))) {
			fprintf(stderr, "no request example: %s %s\n",
			    served[i].method, served[i].path);
			bad++;
		}
		if (!json_object_object_get_ex(op, "responses", &responses))
		{
			fprintf(stderr, "no responses: %s %s\n",
			    served[i].method, served[i].path);
			bad++;
			continue;
		}
		json_object_object_foreach(responses, code, resp) {
			if (json_object_object_get_ex(resp, "content",
			    &content) && !has_example(content)) {
				fprintf(stderr, "no example for %s: %s %s\n",
				    code, served[i].method, served[i].path);
				bad++;
			}
		}
	}
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_to_openapi)
{
	char	 out[128];

	to_openapi("/query/client/vendors/:vendorId/roles", out, sizeof(out));
	ck_assert_str_eq(out, "/query/client/vendors/{vendorId}/roles");
	to_openapi("/a/:x", out, sizeof(out));
	ck_assert_str_eq(out, "/a/{x}");
	to_openapi("/a/b:c", out, sizeof(out));
	ck_assert_str_eq(out, "/a/b:c");
}
END_TEST

static Suite *
docs_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("docs");
	tc = tcase_create("to_openapi");
	tcase_add_test(tc, test_to_openapi);
	suite_add_tcase(s, tc);
	tc = tcase_create("openapi");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_every_route_documented);
	tcase_add_test(tc, test_every_documented_route_served);
	tcase_add_test(tc, test_every_operation_has_examples);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(docs_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
