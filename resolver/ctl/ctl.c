/* resolver/ctl/ctl.c: the control socket's thread: accepting, checking the peer, reading one
 * request line, answering it (see ctl.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "ctl.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_cmd.h"
#include "ctl_trace.h"
#include "log.h"
#include "loop.h"
#include "upstream.h"

#define CTL_BACKLOG 16
#define PEER_GROUPS_MAX 256 /* supplementary groups read of a peer */

struct conn {
	struct loop_fd lf;
	struct ctl *c;
	struct loop_timer deadline;
	char in[CTL_REQUEST_MAX + 1];
	size_t in_len;
	bool request_done;      /* the line came: no more reading */
	char *out;              /* the reply, from open_memstream */
	size_t out_len, out_off;
	struct ctl_trace *trace; /* a trace in flight */
	struct snapshot *snap;   /* the configuration the trace runs under, held until the end */
	struct ctl_cmd cmd;
	char refused[128];       /* not empty: the peer may not use the socket, and why */
	struct conn *prev, *next;
};

struct ctl {
	struct ctl_ctx x;
	struct loop *loop;
	struct upstream *up;
	struct loop_fd listen;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	gid_t gid;
	bool has_group;
	pthread_t thread;
	bool started;
	struct conn *conns;
	unsigned n_conns;
};

static void conn_close(struct conn *k)
{
	struct ctl *c = k->c;
	ctl_trace_free(k->trace);
	if (k->snap)
		server_release(c->x.s, k->snap);
	loop_timer_cancel(c->loop, &k->deadline);
	loop_unwatch(c->loop, &k->lf);
	close(k->lf.fd);
	*(k->prev ? &k->prev->next : &c->conns) = k->next;
	if (k->next)
		k->next->prev = k->prev;
	c->n_conns--;
	free(k->out);
	free(k);
}

static void on_deadline(void *arg)
{
	conn_close(arg);
}

/* Writes what the socket takes; closes the connection once all is out or on an error. */
static void flush_out(struct conn *k)
{
	while (k->out_off < k->out_len) {
		ssize_t n = send(k->lf.fd, k->out + k->out_off, k->out_len - k->out_off,
				 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			loop_rewatch(k->c->loop, &k->lf, EPOLLOUT);
			return;
		}
		if (n <= 0)
			break;
		k->out_off += (size_t)n;
	}
	conn_close(k);
}

/* The reply: "ok" or "error", then the body. */
static void reply(struct conn *k, bool ok, const char *body, size_t len)
{
	FILE *f = open_memstream(&k->out, &k->out_len);
	if (!f) {
		conn_close(k);
		return;
	}
	fputs(ok ? "ok\n" : "error\n", f);
	fwrite(body, 1, len, f);
	fclose(f);
	flush_out(k);
}

static void on_trace_done(void *arg)
{
	struct conn *k = arg;
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (f) {
		ctl_trace_write(k->trace, f);
		fclose(f);
	}
	reply(k, f != NULL, body ? body : "", len);
	free(body);
}

/* Runs the request in k->in (a whole line). */
static void run(struct conn *k)
{
	struct ctl *c = k->c;
	char err[160];
	k->request_done = true;
	loop_rewatch(c->loop, &k->lf, 0);
	loop_timer_set(c->loop, &k->deadline, loop_now_ms(c->loop) + CTL_EXCHANGE_MS);
	if (k->refused[0]) {
		strcat(k->refused, "\n");
		reply(k, false, k->refused, strlen(k->refused));
		return;
	}
	if (!ctl_parse(k->in, k->in_len, &k->cmd, err)) {
		strcat(err, "\n");
		reply(k, false, err, strlen(err));
		return;
	}
	if (k->cmd.verb == CTL_TRACE) {
		k->snap = server_hold(c->x.s);
		k->trace = ctl_trace_start(c->loop, c->up, server_snapshot_env(k->snap), &k->cmd,
					   on_trace_done, k);
		if (!k->trace)
			reply(k, false, "trace: out of memory\n", 21);
		return;
	}
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f) {
		reply(k, false, "out of memory\n", 14);
		return;
	}
	bool ok = ctl_cmd_run(&c->x, &k->cmd, f);
	fclose(f);
	bool stop = k->cmd.verb == CTL_STOP;
	reply(k, ok, body, len);
	free(body);
	if (stop) /* the main thread's sigwait stops everything, this thread included */
		kill(getpid(), SIGTERM);
}

static void on_conn(void *arg, uint32_t events)
{
	struct conn *k = arg;
	if (k->request_done) {
		if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			flush_out(k);
		return;
	}
	for (;;) {
		ssize_t n = recv(k->lf.fd, k->in + k->in_len, CTL_REQUEST_MAX - k->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(k); /* gone before its request was whole */
			return;
		}
		char *nl = memchr(k->in + k->in_len, '\n', (size_t)n);
		k->in_len += (size_t)n;
		if (nl) {
			k->in_len = (size_t)(nl - k->in);
			k->in[k->in_len] = 0;
			run(k);
			return;
		}
		if (k->in_len == CTL_REQUEST_MAX) {
			k->request_done = true;
			reply(k, false, "request too long\n", 17);
			return;
		}
	}
}

