/*
 * tmpl: a small mustache-style template renderer for the mails and pages
 * vulture produces.
 *
 * Templates are edited by operators without recompiling, so the source is
 * treated as untrusted: every problem is an error message naming the
 * template and line, never a crash, and the limits below bound memory and
 * time however the template is written.
 *
 * Syntax: {{name}}, {{a.b}} (dotted lookup), {{.}} (current item),
 * {{{name}}} and {{& name}} (never escaped), {{#name}}...{{/name}},
 * {{^name}}...{{/name}}, {{! comment }}.  Tag names are ASCII letters,
 * digits, '_' and '-', in components separated by '.'.  Lines holding only
 * a section, inverted, close or comment tag and blanks are removed, as in
 * the mustache spec.  No partials, lambdas or delimiter changes.
 *
 * Context values are GVariants: the root is a dictionary a{sv} (any a{s*}
 * works); values may be s, b, i, u, x, t, dictionaries a{s*}, and arrays
 * (aa{sv}, as, av holding dictionaries or strings...).  A section over an
 * array repeats once per element, the element becoming the innermost
 * context; a section over any other true value (true, non-empty string,
 * non-zero number, non-empty dictionary) renders once with the value as
 * innermost context.  false, "", 0, empty arrays and dictionaries and
 * missing names are false.  Names resolve from the innermost dictionary
 * outwards; the components after the first of a dotted name resolve only
 * inside the value found for the previous one.
 */
#ifndef VULTURE_TMPL_H
#define VULTURE_TMPL_H

#include <stddef.h>
#include <glib.h>

#define TMPL_MAX_SIZE	(256 * 1024)		/* source bytes */
#define TMPL_MAX_DEPTH	16			/* nested sections */
#define TMPL_MAX_OUTPUT	(8 * 1024 * 1024)	/* rendered bytes */
#define TMPL_MAX_NAME	128			/* bytes in a name */
/* Units of work in one render: a node visited, a list item, a dictionary
 * entry passed in a lookup.  Nested sections can run for ages while
 * producing no output at all; this bounds the time (well under a second). */
#define TMPL_MAX_STEPS	(4 * 1024 * 1024)

enum tmpl_escape {
	TMPL_ESCAPE_NONE,	/* plain text mail */
	TMPL_ESCAPE_HTML,	/* & < > " ' as &amp; &lt; &gt; &quot; &#39; */
	TMPL_ESCAPE_XML,	/* same set, ' as &apos;, and C0 controls that
				 * XML 1.0 cannot carry become U+FFFD */
};

struct tmpl;	/* opaque compiled template */

/*
 * Compiles len bytes of src (need not be NUL-terminated; src may be NULL
 * when len is 0).  name is used in messages only, e.g. "en/summary.tmpl";
 * NULL means "template".
 *
 * Returns a new template for tmpl_free(), or NULL on an error, with
 * *error_r set to a newly allocated "NAME:LINE: message" (no LINE for a
 * template over TMPL_MAX_SIZE) that the caller g_free()s.  Errors:
 * oversized source, invalid UTF-8 or NUL bytes, unclosed tag or comment,
 * empty, over-long or malformed name, unclosed, mismatched or stray
 * section close, sections nested deeper than TMPL_MAX_DEPTH, partials,
 * delimiter changes.
 */
struct tmpl *
tmpl_compile(const char *name, const char *src, size_t len, char **error_r);

/*
 * Renders t with ctx (an a{s*} dictionary; NULL is an empty one) and
 * appends the result to out.  ctx is borrowed, except that a floating
 * reference is consumed, as GLib functions taking a GVariant do.  esc
 * applies to {{name}} tags only.  With strict, a {{name}} without a value
 * is an error; otherwise it renders as nothing.  A section or inverted
 * section over a missing name is false in both modes (tmpl_names() is the
 * check for misspelt section names).
 *
 * Returns 0, or -1 with *error_r set to a newly allocated
 * "NAME:LINE: message" (no LINE if ctx is not a dictionary; the caller
 * g_free()s it) and out truncated back to its length before the call.
 * Errors: missing value (strict), a value of an unsupported type (the
 * message gives its GVariant type string), a list or dictionary in a
 * {{name}} tag, output over TMPL_MAX_OUTPUT bytes, more than
 * TMPL_MAX_STEPS steps.
 */
int
tmpl_render(const struct tmpl *t, GVariant *ctx, enum tmpl_escape esc,
    int strict, GString *out, char **error_r);

/* Frees *t (NULL is fine) and sets *t to NULL. */
void
tmpl_free(struct tmpl **t);

/*
 * Returns the distinct tag names the template uses (variables and
 * sections, as written, dotted names whole, "." left out), as const char *
 * in order of first use.  Names inside a section may resolve against the
 * section's items rather than the root.  Owned by t, valid until
 * tmpl_free().
 */
const GPtrArray *
tmpl_names(const struct tmpl *t);

#endif /* VULTURE_TMPL_H */
