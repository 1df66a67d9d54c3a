/* tests/tools/loadgen.c: a batched DNS load client for the benchmarks (tests/bench/).
 *
 * Sends the questions of a file (one "name type" a line, dnsperf's format) to one server over
 * UDP from a few sockets, in batches (sendmmsg), and reads the replies in batches (recvmmsg).
 * One dnsperf process tops out near the speed of the fastest servers; batching lets one core
 * drive them about twice as hard. Replies are matched to their query by ID alone. Free IDs
 * wait in a queue, so an ID comes back into use as late as it can; a scan of the IDs in flight
 * every few milliseconds finds the queries past their timeout, and a lost one holds only its
 * own ID, never the queries behind it.
 *
 * Every run is bounded: in queries (-n), in sending time (-t), and each query by a timeout (-T)
 * after which it counts as lost; the run ends when nothing is in flight. Without -r it keeps
 * -w queries in flight (full load); with -r it sends that many queries a second (paced). -1
 * sends each line of the file once, in order (cold resolution); otherwise the file is cycled.
 * -P PID reads that process's CPU time (utime + stime of /proc/PID/stat) when the run starts
 * and ends, and reports CPU microseconds per answer received.
 *
 * Prints one line of key=value pairs:
 *   sent answered lost late noerror servfail nxdomain other wall_s qps avg_ms max_ms cpu_us
 * (late: replies that came after their query was counted lost; wall_s runs from the first
 * query to the last reply; cpu_us is per answer, -1 without -P).
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "dns.h"
#include "name.h"
#include "rdata.h"

#define BATCH 32         /* datagrams per sendmmsg / recvmmsg */
#define SOCKS_MAX 64     /* client sockets (-c): the server's SO_REUSEPORT spreads them */
#define QUERY_MAX 300    /* header, a name of 255, type and class */
#define IDS 65536        /* every 16-bit ID: at most this many queries in flight */
#define SCAN_NS 5000000u /* how often the IDs in flight are checked for timeouts */
#define REPLY_BUF 4096
#define RCVBUF (4 << 20) /* socket buffers: a burst of replies must not be dropped here */

struct opts {
	const char *server, *file;
	unsigned port, socks, window, timeout_ms;
	double seconds, rate;
	unsigned long long max_queries;
	bool once;
	long pid;
};

struct queries {
	uint8_t *pkt; /* n queries of QUERY_MAX bytes, ID 0 */
	uint16_t *len;
	size_t n;
};

struct slot {
	uint64_t sent_ns;
	bool busy;
};

struct run {
	struct slot *slots; /* by ID */
	uint16_t *free_ids; /* a ring of the IDs not in flight, oldest first */
	uint64_t free_head, free_n, last_scan_ns;
	uint64_t inflight, sent, answered, lost, late, rcode[4];
	uint64_t lat_sum_ns, lat_max_ns, start_ns, last_reply_ns;
	size_t next_q;
	unsigned next_sock;
};

enum { RC_NOERROR, RC_SERVFAIL, RC_NXDOMAIN, RC_OTHER };

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: loadgen -s ADDR -p PORT -d FILE [-c SOCKETS] [-w WINDOW] [-t SECONDS]\n"
	        "               [-n QUERIES] [-r QPS] [-T TIMEOUT_MS] [-1] [-P PID]\n");
	exit(2);
}

static void parse_opts(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.port = 53,
	                   .socks = 4,
	                   .window = 100,
	                   .timeout_ms = 2000,
	                   .seconds = 5,
	                   .max_queries = ~0ull,
	                   .pid = -1};
	int ch;
	while ((ch = getopt(argc, argv, "s:p:d:c:w:t:n:r:T:1P:")) != -1) {
		switch (ch) {
		case 's':
			o->server = optarg;
			break;
		case 'p':
			o->port = (unsigned)atoi(optarg);
			break;
		case 'd':
			o->file = optarg;
			break;
		case 'c':
			o->socks = (unsigned)atoi(optarg);
			break;
		case 'w':
			o->window = (unsigned)atoi(optarg);
			break;
		case 't':
			o->seconds = atof(optarg);
			break;
		case 'n':
			o->max_queries = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			o->rate = atof(optarg);
			break;
		case 'T':
			o->timeout_ms = (unsigned)atoi(optarg);
			break;
		case '1':
			o->once = true;
			break;
		case 'P':
			o->pid = atol(optarg);
			break;
		default:
			usage();
		}
	}
	if (!o->server || !o->file || o->socks < 1 || o->socks > SOCKS_MAX || o->window < 1 ||
	    o->window >= IDS || o->seconds <= 0)
		usage();
}

