/* tests/unit/test_cache_stress.c: resolver/cache under threads: readers and writers on the
 * same names at once, for a bounded time.
 *
 * Writers put RRsets (of varying size and trust), denials and cuts and sweep expired entries;
 * one of them moves the shared test clock on, so entries expire all the time. Readers check
 * every answer against what any writer could have stored: a torn or mixed-up copy, a TTL over
 * the cap or a record of another name is an error. The cache is small, so eviction runs
 * throughout. Built with -fsanitize=thread by `make tsan`; in the normal suite it just runs.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "check.h"
#include "dns.h"
#include "name.h"
#include "wire.h"

#define NAMES 4096 /* names written and read */
#define ZONES 16   /* each name lies in one of these zones */
#define READERS 3
#define WRITERS 2
#define MAX_TTL 30     /* max-ttl: a reader can check every TTL against it */
#define TICK_PUTS 2000 /* writer 0 moves the clock one second on per this many operations */
#define BOUND (512u << 10)

struct shared {
	struct cache *c;
	atomic_uint now_s;
	atomic_bool stop;
	unsigned names; /* how many of the names are in play */
	uint8_t name[NAMES][NAME_MAX_WIRE];
	uint8_t upper[NAMES][NAME_MAX_WIRE]; /* the same names in capitals */
	uint8_t zone[ZONES][NAME_MAX_WIRE];
	uint8_t soa_rdata[64];
	uint16_t soa_len;
};

struct worker {
	pthread_t tid;
	struct shared *sh;
	unsigned id;
	uint64_t rng;
	uint64_t ops, hits, misses, errors;
	char why[160]; /* the first error */
};

static struct shared sh;

static uint32_t rnd(struct worker *w)
{
	w->rng ^= w->rng << 13;
	w->rng ^= w->rng >> 7;
	w->rng ^= w->rng << 17;
	return (uint32_t)(w->rng >> 16);
}

static void fail(struct worker *w, const char *why, unsigned i)
{
	if (!w->errors++)
		snprintf(w->why, sizeof(w->why), "%s (name %u)", why, i);
}

static void make_name(uint8_t *out, const char *fmt, unsigned a, unsigned b)
{
	char s[64];
	size_t len;
	int n = snprintf(s, sizeof(s), fmt, a, b);
	CHECK(name_from_text(s, (size_t)n, NULL, out, &len) == ERR_OK);
}

static void setup(unsigned names, size_t bound)
{
	struct cache_limits l;
	cache_limits_default(&l);
	l.max_ttl_s = MAX_TTL;
	l.max_neg_ttl_s = MAX_TTL;
	l.size_bytes = bound;
	sh.c = cache_new(&l);
	CHECK(sh.c != NULL);
	sh.names = names;
	atomic_init(&sh.now_s, 1000);
	atomic_init(&sh.stop, false);
	for (unsigned i = 0; i < ZONES; i++)
		make_name(sh.zone[i], "z%u.example%u.", i, 0);
	for (unsigned i = 0; i < NAMES; i++) {
		make_name(sh.name[i], "n%u.z%u.example0.", i, i % ZONES);
		make_name(sh.upper[i], "N%u.Z%u.EXAMPLE0.", i, i % ZONES);
	}
	struct buf_out o;
	buf_out_init(&o, sh.soa_rdata, sizeof(sh.soa_rdata));
	buf_put_bytes(&o, sh.name[0], name_len(sh.name[0]));
	buf_put_bytes(&o, sh.name[1], name_len(sh.name[1]));
	for (int i = 0; i < 5; i++)
		buf_put_u32(&o, 60);
	sh.soa_len = (uint16_t)o.len;
}

/* ---- writers ---- */

static void put_rrset(struct worker *w, unsigned i, uint32_t now)
{
	uint8_t rd[8][16];
	struct wire_rr rrs[8];
	unsigned n = 1 + rnd(w) % 8;
	uint16_t type = rnd(w) % 4 ? DNS_TYPE_A : DNS_TYPE_AAAA;
	const uint8_t *owner = rnd(w) % 2 ? sh.name[i] : sh.upper[i];
	for (unsigned j = 0; j < n; j++) {
		memset(rd[j], 0, sizeof(rd[j]));
		rd[j][0] = (uint8_t)(i >> 8);
		rd[j][1] = (uint8_t)i;
		rd[j][2] = (uint8_t)j;
		rd[j][3] = (uint8_t)n;
		rrs[j] = (struct wire_rr){.owner = owner,
		                          .type = type,
		                          .rclass = DNS_CLASS_IN,
		                          .ttl = rnd(w) % 40,
		                          .rdata = rd[j],
		                          .rdlen = type == DNS_TYPE_A ? 4 : 16};
	}
	enum cache_trust t = (enum cache_trust)(1 + rnd(w) % 6);
	enum cache_put_res r = cache_put(sh.c, rrs, n, NULL, t, now);
	if (r != CACHE_PUT_STORED && r != CACHE_PUT_KEPT && r != CACHE_PUT_SKIPPED)
		fail(w, "cache_put result", i);
}

