/* client/trace.c: qdig +trace, the walk and its printing.
 *
 * The walk is resolver/iter/iterator.c's, driven here one query at a time through
 * resolver/iter/upstream.c on an event loop of qdig's own; this file feeds the iterator its events
 * and prints the steps it records, in three layouts: dig's text (with lines of their own for
 * what dig +trace hides), +short (one line a step) and +json. Where the root servers come from
 * (a hints file, or a server's answer to ". NS") is settled here too. Records are laid out by
 * print.c, JSON written by json.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "trace.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
#include "val_anchor.h"

#define TRACE_CACHE_SIZE (8u << 20)
#define TRACE_TIMEOUT_MAX_MS 2000 /* first timeout per server: a dead one costs this much */
#define SHORT_RDATA_MAX 3 /* +short: answer rdata shown per step; a long RRset is counted */

struct tracer {
	const struct qdig_query *o;
	FILE *out;
	struct json j;
	struct arena *a;
	struct loop *loop;
	struct upstream *up;
	struct cache *cache;
	struct infra *infra;
	struct hints hints;
	struct iter_env env;
	struct iter_dnssec dnssec; /* +trust-anchor: env.dnssec points here */
	struct val_anchors anchors;
	size_t printed;          /* steps printed so far */
	const struct query_server *roots_server; /* where ". NS" was asked, or NULL (hints) */
	const struct query_result *roots_r;      /* and its reply, parsed into roots */
	struct wire_msg roots;
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

/* An address as text (without the port) and its port. */
static void addr_parts(const struct sockaddr_storage *ss, char *buf, size_t cap, uint16_t *port)
{
	snprintf(buf, cap, "?");
	*port = 0;
	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)cap);
		*port = ntohs(((const struct sockaddr_in *)ss)->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf,
			  (socklen_t)cap);
		*port = ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	}
}

/* An address as dig shows it: 127.53.0.1#53. */
static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	uint16_t port;
	addr_parts(ss, a, sizeof(a), &port);
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

/* Prints the answer and authority records of m, as dig +trace does, each line indented. */
static void print_records(struct tracer *t, const struct wire_msg *m, const char *indent)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return;
	for (int s = WIRE_ANSWER; s <= WIRE_AUTHORITY; s++)
		for (uint16_t i = 0; i < m->n[s]; i++)
			print_rr_line(mem, &m->rr[s][i]);
	fclose(mem);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		fprintf(t->out, "%s%s\n", indent, line);
	free(text);
}

/* The reply of a step, parsed into m; false when the step has none (or it does not parse). */
static bool step_reply(struct tracer *t, const struct iter_step *s, struct wire_msg *m)
{
	return s->reply && wire_parse(s->reply, s->reply_len, t->a, m) == ERR_OK;
}

