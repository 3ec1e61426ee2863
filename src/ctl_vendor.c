/* vulturectl vendor ...: the vendor registry. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "ctl_p.h"
#include "vulture/case.h"
#include "vulture/json.h"
#include "vulture/ops.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"
#include "vulture/wake.h"

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

/* The registry changes go through ops_vendor_*: one transaction each. */
static int
setup(struct ctl *c, int keys, struct outbound *o)
{
	char *err = NULL;
	int rc;

	if ((rc = ctl_load(c, 1, keys)) != 0)
		return rc;
	if (c->actor == NULL)
		c->actor = ctl_actor();
	memset(o, 0, sizeof(*o));
	o->conf = c->conf;
	o->st = c->st;
	o->ctx = keys ? vkeys_ctx(c->keys) : NULL;
	o->actor = c->actor;
	if ((rc = store_begin(c->st, &err)) != STORE_OK)
		return ctl_store_fail(rc, err);
	c->outbuf = g_string_new(NULL);
	return 0;
}

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
done(struct ctl *c, int rc, GString *out, char *err)
{
	if (rc == STORE_OK)
		rc = store_commit(c->st, &err);
	else
		store_rollback(c->st);
	if (rc != STORE_OK) {
		g_string_free(out, TRUE);
		return ctl_store_fail(rc, err);
	}
	ctl_print(stdout, out->str);
	g_string_free(out, TRUE);
	return 0;
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
	GPtrArray *pos = g_ptr_array_new(), *kw;
	struct outbound o;
	char *err = NULL;

	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	/* HANDLE NAME REGISTRATION ADDRESS [keywords LIST] */
	if (pos->len != 4 && !(pos->len == 6 &&
	    strcmp(pos->pdata[4], "keywords") == 0)) {
		rc = ctl_usage("vendor add: HANDLE NAME general|individual "
		    "ADDRESS [keywords LIST]");
		goto out;
	}
	if ((rc = ctl_check_line("vendor add", "NAME", pos->pdata[1])) != 0 ||
	    (rc = ctl_check_line("vendor add", "--contact-name", cname)) != 0 ||
	    (rc = ctl_check_line("vendor add", "--phone", phone)) != 0)
		goto out;
	/* Bad keywords are a usage-level error: before the database. */
	if ((kw = vendor_parse_keywords(pos->len == 6 ? pos->pdata[5] : "",
	    &err)) == NULL) {
		rc = ctl_fail("vendor add: %s", err);
		g_free(err);
		goto out;
	}
	g_ptr_array_unref(kw);
	if ((rc = setup(c, 0, &o)) != 0)
		goto out;
	rc = ops_vendor_add(&o, pos->pdata[0], pos->pdata[1], pos->pdata[2],
	    unregistered, lang, pos->pdata[3], cname, phone,
	    pos->len == 6 ? pos->pdata[5] : NULL, vtime_now(), c->outbuf,
	    &err);
	rc = done(c, rc, c->outbuf, err);
	c->outbuf = NULL;
out:
	g_ptr_array_unref(pos);
	return rc;
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
	struct outbound o;
	char *err = NULL;
	int rc;

	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	if (pos->len != 2) {
		rc = ctl_usage("vendor contact: HANDLE ADDRESS");
		goto out;
	}
	if ((rc = ctl_check_line("vendor contact", "--name", name)) != 0 ||
	    (rc = ctl_check_line("vendor contact", "--phone", phone)) != 0)
		goto out;
	if ((rc = setup(c, 0, &o)) != 0)
		goto out;
	rc = ops_vendor_contact(&o, pos->pdata[0], pos->pdata[1], name, phone,
	    vtime_now(), c->outbuf, &err);
	rc = done(c, rc, c->outbuf, err);
	c->outbuf = NULL;
out:
	g_ptr_array_unref(pos);
	return rc;
}

