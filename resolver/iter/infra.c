/* resolver/iter/infra.c: the server table behind infra.h: open addressing keyed by address.
 *
 * Lameness is kept per server for one zone at a time (the last zone it was found lame for):
 * enough to stop asking a broken server again within a resolution and for a while after,
 * without a second table.
 *
 * SPDX-License-Identifier: MIT
 */
#include "infra.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

#define SLOTS (INFRA_MAX_SERVERS * 2) /* load factor at most 1/2 */

struct server {
	bool used;
	uint8_t addr[18]; /* family, then the address bytes */
	uint32_t srtt_ms, rttvar_ms, rto_ms;
	uint32_t lame_zone; /* name_hash of the zone: a collision only skips a server early */
	uint64_t lame_until_ms;
	bool no_0x20; /* answers with the question name in another case than asked */
	bool timed;   /* a reply was timed: srtt_ms and rttvar_ms hold something */
	bool down;    /* silent at INFRA_RTO_MAX_MS since its last reply */
	uint64_t probe_at_ms; /* while down: when its next probe may go */
};

struct infra {
	pthread_mutex_t lock;
	uint32_t first_timeout_ms;
	size_t count;
	struct server slot[SLOTS];
};

struct infra *infra_new(uint32_t first_timeout_ms)
{
	struct infra *in = calloc(1, sizeof(*in));
	if (!in)
		return NULL;
	pthread_mutex_init(&in->lock, NULL);
	in->first_timeout_ms = first_timeout_ms;
	return in;
}

void infra_free(struct infra *in)
{
	if (!in)
		return;
	pthread_mutex_destroy(&in->lock);
	free(in);
}

