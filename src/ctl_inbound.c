/* vulturectl deliver | inspect | quarantine: the inbound path by hand. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "ctl_p.h"
#include "vulture/case.h"
#include "vulture/decode.h"
#include "vulture/inbound.h"
#include "vulture/json.h"
#include "vulture/log.h"
#include "vulture/msgstore.h"
#include "vulture/notice.h"
#include "vulture/vtime.h"
#include "vulture/wake.h"

/* A failure worth retrying: logged with its reason, the MTA told in one
 * terse line (it may end up in a bounce), err freed. Returns 75. */
static int
deliver_tempfail(const char *what, char *err)
{
	log_warnx("deliver: %s: %s: tempfail", what, err ? err : "?");
	fprintf(stderr, "vulture: cannot store the message now: temporary "
	    "failure\n");
	g_free(err);
	return EX_TEMPFAIL;
}

/* A stored message left to the daemon: wake it, or say that it waits for
 * the daemon's start (an operator who chose mode = queue and does not run
 * vultured finds out from the log, not from a silent backlog). */
static void
deliver_hand_over(const struct vconf *conf, int64_t row)
{
	char *why = NULL;

	if (!wake_daemon(conf, &why))
		log_warnx("deliver: message %" G_GINT64_FORMAT " waits: "
		    "%s", (gint64)row, why);
	g_free(why);
}

/* deliver: the MTA's pipe. Exit 0 once the message is stored; 75 for
 * anything worth retrying; 65 only for what is not mail or too big. Only a
 * terse reason goes to stderr (it ends up in a DSN), never content. */
