/* resolver/ctl/metrics.h: the Prometheus endpoint: GET /metrics over HTTP, served by
 * libmicrohttpd's own thread on metrics.listen#metrics.port (off unless metrics.listen is
 * given).
 *
 * The page is stats_prometheus's text of the counters at the moment of the request, the same
 * list resolverd-ctl stats prints. Any other path is 404, any other method 405. At most
 * METRICS_CONNS_MAX connections at once, each closed after METRICS_TIMEOUT_S idle seconds:
 * a scraper that hangs costs a connection slot, never a worker. libmicrohttpd is seen by this
 * file only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_METRICS_H
#define RESOLVER_METRICS_H

#include <stdbool.h>

#include "config.h"
#include "server.h"

#define METRICS_CONNS_MAX 16 /* scrapers at once */
#define METRICS_TIMEOUT_S 5  /* an idle connection is closed after this */

struct metrics;

/* Starts serving s's counters on cfg's metrics address. s is borrowed until metrics_free.
 * false with err when the address cannot be bound. */
bool metrics_start(struct server *s, const struct config *cfg, struct metrics **out,
		   char err[static 256]);

/* Stops the endpoint; metrics_free(NULL) does nothing. */
void metrics_free(struct metrics *m);

#endif
