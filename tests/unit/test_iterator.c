/* tests/unit/test_iterator.c: resolver/iterator replayed against scripted authoritative
 * servers: referrals, scrubbing, aliases, denials, server failures and every limit.
 *
 * Each case is a table of rules (replay.h) searched before the base world below: a root at
 * ROOT, com at COM, net at NET, example.com on EX1 and EX2 with www.example.com A. The checks
 * read the trace ("answer/1 referral:com. ..."), the result, the servers asked and the cache.
 * No sockets, no clock: the world's clock moves only with replies and timeouts.
 *
 * SPDX-License-Identifier: MIT
 */
#include "replay.h"

#define COM "192.0.2.10"
#define NET "192.0.2.20"
#define EX1 "198.51.100.1"
#define EX2 "198.51.100.2"
#define EX3 "198.51.100.3"
#define EXS EX1 " " EX2 " " EX3
#define WWW "198.51.100.80"
#define EVIL "203.0.113.66"

#define AA DNS_FLAG_AA
#define TC DNS_FLAG_TC
#define T_A DNS_TYPE_A
#define T_NS DNS_TYPE_NS
#define T_AAAA DNS_TYPE_AAAA

#define SOA_EX "example.com. SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300"
#define SOA_NET "net. SOA a.nic.net. hostmaster.nic.net. 1 7200 900 1209600 300"
#define EX_NS "example.com. NS ns1.example.com.\nexample.com. NS ns2.example.com."
#define EX_GLUE "ns1.example.com. A " EX1 "\nns2.example.com. A " EX2
#define WWW_A "www.example.com. A " WWW
/* The trace of priming, then asking the root and com: how most cases start. */
#define WALK "answer/1 referral:com. referral:example.com. "

static struct rule base[] = {
	{ ROOT, ".", T_NS, .flags = AA, .an = ". NS a.root-servers.net.",
	  .ar = "a.root-servers.net. A " ROOT },
	{ ROOT, "*.com.", .ns = "com. NS a.nic.com.", .ar = "a.nic.com. A " COM },
	{ ROOT, "*.net.", .ns = "net. NS a.nic.net.", .ar = "a.nic.net. A " NET },
	{ COM, "*.example.com.", .ns = EX_NS, .ar = EX_GLUE },
	{ EXS, "www.example.com.", T_A, .flags = AA, .an = WWW_A },
};

static struct world w;

static void start(struct rule *rules, size_t n)
{
	world_free(&w);
	world_init(&w, rules, n, base, LEN(base));
}

#define START(rules) start(rules, LEN(rules))
#define CHECK_TEXT(got, want) CHECKF(strcmp(got, want) == 0, "\n  got  %s\n  want %s", got, want)

/* 1. Priming, then root -> com -> example.com; the second time the cache answers. */
static void test_walk_from_root(void)
{
	start(NULL, 0);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "answer");
	CHECK(w.n_sent == 4);
	CHECK(strcmp(w.sent[0].addr, ROOT) == 0 && strcmp(w.sent[0].qname, ".") == 0 &&
	      w.sent[0].qtype == T_NS);
	CHECK(strcmp(w.sent[1].addr, ROOT) == 0 && strcmp(w.sent[2].addr, COM) == 0);
	CHECK(addr_in(EX1 " " EX2, w.sent[3].addr));
	CHECK(!w.sent[3].tcp && strcmp(w.sent[3].qname, "www.example.com.") == 0);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK(w.n_au == 0);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER_AUTH), WWW_A);
	CHECK_TEXT(cut_text(&w, "www.example.com."), "example.com.");
	CHECK_TEXT(cache_text(&w, "ns1.example.com.", T_A, CACHE_TRUST_GLUE),
		   "ns1.example.com. A " EX1);
	CHECK_TEXT(cache_text(&w, "ns1.example.com.", T_A, CACHE_TRUST_ANSWER), "miss");
	/* The priming answer's additional addresses are kept too, below answer trust. */
	CHECK_TEXT(cache_text(&w, "a.root-servers.net.", T_A, CACHE_TRUST_ADDITIONAL),
		   "a.root-servers.net. A " ROOT);
	CHECK_TEXT(cache_text(&w, "a.root-servers.net.", T_A, CACHE_TRUST_ANSWER), "miss");

	w.now_ms += 5000;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 0);
	CHECK_TEXT(trace_text(&w), "");
	CHECK_TEXT(answer_text(&w), WWW_A);
}

/* 1b. A fresh answer goes to the client with the TTL the cache gives it: capped at max-ttl
 * (one day), not the week the server said. */
static void test_ttl_cap(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .flags = AA,
		  .an = "www.example.com. 604800 A " WWW },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_an == 1 && w.an[0].ttl == 86400);
}

/* 1c. A priming answer without the root servers' addresses: the hints' addresses stay. */
static void test_priming_without_glue(void)
{
	struct rule rules[] = {
		{ ROOT, ".", T_NS, .flags = AA, .an = ". NS a.root-servers.net." },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "answer");
	CHECK_TEXT(answer_text(&w), WWW_A);
}

/* 2. example.com's server slips in records of victim.net: none is believed. */
static void test_out_of_bailiwick(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .flags = AA,
		  .an = WWW_A "\nwww.victim.net. A " EVIL,
		  .ns = EX_NS "\nvictim.net. NS ns.evil.com.",
		  .ar = "ns.evil.com. A " EVIL "\nwww.victim.net. A " EVIL },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.victim.net.", T_A, CACHE_TRUST_GLUE), "miss");
	CHECK_TEXT(cache_text(&w, "victim.net.", T_NS, CACHE_TRUST_GLUE), "miss");
	CHECK_TEXT(cache_text(&w, "ns.evil.com.", T_A, CACHE_TRUST_GLUE), "miss");
	CHECK_TEXT(cut_text(&w, "www.victim.net."), ".");
}

/* 3. com's referral carries glue for a name outside example.com: never believed nor asked;
 * the name server's address is resolved (depth 1) through net instead. */
static void test_forged_glue(void)
{
	struct rule rules[] = {
		{ COM, "*.example.com.", .ns = "example.com. NS ns.other.net.",
		  .ar = "ns.other.net. A " EVIL "\nwww.other.net. A " EVIL },
		{ NET, "*.other.net.", .ns = "other.net. NS ns.other.net.",
		  .ar = "ns.other.net. A 198.51.100.53" },
		{ "198.51.100.53", "ns.other.net.", T_A, .flags = AA,
		  .an = "ns.other.net. A 198.51.100.53" },
		{ "198.51.100.53", "www.example.com.", T_A, .flags = AA, .an = WWW_A },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "referral/1:net. "
				   "referral/1:other.net. answer/1 answer");
	CHECK(asked(&w, EVIL) == 0);
	CHECK(w.n_sent == 7 && strcmp(w.sent[4].addr, NET) == 0);
	CHECK(strcmp(w.sent[4].qname, "ns.other.net.") == 0 && w.sent[4].qtype == T_A);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "ns.other.net.", T_A, CACHE_TRUST_GLUE),
		   "ns.other.net. A 198.51.100.53");
	CHECK_TEXT(cache_text(&w, "www.other.net.", T_A, CACHE_TRUST_GLUE), "miss");
}

/* 3b. Sibling glue: the root refers com to a server named in net, with its address. The
 * root is an authority for net too, so the address is used without a look-up of its own. */
static void test_sibling_glue(void)
{
	struct rule rules[] = {
		{ ROOT, "*.com.", .ns = "com. NS a.gtld-servers.net.",
		  .ar = "a.gtld-servers.net. A " COM },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "answer");
	CHECK(w.n_sent == 4 && asked(&w, NET) == 0);
	CHECK_TEXT(cache_text(&w, "a.gtld-servers.net.", T_A, CACHE_TRUST_GLUE),
		   "a.gtld-servers.net. A " COM);
}

/* 4. sub.example.com's servers refer up (to example.com) or sideways: lame, next server;
 * all lame: SERVFAIL. */
