/* tests/unit/test_text.c: lib/text: tokens, numbers, TTLs and the text encodings of rdata.
 *
 * Encoders are checked against known text (RFC 4648 §10's vectors for base64 and base32hex);
 * decoders against the same text, against whitespace, and against malformed input.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "text.h"

typedef void (*encode_fn)(const uint8_t *p, size_t n, struct buf_out *out);
typedef enum err (*decode_fn)(const char *s, size_t len, struct buf_out *out);

struct codec_case {
	const char *hex;  /* the bytes */
	const char *text; /* their encoding */
};

/* Encodes the bytes of each case and compares with the text; decodes the text back. */
static void check_codec(const char *what, encode_fn enc, decode_fn dec,
			const struct codec_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t bytes[256], back[256];
		char text[600];
		size_t len = check_hex(cases[i].hex, bytes, sizeof(bytes));
		struct buf_out out;
		buf_out_init(&out, text, sizeof(text));
		text[0] = 0;
		enc(bytes, len, &out);
		CHECKF(out.err == ERR_OK && strcmp(text, cases[i].text) == 0, "%s of %s: got %s",
		       what, cases[i].hex, text);
		buf_out_init(&out, back, sizeof(back));
		enum err e = dec(cases[i].text, strlen(cases[i].text), &out);
		CHECKF(e == ERR_OK && out.len == len && memcmp(back, bytes, len) == 0,
		       "%s of %s: %s, %zu bytes", what, cases[i].text, err_str(e), out.len);
	}
}

struct decode_case {
	const char *why, *text;
	enum err want;
	const char *hex; /* the bytes when want is ERR_OK */
};

static void check_decode(const char *what, decode_fn dec, const struct decode_case *cases,
			 size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t want[256], got[256];
		size_t wlen = cases[i].hex ? check_hex(cases[i].hex, want, sizeof(want)) : 0;
		struct buf_out out;
		buf_out_init(&out, got, sizeof(got));
		enum err e = dec(cases[i].text, strlen(cases[i].text), &out);
		CHECKF(e == cases[i].want, "%s, %s: got %s", what, cases[i].why, err_str(e));
		if (e == ERR_OK && cases[i].want == ERR_OK)
			CHECKF(out.len == wlen && memcmp(got, want, wlen) == 0, "%s, %s: %zu bytes",
			       what, cases[i].why, out.len);
	}
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_base64(void)
{
	static const struct codec_case cases[] = {
		{ "", "" },
		{ "66", "Zg==" },
		{ "66 6f", "Zm8=" },
		{ "66 6f 6f", "Zm9v" },
		{ "66 6f 6f 62", "Zm9vYg==" },
		{ "66 6f 6f 62 61", "Zm9vYmE=" },
		{ "66 6f 6f 62 61 72", "Zm9vYmFy" },
		{ "00 00 00", "AAAA" },
		{ "ff ff ff", "////" },
		{ "fb ef be", "++++" },
	};
	check_codec("base64", text_base64_encode, text_base64_decode, cases, COUNT(cases));
	static const struct decode_case dec[] = {
		{ "spaces between quanta", "Zm9v YmFy", ERR_OK, "66 6f 6f 62 61 72" },
		{ "spaces inside a quantum", " Z m\t9\nv\r ", ERR_OK, "66 6f 6f" },
		{ "space before padding", "Zm8 =", ERR_OK, "66 6f" },
		{ "missing padding", "Zg", ERR_SYNTAX, NULL },
		{ "one pad short", "Zg=", ERR_SYNTAX, NULL },
		{ "one pad too many", "Zm8==", ERR_SYNTAX, NULL },
		{ "padding alone", "====", ERR_SYNTAX, NULL },
		{ "lone character", "Zm9vY", ERR_SYNTAX, NULL },
		{ "lone character padded", "Zm9vY===", ERR_SYNTAX, NULL },
		{ "data after padding", "Zg==Zg==", ERR_SYNTAX, NULL },
		{ "non-zero bits under padding", "Zh==", ERR_SYNTAX, NULL },
		{ "non-zero bits under one pad", "Zm9=", ERR_SYNTAX, NULL },
		{ "character outside the alphabet", "Zm9v!A==", ERR_SYNTAX, NULL },
		{ "URL-safe alphabet", "-_-_", ERR_SYNTAX, NULL },
	};
	check_decode("base64", text_base64_decode, dec, COUNT(dec));
	/* NUL inside the text is not a base64 character. */
	uint8_t b[8];
	struct buf_out out;
	buf_out_init(&out, b, sizeof(b));
	CHECK(text_base64_decode("Zm\0v", 4, &out) == ERR_SYNTAX);
}

