/*
 * check_valid: field tables and text formats (lib/valid.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <json-c/json.h>

#include "valid.h"

#define S(x)	(x), (sizeof(x) - 1)

/* ---- valid_utf8 ---- */

START_TEST(t_utf8_ascii)
{
	ck_assert_int_eq(valid_utf8(S("hello, world")), 1);
	ck_assert_int_eq(valid_utf8(S("")), 1);
}
END_TEST

START_TEST(t_utf8_multibyte)
{
	/* é, €, U+1F600, U+10FFFF */
	ck_assert_int_eq(valid_utf8(S("\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf")), 1);
}
END_TEST

START_TEST(t_utf8_nul)
{
	ck_assert_int_eq(valid_utf8(S("a\0b")), 0);
}
END_TEST

START_TEST(t_utf8_overlong)
{
	ck_assert_int_eq(valid_utf8(S("\xc0\xaf")), 0);
	ck_assert_int_eq(valid_utf8(S("\xc1\xbf")), 0);
	ck_assert_int_eq(valid_utf8(S("\xe0\x80\xaf")), 0);
	ck_assert_int_eq(valid_utf8(S("\xf0\x80\x80\xaf")), 0);
}
END_TEST

START_TEST(t_utf8_surrogate)
{
	ck_assert_int_eq(valid_utf8(S("\xed\xa0\x80")), 0);
	ck_assert_int_eq(valid_utf8(S("\xed\xbf\xbf")), 0);
}
END_TEST

START_TEST(t_utf8_above_max)
{
	ck_assert_int_eq(valid_utf8(S("\xf4\x90\x80\x80")), 0);
	ck_assert_int_eq(valid_utf8(S("\xf5\x80\x80\x80")), 0);
	ck_assert_int_eq(valid_utf8(S("\xff")), 0);
}
END_TEST

START_TEST(t_utf8_truncated)
{
	ck_assert_int_eq(valid_utf8(S("ok\xe2\x82")), 0);
	ck_assert_int_eq(valid_utf8(S("\xc3")), 0);
	/* A lone continuation byte. */
	ck_assert_int_eq(valid_utf8(S("\x80")), 0);
	/* The length bounds the check: a sequence cut by len is bad. */
	ck_assert_int_eq(valid_utf8("\xc3\xa9", 1), 0);
}
END_TEST

/* ---- valid_email ---- */

START_TEST(t_email_ok)
{
	ck_assert_int_eq(valid_email(S("ana.lopez+krow@example.co.uk")), 1);
}
END_TEST

START_TEST(t_email_at_count)
{
	ck_assert_int_eq(valid_email(S("ana.example.com")), 0);
	ck_assert_int_eq(valid_email(S("ana@b@example.com")), 0);
}
END_TEST

START_TEST(t_email_parts)
{
	ck_assert_int_eq(valid_email(S("@example.com")), 0);
	ck_assert_int_eq(valid_email(S("ana@")), 0);
	ck_assert_int_eq(valid_email(S("ana@localhost")), 0);
	ck_assert_int_eq(valid_email(S("ana@.example.com")), 0);
	ck_assert_int_eq(valid_email(S("ana@example.com.")), 0);
	ck_assert_int_eq(valid_email(S("ana@example..com")), 0);
}
END_TEST

START_TEST(t_email_space_control)
{
	ck_assert_int_eq(valid_email(S("ana lopez@example.com")), 0);
	ck_assert_int_eq(valid_email(S("ana@example.com\n")), 0);
	ck_assert_int_eq(valid_email(S("ana\t@example.com")), 0);
	ck_assert_int_eq(valid_email(S("ana@exa\x7fmple.com")), 0);
}
END_TEST

START_TEST(t_email_lengths)
{
	char	 buf[300];

	/* local part of 64 bytes passes, 65 fails */
	memset(buf, 'a', 64);
	memcpy(buf + 64, "@example.com", 13);
	ck_assert_int_eq(valid_email(buf, strlen(buf)), 1);
	memset(buf, 'a', 65);
	memcpy(buf + 65, "@example.com", 13);
	ck_assert_int_eq(valid_email(buf, strlen(buf)), 0);

	/* 254 bytes in all passes, 255 fails */
	memcpy(buf, "a@", 2);
	memset(buf + 2, 'b', 248);
	memcpy(buf + 250, ".com", 5);
	ck_assert_uint_eq(strlen(buf), 254);
	ck_assert_int_eq(valid_email(buf, 254), 1);
	memcpy(buf, "a@", 2);
	memset(buf + 2, 'b', 249);
	memcpy(buf + 251, ".com", 5);
	ck_assert_int_eq(valid_email(buf, 255), 0);
}
END_TEST