static struct rule sub_referral[] = {
	{ EXS, "*.sub.example.com.",
	  .ns = "sub.example.com. NS ns1.sub.example.com.\n"
		"sub.example.com. NS ns2.sub.example.com.",
	  .ar = "ns1.sub.example.com. A 198.51.100.11\nns2.sub.example.com. A 198.51.100.12" },
};

static void test_lame(void)
{
	struct rule rules[] = {
		{ "198.51.100.11 198.51.100.12", "www.sub.example.com.", T_A, .times = 1,
		  .ns = EX_NS, .ar = EX_GLUE },
		{ "198.51.100.11 198.51.100.12", "www.sub.example.com.", T_A, .flags = AA,
		  .an = "www.sub.example.com. A 198.51.100.13" },
		sub_referral[0],
	};
	START(rules);
	CHECK(resolve(&w, "www.sub.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "referral:sub.example.com. lame answer");
	CHECK(w.n_sent == 6 && strcmp(w.sent[4].addr, w.sent[5].addr) != 0);
	struct sockaddr_storage lame = sa(w.sent[4].addr);
	CHECK(infra_is_lame(w.infra, (struct sockaddr *)&lame, N("sub.example.com."), w.now_ms));
	CHECK_TEXT(answer_text(&w), "www.sub.example.com. A 198.51.100.13");

	struct rule all_lame[] = {
		{ "198.51.100.11", "*.sub.example.com.", .ns = EX_NS, .ar = EX_GLUE },
		{ "198.51.100.12", "*.sub.example.com.", .ns = "org. NS a.nic.org." },
		sub_referral[0],
	};
	START(all_lame);
	CHECK(resolve(&w, "www.sub.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "referral:sub.example.com. lame lame no-server");
	CHECK(w.n_sent == 6 && w.n_an == 0);
}

/* 5. A chain of five delegations with referrals = 3: SERVFAIL after the fourth. */
static void test_referral_limit(void)
{
	struct rule rules[] = {
		{ EXS, "*.b.example.com.", .ns = "b.example.com. NS ns.b.example.com.",
		  .ar = "ns.b.example.com. A 198.51.100.21" },
		{ "198.51.100.21", "*.c.b.example.com.",
		  .ns = "c.b.example.com. NS ns.c.b.example.com.",
		  .ar = "ns.c.b.example.com. A 198.51.100.22" },
		{ "198.51.100.22", "*.d.c.b.example.com.",
		  .ns = "d.c.b.example.com. NS ns.d.c.b.example.com.",
		  .ar = "ns.d.c.b.example.com. A 198.51.100.23" },
		{ "198.51.100.23", "x.d.c.b.example.com.", T_A, .flags = AA,
		  .an = "x.d.c.b.example.com. A 198.51.100.24" },
	};
	START(rules);
	CHECK(resolve(&w, "x.d.c.b.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 7);

	START(rules);
	w.env.limits.referrals = 3;
	CHECK(resolve(&w, "x.d.c.b.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "referral:b.example.com. referral:c.b.example.com. "
				   "limit(too many referrals)");
	CHECK(w.n_sent == 5 && w.n_an == 0);
}

/* 6. a -> b -> a, in separate replies and in one: SERVFAIL at the CNAME chain limit. */
static void test_cname_loop(void)
{
	struct rule rules[] = {
		{ EXS, "a.example.com.", T_A, .flags = AA,
		  .an = "a.example.com. CNAME b.example.com." },
		{ EXS, "b.example.com.", T_A, .flags = AA,
		  .an = "b.example.com. CNAME a.example.com." },
		{ EXS, "x.example.com.", T_A, .flags = AA,
		  .an = "x.example.com. CNAME y.example.com.\n"
			"y.example.com. CNAME x.example.com." },
	};
	START(rules);
	w.env.limits.cname_chain = 5;
	CHECK(resolve(&w, "a.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "cname:b.example.com. cname:a.example.com. "
				   "limit(CNAME chain too long)");
	CHECK(w.n_sent == 5 && w.n_an == 0);

	START(rules);
	w.env.limits.cname_chain = 5;
	CHECK(resolve(&w, "x.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "cname:y.example.com. limit(CNAME chain too long)");
	CHECK(w.n_sent == 4 && w.n_an == 0);
}

/* 6b. The CNAME chain limit is exact: with cname-chain 3, a chain of three links is followed
 * and one of four is not, whether the chain comes in one reply, one link a reply, or from the
 * cache (iter_reply.c counts the first two, iterator.c the last). */
#define LINK(a, b) #a ".example.com. CNAME " #b ".example.com."
#define END(a) #a ".example.com. A " WWW
static void test_cname_chain_limit(void)
{
	struct rule rules[] = {
		{ EXS, "c0.example.com.", T_A, .flags = AA,
		  .an = LINK(c0, c1) "\n" LINK(c1, c2) "\n" LINK(c2, c3) "\n" END(c3) },
		{ EXS, "d0.example.com.", T_A, .flags = AA,
		  .an = LINK(d0, d1) "\n" LINK(d1, d2) "\n" LINK(d2, d3) "\n" LINK(d3, d4) "\n"
			END(d4) },
		{ EXS, "s0.example.com.", T_A, .flags = AA, .an = LINK(s0, s1) },
		{ EXS, "s1.example.com.", T_A, .flags = AA, .an = LINK(s1, s2) },
		{ EXS, "s2.example.com.", T_A, .flags = AA, .an = LINK(s2, s3) },
		{ EXS, "s3.example.com.", T_A, .flags = AA, .an = LINK(s3, s4) },
		{ EXS, "s4.example.com.", T_A, .flags = AA, .an = END(s4) },
	};
	START(rules);
	w.env.limits.cname_chain = 3;
	CHECK(resolve(&w, "c0.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECKF(w.n_an == 4, "%zu answers", w.n_an);
	CHECK(resolve(&w, "d0.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(w.n_an == 0);
	/* One link a reply: s1 -> s4 is three links, s0 -> s4 four. */
	CHECK(resolve(&w, "s1.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECKF(w.n_an == 4, "%zu answers", w.n_an);
	START(rules);
	w.env.limits.cname_chain = 3;
	CHECK(resolve(&w, "s0.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(w.n_an == 0);

	/* From the cache: the chains are cached (with a limit that lets the long one through),
	 * then followed again without a query. */
	START(rules);
	w.env.limits.cname_chain = 4;
	CHECK(resolve(&w, "c0.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(resolve(&w, "d0.example.com.", T_A) == DNS_RCODE_NOERROR);
	w.env.limits.cname_chain = 3;
	CHECK(resolve(&w, "c0.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECKF(w.n_an == 4 && w.n_sent == 0, "%zu answers, %u queries", w.n_an, w.n_sent);
	CHECK(resolve(&w, "d0.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECKF(w.n_an == 0 && w.n_sent == 0, "%zu answers, %u queries", w.n_an, w.n_sent);
}
#undef LINK
#undef END

/* 7. www.shop.com CNAME www.cdn.net: the walk restarts at the closest cut of the target. */
static void test_cname_other_zone(void)
{
	struct rule rules[] = {
		{ COM, "*.shop.com.", .ns = "shop.com. NS ns.shop.com.",
		  .ar = "ns.shop.com. A 198.51.100.30" },
		{ "198.51.100.30", "www.shop.com.", T_A, .flags = AA,
		  .an = "www.shop.com. CNAME www.cdn.net.\nwww.cdn.net. A " EVIL },
		{ "198.51.100.30", "web.shop.com.", T_A, .flags = AA,
		  .an = "web.shop.com. CNAME img.cdn.net." },
		{ NET, "*.cdn.net.", .ns = "cdn.net. NS ns.cdn.net.",
		  .ar = "ns.cdn.net. A 198.51.100.40" },
		{ "198.51.100.40", "www.cdn.net.", T_A, .flags = AA,
		  .an = "www.cdn.net. A 198.51.100.41" },
		{ "198.51.100.40", "img.cdn.net.", T_A, .flags = AA,
		  .an = "img.cdn.net. A 198.51.100.42" },
	};
	START(rules);
	CHECK(resolve(&w, "www.shop.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "answer/1 referral:com. referral:shop.com. cname:www.cdn.net. "
				   "referral:net. referral:cdn.net. answer");
	CHECK(w.n_sent == 7 && strcmp(w.sent[4].addr, ROOT) == 0);
	CHECK(strcmp(w.sent[4].qname, "www.cdn.net.") == 0);
	CHECK_TEXT(answer_text(&w),
		   "www.shop.com. CNAME www.cdn.net. | www.cdn.net. A 198.51.100.41");
	CHECK_TEXT(cache_text(&w, "www.cdn.net.", T_A, CACHE_TRUST_GLUE),
		   "www.cdn.net. A 198.51.100.41");

	/* Now net and cdn.net are cached: the restart goes straight to cdn.net's server. */
	CHECK(resolve(&w, "web.shop.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "cname:img.cdn.net. answer");
	CHECK(w.n_sent == 2 && strcmp(w.sent[1].addr, "198.51.100.40") == 0);
	CHECK_TEXT(answer_text(&w),
		   "web.shop.com. CNAME img.cdn.net. | img.cdn.net. A 198.51.100.42");
}

/* 8. example.com DNAME example.net: DNAME, the CNAME it stands for, then the target's A. */
static void test_dname(void)
{
	struct rule rules[] = {
		{ EXS, "a.example.com.", T_A, .flags = AA,
		  .an = "example.com. DNAME example.net.\na.example.com. CNAME a.example.net." },
		{ NET, "*.example.net.", .ns = "example.net. NS ns.example.net.",
		  .ar = "ns.example.net. A 198.51.100.50" },
		{ "198.51.100.50", "a.example.net.", T_A, .flags = AA,
		  .an = "a.example.net. A 198.51.100.51" },
	};
	START(rules);
	CHECK(resolve(&w, "a.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w),
		   WALK "cname:a.example.net. referral:net. referral:example.net. answer");
	CHECK_TEXT(answer_text(&w), "example.com. DNAME example.net. | "
				    "a.example.com. CNAME a.example.net. | "
				    "a.example.net. A 198.51.100.51");
	CHECK_TEXT(cache_text(&w, "a.example.com.", DNS_TYPE_CNAME, CACHE_TRUST_ANSWER),
		   "a.example.com. CNAME a.example.net.");
	CHECK_TEXT(cache_text(&w, "example.com.", DNS_TYPE_DNAME, CACHE_TRUST_ANSWER_AUTH),
		   "example.com. DNAME example.net.");
}

/* 9. NXDOMAIN and NODATA: the rcode, the SOA in authority, the negative cache. */
static void test_denials(void)
{
	struct rule rules[] = {
		{ EXS, "nx.example.com.", T_A, .flags = AA, .rcode = DNS_RCODE_NXDOMAIN,
		  .ns = SOA_EX },
		{ EXS, "www.example.com.", T_AAAA, .flags = AA, .ns = SOA_EX },
	};
	START(rules);
	CHECK(resolve(&w, "nx.example.com.", T_A) == DNS_RCODE_NXDOMAIN);
	CHECK_TEXT(trace_text(&w), WALK "nxdomain");
	CHECK(w.n_an == 0);
	CHECK_TEXT(authority_text(&w), SOA_EX);
	CHECK_TEXT(cache_text(&w, "nx.example.com.", T_A, CACHE_TRUST_ANSWER), "nxdomain");
	CHECK_TEXT(cache_text(&w, "nx.example.com.", T_AAAA, CACHE_TRUST_ANSWER), "nxdomain");

	CHECK(resolve(&w, "www.example.com.", T_AAAA) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "nodata");
	CHECK(w.n_an == 0 && w.n_sent == 1);
	CHECK_TEXT(authority_text(&w), SOA_EX);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_AAAA, CACHE_TRUST_ANSWER), "nodata");
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_GLUE), "miss");

	CHECK(resolve(&w, "nx.example.com.", T_A) == DNS_RCODE_NXDOMAIN);
	CHECK(w.n_sent == 0 && w.n_an == 0);
	CHECK_TEXT(authority_text(&w), SOA_EX);
}

/* 10. REFUSED, then SERVFAIL, then a good server; the refusing one is lame for the zone. */
static void test_bad_rcodes(void)
{
	struct rule rules[] = {
		{ COM, "*.example.com.", .ns = EX_NS "\nexample.com. NS ns3.example.com.",
		  .ar = EX_GLUE "\nns3.example.com. A " EX3 },
		{ EXS, "www.example.com.", T_A, .rcode = DNS_RCODE_REFUSED, .times = 1 },
		{ EXS, "www.example.com.", T_A, .rcode = DNS_RCODE_SERVFAIL, .times = 1 },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "rcode rcode answer");
	size_t n;
	const struct iter_step *s = iter_trace(w.it, &n);
	CHECK(n == 6 && s[3].rcode == DNS_RCODE_REFUSED && s[4].rcode == DNS_RCODE_SERVFAIL);
	CHECK(w.n_sent == 6 && asked(&w, EX1) == 1 && asked(&w, EX2) == 1 && asked(&w, EX3) == 1);
	CHECK_TEXT(answer_text(&w), WWW_A);
	/* The server that refused is lame for example.com; the one that failed is not. */
	struct sockaddr_storage refused = sa(w.sent[3].addr), failed = sa(w.sent[4].addr);
	CHECK(infra_is_lame(w.infra, (struct sockaddr *)&refused, N("example.com."), w.now_ms));
	CHECK(!infra_is_lame(w.infra, (struct sockaddr *)&failed, N("example.com."), w.now_ms));
}

/* 11. A timeout, then another server answers; the silent one's timeout doubled. The same
 * with a transport failure (a refused or unreachable server is put back the same way). */
static void test_timeout(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .play = TIMEOUT, .times = 1 },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "timeout answer");
	CHECK(w.n_sent == 5 && strcmp(w.sent[3].addr, w.sent[4].addr) != 0);
	CHECK(w.sent[3].timeout_ms == 400);
	struct sockaddr_storage silent = sa(w.sent[3].addr);
	CHECK(infra_rto_ms(w.infra, (struct sockaddr *)&silent) == 800);
	CHECK_TEXT(answer_text(&w), WWW_A);

	rules[0].play = FAIL; /* a transport failure: the same */
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "failed answer");
	CHECK(w.n_sent == 5 && strcmp(w.sent[3].addr, w.sent[4].addr) != 0);
	struct sockaddr_storage refused = sa(w.sent[3].addr);
	CHECK(infra_rto_ms(w.infra, (struct sockaddr *)&refused) == 800);
}

/* 12. TC=1 over UDP: the same server again over TCP, whose reply counts. */
static void test_truncated(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .flags = AA | TC, .over = UDP,
		  .an = "www.example.com. A " EVIL },
		{ EXS, "www.example.com.", T_A, .flags = AA, .over = TCP, .an = WWW_A },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "truncated answer");
	CHECK(w.n_sent == 5 && !w.sent[3].tcp && w.sent[4].tcp);
	CHECK(strcmp(w.sent[3].addr, w.sent[4].addr) == 0);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_GLUE), WWW_A);
}

/* 13. glueless = 1, two NS names without glue, the first of which does not exist. */
static void test_glueless_limit(void)
{
	struct rule rules[] = {
		{ COM, "*.example.com.",
		  .ns = "example.com. NS ns.bad.net.\nexample.com. NS ns.good.org." },
		{ NET, "*.bad.net.", .flags = AA, .rcode = DNS_RCODE_NXDOMAIN, .ns = SOA_NET },
	};
	START(rules);
	w.env.limits.glueless = 1;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "referral/1:net. "
				   "nxdomain/1 limit(too many name server look-ups) no-server");
	CHECK(w.n_sent == 5 && w.n_an == 0);
}

/* 14. With query_special off, glue at loopback or private addresses is never asked; the
 * hints' addresses are, loopback or not. */
static void test_special_addresses(void)
{
	struct rule rules[] = {
		{ COM, "*.example.com.",
		  .ns = EX_NS "\nexample.com. NS ns3.example.com.\n"
			      "example.com. NS ns4.example.com.",
		  .ar = "ns1.example.com. A 127.0.0.1\nns2.example.com. A 10.1.2.3\n"
			"ns3.example.com. A 192.168.1.1\nns4.example.com. AAAA ::1" },
	};
	START(rules);
	w.env.query_special = false;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "no-server");
	CHECK(w.n_sent == 3 && asked(&w, ROOT) == 2 && asked(&w, COM) == 1);

	struct rule loopback_root[] = {
		{ "127.0.0.1", ".", T_NS, .flags = AA, .an = ". NS a.root-servers.net.",
		  .ar = "a.root-servers.net. A 127.0.0.1" },
		{ "127.0.0.1", "*.com.", .ns = "com. NS a.nic.com.", .ar = "a.nic.com. A " COM },
	};
	START(loopback_root);
	w.env.query_special = false;
	w.hints.n = 0;
	struct sockaddr_storage lo = sa("127.0.0.1");
	hints_add(&w.hints, N("a.root-servers.net."), (struct sockaddr *)&lo);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "answer");
	CHECK(asked(&w, "127.0.0.1") == 2);
}

/* 15. The time budget: slow replies use it up; no query may outlive it. */
static void test_time_budget(void)
{
	struct rule slow[] = {
		{ ROOT, "*.com.", .ns = "com. NS a.nic.com.", .ar = "a.nic.com. A " COM,
		  .rtt_ms = 400 },
		{ COM, "*.example.com.", .ns = EX_NS, .ar = EX_GLUE, .rtt_ms = 600 },
	};
	START(slow);
	w.env.limits.budget_ms = 1000;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "limit(time budget used up)");
	CHECK(w.n_sent == 3);
	for (unsigned i = 0; i < w.n_sent; i++)
		CHECKF(w.sent[i].timeout_ms <= w.sent[i].left_ms, "query %u", i);

	struct rule silent[] = {
		{ EXS, "*.example.com.", .play = TIMEOUT },
	};
	START(silent);
	w.env.limits.budget_ms = 700;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "timeout timeout "
				   "limit(time budget used up)");
	CHECK(w.n_sent == 5 && w.sent[3].timeout_ms == 400 && w.sent[4].timeout_ms == 270);
	for (unsigned i = 0; i < w.n_sent; i++)
		CHECKF(w.sent[i].timeout_ms > 0 && w.sent[i].timeout_ms <= w.sent[i].left_ms,
		       "query %u: timeout %u, left %llu", i, w.sent[i].timeout_ms,
		       (unsigned long long)w.sent[i].left_ms);
	CHECK(w.now_ms - w.start_ms == 700);
}

/* 16. upstream = 3: the fourth query is not sent. */
static void test_upstream_limit(void)
{
	start(NULL, 0);
	w.env.limits.upstream = 3;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w), WALK "limit(too many upstream queries)");
	CHECK(w.n_sent == 3 && w.n_an == 0);
}

/* 17. A reply to another question is malformed: the next server is asked. */
static void test_mismatched_reply(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .flags = AA, .times = 1,
		  .echo = "evil.example.com.", .an = "evil.example.com. A " EVIL },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "malformed answer");
	CHECK(w.n_sent == 5 && strcmp(w.sent[3].addr, w.sent[4].addr) != 0);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "evil.example.com.", T_A, CACHE_TRUST_GLUE), "miss");
}

/* 18. Names in the replies in other cases than asked: all still match. (The builder
 * compresses an owner into the question's name ignoring case, so owners take its spelling.) */
static void test_case_insensitive(void)
{
	struct rule rules[] = {
		{ ROOT, "www.example.com.", T_A, .echo = "WWW.EXAMPLE.COM.",
		  .ns = "COM. NS A.NIC.COM.", .ar = "a.Nic.Com. A " COM },
		{ COM, "www.example.com.", T_A, .echo = "www.EXAMPLE.COM.",
		  .ns = "EXAMPLE.COM. NS NS1.EXAMPLE.COM.", .ar = "ns1.EXAMPLE.com. A " EX1 },
		{ EX1, "www.example.com.", T_A, .flags = AA, .echo = "wWw.eXaMpLe.CoM.",
		  .an = "WWW.EXAMPLE.COM. A " WWW },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "answer/1 referral:COM. referral:EXAMPLE.COM. answer");
	CHECK(w.n_sent == 4 && strcmp(w.sent[3].addr, EX1) == 0);
	CHECK_TEXT(answer_text(&w), "wWw.eXaMpLe.CoM. A " WWW);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER),
		   "wWw.eXaMpLe.CoM. A " WWW);
	CHECK_TEXT(cut_text(&w, "www.example.com."), "EXAMPLE.COM.");
}

/* 19. A zone with one server: a lost datagram is retried on the same server, its timeout
 * doubled (RFC 1035 §7.2, as Unbound and BIND do); a dead one costs three tries, then
 * SERVFAIL, all inside the budget. */
#define SHOP "198.51.100.9"
#define SHOP_REFERRAL { COM, "*.shop.com.", .ns = "shop.com. NS ns1.shop.com.", \
			.ar = "ns1.shop.com. A " SHOP }
static void test_retry_only_server(void)
{
	struct rule rules[] = {
		SHOP_REFERRAL,
		{ SHOP, "www.shop.com.", T_A, .play = TIMEOUT, .times = 1 },
		{ SHOP, "www.shop.com.", T_A, .flags = AA, .an = "www.shop.com. A " WWW },
	};
	START(rules);
	CHECK(resolve(&w, "www.shop.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "answer/1 referral:com. referral:shop.com. timeout answer");
	CHECK(w.n_sent == 5 && strcmp(w.sent[3].addr, SHOP) == 0 &&
	      strcmp(w.sent[4].addr, SHOP) == 0);
	CHECKF(w.sent[3].timeout_ms == 400 && w.sent[4].timeout_ms == 800, "%u %u",
	       w.sent[3].timeout_ms, w.sent[4].timeout_ms);
	CHECK_TEXT(answer_text(&w), "www.shop.com. A " WWW);

	struct rule dead[] = {
		SHOP_REFERRAL,
		{ SHOP, "www.shop.com.", T_A, .play = TIMEOUT },
	};
	START(dead);
	CHECK(resolve(&w, "www.shop.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK_TEXT(trace_text(&w),
		   "answer/1 referral:com. referral:shop.com. timeout timeout timeout no-server");
	CHECK(w.n_sent == 6 && w.sent[3].timeout_ms == 400 && w.sent[4].timeout_ms == 800 &&
	      w.sent[5].timeout_ms == 1600);
}

/* 20. Two servers, both silent at first: each is asked in turn before either is asked again. */
static void test_retry_alternates(void)
{
	struct rule rules[] = {
		{ EX1 " " EX2, "www.example.com.", T_A, .play = TIMEOUT, .times = 3 },
	};
	START(rules);
	w.env.limits.upstream = 48;
	struct rule *ex = &base[LEN(base) - 1];
	const char *saved = ex->addr;
	ex->addr = EX1 " " EX2;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	ex->addr = saved;
	CHECK_TEXT(trace_text(&w), WALK "timeout timeout timeout answer");
	CHECK(w.n_sent == 7);
	/* Rounds: each server once, then (in either order) each again. */
	CHECKF(strcmp(w.sent[3].addr, w.sent[4].addr) != 0 &&
	       strcmp(w.sent[5].addr, w.sent[6].addr) != 0, "%s %s %s %s", w.sent[3].addr,
	       w.sent[4].addr, w.sent[5].addr, w.sent[6].addr);
}

/* 21. 0x20: query names go out in random case, and the names of the reply come back to the
 * cache and the client in the case of the question, not the random one. */
static void test_0x20(void)
{
	start(NULL, 0);
	w.env.use_0x20 = true;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), WALK "answer");
	unsigned upper = 0;
	for (unsigned i = 0; i < w.n_sent; i++) {
		CHECK(w.sent[i].exact_case && !w.sent[i].tcp);
		for (const char *p = w.sent[i].qname; *p; p++)
			upper += *p >= 'A' && *p <= 'Z';
	}
	CHECKF(upper > 0, "no upper-case letter in %u queries", w.n_sent); /* 2^-39 to fail */
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER), WWW_A);
	CHECK_TEXT(cut_text(&w, "www.example.com."), "example.com.");
}

/* 22. A server that answers a 0x20 query in another case (lower-casing it, as some do): the
 * transport drops those replies; once the query times out the server is asked again without
 * 0x20, and is remembered as such. */
static void test_0x20_fallback(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .flags = AA, .echo = "www.example.com.",
		  .an = WWW_A },
	};
	START(rules);
	w.env.use_0x20 = true;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	/* Each step but the last may have met the case rule already: at least one fallback. */
	unsigned n = w.n_sent;
	CHECK(n >= 5 && !w.sent[n - 1].exact_case && w.sent[n - 2].exact_case &&
	      strcmp(w.sent[n - 1].addr, w.sent[n - 2].addr) == 0);
	struct sockaddr_storage ex = sa(w.sent[n - 1].addr);
	CHECK(!infra_keeps_case(w.infra, (struct sockaddr *)&ex));
	CHECK_TEXT(answer_text(&w), WWW_A);
}

