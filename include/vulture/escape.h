/*
 * escape: untrusted text made safe for one output.  Every string of a
 * published page, mail or feed passes through esc_clean() first (what no
 * output may carry is dropped), then through exactly one escaper for the
 * output it lands in: esc_append() for HTML, XML or plain text.  JSON
 * strings are escaped by the JSON writer (json.h, jw_str()); the CSAF
 * renderer hands it esc_clean_strip() text.
 *
 * Only http and https URLs with a host ever become links
 * (esc_url_len(), esc_url_ok()).
 *
 * Nothing here fails.  Functions named "new" in their comment return a
 * string the caller g_free()s; the others append to a GString the caller
 * owns and keep nothing.
 */
#ifndef VULTURE_ESCAPE_H
#define VULTURE_ESCAPE_H

#include <glib.h>
#include <stddef.h>

enum esc {
	ESC_NONE,	/* plain text: appended as it is */
	ESC_HTML,	/* & < > " ' as entities (' as &#39;) */
	ESC_XML,	/* the same, ' as &apos; */
};

/* s without what no output should carry: invalid UTF-8 becomes U+FFFD;
 * C0 and C1 controls other than tab and newline are dropped, and so are
 * U+FFFE and U+FFFF, which XML cannot carry.  NULL gives "".  New. */
char *esc_clean(const char *s);

/* esc_clean() with surrounding white space stripped.  New. */
char *esc_clean_strip(const char *s);

/* 1 when s holds nothing to show: NULL, white space, or only what
 * esc_clean() drops; else 0. */
int esc_blank(const char *s);

/* Appends s, already clean, escaped for e. */
void esc_append(GString *o, enum esc e, const char *s);

/* Appends untrusted s, cleaned and stripped, escaped for e. */
void esc_put(GString *o, enum esc e, const char *s);

/* Bytes of the http(s) URL starting at p, or 0 if there is none (or no
 * host).  Trailing punctuation is left out: "see https://a.example/x." */
size_t esc_url_len(const char *p);

/* 1 when clean, stripped s is an http or https URL and nothing else: the
 * only kind of string that may become an href; else 0. */
int esc_url_ok(const char *s);

/* Appends clean text s as HTML, http(s) URLs turned into links. */
void esc_html_linked(GString *o, const char *s);

/* Appends untrusted multi-line text as HTML paragraphs <p>...</p>, split
 * at blank lines, with URLs linked. */
void esc_html_paras(GString *o, const char *raw);

/* Columns s takes on a terminal: East Asian wide characters count 2. */
size_t esc_text_width(const char *s);

/* A printable, quoted-safe copy of untrusted s (at most 80 bytes of it,
 * C-escaped) for error messages; NULL gives "(null)".  New. */
char *esc_shown(const char *s);

#endif /* VULTURE_ESCAPE_H */
