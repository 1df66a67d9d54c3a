/* resolver/ctl/ctl_cmd.c: resolverd-ctl's commands on the daemon's side (see ctl_cmd.h).
 *
 * Cache listings (dump-cache, lookup) read entries through cache_walk and cache_get, lay each
 * out as a zone-file line with its TTL left, trust and DNSSEC verdict (a denial as a comment
 * line naming the SOA that proves it), or as a JSON object, and sort them by name so that a
 * dump reads like a zone. Flushes go through cache_flush.
 *
 * SPDX-License-Identifier: MIT
 */
#include "ctl_cmd.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dns.h"
#include "config.h"
#include "fwd.h"
#include "infra.h"
#include "iterator.h"
#include "local.h"
#include "log.h"
#include "loop.h"
#include "rdata.h"

#define LOOKUP_BUF_FIRST 4096 /* cache copies for lookup; grows as an entry needs */

void ctl_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static const char *trust_name(unsigned t)
{
	static const char *const names[] = {
		[CACHE_TRUST_GLUE] = "glue",
		[CACHE_TRUST_AUTHORITY] = "authority",
		[CACHE_TRUST_ADDITIONAL] = "additional",
		[CACHE_TRUST_ANSWER] = "answer",
		[CACHE_TRUST_AUTHORITY_AUTH] = "authority-auth",
		[CACHE_TRUST_ANSWER_AUTH] = "answer-auth",
	};
	return t >= CACHE_TRUST_GLUE && t <= CACHE_TRUST_ANSWER_AUTH ? names[t] : "?";
}

/* The DNSSEC verdict stored with an entry (enum cache_security). */
static const char *security_name(unsigned s)
{
	static const char *const names[] = {
		[CACHE_SEC_UNCHECKED] = "unchecked",
		[CACHE_SEC_SECURE] = "secure",
		[CACHE_SEC_INSECURE] = "insecure",
		[CACHE_SEC_BOGUS] = "bogus",
	};
	return s <= CACHE_SEC_BOGUS ? names[s] : "?";
}

/* Text of a name, a type, an rdata: into fixed buffers, always terminated. */
static const char *name_str(const uint8_t *name, char *buf, size_t cap)
{
	struct buf_out b;
	buf_out_init(&b, buf, cap - 1);
	name_to_text(name, &b);
	buf[b.len] = 0;
	return buf;
}

static const char *type_str(uint16_t type, char buf[static 16])
{
	struct buf_out b;
	buf_out_init(&b, buf, 15);
	rdata_type_to_text(type, &b);
	buf[b.len] = 0;
	return buf;
}

/* rdata text can be long (a TXT set): the caller frees it. */
static char *rdata_str(const struct wire_rr *rr)
{
	size_t cap = 4 * (size_t)rr->rdlen + 64;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	struct buf_out b;
	buf_out_init(&b, buf, cap - 1);
	rdata_to_text(rr->type, rr->rdata, rr->rdlen, &b);
	buf[b.len] = 0;
	return buf;
}

