/* lib/wire.c: parsing and building DNS messages (RFC 1035 §4, RFC 6891 for EDNS0).
 * SPDX-License-Identifier: MIT
 */
#include "wire.h"

#include <string.h>

#include "dns.h"
#include "rdata.h"

/* ---- parsing ---- */

static void parse_header(struct buf_in *in, uint16_t *id, uint16_t *flags, uint16_t counts[4])
{
	*id = buf_get_u16(in);
	*flags = buf_get_u16(in);
	for (int i = 0; i < 4; i++)
		counts[i] = buf_get_u16(in);
}

/* Counts are checked before they size anything: each question needs 5 bytes at least and
 * each record DNS_RR_MIN_SIZE. */
static enum err check_counts(const struct buf_in *in, const uint16_t counts[4])
{
	if (counts[0] > 1)
		return ERR_QDCOUNT;
	size_t need = (size_t)counts[0] * 5 +
		      ((size_t)counts[1] + counts[2] + counts[3]) * DNS_RR_MIN_SIZE;
	return need > buf_left(in) ? ERR_COUNT : ERR_OK;
}

static enum err parse_question(struct buf_in *in, struct wire_question *q, size_t *qlen)
{
	enum err e = name_parse(in, q->name, qlen);
	if (e)
		return e;
	q->type = buf_get_u16(in);
	q->rclass = buf_get_u16(in);
	return in->err;
}

/* OPT options are code/length pairs that must fill the rdata exactly (RFC 6891 §6.1.2). */
static bool options_valid(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (n - i < 4 || n - i - 4 < (size_t)(p[i + 2] << 8 | p[i + 3]))
			return false;
		i += 4 + (size_t)(p[i + 2] << 8 | p[i + 3]);
	}
	return true;
}

/* Reads one record. The owner and rdata are left in owner/scratch; the caller copies them
 * if it keeps them. */
static enum err parse_rr(struct buf_in *in, uint8_t owner[NAME_MAX_WIRE], size_t *owner_len,
			 uint8_t *scratch, struct wire_rr *rr)
{
	enum err e = name_parse(in, owner, owner_len);
	if (e)
		return e;
	rr->owner = owner;
	rr->type = buf_get_u16(in);
	rr->rclass = buf_get_u16(in);
	rr->ttl = buf_get_u32(in);
	uint16_t rdlen = buf_get_u16(in);
	if (in->err)
		return in->err;
	struct buf_out o;
	buf_out_init(&o, scratch, RDATA_MAX_UNPACKED);
	e = rdata_unpack(in, rr->type, rdlen, &o);
	if (e)
		return e;
	if (o.len > 65535)
		return ERR_RDATA; /* decompressed beyond what any message could carry */
	rr->rdata = scratch;
	rr->rdlen = (uint16_t)o.len;
	return ERR_OK;
}

static enum err take_opt(const struct wire_rr *rr, enum wire_section s, struct wire_edns *edns)
{
	if (s != WIRE_ADDITIONAL || edns->present || rr->owner[0] != 0)
		return ERR_OPT; /* RFC 6891 §6.1.1 */
	if (!options_valid(rr->rdata, rr->rdlen))
		return ERR_RDATA;
	edns->present = true;
	edns->udp_size = rr->rclass;
	edns->version = (uint8_t)(rr->ttl >> 16);
	edns->flags = (uint16_t)rr->ttl;
	edns->opts = rr->rdata;
	edns->opts_len = rr->rdlen;
	return ERR_OK;
}

enum err wire_parse(const uint8_t *pkt, size_t len, struct arena *a, struct wire_msg *m)
{
	static const uint8_t root[1] = { 0 };
	uint8_t scratch[RDATA_MAX_UNPACKED];
	uint8_t owner[NAME_MAX_WIRE];
	uint16_t counts[4];
	struct buf_in in;
	enum err e;

