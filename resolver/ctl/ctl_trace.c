/* resolver/ctl/ctl_trace.c: resolverd-ctl trace on the daemon's side, and the step lines both
 * sides share (see ctl_trace.h).
 *
 * A step line is "step" and twenty fields separated by spaces: kind, depth, qname, qtype,
 * zone, server name, address, port, tcp (0/1), rtt ms, rcode, reply length, target, note (hex),
 * the reply (hex), and a DNSSEC verdict's security, key tag, algorithm, denial (0/1) and
 * signature time. Names are in presentation form, which escapes spaces; "-" stands for
 * an absent name, note or reply.
 *
 * SPDX-License-Identifier: MIT
 */
#include "ctl_trace.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "dns.h"
#include "server.h"
#include "text.h"

#define TRACE_CACHE_BYTES (8u << 20) /* the trace's own cache: a walk's records fit easily */
#define STEP_FIELDS 21
#define STEPS_MAX 4096 /* steps read back: more than limits.upstream-queries allows */

struct ctl_trace {
	struct loop *l;
	struct upstream *up;
	struct upstream_query *uq;
	struct arena *a;
	struct cache *cache;
	struct iter_env env;
	struct iter *it;
	struct loop_timer kick; /* starts the walk on the loop, not inside ctl_trace_start */
	ctl_trace_done done;
	void *arg;
};

static void drive(struct ctl_trace *t, struct iter_action *act);

static void on_result(void *arg, const struct upstream_result *r)
{
	struct ctl_trace *t = arg;
	struct iter_action act;
	uint64_t now = loop_now_ms(t->l);
	t->uq = NULL;
	server_iter_event(t->it, r, now, &act);
	drive(t, &act);
}

/* Sends the iterator's queries until one is in flight, or calls done (last: t may be freed). */
static void drive(struct ctl_trace *t, struct iter_action *act)
{
	while (act->kind == ITER_SEND) {
		unsigned flags = (act->tcp ? UPSTREAM_TCP : 0) | (act->exact_case ? UPSTREAM_0X20 : 0);
		t->uq = upstream_send(t->up, (struct sockaddr *)&act->addr, act->query,
				      act->query_len, flags, act->timeout_ms, on_result, t);
		if (t->uq)
			return;
		iter_failed(t->it, "cannot send (no route, or out of sockets or memory)", 0,
			    loop_now_ms(t->l), act);
	}
	t->done(t->arg);
}

static void on_kick(void *arg)
{
	struct ctl_trace *t = arg;
	struct iter_action act;
	iter_start(t->it, loop_now_ms(t->l), &act);
	drive(t, &act);
}

struct ctl_trace *ctl_trace_start(struct loop *l, struct upstream *up,
				  const struct iter_env *env, const struct ctl_cmd *cmd,
				  ctl_trace_done done, void *arg)
{
	struct ctl_trace *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	struct cache_limits lim;
	cache_limits_default(&lim);
	lim.size_bytes = TRACE_CACHE_BYTES;
	*t = (struct ctl_trace){ .l = l, .up = up, .done = done, .arg = arg, .env = *env };
	t->a = arena_new();
	t->cache = cache_new(&lim);
	t->env.cache = t->cache;
	t->env.keep_replies = true;
	if (t->env.limits.budget_ms > CTL_TRACE_BUDGET_MS)
		t->env.limits.budget_ms = CTL_TRACE_BUDGET_MS;
	t->kick = (struct loop_timer){ .fn = on_kick, .arg = t };
	uint64_t now = loop_now_ms(l);
	t->it = t->a && t->cache ? iter_new(t->a, &t->env, cmd->name, cmd->type, DNS_CLASS_IN, now,
					    (uint32_t)time(NULL))
				 : NULL;
	if (!t->it || !loop_timer_set(l, &t->kick, now)) {
		ctl_trace_free(t);
		return NULL;
	}
	return t;
}

void ctl_trace_free(struct ctl_trace *t)
{
	if (!t)
		return;
	if (t->uq)
		upstream_cancel(t->up, t->uq);
	loop_timer_cancel(t->l, &t->kick);
	arena_free(t->a);
	cache_free(t->cache);
	free(t);
}

/* ---- step lines ---- */

static void put_name(FILE *out, const uint8_t *name)
{
	char b[NAME_MAX_TEXT];
	struct buf_out o;
	buf_out_init(&o, b, sizeof(b) - 1);
	if (name)
		name_to_text(name, &o);
	else
		buf_puts(&o, "-");
	b[o.len] = 0;
	fprintf(out, " %s", b);
}

static void put_hex(FILE *out, const void *p, size_t n)
{
	if (!p) {
		fputs(" -", out);
		return;
	}
	fputc(' ', out);
	char hex[2 * 512];
	for (size_t i = 0; i < n; i += 512) { /* lib/text's encoder, in pieces */
		struct buf_out o;
		buf_out_init(&o, hex, sizeof(hex));
		text_hex_encode((const uint8_t *)p + i, n - i < 512 ? n - i : 512, &o);
		fwrite(hex, 1, o.len, out);
	}
}

