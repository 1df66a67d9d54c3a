/* resolver/validator/val_nsec3.c: denial of existence with NSEC3 (RFC 5155 §8) and the NSEC3
 * hash (§5).
 *
 * The zone's usable NSEC3 records are read once per call; names are hashed at most once per
 * call (a small cache) and each hash is counted in the budget, so a flood of labels or of
 * records costs what the limits allow and no more (CVE-2023-50868).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "val_priv.h"

#define NSEC3_SHA1 1
#define NSEC3_OPTOUT 0x01
#define HASH_CACHE (NAME_MAX_LABELS + 3) /* every ancestor of a name, and two wildcards */

struct n3 {
	const struct val_denial_query *q;
	struct val_budget *budget;
	struct val_nsec3 *recs; /* the usable ones, sharing the parameters of the first */
	size_t n;
	struct {
		uint8_t name[NAME_MAX_WIRE];
		uint8_t hash[20];
	} * cache;
	size_t n_cache;
	enum val_reason fail; /* sticky: a hash that could not be made */
};

enum val_reason val_nsec3_hash(const uint8_t *name, uint8_t alg, uint16_t iterations,
                               const uint8_t *salt, uint8_t salt_len, struct val_budget *budget,
                               uint8_t out[VAL_NSEC3_HASH_MAX], size_t *out_len)
{
	if (alg != NSEC3_SHA1)
		return VAL_R_MALFORMED;
	if (budget) {
		if (iterations > budget->limits->nsec3_iterations)
			return VAL_R_NSEC3_ITERATIONS;
		if (budget->nsec3_hashes >= budget->limits->nsec3_hashes)
			return VAL_R_LIMIT_NSEC3;
		budget->nsec3_hashes++;
	}
	uint8_t lower[NAME_MAX_WIRE];
	size_t len = name_len(name);
	memcpy(lower, name, len);
	name_lower(lower);
	*out_len = 20;
	return crypto_nsec3_sha1(lower, len, salt, salt_len, iterations, out);
}

/* The hash of name with the chain's parameters, from the cache or made; NULL on failure
 * (the reason in n->fail). */
static const uint8_t *hash_of(struct n3 *n, const uint8_t *name)
{
	for (size_t i = 0; i < n->n_cache; i++)
		if (name_equal(n->cache[i].name, name))
			return n->cache[i].hash;
	if (n->fail != VAL_R_OK || n->n_cache == HASH_CACHE) {
		n->fail = n->fail != VAL_R_OK ? n->fail : VAL_R_LIMIT_NSEC3;
		return NULL;
	}
	const struct val_nsec3 *p = &n->recs[0];
	uint8_t h[VAL_NSEC3_HASH_MAX];
	size_t len;
	n->fail = val_nsec3_hash(name, p->algorithm, p->iterations, p->salt, p->salt_len, n->budget,
	                         h, &len);
	if (n->fail != VAL_R_OK)
		return NULL;
	memcpy(n->cache[n->n_cache].name, name, name_len(name));
	memcpy(n->cache[n->n_cache].hash, h, 20);
	return n->cache[n->n_cache++].hash;
}

static const struct val_nsec3 *match(struct n3 *n, const uint8_t *name)
{
	const uint8_t *h = hash_of(n, name);
	for (size_t i = 0; h && i < n->n; i++)
		if (memcmp(n->recs[i].owner_hash, h, 20) == 0)
			return &n->recs[i];
	return NULL;
}

/* An NSEC3 covers a hash strictly between its owner's and the next one's, the last of the
 * chain (next <= owner) everything after its owner or before the next (RFC 5155 §8.3). */
static const struct val_nsec3 *cover(struct n3 *n, const uint8_t *name)
{
	const uint8_t *h = hash_of(n, name);
	for (size_t i = 0; h && i < n->n; i++) {
		const struct val_nsec3 *r = &n->recs[i];
		int after_owner = memcmp(h, r->owner_hash, 20) > 0;
		int before_next = memcmp(h, r->next, 20) < 0;
		if (memcmp(r->owner_hash, r->next, 20) < 0 ? after_owner && before_next
		                                           : after_owner || before_next)
			return r;
	}
	return NULL;
}

static bool has(const struct val_nsec3 *r, uint16_t type)
{
	return bitmap_has(r->bitmap, r->bitmap_len, type);
}

