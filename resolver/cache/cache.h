/* resolver/cache/cache.h: the RRset cache and negative cache, shared by all worker threads.
 *
 * Entries are keyed by (owner name, type, class), names compared ignoring ASCII case. An entry
 * is a positive RRset, a NODATA denial for one name and type, or an NXDOMAIN denial for a whole
 * name; a denial keeps the SOA that proves it (RFC 2308). Each entry remembers the trust of the
 * section it was learnt from (RFC 2181 §5.4.1) and its expiry time: TTLs are capped and floored
 * by struct cache_limits when stored and count down to the caller's now_s when read. Zone cuts
 * are NS RRsets like any other, and the servers' addresses are A/AAAA entries (glue is stored
 * with CACHE_TRUST_GLUE); cache_get_cut finds the deepest cached cut above a name.
 *
 * Memory is bounded: every byte the cache takes from malloc (entries, hash tables, the cache
 * itself, and the allocator's per-chunk overhead) counts against limits.size_bytes, and the
 * least recently used entries are evicted to stay within it. Expired entries are never served;
 * their memory is reclaimed when they are next looked up, when a put or eviction meets them,
 * and by cache_expire.
 *
 * What it does not do: deciding what is in bailiwick or which section a record came from is
 * the iterator's scrubber; building replies is the server's. Nothing here reads the clock.
 *
 * Locking: the cache is split into shards by key hash. Each shard has a reader-writer lock per
 * CPU (up to eight; more CPUs share them): cache_get and cache_get_cut read-lock only the one
 * of the CPU they run on, in one shard at a time, and copy the entry out into the caller's
 * buffer before unlocking, so no pointer into the cache escapes its lock, a hit allocates
 * nothing, and threads reading the same names do not contend. Puts, evictions and reclaiming
 * write-lock all of one shard's locks, one shard at a time. Every function may be called from
 * any thread, except cache_new and cache_free.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CACHE_H
#define RESOLVER_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define CACHE_MAX_TTL_DEFAULT 86400u    /* max-ttl: one day */
#define CACHE_MAX_NEG_TTL_DEFAULT 3600u /* max-negative-ttl: one hour */
#define CACHE_NODATA_NO_SOA_TTL_DEFAULT 10u /* nodata-no-soa-ttl: ten seconds */
#define CACHE_SIZE_DEFAULT (64u << 20)  /* cache-size: 64 MiB */
#define CACHE_SIZE_MIN (16u << 10)      /* the smallest cache-size cache_new accepts */

/* Filled by the caller, from the configuration. */
struct cache_limits {
	uint32_t max_ttl_s;     /* max-ttl: caps every TTL, so a mistaken or forged long TTL
	                           cannot pin a record for weeks */
	uint32_t min_ttl_s;     /* min-ttl: floors every TTL (then the caps apply), so tiny TTLs
	                           cannot turn each query into an upstream one */
	uint32_t max_neg_ttl_s; /* max-negative-ttl: caps NXDOMAIN/NODATA lifetime, so a name
	                           that comes into existence is seen soon */
	uint32_t nodata_no_soa_ttl_s; /* nodata-no-soa-ttl: the life of a NODATA that came
	                           without an SOA (no TTL of its own to go by); short, so a
	                           name that gets data is seen soon; 0: not cached */
	size_t size_bytes;      /* cache-size: all the memory the cache holds, tables and
	                           allocator overhead included; stops memory exhaustion */
};

/* RFC 2181 §5.4.1 ranks, least trusted first. A put is ignored while a live entry of higher
 * trust holds the same key; a put of equal or higher trust replaces it. Clients are answered
 * only from CACHE_TRUST_ANSWER and above: the three lowest ranks are never client answers. */
