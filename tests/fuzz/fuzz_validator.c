/* tests/fuzz/fuzz_validator.c: libFuzzer target for resolver/validator.
 *
 * The input is a DNS message; when wire_parse accepts it, its records feed every entry point
 * of the validator as a reply would: the first RRset with the RRSIGs and DNSKEYs of the
 * message (the zone being the first DNSKEY's owner, else the question's), the DNSKEY set with
 * the message's DS records, and each kind of denial proof over its NSEC and NSEC3 records for
 * the question. The time is the message's ID and flags, so the corpus can hold signatures
 * that are valid then. Nothing may crash or hang, and the answers must keep the contracts:
 * states and reasons in range, secure only with VAL_R_OK, the budget never past its limits.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "dns.h"
#include "val.h"
#include "val_denial.h"
#include "val_sig.h"
#include "wire.h"

#define MAX_RRS 256

struct parts {
	struct wire_rr set[MAX_RRS], sigs[MAX_RRS], keys[MAX_RRS], ds[MAX_RRS], all[MAX_RRS];
	size_t n_set, n_sigs, n_keys, n_ds, n_all;
};

static void add(struct wire_rr *arr, size_t *n, const struct wire_rr *rr)
{
	if (*n < MAX_RRS)
		arr[(*n)++] = *rr;
}

/* Sorts the message's records into the validator's inputs. */
static void split(const struct wire_msg *m, struct parts *p)
{
	p->n_set = p->n_sigs = p->n_keys = p->n_ds = p->n_all = 0;
	for (int s = 0; s < 3; s++) {
		for (uint16_t i = 0; i < m->n[s]; i++) {
			const struct wire_rr *rr = &m->rr[s][i];
			add(p->all, &p->n_all, rr);
			if (rr->type == DNS_TYPE_RRSIG)
				add(p->sigs, &p->n_sigs, rr);
			else if (rr->type == DNS_TYPE_DNSKEY)
				add(p->keys, &p->n_keys, rr);
			else if (rr->type == DNS_TYPE_DS)
				add(p->ds, &p->n_ds, rr);
			else if (p->n_set == 0 || (rr->type == p->set[0].type &&
			                           name_equal(rr->owner, p->set[0].owner)))
				add(p->set, &p->n_set, rr);
		}
	}
}

static void check_budget(const struct val_budget *b)
{
	if (b->sig_checks > b->limits->sig_checks || b->nsec3_hashes > b->limits->nsec3_hashes)
		abort();
}

static void check_verdict(enum val_state st, enum val_reason r)
{
	if ((unsigned)st > VAL_BOGUS || (unsigned)r >= VAL_R_COUNT || !val_reason_str(r))
		abort();
	if ((st == VAL_SECURE) != (r == VAL_R_OK))
		abort();
	int ede = val_reason_ede(r);
	if (ede < -1 || ede > 65535)
		abort();
}

static void fuzz_sigs(const struct parts *p, const uint8_t *zone, uint32_t now,
                      struct val_budget *b)
{
	struct val_info info;
	if (p->n_set > 0) {
		enum val_state st = val_verify_rrset(p->set, p->n_set, p->sigs, p->n_sigs, p->keys,
		                                     p->n_keys, zone, now, b, &info);
		check_verdict(st, info.reason);
		if (st == VAL_SECURE &&
		    (!name_equal(info.signer, zone) || info.ttl_s > p->set[0].ttl))
			abort();
	}
	if (p->n_keys > 0) {
		enum val_state st = val_verify_dnskeys(p->keys, p->n_keys, p->sigs, p->n_sigs,
		                                       p->ds, p->n_ds, now, b, &info);
		check_verdict(st, info.reason);
	}
	for (size_t i = 0; i < p->n_sigs; i++) {
		struct val_rrsig s;
		if (val_rrsig_parse(&p->sigs[i], &s) &&
		    s.sig + s.sig_len != p->sigs[i].rdata + p->sigs[i].rdlen)
			abort(); /* the signature runs to the end of the rdata */
	}
	for (size_t i = 0; i < p->n_ds && i < 8; i++)
		for (size_t k = 0; k < p->n_keys && k < 8; k++)
			val_ds_matches(&p->ds[i], &p->keys[k]);
	check_budget(b);
}

static void fuzz_denial(const struct wire_msg *m, const struct parts *p, const uint8_t *zone,
                        struct val_budget *b)
{
	static const enum val_denial_kind kinds[] = {VAL_DENY_NXDOMAIN, VAL_DENY_NODATA,
	                                             VAL_DENY_WILDCARD, VAL_DENY_WILDCARD_NODATA,
	                                             VAL_DENY_NO_DS};
	if (!m->has_question)
		return;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct val_denial_query q = {kinds[k], m->q.name, m->q.type, zone,
		                             name_parent(m->q.name)};
		enum val_reason r;
		enum val_state st = val_prove_denial(&q, p->all, p->n_all, b, &r);
		check_verdict(st, r);
		check_budget(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct parts p;
	struct arena *a = arena_new();
	struct wire_msg m;
	if (a && wire_parse(data, size, a, &m) == ERR_OK) {
		split(&m, &p);
		const uint8_t *zone = p.n_keys         ? p.keys[0].owner
		                      : m.has_question ? name_parent(m.q.name)
		                                       : (const uint8_t *)"";
		struct val_limits l;
		struct val_budget b;
		val_limits_default(&l);
		l.sig_checks = 16; /* enough for the corpus, small enough for a fast fuzzer */
		l.nsec3_iterations = 20;
		val_budget_init(&b, &l);
		fuzz_sigs(&p, zone, (uint32_t)m.id << 16 | m.flags, &b);
		fuzz_denial(&m, &p, zone, &b);
	}
	arena_free(a);
	return 0;
}
