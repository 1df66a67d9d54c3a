/* client/main.c: qdig, a dig-like DNS client: the command line's queries, asked in turn.
 *
 * Options are opts.c's (with ~/.digrc and -f FILE), the exchange with the server query.c's,
 * the layout print.c's (yaml.c's, json.c's), the walk from the root (+trace) trace.c's. Exit
 * status as dig's: 0 a reply came (whatever its rcode), 1 usage error, 8 the batch file
 * cannot be opened, 9 no reply, 10 internal error (and a name that is not legal).
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "dns.h"
#include "doh.h"
#include "idn.h"
#include "json.h"
#include "opts.h"
#include "print.h"
#include "query.h"
#include "rand.h"
#include "tls.h"
#include "trace.h"
#include "tsig.h"
#include "wire.h"
#include "print_yaml.h"
#include "xfr.h"

#define QDIG_VERSION "0.2"

enum { EXIT_REPLY = 0, EXIT_USAGE = 1, EXIT_BATCH = 8, EXIT_NO_REPLY = 9, EXIT_INTERNAL = 10 };
#define EXIT_QUIET (-1) /* no reply to print, and exit status 0 (dig's failed TLS check) */

#define EDNS_FLAG_CO 0x4000u /* compact denial of existence OK (draft; dig 9.18 sets it) */
#define BATCH_LINE_MAX 4096 /* bytes of one -f line; a longer one is refused, not cut */
#define BATCH_WORDS_MAX 64  /* words on one -f line */

/* What stays the same across the queries of one run. */
struct run {
	struct qdig_cmd *c;
	int argc;
	char **argv;
	FILE *out;
	bool banner_done;
	int status;   /* the exit status so far: the worst one seen */
	bool stop;    /* a fatal error: no more queries (as dig exits) */
	bool tsig_bad;  /* the reply's TSIG did not verify: dig's warning after the statistics */
	const char *proto; /* the footer's transport when not UDP or TCP: TLS, HTTPS, ... */
	bool searching; /* this name may be followed by another of the search list */
	bool nxdomain;  /* and it got NXDOMAIN: the next one is asked */
};

/* Appends one EDNS option (code, length, value) to buf. */
static void put_option(struct buf_out *o, uint16_t code, const uint8_t *v, size_t n)
{
	buf_put_u16(o, code);
	buf_put_u16(o, (uint16_t)n);
	if (n)
		buf_put_bytes(o, v, n);
}

/* The EDNS options of q, in dig's order: NSID, client subnet, cookie, expire, keepalive, the
 * +ednsopt ones. The client cookie sent goes to cookie (its first 8 bytes). */
static void build_options(const struct qdig_query *q, struct buf_out *o, uint8_t cookie[8])
{
	if (q->nsid)
		put_option(o, 3, NULL, 0);
	if (q->subnet) { /* RFC 7871 §6: family, source prefix, scope 0, the address cut */
		uint8_t v[20] = { 0, q->subnet_family, q->subnet_prefix, 0 };
		size_t n = (q->subnet_prefix + 7u) / 8u;
		memcpy(v + 4, q->subnet_addr, n);
		if (q->subnet_prefix % 8)
			v[4 + n - 1] &= (uint8_t)(0xFF << (8 - q->subnet_prefix % 8));
		put_option(o, 8, v, 4 + n);
	}
	if (q->cookie) { /* RFC 7873 §4.1: a client cookie of 8 random bytes, or the one given */
		uint8_t v[40];
		size_t n = q->cookie_len ? q->cookie_len : 8;
		if (q->cookie_len)
			memcpy(v, q->cookie_val, n);
		for (size_t i = 0; !q->cookie_len && i < n; i++)
			v[i] = (uint8_t)rand_u16();
		memcpy(cookie, v, 8);
		put_option(o, 10, v, n);
	}
	if (q->expire)
		put_option(o, 9, NULL, 0);
	if (q->keepalive)
		put_option(o, 11, NULL, 0);
	for (unsigned i = 0; i < q->n_ednsopt; i++)
		put_option(o, q->ednsopt[i].code, q->ednsopt[i].value, q->ednsopt[i].len);
}

/* Builds the query message for q into buf; returns its length (0 if it cannot). The client
 * cookie sent, if any, goes to cookie. */
