/* resolver/server/server.c: setting the service up and tearing it down: sockets, workers, threads,
 * configuration snapshots. The sockets' traffic is server_io.c's; answering server_query.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "server_priv.h"

#define EXPIRE_EVERY_MS 60000 /* how often worker 0 reclaims expired cache entries */
/* Connections the kernel completes before we accept them: a burst of clients (or a pause of
 * a few ms in the worker) must not cost a newcomer its SYN and a second of retransmission. */
#define TCP_BACKLOG 1024
#define SCRATCH_FIRST 65536   /* cache copies on the hit path; grows if an entry needs it */

static void snapshot_free(struct snapshot *snap)
{
	val_anchors_fini(&snap->anchors);
	config_free(snap->own);
	free(snap);
}

static void snapshot_reclaimed(struct reclaim_node *n)
{
	snapshot_free((struct snapshot *)n);
}

/* The DNSSEC side of a snapshot: the trust anchors read, the limits. false with the reason in
 * err when the anchor file does not read. */
static bool snapshot_dnssec(struct snapshot *snap, const struct config *cfg, char err[static 256])
{
	if (!cfg->dnssec.validate)
		return true;
	const char *file = cfg->dnssec.trust_anchor_file;
	if (file[0] && !val_anchors_load(&snap->anchors, file, err))
		return false;
	for (size_t i = 0; i < cfg->dnssec.n_negative; i++)
		val_anchors_add_negative(&snap->anchors, cfg->dnssec.negative[i]);
	snap->dnssec = (struct iter_dnssec){
		.anchors = &snap->anchors,
		.limits = cfg->dnssec.limits,
		.bogus_ttl_s = cfg->dnssec.bogus_ttl_s,
	};
	snap->env.dnssec = &snap->dnssec;
	return true;
}

static struct snapshot *snapshot_new(const struct config *cfg, struct server *s,
				     char err[static 256])
{
	struct snapshot *snap = calloc(1, sizeof(*snap));
	if (!snap) {
		snprintf(err, 256, "out of memory");
		return NULL;
	}
	snap->node.free = snapshot_reclaimed;
	snap->cfg = cfg;
	snap->env = (struct iter_env){
		.cache = s->cache,
		.infra = s->infra,
		.hints = &s->hints,
		.limits = cfg->limits,
		.upstream_port = cfg->resolver.upstream_port,
		.edns_size = cfg->resolver.edns_size,
		.query_special = cfg->resolver.query_special_addresses,
		.use_0x20 = cfg->resolver.use_0x20,
		.forward = &cfg->forwarding.forward,
		.stub = &cfg->forwarding.stub,
		.qmin = !cfg->resolver.qname_minimisation ? ITER_QMIN_OFF
			: cfg->resolver.qname_minimisation_strict ? ITER_QMIN_STRICT
								  : ITER_QMIN_RELAXED,
	};
	if (!snapshot_dnssec(snap, cfg, err)) {
		snapshot_free(snap);
		return NULL;
	}
	return snap;
}

