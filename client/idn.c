/* client/idn.c: dig's IDNA2008 conversions, on libidn2.
 * SPDX-License-Identifier: MIT
 */
#include "idn.h"

#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool idn_to_ascii(const char *name, char *out, size_t cap, char err[static 512])
{
	char *ascii = NULL;
	int rc = idn2_to_ascii_8z(name, &ascii, IDN2_NONTRANSITIONAL);
	if (rc == IDN2_DISALLOWED)
		rc = idn2_to_ascii_8z(name, &ascii, IDN2_TRANSITIONAL);
	if (rc != IDN2_OK || strlen(ascii) >= cap) {
		snprintf(err, 512, "'%.200s' is not a legal IDNA2008 name (%s), use +noidnin", name,
			 rc != IDN2_OK ? idn2_strerror(rc) : "name too long");
		free(ascii);
		return false;
	}
	strcpy(out, ascii);
	free(ascii);
	return true;
}

/* One name: its UTF-8 form into u (free()d by the caller), or NULL to keep it as it is. */
static bool name_to_unicode(const char *name, char **u, char *err)
{
	*u = NULL;
	char *utf8 = NULL, *back = NULL;
	int rc = idn2_to_unicode_8z8z(name, &utf8, 0);
	if (rc != IDN2_OK) {
		snprintf(err, 512, "Bad ACE string '%.200s' (%s), use +noidnout", name,
			 idn2_strerror(rc));
		return false;
	}
	/* As dig: only a name that is valid IDNA2008 both ways is shown in UTF-8. */
	if (idn2_to_ascii_8z(utf8, &back, IDN2_NONTRANSITIONAL) == IDN2_OK &&
	    strcasecmp(utf8, name) != 0)
		*u = utf8;
	else
		free(utf8);
	free(back);
	return true;
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* Whether the word w[0..n) has a label starting with the ACE prefix. */
static bool has_ace_label(const char *w, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i++)
		if ((i == 0 || w[i - 1] == '.') && strncasecmp(w + i, "xn--", 4) == 0)
			return true;
	return false;
}

bool idn_text_to_unicode(struct buf_out *out, size_t start, char err[static 512])
{
	size_t len = out->len - start;
	char *text = malloc(len + 1);
	if (!text)
		return true; /* out of memory: the ASCII form stays */
	memcpy(text, out->p + start, len);
	text[len] = 0;
	buf_truncate(out, start);
	bool quoted = false, ok = true;
	for (size_t i = 0; i < len;) {
		size_t n = 0;
		if (!quoted && name_char(text[i]) && (i == 0 || !name_char(text[i - 1])))
			while (i + n < len && name_char(text[i + n]))
				n++;
		if (n == 0) {
			if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
				quoted = !quoted;
			buf_printf(out, "%c", text[i++]);
			continue;
		}
		char *u = NULL, word[1024];
		snprintf(word, sizeof(word), "%.*s", (int)n, text + i);
		if (has_ace_label(word, n) && n < sizeof(word) && !name_to_unicode(word, &u, err))
			ok = false;
		buf_puts(out, u ? u : word);
		free(u);
		i += n;
	}
	free(text);
	return ok;
}
