/* resolver/cache/cache.c: the RRset cache and negative cache (the contract is in cache.h).
 *
 * The cache is an array of shards, chosen by the high bits of a keyed hash of (lower-cased
 * name, type, class). A shard is a chained hash table indexed by the low bits, a CLOCK list
 * for eviction and a byte count. An entry is one malloc'd block: the header, the key's owner
 * name, for a denial the SOA's owner name, then per record a host-order u16 length and the
 * uncompressed rdata, then the extra records of struct cache_sec, each as its owner name, a
 * u16 type, a u16 length and the rdata. Copying out is two memcpy calls and a walk to fill the
 * wire_rr array.
 *
 * Locks ("big-reader" locks): each shard has one slot per CPU (up to READ_SLOTS_MAX, CPUs
 * beyond share them), each a pthread rwlock that prefers writers plus the hit and miss
 * counters, alone on a cache line. A reader read-locks the slot of the CPU it runs on and
 * bumps that slot's counters, so a hit writes no line another CPU is using: with one lock per
 * shard, each hit moved the lock's line between cores, which halved the throughput of two
 * threads. A writer write-locks every slot of the shard, in order; a reader never holds a lock
 * while it takes another, so there is no deadlock. A thread that moves to another CPU between
 * lock and unlock still unlocks the slot it locked.
 *
 * Recency without a write lock: a reader only sets the entry's atomic reference bit. Eviction
 * (under the write lock) takes the oldest entry of the list, unless its bit is set: then the
 * bit is cleared and the entry goes to the new end (CLOCK, or "second chance"). That is an
 * approximation of LRU in which an entry read since it last came round always outlives the
 * older entries that were not read. Expired entries go first, whatever their bit.
 *
 * Accounting: an allocation counts malloc_usable_size() plus one word, the chunk header of
 * glibc's allocator (which also rounds small requests up to 32 bytes and then to 16; usable
 * size shows that rounding). The fixed part (struct cache, the shards and slots) comes off
 * size_bytes first; each shard gets an equal share of the rest, and its table and entries are
 * brought back within that share at the end of every put. Hash-keyed shards fill evenly, so
 * the cache as a whole evicts only a little before size_bytes.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cache.h"

#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "buf.h"
#include "dns.h"
#include "name.h"

/* One shard per 256 KiB of cache-size: shares stay large enough that uneven filling of the
 * shards wastes little of the bound. */
#define SHARD_BYTES (256u << 10)
/* Enough shards that worker threads rarely meet on one; bounds the fixed overhead. */
#define SHARDS_MAX 256
/* Read locks per shard; more CPUs share them. Bounds what a put pays to lock them all. */
#define READ_SLOTS_MAX 8
/* Buckets of a new shard's table. */
#define TABLE_MIN 16
/* RFC 2181 §8: TTLs are 31 bits. This also keeps the wrap-around compare of times exact. */
#define TTL_MAX 0x7fffffffu
/* The key type of NXDOMAIN entries: type 0 is reserved (RFC 6895 §3.1), no RRset has it. */
#define TYPE_NXDOMAIN 0
/* Rdata bytes (with their lengths) of one entry: more cannot come in one message. Bounds the
 * memory of one entry and the copy on a hit. */
#define DATA_MAX 65535
/* The shortest SOA rdata: two root names and five 32-bit fields. */
#define SOA_RDATA_MIN 22
/* Shards and slots are aligned to it, so that no two share a line. */
#define CACHE_LINE 64

enum kind { KIND_RRSET, KIND_NODATA, KIND_NXDOMAIN };

struct entry {
	struct entry *hnext;         /* next in the hash bucket */
	struct entry *newer, *older; /* neighbours in the shard's CLOCK list */
	uint32_t hash;
	uint32_t expiry_s;       /* served while now_s is before it */
	uint16_t type, rclass;   /* type TYPE_NXDOMAIN for KIND_NXDOMAIN */
	uint16_t count;          /* records */
	uint16_t data_len;       /* bytes of lengths and rdata after the names */
	uint16_t n_extra;        /* extra records (struct cache_sec) after the data */
	uint16_t extra_len;      /* their bytes */
	uint8_t owner_len;       /* the key's owner name, first in bytes[] */
	uint8_t soa_owner_len;   /* denials: the SOA owner follows the key owner; else 0 */
	uint8_t trust;           /* enum cache_trust */
	uint8_t kind;            /* enum kind */
	uint8_t security;        /* enum cache_security */
	uint8_t reason;          /* struct cache_sec's reason */
	atomic_uchar referenced; /* CLOCK bit: set by readers, cleared by the evictor */
	uint8_t bytes[];
};

/* One CPU's way into a shard. */
struct slot {
	_Alignas(CACHE_LINE) pthread_rwlock_t lock;
	atomic_uint_fast64_t hits, misses; /* bumped by the readers on this slot */
};