/* 23. An RRset of 100 records is cached whole, not cut at some count. */
static void test_big_rrset(void)
{
	static char an[100 * 48];
	size_t len = 0;
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(an + len, sizeof(an) - len, "%sbig.example.com. A 198.51.100.%d",
					i ? "\n" : "", i + 1);
	struct rule rules[] = {
		{ EXS, "big.example.com.", T_A, .flags = AA, .an = an },
	};
	START(rules);
	CHECK(resolve(&w, "big.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECKF(w.n_an == 100, "%zu records in the answer", w.n_an);
	const char *c = cache_text(&w, "big.example.com.", T_A, CACHE_TRUST_ANSWER);
	unsigned records = 1;
	for (const char *p = strstr(c, " | "); p; p = strstr(p + 3, " | "))
		records++;
	CHECKF(records == 100, "%u records cached", records);
}

/* 24. DS belongs to the parent (RFC 4035 §3.1.4.1): with example.com's servers cached, the
 * DS of example.com is still asked of com's. */
static void test_ds_from_parent(void)
{
	struct rule rules[] = {
		{ COM, "example.com.", DNS_TYPE_DS, .flags = AA,
		  .an = "example.com. DS 12345 8 2 "
			"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF" },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(cut_text(&w, "www.example.com."), "example.com.");
	CHECK(resolve(&w, "example.com.", DNS_TYPE_DS) == DNS_RCODE_NOERROR);
	CHECKF(w.n_sent == 1 && strcmp(w.sent[0].addr, COM) == 0, "%u sent, first to %s",
	       w.n_sent, w.n_sent ? w.sent[0].addr : "-");
	CHECK(w.n_an == 1 && w.an[0].type == DNS_TYPE_DS);
}

/* ---- issue 13: what real servers send ---- */

#define NIC "192.0.2.30"
#define BAZ "198.51.100.30"
#define SOA_BAZ "baz.example. SOA ns.baz.example. hostmaster.baz.example. 1 7200 900 1209600 300"
#define FOO_A "foo.bar.baz.example. A 198.51.100.31"

/* RFC 9156's example: foo.bar.baz.example, where baz.example is a zone below example and
 * bar.baz.example an empty non-terminal in it. */
static struct rule baz_world[] = {
	{ ROOT, "*.example.", .ns = "example. NS ns1.nic.example.",
	  .ar = "ns1.nic.example. A " NIC },
	{ NIC, "*.baz.example.", .ns = "baz.example. NS ns.baz.example.",
	  .ar = "ns.baz.example. A " BAZ },
	{ BAZ, "foo.bar.baz.example.", T_A, .flags = AA, .an = FOO_A },
	{ BAZ, "*.baz.example.", .flags = AA, .ns = SOA_BAZ },
};

/* The questions of the last resolution as "addr name type", joined by " | ". */
static const char *sent_text(const struct world *ww)
{
	struct buf_out *o = text_out();
	for (unsigned i = 0; i < ww->n_sent; i++) {
		buf_printf(o, "%s%s %s ", i ? " | " : "", ww->sent[i].addr, ww->sent[i].qname);
		rdata_type_to_text(ww->sent[i].qtype, o);
	}
	return (const char *)o->p;
}

/* 25. QNAME minimisation (RFC 9156): each zone's server learns one label more than its zone;
 * relaxed mode asks type A, strict NS; the server of the last zone gets the full question. */
static void test_qmin_walk(void)
{
	start(baz_world, LEN(baz_world));
	w.env.qmin = ITER_QMIN_RELAXED;
	CHECK(resolve(&w, "foo.bar.baz.example.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(sent_text(&w), ROOT " . NS | " ROOT " example. A | " NIC " baz.example. A | " BAZ
				  " bar.baz.example. A | " BAZ " foo.bar.baz.example. A");
	CHECK_TEXT(answer_text(&w), FOO_A);
	CHECK_TEXT(trace_text(&w), "answer/1 referral:example. referral:baz.example. nodata answer");
	/* The empty non-terminal is cached as such: the next name below it skips it (RFC 9156
	 * §3 step 5). */
	CHECK_TEXT(cache_text(&w, "bar.baz.example.", T_A, CACHE_TRUST_ANSWER), "nodata");
	resolve(&w, "www.bar.baz.example.", T_A);
	CHECK_TEXT(sent_text(&w), BAZ " www.bar.baz.example. A");

	start(baz_world, LEN(baz_world));
	w.env.qmin = ITER_QMIN_STRICT;
	CHECK(resolve(&w, "foo.bar.baz.example.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(sent_text(&w), ROOT " . NS | " ROOT " example. NS | " NIC " baz.example. NS | " BAZ
				  " bar.baz.example. NS | " BAZ " foo.bar.baz.example. A");
	CHECK_TEXT(answer_text(&w), FOO_A);

	/* A DS is asked of the parent with its own name (RFC 9156 §3 step 3). */
	struct rule ds[] = {
		{ NIC, "baz.example.", DNS_TYPE_DS, .flags = AA,
		  .ns = "example. SOA ns1.nic.example. h.nic.example. 1 7200 900 1209600 300" },
	};
	struct rule world[LEN(ds) + LEN(baz_world)];
	memcpy(world, ds, sizeof(ds));
	memcpy(world + LEN(ds), baz_world, sizeof(baz_world));
	start(world, LEN(world));
	w.env.qmin = ITER_QMIN_RELAXED;
	resolve(&w, "baz.example.", DNS_TYPE_DS);
	CHECK_TEXT(sent_text(&w), ROOT " . NS | " ROOT " example. A | " NIC " baz.example. DS");
}

/* 26. A name of 26 labels costs at most ITER_QMIN_MAX_COUNT minimised queries: one label at a
 * time for the first four (example., baz.example., bar.baz.example., foo.bar.baz.example.),
 * then the 22 labels left spread over the six left (RFC 9156 §2.3). */
static void test_qmin_limit(void)
{
	const char *deep = "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.foo.bar.baz.example.";
	struct rule rules[] = {
		{ BAZ, deep, T_A, .flags = AA, .an = "*.bar.baz.example. A 198.51.100.31" },
	};
	struct rule world[LEN(rules) + LEN(baz_world)];
	memcpy(world, rules, sizeof(rules));
	memcpy(world + LEN(rules), baz_world, sizeof(baz_world));
	start(world, LEN(world));
	w.env.qmin = ITER_QMIN_RELAXED;
	resolve(&w, deep, T_A);
	CHECKF(w.n_sent - 2 <= ITER_QMIN_MAX_COUNT, "%s", sent_text(&w)); /* less priming, full */
	CHECK(strcmp(w.sent[w.n_sent - 1].qname, deep) == 0);
	CHECK(strcmp(w.sent[4].qname, "foo.bar.baz.example.") == 0);
	CHECKF(strcmp(w.sent[5].qname, "s.t.u.v.foo.bar.baz.example.") == 0, "%s", sent_text(&w));
}

/* 27. The relaxed fallbacks: a server that says NXDOMAIN for the empty non-terminal, or
 * REFUSED, SERVFAIL or FORMERR to a minimised query, is asked the full question. In strict
 * mode the NXDOMAIN stands (RFC 8020). */
static void test_qmin_fallback(void)
{
	static const unsigned rcodes[] = { DNS_RCODE_NXDOMAIN, DNS_RCODE_REFUSED,
					   DNS_RCODE_SERVFAIL, DNS_RCODE_FORMERR };
	for (size_t i = 0; i < LEN(rcodes); i++) {
		struct rule broken[] = {
			{ BAZ, "bar.baz.example.", .flags = AA, .rcode = rcodes[i], .ns = SOA_BAZ },
		};
		struct rule world[LEN(broken) + LEN(baz_world)];
		memcpy(world, broken, sizeof(broken));
		memcpy(world + LEN(broken), baz_world, sizeof(baz_world));
		start(world, LEN(world));
		w.env.qmin = ITER_QMIN_RELAXED;
		CHECKF(resolve(&w, "foo.bar.baz.example.", T_A) == DNS_RCODE_NOERROR, "rcode %u",
		       rcodes[i]);
		CHECK_TEXT(answer_text(&w), FOO_A);
		CHECK(strcmp(w.sent[w.n_sent - 1].qname, "foo.bar.baz.example.") == 0);
		CHECK(strcmp(w.sent[w.n_sent - 1].addr, BAZ) == 0);
		CHECK_TEXT(cache_text(&w, "bar.baz.example.", T_A, CACHE_TRUST_ANSWER), "miss");
		if (rcodes[i] != DNS_RCODE_NXDOMAIN)
			continue;
		start(world, LEN(world));
		w.env.qmin = ITER_QMIN_STRICT;
		CHECK(resolve(&w, "foo.bar.baz.example.", T_A) == DNS_RCODE_NXDOMAIN);
		CHECK_TEXT(authority_text(&w), SOA_BAZ);
		CHECK(asked(&w, BAZ) == 1);
	}
}

/* 28. Replies without AA, as Unbound reads them: an answer is an answer, a NODATA with the
 * zone's SOA is NODATA, and a record of another type in the answer section is dropped, not
 * taken for lameness. */
static void test_lenient_replies(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .an = WWW_A },
		{ EXS, "www.example.com.", T_AAAA, .ns = SOA_EX },
		{ EXS, "mx.example.com.", T_AAAA, .flags = AA, .an = "mx.example.com. A " WWW,
		  .ns = SOA_EX },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK(resolve(&w, "www.example.com.", T_AAAA) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "nodata");
	CHECK_TEXT(authority_text(&w), SOA_EX);
	CHECK(resolve(&w, "mx.example.com.", T_AAAA) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "nodata");
	CHECK(w.n_an == 0);
	CHECK_TEXT(cache_text(&w, "mx.example.com.", T_A, CACHE_TRUST_GLUE), "miss");
	CHECK(asked(&w, EX1) + asked(&w, EX2) == 1);
}

/* 29. A duplicate record is kept once (RFC 2181 §5), in the answer and in the cache. */
static void test_duplicate_records(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_A, .flags = AA, .an = WWW_A "\n" WWW_A },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER), WWW_A);
	/* a big RRset, duplicates scattered through it: each record once, in the order of
	 * first appearance */
	static char an[16384], want[8192];
	size_t na = 0, nw = 0;
	for (unsigned i = 0; i < 250; i++)
		na += (size_t)snprintf(an + na, sizeof(an) - na, "big.example.com. 300 IN A 10.0.%u.%u\n",
				       (i * 7) % 100 / 10, (i * 7) % 100);
	for (unsigned i = 0; i < 100; i++) /* (i * 7) % 100 takes every value once in 100 */
		nw += (size_t)snprintf(want + nw, sizeof(want) - nw, "%sbig.example.com. A 10.0.%u.%u",
				       i ? " | " : "", (i * 7) % 100 / 10, (i * 7) % 100);
	struct rule big[] = { { EXS, "big.example.com.", T_A, .flags = AA, .an = an } };
	START(big);
	CHECK(resolve(&w, "big.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_an == 100);
	CHECK_TEXT(answer_text(&w), want);
}

/* 30. A NODATA without SOA is cached for cache.nodata-no-soa-ttl (ten seconds), then asked
 * again. */
static void test_nodata_without_soa(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", T_AAAA, .flags = AA },
	};
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_AAAA) == DNS_RCODE_NOERROR);
	CHECK(w.n_an == 0 && w.n_au == 0);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_AAAA, CACHE_TRUST_ANSWER), "nodata");
	w.now_ms += 5000;
	CHECK(resolve(&w, "www.example.com.", T_AAAA) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 0 && w.n_an == 0);
	w.now_ms += 6000;
	CHECK(resolve(&w, "www.example.com.", T_AAAA) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 1);
}

