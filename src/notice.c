#include "config.h"

#include <string.h>

#include "vulture/notice.h"
#include "vulture/tmpl.h"

const char *const notice_kinds[] = {
	"_form", "summary", "detail", "ack", "sign-request",
	"registration-request", "date-change", "reminder", "followup", "leak",
	"publication", "transcript", "alert", "rejected", "early",
	"share-invite", "generic", NULL,
};

static const char *const langs[] = { "en", "ja" };
#define N_LANGS 2

struct notices {
	GHashTable *t;		/* "lang/kind" -> struct tmpl * (owned) */
};

static void
tmpl_free_ptr(gpointer p)
{
	struct tmpl *t = p;

	tmpl_free(&t);
}

void
notices_free(struct notices **np)
{
	if (np == NULL || *np == NULL)
		return;
	g_hash_table_destroy((*np)->t);
	g_free(*np);
	*np = NULL;
}

int
notices_load(const char *dir, struct notices **n_r, GPtrArray *errors)
{
	struct notices *n = g_new0(struct notices, 1);
	unsigned before = errors->len;
	int l, k;

	*n_r = NULL;
	n->t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    tmpl_free_ptr);
	for (l = 0; l < N_LANGS; l++) {
		for (k = 0; notice_kinds[k] != NULL; k++) {
			char *name = g_strdup_printf("%s/%s.tmpl", langs[l],
			    notice_kinds[k]);
			char *path = g_build_filename(dir, name, NULL);
			char *src = NULL, *err = NULL;
			gsize len;
			GError *gerr = NULL;
			struct tmpl *t;

			if (!g_file_get_contents(path, &src, &len, &gerr)) {
				g_ptr_array_add(errors, g_strdup(gerr->message));
				g_error_free(gerr);
			} else if (notice_kinds[k][0] != '_' &&
			    strncmp(src, "Subject: ", 9) != 0) {
				g_ptr_array_add(errors, g_strdup_printf("%s:1: "
				    "a notice starts with 'Subject: '", path));
			} else if ((t = tmpl_compile(path, src, len, &err)) ==
			    NULL) {
				g_ptr_array_add(errors, err);
			} else
				g_hash_table_insert(n->t, g_strdup_printf(
				    "%s/%s", langs[l], notice_kinds[k]), t);
			g_free(src);
			g_free(path);
			g_free(name);
		}
	}
	if (errors->len > before) {
		notices_free(&n);
		return -1;
	}
	*n_r = n;
	return 0;
}

int
notices_render(const struct notices *n, const char *kind, const char *lang,
    const char *case_id, const char *desk_address, GVariantDict *vars,
    char **subject_r, char **body_r, char **error_r)
{
	char *key = g_strdup_printf("%s/%s", lang, kind);
	char *fkey = g_strdup_printf("%s/_form", lang);
	const struct tmpl *t = g_hash_table_lookup(n->t, key);
	const struct tmpl *ft = g_hash_table_lookup(n->t, fkey);
	GVariantDict fd, desk, fc;
	GVariant *ctx;
	GString *out = g_string_new(NULL), *form = g_string_new(NULL);
	char *nl;
	int rc = -1;

	*subject_r = *body_r = NULL;
	if (t == NULL || ft == NULL) {
		*error_r = g_strdup_printf("no template %s", key);
		g_variant_dict_unref(vars);
		goto out;
	}
	g_variant_dict_init(&fc, NULL);
	g_variant_dict_insert(&fc, "id", "s", case_id ? case_id : "");
	g_variant_dict_init(&fd, NULL);
	g_variant_dict_insert_value(&fd, "case", g_variant_dict_end(&fc));
	if (tmpl_render(ft, g_variant_dict_end(&fd), TMPL_ESCAPE_NONE, 1,
	    form, error_r) == -1) {
		g_variant_dict_unref(vars);
		goto out;
	}
	g_variant_dict_init(&desk, NULL);
	g_variant_dict_insert(&desk, "address", "s", desk_address);
	g_variant_dict_insert(&desk, "name", "s", "Vulture desk");
	g_variant_dict_insert_value(vars, "desk", g_variant_dict_end(&desk));
	g_variant_dict_insert(vars, "form", "s", form->str);
	ctx = g_variant_ref_sink(g_variant_dict_end(vars));
	g_variant_dict_unref(vars);
	rc = tmpl_render(t, ctx, TMPL_ESCAPE_NONE, 1, out, error_r);
	g_variant_unref(ctx);
	if (rc == -1)
		goto out;
	rc = -1;
	if (strncmp(out->str, "Subject: ", 9) != 0 ||
	    (nl = strchr(out->str, '\n')) == NULL) {
		*error_r = g_strdup_printf("%s: no Subject line", key);
		goto out;
	}
	*subject_r = g_strstrip(g_strndup(out->str + 9,
	    (gsize)(nl - out->str - 9)));
	while (*nl == '\n')
		nl++;
	*body_r = g_strdup(nl);
	rc = 0;
out:
	explicit_bzero(out->str, out->len);
	g_string_free(out, TRUE);
	g_string_free(form, TRUE);
	g_free(key);
	g_free(fkey);
	return rc;
}

char *
notices_forms(const struct notices *n, const char *case_id)
{
	GString *out = g_string_new(NULL);
	int l;

	for (l = 0; l < N_LANGS; l++) {
		char *key = g_strdup_printf("%s/_form", langs[l]);
		const struct tmpl *ft = g_hash_table_lookup(n->t, key);
		GVariantDict fd, fc;
		char *err = NULL;

		g_free(key);
		if (ft == NULL)
			continue;
		g_variant_dict_init(&fc, NULL);
		g_variant_dict_insert(&fc, "id", "s", case_id ? case_id : "");
		g_variant_dict_init(&fd, NULL);
		g_variant_dict_insert_value(&fd, "case",
		    g_variant_dict_end(&fc));
		if (tmpl_render(ft, g_variant_dict_end(&fd), TMPL_ESCAPE_NONE,
		    1, out, &err) == -1)
			g_free(err);
		g_string_append_c(out, '\n');
	}
	return g_string_free(out, FALSE);
}