/* Everything but the slots is read under any slot's read lock and changed under all of them. */
struct shard {
	_Alignas(CACHE_LINE) struct slot *slots; /* nslots of them */
	struct entry **tab;                      /* buckets; mask + 1 of them, a power of two */
	size_t mask;
	size_t count;  /* entries */
	size_t bytes;  /* entries and table, as alloc_bytes counts them */
	size_t budget; /* this shard's share of size_bytes */
	struct entry *newest, *oldest;
	uint64_t insertions, evictions, expired; /* changed under the write lock */
};

/* A key as the shards see it, its name's length and its hash worked out once. */
struct ikey {
	const uint8_t *name;
	size_t len;
	uint16_t type, rclass;
	uint32_t hash;
};

struct cache {
	struct cache_limits lim;
	uint64_t seed; /* keys the hash, so names cannot be chosen to share a bucket */
	size_t nshards;
	unsigned nslots;    /* read slots per shard, a power of two */
	size_t fixed_bytes; /* struct cache, the shard and slot arrays */
	struct shard *shards;
	struct slot *slots; /* nshards * nslots */
};

/* ---- small helpers ---- */

static size_t alloc_bytes(void *p)
{
	return malloc_usable_size(p) + sizeof(size_t);
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* RFC 2181 §8: a TTL with the top bit set is taken as zero. */
static uint32_t ttl_31(uint32_t ttl)
{
	return ttl > TTL_MAX ? 0 : ttl;
}

static uint32_t ttl_limit(uint32_t ttl, uint32_t floor_s, uint32_t cap_s)
{
	return min_u32(ttl < floor_s ? floor_s : ttl, cap_s);
}

/* Live while 1 <= expiry - now <= TTL_MAX in 32-bit arithmetic, so now_s may wrap. */
static bool live(const struct entry *e, uint32_t now_s)
{
	return (uint32_t)(e->expiry_s - now_s) - 1u < TTL_MAX;
}

static bool trust_valid(enum cache_trust t)
{
	return t >= CACHE_TRUST_GLUE && t <= CACHE_TRUST_ANSWER_AUTH;
}

/* ASCII upper case to lower in eight octets at once: sets 0x20 in each byte from 'A' to 'Z'.
 * Length octets (63 at most) are never in that range, so a whole wire name folds in words. */
static uint64_t fold8(uint64_t x)
{
	uint64_t low7 = x & 0x7f7f7f7f7f7f7f7fu;
	uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3fu; /* top bit set where the byte >= 'A' */
	uint64_t gt_z = low7 + 0x2525252525252525u; /* top bit set where the byte > 'Z' */
	return x | ((ge_a & ~gt_z & ~x & 0x8080808080808080u) >> 2);
}

/* Eight octets of name from i on (fewer at the end, zero-padded), folded. */
static uint64_t word_at(const uint8_t *name, size_t len, size_t i)
{
	uint64_t w = 0;
	memcpy(&w, name + i, len - i < 8 ? len - i : 8);
	return fold8(w);
}

/* One round: the high and low halves of a 128-bit product, xored (wyhash's "mum"). Unlike a
 * plain 64-bit multiply, no input difference passes through it independently of h, which the
 * seed keeps secret: so names cannot be chosen to collide. */
static uint64_t mix(uint64_t h, uint64_t w)
{
	__uint128_t p = (__uint128_t)(h ^ w) * 0x9e3779b97f4a7c15u;
	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

/* The key's hash, over the case-folded name (len octets), type and class, keyed by the seed. */
static uint32_t key_hash(const struct cache *c, const uint8_t *name, size_t len, uint16_t type,
                         uint16_t rclass)
{
	uint64_t h = c->seed;
	for (size_t i = 0; i < len; i += 8)
		h = mix(h, word_at(name, len, i));
	h = mix(h, (uint64_t)len << 32 | (uint64_t)type << 16 | rclass);
	return (uint32_t)(h ^ h >> 32);
}

/* name_equal, eight octets at a time, for names whose lengths are known to be equal. */
static bool names_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i += 8)
		if (word_at(a, len, i) != word_at(b, len, i))
			return false;
	return true;
}

static struct ikey ikey_make(const struct cache *c, const uint8_t *name, uint16_t type,
                             uint16_t rclass)
{
	struct ikey k = {name, name_len(name), type, rclass, 0};
	k.hash = key_hash(c, name, k.len, type, rclass);
	return k;
}

static struct shard *shard_of(const struct cache *c, uint32_t hash)
{
	return &c->shards[((uint64_t)hash * c->nshards) >> 32];
}

/* The slot of the CPU the caller runs on (glibc reads it from rseq: no system call). */
static struct slot *my_slot(const struct cache *c, const struct shard *s)
{
	int cpu = sched_getcpu();
	return &s->slots[(unsigned)(cpu > 0 ? cpu : 0) & (c->nslots - 1)];
}

static void shard_lock(const struct cache *c, struct shard *s)
{
	for (unsigned i = 0; i < c->nslots; i++)
		pthread_rwlock_wrlock(&s->slots[i].lock);
}

