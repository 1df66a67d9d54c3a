/* tests/unit/test_dnssec.c: validation through the iterator, on the signed toy internet.
 *
 * The iterator resolves against the toy internet of zones/map.yaml in-process: each query it
 * sends is answered by the authoritative engine (resolver/auth) as the server at that address
 * would answer it, with no socket and a clock of the test's own, and the real time is chosen
 * by the test. The trust anchor is conf/toy-root.anchor. Every hard case of zones/README.md
 * ("The signed toy internet") gets the verdict its line names, from a cold cache and again
 * from the warm one (the hit carries the verdict stored with the entry); a forged answer in a
 * signed zone is refused; the verdicts follow the clock (signatures of the toy zones run from
 * 2026 to 2060); the limits end validation.
 *
 * Run from the top of the tree (tests/run does), where zones/ and conf/ are.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "auth.h"
#include "cache.h"
#include "check.h"
#include "config.h"
#include "dns.h"
#include "hints.h"
#include "infra.h"
#include "iterator.h"
#include "name.h"
#include "name_text.h"
#include "rdata.h"
#include "val_anchor.h"
#include "wire.h"

#define T0_MS 1000000u
#define WALL_2030 1893456000u /* 2030-01-01: inside the toy signatures' validity */
#define WALL_2061 2871763200u /* 2061-01-01: after it */
#define WALL_2025 1735689600u /* 2025-01-01: before it */
#define MAX_ROUNDS 200
#define ITER_BOGUS_RETRIES_TEST 2 /* as ITER_BOGUS_RETRIES of iter_priv.h */

static struct auth *toy;
static struct hints hints;
static struct val_anchors anchors;

struct world {
	struct cache *cache;
	struct infra *infra;
	struct iter_dnssec dnssec;
	struct iter_env env;
	unsigned sent;               /* queries of the last resolution */
	/* the last resolution */
	struct arena *a;
	struct iter *it;
	unsigned rcode;
	enum val_state sec;
	enum val_reason reason;
	const struct wire_rr *an, *au;
	size_t n_an, n_au;
	const uint8_t *forge_name; /* replies for this name get their first A record's last
				      octet changed, as a forger's would differ */
	unsigned forge_left;       /* that many of them (a forger that wins the race) */
	bool strip_proofs;         /* every reply loses its NSEC and NSEC3 records (and their
				      RRSIGs), as a man in the middle could take them out */
	/* forwarding: every question to the forwarder at FWD, a resolver of its own */
	struct world *fwd;         /* the forwarder, or NULL */
	struct fwd_zones zones;    /* "." forwarded to FWD */
	const uint8_t *strip_sigs; /* the forwarder's replies lose the RRSIGs owned by this */
	unsigned forwarded;        /* queries to the forwarder, each with RD=1 and CD=1 */
	unsigned not_forwarded;    /* queries to anyone else */
};

#define FWD "127.0.0.99"

static void resolve(struct world *w, const char *name, uint16_t type, uint32_t wall_s);

static bool is_proof(const struct wire_rr *rr)
{
	uint16_t covered = rr->rdlen >= 2 ? (uint16_t)(rr->rdata[0] << 8 | rr->rdata[1]) : 0;
	uint16_t t = rr->type == DNS_TYPE_RRSIG ? covered : rr->type;
	return t == DNS_TYPE_NSEC || t == DNS_TYPE_NSEC3;
}

/* The reply in out without its NSEC and NSEC3 records; its length. */
static size_t strip_proofs(uint8_t *out, size_t len, size_t cap)
{
	struct arena *a = arena_new();
	struct wire_msg m;
	if (!a || wire_parse(out, len, a, &m) != ERR_OK) {
		arena_free(a);
		return len;
	}
	static uint8_t copy[65536];
	struct wire_builder b;
	wire_build_init(&b, copy, sizeof(copy), m.id, m.flags);
	wire_build_question(&b, m.q.name, m.q.type, m.q.rclass);
	for (int sec = 0; sec < 3; sec++)
		for (uint16_t i = 0; i < m.n[sec]; i++)
			if (!is_proof(&m.rr[sec][i]))
				wire_build_rr(&b, (enum wire_section)sec, &m.rr[sec][i]);
	if (m.edns.present)
		wire_build_edns(&b, m.edns.udp_size, 0, m.edns.flags, NULL, 0);
	size_t n = wire_build_finish(&b);
	arena_free(a);
	if (n > cap)
		return len;
	memcpy(out, copy, n);
	return n;
}

