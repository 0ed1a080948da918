/*
 * check_arena: the per-request allocator.
 */
#include "config.h"

#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* Tests that expect abort() need Check's fork mode. */
static int
forking(void)
{
	const char	*e;

	return (e = getenv("CK_FORK")) == NULL || strcmp(e, "no") != 0;
}

START_TEST(new_default_chunk)
{
	struct arena	*a;
	char		*p;

	a = arena_new(0);
	ck_assert_ptr_nonnull(a);
	p = arena_alloc(a, 100);
	memset(p, 'x', 100);
	ck_assert_uint_eq(arena_used(a), 100);
	arena_free(a);
}
END_TEST

START_TEST(new_odd_chunk_still_aligned)
{
	struct arena	*a;
	size_t		 i;
	void		*p;

	a = arena_new(1000);	/* not a multiple of 16 */
	for (i = 1; i < 200; i++) {
		p = arena_alloc(a, i);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
	}
	arena_free(a);
}
END_TEST

START_TEST(alloc_aligned)
{
	struct arena	*a;
	size_t		 i;
	void		*p;

	a = arena_new(256);
	for (i = 0; i < 500; i++) {
		p = arena_alloc(a, i % 37);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
	}
	arena_free(a);
}
END_TEST

START_TEST(alloc_no_overlap)
{
	struct arena	*a;
	unsigned char	*p[300];
	size_t		 i, j;

	/* Small chunks so that many chunks are crossed. */
	a = arena_new(128);
	for (i = 0; i < 300; i++) {
		p[i] = arena_alloc(a, i % 50 + 1);
		memset(p[i], (int)(i & 0xff), i % 50 + 1);
	}
	for (i = 0; i < 300; i++)
		for (j = 0; j < i % 50 + 1; j++)
			ck_assert_uint_eq(p[i][j], i & 0xff);
	arena_free(a);
}
END_TEST