static void shard_unlock(const struct cache *c, struct shard *s)
{
	for (unsigned i = c->nslots; i-- > 0;)
		pthread_rwlock_unlock(&s->slots[i].lock);
}

/* ---- one shard: table, list, removal, eviction (callers hold its lock) ---- */

/* The link that points at the entry for the key, or at the NULL ending its bucket. */
static struct entry **find(const struct shard *s, const struct ikey *k)
{
	struct entry **pp = &s->tab[k->hash & s->mask];
	for (; *pp; pp = &(*pp)->hnext) {
		const struct entry *e = *pp;
		if (e->hash == k->hash && e->type == k->type && e->rclass == k->rclass &&
		    e->owner_len == k->len && names_equal(e->bytes, k->name, k->len))
			break;
	}
	return pp;
}

static struct entry **link_of(const struct shard *s, const struct entry *e)
{
	struct entry **pp = &s->tab[e->hash & s->mask];
	while (*pp != e)
		pp = &(*pp)->hnext;
	return pp;
}

static void list_unlink(struct shard *s, struct entry *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		s->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		s->oldest = e->newer;
}

static void list_push(struct shard *s, struct entry *e)
{
	e->newer = NULL;
	e->older = s->newest;
	if (s->newest)
		s->newest->newer = e;
	else
		s->oldest = e;
	s->newest = e;
}

/* Takes the entry at *pp out of the shard and onto the garbage list, which the caller frees
 * after unlocking (free() is kept out of the critical section). */
static void drop(struct shard *s, struct entry **pp, struct entry **garbage)
{
	struct entry *e = *pp;
	*pp = e->hnext;
	list_unlink(s, e);
	s->count--;
	s->bytes -= alloc_bytes(e);
	e->hnext = *garbage;
	*garbage = e;
}

static void free_list(struct entry *e)
{
	while (e) {
		struct entry *next = e->hnext;
		free(e);
		e = next;
	}
}

/* Doubles the table when entries outnumber buckets, if the bigger table stays a small part
 * of the budget. On allocation failure the chains just grow longer. */
static void grow(struct shard *s)
{
	size_t n = (s->mask + 1) * 2;
	if (s->count <= s->mask + 1 || n * sizeof(struct entry *) > s->budget / 8)
		return;
	struct entry **tab = calloc(n, sizeof(*tab));
	if (!tab)
		return;
	for (size_t i = 0; i <= s->mask; i++) {
		struct entry *e = s->tab[i];
		while (e) {
			struct entry *next = e->hnext;
			e->hnext = tab[e->hash & (n - 1)];
			tab[e->hash & (n - 1)] = e;
			e = next;
		}
	}
	s->bytes -= alloc_bytes(s->tab);
	free(s->tab);
	s->tab = tab;
	s->mask = n - 1;
	s->bytes += alloc_bytes(tab);
}

/* CLOCK eviction down to the budget. keep (the entry just stored) is passed over, not
 * dropped: callers make sure it fits with the table alone, so the loop ends. */
static void shrink(struct shard *s, const struct entry *keep, uint32_t now_s,
                   struct entry **garbage)
{
	while (s->bytes > s->budget && s->oldest) {
		struct entry *e = s->oldest;
		bool alive = live(e, now_s);
		if (e == keep ||
		    (alive && atomic_load_explicit(&e->referenced, memory_order_relaxed))) {
			atomic_store_explicit(&e->referenced, 0, memory_order_relaxed);
			list_unlink(s, e);
			list_push(s, e);
			continue;
		}
		if (alive)
			s->evictions++;
		else
			s->expired++;
		drop(s, link_of(s, e), garbage);
	}
}

/* ---- entries ---- */

/* A new entry with its names in place and its data left for the caller; NULL when memory is
 * short. */
static struct entry *entry_new(const uint8_t *owner, const uint8_t *soa_owner, size_t data_len,
                               size_t extra_len)
{
	size_t olen = name_len(owner), slen = soa_owner ? name_len(soa_owner) : 0;
	struct entry *e = malloc(sizeof(*e) + olen + slen + data_len + extra_len);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	atomic_init(&e->referenced, 0);
	memcpy(e->bytes, owner, olen);
	if (slen)
		memcpy(e->bytes + olen, soa_owner, slen);
	e->owner_len = (uint8_t)olen;
	e->soa_owner_len = (uint8_t)slen;
	e->data_len = (uint16_t)data_len;
	e->extra_len = (uint16_t)extra_len;
	return e;
}

static uint8_t *entry_data(struct entry *e)
{
	return e->bytes + e->owner_len + e->soa_owner_len;
}

static uint8_t *put_record(uint8_t *d, const struct wire_rr *rr)
{
	memcpy(d, &rr->rdlen, 2);
	memcpy(d + 2, rr->rdata, rr->rdlen);
	return d + 2 + rr->rdlen;
}

