/*
 * publish: the public face of a case (figures 1-3 of the guideline), its
 * CSAF 2.0 VEX document, the JVNRSS feed and the layout of the site.
 * This file holds the public entry points: it checks a case and builds
 * its render context (publish_model.c), dispatches to one renderer per
 * format (publish_html.c, publish_text.c, publish_csaf.c,
 * publish_rss.c), and lays out the site for a writer.  Writing the site
 * to disk is publish_tree.c's, the only I/O.
 *
 * The pages are built in C rather than from conf/templates: what may
 * become a link, and how each string is escaped, is a security decision
 * that should not move when an operator edits a template, and
 * pub_render() has no template directory to read from.  All text passes
 * through esc_clean() first, then through exactly one escaper for its
 * output (escape.h).
 */
#include "config.h"

#include <string.h>

#include "publish_p.h"
#include "vulture/wkd.h"

/* ------------------------------------------------------------------ */
/* Public renderers */

int
pub_render(const struct pub_case *c, enum pub_format f, GString **out_r,
    char **error_r)
{
	struct pub_rctx x;
	GString *o;

	if (f == PUB_RSS)
		return pub_render_feed(&c, 1, out_r, error_r);
	if (pub_rctx_init(&x, c, "", error_r) < 0)
		return -1;
	o = g_string_new(NULL);
	switch (f) {
	case PUB_TEXT:
		pub_text_case(o, &x);
		break;
	case PUB_HTML:
		pub_html_case(o, &x);
		break;
	case PUB_CSAF:
		if (pub_csaf_case(o, &x, error_r) < 0) {
			g_string_free(o, TRUE);
			pub_rctx_clear(&x);
			return -1;
		}
		break;
	default:
		*error_r = g_strdup_printf("unknown format %d", (int)f);
		g_string_free(o, TRUE);
		pub_rctx_clear(&x);
		return -1;
	}
	pub_rctx_clear(&x);
	*out_r = o;
	return 0;
}

static int
render_vendor(const struct pub_case *c, size_t i, const char *suffix,
    GString **out_r, char **error_r)
{
	struct pub_rctx x;
	GString *o;

	if (pub_rctx_init(&x, c, suffix, error_r) < 0)
		return -1;
	if (i >= c->n_vendors) {
		*error_r = g_strdup_printf("%s: no vendor #%zu (the case has "
		    "%zu)", c->id, i, c->n_vendors);
		pub_rctx_clear(&x);
		return -1;
	}
	o = g_string_new(NULL);
	pub_html_vendor(o, &x, i);
	pub_rctx_clear(&x);
	*out_r = o;
	return 0;
}

int
pub_render_vendor(const struct pub_case *c, size_t vendor_index,
    GString **out_r, char **error_r)
{
	return render_vendor(c, vendor_index, "", out_r, error_r);
}

int
pub_render_index(const struct pub_case *const *cases, size_t n,
    const char *lang, GString **out_r, char **error_r)
{
	GString *o = g_string_new(NULL);

	if (pub_html_index(o, cases, n, lang, "", NULL, error_r) < 0) {
		g_string_free(o, TRUE);
		return -1;
	}
	*out_r = o;
	return 0;
}

int
pub_render_feed(const struct pub_case *const *cases, size_t n,
    GString **out_r, char **error_r)
{
	GString *o = g_string_new(NULL);

	if (pub_rss_feed(o, cases, n, error_r) < 0) {
		g_string_free(o, TRUE);
		return -1;
	}
	*out_r = o;
	return 0;
}


/* ------------------------------------------------------------------ */
/* The site */

