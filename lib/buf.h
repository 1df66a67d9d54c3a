/* lib/buf.h: the bounded read cursor and the bounded write buffer.
 *
 * struct buf_in is the one way lib/ reads received bytes. Its error is sticky: after the first
 * short read every later read returns 0 and leaves err set, so a run of reads is checked once.
 * struct buf_out appends bytes or text to a caller's buffer of fixed capacity; an append that
 * does not fit sets the sticky ERR_SPACE and writes nothing. Neither allocates.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_BUF_H
#define LIB_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct buf_in {
	const uint8_t *msg; /* the whole message: compression pointers index from here */
	size_t len;         /* reads stop here */
	size_t pos;
	enum err err;
};

static inline void buf_in_init(struct buf_in *in, const uint8_t *msg, size_t len)
{
	in->msg = msg;
	in->len = len;
	in->pos = 0;
	in->err = ERR_OK;
}

static inline size_t buf_left(const struct buf_in *in)
{
	return in->err == ERR_OK ? in->len - in->pos : 0;
}

/* True when n more bytes can be read; otherwise sets ERR_TRUNC. */
static inline bool buf_need(struct buf_in *in, size_t n)
{
	if (in->err == ERR_OK && in->len - in->pos < n)
		in->err = ERR_TRUNC;
	return in->err == ERR_OK;
}

static inline uint8_t buf_get_u8(struct buf_in *in)
{
	if (!buf_need(in, 1))
		return 0;
	return in->msg[in->pos++];
}

static inline uint16_t buf_get_u16(struct buf_in *in)
{
	if (!buf_need(in, 2))
		return 0;
	in->pos += 2;
	return (uint16_t)(in->msg[in->pos - 2] << 8 | in->msg[in->pos - 1]);
}

static inline uint32_t buf_get_u32(struct buf_in *in)
{
	if (!buf_need(in, 4))
		return 0;
	const uint8_t *p = in->msg + in->pos;
	in->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A pointer to the next n bytes, which the cursor then passes; NULL if they are not there. */
static inline const uint8_t *buf_get_bytes(struct buf_in *in, size_t n)
{
	if (!buf_need(in, n))
		return NULL;
	in->pos += n;
	return in->msg + in->pos - n;
}

struct buf_out {
	uint8_t *p;
	size_t cap, len;
	enum err err; /* ERR_SPACE once an append did not fit */
};

static inline void buf_out_init(struct buf_out *out, void *p, size_t cap)
{
	out->p = p;
	out->cap = cap;
	out->len = 0;
	out->err = ERR_OK;
}

static inline bool buf_room(struct buf_out *out, size_t n)
{
	if (out->err == ERR_OK && out->cap - out->len < n)
		out->err = ERR_SPACE;
	return out->err == ERR_OK;
}

static inline void buf_put_u8(struct buf_out *out, uint8_t v)
{
	if (buf_room(out, 1))
		out->p[out->len++] = v;
}

static inline void buf_put_u16(struct buf_out *out, uint16_t v)
{
	if (!buf_room(out, 2))
		return;
	out->p[out->len++] = (uint8_t)(v >> 8);
	out->p[out->len++] = (uint8_t)v;
}

static inline void buf_put_u32(struct buf_out *out, uint32_t v)
{
	if (!buf_room(out, 4))
		return;
	for (int shift = 24; shift >= 0; shift -= 8)
		out->p[out->len++] = (uint8_t)(v >> shift);
}

void buf_put_bytes(struct buf_out *out, const void *src, size_t n);

/* Drops what was appended after len (a mark taken earlier), keeping text NUL-terminated. */
static inline void buf_truncate(struct buf_out *out, size_t len)
{
	if (len <= out->len) {
		out->len = len;
		if (len < out->cap)
			out->p[len] = 0;
	}
}

/* Writes a 16-bit value at an earlier offset (a length or count filled in afterwards). */
void buf_patch_u16(struct buf_out *out, size_t at, uint16_t v);

/* Text: appends a string, or printf-formatted text. The buffer is kept NUL-terminated after
 * each text append (the NUL is not counted in len); callers size it with room for it. */
void buf_puts(struct buf_out *out, const char *s);
void buf_printf(struct buf_out *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
