/* tests/unit/test_auth.c: resolver/auth: authoritative answers, asked in-process.
 *
 * Two sets of zones: small test zones written to a mkdtemp directory with a map made here
 * (every rule of RFC 1034 §4.3.2, RFC 4592, RFC 2308, truncation and the header checks), and
 * the toy internet of zones/map.yaml itself, asked one question per named case of
 * zones/README.md at the address that serves it. Queries are built with lib/wire, answered by
 * auth_answer and the replies parsed back with wire_parse. A last case loads a zone of a
 * million records and checks that lookups in it cost what they cost in a small zone. Zone
 * transfers (auth_xfr_start, auth_xfr_next) are run whole, every message parsed back.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "check.h"
#include "config.h"
#include "dns.h"
#include "name.h"
#include "rdata.h"
#include "wire.h"

static char tmpdir[64];

/* The test zones: example. with its child child.example. on one address, other. on another. */
static const char ZONE_EXAMPLE[] =
	"$ORIGIN example.\n$TTL 3600\n"
	"@ SOA ns1 host 1 7200 3600 1209600 300\n"
	"@ NS ns1\n@ NS ns2\n"
	"ns1 A 192.0.2.1\nns2 A 192.0.2.2\nns2 AAAA 2001:db8::2\n"
	"www A 192.0.2.10\nwww A 192.0.2.10\nwww AAAA 2001:db8::10\n"
	"Web CNAME WWW\nalias CNAME Web\nout CNAME www.elsewhere.\n"
	"dangling CNAME nothere\nloop1 CNAME loop2\nloop2 CNAME loop1\n"
	"a.b.ent A 192.0.2.30\n"
	"*.wild A 192.0.2.80\nsub.wild TXT \"exists\"\nwc CNAME x.wild\n"
	"a.*.wild2 A 192.0.2.81\n"
	"*.zone2 A 192.0.2.82\ncut.zone2 NS ns.cut.zone2\nns.cut.zone2 A 192.0.2.83\n"
	"a.b.zone2 A 192.0.2.84\n"
	"deleg NS ns.deleg\ndeleg NS ns.other.\ndeleg NS ns2\nns.deleg A 192.0.2.53\n"
	"into CNAME host.deleg\n"
	"child NS ns.child\nns.child A 127.1.0.1\n"
	"mx MX 10 mail\nmx MX 20 mail.elsewhere.\nmx MX 30 ns.deleg\nmail A 192.0.2.25\n"
	"_sip._tcp SRV 0 0 5060 mail\n";

static const char ZONE_CHILD[] = "$ORIGIN child.example.\n$TTL 600\n"
				 "@ SOA ns host 1 2 3 4 900\n@ NS ns\nns A 127.1.0.1\n"
				 "www A 192.0.2.100\n";

static const char ZONE_OTHER[] = "$ORIGIN other.\n$TTL 60\n@ SOA ns host 1 2 3 4 5\n"
				 "@ NS ns.example.\nwww A 192.0.2.200\n";

/* ---- helpers ---- */

/* A signed zone (signatures made up: the engine serves them, it does not check them) with
 * the NSEC3 parameters and hashes of RFC 5155 Appendix A (salt aabbccdd, 12 iterations):
 * H(example) = 0p9mhave..., H(ns1) = 2t7b4g4v..., H(x.w) = b4um86eg..., H(w) = k8udemvp...,
 * H(*.w) = r53bq7cc..., H(sub) = rh67q1qc...; plain is an unsigned delegation the chain
 * skips (opt-out). Names asked, with their hashes: nope (tls64j1l...), ac (0m1amssj...),
 * *.example (jhsv97ro...), b.x.w (b87lo9qr...), *.x.w (92pqneeg...), z.w (qlu7gtfa...), plain
 * (qc7g4spd...). */
#define SIG(t, l) " RRSIG " t " 8 " l " 3600 20600101000000 20260101000000 1 example. AAAA\n"
#define NSEC3(h, next, types) h " NSEC3 1 1 12 aabbccdd " next " " types "\n" h SIG("NSEC3", "2")
static const char ZONE_SIGNED[] =
	"$ORIGIN example.\n$TTL 3600\n"
	"@ SOA ns1 bugs.x.w 1 3600 300 3600000 300\n@" SIG("SOA", "1")
	"@ NS ns1\n@" SIG("NS", "1")
	"@ DNSKEY 257 3 8 AwEAAQ==\n@" SIG("DNSKEY", "1")
	"@ NSEC3PARAM 1 0 12 aabbccdd\n@" SIG("NSEC3PARAM", "1")
	"ns1 A 192.0.2.1\nns1" SIG("A", "2")
	"*.w A 192.0.2.2\n*.w" SIG("A", "2")
	"x.w A 192.0.2.3\nx.w" SIG("A", "3")
	"sub NS ns.sub\nns.sub A 192.0.2.4\n"
	"sub DS 1 8 2 0000000000000000000000000000000000000000000000000000000000000000\n"
	"sub" SIG("DS", "2")
	"plain NS ns.plain\nns.plain A 192.0.2.5\n"
	NSEC3("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "2t7b4g4vsa5smi47k61mv5bv1a22bojr",
	      "NS SOA RRSIG DNSKEY NSEC3PARAM")
	NSEC3("2t7b4g4vsa5smi47k61mv5bv1a22bojr", "b4um86eghhds6nea196smvmlo4ors995", "A RRSIG")
	NSEC3("b4um86eghhds6nea196smvmlo4ors995", "k8udemvp1j2f7eg6jebps17vp3n8i58h", "A RRSIG")
	NSEC3("k8udemvp1j2f7eg6jebps17vp3n8i58h", "r53bq7cc2uvmubfu5ocmm6pers9tk9en", "")
	NSEC3("r53bq7cc2uvmubfu5ocmm6pers9tk9en", "rh67q1qcg4556j3ucb9j5lg6ubq5ujq4", "A RRSIG")
	NSEC3("rh67q1qcg4556j3ucb9j5lg6ubq5ujq4", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "NS DS RRSIG");

static const char *write_file(const char *name, const char *text, size_t len)
{
	static char paths[8][256];
	static unsigned next;
	char *path = paths[next++ % 8];
	snprintf(path, 256, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	CHECKF(f != NULL, "cannot write %s", path);
	if (f) {
		fwrite(text, 1, len, f);
		fclose(f);
	}
	return path;
}

/* An IPv4 or (with a colon) IPv6 address, port 0. */
static void sa_of(struct sockaddr_storage *ss, const char *text)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof(*ss));
	ss->ss_family = strchr(text, ':') ? AF_INET6 : AF_INET;
	CHECK(inet_pton(ss->ss_family, text,
			ss->ss_family == AF_INET ? (void *)&v4->sin_addr : (void *)&v6->sin6_addr) == 1);
}

static void to_name(const char *text, uint8_t out[NAME_MAX_WIRE])
{
	size_t len;
	CHECKF(name_from_text(text, strlen(text), NULL, out, &len) == ERR_OK, "name %s", text);
}

/* A map of zones given as (name, text, address) written to files, loaded with auth_load. */
struct tzone {
	const char *name, *text, *addr;
	size_t len;
};

static struct auth *load_zones(const struct tzone *tz, size_t n, char err[256])
{
	struct config_map_zone zones[8];
	struct sockaddr_storage servers[8];
	struct config_map map = { zones, n };
	char file[8][64];
	memset(zones, 0, sizeof(zones));
	for (size_t i = 0; i < n && i < 8; i++) {
		snprintf(file[i], sizeof(file[i]), "z%zu.zone", i);
		zones[i].file = (char *)write_file(file[i], tz[i].text,
						   tz[i].len ? tz[i].len : strlen(tz[i].text));
		to_name(tz[i].name, zones[i].name);
		sa_of(&servers[i], tz[i].addr);
		zones[i].servers = &servers[i];
		zones[i].n_servers = 1;
	}
	struct auth *a = NULL;
	err[0] = 0;
	if (!auth_load(&map, &a, err))
		return NULL;
	return a;
}

/* Appends n TXT records at owner, each one string of len (16 to 72) characters. */
static size_t add_txt(char *text, size_t at, size_t cap, const char *owner, int n, int len)
{
	static const char fill[] = "........................................................";
	for (int i = 1; i <= n; i++)
		at += (size_t)snprintf(text + at, cap - at, "%s TXT \"record %02d of %02d %.*s\"\n",
				       owner, i, n, len - 16, fill);
	return at;
}

