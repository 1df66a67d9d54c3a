/* tests/unit/replay.h: a scripted world of authoritative servers for replaying the iterator.
 *
 * No sockets and no clock (Unbound's testbound idea, STYLE.md §9). A world is a list of rules:
 * which server (by address), asked which question, answers what (flags, rcode and the three
 * sections as master-file text), or stays silent (a timeout) or fails (a transport error).
 * resolve() runs one iterator in a fresh arena against the rules, answering each ITER_SEND
 * until ITER_DONE, with a clock of its own that only the replies' round-trip times and the
 * timeouts move. What was sent is kept in w->sent; the result, the trace and the cache are read
 * with the *_text helpers, which print records as "owner TYPE rdata" joined by " | ".
 *
 * The cache and infra are the real ones, fresh per world_init; the root hints name one server,
 * a.root-servers.net at ROOT. Included by test_iterator.c only: everything here is static.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TESTS_REPLAY_H
#define TESTS_REPLAY_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "check.h"
#include "name_text.h"
#include "dns.h"
#include "hints.h"
#include "infra.h"
#include "iterator.h"
#include "name.h"
#include "rdata.h"
#include "wire.h"
#include "zonefile.h"

#define REPLAY_T0_MS 1700000000000ull /* where the world's clock starts */
#define REPLAY_MAX_ROUNDS 100         /* events per resolution before the world gives up */
#define REPLAY_MAX_SENT 100
#define REPLAY_MAX_RULES 64
#define REPLAY_RTT_MS 10              /* a reply's round trip unless the rule says otherwise */
#define LEN(a) (sizeof(a) / sizeof((a)[0]))
#define ROOT "192.0.2.1"              /* a.root-servers.net, the one root hint */

enum play { REPLY, TIMEOUT, FAIL };
enum over { ANY, UDP, TCP };

struct rule {
	const char *addr;  /* the servers it applies to, addresses separated by spaces; NULL: all */
	const char *qname; /* the name asked; "*.zone." is zone and every name below; NULL: any */
	uint16_t qtype;    /* 0: any */
	uint16_t flags;    /* DNS_FLAG_AA, DNS_FLAG_TC (QR is always set) */
	unsigned rcode;
	const char *an, *ns, *ar; /* the sections as master-file lines, names absolute */
	enum play play;
	unsigned times;    /* the rule is spent after so many uses; 0: never */
	enum over over;    /* the transport it applies to */
	const char *echo;  /* the question name of the reply, instead of the one asked */
	uint32_t rtt_ms;   /* the reply's round trip on the world's clock */
	unsigned used;
};

struct sent {
	char addr[INET6_ADDRSTRLEN];
	char qname[NAME_MAX_TEXT]; /* as sent, in the case sent */
	uint16_t qtype;
	bool exact_case;
	bool tcp;
	bool rd, cd;      /* the query's RD and CD flags */
	uint32_t timeout_ms;
	uint64_t left_ms; /* what was left of the time budget when it was sent */
};

struct world {
	struct rule *rules[REPLAY_MAX_RULES]; /* searched in order: the first that fits answers */
	size_t n_rules;
	struct hints hints;
	struct cache *cache;
	struct infra *infra;
	struct iter_env env;
	uint64_t now_ms, start_ms;
	uint32_t wall_s; /* real time given to iter_new (signature validity) */
	/* the last resolution */
	struct arena *a;
	struct iter *it;
	unsigned rcode;
	const struct wire_rr *an, *au;
	size_t n_an, n_au;
	struct sent sent[REPLAY_MAX_SENT];
	unsigned n_sent;
};

static const uint8_t replay_root[1] = { 0 };

static struct sockaddr_storage sa(const char *text)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(53);
	} else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(53);
	} else {
		CHECKF(0, "bad address %s", text);
	}
	return ss;
}