static void put_denial(struct worker *w, unsigned i, uint32_t now)
{
	struct wire_rr soa = {.owner = sh.zone[i % ZONES],
	                      .type = DNS_TYPE_SOA,
	                      .rclass = DNS_CLASS_IN,
	                      .ttl = 1 + rnd(w) % 40,
	                      .rdlen = sh.soa_len,
	                      .rdata = sh.soa_rdata};
	struct cache_key k = {rnd(w) % 2 ? sh.name[i] : sh.upper[i],
	                      rnd(w) % 2 ? DNS_TYPE_A : DNS_TYPE_AAAA, DNS_CLASS_IN};
	cache_put_negative(sh.c, &k, rnd(w) % 3 == 0, &soa, NULL, (enum cache_trust)(1 + rnd(w) % 6),
	                   now);
}

static void put_cut(struct worker *w, unsigned i, uint32_t now)
{
	struct wire_rr ns[2];
	for (unsigned j = 0; j < 2; j++) {
		const uint8_t *target = sh.name[(i + j) % sh.names];
		ns[j] = (struct wire_rr){.owner = sh.zone[i % ZONES],
		                         .type = DNS_TYPE_NS,
		                         .rclass = DNS_CLASS_IN,
		                         .ttl = 1 + rnd(w) % 40,
		                         .rdlen = (uint16_t)name_len(target),
		                         .rdata = target};
	}
	cache_put(sh.c, ns, 1 + i % 2, NULL, CACHE_TRUST_AUTHORITY, now);
}

static void *writer(void *arg)
{
	struct worker *w = arg;
	while (!atomic_load_explicit(&sh.stop, memory_order_relaxed)) {
		uint32_t now = atomic_load_explicit(&sh.now_s, memory_order_relaxed);
		unsigned i = rnd(w) % sh.names, op = rnd(w) % 16;
		if (op < 10)
			put_rrset(w, i, now);
		else if (op < 13)
			put_denial(w, i, now);
		else if (op < 15)
			put_cut(w, i, now);
		else if (w->ops % 64 == 0)
			cache_expire(sh.c, now);
		w->ops++;
		if (w->id == 0 && w->ops % TICK_PUTS == 0)
			atomic_fetch_add_explicit(&sh.now_s, 1, memory_order_relaxed);
	}
	return NULL;
}

/* ---- readers ---- */

static void check_rrset(struct worker *w, unsigned i, uint16_t type, const struct cache_rrset *s)
{
	if (s->count < 1 || s->count > 8 || s->ttl_s < 1 || s->ttl_s > MAX_TTL)
		return fail(w, "count or TTL out of range", i);
	for (unsigned j = 0; j < s->count; j++) {
		const struct wire_rr *rr = &s->rr[j];
		if (!name_equal(rr->owner, sh.name[i]) || rr->type != type ||
		    rr->rclass != DNS_CLASS_IN || rr->ttl != s->ttl_s)
			return fail(w, "record header", i);
		if (rr->rdlen != (type == DNS_TYPE_A ? 4 : 16) ||
		    rr->rdata[0] != (uint8_t)(i >> 8) || rr->rdata[1] != (uint8_t)i ||
		    rr->rdata[2] != j || rr->rdata[3] != s->count)
			return fail(w, "rdata of another RRset", i);
	}
}

static void check_denial(struct worker *w, unsigned i, const struct cache_rrset *s)
{
	const struct wire_rr *rr = &s->rr[0];
	if (s->count != 1 || s->ttl_s < 1 || s->ttl_s > MAX_TTL || rr->type != DNS_TYPE_SOA ||
	    !name_equal(rr->owner, sh.zone[i % ZONES]) || rr->rdlen != sh.soa_len ||
	    memcmp(rr->rdata, sh.soa_rdata, sh.soa_len) != 0)
		fail(w, "denial", i);
}

static void check_cut(struct worker *w, unsigned i, const struct cache_rrset *s)
{
	if (s->count < 1 || s->count > 2 || s->rr[0].type != DNS_TYPE_NS ||
	    !name_equal(s->rr[0].owner, sh.zone[i % ZONES]))
		return fail(w, "cut", i);
	for (unsigned j = 0; j < s->count; j++)
		if (s->rr[j].rdlen != name_len(s->rr[j].rdata) ||
		    !name_is_subdomain(s->rr[j].rdata, sh.zone[0] + sh.zone[0][0] + 1))
			return fail(w, "cut target", i);
}

