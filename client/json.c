/* client/json.c: JSON writing for qdig +json.
 * SPDX-License-Identifier: MIT
 */
#include "json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "print.h"
#include "rdata.h"

#define RDATA_TEXT_MAX (4 * 65536 + 64)

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

/* Writes s as a JSON string: quotes, backslashes and control characters escaped. The text
 * forms of names and rdata are ASCII already (other bytes are \DDD escapes). */
static void string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The comma and key before a value. */
static void lead(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		string(j->f, key);
		fputc(':', j->f);
	}
}

void json_open(struct json *j, const char *key, char bracket)
{
	lead(j, key);
	fputc(bracket, j->f);
	if (j->depth + 1 < sizeof(j->first))
		j->first[++j->depth] = true;
}

void json_close(struct json *j, char bracket)
{
	fputc(bracket, j->f);
	if (j->depth)
		j->depth--;
	if (j->depth == 0)
		fputc('\n', j->f);
}

void json_str(struct json *j, const char *key, const char *value)
{
	lead(j, key);
	string(j->f, value);
}

void json_num(struct json *j, const char *key, double value)
{
	lead(j, key);
	fprintf(j->f, "%.15g", value);
}

void json_ms(struct json *j, const char *key, double ms)
{
	lead(j, key);
	fprintf(j->f, "%.3f", ms);
}

void json_bool(struct json *j, const char *key, bool value)
{
	lead(j, key);
	fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	lead(j, key);
	fputs("null", j->f);
}

/* A name, type or class through lib's text forms. */
static void text_field(struct json *j, const char *key, const uint8_t *name, int type, int cls)
{
	char buf[NAME_MAX_TEXT + 32];
	struct buf_out out;
	buf_out_init(&out, buf, sizeof(buf));
	if (name)
		name_to_text(name, &out);
	else if (type >= 0)
		rdata_type_to_text((uint16_t)type, &out);
	else
		rdata_class_to_text((uint16_t)cls, &out);
	json_str(j, key, buf);
}

void json_records(struct json *j, const char *key, const struct wire_rr *rr, size_t n)
{
	char *text = malloc(RDATA_TEXT_MAX);
	json_open(j, key, '[');
	for (size_t i = 0; i < n && text; i++) {
		struct buf_out out;
		buf_out_init(&out, text, RDATA_TEXT_MAX);
		rdata_to_text(rr[i].type, rr[i].rdata, rr[i].rdlen, &out);
		json_open(j, NULL, '{');
		text_field(j, "name", rr[i].owner, -1, 0);
		json_num(j, "ttl", rr[i].ttl);
		text_field(j, "class", NULL, -1, rr[i].rclass);
		text_field(j, "type", NULL, rr[i].type, 0);
		json_str(j, "rdata", text);
		json_close(j, '}');
	}
	json_close(j, ']');
	free(text);
}

static void flags(struct json *j, uint16_t f)
{
	const char *name;
	uint16_t bit;
	json_open(j, "flags", '[');
	for (size_t i = 0; (name = print_flag_name(i, &bit)); i++)
		if (f & bit)
			json_str(j, NULL, name);
	json_close(j, ']');
}

