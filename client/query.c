/* client/query.c: one exchange with one server, waited for: resolver/iter/upstream.c's transport
 * (the daemon's own) driven by a loop of its own until the reply, a failure or the last try.
 * SPDX-License-Identifier: MIT
 */
#include "query.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <sys/time.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "loop.h"
#include "upstream.h"

static void set_text(struct query_server *s)
{
	const void *a = s->addr.ss_family == AF_INET
				? (const void *)&((struct sockaddr_in *)&s->addr)->sin_addr
				: (const void *)&((struct sockaddr_in6 *)&s->addr)->sin6_addr;
	inet_ntop(s->addr.ss_family, a, s->text, sizeof(s->text));
}

unsigned query_server_all(struct query_server *out, unsigned max, const char *host,
			  uint16_t port, int family, char err[static 256])
{
	struct addrinfo hints = { .ai_family = family == 4   ? AF_INET
					       : family == 6 ? AF_INET6
							     : AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM },
			*res;
	uint8_t lit[16];
	bool v4 = inet_pton(AF_INET, host, lit) == 1, v6 = inet_pton(AF_INET6, host, lit) == 1;
	int rc = (v4 && family == 6) || (v6 && family == 4) ? EAI_ADDRFAMILY
							    : getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0) { /* dig's words for each (BIND's result texts) */
		snprintf(err, 256, "couldn't get address for '%.190s': %s", host,
			 rc == EAI_ADDRFAMILY || rc == EAI_FAMILY ? "address family not supported"
			 : rc == EAI_NONAME			  ? "not found"
								  : "failure");
		return 0;
	}
	unsigned n = 0;
	for (struct addrinfo *a = res; a && n < max; a = a->ai_next) {
		memset(&out[n], 0, sizeof(out[n]));
		memcpy(&out[n].addr, a->ai_addr, a->ai_addrlen);
		out[n].port = port;
		set_text(&out[n]);
		n++;
	}
	freeaddrinfo(res);
	return n;
}

bool query_server_set(struct query_server *s, const char *host, uint16_t port, int family,
		      char err[static 256])
{
	return query_server_all(s, 1, host, port, family, err) == 1;
}

bool query_server_default(struct query_server *s, const char *resolv_conf, uint16_t port,
			  int family, char err[static 256])
{
	char line[512], addr[256] = "127.0.0.1";
	FILE *f = fopen(resolv_conf, "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, " nameserver %255s", addr) == 1)
			break;
	}
	if (f)
		fclose(f);
	return query_server_set(s, addr, port, family, err);
}

void query_search_read(struct query_search *s, const char *resolv_conf)
{
	char line[1024];
	memset(s, 0, sizeof(*s));
	s->ndots = 1;
	FILE *f = fopen(resolv_conf, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *save, *w = strtok_r(line, " \t\r\n", &save);
		if (!w)
			continue;
		bool search = strcmp(w, "search") == 0, domain = strcmp(w, "domain") == 0;
		if (search || domain)
			s->n = 0;
		while ((search || domain) && s->n < QUERY_SEARCH_MAX &&
		       (w = strtok_r(NULL, " \t\r\n", &save)) && strlen(w) < sizeof(s->domain[0])) {
			strcpy(s->domain[s->n++], w);
			if (domain)
				break;
		}
		unsigned nd;
		if (strcmp(w ? w : "", "options") == 0)
			while ((w = strtok_r(NULL, " \t\r\n", &save)))
				if (sscanf(w, "ndots:%u", &nd) == 1)
					s->ndots = nd > 15 ? 15 : nd; /* glibc's cap */
	}
	if (f)
		fclose(f);
}

struct waiter {
	struct loop *l;
	struct query_result *r;
	bool done, timed_out;
};

static void on_result(void *arg, const struct upstream_result *res)
{
	struct waiter *w = arg;
	struct query_result *r = w->r;
	w->done = true;
	w->timed_out = res->status == UPSTREAM_TIMEOUT;
	loop_stop(w->l);
	if (res->status == UPSTREAM_REPLY && res->len <= sizeof(r->reply)) {
		r->status = QUERY_OK;
		r->len = res->len;
		memcpy(r->reply, res->reply, res->len);
		return;
	}
	r->status = w->timed_out ? QUERY_TIMEOUT : QUERY_FAILED;
	snprintf(r->error, sizeof(r->error), "%s", res->error ? res->error : "failed");
}

/* A try whose socket could not be bound (-b), in BIND's words as dig prints them; false when
 * the failure was another (e is 0, or not a binding error). */
static bool setup_failed(struct query_result *r, int e)
{
	if (e != EADDRNOTAVAIL && e != EADDRINUSE && e != EACCES)
		return false;
	snprintf(r->error, sizeof(r->error), "%s",
		 e == EADDRNOTAVAIL ? "address not available"
		 : e == EADDRINUSE  ? "address in use"
				    : "permission denied");
	r->setup_failed = true;
	r->timed_out[r->failures++] = false;
	return true;
}

bool query_send(const struct query_server *s, const uint8_t *pkt, size_t len, bool tcp,
		unsigned timeout_ms, unsigned tries, struct query_result *r)
{
	struct sockaddr_storage to = s->addr;
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(s->port);
	else
		((struct sockaddr_in6 *)&to)->sin6_port = htons(s->port);
	r->status = QUERY_FAILED;
	r->len = 0;
	r->error[0] = 0;
	r->failures = 0;
	r->setup_failed = false;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	r->sent_s = (double)tv.tv_sec + tv.tv_usec / 1e6;
	struct loop *l = loop_new();
	struct upstream *u = l ? upstream_new(l, true) : NULL;
	if (!u) {
		snprintf(r->error, sizeof(r->error), "cannot set up: out of memory or descriptors");
		loop_free(l);
		return false;
	}
	upstream_set_source(u, s->source.ss_family ? (const struct sockaddr *)&s->source : NULL);
	unsigned flags = (tcp ? UPSTREAM_TCP : 0) |
			 (len >= DNS_HEADER_SIZE && !pkt[4] && !pkt[5] ? UPSTREAM_NO_QUESTION : 0);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Each try is a new query with its own port (over TCP a new connection), as dig's. */
	for (unsigned i = 0; i < (tries ? tries : 1) && i < QUERY_TRIES_MAX; i++) {
		struct waiter w = { .l = l, .r = r };
		if (!upstream_send(u, (struct sockaddr *)&to, pkt, len, flags, timeout_ms, on_result,
				   &w)) {
			r->status = QUERY_FAILED;
			if (setup_failed(r, errno))
				continue;
			snprintf(r->error, sizeof(r->error), "cannot send to %s: no route, or out of sockets",
				 s->text);
			break;
		}
		while (!w.done)
			loop_run(l);
		if (r->status == QUERY_OK)
			break;
		r->timed_out[r->failures++] = w.timed_out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	upstream_free(u);
	loop_free(l);
	return true;
}
