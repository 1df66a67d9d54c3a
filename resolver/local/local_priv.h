/* resolver/local/local_priv.h: the inside of struct local_zones, shared by local.c (answering)
 * and local_build.c (building, the defaults). Nothing else includes it.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_LOCAL_PRIV_H
#define RESOLVER_LOCAL_PRIV_H

#include "arena.h"
#include "local.h"

/* Distinct top-level labels the cheap first check compares a question's with; with more (or
 * a zone at the root), every question takes the zone search. */
#define LOCAL_TLD_MAX 16

struct local_zone {
	const uint8_t *name; /* in the arena */
	enum local_type type;
	size_t first, n;        /* its records: rr[first .. first + n), by owner, type, rdata */
	struct wire_rr soa_neg; /* the apex SOA with the negative TTL, when has_soa */
	bool has_soa;
};

struct local_zones {
	struct local_limits lim;
	struct arena *arena;
	/* As given, in order (for local_zones_same); the zones and records of finish. */
	struct local_zone *given_zone, *zone;
	struct wire_rr *given_rr, *rr;
	size_t n_given_zones, n_given_rr, n_zones, n_rr;
	size_t cap_given_zones, cap_given_rr;
	size_t bytes;                   /* owner names and rdata held */
	bool *off;                      /* per default zone: switched off */
	uint8_t tld[LOCAL_TLD_MAX][64]; /* length byte and lower-case label */
	size_t n_tld;
	bool every_name; /* no top-level check: a root zone, or more than LOCAL_TLD_MAX */
};

/* The most specific zone of z->zone (sorted, n_zones of them) holding name, or NULL. */
const struct local_zone *local_zone_of(const struct local_zones *z, const uint8_t *name);

#endif
