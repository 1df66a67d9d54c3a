/* resolver/config/config_map.c: the toy internet's map, which loopback addresses serve which zone
 * files (see config.h).
 *
 * The map is a YAML file with one key, "zones": a list of entries with a name, a file and a
 * list of servers. Every server must be on loopback, since the toy internet is served on this
 * machine only and the resolver is told to query special addresses for it: an address
 * elsewhere would send real traffic somewhere. Zone files are read by whoever serves them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "config.h"
#include "config_yaml.h"

enum zone_key { ZK_NAME, ZK_FILE, ZK_SERVERS, ZK_COUNT };

static const char *const zone_keys[ZK_COUNT] = { "name", "file", "servers" };

static bool zone_name(struct config_yaml *y, const yaml_node_t *v, struct config_map_zone *z)
{
	const char *s;
	size_t len;
	if (!config_yaml_scalar(y, v, "zones.name", "a domain name", &s))
		return false;
	enum err e = name_from_text(s, strlen(s), NULL, z->name, &len);
	if (e != ERR_OK)
		return config_yaml_fail(y, v, "zones.name", "not a domain name: \"%.64s\" (%s)", s,
					err_str(e));
	return true;
}

static bool zone_file(struct config_yaml *y, const yaml_node_t *v, struct config_map_zone *z)
{
	const char *s;
	char path[CONFIG_PATH_MAX];
	if (!config_yaml_scalar(y, v, "zones.file", "a path", &s) ||
	    !config_yaml_path(y, v, "zones.file", s, path, sizeof(path)))
		return false;
	z->file = strdup(path);
	if (!z->file)
		return config_yaml_fail(y, v, "zones.file", "out of memory");
	return true;
}

static bool zone_servers(struct config_yaml *y, const yaml_node_t *v, struct config_map_zone *z)
{
	const char *key = "zones.servers";
	if (v->type != YAML_SEQUENCE_NODE)
		return config_yaml_fail(y, v, key, "expected a list of loopback addresses");
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0 || n > CONFIG_MAP_MAX_SERVERS)
		return config_yaml_fail(y, v, key, "expected 1 to %d addresses",
					CONFIG_MAP_MAX_SERVERS);
	z->servers = calloc(n, sizeof(*z->servers));
	if (!z->servers)
		return config_yaml_fail(y, v, key, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *item = config_yaml_node(y, v->data.sequence.items.start[i]);
		struct sockaddr_storage *ss = &z->servers[i];
		const char *s;
		if (!config_yaml_scalar(y, item, key, "a loopback address", &s))
			return false;
		if (!config_yaml_addr(s, ss))
			return config_yaml_fail(y, item, key,
						"not an IPv4 or IPv6 address: \"%.64s\"", s);
		if (!config_yaml_is_loopback(ss))
			return config_yaml_fail(y, item, key,
						"%s is not a loopback address (the toy internet "
						"never leaves loopback: use 127.0.0.0/8 or ::1)",
						s);
		for (size_t j = 0; j < i; j++)
			if (memcmp(&z->servers[j], ss, sizeof(*ss)) == 0)
				return config_yaml_fail(y, item, key, "%s listed twice", s);
		z->n_servers = i + 1;
	}
	return true;
}

/* One entry of the zones list into z. */
static bool load_zone(struct config_yaml *y, const yaml_node_t *map, struct config_map_zone *z)
{
	unsigned seen[ZK_COUNT] = { 0 };
	z->line = config_yaml_line(map);
	if (map->type != YAML_MAPPING_NODE)
		return config_yaml_fail(y, map, "zones",
					"expected a mapping with name, file and servers");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = config_yaml_node(y, p->key);
		const yaml_node_t *v = config_yaml_node(y, p->value);
		const char *name;
		if (!config_yaml_key(y, kn, "zones", &name))
			return false;
		size_t k = 0;
		while (k < ZK_COUNT && strcmp(zone_keys[k], name) != 0)
			k++;
		char key[80];
		snprintf(key, sizeof(key), "zones.%.64s", name);
		if (k == ZK_COUNT)
			return config_yaml_fail(y, kn, key, "unknown key");
		if (seen[k])
			return config_yaml_fail(y, kn, key, "duplicate key (first at line %u)",
						seen[k]);
		seen[k] = config_yaml_line(kn);
		bool ok = k == ZK_NAME ? zone_name(y, v, z)
			  : k == ZK_FILE ? zone_file(y, v, z)
					 : zone_servers(y, v, z);
		if (!ok)
			return false;
	}
	for (size_t k = 0; k < ZK_COUNT; k++) {
		if (!seen[k]) {
			char key[32];
			snprintf(key, sizeof(key), "zones.%s", zone_keys[k]);
			return config_yaml_fail(y, map, key, "missing (every zone needs "
							    "name, file and servers)");
		}
	}
	return true;
}

