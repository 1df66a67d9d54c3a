/* tests/unit/test_wire.c: lib/wire: parsing hostile and good messages, and building them.
 *
 * Malformed messages are a hex table, each row naming the error it must give, through both
 * wire_parse and wire_parse_query. Good messages must parse, and every proper prefix of them
 * must not. Built messages are parsed back field by field; build -> parse -> build must give
 * the same bytes. Every message is handed over in a heap buffer of its exact size, so that the
 * sanitizers see any read past its end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dns.h"
#include "rdata.h"
#include "wire.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Header with ID abcd, RD, and the four counts. */
#define HDR4(qd, an, ns, ar) "ab cd 01 00 " qd " " an " " ns " " ar " "
#define HDR(an) HDR4("00 01", an, "00 00", "00 00") /* one question, an answers */
#define QNAME "07 65 78 61 6d 70 6c 65 00"          /* "example." at offset 12 */
#define Q QNAME " 00 01 00 01 "                       /* example. A IN; ends at 25 */
#define TTL " 00 00 0e 10 "
#define RR_A(owner) owner " 00 01 00 01" TTL "00 04 c0 00 02 01 "
#define OPT " 00 00 29 10 00 00 00 00 00 00 00 "      /* root, OPT, 4096, no flags */

/* A message under construction: hex text and raw bytes appended. */
struct pkt {
	uint8_t b[70000];
	size_t n;
};

static void put_hex(struct pkt *p, const char *hex)
{
	p->n += check_hex(hex, p->b + p->n, sizeof(p->b) - p->n);
}

static void put_u16(struct pkt *p, unsigned v)
{
	if (p->n + 2 > sizeof(p->b)) {
		CHECKF(0, "test message over %zu bytes", sizeof(p->b));
		return;
	}
	p->b[p->n++] = (uint8_t)(v >> 8);
	p->b[p->n++] = (uint8_t)v;
}

/* wire_parse on an exact-size heap copy of the first len bytes. */
static enum err parse(const uint8_t *pkt, size_t len, struct arena *a, struct wire_msg *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, pkt, len);
	enum err e = wire_parse(copy, len, a, m);
	free(copy); /* m points into a, never into the packet */
	return e;
}

static enum err parse_query(const uint8_t *pkt, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, pkt, len);
	struct wire_query q;
	enum err e = wire_parse_query(copy, len, &q);
	free(copy);
	return e;
}

/* Both parsers give want; a good message also fails at every proper prefix. */
static void check_message(const char *why, const uint8_t *pkt, size_t len, enum err want)
{
	struct arena *a = arena_new();
	struct wire_msg m;
	enum err e = parse(pkt, len, a, &m);
	CHECKF(e == want, "%s: wire_parse gave %s", why, err_str(e));
	e = parse_query(pkt, len);
	CHECKF(e == want, "%s: wire_parse_query gave %s", why, err_str(e));
	for (size_t n = 0; want == ERR_OK && n < len; n++) {
		CHECKF(parse(pkt, n, a, &m) != ERR_OK, "%s: prefix of %zu parses", why, n);
		CHECKF(parse_query(pkt, n) != ERR_OK, "%s: prefix of %zu parses (query)", why, n);
	}
	arena_free(a);
}

