/* resolver/server/server_io.c: the client sockets: UDP in batches, TCP connections (RFC 7766).
 *
 * UDP: recvmmsg reads up to UDP_BATCH datagrams; the replies that are ready at once go back
 * in one sendmmsg. TCP: each connection reads length-prefixed messages, several in a row
 * (pipelining), and queues replies in the order they are ready. It reads no further while
 * TCP_PIPELINE questions are in flight or TCP_OUT_MAX bytes of replies wait for a client that
 * does not read them; an idle timer (reset by reading and by replies going out) closes it. A
 * connection closed while resolutions still owe it replies stays allocated (closed) until the
 * last of them lets go of it, so no reply is ever written to a freed connection.
 *
 * Against clients that hold connections without asking (issue 11, RFC 7766 §6.2.3): a message
 * must arrive whole within tcp-message-timeout-ms of its first byte, whatever trickles in; one
 * client address holds at most tcp-max-per-client connections; and when every slot is taken,
 * the oldest idle connection (nothing in flight, nothing queued, its last question the
 * longest ago) is closed to admit the newcomer.
 *
 * Zone transfers (toy-internet addresses, resolver/auth/auth_xfr.c) send many messages for one
 * question. The first goes out as any reply; the others are made one by one when the socket
 * has room (EPOLLOUT), at most IO_XFR_LIMITS.per_turn per wakeup and none while queued_max bytes
 * wait unsent, so a big zone takes its turn with the worker's other clients and a client that
 * stops reading holds a bounded buffer until the idle timer closes it. No question of that
 * connection is read until its transfer has been sent.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "server_priv.h"

#define TCP_IN_CAP (2 + DNS_MSG_MAX)

const struct io_xfr_limits IO_XFR_LIMITS = {
	.concurrent = 16,
	.per_turn = 4,
	.queued_max = 65536,
};

/* ---- UDP ---- */

void io_on_udp(void *arg, uint32_t events)
{
	struct listener *lis = arg;
	static _Thread_local uint8_t in[UDP_BATCH][UDP_BUF], out[UDP_BATCH][UDP_BUF];
	static _Thread_local struct sockaddr_storage peers[UDP_BATCH];
	struct mmsghdr msgs[UDP_BATCH], replies[UDP_BATCH];
	struct iovec iov[UDP_BATCH], riov[UDP_BATCH];
	(void)events;
	for (int i = 0; i < UDP_BATCH; i++) {
		iov[i] = (struct iovec){ in[i], UDP_BUF };
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &peers[i],
						   .msg_namelen = sizeof(peers[i]),
						   .msg_iov = &iov[i],
						   .msg_iovlen = 1 };
	}
	int n = recvmmsg(lis->lf.fd, msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
	int nr = 0;
	for (int i = 0; i < n; i++) {
		struct client c = { .lis = lis, .peer = peers[i],
				    .peer_len = msgs[i].msg_hdr.msg_namelen };
		size_t len = query_handle(lis->w, &c, in[i], msgs[i].msg_len, out[nr], UDP_BUF);
		if (len == 0)
			continue;
		riov[nr] = (struct iovec){ out[nr], len };
		replies[nr].msg_hdr = (struct msghdr){ .msg_name = &peers[i],
						       .msg_namelen = c.peer_len,
						       .msg_iov = &riov[nr],
						       .msg_iovlen = 1 };
		nr++;
	}
	for (int sent = 0; sent < nr;) {
		int k = sendmmsg(lis->lf.fd, replies + sent, (unsigned)(nr - sent), MSG_DONTWAIT);
		if (k <= 0)
			break; /* a full socket buffer drops replies, as it drops datagrams */
		sent += k;
	}
}

/* ---- TCP ---- */

static void conn_free(void *arg)
{
	struct conn *c = arg;
	while (c->out_head) {
		struct outbuf *o = c->out_head;
		c->out_head = o->next;
		free(o);
	}
	free(c->in);
	free(c);
}

