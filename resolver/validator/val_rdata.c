/* resolver/validator/val_rdata.c: reading the DNSSEC record types and canonical rdata.
 *
 * Every read goes through lib/buf's bounded cursor and names through name_parse, so rdata of
 * any shape (from the wire, a zone file or a fuzzer) is read within its length or refused.
 * Here too: the type bitmap of NSEC and NSEC3, and the lowercasing of names in rdata for the
 * canonical form (RFC 4034 §6.2, RFC 6840 §5.1).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "dns.h"
#include "val_priv.h"
#include "val_sig.h"

/* Reads a name at the cursor that is written whole (no compression pointer), as names in
 * uncompressed rdata are. */
static bool get_name(struct buf_in *in, uint8_t out[NAME_MAX_WIRE])
{
	size_t start = in->pos, len;
	if (name_parse(in, out, &len) != ERR_OK)
		return false;
	return in->pos - start == len;
}

bool val_rrsig_parse(const struct wire_rr *rr, struct val_rrsig *out)
{
	if (rr->type != DNS_TYPE_RRSIG)
		return false;
	struct buf_in in;
	buf_in_init(&in, rr->rdata, rr->rdlen);
	out->covered = buf_get_u16(&in);
	out->algorithm = buf_get_u8(&in);
	out->labels = buf_get_u8(&in);
	out->orig_ttl = buf_get_u32(&in);
	out->expiration = buf_get_u32(&in);
	out->inception = buf_get_u32(&in);
	out->key_tag = buf_get_u16(&in);
	if (in.err || !get_name(&in, out->signer) || buf_left(&in) == 0)
		return false;
	name_lower(out->signer);
	out->sig_len = (uint16_t)buf_left(&in);
	out->sig = rr->rdata + in.pos;
	return true;
}

/* DNSKEY and DS share a shape: a 16-bit field, two octets, then bytes to the end. */
static bool u16_u8_u8_rest(const struct wire_rr *rr, uint16_t type, uint16_t *a, uint8_t *b,
                           uint8_t *c, const uint8_t **rest, size_t *rest_len)
{
	if (rr->type != type || rr->rdlen < 5)
		return false;
	*a = (uint16_t)(rr->rdata[0] << 8 | rr->rdata[1]);
	*b = rr->rdata[2];
	*c = rr->rdata[3];
	*rest = rr->rdata + 4;
	*rest_len = rr->rdlen - 4u;
	return true;
}

bool rdata_dnskey(const struct wire_rr *rr, struct val_dnskey *out)
{
	return u16_u8_u8_rest(rr, DNS_TYPE_DNSKEY, &out->flags, &out->protocol, &out->algorithm,
	                      &out->key, &out->key_len);
}

bool rdata_ds(const struct wire_rr *rr, struct val_ds *out)
{
	return u16_u8_u8_rest(rr, DNS_TYPE_DS, &out->key_tag, &out->algorithm, &out->digest_type,
	                      &out->digest, &out->digest_len);
}

bool bitmap_valid(const uint8_t *bm, size_t len)
{
	struct buf_in in;
	int last = -1;
	buf_in_init(&in, bm, len);
	while (buf_left(&in) > 0) {
		uint8_t win = buf_get_u8(&in), n = buf_get_u8(&in);
		if (in.err || (int)win <= last || n < 1 || n > 32 || !buf_get_bytes(&in, n))
			return false;
		last = win;
	}
	return in.err == ERR_OK;
}

bool bitmap_has(const uint8_t *bm, size_t len, uint16_t type)
{
	struct buf_in in;
	buf_in_init(&in, bm, len);
	while (buf_left(&in) > 0) {
		uint8_t win = buf_get_u8(&in), n = buf_get_u8(&in);
		const uint8_t *bits = buf_get_bytes(&in, n);
		if (!bits)
			return false;
		if (win != type >> 8)
			continue;
		unsigned low = type & 0xFFu;
		return low / 8 < n && (bits[low / 8] & (0x80u >> (low % 8)));
	}
	return false;
}

bool rdata_nsec(const struct wire_rr *rr, struct val_nsec *out)
{
	struct buf_in in;
	if (rr->type != DNS_TYPE_NSEC)
		return false;
	buf_in_init(&in, rr->rdata, rr->rdlen);
	if (!get_name(&in, out->next))
		return false;
	out->bitmap = rr->rdata + in.pos;
	out->bitmap_len = buf_left(&in);
	return bitmap_valid(out->bitmap, out->bitmap_len);
}

/* RFC 4648 §7 base32hex, either case, without padding: the first label of an NSEC3 owner. */
static bool b32hex_decode(const uint8_t *s, size_t len, uint8_t *out, size_t cap, size_t *n)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	*n = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = name_fold(s[i]);
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'v' ? c - 'a' + 10 : -1;
		if (v < 0)
			return false;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (*n == cap)
				return false;
			out[(*n)++] = (uint8_t)(acc >> bits);
		}
	}
	return (acc & ((1u << bits) - 1)) == 0; /* leftover bits must be zero */
}

