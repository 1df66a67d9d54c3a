/* tests/unit/test_ctl.c: the pure parts of resolverd-ctl and the metrics: request parsing,
 * the counters' list and its Prometheus text, the trace's step lines, log timestamps.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "arena.h"
#include "check.h"
#include "ctl_parse.h"
#include "ctl_trace.h"
#include "dns.h"
#include "log.h"
#include "name_text.h"
#include "stats.h"

static bool parse(const char *line, struct ctl_cmd *cmd, char err[static 160])
{
	return ctl_parse(line, strlen(line), cmd, err);
}

static void parse_good(void)
{
	struct ctl_cmd c;
	char err[160];
	CHECK(parse("status", &c, err) && c.verb == CTL_STATUS && !c.json);
	CHECK(parse("--json  stats", &c, err) && c.verb == CTL_STATS && c.json && !c.reset);
	CHECK(parse("stats --reset", &c, err) && c.reset);
	CHECK(parse("flush www.Example.com", &c, err) && c.verb == CTL_FLUSH && c.type == 0 &&
	      name_equal(c.name, N("www.example.com.")));
	CHECK(parse("flush www.example.com AAAA", &c, err) && c.type == DNS_TYPE_AAAA);
	CHECK(parse("flush-zone example.com.", &c, err) && c.verb == CTL_FLUSH_ZONE);
	CHECK(parse("flush-all", &c, err) && c.verb == CTL_FLUSH_ALL);
	CHECK(parse("flush-negative", &c, err) && c.verb == CTL_FLUSH_NEGATIVE);
	CHECK(parse("dump-cache", &c, err) && c.verb == CTL_DUMP_CACHE);
	CHECK(parse("lookup .", &c, err) && c.verb == CTL_LOOKUP && c.name[0] == 0);
	CHECK(parse("trace www.example.com", &c, err) && c.type == DNS_TYPE_A);
	CHECK(parse("trace www.example.com MX", &c, err) && c.type == DNS_TYPE_MX);
	CHECK(parse("reload", &c, err) && c.verb == CTL_RELOAD);
	CHECK(parse("log-level debug", &c, err) && c.verb == CTL_LOG_LEVEL && c.level == LOG_DEBUG);
	CHECK(parse("log-level error", &c, err) && c.level == LOG_ERROR);
	CHECK(parse("stop", &c, err) && c.verb == CTL_STOP);
	CHECK(parse("flush-bogus", &c, err) && c.verb == CTL_FLUSH_BOGUS);
	CHECK(parse("dump-infra", &c, err) && c.verb == CTL_DUMP_INFRA);
	CHECK(parse("flush-infra all", &c, err) && c.verb == CTL_FLUSH_INFRA && c.family == 0);
	CHECK(parse("flush-infra 127.0.0.9", &c, err) && c.family == AF_INET &&
	      memcmp(c.addr, "\x7f\x00\x00\x09", 4) == 0);
	CHECK(parse("flush-infra ::1", &c, err) && c.family == AF_INET6 && c.addr[15] == 1);
}

static void parse_bad(void)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "", "no command" },
		{ "--json", "no command" },
		{ "stat", "unknown command 'stat'" },
		{ "flush", "flush: expected NAME [TYPE]" },
		{ "flush a.example A extra", "flush: expected NAME [TYPE]" },
		{ "flush a.example NOPE", "flush: not a record type: 'NOPE'" },
		{ "flush a..example", "flush: not a domain name: 'a..example'" },
		{ "flush-zone", "flush-zone: expected NAME" },
		{ "flush-zone a.example A", "flush-zone: expected NAME" },
		{ "flush-all now", "flush-all: expected no argument" },
		{ "stats --zero", "stats: unknown option '--zero' (only --reset)" },
		{ "lookup", "lookup: expected NAME" },
		{ "log-level", "log-level: expected error, warn, info or debug" },
		{ "log-level loud", "log-level: expected error, warn, info or debug" },
		{ "stop now", "stop: expected no argument" },
		{ "flush-infra", "flush-infra: expected all or an IP address" },
		{ "flush-infra ns.example", "flush-infra: expected all or an IP address" },
		{ "flush-infra all 1.2.3.4", "flush-infra: expected all or an IP address" },
		{ "dump-infra x", "dump-infra: expected no argument" },
		{ "status a b c d e f", "too many words or bytes in the request" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ctl_cmd c;
		char err[160] = "";
		CHECKF(!parse(bad[i].line, &c, err) && strcmp(err, bad[i].why) == 0,
		       "'%s': got '%s'", bad[i].line, err);
	}
	char long_line[CTL_REQUEST_MAX + 2];
	memset(long_line, 'a', sizeof(long_line) - 1);
	long_line[sizeof(long_line) - 1] = 0;
	struct ctl_cmd c;
	char err[160];
	CHECK(!parse(long_line, &c, err));
}

static struct stats_all sample(void)
{
	struct stats_all st;
	memset(&st, 0, sizeof(st));
	st.srv.queries = 10;
	st.srv.qtype[0] = 7; /* A */
	st.srv.qtype[SERVER_QTYPES] = 3;
	st.srv.rcode[DNS_RCODE_NXDOMAIN] = 2;
	st.srv.servfail_why[SERVER_SERVFAIL_LIMIT] = 1;
	st.srv.latency[0] = 4;
	st.srv.latency[2] = 5;
	st.srv.latency[SERVER_LATENCY_BUCKETS] = 1;
	st.srv.latency_sum_ms = 12345;
	st.srv.resolving = 2;
	st.cache.entries = 99;
	return st;
}