static const struct {
	const char *why, *hex;
	enum err want;
} bad[] = {
	{ "header cut short", "ab cd 01 00 00 01 00 00 00 00 00", ERR_TRUNC },
	{ "qname points at itself", HDR("00 00") "c0 0c 00 01 00 01", ERR_PTR },
	{ "qname points forward", HDR("00 00") "c0 0e 00 01 00 01 00", ERR_PTR },
	{ "pointer into the name's own labels", HDR("00 00") "01 61 01 62 c0 0e 00 01 00 01",
	  ERR_PTR },
	{ "owner points at itself", HDR("00 01") Q "c0 19 00 01 00 01" TTL "00 00", ERR_PTR },
	{ "loop: owner -> its own label", HDR("00 01") Q "01 61 c0 19 00 01 00 01" TTL "00 00",
	  ERR_PTR },
	{ "pointer into the header", HDR("00 00") "c0 00 00 01 00 01", ERR_LABEL },
	{ "length byte 0x40 (type 01)", HDR("00 00") "40 61 00 00 01 00 01", ERR_LABEL },
	{ "length byte 0x80 (type 10)", HDR("00 00") "80 61 00 00 01 00 01", ERR_LABEL },
	{ "pointer to a label of type 01", HDR("00 02") Q "c0 0c ff 00 00 01" TTL "00 02 41 00"
	  RR_A("c0 25"), ERR_LABEL },
	{ "ANCOUNT 65535, no room", HDR("ff ff") "00 00 01 00 01", ERR_COUNT },
	{ "ANCOUNT 1, no room", HDR("00 01") Q, ERR_COUNT },
	{ "NSCOUNT 3, room for one", HDR4("00 01", "00 00", "00 03", "00 00") Q RR_A("c0 0c"),
	  ERR_COUNT },
	{ "ARCOUNT 1000", HDR4("00 01", "00 00", "00 00", "03 e8") Q RR_A("c0 0c"), ERR_COUNT },
	{ "QDCOUNT 2", HDR4("00 02", "00 00", "00 00", "00 00") Q Q, ERR_QDCOUNT },
	{ "QDCOUNT 65535", HDR4("ff ff", "00 00", "00 00", "00 00") Q, ERR_QDCOUNT },
	{ "question cut in the name", HDR("00 00") "07 65 78 61 6d", ERR_TRUNC },
	{ "question without class", HDR("00 00") QNAME "00 01", ERR_TRUNC },
	{ "rdlength past the end",
	  HDR("00 01") Q "c0 0c 00 01 00 01" TTL "00 05 c0 00 02 01", ERR_TRUNC },
	{ "rdlength 65535", HDR("00 01") Q "c0 0c 00 01 00 01" TTL "ff ff 00", ERR_TRUNC },
	{ "A with rdlength 3", HDR("00 01") Q "c0 0c 00 01 00 01" TTL "00 03 c0 00 02",
	  ERR_RDATA },
	{ "A with rdlength 5", HDR("00 01") Q "c0 0c 00 01 00 01" TTL "00 05 c0 00 02 01 00",
	  ERR_RDATA },
	{ "AAAA with rdlength 4", HDR("00 01") Q "c0 0c 00 1c 00 01" TTL "00 04 c0 00 02 01",
	  ERR_RDATA },
	{ "MX with a trailing byte",
	  HDR("00 01") Q "c0 0c 00 0f 00 01" TTL "00 05 00 0a c0 0c 00", ERR_RDATA },
	{ "MX with one byte", HDR("00 01") Q "c0 0c 00 0f 00 01" TTL "00 01 00", ERR_RDATA },
	{ "CNAME overruns its rdata",
	  HDR("00 01") Q "c0 0c 00 05 00 01" TTL "00 03 03 77 77 77 c0 0c", ERR_RDATA },
	{ "MX exchange overruns its rdata",
	  HDR("00 01") Q "c0 0c 00 0f 00 01" TTL "00 03 00 0a c0 0c", ERR_RDATA },
	{ "SOA without its timers",
	  HDR("00 01") Q "c0 0c 00 06 00 01" TTL "00 04 c0 0c c0 0c", ERR_RDATA },
	{ "name in rdata points forward",
	  HDR("00 01") Q "c0 0c 00 05 00 01" TTL "00 02 c0 26", ERR_PTR },
	{ "name in rdata points at itself",
	  HDR("00 01") Q "c0 0c 00 05 00 01" TTL "00 02 c0 25", ERR_PTR },
	{ "TXT string past its rdata",
	  HDR("00 01") Q "c0 0c 00 10 00 01" TTL "00 02 05 61", ERR_RDATA },
	{ "OPT twice", HDR4("00 01", "00 00", "00 00", "00 02") Q OPT OPT, ERR_OPT },
	{ "OPT in the answer", HDR("00 01") Q OPT, ERR_OPT },
	{ "OPT in the authority", HDR4("00 01", "00 00", "00 01", "00 00") Q OPT, ERR_OPT },
	{ "OPT owned by example.", HDR4("00 01", "00 00", "00 00", "00 01") Q
	  "c0 0c 00 29 10 00 00 00 00 00 00 00", ERR_OPT },
	{ "OPT option past its rdata", HDR4("00 01", "00 00", "00 00", "00 01") Q
	  "00 00 29 10 00 00 00 00 00 00 06 00 0a 00 08 01 02", ERR_RDATA },
	{ "trailing byte after the question", HDR("00 00") Q "00", ERR_TRAIL },
	{ "trailing bytes after a record", HDR("00 01") Q RR_A("c0 0c") "00 00", ERR_TRAIL },
	{ "trailing bytes, no question", HDR4("00 00", "00 00", "00 00", "00 00") "00", ERR_TRAIL },
};

static void test_bad_messages(void)
{
	for (size_t i = 0; i < COUNT(bad); i++) {
		uint8_t pkt[512];
		size_t len = check_hex(bad[i].hex, pkt, sizeof(pkt));
		check_message(bad[i].why, pkt, len, bad[i].want);
	}
}

static const struct {
	const char *why, *hex;
} good[] = {
	{ "header only", HDR4("00 00", "00 00", "00 00", "00 00") },
	{ "plain query", HDR("00 00") Q },
	{ "query with EDNS", HDR4("00 01", "00 00", "00 00", "00 01") Q OPT },
	{ "EDNS with DO and a cookie option", HDR4("00 01", "00 00", "00 00", "00 01") Q
	  "00 00 29 04 d0 00 00 80 00 00 0c 00 0a 00 08 01 02 03 04 05 06 07 08" },
	{ "answer owner compressed", HDR("00 01") Q RR_A("c0 0c") },
	{ "pointer to a pointer", HDR("00 02") Q RR_A("c0 0c") RR_A("c0 19") },
	{ "pointer chain through labels", HDR("00 02") Q RR_A("03 77 77 77 c0 0c")
	  RR_A("01 61 c0 19") },
	{ "CNAME and MX with compressed rdata", HDR("00 02") Q
	  "c0 0c 00 05 00 01" TTL "00 06 03 77 77 77 c0 0c "
	  "c0 25 00 0f 00 01" TTL "00 04 00 0a c0 25" },
	{ "SOA in authority", HDR4("00 01", "00 00", "00 01", "00 00") Q
	  "c0 0c 00 06 00 01" TTL "00 20 02 6e 73 c0 0c 04 68 6f 73 74 c0 0c"
	  " 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04 00 00 00 05" },
	{ "SRV target compressed (read leniently)", HDR("00 01") Q
	  "c0 0c 00 21 00 01" TTL "00 08 00 00 00 00 00 35 c0 0c" },
	{ "empty rdata of A and MX (RFC 2136)", HDR("00 02") Q
	  "c0 0c 00 01 00 ff 00 00 00 00 00 00 c0 0c 00 0f 00 fe 00 00 00 00 00 00" },
	{ "unknown type, opaque rdata", HDR("00 01") Q "c0 0c ff 00 00 01" TTL "00 02 c0 0c" },
	{ "OPT before another additional record", HDR4("00 01", "00 00", "00 00", "00 02") Q
	  OPT RR_A("c0 0c") },
	{ "all sections", HDR4("00 01", "00 01", "00 01", "00 02") Q RR_A("c0 0c")
	  "c0 0c 00 02 00 01" TTL "00 05 02 6e 73 c0 0c" RR_A("c0 35") OPT },
	{ "no question, records", HDR4("00 00", "00 01", "00 00", "00 00") RR_A("00") },
};

