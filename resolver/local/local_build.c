/* resolver/local/local_build.c: building the local zones, and the defaults (see local.h).
 *
 * The zones and records are kept as given until local_zones_finish, which adds the defaults
 * through the same path (their records are text read by the same reader as local-data),
 * makes the transparent zones of records that lie in none, and sorts zones and records in
 * canonical order for local.c's binary searches. Everything lives in one arena.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "local_priv.h"
#include "zonefile.h"

#define DEFAULT_TTL 3600 /* of a local-data line without one, as Unbound */

/* RFC 6761, 7686, 8375 and the RFC 6303 §4 list: localhost first (redirect), the rest
 * static. Each has NS localhost. and Unbound's SOA at its apex. */
static const char *const defaults[] = {
    "localhost.",
    "invalid.",
    "test.",
    "onion.",
    "home.arpa.",
    /* RFC 6303 §4.1-4.4: IPv4 */
    "0.in-addr.arpa.",
    "10.in-addr.arpa.",
    "127.in-addr.arpa.",
    "254.169.in-addr.arpa.",
    "16.172.in-addr.arpa.",
    "17.172.in-addr.arpa.",
    "18.172.in-addr.arpa.",
    "19.172.in-addr.arpa.",
    "20.172.in-addr.arpa.",
    "21.172.in-addr.arpa.",
    "22.172.in-addr.arpa.",
    "23.172.in-addr.arpa.",
    "24.172.in-addr.arpa.",
    "25.172.in-addr.arpa.",
    "26.172.in-addr.arpa.",
    "27.172.in-addr.arpa.",
    "28.172.in-addr.arpa.",
    "29.172.in-addr.arpa.",
    "30.172.in-addr.arpa.",
    "31.172.in-addr.arpa.",
    "168.192.in-addr.arpa.",
    "2.0.192.in-addr.arpa.",
    "100.51.198.in-addr.arpa.",
    "113.0.203.in-addr.arpa.",
    "255.255.255.255.in-addr.arpa.",
    /* RFC 6303 §4.5-4.7: IPv6 ::, ::1, ULA, link-local, documentation */
    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
    "d.f.ip6.arpa.",
    "8.e.f.ip6.arpa.",
    "9.e.f.ip6.arpa.",
    "a.e.f.ip6.arpa.",
    "b.e.f.ip6.arpa.",
    "8.b.d.0.1.0.0.2.ip6.arpa.",
};

#define N_DEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

/* The records of the defaults beyond NS and SOA: "zone|record". */
static const char *const default_data[] = {
    "localhost.|localhost. 10800 IN A 127.0.0.1",
    "localhost.|localhost. 10800 IN AAAA ::1",
    "127.in-addr.arpa.|1.0.0.127.in-addr.arpa. 10800 IN PTR localhost.",
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.|"
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa. 10800 IN PTR "
    "localhost.",
};

struct local_zones *local_zones_new(const struct local_limits *lim)
{
	struct local_zones *z = calloc(1, sizeof(*z));
	if (!z || !(z->arena = arena_new()) ||
	    !(z->off = arena_alloc(z->arena, N_DEFAULTS * sizeof(bool)))) {
		local_zones_free(z);
		return NULL;
	}
	memset(z->off, 0, N_DEFAULTS * sizeof(bool));
	z->lim = *lim;
	if (z->lim.rrset > LOCAL_RRSET_MAX) /* what local_answer's copy holds */
		z->lim.rrset = LOCAL_RRSET_MAX;
	return z;
}

static bool default_name(size_t i, uint8_t out[NAME_MAX_WIRE])
{
	size_t len;
	return name_from_text(defaults[i], strlen(defaults[i]), NULL, out, &len) == ERR_OK;
}

bool local_zones_off(struct local_zones *z, const uint8_t *name, char why[static 160])
{
	uint8_t w[NAME_MAX_WIRE];
	for (size_t i = 0; i < N_DEFAULTS; i++) {
		if (default_name(i, w) && name_equal(w, name)) {
			z->off[i] = true;
			return true;
		}
	}
	snprintf(why, 160, "not a locally served zone");
	return false;
}

/* Room for bytes more of names and rdata. */
static bool room(struct local_zones *z, size_t bytes, char why[static 160])
{
	if (z->bytes + bytes > z->lim.bytes) {
		snprintf(why, 160, "more than %zu bytes of local data", z->lim.bytes);
		return false;
	}
	z->bytes += bytes;
	return true;
}