/* One cache entry as text lines (zone-file layout) or one JSON object. */
static void print_item(FILE *out, bool json, const struct cache_item *it)
{
	char name[NAME_MAX_TEXT], type[16], zone[NAME_MAX_TEXT];
	const struct cache_rrset *set = it->set;
	name_str(it->name, name, sizeof(name));
	const char *kind = it->kind == CACHE_NXDOMAIN ? "NXDOMAIN"
			   : it->kind == CACHE_NODATA ? "NODATA"
						      : NULL;
	if (json) {
		fprintf(out, "{\"name\":");
		ctl_json_str(out, name);
		fprintf(out, ",\"ttl\":%u,\"trust\":\"%s\",\"dnssec\":\"%s\"", set->ttl_s,
			trust_name(set->trust), security_name(set->security));
		if (it->kind != CACHE_NXDOMAIN) {
			fprintf(out, ",\"type\":");
			ctl_json_str(out, type_str(it->type, type));
		}
		if (kind)
			fprintf(out, ",\"denial\":\"%s\",\"soa\":%s", kind,
				set->count ? "" : "null"); /* a NODATA may come without */
		else
			fprintf(out, ",\"rdata\":[");
		for (unsigned i = 0; i < set->count; i++) {
			char *rd = rdata_str(&set->rr[i]);
			if (kind) {
				fprintf(out, "{\"name\":");
				ctl_json_str(out, name_str(set->rr[i].owner, zone, sizeof(zone)));
				fprintf(out, ",\"rdata\":");
			}
			ctl_json_str(out, rd ? rd : "");
			fputs(kind ? "}" : i + 1 < set->count ? "," : "", out);
			free(rd);
		}
		fputs(kind ? "}" : "]}", out);
		return;
	}
	if (kind && set->count == 0) { /* a NODATA that came without an SOA */
		fprintf(out, "; %s %s %s %u trust=%s dnssec=%s proof: none (no SOA came)\n", kind,
			name, type_str(it->type, type), set->ttl_s, trust_name(set->trust),
			security_name(set->security));
		return;
	}
	if (kind) {
		char *rd = rdata_str(&set->rr[0]);
		fprintf(out, "; %s %s%s%s %u trust=%s dnssec=%s proof: %s %u IN SOA %s\n", kind,
			name, it->kind == CACHE_NODATA ? " " : "",
			it->kind == CACHE_NODATA ? type_str(it->type, type) : "", set->ttl_s,
			trust_name(set->trust), security_name(set->security),
			name_str(set->rr[0].owner, zone, sizeof(zone)), set->ttl_s, rd ? rd : "");
		free(rd);
		return;
	}
	for (unsigned i = 0; i < set->count; i++) {
		char *rd = rdata_str(&set->rr[i]);
		fprintf(out, "%s\t%u\tIN\t%s\t%s\t; trust=%s dnssec=%s\n", name, set->ttl_s,
			type_str(it->type, type), rd ? rd : "", trust_name(set->trust),
			security_name(set->security));
		free(rd);
	}
}

/* ---- listing entries, sorted ---- */

struct line {
	uint8_t name[NAME_MAX_WIRE];
	uint16_t type;
	char *text;
};

struct lines {
	struct line *v;
	size_t n, cap;
	bool json;
	bool short_of_memory;
};

/* The array v (n used of *cap elements of size bytes) with room for one more: v itself, or
 * v moved and doubled (from 64) when full. NULL when memory is short; v is then as it was. */
static void *room_for_one(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	size_t more = *cap ? 2 * *cap : 64;
	void *bigger = realloc(v, more * size);
	if (bigger)
		*cap = more;
	return bigger;
}

static void collect(void *arg, const struct cache_item *it)
{
	struct lines *l = arg;
	struct line *v = room_for_one(l->v, l->n, &l->cap, sizeof(*v));
	if (!v) {
		l->short_of_memory = true;
		return;
	}
	l->v = v;
	struct line *ln = &l->v[l->n];
	size_t len = 0;
	FILE *f = open_memstream(&ln->text, &len);
	if (!f) {
		l->short_of_memory = true;
		return;
	}
	print_item(f, l->json, it);
	fclose(f);
	memcpy(ln->name, it->name, name_len(it->name));
	ln->type = it->type;
	l->n++;
}

static int by_name(const void *a, const void *b)
{
	const struct line *x = a, *y = b;
	int c = name_compare(x->name, y->name);
	return c ? c : (x->type > y->type) - (x->type < y->type);
}

/* Prints the entries f matches, sorted: text lines, or a JSON array's items. Returns how
 * many. */
static size_t print_entries(struct ctl_ctx *x, const struct cache_filter *f, bool json,
			    FILE *out)
{
	struct lines l = { .json = json };
	uint32_t now_s = (uint32_t)(loop_clock_ms() / 1000);
	cache_walk(server_cache(x->s), f, now_s, collect, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_name);
	for (size_t i = 0; i < l.n; i++) {
		fprintf(out, "%s%s", json && i ? "," : "", l.v[i].text);
		if (json)
			fputc('\n', out);
		free(l.v[i].text);
	}
	if (l.short_of_memory && !json)
		fputs("; some entries were left out: memory short\n", out);
	free(l.v);
	return l.n;
}