static void test_good_messages(void)
{
	for (size_t i = 0; i < COUNT(good); i++) {
		uint8_t pkt[512];
		size_t len = check_hex(good[i].hex, pkt, sizeof(pkt));
		check_message(good[i].why, pkt, len, ERR_OK);
	}
}

/* What the parser hands back: decompressed names and rdata, EDNS, the extended rcode. */
static void test_parse_fields(void)
{
	uint8_t pkt[512];
	size_t len = check_hex(HDR4("00 01", "00 02", "00 01", "00 02") Q
			       "c0 0c 00 05 00 01" TTL "00 06 03 77 77 77 c0 0c "
			       "c0 25 00 0f 00 01 00 00 00 3c 00 04 00 0a c0 25 "
			       "c0 0c 00 02 00 01" TTL "00 05 02 6e 73 c0 0c"
			       " 00 00 29 04 d0 01 00 80 00 00 04 00 0f 00 00" RR_A("c0 47"),
			       pkt, sizeof(pkt));
	pkt[3] = 0x01; /* header rcode 1: with the OPT's upper bits 1, rcode 17 */
	struct arena *a = arena_new();
	struct wire_msg m;
	CHECK(parse(pkt, len, a, &m) == ERR_OK);
	CHECK(m.id == 0xabcd && m.flags == 0x0101 && m.rcode == 17 && m.size == len);
	CHECK(m.has_question && m.q.type == DNS_TYPE_A && m.q.rclass == DNS_CLASS_IN);
	CHECK(memcmp(m.q.name, "\x07" "example", 9) == 0);
	CHECK(m.n[WIRE_ANSWER] == 2 && m.n[WIRE_AUTHORITY] == 1 && m.n[WIRE_ADDITIONAL] == 1);
	const struct wire_rr *cname = &m.rr[WIRE_ANSWER][0], *mx = &m.rr[WIRE_ANSWER][1];
	CHECK(cname->type == DNS_TYPE_CNAME && cname->ttl == 3600 && cname->rdlen == 13);
	CHECK(memcmp(cname->rdata, "\x03www\x07" "example", 13) == 0);
	CHECK(mx->type == DNS_TYPE_MX && mx->ttl == 60 && mx->rdlen == 15);
	CHECK(memcmp(mx->owner, "\x03www\x07" "example", 13) == 0);
	CHECK(memcmp(mx->rdata, "\x00\x0a\x03www\x07" "example", 15) == 0);
	const struct wire_rr *ns = &m.rr[WIRE_AUTHORITY][0], *glue = &m.rr[WIRE_ADDITIONAL][0];
	CHECK(ns->rdlen == 12 && memcmp(ns->rdata, "\x02ns\x07" "example", 12) == 0);
	CHECK(memcmp(glue->owner, "\x02ns\x07" "example", 12) == 0 && glue->rdlen == 4);
	CHECK(m.edns.present && m.edns.udp_size == 1232 && m.edns.version == 0);
	CHECK(m.edns.flags == DNS_EDNS_FLAG_DO && m.edns.opts_len == 4);
	CHECK(memcmp(m.edns.opts, "\x00\x0f\x00\x00", 4) == 0);

	struct wire_query q;
	CHECK(wire_parse_query(pkt, len, &q) == ERR_OK);
	CHECK(q.id == 0xabcd && q.has_question && q.qname_len == 9 && q.question_end == 25);
	CHECK(q.counts[0] == 1 && q.counts[1] == 2 && q.counts[2] == 1 && q.counts[3] == 2);
	CHECK(q.edns.present && q.edns.udp_size == 1232 && q.edns.flags == DNS_EDNS_FLAG_DO);
	CHECK(q.edns.opts_len == 4 && q.edns.opts >= pkt && q.edns.opts < pkt + len);
	CHECK(q.edns.opts && memcmp(q.edns.opts, "\x00\x0f\x00\x00", 4) == 0);
	arena_free(a);
}

/* A chain of pointers in opaque rdata, each to the one before: the answer's owner jumps to
 * the last and follows all of them to the root name at 12, hops + 1 jumps in all. */
static void chain_message(struct pkt *p, unsigned hops)
{
	p->n = 0;
	put_hex(p, HDR("00 02") "00 00 01 00 01"); /* question: the root, at 12 */
	put_hex(p, "00 ff 00 00 01" TTL);
	put_u16(p, 2 * hops);
	size_t first = p->n;
	put_hex(p, "c0 0c");
	for (unsigned i = 1; i < hops; i++)
		put_u16(p, 0xC000 | (unsigned)(first + 2 * (i - 1)));
	put_u16(p, 0xC000 | (unsigned)(first + 2 * (hops - 1)));
	put_hex(p, "00 01 00 01" TTL "00 04 7f 00 00 01");
}

/* wire_parse_head reads the header and the question and stops: a reply whose counts promise
 * records that are not there (TC=1, cut short) still gives its question, which
 * wire_parse_query refuses; what it cannot read it still refuses. */
