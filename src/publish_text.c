/*
 * The text renderer: the plain text of the announcement mail.  Text is
 * cleaned (escape.h: no control characters that a terminal acts on) but
 * not escaped.
 */
#include "config.h"

#include <string.h>

#include "publish_p.h"

static void
text_heading(GString *o, const char *h)
{
	size_t i, w = esc_text_width(h);

	g_string_append_printf(o, "\n%s\n", h);
	for (i = 0; i < w; i++)
		g_string_append_c(o, '=');
	g_string_append_c(o, '\n');
}

static void
text_section(GString *o, const char *heading, const char *raw)
{
	char *t;

	if (esc_blank(raw))
		return;
	t = esc_clean_strip(raw);
	text_heading(o, heading);
	g_string_append_printf(o, "%s\n", t);
	g_free(t);
}

/* "  Label: value", continuation lines indented under the label. */
static void
text_field(GString *o, const char *label, const char *raw)
{
	char *t = esc_clean_strip(raw);
	char **lines = g_strsplit(t, "\n", -1);
	size_t i;

	g_string_append_printf(o, "  %s: %s\n", label, lines[0] != NULL ?
	    lines[0] : "");
	for (i = 1; lines[0] != NULL && lines[i] != NULL; i++)
		g_string_append_printf(o, "    %s\n", lines[i]);
	g_strfreev(lines);
	g_free(t);
}

void
pub_text_case(GString *o, const struct pub_rctx *x)
{
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	GPtrArray *h;
	char *t, *d, *addendum;
	size_t i;

	t = esc_clean_strip(c->title);
	g_string_append_printf(o, "%s\n%s\n\n", c->id, t);
	g_free(t);
	if ((d = pub_fmt_date(x, c->published_at)) != NULL)
		g_string_append_printf(o, "%s: %s\n", L->published, d);
	g_free(d);
	if ((d = pub_fmt_date(x, c->updated_at)) != NULL)
		g_string_append_printf(o, "%s: %s\n", L->updated, d);
	g_free(d);
	if (*x->base != '\0') {
		t = pub_case_url(x);
		g_string_append_printf(o, "URL: %s\n", t);
		g_free(t);
	}
	text_section(o, L->overview, c->overview);
	text_section(o, L->affected, c->affected);
	text_section(o, L->description, c->description);
	text_section(o, L->impact, c->impact);
	text_section(o, L->solution, c->solution);
	text_heading(o, L->vendors);
	if (c->n_vendors == 0)
		g_string_append_printf(o, "%s\n", L->none_vendors);
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		char *name = pub_vendor_name(v), *st = pub_status_text(x, v);

		g_string_append_printf(o, "%s* %s\n", i > 0 ? "\n" : "",
		    name);
		text_field(o, L->col_status, st);
		if (!v->unreachable && (d = pub_fmt_date(x, v->last_answer))) {
			text_field(o, L->col_updated, d);
			g_free(d);
		}
		if (!esc_blank(v->comment))
			text_field(o, L->col_comment, v->comment);
		if (!esc_blank(v->advisory_url))
			text_field(o, L->col_advisory, v->advisory_url);
		g_free(name);
		g_free(st);
	}
	text_section(o, L->references, c->references);
	addendum = pub_fill_new(L->addendum_fmt, x->publisher, NULL);
	text_section(o, addendum, c->addendum);
	g_free(addendum);
	text_section(o, L->credits, c->credits);
	text_heading(o, L->history);
	h = pub_history_sorted(c);
	if (h->len == 0 && (d = pub_fmt_date(x, c->published_at)) != NULL) {
		g_string_append_printf(o, "%s  %s\n", d, L->initial_release);
		g_free(d);
	}
	for (i = 0; i < h->len; i++) {
		const struct pub_history *e = h->pdata[i];

		d = pub_fmt_date(x, e->at);
		t = esc_clean_strip(e->text);
		g_string_append_printf(o, "%s  %s\n", d != NULL ? d : "-", t);
		g_free(t);
		g_free(d);
	}
	g_ptr_array_free(h, TRUE);
}

