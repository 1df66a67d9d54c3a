/* lib/zonecheck.c: zone checks in two linear passes over the records.
 *
 * Every distinct owner gets a node in an open-addressing hash table (name_hash), holding which
 * kinds of records the name has. The first pass, in record order, fills the nodes and checks
 * what can be seen at one name (outside the zone, SOA, CNAME). The second pass, once every
 * name's contents are known, checks what depends on other names: whether a record lies at or
 * below a zone cut or DNAME (by looking its ancestors up, one probe per label), and whether
 * each in-zone name server has an address. No step compares records pairwise, so a zone of a
 * million records is checked in well under a second.
 *
 * SPDX-License-Identifier: MIT
 */
#include "zonecheck.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "dns.h"
#include "name.h"
#include "rdata.h"

enum {
	N_NS = 1 << 0,
	N_CNAME = 1 << 1,
	N_DNAME = 1 << 2,
	N_ADDR = 1 << 3,  /* A or AAAA */
	N_OTHER = 1 << 4, /* a type that may not share a name with a CNAME */
};

#define NO_NODE UINT32_MAX
#define NO_RECORD SIZE_MAX

struct node {
	const uint8_t *name;
	uint16_t flags;
	uint16_t other; /* the first N_OTHER type seen, for the CNAME message */
};

struct check {
	const uint8_t *origin;
	const struct wire_rr *rr;
	size_t n;
	const struct zonecheck_pos *pos;
	const char *name;
	char *err;
	struct node *node; /* node 0 is the apex */
	uint32_t nnode;
	uint32_t *slot; /* node index + 1; 0 is an empty slot */
	size_t mask;
	uint32_t *of;   /* the node of each record's owner */
	bool soa;
	bool has_cut;   /* an NS or DNAME below the apex: the second pass must look up */
};

/* Formats "file:line: " (or "name: ") and the reason into the caller's buffer. */
static bool fail(struct check *c, size_t i, const char *fmt, ...)
{
	int n;
	if (c->pos && i != NO_RECORD)
		n = snprintf(c->err, 256, "%s:%u: ", c->pos[i].file, (unsigned)c->pos[i].line);
	else
		n = snprintf(c->err, 256, "%s: ", c->name);
	if (n < 0 || n >= 256)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + n, 256 - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Presentation text of a name or a type, for messages. */
struct label_text {
	char s[NAME_MAX_TEXT];
};

static const char *name_str(const uint8_t *name, struct label_text *t)
{
	struct buf_out out;
	buf_out_init(&out, t->s, sizeof(t->s));
	name_to_text(name, &out);
	return t->s;
}

static const char *type_str(uint16_t type, struct label_text *t)
{
	struct buf_out out;
	buf_out_init(&out, t->s, sizeof(t->s));
	rdata_type_to_text(type, &out);
	return t->s;
}

static uint32_t lookup(const struct check *c, const uint8_t *name, size_t *at)
{
	size_t i = name_hash(name) & c->mask;
	for (; c->slot[i]; i = (i + 1) & c->mask) {
		uint32_t k = c->slot[i] - 1;
		if (name_equal(c->node[k].name, name))
			break;
	}
	if (at)
		*at = i;
	return c->slot[i] ? c->slot[i] - 1 : NO_NODE;
}

/* The node of name, added if new. The table has room for every owner (sized in setup). */
static uint32_t intern(struct check *c, const uint8_t *name)
{
	size_t at;
	uint32_t k = lookup(c, name, &at);
	if (k != NO_NODE)
		return k;
	k = c->nnode++;
	c->node[k] = (struct node){ .name = name };
	c->slot[at] = k + 1;
	return k;
}

static bool setup(struct check *c)
{
	if (c->n >= UINT32_MAX / 4)
		return fail(c, NO_RECORD, "too many records to check (%zu)", c->n);
	size_t slots = 16;
	while (slots < 2 * (c->n + 1))
		slots *= 2;
	c->node = malloc((c->n + 1) * sizeof(*c->node));
	c->of = malloc((c->n + 1) * sizeof(*c->of));
	c->slot = calloc(slots, sizeof(*c->slot));
	c->mask = slots - 1;
	if (!c->node || !c->of || !c->slot)
		return fail(c, NO_RECORD, "out of memory");
	intern(c, c->origin);
	return true;
}

/* RFC 2181 §10.1, RFC 4035 §2.5: a CNAME stands alone but for its RRSIG and NSEC. */
static bool add_alias(struct check *c, size_t i, struct node *nd)
{
	const struct wire_rr *r = &c->rr[i];
	struct label_text o, t;
	if (r->type == DNS_TYPE_CNAME && (nd->flags & N_CNAME))
		return fail(c, i, "%s: more than one CNAME", name_str(r->owner, &o));
	if (r->type == DNS_TYPE_CNAME && (nd->flags & N_OTHER))
		return fail(c, i, "%s: CNAME beside other data (%s)", name_str(r->owner, &o),
			    type_str(nd->other, &t));
	bool other = r->type != DNS_TYPE_CNAME && r->type != DNS_TYPE_RRSIG &&
		     r->type != DNS_TYPE_NSEC;
	if (other && (nd->flags & N_CNAME))
		return fail(c, i, "%s: %s beside a CNAME", name_str(r->owner, &o),
			    type_str(r->type, &t));
	if (r->type == DNS_TYPE_DNAME && (nd->flags & N_DNAME))
		return fail(c, i, "%s: more than one DNAME", name_str(r->owner, &o));
	if (other && !(nd->flags & N_OTHER)) {
		nd->flags |= N_OTHER;
		nd->other = r->type;
	}
	return true;
}

/* Records what record i adds to its owner's node and checks what one name can show. */
static bool add_record(struct check *c, size_t i, uint32_t k)
{
	const struct wire_rr *r = &c->rr[i];
	struct node *nd = &c->node[k];
	struct label_text o;
	if (r->type == DNS_TYPE_SOA) {
		if (k != 0)
			return fail(c, i, "%s: SOA not at the zone apex", name_str(r->owner, &o));
		if (c->soa)
			return fail(c, i, "%s: a second SOA record", name_str(r->owner, &o));
		c->soa = true;
	}
	if (!add_alias(c, i, nd))
		return false;
	if (r->type == DNS_TYPE_NS)
		nd->flags |= N_NS;
	else if (r->type == DNS_TYPE_DNAME)
		nd->flags |= N_DNAME;
	else if (r->type == DNS_TYPE_A || r->type == DNS_TYPE_AAAA)
		nd->flags |= N_ADDR;
	else if (r->type == DNS_TYPE_CNAME)
		nd->flags |= N_CNAME;
	if (k != 0 && (r->type == DNS_TYPE_NS || r->type == DNS_TYPE_DNAME))
		c->has_cut = true;
	return true;
}

static bool pass_names(struct check *c)
{
	const uint8_t *last = NULL;
	uint32_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		const uint8_t *owner = c->rr[i].owner;
		if (owner != last) {
			struct label_text o, z;
			if (!name_is_subdomain(owner, c->origin))
				return fail(c, i, "%s is outside the zone %s", name_str(owner, &o),
					    name_str(c->origin, &z));
			k = intern(c, owner);
			last = owner;
		}
		c->of[i] = k;
		if (!add_record(c, i, k))
			return false;
	}
	struct label_text z;
	if (!c->soa)
		return fail(c, NO_RECORD, "no SOA record at the apex %s", name_str(c->origin, &z));
	if (!(c->node[0].flags & N_NS))
		return fail(c, NO_RECORD, "no NS records at the apex %s", name_str(c->origin, &z));
	return true;
}

