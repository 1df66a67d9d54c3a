/* client/doh.c: one DNS exchange over HTTP/2 with libnghttp2, on tls.c's connection.
 *
 * The session is driven by hand: nghttp2 writes what it wants through send_cb (a blocking
 * write bounded by the timeout), and each read from the connection is handed to it whole
 * (nghttp2_session_mem_recv), until the stream closes, the connection ends or the time is up.
 * SPDX-License-Identifier: MIT
 */
#include "doh.h"

#include <ctype.h>
#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "dns.h"
#include "text.h"

#define DOH_READ_SIZE 16384 /* bytes read from the connection at a time */
#define DOH_TYPE "application/dns-message" /* RFC 8484 §6 */

/* One request in flight and what has come of it. */
struct exchange {
	struct tls_conn *c;
	struct query_result *r;
	int32_t stream;
	const uint8_t *post; /* POST: the body going out */
	size_t post_len, post_off;
	int status;          /* the :status, 0 until it came */
	bool type_ok;        /* content-type application/dns-message */
	bool too_big;        /* more body than a DNS message can be: the reply is refused */
	bool closed;         /* the stream ended */
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static ssize_t send_cb(nghttp2_session *s, const uint8_t *data, size_t n, int flags, void *arg)
{
	struct exchange *x = arg;
	(void)s, (void)flags;
	if (!tls_conn_write(x->c, data, n))
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	return (ssize_t)n;
}

static int header_cb(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
		     size_t nlen, const uint8_t *value, size_t vlen, uint8_t flags, void *arg)
{
	struct exchange *x = arg;
	(void)s, (void)flags;
	if (f->hd.type != NGHTTP2_HEADERS || f->hd.stream_id != x->stream)
		return 0;
	if (nlen == 7 && memcmp(name, ":status", 7) == 0 && vlen == 3 && isdigit(value[0]) &&
	    isdigit(value[1]) && isdigit(value[2]))
		x->status = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
	/* The type, with or without parameters (RFC 9110 §8.3.1), in any case. */
	if (nlen == 12 && memcmp(name, "content-type", 12) == 0)
		x->type_ok = vlen >= sizeof(DOH_TYPE) - 1 &&
			     strncasecmp((const char *)value, DOH_TYPE, sizeof(DOH_TYPE) - 1) == 0 &&
			     (vlen == sizeof(DOH_TYPE) - 1 || value[sizeof(DOH_TYPE) - 1] == ';');
	return 0;
}

static int data_cb(nghttp2_session *s, uint8_t flags, int32_t stream, const uint8_t *data,
		   size_t n, void *arg)
{
	struct exchange *x = arg;
	(void)s, (void)flags;
	if (stream != x->stream)
		return 0;
	if (x->r->len + n > sizeof(x->r->reply)) {
		x->too_big = true;
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	}
	memcpy(x->r->reply + x->r->len, data, n);
	x->r->len += n;
	return 0;
}

static int close_cb(nghttp2_session *s, int32_t stream, uint32_t code, void *arg)
{
	struct exchange *x = arg;
	(void)s, (void)code;
	if (stream == x->stream)
		x->closed = true;
	return 0;
}

static ssize_t post_cb(nghttp2_session *s, int32_t stream, uint8_t *buf, size_t n,
		       uint32_t *flags, nghttp2_data_source *src, void *arg)
{
	struct exchange *x = arg;
	(void)s, (void)stream, (void)src;
	size_t k = x->post_len - x->post_off < n ? x->post_len - x->post_off : n;
	memcpy(buf, x->post + x->post_off, k);
	x->post_off += k;
	if (x->post_off == x->post_len)
		*flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)k;
}

/* path?dns=<the query in base64url, unpadded> (RFC 8484 §4.1) into out; false when it does
 * not fit. */
static bool get_path(const char *path, const uint8_t *pkt, size_t len, char *out, size_t cap)
{
	struct buf_out o;
	int n = snprintf(out, cap, "%s?dns=", path);
	if (n < 0 || (size_t)n >= cap)
		return false;
	buf_out_init(&o, out + n, cap - (size_t)n - 1);
	text_base64_encode(pkt, len, &o);
	if (o.err)
		return false;
	size_t end = (size_t)n;
	for (size_t i = 0; i < o.len; i++) /* RFC 4648 §5: the URL's alphabet, no padding */
		if (out[n + i] != '=')
			out[end++] = out[n + i] == '+' ? '-' : out[n + i] == '/' ? '_' : out[n + i];
	out[end] = 0;
	return true;
}

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE }

