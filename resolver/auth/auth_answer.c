/* resolver/auth/auth_answer.c: the sections of an authoritative reply from one zone.
 *
 * RFC 1034 §4.3.2 with RFC 4592's wildcards, RFC 2308's negative answers and RFC 8482's
 * one-RRset answer to ANY, shaped like NSD's replies so that the two can be compared record
 * for record: positive answers carry the zone's NS RRset in the authority section (dropped
 * quietly when it does not fit) and the addresses of NS, MX and SRV targets in the additional
 * section; a CNAME chain is followed inside the zone; a referral met after a CNAME keeps AA.
 * Whatever is needed and does not fit sets TC and ends the reply there. With DO=1 in a signed
 * zone (RFC 4035 §3.1), each RRset goes with its RRSIGs as one unit, referrals carry the DS
 * or the proof of its absence, and denials and wildcard answers the NSEC or NSEC3 records
 * that auth_denial.c picks, as NSD's do. Header checks, EDNS and the choice of zone are
 * auth.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "auth_zone.h"
#include "dns.h"
#include "name.h"

#define ADDED_MAX 128 /* RRsets remembered so none goes in twice; more are not added */
#define EXTRA_MAX 4   /* RRsets whose targets get addresses: an answer, NS, a referral */
/* Wildcard proofs waiting for the authority section: one NSEC or NSEC3 for each hop of a
 * CNAME chain that a wildcard answered. */
#define PENDING_MAX (AUTH_MAX_CNAME + 1)

/* An RRset whose targets get their addresses in the additional section. */
struct extra {
	const struct wire_rr *rrs;
	size_t n;
	bool glue;          /* targets below a cut may be used (NS) */
	const uint8_t *cut; /* a referral's cut: glue below it is needed, or TC */
};

/* One reply being written. */
struct ans {
	const struct auth_zone *z;
	struct wire_builder *b;
	uint16_t qtype;
	bool dnssec; /* DO=1 and a signed zone: RRSIGs, DS and denials go in */
	bool stop;   /* TC is set: nothing more goes in */
	struct {
		const struct wire_rr *rrs;
		const uint8_t *owner;
	} added[ADDED_MAX];
	unsigned n_added;
	struct extra extra[EXTRA_MAX];
	unsigned n_extra;
	const struct auth_node *pending[PENDING_MAX]; /* NSEC/NSEC3 of wildcard expansions */
	unsigned n_pending;
};

enum step { STEP_DONE, STEP_ANSWERED, STEP_NODATA, STEP_CNAME };

static bool was_added(const struct ans *a, const struct wire_rr *rrs, const uint8_t *owner)
{
	for (unsigned i = 0; i < a->n_added; i++)
		if (a->added[i].rrs == rrs && name_equal(a->added[i].owner, owner))
			return true;
	return false;
}

/* The RRSIGs at nd covering type: a run of nd's RRSIG records, which sort by the type
 * covered (the first field of their rdata). */
static const struct wire_rr *sigs(const struct ans *a, const struct auth_node *nd, uint16_t type,
				  size_t *n)
{
	size_t all;
	const struct wire_rr *r = nd ? auth_zone_rrset(a->z, nd, DNS_TYPE_RRSIG, &all) : NULL;
	*n = 0;
	if (!a->dnssec || type == DNS_TYPE_RRSIG || !r)
		return NULL;
	size_t i = 0;
	while (i < all && (r[i].rdlen < 2 || (r[i].rdata[0] << 8 | r[i].rdata[1]) != type))
		i++;
	while (i + *n < all && r[i + *n].rdlen >= 2 &&
	       (r[i + *n].rdata[0] << 8 | r[i + *n].rdata[1]) == type)
		++*n;
	return r + i;
}

/* Writes records under owner, with the TTL *ttl when given; false when they do not fit. */
static bool write_rrs(struct ans *a, enum wire_section s, const struct wire_rr *rrs, size_t n,
		      const uint8_t *owner, const uint32_t *ttl)
{
	for (size_t i = 0; i < n; i++) {
		struct wire_rr rr = rrs[i];
		rr.owner = owner;
		if (ttl)
			rr.ttl = *ttl;
		if (wire_build_rr(a->b, s, &rr) != ERR_OK)
			return false;
	}
	return true;
}

