/* tests/unit/test_cache.c: resolver/cache: TTLs, limits, denials, trust, cuts, eviction.
 *
 * Every case passes its own clock (now_s) and never sleeps. The threaded stress test is
 * test_cache_stress.c; the figures are bench_cache's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cache.h"
#include "check.h"
#include "name_text.h"
#include "dns.h"
#include "name.h"
#include "wire.h"

#define T0 1000000u /* an arbitrary start of the test clock */

/* Out buffers must be aligned as struct cache_rrset; a union makes sure. */
union outbuf {
	struct cache_rrset set;
	uint8_t bytes[65536];
};
static union outbuf ob;

static struct wire_rr rr_a(const uint8_t *owner, uint32_t ttl, const uint8_t ip[4])
{
	return (struct wire_rr){.owner = owner,
	                        .type = DNS_TYPE_A,
	                        .rclass = DNS_CLASS_IN,
	                        .ttl = ttl,
	                        .rdlen = 4,
	                        .rdata = ip};
}

static struct wire_rr rr_ns(const uint8_t *owner, uint32_t ttl, const uint8_t *target)
{
	return (struct wire_rr){.owner = owner,
	                        .type = DNS_TYPE_NS,
	                        .rclass = DNS_CLASS_IN,
	                        .ttl = ttl,
	                        .rdlen = (uint16_t)name_len(target),
	                        .rdata = target};
}

/* An SOA record for zone with the given TTL and MINIMUM; rdata lives in buf. */
static struct wire_rr rr_soa(const char *zone, uint32_t ttl, uint32_t minimum, uint8_t *buf,
                             size_t cap)
{
	struct buf_out o;
	buf_out_init(&o, buf, cap);
	const uint8_t *mname = N("ns.example.");
	buf_put_bytes(&o, mname, name_len(mname));
	const uint8_t *rname = N("hostmaster.example.");
	buf_put_bytes(&o, rname, name_len(rname));
	buf_put_u32(&o, 2024010101); /* serial */
	buf_put_u32(&o, 7200);       /* refresh */
	buf_put_u32(&o, 900);        /* retry */
	buf_put_u32(&o, 1209600);    /* expire */
	buf_put_u32(&o, minimum);
	return (struct wire_rr){.owner = N(zone),
	                        .type = DNS_TYPE_SOA,
	                        .rclass = DNS_CLASS_IN,
	                        .ttl = ttl,
	                        .rdlen = (uint16_t)o.len,
	                        .rdata = buf};
}

static struct cache *new_cache(uint32_t max_ttl, uint32_t min_ttl, uint32_t max_neg, size_t size)
{
	struct cache_limits l = {.max_ttl_s = max_ttl,
	                         .min_ttl_s = min_ttl,
	                         .max_neg_ttl_s = max_neg,
	                         .size_bytes = size};
	struct cache *c = cache_new(&l);
	CHECK(c != NULL);
	return c;
}

static struct cache *default_cache(void)
{
	struct cache_limits l;
	cache_limits_default(&l);
	l.size_bytes = 1u << 20;
	struct cache *c = cache_new(&l);
	CHECK(c != NULL);
	return c;
}

static enum cache_res get(struct cache *c, const char *name, uint16_t type,
                          enum cache_trust min_trust, uint32_t now_s)
{
	struct cache_key k = {N(name), type, DNS_CLASS_IN};
	size_t used;
	return cache_get(c, &k, min_trust, now_s, &ob.set, sizeof(ob), &used);
}

/* Puts one A record name -> 10.0.0.last. */
static enum cache_put_res put_a(struct cache *c, const char *name, uint8_t last, uint32_t ttl,
                                enum cache_trust trust, uint32_t now_s)
{
	const uint8_t ip[4] = {10, 0, 0, last};
	struct wire_rr rr = rr_a(N(name), ttl, ip);
	return cache_put(c, &rr, 1, NULL, trust, now_s);
}

