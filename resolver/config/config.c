/* resolver/config/config.c: resolverd's YAML configuration, its schema, defaults and checks, and the
 * client access check (see config.h).
 *
 * One table lists every key: its section, its name, the kind of value and where it goes in
 * struct config, with its range. Loading walks the document against the table, so a key the
 * table does not know is an error where it stands, and so is a key given twice (libyaml does
 * not check). List keys replace their default as a whole. Checks that involve two keys, and
 * the defaults that depend on the file's directory, run after the walk. The map of the toy
 * internet is config_map.c's; libyaml's loading and the shared value forms are config_yaml.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_fwd.h"
#include "config_local.h"
#include "config_yaml.h"
#include "text.h"

#define TTL_MAX 2147483647u /* RFC 2181 §8: TTLs are 31-bit */

enum kind {
	K_NUM,      /* decimal number from min to max */
	K_BOOL,     /* true or false */
	K_SIZE,     /* bytes with K, M or G (1024-based), at least min */
	K_TTL,      /* seconds, or units as in 1h30m, at most TTL_MAX */
	K_PATH,     /* a path, resolved against the file's directory */
	K_LOG,      /* a log level name */
	K_FORMAT,   /* a log format name */
	K_GROUP,    /* a group name or number: control.group */
	K_ADDR,     /* one IPv4 or IPv6 address: metrics.listen */
	K_LISTEN,   /* a list of addresses: server.listen */
	K_PREFIXES, /* a list of address prefixes: struct config_prefix_list */
	K_NAMES,    /* a list of domain names into a uint8_t [N][NAME_MAX_WIRE] field; the key's
		       max is the offset of the size_t that gets the count */
	K_WORD,     /* a non-empty string without spaces, shorter than the field */
	K_LOCAL,    /* local-zones.zones (max 0) or .data (max 1): read by config_local.c */
	K_FWD,      /* a list of forward or stub zones: struct fwd_zones (config_fwd.c) */
};

struct key {
	const char *section, *name;
	enum kind kind;
	size_t off, size; /* the field in struct config */
	uint32_t min, max;
};

#define AT(field) offsetof(struct config, field), sizeof(((struct config *)0)->field)