/* Adds n records of node nd under owner (the zone's own name, or a name synthesised from a
 * wildcard), with their RRSIGs when DNSSEC is asked for, as one unit, unless they are in the
 * reply already. When they do not fit: an optional RRset just goes; any other sets TC and
 * stops the reply (RFC 2181 §9). */
static bool put(struct ans *a, enum wire_section s, const struct auth_node *nd,
		const struct wire_rr *rrs, size_t n, const uint8_t *owner, bool optional)
{
	struct wire_mark m;
	size_t n_sig;
	if (a->stop || a->n_added == ADDED_MAX || was_added(a, rrs, owner))
		return false;
	const struct wire_rr *sig = sigs(a, nd, rrs[0].type, &n_sig);
	/* The SOA's RRSIGs take the SOA's TTL, as NSD's do: the negative TTL in denials. */
	const uint32_t *sig_ttl = rrs[0].type == DNS_TYPE_SOA ? &rrs[0].ttl : NULL;
	wire_build_mark(a->b, &m);
	if (!write_rrs(a, s, rrs, n, owner, NULL) || !write_rrs(a, s, sig, n_sig, owner, sig_ttl)) {
		wire_build_rollback(a->b, &m);
		if (!optional) {
			a->b->flags |= DNS_FLAG_TC;
			a->stop = true;
		}
		return false;
	}
	a->added[a->n_added].rrs = rrs;
	a->added[a->n_added++].owner = owner;
	return true;
}

static void want_extra(struct ans *a, const struct wire_rr *rrs, size_t n, bool glue,
		       const uint8_t *cut)
{
	if (a->n_extra < EXTRA_MAX)
		a->extra[a->n_extra++] = (struct extra){ rrs, n, glue, cut };
}

/* NS, MX and SRV name hosts whose addresses a client will want next (RFC 1034 §4.3.2
 * step 6; RFC 2782 for SRV); only NS may point at glue. */
static void note_extra(struct ans *a, const struct wire_rr *rrs, size_t n)
{
	uint16_t t = rrs[0].type;
	if (t == DNS_TYPE_NS || t == DNS_TYPE_MX || t == DNS_TYPE_SRV)
		want_extra(a, rrs, n, t == DNS_TYPE_NS, NULL);
}

/* RFC 8482 §4.1: ANY is answered with one RRset, preferring small common ones. */
static const struct wire_rr *any_rrset(const struct ans *a, const struct auth_node *nd,
				       size_t *n)
{
	static const uint16_t prefer[] = { DNS_TYPE_SOA, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX,
					   DNS_TYPE_PTR };
	for (size_t i = 0; i < sizeof(prefer) / sizeof(prefer[0]); i++) {
		const struct wire_rr *r = auth_zone_rrset(a->z, nd, prefer[i], n);
		if (r)
			return r;
	}
	const struct wire_rr *r = a->z->zf->rr + nd->first;
	for (uint32_t i = 0; i < nd->n; i++) {
		uint16_t t = r[i].type;
		if (t != DNS_TYPE_DNSKEY && t != DNS_TYPE_RRSIG && t != DNS_TYPE_NSEC)
			return auth_zone_rrset(a->z, nd, t, n);
	}
	return nd->n ? auth_zone_rrset(a->z, nd, r[0].type, n) : NULL;
}

/* Answers at a node that holds the name (owner is how the name is written in the reply).
 * STEP_CNAME leaves the CNAME's target in *next. */
static enum step answer_node(struct ans *a, const struct auth_node *nd, const uint8_t *owner,
			     const uint8_t **next)
{
	size_t n;
	const struct wire_rr *r;
	if (a->qtype == DNS_TYPE_ANY) {
		r = any_rrset(a, nd, &n);
		if (!r)
			return STEP_NODATA;
		put(a, WIRE_ANSWER, nd, r, n, owner, false);
		return STEP_DONE;
	}
	if ((r = auth_zone_rrset(a->z, nd, a->qtype, &n))) {
		if (put(a, WIRE_ANSWER, nd, r, n, owner, false))
			note_extra(a, r, n);
		return STEP_ANSWERED;
	}
	if (!(r = auth_zone_rrset(a->z, nd, DNS_TYPE_CNAME, &n)))
		return STEP_NODATA;
	/* A CNAME already in the reply is a loop: stop there (RFC 1034 §3.6.2). */
	if (!put(a, WIRE_ANSWER, nd, r, n, owner, false))
		return STEP_DONE;
	*next = r->rdata;
	/* RFC 6604 §2.1 lets the chain end at the zone's edge: the resolver goes on. */
	return name_is_subdomain(*next, a->z->apex) ? STEP_CNAME : STEP_DONE;
}

