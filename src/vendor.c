#include "config.h"

#include <string.h>

#include "vulture/config.h"
#include "vulture/vendor.h"

void
contact_free(struct contact *c)
{
	if (c == NULL)
		return;
	g_free(c->name);
	g_free(c->address);
	g_free(c->phone);
	g_free(c->fingerprint);
	g_free(c);
}

void
vendor_free(struct vendor **vp)
{
	struct vendor *v;

	if (vp == NULL || *vp == NULL)
		return;
	v = *vp;
	g_free(v->handle);
	g_free(v->name);
	g_free(v->registration);
	g_free(v->state);
	g_free(v->language);
	if (v->keywords != NULL)
		g_ptr_array_unref(v->keywords);
	if (v->contacts != NULL)
		g_ptr_array_unref(v->contacts);
	g_free(v);
	*vp = NULL;
}

int
vendor_valid_handle(const char *h)
{
	return ident_handle_ok(h);
}

int
vendor_valid_sector(const char *s)
{
	return ident_sector_ok(s);
}

int
vendor_valid_keyword(const char *k)
{
	return ident_keyword_ok(k);
}

GPtrArray *
vendor_parse_keywords(const char *list, char **error_r)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	gchar **parts = g_strsplit(list != NULL ? list : "", ",", -1);
	int i;

	for (i = 0; parts[i] != NULL; i++) {
		char *k = g_ascii_strdown(g_strstrip(parts[i]), -1);
		guint j;
		int dup = 0;

		if (*k == '\0') {
			g_free(k);
			continue;
		}
		if (!vendor_valid_keyword(k)) {
			*error_r = g_strdup_printf("bad keyword '%s' (letters, "
			    "digits and -_.+/ only, at most %d)", k,
			    VENDOR_MAX_KEYWORD);
			g_free(k);
			goto fail;
		}
		for (j = 0; j < out->len; j++)
			if (strcmp(out->pdata[j], k) == 0)
				dup = 1;
		if (dup) {
			g_free(k);
			continue;
		}
		if (out->len == VENDOR_MAX_KEYWORDS) {
			*error_r = g_strdup_printf("more than %d keywords",
			    VENDOR_MAX_KEYWORDS);
			g_free(k);
			goto fail;
		}
		g_ptr_array_add(out, k);
	}
	g_strfreev(parts);
	return out;
fail:
	g_strfreev(parts);
	g_ptr_array_unref(out);
	return NULL;
}

static int
valid_state(const char *s)
{
	return s != NULL && (strcmp(s, "pending") == 0 ||
	    strcmp(s, "registered") == 0 || strcmp(s, "suspended") == 0 ||
	    strcmp(s, "unregistered") == 0);
}

static int
valid_language(const char *s)
{
	return s != NULL && (strcmp(s, "en") == 0 || strcmp(s, "ja") == 0);
}

static int
insert_keywords(struct store *st, int64_t vid, GPtrArray *kw, char **error_r)
{
	sqlite3_stmt *s;
	guint i;
	int rc;

	for (i = 0; kw != NULL && i < kw->len; i++) {
		s = store_stmt(st, "INSERT OR IGNORE INTO vendor_keywords "
		    "(vendor_id, keyword) VALUES (?, ?)");
		if (s == NULL)
			return store_error(st, "keywords", error_r);
		sqlite3_bind_int64(s, 1, vid);
		sqlite3_bind_text(s, 2, kw->pdata[i], -1, SQLITE_TRANSIENT);
		if ((rc = store_exec_stmt(st, s, "keywords", error_r)) !=
		    STORE_OK)
			return rc;
	}
	return STORE_OK;
}

