/* vulturectl vendor ...: the vendor registry. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "ctl_p.h"
#include "vulture/case.h"
#include "vulture/json.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"

static void
vendor_json(struct jw *w, const struct vendor *v, GTimeZone *tz)
{
	guint i;
	char *t;

	jw_obj_begin(w);
	jw_kstr(w, "handle", v->handle);
	jw_kstr(w, "name", v->name);
	jw_kstr(w, "registration", v->registration);
	jw_kstr(w, "state", v->state);
	jw_kstr(w, "language", v->language);
	jw_key(w, "keywords");
	jw_arr_begin(w);
	for (i = 0; i < v->keywords->len; i++)
		jw_str(w, v->keywords->pdata[i]);
	jw_arr_end(w);
	jw_key(w, "contacts");
	jw_arr_begin(w);
	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *ct = v->contacts->pdata[i];

		jw_obj_begin(w);
		jw_kstr(w, "name", ct->name);
		jw_kstr(w, "address", ct->address);
		jw_kstr(w, "phone", ct->phone);
		jw_kstr(w, "fingerprint", ct->fingerprint);
		t = ct->key_expires != 0 ? vtime_format(ct->key_expires, tz) :
		    NULL;
		jw_kstr(w, "key_expires", t);
		g_free(t);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	t = vtime_format(v->created, tz);
	jw_kstr(w, "created", t);
	g_free(t);
	t = vtime_format(v->updated, tz);
	jw_kstr(w, "updated", t);
	g_free(t);
	jw_obj_end(w);
}

static void
vendor_text(GString *o, const struct vendor *v, GTimeZone *tz)
{
	guint i;

	g_string_append_printf(o, "%s\t%s\n", v->handle, v->name);
	g_string_append_printf(o, "  registration: %s\n", v->registration);
	g_string_append_printf(o, "  state:        %s\n", v->state);
	g_string_append_printf(o, "  language:     %s\n", v->language);
	g_string_append(o, "  keywords:     ");
	for (i = 0; i < v->keywords->len; i++)
		g_string_append_printf(o, "%s%s", i ? "," : "",
		    (char *)v->keywords->pdata[i]);
	g_string_append_c(o, '\n');
	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *ct = v->contacts->pdata[i];

		g_string_append_printf(o, "  contact:      %s%s%s%s%s\n",
		    ct->address, ct->name ? " (" : "", ct->name ? ct->name : "",
		    ct->name ? ")" : "", ct->phone ? "" : "");
		if (ct->phone != NULL)
			g_string_append_printf(o, "    phone:      %s\n",
			    ct->phone);
		g_string_append_printf(o, "    key:        %s\n",
		    ct->fingerprint ? ct->fingerprint : "(none)");
	}
}

/* Runs the change fn inside one transaction with one event. */
static int
finish(struct ctl *c, int rc, char *err, const char *kind,
    const char *detail)
{
	char *actor;

	if (rc != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_fail(rc, err);
	}
	actor = ctl_actor();
	rc = event_add(c->st, NULL, vtime_now(), actor, kind, detail, NULL,
	    &err);
	g_free(actor);
	if (rc != STORE_OK || (rc = store_commit(c->st, &err)) != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_fail(rc, err);
	}
	return 0;
}

static int
begin(struct ctl *c)
{
	char *err = NULL;
	int rc = store_begin(c->st, &err);

	return rc == STORE_OK ? 0 : ctl_store_fail(rc, err);
}

