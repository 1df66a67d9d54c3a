/* resolver/auth/auth_denial.c: denial of existence in signed zones: the NSEC and NSEC3 indexes
 * of a zone and the choice of the records that prove NXDOMAIN, NODATA, a wildcard expansion or
 * an unsigned delegation (RFC 4035 §3.1.3, RFC 5155 §7.2).
 *
 * NSEC: the owners of NSEC records sorted in canonical order; the record covering a name is
 * the one at the greatest owner not after it (NSD's find_covering_nsec). NSEC3: the chain of
 * the apex's NSEC3PARAM sorted by hash, which is the order of the owners' base32hex labels;
 * a name is hashed at query time (SHA-1 from OpenSSL's libcrypto, iterated with the salt as
 * RFC 5155 §5 says) and matched, or covered by the greatest hash not above it (the last one
 * when it is below all). Which records a proof takes follows NSD's nsec3.c, so that the two
 * answer alike (tests/system/toy_nsd_vs_auth.sh): closest encloser, next closer and wildcard
 * for NXDOMAIN; for unsigned delegations under opt-out, the closest provable encloser and the
 * opt-out span covering the next closer name.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_zone.h"
#include "buf.h"
#include "dns.h"
#include "name.h"
#include "text.h"
#include "val_denial.h"

#define NSEC3_SHA1 1  /* the only NSEC3 hash algorithm (RFC 5155 §11) */
#define HASH_LABEL 32 /* base32hex of 20 bytes */

/* Compares the first labels of two names, ASCII case ignored: for NSEC3 owners, whose labels
 * are base32hex hashes of one length, the order of the hashes. */
