/* client/idn.h: internationalised names as dig 9.18 converts them (IDNA2008, libidn2).
 *
 * +idnin turns a name typed in UTF-8 into its ASCII form (xn--) before it is asked:
 * non-transitional processing first, transitional when that disallows a character, as dig.
 * +idnout turns every name printed back into UTF-8 when its labels are valid IDNA2008, and
 * leaves it ASCII otherwise. libidn2 is seen by this module only.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_IDN_H
#define CLIENT_IDN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The ASCII form of name (UTF-8) into out[0..cap); false with dig's words in err. */
bool idn_to_ascii(const char *name, char *out, size_t cap, char err[static 512]);

/* The names in text[start..] (master-file text: names are words of letters, digits, '-', '_'
 * and '.', outside quoted strings) in their UTF-8 form, rewritten in place in out. false with
 * dig's words in err when a name holds a bad ACE label. */
bool idn_text_to_unicode(struct buf_out *out, size_t start, char err[static 512]);

#endif
