/* resolver/iter/iter_reply.c: what an authoritative server's reply means, and what of it to believe.
 *
 * The scrubbing rule is bailiwick: a server asked as an authority for zone Z is believed only
 * for names at or below Z; from a referral to Z' below Z, only the NS RRset of Z' and the
 * addresses of its name servers whose names lie inside Z (DESIGN.md). What passes is cached with the RFC 2181 §5.4.1
 * trust of the section it came from, so glue never overrides an authoritative answer.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "iter_priv.h"
#include "rdata.h"

bool iter_list_add(struct iter *it, struct rr_list *l, const struct wire_rr *rr)
{
	struct wire_rr *v = arena_grow(it->a, l->rr, l->n, sizeof(*v), &l->cap, 8);
	if (!v)
		return false;
	l->rr = v;
	l->rr[l->n++] = *rr;
	return true;
}

static bool same_set(const struct wire_rr *a, const struct wire_rr *b)
{
	return a->type == b->type && a->rclass == b->rclass && name_equal(a->owner, b->owner);
}

/* Adds records to the client's answer list. */
static void add_all(struct iter *it, struct rr_list *l, const struct wire_rr *rr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		iter_list_add(it, l, &rr[i]);
}

static int by_rdata(const void *pa, const void *pb)
{
	const struct wire_rr *a = *(const struct wire_rr *const *)pa;
	const struct wire_rr *b = *(const struct wire_rr *const *)pb;
	if (a->rdlen != b->rdlen)
		return a->rdlen < b->rdlen ? -1 : 1;
	int c = memcmp(a->rdata, b->rdata, a->rdlen);
	return c ? c : (a > b) - (a < b); /* equal rdata: the earlier record first */
}

/* Drops the records of set[0..*n) whose rdata an earlier one has, keeping the order: an RRset
 * is a set (RFC 2181 §5). By sorting (n log n): a reply of thousands of records costs no
 * quadratic work. */
static void dedup(struct iter *it, struct wire_rr *set, size_t *n)
{
	size_t k = 0;
	if (*n < 2)
		return;
	const struct wire_rr **by = arena_alloc(it->a, *n * sizeof(*by));
	bool *dup = arena_alloc(it->a, *n);
	if (!by || !dup)
		return; /* kept as it came: the cache takes duplicates too */
	for (size_t i = 0; i < *n; i++) {
		by[i] = &set[i];
		dup[i] = false;
	}
	qsort(by, *n, sizeof(*by), by_rdata);
	for (size_t i = 1; i < *n; i++)
		if (by[i]->rdlen == by[i - 1]->rdlen &&
		    memcmp(by[i]->rdata, by[i - 1]->rdata, by[i]->rdlen) == 0)
			dup[by[i] - set] = true;
	for (size_t i = 0; i < *n; i++)
		if (!dup[i])
			set[k++] = set[i];
	*n = k;
}

/* The RRset of rr in section s of m, each record once, in the arena; *n is 0 when memory is
 * short. The whole RRset or nothing: a part of one would be served as if it were all. */
static struct wire_rr *collect_set(struct iter *it, const struct wire_msg *m,
				   enum wire_section s, const struct wire_rr *rr, size_t *n)
{
	struct wire_rr *set = arena_alloc(it->a, (size_t)m->n[s] * sizeof(*set));
	*n = 0;
	for (uint16_t i = 0; set && i < m->n[s]; i++)
		if (same_set(&m->rr[s][i], rr))
			set[(*n)++] = m->rr[s][i];
	if (set)
		dedup(it, set, n);
	return set;
}

bool iter_cache_rrset(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		      enum wire_section s, const struct wire_rr *rr, enum cache_trust trust,
		      bool answer, uint64_t now_ms, enum cache_security *sec)
{
	size_t n;
	struct wire_rr *set = collect_set(it, m, s, rr, &n);
	*sec = CACHE_SEC_UNCHECKED;
	if (!n)
		return true;
	struct iter_val_out v;
	if (!iter_val_rrset(it, t, m, s, set, n, &v))
		return false;
	*sec = v.sec.security;
	cache_put(it->env->cache, set, n, &v.sec, trust, (uint32_t)(now_ms / 1000));
	if (answer && t == it->stack[0]) {
		size_t k = iter_extra_answer(set, v.extra, v.n_extra);
		add_all(it, &it->answer, set, n);
		add_all(it, &it->answer, v.extra, k);
		add_all(it, &it->authority, v.extra + k, v.n_extra - k);
		iter_val_fold(it, v.sec.security, v.sec.reason, t->zone);
	}
	return true;
}

