/* lib/loop.h: one worker's event loop: epoll, timers, and a thread-safe stop.
 *
 * Each worker thread owns one loop. File descriptors are watched through a struct loop_fd the
 * caller embeds in its own object (no allocation per event); timers are struct loop_timer,
 * also embedded, kept in a binary heap ordered by due time. The loop's notion of now is read
 * once per wakeup (CLOCK_MONOTONIC) and handed to everyone through loop_now_ms. Not
 * thread-safe except loop_stop.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_LOOP_H
#define RESOLVER_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

/* Called with the epoll event bits (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP). */
struct loop_fd {
	void (*fn)(void *arg, uint32_t events);
	void *arg;
	int fd;
};

struct loop_timer {
	void (*fn)(void *arg);
	void *arg;
	uint64_t due_ms;
	size_t slot; /* place in the heap + 1; 0 when not armed */
};

/* A new loop, or NULL when the system refuses (errno set). */
struct loop *loop_new(void);

/* Frees the loop; watched descriptors are not closed (they belong to the callers). */
void loop_free(struct loop *l);

/* Watches f->fd for events (EPOLLIN/EPOLLOUT...). Returns 0 or -1 with errno. */
int loop_watch(struct loop *l, struct loop_fd *f, uint32_t events);

/* Changes the events watched for f. Returns 0 or -1 with errno. */
int loop_rewatch(struct loop *l, struct loop_fd *f, uint32_t events);

/* Stops watching f (call before closing its descriptor). */
void loop_unwatch(struct loop *l, struct loop_fd *f);

/* Arms t to fire at due_ms (loop time; re-arming moves it). false only when memory is short. */
bool loop_timer_set(struct loop *l, struct loop_timer *t, uint64_t due_ms);

/* Disarms t if armed. */
void loop_timer_cancel(struct loop *l, struct loop_timer *t);

/* Calls fn(arg) once the events of the current wakeup are all handled: the place to free an
 * object whose descriptor may still have an event waiting in this batch. false only when
 * memory is short (fn is then not called: the caller must not free what it meant to). */
bool loop_defer(struct loop *l, void (*fn)(void *arg), void *arg);

/* Runs the calls deferred so far now (at teardown: before freeing what they name). */
void loop_run_deferred(struct loop *l);

/* Calls fn(arg, true) each time the loop is about to wait for events, and fn(arg, false) as
 * soon as the wait is over, before anything of that wakeup runs: an owner that reads shared
 * objects only from callbacks says it holds none of them while it waits (resolver/server/
 * reclaim.h). One per loop; fn NULL removes it. */
void loop_on_wait(struct loop *l, void (*fn)(void *arg, bool waiting), void *arg);

/* Milliseconds of CLOCK_MONOTONIC as of the loop's last wakeup. */
uint64_t loop_now_ms(const struct loop *l);

/* Runs until loop_stop (a stop asked before the call makes it return at once). */
void loop_run(struct loop *l);

/* Makes loop_run return after the current callback. Safe from any thread and from signal
 * handlers. */
void loop_stop(struct loop *l);

/* Reads CLOCK_MONOTONIC in milliseconds (for code outside a loop). */
uint64_t loop_clock_ms(void);

#endif