static bool delegation(const struct val_nsec3 *r)
{
	return has(r, DNS_TYPE_NS) && !has(r, DNS_TYPE_SOA);
}

/* The closest encloser proof (§8.3): walking up from qname, the first name with a matching
 * NSEC3 is the closest encloser (not below a zone cut or a DNAME: RFC 6840 §4.1), and the
 * name one label longer (the next closer) must be covered. False when qname itself matches. */
static bool closest_encloser(struct n3 *n, const uint8_t **ce, const struct val_nsec3 **nc_cover)
{
	const uint8_t *zone = n->q->zone, *prev = NULL;
	for (const uint8_t *sc = n->q->qname; name_is_subdomain(sc, zone); sc = name_parent(sc)) {
		const struct val_nsec3 *m = match(n, sc);
		if (n->fail != VAL_R_OK)
			return false;
		if (m) {
			if (!prev)
				return false;
			if (!name_equal(sc, zone) && (delegation(m) || has(m, DNS_TYPE_DNAME)))
				return false;
			*ce = sc;
			*nc_cover = cover(n, prev);
			return *nc_cover != NULL;
		}
		if (!*sc)
			break;
		prev = sc;
	}
	return false;
}

/* After a proof through the next closer name: secure, or insecure in an opt-out span. */
static enum val_state via_next_closer(const struct val_nsec3 *nc, enum val_reason *reason)
{
	*reason = (nc->flags & NSEC3_OPTOUT) ? VAL_R_NSEC3_OPTOUT : VAL_R_OK;
	return (nc->flags & NSEC3_OPTOUT) ? VAL_INSECURE : VAL_SECURE;
}

static enum val_state bogus(enum val_reason *reason)
{
	*reason = VAL_R_NSEC_MISSING;
	return VAL_BOGUS;
}

/* §8.4: closest encloser, next closer covered, wildcard at the encloser covered. */
static enum val_state prove_nxdomain(struct n3 *n, enum val_reason *reason)
{
	const uint8_t *ce;
	const struct val_nsec3 *nc;
	uint8_t wc[NAME_MAX_WIRE];
	if (!closest_encloser(n, &ce, &nc) || !name_wildcard(ce, wc) || !cover(n, wc))
		return bogus(reason);
	return via_next_closer(nc, reason);
}

/* §8.5: the matching NSEC3 lacks qtype and CNAME, and is not the parent side of a cut. */
static enum val_state prove_nodata(struct n3 *n, enum val_reason *reason)
{
	const struct val_nsec3 *m = match(n, n->q->qname);
	if (!m || has(m, n->q->qtype) || has(m, DNS_TYPE_CNAME) || delegation(m))
		return bogus(reason);
	*reason = VAL_R_OK;
	return VAL_SECURE;
}

/* §8.6 with RFC 6840 §4.4: a matching NSEC3 of a delegation without DS, or the next closer
 * name in an opt-out span. */
static enum val_state prove_no_ds(struct n3 *n, enum val_reason *reason)
{
	const uint8_t *ce;
	const struct val_nsec3 *nc, *m = match(n, n->q->qname);
	if (m) {
		if (!has(m, DNS_TYPE_NS) || has(m, DNS_TYPE_SOA) || has(m, DNS_TYPE_DS) ||
		    has(m, DNS_TYPE_CNAME))
			return bogus(reason);
		*reason = VAL_R_OK;
		return VAL_SECURE;
	}
	if (n->fail != VAL_R_OK || !closest_encloser(n, &ce, &nc) || !(nc->flags & NSEC3_OPTOUT))
		return bogus(reason);
	return via_next_closer(nc, reason);
}

/* §8.8: the next closer name below the wildcard's encloser is covered. */
static enum val_state prove_wildcard(struct n3 *n, enum val_reason *reason)
{
	const uint8_t *ce = n->q->encloser, *qname = n->q->qname;
	if (!ce || !name_is_subdomain(ce, n->q->zone) || !name_is_subdomain(qname, ce) ||
	    name_equal(qname, ce))
		return bogus(reason);
	const struct val_nsec3 *nc = cover(n, name_ancestor(qname, name_labels(ce) + 1));
	return nc ? via_next_closer(nc, reason) : bogus(reason);
}