static uint64_t item(const struct stats_item *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].value;
	return UINT64_MAX;
}

static void items_named_and_cumulative(void)
{
	struct stats_all st = sample();
	struct stats_item v[STATS_ITEMS_MAX];
	size_t n = stats_items(&st, v, STATS_ITEMS_MAX);
	CHECK(n < STATS_ITEMS_MAX);
	CHECK(item(v, n, "queries") == 10);
	CHECK(item(v, n, "qtype.A") == 7);
	CHECK(item(v, n, "qtype.other") == 3);
	CHECK(item(v, n, "rcode.NXDOMAIN") == 2);
	CHECK(item(v, n, "servfail.limit") == 1);
	CHECK(item(v, n, "latency.le.0.001") == 4);
	CHECK(item(v, n, "latency.le.0.005") == 4);
	CHECK(item(v, n, "latency.le.0.01") == 9);
	CHECK(item(v, n, "latency.le.+Inf") == 10);
	CHECK(item(v, n, "latency.count") == 10);
	CHECK(item(v, n, "cache.entries") == 99);
	for (size_t i = 0; i < n; i++) /* no key twice */
		for (size_t j = i + 1; j < n; j++)
			CHECKF(strcmp(v[i].key, v[j].key) != 0, "%s twice", v[i].key);
}

static void since_keeps_gauges(void)
{
	struct stats_all base = sample(), now = sample();
	now.srv.queries = 15;
	now.srv.resolving = 5;
	now.cache.entries = 100;
	stats_since(&now, &base);
	CHECK(now.srv.queries == 5);
	CHECK(now.srv.qtype[0] == 0);
	CHECK(now.srv.latency_sum_ms == 0);
	CHECK(now.srv.resolving == 5);   /* gauges are not counted from a baseline */
	CHECK(now.cache.entries == 100);
}

/* Every line of the text is a comment (# HELP / # TYPE) or a sample of the family the last
 * TYPE named; every family has its HELP and TYPE once, before its samples. */