static size_t build_query(const struct qdig_query *q, uint8_t *buf, size_t cap,
			  uint8_t cookie[8])
{
	struct wire_builder b;
	uint16_t flags = (uint16_t)((q->recurse ? DNS_FLAG_RD : 0) | (q->adflag ? DNS_FLAG_AD : 0) |
				    (q->cdflag ? DNS_FLAG_CD : 0) | (q->aaflag ? DNS_FLAG_AA : 0) |
				    (q->raflag ? DNS_FLAG_RA : 0) | (q->tcflag ? DNS_FLAG_TC : 0) |
				    (q->zflag ? DNS_FLAG_Z : 0) | (q->opcode & 0xF) << 11);
	wire_build_init(&b, buf, cap, q->qid >= 0 ? (uint16_t)q->qid : rand_u16(), flags);
	if (!q->header_only && wire_build_question(&b, q->qname, q->qtype, q->qclass))
		return 0;
	if (q->qtype == DNS_TYPE_IXFR && xfr_build_soa(&b, q->qname, q->ixfr_serial))
		return 0;
	uint8_t opts[OPTS_EDNSOPT_MAX * (OPTS_EDNSOPT_LEN + 4) + 128];
	struct buf_out o;
	buf_out_init(&o, opts, sizeof(opts));
	if (q->edns >= 0) {
		build_options(q, &o, cookie);
		if (q->padding) { /* RFC 7830: pad the whole message to a multiple of padding */
			size_t now = b.out.len + 11 + o.len + 4;
			size_t pad = (q->padding - now % q->padding) % q->padding;
			uint8_t zeros[512] = { 0 };
			put_option(&o, 12, zeros, pad);
		}
		uint16_t ef = (uint16_t)((q->dnssec ? DNS_EDNS_FLAG_DO : 0) |
					 (q->coflag ? EDNS_FLAG_CO : 0) | q->ednsflags);
		if (o.err || wire_build_edns(&b, (uint16_t)q->bufsize, 0, ef, opts, (uint16_t)o.len))
			return 0;
	}
	size_t len = wire_build_finish(&b);
	/* The builder writes EDNS version 0; +edns=N sets the version octet of the OPT TTL,
	 * which sits 5 bytes before the OPT rdata (TTL: extended rcode, version, flags). */
	if (len && q->edns > 0)
		buf[len - o.len - 2 - 3] = (uint8_t)q->edns;
	return len;
}

/* dig composes its banner when it reads the first name (if +cmd then) and prints it with
 * the first thing it prints of that query: the query sent (+qr), the reply (if +cmd still
 * holds at the end of the command line and not +short), or the failure (always). */
/* The query of q, TSIG-signed when -y or -k was given (the MAC kept in mac for the reply). */
static size_t build_signed(const struct run *r, const struct qdig_query *q, uint8_t *buf,
			   size_t cap, uint8_t cookie[8], uint8_t mac[static TSIG_MAC_MAX],
			   size_t *mac_len)
{
	size_t len = build_query(q, buf, cap, cookie);
	*mac_len = 0;
	uint64_t now = r->c->fuzztime ? r->c->fuzztime : (uint64_t)time(NULL);
	if (len && r->c->tsig && !tsig_sign(&r->c->tsig_key, buf, &len, cap, now, mac, mac_len))
		return 0;
	return len;
}

static void print_banner(struct run *r, const struct qdig_query *q, bool failed)
{
	if (r->banner_done)
		return;
	r->banner_done = true;
	if (!r->c->banner || q->d.json || q->d.yaml ||
	    (!failed && (!r->c->printcmd || q->d.short_form)))
		return;
	fprintf(r->out, "\n; <<>> qdig " QDIG_VERSION " <<>>");
	for (int i = 1; i < r->argc; i++)
		fprintf(r->out, " %s", r->argv[i]);
	fputc('\n', r->out);
	if (q->server[0])
		fprintf(r->out, "; (1 server found)\n");
	fprintf(r->out, ";; global options: +cmd\n");
}

static void print_footer(struct run *r, const struct query_server *s,
			 const struct query_result *res, bool tcp)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Z %Y", &tm);
	if (r->c->usec)
		fprintf(r->out, ";; Query time: %.0f usec\n", res->ms * 1000);
	else
		fprintf(r->out, ";; Query time: %.0f msec\n", res->ms);
	fprintf(r->out, ";; SERVER: %s#%u(%s) (%s)\n", s->text, s->port, s->text,
		r->proto ? r->proto : tcp ? "TCP" : "UDP");
	fprintf(r->out, ";; WHEN: %s\n", when);
	fprintf(r->out, ";; MSG SIZE  rcvd: %zu\n", res->len);
	if (r->tsig_bad)
		fprintf(r->out, ";; WARNING -- Some TSIG could not be validated\n");
	fputc('\n', r->out);
}

/* dig's words for each try that failed and for the end: a refused TCP (or TLS) connection
 * is one pair of lines per try and no banner; otherwise one line per try, the banner, and
 * "no servers could be reached". */
