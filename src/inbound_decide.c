/*
 * inbound_decide.c: what a decoded message is and what it may change
 * (a vendor reply, a coordinator's commands, a registration, or a
 * quarantine with a reason). Reads the database, changes nothing.
 */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/cmdrun.h"
#include "vulture/ids.h"
#include "vulture/inbound.h"
#include "vulture/policy.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"

#include "inbound_p.h"

static int
is_auto_reply(const struct vdec_result *r, const char *desk, char **why)
{
	if (r->auto_submitted != NULL &&
	    g_ascii_strcasecmp(g_strstrip(r->auto_submitted), "no") != 0) {
		*why = g_strdup_printf("Auto-Submitted: %s", r->auto_submitted);
		return 1;
	}
	if (r->precedence != NULL &&
	    (g_ascii_strcasecmp(r->precedence, "bulk") == 0 ||
	    g_ascii_strcasecmp(r->precedence, "junk") == 0 ||
	    g_ascii_strcasecmp(r->precedence, "list") == 0)) {
		*why = g_strdup_printf("Precedence: %s", r->precedence);
		return 1;
	}
	if (r->return_path != NULL && (strcmp(r->return_path, "<>") == 0 ||
	    strcmp(r->return_path, "") == 0)) {
		*why = g_strdup("null Return-Path (a bounce)");
		return 1;
	}
	if (r->from_addr != NULL && g_ascii_strncasecmp(r->from_addr,
	    "mailer-daemon@", 14) == 0) {
		*why = g_strdup("From MAILER-DAEMON (a bounce)");
		return 1;
	}
	if (r->loop != NULL && strstr(r->loop, desk) != NULL) {
		*why = g_strdup("our own loop header");
		return 1;
	}
	if (r->list_id != NULL) {
		*why = g_strdup_printf("List-Id: %s", r->list_id);
		return 1;
	}
	return 0;
}

/* The first case id in text (either format) that names an open case. */
static int
embargoed_case(const struct inbound_env *env, const char *text,
    char **id_r, char **error_r)
{
	const char *fmts[2] = { env->conf->id_format,
	    env->conf->single_vendor_id_format };
	int f, rc;
	guint i;

	*id_r = NULL;
	for (f = 0; f < 2 && text != NULL; f++) {
		GPtrArray *ids = ids_find_all(fmts[f], text);

		for (i = 0; i < ids->len && *id_r == NULL; i++) {
			struct vcase *c = NULL;

			rc = vcase_get(env->st, ids->pdata[i], &c, error_r);
			if (rc == STORE_OK && strcmp(c->state, "open") == 0)
				*id_r = g_strdup(c->id);
			vcase_free(&c);
			if (rc != STORE_OK && rc != STORE_NOTFOUND) {
				g_ptr_array_unref(ids);
				return rc;
			}
			if (rc == STORE_NOTFOUND) {
				g_free(*error_r);
				*error_r = NULL;
			}
		}
		g_ptr_array_unref(ids);
	}
	return STORE_OK;
}

static int route_by_reference(const struct inbound_env *,
    const struct vdec_result *, char **, int64_t *, char **);

/* A clear-text message that answers one of our messages about an open
 * case, or that names an open case's title: *id_r that case. */
static int
clear_reference(const struct inbound_env *env, const struct vdec_result *r,
    const char *text, char **id_r, char **error_r)
{
	sqlite3_stmt *s;
	char *ref = NULL, *low = NULL;
	int64_t vendor = 0;
	int rc;

	*id_r = NULL;
	if ((rc = route_by_reference(env, r, &ref, &vendor, error_r)) !=
	    STORE_OK)
		return rc;
	s = store_stmt(env->st, "SELECT id, title FROM cases WHERE state = "
	    "'open' AND (id = ? OR length(title) >= 16)");
	if (s == NULL) {
		g_free(ref);
		return store_error(env->st, "leak check", error_r);
	}
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_TRANSIENT);
	while (*id_r == NULL && sqlite3_step(s) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *title = (const char *)sqlite3_column_text(s, 1);
		char *lt;

		if (ref != NULL && strcmp(id, ref) == 0) {
			*id_r = g_strdup(id);
			break;
		}
		if (low == NULL)
			low = g_utf8_casefold(text, -1);
		lt = g_utf8_casefold(title, -1);
		if (strstr(low, lt) != NULL)
			*id_r = g_strdup(id);
		g_free(lt);
	}
	sqlite3_reset(s);
	g_free(ref);
	g_free(low);
	return STORE_OK;
}

