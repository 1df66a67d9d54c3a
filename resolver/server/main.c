/* resolver/server/main.c: resolverd: arguments, start-up, signals.
 *
 * Runs in the foreground and logs to stderr. SIGTERM and SIGINT stop it within a second (exit
 * 0; 1 if a worker was stuck and had to be left behind: a bug, and the log names it); SIGHUP
 * reads the configuration file again and uses it if it is good, or keeps the one in force and
 * says why (resolverd-ctl reload does the same, through resolver/ctl/reload.c). SIGUSR1 logs
 * the counters. The control socket and the metrics endpoint start after the workers and stop
 * before them. Only this file exits.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"
#include "reload.h"
#include "server.h"

#define RESOLVERD_VERSION "0.1"
#define STOP_WAIT_MS 700 /* how long the workers get to stop: the exit comes within 1 s */

static void usage(FILE *f)
{
	fputs("usage: resolverd [-t] [-c] CONFIG [--auth-only]\n"
	      "\n"
	      "A recursive DNS resolver with a TTL cache. It answers on the addresses of\n"
	      "server.listen in CONFIG (a YAML file: see conf/README.md) and resolves from the\n"
	      "root servers of resolver.root-hints. When CONFIG names toy-internet.map, it also\n"
	      "serves the offline toy internet's zones on their loopback addresses.\n"
	      "\n"
	      "  -c CONFIG     the configuration file (conf/offline.yaml, conf/internet.yaml)\n"
	      "  --auth-only   serve only the toy internet (for other resolvers to walk it)\n"
	      "  -t            check CONFIG and the files it names (root hints, trust\n"
	      "                anchors, toy zones), bind nothing, exit 0 (good) or 1\n"
	      "                (file:line: reason)\n"
	      "  -h, --help    this help\n"
	      "  -V, --version version\n"
	      "\n"
	      "Signals: SIGTERM/SIGINT stop it within 1 s; SIGHUP reloads CONFIG and the toy\n"
	      "internet's zones, keeping the cache (and everything in force if a file is bad);\n"
	      "SIGUSR1 logs the counters (queries, cache hits, resolutions, upstream queries...),\n"
	      "as the exit does. With control.socket in CONFIG, resolverd-ctl steers it (see\n"
	      "resolverd-ctl -h); with metrics.listen, Prometheus reads its counters.\n",
	      f);
}

static void announce(const struct config *cfg, bool auth_only)
{
	char a[INET6_ADDRSTRLEN];
	for (size_t i = 0; !auth_only && i < cfg->server.n_listen; i++) {
		const struct sockaddr_storage *ss = &cfg->server.listen[i];
		const void *p = ss->ss_family == AF_INET
					? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
					: (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
		inet_ntop(ss->ss_family, p, a, sizeof(a));
		log_msg(LOG_INFO, "listening on %s#%u (UDP and TCP), %u worker%s", a,
			cfg->server.port, cfg->server.threads, cfg->server.threads == 1 ? "" : "s");
	}
	if (cfg->toy.map[0])
		log_msg(LOG_INFO, "serving the toy internet of %s on port %u", cfg->toy.map,
			cfg->toy.port);
}

static void log_stats(const struct server *s)
{
	struct server_stats st;
	server_stats(s, &st);
	log_msg(LOG_INFO,
		"%llu queries, %llu cache hits, %llu resolutions (%llu joined), %llu servfail, "
		"%llu refused, %llu formerr, %llu dropped, %llu upstream queries (%llu in flight, "
		"%llu datagrams dropped), %llu resolutions jostled out",
		(unsigned long long)st.queries, (unsigned long long)st.cache_hits,
		(unsigned long long)st.resolutions, (unsigned long long)st.joined,
		(unsigned long long)st.servfail, (unsigned long long)st.refused,
		(unsigned long long)st.formerr, (unsigned long long)st.dropped,
		(unsigned long long)st.upstream, (unsigned long long)st.in_flight,
		(unsigned long long)st.upstream_dropped, (unsigned long long)st.jostled);
}

/* Every upstream query has a socket of its own: as many descriptors as the system lets us
 * (the soft limit is often 1,024, the hard one far higher). */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Waits for signals: HUP reloads, USR1 logs the counters, TERM/INT end the wait. */
static void wait_signals(struct server *s, struct reload *r, const sigset_t *set)
{
	for (;;) {
		int sig;
		char report[2048];
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGUSR1) {
			log_stats(s);
		} else if (sig == SIGHUP) {
			daemon_notify("RELOADING=1");
			reload_run(r, s, report, sizeof(report)); /* it logs the report */
			daemon_notify("READY=1");
		} else {
			log_msg(LOG_INFO, "stopping (signal %d)", sig);
			daemon_notify("STOPPING=1");
			return;
		}
	}
}

