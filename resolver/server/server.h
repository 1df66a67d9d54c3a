/* resolver/server/server.h: resolverd's service: listeners, worker threads, and answering clients.
 *
 * server_new binds every socket (so that errors show at start-up, before anything runs);
 * server_start starts one worker thread per configured thread, each with its own epoll loop,
 * its own UDP and TCP sockets on every listen address (SO_REUSEPORT spreads the clients), its
 * own upstream channels and its own table of questions in flight; they share the cache and the
 * server table (infra). Worker 0 also serves the toy internet's addresses when the
 * configuration names a map. server_reload swaps in a new configuration (access lists, limits,
 * log level) without touching the cache; questions already in flight finish under the old one.
 *
 * server_stop may be called from any thread; the rest from the main thread only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_SERVER_H
#define RESOLVER_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "config.h"

struct server;

/* Counters summed over the workers (read while they run: each is exact, the set is not a
 * snapshot). */
struct server_stats {
	uint64_t queries;     /* well-formed queries received */
	uint64_t cache_hits;  /* answered at once from the cache */
	uint64_t resolutions; /* resolutions started (identical questions joined one) */
	uint64_t joined;      /* queries that joined a resolution already in flight */
	uint64_t refused;     /* REFUSED by the access lists */
	uint64_t formerr;     /* answered FORMERR */
	uint64_t dropped;     /* garbage not worth an answer (too short, a response, ...) */
	uint64_t servfail;    /* resolutions that ended in SERVFAIL */
	uint64_t upstream;    /* queries sent to authoritative servers */
	uint64_t upstream_dropped; /* datagrams on upstream sockets that were no reply to their
				      query (forged, late, mangled), or in the wrong case (0x20) */
	uint64_t jostled;     /* resolutions given up to make room for new ones */
	uint64_t in_flight;   /* upstream queries in flight now */
};

/* Builds the service for cfg (borrowed until server_free or a reload replaces it; the caller
 * keeps ownership and frees it after server_free): the cache, the hints, the toy internet's
 * zones when cfg names a map, and every socket. auth_only serves only the toy internet's
 * addresses. false with one line in err (naming the address, file or line at fault). */
bool server_new(const struct config *cfg, bool auth_only, struct server **out,
		char err[static 256]);

/* Starts the workers. false with err when a thread cannot start. */
bool server_start(struct server *s, char err[static 256]);

/* Asks every worker to stop; returns at once. Safe from any thread. */
void server_stop(struct server *s);

/* Stops the workers and waits at most timeout_ms for them to end. false (logged, naming the
 * worker) when one is still running, stuck: the caller must then exit without server_free,
 * which would wait for it for good. */
bool server_join(struct server *s, uint32_t timeout_ms);

/* Waits for the workers to end, then frees everything (in-flight questions are dropped).
 * server_free(NULL) does nothing. */
void server_free(struct server *s);

/* Uses cfg from now on for access control, limits, DNSSEC (the trust anchor file is read
 * again) and logging. Listen addresses, threads, the cache size and the toy internet are fixed
 * at start: a change there is logged and left for a restart. cfg is borrowed as in
 * server_new; the previous one must be kept until server_free (questions in flight may still
 * use it). false, with the reason logged and the configuration in force kept, when the trust
 * anchor file does not read. */
bool server_reload(struct server *s, const struct config *cfg);

void server_stats(const struct server *s, struct server_stats *out);

#endif
