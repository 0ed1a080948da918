/*
 * pwhash: password hashes with scrypt (RFC 7914) through OpenSSL's
 * EVP_PBE_scrypt, stored as
 *   $scrypt$ln=15,r=8,p=1$<base64 salt>$<base64 hash>
 * (standard base64 with padding).  New hashes use N = 2^15, r = 8, p = 1
 * (32 MiB, some tens of milliseconds); verification reads the parameters
 * from the stored string, so the cost can be raised later, but within
 * bounds and a 64 MiB memory cap, so a forged row cannot make a worker
 * allocate gigabytes.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "b64.h"
#include "buf.h"
#include "pwhash.h"

#define PW_PREFIX	"$scrypt$"
#define PW_LN		15
#define PW_R		8
#define PW_P		1
#define PW_MAXMEM	(64ULL * 1024 * 1024)
#define PW_SALTLEN	16
#define PW_MINSALT	16
#define PW_MAXSALT	64
#define PW_HASHLEN	32
#define PW_MAXENC	256	/* longest encoded form accepted */

/* Run scrypt; 0, or -1 when OpenSSL refuses (e.g. over the memory cap). */
static int
kdf(const char *pw, size_t len, const unsigned char *salt,
    size_t saltlen, unsigned ln, unsigned r, unsigned p, unsigned char *out,
    size_t outlen)
{
	int	 ok;

	ok = EVP_PBE_scrypt(pw, len, salt, saltlen, (uint64_t)1 << ln, r, p,
	    PW_MAXMEM, out, outlen);
	ERR_clear_error();
	return ok == 1 ? 0 : -1;
}

/*
 * Hash pw[0..len) with a fresh 16-byte salt from RAND_bytes and append
 * the encoded form to out.  0, or -1 (nothing appended) when the random
 * source or the KDF fails.
 */
int
pwhash_make(const char *pw, size_t len, struct buf *out)
{
	unsigned char	 salt[PW_SALTLEN], hash[PW_HASHLEN];
	int		 rc = -1;

	if (pw == NULL && len > 0)
		return -1;
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		ERR_clear_error();
		goto out;
	}
	if (kdf(pw == NULL ? "" : pw, len, salt, sizeof(salt), PW_LN,
	    PW_R, PW_P, hash, sizeof(hash)) == -1)
		goto out;
	buf_printf(out, "%sln=%d,r=%d,p=%d$", PW_PREFIX, PW_LN, PW_R, PW_P);
	b64_encode(out, salt, sizeof(salt));
	buf_putc(out, '$');
	b64_encode(out, hash, sizeof(hash));
	rc = 0;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

/*
 * Parse a decimal number of one or two digits, without a leading zero,
 * within lo..hi, at *s; advance *s past it.  -1 when there is none.
 */
static int
parse_num(const char **s, unsigned lo, unsigned hi, unsigned *out)
{
	const char	*p = *s;
	unsigned	 v = 0;
	size_t		 n = 0;

	while (n < 3 && p[n] >= '0' && p[n] <= '9')
		v = v * 10 + (unsigned)(p[n++] - '0');
	if (n == 0 || n > 2 || (n == 2 && p[0] == '0') || v < lo || v > hi)
		return -1;
	*s = p + n;
	*out = v;
	return 0;
}

/* Match the literal lit at *s and advance past it; -1 when it differs. */
static int
expect(const char **s, const char *lit)
{
	size_t	 n = strlen(lit);

	if (strncmp(*s, lit, n) != 0)
		return -1;
	*s += n;
	return 0;
}

/*
 * 1 when pw[0..len) matches encoded, 0 when it does not, -1 when encoded
 * is malformed (wrong prefix, parameters out of ln 10..20, r 1..32,
 * p 1..16, bad base64, salt outside 16..64 bytes, hash not 32 bytes) or
 * the KDF fails.  The hashes are compared in constant time.
 */
int
pwhash_verify(const char *pw, size_t len, const char *encoded)
{
	struct buf	 salt, want;
	unsigned char	 got[PW_HASHLEN];
	const char	*s, *dollar;
	unsigned	 ln, r, p;
	int		 rc = -1;

	buf_init(&salt);
	buf_init(&want);
	if ((pw == NULL && len > 0) || encoded == NULL ||
	    strnlen(encoded, PW_MAXENC + 1) > PW_MAXENC)
		goto out;
	s = encoded;
	if (expect(&s, PW_PREFIX "ln=") == -1 ||
	    parse_num(&s, 10, 20, &ln) == -1 ||
	    expect(&s, ",r=") == -1 || parse_num(&s, 1, 32, &r) == -1 ||
	    expect(&s, ",p=") == -1 || parse_num(&s, 1, 16, &p) == -1 ||
	    expect(&s, "$") == -1)
		goto out;
	if ((dollar = strchr(s, '$')) == NULL)
		goto out;
	if (b64_decode(&salt, s, (size_t)(dollar - s)) == -1 ||
	    salt.len < PW_MINSALT || salt.len > PW_MAXSALT)
		goto out;
	s = dollar + 1;
	if (b64_decode(&want, s, strlen(s)) == -1 || want.len != PW_HASHLEN)
		goto out;
	if (kdf(pw == NULL ? "" : pw, len, (unsigned char *)salt.p,
	    salt.len, ln, r, p, got, sizeof(got)) == -1)
		goto out;
	rc = CRYPTO_memcmp(got, want.p, PW_HASHLEN) == 0 ? 1 : 0;
out:
	OPENSSL_cleanse(got, sizeof(got));
	buf_cleanup(&salt);
	buf_cleanup(&want);
	return rc;
}
