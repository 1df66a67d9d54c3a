/* resolver/validator/val.c: reasons, their EDE codes, the limits and the budget.
 *
 * SPDX-License-Identifier: MIT
 */
#include "val.h"

static const struct {
	const char *text;
	int ede; /* RFC 8914 §4 INFO-CODE, -1 for none */
} reasons[VAL_R_COUNT] = {
    [VAL_R_OK] = {"secure", -1},
    [VAL_R_SIG_EXPIRED] = {"signature expired", 7},
    [VAL_R_SIG_NOT_YET] = {"signature not yet valid", 8},
    [VAL_R_NO_KEY] = {"no DNSKEY matches the RRSIG", 9},
    [VAL_R_RRSIGS_MISSING] = {"RRSIGs missing", 10},
    [VAL_R_SIG_INVALID] = {"signature does not verify", 6},
    [VAL_R_SIGNER] = {"RRSIG signer is not the zone", 6},
    [VAL_R_LABELS] = {"RRSIG labels field exceeds the owner's labels", 6},
    [VAL_R_MALFORMED] = {"malformed DNSSEC record", 6},
    [VAL_R_DS_MISMATCH] = {"DS matches no DNSKEY", 9},
    [VAL_R_UNSUPPORTED_ALG] = {"only unsupported DNSKEY algorithms", 1},
    [VAL_R_UNSUPPORTED_DIGEST] = {"only unsupported DS digest types", 2},
    [VAL_R_NO_DS] = {"no DS at the delegation", -1},
    [VAL_R_NSEC_MISSING] = {"NSEC/NSEC3 proof missing or incomplete", 12},
    [VAL_R_NSEC3_OPTOUT] = {"NSEC3 opt-out span", -1},
    [VAL_R_NSEC3_ITERATIONS] = {"NSEC3 iterations over the limit", 27},
    [VAL_R_LIMIT_KEYTAG] = {"limit hit: DNSKEYs per key tag", 0},
    [VAL_R_LIMIT_RRSIGS] = {"limit hit: RRSIGs per RRset", 0},
    [VAL_R_LIMIT_SIGS] = {"limit hit: signature checks per resolution", 0},
    [VAL_R_LIMIT_NSEC3] = {"limit hit: NSEC3 hashes per resolution", 0},
    [VAL_R_NOMEM] = {"out of memory", 0},
};

const char *val_reason_str(enum val_reason r)
{
	return (unsigned)r < VAL_R_COUNT ? reasons[r].text : "unknown";
}

int val_reason_ede(enum val_reason r)
{
	return (unsigned)r < VAL_R_COUNT ? reasons[r].ede : 0;
}

void val_limits_default(struct val_limits *l)
{
	l->keys_per_tag = VAL_DEF_KEYS_PER_TAG;
	l->rrsigs_per_rrset = VAL_DEF_RRSIGS_PER_RRSET;
	l->sig_checks = VAL_DEF_SIG_CHECKS;
	l->nsec3_hashes = VAL_DEF_NSEC3_HASHES;
	l->nsec3_iterations = VAL_DEF_NSEC3_ITERATIONS;
}

void val_budget_init(struct val_budget *b, const struct val_limits *limits)
{
	b->limits = limits;
	b->sig_checks = 0;
	b->nsec3_hashes = 0;
}

bool val_alg_supported(uint8_t alg)
{
	return alg == 8 || alg == 10 || (alg >= 13 && alg <= 16);
}

bool val_digest_supported(uint8_t d)
{
	return d == 2 || d == 4;
}