static void world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	struct cache_limits l;
	cache_limits_default(&l);
	l.size_bytes = 4u << 20;
	w->cache = cache_new(&l);
	w->infra = infra_new(400);
	CHECK(w->cache && w->infra);
	w->dnssec.anchors = &anchors;
	val_limits_default(&w->dnssec.limits);
	w->dnssec.bogus_ttl_s = 60;
	w->env = (struct iter_env){ .cache = w->cache,
				    .infra = w->infra,
				    .hints = &hints,
				    .limits = { 16, 12, 100, 10, 10000 },
				    .upstream_port = 53,
				    .edns_size = 1232,
				    .query_special = true,
				    .dnssec = &w->dnssec };
}

static void world_free(struct world *w)
{
	if (w->fwd) {
		world_free(w->fwd);
		free(w->fwd);
	}
	arena_free(w->a);
	cache_free(w->cache);
	infra_free(w->infra);
}

static bool is_fwd(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	return ss->ss_family == AF_INET && in->sin_addr.s_addr == inet_addr(FWD);
}

/* Puts the records of l[0..n) into section s, but the RRSIGs owned by strip. */
static void put_rrs(struct wire_builder *b, enum wire_section s, const struct wire_rr *l,
		    size_t n, const uint8_t *strip)
{
	for (size_t i = 0; i < n; i++)
		if (!strip || l[i].type != DNS_TYPE_RRSIG || !name_equal(l[i].owner, strip))
			wire_build_rr(b, s, &l[i]);
}

/* The forwarder answers act's query: it resolves the question itself (its cache kept from one
 * question to the next), and replies with what it found, RRSIGs and proofs included. */
static size_t forward_answer(struct world *w, const struct iter_action *act, uint8_t *out,
			     size_t cap)
{
	struct arena *a = arena_new();
	struct wire_msg q;
	size_t len = 0;
	if (!a || wire_parse(act->query, act->query_len, a, &q) != ERR_OK) {
		arena_free(a);
		return 0;
	}
	w->forwarded += (q.flags & DNS_FLAG_RD) && (q.flags & DNS_FLAG_CD);
	char name[NAME_MAX_TEXT];
	struct buf_out o;
	buf_out_init(&o, (uint8_t *)name, sizeof(name) - 1);
	name_to_text(q.q.name, &o);
	name[o.len] = 0;
	resolve(w->fwd, name, q.q.type, WALL_2030);
	struct wire_builder b;
	wire_build_init(&b, out, cap, q.id,
			(uint16_t)(DNS_FLAG_QR | DNS_FLAG_RD | DNS_FLAG_RA | DNS_FLAG_CD |
				   w->fwd->rcode));
	wire_build_question(&b, q.q.name, q.q.type, q.q.rclass);
	put_rrs(&b, WIRE_ANSWER, w->fwd->an, w->fwd->n_an, w->strip_sigs);
	put_rrs(&b, WIRE_AUTHORITY, w->fwd->au, w->fwd->n_au, w->strip_sigs);
	wire_build_edns(&b, 1232, 0, DNS_EDNS_FLAG_DO, NULL, 0);
	len = wire_build_finish(&b);
	arena_free(a);
	return len;
}

/* The toy server at act->addr answers act's query. */
static size_t answer(struct world *w, const struct iter_action *act, uint8_t *out, size_t cap)
{
	struct wire_query q;
	if (w->fwd && is_fwd(&act->addr))
		return forward_answer(w, act, out, cap);
	w->not_forwarded++;
	if (wire_parse_query(act->query, act->query_len, &q) != ERR_OK)
		return 0;
	size_t len = auth_answer(toy, (const struct sockaddr *)&act->addr, &q, act->query,
				 act->query_len, act->tcp ? 65535 : auth_udp_limit(&q), out, cap);
	if (w->strip_proofs && len)
		len = strip_proofs(out, len, cap);
	if (!w->forge_name || !name_equal(q.q.name, w->forge_name) || q.q.type != DNS_TYPE_A ||
	    w->forge_left == 0)
		return len;
	/* Find the answer's A record by parsing, then its 4 bytes in the packet. */
	struct arena *a = arena_new();
	struct wire_msg m;
	if (a && wire_parse(out, len, a, &m) == ERR_OK && m.n[WIRE_ANSWER] > 0) {
		for (uint16_t i = 0; i < m.n[WIRE_ANSWER]; i++) {
			const struct wire_rr *rr = &m.rr[WIRE_ANSWER][i];
			if (rr->type != DNS_TYPE_A)
				continue;
			/* the same 4 bytes in the packet: search for them after the question */
			for (size_t k = DNS_HEADER_SIZE; k + 4 <= len; k++)
				if (memcmp(out + k, rr->rdata, 4) == 0) {
					out[k + 3] ^= 0x55;
					w->forge_left--;
					break;
				}
			break;
		}
	}
	arena_free(a);
	return len;
}

