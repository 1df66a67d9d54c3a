/* lib/rdata.c: the rdata descriptor table and the code it drives.
 *
 * Each known type is a list of fields. Checking wire rdata, printing, reading text and finding
 * compressible names walk that list; a type is added by adding a line to the table. SVCB
 * parameters and the NSEC type bitmap have their own file-local helpers in rdata_svcb.c and
 * here respectively.
 *
 * SPDX-License-Identifier: MIT
 */
#include "rdata.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "name.h"
#include "rdata_svcb.h"
#include "text.h"

enum field {
	F_END = 0,
	F_NAME_C, /* a name RFC 1035 lets writers compress */
	F_NAME,   /* a name never compressed when written (RFC 3597 §4); read leniently */
	F_U8,
	F_U16,
	F_U32,    /* text may use TTL units, as SOA timers often do */
	F_TIME,   /* RRSIG times: YYYYMMDDHHmmSS in text (RFC 4034 §3.2) */
	F_TYPE,   /* a type mnemonic (RRSIG type covered) */
	F_A,
	F_AAAA,
	F_STR,    /* one character-string */
	F_STRS,   /* one or more character-strings to the end */
	F_B64,    /* base64 to the end */
	F_HEX,    /* hex to the end */
	F_HEX8,   /* length octet + hex, "-" when empty (NSEC3 salt) */
	F_B32H8,  /* length octet + base32hex (NSEC3 next hashed owner) */
	F_BITMAP, /* NSEC type bitmap to the end (RFC 4034 §4.1.2) */
	F_SVC,    /* SVCB parameters to the end (RFC 9460) */
	F_TAG,    /* length octet + unquoted tag (CAA) */
	F_QREST,  /* bytes to the end, shown as one quoted string (CAA value) */
};

#define MAX_FIELDS 9

struct desc {
	uint16_t type;
	const char *name;
	uint8_t f[MAX_FIELDS]; /* empty: a meta type with no rdata format */
};

static const struct desc descs[] = {
	{ DNS_TYPE_A, "A", { F_A } },
	{ DNS_TYPE_NS, "NS", { F_NAME_C } },
	{ DNS_TYPE_MD, "MD", { F_NAME_C } },
	{ DNS_TYPE_MF, "MF", { F_NAME_C } },
	{ DNS_TYPE_CNAME, "CNAME", { F_NAME_C } },
	{ DNS_TYPE_SOA, "SOA", { F_NAME_C, F_NAME_C, F_U32, F_U32, F_U32, F_U32, F_U32 } },
	{ DNS_TYPE_MB, "MB", { F_NAME_C } },
	{ DNS_TYPE_MG, "MG", { F_NAME_C } },
	{ DNS_TYPE_MR, "MR", { F_NAME_C } },
	{ DNS_TYPE_PTR, "PTR", { F_NAME_C } },
	{ DNS_TYPE_HINFO, "HINFO", { F_STR, F_STR } },
	{ DNS_TYPE_MINFO, "MINFO", { F_NAME_C, F_NAME_C } },
	{ DNS_TYPE_MX, "MX", { F_U16, F_NAME_C } },
	{ DNS_TYPE_TXT, "TXT", { F_STRS } },
	{ DNS_TYPE_RP, "RP", { F_NAME, F_NAME } },
	{ DNS_TYPE_AFSDB, "AFSDB", { F_U16, F_NAME } },
	{ DNS_TYPE_AAAA, "AAAA", { F_AAAA } },
	{ DNS_TYPE_SRV, "SRV", { F_U16, F_U16, F_U16, F_NAME } },
	{ DNS_TYPE_NAPTR, "NAPTR", { F_U16, F_U16, F_STR, F_STR, F_STR, F_NAME } },
	{ DNS_TYPE_KX, "KX", { F_U16, F_NAME } },
	{ DNS_TYPE_DNAME, "DNAME", { F_NAME } },
	{ DNS_TYPE_OPT, "OPT", { F_END } },
	{ DNS_TYPE_DS, "DS", { F_U16, F_U8, F_U8, F_HEX } },
	{ DNS_TYPE_SSHFP, "SSHFP", { F_U8, F_U8, F_HEX } },
	{ DNS_TYPE_RRSIG, "RRSIG",
	  { F_TYPE, F_U8, F_U8, F_U32, F_TIME, F_TIME, F_U16, F_NAME, F_B64 } },
	{ DNS_TYPE_NSEC, "NSEC", { F_NAME, F_BITMAP } },
	{ DNS_TYPE_DNSKEY, "DNSKEY", { F_U16, F_U8, F_U8, F_B64 } },
	{ DNS_TYPE_NSEC3, "NSEC3", { F_U8, F_U8, F_U16, F_HEX8, F_B32H8, F_BITMAP } },
	{ DNS_TYPE_NSEC3PARAM, "NSEC3PARAM", { F_U8, F_U8, F_U16, F_HEX8 } },
	{ DNS_TYPE_TLSA, "TLSA", { F_U8, F_U8, F_U8, F_HEX } },
	{ DNS_TYPE_CDS, "CDS", { F_U16, F_U8, F_U8, F_HEX } },
	{ DNS_TYPE_CDNSKEY, "CDNSKEY", { F_U16, F_U8, F_U8, F_B64 } },
	{ DNS_TYPE_SVCB, "SVCB", { F_U16, F_NAME, F_SVC } },
	{ DNS_TYPE_HTTPS, "HTTPS", { F_U16, F_NAME, F_SVC } },
	{ DNS_TYPE_SPF, "SPF", { F_STRS } },
	{ DNS_TYPE_IXFR, "IXFR", { F_END } },
	{ DNS_TYPE_AXFR, "AXFR", { F_END } },
	{ DNS_TYPE_ANY, "ANY", { F_END } },
	{ DNS_TYPE_CAA, "CAA", { F_U8, F_TAG, F_QREST } },
};