static int label_cmp(const uint8_t *a, const uint8_t *b)
{
	size_t la = a[0], lb = b[0], n = la < lb ? la : lb;
	for (size_t i = 1; i <= n; i++) {
		uint8_t x = name_fold(a[i]), y = name_fold(b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return (la > lb) - (la < lb);
}

static int chain_cmp(const void *pa, const void *pb)
{
	const struct auth_node *const *a = pa, *const *b = pb;
	return label_cmp((*a)->name, (*b)->name);
}

static int nsec_cmp(const void *pa, const void *pb)
{
	const struct auth_node *const *a = pa, *const *b = pb;
	return name_compare((*a)->name, (*b)->name);
}

/* The NSEC3 owner label of name in the zone's chain: its hash (the validator's, RFC 5155 §5)
 * in base32hex (RFC 4648 §7). */
static bool nsec3_label(const struct auth_zone *z, const uint8_t *name,
			uint8_t label[1 + HASH_LABEL + 1])
{
	uint8_t hash[VAL_NSEC3_HASH_MAX];
	size_t hlen;
	if (val_nsec3_hash(name, NSEC3_SHA1, z->nsec3.iterations, z->nsec3.salt,
			   z->nsec3.salt_len, NULL, hash, &hlen) != VAL_R_OK)
		return false;
	struct buf_out o;
	buf_out_init(&o, label, 1 + HASH_LABEL + 1); /* the text ends with a NUL past the label */
	buf_put_u8(&o, HASH_LABEL);
	text_base32hex_encode(hash, hlen, &o);
	return o.err == ERR_OK && o.len == 1 + HASH_LABEL;
}

const struct auth_node *auth_denial_nsec3(const struct auth_zone *z, const uint8_t *name,
					  bool *exact)
{
	uint8_t label[1 + HASH_LABEL + 1];
	*exact = false;
	if (z->nsec3.n == 0 || !nsec3_label(z, name, label))
		return NULL;
	size_t lo = 0, hi = z->nsec3.n; /* the first owner above the hash */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = label_cmp(z->nsec3.chain[mid]->name, label);
		if (c == 0) {
			*exact = true;
			return z->nsec3.chain[mid];
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return z->nsec3.chain[lo ? lo - 1 : z->nsec3.n - 1];
}

/* The NSEC owner at or before name in canonical order, or NULL. */
static const struct auth_node *nsec_cover(const struct auth_zone *z, const uint8_t *name)
{
	size_t lo = 0, hi = z->n_nsec;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (name_compare(z->nsec[mid]->name, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? z->nsec[lo - 1] : NULL;
}

/* The node of name's parent (ENTs are nodes too); NULL above the apex. */
static const struct auth_node *parent_node(const struct auth_zone *z, const struct auth_node *nd)
{
	return nd == &z->node[0] ? NULL : auth_zone_get(z, name_parent(nd->name));
}

/* out collects up to AUTH_DENY_MAX nodes; NULL ones are left out. */
struct picks {
	const struct auth_node **out;
	size_t n;
};

static void pick(struct picks *p, const struct auth_node *nd)
{
	if (nd && p->n < AUTH_DENY_MAX)
		p->out[p->n++] = nd;
}

static const struct auth_node *cover3(const struct auth_zone *z, const uint8_t *name)
{
	bool exact;
	return auth_denial_nsec3(z, name, &exact);
}

static const struct auth_node *match3(const struct auth_zone *z, const uint8_t *name)
{
	bool exact;
	const struct auth_node *nd = auth_denial_nsec3(z, name, &exact);
	return exact ? nd : NULL;
}

/* The NSEC3 of the name; else, as NSD's nsec3_add_ds_proof and nsec3_answer_nodata do, the
 * closest provable encloser's (the nearest ancestor with an NSEC3) and the one covering the
 * next closer name below it: for an unsigned delegation, the opt-out span (RFC 5155 §7.2.7). */
static void provable3(const struct auth_zone *z, const struct auth_node *nd, struct picks *p)
{
	bool exact;
	const struct auth_node *m = auth_denial_nsec3(z, nd->name, &exact);
	if (exact) {
		pick(p, m);
		return;
	}
	const struct auth_node *par = parent_node(z, nd), *below = NULL;
	/* bounded: each step is a label nearer the apex, whose NSEC3 the signer made */
	while (par && !match3(z, par->name)) {
		below = par;
		par = parent_node(z, par);
	}
	if (par)
		pick(p, match3(z, par->name));
	pick(p, below ? cover3(z, below->name) : m);
}

static void proof3(const struct auth_zone *z, enum auth_deny kind, const uint8_t *qname,
		   const struct auth_node *nd, struct picks *p)
{
	uint8_t buf[NAME_MAX_WIRE];
	const uint8_t *ce = kind == AUTH_DENY_NXDOMAIN ? nd->name : name_parent(nd->name);
	switch (kind) {
	case AUTH_DENY_NXDOMAIN: {
		const uint8_t *wild = name_wildcard(ce, buf) ? buf : NULL;
		pick(p, cover3(z, name_ancestor(qname, name_labels(ce) + 1)));
		pick(p, match3(z, ce));
		if (wild)
			pick(p, cover3(z, wild));
		return;
	}
	case AUTH_DENY_WILDCARD:
		pick(p, cover3(z, name_ancestor(qname, name_labels(ce) + 1)));
		return;
	case AUTH_DENY_WILDCARD_NODATA:
		pick(p, cover3(z, name_ancestor(qname, name_labels(ce) + 1)));
		pick(p, match3(z, ce));
		pick(p, cover3(z, nd->name));
		return;
	case AUTH_DENY_NODATA:
	case AUTH_DENY_REFERRAL:
		provable3(z, nd, p);
		return;
	}
}

static void proof_nsec(const struct auth_zone *z, enum auth_deny kind, const uint8_t *qname,
		       const struct auth_node *nd, struct picks *p)
{
	uint8_t buf[NAME_MAX_WIRE];
	size_t n;
	switch (kind) {
	case AUTH_DENY_NXDOMAIN: {
		const uint8_t *wild = name_wildcard(nd->name, buf) ? buf : NULL;
		pick(p, nsec_cover(z, qname));
		if (wild)
			pick(p, nsec_cover(z, wild));
		return;
	}
	case AUTH_DENY_WILDCARD:
		pick(p, nsec_cover(z, qname));
		return;
	case AUTH_DENY_WILDCARD_NODATA:
		pick(p, nsec_cover(z, qname));
		pick(p, nsec_cover(z, nd->name));
		return;
	case AUTH_DENY_NODATA:
		pick(p, nsec_cover(z, nd->name));
		return;
	case AUTH_DENY_REFERRAL: /* the NSEC at the cut shows NS without DS */
		if (auth_zone_rrset(z, nd, DNS_TYPE_NSEC, &n))
			pick(p, nd);
		return;
	}
}

size_t auth_denial_proof(const struct auth_zone *z, enum auth_deny kind, const uint8_t *qname,
			 const struct auth_node *nd, const struct auth_node *out[AUTH_DENY_MAX])
{
	struct picks p = { out, 0 };
	if (z->nsec3.n)
		proof3(z, kind, qname, nd, &p);
	else
		proof_nsec(z, kind, qname, nd, &p);
	return p.n;
}

/* Reads the apex's NSEC3PARAM (the first with flags 0 and SHA-1, as NSD takes it): false when
 * there is one and it cannot be used; *found says whether there is one. */
static bool read_param(struct auth_zone *z, bool *found, char err[static 64])
{
	size_t n;
	const struct wire_rr *r = auth_zone_rrset(z, &z->node[0], DNS_TYPE_NSEC3PARAM, &n);
	*found = false;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *d = r[i].rdata;
		if (r[i].rdlen < 5 || d[0] != NSEC3_SHA1 || d[1] != 0 || r[i].rdlen != 5 + d[4])
			continue;
		unsigned iter = (unsigned)d[2] << 8 | d[3];
		if (iter > AUTH_NSEC3_MAX_ITER) {
			snprintf(err, 64, "NSEC3PARAM: %u iterations, over %u", iter,
				 AUTH_NSEC3_MAX_ITER);
			return false;
		}
		z->nsec3.iterations = (uint16_t)iter;
		z->nsec3.salt_len = d[4];
		memcpy(z->nsec3.salt, d + 5, d[4]);
		*found = true;
		return true;
	}
	return true;
}

/* Marks hashed owners and counts what the indexes need. */
static void scan(struct auth_zone *z, size_t *n_nsec, size_t *n_nsec3)
{
	size_t n;
	*n_nsec = *n_nsec3 = 0;
	for (size_t i = 0; i < z->n_node; i++) {
		struct auth_node *nd = &z->node[i];
		const struct wire_rr *r = z->zf->rr + nd->first;
		bool only3 = nd->n > 0;
		for (uint32_t k = 0; k < nd->n; k++)
			if (r[k].type != DNS_TYPE_NSEC3 && r[k].type != DNS_TYPE_RRSIG)
				only3 = false;
		if (only3 && auth_zone_rrset(z, nd, DNS_TYPE_NSEC3, &n) && nd->name[0] == HASH_LABEL &&
		    name_equal(name_parent(nd->name), z->apex)) {
			nd->flags |= AUTH_NODE_NSEC3;
			++*n_nsec3;
		}
		if (auth_zone_rrset(z, nd, DNS_TYPE_NSEC, &n))
			++*n_nsec;
	}
}

bool auth_denial_build(struct auth_zone *z, char err[static 64])
{
	size_t n, n_nsec, n_nsec3;
	const struct wire_rr *sig = auth_zone_rrset(z, &z->node[0], DNS_TYPE_RRSIG, &n);
	for (size_t i = 0; i < n; i++)
		if (sig[i].rdlen >= 2 && (sig[i].rdata[0] << 8 | sig[i].rdata[1]) == DNS_TYPE_DNSKEY)
			z->secure = true;
	bool has_param;
	if (!read_param(z, &has_param, err))
		return false;
	scan(z, &n_nsec, &n_nsec3);
	z->nsec = malloc((n_nsec ? n_nsec : 1) * sizeof(*z->nsec));
	z->nsec3.chain = malloc((n_nsec3 ? n_nsec3 : 1) * sizeof(*z->nsec3.chain));
	if (!z->nsec || !z->nsec3.chain) {
		snprintf(err, 64, "out of memory");
		return false;
	}
	for (size_t i = 0; i < z->n_node; i++) {
		const struct auth_node *nd = &z->node[i];
		if (auth_zone_rrset(z, nd, DNS_TYPE_NSEC, &n))
			z->nsec[z->n_nsec++] = nd;
		if (has_param && (nd->flags & AUTH_NODE_NSEC3))
			z->nsec3.chain[z->nsec3.n++] = nd;
	}
	qsort(z->nsec, z->n_nsec, sizeof(*z->nsec), nsec_cmp);
	qsort(z->nsec3.chain, z->nsec3.n, sizeof(*z->nsec3.chain), chain_cmp);
	return true;
}

void auth_denial_fini(struct auth_zone *z)
{
	free(z->nsec);
	free(z->nsec3.chain);
}
