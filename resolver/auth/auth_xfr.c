/* resolver/auth/auth_xfr.c: zone transfers: AXFR (RFC 5936) and IXFR (RFC 1995) from the
 * loaded zones, one message at a time.
 *
 * Who may transfer (loopback clients only), what over UDP, and IXFR's choice between the SOA
 * alone and the whole zone are decided once, in auth_xfr_start; auth_xfr_next then fills
 * messages of AUTH_XFR_MSG_SIZE with the zone's records: the SOA, the others in the order of
 * the zone's index (auth_zone.c), the SOA again. The caller sends them as it can (the
 * server writes the next one when the client's socket has room: resolver/server/server_io.c),
 * so nothing here holds more than the message being made.
 *
 * SPDX-License-Identifier: MIT
 */
#include <netinet/in.h>
#include <string.h>

#include "auth.h"
#include "auth_zone.h"
#include "dns.h"
#include "name.h"

#define OPT_RR_SIZE 11 /* an OPT record without options */
#define SOA_TAIL 20    /* serial, refresh, retry, expire, minimum: the end of SOA rdata */

enum stage { STAGE_OPEN, STAGE_BODY, STAGE_CLOSE, STAGE_DONE };

bool auth_xfr_asked(const struct wire_query *q)
{
	return q->has_question && (q->q.type == DNS_TYPE_AXFR || q->q.type == DNS_TYPE_IXFR);
}

/* The access rule: 127.0.0.0/8, ::1 and 127/8 mapped into IPv6. */
static bool loopback(const struct sockaddr *peer)
{
	if (!peer)
		return false;
	if (peer->sa_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)peer;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (peer->sa_family != AF_INET6)
		return false;
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)peer)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
}

