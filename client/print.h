/* client/print.h: printing a reply the way dig does.
 *
 * The dig layout: the ->>HEADER<<- and flags lines, the OPT pseudosection, then the question,
 * answer, authority and additional sections (empty ones left out), records in master-file
 * text. +short prints the answer's rdata only. The banner and the footer (query time, server,
 * size) belong to the caller, which knows how the reply came.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_PRINT_H
#define CLIENT_PRINT_H

#include <stdio.h>

#include "wire.h"

/* The mnemonic of an rcode (NOERROR ... BADVERS), or "RESERVEDnn". */
const char *print_rcode_name(unsigned rcode, char buf[static 16]);

/* The mnemonic of an opcode (QUERY, NOTIFY, ...), or "RESERVEDn". */
const char *print_opcode_name(unsigned opcode, char buf[static 16]);

/* The header flags dig names, in dig's order: the i-th flag's mnemonic ("qr", "aa", ...)
 * and its bit, or NULL past the last. */
const char *print_flag_name(size_t i, uint16_t *bit);

/* Prints the header, OPT pseudosection and sections of m in dig's layout. rd_asked says
 * whether the query had RD set (dig warns when the reply then lacks RA). */
void print_message(FILE *f, const struct wire_msg *m, bool rd_asked);

/* Prints one section's records, one line each, under no heading. */
void print_section(FILE *f, const struct wire_msg *m, enum wire_section s);

/* Writes text (qdig's whole output) to f with ANSI colours: comment lines dim, the owner
 * names of records bold, the status of a header line green (NOERROR) or red. Indentation (the
 * sub-questions of +trace) is kept as it is, uncoloured. */
void print_colored(FILE *f, const char *text);

/* +short: the rdata of each answer record, one per line. */
void print_short(FILE *f, const struct wire_msg *m);

#endif
