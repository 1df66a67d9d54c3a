/* resolver/config/config_local.h: the local-zones section's zones and data (internal to
 * resolver/config).
 *
 * config.c's table walk hands over the nodes of local-zones.zones and local-zones.data; this
 * reads them, with local-zones.off, into the struct local_zones of resolver/local, which
 * checks and parses each record (lib/zonefile's reader). Its own file so that the walk of
 * the other sections stays free of it.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CONFIG_LOCAL_H
#define RESOLVER_CONFIG_LOCAL_H

#include "config.h"
#include "config_yaml.h"

/* Where the section's keys stood: NULL nodes and line 0 for keys left out. */
struct config_local_keys {
	const yaml_node_t *zones, *data;
	unsigned off_line;
};

/* Builds c->local from c->local_zones_off and the nodes of k: true, or false with
 * "file:line: local-zones.KEY: reason" in y->err (the line of the item at fault). */
bool config_local_build(struct config_yaml *y, struct config *c, const struct config_local_keys *k);

#endif
