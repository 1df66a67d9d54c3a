/* lib/wire.h: DNS messages: parsing received bytes and building messages to send.
 *
 * wire_parse reads a whole message (header, question, three sections, EDNS0 OPT) with every
 * bound checked, into a struct wire_msg whose names and rdata are decompressed copies in an
 * arena. wire_parse_query reads only what a server needs from a query, without allocating.
 * The builder writes a message into a caller's buffer of fixed size, compressing names, and
 * drops whole RRsets that do not fit (setting TC when the answer or authority section lost
 * one). Per-type rdata knowledge is rdata.h's; names are name.h's.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef LIB_WIRE_H
#define LIB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "err.h"
#include "name.h"

enum wire_section { WIRE_ANSWER = 0, WIRE_AUTHORITY = 1, WIRE_ADDITIONAL = 2 };

struct wire_rr {
	const uint8_t *owner; /* uncompressed name */
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdlen;
	const uint8_t *rdata; /* uncompressed: names in it are whole */
};

struct wire_edns {
	bool present;
	uint16_t udp_size;
	uint8_t version;
	uint16_t flags;       /* DO is DNS_EDNS_FLAG_DO */
	const uint8_t *opts;  /* options as received, opaque (RFC 6891 §6.1.2) */
	uint16_t opts_len;
};

struct wire_question {
	uint8_t name[NAME_MAX_WIRE];
	uint16_t type, rclass;
};

struct wire_msg {
	uint16_t id, flags;   /* flags: the header word after the ID, host order */
	unsigned rcode;       /* with the OPT record's upper 8 bits when EDNS is present */
	bool has_question;
	struct wire_question q;
	struct wire_rr *rr[3]; /* per section; OPT is not among them but in edns */
	uint16_t n[3];
	struct wire_edns edns;
	size_t size;          /* the message's length in bytes */
};

/* Parses a whole message. Names and rdata are copied, decompressed, into arena a; m holds
 * pointers into a and lives as long as it. Checks: header present; QDCOUNT 0 or 1; section
 * counts fit the remaining bytes; names per name_parse; rdata per rdata_unpack; one OPT at
 * most, in the additional section, owned by the root; no bytes after the last record.
 * Returns ERR_OK or the error of the first defect; m is then partly filled (has_question says
 * whether the question was read, so a server can still answer FORMERR). */
enum err wire_parse(const uint8_t *pkt, size_t len, struct arena *a, struct wire_msg *m);

/* What a server needs from a query: header, question and EDNS, read without allocating.
 * Records in the answer and authority sections are checked and skipped. qname_len is the
 * question name's wire length; question_end is the offset just after the question. Errors
 * as wire_parse. */
struct wire_query {
	uint16_t id, flags;
	bool has_question;
	struct wire_question q;
	size_t qname_len;
	size_t question_end;
	uint16_t counts[4]; /* QD, AN, NS, AR as received */
	struct wire_edns edns;
};
enum err wire_parse_query(const uint8_t *pkt, size_t len, struct wire_query *q);

/* The header and the question alone, what a client needs to match a reply to its query:
 * fills q's id, flags, counts, has_question, q, qname_len and question_end (edns stays
 * empty), reading nothing past the question and so neither checking the records nor the
 * counts of the sections after it: a TC=1 reply may end inside them. Errors as wire_parse
 * for what it reads. */
enum err wire_parse_head(const uint8_t *pkt, size_t len, struct wire_query *q);

/* Prints rr as one line of master-file text: owner, TTL, class, type, rdata, in the columns
 * dig uses (24, 32, 40, 48: tabs to reach them, one space past them). Appends to out; the
 * line starts where out ends. */
void wire_rr_to_text(const struct wire_rr *rr, struct buf_out *out);

/* Prints a question as dig's question section does: ";name", class and type in the same
 * columns as records. */
void wire_question_to_text(const struct wire_question *q, struct buf_out *out);

/* ---- building ---- */

#define WIRE_COMP_MAX 64 /* names remembered for compression; later ones are written whole */

struct wire_builder {
	struct buf_out out;
	size_t cap;             /* the size limit; out.cap is lowered by reservations */
	uint16_t id, flags;
	uint16_t count[4];      /* QD, AN, NS, AR */
	uint16_t comp[WIRE_COMP_MAX];
	unsigned ncomp;
};

struct wire_mark {
	size_t len;
	uint16_t count[4];
	unsigned ncomp;
};

/* Starts a message in buf of cap bytes (at most DNS_MSG_MAX; at least DNS_HEADER_SIZE).
 * The header is written by wire_build_finish from id and flags, which callers may change
 * (b->flags) until then. */
void wire_build_init(struct wire_builder *b, uint8_t *buf, size_t cap, uint16_t id,
		     uint16_t flags);

/* Adds the question. ERR_SPACE when it does not fit. */
enum err wire_build_question(struct wire_builder *b, const uint8_t *name, uint16_t type,
			     uint16_t rclass);

/* Adds one record to a section; names are compressed where RFC 3597 §4 allows. Suffixes
 * match case-insensitively, so a compressed name reads back with the case of the name it
 * points to (www.EXAMPLE.com after EXAMPLE.com): the same name, as case does not count in
 * names (RFC 4343), and a shorter message than exact matching would give. Records must
 * be added in section order. ERR_SPACE when it does not fit: the message is then as before. */
enum err wire_build_rr(struct wire_builder *b, enum wire_section s, const struct wire_rr *rr);

/* Adds n records as one unit: all fit, or none is added. When none fits in the answer or
 * authority section, TC is set in b->flags (RFC 2181 §9); a dropped additional RRset just
 * goes. Returns ERR_OK or ERR_SPACE. */
enum err wire_build_rrset(struct wire_builder *b, enum wire_section s, const struct wire_rr *rrs,
			  size_t n);

/* Keeps n bytes back from the size limit (for an OPT record to be added last), or gives them
 * back with n = 0. */
void wire_build_reserve(struct wire_builder *b, size_t n);

/* Adds an OPT record (RFC 6891 §6.1.2) with the extended rcode bits taken from rcode, and
 * opts_len bytes of options. Give back any reservation first. */
enum err wire_build_edns(struct wire_builder *b, uint16_t udp_size, unsigned rcode,
			 uint16_t edns_flags, const uint8_t *opts, uint16_t opts_len);

/* Remember and return to a point in the message (all or nothing for larger units). */
void wire_build_mark(const struct wire_builder *b, struct wire_mark *m);
void wire_build_rollback(struct wire_builder *b, const struct wire_mark *m);

/* Writes the header and returns the message length. */
size_t wire_build_finish(struct wire_builder *b);

#endif
