/* resolver/server/server_zones.c: the toy internet's zones, loaded at start and again on
 * reload, with what changed between the two.
 *
 * A reload reads the map and every zone file again; only when all of them load, and the map
 * names the same server addresses (the listeners are bound at start), does the new set
 * replace the old, in one atomic store the workers see on their next query; the old set is
 * freed once no worker or zone transfer can read it (server_priv.h, reclaim.h). Each file's bytes
 * are hashed, so the report names the zones whose files changed, and those added or removed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "server_priv.h"

#define ZONE_FILE_HASH_MAX (64u << 20) /* bytes hashed of one zone file: reload time */

/* FNV-1a over the file's bytes (a change detector, not a defence); 0 when it cannot be read. */
static uint64_t file_hash(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	uint64_t h = 0xcbf29ce484222325u;
	unsigned char buf[8192];
	size_t n, total = 0;
	while (total < ZONE_FILE_HASH_MAX && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 0x100000001b3u;
		total += n;
	}
	fclose(f);
	return h;
}

static void zoneset_free(struct zoneset *z)
{
	if (!z)
		return;
	auth_free(z->auth);
	free(z->names);
	free(z->hashes);
	free(z);
}

static void zoneset_reclaimed(struct reclaim_node *n)
{
	zoneset_free((struct zoneset *)n);
}

/* The zones of the map at path, loaded; NULL with err on failure. */
static struct zoneset *zoneset_load(const char *path, char err[static 256])
{
	struct config_map *map;
	if (!config_load_map(path, &map, err))
		return NULL;
	struct zoneset *z = calloc(1, sizeof(*z));
	if (z) {
		z->node.free = zoneset_reclaimed;
		z->n = map->n;
		z->names = calloc(map->n, sizeof(*z->names));
		z->hashes = calloc(map->n, sizeof(*z->hashes));
	}
	if (!z || !z->names || !z->hashes) {
		snprintf(err, 256, "%s: out of memory", path);
		goto fail;
	}
	for (size_t i = 0; i < map->n; i++) {
		memcpy(z->names[i], map->zones[i].name, NAME_MAX_WIRE);
		z->hashes[i] = file_hash(map->zones[i].file);
	}
	if (!auth_load(map, &z->auth, err))
		goto fail;
	config_map_free(map);
	return z;
fail:
	config_map_free(map);
	zoneset_free(z);
	return NULL;
}

bool zones_load(struct server *s, const char *path, char err[static 256])
{
	struct zoneset *z = zoneset_load(path, err);
	if (!z)
		return false;
	atomic_store(&s->zones, z);
	return true;
}

void zones_free(struct server *s)
{
	zoneset_free(atomic_exchange(&s->zones, NULL));
}

static bool same_addresses(const struct auth *a, const struct auth *b)
{
	size_t na, nb;
	const struct sockaddr_storage *sa = auth_addresses(a, &na), *sb = auth_addresses(b, &nb);
	return na == nb && memcmp(sa, sb, na * sizeof(*sa)) == 0;
}

static ssize_t find_zone(const struct zoneset *z, const uint8_t *name)
{
	for (size_t i = 0; i < z->n; i++)
		if (name_equal(z->names[i], name))
			return (ssize_t)i;
	return -1;
}

/* Appends " NAME (what)" for every zone that differs between old and new. */
static unsigned describe(const struct zoneset *old, const struct zoneset *new,
			 struct buf_out *out)
{
	unsigned n = 0;
	for (size_t i = 0; i < new->n; i++) {
		ssize_t j = find_zone(old, new->names[i]);
		if (j >= 0 && old->hashes[j] == new->hashes[i])
			continue;
		buf_puts(out, n++ ? ", " : " ");
		name_to_text(new->names[i], out);
		buf_puts(out, j < 0 ? " (added)" : " (changed)");
	}
	for (size_t j = 0; j < old->n; j++) {
		if (find_zone(new, old->names[j]) >= 0)
			continue;
		buf_puts(out, n++ ? ", " : " ");
		name_to_text(old->names[j], out);
		buf_puts(out, " (removed)");
	}
	return n;
}

bool server_reload_zones(struct server *s, const char *map, char *report, size_t cap)
{
	char err[256] = "";
	struct buf_out out;
	buf_out_init(&out, report, cap - 1);
	/* the reloading thread is the only one that retires zone sets: old stays meanwhile */
	struct zoneset *old = atomic_load(&s->zones);
	if (!old || !map[0]) {
		snprintf(report, cap, "zones: no toy internet served");
		return true;
	}
	struct zoneset *z = zoneset_load(map, err);
	if (!z) {
		snprintf(report, cap, "zones: kept the zones in force: %s", err);
		return false;
	}
	if (!same_addresses(z->auth, old->auth)) {
		snprintf(report, cap, "zones: kept the zones in force: %s names other server "
				      "addresses (they change only at restart)", map);
		zoneset_free(z);
		return false;
	}
	buf_puts(&out, "zones:");
	if (describe(old, z, &out) == 0)
		buf_puts(&out, " none changed");
	report[out.len] = 0;
	atomic_store(&s->zones, z); /* seq_cst: reclaim.c says why */
	reclaim_retire(&s->reclaim, &old->node);
	reclaim_run(&s->reclaim, true);
	return true;
}
