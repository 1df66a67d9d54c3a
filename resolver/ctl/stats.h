/* resolver/ctl/stats.h: every counter of the daemon, in one list that both resolverd-ctl's
 * `stats` and the Prometheus metrics are printed from.
 *
 * stats_collect gathers the server's counters (queries, replies by rcode and type, SERVFAILs
 * by reason, upstream traffic, latency) and the cache's; stats_items flattens them into
 * named items, each with its Prometheus family, label and help text, so the two outputs
 * cannot disagree on what a counter is. Counters only grow; the gauges (in flight, cache
 * entries and memory) go up and down. `stats --reset` keeps a baseline that the control
 * socket subtracts (stats_since): the Prometheus endpoint always shows the raw counters,
 * which by the exposition format's rules never go down.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_STATS_H
#define RESOLVER_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cache.h"
#include "server.h"

struct stats_all {
	struct server_stats srv;
	struct cache_stats cache;
};

enum stats_kind { STATS_COUNTER, STATS_GAUGE, STATS_BUCKET /* cumulative, le label */ };

/* One value and how it is named. */
struct stats_item {
	char key[64];         /* resolverd-ctl's name: "queries", "rcode.NOERROR", ... */
	const char *family;   /* Prometheus metric family: "resolverd_queries_total", ... */
	const char *help;     /* its HELP text */
	const char *label;    /* its label name, or NULL */
	char label_value[32]; /* the label's value ("A", "NOERROR", "0.005", "+Inf") */
	enum stats_kind kind;
	uint64_t value;
};

/* The most items stats_items writes. */
#define STATS_ITEMS_MAX 128

/* Reads every counter of s now. */
void stats_collect(const struct server *s, struct stats_all *out);

/* Subtracts the counters (not the gauges) of base from st: the counts since base was taken.
 * A counter below its baseline (it cannot be) gives 0. */
void stats_since(struct stats_all *st, const struct stats_all *base);

/* Flattens st into items (at most cap, STATS_ITEMS_MAX is enough), families in a fixed order,
 * items of one family together. Returns how many. */
size_t stats_items(const struct stats_all *st, struct stats_item *items, size_t cap);

/* Writes st in Prometheus' text exposition format 0.0.4: per family a # HELP and a # TYPE
 * line, then its samples; a histogram's buckets, _sum and _count. */
void stats_prometheus(const struct stats_all *st, FILE *out);

#endif