/* The zone's NS RRset beside a positive answer, except where it would only make large
 * replies larger (DS, DNSKEY, and ANY), as NSD does. */
static void apex_ns(struct ans *a)
{
	size_t n;
	const struct auth_zone *z = a->z;
	const struct wire_rr *ns = auth_zone_rrset(z, &z->node[0], DNS_TYPE_NS, &n);
	if (a->qtype == DNS_TYPE_DS || a->qtype == DNS_TYPE_DNSKEY || !ns)
		return;
	if (put(a, WIRE_AUTHORITY, &z->node[0], ns, n, z->node[0].name, true))
		want_extra(a, ns, n, true, NULL);
}

/* The NSEC or NSEC3 RRsets (with their RRSIGs) of the nodes of a denial, in the authority
 * section (RFC 4035 §3.1.3). */
static void put_denial(struct ans *a, const struct auth_node *const *nd, size_t n)
{
	uint16_t type = a->z->nsec3.n ? DNS_TYPE_NSEC3 : DNS_TYPE_NSEC;
	for (size_t i = 0; i < n; i++) {
		size_t k;
		const struct wire_rr *r = auth_zone_rrset(a->z, nd[i], type, &k);
		if (r)
			put(a, WIRE_AUTHORITY, nd[i], r, k, nd[i]->name, false);
	}
}

static void deny(struct ans *a, enum auth_deny kind, const uint8_t *qname,
		 const struct auth_node *nd)
{
	const struct auth_node *out[AUTH_DENY_MAX];
	if (a->dnssec)
		put_denial(a, out, auth_denial_proof(a->z, kind, qname, nd, out));
}

/* A wildcard expansion's proof that the name asked for does not exist (RFC 4035 §3.1.3.3)
 * waits for the authority section: more answer records may follow it (a CNAME chain). */
static void deny_later(struct ans *a, const uint8_t *qname, const struct auth_node *wild)
{
	const struct auth_node *out[AUTH_DENY_MAX];
	if (!a->dnssec)
		return;
	size_t n = auth_denial_proof(a->z, AUTH_DENY_WILDCARD, qname, wild, out);
	for (size_t i = 0; i < n && a->n_pending < PENDING_MAX; i++)
		a->pending[a->n_pending++] = out[i];
}

static void flush_pending(struct ans *a)
{
	put_denial(a, a->pending, a->n_pending);
	a->n_pending = 0;
}

/* RFC 2308 §2.1, §2.2: NXDOMAIN and NODATA carry the SOA, with the negative TTL. */
static void negative(struct ans *a)
{
	flush_pending(a);
	put(a, WIRE_AUTHORITY, &a->z->node[0], &a->z->soa_neg, 1, a->z->node[0].name, false);
}

/* RFC 1034 §4.3.2 step 3b: the child's NS RRset, not authoritative unless a CNAME of ours
 * led here; glue follows in the additional section. With DNSSEC, the DS RRset, or the
 * proof that there is none (RFC 4035 §3.1.4). */
static void referral(struct ans *a, const struct auth_node *cut, bool first)
{
	size_t n, n_ds;
	const struct wire_rr *ns = auth_zone_rrset(a->z, cut, DNS_TYPE_NS, &n);
	if (first)
		a->b->flags &= (uint16_t)~DNS_FLAG_AA;
	flush_pending(a);
	if (!put(a, WIRE_AUTHORITY, cut, ns, n, cut->name, false))
		return;
	want_extra(a, ns, n, true, cut->name);
	const struct wire_rr *ds = auth_zone_rrset(a->z, cut, DNS_TYPE_DS, &n_ds);
	if (a->dnssec && ds)
		put(a, WIRE_AUTHORITY, cut, ds, n_ds, cut->name, false);
	else
		deny(a, AUTH_DENY_REFERRAL, cut->name, cut);
}

