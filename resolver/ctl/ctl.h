/* resolver/ctl/ctl.h: the control socket that resolverd-ctl talks to.
 *
 * A Unix stream socket at control.socket, mode 0660 with the group control.group (0600
 * without one), served by a thread of its own on an event loop of its own, so a slow or
 * hostile client never holds up a worker: every socket is non-blocking, a request is one line
 * of at most CTL_REQUEST_MAX bytes that must arrive within CTL_REQUEST_MS, and a whole
 * exchange (the reply written out included) must end within CTL_EXCHANGE_MS. A connecting
 * process is checked with SO_PEERCRED (and SO_PEERGROUPS): root, the daemon's own user, or a
 * member of control.group; anyone else gets one error line. The commands are ctl_cmd.h's and
 * ctl_trace.h's.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CTL_H
#define RESOLVER_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "reload.h"
#include "server.h"

#define CTL_REQUEST_MS 2000   /* the request line must come whole within this */
#define CTL_EXCHANGE_MS 30000 /* the whole exchange: a trace and a big dump-cache included */
#define CTL_CONNS_MAX 16      /* clients at once; more are closed at once */

struct ctl;

/* Opens the socket of cfg's control.socket (creating its directory when missing; a stale
 * socket file left by a dead daemon is replaced, one a live daemon answers on is an error) and
 * starts the thread. s and r are borrowed until ctl_free. false with err. */
bool ctl_start(struct server *s, struct reload *r, const struct config *cfg, const char *version,
	       struct ctl **out, char err[static 256]);

/* Stops the thread, closes every connection and removes the socket file. ctl_free(NULL) does
 * nothing. */
void ctl_free(struct ctl *c);

#endif
