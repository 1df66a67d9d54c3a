/* resolver/auth/auth.c: the authoritative engine's front: loading the map's zones, the table of
 * server addresses, and the checks every query passes before a zone answers it.
 *
 * Each address of the map serves the zones the map lists for it and answers from the deepest
 * of them that holds the question, as NSD and BIND do when one server holds a parent and its
 * child. Before that: a response is never answered; QDCOUNT other than 1 is FORMERR; an opcode
 * other than QUERY is NOTIMP; EDNS version above 0 is BADVERS; a class other than IN, a zone
 * transfer and a name outside every zone of the address are REFUSED. The zones themselves are
 * auth_zone.c's (index and lookup) and auth_answer.c's (the sections); transfers are
 * auth_xfr.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include "auth.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_zone.h"
#include "dns.h"
#include "name.h"
#include "zonefile.h"

#define KEY_LEN 17     /* family, then 4 or 16 address bytes */
#define OPT_RR_SIZE 11 /* an OPT record without options: root owner and fixed fields */

struct auth {
	struct auth_zone *zone;
	size_t n_zone;
	struct sockaddr_storage *addr; /* distinct, in key order */
	struct {
		uint8_t key[KEY_LEN];
		uint32_t first, n;     /* its zones are zone_of[first .. first + n) */
	} *served;
	uint32_t *zone_of;
	size_t n_addr;
};

/* A pair of the map: an address and one zone it serves. */
struct pair {
	uint8_t key[KEY_LEN];
	uint32_t zone;
	const struct sockaddr_storage *ss;
};

/* The family and address bytes of sa; an IPv4-mapped IPv6 address counts as IPv4, since a
 * dual-stack socket reports IPv4 destinations that way. false for other families. */
static bool key_of(const struct sockaddr *sa, uint8_t key[KEY_LEN])
{
	memset(key, 0, KEY_LEN);
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family != AF_INET6)
		return false;
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (IN6_IS_ADDR_V4MAPPED(a6)) {
		key[0] = 4;
		memcpy(key + 1, a6->s6_addr + 12, 4);
	} else {
		key[0] = 6;
		memcpy(key + 1, a6->s6_addr, 16);
	}
	return true;
}

static int pair_cmp(const void *pa, const void *pb)
{
	const struct pair *a = pa, *b = pb;
	int c = memcmp(a->key, b->key, KEY_LEN);
	return c ? c : (a->zone > b->zone) - (a->zone < b->zone);
}

/* The map's (address, zone) pairs, sorted by address. */
static struct pair *map_pairs(const struct config_map *map, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < map->n; i++)
		total += map->zones[i].n_servers;
	struct pair *p = calloc(total ? total : 1, sizeof(*p));
	if (!p)
		return NULL;
	*n = 0;
	for (size_t i = 0; i < map->n; i++) {
		for (size_t k = 0; k < map->zones[i].n_servers; k++) {
			const struct sockaddr_storage *ss = &map->zones[i].servers[k];
			if (key_of((const struct sockaddr *)ss, p[*n].key)) {
				p[*n].zone = (uint32_t)i;
				p[(*n)++].ss = ss;
			}
		}
	}
	qsort(p, *n, sizeof(*p), pair_cmp);
	return p;
}

/* Fills the address table: each distinct address with the zones it serves. */
static bool addresses(struct auth *a, const struct config_map *map)
{
	size_t n;
	struct pair *p = map_pairs(map, &n);
	if (!p)
		return false;
	a->addr = calloc(n ? n : 1, sizeof(*a->addr));
	a->served = calloc(n ? n : 1, sizeof(*a->served));
	a->zone_of = calloc(n ? n : 1, sizeof(*a->zone_of));
	bool ok = a->addr && a->served && a->zone_of;
	for (size_t i = 0; ok && i < n; i++) {
		if (i == 0 || memcmp(p[i].key, p[i - 1].key, KEY_LEN) != 0) {
			size_t k = a->n_addr++;
			a->addr[k] = *p[i].ss;
			memcpy(a->served[k].key, p[i].key, KEY_LEN);
			a->served[k].first = (uint32_t)i;
		}
		a->served[a->n_addr - 1].n++;
		a->zone_of[i] = p[i].zone;
	}
	free(p);
	return ok;
}

bool auth_load(const struct config_map *map, struct auth **out, char err[static 256])
{
	struct auth *a = calloc(1, sizeof(*a));
	if (!a || !(a->zone = calloc(map->n ? map->n : 1, sizeof(*a->zone)))) {
		snprintf(err, 256, "auth: out of memory");
		goto fail;
	}
	for (size_t i = 0; i < map->n; i++) {
		const struct config_map_zone *mz = &map->zones[i];
		struct zonefile_zone *zf;
		char why[64];
		if (!zonefile_read(mz->file, mz->name, 0, &zf, err))
			goto fail;
		if (!auth_zone_build(&a->zone[i], zf, why)) {
			snprintf(err, 256, "%.180s: %s", mz->file, why);
			goto fail;
		}
		a->n_zone = i + 1;
	}
	if (!addresses(a, map)) {
		snprintf(err, 256, "auth: out of memory");
		goto fail;
	}
	*out = a;
	return true;
fail:
	auth_free(a);
	return false;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_zone; i++)
		auth_zone_fini(&a->zone[i]);
	free(a->zone);
	free(a->addr);
	free(a->served);
	free(a->zone_of);
	free(a);
}