static void test_base32hex(void)
{
	static const struct codec_case cases[] = {
		{ "", "" },
		{ "66", "CO" },
		{ "66 6f", "CPNG" },
		{ "66 6f 6f", "CPNMU" },
		{ "66 6f 6f 62", "CPNMUOG" },
		{ "66 6f 6f 62 61", "CPNMUOJ1" },
		{ "66 6f 6f 62 61 72", "CPNMUOJ1E8" },
		{ "ff ff ff ff ff", "VVVVVVVV" },
		{ "00", "00" },
	};
	check_codec("base32hex", text_base32hex_encode, text_base32hex_decode, cases,
		    COUNT(cases));
	static const struct decode_case dec[] = {
		{ "lower case", "cpnmuoj1e8", ERR_OK, "66 6f 6f 62 61 72" },
		{ "spaces", "CPNM UOJ1", ERR_OK, "66 6f 6f 62 61" },
		{ "one character", "C", ERR_SYNTAX, NULL },
		{ "three characters", "CPN", ERR_SYNTAX, NULL },
		{ "six characters", "CPNMUO", ERR_SYNTAX, NULL },
		{ "non-zero spare bits", "CP", ERR_SYNTAX, NULL },
		{ "padding is not used", "CO======", ERR_SYNTAX, NULL },
		{ "W is outside the alphabet", "CW", ERR_SYNTAX, NULL },
		{ "plain base32 letters", "MZXW6===", ERR_SYNTAX, NULL },
	};
	check_decode("base32hex", text_base32hex_decode, dec, COUNT(dec));
}

static void test_hex(void)
{
	static const struct codec_case cases[] = {
		{ "", "" },
		{ "00", "00" },
		{ "01 23 45 67 89 ab cd ef", "0123456789ABCDEF" },
		{ "ff", "FF" },
	};
	check_codec("hex", text_hex_encode, text_hex_decode, cases, COUNT(cases));
	static const struct decode_case dec[] = {
		{ "lower case", "abcdef", ERR_OK, "ab cd ef" },
		{ "spaces between octets", "ab cd\tef\n", ERR_OK, "ab cd ef" },
		{ "spaces inside an octet", "a b", ERR_OK, "ab" },
		{ "odd digit count", "abc", ERR_SYNTAX, NULL },
		{ "non-hex letter", "ag", ERR_SYNTAX, NULL },
		{ "0x prefix", "0x12", ERR_SYNTAX, NULL },
	};
	check_decode("hex", text_hex_decode, dec, COUNT(dec));
	/* Long input crosses the encoder's chunking. */
	uint8_t big[200];
	char text[401];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	struct buf_out out;
	buf_out_init(&out, text, sizeof(text));
	text_hex_encode(big, sizeof(big), &out);
	CHECK(out.err == ERR_OK && out.len == 400 && memcmp(text + 254, "7F80", 4) == 0);
	buf_out_init(&out, text, 400); /* no room for the NUL */
	text_hex_encode(big, sizeof(big), &out);
	CHECK(out.err == ERR_SPACE);
}

static void test_decode_space(void)
{
	uint8_t b[2];
	struct buf_out out;
	buf_out_init(&out, b, sizeof(b));
	CHECK(text_hex_decode("010203", 6, &out) == ERR_SPACE);
	buf_out_init(&out, b, sizeof(b));
	CHECK(text_base64_decode("AAAA", 4, &out) == ERR_SPACE);
	buf_out_init(&out, b, sizeof(b));
	CHECK(text_base32hex_decode("00000", 5, &out) == ERR_SPACE);
	buf_out_init(&out, b, sizeof(b));
	CHECK(text_string_decode("abc", 3, &out) == ERR_SPACE);
}

