/* resolver/config/config_yaml.c: loading one YAML document and the value forms the configuration and
 * the toy-internet map share (see config_yaml.h).
 *
 * libyaml's document loader keeps every node with its start mark, so messages can name the
 * line of the value at fault. It resolves aliases to the node they name (no copying, so an
 * alias bomb costs nothing) and does not check duplicate keys: the schemas in config.c and
 * config_map.c do. Before the loader, the file is read whole (at most CONFIG_FILE_MAX bytes)
 * and its events are walked once to refuse nesting deeper than CONFIG_NEST_MAX.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "config_yaml.h"

/* Writes "file:line: YAML syntax: problem (context at line N)" for a failed parse. */
static void syntax_error(struct config_yaml *y, const yaml_parser_t *p)
{
	if (p->error == YAML_MEMORY_ERROR) {
		snprintf(y->err, 256, "%s: out of memory", y->file);
		return;
	}
	/* Reader errors (bad encoding) have no problem mark; the parser's mark is where it was. */
	size_t line = (p->error == YAML_READER_ERROR ? p->mark.line : p->problem_mark.line) + 1;
	const char *problem = p->problem ? p->problem : "unknown error";
	if (p->context)
		snprintf(y->err, 256, "%s:%zu: YAML syntax: %s (%s at line %zu)", y->file, line,
			 problem, p->context, p->context_mark.line + 1);
	else
		snprintf(y->err, 256, "%s:%zu: YAML syntax: %s", y->file, line, problem);
}

/* Loads the document after the first: there must be none. */
static bool only_document(struct config_yaml *y, yaml_parser_t *p)
{
	yaml_document_t extra;
	if (!yaml_parser_load(p, &extra)) {
		syntax_error(y, p);
		return false;
	}
	bool more = yaml_document_get_root_node(&extra) != NULL;
	size_t line = extra.start_mark.line + 1;
	yaml_document_delete(&extra);
	if (more)
		snprintf(y->err, 256, "%s:%zu: more than one YAML document", y->file, line);
	return !more;
}

/* Reads the whole file into *text (NUL-terminated, to free), refusing one over
 * CONFIG_FILE_MAX bytes before reading it (and a pipe or device that gives more). */
static bool read_all(struct config_yaml *y, FILE *f, char **text, size_t *len)
{
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > CONFIG_FILE_MAX) {
		snprintf(y->err, 256, "%s: file over %u MiB (%lld bytes)", y->file,
			 CONFIG_FILE_MAX >> 20, (long long)st.st_size);
		return false;
	}
	char *buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		snprintf(y->err, 256, "%s: out of memory", y->file);
		return false;
	}
	size_t n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f) || n > CONFIG_FILE_MAX) {
		if (ferror(f))
			snprintf(y->err, 256, "%s: cannot read: %s", y->file, strerror(errno));
		else
			snprintf(y->err, 256, "%s: file over %u MiB", y->file,
				 CONFIG_FILE_MAX >> 20);
		free(buf);
		return false;
	}
	buf[n] = 0;
	*text = buf;
	*len = n;
	return true;
}

/* A parser reading text; false (with the error in y) when libyaml has no memory for one. */
static bool parser_on(struct config_yaml *y, yaml_parser_t *p, const char *text, size_t len)
{
	if (!yaml_parser_initialize(p)) {
		snprintf(y->err, 256, "%s: out of memory", y->file);
		return false;
	}
	yaml_parser_set_input_string(p, (const unsigned char *)text, len);
	return true;
}

/* Walks the events of text, failing at the first collection nested deeper than
 * CONFIG_NEST_MAX, before libyaml's document loader sees it: the loader (its flow-level
 * bookkeeping) takes time quadratic in the depth, 23 s for 200 KB of "[". A syntax error
 * found here is reported as the loader would. */
static bool check_depth(struct config_yaml *y, const char *text, size_t len)
{
	yaml_parser_t p;
	if (!parser_on(y, &p, text, len))
		return false;
	unsigned depth = 0;
	bool ok = false;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			syntax_error(y, &p);
			break;
		}
		yaml_event_type_t t = ev.type;
		size_t line = ev.start_mark.line + 1;
		yaml_event_delete(&ev);
		if (t == YAML_SEQUENCE_START_EVENT || t == YAML_MAPPING_START_EVENT) {
			if (++depth > CONFIG_NEST_MAX) {
				snprintf(y->err, 256, "%s:%zu: YAML nesting deeper than %u levels",
					 y->file, line, CONFIG_NEST_MAX);
				break;
			}
		} else if (t == YAML_SEQUENCE_END_EVENT || t == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (t == YAML_STREAM_END_EVENT) {
			ok = true;
			break;
		}
	}
	yaml_parser_delete(&p);
	return ok;
}

