/* resolver/auth/auth_zone.h: one loaded zone of the authoritative engine, and answering in it.
 *
 * Internal to resolver/auth*.c. A zone is its master file's records (lib/zonefile), grouped
 * into nodes, one per owner name plus one per empty non-terminal, each node's records sorted
 * by type so that an RRset is a contiguous run that lib/wire's builder takes whole. A hash
 * table of the nodes (open addressing, keyed by name_hash, which ignores ASCII case) finds a
 * name in one probe sequence; the lookup of a question walks down from the apex one label at
 * a time, so its cost is the number of labels below the apex, whatever the zone's size.
 *
 * auth_zone.c builds the index and looks names up; auth_answer.c writes the sections of a
 * reply (answer, CNAME chain, wildcard, referral, negative answers, additional addresses).
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

#include "wire.h"
#include "zonefile.h"

/* CNAMEs followed inside a zone for one question: stops alias loops and long chains. */
#define AUTH_MAX_CNAME 16

#define AUTH_NODE_CUT 1u /* NS here and not the apex: a delegation to a child zone */

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

/* Writes the answer, authority and additional sections for qname/qtype from zone z into b,
 * which holds the question. Sets AA in b->flags unless the reply is a referral, and TC when a
 * needed RRset did not fit. Returns the rcode (NOERROR or NXDOMAIN). Allocates nothing. */
unsigned auth_zone_answer(const struct auth_zone *z, const uint8_t *qname, uint16_t qtype,
			  struct wire_builder *b);

#endif