char *
inbound_find_id(const struct vconf *conf, const char *text)
{
	char *id;

	if (text == NULL)
		return NULL;
	if ((id = ids_find(conf->id_format, text)) != NULL)
		return id;
	return ids_find(conf->single_vendor_id_format, text);
}

/* A message we sent, named by In-Reply-To or References. */
static int
route_by_reference(const struct inbound_env *env,
    const struct vdec_result *r, char **case_r, int64_t *vendor_r,
    char **error_r)
{
	GPtrArray *refs = g_ptr_array_new();
	sqlite3_stmt *s;
	guint i;
	int rc = STORE_OK;

	*case_r = NULL;
	*vendor_r = 0;
	if (r->in_reply_to != NULL)
		g_ptr_array_add(refs, r->in_reply_to);
	/* Newest reference first: it is the message being answered. */
	for (i = r->references != NULL ? r->references->len : 0; i > 0; i--)
		g_ptr_array_add(refs, r->references->pdata[i - 1]);
	for (i = 0; i < refs->len && *case_r == NULL; i++) {
		s = store_stmt(env->st, "SELECT case_id, vendor_id FROM outbox "
		    "WHERE message_id = ? AND case_id IS NOT NULL");
		if (s == NULL) {
			rc = store_error(env->st, "route", error_r);
			break;
		}
		sqlite3_bind_text(s, 1, refs->pdata[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*case_r = store_col_text(s, 0);
			*vendor_r = sqlite3_column_int64(s, 1);
		}
		sqlite3_reset(s);
	}
	g_ptr_array_unref(refs);
	return rc;
}

int
inbound_is_coordinator(const struct vconf *conf, const char *fpr)
{
	char **c;

	for (c = conf->coordinators; c != NULL && *c != NULL; c++)
		if (strcmp(*c, fpr) == 0)
			return 1;
	return 0;
}

/* A good signature by a key [coordinators] lists, encrypted or not. */
int
inbound_coordinator_signed(const struct inbound_env *env,
    const struct vdec_result *r)
{
	return r != NULL && r->sig == VDEC_SIG_GOOD && r->sig_time != 0 &&
	    r->signed_hash[0] != '\0' && inbound_is_coordinator(env->conf,
	    r->signer_fpr);
}

static const char *
sig_kind(enum vdec_sig s)
{
	switch (s) {
	case VDEC_SIG_NONE: return "unsigned";
	case VDEC_SIG_GOOD: return "good";
	case VDEC_SIG_BAD: return "bad-signature";
	case VDEC_SIG_KEY_MISSING: return "unknown-key";
	case VDEC_SIG_KEY_EXPIRED: return "expired-key";
	case VDEC_SIG_KEY_REVOKED: return "revoked-key";
	case VDEC_SIG_SIG_EXPIRED: return "expired-signature";
	case VDEC_SIG_ERROR: return "signature-error";
	}
	return "signature-error";
}

static void
form_summary(struct inbound_decision *d, GTimeZone *tz)
{
	const struct form *f = d->form;
	guint i;

	(void)tz;
	if (f->request_detail == 1)
		g_ptr_array_add(d->changes, g_strdup("request detail"));
	if (f->status != FORM_STATUS_NONE)
		g_ptr_array_add(d->changes, g_strdup_printf("status %s",
		    form_status_name(f->status)));
	if (f->comment != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("comment (%zu "
		    "bytes)", strlen(f->comment)));
	if (f->advisory_url != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("advisory URL %s",
		    f->advisory_url));
	if (f->fix_date != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("fix date %s",
		    f->fix_date));
	if (f->fix_plan != NULL)
		g_ptr_array_add(d->changes, g_strdup("fix plan"));
	if (f->workaround_date != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("workaround date "
		    "%s", f->workaround_date));
	if (f->workaround_plan != NULL)
		g_ptr_array_add(d->changes, g_strdup("workaround plan"));
	if (f->pubdate_request != NULL) {
		/* Echoed as read: a date without an offset is the desk's
		 * time zone, which the vendor may not share. */
		int64_t t;
		char *as = vtime_parse(f->pubdate_request, tz,
		    INBOUND_DEFAULT_HOUR, 0, &t) == 0 ? vtime_format(t, tz) :
		    NULL;

		g_ptr_array_add(d->changes, g_strdup_printf("publication date "
		    "request %s%s%s%s", f->pubdate_request, as != NULL ?
		    " (read as " : "", as != NULL ? as : "", as != NULL ?
		    ")" : ""));
		g_free(as);
	}
	for (i = 0; i < f->shares->len; i++) {
		const struct form_share *sh = f->shares->pdata[i];

		g_ptr_array_add(d->changes, g_strdup_printf("share with %s "
		    "<%s>", sh->organisation, sh->address));
	}
	if (f->share_key != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("vouch for the "
		    "invited organisation's key %s", f->share_key));
}

/*
 * Replies are applied in the order they were signed, each signed reply
 * once (sql/003-reply-order.sql). NULL when r may be applied to the
 * participant (case_id, vendor_id); else why not, for a quarantine "stale"
 * or "duplicate" (*kind_r) and the vendor's answer. Checked when deciding
 * (for inspect) and again in the transaction that applies, where it
 * counts: the decoder decides one message ahead.
 */
char *
inbound_reply_order(const struct inbound_env *env,
    const struct vdec_result *r, const char *case_id, int64_t vendor_id,
    const char **kind_r, int *rc_r)
{
	sqlite3_stmt *s;
	int64_t last = 0;
	char *t, *tl, *why;
	int seen, found;

	*rc_r = STORE_OK;
	if (r == NULL || r->sig_time == 0)
		return NULL;
	s = store_stmt(env->st, "SELECT 1 FROM seen_replies WHERE signer = ? "
	    "AND sig_time = ? AND data_hash = ?");
	if (s == NULL) {
		*rc_r = STORE_ERR;
		return NULL;
	}
	sqlite3_bind_text(s, 1, r->signer_fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, r->sig_time);
	sqlite3_bind_text(s, 3, r->signed_hash, -1, SQLITE_TRANSIENT);
	seen = sqlite3_step(s);
	sqlite3_reset(s);
	if (seen != SQLITE_ROW && seen != SQLITE_DONE) {
		/* Not known is not "not seen": the message waits. */
		*rc_r = STORE_ERR;
		return NULL;
	}
	seen = seen == SQLITE_ROW;
	t = vtime_format(r->sig_time, env->conf->tz);
	if (seen) {
		*kind_r = "duplicate";
		why = g_strdup_printf("this signed reply (signed %s) was "
		    "already recorded; nothing changed", t ? t : "?");
		g_free(t);
		return why;
	}
	s = store_stmt(env->st, "SELECT last_reply_signed FROM participants "
	    "WHERE case_id = ? AND vendor_id = ? AND last_reply_signed IS "
	    "NOT NULL");
	if (s == NULL) {
		g_free(t);
		*rc_r = STORE_ERR;
		return NULL;
	}
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, vendor_id);
	found = sqlite3_step(s);
	if (found == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (found != SQLITE_ROW && found != SQLITE_DONE) {
		g_free(t);
		*rc_r = STORE_ERR;
		return NULL;
	}
	found = found == SQLITE_ROW;
	if (!found || r->sig_time >= last) {
		g_free(t);
		return NULL;
	}
	tl = vtime_format(last, env->conf->tz);
	*kind_r = "stale";
	why = g_strdup_printf("this reply was signed %s, before the reply "
	    "signed %s that is already recorded; nothing changed (send it "
	    "again if it still holds)", t ? t : "?", tl ? tl : "?");
	g_free(t);
	g_free(tl);
	return why;
}

/* The case ids in the signed text (a quoted notice): how many distinct
 * ones, the one in *id_r when exactly one. */
static unsigned
signed_text_case(const struct vconf *conf, const char *text, char **id_r)
{
	const char *fmts[2] = { conf->id_format,
	    conf->single_vendor_id_format };
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	unsigned n;
	guint i, j;
	int f;

	*id_r = NULL;
	for (f = 0; f < 2 && text != NULL; f++) {
		GPtrArray *ids = ids_find_all(fmts[f], text);

		for (i = 0; i < ids->len; i++) {
			for (j = 0; j < seen->len; j++)
				if (strcmp(seen->pdata[j], ids->pdata[i]) == 0)
					break;
			if (j == seen->len)
				g_ptr_array_add(seen, g_strdup(ids->pdata[i]));
		}
		g_ptr_array_unref(ids);
	}
	n = seen->len;
	if (n == 1)
		*id_r = g_strdup(seen->pdata[0]);
	g_ptr_array_unref(seen);
	return n;
}

/* Rule 7: NULL, or the refusal of a reply signed before first (less the
 * allowed skew) or ahead of now by more than max_clock_skew. */
static struct inbound_decision *
signature_time_refusal(const struct vconf *conf, const struct vdec_result *r,
    int64_t first, int64_t now)
{
	struct inbound_decision *d = NULL;
	char *t, *f;

	if (r->sig_time == 0)
		return NULL;
	t = vtime_format(r->sig_time, conf->tz);
	if (r->sig_time > now + conf->max_clock_skew)
		d = QUARANTINE("future-signature", "this reply was signed %s, "
		    "ahead of our clock by more than %lld minutes: nothing was "
		    "recorded (check your computer's clock and send it again)",
		    t ? t : "?", (long long)(conf->max_clock_skew / 60));
	else if (first != 0 && r->sig_time < first - conf->max_clock_skew) {
		f = vtime_format(first, conf->tz);
		d = QUARANTINE("before-notice", "this reply was signed %s, "
		    "before we first wrote to you about this case (%s): it "
		    "cannot be about it, and nothing was recorded", t ? t :
		    "?", f ? f : "?");
		g_free(f);
	}
	g_free(t);
	return d;
}

/* The vendor-reply half of the decision: signer, vendor, case, form. */
static int
decide_reply(const struct inbound_env *env, const struct vdec_result *r,
    int64_t now, struct inbound_decision **d_r, char **error_r)
{
	const struct vconf *conf = env->conf;
	struct vendor *v = NULL;
	struct vcase *c = NULL;
	struct form *form = NULL;
	struct inbound_decision *d = NULL;
	char *case_id = NULL, *route = NULL, *err = NULL, *ref_case = NULL;
	const char *ferr = NULL, *kind = NULL;
	int64_t ref_vendor = 0, pub, contact_id = 0;
	guint i;
	int rc;

	(void)now;
	rc = vendor_by_fingerprint(env->st, r->signer_fpr, &v, &contact_id,
	    &err);
	if (rc == STORE_NOTFOUND) {
		g_free(err);
		*d_r = QUARANTINE("unknown-key", "signed by key %s, which is "
		    "not pinned to any vendor contact", r->signer_fpr);
		return STORE_OK;
	}
	if (rc != STORE_OK) {
		*error_r = err;
		return rc;
	}
	if (strcmp(v->state, "suspended") == 0) {
		d = QUARANTINE("vendor-suspended", "vendor %s is suspended",
		    v->handle);
		goto done;
	}
	if ((err = policy_refusal(conf, r)) != NULL) {
		/* [policy]: the vendor is told which algorithm and what to
		 * use instead. */
		d = inbound_decision_new(INBOUND_QUARANTINE, "weak-algorithm",
		    err);
		err = NULL;
		goto done;
	}
	if (strcmp(v->state, "registered") != 0) {
		/* Rule 9: held until a coordinator has confirmed the key and
		 * approved the vendor (vendor approve processes it then). */
		d = QUARANTINE("pending-vendor", "vendor %s is %s: its "
		    "statements are held until a coordinator approves it",
		    v->handle, v->state);
		goto done;
	}
	if (form_parse(r->text != NULL ? r->text : "", r->text_len, &form,
	    &ferr) == -1) {
		d = QUARANTINE("bad-form", "the reply form was refused: %s",
		    ferr);
		goto done;
	}

	/* A key signed by the contact's pinned key and no form: the vendor
	 * proposes a key change (a new key, new subkeys, a new expiry). */
	if (inbound_key_attachment(r) != NULL && (form->n_fields == 0 ||
	    (form->n_fields == 1 && form->case_id != NULL))) {
		d = inbound_decision_new(INBOUND_REGISTER, "key-change",
		    g_strdup_printf("vendor %s proposes a key change",
		    v->handle));
		goto done;
	}
	/* The case: protected Subject or Case: line, Subject tag, then a
	 * message of ours it answers. */
	if (r->subject_protected &&
	    (case_id = inbound_find_id(conf, r->subject)))
		route = g_strdup("protected Subject");
	if (form->case_id != NULL) {
		char *fid = inbound_find_id(conf, form->case_id);

		if (fid == NULL || strlen(fid) != strlen(form->case_id)) {
			d = QUARANTINE("bad-form", "Case: '%s' is not a case "
			    "id", form->case_id);
			g_free(fid);
			goto done;
		}
		if (case_id != NULL && strcmp(case_id, fid) != 0) {
			d = QUARANTINE("case-mismatch", "the protected "
			    "Subject names %s but the form says Case: %s",
			    case_id, fid);
			g_free(fid);
			goto done;
		}
		if (case_id == NULL) {
			case_id = fid;
			route = g_strdup("Case: line");
		} else
			g_free(fid);
	}
	/* Rule 6: the quoted notice, inside the signed text, names it. */
	if (case_id == NULL) {
		char *q = NULL;

		if (signed_text_case(conf, r->text, &q) > 1) {
			d = QUARANTINE("no-case", "the signed text names several "
			    "cases and has no Case: line: add the line 'Case: "
			    "ID' to say which one");
			goto done;
		}
		if ((case_id = q) != NULL)
			route = g_strdup("quoted notice");
	}
	if ((rc = route_by_reference(env, r, &ref_case, &ref_vendor,
	    error_r)) != STORE_OK)
		goto fail;
	if (case_id == NULL) {
		/* The outer Subject and In-Reply-To are not signed: anyone
		 * on the way can rewrite them. A hint, never a route. */
		char *hint = inbound_find_id(conf, r->subject_outer);

		if (hint == NULL && ref_case != NULL)
			hint = g_strdup(ref_case);
		if (hint != NULL)
			d = QUARANTINE("case-unsigned", "the case id %s is only "
			    "in the unsigned headers (Subject or In-Reply-To), "
			    "which anyone on the way can change; nothing was "
			    "recorded. Put the line 'Case: %s' in the signed "
			    "reply (or keep the quoted notice)", hint, hint);
		else
			d = QUARANTINE("no-case", "no case id in the signed "
			    "reply: add the line 'Case: ID' (or keep the "
			    "quoted notice)");
		g_free(hint);
		goto done;
	}
	rc = vcase_get(env->st, case_id, &c, &err);
	if (rc == STORE_NOTFOUND) {
		g_free(err);
		d = QUARANTINE("unknown-case", "%s is not a case you take part "
		    "in", case_id);
		goto done;
	}
	if (rc != STORE_OK) {
		*error_r = err;
		goto fail;
	}
	for (i = 0; i < c->participants->len; i++)
		if (strcmp(((struct participant *)c->participants->pdata[i])
		    ->handle, v->handle) == 0)
			break;
	if (i == c->participants->len) {
		/* Worded as for a case that does not exist: a stranger
		 * learns nothing of which ids are real. */
		d = QUARANTINE("not-participant", "%s is not a case you take "
		    "part in", case_id);
		goto done;
	}
	/* Rule 7: a reply cannot predate its vendor's first notice, nor be
	 * dated ahead of our clock. */
	{
		const struct participant *pt = c->participants->pdata[i];
		int64_t first = pt->first_attempt != 0 ? pt->first_attempt :
		    pt->added;

		if ((d = signature_time_refusal(conf, r, first, now)) !=
		    NULL)
			goto done;
	}
	/* Vendor A answering a notice we sent to vendor B. */
	if (ref_case != NULL && strcmp(ref_case, case_id) == 0 &&
	    ref_vendor != 0 && ref_vendor != v->id) {
		d = QUARANTINE("wrong-vendor", "signed by %s but answers a "
		    "message sent to another vendor", v->handle);
		goto done;
	}
	if (form->errors->len > 0) {
		GString *s = g_string_new(NULL);

		for (i = 0; i < form->errors->len; i++) {
			const struct form_issue *is = form->errors->pdata[i];

			g_string_append_printf(s, "%sline %u: %s",
			    i ? "; " : "", is->line, is->message);
		}
		d = inbound_decision_new(INBOUND_QUARANTINE, "bad-form",
		    g_strdup_printf("the reply form has errors, nothing was "
		    "recorded: %s", s->str));
		g_string_free(s, TRUE);
		goto done;
	}
	if (form->pubdate_request != NULL && vtime_parse(form->pubdate_request,
	    conf->tz, INBOUND_DEFAULT_HOUR, 0, &pub) == -1) {
		d = QUARANTINE("bad-form", "Publication-Date-Request %s is not "
		    "a date", form->pubdate_request);
		goto done;
	}
	if (form->n_fields == 0 || (form->n_fields == 1 &&
	    form->case_id != NULL)) {
		d = QUARANTINE("empty-form", "no reply-form field was filled "
		    "in");
		goto done;
	}
	if ((err = inbound_reply_order(env, r, case_id, v->id, &kind,
	    &rc)) != NULL) {
		d = inbound_decision_new(INBOUND_QUARANTINE, kind, err);
		err = NULL;
		goto done;
	}
	if (rc != STORE_OK) {
		rc = store_error(env->st, "reply order", error_r);
		goto fail;
	}
	d = inbound_decision_new(INBOUND_APPLY, "applied",
	    g_strdup_printf("reply from %s to %s", v->handle, case_id));
	d->form = form;
	form = NULL;
	form_summary(d, conf->tz);
done:
	d->case_id = case_id;
	case_id = NULL;
	d->route = route;
	route = NULL;
	d->vendor = g_strdup(v->handle);
	d->vendor_id = v->id;
	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *ct = v->contacts->pdata[i];

		if (ct->id == contact_id) {
			d->contact = g_strdup(ct->address);
			d->contact_fpr = g_strdup(ct->fingerprint);
		}
	}
	if (d->form == NULL)
		d->form = form;
	else
		form_free(&form);
	form = NULL;
	*d_r = d;
	rc = STORE_OK;
fail:
	form_free(&form);
	g_free(case_id);
	g_free(route);
	g_free(ref_case);
	vcase_free(&c);
	vendor_free(&v);
	return rc;
}

