/* lib/name.h: domain names in wire form and in text.
 *
 * A name here is always uncompressed wire form: length-prefixed labels ending with the root
 * label (0), at most NAME_MAX_WIRE octets, checked when it was made. Reading a possibly
 * compressed name out of a message, converting to and from presentation text (RFC 1035 §5.1
 * escapes \X and \DDD), and comparing (case-insensitive for ASCII only, canonical order of
 * RFC 4034 §6.1) are here. Names inside rdata are rdata's business; it calls these.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_NAME_H
#define LIB_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

#define NAME_MAX_WIRE 255  /* RFC 1035 §3.1 */
#define NAME_MAX_LABEL 63  /* RFC 1035 §3.1 */
#define NAME_MAX_HOPS 128  /* a 255-octet name has at most 127 labels: more jumps is a loop */
#define NAME_MAX_LABELS 127 /* labels of a 255-octet name */
#define NAME_MAX_TEXT 1024 /* longest text form: 4 chars per octet as \DDD, dots, NUL */

/* Reads a name at the cursor into out, following compression pointers (RFC 1035 §4.1.4).
 * A pointer must point before every byte read so far for this name; at most NAME_MAX_HOPS.
 * The cursor ends after the name's bytes at its original place. Returns ERR_TRUNC, ERR_PTR,
 * ERR_LABEL (label types 01/10) or ERR_NAMELEN; the cursor's err is set too. */
enum err name_parse(struct buf_in *in, uint8_t out[NAME_MAX_WIRE], size_t *len);

/* Converts text (not NUL-terminated, tlen bytes) to a name. A name without a final dot is
 * relative: origin (a name, or NULL for the root) is appended. "." is the root; "@" is not
 * special here. Escapes \X and \DDD (000-255) are understood. Returns ERR_SYNTAX (empty label,
 * bad escape), ERR_LABEL (label over 63) or ERR_NAMELEN. */
enum err name_from_text(const char *text, size_t tlen, const uint8_t *origin,
			uint8_t out[NAME_MAX_WIRE], size_t *len);

/* Appends the text form of name, absolute with its final dot, to out: the characters
 * . \ " ( ) ; @ $ are escaped with a backslash and bytes outside 0x21-0x7E as \DDD. */
void name_to_text(const uint8_t *name, struct buf_out *out);

/* The wire length of a valid name. */
size_t name_len(const uint8_t *name);

/* Number of labels, not counting the root: "." has 0, "a.b." has 2. */
unsigned name_labels(const uint8_t *name);

/* The name with its first label removed (a pointer into name); the root returns itself. */
const uint8_t *name_parent(const uint8_t *name);

/* The ancestor of name with the given number of labels (a pointer into name); name itself
 * when it has that many or fewer. */
const uint8_t *name_ancestor(const uint8_t *name, unsigned labels);

/* Equality ignoring ASCII case. */
bool name_equal(const uint8_t *a, const uint8_t *b);

/* RFC 4034 §6.1 canonical order: <0, 0, >0. */
int name_compare(const uint8_t *a, const uint8_t *b);

/* True when name equals parent or lies below it. */
bool name_is_subdomain(const uint8_t *name, const uint8_t *parent);

/* The wildcard name "*." + name into out (RFC 4592); false when it would be over 255 octets. */
bool name_wildcard(const uint8_t *name, uint8_t out[NAME_MAX_WIRE]);

/* Lower-cases ASCII letters in place. */
void name_lower(uint8_t *name);

/* Gives each ASCII letter of name a random case (0x20 bits against forged replies, as
 * draft-vixie-dnsext-dns0x20 proposes). Returns the number of letters: the bits added. */
unsigned name_randomize_case(uint8_t *name);

/* Undoes name_randomize_case where it shows in a reply: the longest run of trailing labels of
 * name that equals the same labels of sent byte for byte (case included) takes the case of
 * orig, the name before randomizing (sent and orig differ only in case). Names that a
 * server compressed against the question come back in the client's case this way. */
void name_restore_case(uint8_t *name, const uint8_t *sent, const uint8_t *orig);

/* A case-insensitive hash for hash tables (FNV-1a over lower-cased octets). */
uint32_t name_hash(const uint8_t *name);

/* ASCII-only lower-casing, independent of the locale. */
static inline uint8_t name_fold(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

#endif