static void addr_text(const struct sockaddr_storage *ss, uint16_t port, char *out, size_t cap)
{
	char a[INET6_ADDRSTRLEN] = "?";
	const void *p = ss->ss_family == AF_INET
				? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
				: (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	inet_ntop(ss->ss_family, p, a, sizeof(a));
	snprintf(out, cap, "%s#%u", a, port);
}

/* A socket bound to addr at port: UDP, or TCP listening. SO_REUSEPORT lets every worker bind
 * its own and the kernel spread clients over them. But it would also let a second resolverd
 * share the port in silence: so the first worker (probe set) first binds a plain socket,
 * which fails while anyone else holds the port. */
static int open_socket(const struct sockaddr_storage *addr, uint16_t port, int type, bool probe,
		       char err[static 256])
{
	struct sockaddr_storage ss = *addr;
	socklen_t len = sizeof(struct sockaddr_in6);
	if (ss.ss_family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_port = htons(port);
		len = sizeof(struct sockaddr_in);
	} else {
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
	}
	int one = 1;
	if (probe) {
		int p = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
		if (type == SOCK_STREAM) /* past connections in TIME_WAIT do not count */
			setsockopt(p, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ss.ss_family == AF_INET6)
			setsockopt(p, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		int rc = p < 0 ? -1 : bind(p, (struct sockaddr *)&ss, len);
		int e = errno;
		if (p >= 0)
			close(p);
		if (rc < 0) {
			errno = e;
			goto fail;
		}
	}
	int fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0 ||
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
			(ss.ss_family == AF_INET6 &&
			 setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
			bind(fd, (struct sockaddr *)&ss, len) < 0 ||
			(type == SOCK_STREAM && listen(fd, TCP_BACKLOG) < 0))) {
		int e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	if (fd >= 0)
		return fd;
fail:;
	char a[80];
	addr_text(addr, port, a, sizeof(a));
	snprintf(err, 256, "cannot listen on %s (%s): %s", a, type == SOCK_STREAM ? "TCP" : "UDP",
		 strerror(errno));
	return -1;
}

/* Opens the UDP and TCP listeners of one address for worker w. */
static bool listen_on(struct worker *w, const struct sockaddr_storage *addr, uint16_t port,
		      bool auth, char err[static 256])
{
	for (int k = 0; k < 2; k++) {
		int type = k ? SOCK_STREAM : SOCK_DGRAM;
		int fd = open_socket(addr, port, type, w->id == 0, err);
		if (fd < 0)
			return false;
		struct listener *l = &w->lis[w->n_lis++];
		*l = (struct listener){
			.lf = { .fn = k ? io_on_accept : io_on_udp, .arg = l, .fd = fd },
			.w = w,
			.kind = k ? LIS_TCP : LIS_UDP,
			.auth = auth,
			.local = *addr,
		};
		if (loop_watch(w->loop, &l->lf, EPOLLIN) < 0) {
			snprintf(err, 256, "epoll: %s", strerror(errno));
			return false;
		}
	}
	return true;
}

static void on_expire(void *arg)
{
	struct worker *w = arg;
	uint64_t now = loop_now_ms(w->loop);
	cache_expire(w->s->cache, (uint32_t)(now / 1000));
	reclaim_run(&w->s->reclaim, false); /* what the resolutions ended since the last reload */
	loop_timer_set(w->loop, &w->expire, now + EXPIRE_EVERY_MS);
}

/* A worker holds no snapshot or zone set of its own while it waits (server_priv.h). */
static void worker_on_wait(void *arg, bool waiting)
{
	struct worker *w = arg;
	if (waiting)
		reclaim_offline(&w->s->reclaim, w->id);
	else
		reclaim_online(&w->s->reclaim, w->id);
}

static bool worker_init(struct server *s, struct worker *w, unsigned id,
			const struct config *cfg, char err[static 256])
{
	size_t n_auth = 0;
	const struct zoneset *zones = atomic_load(&s->zones);
	const struct sockaddr_storage *auth =
		zones && id == 0 ? auth_addresses(zones->auth, &n_auth) : NULL;
	size_t n_rec = s->auth_only ? 0 : cfg->server.n_listen;
	w->s = s;
	w->id = id;
	w->loop = loop_new();
	w->up = w->loop ? upstream_new(w->loop, true) : NULL;
	w->lis = calloc(2 * (n_rec + n_auth), sizeof(*w->lis));
	w->scratch_cap = SCRATCH_FIRST;
	w->scratch = malloc(SCRATCH_FIRST);
	if (!w->loop || !w->up || !w->lis || !w->scratch) {
		snprintf(err, 256, "cannot set up worker %u: out of memory or descriptors", id);
		return false;
	}
	loop_on_wait(w->loop, worker_on_wait, w);
	for (size_t i = 0; i < n_rec; i++)
		if (!listen_on(w, &cfg->server.listen[i], cfg->server.port, false, err))
			return false;
	for (size_t i = 0; i < n_auth; i++)
		if (!listen_on(w, &auth[i], cfg->toy.port, true, err))
			return false;
	if (id == 0 && !s->auth_only) {
		w->expire = (struct loop_timer){ .fn = on_expire, .arg = w };
		loop_timer_set(w->loop, &w->expire, loop_now_ms(w->loop) + EXPIRE_EVERY_MS);
	}
	return true;
}

/* Tears a worker down in its own thread (or the main one, if it never started). */
static void worker_fini(struct worker *w)
{
	if (w->loop) {
		query_drop_all(w);
		io_close_all(w);
		/* What the cancellations and closes above deferred (freeing query state,
		 * resumes of closed connections) runs while the upstream and listeners exist. */
		loop_run_deferred(w->loop);
		upstream_free(w->up);
		for (size_t i = 0; i < w->n_lis; i++) {
			loop_unwatch(w->loop, &w->lis[i].lf);
			close(w->lis[i].lf.fd);
		}
		loop_free(w->loop);
	}
	free(w->lis);
	free(w->scratch);
	w->loop = NULL;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	loop_run(w->loop);
	worker_fini(w);
	reclaim_offline(&w->s->reclaim, w->id); /* loop_run returns online; it reads no more */
	return NULL;
}

static bool load_parts(struct server *s, const struct config *cfg, char err[static 256])
{
	s->cache = cache_new(&cfg->cache);
	s->infra = infra_new(cfg->resolver.first_timeout_ms);
	if (!s->cache || !s->infra) {
		snprintf(err, 256, "cannot make the cache (cache.size %zu): out of memory",
			 cfg->cache.size_bytes);
		return false;
	}
	if (!s->auth_only && !hints_load(cfg->resolver.root_hints, &s->hints, err))
		return false;
	if (!cfg->toy.map[0]) {
		if (s->auth_only)
			snprintf(err, 256, "--auth-only needs toy-internet.map in the configuration");
		return !s->auth_only;
	}
	return zones_load(s, cfg->toy.map, err);
}

bool server_new(const struct config *cfg, bool auth_only, struct server **out,
		char err[static 256])
{
	struct server *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, 256, "out of memory");
		return false;
	}
	s->auth_only = auth_only;
	struct snapshot *snap = NULL;
	if (!load_parts(s, cfg, err) || !(snap = snapshot_new(cfg, s, err)))
		goto fail;
	if (!auth_only && cfg->dnssec.validate && !snap->anchors.n)
		log_msg(LOG_WARN, "dnssec: no trust anchor (dnssec.trust-anchor-file): answers "
				  "are not validated");
	atomic_store(&s->snap, snap);
	s->n_workers = auth_only ? 1 : cfg->server.threads;
	s->workers = calloc(s->n_workers, sizeof(*s->workers));
	if (!s->workers || !reclaim_init(&s->reclaim, s->n_workers))
		goto fail;
	for (unsigned i = 0; i < s->n_workers; i++)
		if (!worker_init(s, &s->workers[i], i, cfg, err))
			goto fail;
	*out = s;
	return true;
fail:
	if (!err[0])
		snprintf(err, 256, "out of memory");
	server_free(s);
	return false;
}

