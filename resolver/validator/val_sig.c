/* resolver/validator/val_sig.c: verifying an RRset's RRSIGs against a zone's DNSKEYs.
 *
 * The checks of RFC 4035 §5.3.1 on each RRSIG, cheapest first, then the signed data of RFC
 * 4034 §3.1.8.1 in the canonical form of §6 and one libcrypto verification per candidate key,
 * all within the budget's limits. Key tags and DS matching are in val_key.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "val_priv.h"
#include "val_sig.h"

#define RRSIG_FIXED 18 /* type covered .. key tag: the RRSIG rdata before the signer */

struct verify {
	const struct wire_rr *set;
	size_t n;
	const struct wire_rr *keys;
	size_t n_keys;
	const uint8_t *zone;
	uint32_t now_s;
	struct val_budget *budget;
};

/* How far an RRSIG got: a failure of higher rank is the one reported; a limit above all. */
static int rank(enum val_reason r)
{
	static const int ranks[VAL_R_COUNT] = {
		[VAL_R_MALFORMED] = 1,     [VAL_R_SIGNER] = 2,        [VAL_R_LABELS] = 3,
		[VAL_R_NO_KEY] = 4,        [VAL_R_SIG_EXPIRED] = 5,   [VAL_R_SIG_NOT_YET] = 5,
		[VAL_R_SIG_INVALID] = 6,   [VAL_R_LIMIT_KEYTAG] = 7,  [VAL_R_LIMIT_RRSIGS] = 8,
		[VAL_R_LIMIT_SIGS] = 9,    [VAL_R_NOMEM] = 10,
	};
	return ranks[r];
}

static bool consistent(const struct wire_rr *set, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (set[i].type != set[0].type || set[i].rclass != set[0].rclass ||
		    !name_equal(set[i].owner, set[0].owner))
			return false;
	return n > 0;
}

/* The owner's labels as the RRSIG labels field counts them: a leading "*" not counted
 * (RFC 4034 §3.1.3). */
static unsigned sig_labels(const uint8_t *owner)
{
	unsigned n = name_labels(owner);
	return owner[0] == 1 && owner[1] == '*' ? n - 1 : n;
}

/* RFC 4034 §3.1.5: times compare in serial number arithmetic (RFC 1982), so that they wrap
 * in 2106 and not before. */
static enum val_reason check_time(const struct val_rrsig *s, uint32_t now_s)
{
	if ((uint32_t)(now_s - s->inception) > 0x7FFFFFFFu)
		return VAL_R_SIG_NOT_YET;
	if ((uint32_t)(s->expiration - now_s) > 0x7FFFFFFFu)
		return VAL_R_SIG_EXPIRED;
	return VAL_R_OK;
}

static bool key_fits(const struct wire_rr *key, const struct val_rrsig *s, const uint8_t *zone)
{
	struct val_dnskey k;
	return rdata_dnskey(key, &k) && name_equal(key->owner, zone) &&
	       (k.flags & VAL_DNSKEY_ZONE) && !(k.flags & VAL_DNSKEY_REVOKE) && k.protocol == 3 &&
	       k.algorithm == s->algorithm && val_key_tag(key->rdata, key->rdlen) == s->key_tag;
}

struct canon_rd {
	const uint8_t *p;
	size_t len;
};

