/*
 * publish: renders a published case as the JVN-style HTML page, the plain
 * text of the announcement mail, a CSAF 2.0 VEX document and an RSS 1.0
 * (JVNRSS, mod_sec) feed, and lays out the public site (written by
 * publish_tree.h).
 *
 * Everything in struct pub_case comes from coordinators and vendors, so it
 * is treated as untrusted: every string is escaped for its output (HTML,
 * XML, JSON), invalid UTF-8 becomes U+FFFD, control characters are
 * dropped, and only http/https URLs ever become links.  Identifiers that
 * end up in file names (case ids, vendor handles) are checked instead of
 * mangled: an unsafe one is an error, never a path.
 *
 * All functions return 0, or -1 with *error_r set to a newly allocated
 * message the caller g_free()s; on success *out_r is a new GString for
 * g_string_free(..., TRUE).  Nothing is written to *out_r on failure.
 */
#ifndef VULTURE_PUBLISH_H
#define VULTURE_PUBLISH_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "vulture/ident.h"

#define PUB_MAX_ID	IDENT_MAX_CASE_ID	/* ident_case_id_ok() */
#define PUB_MAX_HANDLE	IDENT_MAX_HANDLE	/* ident_handle_ok() */

/* All strings are foreign (borrowed); NULL and "" mean "not given". */
struct pub_vendor {
	const char *handle;	/* ident_handle_ok(): a file name */
	const char *name;
	/* unknown (also NULL or "") | affected | affected-investigating |
	 * not-affected | not-affected-investigating */
	const char *status;
	int unreachable;	/* shown instead of the status (figure 3) */
	int64_t first_attempt;	/* first contact attempt, 0: unknown */
	const char *comment, *advisory_url;
	const char *fix_date, *workaround_date;	/* free text, e.g. 2027-01-05 */
	int64_t last_answer;	/* the vendor's last update, 0: never */
};

/* One line of the update history; foreign. */
struct pub_history {
	int64_t at;
	const char *text;
};

/* Everything is foreign: the renderer never frees or keeps anything. */
struct pub_case {
	const char *id;		/* [A-Za-z0-9][A-Za-z0-9#._-]*, JVNVU#1234 */
	const char *title;
	const char *overview, *affected, *description, *impact, *solution;
	const char *addendum;	/* coordinator addendum */
	const char *credits;
	const char *references;	/* newline-separated URLs or text */
	int64_t published_at, updated_at;
	const char *lang;	/* "en" | "ja": labels and dates */
	const char *base_url;	/* https://jvn.example/ or "" (relative) */
	const struct pub_vendor *vendors;
	size_t n_vendors;
	/* The initial release should be the first entry; CSAF revision
	 * numbers are the entries in time order.  Empty: one synthesized
	 * "initial release" entry at published_at. */
	const struct pub_history *history;
	size_t n_history;
	const char *publisher_name;	/* "JPCERT/CC"; required for CSAF */
	const char *publisher_namespace; /* https://...; required for CSAF */
	GTimeZone *tz;			/* foreign; NULL: UTC */
};

enum pub_format { PUB_TEXT, PUB_HTML, PUB_CSAF, PUB_RSS };

/*
 * Renders one case: the HTML page (figure 1 of the guideline; vendor
 * links point to vendors/HANDLE.html next to it), the plain text of the
 * announcement mail, the CSAF 2.0 VEX document (pretty JSON), or an RSS
 * 1.0 feed holding this case alone.
 * Errors: missing id or title, unsafe id or handle, unknown lang or vendor
 * status, and for CSAF a missing publisher name or non-http(s) namespace.
 */
int pub_render(const struct pub_case *c, enum pub_format f, GString **out_r,
    char **error_r);

/* The status page of vendors[vendor_index] (figure 2), or for an
 * unreachable vendor the "contact attempted since DATE" page (figure 3).
 * It links back to ../index.html. */
int pub_render_vendor(const struct pub_case *c, size_t vendor_index,
    GString **out_r, char **error_r);

/* The site index, newest first, with labels in lang ("en" | "ja"); links
 * are cases/SLUG/index.html. cases[] is borrowed and not reordered. */
int pub_render_index(const struct pub_case *const *cases, size_t n,
    const char *lang, GString **out_r, char **error_r);

/* RSS 1.0 with the JVNRSS sec: module, newest first; the channel takes
 * base_url, lang and publisher from the newest case. */
int pub_render_feed(const struct pub_case *const *cases, size_t n,
    GString **out_r, char **error_r);

/* The directory name of a case: its id without '#' (JVNVU#12345678 ->
 * JVNVU12345678). Returns a newly allocated string, or NULL for an unsafe
 * id. */
char *pub_case_slug(const char *id);

/*
 * The site as a sequence of directories and files, for a writer such as
 * pub_write_tree() (publish_tree.h), which owns all I/O.  emit is called
 * once per entry, parents first, in the order they are to be made:
 *   path	relative to the site root, e.g. "cases/JVNVU1/index.html"
 *		(foreign, valid during the call);
 *   out	NULL for a directory to make; else the file's bytes, which
 *		emit takes over (it frees them, also when it fails);
 *   alias	NULL, or a second name in the same directory that must hold
 *		the same bytes (the CSAF document's csaf.json).
 * emit returns 0, or -1 with *error_r set, which stops the render.  The
 * layout (index*.html, index.rdf, cases/SLUG/...) is described at
 * pub_write_tree().
 */
typedef int (*pub_emit_fn)(void *ctx, const char *path, const char *alias,
    GString *out, char **error_r);

/* The desk's public key as the site publishes it (all foreign): a page in
 * both languages (key.html), the armored key (desk.asc) and the Web Key
 * Directory files (wkd.h) for address. */
struct pub_desk {
	const char *address;
	const char *fpr;		/* primary fingerprint, hex */
	const char *armor;		/* the key, ASCII-armored */
	GBytes *binary;			/* the key, binary (for WKD) */
};

/* Whether cases[] make a site: every case renders, no two share a slug,
 * and a case with a CSAF document has a publisher name and namespace.
 * 0, or -1 with *error_r. */
int pub_site_check(const struct pub_case *const *cases, size_t n,
    char **error_r);

/* Renders the site of cases[] (borrowed) through emit (ctx is passed to
 * it), with the desk's key pages when desk is not NULL.  Nothing is
 * emitted unless pub_site_check() passes.  0, or -1 with *error_r. */
int pub_site_render(const struct pub_case *const *cases, size_t n,
    const struct pub_desk *desk, pub_emit_fn emit, void *ctx,
    char **error_r);

#endif /* VULTURE_PUBLISH_H */
