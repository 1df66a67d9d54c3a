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

/* The entry for sa, created if absent; the lock is held. */
static struct server *lookup(struct infra *in, const struct sockaddr *sa)
{
	uint8_t key[18];
	key_of(sa, key);
	uint32_t h = 2166136261u;
	for (int i = 0; i < 18; i++)
		h = (h ^ key[i]) * 16777619u;
	for (size_t i = h % SLOTS;; i = (i + 1) % SLOTS) {
		struct server *s = &in->slot[i];
		if (s->used && memcmp(s->addr, key, 18) == 0)
			return s;
		if (s->used)
			continue;
		if (in->count >= INFRA_MAX_SERVERS) {
			/* Full: forget everything rather than evict one by one. */
			memset(in->slot, 0, sizeof(in->slot));
			in->count = 0;
			i = h % SLOTS;
			s = &in->slot[i];
		}
		s->used = true;
		memcpy(s->addr, key, 18);
		s->rto_ms = in->first_timeout_ms;
		in->count++;
		return s;
	}
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
	if (s->srtt_ms == 0 && s->rttvar_ms == 0) { /* RFC 6298 §2.2: the first measurement */
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

void infra_timeout(struct infra *in, const struct sockaddr *addr)
{
	pthread_mutex_lock(&in->lock);
	struct server *s = lookup(in, addr);
	s->rto_ms = s->rto_ms * 2 > INFRA_RTO_MAX_MS ? INFRA_RTO_MAX_MS : s->rto_ms * 2;
	pthread_mutex_unlock(&in->lock);
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