/* The schema. conf/README.md documents each key; keep the two in step. */
static const struct key keys[] = {
	{ "server", "listen", K_LISTEN, AT(server.listen), 0, 0 },
	{ "server", "port", K_NUM, AT(server.port), 1, 65535 },
	{ "server", "threads", K_NUM, AT(server.threads), 1, 64 },
	{ "server", "udp-size", K_NUM, AT(server.udp_size), 512, 4096 },
	{ "server", "tcp-idle-timeout-ms", K_NUM, AT(server.tcp_idle_timeout_ms), 100, 600000 },
	{ "server", "tcp-message-timeout-ms", K_NUM, AT(server.tcp_message_timeout_ms), 100,
	  600000 },
	{ "server", "tcp-max-connections", K_NUM, AT(server.tcp_max_connections), 1, 65535 },
	{ "server", "tcp-max-per-client", K_NUM, AT(server.tcp_max_per_client), 1, 65535 },
	{ "server", "resolutions-per-thread", K_NUM, AT(server.resolutions_per_thread), 16, 65536 },
	{ "server", "user", K_WORD, AT(server.user), 0, 0 },
	{ "access", "allow", K_PREFIXES, AT(access.allow), 0, 0 },
	{ "access", "refuse", K_PREFIXES, AT(access.refuse), 0, 0 },
	{ "cache", "size", K_SIZE, AT(cache.size_bytes), CACHE_SIZE_MIN, 0 },
	{ "cache", "max-ttl", K_TTL, AT(cache.max_ttl_s), 0, TTL_MAX },
	{ "cache", "min-ttl", K_TTL, AT(cache.min_ttl_s), 0, TTL_MAX },
	{ "cache", "max-negative-ttl", K_TTL, AT(cache.max_neg_ttl_s), 0, TTL_MAX },
	{ "cache", "nodata-no-soa-ttl", K_TTL, AT(cache.nodata_no_soa_ttl_s), 0, 3600 },
	{ "resolver", "root-hints", K_PATH, AT(resolver.root_hints), 0, 0 },
	{ "resolver", "upstream-port", K_NUM, AT(resolver.upstream_port), 1, 65535 },
	{ "resolver", "query-special-addresses", K_BOOL, AT(resolver.query_special_addresses), 0,
	  0 },
	{ "resolver", "first-timeout-ms", K_NUM, AT(resolver.first_timeout_ms), 50, 10000 },
	{ "resolver", "edns-size", K_NUM, AT(resolver.edns_size), 512, 4096 },
	{ "resolver", "use-0x20", K_BOOL, AT(resolver.use_0x20), 0, 0 },
	{ "resolver", "qname-minimisation", K_BOOL, AT(resolver.qname_minimisation), 0, 0 },
	{ "resolver", "qname-minimisation-strict", K_BOOL, AT(resolver.qname_minimisation_strict),
	  0, 0 },
	{ "limits", "referrals", K_NUM, AT(limits.referrals), 1, 100 },
	{ "limits", "cname-chain", K_NUM, AT(limits.cname_chain), 1, 100 },
	{ "limits", "upstream-queries", K_NUM, AT(limits.upstream), 1, 1000 },
	{ "limits", "glueless", K_NUM, AT(limits.glueless), 0, 100 },
	{ "limits", "budget-ms", K_NUM, AT(limits.budget_ms), 100, 600000 },
	{ "dnssec", "validate", K_BOOL, AT(dnssec.validate), 0, 0 },
	{ "dnssec", "trust-anchor-file", K_PATH, AT(dnssec.trust_anchor_file), 0, 0 },
	{ "dnssec", "negative-trust-anchors", K_NAMES, AT(dnssec.negative), 0,
	  offsetof(struct config, dnssec.n_negative) },
	{ "dnssec", "bogus-ttl", K_TTL, AT(dnssec.bogus_ttl_s), 0, 86400 },
	{ "dnssec", "max-keys-per-tag", K_NUM, AT(dnssec.limits.keys_per_tag), 1, 64 },
	{ "dnssec", "max-rrsigs-per-rrset", K_NUM, AT(dnssec.limits.rrsigs_per_rrset), 1, 64 },
	{ "dnssec", "max-signature-checks", K_NUM, AT(dnssec.limits.sig_checks), 1, 10000 },
	{ "dnssec", "max-nsec3-hashes", K_NUM, AT(dnssec.limits.nsec3_hashes), 1, 100000 },
	{ "dnssec", "max-nsec3-iterations", K_NUM, AT(dnssec.limits.nsec3_iterations), 0, 2500 },
	{ "local-zones", "off", K_NAMES, AT(local_zones_off), 0,
	  offsetof(struct config, n_local_zones_off) },
	{ "local-zones", "zones", K_LOCAL, AT(local), 0, 0 },
	{ "local-zones", "data", K_LOCAL, AT(local), 0, 1 },
	{ "log", "level", K_LOG, AT(log_level), 0, 0 },
	{ "log", "format", K_FORMAT, AT(log_format), 0, 0 },
	{ "log", "queries", K_BOOL, AT(log_queries), 0, 0 },
	{ "control", "socket", K_PATH, AT(control.socket), 0, 0 },
	{ "control", "group", K_GROUP, AT(control.gid), 0, 0 },
	{ "metrics", "listen", K_ADDR, AT(metrics.listen), 0, 0 },
	{ "metrics", "port", K_NUM, AT(metrics.port), 1, 65535 },
	{ "toy-internet", "map", K_PATH, AT(toy.map), 0, 0 },
	{ "toy-internet", "port", K_NUM, AT(toy.port), 1, 65535 },
	{ "forwarding", "forward-zones", K_FWD, AT(forwarding.forward), 0, 0 },
	{ "forwarding", "stub-zones", K_FWD, AT(forwarding.stub), 0, 0 },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = {
	"server", "access", "cache", "resolver", "limits", "dnssec", "log", "control", "metrics",
	"toy-internet", "local-zones", "forwarding",
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

static const char *const log_levels[] = {
	[LOG_ERROR] = "error",
	[LOG_WARN] = "warn",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
	NULL,
};

static const char *const log_formats[] = {
	[LOG_FORMAT_TEXT] = "text",
	[LOG_FORMAT_JSON] = "json",
	NULL,
};

/* One load in progress. */
struct load {
	struct config_yaml y;
	struct config *c;
	unsigned section_line[N_SECTIONS]; /* where each section was given, 0 if not */
	unsigned key_line[N_KEYS];         /* where each key was given, 0 if not */
	char key[160];                     /* "section.name" of the key being read */
	const yaml_node_t *local[2];       /* local-zones.zones and .data, read at the end */
};

static int key_index(const char *section, const char *name)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Stores v into the field of k, whatever its width. */
static void store(struct config *c, const struct key *k, uint64_t v)
{
	char *field = (char *)c + k->off;
	if (k->size == sizeof(uint16_t)) {
		uint16_t x = (uint16_t)v;
		memcpy(field, &x, sizeof(x));
	} else if (k->size == sizeof(uint32_t)) {
		uint32_t x = (uint32_t)v;
		memcpy(field, &x, sizeof(x));
	} else {
		uint64_t x = v;
		memcpy(field, &x, sizeof(x));
	}
}

/* A decimal number of bytes with an optional K, M or G (1024-based). */
static bool parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return false;
	unsigned shift = 0;
	if (s[i] != 0) {
		switch (s[i] | 0x20) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		default: return false;
		}
		if (s[i + 1] != 0)
			return false;
	}
	if (v > (SIZE_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

static bool set_num(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	uint32_t x;
	char what[64];
	snprintf(what, sizeof(what), "a number from %u to %u", k->min, k->max);
	if (!config_yaml_scalar(&l->y, v, l->key, what, &s))
		return false;
	if (text_u32(s, strlen(s), k->max, &x) != ERR_OK || x < k->min)
		return config_yaml_fail(&l->y, v, l->key, "expected %s", what);
	store(l->c, k, x);
	return true;
}

static bool set_size(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	uint64_t x;
	const char *what = "a size (use a number with K, M or G)";
	if (!config_yaml_scalar(&l->y, v, l->key, what, &s))
		return false;
	if (!parse_size(s, &x))
		return config_yaml_fail(&l->y, v, l->key, "not %s", what);
	if (x < k->min)
		return config_yaml_fail(&l->y, v, l->key, "must be at least %uK", k->min >> 10);
	store(l->c, k, x);
	return true;
}

static bool set_ttl(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	uint32_t x;
	const char *what = "a TTL (seconds, or with units as in 1h30m)";
	if (!config_yaml_scalar(&l->y, v, l->key, what, &s))
		return false;
	enum err e = text_ttl(s, strlen(s), &x);
	if (e == ERR_SYNTAX)
		return config_yaml_fail(&l->y, v, l->key, "not %s", what);
	if (e != ERR_OK || x > k->max)
		return config_yaml_fail(&l->y, v, l->key, "must be at most %u seconds", k->max);
	store(l->c, k, x);
	return true;
}

static bool set_bool(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	if (!config_yaml_scalar(&l->y, v, l->key, "true or false", &s))
		return false;
	bool x = strcmp(s, "true") == 0;
	if (!x && strcmp(s, "false") != 0)
		return config_yaml_fail(&l->y, v, l->key, "expected true or false");
	memcpy((char *)l->c + k->off, &x, sizeof(x));
	return true;
}

/* One of the names (a NULL-ended table, index = the enum's value), what says them all. */
static bool set_name(struct load *l, const struct key *k, const yaml_node_t *v,
		     const char *const *names, const char *what)
{
	const char *s;
	if (!config_yaml_scalar(&l->y, v, l->key, what, &s))
		return false;
	for (int i = 0; names[i]; i++) {
		if (strcmp(s, names[i]) == 0) {
			memcpy((char *)l->c + k->off, &i, sizeof(i));
			return true;
		}
	}
	return config_yaml_fail(&l->y, v, l->key, "expected %s", what);
}

/* A group name (or number) that exists on this machine, as its gid. */
static bool set_group(struct load *l, const yaml_node_t *v)
{
	const char *s;
	if (!config_yaml_scalar(&l->y, v, l->key, "a group name", &s))
		return false;
	struct group gr, *res = NULL;
	char buf[4096];
	uint32_t num;
	if (getgrnam_r(s, &gr, buf, sizeof(buf), &res) == 0 && res) {
		l->c->control.gid = res->gr_gid;
	} else if (text_u32(s, strlen(s), UINT32_MAX - 1, &num) == ERR_OK) {
		l->c->control.gid = (gid_t)num;
	} else {
		return config_yaml_fail(&l->y, v, l->key, "no group \"%.64s\" on this machine", s);
	}
	l->c->control.has_group = true;
	return true;
}

static bool set_addr(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	if (!config_yaml_scalar(&l->y, v, l->key, "an IPv4 or IPv6 address", &s))
		return false;
	if (!config_yaml_addr(s, (struct sockaddr_storage *)((char *)l->c + k->off)))
		return config_yaml_fail(&l->y, v, l->key, "not an IPv4 or IPv6 address: \"%.64s\"",
					s);
	l->c->metrics.on = true;
	return true;
}

static bool set_path(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	if (!config_yaml_scalar(&l->y, v, l->key, "a path", &s))
		return false;
	return config_yaml_path(&l->y, v, l->key, s, (char *)l->c + k->off, k->size);
}

static bool set_word(struct load *l, const struct key *k, const yaml_node_t *v)
{
	const char *s;
	if (!config_yaml_scalar(&l->y, v, l->key, "a name", &s))
		return false;
	size_t n = strlen(s);
	if (n == 0 || n >= k->size || strpbrk(s, " \t:/") != NULL)
		return config_yaml_fail(&l->y, v, l->key,
					"expected a name of 1 to %zu characters without blanks, "
					"':' or '/'",
					k->size - 1);
	memcpy((char *)l->c + k->off, s, n + 1);
	return true;
}

/* The items of sequence v, at most max, else an error naming what they are. */
static bool sequence(struct load *l, const yaml_node_t *v, const char *what, size_t max,
		     size_t *n)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return config_yaml_fail(&l->y, v, l->key, "expected a list of %s", what);
	*n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (*n > max)
		return config_yaml_fail(&l->y, v, l->key, "more than %zu %s", max, what);
	return true;
}

static bool set_listen(struct load *l, const yaml_node_t *v)
{
	struct config *c = l->c;
	size_t n;
	if (!sequence(l, v, "addresses", CONFIG_MAX_LISTEN, &n))
		return false;
	if (n == 0)
		return config_yaml_fail(&l->y, v, l->key, "expected at least one address");
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *item = config_yaml_node(&l->y, v->data.sequence.items.start[i]);
		const char *s;
		struct sockaddr_storage *ss = &c->server.listen[i];
		if (!config_yaml_scalar(&l->y, item, l->key, "an IPv4 or IPv6 address", &s))
			return false;
		if (!config_yaml_addr(s, ss))
			return config_yaml_fail(&l->y, item, l->key,
						"not an IPv4 or IPv6 address: \"%.64s\"", s);
		for (size_t j = 0; j < i; j++)
			if (memcmp(&c->server.listen[j], ss, sizeof(*ss)) == 0)
				return config_yaml_fail(&l->y, item, l->key, "%s listed twice", s);
	}
	c->server.n_listen = n;
	return true;
}

/* Turns ::ffff:a.b.c.d/96+n into a.b.c.d/n, since mapped clients are matched as IPv4. */
static void unmap(struct config_prefix *p)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (p->family != AF_INET6 || p->len < 96 || memcmp(p->addr, mapped, 12) != 0)
		return;
	memmove(p->addr, p->addr + 12, 4);
	memset(p->addr + 4, 0, 12);
	p->family = AF_INET;
	p->len = (uint8_t)(p->len - 96);
}

