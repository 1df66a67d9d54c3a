/* tests/unit/test_validator.c: resolver/validator: signatures, DNSKEY sets, limits, reasons.
 *
 * Known vectors first: key tags and DS digests of RFC 4034 §5.4, RFC 4509 §2.3, RFC 5702 §6,
 * RFC 6605 §6 and RFC 8080 §6 (with its errata 4935), the RRSIGs of the last three verified
 * as published. Then cases signed here
 * with fresh libcrypto keys: the test writes the signed data of RFC 4034 §3.1.8.1 itself, in
 * the simplest form (one owner in lowercase, records already in canonical order), so that the
 * validator's canonical form is checked against an independent construction. Denial proofs
 * are test_val_denial.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "check.h"
#include "dns.h"
#include "name_text.h"
#include "rdata.h"
#include "val.h"
#include "val_records.h"
#include "val_sig.h"

/* Verifies the non-RRSIG records of text against its DNSKEYs, zone the keys' owner. */
static enum val_state verify_text(const char *text, uint32_t now_s, struct val_info *info)
{
	struct rrs r = load(text);
	struct wire_rr set[MAX_RRS], sigs[MAX_RRS], keys[MAX_RRS];
	size_t nk = pick(r, DNS_TYPE_DNSKEY, NULL, keys), ns = pick(r, DNS_TYPE_RRSIG, NULL, sigs);
	size_t n = 0;
	for (size_t i = 0; i < r.z->n; i++)
		if (r.z->rr[i].type != DNS_TYPE_RRSIG && r.z->rr[i].type != DNS_TYPE_DNSKEY &&
		    r.z->rr[i].type != DNS_TYPE_DS)
			set[n++] = r.z->rr[i];
	fresh_budget();
	enum val_state st =
	    val_verify_rrset(set, n, sigs, ns, keys, nk, keys[0].owner, now_s, &budget, info);
	zonefile_free(r.z);
	return st;
}

/* ---- RFC vectors: key tags, DS digests, signatures ---- */

static const char rfc4034_dskey[] =
    "dskey.example.com. 86400 IN DNSKEY 256 3 5 AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJ"
    "aNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6Dh"
    "weJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==\n"
    "dskey.example.com. 86400 IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118\n"
    "dskey.example.com. 86400 IN DS 60485 5 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B"
    "8383F6A1E4469DA50A\n";

static const char rfc6605_p256[] =
    "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQp"
    "F64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==\n"
    "example.net. 3600 IN DS 55648 13 2 b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6"
    "d6e37df61d17\n"
    "www.example.net. 3600 IN A 192.0.2.1\n"
    "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 55648 "
    "example.net. qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7"
    "ZwmwWep666VCw==\n";

static const char rfc6605_p384[] =
    "example.net. 3600 IN DNSKEY 257 3 14 xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsX"
    "vSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40\n"
    "example.net. 3600 IN DS 10771 14 4 72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f"
    "27e305c6a9b0563a9b5f4d288405c3008a946df983d6\n"
    "www.example.net. 3600 IN A 192.0.2.1\n"
    "www.example.net. 3600 IN RRSIG A 14 3 3600 20100909102025 20100812102025 10771 "
    "example.net. /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74h"
    "bavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm\n";

#define RFC8080(key, tag, alg, ds, sig)                                                            \
	"example.com. 3600 IN DNSKEY 257 3 " alg " " key "\n"                                      \
	"example.com. 3600 IN DS " tag " " alg " 2 " ds "\n"                                       \
	"example.com. 3600 IN MX 10 mail.example.com.\n"                                           \
	"example.com. 3600 IN RRSIG MX " alg " 2 3600 1440021600 1438207200 " tag                  \
	" example.com. " sig "\n"

static const char *const rfc8080[] = {
    RFC8080("l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=", "3613", "15",
            "3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b",
            "oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngw"
            "crqNAg=="),
    RFC8080("zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs=", "35217", "15",
            "401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c6614c",
            "zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5"
            "k2pcBg=="),
    RFC8080("3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA", "9713",
            "16", "6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2b19c7",
            "3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0amxWndkmnBZ6SKiwZSAxGIL"
            "n/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA"),
    RFC8080("kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcNLp5HlHAMy12VoISsA", "38353",
            "16", "645ff078b3568f5852b70cb60e8e696cc77b75bfaaffc118cf79cbda1ba28af4",
            "E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57CSnZqjJP41O/9l4m0AsQ4f"
            "7qI1gVnML8vWWiyW2KXhT9kuAICUSxv5OWbf81Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA"),
};

static const char rfc5702_sha256[] =
    "example.net. 3600 IN DNSKEY 256 3 8 AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2"
    "Fh36BponcwtkZ4cAgtvd4Qs8PkxUdp6p/DlUmObdk=\n"
    "www.example.net. 3600 IN A 192.0.2.91\n"
    "www.example.net. 3600 IN RRSIG A 8 3 3600 20300101000000 20000101000000 9033 "
    "example.net. kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK"
    "/lPtPiVYP4bwg==\n";

