/* client/opts.c: qdig's argument parser and help text, driven by one option table.
 * SPDX-License-Identifier: MIT
 */
#include "opts.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "rdata.h"
#include "text.h"

enum kind { K_BOOL, K_UINT, K_TEXT };

struct plus {
	const char *name;
	enum kind kind;
	size_t off;
	unsigned min, max; /* K_UINT range; K_TEXT: max is the field size */
	const char *help;
};

#define F(field) offsetof(struct qdig_opts, field)

static const struct plus pluses[] = {
	{ "tcp", K_BOOL, F(tcp), 0, 0, "use TCP from the start (default: UDP, TCP after TC=1)" },
	{ "vc", K_BOOL, F(tcp), 0, 0, "same as +tcp" },
	{ "recurse", K_BOOL, F(recurse), 0, 0, "set RD, ask for recursion (default on)" },
	{ "adflag", K_BOOL, F(adflag), 0, 0, "set AD in the query" },
	{ "cdflag", K_BOOL, F(cdflag), 0, 0, "set CD in the query" },
	{ "short", K_BOOL, F(short_form), 0, 0, "print only the answer's rdata" },
	{ "edns", K_BOOL, F(edns), 0, 0, "send an EDNS0 OPT record (default on)" },
	{ "bufsize", K_UINT, F(bufsize), 512, 4096, "EDNS UDP payload size (default 1232)" },
	{ "dnssec", K_BOOL, F(dnssec), 0, 0, "set the DO bit (ask for DNSSEC records)" },
	{ "timeout", K_UINT, F(timeout_s), 1, 300, "seconds to wait for each try (default 5)" },
	{ "tries", K_UINT, F(tries), 1, 100, "tries per query (default 3)" },
	{ "ignoretc", K_BOOL, F(ignoretc), 0, 0, "print a truncated reply, no TCP retry" },
	{ "trace", K_BOOL, F(trace), 0, 0, "walk from the root, printing every referral" },
	{ "root-hints", K_TEXT, F(root_hints), 0, 256, "root servers for +trace from FILE" },
	{ "json", K_BOOL, F(json), 0, 0, "print one JSON document" },
};

void opts_usage(FILE *f)
{
	fputs("usage: qdig [@server] [-p port] [-t type] [-c class] [-x addr] [-q name]\n"
	      "            [+option...] [name] [type] [class]\n"
	      "\n"
	      "Sends one DNS question and prints the reply as dig does.\n"
	      "  @server   server address or host name (default: first nameserver of\n"
	      "            /etc/resolv.conf)\n"
	      "  -p port   server port (default 53)\n"
	      "  -t type   question type (default A; NS when no name is given)\n"
	      "  -c class  question class (default IN)\n"
	      "  -q name   the name, even one that reads as a type or class\n"
	      "  -x addr   reverse lookup: PTR for an IPv4 or IPv6 address\n"
	      "  -h        this help\n"
	      "Options (+no<option> turns a switch off):\n",
	      f);
	for (size_t i = 0; i < sizeof(pluses) / sizeof(pluses[0]); i++) {
		char left[40];
		snprintf(left, sizeof(left), "+%s%s", pluses[i].kind == K_BOOL ? "[no]" : "",
			 pluses[i].name);
		if (pluses[i].kind != K_BOOL)
			strncat(left, pluses[i].kind == K_UINT ? "=N" : "=FILE",
				sizeof(left) - strlen(left) - 1);
		fprintf(f, "  %-20s %s\n", left, pluses[i].help);
	}
	fputs("  +[no]color           colour on a terminal (default: when stdout is one)\n"
	      "Exit status: 0 on a reply (whatever its rcode), 1 usage error, 9 no reply,\n"
	      "10 internal error.\n",
	      f);
}

/* The option named name[0..len), or the only one it abbreviates, as dig allows (+norec).
 * NULL when there is none, with *ambiguous set when several options start so. */
static const struct plus *find_plus(const char *name, size_t len, bool *ambiguous)
{
	const struct plus *found = NULL;
	*ambiguous = false;
	for (size_t i = 0; i < sizeof(pluses) / sizeof(pluses[0]); i++) {
		if (strncmp(pluses[i].name, name, len) != 0)
			continue;
		if (strlen(pluses[i].name) == len)
			return &pluses[i];
		if (found)
			*ambiguous = true;
		found = &pluses[i];
	}
	return len && !*ambiguous ? found : NULL;
}

static bool plus_option(const char *arg, struct qdig_opts *o, char *err)
{
	const char *name = arg + 1;
	bool value = true;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	if (strncmp(name, "no", 2) == 0 && !eq) {
		value = false;
		name += 2;
		len -= 2;
	}
	if (len == 5 && strncmp(name, "color", 5) == 0 && !eq) {
		o->color = value;
		return true;
	}
	bool ambiguous;
	const struct plus *p = find_plus(name, len, &ambiguous);
	if (p) {
		char *field = (char *)o + p->off;
		if (p->kind == K_BOOL && !eq) {
			*(bool *)field = value;
			return true;
		}
		if (p->kind == K_TEXT && eq && value && strlen(eq + 1) < p->max && eq[1]) {
			strcpy(field, eq + 1);
			return true;
		}
		uint32_t v;
		if (p->kind == K_UINT && eq && value &&
		    text_u32(eq + 1, strlen(eq + 1), p->max, &v) == ERR_OK && v >= p->min) {
			*(unsigned *)field = v;
			return true;
		}
		snprintf(err, 256, "bad value in '%s'", arg);
		return false;
	}
	snprintf(err, 256, "%s option '%s'", ambiguous ? "ambiguous" : "unknown", arg);
	return false;
}