static int
vendor_key_cmd(struct ctl *c, int argc, char **argv)
{
	const char *named = NULL;
	struct ctl_opt opts[] = {
		{ "--contact", 1, &named, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	GPtrArray *pos;
	struct outbound o;
	char *data = NULL, *err = NULL;
	size_t len;
	int rc;

	/* vendor key HANDLE confirm FPR: the mail grammar's command. */
	if (argc == 5 && strcmp(argv[3], "confirm") == 0)
		return ctl_run_grammar(c, argc, argv);
	pos = g_ptr_array_new();
	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	if (pos->len != 2) {
		rc = ctl_usage("vendor key: HANDLE FILE|-");
		goto out;
	}
	if ((rc = ctl_read_input(pos->pdata[1], VKEYS_MAX_FILE, &data,
	    &len)) != 0)
		goto out;
	if ((rc = setup(c, 1, &o)) != 0)
		goto out;
	rc = ops_vendor_key(&o, pos->pdata[0], data, len, named, vtime_now(),
	    c->outbuf, &err);
	if (rc == STORE_ERR && err != NULL && strncmp(err, "key ", 4) != 0 &&
	    strstr(err, "contact") == NULL && strstr(err, "vendor") == NULL) {
		char *e = g_strdup_printf("%s: %s", (char *)pos->pdata[1], err);

		g_free(err);
		err = e;
	}
	rc = done(c, rc, c->outbuf, err);
	c->outbuf = NULL;
out:
	g_free(data);
	g_ptr_array_unref(pos);
	return rc;
}

static int
vendor_keywords_cmd(struct ctl *c, int argc, char **argv)
{
	struct outbound o;
	GPtrArray *kw;
	char *err = NULL;
	int rc;

	if (argc != 4)
		return ctl_usage("vendor keywords: HANDLE LIST");
	if ((kw = vendor_parse_keywords(argv[3], &err)) == NULL) {
		rc = ctl_fail("vendor keywords: %s", err);
		g_free(err);
		return rc;
	}
	g_ptr_array_unref(kw);
	if ((rc = setup(c, 0, &o)) != 0)
		return rc;
	rc = ops_vendor_keywords(&o, argv[2], argv[3], vtime_now(), c->outbuf,
	    &err);
	rc = done(c, rc, c->outbuf, err);
	c->outbuf = NULL;
	return rc;
}

static int
vendor_lang_cmd(struct ctl *c, int argc, char **argv)
{
	struct outbound o;
	char *err = NULL;
	int rc;

	if (argc != 4)
		return ctl_usage("vendor lang: HANDLE en|ja");
	if ((rc = setup(c, 0, &o)) != 0)
		return rc;
	rc = ops_vendor_lang(&o, argv[2], argv[3], vtime_now(), c->outbuf,
	    &err);
	rc = done(c, rc, c->outbuf, err);
	c->outbuf = NULL;
	return rc;
}

static int
vendor_state_cmd(struct ctl *c, int argc, char **argv)
{
	struct outbound o;
	char *err = NULL;
	int rc;

	if (argc != 3)
		return ctl_usage("vendor %s: HANDLE", argv[1]);
	if ((rc = setup(c, 0, &o)) != 0)
		return rc;
	rc = ops_vendor_state(&o, argv[2], strcmp(argv[1], "approve") == 0,
	    vtime_now(), c->outbuf, &err);
	rc = done(c, rc, c->outbuf, err);
	c->outbuf = NULL;
	/* Held statements of an approved vendor: the daemon takes them. */
	if (rc == 0 && strcmp(argv[1], "approve") == 0)
		(void)wake_daemon(c->conf, NULL);
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
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	g_ptr_array_unref(list);
	return 0;
}

/* Keys proposed by mail, waiting for a coordinator (vulture(7)). */
static void
proposals_text(GString *o, GPtrArray *list, GTimeZone *tz)
{
	guint i;

	for (i = 0; i < list->len; i++) {
		const struct key_proposal *p = list->pdata[i];
		char *t = vtime_format(p->created, tz);

		g_string_append_printf(o, "proposal %-4lld %-16s %s %s %s%s%s\n",
		    (long long)p->id, p->handle, p->fpr, p->address, t ? t : "",
		    p->share[0] ? " " : "", p->share);
		g_free(t);
	}
}

static int
vendor_pending_cmd(struct ctl *c, int argc, char **argv)
{
	GPtrArray *list = NULL, *props = NULL;
	GString *o = g_string_new(NULL);
	char *err = NULL;
	guint i;
	int rc;

	(void)argv;
	if (argc != 2) {
		g_string_free(o, TRUE);
		return ctl_usage("vendor pending takes no arguments");
	}
	if ((rc = ctl_load(c, 1, 0)) != 0) {
		g_string_free(o, TRUE);
		return rc;
	}
	if ((rc = vendor_list(c->st, &list, &err)) != STORE_OK ||
	    (rc = vendor_proposals(c->st, 0, &props, &err)) != STORE_OK) {
		g_string_free(o, TRUE);
		if (list != NULL)
			g_ptr_array_unref(list);
		if (props != NULL)
			g_ptr_array_unref(props);
		return ctl_store_fail(rc, err);
	}
	if (c->json) {
		struct jw w;

		jw_init(&w, o, 1);
		jw_obj_begin(&w);
		jw_key(&w, "vendors");
		jw_arr_begin(&w);
		for (i = 0; i < list->len; i++)
			if (strcmp(((struct vendor *)list->pdata[i])->state,
			    "pending") == 0)
				vendor_json(&w, list->pdata[i], c->conf->tz);
		jw_arr_end(&w);
		jw_key(&w, "proposals");
		jw_arr_begin(&w);
		for (i = 0; i < props->len; i++) {
			const struct key_proposal *p = props->pdata[i];
			char *t;

			jw_obj_begin(&w);
			jw_key(&w, "id");
			jw_int(&w, p->id);
			jw_key(&w, "vendor");
			jw_str(&w, p->handle);
			jw_key(&w, "address");
			jw_str(&w, p->address);
			jw_key(&w, "fingerprint");
			jw_str(&w, p->fpr);
			jw_key(&w, "share");
			jw_str(&w, p->share);
			t = vtime_format(p->created, c->conf->tz);
			jw_kstr(&w, "created", t);
			g_free(t);
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
		jw_obj_end(&w);
		g_string_append_c(o, '\n');
	} else {
		for (i = 0; i < list->len; i++) {
			struct vendor *v = list->pdata[i];

			if (strcmp(v->state, "pending") == 0)
				g_string_append_printf(o, "pending  %-16s %s\n",
				    v->handle, v->name);
		}
		proposals_text(o, props, c->conf->tz);
		if (o->len > 0)
			g_string_append(o, "(confirm a key: vendor key HANDLE "
			    "confirm FPR, or case ID share confirm N FPR;"
			    " then vendor approve HANDLE)\n");
	}
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	g_ptr_array_unref(list);
	g_ptr_array_unref(props);
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
	} else {
		GPtrArray *props = NULL;
		char *err = NULL;

		vendor_text(o, v, c->conf->tz);
		if (vendor_proposals(c->st, v->id, &props, &err) == STORE_OK)
			proposals_text(o, props, c->conf->tz);
		g_free(err);
		g_ptr_array_unref(props);
	}
	ctl_print(stdout, o->str);
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
		{ "pending", vendor_pending_cmd },
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