static void test_parse_head(void)
{
	uint8_t pkt[512];
	size_t len = check_hex("ab cd 82 00 00 01 00 05 00 00 00 00 " Q, pkt, sizeof(pkt));
	struct wire_query q;
	CHECK(wire_parse_query(pkt, len, &q) == ERR_COUNT);
	CHECK(wire_parse_head(pkt, len, &q) == ERR_OK);
	CHECK(q.id == 0xabcd && (q.flags & DNS_FLAG_TC) && q.counts[1] == 5);
	CHECK(q.has_question && q.q.type == DNS_TYPE_A && q.qname_len == 9 &&
	      q.question_end == 25 && !q.edns.present);
	CHECK(memcmp(q.q.name, "\x07" "example", 9) == 0);
	for (size_t n = 0; n < len; n++) /* a header or question cut short is an error */
		CHECKF(wire_parse_head(pkt, n, &q) != ERR_OK && !q.has_question, "prefix %zu", n);
	len = check_hex(HDR4("00 02", "00 00", "00 00", "00 00") Q, pkt, sizeof(pkt));
	CHECK(wire_parse_head(pkt, len, &q) == ERR_QDCOUNT);
}

static void test_hops(void)
{
	static struct pkt p;
	chain_message(&p, 127); /* 128 jumps: the most a name may take */
	check_message("128 jumps", p.b, p.n, ERR_OK);
	chain_message(&p, 128);
	check_message("129 jumps", p.b, p.n, ERR_PTR);
}

/* A question name of 193 octets; an owner adds a label to it: 255 octets or 256. */
static void test_namelen_via_pointers(void)
{
	static struct pkt p;
	for (unsigned label = 61; label <= 62; label++) {
		p.n = 0;
		put_hex(&p, HDR("00 01"));
		for (int i = 0; i < 3; i++) {
			p.b[p.n++] = 63;
			memset(p.b + p.n, 'q', 63);
			p.n += 63;
		}
		put_hex(&p, "00 00 01 00 01");
		p.b[p.n++] = (uint8_t)label;
		memset(p.b + p.n, 'o', label);
		p.n += label;
		put_hex(&p, "c0 0c 00 01 00 01" TTL "00 04 7f 00 00 01");
		check_message(label == 61 ? "owner of 255" : "owner of 256", p.b, p.n,
			      label == 61 ? ERR_OK : ERR_NAMELEN);
	}
}

/* ---- building ---- */

static void compare_msgs(const struct wire_msg *a, const struct wire_msg *b, const char *why)
{
	CHECKF(a->id == b->id && a->flags == b->flags && a->rcode == b->rcode, "%s: header",
	       why);
	CHECKF(a->has_question == b->has_question && a->q.type == b->q.type &&
		       a->q.rclass == b->q.rclass && name_equal(a->q.name, b->q.name),
	       "%s: question", why);
	for (int s = 0; s < 3; s++) {
		CHECKF(a->n[s] == b->n[s], "%s: section %d has %u and %u", why, s, a->n[s],
		       b->n[s]);
		for (unsigned i = 0; i < a->n[s] && i < b->n[s]; i++) {
			const struct wire_rr *x = &a->rr[s][i], *y = &b->rr[s][i];
			CHECKF(name_equal(x->owner, y->owner) && x->type == y->type &&
				       x->rclass == y->rclass && x->ttl == y->ttl &&
				       x->rdlen == y->rdlen &&
				       (!x->rdlen || !memcmp(x->rdata, y->rdata, x->rdlen)),
			       "%s: section %d record %u", why, s, i);
		}
	}
	const struct wire_edns *x = &a->edns, *y = &b->edns;
	CHECKF(x->present == y->present && x->udp_size == y->udp_size && x->flags == y->flags &&
		       x->version == y->version && x->opts_len == y->opts_len &&
		       (!x->opts_len || !memcmp(x->opts, y->opts, x->opts_len)),
	       "%s: EDNS", why);
}

/* Writes m again: question, sections, EDNS last. Returns the length, 0 on ERR_SPACE. */
static size_t build_from(const struct wire_msg *m, uint8_t *buf, size_t cap)
{
	struct wire_builder b;
	wire_build_init(&b, buf, cap, m->id, m->flags);
	if (m->has_question && wire_build_question(&b, m->q.name, m->q.type, m->q.rclass))
		return 0;
	for (int s = 0; s < 3; s++)
		for (unsigned i = 0; i < m->n[s]; i++)
			if (wire_build_rr(&b, (enum wire_section)s, &m->rr[s][i]))
				return 0;
	if (m->edns.present && wire_build_edns(&b, m->edns.udp_size, m->rcode, m->edns.flags,
					       m->edns.opts, m->edns.opts_len))
		return 0;
	return wire_build_finish(&b);
}

/* parse -> build -> parse gives the same fields, and building again the same bytes. */
static void check_rebuild(const char *why, const uint8_t *pkt, size_t len)
{
	static uint8_t b1[DNS_MSG_MAX], b2[DNS_MSG_MAX];
	struct arena *a = arena_new();
	struct wire_msg m0, m1, m2;
	CHECKF(parse(pkt, len, a, &m0) == ERR_OK, "%s", why);
	size_t n1 = build_from(&m0, b1, sizeof(b1));
	CHECKF(n1 > 0, "%s: built nothing from %zu bytes", why, len);
	enum err e = parse(b1, n1, a, &m1);
	CHECKF(e == ERR_OK, "%s: reparse %s", why, err_str(e));
	if (e == ERR_OK)
		compare_msgs(&m0, &m1, why);
	size_t n2 = e ? 0 : build_from(&m1, b2, sizeof(b2));
	CHECKF(n2 == n1 && memcmp(b1, b2, n1) == 0, "%s: second build differs", why);
	CHECKF(parse(b2, n2, a, &m2) == ERR_OK, "%s", why);
	arena_free(a);
}

