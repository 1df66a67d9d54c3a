/* lib/log.h: resolverd's log lines on stderr.
 *
 * One line per event: "resolverd[LEVEL]: message". The level threshold is set at start-up and
 * on SIGHUP; lines below it cost one comparison. Thread-safe (one write per line).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_LOG_H
#define RESOLVER_LOG_H

#include <stdbool.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Sets the threshold: lines of a level above it are not written. */
void log_set_level(enum log_level level);

/* True when a line of this level would be written (to skip building costly text). */
bool log_enabled(enum log_level level);

/* Writes one line (a newline is added). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
