/* resolver/iter/fwd.h: forward zones and stub zones, as Unbound's forward-zone and stub-zone.
 *
 * A forward zone sends every question at or below its name (the root: every question) to
 * the resolvers it lists, with RD=1, and takes their answers as they come: nothing below it
 * is iterated. A stub zone iterates from the authoritative servers it lists instead of from
 * the delegation its parent gives (RD=0); a delegation found below it is followed as usual.
 * With first set, a zone whose every address failed, or is down (infra.h), is passed over for
 * the rest of the resolution (the next zone above it, or normal iteration). The most specific
 * zone of either kind wins.
 *
 * Filled by resolver/config, read by the iterator; never changed once loaded.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_FWD_H
#define RESOLVER_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "name.h"

#define FWD_MAX_ZONES 64 /* forward zones, and stub zones: every zone cut looked up scans them */
#define FWD_MAX_ADDRS 8  /* addresses of one zone: more are no use, each costs a timeout */

struct fwd_zone {
	uint8_t name[NAME_MAX_WIRE];                 /* the zone, wire form; zero after it */
	struct sockaddr_storage addr[FWD_MAX_ADDRS]; /* port filled in; any address may be named:
							the operator chose it */
	size_t n_addr;                               /* at least 1 */
	bool first;                                  /* fall back to iteration when all fail */
};

struct fwd_zones {
	struct fwd_zone z[FWD_MAX_ZONES];
	size_t n;
};

/* The most specific zone at or above name among forward and stub (either may be NULL), and
 * in *stub which of the two it came from; NULL when none covers name. A name listed in both
 * is taken as a forward zone (resolver/config refuses that). */
const struct fwd_zone *fwd_find(const struct fwd_zones *forward, const struct fwd_zones *stub,
				const uint8_t *name, bool *stub_out);

#endif
