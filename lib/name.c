/* lib/name.c: domain names in wire form and text.
 * SPDX-License-Identifier: MIT
 */
#include "name.h"

#include <string.h>

#include "rand.h"

enum err name_parse(struct buf_in *in, uint8_t out[NAME_MAX_WIRE], size_t *len)
{
	struct buf_in rd = *in; /* follows pointers; in stays where the name was written */
	size_t lowest = in->pos; /* every pointer target must lie below this */
	size_t n = 0;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c = buf_get_u8(&rd);
		if (rd.err)
			break;
		if ((c & 0xC0) == 0xC0) {
			size_t to = (size_t)(c & 0x3F) << 8 | buf_get_u8(&rd);
			if (rd.err)
				break;
			if (to >= lowest || ++hops > NAME_MAX_HOPS) {
				rd.err = ERR_PTR;
				break;
			}
			if (!jumped)
				in->pos = rd.pos;
			jumped = true;
			lowest = to;
			rd.pos = to;
			continue;
		}
		if (c & 0xC0) {
			rd.err = ERR_LABEL; /* types 01 and 10: on the wire, a label over 63 */
			break;
		}
		if (n + 1 + c > NAME_MAX_WIRE) {
			rd.err = ERR_NAMELEN;
			break;
		}
		out[n++] = c;
		if (c == 0)
			break;
		const uint8_t *label = buf_get_bytes(&rd, c);
		if (!label)
			break;
		memcpy(out + n, label, c);
		n += c;
	}
	if (rd.err) {
		in->err = rd.err;
		return rd.err;
	}
	if (!jumped)
		in->pos = rd.pos;
	*len = n;
	return ERR_OK;
}

static int digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : -1;
}

/* Decodes one escaped character at text[*i] (just after the backslash). */
static enum err unescape(const char *text, size_t tlen, size_t *i, uint8_t *byte)
{
	if (*i >= tlen)
		return ERR_SYNTAX;
	if (digit(text[*i]) < 0) {
		*byte = (uint8_t)text[(*i)++];
		return ERR_OK;
	}
	if (tlen - *i < 3 || digit(text[*i + 1]) < 0 || digit(text[*i + 2]) < 0)
		return ERR_SYNTAX;
	int v = digit(text[*i]) * 100 + digit(text[*i + 1]) * 10 + digit(text[*i + 2]);
	if (v > 255)
		return ERR_SYNTAX;
	*byte = (uint8_t)v;
	*i += 3;
	return ERR_OK;
}

enum err name_from_text(const char *text, size_t tlen, const uint8_t *origin,
			uint8_t out[NAME_MAX_WIRE], size_t *len)
{
	if (tlen == 1 && text[0] == '.') {
		out[0] = 0;
		*len = 1;
		return ERR_OK;
	}
	size_t n = 0, label_at = 0;
	bool in_label = false, absolute = false;
	for (size_t i = 0; i < tlen;) {
		if (text[i] == '.') {
			if (!in_label)
				return ERR_SYNTAX; /* empty label: "..", or a leading dot */
			out[label_at] = (uint8_t)(n - label_at - 1);
			in_label = false;
			absolute = ++i == tlen;
			continue;
		}
		if (!in_label) {
			label_at = n++;
			in_label = true;
		}
		uint8_t byte = (uint8_t)text[i++];
		if (byte == '\\') {
			enum err e = unescape(text, tlen, &i, &byte);
			if (e)
				return e;
		}
		if (n - label_at - 1 >= NAME_MAX_LABEL)
			return ERR_LABEL;
		if (n + 2 > NAME_MAX_WIRE) /* this octet and the root label */
			return ERR_NAMELEN;
		out[n++] = byte;
	}
	if (n == 0)
		return ERR_SYNTAX;
	if (in_label)
		out[label_at] = (uint8_t)(n - label_at - 1);
	if (!absolute && origin) {
		size_t olen = name_len(origin);
		if (n + olen > NAME_MAX_WIRE)
			return ERR_NAMELEN;
		memcpy(out + n, origin, olen);
		*len = n + olen;
		return ERR_OK;
	}
	out[n++] = 0;
	*len = n;
	return ERR_OK;
}

void name_to_text(const uint8_t *name, struct buf_out *out)
{
	if (name[0] == 0) {
		buf_puts(out, ".");
		return;
	}
	char tmp[NAME_MAX_TEXT];
	size_t t = 0;
	for (const uint8_t *p = name; *p; p += *p + 1) {
		for (unsigned i = 1; i <= *p; i++) {
			uint8_t c = p[i];
			if (strchr(".\\\"();@$", c) && c) {
				tmp[t++] = '\\';
				tmp[t++] = (char)c;
			} else if (c < 0x21 || c > 0x7E) {
				tmp[t++] = '\\';
				tmp[t++] = (char)('0' + c / 100);
				tmp[t++] = (char)('0' + c / 10 % 10);
				tmp[t++] = (char)('0' + c % 10);
			} else {
				tmp[t++] = (char)c;
			}
		}
		tmp[t++] = '.';
	}
	tmp[t] = 0;
	buf_puts(out, tmp);
}

