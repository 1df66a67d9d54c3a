/* resolver/server/reclaim.c: retired objects freed under the two rules of reclaim.h.
 *
 * The orders: a worker's online store is followed by a seq_cst fence, so that the loads of
 * the objects in force it makes next cannot be seen before it; the reload's store of the new
 * object (seq_cst), the generation's increment and reclaim_run's loads of what the workers
 * published are seq_cst. So when reclaim_run sees a worker offline, or at a generation at or
 * after a retirement, that worker's next loads find the new object, and its reads of the old
 * one happened before (the store it published is a release). A hold is counted before the
 * event that took it ends, so a worker seen past the retirement has its holds seen too.
 *
 * SPDX-License-Identifier: MIT
 */
#include "reclaim.h"

#include <stdlib.h>

bool reclaim_init(struct reclaim *r, size_t n_workers)
{
	*r = (struct reclaim){ .n_workers = n_workers };
	r->seen = calloc(n_workers ? n_workers : 1, sizeof(*r->seen));
	if (!r->seen)
		return false;
	for (size_t i = 0; i < n_workers; i++)
		atomic_init(&r->seen[i], RECLAIM_OFFLINE);
	atomic_init(&r->gen, 0);
	pthread_mutex_init(&r->lock, NULL);
	return true;
}

void reclaim_fini(struct reclaim *r)
{
	if (!r->seen)
		return;
	while (r->retired) {
		struct reclaim_node *n = r->retired;
		r->retired = n->next;
		n->free(n);
	}
	r->n_retired = 0;
	free(r->seen);
	r->seen = NULL;
	pthread_mutex_destroy(&r->lock);
}

void reclaim_online(struct reclaim *r, size_t w)
{
	atomic_store(&r->seen[w], atomic_load(&r->gen));
	atomic_thread_fence(memory_order_seq_cst);
}

void reclaim_offline(struct reclaim *r, size_t w)
{
	atomic_store(&r->seen[w], RECLAIM_OFFLINE);
}

void reclaim_hold(struct reclaim_node *n)
{
	atomic_fetch_add_explicit(&n->holds, 1, memory_order_relaxed);
}

void reclaim_drop(struct reclaim_node *n)
{
	atomic_fetch_sub_explicit(&n->holds, 1, memory_order_release);
}

void reclaim_enter(struct reclaim *r)
{
	pthread_mutex_lock(&r->lock);
}

void reclaim_leave(struct reclaim *r)
{
	pthread_mutex_unlock(&r->lock);
}

void reclaim_retire(struct reclaim *r, struct reclaim_node *n)
{
	pthread_mutex_lock(&r->lock);
	n->retired = atomic_fetch_add(&r->gen, 1) + 1;
	n->next = r->retired;
	r->retired = n;
	r->n_retired++;
	pthread_mutex_unlock(&r->lock);
}

/* No worker can still be reading n outside a hold: each is offline or has seen its
 * retirement. */
static bool workers_past(const struct reclaim *r, const struct reclaim_node *n)
{
	for (size_t i = 0; i < r->n_workers; i++) {
		uint64_t seen = atomic_load(&r->seen[i]);
		if (seen != RECLAIM_OFFLINE && seen < n->retired)
			return false;
	}
	return true;
}

size_t reclaim_run(struct reclaim *r, bool wait)
{
	if (!wait && pthread_mutex_trylock(&r->lock) != 0)
		return SIZE_MAX; /* someone else is reloading or reclaiming: they see to it */
	if (wait)
		pthread_mutex_lock(&r->lock);
	atomic_thread_fence(memory_order_seq_cst);
	for (struct reclaim_node **p = &r->retired; *p;) {
		struct reclaim_node *n = *p;
		/* the workers first: once they are past, no new hold can come but from a holder */
		if (workers_past(r, n) &&
		    atomic_load_explicit(&n->holds, memory_order_acquire) == 0) {
			*p = n->next;
			r->n_retired--;
			n->free(n);
		} else {
			p = &n->next;
		}
	}
	size_t left = r->n_retired;
	pthread_mutex_unlock(&r->lock);
	return left;
}
