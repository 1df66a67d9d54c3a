/* resolver/local/local.c: the locally served zones (the contract is in local.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "local.h"

#define LOCAL_TTL 10800 /* of the SOA and the records, as Unbound gives them */

/* RFC 6761, 7686, 8375 and the RFC 6303 §4 list. */
static const char *const zones[] = {
	"localhost.", "invalid.", "test.", "onion.", "home.arpa.",
	/* RFC 6303 §4.1-4.4: IPv4 */
	"0.in-addr.arpa.", "10.in-addr.arpa.", "127.in-addr.arpa.", "254.169.in-addr.arpa.",
	"16.172.in-addr.arpa.", "17.172.in-addr.arpa.", "18.172.in-addr.arpa.",
	"19.172.in-addr.arpa.", "20.172.in-addr.arpa.", "21.172.in-addr.arpa.",
	"22.172.in-addr.arpa.", "23.172.in-addr.arpa.", "24.172.in-addr.arpa.",
	"25.172.in-addr.arpa.", "26.172.in-addr.arpa.", "27.172.in-addr.arpa.",
	"28.172.in-addr.arpa.", "29.172.in-addr.arpa.", "30.172.in-addr.arpa.",
	"31.172.in-addr.arpa.", "168.192.in-addr.arpa.", "2.0.192.in-addr.arpa.",
	"100.51.198.in-addr.arpa.", "113.0.203.in-addr.arpa.", "255.255.255.255.in-addr.arpa.",
	/* RFC 6303 §4.5-4.7: IPv6 ::, ::1, ULA, link-local, documentation */
	"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
	"d.f.ip6.arpa.", "8.e.f.ip6.arpa.", "9.e.f.ip6.arpa.", "a.e.f.ip6.arpa.", "b.e.f.ip6.arpa.",
	"8.b.d.0.1.0.0.2.ip6.arpa.",
};

#define N_ZONES (sizeof(zones) / sizeof(zones[0]))
_Static_assert(N_ZONES <= LOCAL_MAX_ZONES, "LOCAL_MAX_ZONES too small");

/* The names that have a PTR localhost.: the loopback addresses' reverse names. */
static const char *const loopback_ptr[] = {
	"1.0.0.127.in-addr.arpa.",
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.",
};

static const uint8_t localhost_wire[] = "\x09localhost";
static const uint8_t v4_loopback[4] = { 127, 0, 0, 1 };
static const uint8_t v6_loopback[16] = { [15] = 1 };

bool local_zones_init(struct local_zones *z, const uint8_t (*off)[NAME_MAX_WIRE], size_t n,
		      size_t *bad)
{
	size_t len;
	memset(z, 0, sizeof(*z));
	for (size_t i = 0; i < N_ZONES; i++)
		if (name_from_text(zones[i], strlen(zones[i]), NULL, z->name[i], &len) != ERR_OK)
			return false;
	z->n = N_ZONES;
	for (size_t k = 0; k < n; k++) {
		size_t i = 0;
		while (i < z->n && !name_equal(z->name[i], off[k]))
			i++;
		if (i == z->n) {
			*bad = k;
			return false;
		}
		z->off[i] = true;
	}
	return true;
}

static bool is_loopback_ptr(const uint8_t *qname)
{
	uint8_t w[NAME_MAX_WIRE];
	size_t len;
	for (size_t i = 0; i < sizeof(loopback_ptr) / sizeof(loopback_ptr[0]); i++)
		if (name_from_text(loopback_ptr[i], strlen(loopback_ptr[i]), NULL, w, &len) ==
			    ERR_OK &&
		    name_equal(w, qname))
			return true;
	return false;
}

/* The one record of the answer, owned by qname. */
static void answer_rr(struct local_answer *out, uint16_t type, const uint8_t *rdata,
		      size_t rdlen)
{
	out->an[0] = (struct wire_rr){ .owner = out->owner, .type = type, .rclass = DNS_CLASS_IN,
				       .ttl = LOCAL_TTL, .rdata = rdata, .rdlen = (uint16_t)rdlen };
	out->n_an = 1;
}

/* zone SOA localhost. nobody.invalid. 1 3600 1200 604800 10800 */
static void soa_rr(struct local_answer *out, const uint8_t *zone)
{
	static const uint8_t mname_rname[] = "\x09localhost\x00\x06nobody\x07invalid";
	static const uint8_t times[20] = { 0, 0, 0, 1, 0, 0, 0x0E, 0x10, 0, 0, 0x04, 0xB0,
					   0, 0x09, 0x3A, 0x80, 0, 0, 0x2A, 0x30 };
	memcpy(out->soa_rdata, mname_rname, sizeof(mname_rname)); /* with the final root label */
	memcpy(out->soa_rdata + sizeof(mname_rname), times, sizeof(times));
	out->soa = (struct wire_rr){ .owner = zone, .type = DNS_TYPE_SOA, .rclass = DNS_CLASS_IN,
				     .ttl = LOCAL_TTL, .rdata = out->soa_rdata,
				     .rdlen = (uint16_t)(sizeof(mname_rname) + sizeof(times)) };
}

/* Whether qname's top-level label is one of the local zones' (localhost, invalid, test, onion,
 * arpa): on every query's path, this spares the others the walk over the table. */
static bool local_tld(const uint8_t *qname)
{
	static const uint8_t *const tlds[] = { (const uint8_t *)"\x09localhost",
					       (const uint8_t *)"\x07invalid",
					       (const uint8_t *)"\x04test", (const uint8_t *)"\x05onion",
					       (const uint8_t *)"\x04" "arpa" };
	const uint8_t *last = qname;
	if (!qname[0])
		return false;
	while (last[1 + last[0]])
		last = name_parent(last);
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (last[0] == tlds[i][0] && strncasecmp((const char *)last + 1,
							 (const char *)tlds[i] + 1, last[0]) == 0)
			return true;
	return false;
}

bool local_answer(const struct local_zones *z, const uint8_t *qname, uint16_t qtype,
		  struct local_answer *out)
{
	if (!local_tld(qname))
		return false;
	size_t i = 0;
	while (i < z->n && (z->off[i] || !name_is_subdomain(qname, z->name[i])))
		i++;
	if (i == z->n)
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->owner, qname, name_len(qname));
	soa_rr(out, z->name[i]);
	out->rcode = DNS_RCODE_NOERROR;
	if (i == 0) { /* localhost: every name below it is the loopback host too (RFC 6761 §6.3) */
		if (qtype == DNS_TYPE_A || qtype == DNS_TYPE_ANY)
			answer_rr(out, DNS_TYPE_A, v4_loopback, 4);
		else if (qtype == DNS_TYPE_AAAA)
			answer_rr(out, DNS_TYPE_AAAA, v6_loopback, 16);
		return true;
	}
	if (is_loopback_ptr(qname)) {
		if (qtype == DNS_TYPE_PTR || qtype == DNS_TYPE_ANY)
			answer_rr(out, DNS_TYPE_PTR, localhost_wire, sizeof(localhost_wire));
		return true;
	}
	if (!name_equal(qname, z->name[i]))
		out->rcode = DNS_RCODE_NXDOMAIN; /* only the apex exists (SOA, NS) */
	else if (qtype == DNS_TYPE_SOA)
		out->an[0] = out->soa, out->n_an = 1;
	return true;
}