static const char rfc5702_sha512[] =
    "example.net. 3600 IN DNSKEY 256 3 10 AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLro"
    "ROUkN6X0O6pnWnjJQujX/AyhqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztN"
    "FLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL\n"
    "www.example.net. 3600 IN A 192.0.2.91\n"
    "www.example.net. 3600 IN RRSIG A 10 3 3600 20300101000000 20000101000000 3740 "
    "example.net. tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1"
    "ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDqfReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MB"
    "Gk0fthPgxdDLw=\n";

static void test_key_tags(void)
{
	static const struct {
		const char *text;
		uint16_t tag;
	} v[] = {
	    {rfc4034_dskey, 60485}, {rfc6605_p256, 55648},  {rfc6605_p384, 10771},
	    {rfc5702_sha256, 9033}, {rfc5702_sha512, 3740}, {NULL, 3613},
	    {NULL, 35217},          {NULL, 9713},           {NULL, 38353},
	};
	for (size_t i = 0; i < COUNT(v); i++) {
		struct rrs r = load(v[i].text ? v[i].text : rfc8080[i - 5]);
		struct wire_rr k[MAX_RRS];
		CHECK(pick(r, DNS_TYPE_DNSKEY, NULL, k) == 1);
		CHECKF(val_key_tag(k[0].rdata, k[0].rdlen) == v[i].tag, "vector %zu", i);
		zonefile_free(r.z);
	}
	/* RFC 4034 Appendix B.1: algorithm 1 takes the modulus' last octets but one */
	static const uint8_t rsamd5[] = {1, 0, 3, 1, 3, 1, 0, 1, 0xAB, 0xCD, 0xEF};
	CHECK(val_key_tag(rsamd5, sizeof(rsamd5)) == 0xABCD);
}

/* Every DS of text against its one DNSKEY: want says which must match. */
static void check_ds(const char *text, const bool *want, size_t n_want)
{
	struct rrs r = load(text);
	struct wire_rr k[MAX_RRS], ds[MAX_RRS];
	size_t nk = pick(r, DNS_TYPE_DNSKEY, NULL, k), nd = pick(r, DNS_TYPE_DS, NULL, ds);
	CHECK(nk == 1 && nd == n_want);
	for (size_t i = 0; i < nd && i < n_want; i++) {
		CHECKF(val_ds_matches(&ds[i], &k[0]) == want[i], "DS %zu", i);
		uint8_t changed[256]; /* one digest bit changed: no match */
		memcpy(changed, ds[i].rdata, ds[i].rdlen);
		changed[ds[i].rdlen - 1] ^= 1;
		struct wire_rr bad = ds[i];
		bad.rdata = changed;
		CHECK(!val_ds_matches(&bad, &k[0]));
		bad = ds[i];
		bad.owner = N("other.example.");
		CHECK(!val_ds_matches(&bad, &k[0]));
	}
	zonefile_free(r.z);
}

static void test_ds_digests(void)
{
	/* the SHA-1 digest of RFC 4034 §5.4 is right, and still refused: digest 1 unsupported */
	static const bool sha1_then_sha256[] = {false, true}, one[] = {true};
	check_ds(rfc4034_dskey, sha1_then_sha256, 2);
	check_ds(rfc6605_p256, one, 1);
	check_ds(rfc6605_p384, one, 1);
	for (size_t i = 0; i < COUNT(rfc8080); i++)
		check_ds(rfc8080[i], one, 1);
	CHECK(!val_digest_supported(1) && val_digest_supported(2) && !val_digest_supported(3) &&
	      val_digest_supported(4));
	static const uint8_t yes[] = {8, 10, 13, 14, 15, 16}, no[] = {1, 3, 5, 6, 7, 12, 17};
	for (size_t i = 0; i < COUNT(yes); i++)
		CHECK(val_alg_supported(yes[i]));
	for (size_t i = 0; i < COUNT(no); i++)
		CHECK(!val_alg_supported(no[i]));
}

static void test_rfc_signatures(void)
{
	static const struct {
		const char *text;
		uint32_t now_s;
	} v[] = {
	    {rfc6605_p256, 1282000000},
	    {rfc6605_p384, 1282000000},
	    {rfc5702_sha256, 1000000000},
	    {rfc5702_sha512, 1000000000},
	};
	struct val_info info;
	for (size_t i = 0; i < COUNT(v) + COUNT(rfc8080); i++) {
		const char *text = i < COUNT(v) ? v[i].text : rfc8080[i - COUNT(v)];
		uint32_t now = i < COUNT(v) ? v[i].now_s : 1439000000;
		CHECKF(verify_text(text, now, &info) == VAL_SECURE, "vector %zu: %s", i,
		       val_reason_str(info.reason));
		CHECK(info.reason == VAL_R_OK && info.ttl_s == 3600 && !info.wildcard);
		CHECK(budget.sig_checks == 1);
		/* the same text with the owner in capitals: canonical form lowercases it */
		char upper[2048];
		snprintf(upper, sizeof(upper), "%s", text);
		char *p = strstr(upper, "\nwww.");
		if (p)
			memcpy(p + 1, "WwW", 3);
		p = strstr(upper, "IN MX 10 mail.");
		if (p)
			memcpy(p + 9, "MAIL", 4); /* MX rdata names are lowercased too */
		CHECKF(verify_text(upper, now, &info) == VAL_SECURE, "vector %zu in capitals", i);
	}
}

