/* tests/tools/bench_cache.c: resolver/cache alone, in one process: lookups per second on hits
 * with 1 and 2 threads, inserts per second, and the bytes one typical A RRset costs.
 *
 * Hits: 100,000 A RRsets (www<i>.example.com., one record) are cached, then each thread,
 * pinned to its own CPU, looks up random ones into its own buffer, as server threads would:
 * always the same one (one very popular name: every thread on one shard), among the first
 * 1,000 (a hot set, which stays in the CPU caches, like the popular names most queries ask
 * for) and among all 100,000 (each lookup then waits for memory).
 * Inserts: a million distinct A RRsets into a cache big enough for all, then into a 16 MiB
 * cache where every put past the bound evicts. Bytes: the growth of the cache's own count
 * (entries, table share and allocator overhead) per RRset. Each figure is the median of
 * RUNS runs, with the range, since these machines are noisy. Takes about fifteen seconds.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "dns.h"
#include "name.h"
#include "wire.h"

#define RUNS 5
#define HIT_KEYS 100000
#define HOT_KEYS 1000
#define HIT_MS 200
#define PUTS 1000000
#define SLOT 32 /* bytes per prepared name: "www999999.example.com." is 23 */
#define T0 1000u

static uint8_t *names; /* PUTS names of SLOT bytes each */

static double now_sec(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void prepare_names(void)
{
	names = malloc((size_t)PUTS * SLOT);
	if (!names)
		exit(1);
	for (unsigned i = 0; i < PUTS; i++) {
		char s[64];
		size_t len;
		int n = snprintf(s, sizeof(s), "www%u.example.com.", i);
		if (name_from_text(s, (size_t)n, NULL, names + (size_t)i * SLOT, &len) != ERR_OK)
			exit(1);
	}
}

static const uint8_t *name_at(unsigned i)
{
	return names + (size_t)i * SLOT;
}

static struct cache *new_cache(size_t bytes)
{
	struct cache_limits l;
	cache_limits_default(&l);
	l.size_bytes = bytes;
	struct cache *c = cache_new(&l);
	if (!c) {
		fprintf(stderr, "bench_cache: cache_new failed\n");
		exit(1);
	}
	return c;
}

static void put_a(struct cache *c, unsigned i)
{
	const uint8_t ip[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
	struct wire_rr rr = {.owner = name_at(i),
	                     .type = DNS_TYPE_A,
	                     .rclass = DNS_CLASS_IN,
	                     .ttl = 3600,
	                     .rdlen = 4,
	                     .rdata = ip};
	cache_put(c, &rr, 1, NULL, CACHE_TRUST_ANSWER_AUTH, T0);
}

/* ---- hits ---- */

struct hitter {
	pthread_t tid;
	struct cache *c;
	unsigned keys;
	unsigned cpu;
	atomic_bool *go;
	uint64_t lookups, misses;
	double seconds;
};

static void *hit_loop(void *arg)
{
	struct hitter *h = arg;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(h->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set); /* best effort */
	union {
		struct cache_rrset set;
		uint8_t bytes[512];
	} out;
	uint64_t rng = 0x9e3779b97f4a7c15u * (h->cpu + 1);
	while (!atomic_load(h->go))
		;
	double start = now_sec(), end = start + HIT_MS / 1000.0, t = start;
	while (t < end) {
		for (int i = 0; i < 1024; i++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			struct cache_key k = {name_at((unsigned)(rng % h->keys)), DNS_TYPE_A,
			                      DNS_CLASS_IN};
			size_t used;
			if (cache_get(h->c, &k, CACHE_TRUST_ANSWER, T0 + 1, &out.set, sizeof(out),
			              &used) != CACHE_HIT)
				h->misses++;
		}
		h->lookups += 1024;
		t = now_sec();
	}
	h->seconds = t - start;
	return NULL;
}

/* Lookups per second summed over the threads. */
static double hits_per_sec(struct cache *c, unsigned threads, unsigned keys)
{
	struct hitter h[2];
	atomic_bool go = false;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (unsigned i = 0; i < threads; i++) {
		h[i] = (struct hitter){
		    .c = c, .keys = keys, .cpu = (unsigned)(i % (ncpu > 0 ? ncpu : 1)), .go = &go};
		pthread_create(&h[i].tid, NULL, hit_loop, &h[i]);
	}
	atomic_store(&go, true);
	double rate = 0;
	for (unsigned i = 0; i < threads; i++) {
		pthread_join(h[i].tid, NULL);
		if (h[i].misses)
			fprintf(stderr, "bench_cache: %llu unexpected misses\n",
			        (unsigned long long)h[i].misses);
		rate += (double)h[i].lookups / h[i].seconds;
	}
	return rate;
}

/* ---- inserts ---- */

static double inserts_per_sec(size_t bytes)
{
	struct cache *c = new_cache(bytes);
	double start = now_sec();
	for (unsigned i = 0; i < PUTS; i++)
		put_a(c, i);
	double rate = PUTS / (now_sec() - start);
	cache_free(c);
	return rate;
}

static double bytes_per_rrset(void)
{
	struct cache *c = new_cache(256u << 20);
	struct cache_stats s0, s1;
	cache_stats(c, &s0);
	for (unsigned i = 0; i < HIT_KEYS; i++)
		put_a(c, i);
	cache_stats(c, &s1);
	cache_free(c);
	return (double)(s1.bytes - s0.bytes) / HIT_KEYS;
}

/* ---- report ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void row(const char *what, double v[RUNS], double scale, const char *unit)
{
	qsort(v, RUNS, sizeof(v[0]), cmp_double);
	printf("%-34s %9.2f %-4s (%.2f - %.2f)\n", what, v[RUNS / 2] / scale, unit, v[0] / scale,
	       v[RUNS - 1] / scale);
}

int main(void)
{
	prepare_names();
	static const unsigned sets[3] = {1, HOT_KEYS, HIT_KEYS};
	double hits[3][2][RUNS], ins[RUNS], ins_full[RUNS];

	struct cache *c = new_cache(CACHE_SIZE_DEFAULT);
	for (unsigned i = 0; i < HIT_KEYS; i++)
		put_a(c, i);
	for (int r = 0; r < RUNS; r++) { /* interleaved, so drift hits both alike */
		for (int k = 0; k < 3; k++)
			for (int t = 0; t < 2; t++)
				hits[k][t][r] = hits_per_sec(c, (unsigned)t + 1, sets[k]);
	}
	cache_free(c);
	for (int r = 0; r < RUNS; r++) {
		ins[r] = inserts_per_sec(512u << 20);
		ins_full[r] = inserts_per_sec(16u << 20);
	}
	double bytes = bytes_per_rrset();

	printf("resolver/cache alone: median of %d runs (range)\n", RUNS);
	for (int k = 0; k < 3; k++) {
		for (int t = 0; t < 2; t++) {
			char what[64];
			snprintf(what, sizeof(what), "hits/s, %d thread%s, %u name%s", t + 1,
			         t ? "s" : "", sets[k], sets[k] > 1 ? "s" : "");
			row(what, hits[k][t], 1e6, "M/s");
		}
	}
	row("inserts/s, no eviction", ins, 1e6, "M/s");
	row("inserts/s, at 16 MiB (evicting)", ins_full, 1e6, "M/s");
	printf("%-34s %9.1f      (www<i>.example.com. A, one record; all counted)\n",
	       "bytes per A RRset", bytes);
	free(names);
	return 0;
}
