/* tests/unit/name_text.h: N("www.example.com."), the wire form of a name the test writes as
 * text, for tables of records and questions.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TESTS_NAME_TEXT_H
#define TESTS_NAME_TEXT_H

#include <string.h>

#include "check.h"
#include "name.h"

/* The wire form of an absolute name known to be good, in one of 64 rotating buffers (enough
 * for the names one case keeps at a time). */
static inline const uint8_t *N(const char *text)
{
	static uint8_t bufs[64][NAME_MAX_WIRE];
	static unsigned next;
	uint8_t *b = bufs[next++ % 64];
	size_t len;
	enum err e = name_from_text(text, strlen(text), NULL, b, &len);
	CHECKF(e == ERR_OK, "%s: %s", text, err_str(e));
	return b;
}

#endif
