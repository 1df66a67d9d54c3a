/* client/opts.c: reading qdig's command line, ~/.digrc and -f lines into queries, as dig does;
 * what each option does is opts_table.c's.
 * SPDX-License-Identifier: MIT
 */
#include "opts.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "opts_table.h"
#include "rdata.h"

/* ---- names, types, classes ---- */

/* Builds the reverse-lookup name as dig does: of an IPv4 or IPv6 address (RFC 1035 §3.5, RFC
 * 3596 §2.5), or of anything else, label by label reversed under in-addr.arpa (-x 10.1). */
static bool reverse_name(const char *addr, char *out, size_t cap)
{
	uint8_t a[16];
	size_t n = 0;
	if (inet_pton(AF_INET6, addr, a) == 1) {
		for (int i = 15; i >= 0; i--)
			n += (size_t)snprintf(out + n, cap - n, "%x.%x.", a[i] & 15, a[i] >> 4);
		snprintf(out + n, cap - n, "ip6.arpa.");
		return true;
	}
	size_t len = strlen(addr);
	if (len == 0 || len + sizeof(".in-addr.arpa.") > cap)
		return false;
	out[0] = 0;
	for (const char *end = addr + len; end > addr;) {
		const char *dot = end;
		while (dot > addr && dot[-1] != '.')
			dot--;
		strncat(out, dot, (size_t)(end - dot));
		strcat(out, ".");
		end = dot > addr ? dot - 1 : addr;
	}
	strcat(out, "in-addr.arpa.");
	return true;
}

struct qdig_query *opts_query_new(struct qdig_cmd *c, const struct qdig_query *base,
				  char err[static 256])
{
	if (c->n >= OPTS_QUERIES_MAX) {
		snprintf(err, 256, "too many queries on one line (at most %d)", OPTS_QUERIES_MAX);
		return NULL;
	}
	struct qdig_query *q = &c->q[c->n++];
	*q = *base;
	q->has_name = false;
	if (!c->banner_set) { /* dig prints its banner when it reads the first name */
		c->banner = c->printcmd;
		c->banner_set = true;
	}
	return q;
}

bool opts_query_name(struct qdig_query *q, const char *text, char err[static 256])
{
	if (strlen(text) >= sizeof(q->qname_text)) {
		snprintf(err, 256, "'%.200s...' is not a legal name (ran out of space)", text);
		return false;
	}
	memcpy(q->qname_text, text, strlen(text) + 1);
	q->has_name = true;
	return true;
}

/* -b ADDR[#PORT], as dig: an IPv4 address means IPv4 only, an IPv6 one IPv6 only (-4, -6,
 * which must agree). */
static bool source_address(struct qdig_cmd *c, const char *val, char *err)
{
	char addr[64];
	unsigned port = 0;
	const char *hash = strchr(val, '#');
	size_t n = hash ? (size_t)(hash - val) : strlen(val);
	if (hash && !opts_number("port number", hash + 1, 0, 65535, &port, err))
		return false;
	snprintf(addr, sizeof(addr), "%.*s", (int)(n < sizeof(addr) ? n : 0), val);
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	if (c->family != 4 && inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		c->family = 6;
	} else if (c->family != 6 && inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		c->family = 4;
	} else {
		snprintf(err, 256, "invalid address %.200s", val);
		return false;
	}
	c->source = ss;
	snprintf(c->source_text, sizeof(c->source_text), "%s", addr);
	return true;
}

/* dig's IXFR words: "ixfr=N" (a word or -t's value) asks IXFR from serial N; "ixfr" alone
 * has no serial and is ignored with dig's warning (as a word) or as an invalid type (-t).
 * false: text is something else. */
static bool ixfr_type(struct qdig_query *q, const char *text, bool is_word)
{
	static const char ixfr[] = "ixfr";
	for (size_t i = 0; i < 4; i++)
		if ((text[i] | 0x20) != ixfr[i])
			return false;
	if (text[4] == 0)
		fprintf(stderr, is_word ? ";; Warning, ixfr requires a serial number\n"
					: ";; Warning, ignoring invalid type %s\n", text);
	else if (text[4] != '=')
		return false;
	if (text[4] == 0)
		return true;
	if (q->type_set && is_word)
		fprintf(stderr, ";; Warning, extra type option\n");
	q->qtype = DNS_TYPE_IXFR;
	q->ixfr_serial = (uint32_t)strtoul(text + 5, NULL, 10); /* as dig: no check */
	q->type_set = true;
	return true;
}

