/* tests/fuzz/fuzz_wire.c: libFuzzer target for lib/'s message codec.
 *
 * For any input: wire_parse must not crash; when it accepts the message, every record must
 * print (rdata_to_text) and read back (rdata_from_text) to the same rdata, the message must
 * build again (wire_build_*) and parse to the same records, and wire_parse_query must agree
 * with wire_parse on the header and the question.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "rdata.h"
#include "wire.h"

static void check_rdata_text(const struct wire_rr *rr)
{
	static char text[4 * 65536 + 64];
	static uint8_t back[65536];
	struct buf_out t, b;
	buf_out_init(&t, text, sizeof(text));
	rdata_to_text(rr->type, rr->rdata, rr->rdlen, &t);
	if (t.err)
		abort();
	buf_out_init(&b, back, sizeof(back));
	const char *why;
	if (rdata_from_text(rr->type, text, t.len, NULL, &b, &why) != ERR_OK)
		abort(); /* printed text that does not read back */
	if (b.len != rr->rdlen || memcmp(back, rr->rdata, b.len) != 0)
		abort(); /* read back to other bytes */
}

/* Records read back alike. Names in rdata may come back in another case: the builder
 * compresses case-insensitively (wire.h), so bytes are compared with ASCII case folded. */
static bool same_rr(const struct wire_rr *a, const struct wire_rr *b)
{
	if (!name_equal(a->owner, b->owner) || a->type != b->type || a->rclass != b->rclass ||
	    a->ttl != b->ttl || a->rdlen != b->rdlen)
		return false;
	for (size_t i = 0; i < a->rdlen; i++)
		if (tolower(a->rdata[i]) != tolower(b->rdata[i]))
			return false;
	return true;
}

static void check_rebuild(const struct wire_msg *m, struct arena *a)
{
	static uint8_t buf[65535];
	struct wire_builder b;
	wire_build_init(&b, buf, sizeof(buf), m->id, m->flags);
	if (m->has_question && wire_build_question(&b, m->q.name, m->q.type, m->q.rclass))
		abort();
	for (int s = 0; s < 3; s++)
		for (uint16_t i = 0; i < m->n[s]; i++)
			if (wire_build_rr(&b, (enum wire_section)s, &m->rr[s][i]))
				return; /* decompressed names may not fit 64 KiB again: fine */
	if (m->edns.present && wire_build_edns(&b, m->edns.udp_size, m->rcode, m->edns.flags,
					       m->edns.opts, m->edns.opts_len))
		return;
	size_t len = wire_build_finish(&b);
	struct wire_msg m2;
	if (wire_parse(buf, len, a, &m2) != ERR_OK)
		abort(); /* we built something we cannot read */
	if (m2.id != m->id || m2.flags != m->flags || m2.has_question != m->has_question)
		abort();
	for (int s = 0; s < 3; s++) {
		if (m2.n[s] != m->n[s])
			abort();
		for (uint16_t i = 0; i < m->n[s]; i++)
			if (!same_rr(&m->rr[s][i], &m2.rr[s][i]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct wire_msg m;
	struct wire_query q;
	enum err e = wire_parse(data, size, a, &m);
	enum err eq = wire_parse_query(data, size, &q);
	if ((e == ERR_OK) != (eq == ERR_OK) && e != ERR_NOMEM)
		abort(); /* the two parsers disagree on validity */
	if (e == ERR_OK) {
		if (q.id != m.id || q.flags != m.flags || q.has_question != m.has_question ||
		    (m.has_question && (!name_equal(q.q.name, m.q.name) || q.q.type != m.q.type)))
			abort();
		for (int s = 0; s < 3; s++)
			for (uint16_t i = 0; i < m.n[s]; i++)
				check_rdata_text(&m.rr[s][i]);
		check_rebuild(&m, a);
	}
	arena_free(a);
	return 0;
}
