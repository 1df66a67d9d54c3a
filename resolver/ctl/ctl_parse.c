/* resolver/ctl/ctl_parse.c: parsing resolverd-ctl's request lines (see ctl_parse.h).
 * SPDX-License-Identifier: MIT
 */
#include "ctl_parse.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"
#include "rdata.h"

#define WORDS_MAX 5 /* --json, the command and three more: one too many is reported */

/* Each command's name and its arguments: which it takes and how many at least and most. */
static const struct {
	const char *name;
	unsigned min, max; /* words after the command */
	bool name_arg;     /* the first argument is a domain name */
	bool type_arg;     /* the second argument is a type */
} verbs[CTL_VERB_N] = {
	[CTL_LOG_LEVEL] = { "log-level", 1, 1, false, false },
	[CTL_STOP] = { "stop", 0, 0, false, false },
	[CTL_STATUS] = { "status", 0, 0, false, false },
	[CTL_STATS] = { "stats", 0, 1, false, false },
	[CTL_RELOAD] = { "reload", 0, 0, false, false },
	[CTL_FLUSH] = { "flush", 1, 2, true, true },
	[CTL_FLUSH_ZONE] = { "flush-zone", 1, 1, true, false },
	[CTL_FLUSH_ALL] = { "flush-all", 0, 0, false, false },
	[CTL_FLUSH_NEGATIVE] = { "flush-negative", 0, 0, false, false },
	[CTL_DUMP_CACHE] = { "dump-cache", 0, 0, false, false },
	[CTL_LOOKUP] = { "lookup", 1, 1, true, false },
	[CTL_TRACE] = { "trace", 1, 2, true, true },
	[CTL_FLUSH_BOGUS] = { "flush-bogus", 0, 0, false, false },
	[CTL_DUMP_INFRA] = { "dump-infra", 0, 0, false, false },
	[CTL_FLUSH_INFRA] = { "flush-infra", 1, 1, false, false },
};

const char ctl_usage[] =
	"  status                 version, uptime, configuration, listeners, counts\n"
	"  stats [--reset]        every counter (--reset: then count from zero)\n"
	"  reload                 the configuration and the toy internet's zones\n"
	"  flush NAME [TYPE]      drop NAME's records (of TYPE) from the cache\n"
	"  flush-zone NAME        drop NAME and every name below it\n"
	"  flush-all              empty the cache\n"
	"  flush-negative         drop every NXDOMAIN and NODATA entry\n"
	"  flush-bogus            drop every entry validation found bogus\n"
	"  dump-cache             the cache in zone-file layout: TTL left, trust, DNSSEC\n"
	"  lookup NAME            what the cache holds for NAME and the delegations above it\n"
	"  trace NAME [TYPE]      resolve NAME now, past the cache, showing every step\n"
	"  dump-infra             the servers asked: round-trip time, timeout, lameness\n"
	"  flush-infra all|ADDR   forget what was learnt of every server or of one\n"
	"  log-level LEVEL        error, warn, info or debug from now on (until a reload)\n"
	"  stop                   stop the daemon, as SIGTERM does\n";

const char *ctl_verb_name(enum ctl_verb v)
{
	return v < CTL_VERB_N ? verbs[v].name : "?";
}

struct word {
	const char *p;
	size_t len;
};

static bool word_is(const struct word *w, const char *s)
{
	return w->len == strlen(s) && memcmp(w->p, s, w->len) == 0;
}

/* Splits line into words at spaces (and tabs); false when there are more than max. */
static bool split(const char *line, size_t len, struct word *w, size_t max, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (*n == max)
			return false;
		w[(*n)++] = (struct word){ line + start, i - start };
	}
	return true;
}

