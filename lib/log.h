/*
 * log: one JSON object per line on stderr:
 *   {"time":"2026-11-28T11:05:50.123Z","level":"info","program":"krow-query",
 *    "pid":123,"requestId":"…","msg":"…","detail":"…"}
 * The message is short, lowercase and factual; details go in "detail".
 * Never log bodies, tokens, passwords or keys.
 */
#ifndef KROW_LOG_H
#define KROW_LOG_H

enum log_level {
	LOGLV_DEBUG = 0,
	LOGLV_INFO,
	LOGLV_WARN,
	LOGLV_ERROR
};

/* program is kept by pointer: pass a string that lives forever. */
void	log_init(const char *program, enum log_level min);
/* Parse "debug|info|warn|error"; -1 when unknown. */
int	log_level_parse(const char *);
/* Request context added to every line until cleared with NULL. */
void	log_set_request(const char *request_id);
/* detail_fmt may be NULL (no "detail" field). */
void	log_msg(enum log_level, const char *msg, const char *detail_fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* The access line written once per request. */
void	log_access(const char *method, const char *uri, const char *route,
	    int status, double duration_ms);

#endif
