/* lib/arena.c: chunked region allocator.
 *
 * Chunks double from 4 KiB up to 64 KiB; an allocation larger than half a chunk gets a chunk
 * of its own, so large rdata does not waste the rest of a shared chunk.
 *
 * SPDX-License-Identifier: MIT
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_FIRST_CHUNK 4096u
#define ARENA_MAX_CHUNK 65536u
#define ALIGN alignof(max_align_t)

struct chunk {
	struct chunk *next;
	size_t cap, used;
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct chunk *head; /* the chunk being filled; older and dedicated chunks follow */
	size_t next_cap;
	size_t used, size;
};

struct arena *arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (a)
		a->next_cap = ARENA_FIRST_CHUNK;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *next = c->next;
		free(c);
		c = next;
	}
	free(a);
}

static struct chunk *chunk_new(size_t cap)
{
	if (cap > SIZE_MAX - sizeof(struct chunk))
		return NULL;
	struct chunk *c = malloc(sizeof(*c) + cap);
	if (c) {
		c->cap = cap;
		c->used = 0;
		c->next = NULL;
	}
	return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n > SIZE_MAX - ALIGN)
		return NULL;
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (need == 0)
		need = ALIGN;
	struct chunk *c = a->head;
	if (c && c->cap - c->used >= need) {
		void *p = c->data + c->used;
		c->used += need;
		a->used += n;
		return p;
	}
	if (need > a->next_cap / 2) {
		/* Large: a dedicated chunk, linked behind the head so the head keeps filling. */
		struct chunk *big = chunk_new(need);
		if (!big)
			return NULL;
		big->used = need;
		if (c) {
			big->next = c->next;
			c->next = big;
		} else {
			a->head = big;
		}
		a->used += n;
		a->size += need;
		return big->data;
	}
	struct chunk *fresh = chunk_new(a->next_cap);
	if (!fresh)
		return NULL;
	a->size += a->next_cap;
	if (a->next_cap < ARENA_MAX_CHUNK)
		a->next_cap *= 2;
	fresh->next = c;
	a->head = fresh;
	fresh->used = need;
	a->used += n;
	return fresh->data;
}

void *arena_dup(struct arena *a, const void *src, size_t n)
{
	void *p = arena_alloc(a, n);
	if (p && n)
		memcpy(p, src, n);
	return p;
}

void *arena_grow(struct arena *a, void *arr, size_t n, size_t size, size_t *cap, size_t first)
{
	if (n < *cap)
		return arr;
	if (*cap > SIZE_MAX / size / 2 || first > SIZE_MAX / size)
		return NULL; /* the new size would not fit a size_t */
	size_t more = *cap ? *cap * 2 : first;
	void *bigger = arena_alloc(a, more * size);
	if (!bigger)
		return NULL;
	if (n)
		memcpy(bigger, arr, n * size);
	*cap = more;
	return bigger;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}

size_t arena_size(const struct arena *a)
{
	return a->size;
}
