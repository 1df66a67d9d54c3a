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

/* Empties r for a new exchange, its send time now. */
void tls_result_begin(struct query_result *r);

/* One TCP connection, with TLS over it or not: the byte stream DNS over HTTP (doh.c) runs on. */
struct tls_conn;

/* Connects to s (from s->source when it is set) within timeout_ms, then, with tls set, makes
 * the TLS handshake offering alpn (ALPN's wire form, alpn_len bytes) and checking the
 * certificate as o says; timeout_ms bounds each later read and write too. NULL when it cannot,
 * with the reason in r->error (and r->status QUERY_TIMEOUT for a timeout), *cert_failed set
 * when the certificate did not verify. */
struct tls_conn *tls_conn_open(const struct query_server *s, bool tls, const struct tls_opts *o,
			       const unsigned char *alpn, size_t alpn_len, unsigned timeout_ms,
			       struct query_result *r, bool *cert_failed);

/* Reads what comes, up to n bytes: how many, 0 at the end of the stream, -1 on an error or a
 * timeout (errno EAGAIN then). */
long tls_conn_read(struct tls_conn *c, uint8_t *p, size_t n);

/* Writes all n bytes; false on an error or a timeout. */
bool tls_conn_write(struct tls_conn *c, const uint8_t *p, size_t n);

void tls_conn_close(struct tls_conn *c);

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
