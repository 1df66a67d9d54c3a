/* tests/unit/test_zonefile.c: lib/zonefile and lib/zonecheck: master files as servers read
 * them, every error with its line, the zone checks, $INCLUDE with real files, a million-record
 * zone against the clock, and mangled texts that must never crash the reader.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "dns.h"
#include "name.h"
#include "rdata.h"
#include "zonecheck.h"
#include "zonefile.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t ORIGIN[] = "\7example"; /* the literal's NUL is the root label */

/* The smallest zone that passes the checks: lines 1 to 3. */
#define SOA "@ 3600 IN SOA ns1 host 1 2 3 4 5\n"
#define HEAD SOA "@ NS ns1\nns1 A 192.0.2.1\n"

static struct zonefile_zone *read_text(const char *text, unsigned flags, char err[256])
{
	struct zonefile_zone *z = NULL;
	err[0] = 0;
	if (!zonefile_read_text("t.zone", text, strlen(text), ORIGIN, flags, &z, err))
		return NULL;
	return z;
}

/* Reads text that must load; a failure is reported with its message. */
static struct zonefile_zone *read_ok(const char *text)
{
	char err[256];
	struct zonefile_zone *z = read_text(text, 0, err);
	CHECKF(z != NULL, "zone did not load: %s", err);
	return z;
}

/* One record as "owner ttl class type rdata", with rdata_to_text. */
static const char *rr_str(const struct wire_rr *rr)
{
	static char s[140000];
	struct buf_out out;
	buf_out_init(&out, s, sizeof(s));
	name_to_text(rr->owner, &out);
	buf_printf(&out, " %u ", rr->ttl);
	rdata_class_to_text(rr->rclass, &out);
	buf_puts(&out, " ");
	rdata_type_to_text(rr->type, &out);
	buf_puts(&out, " ");
	rdata_to_text(rr->type, rr->rdata, rr->rdlen, &out);
	return s;
}

/* Checks that zone z has exactly the records want, in order. */
static void check_records(const struct zonefile_zone *z, const char *const *want, size_t n)
{
	if (!z)
		return;
	CHECKF(z->n == n, "%zu records, want %zu", z->n, n);
	for (size_t i = 0; i < n && i < z->n; i++)
		CHECKF(strcmp(rr_str(&z->rr[i]), want[i]) == 0,
		       "record %zu: got \"%s\", want \"%s\"", i, rr_str(&z->rr[i]), want[i]);
}

/* Checks that text of len bytes fails with "t.zone:line: ..." (or "t.zone: ..." for line 0)
 * and a reason containing what. */
static void check_error(const char *why, const char *text, size_t len, unsigned line,
			const char *what)
{
	struct zonefile_zone *z = NULL;
	char err[256] = "", prefix[64];
	bool ok = zonefile_read_text("t.zone", text, len, ORIGIN, 0, &z, err);
	CHECKF(!ok && z == NULL, "%s: the zone loaded", why);
	if (ok) {
		zonefile_free(z);
		return;
	}
	if (line)
		snprintf(prefix, sizeof(prefix), "t.zone:%u: ", line);
	else
		snprintf(prefix, sizeof(prefix), "t.zone: ");
	CHECKF(strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, what),
	       "%s: got \"%s\", want \"%s...%s...\"", why, err, prefix, what);
}

/* ---- constructs ---- */

static void test_soa_parentheses(void)
{
	const char *text = "$TTL 1h30m\n"
			   "@\tIN\tSOA\tns1 hostmaster (\n"
			   "\t\t2024010101 ; serial\n"
			   "\t\t1h 15m ; refresh, retry\n"
			   "\n"
			   "\t\t2w\t; expire\n"
			   "\t\t300 )\t; minimum\n"
			   "\tNS\tns1\n"
			   "ns1\tA\t192.0.2.1\n";
	static const char *const want[] = {
		"example. 5400 IN SOA ns1.example. hostmaster.example. 2024010101 3600 900 "
		"1209600 300",
		"example. 5400 IN NS ns1.example.",
		"ns1.example. 5400 IN A 192.0.2.1",
	};
	struct zonefile_zone *z = read_ok(text);
	check_records(z, want, COUNT(want));
	if (z && z->n == 3) {
		CHECK(z->pos[0].line == 2 && z->pos[1].line == 8 && z->pos[2].line == 9);
		CHECK(strcmp(z->pos[0].file, "t.zone") == 0);
		CHECK(name_equal(z->origin, ORIGIN));
		CHECK(z->rr[0].owner == z->rr[1].owner); /* a carried owner shares its bytes */
	}
	zonefile_free(z);
}

static void test_origin_and_names(void)
{
	const char *text = HEAD "www A 192.0.2.2\n"
				"abs.example. A 192.0.2.3\n"
				"@ MX 10 @\n"
				"$ORIGIN sub.example.\n"
				"a CNAME @\n"
				"$ORIGIN deeper\n" /* relative: deeper.sub.example. */
				"b CNAME www.example.\n"
				"$ORIGIN example.\n"
				"WwW.Mixed AAAA 2001:db8::1\n";
	static const char *const want[] = {
		"example. 3600 IN SOA ns1.example. host.example. 1 2 3 4 5",
		"example. 3600 IN NS ns1.example.",
		"ns1.example. 3600 IN A 192.0.2.1",
		"www.example. 3600 IN A 192.0.2.2",
		"abs.example. 3600 IN A 192.0.2.3",
		"example. 3600 IN MX 10 example.",
		"a.sub.example. 3600 IN CNAME sub.example.",
		"b.deeper.sub.example. 3600 IN CNAME www.example.",
		"WwW.Mixed.example. 3600 IN AAAA 2001:db8::1",
	};
	struct zonefile_zone *z = read_ok(text);
	check_records(z, want, COUNT(want));
	zonefile_free(z);
}

