/* client/tsig.h: TSIG (RFC 8945) for qdig's -y and -k, as dig 9.18 signs and checks.
 *
 * A query is signed by appending a TSIG record (HMAC from OpenSSL's libcrypto over the
 * message and the TSIG variables, RFC 8945 §4.3.3); the reply's TSIG is checked against the
 * request's MAC (§5.3). The key comes from -y [hmac:]name:secret or a BIND key file (-k).
 * OpenSSL is seen by this module only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_TSIG_H
#define CLIENT_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "name.h"
#include "wire.h"

#define TSIG_SECRET_MAX 128 /* bytes of a key's secret (BIND's keys are up to 64) */
#define TSIG_MAC_MAX 64     /* bytes of the longest MAC (HMAC-SHA512) */
#define TSIG_FUDGE_S 300    /* the time window asked for, as dig's */

enum { TSIG_TYPE = 250 };

struct tsig_key {
	uint8_t name[NAME_MAX_WIRE]; /* lower case, as the MAC covers it */
	unsigned alg;                /* index into tsig.c's algorithm table */
	uint8_t secret[TSIG_SECRET_MAX];
	size_t secret_len;
};

/* -y [hmac:]name:secret (base64; dig 9.18's default algorithm is hmac-md5). */
bool tsig_key_from_arg(struct tsig_key *k, const char *arg, char err[static 256]);

/* -k FILE: a BIND key file, key "name" { algorithm ALG; secret "BASE64"; }; */
bool tsig_key_from_file(struct tsig_key *k, const char *path, char err[static 256]);

/* Signs the message msg[0..*len) in place (cap bytes room) at time now_s: appends the TSIG
 * record, counts it in ARCOUNT; the MAC goes to mac (for checking the reply). */
bool tsig_sign(const struct tsig_key *k, uint8_t *msg, size_t *len, size_t cap, uint64_t now_s,
	       uint8_t mac[static TSIG_MAC_MAX], size_t *mac_len);

/* Checks the reply (len bytes, parsed into m) against the request's MAC. NULL when it holds,
 * else dig's reason ("tsig verify failure", "tsig indicates error", "expected a TSIG or
 * SIG(0)"). */
const char *tsig_verify(const struct tsig_key *k, const uint8_t *reply, size_t len,
			const struct wire_msg *m, const uint8_t *req_mac, size_t req_mac_len);

/* A TSIG record's rdata as dig prints it (algorithm, time, fudge, MAC size, MAC in chunks of
 * split, original ID, error, other data). */
void tsig_rdata_text(struct buf_out *out, const struct wire_rr *rr, unsigned split);

#endif
