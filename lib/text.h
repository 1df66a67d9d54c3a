/* lib/text.h: presentation-format primitives shared by rdata, zonefile and the printers.
 *
 * Tokens of a line of master-file text (whitespace-separated, with "quoted" parts), and the
 * encodings rdata uses in text: decimal numbers, character-strings with \X and \DDD escapes
 * (RFC 1035 §5.1), hex, base64 (RFC 4648 §4) and base32hex (RFC 4648 §7, for NSEC3). Names
 * are name.h's. Nothing here allocates.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_TEXT_H
#define LIB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct text_tok {
	const char *s; /* raw text of the token, quotes and escapes included */
	size_t len;
	bool quoted;   /* the token began with a double quote */
};

struct text_lex {
	const char *p, *end;
	enum err err; /* ERR_SYNTAX after an unterminated quote */
};

static inline void text_lex_init(struct text_lex *lx, const char *s, size_t len)
{
	lx->p = s;
	lx->end = s + len;
	lx->err = ERR_OK;
}

/* Reads the next token: a run of characters up to unquoted, unescaped whitespace; quoted
 * parts may hold whitespace. Returns false at the end of the text or on error (lx->err). */
bool text_token(struct text_lex *lx, struct text_tok *t);

/* True when only whitespace is left. */
bool text_at_end(struct text_lex *lx);

/* Parses an unsigned decimal number no larger than max. */
enum err text_u32(const char *s, size_t len, uint32_t max, uint32_t *v);

/* Parses a TTL: decimal seconds, or units as in 1w2d3h4m5s (BIND and NSD accept them). */
enum err text_ttl(const char *s, size_t len, uint32_t *ttl);

/* Character-strings: encode writes bytes in double quotes, escaping " and \ with a backslash
 * and bytes outside 0x20-0x7E as \DDD. decode reads a token (quotes optional) and appends its
 * bytes. */
void text_string_encode(const uint8_t *p, size_t n, struct buf_out *out);
enum err text_string_decode(const char *s, size_t len, struct buf_out *out);

/* Upper-case hex. decode appends the bytes of the text, skipping whitespace between
 * digits; an odd number of digits or a non-hex character is ERR_SYNTAX. */
void text_hex_encode(const uint8_t *p, size_t n, struct buf_out *out);
enum err text_hex_decode(const char *s, size_t len, struct buf_out *out);

/* Base64 with padding; decode skips whitespace, as hex does. */
void text_base64_encode(const uint8_t *p, size_t n, struct buf_out *out);
enum err text_base64_decode(const char *s, size_t len, struct buf_out *out);

/* Base32 with the extended hex alphabet, upper case, no padding (RFC 5155 §3.3). */
void text_base32hex_encode(const uint8_t *p, size_t n, struct buf_out *out);
enum err text_base32hex_decode(const char *s, size_t len, struct buf_out *out);

#endif
