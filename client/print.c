/* client/print.c: dig's layout for a parsed reply.
 * SPDX-License-Identifier: MIT
 */
#include "print.h"

#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "rdata.h"
#include "text.h"

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
}

/* RFC 8914 §5.2: the extended DNS error codes with names. */
static const char *ede_name(unsigned code)
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
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "Unknown";
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

/* One EDNS option, as dig shows the common ones (RFC 5001, 7873, 8914, 7871, 7828). */
static void print_option(FILE *f, unsigned code, const uint8_t *p, size_t n)
{
	switch (code) {
	case 3:
		fputs("; NSID: ", f);
		print_hex_and_text(f, p, n);
		break;
	case 10:
		fputs("; COOKIE: ", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%02x", p[i]);
		break;
	case 15:
		if (n < 2)
			goto generic;
		fprintf(f, "; EDE: %u (%s)", (unsigned)(p[0] << 8 | p[1]),
			ede_name((unsigned)(p[0] << 8 | p[1])));
		if (n > 2)
			fprintf(f, ": (%.*s)", (int)(n - 2), (const char *)p + 2);
		break;
	case 11:
		if (n == 2) {
			fprintf(f, "; TCP-KEEPALIVE: %.1f secs", (p[0] << 8 | p[1]) / 10.0);
			break;
		}
		goto generic;
	case 12:
		fprintf(f, "; PADDING: %zu bytes", n);
		break;
	default:
	generic:
		fprintf(f, "; OPT=%u: ", code);
		print_hex_and_text(f, p, n);
	}
	fputc('\n', f);
}

static void print_opt(FILE *f, const struct wire_edns *e)
{
	fputs(";; OPT PSEUDOSECTION:\n", f);
	fprintf(f, "; EDNS: version: %u, flags:%s", e->version,
		e->flags & DNS_EDNS_FLAG_DO ? " do" : "");
	if (e->flags & ~DNS_EDNS_FLAG_DO)
		fprintf(f, "; MBZ: 0x%04x", e->flags & ~DNS_EDNS_FLAG_DO);
	fprintf(f, "; udp: %u\n", e->udp_size);
	for (size_t i = 0; i + 4 <= e->opts_len;) {
		unsigned code = (unsigned)(e->opts[i] << 8 | e->opts[i + 1]);
		size_t n = (size_t)(e->opts[i + 2] << 8 | e->opts[i + 3]);
		print_option(f, code, e->opts + i + 4, n);
		i += 4 + n;
	}
}

/* Prints one record (or its rdata alone) through a buffer big enough for any record. */
static void print_line(FILE *f, const struct wire_rr *rr, bool short_form)
{
	char *line = malloc(LINE_MAX_TEXT);
	if (!line) {
		fputs(";; (out of memory printing a record)\n", f);
		return;
	}
	struct buf_out out;
	buf_out_init(&out, line, LINE_MAX_TEXT);
	if (short_form)
		rdata_to_text(rr->type, rr->rdata, rr->rdlen, &out);
	else
		wire_rr_to_text(rr, &out);
	fprintf(f, "%s\n", line);
	free(line);
}

void print_section(FILE *f, const struct wire_msg *m, enum wire_section s)
{
	for (uint16_t i = 0; i < m->n[s]; i++)
		print_line(f, &m->rr[s][i], false);
}

void print_message(FILE *f, const struct wire_msg *m, bool rd_asked)
{
	static const char *const titles[] = { "ANSWER", "AUTHORITY", "ADDITIONAL" };
	char b1[16], b2[16];
	fprintf(f, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
		print_opcode_name(DNS_OPCODE(m->flags), b1), print_rcode_name(m->rcode, b2), m->id);
	print_flags(f, m->flags);
	fprintf(f, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
		m->has_question ? 1u : 0u, m->n[WIRE_ANSWER], m->n[WIRE_AUTHORITY],
		m->n[WIRE_ADDITIONAL] + (m->edns.present ? 1u : 0u));
	if (rd_asked && !(m->flags & DNS_FLAG_RA))
		fputs(";; WARNING: recursion requested but not available\n", f);
	fputc('\n', f);
	if (m->edns.present)
		print_opt(f, &m->edns);
	if (m->has_question) {
		char q[NAME_MAX_TEXT + 64];
		struct buf_out out;
		buf_out_init(&out, q, sizeof(q));
		wire_question_to_text(&m->q, &out);
		fprintf(f, ";; QUESTION SECTION:\n%s\n\n", q);
	}
	for (int s = 0; s < 3; s++) {
		if (m->n[s] == 0)
			continue;
		fprintf(f, ";; %s SECTION:\n", titles[s]);
		print_section(f, m, (enum wire_section)s);
		fputc('\n', f);
	}
}

void print_short(FILE *f, const struct wire_msg *m)
{
	for (uint16_t i = 0; i < m->n[WIRE_ANSWER]; i++)
		print_line(f, &m->rr[WIRE_ANSWER][i], true);
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
