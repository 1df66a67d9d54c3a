/* client/query.h: sending one query to one server and waiting for its reply.
 *
 * The daemon's transport (resolver/iter/upstream.h) carries it: a fresh random port per try, the
 * reply matched by ID and question (anything else is dropped and the wait goes on), replies
 * read whole up to 65,535 bytes over UDP and TCP. UDP is retried on timeout; TC=1, SERVFAIL
 * and REFUSED replies are handed back as they came, so the caller decides on the TCP retry
 * and can show it. A query without a question (+header-only) takes the reply by ID alone.
 * Blocking: qdig asks one thing at a time.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_QUERY_H
#define CLIENT_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns.h"

struct query_server {
	struct sockaddr_storage addr;
	char text[64];   /* the address as text, without the port */
	uint16_t port;
	struct sockaddr_storage source; /* -b: where queries leave from; family 0: the kernel's choice */
};

enum query_status {
	QUERY_OK,        /* a reply is in reply/len */
	QUERY_TIMEOUT,   /* every try timed out */
	QUERY_FAILED,    /* connection refused, network unreachable, ...: see error */
};

#define QUERY_TRIES_MAX 100 /* tries of one query (+tries); bounds the wait */

struct query_result {
	enum query_status status;
	uint8_t reply[DNS_MSG_MAX];
	size_t len;
	double ms;       /* from sending to the reply or the give-up, to the microsecond */
	double sent_s;   /* when the query was sent, seconds since the epoch */
	unsigned failures; /* tries that failed, in order, each a timeout or not in timed_out */
	bool timed_out[QUERY_TRIES_MAX];
	bool setup_failed; /* the tries that did not time out failed before sending: the socket
			      could not be set up (bound to the source address) */
	char error[128]; /* for QUERY_FAILED and QUERY_TIMEOUT, one line */
};

/* Fills s from an address literal or a host name (looked up with getaddrinfo) and a port,
 * of family 4 or 6 only when family says so (0: either). false with a message in err when
 * it cannot. */
bool query_server_set(struct query_server *s, const char *host, uint16_t port, int family,
		      char err[static 256]);

/* Every address of host (of family 4 or 6 only when family says so), up to max, into out;
 * returns how many (0 with a message in err). */
unsigned query_server_all(struct query_server *out, unsigned max, const char *host,
			  uint16_t port, int family, char err[static 256]);

/* The first "nameserver" of resolv_conf (normally /etc/resolv.conf), or 127.0.0.1 when
 * there is none, as the C library does. */
bool query_server_default(struct query_server *s, const char *resolv_conf, uint16_t port,
			  int family, char err[static 256]);

#define QUERY_SEARCH_MAX 8 /* search domains read from resolv.conf, as glibc's MAXDNSRCH (6) and more */

/* The search list of resolv_conf ("search" or "domain", the last one given, as the C
 * library) and its "options ndots:N" (1 when absent). */
struct query_search {
	char domain[QUERY_SEARCH_MAX][256];
	unsigned n;
	unsigned ndots;
};

void query_search_read(struct query_search *s, const char *resolv_conf);

/* Sends the query pkt (len bytes, its ID as given) to s over UDP, or TCP when tcp is
 * set, with tries attempts (at most QUERY_TRIES_MAX) of timeout_ms each, and waits; as dig,
 * any try that fails (timeout, refused) is followed by the next. r->status says what happened.
 * Returns false only on an internal error (no loop or memory), with r->error set. */
bool query_send(const struct query_server *s, const uint8_t *pkt, size_t len, bool tcp,
		unsigned timeout_ms, unsigned tries, struct query_result *r);

#endif
