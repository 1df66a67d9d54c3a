/* client/opts.h: qdig's command line, parsed the way dig parses its own.
 *
 * Arguments come in any order: @server, -p/-t/-c/-x/-h options, +keyword options (from one
 * table, which also prints the help), and up to three words: the name, a type and a class,
 * told apart by what they parse as. What the options mean is main.c's business.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_OPTS_H
#define CLIENT_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "name.h"

struct qdig_opts {
	char server[256];      /* @server as given; empty: the first resolv.conf nameserver */
	uint16_t port;         /* -p, default 53 */
	char qname_text[NAME_MAX_TEXT];
	uint8_t qname[NAME_MAX_WIRE];
	uint16_t qtype, qclass;
	bool tcp;              /* +tcp: TCP from the start */
	bool recurse;          /* +[no]recurse: the RD bit, default on */
	bool adflag, cdflag;   /* +[no]adflag, +[no]cdflag */
	bool short_form;       /* +short: rdata only */
	bool edns;             /* +[no]edns: send an OPT record, default on */
	unsigned bufsize;      /* +bufsize=N: EDNS UDP size, default 1232 */
	bool dnssec;           /* +dnssec: the DO bit */
	unsigned timeout_s;    /* +timeout=S per try, default 5 */
	unsigned tries;        /* +tries=N, default 3 */
	bool ignoretc;         /* +ignoretc: print a truncated UDP reply, no TCP retry */
	bool trace;            /* +trace: walk from the root */
	char root_hints[256];  /* +root-hints=FILE for +trace, instead of asking for ". NS" */
	bool json;             /* +json: one JSON document */
	int color;             /* +color 1, +nocolor 0, default -1: when stdout is a terminal */
};

/* Parses argv into o (defaults first). On a usage error returns false with a one-line
 * message in err naming the offending argument. *help is set for -h. */
bool opts_parse(int argc, char **argv, struct qdig_opts *o, bool *help, char err[static 256]);

/* Prints the usage text: every option, from the same table the parser uses. */
void opts_usage(FILE *f);

#endif
