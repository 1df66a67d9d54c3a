/* client/tsig.c: TSIG signing and checking (RFC 8945) with OpenSSL's HMAC.
 * SPDX-License-Identifier: MIT
 */
#include "tsig.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns.h"
#include "text.h"

#define TSIG_VARS_MAX (2 * NAME_MAX_WIRE + 16) /* the TSIG variables without other data */
#define TSIG_KEYFILE_MAX 4096                 /* bytes of a -k key file read */

static const struct {
	const char *name;    /* as dig takes it in -y and key files */
	const char *wire;    /* the algorithm's domain name (RFC 8945 §6) */
	const EVP_MD *(*md)(void);
} algs[] = {
	{ "hmac-md5", "hmac-md5.sig-alg.reg.int.", EVP_md5 },
	{ "hmac-sha1", "hmac-sha1.", EVP_sha1 },
	{ "hmac-sha224", "hmac-sha224.", EVP_sha224 },
	{ "hmac-sha256", "hmac-sha256.", EVP_sha256 },
	{ "hmac-sha384", "hmac-sha384.", EVP_sha384 },
	{ "hmac-sha512", "hmac-sha512.", EVP_sha512 },
};

#define N_ALGS (sizeof(algs) / sizeof(algs[0]))

static bool alg_find(const char *name, size_t len, unsigned *alg)
{
	for (unsigned i = 0; i < N_ALGS; i++)
		if (strlen(algs[i].name) == len && strncasecmp(algs[i].name, name, len) == 0) {
			*alg = i;
			return true;
		}
	return false;
}

static bool key_set(struct tsig_key *k, const char *name, size_t nlen, const char *alg,
		    size_t alen, const char *secret, size_t slen, char *err)
{
	size_t len;
	struct buf_out out;
	memset(k, 0, sizeof(*k));
	if (!alg_find(alg, alen, &k->alg)) {
		snprintf(err, 256, "unknown TSIG algorithm '%.*s'", (int)(alen > 64 ? 64 : alen), alg);
		return false;
	}
	if (name_from_text(name, nlen, NULL, k->name, &len) != ERR_OK) {
		snprintf(err, 256, "bad TSIG key name '%.*s'", (int)(nlen > 64 ? 64 : nlen), name);
		return false;
	}
	name_lower(k->name);
	buf_out_init(&out, k->secret, sizeof(k->secret));
	if (text_base64_decode(secret, slen, &out) != ERR_OK || out.len == 0) {
		snprintf(err, 256, "bad TSIG secret (base64)");
		return false;
	}
	k->secret_len = out.len;
	return true;
}

bool tsig_key_from_arg(struct tsig_key *k, const char *arg, char err[static 256])
{
	const char *c1 = strchr(arg, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1) {
		snprintf(err, 256, "-y needs [hmac:]name:secret");
		return false;
	}
	if (!c2) /* name:secret, dig 9.18's default algorithm */
		return key_set(k, arg, (size_t)(c1 - arg), "hmac-md5", 8, c1 + 1, strlen(c1 + 1), err);
	return key_set(k, c1 + 1, (size_t)(c2 - c1 - 1), arg, (size_t)(c1 - arg), c2 + 1,
		       strlen(c2 + 1), err);
}

/* The next word of a key file: a quoted string, one of {};, or a bare word. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (!*s)
		return NULL;
	const char *w = s;
	if (*s == '"') {
		w = ++s;
		while (*s && *s != '"')
			s++;
		*len = (size_t)(s - w);
		*p = *s ? s + 1 : s;
		return w;
	}
	if (strchr("{};", *s))
		s++;
	else
		while (*s && !strchr(" \t\r\n{};\"", *s))
			s++;
	*len = (size_t)(s - w);
	*p = s;
	return w;
}

bool tsig_key_from_file(struct tsig_key *k, const char *path, char err[static 256])
{
	char text[TSIG_KEYFILE_MAX + 1];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(text, 1, TSIG_KEYFILE_MAX, f) : 0;
	if (f)
		fclose(f);
	if (!f || n == 0) {
		snprintf(err, 256, "could not read key from %.200s", path);
		return false;
	}
	text[n] = 0;
	const char *p = text, *w, *name = NULL, *alg = NULL, *secret = NULL;
	size_t len, nl = 0, al = 0, sl = 0;
	bool want_name = false, want_alg = false, want_secret = false;
	while ((w = next_word(&p, &len))) {
		if (want_name || want_alg || want_secret) {
			*(want_name ? &name : want_alg ? &alg : &secret) = w;
			*(want_name ? &nl : want_alg ? &al : &sl) = len;
			want_name = want_alg = want_secret = false;
			continue;
		}
		want_name = len == 3 && strncmp(w, "key", 3) == 0 && !name;
		want_alg = len == 9 && strncmp(w, "algorithm", 9) == 0;
		want_secret = len == 6 && strncmp(w, "secret", 6) == 0;
	}
	if (!name || !alg || !secret) {
		snprintf(err, 256, "%.200s: not a key file (key, algorithm, secret)", path);
		return false;
	}
	return key_set(k, name, nl, alg, al, secret, sl, err);
}

/* RFC 8945 §4.3.3: the TSIG variables, the other data left out (qdig sends none). */
static void put_vars(struct buf_out *o, const uint8_t *owner, uint16_t rclass, uint32_t ttl,
		     const uint8_t *alg, uint64_t time_s, uint16_t fudge, uint16_t error,
		     const uint8_t *other, uint16_t other_len)
{
	uint8_t lower[NAME_MAX_WIRE];
	memcpy(lower, owner, name_len(owner));
	name_lower(lower);
	buf_put_bytes(o, lower, name_len(lower));
	buf_put_u16(o, rclass);
	buf_put_u32(o, ttl);
	memcpy(lower, alg, name_len(alg));
	name_lower(lower);
	buf_put_bytes(o, lower, name_len(lower));
	buf_put_u16(o, (uint16_t)(time_s >> 32));
	buf_put_u32(o, (uint32_t)time_s);
	buf_put_u16(o, fudge);
	buf_put_u16(o, error);
	buf_put_u16(o, other_len);
	if (other_len)
		buf_put_bytes(o, other, other_len);
}