/* Resolves name/type at wall time wall_s; the result goes into w. */
static void resolve(struct world *w, const char *name, uint16_t type, uint32_t wall_s)
{
	static uint8_t reply[65536];
	arena_free(w->a);
	w->a = arena_new();
	uint64_t now = T0_MS;
	w->it = iter_new(w->a, &w->env, N(name), type, DNS_CLASS_IN, now, wall_s);
	CHECK(w->it != NULL);
	if (!w->it)
		return;
	struct iter_action act;
	w->sent = 0;
	iter_start(w->it, now, &act);
	for (unsigned r = 0; act.kind == ITER_SEND && r < MAX_ROUNDS; r++) {
		w->sent++;
		now += 5;
		size_t len = answer(w, &act, reply, sizeof(reply));
		if (len)
			iter_reply(w->it, reply, len, 5, now, &act);
		else
			iter_timeout(w->it, 5, now, &act);
	}
	CHECKF(act.kind == ITER_DONE, "%s: the resolution ends", name);
	w->rcode = iter_result(w->it, &w->an, &w->n_an, &w->au, &w->n_au);
	const uint8_t *zone;
	w->sec = iter_security(w->it, &w->reason, &zone);
}

static unsigned count_type(const struct wire_rr *rr, size_t n, uint16_t type)
{
	unsigned k = 0;
	for (size_t i = 0; i < n; i++)
		k += rr[i].type == type;
	return k;
}

struct verdict {
	const char *name;
	uint16_t type;
	unsigned rcode;
	enum val_state sec;
	enum val_reason reason; /* checked for bogus ones */
	const char *what;
};

