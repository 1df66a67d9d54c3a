/* lib/zonefile.h: reading a zone from an RFC 1035 §5 master file.
 *
 * The reader understands master files as NSD, Knot and BIND read them: the $ORIGIN, $TTL
 * (RFC 2308 §4) and $INCLUDE directives; "@" for the origin; relative and absolute names with
 * \X and \DDD escapes; owner, TTL and class carried over when a record leaves them out; TTL
 * and class in either order; TTL units (1h30m); parentheses continuing a record across lines;
 * ";" comments; quoted strings; every type lib/rdata reads, the TYPEnnn and CLASSnnn forms and
 * the RFC 3597 generic rdata "\# len hex" for any type. A zone is read whole or not at all:
 * the first error stops the reader and nothing is kept. The load-time checks are zonecheck's,
 * run on the records read.
 *
 * The choices where the servers differ, with NSD unless said otherwise:
 *   - A record without a TTL takes $TTL, else the previous record's TTL. An SOA with neither
 *     takes its own MINIMUM (RFC 1035 §5.2). Any other record with no TTL to take is an error
 *     (NSD warns and uses a default). TTLs over 2^31-1 are errors (RFC 2181 §8).
 *   - A record without a class takes the previous record's, IN at first. All records must be
 *     in the class of the first; the meta classes NONE and ANY (and CLASS0) are errors.
 *   - Meta and reserved types (0, OPT, 128-255) are errors. Generic rdata of a known type must
 *     be valid rdata of that type, and not empty, as BIND requires.
 *   - $INCLUDE file [origin]: a relative path is taken from the including file's directory
 *     (from the current directory for a text read by zonefile_read_text). The included file
 *     starts with the origin given, else the current one; when it ends, the origin and the
 *     current owner come back to what they were (RFC 1035 §5.1, BIND), while $TTL and the
 *     last TTL and class go on from the included file. Nesting is limited; only regular
 *     files are read.
 *   - Parentheses do not nest. A quoted string does not run across lines (as BIND; NSD
 *     lets it). A backslash at the end of a line escapes nothing.
 *   - $GENERATE and other directives are errors. Owner names are kept in the case written.
 *   - Duplicate records are kept as written (a server may merge them).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_ZONEFILE_H
#define LIB_ZONEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "name.h"
#include "wire.h"
#include "zonecheck.h"

/* $INCLUDE nesting depth: stops a file that includes itself. */
#define ZONEFILE_MAX_INCLUDE 8
/* The longest record text, continuation lines joined: bounds the line buffer against a file
 * without newlines. The longest valid rdata written out (64 KiB of TXT as \DDD) fits. */
#define ZONEFILE_MAX_LINE (512u << 10)

/* Flags for the readers. */
#define ZONEFILE_NOCHECK 1u /* skip zonecheck_run: for root hints and other fragments */
#define ZONEFILE_NO_TTL 2u  /* a record with no TTL to take gets TTL 0 instead of an error: for
			       trust anchors, whose TTL means nothing (IANA's list has none) */

/* A zone read from text. Records are in the order of the text, class IN unless the text says
 * otherwise, with uncompressed owners and rdata in the arena (records in a row with the same
 * owner share its bytes). pos[i] says where rr[i] was read; its file names are in the arena. */
struct zonefile_zone {
	uint8_t origin[NAME_MAX_WIRE];
	struct wire_rr *rr;
	struct zonecheck_pos *pos;
	size_t n;
	struct arena *arena;
};

/* Reads the master file at path as the zone whose apex is origin (a name; relative names in
 * the text are relative to it until $ORIGIN says otherwise), then checks it with
 * zonecheck_run unless flags has ZONEFILE_NOCHECK. Returns true and the zone in *out, which
 * the caller frees with zonefile_free. Otherwise returns false, leaves *out alone and writes
 * "file:line: reason" to err: the file is the one holding the fault, which may be an
 * $INCLUDEd one; a fault of the whole zone (no SOA) or a file that cannot be opened is
 * "file: reason". Running out of memory is reported the same way. Reentrant: the readers
 * keep no global state, so threads may read different zones at once.
 */
bool zonefile_read(const char *path, const uint8_t *origin, unsigned flags,
		   struct zonefile_zone **out, char err[static 256]);

/* The same for len bytes of text in memory (for tests and generated zones); name stands for
 * the file in messages and positions. The text need not end with a newline or a NUL.
 */
bool zonefile_read_text(const char *name, const char *text, size_t len, const uint8_t *origin,
			unsigned flags, struct zonefile_zone **out, char err[static 256]);

/* Frees a zone and everything in it. zonefile_free(NULL) does nothing. */
void zonefile_free(struct zonefile_zone *z);

#endif
