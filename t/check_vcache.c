/*
 * check_vcache: the verify cache of krow-auth (fcgi/auth/vcache.c): hits
 * and their copies, both lifetimes (the token's exp, the cache's), the
 * revocation of a uid here and in another process's cache, bounded
 * memory, and no allocation on a hit.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vcache.h"

#define T0	1800000000000LL		/* "now", in milliseconds */
#define EXP	(T0 / 1000 + 3600)	/* a token's exp, in seconds */

/* The shared table of this run, named in main() so that the forked
 * tests share it; removed at the end. */
static char	 shm_name[64];

static const char *
shm(void)
{
	return shm_name;
}

/* The key of token s. */
static void
key_of(struct vcache *c, const char *s, unsigned char key[VCACHE_KEYLEN])
{
	ck_assert_int_eq(vcache_key(c, s, strlen(s), key), 0);
}

/* Store the identity fields (user, tenant, NULL email) of uid under
 * token; returns what vcache_put() returns. */
static int
put(struct vcache *c, const char *token, const char *uid, long long exp,
    long long now)
{
	const char	*f[3];
	unsigned char	 key[VCACHE_KEYLEN];

	f[0] = uid;
	f[1] = "tenant-1";
	f[2] = NULL;
	key_of(c, token, key);
	return vcache_put(c, key, uid, vcache_gen(c, uid), exp, now, f, 3);
}

/* 1 when token hits at now. */
static int
hit(struct vcache *c, const char *token, long long now)
{
	struct vcache_val	 v;
	unsigned char		 key[VCACHE_KEYLEN];

	key_of(c, token, key);
	return vcache_get(c, key, now, &v);
}

START_TEST(key_is_sha256)
{
	struct vcache	*c;
	unsigned char	 k1[VCACHE_KEYLEN], k2[VCACHE_KEYLEN];
	static const unsigned char abc[VCACHE_KEYLEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
		0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
		0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad
	};

	c = vcache_new(16, 5, NULL);
	ck_assert_ptr_nonnull(c);
	key_of(c, "abc", k1);
	ck_assert_mem_eq(k1, abc, VCACHE_KEYLEN);
	/* The context is reused: the same answer twice, another for
	 * another token. */
	key_of(c, "abc", k2);
	ck_assert_mem_eq(k1, k2, VCACHE_KEYLEN);
	key_of(c, "abd", k2);
	ck_assert(memcmp(k1, k2, VCACHE_KEYLEN) != 0);
	vcache_free(c);
}
END_TEST

START_TEST(miss_then_hit)
{
	struct vcache		*c;
	struct vcache_val	 v;
	unsigned char		 key[VCACHE_KEYLEN];

	c = vcache_new(16, 5, NULL);
	ck_assert_int_eq(hit(c, "tok-a", T0), 0);
	ck_assert_int_eq(put(c, "tok-a", "uid-a", EXP, T0), 1);
	key_of(c, "tok-a", key);
	ck_assert_int_eq(vcache_get(c, key, T0 + 10, &v), 1);
	ck_assert_str_eq(v.f[0], "uid-a");
	ck_assert_str_eq(v.f[1], "tenant-1");
	ck_assert_ptr_null(v.f[2]);	/* absent stays absent */
	ck_assert_ptr_null(v.f[3]);	/* not stored: absent */
	ck_assert_int_eq(hit(c, "tok-b", T0), 0);
	vcache_free(c);
}
END_TEST

START_TEST(values_are_copies)
{
	struct vcache		*c;
	struct vcache_val	 v;
	unsigned char		 key[VCACHE_KEYLEN];
	char			 user[16];
	const char		*f[1];

	c = vcache_new(16, 5, NULL);
	snprintf(user, sizeof(user), "user-1");
	f[0] = user;
	key_of(c, "tok", key);
	ck_assert_int_eq(vcache_put(c, key, "uid", 0, EXP, T0, f, 1), 1);
	memset(user, 'X', sizeof(user) - 1);
	ck_assert_int_eq(vcache_get(c, key, T0, &v), 1);
	ck_assert_str_eq(v.f[0], "user-1");
	/* The hit is the caller's: dropping the entry leaves it intact. */
	vcache_revoke(c, "uid");
	ck_assert_str_eq(v.f[0], "user-1");
	ck_assert_int_eq(vcache_get(c, key, T0, &v), 0);
	vcache_free(c);
}
END_TEST