int
vendor_add(struct store *st, const char *handle, const char *name,
    const char *registration, const char *state, const char *language,
    const char *address, const char *contact_name, const char *phone,
    GPtrArray *keywords, int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	int64_t vid;
	int rc;
	struct vendor *old = NULL;

	if (!vendor_valid_handle(handle)) {
		*error_r = g_strdup_printf("bad handle '%s' (lower-case "
		    "letter first, then letters, digits, -_. ; at most %d)",
		    handle, VENDOR_MAX_HANDLE);
		return STORE_ERR;
	}
	if (name == NULL || *name == '\0' || strlen(name) > VENDOR_MAX_NAME ||
	    !g_utf8_validate(name, -1, NULL)) {
		*error_r = g_strdup_printf("bad name (1 to %d bytes of UTF-8)",
		    VENDOR_MAX_NAME);
		return STORE_ERR;
	}
	if (registration == NULL || (strcmp(registration, "general") != 0 &&
	    strcmp(registration, "individual") != 0 &&
	    strcmp(registration, "early") != 0)) {
		*error_r = g_strdup_printf("registration must be general or "
		    "individual (or early for a critical-infrastructure "
		    "operator), not '%s'", registration ? registration : "");
		return STORE_ERR;
	}
	if (strcmp(registration, "early") == 0) {
		guint i;

		/* An early recipient's keywords are its sectors. */
		for (i = 0; keywords != NULL && i < keywords->len; i++)
			if (!vendor_valid_sector(keywords->pdata[i])) {
				*error_r = g_strdup_printf("'%s' is not a "
				    "sector (%s)", (char *)keywords->pdata[i],
				    VENDOR_SECTORS);
				return STORE_ERR;
			}
	}
	if (!valid_state(state) || !valid_language(language)) {
		*error_r = g_strdup("bad state or language");
		return STORE_ERR;
	}
	if (!vconf_valid_address(address)) {
		*error_r = g_strdup_printf("'%s' is not a mail address",
		    address ? address : "");
		return STORE_ERR;
	}
	if (vendor_get(st, handle, &old, NULL) == STORE_OK) {
		vendor_free(&old);
		*error_r = g_strdup_printf("vendor '%s' already exists",
		    handle);
		return STORE_ERR;
	}
	s = store_stmt(st, "INSERT INTO vendors (handle, name, registration, "
	    "state, language, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "vendor add", error_r);
	sqlite3_bind_text(s, 1, handle, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, registration, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, language, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, now);
	sqlite3_bind_int64(s, 7, now);
	if ((rc = store_exec_stmt(st, s, "vendor add", error_r)) != STORE_OK)
		return rc;
	vid = sqlite3_last_insert_rowid(store_db(st));
	if ((rc = insert_keywords(st, vid, keywords, error_r)) != STORE_OK)
		return rc;
	s = store_stmt(st, "INSERT INTO contacts (vendor_id, name, address, "
	    "phone) VALUES (?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "contact add", error_r);
	sqlite3_bind_int64(s, 1, vid);
	sqlite3_bind_text(s, 2, contact_name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, phone, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s, "contact add", error_r);
}

static struct vendor *
vendor_from_row(sqlite3_stmt *s)
{
	struct vendor *v = g_new0(struct vendor, 1);

	v->id = sqlite3_column_int64(s, 0);
	v->handle = store_col_text(s, 1);
	v->name = store_col_text(s, 2);
	v->registration = store_col_text(s, 3);
	v->state = store_col_text(s, 4);
	v->language = store_col_text(s, 5);
	v->created = sqlite3_column_int64(s, 6);
	v->updated = sqlite3_column_int64(s, 7);
	v->keywords = g_ptr_array_new_with_free_func(g_free);
	v->contacts = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)contact_free);
	return v;
}

