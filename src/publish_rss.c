/*
 * The RSS renderer: an RSS 1.0 feed with the JVNRSS sec: module (mod_sec
 * 3.0), newest case first.  Strings are cleaned and XML-escaped
 * (escape.h).
 */
#include "config.h"

#include <string.h>

#include "vulture/vtime.h"
#include "publish_p.h"

static void
xml_elem(GString *o, const char *name, const char *clean_text)
{
	g_string_append_printf(o, "  <%s>", name);
	esc_append(o, ESC_XML, clean_text);
	g_string_append_printf(o, "</%s>\n", name);
}

static void
rss_item(GString *o, const struct pub_rctx *x)
{
	const struct pub_case *c = x->c;
	char *url = pub_case_url(x), *t, *d;

	g_string_append(o, "<item rdf:about=\"");
	esc_append(o, ESC_XML, url);
	g_string_append(o, "\">\n");
	t = esc_clean_strip(c->title);
	xml_elem(o, "title", t);
	g_free(t);
	xml_elem(o, "link", url);
	t = esc_clean_strip(esc_blank(c->overview) ? c->title : c->overview);
	xml_elem(o, "description", t);
	g_free(t);
	xml_elem(o, "dc:creator", x->publisher);
	xml_elem(o, "sec:identifier", c->id);
	g_string_append(o, "  <sec:references source=\"");
	esc_append(o, ESC_XML, x->publisher);
	g_string_append(o, "\" id=\"");
	esc_append(o, ESC_XML, c->id);
	g_string_append(o, "\">");
	esc_append(o, ESC_XML, url);
	g_string_append(o, "</sec:references>\n");
	if (!esc_blank(c->references)) {
		char **lines;
		size_t i;

		t = esc_clean(c->references);
		lines = g_strsplit(t, "\n", -1);
		for (i = 0; lines[i] != NULL; i++) {
			g_strstrip(lines[i]);
			if (esc_url_ok(lines[i]))
				xml_elem(o, "sec:references", lines[i]);
		}
		g_strfreev(lines);
		g_free(t);
	}
	d = vtime_format(MAX(c->updated_at, c->published_at), x->tz);
	if (d != NULL)
		xml_elem(o, "dc:date", d);
	g_free(d);
	if ((d = vtime_format(c->published_at, x->tz)) != NULL)
		xml_elem(o, "dcterms:issued", d);
	g_free(d);
	if ((d = vtime_format(c->updated_at, x->tz)) != NULL)
		xml_elem(o, "dcterms:modified", d);
	g_free(d);
	g_string_append(o, "</item>\n");
	g_free(url);
}

int
pub_rss_feed(GString *o, const struct pub_case *const *cases, size_t n,
    char **error_r)
{
	GPtrArray *a;
	struct pub_rctx x;
	const char *lang = "ja";
	char *title, *chan, *link, *d = NULL;
	size_t i;

	if ((a = pub_sorted_cases(cases, n, error_r)) == NULL)
		return -1;
	if (a->len > 0) {
		(void)pub_rctx_init(&x, a->pdata[0], "", error_r);
		lang = x.L->lang;
		d = vtime_format(MAX(x.c->updated_at, x.c->published_at),
		    x.tz);
		chan = g_strdup_printf("%sindex.rdf", x.base);
		link = g_strdup(*x.base != '\0' ? x.base : "index.html");
		title = pub_fill_new(x.L->feed_title_fmt, x.publisher, NULL);
		pub_rctx_clear(&x);
	} else {
		chan = g_strdup("index.rdf");
		link = g_strdup("index.html");
		title = g_strdup(pub_ja.site);
	}
	g_string_append_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	    "\n<rdf:RDF xmlns=\"http://purl.org/rss/1.0/\"\n"
	    " xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"\n"
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    " xmlns:dcterms=\"http://purl.org/dc/terms/\"\n"
	    " xmlns:sec=\"http://jvn.jp/rss/mod_Security/3.0/\"\n"
	    " xml:lang=\"%s\">\n<channel rdf:about=\"", lang);
	esc_append(o, ESC_XML, chan);
	g_string_append(o, "\">\n");
	xml_elem(o, "title", title);
	xml_elem(o, "link", link);
	xml_elem(o, "description", strcmp(lang, "ja") == 0 ?
	    pub_ja.feed_description : pub_en.feed_description);
	if (d != NULL)
		xml_elem(o, "dc:date", d);
	g_string_append(o, "  <items>\n   <rdf:Seq>\n");
	for (i = 0; i < a->len; i++) {
		char *u;

		(void)pub_rctx_init(&x, a->pdata[i], "", error_r);
		u = pub_case_url(&x);
		g_string_append(o, "    <rdf:li rdf:resource=\"");
		esc_append(o, ESC_XML, u);
		g_string_append(o, "\"/>\n");
		g_free(u);
		pub_rctx_clear(&x);
	}
	g_string_append(o, "   </rdf:Seq>\n  </items>\n</channel>\n");
	for (i = 0; i < a->len; i++) {
		(void)pub_rctx_init(&x, a->pdata[i], "", error_r);
		rss_item(o, &x);
		pub_rctx_clear(&x);
	}
	g_string_append(o, "</rdf:RDF>\n");
	g_free(link);
	g_free(title);
	g_free(chan);
	g_free(d);
	g_ptr_array_free(a, TRUE);
	return 0;
}

