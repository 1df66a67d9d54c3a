/* lib/zonecheck.h: the load-time checks that a set of records makes a servable zone.
 *
 * The master-file reader (zonefile.h) runs these on every zone it reads, and an authoritative
 * server can run them on zones it builds itself. The rules are BIND's and NSD's: one SOA, at
 * the apex; NS at the apex; no CNAME beside other data; nothing outside the zone; nothing
 * below a zone cut or a DNAME except glue addresses; an address for every name server named
 * inside the zone. Reading text is zonefile's business; this module sees records only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_ZONECHECK_H
#define LIB_ZONECHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Where a record was read, for messages. */
struct zonecheck_pos {
	const char *file; /* the file (or the name given to a text) the record is in */
	uint32_t line;    /* the line where the record begins, from 1 */
};

/* Checks that the n records rr (in the order read; same class assumed) make a zone whose apex
 * is origin. The rules, each naming the first offending record in rr's order:
 *   - every owner is at or below origin;
 *   - exactly one SOA, owned by origin;
 *   - at most one CNAME at a name, and none beside other data except RRSIG and NSEC
 *     (RFC 1034 §3.6.2, RFC 2181 §10.1, RFC 4035 §2.5); at most one DNAME at a name;
 *   - at least one NS at origin (RFC 1034 §4.2.1);
 *   - at a zone cut (NS below origin) only NS, DS, RRSIG, NSEC and glue A/AAAA; below a cut
 *     only glue A/AAAA (anything else is occluded, and an error, as in BIND);
 *   - nothing below a DNAME (RFC 6672 §2.3);
 *   - every name server whose name is at or below origin has an A or AAAA record: glue when
 *     it lies at or below a cut, an address otherwise (BIND's check-integrity).
 * Time and memory are linear in n (a hash table of owner names).
 * pos, when not NULL, holds n positions, one per record. Returns true when the zone passes.
 * Otherwise false with err set to "file:line: reason" (the record's position), or to
 * "name: reason" when pos is NULL or no single record is at fault (a missing SOA or NS); the
 * reason names the owner and type. Also false, with "name: out of memory", when the
 * temporary table cannot be allocated. Nothing passed in is kept.
 */
bool zonecheck_run(const uint8_t *origin, const struct wire_rr *rr, size_t n,
		   const struct zonecheck_pos *pos, const char *name, char err[static 256]);

#endif
