/* tests/tools/bench_auth.c: loading a zone of a million records into resolver/auth, beside
 * NSD loading the same file: wall time, CPU time and peak memory, then our query rate.
 *
 * The zone (bench.example., written to a temporary directory) mixes what real zones hold:
 * per host name an A record, and by turns AAAA, TXT, MX, a CNAME instead, or a delegation with
 * its glue; 1,000,000 records in all (-n changes it). Ours is auth_load on a one-zone map in a
 * child process, so its peak RSS (getrusage of the child) is the load's alone; NSD's is
 * nsd-checkzone, which reads the file into NSD's in-memory database as nsd does at start.
 * Each is run RUNS times, interleaved; the table gives medians with the range, since these
 * machines are noisy. Then the loaded zone answers a million questions for random names, in
 * one thread. "bench_auth -w FILE" only writes the zone, for other servers to read.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "dns.h"
#include "name.h"
#include "wire.h"

#define RUNS 3
#define QUERIES 1000000

struct run {
	double wall_s, cpu_s, rss_mb;
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Writes host i's records; returns how many. One name in 100 is a delegation. */
static unsigned write_host(FILE *f, unsigned i)
{
	fprintf(f, "h%u A 10.%u.%u.%u\n", i, i >> 16 & 255, i >> 8 & 255, i & 255);
	switch (i % 10) {
	case 1:
	case 2:
		fprintf(f, " AAAA 2001:db8::%x:%x\n", i >> 16, i & 0xffff);
		return 2;
	case 3:
		fprintf(f, " TXT \"v=spf1 ip4:10.%u.%u.0/24 -all\"\n", i >> 16 & 255, i >> 8 & 255);
		return 2;
	case 4:
		fprintf(f, " MX 10 h%u\n", i + 1);
		return 2;
	case 5:
		fprintf(f, "alias%u CNAME h%u\n", i, i);
		return 2;
	case 6:
		if (i % 100 != 6)
			return 1;
		fprintf(f, "sub%u NS ns.sub%u\nns.sub%u A 10.200.%u.%u\n", i, i, i, i >> 8 & 255,
			i & 255);
		return 3;
	}
	return 1;
}

/* The zone of n records (a few more when the last host has several). */
static unsigned write_zone(const char *path, unsigned n)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fprintf(f, "$ORIGIN bench.example.\n$TTL 3600\n"
		   "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n"
		   "ns1 A 192.0.2.1\nns2 A 192.0.2.2\n");
	unsigned written = 5, hosts = 0;
	while (written < n)
		written += write_host(f, hosts++);
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	return hosts;
}

/* Loads the zone at path with auth_load; in the child, so that its peak memory is its own. */
static struct auth *load(const char *path)
{
	struct config_map_zone z = { .file = (char *)path, .n_servers = 1 };
	struct sockaddr_storage ss = { 0 };
	struct config_map map = { &z, 1 };
	size_t len;
	char err[256];
	struct auth *a;
	ss.ss_family = AF_INET;
	z.servers = &ss;
	if (name_from_text("bench.example.", 14, NULL, z.name, &len) != ERR_OK ||
	    !auth_load(&map, &a, err)) {
		fprintf(stderr, "bench_auth: %s\n", err);
		exit(1);
	}
	return a;
}

/* Answers QUERIES questions for random hosts; returns the seconds taken. */
static double ask_all(const struct auth *a, unsigned hosts)
{
	static uint8_t pkt[512], out[65535];
	unsigned answered = 0;
	double t0 = now_s();
	for (unsigned i = 0; i < QUERIES; i++) {
		char text[64];
		uint8_t qn[NAME_MAX_WIRE];
		size_t len;
		struct wire_builder b;
		struct wire_query q;
		int tl = snprintf(text, sizeof(text), "h%u.bench.example.",
				  (unsigned)((i * 2654435761u) % hosts));
		name_from_text(text, (size_t)tl, NULL, qn, &len);
		wire_build_init(&b, pkt, sizeof(pkt), (uint16_t)i, 0);
		wire_build_question(&b, qn, DNS_TYPE_A, DNS_CLASS_IN);
		len = wire_build_finish(&b);
		if (wire_parse_query(pkt, len, &q) == ERR_OK &&
		    auth_answer(a, NULL, &q, pkt, len, 512, out, sizeof(out)) > len)
			answered += (out[3] & 0xF) == 0;
	}
	double t = now_s() - t0;
	if (answered != QUERIES)
		fprintf(stderr, "bench_auth: %u of %u questions answered\n", answered, QUERIES);
	return t;
}

