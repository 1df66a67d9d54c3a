/* tests/unit/test_local.c: resolver/local, the zones answered without asking anyone: the
 * defaults, each local-zone type with and without local-data, and the building's errors.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "dns.h"
#include "local.h"
#include "name_text.h"

struct zone_spec {
	const char *name;
	enum local_type type;
};

/* The zones and records given (NULL-ended lists), finished; NULL (with why) when it fails. */
static struct local_zones *build(const struct zone_spec *zones, const char *const *data,
                                 char why[static 160])
{
	struct local_limits lim;
	local_limits_default(&lim);
	struct local_zones *z = local_zones_new(&lim);
	CHECK(z != NULL);
	for (size_t i = 0; zones && zones[i].name; i++)
		if (!local_zones_add_zone(z, N(zones[i].name), zones[i].type, why))
			goto fail;
	for (size_t i = 0; data && data[i]; i++)
		if (!local_zones_add_data(z, data[i], why))
			goto fail;
	if (local_zones_finish(z, why))
		return z;
fail:
	local_zones_free(z);
	return NULL;
}

static struct local_zones *defaults_only(void)
{
	char why[160];
	struct local_zones *z = build(NULL, NULL, why);
	CHECKF(z != NULL, "%s", why);
	return z;
}

static struct local_answer a;

/* local_answer's result, with a's answer count, authority count and rcode checked. */
static bool is(const struct local_zones *z, const char *qname, uint16_t qtype, unsigned rcode,
               size_t n_an, size_t n_ns)
{
	enum local_result r = local_answer(z, N(qname), qtype, &a);
	bool ok = r == LOCAL_ANSWER && a.rcode == rcode && a.n_an == n_an && a.n_ns == n_ns;
	if (!ok)
		fprintf(stderr, "  %s type %u: result %d rcode %u an %zu ns %zu\n", qname, qtype,
		        (int)r, r == LOCAL_ANSWER ? a.rcode : 99, r == LOCAL_ANSWER ? a.n_an : 99,
		        r == LOCAL_ANSWER ? a.n_ns : 99);
	return ok;
}

static bool resolved(const struct local_zones *z, const char *qname, uint16_t qtype)
{
	return local_answer(z, N(qname), qtype, &a) == LOCAL_RESOLVE;
}

