/* lib/zonefile.c: the master-file reader: logical lines, directives, records.
 *
 * Text is read in layers. join_line gathers one record's physical lines into a logical line:
 * parentheses turn into spaces, comments are dropped, quoted strings and escapes are copied
 * untouched, so that text_token and rdata_from_text see one line of tokens. The logical line
 * is then a directive ($ORIGIN, $TTL, $INCLUDE) or a record: owner, TTL and class, type, and
 * the rest, which goes whole to rdata_from_text. Records go into growing arrays; owners and
 * rdata are packed, unaligned, into large arena blocks so that a big zone costs little more
 * than its bytes. The zone checks are zonecheck.c's.
 *
 * SPDX-License-Identifier: MIT
 */
#include "zonefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns.h"
#include "rdata.h"
#include "text.h"

#define POOL_BLOCK (64u << 10) /* arena block that owners and rdata are packed into */
#define POOL_BIG (8u << 10)    /* larger rdata gets an arena allocation of its own */
#define RDATA_MAX 65535u       /* rdlength is 16 bits */
#define TTL_MAX 2147483647u    /* RFC 2181 §8 */

/* One text being read: the top file, an $INCLUDEd one, or text from memory. */
struct source {
	const char *name; /* in the arena: positions point at it */
	bool is_file;     /* relative $INCLUDE paths start from its directory */
	const char *p, *end;
	char *owned;      /* a file's bytes, freed when it is done */
	uint32_t line;    /* the physical line at p */
	unsigned depth;   /* $INCLUDE nesting: 0 for the top */
};

struct reader {
	struct zonefile_zone *z;
	size_t cap; /* room in z->rr and z->pos */
	uint8_t origin[NAME_MAX_WIRE];
	const uint8_t *owner; /* the previous record's (in the arena); NULL before the first */
	uint32_t ttl_default, ttl_last;
	bool has_default, has_last;
	uint16_t rclass;      /* the previous record's class */
	char *line;           /* the logical line: one record's text, continuation lines joined */
	size_t len, line_cap;
	bool blank_owner;     /* the line began with a blank: the owner is carried over */
	uint32_t at;          /* where the logical line began */
	const struct source *src;
	uint8_t *rd;          /* the rdata being read */
	uint8_t *pool;
	size_t pool_left;
	char *err;
};

/* What comes between the owner and the rdata. */
struct head {
	uint32_t ttl;
	uint16_t rclass, type;
	bool has_ttl, has_class;
};

