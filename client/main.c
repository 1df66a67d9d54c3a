/* client/main.c: qdig, a dig-like DNS client: arguments, one query, the printed reply.
 *
 * The walk from the root (+trace) is trace.c's; options are opts.c's, the exchange with the
 * server query.c's and the layout print.c's. Exit status as dig's: 0 a reply came (whatever
 * its rcode), 1 usage error, 9 no reply, 10 internal error.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "dns.h"
#include "opts.h"
#include "json.h"
#include "print.h"
#include "query.h"
#include "rand.h"
#include "trace.h"
#include "wire.h"

#define QDIG_VERSION "0.1"

enum { EXIT_REPLY = 0, EXIT_USAGE = 1, EXIT_NO_REPLY = 9, EXIT_INTERNAL = 10 };

/* Builds the query message for o into buf, with a random ID; returns its length (0 if it
 * cannot). */
static size_t build_query(const struct qdig_opts *o, uint8_t *buf, size_t cap)
{
	struct wire_builder b;
	uint16_t flags = (uint16_t)((o->recurse ? DNS_FLAG_RD : 0) | (o->adflag ? DNS_FLAG_AD : 0) |
				    (o->cdflag ? DNS_FLAG_CD : 0));
	wire_build_init(&b, buf, cap, rand_u16(), flags);
	if (wire_build_question(&b, o->qname, o->qtype, o->qclass))
		return 0;
	if (o->edns && wire_build_edns(&b, (uint16_t)o->bufsize, 0,
				       o->dnssec ? DNS_EDNS_FLAG_DO : 0, NULL, 0))
		return 0;
	return wire_build_finish(&b);
}

static void print_banner(FILE *out, int argc, char **argv)
{
	fprintf(out, "\n; <<>> qdig " QDIG_VERSION " <<>>");
	for (int i = 1; i < argc; i++)
		fprintf(out, " %s", argv[i]);
	fprintf(out, "\n;; global options: +cmd\n");
}

static void print_footer(FILE *out, const struct query_server *s, const struct query_result *r,
			 bool tcp)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Z %Y", &tm);
	fprintf(out, ";; Query time: %.0f msec\n", r->ms);
	fprintf(out, ";; SERVER: %s#%u(%s) (%s)\n", s->text, s->port, s->text, tcp ? "TCP" : "UDP");
	fprintf(out, ";; WHEN: %s\n", when);
	fprintf(out, ";; MSG SIZE  rcvd: %zu\n\n", r->len);
}

/* Sends the query, over TCP again when a UDP reply comes back truncated. */
static int exchange(const struct qdig_opts *o, const struct query_server *s,
		    const uint8_t *q, size_t qlen, struct query_result *r, bool *tcp, FILE *out)
{
	*tcp = o->tcp;
	unsigned timeout_ms = o->timeout_s * 1000;
	if (!query_send(s, q, qlen, *tcp, timeout_ms, o->tries, r)) {
		fprintf(stderr, "qdig: %s\n", r->error);
		return EXIT_INTERNAL;
	}
	if (r->status == QUERY_OK && !*tcp && !o->ignoretc && r->len >= DNS_HEADER_SIZE &&
	    (r->reply[2] << 8 | r->reply[3]) & DNS_FLAG_TC) {
		if (!o->short_form && !o->json)
			fprintf(out, ";; Truncated, retrying in TCP mode.\n");
		*tcp = true;
		if (!query_send(s, q, qlen, true, timeout_ms, o->tries, r)) {
			fprintf(stderr, "qdig: %s\n", r->error);
			return EXIT_INTERNAL;
		}
	}
	if (r->status != QUERY_OK) {
		fprintf(stderr, "qdig: no reply from %s#%u: %s\n", s->text, s->port, r->error);
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

static int plain_query(const struct qdig_opts *o, const struct query_server *sp, int argc,
		       char **argv, FILE *out)
{
	static struct query_result r;
	const struct query_server s = *sp;
	uint8_t q[512];
	size_t qlen = build_query(o, q, sizeof(q));
	if (qlen == 0) {
		fprintf(stderr, "qdig: cannot build the query\n");
		return EXIT_INTERNAL;
	}
	if (!o->short_form && !o->json)
		print_banner(out, argc, argv);
	bool tcp;
	int rc = exchange(o, &s, q, qlen, &r, &tcp, out);
	if (rc != EXIT_REPLY)
		return rc;
	struct arena *a = arena_new();
	struct wire_msg m;
	enum err e = a ? wire_parse(r.reply, r.len, a, &m) : ERR_NOMEM;
	if (e == ERR_OK && o->json) {
		print_json(&s, &r, tcp, &m, out);
	} else if (e == ERR_OK && o->short_form) {
		print_short(out, &m);
	} else if (e == ERR_OK) {
		fprintf(out, ";; Got answer:\n");
		print_message(out, &m, o->recurse);
		print_footer(out, &s, &r, tcp);
	} else {
		fprintf(stderr, "qdig: bad reply from %s#%u: %s\n", s.text, s.port, err_str(e));
		rc = e == ERR_NOMEM ? EXIT_INTERNAL : EXIT_NO_REPLY;
	}
	arena_free(a);
	return rc;
}

int main(int argc, char **argv)
{
	struct qdig_opts o;
	char err[256];
	bool help;
	if (!opts_parse(argc, argv, &o, &help, err)) {
		fprintf(stderr, "qdig: %s (qdig -h for help)\n", err);
		return EXIT_USAGE;
	}
	if (help) {
		opts_usage(stdout);
		return EXIT_REPLY;
	}
	struct query_server s;
	bool ok = o.server[0] ? query_server_set(&s, o.server, o.port, err)
			      : query_server_default(&s, "/etc/resolv.conf", o.port, err);
	if (!ok && !(o.trace && o.root_hints[0])) {
		fprintf(stderr, "qdig: %s\n", err);
		return EXIT_NO_REPLY;
	}
	/* Colour goes through a buffer: the output is written plain, then coloured line by line.
	 * JSON is for programs: never coloured, whatever +color says. */
	bool color = !o.json && (o.color == 1 || (o.color == -1 && isatty(STDOUT_FILENO)));
	char *text = NULL;
	size_t len = 0;
	FILE *out = color ? open_memstream(&text, &len) : stdout;
	if (!out)
		out = stdout;
	int rc = o.trace ? trace_run(&o, &s, out) : plain_query(&o, &s, argc, argv, out);
	if (out != stdout) {
		fclose(out);
		print_colored(stdout, text);
		free(text);
	}
	return rc;
}
