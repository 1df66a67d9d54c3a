/* resolver/ctl/reload.c: reloading the configuration and the zones together (see reload.h).
 * SPDX-License-Identifier: MIT
 */
#include "reload.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "val_anchor.h"

struct reload {
	pthread_mutex_t lock; /* one reload at a time */
	char *path;
	bool journal;
	struct config *first; /* server_new's; each reloaded one is the server's (server_reload) */
};

struct reload *reload_new(const char *path, struct config *first, bool journal)
{
	struct reload *r = calloc(1, sizeof(*r));
	if (r)
		r->path = strdup(path);
	if (!r || !r->path) {
		free(r);
		config_free(first);
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	r->journal = journal;
	r->first = first;
	return r;
}

const char *reload_path(const struct reload *r)
{
	return r->path;
}

/* The reload under the lock, was the configuration in force (held): false, with report
 * saying why, when nothing changed. */
static bool run(struct reload *r, struct server *s, const struct config *was, char *report,
		size_t cap)
{
	struct config *c;
	char err[256] = "", zones[1024], keys[512];
	if (!config_load(r->path, &c, err)) {
		snprintf(report, cap, "config: kept the configuration in force: %s\n"
				      "zones: not read (the configuration is bad)", err);
		return false;
	}
	/* the anchors read (server_reload reads them again), or nothing changes */
	if (c->dnssec.validate && c->dnssec.trust_anchor_file[0] &&
	    !val_anchors_check(c->dnssec.trust_anchor_file, err)) {
		config_free(c);
		snprintf(report, cap, "config: kept the configuration in force: %s\n"
				      "zones: not read (the configuration is bad)", err);
		return false;
	}
	/* the map in force: another one is taken at restart (config_diff says so) */
	if (!server_reload_zones(s, was->toy.map, zones, sizeof(zones))) {
		config_free(c);
		snprintf(report, cap, "config: kept the configuration in force: the zones are "
				      "bad\n%s", zones);
		return false;
	}
	unsigned n = config_diff(was, c, keys, sizeof(keys));
	log_set_level(c->log_level);
	log_set_format(c->log_format, r->journal);
	if (!server_reload(s, c)) { /* the anchors read a moment ago, and now not */
		config_free(c);
		snprintf(keys, sizeof(keys), " (the trust anchors did not read: kept)");
	}
	snprintf(report, cap, "config: reloaded %s: %s%s\n%s", r->path,
		 n ? "changed " : "no key changed", keys, zones);
	return true;
}

bool reload_run(struct reload *r, struct server *s, char *report, size_t cap)
{
	pthread_mutex_lock(&r->lock);
	struct snapshot *was = server_hold(s);
	bool ok = run(r, s, server_snapshot_config(was), report, cap);
	server_release(s, was); /* the configuration replaced goes once nothing uses it */
	pthread_mutex_unlock(&r->lock);
	for (const char *p = report; *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		log_msg(ok ? LOG_INFO : LOG_ERROR, "reload: %.*s", len, p);
		p += len + (nl ? 1 : 0);
	}
	return ok;
}

void reload_free(struct reload *r)
{
	if (!r)
		return;
	config_free(r->first);
	free(r->path);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
