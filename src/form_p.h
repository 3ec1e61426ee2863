/*
 * form_p.h: internals shared by form.c (the parser) and form_value.c (the
 * values as people write them, and the form's words in both languages).
 */
#ifndef VULTURE_FORM_P_H
#define VULTURE_FORM_P_H

#include <glib.h>

#include "vulture/form.h"

/* Values longer than this are never a status, yes/no or date. */
#define FORM_VALUE_MAX_FOLD	256	/* bytes */

/* [s, e) (valid UTF-8) NFKC-folded (full-width letters, digits, colons
 * and brackets become ASCII; U+3000 a space) and ASCII lower-cased, newly
 * allocated; NULL when longer than FORM_VALUE_MAX_FOLD bytes. */
char *form_value_fold(const char *s, const char *e);

/* A folded status as people write it; FORM_STATUS_NONE if it is not one. */
enum form_status form_value_status(const char *folded);

/* A folded yes/no answer: 1 yes, 0 no, -1 neither. */
int form_value_yesno(const char *folded);

/* A date in words at *sp (folded): "2027年1月5日", "2027.1.5", "Jan 5,
 * 2027", "January 5th 2027", "5 Jan 2027". TRUE with *sp past it when the
 * date exists (years 1970-9999). */
gboolean form_value_date(const char **sp, const char *e, int *y, int *m,
    int *d);

#endif
