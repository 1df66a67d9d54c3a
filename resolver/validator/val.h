/* resolver/validator/val.h: DNSSEC validation: states, reasons, limits and the budget.
 *
 * The validator is pure logic, as the iterator is: records in (struct wire_rr of lib/wire.h,
 * owners and rdata uncompressed), a verdict out. It never touches a socket, the clock or the
 * cache; the caller passes the time and keeps the budget of one resolution. Signatures and
 * keys are val_sig.h's, denial of existence (NSEC, NSEC3) is val_denial.h's; this header holds
 * what both share. The cryptography is OpenSSL libcrypto's (3.0 EVP API), seen by the
 * validator's .c files only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_VALIDATOR_VAL_H
#define RESOLVER_VALIDATOR_VAL_H

#include <stdbool.h>
#include <stdint.h>

/* The four states of RFC 4033 §5 (and RFC 4035 §4.3). */
enum val_state {
	VAL_INDETERMINATE = 0, /* no verdict: no trust anchor covers it, or it was not checked */
	VAL_SECURE,            /* a chain of signatures from a trust anchor proves it */
	VAL_INSECURE,          /* proven that no chain can exist (no DS, unsupported algorithms,
	                        * NSEC3 opt-out or iterations over the limit) */
	VAL_BOGUS,             /* a chain should exist and does not verify */
};

/* Why a verdict was reached. Each has a text (val_reason_str) and an EDE code
 * (val_reason_ede). */
enum val_reason {
	VAL_R_OK = 0,             /* secure: verified */
	VAL_R_SIG_EXPIRED,        /* RRSIG expiration is before now (RFC 4034 §3.1.5) */
	VAL_R_SIG_NOT_YET,        /* RRSIG inception is after now */
	VAL_R_NO_KEY,             /* no DNSKEY of the RRSIG's tag, algorithm and signer (with
	                           * the zone-key bit and without the revoke bit) */
	VAL_R_RRSIGS_MISSING,     /* no RRSIG of the zone with a supported algorithm covers it */
	VAL_R_SIG_INVALID,        /* the signature does not verify with the key */
	VAL_R_SIGNER,             /* RRSIG signer is not the zone, or not the owner's ancestor */
	VAL_R_LABELS,             /* RRSIG labels field exceeds the owner's label count */
	VAL_R_MALFORMED,          /* RRSIG, DNSKEY, DS, NSEC or NSEC3 rdata of the wrong shape,
	                           * or records of one RRset that differ in owner/type/class */
	VAL_R_DS_MISMATCH,        /* no DS digest matches a DNSKEY that signs the DNSKEY set */
	VAL_R_UNSUPPORTED_ALG,    /* insecure: the DS set has only algorithms not validated */
	VAL_R_UNSUPPORTED_DIGEST, /* insecure: the DS set has only digest types not supported */
	VAL_R_NO_DS,              /* insecure: proven that the delegation has no DS */
	VAL_R_NSEC_MISSING,       /* the NSEC/NSEC3 records do not prove the denial */
	VAL_R_NSEC3_OPTOUT,       /* insecure: the name falls in an NSEC3 opt-out span */
	VAL_R_NSEC3_ITERATIONS,   /* insecure: NSEC3 iterations over the limit (RFC 9276) */
	VAL_R_LIMIT_KEYTAG,       /* bogus: more DNSKEYs of one tag than limits.keys_per_tag */
	VAL_R_LIMIT_RRSIGS,       /* bogus: RRSIGs tried on one RRset hit rrsigs_per_rrset */
	VAL_R_LIMIT_SIGS,         /* bogus: the resolution's signature checks are used up */
	VAL_R_LIMIT_NSEC3,        /* bogus: the resolution's NSEC3 hashes are used up */
	VAL_R_NOMEM,              /* indeterminate: memory ran out (answer SERVFAIL, no cache) */
	VAL_R_COUNT               /* number of reasons, not a reason */
};

/* A short static English text for r ("signature expired"), never NULL; for log lines and the
 * EDE EXTRA-TEXT. Out-of-range values give "unknown". */
const char *val_reason_str(enum val_reason r);