static int
load_details(struct store *st, struct vendor *v, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	s = store_stmt(st, "SELECT keyword FROM vendor_keywords WHERE "
	    "vendor_id = ? ORDER BY keyword");
	if (s == NULL)
		return store_error(st, "keywords", error_r);
	sqlite3_bind_int64(s, 1, v->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(v->keywords, store_col_text(s, 0));
	if (rc != SQLITE_DONE)
		return store_error(st, "keywords", error_r);
	s = store_stmt(st, "SELECT id, name, address, phone, fingerprint, "
	    "key_expires FROM contacts WHERE vendor_id = ? ORDER BY id");
	if (s == NULL)
		return store_error(st, "contacts", error_r);
	sqlite3_bind_int64(s, 1, v->id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct contact *c = g_new0(struct contact, 1);

		c->id = sqlite3_column_int64(s, 0);
		c->name = store_col_text(s, 1);
		c->address = store_col_text(s, 2);
		c->phone = store_col_text(s, 3);
		c->fingerprint = store_col_text(s, 4);
		c->key_expires = sqlite3_column_int64(s, 5);
		g_ptr_array_add(v->contacts, c);
	}
	if (rc != SQLITE_DONE)
		return store_error(st, "contacts", error_r);
	return STORE_OK;
}

#define VENDOR_COLS "id, handle, name, registration, state, language, " \
	"created, updated"

int
vendor_get(struct store *st, const char *handle, struct vendor **v_r,
    char **error_r)
{
	sqlite3_stmt *s;
	struct vendor *v;
	int rc;

	*v_r = NULL;
	s = store_stmt(st, "SELECT " VENDOR_COLS " FROM vendors WHERE "
	    "handle = ?");
	if (s == NULL)
		return store_error(st, "vendor get", error_r);
	sqlite3_bind_text(s, 1, handle, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		if (error_r != NULL)
			*error_r = g_strdup_printf("no vendor '%s'", handle);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_error(st, "vendor get", error_r);
	v = vendor_from_row(s);
	sqlite3_reset(s);
	if ((rc = load_details(st, v, error_r)) != STORE_OK) {
		vendor_free(&v);
		return rc;
	}
	*v_r = v;
	return STORE_OK;
}

static void
vendor_free_ptr(gpointer p)
{
	struct vendor *v = p;

	vendor_free(&v);
}

int
vendor_list(struct store *st, GPtrArray **list_r, char **error_r)
{
	sqlite3_stmt *s;
	GPtrArray *list;
	guint i;
	int rc;

	*list_r = NULL;
	s = store_stmt(st, "SELECT " VENDOR_COLS " FROM vendors ORDER BY "
	    "handle");
	if (s == NULL)
		return store_error(st, "vendor list", error_r);
	list = g_ptr_array_new_with_free_func(vendor_free_ptr);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(list, vendor_from_row(s));
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(list);
		return store_error(st, "vendor list", error_r);
	}
	sqlite3_reset(s);
	for (i = 0; i < list->len; i++) {
		if ((rc = load_details(st, list->pdata[i], error_r)) !=
		    STORE_OK) {
			g_ptr_array_unref(list);
			return rc;
		}
	}
	*list_r = list;
	return STORE_OK;
}

static int
touch(struct store *st, struct vendor *v, int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE vendors SET updated = ? "
	    "WHERE id = ?");

	if (s == NULL)
		return store_error(st, "vendor update", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, v->id);
	v->updated = now;
	return store_exec_stmt(st, s, "vendor update", error_r);
}

int
vendor_set_keywords(struct store *st, struct vendor *v, GPtrArray *keywords,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	int rc;
	guint i;

	s = store_stmt(st, "DELETE FROM vendor_keywords WHERE vendor_id = ?");
	if (s == NULL)
		return store_error(st, "keywords", error_r);
	sqlite3_bind_int64(s, 1, v->id);
	if ((rc = store_exec_stmt(st, s, "keywords", error_r)) != STORE_OK ||
	    (rc = insert_keywords(st, v->id, keywords, error_r)) != STORE_OK)
		return rc;
	g_ptr_array_set_size(v->keywords, 0);
	for (i = 0; i < keywords->len; i++)
		g_ptr_array_add(v->keywords, g_strdup(keywords->pdata[i]));
	return touch(st, v, now, error_r);
}