static const char *type_text(uint16_t type, char buf[static 16])
{
	struct buf_out tb;
	buf_out_init(&tb, buf, 16);
	rdata_type_to_text(type, &tb);
	return buf;
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

/* The line after "Received" that says what a reply meant, where the records alone do not
 * (a referral or an answer speaks for itself, as in dig +trace). */
static void print_outcome(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char b[NAME_MAX_TEXT], type[16], rc[16];
	switch (s->kind) {
	case ITER_STEP_CNAME:
		fprintf(t->out, "%s;; Alias: restarting at %s\n", indent,
			name_text(s->target, b, sizeof(b)));
		break;
	case ITER_STEP_NXDOMAIN:
		fprintf(t->out, "%s;; NXDOMAIN: %s does not exist\n", indent,
			name_text(s->qname, b, sizeof(b)));
		break;
	case ITER_STEP_NODATA:
		fprintf(t->out, "%s;; NODATA: %s has no %s records\n", indent,
			name_text(s->qname, b, sizeof(b)), type_text(s->qtype, type));
		break;
	case ITER_STEP_RCODE:
		fprintf(t->out, "%s;; %s%s%s%s%s\n", indent, print_rcode_name(s->rcode, rc),
			s->note ? " (" : "", s->note ? s->note : "", s->note ? ")" : "",
			what_next(s->kind));
		break;
	case ITER_STEP_LAME: /* the iterator's note begins "lame: " */
		fprintf(t->out, "%s;; %s%s\n", indent, s->note ? s->note : "lame", what_next(s->kind));
		break;
	case ITER_STEP_TRUNCATED:
		fprintf(t->out, "%s;; Truncated (TC=1)%s\n", indent, what_next(s->kind));
		break;
	case ITER_STEP_MALFORMED:
		fprintf(t->out, "%s;; Bad reply: %s%s\n", indent, s->note ? s->note : "?",
			what_next(s->kind));
		break;
	case ITER_STEP_KEYS:
	case ITER_STEP_BOGUS:
		fprintf(t->out, "%s;; DNSSEC: %s\n", indent, s->note);
		break;
	default:
		break;
	}
}

static const char *security_name(enum val_state st)
{
	static const char *const names[] = { "unchecked", "secure", "insecure", "bogus" };
	return (unsigned)st < 4 ? names[st] : "?";
}

/* A verdict of validation, one line: what was judged, by whose keys, and why. */
static void print_verdict(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char q[NAME_MAX_TEXT], z[NAME_MAX_TEXT], type[16];
	const char *alg = print_alg_name(s->algorithm);
	fprintf(t->out, "%s;; DNSSEC %s: %s%s %s", indent, security_name(s->security),
		s->denial ? "no " : "", name_text(s->qname, q, sizeof(q)),
		type_text(s->qtype, type));
	if (s->security == VAL_SECURE)
		fprintf(t->out, ", %s by %s", s->denial ? "proven" : "signed",
			name_text(s->zone, z, sizeof(z)));
	else
		fprintf(t->out, ", in %s: %s", name_text(s->zone, z, sizeof(z)), s->note);
	if (s->key_tag)
		fprintf(t->out, " (key %u, %s)", s->key_tag, alg ? alg : "?");
	if (s->sig_time) {
		/* RFC 4034 §3.1.5: the serial time nearest to now */
		time_t now = time(NULL);
		time_t when = now + (int32_t)(s->sig_time - (uint32_t)now);
		struct tm tm;
		char date[32];
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", gmtime_r(&when, &tm));
		bool expired = s->note && strcmp(s->note, val_reason_str(VAL_R_SIG_EXPIRED)) == 0;
		fprintf(t->out, ": RRSIG %s %s", expired ? "expired on" : "valid from", date);
	}
	fputc('\n', t->out);
}

static void print_step_text(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char srv[NAME_MAX_TEXT], addr[80], b1[NAME_MAX_TEXT], type[16];
	struct wire_msg m;
	server_text(s, srv, sizeof(srv));
	addr_text(&s->addr, addr, sizeof(addr));
	const char *proto = s->tcp ? "TCP" : "UDP";
	switch (s->kind) {
	case ITER_STEP_VERDICT:
		print_verdict(t, s, indent);
		return; /* no blank line: verdicts follow their reply */
	case ITER_STEP_TIMEOUT:
	case ITER_STEP_FAILED:
		fprintf(t->out, "%s;; No reply from %s(%s) over %s in %u ms: %s%s\n", indent, addr,
			srv, proto, s->rtt_ms, s->note, what_next(s->kind));
		break;
	case ITER_STEP_LIMIT:
		fprintf(t->out, "%s;; Stopped at %s %s: %s (a limit of the walk)\n", indent,
			name_text(s->qname, b1, sizeof(b1)), type_text(s->qtype, type), s->note);
		break;
	case ITER_STEP_NO_SERVER:
		fprintf(t->out, "%s;; Gave up on %s %s: %s\n", indent,
			name_text(s->qname, b1, sizeof(b1)), type_text(s->qtype, type), s->note);
		break;
	default:
		if (step_reply(t, s, &m))
			print_records(t, &m, indent);
		fprintf(t->out, "%s;; Received %zu bytes from %s(%s) over %s in %u ms\n", indent,
			s->reply_len, addr, srv, proto, s->rtt_ms);
		print_outcome(t, s, indent);
	}
	fputc('\n', t->out);
}

/* +short: the rdata of a reply's answer section on the current line, as dig +short prints
 * them but comma-separated; past SHORT_RDATA_MAX of them, only how many more there are. */
static void print_short_rdata(struct tracer *t, const struct wire_msg *m)
{
	char *text = NULL;
	size_t len = 0, n = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem)
		return;
	print_short(mem, m, &t->o->d, "");
	fclose(mem);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), n++)
		if (n < SHORT_RDATA_MAX)
			fprintf(t->out, "%s%s", n ? ", " : ": ", line);
	if (n > SHORT_RDATA_MAX)
		fprintf(t->out, " (and %zu more)", n - SHORT_RDATA_MAX);
	free(text);
}

