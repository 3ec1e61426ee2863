/*
 * The model shared by the publication renderers (see publish_p.h): a
 * case checked before anything is rendered, the render context every
 * output derives from it, and the small facts the renderers share
 * (statuses, dates, names, URLs, the history in order, the label
 * templates).  It calls no renderer, so the renderers sit between it and
 * publish.c.
 */
#include "config.h"

#include <string.h>

#include "publish_p.h"
#include "vulture/ident.h"

/* ------------------------------------------------------------------ */
/* Labels */

void
pub_fill(GString *o, const char *tmpl, const char *a, const char *b)
{
	const char *args[2] = { a, b }, *p;
	size_t n = 0;

	while ((p = strstr(tmpl, "%s")) != NULL) {
		g_string_append_len(o, tmpl, p - tmpl);
		if (n < G_N_ELEMENTS(args) && args[n] != NULL)
			g_string_append(o, args[n]);
		n++;
		tmpl = p + 2;
	}
	g_string_append(o, tmpl);
}

char *
pub_fill_new(const char *tmpl, const char *a, const char *b)
{
	GString *o = g_string_new(NULL);

	pub_fill(o, tmpl, a, b);
	return g_string_free(o, FALSE);
}

/* ------------------------------------------------------------------ */
/* Checks */

char *
pub_case_slug(const char *id)
{
	GString *s;

	if (!ident_case_id_ok(id))
		return NULL;
	s = g_string_new(NULL);
	for (; *id != '\0'; id++)
		if (*id != '#')
			g_string_append_c(s, *id);
	return g_string_free(s, FALSE);
}

static int
parse_status(const struct pub_vendor *v, enum pub_status *st_r)
{
	size_t i;

	if (esc_blank(v->status)) {
		*st_r = PUB_ST_UNKNOWN;
		return 0;
	}
	for (i = 0; i < G_N_ELEMENTS(pub_statuses); i++) {
		if (pub_statuses[i].name != NULL &&
		    strcmp(pub_statuses[i].name, v->status) == 0) {
			*st_r = (enum pub_status)i;
			return 0;
		}
	}
	return -1;
}

/* The status as shown: unreachable overrides whatever was recorded. */
enum pub_status
pub_vendor_status(const struct pub_vendor *v)
{
	enum pub_status st = PUB_ST_UNKNOWN;

	if (v->unreachable)
		return PUB_ST_UNREACHABLE;
	(void)parse_status(v, &st);	/* checked by pub_check_case() */
	return st;
}

int
pub_check_case(const struct pub_case *c, char **error_r)
{
	GHashTable *seen;
	char *s;
	size_t i;

	if (c == NULL) {
		*error_r = g_strdup("no case given");
		return -1;
	}
	if (!ident_case_id_ok(c->id)) {
		s = esc_shown(c->id);
		*error_r = g_strdup_printf("unsafe case id \"%s\": it must "
		    "start with a letter or digit and hold only letters, "
		    "digits and #._- without \"..\" (at most %d bytes), as "
		    "it names a directory", s, IDENT_MAX_CASE_ID);
		g_free(s);
		return -1;
	}
	if (esc_blank(c->title)) {
		*error_r = g_strdup_printf("%s: no title", c->id);
		return -1;
	}
	if (c->lang == NULL ||
	    (strcmp(c->lang, "en") != 0 && strcmp(c->lang, "ja") != 0)) {
		s = esc_shown(c->lang);
		*error_r = g_strdup_printf("%s: language \"%s\" is neither "
		    "en nor ja", c->id, s);
		g_free(s);
		return -1;
	}
	if (!esc_blank(c->base_url)) {
		char *b = esc_clean_strip(c->base_url);
		int ok = esc_url_ok(b);

		g_free(b);
		if (!ok) {
			s = esc_shown(c->base_url);
			*error_r = g_strdup_printf("%s: base URL \"%s\" is "
			    "not an http or https URL", c->id, s);
			g_free(s);
			return -1;
		}
	}
	if ((c->n_vendors > 0 && c->vendors == NULL) ||
	    (c->n_history > 0 && c->history == NULL)) {
		*error_r = g_strdup_printf("%s: vendor or history count "
		    "without an array", c->id);
		return -1;
	}
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st;

		if (!ident_handle_ok(v->handle)) {
			s = esc_shown(v->handle);
			*error_r = g_strdup_printf("%s: unsafe vendor handle "
			    "\"%s\": it must start with a lower-case letter "
			    "and hold only a-z, 0-9 and ._- (at most "
			    "%d bytes), as it names a file", c->id, s,
			    IDENT_MAX_HANDLE);
			g_free(s);
			g_hash_table_destroy(seen);
			return -1;
		}
		if (!g_hash_table_add(seen, (gpointer)v->handle)) {
			*error_r = g_strdup_printf("%s: vendor %s is listed "
			    "twice", c->id, v->handle);
			g_hash_table_destroy(seen);
			return -1;
		}
		if (parse_status(v, &st) < 0) {
			s = esc_shown(v->status);
			*error_r = g_strdup_printf("%s: vendor %s: unknown "
			    "status \"%s\" (unknown, affected, "
			    "affected-investigating, not-affected, "
			    "not-affected-investigating)", c->id, v->handle,
			    s);
			g_free(s);
			g_hash_table_destroy(seen);
			return -1;
		}
	}
	g_hash_table_destroy(seen);
	return 0;
}