static bool fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(struct reader *r, const char *fmt, ...)
{
	int n = snprintf(r->err, 256, "%s:%u: ", r->src->name, (unsigned)r->at);
	if (n < 0 || n >= 256)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err + n, 256 - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* A token quoted for a message: at most 40 characters, control bytes shown as '?'. */
static const char *show(const struct text_tok *t, char out[48])
{
	size_t n = t->len > 40 ? 40 : t->len, k = 0;
	out[k++] = '\'';
	for (size_t i = 0; i < n; i++)
		out[k++] = (t->s[i] >= 0x20 && t->s[i] < 0x7F) ? t->s[i] : '?';
	if (n < t->len)
		for (int i = 0; i < 3; i++)
			out[k++] = '.';
	out[k++] = '\'';
	out[k] = 0;
	return out;
}

static const char *type_str(uint16_t type, char out[24])
{
	struct buf_out b;
	buf_out_init(&b, out, 24);
	rdata_type_to_text(type, &b);
	return out;
}

/* ---- logical lines ---- */

static bool line_put(struct reader *r, char c)
{
	if (r->len == r->line_cap) {
		if (r->line_cap >= ZONEFILE_MAX_LINE)
			return fail(r, "record longer than %u characters", ZONEFILE_MAX_LINE);
		size_t cap = r->line_cap ? 2 * r->line_cap : 4096;
		char *p = realloc(r->line, cap);
		if (!p)
			return fail(r, "out of memory");
		r->line = p;
		r->line_cap = cap;
	}
	r->line[r->len++] = c;
	return true;
}

/* Copies a backslash and the character it escapes, which stays as it is for the token and
 * name readers. A backslash at the end of a line escapes nothing and the line ends. */
static bool put_escape(struct reader *r, struct source *s)
{
	if (!line_put(r, '\\'))
		return false;
	if (s->p == s->end || *s->p == '\n' || *s->p == 0)
		return true;
	return line_put(r, *s->p++);
}

/* A character outside quotes that is special: ';' starts a comment, which runs to the end of
 * the line; parentheses let a record go on over lines and read as blanks. Returns the
 * character to keep, or 0 for none. */
static char outside_quotes(struct reader *r, struct source *s, char c, bool *paren, bool *ok)
{
	if (c == ';') {
		while (s->p < s->end && *s->p != '\n')
			s->p++;
		return 0;
	}
	if (c == '(' && *paren)
		*ok = fail(r, "nested '(' (parentheses do not nest)");
	else if (c == ')' && !*paren)
		*ok = fail(r, "')' without '('");
	if (c == '(' || c == ')') {
		*paren = c == '(';
		return ' ';
	}
	return c;
}

/* RFC 1035 §5.1: a record ends at a newline outside parentheses. */
static bool join_line(struct reader *r, struct source *s)
{
	bool quoted = false, paren = false, ok = true;
	while (ok && s->p < s->end) {
		char c = *s->p++;
		if (c == 0)
			return fail(r, "NUL character in the text");
		if (c == '\\') {
			ok = put_escape(r, s);
			continue;
		}
		if (c == '\n') {
			if (quoted)
				return fail(r, "quoted string not closed on its line");
			s->line++;
			if (!paren)
				return true;
			c = ' ';
		} else if (c == '"') {
			quoted = !quoted;
		} else if (!quoted) {
			c = outside_quotes(r, s, c, &paren, &ok);
		}
		if (ok && c)
			ok = line_put(r, c);
	}
	if (ok && quoted)
		return fail(r, "quoted string not closed at the end of the file");
	if (ok && paren)
		return fail(r, "'(' not closed by ')' before the end of the file");
	return ok;
}

static bool only_blanks(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

enum line_res { LINE_OK, LINE_END, LINE_FAIL };

/* The next logical line that is not blank, in r->line. */
static enum line_res next_line(struct reader *r, struct source *s)
{
	for (;;) {
		if (s->p == s->end)
			return LINE_END;
		r->len = 0;
		r->at = s->line;
		r->blank_owner = *s->p == ' ' || *s->p == '\t';
		if (!join_line(r, s))
			return LINE_FAIL;
		if (!only_blanks(r->line, r->len))
			return LINE_OK;
	}
}

/* ---- tokens ---- */

static bool word_is(const struct text_tok *t, const char *w)
{
	size_t n = strlen(w);
	if (t->len != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (name_fold((uint8_t)t->s[i]) != name_fold((uint8_t)w[i]))
			return false;
	return true;
}

/* A name token: "@" is the origin; quotes are not part of names. */
static enum err read_name(const struct text_tok *t, const uint8_t *origin,
			  uint8_t out[NAME_MAX_WIRE])
{
	size_t len;
	if (t->len == 1 && t->s[0] == '@') {
		memcpy(out, origin, name_len(origin));
		return ERR_OK;
	}
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] == '"')
			return ERR_SYNTAX;
		if (t->s[i] == '\\')
			i++;
	}
	return name_from_text(t->s, t->len, origin, out, &len);
}

static bool read_ttl(struct reader *r, const struct text_tok *t, uint32_t *ttl)
{
	char q[48];
	enum err e = text_ttl(t->s, t->len, ttl);
	if (e == ERR_OK && *ttl > TTL_MAX)
		e = ERR_RANGE;
	if (e == ERR_RANGE)
		return fail(r, "TTL %s over %u (RFC 2181 section 8)", show(t, q), TTL_MAX);
	if (e)
		return fail(r, "bad TTL %s", show(t, q));
	return true;
}

/* ---- storing ---- */