/* ---- signing here, with fresh keys ---- */

struct tkey {
	EVP_PKEY *pk;
	uint8_t alg;
	uint8_t rdata[600];
	uint16_t rdlen;
	uint8_t owner[NAME_MAX_WIRE];
};

static void tkey_rdata(struct tkey *k, uint16_t flags, const uint8_t *pub, size_t len)
{
	k->rdata[0] = (uint8_t)(flags >> 8);
	k->rdata[1] = (uint8_t)flags;
	k->rdata[2] = 3;
	k->rdata[3] = k->alg;
	memcpy(k->rdata + 4, pub, len);
	k->rdlen = (uint16_t)(4 + len);
}

static void tkey_new(struct tkey *k, uint8_t alg, uint16_t flags, const char *owner)
{
	uint8_t pub[600];
	size_t len = 0;
	k->alg = alg;
	memcpy(k->owner, N(owner), name_len(N(owner)));
	if (alg == 15) {
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		len = 32;
		CHECK(k->pk && EVP_PKEY_get_raw_public_key(k->pk, pub, &len) == 1);
	} else if (alg == 13) {
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		CHECK(k->pk &&
		      EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_PUB_KEY, pub,
		                                      sizeof(pub), &len) == 1 &&
		      len == 65 && pub[0] == 4);
		memmove(pub, pub + 1, --len); /* RFC 6605 §4: x | y without the 0x04 */
	} else { /* RSASHA256, RFC 3110 §2: exponent length, exponent, modulus */
		k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
		BIGNUM *n = NULL, *e = NULL;
		CHECK(k->pk && EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
		      EVP_PKEY_get_bn_param(k->pk, OSSL_PKEY_PARAM_RSA_E, &e) == 1);
		pub[0] = (uint8_t)BN_num_bytes(e);
		BN_bn2bin(e, pub + 1);
		BN_bn2bin(n, pub + 1 + pub[0]);
		len = 1u + pub[0] + (size_t)BN_num_bytes(n);
		BN_free(n);
		BN_free(e);
	}
	tkey_rdata(k, flags, pub, len);
}

static struct wire_rr tkey_rr(const struct tkey *k)
{
	return (struct wire_rr){k->owner, DNS_TYPE_DNSKEY, DNS_CLASS_IN, 3600, k->rdlen, k->rdata};
}

/* What an RRSIG made here says. */
struct tsig {
	uint16_t covered;
	uint8_t labels;
	uint32_t orig_ttl, inception, expiration;
	const char *signer;
	const char *owner; /* the owner as signed: lowercase, "*." for a wildcard */
};

/* Storage for records made here; emptied by each case. */
static uint8_t pool[1 << 18];
static size_t pool_used;

static uint8_t *pool_take(size_t n)
{
	CHECK(pool_used + n <= sizeof(pool));
	pool_used += n;
	return pool + pool_used - n;
}

/* Signs the rdatas (already in canonical order) with k; returns the RRSIG record, owned by
 * owner (which may differ from t->owner in case, or be the expanded name). */
static struct wire_rr tsign(const struct tkey *k, const struct tsig *t, const char *owner,
                            const struct wire_rr *rrs, size_t n)
{
	uint8_t data[8192];
	size_t len = 0;
	const uint8_t *signer = N(t->signer), *sowner = N(t->owner);
	uint8_t *rd = pool_take(18 + name_len(signer) + 256);
	uint16_t tag = val_key_tag(k->rdata, k->rdlen);
	uint8_t fixed[18] = {(uint8_t)(t->covered >> 8),
	                     (uint8_t)t->covered,
	                     k->alg,
	                     t->labels,
	                     (uint8_t)(t->orig_ttl >> 24),
	                     (uint8_t)(t->orig_ttl >> 16),
	                     (uint8_t)(t->orig_ttl >> 8),
	                     (uint8_t)t->orig_ttl,
	                     (uint8_t)(t->expiration >> 24),
	                     (uint8_t)(t->expiration >> 16),
	                     (uint8_t)(t->expiration >> 8),
	                     (uint8_t)t->expiration,
	                     (uint8_t)(t->inception >> 24),
	                     (uint8_t)(t->inception >> 16),
	                     (uint8_t)(t->inception >> 8),
	                     (uint8_t)t->inception,
	                     (uint8_t)(tag >> 8),
	                     (uint8_t)tag};
	memcpy(rd, fixed, 18);
	memcpy(rd + 18, signer, name_len(signer));
	size_t pre = 18 + name_len(signer);
	memcpy(data, rd, pre);
	len = pre;
	for (size_t i = 0; i < n; i++) {
		uint8_t hdr[10] = {(uint8_t)(rrs[i].type >> 8),
		                   (uint8_t)rrs[i].type,
		                   0,
		                   1,
		                   (uint8_t)(t->orig_ttl >> 24),
		                   (uint8_t)(t->orig_ttl >> 16),
		                   (uint8_t)(t->orig_ttl >> 8),
		                   (uint8_t)t->orig_ttl,
		                   (uint8_t)(rrs[i].rdlen >> 8),
		                   (uint8_t)rrs[i].rdlen};
		memcpy(data + len, sowner, name_len(sowner));
		len += name_len(sowner);
		memcpy(data + len, hdr, 10);
		memcpy(data + len + 10, rrs[i].rdata, rrs[i].rdlen);
		len += 10u + rrs[i].rdlen;
	}
	uint8_t sig[512];
	size_t slen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = k->alg == 15 ? NULL : EVP_sha256();
	CHECK(EVP_DigestSignInit(ctx, NULL, md, NULL, k->pk) == 1 &&
	      EVP_DigestSign(ctx, sig, &slen, data, len) == 1);
	EVP_MD_CTX_free(ctx);
	if (k->alg == 13) { /* DER to r | s (RFC 6605 §4) */
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)slen);
		CHECK(es != NULL);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32);
		ECDSA_SIG_free(es);
		slen = 64;
	}
	memcpy(rd + pre, sig, slen);
	return (struct wire_rr){N(owner), DNS_TYPE_RRSIG,         DNS_CLASS_IN,
	                        3600,     (uint16_t)(pre + slen), rd};
}