void iter_reply_restore_case(struct wire_msg *m, const uint8_t *sent, const uint8_t *orig)
{
	/* The names are wire_parse's copies in the resolution's arena: ours to rewrite. */
	name_restore_case(m->q.name, sent, orig);
	for (int s = 0; s < 3; s++) {
		for (uint16_t i = 0; i < m->n[s]; i++) {
			struct wire_rr *rr = &m->rr[s][i];
			size_t offs[2];
			unsigned n = rdata_compressible_names(rr->type, rr->rdata, rr->rdlen, offs);
			name_restore_case((uint8_t *)rr->owner, sent, orig);
			for (unsigned k = 0; k < n; k++)
				name_restore_case((uint8_t *)rr->rdata + offs[k], sent, orig);
		}
	}
}

static bool in_zone(const uint8_t *name, const uint8_t *zone)
{
	return name_is_subdomain(name, zone);
}

/* Adds the records of an ANY answer (not cached, not validated) to the client's answer when t
 * is the client's question: all the records of rr's owner name. */
static void add_any(struct iter *it, const struct iter_target *t, const struct wire_msg *m,
		    const struct wire_rr *rr)
{
	if (t != it->stack[0])
		return;
	for (uint16_t i = 0; i < m->n[WIRE_ANSWER]; i++)
		if (name_equal(m->rr[WIRE_ANSWER][i].owner, rr->owner))
			iter_list_add(it, &it->answer, &m->rr[WIRE_ANSWER][i]);
	iter_val_fold(it, CACHE_SEC_UNCHECKED, VAL_R_OK, t->zone);
}

/* The first record of section s owned by name with the given type (any with DNS_TYPE_ANY). */
static const struct wire_rr *find(const struct wire_msg *m, enum wire_section s,
				  const uint8_t *name, uint16_t type, uint16_t rclass)
{
	for (uint16_t i = 0; i < m->n[s]; i++) {
		const struct wire_rr *rr = &m->rr[s][i];
		if ((rr->type == type || type == DNS_TYPE_ANY) && rr->rclass == rclass &&
		    name_equal(rr->owner, name))
			return rr;
	}
	return NULL;
}

/* A DNAME in the answer whose owner is a proper ancestor of name (RFC 6672 §2.2). */
static const struct wire_rr *find_dname(const struct wire_msg *m, const uint8_t *name,
					const uint8_t *zone)
{
	for (uint16_t i = 0; i < m->n[WIRE_ANSWER]; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_ANSWER][i];
		if (rr->type == DNS_TYPE_DNAME && in_zone(rr->owner, zone) &&
		    in_zone(name, rr->owner) && !name_equal(name, rr->owner))
			return rr;
	}
	return NULL;
}

/* Replaces the owner's suffix of name by the DNAME's target: a.b.owner -> a.b.target.
 * false when the result would be over 255 octets (RFC 6672 §2.2: YXDOMAIN). */
static bool dname_rewrite(uint8_t *name, const struct wire_rr *dname)
{
	uint8_t out[NAME_MAX_WIRE];
	unsigned keep = name_labels(name) - name_labels(dname->owner);
	const uint8_t *p = name;
	while (keep--)
		p = name_parent(p);
	size_t prefix = (size_t)(p - name), tlen = name_len(dname->rdata);
	if (prefix + tlen > NAME_MAX_WIRE)
		return false;
	memcpy(out, name, prefix);
	memcpy(out + prefix, dname->rdata, tlen);
	memcpy(name, out, prefix + tlen);
	return true;
}

/* Adds the CNAME a DNAME stands for (RFC 6672 §3.1: TTL of the DNAME) to the client's answer
 * and the cache. from is the name before the rewrite, to after it. */
static void synthesize_cname(struct iter *it, const struct iter_target *t,
			     const struct wire_rr *dname, const uint8_t *from, const uint8_t *to,
			     enum cache_security sec, uint64_t now_ms)
{
	struct wire_rr c = {
		.owner = arena_dup(it->a, from, name_len(from)),
		.type = DNS_TYPE_CNAME,
		.rclass = dname->rclass,
		.ttl = dname->ttl,
		.rdata = arena_dup(it->a, to, name_len(to)),
		.rdlen = (uint16_t)name_len(to),
	};
	if (!c.owner || !c.rdata)
		return;
	/* As trustworthy as the DNAME it comes from (RFC 6672 §5.3.1: it carries no RRSIG). */
	struct cache_sec cs = { .security = sec };
	cache_put(it->env->cache, &c, 1, &cs, CACHE_TRUST_ANSWER, (uint32_t)(now_ms / 1000));
	if (t == it->stack[0])
		iter_list_add(it, &it->answer, &c);
}