void ctl_trace_write(const struct ctl_trace *t, FILE *out)
{
	size_t n;
	const struct iter_step *s = iter_trace(t->it, &n);
	for (size_t i = 0; i < n; i++, s++) {
		char a[INET6_ADDRSTRLEN] = "-";
		uint16_t port = 0;
		if (s->addr.ss_family == AF_INET) {
			const struct sockaddr_in *v4 = (const struct sockaddr_in *)&s->addr;
			inet_ntop(AF_INET, &v4->sin_addr, a, sizeof(a));
			port = ntohs(v4->sin_port);
		} else if (s->addr.ss_family == AF_INET6) {
			const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&s->addr;
			inet_ntop(AF_INET6, &v6->sin6_addr, a, sizeof(a));
			port = ntohs(v6->sin6_port);
		}
		fprintf(out, "step %d %u", (int)s->kind, s->depth);
		put_name(out, s->qname);
		fprintf(out, " %u", s->qtype);
		put_name(out, s->zone);
		put_name(out, s->server_name);
		fprintf(out, " %s %u %d %u %u %zu", a, port, s->tcp, s->rtt_ms, s->rcode,
			s->reply_len);
		put_name(out, s->target);
		put_hex(out, s->note, s->note ? strlen(s->note) : 0);
		put_hex(out, s->reply, s->reply_len);
		fprintf(out, " %d %u %u %d %u\n", (int)s->security, s->key_tag, s->algorithm,
			s->denial, s->sig_time);
	}
	const struct wire_rr *an, *ns;
	size_t n_an, n_ns;
	fprintf(out, "result %u\n", iter_result(t->it, &an, &n_an, &ns, &n_ns));
}

/* A name field into the arena; "-" is NULL. */
static bool get_name(struct arena *a, const char *f, const uint8_t **out)
{
	uint8_t wire[NAME_MAX_WIRE];
	size_t len;
	*out = NULL;
	if (strcmp(f, "-") == 0)
		return true;
	if (name_from_text(f, strlen(f), NULL, wire, &len) != ERR_OK)
		return false;
	*out = arena_dup(a, wire, len);
	return *out != NULL;
}

/* A hex field into the arena (NUL-terminated, for notes); "-" is NULL. */
static bool get_hex(struct arena *a, const char *f, const uint8_t **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (strcmp(f, "-") == 0)
		return true;
	size_t cap = strlen(f) / 2 + 1;
	uint8_t *b = arena_alloc(a, cap);
	struct buf_out o;
	if (!b)
		return false;
	buf_out_init(&o, b, cap - 1);
	if (text_hex_decode(f, strlen(f), &o) != ERR_OK)
		return false;
	b[o.len] = 0;
	*out = b;
	*n = o.len;
	return true;
}

static bool get_u32(const char *f, uint32_t max, uint32_t *v)
{
	return text_u32(f, strlen(f), max, v) == ERR_OK;
}

/* One step line's fields (after "step") into s. */
static bool read_step(struct arena *a, char **f, struct iter_step *s)
{
	uint32_t kind, depth, qtype, port, tcp, rtt, rcode, len, sec, tag, alg, denial, sig_time;
	const uint8_t *note;
	size_t note_len, reply_len;
	memset(s, 0, sizeof(*s));
	if (!get_u32(f[0], ITER_STEP_BOGUS /* the last kind */, &kind) ||
	    !get_u32(f[1], 1000, &depth) ||
	    !get_name(a, f[2], &s->qname) || !s->qname || !get_u32(f[3], 65535, &qtype) ||
	    !get_name(a, f[4], &s->zone) || !get_name(a, f[5], &s->server_name) ||
	    !get_u32(f[7], 65535, &port) || !get_u32(f[8], 1, &tcp) ||
	    !get_u32(f[9], UINT32_MAX - 1, &rtt) || !get_u32(f[10], 4095, &rcode) ||
	    !get_u32(f[11], 65535, &len) || !get_name(a, f[12], &s->target) ||
	    !get_hex(a, f[13], &note, &note_len) || !get_hex(a, f[14], &s->reply, &reply_len) ||
	    !get_u32(f[15], VAL_BOGUS, &sec) || !get_u32(f[16], 65535, &tag) ||
	    !get_u32(f[17], 255, &alg) || !get_u32(f[18], 1, &denial) ||
	    !get_u32(f[19], UINT32_MAX, &sig_time))
		return false;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&s->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&s->addr;
	if (inet_pton(AF_INET, f[6], &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, f[6], &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
	}
	s->kind = (enum iter_step_kind)kind;
	s->depth = depth;
	s->qtype = (uint16_t)qtype;
	s->tcp = tcp;
	s->rtt_ms = rtt;
	s->rcode = rcode;
	s->reply_len = s->reply ? reply_len : len;
	s->note = (const char *)note;
	s->security = (enum val_state)sec;
	s->key_tag = (uint16_t)tag;
	s->algorithm = (uint8_t)alg;
	s->denial = denial;
	s->sig_time = sig_time;
	return true;
}

bool ctl_trace_read(const char *text, size_t len, struct arena *a, struct iter_step **steps,
		    size_t *n, unsigned *rcode)
{
	char *copy = arena_alloc(a, len + 1);
	size_t cap = 0;
	*steps = NULL;
	*n = 0;
	if (!copy)
		return false;
	memcpy(copy, text, len);
	copy[len] = 0;
	char *save, *line;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[STEP_FIELDS + 1], *s2, *w = strtok_r(line, " ", &s2);
		size_t k = 0;
		for (; w && k <= STEP_FIELDS; w = strtok_r(NULL, " ", &s2))
			f[k++] = w;
		uint32_t rc;
		if (k == 2 && strcmp(f[0], "result") == 0 && get_u32(f[1], 4095, &rc)) {
			*rcode = rc;
			return true;
		}
		if (k != STEP_FIELDS || strcmp(f[0], "step") != 0 || *n == STEPS_MAX)
			return false;
		*steps = arena_grow(a, *steps, *n, sizeof(**steps), &cap, 16);
		if (!*steps || !read_step(a, f + 1, &(*steps)[*n]))
			return false;
		(*n)++;
	}
	return false; /* no result line */
}
