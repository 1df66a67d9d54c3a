/* resolver/iter/iterator.c: the dispatcher of a resolution: targets, zone cuts, server choice,
 * sub-questions, limits and the trace. What a reply means is iter_reply.c's.
 *
 * The targets form a stack: the client's question at the bottom, above it the sub-questions
 * it is waiting for (the root priming query, the address of a name server that came without
 * glue). The top target is in one of two states: T_FIND_CUT (look in the cache for the answer,
 * else for the closest zone cut and its servers) and T_QUERY (ask the next server of that
 * zone). advance() moves the top target along until a query must be sent or the client's
 * question is done.
 *
 * SPDX-License-Identifier: MIT
 */
#include <netinet/in.h>
#include <string.h>

#include "dns.h"
#include "iter_priv.h"
#include "rand.h"
#include "val_sig.h"

#define SCRATCH_FIRST 2048 /* cache copies; grows to what an entry needs */

static const uint8_t root_name[1] = { 0 };

const char *iter_step_name(enum iter_step_kind kind)
{
	static const char *const names[] = {
		"answer", "cname",     "referral",  "nxdomain", "nodata", "lame",     "rcode",
		"truncated", "malformed", "timeout", "failed",   "limit",  "no-server", "keys",
		"dnssec", "bogus",
	};
	return (size_t)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

static struct iter_target *top(struct iter *it)
{
	return it->stack[it->sp - 1];
}

static struct iter_step *add_step(struct iter *it, enum iter_step_kind kind, const char *note)
{
	struct iter_step *v =
		arena_grow(it->a, it->steps, it->n_steps, sizeof(*v), &it->cap_steps, 4);
	if (!v)
		return NULL;
	it->steps = v;
	struct iter_step *s = &it->steps[it->n_steps++];
	struct iter_target *t = top(it);
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->depth = it->sp - 1;
	s->qname = arena_dup(it->a, t->qname, name_len(t->qname));
	s->qtype = t->qtype;
	s->zone = arena_dup(it->a, t->zone, name_len(t->zone));
	s->note = note;
	return s;
}

void iter_trace_verdict(struct iter *it, const uint8_t *owner, uint16_t type, bool denial,
			const uint8_t *zone, enum val_state st, enum val_reason reason,
			const struct val_info *info)
{
	struct iter_step *s = add_step(it, ITER_STEP_VERDICT, val_reason_str(reason));
	if (!s)
		return;
	s->qname = arena_dup(it->a, owner, name_len(owner));
	s->qtype = type;
	s->zone = arena_dup(it->a, zone, name_len(zone));
	s->security = st;
	s->denial = denial;
	if (!info)
		return;
	s->key_tag = info->key_tag;
	s->algorithm = info->algorithm;
	s->sig_time = reason == VAL_R_SIG_EXPIRED   ? info->expiration
		      : reason == VAL_R_SIG_NOT_YET ? info->inception
						    : 0;
}

/* Fills a step with the server of the query in flight. */
static void step_server(struct iter *it, struct iter_step *s)
{
	struct iter_target *t = top(it);
	if (!s || it->cur < 0)
		return;
	const struct iter_srv *v = &t->srv[it->cur];
	s->qname = arena_dup(it->a, it->asked, name_len(it->asked));
	s->qtype = it->asked_type;
	s->server_name = t->ns[v->ns].name;
	memcpy(&s->addr, &v->addr, sizeof(v->addr));
	s->tcp = it->cur_tcp;
}

/* Ends the whole resolution. */
/* Ends the resolution. The records for the client get the TTLs the cache gives them. */
static void finish(struct iter *it, unsigned rcode)
{
	bool negative = it->answer.n == 0;
	for (size_t i = 0; i < it->answer.n; i++)
		it->answer.rr[i].ttl = cache_ttl(it->env->cache, it->answer.rr[i].ttl, false);
	for (size_t i = 0; i < it->authority.n; i++)
		it->authority.rr[i].ttl =
			cache_ttl(it->env->cache, it->authority.rr[i].ttl, negative);
	it->done = true;
	it->rcode = rcode;
	it->sp = 0;
}

static void fail_limit(struct iter *it, const char *which)
{
	add_step(it, ITER_STEP_LIMIT, which);
	it->fail_code = ITER_EDE_OTHER;
	it->fail_text = which;
	it->answer.n = it->authority.n = 0;
	finish(it, DNS_RCODE_SERVFAIL);
}

/* ---- servers of a zone ---- */

/* RFC 6890 special-purpose ranges a delegation must not point us at (unless allowed):
 * loopback, "this network", private use, shared, link-local, multicast, reserved, and their
 * IPv6 counterparts including IPv4-mapped addresses. */
static bool special_v4(const uint8_t *a)
{
	return a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224 ||
	       (a[0] == 100 && (a[1] & 0xC0) == 64) || (a[0] == 169 && a[1] == 254) ||
	       (a[0] == 172 && (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
	       (a[0] == 192 && a[1] == 0 && a[2] == 0);
}

static bool special_addr(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return special_v4((const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr);
	const uint8_t *a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
	static const uint8_t zero[15] = { 0 };
	if (memcmp(a, mapped, 12) == 0)
		return special_v4(a + 12);
	return memcmp(a, zero, 15) == 0 /* :: and ::1 */ || (a[0] & 0xFE) == 0xFC /* ULA */ ||
	       (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) /* link-local */ || a[0] == 0xFF ||
	       (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8); /* documentation */
}

static int add_ns(struct iter_target *t, const uint8_t *name)
{
	for (unsigned i = 0; i < t->n_ns; i++)
		if (name_equal(t->ns[i].name, name))
			return (int)i;
	if (t->n_ns == ITER_MAX_NS)
		return -1;
	t->ns[t->n_ns].name = name;
	t->ns[t->n_ns].state = NS_UNRESOLVED;
	return (int)t->n_ns++;
}

/* True when sa has the address of one of the root hints: the operator chose those, so they
 * stay usable when the root's NS set learnt by priming names them again. */
static bool hint_addr(const struct iter *it, const struct sockaddr *sa)
{
	const struct hints *h = it->env->hints;
	for (size_t i = 0; i < h->n; i++) {
		const struct sockaddr_storage *hs = &h->s[i].addr;
		if (hs->ss_family != sa->sa_family)
			continue;
		if (sa->sa_family == AF_INET
			    ? memcmp(&((const struct sockaddr_in *)hs)->sin_addr,
				     &((const struct sockaddr_in *)sa)->sin_addr, 4) == 0
			    : memcmp(&((const struct sockaddr_in6 *)hs)->sin6_addr,
				     &((const struct sockaddr_in6 *)sa)->sin6_addr, 16) == 0)
			return true;
	}
	return false;
}

/* Adds server address a of name server ns to t's servers, once, within ITER_MAX_SRV. */
static void insert_srv(struct iter_target *t, unsigned ns, const union iter_addr *a, bool hint)
{
	for (unsigned i = 0; i < t->n_srv; i++)
		if (memcmp(&t->srv[i].addr, a, sizeof(*a)) == 0)
			return;
	if (t->n_srv == ITER_MAX_SRV)
		return;
	t->srv[t->n_srv++] = (struct iter_srv){ .addr = *a, .ns = ns, .hint = hint };
}

/* Adds an address of name server ns to t's servers. Once an address of a name is known, the
 * name is not looked up any more: a sub-question would only ask the servers that gave it (or
 * failed) again, and addresses refused as special would come back the same. */
static void add_srv(struct iter *it, struct iter_target *t, unsigned ns, const void *addr,
		    size_t alen, bool hint)
{
	union iter_addr a;
	memset(&a, 0, sizeof(a));
	t->ns[ns].state = NS_DONE;
	if (alen == 4) {
		a.in.sin_family = AF_INET;
		memcpy(&a.in.sin_addr, addr, 4);
		a.in.sin_port = htons(it->env->upstream_port);
	} else {
		a.in6.sin6_family = AF_INET6;
		memcpy(&a.in6.sin6_addr, addr, 16);
		a.in6.sin6_port = htons(it->env->upstream_port);
	}
	if (!hint && !it->env->query_special && special_addr(&a.sa) && !hint_addr(it, &a.sa))
		return; /* a delegation must not turn us against our own host or network */
	insert_srv(t, ns, &a, hint);
}

/* A cache lookup into the scratch buffer (grown on demand). */
enum cache_res iter_lookup(struct iter *it, const uint8_t *name, uint16_t type,
			   enum cache_trust trust, uint64_t now_ms, struct cache_rrset **out)
{
	struct cache_key k = { name, type, it->qclass };
	size_t used;
	for (;;) {
		enum cache_res r = cache_get(it->env->cache, &k, trust, (uint32_t)(now_ms / 1000),
					     (struct cache_rrset *)it->scratch, it->scratch_cap,
					     &used);
		*out = (struct cache_rrset *)it->scratch;
		if (r != CACHE_SPACE)
			return r;
		uint8_t *bigger = arena_alloc(it->a, used);
		if (!bigger)
			return CACHE_MISS;
		it->scratch = bigger;
		it->scratch_cap = used;
	}
}

static bool is_address(uint16_t type)
{
	return type == DNS_TYPE_A || type == DNS_TYPE_AAAA;
}

/* Adds the cached addresses of name server ns (glue included) to t's servers. */
static void load_addrs(struct iter *it, struct iter_target *t, unsigned ns, uint64_t now_ms)
{
	static const uint16_t types[2] = { DNS_TYPE_A, DNS_TYPE_AAAA };
	for (int k = 0; k < 2; k++) {
		struct cache_rrset *set;
		if (iter_lookup(it, t->ns[ns].name, types[k], CACHE_TRUST_GLUE, now_ms, &set) !=
		    CACHE_HIT)
			continue;
		for (uint16_t i = 0; i < set->count; i++)
			if (set->rr[i].rdlen == (k ? 16 : 4))
				add_srv(it, t, ns, set->rr[i].rdata, set->rr[i].rdlen, false);
	}
}

/* t is to ask the servers of another zone: its security is to be settled again. */
static void new_zone(struct iter_target *t)
{
	t->zone_known = false;
	t->signer[0] = 0;
	t->fwd = NULL;
	t->fwd_rd = false;
}

static bool fwd_is_down(const struct iter *it, const struct fwd_zone *z)
{
	for (unsigned i = 0; i < it->n_fwd_down; i++)
		if (it->fwd_down[i] == z)
			return true;
	return false;
}

/* The forward or stub zone that covers name; one given up in this resolution is passed over
 * for the next one above it (none: normal iteration). */
static const struct fwd_zone *fwd_zone(const struct iter *it, const uint8_t *name, bool *stub)
{
	const struct fwd_zone *z = fwd_find(it->env->forward, it->env->stub, name, stub);
	while (z && fwd_is_down(it, z))
		z = z->name[0] ? fwd_find(it->env->forward, it->env->stub, name_parent(z->name), stub)
			       : NULL;
	return z;
}

/* t asks the servers listed for forward or stub zone z. They are the operator's choice:
 * whatever their address, they are asked, as the root hints are. */
static void use_fwd(struct iter *it, struct iter_target *t, const struct fwd_zone *z, bool stub)
{
	memcpy(t->zone, z->name, name_len(z->name));
	new_zone(t);
	t->fwd = z;
	t->fwd_rd = !stub;
	t->zone_cached = false;
	t->n_ns = t->n_srv = 0;
	int ns = add_ns(t, arena_dup(it->a, z->name, name_len(z->name)));
	if (ns < 0 || !t->ns[ns].name)
		return;
	t->ns[ns].state = NS_DONE;
	for (size_t i = 0; i < z->n_addr; i++) {
		union iter_addr a;
		memset(&a, 0, sizeof(a));
		memcpy(&a, &z->addr[i],
		       z->addr[i].ss_family == AF_INET ? sizeof(a.in) : sizeof(a.in6));
		insert_srv(t, (unsigned)ns, &a, true);
	}
}

static void use_hints(struct iter *it, struct iter_target *t)
{
	const struct hints *h = it->env->hints;
	memcpy(t->zone, root_name, 1);
	new_zone(t);
	t->n_ns = t->n_srv = 0;
	for (size_t i = 0; i < h->n; i++) {
		int ns = add_ns(t, arena_dup(it->a, h->s[i].name, name_len(h->s[i].name)));
		if (ns < 0)
			continue;
		t->ns[ns].state = NS_DONE;
		const struct sockaddr *sa = (const struct sockaddr *)&h->s[i].addr;
		if (sa->sa_family == AF_INET)
			add_srv(it, t, (unsigned)ns, &((const struct sockaddr_in *)sa)->sin_addr, 4,
				true);
		else
			add_srv(it, t, (unsigned)ns, &((const struct sockaddr_in6 *)sa)->sin6_addr,
				16, true);
	}
}

/* Sets t's zone to the closest cached cut at or above below, with its servers. false when
 * the cache knows no cut at all (not even the root): the root must be primed first. */
static bool find_cut(struct iter *it, struct iter_target *t, const uint8_t *below,
		     uint64_t now_ms)
{
	size_t used;
	enum cache_res r;
	bool stub;
	const struct fwd_zone *fz = fwd_zone(it, below, &stub);
	for (;;) {
		r = cache_get_cut(it->env->cache, below, it->qclass, (uint32_t)(now_ms / 1000),
				  (struct cache_rrset *)it->scratch, it->scratch_cap, &used);
		if (r != CACHE_SPACE)
			break;
		uint8_t *bigger = arena_alloc(it->a, used);
		if (!bigger)
			return false;
		it->scratch = bigger;
		it->scratch_cap = used;
	}
	/* A forward zone hides every cut below it; a stub zone only those at or above it. */
	const uint8_t *cut = r == CACHE_HIT ? ((struct cache_rrset *)it->scratch)->rr[0].owner
					    : NULL;
	if (fz && (!stub || !cut || !name_is_subdomain(cut, fz->name) ||
		   name_equal(cut, fz->name))) {
		use_fwd(it, t, fz, stub);
		return true;
	}
	if (r != CACHE_HIT) {
		if (!t->priming && !it->prime_failed)
			return false;
		use_hints(it, t);
		return true;
	}
	/* Keep the NS names: the scratch buffer is reused by the address lookups below. The
	 * copy's record pointers still point into the scratch buffer: move them over. */
	struct cache_rrset *set = arena_dup(it->a, it->scratch, used);
	if (!set)
		return false;
	for (uint16_t i = 0; i < set->count; i++) {
		set->rr[i].owner = (uint8_t *)set + (set->rr[i].owner - it->scratch);
		set->rr[i].rdata = (uint8_t *)set + (set->rr[i].rdata - it->scratch);
	}
	memcpy(t->zone, set->rr[0].owner, name_len(set->rr[0].owner));
	new_zone(t);
	t->zone_cached = true;
	t->n_ns = t->n_srv = 0;
	for (uint16_t i = 0; i < set->count; i++) {
		int ns = add_ns(t, set->rr[i].rdata);
		if (ns >= 0)
			load_addrs(it, t, (unsigned)ns, now_ms);
	}
	/* A priming answer without the root servers' addresses: they can only come from the
	 * root itself, so the hints' addresses stay in use (RFC 8109 §4). */
	if (t->n_srv == 0 && name_len(t->zone) == 1)
		use_hints(it, t);
	return true;
}

/* Adds the addresses the additional section gives for name server ns of t, when its name
 * lies in bailiwick (the referring server's zone, as iter_reply caches them). */
static void add_glue(struct iter *it, struct iter_target *t, unsigned ns,
		     const struct wire_msg *m, const uint8_t *bailiwick)
{
	const uint8_t *name = t->ns[ns].name;
	if (!name_is_subdomain(name, bailiwick))
		return;
	for (uint16_t k = 0; k < m->n[WIRE_ADDITIONAL]; k++) {
		const struct wire_rr *g = &m->rr[WIRE_ADDITIONAL][k];
		if (is_address(g->type) && (g->rdlen == 4 || g->rdlen == 16) &&
		    name_equal(g->owner, name))
			add_srv(it, t, ns, g->rdata, g->rdlen, false);
	}
}

/* After a referral: the new zone's servers from the NS RRset in the reply, with the glue the
 * reply gave and any addresses the cache knew. Each name once, at most ITER_MAX_NS of them:
 * a referral repeating one NS record a thousand times costs no more than one. */
static void load_referral(struct iter *it, struct iter_target *t, const struct wire_msg *m,
			  const struct wire_rr *ns_rr, uint64_t now_ms)
{
	uint8_t bailiwick[NAME_MAX_WIRE];
	memcpy(bailiwick, t->zone, name_len(t->zone));
	memcpy(t->zone, ns_rr->owner, name_len(ns_rr->owner));
	new_zone(t);
	t->zone_cached = false;
	t->n_ns = t->n_srv = 0;
	for (uint16_t i = 0; i < m->n[WIRE_AUTHORITY] && t->n_ns < ITER_MAX_NS; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_AUTHORITY][i];
		if (rr->type != DNS_TYPE_NS || !name_equal(rr->owner, ns_rr->owner))
			continue;
		unsigned known = t->n_ns;
		int ns = add_ns(t, rr->rdata);
		if (ns < 0 || (unsigned)ns < known)
			continue; /* a name already taken */
		load_addrs(it, t, (unsigned)ns, now_ms);
		add_glue(it, t, (unsigned)ns, m, bailiwick);
	}
}

/* The next server to ask: not done with, not lame for the zone, not down (infra) unless its
 * probe is due, which goes first; then fewest timeouts first (so a server is asked again only
 * when every other one has been asked as often: the same one again when it is the only one),
 * then lowest timeout; one time in ten another of those, so that a server's RTT estimate gets
 * refreshed. -1 if none is left; *down counts the servers passed over as down. */
static int pick(struct iter *it, struct iter_target *t, uint64_t now_ms, unsigned *down)
{
	int best = -1, count = 0, avail[ITER_MAX_SRV];
	uint32_t best_rto = UINT32_MAX, ties = 0;
	unsigned tries = t->fwd && t->fwd->first ? ITER_FIRST_TRIES : ITER_SRV_TRIES;
	unsigned fewest = tries;
	for (unsigned i = 0; i < t->n_srv; i++)
		if (!t->srv[i].done && t->srv[i].timeouts < fewest)
			fewest = t->srv[i].timeouts;
	for (unsigned i = 0; i < t->n_srv; i++) {
		const struct sockaddr *sa = (const struct sockaddr *)&t->srv[i].addr;
		if (t->srv[i].done || t->srv[i].timeouts != fewest || fewest == tries ||
		    infra_is_lame(it->env->infra, sa, t->zone, now_ms))
			continue;
		enum infra_use use = infra_use(it->env->infra, sa, now_ms);
		if (use == INFRA_PROBE)
			return (int)i;
		if (use == INFRA_SKIP) {
			(*down)++;
			continue;
		}
		avail[count++] = (int)i;
		uint32_t rto = infra_rto_ms(it->env->infra, sa);
		if (rto < best_rto)
			best_rto = rto, ties = 0;
		/* Equal timeouts (servers never asked): each of them as likely as the others. */
		if (rto == best_rto && rand_below(++ties) == 0)
			best = (int)i;
	}
	if (count > 1 && rand_below(10) == 0)
		best = avail[rand_below((uint32_t)count)];
	return best;
}

/* ---- targets ---- */

/* Whether the question is being resolved already, further down the stack. A and AAAA count
 * as one: a name server's AAAA needed to find its own A is as much a loop as its A. */
static bool on_stack(const struct iter *it, const uint8_t *name, uint16_t type)
{
	for (unsigned i = 0; i < it->sp; i++) {
		uint16_t t = it->stack[i]->qtype;
		if ((t == type || (is_address(t) && is_address(type))) &&
		    name_equal(it->stack[i]->qname, name))
			return true;
	}
	return false;
}

struct iter_target *iter_push(struct iter *it, const uint8_t *name, uint16_t type)
{
	if (it->sp == ITER_MAX_DEPTH || on_stack(it, name, type))
		return NULL; /* too deep, or a loop: this NS name cannot be resolved */
	if (!it->stack[it->sp])
		it->stack[it->sp] = arena_alloc(it->a, sizeof(struct iter_target));
	if (!it->stack[it->sp])
		return NULL;
	struct iter_target *t = it->stack[it->sp++];
	memset(t, 0, sizeof(*t));
	memcpy(t->qname, name, name_len(name));
	t->qtype = type;
	t->state = T_FIND_CUT;
	t->validate = false;
	return t;
}

/* The top target is over. Its parent (if any) takes up where it was. */
static void pop(struct iter *it, unsigned rcode, uint64_t now_ms)
{
	struct iter_target *done = top(it);
	if (it->sp == 1) {
		finish(it, rcode);
		return;
	}
	it->sp--;
	struct iter_target *t = top(it);
	if (done->priming) {
		it->prime_failed = rcode != DNS_RCODE_NOERROR;
		t->state = T_FIND_CUT; /* the root NS set is cached now (or the hints serve) */
		return;
	}
	for (unsigned i = 0; i < t->n_ns; i++) /* the name server whose address came */
		if (name_equal(t->ns[i].name, done->qname))
			load_addrs(it, t, i, now_ms);
}

/* Whether a cached entry may answer t: anything, unless t validates and the entry was stored
 * unchecked under a trust anchor (an NS address looked up without validation): then it is
 * asked again, validated, and the new entry replaces it. */
static bool usable(struct iter *it, const struct iter_target *t, const struct cache_rrset *set)
{
	const struct iter_dnssec *d = it->env->dnssec;
	if (!d || !t->validate || set->security != CACHE_SEC_UNCHECKED)
		return true;
	return !val_anchor_find(d->anchors, t->qname) || val_anchor_negative(d->anchors, t->qname);
}

/* t's name changed (an alias): minimisation starts again from its zone. */
static void qmin_reset(struct iter_target *t)
{
	t->qmin_labels = 0;
	t->qmin_steps = 0;
	t->qmin_off = false;
}

/* Chooses the next name to ask of t's zone, from base labels on (RFC 9156 §2.3): one label
 * more for the first ITER_QMIN_ONE_LAB names, then as many as reach the full name within
 * ITER_QMIN_MAX_COUNT; the full question when minimisation is off or given up. */
static void qmin_grow(const struct iter *it, struct iter_target *t, unsigned base)
{
	unsigned full = name_labels(t->qname);
	if (it->env->qmin == ITER_QMIN_OFF || t->qmin_off || t->fwd_rd || base + 1 >= full ||
	    t->qmin_steps >= ITER_QMIN_MAX_COUNT) {
		t->qmin_labels = full;
		return;
	}
	unsigned add = 1;
	if (++t->qmin_steps > ITER_QMIN_ONE_LAB) {
		unsigned left = ITER_QMIN_MAX_COUNT - t->qmin_steps + 1;
		add = (full - base + left - 1) / left;
	}
	t->qmin_labels = base + add < full ? base + add : full;
}

/* The question to send to t's zone: t's own, or its name cut to t->qmin_labels labels with
 * type A (NS in strict mode), chosen anew when t's zone has moved past the last one. */
static void qmin_question(struct iter *it, struct iter_target *t, uint64_t now_ms)
{
	unsigned zl = name_labels(t->zone), full = name_labels(t->qname);
	uint16_t type = it->env->qmin == ITER_QMIN_STRICT ? DNS_TYPE_NS : DNS_TYPE_A;
	struct cache_rrset *set;
	if (t->qmin_labels <= zl)
		qmin_grow(it, t, zl);
	for (;;) {
		const uint8_t *name = t->qname;
		for (unsigned k = t->qmin_labels; k < full; k++)
			name = name_parent(name);
		it->cur_min = t->qmin_labels < full;
		memcpy(it->asked, name, name_len(name));
		it->asked_type = it->cur_min ? type : t->qtype;
		/* RFC 9156 §3 step 5: a name the cache holds data or NODATA for, below the closest
		 * cut, is no cut: the next label without a query. */
		enum cache_res r = it->cur_min ? iter_lookup(it, name, type, CACHE_TRUST_ANSWER,
							     now_ms, &set)
					       : CACHE_MISS;
		if (r != CACHE_HIT && r != CACHE_NODATA)
			return;
		qmin_grow(it, t, t->qmin_labels);
	}
}

/* Answers the top target from the cache when it can: the RRset or a denial (done), or a
 * CNAME to restart at. Returns true when the target was moved along. */
static bool from_cache(struct iter *it, struct iter_target *t, uint64_t now_ms)
{
	struct cache_rrset *set;
	bool client = t == it->stack[0];
	enum cache_res r = iter_lookup(it, t->qname, t->qtype, CACHE_TRUST_ANSWER, now_ms, &set);
	if ((r == CACHE_HIT || r == CACHE_NXDOMAIN || r == CACHE_NODATA) && usable(it, t, set)) {
		struct rr_list *l = r == CACHE_HIT ? &it->answer : &it->authority;
		size_t n_an = r == CACHE_HIT ? set->count + iter_extra_answer(set->rr, set->rr +
									     set->count, set->n_extra)
					     : 0;
		for (unsigned i = 0; client && i < (unsigned)set->count + set->n_extra; i++) {
			struct wire_rr rr = set->rr[i];
			rr.owner = arena_dup(it->a, rr.owner, name_len(rr.owner));
			rr.rdata = arena_dup(it->a, rr.rdata, rr.rdlen);
			if (rr.owner && rr.rdata)
				iter_list_add(it, i < n_an ? l : &it->authority, &rr);
		}
		if (client)
			iter_val_fold(it, set->security, set->reason, NULL);
		pop(it, r == CACHE_NXDOMAIN ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR, now_ms);
		return true;
	}
	if (t->qtype == DNS_TYPE_CNAME ||
	    iter_lookup(it, t->qname, DNS_TYPE_CNAME, CACHE_TRUST_ANSWER, now_ms, &set) !=
		    CACHE_HIT ||
	    !usable(it, t, set))
		return false;
	if (++it->n_cnames > it->env->limits.cname_chain) {
		fail_limit(it, "CNAME chain too long");
		return true;
	}
	struct wire_rr rr = set->rr[0];
	rr.owner = arena_dup(it->a, rr.owner, name_len(rr.owner));
	rr.rdata = arena_dup(it->a, rr.rdata, rr.rdlen);
	if (!rr.owner || !rr.rdata) {
		finish(it, DNS_RCODE_SERVFAIL);
		return true;
	}
	if (client) {
		iter_list_add(it, &it->answer, &rr);
		struct wire_rr *sigs = iter_copy_rrs(it, set->rr + set->count, set->n_extra);
		for (uint16_t i = 0; sigs && i < set->n_extra; i++)
			iter_list_add(it, &it->answer, &sigs[i]);
		iter_val_fold(it, set->security, set->reason, NULL);
	}
	memcpy(t->qname, rr.rdata, rr.rdlen);
	qmin_reset(t);
	return true;
}

/* Starts resolving an address of one of t's name servers that has none yet. */
static bool resolve_ns(struct iter *it, struct iter_target *t)
{
	for (unsigned i = 0; i < t->n_ns; i++) {
		struct iter_ns *ns = &t->ns[i];
		if (ns->state == NS_DONE || ns->state == NS_ASKED_AAAA)
			continue;
		if (it->n_glueless >= it->env->limits.glueless) {
			add_step(it, ITER_STEP_LIMIT, "too many name server look-ups");
			return false;
		}
		uint16_t type = ns->state == NS_UNRESOLVED ? DNS_TYPE_A : DNS_TYPE_AAAA;
		ns->state = type == DNS_TYPE_A ? NS_ASKED_A : NS_ASKED_AAAA;
		if (iter_push(it, ns->name, type)) {
			it->n_glueless++;
			return true;
		}
		ns->state = NS_DONE;
	}
	return false;
}

/* ---- the dispatcher ---- */

#define TCP_TIMEOUT_MIN_MS 1500 /* connect, query and a whole reply: a few round trips */

static void send_query(struct iter *it, struct iter_target *t, int srv, bool tcp,
		       uint64_t now_ms, struct iter_action *act)
{
	struct wire_builder b;
	const struct sockaddr *sa = (const struct sockaddr *)&t->srv[srv].addr;
	qmin_question(it, t, now_ms);
	size_t qlen = name_len(it->asked);
	it->cur = srv;
	it->cur_tcp = tcp;
	it->n_upstream++;
	/* 0x20 only over UDP: TCP cannot be forged by a blind attacker anyway. */
	it->cur_0x20 = !tcp && it->env->use_0x20 && infra_keeps_case(it->env->infra, sa);
	memcpy(it->sent_qname, it->asked, qlen);
	if (it->cur_0x20)
		name_randomize_case(it->sent_qname);
	/* A forwarder recurses for us (RD=1); when we validate, it is to give us the data to
	 * validate, not its own verdict (CD=1, RFC 4035 §3.2.2). */
	uint16_t flags = !t->fwd_rd ? 0 : it->env->dnssec ? DNS_FLAG_RD | DNS_FLAG_CD : DNS_FLAG_RD;
	wire_build_init(&b, act->query, sizeof(act->query), rand_u16(), flags);
	wire_build_question(&b, it->sent_qname, it->asked_type, it->qclass);
	wire_build_edns(&b, it->env->edns_size, 0, it->env->dnssec ? DNS_EDNS_FLAG_DO : 0, NULL, 0);
	act->query_len = wire_build_finish(&b);
	act->kind = ITER_SEND;
	memset(&act->addr, 0, sizeof(act->addr));
	memcpy(&act->addr, &t->srv[srv].addr, sizeof(t->srv[srv].addr));
	act->tcp = tcp;
	act->exact_case = it->cur_0x20;
	act->timeout_ms = it->cur_rto_ms = infra_rto_ms(it->env->infra, sa);
	/* TCP: a few round trips at the least, twice as long after each timeout. */
	uint32_t tcp_min = TCP_TIMEOUT_MIN_MS << t->srv[srv].timeouts;
	if (tcp && act->timeout_ms < tcp_min)
		act->timeout_ms = tcp_min;
	/* No query may outlive the time budget: answer within it, not after it. */
	uint64_t used = now_ms - it->start_ms, budget = it->env->limits.budget_ms;
	uint64_t left = used < budget ? budget - used : 1;
	if (act->timeout_ms > left)
		act->timeout_ms = (uint32_t)left;
}

/* Sends to server srv of t within the limit on upstream queries: true when act holds the
 * query, false when the limit ended the resolution. */
static bool ask(struct iter *it, struct iter_target *t, int srv, bool tcp, uint64_t now_ms,
		struct iter_action *act)
{
	if (it->n_upstream >= it->env->limits.upstream) {
		fail_limit(it, "too many upstream queries");
		return false;
	}
	send_query(it, t, srv, tcp, now_ms, act);
	return true;
}

/* Why t's zone had no server left, for the EDE of the SERVFAIL (the first such failure, the
 * deepest cause, is kept: a parent target failing after its sub-question says the same). */
static void no_server_failure(struct iter *it, const struct iter_target *t)
{
	if (it->fail_text)
		return;
	bool sent = false, replied = false;
	for (size_t i = it->n_steps; i-- > 0 && !replied;) {
		const struct iter_step *s = &it->steps[i];
		if (s->depth != it->sp - 1 || !name_equal(s->zone, t->zone) ||
		    s->kind == ITER_STEP_NO_SERVER || s->kind == ITER_STEP_VERDICT)
			continue;
		if (s->kind == ITER_STEP_FAILED)
			sent = true;
		else
			replied = true; /* a reply or a timeout: the network carried the query */
	}
	it->fail_code = sent && !replied ? ITER_EDE_NETWORK_ERROR : ITER_EDE_NO_REACHABLE;
	char *text = arena_alloc(it->a, NAME_MAX_TEXT + 48);
	if (!text)
		return;
	struct buf_out b;
	buf_out_init(&b, (uint8_t *)text, NAME_MAX_TEXT + 47);
	buf_puts(&b, t->n_srv ? "no server of " : "no address for a server of ");
	name_to_text(t->zone, &b);
	buf_puts(&b, t->n_srv ? " answered" : "");
	text[b.len] = 0;
	it->fail_text = text;
}

/* Unbound's parent-side fallback: every address the cache gave for the servers of t's zone
 * failed. Those may be the child's own address records, which replace the parent's glue in
 * the cache (higher trust) and can differ from it: so the parent is asked for the delegation
 * again, and its glue tried. Once per target; not after a referral of this resolution, whose
 * glue was tried already. */
static bool parent_fallback(struct iter *it, struct iter_target *t, uint64_t now_ms)
{
	if (t->parent_tried || !t->zone_cached || t->zone[0] == 0)
		return false;
	t->parent_tried = true;
	uint8_t child[NAME_MAX_WIRE];
	memcpy(child, t->zone, name_len(t->zone));
	if (!find_cut(it, t, name_parent(child), now_ms))
		return false;
	t->zone_cached = false; /* the parent's servers: no second fallback from there */
	t->qmin_labels = 0;
	add_step(it, ITER_STEP_NO_SERVER, "the child's server addresses failed: the parent asked");
	return true;
}

/* Every server of t's forward or stub zone failed: with first set, the zone is given up for
 * the rest of the resolution and t iterates as if it were not configured. */
static bool fwd_fallback(struct iter *it, struct iter_target *t)
{
	if (!t->fwd || !t->fwd->first || it->n_fwd_down == ITER_MAX_FWD_DOWN)
		return false;
	it->fwd_down[it->n_fwd_down++] = t->fwd;
	add_step(it, ITER_STEP_NO_SERVER,
		 t->fwd_rd ? "every forwarder failed: iterating instead"
			   : "every stub server failed: iterating instead");
	new_zone(t);
	t->state = T_FIND_CUT;
	t->qmin_labels = 0;
	return true;
}

/* One step of the top target; true when act holds a query to send. */
static bool step_target(struct iter *it, uint64_t now_ms, struct iter_action *act)
{
	struct iter_target *t = top(it);
	if (t->state == T_FIND_CUT) {
		if (from_cache(it, t, now_ms))
			return false;
		/* A DS RRset lives in the parent zone (RFC 4035 §3.1.4.1): at a zone's apex, its
		 * DS is asked of the servers of the zone above, never of its own. */
		if (!find_cut(it, t,
			      t->qtype == DNS_TYPE_DS && t->qname[0] ? name_parent(t->qname)
								     : t->qname,
			      now_ms)) {
			struct iter_target *p = iter_push(it, root_name, DNS_TYPE_NS);
			if (p)
				p->priming = true;
			else
				it->prime_failed = true;
			return false;
		}
		t->state = T_QUERY;
	}
	if (!iter_val_zone_ready(it, t, now_ms))
		return false; /* a DS or DNSKEY question of the chain goes first */
	unsigned down = 0;
	int srv = pick(it, t, now_ms, &down);
	if (srv >= 0)
		return ask(it, t, srv, it->env->tcp_only, now_ms, act);
	if (resolve_ns(it, t))
		return false;
	it->cur = -1;
	if (down)
		add_step(it, ITER_STEP_NO_SERVER, "every server left is down: not asked until its probe");
	if (parent_fallback(it, t, now_ms) || fwd_fallback(it, t))
		return false;
	if (!down)
		add_step(it, ITER_STEP_NO_SERVER, "no server of the zone left to ask");
	no_server_failure(it, t);
	pop(it, DNS_RCODE_SERVFAIL, now_ms);
	return false;
}

/* The time budget ran out. While forwarders were being asked, their silence is the cause
 * (EDE 22, as when their tries run out first), not the budget. */
static void out_of_time(struct iter *it)
{
	struct iter_target *t = top(it);
	bool fwd = t->fwd_rd && !it->fail_text;
	if (fwd)
		no_server_failure(it, t);
	uint16_t code = it->fail_code;
	const char *text = it->fail_text;
	fail_limit(it, "time budget used up");
	if (fwd) {
		it->fail_code = code;
		it->fail_text = text;
	}
}

static void advance(struct iter *it, uint64_t now_ms, struct iter_action *act)
{
	while (!it->done) {
		if (now_ms - it->start_ms >= it->env->limits.budget_ms) {
			out_of_time(it);
			break;
		}
		if (step_target(it, now_ms, act))
			return;
	}
	act->kind = ITER_DONE;
}

struct iter *iter_new(struct arena *a, const struct iter_env *env, const uint8_t *qname,
		      uint16_t qtype, uint16_t qclass, uint64_t now_ms, uint32_t wall_s)
{
	struct iter *it = arena_alloc(a, sizeof(*it));
	if (!it)
		return NULL;
	memset(it, 0, sizeof(*it));
	it->a = a;
	it->env = env;
	it->qclass = qclass;
	it->start_ms = now_ms;
	it->cur = -1;
	it->scratch_cap = SCRATCH_FIRST;
	it->scratch = arena_alloc(a, SCRATCH_FIRST);
	it->wall_s = wall_s;
	it->sec = VAL_SECURE; /* until a part says otherwise */
	if (env->dnssec)
		val_budget_init(&it->budget, &env->dnssec->limits);
	if (!it->scratch || !iter_push(it, qname, qtype))
		return NULL;
	it->stack[0]->validate = env->dnssec != NULL;
	return it;
}

void iter_start(struct iter *it, uint64_t now_ms, struct iter_action *act)
{
	advance(it, now_ms, act);
}

/* The question in the reply must be the one asked (the transport checks too; this is cheap). */
static bool matches(const struct iter *it, const struct wire_msg *m)
{
	return m->has_question && (m->flags & DNS_FLAG_QR) &&
	       DNS_OPCODE(m->flags) == DNS_OPCODE_QUERY && m->q.type == it->asked_type &&
	       m->q.rclass == it->qclass && name_equal(m->q.name, it->asked);
}

static const char *const lame_note = "lame: referral up or sideways, or no AA";

/* What a reply may change of the client's answer: kept, to take a bogus reply back. */
struct undo {
	size_t n_answer, n_authority;
	enum val_state sec;
	enum val_reason reason;
	const uint8_t *zone;
	unsigned n_cnames;
	uint8_t qname[NAME_MAX_WIRE];
};

static void undo_save(const struct iter *it, const struct iter_target *t, struct undo *u)
{
	*u = (struct undo){ it->answer.n, it->authority.n, it->sec, it->sec_reason, it->sec_zone,
			    it->n_cnames, { 0 } };
	memcpy(u->qname, t->qname, name_len(t->qname));
}

/* True when the reply just judged made the client's answer bogus and the question may be
 * asked again: then the answer is as it was before the reply, and the server may be asked
 * again too (a forger must win the race once more). */
static bool bogus_retry(struct iter *it, struct iter_target *t, const struct undo *u)
{
	/* Only a reply can be forged: when the zone's keys are bogus, asking again is no use. */
	if (t != it->stack[0] || it->sec != VAL_BOGUS || u->sec == VAL_BOGUS ||
	    it->n_bogus >= ITER_BOGUS_RETRIES || iter_val_zone_security(it, t) != CACHE_SEC_SECURE)
		return false;
	it->n_bogus++;
	it->answer.n = u->n_answer;
	it->authority.n = u->n_authority;
	it->sec = u->sec;
	it->sec_reason = u->reason;
	it->sec_zone = u->zone;
	it->n_cnames = u->n_cnames;
	memcpy(t->qname, u->qname, name_len(u->qname));
	t->srv[it->cur].done = false;
	return true;
}

/* The relaxed fallback, as Unbound's: a server that answers a minimised query with an error or
 * NXDOMAIN may be one that mishandles empty non-terminals (RFC 9156 §3 leaves such servers to
 * the resolver), so the same server is asked the full question, once. */
static void qmin_fallback(struct iter *it, struct iter_target *t)
{
	t->qmin_off = true;
	t->qmin_labels = name_labels(t->qname);
	t->srv[it->cur].done = false;
}

/* Handles a parsed reply of the query in flight; true when act holds a query to send now. */
static bool handle(struct iter *it, const struct wire_msg *m, struct iter_step *s,
		   uint64_t now_ms, struct iter_action *act)
{
	struct iter_target *t = top(it);
	const struct sockaddr *sa = (const struct sockaddr *)&t->srv[it->cur].addr;
	if ((m->flags & DNS_FLAG_TC) && !it->cur_tcp) {
		s->kind = ITER_STEP_TRUNCATED;
		return ask(it, t, it->cur, true, now_ms, act);
	}
	if (m->rcode != DNS_RCODE_NOERROR && m->rcode != DNS_RCODE_NXDOMAIN && it->cur_min &&
	    it->env->qmin == ITER_QMIN_RELAXED) {
		s->kind = ITER_STEP_RCODE;
		s->note = "an error to a minimised query: the full question asked";
		qmin_fallback(it, t);
		return false;
	}
	if (m->rcode != DNS_RCODE_NOERROR && m->rcode != DNS_RCODE_NXDOMAIN) {
		/* REFUSED: the server does not serve the zone (NSD and Knot answer so), lame for
		 * it as a referral upwards would be; a forwarder's is of the question (a policy
		 * of its own). SERVFAIL may pass: the server is kept. */
		s->kind = ITER_STEP_RCODE;
		if (m->rcode == DNS_RCODE_REFUSED && !t->fwd_rd) {
			s->note = "refused: lame for the zone";
			infra_set_lame(it->env->infra, sa, t->zone, now_ms);
		}
		return false;
	}
	const struct wire_rr *ns_rr = NULL;
	size_t n_ns, si = (size_t)(s - it->steps);
	struct undo u;
	undo_save(it, t, &u);
	enum iter_reply_kind k = it->cur_min ? iter_reply_minimised(it, t, m, now_ms, &ns_rr, &n_ns)
				 : iter_reply_classify(it, t, m, now_ms, &ns_rr, &n_ns);
	s = &it->steps[si]; /* validation may have added steps: the array may have moved */
	if (k != REPLY_RETRY && bogus_retry(it, t, &u)) {
		s->kind = ITER_STEP_BOGUS;
		s->note = "the reply does not validate: asked again";
		return false;
	}
	switch (k) {
	case REPLY_ANSWER:
		s->kind = ITER_STEP_ANSWER;
		pop(it, DNS_RCODE_NOERROR, now_ms);
		break;
	case REPLY_CNAME:
		s->kind = ITER_STEP_CNAME;
		s->target = arena_dup(it->a, t->qname, name_len(t->qname));
		t->state = T_FIND_CUT;
		qmin_reset(t);
		break;
	case REPLY_NO_CUT:
		s->kind = ITER_STEP_NODATA;
		s->note = "no zone cut at the minimised name: one label more";
		t->srv[it->cur].done = false;
		qmin_grow(it, t, t->qmin_labels);
		break;
	case REPLY_REFERRAL:
		s->kind = ITER_STEP_REFERRAL;
		s->target = arena_dup(it->a, ns_rr->owner, name_len(ns_rr->owner));
		if (++it->n_referrals > it->env->limits.referrals) {
			fail_limit(it, "too many referrals");
			break;
		}
		load_referral(it, t, m, ns_rr, now_ms);
		break;
	case REPLY_NXDOMAIN:
		if (it->cur_min && it->env->qmin == ITER_QMIN_RELAXED) {
			s->kind = ITER_STEP_NXDOMAIN;
			s->note = "NXDOMAIN to a minimised query: the full question asked";
			qmin_fallback(it, t);
			break;
		}
		/* fall through */
	case REPLY_NODATA:
		s->kind = k == REPLY_NXDOMAIN ? ITER_STEP_NXDOMAIN : ITER_STEP_NODATA;
		pop(it, k == REPLY_NXDOMAIN ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR, now_ms);
		break;
	case REPLY_LAME:
		s->kind = ITER_STEP_LAME;
		s->note = lame_note;
		infra_set_lame(it->env->infra, sa, t->zone, now_ms);
		break;
	case REPLY_LIMIT:
		fail_limit(it, "CNAME chain too long");
		break;
	case REPLY_RETRY:
		s->kind = ITER_STEP_KEYS;
		s->note = "signed by a zone below: its keys first, then asked again";
		t->srv[it->cur].done = false;
		break;
	}
	return false;
}

void iter_reply(struct iter *it, const uint8_t *reply, size_t len, uint32_t rtt_ms,
		uint64_t now_ms, struct iter_action *act)
{
	struct iter_target *t = top(it);
	struct iter_step *s = add_step(it, ITER_STEP_MALFORMED, NULL);
	struct wire_msg m;
	infra_rtt(it->env->infra, (struct sockaddr *)&t->srv[it->cur].addr, rtt_ms);
	if (s) {
		step_server(it, s);
		s->rtt_ms = rtt_ms;
		s->reply_len = len;
		if (it->env->keep_replies)
			s->reply = arena_dup(it->a, reply, len);
	}
	enum err e = wire_parse(reply, len, it->a, &m);
	if (e == ERR_OK && s)
		s->rcode = m.rcode;
	if (e == ERR_OK && it->cur_0x20)
		iter_reply_restore_case(&m, it->sent_qname, it->asked);
	/* TC=1 over UDP goes to TCP even when the rest is cut short or the question is left out
	 * (the transport matched its ID): only the full reply over TCP is judged. */
	bool tc = !it->cur_tcp && len >= DNS_HEADER_SIZE && (m.flags & DNS_FLAG_TC) &&
		  (m.flags & DNS_FLAG_QR);
	/* A reply ends the server's part in this target, whatever it says; after TC=1 the TCP
	 * query carries on this try (a TCP timeout counts as one of its timeouts). */
	t->srv[it->cur].done = !tc;
	if (!tc && (e != ERR_OK || !matches(it, &m))) {
		if (s)
			s->note = e != ERR_OK ? err_str(e) : "reply does not match the question";
	} else if (s && handle(it, &m, s, now_ms, act)) {
		return;
	}
	advance(it, now_ms, act);
}

/* A step for the query in flight that brought no reply to judge. */
static void server_step(struct iter *it, enum iter_step_kind kind, const char *why,
			uint32_t rtt_ms)
{
	struct iter_step *s = add_step(it, kind, why);
	step_server(it, s);
	if (s)
		s->rtt_ms = rtt_ms;
}

static void no_reply(struct iter *it, enum iter_step_kind kind, const char *why,
		     uint32_t rtt_ms, uint64_t now_ms, struct iter_action *act)
{
	struct iter_srv *v = &top(it)->srv[it->cur];
	server_step(it, kind, why, rtt_ms);
	/* A timeout may be a lost datagram: the server stays in the running (pick). A failure
	 * (refused, unreachable) will not mend within this resolution. Both slow it down. */
	if (kind == ITER_STEP_TIMEOUT)
		v->timeouts++;
	else
		v->done = true;
	infra_timeout(it->env->infra, (struct sockaddr *)&v->addr,
		      kind == ITER_STEP_TIMEOUT ? it->cur_rto_ms : 0, now_ms);
	advance(it, now_ms, act);
}

void iter_timeout(struct iter *it, uint32_t rtt_ms, uint64_t now_ms, struct iter_action *act)
{
	no_reply(it, ITER_STEP_TIMEOUT, "timed out", rtt_ms, now_ms, act);
}

void iter_failed(struct iter *it, const char *why, uint32_t rtt_ms, uint64_t now_ms,
		 struct iter_action *act)
{
	no_reply(it, ITER_STEP_FAILED, why, rtt_ms, now_ms, act);
}

void iter_case_mismatch(struct iter *it, uint32_t rtt_ms, uint64_t now_ms,
			struct iter_action *act)
{
	struct iter_target *t = top(it);
	server_step(it, ITER_STEP_TIMEOUT,
		    "replies in another case than the 0x20 query: asked without", rtt_ms);
	infra_set_no_0x20(it->env->infra, (struct sockaddr *)&t->srv[it->cur].addr);
	if (!ask(it, t, it->cur, false, now_ms, act))
		act->kind = ITER_DONE;
}

const char *iter_failure(const struct iter *it, uint16_t *code)
{
	*code = it->fail_code;
	return it->rcode == DNS_RCODE_SERVFAIL ? it->fail_text : NULL;
}

enum val_state iter_security(const struct iter *it, enum val_reason *reason,
			     const uint8_t **zone)
{
	*reason = it->sec_reason;
	*zone = it->sec_zone;
	if (!it->env->dnssec) {
		*reason = VAL_R_OK;
		return VAL_INDETERMINATE;
	}
	return it->sec;
}

static bool dnssec_type(uint16_t type)
{
	return type == DNS_TYPE_RRSIG || type == DNS_TYPE_NSEC || type == DNS_TYPE_NSEC3;
}

size_t iter_extra_answer(const struct wire_rr *set, const struct wire_rr *extra, size_t n)
{
	size_t k = 0;
	while (k < n && extra[k].type == DNS_TYPE_RRSIG && extra[k].rdlen >= 2 &&
	       (extra[k].rdata[0] << 8 | extra[k].rdata[1]) == set->type &&
	       name_equal(extra[k].owner, set->owner))
		k++;
	return k;
}

size_t iter_strip_dnssec(const struct wire_rr *rr, size_t n, uint16_t qtype, bool answer,
			 struct wire_rr *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!dnssec_type(rr[i].type) || (answer && rr[i].type == qtype))
			out[k++] = rr[i];
	return k;
}

unsigned iter_result(const struct iter *it, const struct wire_rr **answer, size_t *n_answer,
		     const struct wire_rr **authority, size_t *n_authority)
{
	*answer = it->answer.rr;
	*n_answer = it->answer.n;
	*authority = it->authority.rr;
	*n_authority = it->authority.n;
	return it->rcode;
}

const struct iter_step *iter_trace(const struct iter *it, size_t *n)
{
	*n = it->n_steps;
	return it->steps;
}
