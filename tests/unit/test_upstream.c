/* tests/unit/test_upstream.c: resolver/upstream against a small responder on loopback.
 *
 * The responder lives in the same event loop: a UDP socket (and a TCP listener) on
 * 127.53.250.1 that answers each query by echoing it with QR set, sets TC for names starting
 * "tc", and stays silent for names starting "drop". It records the source port of each UDP
 * query, so the test can see that ports really vary (RFC 5452). Names starting "forge" get
 * five forged datagrams first (another ID, another name, empty, garbage, QR=0), then the
 * reply; "tccut" a TC=1 reply whose ANCOUNT promises 5 records it does not carry; "lower" a
 * reply whose question is lower-cased; "big" a reply of BIG_UDP bytes, or BIG_TCP over TCP;
 * "stall" over TCP is read and never answered; "noq" a reply without the question. A query
 * without a question gets one without either (the echo). The address each query came from
 * is kept in last_from.
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "check.h"
#include "dns.h"
#include "loop.h"
#include "rand.h"
#include "upstream.h"
#include "wire.h"

#define RESPONDER "127.53.250.1"
#define QUERIES 24

static struct loop *l;
static struct upstream *u;
static struct loop_fd udp, tcp_listen;
static struct sockaddr_in server;
static uint16_t ports[64];
static int nports;
static struct sockaddr_in last_from;

#define BIG_UDP 3000
#define BIG_TCP 60000

static bool starts(const uint8_t *q, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	if (n <= 13 + k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (name_fold(q[13 + i]) != prefix[i])
			return false;
	return true;
}

/* The reply to query q (n bytes) in out; returns its length. Padding after the question
 * makes a big reply: the transport reads it whole and leaves judging it to the iterator. */
static size_t reply_to(const uint8_t *q, size_t n, uint8_t *out, size_t big)
{
	memcpy(out, q, n);
	out[2] |= 0x80; /* QR */
	if (n > 13 && q[12] >= 2 && q[13] == 't' && q[14] == 'c')
		out[2] |= 0x02; /* TC */
	if (starts(q, n, "tccut"))
		out[7] = 5; /* ANCOUNT 5, and no record follows: cut short */
	if (starts(q, n, "lower"))
		for (size_t i = 13; i < n && out[i]; i++)
			out[i] = name_fold(out[i]);
	if (starts(q, n, "noq")) {
		out[4] = out[5] = 0; /* QDCOUNT 0, the question left out */
		return DNS_HEADER_SIZE;
	}
	if (starts(q, n, "big")) {
		memset(out + n, 0, big - n);
		return big;
	}
	return n;
}

static void forge(const uint8_t *q, size_t n, const struct sockaddr_in *to)
{
	uint8_t f[512];
	for (int k = 0; k < 5; k++) {
		size_t len = reply_to(q, n, f, 0);
		if (k == 0)
			f[1] ^= 1; /* another ID */
		else if (k == 1)
			f[14] ^= 1; /* another name: "forge" becomes "gorge" */
		else if (k == 2)
			len = 0;
		else if (k == 3)
			for (len = 0; len < 7; len++)
				f[len] = (uint8_t)rand_u16();
		else
			f[2] &= 0x7F; /* QR=0 */
		sendto(udp.fd, f, len, 0, (const struct sockaddr *)to, sizeof(*to));
	}
}

