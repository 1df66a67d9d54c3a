/* client/print.c: dig's layout for a parsed reply.
 * SPDX-License-Identifier: MIT
 */
#include "print.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "idn.h"
#include "rdata.h"
#include "text.h"
#include "tsig.h"

/* One record line can be as long as 64 KiB of rdata in hex, and more in text escapes. */
#define LINE_MAX_TEXT (4 * 65536 + 2048)

const char *print_rcode_name(unsigned rcode, char buf[static 16])
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };
	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	if (rcode == DNS_RCODE_BADVERS)
		return "BADVERS";
	if (rcode == 23) /* RFC 7873 §8 */
		return "BADCOOKIE";
	snprintf(buf, 16, "RESERVED%u", rcode & 0xFFFu);
	return buf;
}

const char *print_opcode_name(unsigned opcode, char buf[static 16])
{
	static const char *const names[] = { "QUERY", "IQUERY", "STATUS", NULL, "NOTIFY",
					     "UPDATE" };
	if (opcode < sizeof(names) / sizeof(names[0]) && names[opcode])
		return names[opcode];
	snprintf(buf, 16, "RESERVED%u", opcode & 0xFu);
	return buf;
}

const char *print_flag_name(size_t i, uint16_t *bit)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} bits[] = { { DNS_FLAG_QR, "qr" }, { DNS_FLAG_AA, "aa" }, { DNS_FLAG_TC, "tc" },
		     { DNS_FLAG_RD, "rd" }, { DNS_FLAG_RA, "ra" }, { DNS_FLAG_AD, "ad" },
		     { DNS_FLAG_CD, "cd" } };
	if (i >= sizeof(bits) / sizeof(bits[0]))
		return NULL;
	*bit = bits[i].bit;
	return bits[i].name;
}

static void print_flags(FILE *f, uint16_t flags)
{
	const char *name;
	uint16_t bit;
	fputs(";; flags:", f);
	for (size_t i = 0; (name = print_flag_name(i, &bit)); i++)
		if (flags & bit)
			fprintf(f, " %s", name);
	if (flags & DNS_FLAG_Z)
		fprintf(f, "; MBZ: 0x%x", (flags & DNS_FLAG_Z) >> 4);
}

