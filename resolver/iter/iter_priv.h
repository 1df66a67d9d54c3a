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
#include "val_sig.h"

#define ITER_MAX_NS 16    /* NS names considered per zone; more are ignored */
#define ITER_MAX_SRV 32   /* server addresses considered per zone: 13 dual-stack servers (the
			     root's, a big TLD's) have 26; more are ignored */
#define ITER_MAX_DEPTH 12 /* nested sub-questions: priming, NS address of NS address, and
			     with validation the DS and DNSKEY of each zone up to an anchor */
#define ITER_BOGUS_RETRIES 2 /* a client's question asked again after a reply that does not
			     validate, as Unbound does: a forged reply that won the race costs
			     a query, not SERVFAIL for bogus-ttl */
#define ITER_FIRST_TRIES 1 /* UDP tries of one server of a forward or stub zone with first set:
			     the fallback to iteration must fit in the time budget once a dead
			     forwarder's timeout has backed off to INFRA_RTO_MAX_MS */
#define ITER_MAX_FWD_DOWN 8 /* forward and stub zones given up in one resolution (first set);
			     one more is not given up: its failure is the answer */
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
	bool validate;               /* its answer is validated: the client's question, and the
					DS and DNSKEY questions of the chain (not NS addresses) */
	bool zone_known;             /* the security of zone (and signer) has been settled */
	bool signer_asked;           /* signer's keys were fetched once for this target */
	uint8_t signer[NAME_MAX_WIRE]; /* a zone below zone whose keys the answer needs (a
					server of both parent and child answered for the
					child); empty (0) when none */
	/* QNAME minimisation (RFC 9156) */
	unsigned qmin_labels;        /* labels of the name asked of zone's servers; at or
					below zone's labels: to be chosen; qname's: the full
					question */
	unsigned qmin_steps;         /* minimised names chosen (ITER_QMIN_MAX_COUNT) */
	bool qmin_off;               /* the full question from now on: the relaxed fallback */
	bool zone_cached;            /* zone's servers came from the cache, not a referral */
	bool parent_tried;           /* the parent-side fallback was taken (iterator.c) */
	const struct fwd_zone *fwd;  /* the forward or stub zone whose listed servers are asked
					(zone is its name); NULL: servers of a delegation */
	bool fwd_rd;                 /* fwd is a forward zone: RD=1, the answer taken as it is,
					no referral, no minimisation */
};

/* What the resolution knows of one zone's keys (iter_val.c), whoever asked. */
struct iter_zone_keys {
	const uint8_t *zone;
	enum val_state ds_state;  /* INDETERMINATE: not known yet; SECURE: ds holds the proven
				     DS set; INSECURE: proven without; BOGUS */
	const struct wire_rr *ds;
	size_t n_ds;
	enum val_state key_state; /* INDETERMINATE: not known yet; SECURE: keys holds the
				     proven DNSKEY set; INSECURE, BOGUS: the zone's data is so */
	bool settled;             /* key_state is final (INDETERMINATE then: no anchor) */
	enum val_reason reason;   /* for BOGUS and INSECURE */
	const struct wire_rr *keys;
	size_t n_keys;
	bool ds_asked, key_asked; /* each is asked once per resolution */
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
	unsigned n_referrals, n_cnames, n_upstream, n_glueless, n_bogus;
	bool prime_failed;           /* priming failed: start from the hints themselves */
	/* the query in flight */
	int cur;                     /* index in the top target's srv[] */
	bool cur_tcp;
	uint32_t cur_rto_ms;         /* the server's RTO (infra) when it was sent */
	bool cur_0x20;               /* the name went out in sent_qname's random case */
	bool cur_min;                /* the question asked is a minimised one (asked) */
	uint8_t asked[NAME_MAX_WIRE]; /* the name asked, in the target's case */
	uint16_t asked_type;
	uint8_t sent_qname[NAME_MAX_WIRE];
	/* forward and stub zones with first set whose every server failed: not used again */
	const struct fwd_zone *fwd_down[ITER_MAX_FWD_DOWN];
	unsigned n_fwd_down;
	/* validation */
	uint32_t wall_s;             /* real time for signature validity */
	struct val_budget budget;
	struct iter_zone_keys *zkeys;
	size_t n_zkeys, cap_zkeys;
	enum val_state sec;          /* the worst of what went into the client's answer */
	enum val_reason sec_reason;
	const uint8_t *sec_zone;
	/* the result */
	uint16_t fail_code;          /* SERVFAIL: its EDE (iter_failure), when fail_text is set */
	const char *fail_text;
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
	REPLY_RETRY,    /* validation needs keys of a zone below first: ask again after */
	REPLY_NO_CUT,   /* to a minimised query: the name is no zone cut (data, NODATA, an
			   alias): one label more */
};

