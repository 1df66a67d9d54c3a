/* resolver/iter/hints.h: the root hints: names and addresses of the root servers to start from.
 *
 * Read from a master file of NS records for "." and A/AAAA records for those names (IANA's
 * named.root, or conf/toy-root.hints for the toy internet), or built from a list of
 * addresses (qdig +trace). The resolver only starts from them: the first resolution that needs
 * the root primes the real NS set from them (RFC 8109).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_HINTS_H
#define RESOLVER_HINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "name.h"

#define HINTS_MAX 64 /* root server addresses kept */

struct hints_server {
	uint8_t name[NAME_MAX_WIRE];
	struct sockaddr_storage addr; /* port 0: the caller's upstream port applies */
};

struct hints {
	struct hints_server s[HINTS_MAX];
	size_t n;
};

/* Reads a hints file into h. Each NS record of the root names a server; each A or AAAA record
 * of such a name gives an address. false with "file:line: reason" or "file: reason" in err
 * when the file does not read or gives no address. */
bool hints_load(const char *path, struct hints *h, char err[static 256]);

/* Adds one server (name and address) to h; false when h is full. */
bool hints_add(struct hints *h, const uint8_t *name, const struct sockaddr *addr);

#endif
