/* tests/unit/test_local.c: resolver/local, the zones answered without asking anyone.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "check.h"
#include "dns.h"
#include "local.h"
#include "name_text.h"

static struct local_zones z;

/* RFC 6761 §6.3: localhost and every name below it are the loopback host. */
static void test_localhost(void)
{
	struct local_answer a;
	CHECK(local_zones_init(&z, NULL, 0, NULL));
	CHECK(local_answer(&z, N("localhost."), DNS_TYPE_A, &a));
	CHECK(a.rcode == DNS_RCODE_NOERROR && a.n_an == 1 && a.an[0].type == DNS_TYPE_A);
	CHECK(a.an[0].rdlen == 4 && memcmp(a.an[0].rdata, "\x7f\x00\x00\x01", 4) == 0);
	CHECK(name_equal(a.an[0].owner, N("localhost.")));
	CHECK(local_answer(&z, N("LocalHost."), DNS_TYPE_AAAA, &a));
	CHECK(a.n_an == 1 && a.an[0].rdlen == 16 && a.an[0].rdata[15] == 1);
	CHECK(memcmp(a.an[0].owner, N("LocalHost."), 11) == 0); /* the case asked */
	CHECK(local_answer(&z, N("www.localhost."), DNS_TYPE_A, &a) && a.n_an == 1);
	CHECK(local_answer(&z, N("localhost."), DNS_TYPE_MX, &a));
	CHECK(a.rcode == DNS_RCODE_NOERROR && a.n_an == 0 && a.soa.type == DNS_TYPE_SOA);
	CHECK(name_equal(a.soa.owner, N("localhost.")));
	CHECK(!local_answer(&z, N("localhost.example."), DNS_TYPE_A, &a));
	CHECK(!local_answer(&z, N("www.example.com."), DNS_TYPE_A, &a));
}

/* RFC 6761 invalid and test, RFC 8375 home.arpa, RFC 6303 reverse zones: NXDOMAIN below the
 * apex, the loopback PTR localhost. */
static void test_denied_zones(void)
{
	struct local_answer a;
	CHECK(local_zones_init(&z, NULL, 0, NULL));
	CHECK(local_answer(&z, N("foo.invalid."), DNS_TYPE_A, &a) && a.rcode == DNS_RCODE_NXDOMAIN);
	CHECK(name_equal(a.soa.owner, N("invalid.")));
	CHECK(local_answer(&z, N("printer.home.arpa."), DNS_TYPE_A, &a) &&
	      a.rcode == DNS_RCODE_NXDOMAIN);
	CHECK(local_answer(&z, N("1.1.168.192.in-addr.arpa."), DNS_TYPE_PTR, &a) &&
	      a.rcode == DNS_RCODE_NXDOMAIN);
	CHECK(local_answer(&z, N("9.31.172.in-addr.arpa."), DNS_TYPE_PTR, &a));
	CHECK(!local_answer(&z, N("9.32.172.in-addr.arpa."), DNS_TYPE_PTR, &a));
	CHECK(local_answer(&z, N("1.0.0.127.in-addr.arpa."), DNS_TYPE_PTR, &a));
	CHECK(a.rcode == DNS_RCODE_NOERROR && a.n_an == 1 && a.an[0].type == DNS_TYPE_PTR);
	CHECK(name_equal(a.an[0].rdata, N("localhost.")));
	CHECK(local_answer(&z, N("10.in-addr.arpa."), DNS_TYPE_SOA, &a));
	CHECK(a.rcode == DNS_RCODE_NOERROR && a.n_an == 1 && a.an[0].type == DNS_TYPE_SOA);
	CHECK(local_answer(&z, N("1.8.e.f.ip6.arpa."), DNS_TYPE_PTR, &a));
}

/* A zone switched off by name is resolved as any other; a name that is no local zone is an
 * error. */
static void test_switched_off(void)
{
	uint8_t off[2][NAME_MAX_WIRE];
	struct local_answer a;
	size_t bad = 99;
	memcpy(off[0], N("127.in-addr.arpa."), 18);
	memcpy(off[1], N("Home.Arpa."), 11);
	CHECK(local_zones_init(&z, (const uint8_t(*)[NAME_MAX_WIRE])off, 2, &bad));
	CHECK(!local_answer(&z, N("1.1.53.127.in-addr.arpa."), DNS_TYPE_PTR, &a));
	CHECK(!local_answer(&z, N("printer.home.arpa."), DNS_TYPE_A, &a));
	CHECK(local_answer(&z, N("localhost."), DNS_TYPE_A, &a));
	memcpy(off[1], N("example.com."), 13);
	CHECK(!local_zones_init(&z, (const uint8_t(*)[NAME_MAX_WIRE])off, 2, &bad) && bad == 1);
}

int main(void)
{
	RUN(test_localhost);
	RUN(test_denied_zones);
	RUN(test_switched_off);
	return check_done();
}
