/* tests/unit/test_val_denial.c: resolver/validator: NSEC and NSEC3 denial proofs.
 *
 * The NSEC3 hashes of RFC 5155 Appendix A and the proofs of its Appendix B (every NSEC3 of
 * the example has the opt-out flag, so the proofs through a next closer name are insecure
 * as published and secure with the flag cleared), the NSEC proofs of RFC 4035 Appendix B on
 * the same example zone, the caveats of RFC 6840 §4 and the NSEC3 limits. The records are
 * given as verified: signatures are test_validator.c's business.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dns.h"
#include "name_text.h"
#include "val.h"
#include "val_denial.h"
#include "val_records.h"

#define N3(h, next, types) h ".example. 3600 IN NSEC3 1 1 12 aabbccdd " next " " types "\n"
static const char rfc5155_chain[] = N3("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom",
                                       "2t7b4g4vsa5smi47k61mv5bv1a22bojr",
                                       "NS SOA MX RRSIG DNSKEY NSEC3PARAM")
    N3("2t7b4g4vsa5smi47k61mv5bv1a22bojr", "2vptu5timamqttgl4luu9kg21e0aor3s", "A RRSIG")
        N3("2vptu5timamqttgl4luu9kg21e0aor3s", "35mthgpgcu1qg68fab165klnsnk3dpvl", "MX RRSIG") N3(
            "35mthgpgcu1qg68fab165klnsnk3dpvl", "b4um86eghhds6nea196smvmlo4ors995", "NS DS RRSIG")
            N3("b4um86eghhds6nea196smvmlo4ors995", "gjeqe526plbf1g8mklp59enfd789njgi", "MX RRSIG")
                N3("gjeqe526plbf1g8mklp59enfd789njgi", "ji6neoaepv8b5o6k4ev33abha8ht9fgc",
                   "A HINFO AAAA RRSIG") N3("ji6neoaepv8b5o6k4ev33abha8ht9fgc",
                                            "k8udemvp1j2f7eg6jebps17vp3n8i58h", "")
                    N3("k8udemvp1j2f7eg6jebps17vp3n8i58h", "q04jkcevqvmu85r014c7dkba38o0ji5r", "")
                        N3("q04jkcevqvmu85r014c7dkba38o0ji5r", "r53bq7cc2uvmubfu5ocmm6pers9tk9en",
                           "A RRSIG") N3("r53bq7cc2uvmubfu5ocmm6pers9tk9en",
                                         "t644ebqk9bibcna874givr6joj62mlhv", "MX RRSIG")
                            N3("t644ebqk9bibcna874givr6joj62mlhv",
                               "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "A HINFO AAAA RRSIG");

static const char rfc4035_chain[] = "example. 3600 IN NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY\n"
                                    "a.example. 3600 IN NSEC ai.example. NS DS RRSIG NSEC\n"
                                    "ai.example. 3600 IN NSEC b.example. A HINFO AAAA RRSIG NSEC\n"
                                    "b.example. 3600 IN NSEC ns1.example. NS RRSIG NSEC\n"
                                    "ns1.example. 3600 IN NSEC ns2.example. A RRSIG NSEC\n"
                                    "ns2.example. 3600 IN NSEC *.w.example. A RRSIG NSEC\n"
                                    "*.w.example. 3600 IN NSEC x.w.example. MX RRSIG NSEC\n"
                                    "x.w.example. 3600 IN NSEC x.y.w.example. MX RRSIG NSEC\n"
                                    "x.y.w.example. 3600 IN NSEC xx.example. MX RRSIG NSEC\n"
                                    "xx.example. 3600 IN NSEC example. A HINFO AAAA RRSIG NSEC\n";

/* Copies src to out with every from replaced by to. */
static void subst(const char *src, const char *from, const char *to, char *out, size_t cap)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	while (*src && n + tl < cap) {
		if (strncmp(src, from, fl) == 0) {
			memcpy(out + n, to, tl);
			n += tl;
			src += fl;
		} else {
			out[n++] = *src++;
		}
	}
	out[n] = 0;
}