int
vendor_set_state(struct store *st, struct vendor *v, const char *state,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (!valid_state(state)) {
		*error_r = g_strdup_printf("bad vendor state '%s'", state);
		return STORE_ERR;
	}
	s = store_stmt(st, "UPDATE vendors SET state = ?, updated = ? WHERE "
	    "id = ?");
	if (s == NULL)
		return store_error(st, "vendor state", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, v->id);
	if ((rc = store_exec_stmt(st, s, "vendor state", error_r)) !=
	    STORE_OK)
		return rc;
	g_free(v->state);
	v->state = g_strdup(state);
	v->updated = now;
	return STORE_OK;
}

int
vendor_set_language(struct store *st, struct vendor *v, const char *language,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (!valid_language(language)) {
		*error_r = g_strdup_printf("language must be en or ja, not "
		    "'%s'", language);
		return STORE_ERR;
	}
	s = store_stmt(st, "UPDATE vendors SET language = ?, updated = ? "
	    "WHERE id = ?");
	if (s == NULL)
		return store_error(st, "vendor language", error_r);
	sqlite3_bind_text(s, 1, language, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, v->id);
	if ((rc = store_exec_stmt(st, s, "vendor language", error_r)) !=
	    STORE_OK)
		return rc;
	g_free(v->language);
	v->language = g_strdup(language);
	return STORE_OK;
}