/* +short: one line per step: what came of it, the question (and the alias target or the
 * delegated zone), the server; after a colon the answer's rdata, the rcode or the note. */
static void print_step_short(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char q[NAME_MAX_TEXT], srv[NAME_MAX_TEXT], addr[80], type[16], target[NAME_MAX_TEXT];
	char rc[16];
	struct wire_msg m;
	fprintf(t->out, "%s%s %s %s", indent, iter_step_name(s->kind),
		name_text(s->qname, q, sizeof(q)), type_text(s->qtype, type));
	if (s->target)
		fprintf(t->out, " -> %s", name_text(s->target, target, sizeof(target)));
	if (s->server_name) {
		server_text(s, srv, sizeof(srv));
		addr_text(&s->addr, addr, sizeof(addr));
		fprintf(t->out, " from %s(%s) %s %u ms", srv, addr, s->tcp ? "TCP" : "UDP",
			s->rtt_ms);
	}
	if (s->kind == ITER_STEP_ANSWER && step_reply(t, s, &m))
		print_short_rdata(t, &m);
	else if (s->kind == ITER_STEP_RCODE)
		fprintf(t->out, ": %s%s%s%s", print_rcode_name(s->rcode, rc), s->note ? " (" : "",
			s->note ? s->note : "", s->note ? ")" : "");
	else if (s->note)
		fprintf(t->out, ": %s", s->note);
	fputc('\n', t->out);
}

/* JSON: one step. The server and transport when a query went out; the delegated zone or
 * alias target; the reply's size and rcode, and the reply itself when it parses. */
static void print_step_json(struct tracer *t, const struct iter_step *s)
{
	char b[NAME_MAX_TEXT + 32], type[16], rc[16];
	uint16_t port;
	struct wire_msg m;
	json_open(&t->j, NULL, '{');
	json_num(&t->j, "depth", s->depth);
	json_str(&t->j, "kind", iter_step_name(s->kind));
	json_str(&t->j, "qname", name_text(s->qname, b, sizeof(b)));
	json_str(&t->j, "qtype", type_text(s->qtype, type));
	json_str(&t->j, "zone", name_text(s->zone, b, sizeof(b)));
	if (s->server_name) {
		json_open(&t->j, "server", '{');
		json_str(&t->j, "name", name_text(s->server_name, b, sizeof(b)));
		addr_parts(&s->addr, b, sizeof(b), &port);
		json_str(&t->j, "address", b);
		json_num(&t->j, "port", port);
		json_close(&t->j, '}');
		json_str(&t->j, "transport", s->tcp ? "tcp" : "udp");
		json_num(&t->j, "time_ms", s->rtt_ms);
	}
	if (s->target)
		json_str(&t->j, "target", name_text(s->target, b, sizeof(b)));
	if (s->note)
		json_str(&t->j, "note", s->note);
	if (s->kind == ITER_STEP_VERDICT) {
		json_str(&t->j, "security", security_name(s->security));
		if (s->sig_time)
			json_num(&t->j, "rrsig_time", s->sig_time);
		json_bool(&t->j, "denial", s->denial);
		if (s->key_tag) {
			json_num(&t->j, "key_tag", s->key_tag);
			json_num(&t->j, "algorithm", s->algorithm);
		}
	}
	if (s->reply)
		json_num(&t->j, "size", (double)s->reply_len);
	if (step_reply(t, s, &m)) {
		json_str(&t->j, "rcode", print_rcode_name(m.rcode, rc));
		json_message(&t->j, "reply", &m);
	}
	json_close(&t->j, '}');
}