/* The bytes the extra records of sec take, in *len; false when they are too many or too big. */
static bool extra_check(const struct cache_sec *sec, size_t *len)
{
	*len = 0;
	if (!sec)
		return true;
	if (sec->n_extra > UINT16_MAX || sec->security > CACHE_SEC_BOGUS)
		return false;
	for (size_t i = 0; i < sec->n_extra; i++) {
		*len += name_len(sec->extra[i].owner) + 4 + (size_t)sec->extra[i].rdlen;
		if (*len > DATA_MAX)
			return false;
	}
	return true;
}

/* Writes the DNSSEC side of sec into e, after its data. */
static void put_sec(struct entry *e, const struct cache_sec *sec)
{
	if (!sec)
		return;
	e->security = (uint8_t)sec->security;
	e->reason = sec->reason;
	e->n_extra = (uint16_t)sec->n_extra;
	uint8_t *d = entry_data(e) + e->data_len;
	for (size_t i = 0; i < sec->n_extra; i++) {
		const struct wire_rr *rr = &sec->extra[i];
		size_t olen = name_len(rr->owner);
		memcpy(d, rr->owner, olen);
		memcpy(d + olen, &rr->type, 2);
		d = put_record(d + olen + 2, rr);
	}
}

/* The TTL an entry gets: ttl within the floor and cap, and sec's own cap. */
static uint32_t sec_ttl(uint32_t ttl, const struct cache_sec *sec)
{
	return sec && sec->ttl_cap_s ? min_u32(ttl, sec->ttl_cap_s) : ttl;
}

/* Stores e in its shard unless a live entry of higher trust holds the key. Takes ownership of
 * e in every case. */
static enum cache_put_res insert(struct cache *c, struct entry *e, uint32_t now_s)
{
	struct shard *s = shard_of(c, e->hash);
	struct entry *garbage = NULL;
	enum cache_put_res res = CACHE_PUT_STORED;
	size_t size = alloc_bytes(e);

	/* Half the share at most, so that with the table (an eighth at most) it always fits. */
	if (size > s->budget / 2) {
		free(e);
		return CACHE_PUT_SKIPPED;
	}
	shard_lock(c, s);
	struct ikey k = {e->bytes, e->owner_len, e->type, e->rclass, e->hash};
	struct entry **pp = find(s, &k);
	struct entry *old = *pp;
	if (old && live(old, now_s) &&
	    (old->trust > e->trust ||
	     (old->security == CACHE_SEC_SECURE && e->security == CACHE_SEC_BOGUS))) {
		/* RFC 2181 §5.4.1: less trusted data does not replace more trusted data; nor does
		 * a bogus copy replace a proven one (a forger could otherwise evict it). */
		res = CACHE_PUT_KEPT;
		e->hnext = NULL;
		garbage = e;
	} else {
		if (old) {
			if (!live(old, now_s))
				s->expired++;
			drop(s, pp, &garbage);
		}
		struct entry **bucket = &s->tab[e->hash & s->mask];
		e->hnext = *bucket;
		*bucket = e;
		list_push(s, e);
		s->count++;
		s->bytes += size;
		s->insertions++;
		grow(s);
		shrink(s, e, now_s, &garbage);
	}
	shard_unlock(c, s);
	free_list(garbage);
	return res;
}

/* Checks that rrs is one RRset and sums its data; the TTL is the least of the records'
 * (RFC 2181 §5.2: they should be equal; the least is the safe reading when they are not). */
static bool rrset_check(const struct wire_rr *rrs, size_t n, size_t *data_len, uint32_t *ttl)
{
	if (n == 0 || n > UINT16_MAX || rrs[0].type == TYPE_NXDOMAIN || rrs[0].type == DNS_TYPE_OPT)
		return false;
	size_t len = 0;
	uint32_t t = TTL_MAX;
	for (size_t i = 0; i < n; i++) {
		if (rrs[i].type != rrs[0].type || rrs[i].rclass != rrs[0].rclass ||
		    !name_equal(rrs[i].owner, rrs[0].owner))
			return false;
		len += 2 + (size_t)rrs[i].rdlen;
		if (len > DATA_MAX)
			return false;
		t = min_u32(t, ttl_31(rrs[i].ttl));
	}
	*data_len = len;
	*ttl = t;
	return true;
}

/* ---- lookups ---- */

/* Copies e into out as cache.h describes, TTLs counted down to now_s. The caller holds the
 * shard's lock (read or write). */
static inline enum cache_res copy_out(const struct cache *c, const struct entry *e,
                                      uint32_t now_s,
                               struct cache_rrset *out, size_t cap, size_t *used)
{
	size_t head = sizeof(*out) + ((size_t)e->count + e->n_extra) * sizeof(struct wire_rr);
	const uint8_t *owner = e->bytes + (e->soa_owner_len ? e->owner_len : 0);
	size_t olen = e->soa_owner_len ? e->soa_owner_len : e->owner_len;
	*used = head + olen + e->data_len + e->extra_len;
	if (*used > cap)
		return CACHE_SPACE;

