/* lib/log.c: log lines on stderr, as text or JSON, with a timestamp or a journal priority.
 * SPDX-License-Identifier: MIT
 */
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 2048 /* one line; longer messages are cut (a write stays atomic) */

static atomic_int threshold = LOG_INFO;
static atomic_int format = LOG_FORMAT_TEXT;
static atomic_bool journal = false;

static const char *const level_names[] = { "error", "warn", "info", "debug" };
/* syslog priorities of the levels (sd-daemon(3)): err, warning, info, debug */
static const char priorities[] = { '3', '4', '6', '7' };

void log_set_level(enum log_level level)
{
	atomic_store(&threshold, (int)level);
}

void log_set_format(enum log_format f, bool j)
{
	atomic_store(&format, (int)f);
	atomic_store(&journal, j);
}

bool log_journal_detect(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

bool log_enabled(enum log_level level)
{
	return (int)level <= atomic_load_explicit(&threshold, memory_order_relaxed);
}

size_t log_time_rfc3339(int64_t unix_ms, char *out, size_t cap)
{
	time_t s = (time_t)(unix_ms / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	int m = snprintf(out + n, cap - n, ".%03dZ", (int)(unix_ms % 1000));
	return n + (m < 0 ? 0 : (size_t)m);
}

static int64_t now_unix_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A line under construction: appends are cut at the end, never overflow. */
struct line {
	char b[LINE_MAX_BYTES];
	size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
	size_t room = sizeof(l->b) - 2 - l->len; /* a newline always fits */
	if (n > room)
		n = room;
	memcpy(l->b + l->len, s, n);
	l->len += n;
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

/* s as the inside of a JSON string: quotes, backslashes and control bytes escaped. */
static void put_json_str(struct line *l, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(l, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(l, esc, 6);
		} else {
			put(l, (const char *)&c, 1);
		}
	}
}

/* The line's start: the journal priority or the time, then the level (text), or the opening
 * of the JSON object with its time and level. */
static void start(struct line *l, enum log_level level, bool json)
{
	l->len = 0;
	char t[40];
	if (atomic_load_explicit(&journal, memory_order_relaxed)) {
		char p[3] = { '<', priorities[level], '>' };
		put(l, p, 3);
	}
	bool stamp = !atomic_load_explicit(&journal, memory_order_relaxed);
	if (stamp)
		log_time_rfc3339(now_unix_ms(), t, sizeof(t));
	if (json) {
		puts_(l, "{");
		if (stamp) {
			puts_(l, "\"time\":\"");
			puts_(l, t);
			puts_(l, "\",");
		}
		puts_(l, "\"level\":\"");
		puts_(l, level_names[level]);
		puts_(l, "\"");
		return;
	}
	if (stamp) {
		puts_(l, t);
		puts_(l, " ");
	}
	puts_(l, "resolverd[");
	puts_(l, level_names[level]);
	puts_(l, "]: ");
}

static void finish(struct line *l)
{
	l->b[l->len++] = '\n';
	ssize_t w = write(STDERR_FILENO, l->b, l->len); /* one write: lines never interleave */
	(void)w;
}

static bool json_format(void)
{
	return atomic_load_explicit(&format, memory_order_relaxed) == LOG_FORMAT_JSON;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	if (!log_enabled(level))
		return;
	char msg[LINE_MAX_BYTES];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	struct line l;
	bool json = json_format();
	start(&l, level, json);
	if (json) {
		puts_(&l, ",\"msg\":\"");
		put_json_str(&l, msg);
		puts_(&l, "\"}");
	} else {
		puts_(&l, msg);
	}
	finish(&l);
}

void log_query(const struct log_query *q)
{
	if (!log_enabled(LOG_INFO))
		return;
	struct line l;
	char n[16];
	snprintf(n, sizeof(n), "%u", q->ms);
	if (!json_format()) {
		char msg[LINE_MAX_BYTES];
		snprintf(msg, sizeof(msg), "query %s %s %s %s %s %s ms", q->client, q->qname,
			 q->qtype, q->rcode, q->cached ? "cache" : "resolved", n);
		start(&l, LOG_INFO, false);
		puts_(&l, msg);
		finish(&l);
		return;
	}
	const char *keys[] = { "client", "qname", "qtype", "rcode" };
	const char *vals[] = { q->client, q->qname, q->qtype, q->rcode };
	start(&l, LOG_INFO, true);
	puts_(&l, ",\"msg\":\"query\"");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		puts_(&l, ",\"");
		puts_(&l, keys[i]);
		puts_(&l, "\":\"");
		put_json_str(&l, vals[i]);
		puts_(&l, "\"");
	}
	puts_(&l, q->cached ? ",\"cached\":true" : ",\"cached\":false");
	puts_(&l, ",\"time_ms\":");
	puts_(&l, n);
	puts_(&l, "}");
	finish(&l);
}
