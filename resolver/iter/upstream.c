/* resolver/iter/upstream.c: one query to one server over non-blocking sockets, driven by the
 * worker's epoll loop.
 *
 * A query owns one socket. UDP: bound to a random port, connected, one datagram out, then
 * every datagram that comes is read (a bounded number per wakeup) and matched against the
 * query; only the matching one ends it. TCP: connect in progress, then the length-prefixed
 * query written (partial writes resumed), then the two-byte length and the reply read as
 * they come, into a buffer of exactly that length. One timer per query bounds all of it.
 *
 * Why not c-ares here: c-ares 1.18 keeps one socket per server per channel and its own
 * retries, compares the question without regard to case and drops a mismatch without a
 * word, and a channel costs about 75 KB. A resolver needs a fresh port per query, exact
 * 0x20 matching, counted drops and a few hundred bytes per query: this file is that, and
 * nothing more. qdig sends its queries through it too (client/query.c).
 *
 * A query's struct is freed after the current wakeup (loop_defer), because epoll may still
 * hold an event for its socket in the batch being handled.
 *
 * SPDX-License-Identifier: MIT
 */
#include "upstream.h"

#include <errno.h>
#include <stdatomic.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "dns.h"
#include "rand.h"
#include "wire.h"

#define PORT_TRIES 16      /* random ports tried before leaving it to the kernel */
#define UDP_READS 16       /* datagrams read per wakeup: a flood of forgeries cannot pin us */
#define UDP_MAX 65535      /* the largest datagram read whole */
#define CASE_GRACE_MS 100  /* after a reply in the wrong case (0x20), how much longer the real
			      one may take: a server that does not keep case is then found out
			      at once, not after a whole timeout */

enum phase { P_UDP, P_CONNECT, P_WRITE, P_READ_LEN, P_READ_MSG, P_DONE };

struct upstream_query {
	struct upstream *u;
	struct loop_fd lf;
	struct loop_timer timer;
	upstream_cb cb;
	void *arg;
	uint64_t sent_ms;
	enum phase phase;
	unsigned flags;
	bool case_mismatch;
	/* what the reply must repeat */
	uint16_t id, qtype, qclass;
	uint8_t qname[NAME_MAX_WIRE];
	/* TCP: the reply coming in, and the query going out */
	size_t out_len, off;
	uint8_t len_buf[2];
	uint8_t *in;
	size_t in_len;
	struct upstream_query *prev, *next; /* every query in flight, for upstream_free */
	uint8_t out[];                      /* two length bytes, then the query */
};

struct upstream {
	struct loop *l;
	bool port_random;
	struct upstream_query *all;
	struct sockaddr_storage source; /* upstream_set_source; family 0: none */
	uint8_t *buf; /* one datagram being matched (UDP_MAX bytes) */
	/* Counters: written by the loop's thread, read by any (upstream_stats). */
	struct {
		atomic_uint_fast64_t sent, replies, timeouts, failures, sockets, mismatched,
			case_dropped, in_flight;
		_Atomic uint16_t last_port;
	} st;
};

#define COUNT(u, field) atomic_fetch_add_explicit(&(u)->st.field, 1, memory_order_relaxed)

static socklen_t addr_len(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
}

static uint16_t *port_of(struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET ? &((struct sockaddr_in *)ss)->sin_port
					: &((struct sockaddr_in6 *)ss)->sin6_port;
}

struct upstream *upstream_new(struct loop *l, bool port_random)
{
	struct upstream *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->buf = malloc(UDP_MAX);
	if (!u->buf) {
		free(u);
		return NULL;
	}
	u->l = l;
	u->port_random = port_random;
	return u;
}

void upstream_set_source(struct upstream *u, const struct sockaddr *src)
{
	memset(&u->source, 0, sizeof(u->source));
	if (src && (src->sa_family == AF_INET || src->sa_family == AF_INET6))
		memcpy(&u->source, src, addr_len(src));
}

static void query_free(void *arg)
{
	struct upstream_query *q = arg;
	free(q->in);
	free(q);
}

/* Closes q's socket and unlinks it; the struct itself goes after this wakeup. */
static void query_end(struct upstream_query *q)
{
	struct upstream *u = q->u;
	loop_timer_cancel(u->l, &q->timer);
	if (q->lf.fd >= 0) {
		loop_unwatch(u->l, &q->lf);
		close(q->lf.fd);
		q->lf.fd = -1;
	}
	q->phase = P_DONE;
	if (q->prev)
		q->prev->next = q->next;
	else
		u->all = q->next;
	if (q->next)
		q->next->prev = q->prev;
	atomic_fetch_sub_explicit(&u->st.in_flight, 1, memory_order_relaxed);
	/* Out of memory for the deferral: q cannot be freed safely now, and is left (leaked). */
	loop_defer(u->l, query_free, q);
}