	/* A reader whose clock lags the writer's could see more than the stored TTL: cap it. */
	uint32_t cap_s = e->kind == KIND_RRSET ? c->lim.max_ttl_s : c->lim.max_neg_ttl_s;
	uint32_t ttl = min_u32(e->expiry_s - now_s, cap_s);
	uint8_t *p = (uint8_t *)out + head;
	memcpy(p, owner, olen);
	memcpy(p + olen, e->bytes + e->owner_len + e->soa_owner_len,
	       (size_t)e->data_len + e->extra_len);
	out->ttl_s = ttl;
	out->count = e->count;
	out->n_extra = e->n_extra;
	out->trust = e->trust;
	out->security = e->security;
	out->reason = e->reason;
	const uint8_t *d = p + olen;
	for (unsigned i = 0; i < e->count; i++) {
		uint16_t rdlen;
		memcpy(&rdlen, d, 2);
		out->rr[i] = (struct wire_rr){
		    .owner = p,
		    .type = e->kind == KIND_RRSET ? e->type : DNS_TYPE_SOA,
		    .rclass = e->rclass,
		    .ttl = ttl,
		    .rdlen = rdlen,
		    .rdata = d + 2,
		};
		d += 2 + rdlen;
	}
	for (unsigned i = e->count; i < (unsigned)e->count + e->n_extra; i++) {
		struct wire_rr *rr = &out->rr[i];
		rr->owner = d;
		d += name_len(d);
		memcpy(&rr->type, d, 2);
		memcpy(&rr->rdlen, d + 2, 2);
		rr->rclass = e->rclass;
		rr->ttl = ttl;
		rr->rdata = d + 4;
		d += 4 + rr->rdlen;
	}
	if (e->kind == KIND_NXDOMAIN)
		return CACHE_NXDOMAIN;
	return e->kind == KIND_NODATA ? CACHE_NODATA : CACHE_HIT;
}

/* Drops the entry for the key if it is still expired; a lookup met it under the read lock,
 * which cannot free. */
static void reclaim(const struct cache *c, struct shard *s, const struct ikey *k, uint32_t now_s)
{
	struct entry *garbage = NULL;
	shard_lock(c, s);
	struct entry **pp = find(s, k);
	if (*pp && !live(*pp, now_s)) {
		s->expired++;
		drop(s, pp, &garbage);
	}
	shard_unlock(c, s);
	free_list(garbage);
}

/* One key, one shard, under its read lock. Denials count as misses when rrset_only. */
static enum cache_res lookup(const struct cache *c, const struct ikey *k,
                             enum cache_trust min_trust, bool rrset_only, uint32_t now_s,
                             struct cache_rrset *out, size_t cap, size_t *used)
{
	struct shard *s = shard_of(c, k->hash);
	struct slot *slot = my_slot(c, s);
	enum cache_res res = CACHE_MISS;
	bool stale = false;

	pthread_rwlock_rdlock(&slot->lock);
	struct entry *e = *find(s, k);
	if (e && !live(e, now_s)) {
		stale = true;
	} else if (e && e->trust >= min_trust && (!rrset_only || e->kind == KIND_RRSET)) {
		res = copy_out(c, e, now_s, out, cap, used);
		/* Read first: a line every reader writes would bounce between cores. */
		if (!atomic_load_explicit(&e->referenced, memory_order_relaxed))
			atomic_store_explicit(&e->referenced, 1, memory_order_relaxed);
	}
	pthread_rwlock_unlock(&slot->lock);
	if (stale)
		reclaim(c, s, k, now_s);
	return res;
}

static void count_result(const struct cache *c, const struct shard *s, enum cache_res res)
{
	struct slot *slot = my_slot(c, s);
	if (res == CACHE_MISS)
		atomic_fetch_add_explicit(&slot->misses, 1, memory_order_relaxed);
	else if (res != CACHE_SPACE)
		atomic_fetch_add_explicit(&slot->hits, 1, memory_order_relaxed);
}

/* ---- the public functions ---- */

void cache_limits_default(struct cache_limits *l)
{
	l->max_ttl_s = CACHE_MAX_TTL_DEFAULT;
	l->min_ttl_s = 0;
	l->max_neg_ttl_s = CACHE_MAX_NEG_TTL_DEFAULT;
	l->nodata_no_soa_ttl_s = CACHE_NODATA_NO_SOA_TTL_DEFAULT;
	l->size_bytes = CACHE_SIZE_DEFAULT;
}

