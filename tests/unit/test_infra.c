/* tests/unit/test_infra.c: the server table's operator functions, infra_walk and infra_forget
 * (resolverd-ctl dump-infra and flush-infra), and that forgetting keeps the rest findable.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "check.h"
#include "infra.h"

#define FIRST_MS 376
#define N_SERVERS 12000 /* of INFRA_MAX_SERVERS: long probe runs */

static struct sockaddr_storage v4(unsigned i)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(i * 2654435761u); /* scattered: probe runs collide */
	return ss;
}

#define SA(ss) ((const struct sockaddr *)&(ss))

struct tally {
	size_t n, measured, lame, no_0x20;
	uint32_t rto_of_first;
};

static void tally(void *arg, const struct infra_entry *e)
{
	struct tally *t = arg;
	t->n++;
	t->measured += e->timed;
	t->lame += e->lame_left_ms != 0;
	t->no_0x20 += e->no_0x20;
	struct sockaddr_storage first = v4(0);
	if (e->addr.ss_family == AF_INET &&
	    memcmp(&((const struct sockaddr_in *)&e->addr)->sin_addr,
		   &((const struct sockaddr_in *)&first)->sin_addr, 4) == 0)
		t->rto_of_first = e->rto_ms;
}

static void walk_shows_every_server(void)
{
	struct infra *in = infra_new(FIRST_MS);
	CHECK(in != NULL);
	for (unsigned i = 0; i < 10; i++) {
		struct sockaddr_storage a = v4(i);
		infra_rtt(in, SA(a), i == 9 ? 0 : 1000); /* loopback answers in 0 ms */
	}
	struct sockaddr_storage a1 = v4(1), a2 = v4(2), a10 = v4(10);
	infra_timeout(in, SA(a10), FIRST_MS, 0); /* known, never timed */
	infra_set_lame(in, SA(a1), (const uint8_t *)"\x07" "example", 1000);
	infra_set_no_0x20(in, SA(a2));
	struct tally t = { 0 };
	CHECK(infra_walk(in, 2000, tally, &t) == 11);
	CHECK(t.n == 11 && t.measured == 10 && t.lame == 1 && t.no_0x20 == 1);
	CHECK(t.rto_of_first == 3000); /* 1000 + 4 * 500 */
	struct tally later = { 0 };
	infra_walk(in, 1000 + INFRA_LAME_MS, tally, &later);
	CHECK(later.lame == 0); /* its time is up */
	infra_free(in);
}

/* Forgetting one server among thousands (long probe runs) leaves every other one findable
 * with what was learnt of it, and creates nothing. */
static void forget_one_keeps_the_rest(void)
{
	struct infra *in = infra_new(FIRST_MS);
	for (unsigned i = 0; i < N_SERVERS; i++) {
		struct sockaddr_storage a = v4(i);
		infra_rtt(in, SA(a), 1000);
	}
	size_t gone = 0;
	for (unsigned i = 0; i < N_SERVERS; i += 3) {
		struct sockaddr_storage a = v4(i);
		gone += infra_forget(in, SA(a));
	}
	CHECK(gone == (N_SERVERS + 2) / 3);
	struct sockaddr_storage absent = v4(N_SERVERS + 7);
	CHECK(infra_forget(in, SA(absent)) == 0);
	unsigned wrong = 0;
	for (unsigned i = 0; i < N_SERVERS; i++) {
		struct sockaddr_storage a = v4(i);
		uint32_t want = i % 3 == 0 ? FIRST_MS : 3000;
		wrong += infra_rto_ms(in, SA(a)) != want;
	}
	CHECKF(wrong == 0, "%u servers with the wrong timeout", wrong);
	infra_free(in);
}

static void forget_all(void)
{
	struct infra *in = infra_new(FIRST_MS);
	for (unsigned i = 0; i < 100; i++) {
		struct sockaddr_storage a = v4(i);
		infra_timeout(in, SA(a), FIRST_MS, 0);
	}
	CHECK(infra_forget(in, NULL) == 100);
	struct tally t = { 0 };
	CHECK(infra_walk(in, 0, tally, &t) == 0);
	struct sockaddr_storage a = v4(5);
	CHECK(infra_rto_ms(in, SA(a)) == FIRST_MS);
	infra_free(in);
}


/* Times addr out as a query sent at its current timeout does, at now_ms. */
static void time_out(struct infra *in, const struct sockaddr_storage *a, uint64_t now_ms)
{
	infra_timeout(in, SA(*a), infra_rto_ms(in, SA(*a)), now_ms);
}

