#include "config.h"

#include <errno.h>
#include <string.h>

#include "vulture/case.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/publish_tree.h"
#include "vulture/site.h"

struct site_case {
	struct pub_case pc;
	struct vcase *c;		/* owned */
	GPtrArray *strings;		/* owned: what pc points to */
	struct pub_vendor *vendors;	/* owned */
	struct pub_history *history;	/* owned */
};

static const char *
keep(struct site_case *sc, char *s)
{
	if (s != NULL)
		g_ptr_array_add(sc->strings, s);
	return s;
}

static int
load_advisory(struct store *st, struct site_case *sc, char **error_r)
{
	GPtrArray *texts = NULL;
	guint i;
	int rc;

	if ((rc = vcase_advisory_list(st, sc->c->id, &texts, error_r)) !=
	    STORE_OK) {
		g_ptr_array_unref(texts);
		return rc;
	}
	for (i = 0; i < texts->len; i++) {
		struct advisory_text *a = texts->pdata[i];
		const char *f = a->field;
		const char *t = keep(sc, a->text);

		/* The string now belongs to sc. */
		a->text = NULL;

		if (strcmp(f, "overview") == 0)
			sc->pc.overview = t;
		else if (strcmp(f, "affected") == 0)
			sc->pc.affected = t;
		else if (strcmp(f, "description") == 0)
			sc->pc.description = t;
		else if (strcmp(f, "impact") == 0)
			sc->pc.impact = t;
		else if (strcmp(f, "solution") == 0)
			sc->pc.solution = t;
		else if (strcmp(f, "addendum") == 0)
			sc->pc.addendum = t;
		else if (strcmp(f, "credits") == 0)
			sc->pc.credits = t;
		else if (strcmp(f, "references") == 0)
			sc->pc.references = t;
	}
	g_ptr_array_unref(texts);
	return STORE_OK;
}

/* The update history: publication, then every change after it. */
static int
load_history(struct store *st, struct site_case *sc, const char *lang,
    char **error_r)
{
	GPtrArray *events = NULL;
	GArray *h = g_array_new(FALSE, TRUE, sizeof(struct pub_history));
	int ja = strcmp(lang, "ja") == 0, rc;
	guint i;

	if ((rc = event_list(st, sc->c->id, &events, error_r)) != STORE_OK) {
		g_array_free(h, TRUE);
		return rc;
	}
	for (i = 0; i < events->len; i++) {
		const struct event *e = events->pdata[i];
		struct pub_history item = { e->at, NULL };
		const char *vendor = NULL;

		if (sc->c->published_at == 0 || e->at < sc->c->published_at)
			continue;
		if (strncmp(e->detail, "vendor=", 7) == 0)
			vendor = keep(sc, g_strndup(e->detail + 7,
			    strcspn(e->detail + 7, " ;")));
		if (strcmp(e->kind, "published") == 0)
			item.text = ja ? "公開" : "Published";
		else if ((strcmp(e->kind, "vendor-reply") == 0 ||
		    strcmp(e->kind, "status-set") == 0) && vendor != NULL)
			item.text = keep(sc, g_strdup_printf(ja ? "ベンダ情報を"
			    "更新しました: %s" : "Vendor information updated: "
			    "%s", vendor));
		else if (strcmp(e->kind, "advisory-set") == 0)
			item.text = ja ? "内容を更新しました" :
			    "Advisory text updated";
		else
			continue;
		g_array_append_val(h, item);
	}
	g_ptr_array_unref(events);
	sc->pc.n_history = h->len;
	sc->history = (struct pub_history *)(void *)g_array_free(h, FALSE);
	sc->pc.history = sc->history;
	return STORE_OK;
}

int
site_case_load(struct store *st, const struct vconf *conf, const char *id,
    const char *lang, struct site_case **sc_r, char **error_r)
{
	struct site_case *sc = g_new0(struct site_case, 1);
	guint i;
	int rc;

	*sc_r = NULL;
	sc->strings = g_ptr_array_new_with_free_func(g_free);
	if ((rc = vcase_get(st, id, &sc->c, error_r)) != STORE_OK)
		goto fail;
	sc->pc.id = sc->c->id;
	sc->pc.title = sc->c->title;
	sc->pc.published_at = sc->c->published_at != 0 ? sc->c->published_at :
	    sc->c->publication;
	sc->pc.updated_at = sc->c->updated;
	sc->pc.lang = lang;
	sc->pc.base_url = conf->base_url;
	sc->pc.publisher_name = conf->publisher_name;
	sc->pc.publisher_namespace = conf->publisher_namespace;
	sc->pc.tz = conf->tz;
	if ((rc = load_advisory(st, sc, error_r)) != STORE_OK ||
	    (rc = load_history(st, sc, lang, error_r)) != STORE_OK)
		goto fail;
	if (sc->pc.overview == NULL)
		sc->pc.overview = sc->c->title;
	sc->vendors = g_new0(struct pub_vendor, sc->c->participants->len + 1);
	for (i = 0; i < sc->c->participants->len; i++) {
		const struct participant *p = sc->c->participants->pdata[i];
		struct pub_vendor *v = &sc->vendors[i];

		v->handle = p->handle;
		v->name = p->vendor_name;
		v->status = p->status;
		v->unreachable = p->unreachable;
		v->first_attempt = p->first_attempt;
		v->comment = p->comment;
		v->advisory_url = p->advisory_url;
		v->fix_date = p->fix_date;
		v->workaround_date = p->workaround_date;
		v->last_answer = p->last_answer;
	}
	sc->pc.vendors = sc->vendors;
	sc->pc.n_vendors = sc->c->participants->len;
	*sc_r = sc;
	return STORE_OK;
fail:
	site_case_free(&sc);
	return rc;
}

