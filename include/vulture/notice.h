/* Notices: the templates of every mail vulture writes, per language, from
 * templates_dir/{en,ja}/KIND.tmpl. A template's first line is
 * "Subject: ...", then a blank line, then the body. All are compiled at
 * load (a broken template is reported with file:line and the old set is
 * kept by the caller); SIGHUP loads them again. */
#ifndef VULTURE_NOTICE_H
#define VULTURE_NOTICE_H

#include <glib.h>

/* Every kind a template must exist for, NULL-terminated. "_form" is the
 * reply form, inserted into the others as {{form}}. */
extern const char *const notice_kinds[];

struct notices;

/* Loads and compiles every kind in both languages. Returns 0, or -1 with
 * each problem appended to errors (newly allocated strings). */
int notices_load(const char *dir, struct notices **n_r, GPtrArray *errors);
void notices_free(struct notices **n);

/* Renders kind in lang ("en" or "ja") with vars (consumed: ended and
 * unref'd here). "form" (the reply form for case_id, which may be NULL)
 * and "desk" are added to vars. Returns 0 with *subject_r and *body_r
 * newly allocated, or -1 with *error_r. */
int notices_render(const struct notices *n, const char *kind,
    const char *lang, const char *case_id, const char *desk_address,
    GVariantDict *vars, char **subject_r, char **body_r, char **error_r);

/* The reply form for case_id (may be NULL) as notices_render() inserts
 * it, in every language one after the other (form_parse_reply()'s "as
 * sent"); newly allocated, never NULL. */
char *notices_forms(const struct notices *n, const char *case_id);

#endif
