/* resolver/upstream.h: sending one query to one authoritative server, through c-ares, from a
 * worker's event loop.
 *
 * Each query gets a c-ares channel of its own for its lifetime (channels are pooled), so
 * that c-ares 1.18, which keeps one UDP socket per server per channel, opens a fresh socket
 * for every query: its source port is then drawn at random here (RFC 5452 §9.2), not reused.
 * The query ID is the caller's (c-ares's ares_send keeps it). c-ares is set to hand back every
 * reply as it came, TC=1 (ARES_FLAG_IGNTC) and SERVFAIL/REFUSED (ARES_FLAG_NOCHECKRESP)
 * included, and to try once: retries, the TCP retry and the choice of server are the
 * iterator's decisions. The reply must come from the address asked (connected sockets) and
 * match the query's ID and question (c-ares checks both).
 *
 * Not thread-safe: one struct upstream per worker, used from its loop only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_UPSTREAM_H
#define RESOLVER_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "loop.h"

struct upstream;
struct upstream_query;

enum upstream_status {
	UPSTREAM_REPLY,   /* reply/len hold the reply */
	UPSTREAM_TIMEOUT, /* no reply within the timeout */
	UPSTREAM_FAILED,  /* refused, unreachable, connection reset...: error says which */
};

struct upstream_result {
	enum upstream_status status;
	const uint8_t *reply; /* valid during the callback only */
	size_t len;
	uint32_t rtt_ms;      /* from sending to the reply or the give-up */
	bool tcp;
	const char *error;    /* a static string for UPSTREAM_FAILED and UPSTREAM_TIMEOUT */
};

typedef void (*upstream_cb)(void *arg, const struct upstream_result *r);

struct upstream_stats {
	uint64_t sent, replies, timeouts, failures;
	uint64_t sockets;      /* UDP sockets opened: one per UDP query */
	uint16_t last_port;    /* source port of the last UDP socket */
};

/* A new upstream for loop l, or NULL when memory is short or c-ares fails. port_random: bind
 * each UDP socket to a random port from 1024-65535 (else the kernel's ephemeral choice). */
struct upstream *upstream_new(struct loop *l, bool port_random);

/* Cancels every query in flight (their callbacks are not called) and frees u. */
void upstream_free(struct upstream *u);

/* Sends pkt (len bytes, ID and all as given) to server over UDP, or TCP when tcp is set, and
 * calls cb(arg, result) exactly once, later, from the loop: with the reply, or after
 * timeout_ms, or on a transport error. Returns a handle for upstream_cancel, or NULL when the
 * query cannot be started (out of channels or memory): cb is then never called. */
struct upstream_query *upstream_send(struct upstream *u, const struct sockaddr *server,
				     const uint8_t *pkt, size_t len, bool tcp,
				     uint32_t timeout_ms, upstream_cb cb, void *arg);

/* Abandons q: its callback will not be called. q must be in flight (its callback not yet
 * called). */
void upstream_cancel(struct upstream *u, struct upstream_query *q);

/* Counters of this upstream. */
void upstream_stats(const struct upstream *u, struct upstream_stats *out);

#endif
