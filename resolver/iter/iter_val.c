/* resolver/iter/iter_val.c: the chain of trust of a resolution: which zone's keys are proven,
 * fetching the DS and DNSKEY sets that prove them, and validating what a reply brings with
 * them (the cryptography and the denial proofs are resolver/validator's).
 *
 * Keys first: before a validating target's query goes to a zone's servers, the zone's
 * security is settled (iter_val_zone_ready): its DNSKEY set proven from a trust anchor or from
 * the DS set its parent serves, or the zone proven insecure (no DS, below a negative anchor,
 * only unsupported algorithms), or bogus. What the cache holds from earlier resolutions is
 * used; what it lacks is asked as sub-questions (DS of the parent, DNSKEY of the zone), which
 * are themselves validated the same way, up to the anchor. So when the reply comes, the keys
 * are at hand and validation is a function call: an RRset enters the cache once, with its
 * verdict, and a cache hit costs no cryptography.
 *
 * What the resolution learns of each zone is kept in it->zkeys (in the arena), so that it does
 * not depend on the cache keeping it (a TTL of 0, a full cache).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "dns.h"
#include "iter_priv.h"
#include "val_denial.h"
#include "val_sig.h"

static bool validating(const struct iter *it, const struct iter_target *t)
{
	return it->env->dnssec && t->validate;
}

/* ---- what the resolution knows of a zone ---- */

static struct iter_zone_keys *zkeys(struct iter *it, const uint8_t *zone)
{
	for (size_t i = 0; i < it->n_zkeys; i++)
		if (name_equal(it->zkeys[i].zone, zone))
			return &it->zkeys[i];
	struct iter_zone_keys *v =
		arena_grow(it->a, it->zkeys, it->n_zkeys, sizeof(*v), &it->cap_zkeys, 4);
	const uint8_t *name = arena_dup(it->a, zone, name_len(zone));
	if (!v || !name)
		return NULL;
	it->zkeys = v;
	struct iter_zone_keys *z = &it->zkeys[it->n_zkeys++];
	memset(z, 0, sizeof(*z));
	z->zone = name;
	return z;
}

static void settle(struct iter_zone_keys *z, enum val_state state, enum val_reason reason)
{
	z->settled = true;
	z->key_state = state;
	z->reason = reason;
}

struct wire_rr *iter_copy_rrs(struct iter *it, const struct wire_rr *rr, size_t n)
{
	struct wire_rr *out = arena_alloc(it->a, n * sizeof(*out));
	for (size_t i = 0; out && i < n; i++) {
		out[i] = rr[i];
		out[i].owner = arena_dup(it->a, rr[i].owner, name_len(rr[i].owner));
		out[i].rdata = arena_dup(it->a, rr[i].rdata, rr[i].rdlen);
		if (!out[i].owner || !out[i].rdata)
			return NULL;
	}
	return out;
}

static enum val_state state_of(uint8_t security)
{
	switch (security) {
	case CACHE_SEC_SECURE: return VAL_SECURE;
	case CACHE_SEC_INSECURE: return VAL_INSECURE;
	case CACHE_SEC_BOGUS: return VAL_BOGUS;
	default: return VAL_INDETERMINATE;
	}
}

static enum cache_security security_of(enum val_state st)
{
	switch (st) {
	case VAL_SECURE: return CACHE_SEC_SECURE;
	case VAL_INSECURE: return CACHE_SEC_INSECURE;
	case VAL_BOGUS: return CACHE_SEC_BOGUS;
	default: return CACHE_SEC_UNCHECKED;
	}
}

/* The zone's DNSKEY set with a verdict, from the cache; false when it holds none. */
static bool keys_from_cache(struct iter *it, struct iter_zone_keys *z, uint64_t now_ms)
{
	struct cache_rrset *set;
	if (iter_lookup(it, z->zone, DNS_TYPE_DNSKEY, CACHE_TRUST_ANSWER, now_ms, &set) !=
		    CACHE_HIT ||
	    set->security == CACHE_SEC_UNCHECKED)
		return false;
	if (set->security == CACHE_SEC_SECURE) {
		z->keys = iter_copy_rrs(it, set->rr, set->count);
		if (!z->keys)
			return false;
		z->n_keys = set->count;
	}
	settle(z, state_of(set->security), (enum val_reason)set->reason);
	return true;
}