/* 1 if the address list (a header's value) holds address itself, not
 * merely a string containing it. */
static int
list_has_address(const char *list, const char *address)
{
	InternetAddressList *l;
	int i, n, found = 0;

	if (list == NULL || address == NULL)
		return 0;
	if ((l = internet_address_list_parse(NULL, list)) == NULL)
		return 0;
	n = internet_address_list_length(l);
	for (i = 0; i < n && !found; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *a;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		found = a != NULL && g_ascii_strcasecmp(a, address) == 0;
	}
	g_object_unref(l);
	return found;
}

/*
 * Rule 6: a block runs only where its signed content says it may. The
 * protected To (decode keeps only signed protected headers) or a "desk"
 * line before the first command must name this desk; the outer To is
 * whatever the sender of the envelope wrote.
 */
static int
names_desk(const struct vdec_result *r, const struct cmd_block *b,
    const char *desk)
{
	if (b != NULL && b->desk != NULL)
		return g_ascii_strcasecmp(b->desk, desk) == 0;
	return list_has_address(r->to_prot, desk);
}

/* 1 if this verified coordinator signature was seen before; -1 on error. */
int
inbound_command_seen(const struct inbound_env *env,
    const struct vdec_result *r)
{
	sqlite3_stmt *s = store_stmt(env->st, "SELECT 1 FROM seen_commands "
	    "WHERE signer = ? AND sig_time = ? AND data_hash = ?");
	int step;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, r->signer_fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, r->sig_time);
	sqlite3_bind_text(s, 3, r->signed_hash, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return -1;
	return step == SQLITE_ROW;
}

