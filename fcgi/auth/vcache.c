/*
 * vcache: the per-process verify cache of krow-auth (see vcache.h).
 *
 * Layout: nsets sets of VCACHE_WAYS entries; a key's set is given by its
 * first bytes (the key is a SHA-256, evenly spread).  A lookup compares
 * at most VCACHE_WAYS keys; an insert takes a free or stale way of the
 * set, else the oldest.  Each entry keeps its strings in its own fixed
 * buffer, so neither a hit nor an insert allocates.
 *
 * The revocation generations are VCACHE_NGENS counters, indexed by a hash
 * of the uid, in a POSIX shared memory object that every krow-auth
 * process of the host and database maps (or in private memory).  Uids
 * that share a counter only cost each other a cache miss.
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "log.h"
#include "mem.h"
#include "vcache.h"

#define VCACHE_WAYS	4
#define VCACHE_MAXSLOTS	(1U << 20)

struct vcache_entry {
	unsigned char	 key[VCACHE_KEYLEN];
	int		 used;
	unsigned	 gen;		/* the uid's, before the lookup */
	unsigned	 slot;		/* the uid's generation counter */
	long long	 exp_ms;	/* the token's exp */
	long long	 until_ms;	/* cached time + lifetime */
	long long	 cached_ms;
	size_t		 datalen;
	/* 1 + offset in data of field i, 0 when absent; the last is uid. */
	uint16_t	 off[VCACHE_NFIELDS + 1];
	char		 data[VCACHE_DATAMAX];
};

struct vcache {
	struct vcache_entry	*slots;	/* nsets * VCACHE_WAYS */
	size_t			 nsets;
	long long		 life_ms;	/* 0: never hits */
	uint32_t		*gens;	/* VCACHE_NGENS counters */
	int			 gens_shared;	/* a shared mapping */
	EVP_MD_CTX		*mdctx;	/* reused for every key */
	EVP_MD			*md;
};

/* FNV-1a of s: the generation counter of a uid. */
static unsigned
gen_slot(const char *s)
{
	uint32_t	 h = 2166136261U;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619U;
	}
	return (unsigned)(h & (VCACHE_NGENS - 1));
}

/*
 * Map the shared generations named name: a 0600 object of this user
 * (anything else is refused, so that no other user can bring a revoked
 * entry back to life).  NULL, after logging why, when it cannot be had.
 */