START_TEST(ends_with_token_exp)
{
	struct vcache	*c;
	long long	 exp = T0 / 1000 + 2;

	c = vcache_new(16, 60, NULL);
	ck_assert_int_eq(put(c, "tok", "uid", exp, T0), 1);
	ck_assert_int_eq(hit(c, "tok", exp * 1000 - 1), 1);
	ck_assert_int_eq(hit(c, "tok", exp * 1000), 0);
	/* A token that expires now is not stored at all. */
	ck_assert_int_eq(put(c, "old", "uid", T0 / 1000, T0), 0);
	ck_assert_int_eq(hit(c, "old", T0), 0);
	vcache_free(c);
}
END_TEST

START_TEST(ends_with_lifetime)
{
	struct vcache	*c;

	c = vcache_new(16, 5, NULL);
	ck_assert_int_eq(put(c, "tok", "uid", EXP, T0), 1);
	ck_assert_int_eq(hit(c, "tok", T0 + 4999), 1);
	ck_assert_int_eq(hit(c, "tok", T0 + 5000), 0);
	/* A miss drops the stale entry: it does not come back. */
	ck_assert_int_eq(hit(c, "tok", T0), 0);
	vcache_free(c);
}
END_TEST

START_TEST(disabled_never_hits)
{
	struct vcache	*c;

	c = vcache_new(1024, 0, NULL);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(put(c, "tok", "uid", EXP, T0), 0);
	ck_assert_int_eq(hit(c, "tok", T0), 0);
	ck_assert_uint_eq(vcache_count(c, T0), 0);
	vcache_revoke(c, "uid");	/* harmless */
	vcache_free(c);
}
END_TEST

START_TEST(revoke_here)
{
	struct vcache	*c;

	c = vcache_new(64, 5, NULL);
	ck_assert_int_eq(vcache_shared(c), 0);
	ck_assert_int_eq(put(c, "tok-a1", "uid-a", EXP, T0), 1);
	ck_assert_int_eq(put(c, "tok-a2", "uid-a", EXP, T0), 1);
	ck_assert_int_eq(put(c, "tok-b", "uid-b", EXP, T0), 1);
	vcache_revoke(c, "uid-a");
	ck_assert_int_eq(hit(c, "tok-a1", T0), 0);
	ck_assert_int_eq(hit(c, "tok-a2", T0), 0);
	ck_assert_int_eq(hit(c, "tok-b", T0), 1);
	/* A token of the user cached after the sign-out works again. */
	ck_assert_int_eq(put(c, "tok-a3", "uid-a", EXP, T0 + 1), 1);
	ck_assert_int_eq(hit(c, "tok-a3", T0 + 1), 1);
	vcache_free(c);
}
END_TEST

START_TEST(revoke_reaches_other_process)
{
	struct vcache	*a, *b;

	/* Two caches on one shared table: two worker processes. */
	a = vcache_new(64, 5, shm());
	b = vcache_new(64, 5, shm());
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(vcache_shared(a), 1);
	ck_assert_int_eq(vcache_shared(b), 1);
	ck_assert_int_eq(put(a, "tok-a", "uid-a", EXP, T0), 1);
	ck_assert_int_eq(put(a, "tok-b", "uid-b", EXP, T0), 1);
	ck_assert_int_eq(hit(a, "tok-a", T0), 1);
	/* b serves the sign-out of uid-a. */
	vcache_revoke(b, "uid-a");
	ck_assert_int_eq(hit(a, "tok-a", T0), 0);
	ck_assert_int_eq(hit(a, "tok-b", T0), 1);
	vcache_free(a);
	vcache_free(b);
}
END_TEST

START_TEST(revoke_during_lookup)
{
	struct vcache	*a, *b;
	const char	*f[1] = { "user" };
	unsigned char	 key[VCACHE_KEYLEN];
	unsigned	 gen;

	a = vcache_new(64, 5, shm());
	b = vcache_new(64, 5, shm());
	key_of(a, "tok", key);
	/* a reads the generation, looks the user up (before the sign-out
	 * commits), b signs out, a stores what it read: stale already. */
	gen = vcache_gen(a, "uid");
	vcache_revoke(b, "uid");
	ck_assert_int_eq(vcache_put(a, key, "uid", gen, EXP, T0, f, 1), 1);
	ck_assert_int_eq(hit(a, "tok", T0), 0);
	vcache_free(a);
	vcache_free(b);
}
END_TEST