/* flush-infra's one argument: "all" or an IPv4 or IPv6 address. */
static bool infra_argument(struct ctl_cmd *cmd, const struct word *a, size_t n,
			   char err[static 160])
{
	char text[INET6_ADDRSTRLEN];
	if (n == 1 && word_is(&a[0], "all"))
		return true;
	if (n == 1 && a[0].len < sizeof(text)) {
		memcpy(text, a[0].p, a[0].len);
		text[a[0].len] = 0;
		if (inet_pton(AF_INET, text, cmd->addr) == 1)
			cmd->family = AF_INET;
		else if (inet_pton(AF_INET6, text, cmd->addr) == 1)
			cmd->family = AF_INET6;
	}
	if (!cmd->family)
		snprintf(err, 160, "flush-infra: expected all or an IP address");
	return cmd->family != 0;
}

/* The arguments after the command, into cmd. */
static bool arguments(struct ctl_cmd *cmd, const struct word *a, size_t n, char err[static 160])
{
	const char *v = verbs[cmd->verb].name;
	if (cmd->verb == CTL_STATS && n == 1) {
		if (!word_is(&a[0], "--reset")) {
			snprintf(err, 160, "stats: unknown option '%.*s' (only --reset)",
				 (int)(a[0].len > 64 ? 64 : a[0].len), a[0].p);
			return false;
		}
		cmd->reset = true;
		return true;
	}
	if (cmd->verb == CTL_LOG_LEVEL && n == 1) {
		static const char *const levels[] = { "error", "warn", "info", "debug" };
		for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
			if (word_is(&a[0], levels[i])) {
				cmd->level = (enum log_level)i;
				return true;
			}
		}
		snprintf(err, 160, "log-level: expected error, warn, info or debug");
		return false;
	}
	if (cmd->verb == CTL_FLUSH_INFRA)
		return infra_argument(cmd, a, n, err);
	if (n < verbs[cmd->verb].min || n > verbs[cmd->verb].max) {
		snprintf(err, 160, "%s: expected %s", v,
			 verbs[cmd->verb].max == 0	 ? "no argument"
			 : cmd->verb == CTL_LOG_LEVEL ? "error, warn, info or debug"
			 : verbs[cmd->verb].type_arg  ? "NAME [TYPE]"
						      : "NAME");
		return false;
	}
	size_t len;
	if (n >= 1 && name_from_text(a[0].p, a[0].len, NULL, cmd->name, &len) != ERR_OK) {
		snprintf(err, 160, "%s: not a domain name: '%.*s'", v,
			 (int)(a[0].len > 64 ? 64 : a[0].len), a[0].p);
		return false;
	}
	if (n == 2 && (rdata_type_from_text(a[1].p, a[1].len, &cmd->type) != ERR_OK ||
		       cmd->type == 0)) {
		snprintf(err, 160, "%s: not a record type: '%.*s'", v,
			 (int)(a[1].len > 16 ? 16 : a[1].len), a[1].p);
		return false;
	}
	return true;
}

bool ctl_parse(const char *line, size_t len, struct ctl_cmd *cmd, char err[static 160])
{
	struct word w[WORDS_MAX];
	size_t n;
	memset(cmd, 0, sizeof(*cmd));
	if (len > CTL_REQUEST_MAX || !split(line, len, w, WORDS_MAX, &n)) {
		snprintf(err, 160, "too many words or bytes in the request");
		return false;
	}
	size_t i = 0;
	if (n > 0 && word_is(&w[0], "--json")) {
		cmd->json = true;
		i = 1;
	}
	if (i == n) {
		snprintf(err, 160, "no command");
		return false;
	}
	size_t v = 0;
	while (v < CTL_VERB_N && !word_is(&w[i], verbs[v].name))
		v++;
	if (v == CTL_VERB_N) {
		snprintf(err, 160, "unknown command '%.*s'", (int)(w[i].len > 64 ? 64 : w[i].len),
			 w[i].p);
		return false;
	}
	cmd->verb = (enum ctl_verb)v;
	if (cmd->verb == CTL_TRACE)
		cmd->type = DNS_TYPE_A;
	return arguments(cmd, w + i + 1, n - i - 1, err);
}
