/* lib/rand.c: a per-thread pool of kernel randomness.
 * SPDX-License-Identifier: MIT
 */
#include "rand.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define POOL_SIZE 256

static _Thread_local struct {
	uint8_t bytes[POOL_SIZE];
	size_t used;
} pool = { .used = POOL_SIZE };

static void take(void *out, size_t n)
{
	if (pool.used + n > POOL_SIZE) {
		size_t got = 0;
		while (got < POOL_SIZE) {
			ssize_t r = getrandom(pool.bytes + got, POOL_SIZE - got, 0);
			if (r <= 0)
				abort(); /* no kernel randomness: nothing safe to fall back on */
			got += (size_t)r;
		}
		pool.used = 0;
	}
	memcpy(out, pool.bytes + pool.used, n);
	memset(pool.bytes + pool.used, 0, n); /* a value handed out is not kept */
	pool.used += n;
}

uint16_t rand_u16(void)
{
	uint16_t v;
	take(&v, sizeof(v));
	return v;
}

uint32_t rand_below(uint32_t n)
{
	uint32_t limit = UINT32_MAX - UINT32_MAX % n, v;
	do
		take(&v, sizeof(v));
	while (v >= limit);
	return v % n;
}