/* Reads the reply m of the zone t->zone's server for target t: drops what is out of
 * bailiwick, caches what is in it with its trust, adds the client's records to it->answer and
 * it->authority when t is the client's question (depth 0), and says what the reply means.
 * For REFERRAL, *ns_set is the NS records of the new zone (in m) and *n_ns their count. */
enum iter_reply_kind iter_reply_classify(struct iter *it, struct iter_target *t,
					 const struct wire_msg *m, uint64_t now_ms,
					 const struct wire_rr **ns_set, size_t *n_ns);

/* Reads the reply m to the minimised query (it->asked, it->asked_type) for target t: a
 * referral as iter_reply_classify does, LAME, NO_CUT, or NXDOMAIN; in strict mode the
 * NXDOMAIN is t's answer (RFC 8020: nothing exists below), with the denial of the name asked
 * cached and given to the client; in relaxed mode nothing of it is kept. */
enum iter_reply_kind iter_reply_minimised(struct iter *it, struct iter_target *t,
					  const struct wire_msg *m, uint64_t now_ms,
					  const struct wire_rr **ns_set, size_t *n_ns);

/* After a 0x20 query sent as sent for the name orig: gives the names of m that repeat sent's
 * random case (the question, and whatever the server compressed against it) orig's case
 * back, so that neither the cache nor clients see the random case. */
void iter_reply_restore_case(struct wire_msg *m, const uint8_t *sent, const uint8_t *orig);

/* Appends a copy of the struct (not the data it points to) to l, in the arena. */
bool iter_list_add(struct iter *it, struct rr_list *l, const struct wire_rr *rr);

/* Caches the records of section s of m that have the owner, type and class of rr, as one
 * RRset with the given trust, validated for target t when it validates (iter_val_rrset);
 * when t is the client's question and answer is true, they go into the client's answer too,
 * with their RRSIGs. *sec is the security given. false when validation needs the keys of a
 * zone below t's first (iter_val_rrset): nothing was cached, the query is to be repeated. */
bool iter_cache_rrset(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		      enum wire_section s, const struct wire_rr *rr, enum cache_trust trust,
		      bool answer, uint64_t now_ms, enum cache_security *sec);

/* iterator.c's cache lookup into the scratch buffer, and its push of a sub-question. */
enum cache_res iter_lookup(struct iter *it, const uint8_t *name, uint16_t type,
			   enum cache_trust trust, uint64_t now_ms, struct cache_rrset **out);
struct iter_target *iter_push(struct iter *it, const uint8_t *name, uint16_t type);

/* Records a verdict of validation in the trace (ITER_STEP_VERDICT). */
void iter_trace_verdict(struct iter *it, const uint8_t *owner, uint16_t type, bool denial,
			const uint8_t *zone, enum val_state st, enum val_reason reason,
			const struct val_info *info);

/* A copy in the arena of n records (owners and rdata too), e.g. out of the scratch buffer;
 * NULL when memory is short. */
struct wire_rr *iter_copy_rrs(struct iter *it, const struct wire_rr *rr, size_t n);

/* ---- validation (iter_val.c) ---- */

/* What validating a reply's RRset or denial gave: the security and the records that go with
 * it (RRSIGs; for a denial its proof), in the arena. */
struct iter_val_out {
	struct cache_sec sec;
	struct wire_rr *extra;
	size_t n_extra;
};

/* Settles the security of t's zone (and of t->signer when set) before t's query goes out:
 * true when known (from this resolution, the cache or a trust anchor), false when a DS or
 * DNSKEY sub-question was pushed and must be answered first. */
bool iter_val_zone_ready(struct iter *it, struct iter_target *t, uint64_t now_ms);

/* Validates the RRset set[0..n) of section s of m, from t's zone, into out. Returns false
 * when its signer is a zone below t->zone whose keys are not known yet: t->signer names it
 * and the query must be asked again once they are (iter_val_zone_ready fetches them). */
bool iter_val_rrset(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		    enum wire_section s, const struct wire_rr *set, size_t n,
		    struct iter_val_out *out);

/* Validates the denial in m (NXDOMAIN when nxdomain, else NODATA) of t's question, whose
 * SOA is soa, into out (extra: the SOA's RRSIGs, NSEC, NSEC3 and their RRSIGs). false as
 * for iter_val_rrset, when the SOA is of a zone below t->zone whose keys are not known. */
bool iter_val_denial(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		     const struct wire_rr *soa, bool nxdomain, struct iter_val_out *out);

/* After a referral from t->zone to child: validates the DS RRset (or the proof of its
 * absence) in m's authority section and records the child's DS state for the resolution. */
void iter_val_referral(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		       const uint8_t *child, uint64_t now_ms);

/* The security of t's zone as settled (UNCHECKED when t does not validate or it is not). */
enum cache_security iter_val_zone_security(struct iter *it, const struct iter_target *t);

/* Folds the security of a part of the client's answer into the whole. */
void iter_val_fold(struct iter *it, enum cache_security sec, enum val_reason reason,
		   const uint8_t *zone);

#endif
