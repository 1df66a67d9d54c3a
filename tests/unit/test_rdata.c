/* tests/unit/test_rdata.c: lib/rdata: every type's text <-> wire, the RFC 3597 generic form,
 * malformed text and wire rdata, mnemonics, and the names a writer may compress.
 *
 * The round-trip table holds each type's canonical text with its wire bytes: text -> wire must
 * give the bytes, wire -> text the same text, the bytes must pass the wire checker unchanged,
 * and the printed text and the generic form must both read back to the same bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dns.h"
#include "name.h"
#include "rdata.h"
#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define TYPE_PRIVATE 65280

static const char *last_why;

/* rdata_from_text on a C string into out (cap bytes). */
static enum err from_text(uint16_t type, const char *text, const uint8_t *origin, uint8_t *out,
			  size_t cap, size_t *len)
{
	struct buf_out o;
	buf_out_init(&o, out, cap);
	last_why = NULL;
	enum err e = rdata_from_text(type, text, strlen(text), origin, &o, &last_why);
	*len = o.len;
	return e;
}

static const char *to_text(uint16_t type, const uint8_t *rd, size_t len, char *s, size_t cap)
{
	struct buf_out o;
	buf_out_init(&o, s, cap);
	s[0] = 0;
	rdata_to_text(type, rd, len, &o);
	return o.err ? "(ERR_SPACE)" : s;
}

/* rdata_unpack on rdata that is a whole buffer of its own. */
static enum err unpack(uint16_t type, const uint8_t *rd, size_t len, uint8_t *out, size_t *olen)
{
	struct buf_in in;
	struct buf_out o;
	buf_in_init(&in, rd, len);
	buf_out_init(&o, out, RDATA_MAX_UNPACKED);
	enum err e = rdata_unpack(&in, type, (uint16_t)len, &o);
	*olen = o.len;
	CHECKF(e != ERR_OK || in.pos == len, "cursor at %zu of %zu", in.pos, len);
	return e;
}

static uint8_t w1[RDATA_MAX_UNPACKED], w2[RDATA_MAX_UNPACKED];
static char t1[140000], t2[140000];

static bool same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The checks every good text gets; want is the canonical text, hex the wire form (NULL: not
 * checked). */
static void check_text(uint16_t type, const char *in, const char *want, const char *hex)
{
	size_t n1, n2;
	enum err e = from_text(type, in, NULL, w1, sizeof(w1), &n1);
	CHECKF(e == ERR_OK, "type %u \"%s\": %s (%s)", type, in, err_str(e), last_why);
	if (e)
		return;
	if (hex) {
		static uint8_t wire[4096];
		size_t wlen = check_hex(hex, wire, sizeof(wire));
		CHECKF(same(w1, n1, wire, wlen), "type %u \"%s\": wire differs (%zu bytes)", type,
		       in, n1);
	}
	const char *t = to_text(type, w1, n1, t1, sizeof(t1));
	CHECKF(strcmp(t, want) == 0, "type %u: got \"%s\", want \"%s\"", type, t, want);
	/* The bytes are valid wire rdata, and unpacking leaves them as they are. */
	e = unpack(type, w1, n1, w2, &n2);
	CHECKF(e == ERR_OK && same(w1, n1, w2, n2), "type %u \"%s\": unpack %s", type, in,
	       err_str(e));
	/* wire -> text -> wire */
	e = from_text(type, t, NULL, w2, sizeof(w2), &n2);
	CHECKF(e == ERR_OK && same(w1, n1, w2, n2), "type %u \"%s\": reread %s", type, t,
	       err_str(e));
	/* The generic form of the same bytes reads back too (RFC 3597 §5, known types). */
	struct buf_out o;
	buf_out_init(&o, t2, sizeof(t2));
	buf_printf(&o, "\\# %zu ", n1);
	text_hex_encode(w1, n1, &o);
	e = from_text(type, t2, NULL, w2, sizeof(w2), &n2);
	CHECKF(e == ERR_OK && same(w1, n1, w2, n2), "type %u \\# form: %s", type, err_str(e));
}

#define FOO_COM "03 66 6f 6f 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00"
#define FOO_ORG "03 66 6f 6f 07 65 78 61 6d 70 6c 65 03 6f 72 67 00"
#define B32H20 "000G40O40K30E209185GO38E1S8124GJ" /* base32hex of 00 01 ... 13 */
#define BYTES20 "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13"

