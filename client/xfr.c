/* client/xfr.c: zone transfers over one TCP connection of their own, read and printed as
 * dig 9.18 does (client/xfr.h says what and why here).
 * SPDX-License-Identifier: MIT
 */
#include "xfr.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "dns.h"
#include "print.h"
#include "print_yaml.h"
#include "tls.h"

#define SOA_TAIL 20                     /* serial .. minimum: the end of SOA rdata */
#define RDATA_TEXT_MAX (4 * 65536 + 2048) /* the longest rdata text (+short's lines) */

const struct xfr_limits XFR_LIMITS = {
	.messages = 1000000, /* a zone of tens of millions of records; no real one is bigger */
	.total_ms = 3600 * 1000,
};

struct xfr {
	int fd;
	uint16_t id, qtype;
	uint32_t serial;      /* the IXFR client's */
	double start_ms;      /* when the query went, on the monotonic clock */
	double sent_s;        /* and since the epoch (+yaml's query_time) */
	unsigned records, messages, soas;
	size_t bytes;
	bool started, done;   /* the first SOA seen; the closing one seen */
	uint32_t first_serial;
	uint8_t msg[DNS_MSG_MAX];
};

bool xfr_asked(uint16_t qtype)
{
	return qtype == DNS_TYPE_AXFR || qtype == DNS_TYPE_IXFR;
}

enum err xfr_build_soa(struct wire_builder *b, const uint8_t *zone, uint32_t serial)
{
	uint8_t rd[2 + SOA_TAIL] = { 0, 0, (uint8_t)(serial >> 24), (uint8_t)(serial >> 16),
				     (uint8_t)(serial >> 8), (uint8_t)serial };
	struct wire_rr rr = { zone, DNS_TYPE_SOA, DNS_CLASS_IN, 0, sizeof(rd), rd };
	return wire_build_rr(b, WIRE_AUTHORITY, &rr);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One connection with the query sent on it; -1 with fail's status and error set. */
static int connect_send(const struct query_server *s, const uint8_t *pkt, size_t len,
			unsigned timeout_ms, struct query_result *fail)
{
	int fd = tls_tcp_connect(s, timeout_ms, fail);
	uint8_t out[2 + DNS_MSG_MAX] = { (uint8_t)(len >> 8), (uint8_t)len };
	memcpy(out + 2, pkt, len);
	if (fd < 0 || send(fd, out, len + 2, MSG_NOSIGNAL) == (ssize_t)(len + 2))
		return fd;
	fail->status = errno == EAGAIN ? QUERY_TIMEOUT : QUERY_FAILED;
	snprintf(fail->error, sizeof(fail->error), "%s",
		 errno == EAGAIN ? "timed out" : strerror(errno));
	close(fd);
	return -1;
}

struct xfr *xfr_open(const struct query_server *s, const uint8_t *pkt, size_t len,
		     uint16_t qtype, uint32_t serial, unsigned timeout_ms, unsigned tries,
		     struct query_result *fail)
{
	struct wire_query q;
	struct xfr *x = calloc(1, sizeof(*x));
	fail->status = QUERY_FAILED;
	fail->failures = 0;
	if (!x || wire_parse_head(pkt, len, &q) != ERR_OK) {
		snprintf(fail->error, sizeof(fail->error), "out of memory");
		free(x);
		return NULL;
	}
	struct timeval tv;
	gettimeofday(&tv, NULL);
	*x = (struct xfr){ .fd = -1, .id = q.id, .qtype = qtype, .serial = serial,
			   .start_ms = now_ms(),
			   .sent_s = (double)tv.tv_sec + tv.tv_usec / 1e6 };
	for (unsigned i = 0; i < (tries ? tries : 1) && i < QUERY_TRIES_MAX && x->fd < 0; i++) {
		x->fd = connect_send(s, pkt, len, timeout_ms, fail);
		if (x->fd < 0)
			fail->timed_out[fail->failures++] = fail->status == QUERY_TIMEOUT;
	}
	if (x->fd >= 0)
		return x;
	free(x);
	return NULL;
}

void xfr_close(struct xfr *x)
{
	if (!x)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x);
}

/* Reads n bytes into buf, each read within the connection's timeout and all before end_ms;
 * NULL, or what went wrong in dig's words. */
static const char *read_full(struct xfr *x, uint8_t *buf, size_t n, double end_ms)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = now_ms() < end_ms ? recv(x->fd, buf + got, n - got, 0) : -1;
		if (k == 0)
			return "end of file";
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return now_ms() >= end_ms || errno == EAGAIN ? "timed out" : strerror(errno);
		got += (size_t)k;
	}
	return NULL;
}

/* The next message into x->msg, *len long; NULL, or what went wrong. */
static const char *read_message(struct xfr *x, size_t *len)
{
	uint8_t pre[2];
	double end = x->start_ms + XFR_LIMITS.total_ms;
	const char *e = read_full(x, pre, 2, end);
	*len = (size_t)(pre[0] << 8 | pre[1]);
	if (!e)
		e = read_full(x, x->msg, *len, end);
	return e;
}