bool local_zones_add_zone(struct local_zones *z, const uint8_t *name, enum local_type t,
                          char why[static 160])
{
	if (z->n_given_zones >= z->lim.zones) {
		snprintf(why, 160, "more than %zu zones", z->lim.zones);
		return false;
	}
	struct local_zone *arr = arena_grow(z->arena, z->given_zone, z->n_given_zones, sizeof(*arr),
	                                    &z->cap_given_zones, 64);
	size_t len = name_len(name);
	uint8_t *copy = arr && room(z, len, why) ? arena_dup(z->arena, name, len) : NULL;
	if (!copy) {
		if (!arr)
			snprintf(why, 160, "out of memory");
		return false;
	}
	z->given_zone = arr;
	arr[z->n_given_zones++] = (struct local_zone){.name = copy, .type = t};
	return true;
}

/* One record of text into *rr, its owner and rdata in the arena. */
static bool parse_rr(struct local_zones *z, const char *text, struct wire_rr *rr,
                     char why[static 160])
{
	size_t tlen = strlen(text), sp = strcspn(text, " \t");
	if (strchr(text, '\n') || tlen == 0 || sp == 0 || text[0] == '$') {
		snprintf(why, 160, "expected one record on one line, its owner first");
		return false;
	}
	if (text[sp - 1] != '.' || (sp > 1 && text[sp - 2] == '\\')) {
		snprintf(why, 160, "owner \"%.*s\" is not absolute (end it with a dot)",
		         (int)(sp < 64 ? sp : 64), text);
		return false;
	}
	char *buf = malloc(tlen + 32);
	if (!buf) {
		snprintf(why, 160, "out of memory");
		return false;
	}
	int n = snprintf(buf, tlen + 32, "$TTL %u\n%s\n", DEFAULT_TTL, text);
	struct zonefile_zone *zz = NULL;
	char err[256];
	bool ok = zonefile_read_text("local-data", buf, (size_t)n, (const uint8_t *)"",
	                             ZONEFILE_NOCHECK, &zz, err);
	free(buf);
	if (!ok) { /* "local-data:2: reason": the reason */
		const char *r = strstr(err, ": ");
		snprintf(why, 160, "%.150s", r ? r + 2 : err);
		return false;
	}
	if (zz->n != 1 || zz->rr[0].rclass != DNS_CLASS_IN) {
		snprintf(why, 160, zz->n != 1 ? "expected one record" : "class must be IN");
		zonefile_free(zz);
		return false;
	}
	*rr = zz->rr[0];
	size_t olen = name_len(rr->owner);
	ok = room(z, olen + rr->rdlen, why);
	if (ok && (!(rr->owner = arena_dup(z->arena, rr->owner, olen)) ||
	           !(rr->rdata = arena_dup(z->arena, rr->rdata, rr->rdlen)))) {
		snprintf(why, 160, "out of memory");
		ok = false;
	}
	zonefile_free(zz);
	return ok;
}

bool local_zones_add_data(struct local_zones *z, const char *text, char why[static 160])
{
	if (z->n_given_rr >= z->lim.records) {
		snprintf(why, 160, "more than %zu records", z->lim.records);
		return false;
	}
	struct wire_rr *arr =
	    arena_grow(z->arena, z->given_rr, z->n_given_rr, sizeof(*arr), &z->cap_given_rr, 64);
	if (!arr) {
		snprintf(why, 160, "out of memory");
		return false;
	}
	z->given_rr = arr;
	if (!parse_rr(z, text, &arr[z->n_given_rr], why))
		return false;
	z->n_given_rr++;
	return true;
}

static int zone_cmp(const void *a, const void *b)
{
	return name_compare(((const struct local_zone *)a)->name,
	                    ((const struct local_zone *)b)->name);
}

/* A record with the index of its zone, for sorting. */
struct placed {
	struct wire_rr rr;
	size_t zone;
};

static int placed_cmp(const void *pa, const void *pb)
{
	const struct placed *a = pa, *b = pb;
	if (a->zone != b->zone)
		return a->zone < b->zone ? -1 : 1;
	int d = name_compare(a->rr.owner, b->rr.owner);
	if (d)
		return d;
	if (a->rr.type != b->rr.type)
		return a->rr.type < b->rr.type ? -1 : 1;
	if (a->rr.rdlen != b->rr.rdlen)
		return a->rr.rdlen < b->rr.rdlen ? -1 : 1;
	return memcmp(a->rr.rdata, b->rr.rdata, a->rr.rdlen);
}