static bool slot_init(struct slot *sl)
{
	pthread_rwlockattr_t attr;
	if (pthread_rwlockattr_init(&attr))
		return false;
	/* glibc's default prefers readers: a busy read path would starve puts forever. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	int rc = pthread_rwlock_init(&sl->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	atomic_init(&sl->hits, 0);
	atomic_init(&sl->misses, 0);
	return rc == 0;
}

static bool shard_init(struct shard *s, struct slot *slots, unsigned nslots, size_t budget)
{
	s->slots = slots;
	s->tab = calloc(TABLE_MIN, sizeof(*s->tab));
	if (!s->tab)
		return false;
	for (unsigned i = 0; i < nslots; i++) {
		if (!slot_init(&slots[i])) {
			while (i--)
				pthread_rwlock_destroy(&slots[i].lock);
			free(s->tab);
			return false;
		}
	}
	s->mask = TABLE_MIN - 1;
	s->bytes = alloc_bytes(s->tab);
	s->budget = budget;
	return true;
}

static void shard_fini(struct shard *s, unsigned nslots)
{
	struct entry *e = s->oldest;
	while (e) {
		struct entry *next = e->newer;
		free(e);
		e = next;
	}
	free(s->tab);
	for (unsigned i = 0; i < nslots; i++)
		pthread_rwlock_destroy(&s->slots[i].lock);
}

/* Slots for the CPUs there are, a power of two, READ_SLOTS_MAX at most. */
static unsigned slot_count(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	unsigned n = 1;
	while (n < READ_SLOTS_MAX && (long)n < cpus)
		n *= 2;
	return n;
}

struct cache *cache_new(const struct cache_limits *l)
{
	if (l->size_bytes < CACHE_SIZE_MIN)
		return NULL;
	struct cache *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->lim = *l;
	c->lim.max_ttl_s = min_u32(l->max_ttl_s, TTL_MAX);
	c->lim.max_neg_ttl_s = min_u32(l->max_neg_ttl_s, TTL_MAX);
	if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) != sizeof(c->seed))
		c->seed = (uint64_t)(uintptr_t)c * 0x9e3779b97f4a7c15u; /* weaker, still varies */
	size_t n = l->size_bytes / SHARD_BYTES;
	c->nshards = n < 1 ? 1 : n > SHARDS_MAX ? SHARDS_MAX : n;
	c->nslots = slot_count();
	c->shards = aligned_alloc(CACHE_LINE, c->nshards * sizeof(struct shard));
	c->slots = aligned_alloc(CACHE_LINE, c->nshards * c->nslots * sizeof(struct slot));
	if (!c->shards || !c->slots)
		goto fail;
	memset(c->shards, 0, c->nshards * sizeof(struct shard));
	c->fixed_bytes = alloc_bytes(c) + alloc_bytes(c->shards) + alloc_bytes(c->slots);
	if (c->fixed_bytes >= l->size_bytes)
		goto fail;
	size_t budget = (l->size_bytes - c->fixed_bytes) / c->nshards;
	for (size_t i = 0; i < c->nshards; i++) {
		if (!shard_init(&c->shards[i], &c->slots[i * c->nslots], c->nslots, budget)) {
			while (i--)
				shard_fini(&c->shards[i], c->nslots);
			goto fail;
		}
	}
	return c;
fail:
	free(c->slots);
	free(c->shards);
	free(c);
	return NULL;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nshards; i++)
		shard_fini(&c->shards[i], c->nslots);
	free(c->slots);
	free(c->shards);
	free(c);
}

uint32_t cache_ttl(const struct cache *c, uint32_t ttl, bool negative)
{
	uint32_t cap = negative ? min_u32(c->lim.max_neg_ttl_s, c->lim.max_ttl_s) : c->lim.max_ttl_s;
	return ttl_limit(ttl_31(ttl), c->lim.min_ttl_s, cap);
}

enum cache_put_res cache_put(struct cache *c, const struct wire_rr *rrs, size_t n,
                             const struct cache_sec *sec, enum cache_trust trust, uint32_t now_s)
{
	size_t data_len, extra_len;
	uint32_t ttl;
	if (!trust_valid(trust) || !rrset_check(rrs, n, &data_len, &ttl) ||
	    !extra_check(sec, &extra_len))
		return CACHE_PUT_SKIPPED;
	ttl = sec_ttl(ttl_limit(ttl, c->lim.min_ttl_s, c->lim.max_ttl_s), sec);
	if (ttl == 0)
		return CACHE_PUT_SKIPPED; /* RFC 1035 §3.2.1: TTL 0 is not to be cached */

	struct entry *e = entry_new(rrs[0].owner, NULL, data_len, extra_len);
	if (!e)
		return CACHE_PUT_SKIPPED;
	e->hash = ikey_make(c, rrs[0].owner, rrs[0].type, rrs[0].rclass).hash;
	e->expiry_s = now_s + ttl;
	e->type = rrs[0].type;
	e->rclass = rrs[0].rclass;
	e->count = (uint16_t)n;
	e->trust = (uint8_t)trust;
	e->kind = KIND_RRSET;
	uint8_t *d = entry_data(e);
	for (size_t i = 0; i < n; i++)
		d = put_record(d, &rrs[i]);
	put_sec(e, sec);
	return insert(c, e, now_s);
}