static const struct desc *find(uint16_t type)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].type == type)
			return &descs[i];
	return NULL;
}

bool rdata_type_known(uint16_t type)
{
	const struct desc *d = find(type);
	return d && d->f[0] != F_END;
}

static bool mnemonic_equal(const char *s, size_t len, const char *name)
{
	size_t n = strlen(name);
	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name_fold((uint8_t)s[i]) != name_fold((uint8_t)name[i]))
			return false;
	return true;
}

/* Reads "<prefix><decimal 0-65535>", the RFC 3597 form of unknown types and classes. */
static enum err generic_number(const char *s, size_t len, const char *prefix, uint16_t *v)
{
	size_t n = strlen(prefix);
	if (len <= n || !mnemonic_equal(s, n, prefix))
		return ERR_SYNTAX;
	uint32_t x;
	enum err e = text_u32(s + n, len - n, 65535, &x);
	if (e == ERR_OK)
		*v = (uint16_t)x;
	return e;
}

void rdata_type_to_text(uint16_t type, struct buf_out *out)
{
	const struct desc *d = find(type);
	if (d)
		buf_puts(out, d->name);
	else
		buf_printf(out, "TYPE%u", type);
}

enum err rdata_type_from_text(const char *s, size_t len, uint16_t *type)
{
	for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++) {
		if (mnemonic_equal(s, len, descs[i].name)) {
			*type = descs[i].type;
			return ERR_OK;
		}
	}
	return generic_number(s, len, "TYPE", type);
}

static const struct {
	uint16_t cls;
	const char *name;
} classes[] = {
	{ DNS_CLASS_IN, "IN" },     { DNS_CLASS_CH, "CH" },   { DNS_CLASS_HS, "HS" },
	{ DNS_CLASS_NONE, "NONE" }, { DNS_CLASS_ANY, "ANY" },
};

void rdata_class_to_text(uint16_t cls, struct buf_out *out)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (classes[i].cls == cls) {
			buf_puts(out, classes[i].name);
			return;
		}
	}
	buf_printf(out, "CLASS%u", cls);
}

