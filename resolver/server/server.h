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
 * server_stop, server_stats and the accessors may be called from any thread; server_reload and
 * server_reload_zones from one thread at a time (resolver/ctl/reload.c serializes them); the
 * rest from the main thread only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_SERVER_H
#define RESOLVER_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "config.h"
#include "iterator.h"
#include "upstream.h"

struct server;

/* Why a client got SERVFAIL. */
enum server_servfail {
	SERVER_SERVFAIL_LIMIT,      /* the resolution hit a limit of limits: */
	SERVER_SERVFAIL_NO_SERVER,  /* every server of a zone failed (timeouts, errors, lame) */
	SERVER_SERVFAIL_JOSTLED,    /* given up to make room for a newer resolution */
	SERVER_SERVFAIL_OVERLOAD,   /* no room to start a resolution (resolutions-per-thread) */
	SERVER_SERVFAIL_CACHE_ONLY, /* RD=0 and the cache knows no delegation for the name */
	SERVER_SERVFAIL_BOGUS,      /* DNSSEC: the answer is bogus (and the client set no CD) */
	SERVER_SERVFAIL_OTHER,      /* anything else (memory short) */
	SERVER_SERVFAIL_N,
};

/* Query types counted one by one (server_qtypes); the others are counted together. */
#define SERVER_QTYPES 17
/* Upper bounds (ms, inclusive) of the latency histogram's buckets; a last one takes the rest. */
#define SERVER_LATENCY_BUCKETS 9
extern const uint16_t server_qtypes[SERVER_QTYPES];
extern const uint32_t server_latency_ms[SERVER_LATENCY_BUCKETS];

/* The mnemonic of a header rcode (NOERROR ... NOTZONE, RCODE11-15). */
const char *server_rcode_name(unsigned rcode);

/* An address and its port as "192.0.2.1#53" into out (cap bytes, always terminated). */
void server_addr_text(const struct sockaddr_storage *ss, char *out, size_t cap);

/* Feeds the outcome of the query of the iterator's last ITER_SEND (a reply, a timeout, a
 * case mismatch or a failure) to it, as the workers do; fills act with the next action. For
 * resolutions run outside the workers (resolverd-ctl trace). */
void server_iter_event(struct iter *it, const struct upstream_result *r, uint64_t now_ms,
		       struct iter_action *act);

/* A short name for a SERVFAIL reason ("limit", "no-server", ...), for logs and metrics. */
const char *server_servfail_name(enum server_servfail why);

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
	uint64_t resolving;   /* resolutions in flight now */
	uint64_t timeouts;    /* upstream queries that timed out */
	uint64_t tcp_fallbacks; /* upstream queries over TCP (after a truncated UDP reply) */
	uint64_t qtype[SERVER_QTYPES + 1]; /* queries by server_qtypes[i]; the last: others */
	uint64_t rcode[16];   /* replies to clients by header rcode */
	uint64_t servfail_why[SERVER_SERVFAIL_N]; /* SERVFAIL replies by reason */
	uint64_t latency[SERVER_LATENCY_BUCKETS + 1]; /* replies by time taken (not cumulative) */
	uint64_t latency_sum_ms; /* total time taken by those replies */
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
 * at start: a change there is logged and left for a restart. On success the server owns cfg
 * and frees it once nothing uses it any more; the configuration it replaces is freed the
 * same way (when it came from server_reload), after the questions in flight that use it end.
 * false, with the reason logged, the configuration in force kept and cfg still the caller's,
 * when the trust anchor file does not read. */
bool server_reload(struct server *s, struct config *cfg);

void server_stats(const struct server *s, struct server_stats *out);

/* A hold on the configuration in force (the last given to server_new or server_reload) and
 * what derives from it: valid, whatever reloads come, until server_release. For threads other
 * than the workers (the control thread's commands and traces); it never fails. */
struct snapshot;
struct snapshot *server_hold(struct server *s);
void server_release(struct server *s, struct snapshot *snap);
const struct config *server_snapshot_config(const struct snapshot *snap);
/* What the resolutions of that configuration use (cache, infra, hints, limits), for a
 * resolution run outside the workers (resolverd-ctl trace). */
const struct iter_env *server_snapshot_env(const struct snapshot *snap);

/* The shared cache (for resolverd-ctl's flush and dump). */
struct cache *server_cache(const struct server *s);

/* Loads the zones of the toy internet's map again and, when every zone loads and the map
 * names the same server addresses, serves them from now on; otherwise keeps the ones in force.
 * Writes what changed, or why nothing did, into report (cap bytes). false when the zones
 * were kept because of an error. A server without the toy internet reports that and returns
 * true. Main or control thread only (not both at once). */
bool server_reload_zones(struct server *s, const char *map, char *report, size_t cap);

#endif