/* RFC 8914 §5.2: the extended DNS error codes with names. */
const char *print_ede_name(unsigned code)
{
	static const char *const names[] = {
		"Other",		    "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type",
		"Stale Answer",		    "Forged Answer",		    "DNSSEC Indeterminate",
		"DNSSEC Bogus",		    "Signature Expired",	    "Signature Not Yet Valid",
		"DNSKEY Missing",	    "RRSIGs Missing",		    "No Zone Key Bit Set",
		"NSEC Missing",		    "Cached Error",		    "Not Ready",
		"Blocked",		    "Censored",			    "Filtered",
		"Prohibited",		    "Stale NXDOMAIN Answer",	    "Not Authoritative",
		"Not Supported",	    "No Reachable Authority",	    "Network Error",
		"Invalid Data",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

static void print_hex_and_text(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%02x", i ? " " : "", p[i]);
	fputs(" (\"", f);
	for (size_t i = 0; i < n; i++)
		fputc(p[i] >= 0x20 && p[i] < 0x7F ? p[i] : '.', f);
	fputs("\")", f);
}

/* A TTL as BIND writes it: abbreviated (1w2d3h4m5s) or in words (2 hours, 1 week 2 days). */
static void ttl_text(struct buf_out *out, uint32_t ttl, bool words)
{
	static const struct {
		uint32_t secs;
		char abbr;
		const char *word;
	} units[] = { { 604800, 'w', "week" }, { 86400, 'd', "day" }, { 3600, 'h', "hour" },
		      { 60, 'm', "minute" }, { 1, 's', "second" } };
	bool any = false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint32_t n = ttl / units[i].secs;
		ttl %= units[i].secs;
		if (n == 0 && !(units[i].secs == 1 && !any))
			continue;
		if (words)
			buf_printf(out, "%s%u %s%s", any ? " " : "", n, units[i].word, n == 1 ? "" : "s");
		else
			buf_printf(out, "%u%c", n, units[i].abbr);
		any = true;
	}
}

/* RFC 7871 §6: family, source prefix, scope prefix, the address cut to the source prefix. */
static bool print_subnet(FILE *f, const uint8_t *p, size_t n)
{
	uint8_t a[16] = { 0 };
	char text[64];
	if (n < 4 || (p[1] != 1 && p[1] != 2) || n - 4 > (p[1] == 1 ? 4u : 16u))
		return false;
	memcpy(a, p + 4, n - 4);
	inet_ntop(p[1] == 1 ? AF_INET : AF_INET6, a, text, sizeof(text));
	fprintf(f, "CLIENT-SUBNET: %s/%u/%u", text, p[2], p[3]);
	return true;
}

/* One EDNS option as dig 9.18 names it; an empty one is its name alone. */
/* One EDNS option as dig 9.18 names it, after lead ("; ", or the YAML indentation); an empty
 * one is its name alone. YAML differs in three: TCP-KEEPALIVE, PAD in hex, EDE as a map. */
static void print_option(FILE *f, const char *lead, unsigned code, const uint8_t *p, size_t n,
			 const uint8_t *cookie, bool query, bool yaml)
{
	static const struct {
		unsigned code;
		const char *name;
	} names[] = { { 3, "NSID" }, { 9, "EXPIRE" }, { 10, "COOKIE" }, { 11, "TCP KEEPALIVE" },
		      { 12, "PAD" }, { 8, "CLIENT-SUBNET" }, { 15, "EDE" } };
	const char *name = NULL;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			name = code == 11 && yaml ? "TCP-KEEPALIVE" : names[i].name;
	uint32_t v = n == 4 ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
			    : 0;
	char tb[64];
	struct buf_out tt;
	fputs(lead, f);
	if (name && n == 0) {
		fprintf(f, "%s:", name);
	} else if (code == 3 || (code == 12 && yaml)) {
		fprintf(f, "%s: ", name);
		print_hex_and_text(f, p, n);
	} else if (code == 9 && n == 4) {
		buf_out_init(&tt, tb, sizeof(tb));
		ttl_text(&tt, v, true);
		fprintf(f, "EXPIRE: %u (%.*s)", (unsigned)v, (int)tt.len, tb);
	} else if (code == 10) {
		fputs("COOKIE: ", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%02x", p[i]);
		/* RFC 7873 §5.3: our client cookie back, with a server cookie or alone. */
		if (cookie && n >= 8 && memcmp(p, cookie, 8) == 0)
			fputs(n > 8 ? " (good)" : " (echoed)", f);
	} else if (code == 15 && n >= 2) {
		unsigned ede = (unsigned)(p[0] << 8 | p[1]);
		fprintf(f, yaml ? "EDE:\n%s  INFO-CODE: %u" : "EDE: %s%u", yaml ? lead : "", ede);
		if (print_ede_name(ede))
			fprintf(f, " (%s)", print_ede_name(ede));
		if (n > 2)
			fprintf(f, yaml ? "\n%s  EXTRA-TEXT: \"%.*s\"" : "%s: (%.*s)", yaml ? lead : "",
				(int)(n - 2), (const char *)p + 2);
		else if (yaml) /* as dig 9.18: an empty line where the text would be */
			fputc('\n', f);
	} else if (code == 11 && n == 2) {
		fprintf(f, "%s: %.1f secs", name, (p[0] << 8 | p[1]) / 10.0);
	} else if (code == 12 && query) {
		/* dig shows the query it sends before the padding is filled in: "PAD:" alone */
		fprintf(f, "PAD:");
	} else if (code == 12) {
		fprintf(f, "PAD: (%zu bytes)", n);
	} else if (n == 0) {
		fprintf(f, "OPT=%u:", code);
	} else if (!(code == 8 && print_subnet(f, p, n))) {
		fprintf(f, "OPT=%u: ", code);
		print_hex_and_text(f, p, n);
	}
	fputc('\n', f);
}

void print_edns_options(FILE *f, const char *lead, const struct wire_edns *e,
			const uint8_t *cookie, bool query, bool yaml)
{
	for (size_t i = 0; i + 4 <= e->opts_len;) {
		unsigned code = (unsigned)(e->opts[i] << 8 | e->opts[i + 1]);
		size_t n = (size_t)(e->opts[i + 2] << 8 | e->opts[i + 3]);
		if (i + 4 + n > e->opts_len) /* an option longer than what is left: not shown */
			break;
		print_option(f, lead, code, e->opts + i + 4, n, cookie, query, yaml);
		i += 4 + n;
	}
}

static void print_opt(FILE *f, const struct wire_edns *e, const uint8_t *cookie, bool query)
{
	fputs(";; OPT PSEUDOSECTION:\n", f);
	const uint16_t co = 0x4000; /* compact denial OK (a draft dig 9.18 names) */
	fprintf(f, "; EDNS: version: %u, flags:%s%s", e->version,
		e->flags & DNS_EDNS_FLAG_DO ? " do" : "", e->flags & co ? " co" : "");
	if (e->flags & ~(DNS_EDNS_FLAG_DO | co))
		fprintf(f, "; MBZ: 0x%04x", e->flags & ~(DNS_EDNS_FLAG_DO | co));
	fprintf(f, "; udp: %u\n", e->udp_size);
	print_edns_options(f, "; ", e, cookie, query, false);
}

/* ---- records: BIND's master-file style as dig sets it up ---- */

/* The column the text from start reaches, tabs 8 wide. */
static unsigned column_of(const struct buf_out *out, size_t start)
{
	unsigned at = 0;
	for (size_t i = start; i < out->len; i++)
		at = out->p[i] == '\t' ? (at / 8 + 1) * 8 : out->p[i] == '\n' ? 0 : at + 1;
	return at;
}

/* BIND's indent: to column to (at least one further), by tabs where a tab stop is crossed,
 * then spaces. */
static void indent_to(struct buf_out *out, size_t start, unsigned to)
{
	unsigned from = column_of(out, start);
	if (to < from + 1)
		to = from + 1;
	unsigned tabs = to / 8 - from / 8;
	for (unsigned i = 0; i < tabs; i++)
		buf_puts(out, "\t");
	if (tabs)
		from = to / 8 * 8;
	for (; from < to; from++)
		buf_puts(out, " ");
}

struct columns {
	unsigned ttl, rclass, type, rdata;
};

/* The columns dig asks BIND for: narrower when fields are left out, and in +multiline. */
static struct columns columns_for(const struct qdig_display *d)
{
	if (d->multiline || (!d->ttlid && !d->rrclass))
		return (struct columns){ 24, 24, 24, 32 };
	if (!d->ttlid || !d->rrclass)
		return (struct columns){ 24, 24, 32, 40 };
	return (struct columns){ 24, 32, 40, 48 };
}

static const struct qdig_display default_display = {
	.comments = true, .question = true, .answer = true, .authority = true,
	.additional = true, .stats = true, .ttlid = true, .rrclass = true,
	.crypto = true, .rrcomments = -1,
};

/* RFC 4034 Appendix B: the key tag of a DNSKEY's rdata. */
static unsigned key_tag(const uint8_t *rd, size_t n)
{
	uint32_t ac = 0;
	for (size_t i = 0; i < n; i++)
		ac += i & 1 ? rd[i] : (uint32_t)rd[i] << 8;
	ac += ac >> 16 & 0xFFFF;
	return ac & 0xFFFF;
}

const char *print_alg_name(unsigned alg)
{
	switch (alg) {
	case 1: return "RSAMD5";
	case 3: return "DSA";
	case 5: return "RSASHA1";
	case 6: return "NSEC3DSA";
	case 7: return "NSEC3RSASHA1";
	case 8: return "RSASHA256";
	case 10: return "RSASHA512";
	case 12: return "ECCGOST";
	case 13: return "ECDSAP256SHA256";
	case 14: return "ECDSAP384SHA384";
	case 15: return "ED25519";
	case 16: return "ED448";
	}
	return NULL;
}

/* How many leading fields of a key, signature, digest or fingerprint type come before its
 * blob (base64 or hex, split in chunks by dig). */
static int blob_fields(uint16_t type)
{
	switch (type) {
	case DNS_TYPE_SSHFP:
		return 2;
	case DNS_TYPE_TLSA:
		return 3;
	case DNS_TYPE_DNSKEY:
	case DNS_TYPE_CDNSKEY:
	case DNS_TYPE_DS:
	case DNS_TYPE_CDS:
		return 3;
	case DNS_TYPE_RRSIG:
		return 8;
	}
	return 0;
}

static const char *skip_fields(const char *s, int n)
{
	for (int i = 0; i < n && *s; i++) {
		s += strcspn(s, " ");
		s += strspn(s, " ");
	}
	return s;
}

/* Writes text without its spaces in chunks of split characters (0: one chunk), the first
 * after first, the others after sep. split is at most OPTS_SPLIT_MAX. */
static void put_chunks(struct buf_out *out, const char *text, unsigned split, const char *sep,
		       const char *first)
{
	char chunk[OPTS_SPLIT_MAX + 1];
	size_t n = 0;
	bool any = false;
	for (const char *p = text;; p++) {
		if (*p == ' ')
			continue;
		if (*p && split == 0) {
			if (!any)
				buf_puts(out, first);
			any = true;
			buf_printf(out, "%c", *p);
			continue;
		}
		if (*p && n < split) {
			chunk[n++] = *p;
			continue;
		}
		if (n)
			buf_printf(out, "%s%.*s", any ? sep : first, (int)n, chunk);
		any = any || n;
		if (!*p)
			break;
		chunk[0] = *p;
		n = 1;
	}
}

/* The rdata of a key, signature or digest record: its fields, then the blob in chunks of
 * split (or [omitted] with +nocrypto), over several lines in +multiline, with the key's
 * comment when rrcomments. text is lib's one-line form. */
static void blob_rdata(struct buf_out *out, const struct wire_rr *rr, const char *text,
		       const struct qdig_display *d, bool comments)
{
	int nf = blob_fields(rr->type);
	bool key = rr->type == DNS_TYPE_DNSKEY || rr->type == DNS_TYPE_CDNSKEY;
	const char *blob = skip_fields(text, nf);
	const char *nl = d->multiline ? "\n\t\t\t\t" : " ";
	unsigned split = d->split ? d->split : d->multiline ? 44 : 56;
	if (d->split_set)
		split = d->split;
	/* The fields; a signature's first four, then the rest on a line of their own. */
	int first = rr->type == DNS_TYPE_RRSIG && d->multiline ? 4 : nf;
	const char *mid = skip_fields(text, first);
	buf_printf(out, "%.*s", (int)(mid - text - (mid > text && mid[-1] == ' ')), text);
	if (d->multiline)
		buf_puts(out, " (");
	if (first != nf)
		buf_printf(out, "%s%.*s", nl, (int)(blob - mid - 1), mid);
	bool crypto = rr->type != DNS_TYPE_SSHFP && rr->type != DNS_TYPE_TLSA;
	if (!d->crypto && crypto) { /* dig omits keys, signatures and DS digests only */
		if (key)
			buf_printf(out, "%s[key id = %u]", nl, key_tag(rr->rdata, rr->rdlen));
		else
			buf_printf(out, "%s[omitted]", nl);
	} else {
		put_chunks(out, blob, split, nl, d->multiline ? nl : " ");
	}
	if (d->multiline)
		buf_puts(out, key && comments ? "\n\t\t\t\t)" : " )");
	if (key && comments && rr->rdlen >= 4) {
		const char *alg = print_alg_name(rr->rdata[3]);
		buf_printf(out, "%s ; %s; alg = ", d->multiline ? "" : " ",
			   rr->rdata[1] & 1 ? "KSK" : "ZSK");
		if (alg)
			buf_puts(out, alg);
		else
			buf_printf(out, "%u", rr->rdata[3]);
		buf_printf(out, " ; key id = %u", key_tag(rr->rdata, rr->rdlen));
	}
}

/* SOA in +multiline: the names, then each number on its own line, commented when asked. */
static void soa_multiline(struct buf_out *out, const char *text, bool comments)
{
	static const char *const what[] = { "serial", "refresh", "retry", "expire", "minimum" };
	const char *nums = skip_fields(text, 2);
	buf_printf(out, "%.*s (", (int)(nums - text - 1), text);
	for (int i = 0; i < 5; i++) {
		const char *f = skip_fields(nums, i);
		int len = (int)strcspn(f, " ");
		buf_printf(out, "\n\t\t\t\t%.*s", len, f);
		if (!comments)
			continue;
		buf_printf(out, "%*s ; %s", 10 - len > 0 ? 10 - len : 0, "", what[i]);
		if (i > 0) {
			buf_puts(out, " (");
			ttl_text(out, (uint32_t)strtoul(f, NULL, 10), true);
			buf_puts(out, ")");
		}
	}
	buf_puts(out, comments ? "\n\t\t\t\t)" : ")");
}

/* RFC 3597 §5: "\\# length hex", in chunks as dig splits them, "( ... )" in +multiline. */
static void unknown_rdata(struct buf_out *out, const struct wire_rr *rr,
			  const struct qdig_display *d)
{
	buf_printf(out, "\\# %u", rr->rdlen);
	if (rr->rdlen == 0)
		return;
	char *hex = malloc(2 * (size_t)rr->rdlen + 1);
	if (!hex) {
		buf_puts(out, " (out of memory)");
		return;
	}
	struct buf_out h;
	buf_out_init(&h, hex, 2 * (size_t)rr->rdlen + 1);
	text_hex_encode(rr->rdata, rr->rdlen, &h);
	hex[h.len] = 0;
	unsigned split = d->split_set ? d->split : d->multiline ? 44 : 56;
	put_chunks(out, hex, split, d->multiline ? "\n\t\t\t\t" : " ", d->multiline ? " ( " : " ");
	if (d->multiline)
		buf_puts(out, " )");
	free(hex);
}

/* +idnout: the names written since start in UTF-8; a bad ACE label ends qdig as it ends dig
 * (exit 1, dig's words). */
static void idn_out(struct buf_out *out, size_t start, const struct qdig_display *d)
{
	char err[512];
	if (d->idnout && !idn_text_to_unicode(out, start, err)) {
		fflush(stdout);
		fprintf(stderr, "qdig: %s\n", err);
		exit(1);
	}
}

static void rdata_text(struct buf_out *out, const struct wire_rr *rr, const struct qdig_display *d);

void print_rdata(struct buf_out *out, const struct wire_rr *rr, const struct qdig_display *d)
{
	size_t start = out->len;
	rdata_text(out, rr, d);
	idn_out(out, start, d);
}

static void rdata_text(struct buf_out *out, const struct wire_rr *rr, const struct qdig_display *d)
{
	if (d->unknownformat || (!rdata_type_known(rr->type) && (d->multiline || d->split_set))) {
		unknown_rdata(out, rr, d);
		return;
	}
	bool comments = d->rrcomments == 1 || (d->rrcomments == -1 && d->multiline);
	bool soa = rr->type == DNS_TYPE_SOA && d->multiline;
	bool nsec3 = rr->type == DNS_TYPE_NSEC3 && d->multiline;
	bool blob = blob_fields(rr->type) &&
		    (d->multiline || !d->crypto || d->split_set || comments);
	if (!soa && !blob && !nsec3) {
		rdata_to_text(rr->type, rr->rdata, rr->rdlen, out);
		return;
	}
	char *text = malloc(LINE_MAX_TEXT);
	if (!text) {
		buf_puts(out, "(out of memory)");
		return;
	}
	struct buf_out t;
	buf_out_init(&t, text, LINE_MAX_TEXT - 1);
	rdata_to_text(rr->type, rr->rdata, rr->rdlen, &t);
	text[t.len] = 0;
	if (soa) {
		soa_multiline(out, text, comments);
	} else if (nsec3) { /* the parameters, then the next owner and the types on lines of their own */
		const char *hash = skip_fields(text, 4), *types = skip_fields(text, 5);
		buf_printf(out, "%.*s (\n\t\t\t\t%.*s", (int)(hash - text - 1), text,
			   (int)strcspn(hash, " "), hash);
		if (*types)
			buf_printf(out, "\n\t\t\t\t%s", types);
		buf_puts(out, " )");
	} else
		blob_rdata(out, rr, text, d, comments);
	free(text);
}

/* A class or type mnemonic, or with +unknownformat CLASSn and TYPEn (RFC 3597 §5). */
static void class_text(struct buf_out *out, uint16_t rclass, const struct qdig_display *d)
{
	if (d->unknownformat)
		buf_printf(out, "CLASS%u", rclass);
	else
		rdata_class_to_text(rclass, out);
}

static void type_text(struct buf_out *out, uint16_t type, const struct qdig_display *d)
{
	if (d->unknownformat)
		buf_printf(out, "TYPE%u", type);
	else
		rdata_type_to_text(type, out);
}

static void rr_text(struct buf_out *out, const struct wire_rr *rr, const struct qdig_display *d)
{
	struct columns c = columns_for(d);
	size_t start = out->len;
	name_to_text(rr->owner, out);
	idn_out(out, start, d);
	if (d->ttlid) {
		indent_to(out, start, c.ttl);
		if (d->ttlunits)
			ttl_text(out, rr->ttl, false);
		else
			buf_printf(out, "%u", rr->ttl);
	}
	if (d->rrclass) {
		indent_to(out, start, c.rclass);
		class_text(out, rr->rclass, d);
	}
	indent_to(out, start, c.type);
	if (rr->type == TSIG_TYPE)
		buf_puts(out, "TSIG");
	else
		type_text(out, rr->type, d);
	indent_to(out, start, c.rdata);
	if (rr->type == TSIG_TYPE)
		tsig_rdata_text(out, rr, d->split_set ? d->split : 0);
	else
		print_rdata(out, rr, d);
}

static void question_text(struct buf_out *out, const struct wire_question *q,
			  const struct qdig_display *d)
{
	struct columns c = columns_for(d);
	buf_puts(out, ";");
	size_t start = out->len; /* dig writes the ';' before BIND counts columns */
	name_to_text(q->name, out);
	idn_out(out, start, d);
	indent_to(out, start, c.rclass); /* dig prints the question's class even with +noclass */
	class_text(out, q->rclass, d);
	indent_to(out, start, c.type);
	type_text(out, q->type, d);
}

/* Formats through a buffer big enough for any record, then prints it with a newline. */
static void print_formatted(FILE *f, const struct wire_rr *rr, const struct wire_question *q,
			    const struct qdig_display *d)
{
	char *line = malloc(LINE_MAX_TEXT);
	if (!line) {
		fputs(";; (out of memory printing a record)\n", f);
		return;
	}
	struct buf_out out;
	buf_out_init(&out, line, LINE_MAX_TEXT);
	if (rr)
		rr_text(&out, rr, d);
	else
		question_text(&out, q, d);
	fprintf(f, "%.*s\n", (int)out.len, line);
	free(line);
}

void print_rr(FILE *f, const struct wire_rr *rr, const struct qdig_display *d)
{
	print_formatted(f, rr, NULL, d);
}

void print_rr_line(FILE *f, const struct wire_rr *rr)
{
	print_formatted(f, rr, NULL, &default_display);
}

void print_message(FILE *f, const struct wire_msg *m, const struct qdig_display *d,
		   bool rd_asked, const uint8_t *cookie)
{
	static const char *const titles[] = { "ANSWER", "AUTHORITY", "ADDITIONAL" };
	char b1[16], b2[16];
	if (d->comments) {
		fprintf(f, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
			print_opcode_name(DNS_OPCODE(m->flags), b1), print_rcode_name(m->rcode, b2),
			m->id);
		print_flags(f, m->flags);
		fprintf(f, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
			m->has_question ? 1u : 0u, m->n[WIRE_ANSWER], m->n[WIRE_AUTHORITY],
			m->n[WIRE_ADDITIONAL] + (m->edns.present ? 1u : 0u));
		if ((m->flags & DNS_FLAG_QR) && rd_asked && !(m->flags & DNS_FLAG_RA))
			fputs(";; WARNING: recursion requested but not available\n", f);
		fputc('\n', f);
		if (m->edns.present)
			print_opt(f, &m->edns, cookie, !(m->flags & DNS_FLAG_QR));
	}
	/* dig titles a query's question section even when it is empty (+header-only +qr) */
	if ((m->has_question || !(m->flags & DNS_FLAG_QR)) && d->question) {
		if (d->comments)
			fputs(";; QUESTION SECTION:\n", f);
		if (m->has_question)
			print_formatted(f, NULL, &m->q, d);
		if (d->comments)
			fputc('\n', f);
	}
	/* A TSIG record, the last of the message, is dig's TSIG pseudosection, after the rest. */
	const uint16_t na = m->n[WIRE_ADDITIONAL];
	const struct wire_rr *tsig = na && m->rr[WIRE_ADDITIONAL][na - 1].type == TSIG_TYPE
					     ? &m->rr[WIRE_ADDITIONAL][na - 1]
					     : NULL;
	const bool shown[3] = { d->answer, d->authority, d->additional };
	for (int s = 0; s < 3; s++) {
		uint16_t n = (uint16_t)(m->n[s] - (s == WIRE_ADDITIONAL && tsig));
		if (n == 0 || !shown[s])
			continue;
		if (d->comments)
			fprintf(f, ";; %s SECTION:\n", titles[s]);
		for (uint16_t i = 0; i < n; i++)
			print_rr(f, &m->rr[s][i], d);
		if (d->comments)
			fputc('\n', f);
	}
	if (tsig && d->additional) {
		if (d->comments)
			fputs(";; TSIG PSEUDOSECTION:\n", f);
		print_rr(f, tsig, d);
		if (d->comments)
			fputc('\n', f);
	}
}

void print_short(FILE *f, const struct wire_msg *m, const struct qdig_display *d,
		 const char *suffix)
{
	char *line = malloc(LINE_MAX_TEXT);
	if (!line) {
		fputs(";; (out of memory printing a record)\n", f);
		return;
	}
	for (uint16_t i = 0; i < m->n[WIRE_ANSWER]; i++) {
		struct buf_out out;
		buf_out_init(&out, line, LINE_MAX_TEXT);
		print_rdata(&out, &m->rr[WIRE_ANSWER][i], d);
		fprintf(f, "%.*s%s\n", (int)out.len, line, suffix);
	}
	free(line);
}

/* One line of print_colored: its indentation (the steps of +trace sub-questions) kept as is,
 * then the status of a header line coloured, a comment dim, or a record's owner bold. */
static void print_colored_line(FILE *f, const char *text, int n)
{
	static const char dim[] = "\033[2m", bold[] = "\033[1m", green[] = "\033[32m",
			  red[] = "\033[31m", reset[] = "\033[0m";
	int indent = (int)strspn(text, " ");
	if (indent > n)
		indent = n;
	fprintf(f, "%.*s", indent, text);
	text += indent;
	n -= indent;
	const char *status = strstr(text, "status: ");
	const char *comma = status ? strchr(status, ',') : NULL;
	if (n == 0) {
		fputc('\n', f);
	} else if (status && comma && comma < text + n) {
		int before = (int)(status + 8 - text), word = (int)(comma - status - 8);
		bool good = strncmp(status + 8, "NOERROR", 7) == 0;
		fprintf(f, "%s%.*s%s%s%.*s%s%s%.*s%s\n", dim, before, text, reset, good ? green : red,
			word, status + 8, reset, dim, n - before - word, comma, reset);
	} else if (text[0] == ';') {
		fprintf(f, "%s%.*s%s\n", dim, n, text, reset);
	} else {
		int owner = (int)strcspn(text, " \t\n");
		if (owner > n)
			owner = n;
		fprintf(f, "%s%.*s%s%.*s\n", bold, owner, text, reset, n - owner, text + owner);
	}
}

void print_colored(FILE *f, const char *text)
{
	while (text && *text) {
		const char *end = strchr(text, '\n');
		int n = end ? (int)(end - text) : (int)strlen(text);
		print_colored_line(f, text, n);
		text = end ? end + 1 : text + n;
	}
}
