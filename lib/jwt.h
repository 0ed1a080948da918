/*
 * jwt: RS256 JSON Web Tokens (RFC 7515, 7519) with OpenSSL.  One verify
 * path serves the local provider and Firebase ID tokens.
 */
#ifndef KROW_JWT_H
#define KROW_JWT_H

#include <stddef.h>

#include <openssl/evp.h>

#include "buf.h"
#include "err.h"

struct arena;
struct jwt_keyset;

struct jwt_keyset	*jwt_keyset_new(void);
void			 jwt_keyset_free(struct jwt_keyset *);	/* accepts NULL */
/* Add a public (or private) RSA key under kid; takes its own reference.
 * Returns 0, or -1 when the key is not RSA or kid is too long (> 128). */
int			 jwt_keyset_add(struct jwt_keyset *, const char *kid,
			    EVP_PKEY *);
EVP_PKEY		*jwt_keyset_find(const struct jwt_keyset *,
			    const char *kid);
/* Append {"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid",…,"n","e"}]}. */
int			 jwt_keyset_jwks(const struct jwt_keyset *, struct buf *);

/* Load a PEM private key (PKCS#8 or traditional RSA); NULL on error. */
EVP_PKEY		*jwt_load_private_pem(const char *path);
/* RFC 7638 thumbprint of the RSA public key, base64url, into kid. */
int			 jwt_thumbprint(EVP_PKEY *, char *kid, size_t kidlen);

/* Sign claims (a JSON object text) as header {"alg":"RS256","typ":"JWT",
 * "kid":kid}; append the compact token to out.  0 or -1. */
int	jwt_sign_rs256(EVP_PKEY *key, const char *kid, const char *claims,
	    size_t claimslen, struct buf *out);

struct jwt_verify_opts {
	const char	*issuer;	/* required iss */
	const char	*audience;	/* required aud */
	long long	 now;		/* seconds since the epoch */
	long long	 skew;		/* seconds tolerated on iat/exp/auth_time */
	int		 allow_unsigned;	/* alg "none" (emulator only) */
};

struct jwt_claims {
	const char	*sub;		/* arena copies */
	const char	*iss;
	const char	*aud;
	const char	*kid;
	const char	*email;		/* NULL when absent */
	const char	*phone;
	long long	 iat;
	long long	 exp;
	long long	 auth_time;	/* iat when absent */
};

/*
 * Verify a compact token exactly as the Firebase Admin SDK does: three
 * segments of strict base64url; header alg RS256 (or "none" only when
 * allow_unsigned) and a kid found in keys; signature valid; aud, iss equal
 * to the options; sub non-empty, at most 128 characters; iat and auth_time
 * not after now + skew; exp after now - skew.  Tokens over 16 KiB are
 * refused unread.  Returns ERR_OK, ERR_TOKEN_EXPIRED, or ERR_UNAUTH with
 * *why set to a static reason ("bad signature", "unknown kid", ...).
 */
enum err	jwt_verify(const char *token, size_t len,
		    const struct jwt_keyset *keys,
		    const struct jwt_verify_opts *, struct arena *,
		    struct jwt_claims *out, const char **why);

#endif