static void xfr_end(struct conn *c)
{
	free(c->xfr);
	c->xfr = NULL;
	reclaim_drop(&c->xfr_zones->node);
	c->xfr_zones = NULL;
	c->w->n_xfr--;
}

static void conn_close(struct conn *c)
{
	struct worker *w = c->w;
	if (c->closed)
		return;
	c->closed = true;
	if (c->xfr)
		xfr_end(c);
	loop_timer_cancel(w->loop, &c->idle);
	loop_timer_cancel(w->loop, &c->deadline);
	loop_unwatch(w->loop, &c->lf);
	close(c->lf.fd);
	c->lf.fd = -1;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	w->n_conns--;
	if (c->pending == 0 && !loop_defer(w->loop, conn_free, c))
		conn_free(c); /* no event of this batch can name it: its fd is unwatched */
}

static void serve(struct conn *c);

/* Deferred from io_conn_release: questions that waited in the input buffer while the
 * pipeline was full are taken now, rather than when the client sends more bytes. */
static void resume(void *arg)
{
	struct conn *c = arg;
	c->resuming = false;
	if (--c->pending == 0 && c->closed)
		conn_free(c); /* deferred calls run after the batch of events: none names it */
	else if (!c->closed)
		serve(c);
}

void io_conn_release(struct conn *c)
{
	if (--c->pending == 0 && c->closed) {
		loop_defer(c->w->loop, conn_free, c);
	} else if (!c->closed && !c->resuming && c->in_len >= 2 &&
		   loop_defer(c->w->loop, resume, c)) {
		c->resuming = true;
		c->pending++; /* holds the connection until resume runs */
	}
}

static void touch(struct conn *c)
{
	const struct snapshot *snap = atomic_load(&c->w->s->snap);
	loop_timer_set(c->w->loop, &c->idle,
		       loop_now_ms(c->w->loop) + snap->cfg->server.tcp_idle_timeout_ms);
}

/* Whether the connection may take another question: not while enough are in flight, nor
 * while the client leaves its replies unread (the queue would grow without end). */
static bool may_read(const struct conn *c)
{
	return !c->closed && !c->xfr && c->pending < TCP_PIPELINE && c->out_bytes < TCP_OUT_MAX;
}

/* Writes what is queued; watches for EPOLLOUT while some is left. */
static void flush(struct conn *c)
{
	while (c->out_head) {
		struct outbuf *o = c->out_head;
		ssize_t k = send(c->lf.fd, o->data + o->off, o->len - o->off, MSG_NOSIGNAL);
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (k < 0) {
			conn_close(c);
			return;
		}
		touch(c);
		o->off += (size_t)k;
		c->out_bytes -= (size_t)k;
		if (o->off < o->len)
			break;
		c->out_head = o->next;
		if (!c->out_head)
			c->out_tail = NULL;
		free(o);
	}
	uint32_t ev = (may_read(c) ? EPOLLIN : 0u) | (c->out_head || c->xfr ? EPOLLOUT : 0u);
	if (ev != c->events && loop_rewatch(c->w->loop, &c->lf, ev) == 0)
		c->events = ev;
}

static void queue(struct conn *c, const uint8_t *msg, size_t len)
{
	struct outbuf *o = malloc(sizeof(*o) + 2 + len);
	if (!o) {
		conn_close(c); /* a client that cannot get its reply should not wait for it */
		return;
	}
	o->next = NULL;
	o->off = 0;
	o->len = 2 + len;
	o->data[0] = (uint8_t)(len >> 8);
	o->data[1] = (uint8_t)len;
	memcpy(o->data + 2, msg, len);
	c->out_bytes += o->len;
	if (c->out_tail)
		c->out_tail->next = o;
	else
		c->out_head = o;
	c->out_tail = o;
}

void io_reply(struct worker *w, const struct client *c, const uint8_t *msg, size_t len)
{
	if (!c->conn) {
		sendto(c->lis->lf.fd, msg, len, MSG_DONTWAIT, (const struct sockaddr *)&c->peer,
		       c->peer_len);
		return;
	}
	(void)w;
	if (c->conn->closed)
		return;
	queue(c->conn, msg, len);
	if (!c->conn->closed) {
		touch(c->conn);
		flush(c->conn);
	}
}

