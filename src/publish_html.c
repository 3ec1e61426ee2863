/*
 * The HTML renderer: the case page (figure 1 of the guideline), the
 * vendor pages (figures 2 and 3) and the site index.  Every string from a
 * case goes through escape.h; labels are our own text.
 */
#include "config.h"

#include <string.h>

#include "publish_p.h"

/* Inline only: the pages must be readable from a file, a mail archive or
 * a mirror, and the CSP below forbids anything fetched.  Below 40rem the
 * vendor table turns into one card per vendor, each cell labelled from
 * data-label, so nothing overflows a 375 px phone. */
static const char pub_css[] =
":root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--accent:#0b4f8a;"
"--head:#f3f6f9}\n"
"*{box-sizing:border-box}\n"
"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
"body{margin:0;color:var(--fg);background:#fff;line-height:1.7;"
"font-family:system-ui,-apple-system,\"Segoe UI\",\"Hiragino Sans\","
"\"Hiragino Kaku Gothic ProN\",\"Noto Sans CJK JP\",\"Noto Sans JP\","
"\"IPAexGothic\",\"IPAGothic\",Meiryo,sans-serif}\n"
"header.site{background:var(--accent);color:#fff;padding:.55rem 1rem;"
"display:flex;flex-wrap:wrap;gap:.3rem 1rem;justify-content:"
"space-between;align-items:baseline}\n"
"header.site a{color:#fff}\n"
"header.site .home{font-weight:700;text-decoration:none}\n"
"header.site nav a{margin-left:.8rem;font-size:.9rem}\n"
"main{max-width:72rem;margin:0 auto;padding:1rem 1rem 3rem}\n"
"a{color:var(--accent)}\n"
".id{margin:.5rem 0 0;color:var(--muted);font-weight:700;"
"letter-spacing:.02em}\n"
"h1{font-size:1.65rem;line-height:1.35;margin:.15rem 0 .6rem;"
"overflow-wrap:anywhere}\n"
"h2{font-size:1.2rem;line-height:1.4;margin:2rem 0 .7rem;"
"padding:.3rem .6rem;border-left:.3rem solid var(--accent);"
"background:var(--head)}\n"
".dates{margin:0;color:var(--muted);font-size:.95rem}\n"
".dates span{margin-right:1.2rem;display:inline-block}\n"
".text p,.comment p{margin:.4rem 0;white-space:pre-wrap}\n"
".comment p:first-child{margin-top:0}\n.comment p:last-child{margin-bottom:0}\n"
".text,.comment,td,th,dd,li{overflow-wrap:anywhere}\n"
"table.list{width:100%;border-collapse:collapse;font-size:.95rem}\n"
"table.list th,table.list td{border:1px solid var(--line);"
"padding:.5rem .6rem;text-align:left;vertical-align:top}\n"
"table.list thead th{background:var(--head);white-space:nowrap}\n"
"table.list tbody th{font-weight:700}\n"
"table.vendors col.c-vendor{width:18%}\n"
"table.vendors col.c-status{width:19%}\n"
"table.vendors col.c-date{width:12%}\n"
"table.vendors col.c-advisory{width:20%}\n"
".status{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;"
"font-weight:700;text-decoration:none;line-height:1.5}\n"
"a.status:hover{text-decoration:underline}\n"
".st-affected{background:#fde7e7;color:#8f1d1d}\n"
".st-affected-inv{background:#fff1dc;color:#7a4300}\n"
".st-not-affected{background:#e3f3e7;color:#1b5e2f}\n"
".st-not-affected-inv{background:#e5effa;color:#1d4a85}\n"
".st-unknown{background:#eceff2;color:#3d444d}\n"
".st-unreachable{background:#f1e9f8;color:#5a2a82;font-weight:400}\n"
"td.date{white-space:nowrap}\n"
".none{color:var(--muted)}\n"
"ul.refs,ul.history{padding-left:1.2rem;margin:.4rem 0}\n"
"ul.history time{font-variant-numeric:tabular-nums;margin-right:.6rem;"
"color:var(--muted)}\n"
"dl.fields{display:grid;grid-template-columns:minmax(9rem,14rem) 1fr;"
"border-top:1px solid var(--line);margin:1rem 0}\n"
"dl.fields dt,dl.fields dd{margin:0;padding:.55rem .6rem;"
"border-bottom:1px solid var(--line)}\n"
"dl.fields dt{font-weight:700;background:var(--head)}\n"
"footer{max-width:72rem;margin:0 auto;padding:1rem;color:var(--muted);"
"font-size:.85rem;border-top:1px solid var(--line)}\n"
"@media (max-width:40rem){\n"
"h1{font-size:1.3rem}\n"
"main{padding:.6rem .75rem 2rem}\n"
"table.list,table.list tbody,table.list tr,table.list th,"
"table.list td{display:block;width:100%}\n"
"table.list thead{position:absolute;width:1px;height:1px;"
"overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\n"
"table.list colgroup{display:none}\n"
"table.list tr{border:1px solid var(--line);border-radius:.4rem;"
"margin:0 0 .8rem;padding:.35rem 0;background:#fff}\n"
"table.list tbody th{background:var(--head);border-radius:.4rem .4rem "
"0 0;margin-top:-.35rem}\n"
"table.list th,table.list td{border:0;padding:.3rem .75rem}\n"
"table.list td.empty{display:none}\n"
"table.list td.date{white-space:normal}\n"
"table.list td::before{content:attr(data-label);display:block;"
"font-size:.78rem;font-weight:700;color:var(--muted)}\n"
"dl.fields{grid-template-columns:1fr}\n"
"dl.fields dt{border-bottom:0;padding-bottom:.2rem}\n"
"}\n";