static bool dump_cache(struct ctl_ctx *x, bool json, FILE *out)
{
	char t[40];
	log_time_rfc3339((int64_t)time(NULL) * 1000, t, sizeof(t));
	if (json) {
		fputs("{\"entries\":[\n", out);
		size_t n = print_entries(x, NULL, true, out);
		fprintf(out, "],\"count\":%zu}\n", n);
		return true;
	}
	fprintf(out, "; resolverd cache at %s: name, TTL left, class, type, data; trust\n", t);
	size_t n = print_entries(x, NULL, false, out);
	fprintf(out, "; %zu entries\n", n);
	return true;
}

/* ---- lookup: a name's entries and the delegations above it ---- */

/* cache_get into a buffer that grows when an entry needs more; CACHE_MISS when it cannot. */
static enum cache_res get(struct cache *c, const uint8_t *name, uint16_t type,
			  struct cache_rrset **buf, size_t *cap)
{
	struct cache_key k = { name, type, DNS_CLASS_IN };
	size_t used;
	uint32_t now_s = (uint32_t)(loop_clock_ms() / 1000);
	for (;;) {
		enum cache_res r = cache_get(c, &k, CACHE_TRUST_GLUE, now_s, *buf, *cap, &used);
		if (r != CACHE_SPACE)
			return r;
		struct cache_rrset *bigger = realloc(*buf, used);
		if (!bigger)
			return CACHE_MISS;
		*buf = bigger;
		*cap = used;
	}
}

/* One zone cut: its NS RRset and the cached addresses of each server. */
static void print_cut(struct ctl_ctx *x, const uint8_t *zone, bool json, bool *first,
		      struct cache_rrset **buf, size_t *cap, FILE *out)
{
	struct cache *c = server_cache(x->s);
	if (get(c, zone, DNS_TYPE_NS, buf, cap) != CACHE_HIT)
		return;
	size_t n = (*buf)->count;
	uint8_t (*targets)[NAME_MAX_WIRE] = calloc(n, NAME_MAX_WIRE);
	if (!targets)
		return;
	for (size_t i = 0; i < n; i++)
		memcpy(targets[i], (*buf)->rr[i].rdata, (*buf)->rr[i].rdlen);
	struct cache_item it = { zone, DNS_TYPE_NS, CACHE_HIT, *buf };
	fputs(json && !*first ? "," : "", out);
	print_item(out, json, &it);
	*first = false;
	static const uint16_t addr_types[] = { DNS_TYPE_A, DNS_TYPE_AAAA };
	for (size_t i = 0; i < n; i++) {
		for (size_t t = 0; t < 2; t++) {
			if (get(c, targets[i], addr_types[t], buf, cap) != CACHE_HIT)
				continue;
			struct cache_item a = { targets[i], addr_types[t], CACHE_HIT, *buf };
			fputs(json ? "," : "", out);
			print_item(out, json, &a);
		}
	}
	free(targets);
}

static bool lookup(struct ctl_ctx *x, const struct ctl_cmd *cmd, FILE *out)
{
	char name[NAME_MAX_TEXT];
	name_str(cmd->name, name, sizeof(name));
	struct cache_filter f = { .name = cmd->name };
	fputs(cmd->json ? "{\"name\":" : "", out);
	if (cmd->json) {
		ctl_json_str(out, name);
		fputs(",\"entries\":[\n", out);
	} else {
		fprintf(out, "; what the cache holds for %s\n", name);
	}
	size_t n = print_entries(x, &f, cmd->json, out);
	if (!cmd->json && n == 0)
		fputs("; nothing\n", out);
	fputs(cmd->json ? "],\"delegations\":[" : "; the delegations above it, from the root\n",
	      out);
	/* the ancestors from the root down: labels counted, then each cut by its depth */
	size_t cap = LOOKUP_BUF_FIRST;
	struct cache_rrset *buf = malloc(cap);
	unsigned labels = name_labels(cmd->name);
	bool first = true;
	for (unsigned depth = 0; buf && depth <= labels; depth++) {
		const uint8_t *zone = cmd->name;
		for (unsigned i = depth; i < labels; i++)
			zone = name_parent(zone);
		print_cut(x, zone, cmd->json, &first, &buf, &cap, out);
	}
	if (!cmd->json && first)
		fputs("; none cached: resolution starts from the root hints\n", out);
	fputs(cmd->json ? "]}\n" : "", out);
	free(buf);
	return true;
}

