/* resolver/validator/val_anchor.c: trust anchors from a file, negative trust anchors, and the
 * closest anchor above a name (see val_anchor.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "val_anchor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

/* The anchor of zone in a, created when absent; NULL when a is full. */
static struct val_anchor *anchor_of(struct val_anchors *a, const uint8_t *zone)
{
	for (size_t i = 0; i < a->n; i++)
		if (name_equal(a->a[i].zone, zone))
			return &a->a[i];
	if (a->n == VAL_ANCHOR_MAX)
		return NULL;
	struct val_anchor *v = &a->a[a->n++];
	memcpy(v->zone, zone, name_len(zone));
	name_lower(v->zone);
	return v;
}

static bool fail(struct val_anchors *a, char err[static 256], const struct zonecheck_pos *pos,
		 const char *path, const char *why)
{
	if (pos)
		snprintf(err, 256, "%.120s:%u: %s", pos->file, pos->line, why);
	else
		snprintf(err, 256, "%.120s: %s", path, why);
	val_anchors_fini(a);
	return false;
}

bool val_anchors_load(struct val_anchors *a, const char *path, char err[static 256])
{
	static const uint8_t root[1] = { 0 };
	struct zonefile_zone *z;
	if (!zonefile_read(path, root, ZONEFILE_NOCHECK | ZONEFILE_NO_TTL, &z, err))
		return false;
	a->file = z;
	if (z->n == 0)
		return fail(a, err, NULL, path, "no DS record: a trust anchor file holds the DS "
						"records of the anchored zones");
	/* The records of one owner are one RRset: each anchor's DS records run in the order read,
	 * so a zone's records are gathered by moving them together. */
	for (size_t i = 0; i < z->n; i++) {
		if (z->rr[i].type == DNS_TYPE_DNSKEY)
			return fail(a, err, &z->pos[i], path,
				    "DNSKEY trust anchors are not supported: give the key's DS "
				    "record (ldns-key2ds or dnssec-dsfromkey make it)");
		if (z->rr[i].type != DNS_TYPE_DS || z->rr[i].rclass != DNS_CLASS_IN)
			return fail(a, err, &z->pos[i], path, "not a DS record of class IN");
	}
	for (size_t i = 0; i < z->n; i++) {
		struct val_anchor *v = anchor_of(a, z->rr[i].owner);
		if (!v)
			return fail(a, err, &z->pos[i], path, "too many anchored zones");
		if (v->ds)
			continue; /* gathered already */
		size_t first = i, n = 0;
		for (size_t j = i; j < z->n; j++) {
			if (!name_equal(z->rr[j].owner, v->zone))
				continue;
			struct wire_rr t = z->rr[first + n];
			z->rr[first + n] = z->rr[j];
			z->rr[j] = t;
			n++;
		}
		v->ds = &z->rr[first];
		v->n_ds = n;
		i = first + n - 1;
	}
	return true;
}

bool val_anchors_check(const char *path, char err[static 256])
{
	struct val_anchors *a = calloc(1, sizeof(*a)); /* 33 KB: not on a thread's stack */
	if (!a) {
		snprintf(err, 256, "%s: out of memory", path);
		return false;
	}
	bool ok = val_anchors_load(a, path, err);
	val_anchors_fini(a);
	free(a);
	return ok;
}

bool val_anchors_add_negative(struct val_anchors *a, const uint8_t *name)
{
	if (a->n_nta == VAL_ANCHOR_MAX)
		return false;
	memcpy(a->nta[a->n_nta], name, name_len(name));
	name_lower(a->nta[a->n_nta++]);
	return true;
}

const struct val_anchor *val_anchor_find(const struct val_anchors *a, const uint8_t *name)
{
	const struct val_anchor *best = NULL;
	for (size_t i = 0; i < a->n; i++)
		if (name_is_subdomain(name, a->a[i].zone) &&
		    (!best || name_labels(a->a[i].zone) > name_labels(best->zone)))
			best = &a->a[i];
	return best;
}

bool val_anchor_negative(const struct val_anchors *a, const uint8_t *name)
{
	for (size_t i = 0; i < a->n_nta; i++)
		if (name_is_subdomain(name, a->nta[i]))
			return true;
	return false;
}

void val_anchors_fini(struct val_anchors *a)
{
	zonefile_free(a->file);
	memset(a, 0, sizeof(*a));
}