enum err rdata_class_from_text(const char *s, size_t len, uint16_t *cls)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (mnemonic_equal(s, len, classes[i].name)) {
			*cls = classes[i].cls;
			return ERR_OK;
		}
	}
	return generic_number(s, len, "CLASS", cls);
}

/* ---- wire: checking and decompressing ---- */

/* RFC 4034 §4.1.2: windows in increasing order, each 1-32 octets long, without trailing zero
 * octets (so no empty window either): the one encoding of a set of types, which text can
 * then carry back exactly. */
static bool bitmap_valid(const uint8_t *p, size_t n)
{
	int last = -1;
	for (size_t i = 0; i < n;) {
		if (n - i < 2 || p[i] <= last || p[i + 1] == 0 || p[i + 1] > 32 ||
		    n - i - 2 < p[i + 1] || p[i + 1 + p[i + 1]] == 0)
			return false;
		last = p[i];
		i += 2 + p[i + 1];
	}
	return true;
}

/* Copies a length-prefixed field; min is the smallest length allowed. */
static void copy_counted(struct buf_in *in, struct buf_out *out, uint8_t min)
{
	uint8_t n = buf_get_u8(in);
	const uint8_t *p = buf_get_bytes(in, n);
	if (in->err == ERR_OK && n < min)
		in->err = ERR_RDATA;
	buf_put_u8(out, n);
	if (p)
		buf_put_bytes(out, p, n);
}

static void unpack_field(enum field f, struct buf_in *in, struct buf_out *out)
{
	static const uint8_t size[] = { [F_U8] = 1, [F_U16] = 2, [F_U32] = 4, [F_TIME] = 4,
					[F_TYPE] = 2, [F_A] = 4, [F_AAAA] = 16 };
	size_t rest = buf_left(in);
	const uint8_t *p;
	switch (f) {
	case F_NAME_C:
	case F_NAME: {
		uint8_t name[NAME_MAX_WIRE];
		size_t len;
		if (name_parse(in, name, &len) == ERR_OK)
			buf_put_bytes(out, name, len);
		return;
	}
	case F_U8:
	case F_U16:
	case F_U32:
	case F_TIME:
	case F_TYPE:
	case F_A:
	case F_AAAA:
		p = buf_get_bytes(in, size[f]);
		if (p)
			buf_put_bytes(out, p, size[f]);
		return;
	case F_STR:
	case F_HEX8:
		copy_counted(in, out, 0);
		return;
	case F_B32H8:
	case F_TAG:
		copy_counted(in, out, 1);
		return;
	case F_STRS:
		do
			copy_counted(in, out, 0);
		while (in->err == ERR_OK && buf_left(in));
		return;
	case F_BITMAP:
	case F_SVC:
	case F_B64:
	case F_HEX:
	case F_QREST:
		p = buf_get_bytes(in, rest);
		if ((f == F_BITMAP && !bitmap_valid(p, rest)) ||
		    (f == F_SVC && !rdata_svcb_valid(p, rest)))
			in->err = ERR_RDATA;
		buf_put_bytes(out, p, rest);
		return;
	case F_END:
		return;
	}
}

enum err rdata_unpack(struct buf_in *in, uint16_t type, uint16_t rdlen, struct buf_out *out)
{
	if (!buf_need(in, rdlen))
		return in->err;
	const struct desc *d = find(type);
	if (!d || d->f[0] == F_END || rdlen == 0) {
		/* Opaque, or empty: an empty rdata is valid wire form for any type (RFC 2136
		 * uses it), and the printer shows it in the generic form. */
		buf_put_bytes(out, buf_get_bytes(in, rdlen), rdlen);
		return out->err;
	}
	struct buf_in sub = *in; /* the same message, reads stopped at the rdata's end */
	sub.len = in->pos + rdlen;
	for (size_t i = 0; i < MAX_FIELDS && d->f[i] != F_END; i++)
		unpack_field(d->f[i], &sub, out);
	if (sub.err == ERR_OK && sub.pos != sub.len)
		sub.err = ERR_RDATA; /* bytes left over */
	if (sub.err == ERR_TRUNC)
		sub.err = ERR_RDATA; /* a field ran past the rdata: not past the message */
	in->pos += rdlen;
	if (sub.err)
		return sub.err;
	return out->err;
}