static void on_udp(void *arg, uint32_t ev)
{
	static uint8_t q[512], r[BIG_UDP];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	(void)arg;
	(void)ev;
	ssize_t n = recvfrom(udp.fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	if (n < DNS_HEADER_SIZE || starts(q, (size_t)n, "drop"))
		return;
	if (nports < 64)
		ports[nports++] = ntohs(from.sin_port);
	last_from = from;
	if (starts(q, (size_t)n, "forge"))
		forge(q, (size_t)n, &from);
	size_t len = reply_to(q, (size_t)n, r, BIG_UDP);
	sendto(udp.fd, r, len, 0, (struct sockaddr *)&from, fl);
}

/* TCP: one connection at a time, read when the loop says so (the upstream under test shares this loop). */
static struct loop_fd conn = { .fd = -1 };

static void on_conn(void *arg, uint32_t ev)
{
	static uint8_t buf[514], out[2 + BIG_TCP];
	(void)arg;
	(void)ev;
	ssize_t n = recv(conn.fd, buf, 2, MSG_WAITALL); /* the length, then the message */
	size_t want = n == 2 ? (size_t)(buf[0] << 8 | buf[1]) : 0;
	if (want > 0 && want <= 512 && recv(conn.fd, buf + 2, want, MSG_WAITALL) == (ssize_t)want)
		n = (ssize_t)want + 2;
	if (n > 2 + DNS_HEADER_SIZE && starts(buf + 2, (size_t)n - 2, "stall"))
		return; /* keeps the connection, says nothing */
	if (n >= 2 + DNS_HEADER_SIZE) {
		size_t len = reply_to(buf + 2, (size_t)n - 2, out + 2, BIG_TCP);
		out[4] &= (uint8_t)~0x02; /* never TC over TCP (flags: 2 bytes after the length) */
		out[0] = (uint8_t)(len >> 8);
		out[1] = (uint8_t)len;
		ssize_t w = write(conn.fd, out, len + 2);
		(void)w;
	}
	loop_unwatch(l, &conn);
	close(conn.fd);
	conn.fd = -1;
}

static void on_accept(void *arg, uint32_t ev)
{
	(void)arg;
	(void)ev;
	socklen_t fl = sizeof(last_from);
	int c = accept(tcp_listen.fd, (struct sockaddr *)&last_from, &fl);
	if (c < 0 || conn.fd >= 0) {
		if (c >= 0)
			close(c);
		return;
	}
	conn.fd = c;
	conn.fn = on_conn;
	loop_watch(l, &conn, EPOLLIN);
}

static size_t make_query(const char *name, uint8_t *buf)
{
	uint8_t wire[NAME_MAX_WIRE];
	size_t len;
	name_from_text(name, strlen(name), NULL, wire, &len);
	struct wire_builder b;
	wire_build_init(&b, buf, 512, rand_u16(), 0);
	wire_build_question(&b, wire, DNS_TYPE_A, DNS_CLASS_IN);
	return wire_build_finish(&b);
}

struct outcome {
	int calls;
	struct upstream_result r;
	uint16_t flags;
	int chain; /* sequential queries still to send from the callback */
};

static void on_result(void *arg, const struct upstream_result *r)
{
	struct outcome *o = arg;
	o->calls++;
	o->r = *r;
	o->flags = r->status == UPSTREAM_REPLY && r->len >= 4
			   ? (uint16_t)(r->reply[2] << 8 | r->reply[3]) : 0;
	if (o->chain > 0) {
		uint8_t q[512];
		o->chain--;
		size_t n = make_query("seq.example.", q);
		if (!upstream_send(u, (struct sockaddr *)&server, q, n, false, 1000, on_result, o))
			o->chain = -1000;
		return;
	}
	loop_stop(l);
}

/* Runs the loop until a callback stops it, or 3 s pass. */
static void run(void)
{
	struct loop_timer guard = { .fn = (void (*)(void *))loop_stop, .arg = l };
	loop_timer_set(l, &guard, loop_now_ms(l) + 3000);
	loop_run(l);
	loop_timer_cancel(l, &guard);
}

static void test_ports_vary(void)
{
	struct outcome o = { .chain = QUERIES - 1 };
	uint8_t q[512];
	size_t n = make_query("seq.example.", q);
	nports = 0;
	CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, false, 1000, on_result, &o));
	run();
	CHECKF(o.calls == QUERIES, "calls %d", o.calls);
	CHECK(o.r.status == UPSTREAM_REPLY);
	int distinct = 0;
	for (int i = 0; i < nports; i++) {
		bool seen = false;
		for (int k = 0; k < i; k++)
			seen |= ports[k] == ports[i];
		distinct += !seen;
	}
	int lo = 65535, hi = 0;
	for (int i = 0; i < nports; i++) {
		lo = ports[i] < lo ? ports[i] : lo;
		hi = ports[i] > hi ? ports[i] : hi;
	}
	printf("# %d distinct source ports in %d queries, from %d to %d\n", distinct, nports, lo, hi);
	CHECKF(distinct >= QUERIES - 1, "%d distinct source ports in %d queries", distinct, nports);
	struct upstream_stats st;
	upstream_stats(u, &st);
	CHECKF(st.sockets >= QUERIES, "%llu sockets", (unsigned long long)st.sockets);
}

