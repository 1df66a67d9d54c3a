/* client/print_yaml.c: dig's YAML layout for a reply.
 * SPDX-License-Identifier: MIT
 */
#include "print_yaml.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "print.h"
#include "rdata.h"

#define YAML_LINE_MAX (4 * 65536 + 2048) /* as print.c's longest record */

static void timestamp(FILE *f, const char *key, double t)
{
	time_t s = (time_t)t;
	struct tm tm;
	char buf[32];
	gmtime_r(&s, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "    %s: !!timestamp %s.%03dZ\n", key, buf, (int)((t - (double)s) * 1000));
}

/* A record (or question) as one single-spaced line in single quotes, quotes doubled. */
static void quoted(FILE *f, const struct wire_rr *rr, const struct wire_question *q, char *line)
{
	struct buf_out out;
	buf_out_init(&out, line, YAML_LINE_MAX);
	name_to_text(rr ? rr->owner : q->name, &out);
	if (rr)
		buf_printf(&out, " %u", rr->ttl);
	buf_puts(&out, " ");
	rdata_class_to_text(rr ? rr->rclass : q->rclass, &out);
	buf_puts(&out, " ");
	rdata_type_to_text(rr ? rr->type : q->type, &out);
	if (rr) {
		static const struct qdig_display plain = { .crypto = true };
		buf_puts(&out, " ");
		print_rdata(&out, rr, &plain);
	}
	fputs("        - '", f);
	for (size_t i = 0; i < out.len; i++) {
		if (line[i] == '\'')
			fputc('\'', f);
		fputc(line[i], f);
	}
	fputs("'\n", f);
}

void yaml_message(FILE *f, const struct wire_msg *m, const struct qdig_display *d,
		  const struct yaml_reply *y)
{
	static const char *const titles[] = { "ANSWER", "AUTHORITY", "ADDITIONAL" };
	char b1[16], b2[16];
	char *line = malloc(YAML_LINE_MAX);
	if (!line) {
		fputs("# out of memory\n", f);
		return;
	}
	bool recursive = y->query ? m->flags & DNS_FLAG_RD : m->flags & DNS_FLAG_RA;
	fprintf(f, "- type: MESSAGE\n  message:\n    type: %s_%s\n", recursive ? "RECURSIVE" : "AUTH",
		y->query ? "QUERY" : "RESPONSE");
	timestamp(f, "query_time", y->sent_s);
	if (!y->query)
		timestamp(f, "response_time", y->sent_s);
	fprintf(f, "    message_size: %zub\n", y->size);
	fprintf(f, "    socket_family: %s\n", strchr(y->server, ':') ? "INET6" : "INET");
	fprintf(f, "    socket_protocol: %s\n", y->tcp ? "TCP" : "UDP");
	fprintf(f, "    response_address: \"%s\"\n    response_port: %u\n", y->server, y->port);
	fprintf(f, "    query_address: \"%s\"\n    query_port: 0\n",
		strchr(y->server, ':') ? "::" : "0.0.0.0");
	fprintf(f, "    %s_message_data:\n      opcode: %s\n      status: %s\n      id: %u\n",
		y->query ? "query" : "response",
		print_opcode_name(DNS_OPCODE(m->flags), b1), print_rcode_name(m->rcode, b2), m->id);
	fputs("      flags:", f);
	const char *name;
	uint16_t bit;
	for (size_t i = 0; (name = print_flag_name(i, &bit)); i++)
		if (m->flags & bit)
			fprintf(f, " %s", name);
	fprintf(f, "\n      QUESTION: %u\n      ANSWER: %u\n      AUTHORITY: %u\n"
		   "      ADDITIONAL: %u\n",
		m->has_question ? 1u : 0u, m->n[WIRE_ANSWER], m->n[WIRE_AUTHORITY],
		m->n[WIRE_ADDITIONAL] + (m->edns.present ? 1u : 0u));
	if (d->comments && m->edns.present)
		fprintf(f, "      OPT_PSEUDOSECTION:\n        EDNS:\n          version: %u\n"
			   "          flags:%s\n          udp: %u\n",
			m->edns.version, m->edns.flags & DNS_EDNS_FLAG_DO ? " do" : "",
			m->edns.udp_size);
	if (d->comments && m->edns.present)
		print_edns_options(f, "          ", &m->edns, y->cookie, y->query, true);
	if (d->question && (m->has_question || y->query)) { /* as print_message */
		fputs("      QUESTION_SECTION:\n", f);
		if (m->has_question)
			quoted(f, NULL, &m->q, line);
	}
	const bool shown[3] = { d->answer, d->authority, d->additional };
	for (int s = 0; s < 3; s++) {
		unsigned n = m->n[s] - (s == WIRE_ANSWER && y->drop_last && m->n[s] ? 1u : 0u);
		if (!shown[s] || n == 0)
			continue;
		fprintf(f, "      %s_SECTION:\n", titles[s]);
		for (uint16_t i = 0; i < n; i++)
			quoted(f, &m->rr[s][i], NULL, line);
	}
	free(line);
}
