/* tests/unit/test_cache_ctl.c: the cache's operator functions, cache_flush and cache_walk
 * (resolverd-ctl's flush, flush-zone, flush-all, flush-negative, dump-cache and lookup).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "check.h"
#include "dns.h"
#include "name.h"
#include "name_text.h"

#define T0 1000000u

static const uint8_t ip[4] = { 192, 0, 2, 1 };
static _Alignas(struct cache_rrset) uint8_t out[65536];

static void put_a(struct cache *c, const char *name, uint16_t type, uint32_t ttl)
{
	struct wire_rr rr = { .owner = N(name), .type = type, .rclass = DNS_CLASS_IN, .ttl = ttl,
			      .rdlen = 4, .rdata = ip };
	CHECKF(cache_put(c, &rr, 1, NULL, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED, "%s", name);
}

static void put_denial(struct cache *c, const char *name, bool nxdomain, uint16_t type)
{
	uint8_t soa[64];
	struct buf_out o;
	buf_out_init(&o, soa, sizeof(soa));
	buf_put_u8(&o, 0);
	buf_put_u8(&o, 0);
	for (int i = 0; i < 5; i++)
		buf_put_u32(&o, 300);
	struct wire_rr rr = { .owner = N("example."), .type = DNS_TYPE_SOA, .rclass = DNS_CLASS_IN,
			      .ttl = 300, .rdlen = (uint16_t)o.len, .rdata = soa };
	struct cache_key k = { N(name), type, DNS_CLASS_IN };
	CHECK(cache_put_negative(c, &k, nxdomain, &rr, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
}

static bool present(struct cache *c, const char *name, uint16_t type)
{
	struct cache_key k = { N(name), type, DNS_CLASS_IN };
	size_t used;
	return cache_get(c, &k, CACHE_TRUST_GLUE, T0 + 1, (struct cache_rrset *)out, sizeof(out),
			 &used) != CACHE_MISS;
}

/* www.example. A and AAAA, a.www.example. A, other.example. A, NXDOMAIN gone.example.,
 * NODATA www2.example. MX, www.example.org. A */
static struct cache *filled(void)
{
	struct cache_limits l;
	cache_limits_default(&l);
	l.size_bytes = 1u << 20;
	struct cache *c = cache_new(&l);
	CHECK(c != NULL);
	put_a(c, "www.example.", DNS_TYPE_A, 600);
	put_a(c, "www.example.", DNS_TYPE_AAAA, 600);
	put_a(c, "a.www.example.", DNS_TYPE_A, 600);
	put_a(c, "other.example.", DNS_TYPE_A, 600);
	put_a(c, "www.example.org.", DNS_TYPE_A, 600);
	put_denial(c, "gone.example.", true, 0);
	put_denial(c, "www2.example.", false, DNS_TYPE_MX);
	return c;
}

static void flush_name_and_type(void)
{
	struct cache *c = filled();
	struct cache_filter f = { .name = N("WWW.example."), .type = DNS_TYPE_AAAA };
	CHECK(cache_flush(c, &f) == 1);
	CHECK(!present(c, "www.example.", DNS_TYPE_AAAA));
	CHECK(present(c, "www.example.", DNS_TYPE_A));
	f.type = 0; /* every type at the name, not below it */
	CHECK(cache_flush(c, &f) == 1);
	CHECK(!present(c, "www.example.", DNS_TYPE_A));
	CHECK(present(c, "a.www.example.", DNS_TYPE_A));
	cache_free(c);
}

static void flush_zone_takes_the_subtree_only(void)
{
	struct cache *c = filled();
	struct cache_filter f = { .name = N("www.example."), .below = true };
	CHECK(cache_flush(c, &f) == 3);
	CHECK(!present(c, "a.www.example.", DNS_TYPE_A));
	CHECK(present(c, "other.example.", DNS_TYPE_A));
	struct cache_filter ex = { .name = N("example."), .below = true };
	CHECK(cache_flush(c, &ex) == 3); /* other, gone (NXDOMAIN), www2 (NODATA) */
	CHECK(present(c, "www.example.org.", DNS_TYPE_A)); /* example.org is not under example */
	cache_free(c);
}

static void flush_negative_and_all(void)
{
	struct cache *c = filled();
	struct cache_filter neg = { .negative_only = true };
	CHECK(cache_flush(c, &neg) == 2);
	CHECK(!present(c, "gone.example.", DNS_TYPE_A));
	CHECK(!present(c, "www2.example.", DNS_TYPE_MX));
	CHECK(present(c, "www.example.", DNS_TYPE_A));
	CHECK(cache_flush(c, NULL) == 5);
	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.entries == 0);
	cache_free(c);
}

/* flush-bogus: only what validation found bogus goes; secure, insecure, unchecked stay. */
static void flush_bogus_only(void)
{
	struct cache *c = filled();
	static const enum cache_security sec[] = { CACHE_SEC_BOGUS, CACHE_SEC_SECURE,
						   CACHE_SEC_INSECURE, CACHE_SEC_BOGUS };
	static const char *const names[] = { "b1.example.", "s.example.", "i.example.",
					     "b2.example." };
	for (size_t i = 0; i < 4; i++) {
		struct wire_rr rr = { .owner = N(names[i]), .type = DNS_TYPE_A,
				      .rclass = DNS_CLASS_IN, .ttl = 600, .rdlen = 4, .rdata = ip };
		struct cache_sec cs = { .security = sec[i] };
		CHECK(cache_put(c, &rr, 1, &cs, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);
	}
	struct cache_filter f = { .bogus_only = true };
	CHECK(cache_flush(c, &f) == 2);
	CHECK(!present(c, "b1.example.", DNS_TYPE_A) && !present(c, "b2.example.", DNS_TYPE_A));
	CHECK(present(c, "s.example.", DNS_TYPE_A) && present(c, "i.example.", DNS_TYPE_A));
	CHECK(present(c, "www.example.", DNS_TYPE_A)); /* unchecked */
	cache_free(c);
}

struct seen {
	unsigned rrsets, nxdomain, nodata;
	uint32_t ttl_www;
};

static void count(void *arg, const struct cache_item *it)
{
	struct seen *s = arg;
	if (it->kind == CACHE_HIT)
		s->rrsets++;
	if (it->kind == CACHE_NXDOMAIN)
		s->nxdomain++;
	if (it->kind == CACHE_NODATA && it->type == DNS_TYPE_MX)
		s->nodata++;
	if (it->kind == CACHE_HIT && name_equal(it->name, N("www.example.")) &&
	    it->type == DNS_TYPE_A)
		s->ttl_www = it->set->ttl_s;
}

static void walk_shows_live_entries_with_ttl_left(void)
{
	struct cache *c = filled();
	put_a(c, "short.example.", DNS_TYPE_A, 5);
	struct seen s = { 0 };
	CHECK(cache_walk(c, NULL, T0 + 100, count, &s) == 7); /* short.example. has expired */
	CHECK(s.rrsets == 5 && s.nxdomain == 1 && s.nodata == 1);
	CHECK(s.ttl_www == 500);
	struct seen one = { 0 };
	struct cache_filter f = { .name = N("www.example.") };
	CHECK(cache_walk(c, &f, T0, count, &one) == 2);
	cache_free(c);
}

int main(void)
{
	RUN(flush_name_and_type);
	RUN(flush_zone_takes_the_subtree_only);
	RUN(flush_negative_and_all);
	RUN(flush_bogus_only);
	RUN(walk_shows_live_entries_with_ttl_left);
	return check_done();
}
