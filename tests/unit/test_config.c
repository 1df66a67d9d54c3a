/* tests/unit/test_config.c: resolver/config: resolverd's YAML configuration, the access check
 * and the toy-internet map.
 *
 * Every case writes its YAML into a file of a mkdtemp directory and loads it, as the daemon
 * does. Good files check every key, the defaults and how relative paths are resolved; bad files
 * come as tables, each row naming the line and the "key: reason" its message must hold.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "check.h"
#include "config.h"
#include "dns.h"
#include "name.h"
#include "name_text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char tmpdir[64];

/* Writes text to name inside tmpdir and returns the path (one static buffer per call site
 * would be enough; four rotating ones let a case hold a few). */
static const char *write_file(const char *name, const char *text)
{
	static char paths[4][256];
	static unsigned next;
	char *path = paths[next++ % 4];
	snprintf(path, 256, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	CHECKF(f != NULL, "cannot write %s", path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static struct config *load_ok(const char *text)
{
	char err[256] = "";
	struct config *c = NULL;
	bool ok = config_load(write_file("good.yaml", text), &c, err);
	CHECKF(ok && c != NULL, "did not load: %s\n%s", err, text);
	return ok ? c : NULL;
}

/* Loads text that must fail at line (0: no line in the message) with want in the message. */
static void load_bad(const char *text, unsigned line, const char *want)
{
	char err[256] = "", prefix[300];
	struct config *c = (struct config *)&c; /* must stay as it is */
	const char *path = write_file("bad.yaml", text);
	bool ok = config_load(path, &c, err);
	if (line)
		snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", path);
	CHECKF(!ok, "loaded, expected \"%s\":\n%s", want, text);
	CHECKF(c == (struct config *)&c, "*out changed on error: %s", want);
	CHECKF(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, want),
	       "got \"%s\", expected \"%s\" then \"%s\"", err, prefix, want);
	if (ok)
		config_free(c);
}

static void sa4(struct sockaddr_storage *ss, const char *text, uint16_t port)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	v4->sin_family = AF_INET;
	v4->sin_port = htons(port);
	CHECK(inet_pton(AF_INET, text, &v4->sin_addr) == 1);
}

static void sa6(struct sockaddr_storage *ss, const char *text, uint16_t port)
{
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	v6->sin6_family = AF_INET6;
	v6->sin6_port = htons(port);
	CHECK(inet_pton(AF_INET6, text, &v6->sin6_addr) == 1);
}

/* Whether ss holds the address text (either family) and port. */
static bool same_addr(const struct sockaddr_storage *ss, const char *text, uint16_t port)
{
	struct sockaddr_storage want;
	if (strchr(text, ':'))
		sa6(&want, text, port);
	else
		sa4(&want, text, port);
	return memcmp(ss, &want, sizeof(want)) == 0;
}

static bool allowed(const struct config *c, const char *text)
{
	struct sockaddr_storage ss;
	if (strchr(text, ':'))
		sa6(&ss, text, 5353);
	else
		sa4(&ss, text, 5353);
	return config_client_allowed(c, (const struct sockaddr *)&ss);
}

static void check_defaults(const struct config *c, const char *hints, const char *anchor)
{
	struct cache_limits dl;
	cache_limits_default(&dl);
	CHECK(c->server.n_listen == 2);
	CHECK(same_addr(&c->server.listen[0], "127.0.0.1", 53));
	CHECK(same_addr(&c->server.listen[1], "::1", 53));
	CHECK(c->server.port == 53);
	CHECK(c->server.threads == 1);
	CHECK(c->server.udp_size == 1232);
	CHECK(c->server.tcp_idle_timeout_ms == 10000);
	CHECK(c->server.tcp_max_connections == 256);
	CHECK(c->server.tcp_message_timeout_ms == 2000 && c->server.tcp_max_per_client == 32);
	CHECK(c->access.allow.n == 2 && c->access.refuse.n == 0);
	CHECK(c->cache.size_bytes == dl.size_bytes && c->cache.max_ttl_s == dl.max_ttl_s);
	CHECK(c->cache.min_ttl_s == dl.min_ttl_s && c->cache.max_neg_ttl_s == dl.max_neg_ttl_s);
	CHECKF(strcmp(c->resolver.root_hints, hints) == 0, "root-hints %s", c->resolver.root_hints);
	CHECK(c->resolver.upstream_port == 53);
	CHECK(!c->resolver.query_special_addresses);
	CHECK(c->resolver.first_timeout_ms == 400);
	CHECK(c->resolver.edns_size == 1232);
	CHECK(c->limits.referrals == ITER_REFERRALS_DEFAULT);
	CHECK(c->limits.cname_chain == ITER_CNAME_CHAIN_DEFAULT);
	CHECK(c->limits.upstream == ITER_UPSTREAM_DEFAULT);
	CHECK(c->limits.glueless == ITER_GLUELESS_DEFAULT);
	CHECK(c->limits.budget_ms == ITER_BUDGET_MS_DEFAULT);
	CHECKF(c->dnssec.validate && strcmp(c->dnssec.trust_anchor_file, anchor) == 0, "%s",
	       c->dnssec.trust_anchor_file);
	CHECK(c->dnssec.n_negative == 0 && c->dnssec.bogus_ttl_s == 60);
	CHECK(c->resolver.qname_minimisation && !c->resolver.qname_minimisation_strict);
	CHECK(c->cache.nodata_no_soa_ttl_s == CACHE_NODATA_NO_SOA_TTL_DEFAULT);
	CHECK(c->n_local_zones_off == 0);
	CHECK(c->dnssec.limits.keys_per_tag == VAL_DEF_KEYS_PER_TAG);
	CHECK(c->dnssec.limits.nsec3_iterations == VAL_DEF_NSEC3_ITERATIONS);
	CHECK(c->log_level == LOG_INFO);
	CHECK(c->toy.map[0] == 0 && c->toy.port == 53);
	CHECK(c->server.user[0] == 0);
	CHECK(allowed(c, "127.0.0.1") && allowed(c, "127.9.8.7") && allowed(c, "::1"));
	CHECK(!allowed(c, "192.0.2.1") && !allowed(c, "::2"));
}

static void test_defaults(void)
{
	static const char *const texts[] = {
		"",
		"# nothing but a comment\n",
		"---\n",
		"server:\ncache:\n  # every key commented out\naccess: ~\n",
	};
	char hints[300];
	snprintf(hints, sizeof(hints), "%s/root.hints", tmpdir);
	for (size_t i = 0; i < COUNT(texts); i++) {
		struct config *c = load_ok(texts[i]);
		if (c)
			check_defaults(c, hints, "");
		config_free(c);
	}
	config_free(NULL);
}

static const char every_key[] = "server:\n"
				"  listen: [192.0.2.1, \"2001:db8::53\", 0.0.0.0]\n"
				"  port: 5353\n"
				"  threads: 4\n"
				"  udp-size: 4096\n"
				"  tcp-idle-timeout-ms: 2500\n"
				"  tcp-max-connections: 1000\n"
				"  tcp-message-timeout-ms: 700\n"
				"  tcp-max-per-client: 5\n"
				"  user: nobody\n"
				"access:\n"
				"  allow: [10.0.0.0/8, \"2001:db8::/32\", 192.0.2.7]\n"
				"  refuse:\n"
				"    - 10.1.0.0/16\n"
				"cache:\n"
				"  size: 128m\n"
				"  max-ttl: 1d\n"
				"  min-ttl: 30\n"
				"  max-negative-ttl: 1h30m\n"
				"  nodata-no-soa-ttl: 20\n"
				"resolver:\n"
				"  root-hints: hints/my.hints\n"
				"  upstream-port: 5300\n"
				"  query-special-addresses: true\n"
				"  first-timeout-ms: 250\n"
				"  edns-size: 1400\n"
				"  qname-minimisation: false\n"
				"  qname-minimisation-strict: true\n"
				"limits:\n"
				"  referrals: 20\n"
				"  cname-chain: 8\n"
				"  upstream-queries: 100\n"
				"  glueless: 0\n"
				"  budget-ms: 5000\n"
				"dnssec:\n"
				"  validate: false\n"
				"  trust-anchor-file: anchors/root.ds\n"
				"  negative-trust-anchors: [broken.example, Other.Test.]\n"
				"  bogus-ttl: 2m\n"
				"  max-keys-per-tag: 2\n"
				"  max-rrsigs-per-rrset: 3\n"
				"  max-signature-checks: 40\n"
				"  max-nsec3-hashes: 50\n"
				"  max-nsec3-iterations: 100\n"
				"local-zones:\n"
				"  off: [home.arpa, 127.in-addr.arpa.]\n"
				"log:\n"
				"  level: debug\n"
				"toy-internet:\n"
				"  map: ../zones/map.yaml\n"
				"  port: 5354\n";

static void test_every_key(void)
{
	struct config *c = load_ok(every_key);
	if (!c)
		return;
	char want[300];
	CHECK(c->server.n_listen == 3);
	CHECK(same_addr(&c->server.listen[0], "192.0.2.1", 5353));
	CHECK(same_addr(&c->server.listen[1], "2001:db8::53", 5353));
	CHECK(same_addr(&c->server.listen[2], "0.0.0.0", 5353));
	CHECK(c->server.port == 5353 && c->server.threads == 4 && c->server.udp_size == 4096);
	CHECK(c->server.tcp_idle_timeout_ms == 2500 && c->server.tcp_max_connections == 1000);
	CHECK(c->server.tcp_message_timeout_ms == 700 && c->server.tcp_max_per_client == 5);
	CHECK(strcmp(c->server.user, "nobody") == 0);
	CHECK(c->access.allow.n == 3 && c->access.refuse.n == 1);
	CHECK(c->access.allow.p[0].family == AF_INET && c->access.allow.p[0].len == 8);
	CHECK(c->access.allow.p[1].family == AF_INET6 && c->access.allow.p[1].len == 32);
	CHECK(c->access.allow.p[2].len == 32 && c->access.refuse.p[0].len == 16);
	CHECK(c->cache.size_bytes == 128u << 20);
	CHECK(c->cache.max_ttl_s == 86400 && c->cache.min_ttl_s == 30);
	CHECK(c->cache.max_neg_ttl_s == 5400 && c->cache.nodata_no_soa_ttl_s == 20);
	CHECK(!c->resolver.qname_minimisation && c->resolver.qname_minimisation_strict);
	CHECK(c->n_local_zones_off == 2 && name_equal(c->local_zones_off[0], N("home.arpa.")));
	CHECK(name_equal(c->local_zones_off[1], N("127.in-addr.arpa.")));
	snprintf(want, sizeof(want), "%s/hints/my.hints", tmpdir);
	CHECKF(strcmp(c->resolver.root_hints, want) == 0, "%s", c->resolver.root_hints);
	CHECK(c->resolver.upstream_port == 5300 && c->resolver.query_special_addresses);
	CHECK(c->resolver.first_timeout_ms == 250 && c->resolver.edns_size == 1400);
	CHECK(c->limits.referrals == 20 && c->limits.cname_chain == 8);
	CHECK(c->limits.upstream == 100 && c->limits.glueless == 0);
	CHECK(c->limits.budget_ms == 5000);
	CHECK(!c->dnssec.validate && c->dnssec.bogus_ttl_s == 120);
	snprintf(want, sizeof(want), "%s/anchors/root.ds", tmpdir);
	CHECKF(strcmp(c->dnssec.trust_anchor_file, want) == 0, "%s", c->dnssec.trust_anchor_file);
	CHECK(c->dnssec.n_negative == 2 && name_equal(c->dnssec.negative[0], N("broken.example.")));
	CHECK(name_equal(c->dnssec.negative[1], N("other.test.")));
	CHECK(c->dnssec.limits.keys_per_tag == 2 && c->dnssec.limits.rrsigs_per_rrset == 3);
	CHECK(c->dnssec.limits.sig_checks == 40 && c->dnssec.limits.nsec3_hashes == 50);
	CHECK(c->dnssec.limits.nsec3_iterations == 100);
	CHECK(c->log_level == LOG_DEBUG);
	snprintf(want, sizeof(want), "%s/../zones/map.yaml", tmpdir);
	CHECKF(strcmp(c->toy.map, want) == 0, "%s", c->toy.map);
	CHECK(c->toy.port == 5354);
	config_free(c);
}

/* Values in their other spellings: sizes, TTLs, quoting, flow and block style, anchors. */
static void test_value_forms(void)
{
	static const struct {
		const char *text;
		size_t size;
		uint32_t max_ttl;
	} cases[] = {
		{ "cache: {size: 16K, max-ttl: 0}", 16384, 0 },
		{ "cache: {size: 16384, max-ttl: 1w}", 16384, 604800 },
		{ "cache:\n  size: \"2g\"\n  max-ttl: '1h1m1s'\n", 2ull << 30, 3661 },
		{ "cache:\n  size: 1M\n  max-ttl: 2147483647\n", 1u << 20, 2147483647 },
		{ "cache:\n  size: &s 64k\n  max-ttl: 60\n", 65536, 60 },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct config *c = load_ok(cases[i].text);
		if (!c)
			continue;
		CHECKF(c->cache.size_bytes == cases[i].size, "%s: size %zu", cases[i].text,
		       c->cache.size_bytes);
		CHECKF(c->cache.max_ttl_s == cases[i].max_ttl, "%s: max-ttl %u", cases[i].text,
		       c->cache.max_ttl_s);
		config_free(c);
	}
	struct config *c = load_ok("server: {port: &p 5300}\nresolver: {upstream-port: *p}\n"
				   "log: {level: error}\n");
	CHECK(c && c->server.port == 5300 && c->resolver.upstream_port == 5300);
	CHECK(c && c->log_level == LOG_ERROR);
	config_free(c);
}

/* Relative paths are taken from the configuration's directory, whatever the current one. */
static void test_relative_paths(void)
{
	char cwd[4096], sub[300];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	CHECK(mkdir(sub, 0700) == 0);
	write_file("sub/r.yaml", "resolver:\n  root-hints: x.hints\ntoy-internet:\n"
				 "  map: /abs/map.yaml\n");
	write_file("top.yaml", "toy-internet:\n  map: zones/map.yaml\n");
	CHECK(chdir(tmpdir) == 0);
	char err[256] = "";
	struct config *c = NULL;
	CHECKF(config_load("sub/r.yaml", &c, err), "%s", err);
	if (c) {
		CHECKF(strcmp(c->resolver.root_hints, "sub/x.hints") == 0, "%s",
		       c->resolver.root_hints);
		CHECK(strcmp(c->toy.map, "/abs/map.yaml") == 0);
		config_free(c);
		c = NULL;
	}
	CHECKF(config_load("top.yaml", &c, err), "%s", err);
	if (c) {
		CHECK(strcmp(c->resolver.root_hints, "root.hints") == 0);
		CHECK(strcmp(c->toy.map, "zones/map.yaml") == 0);
		config_free(c);
	}
	CHECK(chdir(cwd) == 0);
}

static const struct {
	const char *text;
	unsigned line;
	const char *want;
} bad[] = {
	/* keys and sections */
	{ "server:\n  port: 53\n  lisen: [127.0.0.1]\n", 3, "server.lisen: unknown key" },
	{ "# c\nservr:\n  port: 53\n", 2, "servr: unknown section" },
	{ "server:\n  port: 53\n  port: 54\n", 3, "server.port: duplicate key (first at line 2)" },
	{ "log: {level: info}\ncache: {}\nlog: {}\n", 3, "log: duplicate key (first at line 1)" },
	{ "? [a]\n: 1\n", 1, "expected a key name" },
	{ "server:\n  ? {a: 1}\n  : 2\n", 2, "server: expected a key name" },
	{ "server:\n  \"port\\0x\": 53\n", 2, "server: expected a key name" },
	/* types */
	{ "server:\n  listen: 127.0.0.1\n", 2, "server.listen: expected a list of addresses" },
	{ "server:\n  port: [53]\n", 2, "server.port: expected a number from 1 to 65535" },
	{ "server:\n  port:\n", 2, "server.port: expected a number from 1 to 65535" },
	{ "log:\n  level: {a: b}\n", 2, "log.level: expected error, warn, info or debug" },
	{ "access:\n  allow: 10.0.0.0/8\n", 2, "access.allow: expected a list of address" },
	{ "access:\n  allow: [[10.0.0.0/8]]\n", 2, "access.allow: expected an address or" },
	{ "server: 53\n", 1, "server: expected a mapping of keys" },
	{ "- server\n", 1, "expected a mapping of sections" },
	{ "resolver:\n  root-hints: [a, b]\n", 2, "resolver.root-hints: expected a path" },
	{ "resolver:\n  root-hints: \"\"\n", 2, "resolver.root-hints: expected a path" },
	{ "resolver:\n  root-hints: \"a\\0b\"\n", 2, "root-hints: expected a path (not a NUL" },
	{ "resolver:\n  query-special-addresses: yes\n", 2, "addresses: expected true or false" },
	{ "resolver:\n  query-special-addresses: 1\n", 2, "expected true or false" },
	/* numbers out of range or not numbers */
	{ "server:\n  port: 0\n", 2, "server.port: expected a number from 1 to 65535" },
	{ "server:\n  port: 65536\n", 2, "server.port: expected a number from 1 to 65535" },
	{ "server:\n  port: -1\n", 2, "server.port: expected a number from 1 to 65535" },
	{ "server:\n  port: 53.0\n", 2, "server.port: expected a number from 1 to 65535" },
	{ "server:\n  port: 99999999999\n", 2, "server.port: expected a number" },
	{ "server:\n  threads: 65\n", 2, "server.threads: expected a number from 1 to 64" },
	{ "server:\n  udp-size: 511\n", 2, "server.udp-size: expected a number from 512 to 4096" },
	{ "server:\n  tcp-idle-timeout-ms: 99\n", 2, "expected a number from 100 to 600000" },
	{ "server:\n  tcp-max-connections: 0\n", 2, "tcp-max-connections: expected a number" },
	{ "server:\n  tcp-message-timeout-ms: 99\n", 2, "expected a number from 100 to 600000" },
	{ "server:\n  tcp-max-per-client: 0\n", 2, "tcp-max-per-client: expected a number" },
	{ "resolver:\n  upstream-port: 70000\n", 2, "resolver.upstream-port: expected a number" },
	{ "resolver:\n  first-timeout-ms: 49\n", 2, "first-timeout-ms: expected a number from 50" },
	{ "resolver:\n  edns-size: 4097\n", 2, "resolver.edns-size: expected a number from 512" },
	{ "limits:\n  referrals: 0\n", 2, "limits.referrals: expected a number from 1 to 100" },
	{ "limits:\n  cname-chain: 101\n", 2, "limits.cname-chain: expected a number" },
	{ "limits:\n  upstream-queries: 1001\n", 2, "limits.upstream-queries: expected a number" },
	{ "limits:\n  glueless: 101\n", 2, "limits.glueless: expected a number from 0 to 100" },
	{ "limits:\n  budget-ms: 99\n", 2, "limits.budget-ms: expected a number from 100" },
	{ "toy-internet:\n  port: 0\n", 2, "toy-internet.port: expected a number from 1" },
	/* names */
	{ "server:\n  user: \"\"\n", 2, "server.user: expected a name of 1 to 63 characters" },
	{ "server:\n  user: [a]\n", 2, "server.user: expected a name" },
	{ "server:\n  user: \"a b\"\n", 2, "server.user: expected a name of 1 to 63" },
	{ "server:\n  user: ../x\n", 2, "server.user: expected a name of 1 to 63" },
	{ "server:\n  user: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 2,
	  "server.user: expected a name of 1 to 63" },
	/* addresses and prefixes */
	{ "server:\n  listen:\n    - ::1\n    - 127.0.0.256\n", 4,
	  "server.listen: not an IPv4 or IPv6 address: \"127.0.0.256\"" },
	{ "server:\n  listen: [localhost]\n", 2, "not an IPv4 or IPv6 address: \"localhost\"" },
	{ "server:\n  listen: [\"fe80::1%eth0\"]\n", 2, "not an IPv4 or IPv6 address" },
	{ "server:\n  listen: [127.0.0.1, 127.0.0.1]\n", 2, "listen: 127.0.0.1 listed twice" },
	{ "server:\n  listen: []\n", 2, "server.listen: expected at least one address" },
	{ "access:\n  allow:\n    - 10.0.0.0/33\n", 3,
	  "access.allow: prefix length must be 0 to 32 for IPv4: \"10.0.0.0/33\"" },
	{ "access:\n  refuse: [\"::/129\"]\n", 2, "access.refuse: prefix length must be 0 to 128" },
	{ "access:\n  allow: [10.0.0.0/]\n", 2, "prefix length must be 0 to 32" },
	{ "access:\n  allow: [10.0.0.0/8x]\n", 2, "prefix length must be 0 to 32" },
	{ "access:\n  allow: [foo/8]\n", 2, "not an address or address/length: \"foo/8\"" },
	{ "access:\n  allow: [10.1.0.0/8]\n", 2,
	  "\"10.1.0.0/8\" has bits set after /8 (did you mean 10.0.0.0/8?)" },
	{ "access:\n  allow: [\"2001:db8::1/64\"]\n", 2, "(did you mean 2001:db8::/64?)" },
	/* sizes and TTLs */
	{ "cache:\n  size: 64X\n", 2, "cache.size: not a size (use a number with K, M or G)" },
	{ "cache:\n  size: M\n", 2, "cache.size: not a size" },
	{ "cache:\n  size: 64MB\n", 2, "cache.size: not a size" },
	{ "cache:\n  size: \"64 \"\n", 2, "cache.size: not a size" },
	{ "cache:\n  size: 99999999999999999999G\n", 2, "cache.size: not a size" },
	{ "cache:\n  size: 18014398509481984G\n", 2, "cache.size: not a size" },
	{ "cache:\n  size: 15K\n", 2, "cache.size: must be at least 16K" },
	{ "cache:\n  max-ttl: 1x\n", 2, "cache.max-ttl: not a TTL (seconds, or with units" },
	{ "cache:\n  min-ttl: -1\n", 2, "cache.min-ttl: not a TTL" },
	{ "cache:\n  max-negative-ttl: 2147483648\n", 2, "must be at most 2147483647 seconds" },
	{ "cache:\n  max-ttl: 99999999999\n", 2, "must be at most 2147483647 seconds" },
	{ "cache:\n  max-ttl: 60\n  min-ttl: 2m\n", 3, "cache.min-ttl: 120 is more than" },
	{ "cache:\n  min-ttl: 2d\n", 2, "cache.min-ttl: 172800 is more than cache.max-ttl" },
	/* dnssec */
	{ "dnssec:\n  negative-trust-anchors: example.com\n", 2,
	  "dnssec.negative-trust-anchors: expected a list of domain names" },
	{ "dnssec:\n  negative-trust-anchors: [a..b]\n", 2, "not a domain name: \"a..b\"" },
	{ "dnssec:\n  bogus-ttl: 2d\n", 2, "dnssec.bogus-ttl: must be at most 86400 seconds" },
	{ "dnssec:\n  max-keys-per-tag: 0\n", 2, "max-keys-per-tag: expected a number from 1" },
	{ "dnssec:\n  max-nsec3-iterations: 2501\n", 2, "expected a number from 0 to 2500" },
	{ "dnssec:\n  validate: maybe\n", 2, "dnssec.validate: expected true or false" },
	/* log level */
	{ "log:\n  level: verbose\n", 2, "log.level: expected error, warn, info or debug" },
	{ "log:\n  level: INFO\n", 2, "log.level: expected error, warn, info or debug" },
	/* not YAML, or not one document */
	{ "server:\n  port: 53\n listen: x\n", 3, "YAML syntax: " },
	{ "server:\n  listen: [127.0.0.1\n", 3, "YAML syntax: did not find expected" },
	{ "server:\n\tport: 53\n", 2, "YAML syntax: found character that cannot start" },
	{ "server: {port: 53}\n---\nlog: {}\n", 2, "more than one YAML document" },
	{ "server: *nothing\n", 1, "YAML syntax: found undefined alias" },
};

static void test_bad_files(void)
{
	for (size_t i = 0; i < COUNT(bad); i++)
		load_bad(bad[i].text, bad[i].line, bad[i].want);
}

/* One past each list limit is an error; the limit itself is not. */
static void test_list_limits(void)
{
	static char text[20000];
	for (unsigned over = 0; over < 2; over++) {
		size_t n = (size_t)snprintf(text, sizeof(text), "server:\n  listen:\n");
		for (unsigned i = 0; i < CONFIG_MAX_LISTEN + over; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "    - 127.0.1.%u\n", i);
		if (over) {
			load_bad(text, 3, "server.listen: more than 64 addresses");
		} else {
			struct config *c = load_ok(text);
			CHECK(c && c->server.n_listen == CONFIG_MAX_LISTEN);
			config_free(c);
		}
		n = (size_t)snprintf(text, sizeof(text), "access:\n  refuse: [");
		for (unsigned i = 0; i < CONFIG_MAX_PREFIXES + over; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "10.%u.%u.0/24, ",
					      i / 256, i % 256);
		snprintf(text + n, sizeof(text) - n, "]\n");
		if (over) {
			load_bad(text, 2, "access.refuse: more than 256 address prefixes");
		} else {
			struct config *c = load_ok(text);
			CHECK(c && c->access.refuse.n == CONFIG_MAX_PREFIXES);
			config_free(c);
		}
	}
}

static void test_missing_file(void)
{
	char err[256], want[400], path[300];
	struct config *c = (struct config *)&c;
	snprintf(path, sizeof(path), "%s/absent.yaml", tmpdir);
	CHECK(!config_load(path, &c, err));
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	CHECKF(strcmp(err, want) == 0, "got %s", err);
	CHECK(c == (struct config *)&c);
	CHECK(!config_load(tmpdir, &c, err));
	snprintf(want, sizeof(want), "%s: cannot open: Is a directory", tmpdir);
	CHECKF(strcmp(err, want) == 0, "got %s", err);
}

/* Clients and whether test_client_allowed's access lists let them in. */
static const struct {
	const char *addr;
	bool want;
} clients[] = {
	{ "10.0.0.1", true },
	{ "10.255.255.255", true },
	{ "11.0.0.0", false },
	{ "9.255.255.255", false },
	{ "10.9.0.1", false },          /* refuse inside allow */
	{ "10.9.255.255", false },
	{ "10.10.0.0", true },
	{ "10.1.2.3", false },          /* a bare refused address */
	{ "10.1.2.4", true },
	{ "192.0.2.1", true },          /* a bare allowed address is /32 */
	{ "192.0.2.2", false },
	{ "172.16.0.0", true },         /* /12: the partial byte */
	{ "172.31.255.254", true },
	{ "172.31.255.255", false },
	{ "172.32.0.0", false },
	{ "172.15.255.255", false },
	{ "198.51.100.77", true },      /* from the IPv4-mapped prefix */
	{ "198.51.101.1", false },
	{ "::ffff:10.0.0.1", true },    /* IPv4-mapped clients count as IPv4 */
	{ "::ffff:10.9.0.1", false },
	{ "::ffff:11.0.0.1", false },
	{ "::ffff:198.51.100.1", true },
	{ "2001:db8::1", true },
	{ "2001:db8:ffff::1", true },
	{ "2001:db8:bad::1", false },
	{ "2001:db8:bad:1::1", false },
	{ "2001:db9::1", false },
	{ "::1", true },
	{ "::2", false },
	{ "::", false },
	{ "::a00:1", false },           /* IPv4-compatible, not mapped: IPv6 */
};

static void test_client_allowed(void)
{
	struct config *c = load_ok("access:\n"
				   "  allow: [10.0.0.0/8, 192.0.2.1, \"2001:db8::/32\", \"::1\",\n"
				   "          \"::ffff:198.51.100.0/120\", 172.16.0.0/12]\n"
				   "  refuse: [10.9.0.0/16, \"2001:db8:bad::/48\", 10.1.2.3,\n"
				   "           172.31.255.255/32]\n");
	if (!c)
		return;
	for (size_t i = 0; i < COUNT(clients); i++)
		CHECKF(allowed(c, clients[i].addr) == clients[i].want, "%s", clients[i].addr);
	struct sockaddr_storage unix_sa = { .ss_family = AF_UNIX };
	CHECK(!config_client_allowed(c, (const struct sockaddr *)&unix_sa));
	config_free(c);

	c = load_ok("access:\n  allow: [0.0.0.0/0, \"::/0\"]\n  refuse: []\n");
	CHECK(c && allowed(c, "203.0.113.9") && allowed(c, "2001:db8::1"));
	CHECK(c && allowed(c, "::ffff:203.0.113.9"));
	config_free(c);
	c = load_ok("access:\n  allow: []\n");
	CHECK(c && !allowed(c, "127.0.0.1") && !allowed(c, "::1"));
	config_free(c);
}

/* The cache accepts the limits as loaded. */
static void test_cache_limits_usable(void)
{
	struct config *c = load_ok("cache:\n  size: 16K\n");
	if (!c)
		return;
	struct cache *cache = cache_new(&c->cache);
	CHECK(cache != NULL);
	cache_free(cache);
	config_free(c);
}

static struct config_map *map_ok(const char *text)
{
	char err[256] = "";
	struct config_map *m = NULL;
	bool ok = config_load_map(write_file("map.yaml", text), &m, err);
	CHECKF(ok && m != NULL, "map did not load: %s\n%s", err, text);
	return ok ? m : NULL;
}

static void test_map_good(void)
{
	struct config_map *m = map_ok("# the toy internet\n"
				      "zones:\n"
				      "  - name: .\n"
				      "    file: root.zone\n"
				      "    servers: [127.53.0.1, 127.53.0.2]\n"
				      "  - name: com\n"
				      "    file: /abs/com.zone\n"
				      "    servers: [127.53.1.1, \"::1\"]\n"
				      "  - {name: Example.COM., file: z/example.zone,"
				      " servers: [127.0.0.1]}\n");
	if (!m)
		return;
	CHECK(m->n == 3);
	char want[300];
	snprintf(want, sizeof(want), "%s/root.zone", tmpdir);
	CHECK(m->zones[0].name[0] == 0);
	CHECKF(strcmp(m->zones[0].file, want) == 0, "%s", m->zones[0].file);
	CHECK(m->zones[0].n_servers == 2 && m->zones[0].line == 3);
	CHECK(same_addr(&m->zones[0].servers[0], "127.53.0.1", 0));
	CHECK(same_addr(&m->zones[0].servers[1], "127.53.0.2", 0));
	CHECK(memcmp(m->zones[1].name, "\3com", 5) == 0);
	CHECK(strcmp(m->zones[1].file, "/abs/com.zone") == 0);
	CHECK(same_addr(&m->zones[1].servers[1], "::1", 0) && m->zones[1].line == 6);
	CHECK(memcmp(m->zones[2].name, "\7Example\3COM", 13) == 0);
	snprintf(want, sizeof(want), "%s/z/example.zone", tmpdir);
	CHECK(strcmp(m->zones[2].file, want) == 0 && m->zones[2].line == 9);
	config_map_free(m);
	config_map_free(NULL);
}

static const struct {
	const char *text;
	unsigned line;
	const char *want;
} bad_maps[] = {
	{ "zones:\n  - name: com\n    file: com.zone\n    servers: [127.53.1.1, 10.0.0.1]\n", 4,
	  "zones.servers: 10.0.0.1 is not a loopback address (the toy internet never leaves "
	  "loopback" },
	{ "zones:\n  - {name: com, file: a, servers: [\"2001:db8::1\"]}\n", 2,
	  "2001:db8::1 is not a loopback address" },
	{ "zones:\n  - {name: com, file: a, servers: [127.0.0.1]}\n"
	  "  - {name: net, file: b, servers: [127.0.0.1]}\n"
	  "  - {name: COM., file: c, servers: [127.0.0.2]}\n",
	  4, "zones.name: COM. listed twice (first at line 2)" },
	{ "zones:\n  - {name: \"a..b\", file: a, servers: [127.0.0.1]}\n", 2,
	  "zones.name: not a domain name: \"a..b\"" },
	{ "zones:\n  - {name: "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, file: a, "
	  "servers: [127.0.0.1]}\n",
	  2, "zones.name: not a domain name" },
	{ "zones:\n  - name: com\n    servers: [127.0.0.1]\n", 2, "zones.file: missing" },
	{ "zones:\n  - name: com\n    file: a\n", 2, "zones.servers: missing" },
	{ "zones:\n  - file: a\n    servers: [127.0.0.1]\n", 2, "zones.name: missing" },
	{ "zones:\n  - {name: com, file: a, servers: [127.0.0.1], port: 53}\n", 2,
	  "zones.port: unknown key" },
	{ "zones:\n  - name: com\n    name: net\n", 3, "zones.name: duplicate key (first at" },
	{ "zones:\n  - {name: com, file: a, servers: []}\n", 2, "zones.servers: expected 1 to 32" },
	{ "zones:\n  - {name: com, file: a, servers: 127.0.0.1}\n", 2,
	  "zones.servers: expected a list of loopback addresses" },
	{ "zones:\n  - {name: com, file: a, servers: [127.0.0.1, 127.0.0.1]}\n", 2,
	  "zones.servers: 127.0.0.1 listed twice" },
	{ "zones:\n  - {name: com, file: a, servers: [loopback]}\n", 2,
	  "zones.servers: not an IPv4 or IPv6 address: \"loopback\"" },
	{ "zones:\n  - {name: [com], file: a, servers: [127.0.0.1]}\n", 2,
	  "zones.name: expected a domain name" },
	{ "zones:\n  - com\n", 2, "zones: expected a mapping with name, file and servers" },
	{ "zones: com\n", 1, "zones: expected a list of zones" },
	{ "zones: []\n", 1, "zones: expected 1 to 4096 zones" },
	{ "zone:\n  - {name: com}\n", 1, "zone: unknown key" },
	{ "zones: []\nzones: []\n", 2, "zones: duplicate key (first at line 1)" },
	{ "", 0, "zones: missing" },
	{ "[a]\n", 1, "expected a mapping with the key zones" },
	{ "? [a]\n: 1\n", 1, "expected a key name" },
	{ "zones:\n  - {[name]: com}\n", 2, "zones: expected a key name" },
	{ "zones:\n  - {name: com\n", 3, "YAML syntax:" },
};

static void test_map_bad(void)
{
	for (size_t i = 0; i < COUNT(bad_maps); i++) {
		char err[256] = "", prefix[300];
		struct config_map *m = (struct config_map *)&m;
		const char *path = write_file("badmap.yaml", bad_maps[i].text);
		bool ok = config_load_map(path, &m, err);
		if (bad_maps[i].line)
			snprintf(prefix, sizeof(prefix), "%s:%u: ", path, bad_maps[i].line);
		else
			snprintf(prefix, sizeof(prefix), "%s: ", path);
		CHECKF(!ok && m == (struct config_map *)&m, "loaded: %s", bad_maps[i].text);
		CHECKF(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, bad_maps[i].want),
		       "got \"%s\", expected \"%s\" then \"%s\"", err, prefix, bad_maps[i].want);
	}
	char err[256], path[300];
	struct config_map *m = NULL;
	snprintf(path, sizeof(path), "%s/nomap.yaml", tmpdir);
	CHECK(!config_load_map(path, &m, err) && m == NULL);
	CHECKF(strstr(err, ": cannot open: No such file or directory") != NULL, "%s", err);
}

