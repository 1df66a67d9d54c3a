/* resolver/iter/iterator.h: the resolution state machine for one client question.
 *
 * Pure logic: events go in (start, a reply, a timeout, a transport failure, each carrying
 * now), and each returns the next action: send this query to that server, or done. It never
 * touches a socket or the clock, so the daemon (server.c) and qdig +trace drive the
 * same code, and tests can play scripted replies to it.
 *
 * A resolution walks from the closest zone cut in the cache (or the root hints, priming the
 * root NS set first, RFC 8109) down the referrals, one query in flight at a time. It follows
 * CNAME and DNAME restarts, resolves name servers that came without glue as sub-questions,
 * believes records only within the bailiwick of the zone asked (iter_reply.c scrubs), caches
 * what it learns with RFC 2181 trust, and ends with an answer (rcode, answer records,
 * authority records) or SERVFAIL when a server list is exhausted or a limit is hit. Every
 * query sent and what came of it is a step of the trace.
 *
 * Everything lives in the arena given to iter_new and dies with it. Not thread-safe: one
 * question is driven by one thread; the cache and infra it uses are thread-safe.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_ITERATOR_H
#define RESOLVER_ITERATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "arena.h"
#include "cache.h"
#include "hints.h"
#include "infra.h"
#include "wire.h"

/* Every bound on the work one client question may cause; filled from the configuration
 * (limits: in resolverd's YAML), with the defaults below. Hitting one ends the resolution
 * with SERVFAIL and a trace step naming it. */
struct iter_limits {
	unsigned referrals;   /* delegation depth; stops referral loops */
	unsigned cname_chain; /* CNAME/DNAME restarts; stops alias loops */
	unsigned upstream;    /* queries sent for one client question */
	unsigned glueless;    /* NS-address sub-resolutions (the NXNSAttack lesson) */
	uint32_t budget_ms;   /* wall time before SERVFAIL */
};

/* Defaults in line with Unbound, BIND and PowerDNS. */
#define ITER_REFERRALS_DEFAULT 16
#define ITER_CNAME_CHAIN_DEFAULT 12
#define ITER_UPSTREAM_DEFAULT 48
#define ITER_GLUELESS_DEFAULT 10
#define ITER_BUDGET_MS_DEFAULT 10000

/* What a resolution may use; borrowed for its whole life. */
struct iter_env {
	struct cache *cache;
	struct infra *infra;
	const struct hints *hints;
	struct iter_limits limits;
	uint16_t upstream_port;   /* port of every authoritative server */
	uint16_t edns_size;       /* EDNS UDP size sent upstream */
	bool query_special;       /* may query loopback/private/special addresses learnt from
				     delegations (the hints' addresses are always usable) */
	bool keep_replies;        /* keep each step's raw reply in the trace (qdig +trace) */
	bool tcp_only;            /* every query over TCP (qdig +trace +tcp); else UDP, and
				     TCP after a truncated reply */
	bool use_0x20;            /* random case in UDP query names, unless a server is known
				     not to repeat it (infra_keeps_case) */
};

enum iter_step_kind {
	ITER_STEP_ANSWER,    /* the answer (or its last RRset) came */
	ITER_STEP_CNAME,     /* an alias: the resolution restarts at its target */
	ITER_STEP_REFERRAL,  /* a delegation to a zone further down */
	ITER_STEP_NXDOMAIN,
	ITER_STEP_NODATA,
	ITER_STEP_LAME,      /* a referral up or sideways, or no AA where an answer was due */
	ITER_STEP_RCODE,     /* SERVFAIL, REFUSED, FORMERR, NOTIMP...: try another server */
	ITER_STEP_TRUNCATED, /* TC=1 over UDP: the same query goes again over TCP */
	ITER_STEP_MALFORMED, /* a reply that does not parse or does not match the question */
	ITER_STEP_TIMEOUT,
	ITER_STEP_FAILED,    /* the transport failed: refused, unreachable */
	ITER_STEP_LIMIT,     /* a limit of struct iter_limits was hit: note says which */
	ITER_STEP_NO_SERVER, /* no server left to ask for a zone */
};

/* One step: a query and what came of it (or, for LIMIT and NO_SERVER, why it stopped). */
struct iter_step {
	enum iter_step_kind kind;
	unsigned depth;              /* 0: the client's question; 1 and more: sub-questions
					(name server addresses, root priming) */
	const uint8_t *qname;        /* the name asked (after CNAME restarts) */
	uint16_t qtype;
	const uint8_t *zone;         /* the zone the server was asked as an authority for */
	const uint8_t *server_name;  /* the NS name of the server asked */
	struct sockaddr_storage addr;
	bool tcp;
	uint32_t rtt_ms;
	size_t reply_len;
	unsigned rcode;
	const uint8_t *target;       /* REFERRAL: the delegated zone; CNAME: the new name */
	const uint8_t *reply;        /* the raw reply when env->keep_replies, else NULL */
	const char *note;            /* a static explanation, or NULL */
};

enum iter_action_kind {
	ITER_SEND, /* send query (query_len bytes) to addr; tcp says how; then report */
	ITER_DONE, /* the resolution is over: read iter_result */
};

struct iter_action {
	enum iter_action_kind kind;
	struct sockaddr_storage addr;
	bool tcp;
	bool exact_case;  /* the reply's question name must repeat the query's case (0x20) */
	uint32_t timeout_ms;
	uint8_t query[512];
	size_t query_len;
};

struct iter;

/* A resolution of (qname, qtype, qclass) in arena a, using env (borrowed). NULL when the
 * arena is out of memory. */
struct iter *iter_new(struct arena *a, const struct iter_env *env, const uint8_t *qname,
		      uint16_t qtype, uint16_t qclass, uint64_t now_ms);

/* Starts the resolution: fills act with the first action (ITER_DONE at once when the cache
 * holds the answer). */
void iter_start(struct iter *it, uint64_t now_ms, struct iter_action *act);

/* Events for the query of the last ITER_SEND; each fills act with the next action. */
void iter_reply(struct iter *it, const uint8_t *reply, size_t len, uint32_t rtt_ms,
		uint64_t now_ms, struct iter_action *act);
void iter_timeout(struct iter *it, uint32_t rtt_ms, uint64_t now_ms, struct iter_action *act);
void iter_failed(struct iter *it, const char *why, uint32_t rtt_ms, uint64_t now_ms,
		 struct iter_action *act);
/* A timeout during which the server did answer, but with the question name in another case
 * than the 0x20 query's: it is remembered as not keeping case, and asked again without. */
void iter_case_mismatch(struct iter *it, uint32_t rtt_ms, uint64_t now_ms,
			struct iter_action *act);

/* After ITER_DONE: the rcode (NOERROR, NXDOMAIN or SERVFAIL), and the records for the client,
 * per section (answer: the CNAME/DNAME chain in order, then the answer RRset; authority: the
 * SOA of a denial). The records live in the arena. */
unsigned iter_result(const struct iter *it, const struct wire_rr **answer, size_t *n_answer,
		     const struct wire_rr **authority, size_t *n_authority);

/* The steps so far, oldest first. */
const struct iter_step *iter_trace(const struct iter *it, size_t *n);

/* A short name for a step kind ("referral", "timeout"...), for logs and printing. */
const char *iter_step_name(enum iter_step_kind kind);

#endif