static void one(const char *name, bool tcp, uint32_t timeout_ms, const struct sockaddr *to,
		struct outcome *o)
{
	uint8_t q[512];
	size_t n = make_query(name, q);
	memset(o, 0, sizeof(*o));
	CHECK(upstream_send(u, to, q, n, tcp, timeout_ms, on_result, o));
	run();
}

static void test_tc_then_tcp(void)
{
	struct outcome o;
	one("tc.example.", false, 1000, (struct sockaddr *)&server, &o);
	CHECK(o.calls == 1 && o.r.status == UPSTREAM_REPLY && !o.r.tcp);
	CHECK(o.flags & DNS_FLAG_TC); /* handed back as it came: the retry is the caller's */
	one("tc.example.", true, 1000, (struct sockaddr *)&server, &o);
	CHECKF(o.calls == 1 && o.r.status == UPSTREAM_REPLY && o.r.tcp, "calls %d status %d tcp %d %s", o.calls, o.r.status, o.r.tcp, o.r.error ? o.r.error : "");
	CHECK(!(o.flags & DNS_FLAG_TC));
}

/* A TC=1 reply cut short (its counts promise records that are not there) is still the reply:
 * the caller goes to TCP at once instead of waiting for a timeout. */
static void test_tc_cut_short(void)
{
	struct outcome o;
	one("tccut.example.", false, 1000, (struct sockaddr *)&server, &o);
	CHECKF(o.calls == 1 && o.r.status == UPSTREAM_REPLY && (o.flags & DNS_FLAG_TC),
	       "status %d after %u ms", o.r.status, o.r.rtt_ms);
}

static void test_timeout(void)
{
	struct outcome o;
	one("drop.example.", false, 150, (struct sockaddr *)&server, &o);
	CHECK(o.calls == 1 && o.r.status == UPSTREAM_TIMEOUT);
	CHECKF(o.r.rtt_ms >= 140 && o.r.rtt_ms < 1000, "gave up after %u ms", o.r.rtt_ms);
}

static void test_refused_port(void)
{
	struct sockaddr_in dead = server;
	dead.sin_port = htons(1); /* nothing listens on port 1 of this address */
	struct outcome o;
	one("x.example.", false, 2000, (struct sockaddr *)&dead, &o);
	CHECK(o.calls == 1 && o.r.status == UPSTREAM_FAILED);
	CHECKF(o.r.rtt_ms < 1000, "failed after %u ms", o.r.rtt_ms);
}

/* Forged datagrams on the query's socket are dropped and counted; the real reply still ends
 * the query (RFC 5452 §9.1), and nothing blocks on the way. */
static void test_forged_first(void)
{
	struct upstream_stats before, after;
	struct outcome o;
	upstream_stats(u, &before);
	one("forge.example.", false, 1000, (struct sockaddr *)&server, &o);
	upstream_stats(u, &after);
	CHECKF(o.calls == 1 && o.r.status == UPSTREAM_REPLY, "status %d %s", o.r.status,
	       o.r.error ? o.r.error : "");
	/* The empty datagram and the garbage are among them; all five are counted. */
	CHECKF(after.mismatched - before.mismatched == 5, "%llu dropped",
	       (unsigned long long)(after.mismatched - before.mismatched));
}

/* 0x20: a reply in another case than the query's is dropped, counted apart, and the query
 * gives up 100 ms later (not after its whole timeout) saying so; without the flag the same
 * reply is taken. */
static void test_case_mismatch(void)
{
	struct outcome o = { 0 };
	uint8_t q[512];
	size_t n = make_query("loWeR.example.", q);
	CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, UPSTREAM_0X20, 2000, on_result,
			    &o));
	run();
	CHECK(o.calls == 1 && o.r.status == UPSTREAM_TIMEOUT && o.r.case_mismatch);
	CHECKF(o.r.rtt_ms >= 90 && o.r.rtt_ms < 1000, "gave up after %u ms", o.r.rtt_ms);
	memset(&o, 0, sizeof(o));
	CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, 0, 200, on_result, &o));
	run();
	CHECK(o.calls == 1 && o.r.status == UPSTREAM_REPLY && !o.r.case_mismatch);
}