static uint32_t soa_serial(const struct wire_rr *soa)
{
	const uint8_t *p = soa->rdata + soa->rdlen - SOA_TAIL;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* IXFR: the rcode, and whether the client is up to date. Its SOA (RFC 1995 §3: the authority
 * section's, owned by the zone's apex) is read by lib/wire. */
static unsigned ixfr_current(const struct auth_zone *z, const struct wire_rr *soa,
			     const uint8_t *pkt, size_t len, bool *current)
{
	struct arena *ar = arena_new();
	struct wire_msg m;
	unsigned rcode = DNS_RCODE_FORMERR;
	if (!ar)
		return DNS_RCODE_SERVFAIL;
	if (wire_parse(pkt, len, ar, &m) == ERR_OK) {
		for (uint16_t i = 0; i < m.n[WIRE_AUTHORITY]; i++) {
			const struct wire_rr *rr = &m.rr[WIRE_AUTHORITY][i];
			if (rr->type != DNS_TYPE_SOA || rr->rdlen < SOA_TAIL ||
			    !name_equal(rr->owner, z->apex))
				continue;
			/* RFC 1982 §3.2: the client's serial is ours or after it */
			uint32_t d = soa_serial(rr) - soa_serial(soa);
			*current = d < 0x80000000u;
			rcode = DNS_RCODE_NOERROR;
			break;
		}
	}
	arena_free(ar);
	return rcode;
}

/* What the transfer will be: the rcode, and x's zone and SOA when NOERROR. */
static unsigned decide(const struct auth *a, const struct sockaddr *local,
		       const struct sockaddr *peer, bool tcp, bool busy, const struct wire_query *q,
		       const uint8_t *pkt, size_t len, struct auth_xfr *x)
{
	unsigned rcode = auth_precheck(q);
	if (rcode != DNS_RCODE_NOERROR)
		return rcode;
	if (!tcp && q->q.type == DNS_TYPE_AXFR)
		return DNS_RCODE_NOTIMP; /* as NSD: AXFR is a TCP exchange (RFC 5936 §4.2) */
	const struct auth_zone *z = auth_zone_for(a, local, &q->q);
	if (!loopback(peer) || !z || !name_equal(z->apex, q->q.name))
		return DNS_RCODE_REFUSED;
	size_t n;
	x->soa = auth_zone_rrset(z, &z->node[0], DNS_TYPE_SOA, &n);
	x->soa_only = false;
	if (q->q.type == DNS_TYPE_IXFR) {
		rcode = ixfr_current(z, x->soa, pkt, len, &x->soa_only);
		/* RFC 1995 §2: over UDP a client that is behind gets the SOA, and asks by TCP */
		x->soa_only = x->soa_only || !tcp;
	}
	if (rcode == DNS_RCODE_NOERROR && busy && !x->soa_only)
		return DNS_RCODE_SERVFAIL; /* the caller's bound on transfers at once */
	if (rcode == DNS_RCODE_NOERROR)
		x->z = z;
	return rcode;
}

void auth_xfr_start(const struct auth *a, const struct sockaddr *local,
		    const struct sockaddr *peer, bool tcp, bool busy, const struct wire_query *q,
		    const uint8_t *pkt, size_t len, struct auth_xfr *x)
{
	memset(x, 0, sizeof(*x));
	x->id = q->id;
	/* RFC 1035 §4.1.1: opcode and RD come back, and CD (RFC 4035 §3.1.6); AA: ours. */
	x->flags = (uint16_t)(DNS_FLAG_QR | (q->flags & (0x7800u | DNS_FLAG_RD | DNS_FLAG_CD)));
	x->edns = q->edns.present;
	if (q->has_question) {
		memcpy(x->qname, q->q.name, name_len(q->q.name));
		x->qtype = q->q.type;
		x->qclass = q->q.rclass;
	}
	x->rcode = decide(a, local, peer, tcp, busy, q, pkt, len, x);
	if (x->rcode == DNS_RCODE_NOERROR)
		x->flags |= DNS_FLAG_AA;
	x->stage = STAGE_OPEN;
}

bool auth_xfr_done(const struct auth_xfr *x)
{
	return x->stage == STAGE_DONE;
}

/* The record to send next, or NULL when the zone's records are all out. */
static const struct wire_rr *current(struct auth_xfr *x)
{
	const struct zonefile_zone *zf;
	switch (x->stage) {
	case STAGE_OPEN:
	case STAGE_CLOSE:
		return x->soa;
	case STAGE_BODY:
		zf = x->z->zf;
		while (x->next < zf->n && &zf->rr[x->next] == x->soa)
			x->next++; /* the SOA opens and closes; it is not in the body */
		if (x->next < zf->n)
			return &zf->rr[x->next];
		x->stage = STAGE_CLOSE;
		return x->soa;
	}
	return NULL;
}

static void advance(struct auth_xfr *x)
{
	if (x->stage == STAGE_OPEN)
		x->stage = x->soa_only ? STAGE_DONE : STAGE_BODY;
	else if (x->stage == STAGE_BODY)
		x->next++;
	else
		x->stage = STAGE_DONE;
}

/* One message of at most limit bytes; the number of records put in it. */
static unsigned fill(struct auth_xfr *x, struct wire_builder *b)
{
	unsigned n = 0;
	if (x->messages == 0)
		wire_build_question(b, x->qname, x->qtype, x->qclass);
	if (x->edns)
		wire_build_reserve(b, OPT_RR_SIZE);
	const struct wire_rr *rr;
	while (x->z && (rr = current(x)) && wire_build_rr(b, WIRE_ANSWER, rr) == ERR_OK) {
		advance(x);
		n++;
	}
	if (x->edns) {
		wire_build_reserve(b, 0);
		wire_build_edns(b, AUTH_EDNS_SIZE, x->rcode, 0, NULL, 0);
	}
	b->flags |= (uint16_t)(x->rcode & 0xFu);
	return n;
}

size_t auth_xfr_next(struct auth_xfr *x, uint8_t *out, size_t cap)
{
	if (x->stage == STAGE_DONE)
		return 0;
	struct wire_builder b;
	size_t limit = cap < AUTH_XFR_MSG_SIZE ? cap : AUTH_XFR_MSG_SIZE;
	wire_build_init(&b, out, limit, x->id, x->flags);
	if (x->z && fill(x, &b) == 0) {
		/* a record too big for a message of the usual size: one as big as TCP allows */
		wire_build_init(&b, out, cap < DNS_MSG_MAX ? cap : DNS_MSG_MAX, x->id, x->flags);
		if (fill(x, &b) == 0) {
			x->z = NULL; /* it fits in no message: the transfer fails */
			x->rcode = DNS_RCODE_SERVFAIL;
			x->flags &= (uint16_t)~DNS_FLAG_AA;
			wire_build_init(&b, out, limit, x->id, x->flags);
		}
	}
	if (!x->z) {
		fill(x, &b);
		x->stage = STAGE_DONE;
	}
	x->messages++;
	return wire_build_finish(&b);
}