/* ZONE_EXAMPLE and three TXT RRsets: big (40 records of 70 bytes: over 1232), mid (10 of 70:
 * over 512, under 1232) and fit (6 of 75: the answer fits 512 bytes, the NS beside it not). */
static const char *example_text(void)
{
	static char text[sizeof(ZONE_EXAMPLE) + 8192];
	size_t len = strlen(ZONE_EXAMPLE);
	memcpy(text, ZONE_EXAMPLE, len);
	len = add_txt(text, len, sizeof(text), "big", 40, 57);
	len = add_txt(text, len, sizeof(text), "mid", 10, 57);
	len = add_txt(text, len, sizeof(text), "fit", 6, 62);
	text[len] = 0;
	return text;
}

static struct auth *load_test_zones(void)
{
	const struct tzone tz[] = {
		{ "example.", example_text(), "127.1.0.1", 0 },
		{ "child.example.", ZONE_CHILD, "127.1.0.1", 0 },
		{ "other.", ZONE_OTHER, "127.1.0.2", 0 },
	};
	char err[256];
	struct auth *a = load_zones(tz, 3, err);
	CHECKF(a != NULL, "test zones do not load: %s", err);
	return a;
}

/* How to ask: defaults are a plain query over UDP without EDNS. */
struct how {
	bool edns;
	uint16_t udp_size;
	uint8_t version;
	bool do_bit;
	unsigned opcode;
	uint16_t qclass; /* 0: IN */
	size_t max_size; /* 0: auth_udp_limit */
	uint16_t flags;  /* extra header flags (RD, CD, QR) */
};

struct reply {
	struct arena *ar;
	struct wire_msg m;
	size_t len;
	bool ok;
};

static size_t make_query(uint8_t *buf, const char *qname, uint16_t qtype, const struct how *h)
{
	struct wire_builder b;
	uint8_t qn[NAME_MAX_WIRE];
	to_name(qname, qn);
	wire_build_init(&b, buf, 512, 0xbeef, (uint16_t)(h->opcode << 11 | h->flags));
	CHECK(wire_build_question(&b, qn, qtype, h->qclass ? h->qclass : DNS_CLASS_IN) == ERR_OK);
	if (h->edns)
		CHECK(wire_build_edns(&b, h->udp_size, 0, h->do_bit ? DNS_EDNS_FLAG_DO : 0, NULL,
				      0) == ERR_OK);
	size_t len = wire_build_finish(&b);
	if (h->edns)
		buf[len - 5] = h->version; /* the OPT TTL's second byte (RFC 6891 §6.1.3) */
	return len;
}

/* Sends pkt to auth as if it arrived at addr (NULL: any zone); parses the reply. */
static struct reply answer_pkt(const struct auth *a, const char *addr, const uint8_t *pkt,
			       size_t len, size_t max_size)
{
	static uint8_t out[65535];
	struct reply r = { .ar = arena_new() };
	struct wire_query q;
	struct sockaddr_storage ss;
	CHECK(wire_parse_query(pkt, len, &q) == ERR_OK || !q.has_question);
	if (addr)
		sa_of(&ss, addr);
	if (!max_size)
		max_size = auth_udp_limit(&q);
	r.len = auth_answer(a, addr ? (struct sockaddr *)&ss : NULL, &q, pkt, len, max_size, out,
			    sizeof(out));
	CHECK(r.len <= max_size || max_size < 512);
	r.ok = r.len > 0 && wire_parse(out, r.len, r.ar, &r.m) == ERR_OK;
	return r;
}

static struct reply ask_how(const struct auth *a, const char *addr, const char *qname,
			    uint16_t qtype, const struct how *h)
{
	uint8_t pkt[512];
	size_t len = make_query(pkt, qname, qtype, h);
	struct reply r = answer_pkt(a, addr, pkt, len, h->max_size);
	CHECKF(r.ok, "no reply parsed for %s type %u", qname, qtype);
	return r;
}

static struct reply ask(const struct auth *a, const char *addr, const char *qname,
			uint16_t qtype)
{
	struct how h = { 0 };
	return ask_how(a, addr, qname, qtype, &h);
}

static void done(struct reply *r)
{
	arena_free(r->ar);
}

/* The record of section s at index i as text after the owner: "type rdata". */
static bool rr_is(const struct wire_rr *rr, const char *owner, uint16_t type, const char *rdata)
{
	uint8_t on[NAME_MAX_WIRE];
	char text[2048];
	struct buf_out out;
	to_name(owner, on);
	if (rr->type != type || !name_equal(rr->owner, on))
		return false;
	if (!rdata)
		return true;
	buf_out_init(&out, (uint8_t *)text, sizeof(text) - 1);
	rdata_to_text(rr->type, rr->rdata, rr->rdlen, &out);
	text[out.len] = 0;
	return strcmp(text, rdata) == 0;
}

/* Whether section s holds a record of owner and type (with rdata, when not NULL). */
static bool has(const struct reply *r, int s, const char *owner, uint16_t type, const char *rdata)
{
	for (unsigned i = 0; r->ok && i < r->m.n[s]; i++)
		if (rr_is(&r->m.rr[s][i], owner, type, rdata))
			return true;
	return false;
}

static bool aa(const struct reply *r)
{
	return (r->m.flags & DNS_FLAG_AA) != 0;
}

static bool tc(const struct reply *r)
{
	return (r->m.flags & DNS_FLAG_TC) != 0;
}

/* rcode, then the counts of the three sections. */
static bool shape(const struct reply *r, unsigned rcode, unsigned an, unsigned ns, unsigned ar)
{
	return r->ok && r->m.rcode == rcode && r->m.n[0] == an && r->m.n[1] == ns &&
	       r->m.n[2] == ar;
}

#define EXPECT(r, rc, an, ns, ar)                                                             \
	CHECKF(shape(&(r), rc, an, ns, ar), "got rcode %u, %u/%u/%u", (r).m.rcode, (r).m.n[0], \
	       (r).m.n[1], (r).m.n[2])

/* Asks T and checks only the rcode and the section counts. */
#define SHAPE(addr, q, type, rc, an, ns, ar) shape_of(addr, q, type, rc, an, ns, ar, __LINE__)
#define NOERROR DNS_RCODE_NOERROR
#define NXDOMAIN DNS_RCODE_NXDOMAIN

static struct auth *T; /* the test zones, loaded once by test_zones_load */

/* Loads the test zones inside a case, so that a zone that does not load is a failure. */
static void test_zones_load(void)
{
	T = load_test_zones();
}

/* A case on the test zones: when they did not load it fails, rather than vanish. */
#define RUN_T(fn) (T ? RUN(fn) : not_loaded(#fn))
static void not_loaded(const char *name)
{
	check_failed++;
	printf("not ok - %s (the test zones did not load)\n", name);
}

static void shape_of(const char *addr, const char *q, uint16_t type, unsigned rc, unsigned an,
		     unsigned ns, unsigned ar, int line)
{
	struct reply r = ask(T, addr, q, type);
	CHECKF(shape(&r, rc, an, ns, ar), "line %d: %s: rcode %u, %u/%u/%u", line, q, r.m.rcode,
	       r.m.n[0], r.m.n[1], r.m.n[2]);
	done(&r);
}

/* ---- the test zones ---- */
#define EX "127.1.0.1" /* serves example. and child.example. */

static void test_exact(void)
{
	struct reply r = ask(T, EX, "www.example.", DNS_TYPE_A);
	EXPECT(r, DNS_RCODE_NOERROR, 1, 2, 3); /* the duplicate A is merged */
	CHECK(aa(&r) && !tc(&r) && (r.m.flags & DNS_FLAG_QR) && r.m.id == 0xbeef);
	CHECK(has(&r, 0, "www.example.", DNS_TYPE_A, "192.0.2.10"));
	CHECK(has(&r, 1, "example.", DNS_TYPE_NS, "ns1.example."));
	CHECK(has(&r, 2, "ns2.example.", DNS_TYPE_AAAA, "2001:db8::2"));
	CHECK(!r.m.edns.present); /* no OPT asked, none given */
	done(&r);
	r = ask(T, EX, "www.example.", DNS_TYPE_AAAA);
	EXPECT(r, DNS_RCODE_NOERROR, 1, 2, 3);
	CHECK(has(&r, 0, "www.example.", DNS_TYPE_AAAA, "2001:db8::10"));
	done(&r);
	/* NS answered: no NS again in authority */
	SHAPE(EX, "example.", DNS_TYPE_NS, NOERROR, 2, 0, 3);
}