START_TEST(alloc_zero_distinct)
{
	struct arena	*a;
	void		*p, *q;

	a = arena_new(0);
	p = arena_alloc(a, 0);
	q = arena_alloc(a, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(q);
	ck_assert_ptr_ne(p, q);
	arena_free(a);
}
END_TEST

START_TEST(alloc_larger_than_chunk)
{
	struct arena	*a;
	unsigned char	*small, *big;
	size_t		 i;

	a = arena_new(1024);
	small = arena_alloc(a, 10);
	memset(small, 's', 10);
	big = arena_alloc(a, 1024 * 1024);
	memset(big, 'b', 1024 * 1024);
	ck_assert_uint_eq((uintptr_t)big % 16, 0);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(small[i], 's');
	ck_assert_uint_eq(big[1024 * 1024 - 1], 'b');
	arena_free(a);
}
END_TEST

START_TEST(alloc_large_keeps_current_chunk)
{
	struct arena	*a;
	char		*p, *big, *q;

	/*
	 * A big allocation gets its own chunk, so the next small one still
	 * comes right after the previous small one.
	 */
	a = arena_new(4096);
	p = arena_alloc(a, 16);
	big = arena_alloc(a, 3000);
	q = arena_alloc(a, 16);
	ck_assert_ptr_ne(big, p + 16);
	ck_assert_ptr_eq(q, p + 16);
	arena_free(a);
}
END_TEST

START_TEST(alloc_huge_aborts)
{
	struct arena	*a;

	a = arena_new(0);
	(void)arena_alloc(a, SIZE_MAX - 8);
}
END_TEST

START_TEST(calloc_zeroes_reused_memory)
{
	struct arena	*a;
	unsigned char	*p;
	size_t		 i;

	a = arena_new(1024);
	p = arena_alloc(a, 512);
	memset(p, 0xff, 512);
	arena_reset(a);
	p = arena_calloc(a, 64, 8);
	for (i = 0; i < 512; i++)
		ck_assert_uint_eq(p[i], 0);
	arena_free(a);
}
END_TEST

START_TEST(calloc_overflow_aborts)
{
	struct arena	*a;

	a = arena_new(0);
	(void)arena_calloc(a, SIZE_MAX / 2, 3);
}
END_TEST

START_TEST(strdup_copies)
{
	struct arena	*a;
	char		 src[] = "tenant-42";
	char		*p;

	a = arena_new(0);
	p = arena_strdup(a, src);
	src[0] = 'X';
	ck_assert_str_eq(p, "tenant-42");
	ck_assert_str_eq(arena_strdup(a, ""), "");
	arena_free(a);
}
END_TEST

START_TEST(strndup_truncates)
{
	struct arena	*a;

	a = arena_new(0);
	ck_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
	ck_assert_str_eq(arena_strndup(a, "abcdef", 0), "");
	arena_free(a);
}
END_TEST

START_TEST(strndup_stops_at_nul)
{
	struct arena	*a;
	const char	 src[4] = { 'a', 'b', '\0', 'c' };
	char		*p;

	a = arena_new(0);
	p = arena_strndup(a, src, 100);	/* n past the end: must stop */
	ck_assert_str_eq(p, "ab");
	ck_assert_uint_eq(arena_used(a), 3);
	arena_free(a);
}
END_TEST

START_TEST(printf_formats)
{
	struct arena	*a;

	a = arena_new(0);
	ck_assert_str_eq(arena_printf(a, "%s/%d/%05.1f", "x", -7, 2.25),
	    "x/-7/002.2");
	ck_assert_str_eq(arena_printf(a, "%s", ""), "");
	arena_free(a);
}
END_TEST

START_TEST(printf_longer_than_chunk)
{
	struct arena	*a;
	char		*long_s, *p;

	long_s = malloc(10001);
	ck_assert_ptr_nonnull(long_s);
	memset(long_s, 'q', 10000);
	long_s[10000] = '\0';
	a = arena_new(512);
	p = arena_printf(a, "<%s>", long_s);
	ck_assert_uint_eq(strlen(p), 10002);
	ck_assert_int_eq(p[0], '<');
	ck_assert_int_eq(p[10001], '>');
	arena_free(a);
	free(long_s);
}
END_TEST

static char *
vp(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *
vp(struct arena *a, const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

START_TEST(vprintf_formats)
{
	struct arena	*a;

	a = arena_new(0);
	ck_assert_str_eq(vp(a, "%zu-%c", (size_t)12, 'z'), "12-z");
	arena_free(a);
}
END_TEST

/* Cleanup helpers: record the order they ran in. */
struct order {
	int	ran[8];
	int	n;
};

static struct order	*cur_order;

static void
record(void *arg)
{
	cur_order->ran[cur_order->n++] = (int)(intptr_t)arg;
}

START_TEST(cleanup_newest_first)
{
	struct arena	*a;
	struct order	 o = { { 0 }, 0 };

	cur_order = &o;
	a = arena_new(0);
	arena_cleanup_add(a, record, (void *)1);
	arena_cleanup_add(a, record, (void *)2);
	arena_cleanup_add(a, record, (void *)3);
	ck_assert_int_eq(o.n, 0);
	arena_reset(a);
	ck_assert_int_eq(o.n, 3);
	ck_assert_int_eq(o.ran[0], 3);
	ck_assert_int_eq(o.ran[1], 2);
	ck_assert_int_eq(o.ran[2], 1);
	arena_free(a);
}
END_TEST

START_TEST(cleanup_runs_once)
{
	struct arena	*a;
	struct order	 o = { { 0 }, 0 };

	cur_order = &o;
	a = arena_new(0);
	arena_cleanup_add(a, record, (void *)1);
	arena_reset(a);
	arena_reset(a);
	arena_free(a);
	ck_assert_int_eq(o.n, 1);
}
END_TEST

START_TEST(cleanup_runs_on_free)
{
	struct arena	*a;
	struct order	 o = { { 0 }, 0 };

	cur_order = &o;
	a = arena_new(0);
	arena_cleanup_add(a, record, (void *)5);
	arena_free(a);
	ck_assert_int_eq(o.n, 1);
	ck_assert_int_eq(o.ran[0], 5);
}
END_TEST

/* A cleanup that frees heap memory it was given, like a json-c root. */
START_TEST(cleanup_frees_resource)
{
	struct arena	*a;

	a = arena_new(0);
	arena_cleanup_add(a, free, malloc(100));
	arena_free(a);	/* valgrind / ASan report a leak otherwise */
}
END_TEST

/* Runs while the arena memory is still valid: reads the string. */
static char	 seen[32];

static void
copy_str(void *arg)
{
	strncpy(seen, arg, sizeof(seen) - 1);
}

START_TEST(cleanup_before_memory_release)
{
	struct arena	*a;

	seen[0] = '\0';
	a = arena_new(64);
	arena_cleanup_add(a, copy_str, arena_strdup(a, "still here"));
	(void)arena_alloc(a, 5000);	/* a separate chunk */
	arena_reset(a);
	ck_assert_str_eq(seen, "still here");
	arena_free(a);
}
END_TEST

static struct arena	*nested_arena;

static void
add_nested(void *arg)
{
	arena_cleanup_add(nested_arena, record, arg);
}

START_TEST(cleanup_added_by_cleanup)
{
	struct order	 o = { { 0 }, 0 };

	cur_order = &o;
	nested_arena = arena_new(0);
	arena_cleanup_add(nested_arena, add_nested, (void *)9);
	arena_reset(nested_arena);
	ck_assert_int_eq(o.n, 1);
	ck_assert_int_eq(o.ran[0], 9);
	arena_free(nested_arena);
}
END_TEST

START_TEST(reset_reuses_first_chunk)
{
	struct arena	*a;
	void		*p, *q;
	int		 i;

	a = arena_new(1024);
	p = arena_alloc(a, 32);
	for (i = 0; i < 100; i++)
		(void)arena_alloc(a, 100);	/* spill into more chunks */
	(void)arena_alloc(a, 100000);
	arena_reset(a);
	q = arena_alloc(a, 32);
	ck_assert_ptr_eq(p, q);
	arena_free(a);
}
END_TEST

START_TEST(reset_zeroes_used)
{
	struct arena	*a;

	a = arena_new(0);
	(void)arena_alloc(a, 1000);
	arena_reset(a);
	ck_assert_uint_eq(arena_used(a), 0);
	arena_free(a);
}
END_TEST

START_TEST(reset_many_cycles)
{
	struct arena	*a;
	char		*p;
	int		 i, j;

	/* A worker's life: valgrind/ASan catch a leak across resets. */
	a = arena_new(512);
	for (i = 0; i < 200; i++) {
		for (j = 0; j < 20; j++) {
			p = arena_printf(a, "req %d item %d", i, j);
			ck_assert_ptr_nonnull(p);
		}
		(void)arena_alloc(a, 4096);
		arena_reset(a);
	}
	arena_free(a);
}
END_TEST

START_TEST(free_null)
{
	arena_free(NULL);
}
END_TEST

START_TEST(used_counts_requested_bytes)
{
	struct arena	*a;

	a = arena_new(0);
	ck_assert_uint_eq(arena_used(a), 0);
	(void)arena_alloc(a, 10);
	(void)arena_alloc(a, 7);
	(void)arena_strdup(a, "abc");
	(void)arena_calloc(a, 3, 5);
	ck_assert_uint_eq(arena_used(a), 10 + 7 + 4 + 15);
	arena_free(a);
}
END_TEST

START_TEST(used_ignores_cleanup_records)
{
	struct arena	*a;

	a = arena_new(0);
	arena_cleanup_add(a, free, NULL);
	ck_assert_uint_eq(arena_used(a), 0);
	arena_free(a);
}
END_TEST

static Suite *
arena_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("arena");

	tc = tcase_create("arena_new");
	tcase_add_test(tc, new_default_chunk);
	tcase_add_test(tc, new_odd_chunk_still_aligned);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_alloc");
	tcase_add_test(tc, alloc_aligned);
	tcase_add_test(tc, alloc_no_overlap);
	tcase_add_test(tc, alloc_zero_distinct);
	tcase_add_test(tc, alloc_larger_than_chunk);
	tcase_add_test(tc, alloc_large_keeps_current_chunk);
	if (forking())
		tcase_add_test_raise_signal(tc, alloc_huge_aborts, SIGABRT);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_calloc");
	tcase_add_test(tc, calloc_zeroes_reused_memory);
	if (forking())
		tcase_add_test_raise_signal(tc, calloc_overflow_aborts,
		    SIGABRT);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_strdup");
	tcase_add_test(tc, strdup_copies);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_strndup");
	tcase_add_test(tc, strndup_truncates);
	tcase_add_test(tc, strndup_stops_at_nul);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_printf");
	tcase_add_test(tc, printf_formats);
	tcase_add_test(tc, printf_longer_than_chunk);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_vprintf");
	tcase_add_test(tc, vprintf_formats);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_cleanup_add");
	tcase_add_test(tc, cleanup_newest_first);
	tcase_add_test(tc, cleanup_runs_once);
	tcase_add_test(tc, cleanup_runs_on_free);
	tcase_add_test(tc, cleanup_frees_resource);
	tcase_add_test(tc, cleanup_before_memory_release);
	tcase_add_test(tc, cleanup_added_by_cleanup);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_reset");
	tcase_add_test(tc, reset_reuses_first_chunk);
	tcase_add_test(tc, reset_zeroes_used);
	tcase_add_test(tc, reset_many_cycles);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_free");
	tcase_add_test(tc, free_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("arena_used");
	tcase_add_test(tc, used_counts_requested_bytes);
	tcase_add_test(tc, used_ignores_cleanup_records);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(arena_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
