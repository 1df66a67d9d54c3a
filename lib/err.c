/* lib/err.c: descriptions of lib/'s error codes.
 * SPDX-License-Identifier: MIT
 */
#include "err.h"

const char *err_str(enum err e)
{
	switch (e) {
	case ERR_OK: return "no error";
	case ERR_TRUNC: return "message truncated inside a field";
	case ERR_PTR: return "bad compression pointer";
	case ERR_LABEL: return "bad label (over 63 octets or reserved type)";
	case ERR_NAMELEN: return "name over 255 octets";
	case ERR_COUNT: return "section counts exceed the message";
	case ERR_QDCOUNT: return "more than one question";
	case ERR_RDATA: return "rdata does not match its type";
	case ERR_OPT: return "misplaced or repeated OPT record";
	case ERR_TRAIL: return "bytes after the last record";
	case ERR_NOMEM: return "out of memory";
	case ERR_SPACE: return "output buffer too small";
	case ERR_SYNTAX: return "syntax error";
	case ERR_RANGE: return "number out of range";
	}
	return "unknown error";
}
