/* resolver/server/server_query.c: answering one query: the checks, the cache hit path, and the
 * resolutions in flight that answer later.
 *
 * Order of checks (each failure has one response, STYLE §4): too short or a response (QR=1):
 * dropped and counted; client not allowed (never on a toy-internet address): REFUSED for a
 * well-formed QUERY, anything else dropped, so a stranger gets nothing but that one answer;
 * malformed: FORMERR; not QUERY: NOTIMP; EDNS version above 0: BADVERS (RFC 6891 §6.1.3); not
 * class IN, or a zone transfer: REFUSED.
 * Then the cache answers, or with RD=0 the closest known delegation does (no upstream
 * traffic), or a resolution starts, or joins one already in flight for the same question.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "log.h"
#include "rdata.h"
#include "server_priv.h"

#define REPLY_CAP DNS_MSG_MAX
#define EDE_OTHER 0          /* RFC 8914 §4.1 */
#define EDE_PROHIBITED 18    /* §4.19: an access refusal */
#define EDE_NOT_SUPPORTED 21 /* §4.22 */

static struct snapshot *snapshot(const struct worker *w)
{
	return atomic_load_explicit(&w->s->snap, memory_order_acquire);
}

/* ---- counting and the query log ---- */

static void bump(atomic_uint_fast64_t *c)
{
	atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static void count_qtype(struct worker *w, uint16_t type)
{
	size_t i = 0;
	while (i < SERVER_QTYPES && server_qtypes[i] != type)
		i++;
	bump(&w->st.qtype[i]);
}

/* A reply to a recursive client is going out, ms after its query came: counted by rcode and
 * time taken, and logged when log.queries is on. */
static void account(struct worker *w, const struct client *c, const struct answer_req *req,
		    const uint8_t *reply, size_t len, uint64_t ms, bool cached)
{
	if (len < DNS_HEADER_SIZE)
		return;
	unsigned rcode = reply[3] & 15u;
	size_t b = 0;
	while (b < SERVER_LATENCY_BUCKETS && ms > server_latency_ms[b])
		b++;
	bump(&w->st.rcode[rcode]);
	bump(&w->st.latency[b]);
	if (ms) /* the hit path answers within the loop's millisecond: nothing to add */
		atomic_fetch_add_explicit(&w->st.latency_sum_ms, ms, memory_order_relaxed);
	if (!snapshot(w)->cfg->log_queries || !log_enabled(LOG_INFO))
		return;
	char addr[INET6_ADDRSTRLEN + 8], q[NAME_MAX_TEXT], t[16];
	struct buf_out bq, bt;
	buf_out_init(&bq, q, sizeof(q) - 1);
	buf_out_init(&bt, t, sizeof(t) - 1);
	name_to_text(req->q.name, &bq);
	rdata_type_to_text(req->q.type, &bt);
	q[bq.len] = 0;
	t[bt.len] = 0;
	server_addr_text(&c->peer, addr, sizeof(addr));
	struct log_query lq = { addr, q, t, server_rcode_name(rcode), cached, (uint32_t)ms };
	log_query(&lq);
}

/* A client gets SERVFAIL: counted by reason and logged at level info with it. */
static void servfail(struct worker *w, const struct answer_req *req, enum server_servfail why,
		     const char *detail)
{
	bump(&w->st.servfail);
	bump(&w->st.servfail_why[why]);
	if (!log_enabled(LOG_INFO))
		return;
	char q[NAME_MAX_TEXT + 16];
	struct buf_out b;
	buf_out_init(&b, q, sizeof(q) - 1);
	name_to_text(req->q.name, &b);
	buf_puts(&b, " ");
	rdata_type_to_text(req->q.type, &b);
	q[b.len] = 0;
	log_msg(LOG_INFO, "SERVFAIL for %s: %s%s%s", q, server_servfail_name(why),
		detail ? ": " : "", detail ? detail : "");
}

/* A cache read into the worker's scratch buffer: the RRset of req's question (cut false), or
 * the closest zone cut above its name (cut true). The buffer grows when an entry needs more;
 * a miss when it cannot. */
static enum cache_res cache_read(struct worker *w, const struct answer_req *req, bool cut,
				 uint32_t now_s)
{
	struct cache_key k = { req->q.name, req->q.type, req->q.rclass };
	size_t used;
	for (;;) {
		struct cache_rrset *set = (struct cache_rrset *)w->scratch;
		enum cache_res r =
			cut ? cache_get_cut(w->s->cache, k.name, k.rclass, now_s, set,
					    w->scratch_cap, &used)
			    : cache_get(w->s->cache, &k, CACHE_TRUST_ANSWER, now_s, set,
					w->scratch_cap, &used);
		if (r != CACHE_SPACE)
			return r;
		uint8_t *bigger = malloc(used);
		if (!bigger)
			return CACHE_MISS;
		free(w->scratch);
		w->scratch = bigger;
		w->scratch_cap = used;
	}
}

/* ---- DNSSEC in replies ---- */

/* RFC 6840 §5.7, §5.8: AD=1 for secure data, to clients that set DO or AD. */
static uint16_t ad_flag(const struct answer_req *req, bool secure)
{
	return secure && (req->dnssec_ok || (req->qflags & DNS_FLAG_AD)) ? DNS_FLAG_AD : 0;
}

/* Bogus data is SERVFAIL with an EDE (RFC 8914) naming the zone and the reason, unless the
 * client set CD (RFC 4035 §3.2.2: it validates itself): true when req gets data. */
static bool bogus_passes(const struct answer_req *req)
{
	return req->qflags & DNS_FLAG_CD;
}

static size_t bogus_reply(struct worker *w, uint8_t *out, size_t cap,
			  const struct answer_req *req, enum val_reason reason, const uint8_t *zone)
{
	char text[NAME_MAX_TEXT + 64];
	struct buf_out b;
	buf_out_init(&b, (uint8_t *)text, sizeof(text) - 1);
	if (zone) {
		name_to_text(zone, &b);
		buf_puts(&b, ": ");
	}
	buf_puts(&b, val_reason_str(reason));
	text[b.len] = 0;
	int code = val_reason_ede(reason);
	struct answer_ede ede = { (uint16_t)(code < 0 ? 6 : code), text }; /* 6: DNSSEC Bogus */
	servfail(w, req, SERVER_SERVFAIL_BOGUS, text);
	return answer_error(out, cap, req, true, DNS_RCODE_SERVFAIL, &ede);
}

/* Whether a cached entry may answer: not when validation is on and it was stored unchecked
 * under a trust anchor (an NS address the iterator looked up for itself): a resolution then
 * validates it and replaces it. */
static bool servable(const struct snapshot *snap, const struct answer_req *req,
		     const struct cache_rrset *set)
{
	const struct iter_dnssec *d = snap->env.dnssec;
	if (!d || set->security != CACHE_SEC_UNCHECKED)
		return true;
	return !val_anchor_find(d->anchors, req->q.name) ||
	       val_anchor_negative(d->anchors, req->q.name);
}

/* The hit path: the RRset, or a denial with its SOA, straight from the cache; with DO=1 the
 * RRSIGs (and a denial's NSEC or NSEC3 proof) stored with it. */
static size_t from_cache(struct worker *w, const struct snapshot *snap,
			 const struct answer_req *req, uint32_t now_s, uint8_t *out, size_t cap)
{
	enum cache_res r = cache_read(w, req, false, now_s);
	if (r != CACHE_HIT && r != CACHE_NXDOMAIN && r != CACHE_NODATA)
		return 0;
	const struct cache_rrset *set = (const struct cache_rrset *)w->scratch;
	if (!servable(snap, req, set))
		return 0;
	atomic_fetch_add_explicit(&w->st.cache_hits, 1, memory_order_relaxed);
	if (set->security == CACHE_SEC_BOGUS && !bogus_passes(req))
		return bogus_reply(w, out, cap, req, (enum val_reason)set->reason, NULL);
	uint16_t flags = ad_flag(req, set->security == CACHE_SEC_SECURE);
	size_t n = (size_t)set->count + (req->dnssec_ok ? set->n_extra : 0);
	if (r == CACHE_HIT) {
		size_t n_an = set->count;
		if (req->dnssec_ok)
			n_an += iter_extra_answer(set->rr, set->rr + set->count, set->n_extra);
		return answer_build(out, cap, req, DNS_RCODE_NOERROR, flags, set->rr, n_an,
				    set->rr + n_an, n - n_an);
	}
	return answer_build(out, cap, req,
			    r == CACHE_NXDOMAIN ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR, flags,
			    NULL, 0, set->rr, n);
}

/* RD=0: answer from the cache only; on a miss, with the closest delegation we know (as BIND
 * does), never by asking upstream. */
static size_t cache_only(struct worker *w, const struct answer_req *req, uint32_t now_s,
			 uint8_t *out, size_t cap)
{
	enum cache_res r = cache_read(w, req, true, now_s);
	const struct cache_rrset *set = (const struct cache_rrset *)w->scratch;
	static const struct answer_ede not_cached = { EDE_OTHER, "RD=0 and nothing cached" };
	if (r != CACHE_HIT) {
		servfail(w, req, SERVER_SERVFAIL_CACHE_ONLY, "RD=0 and no delegation cached");
		return answer_error(out, cap, req, true, DNS_RCODE_SERVFAIL, &not_cached);
	}
	return answer_build(out, cap, req, DNS_RCODE_NOERROR, 0, NULL, 0, set->rr, set->count);
}

/* ---- resolutions in flight ---- */

static uint32_t flight_hash(const uint8_t *name, uint16_t type, uint16_t rclass)
{
	return name_hash(name) ^ ((uint32_t)type * 2654435761u) ^ rclass;
}

static struct flight *flight_find(struct worker *w, const struct answer_req *req, uint32_t h)
{
	for (struct flight *f = w->flights[h % FLIGHT_BUCKETS]; f; f = f->next)
		if (f->hash == h && f->qtype == req->q.type && f->qclass == req->q.rclass &&
		    name_equal(f->qname, req->q.name))
			return f;
	return NULL;
}

static void flight_unlink(struct flight *f)
{
	struct worker *w = f->w;
	struct flight **pp = &w->flights[f->hash % FLIGHT_BUCKETS];
	while (*pp != f)
		pp = &(*pp)->next;
	*pp = f->next;
	*(f->older ? &f->older->newer : &w->oldest) = f->newer;
	*(f->newer ? &f->newer->older : &w->newest) = f->older;
	w->n_flights--;
}

#define TRIM_AFTER 256 /* resolutions in flight at once that make memory worth giving back */

static void flight_free(struct flight *f)
{
	struct worker *w = f->w;
	while (f->waiters) {
		struct waiter *wt = f->waiters;
		f->waiters = wt->next;
		if (wt->c.conn)
			io_conn_release(wt->c.conn);
		free(wt);
	}
	arena_free(f->a);
	reclaim_drop(&f->snap->node);
	free(f);
	/* A flood is over: give its memory back to the system (glibc keeps freed memory). */
	if (w->n_flights == 0 && w->peak_flights >= TRIM_AFTER) {
		w->peak_flights = 0;
		malloc_trim(0);
	}
}

static void log_trace(const struct flight *f)
{
	size_t n;
	const struct iter_step *s = iter_trace(f->it, &n);
	for (size_t i = 0; i < n; i++, s++) {
		char q[NAME_MAX_TEXT + 16], srv[NAME_MAX_TEXT + 64], z[NAME_MAX_TEXT];
		struct buf_out bq, bs, bz;
		buf_out_init(&bq, q, sizeof(q));
		buf_out_init(&bs, srv, sizeof(srv));
		buf_out_init(&bz, z, sizeof(z));
		name_to_text(s->qname, &bq);
		buf_puts(&bq, " ");
		rdata_type_to_text(s->qtype, &bq);
		name_to_text(s->zone, &bz);
		if (s->server_name)
			name_to_text(s->server_name, &bs);
		else
			buf_puts(&bs, "-");
		if (s->kind == ITER_STEP_VERDICT) {
			static const char *const states[] = { "unchecked", "secure", "insecure",
							      "bogus" };
			log_msg(LOG_DEBUG, "trace %u: %s%s in %s: %s: %s (key %u, algorithm %u)",
				s->depth, s->denial ? "no " : "", q, z,
				states[s->security & 3], s->note, s->key_tag, s->algorithm);
			continue;
		}
		log_msg(LOG_DEBUG, "trace %u: %s: asked %s for %s over %s: %s in %u ms%s%s", s->depth,
			q, srv, z, s->tcp ? "TCP" : "UDP", iter_step_name(s->kind), s->rtt_ms,
			s->note ? ": " : "", s->note ? s->note : "");
	}
}

/* Why a resolution ended in SERVFAIL, from its last step, and the step's note. */
static enum server_servfail failure_reason(const struct flight *f, const char **detail)
{
	size_t n;
	const struct iter_step *s = iter_trace(f->it, &n);
	*detail = n ? s[n - 1].note : NULL;
	if (n && s[n - 1].kind == ITER_STEP_LIMIT)
		return SERVER_SERVFAIL_LIMIT;
	if (n && s[n - 1].kind == ITER_STEP_NO_SERVER)
		return SERVER_SERVFAIL_NO_SERVER;
	*detail = NULL;
	return SERVER_SERVFAIL_OTHER;
}

/* What a resolution gives its clients. */
struct outcome {
	unsigned rcode;
	const struct wire_rr *an, *ns; /* with RRSIGs and proofs (for DO=1 clients) */
	size_t n_an, n_ns;
	struct wire_rr *an_plain, *ns_plain; /* without (for the others), made when needed */
	size_t n_an_plain, n_ns_plain;
	enum val_state sec;
	enum val_reason reason;
	const uint8_t *zone;
	enum server_servfail why; /* for SERVFAIL */
	const char *detail;
	struct answer_ede ede; /* for SERVFAIL: why (RFC 8914); text NULL: none known */
};

/* The reply of one waiting client into out. */
static size_t outcome_reply(struct flight *f, struct outcome *o, const struct answer_req *req,
			    uint8_t *out, size_t cap)
{
	if (o->rcode == DNS_RCODE_SERVFAIL) {
		servfail(f->w, req, o->why, o->detail);
		return answer_error(out, cap, req, true, o->rcode, o->ede.text ? &o->ede : NULL);
	}
	if (o->sec == VAL_BOGUS && !bogus_passes(req))
		return bogus_reply(f->w, out, cap, req, o->reason, o->zone);
	static const struct answer_ede oom = { EDE_OTHER, "out of memory" };
	uint16_t flags = ad_flag(req, o->sec == VAL_SECURE);
	if (req->dnssec_ok)
		return answer_build(out, cap, req, o->rcode, flags, o->an, o->n_an, o->ns, o->n_ns);
	if (!o->an_plain && !o->ns_plain) {
		o->an_plain = arena_alloc(f->a, (o->n_an + 1) * sizeof(struct wire_rr));
		o->ns_plain = arena_alloc(f->a, (o->n_ns + 1) * sizeof(struct wire_rr));
		if (!o->an_plain || !o->ns_plain) {
			servfail(f->w, req, SERVER_SERVFAIL_OTHER, "out of memory");
			return answer_error(out, cap, req, true, DNS_RCODE_SERVFAIL, &oom);
		}
		o->n_an_plain = iter_strip_dnssec(o->an, o->n_an, req->q.type, true, o->an_plain);
		o->n_ns_plain = iter_strip_dnssec(o->ns, o->n_ns, req->q.type, false, o->ns_plain);
	}
	return answer_build(out, cap, req, o->rcode, flags, o->an_plain, o->n_an_plain,
			    o->ns_plain, o->n_ns_plain);
}

/* Every waiting client gets its reply, and f is gone. */
static void flight_answer(struct flight *f, struct outcome *o)
{
	static _Thread_local uint8_t out[REPLY_CAP];
	flight_unlink(f);
	for (struct waiter *wt = f->waiters; wt; wt = wt->next) {
		size_t len = outcome_reply(f, o, &wt->req, out, sizeof(out));
		account(f->w, &wt->c, &wt->req, out, len, loop_now_ms(f->w->loop) - wt->start_ms,
			false);
		io_reply(f->w, &wt->c, out, len);
	}
	atomic_store_explicit(&f->w->n_flights_seen, f->w->n_flights, memory_order_relaxed);
	flight_free(f);
}

/* The resolution is over: every waiting client gets its reply. */
static void flight_complete(struct flight *f)
{
	struct outcome o = { 0 };
	o.rcode = iter_result(f->it, &o.an, &o.n_an, &o.ns, &o.n_ns);
	o.sec = iter_security(f->it, &o.reason, &o.zone);
	o.why = o.rcode == DNS_RCODE_SERVFAIL ? failure_reason(f, &o.detail)
					       : SERVER_SERVFAIL_OTHER;
	o.ede.text = iter_failure(f->it, &o.ede.code);
	if (log_enabled(LOG_DEBUG))
		log_trace(f);
	flight_answer(f, &o);
}

static void flight_run(struct flight *f, struct iter_action *act);

static void on_upstream(void *arg, const struct upstream_result *r)
{
	struct flight *f = arg;
	struct iter_action act;
	uint64_t now = loop_now_ms(f->w->loop);
	f->uq = NULL;
	if (r->status == UPSTREAM_TIMEOUT)
		bump(&f->w->st.timeouts);
	server_iter_event(f->it, r, now, &act);
	flight_run(f, &act);
}

void server_iter_event(struct iter *it, const struct upstream_result *r, uint64_t now_ms,
		       struct iter_action *act)
{
	if (r->status == UPSTREAM_REPLY)
		iter_reply(it, r->reply, r->len, r->rtt_ms, now_ms, act);
	else if (r->status == UPSTREAM_TIMEOUT && r->case_mismatch)
		iter_case_mismatch(it, r->rtt_ms, now_ms, act);
	else if (r->status == UPSTREAM_TIMEOUT)
		iter_timeout(it, r->rtt_ms, now_ms, act);
	else
		iter_failed(it, r->error, r->rtt_ms, now_ms, act);
}

/* Carries out the iterator's actions until one is a query in flight or the end. */
static void flight_run(struct flight *f, struct iter_action *act)
{
	while (act->kind == ITER_SEND) {
		bump(&f->w->st.upstream);
		if (act->tcp)
			bump(&f->w->st.tcp_fallbacks);
		unsigned flags = (act->tcp ? UPSTREAM_TCP : 0) | (act->exact_case ? UPSTREAM_0X20 : 0);
		f->uq = upstream_send(f->w->up, (struct sockaddr *)&act->addr, act->query,
				      act->query_len, flags, act->timeout_ms, on_upstream, f);
		if (f->uq)
			return;
		iter_failed(f->it, "cannot send (no route, or out of sockets or memory)", 0,
			    loop_now_ms(f->w->loop), act);
	}
	flight_complete(f);
}

static bool add_waiter(struct flight *f, const struct client *c, const struct answer_req *req,
		       uint64_t start_ms)
{
	if (f->n_waiters >= WAITERS_MAX)
		return false;
	struct waiter *wt = malloc(sizeof(*wt));
	if (!wt)
		return false;
	wt->c = *c;
	wt->req = *req;
	wt->start_ms = start_ms;
	wt->next = f->waiters;
	f->waiters = wt;
	f->n_waiters++;
	if (c->conn)
		c->conn->pending++;
	return true;
}

/* Every slot is taken: the oldest resolution gives its place up if it has run for JOSTLE_MS
 * (its clients get SERVFAIL), as Unbound's jostle-timeout does, so that a flood of questions
 * for slow zones cannot lock newcomers out. false when even the oldest is young. */
static bool jostle(struct worker *w)
{
	struct flight *f = w->oldest;
	if (!f || loop_now_ms(w->loop) - f->start_ms < JOSTLE_MS)
		return false;
	atomic_fetch_add_explicit(&w->st.jostled, 1, memory_order_relaxed);
	if (f->uq)
		upstream_cancel(w->up, f->uq);
	f->uq = NULL;
	struct outcome o = { .rcode = DNS_RCODE_SERVFAIL,
			     .why = SERVER_SERVFAIL_JOSTLED,
			     .detail = "given up for a newer question",
			     .ede = { EDE_OTHER, "given up for newer questions: too many in flight" } };
	flight_answer(f, &o); /* given up */
	return true;
}

/* Starts a resolution for req, or joins the one in flight. false when neither can be done
 * (limits, memory): the caller answers SERVFAIL. */
static bool resolve(struct worker *w, struct snapshot *snap, const struct client *c,
		    const struct answer_req *req)
{
	uint32_t h = flight_hash(req->q.name, req->q.type, req->q.rclass);
	struct flight *f = flight_find(w, req, h);
	if (f) {
		atomic_fetch_add_explicit(&w->st.joined, 1, memory_order_relaxed);
		return add_waiter(f, c, req, loop_now_ms(w->loop));
	}
	if (w->n_flights >= snap->cfg->server.resolutions_per_thread && !jostle(w))
		return false;
	if (!(f = calloc(1, sizeof(*f))))
		return false;
	f->w = w;
	f->snap = snap;
	reclaim_hold(&snap->node); /* until flight_free: reloads may come meanwhile */
	f->hash = h;
	memcpy(f->qname, req->q.name, name_len(req->q.name));
	name_lower(f->qname);
	f->qtype = req->q.type;
	f->qclass = req->q.rclass;
	f->a = arena_new();
	uint64_t now = loop_now_ms(w->loop);
	f->it = f->a ? iter_new(f->a, &snap->env, f->qname, f->qtype, f->qclass, now,
				    (uint32_t)time(NULL)) : NULL;
	if (!f->it || !add_waiter(f, c, req, now)) {
		flight_free(f);
		return false;
	}
	f->next = w->flights[h % FLIGHT_BUCKETS];
	w->flights[h % FLIGHT_BUCKETS] = f;
	f->start_ms = now;
	f->older = w->newest;
	*(w->newest ? &w->newest->newer : &w->oldest) = f;
	w->newest = f;
	if (++w->n_flights > w->peak_flights)
		w->peak_flights = w->n_flights;
	atomic_store_explicit(&w->n_flights_seen, w->n_flights, memory_order_relaxed);
	atomic_fetch_add_explicit(&w->st.resolutions, 1, memory_order_relaxed);
	struct iter_action act;
	iter_start(f->it, now, &act);
	flight_run(f, &act);
	return true;
}

void query_drop_all(struct worker *w)
{
	for (size_t b = 0; b < FLIGHT_BUCKETS; b++) {
		while (w->flights[b]) {
			struct flight *f = w->flights[b];
			w->flights[b] = f->next;
			if (f->uq)
				upstream_cancel(w->up, f->uq);
			flight_free(f);
		}
	}
	w->n_flights = 0;
	w->oldest = w->newest = NULL;
}

/* ---- one query ---- */

/* A client outside the access lists (issue 11, finding 7): REFUSED, no bigger than its query,
 * only for a well-formed QUERY; malformed bytes and other opcodes are dropped. */
static size_t refuse(struct worker *w, const struct wire_query *q, enum err e,
		     const struct answer_req *req, uint8_t *out, size_t cap)
{
	atomic_fetch_add_explicit(&w->st.refused, 1, memory_order_relaxed);
	if (e != ERR_OK || !q->has_question || DNS_OPCODE(q->flags) != DNS_OPCODE_QUERY)
		return 0;
	static const struct answer_ede prohibited = { EDE_PROHIBITED, "not in access.allow" };
	return answer_error(out, cap, req, true, DNS_RCODE_REFUSED, &prohibited);
}

/* The checks before any answer; returns an error reply's length, or 0 to go on. */
static size_t check(struct worker *w, const struct client *c,
		    const struct wire_query *q, enum err e, const struct answer_req *req,
		    uint8_t *out, size_t cap)
{
	unsigned rcode = DNS_RCODE_NOERROR;
	if (e != ERR_OK || !q->has_question) {
		atomic_fetch_add_explicit(&w->st.formerr, 1, memory_order_relaxed);
		return answer_error(out, cap, req, q->has_question, DNS_RCODE_FORMERR, NULL);
	}
	if (DNS_OPCODE(q->flags) != DNS_OPCODE_QUERY)
		rcode = DNS_RCODE_NOTIMP;
	else if (q->edns.present && q->edns.version > 0)
		rcode = DNS_RCODE_BADVERS;
	else if (c->lis->auth)
		return 0;
	else if (q->q.rclass != DNS_CLASS_IN || q->q.type == DNS_TYPE_AXFR ||
		 q->q.type == DNS_TYPE_IXFR || q->q.type == DNS_TYPE_OPT)
		rcode = DNS_RCODE_REFUSED;
	static const struct answer_ede unsupported = { EDE_NOT_SUPPORTED,
						       "only class IN, and no zone transfers" };
	if (rcode == DNS_RCODE_REFUSED)
		atomic_fetch_add_explicit(&w->st.refused, 1, memory_order_relaxed);
	return rcode ? answer_error(out, cap, req, true, rcode,
				    rcode == DNS_RCODE_REFUSED ? &unsupported : NULL)
		     : 0;
}

/* The recursive service's answer to a query that passed the checks. */
static size_t recursive(struct worker *w, struct snapshot *snap, const struct client *c,
			const struct wire_query *q, const struct answer_req *req, uint8_t *out,
			size_t cap)
{
	atomic_fetch_add_explicit(&w->st.queries, 1, memory_order_relaxed);
	count_qtype(w, req->q.type);
	struct local_answer la;
	switch (local_answer(snap->cfg->local, req->q.name, req->q.type, &la)) {
	case LOCAL_ANSWER:
		return answer_build(out, cap, req, la.rcode, DNS_FLAG_AA, la.an, la.n_an, la.ns,
				    la.n_ns);
	case LOCAL_DROP: return 0; /* deny: as Unbound, no answer at all */
	case LOCAL_RESOLVE: break;
	}
	uint32_t now_s = (uint32_t)(loop_now_ms(w->loop) / 1000);
	size_t n = from_cache(w, snap, req, now_s, out, cap);
	if (n)
		return n;
	if (!(q->flags & DNS_FLAG_RD))
		return cache_only(w, req, now_s, out, cap);
	if (resolve(w, snap, c, req))
		return 0;
	static const struct answer_ede busy = { EDE_OTHER, "too many resolutions in flight" };
	servfail(w, req, SERVER_SERVFAIL_OVERLOAD, "no room for another resolution");
	return answer_error(out, cap, req, true, DNS_RCODE_SERVFAIL, &busy);
}

size_t query_handle(struct worker *w, const struct client *c, const uint8_t *pkt, size_t len,
		    uint8_t *out, size_t cap)
{
	struct snapshot *snap = snapshot(w);
	struct wire_query q;
	struct answer_req req;
	enum err e = wire_parse_query(pkt, len, &q);
	if (len < DNS_HEADER_SIZE || (q.flags & DNS_FLAG_QR)) {
		atomic_fetch_add_explicit(&w->st.dropped, 1, memory_order_relaxed);
		return 0; /* nothing to answer to; never answer a response (no loops) */
	}
	bool rec = !c->lis->auth;
	answer_req_from(&req, &q, c->conn != NULL, snap->cfg->server.udp_size, rec);
	size_t n;
	if (rec && !config_client_allowed(snap->cfg, (const struct sockaddr *)&c->peer))
		n = refuse(w, &q, e, &req, out, cap);
	else if (!(n = check(w, c, &q, e, &req, out, cap)) && !rec && auth_xfr_asked(&q))
		return io_xfr_start(w, c, &q, pkt, len, out, cap);
	else if (!n && !rec)
		return auth_answer(atomic_load(&w->s->zones)->auth,
				   (const struct sockaddr *)&c->lis->local, &q, pkt, len,
				   req.max_size, out, cap);
	else if (!n)
		n = recursive(w, snap, c, &q, &req, out, cap);
	if (rec)
		account(w, c, &req, out, n, 0, true); /* answered within this wakeup */
	return n;
}