/* A copy of rr (in the pool) with rdata byte at changed to value. */
static struct wire_rr with_byte(const struct wire_rr *rr, size_t at, uint8_t value)
{
	uint8_t *rd = pool_take(rr->rdlen);
	memcpy(rd, rr->rdata, rr->rdlen);
	rd[at] = value;
	struct wire_rr c = *rr;
	c.rdata = rd;
	return c;
}

/* A record from presentation text, in the pool. */
static struct wire_rr mkrr(const char *owner, uint16_t type, uint32_t ttl, const char *text)
{
	uint8_t *rd = pool_take(512);
	struct buf_out o;
	const char *why;
	buf_out_init(&o, rd, 512);
	CHECKF(rdata_from_text(type, text, strlen(text), NULL, &o, &why) == ERR_OK, "%s", text);
	return (struct wire_rr){N(owner), type, DNS_CLASS_IN, ttl, (uint16_t)o.len, rd};
}

#define NOW 1700000000u
static const struct tsig sig_a = {DNS_TYPE_A,  2,          3600,          NOW - 3600,
                                  NOW + 86400, "example.", "www.example."};

static enum val_state check_one(const struct wire_rr *set, size_t n, const struct wire_rr *sig,
                                const struct wire_rr *keys, size_t nk, uint32_t now,
                                struct val_info *info)
{
	fresh_budget();
	return val_verify_rrset(set, n, sig, 1, keys, nk, N("example."), now, &budget, info);
}

/* A fresh ECDSA P-256 zone key of example. in k and key, and the RRSIG by it over the one
 * record set (mkrr'd before: the pool is not emptied here) served as owner. */
static struct wire_rr p256_signed(struct tkey *k, struct wire_rr *key, const struct tsig *t,
                                  const char *owner, const struct wire_rr *set)
{
	tkey_new(k, 13, 256, "example.");
	*key = tkey_rr(k);
	return tsign(k, t, owner, set, 1);
}

static void test_generated(void)
{
	static const uint8_t algs[] = {15, 13, 8};
	for (size_t a = 0; a < COUNT(algs); a++) {
		struct tkey k;
		struct val_info info;
		pool_used = 0;
		tkey_new(&k, algs[a], 256, "example.");
		struct wire_rr key = tkey_rr(&k);
		/* canonical order: 192.0.2.1 before 192.0.2.2 */
		struct wire_rr set[2] = {mkrr("www.example.", DNS_TYPE_A, 300, "192.0.2.1"),
		                         mkrr("www.example.", DNS_TYPE_A, 300, "192.0.2.2")};
		struct wire_rr sig = tsign(&k, &sig_a, "www.example.", set, 2);
		/* given in the other order, with the owner in capitals and a duplicate */
		struct wire_rr given[3] = {set[1], set[0], set[1]};
		for (size_t i = 0; i < 3; i++)
			given[i].owner = N("WWW.Example.");
		CHECKF(check_one(given, 3, &sig, &key, 1, NOW, &info) == VAL_SECURE, "alg %u: %s",
		       algs[a], val_reason_str(info.reason));
		CHECK(info.ttl_s == 300 && info.key_tag == val_key_tag(k.rdata, k.rdlen) &&
		      info.algorithm == algs[a] && name_equal(info.signer, N("example.")));
		/* one rdata byte changed */
		struct wire_rr changed[2] = {set[0],
		                             mkrr("www.example.", DNS_TYPE_A, 300, "192.0.2.3")};
		CHECK(check_one(changed, 2, &sig, &key, 1, NOW, &info) == VAL_BOGUS &&
		      info.reason == VAL_R_SIG_INVALID);
		/* one signature bit changed */
		struct wire_rr badsig =
		    with_byte(&sig, sig.rdlen - 1u, sig.rdata[sig.rdlen - 1] ^ 1);
		CHECK(check_one(set, 2, &badsig, &key, 1, NOW, &info) == VAL_BOGUS &&
		      info.reason == VAL_R_SIG_INVALID);
		EVP_PKEY_free(k.pk);
	}
}

