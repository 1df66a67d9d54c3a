/* resolver/validator/val_nsec.c: denial of existence with NSEC (RFC 4035 §5.4, RFC 6840 §4),
 * and the entry point that picks NSEC or NSEC3.
 *
 * The records have been verified by the caller; here only their names and bitmaps count:
 * which NSEC matches a name (its owner), which covers it (owner < name < next in the
 * canonical order of RFC 4034 §6.1), and what the bitmaps say. NSEC3 is val_nsec3.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "dns.h"
#include "val_priv.h"

/* What the search over the records found; malformed remembers an unreadable record. */
struct nsec_find {
	const struct wire_rr *rr;
	struct val_nsec f;
	bool malformed;
};

const uint8_t *common_ancestor(const uint8_t *a, const uint8_t *b)
{
	unsigned la = name_labels(a), lb = name_labels(b);
	a = name_ancestor(a, lb < la ? lb : la);
	b = name_ancestor(b, lb < la ? lb : la);
	while (*a && !name_equal(a, b)) {
		a = name_parent(a);
		b = name_parent(b);
	}
	return a;
}

static bool has(const struct val_nsec *f, uint16_t type)
{
	return bitmap_has(f->bitmap, f->bitmap_len, type);
}

/* The parent side of a zone cut: NS without SOA. */
static bool delegation(const struct val_nsec *f)
{
	return has(f, DNS_TYPE_NS) && !has(f, DNS_TYPE_SOA);
}

/* A delegation NSEC or a DNAME one: names below its owner are another zone's, or not there,
 * so it proves nothing about them (RFC 6840 §4.1). */
static bool cut_below(const struct val_nsec *f)
{
	return delegation(f) || has(f, DNS_TYPE_DNAME);
}

static bool covers(const struct wire_rr *rr, const struct val_nsec *f, const uint8_t *name)
{
	if (name_compare(rr->owner, name) >= 0)
		return false;
	if (name_is_subdomain(name, rr->owner) && cut_below(f))
		return false;
	/* the last NSEC of the zone points back to the apex and covers all after its owner */
	return name_compare(rr->owner, f->next) >= 0 || name_compare(name, f->next) < 0;
}

/* Looks for the NSEC of zone that matches name (cover false) or covers it (cover true). */
static bool find(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                 const uint8_t *name, bool cover, struct nsec_find *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct wire_rr *rr = &recs[i];
		if (rr->type != DNS_TYPE_NSEC || !name_is_subdomain(rr->owner, q->zone))
			continue;
		if (!rdata_nsec(rr, &out->f) || !name_is_subdomain(out->f.next, q->zone)) {
			out->malformed = true;
			continue;
		}
		if (cover ? covers(rr, &out->f, name) : name_equal(rr->owner, name)) {
			out->rr = rr;
			return true;
		}
	}
	return false;
}

static bool lacks(const struct val_nsec *f, uint16_t type)
{
	return !has(f, type) && !has(f, DNS_TYPE_CNAME); /* RFC 6840 §4.3 */
}

/* The closest encloser an NSEC covering qname shows (RFC 4035 §5.4): the longer of what
 * qname shares with the owner and with the next name. */
static const uint8_t *encloser(const struct nsec_find *c, const uint8_t *qname)
{
	const uint8_t *a = common_ancestor(qname, c->rr->owner);
	const uint8_t *b = common_ancestor(qname, c->f.next);
	return name_labels(a) >= name_labels(b) ? a : b;
}

/* The wildcard at the closest encloser of qname, which an NSEC covering qname shows: NXDOMAIN
 * needs it covered (absent), a wildcard NODATA needs it matched without qtype or CNAME. */
static bool prove_wildcard_at_encloser(const struct val_denial_query *q, const struct wire_rr *recs,
                                       size_t n, bool exists, struct nsec_find *c)
{
	uint8_t wc[NAME_MAX_WIRE];
	struct nsec_find w = {0};
	if (!find(q, recs, n, q->qname, true, c) || !name_wildcard(encloser(c, q->qname), wc))
		return false;
	bool ok = find(q, recs, n, wc, !exists, &w) && (!exists || lacks(&w.f, q->qtype));
	c->malformed |= w.malformed;
	return ok;
}

static bool prove_no_ds(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                        struct nsec_find *m)
{
	/* RFC 6840 §4.4: NS set, DS and SOA clear */
	return find(q, recs, n, q->qname, false, m) && delegation(&m->f) &&
	       !has(&m->f, DNS_TYPE_DS);
}

static bool prove_nodata(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                         struct nsec_find *m)
{
	if (find(q, recs, n, q->qname, false, m))
		return lacks(&m->f, q->qtype) && !delegation(&m->f);
	/* an empty non-terminal: the NSEC covering it leads to a name below it */
	return find(q, recs, n, q->qname, true, m) && name_is_subdomain(m->f.next, q->qname) &&
	       !name_equal(m->f.next, q->qname);
}

static bool prove_wildcard(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                           struct nsec_find *c)
{
	return q->encloser && find(q, recs, n, q->qname, true, c) &&
	       name_equal(encloser(c, q->qname), q->encloser);
}

static bool nsec_prove(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                       bool *malformed)
{
	struct nsec_find f = {0};
	bool ok = false;
	switch (q->kind) {
	case VAL_DENY_NXDOMAIN:
		ok = prove_wildcard_at_encloser(q, recs, n, false, &f);
		break;
	case VAL_DENY_NODATA:
		ok = q->qtype == DNS_TYPE_DS ? prove_no_ds(q, recs, n, &f)
		                             : prove_nodata(q, recs, n, &f);
		break;
	case VAL_DENY_WILDCARD:
		ok = prove_wildcard(q, recs, n, &f);
		break;
	case VAL_DENY_WILDCARD_NODATA:
		ok = prove_wildcard_at_encloser(q, recs, n, true, &f);
		break;
	case VAL_DENY_NO_DS:
		ok = prove_no_ds(q, recs, n, &f);
		break;
	}
	*malformed = f.malformed;
	return ok;
}

enum val_state val_prove_denial(const struct val_denial_query *q, const struct wire_rr *recs,
                                size_t n, struct val_budget *budget, enum val_reason *reason)
{
	bool any_nsec = false, malformed = false;
	for (size_t i = 0; i < n && !any_nsec; i++)
		any_nsec = recs[i].type == DNS_TYPE_NSEC;
	if (!name_is_subdomain(q->qname, q->zone)) {
		*reason = VAL_R_NSEC_MISSING;
		return VAL_BOGUS;
	}
	if (!any_nsec)
		return nsec3_prove(q, recs, n, budget, reason);
	if (nsec_prove(q, recs, n, &malformed)) {
		*reason = VAL_R_OK;
		return VAL_SECURE;
	}
	*reason = malformed ? VAL_R_MALFORMED : VAL_R_NSEC_MISSING;
	return VAL_BOGUS;
}