/* The closest ancestor of name, strictly between it and the apex, that is a zone cut or owns
 * a DNAME; NO_NODE when there is none. */
static uint32_t blocker(const struct check *c, const uint8_t *name)
{
	unsigned steps = name_labels(name) - name_labels(c->origin);
	for (const uint8_t *a = name_parent(name); steps > 1; a = name_parent(a), steps--) {
		uint32_t k = lookup(c, a, NULL);
		if (k != NO_NODE && (c->node[k].flags & (N_NS | N_DNAME)))
			return k;
	}
	return NO_NODE;
}

/* RFC 1034 §4.2.1: below a cut only glue is kept; at a cut the parent's side of it. */
static bool check_occluded(struct check *c, size_t i, uint32_t above)
{
	const struct wire_rr *r = &c->rr[i];
	const struct node *nd = &c->node[c->of[i]];
	struct label_text o, t, b;
	bool addr = r->type == DNS_TYPE_A || r->type == DNS_TYPE_AAAA;
	bool at_cut = addr || r->type == DNS_TYPE_NS || r->type == DNS_TYPE_DS ||
		      r->type == DNS_TYPE_RRSIG || r->type == DNS_TYPE_NSEC;
	if ((nd->flags & N_NS) && !at_cut)
		return fail(c, i, "%s: %s at a zone cut is not authoritative (occluded)",
			    name_str(r->owner, &o), type_str(r->type, &t));
	if (above == NO_NODE)
		return true;
	if (c->node[above].flags & N_DNAME)
		return fail(c, i, "%s: %s below the DNAME at %s (RFC 6672 section 2.3)",
			    name_str(r->owner, &o), type_str(r->type, &t),
			    name_str(c->node[above].name, &b));
	if (!addr)
		return fail(c, i, "%s: %s below the zone cut at %s (occluded; only glue may be)",
			    name_str(r->owner, &o), type_str(r->type, &t),
			    name_str(c->node[above].name, &b));
	return true;
}

/* A name server named inside the zone needs an address here, or nobody can reach it. */
static bool check_glue(struct check *c, size_t i)
{
	const struct wire_rr *r = &c->rr[i];
	const uint8_t *ns = r->rdata;
	if (!name_is_subdomain(ns, c->origin))
		return true;
	uint32_t k = lookup(c, ns, NULL);
	if (k != NO_NODE && (c->node[k].flags & N_ADDR))
		return true;
	struct label_text o, t;
	bool below = c->of[i] != 0 && name_is_subdomain(ns, r->owner);
	return fail(c, i, "%s: name server %s has no A or AAAA record%s", name_str(r->owner, &o),
		    name_str(ns, &t), below ? " (missing glue)" : "");
}

static bool pass_cuts(struct check *c)
{
	const uint8_t *last = NULL;
	uint32_t above = NO_NODE;
	for (size_t i = 0; i < c->n; i++) {
		const struct wire_rr *r = &c->rr[i];
		if (c->has_cut && c->of[i] != 0) {
			if (r->owner != last) {
				above = blocker(c, r->owner);
				last = r->owner;
			}
			if (!check_occluded(c, i, above))
				return false;
		}
		if (r->type == DNS_TYPE_NS && !check_glue(c, i))
			return false;
	}
	return true;
}

bool zonecheck_run(const uint8_t *origin, const struct wire_rr *rr, size_t n,
		   const struct zonecheck_pos *pos, const char *name, char err[static 256])
{
	struct check c = { .origin = origin, .rr = rr, .n = n, .pos = pos, .name = name,
			   .err = err };
	bool ok = setup(&c) && pass_names(&c) && pass_cuts(&c);
	free(c.node);
	free(c.of);
	free(c.slot);
	return ok;
}
