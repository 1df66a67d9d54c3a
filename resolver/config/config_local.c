/* resolver/config/config_local.c: reading local-zones.zones and local-zones.data (see
 * config_local.h).
 *
 *   local-zones:
 *     off: [127.in-addr.arpa.]                 # defaults switched off (local.h)
 *     zones:
 *       - { name: example.lan., type: static } # Unbound's local-zone
 *     data:
 *       - "printer.example.lan. 3600 IN A 192.168.1.20"   # Unbound's local-data
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "config_local.h"

#define KEY_ZONES "local-zones.zones"
#define KEY_DATA "local-zones.data"

/* The items of sequence v, or an error naming what they should be. */
static bool items(struct config_yaml *y, const yaml_node_t *v, const char *key, const char *what,
                  yaml_node_item_t **start, size_t *n)
{
	*n = 0;
	if (!v || config_yaml_is_null(v))
		return true;
	if (v->type != YAML_SEQUENCE_NODE)
		return config_yaml_fail(y, v, key, "expected a list of %s", what);
	*start = v->data.sequence.items.start;
	*n = (size_t)(v->data.sequence.items.top - *start);
	return true;
}

/* The scalar value of key name in mapping m, or NULL when m has none. */
static const yaml_node_t *field(struct config_yaml *y, const yaml_node_t *m, const char *name)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = config_yaml_node(y, p->key);
		if (kn->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)kn->data.scalar.value, name) == 0)
			return config_yaml_node(y, p->value);
	}
	return NULL;
}

/* One { name: NAME, type: TYPE } item. */
static bool zone(struct config_yaml *y, struct local_zones *z, const yaml_node_t *m)
{
	const char *what = "a mapping { name: ZONE, type: TYPE }";
	if (m->type != YAML_MAPPING_NODE)
		return config_yaml_fail(y, m, KEY_ZONES, "expected %s", what);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
	     p++) {
		const yaml_node_t *kn = config_yaml_node(y, p->key);
		const char *k;
		if (!config_yaml_key(y, kn, KEY_ZONES, &k))
			return false;
		if (strcmp(k, "name") != 0 && strcmp(k, "type") != 0)
			return config_yaml_fail(y, kn, KEY_ZONES, "unknown key \"%.64s\" (%s)", k,
			                        what);
	}
	const yaml_node_t *nn = field(y, m, "name"), *tn = field(y, m, "type");
	const char *name, *type;
	uint8_t w[NAME_MAX_WIRE];
	size_t len;
	enum local_type t;
	char why[160];
	if (!nn || !tn)
		return config_yaml_fail(y, m, KEY_ZONES, "expected %s", what);
	if (!config_yaml_scalar(y, nn, KEY_ZONES, "a domain name", &name) ||
	    !config_yaml_scalar(y, tn, KEY_ZONES, "a zone type", &type))
		return false;
	enum err e = name_from_text(name, strlen(name), NULL, w, &len);
	if (e != ERR_OK)
		return config_yaml_fail(y, nn, KEY_ZONES, "not a domain name: \"%.64s\" (%s)", name,
		                        err_str(e));
	if (!local_type_from_text(type, &t))
		return config_yaml_fail(y, tn, KEY_ZONES, "\"%.32s\" is not %s", type,
		                        local_type_names());
	if (!local_zones_add_zone(z, w, t, why))
		return config_yaml_fail(y, nn, KEY_ZONES, "%s: %s", name, why);
	return true;
}

static bool zones_and_data(struct config_yaml *y, struct local_zones *z,
                           const struct config_local_keys *k)
{
	yaml_node_item_t *it = NULL;
	size_t n;
	char why[160];
	if (!items(y, k->zones, KEY_ZONES, "zones", &it, &n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!zone(y, z, config_yaml_node(y, it[i])))
			return false;
	if (!items(y, k->data, KEY_DATA, "records", &it, &n))
		return false;
	for (size_t i = 0; i < n; i++) {
		const yaml_node_t *v = config_yaml_node(y, it[i]);
		const char *s;
		if (!config_yaml_scalar(y, v, KEY_DATA, "a record (\"owner TTL IN type data\")",
		                        &s))
			return false;
		if (!local_zones_add_data(z, s, why))
			return config_yaml_fail(y, v, KEY_DATA, "%s", why);
	}
	return true;
}

bool config_local_build(struct config_yaml *y, struct config *c, const struct config_local_keys *k)
{
	struct local_limits lim;
	char why[160];
	local_limits_default(&lim);
	struct local_zones *z = local_zones_new(&lim);
	if (!z)
		return config_yaml_fail(y, NULL, "local-zones", "out of memory");
	for (size_t i = 0; i < c->n_local_zones_off; i++) {
		if (!local_zones_off(z, c->local_zones_off[i], why)) {
			char name[NAME_MAX_TEXT];
			struct buf_out b;
			buf_out_init(&b, (uint8_t *)name, sizeof(name) - 1);
			name_to_text(c->local_zones_off[i], &b);
			name[b.len] = 0;
			snprintf(y->err, 256, "%s:%u: local-zones.off: %.100s is %.40s", y->file,
			         k->off_line, name, why);
			local_zones_free(z);
			return false;
		}
	}
	if (!zones_and_data(y, z, k)) {
		local_zones_free(z);
		return false;
	}
	if (!local_zones_finish(z, why)) { /* a fault of the whole: the zones' line, or data's */
		local_zones_free(z);
		return config_yaml_fail(y, k->zones ? k->zones : k->data, "local-zones", "%s", why);
	}
	c->local = z;
	return true;
}