/* Whether the input buffer begins with a message not yet whole. */
static bool partial(const struct conn *c)
{
	return c->in_len > 0 &&
	       (c->in_len < 2 || c->in_len - 2 < (size_t)(c->in[0] << 8 | c->in[1]));
}

/* Arms the whole-message deadline when a message has begun to arrive, from the moment it is
 * first seen (took: a message was just taken, so what follows began now); disarms it when no
 * message is partly read, or while we read nothing (questions in flight or replies unread up
 * to the limits): that wait is ours, not the client's. */
static void watch_partial(struct conn *c, bool took)
{
	struct loop *l = c->w->loop;
	bool running = partial(c) && may_read(c);
	if (took || !running)
		loop_timer_cancel(l, &c->deadline);
	if (running && !c->deadline.slot) {
		const struct snapshot *snap = atomic_load(&c->w->s->snap);
		loop_timer_set(l, &c->deadline,
			       loop_now_ms(l) + snap->cfg->server.tcp_message_timeout_ms);
	}
}

/* Answers every whole message in the input buffer. */
static void take_messages(struct conn *c)
{
	static _Thread_local uint8_t out[DNS_MSG_MAX];
	size_t at = 0;
	while (may_read(c) && c->in_len - at >= 2) {
		size_t len = (size_t)(c->in[at] << 8 | c->in[at + 1]);
		if (c->in_len - at - 2 < len)
			break;
		struct client cl = { .lis = c->lis, .peer = c->peer, .conn = c };
		size_t n = query_handle(c->w, &cl, c->in + at + 2, len, out, sizeof(out));
		at += 2 + len;
		c->last_question_ms = loop_now_ms(c->w->loop);
		if (n)
			queue(c, out, n);
	}
	memmove(c->in, c->in + at, c->in_len - at);
	c->in_len -= at;
	if (!c->closed)
		watch_partial(c, at > 0);
}

/* A transfer's next messages, this wakeup's share of them. */
static void xfr_feed(struct conn *c)
{
	static _Thread_local uint8_t msg[DNS_MSG_MAX];
	for (unsigned i = 0; c->xfr && !c->closed && i < IO_XFR_LIMITS.per_turn &&
			     c->out_bytes < IO_XFR_LIMITS.queued_max;
	     i++) {
		size_t n = auth_xfr_next(c->xfr, msg, sizeof(msg));
		if (n)
			queue(c, msg, n);
		if (c->xfr && auth_xfr_done(c->xfr))
			xfr_end(c);
	}
}

size_t io_xfr_start(struct worker *w, const struct client *c, const struct wire_query *q,
		    const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	struct auth_xfr x;
	struct zoneset *z = atomic_load(&w->s->zones);
	auth_xfr_start(z->auth, (const struct sockaddr *)&c->lis->local,
		       (const struct sockaddr *)&c->peer, c->conn != NULL,
		       w->n_xfr >= IO_XFR_LIMITS.concurrent, q, pkt, len, &x);
	size_t n = auth_xfr_next(&x, out, cap);
	if (!c->conn || auth_xfr_done(&x))
		return n;
	if (!(c->conn->xfr = malloc(sizeof(x)))) {
		conn_close(c->conn); /* better no transfer than a cut one */
		return 0;
	}
	*c->conn->xfr = x;
	c->conn->xfr_zones = z; /* its messages point into z's zones: held until xfr_end */
	reclaim_hold(&z->node);
	w->n_xfr++;
	return n;
}

/* Sends what can go (which may make room for more questions), takes the questions that
 * may be taken, and sends their replies. A transfer in progress gets its turn first. */
static void serve(struct conn *c)
{
	xfr_feed(c);
	flush(c);
	if (!c->closed)
		take_messages(c);
	if (!c->closed)
		flush(c);
}