static void test_case_kept(void)
{
	struct reply r = ask(T, EX, "ALIAS.Example.", DNS_TYPE_A);
	CHECK(r.ok && memcmp(r.m.q.name, "\5ALIAS\7Example", 15) == 0); /* echoed as received */
	EXPECT(r, DNS_RCODE_NOERROR, 3, 2, 3);
	CHECK(r.ok && r.m.n[0] == 3 && r.m.rr[0][1].owner[1] == 'W'); /* "Web", as in the file */
	done(&r);
}

static void test_cname(void)
{
	struct reply r = ask(T, EX, "alias.example.", DNS_TYPE_A);
	EXPECT(r, DNS_RCODE_NOERROR, 3, 2, 3);
	CHECK(aa(&r) && has(&r, 0, "alias.example.", DNS_TYPE_CNAME, "Web.example."));
	CHECK(has(&r, 0, "web.example.", DNS_TYPE_CNAME, "WWW.example."));
	CHECK(has(&r, 0, "www.example.", DNS_TYPE_A, "192.0.2.10"));
	done(&r);
	SHAPE(EX, "alias.example.", DNS_TYPE_CNAME, NOERROR, 1, 2, 3); /* the CNAME itself */
	r = ask(T, EX, "out.example.", DNS_TYPE_A); /* out of the zone: the CNAME alone */
	EXPECT(r, DNS_RCODE_NOERROR, 1, 0, 0);
	CHECK(aa(&r) && has(&r, 0, "out.example.", DNS_TYPE_CNAME, "www.elsewhere."));
	done(&r);
	r = ask(T, EX, "dangling.example.", DNS_TYPE_A); /* RFC 6604: the last name's rcode */
	EXPECT(r, DNS_RCODE_NXDOMAIN, 1, 1, 0);
	CHECK(has(&r, 1, "example.", DNS_TYPE_SOA, NULL));
	done(&r);
	SHAPE(EX, "loop1.example.", DNS_TYPE_A, NOERROR, 2, 0, 0); /* each CNAME once, then stop */
	r = ask(T, EX, "into.example.", DNS_TYPE_A); /* into a cut: AA stays, referral follows */
	EXPECT(r, DNS_RCODE_NOERROR, 1, 3, 3);
	CHECK(aa(&r) && has(&r, 1, "deleg.example.", DNS_TYPE_NS, "ns.deleg.example."));
	done(&r);
}

static void test_wildcard(void)
{
	struct reply r = ask(T, EX, "x.wild.example.", DNS_TYPE_A);
	EXPECT(r, DNS_RCODE_NOERROR, 1, 2, 3);
	CHECK(aa(&r) && has(&r, 0, "x.wild.example.", DNS_TYPE_A, "192.0.2.80"));
	done(&r);
	r = ask(T, EX, "a.b.wild.example.", DNS_TYPE_A); /* several labels below */
	CHECK(has(&r, 0, "a.b.wild.example.", DNS_TYPE_A, "192.0.2.80"));
	done(&r);
	/* the wildcard has no TXT: NODATA */
	SHAPE(EX, "x.wild.example.", DNS_TYPE_TXT, NOERROR, 0, 1, 0);
	r = ask(T, EX, "wc.example.", DNS_TYPE_A); /* a CNAME to a synthesised name */
	EXPECT(r, DNS_RCODE_NOERROR, 2, 2, 3);
	CHECK(has(&r, 0, "x.wild.example.", DNS_TYPE_A, "192.0.2.80"));
	done(&r);
	r = ask(T, EX, "y.zone2.example.", DNS_TYPE_A);
	CHECK(has(&r, 0, "y.zone2.example.", DNS_TYPE_A, "192.0.2.82"));
	done(&r);
	r = ask(T, EX, "*.wild.example.", DNS_TYPE_A); /* the wildcard's own name */
	CHECK(has(&r, 0, "*.wild.example.", DNS_TYPE_A, "192.0.2.80"));
	done(&r);
}

/* RFC 4592 §2.2: an existing name, an empty non-terminal and a cut all stop a wildcard. */
static void test_wildcard_blocked(void)
{
	SHAPE(EX, "sub.wild.example.", DNS_TYPE_A, NOERROR, 0, 1, 0); /* exists: NODATA */
	/* closest encloser sub.wild */
	SHAPE(EX, "x.sub.wild.example.", DNS_TYPE_A, NXDOMAIN, 0, 1, 0);
	/* an empty non-terminal: NODATA */
	SHAPE(EX, "b.zone2.example.", DNS_TYPE_A, NOERROR, 0, 1, 0);
	/* below it: NXDOMAIN, no *.zone2 */
	SHAPE(EX, "x.b.zone2.example.", DNS_TYPE_A, NXDOMAIN, 0, 1, 0);
	struct reply r = ask(T, EX, "x.cut.zone2.example.", DNS_TYPE_A); /* below a cut: referral */
	EXPECT(r, DNS_RCODE_NOERROR, 0, 1, 1);
	CHECK(!aa(&r) && has(&r, 1, "cut.zone2.example.", DNS_TYPE_NS, NULL));
	done(&r);
	/* *.wild2 is itself empty: NODATA */
	SHAPE(EX, "q.wild2.example.", DNS_TYPE_A, NOERROR, 0, 1, 0);
}

static void test_ent(void)
{
	const char *names[] = { "ent.example.", "b.ent.example.", "_tcp.example.",
				"wild2.example." };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct reply r = ask(T, EX, names[i], DNS_TYPE_A);
		EXPECT(r, DNS_RCODE_NOERROR, 0, 1, 0);
		CHECKF(aa(&r) && has(&r, 1, "example.", DNS_TYPE_SOA, NULL), "%s", names[i]);
		done(&r);
	}
	SHAPE(EX, "a.b.ent.example.", DNS_TYPE_A, NOERROR, 1, 2, 3);
}

static void test_referral(void)
{
	struct reply r = ask(T, EX, "host.deleg.example.", DNS_TYPE_A);
	EXPECT(r, DNS_RCODE_NOERROR, 0, 3, 3);
	CHECK(!aa(&r) && has(&r, 1, "deleg.example.", DNS_TYPE_NS, "ns.other."));
	CHECK(has(&r, 2, "ns.deleg.example.", DNS_TYPE_A, "192.0.2.53")); /* glue */
	CHECK(has(&r, 2, "ns2.example.", DNS_TYPE_AAAA, NULL)); /* an address of the zone */
	done(&r);
	r = ask(T, EX, "deleg.example.", DNS_TYPE_NS); /* the cut itself: still a referral */
	EXPECT(r, DNS_RCODE_NOERROR, 0, 3, 3);
	CHECK(!aa(&r));
	done(&r);
	r = ask(T, EX, "ns.deleg.example.", DNS_TYPE_A); /* glue is not an answer */
	EXPECT(r, DNS_RCODE_NOERROR, 0, 3, 3);
	CHECK(!aa(&r));
	done(&r);
	r = ask(T, EX, "deleg.example.", DNS_TYPE_DS); /* DS is the parent's: NODATA, AA */
	EXPECT(r, DNS_RCODE_NOERROR, 0, 1, 0);
	CHECK(aa(&r) && has(&r, 1, "example.", DNS_TYPE_SOA, NULL));
	done(&r);
}

/* RFC 2308 §3: the SOA's TTL is min(SOA TTL, MINIMUM): 300 in example., 600 in child. */
static void test_negative(void)
{
	struct reply r = ask(T, EX, "nope.example.", DNS_TYPE_A);
	EXPECT(r, DNS_RCODE_NXDOMAIN, 0, 1, 0);
	CHECK(aa(&r) && r.ok && r.m.n[1] == 1 && r.m.rr[1][0].type == DNS_TYPE_SOA &&
	      r.m.rr[1][0].ttl == 300);
	done(&r);
	r = ask(T, EX, "www.example.", DNS_TYPE_MX);
	EXPECT(r, DNS_RCODE_NOERROR, 0, 1, 0);
	CHECK(aa(&r) && r.ok && r.m.n[1] == 1 && r.m.rr[1][0].ttl == 300);
	done(&r);
	r = ask(T, EX, "nope.child.example.", DNS_TYPE_A);
	EXPECT(r, DNS_RCODE_NXDOMAIN, 0, 1, 0);
	CHECK(r.ok && r.m.n[1] == 1 && r.m.rr[1][0].ttl == 600 &&
	      has(&r, 1, "child.example.", DNS_TYPE_SOA, NULL));
	done(&r);
}

