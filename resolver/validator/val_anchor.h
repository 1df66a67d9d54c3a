/* resolver/validator/val_anchor.h: trust anchors and negative trust anchors.
 *
 * A trust anchor is a DS RRset configured for a zone (the root's, usually): the DNSKEY set of
 * that zone is proven by it as by a DS from a parent (RFC 4033 §5, RFC 4035 §4.4). The file
 * is a master file of DS records (absolute owner names, with a TTL or none), as IANA
 * publishes the root's and as Unbound's trust-anchor-file takes them; DNSKEY records are
 * refused with a hint to give their DS instead. A negative trust anchor (RFC 7646) is a name
 * at and below which answers are not validated: they are insecure, however they are signed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_VALIDATOR_VAL_ANCHOR_H
#define RESOLVER_VALIDATOR_VAL_ANCHOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"
#include "wire.h"
#include "zonefile.h"

#define VAL_ANCHOR_MAX 64 /* zones with an anchor, and negative anchors, each; bounds the walk */

/* One zone's anchor: its DS records (owner name = zone). */
struct val_anchor {
	uint8_t zone[NAME_MAX_WIRE];
	struct wire_rr *ds;
	size_t n_ds;
};

struct val_anchors {
	struct val_anchor a[VAL_ANCHOR_MAX];
	size_t n;
	uint8_t nta[VAL_ANCHOR_MAX][NAME_MAX_WIRE]; /* negative trust anchors */
	size_t n_nta;
	struct zonefile_zone *file; /* the records, owned */
};

/* Reads the DS records of the file at path into a (zeroed by the caller; one file per struct).
 * false with "file:line: reason" or "file: reason" in err when the file does not read, holds
 * no record or one that is not DS, or more zones than VAL_ANCHOR_MAX; a is then left empty. */
bool val_anchors_load(struct val_anchors *a, const char *path, char err[static 256]);

/* Whether the anchor file at path reads, without keeping it: the check of resolverd -t and of
 * a reload, before anything changes. false with the reason in err. */
bool val_anchors_check(const char *path, char err[static 256]);

/* Adds name as a negative trust anchor; false when VAL_ANCHOR_MAX are there already. */
bool val_anchors_add_negative(struct val_anchors *a, const uint8_t *name);

/* The anchor of the deepest zone at or above name, or NULL when none covers it. */
const struct val_anchor *val_anchor_find(const struct val_anchors *a, const uint8_t *name);

/* True when name lies at or below a negative trust anchor. */
bool val_anchor_negative(const struct val_anchors *a, const uint8_t *name);

/* Frees what val_anchors_load read; the struct itself is the caller's. */
void val_anchors_fini(struct val_anchors *a);

#endif