/* Follows the answer section from t->qname through CNAMEs and DNAMEs (in bailiwick) to the
 * RRset asked for. Returns ANSWER, CNAME (t->qname moved on), LIMIT, or LAME when nothing
 * usable is there; *followed says whether any alias was followed. */
static enum iter_reply_kind follow_answer(struct iter *it, struct iter_target *t,
					  const struct wire_msg *m, uint64_t now_ms,
					  enum cache_trust trust, bool *followed)
{
	*followed = false;
	for (unsigned hops = 0; hops <= m->n[WIRE_ANSWER]; hops++) {
		if (!in_zone(t->qname, t->zone))
			break; /* the chain left the server's bailiwick: ask elsewhere */
		const struct wire_rr *rr = find(m, WIRE_ANSWER, t->qname, t->qtype, it->qclass);
		enum cache_security sec;
		if (rr && (t->qtype == DNS_TYPE_CNAME || rr->type != DNS_TYPE_CNAME ||
			   t->qtype == DNS_TYPE_ANY)) {
			if (t->qtype == DNS_TYPE_ANY)
				add_any(it, t, m, rr);
			else if (!iter_cache_rrset(it, t, m, WIRE_ANSWER, rr, trust, true, now_ms,
						   &sec))
				return REPLY_RETRY;
			return REPLY_ANSWER;
		}
		/* A DNAME before the CNAME a server synthesized from it (RFC 6672 §3 has it send
		 * both): we synthesize that CNAME too, and the client gets the DNAME with it. */
		const struct wire_rr *d = find_dname(m, t->qname, t->zone);
		const struct wire_rr *c =
			d ? NULL : find(m, WIRE_ANSWER, t->qname, DNS_TYPE_CNAME, it->qclass);
		if (!c && !d)
			break;
		if (++it->n_cnames > it->env->limits.cname_chain)
			return REPLY_LIMIT;
		*followed = true;
		if (!iter_cache_rrset(it, t, m, WIRE_ANSWER, c ? c : d, trust, true, now_ms, &sec))
			return REPLY_RETRY;
		if (c) {
			memcpy(t->qname, c->rdata, name_len(c->rdata));
			continue;
		}
		uint8_t from[NAME_MAX_WIRE];
		memcpy(from, t->qname, name_len(t->qname));
		if (!dname_rewrite(t->qname, d))
			return REPLY_LIMIT;
		synthesize_cname(it, t, d, from, t->qname, sec, now_ms);
	}
	return *followed ? REPLY_CNAME : REPLY_LAME;
}

/* The SOA in the authority section that can prove a denial of name for t: in bailiwick, and
 * an ancestor of (or equal to) the name denied. */
static const struct wire_rr *denial_soa(const struct iter_target *t, const uint8_t *name,
					const struct wire_msg *m)
{
	for (uint16_t i = 0; i < m->n[WIRE_AUTHORITY]; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_AUTHORITY][i];
		if (rr->type == DNS_TYPE_SOA && in_zone(rr->owner, t->zone) &&
		    in_zone(name, rr->owner))
			return rr;
	}
	return NULL;
}

static enum iter_reply_kind denial(struct iter *it, struct iter_target *t,
				   const struct wire_msg *m, bool nxdomain, uint64_t now_ms)
{
	const struct wire_rr *soa = denial_soa(t, t->qname, m);
	if (soa) {
		struct iter_val_out v;
		if (!iter_val_denial(it, t, m, soa, nxdomain, &v))
			return REPLY_RETRY;
		struct cache_key k = { t->qname, t->qtype, it->qclass };
		cache_put_negative(it->env->cache, &k, nxdomain, soa, &v.sec,
				   CACHE_TRUST_AUTHORITY_AUTH, (uint32_t)(now_ms / 1000));
		if (t == it->stack[0]) {
			iter_list_add(it, &it->authority, soa);
			add_all(it, &it->authority, v.extra, v.n_extra);
			iter_val_fold(it, v.sec.security, v.sec.reason, t->zone);
		}
	} else {
		/* No SOA: in a signed zone nothing is proven. A NODATA outside one is cached for
		 * a short while (cache.nodata-no-soa-ttl), as Unbound does, so that a server that
		 * sends no SOA is not asked again for every client; an NXDOMAIN is not. */
		enum cache_security z = iter_val_zone_security(it, t);
		struct cache_key k = { t->qname, t->qtype, it->qclass };
		struct cache_sec cs = { .security = z, .reason = VAL_R_NSEC_MISSING };
		if (!nxdomain && z != CACHE_SEC_SECURE)
			cache_put_nodata(it->env->cache, &k, &cs, CACHE_TRUST_AUTHORITY_AUTH,
					 (uint32_t)(now_ms / 1000));
		if (t == it->stack[0])
			iter_val_fold(it, z == CACHE_SEC_SECURE ? CACHE_SEC_BOGUS : z,
				      VAL_R_NSEC_MISSING, t->zone);
	}
	return nxdomain ? REPLY_NXDOMAIN : REPLY_NODATA;
}

