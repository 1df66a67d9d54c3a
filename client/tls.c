/* client/tls.c: one DNS exchange over TLS with OpenSSL.
 * SPDX-License-Identifier: MIT
 */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int tls_tcp_connect(const struct query_server *s, unsigned timeout_ms, struct query_result *r)
{
	struct sockaddr_storage to = s->addr;
	socklen_t tlen = to.ss_family == AF_INET ? sizeof(struct sockaddr_in)
						  : sizeof(struct sockaddr_in6);
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(s->port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(s->port);
	int fd = socket(to.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(r->error, sizeof(r->error), "%s", strerror(errno));
		return -1;
	}
	int err = 0, one = 1;
	socklen_t elen = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	if (s->source.ss_family == to.ss_family) { /* -b; its port may still be in TIME_WAIT */
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)&s->source, tlen) < 0)
			err = errno;
	}
	if (err || (connect(fd, (struct sockaddr *)&to, tlen) < 0 &&
		    (errno != EINPROGRESS || poll(&p, 1, (int)timeout_ms) != 1 ||
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err))) {
		r->status = err || errno != EINPROGRESS ? QUERY_FAILED : QUERY_TIMEOUT;
		snprintf(r->error, sizeof(r->error), "%s",
			 err == ECONNREFUSED	? "connection refused"
			 : err == EADDRNOTAVAIL ? "address not available"
			 : err			? strerror(err)
						: "timed out");
		close(fd);
		return -1;
	}
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

struct tls_conn {
	int fd;
	SSL_CTX *ctx; /* NULL (and ssl too): plain TCP */
	SSL *ssl;
};

long tls_conn_read(struct tls_conn *c, uint8_t *p, size_t n)
{
	if (!c->ssl)
		return (long)recv(c->fd, p, n, 0);
	int k = SSL_read(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
	if (k > 0)
		return k;
	return SSL_get_error(c->ssl, k) == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

bool tls_conn_write(struct tls_conn *c, const uint8_t *p, size_t n)
{
	for (size_t done = 0; done < n;) {
		long k = c->ssl ? SSL_write(c->ssl, p + done, (int)(n - done))
				: (long)send(c->fd, p + done, n - done, MSG_NOSIGNAL);
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

void tls_conn_close(struct tls_conn *c)
{
	if (!c)
		return;
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

/* Reads exactly n bytes; false on an error, a timeout or the end of the connection. */
static bool read_all(struct tls_conn *c, uint8_t *p, size_t n)
{
	for (size_t got = 0; got < n;) {
		long k = tls_conn_read(c, p + got, n - got);
		if (k <= 0)
			return false;
		got += (size_t)k;
	}
	return true;
}

static SSL_CTX *context(const struct tls_opts *o, const unsigned char *alpn, size_t alpn_len,
			struct query_result *r)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		return NULL;
	SSL_CTX_set_alpn_protos(ctx, alpn, (unsigned)alpn_len);
	bool ok = true;
	if (o->verify) {
		ok = o->ca_file ? SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL)
				: SSL_CTX_set_default_verify_paths(ctx);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	if (ok && o->cert_file)
		ok = SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) == 1;
	if (ok && o->key_file)
		ok = SSL_CTX_use_PrivateKey_file(ctx, o->key_file, SSL_FILETYPE_PEM) == 1;
	if (!ok) {
		snprintf(r->error, sizeof(r->error), "cannot load the TLS files (CA, certificate, key)");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The TLS handshake over c->fd; false with the reason in r->error. */
static bool handshake(struct tls_conn *c, const struct query_server *s, const struct tls_opts *o,
		      struct query_result *r, bool *cert_failed)
{
	if (!(c->ssl = SSL_new(c->ctx)))
		return false;
	SSL_set_fd(c->ssl, c->fd);
	if (o->hostname) {
		SSL_set_tlsext_host_name(c->ssl, o->hostname);
		SSL_set1_host(c->ssl, o->hostname);
	} else if (o->verify) {
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), s->text);
	}
	errno = 0;
	if (SSL_connect(c->ssl) == 1)
		return true;
	if (errno == EAGAIN) { /* a server that accepts and says nothing */
		r->status = QUERY_TIMEOUT;
		snprintf(r->error, sizeof(r->error), "timed out");
		return false;
	}
	long v = SSL_get_verify_result(c->ssl);
	*cert_failed = o->verify && v != X509_V_OK;
	snprintf(r->error, sizeof(r->error), "%s",
		 *cert_failed ? X509_verify_cert_error_string(v) : "TLS error");
	return false;
}

struct tls_conn *tls_conn_open(const struct query_server *s, bool tls, const struct tls_opts *o,
			       const unsigned char *alpn, size_t alpn_len, unsigned timeout_ms,
			       struct query_result *r, bool *cert_failed)
{
	*cert_failed = false;
	struct tls_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return NULL;
	}
	c->fd = -1;
	if ((tls && !(c->ctx = context(o, alpn, alpn_len, r))) ||
	    (c->fd = tls_tcp_connect(s, timeout_ms, r)) < 0 ||
	    (tls && !handshake(c, s, o, r, cert_failed))) {
		tls_conn_close(c);
		return NULL;
	}
	return c;
}

void tls_result_begin(struct query_result *r)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	r->sent_s = (double)tv.tv_sec + tv.tv_usec / 1e6;
	r->status = QUERY_FAILED;
	r->len = 0;
	r->error[0] = 0;
	r->failures = 0;
}

void tls_send(const struct query_server *s, const uint8_t *pkt, size_t len,
	      const struct tls_opts *o, unsigned timeout_ms, struct query_result *r,
	      bool *cert_failed)
{
	static const unsigned char alpn[] = { 3, 'd', 'o', 't' }; /* RFC 7858 §3.2 */
	double start = now_ms();
	tls_result_begin(r);
	struct tls_conn *c = tls_conn_open(s, true, o, alpn, sizeof(alpn), timeout_ms, r,
					   cert_failed);
	uint8_t head[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	if (c) {
		if (!tls_conn_write(c, head, 2) || !tls_conn_write(c, pkt, len) ||
		    !read_all(c, head, 2) || !read_all(c, r->reply, (size_t)(head[0] << 8 | head[1]))) {
			r->status = errno == EAGAIN ? QUERY_TIMEOUT : QUERY_FAILED;
			snprintf(r->error, sizeof(r->error), "%s",
				 errno == EAGAIN ? "timed out" : "connection closed");
		} else if ((head[0] << 8 | head[1]) < 2 || memcmp(r->reply, pkt, 2) != 0) {
			snprintf(r->error, sizeof(r->error), "a reply with another ID");
		} else {
			r->len = (size_t)(head[0] << 8 | head[1]);
			r->status = QUERY_OK;
		}
		tls_conn_close(c);
	}
	r->ms = now_ms() - start;
	if (r->status != QUERY_OK && r->failures < QUERY_TRIES_MAX)
		r->timed_out[r->failures++] = r->status == QUERY_TIMEOUT;
}