static void prometheus_text(void)
{
	struct stats_all st = sample();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	stats_prometheus(&st, f);
	fclose(f);
	CHECK(strstr(text, "# TYPE resolverd_queries_total counter\nresolverd_queries_total 10\n"));
	CHECK(strstr(text, "resolverd_queries_by_type_total{type=\"A\"} 7\n"));
	CHECK(strstr(text, "resolverd_replies_total{rcode=\"NXDOMAIN\"} 2\n"));
	CHECK(strstr(text, "resolverd_servfail_by_reason_total{reason=\"limit\"} 1\n"));
	CHECK(strstr(text, "# TYPE resolverd_cache_entries gauge\nresolverd_cache_entries 99\n"));
	CHECK(strstr(text, "# TYPE resolverd_reply_duration_seconds histogram\n"));
	CHECK(strstr(text, "resolverd_reply_duration_seconds_bucket{le=\"0.01\"} 9\n"));
	CHECK(strstr(text, "resolverd_reply_duration_seconds_bucket{le=\"+Inf\"} 10\n"));
	CHECK(strstr(text, "resolverd_reply_duration_seconds_sum 12.345\n"));
	CHECK(strstr(text, "resolverd_reply_duration_seconds_count 10\n"));
	char family[128] = "";
	unsigned types = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char name[128], kind[32];
		if (sscanf(line, "# TYPE %127s %31s", name, kind) == 2) {
			CHECKF(strcmp(name, family) != 0, "TYPE twice for %s", name);
			snprintf(family, sizeof(family), "%s", name);
			types++;
			continue;
		}
		if (line[0] == '#') {
			CHECKF(strncmp(line, "# HELP resolverd_", 17) == 0, "%s", line);
			continue;
		}
		CHECKF(family[0] && strncmp(line, family, strlen(family)) == 0, "%s", line);
		char *sp = strrchr(line, ' ');
		CHECKF(sp && strspn(sp + 1, "0123456789.") == strlen(sp + 1), "%s", line);
	}
	CHECK(types >= 20);
	free(text);
}

static void trace_lines_read_back(void)
{
	const char *text =
		"step 2 0 www.example.com. 1 example.com. ns1.example.com. 127.53.10.1 53 0 3 0 0 "
		"- 6C616D653A206E6F204141 - 0 0 0 0 0\n"
		"step 0 1 ns1.example.com. 28 . - ::1 5300 1 0 0 2 - - ABCD 0 0 0 0 0\n"
		"step 14 0 www.example.com. 1 example.com. - - 0 0 0 0 0 - - - 1 55151 15 0 0\n"
		"result 2\n";
	struct arena *a = arena_new();
	struct iter_step *s;
	size_t n;
	unsigned rcode;
	CHECK(ctl_trace_read(text, strlen(text), a, &s, &n, &rcode));
	CHECK(n == 3 && rcode == DNS_RCODE_SERVFAIL);
	CHECK(s[0].kind == ITER_STEP_REFERRAL && name_equal(s[0].qname, N("www.example.com.")));
	CHECK(s[0].note && strcmp(s[0].note, "lame: no AA") == 0 && !s[0].reply);
	CHECK(s[0].addr.ss_family == AF_INET && s[0].rtt_ms == 3);
	CHECK(s[1].depth == 1 && s[1].tcp && s[1].qtype == DNS_TYPE_AAAA && !s[1].server_name);
	CHECK(s[1].reply && s[1].reply_len == 2 && s[1].reply[0] == 0xAB);
	CHECK(s[1].addr.ss_family == AF_INET6);
	CHECK(s[2].kind == ITER_STEP_VERDICT && s[2].security == VAL_SECURE);
	CHECK(s[2].key_tag == 55151 && s[2].algorithm == 15 && !s[2].denial);
	const char *bad[] = {
		"step 2 0 www.example.com. 1\nresult 0\n",     /* too few fields */
		"step 99 0 a. 1 . - - 0 0 0 0 0 - - - 0 0 0 0 0\nresult 0\n", /* no such kind */
		"step 0 0 a. 1 . - - 0 0 0 0 0 - - XYZ 0 0 0 0 0\nresult 0\n", /* not hex */
		"step 0 0 a. 1 . - - 0 0 0 0 0 - - - 0 0 0 0 0\n",          /* no result line */
		"step 0 0 a. 1 . - - 0 0 0 0 0 - - - 4 0 0 0 0\nresult 0\n", /* no such security */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECKF(!ctl_trace_read(bad[i], strlen(bad[i]), a, &s, &n, &rcode), "%zu", i);
	arena_free(a);
}

static void log_time(void)
{
	char t[40];
	CHECK(log_time_rfc3339(1796142636123, t, sizeof(t)) == 24);
	CHECK(strcmp(t, "2026-12-01T16:30:36.123Z") == 0);
	CHECK(log_time_rfc3339(5, t, sizeof(t)) == 24 && strcmp(t, "1970-01-01T00:00:00.005Z") == 0);
}

int main(void)
{
	RUN(parse_good);
	RUN(parse_bad);
	RUN(items_named_and_cumulative);
	RUN(since_keeps_gauges);
	RUN(prometheus_text);
	RUN(trace_lines_read_back);
	RUN(log_time);
	return check_done();
}