/* §8.7: closest encloser proof, and the wildcard at it matches without qtype or CNAME. */
static enum val_state prove_wildcard_nodata(struct n3 *n, enum val_reason *reason)
{
	const uint8_t *ce;
	const struct val_nsec3 *nc, *w;
	uint8_t wc[NAME_MAX_WIRE];
	if (!closest_encloser(n, &ce, &nc) || !name_wildcard(ce, wc) || !(w = match(n, wc)) ||
	    has(w, n->q->qtype) || has(w, DNS_TYPE_CNAME))
		return bogus(reason);
	return via_next_closer(nc, reason);
}

static bool same_params(const struct val_nsec3 *a, const struct val_nsec3 *b)
{
	return a->algorithm == b->algorithm && a->iterations == b->iterations &&
	       a->salt_len == b->salt_len && memcmp(a->salt, b->salt, a->salt_len) == 0;
}

/* Reads the zone's NSEC3 records into n->recs: those with hash algorithm 1, flags 0 or 1
 * (§8.1, §8.2) and the parameters of the first such one. Counts what was seen. */
static void collect(struct n3 *n, const struct wire_rr *recs, size_t count, size_t *in_zone,
                    bool *malformed)
{
	for (size_t i = 0; i < count; i++) {
		const struct wire_rr *rr = &recs[i];
		if (rr->type != DNS_TYPE_NSEC3 || !*rr->owner ||
		    !name_equal(name_parent(rr->owner), n->q->zone))
			continue;
		(*in_zone)++;
		struct val_nsec3 *r = &n->recs[n->n];
		if (!rdata_nsec3(rr, r)) {
			*malformed = true;
			continue;
		}
		if (r->algorithm != NSEC3_SHA1 || r->hash_len != 20 || (r->flags & ~NSEC3_OPTOUT))
			continue;
		if (n->n == 0 || same_params(&n->recs[0], r))
			n->n++;
	}
}

static enum val_state run(struct n3 *n, enum val_reason *reason)
{
	switch (n->q->kind) {
	case VAL_DENY_NXDOMAIN:
		return prove_nxdomain(n, reason);
	case VAL_DENY_NODATA:
		return n->q->qtype == DNS_TYPE_DS ? prove_no_ds(n, reason)
		                                  : prove_nodata(n, reason);
	case VAL_DENY_WILDCARD:
		return prove_wildcard(n, reason);
	case VAL_DENY_WILDCARD_NODATA:
		return prove_wildcard_nodata(n, reason);
	case VAL_DENY_NO_DS:
		return prove_no_ds(n, reason);
	}
	return bogus(reason);
}

static enum val_state decide(struct n3 *n, size_t in_zone, bool malformed, enum val_reason *reason)
{
	if (n->n == 0) {
		*reason = malformed ? VAL_R_MALFORMED : VAL_R_NSEC_MISSING;
		return in_zone > 0 && !malformed ? VAL_INSECURE : VAL_BOGUS; /* §8.1 */
	}
	if (n->recs[0].iterations > n->budget->limits->nsec3_iterations) {
		*reason = VAL_R_NSEC3_ITERATIONS; /* RFC 9276 §3.2 */
		return VAL_INSECURE;
	}
	enum val_state st = run(n, reason);
	if (n->fail != VAL_R_OK) {
		*reason = n->fail;
		return n->fail == VAL_R_NOMEM ? VAL_INDETERMINATE : VAL_BOGUS;
	}
	if (st == VAL_BOGUS && malformed)
		*reason = VAL_R_MALFORMED;
	return st;
}

enum val_state nsec3_prove(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                           struct val_budget *budget, enum val_reason *reason)
{
	struct n3 ctx = {.q = q, .budget = budget};
	size_t in_zone = 0;
	bool malformed = false;
	ctx.recs = malloc((n ? n : 1) * sizeof(*ctx.recs));
	ctx.cache = malloc(HASH_CACHE * sizeof(*ctx.cache));
	enum val_state st = VAL_INDETERMINATE;
	*reason = VAL_R_NOMEM;
	if (ctx.recs && ctx.cache) {
		collect(&ctx, recs, n, &in_zone, &malformed);
		st = decide(&ctx, in_zone, malformed, reason);
	}
	free(ctx.recs);
	free(ctx.cache);
	return st;
}
