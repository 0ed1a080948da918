/*
 * uuid: the RFC 9562 text form, 8-4-4-4-12 hex digits.
 */
#include "config.h"

#include <stddef.h>

#include <openssl/rand.h>

#include "uuid.h"

/* 1 when position i of the text form holds a dash. */
static int
dash_at(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/*
 * 1 when s is exactly 36 characters: hex digits (either case) with dashes
 * at positions 8, 13, 18 and 23; else 0.  The version and variant are not
 * checked, so any RFC 9562 UUID (and the nil UUID) passes.  NULL gives 0.
 */
int
uuid_valid(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return 0;
	for (i = 0; i < UUID_STRLEN; i++) {
		if (s[i] == '\0')
			return 0;
		if (dash_at(i) ? s[i] != '-' : !is_hex(s[i]))
			return 0;
	}
	return s[UUID_STRLEN] == '\0';
}

/*
 * Write a random version 4 UUID in lower case to out (37 bytes with the
 * NUL).  The 122 random bits come from OpenSSL's CSPRNG.  Returns 0, or
 * -1 when RAND_bytes() fails (out is then the empty string).
 */
int
uuid_v4(char out[UUID_STRLEN + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[16];
	size_t			 i, o;

	if (RAND_bytes(b, sizeof(b)) != 1) {
		out[0] = '\0';
		return -1;
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* variant 10 */
	for (i = 0, o = 0; i < sizeof(b); i++) {
		if (dash_at(o))
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
	return 0;
}