START_TEST(foreign_table_refused)
{
	struct vcache	*c;
	char		 name[80];
	int		 fd;

	/* A table another user could write: private generations instead. */
	snprintf(name, sizeof(name), "%s-open", shm());
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0666), 0);
	close(fd);
	c = vcache_new(16, 5, name);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(vcache_shared(c), 0);
	ck_assert_int_eq(put(c, "tok", "uid", EXP, T0), 1);
	vcache_revoke(c, "uid");
	ck_assert_int_eq(hit(c, "tok", T0), 0);
	vcache_free(c);
	shm_unlink(name);
}
END_TEST

START_TEST(memory_is_bounded)
{
	struct vcache	*c;
	char		 tok[32];
	int		 i, n;

	c = vcache_new(64, 5, NULL);
	for (i = 0; i < 10000; i++) {
		snprintf(tok, sizeof(tok), "tok-%d", i);
		ck_assert_int_eq(put(c, tok, "uid", EXP, T0 + i), 1);
	}
	ck_assert_uint_le(vcache_count(c, T0 + i), 64);
	ck_assert_uint_gt(vcache_count(c, T0 + i), 32);
	/* The newest survive: each replaced the oldest of its set. */
	for (n = 0, i = 9990; i < 10000; i++) {
		snprintf(tok, sizeof(tok), "tok-%d", i);
		n += hit(c, tok, T0 + 10000);
	}
	ck_assert_int_eq(n, 10);
	vcache_free(c);
}
END_TEST

START_TEST(too_large_not_stored)
{
	struct vcache	*c;
	const char	*f[2];
	char		*big;
	unsigned char	 key[VCACHE_KEYLEN];

	big = malloc(VCACHE_DATAMAX);
	ck_assert_ptr_nonnull(big);
	memset(big, 'n', VCACHE_DATAMAX - 1);
	big[VCACHE_DATAMAX - 1] = '\0';
	f[0] = "user";
	f[1] = big;
	c = vcache_new(16, 5, NULL);
	key_of(c, "tok", key);
	ck_assert_int_eq(vcache_put(c, key, "uid", 0, EXP, T0, f, 2), 0);
	ck_assert_int_eq(hit(c, "tok", T0), 0);
	/* Too many fields: refused too. */
	ck_assert_int_eq(vcache_put(c, key, "uid", 0, EXP, T0, f,
	    VCACHE_NFIELDS + 1), 0);
	vcache_free(c);
	free(big);
}
END_TEST

START_TEST(hit_allocates_nothing)
{
	struct vcache		*c;
	struct vcache_val	 v;
	struct mallinfo2	 m0, m1;
	unsigned char		 key[VCACHE_KEYLEN];
	int			 i, hits = 0;

	c = vcache_new(1024, 5, NULL);
	ck_assert_int_eq(put(c, "tok", "uid", EXP, T0), 1);
	key_of(c, "tok", key);
	m0 = mallinfo2();
	for (i = 0; i < 1000; i++)
		hits += vcache_get(c, key, T0 + i, &v);
	m1 = mallinfo2();
	ck_assert_int_eq(hits, 1000);
	ck_assert_uint_eq(m0.uordblks, m1.uordblks);
	ck_assert_uint_eq(m0.hblkhd, m1.hblkhd);
	vcache_free(c);
}
END_TEST

static Suite *
vcache_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("vcache");

	tc = tcase_create("entries");
	tcase_add_test(tc, key_is_sha256);
	tcase_add_test(tc, miss_then_hit);
	tcase_add_test(tc, values_are_copies);
	tcase_add_test(tc, too_large_not_stored);
	tcase_add_test(tc, memory_is_bounded);
	tcase_add_test(tc, hit_allocates_nothing);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifetime");
	tcase_add_test(tc, ends_with_token_exp);
	tcase_add_test(tc, ends_with_lifetime);
	tcase_add_test(tc, disabled_never_hits);
	suite_add_tcase(s, tc);

	tc = tcase_create("revocation");
	tcase_add_test(tc, revoke_here);
	tcase_add_test(tc, revoke_reaches_other_process);
	tcase_add_test(tc, revoke_during_lookup);
	tcase_add_test(tc, foreign_table_refused);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	snprintf(shm_name, sizeof(shm_name), "/krow-vcache-test-%ld",
	    (long)getpid());
	sr = srunner_create(vcache_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	shm_unlink(shm());
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