static int
deliver_cmd(struct ctl *c, int argc, char **argv)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	struct inbound_decision *d = NULL;
	struct inbound_env env;
	struct spill *sp = NULL;
	GMimeStream *whole = NULL, *msg = NULL;
	char *path, *dir, *err = NULL;
	char chunk[65536], head[1024];
	size_t n, len, head_len = 0, skip = 0;
	int64_t row;
	int temp, dup, queue, rc;

	log_init("vulture-deliver", LOG_TO_SYSLOG, 0);
	log_set_quiet(0);
	if (argc != 1) {
		g_ptr_array_unref(errors);
		return ctl_usage("deliver takes no arguments (the message is "
		    "read from standard input; it waits: temporary "
		    "failure)");
	}
	path = vconf_locate(c->config_path);
	if (vconf_load(path, &c->conf, errors, &temp) == -1) {
		log_warnx("deliver: configuration %s unusable (%u errors): "
		    "tempfail", path, errors->len);
		fprintf(stderr, "vulture: configuration unusable: temporary "
		    "failure\n");
		g_free(path);
		g_ptr_array_unref(errors);
		return EX_TEMPFAIL;
	}
	g_free(path);
	g_ptr_array_unref(errors);

	/* Into a spill, not memory: beside the database once past
	 * SPILL_MEM_MAX, so that a 30 MB message is never held whole. */
	dir = inbound_spill_dir(c->conf);
	sp = spill_new(dir, c->conf->max_message_size, 0);
	g_free(dir);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (head_len < sizeof(head)) {
			size_t k = MIN(n, sizeof(head) - head_len);

			memcpy(head + head_len, chunk, k);
			head_len += k;
		}
		rc = spill_write(sp, chunk, n, &err);
		if (rc == SPILL_OVER) {
			log_warnx("deliver: message over max_message_size=%"
			    G_GUINT64_FORMAT ": refused",
			    (guint64)c->conf->max_message_size);
			fprintf(stderr, "vulture: message exceeds the size "
			    "limit\n");
			rc = EX_DATAERR;
			goto out;
		}
		if (rc != SPILL_OK) {
			rc = deliver_tempfail("cannot keep the message", err);
			goto out;
		}
	}
	explicit_bzero(chunk, sizeof(chunk));
	if (ferror(stdin)) {
		log_warn("deliver: reading standard input");
		rc = EX_TEMPFAIL;
		goto out;
	}
	len = spill_len(sp);
	if (!inbound_looks_like_mail(head, head_len)) {
		log_warnx("deliver: input of %zu bytes is not a mail message",
		    len);
		fprintf(stderr, "vulture: input is not a mail message\n");
		rc = EX_DATAERR;
		goto out;
	}
	if ((whole = spill_stream(sp, &err)) == NULL) {
		rc = deliver_tempfail("cannot read the message back", err);
		goto out;
	}
	/* procmail and sendmail -m add an mbox "From " line: it is the
	 * envelope, not the message, and would make the same message look
	 * different from its IMAP copy. */
	if (head_len > 5 && memcmp(head, "From ", 5) == 0) {
		const char *nl = memchr(head, '\n', head_len);

		if (nl != NULL)
			skip = (size_t)(nl - head + 1);
	}
	msg = g_mime_stream_substream(whole, (gint64)skip, (gint64)len);
	rc = store_open(c->conf->database, 0, &c->st, &err);
	if (rc == STORE_OK)
		rc = inbound_store_stream(c->st, msg, "deliver", vtime_now(),
		    &row, &dup, &err);
	if (rc != STORE_OK) {
		rc = deliver_tempfail("cannot store the message", err);
		goto out;
	}
	queue = c->conf->deliver_mode == VCONF_DELIVER_QUEUE;
	log_info("message %" G_GINT64_FORMAT " stored source=deliver bytes=%zu"
	    "%s%s", (gint64)row, len - skip, dup ? " duplicate" : "",
	    queue && !dup ? " queued" : "");
	g_object_unref(msg);
	msg = NULL;
	g_object_unref(whole);
	whole = NULL;
	spill_free(&sp);
	/* Stored: from here on every outcome is exit 0. What fails now is
	 * retried by the daemon, which processes every "new" row. */
	rc = 0;
	if (dup)
		goto out;
	if (queue) {
		deliver_hand_over(c->conf, row);
		goto out;
	}
	/* Answers need the templates and the desk key: without them the
	 * message waits, stored, for the daemon. */
	if (ctl_outbound(c) != 0) {
		log_warnx("deliver: message %" G_GINT64_FORMAT " left for "
		    "later: templates or desk key unusable", (gint64)row);
		deliver_hand_over(c->conf, row);
		goto out;
	}
	env.conf = c->conf;
	env.st = c->st;
	env.ctx = vkeys_ctx(c->keys);
	env.out = &c->out;
	env.crypto = NULL;
	if (inbound_process(&env, row, vtime_now(), &d, &err) != STORE_OK) {
		log_warnx("deliver: message %" G_GINT64_FORMAT " left for "
		    "later: %s", (gint64)row, err);
		g_free(err);
		deliver_hand_over(c->conf, row);
	}
	inbound_decision_free(&d);
out:
	if (msg != NULL)
		g_object_unref(msg);
	if (whole != NULL)
		g_object_unref(whole);
	spill_free(&sp);
	explicit_bzero(chunk, sizeof(chunk));
	explicit_bzero(head, sizeof(head));
	return rc;
}

static const char *
yn(int b)
{
	return b ? "yes" : "no";
}