/* HMAC over a[0..an) then b[0..bn) then c[0..cn). */
static bool hmac3(const struct tsig_key *k, const uint8_t *a, size_t an, const uint8_t *b,
		  size_t bn, const uint8_t *c, size_t cn, uint8_t *mac, size_t *mac_len)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)EVP_MD_get0_name(algs[k->alg].md()),
						 0),
		OSSL_PARAM_construct_end(),
	};
	bool ok = ctx && EVP_MAC_init(ctx, k->secret, k->secret_len, params) &&
		  EVP_MAC_update(ctx, a, an) && EVP_MAC_update(ctx, b, bn) &&
		  EVP_MAC_update(ctx, c, cn) && EVP_MAC_final(ctx, mac, mac_len, TSIG_MAC_MAX);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return ok;
}

bool tsig_sign(const struct tsig_key *k, uint8_t *msg, size_t *len, size_t cap, uint64_t now_s,
	       uint8_t mac[static TSIG_MAC_MAX], size_t *mac_len)
{
	uint8_t alg[NAME_MAX_WIRE], vars[TSIG_VARS_MAX];
	size_t alen;
	struct buf_out v, o;
	if (*len < DNS_HEADER_SIZE ||
	    name_from_text(algs[k->alg].wire, strlen(algs[k->alg].wire), NULL, alg, &alen))
		return false;
	buf_out_init(&v, vars, sizeof(vars));
	put_vars(&v, k->name, DNS_CLASS_ANY, 0, alg, now_s, TSIG_FUDGE_S, 0, NULL, 0);
	if (v.err || !hmac3(k, msg, *len, vars, v.len, NULL, 0, mac, mac_len))
		return false;
	buf_out_init(&o, msg, cap);
	o.len = *len;
	buf_put_bytes(&o, k->name, name_len(k->name));
	buf_put_u16(&o, TSIG_TYPE);
	buf_put_u16(&o, DNS_CLASS_ANY);
	buf_put_u32(&o, 0);
	buf_put_u16(&o, (uint16_t)(alen + 16 + *mac_len));
	buf_put_bytes(&o, alg, alen);
	buf_put_u16(&o, (uint16_t)(now_s >> 32));
	buf_put_u32(&o, (uint32_t)now_s);
	buf_put_u16(&o, TSIG_FUDGE_S);
	buf_put_u16(&o, (uint16_t)*mac_len);
	buf_put_bytes(&o, mac, *mac_len);
	buf_put_bytes(&o, msg, 2); /* the original ID */
	buf_put_u16(&o, 0);        /* error */
	buf_put_u16(&o, 0);        /* other length */
	if (o.err)
		return false;
	unsigned ar = (unsigned)(msg[10] << 8 | msg[11]) + 1;
	msg[10] = (uint8_t)(ar >> 8);
	msg[11] = (uint8_t)ar;
	*len = o.len;
	return true;
}

/* The fields of a TSIG rdata, read through lib's bounded reader. */
struct tsig_rdata {
	uint8_t alg[NAME_MAX_WIRE];
	uint64_t time_s;
	uint16_t fudge, mac_len, orig_id, error, other_len;
	const uint8_t *mac, *other;
};

static bool tsig_parse(const struct wire_rr *rr, struct tsig_rdata *t)
{
	struct buf_in in;
	size_t alen;
	buf_in_init(&in, rr->rdata, rr->rdlen);
	if (name_parse(&in, t->alg, &alen) != ERR_OK)
		return false;
	t->time_s = (uint64_t)buf_get_u16(&in) << 32;
	t->time_s |= buf_get_u32(&in);
	t->fudge = buf_get_u16(&in);
	t->mac_len = buf_get_u16(&in);
	t->mac = buf_get_bytes(&in, t->mac_len);
	t->orig_id = buf_get_u16(&in);
	t->error = buf_get_u16(&in);
	t->other_len = buf_get_u16(&in);
	t->other = buf_get_bytes(&in, t->other_len);
	return in.err == ERR_OK && buf_left(&in) == 0;
}

