/* resolver/upstream.c: one query to one server through a pooled c-ares channel, driven by
 * the worker's epoll loop.
 *
 * A channel carries one query at a time. When the query ends, c-ares (not STAYOPEN) closes
 * the channel's sockets because it has no query left, so the next query on it opens a new
 * socket: with our socket functions, that socket is bound to a fresh random port. The channel
 * goes back to the pool only after the callback has returned (loop_defer), so a query sent
 * from inside a callback never lands on the channel that is still closing.
 *
 * SPDX-License-Identifier: MIT
 */
#include "upstream.h"

#include <ares.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rand.h"

#define UPSTREAM_MAX_CHANNELS 4096 /* queries in flight per worker; bounds memory and fds */
#define ARES_TIMEOUT_MS 60000      /* c-ares's own timer never fires first: ours decides */
#define PORT_TRIES 16              /* random ports tried before leaving it to the kernel */

struct upstream_query {
	struct upstream *u;
	ares_channel ch;
	struct sock {
		struct loop_fd lf;
		struct upstream_query *q;
	} fds[2]; /* c-ares uses at most a UDP and a TCP socket per server */
	struct loop_timer timer;
	upstream_cb cb;
	void *arg;
	uint64_t sent_ms;
	bool tcp, busy, timed_out, cancelled;
	bool in_send, failed_in_send; /* c-ares may fail a query inside ares_send itself */
	struct upstream_query *next_free; /* in the pool */
	struct upstream_query *next_all;  /* every channel, for upstream_free */
};

struct upstream {
	struct loop *l;
	bool port_random;
	bool closing; /* upstream_free is destroying channels: callbacks are moot */
	struct upstream_query *free[2]; /* pools of idle channels: [0] UDP, [1] TCP */
	struct upstream_query *all;
	size_t channels;
	struct upstream_stats st;
};

/* ---- socket functions: a random source port for each UDP socket ---- */