static void print_failure(struct run *r, const struct qdig_query *q,
			  const struct query_server *s, const struct query_result *res, bool tcp)
{
	bool banner = false;
	for (unsigned i = 0; i < res->failures; i++) {
		if ((tcp || res->setup_failed) && !res->timed_out[i]) {
			fprintf(r->out, ";; %s %s#%u(%s) for %s failed: %s.\n",
				tcp ? "Connection to" : "UDP setup with", s->text, s->port, s->text,
				q->qname_text, res->error);
			fprintf(r->out, ";; no servers could be reached\n");
			continue;
		}
		fprintf(r->out, ";; communications error to %s#%u: %s\n", s->text, s->port,
			res->timed_out[i] ? "timed out" : res->error);
		banner = true;
	}
	if (banner) {
		print_banner(r, q, true);
		fprintf(r->out, ";; no servers could be reached\n");
	}
}

static void ask(struct run *r, struct qdig_query *q);

/* +tls (and +https, +http-plain): one exchange over TLS (or HTTP), each try on a new
 * connection. A certificate that does not verify ends the query with dig's line alone (and,
 * as dig, exit status 0). A failure after the connection was made (an HTTP status, the end of
 * the stream) is told as dig tells a UDP one. */
static int exchange_tls(struct run *r, const struct qdig_query *q, const struct query_server *s,
			const uint8_t *pkt, size_t len, struct query_result *res)
{
	struct tls_opts o = { .verify = q->tls_verify,
			      .ca_file = q->tls_ca[0] ? q->tls_ca : NULL,
			      .hostname = q->tls_host[0] ? q->tls_host : NULL,
			      .cert_file = q->tls_cert[0] ? q->tls_cert : NULL,
			      .key_file = q->tls_key[0] ? q->tls_key : NULL };
	if (!o.cert_file != !o.key_file) { /* dig's words, typo and all, and exit status 0 */
		fprintf(r->out, ";; both TLS client certificate and key file must be specified a the "
				"same time\n");
		return EXIT_QUIET;
	}
	bool cert_failed = false, connected = false;
	unsigned failures = 0;
	bool timed_out[QUERY_TRIES_MAX];
	struct doh_opts d = { .tls = q->http == QDIG_HTTPS, .get = q->http_get,
			      .path = q->http_path };
	for (unsigned i = 0; i < q->tries && i < QUERY_TRIES_MAX && !cert_failed; i++) {
		if (q->http)
			doh_send(s, pkt, len, &d, &o, q->timeout_s * 1000, res, &connected,
				 &cert_failed);
		else
			tls_send(s, pkt, len, &o, q->timeout_s * 1000, res, &cert_failed);
		if (res->status == QUERY_OK)
			break;
		timed_out[failures++] = res->status == QUERY_TIMEOUT;
	}
	if (cert_failed) {
		fprintf(r->out, ";; TLS peer certificate verification for %s#%u failed: %s\n", s->text,
			s->port, res->error);
		return EXIT_QUIET;
	}
	res->failures = failures;
	memcpy(res->timed_out, timed_out, failures * sizeof(timed_out[0]));
	if (res->status != QUERY_OK) {
		print_failure(r, q, s, res, !connected);
		return EXIT_NO_REPLY;
	}
	return EXIT_REPLY;
}

/* Sends the query, over TCP again when a UDP reply comes back truncated. */
static int exchange(struct run *r, const struct qdig_query *q, const struct query_server *s,
		    const uint8_t *pkt, size_t len, struct query_result *res, bool *tcp)
{
	*tcp = q->tcp || q->tls || q->http;
	if (q->tls || q->http)
		return exchange_tls(r, q, s, pkt, len, res);
	unsigned timeout_ms = q->timeout_s * 1000;
	if (!query_send(s, pkt, len, *tcp, timeout_ms, q->tries, res)) {
		fprintf(stderr, "qdig: %s\n", res->error);
		return EXIT_INTERNAL;
	}
	if (res->status == QUERY_OK && !*tcp && !q->ignoretc && res->len >= DNS_HEADER_SIZE &&
	    (res->reply[2] << 8 | res->reply[3]) & DNS_FLAG_TC) {
		if (q->d.comments && !q->d.short_form && !q->d.json && !q->d.yaml)
			fprintf(r->out, ";; Truncated, retrying in TCP mode.\n");
		*tcp = true;
		if (!query_send(s, pkt, len, true, timeout_ms, q->tries, res)) {
			fprintf(stderr, "qdig: %s\n", res->error);
			return EXIT_INTERNAL;
		}
	}
	if (res->status != QUERY_OK) {
		print_failure(r, q, s, res, *tcp);
		return EXIT_NO_REPLY;
	}
	return EXIT_REPLY;
}