enum cache_trust {
	CACHE_TRUST_GLUE = 1,       /* additional section of a non-authoritative reply: the
	                               addresses (glue) of a referral */
	CACHE_TRUST_AUTHORITY,      /* authority section of a non-authoritative reply: the NS
	                               RRset of a referral */
	CACHE_TRUST_ADDITIONAL,     /* additional section of an authoritative reply */
	CACHE_TRUST_ANSWER,         /* answer section of a non-authoritative reply, and
	                               non-authoritative data in an authoritative answer section */
	CACHE_TRUST_AUTHORITY_AUTH, /* authority section of an authoritative reply (the zone's own
	                               NS, the SOA of a denial) */
	CACHE_TRUST_ANSWER_AUTH,    /* answer section of an authoritative reply */
};

/* DNSSEC (RFC 4035 §4.3): what validation made of an entry when it was stored. The cache only
 * keeps it; the validator decides it. A live SECURE entry is never replaced by a BOGUS one,
 * whatever the trust: a forged reply must not push out what was proven. */
enum cache_security {
	CACHE_SEC_UNCHECKED = 0, /* not validated: validation off, or data no chain covers
	                            (glue, a referral's NS set) */
	CACHE_SEC_SECURE,        /* a chain of trust from an anchor signs it */
	CACHE_SEC_INSECURE,      /* proven to lie below an unsigned delegation */
	CACHE_SEC_BOGUS,         /* it should have been signed and is not, or not right */
};

/* The DNSSEC side of a put, kept with the entry and given back with it. */
struct cache_sec {
	enum cache_security security;
	uint8_t reason;              /* why not secure, in the validator's terms (enum
	                                val_reason; opaque here): for the EDE of a bogus hit */
	const struct wire_rr *extra; /* records travelling with the entry to DO=1 clients: the
	                                RRSIGs of an RRset; for a denial its proof (the SOA's
	                                RRSIGs, NSEC or NSEC3 records and their RRSIGs) */
	size_t n_extra;
	uint32_t ttl_cap_s;          /* the TTL is capped by it too when not 0: the validator's
	                                limit (RRSIG expiry, original TTL, bogus-ttl) */
};

struct cache_key {
	const uint8_t *name; /* uncompressed wire form, any case */
	uint16_t type, rclass;
};

enum cache_res {
	CACHE_MISS = 0, /* nothing live with enough trust */
	CACHE_HIT,      /* out holds the RRset */
	CACHE_NXDOMAIN, /* the name does not exist; out holds the SOA (RFC 2308 §5) */
	CACHE_NODATA,   /* the name has no RRset of this type; out holds the SOA */
	CACHE_SPACE,    /* an entry is there, but out is too small: *used says how much it needs */
};

enum cache_put_res {
	CACHE_PUT_STORED,  /* the entry replaced whatever the key held */
	CACHE_PUT_KEPT,    /* a live entry of higher trust stays; the new data is dropped */
	CACHE_PUT_SKIPPED, /* not cacheable: TTL 0 after the limits, records that are not one
	                      RRset, more than 65535 bytes of rdata, bigger than the cache allows,
	                      or memory short */
};

/* What cache_get and cache_get_cut write at the start of out. The records follow the header
 * as an array of struct wire_rr, so the server can pass set->rr straight to wire_build_rrset;
 * their owner and rdata point further into the same buffer (one shared owner name, then the
 * rdata, uncompressed), so they stay valid as long as the buffer and no longer. Every record's
 * ttl is ttl_s. For CACHE_NXDOMAIN and CACHE_NODATA, count is 1 and rr[0] is the SOA: its owner
 * is the zone apex and its TTL the negative TTL left; count is 0 for a NODATA stored without
 * an SOA (cache_put_nodata). */
struct cache_rrset {
	uint32_t ttl_s;    /* seconds left: the stored TTL counted down to now_s */
	uint16_t count;    /* records in rr */
	uint16_t n_extra;  /* struct cache_sec's extra records, after them in rr: each with
	                      its own owner and type, all with ttl_s */
	uint8_t trust;     /* the enum cache_trust it was stored with */
	uint8_t security;  /* the enum cache_security it was stored with */
	uint8_t reason;    /* and struct cache_sec's reason */
	struct wire_rr rr[];
};