/* n bytes copied into the current arena block, unaligned. */
static const uint8_t *pool_dup(struct reader *r, const void *p, size_t n)
{
	if (n > POOL_BIG)
		return arena_dup(r->z->arena, p, n);
	if (!r->pool || n > r->pool_left) {
		r->pool = arena_alloc(r->z->arena, POOL_BLOCK);
		r->pool_left = r->pool ? POOL_BLOCK : 0;
		if (!r->pool)
			return NULL;
	}
	uint8_t *at = r->pool;
	if (n)
		memcpy(at, p, n);
	r->pool += n;
	r->pool_left -= n;
	return at;
}

static bool grow(struct reader *r)
{
	struct zonefile_zone *z = r->z;
	size_t cap = r->cap ? 2 * r->cap : 1024;
	if (cap > SIZE_MAX / sizeof(*z->rr))
		return fail(r, "out of memory");
	struct wire_rr *rr = realloc(z->rr, cap * sizeof(*rr));
	if (rr)
		z->rr = rr;
	struct zonecheck_pos *pos = realloc(z->pos, cap * sizeof(*pos));
	if (pos)
		z->pos = pos;
	if (!rr || !pos)
		return fail(r, "out of memory");
	r->cap = cap;
	return true;
}

static bool store(struct reader *r, const uint8_t *owner, const struct head *h, size_t rdlen)
{
	struct zonefile_zone *z = r->z;
	if (z->n == r->cap && !grow(r))
		return false;
	const uint8_t *rd = pool_dup(r, r->rd, rdlen);
	if (!rd)
		return fail(r, "out of memory");
	z->rr[z->n] = (struct wire_rr){ .owner = owner, .type = h->type, .rclass = h->rclass,
					.ttl = h->ttl, .rdlen = (uint16_t)rdlen, .rdata = rd };
	z->pos[z->n] = (struct zonecheck_pos){ .file = r->src->name, .line = r->at };
	z->n++;
	r->owner = owner;
	r->rclass = h->rclass;
	r->ttl_last = h->ttl;
	r->has_last = true;
	return true;
}

/* ---- records ---- */

/* The owner: the first token, or the previous record's when the line begins with a blank.
 * A name equal to the previous owner shares its bytes. */
static bool record_owner(struct reader *r, struct text_lex *lx, const uint8_t **owner)
{
	struct text_tok t;
	char q[48];
	uint8_t name[NAME_MAX_WIRE];
	if (r->blank_owner) {
		*owner = r->owner;
		if (!r->owner)
			return fail(r, "no owner name, and no record before to take it from");
		return true;
	}
	if (!text_token(lx, &t))
		return fail(r, "syntax error");
	enum err e = read_name(&t, r->origin, name);
	if (e)
		return fail(r, "bad owner name %s: %s", show(&t, q), err_str(e));
	size_t len = name_len(name);
	if (r->owner && name_len(r->owner) == len && memcmp(r->owner, name, len) == 0) {
		*owner = r->owner;
		return true;
	}
	*owner = pool_dup(r, name, len);
	return *owner ? true : fail(r, "out of memory");
}

/* RFC 6895 §3.1: 0 is reserved and 128-255 (with OPT) are meta-types, not data. */
static bool type_allowed(uint16_t type)
{
	return type != 0 && type != DNS_TYPE_OPT && (type < 128 || type > 255);
}

/* TTL and class in either order, then the type. */
static bool record_head(struct reader *r, struct text_lex *lx, struct head *h)
{
	struct text_tok t;
	char q[48];
	uint16_t v;
	for (;;) {
		if (!text_token(lx, &t))
			return fail(r, "missing type");
		if (t.s[0] >= '0' && t.s[0] <= '9') {
			if (h->has_ttl)
				return fail(r, "a second TTL %s", show(&t, q));
			if (!read_ttl(r, &t, &h->ttl))
				return false;
			h->has_ttl = true;
		} else if (!t.quoted && rdata_class_from_text(t.s, t.len, &v) == ERR_OK) {
			if (h->has_class)
				return fail(r, "a second class %s", show(&t, q));
			if (v == 0 || v == DNS_CLASS_NONE || v == DNS_CLASS_ANY)
				return fail(r, "class %s is not allowed in a zone", show(&t, q));
			h->rclass = v;
			h->has_class = true;
		} else if (!t.quoted && rdata_type_from_text(t.s, t.len, &h->type) == ERR_OK) {
			if (!type_allowed(h->type))
				return fail(r, "type %s is not allowed in a zone", show(&t, q));
			return true;
		} else {
			return fail(r, "unknown type %s", show(&t, q));
		}
	}
}