static void test_refused(void)
{
	struct reply r = ask(T, EX, "www.other.", DNS_TYPE_A); /* served, but not here */
	EXPECT(r, DNS_RCODE_REFUSED, 0, 0, 0);
	CHECK(!aa(&r) && r.m.has_question);
	done(&r);
	SHAPE(EX, "www.nowhere.", DNS_TYPE_A, DNS_RCODE_REFUSED, 0, 0, 0);
	/* an address serving nothing */
	SHAPE("127.9.9.9", "www.example.", DNS_TYPE_A, DNS_RCODE_REFUSED, 0, 0, 0);
	SHAPE("127.1.0.2", "www.other.", DNS_TYPE_A, NOERROR, 1, 1, 0);
	SHAPE(NULL, "www.other.", DNS_TYPE_A, NOERROR, 1, 1, 0); /* NULL: every zone */
	struct how ch = { .qclass = DNS_CLASS_CH };
	r = ask_how(T, EX, "www.example.", DNS_TYPE_TXT, &ch);
	EXPECT(r, DNS_RCODE_REFUSED, 0, 0, 0);
	done(&r);
	SHAPE(EX, "example.", DNS_TYPE_AXFR, DNS_RCODE_REFUSED, 0, 0, 0);
	SHAPE(EX, "example.", DNS_TYPE_IXFR, DNS_RCODE_REFUSED, 0, 0, 0);
}

/* One address serving a parent and its child answers from the child, but DS from the parent. */
static void test_deepest_zone(void)
{
	const char *addrs[] = { EX, NULL };
	for (int i = 0; i < 2; i++) {
		struct reply r = ask(T, addrs[i], "www.child.example.", DNS_TYPE_A);
		EXPECT(r, DNS_RCODE_NOERROR, 1, 1, 1);
		CHECK(aa(&r) && has(&r, 0, "www.child.example.", DNS_TYPE_A, "192.0.2.100"));
		done(&r);
		r = ask(T, addrs[i], "child.example.", DNS_TYPE_NS);
		EXPECT(r, DNS_RCODE_NOERROR, 1, 0, 1);
		CHECK(aa(&r));
		done(&r);
		r = ask(T, addrs[i], "child.example.", DNS_TYPE_DS);
		EXPECT(r, DNS_RCODE_NOERROR, 0, 1, 0);
		CHECK(aa(&r) && has(&r, 1, "example.", DNS_TYPE_SOA, NULL));
		done(&r);
	}
	size_t n;
	const struct sockaddr_storage *ss = auth_addresses(T, &n);
	CHECK(n == 2 && ss[0].ss_family == AF_INET && ss[1].ss_family == AF_INET);
}

/* Truncation: 512 without EDNS, the EDNS size (at most 1232) with it, whole over TCP. */
static void test_truncation(void)
{
	struct reply r = ask(T, EX, "big.example.", DNS_TYPE_TXT);
	CHECK(r.ok && r.len <= 512 && tc(&r) && aa(&r));
	EXPECT(r, DNS_RCODE_NOERROR, 0, 0, 0); /* the RRset goes whole or not at all */
	done(&r);
	struct how e = { .edns = true, .udp_size = 4096 }; /* asks 4096, gets 1232 at most */
	r = ask_how(T, EX, "big.example.", DNS_TYPE_TXT, &e);
	CHECK(r.ok && r.len <= AUTH_EDNS_SIZE && tc(&r) && r.m.edns.present);
	EXPECT(r, DNS_RCODE_NOERROR, 0, 0, 0);
	done(&r);
	struct how tcp = { .max_size = 65535 };
	r = ask_how(T, EX, "big.example.", DNS_TYPE_TXT, &tcp);
	CHECK(r.ok && r.len > 2000 && !tc(&r));
	EXPECT(r, DNS_RCODE_NOERROR, 40, 2, 3);
	done(&r);
	r = ask(T, EX, "mid.example.", DNS_TYPE_TXT); /* about 700 bytes */
	CHECK(tc(&r));
	done(&r);
	e.udp_size = 1232;
	r = ask_how(T, EX, "mid.example.", DNS_TYPE_TXT, &e);
	CHECK(!tc(&r));
	EXPECT(r, DNS_RCODE_NOERROR, 10, 2, 3);
	done(&r);
	e.udp_size = 100; /* below 512 counts as 512 (RFC 6891 §6.2.5) */
	r = ask_how(T, EX, "mid.example.", DNS_TYPE_TXT, &e);
	CHECK(tc(&r) && r.len <= 512);
	done(&r);
	r = ask(T, EX, "fit.example.", DNS_TYPE_TXT); /* the NS beside it is optional */
	CHECK(!tc(&r) && r.len <= 512);
	EXPECT(r, DNS_RCODE_NOERROR, 6, 0, 0);
	done(&r);
}

static void test_edns(void)
{
	struct how e = { .edns = true, .udp_size = 1232, .do_bit = true };
	struct reply r = ask_how(T, EX, "www.example.", DNS_TYPE_A, &e);
	EXPECT(r, DNS_RCODE_NOERROR, 1, 2, 3);
	CHECK(r.m.edns.present && r.m.edns.udp_size == AUTH_EDNS_SIZE && r.m.edns.version == 0);
	CHECK((r.m.edns.flags & DNS_EDNS_FLAG_DO) && r.m.edns.opts_len == 0);
	done(&r);
	e.do_bit = false;
	r = ask_how(T, EX, "nope.example.", DNS_TYPE_A, &e);
	EXPECT(r, DNS_RCODE_NXDOMAIN, 0, 1, 0);
	CHECK(r.m.edns.present && !(r.m.edns.flags & DNS_EDNS_FLAG_DO));
	done(&r);
	e.version = 1; /* RFC 6891 §6.1.3: BADVERS, from version 0 */
	r = ask_how(T, EX, "www.example.", DNS_TYPE_A, &e);
	EXPECT(r, DNS_RCODE_BADVERS, 0, 0, 0);
	CHECK(r.m.edns.present && r.m.edns.version == 0 && !aa(&r) && r.m.has_question);
	CHECK(!(r.m.flags & DNS_FLAG_RA)); /* an authoritative server offers no recursion */
	done(&r);
}

static void test_header_errors(void)
{
	struct how h = { .opcode = DNS_OPCODE_NOTIFY };
	struct reply r = ask_how(T, EX, "www.example.", DNS_TYPE_A, &h);
	EXPECT(r, DNS_RCODE_NOTIMP, 0, 0, 0);
	CHECK(r.ok && DNS_OPCODE(r.m.flags) == DNS_OPCODE_NOTIFY && r.m.has_question);
	done(&r);
	h.opcode = DNS_OPCODE_STATUS;
	r = ask_how(T, EX, "www.example.", DNS_TYPE_A, &h);
	EXPECT(r, DNS_RCODE_NOTIMP, 0, 0, 0);
	done(&r);
	uint8_t pkt[64];
	struct wire_builder b; /* no question at all */
	wire_build_init(&b, pkt, sizeof(pkt), 7, 0);
	size_t len = wire_build_finish(&b);
	r = answer_pkt(T, EX, pkt, len, 512);
	CHECK(r.ok && r.m.rcode == DNS_RCODE_FORMERR && !r.m.has_question && r.m.id == 7);
	done(&r);
	SHAPE(EX, "www.example.", DNS_TYPE_OPT, DNS_RCODE_FORMERR, 0, 0, 0);
	h = (struct how){ .flags = DNS_FLAG_QR }; /* a response: no reply at all */
	len = make_query(pkt, "www.example.", DNS_TYPE_A, &h);
	r = answer_pkt(T, EX, pkt, len, 512);
	CHECK(r.len == 0);
	done(&r);
	h = (struct how){ .flags = DNS_FLAG_RD | DNS_FLAG_CD | DNS_FLAG_AD };
	r = ask_how(T, EX, "www.example.", DNS_TYPE_A, &h);
	CHECK(r.ok && (r.m.flags & DNS_FLAG_RD) && (r.m.flags & DNS_FLAG_CD));
	CHECK(r.ok && !(r.m.flags & DNS_FLAG_AD) && !(r.m.flags & DNS_FLAG_RA));
	done(&r);
}

