/* Vendor registry operations, shared by vulturectl and coordinator mail.
 * Each runs in the caller's transaction and writes its event. */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/keys.h"
#include "vulture/msgstore.h"
#include "vulture/ops.h"
#include "vulture/vtime.h"

static int
vendor_event(const struct outbound *o, const char *kind, char *detail,
    int64_t now, char **error_r)
{
	int rc = event_add(o->st, NULL, now, o->actor ? o->actor : "vulture",
	    kind, detail, o->cause, error_r);

	g_free(detail);
	return rc;
}

static int
get_vendor(const struct outbound *o, const char *handle, struct vendor **v_r,
    char **error_r)
{
	if (!vendor_valid_handle(handle)) {
		*error_r = g_strdup_printf("'%s' is not a vendor handle",
		    handle);
		return STORE_ERR;
	}
	return vendor_get(o->st, handle, v_r, error_r);
}

int
ops_vendor_add(const struct outbound *o, const char *handle,
    const char *name, const char *registration, int unregistered,
    const char *lang, const char *address, const char *contact_name,
    const char *phone, const char *keywords, int64_t now, GString *out,
    char **error_r)
{
	GPtrArray *kw = vendor_parse_keywords(keywords ? keywords : "",
	    error_r);
	const char *state = unregistered ? "unregistered" : "pending";
	int rc;

	if (kw == NULL)
		return STORE_ERR;
	rc = vendor_add(o->st, handle, name, registration, state,
	    lang ? lang : "en", address, contact_name, phone, kw, now,
	    error_r);
	g_ptr_array_unref(kw);
	if (rc != STORE_OK)
		return rc;
	g_string_append_printf(out, "vendor %s added (%s)\n", handle, state);
	return vendor_event(o, "vendor-added", g_strdup_printf("vendor=%s "
	    "registration=%s", handle, registration), now, error_r);
}

int
ops_vendor_contact(const struct outbound *o, const char *handle,
    const char *address, const char *name, const char *phone, int64_t now,
    GString *out, char **error_r)
{
	struct vendor *v = NULL;
	int rc;

	if ((rc = get_vendor(o, handle, &v, error_r)) != STORE_OK)
		return rc;
	rc = vendor_add_contact(o->st, v, address, name, phone, error_r);
	if (rc == STORE_OK) {
		g_string_append_printf(out, "contact %s added to %s\n",
		    address, handle);
		rc = vendor_event(o, "vendor-contact", g_strdup_printf(
		    "vendor=%s contact=%s", handle, address), now, error_r);
	}
	vendor_free(&v);
	return rc;
}

/* The contact a key belongs to: named, or the one whose address is in the
 * key's user ids, or the only one. */
static struct contact *
pick_contact(struct vendor *v, const struct vkey_info *info,
    const char *named, char **error_r)
{
	guint i, j;

	for (i = 0; i < v->contacts->len; i++) {
		struct contact *ct = v->contacts->pdata[i];

		if (named != NULL) {
			if (g_ascii_strcasecmp(ct->address, named) == 0)
				return ct;
			continue;
		}
		for (j = 0; j < info->emails->len; j++)
			if (g_ascii_strcasecmp(ct->address,
			    info->emails->pdata[j]) == 0)
				return ct;
	}
	if (named != NULL)
		*error_r = g_strdup_printf("%s is not a contact of %s", named,
		    v->handle);
	else if (v->contacts->len == 1)
		return v->contacts->pdata[0];
	else
		*error_r = g_strdup_printf("no contact of %s matches the key's "
		    "user ids: name one with --contact ADDRESS", v->handle);
	return NULL;
}

int
ops_vendor_key(const struct outbound *o, const char *handle,
    const void *data, size_t len, const char *contact, int64_t now,
    GString *out, char **error_r)
{
	struct vendor *v = NULL;
	struct vkey_examined ex;
	struct vkey_info info;
	struct contact *ct;
	GString *news = g_string_new(NULL);
	char *old = NULL, *detail, *exp;
	int rc, updates = 0;
	guint i;

	memset(&info, 0, sizeof(info));
	memset(&ex, 0, sizeof(ex));
	if ((rc = get_vendor(o, handle, &v, error_r)) != STORE_OK) {
		g_string_free(news, TRUE);
		return rc;
	}
	rc = STORE_ERR;
	if (vkeys_examine_keep(o->ctx, NULL, data, len, &ex, error_r) == -1)
		goto out;
	if ((ct = pick_contact(v, &ex.info, contact, error_r)) == NULL)
		goto out;
	old = g_strdup(ct->fingerprint);
	/* What the import changes, said to the coordinator: a new key, or
	 * an update of the pinned one (new subkeys, a new expiry). */
	updates = ex.info.updates_existing;
	if (ex.info.new_subkeys != NULL)
		for (i = 0; i < ex.info.new_subkeys->len; i++)
			g_string_append_printf(news, "%s%s", i ? "," : "",
			    (char *)ex.info.new_subkeys->pdata[i]);
	/* Importing a public key is harmless even if the transaction rolls
	 * back: nothing trusts a key that is not pinned. What was examined
	 * just now is imported, not examined again. */
	if (vkeys_import_examined(o->ctx, &ex, &info, error_r) == -1)
		goto out;
	if ((rc = vendor_pin_key(o->st, ct, info.fpr, info.expires,
	    error_r)) != STORE_OK)
		goto out;
	if (old != NULL && strcmp(old, info.fpr) != 0)
		detail = g_strdup_printf("vendor=%s contact=%s fpr=%s "
		    "replaces=%s", handle, ct->address, info.fpr, old);
	else
		detail = g_strdup_printf("vendor=%s contact=%s fpr=%s", handle,
		    ct->address, info.fpr);
	exp = info.expires != 0 ? vtime_format(info.expires, o->conf->tz) :
	    g_strdup("never");
	if (old != NULL && strcmp(old, info.fpr) == 0)
		g_string_append_printf(out, "key %s of %s <%s> updated (%s%s), "
		    "expires %s\n", info.fpr, handle, ct->address, news->len ?
		    "new subkeys " : "no new subkey", news->str, exp);
	else
		g_string_append_printf(out, "key %s pinned for %s <%s>%s%s%s "
		    "(expires %s)\n", info.fpr, handle, ct->address, old ?
		    ", replacing " : "", old ? old : "", updates ? ", an update "
		    "of a key the desk held" : "", exp);
	if (news->len > 0) {
		char *d2 = g_strdup_printf("%s new_subkeys=%s", detail,
		    news->str);

		g_free(detail);
		detail = d2;
	}
	g_free(exp);
	rc = vendor_event(o, "vendor-key", detail, now, error_r);
out:
	g_string_free(news, TRUE);
	g_free(old);
	vkey_info_clear(&info);
	vkey_examined_clear(&ex);
	vendor_free(&v);
	return rc;
}