static void test_carry_over_and_ttl(void)
{
	const char *text = "@ 100 SOA ns1 host 1 2 3 4 5\n"
			   "\tNS ns1\n"              /* owner and TTL carried */
			   "ns1 200 A 192.0.2.1\n"
			   "www IN 300 A 192.0.2.2\n" /* class before TTL */
			   " 1h30m IN AAAA 2001:db8::2\n"
			   "  TXT \"t\"\n"             /* TTL of the record before */
			   "x CLASS1 TYPE1 192.0.2.4\n"
			   "y in a 192.0.2.5\n"
			   "$TTL 1d\n"
			   "z 7 A 192.0.2.6\n"
			   "  A 192.0.2.7\n";          /* $TTL, not the 7 before */
	static const char *const want[] = {
		"example. 100 IN SOA ns1.example. host.example. 1 2 3 4 5",
		"example. 100 IN NS ns1.example.",
		"ns1.example. 200 IN A 192.0.2.1",
		"www.example. 300 IN A 192.0.2.2",
		"www.example. 5400 IN AAAA 2001:db8::2",
		"www.example. 5400 IN TXT \"t\"",
		"x.example. 5400 IN A 192.0.2.4",
		"y.example. 5400 IN A 192.0.2.5",
		"z.example. 7 IN A 192.0.2.6",
		"z.example. 86400 IN A 192.0.2.7",
	};
	struct zonefile_zone *z = read_ok(text);
	check_records(z, want, COUNT(want));
	zonefile_free(z);
}

/* RFC 1035 §5.2: with no $TTL and nothing before, the SOA's MINIMUM is its TTL. */
static void test_soa_minimum_ttl(void)
{
	static const char *const want[] = {
		"example. 3600 IN SOA ns1.example. host.example. 1 2 3 4 3600",
		"example. 3600 IN NS ns1.example.",
		"ns1.example. 3600 IN A 192.0.2.1",
	};
	struct zonefile_zone *z = read_ok("@ SOA ns1 host 1 2 3 4 1h\n NS ns1\nns1 A 192.0.2.1\n");
	check_records(z, want, COUNT(want));
	zonefile_free(z);
}

static void test_quotes_and_comments(void)
{
	const char *text = HEAD "t1 TXT \"a;b (c)\" ; a comment \"with quotes\n"
				"t2 TXT \"say \\\"hi\\\"\" back\\\\slash \\065\\066 semi\\;colon\n"
				"t3 TXT ( \"one\" ; first\n"
				"  \"two\" )\n"
				"t4 TXT \"\" \"tab\\009x\"\n";
	static const char *const want[] = {
		"t1.example. 3600 IN TXT \"a;b (c)\"",
		"t2.example. 3600 IN TXT \"say \\\"hi\\\"\" \"back\\\\slash\" \"AB\" "
		"\"semi;colon\"",
		"t3.example. 3600 IN TXT \"one\" \"two\"",
		"t4.example. 3600 IN TXT \"\" \"tab\\009x\"",
	};
	struct zonefile_zone *z = read_ok(text);
	if (z && z->n == 7)
		check_records(&(struct zonefile_zone){ .rr = z->rr + 3, .n = 4 }, want, 4);
	else
		CHECKF(0, "%zu records", z ? z->n : 0);
	zonefile_free(z);
}

static void test_name_escapes(void)
{
	const char *text = HEAD "a\\.b A 192.0.2.1\n"
				"\\065bc A 192.0.2.2\n"
				"sp\\032ace A 192.0.2.3\n"
				"\\(x\\)\\;y\\@ A 192.0.2.4\n"
				"ptr PTR a\\.b\n";
	static const uint8_t *const want[] = {
		(const uint8_t *)"\3a.b\7example",
		(const uint8_t *)"\3Abc\7example",
		(const uint8_t *)"\6sp ace\7example",
		(const uint8_t *)"\6(x);y@\7example",
	};
	struct zonefile_zone *z = read_ok(text);
	if (!z || z->n != 8) {
		CHECKF(0, "%zu records", z ? z->n : 0);
		zonefile_free(z);
		return;
	}
	for (size_t i = 0; i < COUNT(want); i++)
		CHECKF(name_len(z->rr[3 + i].owner) == name_len(want[i]) &&
			       memcmp(z->rr[3 + i].owner, want[i], name_len(want[i])) == 0,
		       "owner %zu: %s", i, rr_str(&z->rr[3 + i]));
	CHECK(z->rr[7].rdlen == name_len(want[0]) &&
	      memcmp(z->rr[7].rdata, want[0], z->rr[7].rdlen) == 0);
	CHECK(strcmp(rr_str(&z->rr[6]), "\\(x\\)\\;y\\@.example. 3600 IN A 192.0.2.4") == 0);
	zonefile_free(z);
}

static void test_generic_forms(void)
{
	const char *text = HEAD "p TYPE65280 \\# 4 0A000001\n"
				"q TYPE65280 \\# 0\n"
				"r A \\# 4 C0000205\n"
				"s CLASS1 TYPE16 \\# ( 3 02 6869 )\n"
				"t NS \\# 13 036e7332076578616d706c6500\n";
	static const char *const want[] = {
		"p.example. 3600 IN TYPE65280 \\# 4 0A000001",
		"q.example. 3600 IN TYPE65280 \\# 0",
		"r.example. 3600 IN A 192.0.2.5",
		"s.example. 3600 IN TXT \"hi\"",
		"t.example. 3600 IN NS ns2.example.",
	};
	char err[256];
	struct zonefile_zone *z = read_text(text, ZONEFILE_NOCHECK, err);
	CHECKF(z != NULL, "%s", err);
	if (z && z->n == 8)
		check_records(&(struct zonefile_zone){ .rr = z->rr + 3, .n = 5 }, want, 5);
	zonefile_free(z);
}

