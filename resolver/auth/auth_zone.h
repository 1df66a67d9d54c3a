/* resolver/auth/auth_zone.h: one loaded zone of the authoritative engine, and answering in it.
 *
 * Internal to resolver/auth*.c. A zone is its master file's records (lib/zonefile), grouped
 * into nodes, one per owner name plus one per empty non-terminal, each node's records sorted
 * by type so that an RRset is a contiguous run that lib/wire's builder takes whole. A hash
 * table of the nodes (open addressing, keyed by name_hash, which ignores ASCII case) finds a
 * name in one probe sequence; the lookup of a question walks down from the apex one label at
 * a time, so its cost is the number of labels below the apex, whatever the zone's size.
 *
 * auth_zone.c builds the index and looks names up; auth_denial.c indexes the NSEC and NSEC3
 * records and picks those a denial needs; auth_answer.c writes the sections of a reply
 * (answer, CNAME chain, wildcard, referral, negative answers, additional addresses, and with
 * DO=1 the RRSIGs, DS and proofs).
 * The header checks, EDNS and the choice of zone are auth.c's.
 *
 * Immutable once built: any number of threads may look up and answer at once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_AUTH_ZONE_H
#define RESOLVER_AUTH_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "wire.h"
#include "zonefile.h"

/* CNAMEs followed inside a zone for one question: stops alias loops and long chains. */
#define AUTH_MAX_CNAME 16

#define AUTH_NODE_CUT 1u   /* NS here and not the apex: a delegation to a child zone */
#define AUTH_NODE_NSEC3 2u /* only NSEC3 and RRSIG: a hashed owner, no name (RFC 5155 §7.2.8) */

/* NSEC3 iterations a zone may have: bounds the SHA-1 work of one query (each hash costs
 * iterations + 1 digests, a denial three hashes); RFC 5155 §10.3 allows no more than 2500. */
#define AUTH_NSEC3_MAX_ITER 2500

struct auth_node {
	const uint8_t *name; /* as in the file (an ENT's is a suffix of an owner below it) */
	uint32_t first;      /* its records are rr[first .. first + n) of the zone */
	uint32_t n;          /* 0 for an empty non-terminal */
	uint32_t hash;       /* name_hash(name) */
	uint32_t flags;      /* AUTH_NODE_* */
};

struct auth_zone {
	uint8_t apex[NAME_MAX_WIRE];
	unsigned apex_labels;
	struct zonefile_zone *zf;     /* owns the records and their bytes; zf->rr is regrouped */
	struct auth_node *node;       /* node[0] is the apex */
	size_t n_node;
	uint32_t *slot;               /* node index + 1, or 0 when empty */
	size_t mask;                  /* slots - 1; a power of two at least twice n_node */
	struct wire_rr soa_neg;       /* the SOA with the negative TTL of RFC 2308 §3 */
	bool secure;                  /* signed: an RRSIG covers the apex DNSKEY (as NSD decides) */
	const struct auth_node **nsec; /* the owners of NSEC records, in canonical order */
	size_t n_nsec;
	struct {                       /* the NSEC3 chain of the apex's NSEC3PARAM, if any */
		const struct auth_node **chain; /* its owners, in hash order */
		size_t n;                       /* 0: no NSEC3 chain */
		uint16_t iterations;
		uint8_t salt_len;
		uint8_t salt[255];
	} nsec3;
};

/* What a lookup found. */
enum auth_find_kind {
	AUTH_FOUND,    /* node holds the name (wildcard says whether it was synthesised) */
	AUTH_CUT,      /* the name is at or below a delegation: node is the cut */
	AUTH_NXDOMAIN, /* no such name and no wildcard: node is the closest encloser */
};

struct auth_find {
	enum auth_find_kind kind;
	const struct auth_node *node;
	bool wildcard;
};

/* Builds the index of zf (a zone read and checked by lib/zonefile) into z, taking zf: it is
 * freed with the zone, also on failure. Regroups zf->rr, merges duplicate records and drops
 * zf->pos. false with the reason ("out of memory", "too many records") in err. */
bool auth_zone_build(struct auth_zone *z, struct zonefile_zone *zf, char err[static 64]);

