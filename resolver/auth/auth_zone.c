/* resolver/auth/auth_zone.c: the index of one authoritative zone: nodes, hash table, lookup.
 *
 * Building takes three linear passes over the records: give every owner (and every empty
 * non-terminal above it) a node and count its records; place the records in node order;
 * sort each node's records by type and rdata and drop exact duplicates (as NSD merges them).
 * Names are never copied: a node points at its owner's bytes in the zone's arena, and an
 * empty non-terminal at the suffix of an owner below it. The answers are auth_answer.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include "auth_zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "name.h"

#define MIN_SLOTS 64

/* The zone being built: node and slot arrays grow as owners are met. */
struct build {
	struct auth_zone *z;
	size_t cap; /* room in z->node */
};

const struct auth_node *auth_zone_get(const struct auth_zone *z, const uint8_t *name)
{
	uint32_t h = name_hash(name);
	/* The table is never more than half full, so an empty slot ends every probe run. */
	size_t i = h & z->mask;
	for (size_t probes = 0; probes <= z->mask; probes++, i = (i + 1) & z->mask) {
		uint32_t s = z->slot[i];
		if (s == 0)
			return NULL;
		const struct auth_node *nd = &z->node[s - 1];
		if (nd->hash == h && name_equal(nd->name, name))
			return nd;
	}
	return NULL;
}

static void slot_put(uint32_t *slot, size_t mask, uint32_t hash, uint32_t index)
{
	size_t i = hash & mask;
	while (slot[i] != 0)
		i = (i + 1) & mask;
	slot[i] = index + 1;
}

/* Doubles the slots and the node room when the table would pass half full. */
static bool grow(struct build *bd)
{
	struct auth_zone *z = bd->z;
	if (z->n_node + 1 > bd->cap) {
		size_t cap = bd->cap ? 2 * bd->cap : MIN_SLOTS / 2;
		if (cap > UINT32_MAX / 2)
			return false;
		struct auth_node *nd = realloc(z->node, cap * sizeof(*nd));
		if (!nd)
			return false;
		z->node = nd;
		bd->cap = cap;
	}
	if (2 * (z->n_node + 1) <= z->mask + 1)
		return true;
	size_t slots = (z->mask + 1) * 2;
	uint32_t *slot = calloc(slots, sizeof(*slot));
	if (!slot)
		return false;
	for (size_t i = 0; i < z->n_node; i++)
		slot_put(slot, slots - 1, z->node[i].hash, (uint32_t)i);
	free(z->slot);
	z->slot = slot;
	z->mask = slots - 1;
	return true;
}

/* The node of name, made (empty) if there is none; UINT32_MAX when memory is short.
 * *made says whether it is new. */
static uint32_t node_of(struct build *bd, const uint8_t *name, bool *made)
{
	struct auth_zone *z = bd->z;
	const struct auth_node *nd = auth_zone_get(z, name);
	*made = nd == NULL;
	if (nd)
		return (uint32_t)(nd - z->node);
	if (!grow(bd))
		return UINT32_MAX;
	uint32_t i = (uint32_t)z->n_node++;
	z->node[i] = (struct auth_node){ .name = name, .hash = name_hash(name) };
	slot_put(z->slot, z->mask, z->node[i].hash, i);
	return i;
}

/* The node of a record's owner, with empty non-terminals made for the names between it and
 * the apex (RFC 4592 §2.2.2: they exist). zonecheck has put every owner at or below the apex,
 * so the walk up ends there, after at most 127 labels. */
static uint32_t owner_node(struct build *bd, const uint8_t *owner)
{
	bool made;
	uint32_t i = node_of(bd, owner, &made);
	if (i == UINT32_MAX || !made)
		return i;
	unsigned labels = name_labels(owner);
	const uint8_t *p = owner;
	while (labels-- > bd->z->apex_labels + 1) {
		p = name_parent(p);
		if (node_of(bd, p, &made) == UINT32_MAX)
			return UINT32_MAX;
		if (!made)
			break;
	}
	return i;
}