enum cache_put_res cache_put_negative(struct cache *c, const struct cache_key *k, bool nxdomain,
                                      const struct wire_rr *soa, const struct cache_sec *sec,
                                      enum cache_trust trust, uint32_t now_s)
{
	uint16_t type = nxdomain ? TYPE_NXDOMAIN : k->type;
	size_t extra_len;
	if (!trust_valid(trust) || !extra_check(sec, &extra_len) || soa->type != DNS_TYPE_SOA ||
	    soa->rdlen < SOA_RDATA_MIN ||
	    soa->rclass != k->rclass || !name_is_subdomain(k->name, soa->owner) ||
	    (!nxdomain && (type == TYPE_NXDOMAIN || type == DNS_TYPE_OPT)))
		return CACHE_PUT_SKIPPED;

	/* RFC 2308 §5: the negative TTL is min(SOA TTL, SOA MINIMUM); MINIMUM ends the rdata. */
	struct buf_in in;
	buf_in_init(&in, soa->rdata + soa->rdlen - 4, 4);
	uint32_t ttl = min_u32(ttl_31(soa->ttl), ttl_31(buf_get_u32(&in)));
	ttl = ttl_limit(ttl, c->lim.min_ttl_s, min_u32(c->lim.max_neg_ttl_s, c->lim.max_ttl_s));
	ttl = sec_ttl(ttl, sec);
	if (ttl == 0)
		return CACHE_PUT_SKIPPED; /* RFC 2308 §5: a zero negative TTL is not cached */

	struct entry *e = entry_new(k->name, soa->owner, 2 + (size_t)soa->rdlen, extra_len);
	if (!e)
		return CACHE_PUT_SKIPPED;
	e->hash = ikey_make(c, k->name, type, k->rclass).hash;
	e->expiry_s = now_s + ttl;
	e->type = type;
	e->rclass = k->rclass;
	e->count = 1;
	e->trust = (uint8_t)trust;
	e->kind = nxdomain ? KIND_NXDOMAIN : KIND_NODATA;
	put_record(entry_data(e), soa);
	put_sec(e, sec);
	return insert(c, e, now_s);
}

enum cache_put_res cache_put_nodata(struct cache *c, const struct cache_key *k,
                                    const struct cache_sec *sec, enum cache_trust trust,
                                    uint32_t now_s)
{
	size_t extra_len;
	if (!trust_valid(trust) || !extra_check(sec, &extra_len) || k->type == TYPE_NXDOMAIN ||
	    k->type == DNS_TYPE_OPT)
		return CACHE_PUT_SKIPPED;
	uint32_t ttl = ttl_limit(c->lim.nodata_no_soa_ttl_s, c->lim.min_ttl_s,
	                         min_u32(c->lim.max_neg_ttl_s, c->lim.max_ttl_s));
	ttl = sec_ttl(ttl, sec);
	if (c->lim.nodata_no_soa_ttl_s == 0 || ttl == 0)
		return CACHE_PUT_SKIPPED;
	struct entry *e = entry_new(k->name, NULL, 0, extra_len);
	if (!e)
		return CACHE_PUT_SKIPPED;
	e->hash = ikey_make(c, k->name, k->type, k->rclass).hash;
	e->expiry_s = now_s + ttl;
	e->type = k->type;
	e->rclass = k->rclass;
	e->count = 0;
	e->trust = (uint8_t)trust;
	e->kind = KIND_NODATA;
	put_sec(e, sec);
	return insert(c, e, now_s);
}

enum cache_res cache_get(struct cache *c, const struct cache_key *k, enum cache_trust min_trust,
                         uint32_t now_s, struct cache_rrset *out, size_t cap, size_t *used)
{
	struct ikey key = ikey_make(c, k->name, k->type, k->rclass);
	*used = 0;
	enum cache_res res = lookup(c, &key, min_trust, false, now_s, out, cap, used);
	if (res == CACHE_MISS && k->type != TYPE_NXDOMAIN) {
		/* RFC 2308 §5: an NXDOMAIN denial answers every type at the name. */
		struct ikey nx = ikey_make(c, k->name, TYPE_NXDOMAIN, k->rclass);
		res = lookup(c, &nx, min_trust, false, now_s, out, cap, used);
	}
	count_result(c, shard_of(c, key.hash), res);
	return res;
}

enum cache_res cache_get_cut(struct cache *c, const uint8_t *name, uint16_t rclass, uint32_t now_s,
                             struct cache_rrset *out, size_t cap, size_t *used)
{
	enum cache_res res = CACHE_MISS;
	struct ikey key;
	*used = 0;
	for (const uint8_t *n = name;; n = name_parent(n)) {
		key = ikey_make(c, n, DNS_TYPE_NS, rclass);
		res = lookup(c, &key, CACHE_TRUST_GLUE, true, now_s, out, cap, used);
		if (res != CACHE_MISS || n[0] == 0)
			break;
	}
	count_result(c, shard_of(c, key.hash), res);
	return res;
}