static void test_rebuild(void)
{
	for (size_t i = 0; i < COUNT(good); i++) {
		uint8_t pkt[512];
		size_t len = check_hex(good[i].hex, pkt, sizeof(pkt));
		check_rebuild(good[i].why, pkt, len);
	}
	static struct pkt p;
	chain_message(&p, 127);
	check_rebuild("128 jumps", p.b, p.n);
}

/* Text form of rdata -> wire, for building. */
static struct wire_rr make_rr(struct arena *a, const char *owner, uint16_t type,
			      const char *rdata)
{
	uint8_t name[NAME_MAX_WIRE], rd[1024];
	size_t nlen;
	struct buf_out o;
	struct wire_rr rr = { .type = type, .rclass = DNS_CLASS_IN, .ttl = 300 };
	CHECKF(name_from_text(owner, strlen(owner), NULL, name, &nlen) == ERR_OK, "%s", owner);
	buf_out_init(&o, rd, sizeof(rd));
	CHECKF(rdata_from_text(type, rdata, strlen(rdata), NULL, &o, NULL) == ERR_OK, "%s",
	       rdata);
	rr.owner = arena_dup(a, name, nlen);
	rr.rdata = arena_dup(a, rd, o.len);
	rr.rdlen = (uint16_t)o.len;
	return rr;
}

/* The wire length of rr written without compression. */
static size_t plain_size(const struct wire_rr *rr)
{
	return name_len(rr->owner) + 10 + rr->rdlen;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static void test_build_compression(void)
{
	struct arena *a = arena_new();
	const struct {
		enum wire_section s;
		const char *owner;
		uint16_t type;
		const char *rdata;
	} recs[] = {
		{ WIRE_ANSWER, "www.example.com.", DNS_TYPE_CNAME, "web.example.com." },
		{ WIRE_ANSWER, "WEB.example.com.", DNS_TYPE_A, "192.0.2.1" },
		{ WIRE_ANSWER, "example.com.", DNS_TYPE_MX, "10 mail.example.com." },
		{ WIRE_AUTHORITY, "example.com.", DNS_TYPE_NS, "ns1.example.com." },
		{ WIRE_AUTHORITY, "example.com.", DNS_TYPE_NS, "ns2.example.net." },
		{ WIRE_AUTHORITY, "example.com.", DNS_TYPE_SOA,
		  "ns1.example.com. hostmaster.example.com. 1 2 3 4 5" },
		{ WIRE_ADDITIONAL, "ns1.example.com.", DNS_TYPE_A, "192.0.2.53" },
		{ WIRE_ADDITIONAL, "ns2.example.net.", DNS_TYPE_AAAA, "2001:db8::53" },
	};
	uint8_t qname[NAME_MAX_WIRE], buf[1024];
	size_t qlen, plain = DNS_HEADER_SIZE;
	CHECK(name_from_text("www.example.com.", 16, NULL, qname, &qlen) == ERR_OK);
	plain += qlen + 4;
	struct wire_builder b;
	wire_build_init(&b, buf, sizeof(buf), 0x1234, DNS_FLAG_QR | DNS_FLAG_RD);
	CHECK(wire_build_question(&b, qname, DNS_TYPE_A, DNS_CLASS_IN) == ERR_OK);
	struct wire_rr rrs[COUNT(recs)];
	for (size_t i = 0; i < COUNT(recs); i++) {
		rrs[i] = make_rr(a, recs[i].owner, recs[i].type, recs[i].rdata);
		CHECK(wire_build_rr(&b, recs[i].s, &rrs[i]) == ERR_OK);
		plain += plain_size(&rrs[i]);
	}
	size_t len = wire_build_finish(&b);
	CHECKF(len < plain * 6 / 10, "%zu bytes compressed, %zu plain", len, plain);
	/* The first answer's owner points at the question; its CNAME target at "example.com". */
	CHECK(memcmp(buf + 12 + qlen + 4, "\xc0\x0c", 2) == 0);
	CHECK(contains(buf, len, "\x03web\xc0\x10", 6));
	CHECK(contains(buf, len, "\x04mail\xc0\x10", 7));
	CHECK(contains(buf, len, "\x03ns1\xc0\x10", 6));
	CHECK(contains(buf, len, "\x0ahostmaster\xc0\x10", 13));
	CHECK(contains(buf, len, "\x03ns2\x07" "example\x03net", 16));
	struct wire_msg m;
	CHECK(parse(buf, len, a, &m) == ERR_OK);
	CHECK(m.id == 0x1234 && m.flags == (DNS_FLAG_QR | DNS_FLAG_RD));
	CHECK(m.has_question && name_equal(m.q.name, qname) && m.q.type == DNS_TYPE_A);
	CHECK(m.n[0] == 3 && m.n[1] == 3 && m.n[2] == 2 && !m.edns.present);
	for (size_t i = 0, k[3] = { 0 }; i < COUNT(recs); i++) {
		const struct wire_rr *x = &m.rr[recs[i].s][k[recs[i].s]++];
		CHECKF(name_equal(x->owner, rrs[i].owner) && x->type == rrs[i].type &&
			       x->ttl == 300 && x->rclass == DNS_CLASS_IN &&
			       x->rdlen == rrs[i].rdlen &&
			       !memcmp(x->rdata, rrs[i].rdata, x->rdlen),
		       "record %zu", i);
	}
	check_rebuild("compressed message", buf, len);
	arena_free(a);
}

/* A name whose labels repeat must not point into itself while half written, even when the
 * buffer's stale bytes (zeros here) would make the half-written name look whole. */
static void test_build_repeated_labels(void)
{
	static const char *const names[] = { "a.a.", "a.a.a.", "www.www.example.", "x.y.x.y." };
	for (size_t i = 0; i < COUNT(names); i++) {
		uint8_t name[NAME_MAX_WIRE], buf[128];
		size_t nlen;
		CHECK(name_from_text(names[i], strlen(names[i]), NULL, name, &nlen) == ERR_OK);
		memset(buf, 0, sizeof(buf));
		struct wire_builder b;
		wire_build_init(&b, buf, sizeof(buf), 1, 0);
		CHECK(wire_build_question(&b, name, DNS_TYPE_A, DNS_CLASS_IN) == ERR_OK);
		struct wire_rr rr = { .owner = name, .type = DNS_TYPE_NS, .rclass = DNS_CLASS_IN,
				      .rdlen = (uint16_t)nlen, .rdata = name };
		CHECK(wire_build_rr(&b, WIRE_ANSWER, &rr) == ERR_OK);
		size_t len = wire_build_finish(&b);
		CHECKF(len == 12 + nlen + 4 + 2 + 10 + 2, "%s: %zu bytes", names[i], len);
		struct arena *a = arena_new();
		struct wire_msg m;
		enum err e = parse(buf, len, a, &m);
		CHECKF(e == ERR_OK && name_equal(m.q.name, name), "%s: %s", names[i], err_str(e));
		arena_free(a);
	}
}

/* Names in rdata of types after RFC 1035 are never compressed (RFC 3597 §4, RFC 6672 §2.5):
 * their whole name must be in the bytes, while the owner before it is compressed. */
static void test_build_uncompressed_targets(void)
{
	static const struct {
		uint16_t type;
		const char *rdata;
	} cases[] = {
		{ DNS_TYPE_SRV, "0 5 5060 example.com." },
		{ DNS_TYPE_RRSIG, "A 8 2 300 20240201000000 20240101000000 1 example.com. AA==" },
		{ DNS_TYPE_NSEC, "example.com. A" },
		{ DNS_TYPE_DNAME, "example.com." },
		{ DNS_TYPE_NAPTR, "1 1 \"\" \"\" \"\" example.com." },
		{ DNS_TYPE_HTTPS, "1 example.com. alpn=h2" },
		{ DNS_TYPE_AFSDB, "1 example.com." },
		{ DNS_TYPE_RP, "example.com. example.com." },
	};
	static const uint8_t whole[] = "\x07" "example\x03" "com";
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct arena *a = arena_new();
		uint8_t buf[512];
		struct wire_builder b;
		struct wire_rr rr = make_rr(a, "example.com.", cases[i].type, cases[i].rdata);
		wire_build_init(&b, buf, sizeof(buf), 1, DNS_FLAG_QR);
		CHECK(wire_build_question(&b, rr.owner, cases[i].type, DNS_CLASS_IN) == ERR_OK);
		CHECK(wire_build_rr(&b, WIRE_ANSWER, &rr) == ERR_OK);
		size_t len = wire_build_finish(&b);
		CHECKF(len == 41u + rr.rdlen, "type %u: %zu bytes", cases[i].type, len);
		CHECKF(memcmp(buf + 29, "\xc0\x0c", 2) == 0, "type %u: owner", cases[i].type);
		CHECKF(memcmp(buf + 41, rr.rdata, rr.rdlen) == 0 &&
			       contains(buf + 41, rr.rdlen, whole, sizeof(whole)),
		       "type %u: rdata not as given", cases[i].type);
		check_rebuild("uncompressed target", buf, len);
		arena_free(a);
	}
}