void upstream_free(struct upstream *u)
{
	if (!u)
		return;
	while (u->all) { /* no wakeup is in progress: the structs can go at once */
		struct upstream_query *q = u->all;
		u->all = q->next;
		loop_timer_cancel(u->l, &q->timer);
		loop_unwatch(u->l, &q->lf);
		close(q->lf.fd);
		query_free(q);
	}
	free(u->buf);
	free(u);
}

/* Ends q and reports r to its caller. */
static void finish(struct upstream_query *q, struct upstream_result *r)
{
	struct upstream *u = q->u;
	upstream_cb cb = q->cb;
	void *arg = q->arg;
	r->rtt_ms = (uint32_t)(loop_clock_ms() - q->sent_ms);
	r->tcp = q->flags & UPSTREAM_TCP;
	r->case_mismatch = q->case_mismatch;
	if (r->status == UPSTREAM_REPLY)
		COUNT(u, replies);
	else if (r->status == UPSTREAM_TIMEOUT)
		COUNT(u, timeouts);
	else
		COUNT(u, failures);
	query_end(q);
	cb(arg, r);
}

static void fail(struct upstream_query *q, enum upstream_status status, const char *why)
{
	struct upstream_result r = { .status = status, .error = why };
	finish(q, &r);
}

static const char *errno_text(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return "connection refused";
	case ECONNRESET:
		return "connection reset";
	case ENETUNREACH:
		return "network unreachable";
	case EHOSTUNREACH:
		return "host unreachable";
	case EADDRNOTAVAIL:
		return "address not available";
	case EPIPE:
		return "connection closed";
	default:
		return "socket error";
	}
}

/* ---- matching (RFC 5452 §9.1) ---- */

enum match { M_YES, M_NO, M_CASE };

static enum match match(const struct upstream_query *q, const uint8_t *msg, size_t len)
{
	struct wire_query r;
	wire_parse_head(msg, len, &r); /* what follows the question is the iterator's to judge */
	if (len < DNS_HEADER_SIZE || r.id != q->id || !(r.flags & DNS_FLAG_QR))
		return M_NO;
	if (q->flags & UPSTREAM_NO_QUESTION)
		return r.counts[0] == 0 ? M_YES : M_NO;
	if (!r.has_question) /* TC=1 without a question, as some servers send: goes to TCP */
		return r.counts[0] == 0 && (r.flags & DNS_FLAG_TC) && !(q->flags & UPSTREAM_TCP)
			       ? M_YES
			       : M_NO;
	if (r.q.type != q->qtype || r.q.rclass != q->qclass || !name_equal(r.q.name, q->qname))
		return M_NO;
	if ((q->flags & UPSTREAM_0X20) && memcmp(r.q.name, q->qname, name_len(q->qname)) != 0)
		return M_CASE;
	return M_YES;
}

/* ---- UDP ---- */

/* Binds s to from's address and a random port; false when no port could be had. */
static bool bind_random(struct upstream *u, int s, const struct sockaddr_storage *from)
{
	for (int i = 0; u->port_random && i < PORT_TRIES; i++) {
		uint16_t port = (uint16_t)(1024 + rand_below(65536 - 1024));
		struct sockaddr_storage ss = *from;
		*port_of(&ss) = htons(port);
		if (bind(s, (struct sockaddr *)&ss, addr_len((struct sockaddr *)&ss)) == 0) {
			atomic_store_explicit(&u->st.last_port, port, memory_order_relaxed);
			return true;
		}
		if (errno != EADDRINUSE)
			return false;
	}
	return false;
}

/* Binds s for a query to a server of family: to the source address when one of that family
 * is set (with its port, or for UDP a random one), else UDP to a random port and TCP not at
 * all (the kernel's choice). false when the source cannot be bound, errno saying why. */
static bool bind_source(struct upstream *u, int s, int family, bool tcp)
{
	bool source = u->source.ss_family == family;
	struct sockaddr_storage from = { .ss_family = (sa_family_t)family };
	if (source)
		from = u->source;
	if (!tcp && *port_of(&from) == 0 && bind_random(u, s, &from))
		return true;
	int one = 1; /* a TCP port given again at once is still in TIME_WAIT from the last try */
	if (source && tcp && *port_of(&from))
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	return !source || bind(s, (struct sockaddr *)&from, addr_len((struct sockaddr *)&from)) == 0;
}

