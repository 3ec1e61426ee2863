/*
 * route.c: what a decoded message is and what it may change (a vendor
 * reply, a coordinator's commands, a registration, or a quarantine with a
 * reason), from the message and the facts read before. Pure: no store, no
 * gpg, no clock, no logging.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "vulture/ids.h"
#include "vulture/policy.h"
#include "vulture/route.h"
#include "vulture/vtime.h"

const char *
inbound_action_name(enum inbound_action a)
{
	switch (a) {
	case INBOUND_APPLY: return "apply";
	case INBOUND_QUARANTINE: return "quarantine";
	case INBOUND_IGNORE: return "ignore";
	case INBOUND_COMMAND: return "command";
	case INBOUND_REGISTER: return "register";
	}
	return "?";
}

struct inbound_decision *
inbound_decision_new(enum inbound_action a, const char *kind, char *reason)
{
	struct inbound_decision *d = g_new0(struct inbound_decision, 1);

	d->action = a;
	d->kind = kind;
	d->reason = reason;
	d->changes = g_ptr_array_new_with_free_func(g_free);
	return d;
}

void
inbound_decision_free(struct inbound_decision **dp)
{
	struct inbound_decision *d;

	if (dp == NULL || *dp == NULL)
		return;
	d = *dp;
	g_free(d->reason);
	g_free(d->case_id);
	g_free(d->vendor);
	g_free(d->route);
	g_free(d->contact);
	g_free(d->contact_fpr);
	form_free(&d->form);
	cmd_block_free(&d->block);
	if (d->changes != NULL)
		g_ptr_array_unref(d->changes);
	if (d->key != NULL && d->key_free != NULL)
		d->key_free(&d->key);
	g_free(d);
	*dp = NULL;
}

static struct inbound_decision *quarantine(const char *kind,
    const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static struct inbound_decision *
quarantine(const char *kind, const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	why = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return inbound_decision_new(INBOUND_QUARANTINE, kind, why);
}

static void
route_case_free(gpointer p)
{
	struct route_case *c = p;

	g_free(c->id);
	g_free(c);
}

static void
open_case_free(gpointer p)
{
	struct route_open_case *c = p;

	g_free(c->id);
	g_free(c->title);
	g_free(c);
}

void
route_facts_init(struct route_facts *f, const struct vconf *conf,
    int64_t now)
{
	memset(f, 0, sizeof(*f));
	f->conf = conf;
	f->now = now;
	f->cases = g_ptr_array_new_with_free_func(route_case_free);
	f->open_cases = g_ptr_array_new_with_free_func(open_case_free);
}

void
route_facts_clear(struct route_facts *f)
{
	g_free(f->vendor_handle);
	g_free(f->vendor_state);
	g_free(f->contact);
	g_free(f->contact_fpr);
	if (f->cases != NULL)
		g_ptr_array_unref(f->cases);
	if (f->open_cases != NULL)
		g_ptr_array_unref(f->open_cases);
	g_free(f->ref_case);
	g_free(f->key_refusal);
	g_free(f->sent_forms);
	memset(f, 0, sizeof(*f));
}

const struct route_case *
route_facts_case(const struct route_facts *f, const char *id)
{
	guint i;

	for (i = 0; f->cases != NULL && i < f->cases->len; i++) {
		const struct route_case *c = f->cases->pdata[i];

		if (strcmp(c->id, id) == 0)
			return c;
	}
	return NULL;
}

char *
route_find_id(const struct vconf *conf, const char *text)
{
	char *id;

	if (text == NULL)
		return NULL;
	if ((id = ids_find(conf->id_format, text)) != NULL)
		return id;
	return ids_find(conf->single_vendor_id_format, text);
}

int
route_is_coordinator(const struct vconf *conf, const char *fpr)
{
	char **c;

	for (c = conf->coordinators; c != NULL && *c != NULL; c++)
		if (strcmp(*c, fpr) == 0)
			return 1;
	return 0;
}

/* A good signature by a key [coordinators] lists, encrypted or not. */
int
route_coordinator_signed(const struct vconf *conf,
    const struct vdec_result *r)
{
	return r != NULL && r->sig == VDEC_SIG_GOOD && r->sig_time != 0 &&
	    r->signed_hash[0] != '\0' && route_is_coordinator(conf,
	    r->signer_fpr);
}