/* Caches the addresses the additional section gives for the name servers of the NS RRset
 * that ns starts (in section s), those named inside zone: the zone asked, for an NS answer;
 * for a referral the zone of the server that referred, its bailiwick. That takes sibling
 * glue too: the root's referral to com may give a.gtld-servers.net's address, as the root is
 * an authority for net as much as for com (Unbound and BIND take it as well); a com server
 * giving an address for a name in net is not believed. At most ITER_MAX_NS names, each
 * address RRset found once: a reply stuffed with records costs a bounded amount of work. */
static void cache_ns_addresses(struct iter *it, struct iter_target *t, const struct wire_msg *m,
			       enum wire_section s,
			       const struct wire_rr *ns, const uint8_t *zone,
			       enum cache_trust trust, uint64_t now_ms)
{
	static const uint16_t types[2] = { DNS_TYPE_A, DNS_TYPE_AAAA };
	unsigned names = 0;
	for (uint16_t i = 0; i < m->n[s] && names < ITER_MAX_NS; i++) {
		const struct wire_rr *rr = &m->rr[s][i];
		if (!same_set(rr, ns) || !in_zone(rr->rdata, zone))
			continue;
		names++;
		for (int k = 0; k < 2; k++) {
			const struct wire_rr *a =
				find(m, WIRE_ADDITIONAL, rr->rdata, types[k], it->qclass);
			enum cache_security sec;
			if (a)
				iter_cache_rrset(it, t, m, WIRE_ADDITIONAL, a, trust, false, now_ms,
						 &sec);
		}
	}
}

/* An NS RRset in the authority section: a referral when its owner lies strictly below the
 * zone asked and at or above the name; anything else NS-shaped is a lame reply. */
static const struct wire_rr *authority_ns(const struct wire_msg *m, uint16_t rclass,
					  size_t *n)
{
	const struct wire_rr *first = NULL;
	*n = 0;
	for (uint16_t i = 0; i < m->n[WIRE_AUTHORITY]; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_AUTHORITY][i];
		if (rr->type != DNS_TYPE_NS || rr->rclass != rclass)
			continue;
		if (!first)
			first = rr;
		if (same_set(rr, first))
			(*n)++;
	}
	return first;
}

/* The referral in m's authority section, as Unbound reads one: an NS RRset strictly below
 * the zone asked and at or above the name is a referral (cached, with its glue and DS:
 * REFERRAL, *ns_set and *n_ns set); one upwards or sideways, or the zone's own NS set
 * without AA or SOA (a referral to the zone asked), is LAME; no NS set at all, or the
 * zone's own with AA or SOA, is the zone's data (NODATA: nothing done). */
static enum iter_reply_kind referral(struct iter *it, struct iter_target *t,
				     const struct wire_msg *m, uint64_t now_ms,
				     const struct wire_rr **ns_set, size_t *n_ns)
{
	size_t n;
	const struct wire_rr *ns = authority_ns(m, it->qclass, &n);
	if (!ns)
		return REPLY_NODATA;
	if (name_equal(ns->owner, t->zone))
		return (m->flags & DNS_FLAG_AA) || denial_soa(t, t->qname, m) ? REPLY_NODATA
									     : REPLY_LAME;
	if (!in_zone(ns->owner, t->zone) || !in_zone(t->qname, ns->owner))
		return REPLY_LAME; /* a referral upwards or sideways */
	enum cache_security sec;
	iter_cache_rrset(it, t, m, WIRE_AUTHORITY, ns, CACHE_TRUST_AUTHORITY, false, now_ms, &sec);
	cache_ns_addresses(it, t, m, WIRE_AUTHORITY, ns, t->zone, CACHE_TRUST_GLUE, now_ms);
	iter_val_referral(it, t, m, ns->owner, now_ms);
	*ns_set = ns;
	*n_ns = n;
	return REPLY_REFERRAL;
}