/* 31. A SERVFAIL says why, for the client's EDE (RFC 8914): the zone whose servers all failed
 * (22 No Reachable Authority after replies or timeouts, 23 Network Error when none could be
 * sent to), or the limit hit (0, its name). */
static void test_failure_reason(void)
{
	struct rule rules[] = {
		{ EXS, "www.example.com.", .play = TIMEOUT },
	};
	uint16_t code = 99;
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	const char *why = iter_failure(w.it, &code);
	CHECKF(why && strcmp(why, "no server of example.com. answered") == 0, "%s", why);
	CHECK(code == ITER_EDE_NO_REACHABLE);
	rules[0].play = FAIL;
	START(rules);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	why = iter_failure(w.it, &code);
	CHECK(why && code == ITER_EDE_NETWORK_ERROR);
	START(rules);
	w.env.limits.upstream = 2;
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	why = iter_failure(w.it, &code);
	CHECKF(why && strcmp(why, "too many upstream queries") == 0 && code == ITER_EDE_OTHER, "%s",
	       why);
	start(NULL, 0);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(iter_failure(w.it, &code) == NULL);
}

/* 32. Unbound's parent-side fallback: the child's own address for its name server (cached
 * above the parent's glue) is dead; when it fails, com is asked for the delegation again and
 * its glue, which works, is used. */