/* title is untrusted text; home and alternates are our own hrefs. */
static void
html_begin(GString *o, const struct pub_rctx *x, const char *lang,
    const char *title, const char *home, const char *alt_base)
{
	g_string_append_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n"
	    "<head>\n<meta charset=\"utf-8\">\n", lang);
	g_string_append(o, "<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" "
	    "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	    "base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	esc_put(o, ESC_HTML, title);
	g_string_append(o, "</title>\n<style>\n");
	g_string_append(o, pub_css);
	g_string_append(o, "</style>\n</head>\n<body>\n"
	    "<header class=\"site\"><a class=\"home\" href=\"");
	g_string_append(o, home);
	g_string_append(o, "\">");
	if (x != NULL)
		esc_append(o, ESC_HTML, x->publisher);
	else
		g_string_append(o, strcmp(lang, "ja") == 0 ? pub_ja.site :
		    pub_en.site);
	g_string_append(o, "</a>");
	if (alt_base != NULL)
		g_string_append_printf(o, "<nav><a href=\"%s.ja.html\" "
		    "hreflang=\"ja\" lang=\"ja\">日本語</a><a "
		    "href=\"%s.en.html\" hreflang=\"en\" "
		    "lang=\"en\">English</a></nav>", alt_base, alt_base);
	g_string_append(o, "</header>\n<main>\n");
}

static void
html_end(GString *o)
{
	g_string_append(o, "</main>\n<footer>vulture " PACKAGE_VERSION
	    "</footer>\n</body>\n</html>\n");
}

/* A section of paragraphs; left out when the text is blank. */
static void
html_section(GString *o, const char *id, const char *heading,
    const char *text)
{
	if (esc_blank(text))
		return;
	g_string_append_printf(o, "<section id=\"%s\">\n<h2>", id);
	esc_put(o, ESC_HTML, heading);
	g_string_append(o, "</h2>\n<div class=\"text\">\n");
	esc_html_paras(o, text);
	g_string_append(o, "</div>\n</section>\n");
}

/* The advisory link, or the string as text when it is not http(s). */
static void
html_advisory(GString *o, const char *raw)
{
	char *u = esc_clean_strip(raw);

	if (*u == '\0')
		g_string_append(o, "<span class=\"none\">-</span>");
	else if (esc_url_ok(u)) {
		g_string_append(o, "<a rel=\"nofollow noopener noreferrer\" "
		    "href=\"");
		esc_append(o, ESC_HTML, u);
		g_string_append(o, "\">");
		esc_append(o, ESC_HTML, u);
		g_string_append(o, "</a>");
	} else
		esc_append(o, ESC_HTML, u);
	g_free(u);
}