/* The example configurations in conf/ load, and internet.yaml's values are the defaults it
 * says they are. Runs from the top of the tree, as tests/run does; elsewhere it checks nothing. */
static void test_examples(void)
{
	char err[256] = "";
	struct config *c = NULL;
	if (access("conf/internet.yaml", R_OK) != 0)
		return;
	CHECKF(config_load("conf/internet.yaml", &c, err), "%s", err);
	if (c)
		check_defaults(c, "conf/root.hints", "conf/root.anchor");
	config_free(c);
	c = NULL;
	CHECKF(config_load("conf/offline.yaml", &c, err), "%s", err);
	if (!c)
		return;
	CHECK(strcmp(c->resolver.root_hints, "conf/toy-root.hints") == 0);
	CHECK(strcmp(c->toy.map, "conf/../zones/map.yaml") == 0);
	CHECK(strcmp(c->dnssec.trust_anchor_file, "conf/toy-root.anchor") == 0);
	CHECK(c->resolver.query_special_addresses);
	CHECK(c->resolver.upstream_port == c->toy.port);
	CHECK(c->server.n_listen == 1 && same_addr(&c->server.listen[0], "127.0.0.1", 53));
	CHECK(c->log_level == LOG_INFO);
	config_free(c);
}

/* Issue 14: the keys of logging, the control socket and the metrics; what a reload changed. */
static void test_operating_keys(void)
{
	struct config *c = load_ok("log: {format: json, queries: true}\n"
				   "control:\n  socket: run/ctl.sock\n  group: root\n"
				   "metrics:\n  listen: \"::1\"\n  port: 9100\n");
	if (!c)
		return;
	char want[300];
	CHECK(c->log_format == LOG_FORMAT_JSON && c->log_queries);
	snprintf(want, sizeof(want), "%s/run/ctl.sock", tmpdir);
	CHECKF(strcmp(c->control.socket, want) == 0, "%s", c->control.socket);
	CHECK(c->control.has_group && c->control.gid == 0);
	CHECK(c->metrics.on && same_addr(&c->metrics.listen, "::1", 9100));
	struct config *d = load_ok("");
	CHECK(d && !d->metrics.on && !d->control.socket[0] && !d->control.has_group);
	CHECK(d && d->log_format == LOG_FORMAT_TEXT && !d->log_queries);
	char diff[256];
	CHECK(d && config_diff(d, d, diff, sizeof(diff)) == 0 && diff[0] == 0);
	CHECK(d && config_diff(d, c, diff, sizeof(diff)) == 6);
	CHECKF(strcmp(diff, "log.format, log.queries, control.socket (at restart), "
			    "control.group (at restart), metrics.listen (at restart), "
			    "metrics.port (at restart)") == 0,
	       "%s", diff);
	config_free(c);
	config_free(d);
	load_bad("log:\n  format: xml\n", 2, "log.format: expected text or json");
	load_bad("control:\n  group: no-such-group-here\n", 2,
		 "control.group: no group \"no-such-group-here\" on this machine");
	load_bad("metrics:\n  listen: localhost\n", 2,
		 "metrics.listen: not an IPv4 or IPv6 address: \"localhost\"");
	load_bad("metrics:\n  port: 0\n", 2, "metrics.port: expected a number from 1 to 65535");
	load_bad("control:\n  sockett: x\n", 2, "control.sockett: unknown key");
}