/* Loads the one document of text into y->doc. */
static bool load_text(struct config_yaml *y, const char *text, size_t len)
{
	yaml_parser_t p;
	if (!parser_on(y, &p, text, len))
		return false;
	bool ok = false;
	if (!yaml_parser_load(&p, &y->doc)) {
		syntax_error(y, &p);
	} else if (yaml_document_get_root_node(&y->doc) && !only_document(y, &p)) {
		yaml_document_delete(&y->doc);
	} else {
		ok = true;
	}
	yaml_parser_delete(&p);
	return ok;
}

bool config_yaml_load(struct config_yaml *y, const char *path, char err[static 256])
{
	y->file = path;
	y->err = err;
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		f = NULL;
		errno = EISDIR;
	}
	if (!f) {
		snprintf(err, 256, "%s: cannot open: %s", path, strerror(errno));
		return false;
	}
	char *text = NULL;
	size_t len = 0;
	bool ok = read_all(y, f, &text, &len) && check_depth(y, text, len) &&
		  load_text(y, text, len);
	free(text);
	fclose(f);
	return ok;
}

void config_yaml_fini(struct config_yaml *y)
{
	yaml_document_delete(&y->doc);
}

yaml_node_t *config_yaml_root(struct config_yaml *y)
{
	return yaml_document_get_root_node(&y->doc);
}

yaml_node_t *config_yaml_node(struct config_yaml *y, int id)
{
	return yaml_document_get_node(&y->doc, id);
}

unsigned config_yaml_line(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

bool config_yaml_fail(struct config_yaml *y, const yaml_node_t *n, const char *key,
		      const char *fmt, ...)
{
	char where[32] = "";
	if (n)
		snprintf(where, sizeof(where), ":%u", config_yaml_line(n));
	int w = snprintf(y->err, 256, "%s%s: %s%s", y->file, where, key ? key : "",
			 key ? ": " : "");
	if (w < 0 || w >= 255)
		return false; /* the file name alone fills the buffer */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(y->err + w, 256 - (size_t)w, fmt, ap);
	va_end(ap);
	return false;
}

bool config_yaml_is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	return n->data.scalar.length == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

bool config_yaml_scalar(struct config_yaml *y, const yaml_node_t *n, const char *key,
			const char *what, const char **s)
{
	if (n->type != YAML_SCALAR_NODE || config_yaml_is_null(n))
		return config_yaml_fail(y, n, key, "expected %s", what);
	const char *v = (const char *)n->data.scalar.value;
	/* A double-quoted "\0" puts a NUL inside the scalar: C strings would cut it short. */
	if (memchr(v, 0, n->data.scalar.length))
		return config_yaml_fail(y, n, key, "expected %s (not a NUL byte)", what);
	*s = v;
	return true;
}

bool config_yaml_key(struct config_yaml *y, const yaml_node_t *kn, const char *where,
		     const char **s)
{
	if (kn->type != YAML_SCALAR_NODE ||
	    memchr(kn->data.scalar.value, 0, kn->data.scalar.length))
		return config_yaml_fail(y, kn, where, "expected a key name");
	*s = (const char *)kn->data.scalar.value;
	return true;
}

bool config_yaml_addr(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		return true;
	}
	return false;
}

bool config_yaml_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;
	return ss->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

bool config_yaml_path(struct config_yaml *y, const yaml_node_t *n, const char *key,
		      const char *path, char *out, size_t cap)
{
	if (path[0] == 0)
		return config_yaml_fail(y, n, key, "expected a path");
	const char *slash = strrchr(y->file, '/');
	int w;
	if (path[0] == '/' || !slash)
		w = snprintf(out, cap, "%s", path);
	else
		w = snprintf(out, cap, "%.*s/%s", (int)(slash - y->file), y->file, path);
	if (w < 0 || (size_t)w >= cap)
		return config_yaml_fail(y, n, key, "path too long (over %zu bytes)", cap - 1);
	return true;
}
