/* resolver/iter/infra.h: what the resolver has learnt about authoritative servers: round-trip
 * times, timeouts, and lameness per zone.
 *
 * Keyed by server address. Round-trip times follow RFC 6298 (smoothed RTT and variance, RTO =
 * SRTT + 4 RTTVAR); a timeout doubles a server's RTO (up to INFRA_RTO_MAX_MS) until it answers
 * again. A server that does not repeat the case of a question name is remembered, to be asked
 * without 0x20. A server found lame for a zone is skipped for that zone for INFRA_LAME_MS.
 *
 * A server whose timeout has backed off to INFRA_RTO_MAX_MS and whose query sent with it timed
 * out again is down, as Unbound's host-down state: it is not
 * asked, but for one probe query per INFRA_PROBE_MS, until a reply from it ends that. So a
 * slow server that answers within INFRA_RTO_MAX_MS is never down, however slow; nor is one
 * whose burst of queries sent together at a shorter timeout all timed out (a burst of
 * timeouts backs it off to the maximum at once; only a query sent with that can make it
 * down). The table
 * is bounded (INFRA_MAX_SERVERS; when full it starts over, which only forgets RTTs). Shared by
 * all workers: one mutex, held for a few instructions per call. Time is passed in.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_INFRA_H
#define RESOLVER_INFRA_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#define INFRA_MAX_SERVERS 16384   /* servers remembered; bounds memory */
#define INFRA_RTO_MAX_MS 5000     /* a timed-out server's RTO stops doubling here; a query
				     sent with it that times out makes the server down */
#define INFRA_RTO_MIN_MS 200      /* the least timeout, however fast a server has been */
#define INFRA_LAME_MS (15 * 60000) /* how long a lame server is skipped for a zone */
#define INFRA_PROBE_MS 10000      /* while down, a server gets one query (a probe) per this
				     long: how soon one that came back is used again, and how
				     often a question pays the timeout of one still dead */

struct infra;

/* A new table; first_timeout_ms is the RTO of a server never heard from. NULL when memory
 * is short. */
struct infra *infra_new(uint32_t first_timeout_ms);
void infra_free(struct infra *in);

/* The timeout to use for the next query to addr. */
uint32_t infra_rto_ms(struct infra *in, const struct sockaddr *addr);

/* A reply came from addr after rtt_ms: updates SRTT/RTTVAR and ends any backoff. */
void infra_rtt(struct infra *in, const struct sockaddr *addr, uint32_t rtt_ms);

/* A query sent to addr with the timeout sent_rto_ms (what infra_rto_ms gave) got no reply:
 * it timed out, or failed (refused, unreachable: sent_rto_ms is then 0, no time was lost).
 * Doubles the RTO; when the query timed out after INFRA_RTO_MAX_MS and the RTO is still there
 * (no reply since), addr is down from now_ms. A failure never makes it down: it costs a
 * question no time, and a server restarting refuses for a moment. */
void infra_timeout(struct infra *in, const struct sockaddr *addr, uint32_t sent_rto_ms,
		   uint64_t now_ms);

enum infra_use {
	INFRA_USE,   /* not down: ask it */
	INFRA_PROBE, /* down, and this caller has the probe: ask it (the next probe is due
			INFRA_PROBE_MS from now) */
	INFRA_SKIP,  /* down: do not ask it */
};

/* Whether a query may go to addr at now_ms. Taking the probe is the caller's promise to
 * send it: a caller that asks only one of several servers calls this for that one. */
enum infra_use infra_use(struct infra *in, const struct sockaddr *addr, uint64_t now_ms);

/* Marks addr lame for zone (a name) until now_ms + INFRA_LAME_MS. */
void infra_set_lame(struct infra *in, const struct sockaddr *addr, const uint8_t *zone,
		    uint64_t now_ms);

/* True when addr is marked lame for zone at now_ms. */
bool infra_is_lame(struct infra *in, const struct sockaddr *addr, const uint8_t *zone,
		   uint64_t now_ms);

/* addr answered a query whose name had random case (0x20) with the name in another case:
 * ask it without 0x20 from now on. */
void infra_set_no_0x20(struct infra *in, const struct sockaddr *addr);

/* False once infra_set_no_0x20 was called for addr (until the table starts over). */
bool infra_keeps_case(struct infra *in, const struct sockaddr *addr);

/* One server as infra_walk shows it (resolverd-ctl dump-infra). */
struct infra_entry {
	struct sockaddr_storage addr; /* AF_INET or AF_INET6, port 0 */
	bool timed;                   /* a reply was timed; until then srtt and rttvar are 0 */
	uint32_t srtt_ms, rttvar_ms;
	uint32_t rto_ms;              /* the timeout its next query gets */
	uint64_t lame_left_ms;        /* 0, or how long it is still skipped for one zone */
	bool no_0x20;                 /* asked without random case */
	bool down;                    /* timed out at INFRA_RTO_MAX_MS: only probed */
	uint64_t probe_in_ms;         /* while down: how long until its next probe (0: due) */
};

typedef void (*infra_walk_fn)(void *arg, const struct infra_entry *e);

/* Calls fn for every server in the table, in no particular order, and returns how many. The
 * table is copied a few hundred servers at a time under the lock and fn runs with no lock
 * held, so a slow reader never holds up a resolution for long; a server added or forgotten
 * meanwhile may be shown or not. */
size_t infra_walk(struct infra *in, uint64_t now_ms, infra_walk_fn fn, void *arg);

/* Forgets what is known of addr (NULL: of every server): its next query starts from the first
 * timeout, with 0x20, lame for no zone, not down. Returns how many servers were forgotten. */
size_t infra_forget(struct infra *in, const struct sockaddr *addr);

#endif