int
pub_site_check(const struct pub_case *const *cases, size_t n,
    char **error_r)
{
	GHashTable *slugs;
	size_t i;
	int r = -1;

	if (n > 0 && cases == NULL) {
		*error_r = g_strdup("case count without an array");
		return -1;
	}
	slugs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (i = 0; i < n; i++) {
		char *slug;

		if (pub_check_case(cases[i], error_r) < 0)
			goto done;
		slug = pub_case_slug(cases[i]->id);
		if (!g_hash_table_add(slugs, slug)) {
			*error_r = g_strdup_printf("%s: its directory name "
			    "%s is taken by another case", cases[i]->id,
			    slug);
			goto done;
		}
		if (pub_has_vex(cases[i]) &&
		    (esc_blank(cases[i]->publisher_name) ||
		    esc_blank(cases[i]->publisher_namespace))) {
			*error_r = g_strdup_printf("%s: CSAF needs a "
			    "publisher name and namespace", cases[i]->id);
			goto done;
		}
	}
	r = 0;
done:
	g_hash_table_destroy(slugs);
	return r;
}

/* The three language variants: index.html in the case's language, then
 * .ja and .en.  Their links keep to the same variant. */
static const char *const pub_langs[] = { NULL, "ja", "en" };

static int
site_case(const struct pub_case *c, pub_emit_fn emit, void *ctx,
    char **error_r)
{
	char *slug = pub_case_slug(c->id);
	char *cdir = g_strconcat("cases/", slug, NULL);
	char *vdir = g_strconcat(cdir, "/vendors", NULL);
	char *path = NULL;
	GString *out;
	size_t l, i;
	int r = -1;

	if (emit(ctx, cdir, NULL, NULL, error_r) != 0 ||
	    emit(ctx, vdir, NULL, NULL, error_r) != 0)
		goto done;
	for (l = 0; l < G_N_ELEMENTS(pub_langs); l++) {
		struct pub_case v = *c;
		struct pub_rctx x;
		char suffix[8] = "";

		if (pub_langs[l] != NULL) {
			v.lang = pub_langs[l];
			g_snprintf(suffix, sizeof(suffix), ".%s", pub_langs[l]);
		}
		if (pub_rctx_init(&x, &v, suffix, error_r) < 0)
			goto done;
		out = g_string_new(NULL);
		pub_html_case(out, &x);
		pub_rctx_clear(&x);
		g_free(path);
		path = g_strconcat(cdir, "/index", suffix, ".html", NULL);
		if (emit(ctx, path, NULL, out, error_r) != 0)
			goto done;
		for (i = 0; i < c->n_vendors; i++) {
			if (render_vendor(&v, i, suffix, &out, error_r) < 0)
				goto done;
			g_free(path);
			path = g_strconcat(vdir, "/", c->vendors[i].handle,
			    suffix, ".html", NULL);
			if (emit(ctx, path, NULL, out, error_r) != 0)
				goto done;
		}
	}
	/* A case nobody reported on cannot be a valid VEX document; its page
	 * then simply has no CSAF link (see pub_html_case()).  The document
	 * goes under its canonical name (CSAF 2.0 section 5.1, the URL its
	 * self reference gives) and as csaf.json, the name the page links
	 * to. */
	if (pub_has_vex(c)) {
		char *name;

		if (pub_render(c, PUB_CSAF, &out, error_r) < 0)
			goto done;
		name = pub_csaf_filename(c->id);
		g_free(path);
		path = g_strconcat(cdir, "/", name, NULL);
		g_free(name);
		if (emit(ctx, path, "csaf.json", out, error_r) != 0)
			goto done;
	}
	r = 0;
done:
	g_free(path);
	g_free(vdir);
	g_free(cdir);
	g_free(slug);
	return r;
}

/* A file of the site from bytes (copied). */
static int
emit_bytes(pub_emit_fn emit, void *ctx, const char *path, const void *p,
    size_t len, char **error_r)
{
	GString *out = g_string_sized_new(len);

	g_string_append_len(out, p, (gssize)len);
	return emit(ctx, path, NULL, out, error_r);
}

/* The desk's key: key*.html, desk.asc, and the Web Key Directory's two
 * layouts (wkd.h), each beside an empty policy file, which WKD clients
 * fetch first. */