const struct sockaddr_storage *auth_addresses(const struct auth *a, size_t *n)
{
	*n = a->n_addr;
	return a->addr;
}

size_t auth_udp_limit(const struct wire_query *q)
{
	if (!q->edns.present || q->edns.udp_size <= DNS_UDP_MIN_SIZE)
		return DNS_UDP_MIN_SIZE; /* RFC 6891 §6.2.5: below 512 means 512 */
	return q->edns.udp_size < AUTH_EDNS_SIZE ? q->edns.udp_size : AUTH_EDNS_SIZE;
}

/* The zones served at local: indices into a->zone, or every zone when local is NULL. */
static const uint32_t *served_at(const struct auth *a, const struct sockaddr *local, size_t *n)
{
	uint8_t key[KEY_LEN];
	*n = 0;
	if (!key_of(local, key))
		return NULL;
	size_t lo = 0, hi = a->n_addr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(a->served[mid].key, key, KEY_LEN);
		if (c == 0) {
			*n = a->served[mid].n;
			return a->zone_of + a->served[mid].first;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct auth_zone *auth_zone_for(const struct auth *a, const struct sockaddr *local,
				      const struct wire_question *q)
{
	size_t n = a->n_zone;
	const uint32_t *idx = local ? served_at(a, local, &n) : NULL;
	const struct auth_zone *best = NULL, *parent = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct auth_zone *z = &a->zone[idx ? idx[i] : i];
		if (!name_is_subdomain(q->name, z->apex))
			continue;
		if (!best || z->apex_labels > best->apex_labels) {
			parent = best;
			best = z;
		} else if (!parent || z->apex_labels > parent->apex_labels) {
			parent = z;
		}
	}
	if (best && parent && q->type == DNS_TYPE_DS && name_equal(q->name, best->apex))
		return parent;
	return best;
}

unsigned auth_precheck(const struct wire_query *q)
{
	if (!q->has_question || q->counts[0] != 1)
		return DNS_RCODE_FORMERR;
	if (DNS_OPCODE(q->flags) != DNS_OPCODE_QUERY)
		return DNS_RCODE_NOTIMP;
	if (q->edns.present && q->edns.version > 0)
		return DNS_RCODE_BADVERS; /* RFC 6891 §6.1.3 */
	if (q->q.type == DNS_TYPE_OPT) /* RFC 6891 §6.1.1: OPT is never a question */
		return DNS_RCODE_FORMERR;
	return q->q.rclass == DNS_CLASS_IN ? DNS_RCODE_NOERROR : DNS_RCODE_REFUSED;
}

size_t auth_answer(const struct auth *a, const struct sockaddr *local, const struct wire_query *q,
		   const uint8_t *pkt, size_t len, size_t max_size, uint8_t *out, size_t cap)
{
	(void)pkt;
	(void)len;
	if (q->flags & DNS_FLAG_QR)
		return 0; /* a response: answering it could start a loop between servers */
	size_t limit = max_size < DNS_UDP_MIN_SIZE ? DNS_UDP_MIN_SIZE : max_size;
	if (limit > cap)
		limit = cap;
	struct wire_builder b;
	/* RFC 1035 §4.1.1: ID, opcode and RD come back; CD too (RFC 4035 §3.1.6). */
	uint16_t keep = 0x7800u | DNS_FLAG_RD | DNS_FLAG_CD;
	wire_build_init(&b, out, limit, q->id, (uint16_t)(DNS_FLAG_QR | (q->flags & keep)));
	unsigned rcode = auth_precheck(q);
	if (rcode == DNS_RCODE_NOERROR && auth_xfr_asked(q))
		rcode = DNS_RCODE_REFUSED; /* transfers are auth_xfr_start's */
	if (q->has_question && q->counts[0] == 1)
		wire_build_question(&b, q->q.name, q->q.type, q->q.rclass);
	if (q->edns.present)
		wire_build_reserve(&b, OPT_RR_SIZE);
	if (rcode == DNS_RCODE_NOERROR) {
		const struct auth_zone *z = auth_zone_for(a, local, &q->q);
		bool dnssec = q->edns.present && (q->edns.flags & DNS_EDNS_FLAG_DO);
		rcode = z ? auth_zone_answer(z, q->q.name, q->q.type, dnssec, &b)
			  : DNS_RCODE_REFUSED;
	}
	if (q->edns.present) {
		wire_build_reserve(&b, 0);
		wire_build_edns(&b, AUTH_EDNS_SIZE, rcode, q->edns.flags & DNS_EDNS_FLAG_DO, NULL,
				0);
	}
	b.flags |= (uint16_t)(rcode & 0xFu);
	return wire_build_finish(&b);
}