/* A coordinator's block: authenticated by the caller (encrypted, good
 * signature by a listed fingerprint); here the replay rules. */
static int
decide_command(const struct inbound_env *env, const struct vdec_result *r,
    int64_t now, struct inbound_decision **d_r, char **error_r)
{
	const struct vconf *conf = env->conf;
	struct inbound_decision *d;
	const char *perr = NULL;
	int seen;

	if (r->sig_time == 0 || r->sig_time < now - conf->command_max_age ||
	    r->sig_time > now + conf->max_clock_skew) {
		char *t = vtime_format(r->sig_time, conf->tz);

		*d_r = QUARANTINE("replay", "the signature was made %s, outside "
		    "command_max_age (or ahead of our clock by more than "
		    "max_clock_skew): nothing was run", t ? t : "(no time)");
		g_free(t);
		return STORE_OK;
	}
	if ((seen = inbound_command_seen(env, r)) < 0)
		return store_error(env->st, "seen commands", error_r);
	if (seen) {
		*d_r = QUARANTINE("replay", "this signed block was seen before "
		    "(run, or refused): nothing was run");
		return STORE_OK;
	}
	d = inbound_decision_new(INBOUND_COMMAND, "command",
	    g_strdup_printf("commands signed by coordinator %s",
	    r->signer_fpr));
	if (cmd_parse(r->text ? r->text : "", r->text_len, cmdrun_is_case_id,
	    (void *)conf, &d->block, &perr) == -1) {
		inbound_decision_free(&d);
		*d_r = QUARANTINE("bad-command", "the command block was "
		    "refused: %s", perr);
		return STORE_OK;
	}
	if (!names_desk(r, d->block, conf->address)) {
		const char *other = d->block->desk;

		inbound_decision_free(&d);
		if (other != NULL)
			*d_r = QUARANTINE("not-to-desk", "the signed block names "
			    "the desk %s, not %s: nothing was run", other,
			    conf->address);
		else
			*d_r = QUARANTINE("not-to-desk", "the signed block does "
			    "not name this desk, so it could have been meant "
			    "for another: nothing was run. Put the line 'desk "
			    "%s' before the first command, or send it with "
			    "protected headers (a To inside the signed part "
			    "that includes %s)", conf->address, conf->address);
		return STORE_OK;
	}
	*d_r = d;
	return STORE_OK;
}