/* Every type lib/rdata has a text form for, one record each, printed back. */
static const struct {
	const char *text, *want;
} types[] = {
	{ "a A 192.0.2.1", "A 192.0.2.1" },
	{ "ns2 NS ns1", "NS ns1.example." },
	{ "md MD mail.example.", "MD mail.example." },
	{ "mf MF mail", "MF mail.example." },
	{ "cname CNAME target", "CNAME target.example." },
	{ "@ SOA ns1 host 1 2 3 4 5", "SOA ns1.example. host.example. 1 2 3 4 5" },
	{ "mb MB mbox", "MB mbox.example." },
	{ "mg MG mgrp", "MG mgrp.example." },
	{ "mr MR mren", "MR mren.example." },
	{ "ptr PTR host.example.net.", "PTR host.example.net." },
	{ "hinfo HINFO \"PC\" \"Linux 6\"", "HINFO \"PC\" \"Linux 6\"" },
	{ "minfo MINFO rmail emails", "MINFO rmail.example. emails.example." },
	{ "mx MX 10 mail", "MX 10 mail.example." },
	{ "txt TXT \"hello world\" two", "TXT \"hello world\" \"two\"" },
	{ "rp RP mbox.example. txt", "RP mbox.example. txt.example." },
	{ "afsdb AFSDB 1 db", "AFSDB 1 db.example." },
	{ "aaaa AAAA 2001:db8::1", "AAAA 2001:db8::1" },
	{ "srv SRV 0 5 5060 sip", "SRV 0 5 5060 sip.example." },
	{ "naptr NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
	  "NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" ." },
	{ "kx KX 10 kx", "KX 10 kx.example." },
	{ "dname DNAME example.net.", "DNAME example.net." },
	{ "ds DS 12345 13 2 ( 0123456789ABCDEF0123456789ABCDEF\n"
	  "                   0123456789abcdef0123456789abcdef )",
	  "DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF" },
	{ "sshfp SSHFP 4 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "SSHFP 4 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF" },
	{ "rrsig RRSIG A 13 2 300 20250101000000 20240101000000 12345 example. AQID BAUG",
	  "RRSIG A 13 2 300 20250101000000 20240101000000 12345 example. AQIDBAUG" },
	{ "nsec NSEC next A NS SOA RRSIG NSEC TYPE65280",
	  "NSEC next.example. A NS SOA RRSIG NSEC TYPE65280" },
	{ "dnskey DNSKEY 257 3 13 AQIDBAUGBwgJCgsMDQ4PEA==",
	  "DNSKEY 257 3 13 AQIDBAUGBwgJCgsMDQ4PEA==" },
	{ "nsec3 NSEC3 1 1 10 aabbcc 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG",
	  "NSEC3 1 1 10 AABBCC 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG" },
	{ "nsec3param NSEC3PARAM 1 0 0 -", "NSEC3PARAM 1 0 0 -" },
	{ "tlsa TLSA 3 1 1 0123456789abcdef0123456789abcdef", "TLSA 3 1 1 "
							     "0123456789ABCDEF0123456789ABCDEF" },
	{ "cds CDS 12345 13 2 0123456789ABCDEF", "CDS 12345 13 2 0123456789ABCDEF" },
	{ "cdnskey CDNSKEY 257 3 13 AQID", "CDNSKEY 257 3 13 AQID" },
	{ "svcb SVCB 1 svc alpn=h2,h3 port=8443 ipv4hint=192.0.2.1",
	  "SVCB 1 svc.example. alpn=\"h2,h3\" port=8443 ipv4hint=192.0.2.1" },
	{ "https HTTPS 1 . alpn=h2 ipv6hint=2001:db8::1",
	  "HTTPS 1 . alpn=\"h2\" ipv6hint=2001:db8::1" },
	{ "spf SPF \"v=spf1 -all\"", "SPF \"v=spf1 -all\"" },
	{ "caa CAA 0 issue \"letsencrypt.org\"", "CAA 0 issue \"letsencrypt.org\"" },
};

static void test_every_type(void)
{
	static char text[8192];
	struct buf_out out;
	buf_out_init(&out, text, sizeof(text));
	buf_puts(&out, "$TTL 300\n@ NS ns1\nns1 A 192.0.2.1\n");
	for (size_t i = 0; i < COUNT(types); i++)
		buf_printf(&out, "%s\n", types[i].text);
	CHECK(out.err == ERR_OK);
	struct zonefile_zone *z = read_ok(text);
	if (!z || z->n != COUNT(types) + 2) {
		CHECKF(0, "%zu records", z ? z->n : 0);
		zonefile_free(z);
		return;
	}
	bool seen[65536] = { false };
	for (size_t i = 0; i < COUNT(types); i++) {
		const struct wire_rr *rr = &z->rr[i + 2];
		const char *s = rr_str(rr);
		const char *rest = strstr(s, " IN ");
		CHECKF(rest && strcmp(rest + 4, types[i].want) == 0, "got \"%s\", want \"%s\"", s,
		       types[i].want);
		seen[rr->type] = true;
	}
	for (unsigned t = 0; t < 65536; t++) /* a type added to lib/rdata needs a row here */
		CHECKF(!rdata_type_known((uint16_t)t) || seen[t], "type %u has no test record", t);
	zonefile_free(z);
}

static void test_crlf_and_tabs(void)
{
	const char *text = "$TTL 300\r\n@\tSOA ns1 host ( 1 2\r\n 3 4 5 )\r\n\tNS ns1\r\n"
			   "ns1 A 192.0.2.1\r\n\r\n   \t\r\n; end\r\n";
	struct zonefile_zone *z = read_ok(text);
	CHECK(z && z->n == 3 && z->pos[2].line == 5);
	if (z && z->n == 3)
		CHECK(strcmp(rr_str(&z->rr[2]), "ns1.example. 300 IN A 192.0.2.1") == 0);
	zonefile_free(z);
}

/* A record at the end of the text without a newline, and a text of only blanks. */
static void test_edges(void)
{
	struct zonefile_zone *z = read_ok(HEAD "last A 192.0.2.9");
	CHECK(z && z->n == 4);
	zonefile_free(z);
	char err[256];
	z = read_text("  \n\t\n", ZONEFILE_NOCHECK, err);
	CHECKF(z && z->n == 0, "%s", err);
	zonefile_free(z);
	zonefile_free(NULL);
	/* The longest rdata fits: 255 strings of 255 octets is 65280 octets. */
	size_t n = 255 * 260 + 64;
	char *big = malloc(n + sizeof(HEAD));
	struct buf_out out;
	buf_out_init(&out, big, n + sizeof(HEAD));
	buf_puts(&out, HEAD "big TXT");
	for (int i = 0; i < 255; i++)
		buf_printf(&out, " %0255d", 0);
	z = read_ok(big);
	CHECK(z && z->n == 4 && z->rr[3].rdlen == 65280);
	zonefile_free(z);
	buf_puts(&out, " 1"); /* one more string: 65282 octets of rdata, still under 64 KiB */
	z = read_ok(big);
	CHECK(z && z->n == 4 && z->rr[3].rdlen == 65282);
	zonefile_free(z);
	for (int i = 0; i < 2; i++)
		buf_printf(&out, " %0255d", 0);
	check_error("rdata over 65535 octets", big, out.len, 4, "bad TXT rdata");
	free(big);
}

/* ---- errors ---- */

static const struct {
	const char *why, *text;
	unsigned line;
	const char *reason;
} bad[] = {
	/* names, types, TTLs, classes */
	{ "owner label over 63", HEAD "a123456789012345678901234567890123456789012345678901234567"
				      "8901234 A 192.0.2.1\n",
	  4, "bad owner name" },
	{ "owner with an empty label", HEAD "a..b A 192.0.2.1\n", 4, "bad owner name 'a..b'" },
	{ "quoted owner", HEAD "\"www\" A 192.0.2.1\n", 4, "bad owner name" },
	{ "unknown type", HEAD "www FOO 192.0.2.1\n", 4, "unknown type 'FOO'" },
	{ "missing type", HEAD "www 300 IN\n", 4, "missing type" },
	{ "bad address", HEAD "www A 192.0.2\n", 4, "bad A rdata: bad IPv4 address" },
	{ "missing rdata", HEAD "www MX 10\n", 4, "bad MX rdata" },
	{ "trailing rdata", HEAD "www A 192.0.2.1 192.0.2.2\n", 4, "trailing text" },
	{ "two TTLs", HEAD "www 300 600 A 192.0.2.1\n", 4, "a second TTL '600'" },
	{ "two classes", HEAD "www IN IN A 192.0.2.1\n", 4, "a second class" },
	{ "TTL over 2^31-1", HEAD "www 2147483648 A 192.0.2.1\n", 4, "over 2147483647" },
	{ "TTL over 2^32", HEAD "www 99999999999 A 192.0.2.1\n", 4, "over 2147483647" },
	{ "bad TTL unit", HEAD "www 1x A 192.0.2.1\n", 4, "bad TTL '1x'" },
	{ "class ANY", HEAD "www ANY A 192.0.2.1\n", 4, "class 'ANY' is not allowed" },
	{ "class NONE", HEAD "www NONE A 192.0.2.1\n", 4, "class 'NONE' is not allowed" },
	{ "class CLASS0", HEAD "www CLASS0 A 192.0.2.1\n", 4, "class 'CLASS0' is not allowed" },
	{ "a second class in the zone", HEAD "www CH A 192.0.2.1\n", 4,
	  "class CH differs from the zone's class IN" },
	{ "meta-type AXFR", HEAD "www AXFR \\# 0\n", 4, "type 'AXFR' is not allowed" },
	{ "meta-type OPT", HEAD "www OPT \\# 0\n", 4, "type 'OPT' is not allowed" },
	{ "reserved TYPE0", HEAD "www TYPE0 \\# 0\n", 4, "type 'TYPE0' is not allowed" },
	{ "meta-type TYPE128", HEAD "www TYPE128 \\# 0\n", 4, "is not allowed" },
	{ "no owner for the first record", " 300 A 192.0.2.1\n", 1, "no owner name" },
	{ "no TTL anywhere", "www A 192.0.2.1\n", 1, "no TTL" },
	{ "SOA MINIMUM as TTL over 2^31-1", "@ SOA ns1 host 1 2 3 4 4294967295\n", 1,
	  "SOA MINIMUM 4294967295 over 2147483647" },
	/* generic rdata */
	{ "generic length mismatch", HEAD "www TYPE65280 \\# 3 AABB\n", 4, "does not match" },
	{ "generic bad hex", HEAD "www TYPE65280 \\# 1 ZZ\n", 4, "bad hex" },
	{ "generic A of 3 octets", HEAD "www A \\# 3 010203\n", 4,
	  "bad A rdata: rdata after \\# is not valid" },
	{ "generic empty A", HEAD "www A \\# 0\n", 4, "empty generic rdata is not valid A" },
	{ "generic NS with a pointer", HEAD "www NS \\# 2 C000\n", 4,
	  "bad NS rdata: rdata after \\# is not valid" },
	{ "generic MX name runs over", HEAD "www MX \\# 4 000A0361\n", 4, "bad MX rdata" },
	/* directives */
	{ "$TTL with a bad unit", "$TTL 1y\n", 1, "bad TTL '1y'" },
	{ "$TTL without a value", "$TTL\n", 1, "$TTL without a value" },
	{ "$TTL with two values", "$TTL 1 2\n", 1, "trailing text after $TTL" },
	{ "$TTL over 2^31-1", "$TTL 3000000000\n", 1, "over 2147483647" },
	{ "$ORIGIN bad name", HEAD "$ORIGIN a..b\n", 4, "bad $ORIGIN 'a..b'" },
	{ "$ORIGIN without a value", HEAD "$ORIGIN\n", 4, "$ORIGIN without a value" },
	{ "$ORIGIN two names", HEAD "$ORIGIN a. b.\n", 4, "trailing text after $ORIGIN" },
	{ "$GENERATE", HEAD "$GENERATE 1-10 h$ A 192.0.2.$\n", 4,
	  "unknown directive '$GENERATE'" },
	{ "$INCLUDE without a file", HEAD "$INCLUDE\n", 4, "$INCLUDE without a file name" },
	{ "$INCLUDE of a missing file", HEAD "$INCLUDE /nonexistent/zf.inc\n", 4,
	  "cannot read /nonexistent/zf.inc: No such file" },
	{ "$INCLUDE trailing text", HEAD "$INCLUDE a b. c\n", 4, "trailing text after $INCLUDE" },
	{ "$INCLUDE bad origin", HEAD "$INCLUDE a b..c\n", 4, "bad $INCLUDE origin 'b..c'" },
	{ "$INCLUDE empty file name", HEAD "$INCLUDE \"\"\n", 4, "bad $INCLUDE file name" },
	/* lines, parentheses and quotes */
	{ "')' without '('", HEAD "www A 192.0.2.1 )\n", 4, "')' without '('" },
	{ "nested parentheses", HEAD "www TXT ( ( \"a\" ) )\n", 4, "nested '('" },
	{ "'(' never closed", HEAD "www TXT ( \"a\"\n\"b\"\n", 4, "not closed by ')'" },
	{ "quote across lines", HEAD "www TXT \"a\nb\"\n", 4, "not closed on its line" },
	{ "quote at the end", HEAD "www TXT \"abc", 4, "not closed at the end of the file" },
	{ "line after a continued record", HEAD "a TXT ( \"x\"\n \"y\" )\nb A 192.0.2\n", 6,
	  "bad A rdata" },
	{ "line after blank and comment lines", HEAD "; c\n\n  \t\nb A 192.0.2\n", 7,
	  "bad A rdata" },
	{ "continued record names its first line", HEAD "mx MX (\n 10\n bad..name )\n", 4,
	  "bad MX rdata" },
	{ "character-string over 255", HEAD "t TXT "
	  "\"0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789"
	  "0123456789012345678901234567890123456789012345678901234567890123456789\"\n",
	  4, "bad TXT rdata" },
	{ "escape at the end of a line", HEAD "www\\\n A 192.0.2.1\n", 4, "bad owner name" },
	/* zone checks */
	{ "empty zone", "", 0, "no SOA record at the apex example." },
	{ "only comments", "; nothing\n", 0, "no SOA record" },
	{ "no SOA", "$TTL 300\n@ NS ns1\nns1 A 192.0.2.1\n", 0, "no SOA record" },
	{ "SOA below the apex", HEAD "sub SOA ns1 host 1 2 3 4 5\n", 4,
	  "sub.example.: SOA not at the zone apex" },
	{ "a second SOA", HEAD "@ SOA ns1 host 2 2 3 4 5\n", 4, "a second SOA" },
	{ "no NS at the apex", SOA "ns1 A 192.0.2.1\n", 0, "no NS records at the apex example." },
	{ "outside the zone", HEAD "www.example.net. A 192.0.2.1\n", 4,
	  "www.example.net. is outside the zone example." },
	{ "outside after $ORIGIN", HEAD "$ORIGIN org.\nwww A 192.0.2.1\n", 5, "outside the zone" },
	{ "the parent of the apex", HEAD ". NS a.root.\n", 4, ". is outside the zone" },
	{ "CNAME after other data", HEAD "www A 192.0.2.1\nwww CNAME x\n", 5,
	  "www.example.: CNAME beside other data (A)" },
	{ "other data after a CNAME", HEAD "www CNAME x\nwww TXT t\n", 5, "TXT beside a CNAME" },
	{ "two CNAMEs", HEAD "www CNAME x\nwww CNAME y\n", 5, "more than one CNAME" },
	{ "CNAME at the apex", HEAD "@ CNAME x\n", 4, "CNAME beside other data (SOA)" },
	{ "DNAME beside a CNAME", HEAD "d CNAME x\nd DNAME y\n", 5, "DNAME beside a CNAME" },
	{ "two DNAMEs", HEAD "d DNAME x.\nd DNAME y.\n", 5, "more than one DNAME" },
	{ "below a DNAME", HEAD "d DNAME x.\nw.d A 192.0.2.1\n", 5,
	  "below the DNAME at d.example." },
	{ "far below a DNAME", HEAD "a.b.c.d TXT x\nd DNAME x.\n", 4, "below the DNAME" },
	{ "occluded below a cut", HEAD "sub NS ns.other.\nw.sub TXT x\n", 5,
	  "w.sub.example.: TXT below the zone cut at sub.example. (occluded" },
	{ "occluded, before the cut", HEAD "w.sub MX 1 x\nsub NS ns.other.\n", 4,
	  "MX below the zone cut" },
	{ "data at a cut", HEAD "sub NS ns.other.\nsub TXT x\n", 5,
	  "TXT at a zone cut is not authoritative" },
	{ "a cut below a cut", HEAD "sub NS ns.other.\na.sub NS ns.other.\n", 5,
	  "NS below the zone cut at sub.example." },
	{ "missing glue", HEAD "sub NS ns.sub\n", 4,
	  "sub.example.: name server ns.sub.example. has no A or AAAA record (missing glue)" },
	{ "missing glue at the cut", HEAD "sub NS sub\n", 4, "(missing glue)" },
	{ "missing glue, deep", HEAD "sub NS ns.a.b.sub\nns.a.sub A 192.0.2.1\n", 4,
	  "missing glue" },
	{ "in-zone name server without address", HEAD "sub NS ns2\n", 4,
	  "name server ns2.example. has no A or AAAA record" },
	{ "apex name server without address", HEAD "@ NS ns2\n", 4, "ns2.example. has no A" },
	{ "name server at a CNAME", HEAD "@ NS alias\nalias CNAME ns1\n", 4, "has no A or AAAA" },
};

static void test_errors(void)
{
	for (size_t i = 0; i < COUNT(bad); i++)
		check_error(bad[i].why, bad[i].text, strlen(bad[i].text), bad[i].line,
			    bad[i].reason);
}

static void test_error_bytes(void)
{
	static const char nul[] = HEAD "www A 192.0\0.2.1\n";
	check_error("NUL byte", nul, sizeof(nul) - 1, 4, "NUL character");
	size_t n = ZONEFILE_MAX_LINE + 100;
	char *text = malloc(n);
	memcpy(text, HEAD "long TXT ", strlen(HEAD "long TXT "));
	memset(text + strlen(HEAD "long TXT "), 'a', n - strlen(HEAD "long TXT ") - 1);
	text[n - 1] = '\n';
	check_error("line too long", text, n, 4, "record longer than");
	free(text);
}

/* What must pass the checks. */
static void test_checks_pass(void)
{
	const char *text = HEAD "www CNAME ns1\n"
				"www RRSIG CNAME 13 2 300 20250101000000 20240101000000 1 example. "
				"AQID\n"
				"www NSEC x.example. CNAME RRSIG NSEC\n"
				"sub NS ns.sub\n"
				"sub NS ns.other.sub2\n" /* sibling glue */
				"sub NS ns.example.net.\n" /* out of zone: no glue needed */
				"sub DS 1 13 2 AABB\n"
				"sub NSEC z.example. NS DS RRSIG NSEC\n"
				"ns.sub AAAA 2001:db8::53\n"
				"sub2 NS ns.other.sub2\n"
				"ns.other.sub2 A 192.0.2.53\n"
				"self NS self\n"
				"self A 192.0.2.54\n"
				"d DNAME example.net.\n"
				"d A 192.0.2.55\n"
				"*.wild MX 10 ns1\n";
	struct zonefile_zone *z = read_ok(text);
	CHECK(z && z->n == 19);
	zonefile_free(z);
}

/* zonecheck_run on records built in memory, without positions. */
static void test_zonecheck_api(void)
{
	static const uint8_t soa[] = "\3ns1\7example\0\4host\7example\0"
				     "\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5";
	static const uint8_t ns1[] = "\3ns1\7example";
	static const uint8_t addr[4] = { 192, 0, 2, 1 };
	struct wire_rr rr[] = {
		{ ORIGIN, DNS_TYPE_SOA, DNS_CLASS_IN, 60, sizeof(soa) - 1, soa },
		{ ORIGIN, DNS_TYPE_NS, DNS_CLASS_IN, 60, sizeof(ns1), ns1 },
		{ ns1, DNS_TYPE_A, DNS_CLASS_IN, 60, 4, addr },
		{ ns1, DNS_TYPE_CNAME, DNS_CLASS_IN, 60, sizeof(ns1), ns1 },
	};
	char err[256] = "";
	CHECKF(zonecheck_run(ORIGIN, rr, 3, NULL, "built", err), "%s", err);
	CHECK(!zonecheck_run(ORIGIN, rr, 4, NULL, "built", err));
	CHECKF(strcmp(err, "built: ns1.example.: CNAME beside other data (A)") == 0, "%s", err);
	struct zonecheck_pos pos[4] = { { "f", 1 }, { "f", 2 }, { "f", 3 }, { "g", 9 } };
	CHECK(!zonecheck_run(ORIGIN, rr, 4, pos, "built", err));
	CHECKF(strncmp(err, "g:9: ", 5) == 0, "%s", err);
	CHECK(!zonecheck_run(ORIGIN, rr + 1, 2, pos, "built", err));
	CHECKF(strcmp(err, "built: no SOA record at the apex example.") == 0, "%s", err);
}

/* Root hints are a master file without an SOA: ZONEFILE_NOCHECK reads them. */
static void test_nocheck(void)
{
	const char *hints = ".\t3600000\tNS\tA.ROOT-SERVERS.NET.\n"
			    "A.ROOT-SERVERS.NET.\t3600000\tA\t198.41.0.4\n"
			    "A.ROOT-SERVERS.NET.\t3600000\tAAAA\t2001:503:ba3e::2:30\n";
	struct zonefile_zone *z = NULL;
	char err[256];
	static const uint8_t root[1] = { 0 };
	CHECK(!zonefile_read_text("hints", hints, strlen(hints), root, 0, &z, err));
	CHECKF(strstr(err, "no SOA"), "%s", err);
	CHECK(zonefile_read_text("hints", hints, strlen(hints), root, ZONEFILE_NOCHECK, &z, err));
	CHECK(z && z->n == 3 && z->rr[0].owner[0] == 0 && z->rr[2].ttl == 3600000);
	zonefile_free(z);
}

/* ---- $INCLUDE, with files ---- */

static char tmpdir[64];

static void put_file(const char *rel, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	CHECKF(f != NULL, "cannot write %s", path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct zonefile_zone *read_file(const char *rel, char err[256])
{
	char path[256];
	struct zonefile_zone *z = NULL;
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	if (!zonefile_read(path, ORIGIN, 0, &z, err))
		return NULL;
	return z;
}

static void make_files(void)
{
	char sub[96];
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	mkdir(sub, 0700);
	put_file("main.zone", "$TTL 300\n"
			      "@ SOA ns1 host 1 2 3 4 5\n"
			      "  NS ns1\n"
			      "$INCLUDE sub/hosts.inc ; a comment\n"
			      "after A 192.0.2.9\n"
			      "before A 192.0.2.5\n"
			      "$INCLUDE \"sub/other.inc\" lab\n"
			      "  AAAA 2001:db8::5\n"
			      "last A 192.0.2.10\n");
	put_file("sub/hosts.inc", "ns1 A 192.0.2.1\n"
				  "$ORIGIN inner.example.\n"
				  "www A 192.0.2.2\n"
				  "$INCLUDE deeper.inc\n");
	put_file("sub/deeper.inc", "deep A 192.0.2.3\n");
	put_file("sub/other.inc", "host A 192.0.2.4\n  TXT \"t\"\n");
	put_file("bad.zone", HEAD "$INCLUDE sub/broken.inc\n");
	put_file("sub/broken.inc", "ok A 192.0.2.1\nbroken A 192.0.2\n");
	put_file("chk.zone", HEAD "$INCLUDE sub/cname.inc\n");
	put_file("sub/cname.inc", "www A 192.0.2.1\nwww CNAME x\n");
	put_file("loop.zone", HEAD "; includes itself\n$INCLUDE loop.zone\n");
	put_file("nest.zone", HEAD "$INCLUDE nest1.inc\n");
	char name[32], text[64];
	for (int i = 1; i <= 9; i++) { /* nest<i>.inc includes nest<i+1>.inc, up to nest9 */
		snprintf(name, sizeof(name), "nest%d.inc", i);
		snprintf(text, sizeof(text), "n%d A 192.0.2.%d\n$INCLUDE nest%d.inc\n", i, i,
			 i + 1);
		put_file(name, i == 9 ? "n9 A 192.0.2.9\n" : text);
	}
	put_file("ch.zone", "$TTL 1\n@ CH SOA ns1 host 1 2 3 4 5\n NS ns1\nns1 IN A 192.0.2.1\n");
	put_file("empty.zone", "");
}

static void test_include(void)
{
	static const char *const want[] = {
		"example. 300 IN SOA ns1.example. host.example. 1 2 3 4 5",
		"example. 300 IN NS ns1.example.",
		"ns1.example. 300 IN A 192.0.2.1",
		"www.inner.example. 300 IN A 192.0.2.2",
		"deep.inner.example. 300 IN A 192.0.2.3", /* inherits the origin */
		"after.example. 300 IN A 192.0.2.9",      /* origin back after $INCLUDE */
		"before.example. 300 IN A 192.0.2.5",
		"host.lab.example. 300 IN A 192.0.2.4", /* the origin given to $INCLUDE */
		"host.lab.example. 300 IN TXT \"t\"",
		"before.example. 300 IN AAAA 2001:db8::5", /* the owner back too */
		"last.example. 300 IN A 192.0.2.10",
	};
	char err[256];
	struct zonefile_zone *z = read_file("main.zone", err);
	CHECKF(z != NULL, "%s", err);
	check_records(z, want, COUNT(want));
	if (z && z->n == COUNT(want)) {
		CHECKF(strstr(z->pos[3].file, "/sub/hosts.inc") && z->pos[3].line == 3, "%s:%u",
		       z->pos[3].file, z->pos[3].line);
		CHECK(strstr(z->pos[4].file, "/sub/deeper.inc") && z->pos[4].line == 1);
		CHECK(strstr(z->pos[9].file, "/main.zone") && z->pos[9].line == 8);
	}
	zonefile_free(z);
	/* From text, a relative path is taken from the current directory. */
	char cwd[4096];
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK(chdir(tmpdir) == 0);
	z = read_ok(HEAD "$INCLUDE sub/deeper.inc\n");
	CHECK(z && z->n == 4 && strcmp(z->pos[3].file, "sub/deeper.inc") == 0);
	zonefile_free(z);
	CHECK(chdir(cwd) == 0);
}

static void check_file_error(const char *rel, const char *file, unsigned line,
			     const char *what)
{
	char err[256], prefix[256];
	struct zonefile_zone *z = read_file(rel, err);
	CHECKF(z == NULL, "%s loaded", rel);
	zonefile_free(z);
	if (line)
		snprintf(prefix, sizeof(prefix), "%s/%s:%u: ", tmpdir, file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s/%s: ", tmpdir, file);
	CHECKF(!z && strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, what),
	       "%s: got \"%s\", want \"%s...%s...\"", rel, err, prefix, what);
}

static void test_include_errors(void)
{
	check_file_error("bad.zone", "sub/broken.inc", 2, "bad A rdata");
	check_file_error("chk.zone", "sub/cname.inc", 2, "www.example.: CNAME beside other data");
	check_file_error("loop.zone", "loop.zone", 5, "$INCLUDE nested deeper than 8");
	check_file_error("nest.zone", "nest8.inc", 2, "$INCLUDE nested deeper than 8");
	check_file_error("missing.zone", "missing.zone", 0, "cannot read: No such file");
	check_file_error("sub", "sub", 0, "cannot read: Is a directory");
	check_file_error("ch.zone", "ch.zone", 4, "class IN differs from the zone's class CH");
	check_file_error("empty.zone", "empty.zone", 0, "no SOA record at the apex example.");
	check_file_error("../../dev/null", "../../dev/null", 0, "cannot read: not a regular file");
}

/* ---- size and speed ---- */

/* CPU seconds of this process: the work done, which other programs on a loaded machine
 * change far less than the wall time (10x idle, 13x loaded for 10x the records). */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A zone of n A records with a delegation and its glue every 1000, as text. */
static char *make_zone(unsigned n, size_t *len)
{
	size_t cap = (size_t)n * 40 + 4096;
	char *text = malloc(cap);
	struct buf_out out;
	buf_out_init(&out, text, cap);
	buf_puts(&out, HEAD);
	for (unsigned i = 3; i < n; i++) {
		if (i % 1000 == 0 && i + 2 < n) {
			buf_printf(&out, "d%u NS ns.d%u\nns.d%u A 10.0.0.1\n", i, i, i);
			i++;
		} else {
			buf_printf(&out, "h%u A 10.%u.%u.%u\n", i, i >> 16 & 255, i >> 8 & 255,
				   i & 255);
		}
	}
	*len = out.len;
	return text;
}

static double time_read(unsigned n, size_t *arena, size_t *arrays)
{
	size_t len;
	char *text = make_zone(n, &len);
	struct zonefile_zone *z = NULL;
	char err[256];
	double t0 = cpu_s();
	bool ok = zonefile_read_text("big", text, len, ORIGIN, 0, &z, err);
	double t = cpu_s() - t0;
	CHECKF(ok && z->n == n, "%u records: %s", n, ok ? "count differs" : err);
	if (ok) {
		*arena = arena_size(z->arena);
		*arrays = z->n * (sizeof(*z->rr) + sizeof(*z->pos));
	}
	zonefile_free(z);
	free(text);
	return t;
}

static void test_million(void)
{
	unsigned big = SLOW_BUILD ? 200000 : 1000000;
	size_t arena = 0, arrays = 0;
	double small_t = time_read(big / 10, &arena, &arrays);
	double big_t = time_read(big, &arena, &arrays);
	printf("# %u records in %.2f s CPU (%u in %.3f s); arena %zu bytes, arrays %zu bytes\n", big,
	       big_t, big / 10, small_t, arena, arrays);
	/* Linear: ten times the records may take ten times the CPU time, with room for noise
	 * (caches, page faults); a quadratic reader would take a hundred times. */
	CHECKF(big_t < 40 * (small_t > 0.01 ? small_t : 0.01), "%.3f s vs %.3f s", big_t, small_t);
	CHECKF(arena < (size_t)big * 40, "arena %zu bytes", arena);
}

/* ---- robustness ---- */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* Reads len bytes copied to a buffer of exactly that size (ASan sees any overread). */
static void read_mangled(const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	struct zonefile_zone *z = NULL;
	char err[256] = "";
	if (zonefile_read_text("f", copy, len, ORIGIN, rnd(2) ? ZONEFILE_NOCHECK : 0, &z, err)) {
		for (size_t i = 0; i < z->n; i++)
			CHECK(name_len(z->rr[i].owner) <= NAME_MAX_WIRE);
		zonefile_free(z);
	} else {
		CHECKF(strncmp(err, "f:", 2) == 0, "%s", err);
	}
	free(copy);
}

static void test_mangled(void)
{
	static char base[8192], buf[8300];
	static const char special[] = "()\";\\\n \t$@.0123456789#*AaZz\r\0\377";
	struct buf_out out;
	buf_out_init(&out, base, sizeof(base));
	buf_puts(&out, "$TTL 1h\n$ORIGIN example.\n" HEAD "sub NS ns.sub\nns.sub A 192.0.2.7\n"
		       "t TXT ( \"a;b\" \"\\\"q\\\"\" \\065 ) ; c\nx TYPE65280 \\# 2 ABCD\n");
	for (size_t i = 0; i < COUNT(types); i++)
		buf_printf(&out, "%s\n", types[i].text);
	size_t len = out.len;
	for (size_t n = 0; n <= len; n++)
		read_mangled(base, n);
	for (int round = 0; round < 30000; round++) {
		memcpy(buf, base, len);
		size_t n = len;
		for (int k = 1 + (int)rnd(8); k > 0 && n > 0; k--) {
			size_t at = rnd((uint32_t)n);
			char c = special[rnd(sizeof(special) - 1)];
			switch (rnd(3)) {
			case 0: buf[at] = c; break;
			case 1: memmove(buf + at, buf + at + 1, n - at - 1), n--; break;
			default:
				if (n < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = c;
					n++;
				}
			}
		}
		read_mangled(buf, rnd(4) ? n : rnd((uint32_t)n + 1));
	}
	for (int round = 0; round < 2000; round++) {
		size_t n = rnd(300);
		for (size_t i = 0; i < n; i++)
			buf[i] = rnd(2) ? special[rnd(sizeof(special) - 1)] : (char)rnd(256);
		read_mangled(buf, n);
	}
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_zonefile.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	make_files();
	RUN(test_soa_parentheses);
	RUN(test_origin_and_names);
	RUN(test_carry_over_and_ttl);
	RUN(test_soa_minimum_ttl);
	RUN(test_quotes_and_comments);
	RUN(test_name_escapes);
	RUN(test_generic_forms);
	RUN(test_every_type);
	RUN(test_crlf_and_tabs);
	RUN(test_edges);
	RUN(test_errors);
	RUN(test_error_bytes);
	RUN(test_checks_pass);
	RUN(test_zonecheck_api);
	RUN(test_nocheck);
	RUN(test_include);
	RUN(test_include_errors);
	RUN(test_million);
	RUN(test_mangled);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return check_done();
}