static void b32hex(const uint8_t *h, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuv";
	unsigned acc = 0, bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = acc << 8 | h[i];
		for (bits += 8; bits >= 5; bits -= 5)
			*out++ = digits[(acc >> (bits - 5)) & 31];
	}
	if (bits)
		*out++ = digits[(acc << (5 - bits)) & 31];
	*out = 0;
}

static void test_nsec3_hashes(void)
{
	static const char *const v[][2] = {
	    {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
	    {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
	    {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
	    {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
	    {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
	    {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
	    {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
	    {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
	    {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
	    {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
	    {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
	    {"2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi"},
	    {"XX.Example.", "t644ebqk9bibcna874givr6joj62mlhv"}, /* hashed lowercased */
	};
	static const uint8_t salt[] = {0xaa, 0xbb, 0xcc, 0xdd};
	for (size_t i = 0; i < COUNT(v); i++) {
		uint8_t h[VAL_NSEC3_HASH_MAX];
		size_t len = 0;
		char text[64];
		CHECK(val_nsec3_hash(N(v[i][0]), 1, 12, salt, 4, NULL, h, &len) == VAL_R_OK);
		b32hex(h, len, text);
		CHECKF(len == 20 && strcmp(text, v[i][1]) == 0, "%s: %s", v[i][0], text);
	}
	uint8_t h[VAL_NSEC3_HASH_MAX];
	size_t len;
	fresh_budget();
	limits.nsec3_hashes = 1;
	CHECK(val_nsec3_hash(N("a."), 1, 0, NULL, 0, &budget, h, &len) == VAL_R_OK);
	CHECK(val_nsec3_hash(N("b."), 1, 0, NULL, 0, &budget, h, &len) == VAL_R_LIMIT_NSEC3);
	CHECK(val_nsec3_hash(N("a."), 2, 0, NULL, 0, NULL, h, &len) == VAL_R_MALFORMED);
	fresh_budget();
	CHECK(val_nsec3_hash(N("a."), 1, 151, NULL, 0, &budget, h, &len) == VAL_R_NSEC3_ITERATIONS);
}

struct denial_case {
	const char *why;
	enum val_denial_kind kind;
	const char *qname;
	uint16_t qtype;
	const char *encloser;
	const char *only; /* owners (first labels) of the records to give, "" for all */
	enum val_state want;
	enum val_reason reason;
};

/* Runs one case over the records of chain; only keeps records whose owner's text starts
 * with one of the space-separated prefixes in c->only. */
static void run_denial(const char *chain, const char *zone, const struct denial_case *c)
{
	struct rrs r = load(chain);
	struct wire_rr all[MAX_RRS], use[MAX_RRS];
	size_t n = pick(r, 0, NULL, all), m = 0;
	for (size_t i = 0; i < n; i++) {
		char owner[NAME_MAX_TEXT], pat[256];
		struct buf_out o;
		buf_out_init(&o, owner, sizeof(owner));
		name_to_text(all[i].owner, &o);
		snprintf(pat, sizeof(pat), " %s", c->only);
		bool keep = !*c->only;
		for (char *tok = strtok(pat, " "); tok && !keep; tok = strtok(NULL, " "))
			keep = strncmp(owner, tok, strlen(tok)) == 0 && owner[strlen(tok)] == '.';
		if (keep)
			use[m++] = all[i];
	}
	struct val_denial_query q = {c->kind, N(c->qname), c->qtype, N(zone),
	                             c->encloser ? N(c->encloser) : NULL};
	enum val_reason reason;
	fresh_budget();
	enum val_state st = val_prove_denial(&q, use, m, &budget, &reason);
	CHECKF(st == c->want && reason == c->reason, "%s: state %d, %s", c->why, st,
	       val_reason_str(reason));
	zonefile_free(r.z);
}

static void test_nsec3_proofs(void)
{
	static const struct denial_case v[] = {
	    /* B.1: a.c.x.w.example. does not exist; every NSEC3 of the RFC has opt-out */
	    {"B.1 name error", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A, NULL,
	     "b4um86eghhds6nea196smvmlo4ors995 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom "
	     "35mthgpgcu1qg68fab165klnsnk3dpvl",
	     VAL_INSECURE, VAL_R_NSEC3_OPTOUT},
	    {"B.1 without the wildcard's", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A, NULL,
	     "b4um86eghhds6nea196smvmlo4ors995 0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"B.1 without the next closer's", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A,
	     NULL, "b4um86eghhds6nea196smvmlo4ors995 35mthgpgcu1qg68fab165klnsnk3dpvl", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"name that exists", VAL_DENY_NXDOMAIN, "x.w.example.", DNS_TYPE_A, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    /* B.2, B.2.1 */
	    {"B.2 no data", VAL_DENY_NODATA, "ns1.example.", DNS_TYPE_MX, NULL,
	     "2t7b4g4vsa5smi47k61mv5bv1a22bojr", VAL_SECURE, VAL_R_OK},
	    {"B.2 type present", VAL_DENY_NODATA, "ns1.example.", DNS_TYPE_A, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"B.2.1 empty non-terminal", VAL_DENY_NODATA, "y.w.example.", DNS_TYPE_A, NULL,
	     "ji6neoaepv8b5o6k4ev33abha8ht9fgc", VAL_SECURE, VAL_R_OK},
	    {"no data at a delegation (parent side)", VAL_DENY_NODATA, "a.example.", DNS_TYPE_A,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    /* B.3: c.example. is an unsigned delegation in an opt-out span */
	    {"B.3 opt-out referral", VAL_DENY_NO_DS, "c.example.", DNS_TYPE_DS, NULL,
	     "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom 35mthgpgcu1qg68fab165klnsnk3dpvl", VAL_INSECURE,
	     VAL_R_NSEC3_OPTOUT},
	    {"DS present", VAL_DENY_NO_DS, "a.example.", DNS_TYPE_DS, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"no DS at a name that is no delegation", VAL_DENY_NO_DS, "ns1.example.", DNS_TYPE_DS,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    /* B.4: a.z.w.example. from *.w.example. */
	    {"B.4 wildcard", VAL_DENY_WILDCARD, "a.z.w.example.", DNS_TYPE_MX, "w.example.",
	     "q04jkcevqvmu85r014c7dkba38o0ji5r", VAL_INSECURE, VAL_R_NSEC3_OPTOUT},
	    {"B.4 wrong encloser", VAL_DENY_WILDCARD, "a.z.w.example.", DNS_TYPE_MX, "example.", "",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	    /* B.5 */
	    {"B.5 wildcard no data", VAL_DENY_WILDCARD_NODATA, "a.z.w.example.", DNS_TYPE_AAAA,
	     NULL,
	     "k8udemvp1j2f7eg6jebps17vp3n8i58h q04jkcevqvmu85r014c7dkba38o0ji5r "
	     "r53bq7cc2uvmubfu5ocmm6pers9tk9en",
	     VAL_INSECURE, VAL_R_NSEC3_OPTOUT},
	    {"B.5 type at the wildcard", VAL_DENY_WILDCARD_NODATA, "a.z.w.example.", DNS_TYPE_MX,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"no records", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A, NULL, "none",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	};
	for (size_t i = 0; i < COUNT(v); i++)
		run_denial(rfc5155_chain, "example.", &v[i]);

	/* the same chain without opt-out: the proofs through a next closer become secure */
	char plain[sizeof(rfc5155_chain)];
	subst(rfc5155_chain, "NSEC3 1 1 12", "NSEC3 1 0 12", plain, sizeof(plain));
	static const struct denial_case s[] = {
	    {"B.1 no opt-out", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A, NULL, "",
	     VAL_SECURE, VAL_R_OK},
	    {"B.3 no opt-out", VAL_DENY_NO_DS, "c.example.", DNS_TYPE_DS, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"B.4 no opt-out", VAL_DENY_WILDCARD, "a.z.w.example.", DNS_TYPE_MX, "w.example.", "",
	     VAL_SECURE, VAL_R_OK},
	    {"B.5 no opt-out", VAL_DENY_WILDCARD_NODATA, "a.z.w.example.", DNS_TYPE_AAAA, NULL, "",
	     VAL_SECURE, VAL_R_OK},
	    {"name error under a cut", VAL_DENY_NXDOMAIN, "mc.a.example.", DNS_TYPE_A, NULL, "",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"other zone", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	};
	for (size_t i = 0; i < COUNT(s); i++)
		run_denial(plain, i == COUNT(s) - 1 ? "w.example." : "example.", &s[i]);
}

static void test_nsec3_limits(void)
{
	struct denial_case c = {
	    "iterations", VAL_DENY_NXDOMAIN, "a.c.x.w.example.",    DNS_TYPE_A, NULL,
	    "",           VAL_INSECURE,      VAL_R_NSEC3_ITERATIONS};
	char many[sizeof(rfc5155_chain) + 64];
	subst(rfc5155_chain, " 12 aabbccdd", " 151 aabbccdd", many, sizeof(many));
	run_denial(many, "example.", &c);
	CHECK(budget.nsec3_hashes == 0); /* refused before any hashing */

	/* the hash budget: B.1 needs four hashes (qname, c.x.w, x.w, the wildcard *.x.w) */
	struct rrs r = load(rfc5155_chain);
	struct wire_rr all[MAX_RRS];
	size_t n = pick(r, 0, NULL, all);
	struct val_denial_query q = {VAL_DENY_NXDOMAIN, N("a.c.x.w.example."), DNS_TYPE_A,
	                             N("example."), NULL};
	enum val_reason reason;
	fresh_budget();
	limits.nsec3_hashes = 3;
	CHECK(val_prove_denial(&q, all, n, &budget, &reason) == VAL_BOGUS &&
	      reason == VAL_R_LIMIT_NSEC3 && budget.nsec3_hashes == 3);
	fresh_budget();
	CHECK(val_prove_denial(&q, all, n, &budget, &reason) == VAL_INSECURE &&
	      budget.nsec3_hashes == 4); /* qname, c.x.w, x.w (matches), *.x.w */
	/* unknown hash algorithm: ignored, nothing usable is left: insecure (RFC 5155 §8.1) */
	char unknown[sizeof(rfc5155_chain)];
	subst(rfc5155_chain, "NSEC3 1 1 12", "NSEC3 7 1 12", unknown, sizeof(unknown));
	c = (struct denial_case){
	    "unknown algorithm", VAL_DENY_NXDOMAIN, "a.c.x.w.example.", DNS_TYPE_A, NULL, "",
	    VAL_INSECURE,        VAL_R_NSEC_MISSING};
	run_denial(unknown, "example.", &c);
	zonefile_free(r.z);
}

static void test_nsec_proofs(void)
{
	static const struct denial_case v[] = {
	    /* RFC 4035 B.2: ml.example. */
	    {"B.2 name error", VAL_DENY_NXDOMAIN, "ml.example.", DNS_TYPE_A, NULL, "b example",
	     VAL_SECURE, VAL_R_OK},
	    {"B.2 without the wildcard's", VAL_DENY_NXDOMAIN, "ml.example.", DNS_TYPE_A, NULL, "b",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"name error for a name that exists", VAL_DENY_NXDOMAIN, "ai.example.", DNS_TYPE_A,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    /* below a delegation, the parent's NSEC proves nothing (RFC 6840 §4.1) */
	    {"name error under a cut", VAL_DENY_NXDOMAIN, "mc.b.example.", DNS_TYPE_A, NULL, "",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	    /* B.3 */
	    {"B.3 no data", VAL_DENY_NODATA, "ns1.example.", DNS_TYPE_MX, NULL, "ns1", VAL_SECURE,
	     VAL_R_OK},
	    {"B.3 type present", VAL_DENY_NODATA, "ns1.example.", DNS_TYPE_A, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"no data from the parent side of a cut", VAL_DENY_NODATA, "b.example.", DNS_TYPE_A,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"empty non-terminal", VAL_DENY_NODATA, "y.w.example.", DNS_TYPE_A, NULL, "x.w",
	     VAL_SECURE, VAL_R_OK},
	    {"no data for a name that does not exist", VAL_DENY_NODATA, "ml.example.", DNS_TYPE_A,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    /* B.5: b.example. is an unsigned delegation */
	    {"B.5 no DS", VAL_DENY_NO_DS, "b.example.", DNS_TYPE_DS, NULL, "b", VAL_SECURE,
	     VAL_R_OK},
	    {"DS present", VAL_DENY_NO_DS, "a.example.", DNS_TYPE_DS, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"no DS at a name that is no delegation", VAL_DENY_NO_DS, "ns1.example.", DNS_TYPE_DS,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"no DS at an apex", VAL_DENY_NO_DS, "example.", DNS_TYPE_DS, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"no DS, asked as NODATA", VAL_DENY_NODATA, "b.example.", DNS_TYPE_DS, NULL, "",
	     VAL_SECURE, VAL_R_OK},
	    /* B.6, B.7: a.z.w.example. from *.w.example. */
	    {"B.6 wildcard", VAL_DENY_WILDCARD, "a.z.w.example.", DNS_TYPE_MX, "w.example.",
	     "x.y.w", VAL_SECURE, VAL_R_OK},
	    {"B.6 wrong encloser", VAL_DENY_WILDCARD, "a.z.w.example.", DNS_TYPE_MX, "example.", "",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"B.7 wildcard no data", VAL_DENY_WILDCARD_NODATA, "a.z.w.example.", DNS_TYPE_AAAA,
	     NULL, "x.y.w *.w", VAL_SECURE, VAL_R_OK},
	    {"B.7 type at the wildcard", VAL_DENY_WILDCARD_NODATA, "a.z.w.example.", DNS_TYPE_MX,
	     NULL, "", VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"outside the zone", VAL_DENY_NXDOMAIN, "ml.example.org.", DNS_TYPE_A, NULL, "",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	};
	for (size_t i = 0; i < COUNT(v); i++)
		run_denial(rfc4035_chain, "example.", &v[i]);

	/* CNAME and DNAME bits (RFC 6840 §4.3, §4.1) */
	static const char extra[] = "example. 3600 IN NSEC cn.example. NS SOA RRSIG NSEC\n"
	                            "cn.example. 3600 IN NSEC dn.example. CNAME RRSIG NSEC\n"
	                            "dn.example. 3600 IN NSEC example. DNAME RRSIG NSEC\n";
	static const struct denial_case x[] = {
	    {"no data at a CNAME", VAL_DENY_NODATA, "cn.example.", DNS_TYPE_A, NULL, "", VAL_BOGUS,
	     VAL_R_NSEC_MISSING},
	    {"name error under a DNAME", VAL_DENY_NXDOMAIN, "x.dn.example.", DNS_TYPE_A, NULL, "",
	     VAL_BOGUS, VAL_R_NSEC_MISSING},
	    {"name error after the DNAME's owner", VAL_DENY_NXDOMAIN, "e.example.", DNS_TYPE_A,
	     NULL, "", VAL_SECURE, VAL_R_OK},
	};
	for (size_t i = 0; i < COUNT(x); i++)
		run_denial(extra, "example.", &x[i]);
}

int main(void)
{
	RUN(test_nsec3_hashes);
	RUN(test_nsec3_proofs);
	RUN(test_nsec3_limits);
	RUN(test_nsec_proofs);
	return check_done();
}
