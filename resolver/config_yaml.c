/* resolver/config_yaml.c: loading one YAML document and the value forms the configuration and
 * the toy-internet map share (see config_yaml.h).
 *
 * libyaml's document loader keeps every node with its start mark, so messages can name the
 * line of the value at fault. It resolves aliases to the node they name (no copying, so an
 * alias bomb costs nothing) and does not check duplicate keys: the schemas in config.c and
 * config_map.c do.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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
	bool loaded = false, ok = false;
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		snprintf(err, 256, "%s: out of memory", path);
		fclose(f);
		return false;
	}
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &y->doc)) {
		if (ferror(f))
			snprintf(err, 256, "%s: cannot read: %s", path, strerror(errno));
		else
			syntax_error(y, &p);
		goto fail;
	}
	loaded = true;
	if (yaml_document_get_root_node(&y->doc) && !only_document(y, &p))
		goto fail;
	ok = true;
fail:
	if (loaded && !ok)
		yaml_document_delete(&y->doc);
	yaml_parser_delete(&p);
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