size_t name_len(const uint8_t *name)
{
	const uint8_t *p = name;
	while (*p)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

unsigned name_labels(const uint8_t *name)
{
	unsigned n = 0;
	for (const uint8_t *p = name; *p; p += *p + 1)
		n++;
	return n;
}

const uint8_t *name_parent(const uint8_t *name)
{
	return *name ? name + *name + 1 : name;
}

const uint8_t *name_ancestor(const uint8_t *name, unsigned labels)
{
	for (unsigned n = name_labels(name); n > labels; n--)
		name = name_parent(name);
	return name;
}

bool name_equal(const uint8_t *a, const uint8_t *b)
{
	for (;;) {
		if (*a != *b)
			return false;
		if (*a == 0)
			return true;
		for (unsigned i = 1; i <= *a; i++)
			if (name_fold(a[i]) != name_fold(b[i]))
				return false;
		a += *a + 1;
		b += *b + 1;
	}
}

/* Compares two labels as RFC 4034 §6.1 orders them: octet strings, case folded, shorter
 * first when one is a prefix of the other. */
static int label_compare(const uint8_t *a, const uint8_t *b)
{
	unsigned n = a[0] < b[0] ? a[0] : b[0];
	for (unsigned i = 1; i <= n; i++) {
		int d = name_fold(a[i]) - name_fold(b[i]);
		if (d)
			return d;
	}
	return (int)a[0] - (int)b[0];
}

int name_compare(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *la[NAME_MAX_WIRE / 2], *lb[NAME_MAX_WIRE / 2];
	unsigned na = 0, nb = 0;
	for (const uint8_t *p = a; *p; p += *p + 1)
		la[na++] = p;
	for (const uint8_t *p = b; *p; p += *p + 1)
		lb[nb++] = p;
	/* Compare from the most significant (rightmost) label leftwards. */
	while (na && nb) {
		int d = label_compare(la[--na], lb[--nb]);
		if (d)
			return d;
	}
	return (int)na - (int)nb;
}

bool name_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	unsigned n = name_labels(name), p = name_labels(parent);
	if (n < p)
		return false;
	while (n-- > p)
		name = name_parent(name);
	return name_equal(name, parent);
}

void name_lower(uint8_t *name)
{
	for (uint8_t *p = name; *p; p += *p + 1)
		for (unsigned i = 1; i <= *p; i++)
			p[i] = name_fold(p[i]);
}

unsigned name_randomize_case(uint8_t *name)
{
	unsigned letters = 0, left = 0;
	uint16_t bits = 0;
	for (uint8_t *p = name; *p; p += *p + 1) {
		for (unsigned i = 1; i <= *p; i++) {
			uint8_t c = name_fold(p[i]);
			if (c < 'a' || c > 'z')
				continue;
			if (left == 0) {
				bits = rand_u16();
				left = 16;
			}
			p[i] = (bits & 1) ? (uint8_t)(c - 32) : c;
			bits = (uint16_t)(bits >> 1);
			left--;
			letters++;
		}
	}
	return letters;
}

/* Offsets of the labels of name, and their number. */
static unsigned label_offsets(const uint8_t *name, size_t offs[NAME_MAX_LABELS + 1])
{
	unsigned n = 0;
	size_t at = 0;
	while (name[at] && n < NAME_MAX_LABELS) {
		offs[n++] = at;
		at += (size_t)name[at] + 1;
	}
	offs[n] = at; /* the root label */
	return n;
}

void name_restore_case(uint8_t *name, const uint8_t *sent, const uint8_t *orig)
{
	size_t on[NAME_MAX_LABELS + 1], os[NAME_MAX_LABELS + 1];
	unsigned nn = label_offsets(name, on), ns = label_offsets(sent, os);
	unsigned k = 0; /* labels of the common suffix, byte for byte */
	while (k < nn && k < ns) {
		const uint8_t *a = name + on[nn - 1 - k], *b = sent + os[ns - 1 - k];
		if (*a != *b || memcmp(a + 1, b + 1, *a) != 0)
			break;
		k++;
	}
	if (k == 0)
		return;
	size_t from_n = on[nn - k], from_s = os[ns - k];
	memcpy(name + from_n, orig + from_s, on[nn] - from_n);
}

uint32_t name_hash(const uint8_t *name)
{
	uint32_t h = 2166136261u;
	size_t n = name_len(name);
	for (size_t i = 0; i < n; i++) {
		h ^= name_fold(name[i]);
		h *= 16777619u;
	}
	return h;
}

bool name_wildcard(const uint8_t *name, uint8_t out[NAME_MAX_WIRE])
{
	size_t len = name_len(name);
	if (len + 2 > NAME_MAX_WIRE)
		return false;
	out[0] = 1;
	out[1] = '*';
	memcpy(out + 2, name, len);
	return true;
}
