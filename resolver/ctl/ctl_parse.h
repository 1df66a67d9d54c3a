/* resolver/ctl/ctl_parse.h: resolverd-ctl's commands as text: what the tool sends and the
 * daemon reads.
 *
 * A request is one line: an optional "--json", the command, its arguments, separated by
 * spaces ("flush www.example.com AAAA\n"). Both ends parse it with ctl_parse, so a usage
 * error is caught by the tool before it connects, and the daemon trusts nothing it did not
 * parse itself. The reply is "ok\n" or "error\n" and then the output, up to the end of the
 * stream.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CTL_PARSE_H
#define RESOLVER_CTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "name.h"

#define CTL_REQUEST_MAX 1024 /* bytes of a request line: bounds what a client makes us read */

enum ctl_verb {
	CTL_STATUS,
	CTL_STATS,
	CTL_RELOAD,
	CTL_FLUSH,
	CTL_FLUSH_ZONE,
	CTL_FLUSH_ALL,
	CTL_FLUSH_NEGATIVE,
	CTL_DUMP_CACHE,
	CTL_LOOKUP,
	CTL_TRACE,
	CTL_LOG_LEVEL,
	CTL_STOP,
	CTL_FLUSH_BOGUS,
	CTL_DUMP_INFRA,
	CTL_FLUSH_INFRA,
	CTL_VERB_N,
};

struct ctl_cmd {
	enum ctl_verb verb;
	bool json;                    /* --json: the output as JSON */
	bool reset;                   /* stats --reset */
	uint8_t name[NAME_MAX_WIRE];  /* flush, flush-zone, lookup, trace: the name */
	uint16_t type;                /* flush: 0 for every type; trace: A unless given */
	enum log_level level;         /* log-level */
	int family;                   /* flush-infra: AF_INET or AF_INET6, 0 for all */
	uint8_t addr[16];             /* flush-infra: the address, network byte order */
};

/* Parses the words of a request (line, len bytes, without the newline; at most
 * CTL_REQUEST_MAX) into cmd. false with a one-line reason in err for an unknown command, a
 * missing or extra argument, a bad name or type. */
bool ctl_parse(const char *line, size_t len, struct ctl_cmd *cmd, char err[static 160]);

/* The command's name as typed ("flush-zone"). */
const char *ctl_verb_name(enum ctl_verb v);

/* One line per command, with its arguments, for --help. */
extern const char ctl_usage[];

#endif