/* Counters, summed over the shards at the moment of the call. */
struct cache_stats {
	uint64_t hits;       /* cache_get and cache_get_cut calls answered (records or denial) */
	uint64_t misses;     /* calls that found nothing live with enough trust */
	uint64_t insertions; /* entries stored (CACHE_PUT_STORED) */
	uint64_t evictions;  /* live entries dropped to stay within size_bytes */
	uint64_t expired;    /* expired entries whose memory was reclaimed */
	size_t entries;      /* entries held now */
	size_t bytes;        /* memory held now, counted as for size_bytes */
};

/* Fills l with the defaults: max-ttl one day, min-ttl 0, max-negative-ttl one hour,
 * nodata-no-soa-ttl ten seconds, cache-size CACHE_SIZE_DEFAULT. */
void cache_limits_default(struct cache_limits *l);

/* A new empty cache within the limits l (copied). A max_ttl_s or max_neg_ttl_s over
 * 2^31 - 1 is taken as 2^31 - 1 (RFC 2181 §8). Returns NULL when l->size_bytes is below
 * CACHE_SIZE_MIN or memory is short. Free it with cache_free(). */
struct cache *cache_new(const struct cache_limits *l);

/* The TTL a record learnt with ttl gets in this cache: floored by min_ttl_s, capped by
 * max_ttl_s, or by max_neg_ttl_s for the SOA of a denial (negative). A fresh answer is given
 * to clients with it, so that it says what the cache will say later. */
uint32_t cache_ttl(const struct cache *c, uint32_t ttl, bool negative);

/* Frees the cache and all its entries; cache_free(NULL) does nothing. No other thread may be
 * using it. */
void cache_free(struct cache *c);

/* Stores the RRset rrs[0..n-1] (n >= 1, all with the same owner, type and class; not type 0 or
 * OPT), learnt with the given trust at now_s, with its DNSSEC side sec (NULL: unchecked, no
 * extra records; extra records over 65535 bytes in all make the put SKIPPED). Its TTL is the smallest of the records' TTLs
 * (RFC 2181 §5.2), floored by min_ttl_s and capped by max_ttl_s. The RRset replaces any entry
 * for its key (including a NODATA denial) unless a live one of higher trust holds the key.
 * Returns CACHE_PUT_STORED, CACHE_PUT_KEPT or CACHE_PUT_SKIPPED. The records are copied;
 * nothing of rrs is kept. Takes one shard's write lock; may evict other entries. */
enum cache_put_res cache_put(struct cache *c, const struct wire_rr *rrs, size_t n,
                             const struct cache_sec *sec, enum cache_trust trust, uint32_t now_s);

/* Stores a denial proven by soa (type SOA, owner an ancestor of k->name or k->name itself,
 * the SOA of the zone that denied it), with its DNSSEC side sec as for cache_put: NXDOMAIN for the whole name when nxdomain is true
 * (k->type is then ignored), otherwise NODATA for k->type. Its TTL is min(SOA TTL, SOA MINIMUM)
 * (RFC 2308 §5), floored by min_ttl_s and capped by max_neg_ttl_s. Replacement and trust are
 * as for cache_put. Returns as cache_put; CACHE_PUT_SKIPPED too for an SOA that does not fit
 * the name. The SOA is copied. */
enum cache_put_res cache_put_negative(struct cache *c, const struct cache_key *k, bool nxdomain,
                                      const struct wire_rr *soa, const struct cache_sec *sec,
                                      enum cache_trust trust, uint32_t now_s);

/* Stores a NODATA denial of k->type at k->name that came without an SOA (a server that sends
 * none, against RFC 2308 §2.2): with no TTL to go by, it lives nodata_no_soa_ttl_s (floored by
 * min_ttl_s, capped by max_neg_ttl_s; 0: SKIPPED). cache_get gives it as CACHE_NODATA with
 * count 0 (no SOA record). Otherwise as cache_put_negative. */
enum cache_put_res cache_put_nodata(struct cache *c, const struct cache_key *k,
                                    const struct cache_sec *sec, enum cache_trust trust,
                                    uint32_t now_s);

