/*
 * pwhash: password hashes with scrypt (OpenSSL EVP_PBE_scrypt), stored as
 *   $scrypt$ln=15,r=8,p=1$<base64 salt>$<base64 hash>
 * so that the cost can be raised later without breaking old hashes.
 */
#ifndef KROW_PWHASH_H
#define KROW_PWHASH_H

#include <stddef.h>

#include "buf.h"

/* Hash pw with a fresh 16-byte salt; append the encoded form.  0 or -1. */
int	pwhash_make(const char *pw, size_t len, struct buf *out);
/* 1 when pw matches encoded (constant-time compare), 0 when it does not,
 * -1 when encoded is malformed or the KDF fails. */
int	pwhash_verify(const char *pw, size_t len, const char *encoded);

#endif
