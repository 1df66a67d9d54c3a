/* client/opts.h: qdig's command line, parsed the way dig 9.18 parses its own.
 *
 * One option table (opts_table.c) is the single source of truth: each +option and -flag with
 * whether it takes a value, what it does, or why qdig refuses it; -h prints from it. As in
 * dig, options before the first name are global (they shape every query), options after a
 * name shape that query only; each name starts a new query, a copy of the global one. A type
 * or class word applies to the query being built. ~/.digrc is read first (unless -r), and
 * -f FILE adds one query per line, each line parsed as a command line of its own (but, as in
 * dig, +tcp and +vc are ignored there, and so is @server when the command line gave one).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_OPTS_H
#define CLIENT_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

#include "name.h"
#include "tsig.h"

#define OPTS_EDNSOPT_MAX 8    /* +ednsopt options in one query; stops an unbounded list */
#define OPTS_EDNSOPT_LEN 256  /* bytes of one +ednsopt value */
#define OPTS_SPLIT_MAX 1024   /* +split=W: the widest chunk (dig rounds to 4) */
#define OPTS_QUERIES_MAX 16   /* queries on one command line (a batch file has no limit) */

/* What is printed of a reply (dig's display switches). */
struct qdig_display {
	bool comments;     /* +[no]comments: the header, OPT pseudosection and section titles */
	bool question, answer, authority, additional; /* +[no]<section> */
	bool stats;        /* +[no]stats: query time, server, when, size */
	bool ttlid;        /* +[no]ttlid: the TTL column */
	bool ttlunits;     /* +[no]ttlunits: TTLs as 1h2m3s */
	bool rrclass;      /* +[no]class: the class column */
	int rrcomments;    /* +[no]rrcomments: DNSKEY key ids; -1: dig's default (with multiline) */
	bool multiline;    /* +[no]multiline: SOA (and others) over several commented lines */
	bool onesoa;       /* +[no]onesoa: of a zone transfer; kept for dig's command lines */
	bool identify;     /* +[no]identify: with +short, which server answered */
	bool crypto;       /* +[no]crypto: key and signature material, or [omitted] */
	unsigned split;    /* +split=W: base64/hex split in chunks of W (0: not split) */
	bool split_set;    /* +split given (else dig's 56, 44 in +multiline) */
	bool qr;           /* +[no]qr: the query as sent, before the reply */
	bool short_form;   /* +[no]short: rdata only */
	bool yaml;         /* +[no]yaml: dig's YAML */
	bool unknownformat; /* +[no]unknownformat: RFC 3597 CLASSn TYPEn \\# len hex */
	bool idnout;       /* +[no]idnout: names printed in UTF-8 (default: on a terminal) */
	bool json;         /* +[no]json: qdig's JSON */
	bool rfc8427;      /* +json=rfc8427: RFC 8427's layout, as kdig +json */
	int color;         /* +color 1, +nocolor 0, -1: when stdout is a terminal */
};

struct qdig_ednsopt {
	uint16_t code;
	uint16_t len;
	uint8_t value[OPTS_EDNSOPT_LEN];
};

#define QDIG_HTTPS 1      /* qdig_query.http: over TLS, port 443 */
#define QDIG_HTTP_PLAIN 2 /* over TCP alone, port 80 */