/* The hard cases of zones/README.md, "The signed toy internet". */
static const struct verdict cases[] = {
	{ "www.ed25519.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "the secure chain . (8) -> dnssec (13) -> ed25519.dnssec (15)" },
	{ "nope.ed25519.dnssec.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, VAL_SECURE, VAL_R_OK,
	  "NXDOMAIN under NSEC" },
	{ "www.ed25519.dnssec.", DNS_TYPE_MX, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "NODATA under NSEC" },
	{ "x.wild.ed25519.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "a wildcard expansion under NSEC" },
	{ "x.wild.ed25519.dnssec.", DNS_TYPE_MX, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "a wildcard NODATA under NSEC" },
	{ "x.wild.secure.optout.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "a wildcard expansion under NSEC3" },
	{ "x.wild.secure.optout.", DNS_TYPE_MX, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "a wildcard NODATA under NSEC3" },
	{ "www.insecure.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_INSECURE, VAL_R_OK,
	  "an insecure delegation (no DS, NSEC proof)" },
	{ "www.badsig.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_BOGUS, VAL_R_SIG_INVALID,
	  "a bad signature" },
	{ "www.expired.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_BOGUS, VAL_R_SIG_EXPIRED,
	  "expired signatures" },
	{ "www.dsmismatch.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_BOGUS, VAL_R_DS_MISMATCH,
	  "a DS that matches no DNSKEY" },
	{ "www.rsasha1.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_INSECURE, VAL_R_OK,
	  "signed only with RSASHA1" },
	{ "www.rollover.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "a KSK rollover: two KSKs, two DS" },
	{ "www.iter200.dnssec.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "an answer in an NSEC3 zone of 200 iterations" },
	{ "nx.iter200.dnssec.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, VAL_INSECURE, VAL_R_OK,
	  "NSEC3 of 200 iterations: the denial is insecure" },
	{ "www.secure.optout.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_SECURE, VAL_R_OK,
	  "a signed delegation under an NSEC3 opt-out TLD" },
	{ "www.insecure.optout.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_INSECURE, VAL_R_OK,
	  "an unsigned delegation in an opt-out span" },
	{ "www.example.com.", DNS_TYPE_A, DNS_RCODE_NOERROR, VAL_INSECURE, VAL_R_OK,
	  "the unsigned toy internet below the signed root" },
};

static void check_case(struct world *w, const struct verdict *c, const char *when)
{
	CHECKF(w->rcode == c->rcode, "%s (%s): rcode %u, want %u", c->what, when, w->rcode,
	       c->rcode);
	CHECKF(w->sec == c->sec, "%s (%s): state %d, want %d (%s)", c->what, when, w->sec,
	       c->sec, val_reason_str(w->reason));
	if (c->sec == VAL_BOGUS)
		CHECKF(w->reason == c->reason, "%s (%s): reason %s, want %s", c->what, when,
		       val_reason_str(w->reason), val_reason_str(c->reason));
}

static void test_cases_cold_and_warm(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct world w;
		world_init(&w);
		resolve(&w, cases[i].name, cases[i].type, WALL_2030);
		check_case(&w, &cases[i], "cold cache");
		unsigned cold = w.sent;
		resolve(&w, cases[i].name, cases[i].type, WALL_2030);
		check_case(&w, &cases[i], "from the cache");
		CHECKF(w.sent == 0, "%s: answered from the cache (%u queries, %u cold)",
		       cases[i].what, w.sent, cold);
		world_free(&w);
	}
}

/* All the cases in one cache, in turn: what one zone's chain leaves cached serves the next. */
static void test_cases_one_cache(void)
{
	struct world w;
	world_init(&w);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resolve(&w, cases[i].name, cases[i].type, WALL_2030);
		check_case(&w, &cases[i], "shared cache");
	}
	world_free(&w);
}

/* With DO, the client gets the RRSIGs; the proof of a denial travels with it. */
static void test_records_for_do(void)
{
	struct world w;
	world_init(&w);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(count_type(w.an, w.n_an, DNS_TYPE_A) == 1);
	CHECK(count_type(w.an, w.n_an, DNS_TYPE_RRSIG) == 1);
	struct wire_rr plain[8];
	CHECK(w.n_an <= 8 && iter_strip_dnssec(w.an, w.n_an, DNS_TYPE_A, true, plain) == 1);
	resolve(&w, "nope.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(count_type(w.au, w.n_au, DNS_TYPE_SOA) == 1);
	CHECK(count_type(w.au, w.n_au, DNS_TYPE_NSEC) >= 1);
	CHECK(count_type(w.au, w.n_au, DNS_TYPE_RRSIG) >= 2);
	resolve(&w, "x.wild.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(count_type(w.au, w.n_au, DNS_TYPE_NSEC) == 1); /* the expansion's proof */
	/* and again from the cache */
	resolve(&w, "x.wild.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sec == VAL_SECURE && count_type(w.au, w.n_au, DNS_TYPE_NSEC) == 1);
	CHECK(count_type(w.an, w.n_an, DNS_TYPE_RRSIG) == 1);
	world_free(&w);
}

/* A forged answer in a signed zone never reaches the client: a forger that wins the race once
 * or twice costs a query each (the question is asked again); one that wins every time leaves
 * the answer bogus; and a secure entry is not replaced by a forged one. */
static void test_forged_answer(void)
{
	struct world w;
	world_init(&w);
	w.forge_name = N("www.ed25519.dnssec.");
	w.forge_left = 2;
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sec == VAL_SECURE && w.n_an >= 1 && w.an[0].rdata[3] == 141);
	CHECK(w.forge_left == 0);
	world_free(&w);
	world_init(&w);
	w.forge_name = N("www.ed25519.dnssec.");
	w.forge_left = 100;
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sec == VAL_BOGUS && w.reason == VAL_R_SIG_INVALID);
	CHECKF(w.forge_left == 100 - 1 - ITER_BOGUS_RETRIES_TEST, "%u forged replies",
	       100 - w.forge_left);
	/* the genuine answer, once the forger is gone, is secure (the bogus entry expires
	 * after bogus-ttl; a fresh world stands for that) */
	world_free(&w);
	world_init(&w);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sec == VAL_SECURE);
	w.forge_name = N("www.ed25519.dnssec.");
	w.forge_left = 100;
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sec == VAL_SECURE && w.sent == 0); /* the cached secure answer stands */
	world_free(&w);
}

/* Signature times are judged against the clock given: after the toy signatures expire
 * everything signed is bogus (expired), before they begin it is not yet valid. */
static void test_clock(void)
{
	struct world w;
	world_init(&w);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2061);
	CHECK(w.sec == VAL_BOGUS && w.reason == VAL_R_SIG_EXPIRED);
	world_free(&w);
	world_init(&w);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2025);
	CHECK(w.sec == VAL_BOGUS && w.reason == VAL_R_SIG_NOT_YET);
	world_free(&w);
}

