/* resolver/server/server_priv.h: the service's internals, shared by server.c (set-up, threads),
 * server_io.c (UDP and TCP) and server_query.c (answering: checks, cache, resolutions).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_SERVER_PRIV_H
#define RESOLVER_SERVER_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include "answer.h"
#include "cache.h"
#include "hints.h"
#include "infra.h"
#include "iterator.h"
#include "local.h"
#include "loop.h"
#include "reclaim.h"
#include "server.h"
#include "upstream.h"

#define UDP_BATCH 32         /* datagrams per recvmmsg/sendmmsg */
#define UDP_BUF 4096         /* the largest datagram read or written */
#define TCP_PIPELINE 64      /* questions one TCP connection may have in flight (RFC 7766 §6.2.1.1) */
#define TCP_OUT_MAX 65536    /* reply bytes queued for a client before its questions wait */
#define JOSTLE_MS 200        /* a resolution older than this may make room for a new one */
#define WAITERS_MAX 256      /* clients waiting for one resolution */
#define FLIGHT_BUCKETS 4096

/* What zone transfers (AXFR, IXFR: resolver/auth/auth.h) may take of one worker. */
struct io_xfr_limits {
	unsigned concurrent;  /* transfers in progress at once: bounds the zone walks and their
			       * buffers; one more is answered SERVFAIL */
	unsigned per_turn;    /* messages made for one connection per wakeup: the worker's other
			       * clients are served between turns, however big the zone */
	size_t queued_max;    /* reply bytes queued unsent before another message is made: the
			       * memory a slow or stalled reader holds (plus one message) */
};
extern const struct io_xfr_limits IO_XFR_LIMITS;

/* A configuration in force, with what the resolutions derive from it. A reload retires the
 * one it replaces, and reclaim.h's rules free it (server.reclaim):
 * - a worker loads s->snap once per event and uses it synchronously, holding nothing from one
 *   event to the next; it is quiescent whenever its loop waits (loop_on_wait);
 * - a resolution in flight (struct flight) holds the one it started with (reclaim_hold)
 *   until it ends;
 * - other threads (the control thread: commands, traces, reloads) take holds through
 *   server_hold, under the reclaim lock, and drop them with server_release.
 * Reclaiming runs on the reloading thread at each reload, on server_release, and on worker
 * 0's expire timer (without waiting for the lock). */
struct snapshot {
	struct reclaim_node node;   /* first: the retired list's */
	const struct config *cfg;
	struct config *own;         /* cfg when given by server_reload: freed with the snapshot
				     * (server_new's stays its caller's) */
	struct iter_env env;
	struct iter_dnssec dnssec;  /* env.dnssec points here when validating */
	struct val_anchors anchors; /* read from dnssec.trust-anchor-file at load */
};

struct worker;

enum lis_kind { LIS_UDP, LIS_TCP };

struct listener {
	struct loop_fd lf;
	struct worker *w;
	enum lis_kind kind;
	bool auth;                     /* a toy-internet server address */
	struct sockaddr_storage local;
};

struct outbuf {
	struct outbuf *next;
	size_t len, off;
	uint8_t data[];
};

/* A TCP client (RFC 7766): length-prefixed messages, pipelined, replies in any order. */
struct conn {
	struct loop_fd lf;
	struct worker *w;
	struct listener *lis;
	struct loop_timer idle;
	struct loop_timer deadline; /* armed while a message is partly read */
	uint64_t last_question_ms;  /* when it opened, or its last whole message came */
	uint8_t *in;
	size_t in_len;
	struct outbuf *out_head, *out_tail;
	size_t out_bytes;   /* queued in out_head..out_tail, not yet sent */
	struct auth_xfr *xfr; /* a zone transfer still sending: no question is read meanwhile */
	struct zoneset *xfr_zones; /* held while xfr points into its zones */
	uint32_t events;    /* what epoll watches for now */
	unsigned pending;   /* replies still owed by resolutions, and a deferred resume */
	bool resuming;      /* a resume is deferred (and counted in pending) */
	bool closed;        /* the socket is gone; the struct waits for pending to drain */
	struct conn *prev, *next;
	struct sockaddr_storage peer;
};

/* Where a reply goes. */
struct client {
	struct listener *lis;          /* UDP: send from this socket */
	struct sockaddr_storage peer;
	socklen_t peer_len;
	struct conn *conn;             /* TCP: queue on this connection */
};