/* ---- the questions ---- */

/* One query: no ID yet, RD set, no EDNS (as dnsperf sends by default). */
static size_t build_query(uint8_t *p, const uint8_t *name, uint16_t type)
{
	static const uint8_t head[DNS_HEADER_SIZE] = {0, 0, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0};
	size_t nlen = name_len(name);
	memcpy(p, head, sizeof(head));
	memcpy(p + DNS_HEADER_SIZE, name, nlen);
	uint8_t *t = p + DNS_HEADER_SIZE + nlen;
	t[0] = (uint8_t)(type >> 8);
	t[1] = (uint8_t)type;
	t[2] = 0;
	t[3] = DNS_CLASS_IN;
	return DNS_HEADER_SIZE + nlen + 4;
}

/* Reads "name type" (type A when left out); false for a line to skip. */
static bool parse_line(char *line, uint8_t *pkt, uint16_t *len)
{
	char *name = strtok(line, " \t\r\n"), *type = strtok(NULL, " \t\r\n");
	uint8_t wire[NAME_MAX_WIRE];
	size_t wlen;
	uint16_t t = DNS_TYPE_A;
	if (!name || name[0] == '#')
		return false;
	if (name_from_text(name, strlen(name), NULL, wire, &wlen) != ERR_OK ||
	    (type && rdata_type_from_text(type, strlen(type), &t) != ERR_OK)) {
		fprintf(stderr, "loadgen: bad line: %s\n", name);
		return false;
	}
	*len = (uint16_t)build_query(pkt, wire, t);
	return true;
}

static void *grow_or_die(void *p, size_t size)
{
	void *n = realloc(p, size);
	if (!n) {
		fprintf(stderr, "loadgen: out of memory\n");
		exit(1);
	}
	return n;
}

static void load_queries(const char *path, struct queries *q)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t cap = 0;
	if (!f) {
		perror(path);
		exit(1);
	}
	*q = (struct queries){0};
	while (fgets(line, sizeof(line), f)) {
		if (q->n == cap) {
			cap = cap ? 2 * cap : 1024;
			q->pkt = grow_or_die(q->pkt, cap * QUERY_MAX);
			q->len = grow_or_die(q->len, cap * sizeof(*q->len));
		}
		if (parse_line(line, q->pkt + q->n * QUERY_MAX, &q->len[q->n]))
			q->n++;
	}
	fclose(f);
	if (q->n == 0) {
		fprintf(stderr, "loadgen: no questions in %s\n", path);
		exit(1);
	}
}

/* ---- sockets and CPU time ---- */