/* RFC 4034 §6.3 order within a node: by type, then rdata as unsigned octets, shorter first
 * when one is a prefix of the other (names in rdata are not lower-cased first). */
static int rr_cmp(const void *pa, const void *pb)
{
	const struct wire_rr *a = pa, *b = pb;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	size_t n = a->rdlen < b->rdlen ? a->rdlen : b->rdlen;
	int c = n ? memcmp(a->rdata, b->rdata, n) : 0;
	if (c != 0)
		return c;
	return (a->rdlen > b->rdlen) - (a->rdlen < b->rdlen);
}

static bool rr_same(const struct wire_rr *a, const struct wire_rr *b)
{
	return rr_cmp(a, b) == 0 && a->rclass == b->rclass;
}

/* Sorts each node's records and moves them down over the duplicates dropped. */
static size_t sort_nodes(struct auth_zone *z, struct wire_rr *rr)
{
	size_t w = 0;
	for (size_t i = 0; i < z->n_node; i++) {
		struct auth_node *nd = &z->node[i];
		struct wire_rr *r = rr + nd->first;
		if (nd->n > 1)
			qsort(r, nd->n, sizeof(*r), rr_cmp);
		size_t first = w;
		for (uint32_t k = 0; k < nd->n; k++)
			if (w == first || !rr_same(&rr[w - 1], &r[k]))
				rr[w++] = r[k];
		nd->first = (uint32_t)first;
		nd->n = (uint32_t)(w - first);
	}
	return w;
}

/* Places the records in node order: index_records counted them, the firsts follow. */
static bool regroup(struct auth_zone *z, const uint32_t *rec_node)
{
	struct zonefile_zone *zf = z->zf;
	struct wire_rr *rr = malloc((zf->n ? zf->n : 1) * sizeof(*rr));
	if (!rr)
		return false;
	uint32_t next = 0;
	for (size_t i = 0; i < z->n_node; i++) {
		z->node[i].first = next;
		next += z->node[i].n;
		z->node[i].n = 0;
	}
	for (size_t i = 0; i < zf->n; i++) {
		struct auth_node *nd = &z->node[rec_node[i]];
		rr[nd->first + nd->n++] = zf->rr[i];
	}
	free(zf->rr);
	zf->rr = rr;
	zf->n = sort_nodes(z, rr);
	return true;
}

/* Gives every record its node; rec_node[i] is rr[i]'s. */
static bool index_records(struct auth_zone *z, uint32_t *rec_node)
{
	struct build bd = { .z = z };
	bool made;
	z->slot = calloc(MIN_SLOTS, sizeof(*z->slot));
	if (!z->slot)
		return false;
	z->mask = MIN_SLOTS - 1;
	if (node_of(&bd, z->zf->origin, &made) != 0)
		return false;
	for (size_t i = 0; i < z->zf->n; i++) {
		uint32_t k = owner_node(&bd, z->zf->rr[i].owner);
		if (k == UINT32_MAX)
			return false;
		z->node[k].n++;
		rec_node[i] = k;
	}
	return true;
}

/* Marks the cuts and keeps the SOA with its negative TTL. */
static void finish(struct auth_zone *z)
{
	size_t n;
	for (size_t i = 1; i < z->n_node; i++)
		if (auth_zone_rrset(z, &z->node[i], DNS_TYPE_NS, &n))
			z->node[i].flags |= AUTH_NODE_CUT;
	const struct wire_rr *soa = auth_zone_rrset(z, &z->node[0], DNS_TYPE_SOA, &n);
	/* zonecheck guarantees one SOA at the apex; its rdata ends with MINIMUM. */
	z->soa_neg = *soa;
	const uint8_t *m = soa->rdata + soa->rdlen - 4;
	uint32_t minimum = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	/* RFC 2308 §3: the SOA of a negative answer has TTL min(SOA TTL, MINIMUM). */
	if (minimum < z->soa_neg.ttl)
		z->soa_neg.ttl = minimum;
}