static void test_any_and_additional(void)
{
	struct reply r = ask(T, EX, "www.example.", DNS_TYPE_ANY); /* RFC 8482: one RRset */
	EXPECT(r, DNS_RCODE_NOERROR, 1, 0, 0);
	CHECK(has(&r, 0, "www.example.", DNS_TYPE_A, NULL));
	done(&r);
	r = ask(T, EX, "example.", DNS_TYPE_ANY);
	EXPECT(r, DNS_RCODE_NOERROR, 1, 0, 0);
	CHECK(has(&r, 0, "example.", DNS_TYPE_SOA, NULL));
	done(&r);
	SHAPE(EX, "ent.example.", DNS_TYPE_ANY, NOERROR, 0, 1, 0);
	/* MX: mail's address; not the glue ns.deleg, not mail.elsewhere; then the NS's. */
	r = ask(T, EX, "mx.example.", DNS_TYPE_MX);
	EXPECT(r, DNS_RCODE_NOERROR, 3, 2, 4);
	CHECK(has(&r, 2, "mail.example.", DNS_TYPE_A, "192.0.2.25"));
	CHECK(!has(&r, 2, "ns.deleg.example.", DNS_TYPE_A, NULL));
	done(&r);
	r = ask(T, EX, "_sip._tcp.example.", DNS_TYPE_SRV);
	EXPECT(r, DNS_RCODE_NOERROR, 1, 2, 4);
	CHECK(has(&r, 2, "mail.example.", DNS_TYPE_A, NULL));
	done(&r);
	/* in the answer: not again in additional */
	SHAPE(EX, "ns2.example.", DNS_TYPE_A, NOERROR, 1, 2, 2);
}

static void test_load_errors(void)
{
	const struct tzone bad[] = { { "bad.", "$ORIGIN bad.\n@ 60 SOA ns h 1 2 3 4 5\n",
				       "127.1.0.3", 0 } }; /* no NS */
	char err[256];
	struct auth *a = load_zones(bad, 1, err);
	CHECKF(a == NULL && strstr(err, "z0.zone") && strstr(err, "NS"), "got: %s", err);
	auth_free(a);
	auth_free(NULL);
	struct config_map_zone z = { .file = "/nonexistent/zone", .n_servers = 0 };
	struct config_map map = { &z, 1 };
	a = (struct auth *)&a;
	CHECK(!auth_load(&map, &a, err) && a == (struct auth *)&a && strstr(err, "/nonexistent"));
	/* NSEC3 iterations past AUTH_NSEC3_MAX_ITER would make each denial a hash flood. */
	const struct tzone slow[] = { { "slow.", "$ORIGIN slow.\n@ 60 SOA ns h 1 2 3 4 5\n@ NS ns\n"
					"ns A 192.0.2.1\n@ NSEC3PARAM 1 0 2501 -\n",
					"127.1.0.3", 0 } };
	a = load_zones(slow, 1, err);
	CHECKF(a == NULL && strstr(err, "2501 iterations"), "got: %s", err);
	auth_free(a);
}

/* ---- the toy internet of zones/ ---- */

static struct auth *toy_load(void)
{
	struct config_map *map = NULL;
	struct auth *a = NULL;
	char err[256] = "";
	bool ok = config_load_map("zones/map.yaml", &map, err) && auth_load(map, &a, err);
	CHECKF(ok, "zones/map.yaml (run from the top of the tree): %s", err);
	config_map_free(map);
	return ok ? a : NULL;
}

/* Asks addr and checks rcode, AA and that section s holds the record given. */
static void toy(const struct auth *a, const char *addr, const char *q, uint16_t type,
		unsigned rcode, bool want_aa, int s, const char *owner, uint16_t rtype,
		const char *rdata)
{
	struct reply r = ask(a, addr, q, type);
	CHECKF(r.ok && r.m.rcode == rcode && aa(&r) == want_aa, "%s @%s: rcode %u aa %d", q,
	       addr, r.m.rcode, aa(&r));
	CHECKF(!owner || has(&r, s, owner, rtype, rdata), "%s @%s: no %s %u %s in section %d", q,
	       addr, owner, rtype, rdata ? rdata : "", s);
	done(&r);
}

static void test_toy_walk(void)
{
	struct auth *a = toy_load();
	if (!a)
		return;
	/* The walk to www.example.com: root, com, example.com. */
	toy(a, "127.53.0.1", "www.example.com.", DNS_TYPE_A, 0, false, 1, "com.", DNS_TYPE_NS,
	    "a.gtld-servers.net.");
	toy(a, "127.53.0.2", "www.example.com.", DNS_TYPE_A, 0, false, 2, "a.gtld-servers.net.",
	    DNS_TYPE_A, "127.53.1.1");
	toy(a, "127.53.1.1", "www.example.com.", DNS_TYPE_A, 0, false, 2, "ns1.example.com.",
	    DNS_TYPE_A, "127.53.10.1");
	toy(a, "127.53.10.1", "www.example.com.", DNS_TYPE_A, 0, true, 0, "www.example.com.",
	    DNS_TYPE_A, "192.0.2.10");
	/* The root servers serve root-servers.net and arpa too (the deepest zone answers). */
	toy(a, "127.53.0.3", "a.root-servers.net.", DNS_TYPE_A, 0, true, 0, "a.root-servers.net.",
	    DNS_TYPE_A, "127.53.0.1");
	toy(a, "127.53.0.1", "1.10.53.127.in-addr.arpa.", DNS_TYPE_PTR, 0, false, 1,
	    "in-addr.arpa.", DNS_TYPE_NS, "a.in-addr-servers.arpa.");
	/* The four-level chain: org, deep.org, c.deep.org, b.c.deep.org. */
	const char *q = "a.b.c.deep.org.";
	toy(a, "127.53.1.11", q, DNS_TYPE_A, 0, false, 1, "deep.org.", DNS_TYPE_NS, NULL);
	toy(a, "127.53.20.1", q, DNS_TYPE_A, 0, false, 1, "c.deep.org.", DNS_TYPE_NS, NULL);
	toy(a, "127.53.21.1", q, DNS_TYPE_A, 0, false, 1, "b.c.deep.org.", DNS_TYPE_NS, NULL);
	toy(a, "127.53.22.1", q, DNS_TYPE_A, 0, true, 0, q, DNS_TYPE_A, "192.0.2.4");
	auth_free(a);
}

static void test_toy_cases(void)
{
	struct auth *a = toy_load();
	if (!a)
		return;
	const char *ex = "127.53.10.2";
	toy(a, ex, "www.example.com.", DNS_TYPE_AAAA, 0, true, 0, "www.example.com.",
	    DNS_TYPE_AAAA, "2001:db8::10");
	toy(a, ex, "nope.example.com.", DNS_TYPE_A, 3, true, 1, "example.com.", DNS_TYPE_SOA,
	    NULL);
	toy(a, ex, "www.example.com.", DNS_TYPE_MX, 0, true, 1, "example.com.", DNS_TYPE_SOA,
	    NULL);
	toy(a, ex, "anything.wild.example.com.", DNS_TYPE_A, 0, true, 0,
	    "anything.wild.example.com.", DNS_TYPE_A, "192.0.2.80");
	toy(a, ex, "_tcp.example.com.", DNS_TYPE_A, 0, true, 1, "example.com.", DNS_TYPE_SOA,
	    NULL);
	toy(a, "127.53.11.3", "example.org.", DNS_TYPE_NS, 0, true, 0, "example.org.",
	    DNS_TYPE_NS, "ns3.example.org.");
	toy(a, "127.53.12.1", "www.shop.com.", DNS_TYPE_A, 0, true, 0, "www.shop.com.",
	    DNS_TYPE_CNAME, "www.shop.com.cdn.net.");
	toy(a, "127.53.13.2", "www.shop.com.cdn.net.", DNS_TYPE_A, 0, true, 0, "e42.edge.cdn.net.",
	    DNS_TYPE_A, "198.51.100.42");
	toy(a, "127.53.1.12", "www.glueless.org.", DNS_TYPE_A, 0, false, 1, "glueless.org.",
	    DNS_TYPE_NS, "ns1.dnshost.com.");
	toy(a, "127.53.14.2", "www.glueless.org.", DNS_TYPE_A, 0, true, 0, "www.glueless.org.",
	    DNS_TYPE_A, "192.0.2.31");
	toy(a, "127.53.1.1", "www.lame.net.", DNS_TYPE_A, 0, false, 2, "ns2.lame.net.", DNS_TYPE_A,
	    "127.53.10.1");
	toy(a, "127.53.10.1", "www.lame.net.", DNS_TYPE_A, DNS_RCODE_REFUSED, false, 0, NULL, 0,
	    NULL);
	toy(a, "127.53.15.1", "www.lame.net.", DNS_TYPE_A, 0, true, 0, "www.lame.net.", DNS_TYPE_A,
	    "192.0.2.40");
	toy(a, "127.53.1.11", "www.halfdead.org.", DNS_TYPE_A, 0, false, 2, "ns2.halfdead.org.",
	    DNS_TYPE_A, "127.53.16.2");
	toy(a, "127.53.16.1", "www.halfdead.org.", DNS_TYPE_A, 0, true, 0, "www.halfdead.org.",
	    DNS_TYPE_A, "192.0.2.60");
	toy(a, "127.53.30.2", "1.10.53.127.in-addr.arpa.", DNS_TYPE_PTR, 0, true, 0,
	    "1.10.53.127.in-addr.arpa.", DNS_TYPE_PTR, "ns1.example.com.");
	struct reply r = ask(a, ex, "big.example.com.", DNS_TYPE_TXT);
	CHECK(r.ok && tc(&r) && r.m.n[0] == 0);
	done(&r);
	struct how tcp = { .max_size = 65535 };
	r = ask_how(a, ex, "big.example.com.", DNS_TYPE_TXT, &tcp);
	CHECK(r.ok && !tc(&r) && r.m.n[0] == 40);
	done(&r);
	auth_free(a);
}