static bool record_rdata(struct reader *r, struct text_lex *lx, const struct head *h,
			 size_t *rdlen)
{
	char tn[24];
	struct buf_out out;
	buf_out_init(&out, r->rd, RDATA_MAX);
	const char *why = "bad rdata";
	if (rdata_from_text(h->type, lx->p, (size_t)(lx->end - lx->p), r->origin, &out, &why))
		return fail(r, "bad %s rdata: %s", type_str(h->type, tn), why);
	struct text_lex peek = *lx;
	struct text_tok t;
	bool generic = text_token(&peek, &t) && t.len == 2 && t.s[0] == '\\' && t.s[1] == '#';
	/* rdata_from_text checks generic rdata of a known type, but takes it empty, as an
	 * update may (RFC 2136 §2.5.2); in a zone it is a missing field. */
	if (generic && rdata_type_known(h->type) && out.len == 0)
		return fail(r, "empty generic rdata is not valid %s rdata", type_str(h->type, tn));
	*rdlen = out.len;
	return true;
}

/* A record without a TTL takes $TTL, else the previous record's; an SOA with neither takes its
 * MINIMUM (RFC 1035 §5.2, as NSD does). */
static bool default_ttl(struct reader *r, struct head *h, size_t rdlen)
{
	if (r->has_default) {
		h->ttl = r->ttl_default;
	} else if (r->has_last) {
		h->ttl = r->ttl_last;
	} else if (h->type == DNS_TYPE_SOA && rdlen >= 4) {
		const uint8_t *m = r->rd + rdlen - 4;
		h->ttl = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
		if (h->ttl > TTL_MAX)
			return fail(r, "SOA MINIMUM %u over %u cannot be its TTL (RFC 2181 section 8)",
				    h->ttl, TTL_MAX);
	} else {
		return fail(r, "no TTL, and no $TTL or record before to take it from");
	}
	return true;
}

/* A record without a class takes the previous record's, IN for the first; a zone has one. */
static bool record_defaults(struct reader *r, struct head *h, size_t rdlen)
{
	char a[24], b[24];
	if (!h->has_ttl && !default_ttl(r, h, rdlen))
		return false;
	if (!h->has_class)
		h->rclass = r->z->n ? r->rclass : DNS_CLASS_IN;
	if (r->z->n && h->rclass != r->z->rr[0].rclass) {
		struct buf_out out;
		buf_out_init(&out, a, sizeof(a));
		rdata_class_to_text(h->rclass, &out);
		buf_out_init(&out, b, sizeof(b));
		rdata_class_to_text(r->z->rr[0].rclass, &out);
		return fail(r, "class %s differs from the zone's class %s", a, b);
	}
	return true;
}

static bool record(struct reader *r)
{
	struct text_lex lx;
	text_lex_init(&lx, r->line, r->len);
	const uint8_t *owner = NULL;
	struct head h = { 0 };
	size_t rdlen = 0;
	return record_owner(r, &lx, &owner) && record_head(r, &lx, &h) &&
	       record_rdata(r, &lx, &h, &rdlen) && record_defaults(r, &h, rdlen) &&
	       store(r, owner, &h, rdlen);
}

/* ---- files and directives ---- */

/* Reads a whole file into a new buffer. Only regular files: a device or a pipe could feed
 * the reader without end. On failure returns why (a static string). */