/* The zone's DS set (or its proven absence) from the cache; false when it holds none. */
static bool ds_from_cache(struct iter *it, struct iter_zone_keys *z, uint64_t now_ms)
{
	struct cache_rrset *set;
	enum cache_res r = iter_lookup(it, z->zone, DNS_TYPE_DS, CACHE_TRUST_ANSWER, now_ms, &set);
	if ((r != CACHE_HIT && r != CACHE_NODATA && r != CACHE_NXDOMAIN) ||
	    set->security == CACHE_SEC_UNCHECKED)
		return false;
	z->reason = (enum val_reason)set->reason;
	if (set->security == CACHE_SEC_BOGUS || r == CACHE_NXDOMAIN) {
		z->ds_state = VAL_BOGUS;
	} else if (r == CACHE_NODATA || set->security == CACHE_SEC_INSECURE) {
		z->ds_state = VAL_INSECURE; /* no DS, proven, or an insecure parent */
		if (r == CACHE_NODATA)
			z->reason = VAL_R_NO_DS;
	} else {
		z->ds = iter_copy_rrs(it, set->rr, set->count);
		if (!z->ds)
			return false;
		z->n_ds = set->count;
		z->ds_state = VAL_SECURE;
	}
	return true;
}

/* A DS or DNSKEY question of the chain; false when it cannot be asked (depth, a loop). */
static bool ask_chain(struct iter *it, const uint8_t *zone, uint16_t type)
{
	struct iter_target *t = iter_push(it, zone, type);
	if (t)
		t->validate = true;
	return t != NULL;
}

/* The zone's DS state, from the anchor, the cache or a DS question to the parent; false when
 * that question was pushed. */
static bool settle_ds(struct iter *it, struct iter_zone_keys *z, const struct val_anchor *an,
		      uint64_t now_ms)
{
	if (z->ds_state != VAL_INDETERMINATE)
		return true;
	if (name_equal(z->zone, an->zone)) {
		z->ds = an->ds;
		z->n_ds = an->n_ds;
		z->ds_state = VAL_SECURE;
		return true;
	}
	if (ds_from_cache(it, z, now_ms))
		return true;
	if (!z->ds_asked) {
		z->ds_asked = true;
		if (ask_chain(it, z->zone, DNS_TYPE_DS))
			return false;
	}
	z->ds_state = VAL_BOGUS; /* the parent's DS could not be had */
	z->reason = VAL_R_NO_KEY;
	return true;
}

/* Settles zone's security (its DS state only, when keys is false) when it can be; false when
 * a sub-question was pushed for it. */
static bool settle_zone(struct iter *it, const uint8_t *zone, bool keys, uint64_t now_ms)
{
	const struct iter_dnssec *d = it->env->dnssec;
	struct iter_zone_keys *z = zkeys(it, zone);
	if (!z || z->settled)
		return true;
	const struct val_anchor *an = val_anchor_find(d->anchors, zone);
	if (val_anchor_negative(d->anchors, zone) || !an) {
		/* RFC 7646: below a negative anchor nothing is validated; outside every anchor
		 * nothing can be. Neither is bogus; only the first is insecure. */
		settle(z, an ? VAL_INSECURE : VAL_INDETERMINATE, VAL_R_OK);
		return true;
	}
	if (keys && keys_from_cache(it, z, now_ms))
		return true;
	if (!settle_ds(it, z, an, now_ms))
		return false;
	if (!keys)
		return true;
	if (z->ds_state != VAL_SECURE) {
		settle(z, z->ds_state, z->reason);
		return true;
	}
	if (!z->key_asked) {
		z->key_asked = true;
		if (ask_chain(it, zone, DNS_TYPE_DNSKEY))
			return false;
	}
	settle(z, VAL_BOGUS, VAL_R_NO_KEY); /* the zone's DNSKEY set could not be had */
	return true;
}

