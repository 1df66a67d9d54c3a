/* resolver/iter/iter_priv.h: the iterator's internals, shared by iterator.c (the dispatcher and
 * server choice) and iter_reply.c (classifying, scrubbing and caching a reply). Nothing
 * outside those two files includes it.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_ITER_PRIV_H
#define RESOLVER_ITER_PRIV_H

#include <netinet/in.h>

#include "iterator.h"

#define ITER_MAX_NS 16    /* NS names considered per zone; more are ignored */
#define ITER_MAX_SRV 32   /* server addresses considered per zone: 13 dual-stack servers (the
			     root's, a big TLD's) have 26; more are ignored */
#define ITER_MAX_DEPTH 6  /* nested sub-questions: priming, NS address of NS address... */
#define ITER_SRV_TRIES 3  /* UDP tries of one server for one target, each timeout doubling (a
			     lost datagram costs a retry, not the answer; a dead server 3 tries) */

enum ns_state { NS_UNRESOLVED, NS_ASKED_A, NS_ASKED_AAAA, NS_DONE };

struct iter_ns {
	const uint8_t *name;
	enum ns_state state;
};

/* A server address: 28 bytes where a sockaddr_storage takes 128 (ITER_MAX_SRV per target). */
union iter_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

struct iter_srv {
	union iter_addr addr;
	unsigned ns;     /* index in ns[] */
	uint8_t timeouts; /* queries to it that timed out, for this target */
	bool done;       /* it replied (whatever it said) or failed: not asked again */
	bool hint;
};

enum target_state { T_FIND_CUT, T_QUERY };

/* A name being resolved: the client's question or a sub-question. */
struct iter_target {
	uint8_t qname[NAME_MAX_WIRE];
	uint16_t qtype;
	uint8_t zone[NAME_MAX_WIRE]; /* the zone whose servers are asked */
	struct iter_ns ns[ITER_MAX_NS];
	unsigned n_ns;
	struct iter_srv srv[ITER_MAX_SRV];
	unsigned n_srv;
	enum target_state state;
	bool priming;                /* the ". NS" question of RFC 8109 */
};

struct rr_list {
	struct wire_rr *rr;
	size_t n, cap;
};

struct iter {
	struct arena *a;
	const struct iter_env *env;
	uint16_t qclass;
	struct iter_target *stack[ITER_MAX_DEPTH]; /* allocated when first reached, then reused */
	unsigned sp;                 /* targets on the stack; stack[sp - 1] is being resolved */
	uint64_t start_ms;
	unsigned n_referrals, n_cnames, n_upstream, n_glueless;
	bool prime_failed;           /* priming failed: start from the hints themselves */
	/* the query in flight */
	int cur;                     /* index in the top target's srv[] */
	bool cur_tcp;
	bool cur_0x20;               /* the name went out in sent_qname's random case */
	uint8_t sent_qname[NAME_MAX_WIRE];
	/* the result */
	bool done;
	unsigned rcode;
	struct rr_list answer, authority;
	struct iter_step *steps;
	size_t n_steps, cap_steps;
	uint8_t *scratch;            /* for cache copies */
	size_t scratch_cap;
};

/* What a reply meant, as iter_reply_classify sees it. */
enum iter_reply_kind {
	REPLY_ANSWER,   /* the target is answered */
	REPLY_CNAME,    /* t->qname now holds the alias target: restart */
	REPLY_REFERRAL, /* t->zone now holds the delegated zone; servers to be loaded */
	REPLY_NXDOMAIN,
	REPLY_NODATA,
	REPLY_LAME,
	REPLY_LIMIT,    /* the CNAME chain limit was hit */
};

/* Reads the reply m of the zone t->zone's server for target t: drops what is out of
 * bailiwick, caches what is in it with its trust, adds the client's records to it->answer and
 * it->authority when t is the client's question (depth 0), and says what the reply means.
 * For REFERRAL, *ns_set is the NS records of the new zone (in m) and *n_ns their count. */
enum iter_reply_kind iter_reply_classify(struct iter *it, struct iter_target *t,
					 const struct wire_msg *m, uint64_t now_ms,
					 const struct wire_rr **ns_set, size_t *n_ns);

/* After a 0x20 query sent as sent for the name orig: gives the names of m that repeat sent's
 * random case (the question, and whatever the server compressed against it) orig's case
 * back, so that neither the cache nor clients see the random case. */
void iter_reply_restore_case(struct wire_msg *m, const uint8_t *sent, const uint8_t *orig);

/* Appends a copy of the struct (not the data it points to) to l, in the arena. */
bool iter_list_add(struct iter *it, struct rr_list *l, const struct wire_rr *rr);

/* Caches the records of section s of m that have the owner, type and class of rr, as one
 * RRset with the given trust. */
void iter_cache_rrset(struct iter *it, const struct wire_msg *m, enum wire_section s,
		      const struct wire_rr *rr, enum cache_trust trust, uint64_t now_ms);

#endif