	memset(m, 0, sizeof(*m));
	m->size = len;
	buf_in_init(&in, pkt, len);
	parse_header(&in, &m->id, &m->flags, counts);
	if (in.err)
		return in.err;
	m->rcode = DNS_RCODE(m->flags);
	if ((e = check_counts(&in, counts)))
		return e;
	if (counts[0]) {
		size_t qlen;
		if ((e = parse_question(&in, &m->q, &qlen)))
			return e;
		m->has_question = true;
	}
	uint8_t opt_ext_rcode = 0;
	for (int s = 0; s < 3; s++) {
		uint16_t n = counts[s + 1];
		m->rr[s] = arena_alloc(a, (size_t)n * sizeof(struct wire_rr));
		if (!m->rr[s])
			return ERR_NOMEM;
		for (uint16_t i = 0; i < n; i++) {
			struct wire_rr rr;
			size_t olen;
			if ((e = parse_rr(&in, owner, &olen, scratch, &rr)))
				return e;
			rr.rdata = arena_dup(a, scratch, rr.rdlen);
			rr.owner = olen == 1 ? root : arena_dup(a, owner, olen);
			if (!rr.rdata || !rr.owner)
				return ERR_NOMEM;
			if (rr.type == DNS_TYPE_OPT) {
				if ((e = take_opt(&rr, (enum wire_section)s, &m->edns)))
					return e;
				opt_ext_rcode = (uint8_t)(rr.ttl >> 24);
				continue;
			}
			m->rr[s][m->n[s]++] = rr;
		}
	}
	if (buf_left(&in))
		return ERR_TRAIL;
	m->rcode |= (unsigned)opt_ext_rcode << 4;
	return ERR_OK;
}

/* The header and the question into q. counts_fit: first check that every count fits the
 * bytes that follow (a query must be whole); else only that QDCOUNT is 0 or 1. */
static enum err parse_head(struct buf_in *in, struct wire_query *q, bool counts_fit)
{
	enum err e;
	parse_header(in, &q->id, &q->flags, q->counts);
	if (in->err)
		return in->err;
	if ((e = counts_fit ? check_counts(in, q->counts)
			    : q->counts[0] > 1 ? ERR_QDCOUNT : ERR_OK))
		return e;
	if (q->counts[0]) {
		if ((e = parse_question(in, &q->q, &q->qname_len)))
			return e;
		q->has_question = true;
	}
	q->question_end = in->pos;
	return ERR_OK;
}

enum err wire_parse_head(const uint8_t *pkt, size_t len, struct wire_query *q)
{
	struct buf_in in;
	memset(q, 0, sizeof(*q));
	buf_in_init(&in, pkt, len);
	return parse_head(&in, q, false);
}

enum err wire_parse_query(const uint8_t *pkt, size_t len, struct wire_query *q)
{
	uint8_t scratch[RDATA_MAX_UNPACKED];
	uint8_t owner[NAME_MAX_WIRE];
	struct buf_in in;
	enum err e;

	memset(q, 0, sizeof(*q));
	buf_in_init(&in, pkt, len);
	if ((e = parse_head(&in, q, true)))
		return e;
	for (int s = 0; s < 3; s++) {
		for (uint16_t i = 0; i < q->counts[s + 1]; i++) {
			struct wire_rr rr;
			size_t olen;
			if ((e = parse_rr(&in, owner, &olen, scratch, &rr)))
				return e;
			if (rr.type != DNS_TYPE_OPT)
				continue;
			if ((e = take_opt(&rr, (enum wire_section)s, &q->edns)))
				return e;
			q->edns.opts = pkt + in.pos - rr.rdlen; /* OPT rdata is never compressed */
		}
	}
	return buf_left(&in) ? ERR_TRAIL : ERR_OK;
}

/* Moves to a column as BIND's master-file style does: tabs (8 wide) up to it, or one space
 * when the text already reaches it. */
static void to_column(struct buf_out *out, size_t start, size_t col)
{
	size_t at = 0;
	for (size_t i = start; i < out->len && out->err == ERR_OK; i++)
		at = out->p[i] == '\t' ? (at / 8 + 1) * 8 : at + 1;
	if (at >= col) {
		buf_puts(out, " ");
		return;
	}
	for (; at < col; at = (at / 8 + 1) * 8)
		buf_puts(out, "\t");
}