static void
html_date(GString *o, const struct pub_rctx *x, int64_t t)
{
	char *d = pub_fmt_date(x, t);

	if (d == NULL)
		g_string_append(o, "<span class=\"none\">-</span>");
	else
		g_string_append(o, d);
	g_free(d);
}

static void
html_vendor_row(GString *o, const struct pub_rctx *x, size_t i)
{
	const struct pub_vendor *v = &x->c->vendors[i];
	const struct pub_labels *L = x->L;
	enum pub_status st = pub_vendor_status(v);
	char *name = pub_vendor_name(v), *stext = pub_status_text(x, v);
	int64_t last;

	g_string_append_printf(o, "<tr id=\"vendor-%s\" class=\"vendor\">"
	    "<th scope=\"row\" data-label=\"%s\">", v->handle, L->col_vendor);
	esc_append(o, ESC_HTML, name);
	g_string_append_printf(o, "</th>\n<td data-label=\"%s\"><a "
	    "class=\"status st-%s\" href=\"vendors/%s%s.html\">",
	    L->col_status, pub_statuses[st].css, v->handle, x->suffix);
	esc_append(o, ESC_HTML, stext);
	/* Empty cells are marked so that the phone layout can leave
	 * them out of the vendor's card. */
	last = st == PUB_ST_UNREACHABLE ? 0 : v->last_answer;
	g_string_append_printf(o, "</a></td>\n<td data-label=\"%s\" "
	    "class=\"date%s\">", L->col_updated, last == 0 ? " empty" : "");
	html_date(o, x, last);
	g_string_append_printf(o, "</td>\n<td data-label=\"%s\" "
	    "class=\"comment%s\">", L->col_comment,
	    esc_blank(v->comment) ? " empty" : "");
	if (esc_blank(v->comment))
		g_string_append(o, "<span class=\"none\">-</span>");
	else
		esc_html_paras(o, v->comment);
	g_string_append_printf(o, "</td>\n<td data-label=\"%s\"%s>",
	    L->col_advisory, esc_blank(v->advisory_url) ? " class=\"empty\"" :
	    "");
	html_advisory(o, v->advisory_url);
	g_string_append(o, "</td></tr>\n");
	g_free(name);
	g_free(stext);
}

static void
html_vendor_table(GString *o, const struct pub_rctx *x)
{
	const struct pub_labels *L = x->L;
	size_t i;

	g_string_append(o, "<section id=\"vendors\">\n<h2>");
	g_string_append(o, L->vendors);
	g_string_append(o, "</h2>\n");
	if (x->c->n_vendors == 0) {
		g_string_append_printf(o, "<p class=\"none\">%s</p>\n"
		    "</section>\n", L->none_vendors);
		return;
	}
	g_string_append_printf(o, "<table class=\"list vendors\">\n"
	    "<colgroup><col class=\"c-vendor\"><col class=\"c-status\">"
	    "<col class=\"c-date\"><col class=\"c-comment\">"
	    "<col class=\"c-advisory\"></colgroup>\n"
	    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	    "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
	    L->col_vendor, L->col_status, L->col_updated, L->col_comment,
	    L->col_advisory);
	for (i = 0; i < x->c->n_vendors; i++)
		html_vendor_row(o, x, i);
	g_string_append(o, "</tbody>\n</table>\n</section>\n");
}

static void
html_references(GString *o, const struct pub_rctx *x)
{
	char *t;
	char **lines;
	size_t i;

	if (esc_blank(x->c->references))
		return;
	t = esc_clean(x->c->references);
	lines = g_strsplit(t, "\n", -1);
	g_string_append_printf(o, "<section id=\"references\">\n<h2>%s</h2>"
	    "\n<ul class=\"refs\">\n", x->L->references);
	for (i = 0; lines[i] != NULL; i++) {
		g_strstrip(lines[i]);
		if (*lines[i] == '\0')
			continue;
		g_string_append(o, "<li>");
		esc_html_linked(o, lines[i]);
		g_string_append(o, "</li>\n");
	}
	g_string_append(o, "</ul>\n</section>\n");
	g_strfreev(lines);
	g_free(t);
}

