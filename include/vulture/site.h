/* The publication site from the store: loads a case (its advisory texts,
 * the vendor table from the participants, the update history from the
 * event log) into the renderer's struct pub_case, renders it, and writes
 * the whole site of published cases under publish_dir. */
#ifndef VULTURE_SITE_H
#define VULTURE_SITE_H

#include <glib.h>

#include "vulture/config.h"
#include "vulture/publish.h"
#include "vulture/store.h"

struct site_case;	/* a loaded case; owns every string pub_case points to */

/* Loads case id in lang ("en" or "ja"). Returns STORE_OK or an error. */
int site_case_load(struct store *st, const struct vconf *conf,
    const char *id, const char *lang, struct site_case **sc_r,
    char **error_r);
const struct pub_case *site_case_pub(const struct site_case *sc);
void site_case_free(struct site_case **sc);

/* Renders one case (vulturectl render). *out_r newly allocated. */
int site_render(struct store *st, const struct vconf *conf, const char *id,
    enum pub_format f, const char *lang, GString **out_r, char **error_r);

/* Writes the site of every published case under conf->publish_dir
 * (atomically: see pub_write_tree). Reads through st, so a caller inside
 * a transaction publishes what it is about to commit. */
int site_write(struct store *st, const struct vconf *conf, char **error_r);
/* Inside the caller's transaction: the site must be written again once it
 * commits (case_id may be NULL). */
int site_mark_dirty(struct store *st, const char *case_id, int64_t now,
    char **error_r);
/* After a commit, outside any transaction: writes the site if it was
 * marked, then clears the marks it saw. STORE_OK when nothing was marked;
 * on failure the marks stay, for the next call (the daemon retries them
 * every scheduler pass). *wrote_r (may be NULL) 1 if it wrote. */
int site_flush(struct store *st, const struct vconf *conf, int *wrote_r,
    char **error_r);

#endif