static uint32_t soa_serial(const struct wire_rr *rr)
{
	const uint8_t *p = rr->rdata + rr->rdlen - SOA_TAIL;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Follows rr through the transfer: the first SOA opens it; AXFR (and IXFR in AXFR form)
 * ends at the next SOA of the same serial; an incremental IXFR's SOAs alternate (old, then
 * new, RFC 1995 §4), so it ends at an SOA of the first serial in an odd place; an IXFR
 * whose first serial is not newer than the client's ends at once. false: rr cannot open a
 * transfer. */
static bool follow(struct xfr *x, const struct wire_rr *rr)
{
	bool soa = rr->type == DNS_TYPE_SOA && rr->rdlen >= SOA_TAIL;
	if (!x->started) {
		if (!soa)
			return false;
		x->started = true;
		x->first_serial = soa_serial(rr);
		/* RFC 1982: the server's serial is not after the client's */
		x->done = x->qtype == DNS_TYPE_IXFR && x->first_serial - x->serial - 1 >= 0x7fffffffu;
		return true;
	}
	if (soa && ++x->soas % 2 == 1 && soa_serial(rr) == x->first_serial)
		x->done = true;
	return true;
}

/* The records of one message, printed as d says, up to the closing SOA (with +yaml the
 * message was printed whole). false when the transfer cannot go on ("; Transfer failed."). */
static bool print_records(FILE *f, struct xfr *x, const struct wire_msg *m,
			  const struct qdig_display *d, char *line)
{
	if (m->rcode != DNS_RCODE_NOERROR)
		return false;
	for (uint16_t i = 0; i < m->n[WIRE_ANSWER] && !x->done; i++) {
		const struct wire_rr *rr = &m->rr[WIRE_ANSWER][i];
		bool first = !x->started;
		if (!follow(x, rr))
			return false;
		x->records++;
		/* +onesoa: an AXFR's closing SOA left out (an IXFR's SOAs are kept, as dig) */
		if (!d->answer || d->yaml || (d->onesoa && x->qtype == DNS_TYPE_AXFR && !first &&
				   rr->type == DNS_TYPE_SOA))
			continue;
		if (!d->short_form) {
			print_rr(f, rr, d);
			continue;
		}
		struct buf_out out;
		buf_out_init(&out, line, RDATA_TEXT_MAX);
		print_rdata(&out, rr, d);
		fprintf(f, "%.*s\n", (int)out.len, line);
	}
	return true;
}

/* +yaml: each message a document as dig's, without OPT or question; +onesoa leaves out an
 * AXFR's closing SOA, the last record of the message that ended it. */
static void print_yaml(FILE *f, const struct xfr *x, const struct wire_msg *m,
		       const struct qdig_display *d, const struct query_server *s, size_t len)
{
	struct qdig_display dy = *d;
	dy.comments = dy.question = false;
	struct yaml_reply y = { .server = s->text, .port = s->port, .tcp = true, .size = len,
				.sent_s = x->sent_s,
				.drop_last = d->onesoa && x->qtype == DNS_TYPE_AXFR && x->done };
	yaml_message(f, m, &dy, &y);
}

static void print_stats(FILE *f, const struct xfr *x, const struct query_server *s, bool usec)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	double ms = now_ms() - x->start_ms;
	strftime(when, sizeof(when), "%a %b %d %H:%M:%S %Z %Y", localtime_r(&now, &tm));
	if (usec)
		fprintf(f, ";; Query time: %.0f usec\n", ms * 1000);
	else
		fprintf(f, ";; Query time: %.0f msec\n", ms);
	fprintf(f, ";; SERVER: %s#%u(%s) (TCP)\n;; WHEN: %s\n", s->text, s->port, s->text, when);
	fprintf(f, ";; XFR size: %u records (messages %u, bytes %zu)\n\n", x->records, x->messages,
		x->bytes);
}

int xfr_print(FILE *f, struct xfr *x, const struct qdig_display *d, const struct query_server *s,
	      bool usec)
{
	char *line = malloc(RDATA_TEXT_MAX);
	const char *e = line ? NULL : "out of memory";
	bool failed = false;
	while (!e && !failed && !x->done && x->messages < XFR_LIMITS.messages) {
		size_t len;
		struct arena *a = arena_new();
		struct wire_msg m;
		if (!a)
			e = "out of memory";
		else if (!(e = read_message(x, &len)) &&
			 (wire_parse(x->msg, len, a, &m) != ERR_OK || m.id != x->id))
			e = "bad message";
		if (!e) {
			x->messages++;
			x->bytes += len;
			failed = !print_records(f, x, &m, d, line);
		}
		if (!e && d->yaml)
			print_yaml(f, x, &m, d, s, len);
		arena_free(a);
	}
	free(line);
	if (failed) {
		fputs("; Transfer failed.\n", f);
		return 0;
	}
	if (!x->done) {
		fprintf(f, ";; communications error to %s#%u: %s\n", s->text, s->port,
			e ? e : "too many messages");
		return 9;
	}
	if (d->stats && !d->short_form && !d->yaml)
		print_stats(f, x, s, usec);
	return 0;
}
