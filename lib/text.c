/* lib/text.c: tokens and text encodings of master-file presentation format.
 * SPDX-License-Identifier: MIT
 */
#include "text.h"

#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool text_at_end(struct text_lex *lx)
{
	while (lx->p < lx->end && is_space(*lx->p))
		lx->p++;
	return lx->p == lx->end;
}

bool text_token(struct text_lex *lx, struct text_tok *t)
{
	if (lx->err || text_at_end(lx))
		return false;
	const char *s = lx->p;
	bool in_quote = false;
	t->quoted = *s == '"';
	while (lx->p < lx->end && (in_quote || !is_space(*lx->p))) {
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx->p++;
		else if (*lx->p == '"')
			in_quote = !in_quote;
		lx->p++;
	}
	if (in_quote) {
		lx->err = ERR_SYNTAX;
		return false;
	}
	t->s = s;
	t->len = (size_t)(lx->p - s);
	return true;
}

enum err text_u32(const char *s, size_t len, uint32_t max, uint32_t *v)
{
	if (len == 0 || len > 10)
		return len ? ERR_RANGE : ERR_SYNTAX;
	uint64_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ERR_SYNTAX;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	if (x > max)
		return ERR_RANGE;
	*v = (uint32_t)x;
	return ERR_OK;
}

enum err text_ttl(const char *s, size_t len, uint32_t *ttl)
{
	if (len == 0)
		return ERR_SYNTAX;
	uint64_t total = 0, num = 0;
	bool digits = false, units = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			num = num * 10 + (uint64_t)(c - '0');
			if (num > UINT32_MAX)
				return ERR_RANGE;
			digits = true;
			continue;
		}
		uint64_t mult;
		switch (c | 0x20) {
		case 's': mult = 1; break;
		case 'm': mult = 60; break;
		case 'h': mult = 3600; break;
		case 'd': mult = 86400; break;
		case 'w': mult = 604800; break;
		default: return ERR_SYNTAX;
		}
		if (!digits)
			return ERR_SYNTAX;
		total += num * mult;
		if (total > UINT32_MAX)
			return ERR_RANGE;
		num = 0;
		digits = false;
		units = true;
	}
	if (digits)
		total += num; /* a bare number, or trailing seconds after units */
	else if (!units)
		return ERR_SYNTAX;
	if (total > UINT32_MAX)
		return ERR_RANGE;
	*ttl = (uint32_t)total;
	return ERR_OK;
}

void text_string_encode(const uint8_t *p, size_t n, struct buf_out *out)
{
	char tmp[4 * 255 + 3];
	size_t t = 0;
	buf_puts(out, "\"");
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			tmp[t++] = '\\';
			tmp[t++] = (char)c;
		} else if (c < 0x20 || c > 0x7E) {
			tmp[t++] = '\\';
			tmp[t++] = (char)('0' + c / 100);
			tmp[t++] = (char)('0' + c / 10 % 10);
			tmp[t++] = (char)('0' + c % 10);
		} else {
			tmp[t++] = (char)c;
		}
		if (t > sizeof(tmp) - 5 || i + 1 == n) {
			tmp[t] = 0;
			buf_puts(out, tmp);
			t = 0;
		}
	}
	buf_puts(out, "\"");
}

enum err text_string_decode(const char *s, size_t len, struct buf_out *out)
{
	if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
		s++;
		len -= 2;
	}
	for (size_t i = 0; i < len;) {
		uint8_t c = (uint8_t)s[i++];
		if (c == '"')
			continue; /* quotes inside a token only delimit */
		if (c == '\\') {
			if (i == len)
				return ERR_SYNTAX;
			if (s[i] >= '0' && s[i] <= '9') {
				if (len - i < 3)
					return ERR_SYNTAX;
				unsigned v = 0;
				for (int k = 0; k < 3; k++) {
					if (s[i] < '0' || s[i] > '9')
						return ERR_SYNTAX;
					v = v * 10 + (unsigned)(s[i++] - '0');
				}
				if (v > 255)
					return ERR_SYNTAX;
				c = (uint8_t)v;
			} else {
				c = (uint8_t)s[i++];
			}
		}
		buf_put_u8(out, c);
	}
	return out->err;
}

static const char hexdig[] = "0123456789ABCDEF";

void text_hex_encode(const uint8_t *p, size_t n, struct buf_out *out)
{
	char tmp[129];
	size_t t = 0;
	for (size_t i = 0; i < n; i++) {
		tmp[t++] = hexdig[p[i] >> 4];
		tmp[t++] = hexdig[p[i] & 15];
		if (t == 128 || i + 1 == n) {
			tmp[t] = 0;
			buf_puts(out, tmp);
			t = 0;
		}
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

enum err text_hex_decode(const char *s, size_t len, struct buf_out *out)
{
	int hi = -1;
	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i]))
			continue;
		int v = hexval(s[i]);
		if (v < 0)
			return ERR_SYNTAX;
		if (hi < 0) {
			hi = v;
		} else {
			buf_put_u8(out, (uint8_t)(hi << 4 | v));
			hi = -1;
		}
	}
	return hi >= 0 ? ERR_SYNTAX : out->err;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void text_base64_encode(const uint8_t *p, size_t n, struct buf_out *out)
{
	char tmp[132];
	size_t t = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		tmp[t++] = b64[v >> 18 & 63];
		tmp[t++] = b64[v >> 12 & 63];
		tmp[t++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		tmp[t++] = i + 2 < n ? b64[v & 63] : '=';
		if (t >= 128 || i + 3 >= n) {
			tmp[t] = 0;
			buf_puts(out, tmp);
			t = 0;
		}
	}
}

enum err text_base64_decode(const char *s, size_t len, struct buf_out *out)
{
	uint32_t acc = 0;
	unsigned bits = 0, pad = 0;
	size_t chars = 0;
	for (size_t i = 0; i < len; i++) {
		if (is_space(s[i]))
			continue;
		if (s[i] == '=') {
			pad++;
			continue;
		}
		const char *at = s[i] ? strchr(b64, s[i]) : NULL;
		if (!at || pad)
			return ERR_SYNTAX;
		acc = acc << 6 | (uint32_t)(at - b64);
		chars++;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_put_u8(out, (uint8_t)(acc >> bits));
		}
	}
	/* Whole quanta only: the '=' signs fill the last one and the bits they cover are zero. */
	if (chars % 4 == 1 || pad != (4 - chars % 4) % 4 || (acc & ((1u << bits) - 1)))
		return ERR_SYNTAX;
	return out->err;
}

static const char b32[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

void text_base32hex_encode(const uint8_t *p, size_t n, struct buf_out *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	char tmp[2];
	tmp[1] = 0;
	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			tmp[0] = b32[acc >> bits & 31];
			buf_puts(out, tmp);
		}
	}
	if (bits) {
		tmp[0] = b32[acc << (5 - bits) & 31];
		buf_puts(out, tmp);
	}
}

enum err text_base32hex_decode(const char *s, size_t len, struct buf_out *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (is_space(c))
			continue;
		if (c >= 'a' && c <= 'v')
			c = (char)(c - 32);
		const char *at = c ? strchr(b32, c) : NULL;
		if (!at)
			return ERR_SYNTAX;
		acc = acc << 5 | (uint32_t)(at - b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			buf_put_u8(out, (uint8_t)(acc >> bits));
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return ERR_SYNTAX;
	return out->err;
}
