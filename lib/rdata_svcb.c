/* lib/rdata_svcb.c: SVCB/HTTPS service parameters in wire form and text (RFC 9460).
 * SPDX-License-Identifier: MIT
 */
#include "rdata_svcb.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"

enum svc_key {
	KEY_MANDATORY = 0,
	KEY_ALPN = 1,
	KEY_NO_DEFAULT_ALPN = 2,
	KEY_PORT = 3,
	KEY_IPV4HINT = 4,
	KEY_ECH = 5,
	KEY_IPV6HINT = 6,
	KEY_DOHPATH = 7, /* RFC 9461 */
	KEY_OHTTP = 8,   /* RFC 9540 */
};

static const char *const key_names[] = {
	"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint", "ech", "ipv6hint", "dohpath",
	"ohttp",
};
#define KEY_NAMES (sizeof(key_names) / sizeof(key_names[0]))

#define SVC_MAX_PARAMS 64 /* more keys than any deployment uses; bounds the sort below */

bool rdata_svcb_valid(const uint8_t *p, size_t n)
{
	long last = -1;
	for (size_t i = 0; i < n;) {
		if (n - i < 4)
			return false;
		unsigned key = (unsigned)(p[i] << 8 | p[i + 1]);
		size_t len = (size_t)(p[i + 2] << 8 | p[i + 3]);
		if ((long)key <= last || n - i - 4 < len)
			return false;
		last = key;
		i += 4 + len;
	}
	return true;
}

static void key_to_text(unsigned key, struct buf_out *out)
{
	if (key < KEY_NAMES)
		buf_puts(out, key_names[key]);
	else
		buf_printf(out, "key%u", key);
}

/* alpn: each protocol id with ',' and '\' escaped for the list, then the whole value as a
 * character-string (RFC 9460 Appendix A.1). */
static bool alpn_to_text(const uint8_t *v, size_t len, struct buf_out *out)
{
	uint8_t *list = malloc(2 * len); /* each octet escaped at worst */
	size_t n = 0;
	if (!list) {
		out->err = ERR_NOMEM;
		return false;
	}
	for (size_t i = 0; i < len;) {
		uint8_t l = v[i++];
		if (l == 0 || len - i < l) {
			free(list);
			return false;
		}
		if (n)
			list[n++] = ',';
		for (size_t k = 0; k < l; k++) {
			if (v[i + k] == ',' || v[i + k] == '\\')
				list[n++] = '\\';
			list[n++] = v[i + k];
		}
		i += l;
	}
	text_string_encode(list, n, out);
	free(list);
	return true;
}

static bool addrs_to_text(int af, const uint8_t *v, size_t len, struct buf_out *out)
{
	size_t size = af == AF_INET ? 4 : 16;
	if (len == 0 || len % size)
		return false;
	for (size_t i = 0; i < len; i += size) {
		char s[INET6_ADDRSTRLEN];
		inet_ntop(af, v + i, s, sizeof(s));
		buf_printf(out, "%s%s", i ? "," : "", s);
	}
	return true;
}

static bool value_to_text(unsigned key, const uint8_t *v, size_t len, struct buf_out *out)
{
	switch (key) {
	case KEY_MANDATORY:
		if (len == 0 || len % 2)
			return false;
		for (size_t i = 0; i < len; i += 2) {
			buf_puts(out, i ? "," : "");
			key_to_text((unsigned)(v[i] << 8 | v[i + 1]), out);
		}
		return true;
	case KEY_ALPN:
		return len > 0 && alpn_to_text(v, len, out);
	case KEY_PORT:
		if (len != 2)
			return false;
		buf_printf(out, "%u", (unsigned)(v[0] << 8 | v[1]));
		return true;
	case KEY_IPV4HINT:
		return addrs_to_text(AF_INET, v, len, out);
	case KEY_IPV6HINT:
		return addrs_to_text(AF_INET6, v, len, out);
	case KEY_ECH:
		if (len == 0)
			return false;
		text_base64_encode(v, len, out);
		return true;
	default:
		text_string_encode(v, len, out);
		return true;
	}
}

static bool has_key(const uint8_t *p, size_t n, unsigned key)
{
	for (size_t i = 0; i + 4 <= n; i += 4 + (size_t)(p[i + 2] << 8 | p[i + 3]))
		if ((unsigned)(p[i] << 8 | p[i + 1]) == key)
			return true;
	return false;
}

