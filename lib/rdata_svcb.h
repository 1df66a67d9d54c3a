/* lib/rdata_svcb.h: SVCB and HTTPS service parameters (RFC 9460 §2.1, §7), for rdata.c.
 *
 * The parameter list is the one rdata field with a grammar of its own: keys in increasing
 * order, each with a value whose text form depends on the key. Internal to lib/.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_RDATA_SVCB_H
#define LIB_RDATA_SVCB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "text.h"

/* True when p holds well-formed parameters: keys strictly increasing, lengths in bounds. */
bool rdata_svcb_valid(const uint8_t *p, size_t n);

/* Appends "key=value ..." text; false when a known key's value is malformed (the caller then
 * prints the rdata in the generic form). */
bool rdata_svcb_to_text(const uint8_t *p, size_t n, struct buf_out *out);

/* Reads the remaining tokens of lx as parameters in any order and appends them sorted by key.
 * Returns ERR_SYNTAX, ERR_RANGE or ERR_NOMEM with *why set. */
enum err rdata_svcb_from_text(struct text_lex *lx, struct buf_out *out, const char **why);

#endif