static void *reader(void *arg)
{
	struct worker *w = arg;
	static const uint16_t types[] = {DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX};
	union {
		struct cache_rrset set;
		uint8_t bytes[4096];
	} out;
	while (!atomic_load_explicit(&sh.stop, memory_order_relaxed)) {
		uint32_t now = atomic_load_explicit(&sh.now_s, memory_order_relaxed);
		unsigned i = rnd(w) % sh.names, op = rnd(w) % 8;
		size_t used;
		enum cache_res r;
		if (op == 0) {
			r = cache_get_cut(sh.c, rnd(w) % 2 ? sh.name[i] : sh.upper[i], DNS_CLASS_IN,
			                  now, &out.set, sizeof(out), &used);
			if (r == CACHE_HIT)
				check_cut(w, i, &out.set);
		} else {
			uint16_t type = types[op % 3];
			struct cache_key k = {rnd(w) % 2 ? sh.name[i] : sh.upper[i], type,
			                      DNS_CLASS_IN};
			enum cache_trust min = (enum cache_trust)(1 + rnd(w) % 6);
			r = cache_get(sh.c, &k, min, now, &out.set, sizeof(out), &used);
			if (r == CACHE_HIT)
				check_rrset(w, i, type, &out.set);
			else if (r == CACHE_NXDOMAIN || r == CACHE_NODATA)
				check_denial(w, i, &out.set);
			if (r != CACHE_MISS && out.set.trust < min)
				fail(w, "trust below the minimum", i);
			if (r == CACHE_NODATA && type == DNS_TYPE_MX)
				fail(w, "NODATA for a type never denied", i);
		}
		if (r == CACHE_SPACE)
			fail(w, "CACHE_SPACE with 4 KiB", i);
		else if (r == CACHE_MISS)
			w->misses++;
		else
			w->hits++;
		if (++w->ops % 4096 == 0) {
			struct cache_stats st;
			cache_stats(sh.c, &st);
			if (st.bytes > BOUND)
				fail(w, "bytes over the bound", i);
		}
	}
	return NULL;
}

/* ---- the cases ---- */

static void run(unsigned names, unsigned ms)
{
	setup(names, BOUND);
	struct worker w[READERS + WRITERS];
	memset(w, 0, sizeof(w));
	for (unsigned i = 0; i < READERS + WRITERS; i++) {
		w[i].sh = &sh;
		w[i].id = i < WRITERS ? i : i - WRITERS;
		w[i].rng = 0x9e3779b97f4a7c15u * (i + 1);
		CHECK(pthread_create(&w[i].tid, NULL, i < WRITERS ? writer : reader, &w[i]) == 0);
	}
	struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	nanosleep(&t, NULL); /* the test's length; the cache's clock is sh.now_s */
	atomic_store(&sh.stop, true);
	uint64_t hits = 0, misses = 0, reads = 0, writes = 0;
	for (unsigned i = 0; i < READERS + WRITERS; i++) {
		pthread_join(w[i].tid, NULL);
		CHECKF(w[i].errors == 0, "%s %u: %llu errors, first: %s",
		       i < WRITERS ? "writer" : "reader", w[i].id, (unsigned long long)w[i].errors,
		       w[i].why);
		hits += w[i].hits;
		misses += w[i].misses;
		*(i < WRITERS ? &writes : &reads) += w[i].ops;
	}
	struct cache_stats st;
	cache_stats(sh.c, &st);
	printf("# %u names, %u ms: %llu reads (%llu hits), %llu writes; %llu insertions, "
	       "%llu evictions, %llu expired, %zu entries, %zu bytes\n",
	       names, ms, (unsigned long long)reads, (unsigned long long)hits,
	       (unsigned long long)writes, (unsigned long long)st.insertions,
	       (unsigned long long)st.evictions, (unsigned long long)st.expired, st.entries,
	       st.bytes);
	CHECK(reads > 1000 && writes > 1000 && hits > 0);
	CHECK(st.hits == hits && st.misses == misses);
	CHECK(st.bytes <= BOUND);
	/* every entry accounted for: once all have expired, all are reclaimed */
	cache_expire(sh.c, atomic_load(&sh.now_s) + MAX_TTL + 1);
	cache_stats(sh.c, &st);
	CHECK(st.entries == 0);
	CHECK(st.bytes <= BOUND / 8 + 4096); /* what is left is tables, an eighth at most */
	CHECK(st.insertions >= st.evictions + st.expired);
	cache_free(sh.c);
}

/* Many names over a cache too small for them: eviction and expiry all the time. */
static void test_many_names(void)
{
	run(NAMES, 1500);
}

/* A handful of names: every thread on the same few entries and shards. */
static void test_hot_names(void)
{
	run(4, 750);
}

int main(void)
{
	RUN(test_many_names);
	RUN(test_hot_names);
	return check_done();
}