int
ops_vendor_keywords(const struct outbound *o, const char *handle,
    const char *list, int64_t now, GString *out, char **error_r)
{
	struct vendor *v = NULL;
	GPtrArray *kw = vendor_parse_keywords(list, error_r);
	int rc;

	if (kw == NULL)
		return STORE_ERR;
	if ((rc = get_vendor(o, handle, &v, error_r)) == STORE_OK &&
	    (rc = vendor_set_keywords(o->st, v, kw, now, error_r)) ==
	    STORE_OK) {
		g_string_append_printf(out, "keywords of %s set (%u)\n", handle,
		    kw->len);
		rc = vendor_event(o, "vendor-keywords", g_strdup_printf(
		    "vendor=%s keywords=%s", handle, list), now, error_r);
	}
	g_ptr_array_unref(kw);
	vendor_free(&v);
	return rc;
}

int
ops_vendor_lang(const struct outbound *o, const char *handle,
    const char *lang, int64_t now, GString *out, char **error_r)
{
	struct vendor *v = NULL;
	int rc;

	if ((rc = get_vendor(o, handle, &v, error_r)) == STORE_OK &&
	    (rc = vendor_set_language(o->st, v, lang, now, error_r)) ==
	    STORE_OK) {
		g_string_append_printf(out, "language of %s set to %s\n",
		    handle, lang);
		rc = vendor_event(o, "vendor-language", g_strdup_printf(
		    "vendor=%s language=%s", handle, lang), now, error_r);
	}
	vendor_free(&v);
	return rc;
}

/* The statements a pending vendor sent are processed once it is approved
 * (rule 9): back to 'new' for the intake's next pass. */
static int
release_held(const struct outbound *o, const char *handle, GString *out,
    char **error_r)
{
	int rc, n;

	if ((rc = msgstore_release_held(o->st, handle, &n, error_r)) != STORE_OK)
		return rc;
	if (n > 0)
		g_string_append_printf(out, "%d held message%s of %s will be "
		    "processed now\n", n, n == 1 ? "" : "s", handle);
	return STORE_OK;
}

/* approve (to registered) or suspend, with the rules of registration. */
int
ops_vendor_state(const struct outbound *o, const char *handle, int approve,
    int64_t now, GString *out, char **error_r)
{
	const char *to = approve ? "registered" : "suspended";
	struct vendor *v = NULL;
	guint i;
	int rc, keyed = 0;

	if ((rc = get_vendor(o, handle, &v, error_r)) != STORE_OK)
		return rc;
	for (i = 0; i < v->contacts->len; i++)
		if (((struct contact *)v->contacts->pdata[i])->fingerprint)
			keyed = 1;
	rc = STORE_ERR;
	if (strcmp(v->state, to) == 0)
		*error_r = g_strdup_printf("vendor %s is already %s", handle,
		    to);
	else if (approve && !keyed)
		*error_r = g_strdup_printf("vendor %s has no contact with a "
		    "pinned key: 'vendor key %s' first", handle, handle);
	else if (!approve && strcmp(v->state, "unregistered") == 0)
		*error_r = g_strdup_printf("vendor %s is unregistered: nothing "
		    "to suspend", handle);
	else {
		char *detail = g_strdup_printf("vendor=%s from=%s to=%s",
		    handle, v->state, to);

		if ((rc = vendor_set_state(o->st, v, to, now, error_r)) ==
		    STORE_OK) {
			g_string_append_printf(out, "vendor %s %s\n", handle,
			    to);
			rc = vendor_event(o, approve ? "vendor-approved" :
			    "vendor-suspended", detail, now, error_r);
		} else
			g_free(detail);
		if (rc == STORE_OK && approve)
			rc = release_held(o, handle, out, error_r);
	}
	vendor_free(&v);
	return rc;
}