/* Parses "address" or "address/length" into p; on failure writes why (a reason) and returns
 * false. Bits set after the length are an error, as a typo there changes whom it admits. */
static bool parse_prefix(const char *s, struct config_prefix *p, char why[160])
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	struct sockaddr_storage ss;
	snprintf(text, sizeof(text), "%.*s", (int)(alen < sizeof(text) ? alen : 0), s);
	if (alen >= sizeof(text) || !config_yaml_addr(text, &ss)) {
		snprintf(why, 160, "not an address or address/length: \"%.64s\"", s);
		return false;
	}
	memset(p, 0, sizeof(*p));
	p->family = ss.ss_family;
	unsigned bits = p->family == AF_INET ? 32 : 128;
	if (p->family == AF_INET)
		memcpy(p->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else
		memcpy(p->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	uint32_t len = bits;
	if (slash && text_u32(slash + 1, strlen(slash + 1), bits, &len) != ERR_OK) {
		snprintf(why, 160, "prefix length must be 0 to %u for IPv%c: \"%.64s\"", bits,
			 bits == 32 ? '4' : '6', s);
		return false;
	}
	p->len = (uint8_t)len;
	for (unsigned b = len; b < bits; b++) {
		if (p->addr[b / 8] & (0x80 >> (b % 8))) {
			char net[INET6_ADDRSTRLEN];
			memset(p->addr + (len + 7) / 8, 0, 16 - (len + 7) / 8);
			if (len % 8)
				p->addr[len / 8] &= (uint8_t)(0xff << (8 - len % 8));
			inet_ntop(p->family, p->addr, net, sizeof(net));
			snprintf(why, 160, "\"%.64s\" has bits set after /%u (did you mean %s/%u?)",
				 s, len, net, len);
			return false;
		}
	}
	unmap(p);
	return true;
}

static bool set_prefixes(struct load *l, const struct key *k, const yaml_node_t *v)
{
	struct config_prefix_list *list = (struct config_prefix_list *)((char *)l->c + k->off);
	size_t n;
	if (!sequence(l, v, "address prefixes", CONFIG_MAX_PREFIXES, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *item = config_yaml_node(&l->y, v->data.sequence.items.start[i]);
		const char *s;
		char why[160];
		if (!config_yaml_scalar(&l->y, item, l->key, "an address or address/length", &s))
			return false;
		if (!parse_prefix(s, &list->p[i], why))
			return config_yaml_fail(&l->y, item, l->key, "%s", why);
	}
	list->n = n;
	return true;
}

static bool set_names(struct load *l, const struct key *k, const yaml_node_t *v)
{
	uint8_t(*names)[NAME_MAX_WIRE] = (void *)((char *)l->c + k->off);
	size_t n;
	if (!sequence(l, v, "domain names", k->size / NAME_MAX_WIRE, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *item = config_yaml_node(&l->y, v->data.sequence.items.start[i]);
		const char *s;
		size_t len;
		if (!config_yaml_scalar(&l->y, item, l->key, "a domain name", &s))
			return false;
		enum err e = name_from_text(s, strlen(s), NULL, names[i], &len);
		if (e != ERR_OK)
			return config_yaml_fail(&l->y, item, l->key,
						"not a domain name: \"%.64s\" (%s)", s, err_str(e));
	}
	memcpy((char *)l->c + k->max, &n, sizeof(n));
	return true;
}

/* forwarding.forward-zones or forwarding.stub-zones; a name in both is refused. */
static bool set_fwd(struct load *l, const struct key *k, const yaml_node_t *v)
{
	struct fwd_zones *out = (struct fwd_zones *)((char *)l->c + k->off);
	bool stub = out == &l->c->forwarding.stub;
	return config_fwd_read(&l->y, v, l->key,
			       stub ? &l->c->forwarding.forward : &l->c->forwarding.stub,
			       stub ? "forward" : "stub", out);
}

static bool set_value(struct load *l, const struct key *k, const yaml_node_t *v)
{
	switch (k->kind) {
	case K_NUM: return set_num(l, k, v);
	case K_BOOL: return set_bool(l, k, v);
	case K_SIZE: return set_size(l, k, v);
	case K_TTL: return set_ttl(l, k, v);
	case K_PATH: return set_path(l, k, v);
	case K_LOG: return set_name(l, k, v, log_levels, "error, warn, info or debug");
	case K_FORMAT: return set_name(l, k, v, log_formats, "text or json");
	case K_GROUP: return set_group(l, v);
	case K_ADDR: return set_addr(l, k, v);
	case K_LISTEN: return set_listen(l, v);
	case K_PREFIXES: return set_prefixes(l, k, v);
	case K_NAMES: return set_names(l, k, v);
	case K_WORD: return set_word(l, k, v);
	case K_LOCAL: l->local[k->max] = v; return true;
	case K_FWD: return set_fwd(l, k, v);
	}
	return false;
}

static bool load_section(struct load *l, const char *section, const yaml_node_t *map)
{
	if (config_yaml_is_null(map))
		return true; /* "cache:" with every key commented out */
	if (map->type != YAML_MAPPING_NODE)
		return config_yaml_fail(&l->y, map, section, "expected a mapping of keys");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = config_yaml_node(&l->y, p->key);
		const char *name = NULL;
		if (!config_yaml_key(&l->y, kn, section, &name))
			return false;
		snprintf(l->key, sizeof(l->key), "%s.%.64s", section, name);
		int i = key_index(section, name);
		if (i < 0)
			return config_yaml_fail(&l->y, kn, l->key, "unknown key");
		if (l->key_line[i])
			return config_yaml_fail(&l->y, kn, l->key,
						"duplicate key (first at line %u)", l->key_line[i]);
		l->key_line[i] = config_yaml_line(kn);
		if (!set_value(l, &keys[i], config_yaml_node(&l->y, p->value)))
			return false;
	}
	return true;
}

static bool load_top(struct load *l)
{
	const yaml_node_t *root = config_yaml_root(&l->y);
	if (!root || config_yaml_is_null(root))
		return true; /* an empty file: all defaults */
	if (root->type != YAML_MAPPING_NODE)
		return config_yaml_fail(&l->y, root, NULL,
					"expected a mapping of sections (server, access, cache, "
					"resolver, limits, log, control, metrics, toy-internet)");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = config_yaml_node(&l->y, p->key);
		const char *name = NULL;
		if (!config_yaml_key(&l->y, kn, NULL, &name))
			return false;
		size_t i = 0;
		while (i < N_SECTIONS && strcmp(sections[i], name) != 0)
			i++;
		if (i == N_SECTIONS)
			return config_yaml_fail(&l->y, kn, name, "unknown section");
		if (l->section_line[i])
			return config_yaml_fail(&l->y, kn, name, "duplicate key (first at line %u)",
						l->section_line[i]);
		l->section_line[i] = config_yaml_line(kn);
		if (!load_section(l, sections[i], config_yaml_node(&l->y, p->value)))
			return false;
	}
	return true;
}

static void defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&c->server.listen[0];
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&c->server.listen[1];
	v4->sin_family = AF_INET;
	v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	v6->sin6_family = AF_INET6;
	v6->sin6_addr = in6addr_loopback;
	c->server.n_listen = 2;
	c->server.port = 53;
	c->server.threads = 1;
	c->server.udp_size = 1232; /* DNS Flag Day 2020: no IP fragmentation */
	c->server.tcp_idle_timeout_ms = 10000;
	c->server.tcp_message_timeout_ms = 2000;
	c->server.tcp_max_connections = 256;
	c->server.tcp_max_per_client = 32;
	c->server.resolutions_per_thread = 1024;
	struct config_prefix *allow = c->access.allow.p;
	allow[0] = (struct config_prefix){ .family = AF_INET, .len = 8, .addr = { 127 } };
	allow[1] = (struct config_prefix){ .family = AF_INET6, .len = 128, .addr[15] = 1 };
	c->access.allow.n = 2;
	cache_limits_default(&c->cache);
	c->resolver.upstream_port = 53;
	c->resolver.first_timeout_ms = 400;
	c->resolver.edns_size = 1232;
	c->resolver.use_0x20 = true;
	c->resolver.qname_minimisation = true; /* as Unbound, BIND and Knot Resolver */
	c->limits = (struct iter_limits){
		.referrals = ITER_REFERRALS_DEFAULT,
		.cname_chain = ITER_CNAME_CHAIN_DEFAULT,
		.upstream = ITER_UPSTREAM_DEFAULT,
		.glueless = ITER_GLUELESS_DEFAULT,
		.budget_ms = ITER_BUDGET_MS_DEFAULT,
	};
	c->dnssec.validate = true;
	c->dnssec.bogus_ttl_s = 60; /* as Unbound's val-bogus-ttl */
	val_limits_default(&c->dnssec.limits);
	c->log_level = LOG_INFO;
	c->metrics.port = 8053;
	c->toy.port = 53;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* What the walk cannot do key by key: checks across keys, defaults relative to the file. */
static bool finish(struct load *l)
{
	struct config *c = l->c;
	int min = key_index("cache", "min-ttl"), max = key_index("cache", "max-ttl");
	if (c->cache.min_ttl_s > c->cache.max_ttl_s) {
		unsigned line = l->key_line[min] ? l->key_line[min] : l->key_line[max];
		snprintf(l->y.err, 256, "%s:%u: cache.min-ttl: %u is more than cache.max-ttl (%u)",
			 l->y.file, line, c->cache.min_ttl_s, c->cache.max_ttl_s);
		return false;
	}
	if (!l->key_line[key_index("resolver", "root-hints")] &&
	    !config_yaml_path(&l->y, NULL, "resolver.root-hints", "root.hints",
			      c->resolver.root_hints, sizeof(c->resolver.root_hints)))
		return false;
	for (size_t i = 0; i < c->server.n_listen; i++)
		set_port(&c->server.listen[i], c->server.port);
	if (c->metrics.on)
		set_port(&c->metrics.listen, c->metrics.port);
	struct config_local_keys lk = {
		.zones = l->local[0], .data = l->local[1],
		.off_line = l->key_line[key_index("local-zones", "off")],
	};
	return config_local_build(&l->y, c, &lk);
}

bool config_load(const char *path, struct config **out, char err[static 256])
{
	struct load *l = calloc(1, sizeof(*l));
	struct config *c = calloc(1, sizeof(*c));
	bool loaded = false, ok = false;
	if (!l || !c) {
		snprintf(err, 256, "%s: out of memory", path);
		goto fail;
	}
	if (!config_yaml_load(&l->y, path, err))
		goto fail;
	loaded = true;
	l->c = c;
	defaults(c);
	if (!load_top(l) || !finish(l))
		goto fail;
	*out = c;
	ok = true;
fail:
	if (loaded)
		config_yaml_fini(&l->y);
	free(l);
	if (!ok)
		config_free(c);
	return ok;
}

/* Keys that a running daemon takes only at restart: what binds sockets, starts threads or
 * sizes the cache. The toy-internet map's zones are reloaded, but not another map. */
static bool restart_only(const struct key *k)
{
	static const char *const names[] = {
		"server.listen", "server.port", "server.threads", "cache.size", "control.socket",
		"control.group", "metrics.listen", "metrics.port", "toy-internet.map",
		"toy-internet.port",
	};
	char full[80];
	snprintf(full, sizeof(full), "%s.%s", k->section, k->name);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(full, names[i]) == 0)
			return true;
	return false;
}

