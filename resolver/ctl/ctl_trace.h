/* resolver/ctl/ctl_trace.h: resolverd-ctl trace: one resolution run now, past the cache, on
 * the control thread's loop, its steps sent back for the tool to print in qdig's +trace layout.
 *
 * The resolution is the daemon's iterator with the configuration in force (hints, limits,
 * upstream port) but a cache of its own that starts empty and is dropped after, so it walks
 * from the root as qdig +trace does, and asks the servers now whatever the cache holds. Each
 * step is written as one line ("step" and its fields, the reply in hex) that ctl_trace_read
 * turns back into struct iter_step for client/trace.c's printing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CTL_TRACE_H
#define RESOLVER_CTL_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "ctl_parse.h"
#include "iterator.h"
#include "loop.h"
#include "upstream.h"

#define CTL_TRACE_BUDGET_MS 20000 /* a trace's time budget at most: within CTL_EXCHANGE_MS */

struct ctl_trace;

typedef void (*ctl_trace_done)(void *arg);

/* Starts the resolution of cmd's name and type with env (copied: its cache is replaced)
 * on loop l through up; done(arg) is called on the loop once it is over (never from within
 * this call). NULL when memory is short. */
struct ctl_trace *ctl_trace_start(struct loop *l, struct upstream *up,
				  const struct iter_env *env, const struct ctl_cmd *cmd,
				  ctl_trace_done done, void *arg);

/* After done: writes the steps, one line each, and a last line "result RCODE" to out. */
void ctl_trace_write(const struct ctl_trace *t, FILE *out);

/* Cancels a resolution in flight (done is then not called) or frees a finished one.
 * ctl_trace_free(NULL) does nothing. */
void ctl_trace_free(struct ctl_trace *t);

/* Reads what ctl_trace_write wrote (text, len bytes) back into steps allocated in a; the
 * names and replies point into a. false when a line does not parse. *rcode gets the result. */
bool ctl_trace_read(const char *text, size_t len, struct arena *a, struct iter_step **steps,
		    size_t *n, unsigned *rcode);

#endif