static ares_socket_t sock_open(int domain, int type, int protocol, void *data)
{
	struct upstream *u = data;
	int s = socket(domain, type | SOCK_CLOEXEC, protocol);
	if (s < 0 || type != SOCK_DGRAM)
		return s;
	u->st.sockets++;
	for (int i = 0; u->port_random && i < PORT_TRIES; i++) {
		uint16_t port = (uint16_t)(1024 + rand_below(65536 - 1024));
		struct sockaddr_storage ss = { .ss_family = (sa_family_t)domain };
		socklen_t len;
		if (domain == AF_INET) {
			((struct sockaddr_in *)&ss)->sin_port = htons(port);
			len = sizeof(struct sockaddr_in);
		} else {
			((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
			len = sizeof(struct sockaddr_in6);
		}
		if (bind(s, (struct sockaddr *)&ss, len) == 0) {
			u->st.last_port = port;
			break;
		}
		if (errno != EADDRINUSE)
			break;
	}
	return s;
}

static int sock_close(ares_socket_t s, void *data)
{
	(void)data;
	return close(s);
}

static int sock_connect(ares_socket_t s, const struct sockaddr *sa, ares_socklen_t len,
			void *data)
{
	(void)data;
	return connect(s, sa, len);
}

static ares_ssize_t sock_recvfrom(ares_socket_t s, void *buf, size_t len, int flags,
				  struct sockaddr *from, ares_socklen_t *from_len, void *data)
{
	(void)data;
	return recvfrom(s, buf, len, flags, from, from_len);
}

static ares_ssize_t sock_sendv(ares_socket_t s, const struct iovec *iov, int n, void *data)
{
	(void)data;
	return writev(s, iov, n);
}

static const struct ares_socket_functions sock_funcs = {
	sock_open, sock_close, sock_connect, sock_recvfrom, sock_sendv,
};

/* ---- c-ares sockets in the epoll loop ---- */

static void on_socket(void *arg, uint32_t events)
{
	struct sock *sk = arg;
	int fd = sk->lf.fd;
	ares_process_fd(sk->q->ch, events & (EPOLLIN | EPOLLERR | EPOLLHUP) ? fd : ARES_SOCKET_BAD,
			events & EPOLLOUT ? fd : ARES_SOCKET_BAD);
}

/* c-ares says which of its sockets to watch for what; 0/0 means the socket is going. */
static void sock_state(void *data, ares_socket_t s, int readable, int writable)
{
	struct upstream_query *q = data;
	struct loop *l = q->u->l;
	uint32_t ev = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	int slot = q->fds[0].lf.fd == s ? 0 : q->fds[1].lf.fd == s ? 1 : -1;
	if (slot < 0 && ev) {
		slot = q->fds[0].lf.fd < 0 ? 0 : 1;
		q->fds[slot].lf.fd = s;
		if (loop_watch(l, &q->fds[slot].lf, ev) < 0)
			q->fds[slot].lf.fd = -1; /* unwatched: the query will time out */
		return;
	}
	if (slot < 0)
		return;
	if (ev) {
		loop_rewatch(l, &q->fds[slot].lf, ev);
	} else {
		loop_unwatch(l, &q->fds[slot].lf);
		q->fds[slot].lf.fd = -1;
	}
}

/* ---- the channel pool ---- */

static struct upstream_query *channel_new(struct upstream *u, bool tcp)
{
	struct upstream_query *q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	struct ares_options opt = {
		.flags = ARES_FLAG_IGNTC | ARES_FLAG_NOCHECKRESP | ARES_FLAG_PRIMARY |
			 ARES_FLAG_NOSEARCH | (tcp ? ARES_FLAG_USEVC : 0),
		.timeout = ARES_TIMEOUT_MS,
		.tries = 1,
		.sock_state_cb = sock_state,
		.sock_state_cb_data = q,
		.ndomains = 0,
		.lookups = (char *)"b",
	};
	int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
		   ARES_OPT_DOMAINS | ARES_OPT_LOOKUPS;
	if (ares_init_options(&q->ch, &opt, mask) != ARES_SUCCESS) {
		free(q);
		return NULL;
	}
	ares_set_socket_functions(q->ch, &sock_funcs, u);
	q->u = u;
	q->tcp = tcp;
	for (int i = 0; i < 2; i++) {
		q->fds[i].lf.fd = -1;
		q->fds[i].lf.fn = on_socket;
		q->fds[i].lf.arg = &q->fds[i];
		q->fds[i].q = q;
	}
	u->channels++;
	q->next_all = u->all;
	u->all = q;
	return q;
}

static void channel_free(struct upstream_query *q)
{
	ares_destroy(q->ch); /* closes its sockets through sock_state */
	free(q);
}

static void release(void *arg)
{
	struct upstream_query *q = arg;
	q->busy = false;
	q->next_free = q->u->free[q->tcp];
	q->u->free[q->tcp] = q;
}

struct upstream *upstream_new(struct loop *l, bool port_random)
{
	if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
		return NULL;
	struct upstream *u = calloc(1, sizeof(*u));
	if (!u) {
		ares_library_cleanup();
		return NULL;
	}
	u->l = l;
	u->port_random = port_random;
	return u;
}

void upstream_free(struct upstream *u)
{
	if (!u)
		return;
	u->closing = true;
	while (u->all) {
		struct upstream_query *q = u->all;
		u->all = q->next_all;
		loop_timer_cancel(u->l, &q->timer);
		channel_free(q);
	}
	free(u);
	ares_library_cleanup();
}

/* ---- one query ---- */

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct upstream_query *q = arg;
	struct upstream *u = q->u;
	(void)timeouts;
	if (u->closing)
		return;
	loop_timer_cancel(u->l, &q->timer);
	if (!loop_defer(u->l, release, q))
		q->busy = true; /* cannot recycle it safely: leave it out of the pool */
	if (q->in_send)
		q->failed_in_send = true; /* upstream_send returns NULL: no callback */
	if (q->cancelled || q->in_send)
		return;
	uint64_t now = loop_clock_ms();
	struct upstream_result r = {
		.rtt_ms = (uint32_t)(now - q->sent_ms),
		.tcp = q->tcp,
	};
	if (q->timed_out) {
		r.status = UPSTREAM_TIMEOUT;
		r.error = "timed out";
		u->st.timeouts++;
	} else if (status == ARES_SUCCESS && abuf && alen > 0) {
		r.status = UPSTREAM_REPLY;
		r.reply = abuf;
		r.len = (size_t)alen;
		u->st.replies++;
	} else {
		r.status = status == ARES_ETIMEOUT ? UPSTREAM_TIMEOUT : UPSTREAM_FAILED;
		r.error = status == ARES_ECONNREFUSED ? "connection refused" : ares_strerror(status);
		u->st.failures++;
	}
	q->cb(q->arg, &r);
}

static void on_timeout(void *arg)
{
	struct upstream_query *q = arg;
	q->timed_out = true;
	ares_cancel(q->ch); /* calls on_reply with ARES_ECANCELLED */
}

static bool set_server(ares_channel ch, const struct sockaddr *sa)
{
	struct ares_addr_port_node node = { .family = sa->sa_family };
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		node.addr.addr4 = in->sin_addr;
		node.udp_port = node.tcp_port = ntohs(in->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		memcpy(&node.addr.addr6, &in6->sin6_addr, sizeof(in6->sin6_addr));
		node.udp_port = node.tcp_port = ntohs(in6->sin6_port);
	} else {
		return false;
	}
	return ares_set_servers_ports(ch, &node) == ARES_SUCCESS;
}

struct upstream_query *upstream_send(struct upstream *u, const struct sockaddr *server,
				     const uint8_t *pkt, size_t len, bool tcp,
				     uint32_t timeout_ms, upstream_cb cb, void *arg)
{
	struct upstream_query *q = u->free[tcp];
	if (q) {
		u->free[tcp] = q->next_free;
	} else {
		if (u->channels >= UPSTREAM_MAX_CHANNELS)
			return NULL;
		q = channel_new(u, tcp);
		if (!q)
			return NULL;
	}
	q->busy = true;
	if (!set_server(q->ch, server) || len > 65535) {
		release(q);
		return NULL;
	}
	q->cb = cb;
	q->arg = arg;
	q->timed_out = q->cancelled = false;
	q->timer.fn = on_timeout;
	q->timer.arg = q;
	q->sent_ms = loop_clock_ms();
	if (!loop_timer_set(u->l, &q->timer, loop_now_ms(u->l) + timeout_ms)) {
		release(q);
		return NULL;
	}
	u->st.sent++;
	q->in_send = true;
	q->failed_in_send = false;
	ares_send(q->ch, pkt, (int)len, on_reply, q);
	q->in_send = false;
	return q->failed_in_send ? NULL : q;
}

void upstream_cancel(struct upstream *u, struct upstream_query *q)
{
	(void)u;
	q->cancelled = true;
	ares_cancel(q->ch);
}

void upstream_stats(const struct upstream *u, struct upstream_stats *out)
{
	*out = u->st;
}
