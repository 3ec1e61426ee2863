/*
 * The CSAF 2.0 renderer: the VEX document of a case, pretty-printed JSON
 * that passes the CSAF validator's mandatory tests (the test numbers
 * below are CSAF 2.0 section 6's).  Strings are cleaned (escape.h) and
 * escaped by the JSON writer (json.h).
 */
#include "config.h"

#include <string.h>

#include "vulture/json.h"
#include "vulture/vtime.h"
#include "publish_p.h"

/* Strings for the JSON writer: clean, stripped, NULL when empty (CSAF
 * strings have minLength 1).  Kept in tmp until the document is done. */
static const char *
keep(GPtrArray *tmp, char *s)
{
	if (s == NULL)
		return NULL;
	if (*s == '\0') {
		g_free(s);
		return NULL;
	}
	g_ptr_array_add(tmp, s);
	return s;
}

static const char *
csaf_text(GPtrArray *tmp, const char *raw)
{
	return keep(tmp, esc_clean_strip(raw));
}

static void
csaf_note(struct jw *w, const char *category, const char *title,
    const char *text)
{
	if (text == NULL)
		return;
	jw_obj_begin(w);
	jw_kstr(w, "category", category);
	jw_kstr(w, "text", text);
	jw_kstr(w, "title", title);
	jw_obj_end(w);
}

static void
csaf_pid(char *buf, size_t size, size_t i)
{
	g_snprintf(buf, size, "CSAFPID-%04zu", i + 1);
}

/* The product ids of vendors whose status is in sts[0..n). */
static int
csaf_ids(struct jw *w, const struct pub_case *c, const char *key,
    const enum pub_status *sts, size_t n)
{
	char pid[32];
	size_t i, j;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		enum pub_status st = pub_vendor_status(&c->vendors[i]);

		for (j = 0; j < n; j++) {
			if (st != sts[j])
				continue;
			if (!any) {
				jw_key(w, key);
				jw_arr_begin(w);
				any = 1;
			}
			csaf_pid(pid, sizeof(pid), i);
			jw_str(w, pid);
		}
	}
	if (any)
		jw_arr_end(w);
	return any;
}

static void
csaf_one_pid(struct jw *w, size_t i)
{
	char pid[32];

	csaf_pid(pid, sizeof(pid), i);
	jw_key(w, "product_ids");
	jw_arr_begin(w);
	jw_str(w, pid);
	jw_arr_end(w);
}

/* One CSAF document being written. */
struct csaf {
	struct jw w;
	const struct pub_rctx *x;		/* foreign */
	GPtrArray *tmp;			/* owned: strings for the writer */
};