static void test_parent_side_glue(void)
{
	const char *dead = "203.0.113.9";
	struct rule rules[] = {
		{ COM, "*.example.com.", .ns = "example.com. NS ns1.example.com.",
		  .ar = "ns1.example.com. A " EX1 },
		{ EX1, "ns1.example.com.", T_A, .flags = AA, .an = "ns1.example.com. A 203.0.113.9" },
		{ EX1, "ns1.example.com.", T_AAAA, .flags = AA, .ns = SOA_EX },
		{ dead, NULL, .play = TIMEOUT },
	};
	START(rules);
	CHECK(resolve(&w, "ns1.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(cache_text(&w, "ns1.example.com.", T_A, CACHE_TRUST_GLUE),
		   "ns1.example.com. A 203.0.113.9");
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECKF(asked(&w, dead) >= 1 && asked(&w, COM) == 1 && strcmp(w.sent[w.n_sent - 1].addr, EX1) == 0,
	       "%u to the dead address, %u to com", asked(&w, dead), asked(&w, COM));
}

/* ---- forward and stub zones (fwd.h) ---- */

#define FWD1 "127.0.0.53"
#define FWD2 "127.0.0.54"
#define STUB "127.0.0.60"

static struct fwd_zones fwd_forward, fwd_stub;

/* Adds zone name with the addresses of list (space-separated, port 53) to z. */
static void fwd_add(struct fwd_zones *z, const char *name, const char *list, bool first)
{
	struct fwd_zone *f = &z->z[z->n++];
	memset(f, 0, sizeof(*f));
	memcpy(f->name, N(name), name_len(N(name)));
	f->first = first;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *p = strtok(buf, " "); p; p = strtok(NULL, " "))
		f->addr[f->n_addr++] = sa(p);
}