static void print_json(const struct query_server *s, const struct query_result *r, bool tcp,
		       const struct wire_msg *m, FILE *out)
{
	struct json j;
	json_init(&j, out);
	json_open(&j, NULL, '{');
	json_open(&j, "server", '{');
	json_str(&j, "address", s->text);
	json_num(&j, "port", s->port);
	json_close(&j, '}');
	json_str(&j, "transport", tcp ? "tcp" : "udp");
	json_ms(&j, "time_ms", r->ms);
	json_num(&j, "size", (double)r->len);
	json_message(&j, "reply", m);
	json_close(&j, '}');
}

/* +qr: the query as sent, in dig's layout (or its YAML document). */
static void print_sent(struct run *r, const struct qdig_query *q, const struct query_server *s,
		       const uint8_t *pkt, size_t len)
{
	struct arena *a = arena_new();
	struct wire_msg m;
	struct timeval now;
	gettimeofday(&now, NULL);
	struct yaml_reply y = { .server = s->text, .port = s->port, .tcp = q->tcp, .size = len,
				.sent_s = (double)now.tv_sec + now.tv_usec / 1e6, .query = true };
	if (a && wire_parse(pkt, len, a, &m) == ERR_OK && q->d.yaml) {
		yaml_message(r->out, &m, &q->d, &y);
	} else if (a && wire_parse(pkt, len, a, &m) == ERR_OK) {
		print_banner(r, q, false);
		if (q->d.comments)
			fputs(";; Sending:\n", r->out);
		print_message(r->out, &m, &q->d, q->recurse, NULL);
		if (q->d.stats)
			fprintf(r->out, ";; QUERY SIZE: %zu\n\n", len);
	}
	arena_free(a);
}

#define DNS64_PREFIXES_MAX 32 /* prefixes looked at in one answer */

/* The prefix of length len (RFC 6052 §2.2) in which a holds a well-known IPv4 address (1 for
 * 192.0.0.170, 2 for .171), into prefix; 0 when it holds neither there. */
static int dns64_at(const uint8_t a[16], unsigned len, uint8_t prefix[16])
{
	uint8_t v4[4];
	for (unsigned k = 0, b = len / 8; k < 4; b++)
		if (b != 8) /* bits 64-71, the u octet, are skipped */
			v4[k++] = a[b];
	memset(prefix, 0, 16);
	memcpy(prefix, a, len / 8);
	if (memcmp(v4, "\xc0\x00\x00", 3) != 0)
		return 0;
	return v4[3] == 0xaa ? 1 : v4[3] == 0xab ? 2 : 0;
}

/* RFC 7050 §3: the prefixes under which the answer's AAAA records hold both well-known IPv4
 * addresses, in the order of the records, as dig lists them. */
static void print_dns64(FILE *f, const struct wire_msg *m)
{
	static const unsigned lens[] = { 32, 40, 48, 56, 64, 96 };
	struct {
		uint8_t p[16];
		unsigned len;
		int wka;
	} seen[DNS64_PREFIXES_MAX];
	unsigned n = 0;
	for (uint16_t i = 0; i < m->n[WIRE_ANSWER]; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_ANSWER][i];
		for (size_t l = 0; rr->type == DNS_TYPE_AAAA && rr->rdlen == 16 && l < 6; l++)
			if (n < DNS64_PREFIXES_MAX && (seen[n].wka = dns64_at(rr->rdata, lens[l], seen[n].p)))
				seen[n++].len = lens[l];
	}
	for (unsigned i = 0; i < n; i++) {
		bool other = false, before = false;
		for (unsigned k = 0; k < n; k++) {
			bool same = seen[k].len == seen[i].len && memcmp(seen[k].p, seen[i].p, 16) == 0;
			other = other || (same && seen[k].wka != seen[i].wka);
			before = before || (same && k < i);
		}
		char text[64];
		if (other && !before && inet_ntop(AF_INET6, seen[i].p, text, sizeof(text)))
			fprintf(f, "%s/%u\n", text, seen[i].len);
	}
}

static void print_reply(struct run *r, const struct qdig_query *q, const struct query_server *s,
			const struct query_result *res, bool tcp, const struct wire_msg *m,
			const uint8_t *cookie)
{
	print_banner(r, q, false);
	if (q->dns64prefix) {
		print_dns64(r->out, m);
	} else if (q->d.rfc8427) {
		json_rfc8427(r->out, m, res->len);
	} else if (q->d.json) {
		print_json(s, res, tcp, m, r->out);
	} else if (q->d.yaml) {
		struct yaml_reply y = { .server = s->text, .port = s->port, .tcp = tcp,
					.size = res->len, .sent_s = res->sent_s, .cookie = cookie };
		yaml_message(r->out, m, &q->d, &y);
	} else if (q->d.short_form) {
		char suffix[160] = "";
		if (q->d.identify)
			snprintf(suffix, sizeof(suffix), " from server %s in %.0f ms.", s->text,
				 res->ms);
		print_short(r->out, m, &q->d, suffix);
	} else {
		if (q->d.comments)
			fprintf(r->out, ";; Got answer:\n");
		print_message(r->out, m, &q->d, q->recurse, cookie);
		if (q->d.stats)
			print_footer(r, s, res, tcp);
	}
}

