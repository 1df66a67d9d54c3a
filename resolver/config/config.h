/* resolver/config/config.h: resolverd's configuration, read from YAML into one immutable struct.
 *
 * config_load reads the file (sections server, access, cache, resolver, limits, log,
 * control, metrics, toy-internet and forwarding; conf/README.md documents every key), checks every key, type and range, and
 * hands back a struct config holding the values in host types, defaults filled in for whatever
 * the file leaves out. A fault stops the load with "file:line: key: reason" in the caller's
 * buffer; nothing is half-loaded, so SIGHUP can keep the old configuration on failure. The
 * toy internet's map (which loopback addresses serve which zone files) is a second YAML file,
 * read by config_load_map. The client access check, on every query's path, is here too, since
 * it reads nothing but the configuration.
 *
 * What is not here: opening sockets (server), reading root hints (hints) and zone files
 * (zonefile). The cache's limits, the iterator's limits and the log level are those modules'
 * own types (cache.h, iterator.h, log.h), filled in here with their defaults. Implemented in
 * config.c (the configuration), config_map.c (the map) and config_yaml.c (libyaml, shared by
 * both; no other file sees libyaml).
 *
 * Thread-safety: a loaded struct config or config_map is never changed, so any number of
 * threads may read it, and call config_client_allowed, until it is freed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef RESOLVER_CONFIG_H
#define RESOLVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "cache.h"
#include "iterator.h"
#include "local.h"
#include "log.h"
#include "name.h"

#define CONFIG_MAX_LISTEN 64      /* server.listen addresses; each costs sockets per thread */
#define CONFIG_MAX_PREFIXES 256   /* access.allow, access.refuse: each is scanned per query */
#define CONFIG_PATH_MAX 4096      /* a path as stored, the configuration's directory included */
#define CONFIG_MAP_MAX_ZONES 4096 /* zones in the toy-internet map */
#define CONFIG_MAP_MAX_SERVERS 32 /* servers of one zone in the map */
#define CONFIG_FILE_MAX (1u << 20) /* bytes of a configuration or map file: memory, time */
#define CONFIG_MAX_LOCAL_OFF 64   /* local-zones.off names: each is compared at start only */
#define CONFIG_NEST_MAX 64        /* YAML collections open at once: libyaml is quadratic in it */
#define CONFIG_USER_MAX 64        /* server.user with its NUL: useradd allows 32 characters */

/* An address prefix of access.allow or access.refuse. IPv4 prefixes hold their 4 bytes at the
 * start of addr; bits after len are zero. An IPv4-mapped IPv6 prefix (::ffff:a.b.c.d/96 or
 * longer) is stored as the IPv4 prefix it means. */
struct config_prefix {
	sa_family_t family; /* AF_INET or AF_INET6 */
	uint8_t len;        /* prefix length: 0-32 or 0-128 */
	uint8_t addr[16];   /* network byte order */
};

struct config_prefix_list {
	size_t n;
	struct config_prefix p[CONFIG_MAX_PREFIXES];
};