/* A target asking a zone for its own DNSKEY set: proven by the DS, not by the keys. Through
 * a forwarder the zone asked is the forward zone, above the one whose keys come. */
static bool key_fetch(const struct iter_target *t)
{
	return t->qtype == DNS_TYPE_DNSKEY && (name_equal(t->qname, t->zone) || t->fwd_rd);
}

bool iter_val_zone_ready(struct iter *it, struct iter_target *t, uint64_t now_ms)
{
	if (!validating(it, t) || t->zone_known)
		return true;
	if (!settle_zone(it, t->zone, !key_fetch(t), now_ms))
		return false;
	if (t->signer[0] && !settle_zone(it, t->signer, true, now_ms))
		return false;
	t->zone_known = true;
	return true;
}

/* ---- validating what a reply brings ---- */

static bool add_rr(struct iter *it, struct iter_val_out *out, const struct wire_rr *rr,
		   size_t *cap)
{
	struct wire_rr *v = arena_grow(it->a, out->extra, out->n_extra, sizeof(*v), cap, 4);
	if (!v)
		return false;
	out->extra = v;
	out->extra[out->n_extra++] = *rr;
	return true;
}

/* The type an RRSIG record covers (0 if it is too short to say). */
static uint16_t covered(const struct wire_rr *rr)
{
	return rr->rdlen >= 2 ? (uint16_t)(rr->rdata[0] << 8 | rr->rdata[1]) : 0;
}

/* Adds the RRSIGs of section s that cover the RRset of owner and type to out. */
static void gather_sigs(struct iter *it, const struct wire_msg *m, enum wire_section s,
			const uint8_t *owner, uint16_t type, struct iter_val_out *out, size_t *cap)
{
	for (uint16_t i = 0; i < m->n[s]; i++) {
		const struct wire_rr *rr = &m->rr[s][i];
		if (rr->type == DNS_TYPE_RRSIG && covered(rr) == type && name_equal(rr->owner, owner))
			add_rr(it, out, rr, cap);
	}
}

static void verdict(const struct iter *it, struct iter_val_out *out, enum val_state st,
		    enum val_reason reason, uint32_t ttl_s)
{
	out->sec.security = security_of(st);
	out->sec.reason = (uint8_t)reason;
	out->sec.ttl_cap_s = st == VAL_BOGUS ? it->env->dnssec->bogus_ttl_s
			     : st == VAL_SECURE ? ttl_s
						: 0;
	out->sec.extra = out->extra;
	out->sec.n_extra = out->n_extra;
}

/* The zone whose keys sign an RRset of owner in a reply of t's zone: t->zone, or a zone
 * between it and the owner that an RRSIG names (a server of parent and child answers for
 * the child without a referral). */
static const uint8_t *signer_of(struct iter *it, const struct iter_target *t,
				const struct wire_rr *sigs, size_t n, const uint8_t *owner)
{
	for (size_t i = 0; i < n; i++) {
		struct val_rrsig r;
		if (!val_rrsig_parse(&sigs[i], &r) || name_equal(r.signer, t->zone) ||
		    !name_is_subdomain(r.signer, t->zone) || !name_is_subdomain(owner, r.signer))
			continue;
		return arena_dup(it->a, r.signer, name_len(r.signer));
	}
	return t->zone;
}

#define PROOF_SETS_MAX 8 /* NSEC/NSEC3 RRsets of a reply looked at: a proof needs 3 at most;
			    bounds the work a reply stuffed with records can cause */

/* One NSEC or NSEC3 RRset of a reply's authority section, and the RRSIGs over it. */
struct proof_set {
	const struct wire_rr *first;
	struct rr_list rrs, sigs;
};

static bool same_owner_type(const struct wire_rr *a, const struct wire_rr *b, uint16_t type)
{
	return b->type == type && name_equal(a->owner, b->owner);
}

/* The proof_set rr belongs to among the n of sets (by owner and type, an RRSIG by the type
 * it covers), or NULL. */