/* The key: family and address bytes (the port is the same for all upstream queries). */
static void key_of(const struct sockaddr *sa, uint8_t key[18])
{
	memset(key, 0, 18);
	key[0] = (uint8_t)sa->sa_family;
	if (sa->sa_family == AF_INET)
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(key + 1, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
}

/* Where the probe for key starts. */
static size_t home(const uint8_t key[18])
{
	uint32_t h = 2166136261u;
	for (int i = 0; i < 18; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % SLOTS;
}

/* The slot holding key, or SLOTS when it is absent; the lock is held. */
static size_t find(const struct infra *in, const uint8_t key[18])
{
	for (size_t i = home(key);; i = (i + 1) % SLOTS) {
		if (!in->slot[i].used)
			return SLOTS;
		if (memcmp(in->slot[i].addr, key, 18) == 0)
			return i;
	}
}

/* The entry for sa, created if absent; the lock is held. */
static struct server *lookup(struct infra *in, const struct sockaddr *sa)
{
	uint8_t key[18];
	key_of(sa, key);
	size_t i = find(in, key);
	if (i < SLOTS)
		return &in->slot[i];
	if (in->count >= INFRA_MAX_SERVERS) {
		/* Full: forget everything rather than evict one by one. */
		memset(in->slot, 0, sizeof(in->slot));
		in->count = 0;
	}
	i = home(key);
	while (in->slot[i].used)
		i = (i + 1) % SLOTS;
	struct server *s = &in->slot[i];
	s->used = true;
	memcpy(s->addr, key, 18);
	s->rto_ms = in->first_timeout_ms;
	in->count++;
	return s;
}

uint32_t infra_rto_ms(struct infra *in, const struct sockaddr *addr)
{
	pthread_mutex_lock(&in->lock);
	uint32_t rto = lookup(in, addr)->rto_ms;
	pthread_mutex_unlock(&in->lock);
	return rto;
}

void infra_rtt(struct infra *in, const struct sockaddr *addr, uint32_t rtt_ms)
{
	pthread_mutex_lock(&in->lock);
	struct server *s = lookup(in, addr);
	s->down = false;
	if (!s->timed) { /* RFC 6298 §2.2: the first measurement */
		s->timed = true;
		s->srtt_ms = rtt_ms;
		s->rttvar_ms = rtt_ms / 2;
	} else { /* §2.3 with alpha 1/8, beta 1/4 */
		uint32_t diff = s->srtt_ms > rtt_ms ? s->srtt_ms - rtt_ms : rtt_ms - s->srtt_ms;
		s->rttvar_ms = (3 * s->rttvar_ms + diff) / 4;
		s->srtt_ms = (7 * s->srtt_ms + rtt_ms) / 8;
	}
	uint32_t rto = s->srtt_ms + 4 * s->rttvar_ms;
	/* Never below a floor that loopback's 0 ms would reach: a server that answered in 1 ms
	 * may take 100 the next time (load, a slow back end), and three tries from 50 ms on gave
	 * up on it within 350 ms. From 200 ms on they take 1.4 s. */
	s->rto_ms = rto < INFRA_RTO_MIN_MS ? INFRA_RTO_MIN_MS
		    : rto > INFRA_RTO_MAX_MS ? INFRA_RTO_MAX_MS : rto;
	pthread_mutex_unlock(&in->lock);
}

void infra_timeout(struct infra *in, const struct sockaddr *addr, uint32_t sent_rto_ms,
		   uint64_t now_ms)
{
	pthread_mutex_lock(&in->lock);
	struct server *s = lookup(in, addr);
	/* Sent at the maximum, and no reply since has brought the RTO down. */
	if (sent_rto_ms >= INFRA_RTO_MAX_MS && s->rto_ms >= INFRA_RTO_MAX_MS && !s->down) {
		s->down = true;
		s->probe_at_ms = now_ms + INFRA_PROBE_MS;
	}
	s->rto_ms = s->rto_ms * 2 > INFRA_RTO_MAX_MS ? INFRA_RTO_MAX_MS : s->rto_ms * 2;
	pthread_mutex_unlock(&in->lock);
}

enum infra_use infra_use(struct infra *in, const struct sockaddr *addr, uint64_t now_ms)
{
	pthread_mutex_lock(&in->lock);
	struct server *s = lookup(in, addr);
	enum infra_use use = INFRA_USE;
	if (s->down) {
		use = now_ms >= s->probe_at_ms ? INFRA_PROBE : INFRA_SKIP;
		if (use == INFRA_PROBE)
			s->probe_at_ms = now_ms + INFRA_PROBE_MS;
	}
	pthread_mutex_unlock(&in->lock);
	return use;
}

void infra_set_lame(struct infra *in, const struct sockaddr *addr, const uint8_t *zone,
		    uint64_t now_ms)
{
	pthread_mutex_lock(&in->lock);
	struct server *s = lookup(in, addr);
	s->lame_zone = name_hash(zone);
	s->lame_until_ms = now_ms + INFRA_LAME_MS;
	pthread_mutex_unlock(&in->lock);
}

bool infra_is_lame(struct infra *in, const struct sockaddr *addr, const uint8_t *zone,
		   uint64_t now_ms)
{
	pthread_mutex_lock(&in->lock);
	struct server *s = lookup(in, addr);
	bool lame = s->lame_until_ms > now_ms && s->lame_zone == name_hash(zone);
	pthread_mutex_unlock(&in->lock);
	return lame;
}

void infra_set_no_0x20(struct infra *in, const struct sockaddr *addr)
{
	pthread_mutex_lock(&in->lock);
	lookup(in, addr)->no_0x20 = true;
	pthread_mutex_unlock(&in->lock);
}

bool infra_keeps_case(struct infra *in, const struct sockaddr *addr)
{
	pthread_mutex_lock(&in->lock);
	bool keeps = !lookup(in, addr)->no_0x20;
	pthread_mutex_unlock(&in->lock);
	return keeps;
}

/* Empties slot i and moves later entries of its probe run back, so that every entry stays
 * reachable from its home slot (deletion without tombstones in linear probing). */
static void remove_slot(struct infra *in, size_t i)
{
	for (size_t j = (i + 1) % SLOTS; in->slot[j].used; j = (j + 1) % SLOTS) {
		size_t k = home(in->slot[j].addr);
		bool stays = i <= j ? i < k && k <= j : i < k || k <= j;
		if (!stays) {
			in->slot[i] = in->slot[j];
			i = j;
		}
	}
	memset(&in->slot[i], 0, sizeof(in->slot[i]));
	in->count--;
}

size_t infra_forget(struct infra *in, const struct sockaddr *addr)
{
	pthread_mutex_lock(&in->lock);
	size_t n = 0;
	if (!addr) {
		n = in->count;
		memset(in->slot, 0, sizeof(in->slot));
		in->count = 0;
	} else {
		uint8_t key[18];
		key_of(addr, key);
		size_t i = find(in, key);
		if (i < SLOTS) {
			remove_slot(in, i);
			n = 1;
		}
	}
	pthread_mutex_unlock(&in->lock);
	return n;
}

#define WALK_CHUNK 256 /* slots copied per hold of the lock */

static void entry_of(const struct server *s, uint64_t now_ms, struct infra_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->addr.ss_family = s->addr[0];
	if (s->addr[0] == AF_INET)
		memcpy(&((struct sockaddr_in *)&e->addr)->sin_addr, s->addr + 1, 4);
	else
		memcpy(&((struct sockaddr_in6 *)&e->addr)->sin6_addr, s->addr + 1, 16);
	e->timed = s->timed;
	e->srtt_ms = s->srtt_ms;
	e->rttvar_ms = s->rttvar_ms;
	e->rto_ms = s->rto_ms;
	e->lame_left_ms = s->lame_until_ms > now_ms ? s->lame_until_ms - now_ms : 0;
	e->no_0x20 = s->no_0x20;
	e->down = s->down;
	e->probe_in_ms = e->down && s->probe_at_ms > now_ms ? s->probe_at_ms - now_ms : 0;
}

size_t infra_walk(struct infra *in, uint64_t now_ms, infra_walk_fn fn, void *arg)
{
	static _Thread_local struct infra_entry chunk[WALK_CHUNK];
	size_t shown = 0;
	for (size_t base = 0; base < SLOTS; base += WALK_CHUNK) {
		size_t n = 0;
		pthread_mutex_lock(&in->lock);
		for (size_t i = base; i < base + WALK_CHUNK && i < SLOTS; i++)
			if (in->slot[i].used)
				entry_of(&in->slot[i], now_ms, &chunk[n++]);
		pthread_mutex_unlock(&in->lock);
		for (size_t i = 0; i < n; i++)
			fn(arg, &chunk[i]);
		shown += n;
	}
	return shown;
}
