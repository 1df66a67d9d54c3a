/* resolver/ctl/metrics.c: the Prometheus endpoint over libmicrohttpd (see metrics.h).
 * SPDX-License-Identifier: MIT
 */
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

struct metrics {
	struct server *s;
	struct MHD_Daemon *d;
};

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, const char *type,
			      char *body, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	enum MHD_Result res = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct metrics *m = cls;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain",
			      strdup("only GET\n"), 9);
	if (strcmp(url, "/metrics") != 0)
		return answer(conn, MHD_HTTP_NOT_FOUND, "text/plain",
			      strdup("not found: the counters are at /metrics\n"), 40);
	struct stats_all st;
	stats_collect(m->s, &st);
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f)
		return MHD_NO;
	stats_prometheus(&st, f);
	fclose(f);
	return answer(conn, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, len);
}

bool metrics_start(struct server *s, const struct config *cfg, struct metrics **out,
		   char err[static 256])
{
	struct metrics *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, 256, "metrics: out of memory");
		return false;
	}
	m->s = s;
	const struct sockaddr_storage *ss = &cfg->metrics.listen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->d = MHD_start_daemon(flags, cfg->metrics.port, NULL, NULL, on_request, m,
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_CONNS_MAX,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_TIMEOUT_S,
				MHD_OPTION_END);
	if (!m->d) {
		char a[INET6_ADDRSTRLEN + 8];
		server_addr_text(ss, a, sizeof(a));
		snprintf(err, 256, "metrics: cannot serve on %s: %s", a, strerror(errno));
		free(m);
		return false;
	}
	*out = m;
	return true;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->d);
	free(m);
}
