/* lib/err.h: the error vocabulary of lib/.
 *
 * Every function in lib/ that can fail returns an enum err, ERR_OK (0) on success, and gives
 * its results through out-parameters. Each hostile case of a received message has a code of its
 * own so that tests can check which defence fired.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_ERR_H
#define LIB_ERR_H

enum err {
	ERR_OK = 0,
	ERR_TRUNC,   /* message ends inside a field */
	ERR_PTR,     /* compression pointer not strictly backwards, or too many hops */
	ERR_LABEL,   /* label over 63 octets, or reserved label type 01/10 */
	ERR_NAMELEN, /* name over 255 octets */
	ERR_COUNT,   /* section counts cannot fit in the message */
	ERR_QDCOUNT, /* more than one question */
	ERR_RDATA,   /* rdata shorter or longer than its type allows */
	ERR_OPT,     /* OPT record misplaced, repeated, or not owned by the root */
	ERR_TRAIL,   /* bytes after the last record */
	ERR_NOMEM,   /* allocation failed */
	ERR_SPACE,   /* output does not fit the caller's buffer */
	ERR_SYNTAX,  /* text is not in the expected presentation form */
	ERR_RANGE,   /* a number in text is out of its field's range */
};

/* The description of e: a static string, never NULL. */
const char *err_str(enum err e);

#endif