/* The keys built are kept per thread (val_crypto.c): a key of another DNSKEY with the same
 * tag, algorithm and length never stands in for it, whatever slot it lands in. Two bytes of
 * the key moved by +1 and -1 in the same half of their 16-bit words keep the tag (RFC 4034
 * Appendix B); the point is then off the curve, so such a key verifies nothing. */
static void test_kept_keys(void)
{
	struct tkey k;
	struct val_info info;
	pool_used = 0;
	struct wire_rr key, set = mkrr("www.example.", DNS_TYPE_A, 300, "192.0.2.1");
	struct wire_rr sig = p256_signed(&k, &key, &sig_a, "www.example.", &set);
	uint8_t owner[NAME_MAX_WIRE]; /* kept: N's buffers turn over within the loop */
	memcpy(owner, set.owner, name_len(set.owner));
	set.owner = sig.owner = owner;
	uint16_t tag = val_key_tag(k.rdata, k.rdlen);
	size_t tried = 0; /* 256 keys: one at least shares the kept key's slot (of 64) */
	for (size_t p = 4; p < k.rdlen && tried < 256; p += 2)
		for (size_t q = p + 2; q < k.rdlen && tried < 256; q += 2) {
			if (k.rdata[p] == 255 || k.rdata[q] == 0)
				continue;
			struct wire_rr other = with_byte(&key, p, (uint8_t)(k.rdata[p] + 1));
			((uint8_t *)other.rdata)[q]--;
			CHECK(val_key_tag(other.rdata, other.rdlen) == tag);
			CHECKF(check_one(&set, 1, &sig, &key, 1, NOW, &info) == VAL_SECURE,
			       "bytes %zu %zu", p, q);
			CHECKF(check_one(&set, 1, &sig, &other, 1, NOW, &info) == VAL_BOGUS,
			       "bytes %zu %zu", p, q);
			tried++;
		}
	CHECK(tried == 256);
	EVP_PKEY_free(k.pk);
}

/* Times: within, before, after; the TTL cap; serial arithmetic across the 2106 wrap. */
static void test_times(void)
{
	static const struct {
		uint32_t inception, expiration, now;
		enum val_reason want;
	} v[] = {
	    {NOW - 10, NOW + 10, NOW, VAL_R_OK},
	    {NOW - 10, NOW + 10, NOW + 10, VAL_R_OK}, /* the last second counts */
	    {NOW - 10, NOW + 10, NOW + 11, VAL_R_SIG_EXPIRED},
	    {NOW - 10, NOW + 10, NOW - 11, VAL_R_SIG_NOT_YET},
	    {0xFFFFFF00u, 0x00001000u, 0x00000010u, VAL_R_OK}, /* after the wrap */
	    {0xFFFFFF00u, 0x00001000u, 0xFFFFFFF0u, VAL_R_OK}, /* before it */
	    {0xFFFFFF00u, 0x00001000u, 0x00001001u, VAL_R_SIG_EXPIRED},
	    {0xFFFFFF00u, 0x00001000u, 0xFFFFFEFFu, VAL_R_SIG_NOT_YET},
	};
	struct tkey k;
	pool_used = 0;
	tkey_new(&k, 15, 256, "example.");
	struct wire_rr key = tkey_rr(&k);
	struct wire_rr set = mkrr("www.example.", DNS_TYPE_A, 3600, "192.0.2.1");
	for (size_t i = 0; i < COUNT(v); i++) {
		struct tsig t = sig_a;
		t.inception = v[i].inception;
		t.expiration = v[i].expiration;
		struct wire_rr sig = tsign(&k, &t, "www.example.", &set, 1);
		struct val_info info;
		enum val_state st = check_one(&set, 1, &sig, &key, 1, v[i].now, &info);
		CHECKF(info.reason == v[i].want, "case %zu: %s", i, val_reason_str(info.reason));
		CHECK(st == (v[i].want == VAL_R_OK ? VAL_SECURE : VAL_BOGUS));
		if (st == VAL_SECURE) /* RFC 4035 §5.3.3: no longer than the signature lives */
			CHECKF(info.ttl_s == (v[i].expiration - v[i].now < 3600
			                          ? v[i].expiration - v[i].now
			                          : 3600),
			       "case %zu: ttl %u", i, info.ttl_s);
		CHECK(info.expiration == v[i].expiration && info.inception == v[i].inception);
	}
	EVP_PKEY_free(k.pk);
}

/* k with one rdata byte changed (flags, protocol): the same key material, another tag. */
static struct tkey variant(const struct tkey *k, size_t at, uint8_t value)
{
	struct tkey v = *k;
	v.rdata[at] = value;
	return v;
}

