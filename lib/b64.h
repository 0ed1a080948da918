/* b64: base64 (RFC 4648 section 4) and base64url without padding (section 5). */
#ifndef KROW_B64_H
#define KROW_B64_H

#include <stddef.h>

#include "buf.h"

/* Append the encoding of src[0..len) to out. */
void	b64_encode(struct buf *out, const void *src, size_t len);
void	b64url_encode(struct buf *out, const void *src, size_t len);
/*
 * Decode src[0..len) and append the bytes to out.  b64url_decode accepts
 * only the URL alphabet, no padding, no whitespace; b64_decode only the
 * standard alphabet with correct padding.  Returns 0, or -1 on any invalid
 * input (out may then hold a partial result the caller discards).
 */
int	b64_decode(struct buf *out, const char *src, size_t len);
int	b64url_decode(struct buf *out, const char *src, size_t len);

#endif