static struct proof_set *set_of(struct proof_set *sets, size_t n, const struct wire_rr *rr)
{
	uint16_t type = rr->type == DNS_TYPE_RRSIG ? covered(rr) : rr->type;
	for (size_t i = 0; i < n; i++)
		if (same_owner_type(rr, sets[i].first, type))
			return &sets[i];
	return NULL;
}

/* The NSEC and NSEC3 RRsets of m's authority section in zone (the first PROOF_SETS_MAX of
 * them) that its keys prove, into *recs; their records and the RRSIGs over them go into
 * out's extra records (the proof a DO=1 client gets). */
static void gather_proof(struct iter *it, const struct wire_msg *m, const uint8_t *zone,
			 const struct iter_zone_keys *z, struct wire_rr **recs, size_t *n_recs,
			 struct iter_val_out *out, size_t *cap)
{
	const struct wire_rr *au = m->rr[WIRE_AUTHORITY];
	struct proof_set sets[PROOF_SETS_MAX];
	size_t n_sets = 0, rcap = 0;
	*recs = NULL;
	*n_recs = 0;
	for (uint16_t i = 0; i < m->n[WIRE_AUTHORITY] && n_sets < PROOF_SETS_MAX; i++) {
		const struct wire_rr *rr = &au[i];
		if ((rr->type == DNS_TYPE_NSEC || rr->type == DNS_TYPE_NSEC3) &&
		    name_is_subdomain(rr->owner, zone) && !set_of(sets, n_sets, rr))
			sets[n_sets++] = (struct proof_set){ .first = rr };
	}
	for (uint16_t i = 0; i < m->n[WIRE_AUTHORITY]; i++) {
		struct proof_set *p = set_of(sets, n_sets, &au[i]);
		if (!p)
			continue;
		add_rr(it, out, &au[i], cap);
		iter_list_add(it, au[i].type == DNS_TYPE_RRSIG ? &p->sigs : &p->rrs, &au[i]);
	}
	for (size_t k = 0; k < n_sets && z->key_state == VAL_SECURE; k++) {
		struct proof_set *p = &sets[k];
		if (!p->rrs.n || val_verify_rrset(p->rrs.rr, p->rrs.n, p->sigs.rr, p->sigs.n,
						  z->keys, z->n_keys, zone, it->wall_s,
						  &it->budget, NULL) != VAL_SECURE)
			continue;
		for (size_t j = 0; j < p->rrs.n; j++) {
			struct wire_rr *v = arena_grow(it->a, *recs, *n_recs, sizeof(*v), &rcap, 4);
			if (!v)
				return;
			*recs = v;
			(*recs)[(*n_recs)++] = p->rrs.rr[j];
		}
	}
}

/* Records what a validated DS RRset says of its zone, for the rest of the resolution. */
static void note_ds(struct iter *it, const struct wire_rr *set, size_t n, enum val_state st,
		    enum val_reason reason)
{
	struct iter_zone_keys *z = zkeys(it, set[0].owner);
	if (!z || z->ds_state != VAL_INDETERMINATE)
		return;
	z->ds_state = st == VAL_INDETERMINATE ? VAL_BOGUS : st;
	z->reason = reason;
	if (st == VAL_SECURE) {
		z->ds = set;
		z->n_ds = n;
	}
}

/* A verdict into the trace, unless there is none to give (no anchor covers the zone). */
static void trace_verdict(struct iter *it, const uint8_t *owner, uint16_t type, bool denial,
			  const uint8_t *zone, enum val_state st, enum val_reason reason,
			  const struct val_info *info)
{
	if (st != VAL_INDETERMINATE || reason != VAL_R_OK)
		iter_trace_verdict(it, owner, type, denial, zone, st, reason, info);
}

/* What was found of one RRset. */
struct judged {
	enum val_state st;
	enum val_reason reason;
	struct val_info info;
	const uint8_t *zone; /* whose keys judged it */
};

