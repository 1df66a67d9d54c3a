/* resolver/local/local.c: answering from the local zones (the contract is in local.h).
 *
 * Here: the types' names, the lookup on every question's path and its answers. Building the
 * zones, and the defaults, are local_build.c's. The lookup first compares the question's
 * top-level label with the few the zones have (most questions stop there), then looks for
 * each of its suffixes, longest first, in the zones sorted in canonical order, then for the
 * name in that zone's records, sorted the same way: binary searches over read-only arrays.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "local_priv.h"

static const char *const type_names[] = {
    [LOCAL_TRANSPARENT] = "transparent",
    [LOCAL_TYPETRANSPARENT] = "typetransparent",
    [LOCAL_STATIC] = "static",
    [LOCAL_DENY] = "deny",
    [LOCAL_REFUSE] = "refuse",
    [LOCAL_REDIRECT] = "redirect",
    [LOCAL_ALWAYS_NULL] = "always_null",
    [LOCAL_ALWAYS_TRANSPARENT] = "always_transparent",
    [LOCAL_ALWAYS_REFUSE] = "always_refuse",
    [LOCAL_ALWAYS_NXDOMAIN] = "always_nxdomain",
    [LOCAL_ALWAYS_NODATA] = "always_nodata",
    [LOCAL_ALWAYS_DENY] = "always_deny",
    [LOCAL_NODEFAULT] = "nodefault",
};

bool local_type_from_text(const char *text, enum local_type *t)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
		if (strcmp(text, type_names[i]) == 0) {
			*t = (enum local_type)i;
			return true;
		}
	}
	return false;
}

const char *local_type_names(void)
{
	return "transparent, typetransparent, static, deny, refuse, redirect, always_null, "
	       "always_transparent, always_refuse, always_nxdomain, always_nodata, always_deny "
	       "or nodefault";
}

void local_limits_default(struct local_limits *lim)
{
	*lim = (struct local_limits){
	    .zones = 100000, /* a block list of this many names loads in well under a second */
	    .records = 100000,
	    .bytes = 16u << 20,
	    .rrset = LOCAL_RRSET_MAX,
	};
}

static bool same_rr(const struct wire_rr *a, const struct wire_rr *b)
{
	return name_equal(a->owner, b->owner) && a->type == b->type && a->ttl == b->ttl &&
	       a->rdlen == b->rdlen && memcmp(a->rdata, b->rdata, a->rdlen) == 0;
}

bool local_zones_same(const struct local_zones *a, const struct local_zones *b, bool data)
{
	size_t na = !a ? 0 : data ? a->n_given_rr : a->n_given_zones;
	size_t nb = !b ? 0 : data ? b->n_given_rr : b->n_given_zones;
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (data ? !same_rr(&a->given_rr[i], &b->given_rr[i])
		         : a->given_zone[i].type != b->given_zone[i].type ||
		               !name_equal(a->given_zone[i].name, b->given_zone[i].name))
			return false;
	}
	return true;
}

void local_zones_free(struct local_zones *z)
{
	if (!z)
		return;
	arena_free(z->arena);
	free(z);
}

/* Whether qname's top-level label is one of the zones' (always true when they hold too many
 * to list, or the root). */
static bool tld_match(const struct local_zones *z, const uint8_t *qname)
{
	if (z->every_name)
		return true;
	if (!qname[0])
		return false;
	const uint8_t *last = qname;
	while (last[1 + last[0]])
		last = name_parent(last);
	for (size_t i = 0; i < z->n_tld; i++) {
		const uint8_t *t = z->tld[i];
		if (t[0] != last[0])
			continue;
		unsigned k = 1;
		while (k <= t[0] && name_fold(last[k]) == t[k])
			k++;
		if (k > t[0])
			return true;
	}
	return false;
}

