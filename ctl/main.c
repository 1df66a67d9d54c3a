/* ctl/main.c: resolverd-ctl, the control tool: one command to a running resolverd over its
 * control socket, its output printed, exit status 0 when it worked and 1 when it did not.
 *
 * The request line is checked here with the daemon's own parser (resolver/ctl/ctl_parse.c)
 * before anything is sent. A trace comes back as step lines, printed by qdig's +trace code
 * (client/trace.c), so the two look alike. Everything else is printed as the daemon wrote it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "ctl.h"
#include "ctl_parse.h"
#include "ctl_trace.h"
#include "dns.h"
#include "loop.h"
#include "opts.h"
#include "trace.h"

#define CTL_VERSION "0.1"
#define DEFAULT_SOCKET "/run/resolverd/control.sock"
#define REPLY_MAX (512u << 20) /* bytes read of a reply: a dump of the largest cache fits */
#define WAIT_MS (CTL_EXCHANGE_MS + 5000) /* the daemon ends an exchange before this */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: resolverd-ctl [-s SOCKET | -c CONFIG] [--json] COMMAND [ARGUMENTS]\n"
		"\n"
		"Sends one command to a running resolverd over its control socket (control.socket\n"
		"in its configuration; only root, its own user and control.group may use it).\n"
		"\n"
		"  -s SOCKET   the socket (default " DEFAULT_SOCKET ")\n"
		"  -c CONFIG   take the socket from this configuration file\n"
		"  --json      the output as JSON\n"
		"  -h, --help  this help\n"
		"  -V, --version\n"
		"\n"
		"Commands:\n%s"
		"\n"
		"Exit status: 0 when the command worked, 1 when it did not (or a usage error).\n",
		ctl_usage);
}

struct args {
	const char *socket;
	char config_socket[CONFIG_PATH_MAX];
	bool json;
	char line[CTL_REQUEST_MAX + 1];
	size_t len;
};

/* Options, then the command's words into a->line. 0: go on; 1: exit 0 (help); 2: usage error. */
static int parse_args(int argc, char **argv, struct args *a)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];
		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 1;
		} else if (!strcmp(o, "-V") || !strcmp(o, "--version")) {
			printf("resolverd-ctl " CTL_VERSION "\n");
			return 1;
		} else if (!strcmp(o, "--json")) {
			a->json = true;
		} else if (!strcmp(o, "-s") && i + 1 < argc) {
			a->socket = argv[++i];
		} else if (!strcmp(o, "-c") && i + 1 < argc) {
			struct config *c;
			char err[256];
			if (!config_load(argv[++i], &c, err)) {
				fprintf(stderr, "resolverd-ctl: %s\n", err);
				return 2;
			}
			snprintf(a->config_socket, sizeof(a->config_socket), "%s", c->control.socket);
			a->socket = a->config_socket;
			config_free(c);
			if (!a->socket[0]) {
				fprintf(stderr, "resolverd-ctl: %s sets no control.socket\n", argv[i]);
				return 2;
			}
		} else {
			fprintf(stderr, "resolverd-ctl: unknown option '%s' (resolverd-ctl -h)\n", o);
			return 2;
		}
	}
	a->len = (size_t)snprintf(a->line, sizeof(a->line), "%s", a->json ? "--json" : "");
	for (; i < argc && a->len < sizeof(a->line); i++)
		a->len += (size_t)snprintf(a->line + a->len, sizeof(a->line) - a->len, "%s%s",
					   a->len ? " " : "", argv[i]);
	return 0;
}