static void
html_history(GString *o, const struct pub_rctx *x)
{
	GPtrArray *h = pub_history_sorted(x->c);
	size_t i;

	g_string_append_printf(o, "<section id=\"history\">\n<h2>%s</h2>\n"
	    "<ul class=\"history\">\n", x->L->history);
	if (h->len == 0) {
		char *d = pub_fmt_date(x, x->c->published_at);

		if (d != NULL)
			g_string_append_printf(o, "<li><time>%s</time>%s"
			    "</li>\n", d, x->L->initial_release);
		g_free(d);
	}
	for (i = 0; i < h->len; i++) {
		const struct pub_history *e = h->pdata[i];
		char *d = pub_fmt_date(x, e->at);

		g_string_append_printf(o, "<li><time>%s</time>",
		    d != NULL ? d : "-");
		{
			char *t = esc_clean_strip(e->text);

			esc_html_linked(o, t);
			g_free(t);
		}
		g_string_append(o, "</li>\n");
		g_free(d);
	}
	g_string_append(o, "</ul>\n</section>\n");
	g_ptr_array_free(h, TRUE);
}

void
pub_html_case(GString *o, const struct pub_rctx *x)
{
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	char *title, *addendum, *d;
	char home[32];

	title = g_strdup_printf("%s: %s", c->id, c->title);
	g_snprintf(home, sizeof(home), "../../index%s.html", x->suffix);
	html_begin(o, x, L->lang, title, home, "index");
	g_free(title);
	g_string_append(o, "<article>\n<p class=\"id\">");
	esc_append(o, ESC_HTML, c->id);
	g_string_append(o, "</p>\n<h1>");
	esc_put(o, ESC_HTML, c->title);
	g_string_append(o, "</h1>\n<p class=\"dates\">");
	d = pub_fmt_date(x, c->published_at);
	if (d != NULL)
		g_string_append_printf(o, "<span>%s: %s</span>",
		    L->published, d);
	g_free(d);
	d = pub_fmt_date(x, c->updated_at);
	if (d != NULL)
		g_string_append_printf(o, "<span>%s: %s</span>", L->updated,
		    d);
	g_free(d);
	g_string_append(o, "</p>\n");
	html_section(o, "overview", L->overview, c->overview);
	html_section(o, "affected", L->affected, c->affected);
	html_section(o, "description", L->description, c->description);
	html_section(o, "impact", L->impact, c->impact);
	html_section(o, "solution", L->solution, c->solution);
	html_vendor_table(o, x);
	html_references(o, x);
	addendum = pub_fill_new(L->addendum_fmt, x->publisher, NULL);
	html_section(o, "addendum", addendum, c->addendum);
	g_free(addendum);
	html_section(o, "credits", L->credits, c->credits);
	html_history(o, x);
	if (pub_has_vex(c))
		g_string_append_printf(o, "<p class=\"dates\"><a href=\""
		    "csaf.json\" type=\"application/json\">%s</a></p>\n",
		    L->csaf_link);
	g_string_append(o, "</article>\n");
	html_end(o);
}

static void
html_field(GString *o, const char *label)
{
	g_string_append_printf(o, "<dt>%s</dt><dd>", label);
}