bool server_start(struct server *s, char err[static 256])
{
	for (unsigned i = 0; i < s->n_workers; i++) {
		int rc = pthread_create(&s->workers[i].thread, NULL, worker_main, &s->workers[i]);
		if (rc != 0) {
			snprintf(err, 256, "cannot start worker %u: %s", i, strerror(rc));
			return false;
		}
		s->workers[i].started = true;
	}
	return true;
}

void server_stop(struct server *s)
{
	for (unsigned i = 0; i < s->n_workers; i++)
		if (s->workers[i].loop)
			loop_stop(s->workers[i].loop);
}

bool server_join(struct server *s, uint32_t timeout_ms)
{
	server_stop(s);
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until); /* pthread_timedjoin_np's clock */
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	bool all = true;
	for (unsigned i = 0; i < s->n_workers; i++) {
		struct worker *w = &s->workers[i];
		if (!w->started || w->joined)
			continue;
		if (pthread_timedjoin_np(w->thread, NULL, &until) == 0) {
			w->joined = true;
		} else {
			log_msg(LOG_ERROR, "worker %u did not stop within %u ms", i, timeout_ms);
			all = false;
		}
	}
	return all;
}

void server_free(struct server *s)
{
	if (!s)
		return;
	server_stop(s);
	for (unsigned i = 0; s->workers && i < s->n_workers; i++) {
		if (!s->workers[i].started)
			worker_fini(&s->workers[i]);
		else if (!s->workers[i].joined)
			pthread_join(s->workers[i].thread, NULL);
	}
	free(s->workers);
	reclaim_fini(&s->reclaim);
	struct snapshot *snap = atomic_load(&s->snap);
	if (snap)
		snapshot_free(snap);
	zones_free(s);
	cache_free(s->cache);
	infra_free(s->infra);
	free(s);
}

bool server_reload(struct server *s, struct config *cfg)
{
	struct snapshot *old = atomic_load(&s->snap);
	const struct config *was = old->cfg;
	if (cfg->server.n_listen != was->server.n_listen || cfg->server.port != was->server.port ||
	    memcmp(cfg->server.listen, was->server.listen,
		   cfg->server.n_listen * sizeof(cfg->server.listen[0])) != 0 ||
	    cfg->server.threads != was->server.threads ||
	    cfg->cache.size_bytes != was->cache.size_bytes ||
	    strcmp(cfg->toy.map, was->toy.map) != 0 || cfg->toy.port != was->toy.port)
		log_msg(LOG_WARN, "reload: listen addresses, port, threads, cache size and the toy "
				  "internet change only at restart");
	char err[256] = "";
	struct snapshot *snap = snapshot_new(cfg, s, err);
	if (!snap) {
		log_msg(LOG_ERROR, "reload failed, keeping the configuration in force: %s", err);
		return false;
	}
	snap->own = cfg;
	atomic_store(&s->snap, snap); /* seq_cst: reclaim.c says why */
	reclaim_retire(&s->reclaim, &old->node);
	reclaim_run(&s->reclaim, true);
	return true;
}