/* Builds the reverse-lookup name of an IPv4 or IPv6 address (RFC 1035 §3.5, RFC 3596 §2.5). */
static bool reverse_name(const char *addr, char *out, size_t cap)
{
	uint8_t a[16];
	size_t n = 0;
	if (inet_pton(AF_INET, addr, a) == 1) {
		snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa.", a[3], a[2], a[1], a[0]);
		return true;
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return false;
	for (int i = 15; i >= 0; i--)
		n += (size_t)snprintf(out + n, cap - n, "%x.%x.", a[i] & 15, a[i] >> 4);
	snprintf(out + n, cap - n, "ip6.arpa.");
	return true;
}

static bool set_name(struct qdig_opts *o, const char *text, const char *arg, char *err)
{
	if (o->qname_text[0]) {
		snprintf(err, 256, "more than one name: '%s'", arg);
		return false;
	}
	size_t len;
	if (strlen(text) >= sizeof(o->qname_text) ||
	    name_from_text(text, strlen(text), NULL, o->qname, &len) != ERR_OK) {
		snprintf(err, 256, "bad domain name '%s'", arg);
		return false;
	}
	strcpy(o->qname_text, text);
	return true;
}

/* A word that is not an option: a type, a class, or the name, told apart as dig does (a type
 * or class word counts as such while that slot is free; -q gives a name that looks like one). */
static bool word(struct qdig_opts *o, const char *w, bool *type_set, bool *class_set,
		 char *err)
{
	uint16_t v;
	if (!*type_set && rdata_type_from_text(w, strlen(w), &v) == ERR_OK) {
		o->qtype = v;
		*type_set = true;
		return true;
	}
	if (!*class_set && rdata_class_from_text(w, strlen(w), &v) == ERR_OK) {
		o->qclass = v;
		*class_set = true;
		return true;
	}
	if (o->qname_text[0] == 0)
		return set_name(o, w, w, err);
	snprintf(err, 256, "unexpected argument '%s'", w);
	return false;
}

static void defaults(struct qdig_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = 53;
	o->qtype = DNS_TYPE_A;
	o->qclass = DNS_CLASS_IN;
	o->recurse = true;
	o->edns = true;
	o->bufsize = 1232;
	o->timeout_s = 5;
	o->tries = 3;
	o->color = -1;
}

/* -p, -t, -c, -q, -x: each takes the next argument (or the rest of this one, as in -tMX). */
static bool dash_option(struct qdig_opts *o, char opt, const char *val, bool *type_set,
			bool *class_set, char *err)
{
	uint32_t port;
	uint16_t v;
	char rev[80];
	switch (opt) {
	case 'p':
		if (text_u32(val, strlen(val), 65535, &port) || port == 0)
			break;
		o->port = (uint16_t)port;
		return true;
	case 't':
		if (rdata_type_from_text(val, strlen(val), &v))
			break;
		o->qtype = v;
		*type_set = true;
		return true;
	case 'c':
		if (rdata_class_from_text(val, strlen(val), &v))
			break;
		o->qclass = v;
		*class_set = true;
		return true;
	case 'q':
		return set_name(o, val, val, err);
	case 'x':
		if (!reverse_name(val, rev, sizeof(rev)))
			break;
		if (!*type_set)
			o->qtype = DNS_TYPE_PTR;
		*type_set = true;
		return set_name(o, rev, val, err);
	default:
		snprintf(err, 256, "unknown option '-%c'", opt);
		return false;
	}
	snprintf(err, 256, "bad value '%s' for -%c", val, opt);
	return false;
}

bool opts_parse(int argc, char **argv, struct qdig_opts *o, bool *help, char err[static 256])
{
	bool type_set = false, class_set = false;
	defaults(o);
	*help = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '@') {
			if (!a[1] || strlen(a + 1) >= sizeof(o->server)) {
				snprintf(err, 256, "bad server '%s'", a);
				return false;
			}
			strcpy(o->server, a + 1);
		} else if (a[0] == '+') {
			if (!plus_option(a, o, err))
				return false;
		} else if (a[0] == '-' && a[1]) {
			if (a[1] == 'h' && !a[2]) {
				*help = true;
				return true;
			}
			if (!strchr("ptcqx", a[1])) {
				snprintf(err, 256, "unknown option '%s'", a);
				return false;
			}
			const char *val = a[2] ? a + 2 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val) {
				snprintf(err, 256, "'%s' needs a value", a);
				return false;
			}
			if (!dash_option(o, a[1], val, &type_set, &class_set, err))
				return false;
		} else if (!word(o, a, &type_set, &class_set, err)) {
			return false;
		}
	}
	if (o->qname_text[0] == 0) { /* dig with no name asks for the root's NS */
		set_name(o, ".", ".", err);
		if (!type_set)
			o->qtype = DNS_TYPE_NS;
	}
	return true;
}