bool auth_zone_build(struct auth_zone *z, struct zonefile_zone *zf, char err[static 64])
{
	memset(z, 0, sizeof(*z));
	z->zf = zf;
	memcpy(z->apex, zf->origin, name_len(zf->origin));
	z->apex_labels = name_labels(zf->origin);
	free(zf->pos); /* positions were for zonecheck's messages only */
	zf->pos = NULL;
	uint32_t *rec_node = NULL;
	if (zf->n >= UINT32_MAX / 2) {
		snprintf(err, 64, "too many records (%zu)", zf->n);
		goto fail;
	}
	rec_node = malloc((zf->n ? zf->n : 1) * sizeof(*rec_node));
	if (!rec_node || !index_records(z, rec_node) || !regroup(z, rec_node)) {
		snprintf(err, 64, "out of memory");
		goto fail;
	}
	free(rec_node);
	rec_node = NULL;
	finish(z);
	if (!auth_denial_build(z, err))
		goto fail;
	return true;
fail:
	free(rec_node);
	auth_zone_fini(z);
	return false;
}

void auth_zone_fini(struct auth_zone *z)
{
	auth_denial_fini(z);
	free(z->node);
	free(z->slot);
	zonefile_free(z->zf);
	memset(z, 0, sizeof(*z));
}

const struct wire_rr *auth_zone_rrset(const struct auth_zone *z, const struct auth_node *nd,
				      uint16_t type, size_t *n)
{
	const struct wire_rr *r = z->zf->rr + nd->first;
	size_t lo = 0, hi = nd->n;
	while (lo < hi) { /* the first record of type or above */
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].type < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < nd->n && r[end].type == type)
		end++;
	*n = end - lo;
	return *n ? r + lo : NULL;
}

/* RFC 4592 §3.3.1: the source of synthesis is "*" prepended to the closest encloser. */
static const struct auth_node *wildcard_at(const struct auth_zone *z, const struct auth_node *ce)
{
	uint8_t wild[NAME_MAX_WIRE];
	size_t len = name_len(ce->name);
	if (len + 2 > NAME_MAX_WIRE)
		return NULL;
	wild[0] = 1;
	wild[1] = '*';
	memcpy(wild + 2, ce->name, len);
	return auth_zone_get(z, wild);
}

void auth_zone_find(const struct auth_zone *z, const uint8_t *name, bool ds, struct auth_find *f)
{
	const uint8_t *label[NAME_MAX_WIRE / 2 + 1];
	unsigned n = 0;
	for (const uint8_t *p = name; n < NAME_MAX_WIRE / 2 + 1; p += *p + 1) {
		label[n++] = p;
		if (*p == 0)
			break;
	}
	/* label[n - 1] is the root; the apex is apex_labels above it. Walk down from just
	 * below the apex: the first cut met is the delegation (RFC 1034 §4.3.2 step 3b). */
	const struct auth_node *ce = &z->node[0];
	if (n - 1 < z->apex_labels || !name_is_subdomain(name, z->apex)) {
		*f = (struct auth_find){ AUTH_NXDOMAIN, ce, false }; /* not ours: callers check */
		return;
	}
	for (unsigned i = n - 1 - z->apex_labels; i-- > 0;) {
		const struct auth_node *nd = auth_zone_get(z, label[i]);
		if (!nd || (nd->flags & AUTH_NODE_NSEC3)) {
			const struct auth_node *w = wildcard_at(z, ce);
			if (w)
				*f = (struct auth_find){ AUTH_FOUND, w, true };
			else
				*f = (struct auth_find){ AUTH_NXDOMAIN, ce, false };
			return;
		}
		if ((nd->flags & AUTH_NODE_CUT) && !(i == 0 && ds)) {
			*f = (struct auth_find){ AUTH_CUT, nd, false };
			return;
		}
		ce = nd;
	}
	*f = (struct auth_find){ AUTH_FOUND, ce, false };
}