void server_stats(const struct server *s, struct server_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < s->n_workers; i++) {
		const struct worker_stats *w = &s->workers[i].st;
		out->queries += atomic_load(&w->queries);
		out->cache_hits += atomic_load(&w->cache_hits);
		out->resolutions += atomic_load(&w->resolutions);
		out->joined += atomic_load(&w->joined);
		out->refused += atomic_load(&w->refused);
		out->formerr += atomic_load(&w->formerr);
		out->dropped += atomic_load(&w->dropped);
		out->servfail += atomic_load(&w->servfail);
		out->upstream += atomic_load(&w->upstream);
		out->jostled += atomic_load(&w->jostled);
		out->timeouts += atomic_load(&w->timeouts);
		out->tcp_fallbacks += atomic_load(&w->tcp_fallbacks);
		out->latency_sum_ms += atomic_load(&w->latency_sum_ms);
		out->resolving += atomic_load(&s->workers[i].n_flights_seen);
		for (size_t k = 0; k <= SERVER_QTYPES; k++)
			out->qtype[k] += atomic_load(&w->qtype[k]);
		for (size_t k = 0; k < 16; k++)
			out->rcode[k] += atomic_load(&w->rcode[k]);
		for (size_t k = 0; k < SERVER_SERVFAIL_N; k++)
			out->servfail_why[k] += atomic_load(&w->servfail_why[k]);
		for (size_t k = 0; k <= SERVER_LATENCY_BUCKETS; k++)
			out->latency[k] += atomic_load(&w->latency[k]);
		if (s->workers[i].up) {
			struct upstream_stats us;
			upstream_stats(s->workers[i].up, &us);
			out->upstream_dropped += us.mismatched;
			out->in_flight += us.in_flight;
		}
	}
}

/* The types an operator sees most, and those DNSSEC adds. */
const uint16_t server_qtypes[SERVER_QTYPES] = {
	DNS_TYPE_A,     DNS_TYPE_NS,    DNS_TYPE_CNAME,  DNS_TYPE_SOA,  DNS_TYPE_PTR,   DNS_TYPE_MX,
	DNS_TYPE_TXT,   DNS_TYPE_AAAA,  DNS_TYPE_SRV,    DNS_TYPE_NAPTR, DNS_TYPE_DS,   DNS_TYPE_RRSIG,
	DNS_TYPE_DNSKEY, DNS_TYPE_SVCB, DNS_TYPE_HTTPS, DNS_TYPE_CAA,  DNS_TYPE_ANY,
};

/* From a cache hit (under 1 ms) to a resolution near its budget. */
const uint32_t server_latency_ms[SERVER_LATENCY_BUCKETS] = { 1, 5, 10, 25, 50, 100, 250, 1000,
							     5000 };

const char *server_rcode_name(unsigned rcode)
{
	static const char *const names[16] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
		"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "RCODE11", "RCODE12", "RCODE13",
		"RCODE14", "RCODE15",
	};
	return names[rcode & 15];
}

void server_addr_text(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	uint16_t port = ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
						  : ((const struct sockaddr_in *)ss)->sin_port;
	addr_text(ss, ntohs(port), out, cap);
}

const char *server_servfail_name(enum server_servfail why)
{
	static const char *const names[SERVER_SERVFAIL_N] = {
		[SERVER_SERVFAIL_LIMIT] = "limit",
		[SERVER_SERVFAIL_NO_SERVER] = "no-server",
		[SERVER_SERVFAIL_JOSTLED] = "jostled",
		[SERVER_SERVFAIL_OVERLOAD] = "overload",
		[SERVER_SERVFAIL_CACHE_ONLY] = "cache-only",
		[SERVER_SERVFAIL_BOGUS] = "dnssec-bogus",
		[SERVER_SERVFAIL_OTHER] = "other",
	};
	return why < SERVER_SERVFAIL_N ? names[why] : "other";
}

struct snapshot *server_hold(struct server *s)
{
	reclaim_enter(&s->reclaim);
	struct snapshot *snap = atomic_load(&s->snap);
	reclaim_hold(&snap->node);
	reclaim_leave(&s->reclaim);
	return snap;
}

void server_release(struct server *s, struct snapshot *snap)
{
	reclaim_drop(&snap->node);
	reclaim_run(&s->reclaim, true);
}

const struct config *server_snapshot_config(const struct snapshot *snap)
{
	return snap->cfg;
}

struct cache *server_cache(const struct server *s)
{
	return s->cache;
}

const struct iter_env *server_snapshot_env(const struct snapshot *snap)
{
	return &snap->env;
}
