/* resolver/auth/auth.h: authoritative answers from loaded zones: the toy internet's servers.
 *
 * The zones of a toy-internet map (config_load_map) are loaded once; each server address of
 * the map serves the zones the map lists for it. auth_answer answers one query that arrived
 * at one of those addresses, as an authoritative server does: answers with AA, referrals at
 * zone cuts with glue, CNAME chains inside the zone, wildcards (RFC 4592), NXDOMAIN and NODATA
 * with the SOA (RFC 2308), REFUSED outside its zones, TC when a UDP reply does not fit.
 *
 * Replies are shaped like NSD's (zones/README.md and tests/system/toy_nsd_vs_auth.sh compare
 * the two): a positive answer carries the zone's NS RRset in the authority section and the
 * addresses of NS, MX and SRV targets in the additional section; ANY gets one RRset (RFC 8482).
 * Signed zones are served as NSD serves them to queries with DO=1 (RFC 4035 §3.1): RRSIGs with
 * every RRset, DS (or the NSEC/NSEC3 proof of its absence) in referrals, NSEC or NSEC3 proofs
 * in denials and wildcard answers; without DO, nothing is added.
 * Lookup walks a hash table of the zone's names from the apex down, a probe per label, so its
 * cost does not grow with the zone. Implemented in auth.c (loading, addresses, header checks),
 * auth_zone.c (the index), auth_denial.c (NSEC and NSEC3 proofs) and auth_answer.c (the
 * sections); auth_zone.h is their shared internal header.
 *
 * Immutable after auth_load: auth_answer is thread-safe and allocates nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_AUTH_H
#define RESOLVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "wire.h"

/* The EDNS payload size we advertise, and the most a UDP reply is made to fit: 1232 avoids IP
 * fragmentation (DNS Flag Day 2020), as NSD's default does. */
#define AUTH_EDNS_SIZE 1232

struct auth;

/* Loads every zone file of map (and checks it, lib/zonecheck). false with "file:line:
 * reason" in err when a zone does not load; nothing is kept then. The map is not kept: it may
 * be freed once this returns. */
bool auth_load(const struct config_map *map, struct auth **out, char err[static 256]);

/* Frees everything; auth_free(NULL) does nothing. */
void auth_free(struct auth *a);

/* The distinct server addresses of the map (port 0), for the listeners; valid while a lives. */
const struct sockaddr_storage *auth_addresses(const struct auth *a, size_t *n);

/* The size a UDP reply to q must fit, to pass as auth_answer's max_size: 512 without EDNS
 * (RFC 1035 §4.2.1), else the client's EDNS payload size, raised to 512 (RFC 6891 §6.2.5)
 * and cut to AUTH_EDNS_SIZE. */
size_t auth_udp_limit(const struct wire_query *q);

/* Answers the query q (parsed from pkt, len bytes) that arrived at local address `local`
 * (its port ignored; an IPv4-mapped IPv6 address counts as the IPv4 one). local NULL means
 * every zone of the map, as if one server served them all (for tests and benchmarks). The
 * reply goes into out (cap bytes, at least 512); max_size is the size the reply must fit
 * (auth_udp_limit(q) over UDP, 65535 over TCP; below 512 counts as 512). A reply that does
 * not fit has TC=1 and only the RRsets that fitted. The question is echoed as received;
 * names from the zones keep the case of the zone file. Errors are answers: FORMERR without
 * exactly one question or for QTYPE OPT, NOTIMP for an opcode other than QUERY, BADVERS for
 * EDNS version above 0, REFUSED for a class other than IN, AXFR/IXFR (auth_xfr_start answers
 * those) and names outside the address's zones; none has RA or AA. q should come from a wire_parse_query that succeeded
 * (the caller answers malformed packets). Returns the reply length, or 0 when no reply
 * should be sent (q is a response). Thread-safe; allocates nothing. */
size_t auth_answer(const struct auth *a, const struct sockaddr *local, const struct wire_query *q,
		   const uint8_t *pkt, size_t len, size_t max_size, uint8_t *out, size_t cap);

/* ---- zone transfers (auth_xfr.c) ---- */

/* The size the messages of a transfer are filled to (a record that does not fit an empty one
 * gets a message of its own, up to 65535): several messages for a zone of more than a few
 * hundred records, as BIND's and NSD's transfers come. */
#define AUTH_XFR_MSG_SIZE 16384

/* A zone transfer being answered, one message at a time: AXFR (RFC 5936) and IXFR (RFC 1995)
 * of a zone that keeps no history. Caller storage, filled by auth_xfr_start; it points into
 * the zones of the struct auth it came from, which must outlive it. */
struct auth_xfr {
	const struct auth_zone *z; /* NULL: one message with no records (an error) */
	const struct wire_rr *soa;
	size_t next;               /* the next record of the zone's body to send */
	unsigned stage;            /* opening SOA, body, closing SOA, done */
	unsigned rcode;
	unsigned messages;         /* made so far */
	uint16_t id, flags, qtype, qclass;
	bool edns, soa_only;
	uint8_t qname[NAME_MAX_WIRE];
};

/* Whether q asks for a zone transfer (QTYPE AXFR or IXFR): auth_xfr_start answers it. */
bool auth_xfr_asked(const struct wire_query *q);

/* Starts answering the transfer question q (parsed from pkt, len bytes; auth_xfr_asked) that
 * came from peer to local (as auth_answer's local; NULL: every zone) over TCP or UDP. Only
 * loopback clients (127.0.0.0/8, ::1) may transfer, and only a zone's apex: others get
 * REFUSED. AXFR over UDP is NOTIMP, as NSD answers it. IXFR needs the client's SOA in the
 * authority section (else FORMERR); the zones keep no history, so a client whose serial is
 * the zone's or newer (RFC 1982 arithmetic) gets the zone's SOA alone, and an older one the
 * whole zone in AXFR form (RFC 1995 §4), or over UDP the SOA alone, telling it to come back
 * over TCP (RFC 1995 §2). busy: the caller takes no more multi-message transfers now; one
 * that would be is answered SERVFAIL. Checks as auth_answer's otherwise (opcode, EDNS).
 * x then gives the messages through auth_xfr_next. IXFR parses the query whole, in an arena
 * freed before return; otherwise nothing is allocated. Thread-safe. */
void auth_xfr_start(const struct auth *a, const struct sockaddr *local,
		    const struct sockaddr *peer, bool tcp, bool busy, const struct wire_query *q,
		    const uint8_t *pkt, size_t len, struct auth_xfr *x);

/* The next message of x into out (cap bytes, at least 512), its length, or 0 when every
 * message has been given. The first carries the question; every one the OPT record when
 * the query had one. Records go in the order of the zone's index: the SOA, every other
 * record (DNSSEC records included), the SOA again. */
size_t auth_xfr_next(struct auth_xfr *x, uint8_t *out, size_t cap);

/* Whether x has no message left to give. */
bool auth_xfr_done(const struct auth_xfr *x);

#endif
