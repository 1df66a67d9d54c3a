/* client/trace.c: qdig +trace, the walk and its printing.
 * SPDX-License-Identifier: MIT
 */
#include "trace.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dns.h"
#include "hints.h"
#include "infra.h"
#include "iterator.h"
#include "json.h"
#include "loop.h"
#include "print.h"
#include "rand.h"
#include "rdata.h"
#include "upstream.h"

#define TRACE_CACHE_SIZE (8u << 20)
#define TRACE_TIMEOUT_MAX_MS 2000 /* first timeout per server: a dead one costs this much */

struct tracer {
	const struct qdig_opts *o;
	FILE *out;
	struct json j;
	struct arena *a;
	struct loop *loop;
	struct upstream *up;
	struct cache *cache;
	struct infra *infra;
	struct hints hints;
	struct iter_env env;
	size_t printed;          /* steps printed so far */
	struct upstream_result r; /* the last result, its reply copied */
	uint8_t reply[DNS_MSG_MAX];
	bool have_result;
};

/* ---- printing ---- */

static const char *name_text(const uint8_t *name, char *buf, size_t cap)
{
	struct buf_out out;
	buf_out_init(&out, buf, cap);
	if (name)
		name_to_text(name, &out);
	else
		buf_puts(&out, "-");
	return buf;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof(a));
		port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof(a));
		port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	}
	snprintf(buf, cap, "%s#%u", a, port);
}

/* The server name as dig shows it in "from 127.0.0.1#53(name)": without the final dot. */
static void server_text(const struct iter_step *s, char *buf, size_t cap)
{
	name_text(s->server_name, buf, cap);
	size_t n = strlen(buf);
	if (n > 1 && buf[n - 1] == '.')
		buf[n - 1] = 0;
}

/* Prints the answer and authority records of a step's reply, as dig +trace does. */
static void print_records(struct tracer *t, const struct iter_step *s, const char *indent)
{
	struct wire_msg m;
	if (!s->reply || wire_parse(s->reply, s->reply_len, t->a, &m) != ERR_OK)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return;
	print_section(mem, &m, WIRE_ANSWER);
	print_section(mem, &m, WIRE_AUTHORITY);
	fclose(mem);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		fprintf(t->out, "%s%s\n", indent, line);
	free(text);
}

static const char *what_next(enum iter_step_kind k)
{
	switch (k) {
	case ITER_STEP_LAME:
	case ITER_STEP_RCODE:
	case ITER_STEP_MALFORMED:
	case ITER_STEP_TIMEOUT:
	case ITER_STEP_FAILED:
		return ", trying the next server";
	case ITER_STEP_TRUNCATED:
		return ", retrying over TCP";
	default:
		return "";
	}
}

static void print_step_text(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char srv[NAME_MAX_TEXT], addr[80], b1[NAME_MAX_TEXT], rc[16];
	server_text(s, srv, sizeof(srv));
	addr_text(&s->addr, addr, sizeof(addr));
	const char *proto = s->tcp ? "TCP" : "UDP";
	switch (s->kind) {
	case ITER_STEP_TIMEOUT:
	case ITER_STEP_FAILED:
		fprintf(t->out, "%s;; No reply from %s(%s) over %s in %u ms: %s%s\n", indent, addr,
			srv, proto, s->rtt_ms, s->note, what_next(s->kind));
		break;
	case ITER_STEP_LIMIT:
	case ITER_STEP_NO_SERVER:
		fprintf(t->out, "%s;; Gave up on %s: %s\n", indent,
			name_text(s->qname, b1, sizeof(b1)), s->note);
		break;
	default:
		print_records(t, s, indent);
		fprintf(t->out, "%s;; Received %zu bytes from %s(%s) over %s in %u ms\n", indent,
			s->reply_len, addr, srv, proto, s->rtt_ms);
		if (s->kind == ITER_STEP_CNAME)
			fprintf(t->out, "%s;; Alias: restarting at %s\n", indent,
				name_text(s->target, b1, sizeof(b1)));
		else if (s->kind == ITER_STEP_RCODE)
			fprintf(t->out, "%s;; %s%s\n", indent, print_rcode_name(s->rcode, rc),
				what_next(s->kind));
		else if (s->kind != ITER_STEP_ANSWER && s->kind != ITER_STEP_REFERRAL &&
			 s->kind != ITER_STEP_NXDOMAIN && s->kind != ITER_STEP_NODATA)
			fprintf(t->out, "%s;; %s%s%s%s\n", indent,
				s->kind == ITER_STEP_LAME ? "Lame" : s->kind == ITER_STEP_TRUNCATED
									 ? "Truncated (TC=1)"
									 : "Bad reply",
				s->note ? ": " : "", s->note ? s->note : "", what_next(s->kind));
	}
	fputc('\n', t->out);
}

