/* A small JSON writer for --json output and documents: it tracks commas
 * and escapes strings (invalid UTF-8 is replaced, never passed through). */
#ifndef VULTURE_JSON_H
#define VULTURE_JSON_H

#include <glib.h>
#include <stdint.h>

#define JW_MAX_DEPTH 32

struct jw {
	GString *out;			/* foreign */
	int depth;
	int count[JW_MAX_DEPTH];	/* items written at each level */
	int after_key;
	int pretty;
};

void jw_init(struct jw *w, GString *out, int pretty);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);	/* NULL writes null */
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
/* key + value shorthands */
void jw_kstr(struct jw *w, const char *key, const char *s);
void jw_kint(struct jw *w, const char *key, int64_t v);
void jw_kbool(struct jw *w, const char *key, int v);

#endif
