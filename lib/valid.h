/*
 * valid: input checked at the edge against a table that declares the
 * accepted fields (kcgi's kvalid, kore's validators).  Handlers receive
 * typed values; unknown fields are rejected.
 */
#ifndef KROW_VALID_H
#define KROW_VALID_H

#include <stddef.h>

#include "err.h"

struct arena;
struct json_object;

enum valid_type {
	VT_STRING,	/* UTF-8 text, length in characters within min..max */
	VT_EMAIL,	/* addr-spec, at most 254 bytes */
	VT_PHONE,	/* E.164: '+' and 8..15 digits */
	VT_UUID,
	VT_INT,		/* JSON integer within min..max */
	VT_BOOL,
	VT_DATE,	/* YYYY-MM-DD, a real calendar date */
	VT_TIMESTAMP,	/* RFC 3339 with offset, years 1970..9999 */
	VT_ENUM,	/* string, one of enumvals "a|b|c" */
	VT_OBJECT,
	VT_ARRAY	/* element count within min..max */
};

#define VF_REQUIRED	0x01
#define VF_NULLABLE	0x02	/* JSON null is accepted (present, is_null) */

/*
 * min and max: for VT_STRING the length in characters, for VT_ARRAY the
 * element count (0 = no bound on that side); for VT_INT the value range
 * (both 0 = any 64-bit integer).  Other types ignore them.
 */
struct valid_field {
	const char	*name;
	enum valid_type	 type;
	unsigned	 flags;
	long long	 min;
	long long	 max;
	const char	*enumvals;
};

struct valid_value {
	int			 present;
	int			 is_null;
	const char		*s;	/* string types; borrowed from json-c */
	size_t			 len;
	long long		 i;	/* VT_INT, VT_BOOL */
	struct json_object	*o;	/* VT_OBJECT, VT_ARRAY; borrowed */
};

/*
 * Check obj against fields[0..n).  out has n entries, filled in table
 * order.  On failure returns ERR_INVAL and *details is a new object
 * {"<field>": "<what is wrong>", ...} naming every bad, missing or unknown
 * field (the caller owns it; pass it to req_fail()).
 */
enum err	valid_object(struct json_object *obj,
		    const struct valid_field *fields, size_t n,
		    struct valid_value *out, struct json_object **details);

int	valid_utf8(const char *, size_t);	/* 1 when valid, no NUL */
int	valid_email(const char *, size_t);
int	valid_phone(const char *, size_t);
int	valid_date(const char *, size_t);
int	valid_timestamp(const char *, size_t);

#endif