/* ---- valid_phone ---- */

START_TEST(t_phone_ok)
{
	ck_assert_int_eq(valid_phone(S("+14155552671")), 1);
	ck_assert_int_eq(valid_phone(S("+12345678")), 1);		/* 8 */
	ck_assert_int_eq(valid_phone(S("+123456789012345")), 1);	/* 15 */
}
END_TEST

START_TEST(t_phone_length)
{
	ck_assert_int_eq(valid_phone(S("+1234567")), 0);		/* 7 */
	ck_assert_int_eq(valid_phone(S("+1234567890123456")), 0);	/* 16 */
	ck_assert_int_eq(valid_phone(S("+")), 0);
	ck_assert_int_eq(valid_phone(S("")), 0);
}
END_TEST

START_TEST(t_phone_format)
{
	ck_assert_int_eq(valid_phone(S("14155552671")), 0);
	ck_assert_int_eq(valid_phone(S("+04155552671")), 0);
	ck_assert_int_eq(valid_phone(S("+1 415 555 2671")), 0);
	ck_assert_int_eq(valid_phone(S("+1415555267x")), 0);
	ck_assert_int_eq(valid_phone(S("++14155552671")), 0);
}
END_TEST

/* ---- valid_date ---- */

START_TEST(t_date_ok)
{
	ck_assert_int_eq(valid_date(S("2026-11-28")), 1);
	ck_assert_int_eq(valid_date(S("1900-01-01")), 1);
	ck_assert_int_eq(valid_date(S("9999-12-31")), 1);
}
END_TEST

START_TEST(t_date_leap)
{
	ck_assert_int_eq(valid_date(S("2024-02-29")), 1);
	ck_assert_int_eq(valid_date(S("2000-02-29")), 1);
	ck_assert_int_eq(valid_date(S("2023-02-29")), 0);
	ck_assert_int_eq(valid_date(S("1900-02-29")), 0);
}
END_TEST

START_TEST(t_date_impossible)
{
	ck_assert_int_eq(valid_date(S("2026-13-01")), 0);
	ck_assert_int_eq(valid_date(S("2026-00-10")), 0);
	ck_assert_int_eq(valid_date(S("2026-04-31")), 0);
	ck_assert_int_eq(valid_date(S("2026-01-00")), 0);
	ck_assert_int_eq(valid_date(S("1899-12-31")), 0);
}
END_TEST

START_TEST(t_date_syntax)
{
	ck_assert_int_eq(valid_date(S("2026/11/28")), 0);
	ck_assert_int_eq(valid_date(S("2026-1-28")), 0);
	ck_assert_int_eq(valid_date(S("2026-11-28T00:00:00Z")), 0);
	ck_assert_int_eq(valid_date(S("+026-11-28")), 0);
	ck_assert_int_eq(valid_date(S("2026-11-2a")), 0);
	ck_assert_int_eq(valid_date(S("")), 0);
}
END_TEST

/* ---- valid_timestamp ---- */

START_TEST(t_ts_ok)
{
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50Z")), 1);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28t11:05:50z")), 1);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50.123Z")), 1);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50+05:30")), 1);
	ck_assert_int_eq(valid_timestamp(
	    S("2026-11-28T11:05:50.123456789-08:00")), 1);
}
END_TEST

START_TEST(t_ts_leap_second)
{
	ck_assert_int_eq(valid_timestamp(S("2016-12-31T23:59:60Z")), 1);
	ck_assert_int_eq(valid_timestamp(S("2016-12-31T23:59:61Z")), 0);
}
END_TEST

START_TEST(t_ts_ranges)
{
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T24:00:00Z")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:60:00Z")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-02-30T11:00:00Z")), 0);
	ck_assert_int_eq(valid_timestamp(S("1969-12-31T23:59:59Z")), 0);
	ck_assert_int_eq(valid_timestamp(S("1970-01-01T00:00:00Z")), 1);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50+24:00")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50+05:60")), 0);
}
END_TEST

START_TEST(t_ts_syntax)
{
	/* no offset */
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50")), 0);
	/* space instead of T */
	ck_assert_int_eq(valid_timestamp(S("2026-11-28 11:05:50Z")), 0);
	/* empty or overlong fraction */
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50.Z")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50.1234567890Z")),
	    0);
	/* offset without colon, trailing bytes */
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50+0530")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50Zx")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28T11:05:50+05:30x")), 0);
	ck_assert_int_eq(valid_timestamp(S("2026-11-28")), 0);
}
END_TEST

/* ---- valid_object ---- */

