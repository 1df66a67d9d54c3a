/* resolver/iter/hints.c: root hints from a master file.
 * SPDX-License-Identifier: MIT
 */
#include "hints.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "zonefile.h"

bool hints_add(struct hints *h, const uint8_t *name, const struct sockaddr *addr)
{
	if (h->n >= HINTS_MAX)
		return false;
	struct hints_server *s = &h->s[h->n++];
	memcpy(s->name, name, name_len(name));
	memset(&s->addr, 0, sizeof(s->addr));
	memcpy(&s->addr, addr,
	       addr->sa_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	return true;
}

/* True when name is the target of one of the root NS records in z. */
static bool is_root_server(const struct zonefile_zone *z, const uint8_t *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (z->rr[i].type == DNS_TYPE_NS && z->rr[i].owner[0] == 0 &&
		    name_equal(z->rr[i].rdata, name))
			return true;
	return false;
}

bool hints_load(const char *path, struct hints *h, char err[static 256])
{
	static const uint8_t root[1] = { 0 };
	struct zonefile_zone *z;
	h->n = 0;
	if (!zonefile_read(path, root, ZONEFILE_NOCHECK, &z, err))
		return false;
	for (size_t i = 0; i < z->n && h->n < HINTS_MAX; i++) {
		const struct wire_rr *rr = &z->rr[i];
		struct sockaddr_storage ss = { 0 };
		if (rr->type == DNS_TYPE_A && rr->rdlen == 4) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			in->sin_family = AF_INET;
			memcpy(&in->sin_addr, rr->rdata, 4);
		} else if (rr->type == DNS_TYPE_AAAA && rr->rdlen == 16) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
			in6->sin6_family = AF_INET6;
			memcpy(&in6->sin6_addr, rr->rdata, 16);
		} else {
			continue;
		}
		if (is_root_server(z, rr->owner))
			hints_add(h, rr->owner, (struct sockaddr *)&ss);
	}
	zonefile_free(z);
	if (h->n == 0) {
		snprintf(err, 256, "%s: no root server address (NS of \".\" with A/AAAA)", path);
		return false;
	}
	return true;
}