int
vendor_add_contact(struct store *st, struct vendor *v, const char *address,
    const char *name, const char *phone, char **error_r)
{
	sqlite3_stmt *s;
	struct contact *c;
	guint i;
	int rc;

	if (!vconf_valid_address(address)) {
		*error_r = g_strdup_printf("'%s' is not a mail address",
		    address ? address : "");
		return STORE_ERR;
	}
	for (i = 0; i < v->contacts->len; i++) {
		c = v->contacts->pdata[i];
		if (g_ascii_strcasecmp(c->address, address) == 0) {
			*error_r = g_strdup_printf("%s is already a contact "
			    "of %s", address, v->handle);
			return STORE_ERR;
		}
	}
	s = store_stmt(st, "INSERT INTO contacts (vendor_id, name, address, "
	    "phone) VALUES (?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "contact add", error_r);
	sqlite3_bind_int64(s, 1, v->id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, phone, -1, SQLITE_TRANSIENT);
	if ((rc = store_exec_stmt(st, s, "contact add", error_r)) != STORE_OK)
		return rc;
	c = g_new0(struct contact, 1);
	c->id = sqlite3_last_insert_rowid(store_db(st));
	c->address = g_strdup(address);
	c->name = g_strdup(name);
	c->phone = g_strdup(phone);
	g_ptr_array_add(v->contacts, c);
	return STORE_OK;
}

int
vendor_pin_key(struct store *st, struct contact *c, const char *fpr,
    int64_t expires, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	/* A key identifies one contact: refuse a fingerprint pinned
	 * elsewhere rather than letting one key speak for two vendors. */
	s = store_stmt(st, "SELECT v.handle, c.address FROM contacts c JOIN "
	    "vendors v ON v.id = c.vendor_id WHERE c.fingerprint = ? AND "
	    "c.id != ?");
	if (s == NULL)
		return store_error(st, "pin key", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, c->id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*error_r = g_strdup_printf("key %s is already pinned to %s "
		    "(%s)", fpr, sqlite3_column_text(s, 0),
		    sqlite3_column_text(s, 1));
		sqlite3_reset(s);
		return STORE_ERR;
	}
	sqlite3_reset(s);
	s = store_stmt(st, "UPDATE contacts SET fingerprint = ?, key_expires "
	    "= ? WHERE id = ?");
	if (s == NULL)
		return store_error(st, "pin key", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, expires);
	sqlite3_bind_int64(s, 3, c->id);
	if ((rc = store_exec_stmt(st, s, "pin key", error_r)) != STORE_OK)
		return rc;
	g_free(c->fingerprint);
	c->fingerprint = g_strdup(fpr);
	c->key_expires = expires;
	return STORE_OK;
}

int
vendor_by_fingerprint(struct store *st, const char *fpr, struct vendor **v_r,
    int64_t *contact_id_r, char **error_r)
{
	sqlite3_stmt *s;
	char *handle;
	int rc;

	*v_r = NULL;
	s = store_stmt(st, "SELECT v.handle, c.id FROM contacts c JOIN "
	    "vendors v ON v.id = c.vendor_id WHERE c.fingerprint = ?");
	if (s == NULL)
		return store_error(st, "vendor by key", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		if (error_r != NULL)
			*error_r = g_strdup_printf("no contact with key %s",
			    fpr);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_error(st, "vendor by key", error_r);
	handle = store_col_text(s, 0);
	if (contact_id_r != NULL)
		*contact_id_r = sqlite3_column_int64(s, 1);
	sqlite3_reset(s);
	rc = vendor_get(st, handle, v_r, error_r);
	g_free(handle);
	return rc;
}

static gint
cmp_strp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
vendor_match_keywords(struct store *st, GPtrArray *keywords,
    GPtrArray **handles_r, char **error_r)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	guint i, j;
	int rc;

	for (i = 0; i < keywords->len; i++) {
		sqlite3_stmt *s = store_stmt(st, "SELECT v.handle FROM "
		    "vendors v JOIN vendor_keywords k ON k.vendor_id = v.id "
		    "WHERE k.keyword = ? ORDER BY v.handle");

		if (s == NULL) {
			g_ptr_array_unref(out);
			return store_error(st, "match keywords", error_r);
		}
		sqlite3_bind_text(s, 1, keywords->pdata[i], -1,
		    SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			const char *h = (const char *)sqlite3_column_text(s,
			    0);
			int dup = 0;

			for (j = 0; j < out->len; j++)
				if (strcmp(out->pdata[j], h) == 0)
					dup = 1;
			if (!dup)
				g_ptr_array_add(out, g_strdup(h));
		}
		if (rc != SQLITE_DONE) {
			g_ptr_array_unref(out);
			return store_error(st, "match keywords", error_r);
		}
	}
	g_ptr_array_sort(out, cmp_strp);
	*handles_r = out;
	return STORE_OK;
}

/* A handle for a new vendor: from the organisation's ASCII letters, else
 * the first label of the address's domain; made unique with -2, -3... */
char *
vendor_new_handle(struct store *st, const char *org, const char *address)
{
	GString *h = g_string_new(NULL);
	const char *p;
	int n;

	for (p = org; *p != '\0' && h->len < 24; p++) {
		if (g_ascii_isalnum(*p))
			g_string_append_c(h, g_ascii_tolower(*p));
		else if (h->len > 0 && h->str[h->len - 1] != '-')
			g_string_append_c(h, '-');
	}
	while (h->len > 0 && h->str[h->len - 1] == '-')
		g_string_truncate(h, h->len - 1);
	if (h->len == 0 || !g_ascii_isalpha(h->str[0])) {
		const char *at = address ? strrchr(address, '@') : NULL;

		g_string_assign(h, "v");
		for (p = at ? at + 1 : ""; *p != '\0' && *p != '.' &&
		    h->len < 24; p++)
			if (g_ascii_isalnum(*p))
				g_string_append_c(h, g_ascii_tolower(*p));
	}
	for (n = 1; n < 1000; n++) {
		struct vendor *v = NULL;
		char *cand = n == 1 ? g_strdup(h->str) :
		    g_strdup_printf("%s-%d", h->str, n);

		if (vendor_get(st, cand, &v, NULL) == STORE_NOTFOUND) {
			g_string_free(h, TRUE);
			return cand;
		}
		vendor_free(&v);
		g_free(cand);
	}
	g_string_free(h, TRUE);
	return NULL;
}