int
pub_rctx_init(struct pub_rctx *x, const struct pub_case *c, const char *suffix,
    char **error_r)
{
	memset(x, 0, sizeof(*x));
	if (pub_check_case(c, error_r) < 0)
		return -1;
	x->c = c;
	x->L = strcmp(c->lang, "ja") == 0 ? &pub_ja : &pub_en;
	x->tz = c->tz != NULL ? g_time_zone_ref(c->tz) :
	    g_time_zone_new_utc();
	x->slug = pub_case_slug(c->id);
	x->base = esc_clean_strip(c->base_url);
	if (*x->base != '\0' && !g_str_has_suffix(x->base, "/")) {
		char *b = g_strconcat(x->base, "/", NULL);

		g_free(x->base);
		x->base = b;
	}
	x->publisher = esc_clean_strip(c->publisher_name);
	if (*x->publisher == '\0') {
		g_free(x->publisher);
		x->publisher = g_strdup(x->L->coordinator);
	}
	x->suffix = suffix;
	return 0;
}

void
pub_rctx_clear(struct pub_rctx *x)
{
	if (x->tz != NULL)
		g_time_zone_unref(x->tz);
	g_free(x->slug);
	g_free(x->base);
	g_free(x->publisher);
	memset(x, 0, sizeof(*x));
}

/* The date of t in the case's zone and language; NULL for 0. */
char *
pub_fmt_date(const struct pub_rctx *x, int64_t t)
{
	GDateTime *u, *l;
	char *s;

	if (t == 0)
		return NULL;
	u = g_date_time_new_from_unix_utc(t);
	if (u == NULL)
		return NULL;
	l = g_date_time_to_timezone(u, x->tz);
	s = g_date_time_format(l, x->L->date_fmt);
	g_date_time_unref(l);
	g_date_time_unref(u);
	return s;
}

/* The vendor's name, falling back to its handle. Newly allocated. */
char *
pub_vendor_name(const struct pub_vendor *v)
{
	char *t = esc_clean_strip(v->name);

	if (*t == '\0') {
		g_free(t);
		return g_strdup(v->handle);
	}
	return t;
}

/* The status text of the vendor table: the status label, or for an
 * unreachable vendor the figure 3 wording with the first attempt's
 * date. Newly allocated. */