/* Below a negative trust anchor, the bad signature is not looked at: insecure. */
static void test_negative_anchor(void)
{
	struct val_anchors a = anchors;
	a.file = NULL;
	CHECK(val_anchors_add_negative(&a, N("badsig.dnssec.")));
	struct world w;
	world_init(&w);
	w.dnssec.anchors = &a;
	resolve(&w, "www.badsig.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.rcode == DNS_RCODE_NOERROR && w.sec == VAL_INSECURE);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sec == VAL_SECURE);
	world_free(&w);
}

/* A resolution's signature checks are bounded: too few for the chain ends it bogus with the
 * limit named. */
static void test_signature_budget(void)
{
	struct world w;
	world_init(&w);
	w.dnssec.limits.sig_checks = 2; /* the root's DNSKEY set and one more */
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECKF(w.sec == VAL_BOGUS && w.reason == VAL_R_LIMIT_SIGS, "state %d: %s", w.sec,
	       val_reason_str(w.reason));
	world_free(&w);
}

/* Without an anchor nothing is validated: the answers are unchecked, never bogus. */
static void test_no_anchor(void)
{
	struct val_anchors none;
	memset(&none, 0, sizeof(none));
	struct world w;
	world_init(&w);
	w.dnssec.anchors = &none;
	resolve(&w, "www.badsig.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.rcode == DNS_RCODE_NOERROR && w.sec == VAL_INDETERMINATE);
	world_free(&w);
}

/* An entry cached unchecked (an NS address the iterator looked up for itself, or a forger's
 * record learnt that way) does not answer a validating question under an anchor: it is asked
 * again, validated, and the proven answer replaces it. */
static void test_unchecked_entry_asked_again(void)
{
	struct world w;
	world_init(&w);
	const uint8_t forged[4] = { 203, 0, 113, 66 };
	struct wire_rr rr = { .owner = N("www.ed25519.dnssec."), .type = DNS_TYPE_A,
			      .rclass = DNS_CLASS_IN, .ttl = 3600, .rdlen = 4, .rdata = forged };
	CHECK(cache_put(w.cache, &rr, 1, NULL, CACHE_TRUST_ANSWER_AUTH, T0_MS / 1000) ==
	      CACHE_PUT_STORED);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.sent > 0 && w.sec == VAL_SECURE);
	CHECK(w.n_an >= 1 && w.an[0].rdlen == 4 && w.an[0].rdata[3] == 141);
	world_free(&w);
}

/* The trace shows the chain: each DNSKEY and DS set proven on the way, then the answer, each
 * with its verdict and key; the queries that carried them are what they were (referrals). */
static void test_trace_shows_chain(void)
{
	static const struct {
		const char *owner;
		uint16_t type;
		const char *zone;
		uint8_t algorithm;
	} chain[] = {
		{ ".", DNS_TYPE_DNSKEY, ".", 8 },
		{ "dnssec.", DNS_TYPE_DS, ".", 8 },
		{ "dnssec.", DNS_TYPE_DNSKEY, "dnssec.", 13 },
		{ "ed25519.dnssec.", DNS_TYPE_DS, "dnssec.", 13 },
		{ "ed25519.dnssec.", DNS_TYPE_DNSKEY, "ed25519.dnssec.", 15 },
		{ "www.ed25519.dnssec.", DNS_TYPE_A, "ed25519.dnssec.", 15 },
	};
	struct world w;
	world_init(&w);
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	size_t n, k = 0;
	const struct iter_step *s = iter_trace(w.it, &n);
	unsigned referrals = 0;
	for (size_t i = 0; i < n; i++) {
		CHECKF(s[i].kind != ITER_STEP_MALFORMED, "step %zu: %s", i, s[i].note);
		referrals += s[i].kind == ITER_STEP_REFERRAL;
		if (s[i].kind != ITER_STEP_VERDICT || k == sizeof(chain) / sizeof(chain[0]))
			continue;
		CHECKF(name_equal(s[i].qname, N(chain[k].owner)) && s[i].qtype == chain[k].type,
		       "verdict %zu is of %s", k, chain[k].owner);
		CHECK(name_equal(s[i].zone, N(chain[k].zone)));
		CHECK(s[i].security == VAL_SECURE && s[i].algorithm == chain[k].algorithm);
		CHECK(s[i].key_tag != 0 && !s[i].denial);
		k++;
	}
	CHECKF(k == sizeof(chain) / sizeof(chain[0]), "%zu verdicts of the chain", k);
	CHECK(referrals == 2); /* . -> dnssec -> ed25519.dnssec */
	world_free(&w);
}

/* Writes text to a temporary file and returns its path. */
static const char *temp_file(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/test_dnssec.XXXXXX");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
		close(fd);
	}
	return path;
}

