/*
 * Internals shared by the publication renderers, in layers:
 * publish_labels.c (the fixed strings of both languages) and
 * publish_model.c (checks, the render context, shared facts) at the
 * bottom; one renderer per format above them, publish_html.c,
 * publish_text.c, publish_csaf.c and publish_rss.c; and publish.c (the
 * entry points of publish.h, the site layout) on top.  A renderer takes a
 * checked context and appends to a GString the caller owns: no I/O, no
 * failure other than the ones it returns.
 */
#ifndef VULTURE_PUBLISH_P_H
#define VULTURE_PUBLISH_P_H

#include <glib.h>
#include <stdint.h>

#include "vulture/escape.h"
#include "vulture/publish.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0"
#endif

enum pub_status {
	PUB_ST_UNKNOWN,
	PUB_ST_AFFECTED,
	PUB_ST_AFFECTED_INV,
	PUB_ST_NOT_AFFECTED,
	PUB_ST_NOT_AFFECTED_INV,
	PUB_ST_UNREACHABLE,	/* set by the desk, overrides the status */
	PUB_ST_COUNT
};

struct pub_status_def {
	const char *name;	/* in struct pub_vendor; NULL: not settable */
	const char *en, *ja;
	const char *css;
};

extern const struct pub_status_def pub_statuses[PUB_ST_COUNT];

/* Every fixed string of the outputs, per language (publish_labels.c).
 * Members ending in _fmt are templates for pub_fill(), not printf
 * formats: each "%s" takes the next argument named in the comment, and
 * nothing else in them is special, so untrusted text never meets a
 * format string. */
struct pub_labels {
	const char *lang;
	const char *site;		/* site name without a publisher */
	const char *coordinator;	/* publisher_name fallback */
	const char *date_fmt;		/* g_date_time_format() */
	const char *published, *updated;
	const char *overview, *affected, *description, *impact, *solution;
	const char *vendors, *references, *credits, *history;
	const char *addendum_fmt;	/* publisher */
	const char *col_vendor, *col_status, *col_updated, *col_comment;
	const char *col_advisory;
	const char *unreachable_fmt;	/* date */
	const char *unreachable_nodate;
	const char *remark_fmt;		/* publisher, date */
	const char *remark_nodate_fmt;	/* publisher */
	const char *vendor_title_fmt;	/* vendor, case id */
	const char *f_id, *f_title, *f_vendor, *f_status, *f_comment;
	const char *f_advisory, *f_fix, *f_workaround, *f_remarks;
	const char *back;
	const char *index_title, *index_empty, *col_id, *col_title;
	const char *csaf_link;
	/* the desk's key page */
	const char *key_title, *key_intro, *key_address, *key_fpr;
	const char *key_download, *key_wkd, *key_link;
	const char *none_vendors;
	/* CSAF sentences */
	const char *product_fmt;	/* vendor, case id */
	const char *fix_advisory_fmt;	/* vendor */
	const char *fix_none_fmt;	/* vendor */
	const char *fix_investigating_fmt; /* vendor */
	const char *fix_date_fmt;	/* date */
	const char *workaround_fmt;	/* vendor, date */
	const char *not_affected_fmt;	/* vendor */
	const char *comment_fmt;	/* comment */
	const char *statement_fmt;	/* vendor */
	const char *inv_unreachable_fmt; /* vendor, date */
	const char *inv_unknown_fmt;	/* vendor */
	const char *initial_release;
	const char *feed_title_fmt;	/* publisher */
	const char *feed_description;
};

extern const struct pub_labels pub_en, pub_ja;

/* One render: the case, checked, with what every output derives. */
struct pub_rctx {
	const struct pub_case *c;	/* foreign */
	const struct pub_labels *L;
	GTimeZone *tz;			/* owned reference */
	char *slug;			/* owned */
	char *base;			/* owned: "" or an http(s) URL ending
					 * in '/' */
	char *publisher;		/* owned, clean, never empty */
	const char *suffix;		/* of page links: "", ".en", ".ja" */
};

