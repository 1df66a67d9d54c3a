/* lib/arena.h: a region allocator: many small allocations, freed all at once.
 *
 * A parsed message, a client question's sub-questions and its trace live in one arena and die
 * together, so no code path has to free them one by one. Not thread-safe: an arena belongs to
 * one question, which one thread drives.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_ARENA_H
#define LIB_ARENA_H

#include <stddef.h>

struct arena;

/* A new empty arena, or NULL when memory is short. Free it with arena_free(). */
struct arena *arena_new(void);

/* Frees the arena and everything allocated from it. arena_free(NULL) does nothing. */
void arena_free(struct arena *a);

/* n bytes aligned for any type, valid until arena_free(); NULL when memory is short.
 * arena_alloc(a, 0) returns a valid unique pointer. */
void *arena_alloc(struct arena *a, size_t n);

/* A copy of n bytes from src in the arena, or NULL when memory is short. */
void *arena_dup(struct arena *a, const void *src, size_t n);

/* Room for one more element in an array of n elements of size bytes with *cap slots: arr
 * itself while n < *cap, else a copy in twice the slots (first slots for an empty array) and
 * *cap updated. NULL when memory is short, and the array is as before. The old copy stays
 * in the arena until arena_free(). */
void *arena_grow(struct arena *a, void *arr, size_t n, size_t size, size_t *cap, size_t first);

/* Bytes handed out and bytes taken from malloc, for statistics and tests. */
size_t arena_used(const struct arena *a);
size_t arena_size(const struct arena *a);

#endif