/* Trust anchor files: DS records with or without TTL (IANA's list has none), several zones;
 * a DNSKEY or another type is refused with file:line; the closest anchor and negative anchors
 * are found by name. */
static void test_anchor_files(void)
{
	struct val_anchors a;
	char err[256];
	memset(&a, 0, sizeof(a));
	const char *p = temp_file("; the root's two keys, IANA style\n"
				  ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC6834"
				  "57104237C7F8EC8D\n"
				  "example. 3600 IN DS 1 13 2 0000000000000000000000000000000000000000"
				  "000000000000000000000000\n"
				  ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C48"
				  "3AF444A4C0FB2B16\n");
	CHECKF(val_anchors_load(&a, p, err), "%s", err);
	CHECK(a.n == 2 && a.a[0].n_ds == 2 && a.a[1].n_ds == 1);
	const struct val_anchor *f = val_anchor_find(&a, N("www.example."));
	CHECK(f && name_equal(f->zone, N("example.")));
	f = val_anchor_find(&a, N("www.example.com."));
	CHECK(f && f->zone[0] == 0 && f->n_ds == 2);
	CHECK(val_anchors_add_negative(&a, N("Broken.Example.")));
	CHECK(val_anchor_negative(&a, N("www.broken.example.")));
	CHECK(!val_anchor_negative(&a, N("example.")));
	val_anchors_fini(&a);
	unlink(p);

	p = temp_file(". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237"
		      "C7F8EC8D\n. IN DNSKEY 257 3 8 AwEAAQ==\n");
	CHECK(!val_anchors_load(&a, p, err));
	CHECKF(strstr(err, ":2: DNSKEY trust anchors are not supported") != NULL, "%s", err);
	CHECK(a.n == 0);
	unlink(p);
	p = temp_file(". IN NS a.root-servers.net.\n");
	CHECK(!val_anchors_load(&a, p, err));
	CHECKF(strstr(err, ":1: not a DS record") != NULL, "%s", err);
	unlink(p);
	/* the shipped anchors read: the real root's two keys, the toy root's */
	CHECKF(val_anchors_load(&a, "conf/root.anchor", err), "%s", err);
	CHECK(a.n == 1 && a.a[0].zone[0] == 0 && a.a[0].n_ds == 2);
	for (size_t i = 0; a.n == 1 && i < a.a[0].n_ds; i++) {
		const uint8_t *rd = a.a[0].ds[i].rdata;
		unsigned tag = (unsigned)rd[0] << 8 | rd[1];
		CHECKF(tag == 20326 || tag == 38696, "key tag %u", tag);
	}
	val_anchors_fini(&a);
	CHECK(!val_anchors_load(&a, "/nonexistent/anchor", err));
	CHECKF(strstr(err, "/nonexistent/anchor: cannot read") != NULL, "%s", err);
}

/* Without their NSEC/NSEC3 proofs, a wildcard expansion and the denials are bogus, not
 * secure: the signatures of what is left verify, the proof is what is missing. */
static void test_proofs_taken_out(void)
{
	static const char *const names[] = { "x.wild.ed25519.dnssec.", "x.wild.secure.optout.",
					     "nope.ed25519.dnssec.", "nope.secure.optout." };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct world w;
		world_init(&w);
		w.strip_proofs = true;
		resolve(&w, names[i], DNS_TYPE_A, WALL_2030);
		CHECKF(w.sec == VAL_BOGUS && w.reason == VAL_R_NSEC_MISSING, "%s: state %d, %s",
		       names[i], w.sec, val_reason_str(w.reason));
		world_free(&w);
	}
}

/* ---- forwarding ---- */

