/* tests/unit/test_name.c: lib/name: text <-> wire, limits, comparison, canonical order.
 *
 * Reading names out of messages (compression pointers) is tested with whole messages in
 * test_wire.c; here name_parse gets only the cursor cases a message cannot show.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "name.h"

/* name_from_text on a C string; origin is text too (NULL: none). */
static enum err from_text(const char *text, const char *origin, uint8_t out[NAME_MAX_WIRE],
			  size_t *len)
{
	uint8_t o[NAME_MAX_WIRE];
	size_t olen;
	if (origin && name_from_text(origin, strlen(origin), NULL, o, &olen) != ERR_OK)
		return ERR_SYNTAX;
	return name_from_text(text, strlen(text), origin ? o : NULL, out, len);
}

/* The wire form of an absolute name that is known to be good. */
static const uint8_t *N(const char *text, uint8_t buf[NAME_MAX_WIRE])
{
	size_t len;
	enum err e = from_text(text, NULL, buf, &len);
	CHECKF(e == ERR_OK, "%s: %s", text, err_str(e));
	return buf;
}

static const char *to_text(const uint8_t *name, char *s, size_t cap)
{
	struct buf_out out;
	buf_out_init(&out, s, cap);
	name_to_text(name, &out);
	return out.err ? "(ERR_SPACE)" : s;
}

/* Builds "x.x.x..." style text: labels of label_len copies of c, count of them, and a final
 * dot when absolute. */
static void labels_text(char *s, unsigned count, unsigned label_len, char c, bool absolute)
{
	size_t n = 0;
	for (unsigned i = 0; i < count; i++) {
		if (i)
			s[n++] = '.';
		memset(s + n, c, label_len);
		n += label_len;
	}
	if (absolute)
		s[n++] = '.';
	s[n] = 0;
}