static bool dash_option(struct qdig_cmd *c, struct qdig_query **cur, struct qdig_query *base,
			const struct opts_dash *d, const char *val, bool batch, char *err)
{
	struct qdig_query *q = *cur ? *cur : base;
	unsigned port;
	uint16_t v;
	char rev[NAME_MAX_TEXT];
	switch (d->flag) {
	case '4':
	case '6':
		if (c->family && c->family != d->flag - '0' && c->source.ss_family) {
			snprintf(err, 256, "invalid address %s", c->source_text);
			return false;
		}
		if (c->family && c->family != d->flag - '0') {
			snprintf(err, 256, "only one of -4 and -6 allowed");
			return false;
		}
		c->family = d->flag - '0';
		return true;
	case 'b':
		return source_address(c, val, err);
	case 'p':
		if (!opts_number("port number", val, 0, 65535, &port, err))
			return false;
		q->port = (uint16_t)port;
		q->port_set = true;
		return true;
	case 't':
		if (ixfr_type(q, val, false))
			return true;
		if (rdata_type_from_text(val, strlen(val), &v) != ERR_OK) {
			fprintf(stderr, ";; Warning, ignoring invalid type %s\n", val);
			return true;
		}
		q->qtype = v;
		q->type_set = true;
		return true;
	case 'c':
		if (rdata_class_from_text(val, strlen(val), &v) != ERR_OK) {
			fprintf(stderr, ";; Warning, ignoring invalid class %s\n", val);
			return true;
		}
		q->qclass = v;
		q->class_set = true;
		return true;
	case 'q':
	case 'x':
		if (!(*cur = opts_query_new(c, base, err)))
			return false;
		if (d->flag == 'q')
			return opts_query_name(*cur, val, err);
		if (!reverse_name(val, rev, sizeof(rev))) {
			snprintf(err, 256, "Invalid IP address %s", val);
			return false;
		}
		if (!(*cur)->type_set)
			(*cur)->qtype = DNS_TYPE_PTR;
		(*cur)->qclass = DNS_CLASS_IN;
		return opts_query_name(*cur, rev, err);
	case 'f':
		if (batch || strlen(val) >= sizeof(c->batch))
			break;
		strcpy(c->batch, val);
		return true;
	case 'k':
	case 'y':
		c->tsig = d->flag == 'y' ? tsig_key_from_arg(&c->tsig_key, val, err)
					 : tsig_key_from_file(&c->tsig_key, val, err);
		return c->tsig;
	case 'h':
		c->help = true;
		return true;
	case 'v':
		c->version = true;
		return true;
	case 'r':
		c->no_digrc = true;
		return true;
	case 'u':
		c->usec = true;
		return true;
	}
	snprintf(err, 256, "Invalid option: -%c", d->flag);
	return false;
}

/* A word that is not an option: a type or class of the query being built (or the global one
 * before the first name), or else a name, which starts a new query. */
static bool word(struct qdig_cmd *c, struct qdig_query **cur, struct qdig_query *base,
		 const char *w, char *err)
{
	struct qdig_query *q = *cur ? *cur : base;
	uint16_t v;
	if (ixfr_type(q, w, true))
		return true;
	if (rdata_type_from_text(w, strlen(w), &v) == ERR_OK) {
		if (q->type_set)
			fprintf(stderr, ";; Warning, extra type option\n");
		q->qtype = v;
		q->type_set = true;
		return true;
	}
	if (rdata_class_from_text(w, strlen(w), &v) == ERR_OK) {
		if (q->class_set)
			fprintf(stderr, ";; Warning, extra class option\n");
		q->qclass = v;
		q->class_set = true;
		return true;
	}
	if (!(*cur = opts_query_new(c, base, err)))
		return false;
	return opts_query_name(*cur, w, err);
}

