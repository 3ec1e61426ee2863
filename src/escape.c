/*
 * escape: untrusted text cleaned, then escaped for one output (see
 * vulture/escape.h).  Split from the publication renderers so that every
 * output escapes with the same, separately tested code.
 */
#include "config.h"

#include <string.h>

#include "vulture/escape.h"

/* Whether s holds nothing to show: NULL, white space, or only what
 * esc_clean() drops.  Sections and fields are left out when blank. */
int
esc_blank(const char *s)
{
	const char *p;

	if (s == NULL)
		return 1;
	for (p = s; *p != '\0'; p++)
		if (!g_ascii_isspace(*p))
			break;
	if (*p == '\0')
		return 1;
	/* Slow path only for strings starting with non-space. */
	{
		char *t = esc_clean_strip(p);
		int r = *t == '\0';

		g_free(t);
		return r;
	}
}

/*
 * Copies s without what no output should carry: invalid UTF-8 becomes
 * U+FFFD; C0 and C1 controls other than tab and newline are dropped (a CR
 * or ESC could rewrite lines of the text mail on a terminal, and XML 1.0
 * cannot carry most of them), and so are U+FFFE and U+FFFF, which XML
 * cannot carry either.  NULL gives "".  Newly allocated.
 */
char *
esc_clean(const char *s)
{
	GString *o;
	char *v;
	const char *p;

	if (s == NULL)
		return g_strdup("");
	v = g_utf8_make_valid(s, -1);
	o = g_string_sized_new(strlen(v));
	for (p = v; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar u = g_utf8_get_char(p);

		if ((u < 0x20 && u != '\t' && u != '\n') ||
		    (u >= 0x7f && u < 0xa0) || u == 0xfffe || u == 0xffff)
			continue;
		g_string_append_len(o, p, g_utf8_next_char(p) - p);
	}
	g_free(v);
	return g_string_free(o, FALSE);
}

/* esc_clean() and strip surrounding white space. Newly allocated. */
char *
esc_clean_strip(const char *s)
{
	return g_strstrip(esc_clean(s));
}

/* Appends s (already clean) escaped for e. */
void
esc_append(GString *o, enum esc e, const char *s)
{
	if (e == ESC_NONE) {
		g_string_append(o, s);
		return;
	}
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': g_string_append(o, "&amp;"); break;
		case '<': g_string_append(o, "&lt;"); break;
		case '>': g_string_append(o, "&gt;"); break;
		case '"': g_string_append(o, "&quot;"); break;
		case '\'':
			g_string_append(o, e == ESC_XML ? "&apos;" : "&#39;");
			break;
		default: g_string_append_c(o, *s);
		}
	}
}

/* Appends untrusted s, cleaned and stripped, escaped for e. */
void
esc_put(GString *o, enum esc e, const char *s)
{
	char *t = esc_clean_strip(s);

	esc_append(o, e, t);
	g_free(t);
}

static int
url_char(char ch)
{
	unsigned char u = (unsigned char)ch;

	return u > 0x20 && u < 0x7f && strchr("<>\"'`\\{}|^", ch) == NULL;
}

/* Length of the http(s) URL at p, or 0 if there is none (or no host).
 * Trailing punctuation is left out: "see https://a.example/x." */
size_t
esc_url_len(const char *p)
{
	size_t n, start;

	if (g_ascii_strncasecmp(p, "https://", 8) == 0)
		start = 8;
	else if (g_ascii_strncasecmp(p, "http://", 7) == 0)
		start = 7;
	else
		return 0;
	for (n = start; url_char(p[n]); n++)
		;
	while (n > start && strchr(".,;:!?)]'\"", p[n - 1]) != NULL)
		n--;
	if (n == start || p[start] == '/' || p[start] == '?' ||
	    p[start] == '#')
		return 0;
	return n;
}

/* Whether clean, stripped s is an http or https URL and nothing else: the
 * only kind of string that may become an href. */
int
esc_url_ok(const char *s)
{
	return s != NULL && *s != '\0' && esc_url_len(s) == strlen(s);
}

/* Appends clean text s as HTML, turning http(s) URLs into links. */
void
esc_html_linked(GString *o, const char *s)
{
	const char *p = s, *run = s;

	while (*p != '\0') {
		size_t n = 0;

		if (p == s || !g_ascii_isalnum(p[-1]))
			n = esc_url_len(p);
		if (n == 0) {
			p++;
			continue;
		}
		{
			char *text = g_strndup(run, p - run);
			char *url = g_strndup(p, n);

			esc_append(o, ESC_HTML, text);
			g_string_append(o, "<a rel=\"nofollow noopener "
			    "noreferrer\" href=\"");
			esc_append(o, ESC_HTML, url);
			g_string_append(o, "\">");
			esc_append(o, ESC_HTML, url);
			g_string_append(o, "</a>");
			g_free(text);
			g_free(url);
		}
		p += n;
		run = p;
	}
	esc_append(o, ESC_HTML, run);
}

/* Appends untrusted multi-line text as paragraphs (split at blank lines;
 * line breaks inside are kept by the CSS white-space rule). */
void
esc_html_paras(GString *o, const char *raw)
{
	char *t = esc_clean_strip(raw);
	char **lines = g_strsplit(t, "\n", -1);
	GString *para = g_string_new(NULL);
	size_t i;

	for (i = 0; ; i++) {
		if (lines[i] == NULL || esc_blank(lines[i])) {
			if (para->len > 0) {
				g_string_append(o, "<p>");
				esc_html_linked(o, para->str);
				g_string_append(o, "</p>\n");
				g_string_truncate(para, 0);
			}
			if (lines[i] == NULL)
				break;
			continue;
		}
		if (para->len > 0)
			g_string_append_c(para, '\n');
		g_string_append(para, lines[i]);
	}
	g_string_free(para, TRUE);
	g_strfreev(lines);
	g_free(t);
}

/* Columns the string takes on a terminal: East Asian wide characters
 * count two, so that text headings are underlined to their width. */
size_t
esc_text_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s = g_utf8_next_char(s))
		w += g_unichar_iswide(g_utf8_get_char(s)) ? 2 : 1;
	return w;
}

/* A printable copy of untrusted s for error messages. Newly allocated. */
char *
esc_shown(const char *s)
{
	char *t, *r;

	if (s == NULL)
		return g_strdup("(null)");
	t = g_strndup(s, 80);
	r = g_strescape(t, NULL);
	g_free(t);
	return r;
}
