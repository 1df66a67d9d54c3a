/* client/doh.h: DNS over HTTP (RFC 8484) for qdig's +https, +http-plain and their -get and
 * -post forms, one query on one connection, as dig 9.18 asks: HTTP/2 (libnghttp2, seen by
 * this module only) over TLS with ALPN "h2" (client/tls.c's, the certificate checked as for
 * +tls) or, plain, over TCP with prior knowledge; POST of application/dns-message, or GET with
 * the query in the dns= parameter (base64url without padding). A reply is taken only with a
 * 2xx status, the content type application/dns-message and a body of a DNS message's size at
 * most, within the timeout for each step and for the whole exchange.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_DOH_H
#define CLIENT_DOH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query.h"
#include "tls.h"

struct doh_opts {
	bool tls;          /* https (else plain http) */
	bool get;          /* GET (else POST) */
	const char *path;  /* the endpoint, "/dns-query" when empty */
};

#define DOH_PATH_DEFAULT "/dns-query" /* RFC 8484's example, and dig's default */

/* Sends pkt to s over HTTP/2 as d says and waits for the reply (its ID must be the query's);
 * r->status says what happened and r->error why not (dig's words: "failure" for an HTTP
 * status that is not 2xx or a reply that is not a DNS message, "end of file" for a
 * connection closed before the reply). *connected says whether the connection (and TLS) was
 * made; *cert_failed as for tls_send. */
void doh_send(const struct query_server *s, const uint8_t *pkt, size_t len,
	      const struct doh_opts *d, const struct tls_opts *o, unsigned timeout_ms,
	      struct query_result *r, bool *connected, bool *cert_failed);

#endif