/* A full builder drops whole RRsets from the end: TC for answer and authority, not for
 * additional, and the reserved OPT record still fits. */
static void test_build_truncation(void)
{
	struct arena *a = arena_new();
	struct wire_rr ans[3], ns[2], glue[2];
	for (int i = 0; i < 3; i++)
		ans[i] = make_rr(a, "example.com.", DNS_TYPE_A, i == 0 ? "192.0.2.1" : "192.0.2.2");
	ns[0] = make_rr(a, "example.com.", DNS_TYPE_NS, "a-long-server-name.example.net.");
	ns[1] = make_rr(a, "example.com.", DNS_TYPE_NS, "b-long-server-name.example.net.");
	glue[0] = make_rr(a, "a-long-server-name.example.net.", DNS_TYPE_A, "192.0.2.3");
	glue[1] = make_rr(a, "b-long-server-name.example.net.", DNS_TYPE_A, "192.0.2.4");
	uint8_t buf[512];
	struct wire_builder b;
	struct wire_msg m;
	/* Header 12, question 17, three answers of 16: 77. The NS set: 44 + 33 more; one NS
	 * fits in 125, not in 125 - 11. */
	const size_t cap = 125;
	for (int round = 0; round < 2; round++) {
		wire_build_init(&b, buf, cap, 7, DNS_FLAG_QR);
		if (round)
			wire_build_reserve(&b, 11);
		CHECK(wire_build_question(&b, ans[0].owner, DNS_TYPE_A, DNS_CLASS_IN) == ERR_OK);
		CHECK(wire_build_rrset(&b, WIRE_ANSWER, ans, 3) == ERR_OK);
		size_t before = b.out.len;
		CHECK(before == 77 && !(b.flags & DNS_FLAG_TC));
		CHECK(wire_build_rrset(&b, WIRE_ADDITIONAL, glue, 2) == ERR_SPACE);
		CHECK(!(b.flags & DNS_FLAG_TC) && b.out.len == before && b.count[3] == 0);
		CHECK(wire_build_rrset(&b, WIRE_AUTHORITY, ns, 2) == ERR_SPACE);
		CHECK((b.flags & DNS_FLAG_TC) && b.out.len == before && b.count[2] == 0);
		/* one NS alone fits without the reservation, not with it */
		CHECK(wire_build_rrset(&b, WIRE_AUTHORITY, ns, 1) == (round ? ERR_SPACE : ERR_OK));
		if (round) {
			wire_build_reserve(&b, 0);
			CHECK(wire_build_edns(&b, 1232, 0, DNS_EDNS_FLAG_DO, NULL, 0) == ERR_OK);
		}
		size_t len = wire_build_finish(&b);
		CHECK(len <= cap);
		CHECK(parse(buf, len, a, &m) == ERR_OK);
		CHECK((m.flags & DNS_FLAG_TC) && m.n[0] == 3 && m.n[1] == (round ? 0 : 1));
		CHECK(m.n[2] == 0 && m.edns.present == (round == 1));
		CHECK(!round || (m.edns.udp_size == 1232 && m.edns.flags == DNS_EDNS_FLAG_DO));
	}
	/* Additional glue dropped alone: no TC. */
	wire_build_init(&b, buf, 130, 7, DNS_FLAG_QR); /* 29 + 77 + 16: one glue record */
	CHECK(wire_build_question(&b, ans[0].owner, DNS_TYPE_NS, DNS_CLASS_IN) == ERR_OK);
	CHECK(wire_build_rrset(&b, WIRE_ANSWER, ns, 2) == ERR_OK);
	CHECK(wire_build_rrset(&b, WIRE_ADDITIONAL, glue, 1) == ERR_OK);
	CHECK(wire_build_rrset(&b, WIRE_ADDITIONAL, glue + 1, 1) == ERR_SPACE);
	size_t len = wire_build_finish(&b);
	CHECK(parse(buf, len, a, &m) == ERR_OK && !(m.flags & DNS_FLAG_TC));
	CHECK(m.n[0] == 2 && m.n[2] == 1);
	arena_free(a);
}