/* +short: one line per step. */
static void print_step_short(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char q[NAME_MAX_TEXT], srv[NAME_MAX_TEXT], addr[80], type[16], target[NAME_MAX_TEXT];
	struct buf_out tb;
	buf_out_init(&tb, type, sizeof(type));
	rdata_type_to_text(s->qtype, &tb);
	name_text(s->qname, q, sizeof(q));
	server_text(s, srv, sizeof(srv));
	addr_text(&s->addr, addr, sizeof(addr));
	fprintf(t->out, "%s%s %s %s", indent, iter_step_name(s->kind), q, type);
	if (s->target)
		fprintf(t->out, " -> %s", name_text(s->target, target, sizeof(target)));
	if (s->server_name)
		fprintf(t->out, " from %s(%s) %s %u ms", srv, addr, s->tcp ? "TCP" : "UDP",
			s->rtt_ms);
	fprintf(t->out, "%s%s\n", s->note ? ": " : "", s->note ? s->note : "");
}

static void print_step_json(struct tracer *t, const struct iter_step *s)
{
	char b[NAME_MAX_TEXT + 32], rc[16];
	struct buf_out tb;
	json_open(&t->j, NULL, '{');
	json_num(&t->j, "depth", s->depth);
	json_str(&t->j, "kind", iter_step_name(s->kind));
	json_str(&t->j, "qname", name_text(s->qname, b, sizeof(b)));
	buf_out_init(&tb, b, sizeof(b));
	rdata_type_to_text(s->qtype, &tb);
	json_str(&t->j, "qtype", b);
	json_str(&t->j, "zone", name_text(s->zone, b, sizeof(b)));
	if (s->server_name) {
		json_open(&t->j, "server", '{');
		json_str(&t->j, "name", name_text(s->server_name, b, sizeof(b)));
		addr_text(&s->addr, b, sizeof(b));
		*strrchr(b, '#') = 0;
		json_str(&t->j, "address", b);
		json_num(&t->j, "port", t->o->port);
		json_close(&t->j, '}');
		json_str(&t->j, "transport", s->tcp ? "tcp" : "udp");
		json_num(&t->j, "time_ms", s->rtt_ms);
	}
	if (s->target)
		json_str(&t->j, "target", name_text(s->target, b, sizeof(b)));
	if (s->note)
		json_str(&t->j, "note", s->note);
	struct wire_msg m;
	if (s->reply && wire_parse(s->reply, s->reply_len, t->a, &m) == ERR_OK) {
		json_num(&t->j, "size", (double)s->reply_len);
		json_str(&t->j, "rcode", print_rcode_name(m.rcode, rc));
		json_message(&t->j, "reply", &m);
	}
	json_close(&t->j, '}');
}

/* Prints the steps the iterator added since the last call, indented by depth, with a line
 * where a sub-question begins. */
static void print_new_steps(struct tracer *t, const struct iter *it)
{
	static const char spaces[] = "                ";
	size_t n;
	const struct iter_step *steps = iter_trace(it, &n);
	for (; t->printed < n; t->printed++) {
		const struct iter_step *s = &steps[t->printed];
		unsigned prev = t->printed ? steps[t->printed - 1].depth : 0;
		const char *indent = spaces + sizeof(spaces) - 1 - (s->depth > 7 ? 14 : 2 * s->depth);
		if (t->o->json) {
			print_step_json(t, s);
			continue;
		}
		if (s->depth > prev && !t->o->short_form) {
			char q[NAME_MAX_TEXT], type[16];
			struct buf_out tb;
			buf_out_init(&tb, type, sizeof(type));
			rdata_type_to_text(s->qtype, &tb);
			fprintf(t->out, "%s;; %s %s %s\n\n", indent,
				s->qtype == DNS_TYPE_NS && s->qname[0] == 0
					? "Priming the root name servers:"
					: "Looking up a name server that came without glue:",
				name_text(s->qname, q, sizeof(q)), type);
		}
		if (t->o->short_form)
			print_step_short(t, s, indent);
		else
			print_step_text(t, s, indent);
	}
}

/* ---- the root servers ---- */

