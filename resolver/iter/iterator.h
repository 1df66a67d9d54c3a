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
#include "fwd.h"
#include "hints.h"
#include "infra.h"
#include "val.h"
#include "val_anchor.h"
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

/* DNSSEC validation (RFC 4035 §5), when iter_env.dnssec is set. Each RRset and denial is
 * validated once, as it enters the cache, with the keys of the zone that signed it; the keys
 * are proven first, from a trust anchor down the DS records of each delegation, by
 * sub-questions for DS (asked of the parent) and DNSKEY (of the zone) that are cached like
 * any answer. Answers under no anchor are left unchecked. */
struct iter_dnssec {
	const struct val_anchors *anchors; /* trust anchors and negative trust anchors */
	struct val_limits limits;          /* KeyTrap and NSEC3 bounds per resolution */
	uint32_t bogus_ttl_s;              /* how long bogus data is kept (and refused) */
};

/* QNAME minimisation (RFC 9156): what the servers above the zone of a name learn of it. */
enum iter_qmin {
	ITER_QMIN_OFF,     /* every server is asked the full question */
	ITER_QMIN_RELAXED, /* one label more at each zone, type A; a server that answers such a
			      query with NXDOMAIN, REFUSED, SERVFAIL, FORMERR or NOTIMP (a broken
			      empty non-terminal) is asked the full question (Unbound's default) */
	ITER_QMIN_STRICT,  /* type NS, and no fallback: an NXDOMAIN ends the question (RFC 8020) */
};

#define ITER_QMIN_MAX_COUNT 10 /* RFC 9156 §2.3 MAX_MINIMISE_COUNT: minimised names asked for
			     one target; stops a name of 100 labels costing 100 queries */
#define ITER_QMIN_ONE_LAB 4   /* RFC 9156 §2.3 MINIMISE_ONE_LAB: the first minimised names
			     grow by one label each, the later ones by as many as it takes
			     to reach the full name within ITER_QMIN_MAX_COUNT */

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
	const struct iter_dnssec *dnssec; /* NULL: no validation, nothing is asked DO=1 */
	enum iter_qmin qmin;      /* QNAME minimisation; OFF when zeroed */
	const struct fwd_zones *forward; /* forward zones (fwd.h); NULL: none */
	const struct fwd_zones *stub;    /* stub zones; NULL: none */
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
	ITER_STEP_KEYS,      /* the answer is signed by a zone below the one asked: its keys
				are fetched, then the question asked again */
	ITER_STEP_VERDICT,   /* no query: what validation made of an RRset or a denial
				(qname, qtype) of zone; security, key_tag, algorithm, note */
	ITER_STEP_BOGUS,     /* the reply did not validate: perhaps forged, so the question
				is asked again (ITER_BOGUS_RETRIES times at most); the last kind
				(resolver/ctl/ctl_trace.c reads kinds up to it) */
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
	/* ITER_STEP_VERDICT: */
	enum val_state security;
	uint16_t key_tag;            /* of the RRSIG that verified or got furthest; 0: none */
	uint8_t algorithm;
	uint32_t sig_time;           /* for an expired RRSIG its expiration, for one not yet
					valid its inception (RFC 4034 §3.1.5 serial time); else 0 */
	bool denial;                 /* a denial of (qname, qtype), else its RRset */
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

/* A resolution of (qname, qtype, qclass) in arena a, using env (borrowed). now_ms is the
 * caller's clock (monotonic) as for every event; wall_s the real time, Unix seconds, against
 * which signature validity is judged. NULL when the arena is out of memory. */
struct iter *iter_new(struct arena *a, const struct iter_env *env, const uint8_t *qname,
		      uint16_t qtype, uint16_t qclass, uint64_t now_ms, uint32_t wall_s);

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
 * SOA of a denial). Each RRset is followed by the RRSIGs that came with it, and a denial's
 * SOA by its proof (RRSIGs, NSEC, NSEC3): iter_strip_dnssec takes them out for clients
 * without DO. The records live in the arena. */
unsigned iter_result(const struct iter *it, const struct wire_rr **answer, size_t *n_answer,
		     const struct wire_rr **authority, size_t *n_authority);

/* After ITER_DONE: what validation made of the answer as a whole, the worst of its parts
 * (bogus, then insecure, then unchecked (VAL_INDETERMINATE), then secure); for anything but
 * secure, *reason says why and *zone (NULL if none) names the zone at fault. */
enum val_state iter_security(const struct iter *it, enum val_reason *reason,
			     const uint8_t **zone);

/* Extended DNS Error codes (RFC 8914 §4) the iterator gives for a SERVFAIL. */
#define ITER_EDE_OTHER 0            /* a limit of struct iter_limits was hit */
#define ITER_EDE_NO_REACHABLE 22    /* No Reachable Authority: every server of a zone failed */
#define ITER_EDE_NETWORK_ERROR 23   /* Network Error: they could not even be sent to */

/* After ITER_DONE with SERVFAIL: why, as an EDE INFO-CODE in *code and a static-lifetime or
 * arena text (the step that failed and the zone, or the limit hit); NULL when the failure was
 * not the iterator's own (a bogus answer: iter_security says it). */
const char *iter_failure(const struct iter *it, uint16_t *code);

/* The records that travel with an RRset (struct cache_sec's extra, as iter_result gives them
 * too) are its RRSIGs first, then for a wildcard expansion the NSEC or NSEC3 proof of it and
 * the proof's RRSIGs: the first go in the answer section with the RRset, the proof in the
 * authority section. Returns how many of extra[0..n) are of the first kind. */
size_t iter_extra_answer(const struct wire_rr *set, const struct wire_rr *extra, size_t n);

/* Copies the records of a section (answer true: the answer section) that a client without
 * DO gets into out (room for n): all but RRSIG, NSEC and NSEC3, unless qtype asks for that
 * type (in the answer section). Returns the count. */
size_t iter_strip_dnssec(const struct wire_rr *rr, size_t n, uint16_t qtype, bool answer,
			 struct wire_rr *out);

/* The steps so far, oldest first. */
const struct iter_step *iter_trace(const struct iter *it, size_t *n);

/* A short name for a step kind ("referral", "timeout"...), for logs and printing. */
const char *iter_step_name(enum iter_step_kind kind);

#endif