/* The DNSKEY set of t's name, asked by t for the chain: proven by the DS of the parent. */
static void judge_keys(struct iter *it, struct iter_target *t, const struct wire_rr *set,
		       size_t n, const struct iter_val_out *out, struct judged *j)
{
	struct iter_zone_keys *z = zkeys(it, t->qname);
	j->zone = t->qname;
	if (!z) {
		j->st = VAL_INDETERMINATE;
		j->reason = VAL_R_NOMEM;
		return;
	}
	if (z->ds_state != VAL_SECURE) {
		/* No anchor, a negative one, no DS or a bogus one: the keys are so too. */
		if (!z->settled)
			settle(z, z->ds_state == VAL_INSECURE ? VAL_INSECURE : VAL_BOGUS,
			       z->ds_state == VAL_INSECURE ? z->reason : VAL_R_NO_KEY);
		j->st = z->key_state;
		j->reason = z->reason;
		return;
	}
	j->st = val_verify_dnskeys(set, n, out->extra, out->n_extra, z->ds, z->n_ds, it->wall_s,
				   &it->budget, &j->info);
	j->reason = j->info.reason;
	z->keys = set;
	z->n_keys = n;
	settle(z, j->st, j->reason);
}

/* Unbound's DS walk, for an RRset without RRSIGs from a forwarder (no referral showed where
 * the zones below the forward zone begin): from the forward zone down to owner, the security
 * of each name is settled in turn, by its DS (and then DNSKEY) through the forwarder. The
 * RRset is insecure (j set) when a name on the way is an insecure delegation, or lies below
 * a negative trust anchor; when every name is secure, or one is not settled (a name that is
 * no zone cut has no DS and no insecure delegation's proof: bogus), j is left for the
 * signature check, which finds the RRSIG missing: bogus, never secure. false when t->signer
 * names the next one to settle, and the query is to be asked again after. */
static bool ds_walk(struct iter *it, struct iter_target *t, const uint8_t *owner,
		    struct judged *j)
{
	struct iter_zone_keys *top = zkeys(it, t->zone);
	if (!top || !top->settled || top->key_state != VAL_SECURE ||
	    !name_is_subdomain(owner, t->zone))
		return true;
	unsigned skip = name_labels(owner) - name_labels(t->zone);
	while (skip-- > 0) {
		const uint8_t *c = owner;
		for (unsigned k = 0; k < skip; k++)
			c = name_parent(c);
		struct iter_zone_keys *z = zkeys(it, c);
		if (!z)
			return true;
		if (!z->settled) {
			if (z->ds_asked || z->key_asked)
				return true; /* asked and still not known */
			memcpy(t->signer, c, name_len(c));
			t->zone_known = false;
			return false;
		}
		if (z->key_state == VAL_INSECURE) {
			j->st = VAL_INSECURE;
			j->reason = z->reason;
			j->zone = z->zone;
			return true;
		}
		if (z->key_state != VAL_SECURE)
			return true;
	}
	return true;
}

/* The verdict on an RRset of t's reply m, into j; false when it is signed by a zone below
 * t->zone whose keys are to be fetched first. */
static bool judge(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		  const struct wire_rr *set, size_t n, struct iter_val_out *out, size_t *cap,
		  struct judged *j)
{
	if (key_fetch(t) && set[0].type == DNS_TYPE_DNSKEY && name_equal(set[0].owner, t->qname)) {
		judge_keys(it, t, set, n, out, j);
		return true;
	}
	if (t->fwd_rd && out->n_extra == 0 && !ds_walk(it, t, set[0].owner, j))
		return false;
	if (j->zone)
		return true;
	j->zone = signer_of(it, t, out->extra, out->n_extra, set[0].owner);
	struct iter_zone_keys *z = zkeys(it, j->zone);
	if (!z) {
		j->st = VAL_INDETERMINATE;
		j->reason = VAL_R_NOMEM;
		return true;
	}
	if (!z->settled) {
		if (j->zone != t->zone && !t->signer_asked) {
			memcpy(t->signer, j->zone, name_len(j->zone));
			t->signer_asked = true;
			t->zone_known = false;
			return false; /* ask again once the signer's keys are known */
		}
		j->st = VAL_BOGUS;
		j->reason = VAL_R_NO_KEY;
		return true;
	}
	if (z->key_state != VAL_SECURE) {
		j->st = z->key_state;
		j->reason = z->reason;
		return true;
	}
	j->st = val_verify_rrset(set, n, out->extra, out->n_extra, z->keys, z->n_keys, j->zone,
				 it->wall_s, &it->budget, &j->info);
	j->reason = j->info.reason;
	if (j->st == VAL_SECURE && j->info.wildcard) {
		/* RFC 4035 §5.3.4: an expansion needs the proof that the name itself does not
		 * exist. */
		struct wire_rr *recs;
		size_t n_recs;
		gather_proof(it, m, j->zone, z, &recs, &n_recs, out, cap);
		struct val_denial_query q = { VAL_DENY_WILDCARD, set[0].owner, set[0].type, j->zone,
					      name_parent(j->info.source) };
		j->st = val_prove_denial(&q, recs, n_recs, &it->budget, &j->reason);
	}
	return true;
}

