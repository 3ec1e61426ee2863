/* vulturectl case ...: case records. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "ctl_p.h"
#include "vulture/case.h"
#include "vulture/ids.h"
#include "vulture/json.h"
#include "vulture/cmd.h"
#include "vulture/cmdrun.h"
#include "vulture/ops.h"
#include "vulture/site.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"

/* A date without a time of day means this hour in the configured zone. */
#define CASE_DEFAULT_HOUR 11

static int
begin(struct ctl *c)
{
	char *err = NULL;
	int rc = store_begin(c->st, &err);

	return rc == STORE_OK ? 0 : ctl_store_fail(rc, err);
}

static int
valid_case_id(struct ctl *c, const char *id)
{
	return ids_match(c->conf->id_format, id) ||
	    ids_match(c->conf->single_vendor_id_format, id);
}

static int
commit_or_fail(struct ctl *c, int rc, char *err)
{
	if (rc == STORE_OK)
		rc = store_commit(c->st, &err);
	if (rc != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_fail(rc, err);
	}
	return 0;
}

static const char *
guess_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".txt", "text/plain" }, { ".md", "text/plain" },
		{ ".c", "text/plain" }, { ".py", "text/plain" },
		{ ".sh", "text/plain" }, { ".html", "text/html" },
		{ ".pdf", "application/pdf" }, { ".png", "image/png" },
		{ ".jpg", "image/jpeg" }, { ".zip", "application/zip" },
		{ ".gz", "application/gzip" }, { ".json", "application/json" },
		{ ".pcap", "application/vnd.tcpdump.pcap" },
	};
	size_t i, n = strlen(name);

	for (i = 0; i < G_N_ELEMENTS(types); i++) {
		size_t e = strlen(types[i].ext);

		if (n > e && g_ascii_strcasecmp(name + n - e,
		    types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/* A multi-line text from a file: UTF-8, and what the mail grammar
 * refuses in a here-document refused here too (CRLF becomes LF). */
static int
read_text(const char *cmd, const char *what, const char *path,
    char **text_r)
{
	char *where;

	size_t len;
	int rc;

	if ((rc = ctl_read_input(path, CASE_MAX_TEXT, text_r, &len)) != 0)
		return rc;
	if (memchr(*text_r, '\0', len) != NULL ||
	    !g_utf8_validate(*text_r, (gssize)len, NULL)) {
		g_free(*text_r);
		*text_r = NULL;
		return ctl_fail("%s %s: not UTF-8 text", what, path);
	}
	where = g_strdup_printf("%s %s", what, path);
	rc = ctl_check_text(cmd, where, *text_r);
	g_free(where);
	if (rc != 0) {
		g_free(*text_r);
		*text_r = NULL;
	}
	return rc;
}

/* Reads --attach files into outbound attachments. */
static int
read_attachments(GPtrArray *files, GPtrArray **list_r)
{
	GPtrArray *l = g_ptr_array_new_with_free_func(outbound_attachment_free);
	guint i;

	*list_r = NULL;
	for (i = 0; i < files->len; i++) {
		const char *path = files->pdata[i];
		struct outbound_attachment *a;
		char *data, *name;
		size_t len;
		int rc;

		name = g_path_get_basename(strcmp(path, "-") == 0 ?
		    "stdin.bin" : path);
		/* The name travels in mail and into the case record. */
		if ((rc = ctl_check_line("case", "--attach file name",
		    name)) != 0 || (rc = ctl_read_input(path,
		    CASE_MAX_ATTACHMENT, &data, &len)) != 0) {
			g_free(name);
			g_ptr_array_unref(l);
			return rc;
		}
		a = g_new0(struct outbound_attachment, 1);
		a->filename = name;
		a->content_type = g_strdup(guess_type(a->filename));
		a->data = g_bytes_new_take(data, len);
		g_ptr_array_add(l, a);
	}
	*list_r = l;
	return 0;
}

/* The part of struct outbound that changes without mail. */
static void
plain_out(struct ctl *c, struct outbound *o)
{
	memset(o, 0, sizeof(*o));
	if (c->actor == NULL)
		c->actor = ctl_actor();
	o->conf = c->conf;
	o->st = c->st;
	o->actor = c->actor;
}

static int
case_open_cmd(struct ctl *c, int argc, char **argv)
{
	const char *summary_f = NULL, *detail_f = NULL, *reporter = NULL;
	const char *date = NULL;
	int single = 0, rc;
	GPtrArray *attach = g_ptr_array_new(), *pos = g_ptr_array_new();
	struct ctl_opt opts[] = {
		{ "--summary", 1, &summary_f, NULL, NULL },
		{ "--detail", 1, &detail_f, NULL, NULL },
		{ "--attach", 1, NULL, NULL, attach },
		{ "--reporter", 1, &reporter, NULL, NULL },
		{ "--single-vendor", 0, NULL, &single, NULL },
		{ "--date", 1, &date, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	char *summary = NULL, *detail = NULL, *id = NULL, *err = NULL;
	GPtrArray *atts = NULL;
	GString *opout = NULL;
	struct outbound o;
	int64_t t0, pub;
	guint i, stdin_uses = 0;

	if ((rc = ctl_parse_opts(argc, argv, 2, opts, pos)) != 0)
		goto out;
	if (pos->len != 1) {
		rc = ctl_usage("case open: one TITLE (quote it)");
		goto out;
	}
	stdin_uses += summary_f && strcmp(summary_f, "-") == 0;
	stdin_uses += detail_f && strcmp(detail_f, "-") == 0;
	for (i = 0; i < attach->len; i++)
		stdin_uses += strcmp(attach->pdata[i], "-") == 0;
	if (stdin_uses > 1) {
		rc = ctl_usage("case open: standard input can be read once");
		goto out;
	}
	if ((rc = ctl_check_line("case open", "TITLE", pos->pdata[0])) != 0 ||
	    (rc = ctl_check_line("case open", "--reporter", reporter)) != 0)
		goto out;
	if ((rc = ctl_load(c, 1, 0)) != 0)
		goto out;
	t0 = vtime_now();
	pub = vtime_add_days(t0, c->conf->default_embargo_days, c->conf->tz);
	if (date != NULL && vtime_parse(date, c->conf->tz, CASE_DEFAULT_HOUR,
	    0, &pub) == -1) {
		rc = ctl_fail("case open: bad date '%s' (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM[+HH:MM])", date);
		goto out;
	}
	if (date != NULL && pub <= t0) {
		rc = ctl_fail("case open: the publication date %s is in the "
		    "past", date);
		goto out;
	}
	if ((summary_f && (rc = read_text("case open", "summary", summary_f,
	    &summary))) || (detail_f && (rc = read_text("case open", "detail",
	    detail_f, &detail))))
		goto out;
	if ((rc = read_attachments(attach, &atts)) != 0)
		goto out;
	if ((rc = begin(c)) != 0)
		goto out;
	plain_out(c, &o);
	opout = g_string_new(NULL);
	rc = ops_case_open(&o, pos->pdata[0], summary, detail, reporter,
	    single, date != NULL ? pub : 0, atts, t0, opout, &id, &err);
	if ((rc = commit_or_fail(c, rc, err)) == 0)
		ctl_printf("%s\n", id);
	err = NULL;
out:
	if (opout != NULL)
		g_string_free(opout, TRUE);
	if (atts != NULL)
		g_ptr_array_unref(atts);
	g_free(id);
	g_free(summary);
	g_free(detail);
	g_ptr_array_unref(attach);
	g_ptr_array_unref(pos);
	return rc;
}

static int
case_text_cmd(struct ctl *c, const char *id, int argc, char **argv,
    const char *field)
{
	GPtrArray *attach = g_ptr_array_new(), *pos = g_ptr_array_new();
	struct ctl_opt opts_detail[] = {
		{ "--attach", 1, NULL, NULL, attach },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct ctl_opt opts_summary[] = { { NULL, 0, NULL, NULL, NULL } };
	char *text = NULL, *err = NULL;
	GPtrArray *atts = NULL;
	GString *opout = NULL;
	struct outbound o;
	int rc;

	rc = ctl_parse_opts(argc, argv, 3, strcmp(field, "detail") == 0 ?
	    opts_detail : opts_summary, pos);
	if (rc != 0)
		goto out;
	if (pos->len != 1) {
		rc = ctl_usage("case %s: ID FILE|-", field);
		goto out;
	}
	if ((rc = read_text(strcmp(field, "detail") == 0 ? "case detail" :
	    "case summary", field, pos->pdata[0], &text)) != 0)
		goto out;
	if ((rc = read_attachments(attach, &atts)) != 0)
		goto out;
	if ((rc = begin(c)) != 0)
		goto out;
	plain_out(c, &o);
	opout = g_string_new(NULL);
	rc = ops_case_text(&o, id, field, text, atts, vtime_now(), opout,
	    &err);
	if ((rc = commit_or_fail(c, rc, err)) == 0)
		ctl_print(stdout, opout->str);
	err = NULL;
out:
	if (opout != NULL)
		g_string_free(opout, TRUE);
	if (atts != NULL)
		g_ptr_array_unref(atts);
	g_free(text);
	g_ptr_array_unref(attach);
	g_ptr_array_unref(pos);
	return rc;
}

/* Runs one ops_* operation in its own transaction and prints its result.
 * A refused guard rolls everything back. */
static int
finish_op(struct ctl *c, int rc, GString *out, char *err)
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
case_date_cmd(struct ctl *c, const char *id, int argc, char **argv)
{
	const char *reason = NULL;
	char *err = NULL;
	GString *out;
	int64_t when;
	int rc;

	/* ID WHEN [reason TEXT] */
	if (argc == 6 && strcmp(argv[4], "reason") == 0)
		reason = argv[5];
	else if (argc != 4)
		return ctl_usage("case date: ID WHEN [reason TEXT]");
	if ((rc = ctl_check_line("case date", "reason", reason)) != 0)
		return rc;
	if (vtime_parse(argv[3], c->conf->tz, CASE_DEFAULT_HOUR, 0, &when) ==
	    -1)
		return ctl_fail("case date: bad date '%s' (YYYY-MM-DD or "
		    "YYYY-MM-DDTHH:MM[+HH:MM])", argv[3]);
	if ((rc = ctl_outbound(c)) != 0 || (rc = begin(c)) != 0)
		return rc;
	out = g_string_new(NULL);
	g_string_append_printf(out, "%s ", id);
	rc = ops_date(&c->out, id, when, reason, vtime_now(), out, &err);
	return finish_op(c, rc, out, err);
}

static int
case_notify_cmd(struct ctl *c, const char *id, int argc, char **argv)
{
	GPtrArray *list;
	GString *out;
	char *err = NULL;
	int force = 0, rc;

	/* ID vendors|keywords LIST [force] */
	if (argc == 6 && strcmp(argv[5], "force") == 0)
		force = 1;
	else if (argc != 5)
		return ctl_usage("case notify: ID vendors|keywords LIST "
		    "[force]");
	if (strcmp(argv[3], "vendors") != 0 && strcmp(argv[3], "keywords") !=
	    0)
		return ctl_usage("case notify: vendors or keywords, not '%s'",
		    argv[3]);
	if ((list = vendor_parse_keywords(argv[4], &err)) == NULL) {
		rc = ctl_fail("case notify: %s", err);
		g_free(err);
		return rc;
	}
	if ((rc = ctl_outbound(c)) != 0 || (rc = begin(c)) != 0) {
		g_ptr_array_unref(list);
		return rc;
	}
	out = g_string_new(NULL);
	if (strcmp(argv[3], "vendors") == 0)
		rc = ops_notify_vendors(&c->out, id, list, force, vtime_now(),
		    out, &err);
	else
		rc = ops_notify_keywords(&c->out, id, list, force, vtime_now(),
		    out, &err);
	g_ptr_array_unref(list);
	return finish_op(c, rc, out, err);
}

static int
case_advisory_cmd(struct ctl *c, const char *id, int argc, char **argv)
{
	struct outbound o;
	GString *out;
	char *text = NULL, *err = NULL;
	int rc;

	if (argc != 5)
		return ctl_usage("case advisory: ID FIELD FILE|-");
	if ((rc = read_text("case advisory", argv[3], argv[4], &text)) != 0)
		return rc;
	if ((rc = begin(c)) != 0) {
		g_free(text);
		return rc;
	}
	plain_out(c, &o);
	out = g_string_new(NULL);
	rc = ops_case_advisory(&o, id, argv[3], text, vtime_now(), out, &err);
	g_free(text);
	return finish_op(c, rc, out, err);
}

static int
case_disclose_cmd(struct ctl *c, const char *id, int argc, char **argv)
{
	GString *out;
	char *err = NULL;
	int rc;

	if (argc != 4)
		return ctl_usage("case disclose: ID HANDLE");
	if ((rc = ctl_outbound(c)) != 0 || (rc = begin(c)) != 0)
		return rc;
	out = g_string_new(NULL);
	rc = ops_disclose(&c->out, id, argv[3], vtime_now(), out, &err);
	return finish_op(c, rc, out, err);
}

static void
case_json(struct jw *w, const struct vcase *k, GPtrArray *events,
    GTimeZone *tz)
{
	guint i;
	char *t;

#define JTIME(key, v) do { t = (v) ? vtime_format((v), tz) : NULL; \
	jw_kstr(w, key, t); g_free(t); } while (0)
	jw_obj_begin(w);
	jw_kstr(w, "id", k->id);
	jw_kstr(w, "title", k->title);
	jw_kstr(w, "state", k->state);
	jw_kbool(w, "single_vendor", k->single_vendor);
	JTIME("t0", k->t0);
	JTIME("publication", k->publication);
	JTIME("published_at", k->published_at);
	jw_kstr(w, "reporter_ref", k->reporter_ref);
	if (events != NULL) {
		/* The Vultron view (CERT/CC): derived, never stored. */
		char today[11];
		int public_aware = strcmp(k->state, "published") == 0;
		unsigned told = 0, dreq = 0;
		GDateTime *dt = g_date_time_new_now(tz);

		g_snprintf(today, sizeof(today), "%04d-%02d-%02d",
		    g_date_time_get_year(dt), g_date_time_get_month(dt),
		    g_date_time_get_day_of_month(dt));
		g_date_time_unref(dt);
		for (i = 0; i < events->len; i++)
			if (strcmp(((struct event *)events->pdata[i])->kind,
			    "leak") == 0)
				public_aware = 1;
		for (i = 0; i < k->participants->len; i++) {
			const struct participant *p =
			    k->participants->pdata[i];
			int st = pstage_parse(p->stage);

			if (st >= 0 && pstate_told((enum pstage)st))
				told++;
			if (p->pubdate_request != 0 &&
			    p->pubdate_request != k->publication)
				dreq = 1;
		}
		jw_key(w, "vultron");
		jw_obj_begin(w);
		jw_kstr(w, "em", pstate_vultron_em(k->state, told,
		    k->participants->len, dreq));
		jw_key(w, "cs");
		jw_obj_begin(w);
		for (i = 0; i < k->participants->len; i++) {
			const struct participant *p =
			    k->participants->pdata[i];
			struct pstate ps;
			char cs[7];

			if (pstate_from_names(p->stage, p->status,
			    p->unreachable, &ps) == -1)
				continue;
			pstate_vultron_cs(&ps, p->fix_date != NULL &&
			    strcmp(p->fix_date, today) <= 0, public_aware, cs);
			jw_kstr(w, p->handle, cs);
		}
		jw_obj_end(w);
		jw_obj_end(w);
		jw_kstr(w, "summary", k->summary);
		jw_kstr(w, "detail", k->detail);
		jw_key(w, "attachments");
		jw_arr_begin(w);
		for (i = 0; i < k->attachments->len; i++) {
			const struct attachment_info *a =
			    k->attachments->pdata[i];

			jw_obj_begin(w);
			jw_kstr(w, "filename", a->filename);
			jw_kstr(w, "content_type", a->content_type);
			jw_kint(w, "size", a->size);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "participants");
		jw_arr_begin(w);
		for (i = 0; i < k->participants->len; i++) {
			const struct participant *p =
			    k->participants->pdata[i];

			jw_obj_begin(w);
			jw_kstr(w, "vendor", p->handle);
			jw_kstr(w, "name", p->vendor_name);
			jw_kstr(w, "stage", p->stage);
			jw_kstr(w, "status", p->status);
			jw_kbool(w, "unreachable", p->unreachable);
			jw_kstr(w, "comment", p->comment);
			jw_kstr(w, "advisory_url", p->advisory_url);
			jw_kstr(w, "fix_plan", p->fix_plan);
			jw_kstr(w, "fix_date", p->fix_date);
			jw_kstr(w, "workaround_plan", p->workaround_plan);
			jw_kstr(w, "workaround_date", p->workaround_date);
			JTIME("publication_date_request", p->pubdate_request);
			jw_kstr(w, "publication_date_reason",
			    p->pubdate_reason);
			jw_kint(w, "attempts", p->attempts);
			JTIME("first_attempt", p->first_attempt);
			JTIME("last_attempt", p->last_attempt);
			JTIME("last_answer", p->last_answer);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "events");
		jw_arr_begin(w);
		for (i = 0; i < events->len; i++) {
			const struct event *e = events->pdata[i];

			jw_obj_begin(w);
			JTIME("at", e->at);
			jw_kstr(w, "actor", e->actor);
			jw_kstr(w, "kind", e->kind);
			jw_kstr(w, "detail", e->detail);
			jw_kstr(w, "message_id", e->message_id);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	jw_obj_end(w);
#undef JTIME
}

static int
case_show_cmd(struct ctl *c, const char *id, int argc)
{
	struct vcase *k = NULL;
	GPtrArray *events = NULL;
	GString *o;
	char *err = NULL;
	int rc;

	if (argc != 3)
		return ctl_usage("case show: ID");
	if ((rc = vcase_get(c->st, id, &k, &err)) != STORE_OK)
		return ctl_store_fail(rc, err);
	if ((rc = event_list(c->st, id, &events, &err)) != STORE_OK) {
		vcase_free(&k);
		return ctl_store_fail(rc, err);
	}
	o = g_string_new(NULL);
	if (c->json) {
		struct jw w;

		jw_init(&w, o, 1);
		case_json(&w, k, events, c->conf->tz);
		g_string_append_c(o, '\n');
	} else
		vcase_format(o, k, events, c->conf->tz);
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	g_ptr_array_unref(events);
	vcase_free(&k);
	return 0;
}

static int
case_list_cmd(struct ctl *c, int argc)
{
	GPtrArray *list = NULL;
	GString *o;
	char *err = NULL;
	guint i;
	int rc;

	if (argc != 2)
		return ctl_usage("case list takes no arguments");
	if ((rc = ctl_load(c, 1, 0)) != 0)
		return rc;
	if ((rc = vcase_list(c->st, &list, &err)) != STORE_OK)
		return ctl_store_fail(rc, err);
	o = g_string_new(NULL);
	if (c->json) {
		struct jw w;

		jw_init(&w, o, 1);
		jw_arr_begin(&w);
		for (i = 0; i < list->len; i++)
			case_json(&w, list->pdata[i], NULL, c->conf->tz);
		jw_arr_end(&w);
		g_string_append_c(o, '\n');
	} else {
		for (i = 0; i < list->len; i++) {
			const struct vcase *k = list->pdata[i];
			char *pub = vtime_format_date(k->publication,
			    c->conf->tz);

			g_string_append_printf(o, "%-16s %-9s %s  %s\n", k->id,
			    k->state, pub, k->title);
			g_free(pub);
		}
	}
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	g_ptr_array_unref(list);
	return 0;
}

int
ctl_case(struct ctl *c, int argc, char **argv)
{
	const char *verb, *id;
	int rc;

	if (argc < 2)
		return ctl_usage("case: which subcommand?");
	if (strcmp(argv[1], "open") == 0)
		return case_open_cmd(c, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return case_list_cmd(c, argc);
	if (argc < 3)
		return ctl_usage("case %s: which case?", argv[1]);
	if ((rc = ctl_load(c, 1, 0)) != 0)
		return rc;
	/* Both "case show ID" and the mail form "case ID show". */
	if (valid_case_id(c, argv[1]) && !valid_case_id(c, argv[2])) {
		char *t = argv[1];

		argv[1] = argv[2];
		argv[2] = t;
	}
	verb = argv[1];
	id = argv[2];
	if (!valid_case_id(c, id))
		return ctl_fail("'%s' is not a case id (format %s)", id,
		    c->conf->id_format);
	if (strcmp(verb, "show") == 0)
		return case_show_cmd(c, id, argc);
	if (strcmp(verb, "summary") == 0 || strcmp(verb, "detail") == 0)
		return case_text_cmd(c, id, argc, argv, verb);
	if (strcmp(verb, "date") == 0)
		return case_date_cmd(c, id, argc, argv);
	if (strcmp(verb, "advisory") == 0)
		return case_advisory_cmd(c, id, argc, argv);
	if (strcmp(verb, "notify") == 0)
		return case_notify_cmd(c, id, argc, argv);
	if (strcmp(verb, "disclose") == 0)
		return case_disclose_cmd(c, id, argc, argv);
	if (strcmp(verb, "status") == 0 || strcmp(verb, "leak") == 0 ||
	    strcmp(verb, "unreachable") == 0 || strcmp(verb, "early") == 0 ||
	    strcmp(verb, "share") == 0 || strcmp(verb, "publish") == 0)
		return ctl_run_grammar(c, argc, argv);
	return ctl_usage("case: unknown subcommand '%s'", verb);
}

/* Commands that exist only in the mail grammar's form: parsed by the same
 * parser and run by the same executor as coordinator mail. */
int
ctl_run_grammar(struct ctl *c, int argc, char **argv)
{
	struct cmd_block *b = NULL;
	const char *perr = NULL;
	GString *out;
	unsigned errors = 0;
	char *err = NULL;
	int rc;

	if (cmd_parse_argv(argc, argv, cmdrun_is_case_id, (void *)c->conf, &b,
	    &perr) == -1)
		return ctl_fail("%s", perr);
	if (b->errors->len > 0) {
		const struct cmd_error *e = b->errors->pdata[0];

		rc = ctl_usage("%s", e->message);
		cmd_block_free(&b);
		return rc;
	}
	if ((rc = ctl_outbound(c)) != 0 || (rc = begin(c)) != 0) {
		cmd_block_free(&b);
		return rc;
	}
	out = g_string_new(NULL);
	rc = cmdrun_block(&c->out, b, NULL, vtime_now(), out, &errors, &err);
	cmd_block_free(&b);
	if (rc == STORE_OK && errors > 0) {
		store_rollback(c->st);
		ctl_print(stderr, out->str);
		g_string_free(out, TRUE);
		return 1;
	}
	return finish_op(c, rc, out, err);
}

/* render ID --format text|html|csaf|rss [--lang en|ja] */
int
ctl_render(struct ctl *c, int argc, char **argv)
{
	const char *format = NULL, *lang = NULL;
	struct ctl_opt opts[] = {
		{ "--format", 1, &format, NULL, NULL },
		{ "--lang", 1, &lang, NULL, NULL },
		{ NULL, 0, NULL, NULL, NULL },
	};
	GPtrArray *pos = g_ptr_array_new();
	GString *out = NULL;
	enum pub_format f;
	char *err = NULL;
	int rc;

	if ((rc = ctl_parse_opts(argc, argv, 1, opts, pos)) != 0)
		goto done;
	if (pos->len != 1 || format == NULL) {
		rc = ctl_usage("render: ID --format text|html|csaf|rss "
		    "[--lang en|ja]");
		goto done;
	}
	if (strcmp(format, "text") == 0)
		f = PUB_TEXT;
	else if (strcmp(format, "html") == 0)
		f = PUB_HTML;
	else if (strcmp(format, "csaf") == 0)
		f = PUB_CSAF;
	else if (strcmp(format, "rss") == 0)
		f = PUB_RSS;
	else {
		rc = ctl_usage("render: format text, html, csaf or rss, not "
		    "'%s'", format);
		goto done;
	}
	if (lang != NULL && strcmp(lang, "en") != 0 && strcmp(lang, "ja") != 0) {
		rc = ctl_usage("render: --lang en or ja, not '%s'", lang);
		goto done;
	}
	if ((rc = ctl_load(c, 1, 0)) != 0)
		goto done;
	if (!valid_case_id(c, pos->pdata[0])) {
		rc = ctl_fail("'%s' is not a case id", (char *)pos->pdata[0]);
		goto done;
	}
	rc = site_render(c->st, c->conf, pos->pdata[0], f, lang ? lang :
	    c->conf->site_language, &out, &err);
	if (rc != STORE_OK) {
		rc = ctl_store_fail(rc, err);
		goto done;
	}
	fwrite(out->str, 1, out->len, stdout);
	g_string_free(out, TRUE);
done:
	g_ptr_array_unref(pos);
	return rc;
}