static void addr_text(const struct sockaddr_storage *ss, char out[INET6_ADDRSTRLEN])
{
	const void *a = ss->ss_family == AF_INET
				? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
				: (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (!inet_ntop(ss->ss_family, a, out, INET6_ADDRSTRLEN))
		strcpy(out, "?");
}

/* ---- text for the checks: one of four rotating buffers ---- */

static struct buf_out *text_out(void)
{
	static char bufs[4][8192];
	static struct buf_out out[4];
	static unsigned next;
	unsigned k = next++ % 4;
	memset(bufs[k], 0, sizeof(bufs[k]));
	buf_out_init(&out[k], bufs[k], sizeof(bufs[k]) - 1);
	return &out[k];
}

/* Records as "owner TYPE rdata", joined by " | ". */
static const char *rrs_text(const struct wire_rr *rr, size_t n)
{
	struct buf_out *o = text_out();
	for (size_t i = 0; i < n; i++) {
		buf_puts(o, i ? " | " : "");
		name_to_text(rr[i].owner, o);
		buf_puts(o, " ");
		rdata_type_to_text(rr[i].type, o);
		buf_puts(o, " ");
		rdata_to_text(rr[i].type, rr[i].rdata, rr[i].rdlen, o);
	}
	return (const char *)o->p;
}

static const char *answer_text(const struct world *w)
{
	return rrs_text(w->an, w->n_an);
}

static const char *authority_text(const struct world *w)
{
	return rrs_text(w->au, w->n_au);
}

/* The trace as "kind[/depth][:target][(limit note)]", space-separated: "answer/1 referral:com."
 * (depth shown for sub-questions only, target for referrals and CNAMEs). */
static const char *trace_text(const struct world *w)
{
	struct buf_out *o = text_out();
	size_t n;
	const struct iter_step *s = iter_trace(w->it, &n);
	for (size_t i = 0; i < n; i++) {
		buf_printf(o, "%s%s", i ? " " : "", iter_step_name(s[i].kind));
		if (s[i].depth)
			buf_printf(o, "/%u", s[i].depth);
		if (s[i].target) {
			buf_puts(o, ":");
			name_to_text(s[i].target, o);
		}
		if (s[i].kind == ITER_STEP_LIMIT)
			buf_printf(o, "(%s)", s[i].note ? s[i].note : "");
	}
	return (const char *)o->p;
}

/* What the cache holds for (name, type) with at least trust: the records, "nxdomain",
 * "nodata" or "miss". */
static const char *cache_text(struct world *w, const char *name, uint16_t type,
			      enum cache_trust trust)
{
	static union {
		struct cache_rrset set;
		uint8_t bytes[16384];
	} out;
	struct cache_key k = { N(name), type, DNS_CLASS_IN };
	size_t used;
	switch (cache_get(w->cache, &k, trust, (uint32_t)(w->now_ms / 1000), &out.set,
			  sizeof(out), &used)) {
	case CACHE_HIT:
		return rrs_text(out.set.rr, out.set.count);
	case CACHE_NXDOMAIN:
		return "nxdomain";
	case CACHE_NODATA:
		return "nodata";
	case CACHE_SPACE:
		return "space";
	default:
		return "miss";
	}
}

/* The closest cached zone cut at or above name, as text ("-" when none). */
static const char *cut_text(struct world *w, const char *name)
{
	static union {
		struct cache_rrset set;
		uint8_t bytes[16384];
	} out;
	size_t used;
	struct buf_out *o = text_out();
	if (cache_get_cut(w->cache, N(name), DNS_CLASS_IN, (uint32_t)(w->now_ms / 1000), &out.set,
			  sizeof(out), &used) == CACHE_HIT)
		name_to_text(out.set.rr[0].owner, o);
	else
		buf_puts(o, "-");
	return (const char *)o->p;
}

/* How many queries of the last resolution went to addr. */
static unsigned asked(const struct world *w, const char *addr)
{
	unsigned n = 0;
	for (unsigned i = 0; i < w->n_sent; i++)
		n += strcmp(w->sent[i].addr, addr) == 0;
	return n;
}

/* ---- the world ---- */

/* A fresh world: rules (searched first), then base; a new cache and infra; the hints. */
static void world_init(struct world *w, struct rule *rules, size_t n, struct rule *base,
		       size_t n_base)
{
	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < n + n_base && w->n_rules < REPLAY_MAX_RULES; i++) {
		struct rule *r = i < n ? &rules[i] : &base[i - n];
		r->used = 0;
		w->rules[w->n_rules++] = r;
	}
	struct cache_limits l;
	cache_limits_default(&l);
	l.size_bytes = 1u << 20;
	w->cache = cache_new(&l);
	w->infra = infra_new(400);
	CHECK(w->cache && w->infra);
	struct sockaddr_storage root = sa(ROOT);
	hints_add(&w->hints, N("a.root-servers.net."), (struct sockaddr *)&root);
	w->env = (struct iter_env){
		.cache = w->cache,
		.infra = w->infra,
		.hints = &w->hints,
		.limits = { ITER_REFERRALS_DEFAULT, ITER_CNAME_CHAIN_DEFAULT, ITER_UPSTREAM_DEFAULT,
			    ITER_GLUELESS_DEFAULT, ITER_BUDGET_MS_DEFAULT },
		.upstream_port = 53,
		.edns_size = 1232,
		.query_special = true,
	};
	w->now_ms = REPLAY_T0_MS;
}