unsigned config_diff(const struct config *a, const struct config *b, char *out, size_t cap)
{
	unsigned n = 0;
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		bool group_set = k->kind == K_GROUP && a->control.has_group != b->control.has_group;
		if (k->kind == K_LOCAL ? local_zones_same(a->local, b->local, k->max)
				       : !group_set && memcmp((const char *)a + k->off,
							      (const char *)b + k->off, k->size) == 0)
			continue;
		int w = snprintf(out + len, cap - len, "%s%s.%s%s", n ? ", " : "", k->section,
				 k->name, restart_only(k) ? " (at restart)" : "");
		n++;
		if (w > 0 && (size_t)w < cap - len)
			len += (size_t)w;
	}
	return n;
}

void config_free(struct config *c)
{
	if (c)
		local_zones_free(c->local);
	free(c);
}

/* Whether address a (4 or 16 bytes, by family) lies in prefix p. */
static bool prefix_match(const struct config_prefix *p, sa_family_t family, const uint8_t *a)
{
	if (p->family != family)
		return false;
	unsigned whole = p->len / 8, rest = p->len % 8;
	if (memcmp(p->addr, a, whole) != 0)
		return false;
	return rest == 0 || ((p->addr[whole] ^ a[whole]) & (0xff << (8 - rest))) == 0;
}

static bool list_match(const struct config_prefix_list *l, sa_family_t family, const uint8_t *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (prefix_match(&l->p[i], family, a))
			return true;
	return false;
}

bool config_client_allowed(const struct config *c, const struct sockaddr *sa)
{
	const uint8_t *a;
	sa_family_t family = sa->sa_family;
	if (family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	} else if (family == AF_INET6) {
		const struct in6_addr *v6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		a = v6->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(v6)) {
			family = AF_INET;
			a += 12;
		}
	} else {
		return false;
	}
	return !list_match(&c->access.refuse, family, a) && list_match(&c->access.allow, family, a);
}