/* Sends the line and reads the whole reply into *buf (NUL-terminated). */
static bool exchange(const char *path, const char *line, size_t len, char **buf, size_t *n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "resolverd-ctl: socket path too long: %s\n", path);
		return false;
	}
	memcpy(sa.sun_path, path, strlen(path));
	/* Non-blocking: a daemon whose backlog is full says EAGAIN at once, never a hang; the
	 * reply is waited for with poll, within WAIT_MS. */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		fprintf(stderr, "resolverd-ctl: cannot connect to %s: %s%s\n", path, strerror(e),
			e == EACCES ? " (root or control.group only)"
			: e == ENOENT || e == ECONNREFUSED ? " (is resolverd running with control.socket?)"
			: e == EAGAIN			   ? " (the daemon is busy: try again)"
							   : "");
		if (fd >= 0)
			close(fd);
		return false;
	}
	char req[CTL_REQUEST_MAX + 2];
	int m = snprintf(req, sizeof(req), "%.*s\n", (int)len, line);
	size_t cap = 65536;
	*n = 0;
	*buf = malloc(cap);
	bool ok = *buf && send(fd, req, (size_t)m, MSG_NOSIGNAL) == m;
	uint64_t until = loop_clock_ms() + WAIT_MS;
	while (ok) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = loop_clock_ms();
		if (now >= until || poll(&p, 1, (int)(until - now)) <= 0) {
			fprintf(stderr, "resolverd-ctl: no reply within %u s\n", WAIT_MS / 1000);
			ok = false;
			break;
		}
		if (*n + 1 == cap) {
			char *bigger = cap < REPLY_MAX ? realloc(*buf, cap * 2) : NULL;
			if (!bigger) {
				fprintf(stderr, "resolverd-ctl: reply too big\n");
				ok = false;
				break;
			}
			*buf = bigger;
			cap *= 2;
		}
		ssize_t r = recv(fd, *buf + *n, cap - 1 - *n, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		*n += (size_t)r;
	}
	close(fd);
	if (*buf)
		(*buf)[*n] = 0;
	return ok;
}

/* A trace's step lines, printed as qdig +trace prints its walk. */
static int print_trace(const struct ctl_cmd *cmd, const char *body, size_t len)
{
	static struct qdig_cmd defaults; /* qdig's: the display of a plain qdig +trace */
	opts_init(&defaults);
	struct qdig_query o = defaults.global;
	memcpy(o.qname, cmd->name, name_len(cmd->name));
	o.qtype = cmd->type;
	o.qclass = DNS_CLASS_IN;
	o.trace = true;
	o.d.json = cmd->json;
	struct arena *a = arena_new();
	struct iter_step *steps;
	size_t n;
	unsigned rcode;
	if (!a || !ctl_trace_read(body, len, a, &steps, &n, &rcode)) {
		fprintf(stderr, "resolverd-ctl: the daemon's trace does not parse\n");
		arena_free(a);
		return 1;
	}
	int rc = trace_print_steps(&o, steps, n, rcode, stdout);
	if (o.d.json)
		fputc('\n', stdout);
	arena_free(a);
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct args a = { .socket = DEFAULT_SOCKET };
	int r = parse_args(argc, argv, &a);
	if (r)
		return r == 1 ? 0 : 1;
	struct ctl_cmd cmd;
	char err[160];
	if (!ctl_parse(a.line, a.len, &cmd, err)) {
		fprintf(stderr, "resolverd-ctl: %s (resolverd-ctl -h)\n", err);
		return 1;
	}
	char *buf = NULL;
	size_t n;
	if (!exchange(a.socket, a.line, a.len, &buf, &n)) {
		free(buf);
		return 1;
	}
	int rc = 1;
	if (!strncmp(buf, "ok\n", 3) && cmd.verb == CTL_TRACE) {
		rc = print_trace(&cmd, buf + 3, n - 3);
	} else if (!strncmp(buf, "ok\n", 3)) {
		fwrite(buf + 3, 1, n - 3, stdout);
		rc = 0;
	} else if (!strncmp(buf, "error\n", 6)) {
		fwrite(buf + 6, 1, n - 6, stderr);
	} else {
		fprintf(stderr, "resolverd-ctl: the daemon's reply does not parse\n");
	}
	free(buf);
	return rc;
}