/* Issue 14, local data: local-zones.zones and .data into resolver/local's zones, the errors
 * at the line of the item at fault, and what a reload changed. */
static void test_local_zones(void)
{
	struct config *c = load_ok("local-zones:\n"
				   "  off: [127.in-addr.arpa.]\n"
				   "  zones:\n"
				   "    - { name: example.lan., type: static }\n"
				   "    - name: ads.example.\n"
				   "      type: always_nxdomain\n"
				   "  data:\n"
				   "    - \"printer.example.lan. 3600 IN A 192.168.1.20\"\n"
				   "    - \"example.lan. 3600 IN MX 10 mail.example.lan.\"\n");
	struct local_answer a;
	if (!c)
		return;
	CHECK(local_answer(c->local, N("printer.example.lan."), DNS_TYPE_A, &a) == LOCAL_ANSWER);
	CHECK(a.n_an == 1 && a.rcode == DNS_RCODE_NOERROR && a.an[0].ttl == 3600);
	CHECK(local_answer(c->local, N("x.example.lan."), DNS_TYPE_A, &a) == LOCAL_ANSWER);
	CHECK(a.rcode == DNS_RCODE_NXDOMAIN);
	CHECK(local_answer(c->local, N("www.ads.example."), DNS_TYPE_A, &a) == LOCAL_ANSWER);
	CHECK(a.rcode == DNS_RCODE_NXDOMAIN);
	CHECK(local_answer(c->local, N("1.0.0.127.in-addr.arpa."), DNS_TYPE_PTR, &a) ==
	      LOCAL_RESOLVE); /* switched off */
	CHECK(local_answer(c->local, N("localhost."), DNS_TYPE_A, &a) == LOCAL_ANSWER);
	struct config *d = load_ok("");
	CHECK(d && local_answer(d->local, N("1.0.0.127.in-addr.arpa."), DNS_TYPE_PTR, &a) ==
			   LOCAL_ANSWER);
	char diff[256];
	CHECK(d && config_diff(d, c, diff, sizeof(diff)) == 3);
	CHECKF(strcmp(diff, "local-zones.off, local-zones.zones, local-zones.data") == 0, "%s",
	       diff);
	struct config *e = load_ok("local-zones:\n  off: [127.in-addr.arpa.]\n  zones:\n"
				   "    - { name: example.lan., type: static }\n"
				   "    - { name: ads.example., type: always_nxdomain }\n"
				   "  data:\n    - \"printer.example.lan. 60 IN A 192.168.1.20\"\n"
				   "    - \"example.lan. 3600 IN MX 10 mail.example.lan.\"\n");
	CHECK(e && config_diff(c, e, diff, sizeof(diff)) == 1);
	CHECKF(strcmp(diff, "local-zones.data") == 0, "%s", diff);
	config_free(c);
	config_free(d);
	config_free(e);
	load_bad("local-zones:\n  zones:\n    - { name: a.example., type: stattic }\n", 3,
		 "local-zones.zones: \"stattic\" is not transparent, typetransparent, static");
	load_bad("local-zones:\n  zones:\n    - { name: a.example. }\n", 3,
		 "local-zones.zones: expected a mapping { name: ZONE, type: TYPE }");
	load_bad("local-zones:\n  zones:\n    - { name: a.example., type: deny, ttl: 1 }\n", 3,
		 "local-zones.zones: unknown key \"ttl\"");
	load_bad("local-zones:\n  zones:\n    - { name: \"a..b\", type: deny }\n", 3,
		 "local-zones.zones: not a domain name: \"a..b\"");
	load_bad("local-zones:\n  zones: example.lan.\n", 2,
		 "local-zones.zones: expected a list of zones");
	load_bad("local-zones:\n  data:\n    - \"a.example. 60 IN A 10.0.0.1\"\n"
		 "    - \"b.example 60 IN A 10.0.0.1\"\n",
		 4, "local-zones.data: owner \"b.example\" is not absolute");
	load_bad("local-zones:\n  data:\n\n    - \"a.example. 60 IN A 10.0.0.300\"\n", 4,
		 "local-zones.data: ");
	load_bad("local-zones:\n  data:\n    - [a, b]\n", 3, "local-zones.data: expected a record");
	load_bad("local-zones:\n  off: [example.com.]\n", 2,
		 "local-zones.off: example.com. is not a locally served zone");
	load_bad("local-zones:\n  zones:\n    - { name: r.example., type: redirect }\n"
		 "  data: [\"www.r.example. 60 IN A 10.0.0.1\"]\n",
		 3, "local-zones: zone r.example. is a redirect zone: data at its apex only");
	load_bad("local-zones:\n  zones:\n    - { name: a.example., type: static }\n"
		 "    - { name: A.Example., type: deny }\n",
		 3, "local-zones: zone a.example. given twice");
}