static const char *load_file(const char *path, char **text, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		const char *why = strerror(errno);
		if (fd >= 0)
			close(fd);
		return why;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file";
	}
	size_t cap = (size_t)st.st_size + 1, n = 0; /* one more, to see the end at once */
	char *buf = malloc(cap);
	ssize_t got = 1;
	while (buf && got > 0) {
		if (n == cap) {
			char *p = cap < SIZE_MAX / 2 ? realloc(buf, cap *= 2) : NULL;
			if (!p)
				free(buf);
			buf = p;
		} else if ((got = read(fd, buf + n, cap - n)) > 0) {
			n += (size_t)got;
		}
	}
	const char *why = !buf ? "out of memory" : got < 0 ? strerror(errno) : NULL;
	close(fd);
	if (why) {
		free(buf);
		return why;
	}
	*text = buf;
	*len = n;
	return NULL;
}

/* Opens a file as a source; on failure returns why. */
static const char *source_open(struct reader *r, const char *path, unsigned depth,
			       struct source *s)
{
	*s = (struct source){ .is_file = true, .line = 1, .depth = depth };
	s->name = arena_dup(r->z->arena, path, strlen(path) + 1);
	if (!s->name)
		return "out of memory";
	size_t len = 0;
	const char *why = load_file(path, &s->owned, &len);
	if (why)
		return why;
	s->p = s->owned;
	s->end = s->owned + len;
	return NULL;
}

static bool read_source(struct reader *r, struct source *s);

/* The path of an included file: relative to the including file's directory. */
static bool include_path(struct reader *r, const struct source *s, const struct text_tok *t,
			 char path[PATH_MAX])
{
	char file[PATH_MAX], q[48];
	struct buf_out out;
	buf_out_init(&out, file, sizeof(file) - 1);
	if (text_string_decode(t->s, t->len, &out) || out.len == 0 || memchr(file, 0, out.len))
		return fail(r, "bad $INCLUDE file name %s", show(t, q));
	file[out.len] = 0;
	const char *slash = s->is_file ? strrchr(s->name, '/') : NULL;
	int dir = file[0] != '/' && slash ? (int)(slash - s->name + 1) : 0;
	int n = snprintf(path, PATH_MAX, "%.*s%s", dir, s->name, file);
	if (n < 0 || n >= PATH_MAX)
		return fail(r, "$INCLUDE path too long");
	return true;
}

/* $INCLUDE <file> [<origin>] (RFC 1035 §5.1). */
static bool dir_include(struct reader *r, const struct source *s, struct text_lex *lx)
{
	struct text_tok t;
	char path[PATH_MAX], q[48];
	uint8_t origin[NAME_MAX_WIRE];
	memcpy(origin, r->origin, sizeof(origin));
	if (!text_token(lx, &t))
		return fail(r, "$INCLUDE without a file name");
	if (!include_path(r, s, &t, path))
		return false;
	if (text_token(lx, &t) && read_name(&t, r->origin, origin))
		return fail(r, "bad $INCLUDE origin %s", show(&t, q));
	if (!text_at_end(lx))
		return fail(r, "trailing text after $INCLUDE");
	if (s->depth >= ZONEFILE_MAX_INCLUDE)
		return fail(r, "$INCLUDE nested deeper than %d", ZONEFILE_MAX_INCLUDE);
	struct source child;
	const char *why = source_open(r, path, s->depth + 1, &child);
	if (why)
		return fail(r, "$INCLUDE: cannot read %s: %s", path, why);
	uint8_t saved[NAME_MAX_WIRE];
	memcpy(saved, r->origin, sizeof(saved));
	const uint8_t *owner = r->owner;
	memcpy(r->origin, origin, sizeof(origin));
	bool ok = read_source(r, &child);
	free(child.owned);
	memcpy(r->origin, saved, sizeof(saved));
	r->owner = owner;
	return ok;
}

