/*
 * b64: base64 (RFC 4648 section 4, padded) and base64url (section 5,
 * unpadded, as JWS uses it).
 *
 * The decoders are strict: one alphabet each, no whitespace, no line
 * breaks, and the padding exactly as RFC 4648 writes it.  They also reject
 * encodings whose unused trailing bits are not zero (RFC 4648 section
 * 3.5 lets a decoder do so): such input is never produced by an encoder,
 * and accepting it would give one byte string several encodings, which
 * matters when an encoding is compared or signed.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "b64.h"
#include "buf.h"

static const char	 std_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char	 url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
encode(struct buf *out, const void *src, size_t len, const char *alpha,
    int pad)
{
	const unsigned char	*s = src;
	size_t			 i;
	char			 q[4];
	uint32_t		 v;

	if (len / 3 < SIZE_MAX / 4 - 1)
		buf_reserve(out, (len / 3 + 1) * 4);
	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		q[0] = alpha[v >> 18];
		q[1] = alpha[v >> 12 & 0x3f];
		q[2] = alpha[v >> 6 & 0x3f];
		q[3] = alpha[v & 0x3f];
		buf_append(out, q, 4);
	}
	switch (len - i) {
	case 1:
		v = (uint32_t)s[i] << 16;
		q[0] = alpha[v >> 18];
		q[1] = alpha[v >> 12 & 0x3f];
		buf_append(out, q, 2);
		if (pad)
			buf_append(out, "==", 2);
		break;
	case 2:
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		q[0] = alpha[v >> 18];
		q[1] = alpha[v >> 12 & 0x3f];
		q[2] = alpha[v >> 6 & 0x3f];
		buf_append(out, q, 3);
		if (pad)
			buf_putc(out, '=');
		break;
	default:
		break;
	}
}

/* Append the padded base64 encoding of src[0..len) to out. */
void
b64_encode(struct buf *out, const void *src, size_t len)
{
	encode(out, src, len, std_alpha, 1);
}

/* Append the unpadded base64url encoding of src[0..len) to out. */
void
b64url_encode(struct buf *out, const void *src, size_t len)
{
	encode(out, src, len, url_alpha, 0);
}

/* The 6-bit value of c in the chosen alphabet, or -1. */
static int
sextet(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

/*
 * Decode len characters with no padding; len % 4 must not be 1.  The
 * unused low bits of the last character must be zero.
 */
static int
decode(struct buf *out, const char *src, size_t len, int url)
{
	const unsigned char	*s = (const unsigned char *)src;
	unsigned char		 o[3];
	uint32_t		 v;
	size_t			 i, j, tail;
	int			 x;

	if (len % 4 == 1)
		return -1;
	buf_reserve(out, len / 4 * 3 + 2);
	for (i = 0; i < len; i += 4) {
		tail = len - i < 4 ? len - i : 4;
		for (v = 0, j = 0; j < tail; j++) {
			if ((x = sextet(s[i + j], url)) == -1)
				return -1;
			v = v << 6 | (uint32_t)x;
		}
		switch (tail) {
		case 4:
			o[0] = (unsigned char)(v >> 16);
			o[1] = (unsigned char)(v >> 8);
			o[2] = (unsigned char)v;
			buf_append(out, o, 3);
			break;
		case 3:		/* 18 bits: 2 bytes and 2 unused bits */
			if (v & 0x3)
				return -1;
			o[0] = (unsigned char)(v >> 10);
			o[1] = (unsigned char)(v >> 2);
			buf_append(out, o, 2);
			break;
		case 2:		/* 12 bits: 1 byte and 4 unused bits */
			if (v & 0xf)
				return -1;
			o[0] = (unsigned char)(v >> 4);
			buf_append(out, o, 1);
			break;
		}
	}
	return 0;
}

/*
 * Decode padded base64: the length a multiple of 4, at most two '=' and
 * only at the end, standard alphabet only.  Returns 0, or -1 on any
 * invalid input (out may then hold part of the bytes: discard it).
 */
int
b64_decode(struct buf *out, const char *src, size_t len)
{
	size_t	 pad = 0;

	if (len % 4 != 0)
		return -1;
	/*
	 * Strip at most two '=' from the end; any other '=' ("x===",
	 * "ab=c") is then an invalid character for decode().
	 */
	if (len > 0 && src[len - 1] == '=')
		pad++;
	if (pad == 1 && src[len - 2] == '=')
		pad++;
	return decode(out, src, len - pad, 0);
}

/*
 * Decode unpadded base64url: URL alphabet only, no '=', no whitespace.
 * Returns 0, or -1 on any invalid input (out may then hold part of the
 * bytes: discard it).
 */
int
b64url_decode(struct buf *out, const char *src, size_t len)
{
	return decode(out, src, len, 1);
}
