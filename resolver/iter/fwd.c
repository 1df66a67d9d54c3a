/* resolver/iter/fwd.c: the look-up of forward and stub zones (see fwd.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "fwd.h"

/* The zone of list closest to name, or best when none of list is closer (longer). */
static const struct fwd_zone *closest(const struct fwd_zones *list, const uint8_t *name,
				      const struct fwd_zone *best)
{
	for (size_t i = 0; list && i < list->n; i++) {
		const struct fwd_zone *z = &list->z[i];
		if (name_is_subdomain(name, z->name) &&
		    (!best || name_labels(z->name) > name_labels(best->name)))
			best = z;
	}
	return best;
}

const struct fwd_zone *fwd_find(const struct fwd_zones *forward, const struct fwd_zones *stub,
				const uint8_t *name, bool *stub_out)
{
	const struct fwd_zone *f = closest(forward, name, NULL);
	const struct fwd_zone *s = closest(stub, name, f);
	*stub_out = s != f;
	return s;
}