/* RFC 9460 §8: the keys listed in mandatory increase strictly, do not include mandatory
 * itself, and are each present in the rdata. p holds well-formed parameters. */
static bool mandatory_valid(const uint8_t *p, size_t n)
{
	if (n < 4 || (p[0] << 8 | p[1]) != KEY_MANDATORY)
		return true;
	size_t len = (size_t)(p[2] << 8 | p[3]);
	const uint8_t *rest = p + 4 + len;
	unsigned last = KEY_MANDATORY;
	for (size_t i = 4; i + 1 < 4 + len; i += 2) {
		unsigned key = (unsigned)(p[i] << 8 | p[i + 1]);
		if (key <= last || !has_key(rest, n - 4 - len, key))
			return false;
		last = key;
	}
	return len % 2 == 0;
}

bool rdata_svcb_to_text(const uint8_t *p, size_t n, struct buf_out *out)
{
	if (!mandatory_valid(p, n))
		return false; /* text would not read back to these bytes */
	for (size_t i = 0; i < n;) {
		unsigned key = (unsigned)(p[i] << 8 | p[i + 1]);
		size_t len = (size_t)(p[i + 2] << 8 | p[i + 3]);
		buf_puts(out, i ? " " : "");
		key_to_text(key, out);
		i += 4;
		bool no_value = key == KEY_NO_DEFAULT_ALPN || key == KEY_OHTTP;
		if (no_value && len)
			return false;
		if (len == 0 && key <= KEY_IPV6HINT && !no_value)
			return false; /* these keys need a value (RFC 9460 §7) */
		if (len) {
			buf_puts(out, "=");
			if (!value_to_text(key, p + i, len, out))
				return false;
		}
		i += len;
	}
	return true;
}

static enum err key_from_text(const char *s, size_t len, unsigned *key)
{
	for (unsigned k = 0; k < KEY_NAMES; k++) {
		if (strlen(key_names[k]) == len && memcmp(s, key_names[k], len) == 0) {
			*key = k;
			return ERR_OK;
		}
	}
	uint32_t v;
	if (len > 3 && memcmp(s, "key", 3) == 0 && text_u32(s + 3, len - 3, 65535, &v) == ERR_OK) {
		*key = v;
		return ERR_OK;
	}
	return ERR_SYNTAX;
}

/* Splits a decoded value at commas not escaped by a backslash, unescaping the items, and
 * calls item() for each. */
static enum err each_item(const uint8_t *v, size_t len,
			  enum err (*item)(const uint8_t *s, size_t n, struct buf_out *out),
			  struct buf_out *out)
{
	uint8_t *cur = malloc(len);
	size_t n = 0;
	enum err e = cur ? ERR_OK : ERR_NOMEM;
	for (size_t i = 0; i <= len && !e; i++) {
		if (i == len || v[i] == ',') {
			e = item(cur, n, out);
			n = 0;
			continue;
		}
		if (v[i] == '\\' && i + 1 < len)
			i++;
		cur[n++] = v[i];
	}
	free(cur);
	return e;
}

static enum err alpn_item(const uint8_t *s, size_t n, struct buf_out *out)
{
	if (n == 0 || n > 255)
		return ERR_SYNTAX;
	buf_put_u8(out, (uint8_t)n);
	buf_put_bytes(out, s, n);
	return out->err;
}

static enum err addr_item(int af, const uint8_t *s, size_t n, struct buf_out *out)
{
	char a[INET6_ADDRSTRLEN];
	uint8_t bin[16];
	if (n >= sizeof(a))
		return ERR_SYNTAX;
	memcpy(a, s, n);
	a[n] = 0;
	if (inet_pton(af, a, bin) != 1)
		return ERR_SYNTAX;
	buf_put_bytes(out, bin, af == AF_INET ? 4 : 16);
	return out->err;
}

static enum err v4_item(const uint8_t *s, size_t n, struct buf_out *out)
{
	return addr_item(AF_INET, s, n, out);
}

static enum err v6_item(const uint8_t *s, size_t n, struct buf_out *out)
{
	return addr_item(AF_INET6, s, n, out);
}

