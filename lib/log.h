/* lib/log.h: resolverd's log lines on stderr.
 *
 * One line per event. As text: "2026-12-01T16:30:36.123Z resolverd[info]: message", the time an
 * RFC 3339 UTC timestamp; as JSON lines (log.format: json): {"time": ..., "level": ...,
 * "msg": ...}. Under systemd (stderr is the journal stream named by JOURNAL_STREAM) the
 * timestamp gives way to the "<N>" priority prefix of sd-daemon(3), so that the journal keeps
 * each line's level and adds its own time. The query log (log_query) is a line of its own
 * kind with the fields of one answered query. The level threshold is set at start-up and on
 * reload; lines below it cost one comparison. Thread-safe (one write per line).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_LOG_H
#define RESOLVER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

enum log_format { LOG_FORMAT_TEXT = 0, LOG_FORMAT_JSON };

/* Sets the threshold: lines of a level above it are not written. */
void log_set_level(enum log_level level);

/* Sets the layout of every line from now on; journal true writes "<N>" priority prefixes in
 * place of timestamps. */
void log_set_format(enum log_format format, bool journal);

/* True when stderr is the journal's stream: JOURNAL_STREAM is set and names the device and
 * inode of file descriptor 2 (sd-daemon(3), systemd.exec(5)). */
bool log_journal_detect(void);

/* True when a line of this level would be written (to skip building costly text). */
bool log_enabled(enum log_level level);

/* Writes one line (a newline is added). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One answered query, for the query log. Strings are presentation text. */
struct log_query {
	const char *client; /* address#port */
	const char *qname, *qtype, *rcode;
	bool cached;        /* answered from the cache, without a resolution */
	uint32_t ms;        /* from the query's arrival to the reply */
};

/* Writes q as one line at level info: "query CLIENT QNAME QTYPE RCODE cache|resolved N ms"
 * as text, or a JSON object with the fields of struct log_query. */
void log_query(const struct log_query *q);

/* Formats the RFC 3339 UTC time of unix_ms ("2026-12-01T16:30:36.123Z") into out (at least
 * 25 bytes); returns its length. */
size_t log_time_rfc3339(int64_t unix_ms, char *out, size_t cap);

#endif