/* The index of the most specific zone of z->zone (sorted) holding name, or n_zones. */
static size_t zone_index(const struct local_zones *z, const uint8_t *name)
{
	const struct local_zone *lz = local_zone_of(z, name);
	return lz ? (size_t)(lz - z->zone) : z->n_zones;
}

/* The zones in force: the given ones but nodefault, the defaults neither off nor replaced, in
 * z->zone (room for extra more); the defaults' records appended to *rr. */
static bool gather_zones(struct local_zones *z, size_t extra, struct placed *rr, size_t *n_rr,
                         char why[static 160])
{
	z->zone = arena_alloc(z->arena, (z->n_given_zones + N_DEFAULTS + extra) * sizeof(*z->zone));
	if (!z->zone) {
		snprintf(why, 160, "out of memory");
		return false;
	}
	for (size_t i = 0; i < z->n_given_zones; i++)
		if (z->given_zone[i].type != LOCAL_NODEFAULT)
			z->zone[z->n_zones++] = z->given_zone[i];
	for (size_t i = 0; i < N_DEFAULTS; i++) {
		uint8_t w[NAME_MAX_WIRE];
		size_t k = 0;
		if (z->off[i] || !default_name(i, w))
			continue;
		while (k < z->n_given_zones && !name_equal(z->given_zone[k].name, w))
			k++;
		if (k < z->n_given_zones)
			continue; /* replaced */
		const uint8_t *name = arena_dup(z->arena, w, name_len(w));
		char text[2][200];
		snprintf(text[0], sizeof(text[0]), "%s 10800 IN NS localhost.", defaults[i]);
		snprintf(text[1], sizeof(text[1]),
		         "%s 10800 IN SOA localhost. nobody.invalid. 1 3600 1200 604800 10800",
		         defaults[i]);
		z->zone[z->n_zones++] = (struct local_zone){
		    .name = name, .type = i == 0 ? LOCAL_REDIRECT : LOCAL_STATIC};
		for (size_t t = 0; t < 2; t++)
			if (!name || !parse_rr(z, text[t], &rr[(*n_rr)++].rr, why))
				return false;
		size_t zl = strlen(defaults[i]);
		for (size_t d = 0; d < sizeof(default_data) / sizeof(default_data[0]); d++)
			if (strncmp(default_data[d], defaults[i], zl) == 0 &&
			    default_data[d][zl] == '|' &&
			    !parse_rr(z, default_data[d] + zl + 1, &rr[(*n_rr)++].rr, why))
				return false;
	}
	return true;
}

/* Transparent zones at the owners of records in no zone (Unbound makes one per such record;
 * a record below another such owner goes into that one's zone). */
static void orphan_zones(struct local_zones *z, struct placed *rr, size_t n_rr)
{
	size_t n = 0;
	for (size_t i = 0; i < n_rr; i++)
		if (zone_index(z, rr[i].rr.owner) == z->n_zones)
			rr[n++].zone = i; /* orphans listed at the front, by index */
	struct local_zone *orphan = z->zone + z->n_zones, *last = NULL;
	size_t made = 0;
	struct placed *sorted = rr + n_rr; /* room for n more past the records */
	for (size_t i = 0; i < n; i++)
		sorted[i].rr = rr[rr[i].zone].rr;
	qsort(sorted, n, sizeof(*sorted), placed_cmp);
	for (size_t i = 0; i < n; i++) {
		if (last && name_is_subdomain(sorted[i].rr.owner, last->name))
			continue;
		last = &orphan[made++];
		*last = (struct local_zone){.name = sorted[i].rr.owner, .type = LOCAL_TRANSPARENT};
	}
	z->n_zones += made;
	qsort(z->zone, z->n_zones, sizeof(*z->zone), zone_cmp);
}

/* why = the zone's name (lower-case), then text. */
static void zone_fault(const uint8_t *name, const char *text, char why[static 160])
{
	char t[NAME_MAX_TEXT];
	uint8_t lower[NAME_MAX_WIRE];
	struct buf_out b;
	memcpy(lower, name, name_len(name));
	name_lower(lower);
	buf_out_init(&b, (uint8_t *)t, sizeof(t) - 1);
	name_to_text(lower, &b);
	t[b.len] = 0;
	snprintf(why, 160, "zone %.100s %s", t, text);
}

