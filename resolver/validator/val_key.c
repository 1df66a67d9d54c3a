/* resolver/validator/val_key.c: key tags, DS digests and proving a DNSKEY set from DS.
 *
 * A DNSKEY set is proven by the chain of RFC 4035 §5.2: a DS from the parent side (or a trust
 * anchor) matches a key of the set, and that key signs the set. Signature checks themselves
 * are val_sig.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "val_priv.h"
#include "val_sig.h"

uint16_t val_key_tag(const uint8_t *rdata, uint16_t rdlen)
{
	if (rdlen < 4)
		return 0;
	if (rdata[3] == 1) /* RFC 4034 Appendix B.1: RSA/MD5 takes bits of the modulus */
		return (uint16_t)(rdata[rdlen - 3] << 8 | rdata[rdlen - 2]);
	uint32_t ac = 0;
	for (uint16_t i = 0; i < rdlen; i++)
		ac += (i & 1) ? rdata[i] : (uint32_t)rdata[i] << 8;
	ac += ac >> 16 & 0xFFFF;
	return (uint16_t)ac;
}

bool val_ds_matches(const struct wire_rr *ds, const struct wire_rr *key)
{
	struct val_ds d;
	struct val_dnskey k;
	if (!rdata_ds(ds, &d) || !rdata_dnskey(key, &k) || !name_equal(ds->owner, key->owner) ||
	    d.algorithm != k.algorithm || d.key_tag != val_key_tag(key->rdata, key->rdlen) ||
	    !val_digest_supported(d.digest_type))
		return false;
	/* RFC 4034 §5.1.4: digest = hash(canonical owner name | DNSKEY rdata) */
	uint8_t owner[NAME_MAX_WIRE], md[VAL_DIGEST_MAX];
	size_t olen = name_len(key->owner), mdlen;
	memcpy(owner, key->owner, olen);
	name_lower(owner);
	return crypto_ds_digest(d.digest_type, owner, olen, key->rdata, key->rdlen, md, &mdlen) &&
	       mdlen == d.digest_len && memcmp(md, d.digest, mdlen) == 0;
}

/* A key that may start a chain: a zone key, not revoked (RFC 5011 §2.1), protocol 3 (RFC 4034
 * §2.1.2), of an algorithm we validate. */
static bool key_usable(const struct wire_rr *key)
{
	struct val_dnskey k;
	return rdata_dnskey(key, &k) && (k.flags & VAL_DNSKEY_ZONE) &&
	       !(k.flags & VAL_DNSKEY_REVOKE) && k.protocol == 3 && val_alg_supported(k.algorithm);
}

static bool ds_usable(const struct wire_rr *ds, const uint8_t *zone, bool *alg_ok)
{
	struct val_ds d;
	if (!rdata_ds(ds, &d) || !name_equal(ds->owner, zone))
		return false;
	if (val_alg_supported(d.algorithm))
		*alg_ok = true;
	return val_alg_supported(d.algorithm) && val_digest_supported(d.digest_type);
}

static bool ds_may_match(const struct wire_rr *ds, const struct wire_rr *key)
{
	return ds->rdlen >= 3 && key->rdlen >= 4 && ds->rdata[2] == key->rdata[3] &&
	       (ds->rdata[0] << 8 | ds->rdata[1]) == val_key_tag(key->rdata, key->rdlen);
}

/* Collects in out the usable keys that a usable DS matches, each once; for each DS at most
 * keys_per_tag keys of its tag and algorithm are hashed (KeyTrap). Returns the count. */
static size_t match_keys(const struct wire_rr *keys, size_t n, const struct wire_rr *ds,
                         size_t n_ds, unsigned per_tag, const struct wire_rr **out)
{
	size_t found = 0;
	bool alg_ok = false;
	for (size_t d = 0; d < n_ds; d++) {
		if (!ds_usable(&ds[d], keys[0].owner, &alg_ok))
			continue;
		unsigned tried = 0;
		for (size_t k = 0; k < n && tried < per_tag; k++) {
			if (!key_usable(&keys[k]) || !ds_may_match(&ds[d], &keys[k]))
				continue;
			tried++;
			bool seen = false;
			for (size_t j = 0; j < found && !seen; j++)
				seen = out[j] == &keys[k];
			if (!seen && val_ds_matches(&ds[d], &keys[k]))
				out[found++] = &keys[k];
		}
	}
	return found;
}

enum val_state val_verify_dnskeys(const struct wire_rr *keys, size_t n,
                                  const struct wire_rr *rrsigs, size_t n_sigs,
                                  const struct wire_rr *ds, size_t n_ds, uint32_t now_s,
                                  struct val_budget *budget, struct val_info *info)
{
	struct val_info scratch;
	if (!info)
		info = &scratch;
	memset(info, 0, sizeof(*info));
	info->reason = VAL_R_MALFORMED;
	if (n == 0 || keys[0].type != DNS_TYPE_DNSKEY)
		return VAL_BOGUS;
	bool alg_ok = false, any_ds = false, usable = false;
	for (size_t d = 0; d < n_ds; d++) {
		any_ds |= ds[d].type == DNS_TYPE_DS && name_equal(ds[d].owner, keys[0].owner);
		usable |= ds_usable(&ds[d], keys[0].owner, &alg_ok);
	}
	info->reason = VAL_R_DS_MISMATCH;
	if (!any_ds)
		return VAL_BOGUS;
	if (!usable) { /* RFC 4035 §5.2, RFC 6840 §5.2: nothing we can check: insecure */
		info->reason = alg_ok ? VAL_R_UNSUPPORTED_DIGEST : VAL_R_UNSUPPORTED_ALG;
		return VAL_INSECURE;
	}
	const struct wire_rr **matched = malloc(n * sizeof(*matched));
	struct wire_rr *anchors = malloc(n * sizeof(*anchors));
	enum val_state st = VAL_BOGUS;
	if (!matched || !anchors) {
		info->reason = VAL_R_NOMEM;
		st = VAL_INDETERMINATE;
		goto out;
	}
	size_t found = match_keys(keys, n, ds, n_ds, budget->limits->keys_per_tag, matched);
	for (size_t i = 0; i < found; i++)
		anchors[i] = *matched[i];
	if (found > 0)
		st = val_verify_rrset(keys, n, rrsigs, n_sigs, anchors, found, keys[0].owner, now_s,
		                      budget, info);
out:
	free(matched);
	free(anchors);
	return st;
}
