/* lib/loop.c: epoll with a timer heap.
 * SPDX-License-Identifier: MIT
 */
#include "loop.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define LOOP_EVENTS 64

struct loop {
	int epfd;
	struct loop_fd wake; /* eventfd written by loop_stop */
	atomic_bool stopping;
	uint64_t now_ms;
	struct loop_timer **heap;
	size_t n, cap;
	struct deferred {
		void (*fn)(void *arg);
		void *arg;
	} *defer;
	size_t ndefer, capdefer;
	void (*on_wait)(void *arg, bool waiting);
	void *on_wait_arg;
};

uint64_t loop_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_wake(void *arg, uint32_t events)
{
	struct loop *l = arg;
	uint64_t v;
	(void)events;
	ssize_t r = read(l->wake.fd, &v, sizeof(v));
	(void)r;
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->wake.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	l->wake.fn = on_wake;
	l->wake.arg = l;
	if (l->epfd < 0 || l->wake.fd < 0 || loop_watch(l, &l->wake, EPOLLIN) < 0) {
		int e = errno;
		loop_free(l);
		errno = e;
		return NULL;
	}
	l->now_ms = loop_clock_ms();
	return l;
}

static void run_deferred(struct loop *l);

void loop_free(struct loop *l)
{
	if (!l)
		return;
	run_deferred(l);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->wake.fd >= 0)
		close(l->wake.fd);
	free(l->heap);
	free(l->defer);
	free(l);
}

int loop_watch(struct loop *l, struct loop_fd *f, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = f };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, f->fd, &ev);
}

int loop_rewatch(struct loop *l, struct loop_fd *f, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = f };
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, f->fd, &ev);
}

void loop_unwatch(struct loop *l, struct loop_fd *f)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, f->fd, NULL);
}

/* ---- the timer heap: heap[0] is due first; t->slot is its index + 1 ---- */

static void place(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void sift_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	while (i > 0 && l->heap[(i - 1) / 2]->due_ms > t->due_ms) {
		place(l, i, l->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(l, i, t);
}

static void sift_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= l->n)
			break;
		if (c + 1 < l->n && l->heap[c + 1]->due_ms < l->heap[c]->due_ms)
			c++;
		if (l->heap[c]->due_ms >= t->due_ms)
			break;
		place(l, i, l->heap[c]);
		i = c;
	}
	place(l, i, t);
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	if (!t->slot)
		return;
	size_t i = t->slot - 1;
	t->slot = 0;
	struct loop_timer *last = l->heap[--l->n];
	if (i == l->n)
		return;
	place(l, i, last);
	sift_down(l, i);
	sift_up(l, last->slot - 1);
}

bool loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t due_ms)
{
	loop_timer_cancel(l, t);
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct loop_timer **h = realloc(l->heap, cap * sizeof(*h));
		if (!h)
			return false;
		l->heap = h;
		l->cap = cap;
	}
	t->due_ms = due_ms;
	place(l, l->n++, t);
	sift_up(l, l->n - 1);
	return true;
}

bool loop_defer(struct loop *l, void (*fn)(void *arg), void *arg)
{
	if (l->ndefer == l->capdefer) {
		size_t cap = l->capdefer ? l->capdefer * 2 : 16;
		struct deferred *d = realloc(l->defer, cap * sizeof(*d));
		if (!d)
			return false;
		l->defer = d;
		l->capdefer = cap;
	}
	l->defer[l->ndefer].fn = fn;
	l->defer[l->ndefer++].arg = arg;
	return true;
}

static void run_deferred(struct loop *l)
{
	for (size_t i = 0; i < l->ndefer; i++) /* a deferred call may defer more: they run too */
		l->defer[i].fn(l->defer[i].arg);
	l->ndefer = 0;
}

void loop_run_deferred(struct loop *l)
{
	run_deferred(l);
}

void loop_on_wait(struct loop *l, void (*fn)(void *arg, bool waiting), void *arg)
{
	l->on_wait = fn;
	l->on_wait_arg = arg;
}

uint64_t loop_now_ms(const struct loop *l)
{
	return l->now_ms;
}

static void fire_timers(struct loop *l)
{
	while (l->n && l->heap[0]->due_ms <= l->now_ms && !atomic_load(&l->stopping)) {
		struct loop_timer *t = l->heap[0];
		loop_timer_cancel(l, t);
		t->fn(t->arg);
	}
}

void loop_run(struct loop *l)
{
	struct epoll_event ev[LOOP_EVENTS];
	while (!atomic_load(&l->stopping)) {
		int wait = -1;
		if (l->n) {
			uint64_t due = l->heap[0]->due_ms;
			wait = due <= l->now_ms ? 0 : (int)(due - l->now_ms > 60000 ? 60000
										    : due - l->now_ms);
		}
		if (l->on_wait)
			l->on_wait(l->on_wait_arg, true);
		int n = epoll_wait(l->epfd, ev, LOOP_EVENTS, wait);
		if (l->on_wait)
			l->on_wait(l->on_wait_arg, false);
		l->now_ms = loop_clock_ms();
		for (int i = 0; i < n && !atomic_load(&l->stopping); i++) {
			struct loop_fd *f = ev[i].data.ptr;
			f->fn(f->arg, ev[i].events);
		}
		run_deferred(l);
		fire_timers(l);
		run_deferred(l);
	}
	atomic_store(&l->stopping, false); /* the next loop_run runs again */
}

void loop_stop(struct loop *l)
{
	uint64_t one = 1;
	atomic_store(&l->stopping, true);
	ssize_t w = write(l->wake.fd, &one, sizeof(one));
	(void)w;
}