/* A world with the forward and stub zones added by the caller after it (fwd_add). */
static void start_fwd(struct rule *rules, size_t n)
{
	start(rules, n);
	fwd_forward.n = fwd_stub.n = 0;
	w.env.forward = &fwd_forward;
	w.env.stub = &fwd_stub;
	w.env.qmin = ITER_QMIN_RELAXED;
}

/* 33. A forward zone: its names go to the forwarder with RD=1, the full question and no
 * priming; its answer (no AA) is taken and cached, a reply without one is a NODATA even with
 * NS records in it (nothing below a forward zone is iterated), and a cut cached before the
 * zone was configured is passed over. Names outside it are iterated. */
static void test_forward(void)
{
	struct rule rules[] = {
		{ FWD1, "www.example.com.", T_A, .an = WWW_A },
		{ FWD1, "ftp.example.com.", T_A, .an = "ftp.example.com. A 198.51.100.81" },
		{ FWD1, "a.sub.example.com.", T_A, .ns = "sub.example.com. NS ns.sub.example.com.",
		  .ar = "ns.sub.example.com. A " EVIL },
		{ EVIL, NULL, .play = TIMEOUT },
	};
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, "example.com.", FWD1, false);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "answer");
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, FWD1) == 0 && w.sent[0].rd && !w.sent[0].cd);
	CHECK(strcmp(w.sent[0].qname, "www.example.com.") == 0 && w.sent[0].qtype == T_A);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER_AUTH), "miss");

	CHECK(resolve(&w, "a.sub.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "nodata");
	CHECK(w.n_sent == 1 && asked(&w, EVIL) == 0 && w.n_an == 0);

	/* An alias out of the zone: the forwarder's word for the target is not taken, the
	 * target is resolved where it lies. */
	struct rule alias[] = {
		{ FWD1, "www.example.com.", T_A,
		  .an = "www.example.com. CNAME www.example.net.\nwww.example.net. A " EVIL },
		{ NET, "www.example.net.", T_A, .flags = AA, .an = "www.example.net. A " WWW },
	};
	start_fwd(alias, LEN(alias));
	w.env.qmin = ITER_QMIN_OFF;
	fwd_add(&fwd_forward, "example.com.", FWD1, false);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(answer_text(&w), "www.example.com. CNAME www.example.net. | www.example.net. A " WWW);
	CHECK_TEXT(cache_text(&w, "www.example.net.", T_A, CACHE_TRUST_GLUE), "www.example.net. A " WWW);

	/* Outside the zone: iterated, RD=0. */
	struct rule outside[] = {
		{ NET, "www.example.net.", T_A, .flags = AA, .an = "www.example.net. A " WWW },
	};
	start_fwd(outside, LEN(outside));
	w.env.qmin = ITER_QMIN_OFF;
	fwd_add(&fwd_forward, "example.com.", FWD1, false);
	CHECK(resolve(&w, "www.example.net.", T_A) == DNS_RCODE_NOERROR);
	CHECK(asked(&w, FWD1) == 0 && !w.sent[w.n_sent - 1].rd);

	/* A cut cached by iteration, then the zone configured: the forwarder is asked. */
	start_fwd(rules, LEN(rules));
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(asked(&w, FWD1) == 0);
	fwd_add(&fwd_forward, "com.", FWD1, false);
	CHECK(resolve(&w, "ftp.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, FWD1) == 0);
	CHECK_TEXT(answer_text(&w), "ftp.example.com. A 198.51.100.81");
}

/* 34. Forwarders tried in turn: one failing, the other answers. All failing: SERVFAIL, with
 * EDE 22 (No Reachable Authority) after timeouts and 23 (Network Error) when none could be
 * sent to; with first set, normal iteration instead, each forwarder asked once, and a
 * forwarder's SERVFAIL or REFUSED counts as a failure. */
static void test_forward_first(void)
{
	struct rule rules[] = {
		{ FWD1, NULL, .play = TIMEOUT },
		{ FWD2, NULL, .play = TIMEOUT },
	};
	uint16_t code = 99;
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1 " " FWD2, false);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(iter_failure(w.it, &code) != NULL && code == ITER_EDE_NO_REACHABLE);
	CHECK(asked(&w, FWD1) == 3 && asked(&w, FWD2) == 3 && asked(&w, ROOT) == 0);
	/* Down after those tries (infra): SERVFAIL at once, and the silent forwarders are still
	 * what the EDE names. */
	for (int k = 0; k < 2; k++) {
		CHECK(resolve(&w, k ? "a.example.com." : "b.example.com.", T_A) == DNS_RCODE_SERVFAIL);
		const char *why = iter_failure(w.it, &code);
		CHECKF(why && code == ITER_EDE_NO_REACHABLE && strstr(why, "no server of ."),
		       "EDE %u: %s", code, why ? why : "none");
	}

	rules[0].play = rules[1].play = FAIL;
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1 " " FWD2, false);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(iter_failure(w.it, &code) != NULL && code == ITER_EDE_NETWORK_ERROR);

	rules[0].play = rules[1].play = TIMEOUT;
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1 " " FWD2, true);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "timeout timeout no-server " WALK "answer");
	CHECK(asked(&w, FWD1) == 1 && asked(&w, FWD2) == 1);
	CHECK_TEXT(answer_text(&w), WWW_A);

	struct rule errors[] = {
		{ FWD1, NULL, .rcode = DNS_RCODE_SERVFAIL },
		{ FWD2, NULL, .rcode = DNS_RCODE_REFUSED },
	};
	start_fwd(errors, LEN(errors));
	fwd_add(&fwd_forward, "com.", FWD1 " " FWD2, true);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "rcode rcode no-server " WALK "answer");

	/* A forwarder's REFUSED is of that question (a policy of its own): it stays in use. */
	struct rule policy[] = {
		{ FWD1, "bad.example.com.", T_A, .rcode = DNS_RCODE_REFUSED },
		{ FWD1, "www.example.com.", T_A, .an = WWW_A },
	};
	start_fwd(policy, LEN(policy));
	fwd_add(&fwd_forward, ".", FWD1, false);
	CHECK(resolve(&w, "bad.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);

	/* One forwarder dead, the other answers: no fallback. */
	struct rule one[] = {
		{ FWD1, NULL, .play = TIMEOUT },
		{ FWD2, "www.example.com.", T_A, .an = WWW_A },
	};
	start_fwd(one, LEN(one));
	fwd_add(&fwd_forward, ".", FWD1 " " FWD2, true);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(asked(&w, FWD2) == 1 && asked(&w, ROOT) == 0);
}

/* 34b. A dead forwarder is remembered across questions (infra's down state): with first
 * set, each question pays one timeout, 0.4, 0.8, 1.6, 3.2 s, until one sent at 5 s (the
 * maximum) times out too; the ones after it none (iterated at once). It comes back, and its
 * probe, one per INFRA_PROBE_MS, finds it: used again. Without first, once it is down,
 * SERVFAIL with EDE 22 at once. */
static void test_forwarder_down(void)
{
	struct rule rules[] = {
		{ FWD1, NULL, .play = TIMEOUT },
		{ EXS, "*.example.com.", .flags = AA, .rcode = DNS_RCODE_NXDOMAIN, .ns = SOA_EX },
	};
	char name[32];
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1, true);
	for (int i = 0; i < 5 + 5; i++) {
		snprintf(name, sizeof(name), "q%d.example.com.", i);
		uint64_t t0 = w.now_ms;
		CHECK(resolve(&w, name, T_A) == DNS_RCODE_NXDOMAIN);
		bool paid = i < 5;
		CHECKF(asked(&w, FWD1) == paid && (w.now_ms - t0 >= 400) == paid,
		       "question %d: %u to the forwarder, %llu ms", i, asked(&w, FWD1),
		       (unsigned long long)(w.now_ms - t0));
	}
	/* It answers again; not asked before its probe is due, then used. */
	rules[0].play = REPLY;
	rules[0].rcode = DNS_RCODE_NXDOMAIN;
	rules[0].ns = SOA_EX;
	CHECK(resolve(&w, "early.example.com.", T_A) == DNS_RCODE_NXDOMAIN);
	CHECK(asked(&w, FWD1) == 0);
	w.now_ms += INFRA_PROBE_MS;
	for (int i = 0; i < 2; i++) {
		CHECK(resolve(&w, i ? "after.example.com." : "probe.example.com.", T_A) ==
		      DNS_RCODE_NXDOMAIN);
		CHECKF(asked(&w, FWD1) == 1 && w.n_sent == 1, "%u to the forwarder of %u",
		       asked(&w, FWD1), w.n_sent);
	}

	/* A forwarder that refuses (port unreachable) costs no time: never down, asked each time. */
	rules[0].play = FAIL;
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1, true);
	unsigned refused = 0;
	for (int i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "r%d.example.com.", i);
		CHECK(resolve(&w, name, T_A) == DNS_RCODE_NXDOMAIN);
		refused += asked(&w, FWD1);
	}
	CHECKF(refused == 8, "asked %u times of 8", refused);

	uint16_t code = 0;
	rules[0].play = TIMEOUT;
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1, false);
	unsigned tries = 0;
	for (int i = 0; i < 2; i++) { /* 0.4, 0.8, 1.6 s; then 3.2 and 5 s */
		snprintf(name, sizeof(name), "q%d.example.com.", i);
		CHECK(resolve(&w, name, T_A) == DNS_RCODE_SERVFAIL);
		tries += asked(&w, FWD1);
	}
	CHECKF(tries == 5, "%u tries", tries);
	uint64_t t0 = w.now_ms;
	CHECK(resolve(&w, "q2.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(w.n_sent == 0 && w.now_ms == t0);
	const char *why = iter_failure(w.it, &code);
	CHECKF(why && code == ITER_EDE_NO_REACHABLE, "EDE %u: %s", code, why ? why : "none");
}

/* 35. A stub zone: com's delegation of example.com is wrong (NXDOMAIN), the stub server is
 * asked instead, RD=0, without priming; a delegation it gives below is followed; one cached
 * at the stub's own name is passed over. With first set, a dead stub server falls back to
 * iteration; without, SERVFAIL. */
static void test_stub(void)
{
	struct rule rules[] = {
		{ STUB, "www.example.com.", T_A, .flags = AA, .an = WWW_A },
		{ STUB, "*.sub.example.com.", .ns = "sub.example.com. NS ns.sub.example.com.",
		  .ar = "ns.sub.example.com. A 198.51.100.11" },
		{ "198.51.100.11", "a.sub.example.com.", T_A, .flags = AA,
		  .an = "a.sub.example.com. A 198.51.100.12" },
		{ "198.51.100.11", "b.sub.example.com.", T_A, .flags = AA,
		  .an = "b.sub.example.com. A 198.51.100.12" },
		{ COM, "*.example.com.", .flags = AA, .rcode = DNS_RCODE_NXDOMAIN,
		  .ns = "com. SOA a.nic.com. h.nic.com. 1 7200 900 1209600 300" },
	};
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_stub, "example.com.", STUB, false);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "answer");
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, STUB) == 0 && !w.sent[0].rd);
	CHECK_TEXT(answer_text(&w), WWW_A);
	CHECK_TEXT(cache_text(&w, "www.example.com.", T_A, CACHE_TRUST_ANSWER_AUTH), WWW_A);
	CHECK(resolve(&w, "a.sub.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "referral:sub.example.com. answer");
	CHECK(w.n_sent == 2 && strcmp(w.sent[1].addr, "198.51.100.11") == 0);
	CHECK(resolve(&w, "b.sub.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, "198.51.100.11") == 0);

	/* Without the stub the wrong delegation is what one gets. */
	start_fwd(rules, LEN(rules));
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NXDOMAIN);

	/* A cut cached at the stub's name, then the stub configured. */
	start_fwd(rules + 1, 3);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(asked(&w, STUB) == 0);
	fwd_add(&fwd_stub, "example.com.", STUB, false);
	CHECK(resolve(&w, "a.sub.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(asked(&w, STUB) == 1 && asked(&w, EX1) + asked(&w, EX2) == 0);

	struct rule dead[] = {
		{ STUB, NULL, .play = TIMEOUT },
	};
	start_fwd(dead, LEN(dead));
	fwd_add(&fwd_stub, "example.com.", STUB, true);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "timeout no-server " WALK "answer");
	CHECK(asked(&w, STUB) == 1);
	start_fwd(dead, LEN(dead));
	fwd_add(&fwd_stub, "example.com.", STUB, false);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_SERVFAIL);
	CHECK(asked(&w, STUB) == 3 && asked(&w, ROOT) == 0);
}

/* 36. The most specific zone wins, whichever its kind: "." forwarded, example.com a stub,
 * sub.example.com forwarded elsewhere. */
static void test_fwd_most_specific(void)
{
	struct rule rules[] = {
		{ FWD1, "www.example.net.", T_A, .an = "www.example.net. A " WWW },
		{ STUB, "www.example.com.", T_A, .flags = AA, .an = WWW_A },
		{ FWD2, "a.sub.example.com.", T_A, .an = "a.sub.example.com. A " WWW },
	};
	start_fwd(rules, LEN(rules));
	fwd_add(&fwd_forward, ".", FWD1, false);
	fwd_add(&fwd_forward, "sub.example.com.", FWD2, false);
	fwd_add(&fwd_stub, "example.com.", STUB, false);
	CHECK(resolve(&w, "www.example.net.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, FWD1) == 0 && w.sent[0].rd);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, STUB) == 0 && !w.sent[0].rd);
	CHECK(resolve(&w, "a.sub.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK(w.n_sent == 1 && strcmp(w.sent[0].addr, FWD2) == 0 && w.sent[0].rd);

	/* A stub zone with first whose server is dead: the next zone above it (".", forwarded)
	 * takes over, as if the stub were not configured. */
	struct rule dead_stub[] = {
		{ STUB, NULL, .play = TIMEOUT },
		{ FWD1, "www.example.com.", T_A, .an = WWW_A },
	};
	start_fwd(dead_stub, LEN(dead_stub));
	fwd_add(&fwd_forward, ".", FWD1, false);
	fwd_add(&fwd_stub, "example.com.", STUB, true);
	CHECK(resolve(&w, "www.example.com.", T_A) == DNS_RCODE_NOERROR);
	CHECK_TEXT(trace_text(&w), "timeout no-server answer");
	CHECK(asked(&w, ROOT) == 0 && asked(&w, FWD1) == 1);
}

int main(void)
{
	RUN(test_forward);
	RUN(test_forward_first);
	RUN(test_forwarder_down);
	RUN(test_stub);
	RUN(test_fwd_most_specific);
	RUN(test_parent_side_glue);
	RUN(test_failure_reason);
	RUN(test_qmin_walk);
	RUN(test_qmin_limit);
	RUN(test_qmin_fallback);
	RUN(test_lenient_replies);
	RUN(test_duplicate_records);
	RUN(test_nodata_without_soa);
	RUN(test_walk_from_root);
	RUN(test_retry_only_server);
	RUN(test_retry_alternates);
	RUN(test_0x20);
	RUN(test_0x20_fallback);
	RUN(test_big_rrset);
	RUN(test_ds_from_parent);
	RUN(test_out_of_bailiwick);
	RUN(test_ttl_cap);
	RUN(test_priming_without_glue);
	RUN(test_forged_glue);
	RUN(test_sibling_glue);
	RUN(test_lame);
	RUN(test_referral_limit);
	RUN(test_cname_loop);
	RUN(test_cname_chain_limit);
	RUN(test_cname_other_zone);
	RUN(test_dname);
	RUN(test_denials);
	RUN(test_bad_rcodes);
	RUN(test_timeout);
	RUN(test_truncated);
	RUN(test_glueless_limit);
	RUN(test_special_addresses);
	RUN(test_time_budget);
	RUN(test_upstream_limit);
	RUN(test_mismatched_reply);
	RUN(test_case_insensitive);
	world_free(&w);
	return check_done();
}
