/* resolver/server/daemon.h: what resolverd does as a system service beside serving: checking a
 * configuration without running it (resolverd -t), giving up root for server.user once its
 * sockets are bound, and telling systemd how it is (sd_notify, libsystemd).
 *
 * Main thread only; daemon_drop_user before any other thread starts.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_DAEMON_H
#define RESOLVER_DAEMON_H

#include <stdbool.h>

#include "config.h"

/* Reads every file cfg names as a start would, and binds nothing: the root hints and the
 * DNSSEC trust anchors (unless auth_only), the toy internet's map and each of its zone files,
 * and looks server.user up.
 * true when all is good; false with "file:line: reason" (or "server.user: reason") in err. */
bool daemon_check(const struct config *cfg, bool auth_only, char err[static 256]);

/* Becomes user (its uid, its primary group, no supplementary groups): setgroups, setgid,
 * setuid, each checked, then checks that root cannot be regained. Already being that user
 * and group is no change and succeeds. false with the reason in err, the caller must not go
 * on then: it may still hold root. */
bool daemon_drop_user(const char *user, char err[static 256]);

/* Sends state ("READY=1", "RELOADING=1", "STOPPING=1") to systemd when NOTIFY_SOCKET is set
 * (Type=notify); does nothing otherwise. A failure is logged at warn and changes nothing. */
void daemon_notify(const char *state);

#endif