/* Issue 14: forward and stub zones, their address forms, every bad value, and the reload
 * diff (taken without a restart). */
static void test_forwarding(void)
{
	struct config *c = load_ok("forwarding:\n"
				   "  forward-zones:\n"
				   "    - name: \".\"\n"
				   "      addresses: [127.0.0.1@5353, \"::1\"]\n"
				   "      first: true\n"
				   "    - {name: Example.COM, addresses: [192.0.2.1]}\n"
				   "  stub-zones:\n"
				   "    - name: corp.example\n"
				   "      addresses: [\"::1@53000\", 10.0.0.1]\n");
	if (!c)
		return;
	const struct fwd_zones *f = &c->forwarding.forward, *st = &c->forwarding.stub;
	CHECK(f->n == 2 && st->n == 1);
	CHECK(f->z[0].name[0] == 0 && f->z[0].first && f->z[0].n_addr == 2);
	CHECK(same_addr(&f->z[0].addr[0], "127.0.0.1", 5353) && same_addr(&f->z[0].addr[1], "::1", 53));
	CHECK(name_equal(f->z[1].name, N("example.com.")) && !f->z[1].first && f->z[1].n_addr == 1);
	CHECK(same_addr(&f->z[1].addr[0], "192.0.2.1", 53));
	CHECK(name_equal(st->z[0].name, N("corp.example.")) && !st->z[0].first);
	CHECK(same_addr(&st->z[0].addr[0], "::1", 53000) && same_addr(&st->z[0].addr[1], "10.0.0.1", 53));
	struct config *d = load_ok("");
	char diff[256];
	CHECK(d && d->forwarding.forward.n == 0 && d->forwarding.stub.n == 0);
	CHECK(d && config_diff(d, c, diff, sizeof(diff)) == 2);
	CHECKF(strcmp(diff, "forwarding.forward-zones, forwarding.stub-zones") == 0, "%s", diff);
	config_free(c);
	config_free(d);
	static const struct {
		const char *text;
		unsigned line;
		const char *want;
	} bad[] = {
		{ "forwarding:\n  forward-zones: x\n", 2,
		  "forwarding.forward-zones: expected a list of zones" },
		{ "forwarding:\n  forward-zones:\n    - x\n", 3,
		  "forwarding.forward-zones: expected a mapping of name, addresses and first" },
		{ "forwarding:\n  forward-zones:\n    - {addresses: [127.0.0.1]}\n", 3,
		  "forwarding.forward-zones: name missing" },
		{ "forwarding:\n  forward-zones:\n    - {name: a}\n", 3,
		  "forwarding.forward-zones: addresses missing" },
		{ "forwarding:\n  stub-zones:\n    - {name: a, addresses: []}\n", 3,
		  "forwarding.stub-zones.addresses: expected 1 to 8 addresses" },
		{ "forwarding:\n  stub-zones:\n    - {name: a, addresses: 127.0.0.1}\n", 3,
		  "forwarding.stub-zones.addresses: expected 1 to 8 addresses" },
		{ "forwarding:\n  forward-zones:\n    - {name: a..b, addresses: [127.0.0.1]}\n", 3,
		  "forwarding.forward-zones.name: not a domain name: \"a..b\"" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [localhost]}\n", 3,
		  "forwarding.forward-zones.addresses: not an address or address@port: \"localhost\"" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1@0]}\n", 3,
		  "not an address or address@port: \"127.0.0.1@0\"" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1@65536]}\n", 3,
		  "not an address or address@port: \"127.0.0.1@65536\"" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1#53]}\n", 3,
		  "not an address or address@port: \"127.0.0.1#53\"" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1], first: 1}\n",
		  3, "forwarding.forward-zones.first: expected true or false" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1], port: 1}\n",
		  3, "forwarding.forward-zones.port: unknown key" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, name: b, addresses: [127.0.0.1]}\n",
		  3, "forwarding.forward-zones.name: duplicate key" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1]}\n"
		  "    - {name: A., addresses: [127.0.0.2]}\n",
		  4, "forwarding.forward-zones: a. listed twice" },
		{ "forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1]}\n"
		  "  stub-zones:\n    - {name: a, addresses: [127.0.0.2]}\n",
		  5, "forwarding.stub-zones: a. is a forward zone too" },
		{ "forwarding:\n  stubzones: []\n", 2, "forwarding.stubzones: unknown key" },
	};
	for (size_t i = 0; i < COUNT(bad); i++)
		load_bad(bad[i].text, bad[i].line, bad[i].want);
	char many[8192];
	size_t len = (size_t)snprintf(many, sizeof(many), "forwarding:\n  forward-zones:\n");
	for (unsigned i = 0; i <= FWD_MAX_ZONES; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len,
					"    - {name: z%u, addresses: [127.0.0.1]}\n", i);
	load_bad(many, 3, "forwarding.forward-zones: more than 64 zones");
	load_bad("forwarding:\n  forward-zones:\n    - {name: a, addresses: [127.0.0.1, 127.0.0.2,"
		 " 127.0.0.3, 127.0.0.4, 127.0.0.5, 127.0.0.6, 127.0.0.7, 127.0.0.8, 127.0.0.9]}\n",
		 3, "forwarding.forward-zones.addresses: expected 1 to 8 addresses");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Issue 11, finding 8: deep nesting and big files are refused at once, before libyaml's
 * document loader (whose flow-level bookkeeping is quadratic: 200 KB of "[" took 23 s). */