/* Whether a step ends the question it was for (the iterator then pops it). */
static bool ends_question(enum iter_step_kind k)
{
	return k == ITER_STEP_ANSWER || k == ITER_STEP_NXDOMAIN || k == ITER_STEP_NODATA ||
	       k == ITER_STEP_NO_SERVER;
}

/* Text: the line that opens a sub-question (the root priming query, or the address of a
 * name server without usable glue), indented as its steps are. */
static void print_sub_question(struct tracer *t, const struct iter_step *s, const char *indent)
{
	char q[NAME_MAX_TEXT], type[16];
	fprintf(t->out, "%s;; %s %s %s\n\n", indent,
		s->qtype == DNS_TYPE_NS && s->qname[0] == 0 ? "Priming the root name servers:"
		: s->qtype == DNS_TYPE_DS || s->qtype == DNS_TYPE_DNSKEY
			? "The chain of trust needs:"
			: "Looking up a name server that came without glue:",
		name_text(s->qname, q, sizeof(q)), type_text(s->qtype, type));
}

/* Prints the steps the iterator added since the last call, indented by depth. A step begins
 * a sub-question when it is deeper than the one before, or as deep as one that ended its own
 * (the next name server's address, asked once the last one's came or failed). */
static void print_steps(struct tracer *t, const struct iter_step *steps, size_t n)
{
	static const char spaces[] = "                ";
	for (; t->printed < n; t->printed++) {
		const struct iter_step *s = &steps[t->printed];
		/* The step before, past the verdicts: those follow a reply, they begin nothing. */
		const struct iter_step *prev = NULL;
		for (size_t k = t->printed; k-- > 0 && !prev;)
			if (steps[k].kind != ITER_STEP_VERDICT)
				prev = &steps[k];
		unsigned pd = prev ? prev->depth : 0;
		bool begins = s->kind != ITER_STEP_VERDICT &&
			      (s->depth > pd || (s->depth > 0 && s->depth == pd && prev &&
						 ends_question(prev->kind)));
		const char *indent = spaces + sizeof(spaces) - 1 - (s->depth > 7 ? 14 : 2 * s->depth);
		if (t->o->d.json) {
			print_step_json(t, s);
		} else if (t->o->d.short_form) {
			print_step_short(t, s, indent);
		} else {
			if (begins)
				print_sub_question(t, s, indent);
			print_step_text(t, s, indent);
		}
	}
}

static void print_new_steps(struct tracer *t, const struct iter *it)
{
	size_t n;
	const struct iter_step *steps = iter_trace(it, &n);
	print_steps(t, steps, n);
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
	if (t->o->edns >= 0)
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
		cache_put(t->cache, set, n, NULL, CACHE_TRUST_GLUE, (uint32_t)(loop_clock_ms() / 1000));
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
	t->roots_server = server;
	t->roots_r = &r;
	t->roots = m;
	struct wire_rr ns[HINTS_MAX];
	size_t n_ns = 0;
	for (uint16_t i = 0; i < m.n[WIRE_ANSWER] && n_ns < HINTS_MAX; i++)
		if (m.rr[WIRE_ANSWER][i].type == DNS_TYPE_NS && m.rr[WIRE_ANSWER][i].owner[0] == 0)
			ns[n_ns++] = m.rr[WIRE_ANSWER][i];
	if (n_ns)
		cache_put(t->cache, ns, n_ns, NULL, CACHE_TRUST_AUTHORITY, (uint32_t)(loop_clock_ms() / 1000));
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
				   act->tcp ? UPSTREAM_TCP : 0, act->timeout_ms, on_result, t)) {
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

static bool setup(struct tracer *t, const struct qdig_query *o, FILE *out)
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
		.tcp_only = o->tcp,
	};
	return t->a && t->up && t->cache && t->infra;
}