static enum err mandatory_item(const uint8_t *s, size_t n, struct buf_out *out)
{
	unsigned key;
	if (key_from_text((const char *)s, n, &key))
		return ERR_SYNTAX;
	buf_put_u16(out, (uint16_t)key);
	return out->err;
}

/* Converts the decoded text value of key into wire form. */
static enum err value_from_text(unsigned key, const uint8_t *v, size_t len, bool has,
				struct buf_out *out)
{
	uint32_t port;
	switch (key) {
	case KEY_NO_DEFAULT_ALPN:
	case KEY_OHTTP:
		return has ? ERR_SYNTAX : ERR_OK;
	case KEY_MANDATORY:
		return has && len ? each_item(v, len, mandatory_item, out) : ERR_SYNTAX;
	case KEY_ALPN:
		return has && len ? each_item(v, len, alpn_item, out) : ERR_SYNTAX;
	case KEY_PORT:
		if (!has || text_u32((const char *)v, len, 65535, &port))
			return ERR_SYNTAX;
		buf_put_u16(out, (uint16_t)port);
		return out->err;
	case KEY_IPV4HINT:
		return has && len ? each_item(v, len, v4_item, out) : ERR_SYNTAX;
	case KEY_IPV6HINT:
		return has && len ? each_item(v, len, v6_item, out) : ERR_SYNTAX;
	case KEY_ECH:
		return has && len ? text_base64_decode((const char *)v, len, out) : ERR_SYNTAX;
	default:
		buf_put_bytes(out, v, len);
		return out->err;
	}
}

struct param {
	unsigned key;
	size_t at, len; /* the value, inside the scratch buffer */
};

static int param_cmp(const void *a, const void *b)
{
	const struct param *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

/* Keys in wire form (16 bits, network order) sort as their bytes do. */
static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 2);
}

enum err rdata_svcb_from_text(struct text_lex *lx, struct buf_out *out, const char **why)
{
	struct param params[SVC_MAX_PARAMS];
	size_t n = 0;
	enum err e = ERR_OK;
	uint8_t *scratch = malloc(65535), *val = malloc(65535);
	if (!scratch || !val) {
		e = ERR_NOMEM;
		*why = "out of memory";
		goto done;
	}
	struct buf_out sb;
	buf_out_init(&sb, scratch, 65535);
	struct text_tok t;
	while (text_token(lx, &t)) {
		const char *eq = memchr(t.s, '=', t.len);
		size_t klen = eq ? (size_t)(eq - t.s) : t.len;
		struct buf_out vb;
		buf_out_init(&vb, val, 65535);
		if (n == SVC_MAX_PARAMS) {
			e = ERR_RANGE;
			*why = "too many service parameters";
			goto done;
		}
		params[n].at = sb.len;
		if (key_from_text(t.s, klen, &params[n].key)) {
			e = ERR_SYNTAX;
			*why = "unknown service parameter key";
			goto done;
		}
		if ((eq && text_string_decode(eq + 1, t.len - klen - 1, &vb)) ||
		    value_from_text(params[n].key, val, vb.len, eq != NULL, &sb)) {
			e = ERR_SYNTAX;
			*why = "bad service parameter value";
			goto done;
		}
		params[n].len = sb.len - params[n].at;
		n++;
	}
	qsort(params, n, sizeof(params[0]), param_cmp);
	if (n && params[0].key == KEY_MANDATORY) /* the wire list is sorted (RFC 9460 §8) */
		qsort(scratch + params[0].at, params[0].len / 2, 2, key_cmp);
	size_t start = out->len;
	for (size_t i = 0; i < n; i++) {
		if (i && params[i].key == params[i - 1].key) {
			e = ERR_SYNTAX;
			*why = "repeated service parameter key";
			goto done;
		}
		buf_put_u16(out, (uint16_t)params[i].key);
		buf_put_u16(out, (uint16_t)params[i].len);
		buf_put_bytes(out, scratch + params[i].at, params[i].len);
	}
	e = lx->err ? ERR_SYNTAX : out->err;
	if (e) {
		*why = lx->err ? "unterminated quoted string" : "rdata too long";
	} else if (!mandatory_valid(out->p + start, out->len - start)) {
		e = ERR_SYNTAX;
		*why = "mandatory keys must each be present once, and not mandatory itself";
	}
done:
	free(scratch);
	free(val);
	return e;
}