/* Per zone: its run of records, its SOA; a redirect zone may hold data at its apex only. */
static bool index_records(struct local_zones *z, char why[static 160])
{
	size_t i = 0, run = 0;
	for (size_t k = 0; k < z->n_zones; k++) {
		struct local_zone *lz = &z->zone[k];
		lz->first = i;
		for (; i < z->n_rr && zone_index(z, z->rr[i].owner) == k; i++) {
			const struct wire_rr *r = &z->rr[i];
			bool apex = name_equal(r->owner, lz->name);
			if (lz->type == LOCAL_REDIRECT && !apex) {
				zone_fault(lz->name, "is a redirect zone: data at its apex only",
				           why);
				return false;
			}
			if (apex && r->type == DNS_TYPE_SOA && r->rdlen >= 20 && !lz->has_soa) {
				const uint8_t *m = r->rdata + r->rdlen - 4;
				uint32_t min = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
				               (uint32_t)m[2] << 8 | m[3];
				lz->soa_neg = *r;
				lz->soa_neg.owner = lz->name;
				lz->soa_neg.ttl = min < r->ttl ? min : r->ttl; /* RFC 2308 §3 */
				lz->has_soa = true;
			}
			bool more = i > lz->first && z->rr[i - 1].type == r->type &&
			            name_equal(z->rr[i - 1].owner, r->owner);
			run = more ? run + 1 : 1;
			if (run > z->lim.rrset) {
				snprintf(why, 160, "more than %zu records of one name and type",
				         z->lim.rrset);
				return false;
			}
		}
		lz->n = i - lz->first;
	}
	return true;
}

/* The top-level labels of the zones, for local.c's first check. */
static void index_tlds(struct local_zones *z)
{
	for (size_t k = 0; k < z->n_zones && !z->every_name; k++) {
		const uint8_t *last = z->zone[k].name;
		if (!last[0]) {
			z->every_name = true;
			break;
		}
		while (last[1 + last[0]])
			last = name_parent(last);
		uint8_t t[64];
		for (unsigned j = 0; j <= last[0]; j++)
			t[j] = j ? name_fold(last[j]) : last[0];
		size_t i = 0;
		while (i < z->n_tld && memcmp(z->tld[i], t, (size_t)t[0] + 1) != 0)
			i++;
		if (i < z->n_tld)
			continue;
		if (z->n_tld == LOCAL_TLD_MAX)
			z->every_name = true;
		else
			memcpy(z->tld[z->n_tld++], t, (size_t)t[0] + 1);
	}
}

bool local_zones_finish(struct local_zones *z, char why[static 160])
{
	size_t n_default_rr = 2 * N_DEFAULTS + sizeof(default_data) / sizeof(default_data[0]);
	size_t cap = z->n_given_rr + n_default_rr, n_rr = z->n_given_rr;
	struct placed *rr = calloc(2 * cap + 1, sizeof(*rr)); /* records, then orphan_zones' */
	bool ok = false;
	if (!rr) {
		snprintf(why, 160, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n_rr; i++)
		rr[i].rr = z->given_rr[i];
	if (!gather_zones(z, z->n_given_rr, rr, &n_rr, why))
		goto fail;
	qsort(z->zone, z->n_zones, sizeof(*z->zone), zone_cmp);
	for (size_t k = 1; k < z->n_zones; k++) {
		if (name_equal(z->zone[k - 1].name, z->zone[k].name)) {
			zone_fault(z->zone[k].name, "given twice", why);
			goto fail;
		}
	}
	orphan_zones(z, rr, n_rr);
	if (z->n_zones > z->lim.zones || n_rr > z->lim.records) {
		snprintf(why, 160, "more than %zu zones or %zu records, with the defaults",
		         z->lim.zones, z->lim.records);
		goto fail;
	}
	for (size_t i = 0; i < n_rr; i++)
		rr[i].zone = zone_index(z, rr[i].rr.owner);
	qsort(rr, n_rr, sizeof(*rr), placed_cmp);
	if (!(z->rr = arena_alloc(z->arena, (n_rr + 1) * sizeof(*z->rr)))) {
		snprintf(why, 160, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n_rr; i++) /* duplicates once, as Unbound keeps them */
		if (i == 0 || placed_cmp(&rr[i - 1], &rr[i]) != 0)
			z->rr[z->n_rr++] = rr[i].rr;
	ok = index_records(z, why);
	index_tlds(z);
fail:
	free(rr);
	return ok;
}
