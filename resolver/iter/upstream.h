/* resolver/iter/upstream.h: sending one query to one authoritative server, from a worker's event
 * loop, over UDP or TCP, and reading back the one reply that belongs to it.
 *
 * Every socket is non-blocking, connect included: a silent, slow or hostile server costs its
 * query the timeout given, never the loop. Each UDP query has a socket of its own, bound to
 * a random source port (RFC 5452 §9.2) and connected to the server, so the kernel drops
 * datagrams from any other address or port. A datagram that does arrive is the reply only
 * when its ID, QR bit, question type, class and name match the query (RFC 5452 §9.1); the
 * name without regard to case, or exactly when UPSTREAM_0X20 says its case was randomised.
 * Anything else is dropped and counted, and the query goes on waiting for the real reply;
 * after one that differs only in case, for 100 ms more at most (the server may not keep case).
 * UDP replies are read whole up to 65,535 bytes; TCP replies (RFC 7766 length-prefixed) up
 * to 65,535 bytes too, within the same timeout for connect, write and the whole reply. TC=1,
 * rcodes and retries are the caller's business: a reply is handed back as it came.
 *
 * Memory per query in flight: one small struct, plus the reply's bytes while a TCP reply is
 * being read. Everything is given back when the query ends.
 *
 * Not thread-safe but for upstream_stats: one struct upstream per worker, used from its loop.
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
	UPSTREAM_TIMEOUT, /* no matching reply within the timeout */
	UPSTREAM_FAILED,  /* refused, unreachable, connection reset...: error says which */
};

struct upstream_result {
	enum upstream_status status;
	const uint8_t *reply; /* valid during the callback only */
	size_t len;
	uint32_t rtt_ms;      /* from sending to the reply or the give-up */
	bool tcp;
	bool case_mismatch;   /* UPSTREAM_0X20: a datagram matching but for the case of its
				 question name came and was dropped */
	const char *error;    /* a static string for UPSTREAM_FAILED and UPSTREAM_TIMEOUT */
};

typedef void (*upstream_cb)(void *arg, const struct upstream_result *r);

/* Flags of upstream_send. */
#define UPSTREAM_TCP 1u  /* over TCP (else UDP) */
#define UPSTREAM_0X20 2u /* the question name's case is random: a reply must repeat it exactly */
#define UPSTREAM_NO_QUESTION 4u /* pkt has no question (qdig +header-only): the reply is matched
				   by ID and QR alone and must carry no question either. The
				   daemon never sets it: its replies must repeat the question */

struct upstream_stats {
	uint64_t sent, replies, timeouts, failures;
	uint64_t sockets;      /* UDP sockets opened: one per UDP query */
	uint64_t mismatched;   /* datagrams dropped: not a reply to the query on their socket */
	uint64_t case_dropped; /* of those, replies whose question differed only in case */
	uint64_t in_flight;    /* queries in flight now */
	uint16_t last_port;    /* source port of the last UDP socket */
};

/* A new upstream for loop l, or NULL when memory is short. port_random: bind each UDP
 * socket to a random port from 1024-65535 (else the kernel's ephemeral choice). */
struct upstream *upstream_new(struct loop *l, bool port_random);

/* From now on, every socket of u is bound to src's address (and its port, when not 0; else a
 * random one for UDP as port_random says, the kernel's for TCP) before it connects; a query to
 * a server of the other family is sent from the kernel's choice. NULL: the kernel's choice
 * again (the default). */
void upstream_set_source(struct upstream *u, const struct sockaddr *src);

/* Cancels every query in flight (their callbacks are not called) and frees u. */
void upstream_free(struct upstream *u);

/* Sends pkt (len bytes, ID and all as given, a single question; none with
 * UPSTREAM_NO_QUESTION) to server, as flags say, and calls cb(arg, result) exactly once,
 * later, from the loop: with the reply, or after timeout_ms, or on a transport error. Returns a
 * handle for upstream_cancel, or NULL when the query cannot be started (no socket, no memory, a
 * packet that does not parse, a source address that cannot be bound): cb is then never called,
 * and errno is the failed socket call's error (0 when none failed). */
struct upstream_query *upstream_send(struct upstream *u, const struct sockaddr *server,
				     const uint8_t *pkt, size_t len, unsigned flags,
				     uint32_t timeout_ms, upstream_cb cb, void *arg);

/* Abandons q: its callback will not be called. q must be in flight (its callback not yet
 * called). */
void upstream_cancel(struct upstream *u, struct upstream_query *q);

/* Counters of this upstream; safe from any thread (each is read on its own). */
void upstream_stats(const struct upstream *u, struct upstream_stats *out);

#endif