/* A dropped RRset takes its compression targets with it: a later name must not point into
 * the bytes that were rolled back. */
static void test_build_rollback(void)
{
	struct arena *a = arena_new();
	struct wire_rr big = make_rr(a, "x.new-name.example.", DNS_TYPE_TXT,
				     "\"0123456789012345678901234567890123456789\"");
	struct wire_rr small = make_rr(a, "new-name.example.", DNS_TYPE_A, "192.0.2.1");
	uint8_t root[1] = { 0 }, buf[100];
	struct wire_builder b;
	struct wire_mark mark;
	wire_build_init(&b, buf, 60, 9, 0);
	CHECK(wire_build_question(&b, root, DNS_TYPE_A, DNS_CLASS_IN) == ERR_OK);
	wire_build_mark(&b, &mark);
	CHECK(wire_build_rrset(&b, WIRE_ANSWER, &big, 1) == ERR_SPACE);
	CHECK(b.out.len == mark.len && b.ncomp == mark.ncomp);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &small) == ERR_OK);
	size_t len = wire_build_finish(&b);
	struct wire_msg m;
	CHECK(parse(buf, len, a, &m) == ERR_OK && m.n[0] == 1);
	CHECK(m.n[0] == 1 && name_equal(m.rr[0][0].owner, small.owner));
	/* Explicit mark and rollback: two records undone together. */
	wire_build_init(&b, buf, sizeof(buf), 9, 0);
	wire_build_mark(&b, &mark);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &small) == ERR_OK);
	CHECK(wire_build_rr(&b, WIRE_AUTHORITY, &small) == ERR_OK);
	wire_build_rollback(&b, &mark);
	CHECK(b.out.len == 12 && b.count[1] == 0 && b.count[2] == 0 && b.ncomp == 0);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &small) == ERR_OK);
	len = wire_build_finish(&b);
	CHECK(parse(buf, len, a, &m) == ERR_OK && m.n[0] == 1 && m.n[1] == 0);
	/* Too small for the question: ERR_SPACE and nothing written. */
	wire_build_init(&b, buf, 20, 9, 0);
	CHECK(wire_build_question(&b, small.owner, DNS_TYPE_A, DNS_CLASS_IN) == ERR_SPACE);
	CHECK(b.out.len == 12 && b.count[0] == 0);
	CHECK(wire_build_finish(&b) == 12);
	arena_free(a);
}

/* Large messages: names past offset 0x3FFF cannot be pointed at, and past WIRE_COMP_MAX names
 * nothing new is remembered. Both must still give a message that parses back the same. */
static void test_build_large(void)
{
	static uint8_t buf[DNS_MSG_MAX];
	struct arena *a = arena_new();
	struct wire_builder b;
	wire_build_init(&b, buf, sizeof(buf), 3, DNS_FLAG_QR);
	enum { N = 400 };
	static struct wire_rr rrs[N];
	char owner[64];
	for (int i = 0; i < N; i++) {
		snprintf(owner, sizeof(owner), "host-%d.zone-%d.example.", i, i % 7);
		rrs[i] = make_rr(a, owner, DNS_TYPE_TXT,
				 "\"a string of some length to fill the message past 16 KiB\"");
		CHECK(wire_build_rr(&b, WIRE_ANSWER, &rrs[i]) == ERR_OK);
	}
	size_t len = wire_build_finish(&b);
	CHECKF(len > 0x4000 + 1000, "%zu bytes", len);
	struct wire_msg m;
	CHECK(parse(buf, len, a, &m) == ERR_OK && m.n[0] == N);
	for (int i = 0; i < N && m.n[0] == N; i++)
		CHECKF(name_equal(m.rr[0][i].owner, rrs[i].owner), "record %d", i);
	check_rebuild("large message", buf, len);
	/* The 65535 limit: a record that would pass it is refused and the message is kept. */
	wire_build_init(&b, buf, sizeof(buf), 3, 0);
	struct wire_rr txt = make_rr(a, "t.", DNS_TYPE_TXT, "\"x\"");
	static uint8_t rd[65000];
	memset(rd, 3, sizeof(rd)); /* 16250 strings "\3\3\3" */
	txt.rdata = rd;
	txt.rdlen = sizeof(rd);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &txt) == ERR_OK);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &txt) == ERR_SPACE && b.count[1] == 1);
	len = wire_build_finish(&b);
	CHECK(len == 12 + 3 + 10 + 65000 && parse(buf, len, a, &m) == ERR_OK);
	arena_free(a);
}