struct config {
	struct {
		struct sockaddr_storage listen[CONFIG_MAX_LISTEN]; /* port filled in */
		size_t n_listen;
		uint16_t port;
		unsigned threads;             /* worker threads, each with its own event loop */
		uint16_t udp_size;            /* EDNS payload size advertised and accepted */
		uint32_t tcp_idle_timeout_ms; /* RFC 7766 §6.2.3 idle timeout */
		uint32_t tcp_message_timeout_ms; /* whole after its first byte: slow senders */
		unsigned tcp_max_connections; /* per worker */
		unsigned tcp_max_per_client;  /* per worker and client address: one host's share */
		unsigned resolutions_per_thread; /* in flight; bounds memory and sockets */
		char user[CONFIG_USER_MAX];   /* whom to run as once bound; empty: no change */
	} server;
	struct {
		struct config_prefix_list allow, refuse;
	} access;
	struct cache_limits cache;
	struct {
		char root_hints[CONFIG_PATH_MAX]; /* usable from the current directory */
		uint16_t upstream_port;           /* where authoritative servers are asked */
		bool query_special_addresses;     /* may ask loopback, private, special-use */
		uint32_t first_timeout_ms;        /* first upstream timeout, before back-off */
		uint16_t edns_size;               /* EDNS payload size sent upstream */
		bool use_0x20;                    /* random case in upstream query names */
		bool qname_minimisation;          /* RFC 9156: one label more per zone */
		bool qname_minimisation_strict;   /* type NS and no fallback to the full name */
	} resolver;
	struct iter_limits limits;
	struct {
		bool validate;                      /* DNSSEC validation of what is cached */
		char trust_anchor_file[CONFIG_PATH_MAX]; /* DS records; empty: no anchor, so
							    nothing can be validated */
		uint8_t negative[VAL_ANCHOR_MAX][NAME_MAX_WIRE]; /* RFC 7646 */
		size_t n_negative;
		uint32_t bogus_ttl_s;               /* bogus data kept and refused this long */
		struct val_limits limits;           /* KeyTrap and NSEC3 bounds */
	} dnssec;
	uint8_t local_zones_off[CONFIG_MAX_LOCAL_OFF][NAME_MAX_WIRE]; /* locally served zones
							  (local.h) switched off */
	size_t n_local_zones_off;
	struct local_zones *local; /* local-zones: the defaults, zones and data, built at load
				      (config_local.c); freed by config_free */
	enum log_level log_level;
	enum log_format log_format; /* log.format: text or JSON lines */
	bool log_queries;           /* log.queries: one line per answered query */
	struct {
		char socket[CONFIG_PATH_MAX]; /* the Unix socket of resolverd-ctl; empty: none */
		gid_t gid;                    /* group whose members may use it besides root */
		bool has_group;               /* gid was given (control.group) */
	} control;
	struct {
		struct sockaddr_storage listen; /* port filled in */
		bool on;                        /* metrics.listen was given */
		uint16_t port;
	} metrics;
	struct {
		struct fwd_zones forward; /* forwarding.forward-zones (fwd.h) */
		struct fwd_zones stub;    /* forwarding.stub-zones */
	} forwarding;
	struct {
		char map[CONFIG_PATH_MAX]; /* the map file, usable from the current directory;
					      empty when the toy internet is off */
		uint16_t port;             /* port of the toy servers */
	} toy;
};

/* Reads the YAML configuration at path. Keys the file leaves out take their defaults (every
 * section and key is optional; an empty file gives all defaults), and relative paths in it are
 * taken from the directory of path. Returns true and a new configuration in *out, which the
 * caller frees with config_free. Otherwise returns false, leaves *out alone and writes the
 * reason to err: "path:line: key: reason" for a bad key, type, value or a duplicate key,
 * "path:line: YAML syntax: problem" for text that is not YAML, "path: cannot open: reason" for
 * a file that cannot be read. Whether the files it names exist is not checked here. */
bool config_load(const char *path, struct config **out, char err[static 256]);

/* Writes the "section.key" names of the keys whose values differ between a and b, comma
 * separated, into out (cap bytes, always terminated; cut when too long) and returns how many
 * differ. A key a running daemon takes only at restart (listen addresses, port, threads,
 * cache size, control socket, metrics address, toy-internet map and port) is followed by
 * " (at restart)". For telling an operator what a reload changed. */
unsigned config_diff(const struct config *a, const struct config *b, char *out, size_t cap);

/* Frees a configuration from config_load; config_free(NULL) does nothing. */
void config_free(struct config *c);

/* Whether client address sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as the
 * IPv4 address it holds) may be answered: false when it lies in any access.refuse prefix,
 * else true when it lies in any access.allow prefix, else false. Any other family is false.
 * Allocates nothing and takes no lock. */
bool config_client_allowed(const struct config *c, const struct sockaddr *sa);

/* One zone of the toy internet. */
struct config_map_zone {
	uint8_t name[NAME_MAX_WIRE];      /* the zone's apex, absolute, uncompressed wire form */
	char *file;                       /* its master file, usable from the current directory */
	struct sockaddr_storage *servers; /* AF_INET in 127.0.0.0/8 or AF_INET6 ::1; port 0 */
	size_t n_servers;                 /* at least 1 */
	unsigned line;                    /* the line of the zone's entry in the map */
};

/* The toy internet's map: zones in the order of the file, no name twice. */
struct config_map {
	struct config_map_zone *zones;
	size_t n; /* at least 1 */
};

/* Reads the toy-internet map at path: a "zones" list whose entries each have a name, a file
 * (relative paths taken from the directory of path) and servers, a list of loopback addresses.
 * Returns true and the map in *out, which the caller frees with config_map_free; otherwise
 * false, *out untouched and err written as for config_load. The zone files are not read. */
bool config_load_map(const char *path, struct config_map **out, char err[static 256]);

/* Frees a map from config_load_map; config_map_free(NULL) does nothing. */
void config_map_free(struct config_map *m);

#endif
