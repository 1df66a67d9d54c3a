/* client/xfr.h: zone transfers (AXFR, RFC 5936; IXFR, RFC 1995) as dig 9.18 makes and prints
 * them.
 *
 * A transfer is one TCP connection carrying the query and then as many messages as the zone takes,
 * which the daemon's transport (resolver/iter/upstream.c: one reply per query) does not do; so it
 * has a blocking connection of its own (the one +tls opens, tls_tcp_connect), every read bounded
 * by the query's timeout and the whole by XFR_LIMITS. Messages are parsed by lib/wire. The end is
 * dig's: the SOA that closes the zone (its serial the first SOA's), or for IXFR a first SOA no
 * newer than the client's serial (it is up to date). Printing is dig's for transfers: no header or
 * question, the records of every message, then the Query time, SERVER, WHEN and XFR size lines;
 * "; Transfer failed." for an error rcode. The banner, the query's building and dig's words for
 * a connection that fails are main.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_XFR_H
#define CLIENT_XFR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "opts.h"
#include "query.h"
#include "wire.h"

/* What one transfer may take. */
struct xfr_limits {
	unsigned messages; /* messages read: stops a server that never sends the closing SOA */
	unsigned total_ms; /* the whole transfer, however steadily bytes trickle in */
};
extern const struct xfr_limits XFR_LIMITS;

/* Whether qtype asks for a transfer (AXFR or IXFR). */
bool xfr_asked(uint16_t qtype);

/* The IXFR query's authority record (RFC 1995 §3), as dig writes it: "ZONE 0 IN SOA . .
 * SERIAL 0 0 0 0". ERR_SPACE when it does not fit. */
enum err xfr_build_soa(struct wire_builder *b, const uint8_t *zone, uint32_t serial);

struct xfr;

/* Connects to s over TCP and sends the query pkt (len bytes) of type qtype (serial: the
 * IXFR's), trying tries times (each timeout_ms long) as dig does. NULL when no connection
 * took the query: fail then says why, as query_send's result does (failures, timed_out,
 * error), for main.c's words. */
struct xfr *xfr_open(const struct query_server *s, const uint8_t *pkt, size_t len,
		     uint16_t qtype, uint32_t serial, unsigned timeout_ms, unsigned tries,
		     struct query_result *fail);

/* Reads the messages of x to the end and prints them on f as d says (+short, +onesoa,
 * +multiline, +noall +answer, +nostats, -u: usec) with the statistics; s names the server.
 * Returns dig's exit status: 0 (a failed transfer too, as dig) or 9 when the connection
 * broke or timed out (after dig's ";; communications error" line). */
int xfr_print(FILE *f, struct xfr *x, const struct qdig_display *d, const struct query_server *s,
	      bool usec);

/* Closes the connection and frees x; xfr_close(NULL) does nothing. */
void xfr_close(struct xfr *x);

#endif