/* The signed zone at SG (127.0.0.9). */
#define SG "127.0.0.9"
static struct auth *signed_load(void)
{
	char err[256];
	struct tzone tz[] = { { "example.", ZONE_SIGNED, SG, 0 } };
	struct auth *a = load_zones(tz, 1, err);
	CHECKF(a != NULL, "signed zone does not load: %s", err);
	return a;
}

/* Whether section s holds the NSEC3 RRset of hash (with its RRSIG), as NSEC3 ORs hold. */
static bool has3(const struct reply *r, int s, const char *hash)
{
	char owner[64];
	snprintf(owner, sizeof(owner), "%s.example.", hash);
	return has(r, s, owner, DNS_TYPE_NSEC3, NULL) && has(r, s, owner, DNS_TYPE_RRSIG, NULL);
}

#define H_APEX "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"
#define H_NS1 "2t7b4g4vsa5smi47k61mv5bv1a22bojr"
#define H_XW "b4um86eghhds6nea196smvmlo4ors995"
#define H_W "k8udemvp1j2f7eg6jebps17vp3n8i58h"
#define H_STARW "r53bq7cc2uvmubfu5ocmm6pers9tk9en"
#define H_SUB "rh67q1qcg4556j3ucb9j5lg6ubq5ujq4"

/* DO=0 gets the zone as if unsigned; DO=1 gets each RRset with its RRSIGs (RFC 4035
 * §3.1.1), in every section; a question for DNSKEY or RRSIG is answered either way. */
static void test_dnssec_do(void)
{
	struct auth *a = signed_load();
	if (!a)
		return;
	struct how plain = { .edns = true, .udp_size = 1232 }, dnssec = plain;
	dnssec.do_bit = true;
	struct reply r = ask_how(a, SG, "x.w.example.", DNS_TYPE_A, &plain);
	EXPECT(r, NOERROR, 1, 1, 1);
	done(&r);
	r = ask_how(a, SG, "x.w.example.", DNS_TYPE_A, &dnssec);
	EXPECT(r, NOERROR, 2, 2, 2);
	CHECK(has(&r, 0, "x.w.example.", DNS_TYPE_RRSIG, NULL) &&
	      has(&r, 1, "example.", DNS_TYPE_RRSIG, NULL) &&
	      has(&r, 2, "ns1.example.", DNS_TYPE_RRSIG, NULL));
	CHECK((r.m.edns.flags & DNS_EDNS_FLAG_DO) && aa(&r));
	done(&r);
	r = ask_how(a, SG, "nope.example.", DNS_TYPE_A, &plain);
	EXPECT(r, NXDOMAIN, 0, 1, 0);
	done(&r);
	r = ask_how(a, SG, "example.", DNS_TYPE_DNSKEY, &plain);
	EXPECT(r, NOERROR, 1, 0, 0);
	done(&r);
	r = ask_how(a, SG, "example.", DNS_TYPE_DNSKEY, &dnssec);
	EXPECT(r, NOERROR, 2, 0, 0);
	done(&r);
	r = ask(a, SG, "example.", DNS_TYPE_RRSIG); /* no EDNS: the RRSIGs as an RRset */
	EXPECT(r, NOERROR, 4, 1, 1);
	done(&r);
	/* The SOA's RRSIG in a denial takes the negative TTL, as the SOA does (as NSD does). */
	r = ask_how(a, SG, "w.example.", DNS_TYPE_A, &dnssec);
	CHECK(r.ok && r.m.n[1] >= 2 && r.m.rr[1][0].type == DNS_TYPE_SOA &&
	      r.m.rr[1][1].type == DNS_TYPE_RRSIG && r.m.rr[1][1].ttl == 300);
	done(&r);
	auth_free(a);
}

/* NSEC3 proofs (RFC 5155 §7.2) with the hashes of RFC 5155 Appendix A: the closest encloser
 * and the next closer name below it, the wildcard at the closest encloser, opt-out. */
static void test_nsec3_proofs(void)
{
	struct auth *a = signed_load();
	if (!a)
		return;
	struct how d = { .edns = true, .udp_size = 4096, .do_bit = true, .max_size = 65535 };
	/* NXDOMAIN: closest encloser the apex (matched), next closer nope (tls64... lies after
	 * the last hash: covered by it, rh67...), *.example (jhsv97...: covered by b4um86...). */
	struct reply r = ask_how(a, SG, "nope.example.", DNS_TYPE_A, &d);
	EXPECT(r, NXDOMAIN, 0, 8, 0);
	CHECK(has3(&r, 1, H_APEX) && has3(&r, 1, H_SUB) && has3(&r, 1, H_XW));
	done(&r);
	/* ac (0m1ams...) lies before the first hash: the last NSEC3 covers it, round the end. */
	r = ask_how(a, SG, "ac.example.", DNS_TYPE_A, &d);
	EXPECT(r, NXDOMAIN, 0, 8, 0);
	CHECK(has3(&r, 1, H_APEX) && has3(&r, 1, H_SUB) && has3(&r, 1, H_XW));
	done(&r);
	/* Closest encloser x.w (an existing name, matched); next closer b.x.w (b87lo9...) is
	 * covered by x.w's own NSEC3, *.x.w (92pqne...) by ns1's. */
	r = ask_how(a, SG, "a.b.x.w.example.", DNS_TYPE_A, &d);
	EXPECT(r, NXDOMAIN, 0, 6, 0);
	CHECK(has3(&r, 1, H_XW) && has3(&r, 1, H_NS1));
	done(&r);
	/* A wildcard answer: z.w (qlu7gt...) does not exist, which w's NSEC3 covers. */
	r = ask_how(a, SG, "z.w.example.", DNS_TYPE_A, &d);
	EXPECT(r, NOERROR, 2, 4, 2);
	CHECK(has(&r, 0, "z.w.example.", DNS_TYPE_A, "192.0.2.2") && has3(&r, 1, H_W));
	done(&r);
	/* Wildcard NODATA: next closer covered, closest encloser w and the wildcard matched. */
	r = ask_how(a, SG, "z.w.example.", DNS_TYPE_MX, &d);
	EXPECT(r, NOERROR, 0, 6, 0);
	CHECK(has3(&r, 1, H_W) && has3(&r, 1, H_STARW));
	done(&r);
	/* NODATA at an empty non-terminal: its own NSEC3. */
	r = ask_how(a, SG, "w.example.", DNS_TYPE_A, &d);
	EXPECT(r, NOERROR, 0, 4, 0);
	CHECK(has3(&r, 1, H_W));
	done(&r);
	/* A hashed owner is no name of the zone (RFC 5155 §7.2.8): NXDOMAIN. */
	r = ask_how(a, SG, H_APEX ".example.", DNS_TYPE_NSEC3, &d);
	CHECK(r.ok && r.m.rcode == NXDOMAIN && r.m.n[0] == 0);
	done(&r);
	/* Referrals: the DS with its RRSIG; for plain, outside the chain (opt-out), the closest
	 * provable encloser (the apex) and the NSEC3 covering plain (qc7g4s...: w's). */
	r = ask_how(a, SG, "www.sub.example.", DNS_TYPE_A, &d);
	EXPECT(r, NOERROR, 0, 3, 1);
	CHECK(!aa(&r) && has(&r, 1, "sub.example.", DNS_TYPE_DS, NULL) &&
	      has(&r, 1, "sub.example.", DNS_TYPE_RRSIG, NULL));
	done(&r);
	r = ask_how(a, SG, "www.plain.example.", DNS_TYPE_A, &d);
	EXPECT(r, NOERROR, 0, 5, 1);
	CHECK(has3(&r, 1, H_APEX) && has3(&r, 1, H_W));
	done(&r);
	r = ask_how(a, SG, "plain.example.", DNS_TYPE_DS, &d); /* the parent answers DS */
	EXPECT(r, NOERROR, 0, 6, 0);
	CHECK(aa(&r) && has3(&r, 1, H_APEX) && has3(&r, 1, H_W));
	done(&r);
	r = ask_how(a, SG, "sub.example.", DNS_TYPE_DS, &d);
	EXPECT(r, NOERROR, 2, 0, 0);
	done(&r);
	auth_free(a);
}