static void test_ttl(void)
{
	static const struct {
		const char *text;
		enum err want;
		uint32_t ttl;
	} cases[] = {
		{ "0", ERR_OK, 0 },
		{ "3600", ERR_OK, 3600 },
		{ "4294967295", ERR_OK, 4294967295u },
		{ "1h30m", ERR_OK, 5400 },
		{ "1H30M", ERR_OK, 5400 },
		{ "1w", ERR_OK, 604800 },
		{ "1d", ERR_OK, 86400 },
		{ "1w2d3h4m5s", ERR_OK, 788645 },
		{ "90s", ERR_OK, 90 },
		{ "2h5", ERR_OK, 7205 },
		{ "4294967296", ERR_RANGE, 0 },
		{ "7102w", ERR_RANGE, 0 },
		{ "99999999999", ERR_RANGE, 0 },
		{ "", ERR_SYNTAX, 0 },
		{ "h", ERR_SYNTAX, 0 },
		{ "1x", ERR_SYNTAX, 0 },
		{ "1h-", ERR_SYNTAX, 0 },
		{ "-1", ERR_SYNTAX, 0 },
		{ " 1", ERR_SYNTAX, 0 },
		{ "1hh", ERR_SYNTAX, 0 },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint32_t ttl = 12345;
		enum err e = text_ttl(cases[i].text, strlen(cases[i].text), &ttl);
		CHECKF(e == cases[i].want, "\"%s\": got %s", cases[i].text, err_str(e));
		CHECKF(e != ERR_OK || ttl == cases[i].ttl, "\"%s\": got %u", cases[i].text, ttl);
	}
}

static void test_u32(void)
{
	static const struct {
		const char *text;
		uint32_t max;
		enum err want;
		uint32_t v;
	} cases[] = {
		{ "0", 255, ERR_OK, 0 },
		{ "255", 255, ERR_OK, 255 },
		{ "256", 255, ERR_RANGE, 0 },
		{ "65535", 65535, ERR_OK, 65535 },
		{ "65536", 65535, ERR_RANGE, 0 },
		{ "4294967295", UINT32_MAX, ERR_OK, UINT32_MAX },
		{ "4294967296", UINT32_MAX, ERR_RANGE, 0 },
		{ "99999999999", UINT32_MAX, ERR_RANGE, 0 },
		{ "007", 255, ERR_OK, 7 },
		{ "", 255, ERR_SYNTAX, 0 },
		{ "1a", 255, ERR_SYNTAX, 0 },
		{ "-1", 255, ERR_SYNTAX, 0 },
		{ "+1", 255, ERR_SYNTAX, 0 },
		{ "1h", 65535, ERR_SYNTAX, 0 },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint32_t v = 12345;
		enum err e = text_u32(cases[i].text, strlen(cases[i].text), cases[i].max, &v);
		CHECKF(e == cases[i].want && (e || v == cases[i].v), "\"%s\": got %s, %u",
		       cases[i].text, err_str(e), v);
	}
}