unsigned rdata_compressible_names(uint16_t type, const uint8_t *rd, size_t rdlen,
				  size_t offs[2])
{
	const struct desc *d = find(type);
	if (!d)
		return 0;
	struct buf_in in;
	buf_in_init(&in, rd, rdlen);
	unsigned n = 0;
	for (size_t i = 0; i < MAX_FIELDS && d->f[i] != F_END; i++) {
		switch (d->f[i]) {
		case F_NAME_C:
			if (n < 2)
				offs[n++] = in.pos;
			/* fall through */
		case F_NAME: {
			uint8_t name[NAME_MAX_WIRE];
			size_t len, at = in.pos;
			if (name_parse(&in, name, &len) || in.pos - at != len)
				return 0; /* malformed or compressed: written as it is */
			break;
		}
		case F_U16:
			buf_get_u16(&in); /* bounded: short rdata stops the cursor */
			break;
		default:
			return n; /* compressible names come before any other field kind */
		}
	}
	return n;
}

/* ---- presentation text out ---- */

static void time_to_text(uint32_t t, struct buf_out *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	buf_printf(out, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		   tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void bitmap_to_text(const uint8_t *p, size_t n, struct buf_out *out)
{
	const char *sep = "";
	for (size_t i = 0; i + 1 < n; i += 2 + p[i + 1]) {
		for (unsigned b = 0; b < p[i + 1] * 8u; b++) {
			if (!(p[i + 2 + b / 8] & (0x80 >> (b % 8))))
				continue;
			buf_puts(out, sep);
			rdata_type_to_text((uint16_t)((unsigned)p[i] << 8 | b), out);
			sep = " ";
		}
	}
}

/* Base64 and hex in lines of 56 characters joined by spaces, as BIND and dig print keys,
 * signatures and digests (the reader skips the spaces). */
static void encode_split(enum field f, const uint8_t *p, size_t n, struct buf_out *out)
{
	size_t chunk = f == F_B64 ? 42 : 28; /* bytes that make 56 characters */
	for (size_t i = 0; i < n; i += chunk) {
		if (i)
			buf_puts(out, " ");
		(f == F_B64 ? text_base64_encode : text_hex_encode)(p + i, n - i < chunk ? n - i
											 : chunk,
								     out);
	}
}

/* Prints one field; false when the field cannot be shown in its type's form. */
static bool field_to_text(enum field f, struct buf_in *in, struct buf_out *out)
{
	size_t rest = buf_left(in);
	const uint8_t *p;
	uint8_t n;
	char addr[INET6_ADDRSTRLEN];
	switch (f) {
	case F_NAME_C:
	case F_NAME: {
		uint8_t name[NAME_MAX_WIRE];
		size_t len;
		if (name_parse(in, name, &len))
			return false;
		name_to_text(name, out);
		return true;
	}
	case F_U8:
		buf_printf(out, "%u", buf_get_u8(in));
		return true;
	case F_U16:
		buf_printf(out, "%u", buf_get_u16(in));
		return true;
	case F_U32:
		buf_printf(out, "%u", buf_get_u32(in));
		return true;
	case F_TIME:
		time_to_text(buf_get_u32(in), out);
		return true;
	case F_TYPE:
		rdata_type_to_text(buf_get_u16(in), out);
		return true;
	case F_A:
	case F_AAAA:
		p = buf_get_bytes(in, f == F_A ? 4 : 16);
		if (!p || !inet_ntop(f == F_A ? AF_INET : AF_INET6, p, addr, sizeof(addr)))
			return false;
		buf_puts(out, addr);
		return true;
	case F_STR:
	case F_TAG:
		n = buf_get_u8(in);
		p = buf_get_bytes(in, n);
		if (!p)
			return false;
		if (f == F_STR) {
			text_string_encode(p, n, out);
			return true;
		}
		for (unsigned i = 0; i < n; i++) /* tags are letters and digits (RFC 8659 §4.1) */
			if (!((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') &&
			    !(p[i] >= '0' && p[i] <= '9'))
				return false;
		buf_printf(out, "%.*s", (int)n, (const char *)p);
		return true;
	case F_STRS:
		for (const char *sep = ""; buf_left(in); sep = " ") {
			n = buf_get_u8(in);
			p = buf_get_bytes(in, n);
			if (!p)
				return false;
			buf_puts(out, sep);
			text_string_encode(p, n, out);
		}
		return true;
	case F_HEX8:
		n = buf_get_u8(in);
		p = buf_get_bytes(in, n);
		if (!p)
			return false;
		if (n == 0)
			buf_puts(out, "-");
		text_hex_encode(p, n, out);
		return true;
	case F_B32H8:
		n = buf_get_u8(in);
		p = buf_get_bytes(in, n);
		if (!p || n == 0)
			return false;
		text_base32hex_encode(p, n, out);
		return true;
	case F_B64:
	case F_HEX:
		p = buf_get_bytes(in, rest);
		if (!p || rest == 0)
			return false; /* nothing to show: the generic form says it */
		encode_split(f, p, rest, out);
		return true;
	case F_QREST:
		p = buf_get_bytes(in, rest);
		text_string_encode(p, rest, out);
		return true;
	case F_BITMAP:
		p = buf_get_bytes(in, rest);
		if (!bitmap_valid(p, rest))
			return false; /* rdata not checked by rdata_unpack: never walk it blind */
		bitmap_to_text(p, rest, out);
		return true;
	case F_SVC:
		p = buf_get_bytes(in, rest);
		return rdata_svcb_valid(p, rest) && rdata_svcb_to_text(p, rest, out);
	case F_END:
		break;
	}
	return false;
}

static void generic_to_text(const uint8_t *rd, size_t rdlen, struct buf_out *out)
{
	buf_printf(out, "\\# %zu", rdlen);
	if (rdlen) {
		buf_puts(out, " ");
		text_hex_encode(rd, rdlen, out);
	}
}

void rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen, struct buf_out *out)
{
	const struct desc *d = find(type);
	size_t mark = out->len;
	if (d && d->f[0] != F_END && rdlen > 0) {
		struct buf_in in;
		buf_in_init(&in, rd, rdlen);
		bool ok = true;
		for (size_t i = 0; ok && i < MAX_FIELDS && d->f[i] != F_END; i++) {
			size_t before = out->len;
			if (i)
				buf_puts(out, " ");
			ok = field_to_text(d->f[i], &in, out);
			if (ok && (d->f[i] == F_BITMAP || d->f[i] == F_SVC) &&
			    out->len == before + 1)
				buf_truncate(out, before); /* empty list: no trailing space */
		}
		if (ok && in.err == ERR_OK && in.pos == rdlen && out->err == ERR_OK)
			return;
		if (out->err)
			return;
	}
	buf_truncate(out, mark);
	generic_to_text(rd, rdlen, out);
}

/* ---- presentation text in ---- */

struct reader {
	struct text_lex lx;
	const uint8_t *origin;
	struct buf_out *out;
	const char *why;
};

static enum err fail(struct reader *r, enum err e, const char *why)
{
	r->why = why;
	return e;
}

static enum err token(struct reader *r, struct text_tok *t, const char *missing)
{
	if (text_token(&r->lx, t))
		return ERR_OK;
	return fail(r, ERR_SYNTAX, r->lx.err ? "unterminated quoted string" : missing);
}

/* The text left on the line: the last field of B64, HEX and generic rdata. */
static void rest_of_line(struct reader *r, const char **s, size_t *len)
{
	text_at_end(&r->lx);
	*s = r->lx.p;
	*len = (size_t)(r->lx.end - r->lx.p);
	r->lx.p = r->lx.end;
}

static enum err name_field(struct reader *r)
{
	struct text_tok t;
	if (token(r, &t, "missing domain name"))
		return ERR_SYNTAX;
	uint8_t name[NAME_MAX_WIRE];
	size_t len;
	static const uint8_t root[1] = { 0 };
	if (t.len == 1 && t.s[0] == '@') {
		const uint8_t *o = r->origin ? r->origin : root;
		buf_put_bytes(r->out, o, name_len(o));
		return r->out->err;
	}
	enum err e = name_from_text(t.s, t.len, r->origin, name, &len);
	if (e)
		return fail(r, e, "bad domain name");
	buf_put_bytes(r->out, name, len);
	return r->out->err;
}

static enum err number_field(struct reader *r, enum field f)
{
	struct text_tok t;
	if (token(r, &t, "missing number"))
		return ERR_SYNTAX;
	uint32_t v;
	enum err e = f == F_U32 ? text_ttl(t.s, t.len, &v)
				: text_u32(t.s, t.len, f == F_U8 ? 255 : 65535, &v);
	if (e)
		return fail(r, e, f == F_U8 ? "bad 8-bit number" : f == F_U16 ? "bad 16-bit number"
										: "bad 32-bit number");
	if (f == F_U8)
		buf_put_u8(r->out, (uint8_t)v);
	else if (f == F_U16)
		buf_put_u16(r->out, (uint16_t)v);
	else
		buf_put_u32(r->out, v);
	return r->out->err;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* months from March */
	int64_t doy = (153 * mp + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static enum err time_field(struct reader *r)
{
	struct text_tok t;
	if (token(r, &t, "missing time"))
		return ERR_SYNTAX;
	uint32_t v;
	if (t.len != 14) {
		if (text_u32(t.s, t.len, UINT32_MAX, &v))
			return fail(r, ERR_SYNTAX, "bad time (YYYYMMDDHHmmSS or seconds)");
		buf_put_u32(r->out, v);
		return r->out->err;
	}
	uint32_t part[6];
	static const uint8_t width[6] = { 4, 2, 2, 2, 2, 2 };
	static const uint32_t max[6] = { 9999, 12, 31, 23, 59, 59 };
	for (size_t i = 0, at = 0; i < 6; at += width[i++])
		if (text_u32(t.s + at, width[i], max[i], &part[i]))
			return fail(r, ERR_SYNTAX, "bad time (YYYYMMDDHHmmSS or seconds)");
	if (part[1] == 0 || part[2] == 0)
		return fail(r, ERR_SYNTAX, "bad time (YYYYMMDDHHmmSS or seconds)");
	int64_t secs = days_from_civil(part[0], part[1], part[2]) * 86400 + part[3] * 3600 +
		       part[4] * 60 + part[5];
	buf_put_u32(r->out, (uint32_t)secs); /* RFC 4034 §3.1.5: serial arithmetic, mod 2^32 */
	return r->out->err;
}

static enum err addr_field(struct reader *r, enum field f)
{
	struct text_tok t;
	char s[INET6_ADDRSTRLEN];
	uint8_t a[16];
	if (token(r, &t, "missing address"))
		return ERR_SYNTAX;
	if (t.len >= sizeof(s))
		return fail(r, ERR_SYNTAX, f == F_A ? "bad IPv4 address" : "bad IPv6 address");
	memcpy(s, t.s, t.len);
	s[t.len] = 0;
	if (inet_pton(f == F_A ? AF_INET : AF_INET6, s, a) != 1)
		return fail(r, ERR_SYNTAX, f == F_A ? "bad IPv4 address" : "bad IPv6 address");
	buf_put_bytes(r->out, a, f == F_A ? 4 : 16);
	return r->out->err;
}

/* One character-string: a length octet, then the bytes. */
static enum err string_field(struct reader *r, const struct text_tok *t)
{
	size_t at = r->out->len;
	buf_put_u8(r->out, 0);
	if (text_string_decode(t->s, t->len, r->out))
		return fail(r, r->out->err ? r->out->err : ERR_SYNTAX, "bad character-string");
	size_t n = r->out->len - at - 1;
	if (n > 255)
		return fail(r, ERR_RANGE, "character-string over 255 octets");
	r->out->p[at] = (uint8_t)n;
	return ERR_OK;
}

static enum err bitmap_field(struct reader *r)
{
	uint8_t bits[8192] = { 0 };
	struct text_tok t;
	while (text_token(&r->lx, &t)) {
		uint16_t type;
		if (rdata_type_from_text(t.s, t.len, &type))
			return fail(r, ERR_SYNTAX, "bad type in type bitmap");
		bits[type / 8] |= (uint8_t)(0x80 >> (type % 8));
	}
	for (unsigned w = 0; w < 256; w++) {
		const uint8_t *win = bits + w * 32;
		int len = 32;
		while (len > 0 && win[len - 1] == 0)
			len--;
		if (len == 0)
			continue;
		buf_put_u8(r->out, (uint8_t)w);
		buf_put_u8(r->out, (uint8_t)len);
		buf_put_bytes(r->out, win, (size_t)len);
	}
	return r->out->err;
}

static enum err encoded_field(struct reader *r, enum field f)
{
	struct text_tok t;
	const char *s;
	size_t len;
	enum err e;
	if (f == F_HEX8 || f == F_B32H8) {
		if (token(r, &t, "missing hash field"))
			return ERR_SYNTAX;
		size_t at = r->out->len;
		buf_put_u8(r->out, 0);
		if (f == F_HEX8 && t.len == 1 && t.s[0] == '-')
			return r->out->err;
		e = (f == F_HEX8 ? text_hex_decode : text_base32hex_decode)(t.s, t.len, r->out);
		size_t n = r->out->len - at - 1;
		if (e || n > 255 || (f == F_B32H8 && n == 0))
			return fail(r, e ? e : ERR_RANGE, f == F_HEX8 ? "bad salt" : "bad hashed name");
		r->out->p[at] = (uint8_t)n;
		return ERR_OK;
	}
	rest_of_line(r, &s, &len);
	if (len == 0)
		return fail(r, ERR_SYNTAX, f == F_B64 ? "missing base64 data" : "missing hex data");
	e = (f == F_B64 ? text_base64_decode : text_hex_decode)(s, len, r->out);
	if (e)
		return fail(r, e, f == F_B64 ? "bad base64 data" : "bad hex data");
	return ERR_OK;
}

static enum err field_from_text(enum field f, struct reader *r)
{
	struct text_tok t;
	switch (f) {
	case F_NAME_C:
	case F_NAME:
		return name_field(r);
	case F_U8:
	case F_U16:
	case F_U32:
		return number_field(r, f);
	case F_TIME:
		return time_field(r);
	case F_TYPE: {
		uint16_t type;
		if (token(r, &t, "missing type"))
			return ERR_SYNTAX;
		if (rdata_type_from_text(t.s, t.len, &type))
			return fail(r, ERR_SYNTAX, "bad type");
		buf_put_u16(r->out, type);
		return r->out->err;
	}
	case F_A:
	case F_AAAA:
		return addr_field(r, f);
	case F_STR:
		if (token(r, &t, "missing character-string"))
			return ERR_SYNTAX;
		return string_field(r, &t);
	case F_STRS:
		if (token(r, &t, "missing character-string"))
			return ERR_SYNTAX;
		do {
			enum err e = string_field(r, &t);
			if (e)
				return e;
		} while (text_token(&r->lx, &t));
		return r->lx.err ? fail(r, ERR_SYNTAX, "unterminated quoted string") : ERR_OK;
	case F_TAG:
		if (token(r, &t, "missing tag"))
			return ERR_SYNTAX;
		for (size_t i = 0; i < t.len; i++)
			if (!((t.s[i] | 0x20) >= 'a' && (t.s[i] | 0x20) <= 'z') &&
			    !(t.s[i] >= '0' && t.s[i] <= '9'))
				return fail(r, ERR_SYNTAX, "tag must be letters and digits");
		if (t.len > 255)
			return fail(r, ERR_RANGE, "tag over 255 octets");
		buf_put_u8(r->out, (uint8_t)t.len);
		buf_put_bytes(r->out, t.s, t.len);
		return r->out->err;
	case F_QREST:
		if (token(r, &t, "missing value"))
			return ERR_SYNTAX;
		if (text_string_decode(t.s, t.len, r->out))
			return fail(r, r->out->err ? r->out->err : ERR_SYNTAX, "bad quoted value");
		return ERR_OK;
	case F_BITMAP:
		return bitmap_field(r);
	case F_SVC:
		return rdata_svcb_from_text(&r->lx, r->out, &r->why);
	case F_B64:
	case F_HEX:
	case F_HEX8:
	case F_B32H8:
		return encoded_field(r, f);
	case F_END:
		break;
	}
	return ERR_OK;
}

/* RFC 3597 §5: "\# <length> <hex>" for any type. */
static enum err generic_from_text(struct reader *r)
{
	struct text_tok t;
	uint32_t n;
	if (token(r, &t, "missing rdata length after \\#"))
		return ERR_SYNTAX;
	if (text_u32(t.s, t.len, 65535, &n))
		return fail(r, ERR_SYNTAX, "bad rdata length after \\#");
	size_t at = r->out->len;
	const char *s;
	size_t len;
	rest_of_line(r, &s, &len);
	if (text_hex_decode(s, len, r->out))
		return fail(r, r->out->err ? r->out->err : ERR_SYNTAX, "bad hex data after \\#");
	if (r->out->len - at != n)
		return fail(r, ERR_SYNTAX, "rdata length after \\# does not match the data");
	return ERR_OK;
}

/* The generic form of a known type must still hold rdata of that type, with its names whole:
 * the wire checker must take it and, decompressing, change nothing. */
static enum err generic_check(struct reader *r, uint16_t type, const uint8_t *rd, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return fail(r, ERR_NOMEM, "out of memory");
	struct buf_in in;
	struct buf_out o;
	buf_in_init(&in, rd, n);
	buf_out_init(&o, copy, n);
	bool same = rdata_unpack(&in, type, (uint16_t)n, &o) == ERR_OK && o.len == n &&
		    memcmp(copy, rd, n) == 0;
	free(copy);
	return same ? ERR_OK : fail(r, ERR_RDATA, "rdata after \\# is not valid for its type");
}

enum err rdata_from_text(uint16_t type, const char *text, size_t len, const uint8_t *origin,
			 struct buf_out *out, const char **why)
{
	struct reader r = { .origin = origin, .out = out, .why = "bad rdata" };
	text_lex_init(&r.lx, text, len);
	struct text_lex peek = r.lx;
	struct text_tok t;
	enum err e = ERR_OK;
	const struct desc *d = find(type);
	if (text_token(&peek, &t) && t.len == 2 && t.s[0] == '\\' && t.s[1] == '#') {
		r.lx = peek;
		size_t at = out->len;
		e = generic_from_text(&r);
		if (e == ERR_OK && d && d->f[0] != F_END)
			e = generic_check(&r, type, out->p + at, out->len - at);
	} else if (!d || d->f[0] == F_END) {
		e = fail(&r, ERR_SYNTAX, "type has no text form here: use \\# length hex");
	} else {
		for (size_t i = 0; e == ERR_OK && i < MAX_FIELDS && d->f[i] != F_END; i++)
			e = field_from_text(d->f[i], &r);
	}
	if (e == ERR_OK && out->err)
		e = fail(&r, out->err, "rdata too long");
	if (e == ERR_OK && !text_at_end(&r.lx))
		e = fail(&r, ERR_SYNTAX, "trailing text after the rdata");
	if (e && why)
		*why = r.why;
	return e;
}
