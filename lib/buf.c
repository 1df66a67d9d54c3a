/* lib/buf.c: the non-inline appends of struct buf_out.
 * SPDX-License-Identifier: MIT
 */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void buf_put_bytes(struct buf_out *out, const void *src, size_t n)
{
	if (n == 0 || !buf_room(out, n))
		return;
	memcpy(out->p + out->len, src, n);
	out->len += n;
}

void buf_patch_u16(struct buf_out *out, size_t at, uint16_t v)
{
	if (out->err != ERR_OK || at + 2 > out->len)
		return;
	out->p[at] = (uint8_t)(v >> 8);
	out->p[at + 1] = (uint8_t)v;
}

static void terminate(struct buf_out *out)
{
	if (out->len < out->cap)
		out->p[out->len] = 0;
}

void buf_puts(struct buf_out *out, const char *s)
{
	size_t n = strlen(s);
	if (!buf_room(out, n + 1))
		return;
	memcpy(out->p + out->len, s, n);
	out->len += n;
	terminate(out);
}

void buf_printf(struct buf_out *out, const char *fmt, ...)
{
	if (out->err != ERR_OK)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf((char *)out->p + out->len, out->cap - out->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= out->cap - out->len) {
		out->err = ERR_SPACE;
		terminate(out);
		return;
	}
	out->len += (size_t)n;
}