static void
form_json(struct jw *w, const struct form *f)
{
	guint i;

	jw_obj_begin(w);
	jw_kstr(w, "case", f->case_id);
	if (f->request_detail >= 0)
		jw_kbool(w, "request_detail", f->request_detail);
	jw_kstr(w, "status", form_status_name(f->status));
	jw_kstr(w, "comment", f->comment);
	jw_kstr(w, "advisory_url", f->advisory_url);
	jw_kstr(w, "fix_plan", f->fix_plan);
	jw_kstr(w, "fix_date", f->fix_date);
	jw_kstr(w, "workaround_plan", f->workaround_plan);
	jw_kstr(w, "workaround_date", f->workaround_date);
	jw_kstr(w, "publication_date_request", f->pubdate_request);
	jw_kstr(w, "reason", f->reason);
	jw_key(w, "share_with");
	jw_arr_begin(w);
	for (i = 0; i < f->shares->len; i++) {
		const struct form_share *s = f->shares->pdata[i];

		jw_obj_begin(w);
		jw_kstr(w, "organisation", s->organisation);
		jw_kstr(w, "contact", s->contact);
		jw_kstr(w, "address", s->address);
		jw_kstr(w, "phone", s->phone);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "unknown_labels");
	jw_arr_begin(w);
	for (i = 0; i < f->unknown->len; i++) {
		const struct form_issue *is = f->unknown->pdata[i];

		jw_obj_begin(w);
		jw_kint(w, "line", is->line);
		jw_kstr(w, "label", is->label);
		if (is->kind == FORM_ISSUE_NOT_CONTINUED)
			jw_kstr(w, "not_part_of", form_field_name(is->field));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "errors");
	jw_arr_begin(w);
	for (i = 0; i < f->errors->len; i++) {
		const struct form_issue *is = f->errors->pdata[i];

		jw_obj_begin(w);
		jw_kint(w, "line", is->line);
		jw_kstr(w, "label", is->label);
		jw_kstr(w, "message", is->message);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	/* Quoted values a less quoted one of the same field replaced. */
	jw_key(w, "overridden");
	jw_arr_begin(w);
	for (i = 0; i < f->overridden->len; i++) {
		const struct form_issue *is = f->overridden->pdata[i];

		jw_obj_begin(w);
		jw_kint(w, "line", is->line);
		jw_kstr(w, "field", form_field_name(is->field));
		jw_kint(w, "quote", is->quote);
		jw_kstr(w, "text", is->text);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static void
inspect_json(GString *o, const struct vdec_result *r,
    const struct inbound_decision *d)
{
	struct jw w;
	guint i;

	jw_init(&w, o, 1);
	jw_obj_begin(&w);
	if (r != NULL) {
		jw_kstr(&w, "structure", r->structure->str);
		jw_kstr(&w, "shape", vdec_shape_name(r->shape));
		jw_kbool(&w, "encrypted", r->encrypted);
		jw_kbool(&w, "decrypted", r->decrypted);
		jw_kstr(&w, "decrypt_error", r->decrypt_error);
		jw_kstr(&w, "cipher", r->cipher_algo[0] ? r->cipher_algo :
		    NULL);
		jw_key(&w, "recipients");
		jw_arr_begin(&w);
		for (i = 0; i < r->recipients->len; i++)
			jw_str(&w, r->recipients->pdata[i]);
		jw_arr_end(&w);
		jw_kstr(&w, "signature", vdec_sig_name(r->sig));
		jw_kstr(&w, "verify_error", r->verify_error);
		jw_kstr(&w, "signer", r->signer_fpr[0] ? r->signer_fpr : NULL);
		jw_kint(&w, "signature_time", r->sig_time);
		jw_kstr(&w, "hash", r->n_sigs > 0 && r->hash_algo[0] ?
		    r->hash_algo : NULL);
		jw_kstr(&w, "message_id", r->message_id);
		jw_kstr(&w, "in_reply_to", r->in_reply_to);
		jw_kstr(&w, "from", r->from);
		jw_kstr(&w, "subject", r->subject);
		jw_kbool(&w, "subject_protected", r->subject_protected);
		jw_kstr(&w, "subject_outer", r->subject_outer);
		jw_key(&w, "attachments");
		jw_arr_begin(&w);
		for (i = 0; i < r->attachments->len; i++) {
			const struct vdec_attachment *a =
			    r->attachments->pdata[i];

			jw_obj_begin(&w);
			jw_kstr(&w, "filename", a->filename);
			jw_kstr(&w, "content_type", a->content_type);
			jw_kint(&w, "size", (int64_t)g_bytes_get_size(a->data));
			jw_obj_end(&w);
		}
		jw_arr_end(&w);
	}
	jw_kstr(&w, "decision", inbound_action_name(d->action));
	jw_kstr(&w, "kind", d->kind);
	jw_kstr(&w, "reason", d->reason);
	jw_kstr(&w, "case", d->case_id);
	jw_kstr(&w, "route", d->route);
	jw_kstr(&w, "vendor", d->vendor);
	if (d->form != NULL) {
		jw_key(&w, "form");
		form_json(&w, d->form);
	}
	jw_key(&w, "changes");
	jw_arr_begin(&w);
	for (i = 0; i < d->changes->len; i++)
		jw_str(&w, d->changes->pdata[i]);
	jw_arr_end(&w);
	jw_obj_end(&w);
	g_string_append_c(o, '\n');
}

static void
inspect_text(GString *o, const struct vdec_result *r,
    const struct inbound_decision *d, GTimeZone *tz)
{
	guint i;

	if (r != NULL) {
		char *t = r->sig_time ? vtime_format(r->sig_time, tz) : NULL;

		g_string_append_printf(o, "structure:\n");
		{
			gchar **lines = g_strsplit(r->structure->str, "\n", -1);

			for (i = 0; lines[i] != NULL; i++)
				if (lines[i][0] != '\0')
					g_string_append_printf(o, "  %s\n",
					    lines[i]);
			g_strfreev(lines);
		}
		g_string_append_printf(o, "shape:       %s\n",
		    vdec_shape_name(r->shape));
		g_string_append_printf(o, "encrypted:   %s, decrypted: %s%s%s\n",
		    yn(r->encrypted), yn(r->decrypted),
		    r->decrypt_error ? " — " : "",
		    r->decrypt_error ? r->decrypt_error : "");
		if (r->cipher_algo[0] != '\0')
			g_string_append_printf(o, "cipher:      %s\n",
			    r->cipher_algo);
		/* Every key the message was encrypted to, the desk's or
		 * not: who else can read the reply. */
		for (i = 0; i < r->recipients->len; i++)
			g_string_append_printf(o, "recipient:   %s\n",
			    (char *)r->recipients->pdata[i]);
		g_string_append_printf(o, "signature:   %s%s%s\n",
		    vdec_sig_name(r->sig), r->verify_error ? " — " : "",
		    r->verify_error ? r->verify_error : "");
		if (r->n_sigs > 0 && r->hash_algo[0] != '\0')
			g_string_append_printf(o, "hash:        %s\n",
			    r->hash_algo);
		if (r->signer_fpr[0] != '\0')
			g_string_append_printf(o, "signer:      %s%s%s\n",
			    r->signer_fpr, t ? ", signed " : "", t ? t : "");
		g_free(t);
		g_string_append_printf(o, "message-id:  %s\n",
		    r->message_id ? r->message_id : "(none)");
		if (r->from != NULL)
			g_string_append_printf(o, "from:        %s\n",
			    r->from);
		if (r->in_reply_to != NULL)
			g_string_append_printf(o, "in-reply-to: %s\n",
			    r->in_reply_to);
		g_string_append_printf(o, "subject:     %s%s\n",
		    r->subject ? r->subject : "(none)",
		    r->subject_protected ? " (protected)" : "");
		for (i = 0; i < r->attachments->len; i++) {
			const struct vdec_attachment *a =
			    r->attachments->pdata[i];

			g_string_append_printf(o, "attachment:  %s (%s, %zu "
			    "bytes)\n", a->filename ? a->filename : "(unnamed)",
			    a->content_type, g_bytes_get_size(a->data));
		}
	}
	if (d->vendor != NULL)
		g_string_append_printf(o, "vendor:      %s\n", d->vendor);
	if (d->case_id != NULL)
		g_string_append_printf(o, "case:        %s%s%s%s\n", d->case_id,
		    d->route ? " (by " : "", d->route ? d->route : "",
		    d->route ? ")" : "");
	if (d->form != NULL) {
		const struct form *f = d->form;

		g_string_append_printf(o, "form:        %u field%s\n",
		    f->n_fields, f->n_fields == 1 ? "" : "s");
		for (i = 0; i < f->unknown->len; i++) {
			const struct form_issue *is = f->unknown->pdata[i];

			if (is->kind == FORM_ISSUE_NOT_CONTINUED)
				g_string_append_printf(o, "  line %u: not part "
				    "of %s (not indented): '%s'\n", is->line,
				    form_field_name(is->field), is->label);
			else
				g_string_append_printf(o, "  line %u: unknown "
				    "label '%s'\n", is->line, is->label);
		}
		for (i = 0; i < f->errors->len; i++) {
			const struct form_issue *is = f->errors->pdata[i];

			g_string_append_printf(o, "  line %u: %s\n", is->line,
			    is->message);
		}
		for (i = 0; i < f->overridden->len; i++) {
			const struct form_issue *is = f->overridden->pdata[i];

			g_string_append_printf(o, "  line %u: quoted, not "
			    "used (a less quoted %s wins): '%s'\n", is->line,
			    form_field_name(is->field), is->text);
		}
	}
	g_string_append_printf(o, "decision:    %s (%s): %s\n",
	    inbound_action_name(d->action), d->kind, d->reason);
	for (i = 0; i < d->changes->len; i++)
		g_string_append_printf(o, "  change: %s\n",
		    (char *)d->changes->pdata[i]);
}

static int
print_decision(struct ctl *c, GMimeStream *raw)
{
	struct inbound_env env = { c->conf, c->st, vkeys_ctx(c->keys), NULL,
	    NULL, NULL };
	struct inbound_decision *d = NULL;
	struct vdec_result *r = NULL;
	struct outbound out;
	GPtrArray *nerr = g_ptr_array_new_with_free_func(g_free);
	GString *o = g_string_new(NULL);
	char *err = NULL;
	int rc;

	/* The reply form as the desk sends it, so that a quoted form reads
	 * as deliver reads it (only the templates: nothing is sent). */
	if (c->notices == NULL && notices_load(c->conf->templates_dir,
	    &c->notices, nerr) == -1)
		c->notices = NULL;
	g_ptr_array_unref(nerr);
	memset(&out, 0, sizeof(out));
	out.conf = c->conf;
	out.st = c->st;
	out.notices = c->notices;
	if (c->notices != NULL)
		env.out = &out;
	rc = inbound_decide_stream(&env, raw, vtime_now(), &r, &d, &err);
	if (rc != STORE_OK) {
		g_string_free(o, TRUE);
		return ctl_store_fail(rc, err);
	}
	if (c->json)
		inspect_json(o, r, d);
	else
		inspect_text(o, r, d, c->conf->tz);
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	vdec_result_free(&r);
	inbound_decision_free(&d);
	return 0;
}

static int
inspect_cmd(struct ctl *c, int argc, char **argv)
{
	GMimeStream *view;
	char *raw = NULL;
	size_t len;
	int rc;

	if (argc != 2)
		return ctl_usage("inspect: FILE|-");
	if ((rc = ctl_load(c, 1, 1)) != 0)
		return rc;
	if ((rc = ctl_read_input(argv[1], c->conf->max_message_size, &raw,
	    &len)) != 0)
		return rc;
	if (!inbound_looks_like_mail(raw, len)) {
		g_free(raw);
		return ctl_fail("%s: not a mail message", argv[1]);
	}
	view = spill_view(raw, len);
	rc = print_decision(c, view);
	spill_view_release(view);
	explicit_bzero(raw, len);
	g_free(raw);
	return rc;
}

static int
quarantine_list(struct ctl *c)
{
	GPtrArray *list = NULL;
	GString *o;
	struct jw w;
	char *err = NULL;
	guint i;
	int rc;

	if ((rc = msgstore_quarantine_list(c->st, &list, &err)) != STORE_OK)
		return ctl_store_fail(rc, err);
	o = g_string_new(NULL);
	jw_init(&w, o, 1);
	if (c->json)
		jw_arr_begin(&w);
	for (i = 0; i < list->len; i++) {
		const struct msgstore_quarantined *q = list->pdata[i];
		char *at = vtime_format(q->received, c->conf->tz);

		if (c->json) {
			jw_obj_begin(&w);
			jw_kint(&w, "id", q->id);
			jw_kstr(&w, "received", at);
			jw_kstr(&w, "state", "quarantined");
			jw_kstr(&w, "kind", q->kind);
			jw_kstr(&w, "reason", q->reason);
			jw_kstr(&w, "case", q->case_id);
			jw_kstr(&w, "vendor", q->vendor);
			jw_kstr(&w, "signer", q->signer);
			jw_kstr(&w, "message_id", q->message_id);
			jw_kint(&w, "size", q->size);
			jw_obj_end(&w);
		} else
			g_string_append_printf(o, "%-5lld %s %-16s %s\n",
			    (long long)q->id, at, q->kind ? q->kind : "?",
			    q->reason ? q->reason : "");
		g_free(at);
	}
	g_ptr_array_unref(list);
	if (c->json) {
		jw_arr_end(&w);
		g_string_append_c(o, '\n');
	}
	ctl_print(stdout, o->str);
	g_string_free(o, TRUE);
	return 0;
}

static int
load_raw(struct ctl *c, int64_t row, const char *state, struct spill **sp_r)
{
	char *dir, *err = NULL, *now_state = NULL;
	int rc;

	rc = msgstore_state(c->st, row, &now_state, &err);
	if (rc == STORE_NOTFOUND) {
		g_free(err);
		return ctl_fail("no message %lld", (long long)row);
	}
	if (rc != STORE_OK)
		return ctl_store_fail(rc, err);
	if (state != NULL && strcmp(now_state, state) != 0) {
		rc = ctl_fail("message %lld is %s, not %s", (long long)row,
		    now_state, state);
		g_free(now_state);
		return rc;
	}
	g_free(now_state);
	dir = inbound_spill_dir(c->conf);
	rc = inbound_load(c->st, row, dir, sp_r, &err);
	g_free(dir);
	return rc == STORE_OK ? 0 : ctl_store_fail(rc, err);
}

static int
quarantine_cmd(struct ctl *c, int argc, char **argv)
{
	struct inbound_env env;
	struct inbound_decision *d = NULL;
	struct spill *sp = NULL;
	GMimeStream *raw;
	char *err = NULL;
	int64_t row;
	int rc;

	if (argc < 2)
		return ctl_usage("quarantine: list | show ID | retry ID");
	if (strcmp(argv[1], "list") == 0) {
		if (argc != 2)
			return ctl_usage("quarantine list takes no arguments");
		if ((rc = ctl_load(c, 1, 0)) != 0)
			return rc;
		return quarantine_list(c);
	}
	if (strcmp(argv[1], "show") != 0 && strcmp(argv[1], "retry") != 0)
		return ctl_usage("quarantine: unknown subcommand '%s'",
		    argv[1]);
	if (argc != 3)
		return ctl_usage("quarantine %s: ID", argv[1]);
	if (ctl_parse_id(argv[2], &row) == -1)
		return ctl_fail("'%s' is not a message number", argv[2]);
	if ((rc = ctl_outbound(c)) != 0)
		return rc;
	if (strcmp(argv[1], "show") == 0) {
		if ((rc = load_raw(c, row, "quarantined", &sp)) != 0)
			return rc;
		if ((raw = spill_stream(sp, &err)) == NULL) {
			spill_free(&sp);
			return ctl_store_fail(STORE_TEMP, err);
		}
		rc = print_decision(c, raw);
		g_object_unref(raw);
		spill_free(&sp);
		return rc;
	}
	/* retry: back to "new", then processed like a fresh delivery;
	 * signatures are verified again from the stored original. */
	if ((rc = store_begin(c->st, &err)) != STORE_OK ||
	    (rc = msgstore_requeue(c->st, row, &err)) != STORE_OK ||
	    (rc = store_commit(c->st, &err)) != STORE_OK) {
		store_rollback(c->st);
		return ctl_store_fail(rc, err);
	}
	env.conf = c->conf;
	env.st = c->st;
	env.ctx = vkeys_ctx(c->keys);
	env.out = &c->out;
	env.crypto = NULL;
	if ((rc = inbound_process(&env, row, vtime_now(), &d, &err)) !=
	    STORE_OK) {
		/* Back to "new" already: the daemon takes it up. */
		(void)wake_daemon(c->conf, NULL);
		return ctl_store_fail(rc, err);
	}
	ctl_printf("message %lld: %s (%s): %s\n", (long long)row,
	    inbound_action_name(d->action), d->kind, d->reason);
	inbound_decision_free(&d);
	return 0;
}

int
ctl_inbound(struct ctl *c, int argc, char **argv)
{
	if (strcmp(argv[0], "deliver") == 0)
		return deliver_cmd(c, argc, argv);
	if (strcmp(argv[0], "inspect") == 0)
		return inspect_cmd(c, argc, argv);
	return quarantine_cmd(c, argc, argv);
}