/* A name first written past offset 0x3FFF cannot be pointed at (a pointer has 14 bits), so
 * the same name written again must be written whole: a pointer to it would wrap around to
 * the start of the message. One 17,000-byte record carries the names past the reach. */
static void test_build_past_pointer_reach(void)
{
	static uint8_t buf[DNS_MSG_MAX], rd[17000];
	struct arena *a = arena_new();
	struct wire_builder b;
	wire_build_init(&b, buf, sizeof(buf), 4, DNS_FLAG_QR);
	struct wire_rr big = make_rr(a, "big.", DNS_TYPE_TXT, "\"x\"");
	memset(rd, 3, sizeof(rd)); /* strings "\3\3\3" */
	big.rdata = rd;
	big.rdlen = sizeof(rd);
	struct wire_rr late = make_rr(a, "late.example.", DNS_TYPE_A, "192.0.2.1");
	struct wire_rr cname = make_rr(a, "alias.", DNS_TYPE_CNAME, "late.example.");
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &big) == ERR_OK);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &late) == ERR_OK);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &late) == ERR_OK);
	CHECK(wire_build_rr(&b, WIRE_ANSWER, &cname) == ERR_OK);
	size_t len = wire_build_finish(&b);
	CHECKF(len > 0x4000 + 40, "%zu bytes", len);
	/* Owner, owner, CNAME target: "late.example." whole three times, no pointer to it. */
	size_t whole = 0;
	for (size_t i = 0x4000; i + 14 <= len; i++)
		whole += memcmp(buf + i, "\x04late\x07" "example\x00", 14) == 0;
	CHECKF(whole == 3, "late.example. written whole %zu times", whole);
	struct wire_msg m;
	CHECK(parse(buf, len, a, &m) == ERR_OK && m.n[WIRE_ANSWER] == 4);
	for (int i = 1; i < 3 && m.n[WIRE_ANSWER] == 4; i++)
		CHECKF(name_equal(m.rr[WIRE_ANSWER][i].owner, late.owner), "record %d", i);
	if (m.n[WIRE_ANSWER] == 4)
		CHECK(name_equal(m.rr[WIRE_ANSWER][3].rdata, late.owner));
	check_rebuild("names past the pointers' reach", buf, len);
	arena_free(a);
}

/* EDNS built and read back: UDP size, DO, options and the extended rcode (RFC 6891 §6.1.3). */
static void test_build_edns(void)
{
	static const uint8_t opts[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t buf[512];
	struct wire_builder b;
	struct arena *a = arena_new();
	struct wire_msg m;
	wire_build_init(&b, buf, sizeof(buf), 5, DNS_FLAG_QR | (DNS_RCODE_BADVERS & 0xF));
	CHECK(wire_build_edns(&b, 4096, DNS_RCODE_BADVERS, DNS_EDNS_FLAG_DO, opts,
			      sizeof(opts)) == ERR_OK);
	size_t len = wire_build_finish(&b);
	CHECK(len == 12 + 11 + sizeof(opts));
	CHECK(parse(buf, len, a, &m) == ERR_OK);
	CHECK(m.rcode == DNS_RCODE_BADVERS && m.edns.present && m.edns.udp_size == 4096);
	CHECK(m.edns.flags == DNS_EDNS_FLAG_DO && m.edns.opts_len == sizeof(opts));
	CHECK(memcmp(m.edns.opts, opts, sizeof(opts)) == 0);
	check_rebuild("EDNS", buf, len);
	arena_free(a);
}

static void test_rr_to_text(void)
{
	struct arena *a = arena_new();
	struct wire_rr rr = make_rr(a, "www.example.", DNS_TYPE_MX, "10 mail.example.");
	rr.ttl = 3600;
	char s[256];
	struct buf_out o;
	buf_out_init(&o, s, sizeof(s));
	wire_rr_to_text(&rr, &o);
	CHECK(o.err == ERR_OK && strncmp(s, "www.example.", 12) == 0);
	CHECK(strstr(s, "3600") && strstr(s, "IN") && strstr(s, "MX"));
	CHECK(strlen(s) > 16 && strcmp(s + strlen(s) - 16, "10 mail.example.") == 0);
	char small[10];
	buf_out_init(&o, small, sizeof(small));
	wire_rr_to_text(&rr, &o);
	CHECK(o.err == ERR_SPACE);
	arena_free(a);
}

int main(void)
{
	RUN(test_bad_messages);
	RUN(test_good_messages);
	RUN(test_parse_fields);
	RUN(test_parse_head);
	RUN(test_hops);
	RUN(test_namelen_via_pointers);
	RUN(test_rebuild);
	RUN(test_build_compression);
	RUN(test_build_repeated_labels);
	RUN(test_build_uncompressed_targets);
	RUN(test_build_truncation);
	RUN(test_build_rollback);
	RUN(test_build_large);
	RUN(test_build_past_pointer_reach);
	RUN(test_build_edns);
	RUN(test_rr_to_text);
	return check_done();
}
