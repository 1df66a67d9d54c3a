/* client/print.h: printing a message the way dig 9.18 does.
 *
 * The dig layout: the ->>HEADER<<- and flags lines, the OPT pseudosection, then the question,
 * answer, authority and additional sections (empty ones left out), records in master-file
 * text with BIND's columns; what is shown follows the display switches (struct qdig_display:
 * +[no]comments, +[no]question ..., +[no]ttlid, +[no]class, +ttlunits, +multiline, +nocrypto,
 * +split, +rrcomments). +short prints the answer's rdata only. The banner and the footer
 * (query time, server, size) belong to the caller, which knows how the reply came.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_PRINT_H
#define CLIENT_PRINT_H

#include <stdio.h>

#include "opts.h"
#include "wire.h"

/* The mnemonic of an rcode (NOERROR ... BADVERS), or "RESERVEDnn". */
const char *print_rcode_name(unsigned rcode, char buf[static 16]);

/* The mnemonic of an opcode (QUERY, NOTIFY, ...), or "RESERVEDn". */
const char *print_opcode_name(unsigned opcode, char buf[static 16]);

/* The header flags dig names, in dig's order: the i-th flag's mnemonic ("qr", "aa", ...)
 * and its bit, or NULL past the last. */
const char *print_flag_name(size_t i, uint16_t *bit);

/* Prints the header, OPT pseudosection and sections of m (a reply, or with QR clear the query
 * sent, for +qr) as the switches of d say. rd_asked says whether the query had RD set (dig
 * warns when a reply then lacks RA); cookie, when not NULL, is the 8-byte client cookie sent,
 * so that a reply's COOKIE line says "(good)" or "(echoed)" as dig's does. */
void print_message(FILE *f, const struct wire_msg *m, const struct qdig_display *d,
		   bool rd_asked, const uint8_t *cookie);

/* One record in dig's layout as d says, with its newline. */
void print_rr(FILE *f, const struct wire_rr *rr, const struct qdig_display *d);

/* One record in dig's default layout, as one line with its newline. */
void print_rr_line(FILE *f, const struct wire_rr *rr);

/* One record's rdata in dig's default layout (+short's form, +yaml's last field), into out. */
void print_rdata(struct buf_out *out, const struct wire_rr *rr, const struct qdig_display *d);

/* Writes text (qdig's whole output) to f with ANSI colours: comment lines dim, the owner
 * names of records bold, the status of a header line green (NOERROR) or red. Indentation (the
 * sub-questions of +trace) is kept as it is, uncoloured. */
void print_colored(FILE *f, const char *text);

/* +short: the rdata of each answer record, one per line, each followed by suffix (+identify's
 * "from server ..."; empty for none). */
void print_short(FILE *f, const struct wire_msg *m, const struct qdig_display *d,
		 const char *suffix);

/* The EDNS options of e, one a line after lead, as dig prints them in text (yaml false) or
 * in +yaml; cookie and query as for print_message. */
void print_edns_options(FILE *f, const char *lead, const struct wire_edns *e,
			const uint8_t *cookie, bool query, bool yaml);

/* An EDE code's name (RFC 8914 §5.2), NULL past the list. */
const char *print_ede_name(unsigned code);

/* The mnemonic of DNSSEC algorithm alg (RFC 8624's table: "ECDSAP256SHA256"), or NULL. */
const char *print_alg_name(unsigned alg);

#endif