/* The RFC 8914 INFO-CODE that goes with r in a reply, or -1 when none does (VAL_R_OK,
 * VAL_R_NO_DS, VAL_R_NSEC3_OPTOUT: insecure answers are plain answers). 6 DNSSEC Bogus, 7
 * Signature Expired, 8 Signature Not Yet Valid, 9 DNSKEY Missing, 10 RRSIGs Missing, 12 NSEC
 * Missing, 1 Unsupported DNSKEY Algorithm, 2 Unsupported DS Digest Type, 27 Unsupported NSEC3
 * Iterations Value (RFC 9276 §3.2), 0 Other for the resolution limits and memory. */
int val_reason_ede(enum val_reason r);

/* Limits against KeyTrap and NSEC3 hash floods (CVE-2023-50387, CVE-2023-50868). */
struct val_limits {
	unsigned keys_per_tag;     /* DNSKEYs tried for one RRSIG among those sharing its key
	                            * tag and algorithm; stops KeyTrap's colliding-tag key sets */
	unsigned rrsigs_per_rrset; /* RRSIGs tried on one RRset; stops KeyTrap's many signatures
	                            * over one set */
	unsigned sig_checks;       /* signature verifications in one resolution (all calls that
	                            * share a budget); stops the product of the two above */
	unsigned nsec3_hashes;     /* NSEC3 name hashes in one resolution; stops CVE-2023-50868's
	                            * closest-encloser floods */
	unsigned nsec3_iterations; /* highest NSEC3 iteration count believed; above it a denial
	                            * is insecure (RFC 9276 §3.2); bounds each hash's cost */
};

/* Defaults, in line with the resolvers patched for KeyTrap (2024): Unbound 1.19.1 tries at most
 * 8 RRSIGs per RRset; PowerDNS Recursor 4.9 tries 2 keys per tag and 30 signatures per query;
 * BIND 9.18.24 allows 16 validations per fetch; Unbound and BIND treat NSEC3 iterations above
 * 150 as insecure. Our resolution may span several zones (CNAMEs, the chain), hence 64. */
#define VAL_DEF_KEYS_PER_TAG 4
#define VAL_DEF_RRSIGS_PER_RRSET 8
#define VAL_DEF_SIG_CHECKS 64
#define VAL_DEF_NSEC3_HASHES 128
#define VAL_DEF_NSEC3_ITERATIONS 150

/* The defaults above, as a struct. */
void val_limits_default(struct val_limits *l);

/* What one resolution (one client question, all its zones and sub-questions) has spent. The
 * caller keeps one per resolution, starts it with val_budget_init and passes it to every
 * validator call of that resolution. The limits are borrowed and must outlive the budget. */
struct val_budget {
	const struct val_limits *limits;
	unsigned sig_checks;   /* verifications done */
	unsigned nsec3_hashes; /* NSEC3 name hashes done */
};

/* Starts a budget with nothing spent. */
void val_budget_init(struct val_budget *b, const struct val_limits *limits);

/* True when a, a DNSSEC algorithm number, is one we validate: 8 RSASHA256, 10 RSASHA512,
 * 13 ECDSAP256SHA256, 14 ECDSAP384SHA384, 15 ED25519, 16 ED448 (RFC 8624 §3.1, whose table
 * RFC 9904 moved to an IANA registry). The SHA-1 ones, 5 RSASHA1 and 7 RSASHA1-NSEC3-SHA1,
 * are not validated, as draft-ietf-dnsop-must-not-sha1 deprecates them; nor 1, 3, 6, 12 or
 * unknown numbers. A zone signed only with algorithms not validated is insecure. */
bool val_alg_supported(uint8_t alg);

/* True when d is a DS digest type we check: 2 SHA-256 (RFC 4509) and 4 SHA-384 (RFC 6605).
 * Not 1 SHA-1: RFC 8624 §3.3 already forbids creating it, and this project follows the
 * deprecation of SHA-1 in DNSSEC (draft-ietf-dnsop-must-not-sha1) for digests as well, as
 * issue 12 asks; a DS set of SHA-1 digests only is then insecure. Nor 3 GOST. */
bool val_digest_supported(uint8_t d);

#endif
