/* resolver/local/local.h: the zones a resolver answers itself, without asking anyone.
 *
 * The defaults real resolvers serve (Unbound's list): RFC 6761 localhost (every name at or
 * below it has A 127.0.0.1 and AAAA ::1), invalid and test (NXDOMAIN), RFC 7686 onion, RFC
 * 8375 home.arpa, and the RFC 6303 reverse zones of loopback, "this network", private,
 * link-local, shared, documentation and broadcast addresses (NXDOMAIN but for
 * 1.0.0.127.in-addr.arpa and ::1's PTR localhost.). Every other type at a zone's names is
 * NODATA; each answer carries the zone's SOA in the authority section (RFC 6303 §3).
 * Each zone can be switched off by name (a user with a real internal zone of that name).
 *
 * Pure lookup: no allocation, no lock; a struct local_zones is read-only once set up.
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

#define LOCAL_MAX_ZONES 64 /* the built-in zones: the table in local.c */

struct local_zones {
	uint8_t name[LOCAL_MAX_ZONES][NAME_MAX_WIRE]; /* the built-in zones, wire form */
	bool off[LOCAL_MAX_ZONES];
	size_t n;
};

/* An answer from a local zone: records point into the struct (and static data). */
struct local_answer {
	unsigned rcode;
	struct wire_rr an[1], soa;
	size_t n_an;
	uint8_t owner[NAME_MAX_WIRE], soa_rdata[64];
};

/* Every built-in zone on, then the n names of off[] switched off. false when one of them is
 * no built-in zone: *bad is its index in off[]. */
bool local_zones_init(struct local_zones *z, const uint8_t (*off)[NAME_MAX_WIRE], size_t n,
		      size_t *bad);

/* Answers (qname, qtype) of class IN when qname lies in a zone that is on: true, with *out
 * filled (qname's case kept in the answer's owner). false: not local, resolve it. */
bool local_answer(const struct local_zones *z, const uint8_t *qname, uint16_t qtype,
		  struct local_answer *out);

#endif