bool rdata_nsec3(const struct wire_rr *rr, struct val_nsec3 *out)
{
	struct buf_in in;
	size_t owner_len;
	if (rr->type != DNS_TYPE_NSEC3)
		return false;
	buf_in_init(&in, rr->rdata, rr->rdlen);
	out->algorithm = buf_get_u8(&in);
	out->flags = buf_get_u8(&in);
	out->iterations = buf_get_u16(&in);
	out->salt_len = buf_get_u8(&in);
	out->salt = buf_get_bytes(&in, out->salt_len);
	out->hash_len = buf_get_u8(&in);
	out->next = buf_get_bytes(&in, out->hash_len);
	if (in.err || out->hash_len == 0 || out->hash_len > VAL_DIGEST_MAX)
		return false;
	out->bitmap = rr->rdata + in.pos;
	out->bitmap_len = buf_left(&in);
	if (!b32hex_decode(rr->owner + 1, rr->owner[0], out->owner_hash, sizeof(out->owner_hash),
	                   &owner_len))
		return false;
	return owner_len == out->hash_len && bitmap_valid(out->bitmap, out->bitmap_len);
}

/* The shapes of rdata with names to lowercase (RFC 4034 §6.2 item 3, RFC 6840 §5.1): a run of
 * steps, each a fixed number of octets to skip, a name, or a character-string. */
enum step { END = 0, NAME, SKIP2, SKIP6, SKIP18, CSTR, A6 };

static const enum step *canon_steps(uint16_t type)
{
	static const enum step name[] = {NAME, END}, two[] = {NAME, NAME, END},
	                       pref[] = {SKIP2, NAME, END}, px[] = {SKIP2, NAME, NAME, END},
	                       srv[] = {SKIP6, NAME, END}, sig[] = {SKIP18, NAME, END},
	                       naptr[] = {SKIP2, SKIP2, CSTR, CSTR, CSTR, NAME, END},
	                       a6[] = {A6, END};
	switch (type) {
	case DNS_TYPE_NS:
	case DNS_TYPE_MD:
	case DNS_TYPE_MF:
	case DNS_TYPE_CNAME:
	case DNS_TYPE_MB:
	case DNS_TYPE_MG:
	case DNS_TYPE_MR:
	case DNS_TYPE_PTR:
	case DNS_TYPE_DNAME:
	case 30 /* NXT: the name, then a bitmap left alone */:
		return name;
	case DNS_TYPE_SOA:
	case DNS_TYPE_MINFO:
	case DNS_TYPE_RP:
		return two;
	case DNS_TYPE_MX:
	case DNS_TYPE_AFSDB:
	case 21 /* RT */:
	case DNS_TYPE_KX:
		return pref;
	case 26 /* PX */:
		return px;
	case DNS_TYPE_SRV:
		return srv;
	case 24 /* SIG */:
	case DNS_TYPE_RRSIG:
		return sig;
	case DNS_TYPE_NAPTR:
		return naptr;
	case 38 /* A6 */:
		return a6;
	default:
		return NULL;
	}
}

/* Runs one step at the cursor over the copy out; lowercases a name in place. False when the
 * rdata does not have the shape (it is then signed as it is, and will not verify). */
static bool canon_step(enum step s, struct buf_in *in, uint8_t *out)
{
	uint8_t name[NAME_MAX_WIRE];
	size_t at = in->pos;
	switch (s) {
	case NAME:
		if (!get_name(in, name))
			return false;
		name_lower(name);
		memcpy(out + at, name, in->pos - at);
		return true;
	case SKIP2:
		return buf_get_bytes(in, 2) != NULL;
	case SKIP6:
		return buf_get_bytes(in, 6) != NULL;
	case SKIP18:
		return buf_get_bytes(in, 18) != NULL;
	case CSTR:
		return buf_get_bytes(in, buf_get_u8(in)) != NULL;
	case A6: { /* RFC 2874 §3.1.1: prefix length, suffix of (128 - length) bits, name */
		uint8_t plen = buf_get_u8(in);
		if (in->err || plen > 128 || !buf_get_bytes(in, (128u - plen + 7) / 8))
			return false;
		return plen == 0 || canon_step(NAME, in, out);
	}
	default:
		return false;
	}
}

void canon_rdata(uint16_t type, const uint8_t *rd, size_t len, uint8_t *out)
{
	memcpy(out, rd, len);
	const enum step *s = canon_steps(type);
	struct buf_in in;
	buf_in_init(&in, rd, len);
	for (; s && *s != END; s++)
		if (!canon_step(*s, &in, out))
			return;
}
