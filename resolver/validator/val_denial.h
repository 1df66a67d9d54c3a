/* resolver/validator/val_denial.h: denial of existence: NSEC (RFC 4035 §5.4, RFC 6840 §4)
 * and NSEC3 (RFC 5155 §8) proofs.
 *
 * The proofs work on NSEC or NSEC3 records whose signatures the caller has already verified:
 * each NSEC/NSEC3 RRset of the reply's authority section goes through val_verify_rrset first,
 * with the zone's proven keys, and only the secure ones are passed here. Which records prove
 * what is decided here; no cryptography but the NSEC3 hash (libcrypto's SHA-1), counted in the
 * budget. Thread-safe; records are borrowed for the call.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_VALIDATOR_VAL_DENIAL_H
#define RESOLVER_VALIDATOR_VAL_DENIAL_H

#include <stddef.h>
#include <stdint.h>

#include "val.h"
#include "wire.h"

#define VAL_NSEC3_HASH_MAX 64 /* longest NSEC3 hash we keep (SHA-1 is 20 octets) */

/* What is to be proven about qname (and qtype) in zone. */
enum val_denial_kind {
	VAL_DENY_NXDOMAIN,        /* qname does not exist, nor a wildcard that could give it
	                           * (NSEC: RFC 4035 §5.4; NSEC3: closest encloser proof, next
	                           * closer name covered, wildcard at the encloser covered,
	                           * §8.4) */
	VAL_DENY_NODATA,          /* qname exists without qtype or CNAME (RFC 6840 §4.3; NSEC3
	                           * §8.5); qtype DS is proven as VAL_DENY_NO_DS is */
	VAL_DENY_WILDCARD,        /* an answer expanded from the wildcard *.<encloser> (RFC 4035
	                           * §5.3.4): qname itself does not exist (NSEC covering it;
	                           * NSEC3: next closer name covered, §8.8) */
	VAL_DENY_WILDCARD_NODATA, /* qname does not exist, the wildcard at its closest encloser
	                           * does, without qtype or CNAME (RFC 4035 §5.4; NSEC3 §8.7) */
	VAL_DENY_NO_DS,           /* qname is a delegation from zone without a DS set: an
	                           * insecure delegation (RFC 6840 §4.4; NSEC3 §8.6, opt-out) */
};

struct val_denial_query {
	enum val_denial_kind kind;
	const uint8_t *qname;    /* the name asked for (or the delegation, VAL_DENY_NO_DS) */
	uint16_t qtype;          /* the type asked for (DS for VAL_DENY_NO_DS) */
	const uint8_t *zone;     /* the zone that signed the NSEC/NSEC3 records: their RRSIGs'
	                          * signer, whose keys proved them */
	const uint8_t *encloser; /* VAL_DENY_WILDCARD only: the closest encloser,
	                          * name_parent(val_info.source) of the expanded answer; NULL
	                          * otherwise */
};

/* Checks that recs (n records; NSEC and NSEC3 are used, others ignored) prove q. NSEC records
 * are used when any is present, NSEC3 otherwise. Records not in q->zone are ignored.
 *
 * NSEC rules: an NSEC covers a name when owner < name < next in canonical order (the last
 * NSEC, whose next is the apex, covers everything after its owner); a NSEC matches a name when
 * its owner equals it. A delegation NSEC (NS set, SOA clear) or a DNAME NSEC proves nothing
 * about names below its owner (RFC 6840 §4.1), nor does a delegation NSEC about types at its
 * owner other than DS; a NODATA needs qtype and CNAME clear in the bitmap (RFC 6840 §4.3); a
 * NO_DS proof needs NS set and DS and SOA clear (RFC 6840 §4.4).
 *
 * NSEC3 rules (RFC 5155 §8): records with an unknown hash algorithm or flags other than
 * opt-out are ignored (§8.1, §8.2), and so are those whose parameters (algorithm, iterations,
 * salt) differ from the first usable one's. A closest encloser proof is the longest ancestor
 * of qname within zone with a matching NSEC3 (not a delegation or DNAME one, unless it is
 * the zone itself) and the next closer name covered (§8.3).
 *
 * Returns VAL_SECURE (reason VAL_R_OK) when proven. VAL_INSECURE when it is not proven but
 * the records show why no proof can exist: VAL_R_NSEC3_OPTOUT when the NSEC3 covering the
 * next closer name has the opt-out flag (NXDOMAIN, NO_DS, a wildcard answer and NODATA for
 * DS: the name may be an unsigned delegation, §8.6, §9.2; Unbound answers so without AD);
 * VAL_R_NSEC3_ITERATIONS when the NSEC3 iterations exceed limits.nsec3_iterations (nothing
 * is hashed then, RFC 9276 §3.2); also VAL_INSECURE, VAL_R_NSEC_MISSING, when the zone's
 * NSEC3 records all have an unknown hash algorithm or flags (§8.1, §8.2). VAL_BOGUS with
 * VAL_R_NSEC_MISSING when the proof fails, VAL_R_MALFORMED when it fails and some record of
 * the zone was unreadable, VAL_R_LIMIT_NSEC3 when the budget's NSEC3 hashes run out (each
 * name hashed once per call counts one); VAL_INDETERMINATE with VAL_R_NOMEM when memory ran
 * out. For VAL_DENY_NO_DS both VAL_SECURE and VAL_INSECURE mean the child zone is insecure;
 * only VAL_BOGUS is not. */
enum val_state val_prove_denial(const struct val_denial_query *q, const struct wire_rr *recs,
                                size_t n, struct val_budget *budget, enum val_reason *reason);

/* The NSEC3 hash of name (RFC 5155 §5): SHA-1 over the lowercased name and salt, then
 * iterations times over the digest and salt. alg must be 1 (SHA-1). Writes the hash to out
 * and its length (20) to *out_len. Counts one hash in budget (which may be NULL: not counted,
 * for tests and tools) and refuses when budget's limit is reached or iterations are over its
 * nsec3_iterations. Returns VAL_R_OK, VAL_R_LIMIT_NSEC3, VAL_R_NSEC3_ITERATIONS,
 * VAL_R_MALFORMED (alg not 1) or VAL_R_NOMEM. */
enum val_reason val_nsec3_hash(const uint8_t *name, uint8_t alg, uint16_t iterations,
                               const uint8_t *salt, uint8_t salt_len, struct val_budget *budget,
                               uint8_t out[VAL_NSEC3_HASH_MAX], size_t *out_len);

#endif
