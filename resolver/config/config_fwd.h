/* resolver/config/config_fwd.h: reading the forwarding section's zone lists (internal).
 *
 * forwarding.forward-zones and forwarding.stub-zones are each a list of zones, each zone a
 * mapping: name (a domain name, "." for everything), addresses (1 to FWD_MAX_ADDRS, each an
 * IPv4 or IPv6 address, optionally followed by @port as Unbound writes it; port 53 when left
 * out) and first (true or false, false when left out). Only config.c includes this header.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CONFIG_FWD_H
#define RESOLVER_CONFIG_FWD_H

#include <stdbool.h>

#include "config_yaml.h"
#include "fwd.h"

/* Reads the zone list v of key (its "section.name", for messages) into out. other is the
 * list of the other kind, as far as it has been read (zeroed when not yet): a name in both is
 * refused, other_kind names it ("forward" or "stub"). false with the reason in y->err, as
 * "file:line: key[.field]: reason". */
bool config_fwd_read(struct config_yaml *y, const yaml_node_t *v, const char *key,
		     const struct fwd_zones *other, const char *other_kind,
		     struct fwd_zones *out);

#endif