void wire_question_to_text(const struct wire_question *q, struct buf_out *out)
{
	size_t start = out->len;
	buf_puts(out, ";");
	name_to_text(q->name, out);
	to_column(out, start, 24);
	to_column(out, start, 32);
	rdata_class_to_text(q->rclass, out);
	to_column(out, start, 40);
	rdata_type_to_text(q->type, out);
}

void wire_rr_to_text(const struct wire_rr *rr, struct buf_out *out)
{
	size_t start = out->len;
	name_to_text(rr->owner, out);
	to_column(out, start, 24);
	buf_printf(out, "%u", rr->ttl);
	to_column(out, start, 32);
	rdata_class_to_text(rr->rclass, out);
	to_column(out, start, 40);
	rdata_type_to_text(rr->type, out);
	to_column(out, start, 48);
	rdata_to_text(rr->type, rr->rdata, rr->rdlen, out);
}

/* ---- building ---- */

void wire_build_init(struct wire_builder *b, uint8_t *buf, size_t cap, uint16_t id,
		     uint16_t flags)
{
	if (cap > DNS_MSG_MAX)
		cap = DNS_MSG_MAX;
	memset(b, 0, sizeof(*b));
	buf_out_init(&b->out, buf, cap);
	b->cap = cap;
	b->id = id;
	b->flags = flags;
	b->out.len = DNS_HEADER_SIZE; /* written by wire_build_finish */
}

void wire_build_mark(const struct wire_builder *b, struct wire_mark *m)
{
	m->len = b->out.len;
	memcpy(m->count, b->count, sizeof(m->count));
	m->ncomp = b->ncomp;
}

void wire_build_rollback(struct wire_builder *b, const struct wire_mark *m)
{
	b->out.len = m->len;
	b->out.err = ERR_OK;
	memcpy(b->count, m->count, sizeof(b->count));
	b->ncomp = m->ncomp; /* targets past the mark are gone with the bytes */
}

/* True when the (possibly compressed) name at msg[off] equals name, ignoring case. The
 * message is our own output, so its pointers are known to be sound. */
static bool name_at_equals(const uint8_t *msg, size_t off, const uint8_t *name)
{
	for (;;) {
		while ((msg[off] & 0xC0) == 0xC0)
			off = (size_t)(msg[off] & 0x3F) << 8 | msg[off + 1];
		uint8_t len = msg[off];
		if (len != *name)
			return false;
		if (len == 0)
			return true;
		for (unsigned i = 1; i <= len; i++)
			if (name_fold(msg[off + i]) != name_fold(name[i]))
				return false;
		off += len + 1u;
		name += len + 1;
	}
}

/* Writes name, compressed against earlier names when compress is set. The places where its
 * labels start are remembered for later names only once the whole name is written, so no
 * search ever reads a name that is half there. */
static void put_name(struct wire_builder *b, const uint8_t *name, bool compress)
{
	uint16_t starts[NAME_MAX_WIRE / 2];
	unsigned nstarts = 0;
	const uint8_t *p;
	for (p = name; *p; p += *p + 1) {
		bool found = false;
		for (unsigned i = 0; compress && !found && i < b->ncomp; i++) {
			if (name_at_equals(b->out.p, b->comp[i], p)) {
				buf_put_u16(&b->out, (uint16_t)(0xC000 | b->comp[i]));
				found = true;
			}
		}
		if (found)
			break;
		if (b->out.len < 0x4000) /* pointers reach 14 bits */
			starts[nstarts++] = (uint16_t)b->out.len;
		buf_put_bytes(&b->out, p, *p + 1u);
	}
	if (*p == 0)
		buf_put_u8(&b->out, 0);
	for (unsigned i = 0; i < nstarts && b->out.err == ERR_OK && b->ncomp < WIRE_COMP_MAX; i++)
		b->comp[b->ncomp++] = starts[i];
}

