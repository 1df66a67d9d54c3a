/* resolver/ctl/ctl_cmd.h: carrying out resolverd-ctl's commands (all but trace, which runs a
 * resolution and is ctl_trace.h's), writing their output as text or JSON.
 *
 * Internal to resolver/ctl. Called on the control thread only: the baseline of stats --reset
 * is that thread's.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CTL_CMD_H
#define RESOLVER_CTL_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctl_parse.h"
#include "reload.h"
#include "server.h"
#include "stats.h"

struct ctl_ctx {
	struct server *s;
	struct reload *reload;
	const char *version;
	int64_t started_unix_ms;   /* when the daemon started (wall clock) */
	uint64_t started_ms;       /* the same, CLOCK_MONOTONIC */
	struct stats_all baseline; /* stats --reset: counters since then */
};

/* Runs cmd (any verb but CTL_TRACE), writing its output to out (for CTL_STOP only the
 * answer: the caller stops the daemon once it is sent). false when the command
 * failed (a reload refused); its output then says why. */
bool ctl_cmd_run(struct ctl_ctx *x, const struct ctl_cmd *cmd, FILE *out);

/* Writes s as a JSON string, quotes included, to out. */
void ctl_json_str(FILE *out, const char *s);

#endif
