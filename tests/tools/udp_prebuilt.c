/* tests/tools/udp_prebuilt.c: the benchmarks' floor: a UDP DNS server that does nothing but
 * answer, from one pre-built answer record.
 *
 * It reads queries in batches (recvmmsg) and sends the replies in batches (sendmmsg), one
 * thread, one socket, as resolverd's hit path does. A reply is the query's header and question
 * (so its ID and the question's case come back as they were asked), QR, RA and ANCOUNT=1 set,
 * then the same A record for every name, pointing at the question's name. A query that is not
 * one plain question (QDCOUNT 1, nothing after it) gets FORMERR. No parsing of the name, no
 * cache, no lock: what remains is the cost of the sockets, which a resolver cannot go below.
 *
 *   udp_prebuilt ADDR PORT      runs until SIGTERM or SIGINT
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "dns.h"

#define BATCH 32 /* as UDP_BATCH in resolver/server/server_priv.h */
#define BUF 4096 /* as UDP_BUF there */

/* NAME (a pointer to the question), A, IN, TTL 3600, 4 bytes: 127.54.255.254. */
static const uint8_t answer_rr[] = {0xc0, 0x0c, 0, 1, 0,   1,  0,   0,
                                    0x0e, 0x10, 0, 4, 127, 54, 255, 254};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The reply to one query into out; 0 to drop it. */
static size_t reply(const uint8_t *q, size_t len, uint8_t *out)
{
	struct buf_in in;
	buf_in_init(&in, q, len);
	uint16_t id = buf_get_u16(&in), flags = buf_get_u16(&in), qd = buf_get_u16(&in);
	uint16_t an = buf_get_u16(&in), ns = buf_get_u16(&in), ar = buf_get_u16(&in);
	if (in.err != ERR_OK || (flags & DNS_FLAG_QR))
		return 0;
	bool plain = qd == 1 && an == 0 && ns == 0 && ar == 0 && len > DNS_HEADER_SIZE + 4 &&
	             len + sizeof(answer_rr) <= BUF;
	uint16_t f = (uint16_t)(DNS_FLAG_QR | DNS_FLAG_RA | (flags & DNS_FLAG_RD) |
	                        (plain ? DNS_RCODE_NOERROR : DNS_RCODE_FORMERR));
	const uint8_t head[DNS_HEADER_SIZE] = {(uint8_t)(id >> 8),
	                                       (uint8_t)id,
	                                       (uint8_t)(f >> 8),
	                                       (uint8_t)f,
	                                       0,
	                                       plain,
	                                       0,
	                                       plain,
	                                       0,
	                                       0,
	                                       0,
	                                       0};
	memcpy(out, head, sizeof(head));
	if (!plain)
		return DNS_HEADER_SIZE;
	memcpy(out + DNS_HEADER_SIZE, q + DNS_HEADER_SIZE, len - DNS_HEADER_SIZE);
	memcpy(out + len, answer_rr, sizeof(answer_rr));
	return len + sizeof(answer_rr);
}

/* Answers every query waiting on fd, a batch at a time. */
static void serve_batch(int fd)
{
	static uint8_t in[BATCH][BUF], out[BATCH][BUF];
	static struct sockaddr_storage peers[BATCH];
	struct mmsghdr msgs[BATCH], replies[BATCH];
	struct iovec iov[BATCH], riov[BATCH];
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){in[i], BUF};
		msgs[i].msg_hdr = (struct msghdr){.msg_name = &peers[i],
		                                  .msg_namelen = sizeof(peers[i]),
		                                  .msg_iov = &iov[i],
		                                  .msg_iovlen = 1};
	}
	int n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
	int nr = 0;
	for (int i = 0; i < n; i++) {
		size_t len = reply(in[i], msgs[i].msg_len, out[nr]);
		if (len == 0)
			continue;
		riov[nr] = (struct iovec){out[nr], len};
		replies[nr].msg_hdr = (struct msghdr){.msg_name = &peers[i],
		                                      .msg_namelen = msgs[i].msg_hdr.msg_namelen,
		                                      .msg_iov = &riov[nr],
		                                      .msg_iovlen = 1};
		nr++;
	}
	for (int sent = 0; sent < nr;) {
		int k = sendmmsg(fd, replies + sent, (unsigned)(nr - sent), MSG_DONTWAIT);
		if (k <= 0)
			break;
		sent += k;
	}
}

static int open_socket(const char *addr, const char *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "udp_prebuilt: %s#%s: %s\n", addr, port, strerror(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: udp_prebuilt ADDR PORT\n");
		return 2;
	}
	int fd = open_socket(argv[1], argv[2]);
	/* Waits in epoll as resolverd's loop does, so both pay the same for waking up. */
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN};
	struct sigaction sa = {.sa_handler = on_signal};
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		return 1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop) {
		struct epoll_event got;
		if (epoll_wait(ep, &got, 1, 1000) > 0)
			serve_batch(fd);
	}
	return 0;
}