static struct json_object *
parse(const char *s)
{
	struct json_object	*o;

	o = json_tokener_parse(s);
	ck_assert_ptr_nonnull(o);
	return o;
}

/* The message details gives for field, or NULL. */
static const char *
detail_of(struct json_object *details, const char *field)
{
	struct json_object	*v;

	if (details == NULL ||
	    !json_object_object_get_ex(details, field, &v))
		return NULL;
	return json_object_get_string(v);
}

static const struct valid_field person[] = {
	{ "name", VT_STRING, VF_REQUIRED, 1, 5, NULL },
	{ "email", VT_EMAIL, 0, 0, 0, NULL },
	{ "age", VT_INT, 0, 0, 150, NULL },
	{ "active", VT_BOOL, 0, 0, 0, NULL },
	{ "role", VT_ENUM, 0, 0, 0, "owner|admin|manager" },
	{ "note", VT_STRING, VF_NULLABLE, 0, 0, NULL },
	{ "tags", VT_ARRAY, 0, 0, 2, NULL },
	{ "meta", VT_OBJECT, 0, 0, 0, NULL },
	{ "id", VT_UUID, 0, 0, 0, NULL },
	{ "phone", VT_PHONE, 0, 0, 0, NULL },
	{ "day", VT_DATE, 0, 0, 0, NULL },
	{ "at", VT_TIMESTAMP, 0, 0, 0, NULL },
	{ "count", VT_INT, 0, 0, 0, NULL },
};
#define NPERSON (sizeof(person) / sizeof(person[0]))

enum { P_NAME, P_EMAIL, P_AGE, P_ACTIVE, P_ROLE, P_NOTE, P_TAGS, P_META,
    P_ID, P_PHONE, P_DAY, P_AT, P_COUNT };

static struct valid_value	 out[NPERSON];
static struct json_object	*details;
static struct json_object	*obj;

static void
setup(void)
{
	details = obj = NULL;
	memset(out, 0, sizeof(out));
}

static void
teardown(void)
{
	json_object_put(details);
	json_object_put(obj);
}

/* Run valid_object on the JSON text s. */
static enum err
check(const char *s)
{
	json_object_put(obj);
	json_object_put(details);
	obj = parse(s);
	return valid_object(obj, person, NPERSON, out, &details);
}

START_TEST(t_obj_ok)
{
	ck_assert_int_eq(check("{\"name\":\"Ana\",\"email\":\"a@b.co\","
	    "\"age\":30,\"active\":true,\"role\":\"admin\",\"note\":null,"
	    "\"tags\":[1,2],\"meta\":{},"
	    "\"id\":\"5f0c8a3e-1b2c-4d5e-8f90-a1b2c3d4e5f6\","
	    "\"phone\":\"+14155552671\",\"day\":\"2026-11-28\","
	    "\"at\":\"2026-11-28T11:05:50Z\",\"count\":-7}"), ERR_OK);
	ck_assert_ptr_null(details);
	ck_assert_int_eq(out[P_NAME].present, 1);
	ck_assert_str_eq(out[P_NAME].s, "Ana");
	ck_assert_uint_eq(out[P_NAME].len, 3);
	ck_assert_int_eq(out[P_AGE].i, 30);
	ck_assert_int_eq(out[P_ACTIVE].i, 1);
	ck_assert_str_eq(out[P_ROLE].s, "admin");
	ck_assert_int_eq(out[P_NOTE].present, 1);
	ck_assert_int_eq(out[P_NOTE].is_null, 1);
	ck_assert_ptr_nonnull(out[P_TAGS].o);
	ck_assert_ptr_nonnull(out[P_META].o);
	ck_assert_int_eq(out[P_COUNT].i, -7);
}
END_TEST

START_TEST(t_obj_absent_optional)
{
	ck_assert_int_eq(check("{\"name\":\"Ana\"}"), ERR_OK);
	ck_assert_int_eq(out[P_EMAIL].present, 0);
	ck_assert_ptr_null(out[P_EMAIL].s);
}
END_TEST

START_TEST(t_obj_required)
{
	ck_assert_int_eq(check("{}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"), "is required");
}
END_TEST

START_TEST(t_obj_null_not_nullable)
{
	ck_assert_int_eq(check("{\"name\":null}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"), "must not be null");
}
END_TEST

START_TEST(t_obj_unknown_field)
{
	ck_assert_int_eq(check("{\"name\":\"Ana\",\"isAdmin\":true}"),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "isAdmin"), "is not a known field");
	ck_assert_ptr_null(detail_of(details, "name"));
}
END_TEST