static void test_from_text(void)
{
	static const struct {
		const char *text, *origin, *hex;
	} good[] = {
		{ ".", NULL, "00" },
		{ "a.", NULL, "01 61 00" },
		{ "Example.COM.", NULL, "07 45 78 61 6d 70 6c 65 03 43 4f 4d 00" },
		{ "a\\.b.c.", NULL, "03 61 2e 62 01 63 00" },
		{ "\\065\\066.", NULL, "02 41 42 00" },
		{ "\\000\\255.", NULL, "02 00 ff 00" },
		{ "\\\\\\\"\\;.", NULL, "03 5c 22 3b 00" },
		{ "a\\ b.", NULL, "03 61 20 62 00" },
		{ "www", "example.com.", "03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00" },
		{ "a.b", "c.", "01 61 01 62 01 63 00" },
		{ "a.b.", "c.", "01 61 01 62 00" },
		{ "a", ".", "01 61 00" },
		{ "a", NULL, "01 61 00" },
		{ "x\\.", "c.", "02 78 2e 01 63 00" }, /* an escaped final dot keeps it relative */
		{ "@", NULL, "01 40 00" },             /* "@" is the zone reader's, not ours */
		{ "*.a.", NULL, "01 2a 01 61 00" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		uint8_t want[NAME_MAX_WIRE], got[NAME_MAX_WIRE];
		size_t wlen = check_hex(good[i].hex, want, sizeof(want)), len = 0;
		enum err e = from_text(good[i].text, good[i].origin, got, &len);
		CHECKF(e == ERR_OK && len == wlen && memcmp(got, want, wlen) == 0,
		       "%s (origin %s): %s, len %zu", good[i].text, good[i].origin, err_str(e),
		       len);
		CHECKF(e != ERR_OK || name_len(got) == len, "%s", good[i].text);
	}
}

static void test_from_text_bad(void)
{
	static const struct {
		const char *why, *text, *origin;
		enum err want;
	} bad[] = {
		{ "empty text", "", NULL, ERR_SYNTAX },
		{ "empty label in the middle", "a..b.", NULL, ERR_SYNTAX },
		{ "leading dot", ".a.", NULL, ERR_SYNTAX },
		{ "two dots", "..", NULL, ERR_SYNTAX },
		{ "escape past 255", "\\256.", NULL, ERR_SYNTAX },
		{ "escape of one digit", "\\2.", NULL, ERR_SYNTAX },
		{ "escape of two digits", "a\\25", NULL, ERR_SYNTAX },
		{ "escape with a letter", "\\25a.", NULL, ERR_SYNTAX },
		{ "backslash at the end", "a\\", NULL, ERR_SYNTAX },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t out[NAME_MAX_WIRE];
		size_t len;
		enum err e = from_text(bad[i].text, bad[i].origin, out, &len);
		CHECKF(e == bad[i].want, "%s: got %s", bad[i].why, err_str(e));
	}
}

/* Labels of 63 and 64 octets, names of 255 and 256 octets, in text and with an origin. */
static void test_limits(void)
{
	char s[1100];
	uint8_t out[NAME_MAX_WIRE];
	size_t len;
	labels_text(s, 1, 63, 'a', true);
	CHECK(from_text(s, NULL, out, &len) == ERR_OK && len == 65);
	labels_text(s, 1, 64, 'a', true);
	CHECK(from_text(s, NULL, out, &len) == ERR_LABEL);
	labels_text(s, 1, 64, 'a', false);
	CHECK(from_text(s, "b.", out, &len) == ERR_LABEL);
	/* 4 labels of 63 and one of 1: 4*64 + 2 + 1 = 259; 3 of 63 and one of 61: 255. */
	labels_text(s, 3, 63, 'b', false);
	strcat(s, ".");
	memset(s + strlen(s), 'c', 61);
	s[3 * 64 + 61] = 0;
	strcat(s, ".");
	CHECK(from_text(s, NULL, out, &len) == ERR_OK && len == 255);
	s[strlen(s) - 1] = 'c'; /* one more octet, still absolute */
	strcat(s, ".");
	CHECK(from_text(s, NULL, out, &len) == ERR_NAMELEN);
	/* The same limit reached through the origin: 3*64 + 62 + "z." (3) = 257. */
	labels_text(s, 3, 63, 'b', false);
	strcat(s, ".");
	memset(s + strlen(s), 'c', 61);
	s[3 * 64 + 61] = 0;
	CHECK(from_text(s, ".", out, &len) == ERR_OK && len == 255);
	CHECK(from_text(s, "z.", out, &len) == ERR_NAMELEN);
	/* 127 one-octet labels are the most a name can hold. */
	labels_text(s, 127, 1, 'x', true);
	CHECK(from_text(s, NULL, out, &len) == ERR_OK && len == 255 && name_labels(out) == 127);
	labels_text(s, 128, 1, 'x', true);
	CHECK(from_text(s, NULL, out, &len) == ERR_NAMELEN);
	/* Escaped octets count once: 63 of \255 is a legal label, 64 are not. */
	for (int count = 63; count <= 64; count++) {
		s[0] = 0;
		for (int i = 0; i < count; i++)
			strcat(s, "\\255");
		strcat(s, ".");
		enum err e = from_text(s, NULL, out, &len);
		CHECKF(count == 63 ? e == ERR_OK && len == 65 && out[63] == 0xff : e == ERR_LABEL,
		       "%d escapes: %s", count, err_str(e));
	}
}

static void test_to_text(void)
{
	static const struct {
		const char *hex, *text;
	} cases[] = {
		{ "00", "." },
		{ "07 45 78 61 6d 70 6c 65 03 43 6f 6d 00", "Example.Com." },
		{ "03 61 2e 62 00", "a\\.b." },
		{ "08 5c 22 28 29 3b 40 24 2e 00", "\\\\\\\"\\(\\)\\;\\@\\$\\.." },
		{ "04 00 20 7f ff 00", "\\000\\032\\127\\255." },
		{ "03 21 7e 2a 00", "!~*." },
		{ "01 2d 01 5f 00", "-._." },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t name[NAME_MAX_WIRE], back[NAME_MAX_WIRE];
		char s[NAME_MAX_TEXT];
		size_t len = check_hex(cases[i].hex, name, sizeof(name)), blen;
		const char *t = to_text(name, s, sizeof(s));
		CHECKF(strcmp(t, cases[i].text) == 0, "got %s, want %s", t, cases[i].text);
		/* and the text reads back to the same octets */
		CHECKF(from_text(t, NULL, back, &blen) == ERR_OK && blen == len &&
			       memcmp(back, name, len) == 0,
		       "%s", t);
	}
}

/* The longest text form: 255 octets, nearly all printed as \DDD. */
static void test_to_text_longest(void)
{
	uint8_t name[NAME_MAX_WIRE];
	size_t n = 0;
	for (int l = 0; l < 4; l++) {
		unsigned len = l < 3 ? 63 : 61;
		name[n++] = (uint8_t)len;
		memset(name + n, 0xff, len);
		n += len;
	}
	name[n++] = 0;
	CHECK(n == 255);
	char s[NAME_MAX_TEXT];
	const char *t = to_text(name, s, sizeof(s));
	CHECK(strlen(t) == 250 * 4 + 4);
	uint8_t back[NAME_MAX_WIRE];
	size_t blen;
	CHECK(from_text(t, NULL, back, &blen) == ERR_OK && blen == 255 && !memcmp(back, name, 255));
	/* Too small a buffer: the sticky error, no overflow. */
	char small[16];
	struct buf_out out;
	buf_out_init(&out, small, sizeof(small));
	name_to_text(name, &out);
	CHECK(out.err == ERR_SPACE);
}

static void test_equal_hash_lower(void)
{
	uint8_t a[NAME_MAX_WIRE], b[NAME_MAX_WIRE], c[NAME_MAX_WIRE];
	N("WwW.ExAmPlE.cOm.", a);
	N("www.example.com.", b);
	N("www.example.co.", c);
	CHECK(name_equal(a, b) && name_equal(b, a));
	CHECK(name_hash(a) == name_hash(b));
	CHECK(!name_equal(a, c) && name_hash(a) != name_hash(c));
	CHECK(name_compare(a, b) == 0);
	/* Only ASCII letters fold: 0xC9 and 0xE9 (Latin-1 E acute) stay different. */
	N("\\201.", a);
	N("\\233.", b);
	CHECK(!name_equal(a, b) && name_compare(a, b) < 0);
	/* '[' (0x5B) is not a folded '{' (0x7B); '@' is not '`'. */
	N("[.", a);
	N("{.", b);
	CHECK(!name_equal(a, b));
	N("@.", a);
	N("`.", b);
	CHECK(!name_equal(a, b));
	N("A.B.", a);
	name_lower(a);
	N("a.b.", b);
	CHECK(memcmp(a, b, 5) == 0);
	N(".", a);
	N("a.", b);
	CHECK(!name_equal(a, b) && !name_equal(b, a));
}

/* RFC 4034 §6.1's example, in canonical order. */
static void test_canonical_order(void)
{
	static const char *const order[] = {
		"example.",       "a.example.",     "yljkjljk.a.example.", "Z.a.example.",
		"zABC.a.EXAMPLE.", "z.example.",     "\\001.z.example.",    "*.z.example.",
		"\\200.z.example.",
	};
	enum { N_ORDER = sizeof(order) / sizeof(order[0]) };
	uint8_t names[N_ORDER][NAME_MAX_WIRE];
	for (size_t i = 0; i < N_ORDER; i++)
		N(order[i], names[i]);
	for (size_t i = 0; i < N_ORDER; i++) {
		for (size_t j = 0; j < N_ORDER; j++) {
			int c = name_compare(names[i], names[j]);
			int want = (i > j) - (i < j);
			CHECKF((c > 0) - (c < 0) == want, "%s vs %s: %d", order[i], order[j], c);
		}
	}
	/* The root sorts before everything; a shorter label before a longer one it prefixes. */
	uint8_t root[NAME_MAX_WIRE], x[NAME_MAX_WIRE], y[NAME_MAX_WIRE];
	N(".", root);
	N("a.", x);
	N("a\\000.", y);
	CHECK(name_compare(root, x) < 0 && name_compare(x, root) > 0);
	CHECK(name_compare(x, y) < 0 && name_compare(y, x) > 0);
	N("b.a.", y);
	CHECK(name_compare(x, y) < 0);
	N("b.", y);
	N("z.a.", x);
	CHECK(name_compare(x, y) < 0); /* the rightmost label decides first */
}

static void test_subdomain(void)
{
	static const struct {
		const char *name, *parent;
		bool want;
	} cases[] = {
		{ "a.example.", "example.", true },
		{ "example.", "example.", true },
		{ "A.EXAMPLE.", "example.", true },
		{ "x.y.example.", "Example.", true },
		{ "example.", "a.example.", false },
		{ "aexample.", "example.", false },
		{ "example.com.", "com.", true },
		{ "example.com.", "net.", false },
		{ "example.com.", ".", true },
		{ ".", ".", true },
		{ ".", "com.", false },
		{ "a.b.c.", "b.x.", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t n[NAME_MAX_WIRE], p[NAME_MAX_WIRE];
		N(cases[i].name, n);
		N(cases[i].parent, p);
		CHECKF(name_is_subdomain(n, p) == cases[i].want, "%s under %s", cases[i].name,
		       cases[i].parent);
	}
}

static void test_labels_parent(void)
{
	static const struct {
		const char *name, *parent;
		unsigned labels;
	} cases[] = {
		{ ".", ".", 0 },
		{ "com.", ".", 1 },
		{ "example.com.", "com.", 2 },
		{ "a\\.b.com.", "com.", 2 },
		{ "*.a.b.c.", "a.b.c.", 4 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t n[NAME_MAX_WIRE], p[NAME_MAX_WIRE];
		N(cases[i].name, n);
		N(cases[i].parent, p);
		CHECKF(name_labels(n) == cases[i].labels, "%s", cases[i].name);
		const uint8_t *got = name_parent(n);
		CHECKF(name_len(got) == name_len(p) && memcmp(got, p, name_len(p)) == 0, "%s",
		       cases[i].name);
	}
}

static void test_ancestor(void)
{
	static const struct {
		const char *name;
		unsigned labels;
		const char *want;
	} cases[] = {
		{ "a.b.c.", 0, "." },    { "a.b.c.", 1, "c." }, { "a.b.c.", 2, "b.c." },
		{ "a.b.c.", 3, "a.b.c." }, { "a.b.c.", 7, "a.b.c." }, { ".", 0, "." },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t n[NAME_MAX_WIRE], w[NAME_MAX_WIRE];
		N(cases[i].name, n);
		N(cases[i].want, w);
		const uint8_t *got = name_ancestor(n, cases[i].labels);
		CHECKF(got >= n && name_len(got) == name_len(w) && memcmp(got, w, name_len(w)) == 0,
		       "%s at %u", cases[i].name, cases[i].labels);
	}
}

/* name_parse on bare bytes: the cursor, and what a message cannot arrange. */
static void test_parse_cursor(void)
{
	uint8_t pkt[64], out[NAME_MAX_WIRE];
	size_t n = check_hex("01 61 00 | 01 62 c0 00 | 7f", pkt, sizeof(pkt)), len = 0;
	struct buf_in in;
	buf_in_init(&in, pkt, n);
	CHECK(name_parse(&in, out, &len) == ERR_OK && len == 3 && in.pos == 3);
	CHECK(name_parse(&in, out, &len) == ERR_OK && len == 5 && in.pos == 7);
	CHECK(memcmp(out, "\x01" "b" "\x01" "a", 5) == 0);
	CHECK(name_parse(&in, out, &len) == ERR_LABEL && in.err == ERR_LABEL);
	/* Sticky: a cursor already in error stays so. */
	CHECK(name_parse(&in, out, &len) == ERR_LABEL);

	static const struct {
		const char *why, *hex;
		enum err want;
	} bad[] = {
		{ "nothing", "", ERR_TRUNC },
		{ "label runs past the end", "03 61 62", ERR_TRUNC },
		{ "no root label", "01 61", ERR_TRUNC },
		{ "half a pointer", "c0", ERR_TRUNC },
		{ "pointer to itself", "c0 00", ERR_PTR },
		{ "pointer forward", "c0 02 00", ERR_PTR },
		{ "length 0x40", "40", ERR_LABEL },
		{ "length 0x80", "80", ERR_LABEL },
		{ "length 0xbf", "bf", ERR_LABEL },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = check_hex(bad[i].hex, pkt, sizeof(pkt));
		buf_in_init(&in, pkt, n);
		enum err e = name_parse(&in, out, &len);
		CHECKF(e == bad[i].want && in.err == e, "%s: got %s", bad[i].why, err_str(e));
	}
}

/* A name of 255 octets parses; one of 256 is ERR_NAMELEN, with or without pointers. */
static void test_parse_namelen(void)
{
	uint8_t pkt[600], out[NAME_MAX_WIRE];
	size_t len;
	for (int extra = 0; extra <= 1; extra++) {
		size_t n = 0;
		for (int l = 0; l < 4; l++) {
			unsigned ll = l < 3 ? 63 : (unsigned)(61 + extra);
			pkt[n++] = (uint8_t)ll;
			memset(pkt + n, 'a', ll);
			n += ll;
		}
		pkt[n++] = 0;
		struct buf_in in;
		buf_in_init(&in, pkt, n);
		enum err e = name_parse(&in, out, &len);
		CHECKF(e == (extra ? ERR_NAMELEN : ERR_OK), "extra %d: %s", extra, err_str(e));
		CHECK(extra || (len == 255 && in.pos == 255));
	}
}

/* 0x20: every letter gets a random case, nothing else changes; and the case a reply repeats
 * from the sent name goes back to the original, in the question and in compressed suffixes. */
/* Rotating buffers for the wire names of one case. */
static const uint8_t *W(const char *text)
{
	static uint8_t bufs[8][NAME_MAX_WIRE];
	static unsigned next;
	return N(text, bufs[next++ % 8]);
}

static void test_0x20_case(void)
{
	uint8_t n[NAME_MAX_WIRE], seen_upper = 0, seen_lower = 0;
	for (int k = 0; k < 64; k++) {
		memcpy(n, W("www.example-1.com."), 19);
		CHECK(name_randomize_case(n) == 13);
		CHECK(name_equal(n, W("www.example-1.com.")));
		CHECK(n[12] == '-' && n[13] == '1');
		for (int i = 0; i < 19; i++) {
			seen_upper |= n[i] >= 'A' && n[i] <= 'Z';
			seen_lower |= n[i] >= 'a' && n[i] <= 'z';
		}
	}
	CHECK(seen_upper && seen_lower);
	uint8_t orig[NAME_MAX_WIRE], sent[NAME_MAX_WIRE], name[NAME_MAX_WIRE];
	memcpy(orig, W("www.example.com."), 17);
	memcpy(sent, W("wWw.ExAmple.cOm."), 17);
	memcpy(name, W("wWw.ExAmple.cOm."), 17); /* the question as it came back */
	name_restore_case(name, sent, orig);
	CHECK(memcmp(name, orig, 17) == 0);
	memcpy(name, W("NS1.ExAmple.cOm."), 17); /* compressed against the question's suffix */
	name_restore_case(name, sent, orig);
	CHECK(memcmp(name, W("NS1.example.com."), 17) == 0);
	memcpy(name, W("ns1.EXAMPLE.cOm."), 17); /* the zone's own spelling stops the run */
	name_restore_case(name, sent, orig);
	CHECK(memcmp(name, W("ns1.EXAMPLE.com."), 17) == 0);
	memcpy(name, W("other.net."), 11);
	name_restore_case(name, sent, orig);
	CHECK(memcmp(name, W("other.net."), 11) == 0);
}

int main(void)
{
	RUN(test_from_text);
	RUN(test_from_text_bad);
	RUN(test_limits);
	RUN(test_to_text);
	RUN(test_to_text_longest);
	RUN(test_equal_hash_lower);
	RUN(test_canonical_order);
	RUN(test_subdomain);
	RUN(test_labels_parent);
	RUN(test_ancestor);
	RUN(test_parse_cursor);
	RUN(test_parse_namelen);
	RUN(test_0x20_case);
	return check_done();
}