/* One address serving a signed parent and its unsigned child: DS (and its RRSIG) comes from
 * the parent (RFC 4035 §3.1.4.1), the rest from the child, which adds nothing for DO. */
static void test_dnssec_ds_parent(void)
{
	char err[256];
	struct tzone tz[] = { { "example.", ZONE_SIGNED, SG, 0 },
			      { "sub.example.",
				"$ORIGIN sub.example.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
				"ns A 192.0.2.4\n",
				SG, 0 } };
	struct auth *a = load_zones(tz, 2, err);
	CHECKF(a != NULL, "zones do not load: %s", err);
	if (!a)
		return;
	struct how d = { .edns = true, .udp_size = 1232, .do_bit = true };
	struct reply r = ask_how(a, SG, "sub.example.", DNS_TYPE_DS, &d);
	EXPECT(r, NOERROR, 2, 0, 0);
	CHECK(aa(&r) && has(&r, 0, "sub.example.", DNS_TYPE_DS, NULL) &&
	      has(&r, 0, "sub.example.", DNS_TYPE_RRSIG, NULL));
	done(&r);
	r = ask_how(a, SG, "www.sub.example.", DNS_TYPE_A, &d);
	EXPECT(r, NXDOMAIN, 0, 1, 0);
	CHECK(aa(&r) && has(&r, 1, "sub.example.", DNS_TYPE_SOA, NULL));
	done(&r);
	auth_free(a);
}

/* Every server of the map listens, the dead one (127.53.16.2) does not exist. */
static void test_toy_addresses(void)
{
	struct auth *a = toy_load();
	if (!a)
		return;
	size_t n;
	const struct sockaddr_storage *ss = auth_addresses(a, &n);
	CHECKF(n == 62, "%zu addresses", n); /* 37 (the root's 13 among them), info's 13, 12 signed */
	for (size_t i = 0; i < n; i++) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)&ss[i];
		char text[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
		CHECKF(strncmp(text, "127.53.", 7) == 0 && strcmp(text, "127.53.16.2") != 0 &&
			       v4->sin_port == 0,
		       "%s", text);
	}
	auth_free(a);
}

/* ---- scale ---- */

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A zone of n names h0 .. h(n-1) below big., with an A record each. */
static struct auth *big_zone(size_t n)
{
	size_t cap = 128 + n * 40, len;
	char *text = malloc(cap);
	if (!text)
		return NULL;
	len = (size_t)snprintf(text, cap, "$ORIGIN big.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n"
					  "ns A 192.0.2.1\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "h%zu A 10.%zu.%zu.%zu\n", i,
					i >> 16 & 255, i >> 8 & 255, i & 255);
	struct tzone tz = { "big.", text, "127.1.0.9", len };
	char err[256];
	struct auth *a = load_zones(&tz, 1, err);
	CHECKF(a != NULL, "big zone: %s", err);
	free(text);
	return a;
}

/* CPU seconds per query for k questions about random names of an n-name zone. */
static double per_query(const struct auth *a, size_t n, size_t k)
{
	static uint8_t out[4096];
	uint8_t pkt[128];
	char name[64];
	struct how h = { 0 };
	size_t answered = 0;
	double t0 = cpu_s();
	for (size_t i = 0; i < k; i++) {
		struct wire_query q;
		snprintf(name, sizeof(name), "h%zu.big.", (i * 2654435761u) % n);
		size_t len = make_query(pkt, name, DNS_TYPE_A, &h);
		if (wire_parse_query(pkt, len, &q) == ERR_OK &&
		    auth_answer(a, NULL, &q, pkt, len, 512, out, sizeof(out)) > 12 &&
		    (out[3] & 0xF) == 0 && out[7] == 1)
			answered++;
	}
	CHECKF(answered == k, "%zu of %zu answered", answered, k);
	return (cpu_s() - t0) / (double)k;
}

/* A million-record zone loads, and a lookup in it costs about what it costs in a zone of a
 * thousand (a scan of the records would be a thousand times slower). Its speed is measured
 * by make bench (bench_auth), not here. */
static void test_big_zone(void)
{
	size_t n = SLOW_BUILD ? 100000 : 1000000, k = SLOW_BUILD ? 20000 : 200000;
	struct auth *small = big_zone(1000);
	double t0 = cpu_s();
	struct auth *big = big_zone(n);
	double load = cpu_s() - t0;
	if (!small || !big)
		goto out;
	double qs = per_query(small, 1000, k), qb = per_query(big, n, k);
	printf("# %zu records: written and loaded in %.2f s CPU; %.0f ns per query (%.0f ns "
	       "with 1000)\n",
	       n, load, qb * 1e9, qs * 1e9);
	CHECKF(qb < 10 * qs + 2e-6, "%.0f ns per query against %.0f ns", qb * 1e9, qs * 1e9);
out:
	auth_free(small);
	auth_free(big);
}

/* ---- zone transfers ---- */

struct xfr_seen {
	unsigned messages, records, soas, rcode, max_len;
	bool first_soa, last_soa, question_first, aa;
};

/* A transfer query for zone: AXFR, or IXFR with the client's SOA of serial in authority. */
static size_t xfr_query(uint8_t *buf, const char *zone, uint16_t qtype, bool soa,
			uint32_t serial)
{
	struct wire_builder b;
	uint8_t qn[NAME_MAX_WIRE];
	to_name(zone, qn);
	wire_build_init(&b, buf, 512, 0x7171, 0);
	CHECK(wire_build_question(&b, qn, qtype, DNS_CLASS_IN) == ERR_OK);
	/* RFC 1995 §3: the SOA's names may be anything; dig sends the root */
	uint8_t rd[2 + 20] = { 0, 0, (uint8_t)(serial >> 24), (uint8_t)(serial >> 16),
			       (uint8_t)(serial >> 8), (uint8_t)serial };
	struct wire_rr rr = { qn, DNS_TYPE_SOA, DNS_CLASS_IN, 0, sizeof(rd), rd };
	if (soa)
		CHECK(wire_build_rr(&b, WIRE_AUTHORITY, &rr) == ERR_OK);
	CHECK(wire_build_edns(&b, 1232, 0, 0, NULL, 0) == ERR_OK);
	return wire_build_finish(&b);
}

/* Runs a whole transfer of pkt from peer (IPv4 or IPv6) at addr, parsing every message. */
static struct xfr_seen xfr_run(const struct auth *a, const char *addr, const char *peer,
			       bool tcp, bool busy, const uint8_t *pkt, size_t len)
{
	static uint8_t out[65535];
	struct xfr_seen s = { 0 };
	struct wire_query q;
	struct sockaddr_storage local, from;
	struct auth_xfr x;
	CHECK(wire_parse_query(pkt, len, &q) == ERR_OK && auth_xfr_asked(&q));
	sa_of(&local, addr);
	sa_of(&from, peer);
	auth_xfr_start(a, (struct sockaddr *)&local, (struct sockaddr *)&from, tcp, busy, &q, pkt,
		       len, &x);
	size_t n;
	while ((n = auth_xfr_next(&x, out, sizeof(out))) > 0 && s.messages < 10000) {
		struct arena *ar = arena_new();
		struct wire_msg m;
		CHECK(wire_parse(out, n, ar, &m) == ERR_OK && m.id == 0x7171 && m.edns.present);
		if (s.messages == 0) {
			s.question_first = m.has_question && m.q.type == q.q.type;
			s.first_soa = m.n[0] && m.rr[0][0].type == DNS_TYPE_SOA;
			s.rcode = m.rcode;
			s.aa = (m.flags & DNS_FLAG_AA) != 0;
		} else {
			CHECK(!m.has_question && m.rcode == DNS_RCODE_NOERROR);
		}
		for (unsigned i = 0; i < m.n[0]; i++) {
			s.soas += m.rr[0][i].type == DNS_TYPE_SOA;
			s.last_soa = m.rr[0][i].type == DNS_TYPE_SOA;
		}
		s.records += m.n[0];
		s.max_len = n > s.max_len ? (unsigned)n : s.max_len;
		s.messages++;
		arena_free(ar);
	}
	CHECK(auth_xfr_done(&x) && auth_xfr_next(&x, out, sizeof(out)) == 0);
	return s;
}