void json_message(struct json *j, const char *key, const struct wire_msg *m)
{
	char b[16];
	json_open(j, key, '{');
	json_num(j, "id", m->id);
	json_str(j, "opcode", print_opcode_name(DNS_OPCODE(m->flags), b));
	json_str(j, "rcode", print_rcode_name(m->rcode, b));
	flags(j, m->flags);
	if (m->edns.present) {
		json_open(j, "edns", '{');
		json_num(j, "version", m->edns.version);
		json_num(j, "udp_size", m->edns.udp_size);
		json_bool(j, "do", m->edns.flags & DNS_EDNS_FLAG_DO);
		json_num(j, "options_size", m->edns.opts_len);
		json_close(j, '}');
	} else {
		json_null(j, "edns");
	}
	json_open(j, "question", '[');
	if (m->has_question) {
		json_open(j, NULL, '{');
		text_field(j, "name", m->q.name, -1, 0);
		text_field(j, "class", NULL, -1, m->q.rclass);
		text_field(j, "type", NULL, m->q.type, 0);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_records(j, "answer", m->rr[WIRE_ANSWER], m->n[WIRE_ANSWER]);
	json_records(j, "authority", m->rr[WIRE_AUTHORITY], m->n[WIRE_AUTHORITY]);
	json_records(j, "additional", m->rr[WIRE_ADDITIONAL], m->n[WIRE_ADDITIONAL]);
	json_close(j, '}');
}

/* ---- RFC 8427, as kdig +json writes it ---- */

static void kv_num(FILE *f, const char *key, unsigned long long v, bool comma)
{
	fprintf(f, "%s\n  \"%s\": %llu", comma ? "," : "", key, v);
}

/* One record (RFC 8427 §2.3), at the indentation kdig uses inside a section array. */
static void rfc8427_rr(FILE *f, const struct wire_rr *rr, bool first, char *text)
{
	struct buf_out out;
	char type[32], cls[32];
	buf_out_init(&out, type, sizeof(type));
	rdata_type_to_text(rr->type, &out);
	buf_out_init(&out, cls, sizeof(cls));
	rdata_class_to_text(rr->rclass, &out);
	buf_out_init(&out, text, RDATA_TEXT_MAX);
	name_to_text(rr->owner, &out);
	fprintf(f, "%s\n    {\n      \"NAME\": ", first ? "" : ",");
	string(f, text);
	fprintf(f, ",\n      \"TYPE\": %u,\n      \"TYPEname\": \"%s\",\n      \"CLASS\": %u,\n"
		   "      \"CLASSname\": \"%s\",\n      \"TTL\": %u,",
		rr->type, type, rr->rclass, cls, rr->ttl);
	if (rdata_type_known(rr->type)) { /* kdig: keys and digests whole, CAA with a space */
		static const struct qdig_display kdig = { .crypto = true, .split_set = true };
		buf_out_init(&out, text, RDATA_TEXT_MAX - 1);
		print_rdata(&out, rr, &kdig);
		if (rr->type == DNS_TYPE_CAA)
			buf_puts(&out, " ");
		text[out.len] = 0;
		fprintf(f, "\n      \"rdata%s\": ", type);
		string(f, text);
		fputc(',', f);
	}
	fprintf(f, "\n      \"RDLENGTH\": %u,\n      \"RDATAHEX\": \"", rr->rdlen);
	for (uint16_t i = 0; i < rr->rdlen; i++)
		fprintf(f, "%02X", rr->rdata[i]);
	fputs("\"\n    }", f);
}

/* The OPT record as kdig shows it: class the UDP size, TTL the extended rcode, version and
 * flags, the options as hex. */
static void rfc8427_opt(FILE *f, const struct wire_msg *m, bool first)
{
	const struct wire_edns *e = &m->edns;
	uint32_t ttl = (uint32_t)(m->rcode >> 4) << 24 | (uint32_t)e->version << 16 | e->flags;
	fprintf(f, "%s\n    {\n      \"NAME\": \".\",\n      \"TYPE\": 41,\n      \"TYPEname\": \"OPT\","
		   "\n      \"CLASS\": %u,\n      \"TTL\": %u,\n      \"RDLENGTH\": %u",
		first ? "" : ",", e->udp_size, ttl, e->opts_len);
	if (e->opts_len) {
		fputs(",\n      \"RDATAHEX\": \"", f);
		for (uint16_t i = 0; i < e->opts_len; i++)
			fprintf(f, "%02X", e->opts[i]);
		fputc('"', f);
	}
	fputs("\n    }", f);
}

void json_rfc8427(FILE *f, const struct wire_msg *m, size_t size)
{
	static const char *const keys[] = { "answerRRs", "authorityRRs", "additionalRRs" };
	static const struct {
		const char *name;
		uint16_t bit;
	} bits[] = { { "QR", DNS_FLAG_QR }, { "Opcode", 0 },	    { "AA", DNS_FLAG_AA },
		     { "TC", DNS_FLAG_TC }, { "RD", DNS_FLAG_RD }, { "RA", DNS_FLAG_RA },
		     { "AD", DNS_FLAG_AD }, { "CD", DNS_FLAG_CD } };
	char *text = malloc(RDATA_TEXT_MAX), date[64];
	if (!text) {
		fputs("{}\n", f);
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", &tm);
	fprintf(f, "{\n  \"dateString\": \"%s\"", date);
	kv_num(f, "dateSeconds", (unsigned long long)now, true);
	kv_num(f, "msgLength", size, true);
	kv_num(f, "ID", m->id, true);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		kv_num(f, bits[i].name, bits[i].bit ? !!(m->flags & bits[i].bit) : DNS_OPCODE(m->flags),
		       true);
	kv_num(f, "RCODE", m->rcode & 0xF, true);
	kv_num(f, "QDCOUNT", m->has_question, true);
	kv_num(f, "ANCOUNT", m->n[WIRE_ANSWER], true);
	kv_num(f, "NSCOUNT", m->n[WIRE_AUTHORITY], true);
	kv_num(f, "ARCOUNT", m->n[WIRE_ADDITIONAL] + m->edns.present, true);
	if (m->has_question) {
		struct buf_out out;
		char type[32], cls[32];
		buf_out_init(&out, text, RDATA_TEXT_MAX);
		name_to_text(m->q.name, &out);
		fputs(",\n  \"QNAME\": ", f);
		string(f, text);
		buf_out_init(&out, type, sizeof(type));
		rdata_type_to_text(m->q.type, &out);
		buf_out_init(&out, cls, sizeof(cls));
		rdata_class_to_text(m->q.rclass, &out);
		fprintf(f, ",\n  \"QTYPE\": %u,\n  \"QTYPEname\": \"%s\",\n  \"QCLASS\": %u,\n"
			   "  \"QCLASSname\": \"%s\"",
			m->q.type, type, m->q.rclass, cls);
	}
	for (int s = 0; s < 3; s++) {
		bool opt = s == WIRE_ADDITIONAL && m->edns.present;
		if (m->n[s] == 0 && !opt)
			continue;
		fprintf(f, ",\n  \"%s\": [", keys[s]);
		for (uint16_t i = 0; i < m->n[s]; i++)
			rfc8427_rr(f, &m->rr[s][i], i == 0, text);
		if (opt)
			rfc8427_opt(f, m, m->n[s] == 0);
		fputs("\n  ]", f);
	}
	fputs("\n}\n", f);
	free(text);
}
