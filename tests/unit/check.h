/* tests/unit/check.h: the unit tests' tiny harness.
 *
 * A test binary is a list of cases, each a function run by RUN(fn). CHECK(cond) records a
 * failure with file:line and goes on; a case passes when none of its CHECKs failed. The binary
 * ends with check_done(), which prints "# result: P passed, F failed" (the line tests/run
 * adds up) and returns the exit status.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

/* 1 under AddressSanitizer, which makes code several times slower: the tests that work on
 * large inputs take smaller ones there. */
#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW_BUILD 1
#endif
#endif
#ifndef SLOW_BUILD
#define SLOW_BUILD 0
#endif

static int check_case_failed, check_passed, check_failed;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			check_case_failed++;                                          \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, \
				#cond);                                               \
		}                                                                     \
	} while (0)

/* CHECK with a printf-style note on failure (which table row, which input). */
#define CHECKF(cond, ...)                                                             \
	do {                                                                          \
		if (!(cond)) {                                                        \
			check_case_failed++;                                          \
			fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, \
				#cond);                                               \
			fprintf(stderr, __VA_ARGS__);                                 \
			fputc('\n', stderr);                                          \
		}                                                                     \
	} while (0)

#define RUN(fn) check_run(#fn, fn)

static inline void check_run(const char *name, void (*fn)(void))
{
	check_case_failed = 0;
	fn();
	if (check_case_failed) {
		check_failed++;
		printf("not ok - %s (%d checks failed)\n", name, check_case_failed);
	} else {
		check_passed++;
		printf("ok - %s\n", name);
	}
}

static inline int check_done(void)
{
	printf("# result: %d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

/* Parses "ab cd 01" style hex into buf; returns the byte count (cap is not exceeded). */
static inline size_t check_hex(const char *hex, unsigned char *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (const char *p = hex; *p && n < cap; p++) {
		int v;
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f')
			v = (*p | 0x20) - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

#endif