static void on_udp(struct upstream_query *q)
{
	struct upstream *u = q->u;
	for (int i = 0; i < UDP_READS; i++) {
		ssize_t n = recv(q->lf.fd, u->buf, UDP_MAX, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			fail(q, UPSTREAM_FAILED, errno_text(errno));
			return;
		}
		enum match m = match(q, u->buf, (size_t)n);
		if (m == M_YES) {
			struct upstream_result r = { .status = UPSTREAM_REPLY,
						     .reply = u->buf,
						     .len = (size_t)n };
			finish(q, &r);
			return;
		}
		COUNT(u, mismatched);
		if (m == M_CASE) {
			uint64_t due = loop_now_ms(u->l) + CASE_GRACE_MS;
			COUNT(u, case_dropped);
			q->case_mismatch = true;
			if (due < q->timer.due_ms)
				loop_timer_set(u->l, &q->timer, due);
		}
	}
}

/* ---- TCP ---- */

static void tcp_write(struct upstream_query *q)
{
	while (q->off < q->out_len) {
		ssize_t n = send(q->lf.fd, q->out + q->off, q->out_len - q->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			fail(q, UPSTREAM_FAILED, errno_text(errno));
			return;
		}
		q->off += (size_t)n;
	}
	q->phase = P_READ_LEN;
	q->off = 0;
	if (loop_rewatch(q->u->l, &q->lf, EPOLLIN) < 0)
		fail(q, UPSTREAM_FAILED, "cannot watch the socket");
}

/* Reads into dst[off..want); true when complete, false when more must come or when q has
 * failed (EOF or an error): either way the caller returns. */
static bool tcp_fill(struct upstream_query *q, uint8_t *dst, size_t want)
{
	while (q->off < want) {
		ssize_t n = recv(q->lf.fd, dst + q->off, want - q->off, 0);
		if (n == 0) {
			fail(q, UPSTREAM_FAILED, "connection closed before the whole reply");
			return false;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				fail(q, UPSTREAM_FAILED, errno_text(errno));
			return false;
		}
		q->off += (size_t)n;
	}
	return true;
}

static void tcp_read(struct upstream_query *q)
{
	if (q->phase == P_READ_LEN) {
		if (!tcp_fill(q, q->len_buf, 2))
			return;
		q->in_len = (size_t)q->len_buf[0] << 8 | q->len_buf[1];
		q->off = 0;
		if (q->in_len < DNS_HEADER_SIZE) {
			fail(q, UPSTREAM_FAILED, "TCP reply shorter than a header");
			return;
		}
		q->in = malloc(q->in_len);
		if (!q->in) {
			fail(q, UPSTREAM_FAILED, "out of memory");
			return;
		}
		q->phase = P_READ_MSG;
	}
	if (!tcp_fill(q, q->in, q->in_len))
		return;
	if (match(q, q->in, q->in_len) != M_YES) {
		/* Not the reply: drop it and read on, as over UDP; the timer still bounds it. */
		COUNT(q->u, mismatched);
		free(q->in);
		q->in = NULL;
		q->off = 0;
		q->phase = P_READ_LEN;
		return;
	}
	struct upstream_result r = { .status = UPSTREAM_REPLY, .reply = q->in, .len = q->in_len };
	finish(q, &r);
}