START_TEST(t_obj_unknown_capped)
{
	char	 buf[4096];
	size_t	 n;
	int	 i, c;

	n = 0;
	buf[n++] = '{';
	for (i = 0; i < 100; i++) {
		c = snprintf(buf + n, sizeof(buf) - n, "%s\"f%d\":1",
		    i > 0 ? "," : "", i);
		ck_assert(c > 0 && (size_t)c < sizeof(buf) - n);
		n += (size_t)c;
	}
	buf[n++] = '}';
	buf[n] = '\0';
	/* Still an error, but the details stay small. */
	ck_assert_int_eq(check(buf), ERR_INVAL);
	ck_assert_int_le(json_object_object_length(details), 17);
}
END_TEST

START_TEST(t_obj_every_error_listed)
{
	ck_assert_int_eq(check("{\"age\":\"old\",\"active\":1,\"x\":1}"),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"), "is required");
	ck_assert_str_eq(detail_of(details, "age"), "must be an integer");
	ck_assert_str_eq(detail_of(details, "active"), "must be true or false");
	ck_assert_str_eq(detail_of(details, "x"), "is not a known field");
}
END_TEST

START_TEST(t_obj_string_type)
{
	ck_assert_int_eq(check("{\"name\":42}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"), "must be a string");
	ck_assert_int_eq(check("{\"name\":[\"Ana\"]}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"), "must be a string");
}
END_TEST

START_TEST(t_obj_string_chars_not_bytes)
{
	/* five 2-byte characters: 10 bytes, within max 5 characters */
	ck_assert_int_eq(check("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\"}"), ERR_OK);
	ck_assert_uint_eq(out[P_NAME].len, 10);
}
END_TEST

START_TEST(t_obj_string_too_long)
{
	ck_assert_int_eq(check("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\"}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"),
	    "must be at most 5 characters long");
}
END_TEST

START_TEST(t_obj_string_too_short)
{
	ck_assert_int_eq(check("{\"name\":\"\"}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"),
	    "must be at least 1 character long");
}
END_TEST

START_TEST(t_obj_string_invalid_utf8)
{
	struct json_object	*s;

	obj = parse("{}");
	s = json_object_new_string_len("\xff\xfe", 2);
	ck_assert_ptr_nonnull(s);
	json_object_object_add(obj, "name", s);
	ck_assert_int_eq(valid_object(obj, person, NPERSON, out, &details),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"),
	    "must be valid UTF-8 text without NUL");
}
END_TEST

START_TEST(t_obj_string_nul)
{
	/* "\u0000" in JSON text: a NUL inside the string */
	ck_assert_int_eq(check("{\"name\":\"a\\u0000b\"}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "name"),
	    "must be valid UTF-8 text without NUL");
}
END_TEST

START_TEST(t_obj_int_double)
{
	ck_assert_int_eq(check("{\"name\":\"A\",\"age\":1.5}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "age"), "must be an integer");
	ck_assert_int_eq(check("{\"name\":\"A\",\"age\":\"30\"}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "age"), "must be an integer");
}
END_TEST

START_TEST(t_obj_int_range)
{
	ck_assert_int_eq(check("{\"name\":\"A\",\"age\":151}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "age"),
	    "must be between 0 and 150");
	ck_assert_int_eq(check("{\"name\":\"A\",\"age\":-1}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "age"),
	    "must be between 0 and 150");
	ck_assert_int_eq(check("{\"name\":\"A\",\"age\":150}"), ERR_OK);
	ck_assert_int_eq(out[P_AGE].i, 150);
}
END_TEST

START_TEST(t_obj_int_huge)
{
	/* Beyond int64: json-c saturates, the check notices. */
	ck_assert_int_eq(check("{\"name\":\"A\","
	    "\"count\":99999999999999999999}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "count"), "is out of range");
	ck_assert_int_eq(check("{\"name\":\"A\","
	    "\"count\":9223372036854775807}"), ERR_OK);
	ck_assert(out[P_COUNT].i == 9223372036854775807LL);
}
END_TEST

START_TEST(t_obj_bool)
{
	ck_assert_int_eq(check("{\"name\":\"A\",\"active\":\"true\"}"),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "active"), "must be true or false");
	ck_assert_int_eq(check("{\"name\":\"A\",\"active\":false}"), ERR_OK);
	ck_assert_int_eq(out[P_ACTIVE].present, 1);
	ck_assert_int_eq(out[P_ACTIVE].i, 0);
}
END_TEST

START_TEST(t_obj_enum)
{
	ck_assert_int_eq(check("{\"name\":\"A\",\"role\":\"Owner\"}"),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "role"),
	    "must be one of owner|admin|manager");
	/* a prefix of an allowed value is not allowed */
	ck_assert_int_eq(check("{\"name\":\"A\",\"role\":\"own\"}"), ERR_INVAL);
	ck_assert_int_eq(check("{\"name\":\"A\",\"role\":\"manager\"}"),
	    ERR_OK);
}
END_TEST

START_TEST(t_obj_formats)
{
	ck_assert_int_eq(check("{\"name\":\"A\",\"email\":\"nope\","
	    "\"id\":\"123\",\"phone\":\"555\",\"day\":\"2026-02-30\","
	    "\"at\":\"yesterday\"}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "email"),
	    "must be an email address");
	ck_assert_str_eq(detail_of(details, "id"), "must be a UUID");
	ck_assert_str_eq(detail_of(details, "phone"),
	    "must be a phone number in E.164 format (+ and 8 to 15 digits)");
	ck_assert_str_eq(detail_of(details, "day"),
	    "must be a date (YYYY-MM-DD)");
	ck_assert_str_eq(detail_of(details, "at"),
	    "must be an RFC 3339 timestamp with a time zone offset");
}
END_TEST

START_TEST(t_obj_array_object)
{
	ck_assert_int_eq(check("{\"name\":\"A\",\"tags\":{},\"meta\":[]}"),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "tags"), "must be an array");
	ck_assert_str_eq(detail_of(details, "meta"), "must be an object");
	ck_assert_int_eq(check("{\"name\":\"A\",\"tags\":[1,2,3]}"), ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "tags"),
	    "must have at most 2 items");
}
END_TEST

START_TEST(t_obj_not_object)
{
	obj = parse("[1]");
	ck_assert_int_eq(valid_object(obj, person, NPERSON, out, &details),
	    ERR_INVAL);
	ck_assert_str_eq(detail_of(details, "body"), "must be a JSON object");
}
END_TEST

static Suite *
valid_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("valid");

	tc = tcase_create("valid_utf8");
	tcase_add_test(tc, t_utf8_ascii);
	tcase_add_test(tc, t_utf8_multibyte);
	tcase_add_test(tc, t_utf8_nul);
	tcase_add_test(tc, t_utf8_overlong);
	tcase_add_test(tc, t_utf8_surrogate);
	tcase_add_test(tc, t_utf8_above_max);
	tcase_add_test(tc, t_utf8_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid_email");
	tcase_add_test(tc, t_email_ok);
	tcase_add_test(tc, t_email_at_count);
	tcase_add_test(tc, t_email_parts);
	tcase_add_test(tc, t_email_space_control);
	tcase_add_test(tc, t_email_lengths);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid_phone");
	tcase_add_test(tc, t_phone_ok);
	tcase_add_test(tc, t_phone_length);
	tcase_add_test(tc, t_phone_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid_date");
	tcase_add_test(tc, t_date_ok);
	tcase_add_test(tc, t_date_leap);
	tcase_add_test(tc, t_date_impossible);
	tcase_add_test(tc, t_date_syntax);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid_timestamp");
	tcase_add_test(tc, t_ts_ok);
	tcase_add_test(tc, t_ts_leap_second);
	tcase_add_test(tc, t_ts_ranges);
	tcase_add_test(tc, t_ts_syntax);
	suite_add_tcase(s, tc);

	tc = tcase_create("valid_object");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_obj_ok);
	tcase_add_test(tc, t_obj_absent_optional);
	tcase_add_test(tc, t_obj_required);
	tcase_add_test(tc, t_obj_null_not_nullable);
	tcase_add_test(tc, t_obj_unknown_field);
	tcase_add_test(tc, t_obj_unknown_capped);
	tcase_add_test(tc, t_obj_every_error_listed);
	tcase_add_test(tc, t_obj_string_type);
	tcase_add_test(tc, t_obj_string_chars_not_bytes);
	tcase_add_test(tc, t_obj_string_too_long);
	tcase_add_test(tc, t_obj_string_too_short);
	tcase_add_test(tc, t_obj_string_invalid_utf8);
	tcase_add_test(tc, t_obj_string_nul);
	tcase_add_test(tc, t_obj_int_double);
	tcase_add_test(tc, t_obj_int_range);
	tcase_add_test(tc, t_obj_int_huge);
	tcase_add_test(tc, t_obj_bool);
	tcase_add_test(tc, t_obj_enum);
	tcase_add_test(tc, t_obj_formats);
	tcase_add_test(tc, t_obj_array_object);
	tcase_add_test(tc, t_obj_not_object);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 nfailed;

	sr = srunner_create(valid_suite());
	srunner_run_all(sr, CK_ENV);
	nfailed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfailed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
