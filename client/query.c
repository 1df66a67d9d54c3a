/* client/query.c: one blocking exchange with one server through c-ares.
 * SPDX-License-Identifier: MIT
 */
#include "query.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void set_text(struct query_server *s)
{
	const void *a = s->addr.ss_family == AF_INET
				? (const void *)&((struct sockaddr_in *)&s->addr)->sin_addr
				: (const void *)&((struct sockaddr_in6 *)&s->addr)->sin6_addr;
	inet_ntop(s->addr.ss_family, a, s->text, sizeof(s->text));
}

bool query_server_set(struct query_server *s, const char *host, uint16_t port,
		      char err[static 256])
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM }, *res;
	memset(s, 0, sizeof(*s));
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, 256, "cannot find server '%s': %s", host, gai_strerror(rc));
		return false;
	}
	memcpy(&s->addr, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	s->port = port;
	set_text(s);
	return true;
}

bool query_server_default(struct query_server *s, const char *resolv_conf, uint16_t port,
			  char err[static 256])
{
	char line[512], addr[256] = "127.0.0.1";
	FILE *f = fopen(resolv_conf, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %255s", addr) == 1)
			break;
	}
	if (f)
		fclose(f);
	return query_server_set(s, addr, port, err);
}

struct waiter {
	struct query_result *r;
	bool done;
};

static void on_reply(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct waiter *w = arg;
	(void)timeouts;
	w->done = true;
	if (status == ARES_SUCCESS && abuf && alen > 0) {
		w->r->status = QUERY_OK;
		w->r->len = (size_t)alen;
		memcpy(w->r->reply, abuf, (size_t)alen);
		return;
	}
	w->r->status = status == ARES_ETIMEOUT ? QUERY_TIMEOUT : QUERY_FAILED;
	snprintf(w->r->error, sizeof(w->r->error), "%s",
		 status == ARES_ETIMEOUT ? "timed out" : ares_strerror(status));
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Drives c-ares until the query is answered or given up. */
static void wait_for(ares_channel ch, const struct waiter *w)
{
	while (!w->done) {
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		/* The bit masks by hand: ARES_GETSOCK_WRITABLE shifts 1 into the sign bit. */
		unsigned bits = (unsigned)ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
		struct pollfd pfd[ARES_GETSOCK_MAXNUM];
		nfds_t n = 0;
		for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = (short)((bits & 1u << i ? POLLIN : 0) |
					   (bits & 1u << (i + ARES_GETSOCK_MAXNUM) ? POLLOUT : 0));
			if (ev) {
				pfd[n].fd = socks[i];
				pfd[n].events = ev;
				n++;
			}
		}
		struct timeval tv, *tvp = ares_timeout(ch, NULL, &tv);
		int ms = tvp ? (int)(tvp->tv_sec * 1000 + tvp->tv_usec / 1000) + 1 : 1000;
		poll(pfd, n, ms);
		for (nfds_t i = 0; i < n; i++) {
			ares_socket_t rd = pfd[i].revents & (POLLIN | POLLERR | POLLHUP)
						   ? pfd[i].fd : ARES_SOCKET_BAD;
			ares_socket_t wr = pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD;
			if (rd != ARES_SOCKET_BAD || wr != ARES_SOCKET_BAD)
				ares_process_fd(ch, rd, wr);
		}
		ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD); /* timeouts */
	}
}

static bool set_server(ares_channel ch, const struct query_server *s, struct query_result *r)
{
	struct ares_addr_port_node node = { .family = s->addr.ss_family,
					    .udp_port = s->port,
					    .tcp_port = s->port };
	if (s->addr.ss_family == AF_INET)
		node.addr.addr4 = ((const struct sockaddr_in *)&s->addr)->sin_addr;
	else
		memcpy(&node.addr.addr6, &((const struct sockaddr_in6 *)&s->addr)->sin6_addr, 16);
	int rc = ares_set_servers_ports(ch, &node);
	if (rc != ARES_SUCCESS)
		snprintf(r->error, sizeof(r->error), "c-ares: %s", ares_strerror(rc));
	return rc == ARES_SUCCESS;
}

bool query_send(const struct query_server *s, const uint8_t *pkt, size_t len, bool tcp,
		unsigned timeout_ms, unsigned tries, struct query_result *r)
{
	struct ares_options opt = {
		.flags = ARES_FLAG_IGNTC | ARES_FLAG_NOCHECKRESP | ARES_FLAG_PRIMARY |
			 (tcp ? ARES_FLAG_USEVC : 0),
		.timeout = (int)timeout_ms,
		.tries = (int)tries,
	};
	ares_channel ch;
	r->status = QUERY_FAILED;
	r->len = 0;
	r->error[0] = 0;
	int rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc == ARES_SUCCESS)
		rc = ares_init_options(&ch, &opt,
				       ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		snprintf(r->error, sizeof(r->error), "c-ares: %s", ares_strerror(rc));
		return false;
	}
	bool ok = set_server(ch, s, r);
	if (ok) {
		struct waiter w = { .r = r };
		double start = now_ms();
		ares_send(ch, pkt, (int)len, on_reply, &w);
		wait_for(ch, &w);
		r->ms = now_ms() - start;
	}
	ares_destroy(ch);
	ares_library_cleanup();
	return ok;
}