/* Whether the peer of fd may use the socket: root, our own user, or in our group. */
static bool peer_allowed(const struct ctl *c, int fd, char *why, size_t cap)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		snprintf(why, cap, "cannot read the peer's credentials");
		return false;
	}
	if (cred.uid == 0 || cred.uid == geteuid() || (c->has_group && cred.gid == c->gid))
		return true;
	gid_t groups[PEER_GROUPS_MAX];
	len = sizeof(groups);
	if (c->has_group && getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0)
		for (size_t i = 0; i < len / sizeof(gid_t); i++)
			if (groups[i] == c->gid)
				return true;
	snprintf(why, cap, "not allowed: uid %u is not root%s", (unsigned)cred.uid,
		 c->has_group ? " and not in control.group" : " (no control.group is set)");
	return false;
}

static void on_accept(void *arg, uint32_t events)
{
	struct ctl *c = arg;
	(void)events;
	for (;;) {
		int fd = accept4(c->listen.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct conn *k = c->n_conns < CTL_CONNS_MAX ? calloc(1, sizeof(*k)) : NULL;
		if (!k) {
			close(fd);
			continue;
		}
		/* A refused peer still has its request read, so that the socket is not closed on
		 * unread bytes, which would reset the connection before the peer reads why. */
		if (!peer_allowed(c, fd, k->refused, sizeof(k->refused) - 1))
			log_msg(LOG_WARN, "control: refused a client: %s", k->refused);
		k->c = c;
		k->lf = (struct loop_fd){ .fn = on_conn, .arg = k, .fd = fd };
		k->deadline = (struct loop_timer){ .fn = on_deadline, .arg = k };
		if (loop_watch(c->loop, &k->lf, EPOLLIN) < 0) {
			close(fd);
			free(k);
			continue;
		}
		k->next = c->conns;
		if (c->conns)
			c->conns->prev = k;
		c->conns = k;
		c->n_conns++;
		/* the line within CTL_REQUEST_MS; then the rest of the exchange (run) */
		loop_timer_set(c->loop, &k->deadline, loop_now_ms(c->loop) + CTL_REQUEST_MS);
	}
}

/* Binds the socket at c->path. A socket file there that nobody answers on is a leftover of
 * a daemon that died: it is replaced. */
static int open_socket(struct ctl *c, char err[static 256])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	memcpy(sa.sun_path, c->path, sizeof(c->path));
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	struct stat st;
	if (lstat(c->path, &st) == 0) {
		/* Non-blocking: a live daemon whose backlog is full answers EAGAIN at once. */
		int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		bool live = probe >= 0 && (connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
					   errno == EAGAIN);
		if (probe >= 0)
			close(probe);
		if (live || !S_ISSOCK(st.st_mode)) {
			snprintf(err, 256, "control.socket %s: %s", c->path,
				 live ? "another resolverd answers on it" : "exists and is no socket");
			close(fd);
			return -1;
		}
		unlink(c->path);
	}
	mode_t old = umask(0177); /* no window in which others could connect */
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0 || (c->has_group && (chown(c->path, (uid_t)-1, c->gid) < 0 ||
					 chmod(c->path, 0660) < 0)) ||
	    listen(fd, CTL_BACKLOG) < 0)
		goto fail;
	return fd;
fail:
	snprintf(err, 256, "control.socket %s: %s", c->path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* The socket's directory, made (mode 0755) when missing: /run/resolverd after a reboot. */
static void make_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		mkdir(dir, 0755);
	}
}

static void *ctl_main(void *arg)
{
	struct ctl *c = arg;
	loop_run(c->loop);
	return NULL;
}

bool ctl_start(struct server *s, struct reload *r, const struct config *cfg, const char *version,
	       struct ctl **out, char err[static 256])
{
	if (strlen(cfg->control.socket) >= sizeof(((struct ctl *)0)->path)) {
		snprintf(err, 256, "control.socket: path longer than %zu bytes",
			 sizeof(((struct ctl *)0)->path) - 1);
		return false;
	}
	struct ctl *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, 256, "control socket: out of memory");
		return false;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->x = (struct ctl_ctx){ .s = s, .reload = r, .version = version };
	c->x.started_unix_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	c->x.started_ms = loop_clock_ms();
	memcpy(c->path, cfg->control.socket, strlen(cfg->control.socket) + 1); /* fits: above */
	c->gid = cfg->control.gid;
	c->has_group = cfg->control.has_group;
	c->listen.fd = -1;
	c->loop = loop_new();
	c->up = c->loop ? upstream_new(c->loop, true) : NULL;
	if (!c->loop || !c->up) {
		snprintf(err, 256, "control socket: out of memory or descriptors");
		goto fail;
	}
	make_dir(c->path);
	c->listen = (struct loop_fd){ .fn = on_accept, .arg = c, .fd = open_socket(c, err) };
	if (c->listen.fd < 0)
		goto fail;
	if (loop_watch(c->loop, &c->listen, EPOLLIN) < 0) {
		snprintf(err, 256, "control socket: epoll: %s", strerror(errno));
		goto fail;
	}
	int rc = pthread_create(&c->thread, NULL, ctl_main, c);
	if (rc != 0) {
		snprintf(err, 256, "control socket: cannot start its thread: %s", strerror(rc));
		goto fail;
	}
	c->started = true;
	*out = c;
	return true;
fail:
	ctl_free(c);
	return false;
}

void ctl_free(struct ctl *c)
{
	if (!c)
		return;
	if (c->started) {
		loop_stop(c->loop);
		pthread_join(c->thread, NULL);
	}
	while (c->conns)
		conn_close(c->conns);
	if (c->listen.fd >= 0) {
		loop_unwatch(c->loop, &c->listen);
		close(c->listen.fd);
		unlink(c->path);
	}
	if (c->loop)
		loop_run_deferred(c->loop);
	upstream_free(c->up);
	loop_free(c->loop);
	free(c);
}
