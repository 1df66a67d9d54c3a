/* client/json.h: qdig's +json output: one JSON document per run.
 *
 * The schema (README.md, "qdig +json") is: for a plain query an object with the server,
 * transport, time and size and the reply as a message object; for +trace an object with the
 * question, every step (server, transport, time, kind, and its reply as a message object) and
 * the result. A message object has id, opcode, rcode, flags, edns, question and the three
 * sections; a record has name, ttl, class, type and rdata (presentation text). Writing goes
 * through struct json, which keeps track of commas.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_JSON_H
#define CLIENT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wire.h"

struct json {
	FILE *f;
	unsigned depth;
	bool first[32]; /* per nesting level: nothing written at this level yet */
};

void json_init(struct json *j, FILE *f);

/* Objects and arrays; key is NULL inside arrays. */
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j, char bracket);

void json_str(struct json *j, const char *key, const char *value);
void json_num(struct json *j, const char *key, double value);
/* A time in milliseconds, to the microsecond (a measured time has no more digits worth
 * printing). */
void json_ms(struct json *j, const char *key, double ms);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);

/* A parsed message as an object (see above). */
void json_message(struct json *j, const char *key, const struct wire_msg *m);

/* Records as an array of record objects. */
void json_records(struct json *j, const char *key, const struct wire_rr *rr, size_t n);

/* The message in RFC 8427's layout as kdig +json writes it (pretty, kdig's keys and order:
 * the header bits, the question, the sections with each record's rdata text and hex). */
void json_rfc8427(FILE *f, const struct wire_msg *m, size_t size);

#endif