/* A zone of 3002 records (SOA, NS, 3000 A): its transfer is 3003 records (the SOA twice)
 * in several messages of 16 KiB. */
static struct auth *big_xfr_load(void)
{
	static char text[3000 * 40 + 256];
	size_t len = (size_t)snprintf(text, sizeof(text), "$ORIGIN big.\n$TTL 60\n"
				      "@ SOA ns host 7 2 3 4 5\n@ NS ns\nns A 127.1.0.9\n");
	for (int i = 0; i < 2999; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "h%d A 192.0.2.%d\n", i,
					i % 250);
	const struct tzone tz[] = { { "big.", text, "127.1.0.9", len },
				    { "example.", example_text(), "127.1.0.1", 0 } };
	char err[256];
	struct auth *a = load_zones(tz, 2, err);
	CHECKF(a != NULL, "transfer zones do not load: %s", err);
	return a;
}

static void test_axfr(void)
{
	struct auth *a = big_xfr_load();
	if (!a)
		return;
	uint8_t pkt[512];
	size_t len = xfr_query(pkt, "big.", DNS_TYPE_AXFR, false, 0);
	struct xfr_seen s = xfr_run(a, "127.1.0.9", "127.0.0.1", true, false, pkt, len);
	CHECKF(s.records == 3003 && s.soas == 2 && s.first_soa && s.last_soa, "%u records",
	       s.records);
	CHECKF(s.messages >= 3 && s.max_len <= AUTH_XFR_MSG_SIZE, "%u messages, %u bytes",
	       s.messages, s.max_len);
	CHECK(s.question_first && s.rcode == DNS_RCODE_NOERROR && s.aa);
	/* compressed: 3000 owners and rdata of 4 bytes, about 16 bytes a record */
	CHECKF(s.messages * AUTH_XFR_MSG_SIZE < 3003 * 30, "%u messages", s.messages);
	s = xfr_run(a, "127.1.0.9", "::1", true, false, pkt, len);
	CHECK(s.records == 3003 && s.last_soa);
	s = xfr_run(a, "127.1.0.9", "::ffff:127.0.0.2", true, false, pkt, len);
	CHECK(s.records == 3003 && s.last_soa);
	/* the example zone fits one message, the SOA at both ends; any loopback client */
	len = xfr_query(pkt, "example.", DNS_TYPE_AXFR, false, 0);
	s = xfr_run(a, "127.1.0.1", "127.9.9.9", true, false, pkt, len);
	CHECKF(s.messages == 1 && s.soas == 2 && s.first_soa && s.last_soa, "%u/%u", s.messages,
	       s.soas);
	auth_free(a);
}

static void test_axfr_refused(void)
{
	struct auth *a = big_xfr_load();
	if (!a)
		return;
	uint8_t pkt[512];
	size_t len = xfr_query(pkt, "big.", DNS_TYPE_AXFR, false, 0);
	const char *peers[] = { "192.0.2.1", "2001:db8::1", "::ffff:192.0.2.1", "128.0.0.1" };
	for (size_t i = 0; i < sizeof(peers) / sizeof(peers[0]); i++) {
		struct xfr_seen s = xfr_run(a, "127.1.0.9", peers[i], true, false, pkt, len);
		CHECKF(s.messages == 1 && s.rcode == DNS_RCODE_REFUSED && s.records == 0 && !s.aa,
		       "from %s: rcode %u", peers[i], s.rcode);
	}
	struct xfr_seen s = xfr_run(a, "127.1.0.9", "127.0.0.1", false, false, pkt, len);
	CHECKF(s.messages == 1 && s.rcode == DNS_RCODE_NOTIMP && s.question_first, "UDP: %u",
	       s.rcode);
	s = xfr_run(a, "127.1.0.1", "127.0.0.1", true, false, pkt, len); /* not served there */
	CHECK(s.messages == 1 && s.rcode == DNS_RCODE_REFUSED);
	len = xfr_query(pkt, "h1.big.", DNS_TYPE_AXFR, false, 0); /* not an apex */
	s = xfr_run(a, "127.1.0.9", "127.0.0.1", true, false, pkt, len);
	CHECK(s.messages == 1 && s.rcode == DNS_RCODE_REFUSED);
	len = xfr_query(pkt, "big.", DNS_TYPE_AXFR, false, 0);
	s = xfr_run(a, "127.1.0.9", "127.0.0.1", true, true, pkt, len); /* the caller is busy */
	CHECK(s.messages == 1 && s.rcode == DNS_RCODE_SERVFAIL && s.records == 0);
	auth_free(a);
}

static void test_ixfr(void)
{
	struct auth *a = big_xfr_load();
	if (!a)
		return;
	uint8_t pkt[512];
	static const struct {
		uint32_t serial;
		bool tcp, busy;
		unsigned records;
	} cases[] = {
		{ 7, true, false, 1 },        /* current: the SOA alone */
		{ 8, true, false, 1 },        /* newer */
		{ 7, true, true, 1 },         /* the SOA alone even when busy */
		{ 0x80000006u, true, false, 1 }, /* 7 + 2^31 - 1: still newer (RFC 1982) */
		{ 6, true, false, 3003 },     /* behind: the whole zone, AXFR form */
		{ 0xFFFFFFFFu, true, false, 3003 }, /* behind across the wrap */
		{ 6, false, false, 1 },       /* behind over UDP: the SOA, come back by TCP */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = xfr_query(pkt, "big.", DNS_TYPE_IXFR, true, cases[i].serial);
		struct xfr_seen s = xfr_run(a, "127.1.0.9", "127.0.0.1", cases[i].tcp,
					    cases[i].busy, pkt, len);
		CHECKF(s.rcode == DNS_RCODE_NOERROR && s.records == cases[i].records && s.first_soa,
		       "IXFR serial %u: rcode %u, %u records", cases[i].serial, s.rcode, s.records);
	}
	size_t len = xfr_query(pkt, "big.", DNS_TYPE_IXFR, false, 0);
	struct xfr_seen s = xfr_run(a, "127.1.0.9", "127.0.0.1", true, false, pkt, len);
	CHECKF(s.messages == 1 && s.rcode == DNS_RCODE_FORMERR, "no SOA: rcode %u", s.rcode);
	len = xfr_query(pkt, "big.", DNS_TYPE_IXFR, true, 1);
	s = xfr_run(a, "127.1.0.9", "192.0.2.7", false, false, pkt, len);
	CHECK(s.messages == 1 && s.rcode == DNS_RCODE_REFUSED);
	/* auth_answer leaves transfers alone: REFUSED */
	struct reply r = answer_pkt(a, "127.1.0.9", pkt, len, 65535);
	CHECK(r.ok && r.m.rcode == DNS_RCODE_REFUSED);
	done(&r);
	auth_free(a);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_auth.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_zones_load);
	RUN_T(test_exact);
	RUN_T(test_case_kept);
	RUN_T(test_cname);
	RUN_T(test_wildcard);
	RUN_T(test_wildcard_blocked);
	RUN_T(test_ent);
	RUN_T(test_referral);
	RUN_T(test_negative);
	RUN_T(test_refused);
	RUN_T(test_deepest_zone);
	RUN_T(test_truncation);
	RUN_T(test_edns);
	RUN_T(test_header_errors);
	RUN_T(test_any_and_additional);
	auth_free(T);
	RUN(test_load_errors);
	RUN(test_toy_walk);
	RUN(test_toy_cases);
	RUN(test_toy_addresses);
	RUN(test_dnssec_do);
	RUN(test_nsec3_proofs);
	RUN(test_dnssec_ds_parent);
	RUN(test_big_zone);
	RUN(test_axfr);
	RUN(test_axfr_refused);
	RUN(test_ixfr);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done();
}