/* Replies come whole whatever their size: 3,000 bytes over UDP, 60,000 over TCP. */
static void test_big_replies(void)
{
	struct outcome o;
	one("big.example.", false, 1000, (struct sockaddr *)&server, &o);
	CHECKF(o.r.status == UPSTREAM_REPLY && o.r.len == BIG_UDP, "status %d, %zu bytes",
	       o.r.status, o.r.len);
	one("big.example.", true, 2000, (struct sockaddr *)&server, &o);
	CHECKF(o.r.status == UPSTREAM_REPLY && o.r.len == BIG_TCP, "status %d, %zu bytes",
	       o.r.status, o.r.len);
}

static void on_second(void *arg, const struct upstream_result *r)
{
	struct outcome *o = arg;
	o->calls++;
	o->r = *r;
}

/* A TCP server that reads and never answers costs its query the timeout; a UDP query sent
 * meanwhile is answered at once: the loop never waits on a socket. */
static void test_tcp_stall(void)
{
	struct outcome stalled = { 0 }, quick = { 0 };
	uint8_t q1[512], q2[512];
	size_t n1 = make_query("stall.example.", q1), n2 = make_query("quick.example.", q2);
	CHECK(upstream_send(u, (struct sockaddr *)&server, q1, n1, UPSTREAM_TCP, 400, on_result,
			    &stalled));
	CHECK(upstream_send(u, (struct sockaddr *)&server, q2, n2, 0, 1000, on_second, &quick));
	run();
	CHECK(stalled.calls == 1 && stalled.r.status == UPSTREAM_TIMEOUT);
	CHECK(quick.calls == 1 && quick.r.status == UPSTREAM_REPLY);
	CHECKF(quick.r.rtt_ms < 200, "the UDP reply took %u ms", quick.r.rtt_ms);
	if (conn.fd >= 0) { /* the responder lets the stalled connection go */
		loop_unwatch(l, &conn);
		close(conn.fd);
		conn.fd = -1;
	}
}

static void test_cancel(void)
{
	struct outcome o = { 0 };
	uint8_t q[512];
	size_t n = make_query("drop.example.", q);
	struct upstream_query *h =
		upstream_send(u, (struct sockaddr *)&server, q, n, false, 100, on_result, &o);
	CHECK(h != NULL);
	upstream_cancel(u, h);
	run(); /* only the guard timer ends it: no callback may come */
	CHECK(o.calls == 0);
}

/* +header-only (UPSTREAM_NO_QUESTION): a query without a question takes the reply without
 * one, over UDP and TCP; without the flag a reply without the question is dropped as ever
 * (the daemon's matching), and each flag refuses the other kind of packet. */
static void test_no_question(void)
{
	uint8_t q[512];
	struct wire_builder b;
	wire_build_init(&b, q, sizeof(q), rand_u16(), 0);
	size_t n = wire_build_finish(&b);
	for (unsigned tcp = 0; tcp <= UPSTREAM_TCP; tcp += UPSTREAM_TCP) {
		struct outcome o = { 0 };
		CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, tcp | UPSTREAM_NO_QUESTION,
				    1000, on_result, &o));
		run();
		CHECKF(o.calls == 1 && o.r.status == UPSTREAM_REPLY && o.r.len == DNS_HEADER_SIZE,
		       "tcp %u: status %d len %zu", tcp, o.r.status, o.r.len);
	}
	CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, 0, 1000, on_result, NULL) == NULL);
	struct upstream_stats before, after;
	struct outcome o;
	upstream_stats(u, &before);
	one("noq.example.", false, 200, (struct sockaddr *)&server, &o);
	upstream_stats(u, &after);
	CHECKF(o.calls == 1 && o.r.status == UPSTREAM_TIMEOUT, "status %d", o.r.status);
	CHECK(after.mismatched - before.mismatched == 1);
	one("noq.example.", true, 200, (struct sockaddr *)&server, &o);
	CHECKF(o.calls == 1 && o.r.status != UPSTREAM_REPLY, "tcp status %d", o.r.status);
	n = make_query("x.example.", q);
	CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, UPSTREAM_NO_QUESTION, 1000,
			    on_result, NULL) == NULL);
}