const char *tsig_verify(const struct tsig_key *k, const uint8_t *reply, size_t len,
			const struct wire_msg *m, const uint8_t *req_mac, size_t req_mac_len)
{
	const uint16_t n = m->n[WIRE_ADDITIONAL];
	const struct wire_rr *rr = n ? &m->rr[WIRE_ADDITIONAL][n - 1] : NULL;
	struct tsig_rdata t;
	if (!rr || rr->type != TSIG_TYPE)
		return "expected a TSIG or SIG(0)";
	if (!tsig_parse(rr, &t))
		return "tsig verify failure";
	if (t.error || t.mac_len == 0)
		return "tsig indicates error";
	/* The TSIG record is the last bytes of the reply; its owner is not compressed (RFC 8945
	 * §4.2), which the comparison below checks. */
	size_t tlen = name_len(rr->owner) + 10 + rr->rdlen;
	if (tlen > len || len - tlen < DNS_HEADER_SIZE ||
	    memcmp(reply + len - tlen, rr->owner, name_len(rr->owner)) != 0)
		return "tsig verify failure";
	uint8_t head[2 + TSIG_MAC_MAX + DNS_HEADER_SIZE], vars[TSIG_VARS_MAX + 65535];
	struct buf_out h, v;
	buf_out_init(&h, head, sizeof(head));
	buf_put_u16(&h, (uint16_t)req_mac_len);
	buf_put_bytes(&h, req_mac, req_mac_len);
	uint8_t hdr[DNS_HEADER_SIZE]; /* the reply's header with the original ID, without TSIG */
	memcpy(hdr, reply, DNS_HEADER_SIZE);
	hdr[0] = (uint8_t)(t.orig_id >> 8);
	hdr[1] = (uint8_t)t.orig_id;
	unsigned ar = (unsigned)(hdr[10] << 8 | hdr[11]) - 1;
	hdr[10] = (uint8_t)(ar >> 8);
	hdr[11] = (uint8_t)ar;
	buf_put_bytes(&h, hdr, DNS_HEADER_SIZE);
	buf_out_init(&v, vars, sizeof(vars));
	put_vars(&v, rr->owner, rr->rclass, rr->ttl, t.alg, t.time_s, t.fudge, t.error, t.other,
		 t.other_len);
	uint8_t mac[TSIG_MAC_MAX];
	size_t mac_len;
	if (h.err || v.err ||
	    !hmac3(k, head, h.len, reply + DNS_HEADER_SIZE, len - tlen - DNS_HEADER_SIZE, vars,
		   v.len, mac, &mac_len) ||
	    mac_len != t.mac_len || CRYPTO_memcmp(mac, t.mac, mac_len) != 0)
		return "tsig verify failure";
	return NULL;
}

static const char *error_name(unsigned e, char buf[static 16])
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
					     "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
					     "NOTZONE" };
	static const char *const tsig[] = { "BADSIG", "BADKEY", "BADTIME", "BADMODE", "BADNAME",
					    "BADALG", "BADTRUNC" };
	if (e < sizeof(names) / sizeof(names[0]))
		return names[e];
	if (e >= 16 && e < 16 + sizeof(tsig) / sizeof(tsig[0]))
		return tsig[e - 16];
	snprintf(buf, 16, "%u", e);
	return buf;
}

/* Base64 of p[0..n) in chunks of split characters joined by spaces. */
static void base64_chunks(struct buf_out *out, const uint8_t *p, size_t n, unsigned split)
{
	char text[(TSIG_MAC_MAX + 65535) / 3 * 4 + 8];
	struct buf_out b;
	buf_out_init(&b, text, sizeof(text));
	text_base64_encode(p, n, &b);
	for (size_t i = 0; i < b.len; i += split)
		buf_printf(out, "%s%.*s", i ? " " : "", (int)(b.len - i < split ? b.len - i : split),
			   text + i);
}

void tsig_rdata_text(struct buf_out *out, const struct wire_rr *rr, unsigned split)
{
	struct tsig_rdata t;
	char b[16];
	if (!tsig_parse(rr, &t)) {
		buf_puts(out, "(malformed TSIG)");
		return;
	}
	name_to_text(t.alg, out);
	buf_printf(out, " %llu %u %u ", (unsigned long long)t.time_s, t.fudge, t.mac_len);
	if (t.mac_len) {
		base64_chunks(out, t.mac, t.mac_len, split ? split : 56);
		buf_puts(out, " ");
	}
	/* As dig: the other data after a space, which is left trailing when there is none. */
	buf_printf(out, "%u %s %u ", t.orig_id, error_name(t.error, b), t.other_len);
	base64_chunks(out, t.other, t.other_len, split ? split : 56);
}
