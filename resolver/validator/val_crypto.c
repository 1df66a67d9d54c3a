/* resolver/validator/val_crypto.c: the validator's only contact with libcrypto (OpenSSL 3.0).
 *
 * Public keys are built from DNSKEY rdata (RSA per RFC 3110, ECDSA per RFC 6605, EdDSA per
 * RFC 8080) and signatures checked with EVP_DigestVerify; digests for DS (RFC 4509, RFC 6605)
 * and NSEC3 (RFC 5155 §5) with EVP_Digest*. Nothing here knows DNS records. The keys built
 * are kept per thread (key_get), since one key verifies many signatures.
 *
 * SPDX-License-Identifier: MIT
 */
#include "val_priv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

/* RFC 3110 §2 allows moduli of 512 to 4096 bits; larger ones would only cost CPU. */
#define RSA_MIN_BYTES 64
#define RSA_MAX_BYTES 512

static const EVP_MD *alg_md(uint8_t alg)
{
	switch (alg) {
	case 8:
	case 13:
		return EVP_sha256();
	case 10:
		return EVP_sha512();
	case 14:
		return EVP_sha384();
	default:
		return NULL; /* EdDSA hashes inside the signature scheme */
	}
}

static EVP_PKEY *pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

/* RFC 3110 §2: exponent length in one octet, or 0 and then two octets; exponent; modulus. */
static EVP_PKEY *rsa_key(const uint8_t *k, size_t len)
{
	size_t elen, off;
	if (len < 1)
		return NULL;
	if (k[0]) {
		elen = k[0];
		off = 1;
	} else {
		if (len < 3)
			return NULL;
		elen = (size_t)k[1] << 8 | k[2];
		off = 3;
	}
	if (elen == 0 || elen > len - off)
		return NULL;
	size_t mlen = len - off - elen;
	if (mlen < RSA_MIN_BYTES || mlen > RSA_MAX_BYTES)
		return NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *e = BN_bin2bn(k + off, (int)elen, NULL);
	BIGNUM *n = BN_bin2bn(k + off + elen, (int)mlen, NULL);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (e && n && bld && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		pkey = pkey_fromdata("RSA", bld);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	BN_free(n);
	return pkey;
}

/* RFC 6605 §4: the key is x | y; OpenSSL wants the uncompressed point 0x04 | x | y. */
static EVP_PKEY *ec_key(const char *group, size_t coord, const uint8_t *k, size_t len)
{
	uint8_t point[1 + 2 * 48];
	if (len != 2 * coord)
		return NULL;
	point[0] = 0x04;
	memcpy(point + 1, k, len);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, len + 1))
		pkey = pkey_fromdata("EC", bld);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

static EVP_PKEY *dnskey_pkey(uint8_t alg, const uint8_t *k, size_t len)
{
	switch (alg) {
	case 8:
	case 10:
		return rsa_key(k, len);
	case 13:
		return ec_key("P-256", 32, k, len);
	case 14:
		return ec_key("P-384", 48, k, len);
	case 15:
		return len == 32 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, k, len)
		                 : NULL;
	case 16:
		return len == 57 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED448, NULL, k, len) : NULL;
	default:
		return NULL;
	}
}

/* ---- the keys built, kept per thread ----
 *
 * A zone's key verifies many signatures (a TLD's key signs the DS set of every child), and
 * building an EVP_PKEY from the rdata costs about a quarter of a verification. So each thread
 * keeps the keys it built last, direct-mapped by a hash of algorithm and key bytes and
 * compared in full: only the same bytes get the same key. */
#define KEY_SLOTS 64     /* keys kept per thread: bounds the memory (about 100 KiB of RSA) */
#define KEY_SLOT_MAX 520 /* longest key field kept: RSA 4096 bits and a 3-byte exponent */

struct key_slot {
	EVP_PKEY *pkey; /* NULL: the slot is empty */
	uint8_t alg;
	uint16_t len;
	uint8_t key[KEY_SLOT_MAX];
};

static pthread_key_t slots_key;
static bool slots_ok; /* slots_key was made: without it, keys are not kept */
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;
static _Thread_local struct key_slot *slots;

static void slots_free(void *p)
{
	struct key_slot *s = p;
	for (size_t i = 0; i < KEY_SLOTS; i++)
		EVP_PKEY_free(s[i].pkey);
	free(s);
}

static void slots_init(void)
{
	slots_ok = pthread_key_create(&slots_key, slots_free) == 0;
}

/* The thread's slot for the key, or NULL when keys cannot be kept. */
static struct key_slot *key_slot(uint8_t alg, const uint8_t *k, size_t len)
{
	if (len > KEY_SLOT_MAX)
		return NULL;
	if (!slots) {
		pthread_once(&slots_once, slots_init);
		if (!slots_ok)
			return NULL;
		slots = calloc(KEY_SLOTS, sizeof(*slots));
		if (!slots || pthread_setspecific(slots_key, slots) != 0) {
			free(slots);
			slots = NULL;
			return NULL;
		}
	}
	uint32_t h = 2166136261u ^ alg; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ k[i]) * 16777619u;
	return &slots[h % KEY_SLOTS];
}