/* Drops, shard by shard, every entry match says yes to (arg is its own); expired says they
 * count as expired rather than flushed. Returns how many. */
static size_t drop_matching(struct cache *c, bool (*match)(const struct entry *, const void *),
                            const void *arg, bool expired)
{
	size_t n = 0;
	for (size_t i = 0; i < c->nshards; i++) {
		struct shard *s = &c->shards[i];
		struct entry *garbage = NULL;
		shard_lock(c, s);
		for (struct entry *e = s->oldest, *next; e; e = next) {
			next = e->newer;
			if (match(e, arg)) {
				s->expired += expired;
				n++;
				drop(s, link_of(s, e), &garbage);
			}
		}
		shard_unlock(c, s);
		free_list(garbage);
	}
	return n;
}

static bool is_expired(const struct entry *e, const void *now_s)
{
	return !live(e, *(const uint32_t *)now_s);
}

size_t cache_expire(struct cache *c, uint32_t now_s)
{
	return drop_matching(c, is_expired, &now_s, true);
}

void cache_stats(struct cache *c, struct cache_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->bytes = c->fixed_bytes;
	for (size_t i = 0; i < c->nshards; i++) {
		struct shard *s = &c->shards[i];
		for (unsigned j = 0; j < c->nslots; j++) {
			st->hits += atomic_load_explicit(&s->slots[j].hits, memory_order_relaxed);
			st->misses +=
			    atomic_load_explicit(&s->slots[j].misses, memory_order_relaxed);
		}
		pthread_rwlock_rdlock(&s->slots[0].lock); /* any slot keeps writers out */
		st->insertions += s->insertions;
		st->evictions += s->evictions;
		st->expired += s->expired;
		st->entries += s->count;
		st->bytes += s->bytes;
		pthread_rwlock_unlock(&s->slots[0].lock);
	}
}

/* ---- operating the cache: flushing and listing (cache.h's last part) ---- */

static bool filter_match(const struct cache_filter *f, const struct entry *e)
{
	if (!f)
		return true;
	if (f->negative_only && e->kind == KIND_RRSET)
		return false;
	if (f->bogus_only && e->security != CACHE_SEC_BOGUS)
		return false;
	if (f->type && e->type != f->type)
		return false;
	if (!f->name)
		return true;
	if (f->below)
		return name_is_subdomain(e->bytes, f->name);
	return e->owner_len == name_len(f->name) && names_equal(e->bytes, f->name, e->owner_len);
}

static bool filtered(const struct entry *e, const void *f)
{
	return filter_match(f, e);
}

size_t cache_flush(struct cache *c, const struct cache_filter *f)
{
	return drop_matching(c, filtered, f, false);
}

/* One entry copied out by cache_walk: the item, then its owner name, then the copy. */
struct walked {
	struct cache_item item;
	uint8_t name[NAME_MAX_WIRE];
	_Alignas(struct cache_rrset) uint8_t set[];
};

/* The live entries of shard s that f matches, copied, into *out (n of them); false when
 * memory is short. Under the shard's read lock, which is held for copies only. */
static bool walk_shard(const struct cache *c, struct shard *s, const struct cache_filter *f,
                       uint32_t now_s, struct walked ***out, size_t *n)
{
	size_t cap = 0;
	bool ok = true;
	*out = NULL;
	*n = 0;
	pthread_rwlock_rdlock(&s->slots[0].lock); /* any slot keeps writers out */
	for (struct entry *e = s->oldest; e && ok; e = e->newer) {
		if (!live(e, now_s) || !filter_match(f, e))
			continue;
		size_t used;
		copy_out(c, e, now_s, NULL, 0, &used); /* CACHE_SPACE: how much it takes */
		struct walked *w = malloc(sizeof(*w) + used);
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			struct walked **v = realloc(*out, cap * sizeof(*v));
			ok = v != NULL;
			if (v)
				*out = v;
		}
		if (!w || !ok) {
			free(w);
			ok = false;
			break;
		}
		memcpy(w->name, e->bytes, e->owner_len);
		struct cache_rrset *set = (struct cache_rrset *)w->set;
		w->item = (struct cache_item){ w->name, e->type,
		                               copy_out(c, e, now_s, set, used, &used), set };
		(*out)[(*n)++] = w;
	}
	pthread_rwlock_unlock(&s->slots[0].lock);
	return ok;
}

size_t cache_walk(struct cache *c, const struct cache_filter *f, uint32_t now_s,
                  cache_walk_fn fn, void *arg)
{
	size_t shown = 0;
	for (size_t i = 0; i < c->nshards; i++) {
		struct walked **v;
		size_t n;
		walk_shard(c, &c->shards[i], f, now_s, &v, &n); /* short of memory: what it has */
		for (size_t k = 0; k < n; k++) {
			fn(arg, &v[k]->item); /* no lock held: the workers go on */
			free(v[k]);
		}
		free(v);
		shown += n;
	}
	return shown;
}