const struct vdec_attachment *
route_key_attachment(const struct vdec_result *r)
{
	const struct vdec_attachment *found = NULL;
	guint i;

	for (i = 0; r->attachments != NULL && i < r->attachments->len; i++) {
		const struct vdec_attachment *a = r->attachments->pdata[i];

		if (strcmp(a->content_type, "application/pgp-keys") != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = a;
	}
	return found;
}

int
route_list_mail(const struct vdec_result *r)
{
	return r->list_id != NULL || (r->precedence != NULL &&
	    g_ascii_strcasecmp(r->precedence, "list") == 0);
}

/*
 * Mail no person wrote to us: nothing is answered. A mailing list's
 * headers alone do not count (route_list_mail): a vendor writing through
 * its list is read like any other mail.
 */
static int
is_auto_reply(const struct vdec_result *r, const char *desk, char **why)
{
	if (r->auto_submitted != NULL) {
		char *a = g_strstrip(g_strdup(r->auto_submitted));

		if (g_ascii_strcasecmp(a, "no") != 0) {
			*why = g_strdup_printf("Auto-Submitted: %s", a);
			g_free(a);
			return 1;
		}
		g_free(a);
	}
	if (r->precedence != NULL &&
	    (g_ascii_strcasecmp(r->precedence, "bulk") == 0 ||
	    g_ascii_strcasecmp(r->precedence, "junk") == 0)) {
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
	return 0;
}

static int
is_open(const struct route_facts *f, const char *id)
{
	guint i;

	for (i = 0; i < f->open_cases->len; i++)
		if (strcmp(((struct route_open_case *)
		    f->open_cases->pdata[i])->id, id) == 0)
			return 1;
	return 0;
}

/* The first case id in text (either format) that names an open case,
 * newly allocated, or NULL. */
static char *
embargoed_case(const struct route_facts *f, const char *text)
{
	const char *fmts[2] = { f->conf->id_format,
	    f->conf->single_vendor_id_format };
	char *found = NULL;
	guint i;
	int k;

	for (k = 0; k < 2 && text != NULL && found == NULL; k++) {
		GPtrArray *ids = ids_find_all(fmts[k], text);

		for (i = 0; i < ids->len && found == NULL; i++)
			if (is_open(f, ids->pdata[i]))
				found = g_strdup(ids->pdata[i]);
		g_ptr_array_unref(ids);
	}
	return found;
}

/* A clear-text message that answers one of our messages about an open
 * case, or that names an open case's title: that case (newly allocated),
 * or NULL. */
static char *
clear_reference(const struct route_facts *f, const char *text)
{
	char *low = NULL, *found = NULL;
	guint i;

	if (f->ref_case != NULL && is_open(f, f->ref_case))
		return g_strdup(f->ref_case);
	for (i = 0; i < f->open_cases->len && found == NULL; i++) {
		const struct route_open_case *c = f->open_cases->pdata[i];
		char *lt;

		if (c->title == NULL || g_utf8_strlen(c->title, -1) <
		    ROUTE_MIN_TITLE)
			continue;
		if (low == NULL)
			low = g_utf8_casefold(text, -1);
		lt = g_utf8_casefold(c->title, -1);
		if (strstr(low, lt) != NULL)
			found = g_strdup(c->id);
		g_free(lt);
	}
	g_free(low);
	return found;
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
		    ROUTE_DEFAULT_HOUR, 0, &t) == 0 ? vtime_format(t, tz) :
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
 * once (sql/003-reply-order.sql). Checked when routing (for inspect) and
 * again in the transaction that applies, where it counts: the decoder
 * decides one message ahead.
 */
char *
route_reply_order(const struct vconf *conf, const struct vdec_result *r,
    int reply_seen, int64_t last, const char **kind_r)
{
	char *t, *tl, *why;

	if (r == NULL || r->sig_time == 0)
		return NULL;
	if (reply_seen) {
		t = vtime_format(r->sig_time, conf->tz);
		*kind_r = "duplicate";
		why = g_strdup_printf("this signed reply (signed %s) was "
		    "already recorded; nothing changed", t ? t : "?");
		g_free(t);
		return why;
	}
	if (last == 0 || r->sig_time >= last)
		return NULL;
	t = vtime_format(r->sig_time, conf->tz);
	tl = vtime_format(last, conf->tz);
	*kind_r = "stale";
	why = g_strdup_printf("this reply was signed %s, before the reply "
	    "signed %s that is already recorded; nothing changed (send it "
	    "again if it still holds)", t ? t : "?", tl ? tl : "?");
	g_free(t);
	g_free(tl);
	return why;
}

/* Adds the distinct ids of text (both formats) to seen, up to the limit. */
static void
add_ids(const struct vconf *conf, const char *text, GPtrArray *seen,
    guint max)
{
	const char *fmts[2] = { conf->id_format,
	    conf->single_vendor_id_format };
	guint i, j;
	int k;

	for (k = 0; k < 2 && text != NULL; k++) {
		GPtrArray *ids = ids_find_all(fmts[k], text);

		for (i = 0; i < ids->len && seen->len < max; i++) {
			for (j = 0; j < seen->len; j++)
				if (strcmp(seen->pdata[j], ids->pdata[i]) == 0)
					break;
			if (j == seen->len)
				g_ptr_array_add(seen, g_strdup(ids->pdata[i]));
		}
		g_ptr_array_unref(ids);
	}
}

/* The case ids in the signed text (a quoted notice): how many distinct
 * ones, the one in *id_r when exactly one. */
static unsigned
signed_text_case(const struct vconf *conf, const char *text, char **id_r)
{
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	unsigned n;

	*id_r = NULL;
	/* Two are enough to know it is not exactly one. */
	add_ids(conf, text, seen, 2);
	n = seen->len;
	if (n == 1)
		*id_r = g_strdup(seen->pdata[0]);
	g_ptr_array_unref(seen);
	return n;
}

GPtrArray *
route_case_ids(const struct vconf *conf, const struct vdec_result *r)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	struct form *form = NULL;
	const char *ferr = NULL;

	if (r->subject_protected)
		add_ids(conf, r->subject, ids, 1);
	if (form_parse(r->text != NULL ? r->text : "", r->text_len, &form,
	    &ferr) == 0 && form->case_id != NULL)
		add_ids(conf, form->case_id, ids, ids->len + 1);
	form_free(&form);
	add_ids(conf, r->text, ids, ROUTE_MAX_CASE_IDS);
	return ids;
}

int
route_wants_key(const struct vdec_result *r)
{
	struct regform f;
	int yes;

	if (route_key_attachment(r) == NULL || (r->sig !=
	    VDEC_SIG_KEY_MISSING && r->sig != VDEC_SIG_GOOD))
		return 0;
	yes = regform_parse(r->text, &f);
	regform_clear(&f);
	return yes;
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
		d = quarantine("future-signature", "this reply was signed %s, "
		    "ahead of our clock by more than %lld minutes: nothing was "
		    "recorded (check your computer's clock and send it again)",
		    t ? t : "?", (long long)(conf->max_clock_skew / 60));
	else if (first != 0 && r->sig_time < first - conf->max_clock_skew) {
		f = vtime_format(first, conf->tz);
		d = quarantine("before-notice", "this reply was signed %s, "
		    "before we first wrote to you about this case (%s): it "
		    "cannot be about it, and nothing was recorded", t ? t :
		    "?", f ? f : "?");
		g_free(f);
	}
	g_free(t);
	return d;
}

/* A registration request: encrypted, with a registration form and one key
 * attached, signed by that key (unknown to us until imported: then
 * KEY_MISSING; or already in the key ring but pinned to nobody). NULL when
 * r is not one. */
static struct inbound_decision *
route_registration(const struct vdec_result *r, const struct route_facts *f)
{
	struct inbound_decision *d;
	struct regform rf;

	if (!route_wants_key(r))
		return NULL;
	if (r->sig == VDEC_SIG_GOOD && (f->signer_pinned ||
	    route_is_coordinator(f->conf, r->signer_fpr)))
		return NULL;
	if (f->key_fpr[0] == '\0')
		return quarantine("bad-registration", "registration request "
		    "from %s: the attached key is refused: %s",
		    r->from_addr ? r->from_addr : "?", f->key_refusal ?
		    f->key_refusal : "it was not examined");
	if (r->sig == VDEC_SIG_GOOD && strcmp(f->key_fpr, r->signer_fpr) != 0)
		return quarantine("bad-registration", "registration request "
		    "signed by %s but the attached key is %s", r->signer_fpr,
		    f->key_fpr);
	(void)regform_parse(r->text, &rf);
	d = inbound_decision_new(INBOUND_REGISTER, "registration",
	    g_strdup_printf("registration request from %s <%s>, key %s%s",
	    rf.organisation, r->from_addr ? r->from_addr : "?", f->key_fpr,
	    r->sig == VDEC_SIG_GOOD ? "" : " (the signature is checked once "
	    "the key is imported)"));
	d->contact_fpr = g_strdup(f->key_fpr);
	regform_clear(&rf);
	return d;
}

/* The case of a vendor reply: protected Subject, Case: line, the quoted
 * notice. NULL with *case_r and *route_r (newly allocated) or NULL, or a
 * refusal. */
static struct inbound_decision *
reply_case(const struct vconf *conf, const struct vdec_result *r,
    const struct form *form, const struct route_facts *f, char **case_r,
    char **route_r)
{
	struct inbound_decision *d = NULL;
	char *case_id = NULL, *route = NULL;

	*case_r = *route_r = NULL;
	if (r->subject_protected &&
	    (case_id = route_find_id(conf, r->subject)))
		route = g_strdup("protected Subject");
	if (form->case_id != NULL) {
		char *fid = route_find_id(conf, form->case_id);

		if (fid == NULL || strlen(fid) != strlen(form->case_id))
			d = quarantine("bad-form", "Case: '%s' is not a case "
			    "id", form->case_id);
		else if (case_id != NULL && strcmp(case_id, fid) != 0)
			d = quarantine("case-mismatch", "the protected "
			    "Subject names %s but the form says Case: %s",
			    case_id, fid);
		else if (case_id == NULL) {
			case_id = fid;
			fid = NULL;
			route = g_strdup("Case: line");
		}
		g_free(fid);
		if (d != NULL)
			goto out;
	}
	/* Rule 6: the quoted notice, inside the signed text, names it. */
	if (case_id == NULL) {
		char *q = NULL;

		if (signed_text_case(conf, r->text, &q) > 1) {
			d = quarantine("no-case", "the signed text names several "
			    "cases and has no Case: line: add the line 'Case: "
			    "ID' to say which one");
			goto out;
		}
		if ((case_id = q) != NULL)
			route = g_strdup("quoted notice");
	}
	if (case_id == NULL) {
		/* The outer Subject and In-Reply-To are not signed: anyone
		 * on the way can rewrite them. A hint, never a route. */
		char *hint = route_find_id(conf, r->subject_outer);

		if (hint == NULL && f->ref_case != NULL)
			hint = g_strdup(f->ref_case);
		if (hint != NULL)
			d = quarantine("case-unsigned", "the case id %s is only "
			    "in the unsigned headers (Subject or In-Reply-To), "
			    "which anyone on the way can change; nothing was "
			    "recorded. Put the line 'Case: %s' in the signed "
			    "reply (or keep the quoted notice)", hint, hint);
		else
			d = quarantine("no-case", "no case id in the signed "
			    "reply: add the line 'Case: ID' (or keep the "
			    "quoted notice)");
		g_free(hint);
	}
out:
	if (d != NULL) {
		g_free(case_id);
		g_free(route);
		return d;
	}
	*case_r = case_id;
	*route_r = route;
	return NULL;
}

/* The vendor-reply half of the decision: signer, vendor, case, form. */
static struct inbound_decision *
route_reply(const struct vdec_result *r, const struct route_facts *f)
{
	const struct vconf *conf = f->conf;
	const struct route_case *c;
	struct form *form = NULL;
	struct inbound_decision *d = NULL;
	char *case_id = NULL, *route = NULL, *err;
	const char *ferr = NULL, *kind = NULL;
	int64_t pub;
	guint i;

	if (!f->signer_pinned)
		return quarantine("unknown-key", "signed by key %s, which is "
		    "not pinned to any vendor contact", r->signer_fpr);
	if (strcmp(f->vendor_state, "suspended") == 0) {
		d = quarantine("vendor-suspended", "vendor %s is suspended",
		    f->vendor_handle);
		goto done;
	}
	if ((err = policy_refusal(conf->refuse_ciphers, conf->refuse_hashes,
	    r)) != NULL) {
		/* [policy]: the vendor is told which algorithm and what to
		 * use instead. */
		d = inbound_decision_new(INBOUND_QUARANTINE, "weak-algorithm",
		    err);
		goto done;
	}
	if (strcmp(f->vendor_state, "registered") != 0) {
		/* Rule 9: held until a coordinator has confirmed the key and
		 * approved the vendor (vendor approve processes it then). */
		d = quarantine("pending-vendor", "vendor %s is %s: its "
		    "statements are held until a coordinator approves it",
		    f->vendor_handle, f->vendor_state);
		goto done;
	}
	if (form_parse_reply(r->text != NULL ? r->text : "", r->text_len,
	    f->sent_forms, f->sent_forms != NULL ? strlen(f->sent_forms) : 0,
	    &form, &ferr) == -1) {
		d = quarantine("bad-form", "the reply form was refused: %s",
		    ferr);
		goto done;
	}
	/* A key signed by the contact's pinned key and no form: the vendor
	 * proposes a key change (a new key, new subkeys, a new expiry). */
	if (route_key_attachment(r) != NULL && (form->n_fields == 0 ||
	    (form->n_fields == 1 && form->case_id != NULL))) {
		d = inbound_decision_new(INBOUND_REGISTER, "key-change",
		    g_strdup_printf("vendor %s proposes a key change",
		    f->vendor_handle));
		goto done;
	}
	if ((d = reply_case(conf, r, form, f, &case_id, &route)) != NULL)
		goto done;
	if ((c = route_facts_case(f, case_id)) == NULL) {
		/* Past ROUTE_MAX_CASE_IDS: no facts were read for it. */
		d = quarantine("no-case", "the signed text names more than %d "
		    "case ids: keep only the one the reply is about",
		    ROUTE_MAX_CASE_IDS);
		goto done;
	}
	if (!c->exists) {
		d = quarantine("unknown-case", "%s is not a case you take part "
		    "in", case_id);
		goto done;
	}
	if (!c->participant) {
		/* Worded as for a case that does not exist: a stranger
		 * learns nothing of which ids are real. */
		d = quarantine("not-participant", "%s is not a case you take "
		    "part in", case_id);
		goto done;
	}
	/* Rule 7: a reply cannot predate its vendor's first notice, nor be
	 * dated ahead of our clock. */
	if ((d = signature_time_refusal(conf, r, c->first, f->now)) != NULL)
		goto done;
	/* Vendor A answering a notice we sent to vendor B. */
	if (f->ref_case != NULL && strcmp(f->ref_case, case_id) == 0 &&
	    f->ref_vendor != 0 && f->ref_vendor != f->vendor_id) {
		d = quarantine("wrong-vendor", "signed by %s but answers a "
		    "message sent to another vendor", f->vendor_handle);
		goto done;
	}
	if (form->errors->len > 0) {
		GString *s = g_string_new(NULL);

		for (i = 0; i < form->errors->len; i++) {
			const struct form_issue *is = form->errors->pdata[i];

			g_string_append_printf(s, "%sline %u: %s",
			    i ? "; " : "", is->line, is->message);
		}
		d = quarantine("bad-form", "the reply form has errors, nothing "
		    "was recorded: %s", s->str);
		g_string_free(s, TRUE);
		goto done;
	}
	if (form->pubdate_request != NULL && vtime_parse(form->pubdate_request,
	    conf->tz, ROUTE_DEFAULT_HOUR, 0, &pub) == -1) {
		d = quarantine("bad-form", "Publication-Date-Request %s is not "
		    "a date", form->pubdate_request);
		goto done;
	}
	if (form->n_fields == 0 || (form->n_fields == 1 &&
	    form->case_id != NULL)) {
		d = quarantine("empty-form", "no reply-form field was filled "
		    "in");
		goto done;
	}
	if ((err = route_reply_order(conf, r, f->reply_seen,
	    c->last_reply_signed, &kind)) != NULL) {
		d = inbound_decision_new(INBOUND_QUARANTINE, kind, err);
		goto done;
	}
	d = inbound_decision_new(INBOUND_APPLY, "applied",
	    g_strdup_printf("reply from %s to %s", f->vendor_handle, case_id));
	d->form = form;
	form = NULL;
	form_summary(d, conf->tz);
done:
	d->case_id = case_id;
	d->route = route;
	d->vendor = g_strdup(f->vendor_handle);
	d->vendor_id = f->vendor_id;
	d->contact = g_strdup(f->contact);
	d->contact_fpr = g_strdup(f->contact_fpr);
	if (d->form == NULL)
		d->form = form;
	else
		form_free(&form);
	return d;
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

/* cmd_parse()'s test of a case id: either format. */
static int
is_case_id(const char *s, void *arg)
{
	const struct vconf *conf = arg;

	return ids_match(conf->id_format, s) ||
	    ids_match(conf->single_vendor_id_format, s);
}

/* A coordinator's block: authenticated by the caller (encrypted, good
 * signature by a listed fingerprint); here the replay rules. */
static struct inbound_decision *
route_command(const struct vdec_result *r, const struct route_facts *f)
{
	const struct vconf *conf = f->conf;
	struct inbound_decision *d;
	const char *perr = NULL, *other;
	char *weak;

	if ((weak = policy_refusal(conf->refuse_ciphers, conf->refuse_hashes,
	    r)) != NULL)
		return inbound_decision_new(INBOUND_QUARANTINE,
		    "weak-algorithm", weak);
	/* Without a time and a hash of what was signed a block could not
	 * be told from its replay. */
	if (r->sig_time == 0 || r->signed_hash[0] == '\0' ||
	    r->sig_time < f->now - conf->command_max_age ||
	    r->sig_time > f->now + conf->max_clock_skew) {
		char *t = vtime_format(r->sig_time, conf->tz);

		d = quarantine("replay", "the signature was made %s, outside "
		    "command_max_age (or ahead of our clock by more than "
		    "max_clock_skew): nothing was run", t ? t : "(no time)");
		g_free(t);
		return d;
	}
	if (f->command_seen)
		return quarantine("replay", "this signed block was seen before "
		    "(run, or refused): nothing was run");
	d = inbound_decision_new(INBOUND_COMMAND, "command",
	    g_strdup_printf("commands signed by coordinator %s",
	    r->signer_fpr));
	if (cmd_parse(r->text ? r->text : "", r->text_len, is_case_id,
	    (void *)conf, &d->block, &perr) == -1) {
		inbound_decision_free(&d);
		return quarantine("bad-command", "the command block was "
		    "refused: %s", perr);
	}
	if (names_desk(r, d->block, conf->address))
		return d;
	other = d->block->desk;
	if (other != NULL) {
		struct inbound_decision *q = quarantine("not-to-desk", "the "
		    "signed block names the desk %s, not %s: nothing was run",
		    other, conf->address);

		inbound_decision_free(&d);
		return q;
	}
	inbound_decision_free(&d);
	return quarantine("not-to-desk", "the signed block does not name this "
	    "desk, so it could have been meant for another: nothing was run. "
	    "Put the line 'desk %s' before the first command, or send it "
	    "with protected headers (a To inside the signed part that "
	    "includes %s)", conf->address, conf->address);
}

static struct inbound_decision *
leak(const char *where, char *id)
{
	struct inbound_decision *d = quarantine("leak", "%s names the "
	    "embargoed case %s: possible leak", where, id);

	d->case_id = id;
	return d;
}

/* A message that is not encrypted: a leak if it names an open case (its
 * id, a message of ours about it, its title), else NULL. */
static struct inbound_decision *
clear_leak(const struct vdec_result *r, const struct route_facts *f)
{
	char *both = g_strconcat(r->subject_outer ? r->subject_outer : "",
	    "\n", r->text ? r->text : "", NULL);
	char *id = embargoed_case(f, both);

	/* Answering one of our notices in clear, or naming a case by its
	 * title, leaks as much as naming its id. */
	if (id == NULL)
		id = clear_reference(f, both);
	g_free(both);
	return id != NULL ? leak("a clear-text message", id) : NULL;
}

struct inbound_decision *
route(const struct vdec_result *r, const char *undecodable_why,
    const struct route_facts *f)
{
	struct inbound_decision *d;
	char *why = NULL, *id;

	if (r == NULL)
		return quarantine("undecodable", "the message cannot be "
		    "decoded: %s", undecodable_why ? undecodable_why : "?");
	if (is_auto_reply(r, f->conf->address, &why))
		return inbound_decision_new(INBOUND_IGNORE, "auto-reply", why);
	if (!r->encrypted) {
		if ((d = clear_leak(r, f)) != NULL)
			return d;
		/* A list's own traffic in clear is not for us to answer;
		 * a vendor writing through its list encrypts (below). */
		if (route_list_mail(r))
			return inbound_decision_new(INBOUND_IGNORE,
			    "auto-reply", r->list_id == NULL || (r->precedence
			    != NULL && g_ascii_strcasecmp(r->precedence,
			    "list") == 0) ? g_strdup_printf(
			    "Precedence: %s", r->precedence) :
			    g_strdup_printf("List-Id: %s", r->list_id));
		return quarantine("not-encrypted", "the message is not "
		    "encrypted to the desk key%s", r->smime ?
		    " (S/MIME is not supported: use OpenPGP)" : "");
	}
	/* What is in clear beside the ciphertext is checked for leaks even
	 * when the ciphertext cannot be read (a list's footer too). */
	id = embargoed_case(f, r->clear_text);
	/* (Not the outer Subject: our own notices carry the id there.) */
	if (id == NULL && !r->decrypted)
		id = embargoed_case(f, r->text);
	if (id != NULL)
		return leak("text outside the encrypted part", id);
	if (!r->decrypted)
		return quarantine("undecryptable", "cannot decrypt: %s",
		    r->decrypt_error ? r->decrypt_error : "unknown error");
	if ((d = route_registration(r, f)) != NULL)
		return d;
	if (r->sig != VDEC_SIG_GOOD)
		return quarantine(sig_kind(r->sig), "%s%s%s",
		    r->sig == VDEC_SIG_NONE ? "encrypted but not signed" :
		    vdec_sig_name(r->sig), r->verify_error ? ": " : "",
		    r->verify_error ? r->verify_error : "");
	if (route_is_coordinator(f->conf, r->signer_fpr))
		return route_command(r, f);
	return route_reply(r, f);
}