/* Asks the server for one question with RD=1 (the way dig +trace gets the roots). */
static bool ask(struct tracer *t, const struct query_server *server, const uint8_t *name,
		uint16_t type, struct query_result *r, struct wire_msg *m)
{
	uint8_t q[512];
	struct wire_builder b;
	wire_build_init(&b, q, sizeof(q), rand_u16(), DNS_FLAG_RD);
	wire_build_question(&b, name, type, DNS_CLASS_IN);
	if (t->o->edns)
		wire_build_edns(&b, (uint16_t)t->o->bufsize, 0, 0, NULL, 0);
	size_t len = wire_build_finish(&b);
	if (!query_send(server, q, len, t->o->tcp, t->o->timeout_s * 1000, t->o->tries, r) ||
	    r->status != QUERY_OK || wire_parse(r->reply, r->len, t->a, m) != ERR_OK)
		return false;
	return true;
}

/* Puts the addresses in section s of m that belong to name into the cache (as one RRset) and
 * the hints. */
static void take_addresses(struct tracer *t, const struct wire_msg *m, enum wire_section s,
			   const uint8_t *name)
{
	struct wire_rr set[HINTS_MAX];
	size_t n = 0;
	for (uint16_t i = 0; i < m->n[s] && n < HINTS_MAX; i++) {
		const struct wire_rr *rr = &m->rr[s][i];
		if (!name_equal(rr->owner, name) || rr->type != DNS_TYPE_A || rr->rdlen != 4)
			continue;
		struct sockaddr_in in = { .sin_family = AF_INET };
		memcpy(&in.sin_addr, rr->rdata, 4);
		hints_add(&t->hints, name, (struct sockaddr *)&in);
		set[n++] = *rr;
	}
	if (n)
		cache_put(t->cache, set, n, CACHE_TRUST_GLUE, (uint32_t)(loop_clock_ms() / 1000));
}

/* The root servers from the server's ". NS" answer and their addresses (from its additional
 * section, else asked for); the NS set goes into the cache, so no priming query follows. */
static bool roots_from_server(struct tracer *t, const struct query_server *server)
{
	static const uint8_t root[1] = { 0 };
	static struct query_result r;
	struct wire_msg m;
	if (!ask(t, server, root, DNS_TYPE_NS, &r, &m)) {
		fprintf(stderr, "qdig: no answer to \". NS\" from %s#%u\n", server->text,
			server->port);
		return false;
	}
	if (!t->o->json && !t->o->short_form) {
		print_section(t->out, &m, WIRE_ANSWER);
		fprintf(t->out, ";; Received %zu bytes from %s#%u(%s) in %.0f ms\n\n", r.len,
			server->text, server->port, server->text, r.ms);
	}
	struct wire_rr ns[HINTS_MAX];
	size_t n_ns = 0;
	for (uint16_t i = 0; i < m.n[WIRE_ANSWER] && n_ns < HINTS_MAX; i++)
		if (m.rr[WIRE_ANSWER][i].type == DNS_TYPE_NS && m.rr[WIRE_ANSWER][i].owner[0] == 0)
			ns[n_ns++] = m.rr[WIRE_ANSWER][i];
	if (n_ns)
		cache_put(t->cache, ns, n_ns, CACHE_TRUST_AUTHORITY, (uint32_t)(loop_clock_ms() / 1000));
	for (size_t i = 0; i < n_ns; i++) {
		size_t before = t->hints.n;
		take_addresses(t, &m, WIRE_ADDITIONAL, ns[i].rdata);
		struct wire_msg am;
		static struct query_result ar;
		if (t->hints.n == before && ask(t, server, ns[i].rdata, DNS_TYPE_A, &ar, &am))
			take_addresses(t, &am, WIRE_ANSWER, ns[i].rdata);
	}
	if (t->hints.n == 0)
		fprintf(stderr, "qdig: no address for any of the %zu root servers\n", n_ns);
	return t->hints.n > 0;
}

/* ---- the walk ---- */

static void on_result(void *arg, const struct upstream_result *r)
{
	struct tracer *t = arg;
	t->r = *r;
	if (r->status == UPSTREAM_REPLY && r->len <= sizeof(t->reply)) {
		memcpy(t->reply, r->reply, r->len);
		t->r.reply = t->reply;
	}
	t->have_result = true;
	loop_stop(t->loop);
}