static void world_free(struct world *w)
{
	arena_free(w->a);
	cache_free(w->cache);
	infra_free(w->infra);
	w->a = NULL;
	w->cache = NULL;
	w->infra = NULL;
}

static bool addr_in(const char *list, const char *addr)
{
	size_t n = strlen(addr);
	if (!list)
		return true;
	for (const char *p = list; *p; p += strspn(p, " ")) {
		size_t k = strcspn(p, " ");
		if (k == n && memcmp(p, addr, n) == 0)
			return true;
		p += k;
	}
	return false;
}

static bool qname_fits(const char *pattern, const uint8_t *qname)
{
	if (!pattern)
		return true;
	if (strncmp(pattern, "*.", 2) == 0)
		return name_is_subdomain(qname, N(pattern + 2));
	return name_equal(qname, N(pattern));
}

static struct rule *find_rule(struct world *w, const struct sent *s, const struct wire_msg *q)
{
	for (size_t i = 0; i < w->n_rules; i++) {
		struct rule *r = w->rules[i];
		if ((r->times && r->used >= r->times) || !addr_in(r->addr, s->addr) ||
		    !qname_fits(r->qname, q->q.name) || (r->qtype && r->qtype != q->q.type) ||
		    (r->over == UDP && s->tcp) || (r->over == TCP && !s->tcp))
			continue;
		return r;
	}
	return NULL;
}

/* Appends the records of text (master-file lines) to section s of the reply. */
static void put_section(struct wire_builder *b, enum wire_section s, const char *text)
{
	char err[256];
	struct zonefile_zone *z;
	if (!text)
		return;
	size_t cap = strlen(text) + 16;
	char *buf = malloc(cap);
	CHECK(buf != NULL);
	if (!buf)
		return;
	int len = snprintf(buf, cap, "$TTL 3600\n%s\n", text);
	bool ok = zonefile_read_text("rule", buf, (size_t)len, replay_root, ZONEFILE_NOCHECK, &z,
				     err);
	free(buf);
	if (!ok) {
		CHECKF(0, "%s", err);
		return;
	}
	for (size_t i = 0; i < z->n; i++)
		CHECKF(wire_build_rr(b, s, &z->rr[i]) == ERR_OK, "record %zu of %s", i, text);
	zonefile_free(z);
}