/* ---- flush ---- */

/* The answer and log line of a command that dropped n things (a flush, a forget): "flushed
 * 3 entries: WHAT", or {"flushed":3,"what":"WHAT"}. */
static bool dropped(FILE *out, bool json, const char *verb, size_t n, const char *noun,
		    const char *what)
{
	log_msg(LOG_INFO, "control: %s %zu %s: %s", verb, n, noun, what);
	if (json) {
		fprintf(out, "{\"%s\":%zu,\"what\":", verb, n);
		ctl_json_str(out, what);
		fputs("}\n", out);
	} else {
		fprintf(out, "%s %zu %s: %s\n", verb, n, noun, what);
	}
	return true;
}

static bool flush(struct ctl_ctx *x, const struct ctl_cmd *cmd, FILE *out)
{
	struct cache_filter f = { 0 };
	char name[NAME_MAX_TEXT], type[16], what[NAME_MAX_TEXT + 64];
	switch (cmd->verb) {
	case CTL_FLUSH:
		f.name = cmd->name;
		f.type = cmd->type;
		snprintf(what, sizeof(what), "%s%s%s", name_str(cmd->name, name, sizeof(name)),
			 cmd->type ? " " : "", cmd->type ? type_str(cmd->type, type) : "");
		break;
	case CTL_FLUSH_ZONE:
		f.name = cmd->name;
		f.below = true;
		snprintf(what, sizeof(what), "%s and below", name_str(cmd->name, name, sizeof(name)));
		break;
	case CTL_FLUSH_NEGATIVE:
		f.negative_only = true;
		snprintf(what, sizeof(what), "every NXDOMAIN and NODATA");
		break;
	case CTL_FLUSH_BOGUS:
		f.bogus_only = true;
		snprintf(what, sizeof(what), "every bogus entry");
		break;
	default:
		snprintf(what, sizeof(what), "everything");
		break;
	}
	size_t n = cache_flush(server_cache(x->s), &f);
	return dropped(out, cmd->json, "flushed", n, n == 1 ? "entry" : "entries", what);
}

/* ---- the server table: dump-infra, flush-infra ---- */

struct servers {
	struct infra_entry *v;
	size_t n, cap;
	bool short_of_memory;
};

static void add_server(void *arg, const struct infra_entry *e)
{
	struct servers *l = arg;
	struct infra_entry *v = room_for_one(l->v, l->n, &l->cap, sizeof(*v));
	if (!v) {
		l->short_of_memory = true;
		return;
	}
	l->v = v;
	l->v[l->n++] = *e;
}

/* IPv4 before IPv6, then by address bytes. */
static int by_address(const void *a, const void *b)
{
	const struct sockaddr_storage *x = &((const struct infra_entry *)a)->addr;
	const struct sockaddr_storage *y = &((const struct infra_entry *)b)->addr;
	if (x->ss_family != y->ss_family)
		return x->ss_family == AF_INET ? -1 : 1;
	if (x->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)x)->sin_addr,
			      &((const struct sockaddr_in *)y)->sin_addr, 4);
	return memcmp(&((const struct sockaddr_in6 *)x)->sin6_addr,
		      &((const struct sockaddr_in6 *)y)->sin6_addr, 16);
}