static void on_conn(void *arg, uint32_t events)
{
	struct conn *c = arg;
	if (c->closed)
		return;
	/* A full buffer holds whole questions waiting their turn: read nothing (recv would
	 * return 0, which means the end of the stream), unless the client is gone. */
	if ((events & (EPOLLHUP | EPOLLERR)) && c->in_len == TCP_IN_CAP) {
		conn_close(c);
		return;
	}
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c->in_len < TCP_IN_CAP) {
		ssize_t k = recv(c->lf.fd, c->in + c->in_len, TCP_IN_CAP - c->in_len, MSG_DONTWAIT);
		if (k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
			conn_close(c);
			return;
		}
		if (k > 0) {
			c->in_len += (size_t)k;
			touch(c);
		}
	}
	serve(c);
}

/* RFC 7766 §6.2.3: the server closes idle connections, and ones whose client has read
 * nothing of its replies for as long. Replies still owed by resolutions keep it open. */
static void on_idle(void *arg)
{
	struct conn *c = arg;
	if (c->pending == 0)
		conn_close(c);
	else
		touch(c);
}

/* The message deadline passed with the message still partial: a slow sender. */
static void on_deadline(void *arg)
{
	struct conn *c = arg;
	log_msg(LOG_DEBUG, "TCP client closed: a message not whole within the deadline");
	conn_close(c);
}

static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
}

/* Whether a connection from peer may open: under the per-client cap (not on toy-internet
 * addresses, whose clients are resolvers, this one included, all from one address), and with
 * a free slot, made by closing the oldest idle connection when every one is taken (RFC 7766
 * §6.2.3). One pass over the connections, at most tcp-max-connections, per one accepted. */
static bool admit(struct worker *w, const struct listener *lis,
		  const struct sockaddr_storage *peer, const struct config *cfg)
{
	struct conn *oldest = NULL;
	unsigned same = 0;
	for (struct conn *c = w->conns; c; c = c->next) {
		same += same_host(&c->peer, peer);
		if (c->pending == 0 && !c->out_head && !c->xfr &&
		    (!oldest || c->last_question_ms <= oldest->last_question_ms))
			oldest = c;
	}
	if (!lis->auth && same >= cfg->server.tcp_max_per_client)
		return false;
	if (w->n_conns < cfg->server.tcp_max_connections)
		return true;
	if (!oldest)
		return false;
	log_msg(LOG_DEBUG, "TCP connections all taken: closing the oldest idle one");
	conn_close(oldest);
	return true;
}

void io_on_accept(void *arg, uint32_t events)
{
	struct listener *lis = arg;
	struct worker *w = lis->w;
	const struct snapshot *snap = atomic_load(&w->s->snap);
	(void)events;
	for (int i = 0; i < 16; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(lis->lf.fd, (struct sockaddr *)&peer, &plen,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct conn *c = admit(w, lis, &peer, snap->cfg) ? calloc(1, sizeof(*c)) : NULL;
		if (c)
			c->in = malloc(TCP_IN_CAP);
		if (!c || !c->in) {
			close(fd); /* over a cap (or out of memory): RFC 7766 §6.2.2 */
			free(c);
			continue;
		}
		c->w = w;
		c->lis = lis;
		c->peer = peer;
		c->lf = (struct loop_fd){ .fn = on_conn, .arg = c, .fd = fd };
		c->idle = (struct loop_timer){ .fn = on_idle, .arg = c };
		c->deadline = (struct loop_timer){ .fn = on_deadline, .arg = c };
		c->last_question_ms = loop_now_ms(w->loop);
		c->events = EPOLLIN;
		if (loop_watch(w->loop, &c->lf, c->events) < 0) {
			close(fd);
			conn_free(c);
			continue;
		}
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
		w->n_conns++;
		touch(c);
	}
}

void io_close_all(struct worker *w)
{
	while (w->conns) {
		/* The resolutions are gone already (query_drop_all); a deferred resume may still
		 * hold it, and frees it when it runs (loop_free runs what is deferred). */
		conn_close(w->conns);
	}
}