/* ------------------------------------------------------------------ */
/* publish_model.c */

/* Appends tmpl with each "%s" replaced in turn by a, then b (NULL: by
 * nothing).  All arguments are foreign. */
void pub_fill(GString *o, const char *tmpl, const char *a, const char *b);
/* pub_fill() into a new string the caller g_free()s. */
char *pub_fill_new(const char *tmpl, const char *a, const char *b);

/* 0 when c can be rendered (see pub_render()), else -1 and *error_r. */
int pub_check_case(const struct pub_case *c, char **error_r);
/* Checks c and fills *x (owning what its comment says); suffix is
 * foreign and must outlive x.  0, or -1 with *error_r and x cleared. */
int pub_rctx_init(struct pub_rctx *x, const struct pub_case *c,
    const char *suffix, char **error_r);
void pub_rctx_clear(struct pub_rctx *x);

/* The status as shown: unreachable overrides whatever was recorded. */
enum pub_status pub_vendor_status(const struct pub_vendor *v);
/* The status label in x's language (static). */
const char *pub_status_label(const struct pub_rctx *x, enum pub_status st);
/* The status text of the vendor table: the label, or for an unreachable
 * vendor the figure 3 wording with the first attempt's date.  New. */
char *pub_status_text(const struct pub_rctx *x, const struct pub_vendor *v);
/* The vendor's clean name, falling back to its handle.  New. */
char *pub_vendor_name(const struct pub_vendor *v);
/* 1 when any vendor reported a status: a VEX document needs at least one
 * product status (CSAF 2.0 test 6.1.27.7); else 0. */
int pub_has_vex(const struct pub_case *c);
/* The date of t in the case's zone and language; NULL for 0.  New. */
char *pub_fmt_date(const struct pub_rctx *x, int64_t t);
/* The update history in time order (the caller's order for equal
 * times): a new array of foreign const struct pub_history *. */
GPtrArray *pub_history_sorted(const struct pub_case *c);
/* The case page URL: absolute with a base URL, else relative to the site
 * root.  New. */
char *pub_case_url(const struct pub_rctx *x);
/* The CSAF file name of a case (CSAF 2.0 section 5.1):
 * JVNVU#12345678 -> jvnvu_12345678.json.  New. */
char *pub_csaf_filename(const char *id);
/* Checks every case and returns them newest first (a new array of
 * foreign pointers), or NULL with *error_r. */
GPtrArray *pub_sorted_cases(const struct pub_case *const *cases, size_t n,
    char **error_r);

/* ------------------------------------------------------------------ */
/* The renderers: each appends to o (foreign). */

/* publish_html.c: the case page (figure 1), its links carrying
 * x->suffix. */
void pub_html_case(GString *o, const struct pub_rctx *x);
/* The page of vendor i < x->c->n_vendors (figures 2 and 3). */
void pub_html_vendor(GString *o, const struct pub_rctx *x, size_t i);
/* The site index in lang, links carrying suffix (foreign).  0, or -1
 * with *error_r and o possibly half written. */
/* The desk's key page: address, fingerprint, the armored key and where
 * else it is found (desk.asc, the Web Key Directory). */
int pub_html_key(GString *o, const struct pub_desk *d, const char *lang,
    const char *suffix, char **error_r);
int pub_html_index(GString *o, const struct pub_case *const *cases,
    size_t n, const char *lang, const char *suffix, const struct pub_desk *desk, char **error_r);

/* publish_text.c: the text of the announcement mail. */
void pub_text_case(GString *o, const struct pub_rctx *x);

/* publish_csaf.c: the CSAF 2.0 VEX document.  0, or -1 with *error_r
 * and nothing appended. */
int pub_csaf_case(GString *o, const struct pub_rctx *x, char **error_r);

/* publish_rss.c: the RSS 1.0 (JVNRSS) feed.  0, or -1 with *error_r. */
int pub_rss_feed(GString *o, const struct pub_case *const *cases,
    size_t n, char **error_r);

#endif /* VULTURE_PUBLISH_P_H */