void
pub_html_vendor(GString *o, const struct pub_rctx *x, size_t i)
{
	const struct pub_case *c = x->c;
	const struct pub_vendor *v = &c->vendors[i];
	const struct pub_labels *L = x->L;
	enum pub_status st = pub_vendor_status(v);
	char *name = pub_vendor_name(v), *title, *d;
	char home[32], alt[PUB_MAX_HANDLE + 8];

	title = pub_fill_new(L->vendor_title_fmt, name, c->id);
	g_snprintf(home, sizeof(home), "../../../index%s.html", x->suffix);
	g_snprintf(alt, sizeof(alt), "%s", v->handle);
	html_begin(o, x, L->lang, title, home, alt);
	g_string_append_printf(o, "<article>\n<p class=\"id\"><a href=\""
	    "../index%s.html\">", x->suffix);
	esc_append(o, ESC_HTML, c->id);
	g_string_append(o, "</a></p>\n<h1>");
	esc_append(o, ESC_HTML, title);
	g_string_append(o, "</h1>\n<dl class=\"fields\">\n");
	html_field(o, L->f_id);
	esc_append(o, ESC_HTML, c->id);
	g_string_append(o, "</dd>\n");
	html_field(o, L->f_title);
	esc_put(o, ESC_HTML, c->title);
	g_string_append(o, "</dd>\n");
	html_field(o, L->f_vendor);
	esc_append(o, ESC_HTML, name);
	g_string_append(o, "</dd>\n");
	html_field(o, L->f_status);
	g_string_append_printf(o, "<span class=\"status st-%s\">",
	    pub_statuses[st].css);
	esc_append(o, ESC_HTML, pub_status_label(x, st));
	g_string_append(o, "</span></dd>\n");
	if (st == PUB_ST_UNREACHABLE) {
		/* Figure 3: the remark replaces what the vendor would have
		 * told us. */
		char *remark;

		d = pub_fmt_date(x, v->first_attempt);
		remark = d != NULL ?
		    pub_fill_new(L->remark_fmt, x->publisher, d) :
		    pub_fill_new(L->remark_nodate_fmt, x->publisher, NULL);
		html_field(o, L->f_remarks);
		esc_append(o, ESC_HTML, remark);
		g_string_append(o, "</dd>\n");
		g_free(remark);
		g_free(d);
	} else {
		html_field(o, L->f_comment);
		if (esc_blank(v->comment))
			g_string_append(o, "<span class=\"none\">-</span>");
		else {
			g_string_append(o, "<div class=\"comment\">");
			esc_html_paras(o, v->comment);
			g_string_append(o, "</div>");
		}
		g_string_append(o, "</dd>\n");
		html_field(o, L->f_advisory);
		html_advisory(o, v->advisory_url);
		g_string_append(o, "</dd>\n");
		if (!esc_blank(v->fix_date)) {
			html_field(o, L->f_fix);
			esc_put(o, ESC_HTML, v->fix_date);
			g_string_append(o, "</dd>\n");
		}
		if (!esc_blank(v->workaround_date)) {
			html_field(o, L->f_workaround);
			esc_put(o, ESC_HTML, v->workaround_date);
			g_string_append(o, "</dd>\n");
		}
		html_field(o, L->col_updated);
		html_date(o, x, v->last_answer);
		g_string_append(o, "</dd>\n");
	}
	g_string_append_printf(o, "</dl>\n<p><a href=\"../index%s.html\">%s"
	    "</a></p>\n</article>\n", x->suffix, L->back);
	html_end(o);
	g_free(title);
	g_free(name);
}


