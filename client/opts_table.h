/* client/opts_table.h: the option table, between the reader of the command line (opts.c)
 * and what each option does (opts_table.c).
 *
 * Every +option of dig 9.18 is one row (its name, whether it takes a value, what it does in
 * qdig or why qdig refuses it), and so is every -flag; -h prints from the same rows.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef CLIENT_OPTS_TABLE_H
#define CLIENT_OPTS_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "opts.h"

/* A dash flag. */
struct opts_dash {
	char flag;
	bool takes_value;
	bool refused;
	const char *help; /* refused: why */
};

/* The row of -flag, or NULL when dig has none. */
const struct opts_dash *opts_dash_find(char flag);

/* Applies +option arg (with its "no" and "=value") to q (and c's global settings); false with
 * dig's words (or the reason qdig refuses it) in err. */
bool opts_plus(struct qdig_cmd *c, struct qdig_query *q, const char *arg, char err[static 256]);

/* A number in [min, max] as dig reads one; false with dig's two lines in err. */
bool opts_number(const char *what, const char *v, unsigned min, unsigned max, unsigned *out,
		 char err[static 256]);

/* opts.c's: a new query, a copy of base, appended to c (NULL when there are too many), and
 * its name as typed. */
struct qdig_query *opts_query_new(struct qdig_cmd *c, const struct qdig_query *base,
				  char err[static 256]);
bool opts_query_name(struct qdig_query *q, const char *text, char err[static 256]);

#endif