static uint32_t *
gens_map(const char *name)
{
	struct stat	 st;
	void		*p;
	size_t		 size = VCACHE_NGENS * sizeof(uint32_t);
	int		 fd;

	if ((fd = shm_open(name, O_RDWR | O_CREAT, 0600)) == -1) {
		log_msg(LOGLV_WARN, "cannot open the shared revocation table",
		    "%s: %s", name, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		log_msg(LOGLV_WARN, "shared revocation table refused",
		    "%s: not a private object of this user", name);
		close(fd);
		return NULL;
	}
	/* Two processes may both grow it: the size is the same. */
	if ((size_t)st.st_size < size && ftruncate(fd, (off_t)size) == -1) {
		log_msg(LOGLV_WARN, "cannot size the shared revocation table",
		    "%s: %s", name, strerror(errno));
		close(fd);
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		log_msg(LOGLV_WARN, "cannot map the shared revocation table",
		    "%s: %s", name, strerror(errno));
		return NULL;
	}
	return p;
}

/* See vcache.h. */
struct vcache *
vcache_new(size_t nslots, long long seconds, const char *shared)
{
	struct vcache	*c;
	size_t		 n;

	c = mem_calloc(1, sizeof(*c));
	if ((c->md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (c->mdctx = EVP_MD_CTX_new()) == NULL) {
		log_msg(LOGLV_ERROR, "cannot set up SHA-256", NULL);
		vcache_free(c);
		return NULL;
	}
	if (shared != NULL && (c->gens = gens_map(shared)) != NULL)
		c->gens_shared = 1;
	else
		c->gens = mem_calloc(VCACHE_NGENS, sizeof(uint32_t));
	if (seconds <= 0)
		return c;
	if (nslots > VCACHE_MAXSLOTS)
		nslots = VCACHE_MAXSLOTS;
	for (n = VCACHE_WAYS; n < nslots; n <<= 1)
		continue;
	c->nsets = n / VCACHE_WAYS;
	c->slots = mem_calloc(n, sizeof(struct vcache_entry));
	c->life_ms = seconds * 1000;
	return c;
}

/* See vcache.h. */
void
vcache_free(struct vcache *c)
{
	if (c == NULL)
		return;
	if (c->gens_shared)
		(void)munmap(c->gens, VCACHE_NGENS * sizeof(uint32_t));
	else
		mem_free(c->gens);
	c->gens = NULL;
	mem_free(c->slots);
	c->slots = NULL;
	EVP_MD_CTX_free(c->mdctx);
	c->mdctx = NULL;
	EVP_MD_free(c->md);
	c->md = NULL;
	mem_free(c);
}

/* See vcache.h. */
int
vcache_shared(const struct vcache *c)
{
	return c->gens_shared;
}

/* See vcache.h. */
int
vcache_key(struct vcache *c, const char *token, size_t len,
    unsigned char key[VCACHE_KEYLEN])
{
	unsigned int	 mdlen = 0;

	if (EVP_DigestInit_ex2(c->mdctx, c->md, NULL) != 1 ||
	    EVP_DigestUpdate(c->mdctx, token, len) != 1 ||
	    EVP_DigestFinal_ex(c->mdctx, key, &mdlen) != 1 ||
	    mdlen != VCACHE_KEYLEN)
		return -1;
	return 0;
}

/* See vcache.h. */
unsigned
vcache_gen(const struct vcache *c, const char *uid)
{
	return __atomic_load_n(&c->gens[gen_slot(uid)], __ATOMIC_ACQUIRE);
}

/* The first entry of key's set. */
static struct vcache_entry *
set_of(const struct vcache *c, const unsigned char *key)
{
	uint64_t	 h;

	memcpy(&h, key, sizeof(h));
	return &c->slots[(size_t)(h & (c->nsets - 1)) * VCACHE_WAYS];
}

/* e may answer at now_ms: unexpired and of the current generation. */
static int
entry_valid(const struct vcache *c, const struct vcache_entry *e,
    long long now_ms)
{
	return e->used && now_ms < e->exp_ms && now_ms < e->until_ms &&
	    __atomic_load_n(&c->gens[e->slot], __ATOMIC_ACQUIRE) == e->gen;
}

/* See vcache.h. */
int
vcache_get(struct vcache *c, const unsigned char *key, long long now_ms,
    struct vcache_val *out)
{
	struct vcache_entry	*e;
	size_t			 i, j;

	if (c->slots == NULL)
		return 0;
	e = set_of(c, key);
	for (i = 0; i < VCACHE_WAYS; i++, e++) {
		if (!e->used || memcmp(e->key, key, VCACHE_KEYLEN) != 0)
			continue;
		if (!entry_valid(c, e, now_ms)) {
			e->used = 0;
			return 0;
		}
		memcpy(out->data, e->data, e->datalen);
		out->exp_ms = e->exp_ms;
		for (j = 0; j < VCACHE_NFIELDS; j++)
			out->f[j] = e->off[j] == 0 ? NULL :
			    out->data + e->off[j] - 1;
		return 1;
	}
	return 0;
}

/* The way of key's set to write: key's own, a free or stale one, or the
 * oldest. */
static struct vcache_entry *
victim(struct vcache *c, const unsigned char *key, long long now_ms)
{
	struct vcache_entry	*e, *v;
	size_t			 i;

	e = set_of(c, key);
	for (i = 0; i < VCACHE_WAYS; i++)
		if (e[i].used && memcmp(e[i].key, key, VCACHE_KEYLEN) == 0)
			return &e[i];
	for (i = 0; i < VCACHE_WAYS; i++)
		if (!entry_valid(c, &e[i], now_ms))
			return &e[i];
	for (v = e, i = 1; i < VCACHE_WAYS; i++)
		if (e[i].cached_ms < v->cached_ms)
			v = &e[i];
	return v;
}

/* See vcache.h. */
int
vcache_put(struct vcache *c, const unsigned char *key, const char *uid,
    unsigned gen, long long exp, long long now_ms,
    const char *const *fields, size_t n)
{
	struct vcache_entry	*e;
	size_t			 i, len, total;
	const char		*s;

	if (c->slots == NULL || n > VCACHE_NFIELDS || uid == NULL ||
	    exp <= 0 || exp > LLONG_MAX / 1000 || exp * 1000 <= now_ms)
		return 0;
	for (total = strlen(uid) + 1, i = 0; i < n; i++)
		if (fields[i] != NULL)
			total += strlen(fields[i]) + 1;
	if (total > VCACHE_DATAMAX)
		return 0;

	e = victim(c, key, now_ms);
	memset(e->off, 0, sizeof(e->off));
	for (e->datalen = 0, i = 0; i <= n; i++) {
		s = i < n ? fields[i] : uid;
		if (s == NULL)
			continue;
		len = strlen(s) + 1;
		memcpy(e->data + e->datalen, s, len);
		e->off[i < n ? i : VCACHE_NFIELDS] =
		    (uint16_t)(e->datalen + 1);
		e->datalen += len;
	}
	memcpy(e->key, key, VCACHE_KEYLEN);
	e->gen = gen;
	e->slot = gen_slot(uid);
	e->exp_ms = exp * 1000;
	e->cached_ms = now_ms;
	e->until_ms = now_ms + c->life_ms;
	e->used = 1;
	return 1;
}

/* See vcache.h. */
void
vcache_revoke(struct vcache *c, const char *uid)
{
	struct vcache_entry	*e;
	unsigned		 slot;
	size_t			 i, n;

	slot = gen_slot(uid);
	(void)__atomic_add_fetch(&c->gens[slot], 1, __ATOMIC_SEQ_CST);
	if (c->slots == NULL)
		return;
	n = c->nsets * VCACHE_WAYS;
	for (i = 0, e = c->slots; i < n; i++, e++)
		if (e->used && e->slot == slot &&
		    strcmp(e->data + e->off[VCACHE_NFIELDS] - 1, uid) == 0)
			e->used = 0;
}

/* See vcache.h. */
size_t
vcache_count(const struct vcache *c, long long now_ms)
{
	size_t	 i, n, valid = 0;

	if (c->slots == NULL)
		return 0;
	n = c->nsets * VCACHE_WAYS;
	for (i = 0; i < n; i++)
		if (entry_valid(c, &c->slots[i], now_ms))
			valid++;
	return valid;
}
