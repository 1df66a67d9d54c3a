/* resolver/server/answer.c: replies to clients from records.
 * SPDX-License-Identifier: MIT
 */
#include "answer.h"

#include <string.h>

#include "dns.h"

#define OPT_SIZE 11      /* an OPT record without options */
#define EDE_OPTION 15    /* RFC 8914 §2 */
#define EDE_TEXT_MAX 160 /* EXTRA-TEXT kept: a zone name and a reason */

void answer_req_from(struct answer_req *req, const struct wire_query *q, bool tcp,
		     uint16_t our_udp_size, bool recursion)
{
	req->id = q->id;
	req->qflags = q->flags;
	req->q = q->q;
	req->edns = q->edns.present;
	req->dnssec_ok = q->edns.present && (q->edns.flags & DNS_EDNS_FLAG_DO);
	req->our_udp_size = our_udp_size;
	req->recursion = recursion;
	size_t size = DNS_UDP_MIN_SIZE;
	if (q->edns.present && q->edns.udp_size > size)
		size = q->edns.udp_size < our_udp_size ? q->edns.udp_size : our_udp_size;
	req->max_size = tcp ? DNS_MSG_MAX : size;
}

static void start(struct wire_builder *b, uint8_t *out, size_t cap, const struct answer_req *req,
		  unsigned rcode, uint16_t flags)
{
	uint16_t f = (uint16_t)(DNS_FLAG_QR | (req->recursion ? DNS_FLAG_RA : 0) | flags |
				(req->qflags & (DNS_FLAG_RD | DNS_FLAG_CD | DNS_OPCODE_MASK)) |
				(rcode & 0xF));
	wire_build_init(b, out, cap < req->max_size ? cap : req->max_size, req->id, f);
}

static size_t end(struct wire_builder *b, const struct answer_req *req, unsigned rcode,
		  const struct answer_ede *ede)
{
	uint8_t opt[4 + 2 + EDE_TEXT_MAX];
	uint16_t len = 0;
	if (ede) {
		size_t text = ede->text ? strnlen(ede->text, EDE_TEXT_MAX) : 0;
		opt[0] = 0;
		opt[1] = EDE_OPTION;
		opt[2] = (uint8_t)((2 + text) >> 8);
		opt[3] = (uint8_t)(2 + text);
		opt[4] = (uint8_t)(ede->code >> 8);
		opt[5] = (uint8_t)ede->code;
		if (text)
			memcpy(opt + 6, ede->text, text);
		len = (uint16_t)(6 + text);
	}
	wire_build_reserve(b, 0);
	if (req->edns)
		wire_build_edns(b, req->our_udp_size, rcode, req->dnssec_ok ? DNS_EDNS_FLAG_DO : 0,
				len ? opt : NULL, len);
	return wire_build_finish(b);
}

/* Adds the records of one section as consecutive RRsets; false once one did not fit. */
static bool add_section(struct wire_builder *b, enum wire_section s, const struct wire_rr *rr,
			size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = i + 1;
		while (k < n && rr[k].type == rr[i].type && rr[k].rclass == rr[i].rclass &&
		       name_equal(rr[k].owner, rr[i].owner))
			k++;
		if (wire_build_rrset(b, s, rr + i, k - i) != ERR_OK)
			return false;
		i = k;
	}
	return true;
}

size_t answer_build(uint8_t *out, size_t cap, const struct answer_req *req, unsigned rcode,
		    uint16_t flags, const struct wire_rr *an, size_t n_an,
		    const struct wire_rr *ns, size_t n_ns)
{
	struct wire_builder b;
	start(&b, out, cap, req, rcode, flags);
	wire_build_question(&b, req->q.name, req->q.type, req->q.rclass);
	if (req->edns)
		wire_build_reserve(&b, OPT_SIZE);
	if (add_section(&b, WIRE_ANSWER, an, n_an))
		add_section(&b, WIRE_AUTHORITY, ns, n_ns);
	return end(&b, req, rcode, NULL);
}

size_t answer_error(uint8_t *out, size_t cap, const struct answer_req *req, bool has_question,
		    unsigned rcode, const struct answer_ede *ede)
{
	struct wire_builder b;
	start(&b, out, cap, req, rcode, 0);
	if (has_question)
		wire_build_question(&b, req->q.name, req->q.type, req->q.rclass);
	return end(&b, req, rcode, ede);
}