/* Looks k up at now_s and copies what is live, with trust at least min_trust, into out (cap
 * bytes, aligned as struct cache_rrset: from malloc, or declared with
 * _Alignas(struct cache_rrset)): an RRset (CACHE_HIT), or the SOA of a NODATA denial for
 * k->type or of an NXDOMAIN denial of k->name (an RRset or NODATA entry for the key takes
 * precedence over an NXDOMAIN entry for the name). Clients are answered with min_trust
 * CACHE_TRUST_ANSWER; the iterator may read glue with CACHE_TRUST_GLUE. *used is set to the
 * bytes written, or for CACHE_SPACE to the bytes needed. Returns CACHE_MISS, CACHE_HIT,
 * CACHE_NXDOMAIN, CACHE_NODATA or CACHE_SPACE. Allocates nothing; takes read locks, and the
 * write lock of one shard only to reclaim an expired entry it met. */
enum cache_res cache_get(struct cache *c, const struct cache_key *k, enum cache_trust min_trust,
                         uint32_t now_s, struct cache_rrset *out, size_t cap, size_t *used);

/* The closest known zone cut at or above name: walks from name towards the root, one lookup
 * per label, and copies the first live NS RRset of class rclass it meets (any trust) into out,
 * as cache_get does; out->rr[0].owner is the cut. Returns CACHE_HIT, CACHE_MISS (no cut cached,
 * not even the root's: start from the root hints) or CACHE_SPACE. The servers' addresses are
 * read with cache_get(ns name, A or AAAA, CACHE_TRUST_GLUE). Locking as cache_get. */
enum cache_res cache_get_cut(struct cache *c, const uint8_t *name, uint16_t rclass, uint32_t now_s,
                             struct cache_rrset *out, size_t cap, size_t *used);

/* Reclaims the memory of every entry expired at now_s, one shard at a time, and returns how
 * many it freed. The daemon calls it from a timer; the other functions reclaim only what they
 * meet. */
size_t cache_expire(struct cache *c, uint32_t now_s);

/* Fills s with the counters. Takes each shard's read lock in turn. */
void cache_stats(struct cache *c, struct cache_stats *s);

/* ---- operating the cache: flushing and listing (resolverd-ctl) ---- */

/* Which entries cache_flush and cache_walk touch. */
struct cache_filter {
	const uint8_t *name; /* NULL: every name; else this name (any case) */
	bool below;          /* with name: the name and every name under it */
	uint16_t type;       /* 0: every type, NXDOMAIN denials included; else entries of this
	                        type only (its RRset or its NODATA denial) */
	bool negative_only;  /* only NXDOMAIN and NODATA denials */
	bool bogus_only;     /* only entries stored as CACHE_SEC_BOGUS */
};

/* Drops every entry that f matches, live or expired, one shard at a time (write lock), and
 * returns how many it dropped. The next lookup of a dropped key is a miss. */
size_t cache_flush(struct cache *c, const struct cache_filter *f);

/* One live entry as cache_walk shows it. */
struct cache_item {
	const uint8_t *name;          /* the key's owner name */
	uint16_t type;                /* the key's type: the RRset's, the type a NODATA denial
	                                 denies, 0 for an NXDOMAIN denial */
	enum cache_res kind;          /* CACHE_HIT (an RRset), CACHE_NXDOMAIN or CACHE_NODATA */
	const struct cache_rrset *set; /* as cache_get copies it out, TTLs counted down to now */
};

typedef void (*cache_walk_fn)(void *arg, const struct cache_item *item);

/* Calls fn for every live entry at now_s that f (NULL: all) matches, shard by shard, in no
 * particular order, and returns how many it showed. Each shard's entries are copied under
 * its read lock, and fn runs on the copies with no lock held, so that its work (formatting a
 * dump) never holds up a worker. item and what it points to live for the call only. Entries
 * it cannot copy (memory short) are left out. */
size_t cache_walk(struct cache *c, const struct cache_filter *f, uint32_t now_s,
                  cache_walk_fn fn, void *arg);

#endif