enum err wire_build_question(struct wire_builder *b, const uint8_t *name, uint16_t type,
			     uint16_t rclass)
{
	struct wire_mark m;
	wire_build_mark(b, &m);
	put_name(b, name, true);
	buf_put_u16(&b->out, type);
	buf_put_u16(&b->out, rclass);
	if (b->out.err) {
		wire_build_rollback(b, &m);
		return ERR_SPACE;
	}
	b->count[0]++;
	return ERR_OK;
}

static void put_rdata(struct wire_builder *b, const struct wire_rr *rr)
{
	size_t offs[2];
	unsigned n = rdata_compressible_names(rr->type, rr->rdata, rr->rdlen, offs);
	size_t len_at = b->out.len, done = 0;
	buf_put_u16(&b->out, 0);
	for (unsigned i = 0; i < n; i++) {
		buf_put_bytes(&b->out, rr->rdata + done, offs[i] - done);
		put_name(b, rr->rdata + offs[i], true);
		done = offs[i] + name_len(rr->rdata + offs[i]);
	}
	if (rr->rdlen > done) /* rdata may be NULL when empty */
		buf_put_bytes(&b->out, rr->rdata + done, rr->rdlen - done);
	if (b->out.err == ERR_OK && b->out.len - len_at - 2 > 65535)
		b->out.err = ERR_SPACE;
	buf_patch_u16(&b->out, len_at, (uint16_t)(b->out.len - len_at - 2));
}

enum err wire_build_rr(struct wire_builder *b, enum wire_section s, const struct wire_rr *rr)
{
	struct wire_mark m;
	wire_build_mark(b, &m);
	put_name(b, rr->owner, true);
	buf_put_u16(&b->out, rr->type);
	buf_put_u16(&b->out, rr->rclass);
	buf_put_u32(&b->out, rr->ttl);
	put_rdata(b, rr);
	if (b->out.err || b->count[s + 1] == 65535) {
		wire_build_rollback(b, &m);
		return ERR_SPACE;
	}
	b->count[s + 1]++;
	return ERR_OK;
}

enum err wire_build_rrset(struct wire_builder *b, enum wire_section s, const struct wire_rr *rrs,
			  size_t n)
{
	struct wire_mark m;
	wire_build_mark(b, &m);
	for (size_t i = 0; i < n; i++) {
		if (wire_build_rr(b, s, &rrs[i]) != ERR_OK) {
			wire_build_rollback(b, &m);
			if (s != WIRE_ADDITIONAL)
				b->flags |= DNS_FLAG_TC;
			return ERR_SPACE;
		}
	}
	return ERR_OK;
}

void wire_build_reserve(struct wire_builder *b, size_t n)
{
	b->out.cap = n < b->cap ? b->cap - n : 0;
	if (b->out.cap < b->out.len)
		b->out.cap = b->out.len;
}

enum err wire_build_edns(struct wire_builder *b, uint16_t udp_size, unsigned rcode,
			 uint16_t edns_flags, const uint8_t *opts, uint16_t opts_len)
{
	static const uint8_t root[1] = { 0 };
	struct wire_rr rr = {
		.owner = root,
		.type = DNS_TYPE_OPT,
		.rclass = udp_size,
		.ttl = (uint32_t)(rcode >> 4 & 0xFF) << 24 | edns_flags,
		.rdlen = opts_len,
		.rdata = opts,
	};
	return wire_build_rr(b, WIRE_ADDITIONAL, &rr);
}

size_t wire_build_finish(struct wire_builder *b)
{
	uint8_t *h = b->out.p;
	uint16_t words[6] = { b->id, b->flags, b->count[0], b->count[1], b->count[2],
			      b->count[3] };
	for (int i = 0; i < 6; i++) {
		h[2 * i] = (uint8_t)(words[i] >> 8);
		h[2 * i + 1] = (uint8_t)words[i];
	}
	return b->out.len;
}
