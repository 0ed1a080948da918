/*
 * fbcerts: the cache of the public certificates that sign Firebase ID
 * tokens, fetched over HTTP(S) (httpc) from a URL that answers a JSON
 * object {"<kid>": "-----BEGIN CERTIFICATE-----...", ...}: by default
 * Google's securetoken@system.gserviceaccount.com x509 endpoint.
 *
 * Caching follows the Firebase Admin SDK's UrlKeyFetcher, made safer:
 *  - a fetched set is used until Cache-Control max-age runs out; without
 *    max-age it serves the one verification that fetched it, and the next
 *    one fetches again (as the Admin SDK does);
 *  - a kid the current set does not know triggers one refetch, at most
 *    once per FBCERTS_KID_INTERVAL seconds (tokens with made-up kids cannot
 *    turn the worker into a fetch loop);
 *  - when such a refetch fails, the still-valid set is kept;
 *  - when no valid set is left and the fetch fails, the answer is
 *    ERR_UPSTREAM, and no new attempt is made for FBCERTS_FAIL_BACKOFF
 *    seconds (an unreachable endpoint costs one timeout per worker per
 *    second, not one per request).
 * A document is refused whole (ERR_UPSTREAM, the previous set kept when
 * still valid) when it is not 200, not a JSON object, holds an "error"
 * member, more than FBCERTS_MAXCERTS members, a member that is not a
 * string or one over FBCERTS_MAXPEM bytes, or no usable certificate.
 * Members that are strings but not a PEM X.509 certificate with an RSA
 * key are skipped with a warning.
 *
 * One cache per process; not thread-safe (one request at a time).
 */
#ifndef KROW_FBCERTS_H
#define KROW_FBCERTS_H

#include "err.h"

#define FBCERTS_MAXCERTS	32		/* members of the document */
#define FBCERTS_MAXPEM		(64 * 1024)	/* bytes of one member */
#define FBCERTS_KID_INTERVAL	10	/* s between unknown-kid refetches */
#define FBCERTS_FAIL_BACKOFF	1	/* s without fetch after a failure */

struct fbcerts;
struct jwt_keyset;

/* A cache for url (copied), fetched with timeout_ms per request (0:
 * httpc's default).  Nothing is fetched yet.  Never NULL (see mem.h). */
struct fbcerts	*fbcerts_new(const char *url, long timeout_ms);
void		 fbcerts_free(struct fbcerts *);	/* accepts NULL */

/*
 * The key set to check a token whose header names kid (NULL: no
 * unknown-kid refetch) at time now (seconds since the epoch), fetching
 * as described above.  On ERR_OK *out is borrowed from the cache and
 * stays valid until the next call or fbcerts_free(); it may still lack
 * kid (jwt_verify then refuses the token).  ERR_UPSTREAM (logged) when
 * no valid set can be had; *out is then NULL.
 */
enum err	 fbcerts_keys(struct fbcerts *, const char *kid,
		    long long now, const struct jwt_keyset **out);

/* Fetches attempted so far (successful or not); for tests and logs. */
unsigned long	 fbcerts_fetches(const struct fbcerts *);

#endif