static bool dump_infra(const struct iter_env *env, bool json, FILE *out)
{
	struct servers l = { 0 };
	infra_walk(env->infra, loop_clock_ms(), add_server, &l);
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), by_address);
	fputs(json ? "{\"servers\":[" : "", out);
	for (size_t i = 0; i < l.n; i++) {
		const struct infra_entry *e = &l.v[i];
		char a[INET6_ADDRSTRLEN];
		inet_ntop(e->addr.ss_family,
			  e->addr.ss_family == AF_INET
				  ? (const void *)&((const struct sockaddr_in *)&e->addr)->sin_addr
				  : (const void *)&((const struct sockaddr_in6 *)&e->addr)->sin6_addr,
			  a, sizeof(a));
		unsigned long long lame_s = (unsigned long long)((e->lame_left_ms + 999) / 1000);
		unsigned long long probe_s = (unsigned long long)((e->probe_in_ms + 999) / 1000);
		if (json) {
			fprintf(out, "%s{\"address\":\"%s\",\"srtt_ms\":%u,\"rttvar_ms\":%u,"
				     "\"timeout_ms\":%u,\"lame_s\":%llu,\"no_0x20\":%s,\"timed\":%s,"
				     "\"down\":%s",
				i ? "," : "", a, e->srtt_ms, e->rttvar_ms, e->rto_ms, lame_s,
				e->no_0x20 ? "true" : "false", e->timed ? "true" : "false",
				e->down ? "true" : "false");
			if (e->down)
				fprintf(out, ",\"next_probe_s\":%llu", probe_s);
			fputs("}", out);
			continue;
		}
		if (e->timed)
			fprintf(out, "%s rtt %u ms (variance %u ms), timeout %u ms", a, e->srtt_ms,
				e->rttvar_ms, e->rto_ms);
		else
			fprintf(out, "%s never timed, timeout %u ms", a, e->rto_ms);
		if (e->down)
			fprintf(out, ", down, next probe in %llu s", probe_s);
		if (lame_s)
			fprintf(out, ", lame for a zone for %llu s more", lame_s);
		fputs(e->no_0x20 ? ", asked without 0x20\n" : "\n", out);
	}
	if (json)
		fprintf(out, "],\"count\":%zu}\n", l.n);
	else
		fprintf(out, "%zu server%s%s\n", l.n, l.n == 1 ? "" : "s",
			l.short_of_memory ? " (memory short: some left out)" : "");
	free(l.v);
	return !l.short_of_memory;
}

static bool flush_infra(const struct iter_env *env, const struct ctl_cmd *cmd, FILE *out)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)cmd->family };
	char a[INET6_ADDRSTRLEN] = "every server";
	if (cmd->family == AF_INET)
		memcpy(&((struct sockaddr_in *)&ss)->sin_addr, cmd->addr, 4);
	else if (cmd->family == AF_INET6)
		memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr, cmd->addr, 16);
	if (cmd->family)
		inet_ntop(cmd->family, cmd->addr, a, sizeof(a));
	size_t n = infra_forget(env->infra,
				cmd->family ? (const struct sockaddr *)&ss : NULL);
	return dropped(out, cmd->json, "forgot", n, n == 1 ? "server" : "servers", a);
}

/* ---- the configuration's zones: list-local-zones, list-local-data, list-forwards, ... ---- */

struct local_listing {
	FILE *out;
	bool json, data;
	size_t shown; /* zones or records written */
};

static void list_local_zone(void *arg, const struct local_zone_info *zi)
{
	struct local_listing *l = arg;
	char name[NAME_MAX_TEXT], type[16];
	name_str(zi->name, name, sizeof(name));
	if (!l->data) {
		if (l->json) {
			fprintf(l->out, "%s{\"name\":", l->shown ? "," : "");
			ctl_json_str(l->out, name);
			fprintf(l->out, ",\"type\":\"%s\",\"records\":%zu}",
				local_type_name(zi->type), zi->n_rr);
		} else {
			fprintf(l->out, "%s %s\n", name, local_type_name(zi->type));
		}
		l->shown++;
		return;
	}
	for (size_t i = 0; i < zi->n_rr; i++, l->shown++) {
		const struct wire_rr *rr = &zi->rr[i];
		char *rd = rdata_str(rr);
		name_str(rr->owner, name, sizeof(name));
		type_str(rr->type, type);
		if (l->json) {
			fprintf(l->out, "%s{\"name\":", l->shown ? "," : "");
			ctl_json_str(l->out, name);
			fprintf(l->out, ",\"ttl\":%u,\"type\":\"%s\",\"rdata\":", rr->ttl, type);
			ctl_json_str(l->out, rd ? rd : "");
			fputs("}", l->out);
		} else {
			fprintf(l->out, "%s\t%u\tIN\t%s\t%s\n", name, rr->ttl, type, rd ? rd : "");
		}
		free(rd);
	}
}