static int
site_desk(const struct pub_desk *d, const char *first_lang,
    pub_emit_fn emit, void *ctx, char **error_r)
{
	char *direct = NULL, *advanced = NULL, *dir, *p;
	const void *bin;
	gsize binlen;
	size_t l;
	int r = -1;

	for (l = 0; l < G_N_ELEMENTS(pub_langs); l++) {
		const char *lang = pub_langs[l] != NULL ? pub_langs[l] :
		    first_lang;
		char suffix[8] = "", name[32];
		GString *out = g_string_new(NULL);

		if (pub_langs[l] != NULL)
			g_snprintf(suffix, sizeof(suffix), ".%s", lang);
		if (pub_html_key(out, d, lang, suffix, error_r) < 0) {
			g_string_free(out, TRUE);
			return -1;
		}
		g_snprintf(name, sizeof(name), "key%s.html", suffix);
		if (emit(ctx, name, NULL, out, error_r) != 0)
			return -1;
	}
	if (emit_bytes(emit, ctx, "desk.asc", d->armor, strlen(d->armor),
	    error_r) != 0)
		return -1;
	if (wkd_paths(d->address, &direct, &advanced) < 0) {
		*error_r = g_strdup_printf("Web Key Directory: %s is not an "
		    "address it can name", d->address);
		return -1;
	}
	bin = g_bytes_get_data(d->binary, &binlen);
	if (emit(ctx, ".well-known", NULL, NULL, error_r) != 0 ||
	    emit(ctx, ".well-known/openpgpkey", NULL, NULL, error_r) != 0)
		goto out;
	/* direct: .well-known/openpgpkey/hu/H; advanced: .../DOMAIN/hu/H */
	for (l = 0; l < 2; l++) {
		const char *file = l == 0 ? direct : advanced;
		char *hu = g_path_get_dirname(file);

		dir = g_path_get_dirname(hu);
		if (l == 1 && emit(ctx, dir, NULL, NULL, error_r) != 0) {
			g_free(hu);
			g_free(dir);
			goto out;
		}
		p = g_strconcat(dir, "/policy", NULL);
		r = emit(ctx, hu, NULL, NULL, error_r) != 0 ||
		    emit_bytes(emit, ctx, file, bin, binlen, error_r) != 0 ||
		    emit_bytes(emit, ctx, p, "", 0, error_r) != 0 ? -1 : 0;
		g_free(p);
		g_free(hu);
		g_free(dir);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	g_free(direct);
	g_free(advanced);
	return r;
}

int
pub_site_render(const struct pub_case *const *cases, size_t n,
    const struct pub_desk *desk, pub_emit_fn emit, void *ctx,
    char **error_r)
{
	const char *first_lang;
	GString *out;
	size_t i, l;

	if (pub_site_check(cases, n, error_r) < 0)
		return -1;
	first_lang = n > 0 ? cases[0]->lang : "ja";
	if (emit(ctx, "cases", NULL, NULL, error_r) != 0)
		return -1;
	for (i = 0; i < n; i++)
		if (site_case(cases[i], emit, ctx, error_r) < 0)
			return -1;
	for (l = 0; l < G_N_ELEMENTS(pub_langs); l++) {
		const char *lang = pub_langs[l] != NULL ? pub_langs[l] :
		    first_lang;
		char suffix[8] = "", name[32];

		if (pub_langs[l] != NULL)
			g_snprintf(suffix, sizeof(suffix), ".%s", lang);
		out = g_string_new(NULL);
		if (pub_html_index(out, cases, n, lang, suffix, desk,
		    error_r) < 0) {
			g_string_free(out, TRUE);
			return -1;
		}
		g_snprintf(name, sizeof(name), "index%s.html", suffix);
		if (emit(ctx, name, NULL, out, error_r) != 0)
			return -1;
	}
	if (pub_render_feed(cases, n, &out, error_r) < 0 ||
	    emit(ctx, "index.rdf", NULL, out, error_r) != 0)
		return -1;
	return desk != NULL ? site_desk(desk, first_lang, emit, ctx,
	    error_r) : 0;
}