/* The name of q in wire form (+idnin: from its IDNA2008 ASCII form), or dig's complaint and
 * its exit status: 10 for a name that is not legal, 1 for one IDNA2008 refuses. */
static int set_qname(struct qdig_query *q)
{
	size_t len;
	char ascii[NAME_MAX_TEXT], err[512];
	const char *text = q->qname_text;
	if (q->idnin) {
		if (!idn_to_ascii(q->qname_text, ascii, sizeof(ascii), err)) {
			fprintf(stderr, "qdig: %s\n", err);
			return EXIT_USAGE;
		}
		text = ascii;
	}
	enum err e = name_from_text(text, strlen(text), NULL, q->qname, &len);
	if (e == ERR_OK)
		return EXIT_REPLY;
	fprintf(stderr, "qdig: '%s' is not a legal name (%s)\n", q->qname_text,
		e == ERR_LABEL ? "label too long" : e == ERR_NAMELEN ? "ran out of space"
		: strstr(q->qname_text, "..") || q->qname_text[0] == '.' ? "empty label"
									  : "bad name");
	return EXIT_INTERNAL;
}

#define DNS_RCODE_BADCOOKIE 23 /* RFC 7873 §8 */

/* The COOKIE option of a reply (client and server cookie, 9 to 40 bytes) into out; 0 when
 * there is none of that size. The options are walked within their length. */
static size_t reply_cookie(const struct wire_msg *m, uint8_t out[static 40])
{
	const struct wire_edns *e = &m->edns;
	for (size_t i = 0; e->present && i + 4 <= e->opts_len;) {
		unsigned code = (unsigned)(e->opts[i] << 8 | e->opts[i + 1]);
		size_t n = (size_t)(e->opts[i + 2] << 8 | e->opts[i + 3]);
		if (i + 4 + n > e->opts_len)
			break;
		if (code == 10 && n > 8 && n <= 40) {
			memcpy(out, e->opts + i + 4, n);
			return n;
		}
		i += 4 + n;
	}
	return 0;
}

static int plain_query(struct run *r, struct qdig_query *q, const struct query_server *s)
{
	static struct query_result res;
	uint8_t pkt[DNS_UDP_MIN_SIZE + OPTS_EDNSOPT_MAX * (OPTS_EDNSOPT_LEN + 4) + 1024];
	uint8_t cookie[8], mac[TSIG_MAC_MAX];
	size_t mac_len, len = build_signed(r, q, pkt, sizeof(pkt), cookie, mac, &mac_len);
	if (len == 0) {
		fprintf(stderr, "qdig: cannot build the query\n");
		return EXIT_INTERNAL;
	}
	if (q->d.qr && !q->d.short_form && !q->d.json)
		print_sent(r, q, s, pkt, len);
	bool tcp;
	int rc = exchange(r, q, s, pkt, len, &res, &tcp);
	if (rc == EXIT_QUIET)
		return EXIT_REPLY;
	if (rc != EXIT_REPLY)
		return rc;
	struct arena *a = arena_new();
	struct wire_msg m;
	enum err e = a ? wire_parse(res.reply, res.len, a, &m) : ERR_NOMEM;
	uint8_t server_cookie[40];
	size_t sc_len = e == ERR_OK && m.rcode == DNS_RCODE_BADCOOKIE && q->badcookie && q->cookie
				? reply_cookie(&m, server_cookie)
				: 0;
	if (sc_len > 8) {
		/* RFC 7873 §5.3: once more, with the cookie the server gave (dig's +badcookie) */
		if (q->showbadcookie)
			print_reply(r, q, s, &res, tcp, &m, cookie);
		arena_free(a);
		if (q->d.comments && !q->d.yaml)
			fprintf(r->out, ";; BADCOOKIE, retrying.\n");
		struct qdig_query again = *q;
		memcpy(again.cookie_val, server_cookie, sc_len);
		again.cookie_len = sc_len;
		again.badcookie = false;
		return plain_query(r, &again, s);
	}
	if (e == ERR_OK && m.rcode == DNS_RCODE_BADVERS && q->edns > 0 && q->ednsneg) {
		/* RFC 6891 §6.1.3: the server speaks a lower version; dig asks again with 0. */
		arena_free(a);
		if (q->d.comments && !q->d.yaml)
			fprintf(r->out, ";; BADVERS, retrying with EDNS version 0.\n");
		struct qdig_query again = *q;
		again.edns = 0;
		return plain_query(r, &again, s);
	}
	const char *bad_tsig = e == ERR_OK && r->c->tsig ? tsig_verify(&r->c->tsig_key, res.reply,
								       res.len, &m, mac, mac_len)
							   : NULL;
	if (bad_tsig)
		fprintf(r->out, ";; Couldn't verify signature: %s\n", bad_tsig);
	r->tsig_bad = bad_tsig != NULL;
	r->nxdomain = e == ERR_OK && r->searching && m.rcode == DNS_RCODE_NXDOMAIN;
	if (e == ERR_OK && (!r->nxdomain || q->showsearch)) {
		print_reply(r, q, s, &res, tcp, &m, q->edns >= 0 && q->cookie ? cookie : NULL);
		if (r->nxdomain) /* +showsearch: each reply printed whole, as dig does */
			r->banner_done = false;
	} else if (e != ERR_OK) {
		fprintf(stderr, "qdig: bad reply from %s#%u: %s\n", s->text, s->port, err_str(e));
		rc = e == ERR_NOMEM ? EXIT_INTERNAL : EXIT_NO_REPLY;
	}
	arena_free(a);
	return rc;
}

