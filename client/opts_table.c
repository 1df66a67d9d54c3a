/* client/opts_table.c: the option table: every +option and -flag of dig 9.18, what each does
 * in qdig (or why qdig refuses it), its handler, and the help printed from it.
 * SPDX-License-Identifier: MIT
 */
#include "opts_table.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "query.h"
#include "text.h"

/* How an option is set. SWITCH: +x / +nox on a bool; NUM: +x=N on an unsigned; FUNC: its own
 * handler; REFUSED: a dig option qdig does not do, refused with the reason in help; OFF_ONLY:
 * +nox accepted (what qdig always does), +x refused with the reason in help; OBSOLETE: an
 * option dig 9.18 keeps only to warn that it does nothing (the warning is help). */
enum opt_kind { O_SWITCH, O_NUM, O_FUNC, O_REFUSED, O_OFF_ONLY, O_OBSOLETE };

/* Whether +x takes =value: never, always, or optionally. */
enum opt_value { V_NONE, V_NEEDED, V_OPTIONAL };

typedef bool (*opt_fn)(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *val,
		       char *err);

struct opt_def {
	const char *name;
	enum opt_kind kind;
	enum opt_value value;
	size_t off;          /* O_SWITCH, O_NUM: the field in struct qdig_query */
	unsigned min, max;   /* O_NUM: the range */
	opt_fn fn;           /* O_FUNC */
	bool qdig_only;      /* not a dig option */
	const char *help;    /* what it does; O_REFUSED, O_OFF_ONLY: why qdig does not */
};

#define F(field) offsetof(struct qdig_query, field)

