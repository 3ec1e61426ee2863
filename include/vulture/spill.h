/* spill: a byte buffer for what may be large (a received message, its
 * decrypted plaintext): kept in memory while small, moved to an unlinked
 * file of mode 0600 in a private directory once past a threshold, and read
 * back as a GMime stream. A 20 MB attachment then costs page cache, not
 * process memory, however many stages look at it.
 *
 * The memory copy is zeroed and the file truncated when the spill is
 * freed; the file has no name at any time when the system offers
 * O_TMPFILE, else it is unlinked as soon as it is made. */
#ifndef VULTURE_SPILL_H
#define VULTURE_SPILL_H

#include <stddef.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "vulture/result.h"

/* Bytes held in memory before the spill moves to a file. */
#define SPILL_MEM_MAX	(1024u * 1024)

/* Results (result.h): past the cap is for good, I/O (the directory,
 * disk full) may pass. */
#define SPILL_OK	VR_OK
#define SPILL_ERROR	VR_TEMP		/* I/O: the directory, disk full... */
#define SPILL_OVER	VR_PERM		/* a write would pass the cap */

struct spill;

/* A new empty spill. dir (copied; NULL: g_get_tmp_dir()) is where the
 * file goes; cap bounds the total size (0: no bound but SIZE_MAX);
 * mem_max is the threshold (0: SPILL_MEM_MAX). Never NULL. */
struct spill *spill_new(const char *dir, size_t cap, size_t mem_max);

/* Appends len bytes. Returns SPILL_OK, SPILL_OVER (nothing appended; the
 * spill is marked over and every later write fails too), or SPILL_ERROR
 * with *error_r (newly allocated; may be NULL to ignore). */
int spill_write(struct spill *sp, const void *buf, size_t len,
    char **error_r);

size_t spill_len(const struct spill *sp);
int spill_over(const struct spill *sp);
/* 1 once the bytes are in a file. */
int spill_on_disk(const struct spill *sp);

/* A new read-only stream over the bytes written so far, at offset 0
 * (g_object_unref). It reads the spill's buffer or file in place: the
 * spill must outlive it, and must not be written while it is used. NULL
 * with *error_r on an I/O error. */
GMimeStream *spill_stream(struct spill *sp, char **error_r);

/* Copies every byte of src from its current position to its end into
 * the spill. Returns like spill_write(). */
int spill_from_stream(struct spill *sp, GMimeStream *src, char **error_r);

/* The whole content in one new NUL-terminated buffer (free with
 * spill_zfree(buf, len)): for callers that need bytes, on spills they
 * know to be small. */
char *spill_dup(struct spill *sp, size_t *len_r, char **error_r);
void spill_zfree(char *buf, size_t len);

/* g_mime_stream_read(), except that the end of a bounded stream (GMime
 * answers -1 there for files) reads as 0: -1 only for a real error. */
ssize_t spill_read(GMimeStream *s, char *buf, size_t n);

/* A read-only stream over buf without a copy (spill_view_release): buf
 * must outlive every object parsed from it, and is left untouched. */
GMimeStream *spill_view(const char *buf, size_t len);
void spill_view_release(GMimeStream *s);

/* A new nameless file of mode 0600 in dir (O_TMPFILE, else made and
 * unlinked at once), read-write and close-on-exec: where a spill keeps
 * its bytes. Returns the descriptor, or -1 with *error_r (may be NULL). */
int spill_tmpfile(const char *dir, char **error_r);
/* Zeroes and frees; *sp becomes NULL. Accepts NULL and *sp == NULL. */
void spill_free(struct spill **sp);

#endif /* VULTURE_SPILL_H */
