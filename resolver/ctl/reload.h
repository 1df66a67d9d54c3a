/* resolver/ctl/reload.h: reloading the configuration and the toy internet's zones, on SIGHUP
 * and on resolverd-ctl reload alike.
 *
 * A reload reads the configuration file again, then the toy internet's map and zone files;
 * only when every one of them is good does anything change, and then all of it does: the
 * new configuration (access lists, limits, logging) and the new zones. The report says which
 * keys changed and which zones were added, changed or removed, or why nothing did. A
 * configuration reloaded is the server's (server_reload): it frees the one replaced once the
 * resolutions in flight under it end. The first stays reload_new's until reload_free.
 *
 * Thread-safety: reload_run may be called from any thread (one runs at a time).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_RELOAD_H
#define RESOLVER_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "server.h"

struct reload;

/* Keeps path and first (the configuration in force, owned from now on) for reloads. journal
 * is whether the log goes to the journal (log_journal_detect), kept across reloads. NULL when
 * memory is short (first is then freed). */
struct reload *reload_new(const char *path, struct config *first, bool journal);

/* Reloads as the header says, serving s. Writes the report (one line per part, "config: ..."
 * and "zones: ...") into report (cap bytes) and logs it. false when nothing changed because a
 * file was bad. */
bool reload_run(struct reload *r, struct server *s, char *report, size_t cap);

/* The path of the configuration file. */
const char *reload_path(const struct reload *r);

/* Frees the first configuration (reload_new's); reload_free(NULL) does nothing. After
 * server_free. */
void reload_free(struct reload *r);

#endif
