/*
 * publish: renders a published case as the JVN-style HTML page, the plain
 * text of the announcement mail, a CSAF 2.0 VEX document and an RSS 1.0
 * (JVNRSS, mod_sec) feed, and writes the public site tree.
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

#define PUB_MAX_ID	64	/* bytes in a case id */
#define PUB_MAX_HANDLE	64	/* bytes in a vendor handle */

/* All strings are foreign (borrowed); NULL and "" mean "not given". */
struct pub_vendor {
	const char *handle;	/* [A-Za-z0-9][A-Za-z0-9._-]*: a file name */
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
 * write.
 */
int pub_write_tree(const char *dir, const struct pub_case *const *cases,
    size_t n, char **error_r);

#endif /* VULTURE_PUBLISH_H */