static void test_hit_copies_rrset(void)
{
	struct cache *c = default_cache();
	const uint8_t ip1[4] = {192, 0, 2, 1}, ip2[4] = {192, 0, 2, 2};
	const uint8_t *owner = N("www.example.com.");
	struct wire_rr rrs[2] = {rr_a(owner, 300, ip1), rr_a(owner, 300, ip2)};
	CHECK(cache_put(c, rrs, 2, NULL, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);

	struct cache_key k = {N("www.example.com."), DNS_TYPE_A, DNS_CLASS_IN};
	size_t used = 0;
	CHECK(cache_get(c, &k, CACHE_TRUST_ANSWER, T0, &ob.set, sizeof(ob), &used) == CACHE_HIT);
	const struct cache_rrset *s = &ob.set;
	CHECK(s->count == 2 && s->ttl_s == 300 && s->trust == CACHE_TRUST_ANSWER_AUTH);
	CHECK(used == sizeof(*s) + 2 * sizeof(struct wire_rr) + name_len(owner) + 2 * (2 + 4));
	for (unsigned i = 0; i < 2 && s->count == 2; i++) {
		CHECK(name_equal(s->rr[i].owner, owner));
		CHECK(s->rr[i].type == DNS_TYPE_A && s->rr[i].rclass == DNS_CLASS_IN);
		CHECK(s->rr[i].ttl == 300 && s->rr[i].rdlen == 4);
		CHECK(memcmp(s->rr[i].rdata, i ? ip2 : ip1, 4) == 0);
		/* everything points into the caller's buffer */
		CHECK(s->rr[i].rdata > ob.bytes && s->rr[i].rdata + 4 <= ob.bytes + used);
	}
	CHECK(get(c, "www.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	k.rclass = DNS_CLASS_CH;
	CHECK(cache_get(c, &k, CACHE_TRUST_GLUE, T0, &ob.set, sizeof(ob), &used) == CACHE_MISS);
	CHECK(get(c, "example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	cache_free(c);
}

/* The copy is what the answer path needs: set->rr goes straight into the message builder. */
static void test_output_feeds_wire_builder(void)
{
	struct cache *c = default_cache();
	const uint8_t *owner = N("mail.example.com.");
	struct wire_rr rrs[2] = {rr_ns(owner, 600, N("ns1.example.com.")),
	                         rr_ns(owner, 600, N("ns2.example.com."))};
	CHECK(cache_put(c, rrs, 2, NULL, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "MAIL.example.com.", DNS_TYPE_NS, CACHE_TRUST_ANSWER, T0 + 100) == CACHE_HIT);

	uint8_t msg[512];
	struct wire_builder b;
	wire_build_init(&b, msg, sizeof(msg), 0x1234, DNS_FLAG_QR | DNS_FLAG_RA);
	CHECK(wire_build_question(&b, owner, DNS_TYPE_NS, DNS_CLASS_IN) == ERR_OK);
	CHECK(wire_build_rrset(&b, WIRE_ANSWER, ob.set.rr, ob.set.count) == ERR_OK);
	size_t len = wire_build_finish(&b);

	struct arena *a = arena_new();
	struct wire_msg m;
	CHECK(a && wire_parse(msg, len, a, &m) == ERR_OK);
	CHECK(m.n[WIRE_ANSWER] == 2);
	for (unsigned i = 0; i < m.n[WIRE_ANSWER] && i < 2; i++) {
		CHECK(m.rr[WIRE_ANSWER][i].ttl == 500);
		CHECK(name_equal(m.rr[WIRE_ANSWER][i].rdata, rrs[i].rdata));
	}
	arena_free(a);
	cache_free(c);
}

static void test_ttl_counts_down_and_expires(void)
{
	struct cache *c = default_cache();
	CHECK(put_a(c, "a.example.", 1, 300, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "a.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 300 && ob.set.rr[0].ttl == 300);
	CHECK(get(c, "a.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 100) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 200 && ob.set.rr[0].ttl == 200);
	CHECK(get(c, "a.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 299) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 1);

	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.entries == 1 && st.expired == 0);
	size_t full = st.bytes;
	CHECK(get(c, "a.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 300) == CACHE_MISS);
	/* the lookup that met the expired entry reclaimed it */
	cache_stats(c, &st);
	CHECK(st.entries == 0 && st.expired == 1 && st.bytes < full);

	/* the smallest TTL of the RRset counts (RFC 2181 §5.2) */
	const uint8_t *owner = N("b.example.");
	const uint8_t ip1[4] = {1, 1, 1, 1}, ip2[4] = {2, 2, 2, 2};
	struct wire_rr rrs[2] = {rr_a(owner, 100, ip1), rr_a(owner, 50, ip2)};
	CHECK(cache_put(c, rrs, 2, NULL, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "b.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 10) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 40 && ob.set.rr[0].ttl == 40 && ob.set.rr[1].ttl == 40);
	cache_free(c);
}

static void test_clock_wraps(void)
{
	struct cache *c = default_cache();
	uint32_t t = UINT32_MAX - 100;
	CHECK(put_a(c, "w.example.", 1, 1000, CACHE_TRUST_ANSWER, t) == CACHE_PUT_STORED);
	CHECK(get(c, "w.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, t + 500) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 500);
	CHECK(get(c, "w.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, t + 1000) == CACHE_MISS);
	cache_free(c);
}

static void test_ttl_caps_and_floors(void)
{
	struct cache *c = new_cache(3600, 60, 600, 1u << 20);
	CHECK(put_a(c, "long.example.", 1, 86400 * 7, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "long.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 3600);
	CHECK(put_a(c, "short.example.", 1, 5, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "short.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 30) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 30);
	/* min-ttl lifts TTL 0 too */
	CHECK(put_a(c, "zero.example.", 1, 0, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "zero.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 60);
	/* RFC 2181 §8: a TTL with the top bit set is zero, then floored */
	CHECK(put_a(c, "neg.example.", 1, 0x80000001u, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "neg.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.ttl_s == 60);

	/* negative: capped by max-negative-ttl, floored by min-ttl */
	uint8_t soa_buf[128];
	struct wire_rr soa = rr_soa("example.", 86400, 86400, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("nx.example."), DNS_TYPE_A, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "nx.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_NXDOMAIN);
	CHECK(ob.set.ttl_s == 600 && ob.set.rr[0].ttl == 600);
	soa = rr_soa("example.", 10, 5, soa_buf, sizeof(soa_buf));
	k.name = N("nx2.example.");
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "nx2.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_NXDOMAIN);
	CHECK(ob.set.ttl_s == 60);
	cache_free(c);

	/* without a floor, TTL 0 is not cached (RFC 1035 §3.2.1) */
	c = new_cache(3600, 0, 600, 1u << 20);
	CHECK(put_a(c, "zero.example.", 1, 0, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	CHECK(put_a(c, "neg.example.", 1, 0xffffffffu, CACHE_TRUST_ANSWER, T0) ==
	      CACHE_PUT_SKIPPED);
	CHECK(get(c, "zero.example.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	cache_free(c);

	/* defaults: one day, one hour, no floor */
	struct cache_limits l;
	cache_limits_default(&l);
	CHECK(l.max_ttl_s == 86400 && l.max_neg_ttl_s == 3600 && l.min_ttl_s == 0);
	CHECK(l.size_bytes >= CACHE_SIZE_MIN);
}

static void test_nxdomain(void)
{
	struct cache *c = default_cache();
	uint8_t soa_buf[128];
	/* RFC 2308 §5: min(SOA TTL, MINIMUM) */
	struct wire_rr soa = rr_soa("example.com.", 3600, 900, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("nope.example.com."), DNS_TYPE_AAAA, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);

	/* every type at the name is denied, with the SOA */
	static const uint16_t types[] = {DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX, DNS_TYPE_NS};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		CHECK(get(c, "nope.example.com.", types[i], CACHE_TRUST_ANSWER, T0 + 100) ==
		      CACHE_NXDOMAIN);
		const struct cache_rrset *s = &ob.set;
		CHECK(s->count == 1 && s->ttl_s == 800);
		CHECK(s->rr[0].type == DNS_TYPE_SOA && s->rr[0].ttl == 800);
		CHECK(name_equal(s->rr[0].owner, N("example.com.")));
		CHECK(s->rr[0].rdlen == soa.rdlen &&
		      memcmp(s->rr[0].rdata, soa.rdata, soa.rdlen) == 0);
	}
	CHECK(get(c, "other.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	CHECK(get(c, "nope.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 900) == CACHE_MISS);

	/* an RRset cached for the name is answered before the denial */
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(put_a(c, "nope.example.com.", 1, 60, CACHE_TRUST_ANSWER_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "nope.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "nope.example.com.", DNS_TYPE_TXT, CACHE_TRUST_ANSWER, T0) == CACHE_NXDOMAIN);
	cache_free(c);
}

static void test_nodata(void)
{
	struct cache *c = default_cache();
	uint8_t soa_buf[128];
	struct wire_rr soa = rr_soa("example.com.", 300, 3600, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("v4only.example.com."), DNS_TYPE_AAAA, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "v4only.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_ANSWER, T0 + 1) ==
	      CACHE_NODATA);
	CHECK(ob.set.count == 1 && ob.set.ttl_s == 299 && ob.set.rr[0].type == DNS_TYPE_SOA);
	CHECK(name_equal(ob.set.rr[0].owner, N("example.com.")));
	/* only that type is denied */
	CHECK(get(c, "v4only.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	CHECK(put_a(c, "v4only.example.com.", 7, 60, CACHE_TRUST_ANSWER_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "v4only.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "v4only.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_ANSWER, T0) == CACHE_NODATA);

	/* an RRset of the same trust learnt later replaces the denial */
	const uint8_t ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	struct wire_rr rr = {.owner = N("v4only.example.com."),
	                     .type = DNS_TYPE_AAAA,
	                     .rclass = DNS_CLASS_IN,
	                     .ttl = 60,
	                     .rdlen = 16,
	                     .rdata = ip6};
	CHECK(cache_put(c, &rr, 1, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0 + 5) == CACHE_PUT_STORED);
	CHECK(get(c, "v4only.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_ANSWER, T0 + 5) ==
	      CACHE_HIT);
	CHECK(ob.set.rr[0].rdlen == 16);

	/* NODATA below minimum trust is not served */
	k.name = N("glue.example.com.");
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_ADDITIONAL, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "glue.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_ANSWER, T0) == CACHE_MISS);
	cache_free(c);
}

static void test_negative_needs_fitting_soa(void)
{
	struct cache *c = default_cache();
	uint8_t soa_buf[128];
	struct cache_key k = {N("x.example.com."), DNS_TYPE_A, DNS_CLASS_IN};
	/* an SOA of another zone proves nothing about the name */
	struct wire_rr soa = rr_soa("example.net.", 300, 300, soa_buf, sizeof(soa_buf));
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_SKIPPED);
	soa = rr_soa("sub.x.example.com.", 300, 300, soa_buf, sizeof(soa_buf));
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_SKIPPED);
	soa = rr_soa("example.com.", 300, 300, soa_buf, sizeof(soa_buf));
	soa.type = DNS_TYPE_NS;
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_SKIPPED);
	soa.type = DNS_TYPE_SOA;
	soa.rdlen = 21;
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_SKIPPED);
	soa = rr_soa("example.com.", 300, 0, soa_buf, sizeof(soa_buf));
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_SKIPPED); /* MINIMUM 0: a zero negative TTL */
	soa = rr_soa("x.example.com.", 300, 300, soa_buf, sizeof(soa_buf));
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED); /* the apex itself may have NODATA */
	CHECK(get(c, "x.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_NODATA);
	cache_free(c);
}

static void test_glue_does_not_replace_answer(void)
{
	struct cache *c = default_cache();
	CHECK(put_a(c, "ns1.example.com.", 1, 3600, CACHE_TRUST_ANSWER_AUTH, T0) ==
	      CACHE_PUT_STORED);
	static const enum cache_trust lower[] = {CACHE_TRUST_GLUE, CACHE_TRUST_AUTHORITY,
	                                         CACHE_TRUST_ADDITIONAL, CACHE_TRUST_ANSWER,
	                                         CACHE_TRUST_AUTHORITY_AUTH};
	for (size_t i = 0; i < sizeof(lower) / sizeof(lower[0]); i++)
		CHECKF(put_a(c, "ns1.example.com.", 66, 86400, lower[i], T0 + 1) == CACHE_PUT_KEPT,
		       "trust %d", (int)lower[i]);
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 10) == CACHE_HIT);
	CHECK(ob.set.rr[0].rdata[3] == 1 && ob.set.ttl_s == 3590);
	CHECK(ob.set.trust == CACHE_TRUST_ANSWER_AUTH);
	/* nor does a denial of less trust */
	uint8_t soa_buf[128];
	struct wire_rr soa = rr_soa("example.com.", 300, 300, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("ns1.example.com."), DNS_TYPE_A, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_KEPT);
	/* once the answer has expired, glue may take the place */
	CHECK(put_a(c, "ns1.example.com.", 66, 86400, CACHE_TRUST_GLUE, T0 + 3600) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0 + 3600) == CACHE_HIT);
	CHECK(ob.set.rr[0].rdata[3] == 66);
	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.entries == 1 && st.expired == 1);
	cache_free(c);
}

static void test_answer_replaces_glue(void)
{
	struct cache *c = default_cache();
	CHECK(put_a(c, "ns1.example.com.", 66, 86400, CACHE_TRUST_GLUE, T0) == CACHE_PUT_STORED);
	/* glue is never a client answer, but the iterator may read it */
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_MISS);
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	CHECK(ob.set.trust == CACHE_TRUST_GLUE);
	/* equal trust replaces (fresher data) */
	CHECK(put_a(c, "ns1.example.com.", 67, 86400, CACHE_TRUST_GLUE, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	CHECK(ob.set.rr[0].rdata[3] == 67);
	/* the authoritative answer replaces it, with its shorter TTL */
	CHECK(put_a(c, "ns1.example.com.", 1, 300, CACHE_TRUST_ANSWER_AUTH, T0 + 1) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 1) == CACHE_HIT);
	CHECK(ob.set.rr[0].rdata[3] == 1 && ob.set.ttl_s == 300);
	CHECK(ob.set.trust == CACHE_TRUST_ANSWER_AUTH);
	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.entries == 1 && st.insertions == 3);
	cache_free(c);
}

static void put_ns(struct cache *c, const char *zone, const char *target, uint32_t ttl,
                   enum cache_trust trust)
{
	struct wire_rr rr = rr_ns(N(zone), ttl, N(target));
	CHECK(cache_put(c, &rr, 1, NULL, trust, T0) == CACHE_PUT_STORED);
}

static enum cache_res cut(struct cache *c, const char *name, uint32_t now_s, const char **want)
{
	size_t used;
	enum cache_res r =
	    cache_get_cut(c, N(name), DNS_CLASS_IN, now_s, &ob.set, sizeof(ob), &used);
	if (r == CACHE_HIT && want) {
		CHECKF(ob.set.rr[0].type == DNS_TYPE_NS, "%s", name);
		CHECKF(name_equal(ob.set.rr[0].owner, N(*want)), "%s", name);
	}
	return r;
}

static void test_closest_cut(void)
{
	struct cache *c = default_cache();
	const char *root = ".", *com = "com.", *ex = "example.com.";
	CHECK(cut(c, "www.example.com.", T0, NULL) == CACHE_MISS);
	put_ns(c, root, "a.root-servers.net.", 518400, CACHE_TRUST_AUTHORITY);
	put_ns(c, com, "a.gtld-servers.net.", 172800, CACHE_TRUST_AUTHORITY);
	put_ns(c, ex, "ns1.example.com.", 600, CACHE_TRUST_ANSWER_AUTH);
	CHECK(put_a(c, "ns1.example.com.", 53, 600, CACHE_TRUST_GLUE, T0) == CACHE_PUT_STORED);

	CHECK(cut(c, "a.b.www.example.com.", T0, &ex) == CACHE_HIT);
	CHECK(cut(c, "example.com.", T0, &ex) == CACHE_HIT);
	CHECK(cut(c, "EXAMPLE.Com.", T0, &ex) == CACHE_HIT);
	CHECK(cut(c, "example.net.", T0, &root) == CACHE_HIT);
	CHECK(cut(c, "org.", T0, &root) == CACHE_HIT);
	CHECK(cut(c, ".", T0, &root) == CACHE_HIT);
	CHECK(cut(c, "other.com.", T0, &com) == CACHE_HIT);
	/* the server's address, read as the iterator does */
	CHECK(cut(c, "www.example.com.", T0, &ex) == CACHE_HIT);
	CHECK(name_equal(ob.set.rr[0].rdata, N("ns1.example.com.")));
	CHECK(get(c, "ns1.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	CHECK(ob.set.rr[0].rdata[3] == 53);

	/* a denial of NS at a name is no cut: the walk goes on up */
	uint8_t soa_buf[128];
	struct wire_rr soa = rr_soa("example.com.", 300, 300, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("www.example.com."), DNS_TYPE_NS, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, false, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(cut(c, "www.example.com.", T0, &ex) == CACHE_HIT);
	/* when a cut expires, the next one up is found */
	CHECK(cut(c, "www.example.com.", T0 + 600, &com) == CACHE_HIT);
	/* another class has no cuts */
	size_t used;
	CHECK(cache_get_cut(c, N("example.com."), DNS_CLASS_CH, T0, &ob.set, sizeof(ob), &used) ==
	      CACHE_MISS);
	/* a small buffer is said, with the size needed */
	CHECK(cache_get_cut(c, N("example.com."), DNS_CLASS_IN, T0, &ob.set, 8, &used) ==
	      CACHE_SPACE);
	CHECK(used > 8 && used < 100);
	cache_free(c);
}

static void test_case_insensitive_keys(void)
{
	struct cache *c = default_cache();
	CHECK(put_a(c, "WwW.ExAmPlE.CoM.", 9, 300, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "www.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "WWW.EXAMPLE.COM.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	/* the owner comes back as it was stored */
	CHECK(memcmp(ob.set.rr[0].owner, N("WwW.ExAmPlE.CoM."), 17) == 0);
	/* the same key in another case replaces, it does not add */
	CHECK(put_a(c, "www.EXAMPLE.com.", 10, 300, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.entries == 1);
	CHECK(get(c, "Www.Example.Com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.rr[0].rdata[3] == 10);
	/* but other octets are not folded */
	CHECK(get(c, "www.example.co\\109.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "www.example.co\\077.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "www.example.co\\237.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_MISS);
	/* denials too */
	uint8_t soa_buf[128];
	struct wire_rr soa = rr_soa("EXAMPLE.com.", 300, 300, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("NX.example.COM."), DNS_TYPE_A, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, true, &soa, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "nx.EXAMPLE.com.", DNS_TYPE_MX, CACHE_TRUST_ANSWER, T0) == CACHE_NXDOMAIN);
	cache_free(c);
}

static void test_rejects_what_is_not_one_rrset(void)
{
	struct cache *c = default_cache();
	const uint8_t ip[4] = {1, 2, 3, 4};
	struct wire_rr rrs[2] = {rr_a(N("a.example."), 60, ip), rr_a(N("b.example."), 60, ip)};
	CHECK(cache_put(c, rrs, 2, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	rrs[1] = rr_a(N("A.example."), 60, ip);
	rrs[1].type = DNS_TYPE_AAAA;
	CHECK(cache_put(c, rrs, 2, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	rrs[1].type = DNS_TYPE_A;
	rrs[1].rclass = DNS_CLASS_CH;
	CHECK(cache_put(c, rrs, 2, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	CHECK(cache_put(c, rrs, 0, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	CHECK(cache_put(c, rrs, 1, NULL, (enum cache_trust)0, T0) == CACHE_PUT_SKIPPED);
	CHECK(cache_put(c, rrs, 1, NULL, (enum cache_trust)7, T0) == CACHE_PUT_SKIPPED);
	rrs[0].type = 0;
	CHECK(cache_put(c, rrs, 1, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	rrs[0].type = DNS_TYPE_OPT;
	CHECK(cache_put(c, rrs, 1, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	/* over 64 KiB of rdata */
	static uint8_t big[60000];
	struct wire_rr huge[2] = {{N("big.example."), DNS_TYPE_TXT, DNS_CLASS_IN, 60, 60000, big},
	                          {N("big.example."), DNS_TYPE_TXT, DNS_CLASS_IN, 60, 60000, big}};
	CHECK(cache_put(c, huge, 2, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	CHECK(cache_put(c, huge, 1, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.entries == 1 && st.insertions == 1);
	cache_free(c);
	/* an entry over half a shard's share does not go in */
	c = new_cache(3600, 0, 600, CACHE_SIZE_MIN);
	CHECK(cache_put(c, huge, 1, NULL, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_SKIPPED);
	cache_free(c);
	struct cache_limits l = { .max_ttl_s = 3600, .max_neg_ttl_s = 600, .size_bytes = CACHE_SIZE_MIN - 1 };
	CHECK(cache_new(&l) == NULL);
}

static void test_small_buffer(void)
{
	struct cache *c = default_cache();
	CHECK(put_a(c, "s.example.", 1, 60, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	struct cache_key k = {N("s.example."), DNS_TYPE_A, DNS_CLASS_IN};
	size_t used = 0;
	CHECK(cache_get(c, &k, CACHE_TRUST_ANSWER, T0, &ob.set, 40, &used) == CACHE_SPACE);
	size_t need = used;
	CHECK(need == sizeof(struct cache_rrset) + sizeof(struct wire_rr) + 11 + 6);
	CHECK(cache_get(c, &k, CACHE_TRUST_ANSWER, T0, &ob.set, need, &used) == CACHE_HIT);
	CHECK(used == need);
	cache_free(c);
}

static void name_i(char *s, size_t cap, const char *fmt, unsigned i)
{
	snprintf(s, cap, fmt, i);
}

/* One shard (the smallest cache): fill it, then see which entries eviction picks. All names
 * have the same length, so each put past the bound evicts exactly one entry. */
static void test_eviction_is_lru(void)
{
	struct cache *c = new_cache(86400, 0, 3600, CACHE_SIZE_MIN);
	struct cache_stats st;
	char s[64];
	unsigned n = 0;
	for (;; n++) {
		name_i(s, sizeof(s), "host%05u.example.com.", n);
		CHECK(put_a(c, s, 1, 3600, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
		cache_stats(c, &st);
		CHECK(st.bytes <= CACHE_SIZE_MIN);
		if (st.evictions || n > 10000)
			break;
	}
	CHECK(n > 100 && n < 400 && st.evictions == 1);
	/* host0, the oldest, went first */
	CHECK(get(c, "host00000.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	/* read host1 and host3: they are now recently used, host2 and host4 are not */
	CHECK(get(c, "host00001.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	CHECK(get(c, "host00003.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	for (unsigned i = 1; i <= 2; i++) {
		name_i(s, sizeof(s), "late%05u.example.com.", i);
		CHECK(put_a(c, s, 1, 3600, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	}
	cache_stats(c, &st);
	CHECK(st.evictions == 3 && st.bytes <= CACHE_SIZE_MIN);
	CHECK(get(c, "host00001.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	CHECK(get(c, "host00002.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	CHECK(get(c, "host00003.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	CHECK(get(c, "host00004.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_MISS);
	CHECK(get(c, "host00005.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);
	name_i(s, sizeof(s), "host%05u.example.com.", n);
	CHECK(get(c, s, DNS_TYPE_A, CACHE_TRUST_GLUE, T0) == CACHE_HIT);

	/* an expired entry met by eviction is counted as reclaimed, not evicted */
	cache_free(c);
	c = new_cache(86400, 0, 3600, CACHE_SIZE_MIN);
	for (n = 0;; n++) {
		name_i(s, sizeof(s), "host%05u.example.com.", n);
		CHECK(put_a(c, s, 1, n ? 3600 : 10, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
		cache_stats(c, &st);
		if (st.evictions || st.expired || n > 10000)
			break;
	}
	CHECK(st.evictions == 1 && st.expired == 0);
	cache_free(c);
	/* The same, but the puts after host0 come when it has expired. They fill the cache until
	 * the first put over the bound, which must reclaim host0 and evict nothing. (Filling
	 * again to the n above would not do: malloc_usable_size, which the bound counts, can give
	 * a few bytes more or less for reused heap, so a new cache fills at a slightly different
	 * count, and the put that found host0 expired could still evict.) */
	c = new_cache(86400, 0, 3600, CACHE_SIZE_MIN);
	CHECK(put_a(c, "host00000.example.com.", 1, 10, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	for (n = 1;; n++) {
		name_i(s, sizeof(s), "late%05u.example.com.", n);
		CHECK(put_a(c, s, 1, 3600, CACHE_TRUST_ANSWER, T0 + 10) == CACHE_PUT_STORED);
		cache_stats(c, &st);
		if (st.evictions || st.expired || n > 10000)
			break;
	}
	CHECK(st.evictions == 0 && st.expired == 1 && st.bytes <= CACHE_SIZE_MIN);
	CHECK(get(c, "host00000.example.com.", DNS_TYPE_A, CACHE_TRUST_GLUE, T0 + 10) == CACHE_MISS);
	cache_free(c);
}

static void test_expire_reclaims_memory(void)
{
	struct cache *c = default_cache();
	struct cache_stats st0, st1, st2;
	cache_stats(c, &st0);
	char s[64];
	for (unsigned i = 0; i < 200; i++) {
		name_i(s, sizeof(s), "e%u.example.org.", i);
		CHECK(put_a(c, s, 1, i % 2 ? 10 : 1000, CACHE_TRUST_ANSWER, T0) ==
		      CACHE_PUT_STORED);
	}
	cache_stats(c, &st1);
	CHECK(st1.entries == 200 && st1.bytes > st0.bytes);
	CHECK(cache_expire(c, T0 + 9) == 0);
	CHECK(cache_expire(c, T0 + 10) == 100);
	cache_stats(c, &st2);
	CHECK(st2.entries == 100 && st2.expired == 100);
	CHECK(st2.bytes < st1.bytes && st2.bytes > st0.bytes);
	CHECK(cache_expire(c, T0 + 1000) == 100);
	cache_stats(c, &st2);
	CHECK(st2.entries == 0);
	CHECK(cache_expire(c, T0 + 1000) == 0);
	cache_free(c);
}

static void test_counters(void)
{
	struct cache *c = default_cache();
	CHECK(put_a(c, "c.example.", 1, 60, CACHE_TRUST_ANSWER, T0) == CACHE_PUT_STORED);
	CHECK(put_a(c, "c.example.", 1, 60, CACHE_TRUST_GLUE, T0) == CACHE_PUT_KEPT);
	CHECK(get(c, "c.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "c.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(get(c, "d.example.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_MISS);
	size_t used;
	CHECK(cache_get_cut(c, N("c.example."), DNS_CLASS_IN, T0, &ob.set, sizeof(ob), &used) ==
	      CACHE_MISS);
	struct cache_stats st;
	cache_stats(c, &st);
	CHECK(st.hits == 2 && st.misses == 2 && st.insertions == 1);
	CHECK(st.evictions == 0 && st.expired == 0 && st.entries == 1);
	CHECK(st.bytes > 0 && st.bytes <= 1u << 20);
	cache_free(c);
	cache_free(NULL);
}

/* Bytes the C library's allocator hands out now (small chunks and mmapped blocks). */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* A million distinct RRsets into 16 MiB: the count never passes the bound, the allocator
 * agrees with it, and the bound is used rather than wasted. */
static void test_million_entries_within_bound(void)
{
	const size_t bound = 16u << 20;
	size_t heap0 = heap_in_use();
	struct cache *c = new_cache(86400, 0, 3600, bound);
	struct cache_stats st;
	char s[64];
	bool within = true;
	for (unsigned i = 0; i < 1000000; i++) {
		uint8_t name[NAME_MAX_WIRE];
		size_t len;
		int n = snprintf(s, sizeof(s), "h%u.example.net.", i);
		name_from_text(s, (size_t)n, NULL, name, &len);
		const uint8_t ip[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		struct wire_rr rr = rr_a(name, 3600, ip);
		if (cache_put(c, &rr, 1, NULL, CACHE_TRUST_ANSWER, T0) != CACHE_PUT_STORED)
			within = false;
		if (i % 4096 == 0) {
			cache_stats(c, &st);
			if (st.bytes > bound)
				within = false;
		}
	}
	CHECK(within);
	cache_stats(c, &st);
	size_t heap1 = heap_in_use();
	printf("# 1M puts into %zu bytes: %zu entries, %zu bytes counted, %zu bytes of heap, "
	       "%llu evictions\n",
	       bound, st.entries, st.bytes, heap1 - heap0, (unsigned long long)st.evictions);
	CHECK(st.bytes <= bound);
	CHECK(st.insertions == 1000000 && st.evictions == 1000000 - st.entries);
	CHECK(st.bytes > bound / 100 * 90); /* shards fill evenly */
	/* honest: the allocator's own figure (absent under sanitizers) is no larger */
	if (heap1 > heap0)
		CHECKF(heap1 - heap0 <= st.bytes + st.bytes / 50, "heap %zu, counted %zu",
		       heap1 - heap0, st.bytes);
	/* the newest are all there */
	for (unsigned i = 1000000 - 1000; i < 1000000; i++) {
		name_i(s, sizeof(s), "h%u.example.net.", i);
		CHECKF(get(c, s, DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT, "%s", s);
	}
	cache_free(c);
}

/* The DNSSEC side: the security and the extra records come back as they went in, each extra
 * record with its own owner and type; the validator's TTL cap holds; a proven entry is not
 * pushed out by a bogus copy, while a later proven one replaces a bogus one. */
static void test_security_and_extras(void)
{
	struct cache *c = default_cache();
	const uint8_t ip[4] = {192, 0, 2, 1}, sig1[3] = {1, 2, 3}, sig2[1] = {9};
	const uint8_t *owner = N("www.example.com.");
	struct wire_rr a = rr_a(owner, 300, ip);
	struct wire_rr extra[2] = {
		{.owner = owner, .type = DNS_TYPE_RRSIG, .rclass = DNS_CLASS_IN, .ttl = 300,
		 .rdlen = 3, .rdata = sig1},
		{.owner = N("x.www.example.com."), .type = DNS_TYPE_NSEC, .rclass = DNS_CLASS_IN,
		 .ttl = 300, .rdlen = 1, .rdata = sig2},
	};
	struct cache_sec sec = {CACHE_SEC_SECURE, 0, extra, 2, 100};
	CHECK(cache_put(c, &a, 1, &sec, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "www.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	const struct cache_rrset *s = &ob.set;
	CHECK(s->count == 1 && s->n_extra == 2 && s->security == CACHE_SEC_SECURE);
	CHECK(s->ttl_s == 100 && s->rr[1].ttl == 100 && s->rr[2].ttl == 100);
	CHECK(s->rr[0].rdlen == 4 && memcmp(s->rr[0].rdata, ip, 4) == 0);
	CHECK(s->rr[1].type == DNS_TYPE_RRSIG && name_equal(s->rr[1].owner, owner));
	CHECK(s->rr[1].rdlen == 3 && memcmp(s->rr[1].rdata, sig1, 3) == 0);
	CHECK(s->rr[2].type == DNS_TYPE_NSEC && name_equal(s->rr[2].owner, extra[1].owner));
	CHECK(s->rr[2].rdlen == 1 && s->rr[2].rdata[0] == 9 && s->rr[2].rclass == DNS_CLASS_IN);

	/* a bogus copy of the same trust is dropped while the proven one lives */
	struct cache_sec bogus = {CACHE_SEC_BOGUS, 7, NULL, 0, 60};
	CHECK(cache_put(c, &a, 1, &bogus, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_KEPT);
	CHECK(get(c, "www.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.security == CACHE_SEC_SECURE);
	/* after it expired, the bogus one is stored; a proven one replaces that */
	CHECK(cache_put(c, &a, 1, &bogus, CACHE_TRUST_ANSWER_AUTH, T0 + 100) == CACHE_PUT_STORED);
	CHECK(get(c, "www.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0 + 100) == CACHE_HIT);
	CHECK(ob.set.security == CACHE_SEC_BOGUS && ob.set.ttl_s == 60 && ob.set.n_extra == 0);
	CHECK(ob.set.reason == 7);
	CHECK(cache_put(c, &a, 1, &sec, CACHE_TRUST_ANSWER_AUTH, T0 + 101) == CACHE_PUT_STORED);

	/* a denial keeps its proof */
	uint8_t soa_buf[128];
	struct wire_rr soa = rr_soa("example.com.", 300, 3600, soa_buf, sizeof(soa_buf));
	struct cache_key k = {N("nx.example.com."), DNS_TYPE_A, DNS_CLASS_IN};
	CHECK(cache_put_negative(c, &k, true, &soa, &sec, CACHE_TRUST_AUTHORITY_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "nx.example.com.", DNS_TYPE_TXT, CACHE_TRUST_ANSWER, T0) == CACHE_NXDOMAIN);
	CHECK(ob.set.count == 1 && ob.set.rr[0].type == DNS_TYPE_SOA && ob.set.n_extra == 2);
	CHECK(ob.set.rr[2].type == DNS_TYPE_NSEC && ob.set.security == CACHE_SEC_SECURE);
	CHECK(name_equal(ob.set.rr[0].owner, N("example.com.")));

	/* without a DNSSEC side: unchecked, nothing extra */
	CHECK(put_a(c, "plain.example.com.", 1, 300, CACHE_TRUST_ANSWER_AUTH, T0) ==
	      CACHE_PUT_STORED);
	CHECK(get(c, "plain.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_HIT);
	CHECK(ob.set.n_extra == 0 && ob.set.security == CACHE_SEC_UNCHECKED);

	/* extras over 65535 bytes in all are refused, not cut */
	static uint8_t big[60000];
	struct wire_rr huge[2] = {extra[0], extra[0]};
	huge[0].rdata = huge[1].rdata = big;
	huge[0].rdlen = huge[1].rdlen = sizeof(big);
	struct cache_sec too_big = {CACHE_SEC_SECURE, 0, huge, 2, 0};
	CHECK(cache_put(c, &a, 1, &too_big, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_SKIPPED);
	cache_free(c);
}

/* A NODATA that came without an SOA lives nodata_no_soa_ttl_s, within max-negative-ttl, is
 * given back with no record, and is not kept at all with 0. */
static void test_nodata_without_soa(void)
{
	struct cache_limits l;
	cache_limits_default(&l);
	struct cache *c = cache_new(&l);
	struct cache_key k = {N("www.example.com."), DNS_TYPE_AAAA, DNS_CLASS_IN};
	CHECK(cache_put_nodata(c, &k, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) == CACHE_PUT_STORED);
	CHECK(get(c, "www.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_ANSWER, T0 + 9) == CACHE_NODATA);
	CHECK(ob.set.count == 0 && ob.set.ttl_s == 1);
	CHECK(get(c, "www.example.com.", DNS_TYPE_A, CACHE_TRUST_ANSWER, T0) == CACHE_MISS);
	CHECK(get(c, "www.example.com.", DNS_TYPE_AAAA, CACHE_TRUST_ANSWER, T0 + 10) == CACHE_MISS);
	CHECK(put_a(c, "www.example.com.", 1, 300, CACHE_TRUST_ANSWER_AUTH, T0) == CACHE_PUT_STORED);
	cache_free(c);
	l.nodata_no_soa_ttl_s = 0;
	c = cache_new(&l);
	CHECK(cache_put_nodata(c, &k, NULL, CACHE_TRUST_AUTHORITY_AUTH, T0) == CACHE_PUT_SKIPPED);
	cache_free(c);
}

int main(void)
{
	RUN(test_nodata_without_soa);
	RUN(test_hit_copies_rrset);
	RUN(test_output_feeds_wire_builder);
	RUN(test_ttl_counts_down_and_expires);
	RUN(test_clock_wraps);
	RUN(test_ttl_caps_and_floors);
	RUN(test_nxdomain);
	RUN(test_nodata);
	RUN(test_negative_needs_fitting_soa);
	RUN(test_glue_does_not_replace_answer);
	RUN(test_answer_replaces_glue);
	RUN(test_closest_cut);
	RUN(test_case_insensitive_keys);
	RUN(test_rejects_what_is_not_one_rrset);
	RUN(test_small_buffer);
	RUN(test_eviction_is_lru);
	RUN(test_expire_reclaims_memory);
	RUN(test_counters);
	RUN(test_security_and_extras);
	RUN(test_million_entries_within_bound);
	return check_done();
}