char *
pub_status_text(const struct pub_rctx *x, const struct pub_vendor *v)
{
	enum pub_status st = pub_vendor_status(v);
	char *d, *s;

	if (st != PUB_ST_UNREACHABLE)
		return g_strdup(x->L == &pub_ja ? pub_statuses[st].ja :
		    pub_statuses[st].en);
	d = pub_fmt_date(x, v->first_attempt);
	if (d == NULL)
		return g_strdup(x->L->unreachable_nodate);
	s = pub_fill_new(x->L->unreachable_fmt, d, NULL);
	g_free(d);
	return s;
}

const char *
pub_status_label(const struct pub_rctx *x, enum pub_status st)
{
	return x->L == &pub_ja ? pub_statuses[st].ja : pub_statuses[st].en;
}

/* Whether any vendor reported a status: a VEX document needs at least
 * one product status (CSAF 2.0 test 6.1.27.7). */
int
pub_has_vex(const struct pub_case *c)
{
	size_t i;

	for (i = 0; i < c->n_vendors; i++) {
		enum pub_status st = pub_vendor_status(&c->vendors[i]);

		if (st != PUB_ST_UNKNOWN && st != PUB_ST_UNREACHABLE)
			return 1;
	}
	return 0;
}

/* The update history in time order (the caller's order for equal
 * times): g_ptr_array of foreign const struct pub_history *. */
static gint
history_cmp(gconstpointer a, gconstpointer b)
{
	const struct pub_history *ha = *(const struct pub_history *const *)a;
	const struct pub_history *hb = *(const struct pub_history *const *)b;

	if (ha->at != hb->at)
		return ha->at < hb->at ? -1 : 1;
	return ha < hb ? -1 : ha > hb;
}

GPtrArray *
pub_history_sorted(const struct pub_case *c)
{
	GPtrArray *h = g_ptr_array_sized_new(c->n_history);
	size_t i;

	for (i = 0; i < c->n_history; i++)
		g_ptr_array_add(h, (gpointer)&c->history[i]);
	g_ptr_array_sort(h, history_cmp);
	return h;
}

/* The case page URL: absolute with a base URL, else relative to the site
 * root. Newly allocated. */
char *
pub_case_url(const struct pub_rctx *x)
{
	return g_strdup_printf("%scases/%s/", x->base, x->slug);
}

/* The CSAF file name of a case (CSAF 2.0 section 5.1: lower case, runs
 * of characters other than + - a-z 0-9 become '_', then ".json"):
 * JVNVU#12345678 -> jvnvu_12345678.json. Newly allocated. */
char *
pub_csaf_filename(const char *id)
{
	GString *s = g_string_new(NULL);
	int run = 0;

	for (; *id != '\0'; id++) {
		char ch = g_ascii_tolower(*id);

		if (g_ascii_isdigit(ch) || (ch >= 'a' && ch <= 'z') ||
		    ch == '+' || ch == '-') {
			g_string_append_c(s, ch);
			run = 0;
		} else if (!run) {
			g_string_append_c(s, '_');
			run = 1;
		}
	}
	g_string_append(s, ".json");
	return g_string_free(s, FALSE);
}


static gint
newest_first(gconstpointer a, gconstpointer b)
{
	const struct pub_case *ca = *(const struct pub_case *const *)a;
	const struct pub_case *cb = *(const struct pub_case *const *)b;

	if (ca->published_at != cb->published_at)
		return ca->published_at > cb->published_at ? -1 : 1;
	return strcmp(ca->id, cb->id);
}

/* Checks every case and returns them newest first (a new array of
 * foreign pointers), or NULL with *error_r. */
GPtrArray *
pub_sorted_cases(const struct pub_case *const *cases, size_t n, char **error_r)
{
	GPtrArray *a;
	size_t i;

	if (n > 0 && cases == NULL) {
		*error_r = g_strdup("case count without an array");
		return NULL;
	}
	a = g_ptr_array_sized_new(n);
	for (i = 0; i < n; i++) {
		if (pub_check_case(cases[i], error_r) < 0) {
			g_ptr_array_free(a, TRUE);
			return NULL;
		}
		g_ptr_array_add(a, (gpointer)cases[i]);
	}
	g_ptr_array_sort(a, newest_first);
	return a;
}
