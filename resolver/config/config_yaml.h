/* resolver/config/config_yaml.h: what config.c and config_map.c share for reading YAML (internal).
 *
 * Loading one YAML document with libyaml, walking its nodes with the line each began on, and
 * the value forms both files use: scalars, IP addresses, paths relative to the file being read.
 * Every failure writes "file:line: key: reason" into the caller's 256-byte buffer. The schemas
 * themselves (which keys, which ranges) are config.c's, config_fwd.c's and config_map.c's; only
 * those files include this header, so libyaml stays inside resolver/config*.c.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CONFIG_YAML_H
#define RESOLVER_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include <yaml.h>

/* One file being read: its name for messages, its document and the caller's error buffer. */
struct config_yaml {
	const char *file;
	char *err;
	yaml_document_t doc;
};

/* Opens path and loads its one YAML document into y->doc; y->file and y->err are set to path
 * and err. A file that cannot be opened or read fails with "path: cannot open: <strerror>", a
 * YAML error with "path:line: YAML syntax: <libyaml's problem>", a second document with
 * "path:line: more than one YAML document". Returns true with y to be released by
 * config_yaml_fini, otherwise false with nothing to release. */
bool config_yaml_load(struct config_yaml *y, const char *path, char err[static 256]);

/* Releases the document loaded by config_yaml_load. */
void config_yaml_fini(struct config_yaml *y);

/* The document's root node, NULL for an empty document. */
yaml_node_t *config_yaml_root(struct config_yaml *y);

/* The node with the given id (from a mapping pair or a sequence item). */
yaml_node_t *config_yaml_node(struct config_yaml *y, int id);

/* The 1-based line where node n begins. */
unsigned config_yaml_line(const yaml_node_t *n);

/* Writes "file:line: key: reason" (reason printf-style, line n's) into y->err and returns
 * false, so that a check can end with "return config_yaml_fail(...)". A NULL key leaves the
 * "key: " part out; a NULL n leaves the line out. */
bool config_yaml_fail(struct config_yaml *y, const yaml_node_t *n, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True for a scalar with no value: empty, "~" or "null", not quoted. */
bool config_yaml_is_null(const yaml_node_t *n);

/* Gives the text of scalar n in *s (NUL-terminated). When n is not a scalar, has no value or
 * holds a NUL byte, fails (config_yaml_fail) with "expected <what>". */
bool config_yaml_scalar(struct config_yaml *y, const yaml_node_t *n, const char *key,
			const char *what, const char **s);

/* Gives the text of mapping key kn in *s. A key that is not a plain piece of text (a list, a
 * mapping, a NUL byte inside) fails with "where: expected a key name" (where may be NULL). */
bool config_yaml_key(struct config_yaml *y, const yaml_node_t *kn, const char *where,
		     const char **s);

/* Parses an IPv4 or IPv6 address in text (no scope, no port) into ss with port 0. */
bool config_yaml_addr(const char *text, struct sockaddr_storage *ss);

/* Checks that an address is in 127.0.0.0/8 or is ::1. */
bool config_yaml_is_loopback(const struct sockaddr_storage *ss);

/* Resolves path as written in the file being read (scalar node n, for messages): absolute
 * paths stay, relative ones are taken from the directory of y->file, so that the result is
 * usable from the current directory. Writes at most cap bytes to out; an empty path or one
 * too long fails with key in the message. */
bool config_yaml_path(struct config_yaml *y, const yaml_node_t *n, const char *key,
		      const char *path, char *out, size_t cap);

#endif