/* Runs fn in a child (ours) or argv (a program); wall time, child CPU and peak RSS. */
static struct run measure(char *const argv[], const char *path, unsigned hosts, double *q_s)
{
	int fd[2];
	struct run r = { 0 };
	struct rusage ru;
	int status;
	if (pipe(fd) != 0)
		exit(1);
	fflush(stdout);
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		if (argv) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(127);
			execvp(argv[0], argv);
			_exit(127);
		}
		struct auth *a = load(path);
		double load_s = now_s() - t0, qs = q_s ? ask_all(a, hosts) : 0;
		double msg[2] = { load_s, qs };
		if (write(fd[1], msg, sizeof(msg)) != sizeof(msg))
			_exit(1);
		auth_free(a);
		_exit(0);
	}
	close(fd[1]);
	double msg[2] = { 0, 0 };
	ssize_t got = read(fd[0], msg, sizeof(msg));
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench_auth: %s failed\n", argv ? argv[0] : "auth_load");
		exit(1);
	}
	close(fd[0]);
	r.wall_s = argv || got != sizeof(msg) ? now_s() - t0 : msg[0];
	r.cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	r.rss_mb = (double)ru.ru_maxrss / 1024.0;
	if (q_s)
		*q_s = msg[1];
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* "median [min-max]" of one field over the runs. */
static void print_field(const struct run *r, size_t off, const char *fmt)
{
	double v[RUNS];
	char text[64];
	for (int i = 0; i < RUNS; i++)
		v[i] = *(const double *)((const char *)&r[i] + off);
	qsort(v, RUNS, sizeof(v[0]), cmp_double);
	snprintf(text, sizeof(text), fmt, v[RUNS / 2], v[0], v[RUNS - 1]);
	printf("  %-22s", text);
}

static void print_row(const char *who, const struct run *r)
{
	printf("%-26s", who);
	print_field(r, offsetof(struct run, wall_s), "%.2f [%.2f-%.2f]");
	print_field(r, offsetof(struct run, cpu_s), "%.2f [%.2f-%.2f]");
	print_field(r, offsetof(struct run, rss_mb), "%.0f [%.0f-%.0f]");
	printf("\n");
}

int main(int argc, char **argv)
{
	unsigned n = 1000000;
	if (argc == 3 && !strcmp(argv[1], "-w")) {
		write_zone(argv[2], n);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "-n"))
		n = (unsigned)strtoul(argv[2], NULL, 10);
	char dir[] = "/tmp/bench_auth.XXXXXX", path[64];
	if (!mkdtemp(dir) || n < 10)
		return 1;
	snprintf(path, sizeof(path), "%s/bench.example.zone", dir);
	unsigned hosts = write_zone(path, n);
	struct stat st;
	stat(path, &st);
	printf("a zone of %u records, %u host names (%.1f MB of master file); %d runs, "
	       "median [range]\n",
	       n, hosts, (double)st.st_size / 1e6, RUNS);
	printf("%-26s  %-22s  %-22s  %-22s\n", "", "load, wall s", "load, CPU s", "peak RSS, MB");
	char *nsd[] = { "nsd-checkzone", "bench.example", path, NULL };
	struct run ours[RUNS], theirs[RUNS];
	double q_s = 0;
	for (int i = 0; i < RUNS; i++) {
		ours[i] = measure(NULL, path, hosts, NULL);
		theirs[i] = measure(nsd, path, hosts, NULL);
	}
	print_row("resolver/auth (auth_load)", ours);
	print_row("NSD 4 (nsd-checkzone)", theirs);
	measure(NULL, path, hosts, &q_s);
	printf("queries, one thread: %u random hosts in %.2f s, %.0f ns each (with building and "
	       "parsing the query)\n",
	       QUERIES, q_s, q_s * 1e9 / QUERIES);
	unlink(path);
	rmdir(dir);
	return 0;
}
