/* resolver/validator/val_priv.h: what the validator's .c files share, not for callers.
 *
 * The libcrypto calls (val_crypto.c), the readers of DNSSEC rdata through lib/buf's bounded
 * cursor (val_rdata.c) and the type bitmap test. Callers use val.h, val_sig.h, val_denial.h.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_VALIDATOR_VAL_PRIV_H
#define RESOLVER_VALIDATOR_VAL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "name.h"
#include "val.h"
#include "val_denial.h"
#include "wire.h"

#define VAL_DIGEST_MAX 64 /* the longest digest we compute (SHA-384 is 48) */

/* Verifies sig over data with the DNSKEY public key field key of algorithm alg (one that
 * val_alg_supported accepts). Returns VAL_R_OK, VAL_R_SIG_INVALID (a signature that does not
 * verify, or a key or signature of the wrong shape for alg) or VAL_R_NOMEM. */
enum val_reason crypto_verify(uint8_t alg, const uint8_t *key, size_t key_len, const uint8_t *data,
                              size_t len, const uint8_t *sig, size_t sig_len);

/* The DS digest of type d (val_digest_supported) over the two parts a and b, written to out;
 * its length in *out_len. False when d is not supported or libcrypto fails. */
bool crypto_ds_digest(uint8_t d, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                      uint8_t out[VAL_DIGEST_MAX], size_t *out_len);

/* SHA-1 of name (already lowercased) and salt, then iterations times of digest and salt
 * (RFC 5155 §5). Returns VAL_R_OK or VAL_R_NOMEM. */
enum val_reason crypto_nsec3_sha1(const uint8_t *name, size_t name_len, const uint8_t *salt,
                                  size_t salt_len, unsigned iterations, uint8_t out[20]);

/* The fields of a DNSKEY record. */
struct val_dnskey {
	uint16_t flags;
	uint8_t protocol, algorithm;
	const uint8_t *key; /* the public key field, borrowed from the record */
	size_t key_len;
};
bool rdata_dnskey(const struct wire_rr *rr, struct val_dnskey *out);

/* The fields of a DS record. */
struct val_ds {
	uint16_t key_tag;
	uint8_t algorithm, digest_type;
	const uint8_t *digest;
	size_t digest_len;
};
bool rdata_ds(const struct wire_rr *rr, struct val_ds *out);

/* The fields of an NSEC record: next owner name and type bitmap. */
struct val_nsec {
	uint8_t next[NAME_MAX_WIRE];
	const uint8_t *bitmap;
	size_t bitmap_len;
};
bool rdata_nsec(const struct wire_rr *rr, struct val_nsec *out);

/* The fields of an NSEC3 record, with its owner's hash decoded from base32hex. */
struct val_nsec3 {
	uint8_t algorithm, flags;
	uint16_t iterations;
	const uint8_t *salt;
	uint8_t salt_len;
	uint8_t hash_len;    /* of next and owner_hash */
	const uint8_t *next; /* next hashed owner, binary */
	uint8_t owner_hash[VAL_DIGEST_MAX];
	const uint8_t *bitmap;
	size_t bitmap_len;
};
bool rdata_nsec3(const struct wire_rr *rr, struct val_nsec3 *out);

/* True when a well-formed NSEC/NSEC3 type bitmap (RFC 4034 §4.1.2) is well formed: windows
 * in increasing order, lengths 1-32, nothing left over. */
bool bitmap_valid(const uint8_t *bm, size_t len);

/* True when type is set in a bitmap that bitmap_valid accepted. */
bool bitmap_has(const uint8_t *bm, size_t len, uint16_t type);

/* The NSEC3 half of val_prove_denial (val_nsec3.c), called when recs hold no NSEC. */
enum val_state nsec3_prove(const struct val_denial_query *q, const struct wire_rr *recs, size_t n,
                           struct val_budget *budget, enum val_reason *reason);

/* The longest name that is an ancestor of (or equal to) both a and b. */
const uint8_t *common_ancestor(const uint8_t *a, const uint8_t *b);

/* Copies rdata of type into out (room for len bytes) with the names lowercased for the types
 * RFC 4034 §6.2 lists, as RFC 6840 §5.1 corrects it (not NSEC, not HINFO). */
void canon_rdata(uint16_t type, const uint8_t *rd, size_t len, uint8_t *out);

#endif
