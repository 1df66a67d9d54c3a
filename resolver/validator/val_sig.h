/* resolver/validator/val_sig.h: RRSIG verification, DNSKEY sets against DS, key tags.
 *
 * val_verify_rrset checks one RRset's signatures against the zone's DNSKEY set, which the
 * caller has already proven (val_verify_dnskeys, or a trust anchor); val_verify_dnskeys proves
 * a DNSKEY set from the DS set of the parent side (or a trust anchor given as DS records).
 * The canonical form of RFC 4034 §6 (with RFC 6840 §5.1's list of types whose rdata names are
 * lowercased) is built here; the public-key operations are libcrypto's. Denial proofs are in
 * val_denial.h. All functions are thread-safe; records are borrowed for the call.
 *
 * Records are struct wire_rr (lib/wire.h): owner and rdata uncompressed, as wire_parse and
 * zonefile_read give them. An RRset is an array of records with one owner (compared without
 * case), type and class; the RRSIGs are records of type RRSIG, any owner and any covered
 * type: those that do not apply are skipped.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_VALIDATOR_VAL_SIG_H
#define RESOLVER_VALIDATOR_VAL_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"
#include "val.h"
#include "wire.h"

#define VAL_DNSKEY_ZONE 0x0100u   /* DNSKEY flags: Zone Key (RFC 4034 §2.1.1) */
#define VAL_DNSKEY_REVOKE 0x0080u /* DNSKEY flags: REVOKE (RFC 5011 §3) */
#define VAL_DNSKEY_SEP 0x0001u    /* DNSKEY flags: Secure Entry Point */

/* The fields of an RRSIG record (RFC 4034 §3.1), host order. */
struct val_rrsig {
	uint16_t covered; /* type covered */
	uint8_t algorithm, labels;
	uint32_t orig_ttl, expiration, inception;
	uint16_t key_tag;
	uint8_t signer[NAME_MAX_WIRE]; /* lowercased */
	const uint8_t *sig;            /* the signature: points into the record's rdata */
	uint16_t sig_len;
};

/* Reads rr, a record of type RRSIG, into out: for grouping RRSIGs with the RRsets they cover
 * (covered, owner) and finding the zone whose keys are needed (signer). Returns false when rr
 * is not an RRSIG or its rdata is too short, its signer not a valid name or its signature
 * empty. out->sig is borrowed from rr. */
bool val_rrsig_parse(const struct wire_rr *rr, struct val_rrsig *out);

/* What val_verify_rrset and val_verify_dnskeys found, beyond the state. */
struct val_info {
	enum val_reason reason; /* VAL_R_OK when secure; otherwise why not */
	/* The RRSIG that verified (secure), or for a failure the one that got furthest: */
	uint8_t signer[NAME_MAX_WIRE];  /* its signer name (the root "." when none was seen) */
	uint16_t key_tag;               /* its key tag field */
	uint8_t algorithm;              /* its algorithm */
	uint32_t inception, expiration; /* its times, as in the record (RFC 4034 §3.1.5) */
	/* Secure only: */
	uint32_t ttl_s; /* the highest TTL the RRset may be cached with (RFC 4035 §5.3.3): the
	                 * least of the records' TTLs, the RRSIG's TTL, its original TTL and
	                 * expiration - now */
	bool wildcard;  /* the RRset was expanded from a wildcard: the RRSIG's labels field is
	                 * below the owner's label count (a leading "*" label not counted, so the
	                 * wildcard's own RRset, asked for by name, is not an expansion) */
	uint8_t source[NAME_MAX_WIRE]; /* wildcard only: the wildcard's owner "*.<encloser>";
	                                * the closest encloser is name_parent(source). The caller
	                                * must then prove that the owner itself does not exist
	                                * (val_denial.h, VAL_DENY_WILDCARD) before calling the
	                                * answer secure (RFC 4035 §5.3.4) */
};