/* Follows the question through the zone, a CNAME at a time; returns the rcode. */
static unsigned answer_chain(struct ans *a, const uint8_t *qname)
{
	const uint8_t *name = qname;
	for (unsigned hop = 0; hop <= AUTH_MAX_CNAME; hop++) {
		struct auth_find f;
		auth_zone_find(a->z, name, a->qtype == DNS_TYPE_DS, &f);
		if (f.kind == AUTH_CUT) {
			referral(a, f.node, hop == 0);
			return DNS_RCODE_NOERROR;
		}
		if (f.kind == AUTH_NXDOMAIN) {
			flush_pending(a);
			deny(a, AUTH_DENY_NXDOMAIN, name, f.node);
			negative(a);
			return DNS_RCODE_NXDOMAIN;
		}
		/* RFC 4592 §3.4.3: a synthesised RRset takes the name asked for as its owner. */
		const uint8_t *owner = f.wildcard ? name : f.node->name, *asked = name;
		if (f.wildcard)
			deny_later(a, name, f.node);
		switch (answer_node(a, f.node, owner, &name)) {
		case STEP_ANSWERED:
			flush_pending(a);
			apex_ns(a);
			return DNS_RCODE_NOERROR;
		case STEP_NODATA:
			negative(a);
			deny(a, f.wildcard ? AUTH_DENY_WILDCARD_NODATA : AUTH_DENY_NODATA, asked,
			     f.node);
			return DNS_RCODE_NOERROR;
		case STEP_DONE:
			flush_pending(a);
			return DNS_RCODE_NOERROR;
		case STEP_CNAME:
			break;
		}
	}
	flush_pending(a);
	return DNS_RCODE_NOERROR; /* chain too long: what was found goes out */
}

/* Where the name in an NS, MX or SRV record starts. */
static size_t target_offset(uint16_t type)
{
	return type == DNS_TYPE_MX ? 2 : type == DNS_TYPE_SRV ? 6 : 0;
}

/* The node giving addresses for target, or NULL: the name itself (glue too when allowed),
 * or a wildcard above it. *owner is the name its records go out under. */
static const struct auth_node *host_node(const struct ans *a, const uint8_t *target, bool glue,
					 const uint8_t **owner)
{
	if (!name_is_subdomain(target, a->z->apex))
		return NULL;
	const struct auth_node *nd = glue ? auth_zone_get(a->z, target) : NULL;
	if (nd) {
		*owner = nd->name;
		return nd;
	}
	struct auth_find f;
	auth_zone_find(a->z, target, false, &f);
	if (f.kind != AUTH_FOUND)
		return NULL;
	*owner = f.wildcard ? target : f.node->name;
	return f.node;
}

/* Adds the type records of every target of e that has them. */
static void extra_type(struct ans *a, const struct extra *e, uint16_t type)
{
	for (size_t i = 0; i < e->n && !a->stop; i++) {
		const struct wire_rr *rr = &e->rrs[i];
		size_t off = target_offset(rr->type), n;
		const uint8_t *owner;
		if (rr->rdlen <= off)
			continue;
		const uint8_t *target = rr->rdata + off;
		const struct auth_node *nd = host_node(a, target, e->glue, &owner);
		const struct wire_rr *r = nd ? auth_zone_rrset(a->z, nd, type, &n) : NULL;
		if (!r)
			continue;
		/* RFC 9471 §3: glue of a name server inside the child is needed, else TC. */
		bool needed = e->cut && name_is_subdomain(target, e->cut);
		put(a, WIRE_ADDITIONAL, nd, r, n, owner, !needed);
	}
}

/* The additional section: A records of every target, then AAAA records, as NSD orders them. */
static void additional(struct ans *a)
{
	for (unsigned i = 0; i < a->n_extra; i++)
		extra_type(a, &a->extra[i], DNS_TYPE_A);
	for (unsigned i = 0; i < a->n_extra; i++)
		extra_type(a, &a->extra[i], DNS_TYPE_AAAA);
}

unsigned auth_zone_answer(const struct auth_zone *z, const uint8_t *qname, uint16_t qtype,
			  bool dnssec, struct wire_builder *b)
{
	struct ans a = { .z = z, .b = b, .qtype = qtype, .dnssec = dnssec && z->secure };
	b->flags |= DNS_FLAG_AA;
	unsigned rcode = answer_chain(&a, qname);
	additional(&a);
	return rcode;
}