static const struct {
	uint16_t type;
	const char *text, *hex;
} canonical[] = {
	{ DNS_TYPE_A, "192.0.2.1", "c0 00 02 01" },
	{ DNS_TYPE_A, "0.0.0.0", "00 00 00 00" },
	{ DNS_TYPE_AAAA, "2001:db8::1", "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01" },
	{ DNS_TYPE_AAAA, "::", "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" },
	{ DNS_TYPE_AAAA, "::ffff:192.0.2.1", "00 00 00 00 00 00 00 00 00 00 ff ff c0 00 02 01" },
	{ DNS_TYPE_NS, "ns.a.", "02 6e 73 01 61 00" },
	{ DNS_TYPE_CNAME, "A.b.", "01 41 01 62 00" },
	{ DNS_TYPE_DNAME, "b.", "01 62 00" },
	{ DNS_TYPE_DNAME, ".", "00" },
	{ DNS_TYPE_PTR, "\\.x.y.", "02 2e 78 01 79 00" },
	{ DNS_TYPE_SOA, "ns.a. host.a. 2024010101 7200 3600 1209600 300",
	  "02 6e 73 01 61 00 04 68 6f 73 74 01 61 00"
	  " 78 a3 f1 75 00 00 1c 20 00 00 0e 10 00 12 75 00 00 00 01 2c" },
	{ DNS_TYPE_MX, "10 mx.a.", "00 0a 02 6d 78 01 61 00" },
	{ DNS_TYPE_MX, "0 .", "00 00 00" },
	{ DNS_TYPE_TXT, "\"hello world\"", "0b 68 65 6c 6c 6f 20 77 6f 72 6c 64" },
	{ DNS_TYPE_TXT, "\"a\" \"\" \"\\\"\\\\\" \"\\000\\255\"", "01 61 00 02 22 5c 02 00 ff" },
	{ DNS_TYPE_TXT, "\"\"", "00" },
	{ DNS_TYPE_TXT, "\"();@$. \\009\"", "08 28 29 3b 40 24 2e 20 09" },
	{ DNS_TYPE_SPF, "\"v=spf1 -all\"", "0b 76 3d 73 70 66 31 20 2d 61 6c 6c" },
	{ DNS_TYPE_SRV, "0 5 5060 sip.a.", "00 00 00 05 13 c4 03 73 69 70 01 61 00" },
	{ DNS_TYPE_CAA, "0 issue \"letsencrypt.org\"",
	  "00 05 69 73 73 75 65 6c 65 74 73 65 6e 63 72 79 70 74 2e 6f 72 67" },
	{ DNS_TYPE_CAA, "128 iodef \"mailto:a@b\"",
	  "80 05 69 6f 64 65 66 6d 61 69 6c 74 6f 3a 61 40 62" },
	{ DNS_TYPE_CAA, "0 issue \"\"", "00 05 69 73 73 75 65" },
	{ DNS_TYPE_NAPTR, "100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
	  "00 64 00 0a 01 55 07 45 32 55 2b 73 69 70 1b 21 5e 2e 2a 24 21 73 69 70 3a 69 6e 66 6f"
	  " 40 65 78 61 6d 70 6c 65 2e 63 6f 6d 21 00" },
	{ DNS_TYPE_NAPTR, "100 50 \"s\" \"\" \"\" _sip._udp.a.",
	  "00 64 00 32 01 73 00 00 04 5f 73 69 70 04 5f 75 64 70 01 61 00" },
	{ DNS_TYPE_DS, "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	  "ec 45 05 01 2b b1 83 af 5f 22 58 81 79 a5 3b 0a 98 63 1f ad 1a 29 21 18" },
	{ DNS_TYPE_CDS, "0 0 0 00", "00 00 00 00 00" },
	{ DNS_TYPE_DNSKEY, "257 3 8 AwEAAQ==", "01 01 03 08 03 01 00 01" },
	{ DNS_TYPE_CDNSKEY, "0 3 0 AA==", "00 00 03 00 00" },
	{ DNS_TYPE_RRSIG, "A 8 2 3600 20240201000000 20240101000000 12345 example. AAECAwQ=",
	  "00 01 08 02 00 00 0e 10 65 ba df 00 65 92 00 80 30 39 07 65 78 61 6d 70 6c 65 00"
	  " 00 01 02 03 04" },
	{ DNS_TYPE_RRSIG, "TYPE65280 13 0 0 19700101000000 21060207062815 0 . AA==",
	  "ff 00 0d 00 00 00 00 00 00 00 00 00 ff ff ff ff 00 00 00 00" },
	{ DNS_TYPE_NSEC, "b.a. A NS SOA MX RRSIG NSEC TYPE1234",
	  "01 62 01 61 00 00 06 62 01 00 00 00 03 04 1b 00 00 00 00 00 00 00 00 00 00 00 00 00"
	  " 00 00 00 00 00 00 00 00 00 00 00 00 00 20" },
	{ DNS_TYPE_NSEC, "a.", "01 61 00" },
	{ DNS_TYPE_NSEC, "a. CAA", "01 61 00 01 01 40" },
	{ DNS_TYPE_NSEC3, "1 1 12 AABBCCDD " B32H20 " A RRSIG",
	  "01 01 00 0c 04 aa bb cc dd 14 " BYTES20 " 00 06 40 00 00 00 00 02" },
	{ DNS_TYPE_NSEC3, "1 0 0 - " B32H20, "01 00 00 00 00 14 " BYTES20 },
	{ DNS_TYPE_NSEC3PARAM, "1 0 10 AABBCCDD", "01 00 00 0a 04 aa bb cc dd" },
	{ DNS_TYPE_NSEC3PARAM, "1 0 0 -", "01 00 00 00 00" },
	{ DNS_TYPE_HINFO, "\"INTEL-386\" \"Unix\"",
	  "09 49 4e 54 45 4c 2d 33 38 36 04 55 6e 69 78" },
	{ DNS_TYPE_SSHFP, "2 1 123456789ABCDEF67890123456789ABCDEF67890",
	  "02 01 12 34 56 78 9a bc de f6 78 90 12 34 56 78 9a bc de f6 78 90" },
	{ DNS_TYPE_TLSA, "3 1 1 0123456789ABCDEF", "03 01 01 01 23 45 67 89 ab cd ef" },
	{ DNS_TYPE_MINFO, "r.a. e.a.", "01 72 01 61 00 01 65 01 61 00" },
	{ DNS_TYPE_RP, "m.a. t.a.", "01 6d 01 61 00 01 74 01 61 00" },
	{ DNS_TYPE_AFSDB, "1 afs.a.", "00 01 03 61 66 73 01 61 00" },
	{ DNS_TYPE_KX, "10 kx.a.", "00 0a 02 6b 78 01 61 00" },
	/* SVCB and HTTPS: RFC 9460 Appendix D.1 and D.2, then one of every key. */
	{ DNS_TYPE_HTTPS, "0 foo.example.com.", "00 00 " FOO_COM },
	{ DNS_TYPE_SVCB, "1 .", "00 01 00" },
	{ DNS_TYPE_SVCB, "16 foo.example.com. port=53", "00 10 " FOO_COM " 00 03 00 02 00 35" },
	{ DNS_TYPE_SVCB, "1 foo.example.com. key667=\"hello\"",
	  "00 01 " FOO_COM " 02 9b 00 05 68 65 6c 6c 6f" },
	{ DNS_TYPE_SVCB, "1 foo.example.com. key667=\"hello\\210qoo\"",
	  "00 01 " FOO_COM " 02 9b 00 09 68 65 6c 6c 6f d2 71 6f 6f" },
	{ DNS_TYPE_SVCB, "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1",
	  "00 01 " FOO_COM " 00 06 00 20 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
	  " 20 01 0d b8 00 00 00 00 00 00 00 00 00 53 00 01" },
	{ DNS_TYPE_SVCB,
	  "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" ipv4hint=192.0.2.1",
	  "00 10 " FOO_ORG " 00 00 00 04 00 01 00 04 00 01 00 09 02 68 32 05 68 33 2d 31 39"
	  " 00 04 00 04 c0 00 02 01" },
	{ DNS_TYPE_SVCB, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
	  "00 10 " FOO_ORG " 00 01 00 0c 08 66 5c 6f 6f 2c 62 61 72 02 68 32" },
	{ DNS_TYPE_HTTPS,
	  "1 . mandatory=alpn,port alpn=\"h2,h3\" no-default-alpn port=8443"
	  " ipv4hint=192.0.2.1,192.0.2.2 ech=AEX+/w== ipv6hint=2001:db8::1"
	  " dohpath=\"/q{?dns}\" ohttp key65000=\"x y\" key65001",
	  "00 01 00 | 00 00 00 04 00 01 00 03 | 00 01 00 06 02 68 32 02 68 33 | 00 02 00 00"
	  " | 00 03 00 02 20 fb | 00 04 00 08 c0 00 02 01 c0 00 02 02 | 00 05 00 04 00 45 fe ff"
	  " | 00 06 00 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
	  " | 00 07 00 08 2f 71 7b 3f 64 6e 73 7d | 00 08 00 00 | fd e8 00 03 78 20 79"
	  " | fd e9 00 00" },
	/* Unknown types in the generic form; empty rdata of a known type is shown so too. */
	{ TYPE_PRIVATE, "\\# 4 0A000001", "0a 00 00 01" },
	{ TYPE_PRIVATE, "\\# 0", "" },
	{ DNS_TYPE_TXT, "\\# 0", "" },
	{ DNS_TYPE_A, "\\# 0", "" },
	{ 1234, "\\# 1 FF", "ff" },
};

static void test_canonical(void)
{
	for (size_t i = 0; i < COUNT(canonical); i++)
		check_text(canonical[i].type, canonical[i].text, canonical[i].text,
			   canonical[i].hex);
}

/* Text that reads well but prints differently: the printer's form is the canonical one. */
static void test_noncanonical(void)
{
	static const struct {
		uint16_t type;
		const char *in, *out;
	} cases[] = {
		{ DNS_TYPE_A, "\\# 4 7f000001", "127.0.0.1" },
		{ DNS_TYPE_A, "  192.0.2.1  ", "192.0.2.1" },
		{ DNS_TYPE_MX, "\\# 5 000A 016100", "10 a." },
		{ DNS_TYPE_AAAA, "2001:DB8:0:0::1", "2001:db8::1" },
		{ DNS_TYPE_NS, "NS.A.", "NS.A." },
		{ DNS_TYPE_DS, "60485 5 1 2bb183af5f22588179a53b0a 98631fad1a292118",
		  "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118" },
		{ DNS_TYPE_DNSKEY, "257 3 8 AwEA AQ==", "257 3 8 AwEAAQ==" },
		{ DNS_TYPE_SOA, "ns.a. host.a. 1 2h 1h 2w 5m",
		  "ns.a. host.a. 1 7200 3600 1209600 300" },
		{ DNS_TYPE_TXT, "abc def", "\"abc\" \"def\"" },
		{ DNS_TYPE_TXT, "\\065\\ b", "\"A b\"" },
		{ DNS_TYPE_TXT, "\"\\a\\;\"", "\"a;\"" },
		{ DNS_TYPE_RRSIG, "A 8 2 3600 1706745600 1704067200 12345 example. AAEC AwQ=",
		  "A 8 2 3600 20240201000000 20240101000000 12345 example. AAECAwQ=" },
		{ DNS_TYPE_RRSIG,
		  "a 8 2 3600 20240201000000 20240101000000 12345 example. AAECAwQ=",
		  "A 8 2 3600 20240201000000 20240101000000 12345 example. AAECAwQ=" },
		{ DNS_TYPE_NSEC, "b.a. MX A TYPE1 a", "b.a. A MX" },
		{ DNS_TYPE_NSEC3, "1 1 12 aabbccdd 000g40o40k30e209185go38e1s8124gj rrsig a",
		  "1 1 12 AABBCCDD " B32H20 " A RRSIG" },
		{ DNS_TYPE_SSHFP, "2 1 123456789abcdef67890123456789abcdef67890",
		  "2 1 123456789ABCDEF67890123456789ABCDEF67890" },
		{ DNS_TYPE_CAA, "0 issue letsencrypt.org", "0 issue \"letsencrypt.org\"" },
		{ DNS_TYPE_SVCB, "1 . port=53 alpn=h2", "1 . alpn=\"h2\" port=53" },
		{ DNS_TYPE_SVCB, "1 . key3=53 key1=h2", "1 . alpn=\"h2\" port=53" },
		{ DNS_TYPE_SVCB, "1 . alpn=h2 port=53 mandatory=port,alpn",
		  "1 . mandatory=alpn,port alpn=\"h2\" port=53" },
		{ DNS_TYPE_SVCB, "1 . key65000=\"\"", "1 . key65000" },
		{ DNS_TYPE_SVCB, "1 . dohpath", "1 . dohpath" },
		{ DNS_TYPE_SVCB, "1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\"",
		  "1 example.com. ipv6hint=2001:db8:122:344::c000:221" },
		{ DNS_TYPE_SVCB, "16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2",
		  "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"" },
		{ DNS_TYPE_HTTPS, "1 . ipv4hint=\"192.0.2.1\" ech=\"AEX+/w==\"",
		  "1 . ipv4hint=192.0.2.1 ech=AEX+/w==" },
		{ DNS_TYPE_PTR, "\\# 3 016100", "a." },
		{ TYPE_PRIVATE, "\\# 4 0a 00 00 01", "\\# 4 0A000001" },
	};
	for (size_t i = 0; i < COUNT(cases); i++)
		check_text(cases[i].type, cases[i].in, cases[i].out, NULL);
}

/* Relative names get the origin; "@" is the origin itself. */
static void test_origin(void)
{
	static const struct {
		uint16_t type;
		const char *in, *origin, *out;
	} cases[] = {
		{ DNS_TYPE_MX, "10 mail", "example.", "10 mail.example." },
		{ DNS_TYPE_MX, "10 @", "example.", "10 example." },
		{ DNS_TYPE_MX, "10 @", NULL, "10 ." },
		{ DNS_TYPE_MX, "10 mail", NULL, "10 mail." },
		{ DNS_TYPE_MX, "10 mail.other.", "example.", "10 mail.other." },
		{ DNS_TYPE_SOA, "ns @ 1 2 3 4 5", "b.", "ns.b. b. 1 2 3 4 5" },
		{ DNS_TYPE_SRV, "1 2 3 sip", "b.", "1 2 3 sip.b." },
		{ DNS_TYPE_RRSIG, "A 8 2 3600 20240201000000 20240101000000 1 @ AA==", "b.",
		  "A 8 2 3600 20240201000000 20240101000000 1 b. AA==" },
		{ DNS_TYPE_NSEC, "next A", "b.", "next.b. A" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t origin[NAME_MAX_WIRE];
		size_t olen, n;
		const char *o = cases[i].origin;
		CHECK(!o || name_from_text(o, strlen(o), NULL, origin, &olen) == ERR_OK);
		enum err e = from_text(cases[i].type, cases[i].in, o ? origin : NULL, w1,
				       sizeof(w1), &n);
		const char *t = e ? err_str(e) : to_text(cases[i].type, w1, n, t1, sizeof(t1));
		CHECKF(strcmp(t, cases[i].out) == 0, "\"%s\": got %s", cases[i].in, t);
	}
}

static void test_bad_text(void)
{
	static const struct {
		uint16_t type;
		const char *why, *text;
		enum err want;
	} bad[] = {
		{ DNS_TYPE_A, "three octets", "192.0.2", ERR_SYNTAX },
		{ DNS_TYPE_A, "octet over 255", "192.0.2.256", ERR_SYNTAX },
		{ DNS_TYPE_A, "no address", "", ERR_SYNTAX },
		{ DNS_TYPE_A, "trailing garbage", "192.0.2.1 x", ERR_SYNTAX },
		{ DNS_TYPE_A, "an IPv6 address", "::1", ERR_SYNTAX },
		{ DNS_TYPE_AAAA, "two ::", "1::2::3", ERR_SYNTAX },
		{ DNS_TYPE_AAAA, "an IPv4 address", "192.0.2.1", ERR_SYNTAX },
		{ DNS_TYPE_MX, "preference over 65535", "65536 a.", ERR_RANGE },
		{ DNS_TYPE_MX, "negative preference", "-1 a.", ERR_SYNTAX },
		{ DNS_TYPE_MX, "missing exchange", "10", ERR_SYNTAX },
		{ DNS_TYPE_MX, "empty label", "10 a..b.", ERR_SYNTAX },
		{ DNS_TYPE_MX, "label of 64",
		  "10 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.", ERR_LABEL },
		{ DNS_TYPE_MX, "bad escape in the name", "10 a\\256.", ERR_SYNTAX },
		{ DNS_TYPE_SOA, "missing minimum", "ns.a. h.a. 1 2 3 4", ERR_SYNTAX },
		{ DNS_TYPE_SOA, "serial over 32 bits", "ns.a. h.a. 4294967296 2 3 4 5", ERR_RANGE },
		{ DNS_TYPE_SOA, "bad TTL unit", "ns.a. h.a. 1 2x 3 4 5", ERR_SYNTAX },
		{ DNS_TYPE_TXT, "no string", "", ERR_SYNTAX },
		{ DNS_TYPE_TXT, "unterminated quote", "\"abc", ERR_SYNTAX },
		{ DNS_TYPE_TXT, "second string unterminated", "\"a\" \"b", ERR_SYNTAX },
		{ DNS_TYPE_TXT, "escape over 255", "\"\\256\"", ERR_SYNTAX },
		{ DNS_TYPE_HINFO, "one string", "\"a\"", ERR_SYNTAX },
		{ DNS_TYPE_HINFO, "three strings", "a b c", ERR_SYNTAX },
		{ DNS_TYPE_SRV, "port over 65535", "0 5 65536 a.", ERR_RANGE },
		{ DNS_TYPE_SRV, "missing target", "0 5 5060", ERR_SYNTAX },
		{ DNS_TYPE_DS, "missing digest", "1 2 3", ERR_SYNTAX },
		{ DNS_TYPE_DS, "algorithm over 255", "1 256 1 00", ERR_RANGE },
		{ DNS_TYPE_DS, "digest not hex", "1 2 3 XYZ", ERR_SYNTAX },
		{ DNS_TYPE_DS, "odd digest", "1 2 3 ABC", ERR_SYNTAX },
		{ DNS_TYPE_DNSKEY, "bad base64", "257 3 8 AwE", ERR_SYNTAX },
		{ DNS_TYPE_DNSKEY, "missing key", "257 3 8", ERR_SYNTAX },
		{ DNS_TYPE_RRSIG, "month 13",
		  "A 8 2 3600 20241301000000 20240101000000 1 a. AA==", ERR_SYNTAX },
		{ DNS_TYPE_RRSIG, "day 0",
		  "A 8 2 3600 20240100000000 20240101000000 1 a. AA==", ERR_SYNTAX },
		{ DNS_TYPE_RRSIG, "unknown type covered",
		  "FOO 8 2 3600 20240201000000 20240101000000 1 a. AA==", ERR_SYNTAX },
		{ DNS_TYPE_RRSIG, "missing signature",
		  "A 8 2 3600 20240201000000 20240101000000 1 a.", ERR_SYNTAX },
		{ DNS_TYPE_NSEC, "unknown type in the bitmap", "a. A FOO", ERR_SYNTAX },
		{ DNS_TYPE_NSEC3, "salt not hex", "1 0 0 XYZ " B32H20, ERR_SYNTAX },
		{ DNS_TYPE_NSEC3, "hash not base32hex", "1 0 0 - WXYZ", ERR_SYNTAX },
		{ DNS_TYPE_NSEC3, "missing hash", "1 0 0 -", ERR_SYNTAX },
		{ DNS_TYPE_NSEC3PARAM, "iterations over 65535", "1 0 65536 -", ERR_RANGE },
		{ DNS_TYPE_CAA, "tag with a dash", "0 is-sue \"x\"", ERR_SYNTAX },
		{ DNS_TYPE_CAA, "missing value", "0 issue", ERR_SYNTAX },
		{ DNS_TYPE_CAA, "flags over 255", "256 issue \"x\"", ERR_RANGE },
		{ DNS_TYPE_OPT, "a type with no text form", "0", ERR_SYNTAX },
		{ TYPE_PRIVATE, "unknown type not in \\# form", "0A000001", ERR_SYNTAX },
		{ TYPE_PRIVATE, "\\# length short", "\\# 3 0A000001", ERR_SYNTAX },
		{ TYPE_PRIVATE, "\\# length long", "\\# 5 0A000001", ERR_SYNTAX },
		{ TYPE_PRIVATE, "\\# length missing", "\\#", ERR_SYNTAX },
		{ TYPE_PRIVATE, "\\# length not a number", "\\# x 00", ERR_SYNTAX },
		{ TYPE_PRIVATE, "\\# data not hex", "\\# 2 0g0h", ERR_SYNTAX },
		{ TYPE_PRIVATE, "\\# data missing", "\\# 1", ERR_SYNTAX },
		{ DNS_TYPE_A, "\\# rdata too short for A", "\\# 3 7f0000", ERR_RDATA },
		{ DNS_TYPE_A, "\\# rdata too long for A", "\\# 5 7f00000100", ERR_RDATA },
		{ DNS_TYPE_MX, "\\# name past the rdata", "\\# 4 000a0161", ERR_RDATA },
		{ DNS_TYPE_MX, "\\# compressed name", "\\# 6 000a0161c002", ERR_RDATA },
		{ DNS_TYPE_NSEC, "\\# bad bitmap", "\\# 3 000000", ERR_RDATA },
		/* RFC 9460 Appendix D.3, and more */
		{ DNS_TYPE_SVCB, "key repeated", "1 foo. key123=abc key123=def", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "mandatory without value", "1 foo. mandatory", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "alpn without value", "1 foo. alpn", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "port without value", "1 foo. port", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "ipv4hint without value", "1 foo. ipv4hint", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "ipv6hint without value", "1 foo. ipv6hint", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "no-default-alpn with a value", "1 foo. no-default-alpn=abc",
		  ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "mandatory key absent", "1 foo. mandatory=key123", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "mandatory lists mandatory", "1 foo. mandatory=mandatory",
		  ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "mandatory key repeated",
		  "1 foo. mandatory=key123,key123 key123=abc", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "unknown key name", "1 foo. color=red", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "key number over 65535", "1 foo. key65536=x", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "port over 65535", "1 foo. port=65536", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "bad IPv4 hint", "1 foo. ipv4hint=192.0.2.1,x", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "empty alpn item", "1 foo. alpn=h2,,h3", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "ech not base64", "1 foo. ech=AEX", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "missing target", "1", ERR_SYNTAX },
		{ DNS_TYPE_SVCB, "unterminated value", "1 foo. alpn=\"h2", ERR_SYNTAX },
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		size_t n;
		enum err e = from_text(bad[i].type, bad[i].text, NULL, w1, sizeof(w1), &n);
		CHECKF(e == bad[i].want, "%s: got %s (%s)", bad[i].why, err_str(e), last_why);
		CHECKF(e == ERR_OK || last_why != NULL, "%s: no reason given", bad[i].why);
	}
}

/* Both directions append to what out already holds, and the fallback to the generic form
 * takes back only its own partial text. */
static void test_append(void)
{
	static const struct {
		uint16_t type;
		const char *text;
	} cases[] = {
		{ DNS_TYPE_TXT, "\"a\" \"bc\"" },
		{ DNS_TYPE_SVCB, "1 . mandatory=alpn alpn=\"h2\"" },
		{ DNS_TYPE_NSEC3, "1 0 0 AB " B32H20 " A" },
		{ DNS_TYPE_MX, "\\# 5 000A016100" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct buf_out o;
		size_t alone;
		CHECK(from_text(cases[i].type, cases[i].text, NULL, w2, sizeof(w2), &alone) == 0);
		buf_out_init(&o, w1, sizeof(w1));
		buf_put_bytes(&o, "xyz", 3);
		enum err e = rdata_from_text(cases[i].type, cases[i].text, strlen(cases[i].text),
					     NULL, &o, NULL);
		CHECKF(e == ERR_OK && same(w1 + 3, o.len - 3, w2, alone), "case %zu", i);
	}
	/* An A record of 3 octets prints generically after "x ", keeping the "x ". */
	static const uint8_t rd[3] = { 1, 2, 3 };
	struct buf_out o;
	buf_out_init(&o, t1, sizeof(t1));
	buf_puts(&o, "x ");
	rdata_to_text(DNS_TYPE_A, rd, sizeof(rd), &o);
	CHECK(strcmp(t1, "x \\# 3 010203") == 0);
}

/* Strings of 255 octets are the limit; rdata over 65535 octets does not fit. */
static void test_text_limits(void)
{
	static char text[80000];
	size_t n;
	for (unsigned len = 255; len <= 256; len++) {
		memset(text, 'x', len);
		text[len] = 0;
		enum err e = from_text(DNS_TYPE_TXT, text, NULL, w1, sizeof(w1), &n);
		CHECKF(len == 255 ? e == ERR_OK && n == 256 : e == ERR_RANGE, "%u: %s", len,
		       err_str(e));
	}
	/* 256 strings of 255 octets: 65536 octets of rdata, one over. */
	size_t t = 0;
	for (int s = 0; s < 256; s++) {
		memset(text + t, 'y', 255);
		t += 255;
		text[t++] = ' ';
	}
	text[t] = 0;
	CHECK(from_text(DNS_TYPE_TXT, text, NULL, w1, 65535, &n) == ERR_SPACE);
	text[t - 257] = 0; /* 255 strings: 65280 octets */
	CHECK(from_text(DNS_TYPE_TXT, text, NULL, w1, 65535, &n) == ERR_OK && n == 65280);
	CHECK(strlen(to_text(DNS_TYPE_TXT, w1, n, t1, sizeof(t1))) == 255 * 258 - 1);
	/* Output too small for the text: the sticky error, nothing past the end. */
	char small[8];
	CHECK(strcmp(to_text(DNS_TYPE_TXT, w1, n, small, sizeof(small)), "(ERR_SPACE)") == 0);
}

/* Bare rdata that the wire checker refuses. */
static void test_bad_wire(void)
{
	static const struct {
		uint16_t type;
		const char *why, *hex;
		enum err want;
	} bad[] = {
		{ DNS_TYPE_A, "A of 3 octets", "7f 00 00", ERR_RDATA },
		{ DNS_TYPE_A, "A of 5 octets", "7f 00 00 01 00", ERR_RDATA },
		{ DNS_TYPE_AAAA, "AAAA of 15 octets",
		  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00", ERR_RDATA },
		{ DNS_TYPE_MX, "MX of one octet", "00", ERR_RDATA },
		{ DNS_TYPE_MX, "MX with a trailing octet", "00 0a 01 61 00 ff", ERR_RDATA },
		{ DNS_TYPE_MX, "name past the rdata", "00 0a 03 61 00", ERR_RDATA },
		{ DNS_TYPE_NS, "name without its root", "01 61", ERR_RDATA },
		{ DNS_TYPE_NS, "pointer to itself", "c0 00", ERR_PTR },
		{ DNS_TYPE_NS, "label type 01", "41 61", ERR_LABEL },
		{ DNS_TYPE_SOA, "SOA without minimum", "00 00 00 00 00 01 00 00 00 02 00 00 00 03"
		  " 00 00 00 04", ERR_RDATA },
		{ DNS_TYPE_TXT, "string past the rdata", "05 61 62", ERR_RDATA },
		{ DNS_TYPE_HINFO, "one string", "01 61", ERR_RDATA },
		{ DNS_TYPE_NSEC, "empty window", "00 00 00", ERR_RDATA },
		{ DNS_TYPE_NSEC, "window of 33",
		  "00 00 21 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
		  " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01", ERR_RDATA },
		{ DNS_TYPE_NSEC, "windows out of order", "00 01 01 40 00 01 40", ERR_RDATA },
		{ DNS_TYPE_NSEC, "window repeated", "00 00 01 40 00 01 20", ERR_RDATA },
		{ DNS_TYPE_NSEC, "window past the rdata", "00 00 02 40", ERR_RDATA },
		{ DNS_TYPE_NSEC3, "empty hash", "01 00 00 00 00 00", ERR_RDATA },
		{ DNS_TYPE_NSEC3PARAM, "salt past the rdata", "01 00 00 00 02 aa", ERR_RDATA },
		{ DNS_TYPE_CAA, "empty tag", "00 00 61", ERR_RDATA },
		{ DNS_TYPE_SVCB, "keys decreasing", "00 01 00 00 03 00 02 00 35 00 01 00 01 01",
		  ERR_RDATA },
		{ DNS_TYPE_SVCB, "key repeated", "00 01 00 00 03 00 00 00 03 00 00", ERR_RDATA },
		{ DNS_TYPE_SVCB, "value past the rdata", "00 01 00 00 03 00 04 00 35", ERR_RDATA },
		{ DNS_TYPE_SVCB, "half a key", "00 01 00 00 03 00", ERR_RDATA },
		{ DNS_TYPE_DS, "DS of 3 octets", "00 01 02", ERR_RDATA },
		{ DNS_TYPE_RRSIG, "RRSIG without signer", "00 01 08 02 00 00 0e 10 00 00 00 00"
		  " 00 00 00 00 00 01", ERR_RDATA },
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		uint8_t rd[64];
		size_t len = check_hex(bad[i].hex, rd, sizeof(rd)), n;
		enum err e = unpack(bad[i].type, rd, len, w1, &n);
		CHECKF(e == bad[i].want, "%s: got %s", bad[i].why, err_str(e));
	}
	/* rdlength past the end of the message is ERR_TRUNC, not ERR_RDATA. */
	uint8_t rd[3] = { 1, 2, 3 };
	struct buf_in in;
	struct buf_out o;
	buf_in_init(&in, rd, sizeof(rd));
	buf_out_init(&o, w1, RDATA_MAX_UNPACKED);
	CHECK(rdata_unpack(&in, DNS_TYPE_A, 4, &o) == ERR_TRUNC);
	/* Empty rdata is valid wire form for every type (RFC 2136 uses it). */
	buf_in_init(&in, rd, sizeof(rd));
	CHECK(rdata_unpack(&in, DNS_TYPE_MX, 0, &o) == ERR_OK && in.pos == 0 && o.len == 0);
}

/* Rdata the type's form cannot show is printed generically: never read past it. Each is
 * given in its own exact-size buffer so that the sanitizers see any overrun. */
static void test_print_fallback(void)
{
	static const struct {
		uint16_t type;
		const char *hex, *text;
		bool valid; /* the wire checker takes it: then the generic text reads back */
	} cases[] = {
		{ DNS_TYPE_A, "01 02 03", "\\# 3 010203", false },
		{ DNS_TYPE_TXT, "", "\\# 0", true },
		{ DNS_TYPE_TXT, "05 61", "\\# 2 0561", false },
		{ DNS_TYPE_DS, "00 01 02 03", "\\# 4 00010203", true },
		{ DNS_TYPE_DNSKEY, "01 01 03 08", "\\# 4 01010308", true },
		{ DNS_TYPE_CAA, "00 03 61 2d 62 78", "\\# 6 0003612D6278", true },
		{ DNS_TYPE_MX, "00 0a 01 61", "\\# 4 000A0161", false },
		{ DNS_TYPE_NSEC, "00 00 00", "\\# 3 000000", false },
		{ DNS_TYPE_NSEC, "00 00 05 40", "\\# 4 00000540", false },
		{ DNS_TYPE_NSEC, "00 00 02 40 00", "\\# 5 0000024000", false },
		{ DNS_TYPE_NSEC3, "01 00 00 00 00 00", "\\# 6 010000000000", false },
		{ DNS_TYPE_SVCB, "00 01 00 00 01 00", "\\# 6 000100000100", false },
		{ DNS_TYPE_SVCB, "00 01 00 00 03 00 05 00 35", "\\# 9 000100000300050035", false },
		{ DNS_TYPE_SVCB, "00 01 00 00 03 00 03 00 35 00", "\\# 10 00010000030003003500",
		  true },
		{ DNS_TYPE_SVCB, "00 01 00 00 00 00 04 00 03 00 01",
		  "\\# 11 0001000000000400030001", true },
		{ DNS_TYPE_SVCB, "00 01 00 00 00 00 02 00 00", "\\# 9 000100000000020000", true },
		{ DNS_TYPE_SVCB, "00 01 00 00 00 00 02 00 03", "\\# 9 000100000000020003", true },
		{ DNS_TYPE_SVCB, "00 01 00 00 01 00 02 02 68", "\\# 9 000100000100020268", true },
		{ DNS_TYPE_SVCB, "00 01 00 00 02 00 01 00", "\\# 8 0001000002000100", true },
		{ DNS_TYPE_SVCB, "00 01 00 00 05 00 00", "\\# 7 00010000050000", true },
		{ DNS_TYPE_SVCB, "00 01 00 00 04 00 03 01 02 03", "\\# 10 00010000040003010203",
		  true },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t tmp[64];
		size_t len = check_hex(cases[i].hex, tmp, sizeof(tmp)), n;
		uint8_t *rd = malloc(len ? len : 1);
		memcpy(rd, tmp, len);
		const char *t = to_text(cases[i].type, rd, len, t1, sizeof(t1));
		CHECKF(strcmp(t, cases[i].text) == 0, "case %zu: got %s", i, t);
		enum err e = unpack(cases[i].type, rd, len, w1, &n);
		CHECKF((e == ERR_OK) == cases[i].valid, "case %zu: unpack %s", i, err_str(e));
		e = from_text(cases[i].type, t, NULL, w2, sizeof(w2), &n);
		CHECKF(cases[i].valid ? e == ERR_OK && same(rd, len, w2, n) : e == ERR_RDATA,
		       "case %zu: reread %s", i, err_str(e));
		free(rd);
	}
}

static void test_compressible(void)
{
	static const struct {
		uint16_t type;
		const char *hex;
		unsigned n;
		size_t off0, off1;
	} cases[] = {
		{ DNS_TYPE_NS, "01 61 00", 1, 0, 0 },
		{ DNS_TYPE_CNAME, "00", 1, 0, 0 },
		{ DNS_TYPE_MX, "00 0a 01 61 00", 1, 2, 0 },
		{ DNS_TYPE_SOA, "01 61 00 01 62 00 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04"
		  " 00 00 00 05", 2, 0, 3 },
		{ DNS_TYPE_MINFO, "01 61 00 00", 2, 0, 3 },
		{ DNS_TYPE_PTR, "01 61 00", 1, 0, 0 },
		{ DNS_TYPE_SRV, "00 00 00 00 00 00 01 61 00", 0, 0, 0 },
		{ DNS_TYPE_RRSIG, "00 01 08 02 00 00 0e 10 00 00 00 00 00 00 00 00 00 01 00 00",
		  0, 0, 0 },
		{ DNS_TYPE_DNAME, "01 61 00", 0, 0, 0 },
		{ DNS_TYPE_NSEC, "01 61 00", 0, 0, 0 },
		{ DNS_TYPE_A, "01 02 03 04", 0, 0, 0 },
		{ TYPE_PRIVATE, "01 61 00", 0, 0, 0 },
		/* Malformed or empty rdata gives no names, and is not read past its end. */
		{ DNS_TYPE_MX, "", 0, 0, 0 },
		{ DNS_TYPE_MX, "00", 0, 0, 0 },
		{ DNS_TYPE_MX, "00 0a", 0, 0, 0 },
		{ DNS_TYPE_MX, "00 0a 01", 0, 0, 0 },
		{ DNS_TYPE_NS, "", 0, 0, 0 },
		{ DNS_TYPE_SOA, "01 61 00", 0, 0, 0 },
		{ DNS_TYPE_MX, "00 0a 01 61 c0 00", 0, 0, 0 }, /* compressed: not whole */
		{ DNS_TYPE_NS, "c0 00", 0, 0, 0 },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t tmp[64];
		size_t len = check_hex(cases[i].hex, tmp, sizeof(tmp)), offs[2] = { 99, 99 };
		uint8_t *rd = malloc(len ? len : 1);
		memcpy(rd, tmp, len);
		unsigned n = rdata_compressible_names(cases[i].type, rd, len, offs);
		CHECKF(n == cases[i].n, "case %zu: %u names", i, n);
		CHECKF(n < 1 || offs[0] == cases[i].off0, "case %zu: offs[0] %zu", i, offs[0]);
		CHECKF(n < 2 || offs[1] == cases[i].off1, "case %zu: offs[1] %zu", i, offs[1]);
		free(rd);
	}
}

static void test_mnemonics(void)
{
	static const struct {
		const char *text;
		enum err want;
		uint16_t type;
		const char *back; /* rdata_type_to_text of the value */
	} types[] = {
		{ "A", ERR_OK, 1, "A" },           { "aaaa", ERR_OK, 28, "AAAA" },
		{ "Https", ERR_OK, 65, "HTTPS" },  { "NSEC3PARAM", ERR_OK, 51, "NSEC3PARAM" },
		{ "CAA", ERR_OK, 257, "CAA" },     { "OPT", ERR_OK, 41, "OPT" },
		{ "TYPE1", ERR_OK, 1, "A" },       { "type65280", ERR_OK, 65280, "TYPE65280" },
		{ "TYPE0", ERR_OK, 0, "TYPE0" },   { "TYPE65535", ERR_OK, 65535, "TYPE65535" },
		{ "TYPE65536", ERR_RANGE, 0, NULL }, { "TYPE", ERR_SYNTAX, 0, NULL },
		{ "TYPEx", ERR_SYNTAX, 0, NULL },  { "FOO", ERR_SYNTAX, 0, NULL },
		{ "", ERR_SYNTAX, 0, NULL },       { "A6x", ERR_SYNTAX, 0, NULL },
	};
	for (size_t i = 0; i < COUNT(types); i++) {
		uint16_t v = 0;
		char s[32];
		enum err e = rdata_type_from_text(types[i].text, strlen(types[i].text), &v);
		CHECKF(e == types[i].want && (e || v == types[i].type), "%s: %s %u", types[i].text,
		       err_str(e), v);
		if (types[i].back) {
			struct buf_out o;
			buf_out_init(&o, s, sizeof(s));
			rdata_type_to_text(types[i].type, &o);
			CHECKF(strcmp(s, types[i].back) == 0, "%u: %s", types[i].type, s);
		}
	}
	static const struct {
		const char *text;
		enum err want;
		uint16_t cls;
		const char *back;
	} classes[] = {
		{ "IN", ERR_OK, 1, "IN" },           { "in", ERR_OK, 1, "IN" },
		{ "CH", ERR_OK, 3, "CH" },           { "HS", ERR_OK, 4, "HS" },
		{ "ANY", ERR_OK, 255, "ANY" },       { "NONE", ERR_OK, 254, "NONE" },
		{ "CLASS1", ERR_OK, 1, "IN" },       { "CLASS10", ERR_OK, 10, "CLASS10" },
		{ "CLASS", ERR_SYNTAX, 0, NULL },    { "INX", ERR_SYNTAX, 0, NULL },
	};
	for (size_t i = 0; i < COUNT(classes); i++) {
		uint16_t v = 0;
		char s[32];
		enum err e = rdata_class_from_text(classes[i].text, strlen(classes[i].text), &v);
		CHECKF(e == classes[i].want && (e || v == classes[i].cls), "%s: %s",
		       classes[i].text, err_str(e));
		if (classes[i].back) {
			struct buf_out o;
			buf_out_init(&o, s, sizeof(s));
			rdata_class_to_text(classes[i].cls, &o);
			CHECKF(strcmp(s, classes[i].back) == 0, "%u: %s", classes[i].cls, s);
		}
	}
	CHECK(rdata_type_known(DNS_TYPE_A) && rdata_type_known(DNS_TYPE_SVCB));
	CHECK(!rdata_type_known(DNS_TYPE_OPT) && !rdata_type_known(DNS_TYPE_ANY));
	CHECK(!rdata_type_known(TYPE_PRIVATE) && !rdata_type_known(0));
}

int main(void)
{
	RUN(test_canonical);
	RUN(test_noncanonical);
	RUN(test_origin);
	RUN(test_bad_text);
	RUN(test_append);
	RUN(test_text_limits);
	RUN(test_bad_wire);
	RUN(test_print_fallback);
	RUN(test_compressible);
	RUN(test_mnemonics);
	return check_done();
}