static void
csaf_references(struct csaf *cs)
{
	const struct pub_rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	char **lines = NULL;
	char *s;
	size_t i;
	int any = *x->base != '\0';

	if (!esc_blank(c->references)) {
		lines = g_strsplit(csaf_text(cs->tmp, c->references), "\n", -1);
		for (i = 0; lines[i] != NULL; i++) {
			g_strstrip(lines[i]);
			any |= esc_url_ok(lines[i]);
		}
	}
	if (!any) {	/* the schema wants no empty list */
		g_strfreev(lines);
		return;
	}
	jw_key(w, "references");
	jw_arr_begin(w);
	if (*x->base != '\0') {
		jw_obj_begin(w);
		jw_kstr(w, "category", "self");
		s = g_strdup_printf("%s: %s", c->id,
		    csaf_text(cs->tmp, c->title));
		jw_kstr(w, "summary", keep(cs->tmp, s));
		jw_kstr(w, "url", keep(cs->tmp, pub_case_url(x)));
		jw_obj_end(w);
		/* The canonical URL of this document (optional test
		 * 6.2.11), where pub_write_tree() puts it. */
		jw_obj_begin(w);
		jw_kstr(w, "category", "self");
		jw_kstr(w, "summary", "CSAF");
		s = pub_csaf_filename(c->id);
		jw_kstr(w, "url", keep(cs->tmp, g_strdup_printf(
		    "%scases/%s/%s", x->base, x->slug, s)));
		g_free(s);
		jw_obj_end(w);
	}
	for (i = 0; lines != NULL && lines[i] != NULL; i++) {
		if (!esc_url_ok(lines[i]))
			continue;	/* CSAF references need a URL */
		jw_obj_begin(w);
		jw_kstr(w, "category", "external");
		jw_kstr(w, "summary", lines[i]);
		jw_kstr(w, "url", lines[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	g_strfreev(lines);
}

/* tracking: revision numbers are the update history in time order, so
 * the version is the number of entries (tests 6.1.14, 6.1.16, 6.1.21). */
static void
csaf_tracking(struct csaf *cs, const char *initial)
{
	const struct pub_rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	GPtrArray *h = pub_history_sorted(c);
	int64_t cur = MAX(c->published_at, c->updated_at);
	size_t i;

	if (h->len > 0)
		cur = MAX(cur,
		    ((const struct pub_history *)h->pdata[h->len - 1])->at);
	jw_key(w, "tracking");
	jw_obj_begin(w);
	jw_kstr(w, "current_release_date",
	    keep(cs->tmp, vtime_format(cur, x->tz)));
	jw_key(w, "generator");
	jw_obj_begin(w);
	jw_key(w, "engine");
	jw_obj_begin(w);
	jw_kstr(w, "name", "vulture");
	jw_kstr(w, "version", PACKAGE_VERSION);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_kstr(w, "id", c->id);
	jw_kstr(w, "initial_release_date", initial);
	jw_key(w, "revision_history");
	jw_arr_begin(w);
	if (h->len == 0) {
		jw_obj_begin(w);
		jw_kstr(w, "date", initial);
		jw_kstr(w, "number", "1");
		jw_kstr(w, "summary", x->L->initial_release);
		jw_obj_end(w);
	}
	for (i = 0; i < h->len; i++) {
		const struct pub_history *e = h->pdata[i];
		const char *sum = csaf_text(cs->tmp, e->text);
		char num[24];

		g_snprintf(num, sizeof(num), "%zu", i + 1);
		jw_obj_begin(w);
		jw_kstr(w, "date", keep(cs->tmp, vtime_format(e->at != 0 ?
		    e->at : c->published_at, x->tz)));
		jw_kstr(w, "number", num);
		jw_kstr(w, "summary", sum != NULL ? sum :
		    x->L->initial_release);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kstr(w, "status", "final");
	jw_kstr(w, "version", keep(cs->tmp,
	    g_strdup_printf("%u", MAX(h->len, 1))));
	jw_obj_end(w);
	g_ptr_array_free(h, TRUE);
}

static void
csaf_document(struct csaf *cs, const char *ns, const char *initial)
{
	const struct pub_rctx *x = cs->x;
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	struct jw *w = &cs->w;

	jw_key(w, "document");
	jw_obj_begin(w);
	if (!esc_blank(c->credits)) {
		jw_key(w, "acknowledgments");
		jw_arr_begin(w);
		jw_obj_begin(w);
		jw_kstr(w, "summary", csaf_text(cs->tmp, c->credits));
		jw_obj_end(w);
		jw_arr_end(w);
	}
	jw_kstr(w, "category", "csaf_vex");
	jw_kstr(w, "csaf_version", "2.0");
	/* Published: anyone may read it (TLP 1.0 labels in CSAF 2.0). */
	jw_key(w, "distribution");
	jw_obj_begin(w);
	jw_key(w, "tlp");
	jw_obj_begin(w);
	jw_kstr(w, "label", "WHITE");
	jw_kstr(w, "url", "https://www.first.org/tlp/");
	jw_obj_end(w);
	jw_obj_end(w);
	jw_kstr(w, "lang", L->lang);
	jw_key(w, "notes");
	jw_arr_begin(w);
	/* A summary is what a VEX reader wants first (and what test
	 * 6.1.27.1 asks of other profiles). */
	csaf_note(w, "summary", L->overview, csaf_text(cs->tmp,
	    esc_blank(c->overview) ? c->title : c->overview));
	csaf_note(w, "general", L->affected, csaf_text(cs->tmp, c->affected));
	csaf_note(w, "general", L->solution, csaf_text(cs->tmp, c->solution));
	csaf_note(w, "other", keep(cs->tmp, pub_fill_new(L->addendum_fmt,
	    x->publisher, NULL)), csaf_text(cs->tmp, c->addendum));
	jw_arr_end(w);
	jw_key(w, "publisher");
	jw_obj_begin(w);
	jw_kstr(w, "category", "coordinator");
	jw_kstr(w, "name", x->publisher);
	jw_kstr(w, "namespace", ns);
	jw_obj_end(w);
	csaf_references(cs);
	jw_kstr(w, "title", csaf_text(cs->tmp, c->title));
	csaf_tracking(cs, initial);
	jw_obj_end(w);
}

/* Products only for vendors with a status: an id that no status refers
 * to says nothing (and optional test 6.2.1 flags it); unknown and
 * unreachable vendors are involvements instead. */
static void
csaf_product_tree(struct csaf *cs)
{
	const struct pub_case *c = cs->x->c;
	struct jw *w = &cs->w;
	size_t i;

	jw_key(w, "product_tree");
	jw_obj_begin(w);
	jw_key(w, "branches");
	jw_arr_begin(w);
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = pub_vendor_status(v);
		const char *name, *product;
		char pid[32];

		if (st == PUB_ST_UNKNOWN || st == PUB_ST_UNREACHABLE)
			continue;
		name = keep(cs->tmp, pub_vendor_name(v));
		product = keep(cs->tmp, pub_fill_new(cs->x->L->product_fmt,
		    name, c->id));
		csaf_pid(pid, sizeof(pid), i);
		jw_obj_begin(w);
		jw_key(w, "branches");
		jw_arr_begin(w);
		jw_obj_begin(w);
		jw_kstr(w, "category", "product_name");
		jw_kstr(w, "name", product);
		jw_key(w, "product");
		jw_obj_begin(w);
		jw_kstr(w, "name", product);
		jw_kstr(w, "product_id", pid);
		jw_obj_end(w);
		jw_obj_end(w);
		jw_arr_end(w);
		jw_kstr(w, "category", "vendor");
		jw_kstr(w, "name", name);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/* Unknown and unreachable vendors.  No date: involvements of the same
 * party on the same date must be unique (test 6.1.24), and vendors
 * notified together share their first attempt. */
static void
csaf_involvements(struct csaf *cs)
{
	const struct pub_rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	size_t i;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = pub_vendor_status(v);
		const char *name, *status;
		char *s, *d;

		if (st != PUB_ST_UNKNOWN && st != PUB_ST_UNREACHABLE)
			continue;
		if (!any) {
			jw_key(w, "involvements");
			jw_arr_begin(w);
			any = 1;
		}
		name = keep(cs->tmp, pub_vendor_name(v));
		if (st == PUB_ST_UNREACHABLE) {
			status = "contact_attempted";
			d = pub_fmt_date(x, v->first_attempt);
			s = d != NULL ? pub_fill_new(
			    x->L->inv_unreachable_fmt, name, d) :
			    g_strdup_printf("%s: %s", name,
			    x->L->unreachable_nodate);
			g_free(d);
		} else {
			/* "open": the vendor answered (asked for the
			 * detail...) but reported no status. */
			status = v->last_answer != 0 ? "open" :
			    v->first_attempt != 0 ? "contact_attempted" :
			    "not_contacted";
			s = pub_fill_new(x->L->inv_unknown_fmt, name, NULL);
		}
		jw_obj_begin(w);
		jw_kstr(w, "party", "vendor");
		jw_kstr(w, "status", status);
		jw_kstr(w, "summary", keep(cs->tmp, s));
		jw_obj_end(w);
	}
	if (any)
		jw_arr_end(w);
}

/* Test 6.1.27.10: every known_affected product needs a remediation (and
 * optional test 6.2.2 wants one for products under investigation).
 * vendor_fix only when the vendor pointed at one or gave a date;
 * otherwise none_available says what we know: nothing published yet. */
static void
csaf_remediations(struct csaf *cs)
{
	const struct pub_rctx *x = cs->x;
	const struct pub_labels *L = x->L;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	size_t i;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = pub_vendor_status(v);
		const char *name, *url, *comment, *fix, *wa;
		GString *det;

		if (st != PUB_ST_AFFECTED && st != PUB_ST_AFFECTED_INV &&
		    st != PUB_ST_NOT_AFFECTED_INV)
			continue;
		if (!any) {
			jw_key(w, "remediations");
			jw_arr_begin(w);
			any = 1;
		}
		name = keep(cs->tmp, pub_vendor_name(v));
		url = csaf_text(cs->tmp, v->advisory_url);
		if (url != NULL && !esc_url_ok(url))
			url = NULL;
		fix = csaf_text(cs->tmp, v->fix_date);
		wa = csaf_text(cs->tmp, v->workaround_date);
		comment = csaf_text(cs->tmp, v->comment);
		det = g_string_new(NULL);
		if (url != NULL || fix != NULL)
			pub_fill(det, L->fix_advisory_fmt, name, NULL);
		else if (st != PUB_ST_AFFECTED)
			pub_fill(det, L->fix_investigating_fmt, name,
			    NULL);
		else
			pub_fill(det, L->fix_none_fmt, name, NULL);
		if (fix != NULL) {
			g_string_append_c(det, ' ');
			pub_fill(det, L->fix_date_fmt, fix, NULL);
		}
		/* Investigating vendors' comments are notes already. */
		if (comment != NULL && st == PUB_ST_AFFECTED) {
			g_string_append_c(det, ' ');
			pub_fill(det, L->comment_fmt, comment, NULL);
		}
		jw_obj_begin(w);
		jw_kstr(w, "category", url != NULL || fix != NULL ?
		    "vendor_fix" : "none_available");
		jw_kstr(w, "details", det->str);
		csaf_one_pid(w, i);
		if (url != NULL)
			jw_kstr(w, "url", url);
		jw_obj_end(w);
		g_string_free(det, TRUE);
		if (wa != NULL) {
			jw_obj_begin(w);
			jw_kstr(w, "category", "workaround");
			jw_kstr(w, "details", keep(cs->tmp, pub_fill_new(
			    L->workaround_fmt, name, wa)));
			csaf_one_pid(w, i);
			jw_obj_end(w);
		}
	}
	if (any)
		jw_arr_end(w);
}

/* Test 6.1.27.9: each known_not_affected product needs an impact
 * statement or a flag.  The vendor told us "not affected", not why, so a
 * justification flag (vulnerable_code_not_present...) would put words in
 * its mouth; the statement quotes it instead. */
static void
csaf_threats(struct csaf *cs)
{
	const struct pub_rctx *x = cs->x;
	const struct pub_case *c = x->c;
	struct jw *w = &cs->w;
	size_t i;
	int any = 0;

	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		const char *comment;
		GString *det;

		if (pub_vendor_status(v) != PUB_ST_NOT_AFFECTED)
			continue;
		if (!any) {
			jw_key(w, "threats");
			jw_arr_begin(w);
			any = 1;
		}
		det = g_string_new(NULL);
		pub_fill(det, x->L->not_affected_fmt,
		    keep(cs->tmp, pub_vendor_name(v)), NULL);
		comment = csaf_text(cs->tmp, v->comment);
		if (comment != NULL) {
			g_string_append_c(det, ' ');
			pub_fill(det, x->L->comment_fmt, comment, NULL);
		}
		jw_obj_begin(w);
		jw_kstr(w, "category", "impact");
		jw_kstr(w, "details", det->str);
		csaf_one_pid(w, i);
		jw_obj_end(w);
		g_string_free(det, TRUE);
	}
	if (any)
		jw_arr_end(w);
}

static void
csaf_vulnerability(struct csaf *cs)
{
	static const enum pub_status aff[] = { PUB_ST_AFFECTED };
	static const enum pub_status naff[] = { PUB_ST_NOT_AFFECTED };
	static const enum pub_status inv[] = { PUB_ST_AFFECTED_INV,
	    PUB_ST_NOT_AFFECTED_INV };
	const struct pub_rctx *x = cs->x;
	const struct pub_case *c = x->c;
	const struct pub_labels *L = x->L;
	struct jw *w = &cs->w;
	const char *desc;
	size_t i;

	jw_key(w, "vulnerabilities");
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_key(w, "ids");	/* test 6.1.27.8: ids or cve */
	jw_arr_begin(w);
	jw_obj_begin(w);
	jw_kstr(w, "system_name", x->publisher);
	jw_kstr(w, "text", c->id);
	jw_obj_end(w);
	jw_arr_end(w);
	csaf_involvements(cs);

	jw_key(w, "notes");
	jw_arr_begin(w);
	desc = csaf_text(cs->tmp, c->description);
	if (desc == NULL)
		desc = csaf_text(cs->tmp, esc_blank(c->overview) ? c->title :
		    c->overview);
	csaf_note(w, "description", L->description, desc);
	csaf_note(w, "general", L->impact, csaf_text(cs->tmp, c->impact));
	for (i = 0; i < c->n_vendors; i++) {
		const struct pub_vendor *v = &c->vendors[i];
		enum pub_status st = pub_vendor_status(v);

		/* Affected and not-affected comments travel with their
		 * remediation and impact statement. */
		if (st != PUB_ST_AFFECTED_INV && st != PUB_ST_NOT_AFFECTED_INV)
			continue;
		csaf_note(w, "other", keep(cs->tmp, pub_fill_new(
		    L->statement_fmt, keep(cs->tmp, pub_vendor_name(v)),
		    NULL)), csaf_text(cs->tmp, v->comment));
	}
	jw_arr_end(w);

	jw_key(w, "product_status");
	jw_obj_begin(w);
	csaf_ids(w, c, "known_affected", aff, G_N_ELEMENTS(aff));
	csaf_ids(w, c, "known_not_affected", naff, G_N_ELEMENTS(naff));
	csaf_ids(w, c, "under_investigation", inv, G_N_ELEMENTS(inv));
	jw_obj_end(w);
	csaf_remediations(cs);
	csaf_threats(cs);
	jw_kstr(w, "title", csaf_text(cs->tmp, c->title));
	jw_obj_end(w);
	jw_arr_end(w);
}

int
pub_csaf_case(GString *o, const struct pub_rctx *x, char **error_r)
{
	const struct pub_case *c = x->c;
	struct csaf cs;
	char *ns, *initial;

	ns = esc_clean_strip(c->publisher_namespace);
	if (esc_blank(c->publisher_name) || !esc_url_ok(ns)) {
		*error_r = g_strdup_printf("%s: CSAF needs a publisher name "
		    "and an http(s) publisher namespace", c->id);
		g_free(ns);
		return -1;
	}
	if (!pub_has_vex(c)) {
		*error_r = g_strdup_printf("%s: no vendor has reported a "
		    "status, and a CSAF VEX document needs at least one "
		    "product status (test 6.1.27.7)", c->id);
		g_free(ns);
		return -1;
	}
	initial = vtime_format(c->published_at, x->tz);
	if (initial == NULL) {
		*error_r = g_strdup_printf("%s: no publication time", c->id);
		g_free(ns);
		return -1;
	}
	memset(&cs, 0, sizeof(cs));
	cs.x = x;
	cs.tmp = g_ptr_array_new_with_free_func(g_free);
	keep(cs.tmp, ns);
	keep(cs.tmp, initial);
	jw_init(&cs.w, o, 1);
	jw_obj_begin(&cs.w);
	csaf_document(&cs, ns, initial);
	csaf_product_tree(&cs);
	csaf_vulnerability(&cs);
	jw_obj_end(&cs.w);
	g_string_append_c(o, '\n');
	g_ptr_array_free(cs.tmp, TRUE);
	return 0;
}

