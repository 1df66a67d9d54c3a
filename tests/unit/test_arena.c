/* tests/unit/test_arena.c: lib/arena: allocation, copies and growing arrays.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "arena.h"
#include "check.h"

/* An array grown one element at a time keeps its elements, doubles its slots, and is
 * handed back unchanged while it has room. */
static void test_grow(void)
{
	struct arena *a = arena_new();
	uint32_t *v = NULL;
	size_t n = 0, cap = 0;
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t *w = arena_grow(a, v, n, sizeof(*w), &cap, 4);
		CHECK(w != NULL);
		if (!w)
			break;
		CHECK(n < cap && (w == v || cap == 4 || cap == 2 * n));
		v = w;
		v[n++] = i * 7;
	}
	CHECK(n == 1000 && cap == 1024);
	for (uint32_t i = 0; i < n; i++)
		CHECKF(v[i] == i * 7, "v[%u] = %u", i, v[i]);
	size_t huge = SIZE_MAX / 8 + 1;
	CHECK(arena_grow(a, v, huge, 8, &huge, 4) == NULL); /* the size would overflow */
	arena_free(a);
}

static void test_dup(void)
{
	struct arena *a = arena_new();
	const char text[] = "example";
	char *c = arena_dup(a, text, sizeof(text));
	CHECK(c && c != text && strcmp(c, text) == 0);
	CHECK(arena_alloc(a, 0) != NULL);
	CHECK(arena_used(a) >= sizeof(text) && arena_size(a) >= arena_used(a));
	arena_free(a);
	arena_free(NULL);
}

int main(void)
{
	RUN(test_grow);
	RUN(test_dup);
	return check_done();
}