bool iter_val_rrset(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		    enum wire_section s, const struct wire_rr *set, size_t n,
		    struct iter_val_out *out)
{
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	gather_sigs(it, m, s, set[0].owner, set[0].type, out, &cap);
	out->sec.extra = out->extra;
	out->sec.n_extra = out->n_extra;
	bool ds = set[0].type == DNS_TYPE_DS;
	if (!validating(it, t) || (s != WIRE_ANSWER && !(s == WIRE_AUTHORITY && ds)))
		return true; /* glue, a referral's NS set: not signed by the zone, not checked */
	struct judged j;
	memset(&j, 0, sizeof(j));
	if (!judge(it, t, m, set, n, out, &cap, &j))
		return false;
	verdict(it, out, j.st, j.reason, j.info.ttl_s);
	trace_verdict(it, set[0].owner, set[0].type, false, j.zone, j.st, j.reason, &j.info);
	if (ds)
		note_ds(it, set, n, j.st, j.reason);
	return true;
}

bool iter_val_denial(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		     const struct wire_rr *soa, bool nxdomain, struct iter_val_out *out)
{
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	bool val = validating(it, t);
	/* The denying zone: the SOA's owner, which may lie below the zone asked. */
	const uint8_t *zone = name_is_subdomain(soa->owner, t->zone) ? soa->owner : t->zone;
	struct iter_zone_keys *z = val ? zkeys(it, zone) : NULL;
	if (val && z && !z->settled) {
		if (zone != t->zone && !t->signer_asked) {
			memcpy(t->signer, zone, name_len(zone));
			t->signer_asked = true;
			t->zone_known = false;
			return false;
		}
		settle(z, VAL_BOGUS, VAL_R_NO_KEY);
	}
	struct wire_rr *recs = NULL;
	size_t n_recs = 0;
	gather_sigs(it, m, WIRE_AUTHORITY, soa->owner, DNS_TYPE_SOA, out, &cap);
	size_t n_soa_sigs = out->n_extra;
	struct iter_zone_keys none = { 0 };
	gather_proof(it, m, zone, z ? z : &none, &recs, &n_recs, out, &cap);
	if (!val || !z) {
		out->sec.extra = out->extra;
		out->sec.n_extra = out->n_extra;
		return true;
	}
	enum val_state st = z->key_state;
	enum val_reason reason = z->reason;
	if (st == VAL_SECURE) {
		struct val_info info;
		st = val_verify_rrset(soa, 1, out->extra, n_soa_sigs, z->keys, z->n_keys, zone,
				      it->wall_s, &it->budget, &info);
		reason = info.reason;
	}
	if (st == VAL_SECURE) {
		struct val_denial_query q = { nxdomain ? VAL_DENY_NXDOMAIN
					      : t->qtype == DNS_TYPE_DS ? VAL_DENY_NO_DS
									: VAL_DENY_NODATA,
					      t->qname, t->qtype, zone, NULL };
		st = val_prove_denial(&q, recs, n_recs, &it->budget, &reason);
		if (st == VAL_BOGUS && q.kind == VAL_DENY_NODATA) {
			/* A NODATA of a name a wildcard stands for: that proof's verdict
			 * (insecure for an opt-out span), not "secure" for any but bogus. */
			q.kind = VAL_DENY_WILDCARD_NODATA;
			enum val_reason r2;
			enum val_state s2 = val_prove_denial(&q, recs, n_recs, &it->budget, &r2);
			if (s2 != VAL_BOGUS)
				st = s2, reason = r2;
		}
	}
	verdict(it, out, st, reason, 0);
	trace_verdict(it, t->qname, t->qtype, true, zone, st, reason, NULL);
	if (t->qtype == DNS_TYPE_DS && validating(it, t)) {
		struct iter_zone_keys *c = zkeys(it, t->qname);
		if (c && c->ds_state == VAL_INDETERMINATE) {
			/* A proven absence of DS, opt-out included, makes the child insecure; so
			 * does any denial from an insecure parent (a stub zone it does not
			 * delegate). A signed parent's NXDOMAIN says there is no such zone. */
			bool bad = st == VAL_BOGUS || (nxdomain && st == VAL_SECURE);
			c->ds_state = bad ? VAL_BOGUS : VAL_INSECURE;
			c->reason = st == VAL_BOGUS ? reason : VAL_R_NO_DS;
		}
	}
	return true;
}