/* RFC 4034 §6.3: RRs sorted by their canonical rdata as left-justified octet strings. */
static int canon_cmp(const void *a, const void *b)
{
	const struct canon_rd *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The canonical owner (RFC 4035 §5.3.2): lowercased, and for a wildcard expansion "*." and
 * the owner's last labels-field labels. */
static void canon_owner(const uint8_t *owner, uint8_t labels, uint8_t out[NAME_MAX_WIRE])
{
	unsigned n = name_labels(owner);
	const uint8_t *tail = owner;
	if (labels < sig_labels(owner)) {
		while (n-- > labels)
			tail = name_parent(tail);
		out[0] = 1;
		out[1] = '*';
		memcpy(out + 2, tail, name_len(tail));
	} else {
		memcpy(out, owner, name_len(owner));
	}
	name_lower(out);
}

/* Writes the RRs of the set in canonical form and order after the RRSIG prefix at out.
 * Returns the bytes written. rd has room for the sum of the rdata lengths. */
static size_t put_rrs(const struct verify *v, const struct val_rrsig *s, uint8_t *out, uint8_t *rd,
                      struct canon_rd *idx)
{
	uint8_t owner[NAME_MAX_WIRE];
	canon_owner(v->set[0].owner, s->labels, owner);
	size_t olen = name_len(owner), at = 0, used = 0;
	for (size_t i = 0; i < v->n; i++) {
		canon_rdata(v->set[i].type, v->set[i].rdata, v->set[i].rdlen, rd + used);
		idx[i] = (struct canon_rd){rd + used, v->set[i].rdlen};
		used += v->set[i].rdlen;
	}
	qsort(idx, v->n, sizeof(*idx), canon_cmp);
	for (size_t i = 0; i < v->n; i++) {
		if (i > 0 && canon_cmp(&idx[i - 1], &idx[i]) == 0)
			continue; /* RFC 4034 §6.3: duplicates are not signed twice */
		uint8_t hdr[10] = {(uint8_t)(v->set[0].type >> 8),   (uint8_t)v->set[0].type,
		                   (uint8_t)(v->set[0].rclass >> 8), (uint8_t)v->set[0].rclass,
		                   (uint8_t)(s->orig_ttl >> 24),     (uint8_t)(s->orig_ttl >> 16),
		                   (uint8_t)(s->orig_ttl >> 8),      (uint8_t)s->orig_ttl,
		                   (uint8_t)(idx[i].len >> 8),       (uint8_t)idx[i].len};
		memcpy(out + at, owner, olen);
		memcpy(out + at + olen, hdr, sizeof(hdr));
		memcpy(out + at + olen + sizeof(hdr), idx[i].p, idx[i].len);
		at += olen + sizeof(hdr) + idx[i].len;
	}
	return at;
}

/* The signed data of RFC 4034 §3.1.8.1 in a new buffer (the caller frees it), or NULL. */
static uint8_t *signed_data(const struct verify *v, const struct wire_rr *sig_rr,
                            const struct val_rrsig *s, size_t *len)
{
	size_t slen = name_len(s->signer), rd_total = 0;
	for (size_t i = 0; i < v->n; i++)
		rd_total += v->set[i].rdlen;
	/* each record: owner (<= 255), 10 header octets, its rdata; counts are bounded by the
	 * caller's arrays, so the sums cannot wrap on a 64-bit size_t with 16-bit rdlens */
	size_t cap = RRSIG_FIXED + slen + v->n * (NAME_MAX_WIRE + 10) + rd_total;
	uint8_t *out = malloc(cap), *rd = malloc(rd_total + 1);
	struct canon_rd *idx = malloc(v->n * sizeof(*idx));
	if (out && rd && idx) {
		memcpy(out, sig_rr->rdata, RRSIG_FIXED);
		memcpy(out + RRSIG_FIXED, s->signer, slen); /* lowercased by val_rrsig_parse */
		*len = RRSIG_FIXED + slen + put_rrs(v, s, out + RRSIG_FIXED + slen, rd, idx);
	} else {
		free(out);
		out = NULL;
	}
	free(rd);
	free(idx);
	return out;
}

/* Tries the keys that fit s, at most keys_per_tag of them, each counted in the budget. */
static enum val_reason try_keys(const struct verify *v, const struct val_rrsig *s,
                                const uint8_t *data, size_t len)
{
	const struct val_limits *l = v->budget->limits;
	unsigned tried = 0;
	for (size_t i = 0; i < v->n_keys; i++) {
		if (!key_fits(&v->keys[i], s, v->zone))
			continue;
		if (tried++ == l->keys_per_tag)
			return VAL_R_LIMIT_KEYTAG;
		if (v->budget->sig_checks >= l->sig_checks)
			return VAL_R_LIMIT_SIGS;
		v->budget->sig_checks++;
		struct val_dnskey k;
		rdata_dnskey(&v->keys[i], &k);
		enum val_reason r =
		    crypto_verify(s->algorithm, k.key, k.key_len, data, len, s->sig, s->sig_len);
		if (r != VAL_R_SIG_INVALID)
			return r;
	}
	return VAL_R_SIG_INVALID;
}

/* All the checks of one RRSIG that applies to the set: VAL_R_OK when it verifies. */
static enum val_reason try_rrsig(const struct verify *v, const struct wire_rr *sig_rr,
                                 const struct val_rrsig *s)
{
	const uint8_t *owner = v->set[0].owner;
	if (!name_equal(s->signer, v->zone) || !name_is_subdomain(owner, v->zone))
		return VAL_R_SIGNER;
	if (s->labels > name_labels(owner))
		return VAL_R_LABELS;
	bool any = false;
	for (size_t i = 0; i < v->n_keys && !any; i++)
		any = key_fits(&v->keys[i], s, v->zone);
	if (!any)
		return VAL_R_NO_KEY;
	enum val_reason r = check_time(s, v->now_s);
	if (r != VAL_R_OK)
		return r;
	size_t len;
	uint8_t *data = signed_data(v, sig_rr, s, &len);
	if (!data)
		return VAL_R_NOMEM;
	r = try_keys(v, s, data, len);
	free(data);
	return r;
}

static void note(struct val_info *info, const struct val_rrsig *s, enum val_reason r)
{
	info->reason = r;
	memcpy(info->signer, s->signer, name_len(s->signer));
	info->key_tag = s->key_tag;
	info->algorithm = s->algorithm;
	info->inception = s->inception;
	info->expiration = s->expiration;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* What a secure RRset's info says beyond the RRSIG: TTL cap and wildcard source. */
static void secure_info(const struct verify *v, const struct wire_rr *sig_rr,
                        const struct val_rrsig *s, struct val_info *info)
{
	uint32_t ttl = min_u32(min_u32(sig_rr->ttl, s->orig_ttl), s->expiration - v->now_s);
	for (size_t i = 0; i < v->n; i++)
		ttl = min_u32(ttl, v->set[i].ttl); /* RFC 4035 §5.3.3 */
	info->ttl_s = ttl;
	info->wildcard = s->labels < sig_labels(v->set[0].owner);
	if (info->wildcard)
		canon_owner(v->set[0].owner, s->labels, info->source);
}

static bool applies(const struct wire_rr *sig_rr, const struct wire_rr *set)
{
	return sig_rr->type == DNS_TYPE_RRSIG && sig_rr->rclass == set->rclass &&
	       name_equal(sig_rr->owner, set->owner);
}

enum val_state val_verify_rrset(const struct wire_rr *rrset, size_t n, const struct wire_rr *rrsigs,
                                size_t n_sigs, const struct wire_rr *keys, size_t n_keys,
                                const uint8_t *zone, uint32_t now_s, struct val_budget *budget,
                                struct val_info *info)
{
	struct val_info scratch;
	struct verify v = {rrset, n, keys, n_keys, zone, now_s, budget};
	unsigned tried = 0;
	if (!info)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	info->reason = VAL_R_MALFORMED;
	if (!consistent(rrset, n))
		return VAL_BOGUS;
	info->reason = VAL_R_RRSIGS_MISSING;
	for (size_t i = 0; i < n_sigs; i++) {
		struct val_rrsig s;
		if (!applies(&rrsigs[i], rrset))
			continue;
		if (!val_rrsig_parse(&rrsigs[i], &s)) {
			if (rank(info->reason) < rank(VAL_R_MALFORMED))
				info->reason = VAL_R_MALFORMED;
			continue;
		}
		if (s.covered != rrset->type || !val_alg_supported(s.algorithm))
			continue;
		enum val_reason r = tried++ == budget->limits->rrsigs_per_rrset
		                        ? VAL_R_LIMIT_RRSIGS
		                        : try_rrsig(&v, &rrsigs[i], &s);
		if (r == VAL_R_OK) {
			note(info, &s, r);
			secure_info(&v, &rrsigs[i], &s, info);
			return VAL_SECURE;
		}
		if (rank(r) >= rank(info->reason))
			note(info, &s, r);
		if (r == VAL_R_LIMIT_RRSIGS || r == VAL_R_LIMIT_SIGS || r == VAL_R_NOMEM)
			break;
	}
	return info->reason == VAL_R_NOMEM ? VAL_INDETERMINATE : VAL_BOGUS;
}