/* Carries out the iterator's queries one by one until it is done. */
static void walk(struct tracer *t, struct iter *it, struct iter_action *act)
{
	while (act->kind == ITER_SEND) {
		print_new_steps(t, it);
		t->have_result = false;
		if (!upstream_send(t->up, (struct sockaddr *)&act->addr, act->query, act->query_len,
				   act->tcp, act->timeout_ms, on_result, t)) {
			iter_failed(it, "cannot send", 0, loop_clock_ms(), act);
			continue;
		}
		while (!t->have_result)
			loop_run(t->loop);
		uint64_t now = loop_now_ms(t->loop);
		if (t->r.status == UPSTREAM_REPLY)
			iter_reply(it, t->r.reply, t->r.len, t->r.rtt_ms, now, act);
		else if (t->r.status == UPSTREAM_TIMEOUT)
			iter_timeout(it, t->r.rtt_ms, now, act);
		else
			iter_failed(it, t->r.error, t->r.rtt_ms, now, act);
	}
	print_new_steps(t, it);
}

static bool setup(struct tracer *t, const struct qdig_opts *o, FILE *out)
{
	struct cache_limits l;
	cache_limits_default(&l);
	l.size_bytes = TRACE_CACHE_SIZE;
	uint32_t first = o->timeout_s * 1000 < TRACE_TIMEOUT_MAX_MS ? o->timeout_s * 1000
								     : TRACE_TIMEOUT_MAX_MS;
	t->o = o;
	t->out = out;
	t->a = arena_new();
	t->loop = loop_new();
	t->up = t->loop ? upstream_new(t->loop, true) : NULL;
	t->cache = cache_new(&l);
	t->infra = infra_new(first);
	t->env = (struct iter_env){
		.cache = t->cache,
		.infra = t->infra,
		.hints = &t->hints,
		.limits = { ITER_REFERRALS_DEFAULT, ITER_CNAME_CHAIN_DEFAULT, ITER_UPSTREAM_DEFAULT,
			    ITER_GLUELESS_DEFAULT, ITER_BUDGET_MS_DEFAULT },
		.upstream_port = o->port,
		.edns_size = (uint16_t)o->bufsize,
		.query_special = true, /* the user chose what to trace: loopback toy zones too */
		.keep_replies = true,
	};
	return t->a && t->up && t->cache && t->infra;
}

static void teardown(struct tracer *t)
{
	upstream_free(t->up);
	loop_free(t->loop);
	cache_free(t->cache);
	infra_free(t->infra);
	arena_free(t->a);
}

static void print_result_json(struct tracer *t, const struct iter *it, unsigned rcode)
{
	const struct wire_rr *an, *ns;
	size_t n_an, n_ns;
	char rc[16];
	iter_result(it, &an, &n_an, &ns, &n_ns);
	json_close(&t->j, ']');
	json_open(&t->j, "result", '{');
	json_str(&t->j, "rcode", print_rcode_name(rcode, rc));
	json_records(&t->j, "answer", an, n_an);
	json_records(&t->j, "authority", ns, n_ns);
	json_close(&t->j, '}');
	json_close(&t->j, '}');
}

int trace_run(const struct qdig_opts *o, const struct query_server *server, FILE *out)
{
	static struct tracer t;
	char err[256];
	int rc = 10;
	memset(&t, 0, sizeof(t));
	if (!setup(&t, o, out)) {
		fprintf(stderr, "qdig: out of memory\n");
		goto done;
	}
	if (o->root_hints[0] ? !hints_load(o->root_hints, &t.hints, err)
			     : !roots_from_server(&t, server)) {
		if (o->root_hints[0])
			fprintf(stderr, "qdig: %s\n", err);
		rc = 9;
		goto done;
	}
	struct iter *it = iter_new(t.a, &t.env, o->qname, o->qtype, o->qclass, loop_clock_ms());
	if (!it)
		goto done;
	if (o->json) {
		json_init(&t.j, out);
		json_open(&t.j, NULL, '{');
		json_str(&t.j, "qname", o->qname_text);
		json_open(&t.j, "steps", '[');
	}
	struct iter_action act;
	iter_start(it, loop_clock_ms(), &act);
	walk(&t, it, &act);
	const struct wire_rr *an, *ns;
	size_t n_an, n_ns;
	unsigned rcode = iter_result(it, &an, &n_an, &ns, &n_ns);
	if (o->json)
		print_result_json(&t, it, rcode);
	else if (rcode == DNS_RCODE_SERVFAIL)
		fprintf(out, ";; The walk failed: no server gave an answer (SERVFAIL)\n");
	rc = rcode == DNS_RCODE_SERVFAIL ? 9 : 0;
done:
	teardown(&t);
	return rc;
}