struct waiter {
	struct waiter *next;
	struct client c;
	struct answer_req req;
	uint64_t start_ms; /* when its query came (the latency histogram, the query log) */
};

/* One resolution in flight and the clients waiting for it. */
struct flight {
	struct flight *next;            /* hash chain */
	struct flight *older, *newer;   /* the worker's flights in the order they started */
	uint64_t start_ms;
	uint32_t hash;
	uint8_t qname[NAME_MAX_WIRE];   /* lower case */
	uint16_t qtype, qclass;
	struct worker *w;
	struct snapshot *snap;
	struct arena *a;
	struct iter *it;
	struct upstream_query *uq;
	struct waiter *waiters;
	unsigned n_waiters;
};

struct worker_stats {
	atomic_uint_fast64_t queries, cache_hits, resolutions, joined, refused, formerr, dropped,
		servfail, upstream, jostled, timeouts, tcp_fallbacks, latency_sum_ms;
	atomic_uint_fast64_t qtype[SERVER_QTYPES + 1], rcode[16], servfail_why[SERVER_SERVFAIL_N],
		latency[SERVER_LATENCY_BUCKETS + 1];
};

struct worker {
	struct server *s;
	unsigned id;
	pthread_t thread;
	bool started, joined;
	struct loop *loop;
	struct upstream *up;
	struct listener *lis;
	size_t n_lis;
	struct conn *conns;
	unsigned n_conns;
	unsigned n_xfr;                 /* connections with a transfer in progress */
	struct flight *flights[FLIGHT_BUCKETS];
	unsigned n_flights;
	atomic_uint n_flights_seen;     /* n_flights, for other threads (the metrics) */
	struct flight *oldest, *newest;
	unsigned peak_flights;          /* since the last memory trim */
	struct loop_timer expire;       /* worker 0: reclaims expired cache entries */
	uint8_t *scratch;               /* cache copies on the hit path */
	size_t scratch_cap;
	struct worker_stats st;
};

/* The toy internet's zones as loaded: the map's zones and a hash of each file, so that a
 * reload can say which changed. A replaced one is freed by the rules of struct snapshot:
 * workers answer from s->zones synchronously; a zone transfer in progress on a TCP
 * connection (conn.xfr_zones) holds the set its messages point into. */
struct zoneset {
	struct reclaim_node node;
	struct auth *auth;
	size_t n;
	uint8_t (*names)[NAME_MAX_WIRE];
	uint64_t *hashes;
};

struct server {
	_Atomic(struct snapshot *) snap;
	struct reclaim reclaim;         /* replaced snapshots and zone sets, freed when unused */
	struct cache *cache;
	struct infra *infra;
	struct hints hints;
	_Atomic(struct zoneset *) zones; /* the toy internet's zones served now, or NULL */
	bool auth_only;
	struct worker *workers;
	unsigned n_workers;
};

/* server_io.c: the sockets. */
void io_on_udp(void *arg, uint32_t events);
void io_on_accept(void *arg, uint32_t events);
/* Sends a reply to a client (UDP datagram, or queued on its TCP connection). */
void io_reply(struct worker *w, const struct client *c, const uint8_t *msg, size_t len);
/* A resolution will not answer a TCP client after all: releases the connection's hold. */
void io_conn_release(struct conn *conn);
/* Closes every TCP connection of w (at shutdown). */
void io_close_all(struct worker *w);
/* Answers the zone transfer question q (auth_xfr_asked) from c: returns the length of the
 * first (over UDP, the only) message, written into out (cap bytes). Over TCP the rest are
 * sent as the client reads them (at most IO_XFR_LIMITS.concurrent transfers at once). */
size_t io_xfr_start(struct worker *w, const struct client *c, const struct wire_query *q,
		    const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

/* server_zones.c: the toy internet's zones. */
/* Loads the map at path and its zones into s->zones; false with err. */
bool zones_load(struct server *s, const char *path, char err[static 256]);
/* Frees the zone set in force (at server_free; reclaim_fini frees the retired ones). */
void zones_free(struct server *s);

/* server_query.c: answering. */
/* Handles one query from c. Returns the length of a reply to send at once into out (cap
 * bytes), or 0: nothing to send (dropped), or a resolution will answer later. */
size_t query_handle(struct worker *w, const struct client *c, const uint8_t *pkt, size_t len,
		    uint8_t *out, size_t cap);
/* Drops every resolution in flight (at shutdown). */
void query_drop_all(struct worker *w);

#endif