/* Verifies an RRset of n records (n >= 1) with its RRSIGs against keys, the DNSKEY records of
 * zone, already proven. The RRset is secure when one RRSIG verifies with one key, where the
 * RRSIG covers the RRset's type, has its owner and class, names zone as signer, the owner is
 * at or below zone, its labels field is at most the owner's label count, now_s lies within
 * inception..expiration by RFC 4034 §3.1.5 serial arithmetic, its algorithm is supported
 * (val_alg_supported) and the key has the RRSIG's algorithm and key tag, the zone-key bit and
 * not the REVOKE bit (RFC 5011 §2.1). Signed data is the RRSIG rdata without the signature and
 * the records in canonical form and order (RFC 4034 §6, RFC 6840 §5.1): owner lowercased and
 * for a wildcard expansion rebuilt as "*." plus its last labels-field labels, TTL = the RRSIG's
 * original TTL, duplicates dropped. now_s is Unix time in seconds; only its low 32 bits count.
 *
 * Costs are bounded by the budget: at most limits.rrsigs_per_rrset RRSIGs tried, at most
 * limits.keys_per_tag keys for one RRSIG, every verification counted in budget->sig_checks
 * and none started once limits.sig_checks is reached.
 *
 * Returns VAL_SECURE (info->reason VAL_R_OK) or VAL_BOGUS with the reason: VAL_R_RRSIGS_MISSING
 * when no RRSIG of zone with a supported algorithm covers the set; VAL_R_SIGNER,
 * VAL_R_LABELS, VAL_R_NO_KEY, VAL_R_SIG_EXPIRED, VAL_R_SIG_NOT_YET, VAL_R_SIG_INVALID for the
 * RRSIG that got furthest through those checks (in that order); VAL_R_MALFORMED for records
 * of the set that disagree in owner, type or class, or when every RRSIG was unreadable;
 * VAL_R_LIMIT_* when a limit stopped the search before a signature verified. Also
 * VAL_INDETERMINATE with VAL_R_NOMEM when memory ran out. info may be NULL. */
enum val_state val_verify_rrset(const struct wire_rr *rrset, size_t n, const struct wire_rr *rrsigs,
                                size_t n_sigs, const struct wire_rr *keys, size_t n_keys,
                                const uint8_t *zone, uint32_t now_s, struct val_budget *budget,
                                struct val_info *info);

/* Proves the DNSKEY set of one zone (keys, n >= 1 records of type DNSKEY, the zone being their
 * owner) from ds, the n_ds DS records of the parent side (already proven by the parent's keys)
 * or of a configured trust anchor. Secure when a DS of supported algorithm and digest type
 * (val_alg_supported, val_digest_supported) matches a key of the set (owner, algorithm, key
 * tag, digest: val_ds_matches) and that key, with the zone-key bit and without REVOKE,
 * verifies an RRSIG over the whole set by the rules and limits of val_verify_rrset. The other
 * keys of the set are then proven too: use the whole set for the zone's other RRsets.
 *
 * Returns VAL_SECURE with info as val_verify_rrset fills it; VAL_INSECURE when no DS has both a
 * supported algorithm and a supported digest type (RFC 4035 §5.2, RFC 6840 §5.2): reason
 * VAL_R_UNSUPPORTED_ALG when no DS has a supported algorithm, else VAL_R_UNSUPPORTED_DIGEST;
 * VAL_BOGUS with VAL_R_DS_MISMATCH when usable DS records match no key of the set, otherwise
 * the reason of val_verify_rrset for the matched keys (VAL_R_RRSIGS_MISSING,
 * VAL_R_SIG_EXPIRED, ...). n_ds == 0 gives VAL_BOGUS, VAL_R_DS_MISMATCH: a proven absence of
 * DS is a denial (val_denial.h), not an empty set. info may be NULL. */
enum val_state val_verify_dnskeys(const struct wire_rr *keys, size_t n,
                                  const struct wire_rr *rrsigs, size_t n_sigs,
                                  const struct wire_rr *ds, size_t n_ds, uint32_t now_s,
                                  struct val_budget *budget, struct val_info *info);

/* The key tag of DNSKEY rdata (RFC 4034 Appendix B; RFC 6840 §5.5: no special case for any
 * algorithm but 1, which is the only one computed otherwise). rdlen below 4 gives 0. */
uint16_t val_key_tag(const uint8_t *rdata, uint16_t rdlen);

/* True when the DS record ds (its rdata: key tag, algorithm, digest type, digest) is the
 * digest of the DNSKEY record key: same owner (case-insensitive), same key tag and algorithm,
 * a supported digest type (val_digest_supported) and digest = hash(canonical owner | DNSKEY
 * rdata) (RFC 4034 §5.1.4). False for anything else, malformed rdata included. */
bool val_ds_matches(const struct wire_rr *ds, const struct wire_rr *key);

#endif