/* The key for the DNSKEY public key field k of algorithm alg: the thread's kept one when it has
 * these bytes, else built (and kept). *owned says whether the caller must free it. */
static EVP_PKEY *key_get(uint8_t alg, const uint8_t *k, size_t len, bool *owned)
{
	struct key_slot *s = key_slot(alg, k, len);
	*owned = s == NULL;
	if (s && s->pkey && s->alg == alg && s->len == len && memcmp(s->key, k, len) == 0)
		return s->pkey;
	EVP_PKEY *pkey = dnskey_pkey(alg, k, len);
	if (s && pkey) {
		EVP_PKEY_free(s->pkey);
		s->pkey = pkey;
		s->alg = alg;
		s->len = (uint16_t)len;
		memcpy(s->key, k, len);
	} else if (pkey) {
		*owned = true;
	}
	return pkey;
}

/* RFC 6605 §4: the signature is r | s, each the size of a coordinate; libcrypto verifies
 * DER. Returns the DER length in *der_len, or false. */
static bool ecdsa_der(const uint8_t *sig, size_t len, size_t coord, uint8_t *der, size_t cap,
                      size_t *der_len)
{
	if (len != 2 * coord)
		return false;
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)coord, NULL);
	BIGNUM *ss = BN_bin2bn(sig + coord, (int)coord, NULL);
	bool ok = false;
	if (s && r && ss && ECDSA_SIG_set0(s, r, ss)) {
		r = ss = NULL; /* owned by s now */
		unsigned char *p = der;
		int n = i2d_ECDSA_SIG(s, NULL);
		if (n > 0 && (size_t)n <= cap && i2d_ECDSA_SIG(s, &p) == n) {
			*der_len = (size_t)n;
			ok = true;
		}
	}
	BN_free(r);
	BN_free(ss);
	ECDSA_SIG_free(s);
	return ok;
}

enum val_reason crypto_verify(uint8_t alg, const uint8_t *key, size_t key_len, const uint8_t *data,
                              size_t len, const uint8_t *sig, size_t sig_len)
{
	uint8_t der[2 * 48 + 16];
	if (alg == 13 || alg == 14) {
		size_t der_len;
		if (!ecdsa_der(sig, sig_len, alg == 13 ? 32 : 48, der, sizeof(der), &der_len))
			return VAL_R_SIG_INVALID;
		sig = der;
		sig_len = der_len;
	}
	bool owned;
	EVP_PKEY *pkey = key_get(alg, key, key_len, &owned);
	if (!pkey)
		return VAL_R_SIG_INVALID;
	enum val_reason r = VAL_R_NOMEM;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx && EVP_DigestVerifyInit(ctx, NULL, alg_md(alg), NULL, pkey) == 1)
		r = EVP_DigestVerify(ctx, sig, sig_len, data, len) == 1 ? VAL_R_OK
		                                                        : VAL_R_SIG_INVALID;
	else if (ctx)
		r = VAL_R_SIG_INVALID;
	EVP_MD_CTX_free(ctx);
	if (owned)
		EVP_PKEY_free(pkey);
	return r;
}

bool crypto_ds_digest(uint8_t d, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                      uint8_t out[VAL_DIGEST_MAX], size_t *out_len)
{
	const EVP_MD *md = d == 2 ? EVP_sha256() : d == 4 ? EVP_sha384() : NULL;
	if (!md)
		return false;
	unsigned n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
	          EVP_DigestUpdate(ctx, a, a_len) == 1 && EVP_DigestUpdate(ctx, b, b_len) == 1 &&
	          EVP_DigestFinal_ex(ctx, out, &n) == 1;
	EVP_MD_CTX_free(ctx);
	*out_len = n;
	return ok;
}

enum val_reason crypto_nsec3_sha1(const uint8_t *name, size_t name_len, const uint8_t *salt,
                                  size_t salt_len, unsigned iterations, uint8_t out[20])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const EVP_MD *md = EVP_sha1();
	bool ok = ctx != NULL;
	const uint8_t *in = name;
	size_t in_len = name_len;
	for (unsigned i = 0; ok && i <= iterations; i++) {
		ok = EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
		     EVP_DigestUpdate(ctx, in, in_len) == 1 &&
		     EVP_DigestUpdate(ctx, salt, salt_len) == 1 &&
		     EVP_DigestFinal_ex(ctx, out, NULL) == 1;
		in = out;
		in_len = 20;
	}
	EVP_MD_CTX_free(ctx);
	return ok ? VAL_R_OK : VAL_R_NOMEM;
}