/* The checks before the cryptography: signer, labels, key flags, algorithm. */
static void test_rrsig_fields(void)
{
	struct tkey k, kother;
	struct val_info info;
	pool_used = 0;
	tkey_new(&k, 15, 256, "example.");
	tkey_new(&kother, 15, 256, "other.example.");
	struct wire_rr set = mkrr("www.example.", DNS_TYPE_A, 3600, "192.0.2.1");
	struct wire_rr key = tkey_rr(&k), ko = tkey_rr(&kother);
	struct wire_rr sig = tsign(&k, &sig_a, "www.example.", &set, 1);
	CHECK(check_one(&set, 1, &sig, &key, 1, NOW, &info) == VAL_SECURE);

	struct tsig t = sig_a;
	t.signer = "other.example."; /* another zone's key and name as signer */
	struct wire_rr s2 = tsign(&kother, &t, "www.example.", &set, 1);
	CHECK(check_one(&set, 1, &s2, &ko, 1, NOW, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_SIGNER && name_equal(info.signer, N("other.example.")));
	fresh_budget(); /* signer is the zone, but the owner is outside it */
	struct wire_rr out = mkrr("www.example.org.", DNS_TYPE_A, 3600, "192.0.2.1");
	t = sig_a;
	t.owner = "www.example.org.";
	struct wire_rr s3 = tsign(&k, &t, "www.example.org.", &out, 1);
	CHECK(val_verify_rrset(&out, 1, &s3, 1, &key, 1, N("example."), NOW, &budget, &info) ==
	          VAL_BOGUS &&
	      info.reason == VAL_R_SIGNER);

	t = sig_a;
	t.labels = 3; /* more labels than www.example. has */
	struct wire_rr s4 = tsign(&k, &t, "www.example.", &set, 1);
	CHECK(check_one(&set, 1, &s4, &key, 1, NOW, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_LABELS);

	/* keys that signed, and must not count: no zone-key bit; revoked (RFC 5011 §2.1);
	 * protocol 2 (RFC 4034 §2.1.2); another zone's */
	const struct tkey bad[] = {variant(&k, 0, 0), variant(&k, 1, VAL_DNSKEY_REVOKE),
	                           variant(&k, 2, 2)};
	for (size_t i = 0; i < COUNT(bad); i++) {
		struct wire_rr s = tsign(&bad[i], &sig_a, "www.example.", &set, 1);
		struct wire_rr bk = tkey_rr(&bad[i]);
		CHECKF(check_one(&set, 1, &s, &bk, 1, NOW, &info) == VAL_BOGUS &&
		           info.reason == VAL_R_NO_KEY,
		       "key %zu", i);
	}
	CHECK(check_one(&set, 1, &sig, &ko, 1, NOW, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_NO_KEY);

	/* an RRSIG of an algorithm not validated is as good as none */
	struct wire_rr s5 = with_byte(&sig, 2, 5);
	CHECK(check_one(&set, 1, &s5, &key, 1, NOW, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_RRSIGS_MISSING);
	fresh_budget();
	CHECK(val_verify_rrset(&set, 1, NULL, 0, &key, 1, N("example."), NOW, &budget, &info) ==
	          VAL_BOGUS &&
	      info.reason == VAL_R_RRSIGS_MISSING);
	struct wire_rr mixed[2] = {set, mkrr("www.example.", DNS_TYPE_AAAA, 3600, "::1")};
	CHECK(check_one(mixed, 2, &sig, &key, 1, NOW, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_MALFORMED);
	EVP_PKEY_free(k.pk);
	EVP_PKEY_free(kother.pk);
}

/* A wildcard expansion: signed as *.example., served as a.b.example. */
static void test_wildcard(void)
{
	struct tkey k;
	struct val_info info;
	pool_used = 0;
	struct wire_rr key, set = mkrr("a.b.example.", DNS_TYPE_TXT, 3600, "\"wild\"");
	struct tsig t = {DNS_TYPE_TXT, 1, 3600, NOW - 10, NOW + 86400, "example.", "*.example."};
	struct wire_rr sig = p256_signed(&k, &key, &t, "a.b.example.", &set);
	CHECK(check_one(&set, 1, &sig, &key, 1, NOW, &info) == VAL_SECURE);
	CHECK(info.wildcard && name_equal(info.source, N("*.example.")));
	/* the wildcard's own RRset, asked for by name, is no expansion */
	struct wire_rr own = set;
	own.owner = N("*.example.");
	struct wire_rr sig2 = tsign(&k, &t, "*.example.", &own, 1);
	CHECK(check_one(&own, 1, &sig2, &key, 1, NOW, &info) == VAL_SECURE && !info.wildcard);
	/* a labels field that names another wildcard (*.b.example.) does not verify */
	struct wire_rr sig3 = with_byte(&sig, 3, 2);
	CHECK(check_one(&set, 1, &sig3, &key, 1, NOW, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_SIG_INVALID);
	EVP_PKEY_free(k.pk);
}

/* The DS of a key, made here with libcrypto (digest type 2). */
static struct wire_rr make_ds(const struct tkey *k, uint8_t digest_type, uint8_t alg)
{
	uint8_t *rd = pool_take(4 + 32);
	uint16_t tag = val_key_tag(k->rdata, k->rdlen);
	rd[0] = (uint8_t)(tag >> 8);
	rd[1] = (uint8_t)tag;
	rd[2] = alg;
	rd[3] = digest_type;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	CHECK(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	      EVP_DigestUpdate(ctx, k->owner, name_len(k->owner)) == 1 &&
	      EVP_DigestUpdate(ctx, k->rdata, k->rdlen) == 1 &&
	      EVP_DigestFinal_ex(ctx, rd + 4, NULL) == 1);
	EVP_MD_CTX_free(ctx);
	return (struct wire_rr){k->owner, DNS_TYPE_DS, DNS_CLASS_IN, 3600, 36, rd};
}

static enum val_state check_keys(const struct wire_rr *keys, size_t n, const struct wire_rr *sigs,
                                 size_t ns, const struct wire_rr *ds, size_t nd,
                                 struct val_info *info)
{
	fresh_budget();
	return val_verify_dnskeys(keys, n, sigs, ns, ds, nd, NOW, &budget, info);
}

static void test_dnskeys(void)
{
	struct tkey ksk, zsk, rev;
	struct val_info info;
	pool_used = 0;
	tkey_new(&ksk, 15, 257, "example.");
	tkey_new(&zsk, 15, 256, "example.");
	tkey_new(&rev, 15, 257 | VAL_DNSKEY_REVOKE, "example.");
	/* in canonical order for the signer: flags 256 sort before 257 */
	struct wire_rr keys[2] = {tkey_rr(&zsk), tkey_rr(&ksk)};
	struct tsig t = {DNS_TYPE_DNSKEY, 1, 3600, NOW - 10, NOW + 86400, "example.", "example."};
	struct wire_rr by_ksk = tsign(&ksk, &t, "example.", keys, 2);
	struct wire_rr by_zsk = tsign(&zsk, &t, "example.", keys, 2);
	struct wire_rr ds = make_ds(&ksk, 2, 15);
	CHECK(check_keys(keys, 2, &by_ksk, 1, &ds, 1, &info) == VAL_SECURE &&
	      info.key_tag == val_key_tag(ksk.rdata, ksk.rdlen));
	/* signed by the ZSK only, which no DS names */
	CHECK(check_keys(keys, 2, &by_zsk, 1, &ds, 1, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_NO_KEY);
	struct wire_rr both[2] = {by_zsk, by_ksk};
	CHECK(check_keys(keys, 2, both, 2, &ds, 1, &info) == VAL_SECURE);
	/* a DS of the ZSK but a signature by the KSK */
	struct wire_rr ds_zsk = make_ds(&zsk, 2, 15);
	CHECK(check_keys(keys, 2, &by_ksk, 1, &ds_zsk, 1, &info) == VAL_BOGUS);
	/* a digest that matches no key */
	struct wire_rr bad = make_ds(&ksk, 2, 15);
	((uint8_t *)bad.rdata)[10] ^= 0x40;
	CHECK(check_keys(keys, 2, &by_ksk, 1, &bad, 1, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_DS_MISMATCH);
	CHECK(check_keys(keys, 2, &by_ksk, 1, NULL, 0, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_DS_MISMATCH);
	/* only algorithms or digests not validated: insecure (RFC 4035 §5.2, RFC 6840 §5.2) */
	struct wire_rr alg5 = make_ds(&ksk, 2, 5), sha1 = make_ds(&ksk, 1, 15),
	               gost = make_ds(&ksk, 3, 15);
	CHECK(check_keys(keys, 2, &by_ksk, 1, &alg5, 1, &info) == VAL_INSECURE &&
	      info.reason == VAL_R_UNSUPPORTED_ALG);
	struct wire_rr digests[2] = {sha1, gost};
	CHECK(check_keys(keys, 2, &by_ksk, 1, digests, 2, &info) == VAL_INSECURE &&
	      info.reason == VAL_R_UNSUPPORTED_DIGEST);
	/* an unsupported DS beside a good one changes nothing */
	struct wire_rr mixed[2] = {alg5, ds};
	CHECK(check_keys(keys, 2, &by_ksk, 1, mixed, 2, &info) == VAL_SECURE);
	/* a revoked KSK with its DS: not a trust anchor any more (RFC 5011 §2.1) */
	struct wire_rr rkeys[2] = {tkey_rr(&zsk), tkey_rr(&rev)};
	struct wire_rr by_rev = tsign(&rev, &t, "example.", rkeys, 2);
	struct wire_rr ds_rev = make_ds(&rev, 2, 15);
	CHECK(check_keys(rkeys, 2, &by_rev, 1, &ds_rev, 1, &info) == VAL_BOGUS &&
	      info.reason == VAL_R_DS_MISMATCH);
	EVP_PKEY_free(ksk.pk);
	EVP_PKEY_free(zsk.pk);
	EVP_PKEY_free(rev.pk);
}

/* Ed25519 "keys" of random bytes whose tag is tag: a KeyTrap key set. */
static struct wire_rr colliding_key(uint16_t tag)
{
	uint8_t *rd = pool_take(36);
	rd[0] = 1;
	rd[1] = 0;
	rd[2] = 3;
	rd[3] = 15;
	for (int i = 4; i < 36; i++)
		rd[i] = (uint8_t)rand();
	for (unsigned w = 0; w <= 0xFFFF; w++) {
		rd[34] = (uint8_t)(w >> 8);
		rd[35] = (uint8_t)w;
		if (val_key_tag(rd, 36) == tag)
			break;
	}
	CHECK(val_key_tag(rd, 36) == tag);
	return (struct wire_rr){N("example."), DNS_TYPE_DNSKEY, DNS_CLASS_IN, 3600, 36, rd};
}

static void test_limits(void)
{
	struct tkey k;
	struct val_info info;
	pool_used = 0;
	tkey_new(&k, 15, 256, "example.");
	uint16_t tag = val_key_tag(k.rdata, k.rdlen);
	struct wire_rr set = mkrr("www.example.", DNS_TYPE_A, 3600, "192.0.2.1");
	struct wire_rr sig = tsign(&k, &sig_a, "www.example.", &set, 1);
	struct wire_rr keys[6];
	for (int i = 0; i < 5; i++)
		keys[i] = colliding_key(tag);
	keys[5] = tkey_rr(&k); /* the real key comes last */
	fresh_budget();
	CHECK(val_verify_rrset(&set, 1, &sig, 1, keys, 6, N("example."), NOW, &budget, &info) ==
	          VAL_BOGUS &&
	      info.reason == VAL_R_LIMIT_KEYTAG);
	CHECK(budget.sig_checks == VAL_DEF_KEYS_PER_TAG); /* only the cap was tried */
	fresh_budget();
	limits.keys_per_tag = 6;
	CHECK(val_verify_rrset(&set, 1, &sig, 1, keys, 6, N("example."), NOW, &budget, &info) ==
	      VAL_SECURE);
	CHECK(budget.sig_checks == 6);

	/* the resolution's budget: two checks left, the third RRSIG never tried */
	size_t last = sig.rdlen - 1u;
	struct wire_rr sigs[3] = {with_byte(&sig, last, sig.rdata[last] ^ 0x10),
	                          with_byte(&sig, last - 1, sig.rdata[last - 1] ^ 0x10), sig};
	fresh_budget();
	limits.sig_checks = 2;
	CHECK(val_verify_rrset(&set, 1, sigs, 3, &keys[5], 1, N("example."), NOW, &budget, &info) ==
	          VAL_BOGUS &&
	      info.reason == VAL_R_LIMIT_SIGS);
	CHECK(budget.sig_checks == 2);
	fresh_budget();
	limits.rrsigs_per_rrset = 2;
	CHECK(val_verify_rrset(&set, 1, sigs, 3, &keys[5], 1, N("example."), NOW, &budget, &info) ==
	          VAL_BOGUS &&
	      info.reason == VAL_R_LIMIT_RRSIGS);
	fresh_budget(); /* with room for all three, the good one verifies */
	CHECK(val_verify_rrset(&set, 1, sigs, 3, &keys[5], 1, N("example."), NOW, &budget, &info) ==
	          VAL_SECURE &&
	      budget.sig_checks == 3);
	EVP_PKEY_free(k.pk);
}

static void test_reasons(void)
{
	static const struct {
		enum val_reason r;
		int ede;
	} v[] = {
	    {VAL_R_OK, -1},
	    {VAL_R_SIG_EXPIRED, 7},
	    {VAL_R_SIG_NOT_YET, 8},
	    {VAL_R_NO_KEY, 9},
	    {VAL_R_DS_MISMATCH, 9},
	    {VAL_R_RRSIGS_MISSING, 10},
	    {VAL_R_SIG_INVALID, 6},
	    {VAL_R_NSEC_MISSING, 12},
	    {VAL_R_UNSUPPORTED_ALG, 1},
	    {VAL_R_UNSUPPORTED_DIGEST, 2},
	    {VAL_R_NSEC3_ITERATIONS, 27},
	    {VAL_R_NSEC3_OPTOUT, -1},
	    {VAL_R_NO_DS, -1},
	};
	for (size_t i = 0; i < COUNT(v); i++)
		CHECKF(val_reason_ede(v[i].r) == v[i].ede, "%s", val_reason_str(v[i].r));
	for (int r = 0; r <= VAL_R_COUNT; r++)
		CHECK(val_reason_str((enum val_reason)r) != NULL &&
		      *val_reason_str((enum val_reason)r));
}

int main(void)
{
	RUN(test_key_tags);
	RUN(test_ds_digests);
	RUN(test_rfc_signatures);
	RUN(test_generated);
	RUN(test_kept_keys);
	RUN(test_times);
	RUN(test_rrsig_fields);
	RUN(test_wildcard);
	RUN(test_dnskeys);
	RUN(test_limits);
	RUN(test_reasons);
	return check_done();
}