static bool set_all(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_short(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_cmd(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_edns(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_bufsize(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			char *e);
static bool set_cookie(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_subnet(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_ednsopt(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			char *e);
static bool set_retry(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_split(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_qid(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_rrcomments(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			   char *e);
static bool set_color(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_ndots(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_domain(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
		       char *e);
static bool set_fuzztime(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			 char *e);
static bool set_json(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_dns64(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
		      char *e);
static bool set_tls_ca(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_tls_host(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			 char *e);
static bool set_tls_cert(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			 char *e);
static bool set_tls_key(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_https(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_https_get(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			  char *e);
static bool set_http_plain(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			   char *e);
static bool set_http_plain_get(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			       char *e);
static bool set_hints(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);
static bool set_anchor(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e);

#define SW(n, field, help) { n, O_SWITCH, V_NONE, F(field), 0, 0, NULL, false, help }
#define NUM(n, field, lo, hi, help) { n, O_NUM, V_NEEDED, F(field), lo, hi, NULL, false, help }
#define FN(n, v, fn, help) { n, O_FUNC, v, 0, 0, 0, fn, false, help }
#define NO(n, v, why) { n, O_REFUSED, v, 0, 0, 0, NULL, false, why }
#define OFF(n, why) { n, O_OFF_ONLY, V_NONE, 0, 0, 0, NULL, false, why }
#define OLD(n, v, warning) { n, O_OBSOLETE, v, 0, 0, 0, NULL, false, warning }

static const struct opt_def pluses[] = {
	/* What is printed. */
	FN("all", V_NONE, set_all, "every section, comment and statistic (+noall: none of them)"),
	SW("answer", d.answer, "print the answer section"),
	SW("authority", d.authority, "print the authority section"),
	SW("additional", d.additional, "print the additional section"),
	SW("question", d.question, "print the question section"),
	SW("comments", d.comments, "print the header, OPT pseudosection and section titles"),
	FN("cmd", V_NONE, set_cmd, "print the banner naming the version and the arguments"),
	SW("stats", d.stats, "print query time, server, date and size"),
	SW("ttlid", d.ttlid, "print the TTL of each record"),
	SW("ttlunits", d.ttlunits, "print TTLs in units (1w2d3h4m5s)"),
	SW("class", d.rrclass, "print the class of each record"),
	FN("rrcomments", V_NONE, set_rrcomments, "print comments on records (DNSKEY key ids)"),
	SW("multiline", d.multiline, "print long records over several commented lines"),
	SW("onesoa", d.onesoa, "print only the opening SOA of an AXFR"),
	SW("identify", d.identify, "with +short, name the server that answered"),
	SW("crypto", d.crypto, "print keys and signatures (+nocrypto: [omitted])"),
	FN("split", V_NEEDED, set_split, "split base64 and hex rdata in chunks of W characters"),
	SW("qr", d.qr, "print the query as it is sent"),
	FN("short", V_NONE, set_short, "print only the answer's rdata"),
	SW("yaml", d.yaml, "print the reply in YAML, as dig does"),
	SW("unknownformat", d.unknownformat, "print every record in RFC 3597 form (\\# len hex)"),
	SW("header-only", header_only, "send a header without a question (name and type unused)"),
	/* The query. */
	SW("recurse", recurse, "set RD, ask for recursion (default on)"),
	SW("rdflag", recurse, "same as +recurse"),
	SW("adflag", adflag, "set AD in the query (default on)"),
	SW("cdflag", cdflag, "set CD in the query: checking disabled"),
	SW("cd", cdflag, "same as +cdflag"),
	SW("aaflag", aaflag, "set AA in the query"),
	SW("aaonly", aaflag, "same as +aaflag"),
	SW("raflag", raflag, "set RA in the query"),
	SW("tcflag", tcflag, "set TC in the query"),
	SW("zflag", zflag, "set the Z bit in the query"),
	NUM("opcode", opcode, 0, 15, "the query's opcode (default 0, QUERY)"),
	FN("qid", V_NEEDED, set_qid, "the query's ID (default random)"),
	SW("dnssec", dnssec, "set the DO bit: ask for DNSSEC records"),
	SW("coflag", coflag, "set the EDNS CO flag (compact denial of existence OK)"),
	SW("co", coflag, "same as +coflag"),
	SW("ednsnegotiation", ednsneg, "after BADVERS ask again with EDNS version 0 (default on)"),
	SW("do", dnssec, "same as +dnssec"),
	FN("edns", V_OPTIONAL, set_edns, "send EDNS (version N, default 0); +noedns: none"),
	FN("bufsize", V_OPTIONAL, set_bufsize, "EDNS UDP payload size (default 1232)"),
	NUM("ednsflags", ednsflags, 0, 0x7FFF, "set the must-be-zero EDNS flags"),
	SW("nsid", nsid, "ask for the server's NSID (RFC 5001)"),
	SW("expire", expire, "send an EDNS EXPIRE option (RFC 7314)"),
	SW("keepalive", keepalive, "send an EDNS TCP-KEEPALIVE option (RFC 7828)"),
	FN("cookie", V_OPTIONAL, set_cookie, "send a client cookie, or =HEX (RFC 7873, default on)"),
	SW("badcookie", badcookie, "after BADCOOKIE ask once more with the server's cookie (default)"),
	SW("showbadcookie", showbadcookie, "print the BADCOOKIE reply before asking again"),
	NUM("padding", padding, 0, 512, "pad the query to a multiple of N bytes (RFC 7830)"),
	FN("subnet", V_NEEDED, set_subnet, "send an EDNS client subnet ADDR/N (RFC 7871)"),
	FN("ednsopt", V_OPTIONAL, set_ednsopt, "send EDNS option CODE[:HEX]; +noednsopt: none"),
	SW("tcp", tcp, "use TCP from the start (default: UDP, TCP after TC=1)"),
	SW("vc", tcp, "same as +tcp"),
	SW("tls", tls, "DNS over TLS (RFC 7858, port 853), the certificate not checked"),
	FN("tls-ca", V_OPTIONAL, set_tls_ca, "+tls, the certificate checked against FILE or the system's"),
	FN("tls-hostname", V_NEEDED, set_tls_host, "+tls, the certificate checked for NAME (sent as SNI)"),
	FN("tls-certfile", V_NEEDED, set_tls_cert, "+tls, the certificate checked, this client certificate (PEM)"),
	FN("tls-keyfile", V_NEEDED, set_tls_key, "+tls, the certificate checked, this client key (PEM)"),
	FN("https", V_OPTIONAL, set_https, "DNS over HTTPS (RFC 8484, port 443), POST to /path (/dns-query)"),
	FN("https-get", V_OPTIONAL, set_https_get, "DNS over HTTPS, GET"),
	FN("https-post", V_OPTIONAL, set_https, "same as +https"),
	FN("http-plain", V_OPTIONAL, set_http_plain, "DNS over HTTP without TLS (port 80), POST"),
	FN("http-plain-get", V_OPTIONAL, set_http_plain_get, "DNS over HTTP without TLS, GET"),
	FN("http-plain-post", V_OPTIONAL, set_http_plain, "same as +http-plain"),
	SW("ignore", ignoretc, "print a truncated reply, no TCP retry"),
	NUM("timeout", timeout_s, 1, 300, "seconds to wait for each try (default 5)"),
	NUM("tries", tries, 1, QUERY_TRIES_MAX, "tries per query (default 3)"),
	FN("retry", V_NEEDED, set_retry, "retries after the first try (default 2)"),
	SW("fail", fail, "stop at SERVFAIL rather than try the next server (one server: no effect)"),
	SW("search", search, "complete a relative name with resolv.conf's search list"),
	SW("defname", search, "same as +search"),
	SW("showsearch", showsearch, "with +search, print the reply for every name tried"),
	FN("ndots", V_NEEDED, set_ndots, "names with fewer dots are completed (default resolv.conf's)"),
	FN("domain", V_NEEDED, set_domain, "search NAME alone (implies +search)"),
	FN("fuzztime", V_OPTIONAL, set_fuzztime, "the TSIG time signed: N, or 1646972129"),
	SW("trace", trace, "walk from the root, printing every referral"),
	SW("nssearch", nssearch, "ask each name server of the zone for its SOA"),
	FN("dns64prefix", V_NONE, set_dns64, "a query for ipv4only.arpa AAAA: the DNS64 prefixes (RFC 7050)"),
	OFF("besteffort", "qdig prints only replies that parse whole (+nobesteffort)"),
	SW("idnin", idnin, "a name in UTF-8 is asked in its IDNA2008 ASCII form (xn--)"),
	SW("idnout", d.idnout, "names are printed in UTF-8 (IDNA2008)"),
	OFF("keepopen", "qdig opens a new connection for each query (+nokeepopen)"),
	{ "json", O_FUNC, V_OPTIONAL, 0, 0, 0, set_json, true,
	  "print one JSON document; +json=rfc8427: RFC 8427's layout, as kdig +json" },
	{ "color", O_FUNC, V_NONE, 0, 0, 0, set_color, true,
	  "colour on a terminal (default: when stdout is one)" },
	{ "root-hints", O_FUNC, V_NEEDED, 0, 0, 0, set_hints, true,
	  "root servers for +trace from FILE" },
	{ "trust-anchor", O_FUNC, V_NEEDED, 0, 0, 0, set_anchor, true,
	  "+trace validates DNSSEC from the DS records in FILE, showing the chain of trust" },
	/* Options dig 9.18 keeps only to say they do nothing; qdig says the same. */
	OLD("dscp", V_OPTIONAL, ";; +dscp option is obsolete and has no effect"),
	OLD("mapped", V_NONE, ";; +mapped option is deprecated"),
	OLD("sigchase", V_NONE, ";; +sigchase option is deprecated"),
	OLD("topdown", V_NONE, ";; +topdown option is deprecated"),
	OLD("trusted-key", V_OPTIONAL, ";; +trusted-key option is deprecated"),
	/* dig's options that qdig does not do. */
};

#define N_PLUSES (sizeof(pluses) / sizeof(pluses[0]))

static const struct opts_dash dashes[] = {
	{ '4', false, false, "use IPv4 only" },
	{ '6', false, false, "use IPv6 only" },
	{ 'b', true, false, "ADDR[#PORT]: the source address (and port) of the queries" },
	{ 'c', true, false, "CLASS: the question class (default IN)" },
	{ 'f', true, false, "FILE: batch mode, one query per line" },
	{ 'h', false, false, "this help" },
	{ 'k', true, false, "FILE: sign queries with the TSIG key of a BIND key file" },
	{ 'm', false, true, "BIND's memory debugging" },
	{ 'p', true, false, "PORT: the server's port (default 53)" },
	{ 'q', true, false, "NAME: the name, even one that reads as a type or class" },
	{ 'r', false, false, "do not read ~/.digrc" },
	{ 't', true, false, "TYPE: the question type (default A; NS when no name is given)" },
	{ 'u', false, false, "print query times in microseconds" },
	{ 'v', false, false, "print the version and exit" },
	{ 'x', true, false, "ADDR: reverse lookup, PTR for an IPv4 or IPv6 address" },
	{ 'y', true, false, "[ALG:]NAME:SECRET: sign queries with this TSIG key (hmac-md5)" },
};

#define N_DASHES (sizeof(dashes) / sizeof(dashes[0]))

void opts_usage_short(FILE *f)
{
	fputs("Usage:  qdig [@global-server] [domain] [q-type] [q-class] {q-opt}\n"
	      "            {global-d-opt} host [@local-server] {local-d-opt}\n"
	      "            [ host [@local-server] {local-d-opt} [...]]\n"
	      "\n"
	      "Use \"qdig -h\" (or \"qdig -h | more\") for complete list of options\n",
	      f);
}

void opts_usage(FILE *f)
{
	fputs("Usage:  qdig [@global-server] [domain] [q-type] [q-class] {q-opt}\n"
	      "            {global-d-opt} host [@local-server] {local-d-opt}\n"
	      "            [ host [@local-server] {local-d-opt} [...]]\n"
	      "\n"
	      "Asks DNS questions and prints the replies as dig 9.18 does. Options before the\n"
	      "first name are global; options after a name are that query's.\n"
	      "  @server  the server's address or host name (default: the first nameserver of\n"
	      "           /etc/resolv.conf)\n"
	      "Flags:\n",
	      f);
	for (size_t i = 0; i < N_DASHES; i++)
		fprintf(f, "  -%c %-5s %s%s\n", dashes[i].flag, dashes[i].takes_value ? "VAL" : "",
			dashes[i].refused ? "not supported: " : "", dashes[i].help);
	fputs("Options (+no<option> turns a switch off; unique prefixes work):\n", f);
	for (size_t i = 0; i < N_PLUSES; i++) {
		const struct opt_def *p = &pluses[i];
		char left[48];
		bool sw = p->value != V_NEEDED;
		snprintf(left, sizeof(left), "+%s%s%s", sw ? "[no]" : "", p->name,
			 p->value == V_NEEDED ? "=VAL" : p->value == V_OPTIONAL ? "[=VAL]" : "");
		const char *tag = p->kind == O_REFUSED	  ? "not supported: "
				  : p->kind == O_OFF_ONLY ? "only +no: "
				  : p->kind == O_OBSOLETE ? "obsolete, as in dig: "
				  : p->qdig_only	  ? "(qdig only) "
							  : "";
		/* two spaces at least between the option and its text: man/options.awk splits
		 * there */
		fprintf(f, "  %-22s %s%s%s\n", left, strlen(left) >= 22 ? " " : "", tag, p->help);
	}
	fputs("Exit status: 0 a reply came (whatever its rcode), 1 usage error, 9 no reply,\n"
	      "8 the batch file cannot be opened, 10 internal error (or a name that is not legal).\n",
	      f);
}

/* ---- the option handlers ---- */

static bool set_all(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)v, (void)e;
	q->d.question = q->d.answer = q->d.authority = q->d.additional = on;
	q->d.comments = q->d.stats = on;
	c->printcmd = on;
	return true;
}

static bool set_short(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)v, (void)e;
	q->d.short_form = on;
	c->short_all = on;
	if (on) { /* as dig: +short turns off what it does not print, +noshort restores nothing */
		c->printcmd = false;
		q->d.question = q->d.authority = q->d.additional = false;
		q->d.comments = q->d.stats = false;
		q->d.answer = true;
		q->d.rrcomments = 0;
	}
	return true;
}

static bool set_cmd(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)q, (void)v, (void)e;
	c->printcmd = on;
	return true;
}

static bool set_rrcomments(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			   char *e)
{
	(void)c, (void)v, (void)e;
	q->d.rrcomments = on;
	return true;
}

static bool set_color(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c, (void)v, (void)e;
	q->d.color = on;
	return true;
}

static bool set_json(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	if (v && strcmp(v, "rfc8427") != 0) {
		snprintf(e, 256, "Invalid option: +json=%.64s (+json or +json=rfc8427)", v);
		return false;
	}
	q->d.json = on;
	q->d.rfc8427 = on && v;
	return true;
}

/* As dig: +dns64prefix is a query of its own, ipv4only.arpa AAAA, made where it stands; the
 * options after it shape it, and the banner is off. */
static bool set_dns64(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
		      char *e)
{
	(void)q, (void)v;
	if (!on)
		return true;
	struct qdig_query *d = opts_query_new(c, &c->global, e);
	if (!d || !opts_query_name(d, "ipv4only.arpa", e))
		return false;
	d->qtype = DNS_TYPE_AAAA;
	d->type_set = true;
	d->dns64prefix = true;
	c->printcmd = false;
	c->opened = d;
	return true;
}

/* +https[=/PATH] and its kin: DNS over HTTP as mode says (QDIG_HTTPS, QDIG_HTTP_PLAIN), GET or
 * POST, to PATH (an absolute path, as dig requires) or the default; +no...: not. */
static bool set_http(struct qdig_query *q, bool on, const char *v, int mode, bool get,
		     const char *name, char *e)
{
	if (v && v[0] && (v[0] != '/' || strlen(v) >= sizeof(q->http_path))) {
		/* dig's warning, then its usage error */
		fprintf(stderr, ";; The given HTTP path \"%s\" is not a valid absolute path\n", v);
		snprintf(e, 256, "Invalid option: +%s", name);
		return false;
	}
	q->http = on ? mode : 0;
	q->http_get = get;
	q->tcp = q->tcp || on; /* as dig: TCP, which stays after +nohttps */
	snprintf(q->http_path, sizeof(q->http_path), "%s", v ? v : "");
	return true;
}

static bool set_https(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	return set_http(q, on, v, QDIG_HTTPS, false, "https", e);
}

static bool set_https_get(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			  char *e)
{
	(void)c;
	return set_http(q, on, v, QDIG_HTTPS, true, "https-get", e);
}

static bool set_http_plain(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			   char *e)
{
	(void)c;
	return set_http(q, on, v, QDIG_HTTP_PLAIN, false, "http-plain", e);
}

static bool set_http_plain_get(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			       char *e)
{
	(void)c;
	return set_http(q, on, v, QDIG_HTTP_PLAIN, true, "http-plain-get", e);
}

/* +tls-ca[=FILE], +tls-hostname=NAME, +tls-certfile=FILE, +tls-keyfile=FILE: each implies
 * +tls and the certificate check (against the system's CAs unless +tls-ca=FILE), as in dig;
 * the +no form clears the setting. */
static bool set_tls_field(struct qdig_query *q, char *field, size_t cap, bool on, const char *v,
			  char *e)
{
	if (on && v && strlen(v) >= cap) {
		snprintf(e, 256, "%.64s: too long", v);
		return false;
	}
	snprintf(field, cap, "%s", on && v ? v : "");
	q->tls = q->tls || on;
	q->tls_verify = q->tls_verify || on; /* as dig: any of them turns the check on */
	return true;
}

static bool set_tls_ca(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	q->tls_verify = on;
	return set_tls_field(q, q->tls_ca, sizeof(q->tls_ca), on, v, e);
}

static bool set_tls_host(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			 char *e)
{
	(void)c;
	return set_tls_field(q, q->tls_host, sizeof(q->tls_host), on, v, e);
}

static bool set_tls_cert(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			 char *e)
{
	(void)c;
	return set_tls_field(q, q->tls_cert, sizeof(q->tls_cert), on, v, e);
}

static bool set_tls_key(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	return set_tls_field(q, q->tls_key, sizeof(q->tls_key), on, v, e);
}

/* A file name option's value into out (cap bytes); what says what kind of file it is. */
static bool set_file(char *out, size_t cap, const char *what, bool on, const char *v, char *e)
{
	if (!on || !v[0] || strlen(v) >= cap) {
		snprintf(e, 256, "invalid %s file '%s'", what, v ? v : "");
		return false;
	}
	strcpy(out, v);
	return true;
}

static bool set_hints(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	return set_file(q->root_hints, sizeof(q->root_hints), "root hints", on, v, e);
}

static bool set_anchor(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	return set_file(q->trust_anchor, sizeof(q->trust_anchor), "trust anchor", on, v, e);
}

/* A number as dig reads one: "invalid WHAT 'V': not a valid number" or "out of range". */
bool opts_number(const char *what, const char *v, unsigned min, unsigned max, unsigned *out,
		 char e[static 256])
{
	uint32_t n;
	enum err r = text_u32(v, strlen(v), UINT32_MAX, &n);
	if (r != ERR_OK) {
		snprintf(e, 256, "invalid %s '%.64s': not a valid number\nqdig: Couldn't parse %s",
			 what, v, what);
		return false;
	}
	if (n < min || n > max) {
		snprintf(e, 256, "invalid %s '%.64s': out of range\nqdig: Couldn't parse %s", what, v,
			 what);
		return false;
	}
	*out = n;
	return true;
}

static bool set_edns(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	unsigned n = 0;
	if (!on) {
		q->edns = -1;
		return true;
	}
	if (v && !opts_number("edns", v, 0, 255, &n, e))
		return false;
	q->edns = (int)n;
	return true;
}

static bool set_bufsize(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			char *e)
{
	(void)c;
	unsigned n = 1232;
	if (on && v && !opts_number("buffer size", v, 0, 65535, &n, e))
		return false;
	q->bufsize = n;
	if (q->edns < 0)
		q->edns = 0;
	return true;
}

static bool set_retry(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c, (void)on;
	unsigned n;
	if (!opts_number("retries", v, 0, QUERY_TRIES_MAX - 1, &n, e))
		return false;
	q->tries = n + 1;
	return true;
}

static bool set_split(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c, (void)on;
	unsigned n;
	if (!opts_number("split", v, 0, OPTS_SPLIT_MAX - 3, &n, e))
		return false;
	if (n % 4) { /* dig rounds to a whole number of base64 quanta, with its warning */
		unsigned adj = (n + 3) / 4 * 4;
		fprintf(stderr, ";; Warning, split must be a multiple of 4; adjusting to %u\n", adj);
		n = adj;
	}
	q->d.split = n;
	q->d.split_set = true;
	return true;
}

static bool set_ndots(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c, (void)on;
	if (!opts_number("ndots", v, 0, 127, &q->ndots, e))
		return false;
	q->ndots_set = true;
	return true;
}

static bool set_domain(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
		       char *e)
{
	(void)q;
	if (on && (!v[0] || strlen(v) >= sizeof(c->domain))) {
		snprintf(e, 256, "invalid domain '%.64s'", v);
		return false;
	}
	snprintf(c->domain, sizeof(c->domain), "%s", on ? v : "");
	return true;
}

static bool set_fuzztime(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			 char *e)
{
	(void)q;
	unsigned n = 1646972129; /* dig's: Fri 11 Mar 2022 04:15:29 UTC */
	if (on && v && !opts_number("fuzztime", v, 1, UINT32_MAX, &n, e))
		return false;
	c->fuzztime = on ? n : 0;
	return true;
}

static bool set_qid(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c, (void)on;
	unsigned n;
	if (!opts_number("qid", v, 0, 65535, &n, e))
		return false;
	q->qid = (int)n;
	return true;
}

/* Hex text into out[0..cap): false when odd, not hex, or too long. */
static bool hex(const char *v, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = strlen(v);
	if (n % 2 || n / 2 > cap)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)v[i]) || !isxdigit((unsigned char)v[i + 1]))
			return false;
		char b[3] = { v[i], v[i + 1], 0 };
		out[i / 2] = (uint8_t)strtoul(b, NULL, 16);
	}
	*len = n / 2;
	return true;
}

static bool set_cookie(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	q->cookie = on;
	q->cookie_len = 0;
	if (on && v && (!hex(v, q->cookie_val, sizeof(q->cookie_val), &q->cookie_len) ||
			q->cookie_len < 8)) {
		snprintf(e, 256, "invalid cookie '%s'", v);
		return false;
	}
	return true;
}

static bool set_subnet(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v, char *e)
{
	(void)c;
	char addr[64];
	unsigned prefix = 0;
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	q->subnet = false;
	if (!on)
		return true;
	if (n >= sizeof(addr))
		goto bad;
	memcpy(addr, v, n);
	addr[n] = 0;
	memset(q->subnet_addr, 0, sizeof(q->subnet_addr));
	if (inet_pton(AF_INET, addr, q->subnet_addr) == 1) {
		q->subnet_family = 1;
		prefix = 32;
	} else if (inet_pton(AF_INET6, addr, q->subnet_addr) == 1) {
		q->subnet_family = 2;
		prefix = 128;
	} else {
		goto bad;
	}
	if (slash && !opts_number("prefix length", slash + 1, 0, prefix, &prefix, e))
		return false;
	q->subnet_prefix = (uint8_t)prefix;
	q->subnet = true;
	return true;
bad:
	snprintf(e, 256, "invalid subnet '%s'", v);
	return false;
}

static bool set_ednsopt(struct qdig_cmd *c, struct qdig_query *q, bool on, const char *v,
			char *e)
{
	(void)c;
	if (!on) {
		q->n_ednsopt = 0;
		return true;
	}
	if (!v || q->n_ednsopt >= OPTS_EDNSOPT_MAX) {
		snprintf(e, 256, "ednsopt: %s", v ? "too many options" : "no code given");
		return false;
	}
	struct qdig_ednsopt *o = &q->ednsopt[q->n_ednsopt];
	char code[16];
	const char *colon = strchr(v, ':');
	size_t n = colon ? (size_t)(colon - v) : strlen(v);
	unsigned cv;
	size_t len = 0;
	if (n >= sizeof(code))
		n = sizeof(code) - 1;
	memcpy(code, v, n);
	code[n] = 0;
	if (!opts_number("edns code point", code, 0, 65535, &cv, e))
		return false;
	if (colon && !hex(colon + 1, o->value, sizeof(o->value), &len)) {
		snprintf(e, 256, "invalid ednsopt value '%s'", colon + 1);
		return false;
	}
	o->code = (uint16_t)cv;
	o->len = (uint16_t)len;
	q->n_ednsopt++;
	return true;
}

/* The option named name[0..len), or the only one it abbreviates, as dig allows (+norec).
 * Aliases of one field count as one. NULL when there is none, with *ambiguous set when
 * several options start so. */
static const struct opt_def *find_plus(const char *name, size_t len, bool *ambiguous)
{
	const struct opt_def *found = NULL;
	*ambiguous = false;
	for (size_t i = 0; i < N_PLUSES; i++) {
		const struct opt_def *p = &pluses[i];
		if (strncmp(p->name, name, len) != 0)
			continue;
		if (strlen(p->name) == len)
			return p;
		if (found && !(found->kind == O_SWITCH && p->kind == O_SWITCH && found->off == p->off))
			*ambiguous = true;
		if (!found)
			found = p;
	}
	return len && !*ambiguous ? found : NULL;
}

bool opts_plus(struct qdig_cmd *c, struct qdig_query *q, const char *arg, char err[static 256])
{
	const char *name = arg + 1;
	bool on = true;
	if (strncmp(name, "no", 2) == 0) {
		on = false;
		name += 2;
	}
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *val = eq ? eq + 1 : NULL;
	bool ambiguous;
	const struct opt_def *p = find_plus(name, len, &ambiguous);
	if (!p) {
		snprintf(err, 256, "Invalid option: %s", arg);
		return false;
	}
	if (p->kind == O_REFUSED || (p->kind == O_OFF_ONLY && on)) {
		snprintf(err, 256, "%s is not supported: %s", arg, p->help);
		return false;
	}
	if ((val && p->value == V_NONE) || (!val && on && p->value == V_NEEDED)) {
		snprintf(err, 256, "Invalid option: %s", arg);
		return false;
	}
	char *field = (char *)q + p->off;
	switch (p->kind) {
	case O_SWITCH:
		*(bool *)field = on;
		return true;
	case O_NUM:
		if (!on) {
			*(unsigned *)field = 0;
			return true;
		}
		return opts_number(p->name, val, p->min, p->max, (unsigned *)field, err);
	case O_FUNC:
		return p->fn(c, q, on, val, err);
	case O_OBSOLETE: /* as dig, with no newline: its banner's leading one ends the line */
		fputs(p->help, stderr);
		return true;
	default:
		return true; /* O_OFF_ONLY, off: what qdig always does */
	}
}

const struct opts_dash *opts_dash_find(char flag)
{
	for (size_t i = 0; i < N_DASHES; i++)
		if (dashes[i].flag == flag)
			return &dashes[i];
	return NULL;
}