static bool list_local(const struct config *cfg, const struct ctl_cmd *cmd, FILE *out)
{
	struct local_listing l = { out, cmd->json, cmd->verb == CTL_LIST_LOCAL_DATA, 0 };
	const char *what = l.data ? "records" : "zones";
	if (cmd->json)
		fprintf(out, "{\"%s\":[", what);
	local_zones_walk(cfg->local, list_local_zone, &l);
	if (cmd->json)
		fprintf(out, "],\"count\":%zu}\n", l.shown);
	else
		fprintf(out, "%zu local %s%s\n", l.shown, l.data ? "record" : "zone",
			l.shown == 1 ? "" : "s");
	return true;
}

static bool list_forwarding(const struct config *cfg, const struct ctl_cmd *cmd, FILE *out)
{
	bool stub = cmd->verb == CTL_LIST_STUBS;
	const struct fwd_zones *zs = stub ? &cfg->forwarding.stub : &cfg->forwarding.forward;
	fputs(cmd->json ? "{\"zones\":[" : "", out);
	for (size_t i = 0; i < zs->n; i++) {
		const struct fwd_zone *z = &zs->z[i];
		char name[NAME_MAX_TEXT], a[INET6_ADDRSTRLEN + 8];
		name_str(z->name, name, sizeof(name));
		if (cmd->json) {
			fprintf(out, "%s{\"name\":", i ? "," : "");
			ctl_json_str(out, name);
			fputs(",\"addresses\":[", out);
		} else {
			fprintf(out, "%s %s", name, stub ? "stub" : "forward");
		}
		for (size_t k = 0; k < z->n_addr; k++) {
			server_addr_text(&z->addr[k], a, sizeof(a));
			if (cmd->json)
				fprintf(out, "%s\"%s\"", k ? "," : "", a);
			else
				fprintf(out, " %s", a);
		}
		if (cmd->json)
			fprintf(out, "],\"first\":%s}", z->first ? "true" : "false");
		else
			fputs(z->first ? " first\n" : "\n", out);
	}
	if (cmd->json)
		fprintf(out, "],\"count\":%zu}\n", zs->n);
	else
		fprintf(out, "%zu %s zone%s\n", zs->n, stub ? "stub" : "forward",
			zs->n == 1 ? "" : "s");
	return true;
}

/* ---- status, stats, reload ---- */

static bool status(struct ctl_ctx *x, const struct config *cfg, bool json, FILE *out)
{
	struct stats_all st;
	stats_collect(x->s, &st);
	char since[40], a[INET6_ADDRSTRLEN + 8];
	log_time_rfc3339(x->started_unix_ms, since, sizeof(since));
	uint64_t up = (loop_clock_ms() - x->started_ms) / 1000;
	if (json) {
		fprintf(out, "{\"version\":\"%s\",\"pid\":%ld,\"started\":\"%s\",\"uptime_s\":%llu,"
			     "\"config\":",
			x->version, (long)getpid(), since, (unsigned long long)up);
		ctl_json_str(out, reload_path(x->reload));
		fprintf(out, ",\"threads\":%u,\"listen\":[", cfg->server.threads);
		for (size_t i = 0; i < cfg->server.n_listen; i++) {
			server_addr_text(&cfg->server.listen[i], a, sizeof(a));
			fprintf(out, "%s\"%s\"", i ? "," : "", a);
		}
		fprintf(out, "],\"queries\":%llu,\"cache_entries\":%zu,\"cache_bytes\":%zu,"
			     "\"resolutions_in_flight\":%llu}\n",
			(unsigned long long)st.srv.queries, st.cache.entries, st.cache.bytes,
			(unsigned long long)st.srv.resolving);
		return true;
	}
	fprintf(out, "resolverd %s, pid %ld, running since %s (%llu s)\n", x->version,
		(long)getpid(), since, (unsigned long long)up);
	fprintf(out, "configuration: %s\n", reload_path(x->reload));
	fprintf(out, "listening on:");
	for (size_t i = 0; i < cfg->server.n_listen; i++) {
		server_addr_text(&cfg->server.listen[i], a, sizeof(a));
		fprintf(out, " %s", a);
	}
	fprintf(out, " (UDP and TCP), %u worker%s\n", cfg->server.threads,
		cfg->server.threads == 1 ? "" : "s");
	if (cfg->toy.map[0])
		fprintf(out, "toy internet: %s on port %u\n", cfg->toy.map, cfg->toy.port);
	fprintf(out, "queries: %llu, %llu answered from the cache at once, %llu in resolution now\n",
		(unsigned long long)st.srv.queries, (unsigned long long)st.srv.cache_hits,
		(unsigned long long)st.srv.resolving);
	fprintf(out, "cache: %zu entries, %zu of %zu bytes\n", st.cache.entries, st.cache.bytes,
		cfg->cache.size_bytes);
	return true;
}

