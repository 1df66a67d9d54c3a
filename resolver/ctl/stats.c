/* resolver/ctl/stats.c: the one list of counters, and its Prometheus text (see stats.h).
 * SPDX-License-Identifier: MIT
 */
#include "stats.h"

#include <string.h>

#include "buf.h"
#include "rdata.h"

void stats_collect(const struct server *s, struct stats_all *out)
{
	memset(out, 0, sizeof(*out));
	server_stats(s, &out->srv);
	cache_stats(server_cache(s), &out->cache);
}

static uint64_t minus(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void stats_since(struct stats_all *st, const struct stats_all *b)
{
	struct server_stats *s = &st->srv;
	const struct server_stats *o = &b->srv;
	struct { uint64_t *now; const uint64_t *was; } pairs[] = {
		{ &s->queries, &o->queries },
		{ &s->cache_hits, &o->cache_hits },
		{ &s->resolutions, &o->resolutions },
		{ &s->joined, &o->joined },
		{ &s->refused, &o->refused },
		{ &s->formerr, &o->formerr },
		{ &s->dropped, &o->dropped },
		{ &s->servfail, &o->servfail },
		{ &s->upstream, &o->upstream },
		{ &s->upstream_dropped, &o->upstream_dropped },
		{ &s->jostled, &o->jostled },
		{ &s->timeouts, &o->timeouts },
		{ &s->tcp_fallbacks, &o->tcp_fallbacks },
		{ &s->latency_sum_ms, &o->latency_sum_ms },
		{ &st->cache.hits, &b->cache.hits },
		{ &st->cache.misses, &b->cache.misses },
		{ &st->cache.insertions, &b->cache.insertions },
		{ &st->cache.evictions, &b->cache.evictions },
		{ &st->cache.expired, &b->cache.expired },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		*pairs[i].now = minus(*pairs[i].now, *pairs[i].was);
	for (size_t i = 0; i <= SERVER_QTYPES; i++)
		s->qtype[i] = minus(s->qtype[i], o->qtype[i]);
	for (size_t i = 0; i < 16; i++)
		s->rcode[i] = minus(s->rcode[i], o->rcode[i]);
	for (size_t i = 0; i < SERVER_SERVFAIL_N; i++)
		s->servfail_why[i] = minus(s->servfail_why[i], o->servfail_why[i]);
	for (size_t i = 0; i <= SERVER_LATENCY_BUCKETS; i++)
		s->latency[i] = minus(s->latency[i], o->latency[i]);
}

/* Items being written: cut at cap. */
struct list {
	struct stats_item *v;
	size_t n, cap;
};

static struct stats_item *add(struct list *l, const char *key, const char *family,
			      const char *help, enum stats_kind kind, uint64_t value)
{
	if (l->n == l->cap)
		return NULL;
	struct stats_item *it = &l->v[l->n++];
	memset(it, 0, sizeof(*it));
	snprintf(it->key, sizeof(it->key), "%s", key);
	it->family = family;
	it->help = help;
	it->kind = kind;
	it->value = value;
	return it;
}

/* An item of a labelled family: key "prefix.value", label name=value. */
static void add_labelled(struct list *l, const char *prefix, const char *family,
			 const char *help, const char *label, const char *value,
			 enum stats_kind kind, uint64_t n)
{
	char key[64];
	snprintf(key, sizeof(key), "%s.%s", prefix, value);
	struct stats_item *it = add(l, key, family, help, kind, n);
	if (!it)
		return;
	it->label = label;
	snprintf(it->label_value, sizeof(it->label_value), "%s", value);
}

static void add_plain(struct list *l, const struct stats_all *st)
{
	const struct server_stats *s = &st->srv;
	const struct {
		const char *key, *family, *help;
		enum stats_kind kind;
		uint64_t v;
	} plain[] = {
		{ "queries", "resolverd_queries_total", "Well-formed queries from clients.",
		  STATS_COUNTER, s->queries },
		{ "cache-answers", "resolverd_cache_answers_total",
		  "Queries answered at once from the cache.", STATS_COUNTER, s->cache_hits },
		{ "resolutions", "resolverd_resolutions_total", "Resolutions started.",
		  STATS_COUNTER, s->resolutions },
		{ "joined", "resolverd_joined_total",
		  "Queries that joined a resolution already in flight.", STATS_COUNTER, s->joined },
		{ "refused", "resolverd_refused_total", "Queries refused (access lists, class, AXFR).",
		  STATS_COUNTER, s->refused },
		{ "formerr", "resolverd_formerr_total", "Queries answered FORMERR.", STATS_COUNTER,
		  s->formerr },
		{ "dropped", "resolverd_dropped_total", "Datagrams dropped unanswered (garbage).",
		  STATS_COUNTER, s->dropped },
		{ "servfail", "resolverd_servfail_total", "SERVFAIL replies.", STATS_COUNTER,
		  s->servfail },
		{ "jostled", "resolverd_jostled_total",
		  "Resolutions given up to make room for newer ones.", STATS_COUNTER, s->jostled },
		{ "resolutions-in-flight", "resolverd_resolutions_in_flight",
		  "Resolutions in flight now.", STATS_GAUGE, s->resolving },
		{ "upstream.queries", "resolverd_upstream_queries_total",
		  "Queries sent to authoritative servers.", STATS_COUNTER, s->upstream },
		{ "upstream.timeouts", "resolverd_upstream_timeouts_total",
		  "Upstream queries that timed out.", STATS_COUNTER, s->timeouts },
		{ "upstream.tcp-fallbacks", "resolverd_upstream_tcp_fallbacks_total",
		  "Upstream queries sent over TCP after a truncated UDP reply.", STATS_COUNTER,
		  s->tcp_fallbacks },
		{ "upstream.dropped", "resolverd_upstream_dropped_total",
		  "Datagrams on upstream sockets that were no reply to their query.", STATS_COUNTER,
		  s->upstream_dropped },
		{ "upstream.in-flight", "resolverd_upstream_in_flight",
		  "Upstream queries in flight now.", STATS_GAUGE, s->in_flight },
		{ "cache.hits", "resolverd_cache_hits_total",
		  "Cache lookups answered (records or a denial).", STATS_COUNTER, st->cache.hits },
		{ "cache.misses", "resolverd_cache_misses_total", "Cache lookups that found nothing.",
		  STATS_COUNTER, st->cache.misses },
		{ "cache.insertions", "resolverd_cache_insertions_total", "Cache entries stored.",
		  STATS_COUNTER, st->cache.insertions },
		{ "cache.evictions", "resolverd_cache_evictions_total",
		  "Live cache entries evicted to stay within cache.size.", STATS_COUNTER,
		  st->cache.evictions },
		{ "cache.expired", "resolverd_cache_expired_total",
		  "Expired cache entries reclaimed.", STATS_COUNTER, st->cache.expired },
		{ "cache.entries", "resolverd_cache_entries", "Entries in the cache now.",
		  STATS_GAUGE, st->cache.entries },
		{ "cache.bytes", "resolverd_cache_bytes",
		  "Memory the cache holds now, as counted against cache.size.", STATS_GAUGE,
		  st->cache.bytes },
	};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		add(l, plain[i].key, plain[i].family, plain[i].help, plain[i].kind, plain[i].v);
}

static void add_labelled_families(struct list *l, const struct server_stats *s)
{
	for (size_t i = 0; i <= SERVER_QTYPES; i++) {
		char t[16] = "other";
		if (i < SERVER_QTYPES) {
			struct buf_out b;
			buf_out_init(&b, t, sizeof(t) - 1);
			rdata_type_to_text(server_qtypes[i], &b);
			t[b.len] = 0;
		}
		add_labelled(l, "qtype", "resolverd_queries_by_type_total", "Queries by type.",
			     "type", t, STATS_COUNTER, s->qtype[i]);
	}
	for (size_t i = 0; i < 16; i++)
		add_labelled(l, "rcode", "resolverd_replies_total", "Replies to clients by rcode.",
			     "rcode", server_rcode_name((unsigned)i), STATS_COUNTER, s->rcode[i]);
	for (size_t i = 0; i < SERVER_SERVFAIL_N; i++)
		add_labelled(l, "servfail", "resolverd_servfail_by_reason_total",
			     "SERVFAIL replies by reason.", "reason",
			     server_servfail_name((enum server_servfail)i), STATS_COUNTER,
			     s->servfail_why[i]);
}

/* The histogram, cumulative as Prometheus wants it (le in seconds), then its sum and count. */
static void add_latency(struct list *l, const struct server_stats *s)
{
	static const char *fam = "resolverd_reply_duration_seconds";
	static const char *help = "Time from a query's arrival to its reply.";
	uint64_t cum = 0;
	for (size_t i = 0; i <= SERVER_LATENCY_BUCKETS; i++) {
		char le[32];
		cum += s->latency[i];
		if (i < SERVER_LATENCY_BUCKETS)
			snprintf(le, sizeof(le), "%g", server_latency_ms[i] / 1000.0);
		else
			snprintf(le, sizeof(le), "+Inf");
		add_labelled(l, "latency.le", fam, help, "le", le, STATS_BUCKET, cum);
	}
	add(l, "latency.sum-ms", fam, help, STATS_BUCKET, s->latency_sum_ms);
	add(l, "latency.count", fam, help, STATS_BUCKET, cum);
}

size_t stats_items(const struct stats_all *st, struct stats_item *items, size_t cap)
{
	struct list l = { items, 0, cap };
	add_plain(&l, st);
	add_labelled_families(&l, &st->srv);
	add_latency(&l, &st->srv);
	return l.n;
}

void stats_prometheus(const struct stats_all *st, FILE *out)
{
	struct stats_item items[STATS_ITEMS_MAX];
	size_t n = stats_items(st, items, STATS_ITEMS_MAX);
	const char *family = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct stats_item *it = &items[i];
		if (!family || strcmp(family, it->family) != 0) {
			family = it->family;
			fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", family, it->help, family,
				it->kind == STATS_BUCKET  ? "histogram"
				: it->kind == STATS_GAUGE ? "gauge"
							  : "counter");
		}
		if (it->kind == STATS_BUCKET && !it->label) {
			bool sum = strcmp(it->key, "latency.sum-ms") == 0;
			if (sum)
				fprintf(out, "%s_sum %.3f\n", family, (double)it->value / 1000.0);
			else
				fprintf(out, "%s_count %llu\n", family, (unsigned long long)it->value);
		} else if (it->label) {
			fprintf(out, "%s%s{%s=\"%s\"} %llu\n", family,
				it->kind == STATS_BUCKET ? "_bucket" : "", it->label, it->label_value,
				(unsigned long long)it->value);
		} else {
			fprintf(out, "%s %llu\n", family, (unsigned long long)it->value);
		}
	}
}