/* +trust-anchor=FILE: the walk validates, from the anchors of FILE. */
static bool setup_dnssec(struct tracer *t)
{
	char err[256];
	if (!t->o->trust_anchor[0])
		return true;
	if (!val_anchors_load(&t->anchors, t->o->trust_anchor, err)) {
		fprintf(stderr, "qdig: %s\n", err);
		return false;
	}
	t->dnssec.anchors = &t->anchors;
	val_limits_default(&t->dnssec.limits);
	t->dnssec.bogus_ttl_s = 60;
	t->env.dnssec = &t->dnssec;
	return true;
}

static void teardown(struct tracer *t)
{
	upstream_free(t->up);
	loop_free(t->loop);
	cache_free(t->cache);
	infra_free(t->infra);
	arena_free(t->a);
	val_anchors_fini(&t->anchors);
}

/* ---- the root servers and the result, printed ---- */

/* JSON: where the root servers came from. Hints: the file and its servers; a server: its
 * address and its reply to ". NS". */
static void print_roots_json(struct tracer *t)
{
	char b[NAME_MAX_TEXT + 32];
	uint16_t port;
	json_open(&t->j, "roots", '{');
	if (!t->roots_server) {
		json_str(&t->j, "source", "hints");
		json_str(&t->j, "file", t->o->root_hints);
		json_open(&t->j, "servers", '[');
		for (size_t i = 0; i < t->hints.n; i++) {
			json_open(&t->j, NULL, '{');
			json_str(&t->j, "name", name_text(t->hints.s[i].name, b, sizeof(b)));
			addr_parts(&t->hints.s[i].addr, b, sizeof(b), &port);
			json_str(&t->j, "address", b);
			json_close(&t->j, '}');
		}
		json_close(&t->j, ']');
	} else {
		json_str(&t->j, "source", "server");
		json_open(&t->j, "server", '{');
		json_str(&t->j, "address", t->roots_server->text);
		json_num(&t->j, "port", t->roots_server->port);
		json_close(&t->j, '}');
		json_str(&t->j, "transport", t->o->tcp ? "tcp" : "udp");
		json_ms(&t->j, "time_ms", t->roots_r->ms);
		json_num(&t->j, "size", (double)t->roots_r->len);
		json_message(&t->j, "reply", &t->roots);
	}
	json_close(&t->j, '}');
}

/* The first step, as dig +trace prints it: the root NS set from the server asked (nothing
 * with a hints file, whose priming query is the first step). */
static void print_roots(struct tracer *t)
{
	const struct query_server *s = t->roots_server;
	const char *proto = t->o->tcp ? "TCP" : "UDP";
	if (t->o->d.json) {
		print_roots_json(t);
	} else if (s && t->o->d.short_form) {
		fprintf(t->out, "roots . NS from %s(%s#%u) %s %.0f ms", s->text, s->text, s->port,
			proto, t->roots_r->ms);
		print_short_rdata(t, &t->roots);
		fputc('\n', t->out);
	} else if (s) {
		print_records(t, &t->roots, "");
		fprintf(t->out, ";; Received %zu bytes from %s#%u(%s) over %s in %.0f ms\n\n",
			t->roots_r->len, s->text, s->port, s->text, proto, t->roots_r->ms);
	}
}

/* JSON: the question, at the start of the document. */
static void print_question_json(struct tracer *t)
{
	char b[NAME_MAX_TEXT], type[16];
	struct buf_out cb;
	json_init(&t->j, t->out);
	json_open(&t->j, NULL, '{');
	json_str(&t->j, "qname", name_text(t->o->qname, b, sizeof(b)));
	json_str(&t->j, "qtype", type_text(t->o->qtype, type));
	buf_out_init(&cb, b, sizeof(b));
	rdata_class_to_text(t->o->qclass, &cb);
	json_str(&t->j, "qclass", b);
}

/* The end of the walk: in JSON the result object closes the document; in text a failure
 * gets a line of its own (an answer, a referral or a denial shows in the last step). */
