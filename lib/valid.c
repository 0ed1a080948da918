/*
 * valid: check input against a table of declared fields, and the text
 * formats the API accepts (UTF-8, e-mail, E.164 phone, date, RFC 3339
 * timestamp).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "uuid.h"
#include "valid.h"

/* Unknown fields named in the details, at most (the rest are still an
 * error, just not listed one by one). */
#define VALID_MAXUNKNOWN 16

/*
 * Length in bytes of the UTF-8 sequence at s[0..len), or 0 when it is not
 * a valid, shortest-form encoding of a scalar value (RFC 3629): no
 * overlong forms, no surrogates, nothing above U+10FFFF.  NUL gives 0.
 */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char	 c;
	size_t		 n, i;
	unsigned char	 lo, hi;

	c = s[0];
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	lo = 0x80;
	hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (len < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* 1 when s[0..len) is valid UTF-8 without NUL bytes, else 0. */
int
valid_utf8(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, n;

	for (i = 0; i < len; i += n)
		if ((n = utf8_seq(p + i, len - i)) == 0)
			return 0;
	return 1;
}

/* Number of characters of valid UTF-8 s[0..len). */
static size_t
utf8_count(const char *s, size_t len)
{
	size_t	 i, n;

	for (i = n = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The value of the n decimal digits at s, or -1 if one is not a digit. */
static int
digits(const char *s, size_t n)
{
	size_t	 i;
	int	 v;

	for (i = 0, v = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int year, int month)
{
	static const int days[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month == 2 &&
	    ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		return 29;
	return days[month - 1];
}

/* "YYYY-MM-DD" at s (10 bytes) is a real date with year in lo..hi. */
static int
date_ok(const char *s, int lo, int hi)
{
	int	 y, m, d;

	if (s[4] != '-' || s[7] != '-')
		return 0;
	if ((y = digits(s, 4)) < 0 || (m = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0)
		return 0;
	if (y < lo || y > hi || m < 1 || m > 12)
		return 0;
	return d >= 1 && d <= days_in_month(y, m);
}

/*
 * An addr-spec as people type them: one '@', a local part of 1..64
 * bytes, a domain with at least one dot and no empty label, no spaces or
 * control characters, at most 254 bytes in all.
 */
int
valid_email(const char *s, size_t len)
{
	const char	*at, *dom;
	size_t		 i, domlen;

	if (s == NULL || len == 0 || len > 254)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return 0;
	if ((at = memchr(s, '@', len)) == NULL)
		return 0;
	if (memchr(at + 1, '@', len - (size_t)(at - s) - 1) != NULL)
		return 0;
	if (at == s || (size_t)(at - s) > 64)
		return 0;
	dom = at + 1;
	domlen = len - (size_t)(dom - s);
	if (domlen < 3 || memchr(dom, '.', domlen) == NULL)
		return 0;
	if (dom[0] == '.' || dom[domlen - 1] == '.')
		return 0;
	for (i = 1; i < domlen; i++)
		if (dom[i] == '.' && dom[i - 1] == '.')
			return 0;
	return 1;
}

/* E.164: '+', then 8..15 digits, the first not 0. */
int
valid_phone(const char *s, size_t len)
{
	size_t	 i;

	if (s == NULL || len < 9 || len > 16 || s[0] != '+' || s[1] == '0')
		return 0;
	for (i = 1; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* "YYYY-MM-DD", a real calendar date, years 1900..9999. */
int
valid_date(const char *s, size_t len)
{
	if (s == NULL || len != 10)
		return 0;
	return date_ok(s, 1900, 9999);
}

/*
 * RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)", 'T'
 * and 'Z' in either case, a real date in 1970..9999, a leap second (60)
 * tolerated.  The fraction has 1..9 digits.
 */
int
valid_timestamp(const char *s, size_t len)
{
	size_t	 i;
	int	 hh, mm, ss;

	if (s == NULL || len < 20)
		return 0;
	if (!date_ok(s, 1970, 9999))
		return 0;
	if (s[10] != 'T' && s[10] != 't')
		return 0;
	if (s[13] != ':' || s[16] != ':')
		return 0;
	if ((hh = digits(s + 11, 2)) < 0 || (mm = digits(s + 14, 2)) < 0 ||
	    (ss = digits(s + 17, 2)) < 0)
		return 0;
	if (hh > 23 || mm > 59 || ss > 60)
		return 0;
	i = 19;
	if (s[i] == '.') {
		i++;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == 20 || i - 20 > 9)
			return 0;
	}
	if (i >= len)
		return 0;
	if (s[i] == 'Z' || s[i] == 'z')
		return i + 1 == len;
	if (s[i] != '+' && s[i] != '-')
		return 0;
	if (len - i != 6 || s[i + 3] != ':')
		return 0;
	if ((hh = digits(s + i + 1, 2)) < 0 || (mm = digits(s + i + 4, 2)) < 0)
		return 0;
	return hh <= 23 && mm <= 59;
}

/* value is one of the '|'-separated words in list. */
static int
enum_ok(const char *list, const char *value, size_t len)
{
	const char	*p, *e;
	size_t		 wlen;

	if (list == NULL)
		return 0;
	for (p = list; ; p = e + 1) {
		e = strchr(p, '|');
		wlen = e != NULL ? (size_t)(e - p) : strlen(p);
		if (wlen == len && memcmp(p, value, len) == 0)
			return 1;
		if (e == NULL)
			return 0;
	}
}

/* Record "field": "message" in *details (created on first use).  Returns
 * -1 when json-c cannot allocate. */
static int
detail(struct json_object **details, const char *field, const char *msg)
{
	struct json_object	*s;

	if (*details == NULL && (*details = json_object_new_object()) == NULL)
		return -1;
	if ((s = json_object_new_string(msg)) == NULL)
		return -1;
	if (json_object_object_add(*details, field, s) != 0) {
		json_object_put(s);
		return -1;
	}
	return 0;
}

static int
is_string_type(enum valid_type t)
{
	switch (t) {
	case VT_STRING:
	case VT_EMAIL:
	case VT_PHONE:
	case VT_UUID:
	case VT_DATE:
	case VT_TIMESTAMP:
	case VT_ENUM:
		return 1;
	default:
		return 0;
	}
}

/*
 * Check one present, non-null value v against f and fill out.  Returns
 * NULL when it is acceptable, else the message for the details (msg is
 * scratch space for a composed one).
 */
static const char *
check_value(const struct valid_field *f, struct json_object *v,
    struct valid_value *out, char *msg, size_t msgsz)
{
	const char	*s;
	size_t		 len, nchar;
	int64_t		 i;
	int		 c;

	if (is_string_type(f->type)) {
		if (!json_object_is_type(v, json_type_string))
			return "must be a string";
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		if (s == NULL || !valid_utf8(s, len))
			return "must be valid UTF-8 text without NUL";
		out->s = s;
		out->len = len;
	} else {
		s = NULL;
		len = 0;
	}

	switch (f->type) {
	case VT_STRING:
		nchar = utf8_count(s, len);
		if (f->min > 0 && nchar < (unsigned long long)f->min) {
			c = snprintf(msg, msgsz, "must be at least %lld "
			    "character%s long", f->min, f->min == 1 ? "" : "s");
			return c < 0 || (size_t)c >= msgsz ? "is too short" :
			    msg;
		}
		if (f->max > 0 && nchar > (unsigned long long)f->max) {
			c = snprintf(msg, msgsz, "must be at most %lld "
			    "character%s long", f->max, f->max == 1 ? "" : "s");
			return c < 0 || (size_t)c >= msgsz ? "is too long" :
			    msg;
		}
		return NULL;
	case VT_EMAIL:
		return valid_email(s, len) ? NULL : "must be an email address";
	case VT_PHONE:
		return valid_phone(s, len) ? NULL :
		    "must be a phone number in E.164 format (+ and 8 to 15 "
		    "digits)";
	case VT_UUID:
		return len == UUID_STRLEN && uuid_valid(s) ? NULL :
		    "must be a UUID";
	case VT_DATE:
		return valid_date(s, len) ? NULL :
		    "must be a date (YYYY-MM-DD)";
	case VT_TIMESTAMP:
		return valid_timestamp(s, len) ? NULL :
		    "must be an RFC 3339 timestamp with a time zone offset";
	case VT_ENUM:
		if (enum_ok(f->enumvals, s, len))
			return NULL;
		c = snprintf(msg, msgsz, "must be one of %s",
		    f->enumvals != NULL ? f->enumvals : "");
		return c < 0 || (size_t)c >= msgsz ?
		    "is not one of the allowed values" : msg;
	case VT_INT:
		if (!json_object_is_type(v, json_type_int))
			return "must be an integer";
		i = json_object_get_int64(v);
		/* json-c saturates: a value above INT64_MAX reads as
		 * INT64_MAX, but its unsigned reading is larger. */
		if (i == INT64_MAX && json_object_get_uint64(v) != INT64_MAX)
			return "is out of range";
		if ((f->min != 0 || f->max != 0) &&
		    (i < f->min || i > f->max)) {
			c = snprintf(msg, msgsz, "must be between %lld and "
			    "%lld", f->min, f->max);
			return c < 0 || (size_t)c >= msgsz ?
			    "is out of range" : msg;
		}
		out->i = i;
		return NULL;
	case VT_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return "must be true or false";
		out->i = json_object_get_boolean(v) ? 1 : 0;
		return NULL;
	case VT_OBJECT:
		if (!json_object_is_type(v, json_type_object))
			return "must be an object";
		out->o = v;
		return NULL;
	case VT_ARRAY:
		if (!json_object_is_type(v, json_type_array))
			return "must be an array";
		len = json_object_array_length(v);
		if (f->min > 0 && len < (unsigned long long)f->min) {
			c = snprintf(msg, msgsz, "must have at least %lld "
			    "item%s", f->min, f->min == 1 ? "" : "s");
			return c < 0 || (size_t)c >= msgsz ?
			    "has too few items" : msg;
		}
		if (f->max > 0 && len > (unsigned long long)f->max) {
			c = snprintf(msg, msgsz, "must have at most %lld "
			    "item%s", f->max, f->max == 1 ? "" : "s");
			return c < 0 || (size_t)c >= msgsz ?
			    "has too many items" : msg;
		}
		out->o = v;
		return NULL;
	}
	return "has an unsupported type";
}

/*
 * Check obj against fields[0..n); see valid.h.  Returns ERR_OK, ERR_INVAL
 * with *details naming each bad field (owned by the caller), or ERR_NOMEM
 * when json-c cannot allocate the details (*details NULL).
 */
enum err
valid_object(struct json_object *obj, const struct valid_field *fields,
    size_t n, struct valid_value *out, struct json_object **details)
{
	struct json_object_iterator	 it, end;
	struct json_object		*v;
	const struct valid_field	*f;
	const char			*key, *msg;
	char				 buf[256];
	size_t				 i, unknown;

	*details = NULL;
	memset(out, 0, n * sizeof(*out));

	if (obj == NULL || !json_object_is_type(obj, json_type_object)) {
		if (detail(details, "body", "must be a JSON object") == -1)
			goto nomem;
		return ERR_INVAL;
	}

	for (i = 0; i < n; i++) {
		f = &fields[i];
		if (!json_object_object_get_ex(obj, f->name, &v)) {
			if ((f->flags & VF_REQUIRED) &&
			    detail(details, f->name, "is required") == -1)
				goto nomem;
			continue;
		}
		if (v == NULL) {
			if (f->flags & VF_NULLABLE) {
				out[i].present = 1;
				out[i].is_null = 1;
			} else if (detail(details, f->name,
			    "must not be null") == -1)
				goto nomem;
			continue;
		}
		if ((msg = check_value(f, v, &out[i], buf, sizeof(buf))) !=
		    NULL) {
			memset(&out[i], 0, sizeof(out[i]));
			if (detail(details, f->name, msg) == -1)
				goto nomem;
			continue;
		}
		out[i].present = 1;
	}

	unknown = 0;
	it = json_object_iter_begin(obj);
	end = json_object_iter_end(obj);
	for (; !json_object_iter_equal(&it, &end);
	    json_object_iter_next(&it)) {
		key = json_object_iter_peek_name(&it);
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i < n)
			continue;
		if (unknown++ >= VALID_MAXUNKNOWN)
			break;
		if (detail(details, key, "is not a known field") == -1)
			goto nomem;
	}

	if (*details != NULL) {
		memset(out, 0, n * sizeof(*out));
		return ERR_INVAL;
	}
	return ERR_OK;
nomem:
	json_object_put(*details);
	*details = NULL;
	memset(out, 0, n * sizeof(*out));
	return ERR_NOMEM;
}