/* AXFR and IXFR: always over TCP (as dig), the messages printed as they come (xfr.c). */
static int zone_transfer(struct run *r, const struct qdig_query *q, const struct query_server *s)
{
	static struct query_result fail;
	static struct qdig_query xq;
	uint8_t pkt[DNS_UDP_MIN_SIZE + OPTS_EDNSOPT_MAX * (OPTS_EDNSOPT_LEN + 4) + 1024];
	uint8_t cookie[8], mac[TSIG_MAC_MAX];
	xq = *q;
	xq.recurse = false; /* dig sets no RD in a transfer, whatever +rec says */
	size_t mac_len, len = build_signed(r, &xq, pkt, sizeof(pkt), cookie, mac, &mac_len);
	if (len == 0) {
		fprintf(stderr, "qdig: cannot build the query\n");
		return EXIT_INTERNAL;
	}
	struct xfr *x = xfr_open(s, pkt, len, q->qtype, q->ixfr_serial, q->timeout_s * 1000,
				 q->tries, &fail);
	if (!x) {
		print_failure(r, q, s, &fail, true);
		return EXIT_NO_REPLY;
	}
	print_banner(r, q, false);
	int rc = xfr_print(r->out, x, &q->d, s, r->c->usec);
	xfr_close(x);
	return rc;
}

#define NSSEARCH_SERVERS_MAX 32 /* name servers of a zone asked by +nssearch */
#define NSSEARCH_ADDRS_MAX 8    /* addresses asked per name server */

/* One exchange whose reply is parsed into m (in a); false with dig's words printed when
 * there is none. */
static bool ask_parsed(struct run *r, const struct qdig_query *q, const struct query_server *s,
		       struct query_result *res, struct arena *a, struct wire_msg *m)
{
	uint8_t pkt[DNS_UDP_MIN_SIZE + OPTS_EDNSOPT_MAX * (OPTS_EDNSOPT_LEN + 4) + 1024], cookie[8];
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len, len = build_signed(r, q, pkt, sizeof(pkt), cookie, mac, &mac_len);
	bool tcp;
	return len && exchange(r, q, s, pkt, len, res, &tcp) == EXIT_REPLY &&
	       wire_parse(res->reply, res->len, a, m) == ERR_OK;
}

/* +nssearch, as dig: the zone's NS records from the server, then each address of each name
 * server asked for the SOA without recursion, one line per answer. */
static int nssearch(struct run *r, struct qdig_query *q, const struct query_server *s)
{
	static struct query_result res;
	static char ns[NSSEARCH_SERVERS_MAX][NAME_MAX_TEXT];
	struct arena *a = arena_new();
	struct wire_msg m;
	struct qdig_query nsq = *q;
	nsq.qtype = DNS_TYPE_NS;
	unsigned n = 0;
	if (!a || !ask_parsed(r, &nsq, s, &res, a, &m)) {
		arena_free(a);
		return EXIT_NO_REPLY;
	}
	/* The NS set of the answer, or of a referral's authority section, as dig takes it. */
	enum wire_section sec = m.n[WIRE_ANSWER] ? WIRE_ANSWER : WIRE_AUTHORITY;
	for (uint16_t i = 0; i < m.n[sec] && n < NSSEARCH_SERVERS_MAX; i++) {
		const struct wire_rr *rr = &m.rr[sec][i];
		struct buf_out out;
		if (rr->type != DNS_TYPE_NS)
			continue;
		buf_out_init(&out, ns[n], NAME_MAX_TEXT - 1);
		name_to_text(rr->rdata, &out);
		ns[n++][out.len] = 0;
	}
	arena_free(a);
	int rc = EXIT_REPLY;
	struct qdig_query soa = *q;
	soa.qtype = DNS_TYPE_SOA;
	soa.recurse = false;
	for (unsigned i = 0; i < n; i++) {
		struct query_server addr[NSSEARCH_ADDRS_MAX];
		char err[256];
		unsigned na = query_server_all(addr, NSSEARCH_ADDRS_MAX, ns[i], q->port, r->c->family,
					       err);
		if (na == 0) {
			fprintf(r->out, "%s\n", err);
			rc = EXIT_USAGE;
		}
		for (unsigned k = 0; k < na; k++) {
			struct arena *b = arena_new();
			addr[k].source = s->source; /* -b */
			if (b && ask_parsed(r, &soa, &addr[k], &res, b, &m) && m.n[WIRE_ANSWER] &&
			    m.rr[WIRE_ANSWER][0].type == DNS_TYPE_SOA) {
				char text[2048];
				struct buf_out o;
				buf_out_init(&o, text, sizeof(text));
				print_rdata(&o, &m.rr[WIRE_ANSWER][0], &q->d);
				fprintf(r->out, "SOA %.*s from server %s in %.0f ms.\n", (int)o.len, text,
					addr[k].text, res.ms);
			}
			arena_free(b);
		}
	}
	return rc;
}