static struct infra_entry shown;

static void keep(void *arg, const struct infra_entry *e)
{
	(void)arg;
	shown = *e;
}

/* Times addr out until its timeout has backed off to INFRA_RTO_MAX_MS (at most 20 times),
 * from *t on; returns how many times. */
static int back_off(struct infra *in, const struct sockaddr_storage *a, uint64_t *t)
{
	int n = 0;
	while (infra_rto_ms(in, SA(*a)) < INFRA_RTO_MAX_MS && n++ < 20)
		time_out(in, a, *t += 100);
	return n;
}

/* A server silent at INFRA_RTO_MAX_MS is down: skipped, but for one probe per
 * INFRA_PROBE_MS; a reply makes it usable again at once. Backed off to the maximum but not
 * silent at it (a slow server), or a reply between, it is not down. */
static void down_when_silent_at_max(void)
{
	struct infra *in = infra_new(FIRST_MS);
	struct sockaddr_storage a = v4(1);
	uint64_t t = 1000;
	CHECK(infra_use(in, SA(a), t) == INFRA_USE);
	CHECK(back_off(in, &a, &t) == 4); /* 376, 752, 1504, 3008 */
	CHECK(infra_use(in, SA(a), t) == INFRA_USE);
	infra_rtt(in, SA(a), 10); /* a reply: backed off no more */
	time_out(in, &a, t += 100);
	CHECK(infra_use(in, SA(a), t) == INFRA_USE);
	back_off(in, &a, &t);
	time_out(in, &a, t += 100);
	CHECK(infra_use(in, SA(a), t) == INFRA_SKIP);
	CHECK(infra_walk(in, t + 1000, keep, NULL) == 1);
	CHECK(shown.down && shown.probe_in_ms == INFRA_PROBE_MS - 1000);
	/* Just before the probe is due: skipped; then one probe, and only one. */
	CHECK(infra_use(in, SA(a), t + INFRA_PROBE_MS - 1) == INFRA_SKIP);
	uint64_t due = t + INFRA_PROBE_MS;
	CHECK(infra_use(in, SA(a), due) == INFRA_PROBE);
	CHECK(infra_use(in, SA(a), due) == INFRA_SKIP);
	CHECK(infra_use(in, SA(a), due + INFRA_PROBE_MS - 1) == INFRA_SKIP);
	/* The probe timed out: still down, the next probe one interval after the last. */
	time_out(in, &a, due + 200);
	CHECK(infra_use(in, SA(a), due + INFRA_PROBE_MS) == INFRA_PROBE);
	/* That one was answered: in use again, and no longer shown down. */
	infra_rtt(in, SA(a), 10);
	CHECK(infra_use(in, SA(a), due + INFRA_PROBE_MS) == INFRA_USE);
	infra_walk(in, due + INFRA_PROBE_MS, keep, NULL);
	CHECK(!shown.down && shown.probe_in_ms == 0);
	/* Forgotten (flush-infra): not down either. */
	back_off(in, &a, &t);
	time_out(in, &a, t += 100);
	CHECK(infra_use(in, SA(a), t) == INFRA_SKIP);
	CHECK(infra_forget(in, SA(a)) == 1 && infra_use(in, SA(a), t) == INFRA_USE);
	infra_free(in);
}

/* A burst of queries sent together at a short timeout that all time out (a slow server under
 * a flood) backs the server off to the maximum at once, but does not make it down: only a
 * query sent at the maximum does. */
static void burst_of_timeouts_not_down(void)
{
	struct infra *in = infra_new(FIRST_MS);
	struct sockaddr_storage a = v4(2);
	for (int i = 0; i < 50; i++)
		infra_timeout(in, SA(a), FIRST_MS, 1000);
	CHECK(infra_rto_ms(in, SA(a)) == INFRA_RTO_MAX_MS);
	CHECK(infra_use(in, SA(a), 1000) == INFRA_USE);
	/* Refused at the maximum (sent_rto_ms 0: no time lost): backed off, never down. */
	for (int i = 0; i < 5; i++)
		infra_timeout(in, SA(a), 0, 6000);
	CHECK(infra_use(in, SA(a), 6000) == INFRA_USE);
	time_out(in, &a, 6000);
	CHECK(infra_use(in, SA(a), 6000) == INFRA_SKIP);
	infra_free(in);
}

int main(void)
{
	RUN(walk_shows_every_server);
	RUN(forget_one_keeps_the_rest);
	RUN(forget_all);
	RUN(down_when_silent_at_max);
	RUN(burst_of_timeouts_not_down);
	return check_done();
}