static bool one_arg(struct qdig_cmd *c, struct qdig_query **cur, struct qdig_query *base,
		    int argc, char **argv, int *i, bool batch, char *err)
{
	const char *a = argv[*i];
	struct qdig_query *q = *cur ? *cur : base;
	if (a[0] == '@') {
		if (!a[1] || strlen(a + 1) >= sizeof(q->server)) {
			snprintf(err, 256, "Invalid option: %s", a);
			return false;
		}
		if (batch && c->global.server[0]) /* as dig: the command line's server wins */
			return true;
		strcpy(q->server, a + 1);
		return true;
	}
	if (a[0] == '+') {
		/* As dig, a batch line cannot change the transport (+tcp, +vc). */
		bool transport = strncmp(a, "+tcp", 4) == 0 || strncmp(a, "+notcp", 6) == 0 ||
				 strcmp(a, "+vc") == 0 || strcmp(a, "+novc") == 0;
		if (batch && transport)
			return true;
		bool ok = opts_plus(c, q, a, err);
		if (c->opened)
			*cur = c->opened;
		c->opened = NULL;
		return ok;
	}
	if (a[0] != '-' || !a[1])
		return word(c, cur, base, a, err);
	/* -46u and the like: flags without a value may be grouped, as in dig. */
	for (const char *f = a + 1; *f; f++) {
		const struct opts_dash *d = opts_dash_find(*f);
		if (!d) {
			snprintf(err, 256, "Invalid option: %s", a);
			return false;
		}
		if (d->refused) {
			snprintf(err, 256, "-%c is not supported: %s", d->flag, d->help);
			return false;
		}
		if (!d->takes_value) {
			if (!dash_option(c, cur, base, d, NULL, batch, err))
				return false;
			continue;
		}
		const char *val = f[1] ? f + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
		if (!val) {
			snprintf(err, 256, "Invalid option: %s", a);
			return false;
		}
		return dash_option(c, cur, base, d, val, batch, err);
	}
	return true;
}

enum opts_result opts_parse(struct qdig_cmd *c, int argc, char **argv, bool batch,
			    char err[static 256])
{
	/* A batch line's options before its name shape that line's queries only. */
	struct qdig_query line = c->global;
	struct qdig_query *base = batch ? &line : &c->global;
	struct qdig_query *cur = NULL;
	for (int i = 0; i < argc; i++)
		if (!one_arg(c, &cur, base, argc, argv, &i, batch, err))
			return OPTS_USAGE;
	return OPTS_OK;
}

int opts_split(char *line, char **words, int max)
{
	int n = 0;
	for (char *t = strtok(line, " \t\r\n"); t && n < max; t = strtok(NULL, " \t\r\n"))
		words[n++] = t;
	return n;
}

enum opts_result opts_read_digrc(struct qdig_cmd *c, const char *path, char err[static 256])
{
	char line[1024], *words[64];
	FILE *f = fopen(path, "r");
	if (!f)
		return OPTS_OK;
	enum opts_result r = OPTS_OK;
	unsigned before = c->n;
	while (r == OPTS_OK && fgets(line, sizeof(line), f)) {
		int n = opts_split(line, words, 64);
		r = opts_parse(c, n, words, false, err);
	}
	fclose(f);
	if (r == OPTS_OK && c->n != before) { /* dig takes only options from .digrc */
		c->n = before;
		snprintf(err, 256, "%s: names are not allowed, only options", path);
		r = OPTS_USAGE;
	}
	return r;
}

void opts_init(struct qdig_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->printcmd = true;
	c->short_all = -1;
	struct qdig_query *o = &c->global;
	o->port = 53;
	o->qtype = DNS_TYPE_A;
	o->qclass = DNS_CLASS_IN;
	o->recurse = true;
	o->adflag = true;
	o->qid = -1;
	o->edns = 0;
	o->bufsize = 1232;
	o->cookie = true;
	o->badcookie = true;
	o->ednsneg = true;
	o->timeout_s = 5;
	o->tries = 3;
	o->d.comments = o->d.question = o->d.answer = o->d.authority = o->d.additional = true;
	o->d.stats = o->d.ttlid = o->d.rrclass = o->d.crypto = true;
	o->d.rrcomments = -1;
	o->d.color = -1;
}

void opts_default_query(struct qdig_cmd *c)
{
	char err[256];
	struct qdig_query *q = opts_query_new(c, &c->global, err);
	if (!q)
		return;
	opts_query_name(q, ".", err);
	if (!q->type_set)
		q->qtype = DNS_TYPE_NS;
}