/* upstream_set_source: UDP and TCP queries leave from that address (and that port when one is
 * given); an address the machine does not have fails the send with EADDRNOTAVAIL. */
static void test_source(void)
{
	struct sockaddr_in src = { .sin_family = AF_INET };
	inet_pton(AF_INET, "127.53.250.9", &src.sin_addr);
	upstream_set_source(u, (struct sockaddr *)&src);
	struct outcome o;
	for (int tcp = 0; tcp <= 1; tcp++) {
		memset(&last_from, 0, sizeof(last_from));
		one("src.example.", tcp, 1000, (struct sockaddr *)&server, &o);
		CHECKF(o.r.status == UPSTREAM_REPLY &&
			       last_from.sin_addr.s_addr == src.sin_addr.s_addr,
		       "tcp %d: status %d", tcp, o.r.status);
	}
	src.sin_port = htons((uint16_t)(20000 + rand_below(30000)));
	upstream_set_source(u, (struct sockaddr *)&src);
	one("src.example.", false, 1000, (struct sockaddr *)&server, &o);
	CHECKF(o.r.status == UPSTREAM_REPLY && last_from.sin_port == src.sin_port, "port %u",
	       ntohs(last_from.sin_port));
	inet_pton(AF_INET, "192.0.2.1", &src.sin_addr); /* TEST-NET-1: on no interface here */
	upstream_set_source(u, (struct sockaddr *)&src);
	uint8_t q[512];
	size_t n = make_query("x.example.", q);
	for (unsigned tcp = 0; tcp <= UPSTREAM_TCP; tcp += UPSTREAM_TCP) {
		errno = 0;
		CHECK(upstream_send(u, (struct sockaddr *)&server, q, n, tcp, 1000, on_result, NULL) ==
		      NULL);
		CHECKF(errno == EADDRNOTAVAIL, "tcp %u: errno %d", tcp, errno);
	}
	upstream_set_source(u, NULL);
	one("src.example.", false, 1000, (struct sockaddr *)&server, &o);
	inet_pton(AF_INET, "127.53.250.9", &src.sin_addr);
	CHECK(o.r.status == UPSTREAM_REPLY && last_from.sin_addr.s_addr != src.sin_addr.s_addr);
}

static int bound_socket(int type)
{
	int s = socket(AF_INET, type, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&server, sizeof(server)) < 0)
		return -1;
	return s;
}

int main(void)
{
	l = loop_new();
	u = upstream_new(l, true);
	server.sin_family = AF_INET;
	inet_pton(AF_INET, RESPONDER, &server.sin_addr);
	udp.fd = -1;
	for (int i = 0; i < 20 && udp.fd < 0; i++) {
		server.sin_port = htons((uint16_t)(20000 + rand_below(30000)));
		udp.fd = bound_socket(SOCK_DGRAM);
		tcp_listen.fd = udp.fd < 0 ? -1 : bound_socket(SOCK_STREAM);
		if (tcp_listen.fd < 0 && udp.fd >= 0) {
			close(udp.fd);
			udp.fd = -1;
		}
	}
	if (udp.fd < 0 || listen(tcp_listen.fd, 8) < 0) {
		fprintf(stderr, "cannot bind the responder on %s\n", RESPONDER);
		return 1;
	}
	udp.fn = on_udp;
	tcp_listen.fn = on_accept;
	loop_watch(l, &udp, EPOLLIN);
	loop_watch(l, &tcp_listen, EPOLLIN);
	RUN(test_ports_vary);
	RUN(test_tc_then_tcp);
	RUN(test_tc_cut_short);
	RUN(test_timeout);
	RUN(test_refused_port);
	RUN(test_cancel);
	RUN(test_forged_first);
	RUN(test_case_mismatch);
	RUN(test_big_replies);
	RUN(test_tcp_stall);
	RUN(test_no_question);
	RUN(test_source);
	upstream_free(u);
	loop_unwatch(l, &udp);
	loop_unwatch(l, &tcp_listen);
	close(udp.fd);
	close(tcp_listen.fd);
	loop_free(l);
	return check_done();
}