enum iter_reply_kind iter_reply_classify(struct iter *it, struct iter_target *t,
					 const struct wire_msg *m, uint64_t now_ms,
					 const struct wire_rr **ns_set, size_t *n_ns)
{
	bool aa = m->flags & DNS_FLAG_AA, followed;
	enum cache_trust trust = aa ? CACHE_TRUST_ANSWER_AUTH : CACHE_TRUST_ANSWER;
	enum iter_reply_kind k = follow_answer(it, t, m, now_ms, trust, &followed);
	const struct wire_rr *ns_answer =
		k == REPLY_ANSWER && t->qtype == DNS_TYPE_NS
			? find(m, WIRE_ANSWER, t->qname, DNS_TYPE_NS, it->qclass)
			: NULL;
	if (ns_answer)
		cache_ns_addresses(it, t, m, WIRE_ANSWER, ns_answer, t->zone,
				   CACHE_TRUST_ADDITIONAL, now_ms);
	if (k != REPLY_LAME)
		return k; /* an answer, an alias to restart at, or a limit */
	/* A denial is one with or without AA (Unbound reads replies so): the zone's server said
	 * it; what the answer section held of other names or types is dropped. */
	if (m->rcode == DNS_RCODE_NXDOMAIN)
		return denial(it, t, m, true, now_ms);
	/* A forwarder answers for the whole tree below its zone: what it gives without an
	 * answer is a NODATA, never a referral to iterate from. */
	k = t->fwd_rd ? REPLY_NODATA : referral(it, t, m, now_ms, ns_set, n_ns);
	return k == REPLY_NODATA ? denial(it, t, m, false, now_ms) : k;
}

/* Caches what a reply to a minimised query says of the name asked, so that the next
 * resolution below it skips the query (RFC 9156 §3 step 5): its RRset or its NODATA, unchecked
 * (a validating resolution asks the name again before it answers a client with it). */
static void cache_no_cut(struct iter *it, const struct iter_target *t, const struct wire_msg *m,
			 uint64_t now_ms)
{
	uint32_t now_s = (uint32_t)(now_ms / 1000);
	bool aa = m->flags & DNS_FLAG_AA;
	struct cache_key k = { it->asked, it->asked_type, it->qclass };
	const struct wire_rr *rr = find(m, WIRE_ANSWER, it->asked, it->asked_type, it->qclass);
	if (rr) {
		size_t n;
		struct wire_rr *set = collect_set(it, m, WIRE_ANSWER, rr, &n);
		if (n)
			cache_put(it->env->cache, set, n, NULL,
				  aa ? CACHE_TRUST_ANSWER_AUTH : CACHE_TRUST_ANSWER, now_s);
		return;
	}
	if (m->n[WIRE_ANSWER])
		return; /* an alias, or another type: nothing to say of this one */
	const struct wire_rr *soa = denial_soa(t, it->asked, m);
	if (soa)
		cache_put_negative(it->env->cache, &k, false, soa, NULL, CACHE_TRUST_AUTHORITY_AUTH,
				   now_s);
	else
		cache_put_nodata(it->env->cache, &k, NULL, CACHE_TRUST_AUTHORITY_AUTH, now_s);
}

enum iter_reply_kind iter_reply_minimised(struct iter *it, struct iter_target *t,
					  const struct wire_msg *m, uint64_t now_ms,
					  const struct wire_rr **ns_set, size_t *n_ns)
{
	if (m->rcode == DNS_RCODE_NXDOMAIN) {
		if (it->env->qmin != ITER_QMIN_STRICT)
			return REPLY_NXDOMAIN;
		/* The denial is of the name asked: judged, cached and given as that. */
		uint8_t qname[NAME_MAX_WIRE];
		uint16_t qtype = t->qtype;
		memcpy(qname, t->qname, name_len(t->qname));
		memcpy(t->qname, it->asked, name_len(it->asked));
		t->qtype = it->asked_type;
		enum iter_reply_kind k = denial(it, t, m, true, now_ms);
		memcpy(t->qname, qname, name_len(qname));
		t->qtype = qtype;
		return k;
	}
	enum iter_reply_kind k = referral(it, t, m, now_ms, ns_set, n_ns);
	if (k == REPLY_NODATA)
		cache_no_cut(it, t, m, now_ms);
	return k == REPLY_NODATA ? REPLY_NO_CUT : k;
}