/* The control socket and the metrics endpoint, when the configuration asks for them. */
static bool start_services(struct server *s, struct reload *r, const struct config *cfg,
			   struct ctl **ctl, struct metrics **metrics, char err[static 256])
{
	if (cfg->control.socket[0] && !ctl_start(s, r, cfg, RESOLVERD_VERSION, ctl, err))
		return false;
	if (cfg->control.socket[0])
		log_msg(LOG_INFO, "control socket %s", cfg->control.socket);
	if (cfg->metrics.on && !metrics_start(s, cfg, metrics, err))
		return false;
	if (cfg->metrics.on)
		log_msg(LOG_INFO, "metrics on port %u at /metrics", cfg->metrics.port);
	return true;
}

/* resolverd -t: the configuration loaded; checks the files it names. */
static int check_only(const char *path, struct config *cfg, bool auth_only)
{
	char err[256] = "";
	bool ok = daemon_check(cfg, auth_only, err);
	if (ok)
		printf("%s: configuration good\n", path);
	else
		fprintf(stderr, "resolverd: %s\n", err);
	config_free(cfg);
	return ok ? 0 : 1;
}

/* server.user, once every socket is bound and the control socket made (its directory may
 * need root); the drop applies to every thread. The configuration
 * file and the trust anchors are read again on SIGHUP, as that user. */
static bool drop_user(const struct config *cfg, const char *path, char err[static 256])
{
	if (!cfg->server.user[0])
		return true;
	if (!daemon_drop_user(cfg->server.user, err))
		return false;
	log_msg(LOG_INFO, "running as user %s", cfg->server.user);
	const char *again[] = { path, cfg->dnssec.trust_anchor_file }; /* what SIGHUP reads */
	for (size_t i = 0; i < sizeof(again) / sizeof(again[0]); i++)
		if (again[i][0] && access(again[i], R_OK) != 0)
			log_msg(LOG_WARN, "%s is not readable by %s: SIGHUP cannot reload it",
				again[i], cfg->server.user);
	return true;
}

enum args { ARGS_RUN, ARGS_DONE, ARGS_BAD };

/* Parses the arguments: run, or exit at once (after -h or -V), or a usage error. */
static enum args arguments(int argc, char **argv, const char **path, bool *auth_only,
			   bool *check)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return ARGS_DONE;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			printf("resolverd " RESOLVERD_VERSION "\n");
			return ARGS_DONE;
		} else if (!strcmp(a, "--auth-only")) {
			*auth_only = true;
		} else if (!strcmp(a, "-t")) {
			*check = true;
		} else if (!strcmp(a, "-c") && i + 1 < argc && !*path) {
			*path = argv[++i];
		} else if (a[0] != '-' && !*path) {
			*path = a;
		} else {
			fprintf(stderr, "resolverd: unexpected argument '%s' (resolverd -h for help)\n",
				a);
			return ARGS_BAD;
		}
	}
	if (!*path) {
		fprintf(stderr, "resolverd: no configuration file (resolverd -h for help)\n");
		return ARGS_BAD;
	}
	return ARGS_RUN;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	bool auth_only = false, check = false;
	enum args a = arguments(argc, argv, &path, &auth_only, &check);
	if (a != ARGS_RUN)
		return a == ARGS_DONE ? 0 : 1;
	struct config *cfg;
	struct server *s = NULL;
	struct ctl *ctl = NULL;
	struct metrics *metrics = NULL;
	char err[256] = "";
	if (!config_load(path, &cfg, err)) {
		fprintf(stderr, "resolverd: %s\n", err);
		return 1;
	}
	if (check)
		return check_only(path, cfg, auth_only);
	bool journal = log_journal_detect();
	log_set_level(cfg->log_level);
	log_set_format(cfg->log_format, journal);
	struct reload *r = reload_new(path, cfg, journal);
	if (!r) {
		fprintf(stderr, "resolverd: out of memory\n");
		return 1;
	}
	raise_fd_limit();
	/* The workers inherit this mask: signals reach only sigwait below. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc = 1;
	if (!server_new(cfg, auth_only, &s, err) || !server_start(s, err) ||
	    (!auth_only && !start_services(s, r, cfg, &ctl, &metrics, err)) ||
	    !drop_user(cfg, path, err)) {
		fprintf(stderr, "resolverd: %s\n", err);
	} else {
		announce(cfg, auth_only);
		daemon_notify("READY=1");
		wait_signals(s, r, &set);
		ctl_free(ctl);
		metrics_free(metrics);
		ctl = NULL;
		metrics = NULL;
		log_stats(s);
		if (!server_join(s, STOP_WAIT_MS)) {
			/* A stuck worker still uses the server: free nothing, exit now. */
			log_msg(LOG_ERROR, "exiting without waiting for it");
			return 1;
		}
		rc = 0;
	}
	ctl_free(ctl);
	metrics_free(metrics);
	server_free(s);
	reload_free(r);
	return rc;
}
