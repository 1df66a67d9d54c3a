/* tests/unit/val_records.h: what the validator's unit tests share: records read from
 * master-file text, picked by type and owner, and a fresh budget with the default limits.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TESTS_VAL_RECORDS_H
#define TESTS_VAL_RECORDS_H

#include <string.h>

#include "check.h"
#include "dns.h"
#include "name_text.h"
#include "val.h"
#include "zonefile.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_RRS 64

/* ---- records from text ---- */

/* A set of records read from master-file text; the zone keeps their bytes. */
struct rrs {
	struct zonefile_zone *z;
};

static inline struct rrs load(const char *text)
{
	struct rrs r = {NULL};
	char err[256];
	bool ok =
	    zonefile_read_text("test", text, strlen(text), N("."), ZONEFILE_NOCHECK, &r.z, err);
	CHECKF(ok, "%s", err);
	return r;
}

/* The records of type (0: any but RRSIG) in r, and with owner when it is not NULL. */
static inline size_t pick(struct rrs r, uint16_t type, const char *owner, struct wire_rr *out)
{
	size_t n = 0;
	for (size_t i = 0; r.z && i < r.z->n && n < MAX_RRS; i++) {
		const struct wire_rr *rr = &r.z->rr[i];
		if ((type ? rr->type == type : rr->type != DNS_TYPE_RRSIG) &&
		    (!owner || name_equal(rr->owner, N(owner))))
			out[n++] = *rr;
	}
	return n;
}

static struct val_limits limits; /* a case's limits and budget, reset by fresh_budget */
static struct val_budget budget;

static inline void fresh_budget(void)
{
	val_limits_default(&limits);
	val_budget_init(&budget, &limits);
}

#endif