static bool stats(struct ctl_ctx *x, const struct ctl_cmd *cmd, FILE *out)
{
	struct stats_all now, shown;
	stats_collect(x->s, &now);
	shown = now;
	stats_since(&shown, &x->baseline);
	struct stats_item items[STATS_ITEMS_MAX];
	size_t n = stats_items(&shown, items, STATS_ITEMS_MAX);
	fputs(cmd->json ? "{" : "", out);
	for (size_t i = 0; i < n; i++) {
		if (cmd->json)
			fprintf(out, "%s\"%s\":%llu", i ? "," : "", items[i].key,
				(unsigned long long)items[i].value);
		else
			fprintf(out, "%s %llu\n", items[i].key, (unsigned long long)items[i].value);
	}
	fputs(cmd->json ? "}\n" : "", out);
	if (cmd->reset)
		x->baseline = now;
	return true;
}

static bool reload(struct ctl_ctx *x, bool json, FILE *out)
{
	char report[2048];
	bool ok = reload_run(x->reload, x->s, report, sizeof(report));
	if (json) {
		fprintf(out, "{\"reloaded\":%s,\"report\":", ok ? "true" : "false");
		ctl_json_str(out, report);
		fputs("}\n", out);
	} else {
		fprintf(out, "%s\n", report);
	}
	return ok;
}

static bool log_level(const struct ctl_cmd *cmd, FILE *out)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	log_set_level(cmd->level);
	log_msg(LOG_INFO, "control: log level %s until the next reload", names[cmd->level]);
	if (cmd->json)
		fprintf(out, "{\"log_level\":\"%s\"}\n", names[cmd->level]);
	else
		fprintf(out, "log level %s (until the next reload)\n", names[cmd->level]);
	return true;
}

/* cmd, under the configuration snap (held). */
static bool run(struct ctl_ctx *x, const struct snapshot *snap, const struct ctl_cmd *cmd,
		FILE *out)
{
	const struct config *cfg = server_snapshot_config(snap);
	const struct iter_env *env = server_snapshot_env(snap);
	switch (cmd->verb) {
	case CTL_STATUS: return status(x, cfg, cmd->json, out);
	case CTL_STATS: return stats(x, cmd, out);
	case CTL_RELOAD: return reload(x, cmd->json, out);
	case CTL_FLUSH:
	case CTL_FLUSH_ZONE:
	case CTL_FLUSH_ALL:
	case CTL_FLUSH_NEGATIVE:
	case CTL_FLUSH_BOGUS: return flush(x, cmd, out);
	case CTL_DUMP_INFRA: return dump_infra(env, cmd->json, out);
	case CTL_FLUSH_INFRA: return flush_infra(env, cmd, out);
	case CTL_LIST_LOCAL_ZONES:
	case CTL_LIST_LOCAL_DATA: return list_local(cfg, cmd, out);
	case CTL_LIST_FORWARDS:
	case CTL_LIST_STUBS: return list_forwarding(cfg, cmd, out);
	case CTL_DUMP_CACHE: return dump_cache(x, cmd->json, out);
	case CTL_LOOKUP: return lookup(x, cmd, out);
	case CTL_LOG_LEVEL: return log_level(cmd, out);
	case CTL_STOP:
		fputs(cmd->json ? "{\"stopping\":true}\n" : "stopping\n", out);
		return true;
	default: break;
	}
	fprintf(out, "%s: not run here\n", ctl_verb_name(cmd->verb));
	return false;
}

bool ctl_cmd_run(struct ctl_ctx *x, const struct ctl_cmd *cmd, FILE *out)
{
	struct snapshot *snap = server_hold(x->s); /* whatever reload comes meanwhile */
	bool ok = run(x, snap, cmd, out);
	server_release(x->s, snap);
	return ok;
}