const struct pub_case *
site_case_pub(const struct site_case *sc)
{
	return &sc->pc;
}

void
site_case_free(struct site_case **scp)
{
	struct site_case *sc;

	if (scp == NULL || *scp == NULL)
		return;
	sc = *scp;
	vcase_free(&sc->c);
	g_ptr_array_unref(sc->strings);
	g_free(sc->vendors);
	g_free(sc->history);
	g_free(sc);
	*scp = NULL;
}

int
site_render(struct store *st, const struct vconf *conf, const char *id,
    enum pub_format f, const char *lang, GString **out_r, char **error_r)
{
	struct site_case *sc = NULL;
	int rc;

	*out_r = NULL;
	if ((rc = site_case_load(st, conf, id, lang, &sc, error_r)) !=
	    STORE_OK)
		return rc;
	if (pub_render(&sc->pc, f, out_r, error_r) == -1)
		rc = STORE_ERR;
	site_case_free(&sc);
	return rc;
}

static void
site_case_free_ptr(gpointer p)
{
	struct site_case *sc = p;

	site_case_free(&sc);
}

/* The desk's public key for the key pages and the Web Key Directory.
 * A desk without a usable key still gets its advisories published:
 * the key pages are left out and the reason logged. */
struct site_desk {
	struct pub_desk d;
	char fpr[41];
	GBytes *armor, *binary;		/* owned */
	char *armor_str;		/* owned */
};

static int
site_desk_load(const struct vconf *conf, struct site_desk *sd)
{
	struct vkeys *k = NULL;
	char *err = NULL;
	gsize len;
	const char *p;

	memset(sd, 0, sizeof(*sd));
	if (conf->gnupghome == NULL || conf->address == NULL)
		return -1;	/* a configuration without a desk (tests) */
	if (vkeys_open(conf->gnupghome, &k, &err) < 0 ||
	    vkeys_find_desk(k, conf->address, conf->desk_fingerprint,
	    sd->fpr, &err) < 0 ||
	    vkeys_export(vkeys_ctx(k), sd->fpr, 1, &sd->armor, &err) < 0 ||
	    vkeys_export(vkeys_ctx(k), sd->fpr, 0, &sd->binary, &err) < 0) {
		log_warnx("site: the desk key is not published: %s", err);
		g_free(err);
		vkeys_close(&k);
		return -1;
	}
	vkeys_close(&k);
	p = g_bytes_get_data(sd->armor, &len);
	sd->armor_str = g_strndup(p, len);
	sd->d.address = conf->address;
	sd->d.fpr = sd->fpr;
	sd->d.armor = sd->armor_str;
	sd->d.binary = sd->binary;
	return 0;
}

static void
site_desk_clear(struct site_desk *sd)
{
	if (sd->armor != NULL)
		g_bytes_unref(sd->armor);
	if (sd->binary != NULL)
		g_bytes_unref(sd->binary);
	g_free(sd->armor_str);
	memset(sd, 0, sizeof(*sd));
}

int
site_write(struct store *st, const struct vconf *conf, char **error_r)
{
	struct site_desk sd;
	int have_desk = site_desk_load(conf, &sd) == 0;
	GPtrArray *loaded = g_ptr_array_new_with_free_func(site_case_free_ptr);
	GPtrArray *pcs = g_ptr_array_new();
	GPtrArray *ids = NULL;
	guint i;
	int rc;

	if ((rc = vcase_ids(st, "published", &ids, error_r)) != STORE_OK)
		goto out;
	for (i = 0; i < ids->len; i++) {
		struct site_case *sc = NULL;

		/* The site's language is the desk's: Japanese in Asia/Tokyo
		 * by default; pub_write_tree adds the other variant. */
		if ((rc = site_case_load(st, conf, ids->pdata[i],
		    conf->site_language, &sc, error_r)) != STORE_OK)
			goto out;
		g_ptr_array_add(loaded, sc);
		g_ptr_array_add(pcs, &sc->pc);
	}
	if (g_mkdir_with_parents(conf->publish_dir, 0755) == -1) {
		*error_r = g_strdup_printf("%s: %s", conf->publish_dir,
		    g_strerror(errno));
		rc = STORE_ERR;
		goto out;
	}
	if (pub_write_tree(conf->publish_dir,
	    (const struct pub_case *const *)pcs->pdata, pcs->len,
	    have_desk ? &sd.d : NULL, error_r) == -1)
		rc = STORE_ERR;
out:
	site_desk_clear(&sd);
	g_ptr_array_unref(pcs);
	g_ptr_array_unref(loaded);
	g_ptr_array_unref(ids);
	return rc;
}

int
site_mark_dirty(struct store *st, const char *case_id, int64_t now,
    char **error_r)
{
	return vcase_site_mark(st, case_id, now, error_r);
}

int
site_flush(struct store *st, const struct vconf *conf, int *wrote_r,
    char **error_r)
{
	int64_t gen = 0;
	int rc;

	if (wrote_r != NULL)
		*wrote_r = 0;
	if ((rc = vcase_site_marks(st, &gen, error_r)) != STORE_OK)
		return rc;
	if (gen == 0)
		return STORE_OK;
	/* Rendered from what is committed now, which includes every change
	 * up to mark gen. */
	if ((rc = site_write(st, conf, error_r)) != STORE_OK)
		return rc;
	if ((rc = store_begin(st, error_r)) != STORE_OK)
		return rc;
	if ((rc = vcase_site_unmark(st, gen, error_r)) != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	if ((rc = store_commit(st, error_r)) == STORE_OK && wrote_r != NULL)
		*wrote_r = 1;
	return rc;
}