static int by_name(const void *a, const void *b)
{
	const struct config_map_zone *za = *(const struct config_map_zone *const *)a;
	const struct config_map_zone *zb = *(const struct config_map_zone *const *)b;
	int c = name_compare(za->name, zb->name);
	return c ? c : (za->line > zb->line) - (za->line < zb->line);
}

/* No zone twice: sorted by name, equal names are neighbours; the later entry is at fault. */
static bool unique_names(struct config_yaml *y, struct config_map *m)
{
	const struct config_map_zone **sorted = calloc(m->n, sizeof(*sorted));
	if (!sorted)
		return config_yaml_fail(y, NULL, "zones", "out of memory");
	for (size_t i = 0; i < m->n; i++)
		sorted[i] = &m->zones[i];
	qsort(sorted, m->n, sizeof(*sorted), by_name);
	bool ok = true;
	for (size_t i = 1; i < m->n && ok; i++) {
		if (name_compare(sorted[i - 1]->name, sorted[i]->name) != 0)
			continue;
		char text[NAME_MAX_TEXT];
		struct buf_out o;
		buf_out_init(&o, (uint8_t *)text, sizeof(text) - 1);
		name_to_text(sorted[i]->name, &o);
		text[o.len] = 0;
		snprintf(y->err, 256, "%s:%u: zones.name: %.100s listed twice (first at line %u)",
			 y->file, sorted[i]->line, text, sorted[i - 1]->line);
		ok = false;
	}
	free(sorted);
	return ok;
}

static bool load_zones(struct config_yaml *y, const yaml_node_t *v, struct config_map *m)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return config_yaml_fail(y, v, "zones", "expected a list of zones");
	size_t n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0 || n > CONFIG_MAP_MAX_ZONES)
		return config_yaml_fail(y, v, "zones", "expected 1 to %d zones",
					CONFIG_MAP_MAX_ZONES);
	m->zones = calloc(n, sizeof(*m->zones));
	if (!m->zones)
		return config_yaml_fail(y, v, "zones", "out of memory");
	m->n = n; /* zeroed entries free cleanly if one fails to load */
	for (size_t i = 0; i < n; i++)
		if (!load_zone(y, config_yaml_node(y, v->data.sequence.items.start[i]),
			       &m->zones[i]))
			return false;
	return unique_names(y, m);
}

static bool load_top(struct config_yaml *y, struct config_map *m)
{
	const yaml_node_t *root = config_yaml_root(y);
	if (!root || config_yaml_is_null(root))
		return config_yaml_fail(y, NULL, "zones", "missing (the list of zones to serve)");
	if (root->type != YAML_MAPPING_NODE)
		return config_yaml_fail(y, root, NULL, "expected a mapping with the key zones");
	const yaml_node_t *zones = NULL;
	unsigned zones_line = 0;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *kn = config_yaml_node(y, p->key);
		const char *name;
		if (!config_yaml_key(y, kn, NULL, &name))
			return false;
		if (strcmp(name, "zones") != 0)
			return config_yaml_fail(y, kn, name, "unknown key");
		if (zones)
			return config_yaml_fail(y, kn, name, "duplicate key (first at line %u)",
						zones_line);
		zones = config_yaml_node(y, p->value);
		zones_line = config_yaml_line(kn);
	}
	if (!zones)
		return config_yaml_fail(y, root, "zones", "missing (the list of zones to serve)");
	return load_zones(y, zones, m);
}

bool config_load_map(const char *path, struct config_map **out, char err[static 256])
{
	struct config_yaml y;
	if (!config_yaml_load(&y, path, err))
		return false;
	struct config_map *m = calloc(1, sizeof(*m));
	bool ok = m && load_top(&y, m);
	if (!m)
		snprintf(err, 256, "%s: out of memory", path);
	config_yaml_fini(&y);
	if (!ok) {
		config_map_free(m);
		return false;
	}
	*out = m;
	return true;
}

void config_map_free(struct config_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->zones[i].file);
		free(m->zones[i].servers);
	}
	free(m->zones);
	free(m);
}
