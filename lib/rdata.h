/* lib/rdata.h: per-type rdata: wire form <-> presentation text, and type/class mnemonics.
 *
 * One descriptor table (in rdata.c) says what fields each known type's rdata holds; it drives
 * checking and decompressing rdata read off the wire, printing it, reading it from master-file
 * text, and finding the names a writer may compress. Types without a descriptor are kept as
 * opaque bytes and printed in the RFC 3597 generic form "\# len hex", which is also read back
 * for any type.
 *
 * Rdata handed to these functions, other than rdata_unpack's input, is uncompressed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_RDATA_H
#define LIB_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* The largest uncompressed rdata: rdlength is 16 bits; names expand by at most 2 * 253 when
 * decompressed (no known type has more than two compressible names). */
#define RDATA_MAX_UNPACKED (65535 + 2 * 253)

/* Appends the mnemonic of type ("AAAA"), or "TYPE" and its number for unknown types. */
void rdata_type_to_text(uint16_t type, struct buf_out *out);

/* Reads a mnemonic (any case) or the RFC 3597 TYPEnnn form. ERR_SYNTAX if neither. */
enum err rdata_type_from_text(const char *s, size_t len, uint16_t *type);

/* The same for classes: IN, CH, HS, NONE, ANY, or CLASSnnn. */
void rdata_class_to_text(uint16_t cls, struct buf_out *out);
enum err rdata_class_from_text(const char *s, size_t len, uint16_t *cls);

/* True when type has a presentation format here (beyond the generic one). */
bool rdata_type_known(uint16_t type);

/* Reads rdlen bytes of rdata of the given type at the cursor (in spans the whole message, so
 * that compression pointers in names can be followed), checks them against the type's fields
 * and appends them to out with every name decompressed. The cursor ends after the rdata.
 * Returns ERR_TRUNC when rdlen runs past the message; ERR_RDATA when the fields do not fill the
 * rdata exactly or a name overruns it; ERR_PTR, ERR_LABEL, ERR_NAMELEN from names; ERR_SPACE
 * when out is full (an out of RDATA_MAX_UNPACKED bytes always has room). */
enum err rdata_unpack(struct buf_in *in, uint16_t type, uint16_t rdlen, struct buf_out *out);

/* Appends the presentation text of rdata. Rdata that its type's format cannot show (for
 * example an empty TXT) is printed in the generic form, so the text always reads back to the
 * same bytes. The only error is the sticky ERR_SPACE of out. */
void rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen, struct buf_out *out);

/* Parses presentation text (one logical line, parentheses and comments already removed) into
 * rdata of the given type, appended to out. Relative names get origin appended ("@" is
 * origin); with origin NULL they are taken as absolute. The generic form "\# len hex" is read
 * for any type; for a known type its bytes must be valid rdata of that type with names
 * uncompressed. On failure returns ERR_SYNTAX, ERR_RANGE, ERR_LABEL, ERR_NAMELEN, ERR_SPACE,
 * ERR_RDATA (generic form not valid for the type) or ERR_NOMEM, and sets *why to a static
 * description of the field at fault. */
enum err rdata_from_text(uint16_t type, const char *text, size_t len, const uint8_t *origin,
			 struct buf_out *out, const char **why);

/* For the types whose rdata names may be compressed when written (RFC 3597 §4: those of
 * RFC 1035), stores the offsets of those names in offs and returns how many (0-2). */
unsigned rdata_compressible_names(uint16_t type, const uint8_t *rd, size_t rdlen,
				  size_t offs[2]);

#endif