static bool directive(struct reader *r, const struct source *s)
{
	struct text_lex lx;
	struct text_tok t, arg;
	char q[48];
	text_lex_init(&lx, r->line, r->len);
	if (!text_token(&lx, &t))
		return fail(r, "syntax error");
	if (word_is(&t, "$INCLUDE"))
		return dir_include(r, s, &lx);
	if (!word_is(&t, "$ORIGIN") && !word_is(&t, "$TTL"))
		return fail(r, "unknown directive %s", show(&t, q));
	if (!text_token(&lx, &arg))
		return fail(r, "%.*s without a value", (int)t.len, t.s);
	if (!text_at_end(&lx))
		return fail(r, "trailing text after %.*s", (int)t.len, t.s);
	if (word_is(&t, "$TTL")) { /* RFC 2308 §4 */
		r->has_default = true;
		return read_ttl(r, &arg, &r->ttl_default);
	}
	uint8_t origin[NAME_MAX_WIRE];
	enum err e = read_name(&arg, r->origin, origin);
	if (e)
		return fail(r, "bad $ORIGIN %s: %s", show(&arg, q), err_str(e));
	memcpy(r->origin, origin, sizeof(origin));
	return true;
}

static bool read_source(struct reader *r, struct source *s)
{
	const struct source *outer = r->src;
	enum line_res res = LINE_FAIL;
	bool ok = true;
	r->src = s;
	while (ok && (res = next_line(r, s)) == LINE_OK)
		ok = r->line[0] == '$' ? directive(r, s) : record(r);
	r->src = outer;
	return ok && res == LINE_END;
}

/* ---- the readers ---- */

static bool reader_init(struct reader *r, const uint8_t *origin, const char *name,
			unsigned flags, char *err)
{
	*r = (struct reader){ .err = err, .has_default = flags & ZONEFILE_NO_TTL };
	r->z = calloc(1, sizeof(*r->z));
	if (r->z)
		r->z->arena = arena_new();
	r->rd = malloc(RDATA_MAX);
	if (!r->z || !r->z->arena || !r->rd) {
		snprintf(err, 256, "%s: out of memory", name);
		return false;
	}
	memcpy(r->z->origin, origin, name_len(origin));
	memcpy(r->origin, origin, name_len(origin));
	return true;
}

/* Runs the checks, hands the zone over or frees it, and frees the reader. */
static bool reader_end(struct reader *r, bool ok, const char *name, unsigned flags,
		       struct zonefile_zone **out)
{
	struct zonefile_zone *z = r->z;
	if (ok && !(flags & ZONEFILE_NOCHECK))
		ok = zonecheck_run(z->origin, z->rr, z->n, z->pos, name, r->err);
	free(r->line);
	free(r->rd);
	if (!ok) {
		zonefile_free(z);
		return false;
	}
	*out = z;
	return true;
}

bool zonefile_read_text(const char *name, const char *text, size_t len, const uint8_t *origin,
			unsigned flags, struct zonefile_zone **out, char err[static 256])
{
	struct reader r;
	if (!reader_init(&r, origin, name, flags, err))
		return reader_end(&r, false, name, flags, out);
	struct source s = { .name = arena_dup(r.z->arena, name, strlen(name) + 1),
			    .p = text, .end = text + len, .line = 1 };
	if (!s.name) {
		snprintf(err, 256, "%s: out of memory", name);
		return reader_end(&r, false, name, flags, out);
	}
	return reader_end(&r, read_source(&r, &s), name, flags, out);
}

bool zonefile_read(const char *path, const uint8_t *origin, unsigned flags,
		   struct zonefile_zone **out, char err[static 256])
{
	struct reader r;
	struct source s;
	if (!reader_init(&r, origin, path, flags, err))
		return reader_end(&r, false, path, flags, out);
	const char *why = source_open(&r, path, 0, &s);
	if (why) {
		snprintf(err, 256, "%s: cannot read: %s", path, why);
		return reader_end(&r, false, path, flags, out);
	}
	bool ok = read_source(&r, &s);
	free(s.owned);
	return reader_end(&r, ok, path, flags, out);
}

void zonefile_free(struct zonefile_zone *z)
{
	if (!z)
		return;
	free(z->rr);
	free(z->pos);
	arena_free(z->arena);
	free(z);
}