/* RFC 6761 §6.3: localhost and every name below it are the loopback host (a redirect zone). */
static void test_localhost(void)
{
	struct local_zones *z = defaults_only();
	CHECK(is(z, "localhost.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].type == DNS_TYPE_A && a.an[0].ttl == 10800);
	CHECK(a.an[0].rdlen == 4 && memcmp(a.an[0].rdata, "\x7f\x00\x00\x01", 4) == 0);
	CHECK(is(z, "LocalHost.", DNS_TYPE_AAAA, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].rdlen == 16 && a.an[0].rdata[15] == 1);
	CHECK(memcmp(a.an[0].owner, N("LocalHost."), 11) == 0); /* the case asked */
	CHECK(is(z, "www.localhost.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(name_equal(a.an[0].owner, N("www.localhost.")));
	CHECK(is(z, "localhost.", DNS_TYPE_NS, DNS_RCODE_NOERROR, 1, 0)); /* NS localhost. */
	CHECK(is(z, "localhost.", DNS_TYPE_MX, DNS_RCODE_NOERROR, 0, 1));
	CHECK(a.ns[0].type == DNS_TYPE_SOA && name_equal(a.ns[0].owner, N("localhost.")));
	CHECK(resolved(z, "localhost.example.", DNS_TYPE_A));
	CHECK(resolved(z, "www.example.com.", DNS_TYPE_A));
	CHECK(resolved(z, ".", DNS_TYPE_NS));
	local_zones_free(z);
}

/* RFC 6761 invalid and test, RFC 8375 home.arpa, RFC 6303 reverse zones: static zones with
 * NS and SOA at the apex; NXDOMAIN below but for the loopback PTR localhost. */
static void test_default_zones(void)
{
	struct local_zones *z = defaults_only();
	CHECK(is(z, "foo.invalid.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(name_equal(a.ns[0].owner, N("invalid.")) && a.ns[0].ttl == 10800);
	CHECK(is(z, "printer.home.arpa.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(is(z, "1.1.168.192.in-addr.arpa.", DNS_TYPE_PTR, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(is(z, "9.31.172.in-addr.arpa.", DNS_TYPE_PTR, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(resolved(z, "9.32.172.in-addr.arpa.", DNS_TYPE_PTR));
	CHECK(is(z, "1.0.0.127.in-addr.arpa.", DNS_TYPE_PTR, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].type == DNS_TYPE_PTR && name_equal(a.an[0].rdata, N("localhost.")));
	CHECK(is(z, "1.0.0.127.in-addr.arpa.", DNS_TYPE_A, DNS_RCODE_NOERROR, 0, 1));
	CHECK(is(z, "0.0.127.in-addr.arpa.", DNS_TYPE_PTR, DNS_RCODE_NOERROR, 0, 1)); /* above */
	CHECK(is(z, "10.in-addr.arpa.", DNS_TYPE_SOA, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "10.in-addr.arpa.", DNS_TYPE_NS, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "1.8.e.f.ip6.arpa.", DNS_TYPE_PTR, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(is(z, "test.", DNS_TYPE_ANY, DNS_RCODE_NOERROR, 0, 1)); /* as Unbound: no ANY */
	local_zones_free(z);
}

/* A default switched off (local-zones.off) is resolved as any other name; a name that is no
 * default is an error; nodefault does the same; a zone of a default's name replaces it. */
static void test_defaults_off(void)
{
	struct local_limits lim;
	char why[160];
	local_limits_default(&lim);
	struct local_zones *z = local_zones_new(&lim);
	CHECK(local_zones_off(z, N("127.in-addr.arpa."), why));
	CHECK(local_zones_off(z, N("Home.Arpa."), why));
	CHECK(!local_zones_off(z, N("example.com."), why));
	CHECK(strstr(why, "not a locally served zone") != NULL);
	CHECK(local_zones_finish(z, why));
	CHECK(resolved(z, "1.1.53.127.in-addr.arpa.", DNS_TYPE_PTR));
	CHECK(resolved(z, "printer.home.arpa.", DNS_TYPE_A));
	CHECK(is(z, "localhost.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	local_zones_free(z);

	static const struct zone_spec zones[] = {
	    {"onion.", LOCAL_NODEFAULT}, {"home.arpa.", LOCAL_TRANSPARENT}, {NULL, 0}};
	static const char *const data[] = {"nas.home.arpa. 60 IN A 192.168.1.2", NULL};
	z = build(zones, data, why);
	CHECKF(z != NULL, "%s", why);
	CHECK(resolved(z, "www.onion.", DNS_TYPE_A));
	CHECK(resolved(z, "printer.home.arpa.", DNS_TYPE_A)); /* transparent now */
	CHECK(is(z, "nas.home.arpa.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(resolved(z, "home.arpa.", DNS_TYPE_SOA)); /* the default's SOA is gone */
	local_zones_free(z);
}

static const struct zone_spec lan[] = {
    {"example.lan.", LOCAL_STATIC},       {"ads.example.", LOCAL_ALWAYS_NXDOMAIN},
    {"tr.example.", LOCAL_TRANSPARENT},   {"tt.example.", LOCAL_TYPETRANSPARENT},
    {"red.example.", LOCAL_REDIRECT},     {"ref.example.", LOCAL_REFUSE},
    {"den.example.", LOCAL_DENY},         {"sub.ads.example.", LOCAL_ALWAYS_TRANSPARENT},
    {"ar.example.", LOCAL_ALWAYS_REFUSE}, {"ad.example.", LOCAL_ALWAYS_DENY},
    {"nd.example.", LOCAL_ALWAYS_NODATA}, {"null.example.", LOCAL_ALWAYS_NULL},
    {NULL, 0},
};

static const char *const lan_data[] = {
    "example.lan. 3600 IN SOA ns.example.lan. admin.example.lan. 1 3600 600 86400 300",
    "printer.example.lan. IN A 192.168.1.20", /* TTL 3600, as Unbound */
    "printer.example.lan. 3600 IN A 192.168.1.21",
    "printer.example.lan. 3600 IN TXT \"lobby\"",
    "www.example.lan. 3600 IN CNAME printer.example.lan.",
    "a.b.example.lan. 3600 IN A 10.0.0.1",
    "example.lan. 3600 IN MX 10 mail.example.lan.",
    "x.tr.example. 60 IN A 10.0.0.2",
    "x.tt.example. 60 IN A 10.0.0.3",
    "red.example. 60 IN A 10.0.0.4",
    "r.ref.example. 60 IN A 10.0.0.5",
    "d.den.example. 60 IN A 10.0.0.6",
    "y.ads.example. 60 IN A 10.0.0.7",
    "y.ar.example. 60 IN A 10.0.0.8",
    "y.null.example. 60 IN A 10.0.0.11",
    "null.example. 60 IN SOA a.example. b.example. 1 2 3 4 5",
    "orphan.example. 60 IN A 10.0.0.9",
    "deep.orphan.example. 60 IN A 10.0.0.10",
    NULL,
};

/* static: the data; NODATA for an empty non-terminal or another type, NXDOMAIN else, each
 * with the SOA at the negative TTL (RFC 2308 §3: the lesser of its TTL and MINIMUM). */
static void test_static(void)
{
	char why[160];
	struct local_zones *z = build(lan, lan_data, why);
	CHECKF(z != NULL, "%s", why);
	CHECK(is(z, "printer.example.lan.", DNS_TYPE_A, DNS_RCODE_NOERROR, 2, 0));
	CHECK(a.an[0].ttl == 3600 && a.an[1].ttl == 3600 && a.an[0].type == DNS_TYPE_A);
	CHECK(is(z, "PRINTER.example.lan.", DNS_TYPE_TXT, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "printer.example.lan.", DNS_TYPE_MX, DNS_RCODE_NOERROR, 0, 1));
	CHECK(a.ns[0].type == DNS_TYPE_SOA && a.ns[0].ttl == 300);
	CHECK(is(z, "b.example.lan.", DNS_TYPE_A, DNS_RCODE_NOERROR, 0, 1));
	CHECK(is(z, "nope.example.lan.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(is(z, "c.a.b.example.lan.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 1));
	CHECK(is(z, "example.lan.", DNS_TYPE_MX, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "example.lan.", DNS_TYPE_SOA, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].ttl == 3600); /* the answer keeps its TTL */
	/* CNAME: alone, whatever the type asked, as Unbound answers it */
	CHECK(is(z, "www.example.lan.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].type == DNS_TYPE_CNAME);
	CHECK(is(z, "www.example.lan.", DNS_TYPE_CNAME, DNS_RCODE_NOERROR, 1, 0));
	local_zones_free(z);
}

/* The other types, each with and without data. */
static void test_types(void)
{
	char why[160];
	struct local_zones *z = build(lan, lan_data, why);
	CHECKF(z != NULL, "%s", why);
	/* transparent: data, NODATA at a name with data, else resolved */
	CHECK(is(z, "x.tr.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "x.tr.example.", DNS_TYPE_AAAA, DNS_RCODE_NOERROR, 0, 0));
	CHECK(resolved(z, "y.tr.example.", DNS_TYPE_A));
	CHECK(resolved(z, "tr.example.", DNS_TYPE_A));
	/* typetransparent: only the data's own types are answered */
	CHECK(is(z, "x.tt.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(resolved(z, "x.tt.example.", DNS_TYPE_AAAA));
	CHECK(resolved(z, "y.tt.example.", DNS_TYPE_A));
	/* redirect: the apex's data for every name below it, owned by the name asked */
	CHECK(is(z, "a.b.red.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(name_equal(a.an[0].owner, N("a.b.red.example.")));
	CHECK(is(z, "a.red.example.", DNS_TYPE_MX, DNS_RCODE_NOERROR, 0, 0));
	/* refuse and deny: the data, else REFUSED or dropped */
	CHECK(is(z, "r.ref.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "s.ref.example.", DNS_TYPE_A, DNS_RCODE_REFUSED, 0, 0));
	CHECK(is(z, "d.den.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(local_answer(z, N("e.den.example."), DNS_TYPE_A, &a) == LOCAL_DROP);
	/* always_*: the data ignored */
	CHECK(is(z, "y.ads.example.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 0));
	CHECK(is(z, "ads.example.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 0));
	CHECK(is(z, "y.ar.example.", DNS_TYPE_A, DNS_RCODE_REFUSED, 0, 0));
	CHECK(local_answer(z, N("ad.example."), DNS_TYPE_A, &a) == LOCAL_DROP);
	CHECK(is(z, "q.nd.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 0, 0));
	/* always_null: the unspecified addresses, NODATA without SOA, the data first (1.17) */
	CHECK(is(z, "x.null.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].rdlen == 4 && memcmp(a.an[0].rdata, "\0\0\0\0", 4) == 0);
	CHECK(a.an[0].ttl == 3600 && name_equal(a.an[0].owner, N("x.null.example.")));
	CHECK(is(z, "null.example.", DNS_TYPE_AAAA, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].rdlen == 16 && a.an[0].rdata[15] == 0 && a.an[0].type == DNS_TYPE_AAAA);
	CHECK(is(z, "x.null.example.", DNS_TYPE_MX, DNS_RCODE_NOERROR, 0, 0));
	CHECK(is(z, "y.null.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(a.an[0].rdata[0] == 10);
	/* the most specific zone decides: sub.ads.example is resolved, though below ads */
	CHECK(resolved(z, "www.sub.ads.example.", DNS_TYPE_A));
	CHECK(is(z, "www.other.ads.example.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 0));
	/* data in no zone: a transparent zone at its owner, which holds the data below it */
	CHECK(is(z, "orphan.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(is(z, "orphan.example.", DNS_TYPE_MX, DNS_RCODE_NOERROR, 0, 0));
	CHECK(is(z, "deep.orphan.example.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	CHECK(resolved(z, "other.orphan.example.", DNS_TYPE_A));
	CHECK(resolved(z, "example.", DNS_TYPE_A));
	CHECK(resolved(z, "www.example.org.", DNS_TYPE_A));
	local_zones_free(z);
}

/* Lines that are not one record, and the limits. */
static void test_errors(void)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
	    {"printer.example.lan 3600 IN A 192.168.1.20", "not absolute"},
	    {" 3600 IN A 192.168.1.20", "owner first"},
	    {"$INCLUDE /etc/passwd", "owner first"},
	    {"a.example. 3600 IN A 192.168.1.300", ""},
	    {"a.example. 3600 CH TXT \"x\"", "class must be IN"},
	    {"a.example. 3600 IN A 1.2.3.4\nb.example. 3600 IN A 1.2.3.4", "one line"},
	    {"a.example. 3600 IN BOGUS 1", ""},
	    {"", "owner first"},
	};
	char why[160];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *data[] = {bad[i].line, NULL};
		why[0] = 0;
		CHECKF(build(NULL, data, why) == NULL && why[0] && strstr(why, bad[i].why),
		       "%s: %s", bad[i].line, why);
	}
	static const struct zone_spec twice[] = {
	    {"a.example.", LOCAL_STATIC}, {"A.example.", LOCAL_DENY}, {NULL, 0}};
	CHECK(build(twice, NULL, why) == NULL && strstr(why, "twice"));
	static const struct zone_spec red[] = {{"red.example.", LOCAL_REDIRECT}, {NULL, 0}};
	static const char *const below[] = {"www.red.example. 60 IN A 10.0.0.1", NULL};
	CHECK(build(red, below, why) == NULL && strstr(why, "apex"));

	struct local_limits lim;
	local_limits_default(&lim);
	lim.records = 3;
	lim.rrset = 2;
	struct local_zones *z = local_zones_new(&lim);
	CHECK(local_zones_add_data(z, "a.example. IN A 10.0.0.1", why));
	CHECK(local_zones_add_data(z, "a.example. IN A 10.0.0.2", why));
	CHECK(local_zones_add_data(z, "a.example. IN A 10.0.0.3", why));
	CHECK(!local_zones_add_data(z, "b.example. IN A 10.0.0.3", why) && strstr(why, "records"));
	CHECK(!local_zones_finish(z, why)); /* the defaults count; and the RRset is over 2 */
	local_zones_free(z);
	local_limits_default(&lim);
	lim.rrset = 2;
	z = local_zones_new(&lim);
	for (int i = 1; i <= 3; i++) {
		char line[64];
		snprintf(line, sizeof(line), "a.example. IN A 10.0.0.%d", i);
		CHECK(local_zones_add_data(z, line, why));
	}
	CHECK(!local_zones_finish(z, why) && strstr(why, "one name and type"));
	local_zones_free(z);
	/* a redirect answer copies the RRset: never more than LOCAL_RRSET_MAX records */
	lim.rrset = LOCAL_RRSET_MAX + 1;
	z = local_zones_new(&lim);
	CHECK(local_zones_add_zone(z, N("r.example."), LOCAL_REDIRECT, why));
	for (int i = 0; i <= LOCAL_RRSET_MAX; i++) {
		char line[64];
		snprintf(line, sizeof(line), "r.example. IN A 10.0.%d.%d", i / 250, i % 250);
		CHECK(local_zones_add_data(z, line, why));
	}
	CHECK(!local_zones_finish(z, why) && strstr(why, "one name and type"));
	local_zones_free(z);
	lim.rrset = 2;
	lim.zones = 1;
	z = local_zones_new(&lim);
	CHECK(local_zones_add_zone(z, N("a.example."), LOCAL_STATIC, why));
	CHECK(!local_zones_add_zone(z, N("b.example."), LOCAL_STATIC, why) && strstr(why, "zones"));
	local_zones_free(z);
	lim.zones = 100;
	lim.bytes = 30;
	z = local_zones_new(&lim);
	CHECK(!local_zones_add_data(z, "a-long-name.example. IN TXT \"0123456789\"", why) &&
	      strstr(why, "bytes"));
	local_zones_free(z);
}

/* A reload tells what changed: the zones and the data apart, order included. */
static void test_same(void)
{
	char why[160];
	static const char *const other[] = {"printer.example.lan. 3600 IN A 192.168.1.99", NULL};
	struct local_zones *a1 = build(lan, lan_data, why), *a2 = build(lan, lan_data, why);
	struct local_zones *b = build(lan, other, why), *d = defaults_only();
	CHECK(local_zones_same(a1, a2, false) && local_zones_same(a1, a2, true));
	CHECK(local_zones_same(a1, b, false) && !local_zones_same(a1, b, true));
	CHECK(!local_zones_same(a1, d, false) && !local_zones_same(d, a1, true));
	CHECK(local_zones_same(d, NULL, false) && !local_zones_same(NULL, b, true));
	local_zones_free(a1);
	local_zones_free(a2);
	local_zones_free(b);
	local_zones_free(d);
	CHECK(local_answer(NULL, N("localhost."), DNS_TYPE_A, &a) == LOCAL_RESOLVE);
}

/* Zones under many top-level labels, and at the root: the first check lets them through. */
static void test_many_tlds(void)
{
	char why[160];
	struct local_limits lim;
	local_limits_default(&lim);
	struct local_zones *z = local_zones_new(&lim);
	for (int i = 0; i < 40; i++) {
		char name[32];
		snprintf(name, sizeof(name), "blocked.tld%d.", i);
		CHECK(local_zones_add_zone(z, N(name), LOCAL_ALWAYS_NXDOMAIN, why));
	}
	CHECK(local_zones_finish(z, why));
	CHECK(is(z, "x.blocked.tld39.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 0));
	CHECK(is(z, "blocked.tld0.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 0));
	CHECK(resolved(z, "open.tld0.", DNS_TYPE_A));
	CHECK(is(z, "foo.invalid.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN, 0, 1));
	local_zones_free(z);
	static const struct zone_spec root[] = {{".", LOCAL_REFUSE}, {NULL, 0}};
	z = build(root, NULL, why);
	CHECK(is(z, "www.example.com.", DNS_TYPE_A, DNS_RCODE_REFUSED, 0, 0));
	CHECK(is(z, ".", DNS_TYPE_NS, DNS_RCODE_REFUSED, 0, 0));
	CHECK(is(z, "localhost.", DNS_TYPE_A, DNS_RCODE_NOERROR, 1, 0));
	local_zones_free(z);
}

/* Every type the message lists reads back, each as its own type (the configuration's only
 * way to name them). */
static void test_type_names(void)
{
	char list[400];
	snprintf(list, sizeof(list), "%s", local_type_names());
	bool seen[LOCAL_NODEFAULT + 1] = { false };
	size_t n = 0;
	for (char *save = NULL, *w = strtok_r(list, ", ", &save); w; w = strtok_r(NULL, ", ", &save)) {
		enum local_type t;
		if (strcmp(w, "or") == 0)
			continue;
		CHECKF(local_type_from_text(w, &t) && !seen[t], "%s", w);
		seen[t] = true;
		n++;
	}
	CHECK(n == LOCAL_NODEFAULT + 1);
	enum local_type t;
	CHECK(!local_type_from_text("inform", &t) && !local_type_from_text("", &t));
}

int main(void)
{
	RUN(test_localhost);
	RUN(test_default_zones);
	RUN(test_defaults_off);
	RUN(test_static);
	RUN(test_types);
	RUN(test_errors);
	RUN(test_same);
	RUN(test_many_tlds);
	RUN(test_type_names);
	return check_done();
}