/* The names to ask for q, in order (as dig): with +search (or +domain) a relative name with
 * fewer dots than ndots is completed by each search domain, then asked as it is. */
static unsigned search_names(const struct qdig_query *q, const char *domain,
			     char names[][NAME_MAX_TEXT], unsigned max)
{
	static struct query_search list;
	unsigned n = 0;
	const char *t = q->qname_text;
	size_t len = strlen(t), dots = 0;
	for (size_t i = 0; i < len; i++)
		dots += t[i] == '.';
	query_search_read(&list, "/etc/resolv.conf");
	if (domain[0]) {
		snprintf(list.domain[0], sizeof(list.domain[0]), "%s", domain);
		list.n = 1;
	}
	unsigned ndots = q->ndots_set ? q->ndots : list.ndots;
	bool relative = len && t[len - 1] != '.' && dots < ndots;
	for (unsigned i = 0; relative && (q->search || domain[0]) && i < list.n && n + 1 < max;
	     i++)
		if (snprintf(names[n], NAME_MAX_TEXT, "%s.%s", t, list.domain[i]) < NAME_MAX_TEXT)
			n++;
	snprintf(names[n++], NAME_MAX_TEXT, "%s", t);
	return n;
}

static void run_one(struct run *r, struct qdig_query *q)
{
	static char names[QUERY_SEARCH_MAX + 1][NAME_MAX_TEXT];
	unsigned n = q->trace ? 1 : search_names(q, r->c->domain, names, QUERY_SEARCH_MAX + 1);
	if (q->trace)
		snprintf(names[0], NAME_MAX_TEXT, "%s", q->qname_text);
	for (unsigned i = 0; i < n && !r->stop; i++) {
		size_t len = strnlen(names[i], sizeof(q->qname_text) - 1);
		memcpy(q->qname_text, names[i], len);
		q->qname_text[len] = 0;
		r->searching = i + 1 < n;
		r->nxdomain = false;
		ask(r, q);
		if (!r->nxdomain)
			break;
	}
}

static void ask(struct run *r, struct qdig_query *q)
{
	char err[256];
	int rc;
	if ((rc = set_qname(q)) != EXIT_REPLY) {
		r->status = rc;
		r->stop = true;
		return;
	}
	if (r->c->short_all >= 0)
		q->d.short_form = r->c->short_all;
	struct query_server s;
	/* RFC 7858 §3.1, RFC 8484 §8.1 (HTTPS), RFC 9110 §4.2.1 (HTTP) */
	uint16_t port = q->port_set			? q->port
			: q->http == QDIG_HTTPS		? 443
			: q->http == QDIG_HTTP_PLAIN	? 80
			: q->tls			? 853
							: q->port;
	static const char *const http_names[2][3] = { { NULL, "HTTPS", "HTTP" },
						      { NULL, "HTTPS-GET", "HTTP-GET" } };
	r->proto = q->http ? http_names[q->http_get][q->http] : q->tls ? "TLS" : NULL;
	bool ok = q->server[0] ? query_server_set(&s, q->server, port, r->c->family, err)
			       : query_server_default(&s, "/etc/resolv.conf", port, r->c->family,
						      err);
	s.source = r->c->source;
	uint8_t v4[4];
	if (r->c->family == 6 && inet_pton(AF_INET, q->server, v4) == 1) {
		/* dig asks for IPv6 addresses only: an IPv4 literal comes back mapped, and is skipped */
		fprintf(r->out, ";; Skipping mapped address '::ffff:%s'\n;; No acceptable nameservers\n",
			q->server);
		rc = EXIT_REPLY;
		r->stop = true;
	} else if (!ok && !(q->trace && q->root_hints[0])) {
		fprintf(stderr, "qdig: %s\n", err);
		rc = EXIT_USAGE; /* as dig */
		r->stop = true;
	} else if (q->trace) {
		rc = trace_run(q, &s, r->out);
	} else if (q->nssearch) {
		rc = nssearch(r, q, &s);
	} else if (xfr_asked(q->qtype)) {
		rc = zone_transfer(r, q, &s);
	} else {
		rc = plain_query(r, q, &s);
	}
	if (rc > r->status)
		r->status = rc;
	fflush(r->out);
}

