/* client/print_yaml.h: +yaml, a reply in dig 9.18's YAML layout (one "- type: MESSAGE" document
 * per reply, its keys and order as dig writes them; the sections shown follow the display
 * switches, as in dig).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_PRINT_YAML_H
#define CLIENT_PRINT_YAML_H

#include <stdbool.h>
#include <stdio.h>

#include "opts.h"
#include "wire.h"

/* How the message went or came. */
struct yaml_reply {
	const char *server;   /* the server's address as text */
	unsigned port;
	bool tcp;
	size_t size;          /* the reply's length in bytes */
	double sent_s;        /* when the query was sent, seconds since the epoch */
	const uint8_t *cookie; /* the client cookie sent (8 bytes) or NULL, for "(good)" */
	bool query;           /* the message is the query sent (+qr): dig's *_QUERY document */
	bool drop_last;       /* the last answer record is not printed (it stays counted): the
			       * closing SOA of a transfer with +onesoa */
};

void yaml_message(FILE *f, const struct wire_msg *m, const struct qdig_display *d,
		  const struct yaml_reply *y);

#endif