void iter_val_referral(struct iter *it, struct iter_target *t, const struct wire_msg *m,
		       const uint8_t *child, uint64_t now_ms)
{
	if (!validating(it, t))
		return;
	struct iter_zone_keys *p = zkeys(it, t->zone), *c = zkeys(it, child);
	if (!p || !c || c->ds_state != VAL_INDETERMINATE || !p->settled)
		return;
	if (p->key_state == VAL_INSECURE || p->key_state == VAL_BOGUS) {
		c->ds_state = p->key_state; /* below an insecure or bogus parent, so is the child */
		c->reason = p->reason;
		return;
	}
	if (p->key_state != VAL_SECURE)
		return;
	for (uint16_t i = 0; i < m->n[WIRE_AUTHORITY]; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_AUTHORITY][i];
		if (rr->type == DNS_TYPE_DS && name_equal(rr->owner, child)) {
			enum cache_security sec;
			iter_cache_rrset(it, t, m, WIRE_AUTHORITY, rr, CACHE_TRUST_ANSWER, false,
					 now_ms, &sec);
			return; /* note_ds recorded it */
		}
	}
	/* No DS: the referral's NSEC or NSEC3 records may prove the delegation insecure. If
	 * they do not, the DS is asked for later, as for a delegation learnt from the cache. */
	struct iter_val_out out;
	struct wire_rr *recs;
	size_t n_recs, cap = 0;
	memset(&out, 0, sizeof(out));
	gather_proof(it, m, t->zone, p, &recs, &n_recs, &out, &cap);
	struct val_denial_query q = { VAL_DENY_NO_DS, child, DNS_TYPE_DS, t->zone, NULL };
	enum val_reason reason;
	enum val_state st = val_prove_denial(&q, recs, n_recs, &it->budget, &reason);
	if (st != VAL_BOGUS) {
		c->ds_state = VAL_INSECURE;
		c->reason = VAL_R_NO_DS;
		iter_trace_verdict(it, child, DNS_TYPE_DS, true, t->zone, st, reason, NULL);
	}
}

enum cache_security iter_val_zone_security(struct iter *it, const struct iter_target *t)
{
	struct iter_zone_keys *z = validating(it, t) ? zkeys(it, t->zone) : NULL;
	return z && z->settled ? security_of(z->key_state) : CACHE_SEC_UNCHECKED;
}

/* Ranks for folding: the worst part decides. */
static int rank(enum val_state st)
{
	switch (st) {
	case VAL_SECURE: return 0;
	case VAL_INDETERMINATE: return 1;
	case VAL_INSECURE: return 2;
	default: return 3;
	}
}

void iter_val_fold(struct iter *it, enum cache_security sec, enum val_reason reason,
		   const uint8_t *zone)
{
	enum val_state st = state_of((uint8_t)sec);
	if (rank(st) <= rank(it->sec))
		return;
	it->sec = st;
	it->sec_reason = reason;
	it->sec_zone = zone ? arena_dup(it->a, zone, name_len(zone)) : NULL;
}