static void test_string_encode(void)
{
	static const struct codec_case cases[] = {
		{ "", "\"\"" },
		{ "61 62 63", "\"abc\"" },
		{ "61 20 62", "\"a b\"" },
		{ "22 5c", "\"\\\"\\\\\"" },
		{ "00 1f 7f 80 ff", "\"\\000\\031\\127\\128\\255\"" },
		{ "28 29 3b 40 24 2e", "\"();@$.\"" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		uint8_t bytes[300], back[300];
		char text[1100];
		size_t len = check_hex(cases[i].hex, bytes, sizeof(bytes));
		struct buf_out out;
		buf_out_init(&out, text, sizeof(text));
		text_string_encode(bytes, len, &out);
		CHECKF(strcmp(text, cases[i].text) == 0, "got %s, want %s", text, cases[i].text);
		buf_out_init(&out, back, sizeof(back));
		CHECKF(text_string_decode(text, strlen(text), &out) == ERR_OK && out.len == len &&
			       memcmp(back, bytes, len) == 0,
		       "%s", text);
	}
	/* 255 octets all escaped: 1020 characters and the quotes, across the chunking. */
	uint8_t all[255];
	char text[1100];
	memset(all, 0xff, sizeof(all));
	struct buf_out out;
	buf_out_init(&out, text, sizeof(text));
	text_string_encode(all, sizeof(all), &out);
	CHECK(out.err == ERR_OK && out.len == 1022 && strncmp(text + 1017, "\\255\"", 5) == 0);
}

static void test_string_decode(void)
{
	static const struct decode_case cases[] = {
		{ "unquoted", "abc", ERR_OK, "61 62 63" },
		{ "quoted with a space", "\"a b\"", ERR_OK, "61 20 62" },
		{ "empty quotes", "\"\"", ERR_OK, "" },
		{ "escaped letter", "\\a\\b", ERR_OK, "61 62" },
		{ "escaped quote", "\"\\\"\"", ERR_OK, "22" },
		{ "escaped backslash", "\\\\", ERR_OK, "5c" },
		{ "decimal escapes", "\\000\\255\\065", ERR_OK, "00 ff 41" },
		{ "escaped space", "a\\ b", ERR_OK, "61 20 62" },
		{ "escape past 255", "\\256", ERR_SYNTAX, NULL },
		{ "two digits at the end", "\\25", ERR_SYNTAX, NULL },
		{ "digits then a letter", "\\2a5", ERR_SYNTAX, NULL },
		{ "backslash at the end", "abc\\", ERR_SYNTAX, NULL },
	};
	check_decode("string", text_string_decode, cases, COUNT(cases));
}

/* Tokens: whitespace separates, quotes hold whitespace, escapes hold anything. */
static void test_tokens(void)
{
	static const struct {
		const char *line;
		const char *tokens[5];
		enum err err;
	} cases[] = {
		{ "a b\tc", { "a", "b", "c" }, ERR_OK },
		{ "  lead and trail  ", { "lead", "and", "trail" }, ERR_OK },
		{ "\"a b\" c", { "\"a b\"", "c" }, ERR_OK },
		{ "a\\ b c", { "a\\ b", "c" }, ERR_OK },
		{ "\"x\\\" y\" z", { "\"x\\\" y\"", "z" }, ERR_OK },
		{ "k=\"v w\" x", { "k=\"v w\"", "x" }, ERR_OK },
		{ "\"\" \"\"", { "\"\"", "\"\"" }, ERR_OK },
		{ "", { NULL }, ERR_OK },
		{ "a \"open", { "a" }, ERR_SYNTAX },
		{ "\"esc\\\"", { NULL }, ERR_SYNTAX },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct text_lex lx;
		struct text_tok t;
		size_t k = 0;
		text_lex_init(&lx, cases[i].line, strlen(cases[i].line));
		while (text_token(&lx, &t)) {
			const char *want = k < 5 ? cases[i].tokens[k] : NULL;
			CHECKF(want && t.len == strlen(want) && memcmp(t.s, want, t.len) == 0,
			       "line %zu token %zu: %.*s", i, k, (int)t.len, t.s);
			CHECKF(!want || t.quoted == (want[0] == '"'), "line %zu token %zu", i, k);
			k++;
		}
		CHECKF(k == 5 || cases[i].tokens[k] == NULL, "line %zu: %zu tokens", i, k);
		CHECKF(lx.err == cases[i].err, "line %zu: %s", i, err_str(lx.err));
		CHECKF(lx.err || text_at_end(&lx), "line %zu", i);
	}
}

int main(void)
{
	RUN(test_base64);
	RUN(test_base32hex);
	RUN(test_hex);
	RUN(test_decode_space);
	RUN(test_ttl);
	RUN(test_u32);
	RUN(test_string_encode);
	RUN(test_string_decode);
	RUN(test_tokens);
	return check_done();
}
