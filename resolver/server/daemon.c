/* resolver/server/daemon.c: configuration check, privilege drop and systemd notification (see
 * daemon.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "auth.h"
#include "daemon.h"
#include "hints.h"
#include "log.h"
#include "val_anchor.h"

#define PASSWD_BUF 16384 /* getpwnam_r's buffer: one passwd entry's strings */

/* The uid and gid of user; false with the reason in err. */
static bool look_up(const char *user, uid_t *uid, gid_t *gid, char err[static 256])
{
	struct passwd pw, *p = NULL;
	char *buf = malloc(PASSWD_BUF);
	int rc = buf ? getpwnam_r(user, &pw, buf, PASSWD_BUF, &p) : ENOMEM;
	if (p) {
		*uid = p->pw_uid;
		*gid = p->pw_gid;
	} else if (rc) {
		snprintf(err, 256, "server.user: cannot look %.64s up: %s", user, strerror(rc));
	} else {
		snprintf(err, 256, "server.user: no user %.64s on this system", user);
	}
	free(buf);
	return p != NULL;
}

static bool hints_readable(const char *path, char err[static 256])
{
	struct hints *h = malloc(sizeof(*h));
	bool ok = h && hints_load(path, h, err);
	if (!h)
		snprintf(err, 256, "out of memory");
	free(h);
	return ok;
}

bool daemon_check(const struct config *cfg, bool auth_only, char err[static 256])
{
	uid_t uid;
	gid_t gid;
	if (cfg->server.user[0] && !look_up(cfg->server.user, &uid, &gid, err))
		return false;
	if (!auth_only && !hints_readable(cfg->resolver.root_hints, err))
		return false;
	if (!auth_only && cfg->dnssec.validate && cfg->dnssec.trust_anchor_file[0] &&
	    !val_anchors_check(cfg->dnssec.trust_anchor_file, err))
		return false;
	if (!cfg->toy.map[0]) {
		if (auth_only)
			snprintf(err, 256, "--auth-only needs toy-internet.map in the configuration");
		return !auth_only;
	}
	struct config_map *map;
	struct auth *a = NULL;
	if (!config_load_map(cfg->toy.map, &map, err))
		return false;
	bool ok = auth_load(map, &a, err);
	config_map_free(map);
	auth_free(a);
	return ok;
}

bool daemon_drop_user(const char *user, char err[static 256])
{
	uid_t uid;
	gid_t gid;
	if (!look_up(user, &uid, &gid, err))
		return false;
	if (getuid() == uid && geteuid() == uid && getgid() == gid && getegid() == gid)
		return true;
	const char *step = setgroups(1, &gid) != 0 ? "setgroups"
			   : setgid(gid) != 0      ? "setgid"
			   : setuid(uid) != 0      ? "setuid"
						   : NULL;
	if (step) {
		snprintf(err, 256, "server.user: cannot become %.64s (uid %u, gid %u): %s: %s", user,
			 (unsigned)uid, (unsigned)gid, step, strerror(errno));
		return false;
	}
	if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid ||
	    (uid != 0 && setuid(0) == 0)) {
		snprintf(err, 256, "server.user: still privileged after becoming %.64s", user);
		return false;
	}
	return true;
}

void daemon_notify(const char *state)
{
	if (!getenv("NOTIFY_SOCKET"))
		return;
	int rc = sd_notify(0, state);
	if (rc < 0)
		log_msg(LOG_WARN, "cannot tell systemd %s: %s", state, strerror(-rc));
}
