/* tests/unit/test_reclaim.c: resolver/server/reclaim: a retired object is freed only when no
 * hold is left and every worker is offline or has seen its retirement; and, with a worker
 * thread on a real loop (lib/loop.c's loop_on_wait), no object is freed while the worker reads
 * it within an event or holds it across events, however often it is replaced.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "check.h"
#include "loop.h"
#include "reclaim.h"

/* Freeing marks the object and keeps it (graveyard): a reader that finds the mark has read
 * an object reclaim_run let go, in any build. */
struct obj {
	struct reclaim_node node; /* first */
	atomic_bool freed;
	struct obj *grave;
};

static struct obj *graveyard;
static pthread_mutex_t grave_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_uint n_freed;

static void obj_free(struct reclaim_node *n)
{
	struct obj *o = (struct obj *)n;
	atomic_store(&o->freed, true);
	pthread_mutex_lock(&grave_lock);
	o->grave = graveyard;
	graveyard = o;
	pthread_mutex_unlock(&grave_lock);
	atomic_fetch_add(&n_freed, 1);
}

static struct obj *obj_new(void)
{
	struct obj *o = calloc(1, sizeof(*o));
	if (o)
		o->node.free = obj_free;
	return o;
}

static void bury_all(void)
{
	while (graveyard) {
		struct obj *o = graveyard;
		graveyard = o->grave;
		free(o);
	}
}

/* The two rules, one step at a time. */
static void test_rules(void)
{
	struct reclaim r;
	CHECK(reclaim_init(&r, 2));
	struct obj *a = obj_new(), *b = obj_new(), *c = obj_new();
	if (!a || !b || !c)
		return;
	reclaim_online(&r, 0); /* worker 0 in an event, may have read a */
	reclaim_retire(&r, &a->node);
	CHECK(reclaim_run(&r, true) == 1 && !atomic_load(&a->freed)); /* worker 0 is behind */
	reclaim_offline(&r, 0);
	CHECK(reclaim_run(&r, true) == 0 && atomic_load(&a->freed)); /* it waits: holds nothing */

	reclaim_online(&r, 1);
	reclaim_hold(&b->node); /* worker 1 starts a long use of b */
	reclaim_retire(&r, &b->node);
	reclaim_online(&r, 1); /* a later event: past the retirement, but the hold stays */
	CHECK(reclaim_run(&r, true) == 1 && !atomic_load(&b->freed));
	reclaim_drop(&b->node);
	CHECK(reclaim_run(&r, true) == 0 && atomic_load(&b->freed));

	reclaim_online(&r, 0);
	reclaim_retire(&r, &c->node);
	reclaim_online(&r, 1); /* worker 1 has seen it; worker 0 not yet */
	CHECK(reclaim_run(&r, true) == 1 && !atomic_load(&c->freed));
	reclaim_online(&r, 0);
	CHECK(reclaim_run(&r, false) == 0 && atomic_load(&c->freed));

	struct obj *d = obj_new();
	if (d) {
		reclaim_hold(&d->node);
		reclaim_retire(&r, &d->node);
		reclaim_enter(&r); /* another thread holding the lock: a timer's run gives up */
		CHECK(reclaim_run(&r, false) == SIZE_MAX);
		reclaim_leave(&r);
		reclaim_fini(&r); /* at teardown, held or not */
		CHECK(atomic_load(&d->freed));
	}
	bury_all();
}

/* ---- a worker on a loop against a thread replacing what it reads ---- */

#define EVENTS (SLOW_BUILD ? 4000 : 20000) /* the worker's events: the test's length */
#define KEPT 4                             /* objects the worker holds across events */

static _Atomic(struct obj *) current;
static struct reclaim rec;
static atomic_uint bad, waits, wakes;
static atomic_bool worker_done;

struct worker_state {
	struct loop *l;
	struct loop_fd ready; /* an eventfd left readable: one event per wakeup */
	unsigned events;
	struct obj *kept[KEPT];
};

static void on_wait(void *arg, bool waiting)
{
	(void)arg;
	if (waiting) {
		atomic_fetch_add(&waits, 1);
		reclaim_offline(&rec, 0);
	} else {
		atomic_fetch_add(&wakes, 1);
		reclaim_online(&rec, 0);
	}
}

static void on_ready(void *arg, uint32_t events)
{
	struct worker_state *ws = arg;
	(void)events;
	struct obj *o = atomic_load_explicit(&current, memory_order_acquire);
	for (int i = 0; i < 1000; i++) /* a use that lasts a while within the event */
		if (atomic_load(&o->freed))
			atomic_fetch_add(&bad, 1);
	if (ws->events % 16 == 0) { /* a long holder, as a resolution in flight */
		struct obj **slot = &ws->kept[(ws->events / 16) % KEPT];
		if (*slot)
			reclaim_drop(&(*slot)->node);
		reclaim_hold(&o->node);
		*slot = o;
	}
	for (size_t k = 0; k < KEPT; k++)
		if (ws->kept[k] && atomic_load(&ws->kept[k]->freed))
			atomic_fetch_add(&bad, 1);
	if (++ws->events == EVENTS)
		loop_stop(ws->l);
}

static void *worker_main(void *arg)
{
	struct worker_state *ws = arg;
	loop_run(ws->l);
	for (size_t k = 0; k < KEPT; k++)
		if (ws->kept[k])
			reclaim_drop(&ws->kept[k]->node);
	reclaim_offline(&rec, 0); /* loop_run returns online: the worker is done reading */
	atomic_store(&worker_done, true);
	return NULL;
}

static void test_worker(void)
{
	struct worker_state ws = { .l = loop_new() };
	struct obj *first = obj_new();
	CHECK(ws.l && first && reclaim_init(&rec, 1));
	if (!ws.l || !first)
		return;
	atomic_store(&current, first);
	uint64_t one = 1;
	ws.ready = (struct loop_fd){ .fn = on_ready, .arg = &ws,
				     .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	CHECK(write(ws.ready.fd, &one, sizeof(one)) == sizeof(one));
	CHECK(loop_watch(ws.l, &ws.ready, EPOLLIN) == 0);
	loop_on_wait(ws.l, on_wait, NULL);
	atomic_store(&n_freed, 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, worker_main, &ws) == 0);
	unsigned replaced = 0;
	uint64_t until = loop_clock_ms() + 20000; /* a bound, should the worker hang */
	while (!atomic_load(&worker_done) && loop_clock_ms() < until) {
		struct obj *n = obj_new();
		if (!n)
			break;
		struct obj *old = atomic_exchange(&current, n);
		reclaim_retire(&rec, &old->node);
		reclaim_run(&rec, true);
		replaced++;
	}
	pthread_join(t, NULL);
	CHECKF(atomic_load(&bad) == 0, "%u reads of a freed object", atomic_load(&bad));
	CHECKF(atomic_load(&waits) >= EVENTS && atomic_load(&wakes) >= EVENTS,
	       "loop_on_wait: %u waits, %u wakes", atomic_load(&waits), atomic_load(&wakes));
	/* the worker gone (offline), nothing held: all but the one in force can go */
	CHECK(reclaim_run(&rec, true) == 0);
	CHECKF(atomic_load(&n_freed) == replaced && replaced > 100, "%u freed of %u replaced",
	       atomic_load(&n_freed), replaced);
	reclaim_fini(&rec);
	loop_unwatch(ws.l, &ws.ready);
	close(ws.ready.fd);
	loop_free(ws.l);
	free(atomic_load(&current));
	bury_all();
}

int main(void)
{
	RUN(test_rules);
	RUN(test_worker);
	return check_done();
}