static void on_tcp(struct upstream_query *q, uint32_t events)
{
	if (q->phase == P_CONNECT) {
		int err = 0;
		socklen_t el = sizeof(err);
		if (getsockopt(q->lf.fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err) {
			fail(q, UPSTREAM_FAILED, errno_text(err));
			return;
		}
		q->phase = P_WRITE;
	}
	if (q->phase == P_WRITE) {
		tcp_write(q);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		tcp_read(q);
}

static void on_socket(void *arg, uint32_t events)
{
	struct upstream_query *q = arg;
	if (q->phase == P_DONE)
		return;
	if (q->phase == P_UDP)
		on_udp(q);
	else
		on_tcp(q, events);
}

static void on_timeout(void *arg)
{
	struct upstream_query *q = arg;
	static const char *const why[] = {
		[P_UDP] = "timed out",
		[P_CONNECT] = "timed out connecting over TCP",
		[P_WRITE] = "timed out sending over TCP",
		[P_READ_LEN] = "timed out waiting for the TCP reply",
		[P_READ_MSG] = "timed out inside the TCP reply",
	};
	fail(q, UPSTREAM_TIMEOUT, why[q->phase]);
}

/* ---- one query ---- */

/* Opens, binds and connects q's socket; false when the query cannot start at all. */
static bool open_socket(struct upstream *u, struct upstream_query *q, const struct sockaddr *sa)
{
	bool tcp = q->flags & UPSTREAM_TCP;
	int s = socket(sa->sa_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       0);
	if (s < 0)
		return false;
	q->lf.fd = s;
	if (!tcp)
		COUNT(u, sockets);
	if (!bind_source(u, s, sa->sa_family, tcp))
		return false;
	/* A UDP connect fails only locally (no route to the server, as for IPv6 glue on a host
	 * without IPv6): the query then cannot start, and the caller tries another server. */
	if (connect(s, sa, addr_len(sa)) < 0 && !(tcp && errno == EINPROGRESS))
		return false;
	q->phase = tcp ? P_CONNECT : P_UDP;
	return loop_watch(u->l, &q->lf, tcp ? EPOLLOUT : EPOLLIN) == 0;
}

struct upstream_query *upstream_send(struct upstream *u, const struct sockaddr *server,
				     const uint8_t *pkt, size_t len, unsigned flags,
				     uint32_t timeout_ms, upstream_cb cb, void *arg)
{
	struct wire_query wq;
	errno = 0;
	if ((server->sa_family != AF_INET && server->sa_family != AF_INET6) || len > 65535 ||
	    wire_parse_head(pkt, len, &wq) != ERR_OK ||
	    wq.has_question == !!(flags & UPSTREAM_NO_QUESTION))
		return NULL;
	struct upstream_query *q = calloc(1, sizeof(*q) + 2 + len);
	if (!q)
		return NULL;
	q->u = u;
	q->lf = (struct loop_fd){ .fn = on_socket, .arg = q, .fd = -1 };
	q->timer = (struct loop_timer){ .fn = on_timeout, .arg = q };
	q->cb = cb;
	q->arg = arg;
	q->flags = flags;
	q->id = wq.id;
	q->qtype = wq.q.type;
	q->qclass = wq.q.rclass;
	memcpy(q->qname, wq.q.name, wq.qname_len);
	q->out[0] = (uint8_t)(len >> 8);
	q->out[1] = (uint8_t)len;
	memcpy(q->out + 2, pkt, len);
	q->out_len = len + 2;
	q->sent_ms = loop_clock_ms();
	if (!open_socket(u, q, server) ||
	    !loop_timer_set(u->l, &q->timer, loop_now_ms(u->l) + timeout_ms) ||
	    (!(flags & UPSTREAM_TCP) && send(q->lf.fd, pkt, len, 0) < 0 && errno != EAGAIN)) {
		int why = errno;
		loop_timer_cancel(u->l, &q->timer);
		if (q->lf.fd >= 0) {
			loop_unwatch(u->l, &q->lf); /* harmless when it was never watched */
			close(q->lf.fd);
		}
		free(q);
		errno = why;
		return NULL;
	}
	q->next = u->all;
	if (u->all)
		u->all->prev = q;
	u->all = q;
	COUNT(u, sent);
	COUNT(u, in_flight);
	return q;
}

void upstream_cancel(struct upstream *u, struct upstream_query *q)
{
	(void)u;
	query_end(q);
}

void upstream_stats(const struct upstream *u, struct upstream_stats *out)
{
	out->sent = atomic_load_explicit(&u->st.sent, memory_order_relaxed);
	out->replies = atomic_load_explicit(&u->st.replies, memory_order_relaxed);
	out->timeouts = atomic_load_explicit(&u->st.timeouts, memory_order_relaxed);
	out->failures = atomic_load_explicit(&u->st.failures, memory_order_relaxed);
	out->sockets = atomic_load_explicit(&u->st.sockets, memory_order_relaxed);
	out->mismatched = atomic_load_explicit(&u->st.mismatched, memory_order_relaxed);
	out->case_dropped = atomic_load_explicit(&u->st.case_dropped, memory_order_relaxed);
	out->in_flight = atomic_load_explicit(&u->st.in_flight, memory_order_relaxed);
	out->last_port = atomic_load_explicit(&u->st.last_port, memory_order_relaxed);
}