static int open_socket(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int size = RCVBUF;
	if (fd < 0) {
		perror("socket");
		exit(1);
	}
	/* FORCE passes rmem_max when we are root; the plain call is the fallback. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) < 0) {
		perror("connect");
		exit(1);
	}
	return fd;
}

/* utime + stime of a process in clock ticks, or -1. */
static long long cpu_ticks(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* The command name may hold spaces: fields count from the last ')'. utime and stime
	 * are fields 14 and 15, the 12th and 13th after it. */
	char *p = strrchr(buf, ')');
	unsigned long long ut, st;
	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (long long)(ut + st);
}

/* ---- the run ---- */

/* Counts the queries past their timeout as lost and frees their IDs. */
static void retire(struct run *r, uint64_t now, uint64_t timeout_ns)
{
	if (now - r->last_scan_ns < SCAN_NS || r->inflight == 0)
		return;
	r->last_scan_ns = now;
	for (uint32_t id = 0; id < IDS; id++) {
		struct slot *s = &r->slots[id];
		if (s->busy && now - s->sent_ns >= timeout_ns) {
			s->busy = false;
			r->inflight--;
			r->lost++;
			r->free_ids[(r->free_head + r->free_n++) % IDS] = (uint16_t)id;
		}
	}
}

/* Queries the whole run may send: -n, and with -1 the lines of the file. */
static uint64_t send_limit(const struct opts *o, const struct queries *q)
{
	return o->once && q->n < o->max_queries ? q->n : o->max_queries;
}

/* How many queries may go now: the window, the ring, the count and the pace allow. */
static uint64_t allowed(const struct run *r, const struct opts *o, const struct queries *q,
                        uint64_t now)
{
	uint64_t n = o->window > r->inflight ? o->window - r->inflight : 0;
	uint64_t limit = send_limit(o, q);
	if (r->free_n < n)
		n = r->free_n;
	if (limit - r->sent < n)
		n = limit - r->sent;
	if (o->rate > 0) {
		uint64_t due = (uint64_t)(o->rate * (double)(now - r->start_ns) / 1e9) + 1;
		n = due > r->sent ? (due - r->sent < n ? due - r->sent : n) : 0;
	}
	return n;
}

/* Sends up to n queries in one batch on the next socket; returns how many went. */
static unsigned send_batch(struct run *r, const struct queries *q, const int *fds, unsigned nsocks,
                           unsigned n)
{
	static uint8_t buf[BATCH][QUERY_MAX];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	if (n > BATCH)
		n = BATCH;
	for (unsigned i = 0; i < n; i++) {
		size_t k = (r->next_q + i) % q->n;
		uint16_t id = r->free_ids[(r->free_head + i) % IDS];
		memcpy(buf[i], q->pkt + k * QUERY_MAX, q->len[k]);
		buf[i][0] = (uint8_t)(id >> 8);
		buf[i][1] = (uint8_t)id;
		iov[i] = (struct iovec){buf[i], q->len[k]};
		m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	int fd = fds[r->next_sock++ % nsocks];
	int k = sendmmsg(fd, m, n, 0);
	if (k <= 0)
		return 0;
	uint64_t t = now_ns();
	for (int i = 0; i < k; i++)
		r->slots[r->free_ids[(r->free_head + (uint64_t)i) % IDS]] = (struct slot){t, true};
	r->free_head = (r->free_head + (uint64_t)k) % IDS;
	r->free_n -= (uint64_t)k;
	r->next_q = (r->next_q + (size_t)k) % q->n;
	r->inflight += (uint64_t)k;
	r->sent += (uint64_t)k;
	return (unsigned)k;
}

static void take_reply(struct run *r, const uint8_t *p, size_t len, uint64_t now)
{
	struct buf_in in;
	buf_in_init(&in, p, len);
	uint16_t id = buf_get_u16(&in), flags = buf_get_u16(&in);
	if (in.err != ERR_OK)
		return;
	struct slot *s = &r->slots[id];
	if (!s->busy) {
		r->late++;
		return;
	}
	s->busy = false;
	r->free_ids[(r->free_head + r->free_n++) % IDS] = id;
	r->inflight--;
	r->answered++;
	unsigned rc = flags & 0xF;
	r->rcode[rc == DNS_RCODE_NOERROR    ? RC_NOERROR
	         : rc == DNS_RCODE_SERVFAIL ? RC_SERVFAIL
	         : rc == DNS_RCODE_NXDOMAIN ? RC_NXDOMAIN
	                                    : RC_OTHER]++;
	uint64_t lat = now - s->sent_ns;
	r->lat_sum_ns += lat;
	if (lat > r->lat_max_ns)
		r->lat_max_ns = lat;
	r->last_reply_ns = now;
}

/* Reads what has come on one socket; returns how many replies. */
static unsigned recv_batch(struct run *r, int fd)
{
	static uint8_t buf[BATCH][REPLY_BUF];
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	for (unsigned i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){buf[i], REPLY_BUF};
		m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	int n = recvmmsg(fd, m, BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return 0;
	uint64_t t = now_ns();
	for (int i = 0; i < n; i++)
		take_reply(r, buf[i], m[i].msg_len, t);
	return (unsigned)n;
}

/* Waits for a reply, at most until the next query is due (paced) or a millisecond. */
static void wait_a_little(const struct run *r, const struct opts *o, const int *fds, uint64_t now)
{
	struct pollfd p[SOCKS_MAX];
	struct timespec ts = {0, 1000000};
	if (o->rate > 0) {
		uint64_t next = r->start_ns + (uint64_t)((double)(r->sent + 1) * 1e9 / o->rate);
		uint64_t d = next > now ? next - now : 0;
		if (d < 1000000)
			ts.tv_nsec = (long)d;
	}
	for (unsigned i = 0; i < o->socks; i++)
		p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
	ppoll(p, o->socks, &ts, NULL);
}

static void drive(struct run *r, const struct opts *o, const struct queries *q, const int *fds)
{
	uint64_t timeout_ns = (uint64_t)o->timeout_ms * 1000000u;
	uint64_t stop_send = r->start_ns + (uint64_t)(o->seconds * 1e9);
	for (;;) {
		uint64_t now = now_ns();
		retire(r, now, timeout_ns);
		bool may_send = now < stop_send && r->sent < send_limit(o, q);
		if (!may_send && r->inflight == 0)
			break;
		unsigned moved = 0;
		while (now < stop_send) {
			uint64_t n = allowed(r, o, q, now);
			if (n == 0)
				break;
			unsigned k =
			    send_batch(r, q, fds, o->socks, (unsigned)(n < BATCH ? n : BATCH));
			moved += k;
			if (k == 0 || moved >= 4 * BATCH)
				break;
		}
		for (unsigned i = 0; i < o->socks; i++)
			moved += recv_batch(r, fds[i]);
		if (moved == 0)
			wait_a_little(r, o, fds, now);
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct queries q;
	struct run r = {0};
	int fds[SOCKS_MAX];
	parse_opts(argc, argv, &o);
	load_queries(o.file, &q);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o.port)};
	if (inet_pton(AF_INET, o.server, &to.sin_addr) != 1)
		usage();
	for (unsigned i = 0; i < o.socks; i++)
		fds[i] = open_socket(&to);
	r.slots = calloc(IDS, sizeof(*r.slots));
	r.free_ids = malloc(IDS * sizeof(*r.free_ids));
	if (!r.slots || !r.free_ids)
		return 1;
	for (uint32_t id = 0; id < IDS; id++)
		r.free_ids[id] = (uint16_t)id;
	r.free_n = IDS;

	long long cpu0 = o.pid > 0 ? cpu_ticks(o.pid) : -1;
	r.start_ns = r.last_reply_ns = now_ns();
	drive(&r, &o, &q, fds);
	long long cpu1 = o.pid > 0 ? cpu_ticks(o.pid) : -1;

	double wall = (double)(r.last_reply_ns - r.start_ns) / 1e9;
	double cpu_us =
	    cpu0 >= 0 && cpu1 >= 0 && r.answered
	        ? (double)(cpu1 - cpu0) * 1e6 / (double)sysconf(_SC_CLK_TCK) / (double)r.answered
	        : -1;
	printf("sent=%llu answered=%llu lost=%llu late=%llu noerror=%llu servfail=%llu "
	       "nxdomain=%llu other=%llu wall_s=%.4f qps=%.0f avg_ms=%.3f max_ms=%.3f "
	       "cpu_us=%.3f\n",
	       (unsigned long long)r.sent, (unsigned long long)r.answered,
	       (unsigned long long)r.lost, (unsigned long long)r.late,
	       (unsigned long long)r.rcode[RC_NOERROR], (unsigned long long)r.rcode[RC_SERVFAIL],
	       (unsigned long long)r.rcode[RC_NXDOMAIN], (unsigned long long)r.rcode[RC_OTHER],
	       wall, wall > 0 ? (double)r.answered / wall : 0,
	       r.answered ? (double)r.lat_sum_ns / (double)r.answered / 1e6 : 0,
	       (double)r.lat_max_ns / 1e6, cpu_us);
	for (unsigned i = 0; i < o.socks; i++)
		close(fds[i]);
	free(r.slots);
	free(r.free_ids);
	free(q.pkt);
	free(q.len);
	return 0;
}
