/* Case identifiers: a printf-like format with one number conversion,
 * "JVNVU#%08u" by default; numbers are random, never reused (the store
 * keeps every id handed out). No I/O but the random source. */
#ifndef VULTURE_IDS_H
#define VULTURE_IDS_H

#include <stddef.h>
#include <stdint.h>

#include "vulture/result.h"

#define IDS_MAX_LEN 64		/* bytes of a formatted id, NUL included */

/* Accepts exactly one "%0Nu" (N from 4 to 9) or "%u" (8 digits,
 * unpadded) among literal letters, digits, '#', '.', '_' and '-'; the id
 * starts with a letter or a digit and holds no "..". Ids name files and
 * directories (publish_dir) and stand in Subjects: nothing else can
 * reach a path or a header. Returns VR_OK, or VR_PERM (result.h) with
 * *error_r newly allocated. */
int ids_check_format(const char *fmt, char **error_r);

/* Formats number n (reduced modulo the format's range) into buf.
 * Returns 0, or -1 if the format is invalid or buf too small. */
int ids_format(const char *fmt, uint32_t n, char *buf, size_t size);

/* A uniformly random number for fmt's range, from getrandom(2). */
uint32_t ids_random(const char *fmt);

/* Returns 1 if s is exactly an id of format fmt, else 0. */
int ids_match(const char *fmt, const char *s);

/* Finds the first id of format fmt inside text (a Subject: "[JVNVU#...]" or
 * a bare id), returns it newly allocated (g_free) or NULL. */
char *ids_find(const char *fmt, const char *text);

/* Every id of format fmt in text, in order, without repeats: a GPtrArray
 * of newly allocated strings (free with g_ptr_array_unref). */
GPtrArray *ids_find_all(const char *fmt, const char *text);

#endif
