/* lib/rand.h: unpredictable numbers for query IDs and source ports (RFC 5452 §9.2).
 *
 * Drawn from the kernel's CSPRNG (getrandom) through a small per-thread pool, so a query costs
 * no system call most of the time. Thread-safe; nothing to set up.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_RAND_H
#define LIB_RAND_H

#include <stdint.h>

/* A uniformly random 16-bit value. */
uint16_t rand_u16(void);

/* A uniformly random value below n (n > 0), without modulo bias. */
uint32_t rand_below(uint32_t n);

#endif