static size_t build_reply(const struct rule *r, const struct wire_msg *q, uint8_t *out,
			  size_t cap)
{
	struct wire_builder b;
	wire_build_init(&b, out, cap, q->id,
			(uint16_t)(DNS_FLAG_QR | r->flags | (r->rcode & 0xFu)));
	wire_build_question(&b, r->echo ? N(r->echo) : q->q.name, q->q.type, q->q.rclass);
	put_section(&b, WIRE_ANSWER, r->an);
	put_section(&b, WIRE_AUTHORITY, r->ns);
	put_section(&b, WIRE_ADDITIONAL, r->ar);
	return wire_build_finish(&b);
}

/* Answers the query of act as the rules say, and lets the iterator fill act anew. */
static void play(struct world *w, struct iter_action *act)
{
	struct sent *s = &w->sent[w->n_sent < REPLAY_MAX_SENT ? w->n_sent++ : w->n_sent - 1];
	uint64_t used = w->now_ms - w->start_ms, budget = w->env.limits.budget_ms;
	struct wire_msg q;
	memset(s, 0, sizeof(*s));
	addr_text(&act->addr, s->addr);
	s->tcp = act->tcp;
	s->exact_case = act->exact_case;
	s->timeout_ms = act->timeout_ms;
	s->left_ms = used < budget ? budget - used : 0;
	if (wire_parse(act->query, act->query_len, w->a, &q) != ERR_OK || !q.has_question) {
		CHECKF(0, "the iterator sent a query that does not parse");
		iter_failed(w->it, "bad query", 0, w->now_ms, act);
		return;
	}
	struct buf_out o;
	buf_out_init(&o, s->qname, sizeof(s->qname));
	name_to_text(q.q.name, &o);
	s->qtype = q.q.type;
	s->rd = q.flags & DNS_FLAG_RD;
	s->cd = q.flags & DNS_FLAG_CD;
	struct rule *r = find_rule(w, s, &q);
	CHECKF(r, "no rule for %s %s type %u", s->addr, s->qname, s->qtype);
	if (r)
		r->used++;
	bool case_differs = r && r->echo && name_equal(N(r->echo), q.q.name) &&
			    memcmp(N(r->echo), q.q.name, name_len(q.q.name)) != 0;
	if (r && case_differs && act->exact_case) { /* what resolver/iter/upstream.c does with it */
		w->now_ms += act->timeout_ms;
		iter_case_mismatch(w->it, act->timeout_ms, w->now_ms, act);
	} else if (!r || r->play == TIMEOUT) {
		w->now_ms += act->timeout_ms;
		iter_timeout(w->it, act->timeout_ms, w->now_ms, act);
	} else if (r->play == FAIL) {
		w->now_ms += 1;
		iter_failed(w->it, "connection refused", 1, w->now_ms, act);
	} else {
		uint8_t out[4096];
		size_t len = build_reply(r, &q, out, sizeof(out));
		uint32_t rtt = r->rtt_ms ? r->rtt_ms : REPLAY_RTT_MS;
		w->now_ms += rtt;
		iter_reply(w->it, out, len, rtt, w->now_ms, act);
	}
}

/* Resolves (qname, qtype) with a new iterator from the world's clock on; returns the rcode. */
static unsigned resolve(struct world *w, const char *qname, uint16_t qtype)
{
	struct iter_action act;
	unsigned rounds = 0;
	arena_free(w->a);
	w->a = arena_new();
	w->n_sent = 0;
	w->start_ms = w->now_ms;
	w->it = w->a ? iter_new(w->a, &w->env, N(qname), qtype, DNS_CLASS_IN, w->now_ms,
				     w->wall_s) : NULL;
	CHECK(w->it);
	if (!w->it)
		return 99;
	iter_start(w->it, w->now_ms, &act);
	while (act.kind == ITER_SEND && rounds++ < REPLAY_MAX_ROUNDS)
		play(w, &act);
	CHECKF(act.kind == ITER_DONE, "%s: not done after %u events", qname, REPLAY_MAX_ROUNDS);
	w->rcode = iter_result(w->it, &w->an, &w->n_an, &w->au, &w->n_au);
	return w->rcode;
}

#endif