static void run_queries(struct run *r)
{
	for (unsigned i = 0; i < r->c->n && !r->stop; i++)
		run_one(r, &r->c->q[i]);
}

/* -f FILE: each line a command line of its own, its queries asked as it is read. */
static void run_batch(struct run *r)
{
	FILE *f = strcmp(r->c->batch, "-") == 0 ? stdin : fopen(r->c->batch, "r");
	if (!f) {
		fprintf(stderr, "%s: %s\nqdig: couldn't open specified batch file\n", r->c->batch,
			strerror(errno));
		r->status = EXIT_BATCH;
		r->stop = true;
		return;
	}
	char *line = malloc(BATCH_LINE_MAX), err[256], *words[BATCH_WORDS_MAX];
	while (line && !r->stop && fgets(line, BATCH_LINE_MAX, f)) {
		int n = opts_split(line, words, BATCH_WORDS_MAX);
		r->c->n = 0;
		if (n == 0) { /* as dig: an empty line asks the root's NS */
			opts_default_query(r->c);
			run_queries(r);
			continue;
		}
		if (opts_parse(r->c, n, words, true, err) != OPTS_OK) {
			fprintf(stderr, "qdig: %s\n", err);
			r->status = EXIT_USAGE;
			continue;
		}
		run_queries(r);
	}
	free(line);
	if (f != stdin)
		fclose(f);
}

static int usage_error(const char *err)
{
	/* dig's parse warnings (invalid WHAT 'VALUE'...) come without its name, its fatal errors
	 * (invalid address X) with it */
	bool plain = strncmp(err, "Invalid option", 14) == 0 ||
		     (strncmp(err, "invalid ", 8) == 0 && strchr(err, '\''));
	fprintf(stderr, plain ? "%s\n" : "qdig: %s\n", err);
	if (strncmp(err, "Invalid option", 14) == 0)
		opts_usage_short(stderr);
	return EXIT_USAGE;
}

static bool has_flag_r(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-r") == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static struct qdig_cmd c;
	char err[256];
	/* A TLS or TCP peer that resets the connection is a transport error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	opts_init(&c);
	/* As dig: names are converted to and from IDNA2008 when stdout is a terminal. */
	c.global.idnin = c.global.d.idnout = isatty(STDOUT_FILENO) && !getenv("IDN_DISABLE");
	const char *home = getenv("HOME");
	if (home && !has_flag_r(argc, argv)) {
		char path[512];
		snprintf(path, sizeof(path), "%s/.digrc", home);
		if (opts_read_digrc(&c, path, err) != OPTS_OK)
			return usage_error(err);
	}
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "--version") == 0)) {
		c.help = argv[1][2] == 'h';
		c.version = !c.help;
	} else if (opts_parse(&c, argc - 1, argv + 1, false, err) != OPTS_OK) {
		return usage_error(err);
	}
	if (c.help) {
		opts_usage(stdout);
		return EXIT_REPLY;
	}
	if (c.version) {
		printf("qdig " QDIG_VERSION "\n");
		return EXIT_REPLY;
	}
	for (unsigned i = 0; i < c.n; i++)
		if (c.q[i].d.json && c.q[i].d.short_form)
			return usage_error("+json and +short cannot be combined: +short prints rdata, "
					   "+json whole messages");
	if (c.n == 0 && !c.batch[0])
		opts_default_query(&c);
	/* Colour goes through a buffer: the output is written plain, then coloured line by line.
	 * JSON is for programs: never coloured, whatever +color says. */
	const struct qdig_display *d0 = c.n ? &c.q[0].d : &c.global.d;
	bool color = !d0->json && (d0->color == 1 || (d0->color == -1 && isatty(STDOUT_FILENO)));
	char *text = NULL;
	size_t len = 0;
	FILE *out = color ? open_memstream(&text, &len) : stdout;
	if (!out)
		out = stdout;
	struct run r = { .c = &c, .argc = argc, .argv = argv, .out = out };
	run_queries(&r);
	if (c.batch[0] && !r.stop)
		run_batch(&r);
	if (out != stdout) {
		fclose(out);
		print_colored(stdout, text);
		free(text);
	}
	return r.status;
}