static int
vendor_add_cmd(struct ctl *c, int argc, char **argv)
{
	const char *lang = NULL, *cname = NULL, *phone = NULL;
	int unregistered = 0, rc;
	struct ctl_opt opts[] = {
		{ "--lang", 1, &lang, NULL, NULL },
		{ "--contact-name", 1, &cname, NULL, NULL },
		{ "--phone", 1, &phone, NULL, NULL },
		{ "--unregistered", 0, NULL, &unregistered, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	GPtrArray *pos = g_ptr_array_new(), *kw = NULL;
	char *err = NULL, *detail;

	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	/* HANDLE NAME REGISTRATION ADDRESS [keywords LIST] */
	if (pos->len != 4 && !(pos->len == 6 &&
	    strcmp(pos->pdata[4], "keywords") == 0)) {
		rc = ctl_usage("vendor add: HANDLE NAME general|individual "
		    "ADDRESS [keywords LIST]");
		goto out;
	}
	kw = vendor_parse_keywords(pos->len == 6 ? pos->pdata[5] : "", &err);
	if (kw == NULL) {
		rc = ctl_fail("vendor add: %s", err);
		goto out;
	}
	if ((rc = ctl_load(c, 1, 0)) != 0 || (rc = begin(c)) != 0)
		goto out;
	rc = vendor_add(c->st, pos->pdata[0], pos->pdata[1], pos->pdata[2],
	    unregistered ? "unregistered" : "pending", lang ? lang : "en",
	    pos->pdata[3], cname, phone, kw, vtime_now(), &err);
	err = rc == STORE_OK ? NULL : err;
	detail = g_strdup_printf("vendor=%s registration=%s",
	    (char *)pos->pdata[0], (char *)pos->pdata[2]);
	rc = finish(c, rc, err, "vendor-added", detail);
	err = NULL;
	g_free(detail);
	if (rc == 0)
		printf("vendor %s added (%s)\n", (char *)pos->pdata[0],
		    unregistered ? "unregistered" : "pending");
out:
	g_free(err);
	if (kw != NULL)
		g_ptr_array_unref(kw);
	g_ptr_array_unref(pos);
	return rc;
}

/* Loads the vendor named by argv or prints why not. */
static int
load_vendor(struct ctl *c, const char *handle, struct vendor **v_r)
{
	char *err = NULL;
	int rc;

	if (!vendor_valid_handle(handle))
		return ctl_fail("'%s' is not a vendor handle", handle);
	rc = vendor_get(c->st, handle, v_r, &err);
	if (rc != STORE_OK)
		return ctl_store_fail(rc, err);
	return 0;
}

static int
vendor_contact_cmd(struct ctl *c, int argc, char **argv)
{
	const char *name = NULL, *phone = NULL;
	struct ctl_opt opts[] = {
		{ "--name", 1, &name, NULL, NULL },
		{ "--phone", 1, &phone, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	GPtrArray *pos = g_ptr_array_new();
	struct vendor *v = NULL;
	char *err = NULL, *detail;
	int rc;

	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	if (pos->len != 2) {
		rc = ctl_usage("vendor contact: HANDLE ADDRESS");
		goto out;
	}
	if ((rc = ctl_load(c, 1, 0)) != 0 || (rc = begin(c)) != 0)
		goto out;
	if ((rc = load_vendor(c, pos->pdata[0], &v)) != 0) {
		store_rollback(c->st);
		goto out;
	}
	rc = vendor_add_contact(c->st, v, pos->pdata[1], name, phone, &err);
	detail = g_strdup_printf("vendor=%s contact=%s", v->handle,
	    (char *)pos->pdata[1]);
	rc = finish(c, rc, err, "vendor-contact", detail);
	g_free(detail);
	if (rc == 0)
		printf("contact %s added to %s\n", (char *)pos->pdata[1],
		    v->handle);
out:
	vendor_free(&v);
	g_ptr_array_unref(pos);
	return rc;
}

/* The contact a key belongs to: named, or the one whose address is in the
 * key's user ids, or the only one. */
static struct contact *
pick_contact(struct vendor *v, const struct vkey_info *info,
    const char *named, char **why)
{
	struct contact *found = NULL;
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
	if (named != NULL) {
		*why = g_strdup_printf("%s is not a contact of %s", named,
		    v->handle);
		return NULL;
	}
	if (v->contacts->len == 1)
		found = v->contacts->pdata[0];
	else
		*why = g_strdup_printf("no contact of %s matches the key's "
		    "user ids: name one with --contact ADDRESS", v->handle);
	return found;
}

static int
vendor_key_cmd(struct ctl *c, int argc, char **argv)
{
	const char *named = NULL;
	struct ctl_opt opts[] = {
		{ "--contact", 1, &named, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	GPtrArray *pos = g_ptr_array_new();
	struct vendor *v = NULL;
	struct vkey_info info;
	struct contact *ct;
	char *data = NULL, *err = NULL, *detail, *old = NULL;
	size_t len;
	int rc;

	memset(&info, 0, sizeof(info));
	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	if (pos->len != 2) {
		rc = ctl_usage("vendor key: HANDLE FILE|-");
		goto out;
	}
	if ((rc = ctl_load(c, 1, 1)) != 0)
		goto out;
	if ((rc = load_vendor(c, pos->pdata[0], &v)) != 0)
		goto out;
	if ((rc = ctl_read_input(pos->pdata[1], VKEYS_MAX_FILE, &data,
	    &len)) != 0)
		goto out;
	if (vkeys_check(c->keys, data, len,
	    &info, &err) == -1) {
		rc = ctl_fail("%s: %s", (char *)pos->pdata[1], err);
		goto out;
	}
	if ((ct = pick_contact(v, &info, named, &err)) == NULL) {
		rc = ctl_fail("vendor key: %s", err);
		goto out;
	}
	old = g_strdup(ct->fingerprint);
	vkey_info_clear(&info);
	if (vkeys_import(c->keys, data, len, &info, &err) == -1) {
		rc = ctl_fail("%s: %s", (char *)pos->pdata[1], err);
		goto out;
	}
	if ((rc = begin(c)) != 0)
		goto out;
	rc = vendor_pin_key(c->st, ct, info.fpr, info.expires, &err);
	if (old != NULL && strcmp(old, info.fpr) != 0)
		detail = g_strdup_printf("vendor=%s contact=%s fpr=%s "
		    "replaces=%s", v->handle, ct->address, info.fpr, old);
	else
		detail = g_strdup_printf("vendor=%s contact=%s fpr=%s",
		    v->handle, ct->address, info.fpr);
	rc = finish(c, rc, err, "vendor-key", detail);
	err = NULL;
	g_free(detail);
	if (rc == 0)
		printf("key %s pinned for %s <%s>\n", info.fpr, v->handle,
		    ct->address);
out:
	g_free(err);
	g_free(old);
	if (data != NULL)
		g_free(data);
	vkey_info_clear(&info);
	vendor_free(&v);
	g_ptr_array_unref(pos);
	return rc;
}

static int
vendor_keywords_cmd(struct ctl *c, int argc, char **argv)
{
	struct vendor *v = NULL;
	GPtrArray *kw;
	char *err = NULL, *detail;
	int rc;

	if (argc != 4)
		return ctl_usage("vendor keywords: HANDLE LIST");
	if ((kw = vendor_parse_keywords(argv[3], &err)) == NULL) {
		rc = ctl_fail("vendor keywords: %s", err);
		g_free(err);
		return rc;
	}
	if ((rc = ctl_load(c, 1, 0)) != 0 || (rc = begin(c)) != 0)
		goto out;
	if ((rc = load_vendor(c, argv[2], &v)) != 0) {
		store_rollback(c->st);
		goto out;
	}
	rc = vendor_set_keywords(c->st, v, kw, vtime_now(), &err);
	detail = g_strdup_printf("vendor=%s keywords=%s", v->handle, argv[3]);
	rc = finish(c, rc, err, "vendor-keywords", detail);
	g_free(detail);
	if (rc == 0)
		printf("keywords of %s set (%u)\n", v->handle, kw->len);
out:
	g_ptr_array_unref(kw);
	vendor_free(&v);
	return rc;
}

static int
vendor_lang_cmd(struct ctl *c, int argc, char **argv)
{
	struct vendor *v = NULL;
	char *err = NULL, *detail;
	int rc;

	if (argc != 4)
		return ctl_usage("vendor lang: HANDLE en|ja");
	if ((rc = ctl_load(c, 1, 0)) != 0 || (rc = begin(c)) != 0)
		return rc;
	if ((rc = load_vendor(c, argv[2], &v)) != 0) {
		store_rollback(c->st);
		return rc;
	}
	rc = vendor_set_language(c->st, v, argv[3], vtime_now(), &err);
	detail = g_strdup_printf("vendor=%s language=%s", v->handle, argv[3]);
	rc = finish(c, rc, err, "vendor-language", detail);
	g_free(detail);
	if (rc == 0)
		printf("language of %s set to %s\n", v->handle, argv[3]);
	vendor_free(&v);
	return rc;
}

/* approve and suspend, with the rules of registration. */
static int
vendor_state_cmd(struct ctl *c, int argc, char **argv)
{
	struct vendor *v = NULL;
	const char *to, *kind;
	char *err = NULL, *detail;
	guint i;
	int rc, keyed = 0;

	if (argc != 3)
		return ctl_usage("vendor %s: HANDLE", argv[1]);
	if (strcmp(argv[1], "approve") == 0) {
		to = "registered";
		kind = "vendor-approved";
	} else {
		to = "suspended";
		kind = "vendor-suspended";
	}
	if ((rc = ctl_load(c, 1, 0)) != 0 || (rc = begin(c)) != 0)
		return rc;
	if ((rc = load_vendor(c, argv[2], &v)) != 0) {
		store_rollback(c->st);
		return rc;
	}
	for (i = 0; i < v->contacts->len; i++)
		if (((struct contact *)v->contacts->pdata[i])->fingerprint)
			keyed = 1;
	if (strcmp(v->state, to) == 0) {
		store_rollback(c->st);
		rc = ctl_fail("vendor %s is already %s", v->handle, to);
	} else if (strcmp(to, "registered") == 0 && !keyed) {
		store_rollback(c->st);
		rc = ctl_fail("vendor %s has no contact with a pinned key: "
		    "'vulturectl vendor key %s FILE' first", v->handle,
		    v->handle);
	} else if (strcmp(to, "suspended") == 0 &&
	    strcmp(v->state, "unregistered") == 0) {
		store_rollback(c->st);
		rc = ctl_fail("vendor %s is unregistered: nothing to suspend",
		    v->handle);
	} else {
		detail = g_strdup_printf("vendor=%s from=%s to=%s", v->handle,
		    v->state, to);
		rc = vendor_set_state(c->st, v, to, vtime_now(), &err);
		rc = finish(c, rc, err, kind, detail);
		g_free(detail);
		if (rc == 0)
			printf("vendor %s %s\n", v->handle, to);
	}
	vendor_free(&v);
	return rc;
}

static int
vendor_list_cmd(struct ctl *c, int argc, char **argv)
{
	GPtrArray *list = NULL;
	GString *o = g_string_new(NULL);
	char *err = NULL;
	guint i;
	int rc;

	if (argc != 2) {
		g_string_free(o, TRUE);
		return ctl_usage("vendor list takes no arguments");
	}
	if ((rc = ctl_load(c, 1, 0)) != 0) {
		g_string_free(o, TRUE);
		return rc;
	}
	if ((rc = vendor_list(c->st, &list, &err)) != STORE_OK) {
		g_string_free(o, TRUE);
		return ctl_store_fail(rc, err);
	}
	if (c->json) {
		struct jw w;

		jw_init(&w, o, 1);
		jw_arr_begin(&w);
		for (i = 0; i < list->len; i++)
			vendor_json(&w, list->pdata[i], c->conf->tz);
		jw_arr_end(&w);
		g_string_append_c(o, '\n');
	} else {
		for (i = 0; i < list->len; i++) {
			struct vendor *v = list->pdata[i];
			guint j, keys = 0;

			for (j = 0; j < v->contacts->len; j++)
				if (((struct contact *)
				    v->contacts->pdata[j])->fingerprint)
					keys++;
			g_string_append_printf(o, "%-16s %-12s %-10s %-2s "
			    "keys=%u %s\n", v->handle, v->state,
			    v->registration, v->language, keys, v->name);
		}
	}
	fputs(o->str, stdout);
	g_string_free(o, TRUE);
	g_ptr_array_unref(list);
	return 0;
}

static int
vendor_show_cmd(struct ctl *c, int argc, char **argv)
{
	struct vendor *v = NULL;
	GString *o;
	int rc;

	if (argc != 3)
		return ctl_usage("vendor show: HANDLE");
	if ((rc = ctl_load(c, 1, 0)) != 0 ||
	    (rc = load_vendor(c, argv[2], &v)) != 0)
		return rc;
	o = g_string_new(NULL);
	if (c->json) {
		struct jw w;

		jw_init(&w, o, 1);
		vendor_json(&w, v, c->conf->tz);
		g_string_append_c(o, '\n');
	} else
		vendor_text(o, v, c->conf->tz);
	fputs(o->str, stdout);
	g_string_free(o, TRUE);
	vendor_free(&v);
	return 0;
}

int
ctl_vendor(struct ctl *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(struct ctl *, int, char **);
	} verbs[] = {
		{ "add", vendor_add_cmd },
		{ "contact", vendor_contact_cmd },
		{ "key", vendor_key_cmd },
		{ "keywords", vendor_keywords_cmd },
		{ "lang", vendor_lang_cmd },
		{ "approve", vendor_state_cmd },
		{ "suspend", vendor_state_cmd },
		{ "list", vendor_list_cmd },
		{ "show", vendor_show_cmd },
	};
	size_t i;

	if (argc < 2)
		return ctl_usage("vendor: which subcommand?");
	for (i = 0; i < G_N_ELEMENTS(verbs); i++)
		if (strcmp(verbs[i].name, argv[1]) == 0)
			return verbs[i].fn(c, argc, argv);
	return ctl_usage("vendor: unknown subcommand '%s'", argv[1]);
}