static void print_result(struct tracer *t, unsigned rcode, const struct wire_rr *an,
			 size_t n_an, const struct wire_rr *ns, size_t n_ns, const struct iter *it)
{
	char rc[16], z[NAME_MAX_TEXT];
	enum val_reason reason = VAL_R_OK;
	const uint8_t *zone = NULL;
	enum val_state sec = it && t->env.dnssec ? iter_security(it, &reason, &zone)
						 : VAL_INDETERMINATE;
	bool verdict = it && t->env.dnssec && rcode != DNS_RCODE_SERVFAIL;
	if (!t->o->d.json) {
		if (rcode == DNS_RCODE_SERVFAIL)
			fprintf(t->out, ";; The walk failed: SERVFAIL (the steps above say why)\n");
		if (verdict && sec == VAL_SECURE)
			fprintf(t->out, ";; Verdict: secure\n");
		else if (verdict)
			fprintf(t->out, ";; Verdict: %s%s%s%s%s\n", security_name(sec),
				zone ? ": " : "", zone ? name_text(zone, z, sizeof(z)) : "",
				reason != VAL_R_OK ? ": " : "",
				reason != VAL_R_OK ? val_reason_str(reason) : "");
		return;
	}
	json_close(&t->j, ']');
	json_open(&t->j, "result", '{');
	json_str(&t->j, "rcode", print_rcode_name(rcode, rc));
	if (verdict) {
		json_str(&t->j, "security", security_name(sec));
		if (sec != VAL_SECURE && reason != VAL_R_OK)
			json_str(&t->j, "reason", val_reason_str(reason));
	}
	json_records(&t->j, "answer", an, n_an);
	json_records(&t->j, "authority", ns, n_ns);
	json_close(&t->j, '}');
	json_close(&t->j, '}');
}

/* The root servers: from the hints file, or from the server's answer to ". NS". */
static bool get_roots(struct tracer *t, const struct query_server *server)
{
	char err[256];
	if (!t->o->root_hints[0])
		return roots_from_server(t, server);
	if (hints_load(t->o->root_hints, &t->hints, err))
		return true;
	fprintf(stderr, "qdig: %s\n", err);
	return false;
}

int trace_run(const struct qdig_query *o, const struct query_server *server, FILE *out)
{
	static struct tracer t;
	int rc = 10;
	memset(&t, 0, sizeof(t));
	if (!setup(&t, o, out)) {
		fprintf(stderr, "qdig: out of memory\n");
		goto done;
	}
	if (!setup_dnssec(&t)) {
		rc = 1;
		goto done;
	}
	/* -b: every step of the walk leaves from there too, as dig's */
	upstream_set_source(t.up, server->source.ss_family ? (const struct sockaddr *)&server->source
							   : NULL);
	if (!get_roots(&t, server)) {
		rc = 9;
		goto done;
	}
	struct iter *it = iter_new(t.a, &t.env, o->qname, o->qtype, o->qclass, loop_clock_ms(),
				    (uint32_t)time(NULL));
	if (!it)
		goto done;
	if (o->d.json)
		print_question_json(&t);
	print_roots(&t);
	if (o->d.json)
		json_open(&t.j, "steps", '[');
	struct iter_action act;
	iter_start(it, loop_clock_ms(), &act);
	walk(&t, it, &act);
	const struct wire_rr *an, *ns;
	size_t n_an, n_ns;
	unsigned rcode = iter_result(it, &an, &n_an, &ns, &n_ns);
	print_result(&t, rcode, an, n_an, ns, n_ns, it);
	rc = rcode == DNS_RCODE_SERVFAIL ? 9 : 0;
done:
	teardown(&t);
	return rc;
}

int trace_print_steps(const struct qdig_query *o, const struct iter_step *steps, size_t n,
		      unsigned rcode, FILE *out)
{
	static struct tracer t;
	memset(&t, 0, sizeof(t));
	t.o = o;
	t.out = out;
	t.a = arena_new();
	if (!t.a)
		return 10;
	if (o->d.json) {
		print_question_json(&t);
		json_open(&t.j, "steps", '[');
	}
	print_steps(&t, steps, n);
	print_result(&t, rcode, NULL, 0, NULL, 0, NULL);
	arena_free(t.a);
	return rcode == DNS_RCODE_SERVFAIL ? 9 : 0;
}