int
pub_html_index(GString *o, const struct pub_case *const *cases, size_t n,
    const char *lang, const char *suffix, const struct pub_desk *desk,
    char **error_r)
{
	const struct pub_labels *L;
	GPtrArray *a;
	struct pub_rctx x;
	char home[32];
	size_t i;

	if (lang == NULL || (strcmp(lang, "en") != 0 &&
	    strcmp(lang, "ja") != 0)) {
		*error_r = g_strdup("index language is neither en nor ja");
		return -1;
	}
	L = strcmp(lang, "ja") == 0 ? &pub_ja : &pub_en;
	if ((a = pub_sorted_cases(cases, n, error_r)) == NULL)
		return -1;
	g_snprintf(home, sizeof(home), "index%s.html", suffix);
	if (a->len > 0) {
		struct pub_case first = *(const struct pub_case *)a->pdata[0];
		char *t;

		/* The newest case names the publisher; its language is
		 * replaced by the index's so that labels agree. */
		first.lang = L->lang;
		(void)pub_rctx_init(&x, &first, suffix, error_r);
		t = g_strdup_printf("%s: %s", x.publisher, L->index_title);
		html_begin(o, &x, L->lang, t, home, "index");
		g_free(t);
		pub_rctx_clear(&x);
	} else
		html_begin(o, NULL, L->lang, L->index_title, home, "index");
	g_string_append_printf(o, "<h1>%s</h1>\n<p><a href=\"index.rdf\" "
	    "type=\"application/rss+xml\">RSS</a>", L->index_title);
	if (desk != NULL)
		g_string_append_printf(o, " · <a href=\"key%s.html\">%s</a>",
		    suffix, L->key_link);
	g_string_append(o, "</p>\n");
	if (a->len == 0)
		g_string_append_printf(o, "<p class=\"none\">%s</p>\n",
		    L->index_empty);
	else
		g_string_append_printf(o, "<table class=\"list cases\">\n"
		    "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s"
		    "</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		    "</tr></thead>\n<tbody>\n", L->col_id, L->col_title,
		    L->published, L->updated);
	for (i = 0; i < a->len; i++) {
		struct pub_case one = *(const struct pub_case *)a->pdata[i];

		one.lang = L->lang;
		(void)pub_rctx_init(&x, &one, suffix, error_r);
		g_string_append_printf(o, "<tr><th scope=\"row\" "
		    "data-label=\"%s\"><a href=\"cases/%s/index%s.html\">",
		    L->col_id, x.slug, suffix);
		esc_append(o, ESC_HTML, one.id);
		g_string_append_printf(o, "</a></th><td data-label=\"%s\">"
		    "<a href=\"cases/%s/index%s.html\">", L->col_title,
		    x.slug, suffix);
		esc_put(o, ESC_HTML, one.title);
		g_string_append_printf(o, "</a></td><td data-label=\"%s\">",
		    L->published);
		html_date(o, &x, one.published_at);
		g_string_append_printf(o, "</td><td data-label=\"%s\">",
		    L->updated);
		html_date(o, &x, one.updated_at);
		g_string_append(o, "</td></tr>\n");
		pub_rctx_clear(&x);
	}
	if (a->len > 0)
		g_string_append(o, "</tbody>\n</table>\n");
	html_end(o);
	g_ptr_array_free(a, TRUE);
	return 0;
}


int
pub_html_key(GString *o, const struct pub_desk *d, const char *lang,
    const char *suffix, char **error_r)
{
	const struct pub_labels *L;
	char home[32];
	size_t i, n;

	if (lang == NULL || (strcmp(lang, "en") != 0 &&
	    strcmp(lang, "ja") != 0)) {
		*error_r = g_strdup("key page language is neither en nor ja");
		return -1;
	}
	L = strcmp(lang, "ja") == 0 ? &pub_ja : &pub_en;
	g_snprintf(home, sizeof(home), "index%s.html", suffix);
	html_begin(o, NULL, L->lang, L->key_title, home, "key");
	g_string_append_printf(o, "<h1>%s</h1>\n<p>%s</p>\n<dl class=\"key\">"
	    "\n<dt>%s</dt><dd>", L->key_title, L->key_intro, L->key_address);
	esc_append(o, ESC_HTML, d->address);
	g_string_append_printf(o, "</dd>\n<dt>%s</dt><dd><code>", L->key_fpr);
	/* Groups of four, as gpg --fingerprint prints them. */
	n = strlen(d->fpr);
	for (i = 0; i < n; i += 4) {
		char grp[5];

		g_strlcpy(grp, d->fpr + i, sizeof(grp));
		if (i > 0)
			g_string_append(o, i == n / 2 ? "&#160; " : " ");
		esc_append(o, ESC_HTML, grp);
	}
	g_string_append_printf(o, "</code></dd>\n</dl>\n<p><a href=\"desk.asc\" "
	    "type=\"application/pgp-keys\">%s</a> (desk.asc)</p>\n<p>%s</p>\n"
	    "<pre class=\"key\">", L->key_download, L->key_wkd);
	esc_append(o, ESC_HTML, d->armor);
	g_string_append(o, "</pre>\n");
	html_end(o);
	return 0;
}
