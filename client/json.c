/* client/json.c: JSON writing for qdig +json.
 * SPDX-License-Identifier: MIT
 */
#include "json.h"

#include <stdlib.h>

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
