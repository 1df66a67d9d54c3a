/* resolver/server/reclaim.h: freeing what a reload replaced, once no one can still read it.
 *
 * A replaced configuration snapshot or zone set (server_priv.h) is retired here, and freed by
 * reclaim_run when both rules hold:
 * - the long holders are gone: every reclaim_hold was matched by a reclaim_drop (resolutions
 *   in flight, zone transfers, the control thread's commands and traces);
 * - every worker has been between events since the retirement (quiescent-state-based
 *   reclamation): a worker reads the object in force once per event, synchronously, and
 *   keeps no pointer from one event to the next unless it took a hold. Each worker publishes
 *   the reload generation it has seen (reclaim_online) before it handles a wakeup's events,
 *   and RECLAIM_OFFLINE (reclaim_offline) while it waits, so an idle worker never delays a
 *   free. An object retired at generation G is free of workers once each one publishes
 *   RECLAIM_OFFLINE or a generation >= G.
 * The workers' side takes no lock and never waits: two atomic stores per wakeup, and a hold
 * is one atomic increment (taken by a worker only on what it read during the event). Other
 * threads take their holds between reclaim_enter and reclaim_leave, under the lock that
 * reclaim_run holds, since they are not counted among the workers. Nothing is freed on a
 * worker but by reclaim_run, under both rules.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_RECLAIM_H
#define RESOLVER_RECLAIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RECLAIM_OFFLINE UINT64_MAX /* a worker waiting for events: it holds nothing */

/* Embedded in each object that a reload replaces. */
struct reclaim_node {
	struct reclaim_node *next;   /* the retired list */
	uint64_t retired;            /* the generation its retirement made */
	atomic_uint holds;           /* long holders: reclaim_hold minus reclaim_drop */
	void (*free)(struct reclaim_node *n);
};

struct reclaim {
	pthread_mutex_t lock;        /* retiring, reclaiming, and the holds of non-workers */
	atomic_uint_fast64_t gen;    /* retirements so far */
	struct reclaim_node *retired;
	size_t n_retired;
	size_t n_workers;
	atomic_uint_fast64_t *seen;  /* per worker: the generation seen, or RECLAIM_OFFLINE */
};

/* Sets r up for n_workers workers, each offline. false when memory is short. */
bool reclaim_init(struct reclaim *r, size_t n_workers);
/* Frees every object still retired, held or not (after the workers are joined), and r's own. */
void reclaim_fini(struct reclaim *r);

/* Worker w is about to handle events (online) / to wait for them (offline). */
void reclaim_online(struct reclaim *r, size_t w);
void reclaim_offline(struct reclaim *r, size_t w);

/* A long hold on n, by a thread that may read it now: a worker during an event, a thread
 * between reclaim_enter and reclaim_leave, or the holder of another hold. */
void reclaim_hold(struct reclaim_node *n);
void reclaim_drop(struct reclaim_node *n);
/* A thread that is not a worker reads the object in force and takes its hold between these
 * (they take and give back r's lock): no reclaim_run frees meanwhile. */
void reclaim_enter(struct reclaim *r);
void reclaim_leave(struct reclaim *r);

/* Retires n, which the caller has just replaced (a seq_cst store of the object in force):
 * from one thread at a time, the reload's. */
void reclaim_retire(struct reclaim *r, struct reclaim_node *n);
/* Frees every retired object both rules allow; returns how many remain retired. Takes the
 * lock, waiting for it when wait is set, else giving up at once (a worker's timer: SIZE_MAX
 * then). */
size_t reclaim_run(struct reclaim *r, bool wait);

#endif
