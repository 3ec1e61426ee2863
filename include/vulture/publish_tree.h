/*
 * publish_tree: writes the publication site to disk, the only I/O of
 * publication.  The pages come from pub_site_render() (publish.h).
 */
#ifndef VULTURE_PUBLISH_TREE_H
#define VULTURE_PUBLISH_TREE_H

#include <stddef.h>

#include "vulture/publish.h"

/*
 * Writes the whole site for cases[] and makes it visible at once:
 *
 *   DIR/site -> v-XXXXXX		symlink, the web server's document root
 *   DIR/v-XXXXXX/index.html, index.en.html, index.ja.html, index.rdf
 *   DIR/v-XXXXXX/cases/SLUG/index.html, index.en.html, index.ja.html,
 *	csaf.json (hard link to the CSAF file name, e.g.
 *	jvnvu_12345678.json, that the document's canonical URL names),
 *	vendors/HANDLE.html, HANDLE.en.html, HANDLE.ja.html
 *
 * The tree is built and fsync()ed in DIR/.tmp-XXXXXX, renamed to
 * DIR/v-XXXXXX, and DIR/site is replaced by rename(2) of a new symlink.
 * Why a link swap rather than renaming each file: a reader (or a web
 * server) resolving DIR/site always gets one complete version, so an
 * index never points at a case page that is not there yet, and a failure
 * half-way leaves the old site untouched.  The previous version stays
 * for readers already inside it; older ones and stale .tmp-* directories
 * are removed.  A case nobody reported a status on gets no CSAF file (no
 * valid VEX exists) and its page no CSAF link.  Writers serialize on DIR/.lock
 * (flock), so the daemon and vulturectl can both call this.
 * DIR must exist; DIR/site, if present, must be a symlink.  A case id
 * that is unsafe or collides with another case's slug fails the whole
 * write.  cases[] is borrowed.  Returns 0, or -1 with *error_r newly
 * allocated (the caller g_free()s it). desk (foreign, may be NULL) adds
 * the desk's key pages and Web Key Directory (pub_site_render).
 */
int pub_write_tree(const char *dir, const struct pub_case *const *cases,
    size_t n, const struct pub_desk *desk, char **error_r);

#endif /* VULTURE_PUBLISH_TREE_H */
