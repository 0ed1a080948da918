/*
 * log: one JSON object per line on stderr.
 *
 * Each line is built in a buffer kept for the life of the process and
 * written with a single write(2), so lines from the workers of a pool that
 * share one stderr do not interleave.  Strings are JSON-escaped; bytes that
 * are not valid UTF-8 (a client's URI can hold anything) become U+FFFD so
 * every line stays valid JSON.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"

#define LOG_URI_MAX	2048	/* bytes of the URI kept in an access line */
#define LOG_DETAIL_MAX	4096	/* bytes of a detail kept in a line */
#define LOG_REQID_MAX	128	/* bytes of a request id kept */

static const char *const levels[] = {
	[LOGLV_DEBUG] = "debug",
	[LOGLV_INFO] = "info",
	[LOGLV_WARN] = "warn",
	[LOGLV_ERROR] = "error",
};

/*
 * Process-wide state: set once at start-up (program, level) or once per
 * request by the accept loop (request id).  The buffers are scratch space
 * reused by every line.
 */
static const char	*log_program = "krow";
static enum log_level	 log_min = LOGLV_INFO;
static char		 log_reqid[LOG_REQID_MAX + 1];
static struct buf	 log_line;
static struct buf	 log_detail;
static struct buf	 log_clean;

/*
 * Set the program name (kept by pointer: it must live forever) and the
 * lowest level written.  May be called again, e.g. after the configuration
 * is read.
 */
void
log_init(const char *program, enum log_level min)
{
	if (program != NULL)
		log_program = program;
	if ((unsigned int)min > LOGLV_ERROR)
		min = LOGLV_ERROR;
	log_min = min;
}

/* The level named s ("debug", "info", "warn", "error"), or -1. */
int
log_level_parse(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		if (strcmp(s, levels[i]) == 0)
			return (int)i;
	return -1;
}

/*
 * Add "requestId" to every following line; NULL or "" clears it.  The id
 * is copied (at most 128 bytes are kept).
 */
void
log_set_request(const char *request_id)
{
	size_t	 n;

	n = request_id == NULL ? 0 : strnlen(request_id, LOG_REQID_MAX);
	if (n > 0)
		memcpy(log_reqid, request_id, n);
	log_reqid[n] = '\0';
}

/*
 * The length of the valid UTF-8 sequence at s[0..len), or 0 when the
 * bytes there are not one (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF).
 */
static size_t
utf8_seq(const unsigned char *s, size_t len)
{
	size_t		 n, i;
	unsigned int	 c, min;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/*
 * Append s[0..len) as a JSON string, each byte that is not part of valid
 * UTF-8 replaced by U+FFFD.
 */
static void
put_str(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, n, start;

	/* The common case: all valid, no copy. */
	for (i = 0; i < len; i += n)
		if ((n = utf8_seq(u + i, len - i)) == 0)
			break;
	if (i == len) {
		buf_json_str(b, s, len);
		return;
	}

	buf_reset(&log_clean);
	buf_append(&log_clean, s, i);
	for (start = i; i < len; ) {
		if ((n = utf8_seq(u + i, len - i)) != 0) {
			i += n;
			continue;
		}
		buf_append(&log_clean, s + start, i - start);
		buf_puts(&log_clean, "\xef\xbf\xbd");	/* U+FFFD */
		start = ++i;
	}
	buf_append(&log_clean, s + start, i - start);
	buf_json_str(b, log_clean.p, log_clean.len);
}

/* Append ,"key":"value" (value NULL gives null). */
static void
put_field(struct buf *b, const char *key, const char *val, size_t max)
{
	buf_putc(b, ',');
	buf_json_str(b, key, strlen(key));
	buf_putc(b, ':');
	if (val == NULL)
		buf_puts(b, "null");
	else
		put_str(b, val, strnlen(val, max));
}

/*
 * Start a line in log_line: the time (UTC, RFC 3339, milliseconds), level,
 * program, pid, request id and message.  Returns 0, or -1 when the line is
 * below the minimum level and must not be written.
 */
static int
line_start(enum log_level lv, const char *msg)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 tbuf[32];

	if ((unsigned int)lv > LOGLV_ERROR)
		lv = LOGLV_ERROR;
	if (lv < log_min)
		return -1;

	buf_reset(&log_line);
	if (clock_gettime(CLOCK_REALTIME, &ts) == -1 ||
	    gmtime_r(&ts.tv_sec, &tm) == NULL ||
	    strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		buf_puts(&log_line, "{\"time\":null");
	else
		buf_printf(&log_line, "{\"time\":\"%s.%03ldZ\"", tbuf,
		    (long)(ts.tv_nsec / 1000000));
	buf_printf(&log_line, ",\"level\":\"%s\"", levels[lv]);
	put_field(&log_line, "program", log_program, SIZE_MAX);
	buf_printf(&log_line, ",\"pid\":%ld", (long)getpid());
	if (log_reqid[0] != '\0')
		put_field(&log_line, "requestId", log_reqid, SIZE_MAX);
	put_field(&log_line, "msg", msg, SIZE_MAX);
	return 0;
}

/*
 * Close the line in log_line and write it to stderr in one write(2)
 * (more only if the kernel takes part of it).  A failing stderr is
 * ignored: there is nowhere left to report it.
 */
static void
line_end(void)
{
	const char	*p;
	size_t		 left;
	ssize_t		 w;
	int		 saved;

	saved = errno;
	buf_puts(&log_line, "}\n");
	p = log_line.p;
	left = log_line.len;
	while (left > 0) {
		w = write(STDERR_FILENO, p, left);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		p += w;
		left -= (size_t)w;
	}
	errno = saved;
}

/*
 * Write msg at level lv, with an optional printf-style detail (at most
 * 4 KiB kept).  Lines below the level given to log_init() are dropped.
 * errno is preserved, so a caller may log before reporting errno.
 */
void
log_msg(enum log_level lv, const char *msg, const char *detail_fmt, ...)
{
	va_list	 ap;
	int	 saved;

	saved = errno;
	if (line_start(lv, msg) == -1)
		return;
	if (detail_fmt != NULL) {
		buf_reset(&log_detail);
		va_start(ap, detail_fmt);
		errno = saved;		/* for %m */
		buf_vprintf(&log_detail, detail_fmt, ap);
		va_end(ap);
		put_field(&log_line, "detail", buf_cstr(&log_detail),
		    LOG_DETAIL_MAX);
	}
	line_end();
	errno = saved;
}

/*
 * Write the access line of one request at level info: msg "request",
 * method, uri (at most 2048 bytes kept), route, status and durationMs.
 * NULL strings are written as null.
 */
void
log_access(const char *method, const char *uri, const char *route,
    int status, double duration_ms)
{
	if (line_start(LOGLV_INFO, "request") == -1)
		return;
	put_field(&log_line, "method", method, 16);
	put_field(&log_line, "uri", uri, LOG_URI_MAX);
	put_field(&log_line, "route", route, SIZE_MAX);
	buf_printf(&log_line, ",\"status\":%d", status);
	if (!isfinite(duration_ms) || duration_ms < 0)
		duration_ms = 0;
	buf_printf(&log_line, ",\"durationMs\":%.3f", duration_ms);
	line_end();
}