int
inbound_decide(const struct inbound_env *env, const char *raw, size_t len,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r)
{
	GMimeStream *s = spill_view(raw, len);
	int rc;

	rc = inbound_decide_stream(env, s, now, dec_r, d_r, error_r);
	spill_view_release(s);
	return rc;
}

int
inbound_decide_stream(const struct inbound_env *env, GMimeStream *raw,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r)
{
	struct vdec_limits lim;
	struct vdec_result *r = NULL;
	struct vcrypto here = { &vdec_gpgme_ops, env->ctx };
	const char *derr = NULL;
	char *why = NULL, *leak = NULL, *dir;
	int rc = STORE_OK, vrc;

	*d_r = NULL;
	if (dec_r != NULL)
		*dec_r = NULL;
	vdec_limits_default(&lim);
	lim.max_message = env->conf->max_message_size;
	dir = inbound_spill_dir(env->conf);
	lim.spill_dir = dir;
	vrc = vdec_decode_stream(env->crypto != NULL ? env->crypto : &here,
	    raw, &lim, &r, &derr);
	g_free(dir);
	if (vrc == VDEC_TEMPFAIL) {
		*error_r = g_strdup_printf("decoding: %s", derr);
		return STORE_TEMP;
	}
	if (vrc < 0) {
		*d_r = QUARANTINE("undecodable", "the message cannot be "
		    "decoded: %s", derr);
		return STORE_OK;
	}
	if (is_auto_reply(r, env->conf->address, &why)) {
		*d_r = inbound_decision_new(INBOUND_IGNORE, "auto-reply", why);
		goto out;
	}
	if (!r->encrypted) {
		char *both = g_strconcat(r->subject_outer ? r->subject_outer :
		    "", "\n", r->text ? r->text : "", NULL);

		rc = embargoed_case(env, both, &leak, error_r);
		/* Answering one of our notices in clear, or naming a case by
		 * its title, leaks as much as naming its id. */
		if (rc == STORE_OK && leak == NULL)
			rc = clear_reference(env, r, both, &leak, error_r);
		g_free(both);
		if (rc != STORE_OK)
			goto out;
		if (leak != NULL) {
			*d_r = QUARANTINE("leak", "a clear-text message names "
			    "the embargoed case %s: possible leak", leak);
			(*d_r)->case_id = leak;
			leak = NULL;
		} else
			*d_r = QUARANTINE("not-encrypted", "the message is not "
			    "encrypted to the desk key%s", r->smime ?
			    " (S/MIME is not supported: use OpenPGP)" : "");
		goto out;
	}
	/* What is in clear beside the ciphertext is checked for leaks even
	 * when the ciphertext cannot be read. */
	if ((rc = embargoed_case(env, r->clear_text, &leak, error_r)) !=
	    STORE_OK)
		goto out;
	/* (Not the outer Subject: our own notices carry the id there.) */
	if (leak == NULL && !r->decrypted && (rc = embargoed_case(env,
	    r->text, &leak, error_r)) != STORE_OK)
		goto out;
	if (leak == NULL && !r->decrypted) {
		*d_r = QUARANTINE("undecryptable", "cannot decrypt: %s",
		    r->decrypt_error ? r->decrypt_error : "unknown error");
		goto out;
	}
	if (leak != NULL) {
		*d_r = QUARANTINE("leak", "text outside the encrypted part "
		    "names the embargoed case %s: possible leak", leak);
		(*d_r)->case_id = leak;
		leak = NULL;
		goto out;
	}
	if ((rc = inbound_decide_registration(env, r, d_r, error_r)) !=
	    STORE_OK || *d_r != NULL)
		goto out;
	if (r->sig != VDEC_SIG_GOOD) {
		*d_r = QUARANTINE(sig_kind(r->sig), "%s%s%s",
		    r->sig == VDEC_SIG_NONE ? "encrypted but not signed" :
		    vdec_sig_name(r->sig), r->verify_error ? ": " : "",
		    r->verify_error ? r->verify_error : "");
		goto out;
	}
	if (inbound_is_coordinator(env->conf, r->signer_fpr)) {
		char *weak = policy_refusal(env->conf, r);

		if (weak != NULL) {
			*d_r = inbound_decision_new(INBOUND_QUARANTINE,
			    "weak-algorithm", weak);
			goto out;
		}
		rc = decide_command(env, r, now, d_r, error_r);
		goto out;
	}
	rc = decide_reply(env, r, now, d_r, error_r);
out:
	g_free(leak);
	if (dec_r != NULL)
		*dec_r = r;
	else
		vdec_result_free(&r);
	return rc;
}