/* Frees what auth_zone_build made; a zeroed struct is fine. */
void auth_zone_fini(struct auth_zone *z);

/* The node of exactly this name (any case), or NULL. */
const struct auth_node *auth_zone_get(const struct auth_zone *z, const uint8_t *name);

/* Looks name up as RFC 1034 §4.3.2 says: delegations first, walking down from the apex,
 * then the name itself, then a wildcard at the closest encloser (RFC 4592 §3.3.1). With ds
 * set a cut at the name itself is not a delegation (the DS RRset is the parent's, RFC 4035
 * §3.1.4.1). A name outside the zone gives AUTH_NXDOMAIN at the apex: callers check first.
 * Costs a hash probe per label below the apex (and one for the wildcard). */
void auth_zone_find(const struct auth_zone *z, const uint8_t *name, bool ds, struct auth_find *f);

/* The RRset of type at node nd: its first record and *n records, or NULL (*n = 0). */
const struct wire_rr *auth_zone_rrset(const struct auth_zone *z, const struct auth_node *nd,
				      uint16_t type, size_t *n);

/* What a denial of existence proves (RFC 4035 §3.1.3, RFC 5155 §7.2), with the node it is
 * about: NXDOMAIN (node: the closest encloser), NODATA (the node without the type, DS at a cut
 * included), an answer or NODATA from a wildcard (the wildcard's node), an unsigned referral
 * (the cut, which has no DS). */
enum auth_deny {
	AUTH_DENY_NXDOMAIN,
	AUTH_DENY_NODATA,
	AUTH_DENY_WILDCARD,
	AUTH_DENY_WILDCARD_NODATA,
	AUTH_DENY_REFERRAL,
};

#define AUTH_DENY_MAX 3 /* NSEC or NSEC3 RRsets one proof needs at most */

/* auth_denial.c: the NSEC and NSEC3 indexes of a zone (built by auth_zone_build; false with
 * the reason when the zone's NSEC3PARAM is unusable) and the choice of the records that prove
 * a denial, as NSD chooses them. */
bool auth_denial_build(struct auth_zone *z, char err[static 64]);
void auth_denial_fini(struct auth_zone *z);

/* The nodes whose NSEC (or, in a zone with an NSEC3 chain, NSEC3) RRsets prove what kind says
 * about qname at nd, into out; returns how many (duplicates left in). */
size_t auth_denial_proof(const struct auth_zone *z, enum auth_deny kind, const uint8_t *qname,
			 const struct auth_node *nd, const struct auth_node *out[AUTH_DENY_MAX]);

/* The NSEC3 owner matching (*exact) or covering name's hash; NULL without a chain. */
const struct auth_node *auth_denial_nsec3(const struct auth_zone *z, const uint8_t *name,
					  bool *exact);

/* Writes the answer, authority and additional sections for qname/qtype from zone z into b,
 * which holds the question. With dnssec (the query's DO bit) and a signed zone, each RRset
 * comes with its RRSIGs, referrals with the DS (or the proof that there is none) and denials
 * and wildcard answers with their NSEC or NSEC3 proofs, as NSD answers. Sets AA in b->flags
 * unless the reply is a referral, and TC when a needed RRset did not fit. Returns the rcode
 * (NOERROR or NXDOMAIN). Allocates nothing. */
unsigned auth_zone_answer(const struct auth_zone *z, const uint8_t *qname, uint16_t qtype,
			  bool dnssec, struct wire_builder *b);

/* auth.c: the checks every query passes before a zone is looked at (FORMERR without exactly
 * one question or for QTYPE OPT, NOTIMP for an opcode other than QUERY, BADVERS, REFUSED for a
 * class other than IN), or NOERROR to go on. */
struct auth;
unsigned auth_precheck(const struct wire_query *q);

/* auth.c: the deepest zone served at local (NULL: any) holding the question; for DS at a
 * zone's apex, the parent zone when the address serves it too (RFC 4035 §3.1.4.1: DS is the
 * parent's). NULL when none holds it. */
const struct auth_zone *auth_zone_for(const struct auth *a, const struct sockaddr *local,
				      const struct wire_question *q);

#endif
