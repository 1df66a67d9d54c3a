/* resolver/local/local.h: the zones a resolver answers itself, without asking anyone.
 *
 * Unbound's local-zone and local-data: each zone has a type that says what to do with a
 * question below it, and may hold records (one RR per local-data line, in master-file
 * syntax) that answer some questions from the configuration. The most specific zone holding
 * the question's name decides. The defaults are zones of this same kind, as in Unbound:
 * RFC 6761 localhost (redirect: every name at or below it has A 127.0.0.1 and AAAA ::1),
 * invalid and test, RFC 7686 onion, RFC 8375 home.arpa and the RFC 6303 reverse zones of
 * loopback, "this network", private, link-local, shared, documentation and broadcast
 * addresses (static, each with NS and SOA at its apex; 1.0.0.127.in-addr.arpa and ::1's
 * reverse name have PTR localhost.). A zone of the configuration with a default's name
 * replaces the default; local_zones_off (or type nodefault) removes one.
 *
 * The types, with Unbound's meaning (unbound.conf(5), local-zone):
 *   static: the data answers; else NODATA or NXDOMAIN, with the zone's SOA when it has one.
 *   deny / refuse: the data answers; else the question is dropped / REFUSED.
 *   transparent: the data answers; a name with data but not of the type asked is NODATA;
 *     any other name is resolved.
 *   typetransparent: the data answers; anything else is resolved.
 *   redirect: every name at or below the apex is answered from the apex's data.
 *   always_null: A 0.0.0.0 and AAAA :: (TTL 3600) for every name, NODATA for other types;
 *     the data answers first, as Unbound 1.17 does (its manual says it ignores the data).
 *   always_transparent, always_refuse, always_nxdomain, always_nodata, always_deny: the data
 *     is ignored; resolved, REFUSED, NXDOMAIN, NODATA or dropped.
 *   nodefault: no zone at all; it only switches off a default of that name.
 * A name "has data" when a record is owned by it or by a name below it in the zone (an empty
 * non-terminal is NODATA, not NXDOMAIN, in a static zone). Where the data has no record of
 * the type asked but a CNAME, the CNAME is the answer, alone, as Unbound gives it.
 *
 * Built once (local_zones_new, the adds, local_zones_finish), then read-only: local_answer
 * allocates nothing and takes no lock, so any number of threads may call it at once.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_LOCAL_H
#define RESOLVER_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"
#include "wire.h"

#define LOCAL_RRSET_MAX 64 /* records one answer may hold: the copy local_answer makes */

/* What a configuration may put into the local zones. */
struct local_limits {
	size_t zones;   /* local-zones.zones entries, defaults included: memory, load time */
	size_t records; /* local-data records, defaults included: memory, load time */
	size_t bytes;   /* bytes of owner names and rdata held: memory */
	size_t rrset;   /* records of one name and type, at most LOCAL_RRSET_MAX (more is cut
	                   to it): what one answer copies and one message can hold */
};

/* The limits resolverd uses. */
void local_limits_default(struct local_limits *lim);

enum local_type {
	LOCAL_TRANSPARENT,
	LOCAL_TYPETRANSPARENT,
	LOCAL_STATIC,
	LOCAL_DENY,
	LOCAL_REFUSE,
	LOCAL_REDIRECT,
	LOCAL_ALWAYS_NULL,
	LOCAL_ALWAYS_TRANSPARENT,
	LOCAL_ALWAYS_REFUSE,
	LOCAL_ALWAYS_NXDOMAIN,
	LOCAL_ALWAYS_NODATA,
	LOCAL_ALWAYS_DENY,
	LOCAL_NODEFAULT,
};

/* The type named by text (Unbound's spelling: "static", "always_nxdomain"...): true with *t
 * set, false for a name that is no type. */
bool local_type_from_text(const char *text, enum local_type *t);

/* A list of every type's name, for messages: "transparent, typetransparent, ...". */
const char *local_type_names(void);

struct local_zones;

/* A new, empty set of local zones under the limits lim (copied), or NULL when memory is short.
 * Fill it with the functions below, then local_zones_finish it. */
struct local_zones *local_zones_new(const struct local_limits *lim);

/* Switches off the default zone named name (local-zones.off). false with the reason in why
 * when there is no default of that name. */
bool local_zones_off(struct local_zones *z, const uint8_t *name, char why[static 160]);

/* Adds the zone name of type t (nodefault: switches off a default of that name, if any).
 * false with the reason in why: a zone of that name given twice, too many zones, no memory. */
bool local_zones_add_zone(struct local_zones *z, const uint8_t *name, enum local_type t,
                          char why[static 160]);

/* Adds one record, written as one master-file line: an absolute owner, then TTL (3600 when
 * left out, as Unbound), class IN (or none) and type with rdata. false with the reason in why
 * for a line that does not read as exactly one such record, or over a limit. */
bool local_zones_add_data(struct local_zones *z, const char *text, char why[static 160]);

/* Ends the building: adds the defaults that are neither off nor replaced, a transparent zone
 * at the owner of each record that lies in no zone (as Unbound), gives every record to the
 * most specific zone holding it and sorts the lot. false with the reason in why when the
 * result is over a limit (the defaults count), a redirect zone has data below its apex, or
 * memory is short. After it, z is read-only. */
bool local_zones_finish(struct local_zones *z, char why[static 160]);

/* Whether a and b (finished, or NULL for none) were given the same zones (data false) or the
 * same records (data true), in the same order: for telling what a reload changed. */
bool local_zones_same(const struct local_zones *a, const struct local_zones *b, bool data);

/* Frees z; local_zones_free(NULL) does nothing. */
void local_zones_free(struct local_zones *z);

enum local_result {
	LOCAL_RESOLVE, /* no local zone decides: resolve the question as usual */
	LOCAL_ANSWER,  /* answer with *out */
	LOCAL_DROP,    /* send nothing (deny) */
};

/* An answer from a local zone. an points into the zones (or at redirected[]); ns is the
 * zone's SOA, with the negative TTL (the lesser of its TTL and MINIMUM), for NODATA and
 * NXDOMAIN when the zone has one. Valid while the zones and *out live. */
struct local_answer {
	unsigned rcode;
	const struct wire_rr *an;
	size_t n_an;
	const struct wire_rr *ns;
	size_t n_ns;
	uint8_t owner[NAME_MAX_WIRE];               /* a redirected answer's owner: qname */
	struct wire_rr redirected[LOCAL_RRSET_MAX]; /* the apex's records, owned by qname */
};

/* What the local zones z (finished) say about (qname, qtype) of class IN: LOCAL_ANSWER with
 * *out filled, LOCAL_DROP, or LOCAL_RESOLVE when no local zone answers it. z NULL: resolve.
 * No allocation, no lock. */
enum local_result local_answer(const struct local_zones *z, const uint8_t *qname, uint16_t qtype,
                               struct local_answer *out);

#endif