/* Submits the request for pkt on session h; false when it cannot. */
static bool submit(nghttp2_session *h, struct exchange *x, const struct query_server *s,
		   const struct doh_opts *d, const struct tls_opts *o, const uint8_t *pkt,
		   size_t len, char *path, size_t path_cap)
{
	const char *endpoint = d->path && d->path[0] ? d->path : DOH_PATH_DEFAULT;
	char authority[300], clen[16];
	bool v6 = strchr(s->text, ':') != NULL;
	snprintf(authority, sizeof(authority), "%s%s%s", v6 ? "[" : "",
		 o->hostname ? o->hostname : s->text, v6 && !o->hostname ? "]" : "");
	snprintf(clen, sizeof(clen), "%zu", len);
	if (d->get && !get_path(endpoint, pkt, len, path, path_cap))
		return false;
	if (!d->get)
		snprintf(path, path_cap, "%s", endpoint);
	nghttp2_nv head[] = {
		NV(":method", d->get ? "GET" : "POST"), NV(":scheme", d->tls ? "https" : "http"),
		NV(":authority", authority),		NV(":path", path),
		NV("accept", DOH_TYPE),			NV("content-type", DOH_TYPE),
		NV("content-length", clen),
	};
	nghttp2_data_provider body = { .read_callback = post_cb };
	x->post = pkt;
	x->post_len = len;
	if (nghttp2_submit_settings(h, NGHTTP2_FLAG_NONE, NULL, 0) != 0)
		return false;
	x->stream = nghttp2_submit_request(h, NULL, head, d->get ? 5 : 7, d->get ? NULL : &body, x);
	return x->stream > 0;
}

/* Runs the session until the stream closes; false with r->status and r->error set when the
 * connection fails, ends or takes longer than deadline_ms. */
static bool drive(nghttp2_session *h, struct exchange *x, double deadline_ms)
{
	static uint8_t in[DOH_READ_SIZE];
	struct query_result *r = x->r;
	while (!x->closed) {
		errno = 0;
		if (nghttp2_session_send(h) != 0)
			break;
		if (x->closed)
			return true;
		errno = 0;
		long n = now_ms() < deadline_ms ? tls_conn_read(x->c, in, sizeof(in)) : -1;
		if (n < 0 && (errno == EAGAIN || now_ms() >= deadline_ms)) {
			r->status = QUERY_TIMEOUT;
			snprintf(r->error, sizeof(r->error), "timed out");
			return false;
		}
		if (n <= 0) {
			snprintf(r->error, sizeof(r->error), "%s",
				 n == 0		     ? "end of file"
				 : errno == ECONNRESET ? "connection reset"
						       : "failure");
			return false;
		}
		errno = 0;
		if (nghttp2_session_mem_recv(h, in, (size_t)n) < 0)
			break;
	}
	if (x->closed)
		return true;
	/* Not HTTP/2 (a TLS server's alert, say), or a connection that closed while we wrote: dig's
	 * words for a broken stream. A body too big is the reply refused. */
	snprintf(r->error, sizeof(r->error), "%s",
		 x->too_big ? "failure" : errno == ECONNRESET ? "connection reset" : "end of file");
	return false;
}

static void exchange(struct tls_conn *c, const struct query_server *s, const uint8_t *pkt,
		     size_t len, const struct doh_opts *d, const struct tls_opts *o,
		     double deadline_ms, struct query_result *r)
{
	struct exchange x = { .c = c, .r = r };
	nghttp2_session_callbacks *cbs;
	nghttp2_session *h = NULL;
	char *path = malloc(len * 2 + 300); /* base64 grows it by a third: room for the path */
	if (nghttp2_session_callbacks_new(&cbs) != 0 || !path) {
		free(path);
		snprintf(r->error, sizeof(r->error), "out of memory");
		return;
	}
	nghttp2_session_callbacks_set_send_callback(cbs, send_cb);
	nghttp2_session_callbacks_set_on_header_callback(cbs, header_cb);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, data_cb);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, close_cb);
	bool ok = nghttp2_session_client_new(&h, cbs, &x) == 0 &&
		  submit(h, &x, s, d, o, pkt, len, path, len * 2 + 300) && drive(h, &x, deadline_ms);
	nghttp2_session_callbacks_del(cbs);
	nghttp2_session_del(h);
	free(path);
	if (!ok) {
		r->len = 0;
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "failure");
		return;
	}
	/* dig's "failure" for a status it does not take; and for what is no DNS reply to ours */
	if (x.status < 200 || x.status > 299 || !x.type_ok || x.too_big ||
	    r->len < DNS_HEADER_SIZE || memcmp(r->reply, pkt, 2) != 0) {
		r->len = 0;
		snprintf(r->error, sizeof(r->error), "failure");
		return;
	}
	r->status = QUERY_OK;
}

void doh_send(const struct query_server *s, const uint8_t *pkt, size_t len,
	      const struct doh_opts *d, const struct tls_opts *o, unsigned timeout_ms,
	      struct query_result *r, bool *connected, bool *cert_failed)
{
	static const unsigned char alpn[] = { 2, 'h', '2' }; /* RFC 7540 §3.3 */
	double start = now_ms();
	tls_result_begin(r);
	struct tls_conn *c = tls_conn_open(s, d->tls, o, alpn, sizeof(alpn), timeout_ms, r,
					   cert_failed);
	*connected = c != NULL;
	if (c)
		exchange(c, s, pkt, len, d, o, start + timeout_ms, r);
	tls_conn_close(c);
	r->ms = now_ms() - start;
	if (r->status != QUERY_OK)
		r->timed_out[r->failures++] = r->status == QUERY_TIMEOUT;
}
