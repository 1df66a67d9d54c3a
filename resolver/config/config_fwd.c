/* resolver/config/config_fwd.c: the forwarding section's zone lists (see config_fwd.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "config_fwd.h"
#include "text.h"

#define FWD_PORT 53 /* of an address given without @port */

/* "address" or "address@port" into ss (port 1 to 65535). */
static bool parse_addr(const char *s, struct sockaddr_storage *ss)
{
	char text[64];
	uint32_t port = FWD_PORT;
	const char *at = strchr(s, '@');
	size_t n = at ? (size_t)(at - s) : strlen(s);
	if (n >= sizeof(text))
		return false;
	memcpy(text, s, n);
	text[n] = 0;
	if (at && (text_u32(at + 1, strlen(at + 1), 65535, &port) != ERR_OK || port == 0))
		return false;
	if (!config_yaml_addr(text, ss))
		return false;
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
	return true;
}

static bool read_addrs(struct config_yaml *y, const yaml_node_t *v, const char *key,
		       struct fwd_zone *z)
{
	size_t n = v->type == YAML_SEQUENCE_NODE
			   ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)
			   : 0;
	if (n == 0 || n > FWD_MAX_ADDRS)
		return config_yaml_fail(y, v, key, "expected 1 to %d addresses", FWD_MAX_ADDRS);
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *item = config_yaml_node(y, v->data.sequence.items.start[i]);
		const char *s;
		if (!config_yaml_scalar(y, item, key, "an address", &s))
			return false;
		if (!parse_addr(s, &z->addr[i]))
			return config_yaml_fail(y, item, key,
						"not an address or address@port: \"%.64s\"", s);
	}
	z->n_addr = n;
	return true;
}

/* One field of a zone's mapping; seen records which were given (name, addresses, first). */
static bool read_field(struct config_yaml *y, const char *key, const yaml_node_pair_t *p,
		       struct fwd_zone *z, unsigned seen[3])
{
	static const char *const fields[3] = { "name", "addresses", "first" };
	const yaml_node_t *kn = config_yaml_node(y, p->key), *v = config_yaml_node(y, p->value);
	const char *field, *s;
	char full[160];
	if (!config_yaml_key(y, kn, key, &field))
		return false;
	snprintf(full, sizeof(full), "%s.%.64s", key, field);
	int f = 0;
	while (f < 3 && strcmp(fields[f], field) != 0)
		f++;
	if (f == 3)
		return config_yaml_fail(y, kn, full, "unknown key");
	if (seen[f])
		return config_yaml_fail(y, kn, full, "duplicate key (first at line %u)", seen[f]);
	seen[f] = config_yaml_line(kn);
	if (f == 1)
		return read_addrs(y, v, full, z);
	if (f == 2) {
		if (!config_yaml_scalar(y, v, full, "true or false", &s))
			return false;
		z->first = strcmp(s, "true") == 0;
		if (!z->first && strcmp(s, "false") != 0)
			return config_yaml_fail(y, v, full, "expected true or false");
		return true;
	}
	size_t len;
	if (!config_yaml_scalar(y, v, full, "a domain name", &s))
		return false;
	enum err e = name_from_text(s, strlen(s), NULL, z->name, &len);
	if (e != ERR_OK)
		return config_yaml_fail(y, v, full, "not a domain name: \"%.64s\" (%s)", s,
					err_str(e));
	name_lower(z->name);
	return true;
}

static bool listed(const struct fwd_zones *l, size_t n, const uint8_t *name)
{
	for (size_t i = 0; i < n; i++)
		if (name_equal(l->z[i].name, name))
			return true;
	return false;
}

static bool read_zone(struct config_yaml *y, const yaml_node_t *v, const char *key,
		      const struct fwd_zones *other, const char *other_kind,
		      struct fwd_zones *out, size_t i)
{
	struct fwd_zone *z = &out->z[i];
	unsigned seen[3] = { 0 };
	if (v->type != YAML_MAPPING_NODE)
		return config_yaml_fail(y, v, key,
					"expected a mapping of name, addresses and first");
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++)
		if (!read_field(y, key, p, z, seen))
			return false;
	if (!seen[0] || !seen[1])
		return config_yaml_fail(y, v, key, "%s missing", seen[0] ? "addresses" : "name");
	char text[NAME_MAX_TEXT];
	struct buf_out b;
	buf_out_init(&b, (uint8_t *)text, sizeof(text) - 1);
	name_to_text(z->name, &b);
	text[b.len] = 0;
	if (listed(out, i, z->name))
		return config_yaml_fail(y, v, key, "%.200s listed twice", text);
	if (listed(other, other->n, z->name))
		return config_yaml_fail(y, v, key, "%.200s is a %s zone too", text, other_kind);
	return true;
}

bool config_fwd_read(struct config_yaml *y, const yaml_node_t *v, const char *key,
		     const struct fwd_zones *other, const char *other_kind,
		     struct fwd_zones *out)
{
	memset(out, 0, sizeof(*out));
	if (config_yaml_is_null(v))
		return true;
	if (v->type != YAML_SEQUENCE_NODE)
		return config_yaml_fail(y, v, key, "expected a list of zones");
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n > FWD_MAX_ZONES)
		return config_yaml_fail(y, v, key, "more than %d zones", FWD_MAX_ZONES);
	for (size_t i = 0; i < n; i++)
		if (!read_zone(y, config_yaml_node(y, v->data.sequence.items.start[i]), key, other,
			       other_kind, out, i))
			return false;
	out->n = n;
	return true;
}
