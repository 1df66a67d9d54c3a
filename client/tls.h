/* client/tls.h: DNS over TLS (RFC 7858) for qdig's +tls, one query on one connection, as dig
 * 9.18 asks: the TCP framing of RFC 1035 §4.2.2 inside TLS (OpenSSL), ALPN "dot", the server's
 * certificate checked only with +tls-ca (against that file or the system's), by +tls-hostname
 * or else the server's address. OpenSSL's TLS is seen by this module only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_TLS_H
#define CLIENT_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "query.h"

struct tls_opts {
	bool verify;            /* +tls-ca given */
	const char *ca_file;    /* its file; NULL: the system's CAs */
	const char *hostname;   /* +tls-hostname: SNI and the name checked; NULL: the address */
	const char *cert_file;  /* +tls-certfile, +tls-keyfile: a client certificate */
	const char *key_file;
};

/* Sends pkt to s over TLS and waits for the reply (its ID must be the query's), within
 * timeout_ms for each step; r->status says what happened. A certificate that does not
 * verify is QUERY_FAILED with OpenSSL's reason in r->error and *cert_failed set. */
void tls_send(const struct query_server *s, const uint8_t *pkt, size_t len,
	      const struct tls_opts *o, unsigned timeout_ms, struct query_result *r,
	      bool *cert_failed);

/* The TCP connection under it (also a zone transfer's, client/xfr.c): to s within
 * timeout_ms, then blocking with that timeout on every read and write. -1 with r->status
 * (QUERY_FAILED or QUERY_TIMEOUT) and the reason in r->error, in dig's words. */
int tls_tcp_connect(const struct query_server *s, unsigned timeout_ms, struct query_result *r);

#endif
