/* resolver/server/answer.h: building replies to clients.
 *
 * A reply echoes the client's question as it came (its case included), carries RA=1, the RD
 * and CD bits of the query, the rcode, and the records given: RRsets kept whole, dropped from
 * the end with TC=1 when they do not fit the client's size (RFC 2181 §9; lib/wire does the
 * dropping). A query with EDNS gets an OPT record with our UDP size (RFC 6891). What to answer
 * is decided elsewhere: the cache hit path and the resolutions in server_query.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_ANSWER_H
#define RESOLVER_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* What a reply needs to know of its query. */
struct answer_req {
	uint16_t id;
	uint16_t qflags;           /* the query's header flags */
	struct wire_question q;    /* as the client wrote it */
	bool edns;                 /* the query had an OPT record */
	bool dnssec_ok;            /* with the DO bit, which the reply repeats (RFC 3225 §3) */
	size_t max_size;           /* the reply must fit this: UDP limit, or 65535 over TCP */
	uint16_t our_udp_size;     /* advertised in our OPT */
	bool recursion;            /* RA=1: false on the toy authoritative listeners */
};

/* Fills req from a parsed query: the UDP limit is 512 without EDNS, else the client's EDNS
 * size clamped to [512, our_udp_size]; tcp lifts it to 65535. Replies say RA=1 when
 * recursion is offered. */
void answer_req_from(struct answer_req *req, const struct wire_query *q, bool tcp,
		     uint16_t our_udp_size, bool recursion);

/* Builds a reply into out (cap bytes, at least 512): rcode, extra header flags (AA...),
 * the answer and authority records (each section a run of RRsets in order). Returns its
 * length. */
size_t answer_build(uint8_t *out, size_t cap, const struct answer_req *req, unsigned rcode,
		    uint16_t flags, const struct wire_rr *an, size_t n_an,
		    const struct wire_rr *ns, size_t n_ns);

/* An Extended DNS Error (RFC 8914): an INFO-CODE and an EXTRA-TEXT (NULL: none; cut at 160
 * bytes), for a client that sent EDNS. */
struct answer_ede {
	uint16_t code;
	const char *text;
};

/* A reply with only the header (and question when req has one): FORMERR, REFUSED, NOTIMP,
 * SERVFAIL, with ede (NULL: none) in its OPT record when the query had EDNS.
 * has_question false leaves the question out (a query too broken to echo). */
size_t answer_error(uint8_t *out, size_t cap, const struct answer_req *req, bool has_question,
		    unsigned rcode, const struct answer_ede *ede);

#endif