/* w forwards everything to a forwarder of its own that iterates the toy internet, validating
 * as Unbound would, and answers with the data whatever its verdict (CD=1 asks that). */
static void world_forwarding(struct world *w)
{
	world_init(w);
	w->fwd = malloc(sizeof(*w->fwd));
	CHECK(w->fwd != NULL);
	if (!w->fwd)
		return;
	world_init(w->fwd);
	memset(&w->zones, 0, sizeof(w->zones));
	w->zones.n = 1;
	w->zones.z[0].n_addr = 1;
	struct sockaddr_in *in = (struct sockaddr_in *)&w->zones.z[0].addr[0];
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = inet_addr(FWD);
	in->sin_port = htons(53);
	w->env.forward = &w->zones;
}

/* Issue 14: every hard case through a forwarder gets the verdict it gets when iterated (the
 * keys fetched through it by signer name, insecurity proven by a DS walk), every query goes
 * to the forwarder with RD=1 and CD=1, and the cache hit keeps the verdict. */
static void test_forwarded_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct world w;
		world_forwarding(&w);
		resolve(&w, cases[i].name, cases[i].type, WALL_2030);
		check_case(&w, &cases[i], "forwarded");
		CHECKF(w.not_forwarded == 0 && w.forwarded == w.sent && w.sent > 0,
		       "%s: %u of %u queries forwarded with RD and CD, %u elsewhere", cases[i].what,
		       w.forwarded, w.sent, w.not_forwarded);
		resolve(&w, cases[i].name, cases[i].type, WALL_2030);
		check_case(&w, &cases[i], "forwarded, from the cache");
		world_free(&w);
	}
}

/* A forwarder (or a man in the middle) that takes the RRSIGs off an answer of a signed zone:
 * the DS walk finds no insecure delegation above it, so it is bogus, never insecure; one
 * above an insecure delegation stays insecure. */
static void test_forwarded_stripped(void)
{
	struct world w;
	world_forwarding(&w);
	w.strip_sigs = N("www.ed25519.dnssec.");
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECKF(w.rcode == DNS_RCODE_SERVFAIL || w.sec == VAL_BOGUS, "rcode %u, state %d (%s)",
	       w.rcode, w.sec, val_reason_str(w.reason));
	CHECK(w.sec != VAL_SECURE && w.sec != VAL_INSECURE);
	w.strip_sigs = N("www.insecure.dnssec.");
	resolve(&w, "www.insecure.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.rcode == DNS_RCODE_NOERROR && w.sec == VAL_INSECURE);
	world_free(&w);

	/* The operator's opt-out (Unbound's domain-insecure): below a negative trust anchor the
	 * unsigned answer is served, insecure. */
	struct val_anchors a = anchors;
	a.file = NULL;
	CHECK(val_anchors_add_negative(&a, N("ed25519.dnssec.")));
	world_forwarding(&w);
	w.dnssec.anchors = &a;
	w.strip_sigs = N("www.ed25519.dnssec.");
	resolve(&w, "www.ed25519.dnssec.", DNS_TYPE_A, WALL_2030);
	CHECK(w.rcode == DNS_RCODE_NOERROR && w.sec == VAL_INSECURE);
	world_free(&w);
}

static bool loaded;

/* The signed toy internet, its root hints and its trust anchor load. */
static void test_toy_loads(void)
{
	char err[256] = "";
	struct config_map *map = NULL;
	loaded = config_load_map("zones/map.yaml", &map, err) && auth_load(map, &toy, err) &&
		 hints_load("conf/toy-root.hints", &hints, err) &&
		 val_anchors_load(&anchors, "conf/toy-root.anchor", err);
	config_map_free(map);
	CHECKF(loaded, "the toy internet loads: %s", err);
}

int main(void)
{
	RUN(test_anchor_files);
	RUN(test_toy_loads);
	if (!loaded)
		return check_done();
	RUN(test_cases_cold_and_warm);
	RUN(test_cases_one_cache);
	RUN(test_records_for_do);
	RUN(test_forged_answer);
	RUN(test_clock);
	RUN(test_negative_anchor);
	RUN(test_signature_budget);
	RUN(test_no_anchor);
	RUN(test_trace_shows_chain);
	RUN(test_unchecked_entry_asked_again);
	RUN(test_proofs_taken_out);
	RUN(test_forwarded_cases);
	RUN(test_forwarded_stripped);
	auth_free(toy);
	val_anchors_fini(&anchors);
	return check_done();
}
