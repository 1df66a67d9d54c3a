/* client/trace.h: qdig +trace: walking the DNS tree from the root and showing every step.
 *
 * The walk is the daemon's own iterator (resolver/iter/iterator.h) driven here through the same
 * upstream module, with a cache of its own that starts empty, so qdig follows the same rules
 * the daemon does: bailiwick, glue, CNAME restarts, lame and dead servers, TC -> TCP, limits.
 * The root servers come from the server's answer to ". NS" (as dig +trace does) or from a hints
 * file (+root-hints=FILE). Each step prints the records received, in dig's layout, and one line
 * with the server, transport, time and size; what dig hides (timeouts, lame replies, the TCP
 * retry, name servers resolved without glue, CNAME restarts) gets lines of its own.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_TRACE_H
#define CLIENT_TRACE_H

#include <stdio.h>

#include "iterator.h"
#include "opts.h"
#include "query.h"

/* Runs the walk for o's question, printing to out (text, +short lines, or JSON with +json).
 * server is where ". NS" is asked when o has no root hints file. Returns the exit status: 0
 * when the walk ended with a reply (whatever its rcode), 9 when it failed without one, 10 on
 * an internal error. */
int trace_run(const struct qdig_query *o, const struct query_server *server, FILE *out);

/* Prints steps of a walk made elsewhere (resolverd-ctl trace: by the daemon) as trace_run
 * prints its own, in o's layout (text, o->d.short_form, o->d.json with o's question), and
 * the walk's rcode at the end (in JSON without the records). Returns 0, or 9 for SERVFAIL. */
int trace_print_steps(const struct qdig_query *o, const struct iter_step *steps, size_t n,
		      unsigned rcode, FILE *out);

#endif