static void test_nesting_and_size(void)
{
	static char text[CONFIG_FILE_MAX + 64];
	size_t n = (size_t)snprintf(text, sizeof(text), "server: ");
	for (size_t i = 0; i < 100000; i++)
		text[n++] = '[';
	for (size_t i = 0; i < 100000; i++)
		text[n++] = ']';
	snprintf(text + n, sizeof(text) - n, "\n");
	load_bad(text, 1, "YAML nesting deeper than 64 levels");
	/* Block style: the mapping that holds key kN is level N + 1. */
	for (unsigned levels = CONFIG_NEST_MAX; levels <= CONFIG_NEST_MAX + 1; levels++) {
		n = 0;
		for (unsigned i = 0; i < levels; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%*sk%u:\n", (int)i, "",
					      i);
		if (levels > CONFIG_NEST_MAX)
			load_bad(text, levels, "YAML nesting deeper than 64 levels");
		else
			load_bad(text, 1, "k0: unknown section");
	}
	/* A file of exactly the limit is read; one byte more is refused, whatever it holds. */
	for (unsigned over = 0; over < 2; over++) {
		const char *head = "log:\n  level: info\n";
		n = (size_t)snprintf(text, sizeof(text), "%s", head);
		memset(text + n, '#', CONFIG_FILE_MAX + over - n - 1);
		text[CONFIG_FILE_MAX + over - 1] = '\n';
		text[CONFIG_FILE_MAX + over] = 0;
		if (over) {
			load_bad(text, 0, "file over 1 MiB (1048577 bytes)");
		} else {
			struct config *c = load_ok(text);
			config_free(c);
		}
	}
	n = (size_t)snprintf(text, sizeof(text), "zones: ");
	for (size_t i = 0; i < 2 * 100; i++)
		text[n++] = i < 100 ? '[' : ']';
	snprintf(text + n, sizeof(text) - n, "\n");
	const char *map = write_file("deepmap.yaml", text);
	struct config_map *m = NULL;
	char err[256] = "";
	CHECK(!config_load_map(map, &m, err));
	CHECKF(strstr(err, ":1: YAML nesting deeper than 64 levels") != NULL, "got %s", err);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_config.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_defaults);
	RUN(test_every_key);
	RUN(test_value_forms);
	RUN(test_relative_paths);
	RUN(test_bad_files);
	RUN(test_list_limits);
	RUN(test_missing_file);
	RUN(test_nesting_and_size);
	RUN(test_client_allowed);
	RUN(test_cache_limits_usable);
	RUN(test_map_good);
	RUN(test_map_bad);
	RUN(test_examples);
	RUN(test_operating_keys);
	RUN(test_local_zones);
	RUN(test_forwarding);
	if (nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done();
}