/* One question and everything that shapes it (dig's "lookup"). */
struct qdig_query {
	char server[256];      /* @server as given; empty: the first resolv.conf nameserver */
	uint16_t port;         /* -p, default 53 (853 with +tls) */
	bool port_set;
	char qname_text[NAME_MAX_TEXT]; /* as typed */
	bool has_name;
	uint8_t qname[NAME_MAX_WIRE];   /* the name in wire form, set when the query runs */
	uint16_t qtype, qclass;
	bool type_set, class_set;
	bool tcp;              /* +[no]tcp, +[no]vc */
	bool tls;              /* +[no]tls: DNS over TLS (RFC 7858) */
	bool tls_verify;       /* +tls-ca[=FILE]: check the server's certificate */
	char tls_ca[256];      /* that FILE; empty: the system's CAs */
	char tls_host[256];    /* +tls-hostname=NAME: SNI and the name checked */
	char tls_cert[256], tls_key[256]; /* +tls-certfile, +tls-keyfile: a client certificate */
	int http;              /* DNS over HTTP (RFC 8484): 0 not, QDIG_HTTPS over TLS, or
				  QDIG_HTTP_PLAIN (+https, +http-plain and their -get, -post) */
	bool http_get;         /* GET (the -get forms), else POST */
	char http_path[256];   /* =/path; empty: /dns-query */
	bool header_only;      /* +[no]header-only: a header and no question */
	bool ignoretc;         /* +[no]ignore: print a truncated reply, no TCP retry */
	bool recurse;          /* +[no]recurse: RD */
	bool adflag, cdflag, aaflag, zflag, raflag, tcflag; /* header bits in the query */
	unsigned opcode;       /* +opcode=N */
	int qid;               /* +qid=N, -1: random */
	int edns;              /* EDNS version, -1: +noedns */
	unsigned bufsize;      /* +bufsize=N: EDNS UDP size, default 1232 */
	unsigned ednsflags;    /* +ednsflags=N: the must-be-zero EDNS flags */
	bool dnssec;           /* +[no]dnssec: the DO bit */
	bool coflag;           /* +[no]coflag: the EDNS CO bit */
	bool ednsneg;          /* +[no]ednsnegotiation: after BADVERS, again with version 0 */
	bool nsid, expire, keepalive; /* +[no]nsid, +[no]expire, +[no]keepalive: empty options */
	bool cookie;           /* +[no]cookie: send a client cookie (RFC 7873) */
	bool badcookie;        /* +[no]badcookie: after BADCOOKIE, once more with its cookie */
	bool showbadcookie;    /* +[no]showbadcookie: and print the BADCOOKIE reply first */
	uint8_t cookie_val[40];/* +cookie=HEX: the cookie to send (8 to 40 bytes) */
	size_t cookie_len;     /* 0: a fresh random client cookie */
	unsigned padding;      /* +padding=N: pad the query to a multiple of N (RFC 7830) */
	bool subnet;           /* +subnet=ADDR/N (RFC 7871) */
	uint8_t subnet_family, subnet_prefix, subnet_addr[16];
	struct qdig_ednsopt ednsopt[OPTS_EDNSOPT_MAX];
	unsigned n_ednsopt;
	unsigned timeout_s;    /* +timeout=S per try, default 5 */
	unsigned tries;        /* +tries=N / +retry=N-1, default 3 */
	bool fail;             /* +[no]fail: SERVFAIL is final (one server: always so) */
	bool idnin;            /* +[no]idnin: a UTF-8 name sent in ASCII (default: on a terminal) */
	bool search;           /* +[no]search, +[no]defname: complete relative names */
	bool showsearch;       /* +[no]showsearch: print the replies of every name tried */
	unsigned ndots;        /* +ndots=N: fewer dots make a name relative */
	bool ndots_set;        /* else resolv.conf's ndots, or 1 */
	bool trace;            /* +[no]trace: walk from the root */
	bool nssearch;         /* +[no]nssearch: the zone's SOA at each of its name servers */
	bool dns64prefix;      /* +dns64prefix: this query is ipv4only.arpa AAAA, prefixes shown */
	char root_hints[256];  /* +root-hints=FILE for +trace, instead of asking for ". NS" */
	char trust_anchor[256]; /* +trust-anchor=FILE: +trace validates from these DS records */
	struct qdig_display d;
	uint32_t ixfr_serial;  /* ixfr=N, -t ixfr=N: the serial the client has (client/xfr.h) */
};

/* The whole command line: global settings and the queries in order. */
struct qdig_cmd {
	struct qdig_query global;  /* the defaults each new query copies */
	struct qdig_query q[OPTS_QUERIES_MAX];
	unsigned n;
	int family;                /* -4: 4, -6: 6, 0: either */
	struct sockaddr_storage source; /* -b ADDR[#PORT]: queries leave from it; family 0: none */
	char source_text[64];      /* that ADDR as typed */
	char batch[256];           /* -f FILE */
	char domain[256];          /* +domain=NAME: the search list is NAME alone, and on (global) */
	bool help, version;        /* -h, -v */
	bool no_digrc;             /* -r */
	bool printcmd;             /* +[no]cmd (global in dig) */
	struct qdig_query *opened; /* a query an option made (+dns64prefix): later options shape it */
	bool banner;               /* printcmd as it was when the first name was read */
	bool banner_set;
	bool usec;                 /* -u: query times in microseconds */
	bool tsig;                 /* -y or -k given: queries are signed with tsig_key */
	struct tsig_key tsig_key;
	uint64_t fuzztime;         /* +fuzztime[=N]: the TSIG time signed (0: now) */
	int short_all;             /* the last +[no]short (-1: none): dig's holds for every query */
};

/* The result of a parse: OPTS_OK, or a usage error (message in err, exit 1). */
enum opts_result { OPTS_OK, OPTS_USAGE };

/* Sets c to dig's defaults (a global query asking for the root's NS). */
void opts_init(struct qdig_cmd *c);

/* Parses argv[0..argc) (no program name) into c, which already holds defaults (and what
 * ~/.digrc said). Queries are appended to c->q; when batch is set the words are one line of
 * a -f file: they fill c->q the same way but dash options that only make sense on the
 * command line are refused. On a usage error writes a one-line message to err. */
enum opts_result opts_parse(struct qdig_cmd *c, int argc, char **argv, bool batch,
			    char err[static 256]);

/* Reads the options of path (~/.digrc) into c's global query: one line of words, as dig. A
 * missing file is no error. */
enum opts_result opts_read_digrc(struct qdig_cmd *c, const char *path, char err[static 256]);

/* The query to ask when the command line named none: the global one, for the root's NS. */
void opts_default_query(struct qdig_cmd *c);

/* Prints the usage text: every option, from the same table the parser uses. */
void opts_usage(FILE *f);

/* dig's short usage, printed after a usage error. */
void opts_usage_short(FILE *f);

/* Splits a line of text into words (spaces and tabs); returns how many, at most max; the
 * words point into line, which is changed. */
int opts_split(char *line, char **words, int max);

#endif