/* The zone named exactly name, or NULL. */
static const struct local_zone *zone_named(const struct local_zones *z, const uint8_t *name)
{
	size_t lo = 0, hi = z->n_zones;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = name_compare(z->zone[mid].name, name);
		if (d == 0)
			return &z->zone[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct local_zone *local_zone_of(const struct local_zones *z, const uint8_t *name)
{
	for (const uint8_t *s = name;; s = name_parent(s)) {
		const struct local_zone *lz = zone_named(z, s);
		if (lz || !s[0])
			return lz;
	}
}

/* The first record of zone lz whose owner is not before name in canonical order. */
static size_t first_at(const struct local_zones *z, const struct local_zone *lz,
                       const uint8_t *name)
{
	size_t lo = lz->first, hi = lz->first + lz->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (name_compare(z->rr[mid].owner, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* What the records of lz say about name: *exists when name owns a record or lies above one
 * (an empty non-terminal), *owns when it owns one; the RRset of qtype (else, but for a CNAME
 * question, its CNAME) as [*at, *at + *n). */
static void find_data(const struct local_zones *z, const struct local_zone *lz, const uint8_t *name,
                      uint16_t qtype, bool *exists, bool *owns, size_t *at, size_t *n)
{
	size_t end = lz->first + lz->n, i = first_at(z, lz, name), cname = end;
	*exists = i < end && name_is_subdomain(z->rr[i].owner, name);
	*owns = *exists && name_equal(z->rr[i].owner, name);
	*n = 0;
	for (; *owns && i < end && name_equal(z->rr[i].owner, name); i++) {
		if (z->rr[i].type == qtype && (*n)++ == 0)
			*at = i;
		if (z->rr[i].type == DNS_TYPE_CNAME && cname == end)
			cname = i;
	}
	if (*n || cname == end || qtype == DNS_TYPE_CNAME)
		return;
	*at = cname;
	while (cname < end && name_equal(z->rr[cname].owner, name) &&
	       z->rr[cname].type == DNS_TYPE_CNAME)
		cname++, (*n)++;
}

/* The apex's records given to a redirected name: owned by qname, in its case. */
static void redirect(const struct local_zones *z, const uint8_t *qname, size_t at, size_t n,
                     struct local_answer *out)
{
	memcpy(out->owner, qname, name_len(qname));
	for (size_t k = 0; k < n; k++) {
		out->redirected[k] = z->rr[at + k];
		out->redirected[k].owner = out->owner;
	}
	out->an = out->redirected;
}

/* always_null's answer: the unspecified address for A and AAAA (owned by qname, with
 * Unbound's TTL), NODATA without SOA for the rest. */
static enum local_result null_address(const uint8_t *qname, uint16_t qtype,
				      struct local_answer *out)
{
	static const uint8_t zeros[16];
	if (qtype != DNS_TYPE_A && qtype != DNS_TYPE_AAAA)
		return LOCAL_ANSWER;
	memcpy(out->owner, qname, name_len(qname));
	out->redirected[0] = (struct wire_rr){ .owner = out->owner, .type = qtype,
					       .rclass = DNS_CLASS_IN, .ttl = 3600, .rdata = zeros,
					       .rdlen = qtype == DNS_TYPE_A ? 4 : 16 };
	out->an = out->redirected;
	out->n_an = 1;
	return LOCAL_ANSWER;
}

/* A negative answer of lz: rcode, and its SOA when it has one (RFC 2308 §3). */
static enum local_result negative(const struct local_zone *lz, unsigned rcode,
                                  struct local_answer *out)
{
	out->rcode = rcode;
	if (lz->has_soa) {
		out->ns = &lz->soa_neg;
		out->n_ns = 1;
	}
	return LOCAL_ANSWER;
}

/* Unbound's order: the data first (unless the type ignores it), then the type's answer. */
enum local_result local_answer(const struct local_zones *z, const uint8_t *qname, uint16_t qtype,
                               struct local_answer *out)
{
	if (!z || !tld_match(z, qname))
		return LOCAL_RESOLVE;
	const struct local_zone *lz = local_zone_of(z, qname);
	if (!lz)
		return LOCAL_RESOLVE;
	out->rcode = DNS_RCODE_NOERROR;
	out->n_an = out->n_ns = 0;
	bool exists = false, owns = false;
	if (lz->type < LOCAL_ALWAYS_TRANSPARENT) {
		size_t at = 0, n;
		bool redirected = lz->type == LOCAL_REDIRECT;
		find_data(z, lz, redirected ? lz->name : qname, qtype, &exists, &owns, &at, &n);
		if (n) {
			out->an = &z->rr[at];
			out->n_an = n;
			if (redirected)
				redirect(z, qname, at, n, out);
			return LOCAL_ANSWER;
		}
	}
	switch (lz->type) {
	case LOCAL_DENY:
	case LOCAL_ALWAYS_DENY:
		return LOCAL_DROP;
	case LOCAL_REFUSE:
	case LOCAL_ALWAYS_REFUSE:
		out->rcode = DNS_RCODE_REFUSED;
		return LOCAL_ANSWER;
	case LOCAL_STATIC:
	case LOCAL_ALWAYS_NXDOMAIN:
		return negative(lz, exists ? DNS_RCODE_NOERROR : DNS_RCODE_NXDOMAIN, out);
	case LOCAL_ALWAYS_NULL:
		return null_address(qname, qtype, out);
	case LOCAL_REDIRECT:
	case LOCAL_ALWAYS_NODATA:
		return negative(lz, DNS_RCODE_NOERROR, out);
	case LOCAL_TRANSPARENT:     /* a name with data of other types only is NODATA, */
	case LOCAL_TYPETRANSPARENT: /* but typetransparent resolves those types */
		return owns && lz->type != LOCAL_TYPETRANSPARENT
		           ? negative(lz, DNS_RCODE_NOERROR, out)
		           : LOCAL_RESOLVE;
	case LOCAL_ALWAYS_TRANSPARENT:
	case LOCAL_NODEFAULT:
		break;
	}
	return LOCAL_RESOLVE;
}
